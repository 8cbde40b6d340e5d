//! ONNX reader: a small hand-written protobuf wire-format parser that streams a ModelProto from disk
//! and keeps only its descriptive fields — IR version, opset imports, producer, graph inputs and
//! outputs, operator types and domains (including local functions and control-flow subgraphs),
//! initializer counts, shapes and element types, the values held by `Constant` nodes, and the
//! external-data locations of every tensor (initializers and node attributes). Large byte fields
//! (tensor `raw_data`, typed data arrays) are skipped by seeking, never loaded (packed `ints` of node
//! attributes are streamed through a small buffer, only to count them); every length is checked
//! against its enclosing message, and nesting depth and entry counts are capped. Also owns the
//! external-data location rules (CVE-2024-27318: absolute paths or `..` read files outside the model)
//! and the names given to ONNX element types.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, BufReader, ErrorKind, Read, Seek, SeekFrom};
use std::path::Path;

use serde::Serialize;

use super::{open_regular, Defect, DefectLog};

/// Deepest message nesting followed (model → graph → node → attribute → subgraph → …).
pub const MAX_DEPTH: u32 = 32;
/// Most nodes plus initializers (all graphs and functions together).
pub const MAX_ENTRIES: u64 = 10_000_000;
/// Longest doc string kept.
pub const DOC_KEEP: usize = 1024;
/// Longest name or other string kept (longer ones are cut).
const STRING_KEEP: usize = 4096;
/// Most graph inputs / outputs / opsets / external locations / op types listed.
const MAX_LIST: usize = 10_000;
/// Most distinct element types kept apart; elements of further (undefined) types are counted under
/// [`OTHER_DTYPES`].
const MAX_DTYPES: usize = 64;
/// Where elements of element types beyond `MAX_DTYPES` distinct ones are counted.
pub const OTHER_DTYPES: &str = "ONNX_TYPE_OTHER";

/// Facts from an ONNX ModelProto.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OnnxInfo {
    pub ir_version: Option<u64>,
    /// Opset imports: (domain, version); `""` is the default `ai.onnx` domain.
    pub opsets: Vec<(String, u64)>,
    pub producer_name: Option<String>,
    pub producer_version: Option<String>,
    pub domain: Option<String>,
    pub model_version: Option<u64>,
    /// The model's doc string, first [`DOC_KEEP`] bytes.
    pub doc_string: Option<String>,
    /// Name of the main graph.
    pub graph_name: Option<String>,
    /// Main graph input names.
    pub inputs: Vec<String>,
    /// Main graph output names.
    pub outputs: Vec<String>,
    /// Nodes in all graphs, subgraphs and functions.
    pub nodes: u64,
    /// Initializers, dense and sparse, in the main graph and in every subgraph (If / Loop / Scan
    /// bodies, also those inside local functions).
    pub initializers: u64,
    /// Σ over those initializers of the product of their dims (a sparse initializer counts its dense
    /// shape). Values held by `Constant` nodes are not parameters: see [`OnnxInfo::constant_values`].
    pub parameters: u64,
    /// Element type ([`dtype_name`]) → the initializer elements of that type; sums to `parameters`.
    pub dtypes: BTreeMap<String, u64>,
    /// `Constant` nodes (domain `""` or `ai.onnx`) in all graphs, subgraphs and functions.
    pub constants: u64,
    /// Values those `Constant` nodes hold: the element count of `value` (a tensor) or `sparse_value`
    /// (its dense shape), the length of `value_floats` / `value_ints` / `value_strings`, and 1 for
    /// `value_float` / `value_int` / `value_string`.
    pub constant_values: u64,
    /// External data locations of all tensors (initializers, sparse initializers' parts, node
    /// attribute tensors), sorted and unique, as written in the file.
    pub external_data: Vec<String>,
    /// Node and function domains other than the standard ONNX ones, sorted.
    pub custom_domains: Vec<String>,
    /// Operator → node count; operators of non-default domains are written `domain:op_type`.
    pub op_types: BTreeMap<String, u64>,
    pub defects: Vec<Defect>,
}

/// Whether a node domain is one the ONNX runtime spec defines.
pub fn is_standard_domain(d: &str) -> bool {
    matches!(
        d,
        "" | "ai.onnx" | "ai.onnx.ml" | "ai.onnx.training" | "ai.onnx.preview.training"
    )
}

/// The name of an ONNX `TensorProto.DataType`: the safetensors name where safetensors defines the same
/// element type (`FLOAT` is `F32`, `INT64` is `I64`, `FLOAT8E4M3FN` is `F8_E4M3`, …), so that dtypes
/// read from both formats compare; otherwise the ONNX enum name (`STRING`, `COMPLEX128`, `INT4`,
/// `FLOAT8E5M2FNUZ`, …, as of onnx 1.23), and `ONNX_TYPE_<n>` for a number ONNX does not define.
pub fn dtype_name(data_type: u64) -> Cow<'static, str> {
    Cow::Borrowed(match data_type {
        0 => "UNDEFINED",
        1 => "F32",
        2 => "U8",
        3 => "I8",
        4 => "U16",
        5 => "I16",
        6 => "I32",
        7 => "I64",
        8 => "STRING",
        9 => "BOOL",
        10 => "F16",
        11 => "F64",
        12 => "U32",
        13 => "U64",
        14 => "C64",
        15 => "COMPLEX128",
        16 => "BF16",
        17 => "F8_E4M3",
        18 => "FLOAT8E4M3FNUZ",
        19 => "F8_E5M2",
        20 => "FLOAT8E5M2FNUZ",
        21 => "UINT4",
        22 => "INT4",
        23 => "FLOAT4E2M1",
        24 => "FLOAT8E8M0",
        25 => "UINT2",
        26 => "INT2",
        27 => "FLOAT6E2M3",
        28 => "FLOAT6E3M2",
        n => return Cow::Owned(format!("ONNX_TYPE_{n}")),
    })
}

/// Read the ONNX model at `path`, `size` bytes long, streaming and skipping tensor data.
pub fn read(path: &Path, size: u64) -> Result<OnnxInfo, Defect> {
    let f = open_regular(path)
        .map_err(|e| Defect::new("onnx-unreadable", format!("opening the file: {e}")))?;
    parse(BufReader::with_capacity(64 * 1024, f), size)
}

