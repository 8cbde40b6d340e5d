//! Model facts: what aibom concluded about a model after reading its files — identity, technical
//! parameters, lineage (base models, datasets), code dependencies, licences, model-card content,
//! provenance and findings. `analyze` fills it from the parsers; `bom` renders it. Missing is missing:
//! every field is optional or empty unless a file said so, and nothing here is ever guessed.

use std::collections::BTreeMap;

use serde::Serialize;

/// The model's licences are decided by [`crate::license::consolidate`], the one model-level rule.
pub use crate::license::{LicenseEntry, ModelLicenses};

/// Findings, their severities and codes live in [`crate::finding`].
pub use crate::finding::{Finding, Severity};

/// Everything aibom learned about one model.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ModelFacts {
    /// Display name: the card's model-index name, else the card title (unless it is a template
    /// placeholder such as "Model Card for Model ID"), else GGUF `general.name`, the Hub repository
    /// id, the directory name.
    pub name: String,
    /// Hugging Face repository id (`org/name`) when a file or the cache layout says so.
    pub repo_id: Option<String>,
    /// Revision (commit) of the files, when known.
    pub revision: Option<String>,
    /// One-paragraph description from the model card.
    pub description: Option<String>,
    /// Task (`pipeline_tag`).
    pub task: Option<String>,
    pub library_name: Option<String>,
    /// Architecture family (`model_type`, GGUF `general.architecture`).
    pub architecture_family: Option<String>,
    /// Concrete architecture (`architectures[0]`).
    pub architecture: Option<String>,
    pub languages: Vec<String>,
    pub tags: Vec<String>,
    /// Exact parameter count summed over the weight files that were read (one format only, so a model
    /// shipped as both safetensors and GGUF is not counted twice).
    pub parameters: Option<u64>,
    /// Parameters per dtype.
    pub dtypes: BTreeMap<String, u64>,
    /// Quantization: the GGUF file type (`gguf file type Q4_K_M`), the ggml tensor types
    /// (`gguf Q6_K`), `quantization_config` (`gptq 4-bit`).
    pub quantization: Vec<String>,
    /// Formats of the weight files.
    pub weight_formats: Vec<String>,
    pub context_length: Option<u64>,
    /// True when a chat template ships with the model.
    pub chat_template: bool,
    /// The files that carry it (`tokenizer_config.json`, `chat_template.json`, `*.jinja`, a GGUF file's
    /// `tokenizer.chat_template`), in inventory order.
    pub chat_template_files: Vec<String>,
    pub base_models: Vec<BaseModel>,
    pub datasets: Vec<DatasetFact>,
    pub libraries: Vec<Library>,
    pub licenses: ModelLicenses,
    pub card: CardFacts,
    pub provenance: Provenance,
    pub findings: Vec<Finding>,
    /// Per file (by inventory path): extra properties and licences for its BOM component.
    pub files: BTreeMap<String, FileFacts>,
}

/// A model this one derives from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BaseModel {
    /// `org/name` on the Hub, or the name as declared.
    pub id: String,
    /// `finetune`, `adapter`, `quantized`, `merge` when declared.
    pub relation: Option<String>,
    pub revision: Option<String>,
    /// Files that declared it.
    pub sources: Vec<String>,
}

/// A dataset used to train or evaluate the model.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DatasetFact {
    pub name: String,
    /// Hub dataset id when the name is one (`org/name` or a canonical id from the card).
    pub hub_id: Option<String>,
    pub description: Option<String>,
    pub url: Option<String>,
    pub licenses: Vec<LicenseEntry>,
    pub creators: Vec<String>,
    pub published: Option<String>,
    /// Local files of this dataset (inventory paths).
    pub files: Vec<String>,
    pub derived_from: Vec<String>,
    pub sensitive: Vec<String>,
    /// Named parts of a data mixture (e.g. the entries of a training-data listing).
    pub members: Vec<String>,
    /// Files that mention it.
    pub sources: Vec<String>,
}

/// A code dependency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Library {
    pub name: String,
    pub version: Option<String>,
    pub purl: String,
    /// Files that declare it.
    pub sources: Vec<String>,
}

/// What the model card says, section by section (None = absent or template placeholder).
#[derive(Debug, Clone, Default, Serialize)]
pub struct CardFacts {
    pub present: bool,
    pub intended_uses: Option<String>,
    pub out_of_scope_uses: Option<String>,
    pub limitations: Option<String>,
    pub bias_risks: Option<String>,
    pub recommendations: Option<String>,
    pub training_data: Option<String>,
    pub training_procedure: Option<String>,
    pub evaluation: Option<String>,
    pub metrics: Vec<Metric>,
    pub co2_grams: Option<f64>,
    /// Other CO2 details (`source`, `training_type`, `geographical_location`, `hardware_used`).
    pub co2_details: BTreeMap<String, String>,
    /// Sections left as template placeholders.
    pub placeholders: Vec<String>,
    /// Papers the card cites: arXiv (`https://arxiv.org/abs/<id>`, from links and `arxiv:` tags) and DOI
    /// links, in order of appearance.
    pub papers: Vec<String>,
    /// Source repositories the card links to (`https://github.com/org/repo`, GitLab), in order.
    pub code_links: Vec<String>,
}

/// One evaluation result.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Metric {
    pub metric_type: String,
    pub value: String,
    /// Task and dataset the value was measured on.
    pub slice: Option<String>,
}

/// Where the files came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Provenance {
    pub git_origin: Option<String>,
    pub git_commit: Option<String>,
    pub git_ref: Option<String>,
    pub hf_repo: Option<String>,
    pub hf_revision: Option<String>,
    /// How the Hugging Face facts were found: `hf-cache`, `hf-local-dir` or `git-origin`.
    pub hf_source: Option<String>,
}

/// Extra BOM content for one file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FileFacts {
    pub properties: Vec<(String, String)>,
    pub licenses: Vec<LicenseEntry>,
}
