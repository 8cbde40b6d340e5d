//! The policy applied to a subject and the evidence checked beside it: one pure function, [`evaluate`],
//! from ([`Subject`], [`Evidence`], [`Policy`], command-line overrides) to an [`AuditReport`]. Each check
//! emits candidate results with a code and a default level; the level a user set wins (command line over
//! `[rules]` over the default); exceptions accept results on a file only while the file has the SHA-256
//! the exception names.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::rules::{self, Category, Origin};
use super::subject::Subject;
use super::{AuditReport, AuditResult, PolicyInfo, Summary, TargetInfo, ToolInfo};
use crate::attest::problem::Problem;
use crate::finding::Severity;
use crate::hfcache::CacheReport;
use crate::policy::{Level, Policy, Threshold};

/// A level set on the command line (`-A`, `-W`, `-D`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Override {
    pub code: String,
    pub level: Level,
}

/// What a bundle carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureKind {
    /// An OMS model signature (model_signing, `aibom sign`).
    Signature,
    /// An AIBOM attestation (`aibom attest`).
    Attestation,
    /// Something else (another in-toto statement, a blob signature), or not known because the
    /// signature did not verify.
    Other,
}

/// The check of one bundle against the audited model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatureCheck {
    /// The bundle file as given.
    pub bundle: String,
    pub kind: SignatureKind,
    /// The signature verified with a trusted signer and the files match what was signed.
    pub verified: bool,
    /// Who signed (the key, certificate subject or keyless identity), when a trusted signer verified it.
    pub signer: Option<String>,
    /// Why it did not verify: each problem with its code. When no trusted signer verifies the
    /// signature, the problem of each signer tried.
    pub problems: Vec<Problem>,
    /// True when no trusted signer verified the signature (the problems are each signer's).
    pub untrusted: bool,
}

/// Files a BOM records, to compare with the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The BOM as given.
    pub source: String,
    /// (path, sha256 hex) of every file component.
    pub files: Vec<(String, String)>,
}

/// What was checked beside the subject.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    pub signatures: Vec<SignatureCheck>,
    /// A BOM whose files are compared with the subject's.
    pub recorded: Option<Recorded>,
    /// The Hugging Face cache check, for a cache subject.
    pub cache: Option<CacheReport>,
    /// Problems reading an input that is not a bundle (a BOM to compare): `bundle-unusable`.
    pub unusable: Vec<(String, String)>,
}

/// A result before its level is decided.
struct Candidate {
    code: &'static str,
    default: Level,
    severity: Severity,
    path: Option<String>,
    member: Option<String>,
    offset: Option<u64>,
    message: String,
    evidence: Option<String>,
}

impl Candidate {
    fn new(code: &'static str, default: Level, message: String) -> Candidate {
        let severity = rules::lookup(code).map_or(Severity::High, |c| c.severity);
        Candidate {
            code,
            default,
            severity,
            path: None,
            member: None,
            offset: None,
            message,
            evidence: None,
        }
    }

    fn at(mut self, path: Option<&str>) -> Candidate {
        self.path = path.map(str::to_string);
        self
    }

    fn evidence(mut self, e: impl Into<String>) -> Candidate {
        let e = e.into();
        self.evidence = (!e.is_empty()).then_some(e);
        self
    }
}

