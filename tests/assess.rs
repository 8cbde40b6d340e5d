//! `aibom assess` end to end on model directories written in the test, one per outcome: a fully open
//! research release (MOF Class I), open weights under a Llama-style licence, weights with no data
//! information, a template-only card; the MOF YAML it writes classified again with `--mof`; the EU AI Act
//! declarations and the training-content summary; unusable inputs.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod util;
use util::{code, err, out, run};

fn safetensors() -> Vec<u8> {
    util::files::safetensors_f32(2)
}

use util::models::{research_release, RESEARCH_CARD};

fn aibom(dir: &Path) -> Command {
    let mut c = util::aibom();
    c.current_dir(dir);
    c
}

fn assess(dir: &Path, args: &[&str]) -> Output {
    let mut c = aibom(dir);
    c.arg("assess").args(args);
    run(&mut c)
}

fn assess_json(dir: &Path, args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.extend(["-o", "json"]);
    let o = assess(dir, &a);
    assert_eq!(code(&o), 0, "{}", err(&o));
    serde_json::from_str(&out(&o)).unwrap()
}

fn progress(v: &Value) -> Vec<f64> {
    v["mof"]["classification"]["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["progress"].as_f64().unwrap())
        .collect()
}

fn osaid_status<'a>(v: &'a Value, id: &str) -> &'a str {
    v["osaid"]["elements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id)
        .unwrap()["status"]
        .as_str()
        .unwrap()
}

