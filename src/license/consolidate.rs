//! The model's licence: the one rule that turns every licence statement found in a model into what the
//! reports say about the model. [`consolidate`] is called once per analysis; the BOM, the table and
//! summary, the completeness score and the licence findings all read its result ([`ModelLicenses`] and
//! [`Consolidation::verdict`]) and decide nothing themselves.
//!
//! The rule, in full:
//! - **agreement** — [`super::analyze`] resolves each statement and compares the model-level voices
//!   (card fields, weight-header metadata, LICENSE files at the model root, NOTICE files at the root that
//!   are a licence text): the expression they all agree on is `concluded`; two that differ are a
//!   conflict, and then nothing is concluded.
//! - **declared** — every distinct expression that a model-level statement states: card fields,
//!   LICENSE and NOTICE files at the model root (a NOTICE that only mentions a licence included),
//!   safetensors and GGUF metadata wherever the file is. Dataset manifests, code SPDX headers, use
//!   policies and licence files in subdirectories never declare the model's licence.
//! - **the model's licence** ([`ModelLicenses::for_model`]) — `concluded` when there is one
//!   (acknowledged as concluded), else everything `declared` (acknowledged as declared), else none.
//! - **restrictions** — those of the model-level licences that restrict use, and of use policies at the
//!   root that add to them; `use_restricted` when any does.
//! - **verdict** — [`Verdict::Missing`] when no statement speaks about the model at all (only dataset
//!   and code statements, or none), [`Verdict::Unresolved`] when some do but the model has no licence
//!   by the rule above, else [`Verdict::Declared`] or [`Verdict::Concluded`].
//!
//! Licences of single files (licence and notice texts, code with SPDX headers) and of datasets are
//! reported beside the model's, each from the first statement about it that resolves.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{
    analyze, at_root, cyclonedx_licenses, normalise_expression, resolve_expression,
    Acknowledgement, Resolution, SourceKind, Statement,
};

/// A licence ready for CycloneDX: the licence choice object and a short display form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LicenseEntry {
    /// A CycloneDX `licenses[]` entry (`{"license": {...}}` or `{"expression": ...}`).
    pub choice: serde_json::Value,
    /// `Apache-2.0`, `LicenseRef-aibom-llama3.1`, ...
    pub display: String,
}

/// The model's licences and how sure we are.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ModelLicenses {
    /// The licence every model-level source agrees on (empty when none or in conflict).
    pub concluded: Vec<LicenseEntry>,
    /// Every distinct model-level licence declared anywhere.
    pub declared: Vec<LicenseEntry>,
    pub conflicts: Vec<String>,
    pub use_restricted: bool,
    pub restrictions: Vec<String>,
    /// One line per statement: `path (sha256 …) source: value -> resolution`.
    pub evidence: Vec<String>,
}

impl ModelLicenses {
    /// The licences that stand for the model wherever it is shown (the BOM's model component, the
    /// table): the concluded licence, else every declared one, else none — with the acknowledgement
    /// that says which.
    pub fn for_model(&self) -> Option<(&[LicenseEntry], Acknowledgement)> {
        if !self.concluded.is_empty() {
            Some((&self.concluded, Acknowledgement::Concluded))
        } else if !self.declared.is_empty() {
            Some((&self.declared, Acknowledgement::Declared))
        } else {
            None
        }
    }

    /// All model-level sources agree on one licence.
    pub fn agreed(&self) -> bool {
        !self.concluded.is_empty()
    }
}

/// How much is known about the model's licence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// No statement about the model's licence at all.
    Missing,
    /// Statements about the model, but none gives it a licence.
    Unresolved,
    /// Licences are declared, but the sources do not agree on one (or none is a voice).
    Declared,
    /// The sources agree on one licence.
    Concluded,
}

/// A disagreement between two model-level statements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LicenceConflict {
    /// The file of the first of the two statements.
    pub path: String,
    /// Both paths, sources and expressions.
    pub message: String,
}