/// Parse a ModelProto from `r`, positioned at the start of a file of `size` bytes.
pub fn parse<R: Read + Seek>(r: R, size: u64) -> Result<OnnxInfo, Defect> {
    let mut pb = Pb {
        r,
        pos: 0,
        depth: 0,
        acc: Acc::default(),
    };
    pb.model(size)?;
    let Acc {
        mut info,
        mut log,
        external,
        custom,
        saw_graph,
        ..
    } = pb.acc;
    if info.ir_version.is_none() {
        log.push(Defect::new(
            "onnx-no-ir-version",
            "the model has no ir_version",
        ));
    }
    if !saw_graph {
        log.push(Defect::new("onnx-no-graph", "the model has no graph"));
    }
    if info.opsets.is_empty() {
        log.push(Defect::new("onnx-no-opset", "the model imports no opset"));
    }
    info.external_data = external.into_iter().collect();
    info.custom_domains = custom.into_iter().collect();
    info.defects = log.finish();
    Ok(info)
}

/// Where a location must stay: relative, no `..`, inside the directory of the ONNX file.
/// `model_dir_relative_parent` is the model-relative directory of the ONNX file (`""` at the model
/// root); `exists(path)` says whether a model-relative POSIX path is a file of the model.
pub fn check_external(
    info: &OnnxInfo,
    model_dir_relative_parent: &str,
    exists: &dyn Fn(&str) -> bool,
) -> Vec<Defect> {
    let mut log = DefectLog::default();
    for loc in &info.external_data {
        let norm = loc.replace('\\', "/");
        let b = norm.as_bytes();
        let absolute = norm.starts_with('/') || (b.len() >= 2 && b[1] == b':');
        let parts: Vec<&str> = norm
            .split('/')
            .filter(|p| !p.is_empty() && *p != ".")
            .collect();
        if loc.is_empty() {
            log.push(Defect::new(
                "onnx-external-data-missing",
                "an external data location is empty",
            ));
            continue;
        }
        if absolute || parts.contains(&"..") {
            log.push(Defect::new(
                "onnx-external-data-outside",
                format!("external data location {loc:?} is absolute or leaves the model directory"),
            ));
            continue;
        }
        let mut path = model_dir_relative_parent.trim_matches('/').to_string();
        for p in parts {
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(p);
        }
        if !exists(&path) {
            log.push(Defect::new(
                "onnx-external-data-missing",
                format!("external data location {loc:?} ({path:?}) is not a file of the model"),
            ));
        }
    }
    log.finish()
}

#[derive(Default)]
struct Acc {
    info: OnnxInfo,
    log: DefectLog,
    external: BTreeSet<String>,
    custom: BTreeSet<String>,
    entries: u64,
    saw_graph: bool,
    count_overflow: bool,
}

/// What a TensorProto or SparseTensorProto says about itself.
struct Tensor {
    /// Where its message starts.
    start: u64,
    /// Elements (the product of its dims, the dense shape for a sparse tensor); `None` if a dimension
    /// is negative or the product overflows.
    numel: Option<u64>,
    data_type: u64,
    name: String,
}

/// What one node attribute holds, as far as `Constant` nodes need it.
#[derive(Default)]
struct Attr {
    name: String,
    /// Element count of `t` / of `sparse_tensor` (dense shape), when present.
    t: Option<u64>,
    sparse: Option<u64>,
    /// Whether `f`, `i`, `s` are present.
    f: bool,
    i: bool,
    s: bool,
    /// Lengths of `floats`, `ints`, `strings`.
    floats: u64,
    ints: u64,
    strings: u64,
}

impl Attr {
    /// Values this attribute gives a `Constant` node, by the attribute names the operator defines.
    fn constant_values(&self) -> u64 {
        match self.name.as_str() {
            "value" => self.t.unwrap_or(0),
            "sparse_value" => self.sparse.unwrap_or(0),
            "value_float" => u64::from(self.f),
            "value_int" => u64::from(self.i),
            "value_string" => u64::from(self.s),
            "value_floats" => self.floats,
            "value_ints" => self.ints,
            "value_strings" => self.strings,
            _ => 0,
        }
    }
}

/// Protobuf wire types.
const VARINT: u8 = 0;
const I64: u8 = 1;
const LEN: u8 = 2;
const I32: u8 = 5;

/// The streaming protobuf reader and what it has found.
struct Pb<R> {
    r: R,
    pos: u64,
    depth: u32,
    acc: Acc,
}

fn malformed(pos: u64, what: impl Into<String>) -> Defect {
    Defect::at("onnx-malformed", pos, what)
}

impl<R: Read + Seek> Pb<R> {
    fn io(&self, e: io::Error) -> Defect {
        if e.kind() == ErrorKind::UnexpectedEof {
            malformed(
                self.pos,
                "the file ends early (it shrank after it was listed?)",
            )
        } else {
            Defect::at("onnx-unreadable", self.pos, format!("reading: {e}"))
        }
    }

    fn byte(&mut self, end: u64) -> Result<u8, Defect> {
        if self.pos >= end {
            return Err(malformed(
                self.pos,
                "a varint runs past the end of its message",
            ));
        }
        let mut b = [0u8];
        self.r.read_exact(&mut b).map_err(|e| self.io(e))?;
        self.pos += 1;
        Ok(b[0])
    }

