use super::*;

fn st(path: &str, source: SourceKind, value: &str) -> Statement {
    Statement {
        path: path.to_string(),
        sha256: "0".repeat(64),
        source,
        value: value.to_string(),
    }
}

fn canonical(id: &str) -> String {
    spdx::license_id(id).expect("crate id").text().to_string()
}

/// Every Hub id of the reference list → expected expression (None = NOASSERTION).
const HUB_TABLE: &[(&str, Option<&str>)] = &[
    ("apache-2.0", Some("Apache-2.0")),
    ("mit", Some("MIT")),
    ("openrail", None),
    (
        "bigscience-openrail-m",
        Some("LicenseRef-aibom-bigscience-openrail-m"),
    ),
    (
        "creativeml-openrail-m",
        Some("LicenseRef-aibom-creativeml-openrail-m"),
    ),
    (
        "bigscience-bloom-rail-1.0",
        Some("LicenseRef-aibom-bigscience-bloom-rail-1.0"),
    ),
    (
        "bigcode-openrail-m",
        Some("LicenseRef-aibom-bigcode-openrail-m"),
    ),
    ("afl-3.0", Some("AFL-3.0")),
    ("artistic-2.0", Some("Artistic-2.0")),
    ("bsl-1.0", Some("BSL-1.0")),
    ("bsd", None),
    ("bsd-2-clause", Some("BSD-2-Clause")),
    ("bsd-3-clause", Some("BSD-3-Clause")),
    ("bsd-3-clause-clear", Some("BSD-3-Clause-Clear")),
    ("c-uda", Some("C-UDA-1.0")),
    ("cc", None),
    ("cc0-1.0", Some("CC0-1.0")),
    ("cc-by-2.0", Some("CC-BY-2.0")),
    ("cc-by-2.5", Some("CC-BY-2.5")),
    ("cc-by-3.0", Some("CC-BY-3.0")),
    ("cc-by-4.0", Some("CC-BY-4.0")),
    ("cc-by-sa-3.0", Some("CC-BY-SA-3.0")),
    ("cc-by-sa-4.0", Some("CC-BY-SA-4.0")),
    ("cc-by-nc-2.0", Some("CC-BY-NC-2.0")),
    ("cc-by-nc-3.0", Some("CC-BY-NC-3.0")),
    ("cc-by-nc-4.0", Some("CC-BY-NC-4.0")),
    ("cc-by-nd-4.0", Some("CC-BY-ND-4.0")),
    ("cc-by-nc-nd-3.0", Some("CC-BY-NC-ND-3.0")),
    ("cc-by-nc-nd-4.0", Some("CC-BY-NC-ND-4.0")),
    ("cc-by-nc-sa-2.0", Some("CC-BY-NC-SA-2.0")),
    ("cc-by-nc-sa-3.0", Some("CC-BY-NC-SA-3.0")),
    ("cc-by-nc-sa-4.0", Some("CC-BY-NC-SA-4.0")),
    ("cdla-sharing-1.0", Some("CDLA-Sharing-1.0")),
    ("cdla-permissive-1.0", Some("CDLA-Permissive-1.0")),
    ("cdla-permissive-2.0", Some("CDLA-Permissive-2.0")),
    ("wtfpl", Some("WTFPL")),
    ("ecl-2.0", Some("ECL-2.0")),
    ("epl-1.0", Some("EPL-1.0")),
    ("epl-2.0", Some("EPL-2.0")),
    ("etalab-2.0", Some("etalab-2.0")),
    ("eupl-1.1", Some("EUPL-1.1")),
    ("eupl-1.2", Some("EUPL-1.2")),
    ("agpl-3.0", Some("AGPL-3.0-only")),
    ("gfdl", None),
    ("gpl", None),
    ("gpl-2.0", Some("GPL-2.0-only")),
    ("gpl-3.0", Some("GPL-3.0-only")),
    ("lgpl", None),
    ("lgpl-2.1", Some("LGPL-2.1-only")),
    ("lgpl-3.0", Some("LGPL-3.0-only")),
    ("isc", Some("ISC")),
    ("h-research", Some("LicenseRef-aibom-h-research")),
    ("intel-research", Some("LicenseRef-aibom-intel-research")),
    ("lppl-1.3c", Some("LPPL-1.3c")),
    ("ms-pl", Some("MS-PL")),
    ("apple-ascl", Some("LicenseRef-aibom-apple-ascl")),
    ("apple-amlr", Some("LicenseRef-aibom-apple-amlr")),
    ("mpl-2.0", Some("MPL-2.0")),
    ("odc-by", Some("ODC-By-1.0")),
    ("odbl", Some("ODbL-1.0")),
    ("openmdw-1.0", Some("OpenMDW-1.0")),
    ("openmdw-1.1", Some("LicenseRef-aibom-openmdw-1.1")),
    ("openrail++", Some("LicenseRef-aibom-openrail-plus-plus")),
    ("osl-3.0", Some("OSL-3.0")),
    ("postgresql", Some("PostgreSQL")),
    ("ofl-1.1", Some("OFL-1.1")),
    ("ncsa", Some("NCSA")),
    ("unlicense", Some("Unlicense")),
    ("zlib", Some("Zlib")),
    ("pddl", Some("PDDL-1.0")),
    ("lgpl-lr", Some("LGPLLR")),
    (
        "deepfloyd-if-license",
        Some("LicenseRef-aibom-deepfloyd-if"),
    ),
    (
        "fair-noncommercial-research-license",
        Some("LicenseRef-aibom-fair-noncommercial-research"),
    ),
    ("llama2", Some("LicenseRef-aibom-llama2")),
    ("llama3", Some("LicenseRef-aibom-llama3")),
    ("llama3.1", Some("LicenseRef-aibom-llama3.1")),
    ("llama3.2", Some("LicenseRef-aibom-llama3.2")),
    ("llama3.3", Some("LicenseRef-aibom-llama3.3")),
    ("llama4", Some("LicenseRef-aibom-llama4")),
    ("grok2-community", Some("LicenseRef-aibom-grok2-community")),
    ("gemma", Some("LicenseRef-aibom-gemma")),
    ("unknown", None),
    ("other", None),
];

