//! The inventory: the serde type `aibom scan -o json` writes — every file of a model with its size,
//! SHA-256, format and role, the walk options used and the OMS root digest. Its JSON Schema is generated
//! from these types and kept in `schemas/inventory.schema.json` (a test fails when they drift apart).
//! The inventory holds no absolute paths and no timestamps, so the same model always gives the same bytes.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::formats::Format;
use crate::role::Role;

/// Identifier of this document's shape (see `schemas/inventory.schema.json`); bumped on incompatible
/// changes.
pub const INVENTORY_SCHEMA: &str = "aibom-inventory/1";

/// A model directory (or single model file) and every file in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inventory {
    /// Shape identifier of this document.
    pub schema: String,
    /// The tool and version that wrote it.
    pub tool: String,
    /// The model that was scanned.
    pub model: ModelInfo,
    /// How the model was walked (the OMS serialization options).
    pub walk: WalkInfo,
    /// Counts and bytes, in total and per role.
    pub totals: Totals,
    /// Every file, in OMS order (component-wise code-point order of `path`).
    pub files: Vec<FileRecord>,
}

/// The scanned model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelInfo {
    /// The model directory's (or file's) own name, as OMS uses it for the statement subject.
    pub name: String,
    /// `directory` or `file` (a single-file model).
    pub kind: ModelKindInfo,
    /// OMS v1.0 root digest, `sha256:<hex>`: SHA-256 over the files' raw digests in `files` order. It is
    /// the subject digest `model_signing` signs for the same directory and options.
    pub digest: String,
}

/// Whether a model is a directory or a single file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ModelKindInfo {
    Directory,
    File,
}

/// Walk options, as recorded in an OMS manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WalkInfo {
    /// Hash algorithm of every digest here.
    pub hash_type: String,
    /// Whether symbolic links to files were followed.
    pub allow_symlinks: bool,
    /// Model-relative paths left out (git paths included when ignored), sorted.
    pub ignore_paths: Vec<String>,
}

/// Count and size of a group of files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tally {
    pub files: u64,
    pub bytes: u64,
}

/// Totals over the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Totals {
    pub files: u64,
    pub bytes: u64,
    /// Per role, only roles that occur.
    pub by_role: BTreeMap<Role, Tally>,
}

/// One file of the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileRecord {
    /// POSIX path relative to the model directory (the file's name for a single-file model).
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Lowercase hex SHA-256 of the content.
    pub sha256: String,
    /// The part the file plays in the model.
    pub role: Role,
    /// The format detected from the content (extension only where content says nothing).
    pub format: Format,
    /// True when the entry is a symbolic link that was followed (`--allow-symlinks`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub symlink: bool,
}

impl Totals {
    /// Sum the files, per role.
    pub fn of(files: &[FileRecord]) -> Totals {
        let mut by_role: BTreeMap<Role, Tally> = BTreeMap::new();
        for f in files {
            let t = by_role.entry(f.role).or_default();
            t.files += 1;
            t.bytes += f.size;
        }
        Totals {
            files: files.len() as u64,
            bytes: files.iter().map(|f| f.size).sum(),
            by_role,
        }
    }
}

/// The JSON Schema of [`Inventory`], pretty-printed with a trailing newline (the content of
/// `schemas/inventory.schema.json`).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Inventory);
    let mut s = serde_json::to_string_pretty(&schema).expect("schema serialises");
    s.push('\n');
    s
}