/// Evaluate `policy` (with `overrides` from the command line, later ones winning) on `subject` and
/// `evidence`.
pub fn evaluate(
    subject: &Subject,
    evidence: &Evidence,
    policy: &Policy,
    overrides: &[Override],
) -> AuditReport {
    let mut c = Vec::new();
    findings(subject, policy, &mut c);
    licences(subject, policy, &mut c);
    signatures(evidence, policy, &mut c);
    recorded(subject, evidence, &mut c);
    cache(evidence, &mut c);
    formats(subject, policy, &mut c);
    documentation(subject, policy, &mut c);
    openness(subject, policy, &mut c);

    // Levels: command line, then [rules], then the default.
    let level_of = |cand: &Candidate| {
        overrides
            .iter()
            .rev()
            .find(|o| o.code == cand.code)
            .map(|o| o.level)
            .or_else(|| policy.rules.get(cand.code).copied())
            .unwrap_or(cand.default)
    };
    let mut results = Vec::new();
    let mut summary = Summary::default();
    let mut used = vec![false; policy.security.exceptions.len()];
    let mut stale = BTreeSet::new();
    for cand in c {
        let level = level_of(&cand);
        let file = cand.path.as_deref().and_then(|p| subject.file(p));
        let sha256 = file.map(|f| f.sha256.clone());
        let mut exception = None;
        if level != Level::Allow {
            for (i, e) in policy.security.exceptions.iter().enumerate() {
                if cand.path.as_deref() != Some(e.path.as_str())
                    || !(e.codes.is_empty() || e.codes.iter().any(|x| x == cand.code))
                {
                    continue;
                }
                used[i] = true;
                if sha256.as_deref() == Some(e.sha256.as_str()) {
                    exception = Some(e.reason.clone());
                    break;
                }
                stale.insert(i);
            }
        }
        let info = rules::lookup(cand.code);
        let result = AuditResult {
            code: cand.code.to_string(),
            level: if exception.is_some() {
                Level::Allow
            } else {
                level
            },
            category: info.map_or(Category::Security, |i| i.category),
            severity: cand.severity,
            path: cand.path,
            member: cand.member,
            offset: cand.offset,
            sha256,
            message: cand.message,
            evidence: cand.evidence,
            exception,
        };
        match (result.level, &result.exception) {
            (_, Some(_)) => summary.excepted += 1,
            (Level::Allow, None) => {
                summary.allow += 1;
                continue;
            }
            (Level::Warn, _) => summary.warn += 1,
            (Level::Deny, _) => summary.deny += 1,
        }
        results.push(result);
    }
    // Exceptions that no longer apply, or never applied.
    let mut extra = Vec::new();
    for (i, e) in policy.security.exceptions.iter().enumerate() {
        let (code, message) = if stale.contains(&i) {
            let now = subject
                .file(&e.path)
                .map_or("is not in the model".to_string(), |f| {
                    format!("now has SHA-256 {}", f.sha256)
                });
            (
                "exception-stale",
                format!(
                    "the exception for {} (policy line {}) was granted for SHA-256 {}, but the file {now}; its findings are reported again",
                    e.path, e.at.0, e.sha256
                ),
            )
        } else if !used[i] {
            (
                "exception-unused",
                format!(
                    "the exception for {} (policy line {}) matched no finding",
                    e.path, e.at.0
                ),
            )
        } else {
            continue;
        };
        let cand = Candidate::new(code, Level::Warn, message).at(Some(&e.path));
        let level = level_of(&cand);
        match level {
            Level::Allow => {
                summary.allow += 1;
                continue;
            }
            Level::Warn => summary.warn += 1,
            Level::Deny => summary.deny += 1,
        }
        extra.push(AuditResult {
            code: code.to_string(),
            level,
            category: Category::Policy,
            severity: cand.severity,
            sha256: subject.file(&e.path).map(|f| f.sha256.clone()),
            path: cand.path,
            member: None,
            offset: None,
            message: cand.message,
            evidence: Some(e.reason.clone()),
            exception: None,
        });
    }
    results.extend(extra);
    let rank = |r: &AuditResult| match (r.level, r.exception.is_some()) {
        (Level::Deny, _) => 0,
        (Level::Warn, _) => 1,
        _ => 2,
    };
    results.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then_with(|| a.code.cmp(&b.code))
            .then_with(|| a.path.cmp(&b.path))
            .then_with(|| a.member.cmp(&b.member))
            .then_with(|| a.offset.cmp(&b.offset))
            .then_with(|| a.message.cmp(&b.message))
    });
    AuditReport {
        schema: super::AUDIT_REPORT_SCHEMA.to_string(),
        tool: ToolInfo::this(),
        policy: PolicyInfo {
            path: policy.source.as_ref().map(|p| p.display().to_string()),
            sha256: policy.sha256.clone(),
            fail_on: threshold_name(policy.security.fail_on).to_string(),
            overrides: overrides.to_vec(),
        },
        target: TargetInfo {
            kind: subject.kind,
            path: subject.path.clone(),
            name: subject.name.clone(),
            root_digest: subject.root_digest.clone(),
            files: subject.files.len(),
        },
        passed: summary.deny == 0,
        summary,
        signatures: evidence.signatures.clone(),
        results,
    }
}

fn threshold_name(t: Threshold) -> &'static str {
    match t {
        Threshold::Info => "info",
        Threshold::Low => "low",
        Threshold::Medium => "medium",
        Threshold::High => "high",
        Threshold::Critical => "critical",
        Threshold::Never => "never",
    }
}

