//! Verification in two stages. The signature check — with a public key ([`check_key_with`], which
//! also verifies the transparency-log entries of managed-key Sigstore bundles and refuses those whose
//! entries are missing) or a certificate chain to
//! trusted roots ([`check_certificate_chain`]); keyless Sigstore lives in its own module — yields
//! a [`VerifiedSignature`]. The content check ([`check_content`]) then compares what was signed with a
//! model directory, a single file or a known `sha256:` digest and reports every modified, missing and extra
//! file by name.
//!
//! What is understood as signed content: OMS v1.0 and legacy Digests/v0.1 statements (model_signing and
//! aibom), AIBOM attestations (model + every file as subjects), any other in-toto statement (its subjects,
//! as `cosign verify-blob-attestation`), and message signatures over a file's SHA-256 (`cosign verify-blob`).
//!
//! The outcome is a [`VerifyReport`], the versioned document `aibom verify -o json` writes
//! ([`VERIFY_REPORT_SCHEMA`]); every reason it fails is a [`Problem`] with a stable code. Its JSON Schema
//! is generated from these types and committed as `schemas/verify-report.schema.json` (a test fails when
//! they drift apart).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use x509_cert::Certificate;

use super::bundle::{read_capped, Bundle, Content, Material};
use super::dsse::{pae, pae_model_signing_v02, IN_TOTO_PAYLOAD_TYPE};
use super::error::{invalid, rejected, AttestError, AttestResult};
use super::keys::PublicKey;
use super::oms::{self, Manifest};
use super::problem::{Problem, ProblemCode};
use super::{attest, keyless, x509, SignedContent, Signer, VerifiedSignature};
use crate::hash::{self, Progress, Sha256Digest};
use crate::scan::{self, ScanOptions};
use crate::walk::{normalize_ignore_path, ModelFiles, WalkOptions};

/// Largest trusted-root file we read.
const MAX_ROOTS_FILE: u64 = 4 * 1024 * 1024;

/// Signatures an envelope may carry before we stop trying them.
const MAX_SIGNATURES: usize = 16;

/// The verification method a bundle calls for, read from its verification material (unverified: it only
/// says which check to run, never that one would pass).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NeededMethod {
    /// Signed with a key given out of band; `hint` identifies it when the bundle has one.
    Key { hint: Option<String> },
    /// Signed with a certificate from a private CA: check the chain against a trusted root.
    CertificateChain { issuer: String },
    /// Signed keyless: a Fulcio certificate naming the signer's OIDC issuer.
    Keyless { oidc_issuer: Option<String> },
}

impl NeededMethod {
    /// What the method needs from the verifier, in words.
    pub fn what(&self) -> &'static str {
        match self {
            NeededMethod::Key { .. } => "its signer's public key",
            NeededMethod::CertificateChain { .. } => "a trusted root CA certificate",
            NeededMethod::Keyless { .. } => "a keyless signer identity and OIDC issuer",
        }
    }
}

/// Fulcio's OIDC issuer extensions: v2 (a DER UTF8String) and the legacy raw one.
const FULCIO_ISSUER_V2: &str = "1.3.6.1.4.1.57264.1.8";
const FULCIO_ISSUER_V1: &str = "1.3.6.1.4.1.57264.1.1";

/// Which verification method `bundle` needs: a public-key hint calls for the key method; a certificate
/// carrying Fulcio's issuer extension for keyless; any other certificate for the certificate method.
pub fn needed_method(bundle: &Bundle) -> NeededMethod {
    let leaf = match &bundle.material {
        Material::PublicKey { hint, .. } => return NeededMethod::Key { hint: hint.clone() },
        Material::CertificateChain(c) => c.first(),
        Material::Certificate(c) => Some(c),
    };
    let Some(cert) = leaf.and_then(|d| x509::parse_der(d).ok()) else {
        return NeededMethod::CertificateChain {
            issuer: "?".to_string(),
        };
    };
    let mut fulcio = None;
    for ext in cert.tbs_certificate.extensions.iter().flatten() {
        let oid = ext.extn_id.to_string();
        let raw = ext.extn_value.as_bytes();
        if oid == FULCIO_ISSUER_V2 {
            use der::Decode;
            let v = der::asn1::Utf8StringRef::from_der(raw)
                .map(|s| s.as_str().to_string())
                .ok();
            fulcio = Some(v);
        } else if oid == FULCIO_ISSUER_V1 && fulcio.is_none() {
            fulcio = Some(std::str::from_utf8(raw).ok().map(str::to_string));
        }
    }
    match fulcio {
        Some(oidc_issuer) => NeededMethod::Keyless {
            oidc_issuer: oidc_issuer.map(|s| super::bundle::truncate(&s)),
        },
        None => NeededMethod::CertificateChain {
            issuer: x509::issuer(&cert),
        },
    }
}

