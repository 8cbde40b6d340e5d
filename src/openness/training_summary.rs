//! A draft of the public summary of training content that Art. 53(1)(d) of the EU AI Act requires, laid
//! out as the AI Office's template (July 2025) lays it out: 1. general information (provider, model,
//! modalities and size of the training data), 2. list of data sources (publicly available datasets,
//! private datasets from third parties, crawled data, user data, synthetic data, other), 3. data
//! processing aspects (text-and-data-mining reservations, illegal content). What the files show is
//! pre-filled, each statement citing its file and SHA-256; every part the files cannot answer is an
//! explicit, marked gap (`GAP:`) for the provider to fill in. The output is Markdown, deterministic.

use std::fmt::Write;

use crate::facts::ModelFacts;
use crate::inventory::FileRecord;

/// The marker of a part the provider must write.
pub const GAP: &str = "**GAP:**";

fn cite(files: &[FileRecord], path: &str) -> String {
    match files.iter().find(|f| f.path == path) {
        Some(f) => format!("`{}` (sha256 {})", f.path, &f.sha256),
        None => format!("`{path}`"),
    }
}

/// The draft summary for a model (its inventory files and facts).
pub fn draft(files: &[FileRecord], facts: &ModelFacts) -> String {
    let mut s = String::new();
    let name = &facts.name;
    let _ = writeln!(s, "# Public summary of training content — {name} (draft)\n");
    let _ = writeln!(
        s,
        "Drafted by aibom {} from the files of the model directory, following the structure of the AI Office's template for the public summary of training content (Art. 53(1)(d) of Regulation (EU) 2024/1689). Every pre-filled statement cites the file it comes from; every {GAP} is for the provider to complete. Review everything before publishing.\n",
        env!("CARGO_PKG_VERSION")
    );

    let _ = writeln!(s, "## 1. General information\n");
    let _ = writeln!(s, "### 1.1 Provider\n");
    let _ = writeln!(
        s,
        "{GAP} provider name, contact address and authorised representative (if any).\n"
    );
    let _ = writeln!(s, "### 1.2 Model\n");
    let _ = writeln!(s, "- Model name: {name}");
    if let Some(r) = &facts.repo_id {
        let _ = writeln!(
            s,
            "- Repository: {r}{}",
            facts
                .revision
                .as_deref()
                .map(|v| format!(" at revision {v}"))
                .unwrap_or_default()
        );
    }
    for b in &facts.base_models {
        let _ = writeln!(
            s,
            "- Derived from: {} (declared in {})",
            b.id,
            b.sources
                .iter()
                .map(|p| cite(files, p))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let _ = writeln!(
        s,
        "- {GAP} date of placing on the market and versions covered by this summary.\n"
    );
    let _ = writeln!(
        s,
        "### 1.3 Modalities, size and characteristics of the training data\n"
    );
    match &facts.task {
        Some(t) => {
            let _ = writeln!(s, "- The model's task is `{t}` (model card); the modalities of its training data follow from it but are not stated in the files.");
        }
        None => {
            let _ = writeln!(s, "- The files do not state the model's task.");
        }
    }
    if !facts.languages.is_empty() {
        let _ = writeln!(
            s,
            "- Languages (model card): {}.",
            facts.languages.join(", ")
        );
    }
    let _ = writeln!(s, "- {GAP} modalities of the training data (text, images, audio, video, other) and the size of each (the template's size ranges).");
    let _ = writeln!(
        s,
        "- {GAP} types of content, latest date of data collection, other characteristics.\n"
    );

    let _ = writeln!(s, "## 2. List of data sources\n");
    let _ = writeln!(s, "### 2.1 Publicly available datasets\n");
    if facts.datasets.is_empty() {
        let _ = writeln!(s, "The files name no training dataset. {GAP} list every publicly available dataset used, with where to obtain it.\n");
    } else {
        let _ = writeln!(s, "Datasets the files name (whether each is publicly available, and whether it was used for training, testing or validation, is for the provider to confirm):\n");
        for d in &facts.datasets {
            let mut line = format!("- **{}**", d.name);
            if let Some(h) = &d.hub_id {
                let _ = write!(line, ", Hugging Face dataset `{h}`");
            }
            if let Some(u) = &d.url {
                let _ = write!(line, ", {u}");
            }
            if !d.licenses.is_empty() {
                let _ = write!(
                    line,
                    ", licence {}",
                    d.licenses
                        .iter()
                        .map(|l| l.display.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            if !d.files.is_empty() {
                let _ = write!(line, ", {} local file(s)", d.files.len());
            }
            let _ = write!(
                line,
                " — named in {}",
                d.sources
                    .iter()
                    .map(|p| cite(files, p))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            if !d.members.is_empty() {
                let _ = write!(line, "; parts: {}", d.members.join(", "));
            }
            let _ = writeln!(s, "{line}");
        }
        let _ = writeln!(s, "\n{GAP} confirm this list is complete, and give the share of the training data each large dataset represents.\n");
    }
    let gaps = [
        ("2.2 Private non-publicly available datasets obtained from third parties", "datasets licensed or otherwise obtained from third parties, or state that none was used."),
        ("2.3 Data crawled and scraped from online sources", "crawlers used, collection period, the kinds of sources and the most relevant domain names, or state that none was used."),
        ("2.4 User data", "data from users of the provider's services, or state that none was used."),
        ("2.5 Synthetic data", "synthetic data and the models that generated it, or state that none was used."),
        ("2.6 Other sources of data", "any other source."),
    ];
    for (h, what) in gaps {
        let _ = writeln!(s, "### {h}\n\n{GAP} {what}\n");
    }
    if let Some(t) = &facts.card.training_data {
        let _ = writeln!(
            s,
            "The model card's training-data section, for reference when completing section 2:\n\n> {}\n",
            t.lines().collect::<Vec<_>>().join("\n> ")
        );
    }

    let _ = writeln!(s, "## 3. Data processing aspects\n");
    let _ = writeln!(s, "### 3.1 Respect of reservations of rights from the text and data mining exception\n\n{GAP} the measures taken to identify and honour machine-readable opt-outs (Art. 4(3) of Directive (EU) 2019/790) before and during data collection.\n");
    let _ = writeln!(s, "### 3.2 Removal of illegal content\n\n{GAP} the measures taken to avoid or remove illegal content from the training data.\n");
    let _ = writeln!(s, "### 3.3 Other information\n");
    match &facts.card.training_procedure {
        Some(_) => {
            let _ = writeln!(s, "The model card has a training-procedure section; {GAP} summarise any data processing it describes that the public should know.");
        }
        None => {
            let _ = writeln!(
                s,
                "{GAP} any other relevant information on data processing."
            );
        }
    }
    s
}
