//! What an audit looks at: the files of a model with their hashes, roles and formats, the model's licences,
//! the findings, the documentation checklist and whether training data is named. A [`Subject`] is built
//! from a scan of the files ([`Subject::from_scan`]) or read back from a CycloneDX BOM when only the BOM
//! was shipped ([`super::bom`]); the policy is evaluated on it the same way in both cases.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::pipeline::Scan;

/// What kind of thing was audited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SubjectKind {
    /// A model directory, scanned.
    Directory,
    /// A single model file, scanned.
    File,
    /// A CycloneDX BOM without the model (facts as the BOM records them).
    Bom,
    /// An AIBOM attestation without the model: its signature checked, then the BOM it signs audited.
    Attestation,
    /// A Hugging Face cache repository or `local_dir` download, checked against the Hub's hashes and
    /// its snapshot scanned.
    HfCache,
}

/// One file of the audited model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectFile {
    /// Model-relative POSIX path.
    pub path: String,
    /// SHA-256, lower-case hex.
    pub sha256: String,
    pub size: u64,
    /// Role name (`weights`, `code`, ...).
    pub role: String,
    /// Format name (`safetensors`, `pickle`, ...).
    pub format: String,
}

/// The model's licences as the audit needs them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubjectLicences {
    /// The licence expressions that stand for the model (the concluded one, else every declared one).
    pub model: Vec<String>,
    /// True when every model-level source agrees (`model` is the concluded licence).
    pub concluded: bool,
    pub use_restricted: bool,
    /// Short phrases naming each restriction.
    pub restrictions: Vec<String>,
    /// One line per licence statement (file, hash, source, value).
    pub evidence: Vec<String>,
}

/// One documentation item that is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingItem {
    /// Completeness key (`intended-uses`, ...).
    pub key: String,
    /// What would fill it (empty when unknown, as from a BOM).
    pub hint: String,
}

/// Everything an audit judges.
#[derive(Debug, Clone)]
pub struct Subject {
    pub kind: SubjectKind,
    /// The path as given.
    pub path: String,
    pub name: String,
    /// `sha256:<hex>` OMS root digest, when known.
    pub root_digest: Option<String>,
    pub files: Vec<SubjectFile>,
    pub licences: SubjectLicences,
    pub findings: Vec<Finding>,
    /// Completeness score (0–100), when known.
    pub completeness: Option<u32>,
    /// Documentation items missing.
    pub missing: Vec<MissingItem>,
    /// Training data is named (datasets, Croissant, a card section).
    pub training_data: bool,
    /// The openness assessment of the files (none for a BOM or an attestation without them).
    pub openness: Option<SubjectOpenness>,
}

/// What the openness assessment concluded, as the audit needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct SubjectOpenness {
    /// The MOF class reached (none: unclassified) and its label.
    pub mof_class: Option<crate::openness::mof::MofClass>,
    pub mof_label: String,
    /// Progress of Class III, II and I.
    pub mof_progress: [f64; 3],
    /// Every OSAID element: id, satisfied by evidence, reason.
    pub osaid: Vec<(String, bool, String)>,
}

/// The openness assessment of a scan, reduced to what a policy can require.
fn openness_of(scan: &Scan, path: &str) -> SubjectOpenness {
    use crate::openness::{assess, mof::MofClass, osaid::Status};
    let a = assess::assess(scan, path, &Default::default());
    let c = &a.mof.classification;
    SubjectOpenness {
        mof_class: c.class,
        mof_label: c.label.to_string(),
        mof_progress: [
            c.progress(MofClass::III),
            c.progress(MofClass::II),
            c.progress(MofClass::I),
        ],
        osaid: a
            .osaid
            .map(|o| {
                o.elements
                    .into_iter()
                    .map(|e| {
                        (
                            e.id.to_string(),
                            e.status == Status::SatisfiedByEvidence,
                            e.reason,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

impl Subject {
    /// The subject of a scan of `path`.
    pub fn from_scan(scan: &Scan, kind: SubjectKind, path: &str) -> Subject {
        let facts = scan.facts();
        let files = scan
            .inventory
            .files
            .iter()
            .map(|f| SubjectFile {
                path: f.path.clone(),
                sha256: f.sha256.clone(),
                size: f.size,
                role: f.role.as_str().to_string(),
                format: f.format.as_str().to_string(),
            })
            .collect();
        let l = &facts.licenses;
        let (model, concluded) = match l.for_model() {
            Some((entries, _)) => (
                entries.iter().map(|e| e.display.clone()).collect(),
                l.agreed(),
            ),
            None => (Vec::new(), false),
        };
        let c = &scan.analysis.completeness;
        Subject {
            kind,
            path: path.to_string(),
            name: scan.inventory.model.name.clone(),
            root_digest: Some(scan.inventory.model.digest.clone()),
            files,
            licences: SubjectLicences {
                model,
                concluded,
                use_restricted: l.use_restricted,
                restrictions: l.restrictions.clone(),
                evidence: l.evidence.clone(),
            },
            findings: facts.findings.clone(),
            completeness: Some(c.score),
            missing: c
                .items
                .iter()
                .filter(|i| !i.present)
                .map(|i| MissingItem {
                    key: i.key.to_string(),
                    hint: i.hint.to_string(),
                })
                .collect(),
            training_data: !facts.datasets.is_empty() || facts.card.training_data.is_some(),
            openness: Some(openness_of(scan, path)),
        }
    }

    /// The file at `path`, if the subject has it.
    pub fn file(&self, path: &str) -> Option<&SubjectFile> {
        self.files.iter().find(|f| f.path == path)
    }
}
