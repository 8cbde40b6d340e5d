//! SPDX 3.0.1 documents against the CycloneDX BOM of the same scan: for every fixture model, models
//! generated here (LicenseRef and use-restricted licences, licence conflicts, Croissant datasets with local
//! files, a Hugging Face git checkout, a malicious pickle, a single GGUF file) and hand-made facts, the
//! facts read back from the SPDX document equal those read from the BOM — files and hashes, the model's
//! identity, declared and concluded licences, datasets, base models, libraries, card facts, findings and
//! every `aibom:` property. Also: every referenced spdxId exists, identical input gives identical bytes,
//! `created` follows `--timestamp` / `SOURCE_DATE_EPOCH` (the Unix epoch without one), and the façade
//! writes the binary's bytes. Every document is written to `$AIBOM_SPDX_DUMP/<name>.spdx.json` (when set)
//! for the interop suite (tests/interop/spdx_check.py: spdx-python-model and SHACL).

use std::collections::BTreeMap;
use std::path::Path;

use aibom::bom::{self, BomOptions, SpecVersion};
use aibom::completeness;
use aibom::facts::{
    BaseModel, CardFacts, DatasetFact, FileFacts, Finding, Library, LicenseEntry, Metric,
    ModelFacts, ModelLicenses, Severity,
};
use aibom::hash::NoProgress;
use aibom::output::ReportFormat;
use aibom::pipeline::{self, Scan, ScanOptions};
use aibom::spdx::{self, SpdxOptions};
use serde_json::{json, Value};

mod util;
use util::{aibom, code, err, run, temp_model, TempModel};

const NO_ASSERTION: &str = "expandedlicensing_NoAssertionLicense";

/// Write a document to `$AIBOM_SPDX_DUMP/<name>.spdx.json` when set.
fn dump(name: &str, text: &str) {
    if let Some(dir) = std::env::var_os("AIBOM_SPDX_DUMP") {
        let dir = Path::new(&dir);
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(format!("{name}.spdx.json")), text).unwrap();
    }
}

fn scan(dir: &Path) -> Scan {
    pipeline::scan(dir, &ScanOptions::default(), &NoProgress).unwrap()
}

/// A licence as both formats can say it: the SPDX id or expression, or the name of a licence outside
/// the lists, and the reference to its text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Lic {
    name: String,
    url: Option<String>,
}

#[derive(Debug, PartialEq)]
struct Dataset {
    name: String,
    description: Option<String>,
    url: Option<String>,
    licences: Vec<Lic>,
    creators: Vec<String>,
    files: Vec<String>,
    props: Vec<(String, String)>,
}

/// A base model or library: name, version, purl and `aibom:` properties.
type Package = (
    String,
    Option<String>,
    Option<String>,
    Vec<(String, String)>,
);

/// Everything the comparison looks at, as either document says it.
#[derive(Debug, PartialEq)]
struct Said {
    name: String,
    version: Option<String>,
    description: Option<String>,
    purl: Option<String>,
    website: Option<String>,
    vcs: Option<String>,
    task: Vec<String>,
    architecture: Vec<String>,
    files: Vec<(String, String)>,
    file_props: BTreeMap<String, Vec<(String, String)>>,
    file_licences: BTreeMap<String, Vec<Lic>>,
    /// The licences that stand for the model and whether they are concluded or declared.
    model_licences: Option<(String, Vec<Lic>)>,
    datasets: Vec<Dataset>,
    base_models: Vec<Package>,
    libraries: Vec<Package>,
    metrics: Vec<String>,
    limitation: Option<String>,
    intended_use: Option<String>,
    /// The model's `aibom:` properties (the BOM's model-component properties).
    props: Vec<(String, String)>,
    /// (code, path of the file or `None` for the model).
    findings: Vec<(String, Option<String>)>,
}

fn s(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// A text as the CycloneDX BOM writes it (the `cyclonedx-bom` crate's normalized string: tabs and line
/// breaks become spaces); SPDX keeps the text as found.
fn normalized(v: &Value) -> Option<String> {
    s(v).map(|t| t.replace("\r\n", " ").replace(['\r', '\n', '\t'], " "))
}

fn pairs(v: &Value, name: &str, value: &str) -> Vec<(String, String)> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|p| (s(&p[name]).unwrap(), s(&p[value]).unwrap()))
                .collect()
        })
        .unwrap_or_default()
}

// ---- the CycloneDX side -------------------------------------------------------------------------

