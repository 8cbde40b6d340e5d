//! Findings: what aibom reports that a reviewer should know, and the one registry of their stable codes.
//! This module owns [`Severity`], the one [`Finding`] type every producer emits (the security analyses,
//! the format header readers through the analysis, and the analysis itself) and [`CODES`], the table of
//! every code with its default severity, its producer and a one-line summary. A code names a kind of
//! problem, never a file: users allow or deny findings by code, so a code is never renamed or reused;
//! retired codes leave the table, new ones are added. docs/findings.md and docs/security-findings.md
//! document every code, and a test (`tests/schema.rs`) holds them to this table.

use serde::{Deserialize, Serialize};

/// Severity of a finding, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Every severity, lowest first.
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// Which part of aibom emits a code (and which document describes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Producer {
    /// The model-file security analyses (`crate::security`), documented in docs/security-findings.md.
    Security,
    /// The weight-file header readers (`crate::formats`), documented in docs/findings.md.
    Format,
    /// The analysis of the model's metadata (`crate::analyze`), documented in docs/findings.md.
    Analysis,
}

impl Producer {
    pub fn as_str(self) -> &'static str {
        match self {
            Producer::Security => "security",
            Producer::Format => "format",
            Producer::Analysis => "analysis",
        }
    }
}

/// One registered code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FindingCode {
    /// Stable kebab-case code.
    pub code: &'static str,
    /// The severity a finding with this code has unless its producer says otherwise (a few producers
    /// lower or raise it for a named case; the documentation says which).
    pub severity: Severity,
    pub producer: Producer,
    /// One sentence saying what the code means.
    pub summary: &'static str,
}

const fn analysis(code: &'static str, severity: Severity, summary: &'static str) -> FindingCode {
    FindingCode {
        code,
        severity,
        producer: Producer::Analysis,
        summary,
    }
}

const fn format(code: &'static str, severity: Severity, summary: &'static str) -> FindingCode {
    FindingCode {
        code,
        severity,
        producer: Producer::Format,
        summary,
    }
}

const fn security(code: &'static str, severity: Severity, summary: &'static str) -> FindingCode {
    FindingCode {
        code,
        severity,
        producer: Producer::Security,
        summary,
    }
}

