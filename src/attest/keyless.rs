//! Sigstore verification through `sigstore-verify`, offline, against the Sigstore trusted root (the
//! production root embedded in `sigstore-verify`, or a `trusted_root.json` the user gives): keyless
//! bundles (a short-lived Fulcio certificate logged in Rekor, checked with an identity/issuer policy), and
//! the transparency-log evidence of managed-key bundles (`cosign sign-blob --key` and the like), whose
//! key the caller supplies ([`verify_key_log`]).
//!
//! The cryptography and the Sigstore verification procedure are delegated to the Sigstore project's
//! Rust verifier (`sigstore-verify` 0.15, built without TUF and without any HTTP client):
//! - bundle structure per media type (v0.1 needs an inclusion promise, v0.2/v0.3 an inclusion proof,
//!   v0.3 a single certificate); exactly one DSSE signature;
//! - signing times: RFC 3161 timestamps verified against the trusted timestamp authorities (each within
//!   its authority's validity window) and, for Rekor v1 entries, the integrated time authenticated by the
//!   signed entry timestamp;
//! - the certificate chain to a Fulcio CA of the trusted root, valid at every verified signing time, with
//!   the code-signing EKU; the leaf's validity window covering every signing time;
//! - the certificate's embedded SCT against the trusted CT logs;
//! - each log entry: Merkle inclusion proof against a checkpoint signed by a trusted Rekor key (Rekor v1
//!   and v2), the signed entry timestamp when present, integrated time within the certificate's validity;
//! - the signature over the DSSE PAE or over the artifact digest, with the certificate's key;
//! - that the log entry describes this very signature, key and artifact (CVE-2022-36056 class);
//! - identity (SAN, exact) and issuer (Fulcio OID 1.3.6.1.4.1.57264.1.8, legacy .1.1 fallback, exact).
//!
//! Added here, because `sigstore-verify` does not do it:
//! - regular-expression identity and issuer matching (cosign's `-regexp` flags);
//! - a required `mediaType` (the crate silently treats a missing one as v0.1);
//! - size limits on the bundle and trusted-root inputs;
//! - a DSSE bundle verified without an artifact: the statement's own subject digest stands in for the
//!   artifact, and the caller's statement check compares the subjects with the files on disk;
//! - a policy must name both identity and issuer, never empty;
//! - a final fail-closed check that the chain, SCT and log evidence were all actually verified.

use std::collections::BTreeMap;
use std::fmt;

use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use sigstore_verify::trust_root::{TrustedRoot, SIGSTORE_PRODUCTION_TRUSTED_ROOT};
use sigstore_verify::types::DerPublicKey;
use sigstore_verify::types::{
    Artifact, ArtifactDigest, Bundle, HashAlgorithm, Sha256Hash, SignatureContent,
};
use sigstore_verify::{IdentityMatcher, PublicKeyVerificationPolicy, VerificationPolicy, Verifier};

use super::error::{AttestError, AttestResult};
use super::problem::{Problem, ProblemCode};
use super::{SignedContent, Signer, VerifiedSignature};

/// Largest bundle accepted. A Sigstore bundle is a few KiB plus its DSSE payload; an AIBOM attestation
/// of a model with very many files can reach a few MiB. Parsing is bounded by this times a small factor.
pub const MAX_BUNDLE_BYTES: usize = 64 * 1024 * 1024;

/// Largest `trusted_root.json` accepted (the production root is about 7 KiB).
pub const MAX_TRUSTED_ROOT_BYTES: usize = 4 * 1024 * 1024;

/// Compiled size limit for a user-supplied regular expression.
const REGEX_SIZE_LIMIT: usize = 1024 * 1024;

/// The bundle media types of the Sigstore bundle specification, v0.1 to v0.3.
pub const BUNDLE_MEDIA_TYPES: [&str; 4] = [
    "application/vnd.dev.sigstore.bundle+json;version=0.1",
    "application/vnd.dev.sigstore.bundle+json;version=0.2",
    "application/vnd.dev.sigstore.bundle+json;version=0.3",
    "application/vnd.dev.sigstore.bundle.v0.3+json",
];

/// How a certificate claim (identity or issuer) must match.
#[derive(Debug, Clone)]
pub enum IdentityMatch {
    /// The claim equals this string.
    Exact(String),
    /// The claim matches this regular expression. As in cosign, the match is a search: anchor the
    /// pattern with `^...$` to require the whole claim to match.
    Regex(Regex),
}

