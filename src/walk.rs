//! The model walk: which files make up a model and in which order, by exactly the rules of OpenSSF Model
//! Signing v1.0 as implemented by `model_signing` 1.1.1, so that our digests (and later signatures) are
//! interchangeable with it.
//!
//! Rules: regular files only; the root's `.git`, `.gitattributes`, `.github` and `.gitignore` are ignored
//! unless asked otherwise; user ignore paths are model-relative and match by component prefix; symlinks are
//! an error unless allowed, and when allowed a link to a file is hashed under the link's name while a link
//! to a directory is not descended; fifos, sockets, devices and dangling links are errors; names are POSIX
//! relative paths ordered component by component, each component by code point. One deliberate
//! difference: ignored subtrees are pruned, not inspected, so a special file inside an ignored `.git` is
//! not an error here (model_signing would refuse it); digests are unaffected.

use std::cmp::Ordering;
use std::fs::{self, Metadata};
use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// The paths `model_signing` ignores at the model root unless `--no-ignore-git-paths` is given.
pub const GIT_PATHS: [&str; 4] = [".git", ".gitattributes", ".github", ".gitignore"];

/// How to walk a model. Mirrors `model_signing`'s serialization options.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Model-relative paths to leave out (a directory leaves out everything under it).
    pub ignore_paths: Vec<String>,
    /// Ignore [`GIT_PATHS`] at the model root.
    pub ignore_git_paths: bool,
    /// Hash links to files as the target's content under the link's name.
    pub allow_symlinks: bool,
}

impl WalkOptions {
    /// The defaults of `model_signing`: git paths ignored, symlinks refused.
    pub fn oms_default() -> Self {
        WalkOptions {
            ignore_paths: Vec::new(),
            ignore_git_paths: true,
            allow_symlinks: false,
        }
    }

    /// Every ignore entry in effect, normalised, git paths first, sorted and de-duplicated; this is what
    /// an OMS manifest records as `ignore_paths`.
    pub fn effective_ignores(&self) -> Vec<String> {
        let mut all: Vec<String> = Vec::new();
        if self.ignore_git_paths {
            all.extend(GIT_PATHS.iter().map(|s| s.to_string()));
        }
        all.extend(self.ignore_paths.iter().cloned());
        all.sort_by(|a, b| oms_path_cmp(a, b));
        all.dedup();
        all
    }
}

/// Whether the model is a directory or a single file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelKind {
    Directory,
    File,
}

/// Identity of a file as seen by the walk, used to detect a file that changes before or while it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    pub dev: u64,
    pub ino: u64,
    pub size: u64,
    pub mtime_sec: i64,
    pub mtime_nsec: i64,
}

impl FileStamp {
    pub fn of(meta: &Metadata) -> Self {
        FileStamp {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime_sec: meta.mtime(),
            mtime_nsec: meta.mtime_nsec(),
        }
    }

    /// Describe how `other` differs from `self`, or `None` when it is the same file, unchanged.
    pub fn difference(&self, other: &FileStamp) -> Option<String> {
        if (self.dev, self.ino) != (other.dev, other.ino) {
            Some("replaced by another file".to_string())
        } else if self.size != other.size {
            Some(format!("size {} -> {}", self.size, other.size))
        } else if (self.mtime_sec, self.mtime_nsec) != (other.mtime_sec, other.mtime_nsec) {
            Some("modification time changed".to_string())
        } else {
            None
        }
    }
}

/// One file of the model.
#[derive(Debug, Clone)]
pub struct WalkEntry {
    /// POSIX model-relative name (for a single-file model: the file's own name).
    pub name: String,
    /// Path to open.
    pub path: PathBuf,
    /// True when `path` is a symbolic link (only with `allow_symlinks`).
    pub is_symlink: bool,
    /// Size, inode and mtime at walk time (of the link's target for a link).
    pub stamp: FileStamp,
}

/// The files of a model, in OMS order.
#[derive(Debug, Clone)]
pub struct ModelFiles {
    pub root: PathBuf,
    pub kind: ModelKind,
    pub entries: Vec<WalkEntry>,
}

impl ModelFiles {
    pub fn total_bytes(&self) -> u64 {
        self.entries.iter().map(|e| e.stamp.size).sum()
    }
}

/// The OMS order: component by component, each component by code point (UTF-8 byte order).
/// `Z` < `a/b` < `a b` < `a-b` < `a.txt` < `é.txt`.
pub fn oms_path_cmp(a: &str, b: &str) -> Ordering {
    a.split('/').cmp(b.split('/'))
}

