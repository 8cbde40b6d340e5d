//! Unit tests of the SPDX mapping: documents built from hand-made facts over a real (temporary) model
//! directory, read back as JSON and checked element by element.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::*;
use crate::completeness;
use crate::facts::{
    BaseModel, CardFacts, DatasetFact, FileFacts, Finding, Library, Metric, ModelLicenses,
    Provenance, Severity,
};
use crate::hash::NoProgress;
use crate::scan::{self, ScanOptions};

/// The inventory of a model made of `files` (the directory is removed when the guard drops).
fn inventory(files: &[(&str, &[u8])]) -> (tempfile::TempDir, Inventory) {
    let dir = tempfile::tempdir().unwrap();
    for (rel, bytes) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    let opts = ScanOptions {
        jobs: 1,
        ..Default::default()
    };
    let hashed = scan::hash_model(dir.path(), &opts, &mut |_| {}, &NoProgress).unwrap();
    let inv = scan::inventory(&hashed, &opts.walk);
    (dir, inv)
}

fn files() -> Vec<(&'static str, &'static [u8])> {
    vec![
        ("model.safetensors", b"\x02\x00\x00\x00\x00\x00\x00\x00{}"),
        ("config.json", b"{}"),
        ("LICENSE", b"terms"),
        ("data/train.jsonl", b"{\"x\": 1}\n"),
    ]
}

fn entry(display: &str, choice: Value) -> LicenseEntry {
    LicenseEntry {
        choice,
        display: display.into(),
    }
}

fn llama() -> LicenseEntry {
    entry(
        "LicenseRef-aibom-llama3.1",
        json!({"license": {"name": "Llama 3.1 Community License", "url": "https://example.org/llama/LICENSE", "acknowledgement": "concluded"}}),
    )
}

fn mit() -> LicenseEntry {
    entry(
        "MIT",
        json!({"license": {"id": "MIT", "acknowledgement": "declared"}}),
    )
}

fn rich() -> ModelFacts {
    ModelFacts {
        name: "tiny".into(),
        repo_id: Some("acme/tiny".into()),
        revision: Some("0123456789abcdef0123456789abcdef01234567".into()),
        description: Some("A tiny model.".into()),
        task: Some("text-generation".into()),
        architecture_family: Some("llama".into()),
        architecture: Some("LlamaForCausalLM".into()),
        tags: vec!["tiny".into(), "alpha".into(), "tiny".into()],
        parameters: Some(52),
        base_models: vec![BaseModel {
            id: "acme/base".into(),
            relation: Some("finetune".into()),
            revision: Some("abc".into()),
            sources: vec!["README.md".into()],
        }],
        datasets: vec![DatasetFact {
            name: "acme/corpus".into(),
            hub_id: Some("acme/corpus".into()),
            url: Some("https://example.org/corpus".into()),
            licenses: vec![entry(
                "CC-BY-4.0",
                json!({"license": {"id": "CC-BY-4.0", "acknowledgement": "declared"}}),
            )],
            creators: vec!["Acme Labs".into()],
            files: vec!["data/train.jsonl".into()],
            members: vec!["part-a".into()],
            sensitive: vec!["none declared".into()],
            sources: vec!["croissant.json".into()],
            ..Default::default()
        }],
        libraries: vec![Library {
            name: "torch".into(),
            version: Some("2.3.0".into()),
            purl: "pkg:pypi/torch@2.3.0".into(),
            sources: vec!["requirements.txt".into()],
        }],
        licenses: ModelLicenses {
            concluded: vec![llama()],
            declared: vec![llama(), mit()],
            evidence: vec!["README.md card license: other".into()],
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
            metrics: vec![
                Metric {
                    metric_type: "accuracy".into(),
                    value: "0.5".into(),
                    slice: Some("text-generation on acme/corpus".into()),
                },
                Metric {
                    metric_type: "loss".into(),
                    value: "1.25".into(),
                    slice: None,
                },
            ],
            co2_grams: Some(12.5),
            co2_details: BTreeMap::from([("source".into(), "estimate".into())]),
            ..Default::default()
        },
        provenance: Provenance {
            git_origin: Some("https://example.org/acme/tiny.git".into()),
            ..Default::default()
        },
        findings: vec![
            Finding {
                code: "pickle-import",
                severity: Severity::High,
                path: Some("config.json".into()),
                message: "example".into(),
                offset: Some(12),
                member: Some("archive/data.pkl".into()),
                evidence: "posix.system via REDUCE".into(),
                sha256: String::new(),
            },
            Finding {
                code: "card-missing",
                severity: Severity::Low,
                path: None,
                message: "no card".into(),
                offset: None,
                member: None,
                evidence: String::new(),
                sha256: String::new(),
            },
        ],
        files: BTreeMap::from([(
            "LICENSE".to_string(),
            FileFacts {
                properties: vec![("aibom:licence-file".into(), "true".into())],
                licenses: vec![mit()],
            },
        )]),
        ..Default::default()
    }
}

