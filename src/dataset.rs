//! Dataset manifests found beside a model: MLCommons Croissant 1.0 / 1.1 JSON-LD (`parse_croissant`,
//! `is_croissant`) and Hugging Face dataset cards (`parse_dataset_card`). They give a BOM's `data`
//! components their name, licence, creators, file hashes, lineage (`prov:wasDerivedFrom`,
//! `source_datasets`) and responsible-AI notes. Pure functions over untrusted bytes, bounded like
//! the rest of the metadata parsers (see `hf`).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::hf::card::front_matter;
use crate::hf::value::{self, Fields};

/// The marker every Croissant `@context` / `conformsTo` carries.
const CROISSANT_MARK: &[u8] = b"mlcommons.org/croissant";
/// Bytes `is_croissant` looks at.
const SNIFF_BYTES: usize = 256 << 10;
/// Longest `rai:*` value kept.
const MAX_RAI_VALUE: usize = 4096;
/// Most `rai:*` keys kept.
const MAX_RAI_KEYS: usize = 64;
/// Most distribution entries kept.
const MAX_FILES: usize = 4096;
/// Most configs / splits per config read from `dataset_info`.
const MAX_CONFIGS: usize = 256;

/// A Croissant dataset description.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Croissant {
    pub name: Option<String>,
    pub description: Option<String>,
    /// Licence ids or URLs (a string, list, or objects with `@id` / `url` / `name`).
    pub license: Vec<String>,
    pub url: Option<String>,
    /// Creator names (strings, or `name` / `@id` / `url` of Person or Organization objects).
    pub creator: Vec<String>,
    pub date_published: Option<String>,
    pub version: Option<String>,
    pub cite_as: Option<String>,
    pub conforms_to: Vec<String>,
    pub distribution: Vec<CroissantFile>,
    /// `prov:wasDerivedFrom` (and schema.org `isBasedOn`): ids, URLs or names of source datasets.
    pub derived_from: Vec<String>,
    /// `prov:wasGeneratedBy`: activity names, ids or descriptions.
    pub generated_by: Vec<String>,
    /// `prov:wasAttributedTo`: agent names or ids.
    pub attributed_to: Vec<String>,
    /// Every `rai:*` key (prefix kept), values as text (JSON for non-strings), at most 4 KiB each.
    pub rai: BTreeMap<String, String>,
    /// `rai:personalSensitiveInformation` as written: a hint for CycloneDX `sensitiveData`.
    pub sensitive: Vec<String>,
    pub defects: Vec<String>,
}

/// Whether a distribution entry is one file or a set of files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum CroissantFileKind {
    #[default]
    FileObject,
    FileSet,
}

/// One `distribution` entry.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct CroissantFile {
    pub id: Option<String>,
    pub name: Option<String>,
    pub content_url: Option<String>,
    /// Lowercase hex as written (a defect is recorded when it is not 64 hex digits).
    pub sha256: Option<String>,
    pub md5: Option<String>,
    pub encoding_format: Option<String>,
    /// `contentSize` as written ("1.2 MB", or a number of bytes).
    pub content_size: Option<String>,
    pub kind: CroissantFileKind,
    /// FileSet glob patterns.
    pub includes: Vec<String>,
    /// `containedIn`: ids of the FileObject(s) (an archive) the FileSet lives in.
    pub contained_in: Vec<String>,
}

/// A Hugging Face dataset card's front matter.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct DatasetCard {
    pub has_front_matter: bool,
    pub license: Vec<String>,
    pub pretty_name: Option<String>,
    pub annotations_creators: Vec<String>,
    pub language_creators: Vec<String>,
    pub source_datasets: Vec<String>,
    pub size_categories: Vec<String>,
    pub task_categories: Vec<String>,
    pub task_ids: Vec<String>,
    pub multilinguality: Vec<String>,
    pub language: Vec<String>,
    /// `dataset_info`: configurations and their splits.
    pub configs: Vec<DatasetConfig>,
    /// First level-1 heading of the body.
    pub title: Option<String>,
    pub defects: Vec<String>,
}

