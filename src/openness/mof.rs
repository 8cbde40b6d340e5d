//! The Model Openness Framework (MOF, LF AI & Data; arXiv 2403.13784) as its Model Openness Tool (MOT)
//! applies it: the 17 components ([`COMPONENTS`]), the tool's YAML format ([`MofDocument`],
//! [`read_yaml`], [`to_yaml`]) and its classification ([`classify`]) into Class III (Open Model),
//! Class II (Open Tooling Model), Class I (Open Science Model) or none, with the per-class progress
//! percentages the tool shows.
//!
//! The behaviour follows the tool's source (github.com/lfai/model_openness_tool, commit
//! 8b5d30e90a7c62d7d6ece48b91e69ff495920a4d: `ModelEvaluator`, `LicenseHandler`, `ModelUpdater`,
//! `mof.settings.yml`, `mof-licenses.json`, `schema/mof_schema.json`), re-implemented here; what differs
//! on purpose is listed in the docs of [`classify`] and [`licence`]. In short:
//! - a component counts when it is listed and its licence — its own, else the release's licence for
//!   its content type, else the distribution licence — is open: OSI-approved, FSF free/libre, on the
//!   tool's open-data list, or OpenMDW-1.0. Licences are matched as exact, case-sensitive SPDX ids;
//! - classes are cumulative and a class's progress is 0 until every class above it is met;
//! - a listed research paper stands in for a missing technical report.
//!
//! Nothing here reads files or prints; [`read_yaml`] takes bytes.

mod classify;
mod document;
pub mod licence;
mod yaml;

use serde::{Deserialize, Serialize};

pub use classify::{
    classify, ClassResult, Classification, ComponentResult, ComponentStatus, LicenceSource,
};
pub use document::{
    Framework, GlobalLicence, GlobalLicences, MofDocument, Release, ReleaseComponent,
    FRAMEWORK_DATE, FRAMEWORK_NAME, FRAMEWORK_VERSION, UNLICENSED,
};
pub use yaml::{read_yaml, to_yaml, MAX_YAML_BYTES};

/// The kind of artefact a component is; it picks the release-wide licence a component falls back
/// to and the licences that are type-appropriate for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContentType {
    Code,
    Data,
    Document,
}

impl ContentType {
    /// The key of this type under `release.license` (`code`, `data`, `document`).
    pub fn as_str(self) -> &'static str {
        match self {
            ContentType::Code => "code",
            ContentType::Data => "data",
            ContentType::Document => "document",
        }
    }
}

/// A MOF class. Ordered by openness: `III < II < I` (Class I, Open Science, is the most open), so a
/// policy can ask for `class >= MofClass::II`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MofClass {
    /// Class III, Open Model.
    #[serde(rename = "III")]
    III,
    /// Class II, Open Tooling Model.
    #[serde(rename = "II")]
    II,
    /// Class I, Open Science Model.
    #[serde(rename = "I")]
    I,
}

impl MofClass {
    /// The classes in the order they are earned: III, then II, then I.
    pub const ALL: [MofClass; 3] = [MofClass::III, MofClass::II, MofClass::I];

    /// The class number the tool uses (3, 2, 1).
    pub fn number(self) -> u8 {
        match self {
            MofClass::III => 3,
            MofClass::II => 2,
            MofClass::I => 1,
        }
    }

    /// The class with that number.
    pub fn from_number(n: u8) -> Option<MofClass> {
        match n {
            3 => Some(MofClass::III),
            2 => Some(MofClass::II),
            1 => Some(MofClass::I),
            _ => None,
        }
    }

    /// The tool's label, e.g. `Class II - Open Tooling Model`.
    pub fn label(self) -> &'static str {
        match self {
            MofClass::III => "Class III - Open Model",
            MofClass::II => "Class II - Open Tooling Model",
            MofClass::I => "Class I - Open Science Model",
        }
    }

    /// The classes this one includes, itself last (III for III; III, II for II; all for I).
    pub fn cumulative(self) -> &'static [MofClass] {
        match self {
            MofClass::III => &MofClass::ALL[..1],
            MofClass::II => &MofClass::ALL[..2],
            MofClass::I => &MofClass::ALL[..],
        }
    }
}

/// The tool's label for a release that meets no class.
pub const UNCLASSIFIED: &str = "Unclassified";

/// One MOF component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Component {
    /// The tool's component id (stable; 7–24, not contiguous).
    pub id: u8,
    /// The exact name the YAML uses (`release.components[].name`, matched case-sensitively).
    pub name: &'static str,
    /// What the component is (our words; the tool ignores `description` when it reads a YAML).
    pub description: &'static str,
    pub content_type: ContentType,
    /// The class that introduces the component (it is part of every more open class too).
    pub class: MofClass,
    /// Whether the class needs it (optional components never change a class or a percentage).
    pub required: bool,
}

