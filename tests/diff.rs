//! `aibom diff` on release pairs written in the test, one per kind of change (files, weights, licence,
//! lineage, datasets, findings, completeness), BOMs against directories, the `--fail-on` gate and its exit
//! codes, the outputs, and the committed JSON Schema of the report.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod util;
use util::{code, err, out, run};

const CARD: &str = "---\nlicense: apache-2.0\npipeline_tag: text-classification\n---\n# Tidy\n\nA tidy test model.\n\n## Intended uses\n\nTests.\n\n## Limitations\n\nTiny.\n";

fn safetensors(n: usize) -> Vec<u8> {
    util::files::safetensors_f32(n)
}

/// Releases `v1/` and `v2/` in a temp dir, v2 a copy of v1 until a test changes it.
fn pair() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    for v in ["v1", "v2"] {
        let d = t.path().join(v);
        util::write(&d, "README.md", CARD.as_bytes());
        util::write(&d, "config.json", b"{\"model_type\": \"bert\"}\n");
        util::write(&d, "model.safetensors", &safetensors(2));
    }
    t
}

fn aibom(dir: &Path) -> Command {
    let mut c = util::aibom();
    c.current_dir(dir);
    c
}

fn diff(dir: &Path, args: &[&str]) -> Output {
    let mut c = aibom(dir);
    c.arg("diff").args(args);
    run(&mut c)
}

fn diff_json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let mut a = args.to_vec();
    a.extend(["-o", "json"]);
    let o = diff(dir, &a);
    let v = serde_json::from_str(&out(&o)).unwrap_or_else(|e| panic!("{e}: {}", err(&o)));
    (code(&o), v)
}

