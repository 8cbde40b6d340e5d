//! `aibom audit` and `aibom init` end to end: each test builds its model, policy, keys and bundles in a
//! temp dir and runs the binary through tests/util (clean environment, deadline). Exit codes (0 passed,
//! 1 violated, 2 could not run), the codes in the human and JSON outputs, levels from the policy and
//! from `-A`/`-W`/`-D`, exceptions pinned to a file's SHA-256, every rule family, a BOM compared with the
//! directory and audited alone, a Hugging Face cache, malformed policies named by line and column.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use sha2::Digest;

mod util;
use util::{code, err, out, run};

/// `posix.system('id')` as a protocol-0 pickle.
const EVIL: &[u8] = b"cposix\nsystem\np0\n(S'id'\np1\ntp2\nRp3\n.";

const APACHE_CARD: &str = "---\nlicense: apache-2.0\npipeline_tag: text-classification\n---\n# Tidy\n\nA tidy test model.\n";

fn sha256_hex(b: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(b))
}

/// The binary in `dir`, with a clean environment.
fn aibom(dir: &Path) -> Command {
    let mut c = util::aibom();
    c.current_dir(dir);
    c
}

/// A temp dir holding model `m/` with `files`.
fn model(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    for (p, data) in files {
        util::write(&t.path().join("m"), p, data);
    }
    t
}

fn clean_model() -> tempfile::TempDir {
    model(&[
        ("README.md", APACHE_CARD.as_bytes()),
        ("config.json", b"{\"model_type\": \"bert\"}\n"),
        ("model.safetensors", &safetensors()),
    ])
}

/// A one-tensor safetensors file.
fn safetensors() -> Vec<u8> {
    util::files::safetensors_f32(2)
}

fn audit(dir: &Path, args: &[&str]) -> Output {
    let mut c = aibom(dir);
    c.arg("audit").args(args);
    run(&mut c)
}

/// `audit ... -o json` parsed, with the exit code.
fn audit_json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let mut a = args.to_vec();
    a.extend(["-o", "json"]);
    let o = audit(dir, &a);
    let v: Value = serde_json::from_str(&out(&o))
        .unwrap_or_else(|e| panic!("{e}: stdout {} stderr {}", out(&o), err(&o)));
    (code(&o), v)
}