#[test]
fn every_hub_id_resolves_as_expected() {
    assert_eq!(HUB_TABLE.len(), 83, "the reference list has 83 ids");
    for (id, want) in HUB_TABLE {
        let r = resolve_hub_id(id);
        assert_eq!(r.expression.as_deref(), *want, "hub id {id}");
        assert_eq!(r.method, "hub-id", "{id}");
        match want {
            Some(_) => {
                assert_eq!(r.confidence, 1.0, "{id}");
                assert_eq!(r.licenses.len(), 1, "{id}");
                // Every expression is valid SPDX syntax (LicenseRefs included).
                let e = r.expression.as_deref().unwrap_or_default();
                assert!(spdx::Expression::parse(e).is_ok(), "{id} → {e}");
            }
            None => assert!(!r.notes.is_empty(), "{id} needs a note"),
        }
        // Upper case must resolve the same.
        let upper = resolve_hub_id(&id.to_ascii_uppercase());
        assert_eq!(upper.expression, r.expression, "upper-case {id}");
    }
}

#[test]
fn imprecise_helper_trap() {
    assert_eq!(
        resolve_hub_id("bsd-3-clause").expression.as_deref(),
        Some("BSD-3-Clause")
    );
    assert_eq!(
        resolve_hub_id("BSD-3-Clause").expression.as_deref(),
        Some("BSD-3-Clause")
    );
    assert_eq!(
        resolve_hub_id("apache-2.0").expression.as_deref(),
        Some("Apache-2.0")
    );
    assert_eq!(resolve_hub_id("MIT").expression.as_deref(), Some("MIT"));
    let apache = &resolve_hub_id("apache-2.0").licenses[0];
    assert!(apache.spdx && apache.osi_approved && !apache.use_restricted);
}

#[test]
fn bare_gnu_ids_are_ambiguous() {
    let r = resolve_hub_id("gpl-3.0");
    assert_eq!(r.expression.as_deref(), Some("GPL-3.0-only"));
    assert!(
        r.notes.iter().any(|n| n.contains("ambiguous")),
        "{:?}",
        r.notes
    );
    let r = resolve_expression("GPL-2.0+");
    assert_eq!(r.expression.as_deref(), Some("GPL-2.0-or-later"));
    let r = resolve_expression("LGPL-2.1");
    assert_eq!(r.expression.as_deref(), Some("LGPL-2.1-only"));
    assert!(r.notes.iter().any(|n| n.contains("ambiguous")));
}

