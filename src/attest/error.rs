//! Shorthands for the errors of signing and verification, which are [`crate::Error`]s: an unusable input
//! ([`crate::Error::Invalid`]: malformed bundle, unreadable key, missing file; exit 2) or a rejection
//! ([`crate::Error::Rejected`]: bad signature, files that do not match what was signed; exit 1), carrying a
//! [`Problem`] with a stable code.

use super::problem::{Problem, ProblemCode};

/// The error of signing and verification: the library's one [`crate::Error`].
pub type AttestError = crate::Error;

/// Result alias of this module.
pub type AttestResult<T> = std::result::Result<T, AttestError>;

pub(crate) fn invalid(msg: impl Into<String>) -> AttestError {
    AttestError::Invalid(msg.into())
}

pub(crate) fn rejected(code: ProblemCode, msg: impl Into<String>) -> AttestError {
    AttestError::Rejected(Problem::new(code, msg))
}
