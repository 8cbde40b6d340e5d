//! Hugging Face cache and local_dir verification on fake downloads built in temp dirs: blobs named by
//! their real SHA-256 / git blob SHA-1, relative snapshot links as huggingface_hub makes them, and every
//! failure kind.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use aibom::hfcache::{
    verify_cache, CacheLayout, CacheProblemCode, FileReport, FileStatus, HashAlgorithm, RefStatus,
};
use sha1::Digest as _;

const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";
const OLD_COMMIT: &str = "fedcba9876543210fedcba9876543210fedcba98";

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(data))
}

fn git_sha1_hex(data: &[u8]) -> String {
    let mut h = sha1::Sha1::new();
    h.update(format!("blob {}\0", data.len()).as_bytes());
    h.update(data);
    hex::encode(h.finalize())
}

/// Large enough for the hashing engine's paired two-stream path.
fn weights(seed: u8) -> Vec<u8> {
    (0..3 * 1024 * 1024 + 17)
        .map(|i: u32| (i.wrapping_mul(2654435761) >> 13) as u8 ^ seed)
        .collect()
}

fn write(p: &Path, data: &[u8]) {
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, data).unwrap();
}

fn link(at: &Path, target: &str) {
    fs::create_dir_all(at.parent().unwrap()).unwrap();
    symlink(target, at).unwrap();
}

/// A healthy repo: two LFS weights, a config and "Hello, World!" in a subdirectory, `refs/main`.
fn good_repo(cache: &Path, name: &str) -> PathBuf {
    let repo = cache.join(name);
    let files: [(&str, Vec<u8>, bool); 4] = [
        ("model-00001.safetensors", weights(1), true),
        ("model-00002.safetensors", weights(2), true),
        ("config.json", br#"{"model_type": "bert"}"#.to_vec(), false),
        ("sub/hello.txt", b"Hello, World!".to_vec(), false),
    ];
    for (path, data, lfs) in &files {
        let blob = if *lfs {
            sha256_hex(data)
        } else {
            git_sha1_hex(data)
        };
        write(&repo.join("blobs").join(&blob), data);
        let depth = path.matches('/').count() + 2;
        let target = format!("{}blobs/{blob}", "../".repeat(depth));
        link(&repo.join("snapshots").join(COMMIT).join(path), &target);
    }
    write(&repo.join("refs/main"), COMMIT.as_bytes());
    repo
}

fn files_of(report: &aibom::hfcache::CacheReport) -> Vec<&FileReport> {
    report
        .repos
        .iter()
        .flat_map(|r| r.snapshots.iter().flat_map(|s| &s.files).chain(&r.unlinked))
        .collect()
}

fn status_of<'a>(report: &'a aibom::hfcache::CacheReport, path: &str) -> &'a FileStatus {
    &files_of(report)
        .into_iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} not in report"))
        .status
}

#[test]
fn git_blob_id_known_answer() {
    assert_eq!(
        git_sha1_hex(b"Hello, World!"),
        "b45ef6fec89518d314f546fd6c3025367b721684"
    );
}

#[test]
fn healthy_cache_verifies_at_every_entry_point() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = good_repo(tmp.path(), "models--org--model");
    let report = verify_cache(tmp.path()).unwrap();
    assert!(report.ok(), "{report:#?}");
    assert!(report.problems.is_empty());
    assert_eq!(report.schema, "aibom-hf-cache-report/1");
    assert_eq!(report.layout, CacheLayout::Cache);
    assert_eq!(report.counts.files, 4);
    assert_eq!(report.counts.ok, 4);
    assert_eq!(report.counts.hashed, 4);
    let r = &report.repos[0];
    assert_eq!(r.repo_id.as_deref(), Some("org/model"));
    assert_eq!(r.repo_type.as_deref(), Some("model"));
    assert_eq!(r.refs.len(), 1);
    assert_eq!(r.refs[0].status, RefStatus::Ok);
    assert_eq!(
        *status_of(&report, "sub/hello.txt"),
        FileStatus::Ok {
            algorithm: HashAlgorithm::GitSha1
        }
    );
    let hello = files_of(&report)
        .into_iter()
        .find(|f| f.path == "sub/hello.txt")
        .unwrap();
    assert_eq!(
        hello.blob.as_deref(),
        Some("blobs/b45ef6fec89518d314f546fd6c3025367b721684")
    );
    assert_eq!(
        *status_of(&report, "model-00001.safetensors"),
        FileStatus::Ok {
            algorithm: HashAlgorithm::Sha256
        }
    );

    let report = verify_cache(&repo).unwrap();
    assert!(report.ok());
    assert_eq!(report.layout, CacheLayout::Repo);
    assert_eq!(report.counts.ok, 4);
}