impl IdentityMatch {
    /// Compile a pattern for [`IdentityMatch::Regex`] with a bounded compiled size. A pattern that does
    /// not compile is an [`AttestError::Pattern`] (a usage error whose source is the regex crate's error),
    /// which says why without naming where the pattern came from.
    pub fn compile(pattern: &str) -> AttestResult<Self> {
        RegexBuilder::new(pattern)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map(IdentityMatch::Regex)
            .map_err(|source| AttestError::Pattern {
                pattern: pattern.to_string(),
                source,
            })
    }

    /// Whether `claim` satisfies this matcher.
    pub fn matches(&self, claim: &str) -> bool {
        match self {
            IdentityMatch::Exact(s) => s == claim,
            IdentityMatch::Regex(r) => r.is_match(claim),
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            IdentityMatch::Exact(s) => s.is_empty(),
            IdentityMatch::Regex(r) => r.as_str().is_empty(),
        }
    }
}

impl fmt::Display for IdentityMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdentityMatch::Exact(s) => f.write_str(s),
            IdentityMatch::Regex(r) => f.write_str(r.as_str()),
        }
    }
}

/// Who must have signed: the certificate's identity (SAN: email, URI) and the OIDC issuer recorded by
/// Fulcio. Both are required, as cosign requires them.
#[derive(Debug, Clone)]
pub struct KeylessPolicy {
    pub identity: IdentityMatch,
    pub issuer: IdentityMatch,
}

impl KeylessPolicy {
    /// What the identity matcher is, in words, for messages (the CLI names its own flags).
    fn identity_what(&self) -> &'static str {
        match self.identity {
            IdentityMatch::Exact(_) => "the expected identity",
            IdentityMatch::Regex(_) => "the identity pattern",
        }
    }

    /// What the issuer matcher is, in words, for messages.
    fn issuer_what(&self) -> &'static str {
        match self.issuer {
            IdentityMatch::Exact(_) => "the expected OIDC issuer",
            IdentityMatch::Regex(_) => "the OIDC issuer pattern",
        }
    }
}

/// What the signature is checked against, besides the bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeylessArtifact {
    /// Nothing: allowed for DSSE bundles, whose payload (an in-toto statement) is returned for the
    /// statement check; a message-signature bundle then fails: the artifact's digest is needed.
    None,
    /// The SHA-256 of the signed artifact (a single file, as `cosign verify-blob`), or of a statement
    /// subject when a DSSE bundle must name it.
    Digest([u8; 32]),
}

/// Why keyless verification failed. Each message says what was checked and what was found. Internal:
/// the public functions of this module fail with the library's [`AttestError`] ([`KeylessError::into_error`]).
#[derive(Debug, thiserror::Error)]
pub(crate) enum KeylessError {
    #[error("bundle is {size} bytes, more than the {limit}-byte limit for a Sigstore bundle")]
    BundleTooLarge { size: usize, limit: usize },

