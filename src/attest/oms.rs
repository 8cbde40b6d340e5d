//! The OpenSSF Model Signing statement (OMS v1.0): an in-toto Statement v1 whose single subject is the model
//! with its root digest and whose predicate lists every file (`resources`) and how the model was walked
//! (`serialization`). Building it from a hashed model, and reading it back — including the legacy
//! `https://model_signing/Digests/v0.1` predicate, where each file is a subject — with the consistency
//! check of the root digest against the listed resources.

use serde::Serialize;
use serde_json::Value;

use super::problem::{Problem, ProblemCode};

use crate::hash::{self, Sha256Digest};
use crate::scan::HashedModel;
use crate::walk::{ModelKind, WalkOptions};

/// in-toto Statement v1.
pub const STATEMENT_V1: &str = "https://in-toto.io/Statement/v1";
/// in-toto Statement v0.1 (older producers).
pub const STATEMENT_V01: &str = "https://in-toto.io/Statement/v0.1";
/// OMS v1.0 predicate.
pub const PREDICATE_V1: &str = "https://model_signing/signature/v1.0";
/// The pre-1.0 model_signing predicate: each file a subject, no root digest.
pub const PREDICATE_LEGACY: &str = "https://model_signing/Digests/v0.1";

/// One signed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// POSIX model-relative name; `"."` (model_signing 1.1.1) or the file name (spec) for a single file.
    pub name: String,
    pub sha256: Sha256Digest,
}

/// The walk a statement was made with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Serialization {
    pub allow_symlinks: bool,
    pub ignore_paths: Vec<String>,
}

/// A signed model manifest read from a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The subject's name (absent in the legacy predicate).
    pub model_name: Option<String>,
    /// The subject's root digest; for the legacy predicate, the root recomputed from the subjects.
    pub root: Sha256Digest,
    /// Files in the order listed.
    pub resources: Vec<Resource>,
    /// How the model was walked (absent in the legacy predicate).
    pub serialization: Option<Serialization>,
    /// True for the legacy predicate.
    pub legacy: bool,
}

#[derive(Serialize)]
struct Statement<'a, P: Serialize> {
    #[serde(rename = "_type")]
    type_: &'a str,
    subject: Vec<Subject<'a>>,
    #[serde(rename = "predicateType")]
    predicate_type: &'a str,
    predicate: P,
}

/// An in-toto ResourceDescriptor with a SHA-256 digest.
#[derive(Serialize)]
pub(crate) struct Subject<'a> {
    pub name: &'a str,
    pub digest: Sha256Only,
}

#[derive(Serialize)]
pub(crate) struct Sha256Only {
    pub sha256: String,
}

#[derive(Serialize)]
struct Predicate<'a> {
    serialization: SerializationOut<'a>,
    resources: Vec<ResourceOut<'a>>,
}

#[derive(Serialize)]
struct SerializationOut<'a> {
    method: &'a str,
    hash_type: &'a str,
    allow_symlinks: bool,
    ignore_paths: &'a [String],
}

#[derive(Serialize)]
struct ResourceOut<'a> {
    name: &'a str,
    algorithm: &'a str,
    digest: String,
}

/// Serialise an in-toto Statement v1 (compact JSON, fixed key order: identical input, identical bytes).
pub(crate) fn statement_bytes<P: Serialize>(
    subjects: Vec<Subject<'_>>,
    predicate_type: &str,
    predicate: P,
) -> Vec<u8> {
    serde_json::to_vec(&Statement {
        type_: STATEMENT_V1,
        subject: subjects,
        predicate_type,
        predicate,
    })
    .expect("statement serialises")
}

/// The resource names a statement lists for `model`: model-relative paths, or `"."` for a single file as
/// model_signing 1.1.1 writes (so that it verifies our signatures).
pub fn resource_names(model: &HashedModel) -> Vec<String> {
    match model.files.kind {
        ModelKind::File => vec![".".to_string()],
        ModelKind::Directory => model.files.entries.iter().map(|e| e.name.clone()).collect(),
    }
}

