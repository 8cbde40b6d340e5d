//! Openness evidence: which of a release's parts a model directory actually holds, read from the files
//! the scan found and the facts it concluded. Each of the Model Openness Framework's 17 components
//! (identified by the Model Openness Tool's ids) gets what was found for it — files in the directory
//! (path and SHA-256), references the model card makes (papers, source repositories, Hub datasets), or
//! nothing — with the licence that covers it and where that licence comes from. The rules are name-
//! and content-based and deliberately conservative: a file counts only when its name or role says what
//! it is, a reference counts as a reference (its content and licence are not in the directory), and
//! whatever the files cannot show is left absent or marked for human review. The MOF classifier, the
//! OSAID and EU AI Act assessments all read this one mapping.

use serde::Serialize;

use crate::facts::ModelFacts;
use crate::inventory::FileRecord;
use crate::pipeline::Scan;
use crate::role::Role;

/// MOF component ids (as the Model Openness Tool numbers them).
pub mod id {
    pub const TRAINING_CODE: u8 = 7;
    pub const INFERENCE_CODE: u8 = 8;
    pub const ARCHITECTURE: u8 = 9;
    pub const FINAL_PARAMETERS: u8 = 10;
    pub const TECHNICAL_REPORT: u8 = 11;
    pub const EVALUATION_RESULTS: u8 = 12;
    pub const MODEL_CARD: u8 = 13;
    pub const DATA_CARD: u8 = 14;
    pub const DATASETS: u8 = 15;
    pub const PREPROCESSING_CODE: u8 = 16;
    pub const METADATA: u8 = 17;
    pub const EVALUATION_CODE: u8 = 18;
    pub const EVALUATION_DATA: u8 = 19;
    pub const SAMPLE_OUTPUTS: u8 = 20;
    pub const RESEARCH_PAPER: u8 = 21;
    pub const SUPPORTING_LIBRARIES: u8 = 22;
    pub const INTERMEDIATE_PARAMETERS: u8 = 24;
}

/// How a component was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Found {
    /// Files in the model directory are this component.
    InDirectory,
    /// The model card points to it elsewhere (a paper, a repository, a Hub dataset); what it holds and
    /// its licence are not in the directory.
    Referenced,
    /// Nothing in the directory is or points to it.
    Absent,
}

/// A file of the directory that is (part of) a component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceFile {
    pub path: String,
    /// Lower-case hex.
    pub sha256: String,
}

/// What was found for one component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComponentEvidence {
    /// MOF component id.
    pub id: u8,
    pub found: Found,
    pub files: Vec<EvidenceFile>,
    /// URLs or Hub ids the card points to.
    pub references: Vec<String>,
    /// The licence expression that covers it, when the files say.
    pub licence: Option<String>,
    /// Where that licence comes from (`model licence (README.md, LICENSE)`, `SPDX header of train.py`,
    /// `dataset card data/README.md`).
    pub licence_source: Option<String>,
    /// Why it counts, or what a reviewer should look at.
    pub notes: Vec<String>,
}

/// Code files by what their names say they do (lower-case base names and directories).
fn code_kind(path: &str) -> Option<u8> {
    let lower = path.to_ascii_lowercase();
    let base = lower.rsplit('/').next().unwrap_or(&lower);
    let dirs: Vec<&str> = lower.split('/').rev().skip(1).collect();
    let stem = base.split('.').next().unwrap_or(base);
    let has = |words: &[&str]| words.iter().any(|w| stem.contains(w));
    let in_dir = |words: &[&str]| dirs.iter().any(|d| words.iter().any(|w| d.contains(w)));
    if has(&[
        "preprocess",
        "prepare_data",
        "data_prep",
        "dedup",
        "filter",
        "tokenize_data",
        "build_dataset",
        "make_dataset",
    ]) || in_dir(&["preprocess", "data_prep", "data_processing"])
    {
        Some(id::PREPROCESSING_CODE)
    } else if has(&["eval", "benchmark"]) || in_dir(&["eval", "benchmark"]) {
        Some(id::EVALUATION_CODE)
    } else if has(&["train", "finetune", "fine_tune", "pretrain", "sft", "dpo"])
        || in_dir(&["train", "finetune"])
    {
        Some(id::TRAINING_CODE)
    } else if stem.starts_with("modeling_")
        || stem.starts_with("configuration_")
        || matches!(
            stem,
            "model" | "modeling" | "architecture" | "network" | "layers"
        )
    {
        Some(id::ARCHITECTURE)
    } else if has(&[
        "infer", "generate", "predict", "handler", "pipeline", "serve", "demo", "app", "chat",
        "sample",
    ]) {
        Some(id::INFERENCE_CODE)
    } else {
        None
    }
}