/// The document of `facts` over `inv`, rendered and read back.
fn doc(inv: &Inventory, facts: &ModelFacts, ts: Option<&str>) -> Value {
    let c = completeness::assess(facts);
    let d = build(
        inv,
        facts,
        &c,
        &SpdxOptions {
            timestamp: ts.map(str::to_string),
        },
    );
    serde_json::from_str(&render(&d)).unwrap()
}

fn graph(v: &Value) -> &Vec<Value> {
    v["@graph"].as_array().unwrap()
}

fn by_type<'a>(v: &'a Value, t: &str) -> Vec<&'a Value> {
    graph(v).iter().filter(|n| n["type"] == t).collect()
}

fn by_id<'a>(v: &'a Value, id: &str) -> &'a Value {
    graph(v)
        .iter()
        .find(|n| n["spdxId"] == id)
        .unwrap_or_else(|| panic!("no element {id}"))
}

fn model(v: &Value) -> &Value {
    let root = v["@graph"][1]["rootElement"][0].as_str().unwrap();
    by_id(v, root)
}

/// The `to` of the one relationship of `kind` from `from`.
fn targets<'a>(v: &'a Value, from: &str, kind: &str) -> Vec<&'a str> {
    let rels: Vec<&Value> = by_type(v, "Relationship")
        .into_iter()
        .filter(|r| r["from"] == from && r["relationshipType"] == kind)
        .collect();
    match rels.as_slice() {
        [] => Vec::new(),
        [r] => r["to"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect(),
        _ => panic!("{} {kind} relationships from {from}", rels.len()),
    }
}