/// (code, level) of every listed result.
fn results(v: &Value) -> Vec<(String, String)> {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["code"].as_str().unwrap().to_string(),
                r["level"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn has(v: &Value, code: &str, level: &str) -> bool {
    results(v).iter().any(|(c, l)| c == code && l == level)
}

fn policy(dir: &Path, text: &str) {
    fs::write(dir.join("aibom.toml"), format!("version = 1\n{text}")).unwrap();
}

#[test]
fn clean_model_passes_the_builtin_policy_with_exit_0() {
    let t = clean_model();
    let o = audit(t.path(), &["m"]);
    assert_eq!(code(&o), 0, "{}{}", out(&o), err(&o));
    assert!(out(&o).contains("PASSED: 0 denied"), "{}", out(&o));
    assert!(out(&o).contains("built-in default policy"), "{}", out(&o));
}

#[test]
fn dangerous_pickle_fails_with_exit_1_and_levels_follow_the_command_line() {
    let t = model(&[("README.md", APACHE_CARD.as_bytes()), ("model.pkl", EVIL)]);
    let o = audit(t.path(), &["m"]);
    assert_eq!(code(&o), 1, "{}", out(&o));
    assert!(
        out(&o).contains("error[pickle-dangerous-import]") && out(&o).contains("model.pkl"),
        "{}",
        out(&o)
    );
    let (c, v) = audit_json(t.path(), &["m"]);
    assert_eq!(c, 1);
    assert!(has(&v, "pickle-dangerous-import", "deny"), "{v}");
    assert_eq!(v["passed"], false);
    assert_eq!(v["results"][0]["sha256"], sha256_hex(EVIL));
    // -W keeps it reported but passing; -A drops it to a count.
    let (c, v) = audit_json(t.path(), &["m", "-W", "pickle-dangerous-import"]);
    assert_eq!(c, 0, "{v}");
    assert!(has(&v, "pickle-dangerous-import", "warn"));
    let (c, v) = audit_json(t.path(), &["m", "-A", "pickle-dangerous-import"]);
    assert_eq!(c, 0, "{v}");
    assert!(!results(&v)
        .iter()
        .any(|(c, _)| c == "pickle-dangerous-import"));
    assert_eq!(v["summary"]["allow"], 1);
    // The command line wins over [rules].
    policy(
        t.path(),
        "[rules]\n\"pickle-dangerous-import\" = \"warn\"\n",
    );
    let (c, _) = audit_json(t.path(), &["m"]);
    assert_eq!(c, 0);
    let (c, _) = audit_json(t.path(), &["m", "-D", "pickle-dangerous-import"]);
    assert_eq!(c, 1);
}

#[test]
fn fail_on_threshold_decides_which_findings_deny() {
    // No licence: license-missing (low) is a warning by default; deny it by the [licenses] level.
    let t = model(&[
        ("config.json", b"{}\n"),
        ("model.safetensors", &safetensors()),
    ]);
    let (c, v) = audit_json(t.path(), &["m"]);
    assert_eq!(c, 0, "{v}");
    assert!(has(&v, "license-missing", "warn"), "{v}");
    policy(t.path(), "[licenses]\nunknown = \"deny\"\n");
    let (c, v) = audit_json(t.path(), &["m"]);
    assert_eq!(c, 1);
    assert!(has(&v, "license-missing", "deny"));
    // fail-on = low denies the low card-missing finding too.
    policy(t.path(), "[security]\nfail-on = \"low\"\n");
    let (c, v) = audit_json(t.path(), &["m"]);
    assert_eq!(c, 1);
    assert!(has(&v, "card-missing", "deny"), "{v}");
}

#[test]
fn unusable_overrides_are_usage_errors() {
    let t = clean_model();
    let o = audit(t.path(), &["m", "-D", "no-such-code"]);
    assert_eq!(code(&o), 2);
    assert!(
        err(&o).contains("-D no-such-code: unknown code"),
        "{}",
        err(&o)
    );
    let o = audit(t.path(), &["m", "-A", "card-missing", "-D", "card-missing"]);
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("both as allow and as deny"), "{}", err(&o));
}

#[test]
fn malformed_policies_are_named_by_line_and_column_with_exit_2() {
    let t = clean_model();
    for (text, line, col, what) in [
        (
            "version = 1\n[licenses]\nallow = \"MIT\"\n",
            3,
            9,
            "sequence",
        ),
        (
            "version = 1\n\n[security]\nfail-on = \"severe\"\n",
            4,
            11,
            "severe",
        ),
        (
            "version = 1\n[rules]\n\"pickle-evil\" = \"deny\"\n",
            3,
            1,
            "unknown code 'pickle-evil'",
        ),
        (
            "version = 1\n[formats]\ndeny = [\"exe\"]\n",
            3,
            9,
            "unknown format 'exe'",
        ),
        (
            "version = 1\n[signatures]\nrequire-signatures = true\n",
            3,
            1,
            "require-signatures",
        ),
        ("version = 1\n[licenses\n", 2, 10, ""),
    ] {
        fs::write(t.path().join("bad.toml"), text).unwrap();
        let o = audit(t.path(), &["m", "--policy", "bad.toml"]);
        assert_eq!(code(&o), 2, "{text}: {}", err(&o));
        let e = err(&o);
        assert!(
            e.contains(&format!("bad.toml:{line}:{col}: ")) && e.contains(what),
            "{text}: {e}"
        );
    }
    let o = audit(t.path(), &["m", "--policy", "missing.toml"]);
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("missing.toml"), "{}", err(&o));
}

