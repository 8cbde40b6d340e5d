//! Analysis: read what the model's files say (format headers, Hugging Face metadata, dataset manifests,
//! code dependencies, licence statements, provenance) and consolidate it into [`ModelFacts`], with the
//! completeness checklist. Header-only and bounded: weights are never read past their headers here (the
//! hashing pass already read them once), text files are read up to a cap, nothing is executed.
//!
//! Consolidation rules: every source is kept as evidence (`sources` lists, licence evidence); a value is
//! only set when a file states it; where sources can disagree (licences) the disagreement becomes a
//! finding rather than a choice.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::completeness::{self, Completeness};
use crate::dataset;
use crate::deps;
use crate::facts::{
    BaseModel, CardFacts, DatasetFact, Finding, Library, LicenseEntry, Metric, ModelFacts,
    ModelLicenses, Severity,
};
use crate::formats::{self, shard_index, Format, FormatFacts};
use crate::hf::{card, config};
use crate::inventory::{FileRecord, Inventory, ModelKindInfo};
use crate::license::{self, Acknowledgement, SourceKind, Statement};
use crate::provenance;
use crate::role::Role;
use crate::scan::HashedModel;
use crate::security;

/// Metadata files (cards, configs, manifests) are read up to this size.
const MAX_META: u64 = 16 * 1024 * 1024;
/// Licence texts are read up to this size.
const MAX_LICENSE_TEXT: u64 = license::MAX_TEXT as u64;
/// Code files are read this far for SPDX headers.
const CODE_HEAD: u64 = 4096;
/// At most this many entries of a dataset listing are recorded.
const MAX_MEMBERS: usize = 1000;

