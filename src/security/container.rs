//! Containers in general: what a blob of bytes is by its first bytes, and its analysis like a top-level
//! file. An archive member or a decompressed stream may itself be a zip, a tar or a compressed stream;
//! such containers are opened in turn, down to [`MAX_NESTED`] levels inside the file's own container,
//! and their findings name the path through them (`outer.zip > inner.tar > pickle`). Formats the
//! analysis cannot open — 7z, RAR, zstd, lz4 — are reported `unscannable`, never passed as clean. All
//! the levels of one file share its caps ([`Caps`]): one decompression budget, one member budget, the
//! expansion ratio; hitting one is a finding.

use std::cell::Cell;
use std::io::{self, BufRead, Read, Seek, SeekFrom};

use super::finding::Sink;
use super::pickle;
use super::spool::{self, Caps, Codec, SpoolError, Spooled};
use super::tar::{self, Input};
use super::{archive, numpy, stream};
use crate::formats;

/// Containers opened one inside another below the file's own container (a zip in a zip in a zip in
/// the file is the last level opened).
pub const MAX_NESTED: u32 = 3;

/// Bytes of a blob looked at to decide what it is.
pub(crate) const PROBE: usize = 4096;

/// Bytes that can be read, buffered, and sought: a file, a window on one, a spooled member.
pub(crate) trait Blob: BufRead + Seek {}
impl<T: BufRead + Seek + ?Sized> Blob for T {}

/// A decompression cap that stopped a stream.
#[derive(Debug, Clone, Copy)]
enum Trip {
    /// The file's total decompression budget ran out.
    Total(u64),
    /// The output grew past the ratio cap over the compressed size.
    Ratio { out: u64, compressed: u64 },
}

/// State shared by every level of one file's analysis.
pub(crate) struct Ctx<'c> {
    pub(crate) caps: &'c Caps,
    /// Containers currently open (the file's own is 1).
    depth: Cell<u32>,
    /// Decompressed bytes the file may still produce.
    budget: Cell<u64>,
    /// Members (of nested archives and of tars) still to be looked at.
    members: Cell<u64>,
    /// Why the last metered stream stopped, until reported.
    trip: Cell<Option<Trip>>,
}

impl<'c> Ctx<'c> {
    /// The context of one file, whose own container is open.
    pub(crate) fn for_file(caps: &'c Caps) -> Self {
        Ctx {
            caps,
            depth: Cell::new(1),
            budget: Cell::new(caps.total),
            members: Cell::new(caps.max_members as u64),
            trip: Cell::new(None),
        }
    }

    /// Whether the analysis is inside a nested container.
    pub(crate) fn is_nested(&self) -> bool {
        self.depth.get() > 1
    }

    pub(crate) fn members_left(&self) -> u64 {
        self.members.get()
    }

    /// Count `n` members looked at.
    pub(crate) fn spend_members(&self, n: u64) {
        self.members.set(self.members.get().saturating_sub(n));
    }

    /// Count one member; false when the member budget is spent.
    pub(crate) fn take_member(&self) -> bool {
        let m = self.members.get();
        self.members.set(m.saturating_sub(1));
        m > 0
    }

    /// Charge `n` bytes read in place (a stored nested archive) to the decompression budget, so that
    /// members overlapping one stored archive cannot open it again and again for free; false when the
    /// budget is spent.
    pub(crate) fn charge(&self, n: u64) -> bool {
        let left = self.budget.get();
        self.budget.set(left.saturating_sub(n));
        n <= left
    }

    /// [`spool::spool`] charged to the file's decompression budget.
    pub(crate) fn spool(
        &self,
        r: impl Read,
        cap: u64,
        compressed: Option<u64>,
    ) -> Result<Spooled, SpoolError> {
        let mut b = self.budget.get();
        let res = spool::spool(r, cap, compressed, self.caps, &mut b);
        self.budget.set(b);
        res
    }
}

