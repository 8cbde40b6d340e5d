//! Openness evidence on model directories written in the test: which MOF components a directory holds,
//! found by file names, roles and the model card, with the licence that covers each.

use std::collections::BTreeMap;

use aibom::openness::evidence::{self, id, ComponentEvidence, Found};
use aibom::openness::osaid::{self, Status, Verdict};
use aibom::pipeline;

mod util;

const OPEN_CARD: &str = "---\nlicense: apache-2.0\npipeline_tag: text-generation\ndatasets:\n- acme/corpus\ntags:\n- arxiv:2403.13784\nmodel-index:\n- name: open-tiny\n  results:\n  - task: {type: text-generation}\n    dataset: {name: acme/heldout, type: acme/heldout}\n    metrics:\n    - {type: perplexity, value: 12.5}\n---\n# Open Tiny\n\nA fully open research model.\n\n## Intended uses\n\nResearch on small models.\n\n## Training data\n\nThe acme corpus, 1M tokens of public-domain text.\n\nCode: https://github.com/acme/open-tiny\n";

fn safetensors() -> Vec<u8> {
    util::files::safetensors_f32(2)
}

fn scan_of(files: &[(&str, &[u8])]) -> pipeline::Scan {
    let m = util::temp_model(files);
    pipeline::scan(m.path(), &Default::default(), &aibom::hash::NoProgress).unwrap()
}

fn evidence_of(files: &[(&str, &[u8])]) -> BTreeMap<u8, ComponentEvidence> {
    evidence::collect(&scan_of(files))
        .into_iter()
        .map(|c| (c.id, c))
        .collect()
}

/// The OSAID assessment: verdict and every element's status by id.
fn osaid_of(files: &[(&str, &[u8])]) -> (Verdict, BTreeMap<&'static str, (Status, String)>) {
    let scan = scan_of(files);
    let a = osaid::assess(&evidence::collect(&scan), scan.facts());
    (
        a.verdict,
        a.elements
            .into_iter()
            .map(|e| (e.id, (e.status, e.reason)))
            .collect(),
    )
}

