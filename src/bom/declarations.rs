//! The openness assessment recorded in the BOM (CycloneDX 1.6 and 1.7 only; 1.5 has no such fields), so
//! that signing or attesting the BOM signs the assessment too. The three frameworks `aibom assess` applies
//! become `definitions.standards` — the Model Openness Framework 1.0 (its 17 components as requirements,
//! Classes III, II and I as levels listing the components each requires, cumulatively), the Open Source AI
//! Definition 1.0 (its elements, by the ids of `openness::osaid`) and the EU AI Act's obligations of
//! general-purpose AI model providers (the Art. 53(2) exemption's conditions, the Annex XI and XII items,
//! by the ids of `openness::euaia`). The assessment of the BOM's own files becomes `declarations`: one
//! assessor, aibom itself (`thirdParty: false`: an automated self-assessment, not an independent audit);
//! one attestation per standard whose `map` gives every requirement its claim or counter-claim and a
//! `conformance`; claims about the model component (`target: model`) whose evidence entries name the
//! file components (bom-ref and SHA-256) and the references the files make.
//!
//! Scores: 1 when the requirement is met (MOF: counted as open; OSAID: satisfied by evidence; EU AI Act:
//! covered or declared), 0 when it is not. A verdict the files cannot decide — OSAID's
//! `needs-human-review`, the EU AI Act's `needs-declaration` — gets no score at all: an absent score says
//! "not assessed", where 0 would say "not met". Every `conformance.rationale` starts with the status
//! (`open: `, `satisfied-by-evidence: `, `needs-declaration: `, ...) followed by the reason, which is how
//! [`crate::audit::bom`] reads the statuses back. The MOF class and the per-class progress (exactly as the
//! Model Openness Tool computes them) are also model-component properties: [`PROP_MOF_CLASS`] (`III`,
//! `II`, `I` or `Unclassified`) and [`PROP_MOF_PROGRESS`] (Class III, II, I; 0–100, shortest exact form).
//!
//! Deterministic: the same files give the same bytes; evidence entries carry `created` only when the BOM
//! has a timestamp (the same one). Facts the files cannot show are never claimed: the BOM is built
//! without EU AI Act declarations, so systemic risk, monetisation and the release stay
//! `needs-declaration` and get no claim (compute too, unless the model card states the hardware).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{file_ref, MODEL_REF};
use crate::facts::ModelFacts;
use crate::inventory::Inventory;
use crate::openness::assess::{self, Assessment};
use crate::openness::euaia::{self, Exemption, State};
use crate::openness::evidence::{self, id, ComponentEvidence, Found};
use crate::openness::mof::{
    self, Classification, ComponentStatus, MofClass, FRAMEWORK_NAME, FRAMEWORK_VERSION,
};
use crate::openness::osaid::{self, Status};

/// Key of the Model Openness Framework in bom-refs (`standard:mof-1.0`, `requirement:mof-1.0:9`, ...).
pub const MOF: &str = "mof-1.0";
/// Key of the Open Source AI Definition.
pub const OSAID: &str = "osaid-1.0";
/// Key of the EU AI Act's general-purpose AI provider obligations.
pub const EU_AI_ACT: &str = "eu-ai-act-gpai";
/// bom-ref of the one assessor, aibom.
pub const ASSESSOR: &str = "assessor:aibom";
/// Model-component property with the MOF class reached: `III`, `II`, `I` or `Unclassified`.
pub const PROP_MOF_CLASS: &str = "aibom:mof-class";
/// Model-component properties with the progress of Class III, II and I (0–100).
pub const PROP_MOF_PROGRESS: [&str; 3] = [
    "aibom:mof-progress-iii",
    "aibom:mof-progress-ii",
    "aibom:mof-progress-i",
];

const SELF_ASSESSMENT: &str = "A self-assessment: aibom read the model's files; no third party reviewed it, and nothing outside the files was consulted.";

/// bom-ref of a standard.
pub fn standard_ref(key: &str) -> String {
    format!("standard:{key}")
}

