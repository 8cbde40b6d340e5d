//! The managed-key cases of the Sigstore conformance suite (`sigstore-conformance`,
//! `test/assets/bundle-verify/managed-key-*`), run through `aibom verify --key` with the suite's
//! expected outcome: a case whose name ends in `_fail` must not verify, the others must.
//!
//! Third-party vectors are never committed, and the suite is published on no package registry. What
//! does ship on one is its `managed-key-happy-path` material: the `sigstore-verify` crate (a dependency,
//! pinned by Cargo.lock's checksum) carries that bundle, its `key.pub` and the suite's `a.txt` byte for
//! byte in `test_data/managed-key/`, read at test time where cargo unpacked it and checked here against
//! the SHA-256 of the suite's files. The cases built on that bundle use it: `managed-key-happy-path`,
//! `managed-key-no-key_fail` and `managed-key-wrong-key_fail` (the suite's other key is not shipped:
//! any key but the signer's is the case, so one is made here). `managed-key-and-trusted-root` (a bundle
//! logged in a Rekor instance the production root does not know, verified with that instance's
//! `trusted_root.json`) has our own equivalent: a bundle signed with a key made here, logged in a
//! transparency log made here (its Rekor key, a Merkle tree, a signed checkpoint) and a trusted root
//! naming that log. Beyond the suite, the same material gives the cases issue 9 asks for: a tampered
//! artifact, a tampered log entry, and stripped log entries (`tlog-missing`, accepted with
//! `--insecure-ignore-tlog`). docs/verify-problems.md lists which suite case each one mirrors.

mod util;

use std::path::{Path, PathBuf};

use aibom::attest::keys::{Curve, PrivateKey, PublicKey};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{DerSignature, SigningKey};
use p256::pkcs8::EncodePublicKey as _;
use rand_core::OsRng;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use util::{aibom, code, err, out, run};

/// SHA-256 of the conformance suite's `managed-key-happy-path/bundle.sigstore.json`,
/// `managed-key-happy-path/key.pub` and `a.txt`: the registry copies must be those files.
const SUITE_BUNDLE_SHA256: &str =
    "3a7cbc7ce43ebe9af2fc6ad86e6ac28ff3f11e2fa51e971af88efbcc9ea4457d";
const SUITE_KEY_SHA256: &str = "be23225356911668bb870173733013d2211ec0ed0a3738ee7b74de1e20bcf5d7";
const SUITE_ARTIFACT_SHA256: &str =
    "a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf";

/// The suite's managed-key-happy-path material as the registry ships it, its hashes checked.
struct Suite {
    bundle: PathBuf,
    key: PathBuf,
    artifact: PathBuf,
}

fn suite() -> Suite {
    let dir = util::sigstore_verify_test_data().join("managed-key");
    let s = Suite {
        bundle: dir.join("bundle.sigstore.json"),
        key: dir.join("key.pub"),
        artifact: dir.join("artifact.txt"),
    };
    for (path, want) in [
        (&s.bundle, SUITE_BUNDLE_SHA256),
        (&s.key, SUITE_KEY_SHA256),
        (&s.artifact, SUITE_ARTIFACT_SHA256),
    ] {
        let got = hex::encode(Sha256::digest(std::fs::read(path).unwrap()));
        assert_eq!(
            got,
            want,
            "{} is not the conformance suite's file (sigstore-verify changed its test data?)",
            path.display()
        );
    }
    s
}

/// RFC 6962 leaf and node hashes.
fn leaf_hash(data: &[u8]) -> [u8; 32] {
    Sha256::new()
        .chain_update([0u8])
        .chain_update(data)
        .finalize()
        .into()
}

fn node_hash(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    Sha256::new()
        .chain_update([1u8])
        .chain_update(left)
        .chain_update(right)
        .finalize()
        .into()
}

/// A transparency log of our own: a Rekor key, an origin, and entries written as Rekor v1 writes them
/// (a two-leaf tree: another entry first, ours second, so the inclusion proof has a sibling).
struct Log {
    key: SigningKey,
    origin: String,
}

impl Log {
    fn new(origin: &str) -> Log {
        Log {
            key: SigningKey::random(&mut OsRng),
            origin: origin.to_string(),
        }
    }

    fn spki_der(&self) -> Vec<u8> {
        self.key
            .verifying_key()
            .to_public_key_der()
            .unwrap()
            .as_bytes()
            .to_vec()
    }