/// Every finding code the analysis itself emits (format header defects come from
/// [`formats::DEFECT_CODES`]), with its severity and meaning. Documented in docs/findings.md.
pub const CODES: &[(&str, Severity, &str)] = &[
    (
        "card-missing",
        Severity::Low,
        "No model card (README.md) at the model root.",
    ),
    (
        "card-unreadable",
        Severity::Low,
        "The model card's front matter could not be read.",
    ),
    (
        "card-placeholder",
        Severity::Info,
        "Model card sections are still template placeholders.",
    ),
    (
        "metadata-unreadable",
        Severity::Low,
        "A metadata file (config, adapter config, Croissant) could not be read.",
    ),
    (
        "remote-code",
        Severity::Medium,
        "config.json auto_map makes transformers import and run a Python file of the model.",
    ),
    (
        "remote-code-external",
        Severity::High,
        "config.json auto_map runs code from another repository.",
    ),
    (
        "onnx-custom-domain",
        Severity::Medium,
        "An ONNX graph uses operators from a custom domain, which need outside code.",
    ),
    (
        "dataset-hash-mismatch",
        Severity::High,
        "A local data file's SHA-256 differs from the one its Croissant manifest records.",
    ),
    (
        "dataset-file-missing",
        Severity::Info,
        "A file listed in a Croissant manifest is not present.",
    ),
    (
        "license-conflict",
        Severity::Medium,
        "Two model-level licence statements disagree.",
    ),
    (
        "license-missing",
        Severity::Low,
        "No licence statement for the model was found.",
    ),
    (
        "license-unresolved",
        Severity::Low,
        "Licence statements were found but none resolved to a known licence.",
    ),
];

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
        let f = File::open(self.path(rel)).ok()?;
        let mut v = Vec::new();
        f.take(cap).read_to_end(&mut v).ok()?;
        Some(v)
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
    fn finding(
        &mut self,
        code: &str,
        severity: Severity,
        path: Option<&str>,
        message: impl Into<String>,
    ) {
        self.facts.findings.push(Finding {
            code: code.to_string(),
            severity,
            path: path.map(str::to_string),
            message: message.into(),
            offset: None,
            member: None,
            evidence: None,
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
    // Card first (root README), then configs, then everything else in inventory order.
    if let Some(readme) = paths
        .iter()
        .find(|f| is_root(&f.path) && base_name(&f.path) == "readme.md")
    {
        read_card(&mut b, &readme.path);
    } else {
        b.finding(
            "card-missing",
            Severity::Low,
            None,
            "no model card (README.md) at the model root",
        );
    }
    for f in &paths {
        read_file(&mut b, f);
        security_scan(&mut b, f);
    }
    finish(b, inv)
}

fn read_card(b: &mut Builder, path: &str) {
    let Some(text) = b.files.text(path, MAX_META) else {
        return;
    };
    let c = card::parse_card(&text);
    for d in &c.defects {
        b.finding("card-unreadable", Severity::Low, Some(path), d.clone());
    }
    let f = &mut b.facts;
    Builder::set_once(&mut f.task, c.pipeline_tag.as_deref());
    Builder::set_once(&mut f.library_name, c.library_name.as_deref());
    Builder::set_once(
        &mut f.description,
        c.sections.description.as_deref().map(first_paragraph),
    );
    f.languages.extend(c.language.iter().cloned());
    f.tags.extend(c.tags.iter().cloned());
    if let Some(n) = &c.model_name {
        f.name = n.clone();
    }
    b.card_title = c.title.clone().filter(|t| t.len() <= 120);
    let s = &c.sections;
    b.facts.card = CardFacts {
        present: true,
        intended_uses: s.intended_uses.clone(),
        out_of_scope_uses: s.out_of_scope_uses.clone(),
        limitations: s.limitations.clone(),
        bias_risks: s.bias_risks.clone(),
        recommendations: s.recommendations.clone(),
        training_data: s.training_data.clone(),
        training_procedure: s.training_procedure.clone(),
        evaluation: s.evaluation.clone(),
        metrics: c
            .eval_results
            .iter()
            .map(|e| Metric {
                metric_type: e
                    .metric_type
                    .clone()
                    .or_else(|| e.metric_name.clone())
                    .unwrap_or_else(|| "metric".to_string()),
                value: e.metric_value.clone(),
                slice: slice_of(e),
            })
            .collect(),
        co2_grams: c.co2.as_ref().and_then(|x| x.emissions_grams),
        co2_details: c
            .co2
            .as_ref()
            .map(|x| {
                [
                    ("source", &x.source),
                    ("training-type", &x.training_type),
                    ("geographical-location", &x.geographical_location),
                    ("hardware-used", &x.hardware_used),
                ]
                .into_iter()
                .filter_map(|(k, v)| v.clone().map(|v| (k.to_string(), v)))
                .collect()
            })
            .unwrap_or_default(),
        placeholders: c.placeholders.clone(),
    };
    if !c.placeholders.is_empty() {
        b.finding(
            "card-placeholder",
            Severity::Info,
            Some(path),
            format!(
                "model card sections left as template placeholders: {}",
                c.placeholders.join(", ")
            ),
        );
    }
    for bm in &c.base_model {
        b.base_model(bm, c.base_model_relation.as_deref(), None, path);
    }
    for d in &c.datasets {
        b.dataset(d, path);
    }
    for l in &c.license {
        b.statement(path, SourceKind::CardLicense, l.clone());
    }
    if let Some(n) = &c.license_name {
        b.statement(path, SourceKind::CardLicenseName, n.clone());
    }
    if let Some(l) = &c.license_link {
        b.statement(path, SourceKind::CardLicenseLink, l.clone());
    }
}

fn slice_of(e: &card::EvalResult) -> Option<String> {
    let task = e.task_name.clone().or_else(|| e.task_type.clone());
    let ds = e.dataset_name.clone().or_else(|| e.dataset_type.clone());
    let split = e.dataset_split.clone();
    let mut parts = Vec::new();
    parts.extend(task);
    if let Some(d) = ds {
        parts.push(match split {
            Some(s) => format!("{d} ({s})"),
            None => d,
        });
    }
    (!parts.is_empty()).then(|| parts.join(" on "))
}

fn first_paragraph(s: &str) -> &str {
    let p = s
        .split("\n\n")
        .find(|p| !p.trim().is_empty())
        .unwrap_or(s)
        .trim();
    match p.char_indices().nth(1000) {
        Some((i, _)) => &p[..i],
        None => p,
    }
}

/// Look for code execution hidden in the file (pickles, archives, templates...): by content, bounded.
fn security_scan(b: &mut Builder, f: &FileRecord) {
    let path = b.files.path(&f.path);
    for s in security::analyze_file(&path, &f.path, f.format, f.size, &f.sha256) {
        b.facts.findings.push(Finding {
            code: s.code.to_string(),
            severity: s.severity,
            path: Some(s.path),
            message: s.message,
            offset: s.offset,
            member: s.member,
            evidence: Some(s.evidence).filter(|e| !e.is_empty()),
        });
    }
}

/// Read one inventory file for the facts its name, role and format promise.
fn read_file(b: &mut Builder, f: &FileRecord) {
    let name = base_name(&f.path);
    let path = f.path.as_str();
    if f.role == Role::Weights {
        read_weights(b, f);
        return;
    }
    if is_root(path) {
        match name.as_str() {
            "config.json" => return read_config(b, path),
            "adapter_config.json" => return read_adapter(b, path),
            "modules.json" => return read_st_modules(b, path),
            _ => {}
        }
    }
    if matches!(
        name.as_str(),
        "tokenizer_config.json" | "chat_template.json"
    ) {
        if let Some(bytes) = b.files.read(path, MAX_META) {
            if let Ok(t) = config::parse_tokenizer_config(&bytes) {
                if !t.chat_template.is_empty() {
                    b.facts.chat_template = true;
                }
            }
        }
        return;
    }
    if name.ends_with(".jinja") {
        b.facts.chat_template = true;
        return;
    }
    if name.ends_with(".index.json") {
        read_weights(b, f);
        return;
    }
    match f.role {
        Role::Licence => read_licence_file(b, path, &name),
        Role::Code => read_code(b, path, &name),
        Role::DataManifest | Role::Config | Role::Documentation => read_data_manifest(b, f, &name),
        _ => {}
    }
}

fn read_config(b: &mut Builder, path: &str) {
    let Some(bytes) = b.files.read(path, MAX_META) else {
        return;
    };
    let c = match config::parse_config(&bytes) {
        Ok(c) => c,
        Err(e) => {
            b.finding("metadata-unreadable", Severity::Low, Some(path), e);
            return;
        }
    };
    let f = &mut b.facts;
    Builder::set_once(&mut f.architecture_family, c.model_type.as_deref());
    Builder::set_once(
        &mut f.architecture,
        c.architectures.first().map(String::as_str),
    );
    if f.context_length.is_none() {
        f.context_length = c.context_length;
    }
    if let Some(q) = &c.quantization {
        let mut s = q.method.clone().unwrap_or_else(|| "quantized".to_string());
        if let Some(bits) = q.bits {
            s.push_str(&format!(" {bits}-bit"));
        }
        f.quantization.push(s);
    }
    if let Some(dt) = &c.dtype {
        b.file_prop(path, "aibom:dtype", dt.clone());
    }
    if let Some(n) = c
        .name_or_path
        .as_deref()
        .filter(|n| looks_like_hub_id(n) && n.contains('/'))
    {
        // `_name_or_path` is where the weights were loaded from before saving: the base model for a
        // fine-tune, but the model itself when it was re-saved. Only a different name is a base model.
        let last = n.rsplit('/').next().unwrap_or(n);
        let own_names = [
            b.facts
                .provenance
                .hf_repo
                .as_deref()
                .map(|r| r.rsplit('/').next().unwrap_or(r)),
            (!b.facts.name.is_empty()).then_some(b.facts.name.as_str()),
            b.card_title.as_deref(),
            Some(b.files.inv.model.name.as_str()),
        ];
        let own = own_names
            .iter()
            .flatten()
            .any(|o| o.eq_ignore_ascii_case(last));
        if !own {
            b.base_model(n, None, None, path);
        }
    }
    for file in &c.remote_code_files {
        // The finding sits on the Python file itself when it is present, so its BOM component carries it.
        let present = b.files.get(file).is_some();
        let (at, msg) = if present {
            (file.as_str(), format!("named by {path} auto_map: transformers imports and runs it (trust_remote_code)"))
        } else {
            (path, format!("auto_map makes transformers import and run {file} (trust_remote_code); the file is not in the model directory"))
        };
        b.finding("remote-code", Severity::Medium, Some(at), msg);
    }
    for repo in &c.remote_code_repos {
        b.finding(
            "remote-code-external",
            Severity::High,
            Some(path),
            format!(
                "auto_map runs code from another repository, {repo}, which this scan cannot see"
            ),
        );
    }
    for d in &c.defects {
        b.finding("metadata-unreadable", Severity::Info, Some(path), d.clone());
    }
}

fn read_adapter(b: &mut Builder, path: &str) {
    let Some(bytes) = b.files.read(path, MAX_META) else {
        return;
    };
    match config::parse_adapter_config(&bytes) {
        Ok(a) => {
            if let Some(base) = a.base_model_name_or_path.as_deref() {
                b.base_model(base, Some("adapter"), a.revision.as_deref(), path);
            }
            if let Some(t) = &a.peft_type {
                b.file_prop(path, "aibom:peft-type", t.clone());
            }
        }
        Err(e) => b.finding("metadata-unreadable", Severity::Low, Some(path), e),
    }
}

/// sentence-transformers `modules.json`: the pipeline of modules the library assembles.
fn read_st_modules(b: &mut Builder, path: &str) {
    let Some(bytes) = b.files.read(path, MAX_META) else {
        return;
    };
    match config::parse_sentence_transformers_modules(&bytes) {
        Ok(modules) => {
            for m in &modules {
                if let Some(t) = &m.type_ {
                    let dir = m.path.as_deref().filter(|p| !p.is_empty()).unwrap_or(".");
                    b.file_prop(path, "aibom:st-module", format!("{dir}: {t}"));
                }
            }
            if !modules.is_empty() {
                Builder::set_once(&mut b.facts.library_name, Some("sentence-transformers"));
            }
        }
        Err(e) => b.finding("metadata-unreadable", Severity::Low, Some(path), e),
    }
}

fn read_weights(b: &mut Builder, f: &FileRecord) {
    let path = f.path.as_str();
    let (facts, defects) = formats::read_facts(&b.files.path(path), f.format, f.size, path);
    for d in &defects {
        let severity = if d.code.ends_with("-unreadable") {
            Severity::Medium
        } else {
            Severity::Low
        };
        b.facts.findings.push(Finding {
            code: d.code.to_string(),
            severity,
            path: Some(path.to_string()),
            message: d.message.clone(),
            offset: d.offset,
            member: None,
            evidence: None,
        });
    }
    match facts {
        FormatFacts::Safetensors(s) => {
            *b.params_by_format.entry("safetensors").or_default() += s.parameters;
            let dt = b.dtypes_by_format.entry("safetensors").or_default();
            for (k, v) in &s.dtypes {
                *dt.entry(k.clone()).or_default() += v;
            }
            b.file_prop(path, "aibom:parameters", s.parameters.to_string());
            b.file_prop(path, "aibom:tensors", s.tensor_count.to_string());
            for (k, v) in &s.metadata {
                if k.to_ascii_lowercase().contains("license") {
                    b.statement(path, SourceKind::SafetensorsMetadata, v.clone());
                }
            }
        }
        FormatFacts::Gguf(g) => {
            *b.params_by_format.entry("gguf").or_default() += g.parameters;
            b.file_prop(path, "aibom:parameters", g.parameters.to_string());
            b.file_prop(path, "aibom:tensors", g.tensor_count.to_string());
            let fa = &mut b.facts;
            Builder::set_once(&mut fa.architecture_family, g.architecture.as_deref());
            if fa.context_length.is_none() {
                fa.context_length = g.context_length;
            }
            fa.quantization
                .extend(g.quantizations.keys().map(|q| format!("gguf {q}")));
            if g.chat_template.is_some() {
                fa.chat_template = true;
            }
            Builder::set_once(&mut b.gguf_name, g.name.as_deref());
            if let Some(l) = &g.license {
                b.statement(path, SourceKind::GgufMetadata, l.clone());
            }
            for bm in &g.base_models {
                let id = match (&bm.organization, &bm.name, &bm.repo_url) {
                    (_, _, Some(url)) if hub_id_from_url(url).is_some() => hub_id_from_url(url),
                    (Some(org), Some(name), _) => Some(format!("{org}/{name}")),
                    (None, Some(name), _) => Some(name.clone()),
                    _ => None,
                };
                if let Some(id) = id {
                    b.base_model(&id, None, bm.version.as_deref(), path);
                }
            }
            for d in &g.datasets {
                b.dataset(d, path);
            }
        }
        FormatFacts::Onnx(o) => {
            *b.params_by_format.entry("onnx").or_default() += o.parameters;
            b.file_prop(path, "aibom:parameters", o.parameters.to_string());
            if let Some(p) = &o.producer_name {
                b.file_prop(path, "aibom:onnx-producer", p.clone());
            }
            for (d, v) in &o.opsets {
                b.file_prop(
                    path,
                    "aibom:onnx-opset",
                    format!("{}={v}", if d.is_empty() { "ai.onnx" } else { d }),
                );
            }
            for d in &o.custom_domains {
                b.finding(
                    "onnx-custom-domain",
                    Severity::Medium,
                    Some(path),
                    format!("uses operators from custom domain {d}, which need code outside the model to run"),
                );
            }
            let parent = path.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
            let files = &b.files;
            let defects = formats::onnx::check_external(&o, parent, &|p| files.get(p).is_some());
            for d in defects {
                b.finding(d.code, Severity::High, Some(path), d.message);
            }
        }
        FormatFacts::Pytorch(p) => {
            *b.params_by_format.entry("pytorch").or_default() += p.parameters;
            let dt = b.dtypes_by_format.entry("pytorch").or_default();
            for (k, v) in &p.dtypes {
                *dt.entry(k.clone()).or_default() += v;
            }
            b.file_prop(path, "aibom:parameters", p.parameters.to_string());
            b.file_prop(path, "aibom:tensors", p.tensor_count.to_string());
        }
        FormatFacts::ShardIndex(ix) => {
            let parent = path
                .rsplit_once('/')
                .map(|(p, _)| format!("{p}/"))
                .unwrap_or_default();
            let files = &b.files;
            let defects = shard_index::check(&ix, &|shard| {
                files.get(&format!("{parent}{shard}")).map(|r| r.size)
            });
            for d in defects {
                b.finding(d.code, Severity::High, Some(path), d.message);
            }
        }
        FormatFacts::None => {}
    }
}

fn hub_id_from_url(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://huggingface.co/")
        .or_else(|| url.strip_prefix("https://hf.co/"))?;
    let id = rest.trim_end_matches('/');
    looks_like_hub_id(id).then(|| id.to_string())
}

fn read_licence_file(b: &mut Builder, path: &str, name: &str) {
    let Some(text) = b.files.text(path, MAX_LICENSE_TEXT) else {
        return;
    };
    let source = if name.starts_with("notice") {
        SourceKind::NoticeFile
    } else if name.contains("use_policy") || name.contains("acceptable_use") {
        SourceKind::UsePolicyFile
    } else {
        SourceKind::LicenseFile
    };
    b.statement(path, source, text);
}

fn read_code(b: &mut Builder, path: &str, name: &str) {
    let list = if name.starts_with("requirements") && name.ends_with(".txt") {
        b.files
            .text(path, MAX_META)
            .map(|t| deps::parse_requirements(&t, path))
    } else if name == "pyproject.toml" {
        b.files
            .text(path, MAX_META)
            .map(|t| deps::parse_pyproject(&t, path))
    } else if name == "environment.yml" || name == "environment.yaml" {
        b.files
            .text(path, MAX_META)
            .map(|t| deps::parse_environment_yml(&t, path))
    } else {
        None
    };
    if let Some(list) = list {
        for d in list.dependencies {
            let libs = &mut b.facts.libraries;
            match libs.iter_mut().find(|l| l.purl == d.purl) {
                Some(l) => {
                    if !l.sources.contains(&d.source) {
                        l.sources.push(d.source.clone());
                    }
                }
                None => libs.push(Library {
                    name: d.name,
                    version: d.version,
                    purl: d.purl,
                    sources: vec![d.source],
                }),
            }
        }
        return;
    }
    if let Some(head) = b.files.text(path, CODE_HEAD) {
        for id in deps::spdx_license_headers(&head) {
            b.statement(path, SourceKind::SpdxHeader, id);
        }
    }
}

/// Croissant manifests, dataset cards and dataset listings.
fn read_data_manifest(b: &mut Builder, f: &FileRecord, name: &str) {
    let path = f.path.as_str();
    if f.format == Format::Json || name.ends_with(".jsonld") {
        if f.size > MAX_META {
            return;
        }
        let Some(bytes) = b.files.read(path, MAX_META) else {
            return;
        };
        if dataset::is_croissant(&bytes) {
            match dataset::parse_croissant(&bytes) {
                Ok(c) => add_croissant(b, path, c),
                Err(e) => b.finding("metadata-unreadable", Severity::Low, Some(path), e),
            }
        } else if f.role != Role::Documentation {
            read_dataset_listing(b, path, &bytes);
        }
        return;
    }
    if name == "readme.md" && !is_root(path) {
        let Some(text) = b.files.text(path, MAX_META) else {
            return;
        };
        let card = dataset::parse_dataset_card(&text);
        let is_dataset = !card.task_categories.is_empty()
            || !card.size_categories.is_empty()
            || !card.source_datasets.is_empty()
            || !card.configs.is_empty();
        if !is_dataset {
            return;
        }
        let dir = path.rsplit_once('/').map(|(d, _)| d).unwrap_or(path);
        let title = card
            .pretty_name
            .clone()
            .or(card.title.clone())
            .unwrap_or_else(|| dir.to_string());
        let i = b.dataset(&title, path);
        let prefix = format!("{dir}/");
        let local: Vec<String> = b
            .files
            .inv
            .files
            .iter()
            .filter(|x| x.path.starts_with(&prefix) && x.path != path)
            .map(|x| x.path.clone())
            .collect();
        let ds = &mut b.facts.datasets[i];
        ds.files.extend(local);
        ds.derived_from.extend(card.source_datasets.iter().cloned());
        for l in &card.license {
            b.statement(path, SourceKind::DatasetCard, l.clone());
        }
    }
}

fn add_croissant(b: &mut Builder, path: &str, c: dataset::Croissant) {
    let name = c.name.clone().unwrap_or_else(|| path.to_string());
    let i = b.dataset(&name, path);
    let dir = path
        .rsplit_once('/')
        .map(|(d, _)| format!("{d}/"))
        .unwrap_or_default();
    let mut local = Vec::new();
    let mut findings = Vec::new();
    for file in &c.distribution {
        let Some(url) = file.content_url.as_deref() else {
            continue;
        };
        if url.contains("://") || url.starts_with('/') || url.split('/').any(|s| s == "..") {
            continue;
        }
        let rel = format!("{dir}{}", url.trim_start_matches("./"));
        match (b.files.get(&rel), &file.sha256) {
            (Some(rec), Some(want)) if !rec.sha256.eq_ignore_ascii_case(want) => findings.push((
                "dataset-hash-mismatch",
                Severity::High,
                format!(
                    "{rel}: SHA-256 {} but the Croissant manifest says {want}",
                    rec.sha256
                ),
            )),
            (Some(_), _) => local.push(rel),
            (None, _) if file.kind == dataset::CroissantFileKind::FileObject => findings.push((
                "dataset-file-missing",
                Severity::Info,
                format!("{rel} is listed in the Croissant manifest but not present"),
            )),
            _ => {}
        }
    }
    for (code, sev, msg) in findings {
        b.finding(code, sev, Some(path), msg);
    }
    for d in &c.defects {
        b.finding("metadata-unreadable", Severity::Info, Some(path), d.clone());
    }
    let ds = &mut b.facts.datasets[i];
    ds.files.extend(local);
    Builder::set_once(&mut ds.description, c.description.as_deref());
    Builder::set_once(&mut ds.url, c.url.as_deref());
    Builder::set_once(&mut ds.published, c.date_published.as_deref());
    ds.creators.extend(c.creator.iter().cloned());
    ds.derived_from.extend(c.derived_from.iter().cloned());
    ds.sensitive.extend(c.sensitive.iter().cloned());
    for l in &c.license {
        b.statement(path, SourceKind::CroissantLicense, l.clone());
    }
}

/// A JSON file that lists training data: a `datasets` array of names, or an array of objects with a
/// `name` and a `lines`/`weight`/`num_examples` count (a sampling mixture).
fn read_dataset_listing(b: &mut Builder, path: &str, bytes: &[u8]) {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return;
    };
    if let Some(list) = v.get("datasets").and_then(|d| d.as_array()) {
        for name in list.iter().filter_map(|x| x.as_str()).take(MAX_MEMBERS) {
            b.dataset(name, path);
        }
        return;
    }
    let Some(arr) = v.as_array() else { return };
    let members: Vec<String> = arr
        .iter()
        .filter(|x| {
            x.get("name").is_some_and(|n| n.is_string())
                && ["lines", "weight", "num_examples", "num_samples"]
                    .iter()
                    .any(|k| x.get(k).is_some())
        })
        .filter_map(|x| x["name"].as_str().map(str::to_string))
        .collect();
    if members.is_empty() || members.len() * 2 < arr.len() {
        return;
    }
    let i = b.dataset(&format!("training data mixture ({path})"), path);
    let ds = &mut b.facts.datasets[i];
    ds.description = Some(format!("{} data sources listed in {path}", members.len()));
    ds.members.extend(members.into_iter().take(MAX_MEMBERS));
}

/// Resolve licences, pick parameters, compute completeness.
fn finish(mut b: Builder, inv: &Inventory) -> Analysis {
    // Parameters: the first weight format present in this order, never a sum across formats.
    for fmt in ["safetensors", "gguf", "onnx", "pytorch"] {
        if let Some(&p) = b.params_by_format.get(fmt) {
            b.facts.parameters = Some(p);
            b.facts.dtypes = b.dtypes_by_format.remove(fmt).unwrap_or_default();
            break;
        }
    }
    let mut formats: Vec<String> = inv
        .files
        .iter()
        .filter(|f| f.role == Role::Weights)
        .map(|f| f.format.as_str().to_string())
        .collect();
    formats.sort();
    formats.dedup();
    b.facts.weight_formats = formats;

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

    resolve_licences(&mut b);
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

fn resolve_licences(b: &mut Builder) {
    let statements = std::mem::take(&mut b.statements);
    let report = license::analyze(statements);
    let entry = |res: &license::Resolution, ack| -> Vec<LicenseEntry> {
        license::cyclonedx_licenses(res, ack)
            .into_iter()
            .map(|choice| LicenseEntry {
                display: res.expression.clone().unwrap_or_default(),
                choice,
            })
            .collect()
    };
    let mut ml = ModelLicenses {
        use_restricted: report.use_restricted,
        ..Default::default()
    };
    let mut declared_seen = BTreeSet::new();
    for ev in &report.evidence {
        let st = &ev.statement;
        let res = &ev.resolution;
        let shown = res
            .expression
            .clone()
            .unwrap_or_else(|| "no recognisable licence".to_string());
        let value: String = st
            .value
            .chars()
            .take(80)
            .collect::<String>()
            .replace('\n', " ");
        ml.evidence.push(format!(
            "{} (sha256 {}) {}: {}{} -> {} [{} {:.2}]",
            st.path,
            &st.sha256.get(..12).unwrap_or(""),
            serde_json::to_value(st.source)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            value,
            if st.value.chars().count() > 80 {
                "…"
            } else {
                ""
            },
            shown,
            res.method,
            res.confidence
        ));
        let model_level = matches!(
            st.source,
            SourceKind::CardLicense
                | SourceKind::CardLicenseName
                | SourceKind::CardLicenseLink
                | SourceKind::LicenseFile
                | SourceKind::NoticeFile
                | SourceKind::GgufMetadata
                | SourceKind::SafetensorsMetadata
        ) && is_root(&st.path)
            || matches!(
                st.source,
                SourceKind::GgufMetadata | SourceKind::SafetensorsMetadata
            );
        if let Some(expr) = &res.expression {
            let file_entries = entry(res, Acknowledgement::Declared);
            if matches!(
                st.source,
                SourceKind::LicenseFile | SourceKind::NoticeFile | SourceKind::SpdxHeader
            ) {
                let ff = b.facts.files.entry(st.path.clone()).or_default();
                if ff.licenses.is_empty() {
                    ff.licenses = file_entries.clone();
                }
            }
            if model_level && declared_seen.insert(license::normalise_expression(expr)) {
                ml.declared.extend(file_entries);
            }
            if matches!(
                st.source,
                SourceKind::CroissantLicense | SourceKind::DatasetCard
            ) {
                if let Some(d) = b
                    .facts
                    .datasets
                    .iter_mut()
                    .find(|d| d.sources.contains(&st.path))
                {
                    if d.licenses.is_empty() {
                        d.licenses = entry(res, Acknowledgement::Declared);
                    }
                }
            }
        }
    }
    if let Some(concluded) = &report.concluded {
        let norm = license::normalise_expression(concluded);
        let res = report
            .evidence
            .iter()
            .map(|e| &e.resolution)
            .find(|r| {
                r.expression
                    .as_deref()
                    .map(license::normalise_expression)
                    .as_deref()
                    == Some(norm.as_str())
            })
            .cloned()
            .unwrap_or_else(|| license::resolve_expression(concluded));
        ml.concluded = entry(&res, Acknowledgement::Concluded);
    }
    for l in &report.licenses {
        if l.use_restricted {
            for r in &l.restrictions {
                if !ml.restrictions.contains(r) {
                    ml.restrictions.push(r.clone());
                }
            }
        }
    }
    for c in &report.conflicts {
        ml.conflicts.push(c.message.clone());
        let path = report.evidence.get(c.a).map(|e| e.statement.path.clone());
        b.finding(
            "license-conflict",
            Severity::Medium,
            path.as_deref(),
            c.message.clone(),
        );
    }
    let model_level = report
        .evidence
        .iter()
        .filter(|e| {
            !matches!(
                e.statement.source,
                SourceKind::SpdxHeader | SourceKind::CroissantLicense | SourceKind::DatasetCard
            )
        })
        .count();
    if model_level == 0 {
        b.finding(
            "license-missing",
            Severity::Low,
            None,
            "no licence statement for the model found in the directory",
        );
    } else if ml.declared.is_empty() {
        b.finding(
            "license-unresolved",
            Severity::Low,
            None,
            "licence statements were found but none could be resolved to an SPDX id or known model licence",
        );
    }
    b.facts.licenses = ml;
}
