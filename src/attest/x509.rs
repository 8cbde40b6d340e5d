//! X.509 certificate chains of the OMS certificate method: PEM/DER loading, and a chain check from the
//! bundle's leaf through the bundle's intermediates to a root the verifier trusts. The path is built by
//! name and signature with backtracking (certificates may share a name; a leaf may carry its issuer's
//! name), and only the given roots are trust anchors. Each certificate's signature is checked with its
//! issuer's key (ECDSA P-256/P-384, or RSA PKCS#1 v1.5, with SHA-256/384/512), issuers must be CAs
//! (basic constraints and their path length, keyCertSign when key usage is present), every certificate
//! must be valid at the signing time, and the leaf must allow signing (key usage digitalSignature or
//! extended key usage codeSigning), as model_signing 1.1.1 checks. Without a transparency log there is
//! no signing time, so the leaf's notBefore stands for it, as model_signing does. A chain that fails
//! says why as a [`Problem`]: untrusted, expired, not yet valid, or a leaf that may not sign.

use std::time::Duration;

use der::{Decode, Encode};
use sha2::{Digest, Sha256, Sha384, Sha512};
use sigstore_verify::crypto::SigningScheme;
use sigstore_verify::types::{DerPublicKey, SignatureBytes};
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage};
use x509_cert::name::Name;
use x509_cert::Certificate;

use super::error::{invalid, AttestError, AttestResult};
use super::keys::PublicKey;
use super::problem::{Problem, ProblemCode};

/// Longest path we build, leaf and root included.
pub const MAX_DEPTH: usize = 8;

/// Issuer candidates (certificates with the issuer's name) tried for one certificate.
pub const MAX_CANDIDATES: usize = 16;

/// Signature checks one path search may make before it gives up (bounds backtracking among
/// certificates that share a name).
pub const MAX_SIGNATURE_CHECKS: usize = 64;

const ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
const ECDSA_SHA384: &str = "1.2.840.10045.4.3.3";
const ECDSA_SHA512: &str = "1.2.840.10045.4.3.4";
const RSA_SHA256: &str = "1.2.840.113549.1.1.11";
const RSA_SHA384: &str = "1.2.840.113549.1.1.12";
const RSA_SHA512: &str = "1.2.840.113549.1.1.13";
const CODE_SIGNING: &str = "1.3.6.1.5.5.7.3.3";

/// Parse every certificate of a PEM file (or a single DER certificate). Bytes that are neither are an
/// [`crate::Error::Malformed`] carrying the DER or PEM decoder's error.
pub fn parse_certificates(bytes: &[u8]) -> AttestResult<Vec<Certificate>> {
    if bytes.starts_with(&[0x30]) {
        return Certificate::from_der(bytes)
            .map(|c| vec![c])
            .map_err(|e| AttestError::malformed("not a DER certificate", e));
    }
    let certs = Certificate::load_pem_chain(bytes)
        .map_err(|e| AttestError::malformed("not PEM certificates", e))?;
    if certs.is_empty() {
        return Err(invalid("no certificate found"));
    }
    Ok(certs)
}

/// Parse one DER certificate from a bundle ([`crate::Error::Malformed`] with the DER decoder's error).
pub fn parse_der(der: &[u8]) -> AttestResult<Certificate> {
    Certificate::from_der(der).map_err(|e| AttestError::malformed("not a DER X.509 certificate", e))
}

/// The public key of a certificate ([`crate::Error::Invalid`] when it is not an EC P-256 or P-384 key).
pub fn public_key(cert: &Certificate) -> AttestResult<PublicKey> {
    let der = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| AttestError::malformed("certificate key", e))?;
    PublicKey::from_spki_der(&der).map_err(|e| e.context("certificate key"))
}

/// RFC 4514 subject of a certificate.
pub fn subject(cert: &Certificate) -> String {
    cert.tbs_certificate.subject.to_string()
}

/// RFC 4514 issuer of a certificate.
pub fn issuer(cert: &Certificate) -> String {
    cert.tbs_certificate.issuer.to_string()
}

fn not_before(cert: &Certificate) -> Duration {
    cert.tbs_certificate.validity.not_before.to_unix_duration()
}

