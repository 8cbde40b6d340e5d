//! Hugging Face JSON configuration files: `config.json` (architecture, dtype, sizes, quantization and
//! the `auto_map` that makes loading run repository Python), `generation_config.json`,
//! PEFT `adapter_config.json`, sentence-transformers `modules.json` and `tokenizer_config.json` /
//! `chat_template.json` (chat templates), and the voice config (`<voice>.onnx.json`) that Piper
//! text-to-speech voices ship beside their ONNX model. Inputs are untrusted: at most 16 MiB, bounded depth and
//! values; a field of the wrong type is ignored and named in `defects`; a document that is not JSON
//! or not of the expected shape is an [`Error::Invalid`] (or [`Error::Malformed`] carrying the JSON parser's
//! error), with one sentence.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use super::value::{self, Fields};
use crate::error::{Error, Result};

/// Longest chat template kept (cut on a char boundary).
pub const MAX_CHAT_TEMPLATE: usize = 1 << 20;
/// Most named chat templates kept.
const MAX_TEMPLATES: usize = 64;
/// Most `auto_map` entries read.
const MAX_AUTO_MAP: usize = 256;

/// What `config.json` says.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct HfConfig {
    pub model_type: Option<String>,
    pub architectures: Vec<String>,
    /// `dtype` (transformers ≥ 4.56) or `torch_dtype`.
    pub dtype: Option<String>,
    /// `_name_or_path`.
    pub name_or_path: Option<String>,
    /// `auto_map`: Auto class → class references as written (a value may be one string or a list,
    /// e.g. slow and fast tokenizer; nulls dropped).
    pub auto_map: BTreeMap<String, Vec<String>>,
    /// Python files in this repository that `auto_map` makes transformers import and run
    /// (`trust_remote_code`), e.g. `modeling_x.MyModel` → `modeling_x.py`. Sorted, unique.
    pub remote_code_files: Vec<String>,
    /// Other repositories whose code `auto_map` names (`org/repo--module.Class`). Sorted, unique.
    pub remote_code_repos: Vec<String>,
    /// Every `auto_map` reference, parsed.
    pub remote_code_refs: Vec<RemoteCodeRef>,
    /// `quantization_config`.
    pub quantization: Option<Quantization>,
    /// `hidden_size` (or `n_embd`, `d_model`; or the same under `text_config`).
    pub hidden_size: Option<u64>,
    /// `num_hidden_layers` (or `n_layer`, `num_layers`; or under `text_config`).
    pub num_hidden_layers: Option<u64>,
    /// `num_attention_heads` (or `n_head`, `num_heads`; or under `text_config`).
    pub num_attention_heads: Option<u64>,
    /// `vocab_size` (or under `text_config`).
    pub vocab_size: Option<u64>,
    /// First of `max_position_embeddings`, `n_positions`, `max_sequence_length`, `seq_length`,
    /// `model_max_length` (or under `text_config`).
    pub context_length: Option<u64>,
    pub transformers_version: Option<String>,
    /// Fields present but unreadable, one sentence each.
    pub defects: Vec<String>,
}

/// One `auto_map` class reference.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct RemoteCodeRef {
    /// The Auto class it registers (`AutoModelForCausalLM`, ...).
    pub key: String,
    /// As written (`modeling_x.MyModel`, `org/repo--modeling_x.MyModel`).
    pub reference: String,
    /// The repository holding the code when it is not this one.
    pub repo: Option<String>,
    /// Python file, relative to the repository root (`modeling_x.py`); `None` when the module
    /// name is not a plain dotted Python name (then a defect says so).
    pub file: Option<String>,
    pub class: String,
}

/// `quantization_config`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Quantization {
    /// `quant_method`, else `bitsandbytes` when `load_in_4bit` / `load_in_8bit` is set.
    pub method: Option<String>,
    /// `bits`, else 4 / 8 from `load_in_4bit` / `load_in_8bit`.
    pub bits: Option<u64>,
    /// Only the keys `quant_method`, `bits`, `load_in_4bit`, `load_in_8bit`, `group_size` (scalars).
    pub raw: Value,
}

