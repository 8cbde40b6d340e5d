//! File formats: identify what a file is from its first bytes (magic numbers, header shape) and, only
//! where the content says nothing, from its extension; then, for the formats whose headers describe the
//! model (safetensors, GGUF, ONNX, shard indexes, PyTorch checkpoints), read those headers into facts with bounded readers
//! that never load tensor data, never execute anything and never panic. Problems found on the way are
//! [`Defect`]s with stable codes (registered in [`crate::finding::CODES`] as format codes).

pub mod gguf;
pub mod onnx;
pub mod pytorch;
pub mod safetensors;
pub mod shard_index;

use std::io::{self, Read};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::finding::Producer;

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
    /// PyTorch's legacy tar checkpoint (a tar whose first member is `storages`, `tensors`, `pickle` or
    /// `sys_info`, or a tar with a torch-style extension); `torch.load` still reads these.
    PytorchTar,
    /// Any other tar archive (ustar, GNU or pax; a header with a valid checksum).
    Tar,
    /// 7z archive (magic `7z\xBC\xAF\x27\x1C`).
    SevenZip,
    /// RAR archive (magic `Rar!\x1A\x07`).
    Rar,
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
                | Format::PytorchTar
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
            Format::PytorchTar => "pytorch-tar",
            Format::Tar => "tar",
            Format::SevenZip => "seven-zip",
            Format::Rar => "rar",
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

/// The format a file's name promises, for the formats with a header reader: `.safetensors` (shards
/// included), `.gguf` (split files included), `.onnx`, and `*.safetensors.index.json` /
/// `*.bin.index.json` shard indexes (JSON). A file so named whose content [`sniff`]s as something else
/// is still given to that reader, so that a broken or hostile header (a header-length bomb, a Git LFS
/// pointer left instead of the weights) becomes a defect instead of an anonymous `binary` file.
pub fn promised_format(name: &str) -> Option<Format> {
    let base = name.rsplit('/').next().unwrap_or(name).to_ascii_lowercase();
    if base.ends_with(".safetensors.index.json") || base.ends_with(".bin.index.json") {
        return Some(Format::Json);
    }
    match extension(&base).as_str() {
        "safetensors" => Some(Format::Safetensors),
        "gguf" => Some(Format::Gguf),
        "onnx" => Some(Format::Onnx),
        _ => None,
    }
}

/// The start of a Git LFS pointer file (what a clone without `git lfs` leaves instead of the weights).
pub const LFS_POINTER_PREFIX: &[u8] = b"version https://git-lfs.github.com/spec/";

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
    // A tar header needs its whole first block (512 bytes) to be checked.
    if crate::security::tar::is_header(head) {
        let torch_name = crate::security::tar::first_name(head)
            .is_some_and(|n| crate::security::tar::LEGACY_TORCH_MEMBERS.contains(&n.as_str()));
        return if torch_name || matches!(ext.as_str(), "pt" | "pth" | "bin" | "ckpt") {
            Format::PytorchTar
        } else {
            Format::Tar
        };
    }
    if head.starts_with(b"7z\xbc\xaf\x27\x1c") {
        return Format::SevenZip;
    }
    if head.starts_with(b"Rar!\x1a\x07") {
        return Format::Rar;
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

/// Something structurally wrong (or suspicious) in a file, found by a header reader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Defect {
    /// Stable kebab-case code, registered in [`crate::finding::CODES`] with producer `format`.
    pub code: &'static str,
    /// What is wrong, for people.
    pub message: String,
    /// Byte offset in the file where the problem was seen, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
}

impl Defect {
    /// A defect without a position.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        debug_assert!(
            crate::finding::lookup(code).is_some_and(|c| c.producer == Producer::Format),
            "{code}"
        );
        Defect {
            code,
            message: message.into(),
            offset: None,
        }
    }

    /// A defect at byte `offset` of the file.
    pub fn at(code: &'static str, offset: u64, message: impl Into<String>) -> Self {
        Defect {
            offset: Some(offset),
            ..Defect::new(code, message)
        }
    }
}