/// Report why a metered stream stopped, when a cap stopped it.
pub(crate) fn report_trip(sink: &mut Sink, ctx: &Ctx<'_>) -> bool {
    match ctx.trip.take() {
        Some(Trip::Total(cap)) => sink.add(
            "compressed-bomb",
            None,
            format!("over {cap} bytes"),
            format!("the decompressed content passes the cap of {cap} bytes for one file; the rest was not analysed"),
        ),
        Some(Trip::Ratio { out, compressed }) => sink.add(
            "compressed-bomb",
            None,
            format!("{compressed} -> over {out} bytes"),
            format!(
                "{compressed} compressed bytes expand past {out} bytes (over {}x); the rest was not analysed",
                ctx.caps.ratio
            ),
        ),
        None => return false,
    }
    true
}

/// A decompressor read under the file's caps: every byte it yields is charged to the decompression
/// budget, and it fails (recording why in the context) once the budget is spent or the output passes
/// the ratio cap over `compressed` input bytes.
pub(crate) struct Metered<'x, 'c, R> {
    inner: R,
    out: u64,
    compressed: u64,
    ctx: &'x Ctx<'c>,
    stopped: bool,
}

impl<'x, 'c, R: Read> Metered<'x, 'c, R> {
    pub(crate) fn new(inner: R, compressed: u64, ctx: &'x Ctx<'c>) -> Self {
        Metered {
            inner,
            out: 0,
            compressed,
            ctx,
            stopped: false,
        }
    }

    fn stop(&mut self, t: Trip) -> io::Error {
        self.stopped = true;
        self.ctx.trip.set(Some(t));
        io::Error::other("a decompression cap was reached")
    }
}

impl<R: Read> Read for Metered<'_, '_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.stopped {
            return Err(io::Error::other("a decompression cap was reached"));
        }
        let n = self.inner.read(buf)?;
        self.out += n as u64;
        let left = self.ctx.budget.get();
        if n as u64 > left {
            return Err(self.stop(Trip::Total(self.ctx.caps.total)));
        }
        self.ctx.budget.set(left - n as u64);
        if self.out > (1 << 20) && self.out / self.compressed.max(1) > self.ctx.caps.ratio {
            return Err(self.stop(Trip::Ratio {
                out: self.out,
                compressed: self.compressed,
            }));
        }
        Ok(n)
    }
}

/// `len` bytes of `r` from `start`, as a stream of their own (positions relative to `start`).
pub(crate) struct Window<R> {
    r: R,
    start: u64,
    len: u64,
    pos: u64,
}

impl<R: Read + Seek> Window<R> {
    pub(crate) fn new(mut r: R, start: u64, len: u64) -> io::Result<Self> {
        r.seek(SeekFrom::Start(start))?;
        Ok(Window {
            r,
            start,
            len,
            pos: 0,
        })
    }
}

impl<R: Read + Seek> Read for Window<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let room = usize::try_from(self.len.saturating_sub(self.pos)).unwrap_or(usize::MAX);
        let want = buf.len().min(room);
        if want == 0 {
            return Ok(0);
        }
        let n = self.r.read(&mut buf[..want])?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: Read + Seek> Seek for Window<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let new = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        }
        .ok_or(io::ErrorKind::InvalidInput)?;
        let abs = self
            .start
            .checked_add(new)
            .ok_or(io::ErrorKind::InvalidInput)?;
        self.r.seek(SeekFrom::Start(abs))?;
        self.pos = new;
        Ok(new)
    }
}

/// What a blob is, by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Zip,
    Tar,
    Compressed(Codec),
    /// A container the analysis cannot open.
    Unopenable(&'static str),
    Npy,
    Pickle,
    Other,
}

impl Kind {
    /// A zip, a tar or a compressed stream: something to open.
    pub(crate) fn is_container(self) -> bool {
        matches!(self, Kind::Zip | Kind::Tar | Kind::Compressed(_))
    }
}

