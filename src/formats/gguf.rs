//! GGUF (llama.cpp) header reader: the key-value metadata and the tensor infos of GGUF v2 and v3 files,
//! read through a bounded streaming reader that never holds more than one capped string at a time,
//! skips large arrays (tokenizer vocabularies) by counting and seeking, and checks every tensor's data
//! range (ggml type sizes, alignment, file bounds, overlaps) without reading tensor data. Extracts the
//! provenance keys (`general.*`: architecture, name, licence, base models, sources, datasets), the chat
//! template, the context length, parameter count and the quantization mix.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, BufReader, ErrorKind, Read, Seek, SeekFrom};
use std::path::Path;

use serde::Serialize;

use super::{open_regular, Defect, DefectLog};

/// Longest key or string value read into memory.
pub const MAX_STRING: u64 = 1 << 20;
/// Most elements in one array.
pub const MAX_ARRAY: u64 = 16 << 20;
/// Most key-value pairs.
pub const MAX_KV: u64 = 1 << 20;
/// Most tensors.
pub const MAX_TENSORS: u64 = 1 << 20;
/// GGML_MAX_DIMS.
pub const MAX_DIMS: u32 = 4;
/// Alignment of the data section when `general.alignment` is absent.
pub const DEFAULT_ALIGNMENT: u64 = 32;

/// Bytes of names (keys and tensor names) remembered for duplicate detection.
const NAME_BUDGET: u64 = 64 << 20;
/// Most entries collected for list-like facts (base models, datasets).
const MAX_LIST: usize = 1024;

/// One `general.base_model.N.*` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GgufBaseModel {
    pub name: Option<String>,
    pub organization: Option<String>,
    pub version: Option<String>,
    pub repo_url: Option<String>,
}

/// Facts from a GGUF header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GgufInfo {
    pub version: u32,
    pub tensor_count: u64,
    pub kv_count: u64,
    /// Σ over tensors of the product of their dimensions.
    pub parameters: u64,
    pub architecture: Option<String>,
    pub name: Option<String>,
    pub license: Option<String>,
    pub license_name: Option<String>,
    pub license_link: Option<String>,
    pub base_models: Vec<GgufBaseModel>,
    pub source_url: Option<String>,
    pub source_repo_url: Option<String>,
    /// `general.datasets` strings, then `general.dataset.N.name`, without repeats.
    pub datasets: Vec<String>,
    /// `{architecture}.context_length`.
    pub context_length: Option<u64>,
    /// `general.file_type` (llama.cpp's LLAMA_FTYPE).
    pub file_type: Option<u32>,
    /// ggml type name → number of tensors of that type.
    pub quantizations: BTreeMap<String, u64>,
    pub chat_template: Option<String>,
    /// Alignment of tensor data in effect (`general.alignment` when valid, else 32).
    pub alignment: u64,
    pub defects: Vec<Defect>,
}

/// A ggml tensor type: name, elements per block, bytes per block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GgmlType {
    pub name: &'static str,
    pub block_size: u64,
    pub type_size: u64,
}

/// The ggml type with id `id` (ggml.h `enum ggml_type`), or `None` for unknown and removed ids.
pub fn ggml_type(id: u32) -> Option<GgmlType> {
    let (name, block_size, type_size) = match id {
        0 => ("F32", 1, 4),
        1 => ("F16", 1, 2),
        2 => ("Q4_0", 32, 18),
        3 => ("Q4_1", 32, 20),
        6 => ("Q5_0", 32, 22),
        7 => ("Q5_1", 32, 24),
        8 => ("Q8_0", 32, 34),
        9 => ("Q8_1", 32, 36),
        10 => ("Q2_K", 256, 84),
        11 => ("Q3_K", 256, 110),
        12 => ("Q4_K", 256, 144),
        13 => ("Q5_K", 256, 176),
        14 => ("Q6_K", 256, 210),
        15 => ("Q8_K", 256, 292),
        16 => ("IQ2_XXS", 256, 66),
        17 => ("IQ2_XS", 256, 74),
        18 => ("IQ3_XXS", 256, 98),
        19 => ("IQ1_S", 256, 50),
        20 => ("IQ4_NL", 32, 18),
        21 => ("IQ3_S", 256, 110),
        22 => ("IQ2_S", 256, 82),
        23 => ("IQ4_XS", 256, 136),
        24 => ("I8", 1, 1),
        25 => ("I16", 1, 2),
        26 => ("I32", 1, 4),
        27 => ("I64", 1, 8),
        28 => ("F64", 1, 8),
        29 => ("IQ1_M", 256, 56),
        30 => ("BF16", 1, 2),
        34 => ("TQ1_0", 256, 54),
        35 => ("TQ2_0", 256, 66),
        39 => ("MXFP4", 32, 17),
        40 => ("NVFP4", 64, 36),
        41 => ("Q1_0", 128, 18),
        _ => return None,
    };
    Some(GgmlType {
        name,
        block_size,
        type_size,
    })
}

