//! The audit report as SARIF 2.1.0 (`-o sarif`), for code scanning (written to GitHub's rules for
//! ingesting SARIF, valid for any SARIF 2.1.0 consumer): one run of the
//! `aibom` driver, one reporting descriptor per code that has a result (id = the code, a PascalCase
//! name, the code's summary, what it comes from, and help on what to do — no help URI, since aibom
//! publishes none), and one SARIF result per [`AuditResult`] in report order. `deny` is `error`, `warn`
//! is `warning`, and a result a policy exception accepted is a `note` with an external, accepted
//! suppression whose justification is the exception's reason (GitHub does not act on suppressions by
//! itself: such results show as open alerts unless the repository dismisses suppressed results).
//!
//! Locations. GitHub reads a relative `uri` as relative to the repository root and ignores
//! `uriBaseId`, so a relative `uri` is the target path as given (in CI: relative to the checkout)
//! joined with the model-relative path, marked `%SRCROOT%` (the directory the audit ran in); a target
//! given as an absolute path gives `file://` URIs, which GitHub's upload relativises against the
//! checkout. Every result has exactly one location, because GitHub rejects a file with a result
//! without one: the file the result is about; for a result about the model as a whole, the bundle it
//! is about when its evidence names a bundle of the report, else the model itself (the directory, with
//! a trailing slash, or the single model file); for an audited BOM or attestation, that file (the files
//! it records are not there); for a Hugging Face cache, the path given, with the file named in the
//! location's message (the report does not say which snapshot was scanned). A region is given only
//! when it is true: `byteOffset` for an offset into the file itself. Model files are mostly binary and aibom knows no line numbers, so no `startLine` is made
//! up, although GitHub's documentation lists one for display (its upload action leaves locations
//! without a line out of its line hashing, and the alert is shown on the file).
//!
//! Fingerprints. `partialFingerprints` carries `aibom/v1`: a hash of the code, the location, the member,
//! the offset, the file's SHA-256 and the evidence — never of the message, whose wording may change —
//! with `:n` counting results that share it, in report order. GitHub uses only the key
//! `primaryLocationLineHash`, and computes it only for locations with a line, so the same value is
//! given under that key too: a result keeps its alert across runs while its file is unchanged.
//!
//! GitHub's limits: at most 25,000 results in a run (a larger file is rejected), so the first
//! [`MAX_RESULTS`] results are kept (denied first) and a notification says how many were left out;
//! short and full descriptions at most 1,024 characters, names 255; `security-severity` (a number
//! from 0.1 to 10.0 as a string) on security, integrity and format rules, `problem.severity` on the
//! others. Output is deterministic: the same report gives the same bytes.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::rules::{self, Category, Origin};
use super::{AuditReport, AuditResult, SubjectKind};
use crate::finding::Severity;
use crate::policy::Level;

/// The `$schema` of the log: the SARIF 2.1.0 schema URI GitHub's documentation gives.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The SARIF version written.
pub const SARIF_VERSION: &str = "2.1.0";

/// Most results in a run: GitHub code scanning rejects a run with more.
pub const MAX_RESULTS: usize = 25_000;

/// The `partialFingerprints` key of aibom's own result identity (bumped if its inputs change).
pub const FINGERPRINT_KEY: &str = "aibom/v1";

/// The `partialFingerprints` key GitHub code scanning reads.
pub const GITHUB_FINGERPRINT_KEY: &str = "primaryLocationLineHash";

/// The URI base id of relative locations: the directory the audit ran in.
pub const SRCROOT: &str = "%SRCROOT%";

/// GitHub's limit on a rule's short and full descriptions.
const MAX_DESCRIPTION: usize = 1024;

/// GitHub's limit on a rule's name.
const MAX_NAME: usize = 255;

/// Codes whose offset is not a byte offset into the file (a chat template's offset counts within the
/// template text, which sits inside a JSON string).
const OFFSET_NOT_IN_FILE: &[&str] = &["chat-template-injection"];

/// The SARIF log of `report`, pretty JSON with a trailing newline.
pub fn render(report: &AuditReport) -> String {
    let mut s = serde_json::to_string_pretty(&log(report)).expect("SARIF serialises");
    s.push('\n');
    s
}