#[test]
fn init_template_round_trips_and_is_not_overwritten_without_force() {
    let t = model(&[("README.md", APACHE_CARD.as_bytes()), ("model.pkl", EVIL)]);
    let o = run(aibom(t.path()).arg("init"));
    assert_eq!(code(&o), 0, "{}", err(&o));
    let written = fs::read_to_string(t.path().join("aibom.toml")).unwrap();
    assert_eq!(written, aibom::policy::TEMPLATE);
    let o = run(aibom(t.path()).arg("init"));
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("--force"), "{}", err(&o));
    fs::write(t.path().join("aibom.toml"), "edited").unwrap();
    let o = run(aibom(t.path()).args(["init", "--force"]));
    assert_eq!(code(&o), 0);
    assert_eq!(
        fs::read_to_string(t.path().join("aibom.toml")).unwrap(),
        written
    );
    // ./aibom.toml is read by default, and the template judges exactly as the built-in policy.
    let (c1, with) = audit_json(t.path(), &["m"]);
    fs::remove_file(t.path().join("aibom.toml")).unwrap();
    let (c2, without) = audit_json(t.path(), &["m"]);
    assert_eq!(c1, c2);
    assert_eq!(with["policy"]["path"], "aibom.toml");
    assert_eq!(
        with["policy"]["sha256"],
        sha256_hex(aibom::policy::TEMPLATE.as_bytes())
    );
    assert_eq!(without["policy"]["path"], Value::Null);
    assert_eq!(with["results"], without["results"]);
}

#[test]
fn exceptions_accept_a_finding_only_while_the_file_keeps_its_hash() {
    let t = model(&[("README.md", APACHE_CARD.as_bytes()), ("model.pkl", EVIL)]);
    policy(
        t.path(),
        &format!(
            "[[security.exceptions]]\npath = \"model.pkl\"\nsha256 = \"{}\"\ncodes = [\"pickle-dangerous-import\"]\nreason = \"reviewed in SEC-1\"\n\n[[security.exceptions]]\npath = \"gone.bin\"\nsha256 = \"{}\"\nreason = \"old\"\n",
            sha256_hex(EVIL),
            "0".repeat(64)
        ),
    );
    let (c, v) = audit_json(t.path(), &["m"]);
    assert_eq!(c, 0, "{v}");
    let r = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "pickle-dangerous-import")
        .unwrap();
    assert_eq!(r["level"], "allow");
    assert_eq!(r["exception"], "reviewed in SEC-1");
    assert_eq!(v["summary"]["excepted"], 1);
    assert!(has(&v, "exception-unused", "warn"), "{v}");
    // The file changes: the exception no longer covers it.
    let mut changed = EVIL.to_vec();
    changed.extend_from_slice(b"\n");
    fs::write(t.path().join("m/model.pkl"), &changed).unwrap();
    let (c, v) = audit_json(t.path(), &["m"]);
    assert_eq!(c, 1, "{v}");
    assert!(has(&v, "pickle-dangerous-import", "deny"));
    assert!(has(&v, "exception-stale", "warn"), "{v}");
    let human = out(&audit(t.path(), &["m"]));
    assert!(human.contains("warning[exception-stale]"), "{human}");
}

