//! File roles: what part a file plays in a model (weights, config, tokenizer, code, documentation,
//! licence, data manifest, other). Content decides first — a file whose bytes are a model format holds
//! weights whatever its name — then well-known Hugging Face / PyTorch / Keras names, then extensions.

use serde::{Deserialize, Serialize};

use crate::formats::{extension, Format};

/// The part a file plays in a model.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Model parameters (any serialisation: safetensors, GGUF, pickle, ONNX, HDF5, ...).
    Weights,
    /// Model and generation configuration, sharded-weight indexes, adapter configs.
    Config,
    /// Tokenizer vocabularies, merges, tokenizer configs and chat templates.
    Tokenizer,
    /// Source code, scripts and dependency manifests.
    Code,
    /// Model cards and other documentation.
    Documentation,
    /// Licence, notice and use-policy texts.
    Licence,
    /// Dataset descriptions (Croissant, dataset cards, dataset info).
    DataManifest,
    /// Anything else (training state, images, unknown binaries).
    Other,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Weights,
        Role::Config,
        Role::Tokenizer,
        Role::Code,
        Role::Documentation,
        Role::Licence,
        Role::DataManifest,
        Role::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Weights => "weights",
            Role::Config => "config",
            Role::Tokenizer => "tokenizer",
            Role::Code => "code",
            Role::Documentation => "documentation",
            Role::Licence => "licence",
            Role::DataManifest => "data-manifest",
            Role::Other => "other",
        }
    }
}

/// True when `path` lies in an intermediate-checkpoint directory: a directory component named
/// `checkpoint…`, `ckpt…`, `checkpoints`, `global_step…`, or `step` / `iter` followed by a number
/// (`checkpoint-500/`, `step1000/`, `iter_0002000/`). Weights there are earlier states of the model.
pub fn in_checkpoint_dir(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let numbered = |d: &str, prefix: &str| {
        d.strip_prefix(prefix).is_some_and(|rest| {
            rest.trim_start_matches(['-', '_'])
                .starts_with(|c: char| c.is_ascii_digit())
        })
    };
    lower.split('/').rev().skip(1).any(|d| {
        d.starts_with("checkpoint")
            || d.starts_with("ckpt")
            || d.starts_with("global_step")
            || numbered(d, "step")
            || numbered(d, "iter")
    })
}

/// Training-state files that are pickles but not model weights.
fn is_training_state(base: &str) -> bool {
    base == "training_args.bin"
        || base.starts_with("optimizer.")
        || base.starts_with("scheduler.")
        || base.starts_with("rng_state")
        || base == "trainer_state.json"
}

const TOKENIZER_NAMES: &[&str] = &[
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "vocab.json",
    "vocab.txt",
    "merges.txt",
    "tokenizer.model",
    "spiece.model",
    "sentencepiece.bpe.model",
    "chat_template.json",
    "chat_template.jinja",
];

const CODE_NAMES: &[&str] = &[
    "requirements.txt",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "environment.yml",
    "environment.yaml",
    "pipfile",
    "pipfile.lock",
    "poetry.lock",
    "uv.lock",
    "dockerfile",
    "makefile",
    "cmakelists.txt",
    "cargo.toml",
    "package.json",
];

const CODE_EXTS: &[&str] = &[
    "py", "pyi", "ipynb", "sh", "bash", "js", "mjs", "ts", "rs", "c", "cc", "cpp", "cu", "cuh",
    "h", "hpp", "go", "java", "kt", "scala", "rb", "pl", "lua", "r", "jl", "swift", "m", "mm",
    "cmake",
];

const WEIGHT_EXTS: &[&str] = &[
    "safetensors",
    "gguf",
    "ggml",
    "bin",
    "pt",
    "pth",
    "ckpt",
    "h5",
    "hdf5",
    "keras",
    "onnx",
    "ort",
    "tflite",
    "msgpack",
    "npy",
    "npz",
    "pb",
    "ot",
    "mlmodel",
    "joblib",
    "pkl",
    "pickle",
    "llamafile",
    "nemo",
    "engine",
    "plan",
    "params",
    "caffemodel",
    "pdparams",
];

/// Extensions a licence or terms text is published under (none, plain text, markdown, HTML).
const LICENCE_TEXT_EXTS: &[&str] = &["", "txt", "md", "markdown", "html", "htm", "rst"];

