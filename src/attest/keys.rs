//! ECDSA keys for the OMS key and certificate methods: P-256 (SHA-256) and P-384 (SHA-384), as
//! model_signing accepts. Generation, PKCS#8 PEM output (encrypted with PBES2 when a password is given),
//! loading of SEC1, PKCS#8 and encrypted PKCS#8 private keys and SubjectPublicKeyInfo public keys, the OMS
//! key hint, and signing (RFC 6979: deterministic) and verification.

use std::path::Path;

use ecdsa::signature::hazmat::PrehashVerifier;
use ecdsa::signature::{Signer as _, Verifier as _};
use pkcs8::der::pem::LineEnding;
use pkcs8::{DecodePrivateKey, EncodePrivateKey, PrivateKeyInfo};
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use spki::{DecodePublicKey, EncodePublicKey};
use zeroize::Zeroizing;

use super::bundle::read_capped;
use super::error::{invalid, AttestResult};

/// Why an encrypted private key cannot be read without a password ([`PrivateKey::read`] turns it into
/// [`crate::Error::KeyPasswordNeeded`], whose CLI message says where the password comes from).
const NO_PASSWORD: &str = "encrypted private key, and no password was given";

/// Key files larger than this are not keys.
const MAX_KEY_FILE: u64 = 1024 * 1024;

/// PBKDF2-SHA256 iterations for encrypted private keys (OWASP 2023 recommendation).
const PBKDF2_ITERATIONS: u32 = 600_000;

/// A supported curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
}

impl Curve {
    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
        }
    }
}

/// A private signing key.
#[derive(Clone)]
pub enum PrivateKey {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PrivateKey({})", self.curve().name())
    }
}

/// A public verification key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
}

impl PrivateKey {
    /// A fresh random key.
    pub fn generate(curve: Curve) -> PrivateKey {
        match curve {
            Curve::P256 => PrivateKey::P256(p256::ecdsa::SigningKey::random(&mut OsRng)),
            Curve::P384 => PrivateKey::P384(p384::ecdsa::SigningKey::random(&mut OsRng)),
        }
    }

    pub fn curve(&self) -> Curve {
        match self {
            PrivateKey::P256(_) => Curve::P256,
            PrivateKey::P384(_) => Curve::P384,
        }
    }

    pub fn public_key(&self) -> PublicKey {
        match self {
            PrivateKey::P256(k) => PublicKey::P256(*k.verifying_key()),
            PrivateKey::P384(k) => PublicKey::P384(*k.verifying_key()),
        }
    }

    /// ASN.1 DER ECDSA signature of `msg` with the curve's hash (SHA-256 / SHA-384); deterministic.
    pub fn sign(&self, msg: &[u8]) -> Vec<u8> {
        match self {
            PrivateKey::P256(k) => {
                let s: p256::ecdsa::Signature = k.sign(msg);
                s.to_der().as_bytes().to_vec()
            }
            PrivateKey::P384(k) => {
                let s: p384::ecdsa::Signature = k.sign(msg);
                s.to_der().as_bytes().to_vec()
            }
        }
    }

    /// PKCS#8 PEM; encrypted (PBES2, PBKDF2-SHA256, AES-256-CBC) when `password` is given.
    pub fn to_pkcs8_pem(&self, password: Option<&[u8]>) -> AttestResult<Zeroizing<String>> {
        let doc = match self {
            PrivateKey::P256(k) => k.to_pkcs8_der(),
            PrivateKey::P384(k) => k.to_pkcs8_der(),
        }
        .map_err(|e| invalid(format!("encoding private key: {e}")))?;
        let Some(password) = password else {
            return doc
                .to_pem("PRIVATE KEY", LineEnding::LF)
                .map_err(|e| invalid(format!("encoding private key: {e}")));
        };
        let mut salt = [0u8; 16];
        let mut iv = [0u8; 16];
        OsRng.fill_bytes(&mut salt);
        OsRng.fill_bytes(&mut iv);
        let params =
            pkcs8::pkcs5::pbes2::Parameters::pbkdf2_sha256_aes256cbc(PBKDF2_ITERATIONS, &salt, &iv)
                .map_err(|e| invalid(format!("encrypting private key: {e}")))?;
        let info = PrivateKeyInfo::try_from(doc.as_bytes())
            .map_err(|e| invalid(format!("encrypting private key: {e}")))?;
        let enc = info
            .encrypt_with_params(params, password)
            .map_err(|e| invalid(format!("encrypting private key: {e}")))?;
        enc.to_pem("ENCRYPTED PRIVATE KEY", LineEnding::LF)
            .map_err(|e| invalid(format!("encoding private key: {e}")))
    }