/// Everything [`consolidate`] decided.
#[derive(Debug, Clone, Serialize)]
pub struct Consolidation {
    /// The model's licences.
    pub model: ModelLicenses,
    /// How much is known about them.
    pub verdict: Verdict,
    /// The conflicts (also in `model.conflicts`), each with the file it is reported on.
    pub conflicts: Vec<LicenceConflict>,
    /// Per file (licence and notice files, code with SPDX headers): its licence, first resolving
    /// statement of each path, in statement order.
    pub files: Vec<(String, Vec<LicenseEntry>)>,
    /// Per dataset statement (Croissant, dataset card), in statement order: the path of the manifest
    /// and the licence it states.
    pub datasets: Vec<(String, Vec<LicenseEntry>)>,
}

/// A statement that declares the model's licence (see the module docs).
fn declares_model_licence(st: &Statement) -> bool {
    match st.source {
        SourceKind::GgufMetadata | SourceKind::SafetensorsMetadata => true,
        SourceKind::CardLicense
        | SourceKind::CardLicenseName
        | SourceKind::CardLicenseLink
        | SourceKind::LicenseFile
        | SourceKind::NoticeFile => at_root(&st.path),
        _ => false,
    }
}

/// A statement about the model rather than about its data or code.
fn speaks_for_model(st: &Statement) -> bool {
    !matches!(
        st.source,
        SourceKind::SpdxHeader | SourceKind::CroissantLicense | SourceKind::DatasetCard
    )
}

/// The CycloneDX entries of a resolution (none when it has no expression).
fn entries(res: &Resolution, ack: Acknowledgement) -> Vec<LicenseEntry> {
    cyclonedx_licenses(res, ack)
        .into_iter()
        .map(|choice| LicenseEntry {
            display: res.expression.clone().unwrap_or_default(),
            choice,
        })
        .collect()
}

/// One evidence line: `path (sha256 <12 hex>) <source>: <value, 80 chars> -> <expression> [method conf]`.
fn evidence_line(st: &Statement, res: &Resolution) -> String {
    let shown = res
        .expression
        .as_deref()
        .unwrap_or("no recognisable licence");
    let value: String = st
        .value
        .chars()
        .take(80)
        .collect::<String>()
        .replace('\n', " ");
    let more = if st.value.chars().count() > 80 {
        "…"
    } else {
        ""
    };
    let source = serde_json::to_value(st.source)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    format!(
        "{} (sha256 {}) {source}: {value}{more} -> {shown} [{} {:.2}]",
        st.path,
        st.sha256.get(..12).unwrap_or(""),
        res.method,
        res.confidence
    )
}

