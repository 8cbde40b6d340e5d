//! A pickle opcode walker written for auditing, not for loading: it reads protocols 0–5 opcode by
//! opcode, never builds objects, keeps only a small symbolic stack and memo (enough to resolve the
//! operands of `STACK_GLOBAL` and to see which import a call opcode calls), records every import with its
//! byte offset, counts the opcodes that call or construct, follows stacked pickles past `STOP`, and
//! reports what it could not understand. Every length is checked against caps and the input before
//! anything is read; large payloads are skipped, not copied.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead, Seek};

use serde::Serialize;

use super::imports::{classify, Verdict};

/// Caps that keep the walk bounded whatever the input says.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Opcodes walked before giving up (then an issue is reported).
    pub max_opcodes: u64,
    /// Entries kept in the memo and on the symbolic stack.
    pub max_memo: usize,
    pub max_stack: usize,
    /// Text operands (module and attribute names, text lines) longer than this are not kept.
    pub max_text: usize,
    /// Stacked pickles followed.
    pub max_pickles: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_opcodes: 50_000_000,
            max_memo: 1_000_000,
            max_stack: 1_000_000,
            max_text: 4096,
            max_pickles: 64,
        }
    }
}

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
    /// `pickle-trailing-data`, `pickle-limit-exceeded`, `pickle-bad-operand`.
    pub code: &'static str,
    pub offset: u64,
    pub message: String,
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

/// A value on the symbolic stack: strings (they may name globals for `STACK_GLOBAL`) and imported
/// objects (so a call opcode can say what it calls); the rest is opaque.
#[derive(Debug, Clone, PartialEq)]
enum Sym {
    Str(String),
    /// The import at this index of `report.imports`.
    Global(usize),
    Mark,
    Other,
}

struct Walker<R> {
    r: R,
    pos: u64,
    limits: Limits,
    stack: Vec<Sym>,
    memo: HashMap<u64, Sym>,
    report: PickleReport,
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
pub fn walk<R: BufRead + Seek>(mut r: R, limits: Limits) -> PickleReport {
    let pos = r.stream_position().unwrap_or(0);
    let mut w = Walker {
        r,
        pos,
        limits,
        stack: Vec::new(),
        memo: HashMap::new(),
        report: PickleReport {
            end: pos,
            ..PickleReport::default()
        },
    };
    w.run();
    w.report
}

/// Walk an in-memory pickle.
pub fn walk_bytes(data: &[u8], limits: Limits) -> PickleReport {
    walk(io::Cursor::new(data), limits)
}

/// Whether `head` (the first bytes of a file or member; `complete` when it is all of it) plausibly is a
/// pickle stream, protocols 0–5: it starts with an opcode that can open a pickle, and the walk over it
/// meets no unknown opcode or malformed operand, and either completes a pickle or (for a partial head)
/// gets through several opcodes before the head runs out.
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
    let r = walk_bytes(head, limits);
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
    !complete && r.opcodes >= 4
}

impl<R: BufRead + Seek> Walker<R> {
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

    fn remaining(&mut self) -> u64 {
        let here = self.pos;
        match self.r.seek(io::SeekFrom::End(0)) {
            Ok(end) => {
                let _ = self.r.seek(io::SeekFrom::Start(here));
                end.saturating_sub(here)
            }
            Err(_) => 0,
        }
    }