const fn c(
    id: u8,
    name: &'static str,
    description: &'static str,
    content_type: ContentType,
    class: MofClass,
    required: bool,
) -> Component {
    Component {
        id,
        name,
        description,
        content_type,
        class,
        required,
    }
}

use ContentType::{Code, Data, Document};
use MofClass::{I, II, III};

/// The 17 components, in the order the tool lists them in the YAML it writes (its display weights).
/// Ids, names, types, classes and required flags are the tool's (`mof.settings.yml`); see
/// ../shared/reference/openness.md.
#[rustfmt::skip]
pub const COMPONENTS: [Component; 17] = [
    c(9, "Model architecture", "Source code that defines the model's architecture", Code, III, true),
    c(16, "Data preprocessing code", "Code that cleans, filters, normalises or augments the data", Code, I, true),
    c(7, "Training code", "Code that trains the model, with its settings", Code, II, true),
    c(8, "Inference code", "Code that runs the model to produce outputs", Code, II, true),
    c(18, "Evaluation code", "Code that evaluates the model", Code, II, true),
    c(22, "Supporting libraries and tools", "Libraries and tools built for developing the model", Code, II, false),
    c(10, "Model parameters (Final)", "The released weights and biases of the trained model", Data, III, true),
    c(24, "Model parameters (Intermediate)", "Checkpoints saved during training", Data, I, true),
    c(15, "Datasets", "The data the model was trained, validated and tested on", Data, I, true),
    c(19, "Evaluation data", "The data the model was evaluated on", Data, II, true),
    c(17, "Model metadata", "Training configuration, optimizer states and other metadata", Data, I, false),
    c(20, "Sample model outputs", "Examples of what the model produces", Document, III, false),
    c(13, "Model card", "The model's documentation: intended use, performance, limitations", Document, III, true),
    c(14, "Data card", "The data's documentation: sources, characteristics, processing", Document, III, true),
    c(11, "Technical report", "A report on the model's capabilities and how to use it", Document, III, true),
    c(21, "Research paper", "A paper on how the model was built and what it can do", Document, I, true),
    c(12, "Evaluation results", "The results of evaluating the model", Document, III, true),
];

/// Id of the technical report (which a research paper may replace).
pub const TECHNICAL_REPORT: u8 = 11;
/// Id of the research paper.
pub const RESEARCH_PAPER: u8 = 21;

/// The component with this tool id.
pub fn component(id: u8) -> Option<&'static Component> {
    COMPONENTS.iter().find(|c| c.id == id)
}

/// The component with exactly this name (the tool's match: case-sensitive, no trimming).
pub fn component_by_name(name: &str) -> Option<&'static Component> {
    COMPONENTS.iter().find(|c| c.name == name)
}

/// The components `class` requires (not cumulative), in [`COMPONENTS`] order.
pub fn required(class: MofClass) -> impl Iterator<Item = &'static Component> {
    COMPONENTS
        .iter()
        .filter(move |c| c.class == class && c.required)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_the_tools_counts_and_unique_ids_and_names() {
        let mut ids: Vec<u8> = COMPONENTS.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 17);
        let mut names: Vec<&str> = COMPONENTS.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 17);
        assert_eq!(required(MofClass::III).count(), 6);
        assert_eq!(required(MofClass::II).count(), 4);
        assert_eq!(required(MofClass::I).count(), 4);
        let optional: Vec<u8> = COMPONENTS
            .iter()
            .filter(|c| !c.required)
            .map(|c| c.id)
            .collect();
        assert_eq!(optional, vec![22, 17, 20]);
    }

    #[test]
    fn names_match_exactly_and_classes_order_by_openness() {
        assert_eq!(component_by_name("Data card").map(|c| c.id), Some(14));
        assert_eq!(component_by_name("data card"), None);
        assert_eq!(component_by_name("Data card "), None);
        assert_eq!(
            component(TECHNICAL_REPORT).unwrap().name,
            "Technical report"
        );
        assert_eq!(component(RESEARCH_PAPER).unwrap().class, MofClass::I);
        assert!(MofClass::I > MofClass::II && MofClass::II > MofClass::III);
        assert_eq!(MofClass::II.cumulative(), &[MofClass::III, MofClass::II]);
        assert_eq!(MofClass::from_number(1), Some(MofClass::I));
        assert_eq!(MofClass::from_number(0), None);
    }
}
