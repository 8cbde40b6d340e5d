//! The weights reader: format header facts (safetensors, GGUF, ONNX; shard indexes) per file — parameter
//! and tensor counts, dtypes, GGUF architecture, context, quantization, chat template, name, licence,
//! base models and datasets, ONNX producer, opsets, custom domains and external data — header defects as
//! findings, and, once every file is read, the model's parameter count, dtypes and weight formats.
//! Never reads past a header (the hashing pass has read the bytes already).

use crate::finding::Finding;
use crate::formats::{self, shard_index, FormatFacts};
use crate::inventory::{FileRecord, Inventory};
use crate::license::SourceKind;
use crate::role::Role;

use super::{looks_like_hub_id, Builder};

/// Add one weights file's parameters and dtypes to its format's totals — unless the file is an
/// intermediate checkpoint (`checkpoint-500/`, `step1000/`, ...), which is another copy of the model,
/// not more of it.
fn tally(
    b: &mut Builder,
    path: &str,
    format: &'static str,
    parameters: u64,
    dtypes: &std::collections::BTreeMap<String, u64>,
) {
    if crate::role::in_checkpoint_dir(path) {
        return;
    }
    let n = b.params_by_format.entry(format).or_default();
    *n = n.saturating_add(parameters);
    let dt = b.dtypes_by_format.entry(format).or_default();
    for (k, v) in dtypes {
        let n = dt.entry(k.clone()).or_default();
        *n = n.saturating_add(*v);
    }
}

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
        b.facts.findings.push(Finding {
            offset: d.offset,
            ..Finding::new(d.code, Some(path), d.message.clone())
        });
    }
    match facts {
        FormatFacts::Safetensors(s) => {
            tally(b, path, "safetensors", s.parameters, &s.dtypes);
            b.file_prop(path, "aibom:parameters", s.parameters.to_string());
            b.file_prop(path, "aibom:tensors", s.tensor_count.to_string());
            for (k, v) in &s.metadata {
                if k.to_ascii_lowercase().contains("license") {
                    b.statement(path, SourceKind::SafetensorsMetadata, v.clone());
                }
            }
        }
        FormatFacts::Gguf(g) => {
            tally(b, path, "gguf", g.parameters, &Default::default());
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
            tally(b, path, "onnx", o.parameters, &o.dtypes);
            b.file_prop(path, "aibom:parameters", o.parameters.to_string());
            b.file_prop(path, "aibom:tensors", o.initializers.to_string());
            b.file_prop(
                path,
                "aibom:onnx-constant-values",
                o.constant_values.to_string(),
            );
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
                    Some(path),
                    format!("uses operators from custom domain {d}, which need code outside the model to run"),
                );
            }
            let parent = path.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
            let files = &b.files;
            let defects = formats::onnx::check_external(&o, parent, &|p| files.get(p).is_some());
            for d in defects {
                b.finding(d.code, Some(path), d.message);
            }
        }
        FormatFacts::Pytorch(p) => {
            tally(b, path, "pytorch", p.parameters, &p.dtypes);
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
                b.finding(d.code, Some(path), d.message);
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
}

#[cfg(test)]
mod tests {
    use super::hub_id_from_url;
    use crate::analyze::testutil::{gguf, model, safetensors, Kv};
    use crate::finding::Severity;

