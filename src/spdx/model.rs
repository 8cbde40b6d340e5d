//! Our serde types for the SPDX 3.0.1 JSON-LD elements the writer emits: the document (`@context`,
//! `@graph`), the one `CreationInfo`, and the element classes of the Core, Software, SimpleLicensing,
//! AI, Dataset and Extension profiles that aibom has facts for. Property names are the compact terms of
//! the official context (`https://spdx.org/rdf/3.0.1/spdx-context.jsonld`); vocabulary values are its
//! compact names (`sha256`, `contains`, `model`, ...). Fields serialise in declaration order (`type`,
//! `spdxId`, `creationInfo` first), and empty ones are left out: nothing is written that a file did not say.

use serde::Serialize;

/// The context every SPDX 3.0.1 JSON-LD document references.
pub const CONTEXT: &str = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld";

/// The SPDX version written in `CreationInfo.specVersion`.
pub const SPEC_VERSION: &str = "3.0.1";

/// The blank-node id of the document's one `CreationInfo`, which every element shares.
pub const CREATION_INFO: &str = "_:creationinfo";

/// The SPDX named individual for "no assertion can be made about the licence".
pub const NO_ASSERTION_LICENSE: &str = "expandedlicensing_NoAssertionLicense";

fn is_empty<T>(v: &[T]) -> bool {
    v.is_empty()
}

/// A whole document: the context and the graph of nodes.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    #[serde(rename = "@context")]
    pub context: &'static str,
    #[serde(rename = "@graph")]
    pub graph: Vec<Node>,
}

/// One top-level node of `@graph`.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Node {
    CreationInfo(CreationInfo),
    Agent(Agent),
    Document(SpdxDocument),
    Package(Box<Package>),
    File(File),
    License(LicenseExpression),
    Relationship(Relationship),
    Annotation(Annotation),
}

impl Node {
    /// The element's spdxId (none for the `CreationInfo` blank node).
    pub fn spdx_id(&self) -> Option<&str> {
        match self {
            Node::CreationInfo(_) => None,
            Node::Agent(x) => Some(&x.head.spdx_id),
            Node::Document(x) => Some(&x.head.spdx_id),
            Node::Package(x) => Some(&x.head.spdx_id),
            Node::File(x) => Some(&x.head.spdx_id),
            Node::License(x) => Some(&x.head.spdx_id),
            Node::Relationship(x) => Some(&x.head.spdx_id),
            Node::Annotation(x) => Some(&x.head.spdx_id),
        }
    }
}

/// `CreationInfo`: when, by whom and with what the SPDX data was made.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreationInfo {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(rename = "@id")]
    pub id: &'static str,
    pub spec_version: &'static str,
    pub created: String,
    pub created_by: Vec<String>,
    #[serde(skip_serializing_if = "is_empty")]
    pub created_using: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// What every element starts with: its class, its IRI and the shared creation info.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Head {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub spdx_id: String,
    pub creation_info: &'static str,
}

impl Head {
    pub fn new(kind: &'static str, spdx_id: String) -> Self {
        Head {
            kind,
            spdx_id,
            creation_info: CREATION_INFO,
        }
    }
}

/// `Agent`, `SoftwareAgent` or `Tool`: a name (and a description).
#[derive(Debug, Clone, Serialize)]
pub struct Agent {
    #[serde(flatten)]
    pub head: Head,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `SpdxDocument`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpdxDocument {
    #[serde(flatten)]
    pub head: Head,
    pub name: String,
    pub profile_conformance: Vec<&'static str>,
    pub root_element: Vec<String>,
    pub element: Vec<String>,
}

/// `ai_AIPackage`, `dataset_DatasetPackage` or `software_Package`; the fields of the other classes stay
/// empty (and unwritten).
#[derive(Debug, Clone, Serialize)]
pub struct Package {
    #[serde(flatten)]
    pub head: Head,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "verifiedUsing", skip_serializing_if = "is_empty")]
    pub verified_using: Vec<Hash>,
    #[serde(rename = "externalRef", skip_serializing_if = "is_empty")]
    pub external_ref: Vec<ExternalRef>,
    #[serde(rename = "originatedBy", skip_serializing_if = "is_empty")]
    pub originated_by: Vec<String>,
    #[serde(
        rename = "software_primaryPurpose",
        skip_serializing_if = "Option::is_none"
    )]
    pub primary_purpose: Option<&'static str>,
    #[serde(
        rename = "software_packageVersion",
        skip_serializing_if = "Option::is_none"
    )]
    pub package_version: Option<String>,
    #[serde(
        rename = "software_packageUrl",
        skip_serializing_if = "Option::is_none"
    )]
    pub package_url: Option<String>,
    #[serde(rename = "software_homePage", skip_serializing_if = "Option::is_none")]
    pub home_page: Option<String>,
    #[serde(rename = "ai_typeOfModel", skip_serializing_if = "is_empty")]
    pub type_of_model: Vec<String>,
    #[serde(rename = "ai_domain", skip_serializing_if = "is_empty")]
    pub domain: Vec<String>,
    #[serde(
        rename = "ai_informationAboutApplication",
        skip_serializing_if = "Option::is_none"
    )]
    pub information_about_application: Option<String>,
    #[serde(
        rename = "ai_informationAboutTraining",
        skip_serializing_if = "Option::is_none"
    )]
    pub information_about_training: Option<String>,
    #[serde(rename = "ai_limitation", skip_serializing_if = "Option::is_none")]
    pub limitation: Option<String>,
    #[serde(rename = "ai_metric", skip_serializing_if = "is_empty")]
    pub metric: Vec<DictionaryEntry>,
    #[serde(rename = "ai_standardCompliance", skip_serializing_if = "is_empty")]
    pub standard_compliance: Vec<String>,
    #[serde(rename = "dataset_datasetType", skip_serializing_if = "is_empty")]
    pub dataset_type: Vec<&'static str>,
    #[serde(skip_serializing_if = "is_empty")]
    pub extension: Vec<CdxPropertiesExtension>,
}

