//! Reading and writing the Model Openness Tool's YAML.
//!
//! [`read_yaml`] parses untrusted bytes with the crate's bounded YAML parser (size, depth, alias
//! expansion), checks the document against the rules of the tool's JSON schema
//! (`schema/mof_schema.json`: required fields, string types, the `type` / `architecture` /
//! `treatment` value lists, `YYYY-MM-DD` dates, at most 17 components) and reports every violation
//! with its path. Fields outside the schema are allowed, as by the tool, and kept. Two checks go
//! beyond the schema because the tool would otherwise misread the file: every component needs a
//! `name`, and that name must be one of the 17 (the tool silently files an unknown name under another
//! component).
//!
//! [`to_yaml`] writes the layout of the files in the tool's `models/` directory (Symfony YAML as
//! Drupal dumps it: two-space indents, sequences of mappings as `-` on its own line, `{  }` for an
//! empty mapping, strings quoted only when needed, single quotes preferred). The field order is
//! fixed and fields outside the schema come last, sorted, so the output is deterministic and a
//! document read back from it is equal to the one written.

use std::fmt::Write as _;
use std::sync::LazyLock;

use regex::Regex;

use serde_json::{Map, Value};

use super::document::{GlobalLicence, MofDocument, FRAMEWORK_NAME};
use super::COMPONENTS;
use crate::error::{Error, Result};

/// Largest MOF YAML accepted (the tool's files are a few KiB).
pub const MAX_YAML_BYTES: usize = 1 << 20;

/// Most violations listed in one error.
const MAX_PROBLEMS: usize = 20;

/// `release.type` values the tool's schema accepts.
const TYPES: &[&str] = &[
    "",
    "language",
    "vision",
    "image",
    "audio",
    "video",
    "3d",
    "code",
    "multimodal",
    "other",
];

/// `release.architecture` values the tool's schema accepts.
const ARCHITECTURES: &[&str] = &[
    "",
    "transformer",
    "transformer decoder",
    "transformer encoder-decoder",
    "decoder",
    "encoder",
    "diffusion",
    "RNN",
    "CNN",
    "LSTM",
    "NeRF",
    "hybrid",
    "undisclosed",
    "other",
];

/// `release.treatment` values the tool's schema accepts (no empty value).
const TREATMENTS: &[&str] = &["pre-trained", "instruct fine-tuned", "chat fine-tuned"];

/// Parse and check a MOF YAML document (see the module docs). Errors are [`Error::Invalid`] and
/// name every field that is wrong.
pub fn read_yaml(bytes: &[u8]) -> Result<MofDocument> {
    if bytes.len() > MAX_YAML_BYTES {
        return Err(Error::invalid(format!(
            "MOF YAML: {} bytes, more than the {} MiB limit",
            bytes.len(),
            MAX_YAML_BYTES >> 20
        )));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::invalid(format!(
            "MOF YAML: not UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })?;
    let mut value = crate::hf::value::yaml(text).map_err(|(msg, line)| {
        Error::invalid(match line {
            Some(line) => format!("MOF YAML: line {line}: {msg}"),
            None => format!("MOF YAML: {msg}"),
        })
    })?;

    let mut problems = Problems::default();
    check_document(&value, &mut problems);
    problems.into_result()?;

    normalise_empty(&mut value);
    let doc: MofDocument =
        serde_json::from_value(value).map_err(|e| Error::invalid(format!("MOF YAML: {e}")))?;

    let mut problems = Problems::default();
    for (i, c) in doc.release.components.iter().enumerate() {
        if super::component_by_name(&c.name).is_none() {
            let hint = COMPONENTS
                .iter()
                .find(|k| k.name.eq_ignore_ascii_case(c.name.trim()))
                .map(|k| format!(" (did you mean {:?}?)", k.name))
                .unwrap_or_default();
            problems.push(
                &format!("release.components[{i}].name"),
                format!(
                    "{:?} is not one of the 17 MOF component names{hint}",
                    c.name
                ),
            );
        }
    }
    problems.into_result()?;
    Ok(doc)
}

/// Schema violations, with their paths.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn push(&mut self, path: &str, msg: impl std::fmt::Display) {
        self.0.push(format!("{path}: {msg}"));
    }

    fn into_result(self) -> Result<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        let n = self.0.len();
        let mut msg = format!(
            "MOF YAML does not follow the Model Openness Tool's schema ({n} problem{}): ",
            if n == 1 { "" } else { "s" }
        );
        msg.push_str(
            &self
                .0
                .iter()
                .take(MAX_PROBLEMS)
                .cloned()
                .collect::<Vec<_>>()
                .join("; "),
        );
        if n > MAX_PROBLEMS {
            let _ = write!(msg, "; and {} more", n - MAX_PROBLEMS);
        }
        Err(Error::invalid(msg))
    }
}