/// Check the bundle's signature with the verifier's public key; transparency-log entries, when the bundle
/// has any, against the embedded Sigstore public-good trusted root. See [`check_key_with`].
pub fn check_key(bundle: &Bundle, key: &PublicKey) -> AttestResult<VerifiedSignature> {
    check_key_with(bundle, key, &KeyCheck::default())
}

/// [`check_key_with`] with a trusted root for the log entries and the default (cosign's) rule for
/// managed-key bundles without an entry: refused.
pub fn check_key_with_root(
    bundle: &Bundle,
    key: &PublicKey,
    trusted_root_json: Option<&[u8]>,
) -> AttestResult<VerifiedSignature> {
    check_key_with(
        bundle,
        key,
        &KeyCheck {
            trusted_root_json,
            ..KeyCheck::default()
        },
    )
}

/// Options of [`check_key_with`]: how a key-signed bundle's transparency-log evidence is checked.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyCheck<'a> {
    /// A Sigstore `trusted_root.json` whose Rekor keys check the log entries, instead of the embedded
    /// public-good root.
    pub trusted_root_json: Option<&'a [u8]>,
    /// Accept a managed-key bundle that has no transparency-log entry (cosign's
    /// `--insecure-ignore-tlog`). Entries that are present are still verified.
    pub insecure_ignore_tlog: bool,
}

/// Check the bundle's signature with the verifier's public key.
///
/// - The bundle's key hint is advisory: it is not signed, and tools compute it differently (model_signing:
///   hex SHA-256 of the key's PEM text; cosign: base64 SHA-256 of its DER). It never decides the
///   verdict; when the signature fails and the hint names another key, the message says so.
/// - Legacy `rawBytes`, when present, must hold this key.
/// - A bundle with transparency-log entries (a managed-key signature logged in Rekor, as `cosign
///   sign-blob --key` writes) has them verified as cosign does by default: inclusion proof or signed
///   entry timestamp against the Rekor keys of the trusted root given (a Sigstore `trusted_root.json`),
///   else of the embedded public-good root; the entry must describe this signature and key.
/// - A bundle without entries is accepted when it is signed the OMS key way, which is never logged: an
///   OMS v1.0 or legacy model_signing statement, or an AIBOM model attestation. It needs no trusted root;
///   one that is given is still checked. Anything else signed with a key — a message signature, any other
///   in-toto statement: what `cosign sign-blob --key` / `attest-blob --key` write — is a managed-key
///   bundle whose entries were stripped or never made, refused (`tlog-missing`) as cosign refuses it,
///   unless [`KeyCheck::insecure_ignore_tlog`].
pub fn check_key_with(
    bundle: &Bundle,
    key: &PublicKey,
    opts: &KeyCheck,
) -> AttestResult<VerifiedSignature> {
    let trusted_root_json = opts.trusted_root_json;
    let hint = match &bundle.material {
        Material::PublicKey { hint, raw_bytes } => {
            if let Some(raw) = raw_bytes {
                let theirs = std::str::from_utf8(raw)
                    .ok()
                    .and_then(|t| PublicKey::from_pem(t).ok())
                    .or_else(|| PublicKey::from_spki_der(raw).ok());
                if theirs.is_some_and(|k| &k != key) {
                    return Err(rejected(
                        ProblemCode::KeyMismatch,
                        "key mismatch: the bundle's publicKey.rawBytes holds a different key",
                    ));
                }
            }
            hint
        }
        Material::CertificateChain(_) | Material::Certificate(_) => {
            return Err(invalid(
                "the bundle carries certificates: it is verified with a certificate chain or a keyless identity, not a public key",
            ))
        }
    };
    let content = check_content_signature(bundle, key).map_err(|e| match (e, hint) {
        (AttestError::Rejected(m), Some(h)) if hint_names_key(h, key) == Some(false) => rejected(
            ProblemCode::KeyMismatch,
            format!(
                "key mismatch: {m}; the bundle's key hint {} names another key than the given one (hint {})",
                super::bundle::truncate(h),
                key.hint()
            ),
        ),
        (e, _) => e,
    })?;
    if bundle.tlog_entries.is_empty() {
        if !opts.insecure_ignore_tlog {
            if let Some(what) = managed_key_content(&content) {
                return Err(rejected(
                    ProblemCode::TlogMissing,
                    format!(
                        "no transparency-log entry: the bundle is {what} signed with a key, a managed-key \
                         Sigstore signature that must be published in a transparency log (as cosign \
                         requires), and nothing shows it was; only OMS model signatures and AIBOM \
                         attestations are signed with a key without a log"
                    ),
                ));
            }
        }
        if trusted_root_json.is_some() {
            keyless::check_trusted_root(trusted_root_json)?;
        }
    } else {
        // The Sigstore verifier reads its own bundle type; the material it sees is the hint alone (it
        // ignores the hint), the rest is the bundle as read.
        let mut plain = bundle.clone();
        plain.material = Material::PublicKey {
            hint: hint.clone(),
            raw_bytes: None,
        };
        keyless::verify_key_log(
            plain.to_json().as_bytes(),
            &key.to_spki_der(),
            trusted_root_json,
        )?;
    }
    Ok(VerifiedSignature {
        content,
        signer: Signer::Key {
            hint: Some(key.hint()),
        },
    })
}

