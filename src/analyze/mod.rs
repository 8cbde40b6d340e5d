//! Analysis: read what the model's files say (format headers, Hugging Face metadata, dataset manifests,
//! code dependencies, licence statements, provenance) and consolidate it into [`ModelFacts`], with the
//! completeness checklist. Header-only and bounded: weights are never read past their headers here (the
//! hashing pass already read them once), text files are read up to a cap, nothing is executed.
//!
//! Consolidation rules: every source is kept as evidence (`sources` lists, licence evidence); a value is
//! only set when a file states it; where sources can disagree (licences) the disagreement becomes a
//! finding rather than a choice.
//!
//! This module is the driver: the `Builder` the readers fill, [`analyze`] (card first, then every file
//! in inventory order), the dispatch of a file to its reader by role, name and format, and `finish`
//! (identity, licences, completeness). One reader per kind of source, each a private submodule:
//!
//! | module | reads |
//! |---|---|
//! | `card` | the model card |
//! | `config` | `config.json`, adapter configs, sentence-transformers modules, Piper voice configs, chat templates |
//! | `weights` | format headers and shard indexes; the model's parameter count and weight formats |
//! | `licence` | licence/notice/terms files and SPDX headers in code; resolves every statement (`crate::license`) |
//! | `datasets` | Croissant manifests, dataset cards, training-data listings |
//! | `code` | dependency manifests and remote code named by `auto_map` |
//! | `security` | the per-file hook into [`crate::security`] |

mod card;
mod code;
mod config;
mod datasets;
mod licence;
mod security;
#[cfg(test)]
mod testutil;
mod weights;

use std::collections::{BTreeMap, BTreeSet};

use std::path::{Path, PathBuf};

use crate::completeness::{self, Completeness};
use crate::facts::{BaseModel, DatasetFact, ModelFacts};
use crate::finding::{Finding, Severity};
use crate::inventory::{FileRecord, Inventory, ModelKindInfo};
use crate::license::{SourceKind, Statement};
use crate::provenance;
use crate::role::Role;
use crate::scan::HashedModel;

/// Metadata files (cards, configs, manifests) are read up to this size.
const MAX_META: u64 = 16 * 1024 * 1024;

/// The result of analysing a model.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub facts: ModelFacts,
    pub completeness: Completeness,
}

/// Read access to the model's files by inventory path.
struct Files<'a> {
    root: PathBuf,
    single: bool,
    inv: &'a Inventory,
    by_path: BTreeMap<&'a str, &'a FileRecord>,
}

impl<'a> Files<'a> {
    fn new(root: &Path, inv: &'a Inventory) -> Self {
        Files {
            root: root.to_path_buf(),
            single: inv.model.kind == ModelKindInfo::File,
            inv,
            by_path: inv.files.iter().map(|f| (f.path.as_str(), f)).collect(),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        if self.single {
            self.root.clone()
        } else {
            self.root.join(rel)
        }
    }

    /// Up to `cap` bytes of a file; `None` when it cannot be read.
    fn read(&self, rel: &str, cap: u64) -> Option<Vec<u8>> {
        crate::io::read_head(&self.path(rel), cap).ok()
    }

    fn text(&self, rel: &str, cap: u64) -> Option<String> {
        self.read(rel, cap)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    fn get(&self, rel: &str) -> Option<&'a FileRecord> {
        self.by_path.get(rel).copied()
    }
}

fn base_name(p: &str) -> String {
    p.rsplit('/').next().unwrap_or(p).to_ascii_lowercase()
}

fn is_root(p: &str) -> bool {
    !p.contains('/')
}

/// A Hub repository id: `org/name` (or a bare canonical name), no path-like parts.
fn looks_like_hub_id(s: &str) -> bool {
    let parts: Vec<&str> = s.split('/').collect();
    let ok = |p: &str| {
        !p.is_empty()
            && !p.starts_with('.')
            && p.len() <= 96
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    (parts.len() == 2 && parts.iter().all(|p| ok(p))) || (parts.len() == 1 && ok(parts[0]))
}

/// Accumulates facts while the files are read.
struct Builder<'a> {
    files: Files<'a>,
    facts: ModelFacts,
    statements: Vec<Statement>,
    card_title: Option<String>,
    gguf_name: Option<String>,
    /// Parameters per weight format (so one model shipped in two formats is not counted twice).
    params_by_format: BTreeMap<&'static str, u64>,
    dtypes_by_format: BTreeMap<&'static str, BTreeMap<String, u64>>,
}

impl<'a> Builder<'a> {
    /// A finding at its code's default severity (the registry, [`crate::finding::CODES`]).
    fn finding(&mut self, code: &'static str, path: Option<&str>, message: impl Into<String>) {
        self.facts.findings.push(Finding::new(code, path, message));
    }

