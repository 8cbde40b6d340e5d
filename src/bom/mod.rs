//! The CycloneDX ML-BOM writer (specVersion 1.5, 1.6 or 1.7, JSON).
//!
//! The split: the pinned `cyclonedx-bom` 0.8.1 builds the skeleton it writes correctly — metadata,
//! tools, components with hashes, purls and properties, pedigree ancestors, external references,
//! dependencies — serialised as its 1.5 JSON. It cannot write 1.6/1.7, and its 1.5 machine-learning output
//! is schema-invalid (`component.data` as an object, `bomRef` in modelCard, `sensitiveData` as a string,
//! dataset refs as bare strings; considerations dropped). So `modelCard` and `data` are our own serde
//! types (`bom/ml.rs`), licences come from `license` as ready CycloneDX licence choices, and this module
//! splices them into the crate's JSON, sets `specVersion`, and derives the serial number from the content.
//! From 1.6 on, the openness assessment of the files is recorded too (`bom/declarations.rs`: the MOF,
//! OSAID and EU AI Act as `definitions.standards`, the assessment as `declarations`), so attesting the
//! BOM signs it.
//!
//! Deterministic: no clock unless a timestamp is given (`SOURCE_DATE_EPOCH`), the serial number is a
//! hash of the rest of the document, and maps serialise in sorted key order.

pub mod declarations;
pub mod ml;

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use cyclonedx_bom::external_models::normalized_string::NormalizedString;
use cyclonedx_bom::external_models::uri::{Purl, Uri};
use cyclonedx_bom::models::bom::{Bom, SpecVersion as CrateSpec};
use cyclonedx_bom::models::component::{Classification, Component, Components, Pedigree};
use cyclonedx_bom::models::dependency::{Dependencies, Dependency};
use cyclonedx_bom::models::external_reference::{
    ExternalReference, ExternalReferenceType, ExternalReferences,
};
use cyclonedx_bom::models::hash::{Hash, HashAlgorithm, HashValue, Hashes};
use cyclonedx_bom::models::metadata::Metadata;
use cyclonedx_bom::models::property::{Properties, Property as CrateProperty};
use cyclonedx_bom::models::tool::Tools;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::completeness::Completeness;
use crate::facts::{DatasetFact, LicenseEntry, ModelFacts};
use crate::inventory::Inventory;
use crate::purl;
use ml::{
    ComponentData, Considerations, DataContents, DataGovernance, DatasetRef,
    EnvironmentalConsiderations, EthicalConsideration, GovernanceParty, ModelCard, ModelParameters,
    Organization, PerformanceMetric, Property, QuantitativeAnalysis,
};

/// The CycloneDX version to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SpecVersion {
    V1_5,
    V1_6,
    V1_7,
}

impl SpecVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            SpecVersion::V1_5 => "1.5",
            SpecVersion::V1_6 => "1.6",
            SpecVersion::V1_7 => "1.7",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "1.5" => Some(SpecVersion::V1_5),
            "1.6" => Some(SpecVersion::V1_6),
            "1.7" => Some(SpecVersion::V1_7),
            _ => None,
        }
    }
}

/// Options of the writer.
#[derive(Debug, Clone)]
pub struct BomOptions {
    pub spec: SpecVersion,
    /// RFC 3339 UTC timestamp for `metadata.timestamp`; none = no timestamp (fully reproducible).
    pub timestamp: Option<String>,
}

/// bom-ref of the model component.
pub const MODEL_REF: &str = "model";

/// bom-ref of a file component.
pub fn file_ref(path: &str) -> String {
    format!("file:{path}")
}

fn prop(name: &str, value: impl AsRef<str>) -> CrateProperty {
    CrateProperty::new(name, value.as_ref())
}

/// A component slug for bom-refs: lowercase, `[a-z0-9._-]`, others become `-`.
fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

fn sha256_hashes(hex: &str) -> Hashes {
    Hashes(vec![Hash {
        alg: HashAlgorithm::SHA_256,
        content: HashValue(hex.to_string()),
    }])
}

