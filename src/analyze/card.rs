//! The model card reader: which file is the model's card (README.md at the root, else a Piper-style
//! `MODEL_CARD`), and what it says — name, task, library, description, languages and tags, the prose
//! sections, evaluation results, CO2, placeholders left from the template, base models, datasets and the
//! card's licence fields (kept as licence evidence, resolved later with every other statement). Read
//! first, so that every other reader can defer to what the card states.

use crate::facts::{CardFacts, Metric};
use crate::hf::card;
use crate::inventory::FileRecord;
use crate::license::SourceKind;

use super::{base_name, is_root, Builder, MAX_META};

/// Names of the model card besides README.md (lower case): Piper voices ship theirs as `MODEL_CARD`.
const OTHER_CARD_NAMES: &[&str] = &["model_card", "model_card.md"];

/// The model card: README.md at the root; else `MODEL_CARD` / `MODEL_CARD.md` / `model_card.md` at
/// the root; else the only file so named anywhere in the model (a voice package's `data/MODEL_CARD`).
pub(super) fn find_card<'f>(paths: &[&'f FileRecord]) -> Option<&'f FileRecord> {
    let root = |names: &[&str]| {
        paths
            .iter()
            .find(|f| is_root(&f.path) && names.contains(&base_name(&f.path).as_str()))
            .copied()
    };
    root(&["readme.md"])
        .or_else(|| root(OTHER_CARD_NAMES))
        .or_else(|| {
            let mut nested = paths
                .iter()
                .filter(|f| OTHER_CARD_NAMES.contains(&base_name(&f.path).as_str()));
            match (nested.next(), nested.next()) {
                (Some(only), None) => Some(*only),
                _ => None,
            }
        })
}

/// Read the model card at `path`.
pub(super) fn read_card(b: &mut Builder, path: &str) {
    let Some(text) = b.files.text(path, MAX_META) else {
        return;
    };
    let c = card::parse_card(&text);
    for d in &c.defects {
        b.finding("card-unreadable", Some(path), d.clone());
    }
    let f = &mut b.facts;
    Builder::set_once(&mut f.task, c.pipeline_tag.as_deref());
    Builder::set_once(&mut f.library_name, c.library_name.as_deref());
    Builder::set_once(
        &mut f.description,
        c.sections
            .description
            .as_deref()
            .map(first_paragraph)
            .filter(|d| !d.is_empty()),
    );
    f.languages.extend(c.language.iter().cloned());
    f.tags.extend(c.tags.iter().cloned());
    if let Some(n) = &c.model_name {
        f.name = n.clone();
    }
    // A title that is the template's own heading ("Model Card for Model ID") names nothing; "Model
    // card for joe (medium)" names "joe (medium)".
    b.card_title = c
        .title
        .as_deref()
        .and_then(card::name_from_title)
        .filter(|t| t.len() <= 120);
    let s = &c.sections;
    b.facts.card = CardFacts {
        present: true,
        intended_uses: s.intended_uses.clone(),
        out_of_scope_uses: s.out_of_scope_uses.clone(),
        limitations: s.limitations.clone(),
        bias_risks: s.bias_risks.clone(),
        recommendations: s.recommendations.clone(),
        training_data: s.training_data.clone(),
        training_procedure: s.training_procedure.clone(),
        evaluation: s.evaluation.clone(),
        metrics: c
            .eval_results
            .iter()
            .map(|e| Metric {
                metric_type: e
                    .metric_type
                    .clone()
                    .or_else(|| e.metric_name.clone())
                    .unwrap_or_else(|| "metric".to_string()),
                value: e.metric_value.clone(),
                slice: slice_of(e),
            })
            .collect(),
        co2_grams: c.co2.as_ref().and_then(|x| x.emissions_grams),
        co2_details: c
            .co2
            .as_ref()
            .map(|x| {
                [
                    ("source", &x.source),
                    ("training-type", &x.training_type),
                    ("geographical-location", &x.geographical_location),
                    ("hardware-used", &x.hardware_used),
                ]
                .into_iter()
                .filter_map(|(k, v)| v.clone().map(|v| (k.to_string(), v)))
                .collect()
            })
            .unwrap_or_default(),
        placeholders: c.placeholders.clone(),
        papers: papers(&text, &c.tags),
        code_links: code_links(&text),
    };
    if !c.placeholders.is_empty() {
        b.finding(
            "card-placeholder",
            Some(path),
            format!(
                "model card sections left as template placeholders: {}",
                c.placeholders.join(", ")
            ),
        );
    }
    for bm in &c.base_model {
        b.base_model(bm, c.base_model_relation.as_deref(), None, path);
    }
    for d in &c.datasets {
        b.dataset(d, path);
    }
    for l in &c.license {
        b.statement(path, SourceKind::CardLicense, l.clone());
    }
    if let Some(n) = &c.license_name {
        b.statement(path, SourceKind::CardLicenseName, n.clone());
    }
    if let Some(l) = &c.license_link {
        b.statement(path, SourceKind::CardLicenseLink, l.clone());
    }
}

