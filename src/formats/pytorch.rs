//! PyTorch checkpoints as facts, without unpickling anything: the `torch.save` zip (its `data.pkl`) and
//! the legacy (pre-1.6) stream of stacked pickles followed by raw storages. The pickle is walked
//! symbolically (see [`crate::security::pickle`]), recording the storages its persistent ids name
//! (`('storage', torch.FloatStorage, key, location, numel)`) and the tensors rebuilt from them
//! (`torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)`); from those come the tensor
//! count, the parameter count (elements of distinct tensor views, or of a storage no readable tensor
//! uses) and the dtypes (from the storage class, or the dtype `_rebuild_tensor_v3` is given). Storage
//! sizes are checked against the archive members or the bytes after the legacy pickles, by their
//! lengths only: tensor data is never read.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use serde::Serialize;

use super::{open_regular, Defect, DefectLog, Format};
use crate::security::archive::{data_start, read_directory};
use crate::security::pickle::{self, Limits, PickleReport};
use crate::security::spool::{self, Caps};
use crate::security::stream::{is_legacy_torch, limits_for};

/// Zip members looked at (the directory is read up to this many entries).
const MAX_MEMBERS: usize = 100_000;

/// Facts of a PyTorch checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PytorchInfo {
    /// `zip` (`torch.save` since 1.6) or `legacy` (stacked pickles, then raw storages).
    pub layout: &'static str,
    /// Distinct tensors: rebuild calls with distinct (storage, offset, size, stride), plus one per
    /// storage that no readable rebuild call uses.
    pub tensor_count: u64,
    /// Distinct storages named by persistent ids.
    pub storage_count: u64,
    /// Total element count of those tensors.
    pub parameters: u64,
    /// dtype (safetensors spelling: `F32`, `BF16`, `I64`, ...) → element count.
    pub dtypes: BTreeMap<String, u64>,
    /// Structural problems that still let the file be described.
    pub defects: Vec<Defect>,
}

/// The dtype (safetensors spelling) and element size in bytes of a storage class (`torch.HalfStorage`),
/// with whether it is untyped (its element count is a byte count).
fn storage_dtype(class: &str) -> Option<(&'static str, u64, bool)> {
    let (module, name) = class.rsplit_once('.')?;
    if !matches!(module, "torch" | "torch.cuda" | "torch.storage") {
        return None;
    }
    Some(match name {
        "FloatStorage" => ("F32", 4, false),
        "DoubleStorage" => ("F64", 8, false),
        "HalfStorage" => ("F16", 2, false),
        "BFloat16Storage" => ("BF16", 2, false),
        "LongStorage" => ("I64", 8, false),
        "IntStorage" => ("I32", 4, false),
        "ShortStorage" => ("I16", 2, false),
        "CharStorage" => ("I8", 1, false),
        "ByteStorage" => ("U8", 1, false),
        "BoolStorage" => ("BOOL", 1, false),
        "ComplexFloatStorage" => ("C64", 8, false),
        "ComplexDoubleStorage" => ("C128", 16, false),
        "QInt8Storage" => ("QI8", 1, false),
        "QUInt8Storage" => ("QU8", 1, false),
        "QInt32Storage" => ("QI32", 4, false),
        "QUInt4x2Storage" => ("QU4x2", 1, false),
        "QUInt2x4Storage" => ("QU2x4", 1, false),
        "UntypedStorage" => ("U8", 1, true),
        _ => return None,
    })
}

/// The dtype (safetensors spelling) of a `torch.<dtype>` object, as `_rebuild_tensor_v3` is given it.
fn torch_dtype(name: &str) -> Option<&'static str> {
    Some(match name.strip_prefix("torch.")? {
        "float32" | "float" => "F32",
        "float64" | "double" => "F64",
        "float16" | "half" => "F16",
        "bfloat16" => "BF16",
        "int64" | "long" => "I64",
        "int32" | "int" => "I32",
        "int16" | "short" => "I16",
        "int8" => "I8",
        "uint8" => "U8",
        "uint16" => "U16",
        "uint32" => "U32",
        "uint64" => "U64",
        "bool" => "BOOL",
        "complex64" | "cfloat" => "C64",
        "complex128" | "cdouble" => "C128",
        "float8_e4m3fn" => "F8_E4M3",
        "float8_e5m2" => "F8_E5M2",
        "float8_e4m3fnuz" => "F8_E4M3FNUZ",
        "float8_e5m2fnuz" => "F8_E5M2FNUZ",
        "float8_e8m0fnu" => "F8_E8M0",
        _ => return None,
    })
}

