//! The JSON Schemas in schemas/ document what users parse — the inventory (`scan -o json`), the
//! verification report (`verify -o json`), the Hugging Face cache report (`verify --hf-cache -o json`)
//! and the audit report (`audit -o json`); each must be exactly what the code's types generate, and the
//! binary's real outputs must validate against the committed files. Every finding code is documented as
//! the finding registry (`src/finding.rs`) registers it, every problem code is documented, every code an
//! audit knows (`aibom::audit::rules::all()`) is documented in docs/audit.md, and problem codes, once
//! released, keep their names. Regenerate the schemas with
//! `AIBOM_UPDATE_SCHEMAS=1 cargo test --test schema`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use aibom::attest::ProblemCode;
use aibom::finding::{self, Producer, Severity};
use aibom::hfcache::CacheProblemCode;
use serde_json::Value;
use sha2::Digest as _;

fn repo_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The committed schema at `rel` must equal `generated` (rewritten first with AIBOM_UPDATE_SCHEMAS set).
fn check_committed(rel: &str, generated: &str) {
    let path = repo_file(rel);
    if std::env::var_os("AIBOM_UPDATE_SCHEMAS").is_some() {
        fs::write(&path, generated).unwrap();
    }
    let committed = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{rel} is out of date; run AIBOM_UPDATE_SCHEMAS=1 cargo test --test schema"
    );
}

#[test]
fn committed_inventory_schema_matches_the_types() {
    check_committed(
        "schemas/inventory.schema.json",
        &aibom::inventory::json_schema(),
    );
}

#[test]
fn committed_verify_report_schema_matches_the_types() {
    check_committed(
        "schemas/verify-report.schema.json",
        &aibom::attest::verify::json_schema(),
    );
}

#[test]
fn committed_hf_cache_report_schema_matches_the_types() {
    check_committed(
        "schemas/hf-cache-report.schema.json",
        &aibom::hfcache::json_schema(),
    );
}

#[test]
fn committed_audit_report_schema_matches_the_types() {
    check_committed(
        "schemas/audit-report.schema.json",
        &aibom::audit::json_schema(),
    );
}

/// The codes a findings page defines, each with the severity it states there when it states one: a
/// table row whose first cell is a code (`| `code` | low | ...`: the severity when the second cell is
/// one), or a list item that starts with a code (`- `code` (high; ...): ...`).
fn documented_codes(doc: &str) -> BTreeMap<String, Option<String>> {
    let severity = |word: &str| {
        let word = word.trim();
        Severity::ALL
            .iter()
            .any(|s| s.as_str() == word)
            .then(|| word.to_string())
    };
    let mut out = BTreeMap::new();
    for line in doc.lines() {
        let (code, stated) = if let Some(row) = line.strip_prefix("| `") {
            let Some((code, rest)) = row.split_once("` |") else {
                continue;
            };
            (code, rest.split('|').next().and_then(severity))
        } else if let Some(item) = line.strip_prefix("- `") {
            let Some((code, rest)) = item.split_once('`') else {
                continue;
            };
            let stated = rest
                .strip_prefix(" (")
                .and_then(|r| r.split([';', ')']).next())
                .and_then(severity);
            (code, stated)
        } else {
            continue;
        };
        assert!(
            out.insert(code.to_string(), stated).is_none(),
            "{code} is defined twice"
        );
    }
    out
}

/// The one finding registry (`src/finding.rs`) and the two findings pages agree: every registered code is
/// documented in its producer's page, every code a page defines is registered for that page, and where a
/// page states a code's severity it is the registry's default.
#[test]
fn findings_docs_match_the_registry() {
    let pages = [
        (
            "docs/findings.md",
            &[Producer::Analysis, Producer::Format][..],
        ),
        ("docs/security-findings.md", &[Producer::Security][..]),
    ];
    for (page, producers) in pages {
        let documented = documented_codes(&fs::read_to_string(repo_file(page)).unwrap());
        for c in finding::CODES
            .iter()
            .filter(|c| producers.contains(&c.producer))
        {
            let stated = documented
                .get(c.code)
                .unwrap_or_else(|| panic!("{page} does not document {}", c.code));
            if let Some(s) = stated {
                assert_eq!(
                    s,
                    c.severity.as_str(),
                    "{page} states another severity for {} than src/finding.rs",
                    c.code
                );
            }
        }
        for code in documented.keys() {
            let c = finding::lookup(code).unwrap_or_else(|| {
                panic!("{page} documents {code}, which src/finding.rs does not register")
            });
            assert!(
                producers.contains(&c.producer),
                "{code} is a {} code but documented in {page}",
                c.producer.as_str()
            );
        }
    }
}