    fn varint(&mut self, end: u64) -> Result<u64, Defect> {
        let at = self.pos;
        let mut v = 0u64;
        for i in 0..10 {
            let b = self.byte(end)?;
            if i == 9 && b > 1 {
                break;
            }
            v |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(malformed(at, "a varint is longer than 64 bits"))
    }

    fn key(&mut self, end: u64) -> Result<(u64, u8), Defect> {
        let at = self.pos;
        let k = self.varint(end)?;
        let (field, wire) = (k >> 3, (k & 7) as u8);
        if field == 0 || field > (1 << 29) - 1 {
            return Err(malformed(at, format!("invalid field number {field}")));
        }
        Ok((field, wire))
    }

    /// Read a length prefix and return where the field ends, checked against `end`.
    fn len(&mut self, end: u64) -> Result<u64, Defect> {
        let at = self.pos;
        let n = self.varint(end)?;
        if n > end - self.pos {
            return Err(Defect::at(
                "onnx-length-out-of-bounds",
                at,
                format!(
                    "a field claims {n} bytes but only {} remain in its message",
                    end - self.pos
                ),
            ));
        }
        Ok(self.pos + n)
    }

    /// Skip to `to` (<= the current message end, already checked).
    fn skip_to(&mut self, to: u64) -> Result<(), Defect> {
        let n = to - self.pos;
        if n <= 64 * 1024 {
            let copied = io::copy(&mut (&mut self.r).take(n), &mut io::sink());
            let got = copied.map_err(|e| self.io(e))?;
            if got < n {
                return Err(self.io(ErrorKind::UnexpectedEof.into()));
            }
        } else {
            let d = i64::try_from(n).map_err(|_| malformed(self.pos, "skip too large"))?;
            self.r.seek(SeekFrom::Current(d)).map_err(|e| self.io(e))?;
        }
        self.pos = to;
        Ok(())
    }

    fn skip(&mut self, wire: u8, end: u64) -> Result<(), Defect> {
        let at = self.pos;
        let to = match wire {
            VARINT => return self.varint(end).map(drop),
            I64 => self.pos.saturating_add(8),
            I32 => self.pos.saturating_add(4),
            LEN => self.len(end)?,
            _ => return Err(malformed(at, format!("unsupported wire type {wire}"))),
        };
        if to > end {
            return Err(Defect::at(
                "onnx-length-out-of-bounds",
                at,
                "a fixed-size field runs past the end of its message",
            ));
        }
        self.skip_to(to)
    }

    fn expect(&self, wire: u8, want: u8, field: u64) -> Result<(), Defect> {
        if wire == want {
            Ok(())
        } else {
            Err(malformed(
                self.pos,
                format!("field {field} has wire type {wire}, expected {want}"),
            ))
        }
    }

    /// A string field: keep its first `keep` bytes, skip the rest.
    fn string(&mut self, wire: u8, field: u64, end: u64, keep: usize) -> Result<String, Defect> {
        self.expect(wire, LEN, field)?;
        let to = self.len(end)?;
        let n = (to - self.pos).min(keep as u64);
        let b = super::read_exact_vec(&mut self.r, n).map_err(|e| self.io(e))?;
        self.pos += n;
        self.skip_to(to)?;
        Ok(String::from_utf8_lossy(&b).into_owned())
    }

    fn uint(&mut self, wire: u8, field: u64, end: u64) -> Result<u64, Defect> {
        self.expect(wire, VARINT, field)?;
        self.varint(end)
    }

    /// Enter a length-delimited sub-message; returns its end.
    fn enter(&mut self, wire: u8, field: u64, end: u64) -> Result<u64, Defect> {
        self.expect(wire, LEN, field)?;
        let at = self.pos;
        let to = self.len(end)?;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Defect::at(
                "onnx-too-deep",
                at,
                format!("messages nest deeper than {MAX_DEPTH}"),
            ));
        }
        Ok(to)
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn count_entry(&mut self) -> Result<(), Defect> {
        self.acc.entries += 1;
        if self.acc.entries > MAX_ENTRIES {
            return Err(Defect::at(
                "onnx-too-many-entries",
                self.pos,
                format!("more than {MAX_ENTRIES} nodes and initializers"),
            ));
        }
        Ok(())
    }

    fn model(&mut self, end: u64) -> Result<(), Defect> {
        while self.pos < end {
            let (field, wire) = self.key(end)?;
            match field {
                1 => self.acc.info.ir_version = Some(self.uint(wire, field, end)?),
                2 => {
                    self.acc.info.producer_name =
                        Some(self.string(wire, field, end, STRING_KEEP)?)
                }
                3 => {
                    self.acc.info.producer_version =
                        Some(self.string(wire, field, end, STRING_KEEP)?)
                }
                4 => self.acc.info.domain = Some(self.string(wire, field, end, STRING_KEEP)?),
                5 => self.acc.info.model_version = Some(self.uint(wire, field, end)?),
                6 => self.acc.info.doc_string = Some(self.string(wire, field, end, DOC_KEEP)?),
                7 => {
                    let to = self.enter(wire, field, end)?;
                    self.acc.saw_graph = true;
                    self.graph(to, true)?;
                    self.leave();
                }
                8 => {
                    let to = self.enter(wire, field, end)?;
                    let op = self.opset(to)?;
                    if self.acc.info.opsets.len() < MAX_LIST {
                        self.acc.info.opsets.push(op);
                    }
                    self.leave();
                }
                25 => {
                    let to = self.enter(wire, field, end)?;
                    self.function(to)?;
                    self.leave();
                }
                _ => self.skip(wire, end)?,
            }
        }
        Ok(())
    }

    fn opset(&mut self, end: u64) -> Result<(String, u64), Defect> {
        let (mut domain, mut version) = (String::new(), 0);
        while self.pos < end {
            let (field, wire) = self.key(end)?;
            match field {
                1 => domain = self.string(wire, field, end, STRING_KEEP)?,
                2 => version = self.uint(wire, field, end)?,
                _ => self.skip(wire, end)?,
            }
        }
        Ok((domain, version))
    }

    fn graph(&mut self, end: u64, main: bool) -> Result<(), Defect> {
        while self.pos < end {
            let (field, wire) = self.key(end)?;
            match field {
                1 => {
                    let to = self.enter(wire, field, end)?;
                    self.node(to)?;
                    self.leave();
                }
                2 if main => {
                    self.acc.info.graph_name = Some(self.string(wire, field, end, STRING_KEEP)?)
                }
                5 | 15 => {
                    self.count_entry()?;
                    let to = self.enter(wire, field, end)?;
                    let t = if field == 5 {
                        self.tensor(to)?
                    } else {
                        self.sparse_tensor(to)?
                    };
                    self.leave();
                    self.initializer(t);
                }
                11 | 12 if main => {
                    let to = self.enter(wire, field, end)?;
                    let name = self.value_info_name(to)?;
                    self.leave();
                    let list = if field == 11 {
                        &mut self.acc.info.inputs
                    } else {
                        &mut self.acc.info.outputs
                    };
                    if list.len() < MAX_LIST {
                        list.push(name);
                    }
                }
                _ => self.skip(wire, end)?,
            }
        }
        Ok(())
    }

    fn value_info_name(&mut self, end: u64) -> Result<String, Defect> {
        let mut name = String::new();
        while self.pos < end {
            let (field, wire) = self.key(end)?;
            match field {
                1 => name = self.string(wire, field, end, STRING_KEEP)?,
                _ => self.skip(wire, end)?,
            }
        }
        Ok(name)
    }

    fn note_domain(&mut self, domain: &str) {
        if !is_standard_domain(domain) && self.acc.custom.len() < MAX_LIST {
            self.acc.custom.insert(domain.to_string());
        }
    }

