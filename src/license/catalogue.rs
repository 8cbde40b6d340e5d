//! Model licences outside the SPDX list: our own catalogue of `LicenseRef-aibom-<slug>` entries, and the
//! use restrictions we record for licences inside it.
//!
//! Names and official URLs are facts about each licence; descriptions and restriction phrases are ours.
//! Recognition is by distinctive titles and clauses (see [`TITLES`]), matched against normalised text,
//! never by comparing against a copy of the licence.

use super::License;

/// One catalogue entry.
pub(crate) struct ModelLicense {
    /// Slug after `LicenseRef-aibom-`.
    pub slug: &'static str,
    /// Hugging Face `license:` ids and other short names that mean this licence (lower case).
    pub aliases: &'static [&'static str],
    /// Human name as the licensor titles it.
    pub name: &'static str,
    /// Official location of the terms, when one is well established.
    pub url: Option<&'static str>,
    /// Family tag ("llama", "gemma", "openrail", ...).
    pub family: &'static str,
    /// Use restrictions, as short phrases; empty = not use-restricted.
    pub restrictions: &'static [&'static str],
}

const AUP: &str = "acceptable use policy";
const MAU700: &str = "700M MAU cap";
const NO_IMPROVE: &str = "outputs may not improve other LLMs";
const EU_MM: &str = "EU domicile exclusion (multimodal)";
const USE_BASED: &str = "use-based restrictions with flow-down";
const REMOTE: &str = "licensor may restrict use (remotely or otherwise)";
const NC: &str = "non-commercial";
const RESEARCH: &str = "research only";