#[test]
fn families_and_special_ids() {
    let r = resolve_hub_id("openrail");
    assert_eq!(r.expression, None);
    assert_eq!(r.licenses.len(), 1);
    assert!(r.licenses[0].use_restricted);
    for fam in ["bsd", "cc", "gpl", "lgpl", "gfdl"] {
        let r = resolve_hub_id(fam);
        assert!(r.expression.is_none() && r.licenses.is_empty(), "{fam}");
        assert!(r.notes[0].contains("family"), "{fam}");
    }
    let other = resolve_hub_id("other");
    assert!(other.notes[0].contains("license_name"));
}

#[test]
fn use_restriction_flags() {
    for id in [
        "llama2",
        "llama3.1",
        "llama4",
        "gemma",
        "creativeml-openrail-m",
    ] {
        let l = &resolve_hub_id(id).licenses[0];
        assert!(l.use_restricted && !l.spdx && !l.osi_approved, "{id}");
        assert!(l.url.is_some(), "{id}");
    }
    let l = &resolve_hub_id("llama3.2").licenses[0];
    assert!(l.restrictions.iter().any(|r| r == "700M MAU cap"));
    assert!(l.restrictions.iter().any(|r| r.contains("EU domicile")));
    assert_eq!(l.family.as_deref(), Some("llama"));
    let nc = &resolve_hub_id("cc-by-nc-4.0").licenses[0];
    assert!(nc.use_restricted && nc.restrictions == ["non-commercial"]);
    let nd = &resolve_hub_id("cc-by-nd-4.0").licenses[0];
    assert!(nd.use_restricted && nd.restrictions == ["no derivatives"]);
    for open in [
        "cc-by-4.0",
        "cc-by-sa-4.0",
        "cc0-1.0",
        "cdla-permissive-2.0",
        "odc-by",
        "odbl",
        "pddl",
        "openmdw-1.0",
        "openmdw-1.1",
        "apple-ascl",
    ] {
        assert!(!resolve_hub_id(open).licenses[0].use_restricted, "{open}");
    }
}

#[test]
fn expressions() {
    let r = resolve_expression("Apache-2.0 OR MIT");
    assert_eq!(r.expression.as_deref(), Some("Apache-2.0 OR MIT"));
    assert_eq!(r.licenses.len(), 2);
    assert_eq!(r.confidence, 1.0);
    let r = resolve_expression("LicenseRef-foo");
    assert_eq!(r.expression.as_deref(), Some("LicenseRef-foo"));
    assert_eq!(r.licenses[0].id, "LicenseRef-foo");
    assert!(!r.licenses[0].spdx);
    let r = resolve_expression("apache-2.0 and (mit or bsd-3-clause)");
    assert_eq!(
        r.expression.as_deref(),
        Some("Apache-2.0 AND (MIT OR BSD-3-Clause)")
    );
    let r = resolve_expression("Apache-2.0 WITH llvm-exception");
    assert_eq!(
        r.expression.as_deref(),
        Some("Apache-2.0 WITH LLVM-exception")
    );
    let r = resolve_expression("llama3.1");
    assert_eq!(r.expression.as_deref(), Some("LicenseRef-aibom-llama3.1"));
    assert!(r.licenses[0].use_restricted);
    for bad in [
        "MIT AND",
        "(MIT",
        "NOPE-1.0",
        "LicenseRef-",
        "MIT WITH nothing",
        "",
    ] {
        let r = resolve_expression(bad);
        assert!(r.expression.is_none(), "{bad:?}");
        assert!(!r.notes.is_empty(), "{bad:?}");
    }
    assert!(resolve_expression("NOASSERTION").expression.is_none());
    assert_eq!(
        normalise_expression("MIT OR Apache-2.0"),
        normalise_expression("Apache-2.0 OR MIT")
    );
    assert_ne!(
        normalise_expression("MIT OR Apache-2.0"),
        normalise_expression("MIT AND Apache-2.0")
    );
}

#[test]
fn canonical_texts_match() {
    for id in ["MIT", "Apache-2.0", "BSD-3-Clause", "CC-BY-4.0"] {
        let r = resolve_text(&canonical(id));
        assert_eq!(r.expression.as_deref(), Some(id));
        assert_eq!(r.method, "text-match");
        assert!(r.confidence >= 0.9, "{id}: {}", r.confidence);
    }
    // A prose text is not a licence.
    let r = resolve_text("This directory holds model weights. See the paper for details.");
    assert!(r.expression.is_none());
}

