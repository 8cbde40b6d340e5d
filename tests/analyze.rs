//! What the analysis extracts from model directories, asserted exactly: parameter counts, licences,
//! datasets, base models, findings and BOM references, on the generated fixtures and on trees built
//! here. Every BOM is dumped for schema validation (see tests/common).

mod common;

use std::path::{Path, PathBuf};

use aibom::analyze::{analyze, Analysis};
use aibom::bom::{self, BomOptions, SpecVersion};
use aibom::hash::NoProgress;
use aibom::inventory::Inventory;
use aibom::scan::{self, ScanOptions};
use serde_json::Value;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

fn run(path: &Path) -> (Inventory, Analysis) {
    let opts = ScanOptions::default();
    let model = scan::hash_model(path, &opts, &mut |_| {}, &NoProgress).unwrap();
    let inv = scan::inventory(&model, &opts.walk);
    let a = analyze(&model, &inv);
    (inv, a)
}

/// Build the BOM in every version, check references, dump, and return the 1.6 one.
fn bom_of(name: &str, inv: &Inventory, a: &Analysis) -> Value {
    let mut out = Value::Null;
    for spec in [SpecVersion::V1_5, SpecVersion::V1_6, SpecVersion::V1_7] {
        let v = bom::build(
            inv,
            &a.facts,
            &a.completeness,
            &BomOptions {
                spec,
                timestamp: None,
            },
        );
        assert_eq!(
            bom::check_refs(&v),
            Vec::<String>::new(),
            "{name} {}",
            spec.as_str()
        );
        common::dump(&format!("analyze-{name}-{}", spec.as_str()), &v);
        if spec == SpecVersion::V1_6 {
            out = v;
        }
    }
    out
}

fn codes(a: &Analysis) -> Vec<&str> {
    a.facts.findings.iter().map(|f| f.code.as_str()).collect()
}

fn licence_displays(a: &Analysis) -> Vec<&str> {
    a.facts
        .licenses
        .concluded
        .iter()
        .map(|e| e.display.as_str())
        .collect()
}