/// bom-refs of the datasets, in `facts.datasets` order, unique.
fn dataset_refs(datasets: &[DatasetFact]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    datasets
        .iter()
        .map(|d| {
            let base = format!("dataset:{}", slug(d.hub_id.as_deref().unwrap_or(&d.name)));
            let mut r = base.clone();
            let mut n = 2;
            while !seen.insert(r.clone()) {
                r = format!("{base}-{n}");
                n += 1;
            }
            r
        })
        .collect()
}

/// Build the BOM as JSON.
pub fn build(
    inv: &Inventory,
    facts: &ModelFacts,
    completeness: &Completeness,
    opts: &BomOptions,
) -> Value {
    let ds_refs = dataset_refs(&facts.datasets);
    let bom = skeleton(inv, facts, completeness, &ds_refs);
    let mut v = bom_json_v15(bom);
    splice(&mut v, facts, &ds_refs, opts);
    if opts.spec >= SpecVersion::V1_6 {
        declarations::add(&mut v, inv, facts, opts.timestamp.as_deref());
    }
    // The serial number is derived from everything else, so identical content gives identical bytes.
    let digest = Sha256::digest(serde_json::to_vec(&v).expect("BOM serialises"));
    v["serialNumber"] = Value::String(format!("urn:uuid:{}", uuid_from_digest(&digest)));
    v
}

/// Pretty JSON with a trailing newline.
pub fn render(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("BOM serialises");
    s.push('\n');
    s
}

fn bom_json_v15(bom: Bom) -> Value {
    let mut out = Vec::new();
    bom.output_as_json_v1_5(&mut out)
        .expect("cyclonedx-bom writes a BOM it built");
    serde_json::from_slice(&out).expect("cyclonedx-bom writes JSON")
}