/// The SARIF log of `report` as a JSON value.
pub fn log(report: &AuditReport) -> Value {
    let kept = &report.results[..report.results.len().min(MAX_RESULTS)];

    // One rule per code, sorted by code; ruleIndex points into this list.
    let mut by_code: BTreeMap<&str, Vec<&AuditResult>> = BTreeMap::new();
    for r in kept {
        by_code.entry(r.code.as_str()).or_default().push(r);
    }
    let index: HashMap<&str, usize> = by_code.keys().enumerate().map(|(i, c)| (*c, i)).collect();
    let rules: Vec<Value> = by_code
        .iter()
        .map(|(code, results)| descriptor(code, results))
        .collect();

    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut relative = false;
    let results: Vec<Value> = kept
        .iter()
        .map(|r| {
            let loc = locate(report, r);
            relative |= !loc.place.absolute;
            // An accepted result's suppression points at the policy file.
            relative |= r.exception.is_some()
                && report
                    .policy
                    .path
                    .as_deref()
                    .is_some_and(|p| !Place::given(p, false).absolute);
            let base = fingerprint(r, &loc.place.uri());
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            result(
                report,
                r,
                index[r.code.as_str()],
                loc,
                format!("{base}:{n}"),
            )
        })
        .collect();

    let mut driver = Map::new();
    driver.insert("name".into(), json!(report.tool.name));
    driver.insert("version".into(), json!(report.tool.version));
    if is_semver(&report.tool.version) {
        driver.insert("semanticVersion".into(), json!(report.tool.version));
    }
    driver.insert("rules".into(), Value::Array(rules));

    let mut invocation = Map::new();
    invocation.insert("executionSuccessful".into(), json!(true));
    let left_out = report.results.len() - kept.len();
    if left_out > 0 {
        invocation.insert(
            "toolExecutionNotifications".into(),
            json!([{
                "level": "warning",
                "message": {"text": format!(
                    "{left_out} of {} results were left out of this log: GitHub code scanning rejects a run with more than {MAX_RESULTS} results. The audit's JSON report lists them all.",
                    report.results.len()
                )},
            }]),
        );
    }

    let mut run = Map::new();
    run.insert("tool".into(), json!({ "driver": Value::Object(driver) }));
    run.insert(
        "invocations".into(),
        Value::Array(vec![Value::Object(invocation)]),
    );
    if relative {
        run.insert(
            "originalUriBaseIds".into(),
            json!({ SRCROOT: { "description": { "text":
                "The directory aibom audit ran in; the model path given on the command line is relative to it (in CI, the repository checkout)."
            }}}),
        );
    }
    run.insert("results".into(), Value::Array(results));
    run.insert(
        "properties".into(),
        json!({
            "reportSchema": report.schema,
            "passed": report.passed,
            "summary": report.summary,
            "policy": report.policy,
            "target": report.target,
            "signatures": report.signatures,
        }),
    );

    json!({
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [Value::Object(run)],
    })
}

/// What the audit says about a code, with fallbacks for a code this aibom does not know (a report
/// read back from elsewhere).
struct Meta {
    category: Category,
    severity: Severity,
    origin: Option<Origin>,
    summary: String,
}

fn meta(code: &str, results: &[&AuditResult]) -> Meta {
    match rules::lookup(code) {
        Some(c) => Meta {
            category: c.category,
            severity: c.severity,
            origin: Some(c.origin),
            summary: c.summary.to_string(),
        },
        None => Meta {
            category: results[0].category,
            severity: results
                .iter()
                .map(|r| r.severity)
                .max()
                .unwrap_or(Severity::High),
            origin: None,
            summary: format!("aibom code {code}."),
        },
    }
}

/// SARIF level of a result: `deny` is an error, `warn` a warning, an accepted result a note.
fn level(r: &AuditResult) -> &'static str {
    match (r.level, r.exception.is_some()) {
        (_, true) | (Level::Allow, _) => "note",
        (Level::Warn, _) => "warning",
        (Level::Deny, _) => "error",
    }
}

/// GitHub's `security-severity` score of a severity (critical over 9.0, high 7.0–8.9, medium 4.0–6.9,
/// low 0.1–3.9); none for info, which GitHub would read as no security severity.
fn security_severity(s: Severity) -> Option<&'static str> {
    match s {
        Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("3.0"),
        Severity::Info => None,
    }
}

