//! safetensors header reader: the 8-byte little-endian header length, the JSON header (tensor dtypes,
//! shapes, byte ranges and the free-form `__metadata__` map) and every structural rule that makes the
//! file unambiguous — bounded header length checked before anything is allocated, known dtype sizes
//! (including sub-byte types), dtype × shape = byte length with checked arithmetic, byte ranges that
//! tile the data section exactly. Tensor data is never read.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::{ErrorKind, Read};
use std::path::Path;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{open_regular, Defect, DefectLog};

/// The largest header safetensors itself accepts (100 MB).
pub const MAX_HEADER_LEN: u64 = 100_000_000;

/// Facts from a safetensors header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SafetensorsInfo {
    /// Length of the JSON header in bytes (the file's first 8 bytes).
    pub header_len: u64,
    /// Number of tensor entries (every key but `__metadata__`).
    pub tensor_count: u64,
    /// Total element count of all tensors with a valid shape.
    pub parameters: u64,
    /// dtype → element count.
    pub dtypes: BTreeMap<String, u64>,
    /// The `__metadata__` map (string values only).
    pub metadata: BTreeMap<String, String>,
    /// Structural problems that still let the file be described.
    pub defects: Vec<Defect>,
}

/// Size in bits of one element of a safetensors dtype, or `None` for a dtype safetensors does not define.
pub fn dtype_bits(dtype: &str) -> Option<u64> {
    Some(match dtype {
        "F4" => 4,
        "F6_E2M3" | "F6_E3M2" => 6,
        "BOOL" | "U8" | "I8" | "F8_E5M2" | "F8_E4M3" | "F8_E8M0" => 8,
        "I16" | "U16" | "F16" | "BF16" => 16,
        "I32" | "U32" | "F32" => 32,
        "I64" | "U64" | "F64" | "C64" => 64,
        _ => return None,
    })
}

/// Read the header of the safetensors file at `path`, `size` bytes long. Reads the 8-byte length, checks
/// it against [`MAX_HEADER_LEN`] and the file size, and only then reads the header itself.
pub fn read(path: &Path, size: u64) -> Result<SafetensorsInfo, Defect> {
    let io_err = |e: std::io::Error| {
        if e.kind() == ErrorKind::UnexpectedEof {
            Defect::new("safetensors-truncated", "the file ends inside the header")
        } else {
            Defect::new("safetensors-unreadable", format!("reading the header: {e}"))
        }
    };
    let mut f = open_regular(path).map_err(io_err)?;
    let mut prefix = [0u8; 8];
    if size < 8 {
        return Err(truncated_prefix(size));
    }
    f.read_exact(&mut prefix).map_err(io_err)?;
    let n = u64::from_le_bytes(prefix);
    check_header_len(n, size)?;
    let mut buf = prefix.to_vec();
    buf.extend(super::read_exact_vec(&mut f, n).map_err(io_err)?);
    parse_header(&buf, size)
}

fn truncated_prefix(len: u64) -> Defect {
    Defect::at(
        "safetensors-truncated",
        0,
        format!("{len} bytes: too short for the 8-byte header length"),
    )
}

fn check_header_len(n: u64, file_size: u64) -> Result<(), Defect> {
    if n > MAX_HEADER_LEN {
        return Err(Defect::at(
            "safetensors-header-too-large",
            0,
            format!(
                "header length {n} exceeds the {MAX_HEADER_LEN}-byte limit (the file is {file_size} bytes)"
            ),
        ));
    }
    let room = file_size.saturating_sub(8);
    if n > room {
        return Err(Defect::at(
            "safetensors-header-past-end",
            0,
            format!(
                "header length {n} exceeds the file size {file_size}: only {room} bytes follow the length field"
            ),
        ));
    }
    Ok(())
}