/// PEFT `adapter_config.json`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct AdapterConfig {
    pub base_model_name_or_path: Option<String>,
    pub revision: Option<String>,
    pub peft_type: Option<String>,
    pub task_type: Option<String>,
    pub r: Option<u64>,
    pub lora_alpha: Option<f64>,
    /// A list of module names, or one regular expression as written.
    pub target_modules: Vec<String>,
    pub defects: Vec<String>,
}

/// A Piper voice config (`<voice>.onnx.json`): only what describes the model. The phoneme tables and
/// inference settings are not kept.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct PiperVoice {
    /// `dataset`: the name of the recordings the voice was trained on, as written.
    pub dataset: Option<String>,
    /// `language.code` (`en_US`), as written.
    pub language: Option<String>,
    /// `audio.sample_rate` in Hz.
    pub sample_rate: Option<u64>,
    /// `audio.quality` (`x_low`, `low`, `medium`, `high`).
    pub quality: Option<String>,
    pub num_speakers: Option<u64>,
    /// `piper_version`: the Piper release that exported the voice.
    pub piper_version: Option<String>,
    pub defects: Vec<String>,
}

/// One entry of sentence-transformers `modules.json`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct StModule {
    pub idx: Option<u64>,
    pub name: Option<String>,
    /// Directory of the module relative to the model root (`""` for the root).
    pub path: Option<String>,
    /// Python class path (`sentence_transformers.models.Transformer`).
    #[serde(rename = "type")]
    pub type_: Option<String>,
}

/// `tokenizer_config.json` (also reads `chat_template.json`, which has the same `chat_template` key).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct TokenizerConfig {
    pub tokenizer_class: Option<String>,
    /// (name, Jinja template): one `("default", ...)` when the file holds a single string, else the
    /// `{name, template}` list. Each template at most [`MAX_CHAT_TEMPLATE`] bytes.
    pub chat_template: Vec<(String, String)>,
    /// `None` when absent or the "no limit" sentinel (≥ 1e18) transformers writes.
    pub model_max_length: Option<u64>,
    /// `auto_map` of the tokenizer (custom tokenizer code), as in [`HfConfig::auto_map`].
    pub auto_map: BTreeMap<String, Vec<String>>,
    pub remote_code_refs: Vec<RemoteCodeRef>,
    pub defects: Vec<String>,
}

fn object(bytes: &[u8], keep: Option<&[&str]>) -> Result<Map<String, Value>> {
    match value::json(bytes, keep)? {
        Value::Object(m) => Ok(m),
        other => Err(Error::invalid(format!(
            "expected a JSON object, found {}",
            value::kind(&other)
        ))),
    }
}

/// First integer among `keys`, at the top level, then under `text_config`.
fn first_u64(obj: &Map<String, Value>, keys: &[&str], d: &mut Vec<String>) -> Option<u64> {
    let top = Fields::new(obj, "");
    if let Some(v) = keys.iter().find_map(|k| top.u64(k, d)) {
        return Some(v);
    }
    let text = match obj.get("text_config") {
        Some(Value::Object(m)) => m,
        _ => return None,
    };
    let f = Fields::new(text, "text_config");
    keys.iter().find_map(|k| f.u64(k, d))
}

/// Parses `config.json`.
pub fn parse_config(json: &[u8]) -> Result<HfConfig> {
    let obj = object(json, None)?;
    let mut c = HfConfig::default();
    let d = &mut c.defects;
    let f = Fields::new(&obj, "");
    c.model_type = f.string("model_type", d);
    c.architectures = f.strings("architectures", d);
    c.dtype = f.string("dtype", d).or_else(|| f.string("torch_dtype", d));
    c.name_or_path = f.string("_name_or_path", d);
    c.transformers_version = f.string("transformers_version", d);
    if let Some(m) = f.object("auto_map", d) {
        c.auto_map = read_auto_map(m, d);
        c.remote_code_refs = remote_code_refs(&c.auto_map, d);
    }
    for r in &c.remote_code_refs {
        match (&r.repo, &r.file) {
            (Some(repo), _) => c.remote_code_repos.push(repo.clone()),
            (None, Some(file)) => c.remote_code_files.push(file.clone()),
            (None, None) => {}
        }
    }
    for v in [&mut c.remote_code_files, &mut c.remote_code_repos] {
        v.sort();
        v.dedup();
    }
    if let Some(q) = f.object("quantization_config", d) {
        c.quantization = Some(read_quantization(q, d));
    }
    c.hidden_size = first_u64(&obj, &["hidden_size", "n_embd", "d_model"], d);
    c.num_hidden_layers = first_u64(&obj, &["num_hidden_layers", "n_layer", "num_layers"], d);
    c.num_attention_heads = first_u64(&obj, &["num_attention_heads", "n_head", "num_heads"], d);
    c.vocab_size = first_u64(&obj, &["vocab_size"], d);
    c.context_length = first_u64(
        &obj,
        &[
            "max_position_embeddings",
            "n_positions",
            "max_sequence_length",
            "seq_length",
            "model_max_length",
        ],
        d,
    );
    Ok(c)
}

