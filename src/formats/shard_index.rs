//! Shard indexes of sharded checkpoints (`*.safetensors.index.json`, `pytorch_model.bin.index.json`):
//! the `weight_map` from tensor names to shard files and the optional `metadata.total_size`. Owns the
//! rules that make an index safe to follow — shard names are plain file names next to the index — and
//! the check that every shard it names is present.

use std::collections::BTreeSet;
use std::io::ErrorKind;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::{open_regular, Defect, DefectLog};

/// The largest index file read (real ones are a few hundred KiB).
pub const MAX_INDEX_LEN: u64 = 64 << 20;

/// Facts from a shard index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShardIndex {
    /// `metadata.total_size`: bytes of tensor data over all shards, when given.
    pub total_size: Option<u64>,
    /// The shard file names, sorted and unique.
    pub shards: Vec<String>,
    /// Number of tensors in `weight_map`.
    pub tensors: u64,
    pub defects: Vec<Defect>,
}

/// Read and parse the index file at `path`, `size` bytes long.
pub fn read(path: &Path, size: u64) -> Result<ShardIndex, Defect> {
    if size > MAX_INDEX_LEN {
        return Err(Defect::new(
            "shard-index-too-large",
            format!("{size} bytes; the limit is {MAX_INDEX_LEN}"),
        ));
    }
    let io_err = |e: std::io::Error| {
        let what = if e.kind() == ErrorKind::UnexpectedEof {
            "the file is shorter than when it was listed".to_string()
        } else {
            e.to_string()
        };
        Defect::new(
            "shard-index-unreadable",
            format!("reading the index: {what}"),
        )
    };
    let mut f = open_regular(path).map_err(io_err)?;
    let bytes = super::read_exact_vec(&mut f, size).map_err(io_err)?;
    parse(&bytes)
}

/// Whether a shard name is a plain file name that stays next to the index.
fn safe_shard_name(name: &str) -> bool {
    let unsafe_name = name.is_empty()
        || name.contains(['/', '\\', '\0'])
        || name.contains("..")
        || (name.len() >= 2 && name.as_bytes()[1] == b':');
    !unsafe_name
}

/// Parse an index. Not JSON, not an object or a `weight_map` that is not an object is an error; an
/// object without `weight_map` is `shard-index-no-weight-map` (not a shard index at all).
pub fn parse(json: &[u8]) -> Result<ShardIndex, Defect> {
    let v: Value = serde_json::from_slice(json)
        .map_err(|e| Defect::new("shard-index-invalid", format!("not valid JSON: {e}")))?;
    let Some(obj) = v.as_object() else {
        return Err(Defect::new("shard-index-invalid", "not a JSON object"));
    };
    let map = match obj.get("weight_map") {
        None => {
            return Err(Defect::new(
                "shard-index-no-weight-map",
                "the object has no weight_map",
            ))
        }
        Some(Value::Object(m)) => m,
        Some(_) => {
            return Err(Defect::new(
                "shard-index-invalid",
                "weight_map is not an object",
            ))
        }
    };
    let mut log = DefectLog::default();
    let total_size = match obj.get("metadata").and_then(|m| m.get("total_size")) {
        None => None,
        Some(t) => match t.as_u64().or_else(|| {
            // Some writers emit the size as a float with no fraction.
            t.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 1.8e19)
                .map(|f| f as u64)
        }) {
            Some(n) => Some(n),
            None => {
                log.push(Defect::new(
                    "shard-index-bad-entry",
                    format!("metadata.total_size is not a non-negative integer: {t}"),
                ));
                None
            }
        },
    };
    let mut shards = BTreeSet::new();
    for (tensor, shard) in map {
        match shard.as_str() {
            Some(s) => {
                shards.insert(s);
            }
            None => log.push(Defect::new(
                "shard-index-bad-entry",
                format!("weight_map[{tensor:?}] is not a string"),
            )),
        }
    }
    for s in &shards {
        if !safe_shard_name(s) {
            log.push(Defect::new(
                "shard-name-unsafe",
                format!("shard name {s:?} is not a plain file name next to the index"),
            ));
        }
    }
    Ok(ShardIndex {
        total_size,
        shards: shards.into_iter().map(str::to_string).collect(),
        tensors: map.len() as u64,
        defects: log.finish(),
    })
}