/// One configuration from `dataset_info`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct DatasetConfig {
    /// `config_name`, `"default"` when absent.
    pub name: String,
    pub splits: Vec<DatasetSplit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct DatasetSplit {
    pub name: String,
    pub num_examples: Option<u64>,
}

/// Cheap check: a JSON object whose first 256 KiB mention `mlcommons.org/croissant`.
pub fn is_croissant(json: &[u8]) -> bool {
    let json = json.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(json);
    let start = json.iter().position(|b| !b.is_ascii_whitespace());
    if start.is_none_or(|i| json[i] != b'{') {
        return false;
    }
    let head = &json[..json.len().min(SNIFF_BYTES)];
    head.windows(CROISSANT_MARK.len())
        .any(|w| w == CROISSANT_MARK)
}

/// `obj[key]`, also under the `sc:` / `schema:` prefixes some documents use.
fn get<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key)
        .or_else(|| obj.get(&format!("sc:{key}")))
        .or_else(|| obj.get(&format!("schema:{key}")))
}

/// A JSON-LD text value: a string, a number, `{"@value": ...}` or the first of a list.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::Object(m) => m.get("@value").and_then(text),
        Value::Array(a) => a.iter().find_map(text),
        other => value::scalar_text(other),
    }
}

fn text_field(obj: &Map<String, Value>, key: &str, d: &mut Vec<String>) -> Option<String> {
    let v = get(obj, key)?;
    match text(v) {
        Some(mut s) => {
            if value::truncate(&mut s, value::MAX_FIELD) {
                d.push(format!(
                    "{key} is longer than {} bytes; cut",
                    value::MAX_FIELD
                ));
            }
            Some(s)
        }
        None if v.is_null() => None,
        None => {
            d.push(format!("{key} should be text, found {}", value::kind(v)));
            None
        }
    }
}

/// Names of things that may be strings, objects (with `name`, `@id`, `url`, ... in `prefer` order)
/// or lists of either.
fn names(v: Option<&Value>, prefer: &[&str], key: &str, d: &mut Vec<String>) -> Vec<String> {
    let items: &[Value] = match v {
        None | Some(Value::Null) => &[],
        Some(Value::Array(a)) => a,
        Some(other) => std::slice::from_ref(other),
    };
    let mut out = Vec::new();
    for item in items {
        if out.len() == value::MAX_ITEMS {
            d.push(format!(
                "{key} has more than {} items; the rest are ignored",
                value::MAX_ITEMS
            ));
            break;
        }
        let found = match item {
            Value::Object(m) => prefer.iter().find_map(|k| get(m, k).and_then(text)),
            other => text(other),
        };
        match found {
            Some(mut s) => {
                value::truncate(&mut s, value::MAX_FIELD);
                out.push(s);
            }
            None if item.is_null() => {}
            None => d.push(format!("{key}: an item has no usable name or id")),
        }
    }
    out
}

