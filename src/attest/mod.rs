//! Signatures and attestations: OpenSSF Model Signing (OMS v1.0) bundles and AIBOM in-toto attestations
//! in Sigstore bundles. Verification has two stages with one meeting point: a signature check (key,
//! certificate chain, or keyless Sigstore) yields [`VerifiedSignature`] — what was signed and by whom —
//! and the statement check then compares what was signed with the files on disk.

// `attest::attest` is the AIBOM attestation, named after the `aibom attest` command it serves.
#[allow(clippy::module_inception)]
pub mod attest;
pub mod bundle;
pub mod dsse;
pub mod error;
pub mod keyless;
pub mod keys;
pub mod oms;
pub mod problem;
pub mod sign;
pub mod verify;
pub mod x509;

pub use error::{AttestError, AttestResult};
pub use problem::{Problem, ProblemCode};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What a verified signature covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignedContent {
    /// A DSSE envelope's payload (an in-toto statement for OMS and AIBOM attestations).
    Dsse {
        payload_type: String,
        payload: Vec<u8>,
    },
    /// A plain message signature over an artifact digest (cosign `sign-blob` style).
    MessageDigest { algorithm: String, digest: Vec<u8> },
}

/// Who signed, as established by the signature check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "method", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Signer {
    /// A public key given by the verifier; `hint` is its OMS key hint (hex SHA-256 of its PEM text).
    Key { hint: Option<String> },
    /// A certificate chaining to a root the verifier gave (RFC 4514 subject and issuer of the leaf).
    Certificate { subject: String, issuer: String },
    /// A Fulcio certificate verified against the Sigstore trusted root and transparency log: the
    /// certificate's identity and OIDC issuer, the log's integrated time (Unix seconds) and the first
    /// entry's log index.
    Keyless {
        identity: String,
        issuer: String,
        integrated_time: Option<i64>,
        log_index: Option<u64>,
    },
}

/// The outcome of a successful signature check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    pub content: SignedContent,
    pub signer: Signer,
}