fn read_auto_map(m: &Map<String, Value>, d: &mut Vec<String>) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for (i, (k, v)) in m.iter().enumerate() {
        if i == MAX_AUTO_MAP {
            d.push(format!(
                "auto_map has more than {MAX_AUTO_MAP} entries; the rest are ignored"
            ));
            break;
        }
        let refs = value::string_list(v, &format!("auto_map.{k}"), d);
        if !refs.is_empty() {
            out.insert(k.clone(), refs);
        }
    }
    out
}

/// A dotted Python module name (`modeling_x`, `models.modeling_x`): no path characters.
fn plain_module(m: &str) -> bool {
    !m.is_empty()
        && m.split('.').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
}

fn remote_code_refs(
    map: &BTreeMap<String, Vec<String>>,
    d: &mut Vec<String>,
) -> Vec<RemoteCodeRef> {
    let mut out = Vec::new();
    for (key, refs) in map {
        for reference in refs {
            let (repo, rest) = match reference.split_once("--") {
                Some((repo, rest)) => (Some(repo.to_owned()), rest),
                None => (None, reference.as_str()),
            };
            let Some((module, class)) = rest.rsplit_once('.') else {
                d.push(format!(
                    "auto_map.{key}: {reference:?} is not a module.Class reference"
                ));
                continue;
            };
            let file = if plain_module(module) {
                Some(format!("{}.py", module.replace('.', "/")))
            } else {
                d.push(format!(
                    "auto_map.{key}: module {:?} is not a plain Python module name",
                    value::prefix(module, 200)
                ));
                None
            };
            out.push(RemoteCodeRef {
                key: key.clone(),
                reference: reference.clone(),
                repo: repo.filter(|r| !r.is_empty()),
                file,
                class: class.to_owned(),
            });
        }
    }
    out
}

fn read_quantization(q: &Map<String, Value>, d: &mut Vec<String>) -> Quantization {
    let f = Fields::new(q, "quantization_config");
    let four = f.bool("load_in_4bit", d) == Some(true);
    let eight = f.bool("load_in_8bit", d) == Some(true);
    let method = f
        .string("quant_method", d)
        .or_else(|| (four || eight).then(|| "bitsandbytes".to_owned()));
    let bits = f.u64("bits", d).or(if four {
        Some(4)
    } else if eight {
        Some(8)
    } else {
        None
    });
    let mut raw = Map::new();
    for k in [
        "quant_method",
        "bits",
        "load_in_4bit",
        "load_in_8bit",
        "group_size",
    ] {
        if let Some(v) = q.get(k) {
            match v {
                Value::String(s) => {
                    raw.insert(
                        k.to_owned(),
                        Value::String(value::prefix(s, 256).to_owned()),
                    );
                }
                Value::Bool(_) | Value::Number(_) | Value::Null => {
                    raw.insert(k.to_owned(), v.clone());
                }
                _ => {}
            }
        }
    }
    Quantization {
        method,
        bits,
        raw: Value::Object(raw),
    }
}

/// Parses `generation_config.json` into its scalar keys (and short lists of scalars, such as
/// `eos_token_id: [1, 2]`); nested objects are dropped.
pub fn parse_generation_config(json: &[u8]) -> Result<BTreeMap<String, Value>> {
    let obj = object(json, None)?;
    let mut out = BTreeMap::new();
    for (k, v) in obj {
        if out.len() == value::MAX_ITEMS {
            break;
        }
        let keep = match &v {
            Value::String(s) => s.len() <= value::MAX_FIELD,
            Value::Null | Value::Bool(_) | Value::Number(_) => true,
            Value::Array(a) => {
                a.len() <= 64
                    && a.iter()
                        .all(|x| matches!(x, Value::Number(_) | Value::Bool(_)))
            }
            Value::Object(_) => false,
        };
        if keep {
            out.insert(k, v);
        }
    }
    Ok(out)
}