/// A UUID (RFC 9562 version 8, custom) from the first 16 bytes of a SHA-256: content-derived identifiers
/// (the BOM's serial number, the SPDX document's namespace).
pub(crate) fn uuid_from_digest(d: &[u8]) -> String {
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn skeleton(
    inv: &Inventory,
    facts: &ModelFacts,
    completeness: &Completeness,
    ds_refs: &[String],
) -> Bom {
    let mut model = Component::new(
        Classification::MachineLearningModel,
        &facts.name,
        "",
        Some(MODEL_REF.into()),
    );
    model.version = facts.revision.as_deref().map(NormalizedString::new);
    model.description = facts.description.as_deref().map(NormalizedString::new);
    if let Some(repo) = &facts.repo_id {
        model.purl = Purl::from_str(&purl::huggingface(repo, facts.revision.as_deref())).ok();
        if let Some(slash) = repo.find('/') {
            model.group = Some(NormalizedString::new(&repo[..slash]));
        }
    }
    let mut ext = Vec::new();
    if let Some(repo) = &facts.repo_id {
        if let Ok(uri) = Uri::try_from(format!("https://huggingface.co/{repo}")) {
            ext.push(ExternalReference::new(ExternalReferenceType::Website, uri));
        }
    }
    if let Some(origin) = &facts.provenance.git_origin {
        if let Ok(uri) = Uri::try_from(origin.clone()) {
            ext.push(ExternalReference::new(ExternalReferenceType::Vcs, uri));
        }
    }
    if !ext.is_empty() {
        model.external_references = Some(ExternalReferences(ext));
    }
    if !facts.base_models.is_empty() {
        let ancestors = facts
            .base_models
            .iter()
            .map(|b| {
                let mut c = Component::new(
                    Classification::MachineLearningModel,
                    &b.id,
                    "",
                    Some(format!("base-model:{}", slug(&b.id))),
                );
                c.version = b.revision.as_deref().map(NormalizedString::new);
                c.purl = Purl::from_str(&purl::huggingface(&b.id, b.revision.as_deref())).ok();
                let mut props = vec![prop("aibom:declared-in", b.sources.join(", "))];
                if let Some(r) = &b.relation {
                    props.push(prop("aibom:relation", r));
                }
                c.properties = Some(Properties(props));
                c
            })
            .collect();
        model.pedigree = Some(Pedigree {
            ancestors: Some(Components(ancestors)),
            descendants: None,
            variants: None,
            commits: None,
            patches: None,
            notes: None,
        });
    }
    model.properties = Some(Properties(model_properties(inv, facts, completeness)));

    let mut components: Vec<Component> = Vec::new();
    for f in &inv.files {
        let mut c = Component::new(Classification::File, &f.path, "", Some(file_ref(&f.path)));
        c.version = None;
        c.hashes = Some(sha256_hashes(&f.sha256));
        let mut props = vec![
            prop("aibom:role", f.role.as_str()),
            prop("aibom:format", f.format.as_str()),
            prop("aibom:size", f.size.to_string()),
        ];
        if f.symlink {
            props.push(prop("aibom:symlink", "true"));
        }
        if let Some(extra) = facts.files.get(&f.path) {
            props.extend(extra.properties.iter().map(|(k, v)| prop(k, v)));
        }
        c.properties = Some(Properties(props));
        components.push(c);
    }
    for (d, r) in facts.datasets.iter().zip(ds_refs) {
        let mut c = Component::new(Classification::Data, &d.name, "", Some(r.clone()));
        c.version = None;
        c.description = d.description.as_deref().map(NormalizedString::new);
        if let Some(url) = d.url.as_ref().and_then(|u| Uri::try_from(u.clone()).ok()) {
            c.external_references = Some(ExternalReferences(vec![ExternalReference::new(
                ExternalReferenceType::Website,
                url,
            )]));
        }
        let mut props = vec![prop("aibom:declared-in", d.sources.join(", "))];
        props.extend(d.derived_from.iter().map(|x| prop("aibom:derived-from", x)));
        if let Some(p) = &d.published {
            props.push(prop("aibom:date-published", p));
        }
        c.properties = Some(Properties(props));
        components.push(c);
    }
    for l in &facts.libraries {
        let mut c = Component::new(
            Classification::Library,
            &l.name,
            "",
            Some(format!("library:{}", l.purl)),
        );
        c.version = l.version.as_deref().map(NormalizedString::new);
        c.purl = Purl::from_str(&l.purl).ok();
        c.properties = Some(Properties(vec![prop(
            "aibom:declared-in",
            l.sources.join(", "),
        )]));
        components.push(c);
    }

    let mut deps = vec![Dependency {
        dependency_ref: MODEL_REF.to_string(),
        dependencies: components
            .iter()
            .filter_map(|c| c.bom_ref.clone())
            .collect(),
    }];
    for (d, r) in facts.datasets.iter().zip(ds_refs) {
        deps.push(Dependency {
            dependency_ref: r.clone(),
            dependencies: d.files.iter().map(|p| file_ref(p)).collect(),
        });
    }

    let tool = {
        let mut t = Component::new(
            Classification::Application,
            "aibom",
            env!("CARGO_PKG_VERSION"),
            None,
        );
        t.description = Some(NormalizedString::new("AI supply-chain attestation"));
        t
    };
    Bom {
        version: 1,
        serial_number: None,
        metadata: Some(Metadata {
            timestamp: None,
            tools: Some(Tools::Object {
                services: None,
                components: Some(Components(vec![tool])),
            }),
            authors: None,
            component: Some(model),
            manufacture: None,
            supplier: None,
            licenses: None,
            properties: None,
            lifecycles: None,
        }),
        components: Some(Components(components)),
        services: None,
        external_references: None,
        dependencies: Some(Dependencies(deps)),
        compositions: None,
        properties: None,
        vulnerabilities: None,
        signature: None,
        annotations: None,
        formulation: None,
        spec_version: CrateSpec::V1_5,
    }
}

/// Model facts that CycloneDX has no field for, as `aibom:` properties.
fn model_properties(
    inv: &Inventory,
    facts: &ModelFacts,
    completeness: &Completeness,
) -> Vec<CrateProperty> {
    let mut p = vec![prop("aibom:oms-root-digest", &inv.model.digest)];
    if let Some(n) = facts.parameters {
        p.push(prop("aibom:parameters", n.to_string()));
    }
    for (dtype, n) in &facts.dtypes {
        p.push(prop("aibom:dtype", format!("{dtype}={n}")));
    }
    for q in &facts.quantization {
        p.push(prop("aibom:quantization", q));
    }
    for f in &facts.weight_formats {
        p.push(prop("aibom:weight-format", f));
    }
    if let Some(c) = facts.context_length {
        p.push(prop("aibom:context-length", c.to_string()));
    }
    if facts.chat_template {
        p.push(prop("aibom:chat-template", "true"));
    }
    if let Some(l) = &facts.library_name {
        p.push(prop("aibom:library-name", l));
    }
    for l in &facts.languages {
        p.push(prop("aibom:language", l));
    }
    let prov = &facts.provenance;
    for (k, v) in [
        ("aibom:git-commit", &prov.git_commit),
        ("aibom:git-ref", &prov.git_ref),
        ("aibom:hf-revision-source", &prov.hf_source),
    ] {
        if let Some(v) = v {
            p.push(prop(k, v));
        }
    }
    let lic = &facts.licenses;
    if lic.use_restricted {
        p.push(prop("aibom:license-use-restricted", "true"));
    }
    for r in &lic.restrictions {
        p.push(prop("aibom:license-restriction", r));
    }
    for c in &lic.conflicts {
        p.push(prop("aibom:license-conflict", c));
    }
    for e in &lic.evidence {
        p.push(prop("aibom:license-evidence", e));
    }
    for s in &facts.card.placeholders {
        p.push(prop("aibom:card-placeholder", s));
    }
    p.push(prop(
        "aibom:completeness",
        format!("{}/100", completeness.score),
    ));
    for m in completeness.missing() {
        p.push(prop("aibom:completeness-missing", m));
    }
    p.push(prop("aibom:findings", facts.findings.len().to_string()));
    p
}

fn licenses_json(entries: &[LicenseEntry], acknowledgement: &str, spec: SpecVersion) -> Value {
    Value::Array(
        entries
            .iter()
            .map(|e| {
                let mut c = e.choice.clone();
                if spec >= SpecVersion::V1_6 {
                    if let Some(obj) = c.get_mut("license").and_then(Value::as_object_mut) {
                        obj.insert("acknowledgement".into(), json!(acknowledgement));
                    } else if let Some(obj) = c.as_object_mut() {
                        obj.insert("acknowledgement".into(), json!(acknowledgement));
                    }
                } else if let Some(obj) = c.get_mut("license").and_then(Value::as_object_mut) {
                    obj.remove("acknowledgement");
                } else if let Some(obj) = c.as_object_mut() {
                    obj.remove("acknowledgement");
                }
                c
            })
            .collect(),
    )
}

fn splice(v: &mut Value, facts: &ModelFacts, ds_refs: &[String], opts: &BomOptions) {
    let spec = opts.spec;
    v["specVersion"] = json!(spec.as_str());
    v["$schema"] = json!(format!(
        "http://cyclonedx.org/schema/bom-{}.schema.json",
        spec.as_str()
    ));
    if let Some(ts) = &opts.timestamp {
        v["metadata"]["timestamp"] = json!(ts);
    }
    let model = &mut v["metadata"]["component"];
    if let Some((entries, ack)) = facts.licenses.for_model() {
        model["licenses"] = licenses_json(entries, ack.as_str(), spec);
    }
    if spec >= SpecVersion::V1_6 && !facts.tags.is_empty() {
        let tags: BTreeSet<&String> = facts.tags.iter().collect();
        model["tags"] = json!(tags);
    }
    model["modelCard"] =
        serde_json::to_value(model_card(facts, ds_refs, spec)).expect("model card serialises");
    if !facts.findings.is_empty() {
        let vulns = facts
            .findings
            .iter()
            .enumerate()
            .map(|(i, f)| finding_json(i, f))
            .collect();
        v["vulnerabilities"] = Value::Array(vulns);
    }

    let data: BTreeMap<&str, (&DatasetFact, &String)> = facts
        .datasets
        .iter()
        .zip(ds_refs)
        .map(|(d, r)| (r.as_str(), (d, r)))
        .collect();
    if let Some(components) = v["components"].as_array_mut() {
        for c in components {
            let Some(r) = c["bom-ref"].as_str().map(str::to_string) else {
                continue;
            };
            if let Some((d, r)) = data.get(r.as_str()) {
                if !d.licenses.is_empty() {
                    c["licenses"] = licenses_json(&d.licenses, "declared", spec);
                }
                c["data"] = json!([component_data(d, r)]);
            } else if let Some(path) = r.strip_prefix("file:") {
                if let Some(ff) = facts.files.get(path) {
                    if !ff.licenses.is_empty() {
                        c["licenses"] = licenses_json(&ff.licenses, "declared", spec);
                    }
                }
            }
        }
    }
}

/// A finding as a CycloneDX vulnerability: `id` is the stable code (docs/findings.md), `affects` the
/// file's component (or the model when the finding is about no single file), the rating its severity.
fn finding_json(i: usize, f: &crate::finding::Finding) -> Value {
    let target = f
        .path
        .as_deref()
        .map(file_ref)
        .unwrap_or_else(|| MODEL_REF.to_string());
    let mut v = json!({
        "bom-ref": format!("finding:{}:{}", i + 1, f.code),
        "id": f.code,
        "source": {"name": "aibom"},
        "ratings": [{"severity": f.severity.as_str(), "method": "other", "source": {"name": "aibom"}}],
        "description": f.message,
        "affects": [{"ref": target}],
    });
    if !f.evidence.is_empty() {
        v["detail"] = json!(f.evidence);
    }
    let mut props = Vec::new();
    if let Some(m) = &f.member {
        props.push(json!({"name": "aibom:member", "value": m}));
    }
    if let Some(off) = f.offset {
        props.push(json!({"name": "aibom:offset", "value": off.to_string()}));
    }
    if !props.is_empty() {
        v["properties"] = Value::Array(props);
    }
    v
}

fn component_data(d: &DatasetFact, r: &str) -> ComponentData {
    let mut props = Vec::new();
    for f in &d.files {
        props.push(Property::new("aibom:local-file", f));
    }
    for m in &d.members {
        props.push(Property::new("aibom:member", m));
    }
    let contents = (d.url.is_some() || !props.is_empty()).then(|| DataContents {
        url: d.url.clone(),
        properties: props,
    });
    ComponentData {
        bom_ref: format!("{r}#data"),
        data_type: "dataset",
        name: d.name.clone(),
        contents,
        sensitive_data: d.sensitive.clone(),
        description: d.description.clone(),
        governance: (!d.creators.is_empty()).then(|| DataGovernance {
            owners: d
                .creators
                .iter()
                .map(|c| GovernanceParty {
                    organization: Organization { name: c.clone() },
                })
                .collect(),
        }),
    }
}

fn model_card(facts: &ModelFacts, ds_refs: &[String], spec: SpecVersion) -> ModelCard {
    let card = &facts.card;
    let params = ModelParameters {
        task: facts.task.clone(),
        architecture_family: facts.architecture_family.clone(),
        model_architecture: facts.architecture.clone(),
        datasets: ds_refs
            .iter()
            .map(|r| DatasetRef {
                reference: r.clone(),
            })
            .collect(),
    };
    let qa = (!card.metrics.is_empty()).then(|| QuantitativeAnalysis {
        performance_metrics: card
            .metrics
            .iter()
            .map(|m| PerformanceMetric {
                metric_type: m.metric_type.clone(),
                value: m.value.clone(),
                slice: m.slice.clone(),
            })
            .collect(),
    });
    let mut co2_props = Vec::new();
    if let Some(g) = card.co2_grams {
        co2_props.push(Property::new("aibom:co2eq-grams", format!("{g}")));
    }
    for (k, val) in &card.co2_details {
        co2_props.push(Property::new(format!("aibom:co2eq-{k}"), val));
    }
    let mut card_props = Vec::new();
    let env = if co2_props.is_empty() {
        None
    } else if spec >= SpecVersion::V1_6 {
        Some(EnvironmentalConsiderations {
            properties: co2_props,
        })
    } else {
        card_props.extend(co2_props);
        None
    };
    let mut limitations: Vec<String> = Vec::new();
    limitations.extend(card.limitations.clone());
    limitations.extend(
        card.out_of_scope_uses
            .clone()
            .map(|s| format!("Out of scope: {s}")),
    );
    let considerations = Considerations {
        use_cases: card.intended_uses.clone().into_iter().collect(),
        technical_limitations: limitations,
        ethical_considerations: card
            .bias_risks
            .clone()
            .map(|b| EthicalConsideration {
                name: b,
                mitigation_strategy: card.recommendations.clone(),
            })
            .into_iter()
            .collect(),
        environmental_considerations: env,
    };
    if let Some(t) = &card.training_data {
        card_props.push(Property::new("aibom:training-data", t));
    }
    if let Some(t) = &card.training_procedure {
        card_props.push(Property::new("aibom:training-procedure", t));
    }
    if let Some(t) = &card.evaluation {
        card_props.push(Property::new("aibom:evaluation", t));
    }
    ModelCard {
        bom_ref: format!("{MODEL_REF}#model-card"),
        model_parameters: (!params.is_empty()).then_some(params),
        quantitative_analysis: qa,
        considerations: (!considerations.is_empty()).then_some(considerations),
        properties: card_props,
    }
}

/// Check a BOM's references: every `bom-ref` unique, every dependency, dataset, `ref` and declaration
/// link (levels, assessors, requirements, claims, targets, evidence) pointing at an existing `bom-ref`.
/// Returns the problems found.
pub fn check_refs(v: &Value) -> Vec<String> {
    let mut refs: Vec<String> = Vec::new();
    let mut pointers: Vec<String> = Vec::new();
    collect(v, &mut refs, &mut pointers);
    declaration_links(v, &mut pointers);
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for r in &refs {
        if !seen.insert(r.as_str()) {
            problems.push(format!("duplicate bom-ref {r}"));
        }
    }
    for d in v["dependencies"].as_array().into_iter().flatten() {
        if let Some(r) = d["ref"].as_str() {
            pointers.push(r.to_string());
        }
        for x in d["dependsOn"].as_array().into_iter().flatten() {
            if let Some(r) = x.as_str() {
                pointers.push(r.to_string());
            }
        }
    }
    for p in pointers {
        if !seen.contains(p.as_str()) {
            problems.push(format!("dangling reference {p}"));
        }
    }
    problems
}

/// The bom-refs `definitions` and `declarations` point at (1.6+; plain strings, not `ref` objects).
fn declaration_links(v: &Value, pointers: &mut Vec<String>) {
    fn each(v: &Value) -> impl Iterator<Item = &Value> {
        v.as_array().into_iter().flatten()
    }
    let mut add = |x: &Value| {
        if let Some(s) = x.as_str() {
            pointers.push(s.to_string());
        }
    };
    for s in each(&v["definitions"]["standards"]) {
        for l in each(&s["levels"]) {
            each(&l["requirements"]).for_each(&mut add);
        }
        for r in each(&s["requirements"]) {
            add(&r["parent"]);
        }
    }
    let d = &v["declarations"];
    for a in each(&d["attestations"]) {
        add(&a["assessor"]);
        for m in each(&a["map"]) {
            add(&m["requirement"]);
            each(&m["claims"]).for_each(&mut add);
            each(&m["counterClaims"]).for_each(&mut add);
            each(&m["conformance"]["mitigationStrategies"]).for_each(&mut add);
        }
    }
    for c in each(&d["claims"]) {
        add(&c["target"]);
        for k in ["evidence", "counterEvidence", "mitigationStrategies"] {
            each(&c[k]).for_each(&mut add);
        }
    }
}

fn collect(v: &Value, refs: &mut Vec<String>, pointers: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                match (k.as_str(), x) {
                    ("bom-ref", Value::String(s)) => refs.push(s.clone()),
                    ("ref", Value::String(s)) => pointers.push(s.clone()),
                    ("dependencies", _) => {} // checked separately (its `ref` is a pointer too)
                    _ => collect(x, refs, pointers),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect(x, refs, pointers)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls_encode_and_lowercase_revision() {
        assert_eq!(
            purl::huggingface("acme/My.Model", Some("ABC123")),
            "pkg:huggingface/acme/My.Model@abc123"
        );
        assert_eq!(purl::huggingface("gpt2", None), "pkg:huggingface/gpt2");
    }

    #[test]
    fn uuid_has_version_8_and_rfc_variant() {
        let u = uuid_from_digest(&[0xffu8; 32]);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "8");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
    }
}