/// Intermediate checkpoints: weights under `checkpoint-N/`, `checkpoints/`, `step…` or `iter…`
/// directories, and optimizer / scheduler states.
fn is_intermediate(f: &FileRecord) -> bool {
    let lower = f.path.to_ascii_lowercase();
    let base = lower.rsplit('/').next().unwrap_or(&lower);
    (crate::role::in_checkpoint_dir(&f.path) && f.role == Role::Weights)
        || base.starts_with("optimizer.")
        || base.starts_with("scheduler.")
}

/// Sample outputs: files under `samples/`, `outputs/`, `examples/` named as outputs, or generated media.
fn is_sample_output(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut parts = lower.split('/').rev();
    let base = parts.next().unwrap_or("");
    parts.any(|d| matches!(d, "samples" | "sample_outputs" | "outputs" | "generations"))
        || base.starts_with("sample_output")
        || base.starts_with("samples.")
}

/// Evaluation data: data files under an evaluation directory (`eval/`, `evaluation/`, `eval_data/`,
/// `test_data/`, `benchmarks/`).
fn is_evaluation_data(f: &FileRecord) -> bool {
    if matches!(
        f.role,
        Role::Code | Role::Config | Role::Weights | Role::Documentation
    ) {
        return false;
    }
    let lower = f.path.to_ascii_lowercase();
    let base = lower.rsplit('/').next().unwrap_or(&lower);
    let data_ext = [
        ".jsonl", ".csv", ".tsv", ".parquet", ".arrow", ".json", ".txt",
    ]
    .iter()
    .any(|e| base.ends_with(e));
    data_ext
        && lower.split('/').rev().skip(1).any(|d| {
            matches!(
                d,
                "eval"
                    | "evaluation"
                    | "eval_data"
                    | "evaluation_data"
                    | "test_data"
                    | "benchmarks"
            )
        })
}

/// Technical reports and papers shipped as files.
fn document_kind(path: &str) -> Option<u8> {
    let lower = path.to_ascii_lowercase();
    let base = lower.rsplit('/').next().unwrap_or(&lower);
    let is_doc = [".pdf", ".md", ".tex", ".html"]
        .iter()
        .any(|e| base.ends_with(e));
    if !is_doc {
        return None;
    }
    if base.contains("technical_report")
        || base.contains("tech_report")
        || base.starts_with("report.")
    {
        Some(id::TECHNICAL_REPORT)
    } else if base.contains("paper") || (base.ends_with(".pdf") && base.contains("arxiv")) {
        Some(id::RESEARCH_PAPER)
    } else {
        None
    }
}

fn file(f: &FileRecord) -> EvidenceFile {
    EvidenceFile {
        path: f.path.clone(),
        sha256: f.sha256.clone(),
    }
}

/// A licence expression and the phrase saying where it comes from.
type Licence = (Option<String>, Option<String>);

