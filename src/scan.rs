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

/// Walk and hash a model like [`hash_model`], reusing the hashes of `known` (a hash of the same tree,
/// perhaps walked with other options) for every file whose name and stamp (device, inode, size, mtime)
/// are unchanged, so a second check of a tree just hashed reads nothing again. Files that are new or
/// changed are hashed.
pub fn hash_model_reusing(
    root: &Path,
    opts: &ScanOptions,
    known: &HashedModel,
    on_walked: &mut dyn FnMut(&ModelFiles),
    progress: &dyn Progress,
) -> Result<HashedModel> {
    let files = walk::walk(root, &opts.walk)?;
    on_walked(&files);
    let by_name: std::collections::HashMap<&str, (&walk::WalkEntry, &hash::FileHash)> = known
        .files
        .entries
        .iter()
        .zip(&known.hashes)
        .map(|(e, h)| (e.name.as_str(), (e, h)))
        .collect();
    let mut hashes: Vec<Option<hash::FileHash>> = files
        .entries
        .iter()
        .map(|e| {
            by_name.get(e.name.as_str()).and_then(|(k, h)| {
                (k.path == e.path && k.stamp.difference(&e.stamp).is_none()).then(|| (*h).clone())
            })
        })
        .collect();
    let todo: Vec<usize> = (0..hashes.len()).filter(|i| hashes[*i].is_none()).collect();
    if !todo.is_empty() {
        let entries: Vec<walk::WalkEntry> =
            todo.iter().map(|i| files.entries[*i].clone()).collect();
        let jobs = if opts.jobs == 0 {
            hash::default_jobs()
        } else {
            opts.jobs
        };
        for (i, h) in todo
            .iter()
            .zip(hash::hash_entries(&entries, jobs, progress)?)
        {
            hashes[*i] = Some(h);
        }
    }
    let hashes: Vec<hash::FileHash> = hashes.into_iter().map(|h| h.expect("hashed")).collect();
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
