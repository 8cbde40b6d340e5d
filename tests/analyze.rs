//! What the analysis extracts from model directories, asserted exactly: parameter counts, licences,
//! datasets, base models, findings and BOM references, on the generated fixtures and on trees built
//! here. Every BOM is dumped for schema validation (see tests/common).

mod common;

use std::path::{Path, PathBuf};

use aibom::analyze::Analysis;
use aibom::bom::{self, BomOptions, SpecVersion};
use aibom::hash::NoProgress;
use aibom::inventory::Inventory;
use aibom::pipeline::{self, ScanOptions};
use serde_json::Value;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// The scan façade's inventory and analysis of `path`.
fn run(path: &Path) -> (Inventory, Analysis) {
    let s = pipeline::scan(path, &ScanOptions::default(), &NoProgress).unwrap();
    (s.inventory, s.analysis)
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
    a.facts.findings.iter().map(|f| f.code).collect()
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
    assert_eq!(
        q,
        ["gguf F16", "gguf F32", "gguf Q8_0", "gguf file type Q8_0"]
    );
    bom_of("tiny-gguf", &inv, &a);
}

#[test]
fn onnx_parameters_and_external_data_traversal() {
    let (inv, a) = run(&fixture("formats/tiny.onnx"));
    assert_eq!(a.facts.parameters, Some(20));
    // The BOM: per file the initializer and parameter counts and the values held by Constant nodes
    // (none here); for the model the parameters and their element types (W [4, 4] and B [4], FLOAT).
    let v = bom_of("tiny-onnx", &inv, &a);
    let file: Vec<_> = props_of(&v, "file:tiny.onnx")
        .into_iter()
        .filter(|(k, _)| {
            [
                "aibom:parameters",
                "aibom:tensors",
                "aibom:onnx-constant-values",
            ]
            .contains(&k.as_str())
        })
        .collect();
    let want = [
        ("aibom:parameters", "20"),
        ("aibom:tensors", "2"),
        ("aibom:onnx-constant-values", "0"),
    ];
    assert_eq!(
        file,
        want.map(|(k, v)| (k.to_string(), v.to_string())),
        "{file:?}"
    );
    let model: Vec<_> = model_props(&v)
        .into_iter()
        .filter(|(k, _)| k == "aibom:dtype" || k == "aibom:parameters")
        .collect();
    assert_eq!(
        model,
        [
            ("aibom:parameters".to_string(), "20".to_string()),
            ("aibom:dtype".to_string(), "F32=20".to_string())
        ]
    );
    let (inv, a) = run(&fixture("formats/external-data.onnx"));
    assert!(
        codes(&a).contains(&"onnx-external-data-outside"),
        "{:?}",
        codes(&a)
    );
    bom_of("external-data-onnx", &inv, &a);
}