    /// A finding at a severity other than its code's default.
    fn finding_at(
        &mut self,
        code: &'static str,
        severity: Severity,
        path: Option<&str>,
        message: impl Into<String>,
    ) {
        self.facts.findings.push(Finding {
            severity,
            ..Finding::new(code, path, message)
        });
    }

    fn file_prop(&mut self, path: &str, k: &str, v: impl Into<String>) {
        self.facts
            .files
            .entry(path.to_string())
            .or_default()
            .properties
            .push((k.to_string(), v.into()));
    }

    fn statement(&mut self, path: &str, source: SourceKind, value: impl Into<String>) {
        let sha256 = self
            .files
            .get(path)
            .map(|f| f.sha256.clone())
            .unwrap_or_default();
        self.statements.push(Statement {
            path: path.to_string(),
            sha256,
            source,
            value: value.into(),
        });
    }

    fn base_model(
        &mut self,
        id: &str,
        relation: Option<&str>,
        revision: Option<&str>,
        source: &str,
    ) {
        let id = id.trim();
        if id.is_empty() {
            return;
        }
        let bm = &mut self.facts.base_models;
        let entry = match bm.iter_mut().position(|b| b.id.eq_ignore_ascii_case(id)) {
            Some(i) => &mut bm[i],
            None => {
                bm.push(BaseModel {
                    id: id.to_string(),
                    ..Default::default()
                });
                bm.last_mut().expect("just pushed")
            }
        };
        if entry.relation.is_none() {
            entry.relation = relation.map(str::to_string);
        }
        if entry.revision.is_none() {
            entry.revision = revision.map(str::to_string);
        }
        if !entry.sources.iter().any(|s| s == source) {
            entry.sources.push(source.to_string());
        }
    }

    fn dataset(&mut self, name: &str, source: &str) -> usize {
        let name = name.trim();
        let ds = &mut self.facts.datasets;
        // `org/name` on the Hub and a manifest that calls it `name` are one dataset.
        let same = |a: &str, b: &str| {
            a.eq_ignore_ascii_case(b)
                || (!b.contains('/')
                    && a.rsplit('/')
                        .next()
                        .is_some_and(|l| l.eq_ignore_ascii_case(b)))
                || (!a.contains('/')
                    && b.rsplit('/')
                        .next()
                        .is_some_and(|l| l.eq_ignore_ascii_case(a)))
        };
        let i = match ds.iter().position(|d| same(&d.name, name)) {
            Some(i) => i,
            None => {
                ds.push(DatasetFact {
                    name: name.to_string(),
                    hub_id: looks_like_hub_id(name).then(|| name.to_string()),
                    ..Default::default()
                });
                ds.len() - 1
            }
        };
        if !ds[i].sources.iter().any(|s| s == source) {
            ds[i].sources.push(source.to_string());
        }
        i
    }

    fn chat_template(&mut self, path: &str) {
        self.facts.chat_template = true;
        if !self.facts.chat_template_files.iter().any(|p| p == path) {
            self.facts.chat_template_files.push(path.to_string());
        }
    }

    fn set_once(slot: &mut Option<String>, v: Option<&str>) {
        if slot.is_none() {
            if let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) {
                *slot = Some(v.to_string());
            }
        }
    }
}