    /// The log ID: SHA-256 of the Rekor key's DER SubjectPublicKeyInfo.
    fn log_id(&self) -> [u8; 32] {
        Sha256::digest(self.spki_der()).into()
    }

    /// A `trusted_root.json` whose only transparency log is this one (no CA, CT log or TSA: a managed
    /// key needs none).
    fn trusted_root(&self) -> String {
        json!({
            "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            "tlogs": [{
                "baseUrl": format!("https://{}", self.origin),
                "hashAlgorithm": "SHA2_256",
                "publicKey": {
                    "rawBytes": B64.encode(self.spki_der()),
                    "keyDetails": "PKIX_ECDSA_P256_SHA_256",
                    "validFor": {"start": "2020-01-01T00:00:00Z"}
                },
                "logId": {"keyId": B64.encode(self.log_id())}
            }],
            "certificateAuthorities": [],
            "ctlogs": [],
            "timestampAuthorities": []
        })
        .to_string()
    }

    /// The checkpoint (a signed note) over a tree of `size` entries with root `root`, signed by `key`.
    fn checkpoint(&self, size: u64, root: &[u8; 32], key: &SigningKey) -> String {
        let body = format!("{} - 42\n{size}\n{}\n", self.origin, B64.encode(root));
        let sig: DerSignature = key.sign(body.as_bytes());
        let mut hinted = self.log_id()[..4].to_vec();
        hinted.extend_from_slice(sig.as_bytes());
        format!("{body}\n\u{2014} {} {}\n", self.origin, B64.encode(hinted))
    }

    /// A hashedrekord v0.0.1 entry for `body`, proved by a checkpoint signed with `checkpoint_key`.
    fn entry(&self, body: &[u8], checkpoint_key: &SigningKey) -> Value {
        let other = leaf_hash(b"an earlier entry of the log");
        let ours = leaf_hash(body);
        let root = node_hash(&other, &ours);
        json!({
            "logIndex": "1",
            "logId": {"keyId": B64.encode(self.log_id())},
            "kindVersion": {"kind": "hashedrekord", "version": "0.0.1"},
            "integratedTime": "1767810965",
            "inclusionProof": {
                "logIndex": "1",
                "rootHash": B64.encode(root),
                "treeSize": "2",
                "hashes": [B64.encode(other)],
                "checkpoint": {"envelope": self.checkpoint(2, &root, checkpoint_key)}
            },
            "canonicalizedBody": B64.encode(body)
        })
    }
}

/// What `cosign sign-blob --key` writes for `artifact`: a message signature over its SHA-256, logged as
/// a hashedrekord entry naming the signature and the public key.
fn managed_key_bundle(
    key: &PrivateKey,
    artifact: &[u8],
    log: &Log,
    checkpoint_key: &SigningKey,
) -> Value {
    let digest = Sha256::digest(artifact);
    let signature = key.sign(artifact);
    let body = json!({
        "apiVersion": "0.0.1",
        "kind": "hashedrekord",
        "spec": {
            "data": {"hash": {"algorithm": "sha256", "value": hex::encode(digest)}},
            "signature": {
                "content": B64.encode(&signature),
                "publicKey": {"content": B64.encode(key.public_key().to_pem())}
            }
        }
    });
    let body = serde_json::to_vec(&body).unwrap();
    json!({
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": {
            "publicKey": {"hint": B64.encode(Sha256::digest(key.public_key().to_spki_der()))},
            "tlogEntries": [log.entry(&body, checkpoint_key)]
        },
        "messageSignature": {
            "messageDigest": {"algorithm": "SHA2_256", "digest": B64.encode(digest)},
            "signature": B64.encode(&signature)
        }
    })
}

/// What a case must end with.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    /// Exit 0, `verified: true`.
    Verified,
    /// Exit 1 with this problem code first in the report.
    Rejected(&'static str),
    /// Exit 2: no verdict (here: no key given for a key bundle).
    Unusable,
}

