//! The verification façades: one call that checks a model, file or digest against a Sigstore bundle
//! ([`verify`]) — reading the bundle once, choosing the signature check by [`Method`], building the
//! keyless policy, then comparing what was signed with the target — and one call that checks a Hugging
//! Face cache ([`verify_hf_cache`]); plus the renderers of their reports.
//!
//! What is wrong is said here in the library's terms (a missing claim, the method a bundle needs);
//! which flag fixes it is the CLI's to add.

use std::fmt;

use std::path::{Path, PathBuf};

use crate::attest::bundle::{read_capped as read_capped_bundle, Bundle, MAX_BUNDLE_BYTES};
use crate::attest::keyless::{self, IdentityMatch, KeylessArtifact, KeylessPolicy};
use crate::attest::keys::PublicKey;
use crate::attest::verify::{self as check, CheckOptions, KeyCheck, Target, VerifyReport};
use crate::attest::{AttestError, VerifiedSignature};
use crate::error::{Error, Result};
use crate::hash::{self, NoProgress, Progress};
use crate::hfcache::{self, CacheReport};
use crate::output::VerifyFormat;
use crate::report;
use crate::scan::ScanOptions;
use crate::walk::{self, WalkOptions};

/// Upper bound on the files read whole here (the bundle, a trusted root).
const MAX_INPUT: u64 = 64 * 1024 * 1024;

/// How the signature is checked.
#[derive(Debug, Clone)]
pub enum Method {
    /// The key method: the signer's public key (PEM file).
    Key(PathBuf),
    /// The certificate method: trusted root (or intermediate) CA certificate files (PEM).
    CertificateChain(Vec<PathBuf>),
    /// Keyless Sigstore: the signer identity and OIDC issuer the Fulcio certificate must name.
    Keyless { identity: Claim, issuer: Claim },
    /// None given: fail, saying which method the bundle needs ([`VerifyError::NoMethod`]).
    Detect,
}

/// One certificate claim of a keyless policy as the user gave it: an exact value or a regular
/// expression (exactly one of the two is needed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Claim {
    pub exact: Option<String>,
    pub regexp: Option<String>,
}

/// Which claim of a keyless policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimKind {
    /// The signer identity (certificate SAN: e-mail or URI).
    Identity,
    /// The OIDC issuer Fulcio recorded.
    Issuer,
}

impl ClaimKind {
    fn as_str(self) -> &'static str {
        match self {
            ClaimKind::Identity => "signer identity",
            ClaimKind::Issuer => "OIDC issuer",
        }
    }
}

/// Why a keyless policy cannot be built: the typed detail of [`Error::Policy`], which [`verify`] fails
/// with (the CLI names the flags of the claim from it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyError {
    /// The claim is not given: without it any signer would pass.
    Missing(ClaimKind),
    /// Both an exact value and a pattern are given for the claim.
    Both(ClaimKind),
    /// The pattern does not compile (`reason` says why).
    BadRegex { claim: ClaimKind, reason: String },
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyError::Missing(c) => write!(
                f,
                "keyless verification needs the expected {}: without it any signer would pass",
                c.as_str()
            ),
            PolicyError::Both(c) => write!(
                f,
                "give the expected {} as an exact value or as a pattern, not both",
                c.as_str()
            ),
            PolicyError::BadRegex { claim, reason } => {
                write!(f, "expected {}: {reason}", claim.as_str())
            }
        }
    }
}

impl std::error::Error for PolicyError {}

/// Build the keyless policy from the two claims ([`verify`] makes a failure an [`Error::Policy`]
/// naming the bundle).
pub(crate) fn keyless_policy(
    identity: &Claim,
    issuer: &Claim,
) -> Result<KeylessPolicy, PolicyError> {
    let one = |c: &Claim, kind: ClaimKind| match (&c.exact, &c.regexp) {
        (Some(e), None) => Ok(IdentityMatch::Exact(e.clone())),
        (None, Some(r)) => IdentityMatch::compile(r).map_err(|e| PolicyError::BadRegex {
            claim: kind,
            reason: e.to_string(),
        }),
        (Some(_), Some(_)) => Err(PolicyError::Both(kind)),
        (None, None) => Err(PolicyError::Missing(kind)),
    };
    Ok(KeylessPolicy {
        identity: one(identity, ClaimKind::Identity)?,
        issuer: one(issuer, ClaimKind::Issuer)?,
    })
}