/// Every finding, at the level its severity has under the threshold (licence findings: the
/// `[licenses]` levels).
fn findings(subject: &Subject, policy: &Policy, out: &mut Vec<Candidate>) {
    for f in &subject.findings {
        let default = match f.code {
            "license-missing" | "license-unresolved" => policy.licenses.unknown,
            "license-conflict" => policy.licenses.conflict,
            _ => policy.security.fail_on.level(f.severity),
        };
        let mut cand = Candidate::new(f.code, default, f.message.clone())
            .at(f.path.as_deref())
            .evidence(f.evidence.clone());
        cand.severity = f.severity;
        cand.member = f.member.clone();
        cand.offset = f.offset;
        out.push(cand);
    }
}

/// The key of a licence requirement, for comparing with the policy's lists (case-insensitive).
fn req_key(req: &spdx::LicenseReq) -> String {
    req.license.to_string().to_ascii_lowercase()
}

/// The policy's single ids (lower-cased) and whole expressions (normalised) of a list.
fn split_list(list: &[String]) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut ids = BTreeSet::new();
    let mut exprs = BTreeSet::new();
    for v in list {
        match spdx::Expression::parse_mode(v, spdx::ParseMode::LAX) {
            Ok(e) if e.requirements().count() == 1 => {
                ids.insert(req_key(&e.requirements().next().unwrap().req));
            }
            Ok(e) => {
                exprs.insert(e.to_string().to_ascii_lowercase());
            }
            Err(_) => {
                ids.insert(v.to_ascii_lowercase());
            }
        }
    }
    (ids, exprs)
}

fn licences(subject: &Subject, policy: &Policy, out: &mut Vec<Candidate>) {
    let l = &subject.licences;
    let p = &policy.licenses;
    let evidence = l.evidence.join("; ");
    let how = if l.concluded { "concluded" } else { "declared" };
    let (allow_ids, allow_exprs) = split_list(&p.allow);
    let (deny_ids, deny_exprs) = split_list(&p.deny);
    if l.model.is_empty() && !p.allow.is_empty() {
        out.push(
            Candidate::new(
                "license-not-allowed",
                Level::Deny,
                format!(
                    "the model has no licence aibom could establish, so it cannot be one of the allowed licences ({})",
                    p.allow.join(", ")
                ),
            )
            .evidence(evidence.clone()),
        );
    }
    for m in &l.model {
        let parsed = spdx::Expression::parse_mode(m, spdx::ParseMode::LAX).ok();
        let text = parsed.as_ref().map_or(m.to_ascii_lowercase(), |e| {
            e.to_string().to_ascii_lowercase()
        });
        if !p.allow.is_empty() {
            let ok = allow_exprs.contains(&text)
                || parsed
                    .as_ref()
                    .is_some_and(|e| e.evaluate(|r| allow_ids.contains(&req_key(r))))
                || (parsed.is_none() && allow_ids.contains(&text));
            if !ok {
                out.push(
                    Candidate::new(
                        "license-not-allowed",
                        Level::Deny,
                        format!(
                            "the model's {how} licence {m} is not satisfied by the allowed licences ({})",
                            p.allow.join(", ")
                        ),
                    )
                    .evidence(evidence.clone()),
                );
            }
        }
        if !p.deny.is_empty() {
            // A whole expression in the list denies exactly that expression; single ids deny every
            // expression that cannot be satisfied without them.
            let denied = deny_exprs.contains(&text)
                || match &parsed {
                    Some(e) => !e.evaluate(|r| !deny_ids.contains(&req_key(r))),
                    None => deny_ids.contains(&text),
                };
            if denied {
                out.push(
                    Candidate::new(
                        "license-denied",
                        Level::Deny,
                        format!(
                            "the model's {how} licence {m} needs a licence the policy denies ({})",
                            p.deny.join(", ")
                        ),
                    )
                    .evidence(evidence.clone()),
                );
            }
        }
    }
    if p.deny_use_restricted && l.use_restricted {
        out.push(
            Candidate::new(
                "license-use-restricted",
                Level::Deny,
                format!(
                    "the model's licence {} restricts use: {}",
                    l.model.join(", "),
                    if l.restrictions.is_empty() {
                        "use restrictions".to_string()
                    } else {
                        l.restrictions.join("; ")
                    }
                ),
            )
            .evidence(evidence.clone()),
        );
    }
    let nc_id = l.model.iter().any(|m| {
        m.to_ascii_uppercase()
            .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
            .any(|id| id.contains("-NC-") || id.ends_with("-NC") || id.contains("NONCOMMERCIAL"))
    });
    let nc_terms = l
        .restrictions
        .iter()
        .any(|r| r.to_ascii_lowercase().contains("non-commercial"));
    if p.deny_non_commercial && (nc_id || nc_terms) {
        out.push(
            Candidate::new(
                "license-non-commercial",
                Level::Deny,
                format!(
                    "the model's licence {} forbids commercial use",
                    l.model.join(", ")
                ),
            )
            .evidence(evidence),
        );
    }
}

