//! Errors as the user reads them, and their exit codes. The library says what is wrong in its own terms;
//! here the message gains the flag that fixes it (`--allow-symlinks`, `--ignore-paths`, which method a
//! bundle needs, which keyless flag is missing). Exit codes: 1 when a check rejected the input (a signature or policy that does not
//! verify), 2 for unusable input, usage and I/O errors.

use std::fmt;

use aibom::pipeline::{ClaimKind, NeededMethod, PolicyError};
use aibom::Error;

/// A failed command: the message printed after `aibom: error: ` and the exit code.
#[derive(Debug)]
pub struct Failure {
    message: String,
    code: u8,
}

impl Failure {
    pub fn exit_code(&self) -> u8 {
        self.code
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure {
            message: render_error(&e),
            code: if e.is_rejection() { 1 } else { 2 },
        }
    }
}

/// A library error with the flag that changes the behaviour, where there is one.
fn render_error(e: &Error) -> String {
    match e {
        Error::Symlink { path, hint } => format!(
            "{}: is a symbolic link (pass --allow-symlinks to hash the file it points to){hint}",
            path.display()
        ),
        Error::IgnorePath { raw, reason } => format!("--ignore-paths {raw}: {reason}"),
        Error::KeyPasswordNeeded { path } => format!(
            "{}: encrypted private key: set AIBOM_KEY_PASSWORD to the key's password",
            path.display()
        ),
        Error::NoMethod { bundle, needed } => format!(
            "{}: no verification method given; {}",
            bundle.display(),
            method_advice(needed)
        ),
        Error::Policy { bundle, error } => {
            format!("{}: {}", bundle.display(), policy_message(error))
        }
        other => other.to_string(),
    }
}

/// Which flags a bundle needs, from what its verification material says.
fn method_advice(needed: &NeededMethod) -> String {
    match needed {
        NeededMethod::Key { hint } => format!(
            "this bundle was signed with a key{}: give its public key with --key PUB.pem",
            hint.as_deref()
                .map(|h| format!(" (hint {h})"))
                .unwrap_or_default()
        ),
        NeededMethod::CertificateChain { issuer } => format!(
            "this bundle was signed with a certificate issued by '{issuer}': give the root CA you trust \
             with --certificate-chain ROOT.pem"
        ),
        NeededMethod::Keyless { oidc_issuer } => format!(
            "this bundle was signed keyless (a Sigstore Fulcio certificate{}): give the signer you expect \
             with --certificate-identity (or --certificate-identity-regexp) and --certificate-oidc-issuer \
             (or --certificate-oidc-issuer-regexp)",
            oidc_issuer
                .as_deref()
                .map(|i| format!(" from OIDC issuer {i}"))
                .unwrap_or_default()
        ),
    }
}

/// The flags of one keyless claim: exact value, regular expression.
fn claim_flags(kind: ClaimKind) -> (&'static str, &'static str) {
    match kind {
        ClaimKind::Identity => ("--certificate-identity", "--certificate-identity-regexp"),
        ClaimKind::Issuer => (
            "--certificate-oidc-issuer",
            "--certificate-oidc-issuer-regexp",
        ),
    }
}

/// A keyless policy error in terms of the flags that give the policy.
fn policy_message(e: &PolicyError) -> String {
    match e {
        PolicyError::Missing(kind) => {
            let (flag, rflag) = claim_flags(*kind);
            format!(
                "keyless verification needs {flag} (or {rflag}): without it any signer would pass"
            )
        }
        PolicyError::Both(kind) => {
            let (flag, rflag) = claim_flags(*kind);
            format!("give {flag} or {rflag}, not both")
        }
        PolicyError::BadRegex { claim, reason } => format!("{}: {reason}", claim_flags(*claim).1),
    }
}