/// Compact text of any value: strings as they are, the rest as JSON; capped.
fn stringify(v: &Value, max: usize) -> String {
    let mut s = match v {
        Value::String(s) => value::prefix(s, max).to_owned(),
        other => other.to_string(),
    };
    value::truncate(&mut s, max);
    s
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Parses a Croissant JSON-LD document. [`Error::Invalid`] (or [`Error::Malformed`]) when it is not JSON, not an object, or neither its
/// `@context` nor `conformsTo` mentions `mlcommons.org/croissant`.
pub fn parse_croissant(json: &[u8]) -> Result<Croissant> {
    let obj = match value::json(json, None)? {
        Value::Object(m) => m,
        other => {
            return Err(Error::invalid(format!(
                "expected a JSON-LD object, found {}",
                value::kind(&other)
            )))
        }
    };
    let mark = std::str::from_utf8(CROISSANT_MARK).unwrap_or_default();
    let mentions = |k: &str| obj.get(k).is_some_and(|v| v.to_string().contains(mark));
    if !mentions("@context") && !mentions("conformsTo") && !mentions("dct:conformsTo") {
        return Err(Error::invalid(
            "not a Croissant document (no mlcommons.org/croissant in @context or conformsTo)",
        ));
    }
    let mut c = Croissant::default();
    let d = &mut c.defects;
    c.name = text_field(&obj, "name", d);
    c.description = text_field(&obj, "description", d);
    c.license = names(get(&obj, "license"), &["@id", "url", "name"], "license", d);
    c.url = text_field(&obj, "url", d);
    c.creator = names(get(&obj, "creator"), &["name", "@id", "url"], "creator", d);
    c.date_published = text_field(&obj, "datePublished", d);
    c.version = text_field(&obj, "version", d);
    c.cite_as = text_field(&obj, "citeAs", d).or_else(|| text_field(&obj, "citation", d));
    c.conforms_to = names(
        obj.get("conformsTo").or_else(|| obj.get("dct:conformsTo")),
        &["@id"],
        "conformsTo",
        d,
    );
    let prov_ids = ["@id", "url", "name"];
    c.derived_from = names(
        obj.get("prov:wasDerivedFrom"),
        &prov_ids,
        "prov:wasDerivedFrom",
        d,
    );
    c.derived_from
        .extend(names(get(&obj, "isBasedOn"), &prov_ids, "isBasedOn", d));
    c.generated_by = names(
        obj.get("prov:wasGeneratedBy"),
        &["name", "@id", "description", "@type"],
        "prov:wasGeneratedBy",
        d,
    );
    c.attributed_to = names(
        obj.get("prov:wasAttributedTo"),
        &["name", "@id", "url"],
        "prov:wasAttributedTo",
        d,
    );
    for (k, v) in obj.iter().filter(|(k, _)| k.starts_with("rai:")) {
        if c.rai.len() == MAX_RAI_KEYS {
            d.push(format!(
                "more than {MAX_RAI_KEYS} rai: keys; the rest are ignored"
            ));
            break;
        }
        c.rai.insert(k.clone(), stringify(v, MAX_RAI_VALUE));
    }
    if let Some(v) = obj.get("rai:personalSensitiveInformation") {
        c.sensitive = value::string_list(v, "rai:personalSensitiveInformation", d)
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .map(|mut s| {
                value::truncate(&mut s, MAX_RAI_VALUE);
                s
            })
            .collect();
    }
    match get(&obj, "distribution") {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) => {
            for (i, item) in list.iter().enumerate() {
                if i == MAX_FILES {
                    d.push(format!(
                        "distribution has more than {MAX_FILES} entries; the rest are ignored"
                    ));
                    break;
                }
                match item {
                    Value::Object(m) => c.distribution.push(read_file(m, i, d)),
                    other => d.push(format!(
                        "distribution[{i}] should be an object, found {}",
                        value::kind(other)
                    )),
                }
            }
        }
        Some(Value::Object(m)) => c.distribution.push(read_file(m, 0, d)),
        Some(other) => d.push(format!(
            "distribution should be a list, found {}",
            value::kind(other)
        )),
    }
    Ok(c)
}

fn read_file(m: &Map<String, Value>, i: usize, d: &mut Vec<String>) -> CroissantFile {
    let ctx = format!("distribution[{i}]");
    let types = names(m.get("@type"), &["@id"], &format!("{ctx}.@type"), d);
    let kind = if types.iter().any(|t| t.ends_with("FileSet")) {
        CroissantFileKind::FileSet
    } else {
        if !types.iter().any(|t| t.ends_with("FileObject")) {
            d.push(format!(
                "{ctx} is neither a cr:FileObject nor a cr:FileSet; read as a FileObject"
            ));
        }
        CroissantFileKind::FileObject
    };
    let f = Fields::new(m, &ctx);
    let mut hash = |key: &str, len: usize| -> Option<String> {
        let h = text_field(m, key, d)?.trim().to_ascii_lowercase();
        if !is_hex(&h, len) {
            d.push(format!("{ctx}.{key} is not {len} hex digits"));
        }
        Some(h)
    };
    let sha256 = hash("sha256", 64);
    let md5 = hash("md5", 32);
    CroissantFile {
        id: f.string("@id", d),
        name: text_field(m, "name", d),
        content_url: text_field(m, "contentUrl", d),
        sha256,
        md5,
        encoding_format: text_field(m, "encodingFormat", d),
        content_size: text_field(m, "contentSize", d),
        kind,
        includes: names(m.get("includes"), &["@id"], &format!("{ctx}.includes"), d),
        contained_in: names(
            m.get("containedIn"),
            &["@id"],
            &format!("{ctx}.containedIn"),
            d,
        ),
    }
}

