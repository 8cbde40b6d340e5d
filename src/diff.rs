//! What changed between two releases of a model: `aibom diff OLD NEW`. Each side is a CycloneDX BOM —
//! read from a file, or the BOM of a model directory scanned for the comparison — reduced to a
//! [`Snapshot`] (files and hashes, weight facts, licences, lineage, datasets, findings, completeness), so a
//! directory and a BOM compare the same way. [`compare`] gives a [`DiffReport`], the versioned serde type
//! of `-o json` (`aibom-diff-report/1`, JSON Schema in `schemas/diff-report.schema.json`), with each kind
//! of change ([`ChangeKind`]) listed so a release gate can fail on the kinds it cares about.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Identifier of the shape of [`DiffReport`]; bumped on incompatible changes.
pub const DIFF_REPORT_SCHEMA: &str = "aibom-diff-report/1";

/// A kind of change, as `--fail-on` names it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// Files added, removed or modified.
    Files,
    /// Parameters, dtypes, quantization or weight formats changed.
    Weights,
    /// The model's licence (declared or concluded) or its evidence changed.
    Licence,
    /// Base models added or removed.
    Lineage,
    /// Datasets added, removed or relicensed.
    Datasets,
    /// Findings appeared.
    Findings,
    /// The completeness score went down.
    Completeness,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 7] = [
        ChangeKind::Files,
        ChangeKind::Weights,
        ChangeKind::Licence,
        ChangeKind::Lineage,
        ChangeKind::Datasets,
        ChangeKind::Findings,
        ChangeKind::Completeness,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Files => "files",
            ChangeKind::Weights => "weights",
            ChangeKind::Licence => "licence",
            ChangeKind::Lineage => "lineage",
            ChangeKind::Datasets => "datasets",
            ChangeKind::Findings => "findings",
            ChangeKind::Completeness => "completeness",
        }
    }

    /// The kind named `s` (`license` is accepted for `licence`).
    pub fn parse(s: &str) -> Option<ChangeKind> {
        let s = if s == "license" { "licence" } else { s };
        ChangeKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One release, as its BOM describes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// Where it came from (the BOM path or the directory).
    pub source: String,
    pub name: String,
    pub root_digest: Option<String>,
    /// Path → (sha256, role, format, parameters).
    pub files: BTreeMap<String, FileFacts>,
    /// Model-level weight facts: `parameters`, `dtype` (one per dtype), `quantization`, `weight-format`.
    pub weights: BTreeMap<String, BTreeSet<String>>,
    /// The model licences with their acknowledgement (`Apache-2.0 (concluded)`).
    pub licences: Vec<String>,
    pub licence_evidence: Vec<String>,
    /// Base models (`id` with relation and revision when known).
    pub base_models: BTreeSet<String>,
    /// Dataset name → its licences.
    pub datasets: BTreeMap<String, Vec<String>>,
    /// Findings as (code, severity, path, evidence).
    pub findings: BTreeSet<Finding>,
    pub completeness: Option<u32>,
}

/// One file as a BOM records it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileFacts {
    pub sha256: String,
    pub role: String,
    pub format: String,
    pub parameters: Option<u64>,
}

/// A finding, identified by what it says rather than its wording.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub code: String,
    pub severity: String,
    pub path: Option<String>,
    pub evidence: Option<String>,
}

fn props(v: &Value) -> impl Iterator<Item = (&str, &str)> {
    v["properties"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p["name"].as_str()?, p["value"].as_str()?)))
}

fn licence_texts(v: &Value) -> Vec<String> {
    v["licenses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| {
            let (t, ack) = match l["expression"].as_str() {
                Some(e) => (e, l["acknowledgement"].as_str()),
                None => (
                    l["license"]["id"]
                        .as_str()
                        .or_else(|| l["license"]["name"].as_str())?,
                    l["license"]["acknowledgement"].as_str(),
                ),
            };
            Some(match ack {
                Some(a) => format!("{t} ({a})"),
                None => t.to_string(),
            })
        })
        .collect()
}

