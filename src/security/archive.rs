//! Zip containers (PyTorch checkpoints, Keras `.keras`, NumPy `.npz`, any zip): a strict reader of our
//! own over the central directory — it sees every entry, including the ones that a name-keyed reader
//! hides behind a duplicate, and honours a zip64 end record whenever its locator is present (as
//! `torch.save` always writes one), checked against the classic record — cross-checked by the `zip`
//! crate's parser; anomaly checks (traversal names, duplicates, overlapping or over-expanding members,
//! member count); and the members that matter read through bounded decompression: pickles (found by
//! content, whatever their name), TorchScript code, object arrays, Keras configurations, and nested
//! containers (zips, tars, compressed streams, handed to `container`). Tensor storages are never read
//! past a few bytes.

use std::collections::HashSet;
use std::io::{self, Read, Seek, SeekFrom};

use super::container::{self, Ctx, Kind, Window};
use super::finding::Sink;
use super::numpy;
use super::pickle::{self, Limits};
use super::spool::{Caps, SpoolError};
use super::{keras, stream};
use crate::formats::Format;

/// One central-directory entry.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    pub method: u16,
    pub flags: u16,
    pub compressed: u64,
    pub size: u64,
    pub local_offset: u64,
}

/// The entries of an archive and where its central directory starts.
#[derive(Debug, Clone)]
pub struct Directory {
    pub entries: Vec<Entry>,
    pub cd_start: u64,
    /// The directory announced more entries than the member cap; only the first ones were read.
    pub capped: bool,
}

fn u16_at(b: &[u8], i: usize) -> u16 {
    u16::from_le_bytes([b[i], b[i + 1]])
}
fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}
fn u64_at(b: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]))
}

fn read_at<R: Read + Seek + ?Sized>(r: &mut R, at: u64, n: usize) -> io::Result<Vec<u8>> {
    r.seek(SeekFrom::Start(at))?;
    let mut v = vec![0u8; n];
    r.read_exact(&mut v)?;
    Ok(v)
}

