//! File formats: identify what a file is from its first bytes (magic numbers, header shape) and, only
//! where the content says nothing, from its extension. Identification never executes or fully parses
//! anything; the per-format header readers that extract model facts will live beside this file.

use serde::{Deserialize, Serialize};

/// The format of a file, as far as its first bytes (and then its name) tell.
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
pub enum Format {
    /// safetensors: 8-byte little-endian header length, then a JSON header.
    Safetensors,
    /// GGUF (llama.cpp): magic `GGUF`.
    Gguf,
    /// Legacy GGML / GGMF / GGJT files.
    Ggml,
    /// PyTorch zip checkpoint (zip magic, torch-style extension).
    PytorchZip,
    /// Keras v3 archive (zip magic, `.keras`).
    Keras,
    /// NumPy archive (zip magic, `.npz`).
    Npz,
    /// Any other zip archive.
    Zip,
    /// Python pickle, protocol 2 or later (`0x80` + protocol byte); includes legacy torch saves.
    Pickle,
    /// HDF5 (Keras .h5 and others).
    Hdf5,
    /// ONNX ModelProto (protobuf shape checked on the first fields).
    Onnx,
    /// NumPy `.npy` array.
    Npy,
    /// TensorFlow Lite flatbuffer (`TFL3`).
    Tflite,
    /// JSON text.
    Json,
    /// Other UTF-8 text.
    Text,
    /// Binary content not identified.
    Binary,
    /// Zero-length file.
    Empty,
}

impl Format {
    /// Formats that hold model parameters (or may, like pickles and zips with torch names).
    pub fn is_model_format(self) -> bool {
        matches!(
            self,
            Format::Safetensors
                | Format::Gguf
                | Format::Ggml
                | Format::PytorchZip
                | Format::Keras
                | Format::Npz
                | Format::Pickle
                | Format::Hdf5
                | Format::Onnx
                | Format::Npy
                | Format::Tflite
        )
    }

    /// The name used in reports (same as the serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Safetensors => "safetensors",
            Format::Gguf => "gguf",
            Format::Ggml => "ggml",
            Format::PytorchZip => "pytorch-zip",
            Format::Keras => "keras",
            Format::Npz => "npz",
            Format::Zip => "zip",
            Format::Pickle => "pickle",
            Format::Hdf5 => "hdf5",
            Format::Onnx => "onnx",
            Format::Npy => "npy",
            Format::Tflite => "tflite",
            Format::Json => "json",
            Format::Text => "text",
            Format::Binary => "binary",
            Format::Empty => "empty",
        }
    }
}

