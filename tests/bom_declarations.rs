//! The openness assessment recorded in CycloneDX 1.6/1.7 BOMs (`bom/declarations.rs`), end to end on
//! model directories written in the test — a fully open research release (MOF Class I) and Llama-licensed
//! weights alone: the three standards and their requirements, the declarations (assessor, one attestation
//! per standard covering every requirement once, claims on the model, evidence naming file components
//! with their SHA-256), agreement with `aibom assess`, the audit judging `[openness]` from a BOM and from an
//! attestation without the files, nothing of it in 1.5, and byte-identical output. Every BOM is also
//! written to `$AIBOM_BOM_DUMP` for the interop suite's schema validation.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Command;

use aibom::bom;
use aibom::openness::{mof, osaid};
use serde_json::Value;

mod common;
use common::dump;

mod util;
use util::{code, err, out, run};

fn safetensors() -> Vec<u8> {
    util::files::safetensors_f32(2)
}

use util::models::research_release;

/// Open weights under the Llama 3.1 licence, with a card and a config and nothing else.
fn llama_weights(dir: &Path) {
    util::write(
        dir,
        "README.md",
        b"---\nlicense: llama3.1\n---\n# L\n\n## Intended uses\n\nChat.\n",
    );
    util::write(dir, "model.safetensors", &safetensors());
    util::write(dir, "config.json", br#"{"model_type": "llama"}"#);
}

fn aibom(dir: &Path) -> Command {
    let mut c = util::aibom();
    c.current_dir(dir);
    c
}

/// `aibom scan m -o FORMAT` in `dir`: the bytes.
fn scan_bytes(dir: &Path, format: &str) -> String {
    let o = run(aibom(dir).args(["scan", "-q", "m", "-o", format]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    out(&o)
}

fn scan_bom(dir: &Path, spec: &str) -> Value {
    serde_json::from_str(&scan_bytes(dir, &format!("cyclonedx-json@{spec}"))).unwrap()
}

fn assess_json(dir: &Path) -> Value {
    let o = run(aibom(dir).args(["assess", "m", "-o", "json"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    serde_json::from_str(&out(&o)).unwrap()
}

fn arr(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}"))
}

fn prop<'a>(c: &'a Value, name: &str) -> Option<&'a str> {
    arr(&c["properties"])
        .iter()
        .find(|p| p["name"] == name)
        .and_then(|p| p["value"].as_str())
}

fn standard<'a>(v: &'a Value, r: &str) -> &'a Value {
    arr(&v["definitions"]["standards"])
        .iter()
        .find(|s| s["bom-ref"] == r)
        .unwrap_or_else(|| panic!("no standard {r}"))
}

fn strings(v: &Value) -> Vec<String> {
    arr(v)
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

/// The map entry of a requirement (exactly one across all attestations).
fn entry<'a>(v: &'a Value, requirement: &str) -> &'a Value {
    let found: Vec<&Value> = arr(&v["declarations"]["attestations"])
        .iter()
        .flat_map(|a| arr(&a["map"]))
        .filter(|m| m["requirement"] == requirement)
        .collect();
    assert_eq!(found.len(), 1, "{requirement}: {found:?}");
    found[0]
}

fn claim<'a>(v: &'a Value, r: &str) -> &'a Value {
    arr(&v["declarations"]["claims"])
        .iter()
        .find(|c| c["bom-ref"] == r)
        .unwrap_or_else(|| panic!("no claim {r}"))
}

