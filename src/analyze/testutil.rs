//! Test support for the readers: a model directory written from `(path, bytes)` pairs and analysed the
//! way the CLI does it (walk, hash, inventory, analyze), plus byte builders for weight headers.

use std::path::Path;

use tempfile::TempDir;

use super::{analyze, Analysis};
use crate::facts::{Finding, Severity};
use crate::hash::NoProgress;
use crate::inventory::Inventory;
use crate::scan::{self, ScanOptions};

/// The directory name of every test model (so name fallbacks are predictable).
pub(super) const MODEL_NAME: &str = "acme-model";

/// A model written to a temp dir and analysed.
pub(super) struct TestModel {
    /// Keeps the directory alive while the test looks at the results.
    _dir: TempDir,
    pub inv: Inventory,
    pub a: Analysis,
}

impl TestModel {
    /// Codes of all findings, in order.
    pub fn codes(&self) -> Vec<&str> {
        self.a.facts.findings.iter().map(|f| f.code).collect()
    }

    /// The only finding with `code`.
    pub fn finding(&self, code: &str) -> &Finding {
        let mut it = self.a.facts.findings.iter().filter(|f| f.code == code);
        let f = it
            .next()
            .unwrap_or_else(|| panic!("no {code}: {:?}", self.codes()));
        assert!(it.next().is_none(), "more than one {code}");
        f
    }

    /// `(code, severity, path)` of every finding.
    pub fn findings(&self) -> Vec<(&str, Severity, Option<&str>)> {
        self.a
            .facts
            .findings
            .iter()
            .map(|f| (f.code, f.severity, f.path.as_deref()))
            .collect()
    }

    /// The extra BOM properties analysis gave file `path`.
    pub fn props(&self, path: &str) -> Vec<(&str, &str)> {
        self.a
            .facts
            .files
            .get(path)
            .map(|f| {
                f.properties
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Write `files` under a fresh model directory and analyse it.
pub(super) fn model(files: &[(&str, &[u8])]) -> TestModel {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join(MODEL_NAME);
    std::fs::create_dir(&root).expect("model dir");
    for (rel, bytes) in files {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("subdir");
        std::fs::write(&p, bytes).expect("write");
    }
    let (inv, a) = run(&root);
    TestModel { _dir: dir, inv, a }
}

/// Walk, hash, inventory and analyse `path` (a directory or a single file).
pub(super) fn run(path: &Path) -> (Inventory, Analysis) {
    let opts = ScanOptions {
        jobs: 1,
        ..Default::default()
    };
    let hashed = scan::hash_model(path, &opts, &mut |_| {}, &NoProgress).expect("scan");
    let inv = scan::inventory(&hashed, &opts.walk);
    let a = analyze(&hashed, &inv);
    (inv, a)
}

/// A safetensors file: `tensors` as (name, dtype, element count) of one-byte-per-element data, and
/// `metadata` as the `__metadata__` JSON object (or `None`).
pub(super) fn safetensors(tensors: &[(&str, &str, u64)], metadata: Option<&str>) -> Vec<u8> {
    let mut entries = Vec::new();
    if let Some(m) = metadata {
        entries.push(format!("\"__metadata__\":{m}"));
    }
    let mut offset = 0u64;
    for (name, dtype, n) in tensors {
        let size = n * dtype_size(dtype);
        entries.push(format!(
            "\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{n}],\"data_offsets\":[{offset},{}]}}",
            offset + size
        ));
        offset += size;
    }
    let header = format!("{{{}}}", entries.join(","));
    let mut v = (header.len() as u64).to_le_bytes().to_vec();
    v.extend_from_slice(header.as_bytes());
    v.resize(v.len() + offset as usize, 0);
    v
}

fn dtype_size(dtype: &str) -> u64 {
    match dtype {
        "F64" | "I64" | "U64" => 8,
        "F32" | "I32" | "U32" => 4,
        "F16" | "BF16" | "I16" | "U16" => 2,
        _ => 1,
    }
}

/// A GGUF v3 value for [`gguf`].
pub(super) enum Kv<'a> {
    Str(&'a str),
    U32(u32),
    Strs(&'a [&'a str]),
}

/// A GGUF v3 file with these key-value pairs and no tensors.
pub(super) fn gguf(kvs: &[(&str, Kv)]) -> Vec<u8> {
    fn s(v: &mut Vec<u8>, x: &str) {
        v.extend((x.len() as u64).to_le_bytes());
        v.extend(x.as_bytes());
    }
    let mut v = b"GGUF".to_vec();
    v.extend(3u32.to_le_bytes());
    v.extend(0u64.to_le_bytes());
    v.extend((kvs.len() as u64).to_le_bytes());
    for (k, val) in kvs {
        s(&mut v, k);
        match val {
            Kv::Str(text) => {
                v.extend(8u32.to_le_bytes());
                s(&mut v, text);
            }
            Kv::U32(n) => {
                v.extend(4u32.to_le_bytes());
                v.extend(n.to_le_bytes());
            }
            Kv::Strs(items) => {
                v.extend(9u32.to_le_bytes());
                v.extend(8u32.to_le_bytes());
                v.extend((items.len() as u64).to_le_bytes());
                for x in *items {
                    s(&mut v, x);
                }
            }
        }
    }
    v
}