/// What a key-signed content is, in words, when it is a managed-key (cosign-style) signature that must be
/// logged; `None` for what the OMS key method signs without a log: an OMS v1.0 or legacy model_signing
/// statement, or an AIBOM model attestation (CycloneDX predicate, the model's root digest and every file
/// as subjects).
fn managed_key_content(content: &SignedContent) -> Option<String> {
    /// The predicate type alone; serde skips the rest without building it.
    #[derive(Deserialize)]
    struct Head {
        #[serde(rename = "predicateType")]
        predicate_type: Option<String>,
    }
    let payload = match content {
        SignedContent::MessageDigest { .. } => return Some("a message signature".to_string()),
        SignedContent::Dsse {
            payload_type,
            payload,
        } if payload_type == IN_TOTO_PAYLOAD_TYPE => payload,
        SignedContent::Dsse { payload_type, .. } => {
            return Some(format!(
                "a DSSE envelope of payload type '{}'",
                super::bundle::truncate(payload_type)
            ))
        }
    };
    let predicate = serde_json::from_slice::<Head>(payload)
        .ok()
        .and_then(|h| h.predicate_type);
    let is_oms_way = match predicate.as_deref() {
        Some(oms::PREDICATE_V1 | oms::PREDICATE_LEGACY) => true,
        Some(attest::PREDICATE_CYCLONEDX) => serde_json::from_slice::<Value>(payload)
            .ok()
            .is_some_and(|st| matches!(attest::parse_model_attestation(&st), Ok(Some(_)))),
        _ => false,
    };
    if is_oms_way {
        return None;
    }
    Some(match predicate {
        Some(p) => format!(
            "an in-toto statement of predicate type '{}'",
            super::bundle::truncate(&p)
        ),
        None => "a DSSE envelope without an in-toto predicate type".to_string(),
    })
}

/// Whether a bundle's key hint names `key`: `Some(true)` when it is this key's hint in a form we know
/// (hex SHA-256 of the PEM text, hex or base64 SHA-256 of the DER), `Some(false)` when it has one of those
/// forms but another value, `None` for a hint we cannot interpret (an opaque name).
fn hint_names_key(hint: &str, key: &PublicKey) -> Option<bool> {
    use base64::Engine as _;
    let der_digest = Sha256::digest(key.to_spki_der());
    let ours = [
        key.hint(),
        hex::encode(der_digest),
        base64::engine::general_purpose::STANDARD.encode(der_digest),
    ];
    if ours[..2].iter().any(|o| o.eq_ignore_ascii_case(hint)) || ours[2] == hint {
        return Some(true);
    }
    let is_hex = hint.len() == 64 && hint.bytes().all(|b| b.is_ascii_hexdigit());
    let is_b64 = base64::engine::general_purpose::STANDARD
        .decode(hint)
        .is_ok_and(|d| d.len() == 32);
    (is_hex || is_b64).then_some(false)
}

