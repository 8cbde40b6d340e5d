//! Dataset readers: Croissant manifests (name, description, creators, distribution checked against the
//! local files' SHA-256, licence), Hugging Face dataset cards in subdirectories, and JSON listings of
//! training data (a `datasets` array, or a sampling mixture of named sources).

use crate::dataset;
use crate::finding::Severity;
use crate::formats::Format;
use crate::inventory::FileRecord;
use crate::license::SourceKind;
use crate::role::Role;

use super::{is_root, Builder, MAX_META};

/// At most this many entries of a dataset listing are recorded.
const MAX_MEMBERS: usize = 1000;

/// Croissant manifests, dataset cards and dataset listings.
pub(super) fn read_data_manifest(b: &mut Builder, f: &FileRecord, name: &str) {
    let path = f.path.as_str();
    if f.format == Format::Json || name.ends_with(".jsonld") {
        if f.size > MAX_META {
            return;
        }
        let Some(bytes) = b.files.read(path, MAX_META) else {
            return;
        };
        if dataset::is_croissant(&bytes) {
            match dataset::parse_croissant(&bytes) {
                Ok(c) => add_croissant(b, path, c),
                Err(e) => b.finding("metadata-unreadable", Some(path), e.to_string()),
            }
        } else if f.role != Role::Documentation {
            read_dataset_listing(b, path, &bytes);
        }
        return;
    }
    if name == "readme.md" && !is_root(path) {
        let Some(text) = b.files.text(path, MAX_META) else {
            return;
        };
        let card = dataset::parse_dataset_card(&text);
        let is_dataset = !card.task_categories.is_empty()
            || !card.size_categories.is_empty()
            || !card.source_datasets.is_empty()
            || !card.configs.is_empty();
        if !is_dataset {
            return;
        }
        let dir = path.rsplit_once('/').map(|(d, _)| d).unwrap_or(path);
        let title = card
            .pretty_name
            .clone()
            .or(card.title.clone())
            .unwrap_or_else(|| dir.to_string());
        let i = b.dataset(&title, path);
        let prefix = format!("{dir}/");
        let local: Vec<String> = b
            .files
            .inv
            .files
            .iter()
            .filter(|x| x.path.starts_with(&prefix) && x.path != path)
            .map(|x| x.path.clone())
            .collect();
        let ds = &mut b.facts.datasets[i];
        ds.files.extend(local);
        ds.derived_from.extend(card.source_datasets.iter().cloned());
        for l in &card.license {
            b.statement(path, SourceKind::DatasetCard, l.clone());
        }
    }
}

fn add_croissant(b: &mut Builder, path: &str, c: dataset::Croissant) {
    let name = c.name.clone().unwrap_or_else(|| path.to_string());
    let i = b.dataset(&name, path);
    let dir = path
        .rsplit_once('/')
        .map(|(d, _)| format!("{d}/"))
        .unwrap_or_default();
    let mut local = Vec::new();
    let mut findings = Vec::new();
    for file in &c.distribution {
        let Some(url) = file.content_url.as_deref() else {
            continue;
        };
        if url.contains("://") || url.starts_with('/') || url.split('/').any(|s| s == "..") {
            continue;
        }
        let rel = format!("{dir}{}", url.trim_start_matches("./"));
        match (b.files.get(&rel), &file.sha256) {
            (Some(rec), Some(want)) if !rec.sha256.eq_ignore_ascii_case(want) => findings.push((
                "dataset-hash-mismatch",
                format!(
                    "{rel}: SHA-256 {} but the Croissant manifest says {want}",
                    rec.sha256
                ),
            )),
            (Some(_), _) => local.push(rel),
            (None, _) if file.kind == dataset::CroissantFileKind::FileObject => findings.push((
                "dataset-file-missing",
                format!("{rel} is listed in the Croissant manifest but not present"),
            )),
            _ => {}
        }
    }
    for (code, msg) in findings {
        b.finding(code, Some(path), msg);
    }
    for d in &c.defects {
        b.finding_at("metadata-unreadable", Severity::Info, Some(path), d.clone());
    }
    let ds = &mut b.facts.datasets[i];
    ds.files.extend(local);
    Builder::set_once(&mut ds.description, c.description.as_deref());
    Builder::set_once(&mut ds.url, c.url.as_deref());
    Builder::set_once(&mut ds.published, c.date_published.as_deref());
    ds.creators.extend(c.creator.iter().cloned());
    ds.derived_from.extend(c.derived_from.iter().cloned());
    ds.sensitive.extend(c.sensitive.iter().cloned());
    for l in &c.license {
        b.statement(path, SourceKind::CroissantLicense, l.clone());
    }
}