    fn node(&mut self, end: u64) -> Result<(), Defect> {
        self.count_entry()?;
        self.acc.info.nodes += 1;
        let (mut op, mut domain) = (String::new(), String::new());
        // Values the node would hold if it is a Constant: op_type and domain may come in any order
        // relative to the attributes, so this is decided at the end.
        let mut held = 0u64;
        while self.pos < end {
            let (field, wire) = self.key(end)?;
            match field {
                4 => op = self.string(wire, field, end, STRING_KEEP)?,
                7 => domain = self.string(wire, field, end, STRING_KEEP)?,
                5 => {
                    let to = self.enter(wire, field, end)?;
                    let a = self.attribute(to)?;
                    self.leave();
                    held = held.saturating_add(a.constant_values());
                }
                _ => self.skip(wire, end)?,
            }
        }
        self.note_domain(&domain);
        let standard = domain.is_empty() || domain == "ai.onnx";
        if standard && op == "Constant" {
            self.acc.info.constants += 1;
            let total = self.acc.info.constant_values;
            self.acc.info.constant_values = self.add_count(total, held, "constant value");
        }
        let key = if standard {
            op
        } else {
            format!("{domain}:{op}")
        };
        let ops = &mut self.acc.info.op_types;
        if let Some(n) = ops.get_mut(&key) {
            *n += 1;
        } else if ops.len() < MAX_LIST {
            ops.insert(key, 1);
        }
        Ok(())
    }

    fn attribute(&mut self, end: u64) -> Result<Attr, Defect> {
        let mut a = Attr::default();
        while self.pos < end {
            let (field, wire) = self.key(end)?;
            match field {
                // Only compared with the `value*` names.
                1 => a.name = self.string(wire, field, end, 64)?,
                2 => {
                    self.expect(wire, I32, field)?;
                    self.skip(wire, end)?;
                    a.f = true;
                }
                3 => {
                    self.uint(wire, field, end)?;
                    a.i = true;
                }
                4 => {
                    self.expect(wire, LEN, field)?;
                    self.skip(wire, end)?;
                    a.s = true;
                }
                5 | 10 => {
                    let to = self.enter(wire, field, end)?;
                    let t = self.tensor(to)?;
                    self.leave();
                    let n = self.attribute_numel(&t);
                    if field == 5 {
                        a.t = Some(n);
                    }
                }
                // g (one subgraph) and graphs (several): control-flow bodies.
                6 | 11 => {
                    let to = self.enter(wire, field, end)?;
                    self.graph(to, false)?;
                    self.leave();
                }
                // floats: packed (4 bytes each) or one fixed32 per occurrence.
                7 => {
                    let n = if wire == LEN {
                        let at = self.pos;
                        let to = self.len(end)?;
                        if (to - self.pos) % 4 != 0 {
                            return Err(malformed(
                                at,
                                "packed floats are not a multiple of 4 bytes",
                            ));
                        }
                        let n = (to - self.pos) / 4;
                        self.skip_to(to)?;
                        n
                    } else {
                        self.expect(wire, I32, field)?;
                        self.skip(wire, end)?;
                        1
                    };
                    a.floats = a.floats.saturating_add(n);
                }
                // ints: packed varints or one varint per occurrence.
                8 => {
                    let n = if wire == LEN {
                        let to = self.len(end)?;
                        self.count_varints(to)?
                    } else {
                        self.uint(wire, field, end)?;
                        1
                    };
                    a.ints = a.ints.saturating_add(n);
                }
                9 => {
                    self.expect(wire, LEN, field)?;
                    self.skip(wire, end)?;
                    a.strings += 1;
                }
                22 | 23 => {
                    let to = self.enter(wire, field, end)?;
                    let t = self.sparse_tensor(to)?;
                    self.leave();
                    let n = self.attribute_numel(&t);
                    if field == 22 {
                        a.sparse = Some(n);
                    }
                }
                _ => self.skip(wire, end)?,
            }
        }
        Ok(a)
    }

    /// The element count of a tensor in a node attribute; 0, and a defect, if its dims are bad.
    fn attribute_numel(&mut self, t: &Tensor) -> u64 {
        match t.numel {
            Some(n) => n,
            None => {
                self.acc.log.push(Defect::at(
                    "onnx-bad-dims",
                    t.start,
                    format!(
                        "tensor {:?} in a node attribute has a negative dimension or too many elements",
                        t.name
                    ),
                ));
                0
            }
        }
    }

    /// Count the varints in a packed field ending at `to`, reading it in small pieces.
    fn count_varints(&mut self, to: u64) -> Result<u64, Defect> {
        let at = self.pos;
        let mut buf = [0u8; 8192];
        let (mut n, mut last) = (0u64, 0u8);
        while self.pos < to {
            let k = usize::try_from(to - self.pos).map_or(buf.len(), |r| r.min(buf.len()));
            self.r.read_exact(&mut buf[..k]).map_err(|e| self.io(e))?;
            self.pos += k as u64;
            n += buf[..k].iter().filter(|b| **b & 0x80 == 0).count() as u64;
            last = buf[k - 1];
        }
        if last & 0x80 != 0 {
            return Err(malformed(at, "packed varints end inside a varint"));
        }
        Ok(n)
    }

    fn function(&mut self, end: u64) -> Result<(), Defect> {
        while self.pos < end {
            let (field, wire) = self.key(end)?;
            match field {
                7 => {
                    let to = self.enter(wire, field, end)?;
                    self.node(to)?;
                    self.leave();
                }
                10 => {
                    let d = self.string(wire, field, end, STRING_KEEP)?;
                    self.note_domain(&d);
                }
                _ => self.skip(wire, end)?,
            }
        }
        Ok(())
    }

    /// `total + n`, or `u64::MAX` and (once per file) a defect when that overflows 64 bits.
    fn add_count(&mut self, total: u64, n: u64, what: &str) -> u64 {
        total.checked_add(n).unwrap_or_else(|| {
            if !self.acc.count_overflow {
                self.acc.count_overflow = true;
                self.acc.log.push(Defect::new(
                    "onnx-bad-dims",
                    format!("the total {what} count overflows 64 bits"),
                ));
            }
            u64::MAX
        })
    }

