//! The Open Source AI Definition 1.0 (OSI, October 2024) checked against a model directory's evidence:
//! the preferred form to make modifications — Data Information (its three parts), Code (each kind the
//! definition lists) and Parameters — and the four freedoms (use, study, modify, share) against the
//! licence terms. Each element is `satisfied-by-evidence` (files in the directory show it, under terms
//! that grant the freedoms), `not-satisfied` (with the reason) or `needs-human-review` (the files point to
//! it, or show it exists but cannot show it is complete). Completeness of a data description or a
//! listing is never decided from files. The verdict is "Open Source AI" only when every element is
//! satisfied by evidence; otherwise it says what is missing or needs review.

use serde::Serialize;

use super::evidence::{id, ComponentEvidence, EvidenceFile, Found};
use super::licence::{self, Openness};
use crate::facts::ModelFacts;

/// Every element id, in the order of an assessment.
pub const ELEMENT_IDS: &[&str] = &[
    "data-information.description",
    "data-information.public-data",
    "data-information.third-party-data",
    "code.data-processing",
    "code.training",
    "code.validation-testing",
    "code.supporting-libraries",
    "code.inference",
    "code.architecture",
    "parameters",
    "freedom.use",
    "freedom.study",
    "freedom.modify",
    "freedom.share",
];

/// The outcome of one element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    SatisfiedByEvidence,
    NotSatisfied,
    NeedsHumanReview,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::SatisfiedByEvidence => "satisfied-by-evidence",
            Status::NotSatisfied => "not-satisfied",
            Status::NeedsHumanReview => "needs-human-review",
        }
    }
}

/// One element of the definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Element {
    /// Stable id (`data-information.description`, `code.training`, `parameters`, `freedom.use`, ...).
    pub id: &'static str,
    /// The definition's own wording, shortened.
    pub title: &'static str,
    pub status: Status,
    /// Why, in one sentence.
    pub reason: String,
    /// Files that show it.
    pub files: Vec<EvidenceFile>,
    /// What the card points to instead.
    pub references: Vec<String>,
}

/// The verdict over every element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every element is satisfied by evidence.
    OpenSourceAi,
    /// At least one element is not satisfied.
    NotOpenSourceAi,
    /// Nothing fails, but some elements need a reviewer.
    NeedsHumanReview,
}

/// The OSAID assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub verdict: Verdict,
    /// One sentence: the verdict and what stands in its way.
    pub summary: String,
    pub elements: Vec<Element>,
}

fn component(ev: &[ComponentEvidence], id: u8) -> &ComponentEvidence {
    ev.iter().find(|c| c.id == id).expect("every component")
}

