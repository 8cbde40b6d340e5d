//! Licence evidence collection: licence, notice, terms and use-policy files (saved HTML pages reduced to
//! their visible text) and `SPDX-License-Identifier` headers in code become licence [`Statement`]s beside
//! the ones other readers found (card fields, weight metadata, dataset manifests). Once every file is
//! read, [`resolve`] hands them all to [`license::consolidate`] — the one model-level licence rule — and
//! records its outcome: the model's licences, per-file and per-dataset licences, and the licence findings.

use std::collections::BTreeSet;

use crate::deps;
use crate::facts::{LicenseEntry, ModelLicenses, Severity};
use crate::formats;
use crate::license::{self, Acknowledgement, SourceKind};

use super::{is_root, Builder};

/// Licence texts are read up to this size.
const MAX_LICENSE_TEXT: u64 = license::MAX_TEXT as u64;
/// Code files are read this far for SPDX headers.
const CODE_HEAD: u64 = 4096;

/// HTML licence pages are read this far before their markup is stripped (saved pages carry scripts
/// and styles that the visible text does not).
const MAX_LICENSE_HTML: u64 = 4 * 1024 * 1024;

/// A licence, notice, terms or use-policy file: its text (HTML reduced to visible text) is a statement.
pub(super) fn read_licence_file(b: &mut Builder, path: &str, name: &str) {
    let html_name = matches!(formats::extension(name).as_str(), "html" | "htm");
    let cap = if html_name {
        MAX_LICENSE_HTML
    } else {
        MAX_LICENSE_TEXT
    };
    let Some(mut text) = b.files.text(path, cap) else {
        return;
    };
    if html_name || license::looks_like_html(&text) {
        text = license::html_to_text(&text);
    }
    let words = name.replace(['-', ' ', '.'], "_");
    let source = if name.starts_with("notice") {
        SourceKind::NoticeFile
    } else if words.contains("use_policy") || words.contains("acceptable_use") {
        SourceKind::UsePolicyFile
    } else {
        SourceKind::LicenseFile
    };
    b.statement(path, source, text);
}

/// `SPDX-License-Identifier` lines in the head of a code file.
pub(super) fn read_spdx_headers(b: &mut Builder, path: &str) {
    if let Some(head) = b.files.text(path, CODE_HEAD) {
        for id in deps::spdx_license_headers(&head) {
            b.statement(path, SourceKind::SpdxHeader, id);
        }
    }
}

/// Resolve every licence statement the readers collected and record the outcome.
pub(super) fn resolve(b: &mut Builder) {
    let statements = std::mem::take(&mut b.statements);
    let report = license::analyze(statements);
    let entry = |res: &license::Resolution, ack| -> Vec<LicenseEntry> {
        license::cyclonedx_licenses(res, ack)
            .into_iter()
            .map(|choice| LicenseEntry {
                display: res.expression.clone().unwrap_or_default(),
                choice,
            })
            .collect()
    };
    let mut ml = ModelLicenses {
        use_restricted: report.use_restricted,
        ..Default::default()
    };
    let mut declared_seen = BTreeSet::new();
    for ev in &report.evidence {
        let st = &ev.statement;
        let res = &ev.resolution;
        let shown = res
            .expression
            .clone()
            .unwrap_or_else(|| "no recognisable licence".to_string());
        let value: String = st
            .value
            .chars()
            .take(80)
            .collect::<String>()
            .replace('\n', " ");
        ml.evidence.push(format!(
            "{} (sha256 {}) {}: {}{} -> {} [{} {:.2}]",
            st.path,
            &st.sha256.get(..12).unwrap_or(""),
            serde_json::to_value(st.source)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            value,
            if st.value.chars().count() > 80 {
                "…"
            } else {
                ""
            },
            shown,
            res.method,
            res.confidence
        ));
        let model_level = matches!(
            st.source,
            SourceKind::CardLicense
                | SourceKind::CardLicenseName
                | SourceKind::CardLicenseLink
                | SourceKind::LicenseFile
                | SourceKind::NoticeFile
                | SourceKind::GgufMetadata
                | SourceKind::SafetensorsMetadata
        ) && is_root(&st.path)
            || matches!(
                st.source,
                SourceKind::GgufMetadata | SourceKind::SafetensorsMetadata
            );
        if let Some(expr) = &res.expression {
            let file_entries = entry(res, Acknowledgement::Declared);
            if matches!(
                st.source,
                SourceKind::LicenseFile | SourceKind::NoticeFile | SourceKind::SpdxHeader
            ) {
                let ff = b.facts.files.entry(st.path.clone()).or_default();
                if ff.licenses.is_empty() {
                    ff.licenses = file_entries.clone();
                }
            }
            if model_level && declared_seen.insert(license::normalise_expression(expr)) {
                ml.declared.extend(file_entries);
            }
            if matches!(
                st.source,
                SourceKind::CroissantLicense | SourceKind::DatasetCard
            ) {
                if let Some(d) = b
                    .facts
                    .datasets
                    .iter_mut()
                    .find(|d| d.sources.contains(&st.path))
                {
                    if d.licenses.is_empty() {
                        d.licenses = entry(res, Acknowledgement::Declared);
                    }
                }
            }
        }
    }
    if let Some(concluded) = &report.concluded {
        let norm = license::normalise_expression(concluded);
        let res = report
            .evidence
            .iter()
            .map(|e| &e.resolution)
            .find(|r| {
                r.expression
                    .as_deref()
                    .map(license::normalise_expression)
                    .as_deref()
                    == Some(norm.as_str())
            })
            .cloned()
            .unwrap_or_else(|| license::resolve_expression(concluded));
        ml.concluded = entry(&res, Acknowledgement::Concluded);
    }
    for l in &report.licenses {
        if l.use_restricted {
            for r in &l.restrictions {
                if !ml.restrictions.contains(r) {
                    ml.restrictions.push(r.clone());
                }
            }
        }
    }
    for c in &report.conflicts {
        ml.conflicts.push(c.message.clone());
        let path = report.evidence.get(c.a).map(|e| e.statement.path.clone());
        b.finding(
            "license-conflict",
            Severity::Medium,
            path.as_deref(),
            c.message.clone(),
        );
    }
    let model_level = report
        .evidence
        .iter()
        .filter(|e| {
            !matches!(
                e.statement.source,
                SourceKind::SpdxHeader | SourceKind::CroissantLicense | SourceKind::DatasetCard
            )
        })
        .count();
    if model_level == 0 {
        b.finding(
            "license-missing",
            Severity::Low,
            None,
            "no licence statement for the model found in the directory",
        );
    } else if ml.declared.is_empty() {
        b.finding(
            "license-unresolved",
            Severity::Low,
            None,
            "licence statements were found but none could be resolved to an SPDX id or known model licence",
        );
    }
    b.facts.licenses = ml;
}