/// bom-ref of a requirement of a standard (MOF: the tool's component id; OSAID and EU AI Act: the
/// element or item id).
pub fn requirement_ref(key: &str, id: &str) -> String {
    format!("requirement:{key}:{id}")
}

/// bom-ref of the claim about a requirement.
pub fn claim_ref(key: &str, id: &str) -> String {
    format!("claim:{key}:{id}")
}

/// bom-ref of a MOF class as a level (`level:mof-1.0:class-iii`).
pub fn level_ref(class: MofClass) -> String {
    format!("level:{MOF}:class-{}", roman(class).to_ascii_lowercase())
}

/// bom-ref of the evidence entry of a file of the model.
pub fn file_evidence_ref(path: &str) -> String {
    format!("evidence:{}", file_ref(path))
}

/// The status and the reason of a `conformance.rationale` (`"open: included under MIT"` →
/// `("open", "included under MIT")`).
pub fn split_rationale(rationale: &str) -> (&str, &str) {
    rationale.split_once(": ").unwrap_or((rationale, ""))
}

fn roman(class: MofClass) -> &'static str {
    match class {
        MofClass::III => "III",
        MofClass::II => "II",
        MofClass::I => "I",
    }
}

/// The value of [`PROP_MOF_CLASS`].
pub fn mof_class_value(class: Option<MofClass>) -> &'static str {
    class.map(roman).unwrap_or(mof::UNCLASSIFIED)
}

/// Add `definitions.standards`, `declarations` and the MOF properties of the model component to a BOM
/// of spec 1.6 or later, from the assessment of its files.
pub fn add(v: &mut Value, inv: &Inventory, facts: &ModelFacts, timestamp: Option<&str>) {
    let a = assess::assess_from(
        &inv.files,
        facts,
        &inv.model.digest,
        &facts.name,
        &Default::default(),
    );
    let mut b = Builder {
        hashes: inv
            .files
            .iter()
            .map(|f| (f.path.as_str(), f.sha256.as_str()))
            .collect(),
        paths: inv.files.iter().map(|f| f.path.as_str()).collect(),
        licence_files: evidence::model_licence_files(facts),
        created: timestamp,
        evidence: BTreeMap::new(),
        claims: Vec::new(),
    };
    let mut attestations = vec![b.mof(&a)];
    if let Some(o) = &a.osaid {
        attestations.push(b.osaid(o));
    }
    if let Some(eu) = &a.eu_ai_act {
        attestations.push(b.eu(eu, &a.evidence));
    }
    v["definitions"] = json!({ "standards": standards(&a) });
    v["declarations"] = json!({
        "assessors": [{
            "bom-ref": ASSESSOR,
            "thirdParty": false,
            "organization": {"name": "aibom"},
        }],
        "attestations": attestations,
        "claims": b.claims,
        "evidence": b.evidence.into_values().collect::<Vec<_>>(),
    });
    let c = &a.mof.classification;
    let model = &mut v["metadata"]["component"];
    if !model["properties"].is_array() {
        model["properties"] = json!([]);
    }
    let props = model["properties"].as_array_mut().expect("an array");
    props.push(json!({"name": PROP_MOF_CLASS, "value": mof_class_value(c.class)}));
    for (name, class) in PROP_MOF_PROGRESS.iter().zip(MofClass::ALL) {
        props.push(json!({"name": name, "value": c.progress(class).to_string()}));
    }
}