/// The name of a `general.file_type` value (llama.cpp's `enum llama_ftype`, as `llama-quantize` names
/// the types: `Q4_K_M` for `LLAMA_FTYPE_MOSTLY_Q4_K_M`), or `None` for a value this table does not know
/// (callers report the number). Values 4 and 33–35 are retired but still occur in older files.
pub fn file_type_name(ftype: u32) -> Option<&'static str> {
    Some(match ftype {
        0 => "F32",
        1 => "F16",
        2 => "Q4_0",
        3 => "Q4_1",
        4 => "Q4_1_SOME_F16",
        7 => "Q8_0",
        8 => "Q5_0",
        9 => "Q5_1",
        10 => "Q2_K",
        11 => "Q3_K_S",
        12 => "Q3_K_M",
        13 => "Q3_K_L",
        14 => "Q4_K_S",
        15 => "Q4_K_M",
        16 => "Q5_K_S",
        17 => "Q5_K_M",
        18 => "Q6_K",
        19 => "IQ2_XXS",
        20 => "IQ2_XS",
        21 => "Q2_K_S",
        22 => "IQ3_XS",
        23 => "IQ3_XXS",
        24 => "IQ1_S",
        25 => "IQ4_NL",
        26 => "IQ3_S",
        27 => "IQ3_M",
        28 => "IQ2_S",
        29 => "IQ2_M",
        30 => "IQ4_XS",
        31 => "IQ1_M",
        32 => "BF16",
        33 => "Q4_0_4_4",
        34 => "Q4_0_4_8",
        35 => "Q4_0_8_8",
        36 => "TQ1_0",
        37 => "TQ2_0",
        38 => "MXFP4_MOE",
        39 => "NVFP4",
        40 => "Q1_0",
        _ => return None,
    })
}

/// `general.file_type` as reported: its name, or the number when the name is not known.
pub fn file_type_label(ftype: u32) -> String {
    file_type_name(ftype)
        .map(str::to_string)
        .unwrap_or_else(|| ftype.to_string())
}

/// Read the GGUF header of the file at `path`, `size` bytes long.
pub fn read(path: &Path, size: u64) -> Result<GgufInfo, Defect> {
    let f = open_regular(path)
        .map_err(|e| Defect::new("gguf-unreadable", format!("opening the file: {e}")))?;
    parse(BufReader::with_capacity(64 * 1024, f), size)
}

/// Read a GGUF header from `r`, positioned at the start of a file of `size` bytes. Reads at most the
/// header; seeks over what it does not keep.
pub fn parse<R: Read + Seek>(r: R, size: u64) -> Result<GgufInfo, Defect> {
    let mut src = Src { r, pos: 0, size };
    let magic: [u8; 4] = src.array()?;
    if &magic != b"GGUF" {
        return Err(Defect::at("gguf-unreadable", 0, "no GGUF magic"));
    }
    let version = src.u32()?;
    let mut info = GgufInfo {
        version,
        alignment: DEFAULT_ALIGNMENT,
        ..GgufInfo::default()
    };
    if !(2..=3).contains(&version) {
        let why = if version.swap_bytes() <= 3 {
            "big-endian GGUF is not supported".to_string()
        } else if version == 1 {
            "GGUF v1 (32-bit counts) is not parsed".to_string()
        } else {
            format!("GGUF version {version} is not parsed (v2 and v3 are)")
        };
        info.defects
            .push(Defect::at("gguf-unsupported-version", 4, why));
        return Ok(info);
    }
    info.tensor_count = src.u64()?;
    info.kv_count = src.u64()?;
    if info.tensor_count > MAX_TENSORS {
        return Err(Defect::at(
            "gguf-too-many-tensors",
            8,
            format!("{} tensors; the limit is {MAX_TENSORS}", info.tensor_count),
        ));
    }
    if info.kv_count > MAX_KV {
        return Err(Defect::at(
            "gguf-too-many-kvs",
            16,
            format!("{} key-value pairs; the limit is {MAX_KV}", info.kv_count),
        ));
    }
    let mut st = State::default();
    for _ in 0..info.kv_count {
        read_kv(&mut src, &mut info, &mut st)?;
    }
    finish_kvs(&mut info, &mut st);
    let mut tensors = Vec::with_capacity(usize::try_from(info.tensor_count.min(4096)).unwrap_or(0));
    for _ in 0..info.tensor_count {
        if let Some(t) = read_tensor_info(&mut src, &mut info, &mut st)? {
            tensors.push(t);
        }
    }
    check_data(&mut tensors, src.pos, size, info.alignment, &mut st.log);
    info.defects.extend(st.log.finish());
    Ok(info)
}

/// A bounded, position-tracking reader.
struct Src<R> {
    r: R,
    pos: u64,
    size: u64,
}

fn truncated(pos: u64, what: &str) -> Defect {
    Defect::at(
        "gguf-truncated",
        pos,
        format!("the file ends inside {what}"),
    )
}

impl<R: Read + Seek> Src<R> {
    fn io(&self, e: io::Error) -> Defect {
        if e.kind() == ErrorKind::UnexpectedEof {
            truncated(self.pos, "the header")
        } else {
            Defect::at("gguf-unreadable", self.pos, format!("reading: {e}"))
        }
    }