/// The structure every BOM with declarations must have, whatever the model.
fn check_structure(v: &Value, assessed: &Value) {
    assert_eq!(bom::check_refs(v), Vec::<String>::new());
    // The three standards, their requirements in the frameworks' order.
    let mof_std = standard(v, "standard:mof-1.0");
    assert_eq!(mof_std["name"], "Model Openness Framework");
    assert_eq!(mof_std["version"], "1.0");
    let mof_reqs: Vec<String> = arr(&mof_std["requirements"])
        .iter()
        .map(|r| r["bom-ref"].as_str().unwrap().to_string())
        .collect();
    let expected: Vec<String> = mof::COMPONENTS
        .iter()
        .map(|c| format!("requirement:mof-1.0:{}", c.id))
        .collect();
    assert_eq!(mof_reqs, expected);
    let levels = arr(&mof_std["levels"]);
    let sizes: Vec<usize> = levels
        .iter()
        .map(|l| arr(&l["requirements"]).len())
        .collect();
    assert_eq!(sizes, [6, 10, 14]);
    assert_eq!(levels[2]["identifier"], "Class I");
    // Cumulative: each class lists the one before it.
    for w in levels.windows(2) {
        let less: BTreeSet<String> = strings(&w[0]["requirements"]).into_iter().collect();
        let more: BTreeSet<String> = strings(&w[1]["requirements"]).into_iter().collect();
        assert!(less.is_subset(&more), "{less:?} {more:?}");
    }
    // Optional components are in no level.
    assert!(!strings(&levels[2]["requirements"]).contains(&"requirement:mof-1.0:20".to_string()));
    let osaid_ids: Vec<String> = arr(&standard(v, "standard:osaid-1.0")["requirements"])
        .iter()
        .map(|r| r["identifier"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(osaid_ids, osaid::ELEMENT_IDS);
    let eu = &assessed["eu_ai_act"];
    let eu_expected: Vec<&Value> = ["exemption_conditions", "annex_xi", "annex_xii"]
        .iter()
        .flat_map(|k| arr(&eu[k]))
        .map(|i| &i["id"])
        .collect();
    let eu_std = standard(v, "standard:eu-ai-act-gpai");
    let eu_ids: Vec<&Value> = arr(&eu_std["requirements"])
        .iter()
        .map(|r| &r["identifier"])
        .collect();
    assert_eq!(eu_ids, eu_expected);
    assert_eq!(eu_ids.len(), 6 + 11 + 11);

    // One self-assessor; one attestation per standard, each covering its requirements exactly once.
    let d = &v["declarations"];
    assert_eq!(arr(&d["assessors"]).len(), 1);
    assert_eq!(d["assessors"][0]["thirdParty"], false);
    let attestations = arr(&d["attestations"]);
    assert_eq!(attestations.len(), 3);
    for (a, s) in attestations.iter().zip(arr(&v["definitions"]["standards"])) {
        assert_eq!(a["assessor"], "assessor:aibom");
        assert!(a["summary"].as_str().unwrap().contains("self-assessment"));
        let mapped: Vec<&Value> = arr(&a["map"]).iter().map(|m| &m["requirement"]).collect();
        let defined: Vec<&Value> = arr(&s["requirements"])
            .iter()
            .map(|r| &r["bom-ref"])
            .collect();
        assert_eq!(mapped, defined);
    }
    // Scores: 1 with claims, 0 with counter-claims, none only where a reviewer or a declaration decides.
    for m in attestations.iter().flat_map(|a| arr(&a["map"])) {
        let rationale = m["conformance"]["rationale"].as_str().unwrap();
        let status = rationale.split(": ").next().unwrap();
        match m["conformance"]["score"].as_f64() {
            Some(1.0) => {
                assert_eq!(strings(&m["claims"]).len(), 1, "{m}");
                assert!(m["counterClaims"].is_null(), "{m}");
            }
            Some(0.0) => {
                assert_eq!(strings(&m["counterClaims"]).len(), 1, "{m}");
                assert!(m["claims"].is_null(), "{m}");
            }
            None => assert!(
                matches!(status, "needs-human-review" | "needs-declaration"),
                "{m}"
            ),
            Some(s) => panic!("score {s}: {m}"),
        }
        if status == "needs-declaration" {
            // Nothing is claimed for what only a declaration can say.
            assert!(m["claims"].is_null() && m["counterClaims"].is_null(), "{m}");
        }
    }
    // Claims are about the model; file evidence names a file component and its SHA-256.
    let components: Vec<&Value> = arr(&v["components"]).iter().collect();
    for c in arr(&d["claims"]) {
        assert_eq!(c["target"], "model", "{c}");
        assert!(!c["predicate"].as_str().unwrap().is_empty());
    }
    let mut files = 0;
    for e in arr(&d["evidence"]) {
        assert!(e["created"].is_null(), "no timestamp, no created: {e}");
        let name = e["data"][0]["name"].as_str().unwrap();
        let Some(path) = name.strip_prefix("file:") else {
            assert_eq!(name, "reference");
            continue;
        };
        files += 1;
        let comp = components
            .iter()
            .find(|c| c["bom-ref"] == name)
            .unwrap_or_else(|| panic!("no component {name}"));
        assert_eq!(comp["name"], path);
        let sha = comp["hashes"][0]["content"].as_str().unwrap();
        assert_eq!(
            e["data"][0]["contents"]["attachment"]["content"],
            format!("sha256:{sha}")
        );
        let description = e["description"].as_str().unwrap();
        assert!(
            description.contains(sha) && description.contains(name),
            "{description}"
        );
        assert_eq!(e["bom-ref"], format!("evidence:{name}"));
    }
    assert!(files > 0);
    // The class and progress as `aibom assess` has them.
    let model = &v["metadata"]["component"];
    let c = &assessed["mof"]["classification"];
    let class = c["class"].as_str().unwrap_or("Unclassified");
    assert_eq!(prop(model, "aibom:mof-class"), Some(class));
    for (i, name) in [
        "aibom:mof-progress-iii",
        "aibom:mof-progress-ii",
        "aibom:mof-progress-i",
    ]
    .iter()
    .enumerate()
    {
        let p: f64 = prop(model, name).unwrap().parse().unwrap();
        assert_eq!(p, c["classes"][i]["progress"].as_f64().unwrap(), "{name}");
    }
    assert!(attestations[0]["summary"]
        .as_str()
        .unwrap()
        .contains(c["label"].as_str().unwrap()));
    // Every OSAID status as assessed: satisfied 1, not satisfied 0, review unscored.
    for e in arr(&assessed["osaid"]["elements"]) {
        let id = e["id"].as_str().unwrap();
        let m = entry(v, &format!("requirement:osaid-1.0:{id}"));
        let status = e["status"].as_str().unwrap();
        let expected = match status {
            "satisfied-by-evidence" => Some(1.0),
            "not-satisfied" => Some(0.0),
            _ => None,
        };
        assert_eq!(m["conformance"]["score"].as_f64(), expected, "{id}");
        assert_eq!(
            m["conformance"]["rationale"],
            format!("{status}: {}", e["reason"].as_str().unwrap())
        );
    }
}

#[test]
fn a_research_release_records_class_i_with_evidence_in_1_6_and_1_7() {
    let t = tempfile::tempdir().unwrap();
    research_release(&t.path().join("m"));
    let assessed = assess_json(t.path());
    assert_eq!(assessed["mof"]["classification"]["class"], "I");
    for spec in ["1.6", "1.7"] {
        let v = scan_bom(t.path(), spec);
        dump(&format!("declarations-research-{spec}"), &v);
        assert_eq!(v["specVersion"], spec);
        check_structure(&v, &assessed);
        assert_eq!(
            prop(&v["metadata"]["component"], "aibom:mof-class"),
            Some("I")
        );
    }
    let v = scan_bom(t.path(), "1.6");
    // Training code: open, claimed with train.py as evidence.
    let m = entry(&v, "requirement:mof-1.0:7");
    assert_eq!(m["conformance"]["score"], 1);
    assert!(
        m["conformance"]["rationale"]
            .as_str()
            .unwrap()
            .starts_with("open: included under Apache-2.0"),
        "{m}"
    );
    let c = claim(&v, "claim:mof-1.0:7");
    assert_eq!(strings(&c["evidence"]), ["evidence:file:train.py"]);
    // Architecture code carries its own SPDX header.
    assert!(
        entry(&v, "requirement:mof-1.0:9")["conformance"]["rationale"]
            .as_str()
            .unwrap()
            .contains("MIT (SPDX header of modeling_tiny.py)")
    );
    // The data description needs a reviewer: unscored, yet its evidence is named.
    let m = entry(&v, "requirement:osaid-1.0:data-information.description");
    assert!(m["conformance"]["score"].is_null(), "{m}");
    let c = claim(&v, "claim:osaid-1.0:data-information.description");
    assert!(strings(&c["evidence"]).contains(&"evidence:file:data/README.md".to_string()));
    // The freedoms rest on the model licence's file.
    let c = claim(&v, "claim:osaid-1.0:freedom.use");
    assert_eq!(strings(&c["evidence"]), ["evidence:file:README.md"]);
    // The EU AI Act's weights condition points at the weights.
    let c = claim(&v, "claim:eu-ai-act-gpai:art53-2.weights");
    assert_eq!(strings(&c["evidence"]), ["evidence:file:model.safetensors"]);
    // Systemic risk is for a declaration: no claim at all.
    let m = entry(&v, "requirement:eu-ai-act-gpai:art53-2.no-systemic-risk");
    assert!(m["conformance"]["score"].is_null());
    assert!(m["conformance"]["rationale"]
        .as_str()
        .unwrap()
        .starts_with("needs-declaration: "));
    assert!(!arr(&v["declarations"]["claims"])
        .iter()
        .any(|c| c["bom-ref"] == "claim:eu-ai-act-gpai:art53-2.no-systemic-risk"));
}

#[test]
fn llama_licensed_weights_record_counter_claims_and_no_class() {
    let t = tempfile::tempdir().unwrap();
    llama_weights(&t.path().join("m"));
    let assessed = assess_json(t.path());
    let v = scan_bom(t.path(), "1.6");
    dump("declarations-llama-1.6", &v);
    check_structure(&v, &assessed);
    let model = &v["metadata"]["component"];
    assert_eq!(prop(model, "aibom:mof-class"), Some("Unclassified"));
    assert!(v["declarations"]["attestations"][0]["summary"]
        .as_str()
        .unwrap()
        .starts_with("Model Openness Framework 1.0: Unclassified"));
    // The weights are there, under a licence that is not open: a counter-claim citing the weights file.
    let m = entry(&v, "requirement:mof-1.0:10");
    assert_eq!(m["conformance"]["score"], 0);
    assert!(
        m["conformance"]["rationale"]
            .as_str()
            .unwrap()
            .starts_with("not-open: included under LicenseRef-aibom-llama3.1"),
        "{m}"
    );
    assert_eq!(strings(&m["counterClaims"]), ["claim:mof-1.0:10"]);
    assert_eq!(
        strings(&claim(&v, "claim:mof-1.0:10")["evidence"]),
        ["evidence:file:model.safetensors"]
    );
    // Use restricted: freedom.use fails, citing the licence statement's file.
    let m = entry(&v, "requirement:osaid-1.0:freedom.use");
    assert_eq!(m["conformance"]["score"], 0);
    assert_eq!(
        strings(&claim(&v, "claim:osaid-1.0:freedom.use")["evidence"]),
        ["evidence:file:README.md"]
    );
    let m = entry(&v, "requirement:eu-ai-act-gpai:art53-2.licence");
    assert_eq!(m["conformance"]["score"], 0);
    assert!(m["conformance"]["rationale"]
        .as_str()
        .unwrap()
        .starts_with("not-met: "));
    // Missing training code: a counter-claim without evidence.
    let c = claim(&v, "claim:mof-1.0:7");
    assert!(c["evidence"].is_null(), "{c}");
}

/// `aibom audit ARGS -o json` in `dir`: exit code and report.
fn audit_json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let o = run(aibom(dir).arg("audit").args(args).args(["-o", "json"]));
    let v: Value = serde_json::from_str(&out(&o))
        .unwrap_or_else(|e| panic!("{e}: stdout {} stderr {}", out(&o), err(&o)));
    (code(&o), v)
}

/// The codes of the openness results.
fn openness_codes(v: &Value) -> Vec<String> {
    arr(&v["results"])
        .iter()
        .filter(|r| r["category"] == "openness")
        .map(|r| r["code"].as_str().unwrap().to_string())
        .collect()
}

fn policy(dir: &Path, openness: &str) {
    fs::write(
        dir.join("aibom.toml"),
        format!("version = 1\n[openness]\n{openness}"),
    )
    .unwrap();
}

#[test]
fn audit_of_a_bom_judges_openness_by_the_recorded_assessment() {
    let research = tempfile::tempdir().unwrap();
    research_release(&research.path().join("m"));
    let llama = tempfile::tempdir().unwrap();
    llama_weights(&llama.path().join("m"));
    for t in [&research, &llama] {
        fs::write(
            t.path().join("bom.json"),
            scan_bytes(t.path(), "cyclonedx-json"),
        )
        .unwrap();
        fs::write(
            t.path().join("bom15.json"),
            scan_bytes(t.path(), "cyclonedx-json@1.5"),
        )
        .unwrap();
        policy(
            t.path(),
            "min-mof-class = \"I\"\nrequire-osaid = [\"code.training\", \"freedom.use\"]\n",
        );
    }
    // The research release meets Class I and both elements: the BOM alone passes.
    let (c, v) = audit_json(research.path(), &["--bom", "bom.json"]);
    assert_eq!(c, 0, "{v}");
    assert_eq!(openness_codes(&v), Vec::<String>::new());
    // The Llama weights meet no class and neither element.
    let (c, v) = audit_json(llama.path(), &["--bom", "bom.json"]);
    assert_eq!(c, 1, "{v}");
    assert_eq!(
        openness_codes(&v),
        [
            "mof-class-below-minimum",
            "osaid-element-unmet",
            "osaid-element-unmet"
        ]
    );
    let msg = arr(&v["results"])
        .iter()
        .find(|r| r["code"] == "mof-class-below-minimum")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("Unclassified"), "{msg}");
    // The same judgement as on the directory itself.
    let (_, dir) = audit_json(llama.path(), &["m"]);
    let results = |v: &Value| -> Vec<Value> {
        arr(&v["results"])
            .iter()
            .filter(|r| r["category"] == "openness")
            .cloned()
            .collect()
    };
    assert_eq!(results(&v), results(&dir));
    // A 1.5 BOM records nothing to judge by.
    for t in [&research, &llama] {
        let (c, v) = audit_json(t.path(), &["--bom", "bom15.json"]);
        assert_eq!(c, 1, "{v}");
        assert_eq!(openness_codes(&v), ["openness-unassessed"]);
    }
    // An incomplete record (an OSAID element dropped) is not an assessment.
    let mut v: Value =
        serde_json::from_str(&fs::read_to_string(research.path().join("bom.json")).unwrap())
            .unwrap();
    let map = v["declarations"]["attestations"][1]["map"]
        .as_array_mut()
        .unwrap();
    map.retain(|m| m["requirement"] != "requirement:osaid-1.0:freedom.share");
    fs::write(research.path().join("cut.json"), bom::render(&v)).unwrap();
    let (c, v) = audit_json(research.path(), &["--bom", "cut.json"]);
    assert_eq!(c, 1, "{v}");
    assert_eq!(openness_codes(&v), ["openness-unassessed"]);
    // Only the minimum class: a Class III requirement holds for the research release.
    policy(research.path(), "min-mof-class = \"III\"\n");
    let (c, _) = audit_json(research.path(), &["--bom", "bom.json"]);
    assert_eq!(c, 0);
}