/// Read trusted root (and intermediate) certificates from PEM files; errors name the file.
pub fn read_roots(paths: &[PathBuf]) -> AttestResult<Vec<Certificate>> {
    let mut out = Vec::new();
    for p in paths {
        let bytes = read_capped(p, MAX_ROOTS_FILE, "certificate file")?;
        out.extend(x509::parse_certificates(&bytes).map_err(|e| e.context(p.display()))?);
    }
    Ok(out)
}

/// Check the bundle's certificate chain up to one of `roots`, then the signature with the leaf's key.
pub fn check_certificate_chain(
    bundle: &Bundle,
    roots: &[Certificate],
) -> AttestResult<VerifiedSignature> {
    let ders: &[Vec<u8>] = match &bundle.material {
        Material::CertificateChain(c) => c,
        Material::Certificate(c) => std::slice::from_ref(c),
        Material::PublicKey { .. } => return Err(invalid(
            "the bundle was made with a key, not a certificate: it is verified with its public key",
        )),
    };
    let chain = ders
        .iter()
        .enumerate()
        .map(|(i, d)| {
            x509::parse_der(d).map_err(|e| {
                e.context(format_args!(
                    "verificationMaterial.x509CertificateChain.certificates[{i}]"
                ))
            })
        })
        .collect::<AttestResult<Vec<_>>>()?;
    x509::verify_chain(&chain, roots).map_err(|e| e.context("certificate chain"))?;
    let leaf = &chain[0];
    let key = x509::public_key(leaf).map_err(|e| e.context("signing certificate"))?;
    let content = check_content_signature(bundle, &key)?;
    Ok(VerifiedSignature {
        content,
        signer: Signer::Certificate {
            subject: x509::subject(leaf),
            issuer: x509::issuer(leaf),
        },
    })
}

/// Verify the signature over the bundle's content with `key`.
fn check_content_signature(bundle: &Bundle, key: &PublicKey) -> AttestResult<SignedContent> {
    match &bundle.content {
        Content::Dsse(env) => {
            let msg = pae(&env.payload_type, &env.payload);
            let legacy = (env.payload_type == IN_TOTO_PAYLOAD_TYPE)
                .then(|| pae_model_signing_v02(&env.payload));
            let ok = env.signatures.iter().take(MAX_SIGNATURES).any(|s| {
                key.verify(&msg, &s.sig)
                    || legacy.as_ref().is_some_and(|l| {
                        // model_signing 0.2 hashed with SHA-256 whatever the curve; 1.x verifies
                        // certificate-method bundles of that release that way.
                        key.verify(l, &s.sig) || key.verify_prehash(&Sha256::digest(l), &s.sig)
                    })
            });
            if !ok {
                return Err(rejected(
                    ProblemCode::SignatureInvalid,
                    "signature does not verify: the statement was altered or signed with another key",
                ));
            }
            Ok(SignedContent::Dsse {
                payload_type: env.payload_type.clone(),
                payload: env.payload.clone(),
            })
        }
        Content::Message(m) => {
            let (alg, digest) = m.digest.as_ref().ok_or_else(|| {
                invalid("messageSignature has no messageDigest: nothing to check the file against")
            })?;
            if !key.verify_prehash(digest, &m.signature) {
                return Err(rejected(
                    ProblemCode::SignatureInvalid,
                    "message signature does not verify: the file digest was altered or signed with another key",
                ));
            }
            Ok(SignedContent::MessageDigest {
                algorithm: alg.clone(),
                digest: digest.clone(),
            })
        }
    }
}

/// What to compare the signed content with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A model directory or a single file.
    Path(PathBuf),
    /// A digest known without the files: an OMS root digest, or a file's SHA-256.
    Digest(Sha256Digest),
}

impl Target {
    /// `sha256:<hex>` is a digest; anything else a path. A `sha256:` prefix without 64 hex digits after it
    /// is an [`crate::Error::Usage`] (the target is an option the caller gave).
    pub fn parse(s: &str) -> AttestResult<Target> {
        match s.strip_prefix("sha256:") {
            Some(hex) => oms::parse_sha256_hex("digest", hex)
                .map(Target::Digest)
                .map_err(AttestError::Usage),
            None => Ok(Target::Path(PathBuf::from(s))),
        }
    }

    fn describe(&self) -> String {
        match self {
            Target::Path(p) => p.display().to_string(),
            Target::Digest(d) => hash::prefixed_hex(d),
        }
    }
}