fn props(n: &Value) -> Vec<(String, String)> {
    n["extension"][0]["extension_cdxProperty"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p["extension_cdxPropName"].as_str().unwrap().to_string(),
                        p["extension_cdxPropValue"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().map(|x| x.as_str().unwrap()).collect())
        .unwrap_or_default()
}

#[test]
fn the_model_is_an_ai_package_with_its_card() {
    let (_d, inv) = inventory(&files());
    let v = doc(&inv, &rich(), None);
    assert_eq!(check_refs(&v), Vec::<String>::new());
    let m = model(&v);
    assert_eq!(m["type"], "ai_AIPackage");
    assert_eq!(m["name"], "tiny");
    assert_eq!(m["description"], "A tiny model.");
    assert_eq!(m["software_primaryPurpose"], "model");
    assert_eq!(
        m["software_packageVersion"],
        "0123456789abcdef0123456789abcdef01234567"
    );
    assert_eq!(
        m["software_packageUrl"],
        "pkg:huggingface/acme/tiny@0123456789abcdef0123456789abcdef01234567"
    );
    assert_eq!(m["software_homePage"], "https://huggingface.co/acme/tiny");
    assert_eq!(
        m["externalRef"],
        json!([{"type": "ExternalRef", "externalRefType": "vcs", "locator": ["https://example.org/acme/tiny.git"]}])
    );
    assert_eq!(strings(&m["ai_typeOfModel"]), ["llama", "LlamaForCausalLM"]);
    assert_eq!(strings(&m["ai_domain"]), ["text-generation"]);
    assert_eq!(m["ai_informationAboutApplication"], "Research.");
    assert_eq!(
        m["ai_informationAboutTraining"],
        "Training data:\nA corpus.\n\nTraining procedure:\nOne epoch."
    );
    assert_eq!(m["ai_limitation"], "Tiny.\n\nOut of scope: Production.");
    assert_eq!(
        m["ai_metric"],
        json!([
            {"type": "DictionaryEntry", "key": "accuracy, text-generation on acme/corpus", "value": "0.5"},
            {"type": "DictionaryEntry", "key": "loss", "value": "1.25"}
        ])
    );
    // CO2 is not energy: nothing is converted into ai_energyConsumption.
    assert!(m.get("ai_energyConsumption").is_none());
    // The OMS root digest is the model's integrity value, said to be one.
    let h = &m["verifiedUsing"][0];
    assert_eq!(h["algorithm"], "sha256");
    assert_eq!(
        format!("sha256:{}", h["hashValue"].as_str().unwrap()),
        inv.model.digest
    );
    assert!(h["comment"].as_str().unwrap().contains("OMS"));
    let p = props(m);
    let has = |k: &str, val: &str| p.iter().any(|(a, b)| a == k && b == val);
    assert_eq!(
        p[0],
        ("aibom:oms-root-digest".into(), inv.model.digest.clone())
    );
    assert!(has("aibom:parameters", "52"));
    assert!(has("aibom:co2eq-grams", "12.5"));
    assert!(has("aibom:co2eq-source", "estimate"));
    assert!(has("aibom:evaluation", "Perplexity."));
    assert!(has("aibom:bias-risks", "Unknown biases."));
    assert!(has("aibom:recommendations", "Evaluate first."));
    let tags: Vec<&str> = p
        .iter()
        .filter(|(k, _)| k == "aibom:tag")
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(tags, ["alpha", "tiny"], "sorted, once each");
    assert!(has("aibom:findings", "2"));
}

#[test]
fn files_carry_their_sha256_and_the_model_contains_them_in_order() {
    let (_d, inv) = inventory(&files());
    let v = doc(&inv, &rich(), None);
    let m = model(&v)["spdxId"].as_str().unwrap().to_string();
    let contained = targets(&v, &m, "contains");
    assert_eq!(contained.len(), inv.files.len());
    for (f, id) in inv.files.iter().zip(&contained) {
        let n = by_id(&v, id);
        assert_eq!(n["type"], "software_File");
        assert_eq!(n["name"], f.path.as_str());
        assert_eq!(
            n["verifiedUsing"],
            json!([{"type": "Hash", "algorithm": "sha256", "hashValue": f.sha256}])
        );
        assert_eq!(props(n)[0], ("aibom:role".into(), f.role.as_str().into()));
        assert_eq!(n["software_primaryPurpose"].as_str(), file_purpose(f.role));
    }
    let weights = by_type(&v, "software_File")
        .into_iter()
        .find(|n| n["name"] == "model.safetensors")
        .unwrap();
    assert_eq!(weights["software_primaryPurpose"], "model");
}

#[test]
fn licences_are_declared_and_concluded_relationships() {
    let (_d, inv) = inventory(&files());
    let v = doc(&inv, &rich(), None);
    let m = model(&v)["spdxId"].as_str().unwrap().to_string();
    let declared = targets(&v, &m, "hasDeclaredLicense");
    let concluded = targets(&v, &m, "hasConcludedLicense");
    let expr = |id: &str| {
        by_id(&v, id)["simplelicensing_licenseExpression"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        declared.iter().map(|i| expr(i)).collect::<Vec<_>>(),
        ["LicenseRef-aibom-llama3.1", "MIT"]
    );
    assert_eq!(concluded.len(), 1);
    // One element per licence: the concluded licence is the declared one.
    assert_eq!(concluded[0], declared[0]);
    let l = by_id(&v, concluded[0]);
    assert_eq!(l["type"], "simplelicensing_LicenseExpression");
    assert_eq!(l["name"], "Llama 3.1 Community License");
    assert_eq!(
        l["externalRef"],
        json!([{"type": "ExternalRef", "externalRefType": "license", "locator": ["https://example.org/llama/LICENSE"]}])
    );
    // A listed licence is its expression alone.
    let mit = by_id(&v, declared[1]);
    assert!(mit.get("name").is_none() && mit.get("externalRef").is_none());
    // The LICENSE file declares MIT: the same element.
    let lic_file = by_type(&v, "software_File")
        .into_iter()
        .find(|n| n["name"] == "LICENSE")
        .unwrap();
    let fid = lic_file["spdxId"].as_str().unwrap();
    assert_eq!(targets(&v, fid, "hasDeclaredLicense"), [declared[1]]);
    assert!(targets(&v, fid, "hasConcludedLicense").is_empty());
    assert_eq!(by_type(&v, "simplelicensing_LicenseExpression").len(), 3);
}

#[test]
fn datasets_base_models_and_libraries_are_related_to_the_model() {
    let (_d, inv) = inventory(&files());
    let v = doc(&inv, &rich(), None);
    let m = model(&v)["spdxId"].as_str().unwrap().to_string();
    let trained = targets(&v, &m, "trainedOn");
    assert_eq!(trained.len(), 1);
    let ds = by_id(&v, trained[0]);
    assert_eq!(ds["type"], "dataset_DatasetPackage");
    assert_eq!(ds["name"], "acme/corpus");
    assert_eq!(strings(&ds["dataset_datasetType"]), ["noAssertion"]);
    assert_eq!(ds["software_primaryPurpose"], "data");
    assert_eq!(ds["software_homePage"], "https://example.org/corpus");
    let creator = by_id(&v, ds["originatedBy"][0].as_str().unwrap());
    assert_eq!(creator["type"], "Agent");
    assert_eq!(creator["name"], "Acme Labs");
    let local = targets(&v, trained[0], "contains");
    assert_eq!(local.len(), 1);
    assert_eq!(by_id(&v, local[0])["name"], "data/train.jsonl");
    let dl = targets(&v, trained[0], "hasDeclaredLicense");
    assert_eq!(
        by_id(&v, dl[0])["simplelicensing_licenseExpression"],
        "CC-BY-4.0"
    );
    assert_eq!(
        targets(&v, trained[0], "hasConcludedLicense"),
        [NO_ASSERTION_LICENSE]
    );
    let p = props(ds);
    assert!(p.contains(&("aibom:declared-in".into(), "croissant.json".into())));
    assert!(p.contains(&("aibom:member".into(), "part-a".into())));
    assert!(p.contains(&("aibom:sensitive-data".into(), "none declared".into())));

    let base = by_type(&v, "ai_AIPackage")
        .into_iter()
        .find(|n| n["name"] == "acme/base")
        .unwrap();
    let bid = base["spdxId"].as_str().unwrap();
    assert_eq!(targets(&v, bid, "ancestorOf"), [m.as_str()]);
    assert_eq!(base["software_packageVersion"], "abc");
    assert_eq!(base["software_packageUrl"], "pkg:huggingface/acme/base@abc");
    assert!(props(base).contains(&("aibom:relation".into(), "finetune".into())));
    for kind in ["hasDeclaredLicense", "hasConcludedLicense"] {
        assert_eq!(targets(&v, bid, kind), [NO_ASSERTION_LICENSE]);
    }

    let deps = targets(&v, &m, "dependsOn");
    let lib = by_id(&v, deps[0]);
    assert_eq!(lib["type"], "software_Package");
    assert_eq!(lib["software_primaryPurpose"], "library");
    assert_eq!(lib["software_packageUrl"], "pkg:pypi/torch@2.3.0");
    assert_eq!(lib["software_packageVersion"], "2.3.0");
}

#[test]
fn findings_are_annotations_on_what_they_concern() {
    let (_d, inv) = inventory(&files());
    let v = doc(&inv, &rich(), None);
    let a = by_type(&v, "Annotation");
    assert_eq!(a.len(), 2);
    assert_eq!(a[0]["annotationType"], "other");
    assert_eq!(
        by_id(&v, a[0]["subject"].as_str().unwrap())["name"],
        "config.json"
    );
    assert_eq!(
        a[0]["statement"],
        "aibom finding pickle-import (high): example\nevidence: posix.system via REDUCE\n\
         member: archive/data.pkl\noffset: 12"
    );
    assert_eq!(a[1]["subject"], model(&v)["spdxId"]);
    assert_eq!(
        a[1]["statement"],
        "aibom finding card-missing (low): no card"
    );
}

#[test]
fn missing_facts_are_absent_not_invented() {
    let (_d, inv) = inventory(&files());
    let facts = ModelFacts {
        name: "bare".into(),
        ..Default::default()
    };
    let v = doc(&inv, &facts, None);
    assert_eq!(check_refs(&v), Vec::<String>::new());
    let m = model(&v);
    for absent in [
        "description",
        "software_packageVersion",
        "software_packageUrl",
        "software_homePage",
        "externalRef",
        "ai_typeOfModel",
        "ai_domain",
        "ai_informationAboutApplication",
        "ai_informationAboutTraining",
        "ai_limitation",
        "ai_metric",
        "ai_energyConsumption",
        "ai_standardCompliance",
        "ai_autonomyType",
        "releaseTime",
        "suppliedBy",
        "software_downloadLocation",
    ] {
        assert!(m.get(absent).is_none(), "{absent}: {}", m[absent]);
    }
    let id = m["spdxId"].as_str().unwrap();
    for kind in ["hasDeclaredLicense", "hasConcludedLicense"] {
        assert_eq!(targets(&v, id, kind), [NO_ASSERTION_LICENSE], "{kind}");
    }
    for kind in ["trainedOn", "dependsOn", "ancestorOf", "testedOn"] {
        assert!(targets(&v, id, kind).is_empty(), "{kind}");
    }
    assert!(by_type(&v, "simplelicensing_LicenseExpression").is_empty());
    assert!(by_type(&v, "dataset_DatasetPackage").is_empty());
    assert_eq!(
        strings(&v["@graph"][1]["profileConformance"]),
        ["core", "software", "simpleLicensing", "ai"]
    );
}

#[test]
fn created_is_the_timestamp_or_the_documented_epoch() {
    let (_d, inv) = inventory(&files());
    let v = doc(&inv, &rich(), Some("2024-05-01T12:00:00Z"));
    let ci = &v["@graph"][0];
    assert_eq!(ci["type"], "CreationInfo");
    assert_eq!(ci["@id"], CREATION_INFO);
    assert_eq!(ci["specVersion"], "3.0.1");
    assert_eq!(ci["created"], "2024-05-01T12:00:00Z");
    assert!(ci.get("comment").is_none());
    let agent = by_id(&v, ci["createdBy"][0].as_str().unwrap());
    assert_eq!(agent["type"], "SoftwareAgent");
    let tool = by_id(&v, ci["createdUsing"][0].as_str().unwrap());
    assert_eq!(tool["type"], "Tool");
    assert_eq!(tool["name"], format!("aibom {}", env!("CARGO_PKG_VERSION")));
    let none = doc(&inv, &rich(), None);
    assert_eq!(none["@graph"][0]["created"], NO_TIMESTAMP);
    assert_eq!(NO_TIMESTAMP, "1970-01-01T00:00:00Z");
    assert!(none["@graph"][0]["comment"]
        .as_str()
        .unwrap()
        .contains("Unix epoch"));
    // Every element shares the one creation info.
    for n in graph(&v).iter().skip(1) {
        assert_eq!(n["creationInfo"], CREATION_INFO, "{}", n["spdxId"]);
    }
}

#[test]
fn same_content_same_bytes_and_ids_follow_content() {
    let (_d, inv) = inventory(&files());
    let c = completeness::assess(&rich());
    let opts = SpdxOptions::default();
    let a = render(&build(&inv, &rich(), &c, &opts));
    assert_eq!(a, render(&build(&inv, &rich(), &c, &opts)));
    let v: Value = serde_json::from_str(&a).unwrap();
    let doc_id = v["@graph"][1]["spdxId"].as_str().unwrap().to_string();
    assert!(
        doc_id.starts_with("urn:uuid:") && doc_id.len() == 45,
        "{doc_id}"
    );
    for n in graph(&v).iter().skip(2) {
        let id = n["spdxId"].as_str().unwrap();
        assert!(id.starts_with(&format!("{doc_id}#")), "{id}");
    }
    let mut other = rich();
    other.name = "other".into();
    let b: Value = serde_json::from_str(&render(&build(&inv, &other, &c, &opts))).unwrap();
    assert_ne!(b["@graph"][1]["spdxId"], v["@graph"][1]["spdxId"]);
    let dated = build(
        &inv,
        &rich(),
        &c,
        &SpdxOptions {
            timestamp: Some("2024-05-01T12:00:00Z".into()),
        },
    );
    assert_ne!(render(&dated), a);
}

#[test]
fn odd_names_make_valid_unique_ids_and_bad_urls_stay_properties() {
    let (_d, inv) = inventory(&[("a b#c.bin", b"x"), ("a%20b#c.bin", b"y")]);
    let mut facts = rich();
    facts.datasets[0].url = Some("not a url".into());
    facts.datasets.push(facts.datasets[0].clone());
    let v = doc(&inv, &facts, None);
    assert_eq!(check_refs(&v), Vec::<String>::new());
    let ids: Vec<&str> = by_type(&v, "software_File")
        .iter()
        .map(|n| n["spdxId"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids
        .iter()
        .all(|i| !i.contains(' ') && i.matches('#').count() == 1));
    let ds = by_type(&v, "dataset_DatasetPackage");
    assert_eq!(ds.len(), 2);
    assert_ne!(ds[0]["spdxId"], ds[1]["spdxId"]);
    assert!(ds[0].get("software_homePage").is_none());
    assert!(props(ds[0]).contains(&("aibom:url".into(), "not a url".into())));
    // One agent per creator, however many datasets name them.
    assert_eq!(by_type(&v, "Agent").len(), 1);
    assert_eq!(ds[0]["originatedBy"], ds[1]["originatedBy"]);
    // Several creators: the Dataset profile allows one originator, so none is chosen.
    let mut two = rich();
    two.datasets[0].creators.push("Jane Doe".into());
    let v = doc(&inv, &two, None);
    let ds = by_type(&v, "dataset_DatasetPackage");
    assert!(ds[0].get("originatedBy").is_none());
    let creators: Vec<(String, String)> = props(ds[0])
        .into_iter()
        .filter(|(k, _)| k == "aibom:creator")
        .collect();
    assert_eq!(
        creators,
        [
            ("aibom:creator".to_string(), "Acme Labs".to_string()),
            ("aibom:creator".to_string(), "Jane Doe".to_string())
        ]
    );
    assert!(by_type(&v, "Agent").is_empty());
}

#[test]
fn file_purposes_are_only_those_spdx_has_words_for() {
    assert_eq!(file_purpose(Role::Weights), Some("model"));
    assert_eq!(file_purpose(Role::Config), Some("configuration"));
    assert_eq!(file_purpose(Role::Code), Some("source"));
    assert_eq!(file_purpose(Role::Documentation), Some("documentation"));
    for r in [
        Role::Tokenizer,
        Role::Licence,
        Role::DataManifest,
        Role::Other,
    ] {
        assert_eq!(file_purpose(r), None, "{r:?}");
    }
}

#[test]
fn check_refs_finds_dangling_duplicate_and_unlisted_elements() {
    let (_d, inv) = inventory(&files());
    let mut v = doc(&inv, &rich(), None);
    assert!(check_refs(&v).is_empty());
    let g = v["@graph"].as_array_mut().unwrap();
    let dup = g[3].clone();
    g.push(dup);
    g[2]["spdxId"] = json!("urn:uuid:x#unlisted");
    let rel = g.iter_mut().find(|n| n["type"] == "Relationship").unwrap();
    rel["to"] = json!(["urn:uuid:x#nowhere"]);
    let problems = check_refs(&v).join("\n");
    assert!(problems.contains("duplicate id"), "{problems}");
    assert!(
        problems.contains("dangling reference to -> urn:uuid:x#nowhere"),
        "{problems}"
    );
    assert!(
        problems.contains("element urn:uuid:x#unlisted is not listed"),
        "{problems}"
    );
}

#[test]
fn standard_compliance_is_what_the_assessment_decides_and_says_so() {
    let (_d, inv) = inventory(&files());
    let facts = rich();
    let mut a = assess::assess_from(
        &inv.files,
        &facts,
        &inv.model.digest,
        "m",
        &Default::default(),
    );
    // These files reach no MOF class, and the OSAID is not met: nothing is claimed.
    assert_eq!(a.mof.classification.class, None);
    assert!(standard_compliance(&a).is_empty());
    a.mof.classification.class = Some(MofClass::II);
    a.osaid = Some(osaid::Assessment {
        verdict: osaid::Verdict::OpenSourceAi,
        summary: String::new(),
        elements: Vec::new(),
    });
    assert_eq!(
        standard_compliance(&a),
        [
            "Model Openness Framework 1.0: Class II - Open Tooling Model (self-assessed by aibom from \
             the model's files)",
            "Open Source AI Definition 1.0 (self-assessed by aibom from the model's files)"
        ]
    );
    for verdict in [
        osaid::Verdict::NeedsHumanReview,
        osaid::Verdict::NotOpenSourceAi,
    ] {
        a.osaid.as_mut().unwrap().verdict = verdict;
        assert_eq!(standard_compliance(&a).len(), 1, "{verdict:?}");
    }
}