/// Read the central directory strictly: the end record (zip64 too), then every entry, each checked to
/// lie inside the file. `max_entries` bounds what is read. The error says what is wrong, for a finding.
pub(crate) fn read_directory<R: Read + Seek + ?Sized>(
    r: &mut R,
    len: u64,
    max_entries: usize,
) -> Result<Directory, String> {
    if len < 22 {
        return Err("too short for a zip end record".into());
    }
    let tail_len = len.min(22 + 65535) as usize;
    let tail_start = len - tail_len as u64;
    let tail = read_at(r, tail_start, tail_len).map_err(|e| e.to_string())?;
    let eocd = (0..=tail_len - 22)
        .rev()
        .find(|&i| {
            tail[i..i + 4] == *b"PK\x05\x06" && i + 22 + u16_at(&tail, i + 20) as usize == tail_len
        })
        .ok_or("no end-of-central-directory record")?;
    let eocd_pos = tail_start + eocd as u64;
    let e = &tail[eocd..];
    if u16_at(e, 4) != 0 || u16_at(e, 6) != 0 {
        return Err("multi-disk archive".into());
    }
    let mut count = u16_at(e, 10) as u64;
    let mut cd_size = u32_at(e, 12) as u64;
    let mut cd_start = u32_at(e, 16) as u64;
    let mut cd_end_expected = eocd_pos;
    let saturated = count == 0xffff || cd_size == 0xffff_ffff || cd_start == 0xffff_ffff;
    // A zip64 locator sits just before the end record. Writers such as PyTorch's (`torch.save` since
    // 1.6) always write one, even when the classic fields hold the real values; then the directory ends
    // where the zip64 end record starts, not at the classic end record. A classic directory that already
    // ends at the end record leaves no room for a locator, so a lookalike there is directory bytes.
    let locator = if eocd_pos >= 20 {
        let loc = read_at(r, eocd_pos - 20, 20).map_err(|e| e.to_string())?;
        (loc[..4] == *b"PK\x06\x07"
            && (saturated || cd_start.checked_add(cd_size) != Some(eocd_pos)))
        .then_some(loc)
    } else {
        None
    };
    match locator {
        Some(loc) => {
            let z = zip64_end(r, &loc, eocd_pos - 20)?;
            // Classic fields that are not saturated must agree with the zip64 ones.
            for (what, classic, sat, wide) in [
                ("entry count", count, 0xffff, z.count),
                ("directory size", cd_size, 0xffff_ffff, z.cd_size),
                ("directory offset", cd_start, 0xffff_ffff, z.cd_start),
            ] {
                if classic != sat && classic != wide {
                    return Err(format!(
                        "the end record's {what} ({classic}) disagrees with the zip64 end record's ({wide})"
                    ));
                }
            }
            count = z.count;
            cd_size = z.cd_size;
            cd_start = z.cd_start;
            cd_end_expected = z.at;
        }
        None if saturated => return Err("zip64 locator missing".into()),
        None => {}
    }
    if cd_start.checked_add(cd_size) != Some(cd_end_expected) {
        return Err(format!(
            "central directory ({cd_size} bytes at {cd_start}) does not end where the end record starts ({cd_end_expected}): data is prepended or the directory is misplaced"
        ));
    }
    // Each entry takes at least 46 bytes.
    if count.saturating_mul(46) > cd_size {
        return Err(format!("{count} entries cannot fit in {cd_size} bytes"));
    }
    let capped = count > max_entries as u64;
    let want = count.min(max_entries as u64);
    r.seek(SeekFrom::Start(cd_start))
        .map_err(|e| e.to_string())?;
    let mut cd = io::BufReader::new((&mut *r).take(cd_size));
    let mut entries = Vec::with_capacity(want.min(1 << 16) as usize);
    for i in 0..want {
        let mut h = [0u8; 46];
        cd.read_exact(&mut h)
            .map_err(|_| format!("central directory ends inside entry {i}"))?;
        if h[..4] != *b"PK\x01\x02" {
            return Err(format!("entry {i} has a bad signature"));
        }
        let flags = u16_at(&h, 8);
        let method = u16_at(&h, 10);
        let mut compressed = u32_at(&h, 20) as u64;
        let mut size = u32_at(&h, 24) as u64;
        let (nlen, xlen, clen) = (
            u16_at(&h, 28) as usize,
            u16_at(&h, 30) as usize,
            u16_at(&h, 32) as usize,
        );
        let mut local_offset = u32_at(&h, 42) as u64;
        let mut var = vec![0u8; nlen + xlen + clen];
        cd.read_exact(&mut var)
            .map_err(|_| format!("central directory ends inside entry {i}"))?;
        let name = String::from_utf8_lossy(&var[..nlen]).into_owned();
        // Zip64 extra field: the 64-bit values of the fields that are all ones, in order.
        let mut extra = &var[nlen..nlen + xlen];
        while extra.len() >= 4 {
            let id = u16_at(extra, 0);
            let n = (u16_at(extra, 2) as usize).min(extra.len() - 4);
            if id == 1 {
                let mut f = &extra[4..4 + n];
                for slot in [&mut size, &mut compressed, &mut local_offset] {
                    if *slot == 0xffff_ffff {
                        if f.len() < 8 {
                            return Err(format!("entry {i}: short zip64 field"));
                        }
                        *slot = u64_at(f, 0);
                        f = &f[8..];
                    }
                }
            }
            extra = &extra[4 + n..];
        }
        if local_offset
            .checked_add(30)
            .and_then(|x| x.checked_add(compressed))
            .is_none_or(|end| end > cd_start)
        {
            return Err(format!(
                "entry {i} ('{name}') lies outside the archive data"
            ));
        }
        entries.push(Entry {
            name,
            method,
            flags,
            compressed,
            size,
            local_offset,
        });
    }
    Ok(Directory {
        entries,
        cd_start,
        capped,
    })
}