impl std::fmt::Display for Defect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.offset {
            Some(o) => write!(f, "{} at byte {}: {}", self.code, o, self.message),
            None => write!(f, "{}: {}", self.code, self.message),
        }
    }
}

/// Facts read from a file's header.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FormatFacts {
    Safetensors(safetensors::SafetensorsInfo),
    Gguf(gguf::GgufInfo),
    Onnx(onnx::OnnxInfo),
    ShardIndex(shard_index::ShardIndex),
    Pytorch(pytorch::PytorchInfo),
    /// No header reader for this format (identified only), or the header could not be read.
    None,
}

/// Read the facts of the file at `path`, already identified as `format` by [`sniff`], of `size` bytes and
/// model-relative `name`. Never fails and never panics: a header that cannot be read gives
/// [`FormatFacts::None`] and a defect saying why, followed by `<format>-unreadable`.
///
/// The returned defects are all the defects of the file: those inside the facts (copied) and any that
/// stopped the reader. Shard indexes are only parsed here; checking that their shards exist is
/// [`shard_index::check`]'s job, which needs the model's file list.
pub fn read_facts(
    path: &Path,
    format: Format,
    size: u64,
    name: &str,
) -> (FormatFacts, Vec<Defect>) {
    fn failed(e: Defect, unreadable: &'static str) -> (FormatFacts, Vec<Defect>) {
        let mut v = Vec::with_capacity(2);
        let msg = format!("no facts extracted: {}", e.message);
        let offset = e.offset;
        let same = e.code == unreadable;
        v.push(e);
        if !same {
            v.push(Defect {
                offset,
                ..Defect::new(unreadable, msg)
            });
        }
        (FormatFacts::None, v)
    }
    match format {
        Format::Safetensors => match safetensors::read(path, size) {
            Ok(i) => {
                let d = i.defects.clone();
                (FormatFacts::Safetensors(i), d)
            }
            Err(e) => failed(e, "safetensors-unreadable"),
        },
        Format::Gguf => match gguf::read(path, size) {
            Ok(i) => {
                let d = i.defects.clone();
                (FormatFacts::Gguf(i), d)
            }
            Err(e) => failed(e, "gguf-unreadable"),
        },
        Format::Onnx => match onnx::read(path, size) {
            Ok(i) => {
                let d = i.defects.clone();
                (FormatFacts::Onnx(i), d)
            }
            Err(e) => failed(e, "onnx-unreadable"),
        },
        Format::PytorchZip | Format::Pickle => match pytorch::read(path, format, size) {
            Ok(Some(i)) => {
                let d = i.defects.clone();
                (FormatFacts::Pytorch(i), d)
            }
            Ok(None) => (FormatFacts::None, Vec::new()),
            Err(e) => failed(e, "pytorch-unreadable"),
        },
        Format::Json if name.ends_with(".index.json") => match shard_index::read(path, size) {
            Ok(i) => {
                let d = i.defects.clone();
                (FormatFacts::ShardIndex(i), d)
            }
            Err(e) if e.code == "shard-index-no-weight-map" => (FormatFacts::None, Vec::new()),
            Err(e) => failed(e, "shard-index-unreadable"),
        },
        _ => (FormatFacts::None, Vec::new()),
    }
}

