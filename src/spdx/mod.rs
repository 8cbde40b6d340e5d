//! The SPDX 3.0.1 writer (JSON-LD, Core, Software, SimpleLicensing, AI, Dataset and Extension profiles):
//! the same facts as the CycloneDX BOM (`bom`), in SPDX's model. The model is an `ai_AIPackage`, every
//! file a `software_File` with its SHA-256, every dataset a `dataset_DatasetPackage`, every base model an
//! `ai_AIPackage`, every code dependency a `software_Package`; licences are
//! `simplelicensing_LicenseExpression` elements reached by `hasDeclaredLicense` / `hasConcludedLicense`
//! relationships (SPDX's `NoAssertionLicense` where no licence is known, as the AI and Dataset profiles
//! require one of each); lineage and data are `ancestorOf`, `trainedOn`, `contains` and `dependsOn`
//! relationships; findings are annotations on the file (or model) they concern; the openness assessment
//! the BOM records gives `ai_standardCompliance` (the MOF class reached, the OSAID when met). Facts SPDX
//! has no property for keep the BOM's `aibom:` property names in an `extension_CdxPropertiesExtension`.
//! docs/spdx.md has the whole mapping and what SPDX cannot say.
//!
//! Deterministic: `created` is the given timestamp or, when there is none, the Unix epoch (SPDX requires
//! one; the creation info says so), the document's namespace is a UUID derived from a hash of the rest of
//! the document, and every list is in the order of the facts.

pub mod ids;
pub mod model;

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use cyclonedx_bom::external_models::uri::{Purl, Uri};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::bom::declarations::{mof_class_value, PROP_MOF_CLASS, PROP_MOF_PROGRESS};
use crate::completeness::Completeness;
use crate::facts::{BaseModel, DatasetFact, Finding, Library, LicenseEntry, ModelFacts};
use crate::inventory::{FileRecord, Inventory};
use crate::openness::assess::{self, Assessment};
use crate::openness::mof::{MofClass, FRAMEWORK_NAME, FRAMEWORK_VERSION};
use crate::openness::osaid;
use crate::purl;
use crate::role::Role;
use ids::{uuid_from_digest, Ids};
use model::{
    Agent, Annotation, CdxPropertiesExtension, CreationInfo, DictionaryEntry, Document,
    ExternalRef, File, Hash, Head, LicenseExpression, Node, Package, Relationship, SpdxDocument,
    CONTEXT, CREATION_INFO, NO_ASSERTION_LICENSE, SPEC_VERSION,
};

/// `created` when no timestamp is given: the Unix epoch, a documented placeholder meaning "not recorded"
/// (SPDX 3 requires the property; a clock would make identical input give different bytes).
pub const NO_TIMESTAMP: &str = "1970-01-01T00:00:00Z";

/// Options of the writer.
#[derive(Debug, Clone, Default)]
pub struct SpdxOptions {
    /// RFC 3339 UTC timestamp (`YYYY-MM-DDTHH:MM:SSZ`) for `CreationInfo.created`; none = [`NO_TIMESTAMP`].
    pub timestamp: Option<String>,
}

/// The namespace of the first pass, whose hash names the real one.
const PROBE_NAMESPACE: &str = "urn:uuid:00000000-0000-8000-8000-000000000000";

/// Build the SPDX document of a scanned model.
pub fn build(
    inv: &Inventory,
    facts: &ModelFacts,
    completeness: &Completeness,
    opts: &SpdxOptions,
) -> Document {
    // The openness assessment of the files, as the BOM records it (`bom::declarations`).
    let openness = assess::assess_from(
        &inv.files,
        facts,
        &inv.model.digest,
        &facts.name,
        &Default::default(),
    );
    let all = &Facts {
        inv,
        facts,
        completeness,
        openness: &openness,
    };
    // The namespace is derived from everything else, so identical content gives identical bytes and
    // different content different ids.
    let probe = document(all, opts, PROBE_NAMESPACE);
    let digest = Sha256::digest(serde_json::to_vec(&probe).expect("SPDX document serialises"));
    let namespace = format!("urn:uuid:{}", uuid_from_digest(&digest));
    document(all, opts, &namespace)
}