#[test]
fn a_fully_open_research_release_is_mof_class_i_and_its_yaml_classifies_the_same() {
    let t = tempfile::tempdir().unwrap();
    research_release(&t.path().join("m"));
    let v = assess_json(t.path(), &["m"]);
    let c = &v["mof"]["classification"];
    assert_eq!(c["label"], "Class I - Open Science Model", "{c:#}");
    assert_eq!(progress(&v), [100.0, 100.0, 100.0]);
    assert_eq!(
        v["osaid"]["verdict"], "needs-human-review",
        "{}",
        v["osaid"]["summary"]
    );
    assert_eq!(osaid_status(&v, "code.training"), "satisfied-by-evidence");
    // The MOF YAML it writes is classified identically by --mof.
    let o = assess(t.path(), &["m", "-o", "mof-yaml=m.mof.yaml"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    let again = assess_json(t.path(), &["--mof", "m.mof.yaml"]);
    assert_eq!(again["mof"]["classification"], v["mof"]["classification"]);
    assert_eq!(again["osaid"], Value::Null);
    // Identical input, identical bytes.
    let a = out(&assess(t.path(), &["m", "-o", "json"]));
    let b = out(&assess(t.path(), &["m", "-o", "json"]));
    assert_eq!(a, b);
}

#[test]
fn a_referenced_paper_never_inherits_the_model_licence() {
    let t = tempfile::tempdir().unwrap();
    research_release(&t.path().join("m"));
    fs::remove_file(t.path().join("m/paper.pdf")).unwrap();
    fs::remove_file(t.path().join("m/technical_report.pdf")).unwrap();
    let card = RESEARCH_CARD.replace(
        "# Open Tiny\n",
        "# Open Tiny\n\nPaper: https://arxiv.org/abs/2403.13784\n",
    );
    fs::write(t.path().join("m/README.md"), card).unwrap();
    let v = assess_json(t.path(), &["m"]);
    let paper = v["mof"]["classification"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == 21)
        .unwrap()
        .clone();
    assert_eq!(paper["status"], "unlicensed", "{paper:#}");
    assert_eq!(paper["component_path"], "https://arxiv.org/abs/2403.13784");
    assert_eq!(v["mof"]["classification"]["label"], "Unclassified");
}

#[test]
fn open_weights_under_a_llama_style_licence_are_not_open_anywhere() {
    let t = tempfile::tempdir().unwrap();
    let w = safetensors();
    util::write(
        &t.path().join("m"),
        "README.md",
        b"---\nlicense: llama3.1\n---\n# L\n\n## Intended uses\n\nChat.\n",
    );
    util::write(&t.path().join("m"), "model.safetensors", &w);
    util::write(
        &t.path().join("m"),
        "config.json",
        br#"{"model_type": "llama"}"#,
    );
    let v = assess_json(
        t.path(),
        &[
            "m",
            "--declare",
            "systemic-risk=no",
            "--declare",
            "monetised=no",
        ],
    );
    let c = &v["mof"]["classification"];
    assert_eq!(c["label"], "Unclassified");
    let weights = c["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == 10)
        .unwrap();
    assert_eq!(weights["status"], "invalid");
    assert_eq!(weights["license"], "LicenseRef-aibom-llama3.1");
    assert_eq!(v["osaid"]["verdict"], "not-open-source-ai");
    assert_eq!(osaid_status(&v, "freedom.use"), "not-satisfied");
    assert_eq!(v["eu_ai_act"]["exemption"], "not-eligible");
    // A human report names the verdicts.
    let h = out(&assess(t.path(), &["m"]));
    assert!(
        h.contains("Unclassified") && h.contains("not Open Source AI"),
        "{h}"
    );
}

#[test]
fn weights_without_data_information_and_a_template_card() {
    let t = tempfile::tempdir().unwrap();
    let w = safetensors();
    let m = t.path().join("m");
    util::write(&m, "README.md", b"---\nlicense: apache-2.0\n---\n# Model Card for Model ID\n\n## Uses\n\n### Direct Use\n\n[More Information Needed]\n\n## Training Details\n\n### Training Data\n\n[More Information Needed]\n");
    util::write(&m, "model.safetensors", &w);
    let v = assess_json(t.path(), &["m"]);
    assert_eq!(v["mof"]["classification"]["label"], "Unclassified");
    let p = progress(&v);
    assert!(
        p[0] > 0.0 && p[0] < 100.0 && p[1] == 0.0 && p[2] == 0.0,
        "{p:?}"
    );
    assert_eq!(
        osaid_status(&v, "data-information.description"),
        "not-satisfied"
    );
    assert_eq!(osaid_status(&v, "parameters"), "satisfied-by-evidence");
    let card = v["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == 13)
        .unwrap();
    assert!(
        card["notes"][0].as_str().unwrap().contains("template only"),
        "{card:#}"
    );
    assert_eq!(
        v["eu_ai_act"]["exemption_conditions"][3]["state"],
        "missing"
    );
}

#[test]
fn the_training_summary_and_declarations() {
    let t = tempfile::tempdir().unwrap();
    research_release(&t.path().join("m"));
    let o = assess(
        t.path(),
        &[
            "m",
            "-o",
            "eu-training-summary=summary.md",
            "-o",
            "json=a.json",
            "--declare",
            "release=2026-01-15 on the Hub",
        ],
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    let md = fs::read_to_string(t.path().join("summary.md")).unwrap();
    assert!(
        md.contains("## 2. List of data sources") && md.contains("**GAP:**"),
        "{md}"
    );
    assert!(md.contains("**Acme corpus**"), "{md}");
    let v: Value =
        serde_json::from_str(&fs::read_to_string(t.path().join("a.json")).unwrap()).unwrap();
    let c = v["eu_ai_act"]["annex_xi"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "annex-xi.1.c")
        .unwrap();
    assert_eq!(c["state"], "declared");
    assert_eq!(c["evidence"], "2026-01-15 on the Hub");
    for bad in [
        &["m", "--declare", "systemic-risk=maybe"][..],
        &["m", "--declare", "colour=blue"],
        &["m", "--declare", "nothing"],
    ] {
        let o = assess(t.path(), bad);
        assert_eq!(code(&o), 2, "{bad:?}");
        assert!(err(&o).contains("declaration"), "{}", err(&o));
    }
}

#[test]
fn unusable_mof_yaml_is_named_with_exit_2() {
    let t = tempfile::tempdir().unwrap();
    fs::write(t.path().join("bad.yml"), "framework: [\n").unwrap();
    let o = assess(t.path(), &["--mof", "bad.yml"]);
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("bad.yml"), "{}", err(&o));
    fs::write(t.path().join("ok.yml"), "framework:\n  name: Model Openness Framework\n  version: '1.0'\n  date: '2024-12-15'\nrelease:\n  name: x\n  producer: ''\n  license: {}\n  components: []\n").unwrap();
    let o = assess(t.path(), &["--mof", "ok.yml", "-o", "eu-training-summary"]);
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("needs the model's files"), "{}", err(&o));
    let v = assess_json(t.path(), &["--mof", "ok.yml"]);
    assert_eq!(v["mof"]["classification"]["label"], "Unclassified");
}
