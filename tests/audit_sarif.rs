//! The SARIF output of `aibom audit`, on reports made by `aibom::audit::evaluate` from subjects and
//! evidence built by hand: a model directory with results in every category (licence terms, integrity
//! with signature problems and a file changed since a BOM recorded it, security findings of which one
//! a policy exception accepts — in an archive member, at an offset — a denied format, documentation,
//! stale and unused exceptions), a single-file model given by an absolute path, an audited BOM and
//! attestation, a Hugging Face cache, a policy that requires missing signatures, and a clean model.
//! Each test checks the SARIF structure (rules, levels, suppressions, locations, fingerprints,
//! determinism). Every log built here is also written to `$AIBOM_SARIF_DUMP/<name>.sarif` (when set)
//! so the interop suite validates it with the SARIF Multitool and the SARIF 2.1.0 JSON Schema.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use aibom::attest::problem::{Problem, ProblemCode};
use aibom::audit::subject::{MissingItem, SubjectFile, SubjectLicences};
use aibom::audit::{
    evaluate, sarif, AuditReport, Evidence, Override, Recorded, SignatureCheck, SignatureKind,
    Subject, SubjectKind,
};
use aibom::finding::{Finding, Severity};
use aibom::policy::{Level, Policy};
use serde_json::Value;

/// Write a SARIF log built by a test to `$AIBOM_SARIF_DUMP/<name>.sarif` (when set), so the interop
/// suite validates it.
fn dump(name: &str, sarif: &str) {
    if let Some(dir) = std::env::var_os("AIBOM_SARIF_DUMP") {
        let dir = Path::new(&dir);
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(format!("{name}.sarif")), sarif).unwrap();
    }
}

/// A SHA-256 made of one repeated hex digit.
fn sha(d: char) -> String {
    d.to_string().repeat(64)
}

fn file(path: &str, d: char, role: &str, format: &str) -> SubjectFile {
    SubjectFile {
        path: path.to_string(),
        sha256: sha(d),
        size: 1000,
        role: role.to_string(),
        format: format.to_string(),
    }
}

fn finding(
    code: &'static str,
    path: &str,
    member: Option<&str>,
    offset: Option<u64>,
    evidence: &str,
    message: &str,
) -> Finding {
    let mut f = Finding::new(code, Some(path), message);
    f.member = member.map(str::to_string);
    f.offset = offset;
    f.evidence = evidence.to_string();
    f
}

