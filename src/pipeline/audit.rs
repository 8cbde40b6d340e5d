//! The audit façade: one call from what the user named (a model directory or file, a Hugging Face cache
//! repository, or only a BOM), the bundles and trusted signers to a [`AuditReport`] under a policy. It
//! scans the model once; every bundle's content check and the BOM comparison reuse that scan's hashes,
//! so each file is read once. What to judge is `audit::evaluate`'s; this module only gathers it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::attest::bundle::{read_capped as read_capped_bundle, Bundle, MAX_BUNDLE_BYTES};
use crate::attest::verify::{self as check, CheckOptions, SignedKind, Target};
use crate::attest::AttestError;
use crate::audit::{
    self, AuditReport, Evidence, Override, SignatureCheck, SignatureKind, Subject, SubjectKind,
};
use crate::error::{Error, Result};
use crate::hash::Progress;
use crate::hfcache::CacheLayout;
use crate::policy::Policy;
use crate::report::signer_text;
use crate::scan::ScanOptions;

use super::verify::{check_signature, Claim, Method, VerifyOptions};
use super::Scan;

/// What is audited.
#[derive(Debug, Clone)]
pub enum AuditTarget {
    /// A model directory or a single model file.
    Model(PathBuf),
    /// A Hugging Face cache repository (`models--org--name`) or `local_dir` download: checked against
    /// the Hub's hashes, and its snapshot (the one `refs/main` names, or the only one) scanned.
    HfCache(PathBuf),
    /// Only a BOM: the facts it records are audited (bundles need the files, so none is taken).
    Bom(PathBuf),
    /// Only an AIBOM attestation bundle: its signature is checked with the trusted signers, then the
    /// BOM it signs is audited (the files themselves are not there to compare).
    Attestation(PathBuf),
}

/// Everything an audit is given besides the policy.
#[derive(Debug, Clone, Default)]
pub struct AuditInput {
    /// A BOM to compare with the model's files (every modified, missing or extra file is reported).
    pub bom: Option<PathBuf>,
    /// Bundles to check (signatures, attestations).
    pub bundles: Vec<PathBuf>,
    /// Trusted signers from the command line, in addition to the policy's.
    pub keys: Vec<PathBuf>,
    pub certificate_chains: Vec<PathBuf>,
    /// Keyless (identity, issuer) pairs.
    pub identities: Vec<(Claim, Claim)>,
    /// A Sigstore trusted root (else the policy's, else the embedded one).
    pub trusted_root: Option<PathBuf>,
    /// Tolerate files the signatures do not list (or the policy's setting).
    pub ignore_unsigned_files: bool,
    /// Levels from the command line (`-A`, `-W`, `-D`).
    pub overrides: Vec<Override>,
}

/// The outcome of an audit: the report, and the scan it judged (none for a BOM-only audit).
#[derive(Debug)]
pub struct Audit {
    pub report: AuditReport,
    pub scan: Option<Scan>,
}

/// The bundles `aibom sign` and `aibom attest` write by default next to `model`, when they exist.
pub fn default_bundles(model: &Path) -> Vec<PathBuf> {
    let Some(name) = model.file_name() else {
        return Vec::new();
    };
    let parent = model.parent().unwrap_or(Path::new(""));
    [".sig", ".aibom.sigstore.json"]
        .iter()
        .map(|ext| {
            let mut n = name.to_os_string();
            n.push(ext);
            parent.join(n)
        })
        .filter(|p| p.is_file())
        .collect()
}