fn check_valid_at(cert: &Certificate, at: Duration) -> Result<(), Problem> {
    let v = &cert.tbs_certificate.validity;
    let (code, state) = if at < v.not_before.to_unix_duration() {
        (ProblemCode::CertificateNotYetValid, "was not yet valid")
    } else if at > v.not_after.to_unix_duration() {
        (ProblemCode::CertificateExpired, "had expired")
    } else {
        return Ok(());
    };
    Err(Problem::new(
        code,
        format!(
            "certificate '{}' {state} at the signing time (valid {} to {})",
            subject(cert),
            v.not_before,
            v.not_after
        ),
    ))
}

/// A chain problem that leaves the signing certificate without a path to a trusted root.
fn untrusted(message: String) -> Problem {
    Problem::new(ProblemCode::CertificateUntrusted, message)
}

/// Check that `issuer_cert`'s key made the signature on `cert`: ECDSA (P-256/P-384 with SHA-256/384/512,
/// any pairing) or RSA PKCS#1 v1.5 (SHA-256/384/512, 2048 to 8192 bits: CAs made with certtool or
/// openssl defaults). The names are not compared here; the caller picks candidates by name.
fn signed_by(cert: &Certificate, issuer_cert: &Certificate) -> Result<(), String> {
    let tbs = cert
        .tbs_certificate
        .to_der()
        .map_err(|e| format!("re-encoding certificate: {e}"))?;
    let sig = cert
        .signature
        .as_bytes()
        .ok_or("certificate signature has unused bits")?;
    let spki = issuer_cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| format!("certificate '{}': key: {e}", subject(issuer_cert)))?;
    let alg = cert.signature_algorithm.oid.to_string();
    let ecdsa_digest: Option<Vec<u8>> = match alg.as_str() {
        ECDSA_SHA256 => Some(Sha256::digest(&tbs).to_vec()),
        ECDSA_SHA384 => Some(Sha384::digest(&tbs).to_vec()),
        ECDSA_SHA512 => Some(Sha512::digest(&tbs).to_vec()),
        _ => None,
    };
    let ok = if let Some(digest) = ecdsa_digest {
        let key = PublicKey::from_spki_der(&spki).map_err(|e| {
            format!(
                "certificate '{}' is signed with ECDSA but the key of '{}' is not usable for it: {e}",
                subject(cert),
                subject(issuer_cert)
            )
        })?;
        key.verify_prehash(&digest, sig)
    } else {
        let scheme = match alg.as_str() {
            RSA_SHA256 => SigningScheme::RsaPkcs1Sha256,
            RSA_SHA384 => SigningScheme::RsaPkcs1Sha384,
            RSA_SHA512 => SigningScheme::RsaPkcs1Sha512,
            other => {
                return Err(format!(
                    "certificate '{}': signature algorithm {other} is not supported (ECDSA or RSA PKCS#1 v1.5 with SHA-256/384/512)",
                    subject(cert)
                ))
            }
        };
        sigstore_verify::crypto::verify_signature(
            &DerPublicKey::new(spki),
            &tbs,
            &SignatureBytes::from_bytes(sig),
            scheme,
        )
        .is_ok()
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "signature of '{}' does not verify with the key of '{}'",
            subject(cert),
            subject(issuer_cert)
        ))
    }
}

/// Whether two names are the same for path building: equal DER, or equal RFC 4514 text ignoring ASCII
/// case (string types differ between tools). Only a filter: the signature decides.
fn same_name(a: &Name, b: &Name) -> bool {
    a == b || a.to_string().eq_ignore_ascii_case(&b.to_string())
}

/// Whether `cert` is one of the trusted roots: the same certificate (DER), or a certificate with the same
/// subject and the same key (a root re-issued with other dates). A certificate that merely names itself
/// as its issuer is not thereby trusted.
fn is_trusted(cert: &Certificate, roots: &[Certificate]) -> bool {
    roots.iter().any(|r| {
        r == cert
            || (r.tbs_certificate.subject == cert.tbs_certificate.subject
                && r.tbs_certificate.subject_public_key_info
                    == cert.tbs_certificate.subject_public_key_info)
    })
}

fn is_ca(cert: &Certificate) -> Result<(), String> {
    let bc = cert
        .tbs_certificate
        .get::<BasicConstraints>()
        .map_err(|e| format!("certificate '{}': basic constraints: {e}", subject(cert)))?;
    if !bc.is_some_and(|(_, b)| b.ca) {
        return Err(format!(
            "certificate '{}' issues another certificate but is not a CA",
            subject(cert)
        ));
    }
    if let Some((_, ku)) = cert
        .tbs_certificate
        .get::<KeyUsage>()
        .map_err(|e| format!("certificate '{}': key usage: {e}", subject(cert)))?
    {
        if !ku.key_cert_sign() {
            return Err(format!(
                "certificate '{}' issues another certificate but its key usage lacks keyCertSign",
                subject(cert)
            ));
        }
    }
    Ok(())
}

