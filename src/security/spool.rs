//! Bounded decompression: a compressed stream (a zip member, a joblib-compressed pickle) is read through
//! its decoder into memory, spilling to an anonymous temporary file past a threshold, and stopped as
//! soon as it passes a size cap or an expansion-ratio cap. The result can be walked as a pickle without
//! ever holding more than the threshold in memory, or read again as a seekable blob (a nested archive).
//! Also: recognising compressed streams by magic.

use std::io::{self, BufReader, Cursor, Read, Seek, SeekFrom, Write};

use super::pickle::{self, Limits, PickleReport};

/// Caps on decompression for one file.
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    /// Bytes one stream (member) may decompress to.
    pub per_stream: u64,
    /// Bytes all streams of one file may decompress to together.
    pub total: u64,
    /// Largest accepted ratio of decompressed to compressed bytes (checked past 1 MiB of output).
    pub ratio: u64,
    /// Members of an archive that are looked at.
    pub max_members: usize,
    /// Output kept in memory before spilling to a temporary file.
    pub spill: usize,
}

impl Default for Caps {
    fn default() -> Self {
        Caps {
            per_stream: 1 << 30,
            total: 4 << 30,
            ratio: 200,
            max_members: 100_000,
            spill: 64 << 20,
        }
    }
}

/// Decompressed bytes, in memory or in an anonymous temporary file.
pub(crate) enum Spooled {
    Mem(Vec<u8>),
    File(std::fs::File, u64),
}

impl Spooled {
    pub(crate) fn len(&self) -> u64 {
        match self {
            Spooled::Mem(v) => v.len() as u64,
            Spooled::File(_, n) => *n,
        }
    }

    /// The first `n` bytes (fewer when shorter).
    pub(crate) fn head(&mut self, n: usize) -> Vec<u8> {
        match self {
            Spooled::Mem(v) => v[..v.len().min(n)].to_vec(),
            Spooled::File(f, _) => {
                let mut out = Vec::new();
                if f.seek(SeekFrom::Start(0)).is_ok() {
                    let _ = Read::by_ref(f).take(n as u64).read_to_end(&mut out);
                }
                out
            }
        }
    }

    /// Walk the bytes from `start` as pickle stream(s).
    pub(crate) fn walk(&mut self, start: u64, limits: Limits) -> PickleReport {
        match self {
            Spooled::Mem(v) => {
                let mut c = Cursor::new(v.as_slice());
                c.set_position(start);
                pickle::walk(c, limits)
            }
            Spooled::File(f, _) => match f.seek(SeekFrom::Start(start)) {
                Ok(_) => pickle::walk(BufReader::new(f), limits),
                Err(_) => {
                    let mut r = PickleReport::default();
                    r.anomalies.push(pickle::Anomaly {
                        code: "pickle-truncated",
                        offset: start,
                        message: "temporary copy unreadable".into(),
                    });
                    r
                }
            },
        }
    }

    /// A buffered, seekable reader over the bytes, from their start.
    pub(crate) fn reader(&mut self) -> io::Result<Box<dyn super::container::Blob + '_>> {
        Ok(match self {
            Spooled::Mem(v) => Box::new(Cursor::new(v.as_slice())),
            Spooled::File(f, _) => {
                f.seek(SeekFrom::Start(0))?;
                Box::new(BufReader::new(f))
            }
        })
    }

    /// All bytes, when they fit in `cap`.
    pub(crate) fn bytes(&mut self, cap: u64) -> Option<Vec<u8>> {
        if self.len() > cap {
            return None;
        }
        match self {
            Spooled::Mem(v) => Some(v.clone()),
            Spooled::File(f, _) => {
                f.seek(SeekFrom::Start(0)).ok()?;
                let mut out = Vec::new();
                Read::by_ref(f).take(cap).read_to_end(&mut out).ok()?;
                Some(out)
            }
        }
    }
}

/// Why a stream was not spooled.
#[derive(Debug)]
pub(crate) enum SpoolError {
    /// The output passed `cap` bytes (the per-stream cap or what is left of the file's total).
    TooLarge(u64),
    /// The output grew past `ratio` times the compressed size.
    Ratio { out: u64, compressed: u64 },
    /// The decoder or the input failed (corrupt data, I/O error).
    Io(io::Error),
}

impl std::fmt::Display for SpoolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SpoolError::TooLarge(cap) => write!(f, "decompresses to more than {cap} bytes"),
            SpoolError::Ratio { out, compressed } => write!(
                f,
                "{compressed} compressed bytes expanded past {out} bytes (ratio over the cap)"
            ),
            SpoolError::Io(e) => write!(f, "cannot decompress: {e}"),
        }
    }
}

/// Read `r` to its end into a [`Spooled`], stopping at `cap` output bytes or when the output exceeds
/// `ratio` times `compressed` (when given) past the first MiB. `budget` is the file's remaining total
/// and is charged with every byte produced.
pub(crate) fn spool(
    mut r: impl Read,
    cap: u64,
    compressed: Option<u64>,
    caps: &Caps,
    budget: &mut u64,
) -> Result<Spooled, SpoolError> {
    let cap = cap.min(*budget);
    let mut mem: Vec<u8> = Vec::new();
    let mut file: Option<std::fs::File> = None;
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(SpoolError::Io(e)),
        };
        total += n as u64;
        *budget = budget.saturating_sub(n as u64);
        if total > cap {
            return Err(SpoolError::TooLarge(cap));
        }
        if let Some(c) = compressed {
            if total > (1 << 20) && total / c.max(1) > caps.ratio {
                return Err(SpoolError::Ratio {
                    out: total,
                    compressed: c,
                });
            }
        }
        match &mut file {
            Some(f) => f.write_all(&buf[..n]).map_err(SpoolError::Io)?,
            None if mem.len() + n > caps.spill => {
                let mut f = tempfile::tempfile().map_err(SpoolError::Io)?;
                f.write_all(&mem).map_err(SpoolError::Io)?;
                f.write_all(&buf[..n]).map_err(SpoolError::Io)?;
                mem = Vec::new();
                file = Some(f);
            }
            None => mem.extend_from_slice(&buf[..n]),
        }
    }
    Ok(match file {
        Some(f) => Spooled::File(f, total),
        None => Spooled::Mem(mem),
    })
}

