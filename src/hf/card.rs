//! Hugging Face model cards (`README.md`): the YAML front matter (licence, base model, datasets,
//! evaluation results, CO2 emissions, ...) and the markdown body (title and the prose sections a BOM
//! wants: description, uses, limitations, bias, training, evaluation, environmental impact, citation).
//! `parse_card` never fails: whatever is wrong goes to `ModelCard::defects`, and sections that only
//! hold template placeholders are reported in `ModelCard::placeholders` instead of as text.

use serde::Serialize;
use serde_json::{Map, Value};

use super::value::{self, Fields};

/// Front matter larger than this is not parsed.
pub const MAX_FRONT_MATTER: usize = 256 << 10;
/// Longest section text kept (cut on a char boundary).
pub const MAX_SECTION: usize = 8 << 10;
/// Raw markdown examined per section before cleaning (bounds work on huge sections).
const MAX_SECTION_RAW: usize = 64 << 10;
/// Most headings of a body examined (bounds memory on hostile bodies made of `#` lines).
const MAX_HEADINGS: usize = 4096;
/// Most evaluation results kept.
const MAX_EVAL_RESULTS: usize = 1024;

/// What a model card says.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ModelCard {
    /// The card starts with a `---` front matter block.
    pub has_front_matter: bool,
    /// `license`: one id, or several (string or list in the card).
    pub license: Vec<String>,
    pub license_name: Option<String>,
    pub license_link: Option<String>,
    /// `base_model`: string or list.
    pub base_model: Vec<String>,
    /// `base_model_relation`: finetune, adapter, quantized, merge (as written).
    pub base_model_relation: Option<String>,
    pub datasets: Vec<String>,
    pub language: Vec<String>,
    pub pipeline_tag: Option<String>,
    pub library_name: Option<String>,
    pub tags: Vec<String>,
    pub metrics: Vec<String>,
    /// `model-index[0].name`.
    pub model_name: Option<String>,
    /// One entry per metric in `model-index[*].results[*].metrics[*]`.
    pub eval_results: Vec<EvalResult>,
    /// `co2_eq_emissions` (a number of grams, or a mapping).
    pub co2: Option<Co2>,
    /// The first level-1 heading of the body.
    pub title: Option<String>,
    pub sections: CardSections,
    /// Names of the `sections` fields whose headings are present but hold only template placeholders.
    pub placeholders: Vec<String>,
    /// What could not be read, one sentence each.
    pub defects: Vec<String>,
}

/// One evaluation result from `model-index`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct EvalResult {
    pub task_type: Option<String>,
    pub task_name: Option<String>,
    pub dataset_type: Option<String>,
    pub dataset_name: Option<String>,
    pub dataset_config: Option<String>,
    pub dataset_split: Option<String>,
    pub metric_type: Option<String>,
    pub metric_name: Option<String>,
    /// The value as written in the card (numbers in their shortest form).
    pub metric_value: String,
    pub verified: Option<bool>,
}

/// `co2_eq_emissions`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Co2 {
    pub emissions_grams: Option<f64>,
    pub source: Option<String>,
    pub training_type: Option<String>,
    pub geographical_location: Option<String>,
    pub hardware_used: Option<String>,
}

/// Prose sections of the card body, matched by heading. Each keeps the section's own text plus its
/// subsections (except subsections that belong to another field), with comments and placeholders
/// removed, at most [`MAX_SECTION`] bytes.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct CardSections {
    pub description: Option<String>,
    pub intended_uses: Option<String>,
    pub out_of_scope_uses: Option<String>,
    pub limitations: Option<String>,
    pub bias_risks: Option<String>,
    pub recommendations: Option<String>,
    pub training_data: Option<String>,
    pub training_procedure: Option<String>,
    pub evaluation: Option<String>,
    pub environmental_impact: Option<String>,
    pub citation: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Description,
    IntendedUses,
    OutOfScope,
    Limitations,
    BiasRisks,
    Recommendations,
    TrainingData,
    TrainingProcedure,
    Evaluation,
    Environmental,
    Citation,
}

const SECTIONS: [Section; 11] = [
    Section::Description,
    Section::IntendedUses,
    Section::OutOfScope,
    Section::Limitations,
    Section::BiasRisks,
    Section::Recommendations,
    Section::TrainingData,
    Section::TrainingProcedure,
    Section::Evaluation,
    Section::Environmental,
    Section::Citation,
];

