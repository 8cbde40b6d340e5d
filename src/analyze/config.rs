//! Configuration readers: `config.json` (architecture, context length, quantization, dtype, the model it
//! was loaded from; `auto_map` is handed to [`super::code`]), PEFT `adapter_config.json` (base model,
//! adapter type, task), sentence-transformers `modules.json` (the module pipeline) and Piper voice configs
//! (`<voice>.onnx.json`: dataset, language, audio properties), and the tokenizer configs and template
//! files that carry a chat template.

use crate::finding::Severity;
use crate::hf::config;
use crate::license::SourceKind;

use super::{code, looks_like_hub_id, Builder, MAX_META};

/// `config.json` at the model root.
pub(super) fn read_config(b: &mut Builder, path: &str) {
    let Some(bytes) = b.files.read(path, MAX_META) else {
        return;
    };
    let c = match config::parse_config(&bytes) {
        Ok(c) => c,
        Err(e) => {
            b.finding("metadata-unreadable", Some(path), e.to_string());
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
    code::remote_code(b, path, &c);
    for d in &c.defects {
        b.finding_at("metadata-unreadable", Severity::Info, Some(path), d.clone());
    }
}

/// PEFT `adapter_config.json`: the base model it adapts, its type and task.
pub(super) fn read_adapter(b: &mut Builder, path: &str) {
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
            if let Some(t) = &a.task_type {
                b.file_prop(path, "aibom:peft-task-type", t.clone());
                // The card's pipeline_tag (read first) wins; the adapter's task type fills the gap.
                Builder::set_once(&mut b.facts.task, config::peft_task(t));
            }
        }
        Err(e) => b.finding("metadata-unreadable", Some(path), e.to_string()),
    }
}

/// sentence-transformers `modules.json`: the pipeline of modules the library assembles.
pub(super) fn read_st_modules(b: &mut Builder, path: &str) {
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
        Err(e) => b.finding("metadata-unreadable", Some(path), e.to_string()),
    }
}

/// A Piper voice config (`<voice>.onnx.json` beside `<voice>.onnx`): its dataset and language are
/// model facts; sample rate, quality, speaker count and Piper version describe the voice file.
/// False when the file is JSON of another kind (then it is read like any other config).
pub(super) fn read_piper_voice(b: &mut Builder, path: &str) -> bool {
    let Some(bytes) = b.files.read(path, MAX_META) else {
        return true;
    };
    let v = match config::parse_piper_voice_config(&bytes) {
        Ok(Some(v)) => v,
        Ok(None) => return false,
        Err(e) => {
            b.finding("metadata-unreadable", Some(path), e.to_string());
            return true;
        }
    };
    if let Some(d) = v.dataset.as_deref().filter(|d| !d.trim().is_empty()) {
        let known = b.facts.datasets.len();
        let i = b.dataset(d, path);
        // A voice's dataset is a name of recordings, not a Hub dataset id.
        if i >= known {
            b.facts.datasets[i].hub_id = None;
        }
        // The voice's MODEL_CARD beside it says where the recordings are and under which licence.
        let card = match path.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/MODEL_CARD"),
            None => "MODEL_CARD".to_string(),
        };
        if let Some(text) = b.files.read(&card, MAX_META) {
            let (url, licence) = config::piper_card_dataset(&String::from_utf8_lossy(&text));
            let ds = &mut b.facts.datasets[i];
            Builder::set_once(&mut ds.url, url.as_deref());
            if let Some(l) = licence {
                if !ds.sources.contains(&card) {
                    ds.sources.push(card.clone());
                }
                b.statement(&card, SourceKind::DatasetCard, l);
            }
        }
    }
    if let Some(l) = v.language.as_deref().filter(|l| !l.trim().is_empty()) {
        b.facts.languages.push(l.trim().to_string());
    }
    if let Some(pv) = &v.piper_version {
        b.file_prop(path, "aibom:piper-version", pv.clone());
        Builder::set_once(&mut b.facts.library_name, Some("piper"));
    }
    if let Some(r) = v.sample_rate {
        b.file_prop(path, "aibom:sample-rate", r.to_string());
    }
    if let Some(q) = &v.quality {
        b.file_prop(path, "aibom:voice-quality", q.clone());
    }
    if let Some(n) = v.num_speakers {
        b.file_prop(path, "aibom:speakers", n.to_string());
    }
    for d in &v.defects {
        b.finding_at("metadata-unreadable", Severity::Info, Some(path), d.clone());
    }
    true
}