/// Options of the content check.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Walk options from the command line. For OMS v1.0 statements the statement's own `ignore_paths`
    /// and `allow_symlinks` are used in addition (its ignores replace the default git paths).
    pub walk: WalkOptions,
    /// Hashing threads (0 = one per core).
    pub jobs: usize,
    /// Tolerate files on disk that the statement does not list (never missing ones).
    pub ignore_unsigned_files: bool,
    /// The bundle file; left out of the walk when it lies inside the model.
    pub bundle_path: Option<PathBuf>,
    /// A hash of the target made just before (by the audit's scan): unchanged files are not read again.
    pub known: Option<std::sync::Arc<scan::HashedModel>>,
}

/// Identifier of the shape of [`VerifyReport`] (see `schemas/verify-report.schema.json`); bumped on
/// incompatible changes.
pub const VERIFY_REPORT_SCHEMA: &str = "aibom-verify-report/1";

/// The kind of signed content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SignedKind {
    /// OMS v1.0 model signature.
    Oms,
    /// model_signing's pre-1.0 `Digests/v0.1` statement.
    OmsLegacy,
    /// AIBOM attestation (model + every file).
    Aibom,
    /// Any other in-toto statement (subjects are artifacts).
    InToto,
    /// A message signature over a digest.
    MessageSignature,
}

/// A file whose content differs from what was signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModifiedFile {
    /// Model-relative path.
    pub name: String,
    /// `sha256:<hex>` in the statement.
    pub signed: String,
    /// `sha256:<hex>` on disk.
    pub actual: String,
}

/// The outcome of `aibom verify`: the JSON report of `-o json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyReport {
    /// Shape identifier of this document: `aibom-verify-report/1`.
    #[schemars(extend("const" = VERIFY_REPORT_SCHEMA))]
    pub schema: String,
    /// True when the signature verified and the target matches what was signed; exactly when
    /// `problems` is empty.
    pub verified: bool,
    /// The model path, file path or `sha256:` digest checked.
    pub target: String,
    /// What kind of content was signed (null when the signature did not verify).
    pub signed: Option<SignedKind>,
    /// The statement's predicate type, for DSSE content (else null).
    pub predicate_type: Option<String>,
    /// Who signed (null when the signature did not verify).
    pub signer: Option<Signer>,
    /// The signed model's name, when the statement names one (else null).
    pub model: Option<String>,
    /// The signed root digest (`sha256:<hex>`), when the statement has one (else null).
    pub root_digest: Option<String>,
    /// Files (or digests) compared.
    pub files_checked: usize,
    /// Files whose content differs, in model order.
    pub modified: Vec<ModifiedFile>,
    /// Signed files not on disk.
    pub missing: Vec<String>,
    /// Files on disk the statement does not list.
    pub extra: Vec<String>,
    /// True when extra files were tolerated (`--ignore-unsigned-files`).
    pub unsigned_files_ignored: bool,
    /// Every reason the verification failed, each with a stable code: one `file-modified`,
    /// `file-missing` or `file-extra` entry per file of `modified`, `missing` and `extra` (in that order;
    /// no `file-extra` when `unsigned_files_ignored`), then the others in the order found.
    pub problems: Vec<Problem>,
    /// Remarks for people that do not affect the verdict (which subject a file matched, what a bundle
    /// that did not match signs).
    pub notes: Vec<String>,
}