#[test]
fn spdx_identifier_license_file() {
    let r = resolve_text(
        "SPDX-License-Identifier: Apache-2.0\n\nThe full text is at https://www.apache.org/licenses/LICENSE-2.0\n",
    );
    assert_eq!(r.expression.as_deref(), Some("Apache-2.0"));
    assert_eq!(r.method, "spdx-header");
    let h = resolve(&st(
        "src/x.py",
        SourceKind::SpdxHeader,
        "# SPDX-License-Identifier: MIT",
    ));
    assert_eq!(h.expression.as_deref(), Some("MIT"));
    assert_eq!(h.method, "spdx-header");
}

#[test]
fn model_licences_by_title_and_clauses() {
    // Short texts of our own containing only the distinctive titles and clauses.
    let cases: &[(&str, &str)] = &[
        (
            "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\nLicensees with more than 700 million monthly active users must ask for a licence. Use must follow the Acceptable Use Policy.",
            "LicenseRef-aibom-llama3.1",
        ),
        ("Meta Llama 3 Community License Agreement — summary for tests", "LicenseRef-aibom-llama3"),
        ("LLAMA 2 COMMUNITY LICENSE AGREEMENT (test stub)", "LicenseRef-aibom-llama2"),
        ("Llama 4 Community License Agreement (test stub)", "LicenseRef-aibom-llama4"),
        (
            "**Gemma Terms of Use**\nGoogle reserves the right to restrict (remotely or otherwise) usage.",
            "LicenseRef-aibom-gemma",
        ),
        ("Tongyi Qianwen LICENSE AGREEMENT (stub)", "LicenseRef-aibom-qwen"),
        ("Qwen RESEARCH LICENSE AGREEMENT (stub)", "LicenseRef-aibom-qwen-research"),
        (
            "DEEPSEEK LICENSE AGREEMENT\nYou agree not to use the model as described in Attachment A.",
            "LicenseRef-aibom-deepseek",
        ),
        ("# Mistral AI Research License\nstub", "LicenseRef-aibom-mistral-research"),
        ("CreativeML Open RAIL-M license (stub)", "LicenseRef-aibom-creativeml-openrail-m"),
        ("BigCode Open RAIL-M v1 License Agreement (stub)", "LicenseRef-aibom-bigcode-openrail-m"),
        ("FAIR Noncommercial Research License (stub)", "LicenseRef-aibom-fair-noncommercial-research"),
    ];
    for (text, want) in cases {
        let r = resolve_text(text);
        assert_eq!(r.expression.as_deref(), Some(*want), "{text}");
        assert_eq!(r.method, "title-match");
        assert!(r.licenses[0].use_restricted, "{want}");
    }
    let r = resolve_text(cases[0].0);
    let l = &r.licenses[0];
    assert!(l.restrictions.iter().any(|x| x == "700M MAU cap"));
    assert!(l.restrictions.iter().any(|x| x == "acceptable use policy"));
    let g = resolve_text(cases[4].0);
    assert!(g.licenses[0]
        .restrictions
        .iter()
        .any(|x| x.contains("remotely or otherwise")));
    // The heading decides when the body mentions another licence.
    let r = resolve_text(
        "Llama 3.3 Community License Agreement\nThis release builds on models under the Llama 3.1 Community License.",
    );
    assert_eq!(r.expression.as_deref(), Some("LicenseRef-aibom-llama3.3"));
    // A bare RAIL text without a known variant: family placeholder only.
    let r = resolve_text("This is a Responsible AI License with use-based restrictions.");
    assert!(r.expression.is_none());
    assert_eq!(r.licenses[0].id, "LicenseRef-aibom-openrail");
}

#[test]
fn use_policy_is_not_a_licence() {
    let s = st(
        "USE_POLICY.md",
        SourceKind::UsePolicyFile,
        "Llama 3.2 Acceptable Use Policy\nThe multimodal models are not licensed to individuals domiciled in the European Union.",
    );
    let r = resolve(&s);
    assert!(r.expression.is_none() && r.licenses.is_empty());
    assert!(
        r.notes.iter().any(|n| n.contains("EU domicile")),
        "{:?}",
        r.notes
    );
    assert!(
        r.notes.iter().any(|n| n.contains("Llama 3.2")),
        "{:?}",
        r.notes
    );
}