    /// Parse a PEM private key: `PRIVATE KEY` (PKCS#8), `EC PRIVATE KEY` (SEC1) or `ENCRYPTED PRIVATE KEY`
    /// (needs `password`). Anything else, and an encrypted key without a password, is an
    /// [`crate::Error::Invalid`] saying which.
    pub fn from_pem(pem: &str, password: Option<&[u8]>) -> AttestResult<PrivateKey> {
        PrivateKey::decode_pem(pem, password).map_err(invalid)
    }

    /// [`PrivateKey::from_pem`] with the reason as text, [`NO_PASSWORD`] when a password is needed.
    fn decode_pem(pem: &str, password: Option<&[u8]>) -> Result<PrivateKey, String> {
        let label = pem_label(pem).ok_or("not a PEM file (no -----BEGIN line)")?;
        match label.as_str() {
            "PRIVATE KEY" => {
                if let Ok(k) = p256::ecdsa::SigningKey::from_pkcs8_pem(pem) {
                    Ok(PrivateKey::P256(k))
                } else if let Ok(k) = p384::ecdsa::SigningKey::from_pkcs8_pem(pem) {
                    Ok(PrivateKey::P384(k))
                } else {
                    Err("not a PKCS#8 EC P-256 or P-384 private key (other key types are not supported by OMS)".into())
                }
            }
            "EC PRIVATE KEY" => {
                if let Ok(k) = p256::SecretKey::from_sec1_pem(pem) {
                    Ok(PrivateKey::P256(k.into()))
                } else if let Ok(k) = p384::SecretKey::from_sec1_pem(pem) {
                    Ok(PrivateKey::P384(k.into()))
                } else {
                    Err("not a SEC1 EC P-256 or P-384 private key".into())
                }
            }
            "ENCRYPTED PRIVATE KEY" => {
                let pw = password.ok_or(NO_PASSWORD)?;
                if let Ok(k) = p256::ecdsa::SigningKey::from_pkcs8_encrypted_pem(pem, pw) {
                    Ok(PrivateKey::P256(k))
                } else if let Ok(k) = p384::ecdsa::SigningKey::from_pkcs8_encrypted_pem(pem, pw) {
                    Ok(PrivateKey::P384(k))
                } else {
                    Err("cannot decrypt the private key: wrong password, or not a P-256/P-384 key".into())
                }
            }
            other => Err(format!(
                "PEM block '{}' is not a private key (expected PRIVATE KEY, EC PRIVATE KEY or ENCRYPTED PRIVATE KEY)",
                super::bundle::truncate(other)
            )),
        }
    }

    /// Read a private key file; errors name the file.
    pub fn read(path: &Path, password: Option<&[u8]>) -> AttestResult<PrivateKey> {
        let text = read_text(path, "private key")?;
        PrivateKey::decode_pem(&text, password).map_err(|e| {
            if e == NO_PASSWORD {
                crate::Error::KeyPasswordNeeded {
                    path: path.to_path_buf(),
                }
            } else {
                invalid(format!("{}: {e}", path.display()))
            }
        })
    }
}

impl PublicKey {
    pub fn curve(&self) -> Curve {
        match self {
            PublicKey::P256(_) => Curve::P256,
            PublicKey::P384(_) => Curve::P384,
        }
    }

    /// From DER SubjectPublicKeyInfo; another key type is an [`crate::Error::Invalid`].
    pub fn from_spki_der(der: &[u8]) -> AttestResult<PublicKey> {
        if let Ok(k) = p256::ecdsa::VerifyingKey::from_public_key_der(der) {
            Ok(PublicKey::P256(k))
        } else if let Ok(k) = p384::ecdsa::VerifyingKey::from_public_key_der(der) {
            Ok(PublicKey::P384(k))
        } else {
            Err(invalid("not an EC P-256 or P-384 public key"))
        }
    }

    /// From PEM `PUBLIC KEY` text; anything else is an [`crate::Error::Invalid`] saying what it is.
    pub fn from_pem(pem: &str) -> AttestResult<PublicKey> {
        match pem_label(pem).as_deref() {
            Some("PUBLIC KEY") => {}
            Some(other) => {
                return Err(invalid(format!(
                    "PEM block '{}' is not a public key (expected PUBLIC KEY)",
                    super::bundle::truncate(other)
                )))
            }
            None => return Err(invalid("not a PEM file (no -----BEGIN line)")),
        }
        if let Ok(k) = p256::ecdsa::VerifyingKey::from_public_key_pem(pem) {
            Ok(PublicKey::P256(k))
        } else if let Ok(k) = p384::ecdsa::VerifyingKey::from_public_key_pem(pem) {
            Ok(PublicKey::P384(k))
        } else {
            Err(invalid("not an EC P-256 or P-384 public key"))
        }
    }