#[test]
fn full_card_fixture_yields_every_documented_fact() {
    let (inv, a) = run(&fixture("models/full-card"));
    let f = &a.facts;
    assert_eq!(f.name, "orchard-chat-tiny");
    assert_eq!(f.task.as_deref(), Some("text-generation"));
    assert_eq!(f.architecture_family.as_deref(), Some("orchard"));
    assert_eq!(f.architecture.as_deref(), Some("OrchardForCausalLM"));
    assert_eq!(f.parameters, Some(40));
    assert_eq!(licence_displays(&a), ["Apache-2.0"]);
    assert!(
        f.licenses.conflicts.is_empty(),
        "{:?}",
        f.licenses.conflicts
    );
    let bases: Vec<(&str, Option<&str>)> = f
        .base_models
        .iter()
        .map(|b| (b.id.as_str(), b.relation.as_deref()))
        .collect();
    assert_eq!(bases, [("example-org/orchard-base", Some("finetune"))]);
    assert_eq!(
        f.datasets.len(),
        1,
        "card id and Croissant name are one dataset"
    );
    let ds = &f.datasets[0];
    assert_eq!(ds.name, "example-org/orchard-prompts");
    assert_eq!(
        ds.files,
        ["data/train.jsonl"],
        "Croissant sha256 matched the local file"
    );
    let metrics: Vec<(&str, &str)> = f
        .card
        .metrics
        .iter()
        .map(|m| (m.metric_type.as_str(), m.value.as_str()))
        .collect();
    assert_eq!(metrics, [("accuracy", "0.75"), ("perplexity", "12.5")]);
    assert_eq!(f.card.co2_grams, Some(3.2));
    let purls: Vec<&str> = f.libraries.iter().map(|l| l.purl.as_str()).collect();
    assert!(purls.contains(&"pkg:pypi/transformers@4.46.0"), "{purls:?}");
    assert!(f.chat_template);
    assert_eq!(codes(&a), Vec::<&str>::new());
    assert_eq!(a.completeness.missing(), ["source"]);
    let v = bom_of("full-card", &inv, &a);
    let model = &v["metadata"]["component"];
    assert_eq!(model["licenses"][0]["license"]["id"], "Apache-2.0");
    assert_eq!(
        model["pedigree"]["ancestors"][0]["purl"],
        "pkg:huggingface/example-org/orchard-base"
    );
    assert_eq!(
        model["modelCard"]["quantitativeAnalysis"]["performanceMetrics"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn template_card_is_reported_not_counted() {
    let (inv, a) = run(&fixture("models/template-card"));
    assert!(a.facts.card.intended_uses.is_none());
    assert!(a
        .facts
        .card
        .placeholders
        .contains(&"intended_uses".to_string()));
    assert!(codes(&a).contains(&"card-placeholder"));
    assert_eq!(
        a.completeness.score,
        4,
        "only the architecture counts: {:?}",
        a.completeness.missing()
    );
    bom_of("template-card", &inv, &a);
}

#[test]
fn adapter_declares_its_base_model_as_adapter() {
    let (inv, a) = run(&fixture("models/adapter"));
    let b = &a.facts.base_models;
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].id, "example-org/orchard-chat-tiny");
    assert_eq!(b[0].relation.as_deref(), Some("adapter"));
    assert!(b[0].sources.contains(&"adapter_config.json".to_string()));
    bom_of("adapter", &inv, &a);
}

#[test]
fn remote_code_files_named_by_auto_map_are_findings_on_the_files() {
    let (inv, a) = run(&fixture("models/remote-code"));
    let rc: Vec<&str> = a
        .facts
        .findings
        .iter()
        .filter(|f| f.code == "remote-code")
        .filter_map(|f| f.path.as_deref())
        .collect();
    assert_eq!(rc, ["configuration_custom.py", "modeling_custom.py"]);
    let v = bom_of("remote-code", &inv, &a);
    let vulns = v["vulnerabilities"].as_array().unwrap();
    let rc = vulns
        .iter()
        .find(|x| x["affects"][0]["ref"] == "file:modeling_custom.py")
        .unwrap();
    assert_eq!(rc["id"], "remote-code");
    assert_eq!(rc["ratings"][0]["severity"], "medium");
}

#[test]
fn gguf_single_file_model_facts() {
    let (inv, a) = run(&fixture("formats/tiny.gguf"));
    let f = &a.facts;
    assert_eq!(f.parameters, Some(76));
    assert_eq!(f.architecture_family.as_deref(), Some("llama"));
    assert_eq!(f.context_length, Some(2048));
    assert!(f.chat_template);
    assert_eq!(licence_displays(&a), ["Apache-2.0"]);
    assert_eq!(f.base_models.len(), 1);
    assert_eq!(f.datasets.len(), 2);
    let mut q = f.quantization.clone();
    q.sort();
    assert_eq!(q, ["gguf F16", "gguf F32", "gguf Q8_0"]);
    bom_of("tiny-gguf", &inv, &a);
}

#[test]
fn onnx_parameters_and_external_data_traversal() {
    let (_, a) = run(&fixture("formats/tiny.onnx"));
    assert_eq!(a.facts.parameters, Some(20));
    let (inv, a) = run(&fixture("formats/external-data.onnx"));
    assert!(
        codes(&a).contains(&"onnx-external-data-outside"),
        "{:?}",
        codes(&a)
    );
    bom_of("external-data-onnx", &inv, &a);
}

#[test]
fn sharded_safetensors_count_parameters_across_shards() {
    let (inv, a) = run(&fixture("formats/sharded"));
    assert_eq!(a.facts.parameters, Some(10));
    assert!(
        !codes(&a).iter().any(|c| c.starts_with("shard-")),
        "{:?}",
        codes(&a)
    );
    bom_of("sharded", &inv, &a);
}

#[test]
fn missing_shard_is_a_finding() {
    let d = tempfile::tempdir().unwrap();
    for f in [
        "model-00001-of-00002.safetensors",
        "model.safetensors.index.json",
    ] {
        std::fs::copy(fixture("formats/sharded").join(f), d.path().join(f)).unwrap();
    }
    let (_, a) = run(d.path());
    assert!(codes(&a).contains(&"shard-missing"), "{:?}", codes(&a));
}

/// A safetensors file whose `__metadata__` carries a licence.
fn safetensors_with_metadata(meta: &str) -> Vec<u8> {
    let header = format!(
        "{{\"__metadata__\":{meta},\"w\":{{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}}}"
    );
    let mut v = (header.len() as u64).to_le_bytes().to_vec();
    v.extend_from_slice(header.as_bytes());
    v.extend_from_slice(&[0u8; 8]);
    v
}

#[test]
fn licence_conflict_between_card_and_weights_header_is_a_finding_not_a_choice() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("README.md"),
        "---\nlicense: apache-2.0\n---\n# m\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("model.safetensors"),
        safetensors_with_metadata(r#"{"license":"MIT"}"#),
    )
    .unwrap();
    let (inv, a) = run(d.path());
    let l = &a.facts.licenses;
    assert!(
        l.concluded.is_empty(),
        "no silent choice: {:?}",
        l.concluded
    );
    let mut declared: Vec<&str> = l.declared.iter().map(|e| e.display.as_str()).collect();
    declared.sort();
    assert_eq!(declared, ["Apache-2.0", "MIT"]);
    assert_eq!(l.conflicts.len(), 1);
    assert!(codes(&a).contains(&"license-conflict"));
    assert_eq!(a.facts.parameters, Some(2));
    let v = bom_of("licence-conflict", &inv, &a);
    let props = v["metadata"]["component"]["properties"].as_array().unwrap();
    assert!(props.iter().any(|p| p["name"] == "aibom:license-conflict"));
}

