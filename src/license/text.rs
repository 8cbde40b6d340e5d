//! Text, name and URL recognition.

use std::sync::OnceLock;

use super::{
    canonical_spdx, cap, catalogue, norm_url, normalise, resolve_expression, spdx_license,
    spdx_lookup, License, Resolution,
};

/// Note added when the matcher found a licence's standard header rather than its full text.
pub(crate) const HEADER_NOTE: &str = "matched the licence's standard header, not its full text";

/// Scores at or above this are a confident text match.
pub(crate) const CONFIDENT: f32 = 0.9;
/// Scores at or above this (and below [`CONFIDENT`]) are a match with a note.
pub(crate) const PROBABLE: f32 = 0.75;

/// Texts at most this long are also searched for SPDX licence full names ("title-match").
const SHORT_TEXT: usize = 4096;

/// The full matcher over every SPDX licence text. Loading it costs ~120 ms and ~65 MB, so it is only
/// consulted when the small store below finds nothing.
fn full_store() -> Option<&'static spdx::detection::Store> {
    static STORE: OnceLock<Option<spdx::detection::Store>> = OnceLock::new();
    STORE
        .get_or_init(|| spdx::detection::Store::load_inline().ok())
        .as_ref()
}

/// Licences whose texts model, code and data repositories actually ship (the SPDX ids Hugging Face
/// licence ids map to, plus common code licences). Their texts come from the `spdx` crate.
const COMMON_TEXTS: &[&str] = &[
    "0BSD",
    "AFL-3.0",
    "AGPL-3.0-only",
    "Apache-2.0",
    "Artistic-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "BSD-3-Clause-Clear",
    "BSL-1.0",
    "C-UDA-1.0",
    "CC-BY-2.0",
    "CC-BY-2.5",
    "CC-BY-3.0",
    "CC-BY-4.0",
    "CC-BY-NC-2.0",
    "CC-BY-NC-3.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-ND-3.0",
    "CC-BY-NC-ND-4.0",
    "CC-BY-NC-SA-2.0",
    "CC-BY-NC-SA-3.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-ND-4.0",
    "CC-BY-SA-3.0",
    "CC-BY-SA-4.0",
    "CC0-1.0",
    "CDLA-Permissive-1.0",
    "CDLA-Permissive-2.0",
    "CDLA-Sharing-1.0",
    "ECL-2.0",
    "EPL-1.0",
    "EPL-2.0",
    "EUPL-1.1",
    "EUPL-1.2",
    "GFDL-1.3-only",
    "GPL-2.0-only",
    "GPL-3.0-only",
    "ISC",
    "LGPL-2.1-only",
    "LGPL-3.0-only",
    "LPPL-1.3c",
    "MIT",
    "MPL-2.0",
    "MS-PL",
    "NCSA",
    "ODbL-1.0",
    "ODC-By-1.0",
    "OFL-1.1",
    "OSL-3.0",
    "PDDL-1.0",
    "PostgreSQL",
    "Unlicense",
    "WTFPL",
    "Zlib",
    "OpenMDW-1.0",
    "Python-2.0",
    "Etalab-2.0",
];

/// A matcher over [`COMMON_TEXTS`] only: built in milliseconds, small in memory.
fn common_store() -> &'static spdx::detection::Store {
    static STORE: OnceLock<spdx::detection::Store> = OnceLock::new();
    STORE.get_or_init(|| {
        let mut store = spdx::detection::Store::new();
        for (id, text) in spdx::text::LICENSE_TEXTS {
            if COMMON_TEXTS.contains(id) {
                store.add_license((*id).to_string(), spdx::detection::TextData::new(text));
            }
        }
        store
    })
}

/// Licence texts use some of these words; a file with none of them is not worth a text match.
fn has_licence_vocabulary(norm: &str) -> bool {
    [
        "licen",
        "copyright",
        "permission",
        "warrant",
        "redistribut",
        "terms",
        "public domain",
    ]
    .iter()
    .any(|w| norm.contains(w))
}

/// The best match for `text`: the common store first, the full store when that finds nothing probable.
fn best_match(text: &str) -> Option<(String, f32, spdx::detection::LicenseType)> {
    let data = spdx::detection::TextData::new(text);
    let m = common_store().analyze(&data);
    if m.score >= PROBABLE {
        return Some((m.name.to_string(), m.score, m.license_type));
    }
    let full = full_store()?;
    let m = full.analyze(&data);
    Some((m.name.to_string(), m.score, m.license_type))
}