#[test]
fn licence_rules_allow_deny_restricted_and_non_commercial() {
    let t = clean_model();
    policy(
        t.path(),
        "[licenses]\nallow = [\"MIT\", \"BSD-3-Clause\"]\n",
    );
    let (c, v) = audit_json(t.path(), &["m"]);
    assert_eq!(c, 1);
    assert!(has(&v, "license-not-allowed", "deny"), "{v}");
    policy(t.path(), "[licenses]\nallow = [\"MIT\", \"apache-2.0\"]\n");
    assert_eq!(audit_json(t.path(), &["m"]).0, 0);
    policy(t.path(), "[licenses]\ndeny = [\"Apache-2.0\"]\n");
    let (c, v) = audit_json(t.path(), &["m"]);
    assert_eq!(c, 1);
    assert!(has(&v, "license-denied", "deny"));
    let llama = model(&[(
        "README.md",
        b"---\nlicense: llama3.1\n---\n# Llama derivative\n",
    )]);
    policy(llama.path(), "[licenses]\ndeny-use-restricted = true\n");
    let (c, v) = audit_json(llama.path(), &["m"]);
    assert_eq!(c, 1, "{v}");
    assert!(has(&v, "license-use-restricted", "deny"), "{v}");
    let nc = model(&[("README.md", b"---\nlicense: cc-by-nc-4.0\n---\n# NC\n")]);
    policy(nc.path(), "[licenses]\ndeny-non-commercial = true\n");
    let (c, v) = audit_json(nc.path(), &["m"]);
    assert_eq!(c, 1, "{v}");
    assert!(has(&v, "license-non-commercial", "deny"), "{v}");
    policy(nc.path(), "");
    assert_eq!(audit_json(nc.path(), &["m"]).0, 0);
}

#[test]
fn format_rules_deny_pickle_and_remote_code() {
    let t = model(&[
        ("README.md", APACHE_CARD.as_bytes()),
        (
            "config.json",
            br#"{"auto_map": {"AutoModel": "modeling_x.XModel"}}"#,
        ),
        ("modeling_x.py", b"import torch\n"),
        ("model.safetensors", &safetensors()),
        ("training_args.bin", b"\x80\x02}q\x00."),
        ("legacy.pkl", b"(dp0\nS'a'\np1\nI1\ns."),
    ]);
    policy(
        t.path(),
        "[formats]\ndeny = [\"pickle\", \"remote-code\"]\n",
    );
    let (c, v) = audit_json(t.path(), &["m"]);
    assert_eq!(c, 1, "{v}");
    let denied: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["code"] == "format-denied")
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    // A protocol-0 pickle sniffs as text: its name still says what it is.
    assert_eq!(
        denied,
        ["legacy.pkl", "modeling_x.py", "training_args.bin"],
        "{v}"
    );
    policy(t.path(), "[formats]\ndeny = [\"gguf\"]\n");
    assert_eq!(audit_json(t.path(), &["m"]).0, 0);
}

#[test]
fn documentation_rules_name_what_is_missing() {
    let t = clean_model();
    policy(
        t.path(),
        "[documentation]\nrequire = [\"intended-uses\", \"task\"]\nmin-completeness = 90\nrequire-training-data = true\n",
    );
    let (c, v) = audit_json(t.path(), &["m"]);
    assert_eq!(c, 1);
    let missing: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["code"] == "documentation-missing")
        .map(|r| r["message"].as_str().unwrap())
        .collect();
    assert_eq!(missing.len(), 1, "{v}");
    assert!(missing[0].contains("intended-uses"), "{}", missing[0]);
    assert!(has(&v, "completeness-below-minimum", "deny"));
    assert!(has(&v, "training-data-missing", "deny"));
}

/// keygen k, sign m (OMS) and attest m (AIBOM) with it.
fn sign_all(dir: &Path) {
    for args in [
        &["keygen", "--output-prefix", "k"][..],
        &["sign", "m", "--key", "k.key"],
        &["attest", "m", "--key", "k.key"],
        &["keygen", "--output-prefix", "other"],
    ] {
        let o = run(aibom(dir).args(args));
        assert_eq!(code(&o), 0, "{args:?}: {}", err(&o));
    }
}