#[test]
fn use_restricted_model_licence_is_marked() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("README.md"),
        "---\nlicense: other\nlicense_name: llama3.1\nlicense_link: LICENSE\n---\n# m\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("w.safetensors"),
        safetensors_with_metadata("{}"),
    )
    .unwrap();
    let (inv, a) = run(d.path());
    let l = &a.facts.licenses;
    assert!(l.use_restricted);
    assert_eq!(l.concluded.len(), 1);
    assert!(
        l.concluded[0].display.starts_with("LicenseRef-"),
        "{}",
        l.concluded[0].display
    );
    let v = bom_of("restricted", &inv, &a);
    let lic = &v["metadata"]["component"]["licenses"][0]["license"];
    assert!(lic["name"].as_str().unwrap().contains("Llama 3.1"), "{lic}");
}

#[test]
fn croissant_hash_mismatch_is_a_finding() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("data")).unwrap();
    std::fs::write(d.path().join("data/train.jsonl"), b"changed\n").unwrap();
    let croissant = r#"{"@context": {"@vocab": "https://schema.org/"}, "@type": "Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.0", "name": "corpus", "license": "CC-BY-4.0",
        "distribution": [{"@type": "cr:FileObject", "@id": "train", "name": "train", "contentUrl": "data/train.jsonl",
        "encodingFormat": "application/jsonlines",
        "sha256": "0000000000000000000000000000000000000000000000000000000000000000"}]}"#;
    std::fs::write(d.path().join("croissant.json"), croissant).unwrap();
    let (inv, a) = run(d.path());
    assert!(
        codes(&a).contains(&"dataset-hash-mismatch"),
        "{:?}",
        codes(&a)
    );
    assert_eq!(a.facts.datasets.len(), 1);
    assert_eq!(a.facts.datasets[0].licenses[0].display, "CC-BY-4.0");
    bom_of("croissant-mismatch", &inv, &a);
}

#[test]
fn example_model_facts() {
    let (inv, a) = run(&fixture("tiny-model"));
    assert_eq!(a.facts.parameters, Some(52));
    assert_eq!(a.facts.dtypes.get("F32"), Some(&52));
    assert_eq!(licence_displays(&a), ["Apache-2.0"]);
    assert_eq!(a.facts.architecture.as_deref(), Some("TinyForCausalLM"));
    bom_of("tiny-model", &inv, &a);
}

#[test]
fn malicious_pickle_named_bin_is_a_critical_vulnerability_on_its_file() {
    let d = tempfile::tempdir().unwrap();
    // Protocol 2: posix.system("id") via REDUCE, in a file named like PyTorch weights.
    std::fs::write(
        d.path().join("pytorch_model.bin"),
        b"\x80\x02cposix\nsystem\nX\x02\x00\x00\x00id\x85R.",
    )
    .unwrap();
    std::fs::write(d.path().join("README.md"), "---\nlicense: mit\n---\n# m\n").unwrap();
    let (inv, a) = run(d.path());
    let f = a
        .facts
        .findings
        .iter()
        .find(|f| f.code == "pickle-dangerous-import")
        .expect("flagged");
    assert_eq!(f.path.as_deref(), Some("pytorch_model.bin"));
    assert!(
        f.evidence.as_deref().unwrap_or("").contains("posix.system"),
        "{f:?}"
    );
    let v = bom_of("malicious-pickle", &inv, &a);
    let vuln = v["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "pickle-dangerous-import")
        .unwrap();
    assert_eq!(vuln["ratings"][0]["severity"], "critical");
    assert_eq!(vuln["affects"][0]["ref"], "file:pytorch_model.bin");
    assert!(vuln["detail"].as_str().unwrap().contains("posix.system"));
}
