//! A CycloneDX BOM read back for an audit: the files it records (to compare with a directory) and,
//! when the BOM is all a vendor shipped, the [`Subject`] it describes — the model component's name,
//! licences (with the acknowledgement and aibom's `aibom:license-*` properties), its OMS root digest,
//! the documentation checklist (`aibom:completeness*`), training data (data components, the model card's
//! datasets and training-data section), the findings recorded as vulnerabilities and the openness
//! assessment aibom records in 1.6+ BOMs (the MOF class and progress properties, the OSAID attestation's
//! statuses; see [`crate::bom::declarations`]). Only what the BOM says is used; a BOM from another tool
//! gives what it has and nothing is guessed — without a complete recorded assessment the openness is
//! unknown, not assumed.

use std::path::Path;

use serde_json::Value;

use super::evaluate::Recorded;
use super::subject::{
    MissingItem, Subject, SubjectFile, SubjectKind, SubjectLicences, SubjectOpenness,
};
use crate::bom::declarations::{self as decl, PROP_MOF_CLASS, PROP_MOF_PROGRESS};
use crate::error::{Error, Result};
use crate::finding::{self, Finding, Severity};
use crate::openness::mof::{MofClass, UNCLASSIFIED};
use crate::openness::osaid;

/// Largest BOM read.
const MAX_BOM: u64 = 256 * 1024 * 1024;

/// Read a CycloneDX JSON BOM (a document with `bomFormat: CycloneDX`).
pub fn read(path: &Path) -> Result<Value> {
    let bytes = crate::io::read_capped(path, MAX_BOM, "BOM")?;
    let v: Value = serde_json::from_slice(&bytes)
        .map_err(|e| Error::invalid(format!("{}: not JSON: {e}", path.display())))?;
    if v["bomFormat"] != "CycloneDX" {
        return Err(Error::invalid(format!(
            "{}: not a CycloneDX BOM (no \"bomFormat\": \"CycloneDX\")",
            path.display()
        )));
    }
    Ok(v)
}

fn props(v: &Value) -> impl Iterator<Item = (&str, &str)> {
    v["properties"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p["name"].as_str()?, p["value"].as_str()?)))
}

fn prop<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    props(v).find(|(n, _)| *n == name).map(|(_, v)| v)
}

/// The SHA-256 of a component, lower-case hex.
fn sha256(c: &Value) -> Option<String> {
    c["hashes"]
        .as_array()?
        .iter()
        .find(|h| h["alg"] == "SHA-256")
        .and_then(|h| h["content"].as_str())
        .map(str::to_ascii_lowercase)
}

/// The file components (`type: file`) with their names and SHA-256, in BOM order.
fn file_components(bom: &Value) -> Vec<&Value> {
    bom["components"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["type"] == "file")
        .collect()
}

/// The files a BOM records, for comparing with a directory. A file component without a SHA-256 is an
/// error: it cannot be compared.
pub fn recorded(bom: &Value, source: &str) -> Result<Recorded> {
    let mut files = Vec::new();
    for c in file_components(bom) {
        let name = c["name"]
            .as_str()
            .ok_or_else(|| Error::invalid(format!("{source}: a file component has no name")))?;
        let sha = sha256(c).ok_or_else(|| {
            Error::invalid(format!(
                "{source}: file component {name} has no SHA-256 hash"
            ))
        })?;
        files.push((name.to_string(), sha));
    }
    if files.is_empty() {
        return Err(Error::invalid(format!(
            "{source}: the BOM records no files (no components of type \"file\")"
        )));
    }
    Ok(Recorded {
        source: source.to_string(),
        files,
    })
}