/// Archive and compression formats recognised but not opened.
pub fn unopenable(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"7z\xbc\xaf\x27\x1c") {
        Some("7z archive")
    } else if head.starts_with(b"Rar!\x1a\x07\x00") || head.starts_with(b"Rar!\x1a\x07\x01\x00") {
        Some("RAR archive")
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Some("zstd stream")
    } else if head.starts_with(&[0x04, 0x22, 0x4d, 0x18])
        || head.starts_with(&[0x02, 0x21, 0x4c, 0x18])
    {
        Some("lz4 stream")
    } else {
        None
    }
}

/// Whether `name` promises a pickle (PyTorch's legacy tar names its main pickle `pickle`).
fn named_pickle(name: Option<&str>) -> bool {
    let base = name
        .map(|n| n.rsplit('/').next().unwrap_or(n).to_ascii_lowercase())
        .unwrap_or_default();
    base.ends_with(".pkl") || base.ends_with(".pickle") || base == "pickle"
}

/// What the blob starting with `head` is (`complete`: the head is all of it; `name`: what it is called).
pub(crate) fn kind_of(head: &[u8], complete: bool, name: Option<&str>) -> Kind {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        Kind::Zip
    } else if tar::is_header(head) {
        Kind::Tar
    } else if let Some(what) = unopenable(head) {
        Kind::Unopenable(what)
    } else if head.starts_with(b"\x93NUMPY") {
        Kind::Npy
    } else if pickle::looks_like_pickle(head, complete) {
        Kind::Pickle
    } else if let Some(c) = spool::codec_of(head) {
        Kind::Compressed(c)
    } else if named_pickle(name) && !head.is_empty() {
        Kind::Pickle
    } else {
        Kind::Other
    }
}

/// Whether a member starting with `head` needs a closer look.
pub(crate) fn worth_opening(head: &[u8], complete: bool, name: Option<&str>) -> bool {
    kind_of(head, complete, name) != Kind::Other
}

fn read_head(blob: &mut dyn Blob, n: usize) -> io::Result<Vec<u8>> {
    blob.seek(SeekFrom::Start(0))?;
    let mut h = Vec::new();
    blob.take(n as u64).read_to_end(&mut h)?;
    blob.seek(SeekFrom::Start(0))?;
    Ok(h)
}

/// Report a blob in a format the analysis cannot open.
pub(crate) fn report_unopenable(sink: &mut Sink, what: &str) {
    sink.add(
        "unscannable",
        Some(0),
        what.to_string(),
        format!("a {what} cannot be opened by the analysis, so what it holds was not checked"),
    );
}

/// Open a nested container: one level deeper, findings collected apart and named inside the current
/// member; past [`MAX_NESTED`] levels, a finding instead.
fn nested(sink: &mut Sink, ctx: &Ctx<'_>, what: &str, open: impl FnOnce(&mut Sink)) {
    let depth = ctx.depth.get();
    if depth > MAX_NESTED {
        sink.add(
            "archive-limit-exceeded",
            Some(0),
            format!("{what} nested {depth} deep"),
            format!("a {what} inside {depth} containers is past the nesting cap ({MAX_NESTED} below the file's own), so it was not opened and its content was not checked"),
        );
        return;
    }
    ctx.depth.set(depth + 1);
    let mut child = sink.child();
    open(&mut child);
    ctx.depth.set(depth);
    sink.absorb(child);
}

