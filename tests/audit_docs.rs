//! What the audit's documentation promises holds for the binary: the two example policies of
//! examples/policies/ parse and judge generated models as their comments say (exit codes and the codes
//! denied), `aibom init` writes exactly the template and replaces an existing file only with `--force`,
//! ./aibom.toml is found without `--policy`, the policy reference of docs/audit.md names every key of the
//! template, and the same audit gives the same report bytes.

mod util;

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Output;

use aibom::policy::{Level, Policy, Threshold, TEMPLATE};
use serde_json::Value;
use sha1::Digest as _;
use util::{aibom, code, err, out, run, write};

fn repo_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Run aibom in `dir` (never the repository root, whose files must not be picked up).
fn aibom_in(dir: &Path, args: &[&str]) -> Output {
    run(aibom().current_dir(dir).args(args))
}

/// Run aibom in `dir` and require exit 0.
fn ok(dir: &Path, args: &[&str]) {
    let o = aibom_in(dir, args);
    assert_eq!(code(&o), 0, "aibom {args:?}: {}", err(&o));
}

/// Copy the directory tree `from` to `to`.
fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), target).unwrap();
        }
    }
}

/// `aibom audit ARGS -o json` in `dir`: the exit code and the report.
fn audit(dir: &Path, args: &[&str]) -> (i32, Value) {
    let o = run(aibom()
        .current_dir(dir)
        .arg("audit")
        .args(args)
        .args(["-o", "json"]));
    let c = code(&o);
    let doc: Value = serde_json::from_str(&out(&o))
        .unwrap_or_else(|e| panic!("audit {args:?} (exit {c}): {e}\n{}", err(&o)));
    (c, doc)
}

/// (code, path) of every denied result.
fn denied(doc: &Value) -> BTreeSet<(String, Option<String>)> {
    results(doc, "deny")
}