/// The three standards, requirements in the order of the frameworks' own lists.
fn standards(a: &Assessment) -> Vec<Value> {
    let mof_requirements: Vec<Value> = mof::COMPONENTS
        .iter()
        .map(|c| {
            json!({
                "bom-ref": requirement_ref(MOF, &c.id.to_string()),
                "identifier": c.name,
                "text": c.description,
                "properties": [
                    {"name": "aibom:mof-component-id", "value": c.id.to_string()},
                    {"name": "aibom:mof-content-type", "value": c.content_type.as_str()},
                    {"name": "aibom:mof-class", "value": roman(c.class)},
                    {"name": "aibom:mof-required", "value": c.required.to_string()},
                ],
            })
        })
        .collect();
    let levels: Vec<Value> = MofClass::ALL
        .iter()
        .map(|&class| {
            let required: Vec<String> = class
                .cumulative()
                .iter()
                .flat_map(|&k| mof::required(k))
                .map(|c| requirement_ref(MOF, &c.id.to_string()))
                .collect();
            let (_, title) = class.label().split_once(" - ").unwrap_or(("", class.label()));
            json!({
                "bom-ref": level_ref(class),
                "identifier": format!("Class {}", roman(class)),
                "title": title,
                "description": format!(
                    "Met when every component listed here (those of this class and of every less open class) is included under an open licence; optional components do not count.{}",
                    if class == MofClass::I { "" } else { " A research paper under an open licence may stand in for the technical report." }
                ),
                "requirements": required,
            })
        })
        .collect();
    let osaid_titles: BTreeMap<&str, &str> = a
        .osaid
        .iter()
        .flat_map(|o| o.elements.iter().map(|e| (e.id, e.title)))
        .collect();
    let osaid_requirements: Vec<Value> = osaid::ELEMENT_IDS
        .iter()
        .map(|&eid| {
            json!({
                "bom-ref": requirement_ref(OSAID, eid),
                "identifier": eid,
                "text": osaid_titles.get(eid).copied().unwrap_or(eid),
            })
        })
        .collect();
    let eu_requirements: Vec<Value> = a
        .eu_ai_act
        .iter()
        .flat_map(eu_items)
        .map(|(part, i)| {
            json!({
                "bom-ref": requirement_ref(EU_AI_ACT, i.id),
                "identifier": i.id,
                "text": i.title,
                "descriptions": [part],
            })
        })
        .collect();
    vec![
        json!({
            "bom-ref": standard_ref(MOF),
            "name": FRAMEWORK_NAME,
            "version": FRAMEWORK_VERSION,
            "description": "The components of a model release, in three cumulative classes: Class III (Open Model), Class II (Open Tooling Model), Class I (Open Science Model). A class is met when every component it requires, and every component the less open classes require, is included under an open licence. Requirements are the 17 components by name, with the Model Openness Tool's ids as properties; the levels list what each class requires.",
            "owner": "LF AI & Data Foundation",
            "requirements": mof_requirements,
            "levels": levels,
            "externalReferences": [
                {"type": "documentation", "url": "https://arxiv.org/abs/2403.13784"},
                {"type": "vcs", "url": "https://github.com/lfai/model_openness_tool"},
            ],
        }),
        json!({
            "bom-ref": standard_ref(OSAID),
            "name": "Open Source AI Definition",
            "version": "1.0",
            "description": "What makes an AI system open source: the freedoms to use it for any purpose, study it, modify it and share it, and the preferred form to make modifications (data information, code, parameters) under open terms. The identifiers are aibom's; the texts shorten the definition in aibom's words.",
            "owner": "Open Source Initiative",
            "requirements": osaid_requirements,
            "externalReferences": [
                {"type": "documentation", "url": "https://opensource.org/ai/open-source-ai-definition"},
            ],
        }),
        json!({
            "bom-ref": standard_ref(EU_AI_ACT),
            "name": "EU AI Act: obligations of providers of general-purpose AI models",
            "description": "Regulation (EU) 2024/1689, Art. 53: the conditions of the Art. 53(2) open-source exemption and the items of Annex XI (technical documentation) and Annex XII (information for downstream providers). Art. 53(1)(c) (copyright policy) and (d) (public summary of training content) apply to every provider, exempt or not, and are not assessed here. The identifiers are aibom's; the texts shorten the Act in aibom's words.",
            "owner": "European Union",
            "requirements": eu_requirements,
            "externalReferences": [
                {"type": "documentation", "url": "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"},
            ],
        }),
    ]
}

/// Every EU AI Act item with the part of the Act it belongs to, in assessment order.
fn eu_items(eu: &euaia::Assessment) -> impl Iterator<Item = (&'static str, &euaia::Item)> {
    let part = |p: &'static str| move |i| (p, i);
    eu.exemption_conditions
        .iter()
        .map(part("Art. 53(2): condition of the open-source exemption"))
        .chain(
            eu.annex_xi
                .iter()
                .map(part("Annex XI: technical documentation")),
        )
        .chain(
            eu.annex_xii
                .iter()
                .map(part("Annex XII: information for downstream providers")),
        )
}