/// The catalogue. Slugs are stable: they become `LicenseRef-aibom-<slug>` ids in BOMs.
pub(crate) const CATALOGUE: &[ModelLicense] = &[
    ModelLicense {
        slug: "llama2",
        aliases: &["llama2", "llama-2", "llama 2"],
        name: "Llama 2 Community License Agreement",
        url: Some("https://ai.meta.com/llama/license/"),
        family: "llama",
        restrictions: &[AUP, MAU700, NO_IMPROVE],
    },
    ModelLicense {
        slug: "llama3",
        aliases: &["llama3", "llama-3", "llama 3"],
        name: "Meta Llama 3 Community License Agreement",
        url: Some("https://www.llama.com/llama3/license/"),
        family: "llama",
        restrictions: &[AUP, MAU700],
    },
    ModelLicense {
        slug: "llama3.1",
        aliases: &["llama3.1", "llama-3.1", "llama 3.1", "llama3_1"],
        name: "Llama 3.1 Community License Agreement",
        url: Some("https://www.llama.com/llama3_1/license/"),
        family: "llama",
        restrictions: &[AUP, MAU700],
    },
    ModelLicense {
        slug: "llama3.2",
        aliases: &["llama3.2", "llama-3.2", "llama 3.2", "llama3_2"],
        name: "Llama 3.2 Community License Agreement",
        url: Some("https://www.llama.com/llama3_2/license/"),
        family: "llama",
        restrictions: &[AUP, MAU700, EU_MM],
    },
    ModelLicense {
        slug: "llama3.3",
        aliases: &["llama3.3", "llama-3.3", "llama 3.3", "llama3_3"],
        name: "Llama 3.3 Community License Agreement",
        url: Some("https://www.llama.com/llama3_3/license/"),
        family: "llama",
        restrictions: &[AUP, MAU700],
    },
    ModelLicense {
        slug: "llama4",
        aliases: &["llama4", "llama-4", "llama 4"],
        name: "Llama 4 Community License Agreement",
        url: Some("https://www.llama.com/llama4/license/"),
        family: "llama",
        restrictions: &[AUP, MAU700, EU_MM],
    },
    ModelLicense {
        slug: "gemma",
        aliases: &["gemma"],
        name: "Gemma Terms of Use",
        url: Some("https://ai.google.dev/gemma/terms"),
        family: "gemma",
        restrictions: &["prohibited use policy with flow-down", REMOTE],
    },
    ModelLicense {
        slug: "openrail",
        aliases: &["openrail", "open rail"],
        name: "Open RAIL licence (variant not identified)",
        url: Some("https://www.licenses.ai/"),
        family: "openrail",
        restrictions: &[USE_BASED],
    },
    ModelLicense {
        slug: "bigscience-openrail-m",
        aliases: &["bigscience-openrail-m"],
        name: "BigScience OpenRAIL-M License",
        url: Some("https://bigscience.huggingface.co/blog/bigscience-openrail-m"),
        family: "openrail",
        restrictions: &[USE_BASED, REMOTE],
    },
    ModelLicense {
        slug: "creativeml-openrail-m",
        aliases: &["creativeml-openrail-m"],
        name: "CreativeML Open RAIL-M License",
        url: Some("https://huggingface.co/spaces/CompVis/stable-diffusion-license"),
        family: "openrail",
        restrictions: &[USE_BASED, REMOTE],
    },
    ModelLicense {
        slug: "bigscience-bloom-rail-1.0",
        aliases: &["bigscience-bloom-rail-1.0"],
        name: "BigScience BLOOM RAIL License v1.0",
        url: Some("https://huggingface.co/spaces/bigscience/license"),
        family: "openrail",
        restrictions: &[USE_BASED, REMOTE],
    },
    ModelLicense {
        slug: "bigcode-openrail-m",
        aliases: &["bigcode-openrail-m"],
        name: "BigCode Open RAIL-M v1 License Agreement",
        url: Some("https://huggingface.co/spaces/bigcode/bigcode-model-license-agreement"),
        family: "openrail",
        restrictions: &[USE_BASED, REMOTE],
    },
    ModelLicense {
        slug: "openrail-plus-plus",
        aliases: &["openrail++", "openrail++-m"],
        name: "Open RAIL++-M License",
        url: Some(
            "https://huggingface.co/stabilityai/stable-diffusion-xl-base-1.0/blob/main/LICENSE.md",
        ),
        family: "openrail",
        restrictions: &[USE_BASED],
    },
    ModelLicense {
        slug: "deepfloyd-if",
        aliases: &["deepfloyd-if-license"],
        name: "DeepFloyd IF Research License Agreement",
        url: Some("https://huggingface.co/spaces/DeepFloyd/deepfloyd-if-license"),
        family: "deepfloyd",
        restrictions: &[NC, RESEARCH],
    },
    ModelLicense {
        slug: "fair-noncommercial-research",
        aliases: &["fair-noncommercial-research-license"],
        name: "FAIR Noncommercial Research License",
        url: None,
        family: "fair",
        restrictions: &[NC, RESEARCH, AUP],
    },
    ModelLicense {
        slug: "apple-ascl",
        aliases: &["apple-ascl"],
        name: "Apple Sample Code License",
        url: None,
        family: "apple",
        restrictions: &[],
    },
    ModelLicense {
        slug: "apple-amlr",
        aliases: &["apple-amlr"],
        name: "Apple Machine Learning Research Model License",
        url: None,
        family: "apple",
        restrictions: &[NC, RESEARCH],
    },
    ModelLicense {
        slug: "h-research",
        aliases: &["h-research"],
        name: "H Research License",
        url: None,
        family: "h",
        restrictions: &[NC, RESEARCH],
    },
    ModelLicense {
        slug: "intel-research",
        aliases: &["intel-research"],
        name: "Intel Research Use License",
        url: None,
        family: "intel",
        restrictions: &[NC, RESEARCH],
    },
    ModelLicense {
        slug: "grok2-community",
        aliases: &["grok2-community", "grok-2-community"],
        name: "Grok 2 Community License Agreement",
        url: None,
        family: "grok",
        restrictions: &[AUP],
    },
    ModelLicense {
        slug: "qwen",
        aliases: &["qwen", "tongyi-qianwen", "tongyi qianwen"],
        name: "Tongyi Qianwen License Agreement",
        url: Some(
            "https://github.com/QwenLM/Qwen/blob/main/Tongyi%20Qianwen%20LICENSE%20AGREEMENT",
        ),
        family: "qwen",
        restrictions: &["100M MAU cap"],
    },
    ModelLicense {
        slug: "qwen-research",
        aliases: &["qwen-research", "tongyi-qianwen-research"],
        name: "Qwen Research License Agreement",
        url: None,
        family: "qwen",
        restrictions: &[NC, RESEARCH],
    },
    ModelLicense {
        slug: "deepseek",
        aliases: &["deepseek", "deepseek-license"],
        name: "DeepSeek License Agreement",
        url: Some("https://github.com/deepseek-ai/DeepSeek-LLM/blob/main/LICENSE-MODEL"),
        family: "deepseek",
        restrictions: &["use restrictions (Attachment A)"],
    },
    ModelLicense {
        slug: "mistral-research",
        aliases: &["mrl", "mistral-research", "mrl-0.1"],
        name: "Mistral AI Research License",
        url: Some("https://mistral.ai/licenses/MRL-0.1.md"),
        family: "mistral",
        restrictions: &[RESEARCH, NC],
    },
    ModelLicense {
        slug: "mistral-non-production",
        aliases: &["mnpl", "mnpl-0.1", "mistral-non-production"],
        name: "Mistral AI Non-Production License",
        url: Some("https://mistral.ai/licenses/MNPL-0.1.md"),
        family: "mistral",
        restrictions: &["non-production use only"],
    },
    ModelLicense {
        slug: "falcon-180b-tii",
        aliases: &[
            "falcon-180b",
            "falcon-180b-license",
            "falcon-180b-tii-license",
        ],
        name: "Falcon 180B TII License",
        url: Some("https://huggingface.co/spaces/tiiuae/falcon-180b-license/blob/main/LICENSE.txt"),
        family: "falcon",
        restrictions: &[AUP, "hosting use needs a separate licence"],
    },
    ModelLicense {
        slug: "openmdw-1.1",
        aliases: &["openmdw-1.1"],
        name: "OpenMDW License Agreement v1.1",
        url: None,
        family: "openmdw",
        restrictions: &[],
    },
];