/// The header's top-level entries in file order, keeping duplicates (which `serde_json::Value` would merge).
struct Entries(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Entries, A::Error> {
                let mut v = Vec::new();
                while let Some(e) = m.next_entry::<String, Value>()? {
                    v.push(e);
                }
                Ok(Entries(v))
            }
        }
        d.deserialize_map(V)
    }
}

/// One tensor's byte range in the data section, for the tiling check.
struct Range {
    begin: u64,
    end: u64,
    name: String,
}

/// Parse a safetensors header. `header` is the file's beginning: the 8-byte length followed by at least
/// that many bytes of JSON (anything after is ignored); `file_size` is the whole file's size. Pure: for
/// tests and fuzzing.
pub fn parse_header(header: &[u8], file_size: u64) -> Result<SafetensorsInfo, Defect> {
    let Some(prefix) = header.get(..8) else {
        return Err(truncated_prefix(header.len() as u64));
    };
    let n = u64::from_le_bytes(prefix.try_into().unwrap_or([0; 8]));
    check_header_len(n, file_size)?;
    let json = usize::try_from(n)
        .ok()
        .and_then(|n| header.get(8..8 + n))
        .ok_or_else(|| {
            Defect::at(
                "safetensors-truncated",
                8,
                format!(
                    "header length {n} but only {} header bytes given",
                    header.len() - 8
                ),
            )
        })?;
    let text = std::str::from_utf8(json).map_err(|e| {
        Defect::at(
            "safetensors-header-not-utf8",
            8 + e.valid_up_to() as u64,
            "the header is not valid UTF-8",
        )
    })?;
    let entries: Entries = serde_json::from_str(text).map_err(|e| {
        if e.classify() == serde_json::error::Category::Data {
            Defect::at(
                "safetensors-header-not-object",
                8,
                "the header is not a JSON object",
            )
        } else {
            Defect::at(
                "safetensors-header-not-json",
                8,
                format!("the header is not valid JSON: {e}"),
            )
        }
    })?;
    Ok(describe(entries.0, n, file_size))
}

