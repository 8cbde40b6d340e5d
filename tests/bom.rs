//! BOM tests: reference integrity, determinism, timestamps and the ML sections, on BOMs built from
//! hand-made facts and from the CLI. Every BOM built here is also written to `$AIBOM_BOM_DUMP` (when
//! set) so the interop suite validates it against the official CycloneDX schemas.

use std::collections::BTreeMap;
use std::path::Path;

use aibom::bom::{self, BomOptions, SpecVersion};
use aibom::completeness;
use aibom::facts::{
    BaseModel, CardFacts, DatasetFact, Finding, Library, LicenseEntry, Metric, ModelFacts,
    ModelLicenses, Severity,
};
use aibom::pipeline::{self, Scan, ScanOptions};
use serde_json::{json, Value};

mod common;
use common::dump;

mod util;
use util::{aibom, run};

/// The scan façade over `dir`.
fn scan(dir: &Path) -> Scan {
    pipeline::scan(dir, &ScanOptions::default(), &aibom::hash::NoProgress).unwrap()
}

fn model_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("model.safetensors"),
        b"\x02\x00\x00\x00\x00\x00\x00\x00{}",
    )
    .unwrap();
    std::fs::write(d.path().join("config.json"), b"{}").unwrap();
    std::fs::create_dir(d.path().join("data")).unwrap();
    std::fs::write(d.path().join("data/train.jsonl"), b"{\"x\": 1}\n").unwrap();
    d
}

fn apache() -> LicenseEntry {
    LicenseEntry {
        choice: json!({"license": {"id": "Apache-2.0"}}),
        display: "Apache-2.0".into(),
    }
}

/// Facts with every section filled, as the analysis would produce for a well-documented model.
fn rich_facts(name: &str) -> ModelFacts {
    ModelFacts {
        name: name.into(),
        repo_id: Some("acme/tiny".into()),
        revision: Some("0123456789abcdef0123456789abcdef01234567".into()),
        description: Some("A tiny model.".into()),
        task: Some("text-generation".into()),
        library_name: Some("transformers".into()),
        architecture_family: Some("llama".into()),
        architecture: Some("LlamaForCausalLM".into()),
        languages: vec!["en".into()],
        tags: vec!["tiny".into(), "test".into()],
        parameters: Some(52),
        dtypes: BTreeMap::from([("F32".into(), 52)]),
        weight_formats: vec!["safetensors".into()],
        context_length: Some(2048),
        chat_template: true,
        base_models: vec![BaseModel {
            id: "acme/base".into(),
            relation: Some("finetune".into()),
            revision: None,
            sources: vec!["README.md".into(), "config.json".into()],
        }],
        datasets: vec![
            DatasetFact {
                name: "acme/corpus".into(),
                hub_id: Some("acme/corpus".into()),
                licenses: vec![LicenseEntry {
                    choice: json!({"license": {"id": "CC-BY-4.0"}}),
                    display: "CC-BY-4.0".into(),
                }],
                creators: vec!["Acme Labs".into()],
                files: vec!["data/train.jsonl".into()],
                sensitive: vec!["none declared".into()],
                url: Some("https://example.org/corpus".into()),
                sources: vec!["croissant.json".into()],
                ..Default::default()
            },
            // Same slug as the first: refs must still be unique.
            DatasetFact {
                name: "ACME/corpus".into(),
                sources: vec!["README.md".into()],
                ..Default::default()
            },
        ],
        libraries: vec![Library {
            name: "torch".into(),
            version: Some("2.3.0".into()),
            purl: "pkg:pypi/torch@2.3.0".into(),
            sources: vec!["requirements.txt".into()],
        }],
        licenses: ModelLicenses {
            concluded: vec![apache()],
            declared: vec![apache()],
            evidence: vec!["README.md card license: apache-2.0 -> Apache-2.0".into()],
            ..Default::default()
        },
        card: CardFacts {
            present: true,
            intended_uses: Some("Research.".into()),
            limitations: Some("Tiny.".into()),
            out_of_scope_uses: Some("Production.".into()),
            bias_risks: Some("Unknown biases.".into()),
            recommendations: Some("Evaluate first.".into()),
            training_data: Some("A corpus.".into()),
            training_procedure: Some("One epoch.".into()),
            evaluation: Some("Perplexity.".into()),
            metrics: vec![Metric {
                metric_type: "accuracy".into(),
                value: "0.5".into(),
                slice: Some("text-generation on acme/corpus".into()),
            }],
            co2_grams: Some(12.5),
            co2_details: BTreeMap::from([("source".into(), "estimate".into())]),
            placeholders: vec![],
            papers: vec![],
            code_links: vec![],
        },
        findings: vec![Finding {
            code: "license-conflict",
            severity: Severity::Medium,
            path: Some("config.json".into()),
            message: "example".into(),
            offset: Some(12),
            member: Some("archive/data.pkl".into()),
            evidence: "posix.system via REDUCE".into(),
            sha256: String::new(),
        }],
        ..Default::default()
    }
}