/// The codes docs/audit.md documents, each with the category and the default severity it states there:
/// a code is a `### `code`` heading inside a `## ` section whose heading names a category in backticks
/// (`## Licences (`license`)`), and the first line of text under the heading starts with the default
/// severity in bold (`**high**`).
fn audit_doc_codes(doc: &str) -> BTreeMap<String, (Option<String>, Option<String>)> {
    let categories: Vec<&str> = aibom::audit::Category::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    let mut out = BTreeMap::new();
    let mut category: Option<String> = None;
    let mut pending: Option<String> = None;
    for line in doc.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            category = categories
                .iter()
                .find(|c| h.contains(&format!("(`{c}`)")))
                .map(|c| c.to_string());
            pending = None;
        } else if let Some(code) = line.strip_prefix("### `").and_then(|h| h.strip_suffix('`')) {
            assert!(
                category.is_some(),
                "docs/audit.md: `{code}` is not under a category section"
            );
            assert!(
                out.insert(code.to_string(), (category.clone(), None))
                    .is_none(),
                "docs/audit.md documents {code} twice"
            );
            pending = Some(code.to_string());
        } else if line.starts_with('#') {
            pending = None;
        } else if !line.trim().is_empty() {
            if let Some(code) = pending.take() {
                let stated = line
                    .strip_prefix("**")
                    .and_then(|r| r.split_once("**"))
                    .map(|(s, _)| s.to_string());
                out.get_mut(&code).unwrap().1 = stated;
            }
        }
    }
    out
}

/// docs/audit.md documents every code an audit knows (`aibom::audit::rules::all()`: the audit's rules,
/// the finding codes, the verification and Hugging Face cache problem codes) under its category with its
/// default severity, and documents no code the audit does not know (the policy file and `-A`/`-W`/`-D`
/// refuse those).
#[test]
fn audit_docs_match_the_rules() {
    let doc = fs::read_to_string(repo_file("docs/audit.md")).unwrap();
    let documented = audit_doc_codes(&doc);
    for c in aibom::audit::rules::all() {
        let (category, severity) = documented
            .get(c.code)
            .unwrap_or_else(|| panic!("docs/audit.md has no `### `{}`` heading", c.code));
        assert_eq!(
            category.as_deref(),
            Some(c.category.as_str()),
            "docs/audit.md documents {} under another category than src/audit/rules.rs gives it",
            c.code
        );
        assert_eq!(
            severity.as_deref(),
            Some(c.severity.as_str()),
            "docs/audit.md must state the default severity of {} as **{}**",
            c.code,
            c.severity.as_str()
        );
    }
    for code in documented.keys() {
        assert!(
            aibom::audit::rules::lookup(code).is_some(),
            "docs/audit.md documents {code}, which aibom::audit::rules does not know"
        );
    }
}

/// Every value the generated schema allows for the enum `$defs/<name>` (schemars writes a unit enum
/// with documented variants as `oneOf` of `const`s).
fn enum_values(schema: &str, name: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(schema).unwrap();
    let def = &v["$defs"][name];
    let mut out: Vec<String> = def["enum"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(
            def["oneOf"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|alt| {
                    alt["enum"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .chain([&alt["const"]])
                }),
        )
        .filter_map(|c| c.as_str().map(str::to_string))
        .collect();
    out.sort();
    out.dedup();
    assert!(!out.is_empty(), "no values found for {name}");
    out
}

fn verify_codes() -> Vec<String> {
    enum_values(&aibom::attest::verify::json_schema(), "ProblemCode")
}

fn cache_codes() -> Vec<String> {
    enum_values(&aibom::hfcache::json_schema(), "CacheProblemCode")
}

/// The `## heading` section of `doc` (up to the next `## `).
fn section<'a>(doc: &'a str, heading: &str) -> &'a str {
    let start = doc
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("docs/verify-problems.md has no '## {heading}' section"));
    let rest = &doc[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    &rest[..end]
}