/// [`read_facts`] for a file whose name promises the format `promised` (see [`promised_format`]) while
/// its content was identified as `sniffed`: the promised reader runs anyway (bounded as always), so the
/// file gets that format's defects and a `<format>-unreadable` saying the content is not what the name
/// promises — or its facts, when the reader can read it after all. A Git LFS pointer is named as such.
pub fn read_as_promised(
    path: &Path,
    sniffed: Format,
    promised: Format,
    size: u64,
    name: &str,
) -> (FormatFacts, Vec<Defect>) {
    let what = match promised {
        Format::Json => "shard index".to_string(),
        other => other.as_str().to_string(),
    };
    if sniffed == Format::Text && is_lfs_pointer(path) {
        let code = match promised {
            Format::Safetensors => "safetensors-unreadable",
            Format::Gguf => "gguf-unreadable",
            Format::Onnx => "onnx-unreadable",
            _ => "shard-index-unreadable",
        };
        return (
            FormatFacts::None,
            vec![Defect::at(
                code,
                0,
                format!(
                    "named like a {what} file but it is a Git LFS pointer ({size} bytes of text): \
                     the real file was never downloaded (fetch it with git lfs)"
                ),
            )],
        );
    }
    let (facts, mut defects) = read_facts(path, promised, size, name);
    for d in defects
        .iter_mut()
        .filter(|d| d.code.ends_with("-unreadable"))
    {
        let why = d
            .message
            .strip_prefix("no facts extracted: ")
            .unwrap_or(&d.message)
            .to_string();
        d.message = format!(
            "named like a {what} file but its content is not one (identified as {}): {why}",
            sniffed.as_str()
        );
    }
    (facts, defects)
}

/// The file starts with the Git LFS pointer line.
fn is_lfs_pointer(path: &Path) -> bool {
    crate::io::read_head(path, LFS_POINTER_PREFIX.len() as u64)
        .is_ok_and(|head| head == LFS_POINTER_PREFIX)
}

/// Header readers open files through the I/O room: non-blocking open, regular files only.
pub(crate) use crate::io::open_regular;

/// Read exactly `n` bytes (already checked against the file size and a cap) into a new buffer, growing it
/// as data arrives rather than trusting `n` for one allocation.
pub(crate) fn read_exact_vec(r: &mut impl Read, n: u64) -> io::Result<Vec<u8>> {
    let mut v = Vec::with_capacity(usize::try_from(n.min(1 << 20)).unwrap_or(0));
    let got = r.take(n).read_to_end(&mut v)?;
    if (got as u64) < n {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "file shorter than expected",
        ));
    }
    Ok(v)
}

/// At most this many defects are kept per file; the rest are counted in one `defects-truncated` defect.
pub(crate) const MAX_DEFECTS: usize = 100;

/// Collects defects up to [`MAX_DEFECTS`].
#[derive(Debug, Default)]
pub(crate) struct DefectLog {
    items: Vec<Defect>,
    dropped: u64,
}

impl DefectLog {
    pub(crate) fn push(&mut self, d: Defect) {
        if self.items.len() < MAX_DEFECTS {
            self.items.push(d);
        } else {
            self.dropped += 1;
        }
    }

    pub(crate) fn finish(mut self) -> Vec<Defect> {
        if self.dropped > 0 {
            self.items.push(Defect::new(
                "defects-truncated",
                format!("{} more defects not listed", self.dropped),
            ));
        }
        self.items
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

    fn fixture(rel: &str) -> (std::path::PathBuf, u64) {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(rel);
        let n = std::fs::metadata(&p).unwrap().len();
        (p, n)
    }

    fn facts_of(rel: &str) -> (FormatFacts, Vec<Defect>) {
        let (p, n) = fixture(rel);
        let head = std::fs::read(&p).unwrap();
        let format = sniff(&head[..head.len().min(64)], n, rel);
        read_facts(&p, format, n, rel)
    }

    #[test]
    fn read_facts_dispatches_on_the_sniffed_format() {
        let (f, d) = facts_of("formats/tiny.gguf");
        assert!(matches!(f, FormatFacts::Gguf(ref i) if i.parameters == 76) && d.is_empty());
        let (f, d) = facts_of("formats/tiny.onnx");
        assert!(matches!(f, FormatFacts::Onnx(ref i) if i.parameters == 20) && d.is_empty());
        let (f, d) = facts_of("tiny-model/model.safetensors");
        assert!(matches!(f, FormatFacts::Safetensors(ref i) if i.parameters == 52) && d.is_empty());
        let (f, d) = facts_of("formats/sharded/model.safetensors.index.json");
        assert!(matches!(f, FormatFacts::ShardIndex(ref i) if i.tensors == 3) && d.is_empty());
        let (f, d) = facts_of("tiny-model/config.json");
        assert!(matches!(f, FormatFacts::None) && d.is_empty());
    }

    #[test]
    fn read_facts_json_serialisation_is_tagged_by_kind() {
        let (f, _) = facts_of("formats/sharded/model.safetensors.index.json");
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(v["kind"], "shard-index");
        assert_eq!(v["total_size"], 28);
        assert_eq!(
            serde_json::to_value(FormatFacts::None).unwrap()["kind"],
            "none"
        );
        let d = Defect::at("gguf-truncated", 7, "x");
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            r#"{"code":"gguf-truncated","message":"x","offset":7}"#
        );
    }