/// Parses a Hugging Face dataset card (`README.md` of a dataset). Never fails; problems go to
/// `defects`.
pub fn parse_dataset_card(text: &str) -> DatasetCard {
    let mut card = DatasetCard::default();
    let (fm, body, present) = front_matter(text, &mut card.defects);
    card.has_front_matter = present;
    card.title = crate::hf::card::title(body);
    let Some(fm) = fm else {
        return card;
    };
    let d = &mut card.defects;
    let f = Fields::new(&fm, "");
    card.license = f.strings("license", d);
    card.pretty_name = f.string("pretty_name", d);
    card.annotations_creators = f.strings("annotations_creators", d);
    card.language_creators = f.strings("language_creators", d);
    card.source_datasets = f.strings("source_datasets", d);
    card.size_categories = f.strings("size_categories", d);
    card.task_categories = f.strings("task_categories", d);
    card.task_ids = f.strings("task_ids", d);
    card.multilinguality = f.strings("multilinguality", d);
    card.language = f.strings("language", d);
    let infos: &[Value] = match fm.get("dataset_info") {
        None | Some(Value::Null) => &[],
        Some(Value::Array(a)) => a,
        Some(v @ Value::Object(_)) => std::slice::from_ref(v),
        Some(other) => {
            d.push(format!(
                "dataset_info should be a mapping or a list, found {}",
                value::kind(other)
            ));
            &[]
        }
    };
    for (i, info) in infos.iter().enumerate() {
        if i == MAX_CONFIGS {
            d.push(format!(
                "dataset_info has more than {MAX_CONFIGS} configs; the rest are ignored"
            ));
            break;
        }
        let ctx = format!("dataset_info[{i}]");
        let Value::Object(info) = info else {
            d.push(format!("{ctx} should be a mapping"));
            continue;
        };
        let f = Fields::new(info, &ctx);
        let name = f
            .string("config_name", d)
            .unwrap_or_else(|| "default".to_owned());
        let mut splits = Vec::new();
        for (j, s) in f.array("splits", d).into_iter().flatten().enumerate() {
            if j == MAX_CONFIGS {
                d.push(format!(
                    "{ctx}.splits has more than {MAX_CONFIGS} entries; the rest are ignored"
                ));
                break;
            }
            let sctx = format!("{ctx}.splits[{j}]");
            let Value::Object(s) = s else {
                d.push(format!("{sctx} should be a mapping"));
                continue;
            };
            let f = Fields::new(s, &sctx);
            let Some(split) = f.string("name", d) else {
                d.push(format!("{sctx} has no name"));
                continue;
            };
            splits.push(DatasetSplit {
                name: split,
                num_examples: f.u64("num_examples", d),
            });
        }
        card.configs.push(DatasetConfig { name, splits });
    }
    card
}

#[cfg(test)]
mod tests {
    use super::*;