#[test]
fn an_attestation_without_the_files_is_judged_by_the_assessment_it_signs() {
    let t = tempfile::tempdir().unwrap();
    llama_weights(&t.path().join("m"));
    for args in [
        &["keygen", "--output-prefix", "k"][..],
        &["attest", "m", "--key", "k.key"],
    ] {
        let o = run(aibom(t.path()).args(args));
        assert_eq!(code(&o), 0, "{args:?}: {}", err(&o));
    }
    policy(t.path(), "min-mof-class = \"III\"\n");
    let (c, v) = audit_json(
        t.path(),
        &["--bundle", "m.aibom.sigstore.json", "--key", "k.pub"],
    );
    assert_eq!(c, 1, "{v}");
    assert_eq!(v["target"]["kind"], "attestation");
    assert_eq!(v["signatures"][0]["verified"], true);
    assert_eq!(openness_codes(&v), ["mof-class-below-minimum"]);
}

#[test]
fn a_1_5_bom_has_none_of_it() {
    let t = tempfile::tempdir().unwrap();
    research_release(&t.path().join("m"));
    let v = scan_bom(t.path(), "1.5");
    dump("declarations-research-1.5", &v);
    assert!(v["definitions"].is_null() && v["declarations"].is_null());
    let model = &v["metadata"]["component"];
    assert!(
        !arr(&model["properties"])
            .iter()
            .any(|p| p["name"].as_str().unwrap().starts_with("aibom:mof-")),
        "{model}"
    );
    assert_eq!(bom::check_refs(&v), Vec::<String>::new());
}

