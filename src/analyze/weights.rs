//! The weights reader: format header facts (safetensors, GGUF, ONNX; shard indexes) per file — parameter
//! and tensor counts, dtypes, GGUF architecture, context, quantization, chat template, name, licence,
//! base models and datasets, ONNX producer, opsets, custom domains and external data — header defects as
//! findings, and, once every file is read, the model's parameter count, dtypes and weight formats.
//! Never reads past a header (the hashing pass has read the bytes already).

use crate::facts::{Finding, Severity};
use crate::formats::{self, shard_index, FormatFacts};
use crate::inventory::{FileRecord, Inventory};
use crate::license::SourceKind;
use crate::role::Role;

use super::{looks_like_hub_id, Builder};

/// A weights file or a shard index: header facts, defects as findings.
pub(super) fn read_weights(b: &mut Builder, f: &FileRecord) {
    let path = f.path.as_str();
    let on_disk = b.files.path(path);
    // A file named like a format with a header reader is read as that format even when its content
    // was identified as something else: a broken or hostile header must be a finding, not `binary`.
    let (facts, defects) = match formats::promised_format(path).filter(|p| *p != f.format) {
        Some(promised) => formats::read_as_promised(&on_disk, f.format, promised, f.size, path),
        None => formats::read_facts(&on_disk, f.format, f.size, path),
    };
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
            // The file type (`general.file_type`, what llama-quantize was asked for) comes before the
            // tensor types it produced.
            let label = g.file_type.map(formats::gguf::file_type_label);
            fa.quantization
                .extend(label.iter().map(|l| format!("gguf file type {l}")));
            fa.quantization
                .extend(g.quantizations.keys().map(|q| format!("gguf {q}")));
            if let Some(l) = label {
                b.file_prop(path, "aibom:gguf-file-type", l);
            }
            if g.chat_template.is_some() {
                b.chat_template(path);
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

/// Once every file is read: the parameter count and dtypes of the first weight format present in this
/// order — never a sum across formats — and the formats of the weight files.
pub(super) fn settle(b: &mut Builder, inv: &Inventory) {
    for fmt in ["safetensors", "gguf", "onnx"] {
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
}