    const CROISSANT: &str = r#"{
  "@context": {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "prov": "http://www.w3.org/ns/prov#",
    "sc": "https://schema.org/"
  },
  "@type": "sc:Dataset",
  "name": "orchard-reviews",
  "description": "Short product reviews of apples and pears, written for testing.",
  "conformsTo": "http://mlcommons.org/croissant/1.1",
  "license": [{"@id": "https://spdx.org/licenses/CC-BY-4.0.html"}, "cc0-1.0"],
  "url": "https://example.org/datasets/orchard-reviews",
  "creator": [{"@type": "Organization", "name": "Orchard Lab"}, {"@type": "Person", "name": "R. Pomme"}],
  "datePublished": "2025-03-01",
  "version": "1.2.0",
  "citeAs": "@misc{orchard, title={Orchard reviews}}",
  "prov:wasDerivedFrom": [{"@id": "https://example.org/datasets/raw-reviews"}],
  "prov:wasGeneratedBy": {"@type": "prov:Activity", "name": "filtering"},
  "prov:wasAttributedTo": {"@type": "prov:Agent", "name": "Orchard Lab"},
  "rai:dataCollection": "Volunteers typed the reviews.",
  "rai:personalSensitiveInformation": "None: reviews were screened for names.",
  "rai:dataLimitations": ["English only", "small"],
  "distribution": [
    {
      "@type": "cr:FileObject",
      "@id": "train.jsonl",
      "name": "train.jsonl",
      "contentUrl": "data/train.jsonl",
      "encodingFormat": "application/jsonlines",
      "sha256": "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"
    },
    {
      "@type": "cr:FileObject",
      "@id": "archive",
      "contentUrl": "https://example.org/orchard.zip",
      "encodingFormat": "application/zip",
      "contentSize": "12 MB",
      "sha256": "0000"
    },
    {
      "@type": "cr:FileSet",
      "@id": "images",
      "containedIn": {"@id": "archive"},
      "encodingFormat": "image/jpeg",
      "includes": "images/*.jpg"
    }
  ]
}"#;

    #[test]
    fn croissant_document() {
        assert!(is_croissant(CROISSANT.as_bytes()));
        let c = parse_croissant(CROISSANT.as_bytes()).unwrap();
        assert_eq!(c.name.as_deref(), Some("orchard-reviews"));
        assert_eq!(
            c.license,
            ["https://spdx.org/licenses/CC-BY-4.0.html", "cc0-1.0"]
        );
        assert_eq!(c.creator, ["Orchard Lab", "R. Pomme"]);
        assert_eq!(c.date_published.as_deref(), Some("2025-03-01"));
        assert_eq!(c.version.as_deref(), Some("1.2.0"));
        assert!(c.cite_as.as_deref().unwrap().starts_with("@misc"));
        assert_eq!(c.conforms_to, ["http://mlcommons.org/croissant/1.1"]);
        assert_eq!(c.derived_from, ["https://example.org/datasets/raw-reviews"]);
        assert_eq!(c.generated_by, ["filtering"]);
        assert_eq!(c.attributed_to, ["Orchard Lab"]);
        assert_eq!(c.rai.len(), 3);
        assert_eq!(c.rai["rai:dataLimitations"], r#"["English only","small"]"#);
        assert_eq!(c.sensitive, ["None: reviews were screened for names."]);
        assert_eq!(c.distribution.len(), 3);
        let f0 = &c.distribution[0];
        assert_eq!(f0.kind, CroissantFileKind::FileObject);
        assert_eq!(f0.content_url.as_deref(), Some("data/train.jsonl"));
        assert_eq!(
            f0.sha256.as_deref(),
            Some("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
        );
        assert_eq!(c.distribution[1].content_size.as_deref(), Some("12 MB"));
        let fs = &c.distribution[2];
        assert_eq!(fs.kind, CroissantFileKind::FileSet);
        assert_eq!(fs.includes, ["images/*.jpg"]);
        assert_eq!(fs.contained_in, ["archive"]);
        assert_eq!(c.defects, ["distribution[1].sha256 is not 64 hex digits"]);
    }

    #[test]
    fn croissant_rejects_and_sniffs() {
        assert!(!is_croissant(b"{\"name\": \"x\"}"));
        assert!(!is_croissant(b"[\"mlcommons.org/croissant\"]"));
        assert!(!is_croissant(b""));
        assert!(parse_croissant(b"{\"name\": \"x\"}").is_err());
        assert!(parse_croissant(b"[]").is_err());
        assert!(parse_croissant(b"\xff").is_err());
        let deep = "{\"a\":".repeat(10_000);
        assert!(parse_croissant(deep.as_bytes()).is_err());
        assert!(parse_croissant(&vec![b' '; 20 << 20]).is_err());
        let c = parse_croissant(
            br#"{"conformsTo": ["http://mlcommons.org/croissant/1.0"], "name": {"@value": "n"},
                "creator": "solo", "license": {"name": "custom"}, "distribution": {"@type": "cr:FileSet", "includes": ["a", "b"]},
                "version": 2}"#,
        )
        .unwrap();
        assert_eq!(c.name.as_deref(), Some("n"));
        assert_eq!(c.creator, ["solo"]);
        assert_eq!(c.license, ["custom"]);
        assert_eq!(c.version.as_deref(), Some("2"));
        assert_eq!(c.distribution[0].includes, ["a", "b"]);
        assert!(c.defects.is_empty(), "{:?}", c.defects);
    }

    #[test]
    fn dataset_card() {
        let card = parse_dataset_card(
            r#"---
annotations_creators:
- crowdsourced
language_creators:
- found
language:
- en
license: cc-by-4.0
multilinguality:
- monolingual
pretty_name: Orchard Reviews
size_categories:
- 1K<n<10K
source_datasets:
- extended|raw-reviews
task_categories:
- text-classification
task_ids:
- sentiment-classification
dataset_info:
- config_name: plain
  features:
  - name: text
    dtype: string
  splits:
  - name: train
    num_bytes: 1200
    num_examples: 40
  - name: test
    num_examples: 10
- splits:
  - name: train
---

# Dataset Card for Orchard Reviews
"#,
        );
        assert!(card.defects.is_empty(), "{:?}", card.defects);
        assert_eq!(card.license, ["cc-by-4.0"]);
        assert_eq!(card.pretty_name.as_deref(), Some("Orchard Reviews"));
        assert_eq!(card.annotations_creators, ["crowdsourced"]);
        assert_eq!(card.language_creators, ["found"]);
        assert_eq!(card.source_datasets, ["extended|raw-reviews"]);
        assert_eq!(card.size_categories, ["1K<n<10K"]);
        assert_eq!(card.task_categories, ["text-classification"]);
        assert_eq!(card.multilinguality, ["monolingual"]);
        assert_eq!(
            card.title.as_deref(),
            Some("Dataset Card for Orchard Reviews")
        );
        assert_eq!(
            card.configs,
            [
                DatasetConfig {
                    name: "plain".into(),
                    splits: vec![
                        DatasetSplit {
                            name: "train".into(),
                            num_examples: Some(40)
                        },
                        DatasetSplit {
                            name: "test".into(),
                            num_examples: Some(10)
                        },
                    ]
                },
                DatasetConfig {
                    name: "default".into(),
                    splits: vec![DatasetSplit {
                        name: "train".into(),
                        num_examples: None
                    }]
                }
            ]
        );
        let card = parse_dataset_card("---\ndataset_info: 5\nlicense: [mit, {a: 1}]\n---\n");
        assert_eq!(card.license, ["mit"]);
        assert_eq!(card.defects.len(), 2);
        let card = parse_dataset_card("no front matter");
        assert!(!card.has_front_matter);
    }
}