impl Section {
    fn field(self) -> &'static str {
        match self {
            Section::Description => "description",
            Section::IntendedUses => "intended_uses",
            Section::OutOfScope => "out_of_scope_uses",
            Section::Limitations => "limitations",
            Section::BiasRisks => "bias_risks",
            Section::Recommendations => "recommendations",
            Section::TrainingData => "training_data",
            Section::TrainingProcedure => "training_procedure",
            Section::Evaluation => "evaluation",
            Section::Environmental => "environmental_impact",
            Section::Citation => "citation",
        }
    }

    /// Normalised heading texts (see [`normalise_heading`]) that name this section.
    fn names(self) -> &'static [&'static str] {
        match self {
            Section::Description => &[
                "model description",
                "model details",
                "description",
                "model overview",
                "overview",
                "model summary",
                "summary",
                "introduction",
                "about",
                "about the model",
            ],
            Section::IntendedUses => &[
                "uses",
                "use",
                "direct use",
                "downstream use",
                "intended use",
                "intended uses",
                "intended uses and limitations",
                "intended use and limitations",
                "use cases",
                "intended use cases",
            ],
            Section::OutOfScope => &[
                "out of scope use",
                "out of scope uses",
                "out of scope usage",
                "misuse and out of scope use",
                "misuse malicious use and out of scope use",
                "prohibited uses",
                "prohibited use",
            ],
            Section::Limitations => &[
                "limitations",
                "known limitations",
                "technical limitations",
                "limitations and bias",
                "limitations and biases",
                "risks and limitations",
                "limitation",
            ],
            Section::BiasRisks => &[
                "bias risks and limitations",
                "bias risks limitations",
                "biases risks and limitations",
                "bias",
                "biases",
                "bias and fairness",
                "risks",
                "ethical considerations",
                "ethical considerations and limitations",
                "ethics",
            ],
            Section::Recommendations => &["recommendations", "recommendation"],
            Section::TrainingData => &[
                "training data",
                "training and evaluation data",
                "training dataset",
                "training datasets",
                "dataset",
                "datasets",
                "data",
            ],
            Section::TrainingProcedure => &[
                "training procedure",
                "training details",
                "training",
                "training hyperparameters",
                "training setup",
                "fine tuning",
                "finetuning",
            ],
            Section::Evaluation => &[
                "evaluation",
                "evaluation results",
                "eval results",
                "results",
                "performance",
                "benchmarks",
                "benchmark results",
                "evaluation and results",
            ],
            Section::Environmental => &[
                "environmental impact",
                "carbon emissions",
                "carbon footprint",
                "co2 emissions",
            ],
            Section::Citation => &[
                "citation",
                "citations",
                "citation information",
                "bibtex",
                "how to cite",
                "cite",
                "cite this model",
                "citing",
            ],
        }
    }

    fn slot(self, s: &mut CardSections) -> &mut Option<String> {
        match self {
            Section::Description => &mut s.description,
            Section::IntendedUses => &mut s.intended_uses,
            Section::OutOfScope => &mut s.out_of_scope_uses,
            Section::Limitations => &mut s.limitations,
            Section::BiasRisks => &mut s.bias_risks,
            Section::Recommendations => &mut s.recommendations,
            Section::TrainingData => &mut s.training_data,
            Section::TrainingProcedure => &mut s.training_procedure,
            Section::Evaluation => &mut s.evaluation,
            Section::Environmental => &mut s.environmental_impact,
            Section::Citation => &mut s.citation,
        }
    }
}

/// Lower case, `&` → "and", "[optional]" / "(optional)" and leading numbering dropped, punctuation
/// to spaces, whitespace collapsed.
fn normalise_heading(h: &str) -> String {
    let lower = h
        .to_lowercase()
        .replace("[optional]", " ")
        .replace("(optional)", " ")
        .replace('&', " and ");
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in lower.chars() {
        if c.is_alphanumeric() {
            cur.push(c);
        } else if c == '\'' || c == '\u{2019}' {
            // "model's" → "models"
        } else if !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    // Leading section numbers: "1", "2 1", "iv"? (only digits).
    while words
        .first()
        .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()))
    {
        words.remove(0);
    }
    words.join(" ")
}

fn classify(heading: &str) -> Option<Section> {
    let n = normalise_heading(heading);
    SECTIONS
        .into_iter()
        .find(|s| s.names().contains(&n.as_str()))
}

/// Splits `text` into its YAML front matter (parsed) and body. Shared with dataset cards.
/// Returns (front matter mapping if present and valid, body, front matter present).
pub(crate) fn front_matter<'a>(
    text: &'a str,
    defects: &mut Vec<String>,
) -> (Option<Map<String, Value>>, &'a str, bool) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Like the Hub, allow blank lines before the opening `---`.
    let start = text.trim_start_matches([' ', '\t', '\r', '\n']);
    let text = if start.starts_with("---") {
        start
    } else {
        text
    };
    let Some(first_end) = text.find('\n').or(Some(text.len())) else {
        return (None, text, false);
    };
    if text[..first_end].trim_end() != "---" {
        return (None, text, false);
    }
    let yaml_start = (first_end + 1).min(text.len());
    // Find the closing `---` (or `...`) line.
    let mut pos = yaml_start;
    let mut close: Option<(usize, usize)> = None; // (yaml end, body start)
    while pos < text.len() {
        if pos - yaml_start > MAX_FRONT_MATTER {
            break;
        }
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..end].trim_end();
        if line == "---" || line == "..." {
            close = Some((pos, (end + 1).min(text.len())));
            break;
        }
        pos = end + 1;
    }
    let Some((yaml_end, body_start)) = close else {
        if pos - yaml_start > MAX_FRONT_MATTER {
            defects.push(format!(
                "front matter is larger than {} KiB; not parsed",
                MAX_FRONT_MATTER >> 10
            ));
        } else {
            defects.push("front matter starts with --- but is never closed; not parsed".to_owned());
        }
        return (None, text, true);
    };
    let body = &text[body_start..];
    let yaml = &text[yaml_start..yaml_end];
    if yaml.len() > MAX_FRONT_MATTER {
        defects.push(format!(
            "front matter is larger than {} KiB; not parsed",
            MAX_FRONT_MATTER >> 10
        ));
        return (None, body, true);
    }
    if yaml.trim().is_empty() {
        return (None, body, true);
    }
    match value::yaml(yaml) {
        Ok(Value::Object(m)) => (Some(m), body, true),
        Ok(Value::Null) => (None, body, true),
        Ok(other) => {
            defects.push(format!(
                "front matter should be a mapping, found {}",
                value::kind(&other)
            ));
            (None, body, true)
        }
        Err((msg, line)) => {
            let msg = value::prefix(&msg, 300);
            defects.push(match line {
                // +1 for the opening `---` line: a line number of README.md.
                Some(l) => format!("invalid YAML front matter (README line {}): {msg}", l + 1),
                None => format!("invalid YAML front matter: {msg}"),
            });
            (None, body, true)
        }
    }
}

