//! Offline verification of Hugging Face downloads: the hub cache (`models--org--name/{blobs,refs,snapshots}`)
//! and `local_dir` downloads (`.cache/huggingface/download/<path>.metadata`).
//!
//! What is proven: every file equals what the Hub served under its etag — blob names (cache) and
//! metadata etags (`local_dir`) are content hashes: 64 hex = SHA-256 of the content (LFS files), 40 hex =
//! git blob id `sha1("blob <len>\0" + content)` (regular files). What is not: the commit itself (Hub
//! commits are unsigned), nor that a snapshot holds every file of its commit (the cache only keeps what
//! was downloaded).
//!
//! Cache rules: each `snapshots/<commit>/<path>` is a symbolic link resolving (lexically, never followed
//! out of the repository) to a regular file `blobs/<name>`; `refs/<name>` names a snapshot that exists;
//! `blobs/*.incomplete` are partial downloads. Every blob is hashed once, linked or not. Nothing is
//! written; SHA-256 goes through the project's hashing engine (parallel, fixed buffers, change checks).
//!
//! The result is a [`CacheReport`], the versioned document `aibom verify --hf-cache -o json` writes
//! ([`HF_CACHE_REPORT_SCHEMA`]). Everything wrong is listed once more in its `problems`, each with a
//! stable [`CacheProblemCode`]; the JSON Schema generated from these types is committed as
//! `schemas/hf-cache-report.schema.json` (a test fails when they drift apart).

use std::collections::{BTreeMap, HashSet};
use std::ffi::OsString;
use std::fs::{self, File, Metadata};
use std::io::{self, ErrorKind, Read};
use std::os::unix::fs::FileTypeExt;
use std::path::{Component, Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha1::{Digest as _, Sha1};

use crate::error::{Error, Result};
use crate::hash::{self, NoProgress, BUF_SIZE};
use crate::walk::{oms_path_cmp, FileStamp, WalkEntry};

/// The repository directory prefixes of the hub cache.
const REPO_PREFIXES: [(&str, &str); 3] = [
    ("models--", "model"),
    ("datasets--", "dataset"),
    ("spaces--", "space"),
];

/// Where `local_dir` downloads keep their metadata, relative to the download root.
const LOCAL_DIR_META: &str = ".cache/huggingface/download";

/// Largest ref or metadata file read (they hold a hash or three short lines).
const SMALL_FILE_MAX: u64 = 64 * 1024;

/// Identifier of the shape of [`CacheReport`] (see `schemas/hf-cache-report.schema.json`); bumped on
/// incompatible changes.
pub const HF_CACHE_REPORT_SCHEMA: &str = "aibom-hf-cache-report/1";

/// The stable code of something wrong in a Hugging Face download. The JSON form is the kebab-case name.
/// Codes are added, never renamed or removed; docs/verify-problems.md documents every one.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum CacheProblemCode {
    /// The content does not hash to its blob name or etag (file status `mismatch`).
    BlobMismatch,
    /// A snapshot link whose blob does not exist (file status `dangling`).
    LinkDangling,
    /// A link resolving outside the repository's `blobs/`, a blob that is itself a link, or a `local_dir`
    /// file reached through a linked directory (file status `outside`).
    LinkOutsideBlobs,
    /// A partial download, `*.incomplete` (file status `incomplete`).
    PartialDownload,
    /// Download metadata describes a file that is not there (`local_dir`; file status `missing`).
    FileMissing,
    /// A file that cannot be checked: not a link into `blobs/`, not a regular file, no content-hash name
    /// or etag, no download metadata, unreadable (file status `unverifiable`).
    FileUnverifiable,
    /// A ref names a commit that has no snapshot (ref status `missing_snapshot`).
    RefMissingSnapshot,
    /// A ref does not hold a 40-hex commit hash, or cannot be read (ref status `malformed`).
    RefMalformed,
    /// A repository lacks its `blobs/` or `snapshots/` directory.
    DirMissing,
    /// Something that must be a directory (a repository, `blobs`, `snapshots`, a snapshot) is a link or
    /// another kind of file; it is not followed.
    NotADirectory,
    /// A directory or file of the layout cannot be read.
    Unreadable,
}

impl CacheProblemCode {
    /// Every code, in declaration order (a test holds it to the enum).
    pub const ALL: &'static [CacheProblemCode] = &[
        CacheProblemCode::BlobMismatch,
        CacheProblemCode::LinkDangling,
        CacheProblemCode::LinkOutsideBlobs,
        CacheProblemCode::PartialDownload,
        CacheProblemCode::FileMissing,
        CacheProblemCode::FileUnverifiable,
        CacheProblemCode::RefMissingSnapshot,
        CacheProblemCode::RefMalformed,
        CacheProblemCode::DirMissing,
        CacheProblemCode::NotADirectory,
        CacheProblemCode::Unreadable,
    ];

    /// One sentence saying what the code means (the audit's rule help; docs/verify-problems.md says more).
    pub fn summary(self) -> &'static str {
        match self {
            CacheProblemCode::BlobMismatch => {
                "A cached file does not hash to the blob name or etag the Hub gave it."
            }
            CacheProblemCode::LinkDangling => {
                "A snapshot link points to a blob that does not exist."
            }
            CacheProblemCode::LinkOutsideBlobs => {
                "A cached file resolves outside the repository's blobs."
            }
            CacheProblemCode::PartialDownload => {
                "A partial download (*.incomplete) is in the cache."
            }
            CacheProblemCode::FileMissing => {
                "Download metadata describes a file that is not there."
            }
            CacheProblemCode::FileUnverifiable => {
                "A cached file cannot be checked against a Hub hash."
            }
            CacheProblemCode::RefMissingSnapshot => "A ref names a commit that has no snapshot.",
            CacheProblemCode::RefMalformed => "A ref does not hold a commit hash.",
            CacheProblemCode::DirMissing => {
                "A repository lacks its blobs/ or snapshots/ directory."
            }
            CacheProblemCode::NotADirectory => {
                "Part of the cache layout that must be a directory is not one."
            }
            CacheProblemCode::Unreadable => "Part of the cache layout cannot be read.",
        }
    }

    /// The code as it appears in JSON and in docs/verify-problems.md.
    pub fn as_str(self) -> &'static str {
        match self {
            CacheProblemCode::BlobMismatch => "blob-mismatch",
            CacheProblemCode::LinkDangling => "link-dangling",
            CacheProblemCode::LinkOutsideBlobs => "link-outside-blobs",
            CacheProblemCode::PartialDownload => "partial-download",
            CacheProblemCode::FileMissing => "file-missing",
            CacheProblemCode::FileUnverifiable => "file-unverifiable",
            CacheProblemCode::RefMissingSnapshot => "ref-missing-snapshot",
            CacheProblemCode::RefMalformed => "ref-malformed",
            CacheProblemCode::DirMissing => "dir-missing",
            CacheProblemCode::NotADirectory => "not-a-directory",
            CacheProblemCode::Unreadable => "unreadable",
        }
    }
}