/// The zip64 end-of-central-directory record a locator (read at `loc_pos`) points to, validated: single
/// disk, the record inside the file before the locator and ending exactly where the locator starts,
/// consistent entry counts.
struct Zip64End {
    at: u64,
    count: u64,
    cd_size: u64,
    cd_start: u64,
}

fn zip64_end<R: Read + Seek + ?Sized>(
    r: &mut R,
    loc: &[u8],
    loc_pos: u64,
) -> Result<Zip64End, String> {
    if u32_at(loc, 4) != 0 || u32_at(loc, 16) > 1 {
        return Err("multi-disk archive (zip64 locator)".into());
    }
    let at = u64_at(loc, 8);
    if at.checked_add(56).is_none_or(|end| end > loc_pos) {
        return Err("zip64 end record out of bounds".into());
    }
    let z64 = read_at(r, at, 56).map_err(|e| e.to_string())?;
    if z64[..4] != *b"PK\x06\x06" {
        return Err("zip64 end record missing where the locator points".into());
    }
    // The record's size field counts the bytes after itself (44 for the fixed part, more with an
    // extensible data sector); the locator must follow the record directly.
    if u64_at(&z64, 4).checked_add(12) != Some(loc_pos - at) {
        return Err("zip64 end record does not end where its locator starts".into());
    }
    if u32_at(&z64, 16) != 0 || u32_at(&z64, 20) != 0 {
        return Err("multi-disk archive (zip64 end record)".into());
    }
    let (on_disk, count) = (u64_at(&z64, 24), u64_at(&z64, 32));
    if on_disk != count {
        return Err(format!(
            "zip64 end record counts {on_disk} entries on this disk but {count} in all"
        ));
    }
    Ok(Zip64End {
        at,
        count,
        cd_size: u64_at(&z64, 40),
        cd_start: u64_at(&z64, 48),
    })
}

/// Offset of an entry's data, after checking its local header agrees with the central directory.
pub(crate) fn data_start<R: Read + Seek + ?Sized>(
    r: &mut R,
    e: &Entry,
    cd_start: u64,
) -> Result<u64, String> {
    let h = read_at(r, e.local_offset, 30)
        .map_err(|_| format!("'{}': local header unreadable", e.name))?;
    if h[..4] != *b"PK\x03\x04" {
        return Err(format!(
            "'{}': no local header where the directory points",
            e.name
        ));
    }
    let (nlen, xlen) = (u16_at(&h, 26) as u64, u16_at(&h, 28) as u64);
    let name = read_at(r, e.local_offset + 30, nlen as usize).map_err(|e| e.to_string())?;
    if name != e.name.as_bytes() && String::from_utf8_lossy(&name) != e.name {
        return Err(format!(
            "'{}': the local header names it '{}'",
            e.name,
            String::from_utf8_lossy(&name)
        ));
    }
    let start = e.local_offset + 30 + nlen + xlen;
    if start
        .checked_add(e.compressed)
        .is_none_or(|end| end > cd_start)
    {
        return Err(format!(
            "'{}': data runs into the central directory",
            e.name
        ));
    }
    Ok(start)
}

/// A reader of an entry's decompressed content (stored or deflate).
fn open_entry<'a, R: Read + Seek + ?Sized>(
    r: &'a mut R,
    e: &Entry,
    start: u64,
) -> Result<Box<dyn Read + 'a>, String> {
    r.seek(SeekFrom::Start(start)).map_err(|e| e.to_string())?;
    let raw = r.take(e.compressed);
    match e.method {
        0 => Ok(Box::new(raw)),
        8 => Ok(Box::new(flate2::read::DeflateDecoder::new(raw))),
        m => Err(format!(
            "compression method {m} is not supported by the analysis"
        )),
    }
}

