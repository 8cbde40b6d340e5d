//! Keyless verification against real Sigstore bundles (public-good production and staging instances),
//! and managed-key bundles (`cosign sign-blob --key`, logged in Rekor) checked with `--key`.
//!
//! The bundles are not copied into this repository: they are the test data shipped inside the
//! `sigstore-verify` crate itself, read at test time from where cargo unpacked it (found through
//! `cargo metadata` for the host platform). The crate's source is always present when this test builds, since it is compiled.

use std::path::PathBuf;

mod util;

use aibom::attest::keyless::{verify_keyless, IdentityMatch, KeylessArtifact, KeylessPolicy};
use aibom::attest::verify::{check_key_with, KeyCheck};
use aibom::attest::{ProblemCode, SignedContent, Signer};
use aibom::error::ErrorKind;
use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};

const CONDA_ID: &str =
    "https://github.com/prefix-dev/sigstore-example/.github/workflows/action.yaml@refs/heads/main";
const GH_ACTIONS: &str = "https://token.actions.githubusercontent.com";
const GH_OAUTH: &str = "https://github.com/login/oauth";

/// `test_data/` of the sigstore-verify crate in the cargo registry.
fn data_dir() -> &'static PathBuf {
    util::sigstore_verify_test_data()
}

fn read(rel: &str) -> Vec<u8> {
    let p = data_dir().join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn json(rel: &str) -> Value {
    serde_json::from_slice(&read(rel)).expect("test bundle is JSON")
}

/// The problem code of a failed verification: `Some` for a rejection (exit 1), `None` for unusable input
/// (exit 2).
fn code(e: &aibom::Error) -> Option<ProblemCode> {
    e.problem().map(|p| p.code)
}

fn to_bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

fn exact(s: &str) -> IdentityMatch {
    IdentityMatch::Exact(s.to_string())
}

fn policy(identity: &str, issuer: &str) -> KeylessPolicy {
    KeylessPolicy {
        identity: exact(identity),
        issuer: exact(issuer),
    }
}

fn conda_policy() -> KeylessPolicy {
    policy(CONDA_ID, GH_ACTIONS)
}

const CONDA_DSSE: &str = "bundles/conda-attestation.sigstore.json";
const CONDA_DSSE_REKOR2: &str = "bundles/conda-attestation-rekor2.sigstore.json";
const CONDA_PACKAGE: &str = "bundles/signed-package-2.1.0-hb0f4dca_0.conda";
const COSIGN_BLOB: &str = "bundles/cosign-v3-blob.sigstore.json";
const COSIGN_BLOB_ARTIFACT: &str = "bundles/cosign-v3-blob.txt";

fn staging_root() -> &'static [u8] {
    sigstore_verify::trust_root::SIGSTORE_STAGING_TRUSTED_ROOT.as_bytes()
}

fn production_root() -> Value {
    serde_json::from_str(sigstore_verify::trust_root::SIGSTORE_PRODUCTION_TRUSTED_ROOT).unwrap()
}

// ---- valid bundles ----