/// Check that every shard the index names is present. `present(name)` returns the size of the file
/// `name` next to the index, or `None` when there is no such file in the model. Unsafe names (already
/// `shard-name-unsafe` defects) are not looked up.
pub fn check(index: &ShardIndex, present: &dyn Fn(&str) -> Option<u64>) -> Vec<Defect> {
    let mut log = DefectLog::default();
    let mut total = 0u64;
    let mut all_present = true;
    for s in &index.shards {
        if !safe_shard_name(s) {
            all_present = false;
            continue;
        }
        match present(s) {
            Some(n) => total = total.saturating_add(n),
            None => {
                all_present = false;
                log.push(Defect::new(
                    "shard-missing",
                    format!("shard {s:?} named by the index is not in the model"),
                ));
            }
        }
    }
    if let Some(want) = index.total_size {
        // Shard files hold their headers too, so their sizes add up to at least total_size.
        if all_present && want > total {
            log.push(Defect::new(
                "shard-size-mismatch",
                format!("total_size is {want} bytes but the shards hold only {total}"),
            ));
        }
    }
    log.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(d: &[Defect]) -> Vec<&'static str> {
        d.iter().map(|d| d.code).collect()
    }

    #[test]
    fn sharded_fixture_index_facts() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/formats/sharded");
        let p = dir.join("model.safetensors.index.json");
        let i = read(&p, std::fs::metadata(&p).unwrap().len()).unwrap();
        assert_eq!(i.total_size, Some(28));
        assert_eq!(
            i.shards,
            [
                "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors"
            ]
        );
        assert_eq!(i.tensors, 3);
        assert!(i.defects.is_empty());
        let present = |n: &str| std::fs::metadata(dir.join(n)).ok().map(|m| m.len());
        assert!(check(&i, &present).is_empty());
        let only_first = |n: &str| n.starts_with("model-00001").then_some(1000);
        let d = check(&i, &only_first);
        assert_eq!(codes(&d), ["shard-missing"]);
        assert!(d[0].message.contains("model-00002-of-00002.safetensors"));
    }

    #[test]
    fn unsafe_shard_names_are_defects_and_never_looked_up() {
        let i = parse(
            br#"{"weight_map":{"a":"../x.safetensors","b":"/etc/passwd","c":"sub/d.bin",
                 "d":"c:\\w.bin","e":"..","f":"ok.safetensors"}}"#,
        )
        .unwrap();
        assert_eq!(i.defects.len(), 5);
        assert!(i.defects.iter().all(|d| d.code == "shard-name-unsafe"));
        let looked = std::cell::RefCell::new(Vec::new());
        let present = |n: &str| {
            looked.borrow_mut().push(n.to_string());
            Some(1)
        };
        assert!(check(&i, &present).is_empty());
        assert_eq!(*looked.borrow(), ["ok.safetensors"]);
    }

    #[test]
    fn total_size_larger_than_shards() {
        let i =
            parse(br#"{"metadata":{"total_size":100},"weight_map":{"a":"s1","b":"s1"}}"#).unwrap();
        assert_eq!(i.shards, ["s1"]);
        assert_eq!(i.tensors, 2);
        assert_eq!(codes(&check(&i, &|_| Some(50))), ["shard-size-mismatch"]);
        assert!(check(&i, &|_| Some(150)).is_empty());
    }

    #[test]
    fn malformed_indexes() {
        assert_eq!(parse(b"[1]").unwrap_err().code, "shard-index-invalid");
        assert_eq!(parse(b"{").unwrap_err().code, "shard-index-invalid");
        assert_eq!(
            parse(b"{\"weight_map\":[]}").unwrap_err().code,
            "shard-index-invalid"
        );
        assert_eq!(
            parse(b"{\"a\":1}").unwrap_err().code,
            "shard-index-no-weight-map"
        );
        let i = parse(br#"{"metadata":{"total_size":"x"},"weight_map":{"a":1,"b":"s"}}"#).unwrap();
        assert_eq!(
            codes(&i.defects),
            ["shard-index-bad-entry", "shard-index-bad-entry"]
        );
        assert_eq!(i.total_size, None);
        let i = parse(br#"{"metadata":{"total_size":28.0},"weight_map":{}}"#).unwrap();
        assert_eq!(i.total_size, Some(28));
    }
}