fn signatures(evidence: &Evidence, policy: &Policy, out: &mut Vec<Candidate>) {
    for s in &evidence.signatures {
        if s.verified {
            continue;
        }
        if s.untrusted {
            let why: Vec<String> = s
                .problems
                .iter()
                .map(|p| format!("{}: {}", p.code.as_str(), p.message))
                .collect();
            out.push(
                Candidate::new(
                    "signer-untrusted",
                    Level::Deny,
                    format!(
                        "{} verifies with none of the trusted signers ({})",
                        s.bundle,
                        why.join("; ")
                    ),
                )
                .evidence(s.bundle.clone()),
            );
            continue;
        }
        for p in &s.problems {
            let code = p.code.as_str();
            out.push(
                Candidate::new(code, Level::Deny, format!("{}: {}", s.bundle, p.message))
                    .at(p.path.as_deref())
                    .evidence(s.bundle.clone()),
            );
        }
    }
    let have = |k: super::SignatureKind| {
        evidence
            .signatures
            .iter()
            .any(|s| s.kind == k || (s.kind == super::SignatureKind::Other && !s.verified))
    };
    if policy.signatures.require_signature && !have(super::SignatureKind::Signature) {
        out.push(Candidate::new(
            "signature-missing",
            Level::Deny,
            "the policy requires an OMS model signature, and no bundle with one was given (--bundle) or found next to the model".to_string(),
        ));
    }
    if policy.signatures.require_attestation && !have(super::SignatureKind::Attestation) {
        out.push(Candidate::new(
            "attestation-missing",
            Level::Deny,
            "the policy requires an AIBOM attestation, and no bundle with one was given (--bundle) or found next to the model".to_string(),
        ));
    }
    for (what, why) in &evidence.unusable {
        out.push(
            Candidate::new("bundle-unusable", Level::Deny, format!("{what}: {why}"))
                .evidence(what.clone()),
        );
    }
}

/// A BOM's files against the subject's.
fn recorded(subject: &Subject, evidence: &Evidence, out: &mut Vec<Candidate>) {
    let Some(r) = &evidence.recorded else {
        return;
    };
    let mut seen = BTreeSet::new();
    for (path, sha) in &r.files {
        seen.insert(path.as_str());
        match subject.file(path) {
            None => out.push(
                Candidate::new(
                    "file-missing",
                    Level::Deny,
                    format!("{path} is recorded in {} but not in the model", r.source),
                )
                .at(Some(path))
                .evidence(r.source.clone()),
            ),
            Some(f) if !f.sha256.eq_ignore_ascii_case(sha) => out.push(
                Candidate::new(
                    "file-modified",
                    Level::Deny,
                    format!(
                        "{path} differs from {} (recorded sha256:{sha}, found sha256:{})",
                        r.source, f.sha256
                    ),
                )
                .at(Some(path))
                .evidence(r.source.clone()),
            ),
            Some(_) => {}
        }
    }
    for f in &subject.files {
        if !seen.contains(f.path.as_str()) {
            out.push(
                Candidate::new(
                    "file-extra",
                    Level::Deny,
                    format!(
                        "{} is in the model but not recorded in {}",
                        f.path, r.source
                    ),
                )
                .at(Some(&f.path))
                .evidence(r.source.clone()),
            );
        }
    }
}

fn cache(evidence: &Evidence, out: &mut Vec<Candidate>) {
    let Some(report) = &evidence.cache else {
        return;
    };
    for p in &report.problems {
        let code = rules::all()
            .into_iter()
            .find(|c| {
                c.code == p.code.as_str() && matches!(c.origin, Origin::HfCache | Origin::Verify)
            })
            .map_or("bundle-unusable", |c| c.code);
        let path = match (&p.commit, &p.path) {
            (Some(c), Some(x)) if !x.starts_with("refs/") && !x.starts_with("blobs") => {
                Some(format!("{}/snapshots/{c}/{x}", p.repo))
            }
            (_, Some(x)) => Some(format!("{}/{x}", p.repo)),
            _ => None,
        };
        let mut cand = Candidate::new(code, Level::Deny, p.message.clone());
        cand.evidence = path;
        out.push(cand);
    }
}

