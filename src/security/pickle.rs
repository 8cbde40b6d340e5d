//! A pickle opcode walker written for auditing, not for loading: it reads protocols 0–5 opcode by
//! opcode, never builds objects, keeps only a small symbolic stack and memo (enough to resolve the
//! operands of `STACK_GLOBAL`, to see which import a call opcode calls, and to follow the few object
//! shapes that decide where a loader reads next), records every import with its byte offset, counts the
//! opcodes that call or construct, follows stacked pickles past `STOP`, and reports what it could not
//! understand. A stream is analysed up to `STOP` or up to the first byte a loader would reject, whatever
//! comes after, and everything before that break is reported. Joblib's NumPy arrays, raw bytes inside
//! the stream, are stepped over exactly as joblib's reader steps over them, and the same bytes are also
//! walked as a plain unpickler would read them. On request it records PyTorch storages (persistent ids)
//! and tensor rebuild calls with their sizes. Every length is checked against caps and the input before
//! anything is read; large payloads are skipped, not copied.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{self, BufRead, Seek, SeekFrom};
use std::rc::Rc;

use serde::Serialize;

use super::imports::{classify, Verdict};

/// Caps that keep the walk bounded whatever the input says, and what is recorded besides imports.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Opcodes walked before giving up (then an issue is reported).
    pub max_opcodes: u64,
    /// Entries kept in the memo and on the symbolic stack.
    pub max_memo: usize,
    pub max_stack: usize,
    /// Names a loader must resolve (GLOBAL / INST module and attribute lines) longer than this are
    /// reported as malformed; data operands (strings, numbers) longer than this are skipped, not kept.
    pub max_text: usize,
    /// Stacked pickles followed.
    pub max_pickles: u32,
    /// Also record PyTorch storages (persistent ids) and tensor rebuild calls (off by default).
    pub tensors: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_opcodes: 50_000_000,
            max_memo: 1_000_000,
            max_stack: 1_000_000,
            max_text: 4096,
            max_pickles: 64,
            tensors: false,
        }
    }
}

/// The double quote (written as a number so that no character literal holds one).
const DQUOTE: u8 = 0x22;
/// Tuples are tracked up to this many items (shapes, dtype states, persistent ids, call arguments).
const MAX_TUPLE: usize = 16;
/// ... and this depth of nesting.
const MAX_DEPTH: u8 = 8;
/// Items held by all live tracked tuples together.
const TUPLE_BUDGET: usize = 2_000_000;
/// Mutable objects (dicts, joblib array wrappers, NumPy dtypes) tracked per walk.
const MAX_TRACKED: usize = 256 * 1024;
/// Storages, tensors and joblib arrays recorded per walk.
const MAX_RECORDS: usize = 1_000_000;
/// Objects visited when marking what a call may have changed; past it, everything tracked so far is.
const TAINT_VISITS: usize = 4096;
/// Values kept, over all dicts of a walk, besides the wrapper attributes (dtype field tables).
const DICT_VALUES: usize = 1_000_000;
/// Values kept per dict besides the wrapper attributes.
const MAX_DICT_VALUES: usize = 64;
/// Nesting of structured dtypes followed.
const MAX_DTYPE_DEPTH: u8 = 4;
/// Callables that build a fresh object from their arguments without changing them, whose results'
/// `__setstate__` changes nothing else either, and that never return a joblib array wrapper.
const PURE: &[(&str, &str)] = &[
    ("numpy", "ndarray"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("collections", "OrderedDict"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "slice"),
    ("builtins", "complex"),
    ("__builtin__", "set"),
    ("__builtin__", "frozenset"),
    ("_codecs", "encode"),
    ("torch._utils", "_rebuild_tensor"),
    ("torch._utils", "_rebuild_tensor_v2"),
    ("torch._utils", "_rebuild_tensor_v3"),
    ("torch._utils", "_rebuild_parameter"),
    ("torch", "Size"),
    ("torch", "device"),
];
/// Modules that define joblib's `NumpyArrayWrapper` (joblib, and the copy scikit-learn once vendored).
const WRAPPER_MODULES: &[&str] = &[
    "joblib.numpy_pickle",
    "sklearn.externals.joblib.numpy_pickle",
];
/// The attributes of a `NumpyArrayWrapper`; only these are kept for dicts that may become its state.
const WRAPPER_ATTRS: [&str; 6] = [
    "subclass",
    "shape",
    "order",
    "dtype",
    "allow_mmap",
    "numpy_array_alignment_bytes",
];

/// One `GLOBAL`, `INST` or `STACK_GLOBAL`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Import {
    pub module: String,
    pub name: String,
    /// Byte offset of the opcode in the stream.
    pub offset: u64,
    pub opcode: &'static str,
    pub verdict: Verdict,
    /// The first opcode that called the imported object (`REDUCE`, `NEWOBJ`, `OBJ`, `INST`, ...), when
    /// the walker saw one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub called_by: Option<&'static str>,
}

/// Something the walker could not take as a well-formed pickle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anomaly {
    /// Stable code: `pickle-unknown-opcode`, `pickle-truncated`, `pickle-unresolved-global`,
    /// `pickle-unresolved-array`, `pickle-trailing-data`, `pickle-limit-exceeded`, `pickle-bad-operand`.
    pub code: &'static str,
    pub offset: u64,
    pub message: String,
}

/// A PyTorch storage named by a persistent id `('storage', <storage class>, key, location, numel)` (a
/// sixth item, the view metadata of pre-1.6 saves, is allowed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StorageRef {
    /// Offset of the `BINPERSID` opcode.
    pub offset: u64,
    /// The storage class as `module.name` (`torch.FloatStorage`).
    pub class: String,
    pub key: String,
    pub location: String,
    /// Element count the persistent id gives (bytes for untyped storages).
    pub numel: u64,
}

/// A call of a PyTorch tensor rebuild function (`torch._utils._rebuild_tensor`, `_v2`, `_v3`, also
/// through `torch._tensor._rebuild_from_type_v2`) whose storage and size could be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TensorRef {
    /// Offset of the `REDUCE` opcode.
    pub offset: u64,
    /// Index into [`PickleReport::storages`].
    pub storage: usize,
    pub storage_offset: u64,
    pub size: Vec<u64>,
    /// The stride, when it is a tuple of small non-negative integers.
    pub stride: Option<Vec<u64>>,
    /// `module.name` of the dtype `_rebuild_tensor_v3` is given, if any.
    pub dtype: Option<String>,
}

/// Bytes that joblib's reader takes as a NumPy array's data, not as opcodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JoblibArray {
    /// Where the array's data starts (its alignment padding byte, or its nested pickle).
    pub offset: u64,
    pub length: u64,
    /// The array holds Python objects: the bytes are a nested pickle, which is walked as one.
    pub objects: bool,
}

/// What a walk found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PickleReport {
    /// Highest `PROTO` seen (0 when none: protocol 0/1 text pickles).
    pub protocol: u8,
    /// Complete pickles (each ended by `STOP`).
    pub pickles: u32,
    pub opcodes: u64,
    pub imports: Vec<Import>,
    /// Opcodes that call or build objects, by name (`REDUCE`, `BUILD`, `NEWOBJ`, ...), with counts.
    pub calls: BTreeMap<&'static str, u64>,
    pub anomalies: Vec<Anomaly>,
    /// Bytes after the last complete pickle that do not start another one.
    pub trailing_bytes: u64,
    /// Offset just past the last complete pickle's `STOP`.
    pub end: u64,
    /// Array data joblib reads from inside the stream (see the module documentation).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub joblib_arrays: Vec<JoblibArray>,
    /// PyTorch storages (only with [`Limits::tensors`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub storages: Vec<StorageRef>,
    /// PyTorch tensor rebuild calls (only with [`Limits::tensors`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tensors: Vec<TensorRef>,
}

impl PickleReport {
    /// The worst verdict over all imports (an unresolved global counts as dangerous).
    pub fn worst(&self) -> Option<Verdict> {
        let unresolved = self
            .anomalies
            .iter()
            .any(|a| a.code == "pickle-unresolved-global");
        let worst = self.imports.iter().map(|i| i.verdict).max();
        if unresolved {
            Some(Verdict::Dangerous)
        } else {
            worst
        }
    }
}

/// A value on the symbolic stack. Strings (they may name globals for `STACK_GLOBAL`), imported objects
/// (so a call opcode can say what it calls), small numbers and tuples of them (shapes, persistent ids),
/// and references to the tracked mutable objects; the rest is opaque.
#[derive(Debug, Clone)]
enum Sym {
    Mark,
    Other,
    Str(Rc<str>),
    /// A string too long to keep: its text is unknown, but it is a string.
    LongStr,
    Int(i64),
    Bool(bool),
    PyNone,
    Tuple(Rc<Tuple>),
    /// The import at this index of `report.imports`.
    Global(usize),
    /// The tracked object at this index of the arena.
    Obj(usize),
    /// An object that may be a joblib array wrapper, but is not tracked.
    OpaqueWrapper,
    /// An object made by a [`PURE`] callable: not a wrapper, and its `BUILD` changes nothing else.
    Inert,
    /// What `persistent_load` returns for the storage at this index of `report.storages`.
    Storage(usize),
}

/// An immutable tuple; its items are given back to the walk's budget when it is dropped.
#[derive(Debug)]
struct Tuple {
    items: Box<[Sym]>,
    depth: u8,
    budget: Rc<Cell<usize>>,
}

impl Drop for Tuple {
    fn drop(&mut self) {
        self.budget.set(self.budget.get() + self.items.len());
    }
}

/// Attribute-like entries: only the names a `NumpyArrayWrapper` reads are kept.
#[derive(Debug, Default)]
struct Attrs {
    items: Vec<(&'static str, Sym)>,
    /// The values set that look like a structured dtype's field entries, while they fit.
    values: Vec<Sym>,
    /// Not every value is in `values`: this is no field table the walk can read.
    overflow: bool,
    /// An entry could not be followed (a key that is not a known string), or code the walk cannot see
    /// may have changed the object.
    unknown: bool,
}

impl Attrs {
    fn put(&mut self, name: &'static str, value: Sym) {
        match self.items.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.items.push((name, value)),
        }
    }

    /// `self[key] = value` as Python would do it, for the keys that matter; `budget` bounds the values
    /// kept over all dicts.
    fn set(&mut self, key: &Sym, value: Sym, budget: &mut usize) {
        // Only values shaped like a structured dtype's field entry, `(dtype, offset[, title])`, are
        // kept; a dict holding anything else is no field table.
        let field = matches!(&value, Sym::Tuple(t) if matches!(t.items.first(), Some(Sym::Obj(_))));
        if !field {
            self.overflow = true;
        } else if self.values.len() < MAX_DICT_VALUES && *budget > 0 {
            *budget -= 1;
            self.values.push(value.clone());
        } else {
            self.overflow = true;
        }
        match key {
            Sym::Str(k) => {
                if let Some(name) = WRAPPER_ATTRS.into_iter().find(|a| *a == &**k) {
                    self.put(name, value);
                }
            }
            // Values that cannot equal one of the attribute names.
            Sym::LongStr
            | Sym::Int(_)
            | Sym::Bool(_)
            | Sym::PyNone
            | Sym::Tuple(_)
            | Sym::Global(_)
            | Sym::Obj(_) => {}
            _ => self.unknown = true,
        }
    }