#[test]
fn names_and_urls() {
    let r = resolve_name_or_url(Some("llama3.1"), None);
    assert_eq!(r.expression.as_deref(), Some("LicenseRef-aibom-llama3.1"));
    let r = resolve_name_or_url(Some("Llama 3.3 Community License Agreement"), None);
    assert_eq!(r.expression.as_deref(), Some("LicenseRef-aibom-llama3.3"));
    let r = resolve_name_or_url(Some("deepseek"), Some("LICENSE"));
    assert_eq!(r.expression.as_deref(), Some("LicenseRef-aibom-deepseek"));
    let r = resolve_name_or_url(None, Some("https://ai.google.dev/gemma/terms"));
    assert_eq!(r.expression.as_deref(), Some("LicenseRef-aibom-gemma"));
    assert_eq!(r.method, "url-match");
    let r = resolve_name_or_url(
        None,
        Some("https://creativecommons.org/licenses/by-nc/4.0/"),
    );
    assert_eq!(r.expression.as_deref(), Some("CC-BY-NC-4.0"));
    let r = resolve_name_or_url(None, Some("https://www.apache.org/licenses/LICENSE-2.0"));
    assert_eq!(r.expression.as_deref(), Some("Apache-2.0"));
    let r = resolve_name_or_url(None, Some("https://spdx.org/licenses/MIT.html"));
    assert_eq!(r.expression.as_deref(), Some("MIT"));
    let r = resolve_name_or_url(
        None,
        Some("https://github.com/meta-llama/llama-models/blob/main/models/llama3_2/LICENSE"),
    );
    assert_eq!(r.expression.as_deref(), Some("LicenseRef-aibom-llama3.2"));
    let r = resolve_name_or_url(None, Some("https://www.gnu.org/licenses/gpl-3.0.en.html"));
    assert_eq!(r.expression.as_deref(), Some("GPL-3.0-only"));
    assert!(r.notes.iter().any(|n| n.contains("ambiguous")));
    let r = resolve_name_or_url(
        None,
        Some("https://www.gnu.org/licenses/old-licenses/lgpl-2.1.html"),
    );
    assert_eq!(r.expression.as_deref(), Some("LGPL-2.1-only"));
    let r = resolve_name_or_url(Some("Apache License 2.0"), None);
    assert_eq!(r.expression.as_deref(), Some("Apache-2.0"));
    let r = resolve_name_or_url(Some("Apache-2.0 OR MIT"), None);
    assert_eq!(r.expression.as_deref(), Some("Apache-2.0 OR MIT"));
    assert!(resolve_expression("MIT OR NOASSERTION")
        .expression
        .is_none());
    let r = resolve_name_or_url(Some("my custom terms"), None);
    assert!(r.expression.is_none());
    let r = resolve_name_or_url(Some("mit"), Some("https://ai.google.dev/gemma/terms"));
    assert_eq!(r.expression.as_deref(), Some("MIT"));
    assert!(r.notes.iter().any(|n| n.contains("link resolves to")));
}

#[test]
fn conflict_card_vs_gguf() {
    let rep = analyze(vec![
        st("README.md", SourceKind::CardLicense, "apache-2.0"),
        st("model.gguf", SourceKind::GgufMetadata, "MIT"),
    ]);
    assert_eq!(rep.conflicts.len(), 1);
    let c = &rep.conflicts[0];
    assert_eq!((c.a, c.b), (0, 1));
    assert!(
        c.message.contains("README.md") && c.message.contains("model.gguf"),
        "{}",
        c.message
    );
    assert!(rep.concluded.is_none());
    assert_eq!(rep.licenses.len(), 2);
    assert!(!rep.use_restricted);
}

#[test]
fn card_other_with_name_and_llama_text() {
    let rep = analyze(vec![
        st("README.md", SourceKind::CardLicense, "other"),
        st("README.md", SourceKind::CardLicenseName, "llama3.1"),
        st("README.md", SourceKind::CardLicenseLink, "LICENSE"),
        st(
            "LICENSE",
            SourceKind::LicenseFile,
            "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\n(test stub) more than 700 million monthly active users",
        ),
    ]);
    assert!(rep.conflicts.is_empty(), "{:?}", rep.conflicts);
    assert_eq!(rep.concluded.as_deref(), Some("LicenseRef-aibom-llama3.1"));
    assert_eq!(rep.licenses.len(), 1);
    assert!(rep.licenses[0].use_restricted);
    assert!(rep.use_restricted);
    assert_eq!(
        rep.evidence[0].resolution.expression.as_deref(),
        Some("LicenseRef-aibom-llama3.1")
    );
}

