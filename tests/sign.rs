//! Signing and verification end to end: keygen / sign / attest / verify through the binary on models built
//! in temp dirs (round trips, tampering, encrypted keys, single files, `sha256:` targets, exit codes), plus
//! library-level checks of attestation subjects and of the certificate method with a CA chain made here.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::str::FromStr;
use std::time::Duration;

use aibom::attest::bundle::{Bundle, Content};
use aibom::attest::keys::{Curve, PrivateKey};
use aibom::attest::sign::{sign_model, SignerMaterial};
use aibom::attest::verify::{self, CheckOptions, Target};
use aibom::attest::{AttestError, ProblemCode, SignedContent, Signer};
use aibom::hash::NoProgress;
use aibom::scan::{self, ScanOptions};
use serde_json::Value;

fn aibom(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_aibom"));
    c.current_dir(dir).env_remove("AIBOM_KEY_PASSWORD");
    c
}

fn run(c: &mut Command) -> Output {
    c.output().expect("run aibom")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

/// A temp dir with a small model `m/` and a key pair `k.key`/`k.pub`.
fn setup(curve: &str) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let m = t.path().join("m");
    fs::create_dir_all(m.join("sub")).unwrap();
    fs::write(m.join("config.json"), b"{\"a\": 1}\n").unwrap();
    fs::write(m.join("model.bin"), vec![7u8; 5000]).unwrap();
    fs::write(m.join("sub/tok.txt"), b"tokens").unwrap();
    let o = run(aibom(t.path()).args(["keygen", "--curve", curve, "--output-prefix", "k"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    t
}

fn sign(t: &Path) {
    let o = run(aibom(t).args(["sign", "m", "--key", "k.key"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(
        t.join("m.sig").is_file(),
        "default bundle next to the model"
    );
}

fn verify(t: &Path, extra: &[&str]) -> Output {
    run(aibom(t)
        .args(["verify", "m", "--bundle", "m.sig", "--key", "k.pub"])
        .args(extra))
}

#[test]
fn sign_and_verify_round_trip_on_both_curves() {
    for curve in ["p256", "p384"] {
        let t = setup(curve);
        sign(t.path());
        let o = verify(t.path(), &[]);
        assert_eq!(code(&o), 0, "{curve}: {}{}", out(&o), err(&o));
        assert!(out(&o).starts_with("VERIFIED: m"), "{}", out(&o));
        let o = verify(t.path(), &["-o", "json"]);
        let r: Value = serde_json::from_str(&out(&o)).unwrap();
        assert_eq!(r["verified"], true);
        assert_eq!(r["signed"], "oms");
        assert_eq!(r["signer"]["method"], "key");
        assert_eq!(r["files_checked"], 3);
    }
}

#[test]
fn keygen_refuses_to_overwrite_without_force() {
    let t = setup("p256");
    let o = run(aibom(t.path()).args(["keygen", "--output-prefix", "k"]));
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("k.key"), "{}", err(&o));
    let o = run(aibom(t.path()).args(["keygen", "--output-prefix", "k", "--force"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
}

#[test]
fn signing_is_deterministic() {
    for curve in ["p256", "p384"] {
        let t = setup(curve);
        sign(t.path());
        let first = fs::read(t.path().join("m.sig")).unwrap();
        let o = run(aibom(t.path()).args(["sign", "m", "--key", "k.key", "--force"]));
        assert_eq!(code(&o), 0, "{}", err(&o));
        assert_eq!(first, fs::read(t.path().join("m.sig")).unwrap(), "{curve}");
    }
}

#[test]
fn tampering_is_reported_by_file_name() {
    let t = setup("p256");
    sign(t.path());
    let m = t.path().join("m");
    // One flipped byte.
    let mut b = fs::read(m.join("model.bin")).unwrap();
    b[100] ^= 1;
    fs::write(m.join("model.bin"), &b).unwrap();
    let o = verify(t.path(), &[]);
    assert_eq!(code(&o), 1);
    assert!(out(&o).contains("modified: model.bin"), "{}", out(&o));
    b[100] ^= 1;
    fs::write(m.join("model.bin"), &b).unwrap();
    // Renamed.
    fs::rename(m.join("sub/tok.txt"), m.join("sub/tok2.txt")).unwrap();
    let o = verify(t.path(), &[]);
    assert_eq!(code(&o), 1);
    assert!(out(&o).contains("missing: sub/tok.txt"), "{}", out(&o));
    assert!(out(&o).contains("extra: sub/tok2.txt"), "{}", out(&o));
    fs::rename(m.join("sub/tok2.txt"), m.join("sub/tok.txt")).unwrap();
    // Added: rejected, tolerated with --ignore-unsigned-files.
    fs::write(m.join("notes.md"), b"x").unwrap();
    let o = verify(t.path(), &[]);
    assert_eq!(code(&o), 1);
    assert!(out(&o).contains("extra: notes.md"), "{}", out(&o));
    assert_eq!(code(&verify(t.path(), &["--ignore-unsigned-files"])), 0);
    fs::remove_file(m.join("notes.md")).unwrap();
    // Deleted: never tolerated.
    fs::remove_file(m.join("config.json")).unwrap();
    let o = verify(t.path(), &["--ignore-unsigned-files"]);
    assert_eq!(code(&o), 1);
    assert!(out(&o).contains("missing: config.json"), "{}", out(&o));
}

#[test]
fn bundle_inside_the_model_is_left_out() {
    let t = setup("p256");
    let o = run(aibom(t.path()).args(["sign", "m", "--key", "k.key", "--bundle", "m/model.sig"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    let o = run(aibom(t.path()).args(["verify", "m", "--bundle", "m/model.sig", "--key", "k.pub"]));
    assert_eq!(code(&o), 0, "{}{}", out(&o), err(&o));
}

#[test]
fn encrypted_keys_need_the_password() {
    let t = setup("p256");
    let o = run(aibom(t.path()).env("AIBOM_KEY_PASSWORD", "s3cret").args([
        "keygen",
        "--output-prefix",
        "e",
        "--curve",
        "p384",
    ]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    let pem = fs::read_to_string(t.path().join("e.key")).unwrap();
    assert!(pem.contains("ENCRYPTED PRIVATE KEY"));
    let o = run(aibom(t.path()).args(["sign", "m", "--key", "e.key"]));
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("AIBOM_KEY_PASSWORD"), "{}", err(&o));
    let o = run(aibom(t.path())
        .env("AIBOM_KEY_PASSWORD", "wrong")
        .args(["sign", "m", "--key", "e.key"]));
    assert_eq!(code(&o), 2);
    let o = run(aibom(t.path())
        .env("AIBOM_KEY_PASSWORD", "s3cret")
        .args(["sign", "m", "--key", "e.key"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    let o = run(aibom(t.path()).args(["verify", "m", "--bundle", "m.sig", "--key", "e.pub"]));
    assert_eq!(code(&o), 0, "{}", out(&o));
}

#[test]
fn single_file_and_digest_targets() {
    let t = setup("p256");
    let o = run(aibom(t.path()).args(["sign", "m/model.bin", "--key", "k.key"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    let sig = t.path().join("m/model.bin.sig");
    assert!(sig.is_file());
    let v = |target: &str| {
        run(aibom(t.path()).args([
            "verify",
            target,
            "--bundle",
            "m/model.bin.sig",
            "--key",
            "k.pub",
        ]))
    };
    assert_eq!(code(&v("m/model.bin")), 0);
    let digest = out(&run(aibom(t.path()).args(["digest", "m/model.bin"])));
    assert_eq!(code(&v(digest.trim())), 0, "{digest}");
    let wrong = format!("sha256:{}", "0".repeat(64));
    assert_eq!(code(&v(&wrong)), 1);
    assert_eq!(code(&v("sha256:xyz")), 2);
    fs::write(t.path().join("m/model.bin"), b"changed").unwrap();
    let o = v("m/model.bin");
    assert_eq!(code(&o), 1);
    assert!(out(&o).contains("modified: model.bin"), "{}", out(&o));
    // A directory signature checked by its root digest, without the files.
    sign(t.path());
    let digest = out(&run(aibom(t.path()).args(["digest", "m"])));
    let o = run(aibom(t.path()).args([
        "verify",
        digest.trim(),
        "--bundle",
        "m.sig",
        "--key",
        "k.pub",
    ]));
    assert_eq!(code(&o), 0, "{}", out(&o));
}

#[test]
fn attestation_subjects_are_the_model_and_every_file() {
    let t = setup("p256");
    let o = run(aibom(t.path()).args(["attest", "m", "--key", "k.key"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    let b = Bundle::read(&t.path().join("m.aibom.sigstore.json")).unwrap();
    let Content::Dsse(env) = &b.content else {
        panic!("not DSSE")
    };
    let st: Value = serde_json::from_slice(&env.payload).unwrap();
    assert_eq!(st["predicateType"], "https://cyclonedx.org/bom");
    assert_eq!(st["predicate"]["bomFormat"], "CycloneDX");
    let subjects = st["subject"].as_array().unwrap();
    let digest = out(&run(aibom(t.path()).args(["digest", "m"])));
    assert_eq!(subjects[0]["name"], "m");
    assert_eq!(
        format!(
            "sha256:{}",
            subjects[0]["digest"]["sha256"].as_str().unwrap()
        ),
        digest.trim()
    );
    let names: Vec<&str> = subjects[1..]
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["config.json", "model.bin", "sub/tok.txt"]);
    // The attestation verifies the model, one file of it, and the root digest.
    for target in ["m", "m/sub/tok.txt", digest.trim()] {
        let o = run(aibom(t.path()).args([
            "verify",
            target,
            "--bundle",
            "m.aibom.sigstore.json",
            "--key",
            "k.pub",
            "-o",
            "json",
        ]));
        assert_eq!(code(&o), 0, "{target}: {}", out(&o));
        let r: Value = serde_json::from_str(&out(&o)).unwrap();
        assert_eq!(r["signed"], "aibom");
    }
    fs::write(t.path().join("m/sub/tok.txt"), b"other").unwrap();
    let o = run(aibom(t.path()).args([
        "verify",
        "m",
        "--bundle",
        "m.aibom.sigstore.json",
        "--key",
        "k.pub",
    ]));
    assert_eq!(code(&o), 1);
    assert!(out(&o).contains("modified: sub/tok.txt"), "{}", out(&o));
}

#[test]
fn unusable_input_exits_2_and_rejections_exit_1() {
    let t = setup("p256");
    sign(t.path());
    let p = t.path();
    fs::write(p.join("bad.sig"), b"{\"mediaType\": ").unwrap();
    let o = run(aibom(p).args(["verify", "m", "--bundle", "bad.sig", "--key", "k.pub"]));
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("bad.sig"), "{}", err(&o));
    let o = run(aibom(p).args(["verify", "m", "--bundle", "none.sig", "--key", "k.pub"]));
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("none.sig"), "{}", err(&o));
    let o = run(aibom(p).args(["verify", "m", "--bundle", "m.sig", "--key", "nokey.pub"]));
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("nokey.pub"), "{}", err(&o));
    let o = run(aibom(p).args(["verify", "m", "--bundle", "m.sig", "--key", "k.key"]));
    assert_eq!(code(&o), 2, "a private key is not a public key");
    let o = run(aibom(p).args(["verify", "m", "--bundle", "m.sig"]));
    assert_eq!(code(&o), 2);
    let o = run(aibom(p).args([
        "verify",
        "m",
        "--bundle",
        "m.sig",
        "--certificate-identity",
        "me@example.com",
        "--certificate-oidc-issuer",
        "https://accounts.google.com",
    ]));
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("not a keyless signature"), "{}", err(&o));
    // Another key: rejected.
    run(aibom(p).args(["keygen", "--output-prefix", "other"]));
    let o = run(aibom(p).args(["verify", "m", "--bundle", "m.sig", "--key", "other.pub"]));
    assert_eq!(code(&o), 1);
    assert!(out(&o).contains("key mismatch"), "{}", out(&o));
    let o = run(aibom(p).args([
        "verify",
        "m",
        "--bundle",
        "m.sig",
        "--key",
        "other.pub",
        "-o",
        "json",
    ]));
    assert_eq!(problem_codes(&o), ["key-mismatch"]);
    // Payload altered after signing: rejected.
    let mut b: Value = serde_json::from_slice(&fs::read(p.join("m.sig")).unwrap()).unwrap();
    b["verificationMaterial"]["publicKey"]
        .as_object_mut()
        .unwrap()
        .remove("hint");
    b["dsseEnvelope"]["payloadType"] = Value::from("text/plain");
    fs::write(p.join("alt.sig"), serde_json::to_vec(&b).unwrap()).unwrap();
    let o = run(aibom(p).args(["verify", "m", "--bundle", "alt.sig", "--key", "k.pub"]));
    assert_eq!(code(&o), 1, "{}", out(&o));
    assert_eq!(
        problem_codes(&o_json(p, "m", "alt.sig", &[])),
        ["signature-invalid"]
    );
    // A model that does not exist.
    let o = run(aibom(p).args(["verify", "gone", "--bundle", "m.sig", "--key", "k.pub"]));
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("gone"), "{}", err(&o));
}

/// Root CA -> intermediate CA -> leaf, made with the x509-cert builder.
fn ca_chain(dir: &Path) -> (PrivateKey, PathBuf, PathBuf, PathBuf) {
    ca_chain_named(dir, "CN=Test Intermediate CA", "CN=release signer")
}

/// Root CA (`CN=Test Root CA`) -> intermediate `int_name` -> leaf `leaf_name`, made with the x509-cert
/// builder; the leaf's key, and the three certificates as PEM files in `dir`.
fn ca_chain_named(
    dir: &Path,
    int_name: &str,
    leaf_name: &str,
) -> (PrivateKey, PathBuf, PathBuf, PathBuf) {
    use der::EncodePem;
    use x509_cert::builder::{Builder, CertificateBuilder, Profile};
    use x509_cert::name::Name;
    use x509_cert::serial_number::SerialNumber;
    use x509_cert::spki::SubjectPublicKeyInfoOwned;
    use x509_cert::time::Validity;

    fn spki(k: &p256::ecdsa::SigningKey) -> SubjectPublicKeyInfoOwned {
        SubjectPublicKeyInfoOwned::from_key(*k.verifying_key()).unwrap()
    }
    let validity = Validity::from_now(Duration::from_secs(3600)).unwrap();
    let root_key = p256::ecdsa::SigningKey::random(&mut rand_core::OsRng);
    let int_key = p256::ecdsa::SigningKey::random(&mut rand_core::OsRng);
    let leaf_key = p256::ecdsa::SigningKey::random(&mut rand_core::OsRng);
    let root_name = Name::from_str("CN=Test Root CA").unwrap();
    let int_name = Name::from_str(int_name).unwrap();
    let root = CertificateBuilder::new(
        Profile::Root,
        SerialNumber::from(1u32),
        validity,
        root_name.clone(),
        spki(&root_key),
        &root_key,
    )
    .unwrap()
    .build::<p256::ecdsa::DerSignature>()
    .unwrap();
    let int = CertificateBuilder::new(
        Profile::SubCA {
            issuer: root_name,
            path_len_constraint: Some(0),
        },
        SerialNumber::from(2u32),
        validity,
        int_name.clone(),
        spki(&int_key),
        &root_key,
    )
    .unwrap()
    .build::<p256::ecdsa::DerSignature>()
    .unwrap();
    let leaf = CertificateBuilder::new(
        Profile::Leaf {
            issuer: int_name,
            enable_key_agreement: false,
            enable_key_encipherment: false,
        },
        SerialNumber::from(3u32),
        validity,
        Name::from_str(leaf_name).unwrap(),
        spki(&leaf_key),
        &int_key,
    )
    .unwrap()
    .build::<p256::ecdsa::DerSignature>()
    .unwrap();
    let write = |name: &str, c: &x509_cert::Certificate| {
        let p = dir.join(name);
        fs::write(&p, c.to_pem(der::pem::LineEnding::LF).unwrap()).unwrap();
        p
    };
    (
        PrivateKey::P256(leaf_key),
        write("root.pem", &root),
        write("int.pem", &int),
        write("leaf.pem", &leaf),
    )
}

#[test]
fn certificate_method_chains_to_the_given_root() {
    let t = setup("p256");
    let (key, root, int, leaf) = ca_chain(t.path());
    let m = t.path().join("m");
    let opts = ScanOptions::default();
    let model = scan::hash_model(&m, &opts, &mut |_| {}, &NoProgress).unwrap();
    let material =
        SignerMaterial::from_certificate_files(&key, &leaf, std::slice::from_ref(&int)).unwrap();
    let bundle = sign_model("m", &model, &opts.walk, &key, &material);
    let roots = verify::read_roots(std::slice::from_ref(&root)).unwrap();
    let sig = verify::check_certificate_chain(&bundle, &roots).unwrap();
    assert!(
        matches!(&sig.signer, Signer::Certificate { subject, .. } if subject == "CN=release signer")
    );
    assert!(matches!(sig.content, SignedContent::Dsse { .. }));
    let check = CheckOptions {
        walk: opts.walk.clone(),
        ..CheckOptions::default()
    };
    let report = verify::check_content(
        &sig,
        &Target::Path(m.clone()),
        &check,
        &mut |_| {},
        &NoProgress,
    )
    .unwrap();
    assert!(report.verified, "{report:?}");
    // The intermediate is not a trust anchor on its own... but it is when given: both verify.
    assert!(verify::check_certificate_chain(&bundle, &verify::read_roots(&[int]).unwrap()).is_ok());
    // A root that did not issue the chain: rejected.
    let elsewhere = tempfile::tempdir().unwrap();
    let (_, other_root, _, _) = ca_chain(elsewhere.path());
    let e = verify::check_certificate_chain(&bundle, &verify::read_roots(&[other_root]).unwrap())
        .unwrap_err();
    assert_eq!(e.exit_code(), 1, "{e}");
    assert!(
        matches!(&e, AttestError::Rejected(p) if p.code == ProblemCode::CertificateUntrusted),
        "{e:?}"
    );
    // Through the CLI too.
    let b = t.path().join("cert.sig");
    fs::write(&b, bundle.to_json()).unwrap();
    let o = run(aibom(t.path())
        .args(["verify", "m", "--bundle", "cert.sig", "--certificate-chain"])
        .arg(&root));
    assert_eq!(code(&o), 0, "{}{}", out(&o), err(&o));
    let o = run(aibom(t.path()).args(["verify", "m", "--bundle", "cert.sig", "--key", "k.pub"]));
    assert_eq!(
        code(&o),
        2,
        "a certificate bundle needs --certificate-chain"
    );
    // A leaf certificate that does not certify the signing key is refused when signing.
    let other = PrivateKey::generate(Curve::P256);
    assert!(SignerMaterial::from_certificate_files(&other, &leaf, &[]).is_err());
}

/// The shape of model_signing's published certificate-method fixtures: the leaf carries the same subject
/// name as the intermediate that issued it (`CN=intermediate-ca`). Its own name must not make it a root,
/// and the path must go through the intermediate to the given root.
#[test]
fn leaf_named_like_its_intermediate_signs_and_verifies() {
    let t = setup("p256");
    let (key, root, int, leaf) =
        ca_chain_named(t.path(), "CN=intermediate-ca", "CN=intermediate-ca");
    let m = t.path().join("m");
    let opts = ScanOptions::default();
    let model = scan::hash_model(&m, &opts, &mut |_| {}, &NoProgress).unwrap();
    let material =
        SignerMaterial::from_certificate_files(&key, &leaf, std::slice::from_ref(&int)).unwrap();
    let bundle = sign_model("m", &model, &opts.walk, &key, &material);
    let roots = verify::read_roots(std::slice::from_ref(&root)).unwrap();
    let sig = verify::check_certificate_chain(&bundle, &roots).unwrap();
    assert!(matches!(
        &sig.signer,
        Signer::Certificate { subject, issuer } if subject == "CN=intermediate-ca" && issuer == subject
    ));
    let check = CheckOptions {
        walk: opts.walk.clone(),
        ..CheckOptions::default()
    };
    let report =
        verify::check_content(&sig, &Target::Path(m), &check, &mut |_| {}, &NoProgress).unwrap();
    assert!(report.verified, "{report:?}");
    let b = t.path().join("cert.sig");
    fs::write(&b, bundle.to_json()).unwrap();
    let o = run(aibom(t.path())
        .args(["verify", "m", "--bundle", "cert.sig", "--certificate-chain"])
        .arg(&root));
    assert_eq!(code(&o), 0, "{}{}", out(&o), err(&o));
    assert!(out(&o).contains("CN=intermediate-ca"), "{}", out(&o));
    // A trusted CA certificate of another CA with the issuer's very name: names pick candidates,
    // signatures decide.
    let elsewhere = tempfile::tempdir().unwrap();
    let (_, _, other_int, _) =
        ca_chain_named(elsewhere.path(), "CN=intermediate-ca", "CN=intermediate-ca");
    let o = run(aibom(t.path())
        .args(["verify", "m", "--bundle", "cert.sig", "--certificate-chain"])
        .arg(&other_int));
    assert_eq!(code(&o), 1, "{}{}", out(&o), err(&o));
    assert!(
        out(&o).contains("does not verify with the key of"),
        "{}",
        out(&o)
    );
}

/// `--key` with `--trusted-root`: a bundle without transparency-log entries (the OMS key method) needs no
/// root and verifies as before; the root given is still read and checked.
#[test]
fn key_bundle_without_log_entries_ignores_a_valid_trusted_root() {
    let t = setup("p256");
    sign(t.path());
    let root = t.path().join("trusted_root.json");
    fs::write(
        &root,
        sigstore_verify::trust_root::SIGSTORE_PRODUCTION_TRUSTED_ROOT,
    )
    .unwrap();
    let o = verify(t.path(), &["--trusted-root", "trusted_root.json"]);
    assert_eq!(code(&o), 0, "{}{}", out(&o), err(&o));
    fs::write(&root, b"{\"not\": \"a root\"}").unwrap();
    let o = verify(t.path(), &["--trusted-root", "trusted_root.json"]);
    assert_eq!(code(&o), 2, "{}{}", out(&o), err(&o));
    assert!(err(&o).contains("trusted root"), "{}", err(&o));
}

/// OMS key-method bundles are never logged: without transparency-log entries (`tlogEntries: []`, or none
/// at all as in older layouts) they verify with no flag, as before — `aibom sign` / model_signing
/// bundles, legacy `Digests/v0.1` statements and `aibom attest` attestations. A statement of another
/// predicate over the same files is a managed-key signature and needs its log entry (`tlog-missing`).
#[test]
fn oms_key_bundles_need_no_log_entry() {
    use aibom::attest::sign::sign_statement;

    let t = setup("p256");
    let p = t.path();
    sign(p);
    let expect_verified = |bundle: &str, kind: &str| {
        let o = run(aibom(p).args([
            "verify", "m", "--bundle", bundle, "--key", "k.pub", "-o", "json",
        ]));
        assert_eq!(code(&o), 0, "{bundle}: {}{}", out(&o), err(&o));
        let r: Value = serde_json::from_str(&out(&o)).unwrap();
        assert_eq!(r["signed"], kind, "{bundle}");
        assert!(!err(&o).contains("tlog"), "{bundle}: {}", err(&o));
    };
    let b: Value = serde_json::from_slice(&fs::read(p.join("m.sig")).unwrap()).unwrap();
    assert_eq!(
        b["verificationMaterial"]["tlogEntries"],
        serde_json::json!([])
    );
    expect_verified("m.sig", "oms");
    // The older layout: no tlogEntries key, a v0.2 media type.
    let mut old = b.clone();
    old["verificationMaterial"]
        .as_object_mut()
        .unwrap()
        .remove("tlogEntries");
    old["mediaType"] = Value::from("application/vnd.dev.sigstore.bundle+json;version=0.2");
    fs::write(p.join("old.sig"), serde_json::to_vec(&old).unwrap()).unwrap();
    expect_verified("old.sig", "oms");

    // model_signing's pre-1.0 statement: one subject per file.
    let key = PrivateKey::read(&p.join("k.key"), None).unwrap();
    let files = ["config.json", "model.bin", "sub/tok.txt"];
    let subjects: Vec<Value> = files
        .iter()
        .map(|f| {
            let d = <sha2::Sha256 as sha2::Digest>::digest(fs::read(p.join("m").join(f)).unwrap());
            serde_json::json!({"name": f, "digest": {"sha256": hex::encode(d)}})
        })
        .collect();
    let statement = |predicate_type: &str| {
        serde_json::to_vec(&serde_json::json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": subjects,
            "predicateType": predicate_type,
            "predicate": {}
        }))
        .unwrap()
    };
    let legacy = sign_statement(
        statement("https://model_signing/Digests/v0.1"),
        &key,
        &SignerMaterial::Key,
    );
    fs::write(p.join("legacy.sig"), legacy.to_json()).unwrap();
    expect_verified("legacy.sig", "oms-legacy");

    // The AIBOM attestation of the model.
    let o = run(aibom(p).args(["attest", "m", "--key", "k.key"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    expect_verified("m.aibom.sigstore.json", "aibom");

    // The same subjects under another predicate: a managed-key statement without its entry.
    let other = sign_statement(
        statement("https://slsa.dev/provenance/v1"),
        &key,
        &SignerMaterial::Key,
    );
    fs::write(p.join("other.sig"), other.to_json()).unwrap();
    let o = o_json(p, "m/model.bin", "other.sig", &[]);
    assert_eq!(code(&o), 1, "{}", out(&o));
    assert_eq!(problem_codes(&o), ["tlog-missing"]);
    let o = o_json(p, "m/model.bin", "other.sig", &["--insecure-ignore-tlog"]);
    assert_eq!(code(&o), 0, "{}{}", out(&o), err(&o));
}

/// Plain Sigstore bundles over one file, as cosign writes them with `--key`: a message signature over the
/// file's SHA-256 (`sign-blob`) and an in-toto statement naming the file (`attest-blob`). Without their
/// transparency-log entries (stripped, or never made) they are refused, as cosign refuses them; with
/// `--insecure-ignore-tlog` they verify against the file.
#[test]
fn cosign_style_blob_bundles_verify_against_the_file() {
    use aibom::attest::bundle::{Material, MessageSignature, MEDIA_TYPE_V03};
    use aibom::attest::sign::sign_statement;
    use sha2::{Digest, Sha256};

    let t = setup("p256");
    let key = PrivateKey::read(&t.path().join("k.key"), None).unwrap();
    let file = t.path().join("m/model.bin");
    let bytes = fs::read(&file).unwrap();
    let digest = Sha256::digest(&bytes).to_vec();
    let blob = Bundle {
        media_type: MEDIA_TYPE_V03.to_string(),
        material: Material::PublicKey {
            hint: None,
            raw_bytes: None,
        },
        tlog_entries: Vec::new(),
        timestamp_verification_data: None,
        content: Content::Message(MessageSignature {
            digest: Some(("SHA2_256".to_string(), digest.clone())),
            signature: key.sign(&bytes),
        }),
    };
    fs::write(t.path().join("blob.sig"), blob.to_json()).unwrap();
    let statement = serde_json::json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "model.bin", "digest": {"sha256": hex::encode(&digest)}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {}
    });
    let att = sign_statement(
        serde_json::to_vec(&statement).unwrap(),
        &key,
        &SignerMaterial::Key,
    );
    fs::write(t.path().join("att.sig"), att.to_json()).unwrap();
    let digest_arg = format!("sha256:{}", hex::encode(&digest));
    const IGNORE: &[&str] = &["--insecure-ignore-tlog"];
    for (bundle, kind) in [("blob.sig", "message-signature"), ("att.sig", "in-toto")] {
        for target in ["m/model.bin", digest_arg.as_str()] {
            // No log entry: refused by default, whatever the target.
            let o = o_json(t.path(), target, bundle, &[]);
            assert_eq!(code(&o), 1, "{bundle} {target}: {}{}", out(&o), err(&o));
            assert_eq!(problem_codes(&o), ["tlog-missing"], "{bundle} {target}");
            let r: Value = serde_json::from_str(&out(&o)).unwrap();
            assert_eq!(r["signed"], Value::Null);
            assert!(
                err(&o).contains("--insecure-ignore-tlog accepts it"),
                "{}",
                err(&o)
            );
            // Accepted when the verifier says so, with a warning.
            let o = o_json(t.path(), target, bundle, IGNORE);
            assert_eq!(code(&o), 0, "{bundle} {target}: {}{}", out(&o), err(&o));
            let r: Value = serde_json::from_str(&out(&o)).unwrap();
            assert_eq!(r["signed"], kind);
            assert!(
                err(&o).contains("warning: --insecure-ignore-tlog"),
                "{}",
                err(&o)
            );
        }
        // A model directory is not what these bundles sign.
        let o = run(aibom(t.path()).args(["verify", "m", "--bundle", bundle, "--key", "k.pub"]));
        assert_eq!(code(&o), 1, "{}", out(&o));
        assert_eq!(
            problem_codes(&o_json(t.path(), "m", bundle, IGNORE)),
            ["target-mismatch"]
        );
        // Nor is another file.
        assert_eq!(
            problem_codes(&o_json(t.path(), "m/config.json", bundle, IGNORE)),
            ["file-modified"]
        );
    }
    fs::write(&file, b"tampered").unwrap();
    for bundle in ["blob.sig", "att.sig"] {
        let o = run(aibom(t.path()).args([
            "verify",
            "m/model.bin",
            "--bundle",
            bundle,
            "--key",
            "k.pub",
            "--insecure-ignore-tlog",
        ]));
        assert_eq!(code(&o), 1, "{bundle}: {}", out(&o));
        assert!(out(&o).contains("model.bin"), "{}", out(&o));
    }
}

/// `verify TARGET --bundle BUNDLE --key k.pub -o json EXTRA...` in `dir`.
fn o_json(dir: &Path, target: &str, bundle: &str, extra: &[&str]) -> Output {
    run(aibom(dir)
        .args([
            "verify", target, "--bundle", bundle, "--key", "k.pub", "-o", "json",
        ])
        .args(extra))
}

/// The codes of a JSON report's problems, in order.
fn problem_codes(o: &Output) -> Vec<String> {
    let r: Value = serde_json::from_str(&out(o)).unwrap_or_else(|e| panic!("{e}: {}", out(o)));
    r["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_string())
        .collect()
}