impl Snapshot {
    /// The snapshot of a CycloneDX BOM (as aibom writes it; other BOMs give what they have).
    pub fn from_bom(bom: &Value, source: &str) -> Snapshot {
        let model = &bom["metadata"]["component"];
        let mut s = Snapshot {
            source: source.to_string(),
            name: model["name"].as_str().unwrap_or_default().to_string(),
            licences: licence_texts(model),
            ..Default::default()
        };
        for (n, v) in props(model) {
            match n {
                "aibom:oms-root-digest" => s.root_digest = Some(v.to_string()),
                "aibom:parameters"
                | "aibom:dtype"
                | "aibom:quantization"
                | "aibom:weight-format" => {
                    s.weights
                        .entry(n.trim_start_matches("aibom:").to_string())
                        .or_default()
                        .insert(v.to_string());
                }
                "aibom:license-evidence" => s.licence_evidence.push(v.to_string()),
                "aibom:completeness" => {
                    s.completeness = v.split('/').next().and_then(|x| x.parse().ok())
                }
                _ => {}
            }
        }
        for a in model["pedigree"]["ancestors"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let id = a["name"].as_str().unwrap_or_default();
            let rel = props(a)
                .find(|(n, _)| *n == "aibom:relation")
                .map(|(_, v)| v);
            let mut t = id.to_string();
            if let Some(r) = rel {
                let _ = write!(t, " ({r})");
            }
            if let Some(v) = a["version"].as_str() {
                let _ = write!(t, " @ {v}");
            }
            s.base_models.insert(t);
        }
        for c in bom["components"].as_array().into_iter().flatten() {
            match c["type"].as_str() {
                Some("file") => {
                    let Some(name) = c["name"].as_str() else {
                        continue;
                    };
                    let p = |k: &str| props(c).find(|(n, _)| *n == k).map(|(_, v)| v.to_string());
                    let sha = c["hashes"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .find(|h| h["alg"] == "SHA-256")
                        .and_then(|h| h["content"].as_str())
                        .unwrap_or_default()
                        .to_ascii_lowercase();
                    s.files.insert(
                        name.to_string(),
                        FileFacts {
                            sha256: sha,
                            role: p("aibom:role").unwrap_or_default(),
                            format: p("aibom:format").unwrap_or_default(),
                            parameters: p("aibom:parameters").and_then(|x| x.parse().ok()),
                        },
                    );
                }
                Some("data") => {
                    let name = c["name"].as_str().unwrap_or_default().to_string();
                    s.datasets.insert(name, licence_texts(c));
                }
                _ => {}
            }
        }
        for v in bom["vulnerabilities"].as_array().into_iter().flatten() {
            s.findings.insert(Finding {
                code: v["id"].as_str().unwrap_or_default().to_string(),
                severity: v["ratings"][0]["severity"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                path: v["affects"][0]["ref"]
                    .as_str()
                    .and_then(|r| r.strip_prefix("file:"))
                    .map(str::to_string),
                evidence: v["detail"].as_str().map(str::to_string),
            });
        }
        s
    }
}

/// One side of a comparison, in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Side {
    pub source: String,
    pub name: String,
    pub root_digest: Option<String>,
    pub files: usize,
}

/// A file on one side only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    pub path: String,
    pub sha256: String,
}

/// A file on both sides with different content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModifiedFile {
    pub path: String,
    pub old_sha256: String,
    pub new_sha256: String,
}

/// A weight fact that changed: the model's (`path` null) or one file's parameter count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeightChange {
    /// `parameters`, `dtype`, `quantization`, `weight-format`.
    pub fact: String,
    pub path: Option<String>,
    pub old: Vec<String>,
    pub new: Vec<String>,
}

