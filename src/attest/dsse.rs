//! Dead Simple Signing Envelope (DSSE v1): the pre-authentication encoding (PAE) that is actually signed,
//! the envelope as it appears in a Sigstore bundle (`payload`, `payloadType`, `signatures[]` with
//! base64 fields), and the faulty PAE of model_signing 0.2 that its old signatures were made over.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use serde::{Deserialize, Serialize};

/// The payload type of an in-toto statement.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// Standard base64 alphabet, padding optional on input.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decode a base64 field of a bundle, naming the field on error (callers make it the error their input
/// calls for).
pub(crate) fn b64_decode(field: &str, s: &str) -> Result<Vec<u8>, String> {
    LENIENT
        .decode(s.trim())
        .map_err(|e| format!("{field}: not valid base64 ({e})"))
}

/// Standard base64 with padding, as Sigstore bundles carry bytes.
pub fn b64_encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// `DSSEv1 <len(type)> <type> <len(payload)> <payload>`: the bytes a DSSE signature covers.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

/// The PAE as model_signing 0.2 computed it: `DSSEV1` (capital V) and the payload written as Python's
/// `repr()` of a bytes object (`b'...'` with escapes). Signatures of that release were made over this;
/// model_signing 1.x still accepts them, so we do too (only for the in-toto payload type).
pub fn pae_model_signing_v02(payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEV1 {} {} {} ",
        IN_TOTO_PAYLOAD_TYPE.len(),
        IN_TOTO_PAYLOAD_TYPE,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(python_bytes_repr(payload).as_bytes());
    out
}

/// Python's `repr(bytes)`: single quotes unless the bytes hold a `'` and no `"`; `\\`, the quote, `\t`,
/// `\n`, `\r` escaped; other bytes outside 0x20..0x7e as `\xNN`.
fn python_bytes_repr(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut s = String::with_capacity(b.len() + 3);
    s.push('b');
    s.push(quote);
    for &c in b {
        match c {
            b'\\' => s.push_str("\\\\"),
            b'\t' => s.push_str("\\t"),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            c if c as char == quote => {
                s.push('\\');
                s.push(quote);
            }
            0x20..=0x7e => s.push(c as char),
            c => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s.push(quote);
    s
}

/// One signature of an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeSignature {
    /// ASN.1 DER ECDSA signature over the PAE.
    pub sig: Vec<u8>,
    /// Key id; absent, `""` and `null` all mean "none".
    pub keyid: Option<String>,
}

/// A DSSE envelope with decoded payload and signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub payload: Vec<u8>,
    pub payload_type: String,
    pub signatures: Vec<EnvelopeSignature>,
}

/// The envelope as JSON (bundle field `dsseEnvelope`). Field order is the order written.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawEnvelope {
    pub payload: Option<String>,
    pub payload_type: Option<String>,
    pub signatures: Option<Vec<RawSignature>>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct RawSignature {
    pub sig: Option<String>,
    #[serde(default)]
    pub keyid: Option<String>,
}

impl Envelope {
    /// Check and decode the JSON form: every field present, base64 valid, at least one signature.
    pub(crate) fn from_raw(raw: RawEnvelope) -> Result<Envelope, String> {
        let payload = raw.payload.ok_or("dsseEnvelope.payload: missing")?;
        let payload = b64_decode("dsseEnvelope.payload", &payload)?;
        let payload_type = raw
            .payload_type
            .ok_or("dsseEnvelope.payloadType: missing")?;
        let raw_sigs = raw.signatures.ok_or("dsseEnvelope.signatures: missing")?;
        if raw_sigs.is_empty() {
            return Err("dsseEnvelope.signatures: empty".to_string());
        }
        let mut signatures = Vec::with_capacity(raw_sigs.len());
        for (i, s) in raw_sigs.into_iter().enumerate() {
            let field = format!("dsseEnvelope.signatures[{i}].sig");
            let sig = b64_decode(&field, s.sig.as_deref().ok_or(format!("{field}: missing"))?)?;
            if sig.is_empty() {
                return Err(format!("{field}: empty"));
            }
            signatures.push(EnvelopeSignature {
                sig,
                keyid: s.keyid.filter(|k| !k.is_empty()),
            });
        }
        Ok(Envelope {
            payload,
            payload_type,
            signatures,
        })
    }

    /// The JSON form, with `keyid: ""` as model_signing writes it.
    pub(crate) fn to_raw(&self) -> RawEnvelope {
        RawEnvelope {
            payload: Some(b64_encode(&self.payload)),
            payload_type: Some(self.payload_type.clone()),
            signatures: Some(
                self.signatures
                    .iter()
                    .map(|s| RawSignature {
                        sig: Some(b64_encode(&s.sig)),
                        keyid: Some(s.keyid.clone().unwrap_or_default()),
                    })
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_dsse_spec_example() {
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
        );
    }

    #[test]
    fn python_repr_escapes_like_python() {
        assert_eq!(python_bytes_repr(b"{\"a\": 1}\n"), "b'{\"a\": 1}\\n'");
        assert_eq!(python_bytes_repr(b"it's"), "b\"it's\"");
        assert_eq!(
            python_bytes_repr(b"'\"\\\x00\xff"),
            "b'\\'\"\\\\\\x00\\xff'"
        );
    }
}