/// What a value is, for messages.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null (an empty value)",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number (quote it to make it a string)",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// PHP parses `{}` and `[]` to the same empty array, so the tool accepts either for an empty
/// mapping or list; so do we.
fn is_empty_collection(v: &Value) -> bool {
    matches!(v, Value::Array(a) if a.is_empty()) || matches!(v, Value::Object(o) if o.is_empty())
}

/// The mapping at `v`, or a problem.
fn mapping<'a>(v: &'a Value, path: &str, p: &mut Problems) -> Option<&'a Map<String, Value>> {
    match v {
        Value::Object(m) => Some(m),
        other => {
            p.push(
                path,
                format_args!("expected a mapping, found {}", kind(other)),
            );
            None
        }
    }
}

/// Field `key` of `m`: required or not, a string or (when `nullable`) null.
fn string_field<'a>(
    m: &'a Map<String, Value>,
    key: &str,
    path: &str,
    required: bool,
    nullable: bool,
    p: &mut Problems,
) -> Option<&'a str> {
    let at = format!("{path}.{key}");
    match m.get(key) {
        None if required => {
            p.push(&at, "required field is missing");
            None
        }
        None => None,
        Some(Value::String(s)) => Some(s),
        Some(Value::Null) if nullable => None,
        Some(other) => {
            p.push(
                &at,
                format_args!("expected a string, found {}", kind(other)),
            );
            None
        }
    }
}

/// An RFC 3339 full date with a real calendar day (what the schema's `format: date` accepts).
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r.clone()]
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| s[r].parse().ok())
            .flatten()
    };
    let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    y >= 1 && (1..=days).contains(&d)
}

fn check_date(m: &Map<String, Value>, key: &str, path: &str, required: bool, p: &mut Problems) {
    if let Some(d) = string_field(m, key, path, required, false, p) {
        if !is_date(d) {
            p.push(
                &format!("{path}.{key}"),
                format_args!("{d:?} is not a date (YYYY-MM-DD)"),
            );
        }
    }
}

fn check_enum(m: &Map<String, Value>, key: &str, allowed: &[&str], p: &mut Problems) {
    if let Some(v) = string_field(m, key, "release", false, false, p) {
        if !allowed.contains(&v) {
            let list: Vec<String> = allowed.iter().map(|a| format!("{a:?}")).collect();
            p.push(
                &format!("release.{key}"),
                format_args!("{v:?} is not one of {}", list.join(", ")),
            );
        }
    }
}

