//! The façades are what the binary runs: a library call gives the same bytes as the command. The scan
//! façade's CycloneDX (and every other format) equals `aibom scan` stdout for each fixture model; the
//! verify façade's JSON report equals `aibom verify -o json` stdout for a model signed here with a key
//! made here, verified and tampered. Also: the library's errors say what is wrong without naming flags;
//! the CLI names them.

use std::fs;
use std::path::Path;

use aibom::attest::keys::{Curve, PrivateKey};
use aibom::attest::sign::{sign_model, SignerMaterial};
use aibom::bom::SpecVersion;
use aibom::hash::NoProgress;
use aibom::output::{ReportFormat, VerifyFormat};
use aibom::pipeline::{
    self, Claim, ClaimKind, Method, PolicyError, ScanOptions, Target, VerifyError, VerifyOptions,
};

mod util;
use util::{aibom, code, err, out, run, temp_model};

fn scan(path: &Path) -> pipeline::Scan {
    pipeline::scan(path, &ScanOptions::default(), &NoProgress).unwrap()
}

#[test]
fn scan_facade_bytes_equal_the_binary_for_every_fixture_model() {
    for (name, path) in util::fixture_models() {
        let s = scan(&path);
        let o = run(aibom().arg("scan").arg(&path).arg("-q"));
        assert_eq!(code(&o), 0, "{name}: {}", err(&o));
        assert!(
            s.cyclonedx(SpecVersion::V1_6, None).as_bytes() == o.stdout,
            "{name}: the façade's CycloneDX 1.6 differs from `aibom scan` stdout"
        );
    }
}

#[test]
fn every_scan_format_and_the_timestamp_match_the_binary() {
    let path = util::fixture("tiny-model");
    let s = scan(&path);
    for spec in [
        "cyclonedx-json@1.5",
        "cyclonedx-json",
        "cyclonedx-json@1.7",
        "json",
        "table",
    ] {
        let format: ReportFormat = spec.parse().unwrap();
        for epoch in [None, Some("1700000000")] {
            let mut c = aibom();
            c.arg("scan").arg(&path).args(["-q", "-o", spec]);
            if let Some(e) = epoch {
                c.env("SOURCE_DATE_EPOCH", e);
            }
            let o = run(&mut c);
            assert_eq!(code(&o), 0, "{spec}: {}", err(&o));
            let ts = epoch.map(|_| "2023-11-14T22:13:20Z");
            assert!(
                s.render(format, ts).as_bytes() == o.stdout,
                "{spec} (SOURCE_DATE_EPOCH {epoch:?}): façade and binary differ"
            );
        }
    }
    assert!(s.table().ends_with(&s.summary()));
    assert_eq!(s.inventory_json(), s.render(ReportFormat::Json, None));
    assert_eq!(s.findings().len(), s.facts().findings.len());
}

#[test]
fn verify_facade_report_equals_the_binary_json() {
    let m = temp_model(&[
        ("config.json", b"{\"a\": 1}\n"),
        ("model.safetensors", b"\x02\x00\x00\x00\x00\x00\x00\x00{}"),
        ("sub/tokenizer.json", b"{}"),
    ]);
    let key = PrivateKey::generate(Curve::P256);
    let public = m.dir().join("k.pub");
    fs::write(&public, key.public_key().to_pem()).unwrap();
    let opts = ScanOptions::default();
    let hashed = pipeline::hash(m.path(), &opts, &NoProgress).unwrap();
    let bundle = m.dir().join("m.sig");
    let signed = sign_model("m", &hashed, &opts.walk, &key, &SignerMaterial::Key);
    fs::write(&bundle, signed.to_json()).unwrap();

    let target = Target::Path(m.path().to_path_buf());
    let method = Method::Key(public.clone());
    let facade = |verified: bool| {
        let r = pipeline::verify(
            &target,
            &bundle,
            &method,
            &VerifyOptions::default(),
            &NoProgress,
        )
        .unwrap();
        assert_eq!(r.verified, verified, "{r:?}");
        (
            pipeline::render_verify(&r, VerifyFormat::Json),
            pipeline::render_verify(&r, VerifyFormat::Text),
        )
    };
    let binary = |format: &str| {
        run(aibom()
            .arg("verify")
            .arg(m.path())
            .arg("--bundle")
            .arg(&bundle)
            .arg("--key")
            .arg(&public)
            .args(["-q", "-o", format]))
    };
    let (json, text) = facade(true);
    let o = binary("json");
    assert_eq!(code(&o), 0, "{}{}", out(&o), err(&o));
    assert_eq!(out(&o), json);
    assert_eq!(out(&binary("text")), text);
    // Tampered: both say NOT VERIFIED with the same report, and the binary exits 1.
    m.write("sub/tokenizer.json", b"{\"changed\": true}");
    m.write("extra.txt", b"x");
    let (json, text) = facade(false);
    let o = binary("json");
    assert_eq!(code(&o), 1, "{}{}", out(&o), err(&o));
    assert_eq!(out(&o), json);
    assert!(
        json.contains("sub/tokenizer.json") && json.contains("extra.txt"),
        "{json}"
    );
    assert_eq!(out(&binary("text")), text);
}