/// Every finding code aibom emits: the one registry.
#[rustfmt::skip]
pub const CODES: &[FindingCode] = &[
    // Analysis: what the model's metadata says, or fails to say.
    analysis("card-missing", Severity::Low, "No model card (README.md at the root, or a MODEL_CARD / model_card.md file) in the model."),
    analysis("card-unreadable", Severity::Low, "The model card's front matter could not be read."),
    analysis("card-placeholder", Severity::Info, "Model card sections are still template placeholders."),
    analysis("metadata-unreadable", Severity::Low, "A metadata file (config, adapter config, Croissant) could not be read."),
    analysis("remote-code", Severity::Medium, "config.json auto_map makes transformers import and run a Python file of the model."),
    analysis("remote-code-external", Severity::High, "config.json auto_map runs code from another repository."),
    analysis("onnx-custom-domain", Severity::Medium, "An ONNX graph uses operators from a custom domain, which need outside code."),
    analysis("dataset-hash-mismatch", Severity::High, "A local data file's SHA-256 differs from the one its Croissant manifest records."),
    analysis("dataset-file-missing", Severity::Info, "A file listed in a Croissant manifest is not present."),
    analysis("license-conflict", Severity::Medium, "Two model-level licence statements disagree."),
    analysis("license-missing", Severity::Low, "No licence statement for the model was found."),
    analysis("license-unresolved", Severity::Low, "Licence statements were found but none resolved to a known licence."),
    // Format: structural defects in weight-file headers. `-unreadable` is medium; the checks against the
    // model's other files (shards, ONNX external data) are high; every other header defect is low.
    format("defects-truncated", Severity::Low, "More defects were found in the file than are listed; the rest were dropped."),
    format("safetensors-unreadable", Severity::Medium, "The safetensors header could not be read, so no facts were extracted."),
    format("safetensors-truncated", Severity::Low, "The file ends before the 8-byte header length or before the end of the header it announces."),
    format("safetensors-header-too-large", Severity::Low, "The announced header length exceeds the 100,000,000-byte limit safetensors itself enforces."),
    format("safetensors-header-past-end", Severity::Low, "The announced header length is larger than the rest of the file."),
    format("safetensors-header-not-utf8", Severity::Low, "The header is not valid UTF-8."),
    format("safetensors-header-not-json", Severity::Low, "The header is not valid JSON (or nests too deeply)."),
    format("safetensors-header-not-object", Severity::Low, "The header is valid JSON but not an object."),
    format("safetensors-duplicate-key", Severity::Low, "A key appears more than once in the header; readers disagree on which one wins."),
    format("safetensors-bad-metadata", Severity::Low, "`__metadata__` is not a map of strings to strings."),
    format("safetensors-bad-tensor", Severity::Low, "A tensor entry lacks a valid dtype, shape or data_offsets."),
    format("safetensors-unknown-dtype", Severity::Low, "A tensor's dtype is not one safetensors defines; its byte size cannot be checked."),
    format("safetensors-shape-overflow", Severity::Low, "A tensor's shape (or the total parameter count) overflows 64 bits."),
    format("safetensors-size-mismatch", Severity::Low, "A tensor's byte range does not match its dtype size times its element count."),
    format("safetensors-partial-byte", Severity::Low, "A sub-byte dtype's element count does not fill a whole number of bytes."),
    format("safetensors-bad-offsets", Severity::Low, "Tensor byte ranges overlap or leave gaps, or do not start at 0."),
    format("safetensors-data-past-end", Severity::Low, "Tensor data extends beyond the end of the file."),
    format("safetensors-trailing-data", Severity::Low, "The file holds bytes after the last tensor that no tensor accounts for."),
    format("shard-index-unreadable", Severity::Medium, "The shard index file could not be read."),
    format("shard-index-too-large", Severity::Low, "The shard index file is larger than the 64 MiB a reader accepts."),
    format("shard-index-invalid", Severity::Low, "The shard index is not a JSON object with a `weight_map` object."),
    format("shard-index-no-weight-map", Severity::Low, "The JSON object has no `weight_map`, so it is not a shard index."),
    format("shard-index-bad-entry", Severity::Low, "A `weight_map` value or `metadata.total_size` has the wrong type."),
    format("shard-name-unsafe", Severity::Low, "A shard name is absolute or contains `/`, `\\` or `..`, so it could point outside the model."),
    format("shard-missing", Severity::High, "A shard named by the index is not present next to it."),
    format("shard-size-mismatch", Severity::High, "The index's `total_size` is larger than the shards present can hold."),
    format("gguf-unreadable", Severity::Medium, "The GGUF header could not be read, so no facts were extracted."),
    format("gguf-truncated", Severity::Low, "The file ends inside the GGUF header (magic, key-value pairs or tensor infos)."),
    format("gguf-unsupported-version", Severity::Low, "The GGUF version (or byte order) is not one this reader parses (v2 and v3, little-endian)."),
    format("gguf-too-many-kvs", Severity::Low, "The key-value count exceeds the 1,048,576 limit."),
    format("gguf-too-many-tensors", Severity::Low, "The tensor count exceeds the 1,048,576 limit."),
    format("gguf-string-too-long", Severity::Low, "A key or string is longer than the 1 MiB limit."),
    format("gguf-array-too-long", Severity::Low, "An array has more than the 16,777,216-element limit."),
    format("gguf-bad-value-type", Severity::Low, "A metadata value type id is unknown, or an array holds arrays."),
    format("gguf-bad-string", Severity::Low, "A key or string value that is read is not valid UTF-8."),
    format("gguf-duplicate-key", Severity::Low, "A metadata key appears more than once."),
    format("gguf-bad-metadata-type", Severity::Low, "A well-known key has a value of the wrong type and was ignored."),
    format("gguf-bad-alignment", Severity::Low, "`general.alignment` is zero, not a power of two, or not a uint32."),
    format("gguf-too-many-dims", Severity::Low, "A tensor has more than 4 dimensions (GGML_MAX_DIMS)."),
    format("gguf-duplicate-tensor", Severity::Low, "A tensor name appears more than once."),
    format("gguf-unknown-type", Severity::Low, "A tensor's ggml type id is unknown (or removed), so its size cannot be checked."),
    format("gguf-bad-tensor-shape", Severity::Low, "A tensor's first dimension is not a multiple of its type's block size."),
    format("gguf-shape-overflow", Severity::Low, "A tensor's element or byte count (or the total parameter count) overflows 64 bits."),
    format("gguf-misaligned-tensor", Severity::Low, "A tensor's data offset is not a multiple of the alignment."),
    format("gguf-tensor-out-of-bounds", Severity::Low, "A tensor's data extends beyond the end of the file."),
    format("gguf-tensor-overlap", Severity::Low, "Two tensors' data ranges overlap."),
    format("onnx-unreadable", Severity::Medium, "The ONNX file could not be read, so no facts were extracted."),
    format("onnx-malformed", Severity::Low, "The protobuf encoding is invalid (bad varint, wire type or field end)."),
    format("onnx-length-out-of-bounds", Severity::Low, "A length-delimited field claims more bytes than its enclosing message or the file holds."),
    format("onnx-too-deep", Severity::Low, "Messages nest deeper than the reader's limit of 32."),
    format("onnx-too-many-entries", Severity::Low, "The model has more than 10,000,000 nodes and initializers."),
    format("onnx-no-ir-version", Severity::Low, "The ModelProto has no ir_version."),
    format("onnx-no-graph", Severity::Low, "The ModelProto has no graph."),
    format("onnx-no-opset", Severity::Low, "The ModelProto imports no opset."),
    format("onnx-bad-dims", Severity::Low, "A tensor (initializer, or a node attribute such as a Constant's value) has a negative dimension, or an element count or total overflows 64 bits."),
    format("onnx-external-data-no-location", Severity::Low, "A tensor (initializer or node attribute) stored externally names no location."),
    format("onnx-external-data-outside", Severity::High, "An external data location (of an initializer or a node attribute tensor) is absolute or contains `..`, so it can read files outside the model (CVE-2024-27318)."),
    format("onnx-external-data-missing", Severity::High, "An external data file is not present in the model directory."),
    format("pytorch-unreadable", Severity::Medium, "The PyTorch checkpoint (its zip directory, its data.pkl, or the stacked pickles of a legacy save) could not be read, so no facts were extracted."),
    format("pytorch-storage-mismatch", Severity::Low, "A storage named by the checkpoint's pickle is missing or shorter than its element count needs, a tensor reaches past its storage, or a tensor's size overflows 64 bits."),
    // Security: ways a model file can run code, or hide from the analysis.
    security("pickle-dangerous-import", Severity::Critical, "A pickle imports an object on the known-dangerous list (eval, os.system, subprocess, published scanner-bypass gadgets, ...), which runs code or touches the system when the file is loaded."),
    security("pickle-unknown-import", Severity::High, "A pickle imports an object outside the known-safe allow-list; loading calls it, and unlisted objects are where scanner-bypass gadgets hide."),
    security("pickle-unresolved-global", Severity::High, "A pickle imports an object whose name cannot be read from the file (STACK_GLOBAL on computed operands, or an EXT registry code), so it must be assumed dangerous."),
    security("pickle-unresolved-array", Severity::High, "A joblib NumPy array wrapper's data size (or where its data is read from) cannot be worked out from the pickle, so the bytes after it, which joblib reads as data, could not be told apart from opcodes and were not checked."),
    security("pickle-unknown-opcode", Severity::Medium, "A pickle stream contains a byte that is not a pickle opcode, so the rest of the stream could not be checked."),
    security("pickle-truncated", Severity::Medium, "A pickle stream ends before its STOP opcode."),
    security("pickle-bad-operand", Severity::Medium, "A pickle opcode has an operand that is malformed (bad protocol, non-numeric memo key, invalid module or attribute name)."),
    security("pickle-trailing-data", Severity::Medium, "Bytes follow the last pickle in a stream where nothing is expected."),
    security("pickle-limit-exceeded", Severity::High, "The pickle walk stopped at a safety cap (opcodes, memo, stack, operand length), so part of the stream was not checked."),
    security("torchscript-code", Severity::High, "A PyTorch archive carries TorchScript code members (code/ or .py), which run when the model is loaded."),
    security("zip-invalid", Severity::High, "A zip archive fails strict parsing; lenient readers (such as PyTorch's) may still load it, so it cannot be called clean."),
    security("zip-path-traversal", Severity::High, "A zip member name is absolute or contains `..`, so extracting it can write outside the destination."),
    security("zip-duplicate-name", Severity::High, "Two zip members share a name; readers disagree on which one they use, so a scanner and a loader can see different content."),
    security("zip-bomb", Severity::High, "A zip member decompresses past the size or ratio caps (or members overlap), a decompression bomb."),
    security("zip-limit-exceeded", Severity::High, "A zip archive has more members than the analysis cap; the rest were not checked."),
    security("archive-invalid", Severity::High, "A tar archive fails strict parsing (header checksum, sizes past the end, malformed extended headers, truncation); readers stop or disagree there, so it cannot be called clean."),
    security("archive-path-traversal", Severity::High, "A tar member name, or a link member's target, is absolute or climbs out with `..`, so extracting it can write outside the destination."),
    security("archive-limit-exceeded", Severity::High, "An archive goes past an analysis cap (containers nested too deep, too many members, a member over the per-member size cap); what lies beyond was not checked."),
    security("compressed-bomb", Severity::High, "A compressed stream (gzip, zlib, bzip2, xz, lzma) decompresses past the size or ratio caps."),
    security("numpy-object-array", Severity::Medium, "A NumPy array has an object dtype, so its data is a pickle that runs code when loaded with allow_pickle=True."),
    security("keras-lambda", Severity::High, "A Keras model carries a Lambda / TFOpLambda layer or Python code, which runs when the model is loaded."),
    security("keras-custom-object", Severity::High, "A Keras model references a custom class or function outside the Keras namespaces, which loads code from elsewhere."),
    security("keras-dangerous-object", Severity::Critical, "A Keras model references a class or function on the known-dangerous list (os.system as a serialized function, keras.utils.get_file, ...), which runs code or touches the system when the model is loaded."),
    security("tf-risky-op", Severity::High, "A TensorFlow SavedModel uses an op that calls Python or reads or writes files (PyFunc, EagerPyFunc, ReadFile, WriteFile)."),
    security("chat-template-injection", Severity::High, "A chat template contains a server-side template injection pattern that reaches Python internals from Jinja."),
    security("unscannable", Severity::High, "A file (or member) that may hold code could not be analysed, so it cannot be called clean."),
];