/// Parses a model card. Never fails; problems are listed in `defects`.
pub fn parse_card(text: &str) -> ModelCard {
    let mut card = ModelCard::default();
    let (fm, body, present) = front_matter(text, &mut card.defects);
    card.has_front_matter = present;
    if let Some(fm) = fm {
        read_front_matter(&fm, &mut card);
    }
    read_body(body, &mut card);
    card
}

fn read_front_matter(fm: &Map<String, Value>, card: &mut ModelCard) {
    let d = &mut card.defects;
    let f = Fields::new(fm, "");
    card.license = f.strings("license", d);
    card.license_name = f.string("license_name", d);
    card.license_link = f.string("license_link", d);
    card.base_model = f.strings("base_model", d);
    card.base_model_relation = f.string("base_model_relation", d);
    card.datasets = f.strings("datasets", d);
    card.language = f.strings("language", d);
    card.pipeline_tag = f.string("pipeline_tag", d);
    card.library_name = f.string("library_name", d);
    card.tags = f.strings("tags", d);
    card.metrics = f.strings("metrics", d);
    if let Some(models) = fm.get("model-index") {
        read_model_index(models, &mut card.model_name, &mut card.eval_results, d);
    }
    card.co2 = match fm.get("co2_eq_emissions") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(Co2 {
            emissions_grams: n.as_f64(),
            ..Co2::default()
        }),
        Some(Value::Object(m)) => {
            let f = Fields::new(m, "co2_eq_emissions");
            Some(Co2 {
                emissions_grams: f.f64("emissions", d),
                source: f.string("source", d),
                training_type: f.string("training_type", d),
                geographical_location: f.string("geographical_location", d),
                hardware_used: f.string("hardware_used", d),
            })
        }
        Some(Value::String(s)) => match s.trim().parse::<f64>() {
            Ok(g) if g.is_finite() => Some(Co2 {
                emissions_grams: Some(g),
                ..Co2::default()
            }),
            _ => {
                d.push(format!(
                    "co2_eq_emissions should be a number or a mapping, found {:?}",
                    value::prefix(s, 64)
                ));
                None
            }
        },
        Some(other) => {
            d.push(format!(
                "co2_eq_emissions should be a number or a mapping, found {}",
                value::kind(other)
            ));
            None
        }
    };
}

fn read_model_index(
    models: &Value,
    model_name: &mut Option<String>,
    out: &mut Vec<EvalResult>,
    d: &mut Vec<String>,
) {
    let Value::Array(models) = models else {
        d.push(format!(
            "model-index should be a list, found {}",
            value::kind(models)
        ));
        return;
    };
    for (mi, model) in models.iter().enumerate() {
        let ctx = format!("model-index[{mi}]");
        let Value::Object(model) = model else {
            d.push(format!("{ctx} should be a mapping"));
            continue;
        };
        let f = Fields::new(model, &ctx);
        let name = f.string("name", d);
        if mi == 0 {
            *model_name = name;
        }
        let Some(results) = f.array("results", d) else {
            continue;
        };
        for (ri, result) in results.iter().enumerate() {
            let ctx = format!("{ctx}.results[{ri}]");
            let Value::Object(result) = result else {
                d.push(format!("{ctx} should be a mapping"));
                continue;
            };
            let f = Fields::new(result, &ctx);
            let task_ctx = format!("{ctx}.task");
            let task = f.object("task", d);
            let task = task.map(|t| Fields::new(t, &task_ctx));
            let ds_ctx = format!("{ctx}.dataset");
            let dataset = f.object("dataset", d);
            let dataset = dataset.map(|t| Fields::new(t, &ds_ctx));
            let (task_type, task_name) = match &task {
                Some(t) => (t.string("type", d), t.string("name", d)),
                None => (None, None),
            };
            let (dataset_type, dataset_name, dataset_config, dataset_split) = match &dataset {
                Some(t) => (
                    t.string("type", d),
                    t.string("name", d),
                    t.string("config", d),
                    t.string("split", d),
                ),
                None => (None, None, None, None),
            };
            let Some(metrics) = f.array("metrics", d) else {
                continue;
            };
            for (xi, metric) in metrics.iter().enumerate() {
                let ctx = format!("{ctx}.metrics[{xi}]");
                let Value::Object(metric) = metric else {
                    d.push(format!("{ctx} should be a mapping"));
                    continue;
                };
                if out.len() == MAX_EVAL_RESULTS {
                    d.push(format!(
                        "model-index has more than {MAX_EVAL_RESULTS} metrics; the rest are ignored"
                    ));
                    return;
                }
                let f = Fields::new(metric, &ctx);
                let metric_value = match metric.get("value") {
                    Some(v) => match value::scalar_text(v) {
                        Some(mut s) => {
                            value::truncate(&mut s, value::MAX_FIELD);
                            s
                        }
                        None => {
                            if !v.is_null() {
                                d.push(format!(
                                    "{ctx}.value should be a number or string, found {}",
                                    value::kind(v)
                                ));
                            }
                            String::new()
                        }
                    },
                    None => String::new(),
                };
                out.push(EvalResult {
                    task_type: task_type.clone(),
                    task_name: task_name.clone(),
                    dataset_type: dataset_type.clone(),
                    dataset_name: dataset_name.clone(),
                    dataset_config: dataset_config.clone(),
                    dataset_split: dataset_split.clone(),
                    metric_type: f.string("type", d),
                    metric_name: f.string("name", d),
                    metric_value,
                    verified: f.bool("verified", d),
                });
            }
        }
    }
}

