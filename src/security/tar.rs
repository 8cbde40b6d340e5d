//! Tar archives (ustar, GNU and pax; plain or inside a compressed stream), read by a small bounded reader
//! of our own that follows what Python's `tarfile` — and so `torch.load` — sees: every header's checksum
//! is validated, sizes are checked against the archive before anything is read, pax and GNU long names
//! and pax sizes are honoured, link and directory headers carry no data. Each member is analysed by
//! content like a top-level file (pickles, NumPy arrays, nested containers); names and link targets that
//! leave the extraction directory are reported. PyTorch's legacy tar checkpoints (members `storages`,
//! `tensors`, `pickle`) are walked pickle by pickle, stepping over the raw tensor data between the
//! pickles without reading it.

use std::io::{self, Read, Seek, SeekFrom};

use super::container::{self, Blob, Ctx, Window, PROBE};
use super::finding::Sink;
use super::pickle::{self, Limits, PickleReport};
use super::spool::{self, SpoolError};
use super::stream;

/// A tar block: headers and data are laid out in units of this size.
pub const BLOCK: u64 = 512;

/// Pax and GNU long-name headers larger than this are refused (real ones hold a few hundred bytes).
const META_MAX: u64 = 1 << 20;

/// Extended headers in a row before a member header.
const META_RUN_MAX: u32 = 16;

/// Extension blocks of an old GNU sparse header.
const SPARSE_BLOCKS_MAX: u32 = 1024;

/// Member names of PyTorch's legacy tar checkpoints.
pub const LEGACY_TORCH_MEMBERS: &[&str] = &["storages", "tensors", "pickle", "sys_info"];

/// One header block, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Raw {
    name: String,
    link: String,
    size: u64,
    flag: u8,
    /// An old GNU sparse header followed by extension blocks.
    sparse_ext: bool,
}

/// A numeric field: octal text (NUL/space terminated, blank = 0) or GNU base-256 (high bit set).
fn number(field: &[u8]) -> Option<u64> {
    if let Some(&first) = field.first() {
        if first & 0x80 != 0 {
            // Base-256, big-endian; 0xff marks a negative number, which no size or checksum can be.
            if first == 0xff {
                return None;
            }
            let mut v = u64::from(first & 0x7f);
            for &b in &field[1..] {
                v = v.checked_mul(256)?.checked_add(u64::from(b))?;
            }
            return Some(v);
        }
    }
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    let t = std::str::from_utf8(&field[..end]).ok()?.trim();
    if t.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(t, 8).ok()
}

/// A text field up to its first NUL.
fn text(field: &[u8]) -> String {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).into_owned()
}

/// Decode a 512-byte header: `Ok(None)` for an all-zero block (end of archive).
fn parse_block(b: &[u8]) -> Result<Option<Raw>, String> {
    let b = b.get(..BLOCK as usize).ok_or("short header block")?;
    if b.iter().all(|&x| x == 0) {
        return Ok(None);
    }
    let stored = number(&b[148..156]).ok_or("the checksum field is not a number")?;
    // The checksum counts the checksum field as spaces; old writers summed signed bytes.
    let (mut unsigned, mut signed) = (0u64, 0i64);
    for (i, &x) in b.iter().enumerate() {
        let x = if (148..156).contains(&i) { b' ' } else { x };
        unsigned += u64::from(x);
        signed += i64::from(x as i8);
    }
    if stored != unsigned && Some(stored) != u64::try_from(signed).ok() {
        return Err(format!(
            "header checksum {stored} does not match the header ({unsigned})"
        ));
    }
    let size = number(&b[124..136]).ok_or("the size field is not a number")?;
    let flag = b[156];
    let posix = &b[257..263] == b"ustar\0";
    let gnu = &b[257..265] == b"ustar  \0";
    let mut name = text(&b[..100]);
    if posix && !matches!(flag, b'L' | b'K' | b'S') {
        let prefix = text(&b[345..500]);
        if !prefix.is_empty() {
            name = format!("{prefix}/{name}");
        }
    }
    Ok(Some(Raw {
        name,
        link: text(&b[157..257]),
        size,
        flag,
        sparse_ext: gnu && flag == b'S' && b[482] != 0,
    }))
}