/// Items on one side only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Delta {
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// The licence on each side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LicenceChange {
    pub old: Vec<String>,
    pub new: Vec<String>,
    pub old_evidence: Vec<String>,
    pub new_evidence: Vec<String>,
}

/// `aibom diff`'s report: the JSON of `-o json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiffReport {
    /// `aibom-diff-report/1`.
    #[schemars(extend("const" = DIFF_REPORT_SCHEMA))]
    pub schema: String,
    pub old: Side,
    pub new: Side,
    /// Every kind of change found, in [`ChangeKind`] order.
    pub changed: Vec<ChangeKind>,
    pub files_added: Vec<FileEntry>,
    pub files_removed: Vec<FileEntry>,
    pub files_modified: Vec<ModifiedFile>,
    pub weights: Vec<WeightChange>,
    /// Null when the licence did not change.
    pub licence: Option<LicenceChange>,
    pub lineage: Delta,
    pub datasets: Delta,
    /// Datasets on both sides whose licences changed: `name: old -> new`.
    pub datasets_relicensed: Vec<String>,
    pub findings_new: Vec<Finding>,
    pub findings_resolved: Vec<Finding>,
    pub completeness_old: Option<u32>,
    pub completeness_new: Option<u32>,
}

fn delta(old: &BTreeSet<String>, new: &BTreeSet<String>) -> Delta {
    Delta {
        added: new.difference(old).cloned().collect(),
        removed: old.difference(new).cloned().collect(),
    }
}

/// Compare two releases.
pub fn compare(old: &Snapshot, new: &Snapshot) -> DiffReport {
    let side = |s: &Snapshot| Side {
        source: s.source.clone(),
        name: s.name.clone(),
        root_digest: s.root_digest.clone(),
        files: s.files.len(),
    };
    let mut r = DiffReport {
        schema: DIFF_REPORT_SCHEMA.to_string(),
        old: side(old),
        new: side(new),
        changed: Vec::new(),
        files_added: Vec::new(),
        files_removed: Vec::new(),
        files_modified: Vec::new(),
        weights: Vec::new(),
        licence: None,
        lineage: delta(&old.base_models, &new.base_models),
        datasets: Delta::default(),
        datasets_relicensed: Vec::new(),
        findings_new: new.findings.difference(&old.findings).cloned().collect(),
        findings_resolved: old.findings.difference(&new.findings).cloned().collect(),
        completeness_old: old.completeness,
        completeness_new: new.completeness,
    };
    for (p, f) in &new.files {
        match old.files.get(p) {
            None => r.files_added.push(FileEntry {
                path: p.clone(),
                sha256: f.sha256.clone(),
            }),
            Some(o) if o.sha256 != f.sha256 => r.files_modified.push(ModifiedFile {
                path: p.clone(),
                old_sha256: o.sha256.clone(),
                new_sha256: f.sha256.clone(),
            }),
            Some(_) => {}
        }
        if let Some(o) = old.files.get(p) {
            if o.parameters != f.parameters && (o.parameters.is_some() || f.parameters.is_some()) {
                r.weights.push(WeightChange {
                    fact: "parameters".to_string(),
                    path: Some(p.clone()),
                    old: o.parameters.iter().map(u64::to_string).collect(),
                    new: f.parameters.iter().map(u64::to_string).collect(),
                });
            }
            if o.format != f.format && f.role == "weights" {
                r.weights.push(WeightChange {
                    fact: "format".to_string(),
                    path: Some(p.clone()),
                    old: vec![o.format.clone()],
                    new: vec![f.format.clone()],
                });
            }
        }
    }
    for (p, f) in &old.files {
        if !new.files.contains_key(p) {
            r.files_removed.push(FileEntry {
                path: p.clone(),
                sha256: f.sha256.clone(),
            });
        }
    }
    let facts: BTreeSet<&String> = old.weights.keys().chain(new.weights.keys()).collect();
    let empty = BTreeSet::new();
    for k in facts {
        let (o, n) = (
            old.weights.get(k).unwrap_or(&empty),
            new.weights.get(k).unwrap_or(&empty),
        );
        if o != n {
            r.weights.push(WeightChange {
                fact: k.clone(),
                path: None,
                old: o.iter().cloned().collect(),
                new: n.iter().cloned().collect(),
            });
        }
    }
    r.weights
        .sort_by(|a, b| (&a.path, &a.fact).cmp(&(&b.path, &b.fact)));
    if old.licences != new.licences || old.licence_evidence != new.licence_evidence {
        r.licence = Some(LicenceChange {
            old: old.licences.clone(),
            new: new.licences.clone(),
            old_evidence: old.licence_evidence.clone(),
            new_evidence: new.licence_evidence.clone(),
        });
    }
    let names = |s: &Snapshot| s.datasets.keys().cloned().collect::<BTreeSet<_>>();
    r.datasets = delta(&names(old), &names(new));
    for (n, l) in &new.datasets {
        if let Some(o) = old.datasets.get(n) {
            if o != l {
                r.datasets_relicensed.push(format!(
                    "{n}: {} -> {}",
                    if o.is_empty() {
                        "none".to_string()
                    } else {
                        o.join(", ")
                    },
                    if l.is_empty() {
                        "none".to_string()
                    } else {
                        l.join(", ")
                    }
                ));
            }
        }
    }
    let mut changed = Vec::new();
    if !(r.files_added.is_empty() && r.files_removed.is_empty() && r.files_modified.is_empty()) {
        changed.push(ChangeKind::Files);
    }
    if !r.weights.is_empty() {
        changed.push(ChangeKind::Weights);
    }
    if r.licence.is_some() {
        changed.push(ChangeKind::Licence);
    }
    if !(r.lineage.added.is_empty() && r.lineage.removed.is_empty()) {
        changed.push(ChangeKind::Lineage);
    }
    if !(r.datasets.added.is_empty()
        && r.datasets.removed.is_empty()
        && r.datasets_relicensed.is_empty())
    {
        changed.push(ChangeKind::Datasets);
    }
    if !r.findings_new.is_empty() {
        changed.push(ChangeKind::Findings);
    }
    if let (Some(o), Some(n)) = (old.completeness, new.completeness) {
        if n < o {
            changed.push(ChangeKind::Completeness);
        }
    }
    r.changed = changed;
    r
}