    /// Read a public key file; errors name the file.
    pub fn read(path: &Path) -> AttestResult<PublicKey> {
        let text = read_text(path, "public key")?;
        PublicKey::from_pem(&text).map_err(|e| e.context(path.display()))
    }

    /// Canonical SubjectPublicKeyInfo PEM (64-character lines, trailing newline).
    pub fn to_pem(&self) -> String {
        match self {
            PublicKey::P256(k) => k.to_public_key_pem(LineEnding::LF),
            PublicKey::P384(k) => k.to_public_key_pem(LineEnding::LF),
        }
        .expect("EC public keys encode")
    }

    /// DER SubjectPublicKeyInfo.
    pub fn to_spki_der(&self) -> Vec<u8> {
        match self {
            PublicKey::P256(k) => k.to_public_key_der(),
            PublicKey::P384(k) => k.to_public_key_der(),
        }
        .expect("EC public keys encode")
        .into_vec()
    }

    /// The OMS key hint: lowercase hex SHA-256 of [`PublicKey::to_pem`].
    pub fn hint(&self) -> String {
        hex::encode(Sha256::digest(self.to_pem().as_bytes()))
    }

    /// Check an ASN.1 DER (or fixed-size r||s) signature of `msg` made with the curve's hash.
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        match self {
            PublicKey::P256(k) => p256_sig(sig).is_some_and(|s| k.verify(msg, &s).is_ok()),
            PublicKey::P384(k) => p384_sig(sig).is_some_and(|s| k.verify(msg, &s).is_ok()),
        }
    }

    /// Check a signature over an already computed digest (any length; ECDSA truncates or pads it).
    pub fn verify_prehash(&self, digest: &[u8], sig: &[u8]) -> bool {
        match self {
            PublicKey::P256(k) => {
                p256_sig(sig).is_some_and(|s| k.verify_prehash(digest, &s).is_ok())
            }
            PublicKey::P384(k) => {
                p384_sig(sig).is_some_and(|s| k.verify_prehash(digest, &s).is_ok())
            }
        }
    }
}

fn p256_sig(sig: &[u8]) -> Option<p256::ecdsa::Signature> {
    p256::ecdsa::Signature::from_der(sig)
        .or_else(|_| p256::ecdsa::Signature::from_slice(sig))
        .ok()
}

fn p384_sig(sig: &[u8]) -> Option<p384::ecdsa::Signature> {
    p384::ecdsa::Signature::from_der(sig)
        .or_else(|_| p384::ecdsa::Signature::from_slice(sig))
        .ok()
}

/// The label of the first `-----BEGIN <label>-----` line.
fn pem_label(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        l.trim()
            .strip_prefix("-----BEGIN ")
            .and_then(|r| r.strip_suffix("-----"))
            .map(str::to_string)
    })
}

fn read_text(path: &Path, what: &'static str) -> AttestResult<Zeroizing<String>> {
    let bytes = Zeroizing::new(read_capped(path, MAX_KEY_FILE, what)?);
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| invalid(format!("{}: {what} is not PEM text", path.display())))?;
    // Parsers want the PEM block alone; keep from the first BEGIN line on.
    let start = text.find("-----BEGIN").unwrap_or(0);
    Ok(Zeroizing::new(text[start..].to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_pem_and_sign_deterministically() {
        for curve in [Curve::P256, Curve::P384] {
            let k = PrivateKey::generate(curve);
            let pem = k.to_pkcs8_pem(None).unwrap();
            let back = PrivateKey::from_pem(&pem, None).unwrap();
            assert_eq!(back.public_key(), k.public_key());
            let pubk = PublicKey::from_pem(&k.public_key().to_pem()).unwrap();
            let s1 = k.sign(b"model");
            assert_eq!(s1, back.sign(b"model"));
            assert!(pubk.verify(b"model", &s1));
            assert!(!pubk.verify(b"modem", &s1));
            assert_eq!(pubk.hint().len(), 64);
        }
    }

    #[test]
    fn sec1_keys_load() {
        let k = p256::SecretKey::random(&mut OsRng);
        let pem = k.to_sec1_pem(LineEnding::LF).unwrap();
        assert!(matches!(
            PrivateKey::from_pem(&pem, None).unwrap(),
            PrivateKey::P256(_)
        ));
    }
}
