//! The shared test harness: temporary models built from `(path, bytes)` lists, and a runner for the
//! `aibom` binary with a clean environment (no inherited `SOURCE_DATE_EPOCH`, `NO_COLOR`, `CLICOLOR*` or
//! `AIBOM_*`: a developer's shell must not change what a test sees) and a deadline (a command that blocks
//! is killed and fails its test, never hangs CI). Each test binary uses part of it.
#![allow(dead_code)]

pub mod files;
pub mod models;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a command may run before it is killed and its test fails.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// Variables that change the binary's output or behaviour, removed from every run (set them again
/// explicitly where a test is about them).
const INHERITED: [&str; 4] = [
    "SOURCE_DATE_EPOCH",
    "NO_COLOR",
    "CLICOLOR",
    "CLICOLOR_FORCE",
];

/// The `aibom` binary under test, with a clean environment.
pub fn aibom() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_aibom"));
    clean(&mut c);
    c
}

/// Remove the variables of [`INHERITED`] and every `AIBOM_*` from a command's environment.
pub fn clean(cmd: &mut Command) -> &mut Command {
    for k in INHERITED {
        cmd.env_remove(k);
    }
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("AIBOM_") {
            cmd.env_remove(k);
        }
    }
    cmd
}

/// Run a command to completion within [`DEADLINE`] (see [`run_within`]).
pub fn run(cmd: &mut Command) -> Output {
    run_within(cmd, DEADLINE)
}

/// Run a command with no stdin, collecting stdout and stderr; kill it and fail the test when it has not
/// finished within `limit`. Both streams are drained while it runs, so large outputs cannot stall it.
pub fn run_within(cmd: &mut Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
    let stdout = drain(child.stdout.take().expect("piped stdout"));
    let stderr = drain(child.stderr.take().expect("piped stderr"));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for aibom") {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            child.wait().ok();
            let err = stderr.join().unwrap_or_default();
            panic!(
                "did not finish within {limit:?}, killed: {cmd:?}\nstderr:\n{}",
                String::from_utf8_lossy(&err)
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

fn drain<R: Read + Send + 'static>(mut r: R) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut v = Vec::new();
        r.read_to_end(&mut v).ok();
        v
    })
}

/// Stdout as text.
pub fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Stderr as text.
pub fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The exit code (a test fails when the process was killed by a signal).
pub fn code(o: &Output) -> i32 {
    o.status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {}", err(o)))
}

/// Write `data` to `root/rel`, creating the directories between.
pub fn write(root: &Path, rel: &str, data: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("a parent")).unwrap();
    std::fs::write(p, data).unwrap();
}

/// A model directory `m/` in a temporary directory of its own (the directory beside it is free for
/// bundles, keys and outputs); both are removed when dropped.
pub struct TempModel {
    tmp: tempfile::TempDir,
    root: PathBuf,
}

impl TempModel {
    /// The model directory.
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// The temporary directory that holds the model.
    pub fn dir(&self) -> &Path {
        self.tmp.path()
    }

    /// Add (or replace) one file of the model.
    pub fn write(&self, rel: &str, data: &[u8]) {
        write(&self.root, rel, data);
    }
}

/// A model made of these files (model-relative POSIX paths).
pub fn temp_model(files: &[(&str, &[u8])]) -> TempModel {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("m");
    std::fs::create_dir_all(&root).unwrap();
    for (rel, data) in files {
        write(&root, rel, data);
    }
    TempModel { tmp, root }
}

/// A path under the repository's `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// Every fixture model with a golden BOM: `fixtures/tiny-model` and each `fixtures/models/*`, by name.
pub fn fixture_models() -> Vec<(String, PathBuf)> {
    let mut v = vec![("tiny-model".to_string(), fixture("tiny-model"))];
    let mut models: Vec<_> = std::fs::read_dir(fixture("models"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    models.sort();
    v.extend(models.into_iter().map(|p| {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        (name, p)
    }));
    v
}

/// True when `AIBOM_BLESS=1`: snapshot tests rewrite their committed files instead of comparing.
pub fn blessing() -> bool {
    std::env::var_os("AIBOM_BLESS").is_some_and(|v| v == "1")
}

/// `test_data/` of the sigstore-verify crate (a dependency, pinned by Cargo.lock's checksum), read where
/// cargo unpacked it: real Sigstore bundles are never copied into this repository. Found through
/// `cargo metadata` for the host platform; the crate's source is always present when a test builds,
/// since it is compiled.
pub fn sigstore_verify_test_data() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // Only the host's packages: a build never downloads the crates other platforms need, so an
        // unfiltered `cargo metadata --offline` fails on a registry that holds just what was built.
        let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
        let vv = std::process::Command::new(rustc)
            .arg("-vV")
            .output()
            .expect("run rustc -vV");
        let host = String::from_utf8_lossy(&vv.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
            .expect("rustc -vV names the host triple");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        let out = std::process::Command::new(cargo)
            .args(["metadata", "--format-version", "1", "--offline"])
            .args(["--filter-platform", &host])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("run cargo metadata");
        assert!(
            out.status.success(),
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let meta: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("cargo metadata JSON");
        let manifest = meta["packages"]
            .as_array()
            .expect("packages")
            .iter()
            .find(|p| p["name"] == "sigstore-verify")
            .and_then(|p| p["manifest_path"].as_str())
            .expect("sigstore-verify in the dependency graph");
        let dir = PathBuf::from(manifest)
            .parent()
            .expect("crate dir")
            .join("test_data");
        assert!(dir.is_dir(), "{} missing", dir.display());
        dir
    })
}
