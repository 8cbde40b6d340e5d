//! End-to-end tests of the `aibom` binary: each test builds its own model tree in a temp dir, runs the
//! command, and checks stdout, stderr and the exit code a user (or CI) relies on.

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

fn aibom() -> Command {
    Command::new(env!("CARGO_BIN_EXE_aibom"))
}

/// Run with a deadline, so a bug that blocks (e.g. on a fifo) fails the test instead of hanging CI.
fn run(cmd: &mut Command) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn aibom");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if Instant::now() > deadline {
            child.kill().ok();
            panic!("aibom did not finish within 60 s: {cmd:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(root: &Path, rel: &str, data: &[u8]) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, data).unwrap();
}

fn sha(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// The OMS root digest computed independently of the library: files given in the order OMS requires.
fn expected_root(files_in_oms_order: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for f in files_in_oms_order {
        h.update(sha(f));
    }
    format!("sha256:{}\n", hex::encode(h.finalize()))
}

fn digest_of(path: &Path, extra: &[&str]) -> Output {
    run(aibom().arg("digest").arg(path).args(extra))
}

/// Every file name under `root` with its content, to prove a command wrote nothing there.
fn snapshot(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v: Vec<_> = walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let data = if e.file_type().is_file() {
                fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            (e.path().to_path_buf(), data)
        })
        .collect();
    v.sort();
    v
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn digest_orders_names_component_wise_by_code_point() {
    let d = tmp();
    let m = d.path().join("model");
    // Written in an order unlike the OMS one; contents differ so any misordering changes the digest.
    for (name, data) in [
        ("é.txt", "6"),
        ("a.txt", "5"),
        ("a-b", "4"),
        ("a b", "3"),
        ("a/b", "2"),
        ("Z", "1"),
    ] {
        write(&m, name, data.as_bytes());
    }
    let o = digest_of(&m, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        expected_root(&[b"1", b"2", b"3", b"4", b"5", b"6"])
    );
}

#[test]
fn single_file_model_digest_is_hash_of_the_file_digest() {
    let d = tmp();
    let f = d.path().join("model.gguf");
    fs::write(&f, b"GGUF\x03\x00\x00\x00 tiny").unwrap();
    let o = digest_of(&f, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), expected_root(&[b"GGUF\x03\x00\x00\x00 tiny"]));
}

#[test]
fn git_paths_are_ignored_at_the_root_only_unless_asked() {
    let d = tmp();
    let m = d.path().join("m");
    write(&m, "w", b"w");
    write(&m, ".git/HEAD", b"ref");
    write(&m, ".gitattributes", b"*.bin lfs");
    write(&m, "sub/.gitignore", b"x");
    let o = digest_of(&m, &[]);
    // sub/.gitignore is not at the root, so it counts; order: "sub/.gitignore" < "w".
    assert_eq!(stdout(&o), expected_root(&[b"x", b"w"]));
    let o = digest_of(&m, &["--no-ignore-git-paths"]);
    // ".git/HEAD" < ".gitattributes" < "sub/.gitignore" < "w"
    assert_eq!(
        stdout(&o),
        expected_root(&[b"ref", b"*.bin lfs", b"x", b"w"])
    );
}

#[test]
fn ignore_paths_match_whole_components() {
    let d = tmp();
    let m = d.path().join("m");
    write(&m, "a/b/1", b"1");
    write(&m, "a/bc", b"2");
    write(&m, "c", b"3");
    let o = digest_of(&m, &["--ignore-paths", "a/b", "--ignore-paths", "./c"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), expected_root(&[b"2"]));
}

