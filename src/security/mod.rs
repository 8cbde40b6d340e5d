//! Model-file security: find code execution hidden in model files without executing anything.
//!
//! [`analyze_file`] decides by content, whatever the file is called: pickles of every protocol (raw,
//! legacy PyTorch, compressed joblib-style), zip containers (PyTorch, Keras, npz) and tar archives
//! (plain or compressed, PyTorch's legacy tar checkpoints included) member by member, containers nested
//! in containers, NumPy object arrays, Keras configurations in `.keras` and `.h5`, TensorFlow SavedModel
//! ops and chat templates; archives it cannot open (7z, RAR, zstd, lz4) are reported, never passed.
//! [`analyze_chat_template`] checks a template's text. Both return [`SecurityFinding`]s with stable codes
//! (registered in [`crate::finding::CODES`], documented in docs/security-findings.md) and never fail: a
//! file that could not be analysed yields an `unscannable` finding, never silence. Everything is bounded
//! (see [`spool::Caps`] and [`pickle::Limits`]); tensor data is not read.
//!
//! One concept per file: `pickle` (opcode walker), `imports` (verdicts), `stream` (walk → findings,
//! legacy torch), `spool` (bounded decompression), `archive` (zip containers), `tar` (tar archives),
//! `container` (content-based dispatch of members and nesting), `numpy`, `keras`, `tensorflow`,
//! `template` (chat templates), `finding` (the per-file finding builder; the finding
//! type and the code registry are [`crate::finding`]'s).

pub mod archive;
pub mod container;
pub mod finding;
pub mod imports;
pub mod keras;
pub mod numpy;
pub mod pickle;
pub mod spool;
pub mod stream;
pub mod tar;
pub mod template;
pub mod tensorflow;

use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

pub use finding::SecurityFinding;
use finding::Sink;
use spool::{Caps, SpoolError};

use crate::formats::{self, Format};

/// Bytes of a text or binary file read to decide whether it is a pickle or a compressed stream.
const PROBE: usize = 4096;

/// Template and tokenizer-config files are read up to this size.
const MAX_TEXT: u64 = 16 << 20;

/// Extensions that promise a pickle: such a file that is not one is reported as unscannable.
const PICKLE_EXTENSIONS: &[&str] = &["pkl", "pickle", "joblib", "dill", "pck"];

/// Extensions under which PyTorch and friends save pickles (besides [`PICKLE_EXTENSIONS`]).
const CHECKPOINT_EXTENSIONS: &[&str] = &["bin", "pt", "pth", "ckpt", "p", "sav", "model", "data"];

/// Analyse the file at `path` (model-relative `rel`, sniffed as `format`, `size` bytes, digest
/// `sha256`) for hidden code execution.
pub fn analyze_file(
    path: &Path,
    rel: &str,
    format: Format,
    size: u64,
    sha256: &str,
) -> Vec<SecurityFinding> {
    analyze_file_with(path, rel, format, size, sha256, &Caps::default())
}

/// [`analyze_file`] with explicit caps.
pub fn analyze_file_with(
    path: &Path,
    rel: &str,
    format: Format,
    size: u64,
    sha256: &str,
    caps: &Caps,
) -> Vec<SecurityFinding> {
    let mut sink = Sink::with_sha256(rel, sha256);
    let base = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
    let ext = formats::extension(rel);
    let wants_content = base == "saved_model.pb"
        || matches!(
            format,
            Format::Pickle
                | Format::PytorchZip
                | Format::Zip
                | Format::Npz
                | Format::Keras
                | Format::Npy
                | Format::Hdf5
                | Format::Gguf
                | Format::Tar
                | Format::PytorchTar
                | Format::SevenZip
                | Format::Rar
                | Format::Text
                | Format::Binary
        )
        || (format == Format::Json
            && matches!(
                base.as_str(),
                "tokenizer_config.json" | "chat_template.json"
            ));
    if !wants_content {
        return sink.out;
    }
    if format == Format::Gguf {
        if let Ok(info) = formats::gguf::read(path, size) {
            if let Some(t) = info.chat_template {
                template::analyze(&t, &mut sink, "the GGUF tokenizer.chat_template");
            }
        }
        return sink.out;
    }
    let file = match formats::open_regular(path) {
        Ok(f) => f,
        Err(e) => {
            sink.add(
                "unscannable",
                None,
                e.to_string(),
                format!("the file could not be opened for analysis: {e}"),
            );
            return sink.out;
        }
    };
    let mut r = BufReader::with_capacity(64 * 1024, file);
    let res = if base == "saved_model.pb" {
        tensorflow::analyze_saved_model(&mut r, &mut sink)
    } else if let Some(res) = container::analyze_file(&mut r, size, format, &mut sink, caps) {
        // Tars (whatever they are named) and archives that cannot be opened.
        res
    } else {
        match format {
            Format::Pickle => pickle_file(&mut r, &mut sink),
            Format::PytorchZip | Format::Zip | Format::Npz | Format::Keras => {
                archive::analyze_zip(&mut r, size, format, &mut sink, caps);
                Ok(())
            }
            Format::Npy => npy_file(&mut r, &mut sink),
            Format::Hdf5 => keras::analyze_h5(&mut r, &mut sink),
            Format::Json => tokenizer_config(&mut r, &mut sink),
            _ if ext == "jinja" => jinja(&mut r, &mut sink),
            _ => other_file(&mut r, size, &ext, &mut sink, caps),
        }
    };
    if let Err(e) = res {
        sink.set_member(None);
        sink.add(
            "unscannable",
            None,
            e.to_string(),
            format!("reading the file failed during analysis: {e}"),
        );
    }
    sink.out
}