fn results(doc: &Value, level: &str) -> BTreeSet<(String, Option<String>)> {
    doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["level"] == level)
        .map(|r| {
            (
                r["code"].as_str().unwrap().to_string(),
                r["path"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn set(items: &[(&str, Option<&str>)]) -> BTreeSet<(String, Option<String>)> {
    items
        .iter()
        .map(|(c, p)| (c.to_string(), p.map(str::to_string)))
        .collect()
}

// ---- the example policies ----

#[test]
fn example_policies_parse_as_documented() {
    let dir = repo_file("examples/policies");
    let release = Policy::read(&dir.join("release-gate.toml")).unwrap();
    assert_eq!(release.security.fail_on, Threshold::Medium);
    assert!(release.signatures.require_signature && release.signatures.require_attestation);
    assert_eq!(release.signatures.keys, [dir.join("keys/release.pub")]);
    assert_eq!(release.licenses.unknown, Level::Deny);
    assert!(release.licenses.deny_use_restricted && release.licenses.deny_non_commercial);
    assert!(release.licenses.allow.contains(&"Apache-2.0".to_string()));
    for f in ["pickle", "torchscript", "remote-code"] {
        assert!(release.formats.deny.contains(&f.to_string()), "{f}");
    }
    assert!(release.documentation.min_completeness > 0);
    assert!(release.documentation.require_training_data);

    let intake_path = dir.join("intake.toml");
    let intake = Policy::read(&intake_path).unwrap();
    assert_eq!(intake.security.fail_on, Threshold::High);
    assert!(intake.licenses.deny_non_commercial);
    assert_eq!(intake.licenses.unknown, Level::Deny);
    for f in ["pickle", "remote-code"] {
        assert!(intake.formats.deny.contains(&f.to_string()), "{f}");
    }
    assert!(!intake.signatures.require_signature);
    assert!(intake.signatures.identities.is_empty());

    // The keyless signer shown commented in [signatures] is valid once uncommented.
    let text = fs::read_to_string(&intake_path).unwrap();
    let mut in_signatures = false;
    let uncommented: String = text
        .lines()
        .map(|l| {
            if l.starts_with('[') {
                in_signatures = l == "[signatures]";
            }
            match l.strip_prefix("# ") {
                Some(rest) if in_signatures && (rest.starts_with("[[") || rest.contains(" = ")) => {
                    rest.to_string()
                }
                _ => l.to_string(),
            }
        })
        .map(|l| l + "\n")
        .collect();
    assert_ne!(uncommented, text, "intake.toml shows no commented signer");
    let p = Policy::parse(&uncommented, &dir).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(p.signatures.require_signature);
    assert_eq!(p.signatures.identities.len(), 1);
}

/// A temp dir holding `release-gate.toml` as committed, the key pair its `keys` names
/// (`keys/release.pub`) and `model/`, a copy of the fixture with a full model card.
fn release_setup() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    fs::copy(
        repo_file("examples/policies/release-gate.toml"),
        p.join("release-gate.toml"),
    )
    .unwrap();
    fs::create_dir(p.join("keys")).unwrap();
    ok(p, &["keygen", "--output-prefix", "keys/release"]);
    ok(p, &["keygen", "--output-prefix", "other"]);
    copy_dir(&repo_file("fixtures/models/full-card"), &p.join("model"));
    t
}

fn sign_and_attest(p: &Path, key: &str) {
    ok(p, &["sign", "model", "--key", key, "--force"]);
    ok(p, &["attest", "model", "--key", key, "--force"]);
}

#[test]
fn release_gate_passes_a_signed_documented_model_and_nothing_less() {
    let t = release_setup();
    let p = t.path();
    let gate = ["model", "--policy", "release-gate.toml"];

    // Unsigned: both bundles are required.
    let (c, doc) = audit(p, &gate);
    assert_eq!(c, 1);
    assert_eq!(
        denied(&doc),
        set(&[("attestation-missing", None), ("signature-missing", None)])
    );

    // Signed and attested with the release key: found next to the model, verified, passed; the
    // same audit gives the same bytes.
    sign_and_attest(p, "keys/release.key");
    let (c, doc) = audit(p, &gate);
    assert_eq!(c, 0, "{doc:#}");
    assert_eq!(doc["passed"], true);
    assert_eq!(doc["summary"]["deny"], 0);
    let sigs = doc["signatures"].as_array().unwrap();
    let kinds: Vec<(&str, &str, bool)> = sigs
        .iter()
        .map(|s| {
            (
                s["bundle"].as_str().unwrap(),
                s["kind"].as_str().unwrap(),
                s["verified"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("model.sig", "signature", true),
            ("model.aibom.sigstore.json", "attestation", true)
        ]
    );
    let twice = |args: &[&str]| {
        let o = aibom_in(p, &[&["audit"], args, &["-o", "json"]].concat());
        o.stdout
    };
    assert_eq!(twice(&gate), twice(&gate));

    // A pickle, even signed: denied by [formats].
    write(&p.join("model"), "extra.pkl", b"\x80\x02}q\x00.");
    sign_and_attest(p, "keys/release.key");
    let (c, doc) = audit(p, &gate);
    assert_eq!(c, 1);
    assert_eq!(denied(&doc), set(&[("format-denied", Some("extra.pkl"))]));
    fs::remove_file(p.join("model/extra.pkl")).unwrap();

    // Signed with a key the policy does not trust.
    sign_and_attest(p, "other.key");
    let (c, doc) = audit(p, &gate);
    assert_eq!(c, 1);
    assert_eq!(denied(&doc), set(&[("signer-untrusted", None)]));
    assert_eq!(doc["summary"]["deny"], 2, "one per bundle");

    // Signed, then changed.
    sign_and_attest(p, "keys/release.key");
    write(
        &p.join("model"),
        "config.json",
        b"{\"model_type\": \"llama\"}\n",
    );
    let (c, doc) = audit(p, &gate);
    assert_eq!(c, 1);
    assert_eq!(denied(&doc), set(&[("file-modified", Some("config.json"))]));
}

// ---- intake ----

/// A small downloaded model: config, safetensors weights and a card with `license` (none when empty).
fn download(root: &Path, license: &str) {
    let header = br#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#;
    let mut st = (header.len() as u64).to_le_bytes().to_vec();
    st.extend_from_slice(header);
    st.extend_from_slice(&[0u8; 8]);
    write(root, "model.safetensors", &st);
    write(root, "config.json", b"{\"model_type\": \"bert\"}\n");
    let front = if license.is_empty() {
        String::new()
    } else {
        format!("---\nlicense: {license}\n---\n")
    };
    write(
        root,
        "README.md",
        format!("{front}# Tiny\n\nA tiny model.\n").as_bytes(),
    );
}

#[test]
fn intake_accepts_a_clean_download_and_refuses_the_rest() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    fs::copy(
        repo_file("examples/policies/intake.toml"),
        p.join("intake.toml"),
    )
    .unwrap();
    let intake = ["m", "--policy", "intake.toml"];
    let fresh = |license: &str| {
        let _ = fs::remove_dir_all(p.join("m"));
        download(&p.join("m"), license);
    };

    // Apache-2.0, safetensors: passes; the documentation it lacks is only warned ([rules]).
    fresh("apache-2.0");
    let (c, doc) = audit(p, &intake);
    assert_eq!(c, 0, "{doc:#}");
    assert!(denied(&doc).is_empty());
    let warned: Vec<_> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["code"] == "documentation-missing")
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(warned, ["warn", "warn"]);

    for (license, code) in [
        ("cc-by-nc-4.0", "license-non-commercial"),
        ("agpl-3.0", "license-denied"),
        ("", "license-missing"),
    ] {
        fresh(license);
        let (c, doc) = audit(p, &intake);
        assert_eq!(c, 1, "{license}");
        assert_eq!(denied(&doc), set(&[(code, None)]), "{license}");
    }

    // A pickle checkpoint, and Python files config.json makes transformers run.
    fresh("apache-2.0");
    write(&p.join("m"), "pytorch_model.pkl", b"\x80\x02}q\x00.");
    let (c, doc) = audit(p, &intake);
    assert_eq!(c, 1);
    assert_eq!(
        denied(&doc),
        set(&[("format-denied", Some("pytorch_model.pkl"))])
    );
    fresh("apache-2.0");
    write(
        &p.join("m"),
        "config.json",
        b"{\"model_type\": \"x\", \"auto_map\": {\"AutoModel\": \"modeling_x.M\"}}\n",
    );
    write(&p.join("m"), "modeling_x.py", b"class M:\n    pass\n");
    let (c, doc) = audit(p, &intake);
    assert_eq!(c, 1);
    assert_eq!(
        denied(&doc),
        set(&[("format-denied", Some("modeling_x.py"))])
    );
    assert!(
        results(&doc, "warn").contains(&("remote-code".to_string(), Some("modeling_x.py".into())))
    );
}

fn git_blob(data: &[u8]) -> String {
    let mut h = sha1::Sha1::new();
    h.update(format!("blob {}\0", data.len()).as_bytes());
    h.update(data);
    hex::encode(h.finalize())
}

/// The intake of a Hugging Face cache repository: every file against its blob name, then the snapshot.
#[test]
fn intake_of_a_hugging_face_cache_checks_what_the_hub_served() {
    const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    fs::copy(
        repo_file("examples/policies/intake.toml"),
        p.join("intake.toml"),
    )
    .unwrap();
    let src = p.join("src");
    download(&src, "mit");
    let repo = p.join("models--acme--tiny");
    let snapshot = repo.join("snapshots").join(COMMIT);
    fs::create_dir_all(&snapshot).unwrap();
    let mut blobs = Vec::new();
    for name in ["config.json", "model.safetensors", "README.md"] {
        let data = fs::read(src.join(name)).unwrap();
        let blob = git_blob(&data);
        write(&repo.join("blobs"), &blob, &data);
        symlink(format!("../../blobs/{blob}"), snapshot.join(name)).unwrap();
        blobs.push(blob);
    }
    write(&repo, "refs/main", COMMIT.as_bytes());
    let args = [
        "--hf-cache",
        "models--acme--tiny",
        "--policy",
        "intake.toml",
    ];
    let (c, doc) = audit(p, &args);
    assert_eq!(c, 0, "{doc:#}");
    assert_eq!(doc["target"]["kind"], "hf-cache");
    assert_eq!(doc["target"]["files"], 3);

    // A blob that is not what the Hub served under its name.
    fs::write(
        repo.join("blobs").join(&blobs[0]),
        b"{\"model_type\": \"evil\"}\n",
    )
    .unwrap();
    let (c, doc) = audit(p, &args);
    assert_eq!(c, 1);
    assert_eq!(denied(&doc), set(&[("blob-mismatch", None)]));
}

// ---- aibom init and policy discovery ----

#[test]
fn init_writes_the_template_and_replaces_a_file_only_with_force() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    let o = aibom_in(p, &["init", "-"]);
    assert_eq!(code(&o), 0);
    assert_eq!(out(&o), TEMPLATE);

    ok(p, &["init"]);
    let written = p.join("aibom.toml");
    assert_eq!(fs::read_to_string(&written).unwrap(), TEMPLATE);
    ok(p, &["init", "policies.toml"]);
    assert_eq!(
        fs::read_to_string(p.join("policies.toml")).unwrap(),
        TEMPLATE
    );

    let mine = "version = 1\n[security]\nfail-on = \"low\"\n";
    fs::write(&written, mine).unwrap();
    let o = aibom_in(p, &["init"]);
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("already exists"), "{}", err(&o));
    assert!(err(&o).contains("--force"), "{}", err(&o));
    assert_eq!(fs::read_to_string(&written).unwrap(), mine);

    // Without --policy, the audit reads ./aibom.toml.
    download(&p.join("m"), "mit");
    let (_, doc) = audit(p, &["m"]);
    assert_eq!(doc["policy"]["path"], "aibom.toml");
    assert_eq!(doc["policy"]["fail_on"], "low");

    ok(p, &["init", "--force"]);
    assert_eq!(fs::read_to_string(&written).unwrap(), TEMPLATE);
    let (_, doc) = audit(p, &["m"]);
    assert_eq!(doc["policy"]["fail_on"], "high");
}

// ---- the policy reference ----

/// (table, key) of every key the template shows, set or commented; keys of an array of tables
/// (`[[signatures.identities]]`) belong to their parent table, top-level keys to "".
fn template_keys() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let mut table = String::new();
    for line in TEMPLATE.lines() {
        let l = line.strip_prefix("# ").unwrap_or(line);
        if let Some(name) = l.strip_prefix("[[").and_then(|r| r.split_once("]]")) {
            table = name.0.split('.').next().unwrap().to_string();
            continue;
        }
        if let Some(name) = l.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            table = name.to_string();
            continue;
        }
        if table == "rules" {
            continue;
        }
        // `key = value`, and the alternative a trailing comment names (`# or key = value`).
        let mut candidates = vec![l];
        if let Some((_, alt)) = l.split_once("# or ") {
            candidates.push(alt);
        }
        for c in candidates {
            if let Some((key, _)) = c.split_once(" = ") {
                if !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
                    out.insert((table.clone(), key.to_string()));
                }
            }
        }
    }
    out
}

#[test]
fn policy_reference_names_every_key_of_the_template() {
    let doc = fs::read_to_string(repo_file("docs/audit.md")).unwrap();
    let start = doc
        .find("\n### Policy file reference\n")
        .expect("docs/audit.md has a '### Policy file reference' section");
    let reference = &doc[start..];
    let reference = &reference[..reference[1..]
        .find("\n## ")
        .map_or(reference.len(), |i| i + 1)];
    let section = |table: &str| -> &str {
        if table.is_empty() {
            return &reference[..reference.find("\n#### ").unwrap()];
        }
        let head = format!("\n#### [{table}]\n");
        let s = reference
            .find(&head)
            .unwrap_or_else(|| panic!("the policy reference has no '#### [{table}]' section"));
        let rest = &reference[s + head.len()..];
        &rest[..rest.find("\n#### ").unwrap_or(rest.len())]
    };
    let keys = template_keys();
    assert!(keys.len() > 20, "{keys:?}");
    for (table, key) in keys {
        assert!(
            section(&table).contains(&format!("| `{key}` |")),
            "docs/audit.md's policy reference does not list `{key}` of [{table}]"
        );
    }
}