#[test]
fn dsse_v03_rekor_v1_verifies_without_artifact_and_returns_the_payload() {
    let bundle = read(CONDA_DSSE);
    let v = verify_keyless(&bundle, &conda_policy(), None, KeylessArtifact::None).unwrap();
    let SignedContent::Dsse {
        payload_type,
        payload,
    } = &v.content
    else {
        panic!("expected DSSE content, got {:?}", v.content)
    };
    assert_eq!(payload_type, "application/vnd.in-toto+json");
    let statement: Value = serde_json::from_slice(payload).unwrap();
    assert_eq!(
        statement["subject"][0]["name"],
        "signed-package-2.1.0-hb0f4dca_0.conda"
    );
    let Signer::Keyless {
        identity,
        issuer,
        integrated_time,
        log_index,
    } = &v.signer
    else {
        panic!("expected a keyless signer")
    };
    assert_eq!(identity, CONDA_ID);
    assert_eq!(issuer, GH_ACTIONS);
    assert_eq!(*integrated_time, Some(1756728839));
    let b = json(CONDA_DSSE);
    let idx: u64 = b["verificationMaterial"]["tlogEntries"][0]["logIndex"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(*log_index, Some(idx));
}

#[test]
fn dsse_with_artifact_digest_binds_the_subject() {
    let bundle = read(CONDA_DSSE);
    let digest = sha256(&read(CONDA_PACKAGE));
    verify_keyless(
        &bundle,
        &conda_policy(),
        None,
        KeylessArtifact::Digest(digest),
    )
    .unwrap();
    let e = verify_keyless(
        &bundle,
        &conda_policy(),
        None,
        KeylessArtifact::Digest(sha256(b"another file")),
    )
    .unwrap_err();
    assert_eq!(code(&e), Some(ProblemCode::ArtifactMismatch), "{e}");
}

#[test]
fn regex_identity_and_issuer() {
    let bundle = read(CONDA_DSSE);
    let p = KeylessPolicy {
        identity: IdentityMatch::compile(r"^https://github\.com/prefix-dev/.+@refs/heads/main$")
            .unwrap(),
        issuer: IdentityMatch::compile(r"^https://token\.actions\.").unwrap(),
    };
    verify_keyless(&bundle, &p, None, KeylessArtifact::None).unwrap();

    let p = KeylessPolicy {
        identity: IdentityMatch::compile(r"^https://github\.com/other-org/").unwrap(),
        issuer: exact(GH_ACTIONS),
    };
    let e = verify_keyless(&bundle, &p, None, KeylessArtifact::None).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "certificate identity {CONDA_ID} does not match the identity pattern ^https://github\\.com/other-org/"
        )
    );
    let p = KeylessPolicy {
        identity: exact(CONDA_ID),
        issuer: IdentityMatch::compile("accounts\\.google").unwrap(),
    };
    let e = verify_keyless(&bundle, &p, None, KeylessArtifact::None).unwrap_err();
    assert_eq!(code(&e), Some(ProblemCode::IssuerMismatch), "{e}");
}

#[test]
fn message_signature_v03_with_tsa_verifies_against_the_artifact_digest() {
    let bundle = read(COSIGN_BLOB);
    let digest = sha256(&read(COSIGN_BLOB_ARTIFACT));
    let p = policy("w.vollprecht@gmail.com", GH_OAUTH);
    let v = verify_keyless(&bundle, &p, None, KeylessArtifact::Digest(digest)).unwrap();
    assert_eq!(
        v.content,
        SignedContent::MessageDigest {
            algorithm: "sha256".to_string(),
            digest: digest.to_vec()
        }
    );
    assert!(matches!(
        v.signer,
        Signer::Keyless {
            integrated_time: Some(_),
            ..
        }
    ));

    let e = verify_keyless(&bundle, &p, None, KeylessArtifact::None).unwrap_err();
    assert_eq!(code(&e), None, "{e}");
    assert_eq!(e.kind(), ErrorKind::Invalid);
    assert!(
        e.to_string().contains("the artifact's SHA-256 is needed"),
        "{e}"
    );

    let mut other = read(COSIGN_BLOB_ARTIFACT);
    other.push(b'\n');
    let e = verify_keyless(&bundle, &p, None, KeylessArtifact::Digest(sha256(&other))).unwrap_err();
    assert!(e.is_rejection());
    assert!(
        matches!(
            code(&e),
            Some(ProblemCode::ArtifactMismatch | ProblemCode::SignatureInvalid)
        ),
        "{e}"
    );
}