/// Check a chat template's text (`rel`: the file it came from).
pub fn analyze_chat_template(template: &str, rel: &str) -> Vec<SecurityFinding> {
    let mut sink = Sink::new(rel);
    template::analyze(template, &mut sink, "the chat template");
    sink.out
}

fn head_of<R: Read + Seek>(r: &mut R, n: usize) -> std::io::Result<Vec<u8>> {
    r.seek(SeekFrom::Start(0))?;
    let mut h = Vec::new();
    r.by_ref().take(n as u64).read_to_end(&mut h)?;
    r.seek(SeekFrom::Start(0))?;
    Ok(h)
}

/// A pickle file (any protocol; legacy PyTorch saves included).
fn pickle_file<R: Read + Seek>(r: &mut BufReader<R>, sink: &mut Sink) -> std::io::Result<()> {
    let head = head_of(r, 64)?;
    let (limits, legacy) = stream::limits_for(&head);
    let rep = pickle::walk(&mut *r, limits);
    stream::report(
        sink,
        &rep,
        legacy,
        if legacy {
            "the legacy PyTorch save"
        } else {
            "the pickle"
        },
    );
    Ok(())
}

/// A NumPy `.npy` file: an object array's data is a pickle.
fn npy_file<R: Read + Seek>(r: &mut BufReader<R>, sink: &mut Sink) -> std::io::Result<()> {
    let head = head_of(r, numpy::HEAD_NEEDED)?;
    match numpy::parse_header(&head) {
        Ok(h) if h.object => {
            sink.add(
                "numpy-object-array",
                Some(0),
                format!("descr {}", h.descr),
                "the array has an object dtype: its data is a pickle",
            );
            r.seek(SeekFrom::Start(h.data_offset))?;
            let rep = pickle::walk(&mut *r, pickle::Limits::default());
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
    Ok(())
}

/// `tokenizer_config.json` / `chat_template.json`: the chat templates they hold.
fn tokenizer_config<R: Read>(r: &mut R, sink: &mut Sink) -> std::io::Result<()> {
    let mut b = Vec::new();
    r.take(MAX_TEXT).read_to_end(&mut b)?;
    match crate::hf::config::parse_tokenizer_config(&b) {
        Ok(t) => {
            for (name, tpl) in &t.chat_template {
                template::analyze(tpl, sink, &format!("the chat template '{name}'"));
            }
        }
        Err(e) => sink.add(
            "unscannable",
            None,
            "not JSON",
            format!("the tokenizer configuration cannot be parsed, so its chat template was not checked: {e}"),
        ),
    }
    Ok(())
}

fn jinja<R: Read>(r: &mut R, sink: &mut Sink) -> std::io::Result<()> {
    let mut b = Vec::new();
    r.take(MAX_TEXT).read_to_end(&mut b)?;
    template::analyze(&String::from_utf8_lossy(&b), sink, "the chat template");
    Ok(())
}

/// Text or unidentified binary: a protocol 0/1 pickle, a compressed pickle, or neither. Content decides:
/// a head that looks compressed is decompressed, and the raw bytes are analysed as well whenever they
/// look like a pickle, since a text pickle can pass a compression magic check (`(S` is a valid zlib
/// header) and loaders differ on what they take for compressed (joblib only sees zlib in `0x78`).
fn other_file<R: Read + Seek>(
    r: &mut BufReader<R>,
    size: u64,
    ext: &str,
    sink: &mut Sink,
    caps: &Caps,
) -> std::io::Result<()> {
    let head = head_of(r, PROBE)?;
    let complete = (head.len() as u64) >= size;
    let mut failure = None;
    let mut inflated = false;
    if let Some(codec) = spool::codec_of(&head) {
        match compressed(r, size, codec, ext, sink, caps)? {
            Inflated::Pickle | Inflated::Analysed => inflated = true,
            Inflated::NotPickle => {}
            Inflated::Failed(why) => failure = Some(why),
        }
    }
    if raw_pickle(r, &head, complete, ext, sink)? || inflated {
        return Ok(());
    }
    if PICKLE_EXTENSIONS.contains(&ext) {
        match failure {
            Some(why) => sink.add(
                "unscannable",
                None,
                why.clone(),
                format!("the file is named like a pickle, is not one, and looks compressed but cannot be decompressed: {why}"),
            ),
            None => sink.add(
                "unscannable",
                None,
                format!(".{ext} file with unrecognised content"),
                "the file is named like a pickle but is neither a pickle nor a supported compressed stream",
            ),
        }
    }
    Ok(())
}

/// The raw bytes as a pickle, when their head is one; whether they were walked.
fn raw_pickle<R: Read + Seek>(
    r: &mut BufReader<R>,
    head: &[u8],
    complete: bool,
    ext: &str,
    sink: &mut Sink,
) -> std::io::Result<bool> {
    if !pickle::looks_like_pickle(head, complete) {
        return Ok(false);
    }
    let named = PICKLE_EXTENSIONS.contains(&ext) || CHECKPOINT_EXTENSIONS.contains(&ext);
    // Under any other name (README, LICENSE, notes), text can look like a protocol 0 pickle by
    // chance ("N." is one): walk it only when its head imports or calls something, which a
    // data-only pickle never does and which is the only way one runs code.
    let h = pickle::walk_bytes(head, pickle::Limits::default());
    let active = !h.imports.is_empty()
        || !h.calls.is_empty()
        || h.anomalies
            .iter()
            .any(|a| a.code == "pickle-unresolved-global");
    if !(named || active) {
        return Ok(false);
    }
    sink.set_member(None);
    pickle_file(r, sink)?;
    Ok(true)
}

/// What became of a stream that looked compressed.
enum Inflated {
    /// It decompressed to a pickle (or to too much, reported), which was analysed.
    Pickle,
    /// It decompressed to a container (a compressed tar, ...), which was opened and analysed.
    Analysed,
    /// It decompressed to something that is not a pickle.
    NotPickle,
    /// It could not be decompressed (why).
    Failed(String),
}

/// A compressed stream (joblib and friends): decompress with caps, walk it when it holds a pickle.
fn compressed<R: Read + Seek>(
    r: &mut BufReader<R>,
    size: u64,
    codec: spool::Codec,
    ext: &str,
    sink: &mut Sink,
    caps: &Caps,
) -> std::io::Result<Inflated> {
    // First only the head of the decompressed stream: most compressed files are not pickles.
    r.seek(SeekFrom::Start(0))?;
    let head = match spool::decoder(codec, &mut *r) {
        Ok(d) => {
            let mut h = Vec::new();
            d.take(PROBE as u64).read_to_end(&mut h).map(|_| h)
        }
        Err(e) => Err(e),
    };
    let head = match head {
        Ok(h) => h,
        Err(e) => {
            return Ok(Inflated::Failed(format!(
                "the {} stream cannot be decompressed: {e}",
                codec.as_str()
            )))
        }
    };
    let complete = head.len() < PROBE;
    if container::is_container_head(&head) {
        // A compressed tar (or zip, 7z, ...): opened as a container.
        container::analyze_compressed_file(r, size, codec, sink, caps);
        return Ok(Inflated::Analysed);
    }
    if !pickle::looks_like_pickle(&head, complete) && !PICKLE_EXTENSIONS.contains(&ext) {
        return Ok(Inflated::NotPickle);
    }
    sink.set_member(Some(format!("<{} stream>", codec.as_str())));
    r.seek(SeekFrom::Start(0))?;
    let mut budget = caps.total;
    let res = spool::decoder(codec, &mut *r)
        .map_err(SpoolError::Io)
        .and_then(|d| spool::spool(d, caps.per_stream, Some(size), caps, &mut budget));
    let out = match res {
        Ok(mut sp) => {
            let (limits, legacy) = stream::limits_for(&head);
            let rep = sp.walk(0, limits);
            stream::report(sink, &rep, legacy, "the decompressed pickle");
            Inflated::Pickle
        }
        Err(SpoolError::Io(e)) => {
            // Its head decompressed to a pickle, so this is a damaged compressed pickle; the raw
            // bytes are still looked at.
            sink.add(
                "unscannable",
                None,
                e.to_string(),
                format!("the {} stream cannot be decompressed: {e}", codec.as_str()),
            );
            Inflated::NotPickle
        }
        Err(e) => {
            sink.add(
                "compressed-bomb",
                None,
                e.to_string(),
                format!("the {} stream {e}; not analysed", codec.as_str()),
            );
            Inflated::Pickle
        }
    };
    sink.set_member(None);
    Ok(out)
}