/// The files whose statements make the model-level licence (card licence field, licence and notice
/// files, weights metadata), sorted and unique; SPDX headers of single code files are not among them.
pub fn model_licence_files(facts: &ModelFacts) -> Vec<String> {
    facts
        .licenses
        .evidence
        .iter()
        .filter(|e| {
            [
                ") card-license",
                ") license-file:",
                ") notice-file:",
                ") gguf-metadata:",
                ") safetensors-metadata:",
            ]
            .iter()
            .any(|k| e.contains(k))
        })
        .filter_map(|e| e.split(" (").next().map(str::to_string))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The model licence and its sources, as one expression and a source phrase.
fn model_licence(facts: &ModelFacts) -> Licence {
    match facts.licenses.for_model() {
        Some((entries, _)) => {
            let expr = entries
                .iter()
                .map(|e| e.display.clone())
                .collect::<Vec<_>>();
            let expr = if expr.len() == 1 {
                expr[0].clone()
            } else {
                // Declared licences that disagree: none is established.
                return (
                    None,
                    Some(format!("model licences disagree: {}", expr.join(", "))),
                );
            };
            let files = model_licence_files(facts);
            (
                Some(expr),
                Some(format!("model licence ({})", files.join(", "))),
            )
        }
        None => (None, None),
    }
}

/// The licence of one code file: its own SPDX header when it has one, else the model licence.
fn code_licence(facts: &ModelFacts, path: &str, model: &Licence) -> Licence {
    match facts.files.get(path).map(|f| &f.licenses) {
        Some(l) if l.len() == 1 => (
            Some(l[0].display.clone()),
            Some(format!("SPDX header of {path}")),
        ),
        _ => model.clone(),
    }
}

/// Every component's evidence, in MOF id order.
pub fn collect(scan: &Scan) -> Vec<ComponentEvidence> {
    collect_from(&scan.inventory.files, scan.facts())
}

/// [`collect`] over an inventory's files and facts.
pub fn collect_from(files: &[FileRecord], facts: &ModelFacts) -> Vec<ComponentEvidence> {
    let model = model_licence(facts);
    let mut out: Vec<ComponentEvidence> = [
        id::TRAINING_CODE,
        id::INFERENCE_CODE,
        id::ARCHITECTURE,
        id::FINAL_PARAMETERS,
        id::TECHNICAL_REPORT,
        id::EVALUATION_RESULTS,
        id::MODEL_CARD,
        id::DATA_CARD,
        id::DATASETS,
        id::PREPROCESSING_CODE,
        id::METADATA,
        id::EVALUATION_CODE,
        id::EVALUATION_DATA,
        id::SAMPLE_OUTPUTS,
        id::RESEARCH_PAPER,
        id::SUPPORTING_LIBRARIES,
        id::INTERMEDIATE_PARAMETERS,
    ]
    .into_iter()
    .map(|id| ComponentEvidence {
        id,
        found: Found::Absent,
        files: Vec::new(),
        references: Vec::new(),
        licence: None,
        licence_source: None,
        notes: Vec::new(),
    })
    .collect();
    let get = |out: &mut Vec<ComponentEvidence>, id: u8| -> usize {
        out.iter().position(|c| c.id == id).expect("every id")
    };
    // Files, by what they are.
    let mut code_licences: Vec<(u8, Licence)> = Vec::new();
    for f in files {
        let target = if is_intermediate(f) {
            Some(id::INTERMEDIATE_PARAMETERS)
        } else if f.role == Role::Weights {
            Some(id::FINAL_PARAMETERS)
        } else if f.role == Role::Code {
            let k = code_kind(&f.path);
            if let Some(k) = k {
                code_licences.push((k, code_licence(facts, &f.path, &model)));
            }
            k
        } else if f.role == Role::DataManifest {
            Some(id::DATA_CARD)
        } else if is_evaluation_data(f) {
            Some(id::EVALUATION_DATA)
        } else if is_sample_output(&f.path) {
            Some(id::SAMPLE_OUTPUTS)
        } else if let Some(k) = document_kind(&f.path) {
            Some(k)
        } else if f.role == Role::Config {
            Some(id::METADATA)
        } else {
            None
        };
        if let Some(t) = target {
            let i = get(&mut out, t);
            out[i].files.push(file(f));
        }
    }
    // The model card, and what it holds or points to.
    let card_file = files.iter().find(|f| {
        let b = f
            .path
            .rsplit('/')
            .next()
            .unwrap_or(&f.path)
            .to_ascii_lowercase();
        (b == "readme.md" && !f.path.contains('/')) || b == "model_card" || b == "model_card.md"
    });
    let c = &facts.card;
    let card_used = c.present
        && (c.intended_uses.is_some()
            || c.limitations.is_some()
            || c.training_data.is_some()
            || c.evaluation.is_some()
            || facts.description.is_some());
    if let (true, Some(cf)) = (c.present, card_file) {
        let i = get(&mut out, id::MODEL_CARD);
        out[i].files.push(file(cf));
        if !card_used {
            out[i].notes.push(
                "the card has no description and none of the intended-use, limitation, training-data or evaluation sections filled in (template only)".to_string(),
            );
        }
        if !c.metrics.is_empty() {
            let i = get(&mut out, id::EVALUATION_RESULTS);
            out[i].files.push(file(cf));
            out[i].notes.push(format!(
                "{} evaluation result(s) in the model card",
                c.metrics.len()
            ));
        }
        if c.training_data.is_some() {
            let i = get(&mut out, id::DATA_CARD);
            out[i].notes.push(format!(
                "the model card's training-data section describes the data ({})",
                cf.path
            ));
            if out[i].files.is_empty() {
                out[i].files.push(file(cf));
            }
        }
    }
    for p in &c.papers {
        let i = get(&mut out, id::RESEARCH_PAPER);
        out[i].references.push(p.clone());
    }
    for l in &c.code_links {
        // A linked repository may hold training, inference or evaluation code: a reviewer decides.
        let i = get(&mut out, id::TRAINING_CODE);
        out[i].references.push(l.clone());
    }
    // Datasets: local files of a dataset, or datasets named by id.
    let mut licences: Vec<String> = Vec::new();
    let mut unlicensed = Vec::new();
    for d in &facts.datasets {
        let i = get(&mut out, id::DATASETS);
        for p in &d.files {
            if let Some(f) = files.iter().find(|f| &f.path == p) {
                if !out[i].files.iter().any(|e| e.path == f.path) {
                    out[i].files.push(file(f));
                }
            }
        }
        if d.files.is_empty() {
            out[i].references.push(
                d.hub_id
                    .clone()
                    .or_else(|| d.url.clone())
                    .unwrap_or_else(|| d.name.clone()),
            );
        }
        match d.licenses.as_slice() {
            [l] => licences.push(l.display.clone()),
            _ => unlicensed.push(d.name.clone()),
        }
        // A dataset card or Croissant manifest is a data card.
        for s in &d.sources {
            let b = s.rsplit('/').next().unwrap_or(s).to_ascii_lowercase();
            if s.contains('/') && b == "readme.md" {
                let j = get(&mut out, id::DATA_CARD);
                if let Some(f) = files.iter().find(|f| &f.path == s) {
                    if !out[j].files.iter().any(|e| e.path == f.path) {
                        out[j].files.push(file(f));
                    }
                }
            }
        }
    }
    {
        let i = get(&mut out, id::DATASETS);
        licences.sort();
        licences.dedup();
        if !facts.datasets.is_empty() {
            if unlicensed.is_empty() && licences.len() == 1 {
                out[i].licence = Some(licences[0].clone());
                out[i].licence_source = Some("the datasets' own licences".to_string());
            } else if unlicensed.is_empty() && !licences.is_empty() {
                out[i].licence = Some(licences.join(" AND "));
                out[i].licence_source = Some("the datasets' own licences".to_string());
            } else {
                out[i].notes.push(format!(
                    "no licence found for dataset(s): {}",
                    unlicensed.join(", ")
                ));
            }
        }
    }
    // Evaluation data: datasets named in the evaluation results.
    for m in &c.metrics {
        if let Some(slice) = &m.slice {
            if let Some(ds) = slice.split(" on ").nth(1) {
                let i = get(&mut out, id::EVALUATION_DATA);
                let ds = ds.trim().to_string();
                if !out[i].references.contains(&ds) {
                    out[i].references.push(ds);
                }
            }
        }
    }
    // Supporting libraries: the dependencies the manifests declare.
    if !facts.libraries.is_empty() {
        let i = get(&mut out, id::SUPPORTING_LIBRARIES);
        for l in &facts.libraries {
            for s in &l.sources {
                if let Some(f) = files.iter().find(|f| &f.path == s) {
                    if !out[i].files.iter().any(|e| e.path == f.path) {
                        out[i].files.push(file(f));
                    }
                }
            }
        }
        out[i].notes.push(format!(
            "{} declared dependenc(ies); their licences are the libraries' own",
            facts.libraries.len()
        ));
        out[i].licence_source =
            Some("the libraries' own licences (not in the directory)".to_string());
    }
    // Architecture declared by configuration only: the implementation is in a library.
    {
        let i = get(&mut out, id::ARCHITECTURE);
        if out[i].files.is_empty() {
            if let Some(a) = facts
                .architecture
                .as_ref()
                .or(facts.architecture_family.as_ref())
            {
                out[i].references.push(match &facts.library_name {
                    Some(l) => format!("{a} (implemented in {l})"),
                    None => a.clone(),
                });
                out[i].notes.push(
                    "the architecture is named by the configuration; its code is in a library outside the directory".to_string(),
                );
            }
        }
    }
    // Found, and licences.
    for c in &mut out {
        c.found = if !c.files.is_empty() {
            Found::InDirectory
        } else if !c.references.is_empty() {
            Found::Referenced
        } else {
            Found::Absent
        };
        if c.found != Found::InDirectory
            || c.licence.is_some()
            || c.id == id::DATASETS
            || c.id == id::SUPPORTING_LIBRARIES
        {
            continue;
        }
        let own: Vec<&Licence> = code_licences
            .iter()
            .filter(|(k, _)| *k == c.id)
            .map(|(_, l)| l)
            .collect();
        let (l, s) = match own.as_slice() {
            [] => model.clone(),
            [one] => (*one).clone(),
            many if many.iter().all(|x| x.0 == many[0].0) => many[0].clone(),
            _ => (
                None,
                Some("the code files carry different licences".to_string()),
            ),
        };
        c.licence = l;
        c.licence_source = s;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_names_say_what_the_code_does() {
        assert_eq!(code_kind("train.py"), Some(id::TRAINING_CODE));
        assert_eq!(
            code_kind("scripts/finetune_lora.py"),
            Some(id::TRAINING_CODE)
        );
        assert_eq!(code_kind("modeling_foo.py"), Some(id::ARCHITECTURE));
        assert_eq!(code_kind("configuration_foo.py"), Some(id::ARCHITECTURE));
        assert_eq!(code_kind("inference.py"), Some(id::INFERENCE_CODE));
        assert_eq!(code_kind("eval/run.py"), Some(id::EVALUATION_CODE));
        assert_eq!(
            code_kind("data_prep/clean.py"),
            Some(id::PREPROCESSING_CODE)
        );
        assert_eq!(code_kind("preprocess.py"), Some(id::PREPROCESSING_CODE));
        assert_eq!(code_kind("utils.py"), None);
    }
}