#[test]
fn every_problem_code_is_documented() {
    let doc = fs::read_to_string(repo_file("docs/verify-problems.md")).unwrap();
    for (heading, codes) in [
        ("Signatures and models", verify_codes()),
        ("Hugging Face downloads", cache_codes()),
    ] {
        let text = section(&doc, heading);
        for code in codes {
            assert!(
                text.contains(&format!("| `{code}` |")),
                "docs/verify-problems.md does not document {code} in its table '{heading}'"
            );
        }
    }
}

#[test]
fn problem_codes_are_the_json_names_of_their_variants() {
    for code in verify_codes() {
        let parsed: ProblemCode = serde_json::from_value(Value::from(code.as_str())).unwrap();
        assert_eq!(parsed.as_str(), code);
        assert_eq!(parsed.to_string(), code);
    }
    for code in cache_codes() {
        let parsed: CacheProblemCode = serde_json::from_value(Value::from(code.as_str())).unwrap();
        assert_eq!(parsed.as_str(), code);
    }
}

/// Codes scripts may match on: once released, a code keeps its name (new codes are added to this list).
#[test]
fn problem_codes_are_never_renamed() {
    const VERIFY: &[&str] = &[
        "signature-invalid",
        "key-mismatch",
        "certificate-untrusted",
        "certificate-expired",
        "certificate-not-yet-valid",
        "certificate-usage",
        "identity-mismatch",
        "issuer-mismatch",
        "tlog-invalid",
        "tlog-missing",
        "timestamp-invalid",
        "artifact-mismatch",
        "bundle-invalid",
        "verification-incomplete",
        "payload-type-unsupported",
        "statement-malformed",
        "statement-unsupported",
        "statement-inconsistent",
        "digest-mismatch",
        "subject-mismatch",
        "target-mismatch",
        "file-name-mismatch",
        "file-not-signed",
        "file-modified",
        "file-missing",
        "file-extra",
    ];
    const CACHE: &[&str] = &[
        "blob-mismatch",
        "link-dangling",
        "link-outside-blobs",
        "partial-download",
        "file-missing",
        "file-unverifiable",
        "ref-missing-snapshot",
        "ref-malformed",
        "dir-missing",
        "not-a-directory",
        "unreadable",
    ];
    let (verify, cache) = (verify_codes(), cache_codes());
    for c in VERIFY {
        assert!(
            verify.iter().any(|v| v == c),
            "verify code {c} was renamed or removed"
        );
    }
    for c in CACHE {
        assert!(
            cache.iter().any(|v| v == c),
            "hf-cache code {c} was renamed or removed"
        );
    }
    // A new code must be listed above too, so that removing it later fails here.
    assert_eq!(verify.len(), VERIFY.len(), "list new verify codes above");
    assert_eq!(cache.len(), CACHE.len(), "list new hf-cache codes above");
}

// ---- real outputs against the committed schemas ----

/// A validator for the committed schema `schemas/<name>`.
fn validator(name: &str) -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(&fs::read_to_string(repo_file(&format!("schemas/{name}"))).unwrap())
            .unwrap();
    jsonschema::draft202012::new(&schema)
        .expect("the committed schema is a valid Draft 2020-12 schema")
}

/// Parse `o`'s stdout as JSON and validate it; the parsed document.
fn validated(v: &jsonschema::Validator, case: &str, o: &Output) -> Value {
    let text = String::from_utf8_lossy(&o.stdout);
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{case}: {e}: {text}"));
    let errors: Vec<String> = v
        .iter_errors(&doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{case}: {errors:#?}\n{text}");
    doc
}

fn aibom(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_aibom"));
    c.current_dir(dir).env_remove("AIBOM_KEY_PASSWORD");
    c
}

fn run(c: &mut Command) -> Output {
    c.output().expect("run aibom")
}

fn codes(doc: &Value) -> Vec<(&str, Option<&str>)> {
    doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["code"].as_str().unwrap(), p["path"].as_str()))
        .collect()
}