    fn need(&self, n: u64, what: &str) -> Result<(), Defect> {
        if self.size.saturating_sub(self.pos) < n {
            Err(truncated(self.pos, what))
        } else {
            Ok(())
        }
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Defect> {
        self.need(N as u64, "the header")?;
        let mut b = [0u8; N];
        self.r.read_exact(&mut b).map_err(|e| self.io(e))?;
        self.pos += N as u64;
        Ok(b)
    }

    fn u32(&mut self) -> Result<u32, Defect> {
        self.array().map(u32::from_le_bytes)
    }

    fn u64(&mut self) -> Result<u64, Defect> {
        self.array().map(u64::from_le_bytes)
    }

    fn skip(&mut self, n: u64, what: &str) -> Result<(), Defect> {
        self.need(n, what)?;
        if n <= 64 * 1024 {
            let copied = io::copy(&mut (&mut self.r).take(n), &mut io::sink());
            let got = copied.map_err(|e| self.io(e))?;
            if got < n {
                return Err(truncated(self.pos + got, what));
            }
        } else {
            let d = i64::try_from(n).map_err(|_| truncated(self.pos, what))?;
            self.r.seek(SeekFrom::Current(d)).map_err(|e| self.io(e))?;
        }
        self.pos += n;
        Ok(())
    }

    /// A string's length, checked against the file (and, when it is to be read, [`MAX_STRING`]).
    fn string_len(&mut self, keep: bool, what: &str) -> Result<u64, Defect> {
        let at = self.pos;
        let len = self.u64()?;
        if keep && len > MAX_STRING {
            return Err(Defect::at(
                "gguf-string-too-long",
                at,
                format!("{what} is {len} bytes; the limit is {MAX_STRING}"),
            ));
        }
        self.need(len, what)?;
        Ok(len)
    }

    fn bytes(&mut self, len: u64) -> Result<Vec<u8>, Defect> {
        let v = super::read_exact_vec(&mut self.r, len).map_err(|e| self.io(e))?;
        self.pos += len;
        Ok(v)
    }

    /// Read a string of at most [`MAX_STRING`] bytes.
    fn string(&mut self, what: &str) -> Result<Vec<u8>, Defect> {
        let len = self.string_len(true, what)?;
        self.bytes(len)
    }
}

/// Per-parse bookkeeping.
#[derive(Default)]
struct State {
    log: DefectLog,
    keys: BTreeSet<String>,
    tensor_names: BTreeSet<String>,
    name_bytes: u64,
    base_models: BTreeMap<u64, GgufBaseModel>,
    dataset_names: BTreeMap<u64, String>,
    context_lengths: BTreeMap<String, u64>,
    param_overflow: bool,
}

impl State {
    /// Remember `name` in `set`; false if it was already there.
    fn remember(set: &mut BTreeSet<String>, budget: &mut u64, name: &str) -> bool {
        if set.contains(name) {
            return false;
        }
        if *budget + name.len() as u64 <= NAME_BUDGET {
            *budget += name.len() as u64;
            set.insert(name.to_string());
        }
        true
    }
}

/// A metadata value, as far as it is kept.
enum Val {
    Uint(u64),
    Int(i64),
    Other,
    Str(String),
    Strings(Vec<String>),
}

const T_STRING: u32 = 8;
const T_ARRAY: u32 = 9;

/// Size of a fixed-size value type.
fn scalar_size(t: u32) -> Option<u64> {
    Some(match t {
        0 | 1 | 7 => 1,
        2 | 3 => 2,
        4..=6 => 4,
        10..=12 => 8,
        _ => return None,
    })
}

fn type_name(t: u32) -> &'static str {
    match t {
        0 => "uint8",
        1 => "int8",
        2 => "uint16",
        3 => "int16",
        4 => "uint32",
        5 => "int32",
        6 => "float32",
        7 => "bool",
        8 => "string",
        9 => "array",
        10 => "uint64",
        11 => "int64",
        12 => "float64",
        _ => "unknown",
    }
}

/// Whether the string value of `key` is a fact we keep.
fn keeps_string(key: &str) -> bool {
    matches!(
        key,
        "general.architecture"
            | "general.name"
            | "general.license"
            | "general.license.name"
            | "general.license.link"
            | "general.source.url"
            | "general.source.repo_url"
            | "tokenizer.chat_template"
    ) || indexed(key, "general.base_model.").is_some()
        || indexed(key, "general.dataset.").is_some()
}

/// `prefix` + `N` + `.` + field → (N, field).
fn indexed<'a>(key: &'a str, prefix: &str) -> Option<(u64, &'a str)> {
    let rest = key.strip_prefix(prefix)?;
    let (n, field) = rest.split_once('.')?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((n.parse().ok()?, field))
}

fn utf8(bytes: Vec<u8>, at: u64, what: &str, log: &mut DefectLog) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            log.push(Defect::at(
                "gguf-bad-string",
                at,
                format!("{what} is not valid UTF-8"),
            ));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    }
}

fn read_kv<R: Read + Seek>(
    src: &mut Src<R>,
    info: &mut GgufInfo,
    st: &mut State,
) -> Result<(), Defect> {
    let key_at = src.pos;
    let raw = src.string("a metadata key")?;
    let key = utf8(raw, key_at, "a metadata key", &mut st.log);
    if !State::remember(&mut st.keys, &mut st.name_bytes, &key) {
        st.log.push(Defect::at(
            "gguf-duplicate-key",
            key_at,
            format!("key {key:?} appears more than once"),
        ));
    }
    let type_at = src.pos;
    let t = src.u32()?;
    let val = read_value(src, t, &key, type_at, st)?;
    apply(info, st, &key, t, val, key_at);
    Ok(())
}