    /// Count an initializer (dense or sparse) read by [`Pb::tensor`] or [`Pb::sparse_tensor`].
    fn initializer(&mut self, t: Tensor) {
        self.acc.info.initializers += 1;
        let Some(n) = t.numel else {
            self.acc.log.push(Defect::at(
                "onnx-bad-dims",
                t.start,
                format!(
                    "initializer {:?} has a negative dimension or too many elements",
                    t.name
                ),
            ));
            return;
        };
        let total = self.acc.info.parameters;
        self.acc.info.parameters = self.add_count(total, n, "parameter");
        let dtypes = &mut self.acc.info.dtypes;
        let name = dtype_name(t.data_type);
        let key = if dtypes.len() < MAX_DTYPES || dtypes.contains_key(name.as_ref()) {
            name.into_owned()
        } else {
            OTHER_DTYPES.to_string()
        };
        let slot = dtypes.entry(key).or_insert(0);
        *slot = slot.saturating_add(n);
    }

    /// A repeated int64 `dims` field (packed or not), multiplied into `numel`; a negative dimension or
    /// an overflow makes it `None`.
    fn dims(
        &mut self,
        wire: u8,
        field: u64,
        end: u64,
        numel: &mut Option<u64>,
    ) -> Result<(), Defect> {
        let mut dim = |d: u64| {
            *numel = numel.and_then(|n| {
                if (d as i64) < 0 {
                    None
                } else {
                    n.checked_mul(d)
                }
            });
        };
        if wire == LEN {
            let to = self.len(end)?;
            while self.pos < to {
                dim(self.varint(to)?);
            }
        } else {
            dim(self.uint(wire, field, end)?);
        }
        Ok(())
    }

    /// A TensorProto: its shape, element type and name. Its external-data location, wherever the
    /// tensor sits, is recorded for [`check_external`].
    fn tensor(&mut self, end: u64) -> Result<Tensor, Defect> {
        let mut t = Tensor {
            start: self.pos,
            numel: Some(1),
            data_type: 0,
            name: String::new(),
        };
        let mut location: Option<String> = None;
        let mut external = false;
        while self.pos < end {
            let (field, wire) = self.key(end)?;
            match field {
                1 => self.dims(wire, field, end, &mut t.numel)?,
                2 => t.data_type = self.uint(wire, field, end)?,
                8 => t.name = self.string(wire, field, end, STRING_KEEP)?,
                13 => {
                    let to = self.enter(wire, field, end)?;
                    let (k, v) = self.entry(to)?;
                    self.leave();
                    if k == "location" {
                        location = Some(v);
                    }
                }
                14 => external = self.uint(wire, field, end)? == 1,
                // raw_data (9) and everything else: skipped without reading.
                _ => self.skip(wire, end)?,
            }
        }
        if let Some(l) = location {
            if self.acc.external.len() < MAX_LIST {
                self.acc.external.insert(l);
            }
        } else if external {
            self.acc.log.push(Defect::at(
                "onnx-external-data-no-location",
                t.start,
                format!(
                    "tensor {:?} is stored externally but names no location",
                    t.name
                ),
            ));
        }
        Ok(t)
    }

    /// A SparseTensorProto: its dense shape, and the element type and name of its values.
    fn sparse_tensor(&mut self, end: u64) -> Result<Tensor, Defect> {
        let mut t = Tensor {
            start: self.pos,
            numel: Some(1),
            data_type: 0,
            name: String::new(),
        };
        while self.pos < end {
            let (field, wire) = self.key(end)?;
            match field {
                1 | 2 => {
                    let to = self.enter(wire, field, end)?;
                    let part = self.tensor(to)?;
                    self.leave();
                    if field == 1 {
                        t.data_type = part.data_type;
                        t.name = part.name;
                    }
                }
                3 => self.dims(wire, field, end, &mut t.numel)?,
                _ => self.skip(wire, end)?,
            }
        }
        Ok(t)
    }