fn bom_lics(v: &Value) -> Vec<Lic> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    let l = &c["license"];
                    Lic {
                        name: s(&l["id"])
                            .or_else(|| s(&l["name"]))
                            .or_else(|| s(&c["expression"]))
                            .unwrap(),
                        url: s(&l["url"]),
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

fn bom_ack(v: &Value) -> Option<String> {
    let c = v.as_array()?.first()?;
    s(&c["license"]["acknowledgement"]).or_else(|| s(&c["acknowledgement"]))
}

fn from_bom(v: &Value) -> Said {
    let m = &v["metadata"]["component"];
    let comps: Vec<&Value> = v["components"].as_array().unwrap().iter().collect();
    let of = |t: &'static str| comps.iter().filter(move |c| c["type"] == t).copied();
    let by_ref = |r: &str| comps.iter().find(|c| c["bom-ref"] == r).copied();
    let deps = |r: &str| -> Vec<String> {
        v["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["ref"] == r)
            .map(|d| {
                d["dependsOn"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|x| s(&by_ref(x.as_str().unwrap()).unwrap()["name"]).unwrap())
                    .collect()
            })
            .unwrap_or_default()
    };
    let ext = |c: &Value, t: &str| {
        c["externalReferences"]
            .as_array()
            .and_then(|a| a.iter().find(|e| e["type"] == t))
            .and_then(|e| s(&e["url"]))
    };
    let card = &m["modelCard"];
    let params = &card["modelParameters"];
    let datasets = params["datasets"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| {
                    let r = r["ref"].as_str().unwrap();
                    let c = by_ref(r).unwrap();
                    let data = &c["data"][0];
                    let mut props = pairs(&c["properties"], "name", "value");
                    let url = s(&data["contents"]["url"]);
                    // The SPDX side keeps a URL it cannot write as a home page as a property.
                    let website = ext(c, "website");
                    if let (Some(u), None) = (&url, &website) {
                        props.insert(1, ("aibom:url".into(), u.clone()));
                    }
                    props.extend(
                        pairs(&data["contents"]["properties"], "name", "value")
                            .into_iter()
                            .filter(|(k, _)| k != "aibom:local-file"),
                    );
                    props.extend(
                        data["sensitiveData"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(|x| ("aibom:sensitive-data".into(), s(x).unwrap())),
                    );
                    Dataset {
                        name: s(&c["name"]).unwrap(),
                        description: s(&c["description"]),
                        url: website,
                        licences: bom_lics(&c["licenses"]),
                        creators: data["governance"]["owners"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(|o| s(&o["organization"]["name"]).unwrap())
                            .collect(),
                        files: deps(r),
                        props,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let ancestors = m["pedigree"]["ancestors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| {
            (
                s(&a["name"]).unwrap(),
                s(&a["version"]),
                s(&a["purl"]),
                pairs(&a["properties"], "name", "value"),
            )
        })
        .collect();
    let files: Vec<&Value> = of("file").collect();
    let considerations = &card["considerations"];
    Said {
        name: s(&m["name"]).unwrap(),
        version: s(&m["version"]),
        description: s(&m["description"]),
        purl: s(&m["purl"]),
        website: ext(m, "website"),
        vcs: ext(m, "vcs"),
        task: s(&params["task"]).into_iter().collect(),
        architecture: [
            s(&params["architectureFamily"]),
            s(&params["modelArchitecture"]),
        ]
        .into_iter()
        .flatten()
        .collect(),
        files: files
            .iter()
            .map(|c| {
                (
                    s(&c["name"]).unwrap(),
                    s(&c["hashes"][0]["content"]).unwrap(),
                )
            })
            .collect(),
        file_props: files
            .iter()
            .map(|c| {
                (
                    s(&c["name"]).unwrap(),
                    pairs(&c["properties"], "name", "value"),
                )
            })
            .collect(),
        file_licences: files
            .iter()
            .filter(|c| c["licenses"].is_array())
            .map(|c| (s(&c["name"]).unwrap(), bom_lics(&c["licenses"])))
            .collect(),
        model_licences: bom_ack(&m["licenses"]).map(|ack| (ack, bom_lics(&m["licenses"]))),
        datasets,
        base_models: ancestors,
        libraries: of("library")
            .map(|c| {
                (
                    s(&c["name"]).unwrap(),
                    s(&c["version"]),
                    s(&c["purl"]),
                    pairs(&c["properties"], "name", "value"),
                )
            })
            .collect(),
        metrics: card["quantitativeAnalysis"]["performanceMetrics"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| match s(&p["slice"]) {
                Some(sl) => format!(
                    "{}, {sl}={}",
                    s(&p["type"]).unwrap(),
                    s(&p["value"]).unwrap()
                ),
                None => format!("{}={}", s(&p["type"]).unwrap(), s(&p["value"]).unwrap()),
            })
            .collect(),
        limitation: considerations["technicalLimitations"].as_array().map(|a| {
            a.iter()
                .map(|x| x.as_str().unwrap())
                .collect::<Vec<_>>()
                .join("\n\n")
        }),
        intended_use: considerations["useCases"][0].as_str().map(str::to_string),
        props: pairs(&m["properties"], "name", "value"),
        findings: v["vulnerabilities"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|x| {
                let target = x["affects"][0]["ref"].as_str().unwrap();
                (
                    s(&x["id"]).unwrap(),
                    target.strip_prefix("file:").map(str::to_string),
                )
            })
            .collect(),
    }
}

// ---- the SPDX side ------------------------------------------------------------------------------

struct Spdx<'a> {
    graph: Vec<&'a Value>,
}

impl<'a> Spdx<'a> {
    fn new(v: &'a Value) -> Self {
        Spdx {
            graph: v["@graph"].as_array().unwrap().iter().collect(),
        }
    }

    fn get(&self, id: &str) -> &'a Value {
        self.graph
            .iter()
            .find(|n| n["spdxId"] == id)
            .unwrap_or_else(|| panic!("no element {id}"))
    }

    fn of(&self, t: &str) -> Vec<&'a Value> {
        self.graph
            .iter()
            .filter(|n| n["type"] == t)
            .copied()
            .collect()
    }

    /// Targets of the relationships of `kind` from `from` (one relationship at most, checked).
    fn to(&self, from: &Value, kind: &str) -> Vec<&'a str> {
        let rels: Vec<&Value> = self
            .of("Relationship")
            .into_iter()
            .filter(|r| r["from"] == from["spdxId"] && r["relationshipType"] == kind)
            .collect();
        assert!(
            rels.len() <= 1,
            "{} {kind} from {}",
            rels.len(),
            from["spdxId"]
        );
        rels.first()
            .map(|r| {
                r["to"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_str().unwrap())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Elements pointing at `to` with `kind`.
    fn from(&self, to: &Value, kind: &str) -> Vec<&'a Value> {
        self.of("Relationship")
            .into_iter()
            .filter(|r| {
                r["relationshipType"] == kind
                    && r["to"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|x| *x == to["spdxId"])
            })
            .map(|r| self.get(r["from"].as_str().unwrap()))
            .collect()
    }

    fn lics(&self, from: &Value, kind: &str) -> Vec<Lic> {
        self.to(from, kind)
            .into_iter()
            .filter(|id| *id != NO_ASSERTION)
            .map(|id| {
                let l = self.get(id);
                Lic {
                    name: s(&l["name"])
                        .or_else(|| s(&l["simplelicensing_licenseExpression"]))
                        .unwrap(),
                    url: s(&l["externalRef"][0]["locator"][0]),
                }
            })
            .collect()
    }

    fn name(&self, id: &str) -> String {
        s(&self.get(id)["name"]).unwrap()
    }
}

fn ext_props(n: &Value) -> Vec<(String, String)> {
    pairs(
        &n["extension"][0]["extension_cdxProperty"],
        "extension_cdxPropName",
        "extension_cdxPropValue",
    )
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|x| s(x).unwrap())
        .collect()
}

/// The card facts the SPDX model keeps as properties beyond the BOM's model properties.
const CARD_PROPS: [&str; 5] = [
    "aibom:evaluation",
    "aibom:bias-risks",
    "aibom:recommendations",
    "aibom:tag",
    "aibom:co2eq-",
];

fn from_spdx(v: &Value) -> Said {
    let d = Spdx::new(v);
    let doc = d.of("SpdxDocument")[0];
    let m = d.get(doc["rootElement"][0].as_str().unwrap());
    let files: Vec<&Value> = d
        .to(m, "contains")
        .into_iter()
        .map(|id| d.get(id))
        .collect();
    let model_licences = match (
        d.lics(m, "hasConcludedLicense"),
        d.lics(m, "hasDeclaredLicense"),
    ) {
        (c, _) if !c.is_empty() => Some(("concluded".to_string(), c)),
        (_, dl) if !dl.is_empty() => Some(("declared".to_string(), dl)),
        _ => None,
    };
    let datasets = d
        .to(m, "trainedOn")
        .into_iter()
        .map(|id| {
            let ds = d.get(id);
            Dataset {
                name: s(&ds["name"]).unwrap(),
                description: normalized(&ds["description"]),
                url: s(&ds["software_homePage"]),
                licences: d.lics(ds, "hasDeclaredLicense"),
                // One creator is the originator; several (the Dataset profile allows one) are properties.
                creators: strings(&ds["originatedBy"])
                    .iter()
                    .map(|a| d.name(a))
                    .chain(
                        ext_props(ds)
                            .into_iter()
                            .filter(|(k, _)| k == "aibom:creator")
                            .map(|(_, c)| c),
                    )
                    .collect(),
                files: d
                    .to(ds, "contains")
                    .into_iter()
                    .map(|f| d.name(f))
                    .collect(),
                props: ext_props(ds)
                    .into_iter()
                    .filter(|(k, _)| k != "aibom:creator")
                    .collect(),
            }
        })
        .collect();
    let model_props: Vec<(String, String)> = ext_props(m)
        .into_iter()
        .filter(|(k, _)| !CARD_PROPS.iter().any(|c| k.starts_with(c)))
        .collect();
    let metrics = m["ai_metric"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| format!("{}={}", s(&e["key"]).unwrap(), s(&e["value"]).unwrap()))
        .collect();
    Said {
        name: s(&m["name"]).unwrap(),
        version: s(&m["software_packageVersion"]),
        description: normalized(&m["description"]),
        purl: s(&m["software_packageUrl"]),
        website: s(&m["software_homePage"]),
        vcs: m["externalRef"]
            .as_array()
            .and_then(|a| a.iter().find(|e| e["externalRefType"] == "vcs"))
            .and_then(|e| s(&e["locator"][0])),
        task: strings(&m["ai_domain"]),
        architecture: strings(&m["ai_typeOfModel"]),
        files: files
            .iter()
            .map(|f| {
                assert_eq!(f["verifiedUsing"][0]["algorithm"], "sha256");
                (
                    s(&f["name"]).unwrap(),
                    s(&f["verifiedUsing"][0]["hashValue"]).unwrap(),
                )
            })
            .collect(),
        file_props: files
            .iter()
            .map(|f| (s(&f["name"]).unwrap(), ext_props(f)))
            .collect(),
        file_licences: files
            .iter()
            .filter(|f| !d.to(f, "hasDeclaredLicense").is_empty())
            .map(|f| (s(&f["name"]).unwrap(), d.lics(f, "hasDeclaredLicense")))
            .collect(),
        model_licences,
        datasets,
        base_models: d
            .from(m, "ancestorOf")
            .into_iter()
            .map(|b| {
                (
                    s(&b["name"]).unwrap(),
                    s(&b["software_packageVersion"]),
                    s(&b["software_packageUrl"]),
                    ext_props(b),
                )
            })
            .collect(),
        libraries: d
            .to(m, "dependsOn")
            .into_iter()
            .map(|id| {
                let l = d.get(id);
                (
                    s(&l["name"]).unwrap(),
                    s(&l["software_packageVersion"]),
                    s(&l["software_packageUrl"]),
                    ext_props(l),
                )
            })
            .collect(),
        metrics,
        limitation: s(&m["ai_limitation"]),
        intended_use: s(&m["ai_informationAboutApplication"]),
        props: model_props,
        findings: d
            .of("Annotation")
            .into_iter()
            .map(|a| {
                let st = a["statement"].as_str().unwrap();
                let code = st
                    .strip_prefix("aibom finding ")
                    .and_then(|r| r.split(' ').next())
                    .unwrap();
                let subject = d.get(a["subject"].as_str().unwrap());
                let path =
                    (subject["type"] == "software_File").then(|| s(&subject["name"]).unwrap());
                (code.to_string(), path)
            })
            .collect(),
    }
}

/// Both documents of one set of facts say the same, the SPDX one is sound, and it is dumped.
fn compare(name: &str, bom_doc: &Value, spdx_text: &str, facts: &ModelFacts) {
    let v: Value = serde_json::from_str(spdx_text).unwrap();
    dump(name, spdx_text);
    assert_eq!(spdx::check_refs(&v), Vec::<String>::new(), "{name}");
    assert_eq!(bom::check_refs(bom_doc), Vec::<String>::new(), "{name}");
    let (a, b) = (from_bom(bom_doc), from_spdx(&v));
    assert_eq!(a, b, "{name}: the SPDX document and the BOM differ");
    // SPDX also says what was declared when a licence was concluded (the BOM shows one of the two).
    let d = Spdx::new(&v);
    let m = d.get(v["@graph"][1]["rootElement"][0].as_str().unwrap());
    let declared: Vec<String> = d
        .lics(m, "hasDeclaredLicense")
        .into_iter()
        .map(|l| l.name)
        .collect();
    let expected: Vec<String> = facts
        .licenses
        .declared
        .iter()
        .map(|e| {
            e.choice["license"]["name"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| e.display.clone())
        })
        .collect();
    assert_eq!(declared, expected, "{name}: declared licences");
    for (kind, none) in [
        ("hasDeclaredLicense", facts.licenses.declared.is_empty()),
        ("hasConcludedLicense", facts.licenses.concluded.is_empty()),
    ] {
        assert_eq!(d.to(m, kind) == [NO_ASSERTION], none, "{name}: {kind}");
    }
    // The card facts kept as properties are the facts' own.
    let p = ext_props(m);
    let card = &facts.card;
    let has = |k: &str, val: &Option<String>| {
        assert_eq!(
            p.iter().find(|(n, _)| n == k).map(|(_, x)| x.clone()),
            *val,
            "{name}: {k}"
        )
    };
    has("aibom:evaluation", &card.evaluation);
    has("aibom:bias-risks", &card.bias_risks);
    has("aibom:co2eq-grams", &card.co2_grams.map(|g| format!("{g}")));
    // Standard compliance is the BOM's recorded assessment (1.6+): the MOF class reached (the model
    // property), the OSAID when the BOM scores every one of its elements as met.
    let compliance = strings(&m["ai_standardCompliance"]);
    let mof_class = bom_doc["metadata"]["component"]["properties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "aibom:mof-class")
        .and_then(|p| s(&p["value"]))
        .expect("the BOM records the MOF class");
    let mof: Vec<&String> = compliance
        .iter()
        .filter(|c| c.starts_with("Model Openness Framework 1.0: "))
        .collect();
    match mof_class.as_str() {
        "Unclassified" => assert!(mof.is_empty(), "{name}: {mof:?}"),
        k => assert!(
            mof.len() == 1
                && mof[0].starts_with(&format!("Model Openness Framework 1.0: Class {k} - ")),
            "{name}: class {k}, {mof:?}"
        ),
    }
    let osaid_scores: Vec<&Value> = bom_doc["declarations"]["attestations"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|a| a["map"].as_array().unwrap())
        .filter(|e| {
            e["requirement"]
                .as_str()
                .unwrap()
                .starts_with("requirement:osaid-1.0:")
        })
        .map(|e| &e["conformance"]["score"])
        .collect();
    assert!(
        !osaid_scores.is_empty(),
        "{name}: the BOM assesses the OSAID"
    );
    let open_source_ai = osaid_scores.iter().all(|x| x.as_f64() == Some(1.0));
    assert_eq!(
        compliance
            .iter()
            .any(|c| c.starts_with("Open Source AI Definition 1.0 ")),
        open_source_ai,
        "{name}: {compliance:?}"
    );
    assert!(compliance
        .iter()
        .all(|c| c.contains("self-assessed by aibom")));
    assert_eq!(
        v["@graph"][1]["profileConformance"]
            .as_array()
            .unwrap()
            .contains(&json!("dataset")),
        !facts.datasets.is_empty(),
        "{name}"
    );
}

/// Build both documents of a scan and compare them.
fn compare_scan(name: &str, s: &Scan) {
    let b = s.bom(SpecVersion::V1_6, None);
    let text = s.render(ReportFormat::SpdxJson, None);
    compare(name, &b, &text, s.facts());
}

// ---- the tests ----------------------------------------------------------------------------------

#[test]
fn every_fixture_model_says_in_spdx_what_its_bom_says() {
    let models = util::fixture_models();
    assert!(models.len() >= 5, "{models:?}");
    for (name, path) in models {
        let s = scan(&path);
        compare_scan(&format!("fixture-{name}"), &s);
    }
}

fn safetensors_with_metadata(meta: &str) -> Vec<u8> {
    let header = format!(
        "{{\"__metadata__\":{meta},\"w\":{{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}}}"
    );
    let mut v = (header.len() as u64).to_le_bytes().to_vec();
    v.extend_from_slice(header.as_bytes());
    v.extend_from_slice(&[0u8; 8]);
    v
}

/// A release with every component of the Model Openness Framework under an open licence (Class I), and
/// what the Open Source AI Definition asks for (tests/util/models.rs).
fn research_release() -> TempModel {
    let m = temp_model(&[]);
    util::models::research_release(m.path());
    m
}

/// Models written here, each exercising a part of the mapping the fixtures do not.
fn generated_models() -> Vec<(&'static str, TempModel)> {
    let weights = safetensors_with_metadata("{}");
    let mit_weights = safetensors_with_metadata(r#"{"license":"MIT"}"#);
    let croissant = br#"{"@context": {"@vocab": "https://schema.org/"}, "@type": "Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.0", "name": "corpus", "license": "CC-BY-4.0",
        "url": "https://example.org/corpus", "creator": {"@type": "Organization", "name": "Acme Labs"},
        "description": "Four prompts.",
        "distribution": [{"@type": "cr:FileObject", "@id": "train", "name": "train", "contentUrl": "data/train.jsonl",
        "encodingFormat": "application/jsonlines"},
        {"@type": "cr:FileObject", "@id": "test", "name": "test", "contentUrl": "data/test.jsonl",
        "encodingFormat": "application/jsonlines",
        "sha256": "0000000000000000000000000000000000000000000000000000000000000000"}]}"#;
    let hf = temp_model(&[
        (
            "README.md",
            b"---\nlicense: apache-2.0\nbase_model: acme/base\ndatasets:\n- acme/prompts\n---\n# m\n",
        ),
        ("model.safetensors", &weights),
        ("config.json", br#"{"model_type": "llama", "architectures": ["LlamaForCausalLM"]}"#),
    ]);
    let g = hf.path().join(".git");
    std::fs::create_dir_all(g.join("refs/heads")).unwrap();
    std::fs::write(g.join("HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(
        g.join("refs/heads/main"),
        "0123456789abcdef0123456789abcdef01234567\n",
    )
    .unwrap();
    std::fs::write(
        g.join("config"),
        "[remote \"origin\"]\n\turl = https://huggingface.co/acme/m\n",
    )
    .unwrap();
    vec![
        (
            "licence-ref",
            temp_model(&[
                (
                    "README.md",
                    b"---\nlicense: other\nlicense_name: llama3.1\nlicense_link: LICENSE\n---\n# m\n",
                ),
                ("w.safetensors", &weights),
            ]),
        ),
        (
            "licence-conflict",
            temp_model(&[
                ("README.md", b"---\nlicense: apache-2.0\n---\n# m\n"),
                ("model.safetensors", &mit_weights),
            ]),
        ),
        (
            "croissant",
            temp_model(&[
                ("croissant.json", croissant),
                ("data/train.jsonl", b"{\"x\": 1}\n"),
                ("data/test.jsonl", b"changed\n"),
                ("model.safetensors", &weights),
            ]),
        ),
        ("hf-checkout", hf),
        (
            "malicious-pickle",
            temp_model(&[
                (
                    "pytorch_model.bin",
                    b"\x80\x02cposix\nsystem\nX\x02\x00\x00\x00id\x85R.",
                ),
                ("README.md", b"---\nlicense: mit\n---\n# m\n"),
                ("requirements.txt", b"torch==2.3.0\nnumpy\n"),
            ]),
        ),
        ("gguf-file", temp_model(&[("model.gguf", b"GGUF\x03\x00\x00\x00")])),
        ("research-release", research_release()),
    ]
}

#[test]
fn generated_models_say_in_spdx_what_their_boms_say() {
    for (name, m) in generated_models() {
        // The single GGUF file is scanned as a file, the others as directories.
        let path = if name == "gguf-file" {
            m.path().join("model.gguf")
        } else {
            m.path().to_path_buf()
        };
        let s = scan(&path);
        compare_scan(&format!("generated-{name}"), &s);
        let v: Value = serde_json::from_str(&s.render(ReportFormat::SpdxJson, None)).unwrap();
        let d = Spdx::new(&v);
        let model = d.get(v["@graph"][1]["rootElement"][0].as_str().unwrap());
        match name {
            "licence-ref" => {
                let l = d.lics(model, "hasConcludedLicense");
                assert_eq!(l.len(), 1);
                assert!(l[0].name.contains("Llama 3.1"), "{l:?}");
                let id = d.to(model, "hasConcludedLicense")[0];
                assert!(
                    d.get(id)["simplelicensing_licenseExpression"]
                        .as_str()
                        .unwrap()
                        .starts_with("LicenseRef-"),
                    "a licence outside SPDX is a LicenseRef"
                );
            }
            "licence-conflict" => {
                assert_eq!(d.to(model, "hasConcludedLicense"), [NO_ASSERTION]);
                let mut names: Vec<String> = d
                    .lics(model, "hasDeclaredLicense")
                    .into_iter()
                    .map(|l| l.name)
                    .collect();
                names.sort();
                assert_eq!(names, ["Apache-2.0", "MIT"]);
            }
            "croissant" => {
                let ds = d.of("dataset_DatasetPackage");
                assert_eq!(ds.len(), 1);
                assert_eq!(ds[0]["software_homePage"], "https://example.org/corpus");
                assert_eq!(d.lics(ds[0], "hasDeclaredLicense")[0].name, "CC-BY-4.0");
                assert_eq!(d.to(ds[0], "contains").len(), 1);
                assert!(d.of("Annotation").iter().any(|a| a["statement"]
                    .as_str()
                    .unwrap()
                    .starts_with("aibom finding dataset-hash-mismatch")));
            }
            "hf-checkout" => {
                assert_eq!(
                    model["software_packageUrl"],
                    "pkg:huggingface/acme/m@0123456789abcdef0123456789abcdef01234567"
                );
                assert_eq!(model["software_homePage"], "https://huggingface.co/acme/m");
                assert_eq!(
                    strings(&model["ai_typeOfModel"]),
                    ["llama", "LlamaForCausalLM"]
                );
                assert_eq!(d.from(model, "ancestorOf").len(), 1);
                assert_eq!(d.to(model, "trainedOn").len(), 1);
            }
            "malicious-pickle" => {
                let a = d
                    .of("Annotation")
                    .into_iter()
                    .find(|a| {
                        a["statement"]
                            .as_str()
                            .unwrap()
                            .starts_with("aibom finding pickle-dangerous-import (critical)")
                    })
                    .expect("the finding is an annotation");
                assert_eq!(d.name(a["subject"].as_str().unwrap()), "pytorch_model.bin");
                assert_eq!(d.to(model, "dependsOn").len(), 2);
            }
            "gguf-file" => {
                assert_eq!(d.to(model, "contains").len(), 1);
            }
            "research-release" => {
                // Class I; the OSAID leaves elements to a reviewer here, so it is not claimed.
                assert_eq!(
                    strings(&model["ai_standardCompliance"]),
                    [
                        "Model Openness Framework 1.0: Class I - Open Science Model \
                      (self-assessed by aibom from the model's files)"
                    ]
                );
            }
            _ => unreachable!(),
        }
    }
}

fn entry(display: &str, choice: Value) -> LicenseEntry {
    LicenseEntry {
        choice,
        display: display.into(),
    }
}

/// Facts with every section filled, some of them beyond what the fixtures reach.
fn rich_facts() -> ModelFacts {
    let apache = entry(
        "Apache-2.0",
        json!({"license": {"id": "Apache-2.0", "acknowledgement": "declared"}}),
    );
    let llama = entry(
        "LicenseRef-aibom-llama3.1",
        json!({"license": {"name": "Llama 3.1 Community License", "url": "https://example.org/llama", "acknowledgement": "concluded"}}),
    );
    ModelFacts {
        name: "tiny".into(),
        repo_id: Some("acme/tiny".into()),
        revision: Some("0123456789abcdef0123456789abcdef01234567".into()),
        description: Some("A tiny model.".into()),
        task: Some("text-generation".into()),
        architecture_family: Some("llama".into()),
        architecture: Some("LlamaForCausalLM".into()),
        languages: vec!["en".into()],
        tags: vec!["tiny".into()],
        parameters: Some(52),
        dtypes: BTreeMap::from([("F32".into(), 52)]),
        weight_formats: vec!["safetensors".into()],
        context_length: Some(2048),
        chat_template: true,
        base_models: vec![
            BaseModel {
                id: "acme/base".into(),
                relation: Some("finetune".into()),
                revision: Some("abc".into()),
                sources: vec!["README.md".into(), "config.json".into()],
            },
            BaseModel {
                id: "other/base".into(),
                relation: None,
                revision: None,
                sources: vec!["adapter_config.json".into()],
            },
        ],
        datasets: vec![
            DatasetFact {
                name: "acme/corpus".into(),
                hub_id: Some("acme/corpus".into()),
                description: Some("Prompts.".into()),
                url: Some("https://example.org/corpus".into()),
                licenses: vec![entry(
                    "CC-BY-4.0",
                    json!({"license": {"id": "CC-BY-4.0", "acknowledgement": "declared"}}),
                )],
                creators: vec!["Acme Labs".into(), "Jane Doe".into()],
                published: Some("2024-01-01".into()),
                files: vec!["data/train.jsonl".into()],
                derived_from: vec!["wiki".into()],
                sensitive: vec!["none declared".into()],
                members: vec!["part-a".into()],
                sources: vec!["croissant.json".into()],
            },
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
            concluded: vec![llama.clone()],
            declared: vec![llama, apache.clone()],
            use_restricted: true,
            restrictions: vec!["acceptable use policy".into()],
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
            metrics: vec![Metric {
                metric_type: "accuracy".into(),
                value: "0.5".into(),
                slice: Some("text-generation on acme/corpus".into()),
            }],
            co2_grams: Some(12.5),
            co2_details: BTreeMap::from([("source".into(), "estimate".into())]),
            placeholders: vec!["citation".into()],
            ..Default::default()
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
        files: BTreeMap::from([(
            "config.json".to_string(),
            FileFacts {
                properties: vec![("aibom:parameters".into(), "52".into())],
                licenses: vec![apache],
            },
        )]),
        ..Default::default()
    }
}

fn model_dir() -> TempModel {
    temp_model(&[
        ("model.safetensors", b"\x02\x00\x00\x00\x00\x00\x00\x00{}"),
        ("config.json", b"{}"),
        ("data/train.jsonl", b"{\"x\": 1}\n"),
    ])
}

#[test]
fn hand_made_facts_say_in_spdx_what_their_bom_says() {
    let m = model_dir();
    let inv = scan(m.path()).inventory;
    for (name, facts) in [
        ("rich", rich_facts()),
        (
            "bare",
            ModelFacts {
                name: "bare".into(),
                ..Default::default()
            },
        ),
    ] {
        let c = completeness::assess(&facts);
        let b = bom::build(
            &inv,
            &facts,
            &c,
            &BomOptions {
                spec: SpecVersion::V1_6,
                timestamp: None,
            },
        );
        let text = spdx::render(&spdx::build(&inv, &facts, &c, &SpdxOptions::default()));
        compare(&format!("facts-{name}"), &b, &text, &facts);
    }
}

#[test]
fn the_comparison_sees_a_difference() {
    // A guard on the comparison itself: a document that says something else is told apart.
    let m = model_dir();
    let inv = scan(m.path()).inventory;
    let facts = rich_facts();
    let c = completeness::assess(&facts);
    let b = bom::build(
        &inv,
        &facts,
        &c,
        &BomOptions {
            spec: SpecVersion::V1_6,
            timestamp: None,
        },
    );
    let mut other = facts.clone();
    other.datasets[0].licenses.clear();
    other.files.clear();
    let text = spdx::render(&spdx::build(&inv, &other, &c, &SpdxOptions::default()));
    let v: Value = serde_json::from_str(&text).unwrap();
    let (a, s) = (from_bom(&b), from_spdx(&v));
    assert_ne!(a.datasets, s.datasets);
    assert_ne!(a.file_licences, s.file_licences);
    assert_eq!(a.files, s.files);
}

#[test]
fn identical_input_gives_identical_bytes_and_created_follows_the_timestamp() {
    let m = model_dir();
    let s = scan(m.path());
    let a = s.render(ReportFormat::SpdxJson, None);
    assert_eq!(a, scan(m.path()).render(ReportFormat::SpdxJson, None));
    let v: Value = serde_json::from_str(&a).unwrap();
    assert_eq!(v["@graph"][0]["created"], spdx::NO_TIMESTAMP);
    let dated = s.render(ReportFormat::SpdxJson, Some("2024-05-01T12:00:00Z"));
    let w: Value = serde_json::from_str(&dated).unwrap();
    assert_eq!(w["@graph"][0]["created"], "2024-05-01T12:00:00Z");
    assert!(w["@graph"][0].get("comment").is_none());
    dump("timestamped", &dated);
    // The façade's document is the rendered one.
    assert_eq!(spdx::render(&s.spdx(None)), a);
}

#[test]
fn cli_writes_the_facades_bytes_and_honours_source_date_epoch() {
    let m = model_dir();
    let s = scan(m.path());
    let cli = |args: &[&str], epoch: Option<&str>| {
        let mut c = aibom();
        c.arg("scan").arg(m.path()).arg("-q").args(args);
        if let Some(e) = epoch {
            c.env("SOURCE_DATE_EPOCH", e);
        }
        let o = run(&mut c);
        assert_eq!(code(&o), 0, "{}", err(&o));
        o.stdout
    };
    let plain = cli(&["-o", "spdx-json"], None);
    assert_eq!(plain, s.render(ReportFormat::SpdxJson, None).as_bytes());
    assert_eq!(plain, cli(&["-o", "spdx-json@3.0.1"], None));
    let dated = cli(&["-o", "spdx-json"], Some("1700000000"));
    assert_eq!(
        dated,
        s.render(ReportFormat::SpdxJson, Some("2023-11-14T22:13:20Z"))
            .as_bytes()
    );
    let v: Value = serde_json::from_slice(&dated).unwrap();
    assert_eq!(v["@graph"][0]["created"], "2023-11-14T22:13:20Z");
    let flag = cli(
        &["-o", "spdx-json", "--timestamp", "2024-05-01T12:00:00Z"],
        None,
    );
    let v: Value = serde_json::from_slice(&flag).unwrap();
    assert_eq!(v["@graph"][0]["created"], "2024-05-01T12:00:00Z");

    // Both standards in one run, to files beside the model.
    let spdx_path = m.dir().join("m.spdx.json");
    let cdx_path = m.dir().join("m.cdx.json");
    cli(
        &[
            "-o",
            &format!("spdx-json={}", spdx_path.display()),
            "-o",
            &format!("cyclonedx-json={}", cdx_path.display()),
        ],
        Some("1700000000"),
    );
    assert_eq!(std::fs::read(&spdx_path).unwrap(), dated);
    let b: Value = serde_json::from_slice(&std::fs::read(&cdx_path).unwrap()).unwrap();
    assert_eq!(b["metadata"]["timestamp"], "2023-11-14T22:13:20Z");

    let o = run(aibom()
        .arg("scan")
        .arg(m.path())
        .args(["-o", "spdx-json@2.3"]));
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("3.0.1"), "{}", err(&o));
}
