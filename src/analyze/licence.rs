//! Licence evidence collection: licence, notice, terms and use-policy files (saved HTML pages reduced to
//! their visible text) and `SPDX-License-Identifier` headers in code become licence [`Statement`]s beside
//! the ones other readers found (card fields, weight metadata, dataset manifests). Once every file is
//! read, [`resolve`] hands them all to [`license::consolidate`] — the one model-level licence rule — and
//! records its outcome: the model's licences, per-file and per-dataset licences, and the licence findings.

use crate::deps;
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
        b.finding("license-conflict", Some(&conflict.path), conflict.message);
    }
    match c.verdict {
        Verdict::Missing => b.finding("license-missing",
            None,
            "no licence statement for the model found in the directory",
        ),
        Verdict::Unresolved => b.finding("license-unresolved",
            None,
            "licence statements were found but none could be resolved to an SPDX id or known model licence",
        ),
        Verdict::Declared | Verdict::Concluded => {}
    }
    b.facts.licenses = c.model;
}

#[cfg(test)]
mod tests {
    use crate::analyze::testutil::model;
    use crate::finding::Severity;

    const LICENSE: &[u8] = b"SPDX-License-Identifier: Apache-2.0\n\nDistributed under the Apache License, Version 2.0.\n";

    fn displays(e: &[crate::facts::LicenseEntry]) -> Vec<&str> {
        e.iter().map(|e| e.display.as_str()).collect()
    }

    /// The source kind of each evidence line, by path.
    fn sources(m: &crate::analyze::testutil::TestModel) -> Vec<(String, String)> {
        m.a.facts
            .licenses
            .evidence
            .iter()
            .map(|e| {
                let (path, rest) = e.split_once(" (sha256 ").unwrap();
                let kind = rest.split_once(") ").unwrap().1.split(':').next().unwrap();
                (path.to_string(), kind.to_string())
            })
            .collect()
    }

    #[test]
    fn licence_file_is_the_model_licence_and_its_own() {
        let m = model(&[("LICENSE", LICENSE)]);
        let l = &m.a.facts.licenses;
        assert_eq!(displays(&l.concluded), ["Apache-2.0"]);
        assert_eq!(displays(&l.declared), ["Apache-2.0"]);
        assert_eq!(
            displays(&m.a.facts.files["LICENSE"].licenses),
            ["Apache-2.0"]
        );
        assert_eq!(m.codes(), ["card-missing"]);
    }

    #[test]
    fn file_names_decide_the_kind_of_statement() {
        let m = model(&[
            ("LICENSE.txt", LICENSE),
            ("NOTICE", b"Acme model. Copyright 2025 Acme.\n".as_slice()),
            (
                "USE_POLICY.md",
                b"You agree not to use the model for military warfare.\n".as_slice(),
            ),
            ("ACCEPTABLE_USE_POLICY.md", b"Be nice.\n".as_slice()),
        ]);
        let kinds = sources(&m);
        let kind = |p: &str| {
            kinds
                .iter()
                .find(|(x, _)| x == p)
                .map(|(_, k)| k.as_str())
                .unwrap_or_else(|| panic!("{p}: {kinds:?}"))
        };
        assert_eq!(kind("LICENSE.txt"), "license-file");
        assert_eq!(kind("NOTICE"), "notice-file");
        assert_eq!(kind("USE_POLICY.md"), "use-policy-file");
        assert_eq!(kind("ACCEPTABLE_USE_POLICY.md"), "use-policy-file");
    }

    #[test]
    fn html_terms_are_read_as_their_visible_text() {
        let page = b"<html><head><style>p{}</style><script>var l = 'MIT';</script></head><body>\
            <p>SPDX-License-Identifier: Apache-2.0</p><p>Distributed under the Apache License, Version 2.0.</p>\
            </body></html>";
        let m = model(&[("LICENSE.html", page.as_slice())]);
        let ev = &m.a.facts.licenses.evidence[0];
        assert!(!ev.contains('<') && !ev.contains("MIT"), "{ev}");
        assert_eq!(displays(&m.a.facts.licenses.concluded), ["Apache-2.0"]);
    }