/// One requirement's outcome before it becomes a claim and a map entry.
struct Outcome {
    /// 1 met, 0 not met, none: the files cannot decide.
    score: Option<u8>,
    /// The status word that starts the rationale.
    status: &'static str,
    reason: String,
    /// The claim's predicate (none: no claim, as for a fact only a declaration can give).
    predicate: Option<String>,
    /// Evidence bom-refs.
    evidence: Vec<String>,
}

struct Builder<'a> {
    hashes: BTreeMap<&'a str, &'a str>,
    /// Paths in inventory order.
    paths: Vec<&'a str>,
    licence_files: Vec<String>,
    created: Option<&'a str>,
    evidence: BTreeMap<String, Value>,
    claims: Vec<Value>,
}

impl Builder<'_> {
    /// The evidence entry of a file of the model (none when the BOM does not list it).
    fn file(&mut self, path: &str) -> Option<String> {
        let sha = *self.hashes.get(path)?;
        let r = file_evidence_ref(path);
        let mut e = json!({
            "bom-ref": r,
            "description": format!("{path}, a file of the model: component {}, SHA-256 {sha}", file_ref(path)),
            "data": [{"name": file_ref(path), "contents": {"attachment": {"content": format!("sha256:{sha}")}}}],
        });
        if let Some(t) = self.created {
            e["created"] = json!(t);
        }
        self.evidence.insert(r.clone(), e);
        Some(r)
    }

    /// The evidence entry of something the files name but do not hold (a paper, a repository, a dataset).
    fn reference(&mut self, what: &str) -> String {
        let r = format!("evidence:reference:{what}");
        let mut data = json!({"name": "reference"});
        let url_like = (what.starts_with("https://") || what.starts_with("http://"))
            && !what.chars().any(|c| c.is_whitespace() || c.is_control());
        if url_like {
            data["contents"] = json!({"url": what});
        }
        let mut e = json!({
            "bom-ref": r,
            "description": format!("{what}: named by the model's files, not in the directory; its content and licence are not assessed"),
            "data": [data],
        });
        if let Some(t) = self.created {
            e["created"] = json!(t);
        }
        self.evidence.insert(r.clone(), e);
        r
    }

    fn files_and_references(&mut self, files: &[String], references: &[String]) -> Vec<String> {
        let mut out: Vec<String> = files.iter().filter_map(|p| self.file(p)).collect();
        out.extend(references.iter().map(|r| self.reference(r)));
        out.dedup();
        out
    }

    /// The files of the model a text names as whole paths.
    fn named_in(&self, text: &str) -> Vec<String> {
        self.paths
            .iter()
            .filter(|p| names(text, p))
            .map(|p| p.to_string())
            .collect()
    }

    /// Record the claim of one requirement and return its map entry.
    fn entry(&mut self, key: &str, id: &str, o: Outcome) -> Value {
        let mut m = json!({
            "requirement": requirement_ref(key, id),
            "conformance": {"rationale": format!("{}: {}", o.status, o.reason)},
        });
        if let Some(s) = o.score {
            m["conformance"]["score"] = json!(s);
        }
        if let Some(p) = o.predicate {
            let r = claim_ref(key, id);
            let mut c = json!({
                "bom-ref": r,
                "target": MODEL_REF,
                "predicate": p,
            });
            if !o.evidence.is_empty() {
                c["evidence"] = json!(o.evidence);
                c["reasoning"] = json!("The evidence lists the files of the model (with their SHA-256) and the references this rests on.");
            }
            self.claims.push(c);
            m[if o.score == Some(0) {
                "counterClaims"
            } else {
                "claims"
            }] = json!([r]);
        }
        m
    }

    fn mof(&mut self, a: &Assessment) -> Value {
        let c: &Classification = &a.mof.classification;
        let ev = |cid: u8| a.evidence.iter().find(|e| e.id == cid);
        let mut map = Vec::new();
        for r in &c.components {
            // The paper's evidence stands for a report it replaces.
            let shown = if r.status == ComponentStatus::Replaced {
                mof::RESEARCH_PAPER
            } else {
                r.id
            };
            let evidence = match ev(shown) {
                Some(e) if r.listed || r.status == ComponentStatus::Replaced => {
                    let files: Vec<String> = e.files.iter().map(|f| f.path.clone()).collect();
                    self.files_and_references(&files, &e.references)
                }
                _ => Vec::new(),
            };
            let licence = r.license.as_deref().unwrap_or("no licence");
            let source = ev(r.id)
                .and_then(|e| e.licence_source.as_deref())
                .map(|s| format!(" ({s})"))
                .unwrap_or_default();
            let (score, status, reason) = match r.status {
                ComponentStatus::Open => (
                    1,
                    "open",
                    format!("included under {licence}{source}, an open licence"),
                ),
                ComponentStatus::Invalid => (
                    0,
                    "not-open",
                    format!("included under {licence}{source}, which is not an open licence by the Model Openness Tool's lists"),
                ),
                ComponentStatus::Unlicensed => (
                    0,
                    "unlicensed",
                    if ev(r.id).is_some_and(|e| e.found == Found::Referenced) {
                        "named by the model's files but not in the directory, so no licence in it covers it".to_string()
                    } else {
                        "included, but no licence covers it".to_string()
                    },
                ),
                ComponentStatus::Missing => (0, "missing", "required, and nothing in the directory is it or names it".to_string()),
                ComponentStatus::NotListed => (0, "not-listed", "optional and not included; it does not change the class".to_string()),
                ComponentStatus::Replaced => {
                    let open = c
                        .component(mof::RESEARCH_PAPER)
                        .is_some_and(|p| p.status == ComponentStatus::Open);
                    (
                        u8::from(open),
                        "replaced",
                        "not included; the research paper takes its place".to_string(),
                    )
                }
            };
            let mut reason = reason;
            for n in &r.notes {
                reason.push_str("; ");
                reason.push_str(n);
            }
            let predicate = format!("{}: {reason}", r.name);
            map.push(self.entry(
                MOF,
                &r.id.to_string(),
                Outcome {
                    score: Some(score),
                    status,
                    reason,
                    predicate: Some(predicate),
                    evidence,
                },
            ));
        }
        json!({
            "summary": format!(
                "Model Openness Framework 1.0: {} (Class III {:.0}%, Class II {:.0}%, Class I {:.0}%), by the Model Openness Tool's rules. {SELF_ASSESSMENT}",
                c.label,
                c.progress(MofClass::III),
                c.progress(MofClass::II),
                c.progress(MofClass::I),
            ),
            "assessor": ASSESSOR,
            "map": map,
        })
    }

    fn osaid(&mut self, o: &osaid::Assessment) -> Value {
        let mut map = Vec::new();
        for e in &o.elements {
            let files: Vec<String> = if e.id.starts_with("freedom.") {
                // The freedoms rest on the model licence's statements.
                self.licence_files.clone()
            } else {
                e.files.iter().map(|f| f.path.clone()).collect()
            };
            let evidence = self.files_and_references(&files, &e.references);
            let score = match e.status {
                Status::SatisfiedByEvidence => Some(1),
                Status::NotSatisfied => Some(0),
                Status::NeedsHumanReview => None,
            };
            map.push(self.entry(
                OSAID,
                e.id,
                Outcome {
                    score,
                    status: e.status.as_str(),
                    reason: e.reason.clone(),
                    predicate: Some(format!("{}: {}", e.title, e.reason)),
                    evidence,
                },
            ));
        }
        json!({
            "summary": format!("Open Source AI Definition 1.0: {}. {SELF_ASSESSMENT}", o.summary),
            "assessor": ASSESSOR,
            "map": map,
        })
    }

    fn eu(&mut self, eu: &euaia::Assessment, ev: &[ComponentEvidence]) -> Value {
        let card: Vec<String> = ev
            .iter()
            .find(|e| e.id == id::MODEL_CARD)
            .map(|e| e.files.iter().map(|f| f.path.clone()).collect())
            .unwrap_or_default();
        let mut map = Vec::new();
        // An item's evidence: the model licence's files for the licence items, the model card for an
        // item a card section covers, and every file of the model the item's text names.
        for (_, i) in eu_items(eu) {
            let mut files = if matches!(i.id, "art53-2.licence" | "annex-xi.1.f" | "annex-xii.1.h")
            {
                self.licence_files.clone()
            } else {
                Vec::new()
            };
            if matches!(i.state, State::Covered | State::Declared)
                && i.evidence.contains("model card")
            {
                files.extend(card.iter().cloned());
            }
            files.extend(self.named_in(&i.evidence));
            let mut seen = std::collections::BTreeSet::new();
            files.retain(|f| seen.insert(f.clone()));
            let (score, status, claimed) = match i.state {
                State::Covered => (Some(1), "covered", true),
                State::Declared => (Some(1), "declared", true),
                State::Missing => (Some(0), "missing", true),
                State::NotMet => (Some(0), "not-met", true),
                // Only a declaration can answer it: nothing is claimed.
                State::NeedsDeclaration => (None, "needs-declaration", false),
            };
            let evidence = if claimed {
                self.files_and_references(&files, &[])
            } else {
                Vec::new()
            };
            let reason = i.evidence.clone();
            map.push(self.entry(
                EU_AI_ACT,
                i.id,
                Outcome {
                    score,
                    status,
                    predicate: claimed.then(|| format!("{}: {reason}", i.title)),
                    reason,
                    evidence,
                },
            ));
        }
        let covered = |items: &[euaia::Item]| {
            items
                .iter()
                .filter(|i| matches!(i.state, State::Covered | State::Declared))
                .count()
        };
        json!({
            "summary": format!(
                "EU AI Act, general-purpose AI model providers (a pre-check, not legal advice): the Art. 53(2) open-source exemption {}; Annex XI {} of {} items covered, Annex XII {} of {}. Art. 53(1)(c) and (d) apply regardless. {SELF_ASSESSMENT}",
                match eu.exemption {
                    Exemption::Eligible => "applies",
                    Exemption::NotEligible => "does not apply",
                    Exemption::Undecided => "is undecided until the missing declarations are given",
                },
                covered(&eu.annex_xi),
                eu.annex_xi.len(),
                covered(&eu.annex_xii),
                eu.annex_xii.len(),
            ),
            "assessor": ASSESSOR,
            "map": map,
        })
    }
}