fn read_value<R: Read + Seek>(
    src: &mut Src<R>,
    t: u32,
    key: &str,
    type_at: u64,
    st: &mut State,
) -> Result<Val, Defect> {
    if let Some(n) = scalar_size(t) {
        let b: [u8; 8] = match n {
            1 => pad(src.array::<1>()?),
            2 => pad(src.array::<2>()?),
            4 => pad(src.array::<4>()?),
            _ => src.array::<8>()?,
        };
        let u = u64::from_le_bytes(b);
        return Ok(match t {
            0 | 2 | 4 | 10 => Val::Uint(u),
            1 => Val::Int(u as u8 as i8 as i64),
            3 => Val::Int(u as u16 as i16 as i64),
            5 => Val::Int(u as u32 as i32 as i64),
            11 => Val::Int(u as i64),
            _ => Val::Other,
        });
    }
    match t {
        T_STRING => {
            let at = src.pos;
            if keeps_string(key) {
                let len = src.u64()?;
                if len > MAX_STRING {
                    // Too long to keep, but it can still be stepped over.
                    st.log.push(Defect::at(
                        "gguf-string-too-long",
                        at,
                        format!(
                            "value of {key:?} is {len} bytes; the limit is {MAX_STRING}; ignored"
                        ),
                    ));
                    src.skip(len, "a string value")?;
                    return Ok(Val::Other);
                }
                src.need(len, "a string value")?;
                let b = src.bytes(len)?;
                Ok(Val::Str(utf8(
                    b,
                    at,
                    &format!("value of {key:?}"),
                    &mut st.log,
                )))
            } else {
                let len = src.string_len(false, "a string value")?;
                src.skip(len, "a string value")?;
                Ok(Val::Other)
            }
        }
        T_ARRAY => {
            let et_at = src.pos;
            let et = src.u32()?;
            let count_at = src.pos;
            let count = src.u64()?;
            if count > MAX_ARRAY {
                return Err(Defect::at(
                    "gguf-array-too-long",
                    count_at,
                    format!("array {key:?} has {count} elements; the limit is {MAX_ARRAY}"),
                ));
            }
            if let Some(n) = scalar_size(et) {
                // count <= 2^24 and n <= 8: no overflow.
                src.skip(count * n, "an array")?;
                return Ok(Val::Other);
            }
            if et != T_STRING {
                return Err(Defect::at(
                    "gguf-bad-value-type",
                    et_at,
                    format!("array {key:?} has element type {et} ({})", type_name(et)),
                ));
            }
            let keep = key == "general.datasets";
            let mut kept = Vec::new();
            let mut kept_bytes = 0u64;
            for _ in 0..count {
                let at = src.pos;
                let len = src.string_len(false, "an array string")?;
                if keep && kept.len() < MAX_LIST && kept_bytes + len <= MAX_STRING {
                    kept_bytes += len;
                    let b = src.bytes(len)?;
                    kept.push(utf8(b, at, &format!("an element of {key:?}"), &mut st.log));
                } else {
                    src.skip(len, "an array string")?;
                }
            }
            Ok(if keep { Val::Strings(kept) } else { Val::Other })
        }
        _ => Err(Defect::at(
            "gguf-bad-value-type",
            type_at,
            format!("key {key:?} has unknown value type {t}"),
        )),
    }
}

fn pad<const N: usize>(b: [u8; N]) -> [u8; 8] {
    let mut out = [0u8; 8];
    out[..N].copy_from_slice(&b);
    out
}

