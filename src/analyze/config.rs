//! Configuration readers: `config.json` (architecture, context length, quantization, dtype, the model it
//! was loaded from; `auto_map` is handed to [`super::code`]), PEFT `adapter_config.json` (base model,
//! adapter type, task), sentence-transformers `modules.json` (the module pipeline) and Piper voice configs
//! (`<voice>.onnx.json`: dataset, language, audio properties), and the tokenizer configs and template
//! files that carry a chat template.

use crate::facts::Severity;
use crate::hf::config;

use super::{code, looks_like_hub_id, Builder, MAX_META};

/// `config.json` at the model root.
pub(super) fn read_config(b: &mut Builder, path: &str) {
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
    code::remote_code(b, path, &c);
    for d in &c.defects {
        b.finding("metadata-unreadable", Severity::Info, Some(path), d.clone());
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
        Err(e) => b.finding("metadata-unreadable", Severity::Low, Some(path), e),
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
        Err(e) => b.finding("metadata-unreadable", Severity::Low, Some(path), e),
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
            b.finding("metadata-unreadable", Severity::Low, Some(path), e);
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
        b.finding("metadata-unreadable", Severity::Info, Some(path), d.clone());
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