#[test]
fn required_signatures_are_found_next_to_the_model_and_checked_with_trusted_keys() {
    let t = clean_model();
    policy(
        t.path(),
        "[signatures]\nrequire-signature = true\nrequire-attestation = true\n",
    );
    let (c, v) = audit_json(t.path(), &["m"]);
    assert_eq!(c, 1);
    assert!(has(&v, "signature-missing", "deny") && has(&v, "attestation-missing", "deny"));
    sign_all(t.path());
    // Found next to the model (m.sig, m.aibom.sigstore.json); the policy trusts no key yet.
    let o = audit(t.path(), &["m"]);
    assert_eq!(code(&o), 2, "{}", err(&o));
    assert!(err(&o).contains("no verification method"), "{}", err(&o));
    policy(
        t.path(),
        "[signatures]\nrequire-signature = true\nrequire-attestation = true\nkeys = [\"k.pub\"]\n",
    );
    let (c, v) = audit_json(t.path(), &["m"]);
    assert_eq!(c, 0, "{v}");
    let kinds: Vec<&str> = v["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["signature", "attestation"], "{v}");
    assert!(v["signatures"][0]["verified"].as_bool().unwrap());
    // Another key only: untrusted.
    policy(
        t.path(),
        "[signatures]\nrequire-signature = true\nkeys = [\"other.pub\"]\n",
    );
    let (c, v) = audit_json(t.path(), &["m", "--bundle", "m.sig"]);
    assert_eq!(c, 1);
    assert!(has(&v, "signer-untrusted", "deny"), "{v}");
    // The trusted key on the command line; then a file changes after signing.
    let (c, _) = audit_json(t.path(), &["m", "--bundle", "m.sig", "--key", "k.pub"]);
    assert_eq!(c, 0);
    fs::write(
        t.path().join("m/config.json"),
        b"{\"model_type\": \"gpt2\"}\n",
    )
    .unwrap();
    fs::write(t.path().join("m/extra.txt"), b"new").unwrap();
    let (c, v) = audit_json(t.path(), &["m", "--bundle", "m.sig", "--key", "k.pub"]);
    assert_eq!(c, 1);
    assert!(
        has(&v, "file-modified", "deny") && has(&v, "file-extra", "deny"),
        "{v}"
    );
    let modified = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "file-modified")
        .unwrap();
    assert_eq!(modified["path"], "config.json");
    // --ignore-unsigned-files tolerates the extra file, never the modified one.
    let (c, v) = audit_json(
        t.path(),
        &[
            "m",
            "--bundle",
            "m.sig",
            "--key",
            "k.pub",
            "--ignore-unsigned-files",
        ],
    );
    assert_eq!(c, 1);
    assert!(!has(&v, "file-extra", "deny") && has(&v, "file-modified", "deny"));
}