/// Whether `b` starts with a tar header (a non-zero block whose checksum and size field are valid).
pub fn is_header(b: &[u8]) -> bool {
    b.len() >= BLOCK as usize && matches!(parse_block(b), Ok(Some(_)))
}

/// The name of the first member of the tar whose first block is `b` (None when it is no tar header or
/// an extended header comes first).
pub fn first_name(b: &[u8]) -> Option<String> {
    match parse_block(b) {
        Ok(Some(h)) if !matches!(h.flag, b'x' | b'g' | b'X' | b'L' | b'K') => Some(h.name),
        _ => None,
    }
}

/// Headers of these types carry no data blocks, whatever their size field says (as `tarfile` reads
/// them): links, devices, directories, fifos.
fn has_no_data(flag: u8) -> bool {
    matches!(flag, b'1'..=b'6')
}

/// Where an archive is read from: a seekable file or blob (members can be viewed in place, tensor data
/// skipped without reading), or a stream (a decompressor) read once, front to back.
pub(crate) enum Input<'a> {
    Seekable {
        r: &'a mut dyn Blob,
        len: u64,
        pos: u64,
    },
    Stream {
        r: &'a mut dyn Read,
        pos: u64,
    },
}

impl Read for Input<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = match self {
            Input::Seekable { r, len, pos } => {
                let room = usize::try_from(len.saturating_sub(*pos)).unwrap_or(usize::MAX);
                let want = buf.len().min(room);
                r.read(&mut buf[..want])?
            }
            Input::Stream { r, .. } => r.read(buf)?,
        };
        match self {
            Input::Seekable { pos, .. } | Input::Stream { pos, .. } => *pos += n as u64,
        }
        Ok(n)
    }
}

impl<'a> Input<'a> {
    /// A seekable input of `len` bytes, read from its start.
    pub(crate) fn seekable(r: &'a mut dyn Blob, len: u64) -> io::Result<Self> {
        r.seek(SeekFrom::Start(0))?;
        Ok(Input::Seekable { r, len, pos: 0 })
    }

    fn pos(&self) -> u64 {
        match self {
            Input::Seekable { pos, .. } | Input::Stream { pos, .. } => *pos,
        }
    }

    fn len(&self) -> Option<u64> {
        match self {
            Input::Seekable { len, .. } => Some(*len),
            Input::Stream { .. } => None,
        }
    }

