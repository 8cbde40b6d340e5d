//! Errors of signing and verification, split by what the user must do about them: an unusable input
//! (malformed bundle, unreadable key, missing file: exit 2) or a rejection (bad signature, files that do not
//! match what was signed: exit 1). A rejection carries a [`Problem`]: a stable code and the message.

use super::problem::{Problem, ProblemCode};

/// Why a signing or verification step stopped.
#[derive(Debug, thiserror::Error)]
pub enum AttestError {
    /// The input cannot be used: malformed bundle or statement, unreadable key or certificate, unsupported
    /// algorithm. The message names the file or field.
    #[error("{0}")]
    Invalid(String),
    /// The input is well formed but does not verify: wrong key, bad signature, untrusted certificate,
    /// statement inconsistent with its own subject.
    #[error("{0}")]
    Rejected(Problem),
    /// Walking, hashing or reading a model or file failed.
    #[error(transparent)]
    Fs(#[from] crate::Error),
}

impl AttestError {
    /// The CLI exit code for this error: 1 for a rejection, 2 for unusable input.
    pub fn exit_code(&self) -> u8 {
        match self {
            AttestError::Rejected(_) => 1,
            AttestError::Invalid(_) | AttestError::Fs(_) => 2,
        }
    }

    /// Prefix the message with the file or field it is about.
    pub fn context(self, what: impl std::fmt::Display) -> Self {
        match self {
            AttestError::Invalid(m) => AttestError::Invalid(format!("{what}: {m}")),
            AttestError::Rejected(p) => AttestError::Rejected(p.context(what)),
            other => other,
        }
    }
}

/// Result alias of this module.
pub type AttestResult<T> = std::result::Result<T, AttestError>;

pub(crate) fn invalid(msg: impl Into<String>) -> AttestError {
    AttestError::Invalid(msg.into())
}

pub(crate) fn rejected(code: ProblemCode, msg: impl Into<String>) -> AttestError {
    AttestError::Rejected(Problem::new(code, msg))
}