/// The registry entry of `code`, if it is registered.
pub fn lookup(code: &str) -> Option<&'static FindingCode> {
    CODES.iter().find(|c| c.code == code)
}

/// The default severity of `code` (high when the code is unknown, which the registry tests rule out for
/// every code the sources emit).
pub fn default_severity(code: &str) -> Severity {
    debug_assert!(lookup(code).is_some(), "unregistered finding code {code}");
    lookup(code).map_or(Severity::High, |c| c.severity)
}

/// Something a reviewer should know, with a stable code users can allow or deny.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable kebab-case code, one of [`CODES`].
    pub code: &'static str,
    pub severity: Severity,
    /// The file it is about (model-relative inventory path); `None` when it is about the model as a whole.
    pub path: Option<String>,
    /// The archive member (or decompressed stream) it is in, when the file is a container.
    pub member: Option<String>,
    /// Byte offset within the member when there is one, else within the file (for chat templates: within
    /// the template text).
    pub offset: Option<u64>,
    /// The short piece of evidence (`posix.system via REDUCE`, a matched template snippet, a member
    /// name); empty when the finding has none.
    pub evidence: String,
    /// What is wrong and why it matters, for people.
    pub message: String,
    /// SHA-256 of the file the finding is about, when the producer was given it (else empty).
    pub sha256: String,
}