/// Distinctive titles (lower case, single-spaced), checked in order: more specific titles first, so
/// "llama 3.1 community license" is tried before the bare Llama 3 title it contains.
pub(crate) const TITLES: &[(&str, &str)] = &[
    ("llama 4 community license", "llama4"),
    ("llama 3.3 community license", "llama3.3"),
    ("llama 3.2 community license", "llama3.2"),
    ("llama 3.1 community license", "llama3.1"),
    ("meta llama 3 community license", "llama3"),
    ("llama 3 community license", "llama3"),
    ("llama 2 community license", "llama2"),
    ("gemma terms of use", "gemma"),
    ("creativeml open rail-m", "creativeml-openrail-m"),
    ("creativeml openrail-m", "creativeml-openrail-m"),
    ("bigscience bloom rail", "bigscience-bloom-rail-1.0"),
    ("bigscience openrail-m", "bigscience-openrail-m"),
    ("bigscience open rail-m", "bigscience-openrail-m"),
    ("bigcode open rail-m", "bigcode-openrail-m"),
    ("bigcode openrail-m", "bigcode-openrail-m"),
    ("open rail++-m", "openrail-plus-plus"),
    ("openrail++", "openrail-plus-plus"),
    ("deepfloyd if license", "deepfloyd-if"),
    ("deepfloyd if research license", "deepfloyd-if"),
    (
        "fair noncommercial research license",
        "fair-noncommercial-research",
    ),
    (
        "apple machine learning research model license",
        "apple-amlr",
    ),
    ("apple sample code license", "apple-ascl"),
    ("intel research use license", "intel-research"),
    ("grok 2 community license", "grok2-community"),
    ("qwen research license", "qwen-research"),
    ("tongyi qianwen research license", "qwen-research"),
    ("tongyi qianwen license", "qwen"),
    ("qwen license agreement", "qwen"),
    ("deepseek license agreement", "deepseek"),
    ("mistral ai research license", "mistral-research"),
    (
        "mistral ai non-production license",
        "mistral-non-production",
    ),
    ("falcon 180b tii license", "falcon-180b-tii"),
    ("falcon-180b tii license", "falcon-180b-tii"),
    ("openmdw license agreement v1.1", "openmdw-1.1"),
    ("openmdw license agreement, version 1.1", "openmdw-1.1"),
];