/// Everything the document is made of.
struct Facts<'a> {
    inv: &'a Inventory,
    facts: &'a ModelFacts,
    completeness: &'a Completeness,
    openness: &'a Assessment,
}

/// Pretty JSON with a trailing newline.
pub fn render(doc: &Document) -> String {
    let mut s = serde_json::to_string_pretty(doc).expect("SPDX document serialises");
    s.push('\n');
    s
}

/// A file's `software_primaryPurpose` from its role, where SPDX has a purpose that says the same; none
/// for roles it has no word for (tokenizer, licence, data manifest, other).
pub fn file_purpose(role: Role) -> Option<&'static str> {
    match role {
        Role::Weights => Some("model"),
        Role::Config => Some("configuration"),
        Role::Code => Some("source"),
        Role::Documentation => Some("documentation"),
        Role::Tokenizer | Role::Licence | Role::DataManifest | Role::Other => None,
    }
}

/// The licences and their elements, one element per distinct licence.
struct Licences {
    /// (expression, name, url) → spdxId, in first-use order.
    seen: BTreeMap<(String, Option<String>, Option<String>), String>,
    nodes: Vec<Node>,
}

impl Licences {
    /// The spdxIds of `entries`' licence elements (made on first use), or SPDX's no-assertion licence
    /// when there are none.
    fn ids(&mut self, ids: &mut Ids, entries: &[LicenseEntry]) -> Vec<String> {
        if entries.is_empty() {
            return vec![NO_ASSERTION_LICENSE.to_string()];
        }
        entries
            .iter()
            .map(|e| {
                // A licence outside CycloneDX's list is `{"license": {"name", "url"}}` there: its name
                // and the reference to its text travel with the SPDX expression.
                let lic = e.choice.get("license");
                let field = |k: &str| {
                    lic.and_then(|l| l.get(k))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                };
                let name = field("name");
                let url = field("url").filter(|u| Uri::try_from(u.clone()).is_ok());
                let key = (e.display.clone(), name.clone(), url.clone());
                if let Some(id) = self.seen.get(&key) {
                    return id.clone();
                }
                let id = ids.next("license", &e.display);
                self.nodes.push(Node::License(LicenseExpression {
                    head: Head::new("simplelicensing_LicenseExpression", id.clone()),
                    name,
                    expression: e.display.clone(),
                    external_ref: url.iter().map(|u| ExternalRef::new("license", u)).collect(),
                }));
                self.seen.insert(key, id.clone());
                id
            })
            .collect()
    }
}

/// The relationships, numbered in order.
struct Relationships(Vec<Node>);

impl Relationships {
    fn add(&mut self, ids: &mut Ids, from: &str, kind: &'static str, to: Vec<String>) {
        if to.is_empty() {
            return;
        }
        let id = ids.next("relationship", &(self.0.len() + 1).to_string());
        self.0.push(Node::Relationship(Relationship {
            head: Head::new("Relationship", id),
            from: from.to_string(),
            relationship_type: kind,
            to,
        }));
    }
}

