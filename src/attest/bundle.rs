//! Sigstore bundles, media types v0.1 to v0.3, as model_signing, cosign and sigstore clients write them:
//! `verificationMaterial` (a public key hint and/or legacy `rawBytes`, an X.509 chain, or a single
//! certificate; transparency-log entries and timestamps kept opaque for the keyless verifier) and the
//! signed content (a DSSE envelope or a message signature over a digest).
//!
//! Parsing is strict about what verification needs (clear errors naming the missing or broken field),
//! tolerant of fields it does not use, and bounded: a bundle larger than [`MAX_BUNDLE_BYTES`] is refused
//! before it is read. The `sigstore-types` 0.15 bundle type has no `publicKey.rawBytes` (older OMS layouts),
//! so this module has its own serde.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::dsse::{b64_decode, b64_encode, Envelope, RawEnvelope};
use super::error::{invalid, AttestError, AttestResult};

/// Largest bundle we read (an OMS bundle lists one digest per file: 64 MiB is millions of files).
pub const MAX_BUNDLE_BYTES: u64 = 64 * 1024 * 1024;

/// The media type we write.
pub const MEDIA_TYPE_V03: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";

/// Bundle media types we read.
const MEDIA_TYPES: [&str; 4] = [
    "application/vnd.dev.sigstore.bundle+json;version=0.1",
    "application/vnd.dev.sigstore.bundle+json;version=0.2",
    "application/vnd.dev.sigstore.bundle+json;version=0.3",
    MEDIA_TYPE_V03,
];

/// How the bundle identifies the signer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Material {
    /// A public key given out of band; `hint` is the lowercase hex SHA-256 of its PEM text, `raw_bytes`
    /// (older OMS layouts) the key itself, usually as PEM text.
    PublicKey {
        hint: Option<String>,
        raw_bytes: Option<Vec<u8>>,
    },
    /// DER certificates, leaf first (OMS certificate method).
    CertificateChain(Vec<Vec<u8>>),
    /// One DER leaf certificate (Sigstore keyless, bundle v0.3).
    Certificate(Vec<u8>),
}

/// A plain signature over an artifact digest (`cosign sign-blob`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageSignature {
    /// `SHA2_256`, ... as in the bundle, with the digest bytes; absent in some bundles.
    pub digest: Option<(String, Vec<u8>)>,
    /// ASN.1 DER ECDSA signature.
    pub signature: Vec<u8>,
}

/// What the bundle signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Dsse(Envelope),
    Message(MessageSignature),
}