/// A model directory with something wrong in every category.
fn subject(path: &str) -> Subject {
    Subject {
        kind: SubjectKind::Directory,
        path: path.to_string(),
        name: "acme/tiny".to_string(),
        root_digest: Some(format!("sha256:{}", sha('0'))),
        files: vec![
            file("README.md", '1', "documentation", "unknown"),
            file("config.json", '2', "config", "unknown"),
            file("model.pkl", '3', "weights", "pickle"),
            file("legacy/model.pt", '4', "weights", "pytorch-zip"),
            file("weights.safetensors", '5', "weights", "safetensors"),
            file("tokenizer_config.json", '6', "tokenizer", "unknown"),
            file("data/arrays.npy", '7', "data", "npy"),
            file("modeling_tiny.py", '8', "code", "unknown"),
            file("dir with space/é#1.bin", '9', "weights", "unknown"),
        ],
        licences: SubjectLicences {
            model: vec!["CC-BY-NC-4.0".to_string()],
            concluded: true,
            use_restricted: true,
            restrictions: vec!["non-commercial use only".to_string()],
            evidence: vec![format!(
                "README.md (sha256:{}) front matter: license: cc-by-nc-4.0",
                sha('1')
            )],
        },
        findings: vec![
            finding(
                "pickle-dangerous-import",
                "model.pkl",
                None,
                Some(42),
                "posix.system via REDUCE",
                "the pickle calls posix.system when loaded",
            ),
            finding(
                "pickle-unknown-import",
                "legacy/model.pt",
                Some("archive/data.pkl"),
                Some(17),
                "mypkg.layers.Block",
                "the pickle imports mypkg.layers.Block, which is not on the allow-list",
            ),
            finding(
                "numpy-object-array",
                "data/arrays.npy",
                None,
                Some(128),
                "dtype=object",
                "the array has an object dtype",
            ),
            finding(
                "chat-template-injection",
                "tokenizer_config.json",
                None,
                Some(120),
                "{{ cycler.__init__.__globals__ }}",
                "the chat template reaches Python internals",
            ),
            finding(
                "safetensors-trailing-data",
                "weights.safetensors",
                None,
                Some(4096),
                "",
                "64 bytes after the last tensor",
            ),
            finding(
                "remote-code",
                "config.json",
                None,
                None,
                "modeling_tiny.py",
                "auto_map runs modeling_tiny.py",
            ),
            finding(
                "unscannable",
                "dir with space/é#1.bin",
                None,
                None,
                "",
                "the file could not be analysed",
            ),
            Finding::new(
                "license-conflict",
                None,
                "the card says cc-by-nc-4.0 and LICENSE says Apache-2.0",
            ),
            Finding::new(
                "card-placeholder",
                Some("README.md"),
                "sections are placeholders",
            ),
        ],
        completeness: Some(40),
        missing: vec![
            MissingItem {
                key: "intended-uses".to_string(),
                hint: "an Intended uses section in the model card".to_string(),
            },
            MissingItem {
                key: "limitations".to_string(),
                hint: String::new(),
            },
        ],
        training_data: false,
        openness: Some(aibom::audit::subject::SubjectOpenness {
            mof_class: None,
            mof_label: "Unclassified".to_string(),
            mof_progress: [50.0, 0.0, 0.0],
            osaid: vec![(
                "code.training".to_string(),
                false,
                "nothing in the directory is, or points to, it".to_string(),
            )],
        }),
    }
}

const POLICY: &str = r#"version = 1

[licenses]
allow = ["Apache-2.0", "MIT"]
deny = ["CC-BY-NC-4.0"]
deny-use-restricted = true
deny-non-commercial = true

[signatures]
require-signature = true
require-attestation = true

[security]
fail-on = "high"

[[security.exceptions]]
path = "legacy/model.pt"
sha256 = "4444444444444444444444444444444444444444444444444444444444444444"
codes = ["pickle-unknown-import"]
reason = "reviewed: mypkg.layers.Block is our own layer"

[[security.exceptions]]
path = "data/arrays.npy"
sha256 = "abababababababababababababababababababababababababababababababab"
reason = "reviewed an older version"

[[security.exceptions]]
path = "notes.txt"
sha256 = "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
reason = "left over"

[formats]
deny = ["pickle"]

[documentation]
require = ["intended-uses", "limitations"]
min-completeness = 60
require-training-data = true

[openness]
min-mof-class = "III"
require-osaid = ["code.training"]

[rules]
"remote-code" = "deny"
"#;

fn policy(text: &str) -> Policy {
    let mut p = Policy::parse(text, Path::new("/p")).unwrap();
    p.source = Some(PathBuf::from("policies/aibom.toml"));
    p.sha256 = Some(sha('e'));
    p
}

/// A signature whose files changed, an attestation no trusted signer made, a BOM that recorded other
/// files, and a BOM that could not be read.
fn evidence(model: &str) -> Evidence {
    Evidence {
        signatures: vec![
            SignatureCheck {
                bundle: format!("{model}/model.sig"),
                kind: SignatureKind::Signature,
                verified: false,
                signer: None,
                problems: vec![
                    Problem {
                        code: ProblemCode::FileModified,
                        message: "weights.safetensors differs from what was signed".to_string(),
                        path: Some("weights.safetensors".to_string()),
                    },
                    Problem::new(
                        ProblemCode::StatementInconsistent,
                        "the root digest is not the digest of the files listed",
                    ),
                ],
                untrusted: false,
            },
            SignatureCheck {
                bundle: "attestations/tiny.sigstore.json".to_string(),
                kind: SignatureKind::Attestation,
                verified: false,
                signer: None,
                problems: vec![Problem::new(
                    ProblemCode::KeyMismatch,
                    "the bundle names another key",
                )],
                untrusted: true,
            },
        ],
        recorded: Some(Recorded {
            source: "boms/tiny.cdx.json".to_string(),
            files: subject(model)
                .files
                .iter()
                .filter(|f| f.path != "modeling_tiny.py")
                .map(|f| {
                    let sha = if f.path == "weights.safetensors" {
                        sha('f')
                    } else {
                        f.sha256.clone()
                    };
                    (f.path.clone(), sha)
                })
                .chain([("removed.bin".to_string(), sha('a'))])
                .collect(),
        }),
        cache: None,
        unusable: vec![("boms/old.cdx.json".to_string(), "not JSON".to_string())],
    }
}