/// A name that escapes the extraction directory.
pub fn is_traversal(name: &str) -> bool {
    let n = name.replace('\\', "/");
    n.starts_with('/')
        || (n.len() >= 2 && n.as_bytes()[1] == b':' && n.as_bytes()[0].is_ascii_alphabetic())
        || n.split('/').any(|c| c == "..")
}

/// `…/data/<digits>`: a PyTorch tensor storage (raw bytes, never unpickled by PyTorch).
fn is_storage(name: &str) -> bool {
    let mut parts = name.rsplit('/');
    let last = parts.next().unwrap_or("");
    let parent = parts.next();
    !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) && parent == Some("data")
}

/// TorchScript code: a `code/` directory under the archive root, or Python source.
fn is_torchscript(name: &str) -> bool {
    let mut parts = name.split('/');
    let first = parts.next();
    let second = parts.next();
    name.ends_with(".py")
        || first == Some("code")
        || (second == Some("code") && parts.next().is_some())
}

/// Bytes of a member looked at to decide what it is.
const PROBE: usize = 4096;

/// Analyse a zip archive of `len` bytes read from `r` (for callers that hold the archive elsewhere than
/// in a file: fuzzing, nested archives); `rel` names it in the findings.
pub fn analyze_zip_reader<R: Read + Seek>(
    r: &mut R,
    len: u64,
    format: Format,
    rel: &str,
    caps: &Caps,
) -> Vec<super::SecurityFinding> {
    let mut sink = Sink::new(rel);
    analyze_zip(r, len, format, &mut sink, caps);
    sink.out
}

/// Analyse a zip archive of `len` bytes from `r`.
pub(crate) fn analyze_zip<R: Read + Seek>(
    r: &mut R,
    len: u64,
    format: Format,
    sink: &mut Sink,
    caps: &Caps,
) {
    analyze_zip_in(r, len, format, sink, &Ctx::for_file(caps));
}