    #[test]
    fn read_facts_turns_failures_into_defects() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.safetensors");
        let mut bytes = 3u64.to_le_bytes().to_vec();
        bytes.extend(b"{x}");
        std::fs::write(&p, &bytes).unwrap();
        let (f, d) = read_facts(&p, Format::Safetensors, bytes.len() as u64, "m.safetensors");
        assert!(matches!(f, FormatFacts::None));
        let codes: Vec<_> = d.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            ["safetensors-header-not-json", "safetensors-unreadable"]
        );
        // A file that vanished: one defect, already the unreadable one.
        let gone = dir.path().join("gone.gguf");
        let (f, d) = read_facts(&gone, Format::Gguf, 100, "gone.gguf");
        assert!(matches!(f, FormatFacts::None));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "gguf-unreadable");
        // A directory where a file was: not a regular file.
        let (_, d) = read_facts(dir.path(), Format::Onnx, 100, "x.onnx");
        assert_eq!(d[0].code, "onnx-unreadable");
        // JSON named like an index but without weight_map is not a shard index.
        let q = dir.path().join("a.index.json");
        std::fs::write(&q, b"{\"a\": 1}").unwrap();
        let (f, d) = read_facts(&q, Format::Json, 8, "a.index.json");
        assert!(matches!(f, FormatFacts::None) && d.is_empty());
        // Identified-only formats have no facts.
        let (f, d) = read_facts(&q, Format::Pickle, 8, "a.pkl");
        assert!(matches!(f, FormatFacts::None) && d.is_empty());
    }

    #[test]
    fn read_facts_on_a_fifo_does_not_block() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.gguf");
        let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let (f, d) = read_facts(&p, Format::Gguf, 100, "m.gguf");
        assert!(matches!(f, FormatFacts::None));
        assert_eq!(d[0].code, "gguf-unreadable");
    }

    #[test]
    fn every_single_byte_mutation_of_the_fixtures_is_handled_without_panic() {
        use std::io::Cursor;
        let read = |rel: &str| std::fs::read(fixture(rel).0).unwrap();
        type Parse<'a> = &'a dyn Fn(&[u8]);
        let cases: [(&str, Parse); 5] = [
            ("formats/tiny.gguf", &|b| {
                drop(gguf::parse(Cursor::new(b), b.len() as u64))
            }),
            ("formats/tiny.onnx", &|b| {
                drop(onnx::parse(Cursor::new(b), b.len() as u64))
            }),
            ("formats/external-data.onnx", &|b| {
                drop(onnx::parse(Cursor::new(b), b.len() as u64))
            }),
            ("tiny-model/model.safetensors", &|b| {
                drop(safetensors::parse_header(b, b.len() as u64))
            }),
            ("formats/sharded/model.safetensors.index.json", &|b| {
                drop(shard_index::parse(b))
            }),
        ];
        let start = std::time::Instant::now();
        for (rel, parse) in cases {
            let orig = read(rel);
            for i in 0..orig.len() {
                for v in [0x00, 0xff, 0x80, 0x7f, orig[i] ^ 1, orig[i].wrapping_add(1)] {
                    let mut b = orig.clone();
                    b[i] = v;
                    parse(&b);
                }
            }
        }
        assert!(start.elapsed().as_secs() < 30);
    }

    #[test]
    fn files_named_like_a_format_are_read_as_it_whatever_they_sniff_as() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("model.safetensors");
        let mut bomb = (1u64 << 60).to_le_bytes().to_vec();
        bomb.push(b'{');
        bomb.resize(1024, 0);
        std::fs::write(&p, &bomb).unwrap();
        let sniffed = sniff(&bomb[..64], 1024, "model.safetensors");
        assert_eq!(sniffed, Format::Binary);
        let (f, d) = read_as_promised(&p, sniffed, Format::Safetensors, 1024, "model.safetensors");
        assert!(matches!(f, FormatFacts::None));
        let codes: Vec<_> = d.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            ["safetensors-header-too-large", "safetensors-unreadable"]
        );
        assert!(
            d[1].message.starts_with("named like a safetensors file")
                && d[1].message.contains("1152921504606846976")
                && d[1].message.contains("the file is 1024 bytes"),
            "{}",
            d[1].message
        );
        // A Git LFS pointer is called one.
        let lfs = b"version https://git-lfs.github.com/spec/v1\noid sha256:ab\nsize 9\n";
        std::fs::write(&p, lfs).unwrap();
        let (_, d) = read_as_promised(&p, Format::Text, Format::Gguf, lfs.len() as u64, "m.gguf");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "gguf-unreadable");
        assert!(d[0].message.contains("Git LFS pointer"), "{}", d[0].message);
        // Content the reader can read after all gives its facts and no defect.
        let (gp, n) = fixture("formats/tiny.gguf");
        let (f, d) = read_as_promised(&gp, Format::Binary, Format::Gguf, n, "tiny.gguf");
        assert!(matches!(f, FormatFacts::Gguf(_)) && d.is_empty(), "{d:?}");
    }

    #[test]
    fn names_promise_formats() {
        assert_eq!(
            promised_format("model-00001-of-00002.safetensors"),
            Some(Format::Safetensors)
        );
        assert_eq!(promised_format("sub/M.GGUF"), Some(Format::Gguf));
        assert_eq!(promised_format("model.onnx"), Some(Format::Onnx));
        assert_eq!(
            promised_format("model.safetensors.index.json"),
            Some(Format::Json)
        );
        assert_eq!(
            promised_format("pytorch_model.bin.index.json"),
            Some(Format::Json)
        );
        assert_eq!(promised_format("pytorch_model.bin"), None);
        assert_eq!(promised_format("model.onnx_data"), None);
        assert_eq!(promised_format("config.json"), None);
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
    fn tars_by_checksummed_header_and_other_archives_by_magic() {
        let tar_head = |name: &str| {
            let mut b = vec![0u8; 512];
            b[..name.len()].copy_from_slice(name.as_bytes());
            b[124..136].copy_from_slice(b"00000000012\0");
            b[156] = b'0';
            b[257..263].copy_from_slice(b"ustar\0");
            let sum: u32 = b
                .iter()
                .enumerate()
                .map(|(i, &x)| {
                    if (148..156).contains(&i) {
                        32
                    } else {
                        u32::from(x)
                    }
                })
                .sum();
            b[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
            b
        };
        assert_eq!(
            sniff(&tar_head("storages"), 2048, "model.tar"),
            Format::PytorchTar
        );
        assert_eq!(
            sniff(&tar_head("weights"), 2048, "model.pth"),
            Format::PytorchTar
        );
        assert_eq!(
            sniff(&tar_head("images/0.png"), 2048, "data.tar"),
            Format::Tar
        );
        // The checksum decides: one flipped byte and it is not a tar.
        let mut bad = tar_head("images/0.png");
        bad[3] ^= 0x20;
        assert_ne!(sniff(&bad, 2048, "data.tar"), Format::Tar);
        // 64 bytes are not enough to tell.
        assert_ne!(
            sniff(&tar_head("storages")[..64], 2048, "x.tar"),
            Format::PytorchTar
        );
        assert_eq!(
            sniff(b"7z\xbc\xaf\x27\x1c\x00\x04", 100, "m.7z"),
            Format::SevenZip
        );
        assert_eq!(sniff(b"Rar!\x1a\x07\x01\x00", 100, "m.rar"), Format::Rar);
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