/// The characters a link may hold (stops at whitespace, brackets, quotes and Markdown punctuation).
fn link_end(s: &str) -> usize {
    s.find(|c: char| c.is_whitespace() || "()[]<>\"'`,;|*".contains(c))
        .unwrap_or(s.len())
}

/// arXiv papers (links and `arxiv:` tags, as `https://arxiv.org/abs/<id>`) and DOI links in the card.
fn papers(text: &str, tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |u: String| {
        if !out.contains(&u) && out.len() < 64 {
            out.push(u);
        }
    };
    let arxiv_id = |s: &str| -> Option<String> {
        let id: String = s
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '/' || *c == '-')
            .collect();
        let id = id
            .trim_end_matches(".pdf")
            .trim_end_matches('.')
            .to_string();
        (id.len() >= 4 && id.chars().any(|c| c.is_ascii_digit())).then_some(id)
    };
    let lower = text.to_ascii_lowercase();
    for marker in ["arxiv.org/abs/", "arxiv.org/pdf/"] {
        for (i, _) in lower.match_indices(marker) {
            if let Some(id) = arxiv_id(&text[i + marker.len()..]) {
                push(format!("https://arxiv.org/abs/{id}"));
            }
        }
    }
    for t in tags {
        if let Some(id) = t.strip_prefix("arxiv:").and_then(arxiv_id) {
            push(format!("https://arxiv.org/abs/{id}"));
        }
    }
    for (i, _) in lower.match_indices("doi.org/10.") {
        let rest = &text[i + "doi.org/".len()..];
        let doi = rest[..link_end(rest)].trim_end_matches('.');
        push(format!("https://doi.org/{doi}"));
    }
    out
}

/// Source repositories the card links to (GitHub, GitLab), as `https://host/org/repo`.
fn code_links(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let lower = text.to_ascii_lowercase();
    for host in ["github.com/", "gitlab.com/"] {
        for (i, _) in lower.match_indices(host) {
            let rest = &text[i + host.len()..];
            let path = &rest[..link_end(rest)];
            let mut parts = path.split('/').filter(|p| !p.is_empty());
            let (Some(org), Some(repo)) = (parts.next(), parts.next()) else {
                continue;
            };
            let repo = repo.trim_end_matches(".git").trim_end_matches('.');
            if repo.is_empty() {
                continue;
            }
            let u = format!("https://{}{org}/{repo}", host);
            if !out.contains(&u) && out.len() < 64 {
                out.push(u);
            }
        }
    }
    out
}

fn slice_of(e: &card::EvalResult) -> Option<String> {
    let task = e.task_name.clone().or_else(|| e.task_type.clone());
    let ds = e.dataset_name.clone().or_else(|| e.dataset_type.clone());
    let split = e.dataset_split.clone();
    let mut parts = Vec::new();
    parts.extend(task);
    if let Some(d) = ds {
        parts.push(match split {
            Some(s) => format!("{d} ({s})"),
            None => d,
        });
    }
    (!parts.is_empty()).then(|| parts.join(" on "))
}