    #[error(
        "trusted root is {size} bytes, more than the {limit}-byte limit for trusted_root.json"
    )]
    TrustedRootTooLarge { size: usize, limit: usize },

    #[error("bundle is not a Sigstore bundle: {0}")]
    MalformedBundle(String),

    #[error(
        "bundle has no mediaType; expected one of the Sigstore bundle media types v0.1 to v0.3"
    )]
    MissingMediaType,

    #[error("bundle media type {0:?} is not a Sigstore bundle v0.1, v0.2 or v0.3")]
    UnsupportedMediaType(String),

    #[error("bundle carries a public key, not a Fulcio certificate: it is not a keyless signature (verify it with a key)")]
    NotKeyless,

    #[error("trusted root unusable: {0}")]
    TrustedRoot(String),

    #[error("{what}: {reason}")]
    BadPolicy { what: &'static str, reason: String },

    #[error("the bundle signs an artifact digest (message signature): the artifact's SHA-256 is needed to verify it")]
    ArtifactRequired,

    #[error("certificate identity {actual} does not match {what} {expected}")]
    IdentityMismatch {
        actual: String,
        expected: String,
        what: &'static str,
    },

    #[error("certificate OIDC issuer {actual} does not match {what} {expected}")]
    IssuerMismatch {
        actual: String,
        expected: String,
        what: &'static str,
    },

    /// Chain to the Fulcio CA, code-signing usage, SCT.
    #[error("signing certificate rejected: {0}")]
    Certificate(String),

    /// The certificate had expired at the signing time.
    #[error("signing certificate rejected: {0}")]
    CertificateExpired(String),

    /// The certificate was not yet valid at the signing time.
    #[error("signing certificate rejected: {0}")]
    CertificateNotYetValid(String),

    /// Inclusion proof, checkpoint, signed entry timestamp, integrated time, entry consistency.
    #[error("transparency log entry rejected: {0}")]
    TransparencyLog(String),

    /// RFC 3161 timestamps, or no trusted signing time at all.
    #[error("timestamp rejected: {0}")]
    Timestamp(String),

    #[error("signature does not verify: {0}")]
    Signature(String),

    #[error("the bundle does not cover the artifact: {0}")]
    ArtifactMismatch(String),

    #[error("bundle rejected: {0}")]
    InvalidBundle(String),

    #[error("verification incomplete: {0}")]
    Incomplete(&'static str),
}

impl KeylessError {
    /// The stable code of a rejection; `None` for unusable input (oversized, not a bundle, bad trusted
    /// root, bad policy), which is an error, not a verdict.
    fn problem_code(&self) -> Option<ProblemCode> {
        use KeylessError as E;
        Some(match self {
            E::BundleTooLarge { .. }
            | E::TrustedRootTooLarge { .. }
            | E::MalformedBundle(_)
            | E::MissingMediaType
            | E::UnsupportedMediaType(_)
            | E::NotKeyless
            | E::TrustedRoot(_)
            | E::BadPolicy { .. }
            | E::ArtifactRequired => return None,
            E::IdentityMismatch { .. } => ProblemCode::IdentityMismatch,
            E::IssuerMismatch { .. } => ProblemCode::IssuerMismatch,
            E::Certificate(_) => ProblemCode::CertificateUntrusted,
            E::CertificateExpired(_) => ProblemCode::CertificateExpired,
            E::CertificateNotYetValid(_) => ProblemCode::CertificateNotYetValid,
            E::TransparencyLog(_) => ProblemCode::TlogInvalid,
            E::Timestamp(_) => ProblemCode::TimestampInvalid,
            E::Signature(_) => ProblemCode::SignatureInvalid,
            E::ArtifactMismatch(_) => ProblemCode::ArtifactMismatch,
            E::InvalidBundle(_) => ProblemCode::BundleInvalid,
            E::Incomplete(_) => ProblemCode::VerificationIncomplete,
        })
    }

    /// A Sigstore verifier failure as the library's error: a rejection with its problem code (exit 1),
    /// a policy that cannot be used ([`AttestError::Usage`]) or unusable input ([`AttestError::Invalid`]).
    pub(crate) fn into_error(self) -> AttestError {
        match (self.problem_code(), &self) {
            (Some(code), _) => AttestError::Rejected(Problem::new(code, self.to_string())),
            (None, KeylessError::BadPolicy { .. }) => AttestError::Usage(self.to_string()),
            (None, _) => AttestError::Invalid(self.to_string()),
        }
    }
}

/// Verify a keyless Sigstore bundle offline.
///
/// `trusted_root_json` replaces the embedded Sigstore production trusted root when given. For a DSSE
/// bundle the returned [`SignedContent::Dsse`] payload still has to be compared with the files (the
/// statement check); for a message signature the returned digest is the artifact digest that was
/// verified.
///
/// Errors: a signature that does not verify is an [`AttestError::Rejected`] with its problem code; an
/// unusable policy an [`AttestError::Usage`]; an unusable bundle or trusted root an [`AttestError::Invalid`].
pub fn verify_keyless(
    bundle_json: &[u8],
    policy: &KeylessPolicy,
    trusted_root_json: Option<&[u8]>,
    artifact: KeylessArtifact,
) -> AttestResult<VerifiedSignature> {
    keyless(bundle_json, policy, trusted_root_json, artifact).map_err(KeylessError::into_error)
}

/// [`verify_keyless`] with the verifier's own classification of failures.
fn keyless(
    bundle_json: &[u8],
    policy: &KeylessPolicy,
    trusted_root_json: Option<&[u8]>,
    artifact: KeylessArtifact,
) -> Result<VerifiedSignature, KeylessError> {
    check_policy(policy)?;
    let bundle = parse_bundle(bundle_json)?;
    let root = load_trusted_root(trusted_root_json)?;
    let verifier = Verifier::new(&root).map_err(|e| KeylessError::TrustedRoot(e.to_string()))?;

    let (content, digest) = match (&bundle.content, artifact) {
        (SignatureContent::DsseEnvelope(env), artifact) => {
            let digest = match artifact {
                KeylessArtifact::Digest(d) => ArtifactDigest::sha256(Sha256Hash::new(d)),
                KeylessArtifact::None => subject_digest(&env.payload_type, env.payload.as_bytes())?,
            };
            let content = SignedContent::Dsse {
                payload_type: env.payload_type.clone(),
                payload: env.payload.as_bytes().to_vec(),
            };
            (content, digest)
        }
        (SignatureContent::MessageSignature(_), KeylessArtifact::Digest(d)) => {
            let content = SignedContent::MessageDigest {
                algorithm: "sha256".to_string(),
                digest: d.to_vec(),
            };
            (content, ArtifactDigest::sha256(Sha256Hash::new(d)))
        }
        (SignatureContent::MessageSignature(_), KeylessArtifact::None) => {
            return Err(KeylessError::ArtifactRequired)
        }
        _ => {
            return Err(KeylessError::MalformedBundle(
                "neither a DSSE envelope nor a message signature".to_string(),
            ))
        }
    };

    // Exact matching is delegated; a regular expression is checked below, after every cryptographic
    // check has passed (sigstore-verify only matches exact strings).
    let mut sv_policy = VerificationPolicy::any_identity();
    if let IdentityMatch::Exact(id) = &policy.identity {
        sv_policy = sv_policy.require_identity(IdentityMatcher::Exact(id.clone()));
    }
    if let IdentityMatch::Exact(iss) = &policy.issuer {
        sv_policy = sv_policy.require_issuer(iss.clone());
    }

    let result = verifier
        .verify(Artifact::from_digest(digest), &bundle, &sv_policy)
        .map_err(|e| map_error(e, policy))?;

    // Fail closed should a future version of the crate relax a check by default.
    if !result.certificate_verified() {
        return Err(KeylessError::Incomplete("certificate chain not verified"));
    }
    if !result.sct_verified() {
        return Err(KeylessError::Incomplete(
            "signed certificate timestamp not verified",
        ));
    }
    if !result.tlog_verified() {
        return Err(KeylessError::Incomplete(
            "transparency log entry not verified",
        ));
    }

    let identity = result
        .identity()
        .map(|san| san.as_str().to_string())
        .ok_or_else(|| KeylessError::IdentityMismatch {
            actual: "(none: the certificate has no email or URI name)".to_string(),
            expected: policy.identity.to_string(),
            what: policy.identity_what(),
        })?;
    if !policy.identity.matches(&identity) {
        return Err(KeylessError::IdentityMismatch {
            actual: identity,
            expected: policy.identity.to_string(),
            what: policy.identity_what(),
        });
    }
    let issuer =
        result
            .issuer()
            .map(str::to_string)
            .ok_or_else(|| KeylessError::IssuerMismatch {
                actual: "(none: the certificate has no Fulcio issuer extension)".to_string(),
                expected: policy.issuer.to_string(),
                what: policy.issuer_what(),
            })?;
    if !policy.issuer.matches(&issuer) {
        return Err(KeylessError::IssuerMismatch {
            actual: issuer,
            expected: policy.issuer.to_string(),
            what: policy.issuer_what(),
        });
    }

    let log_index = bundle
        .verification_material
        .tlog_entries
        .first()
        .map(|e| e.log_index.get());
    Ok(VerifiedSignature {
        content,
        signer: Signer::Keyless {
            identity,
            issuer,
            integrated_time: result.integrated_time().map(|t| t.as_second()),
            log_index,
        },
    })
}

fn check_policy(policy: &KeylessPolicy) -> Result<(), KeylessError> {
    if policy.identity.is_empty() {
        return Err(KeylessError::BadPolicy {
            what: policy.identity_what(),
            reason: "the expected certificate identity is empty".to_string(),
        });
    }
    if policy.issuer.is_empty() {
        return Err(KeylessError::BadPolicy {
            what: policy.issuer_what(),
            reason: "the expected OIDC issuer is empty".to_string(),
        });
    }
    Ok(())
}

/// Only the media type; the rest of the document is skipped by serde without building values.
#[derive(Deserialize)]
struct BundleHead {
    #[serde(rename = "mediaType")]
    media_type: Option<serde_json::Value>,
}

fn parse_bundle(json: &[u8]) -> Result<Bundle, KeylessError> {
    let bundle = parse_any_bundle(json)?;
    if bundle.signing_certificate().is_none() {
        return Err(KeylessError::NotKeyless);
    }
    Ok(bundle)
}

/// A Sigstore bundle of any kind (certificate or public key), with its media type checked.
fn parse_any_bundle(json: &[u8]) -> Result<Bundle, KeylessError> {
    if json.len() > MAX_BUNDLE_BYTES {
        return Err(KeylessError::BundleTooLarge {
            size: json.len(),
            limit: MAX_BUNDLE_BYTES,
        });
    }
    let text = std::str::from_utf8(json)
        .map_err(|e| KeylessError::MalformedBundle(format!("not UTF-8 text: {e}")))?;
    let head: BundleHead = serde_json::from_str(text)
        .map_err(|e| KeylessError::MalformedBundle(format!("not a JSON object: {e}")))?;
    match head.media_type {
        None | Some(serde_json::Value::Null) => return Err(KeylessError::MissingMediaType),
        Some(serde_json::Value::String(mt)) => {
            if !BUNDLE_MEDIA_TYPES.contains(&mt.as_str()) {
                return Err(KeylessError::UnsupportedMediaType(mt));
            }
        }
        Some(other) => return Err(KeylessError::UnsupportedMediaType(other.to_string())),
    }
    Bundle::from_json(text).map_err(|e| KeylessError::MalformedBundle(e.to_string()))
}

/// What the transparency log vouches for in a managed-key bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEvidence {
    /// Log entries verified (all of the bundle's).
    pub entries: usize,
    /// The earliest integrated time authenticated by a signed entry timestamp (Rekor v1), Unix seconds.
    pub integrated_time: Option<i64>,
    /// The first entry's log index.
    pub log_index: Option<u64>,
}