/// The openness assessment a BOM records: the MOF class and the three progress values of the model
/// component's properties, and the status of every OSAID element from the map of the OSAID attestation
/// (`conformance.score` 1: satisfied by evidence; the reason is the rationale after its status). None
/// unless all of it is there and well-formed.
fn openness(bom: &Value, model: &Value) -> Option<SubjectOpenness> {
    let (mof_class, mof_label) = match prop(model, PROP_MOF_CLASS)? {
        UNCLASSIFIED => (None, UNCLASSIFIED),
        c => {
            let class = MofClass::ALL
                .into_iter()
                .find(|&k| decl::mof_class_value(Some(k)) == c)?;
            (Some(class), class.label())
        }
    };
    let mut mof_progress = [0.0; 3];
    for (p, name) in mof_progress.iter_mut().zip(PROP_MOF_PROGRESS) {
        *p = prop(model, name)?
            .parse()
            .ok()
            .filter(|x: &f64| (0.0..=100.0).contains(x))?;
    }
    let prefix = decl::requirement_ref(decl::OSAID, "");
    let mut statuses = std::collections::BTreeMap::new();
    for a in bom["declarations"]["attestations"].as_array()? {
        for m in a["map"].as_array().into_iter().flatten() {
            let Some(id) = m["requirement"]
                .as_str()
                .and_then(|r| r.strip_prefix(prefix.as_str()))
            else {
                continue;
            };
            let c = &m["conformance"];
            let (_, reason) = decl::split_rationale(c["rationale"].as_str().unwrap_or(""));
            statuses.insert(id, (c["score"].as_f64() == Some(1.0), reason.to_string()));
        }
    }
    let osaid = osaid::ELEMENT_IDS
        .iter()
        .map(|&id| {
            let (ok, reason) = statuses.remove(id)?;
            Some((id.to_string(), ok, reason))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(SubjectOpenness {
        mof_class,
        mof_label: mof_label.to_string(),
        mof_progress,
        osaid,
    })
}

/// The subject a BOM describes, for an audit without the model's files.
pub fn subject(bom: &Value, path: &str) -> Result<Subject> {
    let model = &bom["metadata"]["component"];
    if !model.is_object() {
        return Err(Error::invalid(format!(
            "{path}: the BOM has no metadata.component (the model it describes)"
        )));
    }
    let files = file_components(bom)
        .into_iter()
        .filter_map(|c| {
            Some(SubjectFile {
                path: c["name"].as_str()?.to_string(),
                sha256: sha256(c).unwrap_or_default(),
                size: prop(c, "aibom:size")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0),
                role: prop(c, "aibom:role").unwrap_or("other").to_string(),
                format: prop(c, "aibom:format").unwrap_or("binary").to_string(),
            })
        })
        .collect();
    let mut model_licences = Vec::new();
    let mut concluded = false;
    for l in model["licenses"].as_array().into_iter().flatten() {
        let (text, ack) = if let Some(e) = l["expression"].as_str() {
            (Some(e), l["acknowledgement"].as_str())
        } else {
            let lic = &l["license"];
            (
                lic["id"].as_str().or_else(|| lic["name"].as_str()),
                lic["acknowledgement"].as_str(),
            )
        };
        if let Some(t) = text {
            model_licences.push(t.to_string());
            concluded |= ack == Some("concluded");
        }
    }
    let licences = SubjectLicences {
        model: model_licences,
        concluded,
        use_restricted: prop(model, "aibom:license-use-restricted") == Some("true"),
        restrictions: props(model)
            .filter(|(n, _)| *n == "aibom:license-restriction")
            .map(|(_, v)| v.to_string())
            .collect(),
        evidence: props(model)
            .filter(|(n, _)| *n == "aibom:license-evidence")
            .map(|(_, v)| v.to_string())
            .collect(),
    };
    let completeness = prop(model, "aibom:completeness")
        .and_then(|s| s.split('/').next())
        .and_then(|s| s.parse().ok());
    let missing = props(model)
        .filter(|(n, _)| *n == "aibom:completeness-missing")
        .map(|(_, v)| MissingItem {
            key: v.to_string(),
            hint: String::new(),
        })
        .collect();
    let card = &model["modelCard"];
    let training_data = bom["components"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["type"] == "data")
        || card["modelParameters"]["datasets"]
            .as_array()
            .is_some_and(|d| !d.is_empty())
        || prop(card, "aibom:training-data").is_some();
    let mut findings = Vec::new();
    for v in bom["vulnerabilities"].as_array().into_iter().flatten() {
        let Some(code) = v["id"].as_str() else {
            continue;
        };
        // A code this aibom does not know (a BOM from a newer aibom or another tool) is judged by its
        // recorded severity under `finding-unknown`, never dropped.
        let (known, unknown) = match finding::lookup(code) {
            Some(k) => (k, None),
            None => (
                finding::lookup("unscannable").expect("registered"),
                Some(code),
            ),
        };
        let severity = v["ratings"][0]["severity"]
            .as_str()
            .and_then(|s| Severity::ALL.iter().copied().find(|x| x.as_str() == s))
            .unwrap_or(known.severity);
        let target = v["affects"][0]["ref"].as_str().unwrap_or("");
        let description = v["description"].as_str().unwrap_or(known.summary);
        let mut f = Finding::new(
            known.code,
            target.strip_prefix("file:"),
            match unknown {
                Some(c) => format!("{c}: {description}"),
                None => description.to_string(),
            },
        );
        if let Some(c) = unknown {
            f.code = "finding-unknown";
            f.evidence = c.to_string();
        }
        f.severity = severity;
        if let Some(d) = v["detail"].as_str() {
            f.evidence = d.to_string();
        }
        f.member = prop(v, "aibom:member").map(str::to_string);
        f.offset = prop(v, "aibom:offset").and_then(|o| o.parse().ok());
        findings.push(f);
    }
    Ok(Subject {
        kind: SubjectKind::Bom,
        path: path.to_string(),
        name: model["name"].as_str().unwrap_or("").to_string(),
        root_digest: prop(model, "aibom:oms-root-digest").map(str::to_string),
        files,
        licences,
        findings,
        completeness,
        missing,
        training_data,
        openness: openness(bom, model),
    })
}
