//! The library's one error type: everything a scan, digest, parser, output write, signature or
//! verification can fail with. Every public function of the library that can fail returns [`Result`]
//! with [`Error`] (the format header readers excepted: their `Err` is a [`crate::formats::Defect`], a
//! coded finding about the file rather than a failure of the call); detail types such as
//! [`crate::attest::Problem`] (the stable code of a rejection) and [`crate::pipeline::PolicyError`] travel
//! inside its variants, never instead of it.
//!
//! The design: [`Error`] is an enum whose variants carry typed context — the path, field, pattern or
//! bundle the failure is about and the reason, in the library's terms — rather than one formatted
//! string. [`Error::kind`] gives the coarse classification callers branch on ([`ErrorKind`], in the
//! manner of rustsec's error kinds: I/O, not found, walk, input, usage, invalid, rejected), and
//! [`Error::is_rejection`] tells a check that rejected well-formed input (a signature or statement that
//! does not verify: exit 1) from unusable input, usage and I/O (exit 2). Where a failure has an
//! underlying cause — an I/O error, a JSON, DER or regular-expression parser's error, a keyless policy
//! error — the variant keeps it and [`std::error::Error::source`] returns it, so callers can walk the
//! chain; the message already includes the cause's text, so printing the error alone says everything.
//! [`Error::context`] prefixes the file or field an invalid input or rejection is about.
//!
//! Flag names, environment variables and exit codes belong to the CLI (`cli/error.rs`), which adds which
//! flag changes the behaviour where there is one.

use std::io;
use std::path::PathBuf;

use crate::attest::problem::Problem;
use crate::attest::verify::NeededMethod;
use crate::pipeline::PolicyError;

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can make a library call fail (see the module docs).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An I/O operation on `path` failed.
    #[error("{path}: {action}: {source}")]
    Io {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: io::Error,
    },

    /// The model path does not exist.
    #[error("{path}: no such file or directory")]
    NotFound { path: PathBuf },

    /// A symbolic link was found while symlinks are not allowed (`hint` says what the links look like,
    /// when they look like something).
    #[error(
        "{path}: is a symbolic link, and symbolic links are not followed unless allowed{hint}"
    )]
    Symlink { path: PathBuf, hint: &'static str },

    /// A symbolic link whose target does not exist or cannot be resolved (dangling link, loop).
    #[error("{path}: symbolic link cannot be resolved: {reason}")]
    BrokenSymlink { path: PathBuf, reason: String },

    /// A fifo, socket or device node: not a file a model can consist of.
    #[error("{path}: is a {kind}, not a regular file or directory")]
    SpecialFile { path: PathBuf, kind: &'static str },

    /// A file name that is not valid UTF-8 cannot be named in an OMS manifest.
    #[error("{path}: file name is not valid UTF-8; OMS manifests and BOMs need UTF-8 names")]
    NonUtf8Name { path: PathBuf },

    /// The model has no files to hash after applying the ignore rules.
    #[error("{path}: the model contains no files (after ignore rules); refusing to describe an empty model")]
    EmptyModel { path: PathBuf },

    /// A file changed between the walk and the end of its hashing.
    #[error(
        "{path}: file changed while it was being hashed ({what}); re-run once writes have finished"
    )]
    Changed { path: PathBuf, what: String },

    /// A path to leave out of the walk is unusable (`raw` as given, `reason` why).
    #[error("ignore path {raw}: {reason}")]
    IgnorePath { raw: String, reason: String },

    /// An input file (a bundle, a key, a trusted root) is a fifo, device, socket or directory.
    #[error("{path}: is a {kind}, not a regular file")]
    NotRegular { path: PathBuf, kind: &'static str },

    /// A file is larger than the bound for what it is.
    #[error("{path}: {what} is larger than {} MiB; refusing to read it", limit >> 20)]
    TooLarge {
        path: PathBuf,
        what: &'static str,
        limit: u64,
    },

    /// A private key file is encrypted and no password was given.
    #[error("{}: encrypted private key, and no password was given", path.display())]
    KeyPasswordNeeded { path: PathBuf },

    /// A user-supplied option is unusable (bad ignore path, bad output format...).
    #[error("{0}")]
    Usage(String),

    /// An input cannot be used: malformed bundle, statement, BOM, key or certificate, unsupported
    /// algorithm. The message names the file or field.
    #[error("{0}")]
    Invalid(String),

    /// An input the parser of its format rejected (JSON, DER, PEM): `what` says what the input was
    /// expected to be, prefixed with the file or field it is about; `source` is the parser's error.
    #[error("{what}: {source}")]
    Malformed {
        what: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },

    /// A regular expression given as an option does not compile or is over the size bound.
    #[error("invalid regular expression {pattern:?}: {source}")]
    Pattern {
        pattern: String,
        #[source]
        source: regex::Error,
    },

    /// The input is well formed but does not verify: wrong key, bad signature, untrusted certificate,
    /// files that do not match what was signed. The [`Problem`] carries a stable code and the message.
    #[error("{0}")]
    Rejected(Problem),

    /// A bundle was given without a way to check it; `needed` is the method its material calls for.
    #[error("{}: no verification method given; the bundle needs {}", bundle.display(), needed.what())]
    NoMethod {
        bundle: PathBuf,
        needed: NeededMethod,
    },

    /// An audit policy file is unusable: `line` and `column` (1-based; 0 when unknown) say where.
    #[error("{}:{line}:{column}: {message}", path.display())]
    PolicyFile {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },

    /// The keyless signer policy given for `bundle` is unusable.
    #[error("{}: {error}", bundle.display())]
    Policy {
        bundle: PathBuf,
        #[source]
        error: PolicyError,
    },
}