    fn get(&self, name: &str) -> Option<&Sym> {
        self.items.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

/// The mutable objects whose content decides how joblib reads an array.
#[derive(Debug)]
enum Tracked {
    Dict(Attrs),
    /// A `NumpyArrayWrapper` instance; its attributes.
    Wrapper(Attrs),
    /// A `numpy.dtype` made by `numpy.dtype(typestr, align, copy)`, with the state its last `BUILD`
    /// gave it.
    Dtype {
        typestr: Rc<str>,
        copy: bool,
        state: Option<Sym>,
        unknown: bool,
    },
}

struct Walker<R> {
    r: R,
    pos: u64,
    /// The stream's length, once asked for.
    len: Option<u64>,
    limits: Limits,
    stack: Vec<Sym>,
    memo: HashMap<u64, Sym>,
    report: PickleReport,
    /// Model joblib's reading of array wrappers (off: a plain unpickler, as `pickle.load`).
    joblib: bool,
    /// End of the current protocol 4 frame (0: none).
    frame_end: u64,
    arena: Vec<Tracked>,
    /// Tracked objects with an index below this may have been changed by code the walk cannot follow.
    taint_floor: usize,
    tuple_budget: Rc<Cell<usize>>,
    /// Dict values that may still be kept.
    dict_values: usize,
    /// Tuples and dicts are followed: PyTorch records were asked for, or the stream imported
    /// `numpy.dtype` or joblib's array wrapper (before that, nothing they hold can size an array).
    track: bool,
    /// Offset just after the first array wrapper's `BUILD`: from there joblib and a plain unpickler
    /// read the stream differently.
    diverged: Option<u64>,
    /// Offsets of unresolved `STACK_GLOBAL`s whose operands were strings too long to keep.
    string_unresolved: HashSet<u64>,
    /// The opcode being read when the stream ended, and its offset.
    eof_in: Option<(u8, u64)>,
}

enum Step {
    Continue,
    Stop,
}

/// Why a pickle walk stopped early.
enum Halt {
    /// The stream ended inside a pickle.
    Eof,
    /// A cap was reached.
    Limit(String),
    /// An operand made no sense (already reported as an anomaly when `reported`).
    Bad { message: String, reported: bool },
}

impl From<io::Error> for Halt {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            Halt::Eof
        } else {
            Halt::Bad {
                message: e.to_string(),
                reported: false,
            }
        }
    }
}

type WalkResult<T> = Result<T, Halt>;

fn limit<T>(msg: String) -> WalkResult<T> {
    Err(Halt::Limit(msg))
}

fn bad<T>(msg: &str) -> WalkResult<T> {
    Err(Halt::Bad {
        message: msg.to_string(),
        reported: false,
    })
}

/// Already reported: stop the pickle here.
fn stop<T>() -> WalkResult<T> {
    Err(Halt::Bad {
        message: String::new(),
        reported: true,
    })
}

/// Opcodes a pickle can start with (after an optional `PROTO`): those that push something or open a
/// mark. `POP`, `DUP`, `STOP`, `BUILD`, ... on an empty stack are not plausible starts.
fn is_opener(op: u8) -> bool {
    matches!(
        op,
        0x80 | b'('
            | b'}'
            | b']'
            | b')'
            | b'c'
            | b'N'
            | b'S'
            | b'V'
            | b'I'
            | b'L'
            | b'F'
            | b'J'
            | b'K'
            | b'M'
            | b'G'
            | b'X'
            | b'U'
            | b'T'
            | b'B'
            | b'C'
            | 0x8c
            | 0x8d
            | 0x8e
            | 0x88
            | 0x89
            | 0x8a
            | 0x8b
            | 0x8f
            | 0x95
            | b'P'
    )
}

/// A dotted Python identifier (module path) or attribute path, as GLOBAL / INST operands must be.
fn is_dotted_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|part| {
            let mut c = part.chars();
            c.next().is_some_and(|f| f == '_' || f.is_alphabetic())
                && c.all(|x| x == '_' || x.is_alphanumeric())
        })
}

/// Walk the pickle(s) in `r`, starting at its current position. Offsets in the report are positions in
/// `r` (so a pickle embedded after a header reports file offsets).
///
/// When the stream holds joblib array wrappers, it is read twice: as joblib reads it (array data
/// stepped over) and as a plain unpickler reads it (everything after the first wrapper taken as
/// opcodes, which is where `pickle.load` breaks on a joblib file). The report is the joblib reading plus
/// every import the plain reading reaches past that point, so bytes that joblib takes as data cannot
/// hide an import from a loader that takes them as opcodes.
pub fn walk<R: BufRead + Seek>(mut r: R, limits: Limits) -> PickleReport {
    let start = r.stream_position().unwrap_or(0);
    let mut w = Walker::new(r, start, limits, true);
    w.run();
    let Some(from) = w.diverged else {
        return w.report;
    };
    let mut report = std::mem::take(&mut w.report);
    let mut r = w.r;
    if r.seek(SeekFrom::Start(start)).is_err() {
        return report;
    }
    let plain_limits = Limits {
        tensors: false,
        ..limits
    };
    let mut plain = Walker::new(r, start, plain_limits, false);
    plain.run();
    merge_plain(&mut report, plain.report, &plain.string_unresolved, from);
    report
}

/// Add to `report` (the joblib reading) what the plain reading found from offset `from` on: imports of
/// well-formed names (what would run) and unresolved `STACK_GLOBAL`s on strings. Its other anomalies
/// are the plain reader tripping over array data, which is what joblib files look like to it.
fn merge_plain(
    report: &mut PickleReport,
    plain: PickleReport,
    string_unresolved: &HashSet<u64>,
    from: u64,
) {
    let seen: HashSet<(u64, String, String)> = report
        .imports
        .iter()
        .map(|i| (i.offset, i.module.clone(), i.name.clone()))
        .collect();
    for imp in plain.imports {
        if imp.offset >= from
            && is_dotted_identifier(&imp.module)
            && is_dotted_identifier(&imp.name)
            && !seen.contains(&(imp.offset, imp.module.clone(), imp.name.clone()))
            && report.imports.len() < 100_000
        {
            report.imports.push(imp);
        }
    }
    for a in plain.anomalies {
        if a.offset >= from
            && a.code == "pickle-unresolved-global"
            && string_unresolved.contains(&a.offset)
            && !report
                .anomalies
                .iter()
                .any(|b| b.offset == a.offset && b.code == a.code)
        {
            report.anomalies.push(a);
        }
    }
    report.imports.sort_by_key(|i| i.offset);
    report.anomalies.sort_by_key(|a| a.offset);
}

/// Walk an in-memory pickle.
pub fn walk_bytes(data: &[u8], limits: Limits) -> PickleReport {
    walk(io::Cursor::new(data), limits)
}

/// Whether `head` (the first bytes of a file or member; `complete` when it is all of it) plausibly is a
/// pickle stream, protocols 0–5. It must start with an opcode that can open a pickle, and then either
/// - reach, before anything breaks, code a loader would run: a call of an import with a well-formed
///   name, or an import of something dangerous (a stream that breaks after that is a pickle all the
///   same: a loader runs every opcode before the first one it rejects); or
/// - meet no unknown opcode or malformed operand, and complete a pickle, or (for a partial head) get
///   through several opcodes, or run out inside a protocol 0 text operand (a long string, or a long
///   name, which the walk then reports).
pub fn looks_like_pickle(head: &[u8], complete: bool) -> bool {
    let Some(&first) = head.first() else {
        return false;
    };
    if !is_opener(first) || (first == 0x80 && head.get(1).is_some_and(|p| *p > 5)) {
        return false;
    }
    let limits = Limits {
        max_pickles: 1,
        ..Limits::default()
    };
    let mut w = Walker::new(io::Cursor::new(head), 0, limits, true);
    w.run();
    let r = &w.report;
    let runs = r.imports.iter().any(|i| {
        (i.called_by.is_some() || i.verdict == Verdict::Dangerous)
            && is_dotted_identifier(&i.module)
            && is_dotted_identifier(&i.name)
    });
    if runs {
        return true;
    }
    let clean = r.anomalies.iter().all(|a| {
        matches!(
            a.code,
            "pickle-trailing-data" | "pickle-unresolved-global" | "pickle-truncated"
        )
    });
    if !clean {
        return false;
    }
    if r.pickles >= 1 {
        return true;
    }
    if complete {
        return false;
    }
    let in_text = match w.eof_in {
        Some((b'V' | b'c' | b'i', _)) => true,
        Some((b'S', at)) => matches!(head.get(at as usize + 1).copied(), Some(b'\'' | DQUOTE)),
        _ => false,
    };
    r.opcodes >= 4 || in_text
}

/// A newline-terminated operand: its first bytes, its length and what the rest looked like.
struct Line {
    /// Up to the cap the reader was given.
    head: Vec<u8>,
    /// Bytes before the newline.
    len: u64,
    /// The last byte that is not ASCII whitespace.
    last: Option<u8>,
    /// Every byte passed the reader's test.
    all_ok: bool,
}

impl Line {
    fn complete(&self) -> bool {
        self.len == self.head.len() as u64
    }
}

fn any_byte(_: u8) -> bool {
    true
}

/// Bytes that can appear in an INT / LONG operand some unpickler accepts (signs, digits, base prefixes,
/// underscores, the `L` suffix, spaces).
fn int_byte(b: u8) -> bool {
    b.is_ascii_hexdigit() || b"xXoObB_+- \t\rLl".contains(&b)
}

/// Bytes that can appear in a FLOAT operand (`inf`, `nan`, exponents, ...).
fn float_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"._+- \t\r".contains(&b)
}

impl<R: BufRead + Seek> Walker<R> {
    fn new(r: R, pos: u64, limits: Limits, joblib: bool) -> Self {
        Walker {
            r,
            pos,
            len: None,
            limits,
            stack: Vec::new(),
            memo: HashMap::new(),
            report: PickleReport {
                end: pos,
                ..PickleReport::default()
            },
            joblib,
            frame_end: 0,
            arena: Vec::new(),
            taint_floor: 0,
            tuple_budget: Rc::new(Cell::new(TUPLE_BUDGET)),
            dict_values: DICT_VALUES,
            track: limits.tensors,
            diverged: None,
            string_unresolved: HashSet::new(),
            eof_in: None,
        }
    }

    fn anomaly(&mut self, code: &'static str, offset: u64, message: impl Into<String>) {
        if self.report.anomalies.len() < 1000 {
            self.report.anomalies.push(Anomaly {
                code,
                offset,
                message: message.into(),
            });
        }
    }

