//! End-to-end tests of the `aibom` binary: each test builds its own model tree in a temp dir, runs the
//! command (through tests/util: clean environment, deadline), and checks stdout, stderr and the exit
//! code a user (or CI) relies on.

use std::fs;
use std::os::unix::fs::{symlink, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};

mod util;
use util::{aibom, err as stderr, out as stdout, run, write};

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
        util::clean(&mut cmd).args([
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

// ---- `-o FORMAT=PATH`: what is at PATH decides how it is written (src/io.rs) ----

fn is_char_device(p: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    fs::metadata(p).unwrap().file_type().is_char_device()
}

/// A one-file model directory in `d/m`.
fn small_model(d: &Path) -> PathBuf {
    let m = d.join("m");
    write(&m, "w.bin", b"weights");
    m
}

fn scan_to(d: &Path, outputs: &[String]) -> Output {
    let mut c = aibom();
    c.current_dir(d).args(["scan", "m", "-q"]);
    for o in outputs {
        c.args(["-o", o]);
    }
    run(&mut c)
}

#[test]
fn output_to_dev_null_through_a_symlink_writes_through_and_keeps_the_device() {
    let d = tmp();
    small_model(d.path());
    symlink("/dev/null", d.path().join("null")).unwrap();
    let o = scan_to(d.path(), &["json=null".into()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(fs::symlink_metadata(d.path().join("null"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(is_char_device(Path::new("/dev/null")));
}

#[test]
fn output_to_a_char_device_node_is_written_in_place_not_replaced() {
    // A device node of our own (the null device's numbers) needs root; elsewhere the symlink test
    // above covers the same path through the code.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: mknod of a character device needs root");
        return;
    }
    let d = tmp();
    small_model(d.path());
    let node = d.path().join("nulldev");
    let c = std::ffi::CString::new(node.as_os_str().as_encoded_bytes()).unwrap();
    let r = unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) };
    if r != 0 {
        eprintln!(
            "skipped: mknod failed here ({})",
            std::io::Error::last_os_error()
        );
        return;
    }
    let o = scan_to(d.path(), &["json=nulldev".into(), "table=nulldev2".into()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(is_char_device(&node), "the device node became a plain file");
    assert!(d.path().join("nulldev2").is_file());
}

#[test]
fn output_to_a_full_device_is_an_error_naming_the_path_and_writes_nothing_else() {
    let d = tmp();
    small_model(d.path());
    symlink("/dev/full", d.path().join("full")).unwrap();
    fs::write(d.path().join("inv.json"), b"previous").unwrap();
    let o = scan_to(d.path(), &["json=inv.json".into(), "table=full".into()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("full") && err.contains("No space left"),
        "{err}"
    );
    assert!(is_char_device(Path::new("/dev/full")));
    assert_eq!(
        fs::read(d.path().join("inv.json")).unwrap(),
        b"previous",
        "the other output must not be replaced when one fails"
    );
    let leftovers: Vec<_> = fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".aibom-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn output_to_a_fifo_is_written_through_to_its_reader() {
    let d = tmp();
    small_model(d.path());
    let fifo = d.path().join("pipe");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
    };
    let o = scan_to(d.path(), &["json=pipe".into()]);
    // Should aibom have failed before opening the fifo, release the reader instead of hanging.
    let _ = fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(&fifo);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let got = reader.join().unwrap();
    let inv: aibom::inventory::Inventory = serde_json::from_str(&got).unwrap();
    assert_eq!(inv.files.len(), 1);
    use std::os::unix::fs::FileTypeExt;
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn output_dash_is_stdout_not_a_file_named_dash() {
    let d = tmp();
    small_model(d.path());
    let o = scan_to(d.path(), &["json=-".into(), "table=t.txt".into()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let inv: aibom::inventory::Inventory = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(inv.files.len(), 1);
    assert!(!d.path().join("-").exists());
    assert!(d.path().join("t.txt").is_file());
    let o = scan_to(d.path(), &["json=-".into(), "table".into()]);
    assert_eq!(o.status.code(), Some(2), "two outputs to stdout");
}

#[test]
fn output_through_a_symlink_replaces_the_target_and_keeps_the_link() {
    let d = tmp();
    small_model(d.path());
    fs::create_dir(d.path().join("store")).unwrap();
    fs::write(d.path().join("store/inv.json"), b"old").unwrap();
    symlink("store/inv.json", d.path().join("link.json")).unwrap();
    // A dangling link: its target is created.
    symlink("store/new.txt", d.path().join("dangling.txt")).unwrap();
    let o = scan_to(
        d.path(),
        &["json=link.json".into(), "table=dangling.txt".into()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for (link, target) in [
        ("link.json", "store/inv.json"),
        ("dangling.txt", "store/new.txt"),
    ] {
        let meta = fs::symlink_metadata(d.path().join(link)).unwrap();
        assert!(meta.file_type().is_symlink(), "{link} is no longer a link");
        assert_eq!(
            fs::read_link(d.path().join(link)).unwrap(),
            Path::new(target)
        );
        assert!(d.path().join(target).is_file());
    }
    let inv: aibom::inventory::Inventory =
        serde_json::from_slice(&fs::read(d.path().join("store/inv.json")).unwrap()).unwrap();
    assert_eq!(inv.files.len(), 1);
}

#[test]
fn replaced_output_file_keeps_its_permissions() {
    let d = tmp();
    small_model(d.path());
    let out = d.path().join("inv.json");
    fs::write(&out, b"old").unwrap();
    fs::set_permissions(&out, fs::Permissions::from_mode(0o640)).unwrap();
    let o = scan_to(d.path(), &["json=inv.json".into()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_ne!(fs::read(&out).unwrap(), b"old");
    assert_eq!(
        fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o640
    );
}

#[test]
fn missing_output_directory_is_reported_before_the_model_is_read() {
    let d = tmp();
    let m = small_model(d.path());
    // Reading this model fails (a symlink without --allow-symlinks): the output must be named first.
    symlink("w.bin", m.join("link.bin")).unwrap();
    let o = scan_to(d.path(), &["json=missing/inv.json".into()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("missing/inv.json") && err.contains("does not exist"),
        "{err}"
    );
    assert!(!err.contains("link.bin"), "the model was read first: {err}");
}

#[test]
fn failing_second_output_leaves_the_first_unwritten() {
    let d = tmp();
    small_model(d.path());
    let o = scan_to(
        d.path(),
        &["json=first.json".into(), "table=nowhere/t.txt".into()],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nowhere"), "{}", stderr(&o));
    assert!(!d.path().join("first.json").exists());
}

#[test]
fn two_outputs_to_the_same_file_are_refused() {
    let d = tmp();
    small_model(d.path());
    symlink("a.json", d.path().join("alias.json")).unwrap();
    for second in ["./a.json", "alias.json"] {
        let o = scan_to(d.path(), &["json=a.json".into(), format!("table={second}")]);
        assert_eq!(o.status.code(), Some(2), "{second}");
        assert!(stderr(&o).contains("same file"), "{}", stderr(&o));
        assert!(!d.path().join("a.json").exists());
    }
}

#[test]
fn output_that_is_a_directory_is_refused() {
    let d = tmp();
    small_model(d.path());
    fs::create_dir(d.path().join("out")).unwrap();
    for spec in ["json=out", "json=out/", "json=m"] {
        let o = scan_to(d.path(), &[spec.into()]);
        assert_eq!(o.status.code(), Some(2), "{spec}");
        assert!(stderr(&o).contains("directory"), "{spec}: {}", stderr(&o));
    }
}

#[test]
fn output_over_the_single_file_model_is_refused() {
    let d = tmp();
    let f = d.path().join("model.gguf");
    fs::write(&f, b"GGUF\x03\x00\x00\x00 tiny").unwrap();
    let o =
        run(aibom()
            .current_dir(d.path())
            .args(["scan", "model.gguf", "-o", "json=model.gguf"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("input"), "{}", stderr(&o));
    assert_eq!(fs::read(&f).unwrap(), b"GGUF\x03\x00\x00\x00 tiny");
}

#[test]
fn ignore_paths_flag_before_the_model_path_does_not_swallow_it() {
    let d = tmp();
    let m = d.path().join("m");
    write(&m, "runs/x", b"x");
    write(&m, "w", b"w");
    let o = run(aibom()
        .arg("digest")
        .args(["--ignore-paths", "runs"])
        .arg(&m));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), expected_root(&[b"w"]));
}

#[test]
fn output_to_dev_stdout_is_stdout_itself() {
    // Here stdout is a pipe: `/dev/stdout` names no path a rename could replace, and is stdout anyway.
    let d = tmp();
    small_model(d.path());
    let o = scan_to(d.path(), &["json=/dev/stdout".into()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let inv: aibom::inventory::Inventory = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(inv.files.len(), 1);
    let o = scan_to(d.path(), &["json=/dev/stdout".into(), "table".into()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("only one output can go to stdout"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn two_outputs_to_dev_null_are_fine() {
    let d = tmp();
    small_model(d.path());
    let o = scan_to(
        d.path(),
        &["json=/dev/null".into(), "table=/dev/null".into()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(is_char_device(Path::new("/dev/null")));
}