/// A CA's basic constraints path length: at most that many intermediates that are not self-issued may
/// follow it on the way to the leaf (RFC 5280 6.1.4).
fn path_len_allows(ca: &Certificate, below: usize) -> Result<(), String> {
    let bc = ca
        .tbs_certificate
        .get::<BasicConstraints>()
        .map_err(|e| format!("certificate '{}': basic constraints: {e}", subject(ca)))?;
    match bc.and_then(|(_, b)| b.path_len_constraint) {
        Some(n) if below > usize::from(n) => Err(format!(
            "certificate '{}' allows {n} intermediate CA(s) below it; the path has {below}",
            subject(ca)
        )),
        _ => Ok(()),
    }
}

fn can_sign(leaf: &Certificate) -> Result<(), Problem> {
    can_sign_text(leaf).map_err(|m| Problem::new(ProblemCode::CertificateUsage, m))
}

fn can_sign_text(leaf: &Certificate) -> Result<(), String> {
    let tbs = &leaf.tbs_certificate;
    let ku = tbs
        .get::<KeyUsage>()
        .map_err(|e| format!("signing certificate: key usage: {e}"))?;
    if ku.is_some_and(|(_, k)| k.digital_signature()) {
        return Ok(());
    }
    let eku = tbs
        .get::<ExtendedKeyUsage>()
        .map_err(|e| format!("signing certificate: extended key usage: {e}"))?;
    if eku.is_some_and(|(_, e)| e.0.iter().any(|o| o.to_string() == CODE_SIGNING)) {
        return Ok(());
    }
    Err(format!(
        "signing certificate '{}' may not sign (no key usage digitalSignature, no extended key usage codeSigning)",
        subject(leaf)
    ))
}

/// Verify `chain` (leaf first, then intermediates in any order, possibly the root) up to one of `roots`.
///
/// The path is built by name and signature: every certificate whose subject is the current certificate's
/// issuer is a candidate (roots first, then the bundle's certificates not yet on the path), its signature
/// is checked, and the search backtracks when a candidate leads nowhere. Several certificates may share a
/// name, and a leaf may carry its issuer's name (model_signing's own fixtures do): only being one of the
/// given roots (same DER, or same subject and key) makes a certificate a trust anchor. The search is
/// bounded by [`MAX_DEPTH`], [`MAX_CANDIDATES`] per certificate and [`MAX_SIGNATURE_CHECKS`] in all.
/// A chain that fails is an [`crate::Error::Rejected`] whose [`Problem`] says why.
pub fn verify_chain(chain: &[Certificate], roots: &[Certificate]) -> AttestResult<()> {
    chain_problem(chain, roots).map_err(AttestError::Rejected)
}

/// [`verify_chain`], failing with the [`Problem`] alone.
fn chain_problem(chain: &[Certificate], roots: &[Certificate]) -> Result<(), Problem> {
    let leaf = chain
        .first()
        .ok_or_else(|| untrusted("empty certificate chain".into()))?;
    if roots.is_empty() {
        return Err(untrusted("no trusted root certificate given".into()));
    }
    can_sign(leaf)?;
    let at = not_before(leaf);
    check_valid_at(leaf, at)?;
    if is_trusted(leaf, roots) {
        return Ok(());
    }
    let mut search = PathSearch {
        intermediates: &chain[1..],
        roots,
        at,
        checks: 0,
        exhausted: false,
        problem: None,
    };
    if search.anchor(leaf, &mut Vec::new(), 0) {
        return Ok(());
    }
    if search.exhausted {
        return Err(untrusted(format!(
            "gave up after {MAX_SIGNATURE_CHECKS} signature checks: too many candidate issuers named '{}'",
            issuer(leaf)
        )));
    }
    Err(search.problem.unwrap_or_else(|| {
        untrusted(format!(
            "certificate '{}' does not chain to a trusted root (issuer '{}' is neither in the bundle nor among the given roots)",
            subject(leaf),
            issuer(leaf)
        ))
    }))
}