/// Record a key-value pair's fact, if it is one we keep.
fn apply(info: &mut GgufInfo, st: &mut State, key: &str, t: u32, val: Val, at: u64) {
    let wrong = |st: &mut State, want: &str| {
        st.log.push(Defect::at(
            "gguf-bad-metadata-type",
            at,
            format!("{key:?} should be {want} but is {}", type_name(t)),
        ));
    };
    let uint = |v: &Val| match *v {
        Val::Uint(u) => Some(u),
        Val::Int(i) => u64::try_from(i).ok(),
        _ => None,
    };
    if keeps_string(key) {
        let Val::Str(s) = val else {
            if t != T_STRING {
                wrong(st, "a string");
            }
            return;
        };
        let slot = match key {
            "general.architecture" => &mut info.architecture,
            "general.name" => &mut info.name,
            "general.license" => &mut info.license,
            "general.license.name" => &mut info.license_name,
            "general.license.link" => &mut info.license_link,
            "general.source.url" => &mut info.source_url,
            "general.source.repo_url" => &mut info.source_repo_url,
            "tokenizer.chat_template" => &mut info.chat_template,
            _ => {
                if let Some((n, field)) = indexed(key, "general.base_model.") {
                    if st.base_models.len() < MAX_LIST || st.base_models.contains_key(&n) {
                        let m = st.base_models.entry(n).or_default();
                        let f = match field {
                            "name" => &mut m.name,
                            "organization" => &mut m.organization,
                            "version" => &mut m.version,
                            "repo_url" => &mut m.repo_url,
                            _ => return,
                        };
                        *f = Some(s);
                    }
                } else if let Some((n, "name")) = indexed(key, "general.dataset.") {
                    if st.dataset_names.len() < MAX_LIST {
                        st.dataset_names.insert(n, s);
                    }
                }
                return;
            }
        };
        *slot = Some(s);
        return;
    }
    match key {
        "general.datasets" => match val {
            Val::Strings(v) => info.datasets.extend(v),
            _ => wrong(st, "an array of strings"),
        },
        "general.alignment" => match uint(&val) {
            Some(a) if a.is_power_of_two() && a <= u32::MAX as u64 => {
                info.alignment = a;
                if t != 4 {
                    wrong(st, "a uint32");
                }
            }
            Some(a) => st.log.push(Defect::at(
                "gguf-bad-alignment",
                at,
                format!(
                    "general.alignment is {a}, not a power of two; {DEFAULT_ALIGNMENT} is used"
                ),
            )),
            None => st.log.push(Defect::at(
                "gguf-bad-alignment",
                at,
                format!("general.alignment is a {}, not a uint32", type_name(t)),
            )),
        },
        "general.file_type" => match uint(&val).and_then(|u| u32::try_from(u).ok()) {
            Some(u) => info.file_type = Some(u),
            None => wrong(st, "a uint32"),
        },
        _ => {
            if let Some(arch) = key.strip_suffix(".context_length") {
                if !arch.contains('.') {
                    match uint(&val) {
                        Some(u) if st.context_lengths.len() < 64 => {
                            st.context_lengths.insert(arch.to_string(), u);
                        }
                        Some(_) => {}
                        None => wrong(st, "an unsigned integer"),
                    }
                }
            }
        }
    }
}

fn finish_kvs(info: &mut GgufInfo, st: &mut State) {
    info.base_models = std::mem::take(&mut st.base_models).into_values().collect();
    for (_, d) in std::mem::take(&mut st.dataset_names) {
        info.datasets.push(d);
    }
    let mut seen = BTreeSet::new();
    info.datasets.retain(|d| seen.insert(d.clone()));
    info.context_length = info
        .architecture
        .as_deref()
        .and_then(|a| st.context_lengths.get(a).copied());
}

/// A tensor's data range, relative to the data section.
struct TensorRange {
    offset: u64,
    bytes: u64,
    name: String,
    at: u64,
}

fn read_tensor_info<R: Read + Seek>(
    src: &mut Src<R>,
    info: &mut GgufInfo,
    st: &mut State,
) -> Result<Option<TensorRange>, Defect> {
    let at = src.pos;
    let raw = src.string("a tensor name")?;
    let name = utf8(raw, at, "a tensor name", &mut st.log);
    if !State::remember(&mut st.tensor_names, &mut st.name_bytes, &name) {
        st.log.push(Defect::at(
            "gguf-duplicate-tensor",
            at,
            format!("tensor {name:?} appears more than once"),
        ));
    }
    let dims_at = src.pos;
    let n_dims = src.u32()?;
    if n_dims > MAX_DIMS {
        return Err(Defect::at(
            "gguf-too-many-dims",
            dims_at,
            format!("tensor {name:?} has {n_dims} dimensions; the limit is {MAX_DIMS}"),
        ));
    }
    let mut dims = [1u64; MAX_DIMS as usize];
    for d in dims.iter_mut().take(n_dims as usize) {
        *d = src.u64()?;
    }
    let type_id = src.u32()?;
    let offset = src.u64()?;
    let ty = ggml_type(type_id);
    let qname = ty.map_or_else(|| format!("TYPE_{type_id}"), |t| t.name.to_string());
    *info.quantizations.entry(qname).or_insert(0) += 1;
    let shape = &dims[..n_dims as usize];
    let Some(numel) = dims.iter().try_fold(1u64, |a, &d| a.checked_mul(d)) else {
        st.log.push(Defect::at(
            "gguf-shape-overflow",
            dims_at,
            format!("tensor {name:?}: the element count of {shape:?} overflows 64 bits"),
        ));
        return Ok(None);
    };
    match info.parameters.checked_add(numel) {
        Some(p) => info.parameters = p,
        None => {
            info.parameters = u64::MAX;
            if !st.param_overflow {
                st.param_overflow = true;
                st.log.push(Defect::new(
                    "gguf-shape-overflow",
                    "the total parameter count overflows 64 bits",
                ));
            }
        }
    }
    let Some(ty) = ty else {
        st.log.push(Defect::at(
            "gguf-unknown-type",
            at,
            format!("tensor {name:?} has unknown ggml type {type_id}"),
        ));
        return Ok(None);
    };
    if dims[0] % ty.block_size != 0 {
        st.log.push(Defect::at(
            "gguf-bad-tensor-shape",
            dims_at,
            format!(
                "tensor {name:?}: first dimension {} is not a multiple of {}'s block size {}",
                dims[0], ty.name, ty.block_size
            ),
        ));
        return Ok(None);
    }
    let Some(bytes) = (numel / ty.block_size).checked_mul(ty.type_size) else {
        st.log.push(Defect::at(
            "gguf-shape-overflow",
            dims_at,
            format!(
                "tensor {name:?}: the byte size of {shape:?} x {} overflows 64 bits",
                ty.name
            ),
        ));
        return Ok(None);
    };
    Ok(Some(TensorRange {
        offset,
        bytes,
        name,
        at,
    }))
}

