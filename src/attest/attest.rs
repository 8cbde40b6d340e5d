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

/// Read an AIBOM model attestation back as a manifest: the first subject is the model, the others its
/// files, and the model's digest must be the OMS root of the files. `None` when the statement does not
/// have that shape (a plain in-toto attestation over one or more artifacts).
pub fn parse_model_attestation(statement: &Value) -> Result<Option<Manifest>, String> {
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