#[test]
fn a_bom_is_compared_with_the_directory_and_audited_alone() {
    let t = model(&[("README.md", APACHE_CARD.as_bytes()), ("model.pkl", EVIL)]);
    let o = run(aibom(t.path()).args(["scan", "m", "-o", "cyclonedx-json=bom.json"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    // Matching directory: only the pickle finding.
    let (c, v) = audit_json(
        t.path(),
        &["m", "--bom", "bom.json", "-A", "pickle-dangerous-import"],
    );
    assert_eq!(c, 0, "{v}");
    fs::write(t.path().join("m/README.md"), "changed").unwrap();
    fs::write(t.path().join("m/new.bin"), "new").unwrap();
    let (c, v) = audit_json(
        t.path(),
        &["m", "--bom", "bom.json", "-A", "pickle-dangerous-import"],
    );
    assert_eq!(c, 1);
    assert!(
        has(&v, "file-modified", "deny") && has(&v, "file-extra", "deny"),
        "{v}"
    );
    // The BOM alone: the findings and licence it records are judged.
    let (c, v) = audit_json(t.path(), &["--bom", "bom.json"]);
    assert_eq!(c, 1, "{v}");
    assert_eq!(v["target"]["kind"], "bom");
    assert!(has(&v, "pickle-dangerous-import", "deny"), "{v}");
    policy(t.path(), "[licenses]\nallow = [\"MIT\"]\n");
    let (_, v) = audit_json(t.path(), &["--bom", "bom.json"]);
    assert!(has(&v, "license-not-allowed", "deny"), "{v}");
    // Not a BOM: exit 2.
    fs::write(t.path().join("x.json"), "{}").unwrap();
    let o = audit(t.path(), &["--bom", "x.json"]);
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("not a CycloneDX BOM"), "{}", err(&o));
}

#[test]
fn a_hugging_face_cache_is_checked_against_the_hub_hashes_then_audited() {
    let t = tempfile::tempdir().unwrap();
    let commit = "0123456789abcdef0123456789abcdef01234567";
    let repo = t.path().join("models--org--m");
    let files: [(&str, &[u8]); 2] = [("README.md", APACHE_CARD.as_bytes()), ("model.pkl", EVIL)];
    for (name, data) in files {
        // Small files are named by their git blob id.
        let mut h = sha1::Sha1::new();
        h.update(format!("blob {}\0", data.len()).as_bytes());
        h.update(data);
        let blob = hex::encode(h.finalize());
        util::write(&repo.join("blobs"), &blob, data);
        let snap = repo.join("snapshots").join(commit);
        fs::create_dir_all(&snap).unwrap();
        symlink(format!("../../blobs/{blob}"), snap.join(name)).unwrap();
    }
    util::write(&repo, "refs/main", commit.as_bytes());
    let (c, v) = audit_json(t.path(), &["--hf-cache", "models--org--m"]);
    assert_eq!(c, 1, "{v}");
    assert_eq!(v["target"]["kind"], "hf-cache");
    assert_eq!(v["target"]["files"], 2);
    assert!(has(&v, "pickle-dangerous-import", "deny"), "{v}");
    assert!(!has(&v, "blob-mismatch", "deny"));
    // A blob whose content no longer matches its name.
    let blob = fs::read_dir(repo.join("blobs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| fs::read(p).unwrap() == APACHE_CARD.as_bytes())
        .unwrap();
    fs::write(&blob, "---\nlicense: mit\n---\n").unwrap();
    let (c, v) = audit_json(
        t.path(),
        &[
            "--hf-cache",
            "models--org--m",
            "-A",
            "pickle-dangerous-import",
        ],
    );
    assert_eq!(c, 1, "{v}");
    assert!(has(&v, "blob-mismatch", "deny"), "{v}");
}

#[test]
fn several_outputs_at_once_are_written_and_identical_runs_give_identical_bytes() {
    let t = model(&[("README.md", APACHE_CARD.as_bytes()), ("model.pkl", EVIL)]);
    let o = audit(
        t.path(),
        &[
            "m",
            "-o",
            "human=h.txt",
            "-o",
            "json=r.json",
            "-o",
            "json=r2.json",
        ],
    );
    assert_eq!(code(&o), 1);
    assert!(out(&o).is_empty());
    assert!(err(&o).contains("audit FAILED: 1 denied"), "{}", err(&o));
    let h = fs::read_to_string(t.path().join("h.txt")).unwrap();
    assert!(
        h.contains("error[pickle-dangerous-import]") && !h.contains('\x1b'),
        "{h}"
    );
    assert_eq!(
        fs::read(t.path().join("r.json")).unwrap(),
        fs::read(t.path().join("r2.json")).unwrap()
    );
    let again = audit(t.path(), &["m", "-o", "json"]);
    assert_eq!(
        out(&again).as_bytes(),
        fs::read(t.path().join("r.json")).unwrap()
    );
    // An output path that cannot be written is found before the model is read.
    let o = audit(t.path(), &["m", "-o", "json=nodir/r.json"]);
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("nodir"), "{}", err(&o));
}

#[test]
fn an_attestation_alone_is_verified_then_the_bom_it_signs_is_audited() {
    let t = model(&[("README.md", APACHE_CARD.as_bytes()), ("model.pkl", EVIL)]);
    sign_all(t.path());
    let (c, v) = audit_json(
        t.path(),
        &["--bundle", "m.aibom.sigstore.json", "--key", "k.pub"],
    );
    assert_eq!(c, 1, "{v}");
    assert_eq!(v["target"]["kind"], "attestation");
    assert!(v["target"]["root_digest"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));
    assert_eq!(v["signatures"][0]["verified"], true);
    assert!(has(&v, "pickle-dangerous-import", "deny"), "{v}");
    // Signed by a key the audit does not trust.
    let (c, v) = audit_json(
        t.path(),
        &["--bundle", "m.aibom.sigstore.json", "--key", "other.pub"],
    );
    assert_eq!(c, 1);
    assert!(has(&v, "signer-untrusted", "deny"), "{v}");
    // An OMS signature carries no BOM.
    let o = audit(t.path(), &["--bundle", "m.sig", "--key", "k.pub"]);
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("not an AIBOM attestation"), "{}", err(&o));
}

#[test]
fn a_single_model_file_is_audited() {
    let t = model(&[("model.pkl", EVIL)]);
    let (c, v) = audit_json(t.path(), &["m/model.pkl"]);
    assert_eq!(c, 1, "{v}");
    assert_eq!(v["target"]["kind"], "file");
    assert_eq!(v["target"]["files"], 1);
    assert!(has(&v, "pickle-dangerous-import", "deny"), "{v}");
}

#[test]
fn openness_rules_judge_the_assessment_of_the_files() {
    let t = clean_model();
    policy(
        t.path(),
        "[openness]\nmin-mof-class = \"III\"\nrequire-osaid = [\"parameters\", \"freedom.use\", \"code.training\"]\n",
    );
    let (c, v) = audit_json(t.path(), &["m"]);
    assert_eq!(c, 1, "{v}");
    assert!(has(&v, "mof-class-below-minimum", "deny"), "{v}");
    let unmet: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["code"] == "osaid-element-unmet")
        .map(|r| r["message"].as_str().unwrap())
        .collect();
    assert_eq!(unmet.len(), 1, "{v}");
    assert!(unmet[0].contains("code.training"), "{}", unmet[0]);
    // A 1.6 BOM records the assessment: the same judgement without the files.
    let o = run(aibom(t.path()).args(["scan", "m", "-o", "cyclonedx-json=bom.json"]));
    assert_eq!(code(&o), 0);
    let (c, from_bom) = audit_json(t.path(), &["--bom", "bom.json"]);
    assert_eq!(c, 1);
    assert!(!has(&from_bom, "openness-unassessed", "deny"), "{from_bom}");
    let openness = |v: &Value| -> Vec<Value> {
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["category"] == "openness")
            .cloned()
            .collect()
    };
    assert_eq!(openness(&from_bom), openness(&v));
    // A 1.5 BOM has no room for it: nothing to assess.
    let o = run(aibom(t.path()).args(["scan", "m", "-o", "cyclonedx-json@1.5=bom15.json"]));
    assert_eq!(code(&o), 0);
    let (c, v) = audit_json(t.path(), &["--bom", "bom15.json"]);
    assert_eq!(c, 1);
    assert!(has(&v, "openness-unassessed", "deny"), "{v}");
    // Unknown values are named by line.
    fs::write(
        t.path().join("bad.toml"),
        "version = 1\n[openness]\nmin-mof-class = \"IV\"\n",
    )
    .unwrap();
    let o = audit(t.path(), &["m", "--policy", "bad.toml"]);
    assert_eq!(code(&o), 2);
    assert!(
        err(&o).contains("bad.toml:3:17: min-mof-class 'IV'"),
        "{}",
        err(&o)
    );
    fs::write(
        t.path().join("bad.toml"),
        "version = 1\n[openness]\nrequire-osaid = [\"code.magic\"]\n",
    )
    .unwrap();
    let o = audit(t.path(), &["m", "--policy", "bad.toml"]);
    assert_eq!(code(&o), 2);
    assert!(
        err(&o).contains("unknown OSAID element 'code.magic'"),
        "{}",
        err(&o)
    );
}