/// Analyse a blob of `len` bytes by its content, like a top-level file: pickles, NumPy arrays, and
/// containers opened in turn. Findings go to `sink`'s current member.
pub(crate) fn analyze_content(blob: &mut dyn Blob, len: u64, sink: &mut Sink, ctx: &Ctx<'_>) {
    let head = match read_head(blob, PROBE) {
        Ok(h) => h,
        Err(e) => {
            sink.add(
                "unscannable",
                None,
                e.to_string(),
                format!("the content could not be read: {e}"),
            );
            return;
        }
    };
    let complete = (head.len() as u64) >= len;
    let name = sink.member().map(str::to_string);
    match kind_of(&head, complete, name.as_deref()) {
        Kind::Zip => nested(sink, ctx, "zip archive", |child| {
            let format = formats::sniff(&head, len, name.as_deref().unwrap_or(""));
            archive::analyze_zip_in(blob, len, format, child, ctx);
        }),
        Kind::Tar => nested(sink, ctx, "tar archive", |child| {
            match Input::seekable(blob, len) {
                Ok(mut input) => tar::analyze(&mut input, &head, child, ctx),
                Err(e) => child.add(
                    "unscannable",
                    None,
                    e.to_string(),
                    format!("the tar archive could not be read: {e}"),
                ),
            }
        }),
        Kind::Compressed(codec) => {
            nested(sink, ctx, &format!("{} stream", codec.as_str()), |child| {
                decompressed(blob, len, codec, child, ctx)
            })
        }
        Kind::Unopenable(what) => report_unopenable(sink, what),
        Kind::Npy => npy(blob, &head, sink),
        Kind::Pickle => {
            let (limits, legacy) = stream::limits_for(&head);
            if blob.seek(SeekFrom::Start(0)).is_ok() {
                let rep = pickle::walk(&mut *blob, limits);
                stream::report(sink, &rep, legacy, "the pickle member");
            }
        }
        Kind::Other => {}
    }
}

fn npy(blob: &mut dyn Blob, head: &[u8], sink: &mut Sink) {
    match numpy::parse_header(head) {
        Ok(h) if h.object => {
            sink.add(
                "numpy-object-array",
                Some(0),
                format!("descr {}", h.descr),
                "the array has an object dtype: its data is a pickle",
            );
            if blob.seek(SeekFrom::Start(h.data_offset)).is_ok() {
                let rep = pickle::walk(&mut *blob, pickle::Limits::default());
                stream::report(sink, &rep, false, "the object array's pickle");
            }
        }
        Ok(_) => {}
        Err(m) => sink.add(
            "unscannable",
            Some(0),
            m.to_string(),
            format!("the .npy header cannot be read: {m}"),
        ),
    }
}

/// The content of a `codec` stream of `len` compressed bytes: a tar is read as it streams out, anything
/// else worth a look is spooled (within the caps) and analysed by content.
fn decompressed(blob: &mut dyn Blob, len: u64, codec: Codec, sink: &mut Sink, ctx: &Ctx<'_>) {
    let failed = |sink: &mut Sink, e: io::Error| {
        if !report_trip(sink, ctx) {
            sink.add(
                "unscannable",
                None,
                e.to_string(),
                format!("the {} stream cannot be decompressed: {e}", codec.as_str()),
            );
        }
    };
    if let Err(e) = blob.seek(SeekFrom::Start(0)) {
        return failed(sink, e);
    }
    let dec = match spool::decoder(codec, &mut *blob) {
        Ok(d) => d,
        Err(e) => return failed(sink, e),
    };
    let mut m = Metered::new(dec, len, ctx);
    let mut head = Vec::new();
    if let Err(e) = m.by_ref().take(PROBE as u64).read_to_end(&mut head) {
        // Bytes that merely start like a compressed stream (a two-byte zlib header happens by chance)
        // fail at once and yield nothing recognisable: not a stream, nothing to analyse.
        let kind = kind_of(&head, true, None);
        if ctx.trip.get().is_none() && kind == Kind::Other {
            return;
        }
        failed(sink, e);
        if kind == Kind::Pickle {
            // What did decompress still runs when loaded: walk it.
            let rep = pickle::walk_bytes(&head, pickle::Limits::default());
            stream::report(sink, &rep, false, "the decompressed pickle");
        }
        return;
    }
    let complete = head.len() < PROBE;
    match kind_of(&head, complete, None) {
        Kind::Other => {}
        Kind::Unopenable(what) => report_unopenable(sink, what),
        Kind::Tar => nested(sink, ctx, "tar archive", |child| {
            let mut chained = io::Cursor::new(&head).chain(&mut m);
            let mut input = Input::Stream {
                r: &mut chained,
                pos: 0,
            };
            tar::analyze(&mut input, &head, child, ctx);
        }),
        _ => {
            let mut unlimited = u64::MAX;
            let res = spool::spool(
                io::Cursor::new(&head).chain(&mut m),
                ctx.caps.per_stream,
                None,
                ctx.caps,
                &mut unlimited,
            );
            match res {
                Ok(mut sp) => {
                    let n = sp.len();
                    match sp.reader() {
                        Ok(mut r) => analyze_content(&mut *r, n, sink, ctx),
                        Err(e) => failed(sink, e),
                    }
                }
                Err(SpoolError::Io(e)) => failed(sink, e),
                Err(e) => sink.add(
                    "compressed-bomb",
                    None,
                    e.to_string(),
                    format!("the {} stream {e}; not analysed", codec.as_str()),
                ),
            }
        }
    }
}