fn changed(v: &Value) -> Vec<&str> {
    v["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect()
}

#[test]
fn identical_releases_have_no_change_even_under_the_strictest_gate() {
    let t = pair();
    let o = diff(t.path(), &["v1", "v2", "--fail-on", "all"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(out(&o).contains("No change."), "{}", out(&o));
}

#[test]
fn files_added_removed_and_modified() {
    let t = pair();
    fs::write(
        t.path().join("v2/config.json"),
        "{\"model_type\": \"gpt2\"}\n",
    )
    .unwrap();
    fs::write(t.path().join("v2/extra.txt"), "new").unwrap();
    fs::remove_file(t.path().join("v2/README.md")).unwrap();
    let (c, v) = diff_json(t.path(), &["v1", "v2"]);
    assert_eq!(c, 0, "comparing is not failing");
    assert!(changed(&v).contains(&"files"));
    assert_eq!(v["files_added"][0]["path"], "extra.txt");
    assert_eq!(v["files_removed"][0]["path"], "README.md");
    assert_eq!(v["files_modified"][0]["path"], "config.json");
    let o = diff(t.path(), &["v1", "v2", "--fail-on", "files"]);
    assert_eq!(code(&o), 1);
    assert!(err(&o).contains("changed: files"), "{}", err(&o));
    let o = diff(t.path(), &["v1", "v2", "--fail-on", "lineage,datasets"]);
    assert_eq!(code(&o), 0);
}

#[test]
fn weights_whose_parameters_changed() {
    let t = pair();
    fs::write(t.path().join("v2/model.safetensors"), safetensors(3)).unwrap();
    let (_, v) = diff_json(t.path(), &["v1", "v2", "--fail-on", "weights"]);
    let facts: Vec<(String, Value, Value)> = v["weights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                format!("{}@{}", w["fact"].as_str().unwrap(), w["path"]),
                w["old"].clone(),
                w["new"].clone(),
            )
        })
        .collect();
    assert!(
        facts.contains(&(
            "parameters@null".into(),
            serde_json::json!(["2"]),
            serde_json::json!(["3"])
        )),
        "{facts:?}"
    );
    assert!(
        facts.contains(&(
            "parameters@\"model.safetensors\"".into(),
            serde_json::json!(["2"]),
            serde_json::json!(["3"])
        )),
        "{facts:?}"
    );
    assert_eq!(
        code(&diff(t.path(), &["v1", "v2", "--fail-on", "weights"])),
        1
    );
}

#[test]
fn licence_lineage_and_datasets() {
    let t = pair();
    fs::write(
        t.path().join("v2/README.md"),
        CARD.replace(
            "license: apache-2.0\n",
            "license: mit\nbase_model: acme/base\ndatasets:\n- acme/corpus\n",
        ),
    )
    .unwrap();
    let (_, v) = diff_json(t.path(), &["v1", "v2"]);
    assert_eq!(
        changed(&v),
        ["files", "licence", "lineage", "datasets"],
        "{v:#}"
    );
    assert_eq!(
        v["licence"]["old"],
        serde_json::json!(["Apache-2.0 (concluded)"])
    );
    assert_eq!(v["licence"]["new"], serde_json::json!(["MIT (concluded)"]));
    assert!(v["licence"]["new_evidence"][0]
        .as_str()
        .unwrap()
        .contains("README.md"));
    assert_eq!(v["lineage"]["added"][0], "acme/base");
    assert_eq!(v["datasets"]["added"][0], "acme/corpus");
    assert_eq!(
        code(&diff(t.path(), &["v1", "v2", "--fail-on", "license"])),
        1
    );
}

#[test]
fn new_findings_gate_and_resolved_ones_do_not() {
    let t = pair();
    let evil = b"cposix\nsystem\np0\n(S'id'\np1\ntp2\nRp3\n.";
    fs::write(t.path().join("v2/model.pkl"), evil).unwrap();
    let (_, v) = diff_json(t.path(), &["v1", "v2"]);
    assert!(changed(&v).contains(&"findings"));
    assert_eq!(v["findings_new"][0]["code"], "pickle-dangerous-import");
    assert_eq!(v["findings_new"][0]["path"], "model.pkl");
    assert_eq!(
        code(&diff(t.path(), &["v1", "v2", "--fail-on", "findings"])),
        1
    );
    // The other way round the finding is resolved: no new finding, no findings change.
    let (_, v) = diff_json(t.path(), &["v2", "v1"]);
    assert!(!changed(&v).contains(&"findings"));
    assert_eq!(v["findings_resolved"][0]["code"], "pickle-dangerous-import");
    assert_eq!(
        code(&diff(t.path(), &["v2", "v1", "--fail-on", "findings"])),
        0
    );
}

#[test]
fn lower_completeness_gates_and_higher_does_not() {
    let t = pair();
    fs::write(
        t.path().join("v2/README.md"),
        "---\nlicense: apache-2.0\n---\n# Tidy\n",
    )
    .unwrap();
    let (_, v) = diff_json(t.path(), &["v1", "v2"]);
    assert!(changed(&v).contains(&"completeness"), "{v:#}");
    assert!(v["completeness_new"].as_u64() < v["completeness_old"].as_u64());
    let (_, v) = diff_json(t.path(), &["v2", "v1"]);
    assert!(!changed(&v).contains(&"completeness"));
}

#[test]
fn a_bom_compares_like_the_directory_it_describes_and_markdown_renders_it() {
    let t = pair();
    let o = run(aibom(t.path()).args(["scan", "v1", "-o", "cyclonedx-json=v1.cdx.json"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    fs::write(
        t.path().join("v2/config.json"),
        "{\"model_type\": \"gpt2\"}\n",
    )
    .unwrap();
    let (_, from_dirs) = diff_json(t.path(), &["v1", "v2"]);
    let (_, from_bom) = diff_json(t.path(), &["v1.cdx.json", "v2"]);
    for k in [
        "changed",
        "files_added",
        "files_removed",
        "files_modified",
        "weights",
        "licence",
    ] {
        assert_eq!(from_dirs[k], from_bom[k], "{k}");
    }
    let md = out(&diff(t.path(), &["v1.cdx.json", "v2", "-o", "markdown"]));
    assert!(md.starts_with("## aibom diff: Tidy → Tidy"), "{md}");
    assert!(
        md.contains("### Files") && md.contains("modified `config.json`"),
        "{md}"
    );
}

#[test]
fn unusable_input_exits_2() {
    let t = pair();
    let o = diff(t.path(), &["v1", "v2", "--fail-on", "colour"]);
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("--fail-on colour"), "{}", err(&o));
    let o = diff(t.path(), &["v1", "missing"]);
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("missing"), "{}", err(&o));
}

#[test]
fn the_report_schema_is_committed_and_real_reports_validate() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/diff-report.schema.json");
    let generated = aibom::diff::json_schema();
    if std::env::var_os("AIBOM_UPDATE_SCHEMAS").is_some() {
        fs::write(&path, &generated).unwrap();
    }
    assert_eq!(
        fs::read_to_string(&path).unwrap_or_default(),
        generated,
        "schemas/diff-report.schema.json is out of date; run AIBOM_UPDATE_SCHEMAS=1 cargo test --test diff"
    );
    let schema: Value = serde_json::from_str(&generated).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let t = pair();
    fs::write(
        t.path().join("v2/model.pkl"),
        b"cposix\nsystem\n(S'id'\ntR.",
    )
    .unwrap();
    fs::write(
        t.path().join("v2/README.md"),
        CARD.replace("apache-2.0", "mit"),
    )
    .unwrap();
    let (_, v) = diff_json(t.path(), &["v1", "v2"]);
    let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn markdown_keeps_model_text_literal() {
    let t = pair();
    fs::write(t.path().join("v2/<img src=x onerror=alert(1)>|a.bin"), "x").unwrap();
    fs::write(
        t.path().join("v2/README.md"),
        CARD.replace("# Tidy", "# *Bold* [link](https://evil.example) <b>x</b>"),
    )
    .unwrap();
    let md = out(&diff(t.path(), &["v1", "v2", "-o", "markdown"]));
    assert!(md.contains("`<img src=x onerror=alert(1)>|a.bin`"), "{md}");
    assert!(
        !md.contains("](https://evil.example)") || md.contains("\\["),
        "{md}"
    );
    assert!(md.contains("\\*Bold\\*") && md.contains("\\<b\\>"), "{md}");
}