/// The JSON Schema of [`DiffReport`], as committed in `schemas/diff-report.schema.json`.
pub fn json_schema() -> String {
    let mut s = serde_json::to_string_pretty(&schemars::schema_for!(DiffReport))
        .expect("schema serialises");
    s.push('\n');
    s
}

/// The report as pretty JSON with a trailing newline.
pub fn json(r: &DiffReport) -> String {
    let mut s = serde_json::to_string_pretty(r).expect("report serialises");
    s.push('\n');
    s
}

fn finding_line(f: &Finding, c: &dyn Fn(&str) -> String, t: &dyn Fn(&str) -> String) -> String {
    let mut s = format!("{} ({})", c(&f.code), t(&f.severity));
    if let Some(p) = &f.path {
        let _ = write!(s, " in {}", c(p));
    }
    if let Some(e) = &f.evidence {
        let _ = write!(s, ": {}", c(e));
    }
    s
}

/// The report for people (`markdown`: as Markdown for a pull-request comment or step summary, every
/// text from the models escaped or in code spans).
pub fn render(r: &DiffReport, markdown: bool) -> String {
    use crate::summary::markdown as md;
    let c = |x: &str| -> String {
        if markdown {
            md::code(x, false)
        } else {
            x.to_string()
        }
    };
    let t = |x: &str| -> String {
        if markdown {
            md::text(x)
        } else {
            x.to_string()
        }
    };
    let list = |v: &[String]| -> String {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.iter().map(|x| t(x)).collect::<Vec<_>>().join(", ")
        }
    };
    let mut s = String::new();
    let (h, li) = if markdown { ("### ", "- ") } else { ("", "  ") };
    if markdown {
        let _ = writeln!(
            s,
            "## aibom diff: {} → {}\n",
            t(&r.old.name),
            t(&r.new.name)
        );
    } else {
        let _ = writeln!(
            s,
            "aibom diff: {} ({}) -> {} ({})",
            r.old.name, r.old.source, r.new.name, r.new.source
        );
    }
    if r.changed.is_empty() {
        let _ = writeln!(s, "No change.");
        return s;
    }
    let kinds: Vec<&str> = r.changed.iter().map(|k| k.as_str()).collect();
    let _ = writeln!(s, "Changed: {}\n", kinds.join(", "));
    let section = |s: &mut String, title: &str, lines: Vec<String>| {
        if lines.is_empty() {
            return;
        }
        let _ = writeln!(s, "{h}{title}{}", if markdown { "\n" } else { ":" });
        for l in lines {
            let _ = writeln!(s, "{li}{l}");
        }
        let _ = writeln!(s);
    };
    let short = |d: &str| d[..d.len().min(12)].to_string();
    let mut files = Vec::new();
    files.extend(
        r.files_added
            .iter()
            .map(|f| format!("added {}", c(&f.path))),
    );
    files.extend(
        r.files_removed
            .iter()
            .map(|f| format!("removed {}", c(&f.path))),
    );
    files.extend(r.files_modified.iter().map(|f| {
        format!(
            "modified {} (sha256 {}… → {}…)",
            c(&f.path),
            t(&short(&f.old_sha256)),
            t(&short(&f.new_sha256))
        )
    }));
    section(&mut s, "Files", files);
    section(
        &mut s,
        "Weights",
        r.weights
            .iter()
            .map(|w| {
                format!(
                    "{}{}: {} → {}",
                    w.fact,
                    w.path
                        .as_deref()
                        .map(|p| format!(" of {}", c(p)))
                        .unwrap_or_default(),
                    list(&w.old),
                    list(&w.new)
                )
            })
            .collect(),
    );
    if let Some(l) = &r.licence {
        let mut lines = vec![format!("{} → {}", list(&l.old), list(&l.new))];
        lines.extend(l.new_evidence.iter().map(|e| format!("evidence: {}", c(e))));
        section(&mut s, "Licence", lines);
    }
    let mut lineage: Vec<String> = r
        .lineage
        .added
        .iter()
        .map(|b| format!("added base model {}", c(b)))
        .collect();
    lineage.extend(
        r.lineage
            .removed
            .iter()
            .map(|b| format!("removed base model {}", c(b))),
    );
    section(&mut s, "Lineage", lineage);
    let mut ds: Vec<String> = r
        .datasets
        .added
        .iter()
        .map(|d| format!("added {}", c(d)))
        .collect();
    ds.extend(
        r.datasets
            .removed
            .iter()
            .map(|d| format!("removed {}", c(d))),
    );
    ds.extend(
        r.datasets_relicensed
            .iter()
            .map(|d| format!("relicensed {}", t(d))),
    );
    section(&mut s, "Datasets", ds);
    let mut f: Vec<String> = r
        .findings_new
        .iter()
        .map(|x| format!("new: {}", finding_line(x, &c, &t)))
        .collect();
    f.extend(
        r.findings_resolved
            .iter()
            .map(|x| format!("resolved: {}", finding_line(x, &c, &t))),
    );
    section(&mut s, "Findings", f);
    if r.completeness_old != r.completeness_new {
        let n = |v: Option<u32>| v.map_or("unknown".to_string(), |v| format!("{v}/100"));
        section(
            &mut s,
            "Completeness",
            vec![format!(
                "{} → {}",
                n(r.completeness_old),
                n(r.completeness_new)
            )],
        );
    }
    s
}
