//! Hugging Face metadata a model directory carries: the model card (`card`: README.md front matter and
//! prose sections) and the JSON configuration files (`config`: config.json, generation_config.json,
//! adapter_config.json, sentence-transformers modules.json, tokenizer_config.json). Everything here is
//! a pure function over bytes the caller has read: nothing is executed, loaded or fetched, inputs are
//! untrusted and every parse is bounded in size, depth and values built (`value`).

pub mod card;
pub mod config;
pub(crate) mod value;

pub use card::{parse_card, CardSections, Co2, EvalResult, ModelCard};
pub use config::{
    parse_adapter_config, parse_config, parse_generation_config,
    parse_sentence_transformers_modules, parse_tokenizer_config, AdapterConfig, HfConfig,
    Quantization, RemoteCodeRef, StModule, TokenizerConfig,
};