/// Verify the transparency-log entries of a bundle signed with a managed key (no certificate), as cosign
/// does by default for `--key`: each entry's inclusion proof against a checkpoint signed by a Rekor key of
/// the trusted root, its signed entry timestamp (inclusion promise) when present, and that the entry
/// describes this very signature, key and artifact; RFC 3161 timestamps, when present, must verify too.
/// The signature itself is checked again with `public_key_spki_der` (DER SubjectPublicKeyInfo).
///
/// The signed artifact stands in as the bundle's own claim (the message digest of a message signature,
/// the statement's subject digest of a DSSE envelope): the caller compares that claim with the files.
/// The bundle's public-key hint is not looked at. A bundle without log entries is refused (a
/// `bundle-invalid` rejection): nothing would be verified. Errors as [`verify_keyless`].
pub fn verify_key_log(
    bundle_json: &[u8],
    public_key_spki_der: &[u8],
    trusted_root_json: Option<&[u8]>,
) -> AttestResult<LogEvidence> {
    key_log(bundle_json, public_key_spki_der, trusted_root_json).map_err(KeylessError::into_error)
}

/// [`verify_key_log`] with the verifier's own classification of failures.
fn key_log(
    bundle_json: &[u8],
    public_key_spki_der: &[u8],
    trusted_root_json: Option<&[u8]>,
) -> Result<LogEvidence, KeylessError> {
    let bundle = parse_any_bundle(bundle_json)?;
    if bundle.signing_certificate().is_some() {
        return Err(KeylessError::MalformedBundle(
            "the bundle carries a certificate, not a public key".to_string(),
        ));
    }
    let entries = bundle.verification_material.tlog_entries.len();
    if entries == 0 {
        return Err(KeylessError::InvalidBundle(
            "no transparency-log entry to verify".to_string(),
        ));
    }
    let root = load_trusted_root(trusted_root_json)?;
    let verifier = Verifier::new(&root).map_err(|e| KeylessError::TrustedRoot(e.to_string()))?;
    let digest = match &bundle.content {
        SignatureContent::DsseEnvelope(env) => {
            subject_digest(&env.payload_type, env.payload.as_bytes())?
        }
        SignatureContent::MessageSignature(m) => {
            let d = m
                .message_digest
                .as_ref()
                .ok_or(KeylessError::ArtifactRequired)?;
            ArtifactDigest::new(d.algorithm, d.digest.as_bytes().to_vec())
                .map_err(|e| KeylessError::InvalidBundle(e.to_string()))?
        }
        _ => {
            return Err(KeylessError::MalformedBundle(
                "neither a DSSE envelope nor a message signature".to_string(),
            ))
        }
    };
    let policy = PublicKeyVerificationPolicy::new(DerPublicKey::new(public_key_spki_der.to_vec()));
    let result = verifier
        .verify(Artifact::from_digest(digest), &bundle, &policy)
        .map_err(map_key_error)?;
    // Fail closed should a future version of the crate relax the default.
    if !result.tlog_verified() {
        return Err(KeylessError::Incomplete(
            "transparency log entry not verified",
        ));
    }
    Ok(LogEvidence {
        entries,
        integrated_time: result.integrated_time().map(|t| t.as_second()),
        log_index: bundle
            .verification_material
            .tlog_entries
            .first()
            .map(|e| e.log_index.get()),
    })
}

