//! X.509 certificate chains of the OMS certificate method: PEM/DER loading, and a chain check from the
//! bundle's leaf through the bundle's intermediates to a root the verifier trusts. Each certificate's
//! signature is checked with its issuer's key (ECDSA P-256/P-384 with SHA-256/384/512), issuers must be
//! CAs (basic constraints, keyCertSign when key usage is present), every certificate must be valid at the
//! signing time, and the leaf must allow signing (key usage digitalSignature or extended key usage
//! codeSigning), as model_signing 1.1.1 checks. Without a transparency log there is no signing time, so
//! the leaf's notBefore stands for it, as model_signing does.

use std::time::Duration;

use der::{Decode, Encode};
use sha2::{Digest, Sha256, Sha384, Sha512};
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage};
use x509_cert::Certificate;

use super::keys::PublicKey;

/// Longest chain we follow.
const MAX_DEPTH: usize = 8;

const ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
const ECDSA_SHA384: &str = "1.2.840.10045.4.3.3";
const ECDSA_SHA512: &str = "1.2.840.10045.4.3.4";
const CODE_SIGNING: &str = "1.3.6.1.5.5.7.3.3";

/// Parse every certificate of a PEM file (or a single DER certificate).
pub fn parse_certificates(bytes: &[u8]) -> Result<Vec<Certificate>, String> {
    if bytes.starts_with(&[0x30]) {
        return Certificate::from_der(bytes)
            .map(|c| vec![c])
            .map_err(|e| format!("not a DER certificate: {e}"));
    }
    let certs =
        Certificate::load_pem_chain(bytes).map_err(|e| format!("not PEM certificates: {e}"))?;
    if certs.is_empty() {
        return Err("no certificate found".into());
    }
    Ok(certs)
}

/// Parse one DER certificate from a bundle.
pub fn parse_der(der: &[u8]) -> Result<Certificate, String> {
    Certificate::from_der(der).map_err(|e| format!("not a DER X.509 certificate: {e}"))
}

/// The public key of a certificate.
pub fn public_key(cert: &Certificate) -> Result<PublicKey, String> {
    let der = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| format!("certificate key: {e}"))?;
    PublicKey::from_spki_der(&der).map_err(|e| format!("certificate key: {e}"))
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

fn check_valid_at(cert: &Certificate, at: Duration) -> Result<(), String> {
    let v = &cert.tbs_certificate.validity;
    if at < v.not_before.to_unix_duration() || at > v.not_after.to_unix_duration() {
        return Err(format!(
            "certificate '{}' is not valid at the signing time (valid {} to {})",
            subject(cert),
            v.not_before,
            v.not_after
        ));
    }
    Ok(())
}

/// Check that `issuer_cert`'s key signed `cert`.
fn signed_by(cert: &Certificate, issuer_cert: &Certificate) -> Result<(), String> {
    if cert.tbs_certificate.issuer != issuer_cert.tbs_certificate.subject {
        return Err("issuer name differs".into());
    }
    let key = public_key(issuer_cert)?;
    let tbs = cert
        .tbs_certificate
        .to_der()
        .map_err(|e| format!("re-encoding certificate: {e}"))?;
    let digest: Vec<u8> = match cert.signature_algorithm.oid.to_string().as_str() {
        ECDSA_SHA256 => Sha256::digest(&tbs).to_vec(),
        ECDSA_SHA384 => Sha384::digest(&tbs).to_vec(),
        ECDSA_SHA512 => Sha512::digest(&tbs).to_vec(),
        other => {
            return Err(format!(
                "signature algorithm {other} is not supported (ECDSA with SHA-256/384/512 only)"
            ))
        }
    };
    let sig = cert
        .signature
        .as_bytes()
        .ok_or("certificate signature has unused bits")?;
    if key.verify_prehash(&digest, sig) {
        Ok(())
    } else {
        Err(format!(
            "signature of '{}' does not verify with the key of '{}'",
            subject(cert),
            subject(issuer_cert)
        ))
    }
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

fn can_sign(leaf: &Certificate) -> Result<(), String> {
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

/// Verify `chain` (leaf first, then intermediates, possibly the root) up to one of `roots`.
pub fn verify_chain(chain: &[Certificate], roots: &[Certificate]) -> Result<(), String> {
    let leaf = chain.first().ok_or("empty certificate chain")?;
    if roots.is_empty() {
        return Err("no trusted root certificate given".into());
    }
    can_sign(leaf)?;
    let at = not_before(leaf);
    let mut current = leaf;
    for _ in 0..MAX_DEPTH {
        check_valid_at(current, at)?;
        if roots.iter().any(|r| r == current) {
            return Ok(());
        }
        let mut last_err = None;
        for anchor in roots
            .iter()
            .filter(|r| r.tbs_certificate.subject == current.tbs_certificate.issuer)
        {
            match signed_by(current, anchor).and_then(|_| check_valid_at(anchor, at)) {
                Ok(()) => return Ok(()),
                Err(e) => last_err = Some(e),
            }
        }
        let next = chain[1..].iter().find(|c| {
            c.tbs_certificate.subject == current.tbs_certificate.issuer
                && !std::ptr::eq(*c, current)
                && signed_by(current, c).is_ok()
        });
        match next {
            Some(n) => {
                is_ca(n)?;
                current = n;
            }
            None => {
                return Err(last_err.unwrap_or_else(|| {
                    format!(
                        "certificate '{}' does not chain to a trusted root (issuer '{}' is neither in the bundle nor among the given roots)",
                        subject(current),
                        issuer(current)
                    )
                }))
            }
        }
    }
    Err(format!(
        "certificate chain longer than {MAX_DEPTH} certificates"
    ))
}