/// The OMS v1.0 statement of a hashed model (the DSSE payload).
pub fn build_statement(model_name: &str, model: &HashedModel, walk: &WalkOptions) -> Vec<u8> {
    let names = resource_names(model);
    let ignores = walk.effective_ignores();
    let resources = names
        .iter()
        .zip(&model.hashes)
        .map(|(n, h)| ResourceOut {
            name: n,
            algorithm: "sha256",
            digest: hex::encode(h.sha256),
        })
        .collect();
    statement_bytes(
        vec![Subject {
            name: model_name,
            digest: Sha256Only {
                sha256: hex::encode(model.root_digest),
            },
        }],
        PREDICATE_V1,
        Predicate {
            serialization: SerializationOut {
                method: "files",
                hash_type: "sha256",
                allow_symlinks: walk.allow_symlinks,
                ignore_paths: &ignores,
            },
            resources,
        },
    )
}

/// Parse a lowercase or uppercase 64-digit hex SHA-256; the error names `field` (callers turn it into
/// the problem or error their input calls for).
pub(crate) fn parse_sha256_hex(field: &str, s: &str) -> Result<Sha256Digest, String> {
    let mut out = [0u8; 32];
    if s.len() != 64 || hex::decode_to_slice(s, &mut out).is_err() {
        return Err(format!(
            "{field}: not a SHA-256 hex digest: '{}'",
            super::bundle::truncate(s)
        ));
    }
    Ok(out)
}

/// Errors of a statement's shape (a field missing or of the wrong type) as `statement-malformed`
/// problems.
trait Malformed<T> {
    fn malformed(self) -> Result<T, Problem>;
}

impl<T, E: Into<String>> Malformed<T> for Result<T, E> {
    fn malformed(self) -> Result<T, Problem> {
        self.map_err(|e| Problem::new(ProblemCode::StatementMalformed, e))
    }
}

fn str_field<'a>(v: &'a Value, field: &str, path: &str) -> Result<&'a str, String> {
    match v.get(field) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(format!("{path}.{field}: not a string")),
        None => Err(format!("{path}.{field}: missing")),
    }
}

/// The `sha256` digest of an in-toto ResourceDescriptor `subject[i]`.
pub(crate) fn subject_sha256(s: &Value, path: &str) -> Result<Sha256Digest, String> {
    let digest = s
        .get("digest")
        .ok_or_else(|| format!("{path}.digest: missing"))?;
    parse_sha256_hex(
        &format!("{path}.digest.sha256"),
        str_field(digest, "sha256", &format!("{path}.digest"))?,
    )
}

/// The subjects list of a statement.
pub(crate) fn subjects(statement: &Value) -> Result<&Vec<Value>, String> {
    match statement.get("subject") {
        Some(Value::Array(a)) if !a.is_empty() => Ok(a),
        Some(Value::Array(_)) => Err("statement.subject: empty".into()),
        Some(_) => Err("statement.subject: not a list".into()),
        None => Err("statement.subject: missing".into()),
    }
}

/// Read an OMS manifest from a parsed statement whose predicateType is [`PREDICATE_V1`] or
/// [`PREDICATE_LEGACY`]. The v1.0 root digest must equal the digest of the listed resources. Errors are
/// rejections ([`crate::Error::Rejected`]) with a `statement-malformed`, `statement-unsupported` or
/// `statement-inconsistent` problem: the statement was signed, so it is a verdict on what was signed.
pub fn parse_manifest(statement: &Value) -> crate::Result<Manifest> {
    manifest(statement).map_err(crate::Error::Rejected)
}

