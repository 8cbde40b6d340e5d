//! Licence evidence, resolution and conflicts.
//!
//! Every licence statement found in a model directory (card fields, LICENSE/NOTICE/USE_POLICY texts,
//! GGUF and safetensors metadata, SPDX headers in code, dataset manifests) is a [`Statement`]. Each one
//! is resolved on its own to an SPDX expression over SPDX ids and `LicenseRef-aibom-<slug>` ids
//! ([`resolve`]); [`analyze`] then compares the model-level resolutions and reports disagreements as
//! [`Conflict`]s instead of picking one.
//!
//! Rules worth knowing:
//! - Hub ids are matched case-insensitively against the SPDX list of the `spdx` crate, never through
//!   its "imprecise" helper (which maps `bsd-3-clause` to BSD-2-Clause). Bare GNU ids become `-only`
//!   with an "ambiguous" note.
//! - Model licences outside SPDX (Llama, Gemma, OpenRAIL, Qwen, DeepSeek, Mistral, ...) come from our
//!   own catalogue (`catalogue.rs`) and are recognised in texts by distinctive titles and clauses.
//! - A USE_POLICY text is not a licence: its resolution has no expression and no licences; the
//!   restrictions it states are listed in its notes (`restriction: ...`) and, in [`analyze`], added to
//!   the model-level licences and to [`LicenseReport::use_restricted`].
//! - Licence pages saved as HTML are turned into their visible text first ([`html_to_text`]).
//! - Nothing here prints, panics or reads files; texts are capped at [`MAX_TEXT`].
//!
//! What the model's licence *is* — concluded or declared, restricted or not, missing or unresolved — is
//! decided in one place, [`consolidate`] (`consolidate.rs`), on top of [`analyze`]; every report reads
//! its result.

mod catalogue;
mod consolidate;
mod cyclonedx;
mod html;
#[cfg(test)]
mod tests;
mod text;

pub use consolidate::{
    consolidate, Consolidation, LicenceConflict, LicenseEntry, ModelLicenses, Verdict,
};
pub use cyclonedx::{cyclonedx_license_choice, cyclonedx_licenses, Acknowledgement};
pub use html::{html_to_text, looks_like_html};

use serde::Serialize;

/// Longest text examined, in bytes (longer texts are cut at a character boundary).
pub const MAX_TEXT: usize = 256 * 1024;

/// Where a statement was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// Model card YAML `license:` (a Hugging Face id).
    CardLicense,
    /// Model card YAML `license_name:`.
    CardLicenseName,
    /// Model card YAML `license_link:` (a URL or a path in the repository).
    CardLicenseLink,
    /// `LICENSE*`, `LICENCE*`, `COPYING*` text.
    LicenseFile,
    /// `NOTICE*` text.
    NoticeFile,
    /// `USE_POLICY*`, `*ACCEPTABLE_USE*` text.
    UsePolicyFile,
    /// GGUF `general.license` (an SPDX expression) or `general.license.name` / `.link`.
    GgufMetadata,
    /// safetensors `__metadata__` licence value (free form).
    SafetensorsMetadata,
    /// `SPDX-License-Identifier:` in a code file (the expression, or the whole line).
    SpdxHeader,
    /// Croissant `license` (an id or a URL).
    CroissantLicense,
    /// Dataset card `license:`.
    DatasetCard,
    /// A licence field in a config file (free form).
    ConfigField,
}

impl SourceKind {
    fn label(self) -> &'static str {
        match self {
            SourceKind::CardLicense => "card license",
            SourceKind::CardLicenseName => "card license_name",
            SourceKind::CardLicenseLink => "card license_link",
            SourceKind::LicenseFile => "licence file",
            SourceKind::NoticeFile => "notice file",
            SourceKind::UsePolicyFile => "use policy",
            SourceKind::GgufMetadata => "GGUF metadata",
            SourceKind::SafetensorsMetadata => "safetensors metadata",
            SourceKind::SpdxHeader => "SPDX header",
            SourceKind::CroissantLicense => "Croissant license",
            SourceKind::DatasetCard => "dataset card",
            SourceKind::ConfigField => "config field",
        }
    }
}

/// One licence statement as found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    /// Path of the file it was found in, relative to the model root, `/`-separated.
    pub path: String,
    /// SHA-256 of that file (lowercase hex).
    pub sha256: String,
    /// What kind of statement it is.
    pub source: SourceKind,
    /// The raw id, expression, name or URL; for files the full text (callers cap it at 256 KiB).
    pub value: String,
}