#[test]
fn verify_reports_validate_against_the_committed_schema() {
    let v = validator("verify-report.schema.json");
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    let m = p.join("m");
    fs::create_dir_all(m.join("sub")).unwrap();
    fs::write(m.join("config.json"), b"{\"a\": 1}\n").unwrap();
    fs::write(m.join("model.bin"), vec![7u8; 5000]).unwrap();
    fs::write(m.join("sub/tok.txt"), b"tokens").unwrap();
    for prefix in ["k", "other"] {
        let o = run(aibom(p).args(["keygen", "--output-prefix", prefix]));
        assert_eq!(o.status.code(), Some(0));
    }
    let o = run(aibom(p).args(["sign", "m", "--key", "k.key"]));
    assert_eq!(o.status.code(), Some(0));
    let verify = |target: &str, key: &str, extra: &[&str]| {
        run(aibom(p)
            .args([
                "verify", target, "--bundle", "m.sig", "--key", key, "-o", "json",
            ])
            .args(extra))
    };

    // Good.
    let o = verify("m", "k.pub", &[]);
    assert_eq!(o.status.code(), Some(0));
    let doc = validated(&v, "good", &o);
    assert_eq!(doc["schema"], "aibom-verify-report/1");
    assert_eq!(doc["verified"], true);
    assert_eq!(doc["problems"], Value::Array(Vec::new()));

    // Wrong key: the bundle's key hint names the signing key.
    let o = verify("m", "other.pub", &[]);
    assert_eq!(o.status.code(), Some(1));
    let doc = validated(&v, "wrong key", &o);
    assert_eq!(doc["verified"], false);
    assert_eq!(codes(&doc), [("key-mismatch", None)]);
    assert!(doc["problems"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("m.sig: key mismatch"));

    // A digest that is not the signed one.
    let zero = format!("sha256:{}", "0".repeat(64));
    let o = verify(&zero, "k.pub", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        codes(&validated(&v, "wrong digest", &o)),
        [("digest-mismatch", None)]
    );

    // Tampered: one file modified, one deleted, one added.
    let mut b = fs::read(m.join("model.bin")).unwrap();
    b[100] ^= 1;
    fs::write(m.join("model.bin"), &b).unwrap();
    fs::remove_file(m.join("config.json")).unwrap();
    fs::write(m.join("notes.md"), b"x").unwrap();
    let o = verify("m", "k.pub", &[]);
    assert_eq!(o.status.code(), Some(1));
    let doc = validated(&v, "tampered", &o);
    assert_eq!(
        codes(&doc),
        [
            ("file-modified", Some("model.bin")),
            ("file-missing", Some("config.json")),
            ("file-extra", Some("notes.md")),
        ]
    );
    assert_eq!(doc["modified"][0]["name"], "model.bin");
    assert_eq!(doc["missing"], serde_json::json!(["config.json"]));
    assert_eq!(doc["extra"], serde_json::json!(["notes.md"]));
    // Tolerated extra files stay listed but are no problem.
    let o = verify("m", "k.pub", &["--ignore-unsigned-files"]);
    let doc = validated(&v, "tampered, unsigned files ignored", &o);
    assert_eq!(doc["unsigned_files_ignored"], true);
    assert_eq!(doc["extra"], serde_json::json!(["notes.md"]));
    assert_eq!(
        codes(&doc),
        [
            ("file-modified", Some("model.bin")),
            ("file-missing", Some("config.json")),
        ]
    );
    // The text report names the files as before, with no `problem:` line for them.
    let o = run(aibom(p).args(["verify", "m", "--bundle", "m.sig", "--key", "k.pub"]));
    let text = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.split(" (").next().unwrap())
        .collect();
    assert_eq!(
        lines,
        [
            "NOT VERIFIED: m",
            "modified: model.bin",
            "missing: config.json",
            "extra: notes.md"
        ],
        "{text}"
    );
}

// ---- Hugging Face cache reports ----

const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

fn write(p: &Path, data: &[u8]) {
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, data).unwrap();
}