    fn run(&mut self) {
        loop {
            match self.one_pickle() {
                Ok(()) => {
                    self.report.pickles += 1;
                    self.report.end = self.pos;
                }
                Err(Halt::Eof) => {
                    self.anomaly("pickle-truncated", self.pos, "stream ends inside a pickle");
                    return;
                }
                Err(Halt::Limit(m)) => {
                    self.anomaly("pickle-limit-exceeded", self.pos, m);
                    return;
                }
                Err(Halt::Bad { message, reported }) => {
                    if !reported {
                        self.anomaly("pickle-bad-operand", self.pos, message);
                    }
                    return;
                }
            }
            // Another pickle follows when the next bytes can open one (a fresh unpickler: empty stack
            // and memo, as `pickle.load` called again would have).
            let next = match self.r.fill_buf() {
                Ok(b) => b.first().copied().map(|f| (f, b.get(1).copied())),
                Err(_) => None,
            };
            if let Some((f, p)) = next {
                let proto_ok = f != 0x80 || p.is_some_and(|p| p <= 5);
                if is_opener(f) && proto_ok && self.report.pickles < self.limits.max_pickles {
                    self.stack.clear();
                    self.memo.clear();
                    self.frame_end = 0;
                    continue;
                }
            }
            let rest = self.remaining();
            if rest > 0 {
                self.report.trailing_bytes = rest;
                self.anomaly(
                    "pickle-trailing-data",
                    self.pos,
                    format!("{rest} bytes after the last pickle"),
                );
            }
            return;
        }
    }

    fn stream_len(&mut self) -> io::Result<u64> {
        if let Some(n) = self.len {
            return Ok(n);
        }
        let end = self.r.seek(SeekFrom::End(0))?;
        self.r.seek(SeekFrom::Start(self.pos))?;
        self.len = Some(end);
        Ok(end)
    }

    fn remaining(&mut self) -> u64 {
        self.stream_len()
            .map(|end| end.saturating_sub(self.pos))
            .unwrap_or(0)
    }