/// A BOM of the files in `dir` (the scan façade's inventory) with hand-made facts.
fn build(dir: &Path, facts: &ModelFacts, spec: SpecVersion, ts: Option<&str>) -> Value {
    let inv = scan(dir).inventory;
    let c = completeness::assess(facts);
    bom::build(
        &inv,
        facts,
        &c,
        &BomOptions {
            spec,
            timestamp: ts.map(str::to_string),
        },
    )
}

#[test]
fn rich_bom_has_unique_resolvable_refs_in_every_spec_version() {
    let d = model_dir();
    for spec in [SpecVersion::V1_5, SpecVersion::V1_6, SpecVersion::V1_7] {
        let v = build(
            d.path(),
            &rich_facts("tiny"),
            spec,
            Some("2024-05-01T12:00:00Z"),
        );
        dump(&format!("rich-{}", spec.as_str()), &v);
        assert_eq!(
            bom::check_refs(&v),
            Vec::<String>::new(),
            "{}",
            spec.as_str()
        );
        assert_eq!(v["specVersion"], spec.as_str());
        let model = &v["metadata"]["component"];
        assert_eq!(model["type"], "machine-learning-model");
        assert_eq!(
            model["purl"],
            "pkg:huggingface/acme/tiny@0123456789abcdef0123456789abcdef01234567"
        );
        let datasets = model["modelCard"]["modelParameters"]["datasets"]
            .as_array()
            .unwrap();
        assert_eq!(datasets.len(), 2);
        assert_ne!(datasets[0]["ref"], datasets[1]["ref"]);
        // The dataset component links to its local file, which is a hashed file component.
        let deps = v["dependencies"].as_array().unwrap();
        let ds = deps
            .iter()
            .find(|x| x["ref"] == datasets[0]["ref"])
            .unwrap();
        assert_eq!(ds["dependsOn"], json!(["file:data/train.jsonl"]));
        // Findings are vulnerabilities affecting the file they concern.
        assert_eq!(v["vulnerabilities"][0]["id"], "license-conflict");
        assert_eq!(
            v["vulnerabilities"][0]["affects"][0]["ref"],
            "file:config.json"
        );
        let env = &model["modelCard"]["considerations"]["environmentalConsiderations"];
        assert_eq!(
            env.is_null(),
            spec == SpecVersion::V1_5,
            "CO2 goes to properties in 1.5"
        );
        assert_eq!(
            model["licenses"][0]["license"]["acknowledgement"].is_null(),
            spec == SpecVersion::V1_5
        );
    }
}