#[test]
fn ignore_path_outside_the_model_is_a_usage_error() {
    let d = tmp();
    write(d.path(), "m/f", b"f");
    let o = digest_of(&d.path().join("m"), &["--ignore-paths", "../elsewhere"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("../elsewhere"), "{}", stderr(&o));
}

#[test]
fn nonexistent_path_exits_2_naming_it() {
    let d = tmp();
    let missing = d.path().join("no-such-model");
    for sub in ["digest", "scan"] {
        let o = run(aibom().arg(sub).arg(&missing));
        assert_eq!(o.status.code(), Some(2), "{sub}");
        assert!(
            stderr(&o).contains("no-such-model"),
            "{sub}: {}",
            stderr(&o)
        );
        assert!(stdout(&o).is_empty());
    }
}

#[test]
fn empty_model_is_refused() {
    let d = tmp();
    let m = d.path().join("m");
    fs::create_dir_all(m.join("empty/sub")).unwrap();
    let o = digest_of(&m, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no files"), "{}", stderr(&o));
    // Only ignored files: still empty.
    write(&m, ".gitignore", b"x");
    let o = digest_of(&m, &[]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn fifo_in_the_tree_is_an_error_and_never_blocks() {
    let d = tmp();
    let m = d.path().join("m");
    write(&m, "a", b"a");
    let fifo = m.join("pipe");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let o = digest_of(&m, &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("pipe") && err.contains("fifo"), "{err}");
}

#[test]
fn symlink_is_an_error_unless_allowed_and_then_hashes_the_target() {
    let d = tmp();
    let m = d.path().join("m");
    write(&m, "real.bin", b"weights");
    write(d.path(), "outside.txt", b"outside");
    fs::create_dir_all(m.join("dir")).unwrap();
    write(&m, "dir/inner", b"inner");
    symlink("real.bin", m.join("alias.bin")).unwrap();
    symlink(d.path().join("outside.txt"), m.join("ext")).unwrap();
    symlink("dir", m.join("linkdir")).unwrap();

    let o = digest_of(&m, &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("symbolic link") && err.contains("--allow-symlinks"),
        "{err}"
    );

    let o = digest_of(&m, &["--allow-symlinks"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // alias.bin < dir/inner < ext < real.bin; linkdir (a link to a directory) is not descended.
    assert_eq!(
        stdout(&o),
        expected_root(&[b"weights", b"inner", b"outside", b"weights"])
    );
}

#[test]
fn dangling_symlink_and_symlink_loop_are_errors_naming_the_link() {
    for (name, make) in [
        (
            "dangling",
            (|m: &Path| symlink("nowhere", m.join("dangling")).unwrap()) as fn(&Path),
        ),
        ("loop1", |m: &Path| {
            symlink("loop2", m.join("loop1")).unwrap();
            symlink("loop1", m.join("loop2")).unwrap();
        }),
    ] {
        let d = tmp();
        let m = d.path().join("m");
        write(&m, "f", b"f");
        make(&m);
        let o = digest_of(&m, &["--allow-symlinks"]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        assert!(stderr(&o).contains(name), "{name}: {}", stderr(&o));
    }
}

#[test]
fn unreadable_file_exits_2_naming_it() {
    let d = tmp();
    let m = d.path().join("m");
    write(&m, "ok", b"ok");
    write(&m, "secret.bin", b"no");
    fs::set_permissions(m.join("secret.bin"), fs::Permissions::from_mode(0o000)).unwrap();
    let mut cmd = aibom();
    if unsafe { libc::geteuid() } == 0 {
        // root reads anything: drop to nobody so the permission bits apply.
        fs::set_permissions(d.path(), fs::Permissions::from_mode(0o755)).unwrap();
        cmd = Command::new("setpriv");
        cmd.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            env!("CARGO_BIN_EXE_aibom"),
        ]);
    }
    let o = run(cmd.arg("digest").arg(&m));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("secret.bin"), "{}", stderr(&o));
}

#[test]
fn non_utf8_file_name_is_a_clear_error() {
    use std::os::unix::ffi::OsStrExt;
    let d = tmp();
    let m = d.path().join("m");
    write(&m, "ok", b"ok");
    fs::write(m.join(std::ffi::OsStr::from_bytes(b"bad\xffname")), b"x").unwrap();
    let o = digest_of(&m, &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("bad") && err.contains("UTF-8"), "{err}");
}

#[test]
fn file_growing_during_the_scan_is_detected() {
    let d = tmp();
    let m = d.path().join("m");
    write(&m, "growing.bin", &vec![7u8; 8 << 20]);
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        let path = m.join("growing.bin");
        std::thread::spawn(move || {
            use std::io::Write;
            let mut f = fs::OpenOptions::new().append(true).open(path).unwrap();
            let chunk = vec![1u8; 4096];
            while !stop.load(Ordering::Relaxed) {
                f.write_all(&chunk).unwrap();
            }
        })
    };
    std::thread::sleep(Duration::from_millis(20));
    let o = digest_of(&m, &[]);
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(
        err.contains("growing.bin") && err.contains("changed"),
        "{err}"
    );
}

#[test]
fn scan_writes_nothing_into_the_model_directory() {
    let d = tmp();
    let m = d.path().join("m");
    write(
        &m,
        "model.safetensors",
        b"\x02\x00\x00\x00\x00\x00\x00\x00{}",
    );
    write(&m, "config.json", b"{}");
    let before = snapshot(&m);
    let out = d.path().join("inv.json");
    let o = run(aibom().arg("scan").arg(&m).args([
        "-o",
        &format!("json={}", out.display()),
        "-o",
        "table",
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(snapshot(&m), before);
    assert!(stdout(&o).contains("model.safetensors"));
    let inv: aibom::inventory::Inventory =
        serde_json::from_slice(&fs::read(&out).unwrap()).unwrap();
    assert_eq!(inv.files.len(), 2);
}

#[test]
fn output_written_inside_the_model_is_left_out_of_the_scan() {
    let d = tmp();
    let m = d.path().join("m");
    write(&m, "w.bin", b"w");
    let inside = m.join("inventory.json");
    for _ in 0..2 {
        // The second run finds the first run's output in the directory and must still leave it out.
        let o = run(aibom().arg("scan").arg(&m).args([
            "-q",
            "-o",
            &format!("json={}", inside.display()),
        ]));
        assert!(o.status.success(), "{}", stderr(&o));
        let inv: aibom::inventory::Inventory =
            serde_json::from_slice(&fs::read(&inside).unwrap()).unwrap();
        assert_eq!(
            inv.files
                .iter()
                .map(|f| f.path.as_str())
                .collect::<Vec<_>>(),
            ["w.bin"]
        );
        assert_eq!(inv.model.digest + "\n", expected_root(&[b"w"]));
    }
}

#[test]
fn scan_output_is_deterministic_and_matches_digest() {
    let d = tmp();
    let m = d.path().join("m");
    for i in 0..50 {
        write(
            &m,
            &format!("shard-{i:02}.bin"),
            format!("data {i}").as_bytes(),
        );
    }
    let a = run(aibom().arg("scan").arg(&m).args(["-q", "-o", "json"]));
    let b = run(aibom()
        .arg("scan")
        .arg(&m)
        .args(["-q", "-o", "json", "-j", "1"]));
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    let inv: aibom::inventory::Inventory = serde_json::from_slice(&a.stdout).unwrap();
    let dg = digest_of(&m, &[]);
    assert_eq!(inv.model.digest + "\n", stdout(&dg));
}

#[test]
fn two_outputs_to_stdout_are_a_usage_error() {
    let d = tmp();
    write(d.path(), "m/f", b"f");
    let o = run(aibom()
        .arg("scan")
        .arg(d.path().join("m"))
        .args(["-o", "json", "-o", "table"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("stdout"), "{}", stderr(&o));
}

#[test]
fn unknown_output_format_is_a_usage_error() {
    let d = tmp();
    write(d.path(), "m/f", b"f");
    let o = run(aibom()
        .arg("scan")
        .arg(d.path().join("m"))
        .args(["-o", "yaml"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("yaml"), "{}", stderr(&o));
}

#[test]
fn bundled_example_model_scans_with_expected_roles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/tiny-model");
    let o = run(aibom().arg("scan").arg(&root).args(["-q", "-o", "json"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let inv: aibom::inventory::Inventory = serde_json::from_slice(&o.stdout).unwrap();
    let roles: Vec<(&str, &str, &str)> = inv
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.role.as_str(), f.format.as_str()))
        .collect();
    assert_eq!(
        roles,
        [
            ("LICENSE", "licence", "text"),
            ("README.md", "documentation", "text"),
            ("config.json", "config", "json"),
            ("generation_config.json", "config", "json"),
            ("model.safetensors", "weights", "safetensors"),
            ("requirements.txt", "code", "text"),
            ("tokenizer.json", "tokenizer", "json"),
            ("tokenizer_config.json", "tokenizer", "json"),
        ]
    );
    for f in &inv.files {
        assert_eq!(
            f.sha256,
            hex::encode(sha(&fs::read(root.join(&f.path)).unwrap())),
            "{}",
            f.path
        );
    }
}

#[test]
fn hugging_face_cache_snapshot_error_explains_the_links() {
    let d = tmp();
    let repo = d.path().join("models--org--m");
    let blob = repo.join("blobs/0123abcd");
    write(&repo, "blobs/0123abcd", b"w");
    let snap = repo.join("snapshots/0123456789abcdef0123456789abcdef01234567");
    fs::create_dir_all(&snap).unwrap();
    symlink("../../blobs/0123abcd", snap.join("config.json")).unwrap();
    let o = digest_of(&snap, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("Hugging Face cache snapshot"),
        "{}",
        stderr(&o)
    );
    let o = digest_of(&snap, &["--allow-symlinks"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), expected_root(&[&fs::read(blob).unwrap()]));
}