    fn entry(&mut self, end: u64) -> Result<(String, String), Defect> {
        let (mut k, mut v) = (String::new(), String::new());
        while self.pos < end {
            let (field, wire) = self.key(end)?;
            match field {
                1 => k = self.string(wire, field, end, STRING_KEEP)?,
                2 => v = self.string(wire, field, end, STRING_KEEP)?,
                _ => self.skip(wire, end)?,
            }
        }
        Ok((k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn fixture(name: &str) -> (std::path::PathBuf, u64) {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/formats")
            .join(name);
        let n = std::fs::metadata(&p).unwrap().len();
        (p, n)
    }

    fn parse_bytes(b: &[u8]) -> Result<OnnxInfo, Defect> {
        parse(Cursor::new(b), b.len() as u64)
    }

    // Protobuf encoding helpers for hostile inputs.
    fn varint(mut v: u64, out: &mut Vec<u8>) {
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }

    fn field_len(field: u64, body: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        varint(field << 3 | 2, &mut v);
        varint(body.len() as u64, &mut v);
        v.extend_from_slice(body);
        v
    }

    fn field_varint(field: u64, value: u64) -> Vec<u8> {
        let mut v = Vec::new();
        varint(field << 3, &mut v);
        varint(value, &mut v);
        v
    }

    /// A ModelProto: ir_version 8, the graph body, opset 17, then the given local functions.
    fn model(graph: &[u8], functions: &[Vec<u8>]) -> Vec<u8> {
        let mut f = field_varint(1, 8);
        f.extend(field_len(7, graph));
        f.extend(field_len(8, &field_varint(2, 17)));
        for func in functions {
            f.extend(field_len(25, func));
        }
        f
    }

    /// A TensorProto with dims (unpacked) and data type, and `raw_data` of `raw` zero bytes.
    fn tensor(dims: &[u64], data_type: u64, raw: usize) -> Vec<u8> {
        let mut t: Vec<u8> = dims.iter().flat_map(|d| field_varint(1, *d)).collect();
        t.extend(field_varint(2, data_type));
        t.extend(field_len(9, &vec![0u8; raw]));
        t
    }

    /// A NodeProto: op_type, domain and attributes (each an AttributeProto body), in that order.
    fn node(op: &str, domain: &str, attributes: &[Vec<u8>]) -> Vec<u8> {
        let mut n = field_len(4, op.as_bytes());
        n.extend(field_len(7, domain.as_bytes()));
        for a in attributes {
            n.extend(field_len(5, a));
        }
        n
    }

    /// An AttributeProto: its name, the rest of its body, then its type (`AttributeProto.AttributeType`).
    fn attr(name: &str, rest: &[u8], kind: u64) -> Vec<u8> {
        [
            field_len(1, name.as_bytes()),
            rest.to_vec(),
            field_varint(20, kind),
        ]
        .concat()
    }

    #[test]
    fn fixture_facts() {
        let (p, n) = fixture("tiny.onnx");
        let i = read(&p, n).unwrap();
        assert!(i.defects.is_empty(), "{:?}", i.defects);
        assert_eq!(i.ir_version, Some(8));
        assert_eq!(i.opsets, [(String::new(), 17)]);
        assert_eq!(i.producer_name.as_deref(), Some("aibom-fixture"));
        assert_eq!(i.producer_version.as_deref(), Some("0.1"));
        assert_eq!(i.model_version, Some(1));
        assert_eq!(
            i.doc_string.as_deref(),
            Some("Tiny fixture for aibom's ONNX reader.")
        );
        assert_eq!(i.graph_name.as_deref(), Some("tiny"));
        assert_eq!(i.inputs, ["x"]);
        assert_eq!(i.outputs, ["y"]);
        assert_eq!(i.nodes, 2);
        assert_eq!(i.initializers, 2);
        assert_eq!(i.parameters, 20);
        assert_eq!(i.dtypes, BTreeMap::from([("F32".to_string(), 20)]));
        assert_eq!((i.constants, i.constant_values), (0, 0));
        assert!(i.external_data.is_empty());
        assert!(i.custom_domains.is_empty());
        assert_eq!(
            i.op_types,
            BTreeMap::from([("Add".to_string(), 1), ("MatMul".to_string(), 1)])
        );
    }

    #[test]
    fn external_data_fixture_is_reported_outside() {
        let (p, n) = fixture("external-data.onnx");
        let i = read(&p, n).unwrap();
        assert!(i.defects.is_empty(), "{:?}", i.defects);
        assert_eq!(i.external_data, ["../../etc/passwd"]);
        assert_eq!(i.parameters, 20);
        let d = check_external(&i, "", &|_| true);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "onnx-external-data-outside");
    }

    #[test]
    fn check_external_rules() {
        let info = OnnxInfo {
            external_data: vec![
                "/abs/w.bin".into(),
                "C:\\w.bin".into(),
                "a\\..\\..\\w.bin".into(),
                "./weights.bin".into(),
                "gone.bin".into(),
                "".into(),
            ],
            ..OnnxInfo::default()
        };
        let asked = std::cell::RefCell::new(Vec::new());
        let exists = |p: &str| {
            asked.borrow_mut().push(p.to_string());
            p == "onnx/weights.bin"
        };
        let d = check_external(&info, "onnx/", &exists);
        let codes: Vec<_> = d.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [
                "onnx-external-data-outside",
                "onnx-external-data-outside",
                "onnx-external-data-outside",
                "onnx-external-data-missing",
                "onnx-external-data-missing"
            ]
        );
        assert_eq!(*asked.borrow(), ["onnx/weights.bin", "onnx/gone.bin"]);
    }

    #[test]
    fn length_claiming_more_than_the_file_is_rejected() {
        // producer_name claiming 1 GiB in a 10-byte file.
        let mut f = vec![0x08, 0x08, 0x12];
        varint(1 << 30, &mut f);
        f.extend(b"ab");
        let e = parse_bytes(&f).unwrap_err();
        assert_eq!(e.code, "onnx-length-out-of-bounds");
        assert_eq!(e.offset, Some(3));
        // A nested length larger than its parent message (but within the file).
        let mut graph = field_len(2, b"g");
        graph[1] = 50;
        let mut f = field_len(7, &graph);
        f.extend([0u8; 64]);
        assert_eq!(
            parse_bytes(&f).unwrap_err().code,
            "onnx-length-out-of-bounds"
        );
    }

    #[test]
    fn deep_nesting_is_rejected_without_recursing_forever() {
        // graph { node { attribute { g: graph { node { ... } } } } }
        let mut g: Vec<u8> = Vec::new();
        for _ in 0..200 {
            let attr = field_len(6, &g);
            let node = field_len(5, &attr);
            g = field_len(1, &node);
        }
        let f = field_len(7, &g);
        assert_eq!(parse_bytes(&f).unwrap_err().code, "onnx-too-deep");
    }

    #[test]
    fn subgraph_nodes_count_within_the_depth_limit() {
        let inner = field_len(1, &field_len(4, b"Relu"));
        let attr = field_len(6, &inner);
        let node = [field_len(4, b"If"), field_len(5, &attr)].concat();
        let mut f = vec![0x08, 0x08];
        f.extend(field_len(7, &field_len(1, &node)));
        f.extend(field_len(8, &[0x10, 17]));
        let i = parse_bytes(&f).unwrap();
        assert!(i.defects.is_empty(), "{:?}", i.defects);
        assert_eq!(i.nodes, 2);
        assert_eq!(i.op_types.len(), 2);
    }

    #[test]
    fn truncated_at_every_offset_never_panics() {
        for name in ["tiny.onnx", "external-data.onnx"] {
            let (p, _) = fixture(name);
            let f = std::fs::read(p).unwrap();
            for n in 0..f.len() {
                match parse_bytes(&f[..n]) {
                    Ok(i) => assert!(!i.defects.is_empty(), "{name} cut at {n}"),
                    Err(e) => assert!(
                        ["onnx-malformed", "onnx-length-out-of-bounds"].contains(&e.code),
                        "{name} cut at {n}: {e}"
                    ),
                }
                // Size says full length but the bytes end early.
                let _ = parse(Cursor::new(&f[..n]), f.len() as u64);
            }
        }
    }

    #[test]
    fn bad_wire_data() {
        // Group wire type.
        assert_eq!(parse_bytes(&[0x0b]).unwrap_err().code, "onnx-malformed");
        // Field number 0.
        assert_eq!(
            parse_bytes(&[0x00, 0x01]).unwrap_err().code,
            "onnx-malformed"
        );
        // Eleven-byte varint.
        let f = [
            0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
        ];
        assert_eq!(parse_bytes(&f).unwrap_err().code, "onnx-malformed");
        // ir_version sent as a string.
        assert_eq!(
            parse_bytes(&field_len(1, b"x")).unwrap_err().code,
            "onnx-malformed"
        );
        // Fixed64 field running past the end.
        assert_eq!(
            parse_bytes(&[0x59, 1, 2]).unwrap_err().code,
            "onnx-length-out-of-bounds"
        );
    }

    #[test]
    fn empty_model_has_defects_not_errors() {
        let i = parse_bytes(&[]).unwrap();
        let codes: Vec<_> = i.defects.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            ["onnx-no-ir-version", "onnx-no-graph", "onnx-no-opset"]
        );
    }