/// A markdown ATX heading in the body.
struct Heading<'a> {
    level: usize,
    text: &'a str,
    /// Byte offset of the heading line.
    line_start: usize,
    /// Byte offset just after the heading line.
    content_start: usize,
}

/// ATX heading (`## Text ##`) of at most three spaces' indent; `None` for other lines.
fn atx_heading(line: &str) -> Option<(usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let level = rest.len() - rest.trim_start_matches('#').len();
    if !(1..=6).contains(&level) {
        return None;
    }
    let after = &rest[level..];
    if !after.is_empty() && !after.starts_with([' ', '\t']) {
        return None;
    }
    let mut t = after.trim();
    // Optional closing sequence of #s preceded by a space.
    let stripped = t.trim_end_matches('#');
    if stripped.len() != t.len() && (stripped.is_empty() || stripped.ends_with([' ', '\t'])) {
        t = stripped.trim_end();
    }
    Some((level, t))
}

/// Headings of `body`, skipping fenced code blocks (where `#` lines are comments).
fn headings(body: &str) -> Vec<Heading<'_>> {
    let mut out = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    let mut pos = 0;
    while pos < body.len() {
        let end = body[pos..].find('\n').map_or(body.len(), |i| pos + i);
        let line = body[pos..end].trim_end_matches('\r');
        let t = line.trim_start_matches(' ');
        let fence_char = t.chars().next().filter(|c| *c == '`' || *c == '~');
        if let Some(c) = fence_char.filter(|_| line.len() - t.len() <= 3) {
            let n = t.len() - t.trim_start_matches(c).len();
            if n >= 3 {
                match fence {
                    None => fence = Some((c, n)),
                    Some((fc, fnum)) if fc == c && n >= fnum && t[n..].trim().is_empty() => {
                        fence = None
                    }
                    _ => {}
                }
            }
        } else if fence.is_none() {
            if let Some((level, text)) = atx_heading(line) {
                if out.len() == MAX_HEADINGS {
                    break;
                }
                out.push(Heading {
                    level,
                    text,
                    line_start: pos,
                    content_start: (end + 1).min(body.len()),
                });
            }
        }
        pos = end + 1;
    }
    out
}

/// The first level-1 heading of a markdown body (outside code blocks).
pub(crate) fn title(body: &str) -> Option<String> {
    title_of(&headings(body))
}