/// A compression format recognised by its magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Gzip,
    Zlib,
    Bzip2,
    Xz,
    Lzma,
}

impl Codec {
    pub fn as_str(self) -> &'static str {
        match self {
            Codec::Gzip => "gzip",
            Codec::Zlib => "zlib",
            Codec::Bzip2 => "bzip2",
            Codec::Xz => "xz",
            Codec::Lzma => "lzma",
        }
    }
}

/// Identify a compressed stream from its first bytes.
pub fn codec_of(head: &[u8]) -> Option<Codec> {
    match head {
        [0x1f, 0x8b, 8, ..] => Some(Codec::Gzip),
        [0xfd, b'7', b'z', b'X', b'Z', 0, ..] => Some(Codec::Xz),
        [b'B', b'Z', b'h', b'1'..=b'9', 0x31, 0x41, 0x59, 0x26, 0x53, 0x59, ..] => {
            Some(Codec::Bzip2)
        }
        [b'B', b'Z', b'h', b'1'..=b'9', 0x17, 0x72, 0x45, 0x38, 0x50, 0x90, ..] => {
            Some(Codec::Bzip2)
        }
        // zlib: CM 8 (deflate), window ≤ 32 KiB, header checksum, no preset dictionary.
        [cmf, flg, ..]
            if cmf & 0x0f == 8
                && cmf >> 4 <= 7
                && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0
                && flg & 0x20 == 0 =>
        {
            Some(Codec::Zlib)
        }
        // .lzma (LZMA-alone): properties byte < 225 (lc/lp/pb), a power-of-two-ish dictionary size
        // and an uncompressed size that is either unknown (all ones) or plausible.
        [props, d0, d1, d2, d3, s @ ..] if *props == 0x5d && s.len() >= 8 => {
            let dict = u32::from_le_bytes([*d0, *d1, *d2, *d3]);
            let size = u64::from_le_bytes(s[..8].try_into().ok()?);
            (dict.is_power_of_two() && (size == u64::MAX || size < (1 << 40)))
                .then_some(Codec::Lzma)
        }
        _ => None,
    }
}

/// Memory the xz / lzma decoders may use (KiB): dictionaries above 256 MiB are refused.
const LZMA_MEM_KB: u32 = 256 * 1024;

/// A decoder for `codec` over `r`.
pub(crate) fn decoder<'a, R: Read + 'a>(codec: Codec, r: R) -> io::Result<Box<dyn Read + 'a>> {
    Ok(match codec {
        Codec::Gzip => Box::new(flate2::read::MultiGzDecoder::new(r)),
        Codec::Zlib => Box::new(flate2::read::ZlibDecoder::new(r)),
        Codec::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(r)),
        Codec::Xz => Box::new(lzma_rust2::XzReader::new_mem_limit(r, true, LZMA_MEM_KB)),
        Codec::Lzma => Box::new(lzma_rust2::LzmaReader::new_mem_limit(r, LZMA_MEM_KB, None)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spool_caps_size_and_ratio_and_spills() {
        let caps = Caps {
            spill: 1000,
            ..Caps::default()
        };
        let data = vec![7u8; 5000];
        let mut budget = u64::MAX;
        let mut s = spool(&data[..], 10_000, None, &caps, &mut budget).unwrap();
        assert!(matches!(s, Spooled::File(_, 5000)));
        assert_eq!(s.head(3), [7, 7, 7]);
        assert_eq!(budget, u64::MAX - 5000);
        let mut budget = u64::MAX;
        assert!(matches!(
            spool(&data[..], 4000, None, &caps, &mut budget),
            Err(SpoolError::TooLarge(4000))
        ));
        let big = vec![0u8; 3 << 20];
        let mut budget = u64::MAX;
        assert!(matches!(
            spool(&big[..], u64::MAX, Some(1000), &caps, &mut budget),
            Err(SpoolError::Ratio { .. })
        ));
        // The file's remaining budget caps a stream too.
        let mut budget = 100;
        assert!(matches!(
            spool(&data[..], 10_000, None, &caps, &mut budget),
            Err(SpoolError::TooLarge(100))
        ));
    }

    #[test]
    fn codecs_by_magic() {
        assert_eq!(codec_of(b"\x1f\x8b\x08\x00"), Some(Codec::Gzip));
        assert_eq!(codec_of(b"\x78\x9c\x00"), Some(Codec::Zlib));
        assert_eq!(codec_of(b"\x78\xda\x00"), Some(Codec::Zlib));
        assert_eq!(codec_of(b"\xfd7zXZ\x00\x00"), Some(Codec::Xz));
        assert_eq!(codec_of(b"BZh91AY&SY\x00"), Some(Codec::Bzip2));
        assert_eq!(
            codec_of(b"\x5d\x00\x00\x80\x00\xff\xff\xff\xff\xff\xff\xff\xff"),
            Some(Codec::Lzma)
        );
        assert_eq!(codec_of(b"\x80\x02}q\x00."), None);
        assert_eq!(codec_of(b"# README"), None);
    }
}