#[test]
fn identical_files_give_identical_bytes_and_a_timestamp_dates_the_evidence() {
    let t = tempfile::tempdir().unwrap();
    research_release(&t.path().join("m"));
    let a = scan_bytes(t.path(), "cyclonedx-json@1.7");
    assert_eq!(a, scan_bytes(t.path(), "cyclonedx-json@1.7"));
    assert!(!a.contains("\"created\""));
    let o = run(aibom(t.path())
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .args(["scan", "-q", "m"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    let v: Value = serde_json::from_str(&out(&o)).unwrap();
    dump("declarations-research-epoch-1.6", &v);
    let ts = &v["metadata"]["timestamp"];
    assert_eq!(ts, "2023-11-14T22:13:20Z");
    let evidence = arr(&v["declarations"]["evidence"]);
    assert!(!evidence.is_empty());
    assert!(evidence.iter().all(|e| &e["created"] == ts), "{evidence:?}");
    // A changed file changes what is recorded, and the serial number with it.
    let before: Value = serde_json::from_str(&a).unwrap();
    fs::write(t.path().join("m/train.py"), b"import torch  # changed\n").unwrap();
    let after = scan_bom(t.path(), "1.7");
    assert_ne!(before["serialNumber"], after["serialNumber"]);
    let sha = |v: &Value| {
        arr(&v["declarations"]["evidence"])
            .iter()
            .find(|e| e["bom-ref"] == "evidence:file:train.py")
            .unwrap()["description"]
            .clone()
    };
    assert_ne!(sha(&before), sha(&after));
}

#[test]
fn check_refs_follows_declaration_links() {
    let t = tempfile::tempdir().unwrap();
    llama_weights(&t.path().join("m"));
    let mut v = scan_bom(t.path(), "1.6");
    assert_eq!(bom::check_refs(&v), Vec::<String>::new());
    v["declarations"]["claims"][0]["evidence"] = serde_json::json!(["evidence:file:nope"]);
    v["definitions"]["standards"][0]["levels"][0]["requirements"][0] =
        serde_json::json!("requirement:mof-1.0:99");
    v["declarations"]["attestations"][0]["assessor"] = serde_json::json!("assessor:someone");
    assert_eq!(
        bom::check_refs(&v),
        [
            "dangling reference requirement:mof-1.0:99",
            "dangling reference assessor:someone",
            "dangling reference evidence:file:nope",
        ]
    );
}
