//! One openness and compliance assessment of a model: the evidence (what the directory holds of each MOF
//! component), the MOF YAML that evidence makes and its classification by the Model Openness Tool's rules,
//! the OSAID 1.0 elements and the EU AI Act pre-check. [`Assessment`] is the versioned serde type of
//! `aibom assess -o json`; [`human`] renders it for people. Built from a scan ([`assess`]) or, for a MOF
//! YAML given as input, from that document alone ([`assess_mof`]: classification only).

use std::fmt::Write;

use serde::Serialize;

use super::euaia::{self, Declarations};
use super::evidence::{self, ComponentEvidence, Found};
use super::mof::{self, GlobalLicence, MofDocument, Release, ReleaseComponent, UNLICENSED};
use super::osaid;
use crate::facts::ModelFacts;
use crate::inventory::FileRecord;
use crate::pipeline::Scan;

/// Identifier of the shape of [`Assessment`]; bumped on incompatible changes.
pub const ASSESSMENT_SCHEMA: &str = "aibom-assessment/1";

/// The MOF part of an assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MofAssessment {
    /// The release as a MOF YAML document (what `-o mof-yaml` writes).
    pub document: MofDocument,
    pub classification: mof::Classification,
}

/// The whole assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    /// `aibom-assessment/1`.
    pub schema: &'static str,
    pub tool: String,
    /// The model's name.
    pub model: String,
    /// The path as given (or the MOF YAML).
    pub path: String,
    /// The OMS root digest of the files, when a directory was assessed.
    pub root_digest: Option<String>,
    /// What the directory holds of each component (empty for a MOF YAML input).
    pub evidence: Vec<ComponentEvidence>,
    pub mof: MofAssessment,
    /// None for a MOF YAML input (the document says nothing about the four freedoms' evidence).
    pub osaid: Option<osaid::Assessment>,
    pub eu_ai_act: Option<euaia::Assessment>,
}

/// The MOF document the evidence makes: every component found in the directory or referenced by the
/// card, with its licence when the files give one and `unlicensed` otherwise (so a referenced paper never
/// inherits the model's licence), the model licence as the distribution licence.
pub fn mof_document(facts: &ModelFacts, ev: &[ComponentEvidence]) -> MofDocument {
    let distribution = facts.licenses.for_model().and_then(|(e, _)| match e {
        [one] => Some(one.display.clone()),
        _ => None,
    });
    let mut components = Vec::new();
    for c in mof::COMPONENTS.iter() {
        let Some(e) = ev.iter().find(|e| e.id == c.id) else {
            continue;
        };
        if e.found == Found::Absent {
            continue;
        }
        let mut rc = ReleaseComponent::new(c);
        rc.license = Some(match (&e.found, &e.licence) {
            (Found::InDirectory, Some(l)) => l.clone(),
            _ => UNLICENSED.to_string(),
        });
        rc.component_path = e
            .files
            .first()
            .map(|f| f.path.clone())
            .or_else(|| e.references.first().cloned());
        let mut description = c.description.to_string();
        if e.files.len() > 1 {
            let _ = write!(description, " ({} files)", e.files.len());
        }
        if e.found == Found::Referenced {
            description.push_str(" (referenced by the model card; not in the directory)");
        }
        rc.description = Some(description);
        components.push(rc);
    }
    let repo_id = facts.repo_id.clone();
    MofDocument::new(Release {
        name: facts.name.clone(),
        version: facts.revision.clone(),
        // The tool's architecture field takes a fixed vocabulary (transformer decoder, diffusion, ...)
        // that a config's model type does not name reliably: left for the submitter.
        producer: repo_id
            .as_deref()
            .and_then(|r| r.split_once('/'))
            .map(|(org, _)| org.to_string())
            .unwrap_or_default(),
        repository: facts.provenance.git_origin.clone(),
        huggingface: repo_id.map(|r| format!("https://huggingface.co/{r}")),
        license: mof::GlobalLicences {
            distribution: distribution.map(|d| GlobalLicence::new(d, None)),
            ..Default::default()
        },
        components,
        ..Default::default()
    })
}

/// Assess a scanned model, with the facts the user declared for the EU AI Act.
pub fn assess(scan: &Scan, path: &str, declarations: &Declarations) -> Assessment {
    assess_from(
        &scan.inventory.files,
        scan.facts(),
        &scan.inventory.model.digest,
        path,
        declarations,
    )
}

/// [`assess`] over a model's inventory files, facts and OMS root digest (what the BOM writer has).
pub fn assess_from(
    files: &[FileRecord],
    facts: &ModelFacts,
    root_digest: &str,
    path: &str,
    declarations: &Declarations,
) -> Assessment {
    let ev = evidence::collect_from(files, facts);
    let document = mof_document(facts, &ev);
    let classification = mof::classify(&document.release);
    Assessment {
        schema: ASSESSMENT_SCHEMA,
        tool: format!("aibom {}", env!("CARGO_PKG_VERSION")),
        model: facts.name.clone(),
        path: path.to_string(),
        root_digest: Some(root_digest.to_string()),
        osaid: Some(osaid::assess(&ev, facts)),
        eu_ai_act: Some(euaia::assess(&ev, facts, declarations)),
        evidence: ev,
        mof: MofAssessment {
            document,
            classification,
        },
    }
}