/// A JSON file that lists training data: a `datasets` array of names, or an array of objects with a
/// `name` and a `lines`/`weight`/`num_examples` count (a sampling mixture).
fn read_dataset_listing(b: &mut Builder, path: &str, bytes: &[u8]) {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return;
    };
    if let Some(list) = v.get("datasets").and_then(|d| d.as_array()) {
        for name in list.iter().filter_map(|x| x.as_str()).take(MAX_MEMBERS) {
            b.dataset(name, path);
        }
        return;
    }
    let Some(arr) = v.as_array() else { return };
    let members: Vec<String> = arr
        .iter()
        .filter(|x| {
            x.get("name").is_some_and(|n| n.is_string())
                && ["lines", "weight", "num_examples", "num_samples"]
                    .iter()
                    .any(|k| x.get(k).is_some())
        })
        .filter_map(|x| x["name"].as_str().map(str::to_string))
        .collect();
    if members.is_empty() || members.len() * 2 < arr.len() {
        return;
    }
    let i = b.dataset(&format!("training data mixture ({path})"), path);
    let ds = &mut b.facts.datasets[i];
    ds.description = Some(format!("{} data sources listed in {path}", members.len()));
    ds.members.extend(members.into_iter().take(MAX_MEMBERS));
}

#[cfg(test)]
mod tests {
    use crate::analyze::testutil::model;
    use crate::finding::Severity;