impl VerifyReport {
    fn new(target: &Target) -> VerifyReport {
        VerifyReport {
            schema: VERIFY_REPORT_SCHEMA.to_string(),
            verified: false,
            target: target.describe(),
            signed: None,
            predicate_type: None,
            signer: None,
            model: None,
            root_digest: None,
            files_checked: 0,
            modified: Vec::new(),
            missing: Vec::new(),
            extra: Vec::new(),
            unsigned_files_ignored: false,
            problems: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// The report of a signature (or signed statement) that did not verify.
    pub fn rejected(target: &Target, problem: Problem) -> VerifyReport {
        let mut r = VerifyReport::new(target);
        r.problems.push(problem);
        r
    }

    /// Add one problem per differing file ahead of the others, and decide the verdict.
    fn finish(mut self) -> VerifyReport {
        let mut files: Vec<Problem> = Vec::new();
        for m in &self.modified {
            files.push(
                Problem::new(
                    ProblemCode::FileModified,
                    format!(
                        "{} differs from what was signed (signed {}, found {})",
                        m.name, m.signed, m.actual
                    ),
                )
                .at(&m.name),
            );
        }
        for name in &self.missing {
            files.push(
                Problem::new(
                    ProblemCode::FileMissing,
                    format!("{name} is signed but not on disk"),
                )
                .at(name),
            );
        }
        if !self.unsigned_files_ignored {
            for name in &self.extra {
                files.push(
                    Problem::new(
                        ProblemCode::FileExtra,
                        format!("{name} is on disk but not signed"),
                    )
                    .at(name),
                );
            }
        }
        files.append(&mut self.problems);
        self.problems = files;
        self.verified = self.problems.is_empty();
        self
    }
}

/// The JSON Schema of [`VerifyReport`], pretty-printed with a trailing newline (the content of
/// `schemas/verify-report.schema.json`).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(VerifyReport);
    let mut s = serde_json::to_string_pretty(&schema).expect("schema serialises");
    s.push('\n');
    s
}

/// A signed statement of the wrong shape.
fn malformed(message: String) -> AttestError {
    rejected(ProblemCode::StatementMalformed, message)
}

/// Signed content in the terms of the comparison.
enum Signed {
    Model(Manifest),
    Subjects(Vec<(String, Sha256Digest)>),
    Blob(Sha256Digest),
}

fn interpret(sig: &VerifiedSignature, report: &mut VerifyReport) -> AttestResult<Signed> {
    match &sig.content {
        SignedContent::MessageDigest { algorithm, digest } => {
            report.signed = Some(SignedKind::MessageSignature);
            let ok_alg = matches!(algorithm.as_str(), "SHA2_256" | "sha256" | "SHA256");
            let d: Sha256Digest = digest
                .as_slice()
                .try_into()
                .ok()
                .filter(|_| ok_alg)
                .ok_or_else(|| {
                    invalid(format!(
                        "messageSignature digest algorithm '{}' is not supported (only SHA2_256)",
                        super::bundle::truncate(algorithm)
                    ))
                })?;
            Ok(Signed::Blob(d))
        }
        SignedContent::Dsse {
            payload_type,
            payload,
        } => {
            if payload_type != IN_TOTO_PAYLOAD_TYPE {
                return Err(rejected(
                    ProblemCode::PayloadTypeUnsupported,
                    format!(
                        "payload type '{}' is not an in-toto statement ({IN_TOTO_PAYLOAD_TYPE})",
                        super::bundle::truncate(payload_type)
                    ),
                ));
            }
            let st: Value = serde_json::from_slice(payload).map_err(|e| {
                rejected(
                    ProblemCode::StatementMalformed,
                    format!("signed statement is not JSON: {e}"),
                )
            })?;
            let ty = st.get("_type").and_then(Value::as_str).unwrap_or("");
            if ty != oms::STATEMENT_V1 && ty != oms::STATEMENT_V01 {
                return Err(rejected(
                    ProblemCode::StatementMalformed,
                    format!(
                        "statement._type '{}' is not an in-toto statement",
                        super::bundle::truncate(ty)
                    ),
                ));
            }
            let pt = st
                .get("predicateType")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    rejected(
                        ProblemCode::StatementMalformed,
                        "statement.predicateType: missing",
                    )
                })?
                .to_string();
            report.predicate_type = Some(pt.clone());
            if pt == oms::PREDICATE_V1 || pt == oms::PREDICATE_LEGACY {
                let m = oms::parse_manifest(&st)?;
                report.signed = Some(if m.legacy {
                    SignedKind::OmsLegacy
                } else {
                    SignedKind::Oms
                });
                return Ok(Signed::Model(m));
            }
            if let Some(m) = attest::parse_model_attestation(&st).map_err(malformed)? {
                report.signed = Some(SignedKind::Aibom);
                return Ok(Signed::Model(m));
            }
            report.signed = Some(SignedKind::InToto);
            let subjects = oms::subjects(&st).map_err(malformed)?;
            let mut list = Vec::with_capacity(subjects.len());
            for (i, s) in subjects.iter().enumerate() {
                let path = format!("statement.subject[{i}]");
                let name = s.get("name").and_then(Value::as_str).unwrap_or("");
                // Subjects without a SHA-256 cannot match a file; skip them rather than fail.
                if let Ok(d) = oms::subject_sha256(s, &path) {
                    list.push((name.to_string(), d));
                }
            }
            if list.is_empty() {
                return Err(rejected(
                    ProblemCode::StatementUnsupported,
                    "statement has no subject with a sha256 digest",
                ));
            }
            Ok(Signed::Subjects(list))
        }
    }
}