/// The expression part of what follows `SPDX-License-Identifier:` (comment closers dropped).
pub(crate) fn header_value(rest: &str) -> &str {
    let mut v = rest.trim();
    for closer in ["*/", "-->", "\"\"\"", "'''"] {
        if let Some(i) = v.find(closer) {
            v = &v[..i];
        }
    }
    v.trim().trim_end_matches([';', ',', '"', '\'']).trim()
}

/// The SPDX-License-Identifier values of `text`, in order.
fn spdx_headers(text: &str) -> Vec<&str> {
    const KEY: &str = "spdx-license-identifier:";
    text.lines()
        .take(10_000)
        .filter_map(|line| {
            let i = line.to_ascii_lowercase().find(KEY)?;
            Some(header_value(&line[i + KEY.len()..]))
        })
        .filter(|v| !v.is_empty())
        .collect()
}

/// A model licence from the catalogue, with the restriction clauses found in the text.
fn model_licence(m: &catalogue::ModelLicense, norm: &str, confidence: f32) -> Resolution {
    let mut lic = m.to_license();
    if lic.use_restricted {
        for r in catalogue::clauses_in(norm, true) {
            if !lic.restrictions.contains(&r) {
                lic.restrictions.push(r);
            }
        }
    }
    let mut res = Resolution::single(lic, confidence, "title-match");
    res.notes
        .push(format!("recognised as {} by its title", m.name));
    res
}

/// Common ways of naming an SPDX licence that differ from its SPDX full name.
const NAME_VARIANTS: &[(&str, &str)] = &[
    ("apache license, version 2.0", "Apache-2.0"),
    ("apache license version 2.0", "Apache-2.0"),
    ("apache 2.0 license", "Apache-2.0"),
];

/// Longest SPDX full name (≥ 10 characters) contained in `norm`, or a [`NAME_VARIANTS`] phrase.
fn spdx_full_name_in(norm: &str) -> Option<spdx::LicenseId> {
    if let Some((_, id)) = NAME_VARIANTS.iter().find(|(p, _)| norm.contains(p)) {
        return spdx::license_id(id);
    }
    spdx::identifiers::LICENSES
        .iter()
        .filter(|l| l.full_name.len() >= 10 && l.name != "NOASSERTION")
        .filter(|l| norm.contains(&normalise(l.full_name)))
        .max_by_key(|l| l.full_name.len())
        .and_then(|l| spdx::license_id(l.name))
}

/// Texts longer than this that carry a model-licence title are taken to be the licence itself;
/// shorter ones (a NOTICE line, a pointer) only mention it.
const FULL_TEXT: usize = 2000;

/// See [`super::resolve_text`]. The flag is true when the text *is* a licence (a confident full-text
/// match, a long text under a model-licence title, or an SPDX-License-Identifier line) rather than
/// a text that mentions one; [`super::analyze`] uses it for NOTICE files.
pub(crate) fn resolve_text(text: &str) -> (Resolution, bool) {
    let text = cap(text);
    if text.trim().is_empty() {
        return (Resolution::none("text-match", "empty text"), false);
    }

    // 1. SPDX-License-Identifier lines.
    let headers = spdx_headers(text);
    if let Some(first) = headers.first() {
        let mut r = resolve_expression(first);
        if r.expression.is_some() {
            r.method = "spdx-header";
            if headers.iter().any(|h| h != first) {
                r.notes.push(format!(
                    "text has several SPDX-License-Identifier lines; the first ({first}) is used"
                ));
            }
            return (r, true);
        }
    }

    let norm = normalise(text);

    // 2. Model licences by title.
    if let Some(m) = catalogue::by_title(&norm) {
        return (model_licence(m, &norm, 0.95), norm.len() > FULL_TEXT);
    }

    // 3. The spdx crate's text matcher (only for texts that talk like a licence).
    let mut notes = Vec::new();
    if !has_licence_vocabulary(&norm) {
        notes.push("text has no licence vocabulary; not matched against licence texts".to_string());
    } else if let Some((name, score, license_type)) = best_match(text) {
        if score >= PROBABLE {
            let mut n = Vec::new();
            if let Some((canon, id)) = canonical_spdx(&name, &mut n) {
                // GNU texts are identical for -only and -or-later: report -only, as for bare ids.
                let (canon, id) = match canon.strip_suffix("-or-later") {
                    Some(base) if id.is_gnu() => match spdx::gnu_license_id(base, false) {
                        Some(only) => (only.name.to_string(), only),
                        None => (canon, id),
                    },
                    _ => (canon, id),
                };
                let mut lic = spdx_license(id);
                lic.id = canon.clone();
                let header = license_type == spdx::detection::LicenseType::Header;
                if score < CONFIDENT {
                    n.push(format!(
                        "probable match: text scores {score:.2} against {name} (below {CONFIDENT})"
                    ));
                }
                if header {
                    n.push(HEADER_NOTE.to_string());
                }
                if id.is_gnu() {
                    n.push(format!(
                        "{name} text matched; reported as {} (ambiguous: the text does not say -only or -or-later)",
                        id.name
                    ));
                }
                return (
                    Resolution {
                        expression: Some(canon),
                        licenses: vec![lic],
                        confidence: score,
                        method: "text-match",
                        notes: n,
                    },
                    !header && score >= CONFIDENT,
                );
            }
        } else {
            notes.push(format!("no licence text match (best {name} at {score:.2})"));
        }
    } else {
        notes.push("licence-text store unavailable".to_string());
    }

    // 4. Short texts naming an SPDX licence ("Licensed under the Apache License 2.0, see ...").
    if text.len() <= SHORT_TEXT {
        if let Some(id) = spdx_full_name_in(&norm) {
            let mut r = Resolution::single(spdx_license(id), 0.8, "title-match");
            r.notes
                .push(format!("short text names {} ({})", id.full_name, id.name));
            return (r, false);
        }
    }

    // 5. Family-level hints without a specific title.
    if norm.contains("responsible ai license") || norm.contains(" rail ") {
        if let Some(m) = catalogue::by_slug("openrail") {
            let mut r = Resolution::none(
                "text-match",
                "text looks like a RAIL licence but names no known variant",
            );
            r.licenses.push(m.to_license());
            r.notes.extend(notes);
            return (r, false);
        }
    }
    let clauses = catalogue::clauses_in(&norm, true);
    if clauses.iter().any(|c| c.contains("MAU cap")) {
        notes.push(format!(
            "text has model-licence clauses ({}) but no recognisable title",
            clauses.join(", ")
        ));
    }
    let mut r = Resolution::none("text-match", "no recognisable licence in the text");
    r.notes.extend(notes);
    (r, false)
}