impl Package {
    /// A package of class `kind` with only its id and name.
    pub fn new(kind: &'static str, spdx_id: String, name: String) -> Self {
        Package {
            head: Head::new(kind, spdx_id),
            name,
            description: None,
            verified_using: Vec::new(),
            external_ref: Vec::new(),
            originated_by: Vec::new(),
            primary_purpose: None,
            package_version: None,
            package_url: None,
            home_page: None,
            type_of_model: Vec::new(),
            domain: Vec::new(),
            information_about_application: None,
            information_about_training: None,
            limitation: None,
            metric: Vec::new(),
            standard_compliance: Vec::new(),
            dataset_type: Vec::new(),
            extension: Vec::new(),
        }
    }
}

/// `software_File`.
#[derive(Debug, Clone, Serialize)]
pub struct File {
    #[serde(flatten)]
    pub head: Head,
    pub name: String,
    #[serde(rename = "verifiedUsing")]
    pub verified_using: Vec<Hash>,
    #[serde(
        rename = "software_primaryPurpose",
        skip_serializing_if = "Option::is_none"
    )]
    pub primary_purpose: Option<&'static str>,
    #[serde(skip_serializing_if = "is_empty")]
    pub extension: Vec<CdxPropertiesExtension>,
}

/// `simplelicensing_LicenseExpression`; a licence outside the SPDX list carries its name and, when
/// known, a `license` external reference to its text.
#[derive(Debug, Clone, Serialize)]
pub struct LicenseExpression {
    #[serde(flatten)]
    pub head: Head,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(rename = "simplelicensing_licenseExpression")]
    pub expression: String,
    #[serde(rename = "externalRef", skip_serializing_if = "is_empty")]
    pub external_ref: Vec<ExternalRef>,
}

/// `Relationship`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Relationship {
    #[serde(flatten)]
    pub head: Head,
    pub from: String,
    pub relationship_type: &'static str,
    pub to: Vec<String>,
}

/// `Annotation` (type `other`): a statement about one element.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Annotation {
    #[serde(flatten)]
    pub head: Head,
    pub annotation_type: &'static str,
    pub subject: String,
    pub statement: String,
}

/// `Hash` (an integrity method, a blank node).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hash {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub algorithm: &'static str,
    pub hash_value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Hash {
    pub fn sha256(hex: &str, comment: Option<String>) -> Self {
        Hash {
            kind: "Hash",
            algorithm: "sha256",
            hash_value: hex.to_string(),
            comment,
        }
    }
}

/// `ExternalRef` (a blank node).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalRef {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub external_ref_type: &'static str,
    pub locator: Vec<String>,
}

impl ExternalRef {
    pub fn new(external_ref_type: &'static str, locator: &str) -> Self {
        ExternalRef {
            kind: "ExternalRef",
            external_ref_type,
            locator: vec![locator.to_string()],
        }
    }
}

/// `DictionaryEntry` (a blank node): a key and an optional value.
#[derive(Debug, Clone, Serialize)]
pub struct DictionaryEntry {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl DictionaryEntry {
    pub fn new(key: String, value: Option<String>) -> Self {
        DictionaryEntry {
            kind: "DictionaryEntry",
            key,
            value,
        }
    }
}

/// `extension_CdxPropertiesExtension`: CycloneDX-style name/value properties on an element (the
/// Extension profile's own carrier for them).
#[derive(Debug, Clone, Serialize)]
pub struct CdxPropertiesExtension {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(rename = "extension_cdxProperty")]
    pub properties: Vec<CdxPropertyEntry>,
}

impl CdxPropertiesExtension {
    /// The extension holding `props`, or nothing when there are none (the class needs at least one).
    pub fn of(props: Vec<(String, String)>) -> Vec<Self> {
        if props.is_empty() {
            return Vec::new();
        }
        vec![CdxPropertiesExtension {
            kind: "extension_CdxPropertiesExtension",
            properties: props
                .into_iter()
                .map(|(name, value)| CdxPropertyEntry {
                    kind: "extension_CdxPropertyEntry",
                    name,
                    value,
                })
                .collect(),
        }]
    }
}

/// `extension_CdxPropertyEntry`.
#[derive(Debug, Clone, Serialize)]
pub struct CdxPropertyEntry {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(rename = "extension_cdxPropName")]
    pub name: String,
    #[serde(rename = "extension_cdxPropValue")]
    pub value: String,
}