/// Analyse a zip archive of `len` bytes from `r`, the file itself or a container nested in it.
pub(crate) fn analyze_zip_in<R: Read + Seek + ?Sized>(
    r: &mut R,
    len: u64,
    format: Format,
    sink: &mut Sink,
    ctx: &Ctx<'_>,
) {
    let caps = ctx.caps;
    // The `zip` crate's parser as a second opinion: an archive it rejects is not clean. (It reads
    // the zip64 end record only when the classic one is saturated, and otherwise takes the classic
    // values, which PyTorch's writer keeps exact; so it accepts `torch.save` archives as they are.)
    let crate_view = {
        let _ = r.seek(SeekFrom::Start(0));
        zip::ZipArchive::new(&mut *r).map(|a| a.len())
    };
    // A nested archive draws on the file's member budget.
    let max_entries = if ctx.is_nested() {
        (caps.max_members as u64).min(ctx.members_left()) as usize
    } else {
        caps.max_members
    };
    let dir = match read_directory(r, len, max_entries) {
        Ok(d) => d,
        Err(e) => {
            sink.add(
                "zip-invalid",
                None,
                e.clone(),
                format!("the zip archive fails strict parsing: {e}"),
            );
            if let Err(ce) = &crate_view {
                sink.add(
                    "zip-invalid",
                    None,
                    ce.to_string(),
                    format!("the zip crate rejects it too: {ce}"),
                );
            }
            sink.add(
                "unscannable",
                None,
                "zip",
                "the archive could not be read, so its members were not analysed",
            );
            return;
        }
    };
    if let Err(ce) = &crate_view {
        sink.add(
            "zip-invalid",
            None,
            ce.to_string(),
            format!("the zip crate's strict parser rejects the archive: {ce}"),
        );
    }
    if ctx.is_nested() {
        ctx.spend_members(dir.entries.len() as u64);
    }
    if dir.capped {
        sink.add(
            "zip-limit-exceeded",
            None,
            format!("over {max_entries} members"),
            format!(
                "the archive has more than {max_entries} members; only the first were analysed"
            ),
        );
    }
    // Anomalies of names and layout.
    let mut names = HashSet::new();
    let mut ranges: Vec<(u64, u64, usize)> = Vec::new();
    for (i, e) in dir.entries.iter().enumerate() {
        if is_traversal(&e.name) {
            sink.set_member(Some(e.name.clone()));
            sink.add(
                "zip-path-traversal",
                Some(e.local_offset),
                e.name.clone(),
                "member name is absolute or climbs out of the extraction directory",
            );
        }
        if !names.insert(e.name.as_str()) {
            sink.set_member(Some(e.name.clone()));
            sink.add("zip-duplicate-name", Some(e.local_offset), e.name.clone(), "another member has the same name; loaders and scanners may read different ones (both are analysed here)");
        }
        if e.method != 0 && e.size > (1 << 20) && e.size / e.compressed.max(1) > caps.ratio {
            sink.set_member(Some(e.name.clone()));
            sink.add(
                "zip-bomb",
                Some(e.local_offset),
                format!("{} -> {} bytes", e.compressed, e.size),
                format!("declared expansion over {}x", caps.ratio),
            );
        }
        ranges.push((e.local_offset, e.local_offset + 30 + e.compressed, i));
    }
    ranges.sort();
    for w in ranges.windows(2) {
        if w[1].0 < w[0].1 {
            let e = &dir.entries[w[1].2];
            sink.set_member(Some(e.name.clone()));
            sink.add(
                "zip-bomb",
                Some(e.local_offset),
                format!("overlaps '{}'", dir.entries[w[0].2].name),
                "members overlap: the same compressed bytes are counted more than once",
            );
        }
    }
    if let Ok(n) = crate_view {
        if n != names.len() {
            sink.set_member(None);
            sink.add(
                "zip-invalid",
                None,
                format!("{n} vs {} names", names.len()),
                "the zip crate and the strict reader see different member lists",
            );
        }
    }
    let keras_like = format == Format::Keras
        || (names.contains("config.json")
            && (names.contains("metadata.json") || names.contains("model.weights.h5")));
    let mut code_members = Vec::new();
    for e in &dir.entries {
        sink.set_member(Some(e.name.clone()));
        if e.name.ends_with('/') {
            continue;
        }
        if is_torchscript(&e.name) && !keras_like {
            code_members.push(e.name.clone());
        }
        if keras_like && e.name.ends_with(".py") {
            sink.add(
                "keras-lambda",
                Some(e.local_offset),
                e.name.clone(),
                "the Keras archive carries Python source, which custom-object loading may import",
            );
        }
        if e.flags & 1 != 0 {
            sink.add(
                "unscannable",
                Some(e.local_offset),
                "encrypted member",
                "the member is encrypted and could not be analysed",
            );
            continue;
        }
        let start = match data_start(r, e, dir.cd_start) {
            Ok(s) => s,
            Err(m) => {
                sink.add("zip-invalid", Some(e.local_offset), m.clone(), m);
                sink.add(
                    "unscannable",
                    Some(e.local_offset),
                    "local header",
                    "the member could not be located, so it was not analysed",
                );
                continue;
            }
        };
        member(r, e, start, keras_like, sink, ctx);
    }
    sink.set_member(None);
    if !code_members.is_empty() {
        let shown: Vec<&str> = code_members.iter().take(5).map(String::as_str).collect();
        sink.add(
            "torchscript-code",
            None,
            shown.join(", "),
            format!("the archive carries {} TorchScript code member(s), which run when the model is loaded with torch.jit.load", code_members.len()),
        );
    }
}