/// The rules of the tool's schema, plus a name for every component.
fn check_document(root: &Value, p: &mut Problems) {
    if root.is_null() {
        p.push("document", "empty");
        return;
    }
    let Some(root) = mapping(root, "document", p) else {
        return;
    };

    match root.get("framework") {
        None => p.push("framework", "required field is missing"),
        Some(f) => {
            if let Some(f) = mapping(f, "framework", p) {
                if let Some(name) = string_field(f, "name", "framework", true, false, p) {
                    if name != FRAMEWORK_NAME {
                        p.push(
                            "framework.name",
                            format_args!("{name:?} is not {FRAMEWORK_NAME:?}"),
                        );
                    }
                }
                string_field(f, "version", "framework", true, false, p);
                check_date(f, "date", "framework", true, p);
            }
        }
    }

    let Some(r) = root.get("release") else {
        p.push("release", "required field is missing");
        return;
    };
    let Some(r) = mapping(r, "release", p) else {
        return;
    };
    if let Some(name) = string_field(r, "name", "release", true, false, p) {
        if name.is_empty() {
            p.push("release.name", "must not be empty");
        }
    }
    for key in ["version", "origin", "contact"] {
        string_field(r, key, "release", false, false, p);
    }
    string_field(r, "producer", "release", true, false, p);
    // Not in the schema; typed strings here, so only a string or nothing.
    for key in ["repository", "huggingface"] {
        string_field(r, key, "release", false, true, p);
    }
    check_date(r, "date", "release", false, p);
    check_enum(r, "type", TYPES, p);
    check_enum(r, "architecture", ARCHITECTURES, p);
    check_enum(r, "treatment", TREATMENTS, p);

    match r.get("license") {
        None => p.push("release.license", "required field is missing"),
        Some(l) if is_empty_collection(l) => {}
        Some(l) => {
            if let Some(l) = mapping(l, "release.license", p) {
                for key in ["distribution", "code", "data", "document"] {
                    let path = format!("release.license.{key}");
                    if let Some(g) = l.get(key) {
                        if is_empty_collection(g) {
                            continue;
                        }
                        if let Some(g) = mapping(g, &path, p) {
                            string_field(g, "name", &path, false, true, p);
                            string_field(g, "path", &path, false, true, p);
                        }
                    }
                }
            }
        }
    }

    match r.get("components") {
        None => p.push("release.components", "required field is missing"),
        Some(c) if is_empty_collection(c) => {}
        Some(Value::Array(items)) => {
            if items.len() > COMPONENTS.len() {
                p.push(
                    "release.components",
                    format_args!("{} entries, more than the 17 MOF components", items.len()),
                );
            }
            for (i, item) in items.iter().enumerate() {
                let path = format!("release.components[{i}]");
                if let Some(c) = mapping(item, &path, p) {
                    string_field(c, "name", &path, true, false, p);
                    for key in ["description", "license", "license_path", "component_path"] {
                        string_field(c, key, &path, false, false, p);
                    }
                }
            }
        }
        Some(other) => p.push(
            "release.components",
            format_args!("expected a list, found {}", kind(other)),
        ),
    }
}