impl std::fmt::Display for CacheProblemCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing wrong in a download, located by repository, snapshot and path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CacheProblem {
    /// What kind of problem: a stable code.
    pub code: CacheProblemCode,
    /// What was found, for people; its wording may change between releases.
    pub message: String,
    /// The repository directory (the `dir` of its entry in `repos`).
    pub repo: String,
    /// The snapshot commit of a file, or the commit a ref names, when there is one (else null).
    pub commit: Option<String>,
    /// The path concerned: a file inside its snapshot or download, `blobs/<name>`, `refs/<name>`, or a
    /// directory of the layout (`blobs`, `snapshots/<commit>`); null for the repository directory itself.
    pub path: Option<String>,
}

/// What kind of download `path` was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CacheLayout {
    /// A cache root with `models--*` (and `datasets--*`, `spaces--*`) repositories.
    Cache,
    /// One cache repository directory.
    Repo,
    /// A `local_dir` download.
    LocalDir,
}

/// Content hash a file was checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum HashAlgorithm {
    Sha256,
    /// Git blob id: SHA-1 of `"blob <len>\0"` + content.
    GitSha1,
}

/// The verdict on one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum FileStatus {
    /// The content hashes to its blob name / etag.
    Ok { algorithm: HashAlgorithm },
    /// The content does not hash to its blob name / etag.
    Mismatch {
        algorithm: HashAlgorithm,
        expected: String,
        actual: String,
    },
    /// A snapshot link whose blob does not exist.
    Dangling { target: String },
    /// A link resolving outside the repository's `blobs/` (or a blob that is itself a link).
    Outside { target: String },
    /// A partial download (`*.incomplete`).
    Incomplete,
    /// Download metadata for a file that is not there (`local_dir`).
    Missing,
    /// The file cannot be checked; the reason says why.
    Unverifiable { reason: String },
}

impl FileStatus {
    pub fn is_ok(&self) -> bool {
        matches!(self, FileStatus::Ok { .. })
    }
}

/// One file and its verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FileReport {
    /// Path inside the snapshot / download (POSIX), or `blobs/<name>` for a blob no snapshot links to.
    pub path: String,
    /// The blob the file resolves to, relative to the repository (cache layouts).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub blob: Option<String>,
    #[serde(flatten)]
    pub status: FileStatus,
}

/// A snapshot (cache) or the files downloaded from one commit (`local_dir`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SnapshotReport {
    /// The snapshot directory's name (a commit hash), or the commit of the download metadata.
    pub commit: String,
    /// Its files, in OMS path order.
    pub files: Vec<FileReport>,
}

/// The state of one `refs/<name>` file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RefStatus {
    Ok,
    /// The commit it names has no snapshot directory.
    MissingSnapshot,
    /// Not a 40-hex commit hash, or unreadable.
    Malformed,
}

/// One `refs/<name>` file of a cache repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RefReport {
    /// The ref's name below `refs/` (`main`, `pr/1`).
    pub name: String,
    /// What it holds (at most 80 characters; empty when unreadable).
    pub commit: String,
    pub status: RefStatus,
}

/// One repository of a cache, or a `local_dir` download.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RepoReport {
    /// The directory (`models--org--name`, or the download directory's name).
    pub dir: String,
    /// `model`, `dataset` or `space` (cache layouts).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub repo_type: Option<String>,
    /// `org/name` (cache layouts).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub repo_id: Option<String>,
    pub refs: Vec<RefReport>,
    pub snapshots: Vec<SnapshotReport>,
    /// Blobs no snapshot links to (older revisions, partial downloads), and files of a `local_dir`
    /// download without metadata.
    pub unlinked: Vec<FileReport>,
    /// Structural problems (missing `blobs/`, unreadable directories, links not followed).
    pub problems: Vec<CacheProblem>,
}

/// How many files ended in each state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Counts {
    /// Files reported (snapshot files and unlinked files; a blob linked twice counts twice).
    pub files: usize,
    /// Files whose status is `ok`, and so on for each status.
    pub ok: usize,
    pub mismatch: usize,
    pub dangling: usize,
    pub outside: usize,
    pub incomplete: usize,
    pub missing: usize,
    pub unverifiable: usize,
    /// Refs whose status is not `ok`.
    pub broken_refs: usize,
    /// Structural problems (the entries of every `repos[].problems`).
    pub problems: usize,
    /// Distinct files hashed (a blob linked from several snapshots counts once).
    pub hashed: usize,
    pub hashed_bytes: u64,
}

/// The result of [`verify_cache`]: the JSON report of `verify --hf-cache -o json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CacheReport {
    /// Shape identifier of this document: `aibom-hf-cache-report/1`.
    #[schemars(extend("const" = HF_CACHE_REPORT_SCHEMA))]
    pub schema: String,
    /// The path verified, as given (lossy UTF-8, so the report always serializes).
    pub path: String,
    /// What kind of download the path is.
    pub layout: CacheLayout,
    /// The verdict: every file verified, every ref names a snapshot and nothing else is wrong; exactly
    /// when `problems` is empty.
    ok: bool,
    /// Everything wrong, each with a stable code, in report order: per repository its snapshot files,
    /// unlinked files, refs, then structural problems.
    pub problems: Vec<CacheProblem>,
    /// How many files ended in each state.
    pub counts: Counts,
    /// Every repository (one for the `repo` and `local_dir` layouts), by directory name.
    pub repos: Vec<RepoReport>,
}