/// A component whose terms must be open (OSI-approved for code; open for data information and
/// parameters): satisfied in the directory under open terms, needs review when referenced, else not.
fn by_component(
    ev: &[ComponentEvidence],
    cid: u8,
    eid: &'static str,
    title: &'static str,
    code: bool,
) -> Element {
    let c = component(ev, cid);
    let (status, reason) = match c.found {
        Found::Absent => (
            Status::NotSatisfied,
            "nothing in the directory is, or points to, it".to_string(),
        ),
        Found::Referenced => (
            Status::NeedsHumanReview,
            format!(
                "the model card points to {}; its content and terms are not in the directory",
                c.references.join(", ")
            ),
        ),
        Found::InDirectory => match c.licence.as_deref() {
            None => (
                Status::NotSatisfied,
                format!(
                    "present ({}), but no licence covers it{}",
                    c.files
                        .iter()
                        .map(|f| f.path.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    c.licence_source
                        .as_deref()
                        .map(|s| format!(": {s}"))
                        .unwrap_or_default()
                ),
            ),
            Some(l) => match (licence::openness(l), code) {
                (Openness::OsiApproved, _) | (Openness::OpenData, false) => (
                    Status::SatisfiedByEvidence,
                    format!(
                        "present under {l} ({})",
                        c.licence_source.as_deref().unwrap_or("licence")
                    ),
                ),
                (Openness::FsfFree, _) => (
                    Status::NeedsHumanReview,
                    format!("present under {l}, a free software licence the OSI has not approved"),
                ),
                (Openness::OpenData, true) => (
                    Status::NotSatisfied,
                    format!("present under {l}, which is not an OSI-approved licence for code"),
                ),
                (Openness::Restricted(why), _) => (
                    Status::NotSatisfied,
                    format!("present under {l}, which restricts use: {why}"),
                ),
                (Openness::NotOpen, _) => (
                    Status::NotSatisfied,
                    format!("present under {l}, which is not an open licence"),
                ),
                (Openness::Unknown, _) => (
                    Status::NeedsHumanReview,
                    format!("present under {l}, whose terms aibom cannot classify"),
                ),
            },
        },
    };
    Element {
        id: eid,
        title,
        status,
        reason,
        files: c.files.clone(),
        references: c.references.clone(),
    }
}

/// Assess the evidence of a model (its facts give the licence terms).
pub fn assess(ev: &[ComponentEvidence], facts: &ModelFacts) -> Assessment {
    let mut elements = Vec::new();
    // Data Information.
    let data_card = component(ev, id::DATA_CARD);
    let datasets = component(ev, id::DATASETS);
    let described = facts.card.training_data.is_some() || data_card.found == Found::InDirectory;
    elements.push(Element {
        id: "data-information.description",
        title: "Complete description of all training data (provenance, scope, characteristics, how obtained and selected, labeling, processing and filtering)",
        status: if described {
            Status::NeedsHumanReview
        } else {
            Status::NotSatisfied
        },
        reason: if described {
            "a data description exists; whether it is complete, including unshareable data, is for a reviewer".to_string()
        } else {
            "no data card, Croissant manifest or training-data section in the model card".to_string()
        },
        files: data_card.files.clone(),
        references: Vec::new(),
    });
    let listed = datasets.found != Found::Absent;
    let listing = |eid, title, what: &str| Element {
        id: eid,
        title,
        status: if listed {
            Status::NeedsHumanReview
        } else {
            Status::NotSatisfied
        },
        reason: if listed {
            format!("datasets are named; whether the listing covers all {what} is for a reviewer")
        } else {
            "no training dataset is named".to_string()
        },
        files: datasets.files.clone(),
        references: datasets.references.clone(),
    };
    elements.push(listing(
        "data-information.public-data",
        "Listing of all publicly available training data and where to obtain it",
        "publicly available data",
    ));
    elements.push(listing(
        "data-information.third-party-data",
        "Listing of all training data obtainable from third parties and where, including for a fee",
        "data obtainable from third parties",
    ));
    // Code.
    for (cid, eid, title) in [
        (
            id::PREPROCESSING_CODE,
            "code.data-processing",
            "Code for data processing and filtering",
        ),
        (
            id::TRAINING_CODE,
            "code.training",
            "Code for training, with arguments and settings",
        ),
        (
            id::EVALUATION_CODE,
            "code.validation-testing",
            "Code for validation and testing",
        ),
        (
            id::SUPPORTING_LIBRARIES,
            "code.supporting-libraries",
            "Supporting libraries (tokenizers, hyperparameter search)",
        ),
        (id::INFERENCE_CODE, "code.inference", "Inference code"),
        (id::ARCHITECTURE, "code.architecture", "Model architecture"),
    ] {
        let mut e = by_component(ev, cid, eid, title, true);
        if cid == id::SUPPORTING_LIBRARIES && component(ev, cid).found == Found::InDirectory {
            // The manifest is here; the libraries' own licences are theirs.
            e.status = Status::NeedsHumanReview;
            e.reason =
                "dependencies are declared; their licences are the libraries' own".to_string();
        }
        elements.push(e);
    }
    // Parameters.
    elements.push(by_component(
        ev,
        id::FINAL_PARAMETERS,
        "parameters",
        "Model parameters (weights or other configuration settings)",
        false,
    ));
    // The four freedoms, against the model's licence.
    let model_licence = facts
        .licenses
        .for_model()
        .map(|(e, _)| e.iter().map(|l| l.display.clone()).collect::<Vec<_>>())
        .unwrap_or_default();
    let terms: Vec<Openness> = model_licence.iter().map(|l| licence::openness(l)).collect();
    let restricted =
        facts.licenses.use_restricted || terms.iter().any(|t| matches!(t, Openness::Restricted(_)));
    for (eid, title) in [
        (
            "freedom.use",
            "Use the system for any purpose without having to ask for permission",
        ),
        (
            "freedom.study",
            "Study how the system works and inspect its components",
        ),
        (
            "freedom.modify",
            "Modify the system for any purpose, including to change its output",
        ),
        (
            "freedom.share",
            "Share the system for others to use, with or without modifications, for any purpose",
        ),
    ] {
        let (status, reason) = if model_licence.is_empty() {
            (
                Status::NotSatisfied,
                "no licence grants it: the model has no licence aibom could establish".to_string(),
            )
        } else if model_licence.len() > 1 {
            (
                Status::NeedsHumanReview,
                format!("licence statements disagree: {}", model_licence.join(", ")),
            )
        } else if restricted {
            let why = if facts.licenses.restrictions.is_empty() {
                terms
                    .iter()
                    .find_map(|t| match t {
                        Openness::Restricted(w) => Some(w.clone()),
                        _ => None,
                    })
                    .unwrap_or_default()
            } else {
                facts.licenses.restrictions.join("; ")
            };
            (
                Status::NotSatisfied,
                format!(
                    "{} restricts use ({why}), so no freedom holds for any purpose",
                    model_licence[0]
                ),
            )
        } else {
            match &terms[0] {
                Openness::OsiApproved | Openness::FsfFree | Openness::OpenData => (
                    Status::SatisfiedByEvidence,
                    format!("granted by {}", model_licence[0]),
                ),
                Openness::NotOpen => (
                    Status::NotSatisfied,
                    format!("{} is not an open licence", model_licence[0]),
                ),
                _ => (
                    Status::NeedsHumanReview,
                    format!("{}: terms aibom cannot classify", model_licence[0]),
                ),
            }
        };
        elements.push(Element {
            id: eid,
            title,
            status,
            reason,
            files: Vec::new(),
            references: Vec::new(),
        });
    }
    let failing: Vec<&str> = elements
        .iter()
        .filter(|e| e.status == Status::NotSatisfied)
        .map(|e| e.id)
        .collect();
    let review: Vec<&str> = elements
        .iter()
        .filter(|e| e.status == Status::NeedsHumanReview)
        .map(|e| e.id)
        .collect();
    let (verdict, summary) = if !failing.is_empty() {
        (
            Verdict::NotOpenSourceAi,
            format!(
                "not Open Source AI by the evidence: not satisfied: {}{}",
                failing.join(", "),
                if review.is_empty() {
                    String::new()
                } else {
                    format!("; needs review: {}", review.join(", "))
                }
            ),
        )
    } else if !review.is_empty() {
        (
            Verdict::NeedsHumanReview,
            format!(
                "no element fails, but these need a reviewer before any claim: {}",
                review.join(", ")
            ),
        )
    } else {
        (
            Verdict::OpenSourceAi,
            "Open Source AI: every element is satisfied by evidence in the directory".to_string(),
        )
    };
    Assessment {
        verdict,
        summary,
        elements,
    }
}