fn title_of(hs: &[Heading<'_>]) -> Option<String> {
    hs.iter()
        .find(|h| h.level == 1)
        .map(|h| h.text.to_owned())
        .filter(|t| !t.is_empty())
        .map(|mut t| {
            value::truncate(&mut t, value::MAX_FIELD);
            t
        })
}

/// Names that stand in for a model's name in card templates (compared after [`normalise_heading`]).
const PLACEHOLDER_NAMES: &[&str] = &[
    "",
    "model",
    "model id",
    "modelid",
    "model name",
    "modelname",
    "my model",
    "your model",
    "your model name",
    "unnamed model",
    "untitled",
    "untitled model",
    "name",
    "todo",
    "tbd",
    "model card",
    "more information needed",
    "needs more information",
];

/// True when a card title names no model: the Hub template's own heading ("Model Card for Model ID"),
/// an unrendered template variable (`{{ model_id }}`), a bracketed stand-in (`<model name>`,
/// `[Model Name]`, `{model_id}`) or a bare "Model Card".
pub fn is_placeholder_title(title: &str) -> bool {
    name_from_title(title).is_none()
}

/// The model name a card title gives: the title itself, or what follows a leading "Model card for" /
/// "Model card of" / "Model card:". `None` when that is a placeholder (see [`is_placeholder_title`]).
pub fn name_from_title(title: &str) -> Option<String> {
    let t = title.trim();
    if t.contains("{{") || t.contains("{%") || t.contains("}}") {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    let mut name = t;
    for p in ["model card for ", "model card of ", "model card:"] {
        if lower.starts_with(p) {
            name = t[p.len()..].trim();
            break;
        }
    }
    let wrapped = [('<', '>'), ('[', ']'), ('{', '}'), ('(', ')')]
        .iter()
        .any(|(a, b)| name.starts_with(*a) && name.ends_with(*b));
    if wrapped || PLACEHOLDER_NAMES.contains(&normalise_heading(name).as_str()) {
        return None;
    }
    Some(name.to_owned())
}

fn read_body(body: &str, card: &mut ModelCard) {
    let hs = headings(body);
    let classes: Vec<Option<Section>> = hs.iter().map(|h| classify(h.text)).collect();
    card.title = title_of(&hs);
    let own_end = |i: usize| hs.get(i + 1).map_or(body.len(), |h| h.line_start);
    for section in SECTIONS {
        let mut seen = false;
        let mut found = None;
        for (i, h) in hs.iter().enumerate() {
            if classes[i] != Some(section) {
                continue;
            }
            seen = true;
            // The section's own text, then its subsections except those that are another field's.
            let mut raw = String::new();
            raw.push_str(&body[h.content_start.min(own_end(i))..own_end(i)]);
            let mut skip_below: Option<usize> = None;
            for (j, sub) in hs.iter().enumerate().skip(i + 1) {
                if sub.level <= h.level || raw.len() > MAX_SECTION_RAW {
                    break;
                }
                if let Some(l) = skip_below {
                    if sub.level > l {
                        continue;
                    }
                    skip_below = None;
                }
                if classes[j].is_some_and(|c| c != section) {
                    skip_below = Some(sub.level);
                    continue;
                }
                raw.push_str(&body[sub.line_start..own_end(j)]);
            }
            if let Some(text) = clean_section(value::prefix(&raw, MAX_SECTION_RAW)) {
                found = Some(text);
                break;
            }
        }
        // No description heading: the text between the title and the next heading.
        if section == Section::Description && found.is_none() {
            if let Some(i) = hs.iter().position(|h| h.level == 1) {
                let raw = &body[hs[i].content_start.min(own_end(i))..own_end(i)];
                found = clean_section(value::prefix(raw, MAX_SECTION_RAW));
            }
        }
        match found {
            Some(t) => *section.slot(&mut card.sections) = Some(t),
            None if seen => card.placeholders.push(section.field().to_owned()),
            None => {}
        }
    }
}

/// Phrases template generators leave in unfilled fields (matched case-insensitively).
const PLACEHOLDERS: &[&str] = &[
    "[more information needed]",
    "[needs more information]",
    "more information needed",
    "needs more information",
];

/// Removes `<!-- -->` comments, `{{ }}` / `{% %}` template tags and placeholder phrases; returns the
/// cleaned text, or `None` when nothing but headings, labels and blank lines is left.
fn clean_section(raw: &str) -> Option<String> {
    let no_comments = strip_between(raw, "<!--", "-->");
    let no_tags = strip_between(&strip_between(&no_comments, "{{", "}}"), "{%", "%}");
    let mut lines: Vec<&str> = Vec::new();
    let mut owned: Vec<String> = Vec::new();
    let mut has_content = false;
    let mut in_fence = false;
    // First pass: remove placeholders per line, dropping lines that become bare labels.
    for line in no_tags.lines() {
        let (cleaned, removed) = remove_placeholders(line);
        let t = cleaned.trim();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
        }
        if removed && (t.is_empty() || is_label(t) || is_bare_marker(t)) {
            continue;
        }
        if !t.is_empty() && (in_fence || (!t.starts_with('#') && !is_label(t))) {
            has_content = true;
        }
        owned.push(cleaned);
    }
    if !has_content {
        return None;
    }
    lines.extend(owned.iter().map(String::as_str));
    // Collapse runs of blank lines, trim.
    let mut out = String::new();
    let mut blank = 0;
    for l in lines {
        if l.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(l.trim_end());
        out.push('\n');
    }
    let mut out = out.trim().to_owned();
    value::truncate(&mut out, MAX_SECTION);
    Some(out)
}

/// `open ... close` spans removed (an unclosed span runs to the end).
fn strip_between(s: &str, open: &str, close: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(open) {
        out.push_str(&rest[..i]);
        match rest[i + open.len()..].find(close) {
            Some(j) => rest = &rest[i + open.len() + j + close.len()..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

fn remove_placeholders(line: &str) -> (String, bool) {
    let mut s = line.to_owned();
    let mut removed = false;
    for p in PLACEHOLDERS {
        // ASCII lowercase keeps byte offsets identical to `s`.
        while let Some(i) = s.to_ascii_lowercase().find(p) {
            s.replace_range(i..i + p.len(), "");
            removed = true;
        }
    }
    (s, removed)
}

/// `- **Label:**`, `Label:`, `**Label**:` — a field name with no value after it.
fn is_label(t: &str) -> bool {
    let t = t.trim_start_matches(['-', '*', '+', ' ']);
    let t = t.trim_end_matches(['*', '_', ' ']);
    t.ends_with(':') && t.len() < 120 && !t.contains("://")
}

/// A list marker or emphasis left alone on a line after removing a placeholder.
fn is_bare_marker(t: &str) -> bool {
    t.chars()
        .all(|c| matches!(c, '-' | '*' | '+' | '_' | ' ' | '|' | ':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r#"---
license: apache-2.0
license_name: acme-open
license_link: https://example.org/acme-open-licence
base_model:
  - example-org/base-7b
  - example-org/helper-1b
base_model_relation: finetune
datasets:
  - example-org/instructions-v2
  - example-org/dialogues
language: [en, fr, "no"]
pipeline_tag: text-generation
library_name: transformers
tags:
  - chat
  - finetuned
metrics:
  - accuracy
  - f1
model-index:
  - name: acme-chat-7b
    results:
      - task:
          type: text-classification
          name: Sentiment
        dataset:
          type: example-org/reviews
          name: Reviews
          config: default
          split: test
        metrics:
          - type: accuracy
            name: Accuracy
            value: 0.912
            verified: false
          - type: f1
            value: 88.5
co2_eq_emissions:
  emissions: 1250.5
  source: own measurement with a power meter
  training_type: fine-tuning
  geographical_location: Lyon, France
  hardware_used: 8 x A100
---

# Acme Chat 7B

Intro text before any section.

## Model Details

### Model Description

Acme Chat is a chat model fine-tuned from base-7b on instruction data.

- **Developed by:** Acme Research
- **Funded by:** [More Information Needed]

```python
# Not a heading: a comment inside code
print("hi")
```

## Uses

### Direct Use

Answering customer questions in English and French.

### Out-of-Scope Use

Medical or legal advice.

## Bias, Risks, and Limitations

The model reflects biases of its web training data.

### Recommendations

Review outputs before publishing them.

## Training Details

### Training Data

Forty thousand instruction pairs written by staff.

### Training Procedure

LoRA, three epochs, learning rate 2e-4.

## Evaluation

Accuracy 0.912 on the review test split.

## Environmental Impact

About 1.25 kg CO2eq, measured.

## Citation

```bibtex
@misc{acme2025, title={Acme Chat}}
```
"#;

    #[test]
    fn full_card() {
        let c = parse_card(FULL);
        assert!(c.defects.is_empty(), "{:?}", c.defects);
        assert!(c.has_front_matter);
        assert_eq!(c.license, ["apache-2.0"]);
        assert_eq!(c.license_name.as_deref(), Some("acme-open"));
        assert_eq!(
            c.license_link.as_deref(),
            Some("https://example.org/acme-open-licence")
        );
        assert_eq!(
            c.base_model,
            ["example-org/base-7b", "example-org/helper-1b"]
        );
        assert_eq!(c.base_model_relation.as_deref(), Some("finetune"));
        assert_eq!(c.datasets.len(), 2);
        assert_eq!(c.language, ["en", "fr", "no"]);
        assert_eq!(c.pipeline_tag.as_deref(), Some("text-generation"));
        assert_eq!(c.library_name.as_deref(), Some("transformers"));
        assert_eq!(c.tags, ["chat", "finetuned"]);
        assert_eq!(c.metrics, ["accuracy", "f1"]);
        assert_eq!(c.model_name.as_deref(), Some("acme-chat-7b"));
        assert_eq!(c.eval_results.len(), 2);
        let e = &c.eval_results[0];
        assert_eq!(e.task_type.as_deref(), Some("text-classification"));
        assert_eq!(e.task_name.as_deref(), Some("Sentiment"));
        assert_eq!(e.dataset_type.as_deref(), Some("example-org/reviews"));
        assert_eq!(e.dataset_name.as_deref(), Some("Reviews"));
        assert_eq!(e.dataset_config.as_deref(), Some("default"));
        assert_eq!(e.dataset_split.as_deref(), Some("test"));
        assert_eq!(e.metric_type.as_deref(), Some("accuracy"));
        assert_eq!(e.metric_name.as_deref(), Some("Accuracy"));
        assert_eq!(e.metric_value, "0.912");
        assert_eq!(e.verified, Some(false));
        assert_eq!(c.eval_results[1].metric_value, "88.5");
        assert_eq!(c.eval_results[1].verified, None);
        let co2 = c.co2.as_ref().unwrap();
        assert_eq!(co2.emissions_grams, Some(1250.5));
        assert_eq!(co2.hardware_used.as_deref(), Some("8 x A100"));
        assert_eq!(co2.geographical_location.as_deref(), Some("Lyon, France"));
        assert_eq!(c.title.as_deref(), Some("Acme Chat 7B"));
        let s = &c.sections;
        let desc = s.description.as_deref().unwrap();
        assert!(desc.contains("fine-tuned from base-7b"), "{desc}");
        assert!(desc.contains("Developed by:** Acme Research"));
        assert!(!desc.contains("Funded by"), "{desc}");
        assert!(desc.contains("# Not a heading"));
        assert_eq!(
            s.intended_uses.as_deref(),
            Some("### Direct Use\n\nAnswering customer questions in English and French.")
        );
        assert_eq!(
            s.out_of_scope_uses.as_deref(),
            Some("Medical or legal advice.")
        );
        assert_eq!(
            s.bias_risks.as_deref(),
            Some("The model reflects biases of its web training data.")
        );
        assert_eq!(
            s.recommendations.as_deref(),
            Some("Review outputs before publishing them.")
        );
        assert_eq!(
            s.training_data.as_deref(),
            Some("Forty thousand instruction pairs written by staff.")
        );
        assert!(s
            .training_procedure
            .as_deref()
            .unwrap()
            .contains("LoRA, three epochs"));
        assert!(!s.training_procedure.as_deref().unwrap().contains("Forty"));
        assert!(s.evaluation.as_deref().unwrap().contains("0.912"));
        assert!(s.environmental_impact.is_some());
        assert!(s.citation.as_deref().unwrap().contains("@misc{acme2025"));
        assert_eq!(s.limitations, None);
        assert!(c.placeholders.is_empty(), "{:?}", c.placeholders);
    }

    /// Our own imitation of an unfilled card generated from a template.
    const TEMPLATE: &str = r#"---
# Metadata: see the card specification
{}
---

# Model Card for {{ model_id | default("Model ID", true) }}

<!-- One-line summary of the model goes here. -->

## Model Details

### Model Description

<!-- Longer summary. -->

- **Developed by:** [More Information Needed]
- **Model type:** [More Information Needed]
- **License:** [More Information Needed]

## Uses

<!-- Who uses the model and how. -->

### Direct Use

[More Information Needed]

### Downstream Use [optional]

[More Information Needed]

### Out-of-Scope Use

More information needed

## Bias, Risks, and Limitations

{{ bias_risks_limitations | default("[More Information Needed]", true) }}

### Recommendations

<!-- What users should do about the risks. -->

## Training Details

### Training Data

[More Information Needed]

### Training Procedure

#### Training Hyperparameters

- **Training regime:** [More Information Needed]

## Evaluation

### Results

[More Information Needed]

## Environmental Impact

- **Hardware Type:** [More Information Needed]
- **Hours used:** [More Information Needed]

## Citation [optional]

**BibTeX:**

[More Information Needed]

**APA:**

[More Information Needed]
"#;

    #[test]
    fn template_card_is_all_placeholders() {
        let c = parse_card(TEMPLATE);
        assert!(c.defects.is_empty(), "{:?}", c.defects);
        assert_eq!(c.sections, CardSections::default());
        assert_eq!(
            c.placeholders,
            [
                "description",
                "intended_uses",
                "out_of_scope_uses",
                "bias_risks",
                "recommendations",
                "training_data",
                "training_procedure",
                "evaluation",
                "environmental_impact",
                "citation"
            ]
        );
        assert!(c.license.is_empty());
        assert_eq!(
            c.title.as_deref(),
            Some("Model Card for {{ model_id | default(\"Model ID\", true) }}")
        );
    }

    #[test]
    fn scalars_and_lists() {
        let c = parse_card("---\nlicense: [mit, other]\nbase_model: org/base\nco2_eq_emissions: 42\ndatasets: squad\ntags: [1, {a: b}]\n---\nbody\n");
        assert_eq!(c.license, ["mit", "other"]);
        assert_eq!(c.base_model, ["org/base"]);
        assert_eq!(c.datasets, ["squad"]);
        assert_eq!(c.co2.unwrap().emissions_grams, Some(42.0));
        assert_eq!(c.tags, ["1"]);
        assert_eq!(c.defects.len(), 1, "{:?}", c.defects);
        assert!(c.defects[0].contains("tags[1]"));
    }

    #[test]
    fn wrong_types_are_defects() {
        let c = parse_card(
            "---\nlicense: {id: mit}\npipeline_tag: [a]\nmodel-index: {}\nco2_eq_emissions: [1]\n---\n",
        );
        assert_eq!(c.defects.len(), 4, "{:?}", c.defects);
        assert!(c.license.is_empty());
    }

    #[test]
    fn invalid_yaml_names_the_line() {
        let c = parse_card("---\nlicense: mit\ntags: [a, b\nfoo: bar\n---\n# T\n");
        assert_eq!(c.defects.len(), 1);
        assert!(c.defects[0].contains("README line"), "{:?}", c.defects);
        assert_eq!(c.title.as_deref(), Some("T"));
        assert!(c.license.is_empty());
    }

    #[test]
    fn no_or_unclosed_front_matter() {
        let c = parse_card("# Only a title\n\nSome words.\n");
        assert!(!c.has_front_matter);
        assert!(c.defects.is_empty());
        assert_eq!(c.sections.description.as_deref(), Some("Some words."));
        let c = parse_card("---\nlicense: mit\n");
        assert_eq!(c.defects.len(), 1);
        assert!(c.license.is_empty());
        let c = parse_card("");
        assert_eq!(c, ModelCard::default());
        let c = parse_card("---");
        assert_eq!(c.defects.len(), 1);
        let c = parse_card("\n\n---\nlicense: mit\n---\n");
        assert_eq!(c.license, ["mit"]);
        let c = parse_card("\u{feff}---\r\nlicense: mit\r\n---\r\n# T\r\n");
        assert_eq!(c.license, ["mit"]);
        assert_eq!(c.title.as_deref(), Some("T"));
    }

    #[test]
    fn alias_bomb_in_front_matter() {
        let mut doc = String::from("---\na0: &a0 [x,x,x,x,x,x,x,x,x,x]\n");
        for i in 1..12 {
            let p = i - 1;
            doc.push_str(&format!(
                "a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n"
            ));
        }
        doc.push_str("license: mit\n---\n# Bomb\n");
        let c = parse_card(&doc);
        assert_eq!(c.defects.len(), 1, "{:?}", c.defects);
        assert!(c.license.is_empty());
        assert_eq!(c.title.as_deref(), Some("Bomb"));
    }

    #[test]
    fn huge_inputs_are_bounded() {
        // Front matter over the cap.
        let big = format!("---\nx: \"{}\"\n---\n# T\n", "a".repeat(300 << 10));
        let c = parse_card(&big);
        assert!(c.defects[0].contains("larger than"), "{:?}", c.defects);
        // A 20 MiB body: sections capped.
        let body = format!("# T\n\n## Evaluation\n\n{}", "word ".repeat(4 << 20));
        let c = parse_card(&body);
        let ev = c.sections.evaluation.unwrap();
        assert!(ev.len() <= MAX_SECTION && ev.len() > MAX_SECTION - 8);
        // Multi-byte characters at the cut.
        let body = format!("## Citation\n\n{}", "é".repeat(10_000));
        let c = parse_card(&body);
        assert!(c.sections.citation.unwrap().len() <= MAX_SECTION);
    }

    #[test]
    fn hostile_bodies() {
        // Millions of headings: only the first MAX_HEADINGS are looked at.
        let body =
            "# t\n".to_owned() + &"## Citation\n".repeat(2_000_000) + "## Evaluation\n\nlate\n";
        let c = parse_card(&body);
        assert_eq!(c.title.as_deref(), Some("t"));
        assert_eq!(c.sections.evaluation, None);
        assert_eq!(c.placeholders, ["citation"]);
        // Bytes that were not UTF-8 reach us replaced (callers decode lossily).
        let c = parse_card(&String::from_utf8_lossy(
            b"---\nlicense: \xff\xfe\n---\n# \xc3\n",
        ));
        assert_eq!(c.license, ["\u{fffd}\u{fffd}"]);
        assert_eq!(c.title.as_deref(), Some("\u{fffd}"));
        // An unclosed comment swallows the rest of the section.
        let c = parse_card("## Evaluation\n\n<!-- never closed\n\nscore 1\n");
        assert_eq!(c.placeholders, ["evaluation"]);
    }

    #[test]
    fn trainer_style_headings() {
        let c = parse_card(
            "# m\n\n## Model description\n\nMore information needed\n\n## Intended uses & limitations\n\nResearch only.\n\n## Training and evaluation data\n\nIMDB.\n\n## Training procedure\n\n### Training hyperparameters\n\n- learning_rate: 5e-05\n",
        );
        assert_eq!(c.sections.description, None);
        assert_eq!(c.placeholders, ["description"]);
        assert_eq!(c.sections.intended_uses.as_deref(), Some("Research only."));
        assert_eq!(c.sections.training_data.as_deref(), Some("IMDB."));
        assert!(c
            .sections
            .training_procedure
            .as_deref()
            .unwrap()
            .contains("learning_rate: 5e-05"));
    }

    #[test]
    fn placeholder_titles_name_no_model() {
        for t in [
            "Model Card for Model ID",
            "model card for model_id",
            "Model Card for {{ model_id | default(\"Model ID\", true) }}",
            "Model Card for <model name>",
            "Model Card for [Model Name]",
            "Model Card",
            "Model card: ",
            "{model_id}",
            "Model Card for Unnamed Model",
        ] {
            assert!(is_placeholder_title(t), "{t}");
            assert_eq!(name_from_title(t), None, "{t}");
        }
        assert_eq!(
            name_from_title("Model card for joe (medium)").as_deref(),
            Some("joe (medium)")
        );
        assert_eq!(
            name_from_title("Model Card for acme/chat-7b").as_deref(),
            Some("acme/chat-7b")
        );
        assert_eq!(
            name_from_title("Orchard Chat Tiny").as_deref(),
            Some("Orchard Chat Tiny")
        );
        assert!(!is_placeholder_title("Model IDentifier 2"));
    }

    #[test]
    fn heading_normalisation() {
        assert_eq!(
            normalise_heading("Bias, Risks, and Limitations"),
            "bias risks and limitations"
        );
        assert_eq!(normalise_heading("Out-of-Scope Use"), "out of scope use");
        assert_eq!(normalise_heading("3. Citation [optional]"), "citation");
        assert_eq!(
            classify("🌍 Environmental Impact"),
            Some(Section::Environmental)
        );
        assert_eq!(atx_heading("## Uses ##"), Some((2, "Uses")));
        assert_eq!(atx_heading("#hashtag"), None);
        assert_eq!(atx_heading("    # code"), None);
    }
}