fn open_release() -> Vec<(&'static str, Vec<u8>)> {
    let w = safetensors();
    vec![
        ("README.md", OPEN_CARD.as_bytes().to_vec()),
        ("config.json", br#"{"model_type": "llama", "architectures": ["LlamaForCausalLM"]}"#.to_vec()),
        ("model.safetensors", w.clone()),
        ("checkpoint-100/model.safetensors", w),
        ("modeling_tiny.py", b"# SPDX-License-Identifier: MIT\nimport torch\n".to_vec()),
        ("train.py", b"import torch\n".to_vec()),
        ("inference.py", b"import torch\n".to_vec()),
        ("eval/run_eval.py", b"import torch\n".to_vec()),
        ("preprocess.py", b"import re\n".to_vec()),
        ("requirements.txt", b"torch==2.3.0\n".to_vec()),
        (
            "data/README.md",
            b"---\nlicense: cc-by-4.0\npretty_name: Acme corpus\ntask_categories:\n- text-generation\n---\n# Acme corpus\n".to_vec(),
        ),
        ("data/train.jsonl", b"{\"text\": \"hello\"}\n".to_vec()),
    ]
}

fn refs<'a>(v: &'a [(&'static str, Vec<u8>)]) -> Vec<(&'static str, &'a [u8])> {
    v.iter().map(|(p, d)| (*p, d.as_slice())).collect()
}

#[test]
fn osaid_of_a_fully_open_release_needs_review_only_where_files_cannot_decide() {
    let files = open_release();
    let (verdict, e) = osaid_of(&refs(&files));
    assert_eq!(verdict, Verdict::NeedsHumanReview, "{e:#?}");
    for sat in [
        "code.data-processing",
        "code.training",
        "code.validation-testing",
        "code.inference",
        "code.architecture",
        "parameters",
        "freedom.use",
        "freedom.study",
        "freedom.modify",
        "freedom.share",
    ] {
        assert_eq!(e[sat].0, Status::SatisfiedByEvidence, "{sat}: {}", e[sat].1);
    }
    for review in [
        "data-information.description",
        "data-information.public-data",
        "data-information.third-party-data",
        "code.supporting-libraries",
    ] {
        assert_eq!(
            e[review].0,
            Status::NeedsHumanReview,
            "{review}: {}",
            e[review].1
        );
    }
}

#[test]
fn osaid_of_open_weights_under_a_llama_style_licence_fails_use_for_any_purpose() {
    let w = safetensors();
    let (verdict, e) = osaid_of(&[
        (
            "README.md",
            b"---\nlicense: llama3.1\n---\n# Llama derivative\n\nA fine-tune.\n",
        ),
        ("model.safetensors", &w),
        ("config.json", br#"{"model_type": "llama"}"#),
    ]);
    assert_eq!(verdict, Verdict::NotOpenSourceAi);
    assert_eq!(e["freedom.use"].0, Status::NotSatisfied);
    assert!(
        e["freedom.use"].1.contains("restricts use"),
        "{}",
        e["freedom.use"].1
    );
    assert_eq!(e["parameters"].0, Status::NotSatisfied);
    assert_eq!(e["code.training"].0, Status::NotSatisfied);
}

#[test]
fn osaid_of_weights_without_data_information_or_with_a_template_card() {
    let w = safetensors();
    let (verdict, e) = osaid_of(&[
        ("README.md", b"---\nlicense: apache-2.0\n---\n# Bare\n"),
        ("model.safetensors", &w),
    ]);
    assert_eq!(verdict, Verdict::NotOpenSourceAi);
    assert_eq!(
        e["parameters"].0,
        Status::SatisfiedByEvidence,
        "{}",
        e["parameters"].1
    );
    assert_eq!(e["freedom.share"].0, Status::SatisfiedByEvidence);
    assert_eq!(e["data-information.description"].0, Status::NotSatisfied);
    assert_eq!(e["data-information.public-data"].0, Status::NotSatisfied);
    let template = "---\nlicense: apache-2.0\n---\n# Model Card for Model ID\n\n## Training Details\n\n### Training Data\n\n[More Information Needed]\n";
    let (_, e) = osaid_of(&[
        ("README.md", template.as_bytes()),
        ("model.safetensors", &w),
    ]);
    assert_eq!(
        e["data-information.description"].0,
        Status::NotSatisfied,
        "{}",
        e["data-information.description"].1
    );
}

fn paths(c: &ComponentEvidence) -> Vec<&str> {
    c.files.iter().map(|f| f.path.as_str()).collect()
}

#[test]
fn a_fully_open_research_release_shows_every_part() {
    let w = safetensors();
    let e = evidence_of(&[
        ("README.md", OPEN_CARD.as_bytes()),
        ("config.json", br#"{"model_type": "llama", "architectures": ["LlamaForCausalLM"]}"#),
        ("model.safetensors", &w),
        ("checkpoint-100/model.safetensors", &w),
        ("modeling_tiny.py", b"# SPDX-License-Identifier: MIT\nimport torch\n"),
        ("train.py", b"import torch\n"),
        ("inference.py", b"import torch\n"),
        ("eval/run_eval.py", b"import torch\n"),
        ("preprocess.py", b"import re\n"),
        ("requirements.txt", b"torch==2.3.0\n"),
        (
            "data/README.md",
            b"---\nlicense: cc-by-4.0\npretty_name: Acme corpus\ntask_categories:\n- text-generation\n---\n# Acme corpus\n",
        ),
        ("data/train.jsonl", b"{\"text\": \"hello\"}\n"),
    ]);
    assert_eq!(paths(&e[&id::FINAL_PARAMETERS]), ["model.safetensors"]);
    assert_eq!(
        paths(&e[&id::INTERMEDIATE_PARAMETERS]),
        ["checkpoint-100/model.safetensors"]
    );
    assert_eq!(paths(&e[&id::TRAINING_CODE]), ["train.py"]);
    assert_eq!(
        e[&id::TRAINING_CODE].references,
        ["https://github.com/acme/open-tiny"]
    );
    assert_eq!(paths(&e[&id::INFERENCE_CODE]), ["inference.py"]);
    assert_eq!(paths(&e[&id::EVALUATION_CODE]), ["eval/run_eval.py"]);
    assert_eq!(paths(&e[&id::PREPROCESSING_CODE]), ["preprocess.py"]);
    assert_eq!(paths(&e[&id::ARCHITECTURE]), ["modeling_tiny.py"]);
    // The architecture file's own SPDX header wins over the model licence.
    assert_eq!(e[&id::ARCHITECTURE].licence.as_deref(), Some("MIT"));
    assert_eq!(e[&id::TRAINING_CODE].licence.as_deref(), Some("Apache-2.0"));
    assert_eq!(paths(&e[&id::MODEL_CARD]), ["README.md"]);
    assert_eq!(paths(&e[&id::EVALUATION_RESULTS]), ["README.md"]);
    assert_eq!(e[&id::EVALUATION_DATA].references, ["acme/heldout"]);
    assert_eq!(
        e[&id::RESEARCH_PAPER].references,
        ["https://arxiv.org/abs/2403.13784"]
    );
    assert_eq!(e[&id::RESEARCH_PAPER].found, Found::Referenced);
    assert_eq!(paths(&e[&id::SUPPORTING_LIBRARIES]), ["requirements.txt"]);
    assert!(paths(&e[&id::METADATA]).contains(&"config.json"));
    assert_eq!(e[&id::SAMPLE_OUTPUTS].found, Found::Absent);
    assert_eq!(e[&id::TECHNICAL_REPORT].found, Found::Absent);
    assert_eq!(
        e[&id::FINAL_PARAMETERS].licence.as_deref(),
        Some("Apache-2.0")
    );
    assert_eq!(
        e[&id::FINAL_PARAMETERS].licence_source.as_deref(),
        Some("model licence (README.md)")
    );
    // The local dataset with its card's licence, and the Hub dataset the card names.
    let ds = &e[&id::DATASETS];
    assert_eq!(paths(ds), ["data/train.jsonl"]);
    assert_eq!(ds.references, ["acme/corpus"]);
    assert_eq!(
        ds.licence, None,
        "acme/corpus has no licence in the directory"
    );
    assert_eq!(paths(&e[&id::DATA_CARD]), ["README.md", "data/README.md"]);
}

#[test]
fn weights_alone_show_only_parameters_and_metadata() {
    let w = safetensors();
    let e = evidence_of(&[
        (
            "config.json",
            br#"{"model_type": "llama", "architectures": ["LlamaForCausalLM"]}"#,
        ),
        ("model.safetensors", &w),
    ]);
    assert_eq!(e[&id::FINAL_PARAMETERS].found, Found::InDirectory);
    assert_eq!(e[&id::FINAL_PARAMETERS].licence, None);
    for absent in [
        id::TRAINING_CODE,
        id::DATASETS,
        id::DATA_CARD,
        id::MODEL_CARD,
        id::RESEARCH_PAPER,
    ] {
        assert_eq!(e[&absent].found, Found::Absent, "{absent}");
    }
    // Named by the configuration only: referenced, for a reviewer.
    assert_eq!(e[&id::ARCHITECTURE].found, Found::Referenced);
    assert_eq!(e[&id::ARCHITECTURE].references, ["LlamaForCausalLM"]);
}

#[test]
fn eu_ai_act_exemption_needs_open_terms_public_parts_and_declarations() {
    use aibom::openness::euaia::{self, Declarations, Exemption, State};
    let files = open_release();
    let scan = scan_of(&refs(&files));
    let ev = evidence::collect(&scan);
    let a = euaia::assess(&ev, scan.facts(), &Declarations::default());
    let states: BTreeMap<&str, State> = a
        .exemption_conditions
        .iter()
        .map(|i| (i.id, i.state))
        .collect();
    assert_eq!(states["art53-2.licence"], State::Covered);
    assert_eq!(states["art53-2.weights"], State::Covered);
    assert_eq!(states["art53-2.architecture"], State::Covered);
    assert_eq!(states["art53-2.usage"], State::Covered);
    assert_eq!(states["art53-2.no-systemic-risk"], State::NeedsDeclaration);
    assert_eq!(a.exemption, Exemption::Undecided);
    let declared = Declarations {
        systemic_risk: Some(false),
        monetised: Some(false),
        ..Default::default()
    };
    assert_eq!(
        euaia::assess(&ev, scan.facts(), &declared).exemption,
        Exemption::Eligible
    );
    let risky = Declarations {
        systemic_risk: Some(true),
        monetised: Some(false),
        ..Default::default()
    };
    assert_eq!(
        euaia::assess(&ev, scan.facts(), &risky).exemption,
        Exemption::NotEligible
    );
    // Annex XI: what the files cover and what they do not.
    let xi: BTreeMap<&str, (State, String)> = a
        .annex_xi
        .iter()
        .map(|i| (i.id, (i.state, i.evidence.clone())))
        .collect();
    assert_eq!(xi["annex-xi.1.d"].0, State::Covered);
    assert!(
        xi["annex-xi.1.d"].1.contains("modeling_tiny.py")
            && xi["annex-xi.1.d"].1.contains("2 parameters"),
        "{}",
        xi["annex-xi.1.d"].1
    );
    assert_eq!(
        xi["annex-xi.1.f"],
        (State::Covered, "Apache-2.0".to_string())
    );
    assert_eq!(xi["annex-xi.2.c"].0, State::Covered);
    assert_eq!(xi["annex-xi.2.e"].0, State::Missing);
    assert_eq!(xi["annex-xi.1.c"].0, State::NeedsDeclaration);
    assert_eq!(a.always.len(), 2);
    // A Llama-style licence is not free and open source.
    let w = safetensors();
    let scan = scan_of(&[
        (
            "README.md",
            b"---\nlicense: llama3.1\n---\n# L\n\n## Intended uses\n\nChat.\n",
        ),
        ("model.safetensors", &w),
        ("config.json", br#"{"model_type": "llama"}"#),
    ]);
    let a = euaia::assess(&evidence::collect(&scan), scan.facts(), &declared);
    assert_eq!(a.exemption, Exemption::NotEligible);
    assert_eq!(a.exemption_conditions[0].state, State::NotMet);
}

#[test]
fn training_summary_prefills_from_evidence_and_marks_every_gap() {
    use aibom::openness::training_summary::{self, GAP};
    let files = open_release();
    let scan = scan_of(&refs(&files));
    let md = training_summary::draft(&scan.inventory.files, scan.facts());
    let readme = scan
        .inventory
        .files
        .iter()
        .find(|f| f.path == "README.md")
        .unwrap();
    assert!(md.contains("**acme/corpus**"), "{md}");
    assert!(
        md.contains(&format!("`README.md` (sha256 {})", readme.sha256)),
        "{md}"
    );
    assert!(md.contains("licence CC-BY-4.0"), "{md}");
    for section in [
        "### 1.1 Provider",
        "### 2.2 Private",
        "### 2.3 Data crawled",
        "### 2.4 User data",
        "### 2.5 Synthetic data",
        "### 3.1 Respect of reservations",
        "### 3.2 Removal of illegal content",
    ] {
        let after = md
            .split(section)
            .nth(1)
            .unwrap_or_else(|| panic!("{section}"));
        let body = after.split("\n### ").next().unwrap();
        assert!(body.contains(GAP), "{section} has no gap: {body}");
    }
    // Identical input, identical draft.
    assert_eq!(
        md,
        training_summary::draft(&scan.inventory.files, scan.facts())
    );
}