fn props(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn valid_purl(p: &str) -> Option<String> {
    Purl::from_str(p).ok().map(|_| p.to_string())
}

fn valid_uri(u: &str) -> Option<String> {
    Uri::try_from(u.to_string()).ok().map(|_| u.to_string())
}

/// The whole document with ids in `namespace`.
fn document(all: &Facts, opts: &SpdxOptions, namespace: &str) -> Document {
    let (inv, facts) = (all.inv, all.facts);
    let mut ids = Ids::new(namespace);
    let doc_id = ids.document();
    let agent_id = ids.next("agent", "aibom");
    let tool_id = ids.next("tool", "aibom");
    let model_id = ids.next("model", &facts.name);
    let file_ids: BTreeMap<&str, String> = inv
        .files
        .iter()
        .map(|f| (f.path.as_str(), ids.next("file", &f.path)))
        .collect();
    let dataset_ids: Vec<String> = facts
        .datasets
        .iter()
        .map(|d| ids.next("dataset", d.hub_id.as_deref().unwrap_or(&d.name)))
        .collect();
    let base_ids: Vec<String> = facts
        .base_models
        .iter()
        .map(|b| ids.next("base-model", &b.id))
        .collect();
    let library_ids: Vec<String> = facts
        .libraries
        .iter()
        .map(|l| ids.next("library", &l.purl))
        .collect();

    let mut licences = Licences {
        seen: BTreeMap::new(),
        nodes: Vec::new(),
    };
    let mut rels = Relationships(Vec::new());
    let mut nodes: Vec<Node> = Vec::new();

    // The tool that made the document: createdBy needs an Agent, createdUsing a Tool.
    nodes.push(Node::Agent(Agent {
        head: Head::new("SoftwareAgent", agent_id.clone()),
        name: "aibom".to_string(),
        description: None,
    }));
    nodes.push(Node::Agent(Agent {
        head: Head::new("Tool", tool_id.clone()),
        name: format!("aibom {}", env!("CARGO_PKG_VERSION")),
        description: Some("AI supply-chain attestation".to_string()),
    }));

    nodes.push(Node::Package(Box::new(model_package(
        all,
        model_id.clone(),
    ))));

    for f in &inv.files {
        nodes.push(Node::File(file_element(
            f,
            facts,
            file_ids[f.path.as_str()].clone(),
        )));
    }

    let mut creator_ids: BTreeMap<&str, String> = BTreeMap::new();
    let mut creators: Vec<Node> = Vec::new();
    for (d, id) in facts.datasets.iter().zip(&dataset_ids) {
        // SPDX 3.0.1's Dataset profile allows one originator: a single creator is one (an `Agent`: the
        // manifest does not say person or organisation); several stay properties, none chosen over another.
        let originator = match d.creators.as_slice() {
            [c] => Some(
                creator_ids
                    .entry(c.as_str())
                    .or_insert_with(|| {
                        let cid = ids.next("agent", c);
                        creators.push(Node::Agent(Agent {
                            head: Head::new("Agent", cid.clone()),
                            name: c.clone(),
                            description: None,
                        }));
                        cid
                    })
                    .clone(),
            ),
            _ => None,
        };
        nodes.push(Node::Package(Box::new(dataset_package(
            d,
            id.clone(),
            originator,
        ))));
    }

    for (b, id) in facts.base_models.iter().zip(&base_ids) {
        nodes.push(Node::Package(Box::new(base_model_package(b, id.clone()))));
    }
    for (l, id) in facts.libraries.iter().zip(&library_ids) {
        nodes.push(Node::Package(Box::new(library_package(l, id.clone()))));
    }
    nodes.extend(creators);

    // Relationships: the model's files, licences, data and dependencies; then lineage; then each
    // dataset's files and licences; then the licences of single files.
    rels.add(
        &mut ids,
        &model_id,
        "contains",
        inv.files
            .iter()
            .map(|f| file_ids[f.path.as_str()].clone())
            .collect(),
    );
    let lic = &facts.licenses;
    let declared = licences.ids(&mut ids, &lic.declared);
    rels.add(&mut ids, &model_id, "hasDeclaredLicense", declared);
    let concluded = licences.ids(&mut ids, &lic.concluded);
    rels.add(&mut ids, &model_id, "hasConcludedLicense", concluded);
    rels.add(&mut ids, &model_id, "trainedOn", dataset_ids.clone());
    rels.add(&mut ids, &model_id, "dependsOn", library_ids.clone());
    for id in &base_ids {
        rels.add(&mut ids, id, "ancestorOf", vec![model_id.clone()]);
        let none = licences.ids(&mut ids, &[]);
        rels.add(&mut ids, id, "hasDeclaredLicense", none.clone());
        rels.add(&mut ids, id, "hasConcludedLicense", none);
    }
    for (d, id) in facts.datasets.iter().zip(&dataset_ids) {
        let local: Vec<String> = d
            .files
            .iter()
            .filter_map(|p| file_ids.get(p.as_str()).cloned())
            .collect();
        rels.add(&mut ids, id, "contains", local);
        let declared = licences.ids(&mut ids, &d.licenses);
        rels.add(&mut ids, id, "hasDeclaredLicense", declared);
        let none = licences.ids(&mut ids, &[]);
        rels.add(&mut ids, id, "hasConcludedLicense", none);
    }
    for f in &inv.files {
        if let Some(ff) = facts
            .files
            .get(&f.path)
            .filter(|ff| !ff.licenses.is_empty())
        {
            let declared = licences.ids(&mut ids, &ff.licenses);
            rels.add(
                &mut ids,
                &file_ids[f.path.as_str()],
                "hasDeclaredLicense",
                declared,
            );
        }
    }

    // Findings: an annotation on the file they concern, or on the model.
    let mut annotations = Vec::new();
    for (i, f) in facts.findings.iter().enumerate() {
        let subject = f
            .path
            .as_deref()
            .and_then(|p| file_ids.get(p))
            .unwrap_or(&model_id)
            .clone();
        let id = ids.next("finding", &format!("{}-{}", i + 1, f.code));
        annotations.push(Node::Annotation(finding_annotation(f, id, subject)));
    }

    nodes.extend(licences.nodes);
    nodes.extend(rels.0);
    nodes.extend(annotations);

    // Not `extension`: in the 3.0.1 context that word is also the term of the Core `extension`
    // property, so a JSON-LD processor reads it as that property's IRI (docs/spdx.md).
    let mut profiles = vec!["core", "software", "simpleLicensing", "ai"];
    if !facts.datasets.is_empty() {
        profiles.push("dataset");
    }
    let mut graph = vec![Node::CreationInfo(CreationInfo {
        kind: "CreationInfo",
        id: CREATION_INFO,
        spec_version: SPEC_VERSION,
        created: opts
            .timestamp
            .clone()
            .unwrap_or_else(|| NO_TIMESTAMP.to_string()),
        created_by: vec![agent_id],
        created_using: vec![tool_id],
        comment: opts.timestamp.is_none().then(|| {
            format!(
                "No creation time was given: `created` is the Unix epoch ({NO_TIMESTAMP}), which \
                 stands for \"not recorded\" and keeps identical input byte-identical."
            )
        }),
    })];
    graph.push(Node::Document(SpdxDocument {
        head: Head::new("SpdxDocument", doc_id),
        name: facts.name.clone(),
        profile_conformance: profiles,
        root_element: vec![model_id],
        element: nodes
            .iter()
            .filter_map(|n| n.spdx_id().map(str::to_string))
            .collect(),
    }));
    graph.extend(nodes);
    Document {
        context: CONTEXT,
        graph,
    }
}

/// A file as a `software_File`: its path, SHA-256, purpose and the BOM's file properties.
fn file_element(f: &FileRecord, facts: &ModelFacts, id: String) -> File {
    let mut p = props(&[
        ("aibom:role", f.role.as_str()),
        ("aibom:format", f.format.as_str()),
        ("aibom:size", &f.size.to_string()),
    ]);
    if f.symlink {
        p.push(("aibom:symlink".into(), "true".into()));
    }
    if let Some(extra) = facts.files.get(&f.path) {
        p.extend(extra.properties.iter().cloned());
    }
    File {
        head: Head::new("software_File", id),
        name: f.path.clone(),
        verified_using: vec![Hash::sha256(&f.sha256, None)],
        primary_purpose: file_purpose(f.role),
        extension: CdxPropertiesExtension::of(p),
    }
}

/// A dataset as a `dataset_DatasetPackage`; `originator` is its one creator's agent, if it has one.
fn dataset_package(d: &DatasetFact, id: String, originator: Option<String>) -> Package {
    let mut pkg = Package::new("dataset_DatasetPackage", id, d.name.clone());
    pkg.description = d.description.clone();
    pkg.primary_purpose = Some("data");
    // Required by the Dataset profile; what kind of data it is, no file says.
    pkg.dataset_type = vec!["noAssertion"];
    let mut p = vec![("aibom:declared-in".to_string(), d.sources.join(", "))];
    match d.url.as_deref().map(|u| (u, valid_uri(u))) {
        Some((_, Some(u))) => pkg.home_page = Some(u),
        Some((raw, None)) => p.push(("aibom:url".into(), raw.to_string())),
        None => {}
    }
    p.extend(
        d.derived_from
            .iter()
            .map(|x| ("aibom:derived-from".into(), x.clone())),
    );
    if let Some(date) = &d.published {
        p.push(("aibom:date-published".into(), date.clone()));
    }
    p.extend(d.members.iter().map(|m| ("aibom:member".into(), m.clone())));
    p.extend(
        d.sensitive
            .iter()
            .map(|s| ("aibom:sensitive-data".into(), s.clone())),
    );
    match originator {
        Some(agent) => pkg.originated_by.push(agent),
        None if d.creators.len() > 1 => p.extend(
            d.creators
                .iter()
                .map(|c| ("aibom:creator".into(), c.clone())),
        ),
        None => {}
    }
    pkg.extension = CdxPropertiesExtension::of(p);
    pkg
}

/// A base model as an `ai_AIPackage` with the BOM ancestor's purl and properties.
fn base_model_package(b: &BaseModel, id: String) -> Package {
    let mut pkg = Package::new("ai_AIPackage", id, b.id.clone());
    pkg.primary_purpose = Some("model");
    pkg.package_version = b.revision.clone();
    pkg.package_url = valid_purl(&purl::huggingface(&b.id, b.revision.as_deref()));
    let mut p = vec![("aibom:declared-in".to_string(), b.sources.join(", "))];
    if let Some(r) = &b.relation {
        p.push(("aibom:relation".into(), r.clone()));
    }
    pkg.extension = CdxPropertiesExtension::of(p);
    pkg
}

/// A code dependency as a `software_Package`.
fn library_package(l: &Library, id: String) -> Package {
    let mut pkg = Package::new("software_Package", id, l.name.clone());
    pkg.primary_purpose = Some("library");
    pkg.package_version = l.version.clone();
    pkg.package_url = valid_purl(&l.purl);
    pkg.extension = CdxPropertiesExtension::of(vec![(
        "aibom:declared-in".to_string(),
        l.sources.join(", "),
    )]);
    pkg
}

/// A finding as an `Annotation` on `subject`: code, severity and message, then its evidence, archive
/// member and offset.
fn finding_annotation(f: &Finding, id: String, subject: String) -> Annotation {
    let mut statement = format!(
        "aibom finding {} ({}): {}",
        f.code,
        f.severity.as_str(),
        f.message
    );
    if !f.evidence.is_empty() {
        statement.push_str(&format!("\nevidence: {}", f.evidence));
    }
    if let Some(m) = &f.member {
        statement.push_str(&format!("\nmember: {m}"));
    }
    if let Some(off) = f.offset {
        statement.push_str(&format!("\noffset: {off}"));
    }
    Annotation {
        head: Head::new("Annotation", id),
        annotation_type: "other",
        subject,
        statement,
    }
}

/// The model as an `ai_AIPackage`.
fn model_package(all: &Facts, id: String) -> Package {
    let (inv, facts) = (all.inv, all.facts);
    let card = &facts.card;
    let mut m = Package::new("ai_AIPackage", id, facts.name.clone());
    m.description = facts.description.clone();
    if let Some(hex) = inv.model.digest.strip_prefix("sha256:") {
        m.verified_using = vec![Hash::sha256(
            hex,
            Some(
                "OMS (OpenSSF Model Signing) v1.0 root digest: SHA-256 over the SHA-256 digests of the \
                 model's files in OMS order, not a hash of one byte stream"
                    .to_string(),
            ),
        )];
    }
    if let Some(origin) = facts.provenance.git_origin.as_deref().and_then(valid_uri) {
        m.external_ref = vec![ExternalRef::new("vcs", &origin)];
    }
    m.primary_purpose = Some("model");
    m.package_version = facts.revision.clone();
    if let Some(repo) = &facts.repo_id {
        m.package_url = valid_purl(&purl::huggingface(repo, facts.revision.as_deref()));
        m.home_page = valid_uri(&format!("https://huggingface.co/{repo}"));
    }
    m.type_of_model = [&facts.architecture_family, &facts.architecture]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    m.domain = facts.task.iter().cloned().collect();
    m.information_about_application = card.intended_uses.clone();
    let training: Vec<String> = [
        ("Training data", &card.training_data),
        ("Training procedure", &card.training_procedure),
    ]
    .into_iter()
    .filter_map(|(label, t)| t.as_ref().map(|t| format!("{label}:\n{t}")))
    .collect();
    m.information_about_training = (!training.is_empty()).then(|| training.join("\n\n"));
    let limitations: Vec<String> = card
        .limitations
        .iter()
        .cloned()
        .chain(
            card.out_of_scope_uses
                .iter()
                .map(|s| format!("Out of scope: {s}")),
        )
        .collect();
    m.limitation = (!limitations.is_empty()).then(|| limitations.join("\n\n"));
    m.metric = card
        .metrics
        .iter()
        .map(|x| {
            let key = match &x.slice {
                Some(s) => format!("{}, {s}", x.metric_type),
                None => x.metric_type.clone(),
            };
            DictionaryEntry::new(key, Some(x.value.clone()))
        })
        .collect();
    m.standard_compliance = standard_compliance(all.openness);
    let mut p = model_properties(inv, facts, all.completeness);
    // The MOF class and progress, as the BOM's model properties (1.6+) have them.
    let c = &all.openness.mof.classification;
    p.push((
        PROP_MOF_CLASS.to_string(),
        mof_class_value(c.class).to_string(),
    ));
    for (name, class) in PROP_MOF_PROGRESS.iter().zip(MofClass::ALL) {
        p.push((name.to_string(), c.progress(class).to_string()));
    }
    if let Some(g) = card.co2_grams {
        p.push(("aibom:co2eq-grams".into(), format!("{g}")));
    }
    for (k, v) in &card.co2_details {
        p.push((format!("aibom:co2eq-{k}"), v.clone()));
    }
    if let Some(e) = &card.evaluation {
        p.push(("aibom:evaluation".into(), e.clone()));
    }
    if let Some(b) = &card.bias_risks {
        p.push(("aibom:bias-risks".into(), b.clone()));
        if let Some(r) = &card.recommendations {
            p.push(("aibom:recommendations".into(), r.clone()));
        }
    }
    let tags: BTreeSet<&String> = facts.tags.iter().collect();
    p.extend(
        tags.into_iter()
            .map(|t| ("aibom:tag".to_string(), t.clone())),
    );
    m.extension = CdxPropertiesExtension::of(p);
    m
}

/// The standards the files show the model meets, as aibom's assessment of them decides (the BOM's
/// `declarations`): the MOF class reached, and the OSAID when every element is satisfied by evidence. The
/// EU AI Act's obligations are never "complied with" from files alone. Each says it is a self-assessment.
fn standard_compliance(a: &Assessment) -> Vec<String> {
    const HOW: &str = "self-assessed by aibom from the model's files";
    let mut out = Vec::new();
    if let Some(class) = a.mof.classification.class {
        out.push(format!(
            "{FRAMEWORK_NAME} {FRAMEWORK_VERSION}: {} ({HOW})",
            class.label()
        ));
    }
    if a.osaid.as_ref().map(|o| o.verdict) == Some(osaid::Verdict::OpenSourceAi) {
        out.push(format!("Open Source AI Definition 1.0 ({HOW})"));
    }
    out
}

/// The model facts SPDX has no property for, under the names the CycloneDX BOM gives them (the BOM's
/// model-component properties, in the same order).
fn model_properties(
    inv: &Inventory,
    facts: &ModelFacts,
    completeness: &Completeness,
) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = Vec::new();
    let mut add = |k: &str, v: String| p.push((k.to_string(), v));
    add("aibom:oms-root-digest", inv.model.digest.clone());
    if let Some(n) = facts.parameters {
        add("aibom:parameters", n.to_string());
    }
    for (dtype, n) in &facts.dtypes {
        add("aibom:dtype", format!("{dtype}={n}"));
    }
    for q in &facts.quantization {
        add("aibom:quantization", q.clone());
    }
    for f in &facts.weight_formats {
        add("aibom:weight-format", f.clone());
    }
    if let Some(c) = facts.context_length {
        add("aibom:context-length", c.to_string());
    }
    if facts.chat_template {
        add("aibom:chat-template", "true".into());
    }
    if let Some(l) = &facts.library_name {
        add("aibom:library-name", l.clone());
    }
    for l in &facts.languages {
        add("aibom:language", l.clone());
    }
    let prov = &facts.provenance;
    for (k, v) in [
        ("aibom:git-commit", &prov.git_commit),
        ("aibom:git-ref", &prov.git_ref),
        ("aibom:hf-revision-source", &prov.hf_source),
    ] {
        if let Some(v) = v {
            add(k, v.clone());
        }
    }
    let lic = &facts.licenses;
    if lic.use_restricted {
        add("aibom:license-use-restricted", "true".into());
    }
    for r in &lic.restrictions {
        add("aibom:license-restriction", r.clone());
    }
    for c in &lic.conflicts {
        add("aibom:license-conflict", c.clone());
    }
    for e in &lic.evidence {
        add("aibom:license-evidence", e.clone());
    }
    for s in &facts.card.placeholders {
        add("aibom:card-placeholder", s.clone());
    }
    add("aibom:completeness", format!("{}/100", completeness.score));
    for m in completeness.missing() {
        add("aibom:completeness-missing", m.to_string());
    }
    add("aibom:findings", facts.findings.len().to_string());
    p
}

