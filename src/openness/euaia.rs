//! The EU AI Act (Regulation (EU) 2024/1689) obligations of general-purpose AI model providers, pre-checked
//! against a model directory: the Art. 53(2) open-source exemption (a free and open-source licence; weights,
//! architecture and usage information public; not a model with systemic risk; not monetised), the items of
//! Annex XI (technical documentation) and Annex XII (information for downstream providers) with the evidence
//! that covers each and those missing, and the obligations that apply regardless — Art. 53(1)(c) copyright
//! policy and (d) the public summary of training content. Facts files cannot show (systemic risk,
//! monetisation, release date, compute) are asked for as declarations, never guessed; an undeclared one
//! leaves its check open. This is a pre-check that points at evidence, not legal advice.

use serde::Serialize;

use super::evidence::{id, ComponentEvidence, Found};
use super::licence::{self, Openness};
use crate::facts::ModelFacts;

/// Facts the files cannot show, as the user declares them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Declarations {
    /// The model has systemic risk (Art. 51; presumed above 10^25 training FLOP).
    pub systemic_risk: Option<bool>,
    /// The model is provided against a price or otherwise monetised (recital 103).
    pub monetised: Option<bool>,
    /// The release date and how the model is distributed.
    pub release: Option<String>,
    /// Compute used for training (e.g. `3.1e23 FLOP, 1.2M GPU hours`).
    pub compute: Option<String>,
}

/// The state of one check or item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Evidence in the directory covers it.
    Covered,
    /// Nothing in the directory covers it.
    Missing,
    /// Only a declaration can answer it, and none was given.
    NeedsDeclaration,
    /// Answered by a declaration.
    Declared,
    /// The evidence shows it does not hold (an exemption condition).
    NotMet,
}

/// One condition or documentation item with what covers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// `art53-2.licence`, `annex-xi.1.d`, ...
    pub id: &'static str,
    pub title: &'static str,
    pub state: State,
    /// What covers it, or what is missing.
    pub evidence: String,
}

/// The Art. 53(2) exemption pre-check's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Exemption {
    /// Every condition is covered or declared: (a) and (b) of Art. 53(1) do not apply.
    Eligible,
    /// A condition is not met: Annex XI and XII documentation is required.
    NotEligible,
    /// No condition fails, but declarations are missing.
    Undecided,
}

/// The EU AI Act pre-check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub exemption: Exemption,
    /// The Art. 53(2) conditions.
    pub exemption_conditions: Vec<Item>,
    pub annex_xi: Vec<Item>,
    pub annex_xii: Vec<Item>,
    /// Obligations that apply whatever the exemption says.
    pub always: Vec<String>,
    pub declarations: Declarations,
}

fn comp(ev: &[ComponentEvidence], cid: u8) -> &ComponentEvidence {
    ev.iter().find(|c| c.id == cid).expect("every component")
}