/// Analyse a hashed model and its inventory.
pub fn analyze(model: &HashedModel, inv: &Inventory) -> Analysis {
    let root = model.files.root.as_path();
    let mut b = Builder {
        files: Files::new(root, inv),
        facts: ModelFacts::default(),
        statements: Vec::new(),
        card_title: None,
        gguf_name: None,
        params_by_format: BTreeMap::new(),
        dtypes_by_format: BTreeMap::new(),
    };
    if inv.model.kind == ModelKindInfo::Directory {
        b.facts.provenance = provenance::detect(root);
    }
    let paths: Vec<&FileRecord> = inv.files.iter().collect();
    // Card first, then configs, then everything else in inventory order.
    if let Some(card) = card::find_card(&paths) {
        card::read_card(&mut b, &card.path);
    } else {
        b.finding(
            "card-missing",
            None,
            "no model card: neither README.md at the model root nor a MODEL_CARD / model_card.md file",
        );
    }
    for f in &paths {
        read_file(&mut b, f);
        security::scan_file(&mut b, f);
    }
    finish(b, inv)
}

/// Read one inventory file for the facts its name, role and format promise.
fn read_file(b: &mut Builder, f: &FileRecord) {
    let name = base_name(&f.path);
    let path = f.path.as_str();
    if f.role == Role::Weights {
        weights::read_weights(b, f);
        return;
    }
    if is_root(path) {
        match name.as_str() {
            "config.json" => return config::read_config(b, path),
            "adapter_config.json" => return config::read_adapter(b, path),
            "modules.json" => return config::read_st_modules(b, path),
            _ => {}
        }
    }
    if matches!(
        name.as_str(),
        "tokenizer_config.json" | "chat_template.json"
    ) {
        config::read_tokenizer_config(b, path);
        return;
    }
    if name.ends_with(".jinja") {
        b.chat_template(path);
        return;
    }
    if name.ends_with(".index.json") {
        weights::read_weights(b, f);
        return;
    }
    if name.ends_with(".onnx.json") && config::read_piper_voice(b, path) {
        return;
    }
    match f.role {
        Role::Licence => licence::read_licence_file(b, path, &name),
        Role::Code => read_code(b, path, &name),
        Role::DataManifest | Role::Config | Role::Documentation => {
            datasets::read_data_manifest(b, f, &name)
        }
        _ => {}
    }
}

/// A code file: a dependency manifest, else source whose SPDX headers are licence evidence.
fn read_code(b: &mut Builder, path: &str, name: &str) {
    if !code::read_manifest(b, path, name) {
        licence::read_spdx_headers(b, path);
    }
}

/// Resolve licences, pick parameters, compute completeness.
fn finish(mut b: Builder, inv: &Inventory) -> Analysis {
    weights::settle(&mut b, inv);

    // Identity.
    let prov = &b.facts.provenance;
    b.facts.repo_id = prov.hf_repo.clone();
    b.facts.revision = prov.hf_revision.clone().or_else(|| prov.git_commit.clone());
    if b.facts.name.is_empty() {
        b.facts.name = b
            .card_title
            .clone()
            .or(b.gguf_name.clone())
            .or(b.facts.repo_id.clone())
            .unwrap_or_else(|| inv.model.name.clone());
    }
    dedup(&mut b.facts.languages);
    dedup(&mut b.facts.tags);
    dedup(&mut b.facts.quantization);

    licence::resolve(&mut b);
    let completeness = completeness::assess(&b.facts);
    Analysis {
        facts: b.facts,
        completeness,
    }
}

fn dedup(v: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    v.retain(|x| seen.insert(x.clone()));
}

#[cfg(test)]
mod tests {
    use super::looks_like_hub_id;
    use super::testutil::{gguf, model, run, safetensors, Kv, MODEL_NAME};

    #[test]
    fn hub_ids() {
        for ok in ["gpt2", "acme/model-1.5", "a_b/c.d"] {
            assert!(looks_like_hub_id(ok), "{ok}");
        }
        for bad in ["", "a/b/c", "./x", "a/.b", "/abs", "a b", "a//b"] {
            assert!(!looks_like_hub_id(bad), "{bad}");
        }
        assert!(!looks_like_hub_id(&"x".repeat(97)));
    }

    #[test]
    fn the_name_comes_from_the_first_source_that_gives_one() {
        let g = gguf(&[("general.name", Kv::Str("From GGUF"))]);
        let m = model(&[("m.gguf", &g)]);
        assert_eq!(m.a.facts.name, "From GGUF");
        let m = model(&[("m.gguf", &g), ("README.md", b"# Model card for titled\n")]);
        assert_eq!(m.a.facts.name, "titled", "the card's title before GGUF");
        let m = model(&[("config.json", b"{}".as_slice())]);
        assert_eq!(m.a.facts.name, MODEL_NAME, "else the directory");
    }