/// Clauses that add a restriction phrase when found in a use policy, or (when the third field is
/// true) in the text of a licence that is already use-restricted. Generic words such as
/// "non-commercial" only count in use policies: licence texts use them in many senses.
pub(crate) const CLAUSES: &[(&str, &str, bool)] = &[
    ("acceptable use policy", AUP, true),
    (
        "prohibited use policy",
        "prohibited use policy with flow-down",
        true,
    ),
    ("700 million monthly active users", MAU700, true),
    ("100 million monthly active users", "100M MAU cap", true),
    (
        "reserves the right to restrict (remotely or otherwise)",
        REMOTE,
        true,
    ),
    ("domiciled in the european union", EU_MM, true),
    ("attachment a", "use restrictions (Attachment A)", true),
    ("non-commercial", NC, false),
    ("noncommercial", NC, false),
    ("research purposes only", RESEARCH, false),
];

/// The entry with this slug.
pub(crate) fn by_slug(slug: &str) -> Option<&'static ModelLicense> {
    CATALOGUE.iter().find(|m| m.slug == slug)
}

/// The entry one of whose aliases equals `name` (ASCII case-insensitive, trimmed).
pub(crate) fn by_alias(name: &str) -> Option<&'static ModelLicense> {
    let name = name.trim();
    CATALOGUE
        .iter()
        .find(|m| m.aliases.iter().any(|a| a.eq_ignore_ascii_case(name)))
}

/// The entry whose official URL matches `url` (scheme, `www.`, trailing `/` and case ignored).
pub(crate) fn by_url(url: &str) -> Option<&'static ModelLicense> {
    let u = super::norm_url(url);
    CATALOGUE
        .iter()
        .find(|m| m.url.is_some_and(|mu| super::norm_url(mu) == u))
}

/// The catalogue entry whose title occurs first in `norm` (text already normalised by
/// [`super::normalise`]); at the same position the longer title wins. A licence's own heading comes
/// before any mention of other licences in its body.
pub(crate) fn by_title(norm: &str) -> Option<&'static ModelLicense> {
    TITLES
        .iter()
        .filter_map(|(t, slug)| norm.find(t).map(|pos| (pos, t.len(), *slug)))
        .min_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
        .and_then(|(_, _, slug)| by_slug(slug))
}

/// Restriction phrases whose clauses occur in `norm`, in [`CLAUSES`] order, without duplicates;
/// `licence_text` limits them to the clauses that count in a licence text.
pub(crate) fn clauses_in(norm: &str, licence_text: bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (needle, phrase, in_licence) in CLAUSES {
        if licence_text && !in_licence {
            continue;
        }
        if norm.contains(needle) && !out.iter().any(|o| o == phrase) {
            out.push((*phrase).to_string());
        }
    }
    out
}

impl ModelLicense {
    /// The `LicenseRef-aibom-<slug>` id.
    pub fn id(&self) -> String {
        format!("LicenseRef-aibom-{}", self.slug)
    }

    /// This entry as a [`License`] record.
    pub fn to_license(&self) -> License {
        License {
            id: self.id(),
            name: self.name.to_string(),
            url: self.url.map(str::to_string),
            spdx: false,
            osi_approved: false,
            use_restricted: !self.restrictions.is_empty(),
            restrictions: self.restrictions.iter().map(|r| r.to_string()).collect(),
            family: Some(self.family.to_string()),
        }
    }
}