/// Does `file` match the denied format or kind `name`?
fn format_matches(name: &str, subject: &Subject, file: &super::subject::SubjectFile) -> bool {
    let has = |codes: &[&str]| {
        subject
            .findings
            .iter()
            .any(|f| f.path.as_deref() == Some(file.path.as_str()) && codes.contains(&f.code))
    };
    match name {
        // By content, by name (protocol 0 and 1 pickles sniff as text), or by what the security
        // analysis found in it.
        "pickle" => {
            matches!(
                file.format.as_str(),
                "pickle" | "pytorch-zip" | "pytorch-tar"
            ) || [".pkl", ".pickle", ".joblib", ".pt", ".pth", ".ckpt"]
                .iter()
                .any(|e| file.path.to_ascii_lowercase().ends_with(e))
                || subject.findings.iter().any(|f| {
                    f.path.as_deref() == Some(file.path.as_str()) && f.code.starts_with("pickle-")
                })
        }
        "torchscript" => has(&["torchscript-code"]),
        "remote-code" => subject.findings.iter().any(|f| {
            matches!(f.code, "remote-code" | "remote-code-external")
                && (f.path.as_deref() == Some(file.path.as_str())
                    || f.evidence.split([',', ' ']).any(|e| e == file.path))
        }),
        "keras-lambda" => has(&["keras-lambda"]),
        "code" => file.role == "code",
        other => file.format == other,
    }
}

fn formats(subject: &Subject, policy: &Policy, out: &mut Vec<Candidate>) {
    for name in &policy.formats.deny {
        for f in &subject.files {
            if format_matches(name, subject, f) {
                out.push(
                    Candidate::new(
                        "format-denied",
                        Level::Deny,
                        format!(
                            "{} is {} ({} file, format {}), which the policy denies",
                            f.path,
                            match name.as_str() {
                                "pickle" => "pickle-based",
                                "torchscript" => "TorchScript",
                                "remote-code" => "remote code",
                                "keras-lambda" => "a Keras model with Python code",
                                "code" => "code",
                                _ => "of a denied format",
                            },
                            f.role,
                            f.format
                        ),
                    )
                    .at(Some(&f.path))
                    .evidence(format!("[formats] deny = {name}")),
                );
            }
        }
        // remote code named by config.json but absent from the model (external repositories)
        if name == "remote-code" {
            for fi in subject
                .findings
                .iter()
                .filter(|f| f.code == "remote-code-external")
            {
                out.push(
                    Candidate::new(
                        "format-denied",
                        Level::Deny,
                        format!(
                            "{}: the model runs remote code from another repository, which the policy denies",
                            fi.path.as_deref().unwrap_or("config.json")
                        ),
                    )
                    .at(fi.path.as_deref())
                    .evidence(fi.evidence.clone()),
                );
            }
        }
    }
}

fn documentation(subject: &Subject, policy: &Policy, out: &mut Vec<Candidate>) {
    let d = &policy.documentation;
    for key in &d.require {
        if let Some(m) = subject.missing.iter().find(|m| &m.key == key) {
            let hint = if m.hint.is_empty() {
                String::new()
            } else {
                format!(" (expected: {})", m.hint)
            };
            out.push(Candidate::new(
                "documentation-missing",
                Level::Deny,
                format!("the model does not document {key}{hint}"),
            ));
        } else if subject.completeness.is_none() {
            out.push(Candidate::new(
                "documentation-missing",
                Level::Deny,
                format!("{key}: the input records no documentation checklist to check it against"),
            ));
        }
    }
    if d.min_completeness > 0 {
        let score = subject.completeness.unwrap_or(0);
        if score < d.min_completeness {
            let missing: Vec<&str> = subject.missing.iter().map(|m| m.key.as_str()).collect();
            out.push(Candidate::new(
                "completeness-below-minimum",
                Level::Deny,
                format!(
                    "completeness {score}/100 is below the policy's minimum of {}{}",
                    d.min_completeness,
                    if missing.is_empty() {
                        String::new()
                    } else {
                        format!(" (missing: {})", missing.join(", "))
                    }
                ),
            ));
        }
    }
    if d.require_training_data && !subject.training_data {
        out.push(Candidate::new(
            "training-data-missing",
            Level::Deny,
            "the model names no training data: no datasets in the card, no Croissant manifest, no training-data section".to_string(),
        ));
    }
}