    fn one_pickle(&mut self) -> WalkResult<()> {
        loop {
            if self.report.opcodes >= self.limits.max_opcodes {
                return limit(format!("more than {} opcodes", self.limits.max_opcodes));
            }
            let offset = self.pos;
            let op = self.u8()?;
            self.report.opcodes += 1;
            match self.opcode(op, offset) {
                Ok(Step::Stop) => return Ok(()),
                Ok(Step::Continue) => {}
                Err(Halt::Eof) => {
                    self.eof_in.get_or_insert((op, offset));
                    return Err(Halt::Eof);
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn u8(&mut self) -> io::Result<u8> {
        let mut b = [0u8; 1];
        self.r.read_exact(&mut b)?;
        self.pos += 1;
        Ok(b[0])
    }

    fn le(&mut self, n: usize) -> io::Result<u64> {
        let mut b = [0u8; 8];
        self.r.read_exact(&mut b[..n])?;
        self.pos += n as u64;
        Ok(u64::from_le_bytes(b))
    }

    /// A little-endian two's complement integer of `n` bytes (LONG1 / LONG4), when it fits.
    fn long(&mut self, n: u64) -> io::Result<Sym> {
        if n > 8 {
            self.skip(n)?;
            return Ok(Sym::Other);
        }
        let mut b = [0u8; 8];
        self.r.read_exact(&mut b[..n as usize])?;
        self.pos += n;
        if n > 0 && b[n as usize - 1] & 0x80 != 0 {
            for x in &mut b[n as usize..] {
                *x = 0xff;
            }
        }
        Ok(Sym::Int(i64::from_le_bytes(b)))
    }

    /// Read `n` bytes of text payload: kept when short, skipped otherwise.
    fn payload(&mut self, n: u64) -> io::Result<Sym> {
        if n <= self.limits.max_text as u64 {
            let mut buf = vec![0u8; n as usize];
            self.r.read_exact(&mut buf)?;
            self.pos += n;
            Ok(match String::from_utf8(buf) {
                Ok(s) => Sym::Str(s.into()),
                Err(_) => Sym::Other,
            })
        } else {
            self.skip(n)?;
            Ok(Sym::LongStr)
        }
    }

    fn skip(&mut self, n: u64) -> io::Result<()> {
        let end = self.stream_len()?;
        let here = self.pos;
        match here.checked_add(n) {
            Some(t) if t <= end => {
                self.r.seek_relative(n as i64)?;
                self.pos = t;
                Ok(())
            }
            _ => {
                self.r.seek(SeekFrom::Start(end))?;
                self.pos = end;
                Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "payload past end",
                ))
            }
        }
    }

    /// A newline-terminated operand (protocol 0). At most `keep` bytes are kept; the rest is read
    /// through a bounded buffer and only checked with `ok`.
    fn read_line(&mut self, keep: usize, ok: fn(u8) -> bool) -> WalkResult<Line> {
        let mut line = Line {
            head: Vec::new(),
            len: 0,
            last: None,
            all_ok: true,
        };
        loop {
            let buf = self.r.fill_buf()?;
            if buf.is_empty() {
                return Err(Halt::Eof);
            }
            let (n, done) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (i, true),
                None => (buf.len(), false),
            };
            let chunk = &buf[..n];
            let room = keep.saturating_sub(line.head.len());
            line.head.extend_from_slice(&chunk[..n.min(room)]);
            if let Some(&b) = chunk.iter().rev().find(|b| !b.is_ascii_whitespace()) {
                line.last = Some(b);
            }
            if line.all_ok && !chunk.iter().all(|&b| ok(b)) {
                line.all_ok = false;
            }
            line.len += n as u64;
            let used = n + usize::from(done);
            self.r.consume(used);
            self.pos += used as u64;
            if done {
                return Ok(line);
            }
        }
    }

    /// A module or attribute name line of GLOBAL / INST: `None` when it is longer than the text cap.
    fn name_line(&mut self) -> WalkResult<Option<String>> {
        let l = self.read_line(self.limits.max_text, any_byte)?;
        Ok(l.complete()
            .then(|| String::from_utf8_lossy(&l.head).into_owned()))
    }

    /// A memo key line of PUT / GET.
    fn key_line(&mut self, what: &str) -> WalkResult<u64> {
        let l = self.read_line(self.limits.max_text, any_byte)?;
        if !l.complete() {
            return bad(&format!("{what} with an over-long key"));
        }
        let t = String::from_utf8_lossy(&l.head);
        let t = t.trim();
        let t = t.strip_prefix('+').unwrap_or(t).replace('_', "");
        let t = t.trim_start_matches('0');
        if t.is_empty() && !l.head.is_empty() {
            return Ok(0);
        }
        t.parse::<u64>()
            .or_else(|_| bad(&format!("{what} with a non-numeric key")))
    }

    /// A numeric text operand (INT, LONG, FLOAT). Text no number syntax allows is reported and ends the
    /// pickle; anything else is taken as a number (kept when it is a small integer).
    fn number_line(&mut self, op: u8, offset: u64) -> WalkResult<Sym> {
        let test = if op == b'F' { float_byte } else { int_byte };
        let l = self.read_line(self.limits.max_text, test)?;
        if !l.all_ok || l.last.is_none() {
            self.anomaly(
                "pickle-bad-operand",
                offset,
                format!("{} operand is not a number", op as char),
            );
            return stop();
        }
        if !l.complete() || op == b'F' {
            return Ok(Sym::Other);
        }
        let text = String::from_utf8_lossy(&l.head);
        let t = text.trim();
        Ok(match (op, t) {
            (b'I', "00") => Sym::Bool(false),
            (b'I', "01") => Sym::Bool(true),
            _ => t
                .strip_suffix('L')
                .unwrap_or(t)
                .parse::<i64>()
                .map(Sym::Int)
                .unwrap_or(Sym::Other),
        })
    }

    /// STRING: a quoted, escaped byte string; long ones are checked for their quotes and skipped.
    fn string_line(&mut self, offset: u64) -> WalkResult<Sym> {
        let l = self.read_line(self.limits.max_text, any_byte)?;
        let quoted = if l.complete() {
            let t = l.head.trim_ascii_end();
            t.len() >= 2 && matches!(t[0], b'\'' | DQUOTE) && t[t.len() - 1] == t[0]
        } else {
            matches!(l.head.first().copied(), Some(b'\'' | DQUOTE))
                && l.last == l.head.first().copied()
        };
        if !quoted {
            self.anomaly("pickle-bad-operand", offset, "STRING operand is not quoted");
            return stop();
        }
        if !l.complete() {
            return Ok(Sym::LongStr);
        }
        let t = l.head.trim_ascii_end();
        Ok(match escape_decode(&t[1..t.len() - 1]) {
            Some(b) => match String::from_utf8(b) {
                Ok(s) => Sym::Str(s.into()),
                Err(_) => Sym::Other,
            },
            None => Sym::Other,
        })
    }

    /// UNICODE: raw-unicode-escape text; long ones are skipped.
    fn unicode_line(&mut self) -> WalkResult<Sym> {
        let l = self.read_line(self.limits.max_text, any_byte)?;
        if !l.complete() {
            return Ok(Sym::LongStr);
        }
        Ok(match raw_unicode_escape_decode(&l.head) {
            Some(s) => Sym::Str(s.into()),
            None => Sym::Other,
        })
    }

    fn push(&mut self, s: Sym) -> WalkResult<()> {
        if self.stack.len() >= self.limits.max_stack {
            return limit(format!("stack deeper than {}", self.limits.max_stack));
        }
        self.stack.push(s);
        Ok(())
    }

    fn pop(&mut self) -> Sym {
        self.stack.pop().unwrap_or(Sym::Other)
    }

    fn top(&self) -> Sym {
        self.stack.last().cloned().unwrap_or(Sym::Other)
    }

    /// Pop down to the topmost mark and return the items above it, or `None` when there is no mark (a
    /// loader fails there; the walk empties the stack and goes on).
    fn pop_mark(&mut self) -> Option<Vec<Sym>> {
        match self.stack.iter().rposition(|s| matches!(s, Sym::Mark)) {
            Some(i) => {
                let items = self.stack.split_off(i + 1);
                self.stack.pop();
                Some(items)
            }
            None => {
                self.stack.clear();
                None
            }
        }
    }

    fn memo_put(&mut self, key: u64) -> WalkResult<()> {
        if self.memo.len() >= self.limits.max_memo && !self.memo.contains_key(&key) {
            return limit(format!("memo larger than {}", self.limits.max_memo));
        }
        let top = self.top();
        self.memo.insert(key, top);
        Ok(())
    }

    fn memo_get(&mut self, key: u64) -> WalkResult<()> {
        let v = self.memo.get(&key).cloned().unwrap_or(Sym::Other);
        self.push(v)
    }

    /// A tuple of `items`, tracked when small enough, else opaque.
    fn tuple(&self, items: Vec<Sym>) -> Sym {
        if !self.track || items.len() > MAX_TUPLE || items.iter().any(|s| matches!(s, Sym::Mark)) {
            return Sym::Other;
        }
        let depth = 1 + items
            .iter()
            .map(|s| match s {
                Sym::Tuple(t) => t.depth,
                _ => 0,
            })
            .max()
            .unwrap_or(0);
        let left = self.tuple_budget.get();
        if depth > MAX_DEPTH || items.len() > left {
            return Sym::Other;
        }
        self.tuple_budget.set(left - items.len());
        Sym::Tuple(Rc::new(Tuple {
            items: items.into_boxed_slice(),
            depth,
            budget: Rc::clone(&self.tuple_budget),
        }))
    }

    /// Start tracking `t`; `None` when the arena is full.
    fn track(&mut self, t: Tracked) -> Option<usize> {
        (self.arena.len() < MAX_TRACKED).then(|| {
            self.arena.push(t);
            self.arena.len() - 1
        })
    }

    fn new_dict(&mut self, items: &[Sym]) -> Sym {
        if !self.track {
            return Sym::Other;
        }
        let mut a = Attrs::default();
        for kv in items.chunks(2) {
            match kv {
                [k, v] => a.set(k, v.clone(), &mut self.dict_values),
                _ => a.unknown = true,
            }
        }
        match self.track(Tracked::Dict(a)) {
            Some(id) => Sym::Obj(id),
            None => Sym::Other,
        }
    }

    /// A new `NumpyArrayWrapper` instance: `known` when it was made without running its `__init__`
    /// (no attributes yet), as joblib's pickler writes it.
    fn new_wrapper(&mut self, known: bool) -> Sym {
        let a = Attrs {
            unknown: !known,
            ..Attrs::default()
        };
        match self.track(Tracked::Wrapper(a)) {
            Some(id) => Sym::Obj(id),
            None => Sym::OpaqueWrapper,
        }
    }

    fn is_unknown(&self, id: usize) -> bool {
        id < self.taint_floor
            || match &self.arena[id] {
                Tracked::Dict(a) | Tracked::Wrapper(a) => a.unknown,
                Tracked::Dtype { unknown, .. } => *unknown,
            }
    }

    /// Everything tracked that `s` reaches may be changed by code the walk cannot follow (it is passed
    /// to a call, or to `__setstate__`).
    fn taint(&mut self, s: &Sym) {
        let mut todo = vec![s.clone()];
        let mut visits = 0;
        while let Some(x) = todo.pop() {
            visits += 1;
            if visits > TAINT_VISITS {
                self.taint_floor = self.arena.len();
                return;
            }
            match x {
                Sym::Tuple(t) => todo.extend(t.items.iter().cloned()),
                Sym::Obj(id) => {
                    if self.is_unknown(id) {
                        continue;
                    }
                    match &mut self.arena[id] {
                        Tracked::Dict(a) | Tracked::Wrapper(a) => {
                            a.unknown = true;
                            todo.extend(a.items.iter().map(|(_, v)| v.clone()));
                            todo.extend(a.values.iter().cloned());
                        }
                        Tracked::Dtype { unknown, state, .. } => {
                            *unknown = true;
                            todo.extend(state.iter().cloned());
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// The import `s` stands for, as (module, name).
    fn global(&self, s: &Sym) -> Option<(&str, &str)> {
        match s {
            Sym::Global(i) => self
                .report
                .imports
                .get(*i)
                .map(|g| (g.module.as_str(), g.name.as_str())),
            _ => None,
        }
    }

    fn is_global(&self, s: &Sym, module: &str, name: &str) -> bool {
        self.global(s) == Some((module, name))
    }

    fn is_wrapper_class(&self, s: &Sym) -> bool {
        self.global(s)
            .is_some_and(|(m, n)| n == "NumpyArrayWrapper" && WRAPPER_MODULES.contains(&m))
    }

    fn is_pure(&self, s: &Sym) -> bool {
        self.global(s).is_some_and(|g| PURE.contains(&g))
    }

    /// Record an import; returns the symbol standing for the imported object.
    fn import(&mut self, module: String, name: String, offset: u64, opcode: &'static str) -> Sym {
        if !is_dotted_identifier(&module) || !is_dotted_identifier(&name) {
            self.anomaly(
                "pickle-bad-operand",
                offset,
                format!("{opcode} names `{module}`.`{name}`, which is not a valid Python name"),
            );
        } else if name.contains('.') {
            // Protocol 4+ resolves a dotted name attribute by attribute (`eval.__call__`,
            // `system.__self__`); the verdict below judges the first component. (A single name is
            // well formed whatever it is: `builtins.__import__` is a dangerous import, not a
            // malformed operand, and pickletools reads it as a plain GLOBAL.)
            self.anomaly(
                "pickle-bad-operand",
                offset,
                format!(
                    "{opcode} names `{module}`.`{name}`, a dotted attribute path that loading resolves through getattr"
                ),
            );
        }
        let verdict = classify(&module, &name);
        if self.report.imports.len() < 100_000 {
            self.report.imports.push(Import {
                module,
                name,
                offset,
                opcode,
                verdict,
                called_by: None,
            });
            Sym::Global(self.report.imports.len() - 1)
        } else {
            Sym::Other
        }
    }

    /// Note an import that makes tuples and dicts worth following.
    fn imported(&mut self, g: Sym) -> Sym {
        if self.is_wrapper_class(&g) || self.is_global(&g, "numpy", "dtype") {
            self.track = true;
        }
        g
    }

    /// GLOBAL / INST operands: the two name lines, reported when over-long (no importable object has
    /// such a name, so it can only be meant to overflow a reader).
    fn global_operands(
        &mut self,
        offset: u64,
        opcode: &str,
    ) -> WalkResult<Option<(String, String)>> {
        let module = self.name_line()?;
        let name = self.name_line()?;
        match (module, name) {
            (Some(m), Some(n)) => Ok(Some((m, n))),
            _ => {
                self.anomaly(
                    "pickle-bad-operand",
                    offset,
                    format!(
                        "{opcode} names a module or attribute longer than {} bytes",
                        self.limits.max_text
                    ),
                );
                Ok(None)
            }
        }
    }

    fn call(&mut self, name: &'static str) {
        *self.report.calls.entry(name).or_insert(0) += 1;
    }

    /// `callee` was called by `opcode`: remember it on the import.
    fn called(&mut self, callee: &Sym, opcode: &'static str) {
        if let Sym::Global(i) = callee {
            if let Some(imp) = self.report.imports.get_mut(*i) {
                imp.called_by.get_or_insert(opcode);
            }
        }
    }

    /// `cls` instantiated with `args` by OBJ / INST (which run `__init__` when there are arguments).
    fn instantiate(&mut self, cls: &Sym, args: &[Sym], opcode: &'static str) -> Sym {
        self.called(cls, opcode);
        if self.is_pure(cls) {
            return Sym::Inert;
        }
        self.taint(cls);
        for a in args {
            self.taint(a);
        }
        if self.is_wrapper_class(cls) {
            self.new_wrapper(args.is_empty())
        } else if args.iter().any(|a| self.is_wrapper_class(a)) {
            Sym::OpaqueWrapper
        } else {
            Sym::Other
        }
    }

    /// What `REDUCE` of `f` on `args` leaves on the stack, for the calls whose result matters.
    fn reduce(&mut self, f: &Sym, args: &Sym, offset: u64) -> Sym {
        let items: &[Sym] = match args {
            Sym::Tuple(t) => &t.items,
            _ => &[],
        };
        if self.limits.tensors {
            self.record_tensor(f, items, offset);
        }
        // numpy.dtype(typestr, align, copy): joblib's wrappers carry one.
        if self.is_global(f, "numpy", "dtype") {
            if let [Sym::Str(t), rest @ ..] = items {
                if rest.len() <= 2 && rest.iter().all(|s| matches!(s, Sym::Bool(_) | Sym::Int(_))) {
                    let copy = matches!(rest.get(1), Some(Sym::Bool(true)))
                        || matches!(rest.get(1), Some(Sym::Int(n)) if *n != 0);
                    let d = Tracked::Dtype {
                        typestr: Rc::clone(t),
                        copy,
                        state: None,
                        unknown: false,
                    };
                    return self.track(d).map(Sym::Obj).unwrap_or(Sym::Other);
                }
            }
        }
        if self.is_pure(f) {
            return Sym::Inert;
        }
        self.taint(f);
        self.taint(args);
        // copyreg's helpers make an instance without running __init__ (protocols 0-1 write
        // `_reconstructor(cls, object, None)`).
        let helper = match self.global(f) {
            Some(("copyreg" | "copy_reg", n)) => Some(n.to_string()),
            _ => None,
        };
        if let (Some(helper), Some(cls)) = (helper.as_deref(), items.first()) {
            if self.is_wrapper_class(cls) {
                let plain = match helper {
                    "_reconstructor" => {
                        items.len() == 3
                            && (self.is_global(&items[1], "builtins", "object")
                                || self.is_global(&items[1], "__builtin__", "object"))
                            && matches!(items[2], Sym::PyNone)
                    }
                    "__newobj__" | "__newobj_ex__" => true,
                    _ => false,
                };
                return if plain {
                    self.new_wrapper(true)
                } else {
                    Sym::OpaqueWrapper
                };
            }
        }
        if self.is_wrapper_class(f) {
            return self.new_wrapper(false);
        }
        // Anything else handed the class may make an instance of it.
        if items.iter().any(|a| self.is_wrapper_class(a)) {
            return Sym::OpaqueWrapper;
        }
        Sym::Other
    }

    /// A tensor rebuild call: remember its storage and size.
    fn record_tensor(&mut self, f: &Sym, items: &[Sym], offset: u64) {
        let Some((m, n)) = self.global(f) else {
            return;
        };
        let rebuild = |m: &str, n: &str| {
            m == "torch._utils"
                && matches!(
                    n,
                    "_rebuild_tensor" | "_rebuild_tensor_v2" | "_rebuild_tensor_v3"
                )
        };
        let (args, v3): (&[Sym], bool) = if rebuild(m, n) {
            (items, n == "_rebuild_tensor_v3")
        } else if m == "torch._tensor" && n == "_rebuild_from_type_v2" {
            // _rebuild_from_type_v2(func, new_type, args, state)
            match (items.first().and_then(|s| self.global(s)), items.get(2)) {
                (Some((fm, fname)), Some(Sym::Tuple(t))) if rebuild(fm, fname) => {
                    (&t.items[..], fname == "_rebuild_tensor_v3")
                }
                _ => return,
            }
        } else {
            return;
        };
        let (Some(Sym::Storage(storage)), Some(Sym::Int(off)), Some(size)) =
            (args.first(), args.get(1), args.get(2).and_then(small_ints))
        else {
            return;
        };
        let Ok(storage_offset) = u64::try_from(*off) else {
            return;
        };
        let stride = args.get(3).and_then(small_ints);
        let dtype = if v3 {
            args.get(6)
                .and_then(|s| self.global(s))
                .map(|(m, n)| format!("{m}.{n}"))
        } else {
            None
        };
        if self.report.tensors.len() < MAX_RECORDS {
            self.report.tensors.push(TensorRef {
                offset,
                storage: *storage,
                storage_offset,
                size,
                stride,
                dtype,
            });
        }
    }

    /// A persistent id: a PyTorch storage when it has the shape torch.save gives it.
    fn persistent(&mut self, pid: &Sym, offset: u64) -> Sym {
        if !self.limits.tensors {
            return Sym::Other;
        }
        let Sym::Tuple(t) = pid else {
            return Sym::Other;
        };
        let [Sym::Str(kind), class, key, location, Sym::Int(numel), ..] = &t.items[..] else {
            return Sym::Other;
        };
        if &**kind != "storage" || t.items.len() > 6 || *numel < 0 {
            return Sym::Other;
        }
        let Some(class) = self.global(class).map(|(m, n)| format!("{m}.{n}")) else {
            return Sym::Other;
        };
        let key = match key {
            Sym::Str(s) => s.to_string(),
            Sym::Int(n) => n.to_string(),
            _ => return Sym::Other,
        };
        let location = match location {
            Sym::Str(s) => s.to_string(),
            _ => String::new(),
        };
        if self.report.storages.len() >= MAX_RECORDS {
            return Sym::Other;
        }
        self.report.storages.push(StorageRef {
            offset,
            class,
            key,
            location,
            numel: *numel as u64,
        });
        Sym::Storage(self.report.storages.len() - 1)
    }

    /// BUILD: `state` given to the object on top of the stack.
    fn build(&mut self, state: Sym, offset: u64) -> WalkResult<()> {
        let target = self.top();
        match target {
            Sym::Obj(id) => match &self.arena[id] {
                Tracked::Wrapper(_) => {
                    self.wrapper_state(id, &state);
                    if self.joblib {
                        self.joblib_array(id, offset)?;
                    }
                }
                Tracked::Dtype { .. } => {
                    if matches!(state, Sym::Tuple(_)) {
                        if let Tracked::Dtype { state: s, .. } = &mut self.arena[id] {
                            *s = Some(state);
                        }
                    } else {
                        self.taint(&target);
                        self.taint(&state);
                    }
                }
                Tracked::Dict(_) => {
                    self.taint(&target);
                    self.taint(&state);
                }
            },
            Sym::Inert => {}
            Sym::OpaqueWrapper if self.joblib => {
                self.diverged.get_or_insert(self.pos);
                return self.refuse(
                    offset,
                    "an object that may be a joblib array wrapper, made in a way the walk cannot follow",
                );
            }
            _ => self.taint(&state),
        }
        Ok(())
    }

    /// `load_build` without `__setstate__`: the state (a dict, or a `(dict, slot dict)` pair; falsy
    /// parts skipped) becomes the wrapper's attributes.
    fn wrapper_state(&mut self, id: usize, state: &Sym) {
        let parts: Vec<Sym> = match state {
            Sym::Tuple(t) if t.items.len() == 2 => t.items.to_vec(),
            s => vec![s.clone()],
        };
        let mut updates = Vec::new();
        let mut unknown = false;
        for p in parts {
            match p {
                Sym::PyNone | Sym::Bool(false) | Sym::Int(0) => {}
                Sym::Obj(d) if matches!(self.arena[d], Tracked::Dict(_)) => {
                    if self.is_unknown(d) {
                        unknown = true;
                    } else if let Tracked::Dict(a) = &self.arena[d] {
                        updates.extend(a.items.iter().cloned());
                    }
                }
                _ => unknown = true,
            }
        }
        if let Tracked::Wrapper(a) = &mut self.arena[id] {
            a.unknown |= unknown;
            for (k, v) in updates {
                a.put(k, v);
            }
        }
    }

    /// Stop the joblib reading: where the next opcode is cannot be worked out.
    fn refuse(&mut self, offset: u64, why: &str) -> WalkResult<()> {
        self.anomaly(
            "pickle-unresolved-array",
            offset,
            format!("joblib array data of unknown extent follows: {why}; the rest of the stream was not checked"),
        );
        stop()
    }

    /// After a `NumpyArrayWrapper`'s BUILD, joblib's unpickler reads the array from the file: either a
    /// nested pickle (object arrays) or an optional alignment padding (one length byte and that many
    /// bytes) and then `product(shape) * itemsize` raw bytes. Step over them the same way.
    fn joblib_array(&mut self, id: usize, offset: u64) -> WalkResult<()> {
        self.diverged.get_or_insert(self.pos);
        let (count, itemsize, objects, padded) = match self.wrapper_layout(id) {
            Ok(l) => l,
            Err(why) => return self.refuse(offset, &why),
        };
        if self.pos < self.frame_end {
            return self.refuse(
                offset,
                "the wrapper ends inside a frame, so joblib would read the data from after the frame",
            );
        }
        // The wrapper leaves the stack; the array takes its place.
        if let Some(top) = self.stack.last_mut() {
            *top = Sym::Other;
        }
        let start = self.pos;
        if objects {
            // A fresh, plain unpickler over the same file.
            let stack = std::mem::take(&mut self.stack);
            let memo = std::mem::take(&mut self.memo);
            let joblib = std::mem::replace(&mut self.joblib, false);
            let frame = std::mem::replace(&mut self.frame_end, 0);
            let res = self.one_pickle();
            self.stack = stack;
            self.memo = memo;
            self.joblib = joblib;
            self.frame_end = frame;
            res?;
        } else {
            if padded {
                let n = self.u8()?;
                self.skip(u64::from(n))?;
            }
            let Some(n) = count.checked_mul(itemsize) else {
                return self.refuse(offset, "the array's byte size overflows 64 bits");
            };
            self.skip(n)?;
        }
        if self.report.joblib_arrays.len() < MAX_RECORDS {
            self.report.joblib_arrays.push(JoblibArray {
                offset: start,
                length: self.pos - start,
                objects,
            });
        }
        Ok(())
    }

    /// (element count, item size, object array, alignment padding) of the wrapper's array, or why it
    /// cannot be known.
    fn wrapper_layout(&self, id: usize) -> Result<(u64, u64, bool, bool), String> {
        if self.is_unknown(id) {
            return Err("the wrapper's attributes were set in a way the walk cannot follow".into());
        }
        let Tracked::Wrapper(a) = &self.arena[id] else {
            return Err("not a wrapper".into());
        };
        let count = match a.get("shape") {
            Some(Sym::Tuple(t)) => {
                let mut count = 1u64;
                for d in t.items.iter() {
                    let Sym::Int(d) = d else {
                        return Err("the shape holds something other than integers".into());
                    };
                    let d = u64::try_from(*d).map_err(|_| "the shape has a negative dimension")?;
                    count = count
                        .checked_mul(d)
                        .ok_or("the element count overflows 64 bits")?;
                }
                count
            }
            _ => return Err("the shape is missing or not a tuple of integers".into()),
        };
        let (itemsize, objects) = match a.get("dtype") {
            Some(Sym::Obj(d)) => self.dtype_layout(*d, 0)?,
            _ => return Err("the dtype is missing or not a numpy.dtype the walk can read".into()),
        };
        let padded = match a.get("numpy_array_alignment_bytes") {
            None | Some(Sym::PyNone) => false,
            Some(Sym::Other | Sym::Storage(_) | Sym::Mark) => {
                return Err("the alignment attribute cannot be read".into())
            }
            Some(_) => true,
        };
        Ok((count, itemsize, objects, padded))
    }

    /// Item size and object flag of a tracked dtype, accepting only what NumPy itself pickles:
    /// `numpy.dtype('<kind><size>', align, True)` with a version 3 or 4 state; structured (`V`) dtypes
    /// with a field table of such dtypes, and sub-array dtypes, are followed `depth` levels down. The
    /// state's object flag must agree with the type (and with the fields).
    fn dtype_layout(&self, id: usize, depth: u8) -> Result<(u64, bool), String> {
        let Tracked::Dtype {
            typestr,
            copy,
            state,
            ..
        } = &self.arena[id]
        else {
            return Err("the dtype is not a numpy.dtype".into());
        };
        if self.is_unknown(id) {
            return Err("the dtype may have been changed by code the walk cannot follow".into());
        }
        if !copy {
            return Err("the dtype is not a fresh copy".into());
        }
        let why = || format!("dtype '{typestr}' is not one NumPy writes");
        let odd = || format!("dtype '{typestr}' has a state NumPy does not write");
        let mut chars = typestr.chars();
        let kind = chars.next().ok_or_else(why)?;
        let digits = chars.as_str();
        if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(why());
        }
        let n: u64 = digits.parse().map_err(|_| why())?;
        let itemsize = match (kind, n) {
            ('b', 1) => 1,
            ('i' | 'u', 1 | 2 | 4 | 8) => n,
            ('f', 2 | 4 | 8 | 16) => n,
            ('c', 8 | 16 | 32) => n,
            ('M' | 'm', 8) => 8,
            ('O', 4 | 8) => 8,
            ('S' | 'V', 1..) => n,
            ('U', 1..) => n.checked_mul(4).ok_or_else(why)?,
            _ => return Err(why()),
        };
        let extended = matches!(kind, 'S' | 'U' | 'V');
        let Some(st) = state else {
            return Ok((itemsize, kind == 'O'));
        };
        let Sym::Tuple(t) = st else {
            return Err(odd());
        };
        let s = &t.items;
        let fits = match s.first() {
            Some(Sym::Int(3)) => s.len() == 8,
            Some(Sym::Int(4)) => s.len() == 9,
            _ => false,
        };
        if !fits {
            return Err(odd());
        }
        let (Sym::Int(elsize), Sym::Int(flags)) = (&s[5], &s[7]) else {
            return Err(odd());
        };
        let flags = if (-128..0).contains(flags) {
            flags + 128
        } else {
            *flags
        };
        if !(0..=255).contains(&flags) {
            return Err(odd());
        }
        let flagged = flags & 1 != 0;
        // Sub-array base and fields: only for void dtypes, and only NumPy's own shapes.
        let nested = |d: &Sym| -> Result<bool, String> {
            match d {
                Sym::Obj(c) if depth < MAX_DTYPE_DEPTH => {
                    self.dtype_layout(*c, depth + 1).map(|(_, o)| o)
                }
                _ => Err(odd()),
            }
        };
        let mut inner_objects = None;
        match &s[2] {
            Sym::PyNone => {}
            Sym::Tuple(sub) if kind == 'V' && sub.items.len() == 2 => {
                inner_objects = Some(nested(&sub.items[0])?);
            }
            _ => return Err(odd()),
        }
        match (&s[3], &s[4]) {
            (Sym::PyNone, Sym::PyNone) => {}
            (Sym::Tuple(_), Sym::Obj(f)) if kind == 'V' && inner_objects.is_none() => {
                let Tracked::Dict(a) = &self.arena[*f] else {
                    return Err(odd());
                };
                if self.is_unknown(*f) || a.overflow {
                    return Err(format!(
                        "dtype '{typestr}' has fields the walk cannot follow"
                    ));
                }
                let mut any = false;
                for v in &a.values {
                    let Sym::Tuple(field) = v else {
                        return Err(odd());
                    };
                    any |= nested(field.items.first().ok_or_else(odd)?)?;
                }
                inner_objects = Some(any);
            }
            _ => return Err(odd()),
        }
        let consistent = match (kind, inner_objects) {
            ('O', _) => flagged,
            (_, Some(inner)) => flagged == inner,
            _ => !flagged,
        } && if extended {
            u64::try_from(*elsize) == Ok(itemsize)
        } else {
            *elsize == -1
        };
        if !consistent {
            return Err(format!(
                "dtype '{typestr}' has a state that disagrees with its type"
            ));
        }
        if itemsize == 0 {
            return Err(why());
        }
        Ok((itemsize, flagged || kind == 'O'))
    }

    fn opcode(&mut self, op: u8, offset: u64) -> WalkResult<Step> {
        match op {
            b'.' => return Ok(Step::Stop),
            0x80 => {
                let p = self.u8()?;
                if p > 5 {
                    self.anomaly(
                        "pickle-bad-operand",
                        offset,
                        format!("unsupported protocol {p}"),
                    );
                }
                self.report.protocol = self.report.protocol.max(p);
            }
            0x95 => {
                // FRAME: only where a joblib array starts depends on it.
                let n = self.le(8)?;
                self.frame_end = self.pos.saturating_add(n);
            }
            b'(' => self.push(Sym::Mark)?,
            b'0' => {
                self.pop();
            }
            b'1' => {
                self.pop_mark();
            }
            b'2' => {
                let top = self.top();
                self.push(top)?;
            }
            // Numbers and constants.
            b'F' | b'I' | b'L' => {
                let v = self.number_line(op, offset)?;
                self.push(v)?;
            }
            b'J' => {
                let v = self.le(4)? as u32 as i32;
                self.push(Sym::Int(v.into()))?;
            }
            b'K' => {
                let v = self.le(1)?;
                self.push(Sym::Int(v as i64))?;
            }
            b'M' => {
                let v = self.le(2)?;
                self.push(Sym::Int(v as i64))?;
            }
            b'G' => {
                self.le(8)?;
                self.push(Sym::Other)?;
            }
            b'N' => self.push(Sym::PyNone)?,
            0x88 => self.push(Sym::Bool(true))?,
            0x89 => self.push(Sym::Bool(false))?,
            b')' => {
                let t = self.tuple(Vec::new());
                self.push(t)?;
            }
            b']' | 0x8f => self.push(Sym::Other)?,
            b'}' => {
                let d = self.new_dict(&[]);
                self.push(d)?;
            }
            0x8a => {
                let n = self.le(1)?;
                let v = self.long(n)?;
                self.push(v)?;
            }
            0x8b => {
                let n = self.le(4)?;
                let v = self.long(n)?;
                self.push(v)?;
            }
            // Strings: kept (they may name a module or attribute for STACK_GLOBAL).
            b'S' => {
                let v = self.string_line(offset)?;
                self.push(v)?;
            }
            b'V' => {
                let v = self.unicode_line()?;
                self.push(v)?;
            }
            b'T' | b'X' | b'B' => {
                let n = self.le(4)?;
                let v = self.payload(n)?;
                self.push(if op == b'B' { Sym::Other } else { v })?;
            }
            b'U' | 0x8c | b'C' => {
                let n = self.le(1)?;
                let v = self.payload(n)?;
                self.push(if op == b'C' { Sym::Other } else { v })?;
            }
            0x8d | 0x8e | 0x96 => {
                let n = self.le(8)?;
                let v = self.payload(n)?;
                self.push(if op == 0x8d { v } else { Sym::Other })?;
            }
            0x97 | 0x98 => {
                if op == 0x97 {
                    self.push(Sym::Other)?;
                }
            }
            // Containers: consume their items, leave one value.
            b'a' => {
                self.pop();
            }
            b'e' | 0x90 => {
                self.pop_mark();
            }
            b's' => {
                let v = self.pop();
                let k = self.pop();
                if let Some(Sym::Obj(id)) = self.stack.last() {
                    if let Tracked::Dict(a) = &mut self.arena[*id] {
                        a.set(&k, v, &mut self.dict_values);
                    }
                }
            }
            b'u' => {
                let items = self.pop_mark().unwrap_or_default();
                if let Some(Sym::Obj(id)) = self.stack.last() {
                    if let Tracked::Dict(a) = &mut self.arena[*id] {
                        for kv in items.chunks(2) {
                            match kv {
                                [k, v] => a.set(k, v.clone(), &mut self.dict_values),
                                _ => a.unknown = true,
                            }
                        }
                    }
                }
            }
            b'd' => {
                let items = self.pop_mark().unwrap_or_default();
                let d = self.new_dict(&items);
                self.push(d)?;
            }
            b't' => {
                let items = self.pop_mark().unwrap_or_default();
                let t = self.tuple(items);
                self.push(t)?;
            }
            b'l' | 0x91 => {
                self.pop_mark();
                self.push(Sym::Other)?;
            }
            0x85..=0x87 => {
                let n = usize::from(op - 0x84);
                let mut items: Vec<Sym> = (0..n).map(|_| self.pop()).collect();
                items.reverse();
                let t = self.tuple(items);
                self.push(t)?;
            }
            // Memo.
            b'p' => {
                let key = self.key_line("PUT")?;
                self.memo_put(key)?;
            }
            b'q' => {
                let k = self.le(1)?;
                self.memo_put(k)?;
            }
            b'r' => {
                let k = self.le(4)?;
                self.memo_put(k)?;
            }
            0x94 => {
                let k = self.memo.len() as u64;
                self.memo_put(k)?;
            }
            b'g' => {
                let key = self.key_line("GET")?;
                self.memo_get(key)?;
            }
            b'h' => {
                let k = self.le(1)?;
                self.memo_get(k)?;
            }
            b'j' => {
                let k = self.le(4)?;
                self.memo_get(k)?;
            }
            // Imports.
            b'c' => {
                let g = match self.global_operands(offset, "GLOBAL")? {
                    Some((module, name)) => {
                        let g = self.import(module, name, offset, "GLOBAL");
                        self.imported(g)
                    }
                    None => Sym::Other,
                };
                self.push(g)?;
            }
            b'i' => {
                let g = match self.global_operands(offset, "INST")? {
                    Some((module, name)) => {
                        let g = self.import(module, name, offset, "INST");
                        self.imported(g)
                    }
                    None => Sym::Other,
                };
                self.call("INST");
                // A loader needs the mark before it calls anything.
                let v = match self.pop_mark() {
                    Some(args) => self.instantiate(&g, &args, "INST"),
                    None => Sym::Other,
                };
                self.push(v)?;
            }
            0x93 => {
                let name = self.pop();
                let module = self.pop();
                let g = match (module, name) {
                    (Sym::Str(m), Sym::Str(n)) => {
                        let g = self.import(m.to_string(), n.to_string(), offset, "STACK_GLOBAL");
                        self.imported(g)
                    }
                    (m, n) => {
                        let strings = [&m, &n]
                            .iter()
                            .all(|s| matches!(s, Sym::Str(_) | Sym::LongStr));
                        let why = if strings {
                            self.string_unresolved.insert(offset);
                            "STACK_GLOBAL operands are strings too long to read; the imported object cannot be named"
                        } else {
                            "STACK_GLOBAL operands are not plain strings; the imported object cannot be named"
                        };
                        self.anomaly("pickle-unresolved-global", offset, why);
                        Sym::Other
                    }
                };
                self.push(g)?;
            }
            // Calls and construction.
            b'R' => {
                self.call("REDUCE");
                let args = self.pop();
                let f = self.pop();
                self.called(&f, "REDUCE");
                let v = self.reduce(&f, &args, offset);
                self.push(v)?;
            }
            b'b' => {
                self.call("BUILD");
                let state = self.pop();
                self.build(state, offset)?;
            }
            0x81 | 0x92 => {
                let name = if op == 0x81 { "NEWOBJ" } else { "NEWOBJ_EX" };
                self.call(name);
                if op == 0x92 {
                    let kwargs = self.pop();
                    self.taint(&kwargs);
                }
                let args = self.pop();
                let cls = self.pop();
                self.called(&cls, name);
                // cls.__new__(cls, *args): no __init__.
                let v = if self.is_wrapper_class(&cls) {
                    self.new_wrapper(true)
                } else if self.is_pure(&cls) {
                    Sym::Inert
                } else {
                    self.taint(&args);
                    Sym::Other
                };
                self.push(v)?;
            }
            b'o' => {
                self.call("OBJ");
                let v = match self.pop_mark() {
                    Some(items) if !items.is_empty() => {
                        let cls = items[0].clone();
                        self.instantiate(&cls, &items[1..], "OBJ")
                    }
                    _ => Sym::Other,
                };
                self.push(v)?;
            }
            0x82..=0x84 => {
                let n = match op {
                    0x82 => 1,
                    0x83 => 2,
                    _ => 4,
                };
                let code = self.le(n)?;
                self.call("EXT");
                // Extension codes name globals through copyreg's registry, which we cannot see.
                self.anomaly(
                    "pickle-unresolved-global",
                    offset,
                    format!("EXT opcode imports registry entry {code}, which cannot be named from the file"),
                );
                self.push(Sym::Other)?;
            }
            b'P' => {
                self.read_line(self.limits.max_text, any_byte)?;
                self.call("PERSID");
                self.push(Sym::Other)?;
            }
            b'Q' => {
                self.call("BINPERSID");
                let pid = self.pop();
                let v = self.persistent(&pid, offset);
                self.push(v)?;
            }
            other => {
                self.anomaly(
                    "pickle-unknown-opcode",
                    offset,
                    format!("unknown opcode 0x{other:02x}"),
                );
                return stop();
            }
        }
        Ok(Step::Continue)
    }
}

/// A tuple of non-negative integers (a tensor size or stride).
fn small_ints(s: &Sym) -> Option<Vec<u64>> {
    let Sym::Tuple(t) = s else {
        return None;
    };
    t.items
        .iter()
        .map(|x| match x {
            Sym::Int(n) => u64::try_from(*n).ok(),
            _ => None,
        })
        .collect()
}

/// Python's `codecs.escape_decode` (the escapes of a bytes literal), as protocol 0 STRING operands use
/// them; `None` for an escape Python rejects.
fn escape_decode(s: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        i += 1;
        if c != b'\\' {
            out.push(c);
            continue;
        }
        let e = *s.get(i)?;
        i += 1;
        match e {
            b'\n' => {}
            b'\\' | b'\'' | DQUOTE => out.push(e),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'0'..=b'7' => {
                let mut v = u32::from(e - b'0');
                for _ in 0..2 {
                    match s.get(i) {
                        Some(d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push(v as u8);
            }
            b'x' => {
                let h = s.get(i..i + 2)?;
                let v = u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()?;
                out.push(v);
                i += 2;
            }
            _ => {
                out.push(b'\\');
                out.push(e);
            }
        }
    }
    Some(out)
}

/// Python's `raw-unicode-escape` decoding, as protocol 0 UNICODE operands use it: bytes are Latin-1
/// characters except `\uXXXX` and `\UXXXXXXXX` after an odd number of backslashes.
fn raw_unicode_escape_decode(s: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] != b'\\' {
            out.push(char::from(s[i]));
            i += 1;
            continue;
        }
        let run = s[i..].iter().take_while(|b| **b == b'\\').count();
        i += run;
        let escape = run % 2 == 1 && matches!(s.get(i), Some(b'u' | b'U'));
        let kept = if escape { run - 1 } else { run };
        out.extend(std::iter::repeat_n('\\', kept));
        if escape {
            let n = if s[i] == b'u' { 4 } else { 8 };
            let h = s.get(i + 1..i + 1 + n)?;
            let v = u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()?;
            out.push(char::from_u32(v)?);
            i += 1 + n;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(b: &[u8]) -> PickleReport {
        walk_bytes(b, Limits::default())
    }

    fn names(r: &PickleReport) -> Vec<(String, String, u64, Verdict)> {
        r.imports
            .iter()
            .map(|i| (i.module.clone(), i.name.clone(), i.offset, i.verdict))
            .collect()
    }

    fn codes(r: &PickleReport) -> Vec<&'static str> {
        r.anomalies.iter().map(|a| a.code).collect()
    }

    #[test]
    fn protocol_0_global_and_reduce() {
        let r = scan(b"cposix\nsystem\n(S'echo hi'\ntR.");
        assert_eq!(
            names(&r),
            [("posix".into(), "system".into(), 0, Verdict::Dangerous)]
        );
        assert_eq!(r.calls.get("REDUCE"), Some(&1));
        assert_eq!(r.pickles, 1);
        assert!(r.anomalies.is_empty(), "{:?}", r.anomalies);
    }

    #[test]
    fn protocol_2_binary_operands() {
        let r = scan(b"\x80\x02cposix\nsystem\nq\x00X\x07\x00\x00\x00echo hiq\x01\x85q\x02Rq\x03.");
        assert_eq!(r.protocol, 2);
        assert_eq!(
            names(&r),
            [("posix".into(), "system".into(), 2, Verdict::Dangerous)]
        );
        assert!(r.anomalies.is_empty(), "{:?}", r.anomalies);
    }

    #[test]
    fn stack_global_resolved_through_the_memo() {
        // PROTO 4, FRAME, "builtins" MEMOIZE(0), "eval" MEMOIZE(1), POP, POP, BINGET 0, BINGET 1,
        // STACK_GLOBAL, "1+1", TUPLE1, REDUCE, STOP.
        let mut p = b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00".to_vec();
        p.extend_from_slice(b"\x8c\x08builtins\x94\x8c\x04eval\x94");
        p.extend_from_slice(b"00h\x00h\x01\x93\x8c\x031+1\x85R.");
        let r = scan(&p);
        assert_eq!(r.protocol, 4);
        assert_eq!(r.imports.len(), 1);
        assert_eq!(
            (r.imports[0].module.as_str(), r.imports[0].name.as_str()),
            ("builtins", "eval")
        );
        assert_eq!(r.imports[0].opcode, "STACK_GLOBAL");
        assert_eq!(r.imports[0].offset, 35);
        assert_eq!(r.worst(), Some(Verdict::Dangerous));
    }

    #[test]
    fn protocol_0_strings_are_unescaped_before_they_name_a_global() {
        // STRING 'o\x73' is "os" to Python; UNICODE "sys\u0074em" is "system".
        let r = scan(b"\x80\x04S'o\\x73'\nVsys\\u0074em\n\x93(S'id'\ntR.");
        assert_eq!(
            names(&r),
            [("os".into(), "system".into(), 24, Verdict::Dangerous)]
        );
        assert_eq!(
            escape_decode(b"a\\'\\101\\n\\q"),
            Some(b"a'A\n\\q".to_vec())
        );
        assert_eq!(escape_decode(b"\\x4"), None);
        assert_eq!(
            raw_unicode_escape_decode(b"\\\\u0041\\u0042\xe9").as_deref(),
            Some("\\\\u0041B\u{e9}")
        );
    }

    #[test]
    fn stack_global_on_non_strings_is_unresolved_and_dangerous() {
        let r = scan(b"\x80\x04K\x01K\x02\x93).");
        assert!(r.imports.is_empty());
        assert_eq!(r.anomalies[0].code, "pickle-unresolved-global");
        assert_eq!(r.worst(), Some(Verdict::Dangerous));
    }

    #[test]
    fn stacked_pickles_are_all_walked() {
        let mut p = b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01.".to_vec();
        p.extend_from_slice(b"\x80\x02c__builtin__\neval\n(S'1'\ntR.");
        let r = scan(&p);
        assert_eq!(r.pickles, 2);
        let v: Vec<Verdict> = r.imports.iter().map(|i| i.verdict).collect();
        assert_eq!(v, [Verdict::Allowed, Verdict::Dangerous]);
        assert_eq!(r.imports[1].offset, 36);
    }

    #[test]
    fn clean_state_dict_shape_has_only_allowed_imports() {
        let p = b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01X\x01\x00\x00\x00wq\x02ctorch._utils\n_rebuild_tensor_v2\nq\x03(X\x07\x00\x00\x00storageq\x04K\x00K\x04\x85K\x01\x85\x89ccollections\nOrderedDict\n)Rtq\x05Rq\x06sX\x01\x00\x00\x00bQ.";
        let r = scan(p);
        assert!(
            r.imports.iter().all(|i| i.verdict == Verdict::Allowed),
            "{:?}",
            r.imports
        );
        assert_eq!(r.worst(), Some(Verdict::Allowed));
    }

    #[test]
    fn truncated_trailing_and_unknown_opcodes_are_reported() {
        assert_eq!(
            scan(b"\x80\x02X\xff\xff\xff\x00abc").anomalies[0].code,
            "pickle-truncated"
        );
        let r = scan(b"\x80\x02N.garbage");
        assert_eq!(r.anomalies[0].code, "pickle-trailing-data");
        assert_eq!(r.trailing_bytes, 7);
        let r = scan(b"\x80\x02\xff.");
        assert_eq!(r.anomalies.len(), 1);
        assert_eq!(r.anomalies[0].code, "pickle-unknown-opcode");
        assert_eq!(r.anomalies[0].offset, 2);
    }

    #[test]
    fn huge_lengths_are_skipped_not_allocated() {
        // BINUNICODE8 claiming 2^62 bytes: must end as truncated, quickly, without allocating.
        let r = scan(b"\x80\x04\x8d\x00\x00\x00\x00\x00\x00\x00\x40.");
        assert_eq!(r.anomalies[0].code, "pickle-truncated");
    }

    #[test]
    fn long_data_operands_are_skipped_long_names_are_reported() {
        // Data: a 10 000 character STRING, UNICODE, LONG and INT; nothing to report.
        let long = "a".repeat(10_000);
        let digits = "7".repeat(10_000);
        let p = format!("(S'{long}'\nV{long}\nL{digits}L\nI{digits}\nl.");
        let r = scan(p.as_bytes());
        assert!(r.anomalies.is_empty(), "{:?}", r.anomalies);
        assert_eq!(r.pickles, 1);
        // A long string is still a string, not a quote-less operand.
        let r = scan(format!("S'{long}\n.").as_bytes());
        assert_eq!(codes(&r), ["pickle-bad-operand"]);
        // A GLOBAL name over the cap is malformed, and the walk goes on to what follows.
        let p = format!("c{long}\nx\n0cposix\nsystem\n.");
        let r = scan(p.as_bytes());
        assert_eq!(codes(&r), ["pickle-bad-operand"]);
        assert_eq!(r.anomalies[0].offset, 0);
        assert_eq!(r.imports.len(), 1);
        assert_eq!(r.imports[0].name, "system");
        // Without a newline it is truncated, not a cap.
        let r = scan(format!("c{long}").as_bytes());
        assert_eq!(codes(&r), ["pickle-truncated"]);
    }

    #[test]
    fn numbers_in_every_notation_a_loader_accepts_go_through() {
        let r = scan(b"(I0x10\nI-5\nI01\nL12L\nF1e-3\nFinf\nl.");
        assert!(r.anomalies.is_empty(), "{:?}", r.anomalies);
        let r = scan(b"I'x'\n.");
        assert_eq!(codes(&r), ["pickle-bad-operand"]);
    }

    #[test]
    fn a_broken_pickle_is_still_a_pickle_when_code_runs_before_the_break() {
        // nullifAI: the call, then bytes no loader accepts, and no STOP.
        let p = b"cposix\nsystem\n(S'id'\ntR\x00\x01garbage";
        assert!(looks_like_pickle(p, true));
        assert!(looks_like_pickle(&p[..20], false));
        let r = scan(p);
        assert_eq!(r.imports[0].called_by, Some("REDUCE"));
        assert_eq!(codes(&r), ["pickle-unknown-opcode"]);
        assert_eq!(r.anomalies[0].offset, 23);
        // An import without a call that is not dangerous is not enough; neither is prose.
        assert!(!looks_like_pickle(b"cfoo\nbar\n\x00", true));
        assert!(!looks_like_pickle(b"credits\nAlice\nBob and Carol\n", true));
        assert!(!looks_like_pickle(b"contributors\nalice\no\n", true));
        // A head that runs out inside a long protocol 0 string.
        let mut h = b"(S'".to_vec();
        h.extend(std::iter::repeat_n(b'x', 4000));
        assert!(looks_like_pickle(&h, false));
        assert!(!looks_like_pickle(&h, true));
    }

    #[test]
    fn obj_without_a_mark_calls_nothing() {
        let r = scan(b"cfoo\nbar\no.");
        assert_eq!(r.imports[0].called_by, None);
        let r = scan(b"(cfoo\nbar\no.");
        assert_eq!(r.imports[0].called_by, Some("OBJ"));
    }

    fn short(v: &mut Vec<u8>, t: &str) {
        v.push(0x8c);
        v.push(t.len() as u8);
        v.extend_from_slice(t.as_bytes());
    }

    /// `numpy.dtype(typestr, False, True)` with a version 3 state whose last three items are given
    /// (elsize, alignment, flags), as BININTs.
    fn dtype(typestr: &str, elsize: i32, align: i32, flags: u8) -> Vec<u8> {
        let mut v = Vec::new();
        short(&mut v, "numpy");
        short(&mut v, "dtype");
        v.push(0x93);
        short(&mut v, typestr);
        v.extend_from_slice(b"\x89\x88\x87R(K\x03");
        short(&mut v, "<");
        v.extend_from_slice(b"NNNJ");
        v.extend_from_slice(&elsize.to_le_bytes());
        v.push(b'J');
        v.extend_from_slice(&align.to_le_bytes());
        v.extend_from_slice(&[b'K', flags, b't', b'b']);
        v
    }

    /// A joblib wrapper as NumpyPickler writes it in protocol 4: NEWOBJ of the class, then its state
    /// dict (`dtype_ops` push the dtype), BUILD. With `align`, joblib >= 1.2's alignment attribute.
    fn wrapper(dtype_ops: &[u8], shape: &[u8], align: bool) -> Vec<u8> {
        let mut v = Vec::new();
        short(&mut v, "joblib.numpy_pickle");
        short(&mut v, "NumpyArrayWrapper");
        v.extend_from_slice(b"\x93)\x81}(");
        short(&mut v, "subclass");
        short(&mut v, "numpy");
        short(&mut v, "ndarray");
        v.push(0x93);
        short(&mut v, "shape");
        v.push(b'(');
        for d in shape {
            v.extend_from_slice(&[b'K', *d]);
        }
        v.push(b't');
        short(&mut v, "order");
        short(&mut v, "C");
        short(&mut v, "dtype");
        v.extend_from_slice(dtype_ops);
        short(&mut v, "allow_mmap");
        v.push(0x88);
        if align {
            short(&mut v, "numpy_array_alignment_bytes");
            v.extend_from_slice(b"K\x10");
        }
        v.extend_from_slice(b"ub");
        v
    }

    /// `{'w': <array>}`: the dict and the wrapper in one frame, then `between` (padding and data, as
    /// joblib writes them outside any frame), then the rest in a second frame.
    fn joblib_file(wrapper: &[u8], between: &[u8]) -> Vec<u8> {
        let mut body = b"}(\x8c\x01w".to_vec();
        body.extend_from_slice(wrapper);
        let mut v = b"\x80\x04\x95".to_vec();
        v.extend_from_slice(&(body.len() as u64).to_le_bytes());
        v.extend(body);
        v.extend_from_slice(between);
        v.extend_from_slice(b"\x95\x02\x00\x00\x00\x00\x00\x00\x00u.");
        v
    }

    fn f4_file(shape: &[u8], data: &[u8]) -> Vec<u8> {
        let mut between = vec![3, 0xff, 0xff, 0xff];
        between.extend_from_slice(data);
        joblib_file(&wrapper(&dtype("f4", -1, -1, 0), shape, true), &between)
    }

    #[test]
    fn joblib_array_data_is_stepped_over() {
        let data: Vec<u8> = (0..24).map(|i| i as u8).collect();
        let f = f4_file(&[2, 3], &data);
        let r = scan(&f);
        assert!(r.anomalies.is_empty(), "{:?}", r.anomalies);
        assert_eq!(r.pickles, 1);
        assert_eq!(r.end, f.len() as u64);
        assert_eq!(r.joblib_arrays.len(), 1);
        assert_eq!(r.joblib_arrays[0].length, 4 + 24);
        assert!(r.imports.iter().all(|i| i.verdict == Verdict::Allowed));
        // Four elements fewer in the shape than in the data: the data's tail is taken as opcodes.
        let r = scan(&f4_file(&[2, 2], &data));
        assert_eq!(codes(&r), ["pickle-unknown-opcode"]);
    }

    #[test]
    fn joblib_array_bytes_that_pickle_load_would_run_are_reported() {
        // No alignment attribute (joblib < 1.2): the "array" follows BUILD directly, and it is a call
        // that a plain unpickler runs.
        let evil = b"cposix\nsystem\n(S'id'\ntR0";
        let w = wrapper(&dtype("u1", -1, -1, 0), &[evil.len() as u8], false);
        let r = scan(&joblib_file(&w, evil));
        let system: Vec<_> = r.imports.iter().filter(|i| i.name == "system").collect();
        assert_eq!(system.len(), 1, "{:?}", r.imports);
        assert_eq!(system[0].called_by, Some("REDUCE"));
        assert_eq!(r.worst(), Some(Verdict::Dangerous));
    }

    #[test]
    fn joblib_state_the_walk_cannot_follow_is_refused() {
        let refused = |v: &[u8]| codes(&scan(v)).contains(&"pickle-unresolved-array");
        // A wrapper made by calling the class (its __init__ sets attributes the walk does not see).
        let mut v = b"\x80\x04".to_vec();
        short(&mut v, "joblib.numpy_pickle");
        short(&mut v, "NumpyArrayWrapper");
        v.extend_from_slice(b"\x93)R}b");
        v.extend_from_slice(b"cposix\nsystem\n.");
        let r = scan(&v);
        assert!(codes(&r).contains(&"pickle-unresolved-array"), "{r:?}");
        assert!(r.imports.iter().any(|i| i.name == "system"));
        // A state dict with a key that is not a known string.
        let mut v = b"\x80\x04".to_vec();
        short(&mut v, "joblib.numpy_pickle");
        short(&mut v, "NumpyArrayWrapper");
        v.extend_from_slice(b"\x93)\x81}(]K\x02ub.");
        assert!(refused(&v));
        // A dtype state that claims objects for a float type.
        let mut v = b"\x80\x04".to_vec();
        v.extend(wrapper(&dtype("f4", -1, -1, 0x3f), &[2], false));
        v.extend_from_slice(&[0u8; 8]);
        v.push(b'.');
        assert!(refused(&v));
        // The wrapper's BUILD inside a frame that goes on after it.
        let w = wrapper(&dtype("f4", -1, -1, 0), &[2], false);
        let mut v = b"\x80\x04\x95".to_vec();
        v.extend_from_slice(&(w.len() as u64 + 9).to_le_bytes());
        v.extend_from_slice(&w);
        v.extend_from_slice(&[0u8; 8]);
        v.push(b'.');
        assert!(refused(&v));
        // The same dtype given a second state through the memo before a second wrapper reads it.
        let mut d = dtype("S4", 4, 1, 0);
        d.extend_from_slice(b"q\x00");
        let mut v = b"\x80\x04".to_vec();
        v.extend(wrapper(&d, &[2], false));
        v.extend_from_slice(&[b'a'; 8]);
        v.extend_from_slice(b"0h\x00(K\x03");
        short(&mut v, "|");
        v.extend_from_slice(b"NNNK\x08K\x01K\x00tb0");
        v.extend(wrapper(b"h\x00", &[1], false));
        v.extend_from_slice(&[b'a'; 8]);
        v.push(b'.');
        let r = scan(&v);
        assert_eq!(r.joblib_arrays.len(), 1);
        assert_eq!(codes(&r), ["pickle-unresolved-array"]);
    }

    #[test]
    fn joblib_object_arrays_are_a_nested_pickle() {
        let mut v = b"\x80\x04".to_vec();
        v.extend(wrapper(&dtype("O8", -1, -1, 0x3f), &[1], true));
        // The nested pickle has its own memo: builtins.eval, then the outer STOP.
        v.extend_from_slice(b"\x80\x02c__builtin__\neval\nq\x00X\x01\x00\x00\x001\x85R.");
        v.push(b'.');
        let r = scan(&v);
        assert_eq!(r.pickles, 1);
        assert_eq!(r.joblib_arrays.len(), 1);
        assert!(r.joblib_arrays[0].objects);
        assert!(r.anomalies.is_empty(), "{:?}", r.anomalies);
        assert!(r.imports.iter().any(|i| i.name == "eval"));
    }

    #[test]
    fn torch_storages_and_rebuild_calls_are_recorded_on_request() {
        let p = b"\x80\x02}q\x00X\x01\x00\x00\x00wq\x01ctorch._utils\n_rebuild_tensor_v2\nq\x02((X\x07\x00\x00\x00storageq\x03ctorch\nHalfStorage\nq\x04X\x01\x00\x00\x000q\x05X\x03\x00\x00\x00cpuq\x06M\x2c\x01tq\x07QK\x00K\x0aK\x1e\x86K\x1eK\x01\x86\x89ccollections\nOrderedDict\n)Rtq\x08Rq\x09s.";
        let r = walk_bytes(
            p,
            Limits {
                tensors: true,
                ..Limits::default()
            },
        );
        assert!(r.anomalies.is_empty(), "{:?}", r.anomalies);
        assert_eq!(r.storages.len(), 1);
        assert_eq!(r.storages[0].class, "torch.HalfStorage");
        assert_eq!(r.storages[0].numel, 300);
        assert_eq!(r.storages[0].key, "0");
        assert_eq!(r.tensors.len(), 1);
        assert_eq!(r.tensors[0].size, [10, 30]);
        assert_eq!(r.tensors[0].stride, Some(vec![30, 1]));
        // Not recorded unless asked for.
        assert!(scan(p).storages.is_empty());
    }

    #[test]
    fn no_input_prefix_panics() {
        let p = b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix\x94\x8c\x06system\x94\x93\x8c\x02id\x85R.";
        for n in 0..p.len() {
            let _ = scan(&p[..n]);
        }
        assert_eq!(scan(p).imports[0].name, "system");
        let f = f4_file(&[2, 3], &[0; 24]);
        for n in 0..f.len() {
            let r = scan(&f[..n]);
            assert!(r.end <= n as u64);
            let _ = looks_like_pickle(&f[..n], false);
        }
    }

    #[test]
    fn every_single_byte_mutation_of_joblib_layouts_is_handled() {
        let mut obj = b"\x80\x04".to_vec();
        obj.extend(wrapper(&dtype("O8", -1, -1, 0x3f), &[1], true));
        obj.extend_from_slice(b"\x80\x02c__builtin__\neval\nq\x00X\x01\x00\x00\x001\x85R..");
        let start = std::time::Instant::now();
        for f in [f4_file(&[2, 3], &[7; 24]), obj] {
            for i in 0..f.len() {
                for x in [
                    0x00,
                    0xff,
                    0x80,
                    b'(',
                    b'b',
                    b'u',
                    f[i] ^ 1,
                    f[i].wrapping_add(1),
                ] {
                    let mut b = f.clone();
                    b[i] = x;
                    let r = scan(&b);
                    assert!(r.end <= b.len() as u64);
                    let _ = looks_like_pickle(&b, true);
                }
            }
        }
        assert!(start.elapsed().as_secs() < 30);
    }

    #[test]
    fn deep_and_wide_tuples_stay_bounded() {
        // 100 000 nested TUPLE1s and a 500 000-item tuple, with tuples followed (numpy.dtype seen).
        let mut p = b"\x80\x02cnumpy\ndtype\n0N".to_vec();
        p.extend(std::iter::repeat_n(0x85u8, 100_000));
        p.push(b'(');
        p.extend(std::iter::repeat_n(b'N', 500_000));
        p.extend_from_slice(b"t.");
        let r = scan(&p);
        assert!(r.anomalies.is_empty(), "{:?}", r.anomalies);
        // Memoized GETs share one copy of a string.
        let mut p = b"\x80\x02X\x00\x10\x00\x00".to_vec();
        p.extend(std::iter::repeat_n(b'a', 4096));
        p.extend_from_slice(b"q\x00");
        for _ in 0..100_000 {
            p.extend_from_slice(b"h\x00");
        }
        p.push(b'.');
        assert!(scan(&p).anomalies.is_empty());
    }
}