/// Read the facts of the file at `path` (`size` bytes, identified as `format`). `Ok(None)`: the file is
/// not a PyTorch checkpoint (a zip without `<archive>/data.pkl`, a pickle without the legacy magic).
pub fn read(path: &Path, format: Format, size: u64) -> Result<Option<PytorchInfo>, Defect> {
    let mut f = open_regular(path).map_err(|e| {
        Defect::new(
            "pytorch-unreadable",
            format!("the file cannot be opened: {e}"),
        )
    })?;
    match format {
        Format::PytorchZip => read_zip(&mut f, size),
        Format::Pickle => read_legacy(BufReader::with_capacity(64 * 1024, f), size),
        _ => Ok(None),
    }
}

/// A `torch.save` zip: `<archive>/data.pkl` names storages kept as `<archive>/data/<key>`.
pub fn read_zip<R: Read + Seek>(r: &mut R, size: u64) -> Result<Option<PytorchInfo>, Defect> {
    let unreadable = |m: String| Defect::new("pytorch-unreadable", m);
    let dir = read_directory(r, size, MAX_MEMBERS)
        .map_err(|e| unreadable(format!("the zip archive cannot be read: {e}")))?;
    // PyTorch's reader takes the archive name from the first member's directory.
    let Some((prefix, _)) = dir.entries.first().and_then(|e| e.name.split_once('/')) else {
        return Ok(None);
    };
    let prefix = prefix.to_string();
    let pkl_name = format!("{prefix}/data.pkl");
    let Some(pkl) = dir.entries.iter().find(|e| e.name == pkl_name) else {
        return Ok(None);
    };
    if pkl.flags & 1 != 0 {
        return Err(unreadable(format!("{pkl_name} is encrypted")));
    }
    let start = data_start(r, pkl, dir.cd_start).map_err(unreadable)?;
    let limits = Limits {
        tensors: true,
        ..Limits::default()
    };
    let rep = match pkl.method {
        0 => pickle::walk(
            BufReader::new(Window {
                inner: &mut *r,
                start,
                len: pkl.compressed,
                pos: 0,
            }),
            limits,
        ),
        8 => {
            r.seek(SeekFrom::Start(start))
                .map_err(|e| unreadable(e.to_string()))?;
            let caps = Caps::default();
            let mut budget = caps.total;
            let d = flate2::read::DeflateDecoder::new(r.take(pkl.compressed));
            let mut sp = spool::spool(d, caps.per_stream, Some(pkl.compressed), &caps, &mut budget)
                .map_err(|e| unreadable(format!("{pkl_name}: {e}")))?;
            sp.walk(0, limits)
        }
        m => {
            return Err(unreadable(format!(
                "{pkl_name} uses compression method {m}"
            )))
        }
    };
    if rep.pickles == 0 {
        return Err(unreadable(format!("{pkl_name} is not a complete pickle")));
    }
    let members: HashMap<&str, u64> = dir
        .entries
        .iter()
        .map(|e| (e.name.as_str(), e.size))
        .collect();
    let mut log = DefectLog::default();
    let mut info = summarise(&rep, "zip", &mut log);
    for s in distinct_storages(&rep) {
        let name = format!("{prefix}/data/{}", s.key);
        let Some(&have) = members.get(name.as_str()) else {
            log.push(Defect::new(
                "pytorch-storage-mismatch",
                format!(
                    "storage '{}' named by {pkl_name} is not in the archive",
                    s.key
                ),
            ));
            continue;
        };
        if let Some(need) = storage_bytes(s) {
            if have < need {
                log.push(Defect::new(
                    "pytorch-storage-mismatch",
                    format!(
                        "storage '{}' holds {have} bytes, fewer than the {need} its {} elements of {} need",
                        s.key, s.numel, s.class
                    ),
                ));
            }
        }
    }
    info.defects = log.finish();
    Ok(Some(info))
}