impl CacheReport {
    /// True when every file verified, every ref names a snapshot and nothing else is wrong.
    pub fn ok(&self) -> bool {
        self.ok
    }

    fn finish(
        path: &Path,
        layout: CacheLayout,
        repos: Vec<RepoReport>,
        hashed: (usize, u64),
    ) -> Self {
        let mut c = Counts {
            hashed: hashed.0,
            hashed_bytes: hashed.1,
            ..Counts::default()
        };
        for r in &repos {
            c.broken_refs += r.refs.iter().filter(|x| x.status != RefStatus::Ok).count();
            c.problems += r.problems.len();
            let files = r.snapshots.iter().flat_map(|s| &s.files).chain(&r.unlinked);
            for f in files {
                c.files += 1;
                match f.status {
                    FileStatus::Ok { .. } => c.ok += 1,
                    FileStatus::Mismatch { .. } => c.mismatch += 1,
                    FileStatus::Dangling { .. } => c.dangling += 1,
                    FileStatus::Outside { .. } => c.outside += 1,
                    FileStatus::Incomplete => c.incomplete += 1,
                    FileStatus::Missing => c.missing += 1,
                    FileStatus::Unverifiable { .. } => c.unverifiable += 1,
                }
            }
        }
        let problems = problems_of(&repos);
        debug_assert_eq!(
            problems.is_empty(),
            c.ok == c.files && c.broken_refs == 0 && c.problems == 0
        );
        CacheReport {
            schema: HF_CACHE_REPORT_SCHEMA.to_string(),
            path: path.to_string_lossy().into_owned(),
            layout,
            ok: problems.is_empty(),
            problems,
            counts: c,
            repos,
        }
    }
}

/// The JSON Schema of [`CacheReport`], pretty-printed with a trailing newline (the content of
/// `schemas/hf-cache-report.schema.json`).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(CacheReport);
    let mut s = serde_json::to_string_pretty(&schema).expect("schema serialises");
    s.push('\n');
    s
}

/// The problem a file's status records, if it is not ok.
fn file_problem(status: &FileStatus) -> Option<(CacheProblemCode, String)> {
    let alg = |a: &HashAlgorithm| match a {
        HashAlgorithm::Sha256 => "SHA-256",
        HashAlgorithm::GitSha1 => "git blob SHA-1",
    };
    Some(match status {
        FileStatus::Ok { .. } => return None,
        FileStatus::Mismatch {
            algorithm,
            expected,
            actual,
        } => (
            CacheProblemCode::BlobMismatch,
            format!(
                "the content's {} is {actual}, not {expected} as its name says",
                alg(algorithm)
            ),
        ),
        FileStatus::Dangling { target } => (
            CacheProblemCode::LinkDangling,
            format!("links to {target}, which does not exist"),
        ),
        FileStatus::Outside { target } => (
            CacheProblemCode::LinkOutsideBlobs,
            format!("leads outside the repository's blobs/ (through {target}); not followed"),
        ),
        FileStatus::Incomplete => (
            CacheProblemCode::PartialDownload,
            "partial download (.incomplete)".to_string(),
        ),
        FileStatus::Missing => (
            CacheProblemCode::FileMissing,
            "download metadata describes it, but it is not there".to_string(),
        ),
        FileStatus::Unverifiable { reason } => (CacheProblemCode::FileUnverifiable, reason.clone()),
    })
}

/// Every problem of `repos`, flat, in report order.
fn problems_of(repos: &[RepoReport]) -> Vec<CacheProblem> {
    let mut out = Vec::new();
    for r in repos {
        let files = r
            .snapshots
            .iter()
            .flat_map(|s| s.files.iter().map(move |f| (Some(&s.commit), f)))
            .chain(r.unlinked.iter().map(|f| (None, f)));
        for (commit, f) in files {
            if let Some((code, message)) = file_problem(&f.status) {
                out.push(CacheProblem {
                    code,
                    message,
                    repo: r.dir.clone(),
                    commit: commit.filter(|c| !c.is_empty()).cloned(),
                    path: Some(f.path.clone()),
                });
            }
        }
        for x in &r.refs {
            let (code, message) = match x.status {
                RefStatus::Ok => continue,
                RefStatus::MissingSnapshot => (
                    CacheProblemCode::RefMissingSnapshot,
                    format!(
                        "refs/{} names commit {}, which has no snapshot",
                        x.name, x.commit
                    ),
                ),
                RefStatus::Malformed => (
                    CacheProblemCode::RefMalformed,
                    format!("refs/{} does not hold a commit hash", x.name),
                ),
            };
            out.push(CacheProblem {
                code,
                message,
                repo: r.dir.clone(),
                commit: Some(x.commit.clone()).filter(|c| !c.is_empty()),
                path: Some(format!("refs/{}", x.name)),
            });
        }
        out.extend(r.problems.iter().cloned());
    }
    out
}

/// A structural problem of repository `repo` about `path` (`None`: the repository directory itself).
fn structural(
    code: CacheProblemCode,
    repo: &str,
    path: Option<String>,
    message: String,
) -> CacheProblem {
    CacheProblem {
        code,
        message,
        repo: repo.to_string(),
        commit: None,
        path,
    }
}