#[test]
fn blob_shared_by_two_snapshots_is_hashed_once() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = good_repo(tmp.path(), "models--org--model");
    let blob = sha256_hex(&weights(1));
    link(
        &repo
            .join("snapshots")
            .join(OLD_COMMIT)
            .join("model.safetensors"),
        &format!("../../blobs/{blob}"),
    );
    let report = verify_cache(&repo).unwrap();
    assert!(report.ok(), "{report:#?}");
    assert_eq!(report.counts.files, 5);
    assert_eq!(report.counts.hashed, 4);
    assert_eq!(report.repos[0].snapshots.len(), 2);
}

#[test]
fn every_cache_failure_is_reported_by_path() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("hub");
    let repo = good_repo(&cache, "models--org--model");
    let snap = repo.join("snapshots").join(COMMIT);
    let blobs = repo.join("blobs");

    // SHA-256 mismatch: a weight blob overwritten (same size).
    let w1 = sha256_hex(&weights(1));
    fs::write(blobs.join(&w1), weights(9)).unwrap();
    // git SHA-1 mismatch: config edited in place.
    let cfg = git_sha1_hex(br#"{"model_type": "bert"}"#);
    fs::write(blobs.join(&cfg), br#"{"model_type": "evil"}"#).unwrap();
    // Dangling: a link to a blob that is not there.
    let absent = sha256_hex(b"never downloaded");
    link(&snap.join("dangling.bin"), &format!("../../blobs/{absent}"));
    // Outside: escaping the repo, absolute, inside the repo but not a blob, and a self loop.
    write(&tmp.path().join("outside.txt"), b"x");
    link(&snap.join("escape.txt"), "../../../../../outside.txt");
    link(&snap.join("absolute.txt"), "/etc/hostname");
    link(&snap.join("not_a_blob.txt"), "../../refs/main");
    link(&snap.join("loop"), "loop");
    // A blob that is itself a link out of the repo.
    let linked_blob = git_sha1_hex(b"linked");
    link(&blobs.join(&linked_blob), "../../../outside.txt");
    link(
        &snap.join("via_linked_blob.txt"),
        &format!("../../blobs/{linked_blob}"),
    );
    // Regular file inside a snapshot.
    write(&snap.join("copied.txt"), b"copied, not linked");
    // Partial download, and a link to one.
    let partial = format!("{}.incomplete", sha256_hex(b"partial"));
    write(&blobs.join(&partial), b"part");
    link(&snap.join("partial.bin"), &format!("../../blobs/{partial}"));
    let orphan_partial = format!("{}.incomplete", sha256_hex(b"orphan partial"));
    write(&blobs.join(&orphan_partial), b"orph");
    // Corrupt blob no snapshot links to.
    let orphan = sha256_hex(b"old revision");
    write(&blobs.join(&orphan), b"old revision, corrupted");
    // Badly named blob.
    write(&blobs.join("README"), b"?");
    // A fifo must not block the verifier.
    let fifo = snap.join("pipe");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    // Refs: one to a snapshot that does not exist, one malformed.
    write(&repo.join("refs/v2"), OLD_COMMIT.as_bytes());
    write(&repo.join("refs/pr/1"), b"not a commit");

    let report = verify_cache(&cache).unwrap();
    assert!(!report.ok());

    match status_of(&report, "model-00001.safetensors") {
        FileStatus::Mismatch {
            algorithm,
            expected,
            actual,
        } => {
            assert_eq!(*algorithm, HashAlgorithm::Sha256);
            assert_eq!(*expected, w1);
            assert_eq!(*actual, sha256_hex(&weights(9)));
        }
        s => panic!("{s:?}"),
    }
    match status_of(&report, "config.json") {
        FileStatus::Mismatch {
            algorithm,
            expected,
            actual,
        } => {
            assert_eq!(*algorithm, HashAlgorithm::GitSha1);
            assert_eq!(*expected, cfg);
            assert_eq!(*actual, git_sha1_hex(br#"{"model_type": "evil"}"#));
        }
        s => panic!("{s:?}"),
    }
    assert!(
        matches!(status_of(&report, "dangling.bin"), FileStatus::Dangling { target } if target.ends_with(&absent))
    );
    for p in [
        "escape.txt",
        "absolute.txt",
        "not_a_blob.txt",
        "loop",
        "via_linked_blob.txt",
    ] {
        assert!(
            matches!(status_of(&report, p), FileStatus::Outside { .. }),
            "{p}: {:?}",
            status_of(&report, p)
        );
    }
    assert!(matches!(
        status_of(&report, "copied.txt"),
        FileStatus::Unverifiable { reason } if reason.contains("regular file")
    ));
    assert!(matches!(
        status_of(&report, "pipe"),
        FileStatus::Unverifiable { reason } if reason.contains("fifo")
    ));
    assert_eq!(*status_of(&report, "partial.bin"), FileStatus::Incomplete);
    assert_eq!(
        *status_of(&report, &format!("blobs/{orphan_partial}")),
        FileStatus::Incomplete
    );
    assert!(matches!(
        status_of(&report, &format!("blobs/{orphan}")),
        FileStatus::Mismatch { .. }
    ));
    assert!(matches!(
        status_of(&report, "blobs/README"),
        FileStatus::Unverifiable { .. }
    ));
    // The untouched files still verify.
    assert!(status_of(&report, "model-00002.safetensors").is_ok());
    assert!(status_of(&report, "sub/hello.txt").is_ok());

    let refs = &report.repos[0].refs;
    let by = |n: &str| refs.iter().find(|r| r.name == n).unwrap().status.clone();
    assert_eq!(by("main"), RefStatus::Ok);
    assert_eq!(by("v2"), RefStatus::MissingSnapshot);
    assert_eq!(by("pr/1"), RefStatus::Malformed);

    // Every one of them is a coded problem, located by repository, snapshot and path.
    let problem = |path: &str| {
        report
            .problems
            .iter()
            .find(|p| p.path.as_deref() == Some(path))
            .unwrap_or_else(|| panic!("no problem for {path}: {:#?}", report.problems))
    };
    use CacheProblemCode as P;
    for (path, code) in [
        ("model-00001.safetensors", P::BlobMismatch),
        ("config.json", P::BlobMismatch),
        ("dangling.bin", P::LinkDangling),
        ("escape.txt", P::LinkOutsideBlobs),
        ("copied.txt", P::FileUnverifiable),
        ("pipe", P::FileUnverifiable),
        ("partial.bin", P::PartialDownload),
        ("refs/v2", P::RefMissingSnapshot),
        ("refs/pr/1", P::RefMalformed),
    ] {
        let p = problem(path);
        assert_eq!(p.code, code, "{p:?}");
        assert_eq!(p.repo, "models--org--model");
    }
    assert_eq!(problem("config.json").commit.as_deref(), Some(COMMIT));
    assert_eq!(problem(&format!("blobs/{orphan}")).commit, None);
    assert_eq!(problem("refs/v2").commit.as_deref(), Some(OLD_COMMIT));
    assert_eq!(problem(&format!("blobs/{orphan}")).code, P::BlobMismatch);
    assert_eq!(
        problem(&format!("blobs/{orphan_partial}")).code,
        P::PartialDownload
    );

    let c = &report.counts;
    assert_eq!(
        report.problems.len(),
        c.files - c.ok + c.broken_refs + c.problems
    );
    assert_eq!(c.mismatch, 3);
    assert_eq!(c.dangling, 1);
    assert_eq!(c.outside, 5);
    assert_eq!(c.incomplete, 2);
    assert_eq!(c.broken_refs, 2);
    assert_eq!(
        c.files,
        c.ok + c.mismatch + c.dangling + c.outside + c.incomplete + c.missing + c.unverifiable
    );

    // The report serializes with the status inline.
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["ok"], false);
    let files = json["repos"][0]["snapshots"][0]["files"]
        .as_array()
        .unwrap();
    let cfg_json = files.iter().find(|f| f["path"] == "config.json").unwrap();
    assert_eq!(cfg_json["status"], "mismatch");
    assert_eq!(cfg_json["algorithm"], "git-sha1");
    assert_eq!(cfg_json["expected"], cfg.as_str());
}

#[test]
fn symlinked_blobs_dir_and_repo_are_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let elsewhere = tmp.path().join("elsewhere");
    good_repo(&elsewhere, "models--org--model");
    let cache = tmp.path().join("hub");
    fs::create_dir_all(&cache).unwrap();
    symlink(
        elsewhere.join("models--org--model"),
        cache.join("models--org--linked"),
    )
    .unwrap();
    let report = verify_cache(&cache).unwrap();
    assert!(!report.ok());
    assert!(report.repos[0].problems[0]
        .message
        .contains("symbolic link"));
    assert_eq!(
        report.repos[0].problems[0].code,
        aibom::hfcache::CacheProblemCode::NotADirectory
    );

    let repo = cache.join("models--org--repo");
    fs::create_dir_all(repo.join("snapshots").join(COMMIT)).unwrap();
    symlink(
        elsewhere.join("models--org--model/blobs"),
        repo.join("blobs"),
    )
    .unwrap();
    let blob = git_sha1_hex(b"Hello, World!");
    link(
        &repo.join("snapshots").join(COMMIT).join("hello.txt"),
        &format!("../../blobs/{blob}"),
    );
    let report = verify_cache(&repo).unwrap();
    assert!(!report.ok());
    assert!(matches!(
        status_of(&report, "hello.txt"),
        FileStatus::Outside { .. }
    ));
}

fn local_dir_meta(root: &Path, rel: &str, etag: &str) {
    write(
        &root
            .join(".cache/huggingface/download")
            .join(format!("{rel}.metadata")),
        format!("{COMMIT}\n{etag}\n1726000000.123\n").as_bytes(),
    );
}

#[test]
fn local_dir_download_is_checked_against_its_etags() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("my-model");
    let w = weights(3);
    write(&root.join("model.safetensors"), &w);
    local_dir_meta(
        &root,
        "model.safetensors",
        &format!("\"{}\"", sha256_hex(&w)),
    );
    write(&root.join("config.json"), b"{}");
    local_dir_meta(&root, "config.json", &git_sha1_hex(b"{}"));
    write(&root.join("sub/hello.txt"), b"Hello, World!");
    local_dir_meta(
        &root,
        "sub/hello.txt",
        "W/\"b45ef6fec89518d314f546fd6c3025367b721684\"",
    );
    let report = verify_cache(&root).unwrap();
    assert!(report.ok(), "{report:#?}");
    assert_eq!(report.layout, CacheLayout::LocalDir);
    assert_eq!(report.counts.ok, 3);
    assert_eq!(report.repos[0].snapshots[0].commit, COMMIT);

    // Now break it every way.
    write(&root.join("config.json"), b"{\"x\":1}");
    local_dir_meta(&root, "gone.bin", &sha256_hex(b"gone"));
    local_dir_meta(&root, "odd.bin", "xyz-not-a-hash");
    write(&root.join("odd.bin"), b"odd");
    write(&root.join("added.py"), b"import os");
    write(
        &root.join(".cache/huggingface/download/abc.0123.incomplete"),
        b"part",
    );
    write(
        &root.join(".cache/huggingface/download/broken.txt.metadata"),
        b"only-one-line",
    );
    write(&root.join("broken.txt"), b"b");
    // A directory swapped for a link out of the download: never followed.
    write(&tmp.path().join("elsewhere/x.bin"), b"x");
    symlink(tmp.path().join("elsewhere"), root.join("linked")).unwrap();
    local_dir_meta(&root, "linked/x.bin", &git_sha1_hex(b"x"));
    let report = verify_cache(&root).unwrap();
    assert!(!report.ok());
    assert!(matches!(
        status_of(&report, "config.json"),
        FileStatus::Mismatch {
            algorithm: HashAlgorithm::GitSha1,
            ..
        }
    ));
    assert_eq!(*status_of(&report, "gone.bin"), FileStatus::Missing);
    assert!(matches!(
        status_of(&report, "odd.bin"),
        FileStatus::Unverifiable { reason } if reason.contains("etag")
    ));
    assert!(matches!(
        status_of(&report, "added.py"),
        FileStatus::Unverifiable { reason } if reason.contains("no download metadata")
    ));
    assert!(matches!(
        status_of(&report, "broken.txt"),
        FileStatus::Unverifiable { .. }
    ));
    assert_eq!(
        *status_of(&report, ".cache/huggingface/download/abc.0123.incomplete"),
        FileStatus::Incomplete
    );
    assert!(matches!(
        status_of(&report, "linked/x.bin"),
        FileStatus::Outside { .. }
    ));
    assert!(matches!(
        status_of(&report, "linked"),
        FileStatus::Unverifiable { .. }
    ));
    assert!(status_of(&report, "model.safetensors").is_ok());
    assert!(status_of(&report, "sub/hello.txt").is_ok());
    let code_of = |path: &str| {
        report
            .problems
            .iter()
            .find(|p| p.path.as_deref() == Some(path))
            .map(|p| p.code)
    };
    assert_eq!(code_of("gone.bin"), Some(CacheProblemCode::FileMissing));
    assert_eq!(
        code_of("linked/x.bin"),
        Some(CacheProblemCode::LinkOutsideBlobs)
    );
    assert_eq!(
        code_of("added.py"),
        Some(CacheProblemCode::FileUnverifiable)
    );
    assert_eq!(code_of("model.safetensors"), None);
    assert_eq!(report.problems[0].repo, "my-model");
}