/// Options of [`verify`].
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// How to walk and hash a model directory or file: normalised ignore paths (outputs written
    /// inside the model among them), git paths, symlinks, hashing threads. Not used for a digest.
    pub scan: ScanOptions,
    /// Tolerate files on disk that the signature does not list (never missing ones).
    pub ignore_unsigned_files: bool,
    /// A Sigstore `trusted_root.json` instead of the embedded public-good root (keyless, and key
    /// bundles with transparency-log entries).
    pub trusted_root: Option<PathBuf>,
    /// Key method: accept a managed-key bundle (a message signature, or an in-toto statement other than
    /// an OMS model signature or AIBOM attestation) that has no transparency-log entry, which is refused
    /// with `tlog-missing` otherwise, as cosign refuses it without `--insecure-ignore-tlog`. Entries
    /// that are present are still verified; OMS key-method bundles never need one.
    pub insecure_ignore_tlog: bool,
}

/// Why [`verify`] could not give a verdict (a verdict, verified or not, is a [`VerifyReport`]): the
/// library's one [`Error`], most often [`Error::NoMethod`], [`Error::Policy`] or an unusable input.
pub type VerifyError = Error;

/// Verify `target` against the bundle at `bundle_path`: stage 1 checks the signature by `method`,
/// stage 2 compares what was signed with the target. A signature or content that does not verify is a
/// report with `verified: false` (and its reasons), not an error; errors are unusable inputs.
/// `progress` sees the hashing of a model directory or file.
pub fn verify(
    target: &Target,
    bundle_path: &Path,
    method: &Method,
    opts: &VerifyOptions,
    progress: &dyn Progress,
) -> Result<VerifyReport, VerifyError> {
    let bundle_bytes = read_capped_bundle(bundle_path, MAX_BUNDLE_BYTES, "bundle")?;
    let bundle = Bundle::parse(&bundle_bytes).map_err(|e| e.context(bundle_path.display()))?;
    // Stage 1: the signature check, one path per method, each yielding a VerifiedSignature.
    let signature = check_signature(&bundle_bytes, &bundle, bundle_path, method, opts, target)?;
    let signature = match signature {
        Ok(s) => s,
        Err(AttestError::Rejected(problem)) => {
            return Ok(VerifyReport::rejected(
                target,
                problem.context(bundle_path.display()),
            ))
        }
        Err(e) => return Err(e.context(bundle_path.display())),
    };
    // Stage 2: what was signed against the model, file or digest.
    let mut walk = opts.scan.walk.clone();
    if let Target::Digest(_) = target {
        walk.ignore_paths.clear();
    }
    let check_opts = CheckOptions {
        walk,
        jobs: opts.scan.jobs,
        ignore_unsigned_files: opts.ignore_unsigned_files,
        bundle_path: Some(bundle_path.to_path_buf()),
        known: None,
    };
    let checked = check::check_content(
        &signature,
        target,
        &check_opts,
        &mut |files| progress.start(files.entries.len(), files.total_bytes()),
        progress,
    );
    let mut report = match checked {
        Ok(r) => r,
        Err(AttestError::Rejected(problem)) => {
            let mut r = VerifyReport::rejected(target, problem);
            r.signer = Some(signature.signer.clone());
            r
        }
        Err(e) => return Err(e),
    };
    if !report.verified {
        if let Some(what) = signed_model(&report) {
            report
                .notes
                .push(format!("{}: signs {what}", bundle_path.display()));
        }
    }
    Ok(report)
}