/// `tokenizer_config.json` / `chat_template.json`: a chat template in it is noted.
pub(super) fn read_tokenizer_config(b: &mut Builder, path: &str) {
    if let Some(bytes) = b.files.read(path, MAX_META) {
        if let Ok(t) = config::parse_tokenizer_config(&bytes) {
            if !t.chat_template.is_empty() {
                b.chat_template(path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::testutil::{model, MODEL_NAME};
    use crate::finding::Severity;

    #[test]
    fn config_json_states_architecture_context_quantization_and_dtype() {
        let m = model(&[(
            "config.json",
            br#"{"model_type": "llama", "architectures": ["LlamaForCausalLM", "Other"],
                "max_position_embeddings": 4096, "torch_dtype": "bfloat16",
                "quantization_config": {"quant_method": "awq", "bits": 4},
                "_name_or_path": "meta/base-7b"}"#
                .as_slice(),
        )]);
        let f = &m.a.facts;
        assert_eq!(f.architecture_family.as_deref(), Some("llama"));
        assert_eq!(f.architecture.as_deref(), Some("LlamaForCausalLM"));
        assert_eq!(f.context_length, Some(4096));
        assert_eq!(f.quantization, ["awq 4-bit"]);
        assert_eq!(m.props("config.json"), [("aibom:dtype", "bfloat16")]);
        let bases: Vec<_> = f
            .base_models
            .iter()
            .map(|b| (b.id.as_str(), b.relation.as_deref(), b.sources.clone()))
            .collect();
        assert_eq!(
            bases,
            [("meta/base-7b", None, vec!["config.json".to_string()])]
        );
    }

    #[test]
    fn name_or_path_naming_the_model_itself_is_no_base_model() {
        // The directory name, the card's title: a re-saved model, not a fine-tune.
        let own = format!(r#"{{"_name_or_path": "acme/{MODEL_NAME}"}}"#);
        let m = model(&[("config.json", own.as_bytes())]);
        assert!(m.a.facts.base_models.is_empty());
        let m = model(&[
            ("README.md", b"# Model card for tiny-chat\n".as_slice()),
            ("config.json", br#"{"_name_or_path": "acme/TINY-CHAT"}"#),
        ]);
        assert!(m.a.facts.base_models.is_empty());
        // A local path is no Hub id.
        let m = model(&[(
            "config.json",
            br#"{"_name_or_path": "/home/me/ckpt"}"#.as_slice(),
        )]);
        assert!(m.a.facts.base_models.is_empty());
    }

    #[test]
    fn unreadable_configs_are_findings() {
        let m = model(&[
            ("config.json", b"{not json".as_slice()),
            ("adapter_config.json", b"[1, 2]"),
            ("modules.json", b"{\"a\": 1}"),
        ]);
        assert_eq!(
            m.findings(),
            [
                ("card-missing", Severity::Low, None),
                (
                    "metadata-unreadable",
                    Severity::Low,
                    Some("adapter_config.json")
                ),
                ("metadata-unreadable", Severity::Low, Some("config.json")),
                ("metadata-unreadable", Severity::Low, Some("modules.json")),
                ("license-missing", Severity::Low, None),
            ]
        );
    }

    #[test]
    fn adapter_config_names_its_base_model_type_and_task() {
        let m = model(&[(
            "adapter_config.json",
            br#"{"base_model_name_or_path": "acme/base", "revision": "v2", "peft_type": "LORA",
                "task_type": "CAUSAL_LM"}"#
                .as_slice(),
        )]);
        let b = &m.a.facts.base_models;
        assert_eq!(b.len(), 1);
        assert_eq!(
            (
                b[0].id.as_str(),
                b[0].relation.as_deref(),
                b[0].revision.as_deref()
            ),
            ("acme/base", Some("adapter"), Some("v2"))
        );
        assert_eq!(
            m.props("adapter_config.json"),
            [
                ("aibom:peft-type", "LORA"),
                ("aibom:peft-task-type", "CAUSAL_LM")
            ]
        );
        assert_eq!(m.a.facts.task.as_deref(), Some("text-generation"));
    }

    #[test]
    fn only_root_configs_are_model_configs() {
        let m = model(&[("sub/config.json", br#"{"model_type": "llama"}"#.as_slice())]);
        assert_eq!(m.a.facts.architecture_family, None);
    }

    #[test]
    fn sentence_transformers_modules_are_listed() {
        let m = model(&[(
            "modules.json",
            br#"[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]"#
                .as_slice(),
        )]);
        assert_eq!(
            m.props("modules.json"),
            [
                (
                    "aibom:st-module",
                    ".: sentence_transformers.models.Transformer"
                ),
                (
                    "aibom:st-module",
                    "1_Pooling: sentence_transformers.models.Pooling"
                ),
            ]
        );
        assert_eq!(
            m.a.facts.library_name.as_deref(),
            Some("sentence-transformers")
        );
    }

    const VOICE: &[u8] = br#"{"audio": {"sample_rate": 16000, "quality": "low"}, "num_speakers": 2,
        "piper_version": "1.2.0", "phoneme_id_map": {"_": [0]}, "num_symbols": 10,
        "espeak": {"voice": "de"}, "language": {"code": "de_DE"}, "dataset": "thorsten"}"#;

    #[test]
    fn piper_voice_config_describes_the_voice() {
        let m = model(&[("de-voice.onnx.json", VOICE)]);
        let f = &m.a.facts;
        let ds: Vec<_> = f
            .datasets
            .iter()
            .map(|d| (d.name.as_str(), d.hub_id.as_deref(), d.sources.clone()))
            .collect();
        assert_eq!(
            ds,
            [("thorsten", None, vec!["de-voice.onnx.json".to_string()])],
            "a recordings name, not a Hub id"
        );
        assert_eq!(f.languages, ["de_DE"]);
        assert_eq!(f.library_name.as_deref(), Some("piper"));
        assert_eq!(
            m.props("de-voice.onnx.json"),
            [
                ("aibom:piper-version", "1.2.0"),
                ("aibom:sample-rate", "16000"),
                ("aibom:voice-quality", "low"),
                ("aibom:speakers", "2"),
            ]
        );
    }

    #[test]
    fn voice_dataset_named_by_the_card_keeps_its_hub_id() {
        let m = model(&[
            (
                "README.md",
                b"---\ndatasets:\n- thorsten\n---\n# v\n".as_slice(),
            ),
            ("de-voice.onnx.json", VOICE),
        ]);
        let ds = &m.a.facts.datasets;
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].hub_id.as_deref(), Some("thorsten"));
        assert_eq!(ds[0].sources, ["README.md", "de-voice.onnx.json"]);
    }

    #[test]
    fn other_onnx_json_is_not_a_voice() {
        let m = model(&[("x.onnx.json", br#"{"datasets": ["acme/d"]}"#.as_slice())]);
        assert!(m.props("x.onnx.json").is_empty());
        assert_eq!(m.a.facts.library_name, None);
        // ... and is read like any other JSON: here, a dataset listing.
        let names: Vec<&str> = m.a.facts.datasets.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["acme/d"]);
    }

    #[test]
    fn chat_templates_are_found_in_tokenizer_configs_and_template_files() {
        let m = model(&[
            (
                "tokenizer_config.json",
                br#"{"chat_template": "{{ m }}"}"#.as_slice(),
            ),
            ("chat_template.json", br#"{"chat_template": "{{ n }}"}"#),
            ("templates/tool.jinja", b"{{ t }}"),
            ("sub/tokenizer_config.json", br#"{"model_max_length": 5}"#),
        ]);
        let f = &m.a.facts;
        assert!(f.chat_template);
        assert_eq!(
            f.chat_template_files,
            [
                "chat_template.json",
                "templates/tool.jinja",
                "tokenizer_config.json"
            ]
        );
        let m = model(&[("tokenizer_config.json", br#"{"eos_token": "x"}"#.as_slice())]);
        assert!(!m.a.facts.chat_template);
    }
}