/// A parsed bundle.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    pub media_type: String,
    pub material: Material,
    /// Transparency-log entries, unparsed (the keyless verifier reads them).
    pub tlog_entries: Vec<Value>,
    /// RFC 3161 timestamps and the like, unparsed.
    pub timestamp_verification_data: Option<Value>,
    pub content: Content,
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct RawBundle {
    #[serde(skip_serializing_if = "Option::is_none")]
    media_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verification_material: Option<RawMaterial>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dsse_envelope: Option<RawEnvelope>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_signature: Option<RawMessageSignature>,
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct RawMaterial {
    #[serde(skip_serializing_if = "Option::is_none")]
    public_key: Option<RawPublicKey>,
    #[serde(skip_serializing_if = "Option::is_none")]
    x509_certificate_chain: Option<RawChain>,
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate: Option<RawCert>,
    #[serde(default)]
    tlog_entries: Option<Vec<Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp_verification_data: Option<Value>,
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct RawPublicKey {
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw_bytes: Option<String>,
}

#[derive(Deserialize, Serialize)]
struct RawChain {
    certificates: Option<Vec<RawCert>>,
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct RawCert {
    raw_bytes: Option<String>,
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct RawMessageSignature {
    #[serde(skip_serializing_if = "Option::is_none")]
    message_digest: Option<RawDigest>,
    signature: Option<String>,
}

#[derive(Deserialize, Serialize)]
struct RawDigest {
    algorithm: Option<String>,
    digest: Option<String>,
}

fn cert_bytes(field: &str, c: Option<RawCert>) -> Result<Vec<u8>, String> {
    let raw = c
        .and_then(|c| c.raw_bytes)
        .ok_or_else(|| format!("{field}.rawBytes: missing"))?;
    let der = b64_decode(&format!("{field}.rawBytes"), &raw)?;
    if der.is_empty() {
        return Err(format!("{field}.rawBytes: empty"));
    }
    Ok(der)
}

impl Bundle {
    /// Parse a bundle from its JSON bytes. Not JSON of a bundle's shape is an [`crate::Error::Malformed`]
    /// (with the JSON parser's error as its source), a missing or broken field an
    /// [`crate::Error::Invalid`] naming the field.
    pub fn parse(bytes: &[u8]) -> AttestResult<Bundle> {
        if bytes.len() as u64 > MAX_BUNDLE_BYTES {
            return Err(invalid(format!(
                "bundle is larger than {} MiB",
                MAX_BUNDLE_BYTES >> 20
            )));
        }
        let raw: RawBundle = serde_json::from_slice(bytes)
            .map_err(|e| AttestError::malformed("not a JSON Sigstore bundle", e))?;
        Bundle::from_raw(raw).map_err(invalid)
    }

    /// The bundle a parsed document describes; the error names the field.
    fn from_raw(raw: RawBundle) -> Result<Bundle, String> {
        let media_type = raw.media_type.ok_or("mediaType: missing")?;
        if !MEDIA_TYPES.contains(&media_type.as_str()) {
            return Err(format!(
                "mediaType: unsupported '{}' (expected a Sigstore bundle v0.1 to v0.3)",
                truncate(&media_type)
            ));
        }
        let vm = raw
            .verification_material
            .ok_or("verificationMaterial: missing")?;
        let material = match (vm.public_key, vm.x509_certificate_chain, vm.certificate) {
            (Some(pk), None, None) => Material::PublicKey {
                hint: pk.hint.filter(|h| !h.is_empty()),
                raw_bytes: match pk.raw_bytes {
                    Some(r) => Some(b64_decode("verificationMaterial.publicKey.rawBytes", &r)?),
                    None => None,
                },
            },
            (None, Some(chain), None) => {
                let certs = chain
                    .certificates
                    .ok_or("verificationMaterial.x509CertificateChain.certificates: missing")?;
                if certs.is_empty() {
                    return Err(
                        "verificationMaterial.x509CertificateChain.certificates: empty".into(),
                    );
                }
                let mut ders = Vec::with_capacity(certs.len());
                for (i, c) in certs.into_iter().enumerate() {
                    ders.push(cert_bytes(
                        &format!("verificationMaterial.x509CertificateChain.certificates[{i}]"),
                        Some(c),
                    )?);
                }
                Material::CertificateChain(ders)
            }
            (None, None, Some(c)) => Material::Certificate(cert_bytes(
                "verificationMaterial.certificate",
                Some(c),
            )?),
            (None, None, None) => return Err(
                "verificationMaterial: needs one of publicKey, x509CertificateChain, certificate"
                    .into(),
            ),
            _ => {
                return Err(
                    "verificationMaterial: more than one of publicKey, x509CertificateChain, certificate"
                        .into(),
                )
            }
        };
        let content = match (raw.dsse_envelope, raw.message_signature) {
            (Some(env), None) => Content::Dsse(Envelope::from_raw(env)?),
            (None, Some(ms)) => {
                let sig = ms.signature.ok_or("messageSignature.signature: missing")?;
                let signature = b64_decode("messageSignature.signature", &sig)?;
                let digest = match ms.message_digest {
                    None => None,
                    Some(d) => {
                        let alg = d
                            .algorithm
                            .ok_or("messageSignature.messageDigest.algorithm: missing")?;
                        let dig = d
                            .digest
                            .ok_or("messageSignature.messageDigest.digest: missing")?;
                        Some((
                            alg,
                            b64_decode("messageSignature.messageDigest.digest", &dig)?,
                        ))
                    }
                };
                Content::Message(MessageSignature { digest, signature })
            }
            (None, None) => return Err("needs a dsseEnvelope or a messageSignature".into()),
            (Some(_), Some(_)) => {
                return Err("has both a dsseEnvelope and a messageSignature".into())
            }
        };
        Ok(Bundle {
            media_type,
            material,
            tlog_entries: vm.tlog_entries.unwrap_or_default(),
            timestamp_verification_data: vm.timestamp_verification_data,
            content,
        })
    }

    /// Read and parse a bundle file; errors name the file.
    pub fn read(path: &Path) -> AttestResult<Bundle> {
        let bytes = read_capped(path, MAX_BUNDLE_BYTES, "bundle")?;
        Bundle::parse(&bytes).map_err(|e| e.context(path.display()))
    }

    /// The bundle as one line of JSON (v0.3 layout, empty `tlogEntries`, as model_signing writes).
    pub fn to_json(&self) -> String {
        let (public_key, chain, certificate) = match &self.material {
            Material::PublicKey { hint, raw_bytes } => (
                Some(RawPublicKey {
                    hint: hint.clone(),
                    raw_bytes: raw_bytes.as_deref().map(b64_encode),
                }),
                None,
                None,
            ),
            Material::CertificateChain(c) => (
                None,
                Some(RawChain {
                    certificates: Some(
                        c.iter()
                            .map(|d| RawCert {
                                raw_bytes: Some(b64_encode(d)),
                            })
                            .collect(),
                    ),
                }),
                None,
            ),
            Material::Certificate(d) => (
                None,
                None,
                Some(RawCert {
                    raw_bytes: Some(b64_encode(d)),
                }),
            ),
        };
        let (dsse_envelope, message_signature) = match &self.content {
            Content::Dsse(e) => (Some(e.to_raw()), None),
            Content::Message(m) => (
                None,
                Some(RawMessageSignature {
                    message_digest: m.digest.as_ref().map(|(a, d)| RawDigest {
                        algorithm: Some(a.clone()),
                        digest: Some(b64_encode(d)),
                    }),
                    signature: Some(b64_encode(&m.signature)),
                }),
            ),
        };
        let raw = RawBundle {
            media_type: Some(self.media_type.clone()),
            verification_material: Some(RawMaterial {
                public_key,
                x509_certificate_chain: chain,
                certificate,
                tlog_entries: Some(self.tlog_entries.clone()),
                timestamp_verification_data: self.timestamp_verification_data.clone(),
            }),
            dsse_envelope,
            message_signature,
        };
        serde_json::to_string(&raw).expect("bundle serialises")
    }
}

/// At most 80 characters of untrusted text for an error message.
pub(crate) fn truncate(s: &str) -> String {
    if s.chars().count() <= 80 {
        s.to_string()
    } else {
        format!("{}...", s.chars().take(80).collect::<String>())
    }
}

/// Read a whole file of at most `cap` bytes; larger files are refused before reading.
pub(crate) fn read_capped(path: &Path, cap: u64, what: &'static str) -> AttestResult<Vec<u8>> {
    crate::io::read_capped(path, cap, what)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_bundle(extra: &str) -> String {
        format!(
            r#"{{"mediaType":"{MEDIA_TYPE_V03}","verificationMaterial":{{"publicKey":{{"hint":"ab"}}{extra}}},
            "dsseEnvelope":{{"payload":"e30=","payloadType":"application/vnd.in-toto+json","signatures":[{{"sig":"AQ==","keyid":null}}]}}}}"#
        )
    }

    #[test]
    fn parses_key_bundle_and_round_trips() {
        let b = Bundle::parse(key_bundle("").as_bytes()).unwrap();
        assert!(matches!(b.material, Material::PublicKey { .. }));
        let again = Bundle::parse(b.to_json().as_bytes()).unwrap();
        assert_eq!(again, b);
    }

    #[test]
    fn refuses_broken_bundles_with_named_fields() {
        let e = Bundle::parse(br#"{"mediaType":"x"}"#).unwrap_err();
        assert!(e.to_string().contains("mediaType"), "{e}");
        let e = Bundle::parse(key_bundle("").replace("e30=", "!!").as_bytes()).unwrap_err();
        assert!(e.to_string().contains("payload"), "{e}");
        let e = Bundle::parse(key_bundle(r#","certificate":{"rawBytes":"AQ=="}"#).as_bytes())
            .unwrap_err();
        assert!(e.to_string().contains("more than one"), "{e}");
        assert_eq!(e.kind(), crate::error::ErrorKind::Invalid);
        // Not JSON: the parser's error is the source, and the message still says what it is.
        let e = Bundle::parse(b"{\"mediaType\": ").unwrap_err();
        assert_eq!(e.kind(), crate::error::ErrorKind::Invalid);
        assert!(
            e.to_string().starts_with("not a JSON Sigstore bundle: "),
            "{e}"
        );
        let cause = std::error::Error::source(&e).expect("a source");
        assert!(cause.is::<serde_json::Error>(), "{cause:?}");
        assert!(!e.is_rejection());
    }
}