/// The data section starts at the first multiple of the alignment after the tensor infos; every tensor
/// must be aligned within it, inside the file, and not overlap another.
fn check_data(
    tensors: &mut [TensorRange],
    header_end: u64,
    size: u64,
    align: u64,
    log: &mut DefectLog,
) {
    let data_start = header_end.div_ceil(align).saturating_mul(align);
    tensors.sort_by_key(|t| (t.offset, t.bytes));
    let mut prev: Option<(u64, &str)> = None;
    for t in tensors.iter() {
        if t.offset % align != 0 {
            log.push(Defect::at(
                "gguf-misaligned-tensor",
                t.at,
                format!(
                    "tensor {:?}: data offset {} is not a multiple of {align}",
                    t.name, t.offset
                ),
            ));
        }
        let end = data_start
            .checked_add(t.offset)
            .and_then(|s| s.checked_add(t.bytes));
        if end.is_none_or(|e| e > size) {
            log.push(Defect::at(
                "gguf-tensor-out-of-bounds",
                t.at,
                format!(
                    "tensor {:?}: {} bytes at data offset {} go beyond the end of the file ({size} bytes, \
                     data from {data_start})",
                    t.name, t.bytes, t.offset
                ),
            ));
        }
        if let Some((pend, pname)) = prev {
            if t.offset < pend {
                log.push(Defect::at(
                    "gguf-tensor-overlap",
                    t.at,
                    format!("tensor {:?} overlaps tensor {pname:?}", t.name),
                ));
            }
        }
        let end_rel = t.offset.saturating_add(t.bytes);
        if prev.is_none_or(|(pend, _)| end_rel > pend) {
            prev = Some((end_rel, &t.name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn fixture() -> Vec<u8> {
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/formats/tiny.gguf"))
            .unwrap()
    }

    fn parse_bytes(b: &[u8]) -> Result<GgufInfo, Defect> {
        parse(Cursor::new(b), b.len() as u64)
    }

    fn codes(i: &GgufInfo) -> Vec<&'static str> {
        i.defects.iter().map(|d| d.code).collect()
    }

    /// A GGUF v3 file built in code.
    #[derive(Default)]
    struct G {
        kvs: Vec<u8>,
        n_kv: u64,
        tensors: Vec<u8>,
        n_t: u64,
        data: Vec<u8>,
    }

    fn s(v: &mut Vec<u8>, x: &str) {
        v.extend((x.len() as u64).to_le_bytes());
        v.extend(x.as_bytes());
    }

    impl G {
        fn kv_str(mut self, k: &str, val: &str) -> Self {
            s(&mut self.kvs, k);
            self.kvs.extend(8u32.to_le_bytes());
            s(&mut self.kvs, val);
            self.n_kv += 1;
            self
        }
        fn kv_u32(mut self, k: &str, val: u32) -> Self {
            s(&mut self.kvs, k);
            self.kvs.extend(4u32.to_le_bytes());
            self.kvs.extend(val.to_le_bytes());
            self.n_kv += 1;
            self
        }
        fn kv_raw(mut self, k: &str, ty: u32, raw: &[u8]) -> Self {
            s(&mut self.kvs, k);
            self.kvs.extend(ty.to_le_bytes());
            self.kvs.extend(raw);
            self.n_kv += 1;
            self
        }
        fn tensor(mut self, name: &str, dims: &[u64], ty: u32, offset: u64) -> Self {
            s(&mut self.tensors, name);
            self.tensors.extend((dims.len() as u32).to_le_bytes());
            for d in dims {
                self.tensors.extend(d.to_le_bytes());
            }
            self.tensors.extend(ty.to_le_bytes());
            self.tensors.extend(offset.to_le_bytes());
            self.n_t += 1;
            self
        }
        fn data(mut self, n: usize) -> Self {
            self.data = vec![0; n];
            self
        }
        fn build_with_counts(&self, n_t: u64, n_kv: u64) -> Vec<u8> {
            let mut v = b"GGUF".to_vec();
            v.extend(3u32.to_le_bytes());
            v.extend(n_t.to_le_bytes());
            v.extend(n_kv.to_le_bytes());
            v.extend(&self.kvs);
            v.extend(&self.tensors);
            if !self.data.is_empty() {
                v.resize(v.len().div_ceil(32) * 32, 0);
                v.extend(&self.data);
            }
            v
        }
        fn build(&self) -> Vec<u8> {
            self.build_with_counts(self.n_t, self.n_kv)
        }
    }

    #[test]
    fn fixture_facts() {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/formats/tiny.gguf");
        let i = read(&p, std::fs::metadata(&p).unwrap().len()).unwrap();
        assert!(i.defects.is_empty(), "{:?}", i.defects);
        assert_eq!(i.version, 3);
        assert_eq!(i.tensor_count, 3);
        assert_eq!(i.kv_count, 17);
        assert_eq!(i.parameters, 76);
        assert_eq!(i.architecture.as_deref(), Some("llama"));
        assert_eq!(i.name.as_deref(), Some("aibom tiny fixture"));
        assert_eq!(i.license.as_deref(), Some("apache-2.0"));
        assert_eq!(i.license_name, None);
        assert_eq!(
            i.base_models,
            [GgufBaseModel {
                name: Some("Tiny Base".into()),
                organization: Some("Aibom Fixtures".into()),
                version: None,
                repo_url: Some("https://huggingface.co/aibom-fixtures/tiny-base".into()),
            }]
        );
        assert_eq!(
            i.source_repo_url.as_deref(),
            Some("https://github.com/aibom-fixtures/tiny")
        );
        assert_eq!(
            i.datasets,
            [
                "aibom-fixtures/tiny-corpus",
                "aibom-fixtures/tiny-instructions"
            ]
        );
        assert_eq!(i.context_length, Some(2048));
        assert_eq!(i.file_type, Some(7));
        assert_eq!(
            i.quantizations,
            BTreeMap::from([("F16".into(), 1), ("F32".into(), 1), ("Q8_0".into(), 1)])
        );
        assert!(i
            .chat_template
            .as_deref()
            .unwrap()
            .starts_with("{% for m in messages %}"));
        assert_eq!(i.alignment, 64);
    }

    #[test]
    fn file_type_names_follow_llama_ftype() {
        for (v, n) in [
            (0, "F32"),
            (1, "F16"),
            (2, "Q4_0"),
            (7, "Q8_0"),
            (10, "Q2_K"),
            (15, "Q4_K_M"),
            (18, "Q6_K"),
            (21, "Q2_K_S"),
            (30, "IQ4_XS"),
            (32, "BF16"),
            (36, "TQ1_0"),
            (38, "MXFP4_MOE"),
        ] {
            assert_eq!(file_type_name(v), Some(n), "{v}");
        }
        // Retired values in the middle of the enum (Q4_2, Q4_3) and values past its end are numbers.
        assert_eq!(file_type_name(5), None);
        assert_eq!(file_type_label(6), "6");
        assert_eq!(file_type_label(1024), "1024");
        assert_eq!(file_type_label(15), "Q4_K_M");
    }

    #[test]
    fn fixture_truncated_at_every_offset_never_panics() {
        let f = fixture();
        let start = std::time::Instant::now();
        for n in 0..f.len() {
            // Both the bytes and the size say the file is shorter.
            match parse(Cursor::new(&f[..n]), n as u64) {
                // Only the padding after the last tensor can go without a defect.
                Ok(i) => assert!(
                    !i.defects.is_empty() || n + 64 > f.len(),
                    "truncated at {n} but no defect"
                ),
                Err(e) => assert!(
                    ["gguf-truncated", "gguf-unreadable"].contains(&e.code),
                    "{n}: {e}"
                ),
            }
            // The size is right but the bytes end early (file shrank after it was listed).
            let _ = parse(Cursor::new(&f[..n]), f.len() as u64);
        }
        assert!(start.elapsed().as_secs() < 10);
    }

    #[test]
    fn string_length_2_pow_62_is_rejected_without_allocating() {
        let mut f = G::default().build_with_counts(0, 1);
        f.extend((1u64 << 62).to_le_bytes());
        f.extend(b"general.name");
        assert_eq!(parse_bytes(&f).unwrap_err().code, "gguf-string-too-long");
        // As a value that is skipped, the file bounds stop it.
        let f = G::default()
            .kv_raw("x.y", 8, &(1u64 << 62).to_le_bytes())
            .build();
        assert_eq!(parse_bytes(&f).unwrap_err().code, "gguf-truncated");
        // As a kept value, it is too long.
        let f = G::default()
            .kv_raw("general.name", 8, &(1u64 << 62).to_le_bytes())
            .build();
        let e = parse_bytes(&f).unwrap_err();
        assert_eq!(e.code, "gguf-truncated");
    }

    #[test]
    fn long_kept_string_is_skipped_with_a_defect() {
        let big = "x".repeat((MAX_STRING + 1) as usize);
        let f = G::default()
            .kv_str("general.name", &big)
            .kv_str("general.architecture", "a")
            .build();
        let i = parse_bytes(&f).unwrap();
        assert_eq!(codes(&i), ["gguf-string-too-long"]);
        assert_eq!(i.name, None);
        assert_eq!(i.architecture.as_deref(), Some("a"));
    }

    #[test]
    fn array_count_2_pow_60_is_rejected() {
        let mut raw = 4u32.to_le_bytes().to_vec();
        raw.extend((1u64 << 60).to_le_bytes());
        let f = G::default()
            .kv_raw("tokenizer.ggml.scores", 9, &raw)
            .build();
        assert_eq!(parse_bytes(&f).unwrap_err().code, "gguf-array-too-long");
        // Within the cap but beyond the file: truncated, found without reading element by element.
        let mut raw = 4u32.to_le_bytes().to_vec();
        raw.extend((1u64 << 24).to_le_bytes());
        let f = G::default()
            .kv_raw("tokenizer.ggml.scores", 9, &raw)
            .build();
        assert_eq!(parse_bytes(&f).unwrap_err().code, "gguf-truncated");
    }

    #[test]
    fn nested_arrays_and_unknown_value_types_are_errors() {
        let mut raw = 9u32.to_le_bytes().to_vec();
        raw.extend(1u64.to_le_bytes());
        let f = G::default().kv_raw("a.b", 9, &raw).build();
        assert_eq!(parse_bytes(&f).unwrap_err().code, "gguf-bad-value-type");
        let f = G::default().kv_raw("a.b", 13, &[0; 8]).build();
        assert_eq!(parse_bytes(&f).unwrap_err().code, "gguf-bad-value-type");
    }

    #[test]
    fn tensor_count_2_pow_40_is_rejected() {
        let f = G::default().build_with_counts(1 << 40, 0);
        assert_eq!(parse_bytes(&f).unwrap_err().code, "gguf-too-many-tensors");
        let f = G::default().build_with_counts(0, 1 << 40);
        assert_eq!(parse_bytes(&f).unwrap_err().code, "gguf-too-many-kvs");
        // Within the caps but more than the file holds.
        let f = G::default().build_with_counts(1000, 0);
        assert_eq!(parse_bytes(&f).unwrap_err().code, "gguf-truncated");
    }

    #[test]
    fn non_power_of_two_alignment_is_a_defect() {
        let f = G::default()
            .kv_u32("general.alignment", 48)
            .tensor("t", &[8], 0, 0)
            .data(32)
            .build();
        let i = parse_bytes(&f).unwrap();
        assert_eq!(codes(&i), ["gguf-bad-alignment"]);
        assert_eq!(i.alignment, 32);
        let f = G::default().kv_u32("general.alignment", 0).build();
        assert_eq!(codes(&parse_bytes(&f).unwrap()), ["gguf-bad-alignment"]);
        let f = G::default().kv_str("general.alignment", "32").build();
        assert_eq!(codes(&parse_bytes(&f).unwrap()), ["gguf-bad-alignment"]);
    }

    #[test]
    fn too_many_dims_is_an_error() {
        let f = G::default().tensor("t", &[1, 1, 1, 1, 1], 0, 0).build();
        assert_eq!(parse_bytes(&f).unwrap_err().code, "gguf-too-many-dims");
    }

    #[test]
    fn tensor_checks() {
        let f = G::default()
            .tensor("a", &[8], 0, 0) // 32 bytes
            .tensor("b", &[8], 0, 16) // overlaps a, misaligned
            .tensor("c", &[33], 8, 64) // Q8_0 block is 32
            .tensor("d", &[4], 99, 64) // unknown type
            .tensor("e", &[u64::MAX, 2], 0, 64) // overflow
            .tensor("a", &[64], 0, 64) // duplicate name, past the end
            .data(64)
            .build();
        let i = parse_bytes(&f).unwrap();
        let mut c = codes(&i);
        c.sort();
        assert_eq!(
            c,
            [
                "gguf-bad-tensor-shape",
                "gguf-duplicate-tensor",
                "gguf-misaligned-tensor",
                "gguf-shape-overflow",
                "gguf-tensor-out-of-bounds",
                "gguf-tensor-overlap",
                "gguf-unknown-type",
            ]
        );
        assert_eq!(i.quantizations["TYPE_99"], 1);
        assert_eq!(i.quantizations["F32"], 4);
        assert_eq!(i.parameters, 8 + 8 + 33 + 4 + 64);
    }

    #[test]
    fn duplicate_keys_and_wrong_types() {
        let f = G::default()
            .kv_str("general.name", "a")
            .kv_str("general.name", "b")
            .kv_u32("general.license", 3)
            .kv_str("general.base_model.count", "x")
            .kv_u32("general.base_model.count", 1)
            .build();
        let i = parse_bytes(&f).unwrap();
        assert_eq!(
            codes(&i),
            [
                "gguf-duplicate-key",
                "gguf-bad-metadata-type",
                "gguf-duplicate-key"
            ]
        );
        assert_eq!(i.name.as_deref(), Some("b"));
    }

    #[test]
    fn unsupported_versions_are_described_not_parsed() {
        let mut f = b"GGUF".to_vec();
        f.extend(1u32.to_le_bytes());
        f.extend([0; 16]);
        let i = parse_bytes(&f).unwrap();
        assert_eq!(
            (i.version, codes(&i)),
            (1, vec!["gguf-unsupported-version"])
        );
        f[4..8].copy_from_slice(&3u32.to_be_bytes());
        let i = parse_bytes(&f).unwrap();
        assert!(i.defects[0].message.contains("big-endian"));
        assert_eq!(
            parse_bytes(b"GGUX\x03\0\0\0").unwrap_err().code,
            "gguf-unreadable"
        );
    }

    #[test]
    fn big_skipped_arrays_are_not_materialised() {
        let mut raw = 8u32.to_le_bytes().to_vec();
        let n = 200_000u64;
        raw.extend(n.to_le_bytes());
        for k in 0..n {
            let t = format!("tok{k}");
            raw.extend((t.len() as u64).to_le_bytes());
            raw.extend(t.as_bytes());
        }
        let f = G::default()
            .kv_raw("tokenizer.ggml.tokens", 9, &raw)
            .kv_str("general.architecture", "x")
            .build();
        let i = parse_bytes(&f).unwrap();
        assert!(i.defects.is_empty());
        assert_eq!(i.architecture.as_deref(), Some("x"));
    }
}