fn map_key_error(e: sigstore_verify::Error) -> KeylessError {
    use sigstore_verify::Error as E;
    match e {
        E::SignatureInvalid(s) => KeylessError::Signature(s),
        E::Crypto(c) => KeylessError::Signature(c.to_string()),
        E::ArtifactMismatch(s) | E::UnsupportedArtifact(s) => KeylessError::ArtifactMismatch(s),
        E::TransparencyLog(t) => KeylessError::TransparencyLog(t.to_string()),
        E::Timestamp(t) => KeylessError::Timestamp(t.to_string()),
        E::InvalidTrustRoot(s) => KeylessError::TrustedRoot(s),
        E::TrustRoot(t) => KeylessError::TrustedRoot(t.to_string()),
        E::TrustedCertificate(t) => KeylessError::TrustedRoot(t.to_string()),
        other => KeylessError::InvalidBundle(other.to_string()),
    }
}

/// Parse and check a `trusted_root.json` (the embedded production root when `None`) without verifying
/// anything with it: a root given for a bundle that turns out not to need one is still checked. An
/// unusable root is an [`AttestError::Invalid`].
pub fn check_trusted_root(json: Option<&[u8]>) -> AttestResult<()> {
    load_trusted_root(json)
        .and_then(|root| {
            Verifier::new(&root)
                .map(|_| ())
                .map_err(|e| KeylessError::TrustedRoot(e.to_string()))
        })
        .map_err(KeylessError::into_error)
}