/// Protobuf wire format: a varint, a length-delimited field, a varint field.
fn pb_uint(mut n: u64, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push(n as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn pb_len(field: u64, body: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    pb_uint(field << 3 | 2, &mut v);
    pb_uint(body.len() as u64, &mut v);
    v.extend_from_slice(body);
    v
}

fn pb_varint(field: u64, value: u64) -> Vec<u8> {
    let mut v = Vec::new();
    pb_uint(field << 3, &mut v);
    pb_uint(value, &mut v);
    v
}

#[test]
fn onnx_weights_held_by_constant_nodes_are_reported_apart_from_parameters() {
    // ir_version 8, opset 17, a graph whose only node is a Constant holding a FLOAT [3, 4] tensor.
    let t = [
        pb_varint(1, 3),
        pb_varint(1, 4),
        pb_varint(2, 1),
        pb_len(9, &[0u8; 48]),
    ]
    .concat();
    let attr = [pb_len(1, b"value"), pb_len(5, &t), pb_varint(20, 4)].concat();
    let node = [pb_len(2, b"w"), pb_len(4, b"Constant"), pb_len(5, &attr)].concat();
    let model = [
        pb_varint(1, 8),
        pb_len(7, &pb_len(1, &node)),
        pb_len(8, &pb_varint(2, 17)),
    ]
    .concat();
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("model.onnx"), model).unwrap();
    let (inv, a) = run(d.path());
    assert!(
        !codes(&a).iter().any(|c| c.starts_with("onnx-")),
        "{:?}",
        codes(&a)
    );
    assert_eq!(a.facts.parameters, Some(0));
    assert!(a.facts.dtypes.is_empty());
    let v = bom_of("onnx-constants", &inv, &a);
    let p = props_of(&v, "file:model.onnx");
    assert!(has_prop(&p, "aibom:parameters", "0"), "{p:?}");
    assert!(has_prop(&p, "aibom:tensors", "0"), "{p:?}");
    assert!(has_prop(&p, "aibom:onnx-constant-values", "12"), "{p:?}");
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
    assert!(f.evidence.contains("posix.system"), "{f:?}");
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

/// The `properties` of the BOM component with `bom-ref` `r` as (name, value) pairs.
fn props_of(v: &Value, r: &str) -> Vec<(String, String)> {
    let comp = if v["metadata"]["component"]["bom-ref"] == r {
        &v["metadata"]["component"]
    } else {
        v["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["bom-ref"] == r)
            .unwrap_or_else(|| panic!("no component {r}"))
    };
    comp["properties"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p["name"].as_str().unwrap().to_string(),
                        p["value"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn model_props(v: &Value) -> Vec<(String, String)> {
    let r = v["metadata"]["component"]["bom-ref"]
        .as_str()
        .unwrap()
        .to_string();
    props_of(v, &r)
}

fn has_prop(props: &[(String, String)], k: &str, val: &str) -> bool {
    props.iter().any(|(a, b)| a == k && b == val)
}

fn table_of(inv: &Inventory, a: &Analysis) -> String {
    aibom::report::render(
        &aibom::report::ScanReport {
            inventory: inv,
            analysis: a,
            timestamp: None,
        },
        aibom::output::ReportFormat::Table,
    )
}

/// A GGUF v3 file with only these key-value pairs (values: strings or uint32) and no tensors.
fn gguf_with(kvs: &[(&str, Result<&str, u32>)]) -> Vec<u8> {
    let mut v = b"GGUF".to_vec();
    v.extend(3u32.to_le_bytes());
    v.extend(0u64.to_le_bytes());
    v.extend((kvs.len() as u64).to_le_bytes());
    let s = |v: &mut Vec<u8>, x: &str| {
        v.extend((x.len() as u64).to_le_bytes());
        v.extend(x.as_bytes());
    };
    for (k, val) in kvs {
        s(&mut v, k);
        match val {
            Ok(text) => {
                v.extend(8u32.to_le_bytes());
                s(&mut v, text);
            }
            Err(n) => {
                v.extend(4u32.to_le_bytes());
                v.extend(n.to_le_bytes());
            }
        }
    }
    v
}

#[test]
fn placeholder_card_title_does_not_name_the_model() {
    let d = tempfile::tempdir().unwrap();
    let m = d.path().join("acme-tiny");
    std::fs::create_dir(&m).unwrap();
    std::fs::write(
        m.join("README.md"),
        "---\nlicense: mit\n---\n\n# Model Card for Model ID\n\nA small test model.\n",
    )
    .unwrap();
    std::fs::write(m.join("model.safetensors"), safetensors_with_metadata("{}")).unwrap();
    let (_, a) = run(&m);
    assert_eq!(
        a.facts.name, "acme-tiny",
        "falls back to the directory name"
    );
    // The template heading with its variable unrendered is no name either.
    std::fs::write(
        m.join("README.md"),
        "# Model Card for {{ model_id | default(\"Model ID\", true) }}\n",
    )
    .unwrap();
    let (_, a) = run(&m);
    assert_eq!(a.facts.name, "acme-tiny");
    // The next source in line names it: GGUF general.name.
    std::fs::remove_file(m.join("model.safetensors")).unwrap();
    std::fs::write(
        m.join("acme.gguf"),
        gguf_with(&[
            ("general.architecture", Ok("llama")),
            ("general.name", Ok("Acme Tiny")),
        ]),
    )
    .unwrap();
    let (inv, a) = run(&m);
    assert_eq!(a.facts.name, "Acme Tiny");
    let v = bom_of("placeholder-title", &inv, &a);
    assert_eq!(v["metadata"]["component"]["name"], "Acme Tiny");
    // A real title still names the model; "Model card for X" names X.
    std::fs::write(m.join("README.md"), "# Model card for acme-tiny-v2\n").unwrap();
    let (_, a) = run(&m);
    assert_eq!(a.facts.name, "acme-tiny-v2");
}

/// A Piper voice layout as a voice package ships it (our own wording and values).
fn piper_voice(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("MODEL_CARD"),
        "# Model card for kestrel (medium)\n\n* Language: en_US (English, United States)\n\
         * Speakers: 1\n* Quality: medium\n* Samplerate: 22,050Hz\n\n## Dataset\n\n\
         * URL: https://example.org/kestrel-recordings\n* License: CC0\n\n## Training\n\n\
         Fine-tuned from another medium-quality English voice.\n",
    )
    .unwrap();
    std::fs::copy(
        fixture("formats/tiny.onnx"),
        dir.join("en_US-kestrel-medium.onnx"),
    )
    .unwrap();
    std::fs::write(
        dir.join("en_US-kestrel-medium.onnx.json"),
        r#"{"audio": {"sample_rate": 22050, "quality": "medium"}, "espeak": {"voice": "en-us"},
            "inference": {"noise_scale": 0.667, "length_scale": 1, "noise_w": 0.8},
            "phoneme_type": "espeak", "phoneme_map": {}, "phoneme_id_map": {"_": [0], "^": [1], "a": [14]},
            "num_symbols": 256, "num_speakers": 1, "speaker_id_map": {}, "piper_version": "1.0.0",
            "language": {"code": "en_US", "family": "en", "region": "US"}, "dataset": "kestrel"}"#,
    )
    .unwrap();
}

#[test]
fn piper_model_card_is_read() {
    let d = tempfile::tempdir().unwrap();
    let m = d.path().join("en_US-kestrel-medium");
    piper_voice(&m);
    let (inv, a) = run(&m);
    let f = &a.facts;
    assert!(!codes(&a).contains(&"card-missing"), "{:?}", codes(&a));
    assert!(f.card.present);
    assert_eq!(f.name, "kestrel (medium)");
    assert!(
        f.description
            .as_deref()
            .unwrap()
            .contains("Quality: medium"),
        "{:?}",
        f.description
    );
    assert!(f
        .card
        .training_data
        .as_deref()
        .unwrap()
        .contains("kestrel-recordings"));
    assert!(f
        .card
        .training_procedure
        .as_deref()
        .unwrap()
        .contains("Fine-tuned"));
    let role = |p: &str| inv.files.iter().find(|r| r.path == p).unwrap().role;
    assert_eq!(role("MODEL_CARD"), aibom::role::Role::Documentation);
    // The voice config: dataset and language are model facts, nothing is invented beyond them.
    let ds: Vec<(&str, Option<&str>)> = f
        .datasets
        .iter()
        .map(|d| (d.name.as_str(), d.hub_id.as_deref()))
        .collect();
    assert_eq!(ds, [("kestrel", None)]);
    // ... and the MODEL_CARD's Dataset section says where it is and under which licence.
    assert_eq!(
        f.datasets[0].url.as_deref(),
        Some("https://example.org/kestrel-recordings")
    );
    let lic: Vec<&str> = f.datasets[0]
        .licenses
        .iter()
        .map(|e| e.display.as_str())
        .collect();
    assert_eq!(lic, ["CC0-1.0"], "{:?}", f.datasets[0].licenses);
    assert_eq!(f.languages, ["en_US"]);
    assert_eq!(f.library_name.as_deref(), Some("piper"));
    assert_eq!(f.task, None, "no file states the task");
    assert_eq!(f.parameters, Some(20));
    let v = bom_of("piper", &inv, &a);
    let p = props_of(&v, "file:en_US-kestrel-medium.onnx.json");
    assert!(has_prop(&p, "aibom:sample-rate", "22050"), "{p:?}");
    assert!(has_prop(&p, "aibom:piper-version", "1.0.0"), "{p:?}");
    assert!(has_prop(&p, "aibom:speakers", "1"), "{p:?}");

    // A voice package: the card sits beside the voice in a data folder, the only one of its name.
    let pkg = d.path().join("kestrel_voice");
    piper_voice(&pkg.join("data"));
    std::fs::write(
        pkg.join("__init__.py"),
        "VOICE = 'data/en_US-kestrel-medium.onnx'\n",
    )
    .unwrap();
    let (_, a) = run(&pkg);
    assert!(!codes(&a).contains(&"card-missing"), "{:?}", codes(&a));
    assert_eq!(a.facts.name, "kestrel (medium)");
    // README.md at the root still comes first.
    std::fs::write(m.join("README.md"), "# Kestrel voice\n\nThe README.\n").unwrap();
    let (_, a) = run(&m);
    assert_eq!(a.facts.name, "Kestrel voice");
    assert_eq!(a.facts.description.as_deref(), Some("The README."));
}

#[test]
fn gguf_file_type_is_reported_as_quantization() {
    let d = tempfile::tempdir().unwrap();
    let m = d.path().join("q");
    std::fs::create_dir(&m).unwrap();
    std::fs::write(
        m.join("acme-Q4_K_M.gguf"),
        gguf_with(&[
            ("general.architecture", Ok("llama")),
            ("general.file_type", Err(15)),
        ]),
    )
    .unwrap();
    let (inv, a) = run(&m);
    assert_eq!(a.facts.quantization, ["gguf file type Q4_K_M"]);
    let v = bom_of("gguf-file-type", &inv, &a);
    assert!(has_prop(
        &model_props(&v),
        "aibom:quantization",
        "gguf file type Q4_K_M"
    ));
    assert!(has_prop(
        &props_of(&v, "file:acme-Q4_K_M.gguf"),
        "aibom:gguf-file-type",
        "Q4_K_M"
    ));
    let table = table_of(&inv, &a);
    assert!(
        table.contains("quantization   gguf file type Q4_K_M\n"),
        "{table}"
    );
    // Alongside the tensor types of the fixture (file type 7 = Q8_0).
    let (_, a) = run(&fixture("formats/tiny.gguf"));
    assert_eq!(
        a.facts.quantization,
        ["gguf file type Q8_0", "gguf F16", "gguf F32", "gguf Q8_0"]
    );
    // A value the table does not know is reported as the number.
    std::fs::write(
        m.join("acme-Q4_K_M.gguf"),
        gguf_with(&[("general.file_type", Err(99))]),
    )
    .unwrap();
    let (_, a) = run(&m);
    assert_eq!(a.facts.quantization, ["gguf file type 99"]);
}

#[test]
fn peft_task_type_maps_to_task() {
    let (inv, a) = run(&fixture("models/adapter"));
    assert_eq!(a.facts.task.as_deref(), Some("text-generation"));
    let v = bom_of("adapter-task", &inv, &a);
    assert!(has_prop(
        &props_of(&v, "file:adapter_config.json"),
        "aibom:peft-task-type",
        "CAUSAL_LM"
    ));
    let d = tempfile::tempdir().unwrap();
    let adapter = |task: &str| {
        std::fs::write(
            d.path().join("adapter_config.json"),
            format!(r#"{{"base_model_name_or_path": "acme/base", "peft_type": "LORA", "task_type": "{task}"}}"#),
        )
        .unwrap();
    };
    for (t, want) in [
        ("SEQ_2_SEQ_LM", Some("text2text-generation")),
        ("SEQ_CLS", Some("text-classification")),
        ("TOKEN_CLS", Some("token-classification")),
        ("QUESTION_ANS", Some("question-answering")),
        ("FEATURE_EXTRACTION", Some("feature-extraction")),
        ("SOMETHING_ELSE", None),
    ] {
        adapter(t);
        let (_, a) = run(d.path());
        assert_eq!(a.facts.task.as_deref(), want, "{t}");
    }
    // The card's pipeline_tag wins over the adapter's task type.
    adapter("SEQ_CLS");
    std::fs::write(
        d.path().join("README.md"),
        "---\npipeline_tag: zero-shot-classification\n---\n# a\n",
    )
    .unwrap();
    let (_, a) = run(d.path());
    assert_eq!(a.facts.task.as_deref(), Some("zero-shot-classification"));
}

/// A saved terms page in our own words, with the markup a browser's "save page" leaves.
const TERMS_HTML: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Gemma Terms of Use &nbsp;|&nbsp; Example Mirror</title>
<style>h1 { font-size: 2em }</style><script>window.dataLayer = [{"licence": "MIT"}];</script></head>
<body><nav><a href="/">Home</a></nav><article><h1>Gemma Terms of Use</h1>
<p>These terms govern use of the model. They come with a prohibited use policy that applies to
everyone downstream. Google reserves the right to restrict (remotely or otherwise) usage that it
believes breaks these terms.</p><p>&copy; Example</p></article></body></html>
"#;

#[test]
fn gemma_terms_html_is_licence_evidence() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("GEMMA_TERMS.html"), TERMS_HTML).unwrap();
    std::fs::write(
        d.path().join("model.safetensors"),
        safetensors_with_metadata("{}"),
    )
    .unwrap();
    let (inv, a) = run(d.path());
    let rec = inv
        .files
        .iter()
        .find(|r| r.path == "GEMMA_TERMS.html")
        .unwrap();
    assert_eq!(rec.role, aibom::role::Role::Licence);
    let l = &a.facts.licenses;
    assert_eq!(licence_displays(&a), ["LicenseRef-aibom-gemma"]);
    assert!(l.use_restricted);
    let ev = l
        .evidence
        .iter()
        .find(|e| e.starts_with("GEMMA_TERMS.html"))
        .expect("evidence line");
    assert!(ev.contains("LicenseRef-aibom-gemma"), "{ev}");
    assert!(!ev.contains('<'), "markup stripped: {ev}");
    assert!(!ev.contains("MIT"), "script content is not text: {ev}");
    assert!(!codes(&a).contains(&"license-missing"), "{:?}", codes(&a));
    let v = bom_of("gemma-terms", &inv, &a);
    assert_eq!(
        v["metadata"]["component"]["licenses"][0]["license"]["name"],
        "Gemma Terms of Use"
    );
    // With the card saying `license: gemma`, the two agree: no conflict.
    std::fs::write(
        d.path().join("README.md"),
        "---\nlicense: gemma\n---\n# g\n",
    )
    .unwrap();
    let (_, a) = run(d.path());
    assert_eq!(licence_displays(&a), ["LicenseRef-aibom-gemma"]);
    assert!(a.facts.licenses.conflicts.is_empty());
}

#[test]
fn table_shows_chat_template_context_and_quantization() {
    let d = tempfile::tempdir().unwrap();
    let m = d.path().join("big");
    std::fs::create_dir(&m).unwrap();
    // 22,713,728 one-byte parameters; the data is a hole in a sparse file.
    let n: u64 = 22_713_728;
    let header = format!(r#"{{"w":{{"dtype":"I8","shape":[{n}],"data_offsets":[0,{n}]}}}}"#);
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend(header.as_bytes());
    let len = bytes.len() as u64 + n;
    std::fs::write(m.join("model.safetensors"), &bytes).unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(m.join("model.safetensors"))
        .unwrap()
        .set_len(len)
        .unwrap();
    std::fs::write(
        m.join("config.json"),
        r#"{"model_type": "acme", "max_position_embeddings": 32768,
            "quantization_config": {"quant_method": "gptq", "bits": 4}}"#,
    )
    .unwrap();
    std::fs::write(
        m.join("tokenizer_config.json"),
        r#"{"chat_template": "{% for m in messages %}{{ m['content'] }}{% endfor %}"}"#,
    )
    .unwrap();
    let (inv, a) = run(&m);
    assert_eq!(a.facts.parameters, Some(n));
    let table = table_of(&inv, &a);
    for row in [
        "parameters     22,713,728\n",
        "dtypes         I8 22,713,728\n",
        "quantization   gptq 4-bit\n",
        "context        32,768 tokens\n",
        "chat template  present in tokenizer_config.json\n",
    ] {
        assert!(table.contains(row), "{row:?} not in\n{table}");
    }
    assert!(
        !table.contains("{% for"),
        "the template text is not printed"
    );
    // JSON and BOM keep exact integers.
    let v = bom_of("table-rows", &inv, &a);
    assert!(has_prop(&model_props(&v), "aibom:parameters", "22713728"));
    assert!(has_prop(&model_props(&v), "aibom:context-length", "32768"));
    // A GGUF's template is named by its file.
    let (inv, a) = run(&fixture("formats/tiny.gguf"));
    let table = table_of(&inv, &a);
    assert!(
        table.contains("chat template  present in tiny.gguf\n"),
        "{table}"
    );
    assert!(table.contains("context        2,048 tokens\n"), "{table}");
}

#[test]
fn safetensors_header_length_bomb_is_a_finding() {
    let d = tempfile::tempdir().unwrap();
    // A 1024-byte file announcing a 2^60-byte header: the reader must refuse it without allocating.
    let mut bomb = (1u64 << 60).to_le_bytes().to_vec();
    bomb.push(b'{');
    bomb.resize(1024, 0);
    std::fs::write(d.path().join("model.safetensors"), &bomb).unwrap();
    let (inv, a) = run(d.path());
    let f = a
        .facts
        .findings
        .iter()
        .find(|f| f.code == "safetensors-unreadable")
        .unwrap_or_else(|| panic!("no finding: {:?}", codes(&a)));
    assert_eq!(f.path.as_deref(), Some("model.safetensors"));
    assert!(f.severity >= aibom::facts::Severity::Medium);
    assert!(
        f.message.contains("1152921504606846976") && f.message.contains("1024"),
        "{}",
        f.message
    );
    assert!(codes(&a).contains(&"safetensors-header-too-large"));
    let v = bom_of("header-bomb", &inv, &a);
    let vuln = v["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "safetensors-unreadable")
        .unwrap();
    assert_eq!(vuln["affects"][0]["ref"], "file:model.safetensors");
    assert_eq!(vuln["ratings"][0]["severity"], "medium");
}

#[test]
fn weights_named_files_that_do_not_parse_are_findings() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    // Header length just past the end of the file: sniffed as binary, still read as safetensors.
    let mut short = 2000u64.to_le_bytes().to_vec();
    short.extend(b"{}");
    std::fs::write(p.join("model-00001-of-00002.safetensors"), &short).unwrap();
    // A clone without git lfs leaves pointers.
    std::fs::write(
        p.join("model-00002-of-00002.safetensors"),
        "version https://git-lfs.github.com/spec/v1\noid sha256:0000000000000000000000000000000000000000000000000000000000000000\nsize 123456\n",
    )
    .unwrap();
    std::fs::write(p.join("model.gguf"), b"not a gguf file at all\n").unwrap();
    std::fs::write(p.join("model.onnx"), [0xffu8; 64]).unwrap();
    std::fs::write(p.join("empty.safetensors"), b"").unwrap();
    let (_, a) = run(p);
    let found = |code: &str, path: &str| {
        a.facts
            .findings
            .iter()
            .find(|f| f.code == code && f.path.as_deref() == Some(path))
            .unwrap_or_else(|| panic!("{code} on {path}: {:?}", a.facts.findings))
            .clone()
    };
    let f = found("safetensors-unreadable", "model-00001-of-00002.safetensors");
    assert!(
        f.message.contains("exceeds the file size 10"),
        "{}",
        f.message
    );
    assert_eq!(f.severity, aibom::facts::Severity::Medium);
    let f = found("safetensors-unreadable", "model-00002-of-00002.safetensors");
    assert!(f.message.contains("Git LFS pointer"), "{}", f.message);
    found("gguf-unreadable", "model.gguf");
    found("onnx-unreadable", "model.onnx");
    found("safetensors-truncated", "empty.safetensors");
    found("safetensors-unreadable", "empty.safetensors");
}