#[cfg(test)]
mod fixture_tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn full_card_croissant_matches_its_data_file() {
        let dir = format!("{}/fixtures/models/full-card", env!("CARGO_MANIFEST_DIR"));
        let json = std::fs::read(format!("{dir}/croissant.json")).unwrap();
        assert!(is_croissant(&json));
        let c = parse_croissant(&json).unwrap();
        assert!(c.defects.is_empty(), "{:?}", c.defects);
        assert_eq!(c.name.as_deref(), Some("orchard-prompts"));
        assert_eq!(c.license, ["https://spdx.org/licenses/CC0-1.0.html"]);
        assert_eq!(c.creator, ["aibom fixtures"]);
        assert_eq!(c.derived_from, ["https://example.org/datasets/fruit-list"]);
        assert_eq!(c.sensitive, ["None."]);
        assert_eq!(c.distribution.len(), 1);
        let f = &c.distribution[0];
        let url = f.content_url.as_deref().unwrap();
        let data = std::fs::read(format!("{dir}/{url}")).unwrap();
        assert_eq!(
            f.sha256.as_deref(),
            Some(hex::encode(Sha256::digest(&data)).as_str())
        );
        assert_eq!(
            f.content_size.as_deref(),
            Some(format!("{} B", data.len()).as_str())
        );
    }
}