/// A cache repository with one LFS file (`w.bin`) and one small file (`config.json`) in snapshot
/// `COMMIT`, and `refs/main`.
fn cache_repo(cache: &Path, name: &str) -> PathBuf {
    let repo = cache.join(name);
    let lfs = vec![3u8; 4096];
    let small = b"{\"model_type\": \"bert\"}".to_vec();
    let lfs_blob = hex::encode(sha2::Sha256::digest(&lfs));
    let mut h = sha1::Sha1::new();
    h.update(format!("blob {}\0", small.len()).as_bytes());
    h.update(&small);
    let small_blob = hex::encode(h.finalize());
    for (path, blob, data) in [
        ("w.bin", &lfs_blob, &lfs),
        ("config.json", &small_blob, &small),
    ] {
        write(&repo.join("blobs").join(blob), data);
        let at = repo.join("snapshots").join(COMMIT).join(path);
        fs::create_dir_all(at.parent().unwrap()).unwrap();
        symlink(format!("../../blobs/{blob}"), at).unwrap();
    }
    write(&repo.join("refs/main"), COMMIT.as_bytes());
    repo
}

#[test]
fn hf_cache_reports_validate_against_the_committed_schema() {
    let v = validator("hf-cache-report.schema.json");
    let t = tempfile::tempdir().unwrap();
    let cache = t.path().join("hub");
    let repo = cache_repo(&cache, "models--acme--tiny");
    let check = |case: &str| {
        let o = run(aibom(t.path())
            .args(["verify", "-o", "json", "--hf-cache"])
            .arg(&cache));
        let doc = validated(&v, case, &o);
        (o.status.code(), doc)
    };

    let (code, doc) = check("healthy");
    assert_eq!(code, Some(0));
    assert_eq!(doc["schema"], "aibom-hf-cache-report/1");
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["problems"], Value::Array(Vec::new()));

    // Corrupt one blob, leave a dangling link, a partial download and a ref to a missing snapshot.
    let w = fs::canonicalize(repo.join("snapshots").join(COMMIT).join("w.bin")).unwrap();
    fs::write(&w, b"tampered").unwrap();
    symlink(
        format!("../../blobs/{}", "a".repeat(64)),
        repo.join("snapshots").join(COMMIT).join("gone.bin"),
    )
    .unwrap();
    write(
        &repo
            .join("blobs")
            .join(format!("{}.incomplete", "b".repeat(64))),
        b"part",
    );
    write(&repo.join("refs/v2"), "f".repeat(40).as_bytes());
    // And a second repository without blobs/.
    fs::create_dir_all(cache.join("models--acme--empty/snapshots")).unwrap();
    let (code, doc) = check("broken");
    assert_eq!(code, Some(1));
    assert_eq!(doc["ok"], false);
    let got: BTreeSet<(String, String, Option<String>)> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["code"].as_str().unwrap().to_string(),
                p["repo"].as_str().unwrap().to_string(),
                p["path"].as_str().map(str::to_string),
            )
        })
        .collect();
    let tiny = "models--acme--tiny".to_string();
    let want: BTreeSet<(String, String, Option<String>)> = [
        ("blob-mismatch", &tiny, Some("w.bin".to_string())),
        ("link-dangling", &tiny, Some("gone.bin".to_string())),
        (
            "partial-download",
            &tiny,
            Some(format!("blobs/{}.incomplete", "b".repeat(64))),
        ),
        ("ref-missing-snapshot", &tiny, Some("refs/v2".to_string())),
        (
            "dir-missing",
            &"models--acme--empty".to_string(),
            Some("blobs".to_string()),
        ),
    ]
    .into_iter()
    .map(|(c, r, p)| (c.to_string(), r.clone(), p))
    .collect();
    assert_eq!(got, want);
}

// ---- audit reports ----