#[test]
fn every_file_is_a_component_with_its_sha256() {
    let d = model_dir();
    let v = build(d.path(), &rich_facts("tiny"), SpecVersion::V1_6, None);
    let files: Vec<(&str, &str)> = v["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "file")
        .map(|c| {
            (
                c["name"].as_str().unwrap(),
                c["hashes"][0]["content"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(files.len(), 3);
    for (name, sha) in files {
        let data = std::fs::read(d.path().join(name)).unwrap();
        use sha2::Digest;
        assert_eq!(sha, hex::encode(sha2::Sha256::digest(&data)), "{name}");
    }
}

#[test]
fn bom_without_timestamp_is_reproducible_and_serial_follows_content() {
    let d = model_dir();
    let a = build(d.path(), &rich_facts("tiny"), SpecVersion::V1_6, None);
    let b = build(d.path(), &rich_facts("tiny"), SpecVersion::V1_6, None);
    assert_eq!(bom::render(&a), bom::render(&b));
    assert!(a["metadata"]["timestamp"].is_null());
    let c = build(d.path(), &rich_facts("other-name"), SpecVersion::V1_6, None);
    assert_ne!(a["serialNumber"], c["serialNumber"]);
}

#[test]
fn missing_facts_are_absent_not_invented() {
    let d = model_dir();
    let facts = ModelFacts {
        name: "bare".into(),
        ..Default::default()
    };
    let v = build(d.path(), &facts, SpecVersion::V1_6, None);
    dump("bare-1.6", &v);
    let model = &v["metadata"]["component"];
    for absent in ["purl", "licenses", "version", "description", "pedigree"] {
        assert!(
            model[absent].is_null(),
            "{absent} should be absent: {}",
            model[absent]
        );
    }
    assert!(model["modelCard"]["modelParameters"].is_null());
    assert!(model["modelCard"]["considerations"].is_null());
    let props = model["properties"].as_array().unwrap();
    assert!(props
        .iter()
        .any(|p| p["name"] == "aibom:completeness" && p["value"] == "0/100"));
}

#[test]
fn cli_scan_honours_source_date_epoch_and_is_byte_identical() {
    let d = model_dir();
    let scan_with = |epoch: Option<&str>| {
        let mut c = aibom();
        c.arg("scan").arg(d.path()).arg("-q");
        match epoch {
            Some(e) => c.env("SOURCE_DATE_EPOCH", e),
            None => c.env_remove("SOURCE_DATE_EPOCH"),
        };
        let o = run(&mut c);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        o.stdout
    };
    let a = scan_with(Some("1700000000"));
    assert_eq!(a, scan_with(Some("1700000000")));
    let v: Value = serde_json::from_slice(&a).unwrap();
    dump("cli-epoch-1.6", &v);
    assert_eq!(v["metadata"]["timestamp"], "2023-11-14T22:13:20Z");
    assert_eq!(v["specVersion"], "1.6");
    assert_eq!(bom::check_refs(&v), Vec::<String>::new());
    let none: Value = serde_json::from_slice(&scan_with(None)).unwrap();
    assert!(none["metadata"]["timestamp"].is_null());
}

#[test]
fn cli_rejects_bad_timestamp_and_unknown_spec_version() {
    let d = model_dir();
    let o = run(aibom()
        .arg("scan")
        .arg(d.path())
        .args(["--timestamp", "yesterday"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("yesterday"));
    let o = run(aibom()
        .arg("scan")
        .arg(d.path())
        .args(["-o", "cyclonedx-json@1.2"]));
    assert_eq!(o.status.code(), Some(2));
    let o = run(aibom()
        .arg("scan")
        .arg(d.path())
        .env("SOURCE_DATE_EPOCH", "soon"));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("SOURCE_DATE_EPOCH"));
}

#[test]
fn analysis_of_the_example_model_builds_a_valid_graph() {
    let s = scan(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/tiny-model"));
    for spec in [SpecVersion::V1_5, SpecVersion::V1_6, SpecVersion::V1_7] {
        let v = s.bom(spec, None);
        dump(&format!("tiny-model-{}", spec.as_str()), &v);
        assert_eq!(bom::check_refs(&v), Vec::<String>::new());
    }
}