fn files_of(c: &ComponentEvidence) -> String {
    c.files
        .iter()
        .map(|f| f.path.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn item(id: &'static str, title: &'static str, found: Option<String>, missing: &str) -> Item {
    match found {
        Some(e) => Item {
            id,
            title,
            state: State::Covered,
            evidence: e,
        },
        None => Item {
            id,
            title,
            state: State::Missing,
            evidence: missing.to_string(),
        },
    }
}

fn declared(id: &'static str, title: &'static str, value: &Option<String>, ask: &str) -> Item {
    match value {
        Some(v) => Item {
            id,
            title,
            state: State::Declared,
            evidence: v.clone(),
        },
        None => Item {
            id,
            title,
            state: State::NeedsDeclaration,
            evidence: ask.to_string(),
        },
    }
}

/// Pre-check a model's evidence against the Act, with the user's declarations.
pub fn assess(ev: &[ComponentEvidence], facts: &ModelFacts, decl: &Declarations) -> Assessment {
    let c = &facts.card;
    let weights = comp(ev, id::FINAL_PARAMETERS);
    let arch = comp(ev, id::ARCHITECTURE);
    let model_licence: Vec<String> = facts
        .licenses
        .for_model()
        .map(|(e, _)| e.iter().map(|l| l.display.clone()).collect())
        .unwrap_or_default();
    // Usage information: the card's uses, or inference code.
    let usage = c
        .intended_uses
        .as_ref()
        .map(|_| "model card: intended uses".to_string())
        .or_else(|| {
            let inf = comp(ev, id::INFERENCE_CODE);
            (inf.found == Found::InDirectory).then(|| format!("inference code: {}", files_of(inf)))
        });
    let architecture = if arch.found == Found::InDirectory {
        Some(format!("architecture code: {}", files_of(arch)))
    } else {
        facts
            .architecture
            .as_ref()
            .or(facts.architecture_family.as_ref())
            .map(|a| format!("configuration names the architecture {a}"))
    };
    let parameters = facts.parameters.map(|p| format!("{p} parameters"));
    let aup = facts
        .licenses
        .evidence
        .iter()
        .find(|e| e.contains(") use-policy-file"))
        .map(|e| e.split(" (").next().unwrap_or(e).to_string())
        .map(|f| format!("acceptable use policy: {f}"))
        .or_else(|| {
            (!facts.licenses.restrictions.is_empty()).then(|| {
                format!(
                    "licence use restrictions: {}",
                    facts.licenses.restrictions.join("; ")
                )
            })
        });

    // Art. 53(2).
    let licence_cond = match model_licence.as_slice() {
        [] => Item {
            id: "art53-2.licence",
            title: "Released under a free and open-source licence allowing access, use, modification and distribution",
            state: State::NotMet,
            evidence: "the model has no licence aibom could establish".to_string(),
        },
        [one] => {
            let o = licence::openness(one);
            Item {
                id: "art53-2.licence",
                title: "Released under a free and open-source licence allowing access, use, modification and distribution",
                state: if o.is_open() && !facts.licenses.use_restricted {
                    State::Covered
                } else {
                    State::NotMet
                },
                evidence: match o {
                    Openness::Restricted(w) => format!("{one} restricts use: {w}"),
                    _ if facts.licenses.use_restricted => format!(
                        "{one} with use restrictions: {}",
                        facts.licenses.restrictions.join("; ")
                    ),
                    o if o.is_open() => format!("{one} (free and open source; attribution and share-alike conditions still count, recital 102)"),
                    _ => format!("{one} is not a free and open-source licence"),
                },
            }
        }
        many => Item {
            id: "art53-2.licence",
            title: "Released under a free and open-source licence allowing access, use, modification and distribution",
            state: State::NotMet,
            evidence: format!("licence statements disagree: {}", many.join(", ")),
        },
    };
    let mut conditions = vec![
        licence_cond,
        item(
            "art53-2.weights",
            "Parameters including the weights are made publicly available",
            (weights.found == Found::InDirectory)
                .then(|| format!("weights: {}", files_of(weights))),
            "no weights file in the directory",
        ),
        item(
            "art53-2.architecture",
            "Information on the model architecture is made publicly available",
            architecture.clone(),
            "no architecture code or configuration naming the architecture",
        ),
        item(
            "art53-2.usage",
            "Information on model usage is made publicly available",
            usage.clone(),
            "no intended-uses section in the model card and no inference code",
        ),
    ];
    let yes_no = |v: Option<bool>, id: &'static str, title: &'static str, ask: &str| match v {
        Some(false) => Item {
            id,
            title,
            state: State::Declared,
            evidence: "declared: no".to_string(),
        },
        Some(true) => Item {
            id,
            title,
            state: State::NotMet,
            evidence: "declared: yes".to_string(),
        },
        None => Item {
            id,
            title,
            state: State::NeedsDeclaration,
            evidence: ask.to_string(),
        },
    };
    conditions.push(yes_no(
        decl.systemic_risk,
        "art53-2.no-systemic-risk",
        "Not a general-purpose AI model with systemic risk (Art. 51)",
        "declare whether the model has systemic risk (presumed above 10^25 training FLOP)",
    ));
    conditions.push(yes_no(
        decl.monetised,
        "art53-2.not-monetised",
        "Not provided against a price or otherwise monetised (recital 103)",
        "declare whether the model is monetised",
    ));
    let exemption = if conditions
        .iter()
        .any(|i| i.state == State::NotMet || i.state == State::Missing)
    {
        Exemption::NotEligible
    } else if conditions
        .iter()
        .any(|i| i.state == State::NeedsDeclaration)
    {
        Exemption::Undecided
    } else {
        Exemption::Eligible
    };

    // Annex XI and XII.
    let task = facts
        .task
        .as_ref()
        .map(|t| format!("task {t}"))
        .into_iter()
        .chain(usage.clone())
        .collect::<Vec<_>>();
    let task = (!task.is_empty()).then(|| task.join("; "));
    let arch_params = match (&architecture, &parameters) {
        (Some(a), Some(p)) => Some(format!("{a}; {p}")),
        (Some(a), None) => Some(format!(
            "{a} (parameter count not readable from the weights)"
        )),
        (None, Some(p)) => Some(p.clone()),
        (None, None) => None,
    };
    let modality = facts.task.as_ref().map(|t| {
        let mut s = format!("task {t}");
        if facts.chat_template {
            s.push_str(&format!(
                "; chat template in {}",
                facts.chat_template_files.join(", ")
            ));
        }
        s
    });
    let licence_text = (!model_licence.is_empty()).then(|| model_licence.join(", "));
    let integration = {
        let mut parts = Vec::new();
        if let Some(l) = &facts.library_name {
            parts.push(format!("library {l}"));
        }
        let inf = comp(ev, id::INFERENCE_CODE);
        if inf.found == Found::InDirectory {
            parts.push(format!("inference code {}", files_of(inf)));
        }
        if !facts.libraries.is_empty() {
            parts.push(format!("{} declared dependencies", facts.libraries.len()));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    };
    let training_method = c
        .training_procedure
        .as_ref()
        .map(|_| "model card: training procedure".to_string())
        .or_else(|| {
            let t = comp(ev, id::TRAINING_CODE);
            (t.found == Found::InDirectory).then(|| format!("training code: {}", files_of(t)))
        });
    let data_info = {
        let mut parts = Vec::new();
        if c.training_data.is_some() {
            parts.push("model card: training data".to_string());
        }
        let dc = comp(ev, id::DATA_CARD);
        let cards: Vec<&str> = dc
            .files
            .iter()
            .map(|f| f.path.as_str())
            .filter(|p| p.contains('/') || p.ends_with(".json") || p.ends_with(".jsonld"))
            .collect();
        if !cards.is_empty() {
            parts.push(format!("data cards: {}", cards.join(", ")));
        }
        if !facts.datasets.is_empty() {
            parts.push(format!(
                "datasets: {}",
                facts
                    .datasets
                    .iter()
                    .map(|d| d.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    };
    let energy = c
        .co2_grams
        .map(|g| format!("{g} g CO2eq reported in the model card"));
    let software = {
        let versioned: Vec<String> = facts
            .libraries
            .iter()
            .filter_map(|l| l.version.as_ref().map(|v| format!("{} {v}", l.name)))
            .collect();
        (!versioned.is_empty()).then(|| versioned.join(", "))
    };
    let context = facts
        .context_length
        .map(|n| format!("context length {n} tokens"));
    let annex_xi = vec![
        item("annex-xi.1.a", "Tasks the model is intended to perform and the AI systems it can be integrated in", task.clone(), "no task and no intended uses"),
        item("annex-xi.1.b", "Acceptable use policies applicable", aup.clone(), "no acceptable use policy file and no licence use restrictions (state that none applies if so)"),
        declared("annex-xi.1.c", "Date of release and methods of distribution", &decl.release, "declare the release date and distribution channels"),
        item("annex-xi.1.d", "Architecture and number of parameters", arch_params.clone(), "no architecture or parameter count"),
        item("annex-xi.1.e", "Modality (input and output) and format", modality.clone(), "no task naming the input and output modality"),
        item("annex-xi.1.f", "Licence", licence_text.clone(), "no licence"),
        item("annex-xi.2.a", "Technical means for integration (instructions for use, infrastructure, tools)", integration.clone(), "no library, inference code or dependency manifest"),
        item("annex-xi.2.b", "Design specifications and training process (methodologies, techniques, key design choices)", training_method, "no training procedure section and no training code"),
        item("annex-xi.2.c", "Data used for training, testing and validation (type, provenance, curation, size, selection, bias detection)", data_info.clone(), "no training data information"),
        declared("annex-xi.2.d", "Computational resources used to train the model", &decl.compute.clone().or_else(|| c.co2_details.get("hardware-used").map(|h| format!("hardware: {h} (model card)"))), "declare the training compute (FLOP, time)"),
        item("annex-xi.2.e", "Known or estimated energy consumption", energy, "no energy or emissions figure"),
    ];
    let annex_xii = vec![
        item(
            "annex-xii.1.a",
            "Tasks the model is intended to perform and the AI systems it can be integrated in",
            task,
            "no task and no intended uses",
        ),
        item(
            "annex-xii.1.b",
            "Acceptable use policies applicable",
            aup,
            "no acceptable use policy",
        ),
        declared(
            "annex-xii.1.c",
            "Date of release and methods of distribution",
            &decl.release,
            "declare the release date and distribution channels",
        ),
        item(
            "annex-xii.1.d",
            "How the model interacts with hardware or software that is not part of it",
            integration.clone(),
            "no library or dependency information",
        ),
        item(
            "annex-xii.1.e",
            "Versions of relevant software related to the use of the model",
            software,
            "no dependency manifest with versions",
        ),
        item(
            "annex-xii.1.f",
            "Architecture and number of parameters",
            arch_params,
            "no architecture or parameter count",
        ),
        item(
            "annex-xii.1.g",
            "Modality (input and output) and format",
            modality,
            "no task naming the modality",
        ),
        item("annex-xii.1.h", "Licence", licence_text, "no licence"),
        item(
            "annex-xii.2.a",
            "Technical means for integration",
            integration,
            "no library, inference code or dependency manifest",
        ),
        item(
            "annex-xii.2.b",
            "Modality, format and maximum size of inputs and outputs (context window)",
            context,
            "no context length in the configuration",
        ),
        item(
            "annex-xii.2.c",
            "Information on the data used for training, testing and validation",
            data_info,
            "no training data information",
        ),
    ];
    Assessment {
        exemption,
        exemption_conditions: conditions,
        annex_xi,
        annex_xii,
        always: vec![
            "Art. 53(1)(c): put in place a policy to comply with Union copyright law, including identifying and honouring text-and-data-mining reservations (Art. 4(3) of Directive (EU) 2019/790); files cannot show it.".to_string(),
            "Art. 53(1)(d): draw up and publish a sufficiently detailed summary of the content used for training, on the AI Office template (aibom assess -o eu-training-summary drafts it from the evidence).".to_string(),
        ],
        declarations: decl.clone(),
    }
}