    #[test]
    fn initializer_dims_custom_domains_and_external_without_location() {
        // dims [-1] (ten-byte varint), dims packed [2, 3], data_location EXTERNAL without a location.
        let mut neg = vec![0x08];
        varint(u64::MAX, &mut neg);
        let t1 = [neg, field_len(8, b"bad")].concat();
        let t2 = [field_len(1, &[2, 3]), vec![0x70, 1]].concat();
        let node = [field_len(4, b"MyOp"), field_len(7, b"com.example")].concat();
        let func = [field_len(1, b"f"), field_len(10, b"com.local")].concat();
        let graph = [field_len(5, &t1), field_len(5, &t2), field_len(1, &node)].concat();
        let mut f = vec![0x08, 0x09];
        f.extend(field_len(7, &graph));
        f.extend(field_len(8, &[0x10, 17]));
        f.extend(field_len(25, &func));
        let i = parse_bytes(&f).unwrap();
        let codes: Vec<_> = i.defects.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["onnx-bad-dims", "onnx-external-data-no-location"]);
        assert_eq!(i.parameters, 6);
        assert_eq!(i.initializers, 2);
        assert_eq!(i.custom_domains, ["com.example", "com.local"]);
        assert_eq!(i.op_types["com.example:MyOp"], 1);
    }

    #[test]
    fn huge_raw_data_is_skipped_by_seeking() {
        // An initializer whose raw_data is 8 MiB: parsed from a reader that counts what is read.
        struct Counting<'a>(Cursor<&'a [u8]>, u64);
        impl Read for Counting<'_> {
            fn read(&mut self, b: &mut [u8]) -> io::Result<usize> {
                let n = self.0.read(b)?;
                self.1 += n as u64;
                Ok(n)
            }
        }
        impl Seek for Counting<'_> {
            fn seek(&mut self, p: SeekFrom) -> io::Result<u64> {
                self.0.seek(p)
            }
        }
        let raw = vec![0u8; 8 << 20];
        let t = [field_len(1, &[4]), field_len(9, &raw)].concat();
        let mut f = vec![0x08, 0x08];
        f.extend(field_len(7, &field_len(5, &t)));
        f.extend(field_len(8, &[0x10, 17]));
        let mut c = Counting(Cursor::new(&f), 0);
        let i = parse(&mut c, f.len() as u64).unwrap();
        assert_eq!(i.parameters, 4);
        assert!(c.1 < 1024, "read {} bytes", c.1);
    }

    #[test]
    fn constant_node_values_are_counted_in_every_graph_apart_from_parameters() {
        // Main graph: a Constant holding a [2, 3] float tensor, whose attribute comes before its
        // op_type and domain (protobuf allows any field order).
        let value = attr("value", &field_len(5, &tensor(&[2, 3], 1, 24)), 4);
        let reordered = [field_len(5, &value), field_len(4, b"Constant")].concat();
        // value_floats packed (3 floats), value_ints packed (1, 300, 5: 300 takes two bytes) and
        // unpacked (2 more), value_strings (2), value_int (1), sparse_value with dense shape [4, 5].
        let floats = attr("value_floats", &field_len(7, &[0u8; 12]), 6);
        let mut packed = Vec::new();
        for x in [1, 300, 5] {
            varint(x, &mut packed);
        }
        let ints = attr(
            "value_ints",
            &[
                field_len(8, &packed),
                field_varint(8, 7),
                field_varint(8, 9),
            ]
            .concat(),
            7,
        );
        let strings = attr(
            "value_strings",
            &[field_len(9, b"a"), field_len(9, b"")].concat(),
            8,
        );
        let int = attr("value_int", &field_varint(3, 0), 2);
        let sparse_body = [
            field_len(1, &tensor(&[2], 1, 8)),
            field_len(2, &tensor(&[2], 7, 16)),
            field_varint(3, 4),
            field_varint(3, 5),
        ]
        .concat();
        let sparse = attr("sparse_value", &field_len(22, &sparse_body), 11);
        // Inside an If branch: a Constant in the `ai.onnx` domain with value_floats given unpacked
        // (one fixed32 per element).
        let unpacked = [0x3du8, 0, 0, 0, 0, 0x3d, 0, 0, 0, 0].to_vec();
        let branch = field_len(
            1,
            &node("Constant", "ai.onnx", &[attr("value_floats", &unpacked, 6)]),
        );
        let if_node = node("If", "", &[attr("then_branch", &field_len(6, &branch), 5)]);
        // Not counted: a Constant of another domain, another operator with a `value` attribute.
        let custom = node("Constant", "com.example", std::slice::from_ref(&value));
        let other = node("ConstantOfShape", "", std::slice::from_ref(&value));
        let graph = [
            field_len(1, &reordered),
            field_len(1, &node("Constant", "", &[floats])),
            field_len(1, &node("Constant", "", &[ints])),
            field_len(1, &node("Constant", "", &[strings])),
            field_len(1, &node("Constant", "", &[int])),
            field_len(1, &node("Constant", "", &[sparse])),
            field_len(1, &if_node),
            field_len(1, &custom),
            field_len(1, &other),
        ]
        .concat();
        // A local function's body: one more Constant (a scalar tensor: no dims, one value).
        let func = [
            field_len(1, b"f"),
            field_len(
                7,
                &node(
                    "Constant",
                    "",
                    &[attr("value", &field_len(5, &tensor(&[], 1, 4)), 4)],
                ),
            ),
            field_len(10, b"com.local"),
        ]
        .concat();
        let i = parse_bytes(&model(&graph, std::slice::from_ref(&func))).unwrap();
        assert!(i.defects.is_empty(), "{:?}", i.defects);
        assert_eq!(i.constants, 8);
        assert_eq!(i.constant_values, 6 + 3 + 5 + 2 + 1 + 20 + 2 + 1);
        assert_eq!((i.initializers, i.parameters), (0, 0));
        assert!(i.dtypes.is_empty());
        assert_eq!(i.op_types["Constant"], 8);
        assert_eq!(i.op_types["com.example:Constant"], 1);
        // Cut or damaged anywhere, the same bytes give facts or a defect, never a panic.
        let f = model(&graph, &[func]);
        for n in 0..f.len() {
            if let Err(e) = parse_bytes(&f[..n]) {
                assert!(
                    ["onnx-malformed", "onnx-length-out-of-bounds"].contains(&e.code),
                    "cut at {n}: {e}"
                );
            }
            for v in [0x00, 0x7f, 0x80, 0xff] {
                let mut b = f.clone();
                b[n] = v;
                let _ = parse_bytes(&b);
            }
        }
    }

    #[test]
    fn initializers_of_subgraphs_functions_and_sparse_ones_count_with_their_dtypes() {
        // Main graph: F32 [4]; an If branch: I64 [2]; a Loop body inside a local function: F16 [3]
        // and a sparse initializer of dense shape [10, 10] with 3 stored FLOAT values.
        let body = field_len(5, &tensor(&[3], 10, 6));
        let sparse = [
            field_len(1, &tensor(&[3], 1, 12)),
            field_len(2, &tensor(&[3], 7, 24)),
            field_len(3, &[10, 10]),
        ]
        .concat();
        let body = [body, field_len(15, &sparse)].concat();
        let func = field_len(
            7,
            &node("Loop", "", &[attr("body", &field_len(6, &body), 5)]),
        );
        let branch = field_len(5, &tensor(&[2], 7, 16));
        let graph = [
            field_len(5, &tensor(&[4], 1, 16)),
            field_len(
                1,
                &node("If", "", &[attr("else_branch", &field_len(6, &branch), 5)]),
            ),
        ]
        .concat();
        let i = parse_bytes(&model(&graph, &[func])).unwrap();
        assert!(i.defects.is_empty(), "{:?}", i.defects);
        assert_eq!(i.initializers, 4);
        assert_eq!(i.parameters, 4 + 2 + 3 + 100);
        assert_eq!(
            i.dtypes,
            BTreeMap::from([
                ("F16".to_string(), 3),
                ("F32".to_string(), 104),
                ("I64".to_string(), 2)
            ])
        );
        assert_eq!(i.dtypes.values().sum::<u64>(), i.parameters);
    }

    #[test]
    fn external_data_of_a_constant_tensor_is_checked_like_an_initializers() {
        // onnx.load reads external data for node attribute tensors too (CVE-2024-27318 applies).
        let entry = [field_len(1, b"location"), field_len(2, b"../../secret.bin")].concat();
        let t = [
            field_varint(1, 4),
            field_varint(2, 1),
            field_len(13, &entry),
            field_varint(14, 1),
        ]
        .concat();
        let lost = [field_varint(1, 1), field_varint(14, 1)].concat();
        let graph = [
            field_len(
                1,
                &node("Constant", "", &[attr("value", &field_len(5, &t), 4)]),
            ),
            field_len(1, &node("Foo", "", &[attr("ts", &field_len(10, &lost), 9)])),
        ]
        .concat();
        let i = parse_bytes(&model(&graph, &[])).unwrap();
        assert_eq!(i.external_data, ["../../secret.bin"]);
        assert_eq!(i.constant_values, 4);
        let codes: Vec<_> = i.defects.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["onnx-external-data-no-location"]);
        let d = check_external(&i, "", &|_| true);
        assert_eq!(d[0].code, "onnx-external-data-outside");
    }

    #[test]
    fn hostile_constant_attributes_are_bounded() {
        let one = |a: Vec<u8>| parse_bytes(&model(&field_len(1, &node("Constant", "", &[a])), &[]));
        // Packed floats that are not whole floats; packed ints ending inside a varint.
        let e = one(attr("value_floats", &field_len(7, &[0u8; 5]), 6)).unwrap_err();
        assert_eq!(e.code, "onnx-malformed");
        let e = one(attr("value_ints", &field_len(8, &[0x01, 0x80]), 7)).unwrap_err();
        assert_eq!(e.code, "onnx-malformed");
        // A packed field claiming more bytes than its attribute holds.
        let mut claim = vec![0x42];
        varint(1 << 40, &mut claim);
        let e = one(attr("value_ints", &claim, 7)).unwrap_err();
        assert_eq!(e.code, "onnx-length-out-of-bounds");
        // Dims whose product overflows, and a negative dim: a defect each, no values counted.
        let huge = tensor(&[1 << 40, 1 << 40], 1, 0);
        let i = one(attr("value", &field_len(5, &huge), 4)).unwrap();
        assert_eq!(i.constant_values, 0);
        assert_eq!(i.defects[0].code, "onnx-bad-dims");
        let neg = tensor(&[u64::MAX], 1, 0);
        let i = one(attr("value", &field_len(5, &neg), 4)).unwrap();
        assert_eq!((i.constants, i.constant_values), (1, 0));
        assert_eq!(i.defects[0].code, "onnx-bad-dims");
        // Two Constants of 2^63 values each: the total saturates with one defect.
        let big = attr("value", &field_len(5, &tensor(&[1 << 62, 2], 1, 0)), 4);
        let n = field_len(1, &node("Constant", "", &[big]));
        let i = parse_bytes(&model(&[n.clone(), n.clone(), n].concat(), &[])).unwrap();
        assert_eq!(i.constant_values, u64::MAX);
        let codes: Vec<_> = i.defects.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["onnx-bad-dims"]);
    }

    #[test]
    fn dtype_names_follow_safetensors_where_it_has_the_type() {
        assert_eq!(dtype_name(1), "F32");
        assert_eq!(dtype_name(7), "I64");
        assert_eq!(dtype_name(10), "F16");
        assert_eq!(dtype_name(16), "BF16");
        assert_eq!(dtype_name(17), "F8_E4M3");
        assert_eq!(dtype_name(15), "COMPLEX128");
        assert_eq!(dtype_name(22), "INT4");
        assert_eq!(dtype_name(0), "UNDEFINED");
        assert_eq!(dtype_name(99), "ONNX_TYPE_99");
        // Initializers of more distinct (undefined) types than kept apart share one bucket.
        let graph: Vec<u8> = (100..100 + MAX_DTYPES as u64 + 3)
            .flat_map(|t| field_len(5, &tensor(&[1], t, 0)))
            .collect();
        let i = parse_bytes(&model(&graph, &[])).unwrap();
        assert_eq!(i.dtypes.len(), MAX_DTYPES + 1);
        assert_eq!(i.dtypes[OTHER_DTYPES], 3);
        assert_eq!(i.dtypes.values().sum::<u64>(), i.parameters);
    }
}
