//! Hugging Face metadata a model directory carries: the model card (`card`: README.md front matter and
//! prose sections) and the JSON configuration files (`config`: config.json, generation_config.json,
//! adapter_config.json, sentence-transformers modules.json, tokenizer_config.json, and the Piper voice
//! configs that text-to-speech voices on the Hub ship as `<voice>.onnx.json`). Everything here is
//! a pure function over bytes the caller has read: nothing is executed, loaded or fetched, inputs are
//! untrusted and every parse is bounded in size, depth and values built (`value`).

pub mod card;
pub mod config;
pub(crate) mod value;

pub use card::{parse_card, CardSections, Co2, EvalResult, ModelCard};
pub use config::{
    parse_adapter_config, parse_config, parse_generation_config, parse_piper_voice_config,
    parse_sentence_transformers_modules, parse_tokenizer_config, peft_task, AdapterConfig,
    HfConfig, PiperVoice, Quantization, RemoteCodeRef, StModule, TokenizerConfig,
};

#[cfg(test)]
mod fixture_tests {
    //! The committed fixtures under fixtures/models/ (written by fixtures/make_metadata_fixtures.py).

    use super::*;

    fn read(rel: &str) -> Vec<u8> {
        let path = format!("{}/fixtures/models/{rel}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn text(rel: &str) -> String {
        String::from_utf8(read(rel)).unwrap()
    }

    #[test]
    fn full_card_fixture() {
        let c = parse_card(&text("full-card/README.md"));
        assert!(c.defects.is_empty(), "{:?}", c.defects);
        assert_eq!(c.license, ["apache-2.0"]);
        assert_eq!(c.license_name.as_deref(), Some("orchard-model-terms"));
        assert_eq!(c.license_link.as_deref(), Some("LICENSE"));
        assert_eq!(c.base_model, ["example-org/orchard-base"]);
        assert_eq!(c.base_model_relation.as_deref(), Some("finetune"));
        assert_eq!(c.datasets, ["example-org/orchard-prompts"]);
        assert_eq!(c.language, ["en", "fr"]);
        assert_eq!(c.pipeline_tag.as_deref(), Some("text-generation"));
        assert_eq!(c.library_name.as_deref(), Some("transformers"));
        assert_eq!(c.tags, ["fruit", "toy"]);
        assert_eq!(c.metrics, ["accuracy"]);
        assert_eq!(c.model_name.as_deref(), Some("orchard-chat-tiny"));
        assert_eq!(c.eval_results.len(), 2);
        assert_eq!(c.eval_results[0].metric_value, "0.75");
        assert_eq!(
            c.eval_results[0].dataset_split.as_deref(),
            Some("validation")
        );
        assert_eq!(c.eval_results[1].metric_type.as_deref(), Some("perplexity"));
        assert_eq!(c.eval_results[1].metric_value, "12.5");
        let co2 = c.co2.unwrap();
        assert_eq!(co2.emissions_grams, Some(3.2));
        assert_eq!(co2.geographical_location.as_deref(), Some("Oslo, Norway"));
        assert_eq!(c.title.as_deref(), Some("Orchard Chat Tiny"));
        let s = &c.sections;
        for (name, v) in [
            ("description", &s.description),
            ("intended_uses", &s.intended_uses),
            ("out_of_scope_uses", &s.out_of_scope_uses),
            ("bias_risks", &s.bias_risks),
            ("recommendations", &s.recommendations),
            ("training_data", &s.training_data),
            ("training_procedure", &s.training_procedure),
            ("evaluation", &s.evaluation),
            ("environmental_impact", &s.environmental_impact),
            ("citation", &s.citation),
        ] {
            assert!(v.is_some(), "{name} missing");
        }
        assert!(!s.description.as_deref().unwrap().contains("Shared by"));
        assert_eq!(s.limitations, None);
        assert!(c.placeholders.is_empty());

        let cfg = parse_config(&read("full-card/config.json")).unwrap();
        assert_eq!(cfg.model_type.as_deref(), Some("orchard"));
        assert_eq!(cfg.architectures, ["OrchardForCausalLM"]);
        assert_eq!(cfg.dtype.as_deref(), Some("float32"));
        assert_eq!(cfg.context_length, Some(32));
        assert_eq!(cfg.num_attention_heads, Some(2));
        assert!(cfg.remote_code_files.is_empty());

        let g = parse_generation_config(&read("full-card/generation_config.json")).unwrap();
        assert_eq!(g["eos_token_id"], serde_json::json!([2, 5]));
        assert_eq!(g["do_sample"], serde_json::json!(false));

        let t = parse_tokenizer_config(&read("full-card/tokenizer_config.json")).unwrap();
        assert_eq!(
            t.tokenizer_class.as_deref(),
            Some("PreTrainedTokenizerFast")
        );
        assert_eq!(t.model_max_length, Some(32));
        assert_eq!(t.chat_template.len(), 1);
        assert!(t.chat_template[0].1.starts_with("{% for m in messages %}"));
    }

    #[test]
    fn template_card_fixture() {
        let c = parse_card(&text("template-card/README.md"));
        assert!(c.defects.is_empty(), "{:?}", c.defects);
        assert!(c.has_front_matter);
        assert_eq!(c.sections, CardSections::default());
        assert_eq!(
            c.placeholders,
            [
                "description",
                "intended_uses",
                "out_of_scope_uses",
                "bias_risks",
                "recommendations",
                "training_data",
                "training_procedure",
                "evaluation",
                "environmental_impact",
                "citation"
            ]
        );
        assert_eq!(c.title.as_deref(), Some("Model Card for Unnamed Model"));
        let cfg = parse_config(&read("template-card/config.json")).unwrap();
        assert_eq!(cfg.hidden_size, Some(8));
    }

    #[test]
    fn adapter_fixture() {
        let a = parse_adapter_config(&read("adapter/adapter_config.json")).unwrap();
        assert_eq!(
            a.base_model_name_or_path.as_deref(),
            Some("example-org/orchard-chat-tiny")
        );
        assert_eq!(
            a.revision.as_deref(),
            Some("0123456789abcdef0123456789abcdef01234567")
        );
        assert_eq!(a.peft_type.as_deref(), Some("LORA"));
        assert_eq!(a.task_type.as_deref(), Some("CAUSAL_LM"));
        assert_eq!((a.r, a.lora_alpha), (Some(2), Some(4.0)));
        assert_eq!(a.target_modules, ["q_proj"]);
        assert!(a.defects.is_empty());
        let c = parse_card(&text("adapter/README.md"));
        assert_eq!(c.base_model, ["example-org/orchard-chat-tiny"]);
        assert_eq!(c.base_model_relation.as_deref(), Some("adapter"));
        assert_eq!(c.library_name.as_deref(), Some("peft"));
        assert!(c.sections.description.unwrap().starts_with("A rank-2 LoRA"));
        // The weights file is a safetensors file (8-byte header length, then JSON).
        let w = read("adapter/adapter_model.safetensors");
        let n = u64::from_le_bytes(w[..8].try_into().unwrap()) as usize;
        assert!(w[8..8 + n].starts_with(b"{"));
    }

    #[test]
    fn remote_code_fixture() {
        let cfg = parse_config(&read("remote-code/config.json")).unwrap();
        assert_eq!(
            cfg.remote_code_files,
            ["configuration_custom.py", "modeling_custom.py"]
        );
        assert!(cfg.remote_code_repos.is_empty());
        for f in &cfg.remote_code_files {
            let code = text(&format!("remote-code/{f}"));
            assert_eq!(crate::deps::spdx_license_headers(&code), ["Apache-2.0"]);
        }
    }
}
