//! The edges of `keygen` / `sign` / `attest` / `verify` on the command line: flags that must not swallow
//! the model path, combinations that would check less than asked, a BOM of another model, bundles that
//! must not be replaced silently, messages that say which method or model a bundle is about, and
//! `verify -o FORMAT[=PATH]`. Each test builds its own model, keys and certificates in a temp dir and runs
//! the binary through tests/util (clean environment, deadline).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;
use std::time::Duration;

use aibom::attest::bundle::{Bundle, Content, Material, MessageSignature, MEDIA_TYPE_V03};
use aibom::attest::keys::PrivateKey;
use serde_json::Value;

mod util;
use util::{code, err, out, run};

/// The binary in `dir`, with a clean environment (tests/util).
fn aibom(dir: &Path) -> Command {
    let mut c = util::aibom();
    c.current_dir(dir);
    c
}

/// A temp dir with models `m/` and `other/` and a key pair `k.key` / `k.pub`.
fn setup() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    for (model, data) in [("m", "weights of m"), ("other", "weights of other")] {
        let d = t.path().join(model);
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("config.json"), b"{\"a\": 1}\n").unwrap();
        fs::write(d.join("model.bin"), data).unwrap();
    }
    let o = run(aibom(t.path()).args(["keygen", "--output-prefix", "k"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    t
}

fn digest(t: &Path, model: &str) -> String {
    let o = run(aibom(t).args(["digest", model]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    out(&o).trim().to_string()
}

/// Fulcio's OIDC issuer extension (v2), to make a certificate that looks keyless.
struct FulcioIssuer(&'static str);

impl der::oid::AssociatedOid for FulcioIssuer {
    const OID: der::oid::ObjectIdentifier =
        der::oid::ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.8");
}

impl der::Encode for FulcioIssuer {
    fn encoded_len(&self) -> der::Result<der::Length> {
        der::asn1::Utf8StringRef::new(self.0)?.encoded_len()
    }
    fn encode(&self, w: &mut impl der::Writer) -> der::Result<()> {
        der::asn1::Utf8StringRef::new(self.0)?.encode(w)
    }
}

impl x509_cert::ext::AsExtension for FulcioIssuer {
    fn critical(&self, _: &x509_cert::name::Name, _: &[x509_cert::ext::Extension]) -> bool {
        false
    }
}

/// Root CA -> leaf in `dir`: root.pem, leaf.pem, leaf.key; with `fulcio`, the leaf carries Fulcio's
/// issuer extension.
fn ca(dir: &Path, fulcio: Option<&'static str>) -> (PathBuf, PathBuf, PathBuf) {
    use der::EncodePem;
    use x509_cert::builder::{Builder, CertificateBuilder, Profile};
    use x509_cert::name::Name;
    use x509_cert::serial_number::SerialNumber;
    use x509_cert::spki::SubjectPublicKeyInfoOwned;
    use x509_cert::time::Validity;

    let validity = Validity::from_now(Duration::from_secs(3600)).unwrap();
    let root_key = p256::ecdsa::SigningKey::random(&mut rand_core::OsRng);
    let leaf_key = p256::ecdsa::SigningKey::random(&mut rand_core::OsRng);
    let spki = |k: &p256::ecdsa::SigningKey| {
        SubjectPublicKeyInfoOwned::from_key(*k.verifying_key()).unwrap()
    };
    let root_name = Name::from_str("CN=Edge Test Root").unwrap();
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
    let mut leaf = CertificateBuilder::new(
        Profile::Leaf {
            issuer: root_name,
            enable_key_agreement: false,
            enable_key_encipherment: false,
        },
        SerialNumber::from(2u32),
        validity,
        Name::from_str("CN=edge signer").unwrap(),
        spki(&leaf_key),
        &root_key,
    )
    .unwrap();
    if let Some(issuer) = fulcio {
        leaf.add_extension(&FulcioIssuer(issuer)).unwrap();
    }
    let leaf = leaf.build::<p256::ecdsa::DerSignature>().unwrap();
    let pem = |name: &str, c: &x509_cert::Certificate| {
        let p = dir.join(name);
        fs::write(&p, c.to_pem(der::pem::LineEnding::LF).unwrap()).unwrap();
        p
    };
    let key = dir.join("leaf.key");
    let k = PrivateKey::P256(leaf_key).to_pkcs8_pem(None).unwrap();
    fs::write(&key, k.as_bytes()).unwrap();
    (pem("root.pem", &root), pem("leaf.pem", &leaf), key)
}

#[test]
fn verify_hf_cache_refuses_a_model_path_bundle_and_key() {
    let t = setup();
    let p = t.path();
    fs::create_dir(p.join("cache")).unwrap();
    let o = run(aibom(p).args(["sign", "m", "--key", "k.key"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    for extra in [
        &["m", "--bundle", "m.sig", "--key", "k.pub"][..],
        &["m"],
        &["--bundle", "m.sig"],
        &["--key", "k.pub"],
        &["--certificate-chain", "k.pub"],
        &["--ignore-unsigned-files"],
        &["--ignore-paths", "x"],
    ] {
        let o = run(aibom(p).args(["verify", "--hf-cache", "cache"]).args(extra));
        assert_eq!(code(&o), 2, "{extra:?}: {}{}", out(&o), err(&o));
        assert!(!out(&o).contains("VERIFIED"), "{extra:?}: {}", out(&o));
        let e = err(&o);
        assert!(
            e.contains("--hf-cache") && e.contains("does not use"),
            "{e}"
        );
    }
    let o = run(aibom(p).args([
        "verify",
        "--hf-cache",
        "cache",
        "m",
        "--bundle",
        "m.sig",
        "--key",
        "k.pub",
    ]));
    let e = err(&o);
    assert!(
        e.contains("PATH") && e.contains("--bundle") && e.contains("--key"),
        "every ignored input is named: {e}"
    );
}

#[test]
fn certificate_chain_flag_before_the_model_path_does_not_swallow_it() {
    let t = setup();
    let p = t.path();
    let (root, leaf, key) = ca(p, None);
    // sign: the chain flag first, twice (one file per occurrence), then the model path.
    let o = run(aibom(p)
        .arg("sign")
        .arg("--certificate-chain")
        .arg(&root)
        .arg("--certificate-chain")
        .arg(&root)
        .arg("--certificate")
        .arg(&leaf)
        .arg("m")
        .arg("--key")
        .arg(&key)
        .args(["--bundle", "c.sig"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    // verify as cosign users write it: --certificate-chain ROOT before the path.
    let o = run(aibom(p)
        .arg("verify")
        .arg("--certificate-chain")
        .arg(&root)
        .args(["m", "--bundle", "c.sig"]));
    assert_eq!(code(&o), 0, "{}{}", out(&o), err(&o));
    assert!(out(&o).starts_with("VERIFIED: m"), "{}", out(&o));
    // Two files after one flag are not both chain files: the second is the (extra) model path.
    let o = run(aibom(p)
        .arg("verify")
        .arg("--certificate-chain")
        .arg(&root)
        .arg(&leaf)
        .args(["m", "--bundle", "c.sig"]));
    assert_eq!(code(&o), 2, "{}", err(&o));
}

#[test]
fn attest_refuses_a_bom_of_another_model_naming_it() {
    let t = setup();
    let p = t.path();
    let o = run(aibom(p).args(["scan", "other", "-q", "-o", "cyclonedx-json=other.bom.json"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    let o = run(aibom(p).args(["attest", "m", "--key", "k.key", "--bom", "other.bom.json"]));
    assert_eq!(code(&o), 2, "{}", err(&o));
    let e = err(&o);
    assert!(e.contains("other.bom.json"), "{e}");
    assert!(
        e.contains("'other'") && e.contains(&digest(p, "other")),
        "{e}"
    );
    assert!(e.contains(&digest(p, "m")), "{e}");
    assert!(!p.join("m.aibom.sigstore.json").exists());
    // The model's own BOM is accepted.
    let o = run(aibom(p).args(["scan", "m", "-q", "-o", "cyclonedx-json=m.bom.json"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    let o = run(aibom(p).args(["attest", "m", "--key", "k.key", "--bom", "m.bom.json"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
}

#[test]
fn attest_refuses_a_bom_that_does_not_say_which_model_it_describes() {
    let t = setup();
    let p = t.path();
    let o = run(aibom(p).args(["scan", "m", "-q", "-o", "cyclonedx-json=bom.json"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    let mut bom: Value = serde_json::from_slice(&fs::read(p.join("bom.json")).unwrap()).unwrap();
    bom["metadata"]["component"]
        .as_object_mut()
        .unwrap()
        .remove("properties");
    fs::write(p.join("bare.json"), serde_json::to_vec(&bom).unwrap()).unwrap();
    let o = run(aibom(p).args(["attest", "m", "--key", "k.key", "--bom", "bare.json"]));
    assert_eq!(code(&o), 2, "{}", err(&o));
    let e = err(&o);
    assert!(
        e.contains("bare.json") && e.contains("aibom:oms-root-digest"),
        "{e}"
    );
}

#[test]
fn attest_accepts_the_models_bom_written_inside_the_model() {
    let t = setup();
    let p = t.path();
    let o = run(aibom(p).args(["scan", "m", "-q", "-o", "cyclonedx-json=m/bom.json"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    let o = run(aibom(p).args(["attest", "m", "--key", "k.key", "--bom", "m/bom.json"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
}

#[test]
fn verify_without_a_method_says_which_the_bundle_needs() {
    let t = setup();
    let p = t.path();
    // Key method: the bundle's key hint.
    let o = run(aibom(p).args(["sign", "m", "--key", "k.key"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    let o = run(aibom(p).args(["verify", "m", "--bundle", "m.sig"]));
    assert_eq!(code(&o), 2);
    let e = err(&o);
    assert!(
        e.contains("m.sig") && e.contains("--key") && e.contains("hint"),
        "{e}"
    );
    // Certificate method: the issuing CA.
    let (root, leaf, key) = ca(p, None);
    let o = run(aibom(p)
        .args(["sign", "m", "--bundle", "c.sig", "--key"])
        .arg(&key)
        .arg("--certificate")
        .arg(&leaf)
        .arg("--certificate-chain")
        .arg(&root));
    assert_eq!(code(&o), 0, "{}", err(&o));
    let o = run(aibom(p).args(["verify", "m", "--bundle", "c.sig"]));
    assert_eq!(code(&o), 2);
    let e = err(&o);
    assert!(
        e.contains("--certificate-chain") && e.contains("Edge Test Root"),
        "{e}"
    );
    // Keyless: a certificate with Fulcio's issuer extension.
    let sub = p.join("fulcio");
    fs::create_dir(&sub).unwrap();
    let (_, fleaf, _) = ca(&sub, Some("https://accounts.example.com"));
    let pem = fs::read_to_string(&fleaf).unwrap();
    let der = x509_cert::Certificate::from_pem(pem.as_bytes())
        .map(|c| der::Encode::to_der(&c).unwrap())
        .unwrap();
    let kl = Bundle {
        media_type: MEDIA_TYPE_V03.to_string(),
        material: Material::Certificate(der),
        tlog_entries: Vec::new(),
        timestamp_verification_data: None,
        content: Content::Message(MessageSignature {
            digest: Some(("SHA2_256".to_string(), vec![0; 32])),
            signature: vec![0x30, 0x00],
        }),
    };
    fs::write(p.join("kl.sig"), kl.to_json()).unwrap();
    let o = run(aibom(p).args(["verify", "m", "--bundle", "kl.sig"]));
    assert_eq!(code(&o), 2);
    let e = err(&o);
    assert!(
        e.contains("keyless")
            && e.contains("--certificate-identity")
            && e.contains("--certificate-oidc-issuer")
            && e.contains("https://accounts.example.com"),
        "{e}"
    );
}

use der::DecodePem;

#[test]
fn verify_of_another_models_bundle_says_which_model_it_signs() {
    let t = setup();
    let p = t.path();
    let o = run(aibom(p).args(["sign", "other", "--key", "k.key"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    let o = run(aibom(p).args(["verify", "m", "--bundle", "other.sig", "--key", "k.pub"]));
    assert_eq!(code(&o), 1, "{}{}", out(&o), err(&o));
    let e = err(&o);
    assert!(
        e.contains("other.sig") && e.contains("'other'") && e.contains(&digest(p, "other")),
        "{e}"
    );
    let o = run(aibom(p).args([
        "verify",
        "m",
        "--bundle",
        "other.sig",
        "--key",
        "k.pub",
        "-o",
        "json",
    ]));
    let r: Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(r["model"], "other");
    assert_eq!(r["root_digest"], digest(p, "other"));
}

#[test]
fn sign_and_attest_refuse_to_replace_a_bundle_without_force() {
    let t = setup();
    let p = t.path();
    for (cmd, bundle) in [("sign", "m.sig"), ("attest", "m.aibom.sigstore.json")] {
        let o = run(aibom(p).args([cmd, "m", "--key", "k.key"]));
        assert_eq!(code(&o), 0, "{}", err(&o));
        let before = fs::read(p.join(bundle)).unwrap();
        fs::write(p.join("m/model.bin"), format!("changed for {cmd}")).unwrap();
        let o = run(aibom(p).args([cmd, "m", "--key", "k.key"]));
        assert_eq!(code(&o), 2, "{cmd}: {}", err(&o));
        assert!(
            err(&o).contains(bundle) && err(&o).contains("--force"),
            "{}",
            err(&o)
        );
        assert_eq!(fs::read(p.join(bundle)).unwrap(), before, "{cmd}");
        let o = run(aibom(p).args([cmd, "m", "--key", "k.key", "--force"]));
        assert_eq!(code(&o), 0, "{cmd}: {}", err(&o));
        assert_ne!(fs::read(p.join(bundle)).unwrap(), before, "{cmd}");
    }
}

#[test]
fn sign_bundle_dash_goes_to_stdout() {
    let t = setup();
    let p = t.path();
    let o = run(aibom(p).args(["sign", "m", "--key", "k.key", "--bundle", "-", "-q"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(!p.join("-").exists());
    Bundle::parse(&o.stdout).expect("a bundle on stdout");
}

#[test]
fn sign_refuses_a_bundle_path_that_is_its_own_key() {
    let t = setup();
    let p = t.path();
    let before = fs::read(p.join("k.key")).unwrap();
    let o = run(aibom(p).args([
        "sign", "m", "--key", "k.key", "--bundle", "k.key", "--force",
    ]));
    assert_eq!(code(&o), 2, "{}", err(&o));
    assert!(err(&o).contains("k.key"), "{}", err(&o));
    assert_eq!(fs::read(p.join("k.key")).unwrap(), before);
}

// ---- `verify -o FORMAT[=PATH]`: the syntax and writer of `scan -o` ----

fn verify_in(p: &Path, outputs: &[&str]) -> std::process::Output {
    let mut c = aibom(p);
    c.args(["verify", "m", "--bundle", "m.sig", "--key", "k.pub"]);
    for o in outputs {
        c.args(["-o", o]);
    }
    run(&mut c)
}

#[test]
fn verify_writes_each_output_where_its_spec_says() {
    let t = setup();
    let p = t.path();
    let o = run(aibom(p).args(["sign", "m", "--key", "k.key"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    // One verification, the JSON report to a file and the text verdict on stdout.
    fs::create_dir(p.join("reports")).unwrap();
    let o = verify_in(p, &["json=reports/r.json", "text"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(out(&o).starts_with("VERIFIED: m: 2 file(s)"), "{}", out(&o));
    let written = fs::read(p.join("reports/r.json")).unwrap();
    let r: Value = serde_json::from_slice(&written).unwrap();
    assert_eq!(r["verified"], true);
    // The file holds exactly what `-o json` prints; `FORMAT=-` is stdout too.
    for spec in ["json", "json=-"] {
        let o = verify_in(p, &[spec]);
        assert_eq!(code(&o), 0, "{}", err(&o));
        assert_eq!(o.stdout, written, "{spec}");
    }
    // A report written inside the model is not one of the model's files, on this run or the next.
    for _ in 0..2 {
        let o = run(aibom(p).args([
            "verify",
            "m",
            "--bundle",
            "m.sig",
            "--key",
            "k.pub",
            "-q",
            "-o",
            "json=m/verify.json",
        ]));
        assert_eq!(code(&o), 0, "{}{}", out(&o), err(&o));
        assert!(out(&o).is_empty(), "{}", out(&o));
        assert!(p.join("m/verify.json").is_file());
    }
    // Not verified: the reports are still written, and the exit code is 1.
    fs::write(p.join("m/model.bin"), "tampered").unwrap();
    let o = verify_in(p, &["text=reports/r.txt", "json"]);
    assert_eq!(code(&o), 1, "{}{}", out(&o), err(&o));
    let text = fs::read_to_string(p.join("reports/r.txt")).unwrap();
    assert!(
        text.starts_with("NOT VERIFIED: m\n") && text.contains("modified: model.bin"),
        "{text}"
    );
    let r: Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(r["verified"], false);
}

#[test]
fn verify_output_specs_are_checked_before_anything_is_read() {
    let t = setup();
    let p = t.path();
    let o = run(aibom(p).args(["sign", "m", "--key", "k.key"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    let key_before = fs::read(p.join("k.pub")).unwrap();
    for (specs, says) in [
        (&["json", "text"][..], "only one output can go to stdout"),
        (&["table"], "unknown output format 'table'"),
        (&["json=nowhere/r.json"], "does not exist"),
        (&["json=k.pub"], "an input of this command"),
        (&["text=m.sig"], "an input of this command"),
    ] {
        let o = verify_in(p, specs);
        assert_eq!(code(&o), 2, "{specs:?}: {}", err(&o));
        assert!(err(&o).contains(says), "{specs:?}: {}", err(&o));
        assert!(out(&o).is_empty(), "{specs:?}: {}", out(&o));
    }
    assert_eq!(fs::read(p.join("k.pub")).unwrap(), key_before);
    Bundle::parse(&fs::read(p.join("m.sig")).unwrap()).expect("the bundle is intact");
}

#[test]
fn verify_hf_cache_takes_the_same_outputs() {
    use sha1::Digest as _;
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    // A one-file Hugging Face cache: the blob is named by its git blob id, the snapshot links to it.
    let data = b"{\"model_type\": \"bert\"}";
    let mut h = sha1::Sha1::new();
    h.update(format!("blob {}\0", data.len()).as_bytes());
    h.update(data);
    let blob = hex::encode(h.finalize());
    let repo = p.join("cache/models--acme--tiny");
    let commit = "0123456789abcdef0123456789abcdef01234567";
    fs::create_dir_all(repo.join("blobs")).unwrap();
    fs::create_dir_all(repo.join("snapshots").join(commit)).unwrap();
    fs::create_dir_all(repo.join("refs")).unwrap();
    fs::write(repo.join("blobs").join(&blob), data).unwrap();
    fs::write(repo.join("refs/main"), commit).unwrap();
    std::os::unix::fs::symlink(
        format!("../../blobs/{blob}"),
        repo.join("snapshots").join(commit).join("config.json"),
    )
    .unwrap();
    let o = run(aibom(p).args([
        "verify",
        "--hf-cache",
        "cache",
        "-o",
        "json=c.json",
        "-o",
        "text",
    ]));
    assert_eq!(code(&o), 0, "{}{}", out(&o), err(&o));
    assert!(
        out(&o).starts_with("VERIFIED: cache: 1 file(s)"),
        "{}",
        out(&o)
    );
    let o = run(aibom(p).args(["verify", "--hf-cache", "cache", "-o", "json"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert_eq!(o.stdout, fs::read(p.join("c.json")).unwrap());
    let o = run(aibom(p).args(["verify", "--hf-cache", "cache", "-o", "json", "-o", "text"]));
    assert_eq!(code(&o), 2, "{}", err(&o));
    assert!(err(&o).contains("stdout"), "{}", err(&o));
}

/// Make a fifo at `p` (nothing ever opens its other end).
fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
    assert_eq!(
        unsafe { libc::mkfifo(c.as_ptr(), 0o600) },
        0,
        "{}",
        p.display()
    );
}

/// Run within a short deadline: a reader that opened a fifo would block forever and be killed.
fn run_quick(c: &mut Command) -> std::process::Output {
    util::run_within(c, std::time::Duration::from_secs(20))
}

#[test]
fn a_fifo_given_as_an_input_file_fails_with_exit_2_and_never_blocks() {
    let t = setup();
    let p = t.path();
    let o = run(aibom(p).args(["sign", "m", "--key", "k.key"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    let o = run(aibom(p).args(["scan", "m", "-q", "-o", "cyclonedx-json=m.bom.json"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
    mkfifo(&p.join("fifo.sig"));
    mkfifo(&p.join("fifo.key"));
    mkfifo(&p.join("fifo.pub"));
    mkfifo(&p.join("fifo.bom.json"));
    mkfifo(&p.join("fifo-root.json"));
    mkfifo(&p.join("fifo-ca.pem"));
    let cases: [&[&str]; 7] = [
        // a bundle to verify
        &["verify", "m", "--bundle", "fifo.sig", "--key", "k.pub"],
        // a private key to sign with, a public key to verify with
        &["sign", "m", "--key", "fifo.key", "--bundle", "out.sig"],
        &["verify", "m", "--bundle", "m.sig", "--key", "fifo.pub"],
        // a BOM given to attest
        &[
            "attest",
            "m",
            "--key",
            "k.key",
            "--bom",
            "fifo.bom.json",
            "--bundle",
            "a.sig",
        ],
        // a trusted root
        &[
            "verify",
            "m",
            "--bundle",
            "m.sig",
            "--key",
            "k.pub",
            "--trusted-root",
            "fifo-root.json",
        ],
        // a certificate chain
        &[
            "verify",
            "m",
            "--bundle",
            "m.sig",
            "--certificate-chain",
            "fifo-ca.pem",
        ],
        // a bundle whose method is detected
        &["verify", "m", "--bundle", "fifo.sig"],
    ];
    for args in cases {
        let o = run_quick(aibom(p).args(args));
        assert_eq!(code(&o), 2, "{args:?}: {}", err(&o));
        let e = err(&o);
        assert!(
            e.contains("fifo") && e.contains("not a regular file"),
            "{args:?}: {e}"
        );
    }
}

#[test]
fn a_fifo_named_like_a_model_file_fails_with_exit_2_and_never_blocks() {
    let t = tempfile::tempdir().unwrap();
    let m = t.path().join("m");
    fs::create_dir_all(&m).unwrap();
    fs::write(m.join("model.safetensors"), b"x").unwrap();
    mkfifo(&m.join("config.json"));
    for cmd in ["scan", "digest"] {
        let o = run_quick(aibom(t.path()).args([cmd, "m", "-q"]));
        assert_eq!(code(&o), 2, "{cmd}: {}", err(&o));
        assert!(err(&o).contains("config.json"), "{cmd}: {}", err(&o));
    }
}

#[test]
fn a_fifo_in_git_metadata_does_not_block_a_scan() {
    // `.git/` is not part of the model (not walked), but provenance reads HEAD and config from it.
    let t = tempfile::tempdir().unwrap();
    let m = t.path().join("m");
    fs::create_dir_all(m.join(".git")).unwrap();
    fs::write(m.join("model.safetensors"), b"x").unwrap();
    mkfifo(&m.join(".git/HEAD"));
    mkfifo(&m.join(".git/config"));
    let o = run_quick(aibom(t.path()).args(["scan", "m", "-q", "-o", "json=-"]));
    assert_eq!(code(&o), 0, "{}", err(&o));
}