/// A top-level compressed file whose decompressed head `head` shows a container (tar, zip, another
/// compressed stream, an unopenable archive): analysed here instead of as a compressed pickle.
pub(crate) fn is_container_head(head: &[u8]) -> bool {
    let k = kind_of(head, false, None);
    k.is_container() || matches!(k, Kind::Unopenable(_))
}

/// Analyse the top-level compressed file `r` of `size` bytes (see [`is_container_head`]).
pub(crate) fn analyze_compressed_file(
    r: &mut dyn Blob,
    size: u64,
    codec: Codec,
    sink: &mut Sink,
    caps: &Caps,
) {
    let ctx = Ctx::for_file(caps);
    sink.set_member(None);
    decompressed(r, size, codec, sink, &ctx);
    sink.set_member(None);
}

/// Analyse `len` bytes read from `r` as a top-level tar (or unopenable archive), for callers that hold
/// the bytes elsewhere than in a file (fuzzing); `rel` names it in the findings. Bytes that are neither
/// give no finding here, as a file of unknown format would not.
pub fn analyze_tar_reader<R: BufRead + Seek>(
    r: &mut R,
    len: u64,
    rel: &str,
    caps: &Caps,
) -> Vec<super::SecurityFinding> {
    let mut sink = Sink::new(rel);
    if let Some(Err(e)) = analyze_file(r, len, formats::Format::Binary, &mut sink, caps) {
        sink.add(
            "unscannable",
            None,
            e.to_string(),
            format!("reading failed during analysis: {e}"),
        );
    }
    sink.out
}