/// Compare the signed content of `sig` with `target`. Hashing failures (missing model, unreadable file)
/// are errors; differences are in the report.
pub fn check_content(
    sig: &VerifiedSignature,
    target: &Target,
    opts: &CheckOptions,
    on_walked: &mut dyn FnMut(&ModelFiles),
    progress: &dyn Progress,
) -> AttestResult<VerifyReport> {
    let mut report = VerifyReport::new(target);
    report.signer = Some(sig.signer.clone());
    report.unsigned_files_ignored = opts.ignore_unsigned_files;
    let signed = interpret(sig, &mut report)?;
    if let Signed::Model(m) = &signed {
        report.model = m.model_name.clone();
        if !m.legacy {
            report.root_digest = Some(hash::prefixed_hex(&m.root));
        }
    }
    match target {
        Target::Digest(d) => check_digest(&signed, d, &mut report),
        Target::Path(p) => {
            let meta = std::fs::metadata(p).map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    crate::Error::NotFound { path: p.clone() }
                } else {
                    crate::Error::io(p, "reading metadata", e)
                }
            })?;
            if meta.is_dir() {
                check_dir(&signed, p, opts, on_walked, progress, &mut report)?;
            } else {
                check_file(&signed, p, opts, on_walked, progress, &mut report)?;
            }
        }
    }
    Ok(report.finish())
}

fn check_digest(signed: &Signed, d: &Sha256Digest, report: &mut VerifyReport) {
    report.files_checked = 1;
    let ok = match signed {
        Signed::Blob(b) => b == d,
        Signed::Subjects(list) => list.iter().any(|(_, s)| s == d),
        Signed::Model(m) => {
            (!m.legacy && &m.root == d)
                || (m.resources.len() == 1 && &m.resources[0].sha256 == d)
                || (report.signed == Some(SignedKind::Aibom)
                    && m.resources.iter().any(|r| &r.sha256 == d))
                || (m.legacy && m.resources.iter().any(|r| &r.sha256 == d))
        }
    };
    if !ok {
        report.problems.push(Problem::new(
            ProblemCode::DigestMismatch,
            format!("{} is not the signed digest", hash::prefixed_hex(d)),
        ));
    }
}

fn walk_options_for(
    signed: &Signed,
    root: &Path,
    opts: &CheckOptions,
) -> AttestResult<WalkOptions> {
    let mut walk = opts.walk.clone();
    if let Signed::Model(Manifest {
        serialization: Some(s),
        ..
    }) = signed
    {
        // The statement records every ignore in effect at signing, git paths included.
        walk.ignore_git_paths = false;
        walk.allow_symlinks |= s.allow_symlinks;
        walk.ignore_paths.extend(
            s.ignore_paths
                .iter()
                .filter_map(|p| normalize_ignore_path(root, p).ok()),
        );
    }
    if let Some(b) = &opts.bundle_path {
        if let Some(rel) = crate::output::relative_inside(root, b) {
            walk.ignore_paths.push(rel);
        }
    }
    Ok(walk)
}

fn hash_target(
    root: &Path,
    walk: WalkOptions,
    opts: &CheckOptions,
    on_walked: &mut dyn FnMut(&ModelFiles),
    progress: &dyn Progress,
) -> AttestResult<scan::HashedModel> {
    let sopts = ScanOptions {
        walk,
        jobs: opts.jobs,
    };
    match &opts.known {
        Some(known) => scan::hash_model_reusing(root, &sopts, known, on_walked, progress),
        None => scan::hash_model(root, &sopts, on_walked, progress),
    }
}

