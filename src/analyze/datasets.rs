//! Dataset readers: Croissant manifests (name, description, creators, distribution checked against the
//! local files' SHA-256, licence), Hugging Face dataset cards in subdirectories, and JSON listings of
//! training data (a `datasets` array, or a sampling mixture of named sources).

use crate::dataset;
use crate::facts::Severity;
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
                Err(e) => b.finding("metadata-unreadable", Severity::Low, Some(path), e),
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
                Severity::High,
                format!(
                    "{rel}: SHA-256 {} but the Croissant manifest says {want}",
                    rec.sha256
                ),
            )),
            (Some(_), _) => local.push(rel),
            (None, _) if file.kind == dataset::CroissantFileKind::FileObject => findings.push((
                "dataset-file-missing",
                Severity::Info,
                format!("{rel} is listed in the Croissant manifest but not present"),
            )),
            _ => {}
        }
    }
    for (code, sev, msg) in findings {
        b.finding(code, sev, Some(path), msg);
    }
    for d in &c.defects {
        b.finding("metadata-unreadable", Severity::Info, Some(path), d.clone());
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