/// A licence a resolution refers to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct License {
    /// SPDX id, or `LicenseRef-aibom-<slug>` / another `LicenseRef-`.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Where the terms are published.
    pub url: Option<String>,
    /// `id` is on the SPDX list.
    pub spdx: bool,
    /// OSI-approved per the SPDX list (always false for `LicenseRef-`).
    pub osi_approved: bool,
    /// The licence restricts who may use the model or for what.
    pub use_restricted: bool,
    /// Short phrases naming each restriction.
    pub restrictions: Vec<String>,
    /// Family tag, e.g. "llama", "gemma", "openrail", "cc", "gpl".
    pub family: Option<String>,
}

/// The outcome of resolving one statement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resolution {
    /// A valid SPDX expression over SPDX ids and `LicenseRef-`s; `None` = NOASSERTION.
    pub expression: Option<String>,
    /// The licences the expression names (plus, for a known family without a single id, the
    /// family's placeholder when the family is known to be use-restricted).
    pub licenses: Vec<License>,
    /// 1.0 for an exact id; the text-match score or a fixed title/URL confidence otherwise.
    pub confidence: f32,
    /// "hub-id", "spdx-expression", "text-match", "title-match", "url-match" or "spdx-header".
    pub method: &'static str,
    /// What was mapped, guessed or not recognised.
    pub notes: Vec<String>,
}

impl Resolution {
    fn none(method: &'static str, note: impl Into<String>) -> Self {
        Resolution {
            expression: None,
            licenses: Vec::new(),
            confidence: 0.0,
            method,
            notes: vec![note.into()],
        }
    }

    fn single(license: License, confidence: f32, method: &'static str) -> Self {
        Resolution {
            expression: Some(license.id.clone()),
            licenses: vec![license],
            confidence,
            method,
            notes: Vec::new(),
        }
    }
}

/// A statement with its resolution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// What was found.
    pub statement: Statement,
    /// What it resolves to.
    pub resolution: Resolution,
}

/// Two model-level statements that name different licences.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    /// Index into [`LicenseReport::evidence`].
    pub a: usize,
    /// Index into [`LicenseReport::evidence`].
    pub b: usize,
    /// Both paths, sources and expressions.
    pub message: String,
}

/// Everything [`analyze`] concluded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LicenseReport {
    /// Every statement with its own resolution, in input order.
    pub evidence: Vec<Evidence>,
    /// The expression all model-level evidence agrees on; `None` when there is none or a conflict.
    pub concluded: Option<String>,
    /// Model-level licences, unique, sorted by id.
    pub licenses: Vec<License>,
    /// Disagreements between model-level statements.
    pub conflicts: Vec<Conflict>,
    /// Any model-level licence or use policy restricts use.
    pub use_restricted: bool,
    /// Observations that are neither licences nor conflicts.
    pub notes: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by the submodules
// ---------------------------------------------------------------------------------------------