fn openness(subject: &Subject, policy: &Policy, out: &mut Vec<Candidate>) {
    let o = &policy.openness;
    if o.min_mof_class.is_none() && o.require_osaid.is_empty() {
        return;
    }
    let Some(a) = &subject.openness else {
        out.push(Candidate::new(
            "openness-unassessed",
            Level::Deny,
            "the policy has [openness] requirements, and the input carries neither the files nor a recorded assessment (aibom records one in CycloneDX 1.6 and 1.7 BOMs); audit the model directory or such a BOM".to_string(),
        ));
        return;
    };
    if let Some(min) = o.min_mof_class {
        if a.mof_class.is_none_or(|c| c < min) {
            out.push(Candidate::new(
                "mof-class-below-minimum",
                Level::Deny,
                format!(
                    "the evidence makes the model {} (Class III {:.0}%, Class II {:.0}%, Class I {:.0}%); the policy requires {} or more open (aibom assess lists what is missing)",
                    a.mof_label,
                    a.mof_progress[0],
                    a.mof_progress[1],
                    a.mof_progress[2],
                    min.label()
                ),
            ));
        }
    }
    for id in &o.require_osaid {
        if let Some((_, ok, reason)) = a.osaid.iter().find(|(e, _, _)| e == id) {
            if !ok {
                out.push(Candidate::new(
                    "osaid-element-unmet",
                    Level::Deny,
                    format!("OSAID element {id} is not satisfied by evidence: {reason}"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::subject::{SubjectKind, SubjectLicences};
    use std::path::Path;

    fn subject(model: &[&str]) -> Subject {
        Subject {
            kind: SubjectKind::Directory,
            path: "m".into(),
            name: "m".into(),
            root_digest: None,
            files: Vec::new(),
            licences: SubjectLicences {
                model: model.iter().map(|s| s.to_string()).collect(),
                concluded: true,
                ..Default::default()
            },
            findings: Vec::new(),
            completeness: Some(100),
            missing: Vec::new(),
            training_data: true,
            openness: None,
        }
    }

    fn codes(model: &[&str], policy: &str) -> Vec<String> {
        let p = Policy::parse(
            &format!("version = 1\n[licenses]\n{policy}"),
            Path::new("."),
        )
        .unwrap();
        evaluate(&subject(model), &Evidence::default(), &p, &[])
            .results
            .into_iter()
            .map(|r| r.code)
            .collect()
    }

    #[test]
    fn licence_lists_follow_the_expression_choices() {
        let none: Vec<String> = Vec::new();
        // OR: one acceptable choice is enough, for the allow list and against the deny list.
        assert_eq!(codes(&["MIT OR GPL-3.0-only"], "allow = [\"mit\"]"), none);
        assert_eq!(
            codes(&["MIT OR GPL-3.0-only"], "deny = [\"GPL-3.0-only\"]"),
            none
        );
        // AND: every part is needed.
        assert_eq!(
            codes(&["MIT AND GPL-3.0-only"], "allow = [\"MIT\"]"),
            ["license-not-allowed"]
        );
        assert_eq!(
            codes(&["MIT AND GPL-3.0-only"], "deny = [\"GPL-3.0-only\"]"),
            ["license-denied"]
        );
        // A whole expression in the list accepts exactly that expression.
        assert_eq!(
            codes(
                &["MIT AND GPL-3.0-only"],
                "allow = [\"MIT AND GPL-3.0-only\"]"
            ),
            none
        );
        // Hub ids name aibom's LicenseRef ids.
        assert_eq!(
            codes(&["LicenseRef-aibom-llama3.1"], "allow = [\"llama3.1\"]"),
            none
        );
        assert_eq!(
            codes(&["LicenseRef-aibom-llama3.1"], "allow = [\"Apache-2.0\"]"),
            ["license-not-allowed"]
        );
        // Each declared licence of a model without a concluded one is checked.
        assert_eq!(
            codes(&["MIT", "Apache-2.0"], "allow = [\"MIT\"]"),
            ["license-not-allowed"]
        );
        // No model licence cannot be on an allow list (a deny list has nothing to deny).
        assert_eq!(codes(&[], "allow = [\"MIT\"]"), ["license-not-allowed"]);
        assert_eq!(codes(&[], "deny = [\"MIT\"]"), none);
    }
}