/// Parses PEFT `adapter_config.json`.
pub fn parse_adapter_config(json: &[u8]) -> Result<AdapterConfig> {
    let obj = object(json, None)?;
    let mut a = AdapterConfig::default();
    let d = &mut a.defects;
    let f = Fields::new(&obj, "");
    a.base_model_name_or_path = f.string("base_model_name_or_path", d);
    a.revision = f.string("revision", d);
    a.peft_type = f.string("peft_type", d);
    a.task_type = f.string("task_type", d);
    a.r = f.u64("r", d);
    a.lora_alpha = f.f64("lora_alpha", d);
    a.target_modules = f.strings("target_modules", d);
    Ok(a)
}

/// The Hugging Face pipeline task of a PEFT `task_type` (peft's `TaskType` names), or `None` for a
/// type with no single pipeline task.
pub fn peft_task(task_type: &str) -> Option<&'static str> {
    Some(match task_type.trim().to_ascii_uppercase().as_str() {
        "CAUSAL_LM" => "text-generation",
        "SEQ_2_SEQ_LM" => "text2text-generation",
        "SEQ_CLS" => "text-classification",
        "TOKEN_CLS" => "token-classification",
        "QUESTION_ANS" => "question-answering",
        "FEATURE_EXTRACTION" => "feature-extraction",
        _ => return None,
    })
}

/// What a Piper voice's `MODEL_CARD` says of its dataset: the `* URL:` and `* License:` items of its
/// `Dataset` section (`(url, licence)`, each absent when not stated).
pub fn piper_card_dataset(card: &str) -> (Option<String>, Option<String>) {
    let (mut url, mut licence) = (None, None);
    let mut inside = false;
    for line in card.lines().take(2000) {
        let t = line.trim();
        if let Some(h) = t.strip_prefix('#') {
            inside = h
                .trim_start_matches('#')
                .trim()
                .eq_ignore_ascii_case("dataset");
            continue;
        }
        if !inside {
            continue;
        }
        let Some(item) = t.strip_prefix("* ").or_else(|| t.strip_prefix("- ")) else {
            continue;
        };
        let Some((key, value)) = item.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match key.trim().to_ascii_lowercase().as_str() {
            "url" => url = url.or(Some(value.to_string())),
            "license" | "licence" => licence = licence.or(Some(value.to_string())),
            _ => {}
        }
    }
    (url, licence)
}

/// Parses a Piper voice config. `Ok(None)` when the JSON object is not one (it has none of
/// `piper_version`, `phoneme_type`, `phoneme_id_map`, `espeak`).
pub fn parse_piper_voice_config(json: &[u8]) -> Result<Option<PiperVoice>> {
    let keys = [
        "dataset",
        "language",
        "audio",
        "num_speakers",
        "piper_version",
        "phoneme_type",
        "phoneme_id_map",
        "espeak",
    ];
    let obj = object(json, Some(&keys))?;
    if !["piper_version", "phoneme_type", "phoneme_id_map", "espeak"]
        .iter()
        .any(|k| obj.contains_key(*k))
    {
        return Ok(None);
    }
    let mut p = PiperVoice::default();
    let d = &mut p.defects;
    let f = Fields::new(&obj, "");
    p.dataset = f.string("dataset", d);
    p.num_speakers = f.u64("num_speakers", d);
    p.piper_version = f.string("piper_version", d);
    match obj.get("language") {
        Some(Value::Object(m)) => p.language = Fields::new(m, "language").string("code", d),
        Some(Value::String(s)) => p.language = Some(value::prefix(s, 64).to_owned()),
        None | Some(Value::Null) => {}
        Some(other) => d.push(format!(
            "language should be an object, found {}",
            value::kind(other)
        )),
    }
    if let Some(a) = f.object("audio", d) {
        let a = Fields::new(a, "audio");
        p.sample_rate = a.u64("sample_rate", d);
        p.quality = a.string("quality", d);
    }
    Ok(Some(p))
}