    #[test]
    fn spdx_headers_license_the_code_file_not_the_model() {
        let m = model(&[
            (
                "train.py",
                b"# SPDX-License-Identifier: MIT\nimport os\n".as_slice(),
            ),
            (
                "requirements.txt",
                b"# SPDX-License-Identifier: BSD-3-Clause\ntorch==2.3.0\n",
            ),
        ]);
        assert_eq!(displays(&m.a.facts.files["train.py"].licenses), ["MIT"]);
        assert!(
            !m.a.facts.files.contains_key("requirements.txt"),
            "a manifest is read for dependencies, not headers"
        );
        assert!(m.a.facts.licenses.for_model().is_none());
        assert_eq!(m.codes(), ["card-missing", "license-missing"]);
    }

    #[test]
    fn the_verdict_becomes_the_licence_findings() {
        // Nothing at all.
        let m = model(&[("config.json", b"{}".as_slice())]);
        let f = m.finding("license-missing");
        assert_eq!((f.severity, f.path.as_deref()), (Severity::Low, None));
        // A licence file in a subdirectory speaks, but gives the model no licence.
        let m = model(&[("third_party/LICENSE", LICENSE)]);
        assert_eq!(m.finding("license-unresolved").severity, Severity::Low);
        assert_eq!(
            displays(&m.a.facts.files["third_party/LICENSE"].licenses),
            ["Apache-2.0"]
        );
        // Disagreement: a finding on the first statement's file, and every declared licence shown.
        let st = crate::analyze::testutil::safetensors(
            &[("w", "F32", 1)],
            Some(r#"{"license": "MIT"}"#),
        );
        let m = model(&[
            (
                "README.md",
                b"---\nlicense: apache-2.0\n---\n# m\n".as_slice(),
            ),
            ("model.safetensors", &st),
        ]);
        let f = m.finding("license-conflict");
        assert_eq!(
            (f.severity, f.path.as_deref()),
            (Severity::Medium, Some("README.md"))
        );
        assert_eq!(
            m.a.facts.licenses.conflicts,
            std::slice::from_ref(&f.message)
        );
        assert_eq!(
            displays(m.a.facts.licenses.for_model().unwrap().0),
            ["Apache-2.0", "MIT"]
        );
        assert!(!m.a.completeness.items[0].present);
    }

    #[test]
    fn a_card_outside_the_root_that_concludes_is_no_unresolved_licence() {
        // A voice package: the card is data/MODEL_CARD. Its licence is what the BOM shows and what
        // completeness counts, so no finding says the licence is unresolved.
        let m = model(&[(
            "data/MODEL_CARD",
            b"---\nlicense: mit\n---\n# Model card for v\n".as_slice(),
        )]);
        assert_eq!(displays(&m.a.facts.licenses.concluded), ["MIT"]);
        assert!(m.a.completeness.items[0].present);
        assert_eq!(m.codes(), Vec::<&str>::new());
    }

    #[test]
    fn dataset_licences_go_to_their_dataset() {
        let m = model(&[
            ("README.md", b"---\nlicense: mit\n---\n# m\n".as_slice()),
            (
                "data/README.md",
                b"---\nlicense: cc-by-4.0\npretty_name: Corpus\ntask_categories:\n- text-generation\n---\n# c\n"
                    .as_slice(),
            ),
        ]);
        let ds = &m.a.facts.datasets;
        assert_eq!(ds.len(), 1);
        assert_eq!(displays(&ds[0].licenses), ["CC-BY-4.0"]);
        assert_eq!(
            displays(&m.a.facts.licenses.concluded),
            ["MIT"],
            "not the model's"
        );
    }
}