fn overrides() -> Vec<Override> {
    vec![Override {
        code: "license-conflict".to_string(),
        level: Level::Warn,
    }]
}

fn full_report() -> AuditReport {
    evaluate(
        &subject("models/tiny"),
        &evidence("models/tiny"),
        &policy(POLICY),
        &overrides(),
    )
}

fn parse(s: &str) -> Value {
    assert!(s.ends_with("}\n"), "pretty JSON with a trailing newline");
    serde_json::from_str(s).unwrap()
}

fn run(v: &Value) -> &Value {
    assert_eq!(v["runs"].as_array().unwrap().len(), 1);
    &v["runs"][0]
}

/// The SARIF results of `code`.
fn of<'a>(v: &'a Value, code: &str) -> Vec<&'a Value> {
    run(v)["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == code)
        .collect()
}

fn one<'a>(v: &'a Value, code: &str) -> &'a Value {
    let rs = of(v, code);
    assert_eq!(rs.len(), 1, "{code}: {rs:#?}");
    rs[0]
}

fn artifact(r: &Value) -> (&str, Option<&str>) {
    let a = &r["locations"][0]["physicalLocation"]["artifactLocation"];
    (a["uri"].as_str().unwrap(), a["uriBaseId"].as_str())
}

fn fingerprints(v: &Value) -> Vec<String> {
    run(v)["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let fp = &r["partialFingerprints"];
            assert_eq!(fp["aibom/v1"], fp["primaryLocationLineHash"]);
            fp["aibom/v1"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn every_category_has_results_and_the_log_has_the_shape_github_reads() {
    let report = full_report();
    let cats: BTreeSet<&str> = report.results.iter().map(|r| r.category.as_str()).collect();
    assert_eq!(
        cats,
        BTreeSet::from([
            "license",
            "integrity",
            "security",
            "format",
            "documentation",
            "policy",
            "openness"
        ]),
        "{report:#?}"
    );
    let s = sarif::render(&report);
    dump("directory", &s);
    let v = parse(&s);
    assert_eq!(
        v["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(v["version"], "2.1.0");
    let run = run(&v);
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "aibom");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    assert!(driver.get("informationUri").is_none());
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    assert!(run["invocations"][0]
        .get("toolExecutionNotifications")
        .is_none());
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["description"]["text"]
            .as_str()
            .map(|t| t.contains("aibom audit ran in")),
        Some(true)
    );
    assert_eq!(run["properties"]["passed"], false);
    assert_eq!(run["properties"]["summary"]["excepted"], 1);
    assert_eq!(run["properties"]["policy"]["path"], "policies/aibom.toml");
    assert_eq!(run["properties"]["target"]["path"], "models/tiny");

    // One rule per code with a result, sorted, each result pointing at its own.
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let codes: BTreeSet<&str> = report.results.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(ids, codes.iter().copied().collect::<Vec<_>>());
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), report.results.len());
    for (r, a) in results.iter().zip(&report.results) {
        assert_eq!(r["ruleId"], a.code.as_str());
        assert_eq!(
            rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"],
            r["ruleId"]
        );
        assert_eq!(r["message"]["text"], a.message.as_str());
        assert_eq!(r["locations"].as_array().unwrap().len(), 1, "{r:#}");
        assert_eq!(r["properties"]["category"], a.category.as_str());
        assert_eq!(r["properties"]["severity"], a.severity.as_str());
        assert_eq!(r["properties"]["auditLevel"], a.level.as_str());
        let (uri, _) = artifact(r);
        assert!(
            !uri.is_empty() && !uri.contains(' ') && !uri.contains('#'),
            "{uri}"
        );
    }
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        // A PascalCase name, except for one-word codes (SARIF wants the name to differ from the id).
        match rule["name"].as_str() {
            Some(name) => {
                assert!(id.contains('-'), "{id}");
                assert!(name.chars().next().unwrap().is_ascii_uppercase() && !name.contains('-'));
            }
            None => assert!(!id.contains('-'), "{id}"),
        }
        let short = rule["shortDescription"]["text"].as_str().unwrap();
        let full = rule["fullDescription"]["text"].as_str().unwrap();
        assert_eq!(short, aibom::audit::rules::lookup(id).unwrap().summary);
        assert!(full.starts_with(short) && full.len() > short.len(), "{id}");
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
        assert!(rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains(&format!("**{id}**")));
        assert!(
            rule.get("helpUri").is_none(),
            "{id}: no URL aibom does not own"
        );
        let tags: Vec<&str> = rule["properties"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert!(tags.len() <= 10, "GitHub shows 10 tags");
        let category = aibom::audit::rules::lookup(id).unwrap().category;
        assert!(tags.contains(&category.as_str()), "{id}: {tags:?}");
        let security = rule["properties"].get("security-severity");
        assert_eq!(security.is_some(), tags.contains(&"security"), "{id}");
        assert_ne!(
            security.is_some(),
            rule["properties"].get("problem.severity").is_some(),
            "{id}"
        );
    }
    assert_eq!(
        rules[ids
            .iter()
            .position(|i| *i == "pickle-dangerous-import")
            .unwrap()]["name"],
        "PickleDangerousImport"
    );
}

#[test]
fn levels_map_deny_warn_and_accepted_results_are_suppressed_notes() {
    let report = full_report();
    let v = parse(&sarif::render(&report));
    for (r, a) in run(&v)["results"]
        .as_array()
        .unwrap()
        .iter()
        .zip(&report.results)
    {
        let want = match (a.level, &a.exception) {
            (_, Some(_)) => "note",
            (Level::Deny, None) => "error",
            (Level::Warn, None) => "warning",
            (Level::Allow, None) => unreachable!("allowed results are not listed"),
        };
        assert_eq!(r["level"], want, "{r:#}");
        assert_eq!(r.get("suppressions").is_some(), a.exception.is_some());
    }
    assert_eq!(one(&v, "pickle-dangerous-import")["level"], "error");
    assert_eq!(one(&v, "safetensors-trailing-data")["level"], "warning");
    assert_eq!(one(&v, "license-conflict")["level"], "warning");
    assert_eq!(one(&v, "remote-code")["level"], "error", "[rules] wins");
    assert!(
        of(&v, "card-placeholder").is_empty(),
        "info findings are allowed"
    );

    let accepted = one(&v, "pickle-unknown-import");
    assert_eq!(accepted["level"], "note");
    let s = accepted["suppressions"].as_array().unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0]["kind"], "external");
    assert_eq!(s[0]["status"], "accepted");
    assert_eq!(
        s[0]["justification"],
        "reviewed: mypkg.layers.Block is our own layer"
    );
    assert_eq!(
        s[0]["location"]["physicalLocation"]["artifactLocation"]["uri"],
        "policies/aibom.toml"
    );

    // The stale exception does not suppress: the finding is an error again, beside exception-stale.
    let npy = one(&v, "numpy-object-array");
    assert_eq!(npy["level"], "warning", "medium under fail-on high");
    assert!(npy.get("suppressions").is_none());
    let stale = one(&v, "exception-stale");
    assert_eq!(
        artifact(stale),
        ("models/tiny/data/arrays.npy", Some("%SRCROOT%"))
    );
    assert_eq!(one(&v, "exception-unused")["level"], "warning");

    // A rule's default level is the most severe level it has in this audit.
    let rules = run(&v)["tool"]["driver"]["rules"].as_array().unwrap();
    let rule = |id: &str| rules.iter().find(|r| r["id"] == id).unwrap();
    assert_eq!(
        rule("pickle-dangerous-import")["defaultConfiguration"]["level"],
        "error"
    );
    assert_eq!(
        rule("pickle-unknown-import")["defaultConfiguration"]["level"],
        "note"
    );
    assert_eq!(
        rule("license-conflict")["defaultConfiguration"]["level"],
        "warning"
    );
    // GitHub's security-severity scores: critical over 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9.
    assert_eq!(
        rule("pickle-dangerous-import")["properties"]["security-severity"],
        "9.5"
    );
    assert_eq!(
        rule("pickle-unknown-import")["properties"]["security-severity"],
        "8.0"
    );
    assert_eq!(
        rule("numpy-object-array")["properties"]["security-severity"],
        "5.5"
    );
    assert_eq!(
        rule("safetensors-trailing-data")["properties"]["security-severity"],
        "3.0"
    );
    assert_eq!(
        rule("file-modified")["properties"]["security-severity"],
        "8.0"
    );
    assert_eq!(
        rule("license-denied")["properties"]["problem.severity"],
        "error"
    );
    assert_eq!(
        rule("documentation-missing")["properties"]["problem.severity"],
        "warning"
    );
    assert_eq!(
        rule("exception-unused")["properties"]["problem.severity"],
        "recommendation"
    );
}