/// Lower-cases, straightens quotes, drops markdown emphasis and collapses whitespace to one space.
pub(crate) fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_TEXT));
    let mut space = true;
    for c in cap(text).chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            '\u{2013}' | '\u{2014}' => '-',
            '*' | '#' | '`' => continue,
            c => c,
        };
        if c.is_whitespace() {
            if !space {
                out.push(' ');
                space = true;
            }
        } else {
            out.extend(c.to_lowercase());
            space = false;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// `text` cut to at most [`MAX_TEXT`] bytes at a character boundary.
pub(crate) fn cap(text: &str) -> &str {
    if text.len() <= MAX_TEXT {
        return text;
    }
    let mut end = MAX_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// URL without scheme, `www.`, query, fragment and trailing `/`, lower case.
pub(crate) fn norm_url(url: &str) -> String {
    let u = url.trim().to_ascii_lowercase();
    let u = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"))
        .unwrap_or(&u);
    let u = u.strip_prefix("www.").unwrap_or(u);
    let u = u.split(['?', '#']).next().unwrap_or(u);
    u.trim_end_matches('/').to_string()
}

fn looks_like_url(s: &str) -> bool {
    let s = s.trim().to_ascii_lowercase();
    s.starts_with("http://") || s.starts_with("https://") || s.starts_with("www.")
}

// ---------------------------------------------------------------------------------------------
// SPDX ids
// ---------------------------------------------------------------------------------------------

/// The SPDX licence whose id equals `name` ignoring ASCII case.
fn spdx_lookup(name: &str) -> Option<spdx::LicenseId> {
    if let Some(id) = spdx::license_id(name) {
        return Some(id);
    }
    spdx::identifiers::LICENSES
        .iter()
        .find(|l| l.name.eq_ignore_ascii_case(name))
        .and_then(|l| spdx::license_id(l.name))
}

/// Restriction phrases and family for an SPDX id (our reading of the reference table).
fn spdx_restrictions(id: &str) -> Vec<String> {
    let mut r = Vec::new();
    let cc = id.starts_with("CC-");
    if (cc && id.contains("-NC")) || id.starts_with("PolyForm-Noncommercial") {
        r.push("non-commercial".to_string());
    }
    if cc && id.contains("-ND") {
        r.push("no derivatives".to_string());
    }
    r
}

fn spdx_family(id: &str) -> Option<String> {
    let fam = if id.starts_with("CC-") || id.starts_with("CC0") {
        "cc"
    } else if id.starts_with("BSD-") || id == "0BSD" {
        "bsd"
    } else if id.starts_with("LGPL") {
        "lgpl"
    } else if id.starts_with("AGPL-") {
        "agpl"
    } else if id.starts_with("GPL-") {
        "gpl"
    } else if id.starts_with("GFDL-") {
        "gfdl"
    } else if id.starts_with("OpenMDW") {
        "openmdw"
    } else {
        return None;
    };
    Some(fam.to_string())
}

/// The [`License`] record of an SPDX id.
fn spdx_license(id: spdx::LicenseId) -> License {
    let restrictions = spdx_restrictions(id.name);
    License {
        id: id.name.to_string(),
        name: id.full_name.to_string(),
        url: Some(format!("https://spdx.org/licenses/{}.html", id.name)),
        spdx: true,
        osi_approved: id.is_osi_approved(),
        use_restricted: !restrictions.is_empty(),
        restrictions,
        family: spdx_family(id.name),
    }
}

/// A `LicenseRef-` we know nothing about.
fn other_ref_license(id: &str) -> License {
    if let Some(m) = id
        .strip_prefix("LicenseRef-aibom-")
        .and_then(catalogue::by_slug)
    {
        return m.to_license();
    }
    License {
        id: id.to_string(),
        name: id.to_string(),
        url: None,
        spdx: false,
        osi_approved: false,
        use_restricted: false,
        restrictions: Vec::new(),
        family: None,
    }
}

/// Maps an SPDX id token (any case, optional `+`) to its canonical current form. Bare GNU ids become
/// `-only` (or `-or-later` with `+`) with an "ambiguous" note; other deprecated ids are kept with a note.
fn canonical_spdx(token: &str, notes: &mut Vec<String>) -> Option<(String, spdx::LicenseId)> {
    let (base, plus) = match token.strip_suffix('+') {
        Some(b) => (b, true),
        None => (token, false),
    };
    let id = spdx_lookup(base)?;
    if id.name == "NOASSERTION" {
        return None;
    }
    let is_bare_gnu = id.is_gnu() && !id.name.ends_with("-only") && !id.name.ends_with("-or-later");
    if is_bare_gnu {
        if let Some(mapped) = spdx::gnu_license_id(id.name, plus) {
            if !plus {
                notes.push(format!(
                    "deprecated GNU id {token} mapped to {} (ambiguous: the id does not say -only or -or-later)",
                    mapped.name
                ));
            }
            return Some((mapped.name.to_string(), mapped));
        }
    }
    if id.is_deprecated() {
        notes.push(format!("{} is a deprecated SPDX id", id.name));
    }
    if plus {
        if id.is_gnu() && id.name.ends_with("-only") {
            if let Some(later) = spdx::gnu_license_id(id.name.trim_end_matches("-only"), true) {
                return Some((later.name.to_string(), later));
            }
        }
        return Some((format!("{}+", id.name), id));
    }
    Some((id.name.to_string(), id))
}

/// Hub-style names that are not SPDX ids but mean one (lower case).
const HUB_SPECIAL: &[(&str, &str)] = &[
    ("odc-by", "ODC-By-1.0"),
    ("odbl", "ODbL-1.0"),
    ("c-uda", "C-UDA-1.0"),
    ("pddl", "PDDL-1.0"),
    ("lgpl-lr", "LGPLLR"),
    // CC0 has one version only, so a bare "CC0" (Piper voice cards, dataset cards) is CC0 1.0.
    ("cc0", "CC0-1.0"),
];

/// Hub ids naming a family with no single licence.
const FAMILIES: &[&str] = &["bsd", "cc", "gpl", "lgpl", "gfdl", "openrail"];

fn family_member(family: &str, l: &License) -> bool {
    match family {
        "bsd" => l.id.starts_with("BSD-") || l.id == "0BSD",
        "cc" => l.id.starts_with("CC-") || l.id.starts_with("CC0"),
        "gpl" => l.id.starts_with("GPL-"),
        "lgpl" => l.id.starts_with("LGPL-"),
        "gfdl" => l.id.starts_with("GFDL-"),
        "openrail" => l.family.as_deref() == Some("openrail"),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Resolvers
// ---------------------------------------------------------------------------------------------

/// Resolves a Hugging Face `license:` id (case-insensitive).
pub fn resolve_hub_id(id: &str) -> Resolution {
    let raw = id.trim();
    let lower = raw.to_ascii_lowercase();
    match lower.as_str() {
        "" => return Resolution::none("hub-id", "empty licence id"),
        "unknown" => return Resolution::none("hub-id", "licence declared as unknown"),
        "other" => {
            return Resolution::none(
                "hub-id",
                "license: other — the licence comes from license_name, license_link or the LICENSE text",
            )
        }
        "noassertion" | "none" => {
            return Resolution::none("hub-id", format!("{raw} is not a licence"))
        }
        _ => {}
    }
    if FAMILIES.contains(&lower.as_str()) {
        let mut res = Resolution::none(
            "hub-id",
            format!(
                "{lower} names a licence family, not one licence: decide from the licence text"
            ),
        );
        if lower == "openrail" {
            if let Some(m) = catalogue::by_slug("openrail") {
                res.licenses.push(m.to_license());
                res.confidence = 1.0;
            }
        }
        return res;
    }
    if let Some(m) = catalogue::by_alias(&lower) {
        let mut res = Resolution::single(m.to_license(), 1.0, "hub-id");
        res.notes.push(format!(
            "{} is not on the SPDX list; {} used",
            m.name,
            m.id()
        ));
        return res;
    }
    if let Some((_, target)) = HUB_SPECIAL.iter().find(|(k, _)| *k == lower) {
        if let Some(id) = spdx::license_id(target) {
            let mut res = Resolution::single(spdx_license(id), 1.0, "hub-id");
            res.notes
                .push(format!("Hub id {lower} mapped to SPDX {}", id.name));
            return res;
        }
    }
    let mut notes = Vec::new();
    if let Some((canon, id)) = canonical_spdx(raw, &mut notes) {
        let mut lic = spdx_license(id);
        lic.id = canon.clone();
        return Resolution {
            expression: Some(canon),
            licenses: vec![lic],
            confidence: 1.0,
            method: "hub-id",
            notes,
        };
    }
    Resolution::none("hub-id", format!("unrecognised licence id {raw:?}"))
}

/// One parsed term of an expression.
enum Tok {
    Open,
    Close,
    And,
    Or,
    With,
    Word(String),
}

fn lex(expr: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, toks: &mut Vec<Tok>| {
        if word.is_empty() {
            return;
        }
        let w = std::mem::take(word);
        toks.push(match w.to_ascii_uppercase().as_str() {
            "AND" => Tok::And,
            "OR" => Tok::Or,
            "WITH" => Tok::With,
            _ => Tok::Word(w),
        });
    };
    for c in expr.chars() {
        match c {
            '(' | ')' => {
                flush(&mut word, &mut toks);
                toks.push(if c == '(' { Tok::Open } else { Tok::Close });
            }
            c if c.is_whitespace() => flush(&mut word, &mut toks),
            c => word.push(c),
        }
    }
    flush(&mut word, &mut toks);
    toks
}

fn valid_ref(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// Resolves an SPDX expression (GGUF `general.license`, SPDX headers). Ids are matched
/// case-insensitively, operators in any case; `LicenseRef-`/`DocumentRef-` terms are kept; a Hub
/// model-licence id used as a term (e.g. `llama3.1`) is mapped to its `LicenseRef-aibom-` with a note.
pub fn resolve_expression(expr: &str) -> Resolution {
    let src = expr.trim();
    if src.is_empty() {
        return Resolution::none("spdx-expression", "empty expression");
    }
    if src.len() > 4096 {
        return Resolution::none(
            "spdx-expression",
            "expression longer than 4096 bytes ignored",
        );
    }
    let upper = src.to_ascii_uppercase();
    if upper == "NOASSERTION" || upper == "NONE" {
        return Resolution::none("spdx-expression", format!("{src} is not a licence"));
    }
    let mut notes = Vec::new();
    let mut out: Vec<String> = Vec::new();
    let mut licenses: Vec<License> = Vec::new();
    let mut after_with = false;
    let mut mapped_non_spdx = false;
    for tok in lex(src) {
        match tok {
            Tok::Open => out.push("(".into()),
            Tok::Close => out.push(")".into()),
            Tok::And => out.push("AND".into()),
            Tok::Or => out.push("OR".into()),
            Tok::With => {
                out.push("WITH".into());
                after_with = true;
                continue;
            }
            Tok::Word(w) => {
                if after_with {
                    let exc = spdx::identifiers::EXCEPTIONS
                        .iter()
                        .find(|e| e.name.eq_ignore_ascii_case(&w));
                    match exc {
                        Some(e) => out.push(e.name.to_string()),
                        None if w.starts_with("AdditionRef-") => out.push(w),
                        None => {
                            return Resolution::none(
                                "spdx-expression",
                                format!("{w:?} is not an SPDX exception in {src:?}"),
                            )
                        }
                    }
                } else if let Some(rest) = w.strip_prefix("LicenseRef-") {
                    if !valid_ref(rest) {
                        return Resolution::none(
                            "spdx-expression",
                            format!("invalid LicenseRef {w:?}"),
                        );
                    }
                    push_unique(&mut licenses, other_ref_license(&w));
                    out.push(w);
                } else if w.starts_with("DocumentRef-") {
                    push_unique(&mut licenses, other_ref_license(&w));
                    out.push(w);
                } else if let Some((canon, id)) = canonical_spdx(&w, &mut notes) {
                    let mut lic = spdx_license(id);
                    lic.id = canon.trim_end_matches('+').to_string();
                    push_unique(&mut licenses, lic);
                    out.push(canon);
                } else if let Some(m) = catalogue::by_alias(&w) {
                    notes.push(format!("non-SPDX term {w} mapped to {}", m.id()));
                    mapped_non_spdx = true;
                    push_unique(&mut licenses, m.to_license());
                    out.push(m.id());
                } else if let Some((_, t)) =
                    HUB_SPECIAL.iter().find(|(k, _)| k.eq_ignore_ascii_case(&w))
                {
                    notes.push(format!("non-SPDX term {w} mapped to {t}"));
                    mapped_non_spdx = true;
                    if let Some(id) = spdx::license_id(t) {
                        push_unique(&mut licenses, spdx_license(id));
                    }
                    out.push((*t).to_string());
                } else {
                    return Resolution::none(
                        "spdx-expression",
                        format!("{w:?} is not an SPDX id or LicenseRef in {src:?}"),
                    );
                }
            }
        }
        after_with = false;
    }
    let canon = join_expr(&out);
    let mode = spdx::ParseMode {
        allow_deprecated: true,
        ..spdx::ParseMode::STRICT
    };
    if let Err(e) = spdx::Expression::parse_mode(&canon, mode) {
        return Resolution::none(
            "spdx-expression",
            format!("not a valid SPDX expression: {src:?} ({})", e.reason),
        );
    }
    if canon != src && !mapped_non_spdx {
        notes.push(format!("normalised {src:?} to {canon:?}"));
    }
    Resolution {
        expression: Some(canon),
        licenses,
        confidence: if mapped_non_spdx { 0.95 } else { 1.0 },
        method: "spdx-expression",
        notes,
    }
}

fn join_expr(parts: &[String]) -> String {
    let mut s = String::new();
    for p in parts {
        if !(s.is_empty() || s.ends_with('(') || p == ")") {
            s.push(' ');
        }
        s.push_str(p);
    }
    s
}

fn push_unique(list: &mut Vec<License>, l: License) {
    if !list.iter().any(|x| x.id == l.id) {
        list.push(l);
    }
}

/// Comparison form of an expression: a flat list joined by one operator kind (no parentheses)
/// is sorted and de-duplicated, so `MIT OR Apache-2.0` equals `Apache-2.0 OR MIT`.
pub fn normalise_expression(expr: &str) -> String {
    if expr.contains('(') {
        return expr.to_string();
    }
    for op in [" OR ", " AND "] {
        let other = if op == " OR " { " AND " } else { " OR " };
        if expr.contains(op) && !expr.contains(other) {
            let mut terms: Vec<&str> = expr.split(op).collect();
            terms.sort_unstable();
            terms.dedup();
            return terms.join(op);
        }
    }
    expr.to_string()
}

/// Resolves a LICENSE / NOTICE text: an `SPDX-License-Identifier:` line, then model-licence titles,
/// then the `spdx` crate's text matcher (≥ 0.9 confident, 0.75–0.9 with a note; GNU texts reported as
/// `-only` with an "ambiguous" note), then SPDX full names in short texts (confidence 0.8).
pub fn resolve_text(text: &str) -> Resolution {
    text::resolve_text(text).0
}

/// Resolves a card `license_name` / `license_link` pair (or GGUF `general.license.name` / `.link`).
/// When both resolve and disagree, the name wins and the link is noted.
pub fn resolve_name_or_url(name: Option<&str>, url: Option<&str>) -> Resolution {
    let name = name.map(str::trim).filter(|s| !s.is_empty());
    let url = url.map(str::trim).filter(|s| !s.is_empty());
    let by_name = name.map(text::resolve_name);
    let by_url = url.map(text::resolve_url);
    match (by_name, by_url) {
        (None, None) => Resolution::none("title-match", "no licence name or link"),
        (Some(n), None) => n,
        (None, Some(u)) => u,
        (Some(mut n), Some(u)) => {
            match (&n.expression, &u.expression) {
                (Some(a), Some(b)) if normalise_expression(a) != normalise_expression(b) => {
                    n.notes
                        .push(format!("license link resolves to {b}, the name to {a}"));
                }
                (Some(_), _) => n.notes.extend(u.notes),
                (None, Some(_)) => {
                    let mut u = u;
                    u.notes.extend(n.notes);
                    return u;
                }
                (None, None) => n.notes.extend(u.notes),
            }
            n
        }
    }
}

/// A free-form value (safetensors metadata, config fields, Croissant, GGUF): URL, Hub id, expression
/// or name, whichever resolves first.
fn resolve_free(value: &str) -> Resolution {
    let v = value.trim();
    if looks_like_url(v) {
        return resolve_name_or_url(None, Some(v));
    }
    let hub = resolve_hub_id(v);
    if hub.expression.is_some() || !hub.licenses.is_empty() {
        return hub;
    }
    let lower = v.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "other" | "unknown" | "noassertion" | "none" | ""
    ) {
        return hub;
    }
    let ex = resolve_expression(v);
    if ex.expression.is_some() {
        return ex;
    }
    let named = resolve_name_or_url(Some(v), None);
    if named.expression.is_some() || !named.licenses.is_empty() {
        return named;
    }
    if v.len() > 200 {
        return resolve_text(v);
    }
    Resolution::none("title-match", format!("unrecognised licence value {v:?}"))
}

/// Resolves one statement according to its source kind.
pub fn resolve(statement: &Statement) -> Resolution {
    let v = statement.value.as_str();
    match statement.source {
        SourceKind::CardLicense | SourceKind::DatasetCard => resolve_hub_id(v),
        SourceKind::CardLicenseName => resolve_name_or_url(Some(v), None),
        SourceKind::CardLicenseLink => resolve_name_or_url(None, Some(v)),
        SourceKind::LicenseFile | SourceKind::NoticeFile => resolve_text(v),
        SourceKind::UsePolicyFile => text::resolve_use_policy(v),
        SourceKind::SpdxHeader => {
            let line = v.trim();
            let expr = match line.to_ascii_lowercase().find("spdx-license-identifier:") {
                Some(i) => text::header_value(&line[i + "spdx-license-identifier:".len()..]),
                None => line,
            };
            let mut r = resolve_expression(expr);
            r.method = "spdx-header";
            r
        }
        // `general.license` is an SPDX expression by the GGUF spec; `.name` / `.link` and
        // non-conforming values fall back to the free-form path.
        SourceKind::GgufMetadata => {
            let e = resolve_expression(v);
            if e.expression.is_some() {
                e
            } else {
                resolve_free(v)
            }
        }
        SourceKind::SafetensorsMetadata
        | SourceKind::ConfigField
        | SourceKind::CroissantLicense => resolve_free(v),
    }
}

// ---------------------------------------------------------------------------------------------
// analyze
// ---------------------------------------------------------------------------------------------

fn at_root(path: &str) -> bool {
    let p = path.trim_start_matches("./");
    !p.contains('/')
}

/// How one piece of evidence takes part in the model-level decision.
#[derive(PartialEq)]
enum Role {
    /// A model-level voice: its expression must agree with the others.
    Voice,
    /// Combined into the card's voice (license_name / license_link under `license: other`).
    CardPart,
    /// A NOTICE text that is not confidently a licence: noted only.
    Mention,
    /// A use policy at the model root: restrictions only.
    Policy,
    /// Dataset, code or nested files: reported, not part of the model licence.
    Other,
}

/// Resolves every statement, combines the card's fields, and compares model-level evidence.
///
/// Model-level: card fields, LICENSE files at the model root, NOTICE files at the root that *are* a
/// licence (see `text::resolve_text`; a NOTICE that only mentions one is noted), GGUF/safetensors metadata and
/// config fields. Dataset evidence (Croissant, dataset cards), code SPDX headers and licence files in
/// subdirectories are reported but never enter `concluded`, `licenses` or `conflicts`. Two model-level
/// expressions conflict when they differ after [`normalise_expression`]; a source with no recognisable
/// licence is only noted. A card family id (`bsd`, `gpl`, ...) is decided by the other evidence when
/// it names a member of the family, and conflicts with evidence outside it.
pub fn analyze(statements: Vec<Statement>) -> LicenseReport {
    let mut full_text: Vec<bool> = Vec::with_capacity(statements.len());
    let mut evidence: Vec<Evidence> = statements
        .into_iter()
        .map(|s| {
            let (resolution, full) = match s.source {
                SourceKind::LicenseFile | SourceKind::NoticeFile => text::resolve_text(&s.value),
                _ => (resolve(&s), false),
            };
            full_text.push(full);
            Evidence {
                statement: s,
                resolution,
            }
        })
        .collect();
    let mut notes: Vec<String> = Vec::new();

    // Roles.
    let mut roles: Vec<Role> = evidence
        .iter()
        .zip(&full_text)
        .map(|(e, &full)| {
            let s = &e.statement;
            match s.source {
                SourceKind::CardLicense
                | SourceKind::CardLicenseName
                | SourceKind::CardLicenseLink
                | SourceKind::GgufMetadata
                | SourceKind::SafetensorsMetadata
                | SourceKind::ConfigField => Role::Voice,
                SourceKind::LicenseFile if at_root(&s.path) => Role::Voice,
                SourceKind::NoticeFile if at_root(&s.path) => {
                    if full && e.resolution.expression.is_some() {
                        Role::Voice
                    } else {
                        Role::Mention
                    }
                }
                SourceKind::UsePolicyFile if at_root(&s.path) => Role::Policy,
                _ => Role::Other,
            }
        })
        .collect();

    // Card: `license: other` / missing / family + license_name + license_link → one voice.
    let card_license = evidence
        .iter()
        .position(|e| e.statement.source == SourceKind::CardLicense);
    let name_i = evidence
        .iter()
        .position(|e| e.statement.source == SourceKind::CardLicenseName);
    let link_i = evidence
        .iter()
        .position(|e| e.statement.source == SourceKind::CardLicenseLink);
    let card_value = card_license.map(|i| evidence[i].statement.value.trim().to_ascii_lowercase());
    let card_is_open_ended = match &card_value {
        None => true,
        Some(v) => v == "other" || v.is_empty() || v == "unknown",
    };
    let mut card_family: Option<(usize, String)> = None;
    if let (Some(ci), Some(v)) = (card_license, &card_value) {
        if FAMILIES.contains(&v.as_str()) {
            card_family = Some((ci, v.clone()));
        }
    }
    if card_is_open_ended && (name_i.is_some() || link_i.is_some()) {
        let name = name_i.map(|i| evidence[i].statement.value.clone());
        let link = link_i.map(|i| evidence[i].statement.value.clone());
        let mut combined = resolve_name_or_url(name.as_deref(), link.as_deref());
        let target = card_license.or(name_i).or(link_i);
        if let Some(t) = target {
            let orig = evidence[t].statement.value.trim().to_string();
            combined.notes.insert(
                0,
                format!(
                    "card license {orig:?} combined with license_name/license_link into one resolution"
                ),
            );
            evidence[t].resolution = combined;
            for i in [card_license, name_i, link_i].into_iter().flatten() {
                if i != t {
                    roles[i] = Role::CardPart;
                }
            }
        }
    }

    // Voices with an expression, grouped by normalised expression.
    let mut groups: Vec<(String, usize)> = Vec::new();
    for (i, e) in evidence.iter().enumerate() {
        if roles[i] != Role::Voice {
            continue;
        }
        if card_family.as_ref().is_some_and(|(ci, _)| *ci == i) {
            continue;
        }
        match &e.resolution.expression {
            Some(x) => {
                let n = normalise_expression(x);
                if !groups.iter().any(|(g, _)| *g == n) {
                    groups.push((n, i));
                }
            }
            None if card_license.is_some()
                && matches!(
                    e.statement.source,
                    SourceKind::CardLicenseName | SourceKind::CardLicenseLink
                ) => {}
            None => notes.push(format!(
                "{} ({}) has no recognisable licence",
                e.statement.path,
                e.statement.source.label()
            )),
        }
    }

    let mut conflicts = Vec::new();
    for x in 0..groups.len() {
        for y in x + 1..groups.len() {
            let (a, b) = (groups[x].1, groups[y].1);
            conflicts.push(Conflict {
                a,
                b,
                message: format!(
                    "{} ({}) resolves to {} but {} ({}) resolves to {}",
                    evidence[a].statement.path,
                    evidence[a].statement.source.label(),
                    groups[x].0,
                    evidence[b].statement.path,
                    evidence[b].statement.source.label(),
                    groups[y].0
                ),
            });
        }
    }

    // A card family id is decided by the other voices, or conflicts with them.
    if let Some((ci, fam)) = &card_family {
        for (_, gi) in &groups {
            let lic = &evidence[*gi].resolution.licenses;
            if !lic.is_empty() && lic.iter().all(|l| family_member(fam, l)) {
                notes.push(format!(
                    "card family id {fam} decided by {} ({})",
                    evidence[*gi].statement.path,
                    evidence[*gi].resolution.expression.as_deref().unwrap_or("")
                ));
            } else {
                conflicts.push(Conflict {
                    a: *ci,
                    b: *gi,
                    message: format!(
                        "{} ({}) declares the {fam} family but {} ({}) resolves to {}",
                        evidence[*ci].statement.path,
                        evidence[*ci].statement.source.label(),
                        evidence[*gi].statement.path,
                        evidence[*gi].statement.source.label(),
                        evidence[*gi].resolution.expression.as_deref().unwrap_or("")
                    ),
                });
            }
        }
        if groups.is_empty() {
            notes.push(format!(
                "card declares the {fam} family and no other evidence names the licence"
            ));
        }
    }

    let concluded = if conflicts.is_empty() {
        groups
            .first()
            .and_then(|(_, i)| evidence[*i].resolution.expression.clone())
    } else {
        None
    };

    // Model-level licences.
    let mut licenses: Vec<License> = Vec::new();
    for (i, e) in evidence.iter().enumerate() {
        if roles[i] != Role::Voice {
            continue;
        }
        for l in &e.resolution.licenses {
            match licenses.iter_mut().find(|x| x.id == l.id) {
                Some(x) => {
                    for r in &l.restrictions {
                        if !x.restrictions.contains(r) {
                            x.restrictions.push(r.clone());
                        }
                    }
                    x.use_restricted |= l.use_restricted;
                }
                None => licenses.push(l.clone()),
            }
        }
    }
    // Drop the OpenRAIL family placeholder when a specific OpenRAIL licence is known.
    let specific_rail = licenses
        .iter()
        .any(|l| l.family.as_deref() == Some("openrail") && l.id != "LicenseRef-aibom-openrail");
    if specific_rail {
        licenses.retain(|l| l.id != "LicenseRef-aibom-openrail");
    }

    // Use policies add their restrictions to the restricted model licences.
    let mut policy_restricted = false;
    for (i, e) in evidence.iter().enumerate() {
        match roles[i] {
            Role::Policy => {
                let found = catalogue::clauses_in(&normalise(&e.statement.value), false);
                if found.is_empty() {
                    notes.push(format!(
                        "{}: use policy with no recognised restriction clause",
                        e.statement.path
                    ));
                    continue;
                }
                policy_restricted = true;
                notes.push(format!(
                    "{}: use policy restricts use ({})",
                    e.statement.path,
                    found.join(", ")
                ));
                for l in licenses.iter_mut().filter(|l| l.use_restricted) {
                    for r in &found {
                        if !l.restrictions.contains(r) {
                            l.restrictions.push(r.clone());
                        }
                    }
                }
            }
            Role::Mention => {
                if let Some(x) = &e.resolution.expression {
                    notes.push(format!(
                        "{} (notice file) mentions {x}; not treated as the model licence",
                        e.statement.path
                    ));
                }
            }
            Role::Other => {
                if let Some(x) = &e.resolution.expression {
                    notes.push(format!(
                        "{} ({}) licenses another component under {x}; not part of the model licence",
                        e.statement.path,
                        e.statement.source.label()
                    ));
                }
            }
            Role::Voice | Role::CardPart => {}
        }
    }
    licenses.sort_by(|a, b| a.id.cmp(&b.id));
    let use_restricted = policy_restricted || licenses.iter().any(|l| l.use_restricted);

    LicenseReport {
        evidence,
        concluded,
        licenses,
        conflicts,
        use_restricted,
        notes,
    }
}