    /// Move to `to` (forward only for a stream).
    fn goto(&mut self, to: u64) -> io::Result<()> {
        if let Input::Seekable { r, len, pos } = self {
            if to > *len {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            r.seek(SeekFrom::Start(to))?;
            *pos = to;
            return Ok(());
        }
        let n = to
            .checked_sub(self.pos())
            .ok_or(io::ErrorKind::InvalidInput)?;
        let got = io::copy(&mut self.by_ref().take(n), &mut io::sink())?;
        if got < n {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        Ok(())
    }

    /// Read up to `buf.len()` bytes, fewer only at the end of the input.
    fn fill(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut got = 0;
        while got < buf.len() {
            match self.read(&mut buf[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(got)
    }
}

/// What pending extended headers say about the next member.
#[derive(Default)]
struct Pending {
    path: Option<String>,
    link: Option<String>,
    size: Option<u64>,
    sparse: bool,
}

/// Apply pax records (`"<len> <key>=<value>\n"`, the length counting the whole record).
fn pax_records(data: &[u8], p: &mut Pending) -> Result<(), String> {
    let mut rest = data;
    while !rest.is_empty() {
        if rest.iter().all(|&b| b == 0) {
            break;
        }
        let sp = rest
            .iter()
            .position(|&b| b == b' ')
            .ok_or("pax record without a length")?;
        let len: usize = std::str::from_utf8(&rest[..sp])
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or("pax record length is not a number")?;
        if len <= sp + 1 || len > rest.len() || rest[len - 1] != b'\n' {
            return Err("pax record length does not match the record".into());
        }
        let rec = &rest[sp + 1..len - 1];
        let eq = rec
            .iter()
            .position(|&b| b == b'=')
            .ok_or("pax record without '='")?;
        let (key, value) = (&rec[..eq], &rec[eq + 1..]);
        match key {
            b"path" => p.path = Some(String::from_utf8_lossy(value).into_owned()),
            b"linkpath" => p.link = Some(String::from_utf8_lossy(value).into_owned()),
            b"size" => {
                p.size = Some(
                    std::str::from_utf8(value)
                        .ok()
                        .and_then(|s| s.parse().ok())
                        .ok_or("pax size is not a number")?,
                )
            }
            k if k.starts_with(b"GNU.sparse.") => p.sparse = true,
            _ => {}
        }
        rest = &rest[len..];
    }
    Ok(())
}

fn round_up(n: u64) -> Option<u64> {
    n.checked_add(BLOCK - 1).map(|x| x / BLOCK * BLOCK)
}

/// Whether extracting a symbolic link named `name` pointing at `target` lands outside the destination.
fn link_escapes(name: &str, target: &str) -> bool {
    let t = target.replace('\\', "/");
    if t.starts_with('/') || (t.len() >= 2 && t.as_bytes()[1] == b':') {
        return true;
    }
    // Resolve relative to the link's directory.
    let mut depth: i64 = name
        .replace('\\', "/")
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .count() as i64
        - 1;
    for c in t.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            _ => depth += 1,
        }
    }
    false
}

/// Analyse a tar archive read from `input`; `head` holds its first bytes (up to [`PROBE`]). Findings
/// name members by their paths in the archive.
pub(crate) fn analyze(input: &mut Input<'_>, head: &[u8], sink: &mut Sink, ctx: &Ctx<'_>) {
    polyglot(input, head, sink);
    let mut pending = Pending::default();
    let mut meta_run = 0u32;
    let mut members = 0u64;
    loop {
        sink.set_member(None);
        let at = input.pos();
        let mut block = [0u8; BLOCK as usize];
        let got = match input.fill(&mut block) {
            Ok(n) => n,
            Err(e) => return stream_failed(sink, ctx, at, e),
        };
        if got == 0 {
            // No end-of-archive blocks: readers accept that.
            break;
        }
        if got < block.len() {
            invalid(sink, at, "the archive ends inside a header");
            break;
        }
        let h = match parse_block(&block) {
            Ok(Some(h)) => h,
            Ok(None) => break,
            Err(m) => {
                invalid(sink, at, &format!("header at byte {at}: {m}; readers stop here, so what follows is not read by them either"));
                break;
            }
        };
        if matches!(h.flag, b'x' | b'g' | b'X' | b'L' | b'K') {
            meta_run += 1;
            if meta_run > META_RUN_MAX || h.size > META_MAX {
                invalid(
                    sink,
                    at,
                    &format!(
                        "extended header at byte {at} of {} bytes (or too many in a row)",
                        h.size
                    ),
                );
                break;
            }
            let mut data = vec![0u8; h.size as usize];
            match input.fill(&mut data) {
                Ok(n) if n == data.len() => {}
                Ok(_) => {
                    invalid(sink, at, "the archive ends inside an extended header");
                    break;
                }
                Err(e) => return stream_failed(sink, ctx, at, e),
            }
            let applied = match h.flag {
                b'x' | b'X' => pax_records(&data, &mut pending),
                // Global pax headers: nothing in them changes where members are or what they hold,
                // except sparse layouts, which are refused per member anyway.
                b'g' => pax_records(&data, &mut Pending::default()),
                b'L' => {
                    pending.path = Some(text(&data));
                    Ok(())
                }
                _ => {
                    pending.link = Some(text(&data));
                    Ok(())
                }
            };
            if let Err(m) = applied {
                invalid(sink, at, &format!("extended header at byte {at}: {m}"));
                break;
            }
            let next = at + BLOCK + round_up(h.size).unwrap_or(u64::MAX);
            if let Err(e) = input.goto(next) {
                return stream_failed(sink, ctx, at, e);
            }
            continue;
        }
        meta_run = 0;
        let p = std::mem::take(&mut pending);
        let name = p.path.unwrap_or(h.name);
        let link = p.link.unwrap_or(h.link);
        let size = if has_no_data(h.flag) {
            0
        } else {
            p.size.unwrap_or(h.size)
        };
        let sparse = p.sparse || h.flag == b'S';
        sink.set_member(Some(name.clone()));
        members += 1;
        if !ctx.take_member() {
            sink.set_member(None);
            sink.add(
                "archive-limit-exceeded",
                Some(at),
                format!("over {members} members"),
                format!(
                    "the archive has more members than the analysis reads ({}); the rest were not checked",
                    ctx.caps.max_members
                ),
            );
            break;
        }
        if has_no_data(h.flag) && h.size > 0 {
            invalid(
                sink,
                at,
                &format!(
                    "a link, directory or device header declares {} bytes of data; readers disagree on where the next header is",
                    h.size
                ),
            );
        }
        if super::archive::is_traversal(&name) {
            sink.add(
                "archive-path-traversal",
                Some(at),
                name.clone(),
                "member name is absolute or climbs out of the extraction directory",
            );
        }
        let escapes = match h.flag {
            b'2' => link_escapes(&name, &link),
            b'1' => super::archive::is_traversal(&link),
            _ => false,
        };
        if escapes {
            sink.add(
                "archive-path-traversal",
                Some(at),
                format!("{name} -> {link}"),
                "a link member points outside the extraction directory; files written through it land elsewhere",
            );
        }
        // Old GNU sparse headers are followed by extension blocks before the data.
        if h.sparse_ext {
            let mut ext = [0u8; BLOCK as usize];
            let mut n = 0;
            loop {
                match input.fill(&mut ext) {
                    Ok(k) if k == ext.len() => {}
                    Ok(_) => {
                        invalid(sink, at, "the archive ends inside a sparse header");
                        return;
                    }
                    Err(e) => return stream_failed(sink, ctx, at, e),
                }
                n += 1;
                if ext[504] == 0 {
                    break;
                }
                if n >= SPARSE_BLOCKS_MAX {
                    invalid(sink, at, "too many sparse extension blocks");
                    return;
                }
            }
        }
        let data_start = input.pos();
        let Some(next) = data_start.checked_add(size).and_then(round_up) else {
            invalid(sink, at, &format!("member size {size} overflows"));
            break;
        };
        if let Some(len) = input.len() {
            if data_start + size > len {
                invalid(
                    sink,
                    at,
                    &format!(
                        "member '{name}' declares {size} bytes but the archive ends {} bytes after its header",
                        len - data_start
                    ),
                );
                sink.add(
                    "unscannable",
                    Some(at),
                    "truncated member",
                    "the member runs past the end of the archive and was not analysed",
                );
                break;
            }
        }
        if size > 0 {
            if sparse {
                sink.add(
                    "unscannable",
                    Some(at),
                    "sparse member",
                    "the member is stored sparse (its bytes are scattered by a map), which the analysis does not reassemble",
                );
            } else if let Err(e) = member(input, &name, size, sink, ctx) {
                return stream_failed(sink, ctx, at, e);
            }
        }
        if let Err(e) = input.goto(next) {
            if e.kind() == io::ErrorKind::UnexpectedEof && input.len().is_none() {
                invalid(
                    sink,
                    at,
                    &format!("the archive ends inside member '{name}'"),
                );
                return;
            }
            return stream_failed(sink, ctx, at, e);
        }
    }
    sink.set_member(None);
}

/// A tar whose first bytes also read as a pickle: `torch.load` falls back to unpickling the file from
/// its first byte when `tarfile` rejects it, so such a pickle is walked too.
fn polyglot(input: &mut Input<'_>, head: &[u8], sink: &mut Sink) {
    let complete = input.len().is_some_and(|l| (head.len() as u64) >= l);
    if !pickle::looks_like_pickle(head, complete) {
        return;
    }
    let quick = pickle::walk_bytes(head, Limits::default());
    if quick.imports.is_empty() && quick.calls.is_empty() && quick.worst().is_none() {
        return;
    }
    let rep = match input {
        Input::Seekable { r, .. } => {
            if r.seek(SeekFrom::Start(0)).is_err() {
                return;
            }
            let rep = pickle::walk(&mut **r, Limits::default());
            let _ = r.seek(SeekFrom::Start(0));
            rep
        }
        // A stream: the head is all there is to walk without spooling.
        Input::Stream { .. } => quick,
    };
    sink.set_member(None);
    stream::report(sink, &rep, true, "the archive's bytes read as a pickle");
}

fn invalid(sink: &mut Sink, at: u64, message: &str) {
    sink.add(
        "archive-invalid",
        Some(at),
        message.to_string(),
        format!("the tar archive fails strict parsing: {message}"),
    );
}

/// The input failed: a decompression cap, corrupt compressed data, or an I/O error.
fn stream_failed(sink: &mut Sink, ctx: &Ctx<'_>, at: u64, e: io::Error) {
    sink.set_member(None);
    if container::report_trip(sink, ctx) {
        return;
    }
    if e.kind() == io::ErrorKind::UnexpectedEof {
        invalid(sink, at, "the archive is truncated");
    } else {
        sink.add(
            "unscannable",
            Some(at),
            e.to_string(),
            format!("the archive could not be read past byte {at}: {e}; the rest was not analysed"),
        );
    }
}

/// Analyse one member of `size` bytes whose data starts at the input's position. Errors are the
/// input's (the caller reports them); everything else is reported here.
fn member(
    input: &mut Input<'_>,
    name: &str,
    size: u64,
    sink: &mut Sink,
    ctx: &Ctx<'_>,
) -> io::Result<()> {
    let start = input.pos();
    let mut head = vec![0u8; size.min(PROBE as u64) as usize];
    let n = input.fill(&mut head)?;
    if n < head.len() {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    let complete = (n as u64) >= size;
    let legacy =
        matches!(name, "storages" | "tensors") && pickle::looks_like_pickle(&head, complete);
    if !legacy && !container::worth_opening(&head, complete, Some(name)) {
        return Ok(());
    }
    if let Input::Seekable { r, .. } = input {
        // In place: a window over the member, nothing copied.
        let mut w = io::BufReader::new(Window::new(&mut **r, start, size)?);
        analyze_member(&mut w, name, size, legacy, sink, ctx);
        return Ok(());
    }
    // A stream: spool the member (its head is already read). The stream is metered for the whole
    // archive, so the spool charges nothing more.
    let mut unlimited = u64::MAX;
    let rest = input.by_ref().take(size - n as u64);
    match spool::spool(
        io::Cursor::new(head).chain(rest),
        ctx.caps.per_stream,
        None,
        ctx.caps,
        &mut unlimited,
    ) {
        Ok(mut sp) => {
            if sp.len() < size {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let len = sp.len();
            match sp.reader() {
                Ok(mut r) => analyze_member(&mut *r, name, len, legacy, sink, ctx),
                Err(e) => sink.add(
                    "unscannable",
                    None,
                    e.to_string(),
                    format!("the member's temporary copy is unreadable: {e}"),
                ),
            }
            Ok(())
        }
        Err(SpoolError::Io(e)) => Err(e),
        Err(e) => {
            sink.add(
                "archive-limit-exceeded",
                Some(0),
                e.to_string(),
                format!("the member {e} (the per-member cap); not analysed"),
            );
            Ok(())
        }
    }
}

fn analyze_member(
    blob: &mut dyn Blob,
    name: &str,
    len: u64,
    legacy: bool,
    sink: &mut Sink,
    ctx: &Ctx<'_>,
) {
    if legacy {
        legacy_walk(blob, len, name == "tensors", sink, ctx);
    } else {
        container::analyze_content(blob, len, sink, ctx);
    }
}

// ---------------------------------------------------------------------------------------------------
// PyTorch legacy tar checkpoints.
//
// `storages`: a pickled count, then per storage a pickled `(key, location, storage type)` followed by
// the storage as an 8-byte element count and the raw elements, then a pickled list of storage views.
// `tensors`: a pickled count, then per tensor a pickled `(key, storage id, tensor type)` followed by the
// dimension count (8 bytes, of which the loader reads 4), sizes and strides (8 bytes each per
// dimension) and an 8-byte storage offset. `torch.load` unpickles every one of these pickles.

/// Dimensions a tensor record may have (PyTorch caps tensors at 64).
const MAX_DIMS: i32 = 64;

/// Bytes per element of a storage class (`torch.FloatStorage`, `torch.cuda.HalfStorage`, ...).
fn element_size(module: &str, name: &str) -> Option<u64> {
    if module != "torch" && module != "torch.cuda" {
        return None;
    }
    Some(match name.strip_suffix("Storage")? {
        "Double" | "Long" | "ComplexFloat" => 8,
        "Float" | "Int" | "QInt32" => 4,
        "Half" | "BFloat16" | "Short" => 2,
        "Char" | "Byte" | "Bool" | "QUInt8" | "QInt8" | "QUInt4x2" | "QUInt2x4" | "Untyped" => 1,
        "ComplexDouble" => 16,
        _ => return None,
    })
}

/// The integer a tiny pickle such as `pickle.dump(3, f)` holds.
fn small_int(p: &[u8]) -> Option<u64> {
    let p = match p {
        [0x80, _, rest @ ..] => rest,
        _ => p,
    };
    match p {
        [b'K', n, b'.', ..] => Some(u64::from(*n)),
        [b'M', a, b, b'.', ..] => Some(u64::from(u16::from_le_bytes([*a, *b]))),
        [b'J', a, b, c, d, b'.', ..] => u64::try_from(i32::from_le_bytes([*a, *b, *c, *d])).ok(),
        [b'I', rest @ ..] => {
            let nl = rest.iter().position(|&b| b == b'\n')?;
            if rest.get(nl + 1) != Some(&b'.') {
                return None;
            }
            std::str::from_utf8(&rest[..nl]).ok()?.trim().parse().ok()
        }
        _ => None,
    }
}

/// Walk the one pickle at `at`, adding what it imports and any anomaly to `agg`; the offset just past it
/// when it is complete.
fn walk_one(blob: &mut dyn Blob, at: u64, tensors: bool, agg: &mut PickleReport) -> Option<u64> {
    blob.seek(SeekFrom::Start(at)).ok()?;
    let rep = pickle::walk(
        &mut *blob,
        Limits {
            max_pickles: 1,
            ..Limits::default()
        },
    );
    agg.pickles += rep.pickles;
    agg.opcodes += rep.opcodes;
    agg.protocol = agg.protocol.max(rep.protocol);
    for (k, v) in rep.calls {
        *agg.calls.entry(k).or_insert(0) += v;
    }
    for imp in rep.imports {
        // The tensor type of a `tensors` record is only compared, never called, by the loader.
        let tensor_type = tensors
            && (imp.module == "torch" || imp.module == "torch.cuda")
            && imp.name.ends_with("Tensor")
            && imp.called_by.is_none();
        if !tensor_type {
            agg.imports.push(imp);
        }
    }
    agg.anomalies.extend(
        rep.anomalies
            .into_iter()
            .filter(|a| a.code != "pickle-trailing-data"),
    );
    (rep.pickles == 1).then_some(rep.end)
}

fn read_at(blob: &mut dyn Blob, at: u64, buf: &mut [u8]) -> bool {
    blob.seek(SeekFrom::Start(at)).is_ok() && blob.read_exact(buf).is_ok()
}

/// Walk every pickle of a legacy `storages` or `tensors` member, stepping over the binary records
/// between them.
fn legacy_walk(blob: &mut dyn Blob, len: u64, tensors: bool, sink: &mut Sink, ctx: &Ctx<'_>) {
    let what = if tensors {
        "the legacy checkpoint's tensors"
    } else {
        "the legacy checkpoint's storages"
    };
    let mut agg = PickleReport::default();
    let broken = |agg: &PickleReport, sink: &mut Sink, at: u64, why: String| {
        stream::report(sink, agg, false, what);
        sink.add(
            "unscannable",
            Some(at),
            why.clone(),
            format!("{what}: {why}; the rest of the member was not analysed"),
        );
    };
    let Some(mut at) = walk_one(blob, 0, tensors, &mut agg) else {
        return stream::report(sink, &agg, false, what);
    };
    let mut count_pickle = vec![0u8; at.min(32) as usize];
    let count = if read_at(blob, 0, &mut count_pickle) {
        small_int(&count_pickle)
    } else {
        None
    };
    let Some(count) = count else {
        return broken(
            &agg,
            sink,
            0,
            "the record count is not a plain integer".into(),
        );
    };
    if count > ctx.caps.max_members as u64 {
        return broken(
            &agg,
            sink,
            0,
            format!(
                "{count} records exceed the analysis cap of {}",
                ctx.caps.max_members
            ),
        );
    }
    for i in 0..count {
        let imports_before = agg.imports.len();
        let Some(end) = walk_one(blob, at, tensors, &mut agg) else {
            return stream::report(sink, &agg, false, what);
        };
        let mut word = [0u8; 8];
        if !read_at(blob, end, &mut word) {
            return broken(&agg, sink, end, format!("record {i} is truncated"));
        }
        let skip = if tensors {
            let ndim = i32::from_le_bytes([word[0], word[1], word[2], word[3]]);
            if !(0..=MAX_DIMS).contains(&ndim) {
                return broken(&agg, sink, end, format!("tensor {i} has {ndim} dimensions"));
            }
            8 + 16 * ndim as u64 + 8
        } else {
            let Some(elem) = agg.imports[imports_before..]
                .iter()
                .rev()
                .find_map(|imp| element_size(&imp.module, &imp.name))
            else {
                return broken(
                    &agg,
                    sink,
                    end,
                    format!("storage {i} names no known storage type"),
                );
            };
            let numel = u64::from_le_bytes(word);
            match numel.checked_mul(elem).and_then(|b| b.checked_add(8)) {
                Some(b) => b,
                None => {
                    return broken(&agg, sink, end, format!("storage {i} size overflows"));
                }
            }
        };
        match end.checked_add(skip).filter(|&e| e <= len) {
            Some(e) => at = e,
            None => {
                return broken(&agg, sink, end, format!("record {i} runs past the member"));
            }
        }
    }
    if !tensors {
        // The storage views.
        match walk_one(blob, at, false, &mut agg) {
            Some(end) => at = end,
            None => return stream::report(sink, &agg, false, what),
        }
    }
    if at < len {
        agg.anomalies.push(pickle::Anomaly {
            code: "pickle-trailing-data",
            offset: at,
            message: format!("{} bytes after the last record", len - at),
        });
    }
    stream::report(sink, &agg, false, what);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(name: &str, size: u64, flag: u8) -> Vec<u8> {
        let mut b = vec![0u8; 512];
        b[..name.len()].copy_from_slice(name.as_bytes());
        b[100..108].copy_from_slice(b"0000644\0");
        b[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
        b[136..148].copy_from_slice(b"00000000000\0");
        b[156] = flag;
        b[257..263].copy_from_slice(b"ustar\0");
        b[263..265].copy_from_slice(b"00");
        seal(&mut b);
        b
    }

    fn seal(b: &mut [u8]) {
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
    }

    fn run(t: &[u8]) -> Vec<crate::security::SecurityFinding> {
        let caps = crate::security::spool::Caps::default();
        let ctx = Ctx::for_file(&caps);
        let mut sink = Sink::new("t.tar");
        let mut c = io::Cursor::new(t);
        let mut input = Input::seekable(&mut c, t.len() as u64).unwrap();
        analyze(&mut input, &t[..t.len().min(PROBE)], &mut sink, &ctx);
        sink.out
    }

    const EVIL: &[u8] = b"\x80\x02cposix\nsystem\nX\x02\x00\x00\x00id\x85R.";

    #[test]
    fn gnu_sparse_extension_blocks_are_stepped_over() {
        // An old GNU sparse member with one extension block, then a pickle member: reading the
        // extension block as data (or the data as a header) would lose the pickle.
        let mut t = header("holes.bin", 512, b'S');
        t[257..265].copy_from_slice(b"ustar  \0");
        t[482] = 1;
        seal(&mut t);
        let mut ext = vec![0u8; 512];
        ext[..12].copy_from_slice(b"00000000000\0");
        t.extend(ext);
        t.extend(vec![0x41u8; 512]);
        t.extend(header("p.pkl", EVIL.len() as u64, b'0'));
        t.extend_from_slice(EVIL);
        t.resize(t.len().div_ceil(512) * 512 + 1024, 0);
        let f = run(&t);
        let got: Vec<_> = f.iter().map(|x| (x.code, x.member.as_deref())).collect();
        assert_eq!(
            got,
            [
                ("unscannable", Some("holes.bin")),
                ("pickle-dangerous-import", Some("p.pkl"))
            ],
            "{f:#?}"
        );
    }

    #[test]
    fn link_headers_carry_no_data_as_tarfile_reads_them() {
        // A symlink header claiming 512 bytes: tarfile reads the next header right after it, so the
        // pickle member there is what a loader sees.
        let mut t = header("l", 512, b'2');
        t.extend(header("p.pkl", EVIL.len() as u64, b'0'));
        t.extend_from_slice(EVIL);
        t.resize(t.len().div_ceil(512) * 512 + 1024, 0);
        let codes: Vec<_> = run(&t).iter().map(|x| x.code).collect();
        assert_eq!(codes, ["archive-invalid", "pickle-dangerous-import"]);
    }

    #[test]
    fn every_byte_flip_of_a_small_tar_is_handled() {
        let mut t = header("storages", 16, b'0');
        t.extend(b"\x80\x02K\x01.\x80\x02N.\0\0\0\0\0\0");
        t.resize(1024, 0);
        t.extend(header("pickle", EVIL.len() as u64, b'0'));
        t.extend_from_slice(EVIL);
        t.resize(2048 + 1024, 0);
        for i in 0..t.len() {
            for v in [0u8, 0xff, t[i] ^ 0x10] {
                let mut b = t.clone();
                b[i] = v;
                let _ = run(&b);
            }
        }
    }

    #[test]
    fn numbers_octal_and_base256() {
        assert_eq!(number(b"0000644\0"), Some(0o644));
        assert_eq!(number(b"  17 \0"), Some(0o17));
        assert_eq!(number(b"\0\0\0"), Some(0));
        assert_eq!(number(b"\x80\0\0\0\0\0\0\x01\0\0\0\0"), Some(1 << 32));
        assert_eq!(number(b"\xff\xff"), None);
        assert_eq!(
            number(b"\x80\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"),
            None
        );
        assert_eq!(number(b"9\0"), None);
    }

    #[test]
    fn headers_need_a_valid_checksum() {
        let h = header("storages", 10, b'0');
        assert!(is_header(&h));
        assert_eq!(first_name(&h).as_deref(), Some("storages"));
        let mut bad = h.clone();
        bad[0] ^= 1;
        assert!(!is_header(&bad));
        assert!(!is_header(&[0u8; 512]));
        assert!(!is_header(&h[..511]));
        // ustar prefix joins the name.
        let mut p = header("c.pkl", 0, b'0');
        p[345..348].copy_from_slice(b"a/b");
        seal(&mut p);
        assert_eq!(parse_block(&p).unwrap().unwrap().name, "a/b/c.pkl");
    }

    #[test]
    fn pax_records_parse_and_reject_lies() {
        let mut p = Pending::default();
        pax_records(b"17 path=a/b/c.pk\n13 size=4096\n", &mut p).unwrap();
        assert_eq!(p.path.as_deref(), Some("a/b/c.pk"));
        assert_eq!(p.size, Some(4096));
        assert!(pax_records(b"99 path=x\n", &mut Pending::default()).is_err());
        assert!(pax_records(b"8 path=x\n", &mut Pending::default()).is_err());
        assert!(pax_records(b"9 path=x\n", &mut Pending::default()).is_ok());
        assert!(pax_records(b"x path=x\n", &mut Pending::default()).is_err());
        let mut s = Pending::default();
        pax_records(b"22 GNU.sparse.major=1\n\0\0\0", &mut s).unwrap();
        assert!(s.sparse);
    }

    #[test]
    fn link_targets_that_escape() {
        assert!(link_escapes("a", "/etc/passwd"));
        assert!(link_escapes("a", "../x"));
        assert!(link_escapes("a/b", "../../x"));
        assert!(!link_escapes("a/b", "../x"));
        assert!(!link_escapes("a/b", "c/../d"));
        assert!(link_escapes("a", "c/../../d"));
    }

    #[test]
    fn storage_sizes_and_count_pickles() {
        assert_eq!(element_size("torch", "FloatStorage"), Some(4));
        assert_eq!(element_size("torch.cuda", "HalfStorage"), Some(2));
        assert_eq!(element_size("torch", "FloatTensor"), None);
        assert_eq!(element_size("os", "FloatStorage"), None);
        assert_eq!(small_int(b"\x80\x02K\x03."), Some(3));
        assert_eq!(small_int(b"\x80\x02M\x00\x01."), Some(256));
        assert_eq!(small_int(b"I12\n."), Some(12));
        assert_eq!(small_int(b"\x80\x02J\xff\xff\xff\xff."), None);
        assert_eq!(small_int(b"\x80\x02N."), None);
    }
}