    const TRAIN: &[u8] = b"{\"x\": 1}\n";
    /// SHA-256 of [`TRAIN`].
    fn train_sha() -> String {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(TRAIN))
    }

    fn croissant(files: &[(&str, &str, Option<&str>)]) -> String {
        let dist: Vec<String> = files
            .iter()
            .map(|(kind, url, sha)| {
                let sha = sha.map(|s| format!(r#", "sha256": "{s}""#)).unwrap_or_default();
                format!(r#"{{"@type": "cr:{kind}", "@id": "{url}", "name": "{url}", "contentUrl": "{url}"{sha}}}"#)
            })
            .collect();
        format!(
            r#"{{"@context": {{"@vocab": "https://schema.org/", "cr": "http://mlcommons.org/croissant/"}},
                "@type": "sc:Dataset", "conformsTo": "http://mlcommons.org/croissant/1.0",
                "name": "corpus", "description": "A corpus.", "url": "https://example.org/corpus",
                "datePublished": "2025-01-01", "creator": {{"@type": "Organization", "name": "Acme"}},
                "license": "CC-BY-4.0", "distribution": [{}]}}"#,
            dist.join(",")
        )
    }

    #[test]
    fn croissant_manifest_is_a_dataset_with_its_local_files() {
        let sha = train_sha();
        let c = croissant(&[
            ("FileObject", "data/train.jsonl", Some(sha.as_str())),
            ("FileObject", "https://example.org/remote.jsonl", None),
            ("FileObject", "../outside.jsonl", None),
        ]);
        let m = model(&[
            ("croissant.json", c.as_bytes()),
            ("data/train.jsonl", TRAIN),
        ]);
        let ds = &m.a.facts.datasets;
        assert_eq!(ds.len(), 1);
        let d = &ds[0];
        assert_eq!(d.name, "corpus");
        assert_eq!(d.hub_id.as_deref(), Some("corpus"));
        assert_eq!(d.files, ["data/train.jsonl"]);
        assert_eq!(d.description.as_deref(), Some("A corpus."));
        assert_eq!(d.url.as_deref(), Some("https://example.org/corpus"));
        assert_eq!(d.published.as_deref(), Some("2025-01-01"));
        assert_eq!(d.creators, ["Acme"]);
        assert_eq!(d.sources, ["croissant.json"]);
        let lic: Vec<&str> = d.licenses.iter().map(|e| e.display.as_str()).collect();
        assert_eq!(lic, ["CC-BY-4.0"]);
        assert!(
            !m.codes().iter().any(|c| c.starts_with("dataset-")),
            "{:?}",
            m.codes()
        );
    }

    #[test]
    fn croissant_hash_mismatch_and_missing_files_are_findings() {
        let c = croissant(&[
            ("FileObject", "data/train.jsonl", Some(&"0".repeat(64))),
            ("FileObject", "data/gone.jsonl", None),
            ("FileSet", "data/parts", None),
        ]);
        let m = model(&[
            ("croissant.json", c.as_bytes()),
            ("data/train.jsonl", TRAIN),
        ]);
        let ds: Vec<(&str, Severity, Option<&str>)> = m
            .findings()
            .into_iter()
            .filter(|f| f.0.starts_with("dataset-"))
            .collect();
        assert_eq!(
            ds,
            [
                (
                    "dataset-hash-mismatch",
                    Severity::High,
                    Some("croissant.json")
                ),
                (
                    "dataset-file-missing",
                    Severity::Info,
                    Some("croissant.json")
                ),
            ],
            "a missing FileSet is no finding"
        );
        assert!(m.a.facts.datasets[0].files.is_empty());
    }

    #[test]
    fn the_card_id_and_the_manifest_name_are_one_dataset() {
        let c = croissant(&[]);
        let m = model(&[
            (
                "README.md",
                b"---\ndatasets:\n- acme/Corpus\n---\n# m\n".as_slice(),
            ),
            ("croissant.json", c.as_bytes()),
        ]);
        let ds = &m.a.facts.datasets;
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].name, "acme/Corpus");
        assert_eq!(ds[0].sources, ["README.md", "croissant.json"]);
        assert_eq!(ds[0].description.as_deref(), Some("A corpus."));
    }

    #[test]
    fn dataset_card_in_a_subdirectory_is_a_dataset_of_its_files() {
        let m = model(&[
            (
                "data/README.md",
                b"---\nlicense: cc0-1.0\npretty_name: Prompts\ntask_categories:\n- text-generation\nsource_datasets:\n- wikipedia\n---\n# d\n"
                    .as_slice(),
            ),
            ("data/a.jsonl", TRAIN),
            ("data/b/c.jsonl", TRAIN),
            ("notes/README.md", b"# Just notes\n"),
        ]);
        let ds = &m.a.facts.datasets;
        assert_eq!(ds.len(), 1, "a README without dataset fields is not one");
        let d = &ds[0];
        assert_eq!(d.name, "Prompts");
        assert_eq!(d.files, ["data/a.jsonl", "data/b/c.jsonl"]);
        assert_eq!(d.derived_from, ["wikipedia"]);
        assert_eq!(d.sources, ["data/README.md"]);
        let lic: Vec<&str> = d.licenses.iter().map(|e| e.display.as_str()).collect();
        assert_eq!(lic, ["CC0-1.0"]);
    }

    #[test]
    fn training_data_listings() {
        let m = model(&[(
            "train_info.json",
            br#"{"datasets": ["acme/a", "b", 3]}"#.as_slice(),
        )]);
        let ds: Vec<(&str, Option<&str>)> =
            m.a.facts
                .datasets
                .iter()
                .map(|d| (d.name.as_str(), d.hub_id.as_deref()))
                .collect();
        assert_eq!(ds, [("acme/a", Some("acme/a")), ("b", Some("b"))]);

        let m = model(&[(
            "mix.json",
            br#"[{"name": "web", "weight": 0.7}, {"name": "code", "lines": 10}, {"other": 1}]"#
                .as_slice(),
        )]);
        let ds = &m.a.facts.datasets;
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].name, "training data mixture (mix.json)");
        assert_eq!(ds[0].hub_id, None);
        assert_eq!(ds[0].members, ["web", "code"]);
        assert_eq!(
            ds[0].description.as_deref(),
            Some("2 data sources listed in mix.json")
        );

        // Mostly other things: not a mixture.
        let m = model(&[(
            "list.json",
            br#"[{"name": "web", "weight": 1}, {"a": 1}, {"b": 2}]"#.as_slice(),
        )]);
        assert!(m.a.facts.datasets.is_empty());
    }

    #[test]
    fn broken_croissant_is_a_finding() {
        // Not JSON, though it says Croissant: unreadable.
        let m = model(&[(
            "croissant.json",
            br#"{"conformsTo": "http://mlcommons.org/croissant/1.0", "#.as_slice(),
        )]);
        assert_eq!(
            m.findings()[1],
            ("metadata-unreadable", Severity::Low, Some("croissant.json"))
        );
        assert!(m.a.facts.datasets.is_empty());
        // Readable, with a part that is not: noted, the rest is kept.
        let m = model(&[(
            "croissant.json",
            br#"{"@context": {"@vocab": "https://schema.org/"}, "@type": "sc:Dataset", "name": "d",
                "conformsTo": "http://mlcommons.org/croissant/1.0", "distribution": 5}"#
                .as_slice(),
        )]);
        assert_eq!(
            m.findings()[1],
            (
                "metadata-unreadable",
                Severity::Info,
                Some("croissant.json")
            )
        );
        assert_eq!(m.a.facts.datasets[0].name, "d");
    }
}