#[test]
fn dataset_and_code_evidence_stay_out() {
    let rep = analyze(vec![
        st("README.md", SourceKind::CardLicense, "apache-2.0"),
        st(
            "croissant.json",
            SourceKind::CroissantLicense,
            "https://creativecommons.org/licenses/by/4.0/",
        ),
        st("data/README.md", SourceKind::DatasetCard, "cc-by-4.0"),
        st("src/train.py", SourceKind::SpdxHeader, "MIT"),
        st(
            "vendor/LICENSE",
            SourceKind::LicenseFile,
            &canonical("BSD-3-Clause"),
        ),
    ]);
    assert!(rep.conflicts.is_empty());
    assert_eq!(rep.concluded.as_deref(), Some("Apache-2.0"));
    assert_eq!(rep.licenses.len(), 1);
    assert_eq!(
        rep.evidence[1].resolution.expression.as_deref(),
        Some("CC-BY-4.0")
    );
    assert!(rep.notes.iter().any(|n| n.contains("croissant.json")));
}

#[test]
fn none_vs_some_is_a_note() {
    let rep = analyze(vec![
        st("README.md", SourceKind::CardLicense, "mit"),
        st(
            "LICENSE",
            SourceKind::LicenseFile,
            "All rights reserved by the authors.",
        ),
    ]);
    assert!(rep.conflicts.is_empty());
    assert_eq!(rep.concluded.as_deref(), Some("MIT"));
    assert!(rep
        .notes
        .iter()
        .any(|n| n.contains("LICENSE") && n.contains("no recognisable")));
}

#[test]
fn notice_mention_is_not_a_conflict() {
    let rep = analyze(vec![
        st("README.md", SourceKind::CardLicense, "apache-2.0"),
        st(
            "NOTICE",
            SourceKind::NoticeFile,
            "This product includes a tokenizer by Example Corp, released under the MIT License.",
        ),
    ]);
    assert!(rep.conflicts.is_empty(), "{:?}", rep.conflicts);
    assert_eq!(rep.concluded.as_deref(), Some("Apache-2.0"));
    assert!(
        rep.notes.iter().any(|n| n.contains("NOTICE")),
        "{:?}",
        rep.notes
    );
}

#[test]
fn family_card_decided_by_text() {
    let rep = analyze(vec![
        st("README.md", SourceKind::CardLicense, "bsd"),
        st(
            "LICENSE",
            SourceKind::LicenseFile,
            &canonical("BSD-3-Clause"),
        ),
    ]);
    assert!(rep.conflicts.is_empty());
    assert_eq!(rep.concluded.as_deref(), Some("BSD-3-Clause"));
    let rep = analyze(vec![
        st("README.md", SourceKind::CardLicense, "gpl"),
        st("LICENSE", SourceKind::LicenseFile, &canonical("MIT")),
    ]);
    assert_eq!(rep.conflicts.len(), 1);
    assert!(rep.concluded.is_none());
}

#[test]
fn use_policy_marks_report() {
    let rep = analyze(vec![
        st("README.md", SourceKind::CardLicense, "llama3.2"),
        st(
            "USE_POLICY.md",
            SourceKind::UsePolicyFile,
            "Acceptable use policy stub: not for entities domiciled in the European Union (multimodal).",
        ),
    ]);
    assert!(rep.use_restricted);
    assert_eq!(rep.concluded.as_deref(), Some("LicenseRef-aibom-llama3.2"));
    assert!(rep.notes.iter().any(|n| n.contains("USE_POLICY.md")));
}

#[test]
fn equivalent_expressions_do_not_conflict() {
    let rep = analyze(vec![
        st("README.md", SourceKind::CardLicense, "apache-2.0"),
        st(
            "model.safetensors",
            SourceKind::SafetensorsMetadata,
            "Apache-2.0",
        ),
        st("model.gguf", SourceKind::GgufMetadata, "apache-2.0"),
        st("LICENSE", SourceKind::LicenseFile, &canonical("Apache-2.0")),
    ]);
    assert!(rep.conflicts.is_empty(), "{:?}", rep.conflicts);
    assert_eq!(rep.concluded.as_deref(), Some("Apache-2.0"));
    assert_eq!(rep.licenses.len(), 1);
}

