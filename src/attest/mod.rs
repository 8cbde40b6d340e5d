//! Signatures and attestations: OpenSSF Model Signing (OMS v1.0) bundles and AIBOM in-toto attestations
//! in Sigstore bundles. Verification has two stages with one meeting point: a signature check (key,
//! certificate chain, or keyless Sigstore) yields [`VerifiedSignature`] — what was signed and by whom —
//! and the statement check then compares what was signed with the files on disk.

use serde::Serialize;

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "method", rename_all = "kebab-case")]
pub enum Signer {
    /// A public key given by the verifier.
    Key { hint: Option<String> },
    /// A certificate chaining to a root the verifier gave.
    Certificate { subject: String, issuer: String },
    /// A Fulcio certificate verified against the Sigstore trusted root and transparency log.
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