/// A USE_POLICY text: no licence; restrictions in notes.
pub(crate) fn resolve_use_policy(text: &str) -> Resolution {
    let norm = normalise(text);
    let found = catalogue::clauses_in(&norm, false);
    let mut r = Resolution::none(
        "text-match",
        "use policy: restricts use but is not a licence by itself",
    );
    if let Some(m) = catalogue::TITLES
        .iter()
        .find(|(t, _)| {
            // "Llama 3.2 Acceptable Use Policy" names the licence version without its full title.
            let head = t.trim_end_matches(" community license");
            head != *t && norm.contains(&format!("{head} acceptable use policy"))
        })
        .and_then(|(_, s)| catalogue::by_slug(s))
    {
        r.notes.push(format!("policy belongs to the {}", m.name));
    }
    if !found.is_empty() {
        r.confidence = 1.0;
    }
    r.notes
        .extend(found.into_iter().map(|f| format!("restriction: {f}")));
    r
}

/// A licence name (card `license_name`, GGUF `general.license.name`).
pub(crate) fn resolve_name(name: &str) -> Resolution {
    let n = name.trim();
    if let Some(m) = catalogue::by_alias(n) {
        return Resolution::single(m.to_license(), 0.95, "title-match");
    }
    let e = resolve_expression(n);
    if e.expression.is_some() {
        return e;
    }
    let hub = super::resolve_hub_id(n);
    if hub.expression.is_some() {
        return hub;
    }
    if let Some(l) = spdx::identifiers::LICENSES
        .iter()
        .find(|l| l.full_name.eq_ignore_ascii_case(n))
        .and_then(|l| spdx::license_id(l.name))
    {
        return Resolution::single(spdx_license(l), 0.95, "title-match");
    }
    let norm = normalise(n);
    // Also try with separators as spaces ("llama-3.1-community-license").
    let spaced = norm.replace(['-', '_'], " ");
    for candidate in [&norm, &spaced] {
        if let Some(m) = catalogue::by_title(candidate) {
            return Resolution::single(m.to_license(), 0.9, "title-match");
        }
    }
    let compact: String = norm.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if let Some(m) = catalogue::CATALOGUE.iter().find(|m| {
        m.aliases.iter().any(|a| {
            let ac: String = a.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
            ac == compact
        })
    }) {
        return Resolution::single(m.to_license(), 0.9, "title-match");
    }
    Resolution::none("title-match", format!("unrecognised licence name {n:?}"))
}

/// Creative Commons URL path `licenses/<kind>/<version>` or `publicdomain/zero/1.0`.
fn creative_commons(path: &str) -> Option<String> {
    let mut parts = path.split('/');
    match parts.next()? {
        "licenses" => {
            let kind = parts.next()?;
            let version = parts.next()?;
            Some(format!("CC-{}-{}", kind.to_ascii_uppercase(), version))
        }
        "publicdomain" => {
            let kind = parts.next()?;
            let version = parts.next()?;
            (kind == "zero").then(|| format!("CC0-{version}"))
        }
        _ => None,
    }
}