/// (code, level, path) of every result of an audit report.
fn audit_results(doc: &Value) -> BTreeSet<(String, String, Option<String>)> {
    doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["code"].as_str().unwrap().to_string(),
                r["level"].as_str().unwrap().to_string(),
                r["path"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn result(code: &str, level: &str, path: Option<&str>) -> (String, String, Option<String>) {
    (
        code.to_string(),
        level.to_string(),
        path.map(str::to_string),
    )
}

/// The summary counts what `results` lists (allowed results are counted, not listed).
fn check_summary(case: &str, doc: &Value) {
    let results = doc["results"].as_array().unwrap();
    let count = |level: &str, excepted: bool| {
        results
            .iter()
            .filter(|r| r["level"] == level && r["exception"].is_string() == excepted)
            .count()
    };
    let s = &doc["summary"];
    assert_eq!(s["deny"], count("deny", false), "{case}");
    assert_eq!(s["warn"], count("warn", false), "{case}");
    assert_eq!(s["excepted"], count("allow", true), "{case}");
    assert_eq!(
        count("allow", false),
        0,
        "{case}: allowed results are not listed"
    );
    assert_eq!(doc["passed"], s["deny"] == 0, "{case}");
}

/// `aibom audit -o json` on a model with results of every level, accepted and stale exceptions, a
/// verified bundle whose files changed and a bundle no trusted signer made, then on the BOM alone, on an
/// attestation alone and on the model against its BOM: every report validates against
/// schemas/audit-report.schema.json.
#[test]
fn audit_reports_validate_against_the_committed_schema() {
    let v = validator("audit-report.schema.json");
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    let m = p.join("m");
    fs::create_dir_all(&m).unwrap();
    // os.system: pickle-dangerous-import (critical); mypkg.layers.Block: pickle-unknown-import (high).
    fs::write(
        m.join("model.pkl"),
        b"\x80\x02cos\nsystem\n(X\x02\x00\x00\x00lstR.",
    )
    .unwrap();
    let legacy = b"\x80\x02cmypkg.layers\nBlock\n)R.";
    fs::write(m.join("legacy.pkl"), legacy).unwrap();
    fs::write(
        m.join("config.json"),
        b"{\"model_type\": \"custom\", \"auto_map\": {\"AutoModel\": \"modeling_x.M\"}}",
    )
    .unwrap();
    fs::write(m.join("modeling_x.py"), b"class M:\n    pass\n").unwrap();
    for prefix in ["k", "other"] {
        let o = run(aibom(p).args(["keygen", "--output-prefix", prefix]));
        assert_eq!(o.status.code(), Some(0));
    }
    let o = run(aibom(p).args(["sign", "m", "--key", "k.key"]));
    assert_eq!(o.status.code(), Some(0));
    let o = run(aibom(p).args(["sign", "m", "--key", "other.key", "--bundle", "other.sig"]));
    assert_eq!(o.status.code(), Some(0));
    // Changed after signing.
    fs::write(m.join("modeling_x.py"), b"class M:\n    pass\n# edited\n").unwrap();
    let legacy_sha = hex::encode(sha2::Sha256::digest(legacy));
    fs::write(
        p.join("policy.toml"),
        format!(
            r#"version = 1
[signatures]
require-signature = true
keys = ["k.pub"]
[formats]
deny = ["code"]
[[security.exceptions]]
path = "legacy.pkl"
sha256 = "{legacy_sha}"
reason = "reviewed: mypkg is ours"
[[security.exceptions]]
path = "model.pkl"
sha256 = "{}"
codes = ["pickle-dangerous-import"]
reason = "granted for an older file"
[[security.exceptions]]
path = "gone.bin"
sha256 = "{}"
reason = "the file was removed"
"#,
            "a".repeat(64),
            "b".repeat(64)
        ),
    )
    .unwrap();
    let o = run(aibom(p).args([
        "audit",
        "m",
        "--policy",
        "policy.toml",
        "--bundle",
        "m.sig",
        "--bundle",
        "other.sig",
        "-D",
        "card-missing",
        "-o",
        "json",
    ]));
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let doc = validated(&v, "audit of a directory", &o);
    assert_eq!(doc["schema"], "aibom-audit-report/1");
    assert_eq!(doc["passed"], false);
    assert_eq!(doc["policy"]["path"], "policy.toml");
    assert_eq!(
        doc["policy"]["sha256"].as_str().unwrap(),
        hex::encode(sha2::Sha256::digest(
            fs::read(p.join("policy.toml")).unwrap()
        ))
    );
    assert_eq!(
        doc["policy"]["overrides"],
        serde_json::json!([{"code": "card-missing", "level": "deny"}])
    );
    assert_eq!(doc["target"]["kind"], "directory");
    assert_eq!(doc["target"]["files"], 4);
    check_summary("audit of a directory", &doc);
    let want: BTreeSet<_> = [
        result("card-missing", "deny", None),
        result("file-modified", "deny", Some("modeling_x.py")),
        result("format-denied", "deny", Some("modeling_x.py")),
        result("pickle-dangerous-import", "deny", Some("model.pkl")),
        result("signer-untrusted", "deny", None),
        result("exception-stale", "warn", Some("model.pkl")),
        result("exception-unused", "warn", Some("gone.bin")),
        result("license-missing", "warn", None),
        result("remote-code", "warn", Some("modeling_x.py")),
        result("pickle-unknown-import", "allow", Some("legacy.pkl")),
    ]
    .into_iter()
    .collect();
    assert_eq!(audit_results(&doc), want);
    let accepted = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "pickle-unknown-import")
        .unwrap();
    assert_eq!(accepted["exception"], "reviewed: mypkg is ours");
    assert_eq!(accepted["sha256"], legacy_sha.as_str());
    let sigs = doc["signatures"].as_array().unwrap();
    assert_eq!(sigs.len(), 2);
    assert_eq!(sigs[0]["bundle"], "m.sig");
    assert_eq!(sigs[0]["kind"], "signature");
    assert_eq!(sigs[0]["verified"], false);
    assert_eq!(sigs[0]["untrusted"], false);
    assert_eq!(sigs[0]["problems"][0]["code"], "file-modified");
    assert_eq!(sigs[1]["bundle"], "other.sig");
    assert_eq!(sigs[1]["untrusted"], true);
    assert_eq!(sigs[1]["problems"][0]["code"], "key-mismatch");

    // The BOM alone: the findings it records, judged by the built-in policy.
    let o = run(aibom(p).args(["scan", "m", "-o", "cyclonedx-json=bom.json"]));
    assert_eq!(o.status.code(), Some(0));
    let o = run(aibom(p).args(["audit", "--bom", "bom.json", "-o", "json"]));
    assert_eq!(o.status.code(), Some(1));
    let doc = validated(&v, "audit of a BOM", &o);
    assert_eq!(doc["target"]["kind"], "bom");
    assert_eq!(doc["policy"]["path"], Value::Null);
    check_summary("audit of a BOM", &doc);
    assert!(audit_results(&doc).contains(&result(
        "pickle-dangerous-import",
        "deny",
        Some("model.pkl")
    )));

    // An attestation alone: its signature checked, the BOM it signs audited.
    let o = run(aibom(p).args(["attest", "m", "--key", "k.key"]));
    assert_eq!(o.status.code(), Some(0));
    let o = run(aibom(p).args([
        "audit",
        "--bundle",
        "m.aibom.sigstore.json",
        "--key",
        "k.pub",
        "-o",
        "json",
    ]));
    assert_eq!(o.status.code(), Some(1));
    let doc = validated(&v, "audit of an attestation", &o);
    assert_eq!(doc["target"]["kind"], "attestation");
    assert_eq!(doc["signatures"][0]["kind"], "attestation");
    assert_eq!(doc["signatures"][0]["verified"], true);
    check_summary("audit of an attestation", &doc);
    assert!(audit_results(&doc).contains(&result(
        "pickle-dangerous-import",
        "deny",
        Some("model.pkl")
    )));

    // The model against its BOM after a file was added: that file is reported, and nothing passes
    // without the dangerous pickle allowed.
    fs::write(m.join("notes.md"), b"x").unwrap();
    let o = run(aibom(p).args([
        "audit",
        "m",
        "--bom",
        "bom.json",
        "-A",
        "pickle-dangerous-import",
        "-A",
        "pickle-unknown-import",
        "-o",
        "json",
    ]));
    assert_eq!(o.status.code(), Some(1));
    let doc = validated(&v, "audit against a BOM", &o);
    check_summary("audit against a BOM", &doc);
    let denied: Vec<_> = audit_results(&doc)
        .into_iter()
        .filter(|r| r.1 == "deny")
        .collect();
    assert_eq!(denied, [result("file-extra", "deny", Some("notes.md"))]);
    assert_eq!(doc["summary"]["allow"], 2);
}