    #[test]
    fn datasets_and_base_models_named_twice_are_merged() {
        let g = gguf(&[
            ("general.base_model.0.name", Kv::Str("Base")),
            ("general.base_model.0.organization", Kv::Str("ACME")),
            ("general.base_model.0.version", Kv::Str("r1")),
            ("general.datasets", Kv::Strs(&["corpus", "Acme/Other"])),
        ]);
        let m = model(&[
            (
                "README.md",
                b"---\nbase_model: acme/base\nbase_model_relation: quantized\ndatasets:\n- acme/corpus\n- acme/other\n---\n# m\n"
                    .as_slice(),
            ),
            ("m.gguf", &g),
        ]);
        let f = &m.a.facts;
        let bases: Vec<_> = f
            .base_models
            .iter()
            .map(|b| {
                (
                    b.id.as_str(),
                    b.relation.as_deref(),
                    b.revision.as_deref(),
                    b.sources.clone(),
                )
            })
            .collect();
        assert_eq!(
            bases,
            [(
                "acme/base",
                Some("quantized"),
                Some("r1"),
                vec!["README.md".to_string(), "m.gguf".to_string()]
            )],
            "one entry: case-insensitive id, first relation, the revision filled in later"
        );
        let ds: Vec<_> = f
            .datasets
            .iter()
            .map(|d| (d.name.as_str(), d.sources.clone()))
            .collect();
        assert_eq!(
            ds,
            [
                (
                    "acme/corpus",
                    vec!["README.md".to_string(), "m.gguf".to_string()]
                ),
                (
                    "acme/other",
                    vec!["README.md".to_string(), "m.gguf".to_string()]
                ),
            ],
            "`corpus` is `acme/corpus`; ids compare case-insensitively"
        );
    }

    #[test]
    fn a_single_file_model_is_read_as_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tiny.safetensors");
        std::fs::write(
            &file,
            safetensors(&[("w", "F32", 3)], Some(r#"{"license": "mit"}"#)),
        )
        .unwrap();
        let (inv, a) = run(&file);
        assert_eq!(inv.files.len(), 1);
        assert_eq!(a.facts.parameters, Some(3));
        assert_eq!(a.facts.weight_formats, ["safetensors"]);
        let lic: Vec<&str> = a
            .facts
            .licenses
            .concluded
            .iter()
            .map(|e| e.display.as_str())
            .collect();
        assert_eq!(lic, ["MIT"]);
        assert_eq!(a.facts.provenance, Default::default());
    }

    #[test]
    fn the_card_is_read_before_every_other_file() {
        // The card's pipeline_tag wins over the adapter's task although the adapter comes first in
        // inventory order.
        let adapter = br#"{"base_model_name_or_path": "acme/b", "task_type": "SEQ_CLS"}"#;
        let m = model(&[
            ("adapter_config.json", adapter.as_slice()),
            (
                "data/MODEL_CARD",
                b"---\npipeline_tag: fill-mask\n---\n# m\n",
            ),
        ]);
        let order: Vec<&str> = m.inv.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(order, ["adapter_config.json", "data/MODEL_CARD"]);
        assert_eq!(m.a.facts.task.as_deref(), Some("fill-mask"));
        let m = model(&[("adapter_config.json", adapter.as_slice())]);
        assert_eq!(m.a.facts.task.as_deref(), Some("text-classification"));
    }

    #[test]
    fn completeness_is_assessed_on_the_final_facts() {
        let m = model(&[
            (
                "README.md",
                b"---\nlicense: mit\npipeline_tag: text-generation\n---\n# m\n".as_slice(),
            ),
            ("model.safetensors", &safetensors(&[("w", "F32", 1)], None)),
        ]);
        let present: Vec<&str> =
            m.a.completeness
                .items
                .iter()
                .filter(|i| i.present)
                .map(|i| i.key)
                .collect();
        assert_eq!(present, ["licence", "task", "parameters"]);
        assert_eq!(m.a.completeness.score, 15 + 4 + 4);
    }
}