/// Decide the model's licence from every statement found in it (see the module docs for the rule).
pub fn consolidate(statements: Vec<Statement>) -> Consolidation {
    let speaks = statements.iter().any(speaks_for_model);
    let report = analyze(statements);
    let mut model = ModelLicenses {
        use_restricted: report.use_restricted,
        ..Default::default()
    };
    let mut files: Vec<(String, Vec<LicenseEntry>)> = Vec::new();
    let mut datasets = Vec::new();
    let mut declared_seen = BTreeSet::new();
    for ev in &report.evidence {
        let (st, res) = (&ev.statement, &ev.resolution);
        model.evidence.push(evidence_line(st, res));
        let Some(expr) = &res.expression else {
            continue;
        };
        let declared = entries(res, Acknowledgement::Declared);
        if matches!(
            st.source,
            SourceKind::LicenseFile | SourceKind::NoticeFile | SourceKind::SpdxHeader
        ) && !files.iter().any(|(p, _)| *p == st.path)
        {
            files.push((st.path.clone(), declared.clone()));
        }
        if declares_model_licence(st) && declared_seen.insert(normalise_expression(expr)) {
            model.declared.extend(declared.iter().cloned());
        }
        if matches!(
            st.source,
            SourceKind::CroissantLicense | SourceKind::DatasetCard
        ) {
            datasets.push((st.path.clone(), declared));
        }
    }
    if let Some(concluded) = &report.concluded {
        // The entry is built from the resolution that said it, so a `LicenseRef-` keeps its name and URL.
        let norm = normalise_expression(concluded);
        let res = report
            .evidence
            .iter()
            .map(|e| &e.resolution)
            .find(|r| r.expression.as_deref().map(normalise_expression).as_deref() == Some(&norm))
            .cloned()
            .unwrap_or_else(|| resolve_expression(concluded));
        model.concluded = entries(&res, Acknowledgement::Concluded);
    }
    for l in report.licenses.iter().filter(|l| l.use_restricted) {
        for r in &l.restrictions {
            if !model.restrictions.contains(r) {
                model.restrictions.push(r.clone());
            }
        }
    }
    let conflicts: Vec<LicenceConflict> = report
        .conflicts
        .iter()
        .map(|c| LicenceConflict {
            path: report.evidence[c.a].statement.path.clone(),
            message: c.message.clone(),
        })
        .collect();
    model.conflicts = conflicts.iter().map(|c| c.message.clone()).collect();
    let verdict = match model.for_model() {
        _ if !speaks => Verdict::Missing,
        None => Verdict::Unresolved,
        Some((_, Acknowledgement::Declared)) => Verdict::Declared,
        Some((_, Acknowledgement::Concluded)) => Verdict::Concluded,
    };
    Consolidation {
        model,
        verdict,
        conflicts,
        files,
        datasets,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(path: &str, source: SourceKind, value: &str) -> Statement {
        Statement {
            path: path.to_string(),
            sha256: "ab".repeat(32),
            source,
            value: value.to_string(),
        }
    }

    fn displays(e: &[LicenseEntry]) -> Vec<&str> {
        e.iter().map(|e| e.display.as_str()).collect()
    }

    const APACHE_TEXT: &str =
        "Apache License\nVersion 2.0, January 2004\nhttp://www.apache.org/licenses/";

    #[test]
    fn nothing_is_missing() {
        let c = consolidate(Vec::new());
        assert_eq!(c.verdict, Verdict::Missing);
        assert!(c.model.for_model().is_none());
        assert!(!c.model.agreed());
        assert!(c.model.evidence.is_empty());
    }

    #[test]
    fn dataset_and_code_statements_do_not_speak_for_the_model() {
        let c = consolidate(vec![
            st("croissant.json", SourceKind::CroissantLicense, "CC-BY-4.0"),
            st("data/README.md", SourceKind::DatasetCard, "mit"),
            st("train.py", SourceKind::SpdxHeader, "Apache-2.0"),
        ]);
        assert_eq!(c.verdict, Verdict::Missing);
        assert!(c.model.for_model().is_none());
        let ds: Vec<(&str, Vec<&str>)> = c
            .datasets
            .iter()
            .map(|(p, e)| (p.as_str(), displays(e)))
            .collect();
        assert_eq!(
            ds,
            [
                ("croissant.json", vec!["CC-BY-4.0"]),
                ("data/README.md", vec!["MIT"])
            ]
        );
        assert_eq!(c.files.len(), 1);
        assert_eq!(c.files[0].0, "train.py");
        assert_eq!(displays(&c.files[0].1), ["Apache-2.0"]);
        assert_eq!(c.model.evidence.len(), 3);
    }

    #[test]
    fn agreeing_card_and_licence_file_conclude() {
        let c = consolidate(vec![
            st("README.md", SourceKind::CardLicense, "apache-2.0"),
            st("LICENSE", SourceKind::LicenseFile, APACHE_TEXT),
        ]);
        assert_eq!(c.verdict, Verdict::Concluded);
        let (shown, ack) = c.model.for_model().unwrap();
        assert_eq!(displays(shown), ["Apache-2.0"]);
        assert_eq!(ack, Acknowledgement::Concluded);
        assert_eq!(
            c.model.concluded[0].choice,
            serde_json::json!({"license": {"id": "Apache-2.0", "acknowledgement": "concluded"}})
        );
        assert_eq!(displays(&c.model.declared), ["Apache-2.0"], "deduplicated");
        assert!(c.conflicts.is_empty());
        assert_eq!(c.files[0].0, "LICENSE");
        assert!(
            c.model.evidence[0].starts_with(
                "README.md (sha256 abababababab) card-license: apache-2.0 -> Apache-2.0 [hub-id 1.00]"
            ),
            "{}",
            c.model.evidence[0]
        );
    }

    #[test]
    fn conflict_shows_every_declared_licence() {
        let c = consolidate(vec![
            st("README.md", SourceKind::CardLicense, "apache-2.0"),
            st("model.safetensors", SourceKind::SafetensorsMetadata, "MIT"),
        ]);
        assert_eq!(c.verdict, Verdict::Declared);
        let (shown, ack) = c.model.for_model().unwrap();
        assert_eq!(displays(shown), ["Apache-2.0", "MIT"]);
        assert_eq!(ack, Acknowledgement::Declared);
        assert_eq!(c.conflicts.len(), 1);
        assert_eq!(c.conflicts[0].path, "README.md");
        assert_eq!(c.model.conflicts, [c.conflicts[0].message.clone()]);
    }

    #[test]
    fn nested_licence_file_is_no_model_licence() {
        let c = consolidate(vec![st(
            "sub/LICENSE",
            SourceKind::LicenseFile,
            APACHE_TEXT,
        )]);
        assert_eq!(c.verdict, Verdict::Unresolved);
        assert!(c.model.declared.is_empty());
        assert_eq!(c.files[0].0, "sub/LICENSE", "still the file's own licence");
    }

    #[test]
    fn notice_mention_is_declared_but_not_concluded() {
        let c = consolidate(vec![st(
            "NOTICE",
            SourceKind::NoticeFile,
            "This product includes software licensed under the Apache License, Version 2.0.",
        )]);
        assert!(!c.model.agreed());
        assert_eq!(c.verdict, Verdict::Declared);
        assert_eq!(displays(&c.model.declared), ["Apache-2.0"]);
    }

    #[test]
    fn card_outside_the_root_concludes_without_declaring() {
        // A voice package's data/MODEL_CARD: its licence is a voice for agreement but not in
        // `declared` (kept as the BOM had it); the model still has its concluded licence.
        let c = consolidate(vec![st("data/MODEL_CARD", SourceKind::CardLicense, "mit")]);
        assert!(c.model.declared.is_empty());
        assert_eq!(displays(&c.model.concluded), ["MIT"]);
        assert_eq!(c.verdict, Verdict::Concluded);
    }

    #[test]
    fn use_policy_restrictions_join_the_restricted_licence() {
        let c = consolidate(vec![
            st("README.md", SourceKind::CardLicense, "llama3.1"),
            st(
                "USE_POLICY.md",
                SourceKind::UsePolicyFile,
                "You agree not to use the model for military warfare.",
            ),
        ]);
        assert!(c.model.use_restricted);
        assert!(!c.model.restrictions.is_empty());
        assert_eq!(c.verdict, Verdict::Concluded);
        // A use policy alone speaks about the model but gives it no licence.
        let c = consolidate(vec![st(
            "USE_POLICY.md",
            SourceKind::UsePolicyFile,
            "You agree not to use the model for military warfare.",
        )]);
        assert_eq!(c.verdict, Verdict::Unresolved);
    }

    #[test]
    fn first_resolving_statement_of_a_file_wins() {
        let c = consolidate(vec![
            st("x.py", SourceKind::SpdxHeader, "MIT"),
            st("x.py", SourceKind::SpdxHeader, "Apache-2.0"),
        ]);
        assert_eq!(c.files.len(), 1);
        assert_eq!(displays(&c.files[0].1), ["MIT"]);
    }
}
