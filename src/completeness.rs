//! Completeness: how much of what a reviewer (EU AI Act Annex XI/XII, OSAID data information, a model
//! card reader) needs is actually documented in the model directory. A fixed, weighted checklist over
//! [`ModelFacts`]; every item says what it looks for and how to fill it, so the score explains itself.

use serde::Serialize;

use crate::facts::ModelFacts;

/// One checklist item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub key: &'static str,
    pub weight: u32,
    pub present: bool,
    /// What it looks for / how to provide it.
    pub hint: &'static str,
}

/// The score (0–100) and every item behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Completeness {
    pub score: u32,
    pub items: Vec<Item>,
}

impl Completeness {
    /// Keys of the missing items, heaviest first.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut m: Vec<&Item> = self.items.iter().filter(|i| !i.present).collect();
        m.sort_by(|a, b| b.weight.cmp(&a.weight).then(a.key.cmp(b.key)));
        m.into_iter().map(|i| i.key).collect()
    }
}

/// Assess `f`. Weights add up to 100.
pub fn assess(f: &ModelFacts) -> Completeness {
    let c = &f.card;
    let items = vec![
        item(
            "licence",
            15,
            f.licenses.agreed(),
            "a licence all sources agree on (card `license`, LICENSE file, weight metadata)",
        ),
        item(
            "datasets",
            10,
            !f.datasets.is_empty(),
            "training datasets listed (card `datasets`, Croissant manifest, GGUF general.datasets)",
        ),
        item(
            "source",
            8,
            f.repo_id.is_some() && f.revision.is_some(),
            "repository id and revision (Hugging Face cache, local_dir metadata or git origin)",
        ),
        item(
            "intended-uses",
            8,
            c.intended_uses.is_some(),
            "card section on intended / direct uses",
        ),
        item(
            "training-data",
            8,
            c.training_data.is_some(),
            "card section describing the training data",
        ),
        item(
            "limitations",
            7,
            c.limitations.is_some() || c.out_of_scope_uses.is_some(),
            "card section on limitations or out-of-scope use",
        ),
        item(
            "bias-risks",
            7,
            c.bias_risks.is_some(),
            "card section on bias, risks and limitations",
        ),
        item(
            "evaluation",
            7,
            !c.metrics.is_empty(),
            "evaluation results (card `model-index`)",
        ),
        item(
            "description",
            5,
            f.description.is_some(),
            "a model description in the card",
        ),
        item(
            "training-procedure",
            5,
            c.training_procedure.is_some(),
            "card section on the training procedure",
        ),
        item("task", 4, f.task.is_some(), "the task (`pipeline_tag`)"),
        item(
            "architecture",
            4,
            f.architecture.is_some() || f.architecture_family.is_some(),
            "architecture (config.json `model_type`/`architectures`, GGUF general.architecture)",
        ),
        item(
            "parameters",
            4,
            f.parameters.is_some(),
            "weights in a format whose header gives the parameter count (safetensors, GGUF, ONNX)",
        ),
        item(
            "environmental",
            4,
            c.co2_grams.is_some(),
            "training emissions (card `co2_eq_emissions`)",
        ),
        item(
            "software",
            4,
            f.library_name.is_some() || !f.libraries.is_empty(),
            "the library to run it (`library_name`) or pinned code dependencies",
        ),
    ];
    let score = items.iter().filter(|i| i.present).map(|i| i.weight).sum();
    Completeness { score, items }
}

fn item(key: &'static str, weight: u32, present: bool, hint: &'static str) -> Item {
    Item {
        key,
        weight,
        present,
        hint,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_add_up_to_100_and_empty_facts_score_zero() {
        let c = assess(&ModelFacts::default());
        assert_eq!(c.items.iter().map(|i| i.weight).sum::<u32>(), 100);
        assert_eq!(c.score, 0);
        assert_eq!(c.missing()[0], "licence");
    }

    #[test]
    fn present_items_count_their_weight() {
        let f = ModelFacts {
            task: Some("text-generation".into()),
            parameters: Some(52),
            ..Default::default()
        };
        assert_eq!(assess(&f).score, 8);
    }
}