impl Finding {
    /// A finding with `code` at its default severity, about `path` (or the whole model), with nothing
    /// else but the message.
    pub fn new(code: &'static str, path: Option<&str>, message: impl Into<String>) -> Self {
        Finding {
            code,
            severity: default_severity(code),
            path: path.map(str::to_string),
            member: None,
            offset: None,
            evidence: String::new(),
            message: message.into(),
            sha256: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    #[test]
    fn registry_codes_are_unique_kebab_case_and_summarised() {
        let mut seen = BTreeSet::new();
        for c in CODES {
            assert!(seen.insert(c.code), "duplicate {}", c.code);
            assert!(
                !c.code.is_empty()
                    && !c.code.starts_with('-')
                    && !c.code.ends_with('-')
                    && c.code
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                c.code
            );
            assert!(c.summary.ends_with('.'), "{}: {}", c.code, c.summary);
        }
    }

    /// Where each producer's sources live.
    fn producer_dir(p: Producer) -> &'static str {
        match p {
            Producer::Security => "src/security",
            Producer::Format => "src/formats",
            Producer::Analysis => "src/analyze",
        }
    }

    /// String literals in the non-test part of every producer's sources, by producer.
    fn literals() -> BTreeMap<Producer, BTreeSet<String>> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out = BTreeMap::new();
        for p in [Producer::Security, Producer::Format, Producer::Analysis] {
            let set: &mut BTreeSet<String> = out.entry(p).or_default();
            for entry in std::fs::read_dir(root.join(producer_dir(p))).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_none_or(|e| e != "rs") || path.ends_with("testutil.rs") {
                    continue;
                }
                let all = std::fs::read_to_string(&path).unwrap();
                // The unit tests at the end of the file are not a producer.
                let src = all.split("#[cfg(test)]\nmod tests").next().unwrap();
                set.extend(src.split('"').skip(1).step_by(2).map(str::to_string));
            }
        }
        out
    }

    /// String literals that share a code's first word but are not finding codes.
    const NOT_CODES: &[&str] = &[
        // format names
        "pytorch-zip",
        "pytorch-tar",
    ];

    #[test]
    fn every_code_literal_the_producers_emit_is_registered_and_every_code_is_emitted() {
        let families: BTreeSet<&str> = CODES
            .iter()
            .map(|c| c.code.split('-').next().unwrap())
            .collect();
        let literals = literals();
        for (producer, lits) in &literals {
            for lit in lits {
                let code_shaped = !lit.is_empty()
                    && !lit.ends_with('-')
                    && lit
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                let family = lit.split('-').next().unwrap();
                if code_shaped
                    && families.contains(family)
                    && (lit.contains('-') || lookup(lit).is_some())
                    && !NOT_CODES.contains(&lit.as_str())
                {
                    assert!(
                        lookup(lit).is_some(),
                        "{lit} in {} but not in finding::CODES",
                        producer_dir(*producer)
                    );
                }
            }
        }
        for c in CODES {
            assert!(
                literals[&c.producer].contains(c.code),
                "{} is registered for {} but never emitted there",
                c.code,
                producer_dir(c.producer)
            );
        }
    }
}
