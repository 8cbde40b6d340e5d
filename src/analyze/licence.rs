//! Licence evidence collection: licence, notice, terms and use-policy files (saved HTML pages reduced to
//! their visible text) and `SPDX-License-Identifier` headers in code become licence [`Statement`]s beside
//! the ones other readers found (card fields, weight metadata, dataset manifests). Once every file is
//! read, [`resolve`] hands them all to [`license::consolidate`] — the one model-level licence rule — and
//! records its outcome: the model's licences, per-file and per-dataset licences, and the licence findings.

use crate::deps;
use crate::facts::Severity;
use crate::formats;
use crate::license::{self, SourceKind, Verdict};

use super::Builder;

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

/// Once every file is read: the model-level licence rule ([`license::consolidate`]) over every
/// statement the readers collected; its outcome becomes the model's licences, the licences of single
/// files and datasets, and the licence findings.
pub(super) fn resolve(b: &mut Builder) {
    let c = license::consolidate(std::mem::take(&mut b.statements));
    for (path, entries) in c.files {
        let ff = b.facts.files.entry(path).or_default();
        if ff.licenses.is_empty() {
            ff.licenses = entries;
        }
    }
    for (path, entries) in c.datasets {
        if let Some(d) = b
            .facts
            .datasets
            .iter_mut()
            .find(|d| d.sources.contains(&path))
        {
            if d.licenses.is_empty() {
                d.licenses = entries;
            }
        }
    }
    for conflict in c.conflicts {
        b.finding(
            "license-conflict",
            Severity::Medium,
            Some(&conflict.path),
            conflict.message,
        );
    }
    match c.verdict {
        Verdict::Missing => b.finding(
            "license-missing",
            Severity::Low,
            None,
            "no licence statement for the model found in the directory",
        ),
        Verdict::Unresolved => b.finding(
            "license-unresolved",
            Severity::Low,
            None,
            "licence statements were found but none could be resolved to an SPDX id or known model licence",
        ),
        Verdict::Declared | Verdict::Concluded => {}
    }
    b.facts.licenses = c.model;
}