fn check_dir(
    signed: &Signed,
    root: &Path,
    opts: &CheckOptions,
    on_walked: &mut dyn FnMut(&ModelFiles),
    progress: &dyn Progress,
    report: &mut VerifyReport,
) -> AttestResult<()> {
    let m = match signed {
        Signed::Model(m) => m,
        _ => {
            report.problems.push(Problem::new(
                ProblemCode::TargetMismatch,
                "the bundle signs a single artifact, not a model directory: give the file (or its sha256:) instead",
            ));
            return Ok(());
        }
    };
    let walk = walk_options_for(signed, root, opts)?;
    let model = hash_target(root, walk, opts, on_walked, progress)?;
    let on_disk: BTreeMap<&str, &Sha256Digest> = model
        .files
        .entries
        .iter()
        .zip(&model.hashes)
        .map(|(e, h)| (e.name.as_str(), &h.sha256))
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    for r in &m.resources {
        if !seen.insert(r.name.as_str()) {
            report.problems.push(
                Problem::new(
                    ProblemCode::StatementInconsistent,
                    format!("the statement lists '{}' twice", r.name),
                )
                .at(&r.name),
            );
            continue;
        }
        match on_disk.get(r.name.as_str()) {
            None => report.missing.push(r.name.clone()),
            Some(d) if **d != r.sha256 => report.modified.push(ModifiedFile {
                name: r.name.clone(),
                signed: hash::prefixed_hex(&r.sha256),
                actual: hash::prefixed_hex(d),
            }),
            Some(_) => {}
        }
    }
    report.extra = model
        .files
        .entries
        .iter()
        .filter(|e| !seen.contains(e.name.as_str()))
        .map(|e| e.name.clone())
        .collect();
    report.files_checked = model.files.entries.len();
    Ok(())
}

fn check_file(
    signed: &Signed,
    path: &Path,
    opts: &CheckOptions,
    on_walked: &mut dyn FnMut(&ModelFiles),
    progress: &dyn Progress,
    report: &mut VerifyReport,
) -> AttestResult<()> {
    let model = hash_target(path, opts.walk.clone(), opts, on_walked, progress)?;
    let (entry, h) = match (model.files.entries.first(), model.hashes.first()) {
        (Some(e), Some(h)) => (e, h.sha256),
        _ => return Err(invalid(format!("{}: nothing to hash", path.display()))),
    };
    let base = entry.name.as_str();
    report.files_checked = 1;
    let actual = hash::prefixed_hex(&h);
    match signed {
        Signed::Blob(b) => {
            if *b != h {
                report.modified.push(ModifiedFile {
                    name: base.to_string(),
                    signed: hash::prefixed_hex(b),
                    actual,
                });
            }
        }
        Signed::Subjects(list) => match list.iter().find(|(_, d)| *d == h) {
            Some((n, _)) => report
                .notes
                .push(format!("{base} matches signed subject '{n}'")),
            None => {
                let signed_d = list
                    .iter()
                    .find(|(n, _)| n == base || n.ends_with(&format!("/{base}")))
                    .or(list.first().filter(|_| list.len() == 1))
                    .map(|(_, d)| hash::prefixed_hex(d));
                match signed_d {
                    Some(s) => report.modified.push(ModifiedFile {
                        name: base.to_string(),
                        signed: s,
                        actual,
                    }),
                    None => report.problems.push(
                        Problem::new(
                            ProblemCode::SubjectMismatch,
                            format!("{base} ({actual}) is none of the signed subjects"),
                        )
                        .at(base),
                    ),
                }
            }
        },
        Signed::Model(m) => {
            if m.resources.len() == 1 {
                let r = &m.resources[0];
                if r.name != "." && r.name != base {
                    report.problems.push(
                        Problem::new(
                            ProblemCode::FileNameMismatch,
                            format!("the signed file is named '{}', not '{base}'", r.name),
                        )
                        .at(base),
                    );
                } else if r.sha256 != h {
                    report.modified.push(ModifiedFile {
                        name: base.to_string(),
                        signed: hash::prefixed_hex(&r.sha256),
                        actual,
                    });
                }
                return Ok(());
            }
            let candidates: Vec<_> = m
                .resources
                .iter()
                .filter(|r| r.name == base || r.name.ends_with(&format!("/{base}")))
                .collect();
            match candidates.iter().find(|r| r.sha256 == h) {
                Some(r) => report.notes.push(format!(
                    "{base} matches signed file '{}' of model '{}'; the other {} signed files were not checked",
                    r.name,
                    m.model_name.as_deref().unwrap_or("?"),
                    m.resources.len() - 1
                )),
                None => match candidates.first() {
                    Some(r) => report.modified.push(ModifiedFile {
                        name: r.name.clone(),
                        signed: hash::prefixed_hex(&r.sha256),
                        actual,
                    }),
                    None => report.problems.push(
                        Problem::new(
                            ProblemCode::FileNotSigned,
                            format!("the signed model lists no file named '{base}'"),
                        )
                        .at(base),
                    ),
                },
            }
        }
    }
    Ok(())
}
