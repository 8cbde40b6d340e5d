//! The scan engine: walk a model, hash every file once, identify formats and roles, and assemble the
//! [`Inventory`]. This is the single pass every other job (digest, BOM, signing, verification) builds on;
//! callers come through the façade in [`crate::pipeline`], which composes it with the analysis.

use std::path::Path;

use crate::error::Result;
use crate::formats::sniff;
use crate::hash::{self, FileHash, Progress, Sha256Digest};
use crate::inventory::{
    FileRecord, Inventory, ModelInfo, ModelKindInfo, Totals, WalkInfo, INVENTORY_SCHEMA,
};
use crate::role::classify;
use crate::walk::{self, ModelFiles, ModelKind, WalkOptions};

/// Options of a scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub walk: WalkOptions,
    /// Number of hashing workers (0 = one per core).
    pub jobs: usize,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            walk: WalkOptions::oms_default(),
            jobs: 0,
        }
    }
}

/// A walked and hashed model: the files in OMS order, their hashes in the same order, and the root digest.
#[derive(Debug, Clone)]
pub struct HashedModel {
    pub files: ModelFiles,
    pub hashes: Vec<FileHash>,
    pub root_digest: Sha256Digest,
}

/// Walk and hash a model. `on_walked` is told the number of files and bytes once the walk is done, before
/// hashing starts (for a progress bar).
pub fn hash_model(
    root: &Path,
    opts: &ScanOptions,
    on_walked: &mut dyn FnMut(&ModelFiles),
    progress: &dyn Progress,
) -> Result<HashedModel> {
    let files = walk::walk(root, &opts.walk)?;
    on_walked(&files);
    let jobs = if opts.jobs == 0 {
        hash::default_jobs()
    } else {
        opts.jobs
    };
    let hashes = hash::hash_entries(&files.entries, jobs, progress)?;
    let root_digest = hash::root_digest(hashes.iter().map(|h| &h.sha256));
    Ok(HashedModel {
        files,
        hashes,
        root_digest,
    })
}

/// Turn a hashed model into its inventory.
pub fn inventory(model: &HashedModel, walk_opts: &WalkOptions) -> Inventory {
    let files: Vec<FileRecord> = model
        .files
        .entries
        .iter()
        .zip(&model.hashes)
        .map(|(e, h)| {
            let format = sniff(&h.head, e.stamp.size, &e.name);
            FileRecord {
                path: e.name.clone(),
                size: e.stamp.size,
                sha256: hex::encode(h.sha256),
                role: classify(&e.name, format),
                format,
                symlink: e.is_symlink,
            }
        })
        .collect();
    let name = model_name(&model.files.root);
    Inventory {
        schema: INVENTORY_SCHEMA.to_string(),
        tool: format!("aibom {}", env!("CARGO_PKG_VERSION")),
        model: ModelInfo {
            name,
            kind: match model.files.kind {
                ModelKind::Directory => ModelKindInfo::Directory,
                ModelKind::File => ModelKindInfo::File,
            },
            digest: hash::prefixed_hex(&model.root_digest),
        },
        walk: WalkInfo {
            hash_type: "sha256".to_string(),
            allow_symlinks: walk_opts.allow_symlinks,
            ignore_paths: walk_opts.effective_ignores(),
        },
        totals: Totals::of(&files),
        files,
    }
}

/// The model's own name: the last component of its path, resolving `.` and `..` the way a user means them.
pub fn model_name(root: &Path) -> String {
    let resolved = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    resolved
        .file_name()
        .or_else(|| root.file_name())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "model".to_string())
}