/// A legacy `torch.save` stream: magic, protocol version, system info, the object, the storage keys,
/// then each storage as an 8-byte element count and its data.
pub fn read_legacy<R: Read + Seek>(
    mut r: BufReader<R>,
    size: u64,
) -> Result<Option<PytorchInfo>, Defect> {
    let unreadable = |m: String| Defect::new("pytorch-unreadable", m);
    let mut head = Vec::new();
    (&mut r)
        .take(64)
        .read_to_end(&mut head)
        .map_err(|e| unreadable(e.to_string()))?;
    if !is_legacy_torch(&head) {
        return Ok(None);
    }
    r.seek(SeekFrom::Start(0))
        .map_err(|e| unreadable(e.to_string()))?;
    let (limits, _) = limits_for(&head);
    let rep = pickle::walk(
        r,
        Limits {
            tensors: true,
            ..limits
        },
    );
    if rep.pickles < limits.max_pickles {
        return Err(unreadable(format!(
            "only {} of the {} pickles of a legacy save are complete",
            rep.pickles, limits.max_pickles
        )));
    }
    let mut log = DefectLog::default();
    let mut info = summarise(&rep, "legacy", &mut log);
    // Each storage follows the pickles as an 8-byte count and its bytes.
    let need = distinct_storages(&rep)
        .map(|s| storage_bytes(s).map(|b| b.saturating_add(8)))
        .try_fold(0u64, |a, b| b.map(|b| a.saturating_add(b)));
    let have = size.saturating_sub(rep.end);
    if let Some(need) = need {
        if have < need {
            log.push(Defect::at(
                "pytorch-storage-mismatch",
                rep.end,
                format!(
                    "the storages named by the pickles need {need} bytes after them, the file has {have}"
                ),
            ));
        }
    }
    info.defects = log.finish();
    Ok(Some(info))
}

/// Each storage key once (its first persistent id).
fn distinct_storages(rep: &PickleReport) -> impl Iterator<Item = &pickle::StorageRef> {
    let mut seen = HashSet::new();
    rep.storages
        .iter()
        .filter(move |s| seen.insert(s.key.as_str()))
}

/// Bytes a storage's data takes, when its class is known.
fn storage_bytes(s: &pickle::StorageRef) -> Option<u64> {
    let (_, elsize, _) = storage_dtype(&s.class)?;
    s.numel.checked_mul(elsize)
}

/// Counts from the recorded storages and tensor rebuild calls.
fn summarise(rep: &PickleReport, layout: &'static str, log: &mut DefectLog) -> PytorchInfo {
    let mut info = PytorchInfo {
        layout,
        tensor_count: 0,
        storage_count: 0,
        parameters: 0,
        dtypes: BTreeMap::new(),
        defects: Vec::new(),
    };
    let add = |info: &mut PytorchInfo, dtype: &str, n: u64| {
        info.tensor_count += 1;
        info.parameters = info.parameters.saturating_add(n);
        let slot = info.dtypes.entry(dtype.to_string()).or_insert(0);
        *slot = slot.saturating_add(n);
    };
    let mut views = HashSet::new();
    let mut used = HashSet::new();
    for t in &rep.tensors {
        let Some(s) = rep.storages.get(t.storage) else {
            continue;
        };
        used.insert(s.key.as_str());
        if !views.insert((s.key.as_str(), t.storage_offset, &t.size, &t.stride)) {
            continue;
        }
        let kind = storage_dtype(&s.class);
        let dtype = t
            .dtype
            .as_deref()
            .and_then(torch_dtype)
            .or(kind.map(|k| k.0))
            .unwrap_or("unknown");
        let Some(numel) = t.size.iter().try_fold(1u64, |a, &d| a.checked_mul(d)) else {
            log.push(Defect::at(
                "pytorch-storage-mismatch",
                t.offset,
                format!("a tensor's size {:?} overflows 64 bits", t.size),
            ));
            continue;
        };
        // The view must lie inside its (typed) storage, as PyTorch checks when it loads.
        if let (Some(stride), Some((_, _, false))) = (&t.stride, kind) {
            let extent = if numel == 0 {
                Some(0)
            } else {
                t.size
                    .iter()
                    .zip(stride)
                    .try_fold(t.storage_offset.checked_add(1), |a, (&d, &st)| {
                        Some(a?.checked_add((d - 1).checked_mul(st)?))
                    })
                    .flatten()
            };
            if extent.is_none_or(|e| e > s.numel) {
                log.push(Defect::at(
                    "pytorch-storage-mismatch",
                    t.offset,
                    format!(
                        "a tensor of size {:?} at offset {} reaches past the {} elements of storage '{}'",
                        t.size, t.storage_offset, s.numel, s.key
                    ),
                ));
            }
        }
        add(&mut info, dtype, numel);
    }
    for s in distinct_storages(rep) {
        info.storage_count += 1;
        if used.contains(s.key.as_str()) {
            continue;
        }
        // A storage no readable tensor uses: its elements, when it is typed.
        if let Some((dtype, _, false)) = storage_dtype(&s.class) {
            add(&mut info, dtype, s.numel);
        }
    }
    info
}