    fn one_pickle(&mut self) -> WalkResult<()> {
        loop {
            if self.report.opcodes >= self.limits.max_opcodes {
                return limit(format!("more than {} opcodes", self.limits.max_opcodes));
            }
            let offset = self.pos;
            let op = self.u8()?;
            self.report.opcodes += 1;
            if let Step::Stop = self.opcode(op, offset)? {
                return Ok(());
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

    /// Read `n` bytes of payload: kept as text when short, skipped otherwise.
    fn payload(&mut self, n: u64) -> io::Result<Sym> {
        if n <= self.limits.max_text as u64 {
            let mut buf = vec![0u8; n as usize];
            self.r.read_exact(&mut buf)?;
            self.pos += n;
            Ok(match String::from_utf8(buf) {
                Ok(s) => Sym::Str(s),
                Err(_) => Sym::Other,
            })
        } else {
            self.skip(n)?;
            Ok(Sym::Other)
        }
    }

    fn skip(&mut self, n: u64) -> io::Result<()> {
        let here = self.pos;
        let end = self.r.seek(io::SeekFrom::End(0))?;
        if here.checked_add(n).is_none_or(|t| t > end) {
            self.r.seek(io::SeekFrom::Start(end))?;
            self.pos = end;
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "payload past end",
            ));
        }
        self.r.seek(io::SeekFrom::Start(here + n))?;
        self.pos = here + n;
        Ok(())
    }

    /// A newline-terminated text operand (protocol 0), capped.
    fn line(&mut self) -> WalkResult<String> {
        let mut out = Vec::new();
        loop {
            let b = self.u8()?;
            if b == b'\n' {
                break;
            }
            if out.len() >= self.limits.max_text {
                return limit(format!(
                    "text operand longer than {} bytes",
                    self.limits.max_text
                ));
            }
            out.push(b);
        }
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    /// A numeric text operand (INT, LONG, FLOAT): malformed ones are reported, the walk goes on.
    fn number_line(&mut self, op: u8, offset: u64) -> WalkResult<()> {
        let l = self.line()?;
        let t = l.trim();
        let ok = match op {
            b'I' => t == "00" || t == "01" || t.parse::<i128>().is_ok() || is_big_int(t),
            b'L' => is_big_int(t.strip_suffix('L').unwrap_or(t)),
            _ => t.parse::<f64>().is_ok(),
        };
        if !ok {
            self.anomaly(
                "pickle-bad-operand",
                offset,
                format!("{} operand is not a number", op as char),
            );
            return Err(Halt::Bad {
                message: String::new(),
                reported: true,
            });
        }
        Ok(())
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

    /// Pop down to the topmost mark; returns the first item above the mark (the callable for OBJ).
    fn pop_mark(&mut self) -> Sym {
        let mut first = Sym::Other;
        while let Some(s) = self.stack.pop() {
            if s == Sym::Mark {
                break;
            }
            first = s;
        }
        first
    }

    fn memo_put(&mut self, key: u64) -> WalkResult<()> {
        if self.memo.len() >= self.limits.max_memo && !self.memo.contains_key(&key) {
            return limit(format!("memo larger than {}", self.limits.max_memo));
        }
        let top = self.stack.last().cloned().unwrap_or(Sym::Other);
        self.memo.insert(key, top);
        Ok(())
    }

    fn memo_get(&mut self, key: u64) -> WalkResult<()> {
        let v = self.memo.get(&key).cloned().unwrap_or(Sym::Other);
        self.push(v)
    }

    /// Record an import; returns the symbol standing for the imported object.
    fn import(&mut self, module: String, name: String, offset: u64, opcode: &'static str) -> Sym {
        if !is_dotted_identifier(&module) || !is_dotted_identifier(&name) {
            self.anomaly(
                "pickle-bad-operand",
                offset,
                format!("{opcode} names `{module}`.`{name}`, which is not a valid Python name"),
            );
        } else if name.contains('.')
            || name
                .split('.')
                .any(|p| p.len() > 4 && p.starts_with("__") && p.ends_with("__"))
        {
            // Protocol 4+ resolves a dotted name attribute by attribute (`eval.__call__`,
            // `system.__self__`), and dunder names reach interpreter internals; the verdict below
            // judges the first component.
            self.anomaly(
                "pickle-bad-operand",
                offset,
                format!(
                    "{opcode} names `{module}`.`{name}`, a dotted or dunder attribute path that loading resolves through getattr"
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
                self.le(8)?; // FRAME length: frames are only a read-ahead hint
            }
            b'(' => self.push(Sym::Mark)?,
            b'0' => {
                self.pop();
            }
            b'1' => {
                self.pop_mark();
            }
            b'2' => {
                let top = self.stack.last().cloned().unwrap_or(Sym::Other);
                self.push(top)?;
            }
            // Numbers and constants: opaque values.
            b'F' | b'I' | b'L' => {
                self.number_line(op, offset)?;
                self.push(Sym::Other)?;
            }
            b'J' => {
                self.le(4)?;
                self.push(Sym::Other)?;
            }
            b'K' => {
                self.le(1)?;
                self.push(Sym::Other)?;
            }
            b'M' => {
                self.le(2)?;
                self.push(Sym::Other)?;
            }
            b'G' => {
                self.le(8)?;
                self.push(Sym::Other)?;
            }
            b'N' | 0x88 | 0x89 | b')' | b']' | b'}' | 0x8f => self.push(Sym::Other)?,
            0x8a => {
                let n = self.le(1)?;
                self.skip(n)?;
                self.push(Sym::Other)?;
            }
            0x8b => {
                let n = self.le(4)?;
                self.skip(n)?;
                self.push(Sym::Other)?;
            }
            // Strings: kept (they may name a module or attribute for STACK_GLOBAL).
            b'S' => {
                let l = self.line()?;
                let t = l.trim_end();
                let unq = t
                    .strip_prefix('\'')
                    .and_then(|x| x.strip_suffix('\''))
                    .or_else(|| t.strip_prefix('"').and_then(|x| x.strip_suffix('"')));
                match unq {
                    Some(u) => self.push(Sym::Str(u.to_string()))?,
                    None => {
                        self.anomaly("pickle-bad-operand", offset, "STRING operand is not quoted");
                        return Err(Halt::Bad {
                            message: String::new(),
                            reported: true,
                        });
                    }
                }
            }
            b'V' => {
                let l = self.line()?;
                self.push(Sym::Str(l))?;
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
            // Containers: consume their items, leave one opaque value.
            b'a' => {
                self.pop();
            }
            b'e' | b'u' | 0x90 => {
                self.pop_mark();
            }
            b's' => {
                self.pop();
                self.pop();
            }
            b'd' | b'l' | b't' | 0x91 => {
                self.pop_mark();
                self.push(Sym::Other)?;
            }
            0x85 => {
                self.pop();
                self.push(Sym::Other)?;
            }
            0x86 => {
                self.pop();
                self.pop();
                self.push(Sym::Other)?;
            }
            0x87 => {
                self.pop();
                self.pop();
                self.pop();
                self.push(Sym::Other)?;
            }
            // Memo.
            b'p' => {
                let l = self.line()?;
                let key = l
                    .trim()
                    .parse::<u64>()
                    .or_else(|_| bad("PUT with a non-numeric key"))?;
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
                let l = self.line()?;
                let key = l
                    .trim()
                    .parse::<u64>()
                    .or_else(|_| bad("GET with a non-numeric key"))?;
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
                let module = self.line()?;
                let name = self.line()?;
                let g = self.import(module, name, offset, "GLOBAL");
                self.push(g)?;
            }
            b'i' => {
                let module = self.line()?;
                let name = self.line()?;
                let g = self.import(module, name, offset, "INST");
                self.called(&g, "INST");
                self.call("INST");
                self.pop_mark();
                self.push(Sym::Other)?;
            }
            0x93 => {
                let name = self.pop();
                let module = self.pop();
                let g = match (module, name) {
                    (Sym::Str(m), Sym::Str(n)) => self.import(m, n, offset, "STACK_GLOBAL"),
                    _ => {
                        self.anomaly(
                            "pickle-unresolved-global",
                            offset,
                            "STACK_GLOBAL operands are not plain strings; the imported object cannot be named",
                        );
                        Sym::Other
                    }
                };
                self.push(g)?;
            }
            // Calls and construction.
            b'R' => {
                self.call("REDUCE");
                self.pop();
                let f = self.pop();
                self.called(&f, "REDUCE");
                self.push(Sym::Other)?;
            }
            b'b' => {
                self.call("BUILD");
                self.pop();
            }
            0x81 => {
                self.call("NEWOBJ");
                self.pop();
                let f = self.pop();
                self.called(&f, "NEWOBJ");
                self.push(Sym::Other)?;
            }
            0x92 => {
                self.call("NEWOBJ_EX");
                self.pop();
                self.pop();
                let f = self.pop();
                self.called(&f, "NEWOBJ_EX");
                self.push(Sym::Other)?;
            }
            b'o' => {
                self.call("OBJ");
                let f = self.pop_mark();
                self.called(&f, "OBJ");
                self.push(Sym::Other)?;
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
                self.line()?;
                self.call("PERSID");
                self.push(Sym::Other)?;
            }
            b'Q' => {
                self.call("BINPERSID");
                self.pop();
                self.push(Sym::Other)?;
            }
            other => {
                self.anomaly(
                    "pickle-unknown-opcode",
                    offset,
                    format!("unknown opcode 0x{other:02x}"),
                );
                return Err(Halt::Bad {
                    message: String::new(),
                    reported: true,
                });
            }
        }
        Ok(Step::Continue)
    }
}

/// An optionally signed run of decimal digits (LONG / INT text operands of any size).
fn is_big_int(t: &str) -> bool {
    let d = t.strip_prefix(['-', '+']).unwrap_or(t);
    !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
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
    fn text_operand_cap() {
        let mut p = b"c".to_vec();
        p.extend(std::iter::repeat_n(b'a', 10_000));
        let r = scan(&p);
        assert_eq!(r.anomalies[0].code, "pickle-limit-exceeded");
    }

    #[test]
    fn no_input_prefix_panics() {
        let p = b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix\x94\x8c\x06system\x94\x93\x8c\x02id\x85R.";
        for n in 0..p.len() {
            let _ = scan(&p[..n]);
        }
        assert_eq!(scan(p).imports[0].name, "system");
    }
}