/// Classify a MOF YAML document as the Model Openness Tool does.
pub fn assess_mof(document: MofDocument, path: &str) -> Assessment {
    let classification = mof::classify(&document.release);
    Assessment {
        schema: ASSESSMENT_SCHEMA,
        tool: format!("aibom {}", env!("CARGO_PKG_VERSION")),
        model: document.release.name.clone(),
        path: path.to_string(),
        root_digest: None,
        evidence: Vec::new(),
        mof: MofAssessment {
            document,
            classification,
        },
        osaid: None,
        eu_ai_act: None,
    }
}

/// The assessment for people.
pub fn human(a: &Assessment) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "aibom assess: {} ({})", a.model, a.path);
    let c = &a.mof.classification;
    let _ = writeln!(
        s,
        "\nModel Openness Framework: {}  (Class III {:.0}%, Class II {:.0}%, Class I {:.0}%)",
        c.label,
        c.progress(mof::MofClass::III),
        c.progress(mof::MofClass::II),
        c.progress(mof::MofClass::I)
    );
    for r in &c.components {
        let ev = a.evidence.iter().find(|e| e.id == r.id);
        let status = match r.status {
            mof::ComponentStatus::Open => "open",
            mof::ComponentStatus::Invalid => "not open",
            mof::ComponentStatus::Unlicensed => "unlicensed",
            mof::ComponentStatus::Missing => "missing",
            mof::ComponentStatus::NotListed => "-",
            mof::ComponentStatus::Replaced => "replaced by the paper",
        };
        let mut line = format!(
            "  {:<32} {:<4} {:<12}",
            r.name,
            match r.class {
                mof::MofClass::III => "III",
                mof::MofClass::II => "II",
                mof::MofClass::I => "I",
            },
            status
        );
        if let Some(l) = &r.license {
            let _ = write!(line, " {l}");
        }
        if let Some(e) = ev {
            if let Some(f) = e.files.first() {
                let _ = write!(
                    line,
                    "  [{}{}]",
                    f.path,
                    if e.files.len() > 1 {
                        format!(" +{}", e.files.len() - 1)
                    } else {
                        String::new()
                    }
                );
            } else if let Some(r) = e.references.first() {
                let _ = write!(line, "  [-> {r}]");
            }
        }
        let _ = writeln!(s, "{}", line.trim_end());
    }
    for w in &c.warnings {
        let _ = writeln!(s, "  warning: {w}");
    }
    if let Some(o) = &a.osaid {
        let _ = writeln!(s, "\nOpen Source AI Definition 1.0: {}", o.summary);
        for e in &o.elements {
            let _ = writeln!(s, "  {:<36} {:<22} {}", e.id, e.status.as_str(), e.reason);
        }
    }
    if let Some(eu) = &a.eu_ai_act {
        let ex = match eu.exemption {
            euaia::Exemption::Eligible => "the Art. 53(2) open-source exemption applies: Art. 53(1)(a) and (b) documentation is not required",
            euaia::Exemption::NotEligible => "no Art. 53(2) exemption: Annex XI and XII documentation is required",
            euaia::Exemption::Undecided => "Art. 53(2) exemption undecided: declarations are missing",
        };
        let _ = writeln!(s, "\nEU AI Act (pre-check, not legal advice): {ex}");
        let state = |st: euaia::State| match st {
            euaia::State::Covered => "covered",
            euaia::State::Missing => "missing",
            euaia::State::NeedsDeclaration => "declare",
            euaia::State::Declared => "declared",
            euaia::State::NotMet => "not met",
        };
        for i in &eu.exemption_conditions {
            let _ = writeln!(s, "  {:<26} {:<9} {}", i.id, state(i.state), i.evidence);
        }
        for (title, items) in [("Annex XI", &eu.annex_xi), ("Annex XII", &eu.annex_xii)] {
            let covered = items
                .iter()
                .filter(|i| matches!(i.state, euaia::State::Covered | euaia::State::Declared))
                .count();
            let _ = writeln!(s, "  {title}: {covered} of {} items covered", items.len());
            for i in items {
                if !matches!(i.state, euaia::State::Covered | euaia::State::Declared) {
                    let _ = writeln!(
                        s,
                        "    {:<16} {:<9} {}: {}",
                        i.id,
                        state(i.state),
                        i.title,
                        i.evidence
                    );
                }
            }
        }
        for r in &eu.always {
            let _ = writeln!(s, "  always: {r}");
        }
    }
    s
}