/// Parses sentence-transformers `modules.json` (a list of module entries).
pub fn parse_sentence_transformers_modules(json: &[u8]) -> Result<Vec<StModule>> {
    let list = match value::json(json, None)? {
        Value::Array(a) => a,
        other => {
            return Err(Error::invalid(format!(
                "expected a JSON list of modules, found {}",
                value::kind(&other)
            )))
        }
    };
    let mut out = Vec::new();
    for (i, item) in list.iter().enumerate() {
        if i == value::MAX_ITEMS {
            break;
        }
        let Value::Object(m) = item else {
            return Err(Error::invalid(format!(
                "module {i} should be an object, found {}",
                value::kind(item)
            )));
        };
        // Entries of the wrong type are left out of the entry (there is nowhere to put a defect).
        let mut ignored = Vec::new();
        let f = Fields::new(m, "");
        out.push(StModule {
            idx: f.u64("idx", &mut ignored),
            name: f.string("name", &mut ignored),
            path: f.string("path", &mut ignored),
            type_: f.string("type", &mut ignored),
        });
    }
    Ok(out)
}

/// Parses `tokenizer_config.json` or `chat_template.json`. Only the keys used are built, so large
/// `added_tokens_decoder` tables cost no memory.
pub fn parse_tokenizer_config(json: &[u8]) -> Result<TokenizerConfig> {
    let obj = object(
        json,
        Some(&[
            "tokenizer_class",
            "chat_template",
            "model_max_length",
            "auto_map",
        ]),
    )?;
    let mut t = TokenizerConfig::default();
    let d = &mut t.defects;
    let f = Fields::new(&obj, "");
    t.tokenizer_class = f.string("tokenizer_class", d);
    match obj.get("model_max_length") {
        None | Some(Value::Null) => {}
        Some(Value::Number(n)) => match n.as_u64() {
            Some(u) if u < 1_000_000_000_000_000_000 => t.model_max_length = Some(u),
            Some(_) => {}
            None => match n.as_f64() {
                Some(x) if x >= 1e18 => {}
                _ => d.push(format!(
                    "model_max_length should be a non-negative integer, found {n}"
                )),
            },
        },
        Some(other) => d.push(format!(
            "model_max_length should be an integer, found {}",
            value::kind(other)
        )),
    }
    match obj.get("chat_template") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => t
            .chat_template
            .push(("default".to_owned(), template(s, "default", d))),
        Some(Value::Array(list)) => {
            for (i, item) in list.iter().enumerate() {
                if t.chat_template.len() == MAX_TEMPLATES {
                    d.push(format!(
                        "chat_template has more than {MAX_TEMPLATES} templates; the rest are ignored"
                    ));
                    break;
                }
                let ctx = format!("chat_template[{i}]");
                let Value::Object(m) = item else {
                    d.push(format!(
                        "{ctx} should be a mapping, found {}",
                        value::kind(item)
                    ));
                    continue;
                };
                let name = Fields::new(m, &ctx)
                    .string("name", d)
                    .unwrap_or_else(|| format!("#{i}"));
                match m.get("template") {
                    Some(Value::String(s)) => {
                        let text = template(s, &name, d);
                        t.chat_template.push((name, text));
                    }
                    other => d.push(format!(
                        "{ctx}.template should be a string, found {}",
                        other.map_or("nothing", value::kind)
                    )),
                }
            }
        }
        Some(other) => d.push(format!(
            "chat_template should be a string or a list, found {}",
            value::kind(other)
        )),
    }
    if let Some(m) = f.object("auto_map", d) {
        t.auto_map = read_auto_map(m, d);
        t.remote_code_refs = remote_code_refs(&t.auto_map, d);
    }
    Ok(t)
}