/// What kind of failure an [`Error`] is, for callers that branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing a file failed at the operating-system level.
    Io,
    /// A path the caller named does not exist.
    NotFound,
    /// The model cannot be walked as it is: links, special files, names, emptiness, changes while read.
    Walk,
    /// An input file is not a regular file or is over its size bound.
    Input,
    /// An option or a combination of options is unusable (ignore paths, outputs, verification method,
    /// signer policy).
    Usage,
    /// A bundle, statement, BOM, key or certificate is malformed or unsupported.
    Invalid,
    /// A well-formed input did not verify.
    Rejected,
}

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Io { .. } => ErrorKind::Io,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::Symlink { .. }
            | Error::BrokenSymlink { .. }
            | Error::SpecialFile { .. }
            | Error::NonUtf8Name { .. }
            | Error::EmptyModel { .. }
            | Error::Changed { .. } => ErrorKind::Walk,
            Error::NotRegular { .. } | Error::TooLarge { .. } => ErrorKind::Input,
            Error::IgnorePath { .. }
            | Error::Usage(_)
            | Error::KeyPasswordNeeded { .. }
            | Error::NoMethod { .. }
            | Error::Pattern { .. }
            | Error::Policy { .. }
            | Error::PolicyFile { .. } => ErrorKind::Usage,
            Error::Invalid(_) | Error::Malformed { .. } => ErrorKind::Invalid,
            Error::Rejected(_) => ErrorKind::Rejected,
        }
    }

    /// True when a check rejected well-formed input (exit 1 in the CLI); everything else is unusable
    /// input, usage or I/O (exit 2).
    pub fn is_rejection(&self) -> bool {
        self.kind() == ErrorKind::Rejected
    }

    /// The exit code a command failing with this error ends with: 1 for a rejection, 2 otherwise.
    pub fn exit_code(&self) -> u8 {
        if self.is_rejection() {
            1
        } else {
            2
        }
    }

    /// The problem a rejection carries.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Error::Rejected(p) => Some(p),
            _ => None,
        }
    }

    /// Prefix an invalid input's or a rejection's message with the file or field it is about (other
    /// errors already name their path).
    pub fn context(self, what: impl std::fmt::Display) -> Self {
        match self {
            Error::Invalid(m) => Error::Invalid(format!("{what}: {m}")),
            Error::Malformed { what: w, source } => Error::Malformed {
                what: format!("{what}: {w}"),
                source,
            },
            Error::Rejected(p) => Error::Rejected(p.context(what)),
            other => other,
        }
    }

    /// Shorthand for an [`Error::Invalid`].
    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::Invalid(msg.into())
    }

    /// Shorthand for an [`Error::Malformed`]: `what` the input should have been, the parser's error.
    pub fn malformed(
        what: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        Error::Malformed {
            what: what.into(),
            source: source.into(),
        }
    }

    /// Shorthand for an [`Error::Usage`].
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }

    /// Shorthand for an [`Error::Io`].
    pub fn io(path: impl Into<PathBuf>, action: &'static str, source: io::Error) -> Self {
        Error::Io {
            path: path.into(),
            action,
            source,
        }
    }

    /// Shorthand for an [`Error::NotFound`].
    pub fn not_found(path: impl Into<PathBuf>) -> Self {
        Error::NotFound { path: path.into() }
    }

    /// Shorthand for an [`Error::SpecialFile`].
    pub fn special_file(path: impl Into<PathBuf>, kind: &'static str) -> Self {
        Error::SpecialFile {
            path: path.into(),
            kind,
        }
    }

    /// Shorthand for an [`Error::TooLarge`].
    pub fn too_large(path: impl Into<PathBuf>, what: &'static str, limit: u64) -> Self {
        Error::TooLarge {
            path: path.into(),
            what,
            limit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attest::problem::ProblemCode;

    #[test]
    fn only_a_rejection_is_exit_1_and_context_names_the_file() {
        let r = Error::Rejected(Problem::new(ProblemCode::SignatureInvalid, "bad signature"))
            .context("m.sig");
        assert!(r.is_rejection() && r.exit_code() == 1);
        assert_eq!(r.kind(), ErrorKind::Rejected);
        assert!(r.to_string().starts_with("m.sig: "), "{r}");
        let i = Error::invalid("not JSON").context("m.sig");
        assert_eq!((i.kind(), i.exit_code()), (ErrorKind::Invalid, 2));
        assert_eq!(i.to_string(), "m.sig: not JSON");
        let n = Error::not_found("x");
        assert_eq!((n.kind(), n.is_rejection()), (ErrorKind::NotFound, false));
    }

    /// What a source chain ends with, as text.
    fn sources(e: &Error) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = std::error::Error::source(e);
        while let Some(c) = cur {
            out.push(c.to_string());
            cur = c.source();
        }
        out
    }

    #[test]
    fn public_parsers_fail_with_the_right_kind_and_chain_the_parser_error() {
        use crate::attest::{bundle::Bundle, keyless::IdentityMatch, keys, verify::Target, x509};

        // Malformed documents: Invalid, the parser's error as the source, its text in the message.
        let e = crate::hf::config::parse_config(b"{\"a\": ").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid);
        assert!(e.to_string().starts_with("invalid JSON: "), "{e}");
        assert_eq!(sources(&e).len(), 1, "{e}");
        assert!(e.to_string().ends_with(&sources(&e)[0]), "{e}");
        let e = Bundle::parse(b"[").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid);
        assert!(std::error::Error::source(&e).is_some_and(|c| c.is::<serde_json::Error>()));
        // context() keeps the source and names the file.
        let e = e.context("m.sig");
        assert!(
            e.to_string()
                .starts_with("m.sig: not a JSON Sigstore bundle: "),
            "{e}"
        );
        assert!(std::error::Error::source(&e).is_some());
        let e = x509::parse_der(&[0x30, 0x03, 0x02, 0x01, 0x01]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid);
        assert!(std::error::Error::source(&e).is_some_and(|c| c.is::<der::Error>()));
        // Wrong shape, no underlying error: Invalid without a source.
        for e in [
            crate::hf::config::parse_config(b"[1]").unwrap_err(),
            crate::hf::config::parse_tokenizer_config(b"\"x\"").unwrap_err(),
            crate::dataset::parse_croissant(br#"{"name": "x"}"#).unwrap_err(),
            crate::security::numpy::parse_header(b"\x93NUMPY").unwrap_err(),
            keys::PublicKey::from_pem("not a key").unwrap_err(),
            keys::PrivateKey::from_pem("-----BEGIN PUBLIC KEY-----\n", None).unwrap_err(),
            keys::PublicKey::from_spki_der(b"\x30\x00").unwrap_err(),
        ] {
            assert_eq!(e.kind(), ErrorKind::Invalid, "{e}");
            assert!(sources(&e).is_empty(), "{e}");
            assert!(!e.is_rejection());
        }
        // Values the caller gave as options: Usage.
        let e = crate::timestamp::parse("yesterday").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Usage);
        assert_eq!(
            e.to_string(),
            "expected `now`, epoch seconds, or YYYY-MM-DDTHH:MM:SSZ"
        );
        let e = Target::parse("sha256:beef").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Usage);
        assert!(
            e.to_string()
                .starts_with("digest: not a SHA-256 hex digest"),
            "{e}"
        );
        let e = IdentityMatch::compile("a(").unwrap_err();
        assert!(
            matches!(&e, Error::Pattern { pattern, .. } if pattern == "a("),
            "{e}"
        );
        assert_eq!(e.kind(), ErrorKind::Usage);
        assert!(std::error::Error::source(&e).is_some_and(|c| c.is::<regex::Error>()));
    }
}