/// The directory to scan in a Hugging Face cache repository or `local_dir` download.
fn cache_snapshot(path: &Path, report: &crate::hfcache::CacheReport) -> Result<PathBuf> {
    match report.layout {
        CacheLayout::LocalDir => Ok(path.to_path_buf()),
        CacheLayout::Cache => Err(Error::Usage(format!(
            "{}: is a whole Hugging Face cache; audit one repository (models--org--name) of it",
            path.display()
        ))),
        CacheLayout::Repo => {
            let repo = report.repos.first();
            let main = repo.and_then(|r| r.refs.iter().find(|r| r.name == "main"));
            let commit = match (main, repo) {
                (Some(m), _) => m.commit.clone(),
                (None, Some(r)) if r.snapshots.len() == 1 => r.snapshots[0].commit.clone(),
                _ => {
                    return Err(Error::Usage(format!(
                        "{}: no refs/main and not exactly one snapshot; audit the snapshot directory you mean (snapshots/<commit>)",
                        path.display()
                    )))
                }
            };
            let dir = path.join("snapshots").join(&commit);
            if !dir.is_dir() {
                return Err(Error::Usage(format!(
                    "{}: refs/main names {commit}, which has no snapshot",
                    path.display()
                )));
            }
            Ok(dir)
        }
    }
}

/// Every way to check a signature the policy and the command line trust.
fn methods(policy: &Policy, input: &AuditInput) -> Vec<Method> {
    let mut m: Vec<Method> = Vec::new();
    for k in input.keys.iter().chain(&policy.signatures.keys) {
        m.push(Method::Key(k.clone()));
    }
    let chains: Vec<PathBuf> = input
        .certificate_chains
        .iter()
        .chain(&policy.signatures.certificate_chains)
        .cloned()
        .collect();
    if !chains.is_empty() {
        m.push(Method::CertificateChain(chains));
    }
    for (identity, issuer) in &input.identities {
        m.push(Method::Keyless {
            identity: identity.clone(),
            issuer: issuer.clone(),
        });
    }
    for i in &policy.signatures.identities {
        m.push(Method::Keyless {
            identity: Claim {
                exact: i.identity.clone(),
                regexp: i.identity_regexp.clone(),
            },
            issuer: Claim {
                exact: i.issuer.clone(),
                regexp: i.issuer_regexp.clone(),
            },
        });
    }
    m
}

fn kind_of(signed: Option<SignedKind>) -> SignatureKind {
    match signed {
        Some(SignedKind::Oms | SignedKind::OmsLegacy) => SignatureKind::Signature,
        Some(SignedKind::Aibom) => SignatureKind::Attestation,
        _ => SignatureKind::Other,
    }
}

/// Check one bundle against the scanned model: the first trusted signer that verifies the signature,
/// then the content against the scan's hashes.
fn check_bundle(
    bundle_path: &Path,
    model: &Path,
    scan: &Scan,
    methods: &[Method],
    vopts: &VerifyOptions,
    progress: &dyn Progress,
) -> Result<SignatureCheck> {
    let display = bundle_path.display().to_string();
    let bytes = read_capped_bundle(bundle_path, MAX_BUNDLE_BYTES, "bundle")?;
    let bundle = Bundle::parse(&bytes).map_err(|e| e.context(&display))?;
    let target = Target::Path(model.to_path_buf());
    if methods.is_empty() {
        return Err(Error::NoMethod {
            bundle: bundle_path.to_path_buf(),
            needed: check::needed_method(&bundle),
        });
    }
    let mut problems = Vec::new();
    let mut verified = None;
    for m in methods {
        match check_signature(&bytes, &bundle, bundle_path, m, vopts, &target)? {
            Ok(sig) => {
                verified = Some(sig);
                break;
            }
            Err(AttestError::Rejected(p)) => problems.push(p),
            Err(e) => return Err(e.context(&display)),
        }
    }
    let Some(sig) = verified else {
        return Ok(SignatureCheck {
            bundle: display,
            kind: SignatureKind::Other,
            verified: false,
            signer: None,
            problems,
            untrusted: true,
        });
    };
    let copts = CheckOptions {
        walk: vopts.scan.walk.clone(),
        jobs: vopts.scan.jobs,
        ignore_unsigned_files: vopts.ignore_unsigned_files,
        bundle_path: Some(bundle_path.to_path_buf()),
        known: Some(Arc::new(scan.hashed.clone())),
    };
    let signer = Some(signer_text(&sig.signer));
    let report = match check::check_content(&sig, &target, &copts, &mut |_| {}, progress) {
        Ok(r) => r,
        Err(AttestError::Rejected(p)) => {
            return Ok(SignatureCheck {
                bundle: display,
                kind: SignatureKind::Other,
                verified: false,
                signer,
                problems: vec![p],
                untrusted: false,
            })
        }
        Err(e) => return Err(e),
    };
    Ok(SignatureCheck {
        bundle: display,
        kind: kind_of(report.signed),
        verified: report.verified,
        signer,
        problems: report.problems,
        untrusted: false,
    })
}