struct Case {
    /// The suite case mirrored (`None` for the cases issue 9 adds).
    suite: Option<&'static str>,
    /// What the case checks, for failure messages.
    what: &'static str,
    artifact: PathBuf,
    bundle: PathBuf,
    args: Vec<String>,
    expect: Expect,
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn managed_key_cases_of_the_conformance_suite() {
    let s = suite();
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let flag = |f: &str, p: &Path| vec![f.to_string(), p.display().to_string()];

    // Material made here: the signer's key, another key, our log and its trusted root.
    let signer = PrivateKey::generate(Curve::P256);
    let signer_pub = write(d, "signer.pub", signer.public_key().to_pem());
    let wrong = PrivateKey::generate(Curve::P256);
    let wrong_pub = write(d, "wrong.pub", wrong.public_key().to_pem());
    let log = Log::new("log.aibom.test");
    let root = write(d, "trusted_root.json", log.trusted_root());
    let artifact_bytes = std::fs::read(&s.artifact).unwrap();
    let artifact = write(d, "a.txt", &artifact_bytes);
    let ours = write(
        d,
        "ours.sigstore.json",
        managed_key_bundle(&signer, &artifact_bytes, &log, &log.key).to_string(),
    );
    let impostor = SigningKey::random(&mut OsRng);
    let forged_checkpoint = write(
        d,
        "forged-checkpoint.sigstore.json",
        managed_key_bundle(&signer, &artifact_bytes, &log, &impostor).to_string(),
    );
    let tampered = write(d, "tampered.txt", [&artifact_bytes[..], b"!"].concat());
    let mut stripped: Value = serde_json::from_slice(&std::fs::read(&s.bundle).unwrap()).unwrap();
    stripped["verificationMaterial"]
        .as_object_mut()
        .unwrap()
        .remove("tlogEntries");
    let stripped = write(d, "stripped.sigstore.json", stripped.to_string());

    let with_root = |key: &Path| [flag("--key", key), flag("--trusted-root", &root)].concat();
    let cases = vec![
        Case {
            suite: Some("managed-key-happy-path"),
            what: "the suite's bundle, logged in the public-good Rekor, with its key",
            artifact: s.artifact.clone(),
            bundle: s.bundle.clone(),
            args: flag("--key", &s.key),
            expect: Expect::Verified,
        },
        Case {
            suite: Some("managed-key-no-key_fail"),
            what: "the suite's bundle with no key given",
            artifact: s.artifact.clone(),
            bundle: s.bundle.clone(),
            args: Vec::new(),
            expect: Expect::Unusable,
        },
        Case {
            suite: Some("managed-key-wrong-key_fail"),
            what: "the suite's bundle with another key",
            artifact: s.artifact.clone(),
            bundle: s.bundle.clone(),
            args: flag("--key", &wrong_pub),
            expect: Expect::Rejected("key-mismatch"),
        },
        Case {
            suite: Some("managed-key-and-trusted-root"),
            what: "our bundle, logged in our log, with our trusted root",
            artifact: artifact.clone(),
            bundle: ours.clone(),
            args: with_root(&signer_pub),
            expect: Expect::Verified,
        },
        Case {
            suite: None,
            what: "our bundle against the public-good root, which does not know our log",
            artifact: artifact.clone(),
            bundle: ours.clone(),
            args: flag("--key", &signer_pub),
            expect: Expect::Rejected("tlog-invalid"),
        },
        Case {
            suite: Some("managed-key-wrong-key_fail"),
            what: "our bundle with another key",
            artifact: artifact.clone(),
            bundle: ours.clone(),
            args: with_root(&wrong_pub),
            expect: Expect::Rejected("key-mismatch"),
        },
        Case {
            suite: None,
            what: "a key and a keyless identity together (the suite's former \
                   managed-key-and-client-identity_fail)",
            artifact: s.artifact.clone(),
            bundle: s.bundle.clone(),
            args: [
                flag("--key", &s.key),
                flag("--certificate-identity", Path::new("a@example.com")),
                flag(
                    "--certificate-oidc-issuer",
                    Path::new("https://token.actions.githubusercontent.com"),
                ),
            ]
            .concat(),
            expect: Expect::Unusable,
        },
        Case {
            suite: None,
            what: "the suite's bundle over a tampered artifact",
            artifact: tampered.clone(),
            bundle: s.bundle.clone(),
            args: flag("--key", &s.key),
            expect: Expect::Rejected("file-modified"),
        },
        Case {
            suite: None,
            what: "our bundle over a tampered artifact",
            artifact: tampered.clone(),
            bundle: ours.clone(),
            args: with_root(&signer_pub),
            expect: Expect::Rejected("file-modified"),
        },
        Case {
            suite: None,
            what: "our bundle whose checkpoint another key signed",
            artifact: artifact.clone(),
            bundle: forged_checkpoint,
            args: with_root(&signer_pub),
            expect: Expect::Rejected("tlog-invalid"),
        },
        Case {
            suite: None,
            what: "the suite's bundle with its log entries stripped",
            artifact: s.artifact.clone(),
            bundle: stripped.clone(),
            args: flag("--key", &s.key),
            expect: Expect::Rejected("tlog-missing"),
        },
        Case {
            suite: None,
            what: "the stripped bundle with --insecure-ignore-tlog",
            artifact: s.artifact.clone(),
            bundle: stripped.clone(),
            args: [flag("--key", &s.key), vec!["--insecure-ignore-tlog".into()]].concat(),
            expect: Expect::Verified,
        },
        Case {
            suite: None,
            what: "the stripped bundle with --insecure-ignore-tlog, over a tampered artifact",
            artifact: tampered,
            bundle: stripped,
            args: [flag("--key", &s.key), vec!["--insecure-ignore-tlog".into()]].concat(),
            expect: Expect::Rejected("file-modified"),
        },
    ];

    // The table keeps the suite's rule: a `_fail` case does not verify, any other does.
    for c in &cases {
        if let Some(suite) = c.suite {
            assert_eq!(
                suite.ends_with("_fail"),
                c.expect != Expect::Verified,
                "{suite}: {}",
                c.what
            );
        }
    }
    let mut failures = Vec::new();
    for c in &cases {
        let o = run(aibom()
            .arg("verify")
            .arg(&c.artifact)
            .arg("--bundle")
            .arg(&c.bundle)
            .args(&c.args)
            .args(["-o", "json"]));
        let name = format!("{} ({})", c.suite.unwrap_or("issue 9"), c.what);
        let report: Option<Value> = serde_json::from_str(&out(&o)).ok();
        let ok = match (&c.expect, code(&o), &report) {
            (Expect::Verified, 0, Some(r)) => r["verified"] == true,
            (Expect::Rejected(want), 1, Some(r)) => {
                r["verified"] == false && r["problems"][0]["code"] == *want
            }
            (Expect::Unusable, 2, None) => true,
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{name}: expected {:?}, got exit {}: {}{}",
                c.expect,
                code(&o),
                out(&o),
                err(&o)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every managed-key case of the suite is mirrored.
    for case in [
        "managed-key-happy-path",
        "managed-key-no-key_fail",
        "managed-key-wrong-key_fail",
        "managed-key-and-trusted-root",
    ] {
        assert!(
            cases.iter().any(|c| c.suite == Some(case)),
            "{case} is not mirrored"
        );
    }
}

/// The no-key case says which key the bundle needs, and a key bundle made here with its log entry is
/// accepted by the library's key check with our trusted root and refused with the public-good one.
#[test]
fn no_key_names_the_hint_and_our_log_is_checked_against_its_root() {
    let s = suite();
    let o = run(aibom()
        .arg("verify")
        .arg(&s.artifact)
        .arg("--bundle")
        .arg(&s.bundle));
    assert_eq!(code(&o), 2, "{}", err(&o));
    assert!(
        err(&o).contains("signed with a key (hint TLMsSDfG3ajPsWge+z/vX5T/zluXnmvbkTkwLIV68Tk=)"),
        "{}",
        err(&o)
    );

    let signer = PrivateKey::generate(Curve::P256);
    let log = Log::new("log.aibom.test");
    let artifact = b"an artifact of our own";
    let bundle = managed_key_bundle(&signer, artifact, &log, &log.key);
    let bundle = aibom::attest::bundle::Bundle::parse(bundle.to_string().as_bytes()).unwrap();
    let root = log.trusted_root();
    let public: PublicKey = signer.public_key();
    let v = aibom::attest::verify::check_key_with_root(&bundle, &public, Some(root.as_bytes()))
        .unwrap();
    assert!(matches!(
        v.content,
        aibom::attest::SignedContent::MessageDigest { .. }
    ));
    let e = aibom::attest::verify::check_key(&bundle, &public).unwrap_err();
    assert_eq!(
        e.problem().map(|p| p.code),
        Some(aibom::attest::ProblemCode::TlogInvalid),
        "{e}"
    );
}