#[test]
fn cyclonedx_choices() {
    use serde_json::json;
    let ack = Acknowledgement::Declared;
    assert_eq!(
        cyclonedx_license_choice(&resolve_hub_id("mit"), ack),
        json!({"license": {"id": "MIT", "acknowledgement": "declared"}})
    );
    assert_eq!(
        cyclonedx_license_choice(&resolve_hub_id("gemma"), Acknowledgement::Concluded),
        json!({"license": {"name": "Gemma Terms of Use", "url": "https://ai.google.dev/gemma/terms", "acknowledgement": "concluded"}})
    );
    assert_eq!(
        cyclonedx_license_choice(&resolve_expression("Apache-2.0 OR MIT"), ack),
        json!({"expression": "Apache-2.0 OR MIT", "acknowledgement": "declared"})
    );
    // OpenMDW-1.0 is newer than CycloneDX 1.6's enum: expression form.
    assert_eq!(
        cyclonedx_license_choice(&resolve_hub_id("openmdw-1.0"), ack),
        json!({"expression": "OpenMDW-1.0", "acknowledgement": "declared"})
    );
    assert_eq!(
        cyclonedx_license_choice(&resolve_expression("LicenseRef-foo"), ack),
        json!({"license": {"name": "LicenseRef-foo", "acknowledgement": "declared"}})
    );
    assert!(cyclonedx_licenses(&resolve_hub_id("unknown"), ack).is_empty());
    // Every allow-listed id is a current SPDX id of the crate.
    for id in cyclonedx::CDX16_IDS {
        let l = spdx::license_id(id).expect(id);
        assert!(!l.is_deprecated(), "{id}");
    }
}

#[test]
fn bounded_inputs() {
    let big = "x ".repeat(400_000);
    let r = resolve_text(&big);
    assert!(r.expression.is_none());
    let r = resolve_expression(&"MIT OR ".repeat(1000));
    assert!(r.expression.is_none());
    let r = resolve_free("\u{00e9}\u{00e9}\u{00e9}");
    assert!(r.expression.is_none());
}

#[test]
fn gnu_texts_are_reported_as_only() {
    let r = resolve_text(&canonical("GPL-3.0-or-later"));
    assert_eq!(r.expression.as_deref(), Some("GPL-3.0-only"));
    assert!(
        r.notes.iter().any(|n| n.contains("ambiguous")),
        "{:?}",
        r.notes
    );
    // So a card `gpl-3.0` and a GPL LICENSE text agree.
    let rep = analyze(vec![
        st("README.md", SourceKind::CardLicense, "gpl-3.0"),
        st(
            "LICENSE",
            SourceKind::LicenseFile,
            &canonical("GPL-3.0-only"),
        ),
    ]);
    assert!(rep.conflicts.is_empty(), "{:?}", rep.conflicts);
    assert_eq!(rep.concluded.as_deref(), Some("GPL-3.0-only"));
}

#[test]
fn short_licence_pointer_texts() {
    let r = resolve_text(
        "This model is licensed under the Apache License, Version 2.0.\nSee the link in the card.",
    );
    assert_eq!(r.expression.as_deref(), Some("Apache-2.0"));
    assert_eq!(r.method, "title-match");
    assert!(r.confidence < 0.9);
}

#[test]
fn notice_naming_a_model_licence_is_a_mention() {
    let rep = analyze(vec![
        st("README.md", SourceKind::CardLicense, "apache-2.0"),
        st(
            "NOTICE.txt",
            SourceKind::NoticeFile,
            "Parts of this work are based on a model released under the Llama 3.1 Community License.",
        ),
    ]);
    assert!(rep.conflicts.is_empty(), "{:?}", rep.conflicts);
    assert_eq!(rep.concluded.as_deref(), Some("Apache-2.0"));
    assert!(rep
        .notes
        .iter()
        .any(|n| n.contains("NOTICE.txt") && n.contains("llama3.1")));
    // A NOTICE that is a full licence text counts, and can conflict.
    let rep = analyze(vec![
        st("README.md", SourceKind::CardLicense, "apache-2.0"),
        st("NOTICE", SourceKind::NoticeFile, &canonical("MIT")),
    ]);
    assert_eq!(rep.conflicts.len(), 1);
}