/// The signature of an AIBOM attestation checked with the trusted signers, and the BOM it signs as the
/// subject. A signature no trusted signer verifies gives a subject with nothing in it but the bundle's
/// name, and the `signer-untrusted` check; a statement that is not an AIBOM attestation, or whose BOM
/// describes another root digest than the statement's model subject, is an unusable input.
fn attested_bom(
    bundle_path: &Path,
    methods: &[Method],
    input: &AuditInput,
    policy: &Policy,
) -> Result<(SignatureCheck, Subject)> {
    let display = bundle_path.display().to_string();
    let bytes = read_capped_bundle(bundle_path, MAX_BUNDLE_BYTES, "bundle")?;
    let bundle = Bundle::parse(&bytes).map_err(|e| e.context(&display))?;
    if methods.is_empty() {
        return Err(Error::NoMethod {
            bundle: bundle_path.to_path_buf(),
            needed: check::needed_method(&bundle),
        });
    }
    let vopts = VerifyOptions {
        trusted_root: input
            .trusted_root
            .clone()
            .or_else(|| policy.signatures.trusted_root.clone()),
        ..Default::default()
    };
    // No file to bind a keyless message signature to: the statement's subjects are what is signed.
    let target = Target::Path(PathBuf::new());
    let mut problems = Vec::new();
    for m in methods {
        match check_signature(&bytes, &bundle, bundle_path, m, &vopts, &target)? {
            Ok(sig) => {
                let crate::attest::SignedContent::Dsse { payload, .. } = &sig.content else {
                    return Err(Error::invalid(format!(
                        "{display}: signs a blob digest, not an AIBOM attestation"
                    )));
                };
                let statement: serde_json::Value =
                    serde_json::from_slice(payload).map_err(|e| {
                        Error::invalid(format!("{display}: statement is not JSON: {e}"))
                    })?;
                if statement["predicateType"] != crate::attest::attest::PREDICATE_CYCLONEDX {
                    return Err(Error::invalid(format!(
                        "{display}: not an AIBOM attestation (predicate type {})",
                        statement["predicateType"]
                    )));
                }
                let bom = &statement["predicate"];
                let mut subject = audit::bom::subject(bom, &display)?;
                let signed_root = statement["subject"][0]["digest"]["sha256"]
                    .as_str()
                    .map(|h| format!("sha256:{h}"));
                if subject.root_digest.is_some() && subject.root_digest != signed_root {
                    return Err(Error::invalid(format!(
                        "{display}: the attested BOM describes root digest {}, but the statement signs {}",
                        subject.root_digest.as_deref().unwrap_or("?"),
                        signed_root.as_deref().unwrap_or("no model digest")
                    )));
                }
                subject.kind = SubjectKind::Attestation;
                subject.root_digest = signed_root;
                let check = SignatureCheck {
                    bundle: display,
                    kind: SignatureKind::Attestation,
                    verified: true,
                    signer: Some(signer_text(&sig.signer)),
                    problems: Vec::new(),
                    untrusted: false,
                };
                return Ok((check, subject));
            }
            Err(AttestError::Rejected(p)) => problems.push(p),
            Err(e) => return Err(e.context(&display)),
        }
    }
    let check = SignatureCheck {
        bundle: display.clone(),
        kind: SignatureKind::Other,
        verified: false,
        signer: None,
        problems,
        untrusted: true,
    };
    let subject = Subject {
        kind: SubjectKind::Attestation,
        path: display.clone(),
        name: display,
        root_digest: None,
        files: Vec::new(),
        licences: Default::default(),
        findings: Vec::new(),
        completeness: None,
        missing: Vec::new(),
        training_data: false,
        openness: None,
    };
    Ok((check, subject))
}