fn load_trusted_root(json: Option<&[u8]>) -> Result<TrustedRoot, KeylessError> {
    let text = match json {
        None => SIGSTORE_PRODUCTION_TRUSTED_ROOT,
        Some(bytes) => {
            if bytes.len() > MAX_TRUSTED_ROOT_BYTES {
                return Err(KeylessError::TrustedRootTooLarge {
                    size: bytes.len(),
                    limit: MAX_TRUSTED_ROOT_BYTES,
                });
            }
            std::str::from_utf8(bytes)
                .map_err(|e| KeylessError::TrustedRoot(format!("not UTF-8 text: {e}")))?
        }
    };
    TrustedRoot::from_json(text).map_err(|e| KeylessError::TrustedRoot(e.to_string()))
}

#[derive(Deserialize)]
struct StatementSubjects {
    subject: Vec<SubjectDigests>,
}

#[derive(Deserialize)]
struct SubjectDigests {
    #[serde(default)]
    digest: BTreeMap<String, String>,
}

/// The digest of the statement's first subject with a SHA-256 (else SHA-512) digest, which stands in
/// for the artifact when the caller checks the statement against the files itself.
fn subject_digest(payload_type: &str, payload: &[u8]) -> Result<ArtifactDigest, KeylessError> {
    if payload_type != "application/vnd.in-toto+json" {
        return Err(KeylessError::InvalidBundle(format!(
            "DSSE payload type {payload_type:?} is not an in-toto statement (application/vnd.in-toto+json)"
        )));
    }
    let st: StatementSubjects = serde_json::from_slice(payload).map_err(|e| {
        KeylessError::InvalidBundle(format!("DSSE payload is not an in-toto statement: {e}"))
    })?;
    let find = |alg: &str, len: usize| {
        st.subject.iter().find_map(|s| {
            s.digest
                .get(alg)
                .and_then(|h| hex::decode(h).ok())
                .filter(|d| d.len() == len)
        })
    };
    if let Some(d) = find("sha256", 32) {
        let mut a = [0u8; 32];
        a.copy_from_slice(&d);
        return Ok(ArtifactDigest::sha256(Sha256Hash::new(a)));
    }
    if let Some(d) = find("sha512", 64) {
        return ArtifactDigest::new(HashAlgorithm::Sha2512, d)
            .map_err(|e| KeylessError::InvalidBundle(e.to_string()));
    }
    Err(KeylessError::InvalidBundle(
        "in-toto statement has no subject with a sha256 or sha512 digest".to_string(),
    ))
}