/// Licence, notice, terms and use-policy texts by their lower-cased name: `LICENSE*`, `LICENCE*`,
/// `COPYING*`, `NOTICE*`, `USE_POLICY*`, `ACCEPTABLE_USE_POLICY*`, `LICENSE-*` / `LICENSE_*`, and — for
/// text extensions only, so `terms_parser.py` stays code — names with a `license`/`licence`/`terms`/`eula`
/// word or a `use policy` pair: `GEMMA_TERMS.html`, `MODEL_LICENSE`, `llama2_license.txt`,
/// `Tongyi Qianwen LICENSE AGREEMENT`, `Llama-3.2-USE_POLICY.md`, `PROHIBITED_USE_POLICY.md`; but not
/// third-party licence lists (`THIRD_PARTY_LICENSES.md`), which are not the model's licence.
fn is_licence_name(base: &str, ext: &str, stem: &str) -> bool {
    if matches!(
        stem,
        "license" | "licence" | "copying" | "notice" | "use_policy" | "acceptable_use_policy"
    ) || base.starts_with("license-")
        || base.starts_with("license_")
    {
        return true;
    }
    if !LICENCE_TEXT_EXTS.contains(&ext) {
        return false;
    }
    let bare = if ext.is_empty() {
        base
    } else {
        &base[..base.len() - ext.len() - 1]
    };
    let words: Vec<&str> = bare
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    // Lists of other software's licences are not the model's licence: they keep their old role.
    if words.iter().any(|w| {
        matches!(
            *w,
            "third" | "thirdparty" | "3rd" | "dependencies" | "vendor" | "licenses" | "licences"
        )
    }) {
        return false;
    }
    words
        .iter()
        .any(|w| matches!(*w, "license" | "licence" | "terms" | "eula"))
        || words.windows(2).any(|p| p[1] == "policy" && p[0] == "use")
}

/// Assign a role to a file from its detected `format` and its model-relative `name`.
pub fn classify(name: &str, format: Format) -> Role {
    let base_orig = name.rsplit('/').next().unwrap_or(name);
    let base = base_orig.to_ascii_lowercase();
    let ext = extension(&base);
    let stem = base.split('.').next().unwrap_or(&base);

    if is_training_state(&base) {
        return Role::Other;
    }
    if format.is_model_format() {
        return Role::Weights;
    }
    if is_licence_name(&base, &ext, stem) {
        return Role::Licence;
    }
    if TOKENIZER_NAMES.contains(&base.as_str())
        || ext == "tiktoken"
        || ext == "jinja"
        || (ext == "model"
            && (base.contains("token") || base.contains("spm") || base.contains("sentencepiece")))
    {
        return Role::Tokenizer;
    }
    if base.contains("croissant")
        || ext == "jsonld"
        || matches!(
            base.as_str(),
            "dataset_info.json" | "dataset_infos.json" | "datasets.json" | "data_card.md"
        )
    {
        return Role::DataManifest;
    }
    if CODE_NAMES.contains(&base.as_str())
        || base.starts_with("requirements") && ext == "txt"
        || CODE_EXTS.contains(&ext.as_str())
    {
        return Role::Code;
    }
    if base.ends_with(".index.json") || base.ends_with("config.json") {
        return Role::Config;
    }
    if matches!(
        stem,
        "readme" | "model_card" | "modelcard" | "changelog" | "citation" | "authors"
    ) || matches!(ext.as_str(), "md" | "rst" | "pdf" | "html" | "cff" | "adoc")
    {
        return Role::Documentation;
    }
    if matches!(
        base.as_str(),
        "modules.json" | "config_sentence_transformers.json" | "params.json"
    ) || matches!(
        ext.as_str(),
        "json" | "yaml" | "yml" | "toml" | "cfg" | "ini"
    ) {
        return Role::Config;
    }
    if WEIGHT_EXTS.contains(&ext.as_str()) {
        return Role::Weights;
    }
    Role::Other
}