fn template(s: &str, name: &str, d: &mut Vec<String>) -> String {
    let mut s = s.to_owned();
    if value::truncate(&mut s, MAX_CHAT_TEMPLATE) {
        d.push(format!(
            "chat template {name:?} is longer than {} MiB; cut",
            MAX_CHAT_TEMPLATE >> 20
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn piper_card_dataset_section_gives_url_and_licence() {
        let card = "# Model card for joe (medium)\n\n* Language: en_US\n\n## Dataset\n\n* URL: https://example.org/voices\n* License: CC0\n\n## Training\n\n* URL: https://elsewhere.example\n";
        assert_eq!(
            piper_card_dataset(card),
            (
                Some("https://example.org/voices".to_string()),
                Some("CC0".to_string())
            )
        );
        assert_eq!(piper_card_dataset("# Card\n* URL: x\n"), (None, None));
    }

    use super::*;

    const LLAMA_LIKE: &str = r#"{
  "_name_or_path": "acme/acme-7b",
  "architectures": ["AcmeForCausalLM"],
  "auto_map": {
    "AutoConfig": "configuration_acme.AcmeConfig",
    "AutoModel": "modeling_acme.AcmeModel",
    "AutoModelForCausalLM": "modeling_acme.AcmeForCausalLM",
    "AutoTokenizer": ["tokenization_acme.AcmeTokenizer", null],
    "AutoModelForSequenceClassification": "other-org/shared-code--modeling_shared.SharedForSeq"
  },
  "bos_token_id": 1,
  "hidden_act": "silu",
  "hidden_size": 4096,
  "intermediate_size": 11008,
  "max_position_embeddings": 4096,
  "model_type": "acme",
  "num_attention_heads": 32,
  "num_hidden_layers": 32,
  "rope_scaling": null,
  "torch_dtype": "bfloat16",
  "transformers_version": "4.44.2",
  "vocab_size": 32000,
  "quantization_config": {
    "bits": 4,
    "group_size": 128,
    "quant_method": "gptq",
    "desc_act": false,
    "damp_percent": 0.01
  }
}"#;

    #[test]
    fn llama_like_with_remote_code() {
        let c = parse_config(LLAMA_LIKE.as_bytes()).unwrap();
        assert!(c.defects.is_empty(), "{:?}", c.defects);
        assert_eq!(c.model_type.as_deref(), Some("acme"));
        assert_eq!(c.architectures, ["AcmeForCausalLM"]);
        assert_eq!(c.dtype.as_deref(), Some("bfloat16"));
        assert_eq!(c.name_or_path.as_deref(), Some("acme/acme-7b"));
        assert_eq!(c.hidden_size, Some(4096));
        assert_eq!(c.num_hidden_layers, Some(32));
        assert_eq!(c.num_attention_heads, Some(32));
        assert_eq!(c.vocab_size, Some(32000));
        assert_eq!(c.context_length, Some(4096));
        assert_eq!(c.transformers_version.as_deref(), Some("4.44.2"));
        assert_eq!(
            c.auto_map["AutoTokenizer"],
            ["tokenization_acme.AcmeTokenizer"]
        );
        assert_eq!(
            c.remote_code_files,
            [
                "configuration_acme.py",
                "modeling_acme.py",
                "tokenization_acme.py"
            ]
        );
        assert_eq!(c.remote_code_repos, ["other-org/shared-code"]);
        assert_eq!(c.remote_code_refs.len(), 5);
        let shared = c
            .remote_code_refs
            .iter()
            .find(|r| r.repo.is_some())
            .unwrap();
        assert_eq!(shared.file.as_deref(), Some("modeling_shared.py"));
        assert_eq!(shared.class, "SharedForSeq");
        let q = c.quantization.unwrap();
        assert_eq!(q.method.as_deref(), Some("gptq"));
        assert_eq!(q.bits, Some(4));
        assert_eq!(
            q.raw,
            serde_json::json!({"bits": 4, "group_size": 128, "quant_method": "gptq"})
        );
    }

    #[test]
    fn fallbacks_and_wrong_types() {
        let c = parse_config(
            br#"{"dtype": "float16", "torch_dtype": "float32", "n_embd": 768, "n_layer": 12, "n_head": 12,
                "n_positions": 1024, "vocab_size": "big", "architectures": "GPT2LMHeadModel",
                "model_type": 7, "quantization_config": {"load_in_4bit": true}}"#,
        )
        .unwrap();
        assert_eq!(c.dtype.as_deref(), Some("float16"));
        assert_eq!(c.hidden_size, Some(768));
        assert_eq!(c.num_hidden_layers, Some(12));
        assert_eq!(c.num_attention_heads, Some(12));
        assert_eq!(c.context_length, Some(1024));
        assert_eq!(c.vocab_size, None);
        assert_eq!(c.architectures, ["GPT2LMHeadModel"]);
        assert_eq!(c.model_type.as_deref(), Some("7"));
        assert_eq!(c.defects.len(), 1, "{:?}", c.defects);
        let q = c.quantization.unwrap();
        assert_eq!(
            (q.method.as_deref(), q.bits),
            (Some("bitsandbytes"), Some(4))
        );

        let c =
            parse_config(br#"{"text_config": {"hidden_size": 64, "max_position_embeddings": 8}}"#)
                .unwrap();
        assert_eq!((c.hidden_size, c.context_length), (Some(64), Some(8)));

        let c = parse_config(
            br#"{"auto_map": {"AutoModel": "../../x.Y", "B": "noclass", "C": [1, {}]}}"#,
        )
        .unwrap();
        assert!(c.remote_code_files.is_empty());
        assert_eq!(c.remote_code_refs.len(), 1);
        assert_eq!(c.remote_code_refs[0].file, None);
        assert_eq!(c.remote_code_refs[0].class, "Y");
        // ../../x module, "noclass", C[1] not a string, "1" not a reference.
        assert_eq!(c.defects.len(), 4, "{:?}", c.defects);
    }

    #[test]
    fn bad_documents_are_errors() {
        assert!(parse_config(b"[1]")
            .unwrap_err()
            .to_string()
            .contains("object"));
        assert!(parse_config(b"\xff\xfe\x00").is_err());
        assert!(parse_config(b"").is_err());
        let deep = "[".repeat(1_000_000);
        assert!(parse_config(deep.as_bytes()).is_err());
        let big = vec![b' '; 20 << 20];
        assert!(parse_config(&big).is_err());
        assert!(parse_adapter_config(b"null").is_err());
        assert!(parse_tokenizer_config(b"\"x\"").is_err());
        assert!(parse_sentence_transformers_modules(b"{}").is_err());
        assert!(parse_generation_config(b"{").is_err());
    }

    #[test]
    fn generation_config() {
        let g = parse_generation_config(
            br#"{"bos_token_id": 1, "eos_token_id": [2, 32000], "do_sample": true, "temperature": 0.6,
                "transformers_version": "4.44.2", "nested": {"a": 1}, "_from_model_config": true}"#,
        )
        .unwrap();
        assert_eq!(g.len(), 6);
        assert_eq!(g["eos_token_id"], serde_json::json!([2, 32000]));
        assert!(!g.contains_key("nested"));
    }

    #[test]
    fn peft_adapter() {
        let a = parse_adapter_config(
            br#"{"alpha_pattern": {}, "auto_mapping": null, "base_model_name_or_path": "acme/acme-7b",
                "bias": "none", "fan_in_fan_out": false, "inference_mode": true, "lora_alpha": 16,
                "lora_dropout": 0.05, "peft_type": "LORA", "r": 8, "revision": "a1b2c3d",
                "target_modules": ["q_proj", "v_proj"], "task_type": "CAUSAL_LM"}"#,
        )
        .unwrap();
        assert_eq!(
            a,
            AdapterConfig {
                base_model_name_or_path: Some("acme/acme-7b".into()),
                revision: Some("a1b2c3d".into()),
                peft_type: Some("LORA".into()),
                task_type: Some("CAUSAL_LM".into()),
                r: Some(8),
                lora_alpha: Some(16.0),
                target_modules: vec!["q_proj".into(), "v_proj".into()],
                defects: vec![],
            }
        );
        let a = parse_adapter_config(br#"{"target_modules": ".*attn.*", "r": -1}"#).unwrap();
        assert_eq!(a.target_modules, [".*attn.*"]);
        assert_eq!(a.r, None);
        assert_eq!(a.defects.len(), 1);
    }

    #[test]
    fn peft_task_types_map_to_pipeline_tasks() {
        for (t, task) in [
            ("CAUSAL_LM", "text-generation"),
            ("SEQ_2_SEQ_LM", "text2text-generation"),
            ("SEQ_CLS", "text-classification"),
            ("TOKEN_CLS", "token-classification"),
            ("QUESTION_ANS", "question-answering"),
            ("FEATURE_EXTRACTION", "feature-extraction"),
            ("causal_lm", "text-generation"),
        ] {
            assert_eq!(peft_task(t), Some(task), "{t}");
        }
        assert_eq!(peft_task("UNKNOWN"), None);
        assert_eq!(peft_task(""), None);
    }

    #[test]
    fn piper_voice_config() {
        let v = parse_piper_voice_config(
            br#"{"audio": {"sample_rate": 22050, "quality": "medium"}, "espeak": {"voice": "en-us"},
                "inference": {"noise_scale": 0.667}, "phoneme_type": "espeak",
                "phoneme_id_map": {"_": [0], "a": [14]}, "num_symbols": 256, "num_speakers": 1,
                "speaker_id_map": {}, "piper_version": "1.0.0",
                "language": {"code": "en_US", "family": "en", "region": "US"}, "dataset": "kestrel"}"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            v,
            PiperVoice {
                dataset: Some("kestrel".into()),
                language: Some("en_US".into()),
                sample_rate: Some(22050),
                quality: Some("medium".into()),
                num_speakers: Some(1),
                piper_version: Some("1.0.0".into()),
                defects: vec![],
            }
        );
        // Older voices: no piper_version or language; still a voice config.
        let v = parse_piper_voice_config(
            br#"{"espeak": {"voice": "de"}, "audio": {"sample_rate": "x"}}"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (v.language, v.sample_rate, v.defects.len()),
            (None, None, 1)
        );
        // Other JSON named .onnx.json is not a voice.
        assert_eq!(
            parse_piper_voice_config(br#"{"inputs": []}"#).unwrap(),
            None
        );
        assert!(parse_piper_voice_config(b"[1]").is_err());
    }

    #[test]
    fn sentence_transformers_modules() {
        let m = parse_sentence_transformers_modules(
            br#"[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                {"idx": "2", "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]"#,
        )
        .unwrap();
        assert_eq!(m.len(), 3);
        assert_eq!(m[1].path.as_deref(), Some("1_Pooling"));
        assert_eq!(
            m[1].type_.as_deref(),
            Some("sentence_transformers.models.Pooling")
        );
        assert_eq!(m[2].idx, None);
        assert_eq!(
            serde_json::to_value(&m[0]).unwrap()["type"],
            "sentence_transformers.models.Transformer"
        );
        assert!(parse_sentence_transformers_modules(b"[1]").is_err());
    }

    #[test]
    fn tokenizer_config() {
        let t = parse_tokenizer_config(
            br#"{"added_tokens_decoder": {"0": {"content": "<unk>", "special": true}},
                "chat_template": "{% for m in messages %}{{ m['content'] }}{% endfor %}",
                "model_max_length": 1000000000000000019884624838656, "tokenizer_class": "LlamaTokenizer"}"#,
        )
        .unwrap();
        assert!(t.defects.is_empty(), "{:?}", t.defects);
        assert_eq!(t.tokenizer_class.as_deref(), Some("LlamaTokenizer"));
        assert_eq!(t.model_max_length, None);
        assert_eq!(t.chat_template.len(), 1);
        assert_eq!(t.chat_template[0].0, "default");
        let t = parse_tokenizer_config(
            br#"{"chat_template": [{"name": "default", "template": "A"}, {"name": "tool_use", "template": "B"}, {"name": "x"}],
                "model_max_length": 2048,
                "auto_map": {"AutoTokenizer": ["tok_x.XTok", "tok_x.XTokFast"]}}"#,
        )
        .unwrap();
        assert_eq!(
            t.chat_template,
            [
                ("default".into(), "A".into()),
                ("tool_use".into(), "B".into())
            ]
        );
        assert_eq!(t.model_max_length, Some(2048));
        assert_eq!(t.remote_code_refs.len(), 2);
        assert_eq!(t.defects.len(), 1);
        // A template over the cap is cut on a char boundary.
        let long = format!("{{\"chat_template\": \"{}\"}}", "é".repeat(600_000));
        let t = parse_tokenizer_config(long.as_bytes()).unwrap();
        assert!(t.chat_template[0].1.len() <= MAX_CHAT_TEMPLATE);
        assert_eq!(t.defects.len(), 1);
    }
}