/// Whether `text` names `path` as a whole: not as part of a longer path or name.
fn names(text: &str, path: &str) -> bool {
    text.match_indices(path).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + path.len()..].chars().next();
        before.is_none_or(|c| matches!(c, ' ' | '(' | ','))
            && after.is_none_or(|c| matches!(c, ' ' | ')' | ',' | ';'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_named_only_as_a_whole() {
        assert!(names("weights: model.safetensors", "model.safetensors"));
        assert!(names(
            "data cards: data/README.md, x.json",
            "data/README.md"
        ));
        assert!(!names("data cards: data/README.md", "README.md"));
        assert!(!names(
            "weights: model.safetensors.index.json",
            "model.safetensors"
        ));
        assert!(!names("weights: amodel.safetensors", "model.safetensors"));
    }

    #[test]
    fn rationales_split_into_status_and_reason() {
        assert_eq!(
            split_rationale("needs-human-review: a data description exists: see data/"),
            ("needs-human-review", "a data description exists: see data/")
        );
        assert_eq!(split_rationale("open"), ("open", ""));
    }

    #[test]
    fn refs_are_stable() {
        assert_eq!(requirement_ref(MOF, "9"), "requirement:mof-1.0:9");
        assert_eq!(level_ref(MofClass::II), "level:mof-1.0:class-ii");
        assert_eq!(
            claim_ref(OSAID, "code.training"),
            "claim:osaid-1.0:code.training"
        );
        assert_eq!(file_evidence_ref("a/b.py"), "evidence:file:a/b.py");
        assert_eq!(mof_class_value(None), "Unclassified");
        assert_eq!(mof_class_value(Some(MofClass::I)), "I");
    }
}