/// Verify a hub cache root, one cache repository (`models--org--name`) or a `local_dir` download.
///
/// Errors only when `path` is not usable at all (missing, not a directory, not a Hugging Face layout,
/// unreadable); everything wrong inside is in the report.
pub fn verify_cache(path: &Path) -> Result<CacheReport> {
    let meta = fs::metadata(path).map_err(|e| match e.kind() {
        ErrorKind::NotFound => Error::NotFound {
            path: path.to_path_buf(),
        },
        _ => Error::io(path, "reading metadata", e),
    })?;
    if !meta.is_dir() {
        return Err(Error::Usage(format!(
            "{}: not a directory (expected a Hugging Face cache, a models--org--name directory or a local_dir download)",
            path.display()
        )));
    }
    if linked_component(path, Path::new(LOCAL_DIR_META)).is_none()
        && is_real_dir(&path.join(LOCAL_DIR_META))
    {
        let mut hasher = Hasher::default();
        let repo = verify_local_dir(path, &mut hasher);
        return Ok(CacheReport::finish(
            path,
            CacheLayout::LocalDir,
            vec![repo],
            hasher.totals(),
        ));
    }
    let own_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if repo_type(own_name).is_some()
        && ["blobs", "snapshots", "refs"]
            .iter()
            .any(|d| path.join(d).exists())
    {
        let mut hasher = Hasher::default();
        let repo = verify_repo(path, own_name, &mut hasher);
        return Ok(CacheReport::finish(
            path,
            CacheLayout::Repo,
            vec![repo],
            hasher.totals(),
        ));
    }
    let mut names: Vec<String> = Vec::new();
    for entry in fs::read_dir(path).map_err(|e| Error::io(path, "reading directory", e))? {
        let entry = entry.map_err(|e| Error::io(path, "reading directory", e))?;
        if let Some(name) = entry.file_name().to_str() {
            if repo_type(name).is_some() {
                names.push(name.to_string());
            }
        }
    }
    if names.is_empty() {
        return Err(Error::Usage(format!(
            "{}: not a Hugging Face download: no models--*/datasets--*/spaces--* repositories and no {LOCAL_DIR_META}/",
            path.display()
        )));
    }
    names.sort();
    let mut hasher = Hasher::default();
    let mut repos = Vec::with_capacity(names.len());
    for name in names {
        let dir = path.join(&name);
        match fs::symlink_metadata(&dir) {
            Ok(m) if m.is_dir() => repos.push(verify_repo(&dir, &name, &mut hasher)),
            Ok(m) => {
                let mut r = empty_repo(&name);
                r.problems.push(structural(
                    CacheProblemCode::NotADirectory,
                    &name,
                    None,
                    format!(
                        "{name}: is a {}, not a directory; not followed",
                        kind_of(&m)
                    ),
                ));
                repos.push(r);
            }
            Err(e) => {
                let mut r = empty_repo(&name);
                r.problems.push(structural(
                    CacheProblemCode::Unreadable,
                    &name,
                    None,
                    format!("{name}: {e}"),
                ));
                repos.push(r);
            }
        }
    }
    Ok(CacheReport::finish(
        path,
        CacheLayout::Cache,
        repos,
        hasher.totals(),
    ))
}

fn repo_type(dir_name: &str) -> Option<(&'static str, &str)> {
    REPO_PREFIXES.iter().find_map(|(prefix, kind)| {
        dir_name
            .strip_prefix(prefix)
            .filter(|rest| !rest.is_empty())
            .map(|rest| (*kind, rest))
    })
}

impl RepoReport {
    /// Record a structural problem about `path` (relative to the repository).
    fn problem(&mut self, code: CacheProblemCode, path: &str, message: String) {
        let p = structural(code, &self.dir, Some(path.to_string()), message);
        self.problems.push(p);
    }
}

fn empty_repo(dir: &str) -> RepoReport {
    let (repo_type, repo_id) = match repo_type(dir) {
        Some((kind, rest)) => (Some(kind.to_string()), Some(rest.replace("--", "/"))),
        None => (None, None),
    };
    RepoReport {
        dir: dir.to_string(),
        repo_type,
        repo_id,
        refs: Vec::new(),
        snapshots: Vec::new(),
        unlinked: Vec::new(),
        problems: Vec::new(),
    }
}

fn is_real_dir(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok_and(|m| m.is_dir())
}

/// The first component of `rel` (below `root`, `rel` included) that is a symbolic link, with its
/// target: a path through it would leave the tree we were asked to check.
fn linked_component(root: &Path, rel: &Path) -> Option<String> {
    let mut p = root.to_path_buf();
    for c in rel.components() {
        p.push(c);
        if fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_symlink()) {
            let target = fs::read_link(&p).map(|t| t.to_string_lossy().into_owned());
            return Some(target.unwrap_or_default());
        }
    }
    None
}

fn kind_of(m: &Metadata) -> &'static str {
    let ft = m.file_type();
    if ft.is_symlink() {
        "symbolic link"
    } else if ft.is_dir() {
        "directory"
    } else if ft.is_file() {
        "regular file"
    } else if ft.is_fifo() {
        "fifo"
    } else if ft.is_socket() {
        "socket"
    } else {
        "device or special file"
    }
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// What a content hash name says the content must hash to.
fn expectation(name: &str) -> Option<Expect> {
    let lower = name.to_ascii_lowercase();
    if is_hex(&lower, 64) {
        Some(Expect::Sha256(lower))
    } else if is_hex(&lower, 40) {
        Some(Expect::GitSha1(lower))
    } else {
        None
    }
}

#[derive(Debug, Clone)]
enum Expect {
    Sha256(String),
    GitSha1(String),
}

/// One regular file to hash, identified by the lstat taken when it was found.
struct Job {
    path: PathBuf,
    stamp: FileStamp,
    expect: Expect,
}

/// Hashes files against their expected content hashes: SHA-256 through the hashing engine, git blob
/// ids with SHA-1 over a fixed buffer. Problems with one file become that file's verdict.
#[derive(Default)]
struct Hasher {
    hashed: usize,
    bytes: u64,
}

impl Hasher {
    fn totals(&self) -> (usize, u64) {
        (self.hashed, self.bytes)
    }