    #[test]
    fn safetensors_headers_give_parameters_dtypes_and_licence() {
        let a = safetensors(
            &[("w", "F32", 3), ("b", "F16", 2)],
            Some(r#"{"format": "pt", "license": "MIT"}"#),
        );
        let b = safetensors(&[("x", "F32", 4)], None);
        let m = model(&[("a.safetensors", &a), ("b.safetensors", &b)]);
        let f = &m.a.facts;
        assert_eq!(f.parameters, Some(9), "summed over the files of one format");
        let dtypes: Vec<(&str, u64)> = f.dtypes.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(dtypes, [("F16", 2), ("F32", 7)]);
        assert_eq!(f.weight_formats, ["safetensors"]);
        assert_eq!(
            m.props("a.safetensors"),
            [("aibom:parameters", "5"), ("aibom:tensors", "2")]
        );
        let lic: Vec<&str> = f
            .licenses
            .concluded
            .iter()
            .map(|e| e.display.as_str())
            .collect();
        assert_eq!(lic, ["MIT"]);
        assert!(f.licenses.evidence[0].starts_with("a.safetensors (sha256 "));
    }

    #[test]
    fn gguf_metadata_becomes_model_facts() {
        let g = gguf(&[
            ("general.architecture", Kv::Str("llama")),
            ("general.name", Kv::Str("Acme Tiny")),
            ("general.license", Kv::Str("apache-2.0")),
            ("general.file_type", Kv::U32(15)),
            ("llama.context_length", Kv::U32(8192)),
            ("tokenizer.chat_template", Kv::Str("{{ x }}")),
            ("general.base_model.count", Kv::U32(2)),
            ("general.base_model.0.name", Kv::Str("Base")),
            ("general.base_model.0.organization", Kv::Str("Acme")),
            (
                "general.base_model.0.repo_url",
                Kv::Str("https://huggingface.co/acme/base-1b"),
            ),
            ("general.base_model.0.version", Kv::Str("v1")),
            ("general.base_model.1.name", Kv::Str("Other")),
            ("general.base_model.1.organization", Kv::Str("Org")),
            ("general.datasets", Kv::Strs(&["acme/d1", "plain"])),
        ]);
        let m = model(&[("acme.gguf", &g)]);
        let f = &m.a.facts;
        assert_eq!(f.name, "Acme Tiny");
        assert_eq!(f.architecture_family.as_deref(), Some("llama"));
        assert_eq!(f.context_length, Some(8192));
        assert_eq!(f.quantization, ["gguf file type Q4_K_M"]);
        assert_eq!(f.chat_template_files, ["acme.gguf"]);
        assert_eq!(f.parameters, Some(0));
        assert_eq!(f.weight_formats, ["gguf"]);
        assert_eq!(
            m.props("acme.gguf"),
            [
                ("aibom:parameters", "0"),
                ("aibom:tensors", "0"),
                ("aibom:gguf-file-type", "Q4_K_M")
            ]
        );
        let bases: Vec<_> = f
            .base_models
            .iter()
            .map(|b| (b.id.as_str(), b.revision.as_deref()))
            .collect();
        assert_eq!(bases, [("acme/base-1b", Some("v1")), ("Org/Other", None)]);
        let ds: Vec<_> = f
            .datasets
            .iter()
            .map(|d| (d.name.as_str(), d.hub_id.as_deref()))
            .collect();
        assert_eq!(ds, [("acme/d1", Some("acme/d1")), ("plain", Some("plain"))]);
        let lic: Vec<&str> = f
            .licenses
            .concluded
            .iter()
            .map(|e| e.display.as_str())
            .collect();
        assert_eq!(lic, ["Apache-2.0"]);
    }

    #[test]
    fn parameters_come_from_one_format_only() {
        let st = safetensors(&[("w", "F32", 6)], None);
        let g = gguf(&[("general.architecture", Kv::Str("llama"))]);
        let m = model(&[("model.safetensors", &st), ("model.gguf", &g)]);
        assert_eq!(m.a.facts.parameters, Some(6), "safetensors before GGUF");
        assert_eq!(m.a.facts.weight_formats, ["gguf", "safetensors"]);
    }

    #[test]
    fn header_defects_are_findings_on_the_file() {
        let m = model(&[("model.gguf", b"not a gguf file".as_slice())]);
        let f = m.finding("gguf-unreadable");
        assert_eq!(
            (f.severity, f.path.as_deref()),
            (Severity::Medium, Some("model.gguf"))
        );
        assert_eq!(m.a.facts.parameters, None);
        let m = model(&[("empty.safetensors", b"".as_slice())]);
        assert_eq!(m.finding("safetensors-truncated").severity, Severity::Low);
    }

    #[test]
    fn shard_index_names_missing_shards() {
        let st = safetensors(&[("a", "F32", 1)], None);
        let index = br#"{"metadata": {"total_size": 8}, "weight_map": {
            "a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}"#;
        let m = model(&[
            ("model-00001-of-00002.safetensors", &st),
            ("model.safetensors.index.json", index),
        ]);
        let f = m.finding("shard-missing");
        assert_eq!(
            (f.severity, f.path.as_deref()),
            (Severity::High, Some("model.safetensors.index.json"))
        );
        assert!(
            f.message.contains("model-00002-of-00002.safetensors"),
            "{}",
            f.message
        );
    }

    #[test]
    fn onnx_graph_facts_describe_the_file() {
        let onnx = include_bytes!("../../fixtures/formats/tiny.onnx");
        let m = model(&[("voice.onnx", onnx.as_slice())]);
        assert_eq!(m.a.facts.parameters, Some(20));
        assert_eq!(m.a.facts.weight_formats, ["onnx"]);
        assert_eq!(
            m.props("voice.onnx"),
            [
                ("aibom:parameters", "20"),
                ("aibom:tensors", "2"),
                ("aibom:onnx-constant-values", "0"),
                ("aibom:onnx-producer", "aibom-fixture"),
                ("aibom:onnx-opset", "ai.onnx=17")
            ]
        );
    }

    #[test]
    fn hub_ids_from_urls() {
        assert_eq!(
            hub_id_from_url("https://huggingface.co/acme/x/").as_deref(),
            Some("acme/x")
        );
        assert_eq!(
            hub_id_from_url("https://hf.co/gpt2").as_deref(),
            Some("gpt2")
        );
        assert_eq!(
            hub_id_from_url("https://huggingface.co/acme/x/tree/main"),
            None
        );
        assert_eq!(hub_id_from_url("https://example.org/acme/x"), None);
    }
}