#[cfg(test)]
mod tests {
    #[test]
    fn checkpoint_directories() {
        for p in [
            "checkpoint-500/model.safetensors",
            "run/checkpoints/a.bin",
            "step1000/w.bin",
            "iter_0002000/mp_rank_00/model.pt",
            "global_step10/x.pt",
            "ckpt/w.bin",
        ] {
            assert!(super::in_checkpoint_dir(p), "{p}");
        }
        for p in [
            "model.safetensors",
            "checkpoint-500",
            "steps/readme.md",
            "stepwise/w.bin",
            "iterative/w.bin",
        ] {
            assert!(!super::in_checkpoint_dir(p), "{p}");
        }
    }

    use super::*;

    #[test]
    fn content_beats_name() {
        assert_eq!(classify("config.json", Format::Pickle), Role::Weights);
        assert_eq!(classify("notes.txt", Format::Safetensors), Role::Weights);
        assert_eq!(classify("model.tar", Format::PytorchTar), Role::Weights);
        assert_eq!(classify("images.tar", Format::Tar), Role::Other);
    }

    #[test]
    fn training_state_pickles_are_not_weights() {
        assert_eq!(classify("training_args.bin", Format::Pickle), Role::Other);
        assert_eq!(
            classify("ckpt/optimizer.pt", Format::PytorchZip),
            Role::Other
        );
    }

    #[test]
    fn hugging_face_names() {
        let cases = [
            ("config.json", Format::Json, Role::Config),
            ("generation_config.json", Format::Json, Role::Config),
            ("adapter_config.json", Format::Json, Role::Config),
            ("model.safetensors.index.json", Format::Json, Role::Config),
            ("1_Pooling/config.json", Format::Json, Role::Config),
            ("modules.json", Format::Json, Role::Config),
            ("tokenizer.json", Format::Json, Role::Tokenizer),
            ("tokenizer_config.json", Format::Json, Role::Tokenizer),
            ("merges.txt", Format::Text, Role::Tokenizer),
            ("tokenizer.model", Format::Binary, Role::Tokenizer),
            ("chat_template.jinja", Format::Text, Role::Tokenizer),
            ("README.md", Format::Text, Role::Documentation),
            ("LICENSE", Format::Text, Role::Licence),
            ("LICENSE.txt", Format::Text, Role::Licence),
            ("USE_POLICY.md", Format::Text, Role::Licence),
            ("NOTICE", Format::Text, Role::Licence),
            ("Notice", Format::Text, Role::Licence),
            ("GEMMA_TERMS.html", Format::Text, Role::Licence),
            ("GEMMA_TERMS_OF_USE.md", Format::Text, Role::Licence),
            ("LICENSE.md", Format::Text, Role::Licence),
            ("LICENSE.html", Format::Text, Role::Licence),
            ("LICENCE", Format::Text, Role::Licence),
            ("COPYING", Format::Text, Role::Licence),
            ("LICENSE-MODEL", Format::Text, Role::Licence),
            ("MODEL_LICENSE", Format::Text, Role::Licence),
            ("llama2_license.txt", Format::Text, Role::Licence),
            (
                "Tongyi Qianwen LICENSE AGREEMENT",
                Format::Text,
                Role::Licence,
            ),
            ("Llama-3.2-USE_POLICY.md", Format::Text, Role::Licence),
            ("PROHIBITED_USE_POLICY.md", Format::Text, Role::Licence),
            ("TERMS_OF_USE.md", Format::Text, Role::Licence),
            ("terms_parser.py", Format::Text, Role::Code),
            ("THIRD_PARTY_LICENSES.md", Format::Text, Role::Documentation),
            ("third-party-license.txt", Format::Text, Role::Other),
            ("licenses_report.json", Format::Json, Role::Config),
            ("MODEL_CARD", Format::Text, Role::Documentation),
            ("MODEL_CARD.md", Format::Text, Role::Documentation),
            ("model_card.md", Format::Text, Role::Documentation),
            ("modeling_custom.py", Format::Text, Role::Code),
            ("requirements.txt", Format::Text, Role::Code),
            ("croissant.json", Format::Json, Role::DataManifest),
            ("data/metadata.jsonld", Format::Json, Role::DataManifest),
            ("flax_model.msgpack", Format::Binary, Role::Weights),
            ("model.onnx", Format::Binary, Role::Weights),
            ("image.png", Format::Binary, Role::Other),
        ];
        for (name, fmt, role) in cases {
            assert_eq!(classify(name, fmt), role, "{name}");
        }
    }
}
