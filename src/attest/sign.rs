//! Signing: wrap a statement in a DSSE envelope signed over its PAE and put it in a Sigstore bundle v0.3,
//! with the key method (`publicKey.hint`) or the certificate method (leaf and chain in
//! `x509CertificateChain`). ECDSA here is RFC 6979 deterministic, so the same key and the same model give
//! byte-identical bundles.

use std::path::{Path, PathBuf};

use der::Encode;

use super::bundle::{read_capped, Bundle, Content, Material, MEDIA_TYPE_V03};
use super::dsse::{pae, Envelope, EnvelopeSignature, IN_TOTO_PAYLOAD_TYPE};
use super::error::{invalid, AttestResult};
use super::keys::PrivateKey;
use super::{oms, x509};
use crate::scan::HashedModel;
use crate::walk::WalkOptions;

/// Certificate files are small.
const MAX_CERT_FILE: u64 = 4 * 1024 * 1024;

/// How a bundle names its signer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignerMaterial {
    /// Key method: the public key's hint.
    Key,
    /// Certificate method: DER certificates, leaf first.
    Certificates(Vec<Vec<u8>>),
}

impl SignerMaterial {
    /// The certificate method from a leaf certificate file and chain files (PEM), checking that the leaf
    /// certifies `key`. Errors name the file.
    pub fn from_certificate_files(
        key: &PrivateKey,
        leaf: &Path,
        chain: &[PathBuf],
    ) -> AttestResult<SignerMaterial> {
        let load = |p: &Path| -> AttestResult<Vec<x509_cert::Certificate>> {
            let bytes = read_capped(p, MAX_CERT_FILE, "certificate file")?;
            x509::parse_certificates(&bytes).map_err(|e| e.context(p.display()))
        };
        let leaf_cert = load(leaf)?
            .into_iter()
            .next()
            .ok_or_else(|| invalid(format!("{}: no certificate", leaf.display())))?;
        let leaf_key = x509::public_key(&leaf_cert).map_err(|e| e.context(leaf.display()))?;
        if leaf_key != key.public_key() {
            return Err(invalid(format!(
                "{}: the certificate's public key is not the signing key's",
                leaf.display()
            )));
        }
        let mut ders = vec![leaf_cert
            .to_der()
            .map_err(|e| invalid(format!("{}: {e}", leaf.display())))?];
        for p in chain {
            for c in load(p)? {
                ders.push(
                    c.to_der()
                        .map_err(|e| invalid(format!("{}: {e}", p.display())))?,
                );
            }
        }
        Ok(SignerMaterial::Certificates(ders))
    }
}

/// Sign an in-toto statement: DSSE envelope over `payload`, in a bundle v0.3.
pub fn sign_statement(payload: Vec<u8>, key: &PrivateKey, material: &SignerMaterial) -> Bundle {
    let sig = key.sign(&pae(IN_TOTO_PAYLOAD_TYPE, &payload));
    let material = match material {
        SignerMaterial::Key => Material::PublicKey {
            hint: Some(key.public_key().hint()),
            raw_bytes: None,
        },
        SignerMaterial::Certificates(c) => Material::CertificateChain(c.clone()),
    };
    Bundle {
        media_type: MEDIA_TYPE_V03.to_string(),
        material,
        tlog_entries: Vec::new(),
        timestamp_verification_data: None,
        content: Content::Dsse(Envelope {
            payload,
            payload_type: IN_TOTO_PAYLOAD_TYPE.to_string(),
            signatures: vec![EnvelopeSignature { sig, keyid: None }],
        }),
    }
}

/// Sign a hashed model: the OMS v1.0 statement (see [`oms::build_statement`]) in a bundle.
pub fn sign_model(
    model_name: &str,
    model: &HashedModel,
    walk: &WalkOptions,
    key: &PrivateKey,
    material: &SignerMaterial,
) -> Bundle {
    sign_statement(oms::build_statement(model_name, model, walk), key, material)
}
