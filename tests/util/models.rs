//! Model directories the openness tests write: a fully open research release (every MOF component under an
//! open licence, MOF Class I).

use std::path::Path;

pub const RESEARCH_CARD: &str = "---\nlicense: apache-2.0\npipeline_tag: text-generation\nmodel-index:\n- name: open-tiny\n  results:\n  - task: {type: text-generation}\n    dataset: {name: heldout, type: heldout}\n    metrics:\n    - {type: perplexity, value: 12.5}\n---\n# Open Tiny\n\nA fully open research model.\n\n## Intended uses\n\nResearch on small models.\n\n## Training data\n\nThe acme corpus in data/.\n";

/// Every MOF component, each under an open licence: Class I.
pub fn research_release(dir: &Path) {
    let w = super::files::safetensors_f32(2);
    let files: Vec<(&str, &[u8])> = vec![
        ("README.md", RESEARCH_CARD.as_bytes()),
        ("config.json", br#"{"model_type": "llama", "architectures": ["LlamaForCausalLM"]}"#),
        ("model.safetensors", &w),
        ("checkpoint-100/model.safetensors", &w),
        ("modeling_tiny.py", b"# SPDX-License-Identifier: MIT\nimport torch\n"),
        ("train.py", b"import torch\n"),
        ("inference.py", b"import torch\n"),
        ("eval/run_eval.py", b"import torch\n"),
        ("eval/heldout.jsonl", b"{\"text\": \"held out\"}\n"),
        ("preprocess.py", b"import re\n"),
        ("requirements.txt", b"torch==2.3.0\n"),
        ("technical_report.pdf", b"%PDF-1.4 a report\n"),
        ("paper.pdf", b"%PDF-1.4 a paper\n"),
        (
            "data/README.md",
            b"---\nlicense: cc-by-4.0\npretty_name: Acme corpus\ntask_categories:\n- text-generation\n---\n# Acme corpus\n",
        ),
        ("data/train.jsonl", b"{\"text\": \"hello\"}\n"),
    ];
    for (p, d) in files {
        super::write(dir, p, d);
    }
}