/// Turn a user-supplied ignore path into a normalised model-relative POSIX path. Absolute paths are
/// accepted when they lie inside the model root.
pub fn normalize_ignore_path(root: &Path, raw: &str) -> Result<String> {
    let p = Path::new(raw);
    let rel: PathBuf = if p.is_absolute() {
        let canon_root =
            fs::canonicalize(root).map_err(|e| Error::io(root, "resolving model path", e))?;
        // Resolve the parent (the entry itself may not exist), then re-attach the last component.
        let resolved = match (p.parent(), p.file_name()) {
            (Some(parent), Some(name)) => fs::canonicalize(parent)
                .map(|d| d.join(name))
                .unwrap_or(p.to_path_buf()),
            _ => p.to_path_buf(),
        };
        match resolved.strip_prefix(&canon_root) {
            Ok(r) => r.to_path_buf(),
            Err(_) => {
                return Err(Error::IgnorePath {
                    raw: raw.to_string(),
                    reason: format!("not inside the model directory {}", root.display()),
                })
            }
        }
    } else {
        p.to_path_buf()
    };
    let mut parts: Vec<&str> = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(s) => match s.to_str() {
                Some(s) => parts.push(s),
                None => {
                    return Err(Error::IgnorePath {
                        raw: raw.to_string(),
                        reason: "not valid UTF-8".to_string(),
                    })
                }
            },
            Component::CurDir => {}
            _ => {
                return Err(Error::IgnorePath {
                    raw: raw.to_string(),
                    reason: "must be a path inside the model, relative to it (no '..')".to_string(),
                })
            }
        }
    }
    if parts.is_empty() {
        return Err(Error::IgnorePath {
            raw: raw.to_string(),
            reason: "names the model itself".to_string(),
        });
    }
    Ok(parts.join("/"))
}

/// True when `name` equals an ignore entry or lies under one (component prefix).
fn is_ignored(name: &str, ignores: &[String]) -> bool {
    ignores.iter().any(|ig| {
        name == ig
            || (name.len() > ig.len()
                && name.starts_with(ig.as_str())
                && name.as_bytes()[ig.len()] == b'/')
    })
}

fn special_kind(ft: &fs::FileType) -> &'static str {
    if ft.is_fifo() {
        "fifo"
    } else if ft.is_socket() {
        "socket"
    } else if ft.is_block_device() {
        "block device"
    } else if ft.is_char_device() {
        "character device"
    } else {
        "special file"
    }
}

/// What a walked entry turned out to be.
enum Resolved {
    File(FileStamp),
    Dir,
}

/// Apply the OMS entry rules to one path whose `lstat` is `lmeta`.
fn resolve_entry(path: &Path, lmeta: &Metadata, allow_symlinks: bool) -> Result<Resolved> {
    let ft = lmeta.file_type();
    if ft.is_symlink() {
        if !allow_symlinks {
            // Hugging Face cache snapshots are all links into `../../blobs/`: say so.
            let into_blobs =
                fs::read_link(path).is_ok_and(|t| t.components().any(|c| c.as_os_str() == "blobs"));
            return Err(Error::Symlink {
                path: path.to_path_buf(),
                hint: if into_blobs {
                    "; this looks like a Hugging Face cache snapshot, whose files are links into blobs/"
                } else {
                    ""
                },
            });
        }
        let target = fs::metadata(path).map_err(|e| Error::BrokenSymlink {
            path: path.to_path_buf(),
            reason: match e.kind() {
                io::ErrorKind::NotFound => "target does not exist".to_string(),
                _ => e.to_string(),
            },
        })?;
        let tft = target.file_type();
        if tft.is_file() {
            Ok(Resolved::File(FileStamp::of(&target)))
        } else if tft.is_dir() {
            Ok(Resolved::Dir)
        } else {
            Err(Error::SpecialFile {
                path: path.to_path_buf(),
                kind: special_kind(&tft),
            })
        }
    } else if ft.is_file() {
        Ok(Resolved::File(FileStamp::of(lmeta)))
    } else if ft.is_dir() {
        Ok(Resolved::Dir)
    } else {
        Err(Error::SpecialFile {
            path: path.to_path_buf(),
            kind: special_kind(&ft),
        })
    }
}