#[test]
fn locations_are_repository_relative_with_a_region_only_when_true() {
    let v = parse(&sarif::render(&full_report()));
    let region = |r: &Value| r["locations"][0]["physicalLocation"].get("region").cloned();
    let note = |r: &Value| {
        r["locations"][0]["message"]["text"]
            .as_str()
            .map(str::to_string)
    };

    // A finding at an offset of the file itself: a binary region.
    let p = one(&v, "pickle-dangerous-import");
    assert_eq!(artifact(p), ("models/tiny/model.pkl", Some("%SRCROOT%")));
    assert_eq!(region(p), Some(serde_json::json!({"byteOffset": 42})));
    assert_eq!(p["properties"]["sha256"], sha('3'));
    assert_eq!(p["properties"]["evidence"], "posix.system via REDUCE");

    // In an archive member: the offset is the member's, so no region; the location says where.
    let m = one(&v, "pickle-unknown-import");
    assert_eq!(
        artifact(m),
        ("models/tiny/legacy/model.pt", Some("%SRCROOT%"))
    );
    assert_eq!(region(m), None);
    assert_eq!(note(m).as_deref(), Some("member archive/data.pkl, byte 17"));
    assert_eq!(m["properties"]["member"], "archive/data.pkl");
    assert_eq!(m["properties"]["offset"], 17);

    // A chat template's offset counts in the template text, not the file.
    let t = one(&v, "chat-template-injection");
    assert_eq!(region(t), None);
    assert_eq!(
        note(t).as_deref(),
        Some("offset 120 in the chat template text")
    );

    // Names are percent-encoded.
    assert_eq!(
        artifact(one(&v, "unscannable")).0,
        "models/tiny/dir%20with%20space/%C3%A9%231.bin"
    );

    // About the model as a whole: the model directory.
    for code in [
        "license-not-allowed",
        "license-denied",
        "license-non-commercial",
        "license-use-restricted",
        "license-conflict",
        "completeness-below-minimum",
        "training-data-missing",
    ] {
        let r = one(&v, code);
        assert_eq!(artifact(r), ("models/tiny/", Some("%SRCROOT%")), "{code}");
        assert_eq!(region(r), None, "{code}");
    }
    for r in of(&v, "documentation-missing") {
        assert_eq!(artifact(r), ("models/tiny/", Some("%SRCROOT%")));
    }

    // Signature problems: the file when the problem names one, else the bundle.
    let modified = of(&v, "file-modified");
    assert_eq!(modified.len(), 2, "the signature and the BOM both disagree");
    for r in &modified {
        assert_eq!(artifact(r).0, "models/tiny/weights.safetensors");
    }
    assert_eq!(
        artifact(one(&v, "statement-inconsistent")),
        ("models/tiny/model.sig", Some("%SRCROOT%"))
    );
    assert_eq!(
        artifact(one(&v, "signer-untrusted")),
        ("attestations/tiny.sigstore.json", Some("%SRCROOT%"))
    );
    assert_eq!(
        artifact(one(&v, "file-missing")).0,
        "models/tiny/removed.bin"
    );
    assert_eq!(
        artifact(one(&v, "file-extra")).0,
        "models/tiny/modeling_tiny.py"
    );
    // An input that is neither a bundle of the report nor a model file: the model.
    assert_eq!(artifact(one(&v, "bundle-unusable")).0, "models/tiny/");
    let denied: BTreeSet<&str> = of(&v, "format-denied")
        .iter()
        .map(|r| artifact(r).0)
        .collect();
    assert_eq!(
        denied,
        BTreeSet::from(["models/tiny/model.pkl", "models/tiny/legacy/model.pt"])
    );
}