    fn run(&mut self, jobs: &[Job]) -> Vec<FileStatus> {
        let mut out: Vec<Option<FileStatus>> = vec![None; jobs.len()];
        let sha256_idx: Vec<usize> = (0..jobs.len())
            .filter(|&i| matches!(jobs[i].expect, Expect::Sha256(_)))
            .collect();
        let entries: Vec<WalkEntry> = sha256_idx
            .iter()
            .map(|&i| WalkEntry {
                name: jobs[i].path.to_string_lossy().into_owned(),
                path: jobs[i].path.clone(),
                is_symlink: false,
                stamp: jobs[i].stamp,
            })
            .collect();
        let digests: Vec<std::result::Result<[u8; 32], String>> =
            match hash::hash_entries(&entries, hash::default_jobs(), &NoProgress) {
                Ok(h) => h.into_iter().map(|h| Ok(h.sha256)).collect(),
                // One file failed and stopped the batch: hash one by one to pin each failure on its file.
                Err(_) => {
                    let mut buf = vec![0u8; BUF_SIZE];
                    entries
                        .iter()
                        .map(|e| {
                            hash::hash_file(e, &mut buf, &NoProgress)
                                .map(|h| h.sha256)
                                .map_err(|err| err.to_string())
                        })
                        .collect()
                }
            };
        for (&i, d) in sha256_idx.iter().zip(digests) {
            out[i] = Some(self.verdict(&jobs[i], d.map(hex::encode)));
        }
        let mut buf = vec![0u8; BUF_SIZE];
        for (i, job) in jobs.iter().enumerate() {
            if matches!(job.expect, Expect::GitSha1(_)) {
                let d = git_blob_sha1(job, &mut buf);
                out[i] = Some(self.verdict(job, d));
            }
        }
        out.into_iter()
            .map(|s| {
                s.unwrap_or(FileStatus::Unverifiable {
                    reason: "not hashed".to_string(),
                })
            })
            .collect()
    }

    fn verdict(&mut self, job: &Job, actual: std::result::Result<String, String>) -> FileStatus {
        let (algorithm, expected) = match &job.expect {
            Expect::Sha256(h) => (HashAlgorithm::Sha256, h),
            Expect::GitSha1(h) => (HashAlgorithm::GitSha1, h),
        };
        match actual {
            Err(reason) => FileStatus::Unverifiable { reason },
            Ok(actual) => {
                self.hashed += 1;
                self.bytes += job.stamp.size;
                if &actual == expected {
                    FileStatus::Ok { algorithm }
                } else {
                    FileStatus::Mismatch {
                        algorithm,
                        expected: expected.clone(),
                        actual,
                    }
                }
            }
        }
    }
}

/// Git blob id of a regular file, read with a fixed buffer, refusing a file that is replaced, is not a
/// regular file any more, or changes size while read.
fn git_blob_sha1(job: &Job, buf: &mut [u8]) -> std::result::Result<String, String> {
    let mut file: File = match crate::io::open_regular_nofollow(&job.path) {
        Ok(f) => f,
        Err(e) if e.get_ref().is_some_and(|i| i.is::<crate::io::NotRegular>()) => {
            return Err("no longer a regular file".to_string())
        }
        Err(e) => return Err(format!("opening: {e}")),
    };
    let before = file
        .metadata()
        .map_err(|e| format!("reading metadata: {e}"))?;
    if let Some(what) = job.stamp.difference(&FileStamp::of(&before)) {
        return Err(format!("changed while verified: {what}"));
    }
    let mut h = Sha1::new();
    h.update(format!("blob {}\0", job.stamp.size).as_bytes());
    let mut total: u64 = 0;
    loop {
        let n = match file.read(buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(format!("reading: {e}")),
        };
        total += n as u64;
        if total > job.stamp.size {
            return Err(format!(
                "grew past its size of {} bytes while read",
                job.stamp.size
            ));
        }
        h.update(&buf[..n]);
    }
    let after = file
        .metadata()
        .map_err(|e| format!("reading metadata: {e}"))?;
    if total != job.stamp.size || job.stamp.difference(&FileStamp::of(&after)).is_some() {
        return Err("changed while verified".to_string());
    }
    Ok(hex::encode(h.finalize()))
}

/// Read a small text file without following a link, bounded.
fn read_small(path: &Path) -> io::Result<String> {
    let head = crate::io::read_head_nofollow(path, SMALL_FILE_MAX + 1)?;
    let s = String::from_utf8(head)
        .map_err(|_| io::Error::new(ErrorKind::InvalidData, "not UTF-8 text"))?;
    if s.len() as u64 > SMALL_FILE_MAX {
        return Err(io::Error::other(format!(
            "larger than {SMALL_FILE_MAX} bytes"
        )));
    }
    Ok(s)
}