/// [`parse_manifest`], failing with the problem alone.
fn manifest(statement: &Value) -> Result<Manifest, Problem> {
    let predicate_type = str_field(statement, "predicateType", "statement").malformed()?;
    let subjects = subjects(statement).malformed()?;
    if predicate_type == PREDICATE_LEGACY {
        let mut resources = Vec::with_capacity(subjects.len());
        for (i, s) in subjects.iter().enumerate() {
            let path = format!("statement.subject[{i}]");
            resources.push(Resource {
                name: str_field(s, "name", &path).malformed()?.to_string(),
                sha256: subject_sha256(s, &path).malformed()?,
            });
        }
        return Ok(Manifest {
            model_name: None,
            root: hash::root_digest(resources.iter().map(|r| &r.sha256)),
            resources,
            serialization: None,
            legacy: true,
        });
    }
    if predicate_type != PREDICATE_V1 {
        return Err(format!(
            "statement.predicateType: '{}' is not an OMS predicate",
            super::bundle::truncate(predicate_type)
        ))
        .malformed();
    }
    if subjects.len() != 1 {
        return Err(format!(
            "statement.subject: an OMS v1.0 statement has exactly one subject, this one has {}",
            subjects.len()
        ))
        .malformed();
    }
    let model_name = str_field(&subjects[0], "name", "statement.subject[0]")
        .malformed()?
        .to_string();
    let root = subject_sha256(&subjects[0], "statement.subject[0]").malformed()?;
    let predicate = statement
        .get("predicate")
        .filter(|p| p.is_object())
        .ok_or("statement.predicate: missing or not an object")
        .malformed()?;
    let ser = predicate
        .get("serialization")
        .filter(|p| p.is_object())
        .ok_or("statement.predicate.serialization: missing or not an object")
        .malformed()?;
    let method = str_field(ser, "method", "predicate.serialization").malformed()?;
    if method != "files" {
        return Err(Problem::new(
            ProblemCode::StatementUnsupported,
            format!(
                "predicate.serialization.method '{}' is not supported (only 'files'; model_signing's CLI writes no other)",
                super::bundle::truncate(method)
            ),
        ));
    }
    let hash_type = str_field(ser, "hash_type", "predicate.serialization").malformed()?;
    if hash_type != "sha256" {
        return Err(Problem::new(
            ProblemCode::StatementUnsupported,
            format!(
                "predicate.serialization.hash_type '{}' is not supported (only sha256)",
                super::bundle::truncate(hash_type)
            ),
        ));
    }
    let allow_symlinks = match ser.get("allow_symlinks") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        // model_signing's own legacy shim writes the string "false".
        Some(Value::String(s)) if s == "true" || s == "false" => s == "true",
        Some(_) => return Err("predicate.serialization.allow_symlinks: not a boolean").malformed(),
    };
    let ignore_paths = match ser.get("ignore_paths") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|p| {
                p.as_str()
                    .map(str::to_string)
                    .ok_or("predicate.serialization.ignore_paths: not a list of strings")
            })
            .collect::<Result<_, _>>()
            .malformed()?,
        Some(_) => return Err("predicate.serialization.ignore_paths: not a list").malformed(),
    };
    let list = match predicate.get("resources") {
        Some(Value::Array(a)) => a,
        _ => return Err("predicate.resources: missing or not a list").malformed(),
    };
    let mut resources = Vec::with_capacity(list.len());
    for (i, r) in list.iter().enumerate() {
        let path = format!("predicate.resources[{i}]");
        let alg = str_field(r, "algorithm", &path).malformed()?;
        if alg != "sha256" {
            return Err(Problem::new(
                ProblemCode::StatementUnsupported,
                format!(
                    "{path}.algorithm '{}' is not supported (only sha256)",
                    super::bundle::truncate(alg)
                ),
            ));
        }
        let digest = str_field(r, "digest", &path).malformed()?;
        resources.push(Resource {
            name: str_field(r, "name", &path).malformed()?.to_string(),
            sha256: parse_sha256_hex(&format!("{path}.digest"), digest).malformed()?,
        });
    }
    let recomputed = hash::root_digest(resources.iter().map(|r| &r.sha256));
    if recomputed != root {
        return Err(Problem::new(
            ProblemCode::StatementInconsistent,
            format!(
                "statement is inconsistent: subject digest sha256:{} but the listed resources hash to sha256:{}",
                hex::encode(root),
                hex::encode(recomputed)
            ),
        ));
    }
    Ok(Manifest {
        model_name: Some(model_name),
        root,
        resources,
        serialization: Some(Serialization {
            allow_symlinks,
            ignore_paths,
        }),
        legacy: false,
    })
}