/// Turn the empty `[]` / `{}` the tool accepts into the shape our types expect.
fn normalise_empty(root: &mut Value) {
    let Some(r) = root.get_mut("release").and_then(Value::as_object_mut) else {
        return;
    };
    if let Some(l) = r.get_mut("license") {
        if is_empty_collection(l) {
            *l = Value::Object(Map::new());
        } else if let Some(l) = l.as_object_mut() {
            for key in ["distribution", "code", "data", "document"] {
                if let Some(g) = l.get_mut(key) {
                    if is_empty_collection(g) {
                        *g = Value::Object(Map::new());
                    }
                }
            }
        }
    }
    if let Some(c) = r.get_mut("components") {
        if is_empty_collection(c) {
            *c = Value::Array(Vec::new());
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Writing
// ------------------------------------------------------------------------------------------------

/// A value to write.
enum Node {
    /// A string (quoted as needed).
    Str(String),
    /// A scalar written as is (numbers, booleans, null).
    Raw(String),
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
}

/// Entries builder that leaves out absent optional fields.
#[derive(Default)]
struct Entries(Vec<(String, Node)>);

impl Entries {
    fn str(&mut self, key: &str, v: &str) -> &mut Self {
        self.0.push((key.to_owned(), Node::Str(v.to_owned())));
        self
    }

    fn opt(&mut self, key: &str, v: Option<&String>) -> &mut Self {
        if let Some(v) = v {
            self.str(key, v);
        }
        self
    }

    fn node(&mut self, key: &str, n: Node) -> &mut Self {
        self.0.push((key.to_owned(), n));
        self
    }

    fn extra(&mut self, extra: &super::document::Extra) -> Node {
        for (k, v) in extra {
            self.0.push((k.clone(), value_node(v)));
        }
        Node::Map(std::mem::take(&mut self.0))
    }
}

fn value_node(v: &Value) -> Node {
    match v {
        Value::Null => Node::Raw("null".to_owned()),
        Value::Bool(b) => Node::Raw(b.to_string()),
        Value::Number(n) => Node::Raw(n.to_string()),
        Value::String(s) => Node::Str(s.clone()),
        Value::Array(a) => Node::Seq(a.iter().map(value_node).collect()),
        Value::Object(o) => Node::Map(o.iter().map(|(k, v)| (k.clone(), value_node(v))).collect()),
    }
}

fn licence_node(l: &GlobalLicence) -> Node {
    let mut e = Entries::default();
    e.opt("name", l.name.as_ref()).opt("path", l.path.as_ref());
    e.extra(&l.extra)
}

/// Write `doc` in the tool's layout (see the module docs). The same document always gives the same
/// bytes, and [`read_yaml`] of them gives `doc` back.
pub fn to_yaml(doc: &MofDocument) -> String {
    let f = &doc.framework;
    let framework = Entries::default()
        .str("name", &f.name)
        .str("version", &f.version)
        .str("date", &f.date)
        .extra(&f.extra);

    let r = &doc.release;
    let g = &r.license;
    let mut licences = Entries::default();
    for (key, slot) in [
        ("distribution", &g.distribution),
        ("code", &g.code),
        ("data", &g.data),
        ("document", &g.document),
    ] {
        if let Some(l) = slot {
            licences.node(key, licence_node(l));
        }
    }
    let licences = licences.extra(&g.extra);
    let components = Node::Seq(
        r.components
            .iter()
            .map(|c| {
                Entries::default()
                    .str("name", &c.name)
                    .opt("description", c.description.as_ref())
                    .opt("license", c.license.as_ref())
                    .opt("license_path", c.license_path.as_ref())
                    .opt("component_path", c.component_path.as_ref())
                    .extra(&c.extra)
            })
            .collect(),
    );
    let release = Entries::default()
        .str("name", &r.name)
        .opt("version", r.version.as_ref())
        .opt("date", r.date.as_ref())
        .opt("type", r.model_type.as_ref())
        .opt("architecture", r.architecture.as_ref())
        .opt("treatment", r.treatment.as_ref())
        .opt("origin", r.origin.as_ref())
        .str("producer", &r.producer)
        .opt("contact", r.contact.as_ref())
        .opt("repository", r.repository.as_ref())
        .opt("huggingface", r.huggingface.as_ref())
        .node("license", licences)
        .node("components", components)
        .extra(&r.extra);

    let root = Entries::default()
        .node("framework", framework)
        .node("release", release)
        .extra(&doc.extra);
    let mut out = String::new();
    if let Node::Map(entries) = root {
        write_map(&mut out, &entries, 0);
    }
    out
}

fn write_map(out: &mut String, entries: &[(String, Node)], indent: usize) {
    for (k, v) in entries {
        let _ = write!(out, "{:indent$}{}:", "", scalar(k));
        write_value(out, v, indent);
    }
}

fn write_seq(out: &mut String, items: &[Node], indent: usize) {
    for v in items {
        let _ = write!(out, "{:indent$}-", "");
        write_value(out, v, indent);
    }
}

/// The rest of a line after `key:` or `-`, and any block below it.
fn write_value(out: &mut String, v: &Node, indent: usize) {
    match v {
        Node::Str(s) => {
            let _ = writeln!(out, " {}", scalar(s));
        }
        Node::Raw(s) => {
            let _ = writeln!(out, " {s}");
        }
        Node::Map(m) if m.is_empty() => out.push_str(" {  }\n"),
        Node::Seq(s) if s.is_empty() => out.push_str(" []\n"),
        Node::Map(m) => {
            out.push('\n');
            write_map(out, m, indent + 2);
        }
        Node::Seq(s) => {
            out.push('\n');
            write_seq(out, s, indent + 2);
        }
    }
}

/// Characters written escaped inside double quotes.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{85}' | '\u{a0}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
        )
}

/// A string as a YAML scalar: plain when nothing could read it as something else, else single-quoted
/// (or double-quoted when that is shorter or the string has characters to escape).
fn scalar(s: &str) -> String {
    if s.chars().any(needs_escape) {
        return double_quoted(s);
    }
    if plain_ok(s) {
        return s.to_owned();
    }
    let single = format!("'{}'", s.replace('\'', "''"));
    if s.contains('\'') {
        let double = double_quoted(s);
        if double.len() < single.len() {
            return double;
        }
    }
    single
}

fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if needs_escape(c) && (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Numbers in any notation YAML 1.1 or 1.2 knows (PHP's `is_numeric` forms, digits with underscores,
/// hex, octal, binary).
static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?$|^[-+]?0(?:[xX][0-9a-fA-F_]+|[oO][0-7_]+|[bB][01_]+)$",
    )
    .expect("number pattern")
});