fn describe(entries: Vec<(String, Value)>, n: u64, file_size: u64) -> SafetensorsInfo {
    let mut log = DefectLog::default();
    let mut last: BTreeMap<&str, usize> = BTreeMap::new();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for (i, (k, _)) in entries.iter().enumerate() {
        if !seen.insert(k) {
            log.push(Defect::new(
                "safetensors-duplicate-key",
                format!("key {k:?} appears more than once; the last one is described"),
            ));
        }
        last.insert(k, i);
    }
    let mut info = SafetensorsInfo {
        header_len: n,
        tensor_count: 0,
        parameters: 0,
        dtypes: BTreeMap::new(),
        metadata: BTreeMap::new(),
        defects: Vec::new(),
    };
    let mut ranges = Vec::new();
    let mut overflowed = false;
    for (i, (name, value)) in entries.iter().enumerate() {
        if last.get(name.as_str()) != Some(&i) {
            continue;
        }
        if name == "__metadata__" {
            read_metadata(value, &mut info.metadata, &mut log);
            continue;
        }
        info.tensor_count += 1;
        let Some(t) = value.as_object() else {
            log.push(Defect::new(
                "safetensors-bad-tensor",
                format!("tensor {name:?} is not an object"),
            ));
            continue;
        };
        let dtype = t.get("dtype").and_then(Value::as_str);
        let shape: Option<Vec<u64>> = t
            .get("shape")
            .and_then(Value::as_array)
            .and_then(|a| a.iter().map(Value::as_u64).collect());
        let offsets: Option<(u64, u64)> = t
            .get("data_offsets")
            .and_then(Value::as_array)
            .and_then(|a| match a.as_slice() {
                [b, e] => Some((b.as_u64()?, e.as_u64()?)),
                _ => None,
            })
            .filter(|(b, e)| b <= e);
        let (Some(dtype), Some(shape), Some((begin, end))) = (dtype, shape, offsets) else {
            log.push(Defect::new(
                "safetensors-bad-tensor",
                format!(
                    "tensor {name:?} lacks a string dtype, a shape of unsigned integers or \
                     data_offsets [begin, end] with begin <= end"
                ),
            ));
            continue;
        };
        ranges.push(Range {
            begin,
            end,
            name: name.clone(),
        });
        let Some(numel) = shape.iter().try_fold(1u64, |a, &d| a.checked_mul(d)) else {
            log.push(Defect::new(
                "safetensors-shape-overflow",
                format!("tensor {name:?}: the element count of shape {shape:?} overflows 64 bits"),
            ));
            continue;
        };
        let slot = info.dtypes.entry(dtype.to_string()).or_insert(0);
        *slot = slot.saturating_add(numel);
        match info.parameters.checked_add(numel) {
            Some(p) => info.parameters = p,
            None => {
                info.parameters = u64::MAX;
                if !overflowed {
                    overflowed = true;
                    log.push(Defect::new(
                        "safetensors-shape-overflow",
                        "the total parameter count overflows 64 bits",
                    ));
                }
            }
        }
        let Some(bits) = dtype_bits(dtype) else {
            log.push(Defect::new(
                "safetensors-unknown-dtype",
                format!("tensor {name:?} has unknown dtype {dtype:?}"),
            ));
            continue;
        };
        let Some(total_bits) = numel.checked_mul(bits) else {
            log.push(Defect::new(
                "safetensors-shape-overflow",
                format!("tensor {name:?}: the byte size of {numel} x {dtype} overflows 64 bits"),
            ));
            continue;
        };
        if total_bits % 8 != 0 {
            log.push(Defect::new(
                "safetensors-partial-byte",
                format!("tensor {name:?}: {numel} x {dtype} is {total_bits} bits, not whole bytes"),
            ));
            continue;
        }
        if end - begin != total_bits / 8 {
            log.push(Defect::at(
                "safetensors-size-mismatch",
                data_pos(n, begin),
                format!(
                    "tensor {name:?}: {numel} x {dtype} needs {} bytes but its range [{begin}, {end}) \
                     holds {}",
                    total_bits / 8,
                    end - begin
                ),
            ));
        }
    }
    check_tiling(&mut ranges, n, file_size, &mut log);
    info.defects = log.finish();
    info
}

/// Absolute file offset of data-section offset `o`.
fn data_pos(n: u64, o: u64) -> u64 {
    o.saturating_add(n).saturating_add(8)
}

fn read_metadata(value: &Value, out: &mut BTreeMap<String, String>, log: &mut DefectLog) {
    let Some(map) = value.as_object() else {
        log.push(Defect::new(
            "safetensors-bad-metadata",
            "__metadata__ is not an object",
        ));
        return;
    };
    for (k, v) in map {
        match v.as_str() {
            Some(s) => {
                out.insert(k.clone(), s.to_string());
            }
            None => log.push(Defect::new(
                "safetensors-bad-metadata",
                format!("__metadata__ value of {k:?} is not a string"),
            )),
        }
    }
}