/// The digest a message-signature bundle records (its artifact is not in the test data).
fn message_digest(b: &Value) -> [u8; 32] {
    let d = base64::engine::general_purpose::STANDARD
        .decode(
            b["messageSignature"]["messageDigest"]["digest"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
    d.try_into().unwrap()
}

#[test]
fn media_type_v02_message_signature_verifies() {
    // GitHub Actions identity (URI SAN); the wheel itself is not in the test data, so the digest the
    // bundle records stands in for it.
    let b = json("bundles/bundle_v3_github.whl.sigstore");
    assert_eq!(
        b["mediaType"],
        "application/vnd.dev.sigstore.bundle+json;version=0.2"
    );
    let id =
        "https://github.com/trailofbits/rfc8785.py/.github/workflows/release.yml@refs/tags/v0.1.2";
    let d = message_digest(&b);
    verify_keyless(
        &to_bytes(&b),
        &policy(id, GH_ACTIONS),
        None,
        KeylessArtifact::Digest(d),
    )
    .unwrap();
}

#[test]
fn media_type_v01_dsse_with_inclusion_promise_only_verifies() {
    // Rekor v1 intoto entry with a signed entry timestamp and no inclusion proof; the statement's only
    // subject has a sha512 digest.
    let b = read("bundles/dsse.sigstore.json");
    let p = policy("brian@dehamer.com", GH_OAUTH);
    let v = verify_keyless(&b, &p, None, KeylessArtifact::None).unwrap();
    assert!(matches!(v.content, SignedContent::Dsse { .. }));
}

#[test]
fn rekor_v2_with_tsa_verifies_against_a_given_trusted_root() {
    // Signed on the staging instance: the embedded production root must reject it, the staging root
    // given as trusted_root.json must accept it.
    let b = read(CONDA_DSSE_REKOR2);
    let p = policy("jku@goto.fi", GH_OAUTH);
    let v = verify_keyless(&b, &p, Some(staging_root()), KeylessArtifact::None).unwrap();
    // Rekor v2 has no authenticated integrated time; the time came from the TSA.
    assert!(matches!(
        v.signer,
        Signer::Keyless {
            integrated_time: None,
            log_index: Some(_),
            ..
        }
    ));
    let e = verify_keyless(&b, &p, None, KeylessArtifact::None).unwrap_err();
    assert!(e.is_rejection(), "{e}");

    let b = read("upstream/sigstore-python/staging-rekor-v2.txt.sigstore.json");
    let d = sha256(&read("upstream/sigstore-python/staging-rekor-v2.txt"));
    verify_keyless(&b, &p, Some(staging_root()), KeylessArtifact::Digest(d)).unwrap();
}

// ---- policy failures ----

#[test]
fn wrong_identity_is_named() {
    let b = read(CONDA_DSSE);
    let e = verify_keyless(
        &b,
        &policy("someone@example.com", GH_ACTIONS),
        None,
        KeylessArtifact::None,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("certificate identity {CONDA_ID} does not match the expected identity someone@example.com")
    );
    assert!(e.is_rejection());
}

#[test]
fn wrong_issuer_is_named() {
    let b = read(CONDA_DSSE);
    let e = verify_keyless(
        &b,
        &policy(CONDA_ID, "https://accounts.google.com"),
        None,
        KeylessArtifact::None,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("certificate OIDC issuer {GH_ACTIONS} does not match the expected OIDC issuer https://accounts.google.com")
    );
}

// ---- tampering ----

#[test]
fn tampered_payload_is_rejected() {
    let mut b = json(CONDA_DSSE);
    let engine = base64::engine::general_purpose::STANDARD;
    let mut payload = engine
        .decode(b["dsseEnvelope"]["payload"].as_str().unwrap())
        .unwrap();
    let text = String::from_utf8(payload.clone()).unwrap();
    let at = text.find("54303491").unwrap();
    payload[at] = b'6';
    b["dsseEnvelope"]["payload"] = Value::String(engine.encode(&payload));
    let e =
        verify_keyless(&to_bytes(&b), &conda_policy(), None, KeylessArtifact::None).unwrap_err();
    assert!(
        matches!(
            code(&e),
            Some(ProblemCode::SignatureInvalid | ProblemCode::TlogInvalid)
        ),
        "{e}"
    );
}

#[test]
fn tampered_signature_is_rejected() {
    let mut b = json(COSIGN_BLOB);
    let engine = base64::engine::general_purpose::STANDARD;
    let mut sig = engine
        .decode(b["messageSignature"]["signature"].as_str().unwrap())
        .unwrap();
    let n = sig.len();
    sig[n - 3] ^= 1;
    b["messageSignature"]["signature"] = Value::String(engine.encode(&sig));
    let d = sha256(&read(COSIGN_BLOB_ARTIFACT));
    let e = verify_keyless(
        &to_bytes(&b),
        &policy("w.vollprecht@gmail.com", GH_OAUTH),
        None,
        KeylessArtifact::Digest(d),
    )
    .unwrap_err();
    assert!(e.is_rejection(), "{e}");
}

#[test]
fn tampered_inclusion_proof_is_rejected() {
    let mut b = json(CONDA_DSSE);
    let hashes = &mut b["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]["hashes"];
    hashes[0] = Value::String(base64::engine::general_purpose::STANDARD.encode([7u8; 32]));
    let e =
        verify_keyless(&to_bytes(&b), &conda_policy(), None, KeylessArtifact::None).unwrap_err();
    assert_eq!(code(&e), Some(ProblemCode::TlogInvalid), "{e}");
}

#[test]
fn integrated_time_after_certificate_expiry_is_rejected() {
    // The certificate is valid for ten minutes from 2025-09-01T12:13:59Z. Moving the log's integrated
    // time an hour later (after expiry) must fail: the signed entry timestamp no longer verifies.
    let mut b = json(CONDA_DSSE);
    let entry = &mut b["verificationMaterial"]["tlogEntries"][0];
    entry["integratedTime"] = Value::String((1756728839i64 + 3600).to_string());
    let e =
        verify_keyless(&to_bytes(&b), &conda_policy(), None, KeylessArtifact::None).unwrap_err();
    assert_eq!(code(&e), Some(ProblemCode::TlogInvalid), "{e}");

    // Without the signed entry timestamp the (unauthenticated) integrated time cannot vouch for the
    // signing time, and this bundle has no RFC 3161 timestamp: no trusted time, no verification.
    let entry = &mut b["verificationMaterial"]["tlogEntries"][0];
    entry.as_object_mut().unwrap().remove("inclusionPromise");
    let e =
        verify_keyless(&to_bytes(&b), &conda_policy(), None, KeylessArtifact::None).unwrap_err();
    assert_eq!(code(&e), Some(ProblemCode::TimestampInvalid), "{e}");
}

#[test]
fn log_entry_of_another_signature_is_rejected() {
    // CVE-2022-36056: a valid log entry (staging instance) that belongs to a different signature.
    let b = json("bundles/bundle_cve_2022_36056.txt.sigstore");
    let d = message_digest(&b);
    let e = verify_keyless(
        &to_bytes(&b),
        &policy("william@yossarian.net", GH_OAUTH),
        Some(staging_root()),
        KeylessArtifact::Digest(d),
    )
    .unwrap_err();
    assert_eq!(code(&e), Some(ProblemCode::TlogInvalid), "{e}");
}

// ---- trusted roots ----

#[test]
fn other_fulcio_ca_breaks_the_chain() {
    // The production root with its Fulcio CAs replaced by staging's: log keys still verify, the
    // certificate chain does not.
    let mut root = production_root();
    let staging: Value = serde_json::from_slice(staging_root()).unwrap();
    root["certificateAuthorities"] = staging["certificateAuthorities"].clone();
    let e = verify_keyless(
        &read(CONDA_DSSE),
        &conda_policy(),
        Some(&to_bytes(&root)),
        KeylessArtifact::None,
    )
    .unwrap_err();
    assert_eq!(code(&e), Some(ProblemCode::CertificateUntrusted), "{e}");
}

#[test]
fn empty_trusted_root_verifies_nothing() {
    let mut root = production_root();
    for k in [
        "certificateAuthorities",
        "tlogs",
        "ctlogs",
        "timestampAuthorities",
    ] {
        root[k] = Value::Array(vec![]);
    }
    let e = verify_keyless(
        &read(CONDA_DSSE),
        &conda_policy(),
        Some(&to_bytes(&root)),
        KeylessArtifact::None,
    )
    .unwrap_err();
    assert!(e.is_rejection(), "{e}");
}

#[test]
fn untrusted_ct_log_key_fails_the_sct() {
    // A production bundle (v0.1 media type); the conformance suite's trusted root carries a CT log key
    // that did not sign the certificate's SCT.
    let b = json("invalid-ct-key_fail/bundle.sigstore.json");
    let d = message_digest(&b);
    let p = KeylessPolicy {
        identity: IdentityMatch::compile(
            "^https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/",
        )
        .unwrap(),
        issuer: exact(GH_ACTIONS),
    };
    verify_keyless(&to_bytes(&b), &p, None, KeylessArtifact::Digest(d)).unwrap();
    let e = verify_keyless(
        &to_bytes(&b),
        &p,
        Some(&read("invalid-ct-key_fail/trusted_root.json")),
        KeylessArtifact::Digest(d),
    )
    .unwrap_err();
    // A certificate rejected, or the root refused as unusable input.
    assert!(
        code(&e) == Some(ProblemCode::CertificateUntrusted)
            || e.to_string().starts_with("trusted root unusable"),
        "{e}"
    );
}

#[test]
fn inclusion_proof_without_checkpoint_is_rejected() {
    let b = json("bundles/bundle_no_checkpoint.txt.sigstore");
    let d = message_digest(&b);
    let e = verify_keyless(
        &to_bytes(&b),
        &policy("william@yossarian.net", GH_OAUTH),
        None,
        KeylessArtifact::Digest(d),
    )
    .unwrap_err();
    assert_eq!(code(&e), Some(ProblemCode::BundleInvalid), "{e}");
}

// ---- bundle shape ----

#[test]
fn media_type_must_be_present_and_known() {
    let mut b = json(CONDA_DSSE);
    b.as_object_mut().unwrap().remove("mediaType");
    let e =
        verify_keyless(&to_bytes(&b), &conda_policy(), None, KeylessArtifact::None).unwrap_err();
    assert_eq!((code(&e), e.kind()), (None, ErrorKind::Invalid), "{e}");
    assert!(e.to_string().starts_with("bundle has no mediaType"), "{e}");
    let e = verify_keyless(
        &read("bundles/bundle_invalid_version.txt.sigstore"),
        &policy("william@yossarian.net", GH_OAUTH),
        None,
        KeylessArtifact::Digest([0; 32]),
    )
    .unwrap_err();
    assert_eq!((code(&e), e.kind()), (None, ErrorKind::Invalid), "{e}");
    assert!(e.to_string().starts_with("bundle media type "), "{e}");
}

#[test]
fn public_key_bundle_is_not_keyless() {
    let e = verify_keyless(
        &read("managed-key/bundle.sigstore.json"),
        &conda_policy(),
        None,
        KeylessArtifact::None,
    )
    .unwrap_err();
    assert_eq!((code(&e), e.kind()), (None, ErrorKind::Invalid), "{e}");
    assert!(e.to_string().contains("not a keyless signature"), "{e}");
}

#[test]
fn bundle_without_log_entry_is_rejected() {
    let b = json("bundles/bundle_no_log_entry.txt.sigstore");
    let e = verify_keyless(
        &to_bytes(&b),
        &policy(
            "alex.cameron@trailofbits.com",
            "https://accounts.google.com",
        ),
        None,
        KeylessArtifact::Digest([0; 32]),
    )
    .unwrap_err();
    assert_eq!(code(&e), Some(ProblemCode::BundleInvalid), "{e}");
}

// ---- the CLI: `aibom verify` with the keyless flags ----

fn verify_cli(artifact: &str, bundle: &str, extra: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_aibom"))
        .arg("verify")
        .arg(data_dir().join(artifact))
        .arg("--bundle")
        .arg(data_dir().join(bundle))
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn cli_keyless_blob_verifies_with_identity_and_issuer() {
    let o = verify_cli(
        COSIGN_BLOB_ARTIFACT,
        COSIGN_BLOB,
        &[
            "--certificate-identity",
            "w.vollprecht@gmail.com",
            "--certificate-oidc-issuer",
            GH_OAUTH,
        ],
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.starts_with("VERIFIED"), "{out}");
    assert!(out.contains("w.vollprecht@gmail.com"), "{out}");
}

#[test]
fn cli_keyless_wrong_identity_is_not_verified_and_named() {
    let o = verify_cli(
        COSIGN_BLOB_ARTIFACT,
        COSIGN_BLOB,
        &[
            "--certificate-identity",
            "someone@example.com",
            "--certificate-oidc-issuer",
            GH_OAUTH,
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(all.contains("someone@example.com"), "{all}");
    let o = verify_cli(
        COSIGN_BLOB_ARTIFACT,
        COSIGN_BLOB,
        &[
            "--certificate-identity",
            "someone@example.com",
            "--certificate-oidc-issuer",
            GH_OAUTH,
            "-o",
            "json",
        ],
    );
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["verified"], false);
    assert_eq!(r["problems"][0]["code"], "identity-mismatch");
    assert_eq!(r["problems"].as_array().unwrap().len(), 1);
}

#[test]
fn cli_keyless_needs_an_issuer() {
    let o = verify_cli(
        COSIGN_BLOB_ARTIFACT,
        COSIGN_BLOB,
        &["--certificate-identity", "w.vollprecht@gmail.com"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--certificate-oidc-issuer"));
}

#[test]
fn cli_keyless_dsse_attestation_names_the_downloaded_file() {
    let o = verify_cli(
        CONDA_PACKAGE,
        CONDA_DSSE,
        &[
            "--certificate-identity-regexp",
            "^https://github\\.com/",
            "--certificate-oidc-issuer",
            GH_ACTIONS,
        ],
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

// ---- managed-key bundles: `aibom verify --key` on a bundle logged in Rekor ----

const MANAGED: &str = "managed-key/bundle.sigstore.json";
const MANAGED_KEY: &str = "managed-key/key.pub";
const MANAGED_ARTIFACT: &str = "managed-key/artifact.txt";

fn managed_key() -> aibom::attest::keys::PublicKey {
    aibom::attest::keys::PublicKey::from_pem(&String::from_utf8(read(MANAGED_KEY)).unwrap())
        .unwrap()
}

fn check_managed(
    b: &Value,
    root: Option<&[u8]>,
) -> aibom::attest::AttestResult<aibom::attest::VerifiedSignature> {
    let bundle = aibom::attest::bundle::Bundle::parse(&to_bytes(b)).unwrap();
    aibom::attest::verify::check_key_with_root(&bundle, &managed_key(), root)
}

#[test]
fn managed_key_bundle_verifies_with_its_log_entry() {
    let b = json(MANAGED);
    // cosign's hint (base64 SHA-256 of the DER key) is not model_signing's: it must not matter.
    assert!(b["verificationMaterial"]["publicKey"]["hint"]
        .as_str()
        .unwrap()
        .ends_with('='));
    let v = check_managed(&b, None).unwrap();
    let SignedContent::MessageDigest { digest, .. } = &v.content else {
        panic!("not a message signature: {:?}", v.content)
    };
    assert_eq!(digest.as_slice(), sha256(&read(MANAGED_ARTIFACT)));
    assert!(matches!(v.signer, Signer::Key { .. }));
    // The same with the production root given as a file.
    let root = sigstore_verify::trust_root::SIGSTORE_PRODUCTION_TRUSTED_ROOT.as_bytes();
    check_managed(&b, Some(root)).unwrap();
}

#[test]
fn managed_key_hint_is_advisory() {
    for hint in [
        Some("opaque-key-name"),
        Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
        Some("00"),
        None,
    ] {
        let mut b = json(MANAGED);
        let pk = b["verificationMaterial"]["publicKey"]
            .as_object_mut()
            .unwrap();
        match hint {
            Some(h) => {
                pk.insert("hint".into(), Value::from(h));
            }
            None => {
                pk.remove("hint");
            }
        }
        check_managed(&b, None).unwrap_or_else(|e| panic!("hint {hint:?}: {e}"));
    }
}

#[test]
fn managed_key_wrong_key_is_rejected_and_the_hint_explains_it() {
    let bundle = aibom::attest::bundle::Bundle::parse(&read(MANAGED)).unwrap();
    let other = aibom::attest::keys::PrivateKey::generate(aibom::attest::keys::Curve::P256);
    let e = aibom::attest::verify::check_key(&bundle, &other.public_key()).unwrap_err();
    assert_eq!(e.exit_code(), 1, "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("key mismatch") && msg.contains("names another key"),
        "{msg}"
    );
    assert_eq!(rejection_code(&e), ProblemCode::KeyMismatch);
}

/// The problem code of a rejection.
fn rejection_code(e: &aibom::attest::AttestError) -> ProblemCode {
    match e {
        aibom::attest::AttestError::Rejected(p) => p.code,
        other => panic!("not a rejection: {other:?}"),
    }
}

#[test]
fn managed_key_tampered_log_entry_is_rejected() {
    fn entry(b: &mut Value) -> &mut Value {
        &mut b["verificationMaterial"]["tlogEntries"][0]
    }
    // A wrong inclusion-proof hash.
    let mut b = json(MANAGED);
    entry(&mut b)["inclusionProof"]["hashes"][0] =
        Value::String(base64::engine::general_purpose::STANDARD.encode([7u8; 32]));
    let e = check_managed(&b, None).unwrap_err();
    assert_eq!(e.exit_code(), 1, "{e}");
    assert!(e.to_string().contains("transparency log"), "{e}");
    assert_eq!(rejection_code(&e), ProblemCode::TlogInvalid);
    // An integrated time the signed entry timestamp does not cover.
    let mut b = json(MANAGED);
    entry(&mut b)["integratedTime"] = Value::String("1766077480".to_string());
    let e = check_managed(&b, None).unwrap_err();
    assert_eq!(e.exit_code(), 1, "{e}");
    // No inclusion proof in a v0.3 bundle: nothing proves the entry is in the log.
    let mut b = json(MANAGED);
    entry(&mut b)
        .as_object_mut()
        .unwrap()
        .remove("inclusionProof");
    assert_eq!(check_managed(&b, None).unwrap_err().exit_code(), 1);
}

#[test]
fn managed_key_log_entry_of_another_signature_is_rejected() {
    // A genuine production log entry, but of a keyless signature over another file.
    let donor = json(COSIGN_BLOB);
    let mut b = json(MANAGED);
    b["verificationMaterial"]["tlogEntries"] = donor["verificationMaterial"]["tlogEntries"].clone();
    let e = check_managed(&b, None).unwrap_err();
    assert_eq!(e.exit_code(), 1, "{e}");
}

#[test]
fn managed_key_needs_the_rekor_key_of_the_trusted_root() {
    let e = check_managed(&json(MANAGED), Some(staging_root())).unwrap_err();
    assert_eq!(e.exit_code(), 1, "{e}");
    assert!(e.to_string().contains("Rekor key"), "{e}");
    assert_eq!(rejection_code(&e), ProblemCode::TlogInvalid);
    let e = check_managed(&json(MANAGED), Some(b"{}")).unwrap_err();
    assert_eq!(e.exit_code(), 2, "{e}");
}

#[test]
fn cli_managed_key_bundle_verifies_the_file() {
    let key = data_dir().join(MANAGED_KEY);
    let key = key.to_str().unwrap();
    let o = verify_cli(MANAGED_ARTIFACT, MANAGED, &["--key", key]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.starts_with("VERIFIED"), "{out}");
    // --key with --trusted-root: the given root's Rekor keys decide.
    let t = tempfile::tempdir().unwrap();
    let prod = t.path().join("prod.json");
    std::fs::write(
        &prod,
        sigstore_verify::trust_root::SIGSTORE_PRODUCTION_TRUSTED_ROOT,
    )
    .unwrap();
    let staging = t.path().join("staging.json");
    std::fs::write(&staging, staging_root()).unwrap();
    let o = verify_cli(
        MANAGED_ARTIFACT,
        MANAGED,
        &["--key", key, "--trusted-root", prod.to_str().unwrap()],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = verify_cli(
        MANAGED_ARTIFACT,
        MANAGED,
        &["--key", key, "--trusted-root", staging.to_str().unwrap()],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("transparency log"));
    // Another file than the one signed.
    let o = verify_cli(MANAGED_KEY, MANAGED, &["--key", key]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

#[test]
fn key_bundle_with_a_borrowed_log_entry_is_rejected() {
    // A key-signed statement without log entries is refused (tlog-missing) unless the verifier accepts
    // that; one that claims the entry of another signature (a genuine production entry) must not pass
    // for logged, nor be accepted with the entry ignored, even when missing entries are tolerated.
    use aibom::attest::bundle::{Bundle, Content, Material, MEDIA_TYPE_V03};
    use aibom::attest::keys::{Curve, PrivateKey};
    use aibom::attest::sign::{sign_statement, SignerMaterial};

    let key = PrivateKey::generate(Curve::P256);
    let statement = serde_json::json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "artifact.txt", "digest": {"sha256": hex::encode(sha256(&read(MANAGED_ARTIFACT)))}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {}
    });
    let mut bundle = sign_statement(
        serde_json::to_vec(&statement).unwrap(),
        &key,
        &SignerMaterial::Key,
    );
    assert_eq!(bundle.media_type, MEDIA_TYPE_V03);
    assert!(matches!(bundle.material, Material::PublicKey { .. }));
    assert!(matches!(bundle.content, Content::Dsse(_)));
    let e = aibom::attest::verify::check_key(&bundle, &key.public_key()).unwrap_err();
    assert_eq!(rejection_code(&e), ProblemCode::TlogMissing, "{e}");
    let tolerant = KeyCheck {
        insecure_ignore_tlog: true,
        ..KeyCheck::default()
    };
    check_key_with(&bundle, &key.public_key(), &tolerant).unwrap();
    bundle.tlog_entries = json(MANAGED)["verificationMaterial"]["tlogEntries"]
        .as_array()
        .unwrap()
        .clone();
    let bundle = Bundle::parse(bundle.to_json().as_bytes()).unwrap();
    for opts in [KeyCheck::default(), tolerant] {
        let e = check_key_with(&bundle, &key.public_key(), &opts).unwrap_err();
        assert_eq!(e.exit_code(), 1, "{e}");
        assert_ne!(rejection_code(&e), ProblemCode::TlogMissing, "{e}");
    }
}

/// The managed-key bundle with its transparency-log entries removed (`tlogEntries: []`, or no
/// `tlogEntries` at all), as a bundle is left when someone strips them.
fn stripped(remove_key: bool) -> Value {
    let mut b = json(MANAGED);
    let vm = b["verificationMaterial"].as_object_mut().unwrap();
    if remove_key {
        vm.remove("tlogEntries");
    } else {
        vm.insert("tlogEntries".into(), Value::Array(Vec::new()));
    }
    b
}

#[test]
fn managed_key_bundle_without_its_log_entry_is_refused_unless_ignored() {
    for remove_key in [false, true] {
        let b = stripped(remove_key);
        let e = check_managed(&b, None).unwrap_err();
        assert_eq!(e.exit_code(), 1, "{e}");
        assert_eq!(rejection_code(&e), ProblemCode::TlogMissing, "{e}");
        assert!(e.to_string().contains("message signature"), "{e}");
        assert!(
            !e.to_string().contains("--"),
            "library messages name no flags: {e}"
        );
        // With a trusted root given: the same verdict (the root cannot stand in for the entry).
        let root = sigstore_verify::trust_root::SIGSTORE_PRODUCTION_TRUSTED_ROOT.as_bytes();
        let e = check_managed(&b, Some(root)).unwrap_err();
        assert_eq!(rejection_code(&e), ProblemCode::TlogMissing, "{e}");
        // Tolerated on request: the signature still has to verify.
        let bundle = aibom::attest::bundle::Bundle::parse(&to_bytes(&b)).unwrap();
        let tolerant = KeyCheck {
            insecure_ignore_tlog: true,
            ..KeyCheck::default()
        };
        let v = check_key_with(&bundle, &managed_key(), &tolerant).unwrap();
        assert!(matches!(v.content, SignedContent::MessageDigest { .. }));
        let other = aibom::attest::keys::PrivateKey::generate(aibom::attest::keys::Curve::P256);
        let e = check_key_with(&bundle, &other.public_key(), &tolerant).unwrap_err();
        assert_eq!(rejection_code(&e), ProblemCode::KeyMismatch, "{e}");
    }
}

#[test]
fn cli_managed_key_bundle_without_its_log_entry() {
    let t = tempfile::tempdir().unwrap();
    let bundle = t.path().join("stripped.sigstore.json");
    std::fs::write(&bundle, to_bytes(&stripped(false))).unwrap();
    let key = data_dir().join(MANAGED_KEY);
    let key = key.to_str().unwrap();
    let artifact = data_dir().join(MANAGED_ARTIFACT);
    let run = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_aibom"))
            .arg("verify")
            .arg(&artifact)
            .arg("--bundle")
            .arg(&bundle)
            .args(["--key", key, "-o", "json"])
            .args(extra)
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .unwrap()
    };
    let o = run(&[]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["verified"], false);
    assert_eq!(r["problems"][0]["code"], "tlog-missing", "{r}");
    assert_eq!(r["problems"].as_array().unwrap().len(), 1, "{r}");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("--insecure-ignore-tlog"), "{stderr}");

    let o = run(&["--insecure-ignore-tlog"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["verified"], true);
    assert_eq!(r["signed"], "message-signature");
    assert!(String::from_utf8_lossy(&o.stderr).contains("warning: --insecure-ignore-tlog"));
    // The flag belongs to the key method.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_aibom"))
        .arg("verify")
        .arg(&artifact)
        .arg("--bundle")
        .arg(&bundle)
        .args([
            "--certificate-identity",
            "a@example.com",
            "--certificate-oidc-issuer",
            GH_OAUTH,
            "--insecure-ignore-tlog",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("applies to --key only"));
    // The intact bundle verifies with or without the flag (its entry is verified either way).
    for extra in [&[][..], &["--insecure-ignore-tlog"][..]] {
        let o = verify_cli(
            MANAGED_ARTIFACT,
            MANAGED,
            &[&["--key", key][..], extra].concat(),
        );
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stdout)
        );
    }
}