/// Walk `root` (a directory or a single file) and return its files in OMS order.
/// `ignores` must already be normalised (see [`normalize_ignore_path`]); git paths are added here.
pub fn walk(root: &Path, opts: &WalkOptions) -> Result<ModelFiles> {
    let lmeta = match fs::symlink_metadata(root) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(Error::NotFound {
                path: root.to_path_buf(),
            })
        }
        Err(e) => return Err(Error::io(root, "reading metadata", e)),
    };
    let root_is_link = lmeta.file_type().is_symlink();
    match resolve_entry(root, &lmeta, opts.allow_symlinks)? {
        Resolved::File(stamp) => {
            let name = root
                .file_name()
                .ok_or_else(|| Error::Usage(format!("{}: not a file name", root.display())))?
                .to_str()
                .ok_or_else(|| Error::NonUtf8Name {
                    path: root.to_path_buf(),
                })?
                .to_string();
            Ok(ModelFiles {
                root: root.to_path_buf(),
                kind: ModelKind::File,
                entries: vec![WalkEntry {
                    name,
                    path: root.to_path_buf(),
                    is_symlink: root_is_link,
                    stamp,
                }],
            })
        }
        Resolved::Dir => walk_dir(root, opts),
    }
}

fn walk_dir(root: &Path, opts: &WalkOptions) -> Result<ModelFiles> {
    let ignores = opts.effective_ignores();
    let mut entries = Vec::new();
    // follow_root_links: the root itself may be an (allowed) link to a directory.
    let walker = walkdir::WalkDir::new(root)
        .min_depth(1)
        .follow_links(false)
        .follow_root_links(true)
        .into_iter()
        .filter_entry(|e| match relative_name(root, e.path()) {
            Ok(name) => !is_ignored(&name, &ignores),
            Err(_) => true, // reported below
        });
    for item in walker {
        let entry = item.map_err(|e| {
            let path = e
                .path()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| root.to_path_buf());
            match e.into_io_error() {
                Some(io) => Error::io(path, "reading directory", io),
                None => Error::Usage(format!("{}: filesystem loop", path.display())),
            }
        })?;
        let path = entry.path();
        let name = relative_name(root, path)?;
        let lmeta = entry.metadata().map_err(|e| {
            let io = e
                .into_io_error()
                .unwrap_or_else(|| io::Error::other("cannot read metadata"));
            Error::io(path, "reading metadata", io)
        })?;
        match resolve_entry(path, &lmeta, opts.allow_symlinks)? {
            Resolved::Dir => {}
            Resolved::File(stamp) => entries.push(WalkEntry {
                name,
                path: path.to_path_buf(),
                is_symlink: lmeta.file_type().is_symlink(),
                stamp,
            }),
        }
    }
    if entries.is_empty() {
        return Err(Error::EmptyModel {
            path: root.to_path_buf(),
        });
    }
    entries.sort_by(|a, b| oms_path_cmp(&a.name, &b.name));
    Ok(ModelFiles {
        root: root.to_path_buf(),
        kind: ModelKind::Directory,
        entries,
    })
}

/// The POSIX model-relative name of `path`, or an error naming a non-UTF-8 path.
fn relative_name(root: &Path, path: &Path) -> Result<String> {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::new();
    for c in rel.components() {
        let s = c.as_os_str().to_str().ok_or_else(|| Error::NonUtf8Name {
            path: path.to_path_buf(),
        })?;
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(s);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oms_order_is_componentwise_code_point_order() {
        let mut names = vec!["é.txt", "a.txt", "a-b", "a b", "a/b", "Z"];
        names.sort_by(|a, b| oms_path_cmp(a, b));
        assert_eq!(names, ["Z", "a/b", "a b", "a-b", "a.txt", "é.txt"]);
    }

    #[test]
    fn ignore_matches_component_prefix_only() {
        let ig = vec!["a/b".to_string()];
        assert!(is_ignored("a/b", &ig));
        assert!(is_ignored("a/b/c", &ig));
        assert!(!is_ignored("a/bc", &ig));
        assert!(!is_ignored("a", &ig));
    }

    #[test]
    fn ignore_paths_are_normalised_and_confined_to_the_model() {
        let root = Path::new("/nonexistent-model");
        assert_eq!(normalize_ignore_path(root, "./a//b/").unwrap(), "a/b");
        assert!(normalize_ignore_path(root, "../x").is_err());
        assert!(normalize_ignore_path(root, ".").is_err());
    }
}