#[test]
fn library_errors_name_no_flags_and_the_cli_adds_them() {
    // A symbolic link without allowing symlinks.
    let m = temp_model(&[("w.bin", b"w")]);
    std::os::unix::fs::symlink("w.bin", m.path().join("alias.bin")).unwrap();
    let e = pipeline::scan(m.path(), &ScanOptions::default(), &NoProgress).unwrap_err();
    assert!(
        e.to_string().contains("symbolic link") && !e.to_string().contains("--"),
        "{e}"
    );
    let o = run(aibom().arg("digest").arg(m.path()));
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("--allow-symlinks"), "{}", err(&o));

    // No method: the library says which the bundle needs, the CLI which flag gives it.
    let m = temp_model(&[("w.bin", b"w")]);
    let key = PrivateKey::generate(Curve::P256);
    let opts = ScanOptions::default();
    let hashed = pipeline::hash(m.path(), &opts, &NoProgress).unwrap();
    let bundle = m.dir().join("m.sig");
    let signed = sign_model("m", &hashed, &opts.walk, &key, &SignerMaterial::Key);
    fs::write(&bundle, signed.to_json()).unwrap();
    let target = Target::Path(m.path().to_path_buf());
    let e = pipeline::verify(
        &target,
        &bundle,
        &Method::Detect,
        &VerifyOptions::default(),
        &NoProgress,
    )
    .unwrap_err();
    assert!(matches!(e, VerifyError::NoMethod { .. }), "{e}");
    assert_eq!(e.exit_code(), 2);
    assert!(!e.to_string().contains("--"), "{e}");
    let o = run(aibom()
        .arg("verify")
        .arg(m.path())
        .arg("--bundle")
        .arg(&bundle));
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("--key PUB.pem"), "{}", err(&o));

    // A keyless policy without an issuer.
    let identity = Claim {
        exact: Some("me@example.com".into()),
        regexp: None,
    };
    let e = pipeline::verify(
        &target,
        &bundle,
        &Method::Keyless {
            identity,
            issuer: Claim::default(),
        },
        &VerifyOptions::default(),
        &NoProgress,
    )
    .unwrap_err();
    // The typed detail travels inside the one error type, and is its source.
    assert!(
        matches!(
            &e,
            VerifyError::Policy {
                error: PolicyError::Missing(ClaimKind::Issuer),
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(e.kind(), aibom::error::ErrorKind::Usage);
    assert!(!e.to_string().contains("--"), "{e}");
    let source = std::error::Error::source(&e).expect("the policy error is the source");
    assert_eq!(
        source.downcast_ref::<PolicyError>(),
        Some(&PolicyError::Missing(ClaimKind::Issuer))
    );
    let o = run(aibom()
        .arg("verify")
        .arg(m.path())
        .arg("--bundle")
        .arg(&bundle)
        .args(["--certificate-identity", "me@example.com"]));
    assert_eq!(code(&o), 2);
    assert!(
        err(&o).contains("needs --certificate-oidc-issuer (or --certificate-oidc-issuer-regexp)"),
        "{}",
        err(&o)
    );
}

#[test]
fn the_library_never_prints() {
    // Only the binary's src/cli prints; stdout and stderr are the CLI's to decide.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut printing = Vec::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(&src).unwrap();
        if rel.starts_with("cli")
            || rel == Path::new("main.rs")
            || !rel.to_string_lossy().ends_with(".rs")
        {
            continue;
        }
        let text = fs::read_to_string(entry.path()).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if ["println!", "eprintln!", "print!(", "eprint!(", "dbg!("]
                .iter()
                .any(|m| code.contains(m))
            {
                printing.push(format!("src/{}:{}: {}", rel.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        printing.is_empty(),
        "the library prints:\n{}",
        printing.join("\n")
    );
}
