//! Why a verification failed, in stable terms: [`ProblemCode`] names each kind of failure with a
//! kebab-case code that scripts can match on (`file-modified`, `signature-invalid`, ...) and
//! [`Problem`] pairs a code with the human message and, when the problem is about one file, its path.
//! A rejected signature ([`super::AttestError::Rejected`]) carries a `Problem`, and every entry of a
//! [`super::verify::VerifyReport`]'s `problems` is one. Codes are added, never renamed or removed;
//! docs/verify-problems.md documents every one (a test fails when one is missing).

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The stable code of a verification problem. The JSON form is the kebab-case name (`file-modified`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemCode {
    // --- the signature check ---
    /// The signature does not verify with the given key (or the signing certificate's key): the signed
    /// content was altered after signing, or another key signed it.
    SignatureInvalid,
    /// The bundle names another key than the one given: its embedded public key, or its key hint when
    /// the signature does not verify.
    KeyMismatch,
    /// The signing certificate does not chain to a trusted root (certificate method), or Sigstore
    /// rejected it (keyless: Fulcio chain, code-signing usage, SCT).
    CertificateUntrusted,
    /// A certificate of the chain had expired at the signing time.
    CertificateExpired,
    /// A certificate of the chain was not yet valid at the signing time.
    CertificateNotYetValid,
    /// The signing certificate may not sign (no digitalSignature key usage, no codeSigning extended key
    /// usage).
    CertificateUsage,
    /// The keyless certificate's identity (email or URI) does not match `--certificate-identity[-regexp]`.
    IdentityMismatch,
    /// The keyless certificate's OIDC issuer does not match `--certificate-oidc-issuer[-regexp]`.
    IssuerMismatch,
    /// A transparency-log entry does not verify: inclusion proof, checkpoint, signed entry timestamp, or
    /// an entry that describes another signature.
    TlogInvalid,
    /// A managed-key bundle (a message signature, or an in-toto statement other than an OMS model
    /// signature or an AIBOM attestation, signed with a key: what `cosign sign-blob --key` and
    /// `attest-blob --key` write) has no transparency-log entry. cosign requires one by default; the
    /// verifier may choose to accept such bundles. OMS key-method bundles are never logged and need none.
    TlogMissing,
    /// An RFC 3161 timestamp does not verify, or no trusted signing time exists.
    TimestampInvalid,
    /// Sigstore found that the bundle does not cover the artifact given (its digest or subject).
    ArtifactMismatch,
    /// Sigstore rejected the bundle as inconsistent or unverifiable (for example a managed-key bundle
    /// whose entries cannot be checked).
    BundleInvalid,
    /// A check that must have run did not (fail-closed guard against a verifier that skipped one).
    VerificationIncomplete,

    // --- what was signed ---
    /// The signed DSSE payload is not an in-toto statement.
    PayloadTypeUnsupported,
    /// The signed statement is not valid: not JSON, not an in-toto statement, or a required field is
    /// missing or of the wrong type.
    StatementMalformed,
    /// The signed statement uses something aibom cannot check (a serialization method, hash type or
    /// digest algorithm other than SHA-256, subjects without a SHA-256 digest).
    StatementUnsupported,
    /// The signed statement contradicts itself: its root digest is not the digest of the files it lists,
    /// or it lists a file twice.
    StatementInconsistent,

    // --- the target against what was signed ---
    /// The `sha256:` digest given is not the signed digest.
    DigestMismatch,
    /// The file given matches none of the signed in-toto subjects.
    SubjectMismatch,
    /// The target is not the kind of thing the bundle signs (a directory for a bundle over one artifact).
    TargetMismatch,
    /// The single signed file has another name than the file given.
    FileNameMismatch,
    /// The file given is not among the files of the signed model.
    FileNotSigned,
    /// A signed file's content differs from what was signed (`modified` has both digests).
    FileModified,
    /// A signed file is not on disk (`missing`).
    FileMissing,
    /// A file on disk is not signed (`extra`); not a problem with `--ignore-unsigned-files`.
    FileExtra,
}

impl ProblemCode {
    /// Every code, in declaration order (a test holds it to the enum).
    pub const ALL: &'static [ProblemCode] = &[
        ProblemCode::SignatureInvalid,
        ProblemCode::KeyMismatch,
        ProblemCode::CertificateUntrusted,
        ProblemCode::CertificateExpired,
        ProblemCode::CertificateNotYetValid,
        ProblemCode::CertificateUsage,
        ProblemCode::IdentityMismatch,
        ProblemCode::IssuerMismatch,
        ProblemCode::TlogInvalid,
        ProblemCode::TlogMissing,
        ProblemCode::TimestampInvalid,
        ProblemCode::ArtifactMismatch,
        ProblemCode::BundleInvalid,
        ProblemCode::VerificationIncomplete,
        ProblemCode::PayloadTypeUnsupported,
        ProblemCode::StatementMalformed,
        ProblemCode::StatementUnsupported,
        ProblemCode::StatementInconsistent,
        ProblemCode::DigestMismatch,
        ProblemCode::SubjectMismatch,
        ProblemCode::TargetMismatch,
        ProblemCode::FileNameMismatch,
        ProblemCode::FileNotSigned,
        ProblemCode::FileModified,
        ProblemCode::FileMissing,
        ProblemCode::FileExtra,
    ];

    /// The code as it appears in JSON and in docs/verify-problems.md.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemCode::SignatureInvalid => "signature-invalid",
            ProblemCode::KeyMismatch => "key-mismatch",
            ProblemCode::CertificateUntrusted => "certificate-untrusted",
            ProblemCode::CertificateExpired => "certificate-expired",
            ProblemCode::CertificateNotYetValid => "certificate-not-yet-valid",
            ProblemCode::CertificateUsage => "certificate-usage",
            ProblemCode::IdentityMismatch => "identity-mismatch",
            ProblemCode::IssuerMismatch => "issuer-mismatch",
            ProblemCode::TlogInvalid => "tlog-invalid",
            ProblemCode::TlogMissing => "tlog-missing",
            ProblemCode::TimestampInvalid => "timestamp-invalid",
            ProblemCode::ArtifactMismatch => "artifact-mismatch",
            ProblemCode::BundleInvalid => "bundle-invalid",
            ProblemCode::VerificationIncomplete => "verification-incomplete",
            ProblemCode::PayloadTypeUnsupported => "payload-type-unsupported",
            ProblemCode::StatementMalformed => "statement-malformed",
            ProblemCode::StatementUnsupported => "statement-unsupported",
            ProblemCode::StatementInconsistent => "statement-inconsistent",
            ProblemCode::DigestMismatch => "digest-mismatch",
            ProblemCode::SubjectMismatch => "subject-mismatch",
            ProblemCode::TargetMismatch => "target-mismatch",
            ProblemCode::FileNameMismatch => "file-name-mismatch",
            ProblemCode::FileNotSigned => "file-not-signed",
            ProblemCode::FileModified => "file-modified",
            ProblemCode::FileMissing => "file-missing",
            ProblemCode::FileExtra => "file-extra",
        }
    }

    /// One sentence saying what the code means (the audit's rule help; docs/verify-problems.md says more).
    pub fn summary(self) -> &'static str {
        match self {
            ProblemCode::SignatureInvalid => "The signature does not verify with the signer's key: the content was altered after signing, or another key signed it.",
            ProblemCode::KeyMismatch => "The bundle names another key than the one trusted.",
            ProblemCode::CertificateUntrusted => "The signing certificate does not chain to a trusted root, or Sigstore rejected it.",
            ProblemCode::CertificateExpired => "A certificate of the chain had expired at the signing time.",
            ProblemCode::CertificateNotYetValid => "A certificate of the chain was not yet valid at the signing time.",
            ProblemCode::CertificateUsage => "The signing certificate may not sign code (key usage, extended key usage).",
            ProblemCode::IdentityMismatch => "The keyless certificate's signer identity is not the expected one.",
            ProblemCode::IssuerMismatch => "The keyless certificate's OIDC issuer is not the expected one.",
            ProblemCode::TlogInvalid => "A transparency-log entry does not verify.",
            ProblemCode::TlogMissing => "A key-signed bundle that is not an OMS signature or AIBOM attestation carries no transparency-log entry.",
            ProblemCode::TimestampInvalid => "A timestamp does not verify, or no trusted signing time exists.",
            ProblemCode::ArtifactMismatch => "Sigstore found that the bundle does not cover the artifact given.",
            ProblemCode::BundleInvalid => "Sigstore rejected the bundle as inconsistent or unverifiable.",
            ProblemCode::VerificationIncomplete => "A check that must have run did not.",
            ProblemCode::PayloadTypeUnsupported => "The signed DSSE payload is not an in-toto statement.",
            ProblemCode::StatementMalformed => "The signed statement is not valid.",
            ProblemCode::StatementUnsupported => "The signed statement uses something aibom cannot check.",
            ProblemCode::StatementInconsistent => "The signed statement contradicts itself.",
            ProblemCode::DigestMismatch => "The digest given is not the signed digest.",
            ProblemCode::SubjectMismatch => "The file given matches none of the signed subjects.",
            ProblemCode::TargetMismatch => "The target is not the kind of thing the bundle signs.",
            ProblemCode::FileNameMismatch => "The single signed file has another name than the file given.",
            ProblemCode::FileNotSigned => "The file given is not among the files of the signed model.",
            ProblemCode::FileModified => "A file's content differs from what was signed or recorded.",
            ProblemCode::FileMissing => "A signed or recorded file is not on disk.",
            ProblemCode::FileExtra => "A file on disk is not among the signed or recorded files.",
        }
    }

    /// True for the codes of one differing file (`file-modified`, `file-missing`, `file-extra`), which the
    /// report also lists in its `modified`, `missing` and `extra` fields.
    pub fn is_file_difference(self) -> bool {
        matches!(
            self,
            ProblemCode::FileModified | ProblemCode::FileMissing | ProblemCode::FileExtra
        )
    }
}

impl fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One reason a verification failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    /// What kind of problem: a stable code.
    pub code: ProblemCode,
    /// What was found, for people; its wording may change between releases.
    pub message: String,
    /// The model-relative path of the file the problem is about, when it is about one (else null).
    pub path: Option<String>,
}

impl Problem {
    /// A problem not tied to one file.
    pub fn new(code: ProblemCode, message: impl Into<String>) -> Problem {
        Problem {
            code,
            message: message.into(),
            path: None,
        }
    }

    /// The same problem, about the file `path`.
    pub fn at(mut self, path: impl Into<String>) -> Problem {
        self.path = Some(path.into());
        self
    }

    /// The same problem with its message prefixed by the file or field it was found in.
    pub fn context(mut self, what: impl fmt::Display) -> Problem {
        self.message = format!("{what}: {}", self.message);
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_names_are_the_documented_codes() {
        for code in [
            ProblemCode::SignatureInvalid,
            ProblemCode::CertificateNotYetValid,
            ProblemCode::TlogInvalid,
            ProblemCode::TlogMissing,
            ProblemCode::FileExtra,
        ] {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::from(code.as_str())
            );
        }
    }
}