/// Audit `target` under `policy`: scan (or read the BOM), check the bundles and the BOM, evaluate.
pub fn audit(
    target: &AuditTarget,
    input: &AuditInput,
    policy: &Policy,
    scan_opts: &ScanOptions,
    progress: &dyn Progress,
) -> Result<Audit> {
    let mut evidence = Evidence::default();
    let (subject, scan, model): (Subject, Option<Scan>, Option<PathBuf>) = match target {
        AuditTarget::Bom(bom) => {
            if !input.bundles.is_empty() {
                return Err(Error::Usage(
                    "bundles are checked against the model's files; give the model directory with the BOM to check them".to_string(),
                ));
            }
            let value = audit::bom::read(bom)?;
            let subject = audit::bom::subject(&value, &bom.display().to_string())?;
            (subject, None, None)
        }
        AuditTarget::Attestation(bundle) => {
            if !input.bundles.is_empty() || input.bom.is_some() {
                return Err(Error::Usage(
                    "an attestation audited without the model takes no other bundle or BOM"
                        .to_string(),
                ));
            }
            let (check, subject) = attested_bom(bundle, &methods(policy, input), input, policy)?;
            evidence.signatures.push(check);
            (subject, None, None)
        }
        AuditTarget::Model(path) | AuditTarget::HfCache(path) => {
            let (dir, kind, mut opts) = match target {
                AuditTarget::HfCache(_) => {
                    let report = super::verify_hf_cache(path)?;
                    let dir = cache_snapshot(path, &report)?;
                    evidence.cache = Some(report);
                    // Snapshot files are links into blobs/.
                    let mut o = scan_opts.clone();
                    o.walk.allow_symlinks = true;
                    (dir, SubjectKind::HfCache, o)
                }
                _ => {
                    let kind = if path.is_file() {
                        SubjectKind::File
                    } else {
                        SubjectKind::Directory
                    };
                    (path.clone(), kind, scan_opts.clone())
                }
            };
            // Bundles and a BOM inside the model are not model files.
            for p in input.bundles.iter().chain(input.bom.as_ref()) {
                if let Some(rel) = crate::output::relative_inside(&dir, p) {
                    opts.walk.ignore_paths.push(rel);
                }
            }
            let scan = super::scan(&dir, &opts, progress)?;
            let subject = Subject::from_scan(&scan, kind, &path.display().to_string());
            (subject, Some(scan), Some(dir))
        }
    };
    if let (Some(bom), Some(_)) = (&input.bom, &scan) {
        let value = audit::bom::read(bom)?;
        evidence.recorded = Some(audit::bom::recorded(&value, &bom.display().to_string())?);
    }
    if let (Some(scan), Some(model)) = (&scan, &model) {
        let mut bundles = input.bundles.clone();
        if bundles.is_empty()
            && (policy.signatures.require_signature || policy.signatures.require_attestation)
        {
            // Next to the path the user named (for a cache, the repository, not its snapshot).
            bundles = match target {
                AuditTarget::HfCache(p) | AuditTarget::Model(p) => default_bundles(p),
                _ => Vec::new(),
            };
        }
        let methods = methods(policy, input);
        let vopts = VerifyOptions {
            scan: ScanOptions {
                walk: scan_opts.walk.clone(),
                jobs: scan_opts.jobs,
            },
            ignore_unsigned_files: input.ignore_unsigned_files
                || policy.signatures.ignore_unsigned_files,
            trusted_root: input
                .trusted_root
                .clone()
                .or_else(|| policy.signatures.trusted_root.clone()),
            insecure_ignore_tlog: false,
        };
        let mut vopts = vopts;
        vopts.scan.walk.allow_symlinks |= matches!(target, AuditTarget::HfCache(_));
        for b in &bundles {
            evidence
                .signatures
                .push(check_bundle(b, model, scan, &methods, &vopts, progress)?);
        }
    }
    let report = audit::evaluate(&subject, &evidence, policy, &input.overrides);
    Ok(Audit { report, scan })
}