/// A top-level file that is a tar, or an archive the analysis cannot open, whatever it was sniffed as
/// (`None`: not such a file, analyse it otherwise).
pub(crate) fn analyze_file(
    r: &mut dyn Blob,
    size: u64,
    format: formats::Format,
    sink: &mut Sink,
    caps: &Caps,
) -> Option<io::Result<()>> {
    use formats::Format;
    if !matches!(
        format,
        Format::Tar | Format::PytorchTar | Format::SevenZip | Format::Rar | Format::Binary
    ) {
        return None;
    }
    let head = match read_head(r, PROBE) {
        Ok(h) => h,
        Err(e) => return Some(Err(e)),
    };
    if tar::is_header(&head) {
        let ctx = Ctx::for_file(caps);
        return Some(Input::seekable(r, size).map(|mut input| {
            tar::analyze(&mut input, &head, sink, &ctx);
        }));
    }
    if let Some(what) = unopenable(&head) {
        report_unopenable(sink, what);
        return Some(Ok(()));
    }
    // Sniffed as an archive but not one on a closer look: never clean.
    if format != Format::Binary {
        sink.add(
            "unscannable",
            None,
            format.as_str(),
            format!(
                "the file was identified as {} but cannot be read as one",
                format.as_str()
            ),
        );
        return Some(Ok(()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_first_bytes() {
        assert_eq!(kind_of(b"PK\x03\x04xx", false, None), Kind::Zip);
        assert_eq!(
            kind_of(b"7z\xbc\xaf\x27\x1c\x00\x04", false, None),
            Kind::Unopenable("7z archive")
        );
        assert_eq!(
            kind_of(b"Rar!\x1a\x07\x01\x00", false, None),
            Kind::Unopenable("RAR archive")
        );
        assert_eq!(
            kind_of(b"\x28\xb5\x2f\xfd\x00", false, None),
            Kind::Unopenable("zstd stream")
        );
        assert_eq!(
            kind_of(b"\x1f\x8b\x08\x00", false, None),
            Kind::Compressed(Codec::Gzip)
        );
        assert_eq!(kind_of(b"\x80\x02N.", true, None), Kind::Pickle);
        assert_eq!(kind_of(b"\x93NUMPY\x01\x00", false, None), Kind::Npy);
        assert_eq!(kind_of(b"hello world", true, None), Kind::Other);
        assert_eq!(kind_of(b"hello world", true, Some("a/b.pkl")), Kind::Pickle);
        assert_eq!(kind_of(b"", true, Some("pickle")), Kind::Other);
    }

    #[test]
    fn bytes_that_only_look_compressed_are_not_unscannable() {
        // A zlib header followed by bytes that do not inflate.
        let mut b = vec![0x78, 0x9c];
        b.extend_from_slice(&[0xff; 64]);
        assert_eq!(kind_of(&b, true, None), Kind::Compressed(Codec::Zlib));
        let caps = Caps::default();
        let ctx = Ctx::for_file(&caps);
        let mut sink = Sink::new("x");
        sink.set_member(Some("blob".into()));
        analyze_content(&mut io::Cursor::new(&b), b.len() as u64, &mut sink, &ctx);
        assert!(sink.out.is_empty(), "{:#?}", sink.out);
        // A real stream cut short after a pickle head is reported, and what decompressed is walked.
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut e, b"\x80\x02cposix\nsystem\nX\x02\x00\x00\x00id\x85R.")
            .unwrap();
        let z = e.finish().unwrap();
        let cut = &z[..z.len() - 4];
        analyze_content(&mut io::Cursor::new(cut), cut.len() as u64, &mut sink, &ctx);
        let codes: Vec<_> = sink.out.iter().map(|f| f.code).collect();
        assert!(codes.contains(&"unscannable"), "{codes:?}");
        assert!(codes.contains(&"pickle-dangerous-import"), "{codes:?}");
    }

    #[test]
    fn window_reads_and_seeks_inside_its_range() {
        let data: Vec<u8> = (0..100u8).collect();
        let mut w = Window::new(io::Cursor::new(&data), 10, 20).unwrap();
        let mut v = Vec::new();
        w.read_to_end(&mut v).unwrap();
        assert_eq!(v, (10..30u8).collect::<Vec<_>>());
        assert_eq!(w.seek(SeekFrom::End(-5)).unwrap(), 15);
        let mut b = [0u8; 10];
        assert_eq!(w.read(&mut b).unwrap(), 5);
        assert_eq!(b[0], 25);
        assert!(w.seek(SeekFrom::Current(-100)).is_err());
    }

    #[test]
    fn metered_stream_stops_at_the_budget_and_the_ratio() {
        let caps = Caps {
            total: 1000,
            ..Caps::default()
        };
        let ctx = Ctx::for_file(&caps);
        let data = vec![0u8; 5000];
        let mut m = Metered::new(&data[..], 5000, &ctx);
        assert!(io::copy(&mut m, &mut io::sink()).is_err());
        assert!(matches!(ctx.trip.get(), Some(Trip::Total(1000))));
        let caps = Caps::default();
        let ctx = Ctx::for_file(&caps);
        let big = vec![0u8; 3 << 20];
        let mut m = Metered::new(&big[..], 100, &ctx);
        assert!(io::copy(&mut m, &mut io::sink()).is_err());
        let mut sink = Sink::new("x");
        assert!(report_trip(&mut sink, &ctx));
        assert_eq!(sink.out[0].code, "compressed-bomb");
        assert!(!report_trip(&mut sink, &ctx));
    }
}