#[test]
fn unusable_paths_are_errors() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(matches!(
        verify_cache(&tmp.path().join("nope")),
        Err(aibom::Error::NotFound { .. })
    ));
    write(&tmp.path().join("file"), b"x");
    assert!(verify_cache(&tmp.path().join("file")).is_err());
    let e = verify_cache(tmp.path()).unwrap_err();
    assert!(e.to_string().contains("not a Hugging Face download"), "{e}");
}

#[test]
fn cli_verify_hf_cache_names_the_modified_file_and_exits_1() {
    let d = tempfile::tempdir().unwrap();
    let repo = good_repo(d.path(), "models--acme--tiny");
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_aibom"))
            .args(["verify", "--hf-cache"])
            .arg(d.path())
            .output()
            .unwrap()
    };
    let o = run();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.starts_with("VERIFIED"), "{out}");
    // Corrupt the blob behind one snapshot file.
    let snap = repo.join("snapshots").join(COMMIT);
    let target = std::fs::canonicalize(snap.join("model-00001.safetensors")).unwrap();
    let mut data = std::fs::read(&target).unwrap();
    data[0] ^= 1;
    std::fs::write(&target, data).unwrap();
    let o = run();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.starts_with("NOT VERIFIED"), "{out}");
    assert!(
        out.contains("modified: acme/tiny@0123456789ab: model-00001.safetensors"),
        "{out}"
    );
}