#[test]
fn the_target_path_is_normalised_and_the_cwd_is_dot() {
    for (given, dir, file) in [
        ("./models//tiny/", "models/tiny/", "models/tiny/model.pkl"),
        (".", "./", "model.pkl"),
        (
            "../elsewhere/tiny",
            "../elsewhere/tiny/",
            "../elsewhere/tiny/model.pkl",
        ),
    ] {
        let report = evaluate(&subject(given), &Evidence::default(), &policy(POLICY), &[]);
        let v = parse(&sarif::render(&report));
        assert_eq!(artifact(one(&v, "license-denied")).0, dir, "{given}");
        assert_eq!(
            artifact(one(&v, "pickle-dangerous-import")).0,
            file,
            "{given}"
        );
    }
}

#[test]
fn fingerprints_are_unique_and_survive_new_wording_but_not_a_changed_file() {
    let report = full_report();
    let v = parse(&sarif::render(&report));
    let fps = fingerprints(&v);
    assert_eq!(
        fps.iter().collect::<BTreeSet<_>>().len(),
        fps.len(),
        "every result has its own identity"
    );
    for fp in &fps {
        let (hash, n) = fp.split_once(':').unwrap();
        assert_eq!(hash.len(), 32);
        assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(n.parse::<u32>().unwrap() >= 1);
    }
    // The two documentation results differ only in wording: they share the hash and count up.
    let docs: Vec<&str> = of(&v, "documentation-missing")
        .iter()
        .map(|r| r["partialFingerprints"]["aibom/v1"].as_str().unwrap())
        .collect();
    assert_eq!(docs.len(), 2);
    assert_eq!(
        docs[0].split_once(':').unwrap().0,
        docs[1].split_once(':').unwrap().0
    );
    assert_eq!((&docs[0][33..], &docs[1][33..]), ("1", "2"));

    // Messages reworded: the same fingerprints, in the same order.
    let mut reworded = report.clone();
    for r in &mut reworded.results {
        r.message = format!("Reworded: {}", r.message.to_uppercase());
    }
    assert_eq!(fingerprints(&parse(&sarif::render(&reworded))), fps);

    // The same model scanned again (another run, the same facts): the same log, byte for byte.
    assert_eq!(sarif::render(&full_report()), sarif::render(&report));

    // model.pkl changed: its results get new identities, the others keep theirs.
    let mut changed = subject("models/tiny");
    changed.files[2].sha256 = sha('b');
    let report2 = evaluate(
        &changed,
        &evidence("models/tiny"),
        &policy(POLICY),
        &overrides(),
    );
    let v2 = parse(&sarif::render(&report2));
    let by_code = |v: &Value, code: &str| -> Vec<String> {
        of(v, code)
            .iter()
            .map(|r| {
                r["partialFingerprints"]["aibom/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert_ne!(
        by_code(&v, "pickle-dangerous-import"),
        by_code(&v2, "pickle-dangerous-import")
    );
    for code in [
        "chat-template-injection",
        "license-denied",
        "signer-untrusted",
    ] {
        assert_eq!(by_code(&v, code), by_code(&v2, code), "{code}");
    }
    // weights.safetensors still differs from what was signed and recorded, as the same results;
    // model.pkl now differs from the BOM too (the BOM has its old hash), a new result.
    let (before, after) = (by_code(&v, "file-modified"), by_code(&v2, "file-modified"));
    assert_eq!((before.len(), after.len()), (2, 3));
    assert!(before.iter().all(|f| after.contains(f)));
}

#[test]
fn a_single_file_model_given_by_an_absolute_path_has_file_uris() {
    let dir = if cfg!(windows) {
        "C:/work/models"
    } else {
        "/work/models"
    };
    let path = format!("{dir}/tiny model.pkl");
    let subject = Subject {
        kind: SubjectKind::File,
        path: path.clone(),
        name: "tiny model".to_string(),
        root_digest: None,
        files: vec![file("tiny model.pkl", '3', "weights", "pickle")],
        licences: SubjectLicences::default(),
        findings: vec![finding(
            "pickle-dangerous-import",
            "tiny model.pkl",
            None,
            Some(2),
            "builtins.eval",
            "the pickle calls builtins.eval",
        )],
        completeness: Some(10),
        missing: vec![],
        training_data: false,
        openness: None,
    };
    let mut p = policy("version = 1\n[documentation]\nmin-completeness = 50\n");
    p.source = Some(PathBuf::from(format!("{dir}/aibom.toml")));
    let report = evaluate(&subject, &Evidence::default(), &p, &[]);
    let s = sarif::render(&report);
    dump("file-absolute", &s);
    let v = parse(&s);
    let want = if cfg!(windows) {
        "file:///C:/work/models/tiny%20model.pkl"
    } else {
        "file:///work/models/tiny%20model.pkl"
    };
    assert_eq!(artifact(one(&v, "pickle-dangerous-import")), (want, None));
    // The model as a whole is the file itself.
    assert_eq!(
        artifact(one(&v, "completeness-below-minimum")),
        (want, None)
    );
    assert!(
        run(&v).get("originalUriBaseIds").is_none(),
        "no relative location, no base id"
    );
}

#[test]
fn an_audited_bom_or_attestation_is_where_its_results_are() {
    for (kind, path, name, what) in [
        (SubjectKind::Bom, "vendor/tiny.cdx.json", "bom", "the BOM"),
        (
            SubjectKind::Attestation,
            "vendor/tiny.aibom.sigstore.json",
            "attestation",
            "the attested BOM",
        ),
    ] {
        let mut subject = subject(path);
        subject.kind = kind;
        let report = evaluate(&subject, &Evidence::default(), &policy(POLICY), &[]);
        let s = sarif::render(&report);
        dump(name, &s);
        let v = parse(&s);
        for r in run(&v)["results"].as_array().unwrap() {
            assert_eq!(artifact(r), (path, Some("%SRCROOT%")), "{r:#}");
            assert!(r["locations"][0]["physicalLocation"]
                .get("region")
                .is_none());
        }
        let p = one(&v, "pickle-dangerous-import");
        assert_eq!(
            p["locations"][0]["message"]["text"],
            format!("model.pkl as {what} records it, byte 42")
        );
        assert_eq!(p["properties"]["path"], "model.pkl");
    }
}

#[test]
fn a_hugging_face_cache_is_located_at_the_path_given_with_the_file_named() {
    let mut subject = subject("hub/models--acme--tiny");
    subject.kind = SubjectKind::HfCache;
    let report = evaluate(&subject, &Evidence::default(), &policy(POLICY), &[]);
    let s = sarif::render(&report);
    dump("hf-cache", &s);
    let v = parse(&s);
    let p = one(&v, "pickle-dangerous-import");
    assert_eq!(artifact(p), ("hub/models--acme--tiny/", Some("%SRCROOT%")));
    assert!(p["locations"][0]["physicalLocation"]
        .get("region")
        .is_none());
    assert_eq!(
        p["locations"][0]["message"]["text"],
        "model.pkl in the download's snapshot, byte 42"
    );
    assert_eq!(
        artifact(one(&v, "license-denied")),
        ("hub/models--acme--tiny/", Some("%SRCROOT%"))
    );
}

#[test]
fn missing_signatures_are_located_at_the_model() {
    let subject = Subject {
        findings: vec![],
        ..subject("models/tiny")
    };
    let p =
        policy("version = 1\n[signatures]\nrequire-signature = true\nrequire-attestation = true\n");
    let report = evaluate(&subject, &Evidence::default(), &p, &[]);
    let s = sarif::render(&report);
    dump("signatures-missing", &s);
    let v = parse(&s);
    for code in ["signature-missing", "attestation-missing"] {
        let r = one(&v, code);
        assert_eq!(r["level"], "error");
        assert_eq!(artifact(r), ("models/tiny/", Some("%SRCROOT%")));
    }
}

#[test]
fn a_clean_model_gives_an_empty_run() {
    let subject = Subject {
        findings: vec![],
        licences: SubjectLicences::default(),
        ..subject("models/tiny")
    };
    let report = evaluate(&subject, &Evidence::default(), &Policy::builtin(), &[]);
    assert!(report.passed && report.results.is_empty(), "{report:#?}");
    let s = sarif::render(&report);
    dump("clean", &s);
    let v = parse(&s);
    let run = run(&v);
    assert_eq!(run["results"], serde_json::json!([]));
    assert_eq!(run["tool"]["driver"]["rules"], serde_json::json!([]));
    assert_eq!(run["properties"]["passed"], true);
    assert_eq!(run["properties"]["policy"]["path"], Value::Null);
}

#[test]
fn severities_other_than_the_default_are_kept_on_the_result() {
    let mut subject = subject("models/tiny");
    subject.findings[0].severity = Severity::Medium;
    let report = evaluate(&subject, &Evidence::default(), &policy(POLICY), &[]);
    let v = parse(&sarif::render(&report));
    let r = one(&v, "pickle-dangerous-import");
    assert_eq!(r["properties"]["severity"], "medium");
    assert_eq!(r["level"], "warning");
    // The rule keeps the registry's score: rule metadata does not change from run to run.
    let rules = run(&v)["tool"]["driver"]["rules"].as_array().unwrap();
    let rule = rules
        .iter()
        .find(|x| x["id"] == "pickle-dangerous-import")
        .unwrap();
    assert_eq!(rule["properties"]["security-severity"], "9.5");
}

/// The audit façade on a model written here: a real scan's report, rendered. The model lives under
/// cargo's test directory and is named relative to the working directory when it can be, as a CI job
/// names a model in its checkout.
#[test]
fn a_real_audit_of_a_model_directory() {
    use aibom::pipeline::{audit, AuditInput, AuditTarget, ScanOptions};
    let root = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let model = root.path().join("tiny model");
    std::fs::create_dir(&model).unwrap();
    // `posix.system('id')` as a protocol-2 pickle: PROTO, then GLOBAL at byte 2.
    std::fs::write(
        model.join("model.pkl"),
        b"\x80\x02cposix\nsystem\nX\x02\x00\x00\x00id\x85R.",
    )
    .unwrap();
    std::fs::write(model.join("config.json"), b"{}").unwrap();
    let cwd = std::env::current_dir().unwrap();
    let given = model
        .strip_prefix(&cwd)
        .map_or(model.clone(), Path::to_path_buf);
    let report = audit(
        &AuditTarget::Model(given.clone()),
        &AuditInput::default(),
        &policy("version = 1\n[formats]\ndeny = [\"pickle\"]\n"),
        &ScanOptions::default(),
        &aibom::hash::NoProgress,
    )
    .unwrap()
    .report;
    let s = sarif::render(&report);
    dump("facade-directory", &s);
    let v = parse(&s);
    let p = one(&v, "pickle-dangerous-import");
    let (uri, base) = artifact(p);
    assert!(uri.ends_with("/tiny%20model/model.pkl"), "{uri}");
    assert_eq!(base.is_some(), given.is_relative(), "{uri}");
    assert_eq!(
        p["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"byteOffset": 2})
    );
    assert_eq!(p["level"], "error");
    assert_eq!(artifact(one(&v, "format-denied")).0, uri);
    assert!(artifact(one(&v, "license-missing"))
        .0
        .ends_with("/tiny%20model/"));
    assert_eq!(sarif::render(&report), s);
}