/// Stage 1 of a verification: the bundle's signature by `method`. `Ok(Err(e))` carries a rejection
/// (or an error that is the bundle's); `Err` is an unusable input or a missing method.
pub(crate) fn check_signature(
    bundle_bytes: &[u8],
    bundle: &Bundle,
    bundle_path: &Path,
    method: &Method,
    opts: &VerifyOptions,
    target: &Target,
) -> Result<Result<VerifiedSignature, AttestError>, VerifyError> {
    Ok(match method {
        Method::Detect => {
            return Err(VerifyError::NoMethod {
                bundle: bundle_path.to_path_buf(),
                needed: check::needed_method(bundle),
            })
        }
        Method::Key(k) => {
            let key = PublicKey::read(k)?;
            let root = opts
                .trusted_root
                .as_deref()
                .map(read_trusted_root)
                .transpose()?;
            check::check_key_with(
                bundle,
                &key,
                &KeyCheck {
                    trusted_root_json: root.as_deref(),
                    insecure_ignore_tlog: opts.insecure_ignore_tlog,
                },
            )
        }
        Method::CertificateChain(files) => {
            let roots = check::read_roots(files)?;
            check::check_certificate_chain(bundle, &roots)
        }
        Method::Keyless { identity, issuer } => {
            let policy = keyless_policy(identity, issuer).map_err(|error| VerifyError::Policy {
                bundle: bundle_path.to_path_buf(),
                error,
            })?;
            check_keyless(bundle_bytes, &policy, opts.trusted_root.as_deref(), target)
        }
    })
}

/// Verify a Hugging Face cache root, one `models--org--name` repository or a `local_dir` download:
/// every cached file against the blob name or etag the Hub gave it. Problems inside are in the report.
pub fn verify_hf_cache(path: &Path) -> Result<CacheReport> {
    hfcache::verify_cache(path)
}

/// The bytes of a verification report in `format`: the verdict and every differing file (text) or
/// the full report (pretty JSON); both end with a newline.
pub fn render_verify(report: &VerifyReport, format: VerifyFormat) -> String {
    match format {
        VerifyFormat::Text => report::render_verify_report(report),
        VerifyFormat::Json => json(report),
    }
}

/// The bytes of a Hugging Face cache report in `format` (see [`render_verify`]).
pub fn render_cache(report: &CacheReport, format: VerifyFormat) -> String {
    match format {
        VerifyFormat::Text => report::render_cache_report(report),
        VerifyFormat::Json => json(report),
    }
}

fn json(v: &impl serde::Serialize) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("report serialises");
    s.push('\n');
    s
}

/// The model a failed report's signature covers, in words (`model 'x' (root digest sha256:...)`).
fn signed_model(r: &VerifyReport) -> Option<String> {
    match (&r.model, &r.root_digest) {
        (Some(m), Some(d)) => Some(format!("model '{m}' (root digest {d})")),
        (Some(m), None) => Some(format!("model '{m}'")),
        (None, Some(d)) => Some(format!("a model with root digest {d}")),
        (None, None) => None,
    }
}

/// Read a trusted root file of at most [`MAX_INPUT`] bytes.
fn read_trusted_root(path: &Path) -> Result<Vec<u8>, AttestError> {
    crate::io::read_capped(path, MAX_INPUT, "trusted root")
}

/// The keyless signature check: Fulcio chain, SCTs, transparency log, timestamps and the identity
/// policy, offline, against the embedded production trusted root or the given one.
fn check_keyless(
    bundle: &[u8],
    policy: &KeylessPolicy,
    trusted_root: Option<&Path>,
    target: &Target,
) -> Result<VerifiedSignature, AttestError> {
    let root = trusted_root.map(read_trusted_root).transpose()?;
    // A message signature covers one file's digest: the file given, or the digest given.
    let artifact = match target {
        Target::Digest(d) => KeylessArtifact::Digest(*d),
        Target::Path(p) if p.is_file() => {
            let entry = walk::walk(p, &WalkOptions::oms_default())?;
            let mut buf = vec![0u8; hash::BUF_SIZE];
            let h = hash::hash_file(&entry.entries[0], &mut buf, &NoProgress)?;
            KeylessArtifact::Digest(h.sha256)
        }
        Target::Path(_) => KeylessArtifact::None,
    };
    keyless::verify_keyless(bundle, policy, root.as_deref(), artifact)
}
