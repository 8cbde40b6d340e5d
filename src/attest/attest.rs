//! AIBOM attestations: the CycloneDX ML-BOM as the predicate of an in-toto Statement v1
//! (`predicateType` `https://cyclonedx.org/bom`) whose subjects are the model — named as the model, with
//! the OMS root digest, so the attestation pairs with the model's OMS signature — followed by every file
//! (model-relative path, SHA-256), so one downloaded file can be checked against it. Signed as a DSSE
//! envelope in a Sigstore bundle v0.3 (see [`super::sign`]).

use std::path::Path;

use serde_json::Value;

use super::bundle::{read_capped, Bundle};
use super::error::{invalid, AttestResult};
use super::keys::PrivateKey;
use super::oms::{self, Manifest, Resource, Sha256Only, Subject};
use super::sign::{sign_statement, SignerMaterial};
use crate::hash;
use crate::scan::HashedModel;

/// The CycloneDX predicate type.
pub const PREDICATE_CYCLONEDX: &str = "https://cyclonedx.org/bom";

/// Largest BOM file we read.
pub const MAX_BOM_BYTES: u64 = 64 * 1024 * 1024;

/// The attestation statement: subjects model + files, predicate the BOM.
pub fn build_statement(model_name: &str, model: &HashedModel, bom: &Value) -> Vec<u8> {
    let mut subjects = vec![Subject {
        name: model_name,
        digest: Sha256Only {
            sha256: hex::encode(model.root_digest),
        },
    }];
    subjects.extend(
        model
            .files
            .entries
            .iter()
            .zip(&model.hashes)
            .map(|(e, h)| Subject {
                name: &e.name,
                digest: Sha256Only {
                    sha256: hex::encode(h.sha256),
                },
            }),
    );
    oms::statement_bytes(subjects, PREDICATE_CYCLONEDX, bom)
}

/// Sign the attestation of `model` with `bom` as its predicate (key method).
pub fn attest_model(
    model_name: &str,
    model: &HashedModel,
    bom: &Value,
    key: &PrivateKey,
) -> Bundle {
    sign_statement(
        build_statement(model_name, model, bom),
        key,
        &SignerMaterial::Key,
    )
}

/// Read a CycloneDX JSON BOM file (must be a JSON object with `bomFormat: CycloneDX`).
pub fn read_bom(path: &Path) -> AttestResult<Value> {
    let bytes = read_capped(path, MAX_BOM_BYTES, "BOM")?;
    let v: Value = serde_json::from_slice(&bytes)
        .map_err(|e| invalid(format!("{}: not JSON: {e}", path.display())))?;
    if v.get("bomFormat").and_then(Value::as_str) != Some("CycloneDX") {
        return Err(invalid(format!(
            "{}: not a CycloneDX JSON BOM (no \"bomFormat\": \"CycloneDX\")",
            path.display()
        )));
    }
    Ok(v)
}

/// The property on the BOM's model component (`metadata.component`) that records its OMS root digest.
pub const ROOT_DIGEST_PROPERTY: &str = "aibom:oms-root-digest";

/// The model a BOM describes: its component name and the OMS root digest the BOM records for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BomModel {
    pub name: Option<String>,
    pub root_digest: hash::Sha256Digest,
}

/// Which model `bom` describes: `metadata.component`'s name and its [`ROOT_DIGEST_PROPERTY`]. A BOM
/// without that property cannot be bound to a model's digest and is refused.
pub fn bom_model(bom: &Value) -> AttestResult<BomModel> {
    let component = bom.pointer("/metadata/component");
    let name = component
        .and_then(|c| c.get("name"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let recorded = component
        .and_then(|c| c.get("properties"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|p| p.get("name").and_then(Value::as_str) == Some(ROOT_DIGEST_PROPERTY))
        .and_then(|p| p.get("value"))
        .and_then(Value::as_str);
    let Some(recorded) = recorded else {
        return Err(invalid(format!(
            "the BOM does not record which model it describes (no {ROOT_DIGEST_PROPERTY} property on \
             metadata.component{}), so it cannot be bound to a model's digest; generate it with aibom scan",
            name.as_deref()
                .map(|n| format!(" '{}'", super::bundle::truncate(n)))
                .unwrap_or_default()
        )));
    };
    let hex = recorded.strip_prefix("sha256:").unwrap_or(recorded);
    let root_digest = oms::parse_sha256_hex(ROOT_DIGEST_PROPERTY, hex).map_err(invalid)?;
    Ok(BomModel { name, root_digest })
}

/// Refuse to attest a BOM that describes another model than the one hashed.
pub fn check_bom_describes(
    bom: &BomModel,
    model_name: &str,
    model: &HashedModel,
) -> AttestResult<()> {
    if bom.root_digest == model.root_digest {
        return Ok(());
    }
    Err(invalid(format!(
        "the BOM describes model '{}' with root digest {}, not {model_name} (root digest {}): \
         attesting it would bind another model's BOM to this model",
        bom.name
            .as_deref()
            .map(super::bundle::truncate)
            .unwrap_or_else(|| "?".into()),
        hash::prefixed_hex(&bom.root_digest),
        hash::prefixed_hex(&model.root_digest)
    )))
}

/// Read an AIBOM model attestation back as a manifest: the first subject is the model, the others its
/// files, and the model's digest must be the OMS root of the files. `None` when the statement does not
/// have that shape (a plain in-toto attestation over one or more artifacts). The error names the
/// subject field; the caller makes it the problem a signed statement of the wrong shape is.
pub(crate) fn parse_model_attestation(statement: &Value) -> Result<Option<Manifest>, String> {
    let subjects = oms::subjects(statement)?;
    if subjects.len() < 2 {
        return Ok(None);
    }
    let mut parsed = Vec::with_capacity(subjects.len());
    for (i, s) in subjects.iter().enumerate() {
        let path = format!("statement.subject[{i}]");
        let name = s
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{path}.name: missing or not a string"))?;
        parsed.push(Resource {
            name: name.to_string(),
            sha256: oms::subject_sha256(s, &path)?,
        });
    }
    let root = hash::root_digest(parsed[1..].iter().map(|r| &r.sha256));
    if root != parsed[0].sha256 {
        return Ok(None);
    }
    let model = parsed.remove(0);
    Ok(Some(Manifest {
        model_name: Some(model.name),
        root,
        resources: parsed,
        serialization: None,
        legacy: false,
    }))
}