fn certificate_error(c: sigstore_verify::CertificateError) -> KeylessError {
    use sigstore_verify::CertificateError as C;
    match c {
        C::Expired { .. } => KeylessError::CertificateExpired(c.to_string()),
        C::NotYetValid { .. } => KeylessError::CertificateNotYetValid(c.to_string()),
        other => KeylessError::Certificate(other.to_string()),
    }
}

fn map_error(e: sigstore_verify::Error, policy: &KeylessPolicy) -> KeylessError {
    use sigstore_verify::Error as E;
    match e {
        E::IdentityMismatch { actual, .. } => KeylessError::IdentityMismatch {
            actual: actual
                .map(|a| a.as_str().to_string())
                .unwrap_or_else(|| "(none)".to_string()),
            expected: policy.identity.to_string(),
            what: policy.identity_what(),
        },
        E::IssuerMismatch { actual, .. } => KeylessError::IssuerMismatch {
            actual: actual.unwrap_or_else(|| "(none)".to_string()),
            expected: policy.issuer.to_string(),
            what: policy.issuer_what(),
        },
        E::SignatureInvalid(s) => KeylessError::Signature(s),
        E::Crypto(c) => KeylessError::Signature(c.to_string()),
        E::ArtifactMismatch(s) | E::UnsupportedArtifact(s) => KeylessError::ArtifactMismatch(s),
        E::Certificate(c) => certificate_error(c),
        E::TransparencyLog(t) => KeylessError::TransparencyLog(t.to_string()),
        E::Timestamp(t) => KeylessError::Timestamp(t.to_string()),
        E::InvalidTrustRoot(s) => KeylessError::TrustedRoot(s),
        E::TrustRoot(t) => KeylessError::TrustedRoot(t.to_string()),
        E::TrustedCertificate(t) => KeylessError::TrustedRoot(t.to_string()),
        other => KeylessError::InvalidBundle(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(s: &str) -> IdentityMatch {
        IdentityMatch::Exact(s.to_string())
    }

    fn policy() -> KeylessPolicy {
        KeylessPolicy {
            identity: exact("a@example.com"),
            issuer: exact("https://accounts.google.com"),
        }
    }

    #[test]
    fn exact_and_regex_matching() {
        assert!(exact("a@b").matches("a@b"));
        assert!(!exact("a@b").matches("a@bc"));
        let r = IdentityMatch::compile(r"^https://github\.com/org/.+@refs/tags/v").unwrap();
        assert!(r.matches("https://github.com/org/repo/.github/workflows/r.yml@refs/tags/v1.0"));
        assert!(!r.matches("https://github.com/evil/org/repo@refs/tags/v1"));
        // cosign semantics: a search, unless anchored
        let unanchored = IdentityMatch::compile("example").unwrap();
        assert!(unanchored.matches("a@example.com"));
    }

    #[test]
    fn bad_regex_is_a_usage_error_with_the_regex_error_as_source() {
        let e = IdentityMatch::compile("(").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("invalid regular expression \"(\": "),
            "{e}"
        );
        assert_eq!(e.kind(), crate::error::ErrorKind::Usage);
        assert!(!e.to_string().contains("--"), "{e}");
        let cause = std::error::Error::source(&e).expect("a source");
        assert!(cause.is::<regex::Error>(), "{cause:?}");
    }

    #[test]
    fn empty_policy_is_refused() {
        let mut p = policy();
        p.identity = exact("");
        let e = keyless(b"{}", &p, None, KeylessArtifact::None).unwrap_err();
        assert!(matches!(
            e,
            KeylessError::BadPolicy {
                what: "the expected identity",
                ..
            }
        ));
        // Through the public function: a usage error, not a verdict.
        let e = verify_keyless(b"{}", &p, None, KeylessArtifact::None).unwrap_err();
        assert_eq!(e.kind(), crate::error::ErrorKind::Usage, "{e}");
        assert!(e.to_string().starts_with("the expected identity: "), "{e}");
        let mut p = policy();
        p.issuer = IdentityMatch::compile("").unwrap();
        let e = keyless(b"{}", &p, None, KeylessArtifact::None).unwrap_err();
        assert!(matches!(
            e,
            KeylessError::BadPolicy {
                what: "the OIDC issuer pattern",
                ..
            }
        ));
    }

    #[test]
    fn media_type_is_required_and_checked() {
        let p = policy();
        let e = keyless(
            b"{\"verificationMaterial\":{}}",
            &p,
            None,
            KeylessArtifact::None,
        );
        assert!(matches!(e, Err(KeylessError::MissingMediaType)));
        let e = keyless(
            br#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.4+json"}"#,
            &p,
            None,
            KeylessArtifact::None,
        );
        assert!(matches!(e, Err(KeylessError::UnsupportedMediaType(m)) if m.contains("v0.4")));
        let e = keyless(br#"{"mediaType":3}"#, &p, None, KeylessArtifact::None);
        assert!(matches!(e, Err(KeylessError::UnsupportedMediaType(_))));
    }

    #[test]
    fn malformed_inputs_are_errors_not_panics() {
        let p = policy();
        for input in [
            &b""[..],
            b"\xff\xfe",
            b"[]",
            b"{\"mediaType\":",
            br#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}"#,
            br#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"certificate":{"rawBytes":"!!"}},"messageSignature":{}}"#,
        ] {
            let e = verify_keyless(input, &p, None, KeylessArtifact::None).unwrap_err();
            assert_eq!(e.kind(), crate::error::ErrorKind::Invalid, "{e}");
        }
        // deep nesting hits serde_json's recursion limit, not the stack
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(verify_keyless(deep.as_bytes(), &p, None, KeylessArtifact::None).is_err());
    }

    #[test]
    fn oversized_inputs_are_refused_before_parsing() {
        let p = policy();
        let big = vec![b' '; MAX_BUNDLE_BYTES + 1];
        let e = keyless(&big, &p, None, KeylessArtifact::None).unwrap_err();
        assert!(matches!(e, KeylessError::BundleTooLarge { .. }));
        let root = vec![b' '; MAX_TRUSTED_ROOT_BYTES + 1];
        assert!(matches!(
            load_trusted_root(Some(&root)),
            Err(KeylessError::TrustedRootTooLarge { .. })
        ));
    }

    #[test]
    fn embedded_root_loads_and_bad_roots_are_refused() {
        let root = load_trusted_root(None).unwrap();
        assert!(Verifier::new(&root).is_ok());
        assert!(matches!(
            load_trusted_root(Some(b"{}")),
            Err(KeylessError::TrustedRoot(_))
        ));
        assert!(matches!(
            load_trusted_root(Some(b"not json")),
            Err(KeylessError::TrustedRoot(_))
        ));
    }

    #[test]
    fn subject_digest_prefers_sha256_and_requires_in_toto() {
        let h = "a".repeat(64);
        let st = format!(
            r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"name":"x","digest":{{"sha512":"{}"}}}},{{"name":"m","digest":{{"sha256":"{h}"}}}}],"predicateType":"p"}}"#,
            "b".repeat(128)
        );
        let d = subject_digest("application/vnd.in-toto+json", st.as_bytes()).unwrap();
        assert_eq!(d.algorithm(), HashAlgorithm::Sha2256);
        assert!(subject_digest("text/plain", st.as_bytes()).is_err());
        assert!(subject_digest("application/vnd.in-toto+json", br#"{"subject":[]}"#).is_err());
        assert!(subject_digest(
            "application/vnd.in-toto+json",
            br#"{"subject":[{"digest":{"sha256":"zz"}}]}"#
        )
        .is_err());
    }
}