fn first_paragraph(s: &str) -> &str {
    // The first paragraph of prose: a heading (the card template's `### Model Description` opens the
    // section it describes) is not a description.
    let prose = |p: &&str| {
        let t = p.trim();
        !t.is_empty()
            && !t
                .lines()
                .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    };
    let p = s.split("\n\n").find(prose).unwrap_or("").trim();
    match p.char_indices().nth(1000) {
        Some((i, _)) => &p[..i],
        None => p,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn papers_and_code_links_are_read_from_links_and_tags() {
        let text = "See [the paper](https://arxiv.org/abs/2403.13784v2) and arxiv.org/pdf/1706.03762.pdf; \
                    doi https://doi.org/10.5281/zenodo.123. Code: https://github.com/EleutherAI/gpt-neox.git \
                    and (https://github.com/org/repo/tree/main/train).";
        assert_eq!(
            super::papers(text, &["arxiv:2101.00027".to_string(), "en".to_string()]),
            [
                "https://arxiv.org/abs/2403.13784v2",
                "https://arxiv.org/abs/1706.03762",
                "https://arxiv.org/abs/2101.00027",
                "https://doi.org/10.5281/zenodo.123"
            ]
        );
        assert_eq!(
            super::code_links(text),
            [
                "https://github.com/EleutherAI/gpt-neox",
                "https://github.com/org/repo"
            ]
        );
        assert!(super::papers("no links here", &[]).is_empty());
    }

    #[test]
    fn description_skips_headings_of_the_card_template() {
        assert_eq!(
            super::first_paragraph("### Model Description\n\nA small model.\n\nMore."),
            "A small model."
        );
        assert_eq!(super::first_paragraph("### Only a heading"), "");
    }

    use crate::analyze::testutil::{model, MODEL_NAME};
    use crate::facts::{Metric, Severity};

    const CARD: &str = "---
license: apache-2.0
base_model: acme/base
base_model_relation: finetune
datasets:
- acme/corpus
language:
- en
- fr
- en
pipeline_tag: text-generation
library_name: transformers
tags: [toy]
model-index:
- name: acme-chat
  results:
  - task: {type: text-generation, name: Naming}
    dataset: {type: acme/corpus, name: Corpus, split: test}
    metrics:
    - {type: accuracy, value: 0.5}
    - {name: Exact match, value: 0.25}
co2_eq_emissions:
  emissions: 1.5
  source: estimate
---

# Acme Chat

## Model Description

First paragraph.

Second paragraph.

## Intended Uses

Tests.
";

    #[test]
    fn card_fields_become_model_facts() {
        let m = model(&[("README.md", CARD.as_bytes())]);
        let f = &m.a.facts;
        assert_eq!(f.name, "acme-chat", "model-index name before the title");
        assert_eq!(f.task.as_deref(), Some("text-generation"));
        assert_eq!(f.library_name.as_deref(), Some("transformers"));
        assert_eq!(f.description.as_deref(), Some("First paragraph."));
        assert_eq!(f.languages, ["en", "fr"], "deduplicated");
        assert_eq!(f.tags, ["toy"]);
        assert!(f.card.present);
        assert_eq!(f.card.intended_uses.as_deref(), Some("Tests."));
        assert_eq!(
            f.card.metrics,
            [
                Metric {
                    metric_type: "accuracy".into(),
                    value: "0.5".into(),
                    slice: Some("Naming on Corpus (test)".into()),
                },
                Metric {
                    metric_type: "Exact match".into(),
                    value: "0.25".into(),
                    slice: Some("Naming on Corpus (test)".into()),
                },
            ]
        );
        assert_eq!(f.card.co2_grams, Some(1.5));
        assert_eq!(
            f.card.co2_details.get("source").map(String::as_str),
            Some("estimate")
        );
        let bases: Vec<_> = f
            .base_models
            .iter()
            .map(|b| (b.id.as_str(), b.relation.as_deref(), b.sources.clone()))
            .collect();
        assert_eq!(
            bases,
            [("acme/base", Some("finetune"), vec!["README.md".to_string()])]
        );
        let ds: Vec<_> = f
            .datasets
            .iter()
            .map(|d| (d.name.as_str(), d.hub_id.as_deref()))
            .collect();
        assert_eq!(ds, [("acme/corpus", Some("acme/corpus"))]);
        let lic: Vec<&str> = f
            .licenses
            .concluded
            .iter()
            .map(|e| e.display.as_str())
            .collect();
        assert_eq!(lic, ["Apache-2.0"]);
        assert_eq!(m.codes(), Vec::<&str>::new());
    }

    #[test]
    fn the_title_names_the_model_unless_it_is_the_template_heading() {
        let m = model(&[("README.md", b"# Model card for acme-small\n\nHello.\n")]);
        assert_eq!(m.a.facts.name, "acme-small");
        assert_eq!(m.a.facts.description.as_deref(), Some("Hello."));
        let m = model(&[("README.md", b"# Model Card for Model ID\n")]);
        assert_eq!(m.a.facts.name, MODEL_NAME);
    }

    #[test]
    fn description_is_cut_at_1000_characters() {
        let long = "é".repeat(1500);
        let text = format!("# t\n\n## Model Description\n\n{long}\n");
        let m = model(&[("README.md", text.as_bytes())]);
        assert_eq!(
            m.a.facts.description.as_deref().map(|d| d.chars().count()),
            Some(1000)
        );
    }

    #[test]
    fn missing_card_is_a_finding() {
        let m = model(&[("config.json", b"{}")]);
        assert!(!m.a.facts.card.present);
        assert_eq!(m.finding("card-missing").severity, Severity::Low);
        assert_eq!(m.finding("card-missing").path, None);
    }

    #[test]
    fn which_file_is_the_card() {
        // README.md at the root first.
        let m = model(&[
            (
                "MODEL_CARD",
                b"# Model card for from-model-card\n".as_slice(),
            ),
            ("README.md", b"# From Readme\n"),
        ]);
        assert_eq!(m.a.facts.name, "From Readme");
        // Else MODEL_CARD / model_card.md at the root.
        let m = model(&[
            ("model_card.md", b"# Model card for root-card\n".as_slice()),
            ("sub/README.md", b"# Not the card\n"),
        ]);
        assert_eq!(m.a.facts.name, "root-card");
        // Else the only file so named anywhere.
        let m = model(&[("data/MODEL_CARD", b"# Model card for nested\n".as_slice())]);
        assert_eq!(m.a.facts.name, "nested");
        // Two of them: neither is the card.
        let m = model(&[
            ("a/MODEL_CARD", b"# Model card for a\n".as_slice()),
            ("b/MODEL_CARD", b"# Model card for b\n"),
        ]);
        assert_eq!(m.a.facts.name, MODEL_NAME);
        assert!(m.codes().contains(&"card-missing"));
    }

    #[test]
    fn placeholders_and_broken_front_matter_are_findings() {
        let m = model(&[(
            "README.md",
            b"---\nlicense: mit\n---\n# m\n\n## Uses\n\n### Direct Use\n\n[More Information Needed]\n"
                .as_slice(),
        )]);
        assert_eq!(m.a.facts.card.intended_uses, None);
        assert_eq!(m.a.facts.card.placeholders, ["intended_uses"]);
        let f = m.finding("card-placeholder");
        assert_eq!(
            (f.severity, f.path.as_deref()),
            (Severity::Info, Some("README.md"))
        );
        let m = model(&[(
            "README.md",
            b"---\nlicense: [unclosed\n---\n# m\n".as_slice(),
        )]);
        let f = m.finding("card-unreadable");
        assert_eq!(
            (f.severity, f.path.as_deref()),
            (Severity::Low, Some("README.md"))
        );
    }
}