/// GitHub's `problem.severity` of a severity, for rules that are not security rules.
fn problem_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "recommendation",
    }
}

/// Categories whose rules are security rules on GitHub (supply-chain integrity and file formats
/// included: a tampered or malformed model file is a way in).
fn is_security(c: Category) -> bool {
    matches!(
        c,
        Category::Security | Category::Integrity | Category::Format
    )
}

/// `license-not-allowed` → `LicenseNotAllowed`.
pub fn pascal_case(code: &str) -> String {
    code.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            let first = cs.next().map(|c| c.to_ascii_uppercase());
            first.into_iter().chain(cs).collect::<String>()
        })
        .collect()
}

/// At most `max` characters of `s` (an ellipsis marks a cut).
fn clamp(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

fn full_description(code: &str, m: &Meta) -> String {
    let from = match m.origin {
        Some(Origin::Audit) => "It is one of the audit's own rules, applied as the policy file says.".to_string(),
        Some(Origin::Finding) => format!(
            "It is a finding of aibom's scan of the model files, of {} severity unless the finding says otherwise.",
            m.severity.as_str()
        ),
        Some(Origin::Verify) => {
            "It is a problem found checking a signature or attestation bundle (or a BOM) against the model files.".to_string()
        }
        Some(Origin::HfCache) => {
            "It is a problem found checking a Hugging Face download against the hashes the Hub recorded.".to_string()
        }
        None => format!("This aibom does not know the code {code}; it is reported as the input gives it."),
    };
    format!("{} {from}", m.summary)
}

/// What to do about a result of `code`.
fn advice(code: &str, category: Category) -> &'static str {
    match code {
        "signature-missing" => "Sign the model (aibom sign) and keep the bundle next to the model or give it to the audit, or stop requiring a signature in the policy's [signatures] section.",
        "attestation-missing" => "Attest the model (aibom attest) and keep the bundle next to the model or give it to the audit, or stop requiring an attestation in the policy's [signatures] section.",
        "signer-untrusted" => "Find out who signed the bundle. If the signer is legitimate, add its public key, certificate root or keyless identity to the policy's [signatures] section; otherwise treat the model as untrusted.",
        "bundle-unusable" => "Check that the file is a complete bundle (or CycloneDX BOM) written by a supported tool, and give it again.",
        "format-denied" => "Convert the file to a format the policy allows (for weights, safetensors holds data only) or remove it from the model. To accept the format, take it out of the policy's [formats] deny list.",
        "exception-stale" => "Review the file again: it changed since the exception was granted, so its findings are reported again. If the new file is acceptable, record its new SHA-256 in the exception; otherwise remove the exception.",
        "exception-unused" => "Remove the exception from the policy, or correct its path or codes so that it names the finding it was meant for.",
        "finding-unknown" => "Scan the model with this aibom to get findings it knows, or review the finding as the BOM describes it.",
        _ => match category {
            Category::License => "Read the licence statements listed as evidence (each with its file). If the licence suits your use, allow it in the policy's [licenses] section; otherwise do not use the model.",
            Category::Integrity => "The files differ from what was signed, attested or recorded. Restore them from a trusted source and audit again; if the change is intended, sign or attest the model again.",
            Category::Security => "Do not load the file until it has been reviewed: content like this can run code when the model is loaded, or hides part of the file from analysis. Prefer formats that hold data only (safetensors, GGUF, ONNX). If a review accepts the file, add a [[security.exceptions]] entry with its path, SHA-256, codes and a reason to the policy; it lapses when the file changes.",
            Category::Format => "The file is damaged or unusual in structure, so readers may disagree about it. Download or export it again with a current tool and audit again.",
            Category::Documentation => "Complete the model card (README.md at the model's root) with what is missing. What the policy requires is set in its [documentation] section.",
            Category::Policy => "Correct the policy file.",
            Category::Openness => "Publish the missing parts of the release (code, data information, documentation) under open licences, or relax the [openness] requirements.",
        },
    }
}

const LEVELS: &str =
    "The policy file's [rules] section sets the level of any code: allow, warn or deny.";