/// Check a document's references: every spdxId unique, every element the document lists and every
/// reference (`rootElement`, `element`, `from`, `to`, `subject`, `originatedBy`, `createdBy`,
/// `createdUsing`, `creationInfo`) pointing at a node of the graph or at an SPDX named individual.
/// Returns the problems found.
pub fn check_refs(v: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let graph = v["@graph"].as_array().cloned().unwrap_or_default();
    let mut defined = BTreeSet::new();
    for n in &graph {
        let id = n["spdxId"].as_str().or_else(|| n["@id"].as_str());
        match id {
            Some(id) if !defined.insert(id.to_string()) => {
                problems.push(format!("duplicate id {id}"))
            }
            Some(_) => {}
            None => problems.push(format!("node without an id: {}", n["type"])),
        }
    }
    let individual = |s: &str| s == NO_ASSERTION_LICENSE;
    for n in &graph {
        for key in [
            "rootElement",
            "element",
            "from",
            "to",
            "subject",
            "originatedBy",
            "createdBy",
            "createdUsing",
            "creationInfo",
        ] {
            let targets: Vec<&str> = match &n[key] {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => continue,
            };
            for t in targets {
                if !defined.contains(t) && !individual(t) {
                    problems.push(format!("dangling reference {key} -> {t}"));
                }
            }
        }
    }
    let listed: BTreeSet<&str> = graph
        .iter()
        .filter(|n| n["type"] == "SpdxDocument")
        .filter_map(|n| n["element"].as_array())
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for n in &graph {
        if let Some(id) = n["spdxId"].as_str() {
            if n["type"] != "SpdxDocument" && !listed.contains(id) {
                problems.push(format!("element {id} is not listed in the document"));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests;