/// Anything that starts like a date (YAML 1.1 timestamps; the tool's parser turns them into numbers).
static DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}").expect("date pattern"));

/// Whether `s` can be written without quotes: no character YAML treats specially, no leading
/// indicator, not a word or number that YAML 1.1 (the tool's parser) or 1.2 reads as something else,
/// and read back as the same string.
fn plain_ok(s: &str) -> bool {
    if s.is_empty()
        || s.chars()
            .any(|c| c.is_whitespace() || "'\":{}[],&*#?".contains(c))
        || s.starts_with(['-', '?', '|', '<', '>', '=', '!', '%', '@', '`', '~'])
    {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "null" | "~" | "true" | "false" | "y" | "n" | "yes" | "no" | "on" | "off"
    ) {
        return false;
    }
    if NUMBER.is_match(s) || DATE.is_match(s) {
        return false;
    }
    matches!(
        serde_norway::from_str::<serde_norway::Value>(s),
        Ok(serde_norway::Value::String(t)) if t == s
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_quoted_as_the_tools_files_are() {
        assert_eq!(scalar("Arctic-Base"), "Arctic-Base");
        assert_eq!(scalar("480B"), "480B");
        assert_eq!(scalar("Apache-2.0"), "Apache-2.0");
        assert_eq!(scalar("Model architecture"), "'Model architecture'");
        assert_eq!(scalar("1.0"), "'1.0'");
        assert_eq!(scalar("2024-12-15"), "'2024-12-15'");
        assert_eq!(scalar(""), "''");
        assert_eq!(
            scalar("https://huggingface.co/LLM360/Amber"),
            "'https://huggingface.co/LLM360/Amber'"
        );
        assert_eq!(
            scalar("Well commented code for the model's architecture"),
            "\"Well commented code for the model's architecture\""
        );
        assert_eq!(scalar("it's 'x'"), r#""it's 'x'""#);
        assert_eq!(scalar(r#"say "it's""#), r#"'say "it''s"'"#);
        for s in [
            "yes", "No", "null", "~", "0x1F", "1_000", "0o17", "1e3", "+1", ".5", "-x",
        ] {
            assert_ne!(scalar(s), s, "{s} must be quoted");
        }
        assert_eq!(scalar("line\nbreak"), "\"line\\nbreak\"");
    }

    #[test]
    fn dates_follow_the_schema_format() {
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2024-13-01"));
        assert!(!is_date("2024-1-01"));
        assert!(!is_date("0000-01-01"));
        assert!(!is_date("2024-01-01T00:00:00Z"));
    }
}