fn posix(rel: &Path) -> String {
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Every non-directory entry under `dir` (relative path, lstat), without following any link. Unreadable
/// subdirectories are reported in `problems`, as of repository `repo`, at `label/<path>`.
fn list_files(
    dir: &Path,
    problems: &mut Vec<CacheProblem>,
    repo: &str,
    label: &str,
) -> Vec<(PathBuf, Metadata)> {
    let mut unreadable = |at: String, e: &dyn std::fmt::Display| {
        let path = at.strip_prefix("./").unwrap_or(&at).to_string();
        problems.push(structural(
            CacheProblemCode::Unreadable,
            repo,
            Some(path),
            format!("{at}: {e}"),
        ))
    };
    let mut out = Vec::new();
    for item in walkdir::WalkDir::new(dir).min_depth(1).follow_links(false) {
        match item {
            Ok(entry) => {
                let Ok(rel) = entry.path().strip_prefix(dir) else {
                    continue;
                };
                match entry.metadata() {
                    Ok(m) if m.is_dir() => {}
                    Ok(m) => out.push((rel.to_path_buf(), m)),
                    Err(e) => unreadable(format!("{label}/{}", posix(rel)), &e),
                }
            }
            Err(e) => {
                let where_ = e
                    .path()
                    .and_then(|p| p.strip_prefix(dir).ok())
                    .map(posix)
                    .unwrap_or_default();
                unreadable(format!("{label}/{where_}"), &e);
            }
        }
    }
    out
}

/// Resolve a link `target` found in `link_dir` (both relative to the repository) without touching the
/// filesystem; `None` when it leaves the repository. Absolute targets count when they point into one of
/// the repository's absolute spellings.
fn resolve_lexically(link_dir: &Path, target: &Path, repo_abs: &[PathBuf]) -> Option<PathBuf> {
    let (base, rest): (PathBuf, PathBuf) = if target.is_absolute() {
        let rest = repo_abs
            .iter()
            .find_map(|r| target.strip_prefix(r).ok())?
            .to_path_buf();
        (PathBuf::new(), rest)
    } else {
        (link_dir.to_path_buf(), target.to_path_buf())
    };
    let mut parts: Vec<OsString> = Vec::new();
    for c in base.components().chain(rest.components()) {
        match c {
            Component::Normal(s) => parts.push(s.to_os_string()),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.iter().collect())
}

/// What a snapshot link points at, before hashing.
enum LinkTo {
    /// A regular blob file: its name.
    Blob(String),
    Final(FileStatus),
}

fn verify_repo(repo: &Path, dir_name: &str, hasher: &mut Hasher) -> RepoReport {
    let mut report = empty_repo(dir_name);
    let mut repo_abs: Vec<PathBuf> = Vec::new();
    if let Ok(a) = std::path::absolute(repo) {
        repo_abs.push(a);
    }
    if let Ok(c) = fs::canonicalize(repo) {
        if !repo_abs.contains(&c) {
            repo_abs.push(c);
        }
    }

    // blobs/: hash every regular blob with a content-hash name once.
    let blobs_dir = repo.join("blobs");
    let blobs_ok = match fs::symlink_metadata(&blobs_dir) {
        Ok(m) if m.is_dir() => true,
        Ok(m) => {
            report.problem(
                CacheProblemCode::NotADirectory,
                "blobs",
                format!("blobs: is a {}, not a directory; not followed", kind_of(&m)),
            );
            false
        }
        Err(e) if e.kind() == ErrorKind::NotFound => {
            report.problem(
                CacheProblemCode::DirMissing,
                "blobs",
                "blobs/: missing".to_string(),
            );
            false
        }
        Err(e) => {
            report.problem(
                CacheProblemCode::Unreadable,
                "blobs",
                format!("blobs/: {e}"),
            );
            false
        }
    };
    let mut blob_status: BTreeMap<String, FileStatus> = BTreeMap::new();
    if blobs_ok {
        let mut jobs = Vec::new();
        let mut names = Vec::new();
        match fs::read_dir(&blobs_dir) {
            Ok(rd) => {
                for entry in rd {
                    let entry = match entry {
                        Ok(e) => e,
                        Err(e) => {
                            report.problem(
                                CacheProblemCode::Unreadable,
                                "blobs",
                                format!("blobs/: {e}"),
                            );
                            continue;
                        }
                    };
                    let name = entry.file_name().to_string_lossy().into_owned();
                    let status = match entry.path().symlink_metadata() {
                        Err(e) => Some(FileStatus::Unverifiable {
                            reason: e.to_string(),
                        }),
                        Ok(_) if name.ends_with(".incomplete") => Some(FileStatus::Incomplete),
                        Ok(m) if m.file_type().is_symlink() => Some(FileStatus::Outside {
                            target: fs::read_link(entry.path())
                                .map(|t| t.to_string_lossy().into_owned())
                                .unwrap_or_default(),
                        }),
                        Ok(m) if !m.is_file() => Some(FileStatus::Unverifiable {
                            reason: format!("blob is a {}", kind_of(&m)),
                        }),
                        Ok(m) => match expectation(&name) {
                            None => Some(FileStatus::Unverifiable {
                                reason: "blob name is neither a SHA-256 nor a git blob SHA-1"
                                    .to_string(),
                            }),
                            Some(expect) => {
                                jobs.push(Job {
                                    path: entry.path(),
                                    stamp: FileStamp::of(&m),
                                    expect,
                                });
                                names.push(name.clone());
                                None
                            }
                        },
                    };
                    if let Some(s) = status {
                        blob_status.insert(name, s);
                    }
                }
            }
            Err(e) => report.problem(
                CacheProblemCode::Unreadable,
                "blobs",
                format!("blobs/: {e}"),
            ),
        }
        for (name, status) in names.into_iter().zip(hasher.run(&jobs)) {
            blob_status.insert(name, status);
        }
    }

    // snapshots/<commit>/...: links into blobs/.
    let snaps_dir = repo.join("snapshots");
    let mut linked: HashSet<String> = HashSet::new();
    let mut snapshot_names: Vec<String> = Vec::new();
    match fs::symlink_metadata(&snaps_dir) {
        Ok(m) if m.is_dir() => match fs::read_dir(&snaps_dir) {
            Ok(rd) => {
                for entry in rd.flatten() {
                    let commit = entry.file_name().to_string_lossy().into_owned();
                    match entry.path().symlink_metadata() {
                        Ok(m) if m.is_dir() => snapshot_names.push(commit),
                        Ok(m) => report.problem(
                            CacheProblemCode::NotADirectory,
                            &format!("snapshots/{commit}"),
                            format!(
                                "snapshots/{commit}: is a {}, not a directory; not followed",
                                kind_of(&m)
                            ),
                        ),
                        Err(e) => report.problem(
                            CacheProblemCode::Unreadable,
                            &format!("snapshots/{commit}"),
                            format!("snapshots/{commit}: {e}"),
                        ),
                    }
                }
            }
            Err(e) => report.problem(
                CacheProblemCode::Unreadable,
                "snapshots",
                format!("snapshots/: {e}"),
            ),
        },
        Ok(m) => report.problem(
            CacheProblemCode::NotADirectory,
            "snapshots",
            format!(
                "snapshots: is a {}, not a directory; not followed",
                kind_of(&m)
            ),
        ),
        Err(e) if e.kind() == ErrorKind::NotFound => report.problem(
            CacheProblemCode::DirMissing,
            "snapshots",
            "snapshots/: missing".to_string(),
        ),
        Err(e) => report.problem(
            CacheProblemCode::Unreadable,
            "snapshots",
            format!("snapshots/: {e}"),
        ),
    }
    snapshot_names.sort();
    for commit in &snapshot_names {
        let snap = snaps_dir.join(commit);
        let label = format!("snapshots/{commit}");
        let mut files = Vec::new();
        for (rel, meta) in list_files(&snap, &mut report.problems, &report.dir, &label) {
            let path = posix(&rel);
            let (blob, status) = if meta.file_type().is_symlink() {
                let link_dir = Path::new("snapshots")
                    .join(commit)
                    .join(rel.parent().unwrap_or(Path::new("")));
                match fs::read_link(snap.join(&rel)) {
                    Err(e) => (
                        None,
                        FileStatus::Unverifiable {
                            reason: format!("reading link: {e}"),
                        },
                    ),
                    Ok(target) => {
                        let shown = target.to_string_lossy().into_owned();
                        let (blob, to) =
                            classify_link(&link_dir, &target, &repo_abs, blobs_ok, repo);
                        if let Some(name) = blob.as_deref().and_then(|b| b.strip_prefix("blobs/")) {
                            linked.insert(name.to_string());
                        }
                        match (blob, to) {
                            (blob, LinkTo::Final(s)) => (blob, s),
                            (blob, LinkTo::Blob(name)) => {
                                let s = blob_status.get(&name).cloned().unwrap_or(
                                    FileStatus::Dangling {
                                        target: shown.clone(),
                                    },
                                );
                                (blob, s)
                            }
                        }
                    }
                }
            } else if meta.is_file() {
                (
                    None,
                    FileStatus::Unverifiable {
                        reason: "regular file in a snapshot, not a link into blobs/".to_string(),
                    },
                )
            } else {
                (
                    None,
                    FileStatus::Unverifiable {
                        reason: format!("is a {}", kind_of(&meta)),
                    },
                )
            };
            files.push(FileReport { path, blob, status });
        }
        files.sort_by(|a, b| oms_path_cmp(&a.path, &b.path));
        report.snapshots.push(SnapshotReport {
            commit: commit.clone(),
            files,
        });
    }
    for (name, status) in blob_status {
        if !linked.contains(&name) {
            report.unlinked.push(FileReport {
                path: format!("blobs/{name}"),
                blob: None,
                status,
            });
        }
    }

    // refs/: each names an existing snapshot.
    let refs_dir = repo.join("refs");
    if is_real_dir(&refs_dir) {
        for (rel, meta) in list_files(&refs_dir, &mut report.problems, &report.dir, "refs") {
            let name = posix(&rel);
            let (commit, status) = if !meta.is_file() {
                (String::new(), RefStatus::Malformed)
            } else {
                match read_small(&refs_dir.join(&rel)) {
                    Ok(text) => {
                        let c = text.trim().to_string();
                        let status = if !is_hex(&c, 40) {
                            RefStatus::Malformed
                        } else if snapshot_names.contains(&c) {
                            RefStatus::Ok
                        } else {
                            RefStatus::MissingSnapshot
                        };
                        let shown = if c.len() > 80 { c[..80].to_string() } else { c };
                        (shown, status)
                    }
                    Err(_) => (String::new(), RefStatus::Malformed),
                }
            };
            report.refs.push(RefReport {
                name,
                commit,
                status,
            });
        }
        report.refs.sort_by(|a, b| a.name.cmp(&b.name));
    }
    report
}

/// Where a snapshot link leads: a blob name (to look up), or a final verdict.
fn classify_link(
    link_dir: &Path,
    target: &Path,
    repo_abs: &[PathBuf],
    blobs_ok: bool,
    repo: &Path,
) -> (Option<String>, LinkTo) {
    let shown = target.to_string_lossy().into_owned();
    let outside = |shown: String| (None, LinkTo::Final(FileStatus::Outside { target: shown }));
    let Some(resolved) = resolve_lexically(link_dir, target, repo_abs) else {
        return outside(shown);
    };
    let mut comps = resolved.components();
    let (Some(Component::Normal(first)), Some(Component::Normal(name)), None) =
        (comps.next(), comps.next(), comps.next())
    else {
        return outside(shown);
    };
    if first != "blobs" || !blobs_ok {
        return outside(shown);
    }
    let name = name.to_string_lossy().into_owned();
    let blob = Some(format!("blobs/{name}"));
    if name.ends_with(".incomplete") {
        return (blob, LinkTo::Final(FileStatus::Incomplete));
    }
    match fs::symlink_metadata(repo.join("blobs").join(&name)) {
        Err(e) if e.kind() == ErrorKind::NotFound => {
            (blob, LinkTo::Final(FileStatus::Dangling { target: shown }))
        }
        _ => (blob, LinkTo::Blob(name)),
    }
}

/// A `local_dir` download: each `.cache/huggingface/download/<path>.metadata` gives the etag of `<path>`.
fn verify_local_dir(root: &Path, hasher: &mut Hasher) -> RepoReport {
    let dir_name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| root.display().to_string());
    let mut report = empty_repo(&dir_name);
    report.repo_type = None;
    report.repo_id = None;
    let meta_dir = root.join(LOCAL_DIR_META);

    struct Pending {
        path: String,
        commit: String,
        job_index: Option<usize>,
        status: Option<FileStatus>,
    }
    let mut pending: Vec<Pending> = Vec::new();
    let mut jobs: Vec<Job> = Vec::new();
    let mut described: HashSet<String> = HashSet::new();
    let label = LOCAL_DIR_META.to_string();
    for (rel, meta) in list_files(&meta_dir, &mut report.problems, &report.dir, &label) {
        let rel_s = posix(&rel);
        if rel_s.ends_with(".incomplete") {
            report.unlinked.push(FileReport {
                path: format!("{LOCAL_DIR_META}/{rel_s}"),
                blob: None,
                status: FileStatus::Incomplete,
            });
            continue;
        }
        let Some(file_rel) = rel_s.strip_suffix(".metadata") else {
            continue; // .lock files and the like
        };
        if file_rel.is_empty() {
            continue;
        }
        described.insert(file_rel.to_string());
        let parsed = if meta.is_file() {
            read_small(&meta_dir.join(&rel))
                .map_err(|e| format!("download metadata unreadable: {e}"))
                .and_then(|t| parse_metadata(&t))
        } else {
            Err(format!("download metadata is a {}", kind_of(&meta)))
        };
        let (commit, etag) = match parsed {
            Ok(x) => x,
            Err(reason) => {
                pending.push(Pending {
                    path: file_rel.to_string(),
                    commit: String::new(),
                    job_index: None,
                    status: Some(FileStatus::Unverifiable { reason }),
                });
                continue;
            }
        };
        let file_path = root.join(file_rel);
        let parent_link = Path::new(file_rel)
            .parent()
            .and_then(|parent| linked_component(root, parent));
        let status = match fs::symlink_metadata(&file_path) {
            _ if parent_link.is_some() => Some(FileStatus::Outside {
                target: parent_link.unwrap_or_default(),
            }),
            Err(e) if e.kind() == ErrorKind::NotFound => Some(FileStatus::Missing),
            Err(e) => Some(FileStatus::Unverifiable {
                reason: e.to_string(),
            }),
            Ok(m) if m.file_type().is_symlink() => Some(FileStatus::Unverifiable {
                reason: "symbolic link; local_dir downloads hold regular files (not followed)"
                    .to_string(),
            }),
            Ok(m) if !m.is_file() => Some(FileStatus::Unverifiable {
                reason: format!("is a {}", kind_of(&m)),
            }),
            Ok(m) => match expectation(&etag) {
                None => Some(FileStatus::Unverifiable {
                    reason: format!("etag {etag:?} is neither a SHA-256 nor a git blob SHA-1"),
                }),
                Some(expect) => {
                    jobs.push(Job {
                        path: file_path,
                        stamp: FileStamp::of(&m),
                        expect,
                    });
                    pending.push(Pending {
                        path: file_rel.to_string(),
                        commit,
                        job_index: Some(jobs.len() - 1),
                        status: None,
                    });
                    continue;
                }
            },
        };
        pending.push(Pending {
            path: file_rel.to_string(),
            commit,
            job_index: None,
            status,
        });
    }
    let results = hasher.run(&jobs);
    let mut by_commit: BTreeMap<String, Vec<FileReport>> = BTreeMap::new();
    for p in pending {
        let status = match (p.status, p.job_index) {
            (Some(s), _) => s,
            (None, Some(i)) => results[i].clone(),
            (None, None) => FileStatus::Unverifiable {
                reason: "not hashed".to_string(),
            },
        };
        by_commit.entry(p.commit).or_default().push(FileReport {
            path: p.path,
            blob: None,
            status,
        });
    }
    for (commit, mut files) in by_commit {
        files.sort_by(|a, b| oms_path_cmp(&a.path, &b.path));
        report.snapshots.push(SnapshotReport { commit, files });
    }

    // Files the download metadata does not describe (added or renamed after the download).
    for (rel, _) in list_files(root, &mut report.problems, &report.dir, ".") {
        let rel_s = posix(&rel);
        if rel_s == ".cache" || rel_s.starts_with(".cache/") || described.contains(&rel_s) {
            continue;
        }
        report.unlinked.push(FileReport {
            path: rel_s,
            blob: None,
            status: FileStatus::Unverifiable {
                reason: "no download metadata: not downloaded by huggingface_hub, or renamed"
                    .to_string(),
            },
        });
    }
    report
        .unlinked
        .sort_by(|a, b| oms_path_cmp(&a.path, &b.path));
    report
}

/// Lines: commit hash, etag, timestamp. Etags may be quoted and weak (`W/"..."`).
fn parse_metadata(text: &str) -> std::result::Result<(String, String), String> {
    let mut lines = text.lines();
    let commit = lines.next().unwrap_or("").trim().to_string();
    let etag_raw = lines.next().unwrap_or("").trim();
    if commit.is_empty() || etag_raw.is_empty() {
        return Err("download metadata lacks the commit or etag line".to_string());
    }
    let etag = etag_raw
        .strip_prefix("W/")
        .unwrap_or(etag_raw)
        .trim_matches('"')
        .to_string();
    Ok((commit, etag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_blob_id_known_answer() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        fs::write(&p, b"Hello, World!").unwrap();
        let m = fs::symlink_metadata(&p).unwrap();
        let job = Job {
            path: p,
            stamp: FileStamp::of(&m),
            expect: Expect::GitSha1(String::new()),
        };
        let mut buf = vec![0u8; 7]; // several reads
        assert_eq!(
            git_blob_sha1(&job, &mut buf).unwrap(),
            "b45ef6fec89518d314f546fd6c3025367b721684"
        );
    }

    #[test]
    fn lexical_resolution_stays_in_the_repo() {
        let link_dir = Path::new("snapshots/abc/sub");
        let abs = vec![PathBuf::from("/cache/models--a--b")];
        assert_eq!(
            resolve_lexically(link_dir, Path::new("../../../blobs/x"), &abs),
            Some(PathBuf::from("blobs/x"))
        );
        assert_eq!(
            resolve_lexically(link_dir, Path::new("../../../../etc/passwd"), &abs),
            None
        );
        assert_eq!(
            resolve_lexically(link_dir, Path::new("/cache/models--a--b/blobs/y"), &abs),
            Some(PathBuf::from("blobs/y"))
        );
        assert_eq!(
            resolve_lexically(link_dir, Path::new("/etc/passwd"), &abs),
            None
        );
    }

    #[test]
    fn metadata_etags_are_unquoted() {
        let (c, e) = parse_metadata("abc\n\"W/x\"\n1.5\n").unwrap();
        assert_eq!((c.as_str(), e.as_str()), ("abc", "W/x"));
        let (_, e) = parse_metadata("abc\nW/\"deadbeef\"\n").unwrap();
        assert_eq!(e, "deadbeef");
        assert!(parse_metadata("abc\n").is_err());
    }

    #[test]
    fn repo_dir_names() {
        assert_eq!(repo_type("models--org--name"), Some(("model", "org--name")));
        assert_eq!(repo_type("datasets--x"), Some(("dataset", "x")));
        assert_eq!(repo_type("models--"), None);
        assert_eq!(
            empty_repo("models--org--name").repo_id.as_deref(),
            Some("org/name")
        );
    }
}