/// A licence URL (card `license_link`, GGUF `general.license.link`, Croissant `license`).
pub(crate) fn resolve_url(url: &str) -> Resolution {
    let raw = url.trim();
    if !(raw.contains("://") || raw.starts_with("www.")) {
        return Resolution::none(
            "url-match",
            format!(
                "link {raw:?} points to a file in the repository; its text is separate evidence"
            ),
        );
    }
    let u = norm_url(raw);
    let found = |l: License, c: f32| {
        let mut r = Resolution::single(l, c, "url-match");
        r.notes.push(format!("recognised from the link {raw}"));
        r
    };
    if let Some(m) = catalogue::by_url(raw) {
        return found(m.to_license(), 0.95);
    }
    let spdx_by_token = |tok: &str| -> Option<Resolution> {
        let tok = tok
            .trim_end_matches(".html")
            .trim_end_matches(".json")
            .trim_end_matches(".txt")
            .trim_end_matches(".php");
        let mut notes = Vec::new();
        let (canon, id) = canonical_spdx(tok, &mut notes)?;
        let mut l = spdx_license(id);
        l.id = canon;
        let mut r = found(l, 0.9);
        r.notes.extend(notes);
        Some(r)
    };
    if let Some(rest) = u
        .strip_prefix("spdx.org/licenses/")
        .or_else(|| u.strip_prefix("opensource.org/licenses/"))
        .or_else(|| u.strip_prefix("opensource.org/license/"))
    {
        if let Some(r) = spdx_by_token(rest) {
            return r;
        }
    }
    if let Some(rest) = u.strip_prefix("creativecommons.org/") {
        if let Some(r) = creative_commons(rest).and_then(|t| spdx_by_token(&t)) {
            return r;
        }
    }
    if u.starts_with("apache.org/licenses/license-2.0") {
        if let Some(id) = spdx::license_id("Apache-2.0") {
            return found(spdx_license(id), 0.95);
        }
    }
    if let Some(rest) = u.strip_prefix("gnu.org/licenses/") {
        // gnu.org/licenses/gpl-3.0.html, .../gpl-3.0.en.html, .../old-licenses/gpl-2.0.html
        let tok = rest.split('/').next_back().unwrap_or(rest);
        let tok = tok.trim_end_matches(".html").trim_end_matches(".txt");
        let tok = tok.trim_end_matches(".en");
        let tok = tok.replace("fdl-", "gfdl-");
        if let Some(r) = spdx_by_token(&tok) {
            return r;
        }
    }
    // Llama licences are published under several hosts and paths; the version token decides.
    if u.contains("llama") && u.contains("license") {
        for (tok, slug) in [
            ("llama4", "llama4"),
            ("llama3_3", "llama3.3"),
            ("llama3.3", "llama3.3"),
            ("llama3_2", "llama3.2"),
            ("llama3.2", "llama3.2"),
            ("llama3_1", "llama3.1"),
            ("llama3.1", "llama3.1"),
            ("llama3", "llama3"),
            ("llama2", "llama2"),
            ("llama-2", "llama2"),
            ("ai.meta.com/llama/license", "llama2"),
        ] {
            if u.contains(tok) {
                if let Some(m) = catalogue::by_slug(slug) {
                    return found(m.to_license(), 0.9);
                }
            }
        }
    }
    if u.contains("gemma") && u.contains("terms") {
        if let Some(m) = catalogue::by_slug("gemma") {
            return found(m.to_license(), 0.9);
        }
    }
    for (tok, slug) in [
        ("mistral.ai/licenses/mrl", "mistral-research"),
        ("mistral.ai/licenses/mnpl", "mistral-non-production"),
    ] {
        if u.starts_with(tok) {
            if let Some(m) = catalogue::by_slug(slug) {
                return found(m.to_license(), 0.9);
            }
        }
    }
    // A link to an SPDX-like file name (".../LICENSE-MIT"): not enough on its own.
    let last = u.rsplit('/').next().unwrap_or("");
    if let Some(id) = last
        .strip_prefix("license-")
        .and_then(|t| spdx_lookup(t.trim_end_matches(".txt").trim_end_matches(".md")))
    {
        let mut r = found(spdx_license(id), 0.7);
        r.notes
            .push("guessed from the linked file's name only".to_string());
        return r;
    }
    Resolution::none("url-match", format!("unrecognised licence link {raw}"))
}