/// `len` bytes of `inner` from `start`, as a reader of their own.
struct Window<'a, R> {
    inner: &'a mut R,
    start: u64,
    len: u64,
    pos: u64,
}

impl<R: Read + Seek> Read for Window<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.len.saturating_sub(self.pos);
        if left == 0 || buf.is_empty() {
            return Ok(0);
        }
        let n = (buf.len() as u64).min(left) as usize;
        self.inner.seek(SeekFrom::Start(self.start + self.pos))?;
        let got = self.inner.read(&mut buf[..n])?;
        self.pos += got as u64;
        Ok(got)
    }
}

impl<R> Seek for Window<'_, R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        match target {
            Some(t) => {
                self.pos = t;
                Ok(t)
            }
            None => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    fn u32le(n: usize) -> [u8; 4] {
        (n as u32).to_le_bytes()
    }

    fn unicode(v: &mut Vec<u8>, s: &str) {
        v.push(b'X');
        v.extend_from_slice(&u32le(s.len()));
        v.extend_from_slice(s.as_bytes());
    }

    fn int(v: &mut Vec<u8>, n: u64) {
        if n < 256 {
            v.extend_from_slice(&[b'K', n as u8]);
        } else if n < 65536 {
            v.push(b'M');
            v.extend_from_slice(&(n as u16).to_le_bytes());
        } else {
            v.extend_from_slice(&[0x8a, 8]);
            v.extend_from_slice(&n.to_le_bytes());
        }
    }

    fn ints(v: &mut Vec<u8>, xs: &[u64]) {
        v.push(b'(');
        for x in xs {
            int(v, *x);
        }
        v.push(b't');
    }

    /// A protocol 2 state dict as torch.save pickles it: `name -> (storage class, key, size)`, each
    /// tensor a `_rebuild_tensor_v2` call on a persistent storage; a contiguous stride.
    fn state_dict(tensors: &[(&str, &str, &str, &[u64])]) -> Vec<u8> {
        let mut v = b"\x80\x02ccollections\nOrderedDict\n)R(".to_vec();
        for (name, class, key, size) in tensors {
            unicode(&mut v, name);
            v.extend_from_slice(b"ctorch._utils\n_rebuild_tensor_v2\n((");
            unicode(&mut v, "storage");
            v.extend_from_slice(format!("ctorch\n{class}\n").as_bytes());
            unicode(&mut v, key);
            unicode(&mut v, "cpu");
            int(&mut v, size.iter().product());
            v.extend_from_slice(b"tQ");
            int(&mut v, 0);
            ints(&mut v, size);
            let stride: Vec<u64> = (0..size.len())
                .map(|i| size[i + 1..].iter().product())
                .collect();
            ints(&mut v, &stride);
            v.extend_from_slice(b"\x89ccollections\nOrderedDict\n)RtR");
        }
        v.extend_from_slice(b"u.");
        v
    }

    fn zip_of(members: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, data) in members {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn facts(bytes: &[u8]) -> PytorchInfo {
        read_zip(&mut Cursor::new(bytes), bytes.len() as u64)
            .unwrap()
            .unwrap()
    }

    #[test]
    fn zip_counts_tensors_parameters_and_dtypes() {
        let pkl = state_dict(&[
            ("emb.weight", "BFloat16Storage", "0", &[1000, 64]),
            ("fc.weight", "FloatStorage", "1", &[10, 64]),
            ("fc.bias", "FloatStorage", "2", &[10]),
            ("steps", "LongStorage", "3", &[]),
        ]);
        let z = zip_of(&[
            ("archive/data.pkl", pkl),
            ("archive/data/0", vec![0; 128_000]),
            ("archive/data/1", vec![0; 2560]),
            ("archive/data/2", vec![0; 40]),
            ("archive/data/3", vec![0; 8]),
            ("archive/version", b"3\n".to_vec()),
        ]);
        let i = facts(&z);
        assert_eq!(i.layout, "zip");
        assert_eq!(i.tensor_count, 4);
        assert_eq!(i.storage_count, 4);
        assert_eq!(i.parameters, 64_000 + 640 + 10 + 1);
        assert_eq!(
            i.dtypes,
            BTreeMap::from([
                ("BF16".to_string(), 64_000),
                ("F32".to_string(), 650),
                ("I64".to_string(), 1)
            ])
        );
        assert!(i.defects.is_empty(), "{:?}", i.defects);
    }

    #[test]
    fn shared_views_count_once_and_short_storages_are_defects() {
        // Two entries for one tensor view (tied weights saved twice), and a missing / short storage.
        let pkl = state_dict(&[
            ("a", "HalfStorage", "0", &[4, 4]),
            ("b", "HalfStorage", "0", &[4, 4]),
            ("c", "FloatStorage", "1", &[8]),
            ("d", "FloatStorage", "2", &[2]),
        ]);
        let z = zip_of(&[
            ("m/data.pkl", pkl),
            ("m/data/0", vec![0; 32]),
            ("m/data/1", vec![0; 16]),
        ]);
        let i = facts(&z);
        assert_eq!(i.tensor_count, 3);
        assert_eq!(i.parameters, 16 + 8 + 2);
        let codes: Vec<_> = i.defects.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            ["pytorch-storage-mismatch", "pytorch-storage-mismatch"]
        );
        assert!(i.defects[0].message.contains("'1'"), "{:?}", i.defects);
        assert!(i.defects[1].message.contains("not in the archive"));
    }

    #[test]
    fn zips_that_are_not_torch_saves_have_no_facts() {
        let z = zip_of(&[("a.txt", b"x".to_vec())]);
        assert!(read_zip(&mut Cursor::new(&z), z.len() as u64)
            .unwrap()
            .is_none());
        let z = zip_of(&[("archive/data.pkl", b"not a pickle".to_vec())]);
        let e = read_zip(&mut Cursor::new(&z), z.len() as u64).unwrap_err();
        assert_eq!(e.code, "pytorch-unreadable");
        let e = read_zip(&mut Cursor::new(&z[..40]), 40).unwrap_err();
        assert_eq!(e.code, "pytorch-unreadable");
    }

    #[test]
    fn every_single_byte_mutation_is_handled_without_panic() {
        let pkl = state_dict(&[("w", "FloatStorage", "0", &[3, 2])]);
        let z = zip_of(&[("archive/data.pkl", pkl), ("archive/data/0", vec![0; 24])]);
        for i in 0..z.len() {
            for x in [0x00, 0xff, z[i] ^ 1] {
                let mut b = z.clone();
                b[i] = x;
                let _ = read_zip(&mut Cursor::new(&b), b.len() as u64);
            }
        }
    }

    #[test]
    fn dtype_names() {
        assert_eq!(
            storage_dtype("torch.cuda.HalfStorage"),
            Some(("F16", 2, false))
        );
        assert_eq!(
            storage_dtype("torch.storage.UntypedStorage"),
            Some(("U8", 1, true))
        );
        assert_eq!(storage_dtype("evil.FloatStorage"), None);
        assert_eq!(torch_dtype("torch.float8_e4m3fn"), Some("F8_E4M3"));
    }
}