/// The state of one path search.
struct PathSearch<'a> {
    /// The bundle's certificates after the leaf.
    intermediates: &'a [Certificate],
    roots: &'a [Certificate],
    /// The signing time every certificate on the path must cover.
    at: Duration,
    /// Signature checks made so far.
    checks: usize,
    /// The signature-check budget ran out.
    exhausted: bool,
    /// The first reason a candidate was refused, to explain a failure.
    problem: Option<Problem>,
}

impl PathSearch<'_> {
    fn note(&mut self, e: Problem) {
        self.problem.get_or_insert(e);
    }

    /// Take one signature check from the budget.
    fn spend(&mut self) -> bool {
        if self.checks >= MAX_SIGNATURE_CHECKS {
            self.exhausted = true;
            return false;
        }
        self.checks += 1;
        true
    }

    /// Whether `cert`, reached through the intermediates at `path` (indices), has an issuer path to a root.
    /// `below` counts the intermediates on the path that are not self-issued, for path length constraints.
    fn anchor(&mut self, cert: &Certificate, path: &mut Vec<usize>, below: usize) -> bool {
        let wanted = &cert.tbs_certificate.issuer;
        // A trusted root whose name is the issuer's and whose key made the signature.
        let roots = self.roots;
        for root in roots
            .iter()
            .filter(|r| same_name(&r.tbs_certificate.subject, wanted))
            .take(MAX_CANDIDATES)
        {
            if !self.spend() {
                return false;
            }
            match signed_by(cert, root)
                .map_err(untrusted)
                .and_then(|()| check_valid_at(root, self.at))
                .and_then(|()| path_len_allows(root, below).map_err(untrusted))
            {
                Ok(()) => return true,
                Err(e) => self.note(e),
            }
        }
        // Leaf + path + the next certificate + a root above it.
        if path.len() + 3 > MAX_DEPTH {
            self.note(untrusted(format!(
                "no trusted root within {MAX_DEPTH} certificates of the signing certificate"
            )));
            return false;
        }
        // A certificate of the bundle with that name, not yet on the path, that signed `cert` and itself
        // leads to a root.
        let intermediates = self.intermediates;
        let candidates: Vec<usize> = intermediates
            .iter()
            .enumerate()
            .filter(|(i, c)| !path.contains(i) && same_name(&c.tbs_certificate.subject, wanted))
            .map(|(i, _)| i)
            .take(MAX_CANDIDATES)
            .collect();
        for i in candidates {
            let next = &intermediates[i];
            if !self.spend() {
                return false;
            }
            if let Err(e) = signed_by(cert, next)
                .map_err(untrusted)
                .and_then(|()| check_valid_at(next, self.at))
            {
                self.note(e);
                continue;
            }
            if is_trusted(next, roots) {
                return true;
            }
            if let Err(e) = is_ca(next).and_then(|()| path_len_allows(next, below)) {
                self.note(untrusted(e));
                continue;
            }
            let self_issued =
                same_name(&next.tbs_certificate.subject, &next.tbs_certificate.issuer);
            path.push(i);
            if self.anchor(next, path, below + usize::from(!self_issued)) {
                return true;
            }
            path.pop();
            if self.exhausted {
                return false;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;
    use std::time::Instant;

    use aws_lc_rs::rsa::KeySize;
    use aws_lc_rs::signature::{KeyPair as _, RsaKeyPair, RSA_PKCS1_SHA256};
    use der::asn1::{Any, BitString};
    use p256::ecdsa::{DerSignature, SigningKey};
    use rand_core::OsRng;
    use x509_cert::builder::{Builder, CertificateBuilder, Profile};
    use x509_cert::serial_number::SerialNumber;
    use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
    use x509_cert::time::Validity;

    use super::*;

    /// The public [`super::verify_chain`], whose failures must be rejections: their problem.
    fn verify_chain(chain: &[Certificate], roots: &[Certificate]) -> Result<(), Problem> {
        super::verify_chain(chain, roots).map_err(|e| match e {
            AttestError::Rejected(p) => p,
            other => panic!("not a rejection: {other}"),
        })
    }

    fn key() -> SigningKey {
        SigningKey::random(&mut OsRng)
    }

    fn spki(k: &SigningKey) -> SubjectPublicKeyInfoOwned {
        SubjectPublicKeyInfoOwned::from_key(*k.verifying_key()).unwrap()
    }

    fn name(s: &str) -> Name {
        Name::from_str(s).unwrap()
    }

    /// A certificate for `subject_key` named `subject`, issued under the name `issuer` and signed by
    /// `signer`: a CA (with `path_len`) or a signing leaf.
    fn cert(
        subject: &str,
        subject_key: SubjectPublicKeyInfoOwned,
        issuer: &str,
        signer: &SigningKey,
        ca: Option<Option<u8>>,
        serial: u32,
    ) -> Certificate {
        let validity = Validity::from_now(Duration::from_secs(3600)).unwrap();
        cert_valid(subject, subject_key, issuer, signer, ca, serial, validity)
    }

    /// [`cert`] with the given validity.
    fn cert_valid(
        subject: &str,
        subject_key: SubjectPublicKeyInfoOwned,
        issuer: &str,
        signer: &SigningKey,
        ca: Option<Option<u8>>,
        serial: u32,
        validity: Validity,
    ) -> Certificate {
        let profile = match ca {
            Some(_) if subject == issuer && subject_key == spki(signer) => Profile::Root,
            Some(path_len_constraint) => Profile::SubCA {
                issuer: name(issuer),
                path_len_constraint,
            },
            None => Profile::Leaf {
                issuer: name(issuer),
                enable_key_agreement: false,
                enable_key_encipherment: false,
            },
        };
        CertificateBuilder::new(
            profile,
            SerialNumber::from(serial),
            validity,
            name(subject),
            subject_key,
            signer,
        )
        .unwrap()
        .build::<DerSignature>()
        .unwrap()
    }

    fn self_signed(subject: &str, k: &SigningKey) -> Certificate {
        cert(subject, spki(k), subject, k, Some(None), 1)
    }

    /// The signing time is the leaf's notBefore: an intermediate that expired before it, or became valid
    /// only after it, breaks the chain, and the problem says which.
    #[test]
    fn issuer_validity_at_the_signing_time_has_its_own_codes() {
        use std::time::SystemTime;
        use x509_cert::time::Time;
        let at = |secs_from_now: i64| {
            let now = SystemTime::now();
            let t = if secs_from_now >= 0 {
                now + Duration::from_secs(secs_from_now as u64)
            } else {
                now - Duration::from_secs(secs_from_now.unsigned_abs())
            };
            Time::try_from(t).unwrap()
        };
        let (rk, ik, lk) = (key(), key(), key());
        let root = self_signed("CN=root", &rk);
        let roots = std::slice::from_ref(&root);
        let leaf = cert("CN=leaf", spki(&lk), "CN=int", &ik, None, 3);
        for (validity, code) in [
            (
                Validity {
                    not_before: at(-7200),
                    not_after: at(-3600),
                },
                ProblemCode::CertificateExpired,
            ),
            (
                Validity {
                    not_before: at(3600),
                    not_after: at(7200),
                },
                ProblemCode::CertificateNotYetValid,
            ),
        ] {
            let int = cert_valid("CN=int", spki(&ik), "CN=root", &rk, Some(None), 2, validity);
            let e = verify_chain(&[leaf.clone(), int], roots).unwrap_err();
            assert_eq!(e.code, code, "{e}");
            assert!(e.message.contains("'CN=int'"), "{e}");
        }
        // A leaf that may not sign.
        let int = cert("CN=int", spki(&ik), "CN=root", &rk, Some(None), 2);
        let ca_leaf = cert("CN=leaf", spki(&lk), "CN=int", &ik, Some(None), 4);
        let e = verify_chain(&[ca_leaf, int], roots).unwrap_err();
        assert_eq!(e.code, ProblemCode::CertificateUsage, "{e}");
    }

    /// The shape of model_signing's published certificate fixtures: root CA -> intermediate
    /// `CN=intermediate-ca` -> a leaf also named `CN=intermediate-ca`.
    #[test]
    fn leaf_named_like_its_issuer_chains_through_the_issuer() {
        let (rk, ik, lk) = (key(), key(), key());
        let root = self_signed("CN=root-ca", &rk);
        let int = cert(
            "CN=intermediate-ca",
            spki(&ik),
            "CN=root-ca",
            &rk,
            Some(None),
            2,
        );
        let leaf = cert(
            "CN=intermediate-ca",
            spki(&lk),
            "CN=intermediate-ca",
            &ik,
            None,
            3,
        );
        let roots = std::slice::from_ref(&root);
        verify_chain(&[leaf.clone(), int.clone()], roots).unwrap();
        // Any order of the bundle's certificates, the root among them or not.
        verify_chain(&[leaf.clone(), root.clone(), int.clone()], roots).unwrap();
        // The intermediate given as trusted, nothing in the bundle.
        verify_chain(std::slice::from_ref(&leaf), &[root.clone(), int.clone()]).unwrap();
        // Without the intermediate there is no path: the leaf's own name does not make it a root.
        let e = verify_chain(std::slice::from_ref(&leaf), roots).unwrap_err();
        assert!(
            e.message.contains("does not chain to a trusted root"),
            "{e}"
        );
        assert_eq!(e.code, ProblemCode::CertificateUntrusted);
    }

    #[test]
    fn self_signed_leaf_named_like_a_trusted_root_is_rejected() {
        let (rk, fake) = (key(), key());
        let root = self_signed("CN=Test Root CA", &rk);
        let leaf = cert(
            "CN=Test Root CA",
            spki(&fake),
            "CN=Test Root CA",
            &fake,
            None,
            9,
        );
        for chain in [vec![leaf.clone()], vec![leaf.clone(), leaf.clone()]] {
            let e = verify_chain(&chain, std::slice::from_ref(&root)).unwrap_err();
            assert!(
                e.message
                    .contains("does not verify with the key of 'CN=Test Root CA'"),
                "{e}"
            );
        }
        // A CA certificate impersonating the root inside the bundle fares no better.
        let fake_root = self_signed("CN=Test Root CA", &fake);
        let leaf2 = cert("CN=signer", spki(&key()), "CN=Test Root CA", &fake, None, 3);
        assert!(verify_chain(&[leaf2, fake_root], std::slice::from_ref(&root)).is_err());
    }

    #[test]
    fn loop_of_same_name_certificates_terminates() {
        let (a, b, rk) = (key(), key(), key());
        let ca_a = cert("CN=loop", spki(&a), "CN=loop", &b, Some(None), 1);
        let ca_b = cert("CN=loop", spki(&b), "CN=loop", &a, Some(None), 2);
        let leaf = cert("CN=signer", spki(&key()), "CN=loop", &a, None, 3);
        let trusted = self_signed("CN=root", &rk);
        let e = verify_chain(&[leaf, ca_a, ca_b], std::slice::from_ref(&trusted)).unwrap_err();
        assert!(e.message.contains("does not"), "{e}");
    }

    #[test]
    fn many_same_name_certificates_exhaust_the_signature_budget() {
        // Twelve CA certificates named alike under one key: each verifies every other, so unbounded
        // path building would try millions of orders.
        let k = key();
        let mut chain = vec![cert("CN=signer", spki(&key()), "CN=loop", &k, None, 1)];
        for serial in 0..12 {
            chain.push(cert(
                "CN=loop",
                spki(&k),
                "CN=loop",
                &k,
                Some(None),
                100 + serial,
            ));
        }
        let trusted = self_signed("CN=elsewhere", &key());
        let started = Instant::now();
        let e = verify_chain(&chain, std::slice::from_ref(&trusted)).unwrap_err();
        assert!(e.message.contains("gave up after"), "{e}");
        assert!(started.elapsed() < Duration::from_secs(30));
    }

    #[test]
    fn search_backtracks_past_a_same_name_decoy() {
        // The decoy carries the intermediate's name and key, so it verifies the leaf, but its issuer is
        // a root nobody trusts; the real intermediate comes second.
        let (rk, ik, ok) = (key(), key(), key());
        let root = self_signed("CN=root-ca", &rk);
        let decoy = cert(
            "CN=intermediate-ca",
            spki(&ik),
            "CN=other-root",
            &ok,
            Some(None),
            7,
        );
        let int = cert(
            "CN=intermediate-ca",
            spki(&ik),
            "CN=root-ca",
            &rk,
            Some(None),
            2,
        );
        let leaf = cert(
            "CN=signer",
            spki(&key()),
            "CN=intermediate-ca",
            &ik,
            None,
            3,
        );
        let roots = std::slice::from_ref(&root);
        verify_chain(&[leaf.clone(), decoy.clone(), int.clone()], roots).unwrap();
        verify_chain(&[leaf.clone(), int, decoy.clone()], roots).unwrap();
        assert!(verify_chain(&[leaf, decoy], roots).is_err());
    }

    #[test]
    fn a_root_reissued_with_the_same_name_and_key_is_trusted() {
        let (rk, ik) = (key(), key());
        let root = self_signed("CN=root-ca", &rk);
        let reissued = cert("CN=root-ca", spki(&rk), "CN=root-ca", &rk, Some(None), 55);
        let int = cert("CN=int", spki(&ik), "CN=root-ca", &rk, Some(None), 2);
        let leaf = cert("CN=signer", spki(&key()), "CN=int", &ik, None, 3);
        verify_chain(
            &[leaf.clone(), int.clone(), reissued],
            std::slice::from_ref(&root),
        )
        .unwrap();
        // Same name, another key: not the root.
        let impostor = self_signed("CN=root-ca", &key());
        assert!(verify_chain(&[leaf, int], std::slice::from_ref(&impostor)).is_err());
    }

    #[test]
    fn path_length_constraints_are_enforced() {
        let (rk, i1, i2) = (key(), key(), key());
        let root = self_signed("CN=root", &rk);
        let int1 = cert("CN=int1", spki(&i1), "CN=root", &rk, Some(Some(0)), 2);
        let int2 = cert("CN=int2", spki(&i2), "CN=int1", &i1, Some(None), 3);
        let leaf = cert("CN=signer", spki(&key()), "CN=int2", &i2, None, 4);
        let e = verify_chain(&[leaf, int2, int1], std::slice::from_ref(&root)).unwrap_err();
        assert!(e.message.contains("allows 0 intermediate"), "{e}");
    }

    /// The RSA key of a test CA as SubjectPublicKeyInfo.
    fn rsa_spki(k: &RsaKeyPair) -> SubjectPublicKeyInfoOwned {
        SubjectPublicKeyInfoOwned {
            algorithm: AlgorithmIdentifierOwned {
                oid: "1.2.840.113549.1.1.1".parse().unwrap(),
                parameters: Some(Any::null()),
            },
            subject_public_key: BitString::from_bytes(k.public_key().as_ref()).unwrap(),
        }
    }

    /// Replace a certificate's signature with an RSA PKCS#1 v1.5 SHA-256 one by `k`.
    fn resign_rsa(mut c: Certificate, k: &RsaKeyPair) -> Certificate {
        let alg = AlgorithmIdentifierOwned {
            oid: RSA_SHA256.parse().unwrap(),
            parameters: Some(Any::null()),
        };
        c.tbs_certificate.signature = alg.clone();
        c.signature_algorithm = alg;
        let tbs = c.tbs_certificate.to_der().unwrap();
        let mut sig = vec![0u8; k.public_modulus_len()];
        k.sign(
            &RSA_PKCS1_SHA256,
            &aws_lc_rs::rand::SystemRandom::new(),
            &tbs,
            &mut sig,
        )
        .unwrap();
        c.signature = BitString::from_bytes(&sig).unwrap();
        c
    }

    /// RSA root and intermediate over an ECDSA leaf, as certtool makes them by default (model_signing's
    /// fixtures).
    #[test]
    fn rsa_ca_signatures_verify() {
        let rk = RsaKeyPair::generate(KeySize::Rsa2048).unwrap();
        let ik = RsaKeyPair::generate(KeySize::Rsa2048).unwrap();
        let scratch = key();
        let root = resign_rsa(
            cert(
                "CN=rsa-root",
                rsa_spki(&rk),
                "CN=rsa-root",
                &scratch,
                Some(None),
                1,
            ),
            &rk,
        );
        let int = resign_rsa(
            cert(
                "CN=rsa-int",
                rsa_spki(&ik),
                "CN=rsa-root",
                &scratch,
                Some(None),
                2,
            ),
            &rk,
        );
        let leaf = resign_rsa(
            cert("CN=signer", spki(&key()), "CN=rsa-int", &scratch, None, 3),
            &ik,
        );
        let roots = std::slice::from_ref(&root);
        verify_chain(&[leaf.clone(), int.clone()], roots).unwrap();
        // Signed by the wrong RSA key: named as such.
        let forged = resign_rsa(leaf, &rk);
        let e = verify_chain(&[forged, int], roots).unwrap_err();
        assert!(
            e.message
                .contains("does not verify with the key of 'CN=rsa-int'"),
            "{e}"
        );
    }
}