/// Policy sections (`[rules]`, `[[security.exceptions]]`) and commands (`(aibom sign)`) as Markdown
/// code spans, so that brackets do not read as links.
fn code_spans(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(i) = rest.find(['[', '(']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let span = if rest.starts_with("(aibom ") {
            rest.find(')').map(|j| (1, j, 1))
        } else if rest.starts_with("[[") {
            rest.find("]]").map(|j| (0, j + 2, 0))
        } else if rest.starts_with('[') {
            rest.find(']').map(|j| (0, j + 1, 0))
        } else {
            None
        };
        match span {
            // (open, end, close): keep the parentheses around a command, code-span what is inside.
            Some((open, end, close)) => {
                out.push_str(&rest[..open]);
                out.push('`');
                out.push_str(&rest[open..end]);
                out.push('`');
                out.push_str(&rest[end..end + close]);
                rest = &rest[end + close..];
            }
            None => {
                out.push_str(&rest[..1]);
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn descriptor(code: &str, results: &[&AuditResult]) -> Value {
    let m = meta(code, results);
    let full = full_description(code, &m);
    let advice = advice(code, m.category);
    let help_text = format!("{}\n\n{advice}\n\n{LEVELS}", m.summary);
    let help_markdown = format!(
        "**{code}** ({} rule, default severity {})\n\n{full}\n\n**What to do.** {}\n\n{} Every code is described in aibom's `docs/audit.md`.",
        m.category.as_str(),
        m.severity.as_str(),
        code_spans(advice),
        code_spans(LEVELS)
    );
    // The level this audit gave the code: its most severe result (accepted ones count as notes).
    let default_level = results
        .iter()
        .map(|r| match level(r) {
            "error" => 2,
            "warning" => 1,
            _ => 0,
        })
        .max()
        .map_or("warning", |l| ["note", "warning", "error"][l]);
    let mut props = Map::new();
    match security_severity(m.severity).filter(|_| is_security(m.category)) {
        Some(score) => {
            let mut tags = vec!["security", "supply-chain"];
            if m.category != Category::Security {
                tags.push(m.category.as_str());
            }
            props.insert("tags".into(), json!(tags));
            props.insert("security-severity".into(), json!(score));
        }
        None => {
            props.insert("tags".into(), json!(["supply-chain", m.category.as_str()]));
            props.insert(
                "problem.severity".into(),
                json!(problem_severity(m.severity)),
            );
        }
    }
    let mut rule = json!({
        "id": code,
        "shortDescription": {"text": clamp(&m.summary, MAX_DESCRIPTION)},
        "fullDescription": {"text": clamp(&full, MAX_DESCRIPTION)},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": default_level},
        "properties": Value::Object(props),
    });
    // SARIF wants a name that differs from the id; a one-word code has none.
    let name = pascal_case(code);
    if !name.eq_ignore_ascii_case(code) {
        rule["name"] = json!(clamp(&name, MAX_NAME));
    }
    rule
}

/// A file or directory as a SARIF artifact location.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Place {
    /// POSIX path: relative (normalised, no `.` segments, empty for the current directory) or
    /// absolute.
    path: String,
    absolute: bool,
    dir: bool,
}

impl Place {
    /// A path as given on the command line.
    fn given(p: &str, dir: bool) -> Place {
        let absolute = std::path::Path::new(p).is_absolute() || p.starts_with('/');
        let p = if cfg!(windows) {
            p.replace('\\', "/")
        } else {
            p.to_string()
        };
        let segs: Vec<&str> = p
            .split('/')
            .filter(|s| !s.is_empty() && *s != ".")
            .collect();
        let mut path = segs.join("/");
        if absolute && !path.starts_with('/') && p.starts_with('/') {
            path.insert(0, '/');
        }
        Place {
            path,
            absolute,
            dir,
        }
    }

    /// `rel` (model-relative POSIX) inside this directory.
    fn join(&self, rel: &str, dir: bool) -> Place {
        let mut path = self.path.clone();
        for s in rel.split('/').filter(|s| !s.is_empty() && *s != ".") {
            if !path.is_empty() && !path.ends_with('/') {
                path.push('/');
            }
            path.push_str(s);
        }
        Place {
            path,
            absolute: self.absolute,
            dir,
        }
    }

    /// The directory holding this file.
    fn parent(&self) -> Place {
        let path = match self.path.rfind('/') {
            Some(0) => "/".to_string(),
            Some(i) => self.path[..i].to_string(),
            None => String::new(),
        };
        Place {
            path,
            absolute: self.absolute,
            dir: true,
        }
    }

    /// The URI reference: percent-encoded, `file://` when absolute, a trailing slash for a directory.
    fn uri(&self) -> String {
        let mut u = if self.absolute {
            let p = encode(&self.path);
            // A Windows drive (`C:/...`) keeps its colon and gets the leading slash of a file URI.
            let p = match self.path.as_bytes() {
                [d, b':', ..] if d.is_ascii_alphabetic() => {
                    format!("/{}:{}", d.to_ascii_uppercase() as char, &p[4..])
                }
                _ => p,
            };
            format!("file://{p}")
        } else if self.path.is_empty() {
            ".".to_string()
        } else {
            encode(&self.path)
        };
        if self.dir && !u.ends_with('/') {
            u.push('/');
        }
        u
    }

    fn artifact(&self) -> Value {
        if self.absolute {
            json!({ "uri": self.uri() })
        } else {
            json!({ "uri": self.uri(), "uriBaseId": SRCROOT })
        }
    }
}

/// Percent-encode a path: everything but unreserved characters and `/` (a `:` in a first segment
/// would read as a scheme, `#` and `?` would end the path, non-ASCII names become UTF-8 octets).
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where a result is, and what the location itself adds.
struct Located {
    place: Place,
    region: Option<Value>,
    note: Option<String>,
}

fn locate(report: &AuditReport, r: &AuditResult) -> Located {
    let t = &report.target;
    let mut notes = Vec::new();
    let place = match (t.kind, r.path.as_deref()) {
        // Only the BOM (or the attestation carrying one) is there: every result points at it.
        (SubjectKind::Bom | SubjectKind::Attestation, path) => {
            if let Some(p) = path {
                let what = match t.kind {
                    SubjectKind::Bom => "the BOM",
                    _ => "the attested BOM",
                };
                notes.push(format!("{p} as {what} records it"));
            }
            Place::given(&t.path, false)
        }
        (SubjectKind::File, Some(p)) => {
            let file = Place::given(&t.path, false);
            let name = file.path.rsplit('/').next().unwrap_or_default();
            if p == "." || p == name {
                file
            } else {
                file.parent().join(p, false)
            }
        }
        (SubjectKind::Directory, Some(p)) => Place::given(&t.path, true).join(p, false),
        // A Hugging Face cache repository: its files are in a snapshot the report does not name.
        (SubjectKind::HfCache, Some(p)) => {
            notes.push(format!("{p} in the download's snapshot"));
            Place::given(&t.path, true)
        }
        (kind, None) => match report
            .signatures
            .iter()
            .find(|s| r.evidence.as_deref() == Some(s.bundle.as_str()))
        {
            Some(s) => Place::given(&s.bundle, false),
            None => Place::given(&t.path, kind != SubjectKind::File),
        },
    };
    if let Some(m) = &r.member {
        notes.push(format!("member {m}"));
    }
    let in_file = matches!(t.kind, SubjectKind::Directory | SubjectKind::File)
        && r.path.is_some()
        && r.member.is_none()
        && !OFFSET_NOT_IN_FILE.contains(&r.code.as_str());
    let region = match r.offset {
        Some(o) if in_file => Some(json!({ "byteOffset": o })),
        Some(o) if OFFSET_NOT_IN_FILE.contains(&r.code.as_str()) => {
            notes.push(format!("offset {o} in the chat template text"));
            None
        }
        Some(o) => {
            notes.push(format!("byte {o}"));
            None
        }
        None => None,
    };
    Located {
        place,
        region,
        note: (!notes.is_empty()).then(|| notes.join(", ")),
    }
}

/// aibom's identity of a result (without the occurrence count): what it is and where, never how it
/// is worded.
fn fingerprint(r: &AuditResult, uri: &str) -> String {
    let key = json!([r.code, uri, r.member, r.offset, r.sha256, r.evidence]);
    let digest = Sha256::digest(key.to_string().as_bytes());
    hex::encode(&digest[..16])
}

fn result(
    report: &AuditReport,
    r: &AuditResult,
    rule_index: usize,
    loc: Located,
    fingerprint: String,
) -> Value {
    let mut physical = Map::new();
    physical.insert("artifactLocation".into(), loc.place.artifact());
    if let Some(region) = loc.region {
        physical.insert("region".into(), region);
    }
    let mut location = Map::new();
    location.insert("physicalLocation".into(), Value::Object(physical));
    if let Some(note) = loc.note {
        location.insert("message".into(), json!({ "text": note }));
    }

    let mut props = Map::new();
    props.insert("category".into(), json!(r.category.as_str()));
    props.insert("severity".into(), json!(r.severity.as_str()));
    props.insert("auditLevel".into(), json!(r.level.as_str()));
    for (k, v) in [
        ("path", r.path.as_ref().map(|v| json!(v))),
        ("member", r.member.as_ref().map(|v| json!(v))),
        ("offset", r.offset.map(|v| json!(v))),
        ("sha256", r.sha256.as_ref().map(|v| json!(v))),
        ("evidence", r.evidence.as_ref().map(|v| json!(v))),
    ] {
        if let Some(v) = v {
            props.insert(k.into(), v);
        }
    }

    let mut out = Map::new();
    out.insert("ruleId".into(), json!(r.code));
    out.insert("ruleIndex".into(), json!(rule_index));
    out.insert("level".into(), json!(level(r)));
    out.insert("message".into(), json!({ "text": r.message }));
    out.insert(
        "locations".into(),
        Value::Array(vec![Value::Object(location)]),
    );
    out.insert(
        "partialFingerprints".into(),
        json!({ FINGERPRINT_KEY: fingerprint, GITHUB_FINGERPRINT_KEY: fingerprint }),
    );
    if let Some(reason) = &r.exception {
        let mut s = Map::new();
        s.insert("kind".into(), json!("external"));
        s.insert("status".into(), json!("accepted"));
        s.insert("justification".into(), json!(reason));
        if let Some(policy) = &report.policy.path {
            s.insert(
                "location".into(),
                json!({ "physicalLocation": {
                    "artifactLocation": Place::given(policy, false).artifact()
                }}),
            );
        }
        out.insert("suppressions".into(), json!([Value::Object(s)]));
    }
    out.insert("properties".into(), Value::Object(props));
    Value::Object(out)
}

/// `MAJOR.MINOR.PATCH` with an optional pre-release and build (Semantic Versioning 2.0.0).
fn is_semver(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{PolicyInfo, Summary, TargetInfo, ToolInfo};

    fn result(code: &str, path: Option<&str>, level: Level) -> AuditResult {
        AuditResult {
            code: code.to_string(),
            level,
            category: rules::lookup(code).map_or(Category::Security, |c| c.category),
            severity: rules::lookup(code).map_or(Severity::High, |c| c.severity),
            path: path.map(str::to_string),
            member: None,
            offset: None,
            sha256: path.map(|_| "ab".repeat(32)),
            message: format!("{code} here"),
            evidence: None,
            exception: None,
        }
    }

    fn report(kind: SubjectKind, path: &str, results: Vec<AuditResult>) -> AuditReport {
        AuditReport {
            schema: crate::audit::AUDIT_REPORT_SCHEMA.to_string(),
            tool: ToolInfo::this(),
            policy: PolicyInfo {
                path: None,
                sha256: None,
                fail_on: "high".to_string(),
                overrides: vec![],
            },
            target: TargetInfo {
                kind,
                path: path.to_string(),
                name: "m".to_string(),
                root_digest: None,
                files: 1,
            },
            passed: false,
            summary: Summary::default(),
            signatures: vec![],
            results,
        }
    }

    #[test]
    fn names_are_pascal_case() {
        assert_eq!(pascal_case("license-not-allowed"), "LicenseNotAllowed");
        assert_eq!(pascal_case("gguf-too-many-kvs"), "GgufTooManyKvs");
        assert_eq!(pascal_case("unscannable"), "Unscannable");
        assert_eq!(pascal_case("tf-risky-op"), "TfRiskyOp");
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(encode("a b/é#1?.bin"), "a%20b/%C3%A9%231%3F.bin");
        assert_eq!(encode("x:y/100%"), "x%3Ay/100%25");
        assert_eq!(encode("A-Z_a.z~0/9"), "A-Z_a.z~0/9");

        let rel = Place::given("./models//tiny/", true);
        assert_eq!((rel.path.as_str(), rel.absolute), ("models/tiny", false));
        assert_eq!(rel.uri(), "models/tiny/");
        assert_eq!(rel.join("a/./b.bin", false).uri(), "models/tiny/a/b.bin");
        assert_eq!(Place::given(".", true).uri(), "./");
        assert_eq!(Place::given(".", true).join("m.pkl", false).uri(), "m.pkl");
        assert_eq!(Place::given("m.pkl", false).parent().uri(), "./");
        assert_eq!(Place::given("../up/m", true).uri(), "../up/m/");
        if !cfg!(windows) {
            let abs = Place::given("/srv/models/tiny model", true);
            assert!(abs.absolute);
            assert_eq!(abs.uri(), "file:///srv/models/tiny%20model/");
            assert_eq!(
                abs.join("w.bin", false).uri(),
                "file:///srv/models/tiny%20model/w.bin"
            );
            assert_eq!(Place::given("/m.pkl", false).parent().uri(), "file:///");
            assert_eq!(
                abs.artifact(),
                json!({"uri": "file:///srv/models/tiny%20model/"})
            );
        }
        assert_eq!(
            rel.artifact(),
            json!({"uri": "models/tiny/", "uriBaseId": "%SRCROOT%"})
        );
    }

    #[test]
    fn markdown_help_puts_policy_sections_and_commands_in_code_spans() {
        assert_eq!(
            code_spans("Sign the model (aibom sign) or edit [signatures]; add a [[security.exceptions]] entry (with a reason) [x"),
            "Sign the model (`aibom sign`) or edit `[signatures]`; add a `[[security.exceptions]]` entry (with a reason) [x"
        );
        let r = result("signature-missing", None, Level::Deny);
        let md = descriptor("signature-missing", &[&r])["help"]["markdown"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            md.contains("(`aibom sign`)") && md.contains("`[signatures]`"),
            "{md}"
        );
        assert!(md.contains("`[rules]`"), "{md}");
    }

    #[test]
    fn semantic_versions() {
        for v in ["0.1.0", "1.22.333", "1.0.0-rc.1", "1.0.0+build.5"] {
            assert!(is_semver(v), "{v}");
        }
        for v in ["0.1", "01.0.0", "1.0.x", "", "1.0.0.0"] {
            assert!(!is_semver(v), "{v}");
        }
    }

    /// GitHub: over 9.0 is critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low; 0.0 is none.
    #[test]
    fn security_severity_scores_fall_in_githubs_bands() {
        let band = |s: Severity| -> (f64, f64) {
            match s {
                Severity::Critical => (9.0, 10.0),
                Severity::High => (7.0, 8.9),
                Severity::Medium => (4.0, 6.9),
                Severity::Low => (0.1, 3.9),
                Severity::Info => unreachable!(),
            }
        };
        for s in Severity::ALL {
            match security_severity(s) {
                Some(score) => {
                    let x: f64 = score.parse().unwrap();
                    let (lo, hi) = band(s);
                    assert!(x > lo - f64::EPSILON && x <= hi && x > 0.0, "{s:?} {x}");
                    if s == Severity::Critical {
                        assert!(x > 9.0, "GitHub: over 9.0 is critical");
                    }
                }
                None => assert_eq!(s, Severity::Info),
            }
        }
    }

    /// Every code the audit knows gives a rule within GitHub's limits, with help and no URL.
    #[test]
    fn every_code_makes_a_rule_github_accepts() {
        for c in rules::all() {
            let r = result(c.code, Some("f.bin"), Level::Deny);
            let rule = descriptor(c.code, &[&r]);
            let short = rule["shortDescription"]["text"].as_str().unwrap();
            let full = rule["fullDescription"]["text"].as_str().unwrap();
            assert_eq!(short, c.summary, "{}: not cut", c.code);
            assert!(full.chars().count() <= MAX_DESCRIPTION, "{}", c.code);
            assert!(full.starts_with(c.summary) && full.len() > short.len());
            assert!(rule["help"]["text"].as_str().unwrap().contains(c.summary));
            assert!(!rule["help"]["markdown"].as_str().unwrap().is_empty());
            assert!(rule.get("helpUri").is_none());
            if let Some(name) = rule["name"].as_str() {
                assert!(name.len() <= MAX_NAME && name != c.code);
            }
            let tags: Vec<&str> = rule["properties"]["tags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap())
                .collect();
            let unique: std::collections::BTreeSet<_> = tags.iter().collect();
            assert_eq!(unique.len(), tags.len(), "{}: {tags:?}", c.code);
            assert!(tags.contains(&c.category.as_str()), "{}", c.code);
            assert_eq!(rule["defaultConfiguration"]["level"], "error");
        }
    }

    #[test]
    fn results_beyond_githubs_limit_are_left_out_with_a_notification() {
        let mut results: Vec<AuditResult> = (0..MAX_RESULTS)
            .map(|i| {
                let mut r = result("file-extra", Some(&format!("f{i}.bin")), Level::Deny);
                r.message = format!("f{i}.bin is extra");
                r
            })
            .collect();
        results.push(result("exception-unused", Some("x"), Level::Warn));
        let v = log(&report(SubjectKind::Directory, "m", results));
        let run = &v["runs"][0];
        assert_eq!(run["results"].as_array().unwrap().len(), MAX_RESULTS);
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), 1, "no rule for a result left out");
        let n = &run["invocations"][0]["toolExecutionNotifications"];
        assert_eq!(n[0]["level"], "warning");
        let text = n[0]["message"]["text"].as_str().unwrap();
        assert!(
            text.starts_with("1 of 25001 results were left out"),
            "{text}"
        );
        assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    }

    #[test]
    fn fingerprints_ignore_the_message_and_count_what_they_share() {
        let a = result("documentation-missing", None, Level::Deny);
        let mut b = a.clone();
        b.message = "something else entirely".to_string();
        let v = log(&report(SubjectKind::Directory, "m", vec![a.clone(), b]));
        let fps: Vec<&str> = v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"]["aibom/v1"].as_str().unwrap())
            .collect();
        let (h0, n0) = fps[0].split_once(':').unwrap();
        let (h1, n1) = fps[1].split_once(':').unwrap();
        assert_eq!((h0, n0, n1), (h1, "1", "2"));
        assert_eq!(h0, fingerprint(&a, "m/"));
        // Each part of the identity counts.
        let mut c = a.clone();
        c.evidence = Some("e".to_string());
        assert_ne!(fingerprint(&c, "m/"), h0);
        assert_ne!(fingerprint(&a, "n/"), h0);
        let mut d = a.clone();
        d.offset = Some(0);
        assert_ne!(fingerprint(&d, "m/"), h0);
    }

    #[test]
    fn an_unknown_code_still_makes_a_rule() {
        let mut r = result("no-such-code", Some("w.bin"), Level::Warn);
        r.category = Category::Format;
        r.severity = Severity::Low;
        let v = log(&report(SubjectKind::Directory, "m", vec![r]));
        let rule = &v["runs"][0]["tool"]["driver"]["rules"][0];
        assert_eq!(rule["id"], "no-such-code");
        assert_eq!(rule["shortDescription"]["text"], "aibom code no-such-code.");
        assert_eq!(rule["properties"]["security-severity"], "3.0");
        assert_eq!(v["runs"][0]["results"][0]["level"], "warning");
    }

    #[test]
    fn rendering_is_pretty_json_with_a_newline_and_deterministic() {
        let r = report(
            SubjectKind::File,
            "m.pkl",
            vec![result(
                "pickle-dangerous-import",
                Some("m.pkl"),
                Level::Deny,
            )],
        );
        let s = render(&r);
        assert!(s.starts_with("{\n  \"$schema\": ") && s.ends_with("}\n"));
        assert_eq!(s, render(&r.clone()));
        let v: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(
            v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"],
            json!({"uri": "m.pkl", "uriBaseId": "%SRCROOT%"})
        );
    }
}