/// Sorted by position, the byte ranges must start at 0, follow each other without gap or overlap and
/// end exactly at the end of the file.
fn check_tiling(ranges: &mut [Range], n: u64, file_size: u64, log: &mut DefectLog) {
    ranges.sort_by(|a, b| (a.begin, a.end, &a.name).cmp(&(b.begin, b.end, &b.name)));
    let mut cursor = 0u64;
    let mut prev: Option<&str> = None;
    for r in ranges.iter() {
        if r.begin > cursor {
            log.push(Defect::at(
                "safetensors-bad-offsets",
                data_pos(n, cursor),
                format!(
                    "{} unaccounted bytes before tensor {:?} (data offsets {cursor}..{})",
                    r.begin - cursor,
                    r.name,
                    r.begin
                ),
            ));
        } else if r.begin < cursor {
            log.push(Defect::at(
                "safetensors-bad-offsets",
                data_pos(n, r.begin),
                format!(
                    "tensor {:?} starts at data offset {} inside the preceding tensor {:?}, which \
                     ends at {cursor}",
                    r.name,
                    r.begin,
                    prev.unwrap_or("")
                ),
            ));
        }
        cursor = cursor.max(r.end);
        prev = Some(&r.name);
    }
    let data_len = file_size.saturating_sub(8).saturating_sub(n);
    if cursor > data_len {
        log.push(Defect::at(
            "safetensors-data-past-end",
            data_pos(n, data_len),
            format!(
                "tensor data ends at data offset {cursor} but the file holds {data_len} data bytes"
            ),
        ));
    } else if cursor < data_len {
        log.push(Defect::at(
            "safetensors-trailing-data",
            data_pos(n, cursor),
            format!(
                "{} bytes after the last tensor belong to no tensor",
                data_len - cursor
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(json: &str, data_len: usize) -> Vec<u8> {
        let mut v = (json.len() as u64).to_le_bytes().to_vec();
        v.extend_from_slice(json.as_bytes());
        v.resize(v.len() + data_len, 0);
        v
    }

    fn parse(json: &str, data_len: usize) -> Result<SafetensorsInfo, Defect> {
        let f = file(json, data_len);
        parse_header(&f, f.len() as u64)
    }

    fn codes(i: &SafetensorsInfo) -> Vec<&'static str> {
        i.defects.iter().map(|d| d.code).collect()
    }

    #[test]
    fn tiny_model_fixture_facts() {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/tiny-model/model.safetensors");
        let size = std::fs::metadata(&p).unwrap().len();
        let i = read(&p, size).unwrap();
        assert_eq!(i.tensor_count, 3);
        assert_eq!(i.parameters, 52);
        assert_eq!(i.dtypes, BTreeMap::from([("F32".to_string(), 52)]));
        assert_eq!(
            i.metadata,
            BTreeMap::from([("format".to_string(), "pt".to_string())])
        );
        assert!(i.defects.is_empty(), "{:?}", i.defects);
        assert_eq!(i.header_len % 8, 0);
    }

    #[test]
    fn sharded_fixture_shards_are_clean() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/formats/sharded");
        let a = dir.join("model-00001-of-00002.safetensors");
        let b = dir.join("model-00002-of-00002.safetensors");
        let ia = read(&a, std::fs::metadata(&a).unwrap().len()).unwrap();
        let ib = read(&b, std::fs::metadata(&b).unwrap().len()).unwrap();
        assert!(ia.defects.is_empty() && ib.defects.is_empty());
        assert_eq!((ia.tensor_count, ia.parameters), (1, 4));
        assert_eq!((ib.tensor_count, ib.parameters), (2, 6));
        assert_eq!(ia.dtypes, BTreeMap::from([("F32".to_string(), 4)]));
        assert_eq!(
            ib.dtypes,
            BTreeMap::from([("BF16".to_string(), 4), ("F16".to_string(), 2)])
        );
    }

    #[test]
    fn header_length_2_pow_63_is_rejected_before_allocating() {
        let mut f = (1u64 << 63).to_le_bytes().to_vec();
        f.extend_from_slice(b"{}");
        let e = parse_header(&f, f.len() as u64).unwrap_err();
        assert_eq!(e.code, "safetensors-header-too-large");
    }

    #[test]
    fn header_longer_than_file_is_rejected() {
        let mut f = file("{}", 0);
        f[..8].copy_from_slice(&1000u64.to_le_bytes());
        assert_eq!(
            parse_header(&f, f.len() as u64).unwrap_err().code,
            "safetensors-header-past-end"
        );
    }

    #[test]
    fn read_rejects_huge_header_length_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.safetensors");
        let mut f = 99_999_999u64.to_le_bytes().to_vec();
        f.extend_from_slice(b"{}");
        std::fs::write(&p, &f).unwrap();
        assert_eq!(
            read(&p, f.len() as u64).unwrap_err().code,
            "safetensors-header-past-end"
        );
        // A size larger than the real file (changed since the walk) is a truncation, not a panic.
        assert_eq!(
            read(&p, 200_000_000).unwrap_err().code,
            "safetensors-truncated"
        );
        assert_eq!(read(&p, 5).unwrap_err().code, "safetensors-truncated");
    }

    #[test]
    fn too_short_for_length_prefix() {
        assert_eq!(
            parse_header(b"\x02\0\0", 3).unwrap_err().code,
            "safetensors-truncated"
        );
    }

    #[test]
    fn header_slice_shorter_than_announced_is_truncated() {
        let f = file("{\"a\":1}", 0);
        assert_eq!(
            parse_header(&f[..10], f.len() as u64).unwrap_err().code,
            "safetensors-truncated"
        );
    }

    #[test]
    fn invalid_utf8_header() {
        let mut f = file("{\"a\":\"xx\"}", 0);
        f[14] = 0xff;
        let e = parse_header(&f, f.len() as u64).unwrap_err();
        assert_eq!(e.code, "safetensors-header-not-utf8");
        assert_eq!(e.offset, Some(14));
    }

    #[test]
    fn json_array_instead_of_object() {
        assert_eq!(
            parse("[1,2]", 0).unwrap_err().code,
            "safetensors-header-not-object"
        );
        assert_eq!(
            parse("\"s\"", 0).unwrap_err().code,
            "safetensors-header-not-object"
        );
        assert_eq!(
            parse("{\"a\":", 0).unwrap_err().code,
            "safetensors-header-not-json"
        );
        assert_eq!(
            parse("{} x", 0).unwrap_err().code,
            "safetensors-header-not-json"
        );
    }

    #[test]
    fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
        let json = format!("{{\"a\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(
            parse(&json, 0).unwrap_err().code,
            "safetensors-header-not-json"
        );
    }

    #[test]
    fn overlapping_offsets_are_a_defect() {
        let i = parse(
            r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
                "b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
            12,
        )
        .unwrap();
        assert_eq!(codes(&i), ["safetensors-bad-offsets"]);
        assert_eq!(i.parameters, 4);
    }

    #[test]
    fn gapped_offsets_are_a_defect() {
        let i = parse(
            r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
                "b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}}"#,
            20,
        )
        .unwrap();
        assert_eq!(codes(&i), ["safetensors-bad-offsets"]);
        assert!(i.defects[0].message.contains("4 unaccounted bytes"));
    }

    #[test]
    fn offsets_not_starting_at_zero_are_a_defect() {
        let i = parse(
            r#"{"a":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}"#,
            4,
        )
        .unwrap();
        assert_eq!(codes(&i), ["safetensors-bad-offsets"]);
    }

    #[test]
    fn shape_overflow_is_a_defect_not_a_wrap() {
        let i = parse(
            r#"{"a":{"dtype":"F32","shape":[4294967296,4294967296,2],"data_offsets":[0,0]}}"#,
            0,
        )
        .unwrap();
        assert_eq!(codes(&i), ["safetensors-shape-overflow"]);
        assert_eq!(i.parameters, 0);
        // Elements fit in 64 bits but the byte size does not.
        let i = parse(
            r#"{"a":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,0]}}"#,
            0,
        )
        .unwrap();
        assert_eq!(codes(&i), ["safetensors-shape-overflow"]);
    }

    #[test]
    fn total_parameter_overflow_saturates_with_a_defect() {
        let i = parse(
            r#"{"a":{"dtype":"XX","shape":[18446744073709551615],"data_offsets":[0,0]},
                "b":{"dtype":"XX","shape":[2],"data_offsets":[0,0]}}"#,
            0,
        )
        .unwrap();
        assert_eq!(i.parameters, u64::MAX);
        assert!(codes(&i).contains(&"safetensors-shape-overflow"));
    }

    #[test]
    fn size_mismatch_and_trailing_and_past_end() {
        let i = parse(
            r#"{"a":{"dtype":"F16","shape":[3],"data_offsets":[0,4]}}"#,
            8,
        )
        .unwrap();
        assert_eq!(
            codes(&i),
            ["safetensors-size-mismatch", "safetensors-trailing-data"]
        );
        let i = parse(
            r#"{"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}}"#,
            4,
        )
        .unwrap();
        assert_eq!(codes(&i), ["safetensors-data-past-end"]);
    }

    #[test]
    fn sub_byte_dtypes_use_bit_sizes() {
        let i = parse(
            r#"{"a":{"dtype":"F4","shape":[6],"data_offsets":[0,3]},
                "b":{"dtype":"F6_E2M3","shape":[4],"data_offsets":[3,6]},
                "c":{"dtype":"F8_E8M0","shape":[2],"data_offsets":[6,8]}}"#,
            8,
        )
        .unwrap();
        assert!(i.defects.is_empty(), "{:?}", i.defects);
        assert_eq!(i.parameters, 12);
        let i = parse(
            r#"{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}"#,
            2,
        )
        .unwrap();
        assert_eq!(codes(&i), ["safetensors-partial-byte"]);
    }

    #[test]
    fn unknown_dtype_is_a_defect_but_reading_goes_on() {
        let i = parse(
            r#"{"a":{"dtype":"Q9","shape":[2],"data_offsets":[0,3]},
                "b":{"dtype":"U8","shape":[2],"data_offsets":[3,5]}}"#,
            5,
        )
        .unwrap();
        assert_eq!(codes(&i), ["safetensors-unknown-dtype"]);
        assert_eq!(i.tensor_count, 2);
        assert_eq!(i.parameters, 4);
        assert_eq!(i.dtypes["Q9"], 2);
    }

    #[test]
    fn bad_tensor_entries_and_metadata() {
        let i = parse(
            r#"{"__metadata__":{"format":"pt","n":3},
                "a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]},
                "b":{"dtype":"U8","shape":[1],"data_offsets":[1,0]},
                "c":[1],
                "d":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#,
            1,
        )
        .unwrap();
        assert_eq!(
            codes(&i),
            [
                "safetensors-bad-metadata",
                "safetensors-bad-tensor",
                "safetensors-bad-tensor",
                "safetensors-bad-tensor"
            ]
        );
        assert_eq!(i.metadata.len(), 1);
        assert_eq!(i.tensor_count, 4);
        let i = parse(r#"{"__metadata__":[]}"#, 0).unwrap();
        assert_eq!(codes(&i), ["safetensors-bad-metadata"]);
    }

    #[test]
    fn duplicate_tensor_key_is_a_defect_and_the_last_is_described() {
        let i = parse(
            r#"{"a":{"dtype":"U8","shape":[9],"data_offsets":[0,9]},
                "a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}"#,
            2,
        )
        .unwrap();
        assert_eq!(codes(&i), ["safetensors-duplicate-key"]);
        assert_eq!(i.parameters, 2);
    }

    #[test]
    fn empty_header_with_no_data_is_clean() {
        let i = parse("{}", 0).unwrap();
        assert!(i.defects.is_empty());
        assert_eq!(i.tensor_count, 0);
    }

    #[test]
    fn many_defects_are_capped() {
        let mut json = String::from("{");
        for k in 0..500 {
            json.push_str(&format!("\"t{k}\":1,"));
        }
        json.push_str("\"z\":1}");
        let i = parse(&json, 0).unwrap();
        assert_eq!(i.defects.len(), crate::formats::MAX_DEFECTS + 1);
        assert_eq!(i.defects.last().unwrap().code, "defects-truncated");
    }
}
