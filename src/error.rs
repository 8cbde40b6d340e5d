//! Typed errors for the whole library. Every variant names the path it is about and says what is wrong
//! with it, in the library's terms: the CLI maps them to exit code 2 (unusable input) and adds which flag
//! changes the behaviour (`--allow-symlinks`, `--ignore-paths`) where there is one.

use std::io;
use std::path::PathBuf;

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can make a scan, a digest or an output write fail.
#[derive(Debug, thiserror::Error)]
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

    /// A user-supplied option is unusable (bad ignore path, bad output format...).
    #[error("{0}")]
    Usage(String),
}

impl Error {
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