/// The lower-cased extension of a POSIX path's last component, without the dot.
pub fn extension(name: &str) -> String {
    let base = name.rsplit('/').next().unwrap_or(name);
    match base.rfind('.') {
        Some(i) if i > 0 => base[i + 1..].to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// Identify a file from its first bytes `head` (at least what was available, see
/// [`crate::hash::HEAD_LEN`]), its total `size` and its `name`.
pub fn sniff(head: &[u8], size: u64, name: &str) -> Format {
    if size == 0 {
        return Format::Empty;
    }
    let ext = extension(name);
    if head.len() >= 9 {
        let n = u64::from_le_bytes(head[..8].try_into().expect("8 bytes"));
        if n >= 2 && size.checked_sub(8).is_some_and(|room| n <= room) && head[8] == b'{' {
            return Format::Safetensors;
        }
    }
    if head.starts_with(b"GGUF") {
        return Format::Gguf;
    }
    if head.len() >= 4 {
        let magic = u32::from_le_bytes(head[..4].try_into().expect("4 bytes"));
        // "ggml", "ggmf", "ggjt", "ggla" (LoRA) as little-endian u32, as llama.cpp wrote them.
        if matches!(magic, 0x6767_6d6c | 0x6767_6d66 | 0x6767_6a74 | 0x6767_6c61) {
            return Format::Ggml;
        }
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return match ext.as_str() {
            "keras" => Format::Keras,
            "npz" => Format::Npz,
            "pt" | "pth" | "bin" | "ckpt" | "tar" | "pkl" | "mar" => Format::PytorchZip,
            _ => Format::Zip,
        };
    }
    if head.len() >= 2 && head[0] == 0x80 && (2..=5).contains(&head[1]) {
        return Format::Pickle;
    }
    if head.starts_with(b"\x89HDF\r\n\x1a\n") {
        return Format::Hdf5;
    }
    if head.starts_with(b"\x93NUMPY") {
        return Format::Npy;
    }
    if head.len() >= 8 && &head[4..8] == b"TFL3" {
        return Format::Tflite;
    }
    if looks_like_onnx(head) && matches!(ext.as_str(), "onnx" | "ort" | "pb" | "") {
        return Format::Onnx;
    }
    let text = match std::str::from_utf8(head) {
        Ok(s) => Some(s),
        // The head may cut a multi-byte character: accept an incomplete final sequence.
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).ok(),
        Err(_) => None,
    };
    match text {
        Some(t) if !t.contains('\0') => {
            let first = t
                .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
                .chars()
                .next();
            if matches!(first, Some('{') | Some('['))
                && matches!(ext.as_str(), "json" | "jsonld" | "")
            {
                Format::Json
            } else {
                Format::Text
            }
        }
        _ => Format::Binary,
    }
}

/// An ONNX ModelProto starts with field 1 (`ir_version`, varint, 1..=15 today) followed by one of its
/// other top-level fields (producer name/version, domain, model version, doc string, graph, opset).
fn looks_like_onnx(head: &[u8]) -> bool {
    head.len() >= 3
        && head[0] == 0x08
        && (1..=15).contains(&head[1])
        && matches!(head[2], 0x12 | 0x1a | 0x22 | 0x28 | 0x32 | 0x3a | 0x42)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st_head(json: &str) -> Vec<u8> {
        let mut v = (json.len() as u64).to_le_bytes().to_vec();
        v.extend_from_slice(json.as_bytes());
        v
    }

    #[test]
    fn safetensors_is_recognised_by_header_whatever_the_name() {
        let h = st_head("{\"__metadata__\":{}}");
        assert_eq!(
            sniff(&h, h.len() as u64, "weights.bin"),
            Format::Safetensors
        );
    }

    #[test]
    fn safetensors_header_longer_than_file_is_not_safetensors() {
        let mut h = st_head("{}");
        h[..8].copy_from_slice(&1_000_000u64.to_le_bytes());
        assert_ne!(
            sniff(&h, h.len() as u64, "x.safetensors"),
            Format::Safetensors
        );
    }

    #[test]
    fn pickle_by_content_even_with_misleading_extension() {
        assert_eq!(sniff(b"\x80\x04\x95", 3, "model.bin"), Format::Pickle);
        assert_eq!(sniff(b"\x80\x02}q\x00.", 6, "README"), Format::Pickle);
    }

    #[test]
    fn zip_flavour_follows_extension() {
        assert_eq!(
            sniff(b"PK\x03\x04rest", 8, "pytorch_model.bin"),
            Format::PytorchZip
        );
        assert_eq!(sniff(b"PK\x03\x04rest", 8, "m.keras"), Format::Keras);
        assert_eq!(sniff(b"PK\x03\x04rest", 8, "x.npz"), Format::Npz);
        assert_eq!(sniff(b"PK\x03\x04rest", 8, "bundle.zip"), Format::Zip);
    }

    #[test]
    fn other_magics() {
        assert_eq!(sniff(b"GGUF\x03\x00\x00\x00", 8, "m"), Format::Gguf);
        assert_eq!(
            sniff(b"\x89HDF\r\n\x1a\nxx", 10, "tf_model.h5"),
            Format::Hdf5
        );
        assert_eq!(sniff(b"\x93NUMPY\x01\x00", 8, "a.npy"), Format::Npy);
        assert_eq!(
            sniff(b"\x1c\x00\x00\x00TFL3", 8, "m.tflite"),
            Format::Tflite
        );
        assert_eq!(sniff(b"lmgg\x01\x00", 6, "old.bin"), Format::Ggml);
        assert_eq!(
            sniff(b"\x08\x07\x12\x07pytorch", 11, "model.onnx"),
            Format::Onnx
        );
    }

    #[test]
    fn text_json_binary_and_empty() {
        assert_eq!(sniff(b"  {\"a\": 1}", 10, "config.json"), Format::Json);
        assert_eq!(sniff(b"# Title\n", 8, "README.md"), Format::Text);
        assert_eq!(sniff(b"caf\xc3", 4, "notes.txt"), Format::Text);
        assert_eq!(sniff(b"\x00\x01\x02\xff", 4, "blob"), Format::Binary);
        assert_eq!(sniff(b"", 0, "empty"), Format::Empty);
    }
}