/// Analyse one member whose data starts at `start`.
fn member<R: Read + Seek + ?Sized>(
    r: &mut R,
    e: &Entry,
    start: u64,
    keras_like: bool,
    sink: &mut Sink,
    ctx: &Ctx<'_>,
) {
    let caps = ctx.caps;
    // The head, through the decoder.
    // Tensor storages are only sniffed (16 bytes); anything else gets a longer look.
    let storage = is_storage(&e.name);
    let mut probe = if storage { 16 } else { PROBE };
    let head = loop {
        let rd = match open_entry(r, e, start) {
            Ok(rd) => rd,
            Err(m) => {
                sink.add(
                    "unscannable",
                    Some(start),
                    m.clone(),
                    format!("member not analysed: {m}"),
                );
                return;
            }
        };
        let mut h = Vec::new();
        if let Err(err) = rd.take(probe as u64).read_to_end(&mut h) {
            sink.add(
                "unscannable",
                Some(start),
                err.to_string(),
                format!("member cannot be decompressed: {err}"),
            );
            return;
        }
        let proto = h.len() >= 2 && h[0] == 0x80 && (2..=5).contains(&h[1]);
        if probe < PROBE && proto && h.len() == probe {
            probe = PROBE;
            continue;
        }
        break h;
    };
    let complete = head.len() < probe;
    let base = e
        .name
        .rsplit('/')
        .next()
        .unwrap_or(&e.name)
        .to_ascii_lowercase();
    let npy = head.starts_with(b"\x93NUMPY");
    let pickle_like = if storage {
        // Tensor bytes: only a strong signature (PROTO 2-5 and a plausible walk) gets a closer look.
        head.first() == Some(&0x80) && pickle::looks_like_pickle(&head, complete)
    } else {
        base.ends_with(".pkl")
            || base.ends_with(".pickle")
            || pickle::looks_like_pickle(&head, complete)
    };
    let config = keras_like && e.name == "config.json";
    // Containers inside the archive (a zip, a tar, a compressed stream) are opened like files;
    // archives that cannot be opened are reported. Storage members are tensor bytes, never opened.
    let kind = if storage {
        Kind::Other
    } else {
        container::kind_of(&head, complete, None)
    };
    if let Kind::Unopenable(what) = kind {
        container::report_unopenable(sink, what);
        return;
    }
    let nested = kind.is_container();
    if !(npy || pickle_like || config || nested) {
        return;
    }
    if nested && e.method == 0 {
        // Stored: a window on the archive, nothing copied (but charged, as overlapping members could
        // open the same bytes many times).
        if !ctx.charge(e.compressed) {
            sink.add(
                "zip-bomb",
                Some(start),
                format!("{} bytes", e.compressed),
                format!(
                    "the nested archive is past the file's analysis budget of {} bytes; not analysed",
                    caps.total
                ),
            );
            return;
        }
        match Window::new(&mut *r, start, e.compressed) {
            Ok(w) => {
                container::analyze_content(&mut io::BufReader::new(w), e.compressed, sink, ctx)
            }
            Err(err) => sink.add(
                "unscannable",
                Some(start),
                err.to_string(),
                format!("member cannot be read: {err}"),
            ),
        }
        return;
    }
    let mut sp = {
        let rd = match open_entry(r, e, start) {
            Ok(rd) => rd,
            Err(_) => return,
        };
        match ctx.spool(rd, caps.per_stream, (e.method != 0).then_some(e.compressed)) {
            Ok(s) => s,
            Err(SpoolError::Io(err)) => {
                sink.add(
                    "unscannable",
                    Some(start),
                    err.to_string(),
                    format!("member cannot be decompressed: {err}"),
                );
                return;
            }
            Err(err) => {
                sink.add(
                    "zip-bomb",
                    Some(start),
                    err.to_string(),
                    format!("member {err}; not analysed"),
                );
                return;
            }
        }
    };
    if nested {
        let n = sp.len();
        match sp.reader() {
            Ok(mut rd) => container::analyze_content(&mut *rd, n, sink, ctx),
            Err(err) => sink.add(
                "unscannable",
                Some(start),
                err.to_string(),
                format!("the member's temporary copy is unreadable: {err}"),
            ),
        }
        return;
    }
    if config {
        match sp
            .bytes(64 << 20)
            .map(|b| serde_json::from_slice::<serde_json::Value>(&b))
        {
            Some(Ok(v)) => keras::analyze_config(&v, sink, "config.json"),
            _ => sink.add(
                "unscannable",
                None,
                "config.json",
                "the Keras config.json is not readable JSON, so its layers were not checked",
            ),
        }
        return;
    }
    if npy {
        let h = sp.head(numpy::HEAD_NEEDED);
        match numpy::parse_header(&h) {
            Ok(hd) if hd.object => {
                sink.add(
                    "numpy-object-array",
                    Some(0),
                    format!("descr {}", hd.descr),
                    "the array has an object dtype: its data is a pickle",
                );
                let rep = sp.walk(hd.data_offset, Limits::default());
                stream::report(sink, &rep, false, "the object array's pickle");
            }
            Ok(_) => {}
            Err(m) => sink.add(
                "unscannable",
                Some(0),
                m.to_string(),
                format!("the .npy header cannot be read: {m}"),
            ),
        }
        return;
    }
    let (limits, legacy) = stream::limits_for(&head);
    let rep = sp.walk(0, limits);
    if storage && (rep.pickles == 0 || rep.imports.is_empty()) {
        // Tensor data that happened to start like a pickle.
        return;
    }
    stream::report(sink, &rep, legacy, "the pickle member");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One stored member "a" holding "x" with a central-directory comment `comment`; then, when `zip64`,
    /// a zip64 end record and locator; then the classic end record with `classic` (count, size, offset),
    /// each None meaning the real value.
    fn tiny_zip(zip64: bool, classic: [Option<u64>; 3], comment: &[u8]) -> Vec<u8> {
        let mut z = b"PK\x03\x04".to_vec();
        z.extend_from_slice(&[0; 10]);
        z.extend_from_slice(&[0; 4]); // crc (not checked here)
        z.extend_from_slice(&1u32.to_le_bytes());
        z.extend_from_slice(&1u32.to_le_bytes());
        z.extend_from_slice(&1u16.to_le_bytes());
        z.extend_from_slice(&0u16.to_le_bytes());
        z.extend_from_slice(b"ax");
        let cd = z.len() as u64;
        z.extend_from_slice(b"PK\x01\x02");
        z.extend_from_slice(&[0; 12]);
        z.extend_from_slice(&[0; 4]);
        z.extend_from_slice(&1u32.to_le_bytes());
        z.extend_from_slice(&1u32.to_le_bytes());
        z.extend_from_slice(&1u16.to_le_bytes());
        z.extend_from_slice(&0u16.to_le_bytes());
        z.extend_from_slice(&(comment.len() as u16).to_le_bytes());
        z.extend_from_slice(&[0; 8]);
        z.extend_from_slice(&0u32.to_le_bytes());
        z.push(b'a');
        z.extend_from_slice(comment);
        let cd_size = z.len() as u64 - cd;
        if zip64 {
            let at = z.len() as u64;
            z.extend_from_slice(b"PK\x06\x06");
            z.extend_from_slice(&44u64.to_le_bytes());
            z.extend_from_slice(&[0; 12]);
            z.extend_from_slice(&1u64.to_le_bytes());
            z.extend_from_slice(&1u64.to_le_bytes());
            z.extend_from_slice(&cd_size.to_le_bytes());
            z.extend_from_slice(&cd.to_le_bytes());
            z.extend_from_slice(b"PK\x06\x07");
            z.extend_from_slice(&0u32.to_le_bytes());
            z.extend_from_slice(&at.to_le_bytes());
            z.extend_from_slice(&1u32.to_le_bytes());
        }
        let [n, size, off] = classic;
        z.extend_from_slice(b"PK\x05\x06");
        z.extend_from_slice(&[0; 4]);
        z.extend_from_slice(&(n.unwrap_or(1) as u16).to_le_bytes());
        z.extend_from_slice(&(n.unwrap_or(1) as u16).to_le_bytes());
        z.extend_from_slice(&(size.unwrap_or(cd_size) as u32).to_le_bytes());
        z.extend_from_slice(&(off.unwrap_or(cd) as u32).to_le_bytes());
        z.extend_from_slice(&0u16.to_le_bytes());
        z
    }

    fn dir_of(z: &[u8]) -> Result<Directory, String> {
        read_directory(&mut io::Cursor::new(z), z.len() as u64, 100)
    }

    #[test]
    fn zip64_end_record_is_used_whenever_present() {
        // As PyTorch writes it: zip64 records and exact classic values.
        let d = dir_of(&tiny_zip(true, [None; 3], b"")).unwrap();
        assert_eq!(d.entries.len(), 1);
        assert_eq!(d.entries[0].name, "a");
        assert_eq!(d.cd_start, 32);
        // Saturated classic values defer to the zip64 record.
        let sat = [Some(0xffff), Some(0xffff_ffff), Some(0xffff_ffff)];
        assert_eq!(dir_of(&tiny_zip(true, sat, b"")).unwrap().entries.len(), 1);
        // Without zip64 records, as before.
        assert_eq!(
            dir_of(&tiny_zip(false, [None; 3], b""))
                .unwrap()
                .entries
                .len(),
            1
        );
        // Saturated values with no locator: an error.
        assert!(dir_of(&tiny_zip(false, sat, b"")).is_err());
    }

    #[test]
    fn zip64_end_record_must_agree_with_the_classic_one() {
        assert!(dir_of(&tiny_zip(true, [Some(2), None, None], b""))
            .unwrap_err()
            .contains("entry count"));
        assert!(dir_of(&tiny_zip(true, [None, Some(48), None], b""))
            .unwrap_err()
            .contains("directory size"));
        assert!(dir_of(&tiny_zip(true, [None, None, Some(0)], b""))
            .unwrap_err()
            .contains("directory offset"));
        // The record must end where its locator starts.
        let mut z = tiny_zip(true, [None; 3], b"");
        let at = z.len() - 22 - 20 - 56;
        z[at + 4] = 52;
        assert!(dir_of(&z).is_err());
    }

    #[test]
    fn locator_lookalike_inside_a_classic_directory_is_ignored() {
        // The entry's comment ends with locator-shaped bytes right before the end record; the classic
        // directory ends at the end record, so there is no room for a real locator.
        let mut fake = b"PK\x06\x07".to_vec();
        fake.extend_from_slice(&[0; 4]);
        fake.extend_from_slice(&1u64.to_le_bytes());
        fake.extend_from_slice(&1u32.to_le_bytes());
        let d = dir_of(&tiny_zip(false, [None; 3], &fake)).unwrap();
        assert_eq!(d.entries.len(), 1);
    }

    #[test]
    fn names() {
        assert!(is_traversal("../x"));
        assert!(is_traversal("a/../../x"));
        assert!(is_traversal("/etc/passwd"));
        assert!(is_traversal("C:\\x"));
        assert!(is_traversal("a\\..\\b"));
        assert!(!is_traversal("archive/data.pkl"));
        assert!(!is_traversal("a..b/c"));
        assert!(is_storage("archive/data/0"));
        assert!(is_storage("model/data/123"));
        assert!(!is_storage("archive/data.pkl"));
        assert!(!is_storage("archive/data/0.pkl"));
        assert!(is_torchscript("archive/code/__torch__/m.py"));
        assert!(is_torchscript("archive/code/__torch__.py"));
        assert!(is_torchscript("helper.py"));
        assert!(!is_torchscript("archive/data.pkl"));
        assert!(!is_torchscript("archive/constants.pkl"));
    }
}
