//! Code dependencies a model directory declares — pip `requirements*.txt`, `pyproject.toml` (PEP 621,
//! PEP 735 dependency groups, Poetry) and conda `environment.yml` — as package URLs for a BOM, plus
//! the `SPDX-License-Identifier` headers of code files. Text is untrusted and only read: nothing is
//! resolved, installed or fetched. Lines that cannot become a dependency are skipped with a note.

use serde::Serialize;
use serde_json::Value;

use crate::hf::value;
use crate::purl::encode;

/// Largest manifest parsed.
pub const MAX_MANIFEST: usize = 4 << 20;
/// Most dependencies returned from one manifest.
const MAX_DEPS: usize = 10_000;
/// Most notes kept.
const MAX_NOTES: usize = 200;
/// Bytes of a code file searched for SPDX headers.
const SPDX_HEAD: usize = 4096;

/// One declared dependency.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Dependency {
    /// PyPI names normalised per PEP 503 (lower case, runs of `-_.` → `-`); conda names lower case.
    pub name: String,
    /// The exact version when pinned (`==1.2.3`, `===x`, Poetry `1.2.3`, conda `name=ver=build` or
    /// `name==ver`); `None` for ranges and unpinned names.
    pub version: Option<String>,
    /// The version specifier or URL as written (`>=1.0,<2`, `@ https://...`, `^1.2`).
    pub spec: Option<String>,
    /// `pkg:pypi/<name>[@<version>]` or `pkg:conda/<name>[@<version>][?channel=..&build=..]`.
    pub purl: String,
    /// The manifest path the caller gave.
    pub source: String,
    pub extras: Vec<String>,
    /// PEP 508 environment markers as written (`python_version < "3.11"`).
    pub markers: Option<String>,
    /// `optional-dependencies.<name>`, `dependency-groups.<name>`, `poetry.group.<name>`,
    /// `poetry.dev-dependencies`, `conda`/`pip` (environment.yml); `None` for main dependencies.
    pub group: Option<String>,
}

/// Dependencies from one manifest and notes about what was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct DepList {
    pub dependencies: Vec<Dependency>,
    pub notes: Vec<String>,
}

impl DepList {
    fn note(&mut self, n: String) {
        if self.notes.len() < MAX_NOTES {
            self.notes.push(n);
        }
    }

    fn push(&mut self, d: Dependency) -> bool {
        if self.dependencies.len() == MAX_DEPS {
            self.note(format!(
                "more than {MAX_DEPS} dependencies; the rest are ignored"
            ));
            return false;
        }
        self.dependencies.push(d);
        true
    }

    fn capped<'a>(&mut self, text: &'a str, source: &str) -> Option<&'a str> {
        if text.len() > MAX_MANIFEST {
            self.note(format!(
                "{source} is larger than {} MiB; not parsed",
                MAX_MANIFEST >> 20
            ));
            return None;
        }
        Some(text)
    }
}

/// PEP 503 name normalisation.
pub fn normalise_pypi_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

fn pypi_purl(name: &str, version: Option<&str>) -> String {
    match version {
        Some(v) => format!("pkg:pypi/{}@{}", encode(name), encode(v)),
        None => format!("pkg:pypi/{}", encode(name)),
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// A parsed PEP 508 requirement.
struct Requirement {
    name: String,
    extras: Vec<String>,
    spec: Option<String>,
    url: bool,
    markers: Option<String>,
}

/// Parses one PEP 508 requirement string.
fn pep508(s: &str) -> Result<Requirement, String> {
    let s = s.trim();
    let name_len = s.find(|c: char| !is_name_char(c)).unwrap_or(s.len());
    let raw_name = &s[..name_len];
    if raw_name.is_empty() || !raw_name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err("no package name".to_owned());
    }
    let mut rest = s[name_len..].trim_start();
    let mut extras = Vec::new();
    if let Some(r) = rest.strip_prefix('[') {
        let Some(end) = r.find(']') else {
            return Err("unclosed [extras]".to_owned());
        };
        extras = r[..end]
            .split(',')
            .map(|e| normalise_pypi_name(e.trim()))
            .filter(|e| !e.is_empty())
            .collect();
        rest = r[end + 1..].trim_start();
    }
    let (body, markers) = if let Some(url) = rest.strip_prefix('@') {
        // `name @ URL ; markers` — the marker separator needs whitespace before it.
        let url = url.trim_start();
        match url.find(" ;").or_else(|| url.find("\t;")) {
            Some(i) => (format!("@ {}", url[..i].trim()), Some(url[i + 2..].trim())),
            None => (format!("@ {}", url.trim()), None),
        }
    } else {
        match rest.split_once(';') {
            Some((spec, m)) => (spec.trim().to_owned(), Some(m.trim())),
            None => (rest.trim().to_owned(), None),
        }
    };
    let url = body.starts_with('@');
    let mut spec = body;
    if !url {
        if let Some(inner) = spec.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
            spec = inner.trim().to_owned();
        }
        if !spec.is_empty() && !spec.starts_with(['=', '<', '>', '!', '~']) {
            return Err(format!(
                "unexpected text after the name: {:?}",
                value::prefix(&spec, 60)
            ));
        }
    }
    Ok(Requirement {
        name: normalise_pypi_name(raw_name),
        extras,
        spec: (!spec.is_empty()).then_some(spec),
        url,
        markers: markers.filter(|m| !m.is_empty()).map(str::to_owned),
    })
}

/// The exact version of a PEP 440 specifier: one `==X` (no wildcard) or `===X` clause.
fn exact_pin(spec: &str) -> Option<String> {
    let spec = spec.trim();
    if spec.contains(',') {
        return None;
    }
    let v = spec
        .strip_prefix("===")
        .or_else(|| spec.strip_prefix("=="))?
        .trim();
    (!v.is_empty() && !v.contains('*') && !v.contains(char::is_whitespace)).then(|| v.to_owned())
}

fn pypi_dep(r: Requirement, source: &str, group: Option<String>) -> Dependency {
    let version = if r.url {
        None
    } else {
        r.spec.as_deref().and_then(exact_pin)
    };
    Dependency {
        purl: pypi_purl(&r.name, version.as_deref()),
        name: r.name,
        version,
        spec: r.spec,
        source: source.to_owned(),
        extras: r.extras,
        markers: r.markers,
        group,
    }
}

/// Parses a pip requirements file. Options (`-r`, `-c`, `-e`, `--index-url`, ...), bare URLs and
/// paths are skipped with a note; per-requirement options such as `--hash` are dropped.
pub fn parse_requirements(text: &str, source: &str) -> DepList {
    let mut out = DepList::default();
    let Some(text) = out.capped(text, source) else {
        return out;
    };
    let mut logical = String::new();
    let mut first_line = 0;
    for (i, raw) in text.lines().enumerate() {
        if logical.is_empty() {
            first_line = i + 1;
        }
        // Line continuations.
        if let Some(cont) = raw.strip_suffix('\\') {
            logical.push_str(cont);
            logical.push(' ');
            continue;
        }
        logical.push_str(raw);
        let line = std::mem::take(&mut logical);
        if !requirement_line(&line, first_line, source, &mut out) {
            break;
        }
    }
    if !logical.is_empty() {
        requirement_line(&logical, first_line, source, &mut out);
    }
    out
}

/// One logical line of a requirements file; false when the dependency cap is reached.
fn requirement_line(line: &str, n: usize, source: &str, out: &mut DepList) -> bool {
    // Comments: `#` at the start or after whitespace.
    let mut line = line;
    if let Some(i) = line
        .char_indices()
        .find(|&(i, c)| c == '#' && (i == 0 || line[..i].ends_with([' ', '\t'])))
        .map(|(i, _)| i)
    {
        line = &line[..i];
    }
    let line = line.trim();
    if line.is_empty() {
        return true;
    }
    if line.starts_with('-') {
        let opt = line.split_whitespace().next().unwrap_or(line);
        out.note(format!(
            "{source}:{n}: option {} skipped (not a dependency pin)",
            value::prefix(opt, 40)
        ));
        return true;
    }
    if line.contains("://") && !line.contains('@') || line.starts_with(['.', '/']) {
        out.note(format!(
            "{source}:{n}: URL or path requirement without a name skipped"
        ));
        return true;
    }
    // Per-requirement options (`--hash=...`, `--config-settings`) follow the requirement.
    let req = match line.find(" --").or_else(|| line.find("\t--")) {
        Some(i) => &line[..i],
        None => line,
    };
    match pep508(req) {
        Ok(r) => out.push(pypi_dep(r, source, None)),
        Err(e) => {
            out.note(format!("{source}:{n}: not a requirement ({e})"));
            true
        }
    }
}

/// Parses `pyproject.toml`: `[project] dependencies` and `optional-dependencies`, PEP 735
/// `[dependency-groups]`, and Poetry `[tool.poetry.dependencies]`, `dev-dependencies` and
/// `[tool.poetry.group.<name>.dependencies]`.
pub fn parse_pyproject(text: &str, source: &str) -> DepList {
    let mut out = DepList::default();
    let Some(text) = out.capped(text, source) else {
        return out;
    };
    let doc: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            out.note(format!(
                "{source}: invalid TOML: {}",
                value::prefix(&e.to_string(), 300)
            ));
            return out;
        }
    };
    let project = doc.get("project").and_then(toml::Value::as_table);
    if let Some(p) = project {
        pep508_list(
            p.get("dependencies"),
            "project.dependencies",
            None,
            source,
            &mut out,
        );
        if let Some(groups) = p
            .get("optional-dependencies")
            .and_then(toml::Value::as_table)
        {
            for (g, list) in groups {
                let key = format!("project.optional-dependencies.{g}");
                pep508_list(
                    Some(list),
                    &key,
                    Some(format!("optional-dependencies.{g}")),
                    source,
                    &mut out,
                );
            }
        }
    }
    if let Some(groups) = doc.get("dependency-groups").and_then(toml::Value::as_table) {
        for (g, list) in groups {
            let key = format!("dependency-groups.{g}");
            pep508_list(Some(list), &key, Some(key.clone()), source, &mut out);
        }
    }
    let poetry = doc
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(toml::Value::as_table);
    if let Some(poetry) = poetry {
        poetry_table(poetry.get("dependencies"), None, source, &mut out);
        poetry_table(
            poetry.get("dev-dependencies"),
            Some("poetry.dev-dependencies".to_owned()),
            source,
            &mut out,
        );
        if let Some(groups) = poetry.get("group").and_then(toml::Value::as_table) {
            for (g, t) in groups {
                poetry_table(
                    t.get("dependencies"),
                    Some(format!("poetry.group.{g}")),
                    source,
                    &mut out,
                );
            }
        }
    }
    out
}

fn pep508_list(
    list: Option<&toml::Value>,
    key: &str,
    group: Option<String>,
    source: &str,
    out: &mut DepList,
) {
    let Some(list) = list else { return };
    let Some(items) = list.as_array() else {
        out.note(format!("{source}: {key} should be a list of strings"));
        return;
    };
    for item in items {
        match item.as_str() {
            Some(s) => match pep508(s) {
                Ok(r) => {
                    if !out.push(pypi_dep(r, source, group.clone())) {
                        return;
                    }
                }
                Err(e) => out.note(format!(
                    "{source}: {key}: {:?} is not a requirement ({e})",
                    value::prefix(s, 80)
                )),
            },
            // PEP 735 `{include-group = "..."}` tables and other shapes.
            None => out.note(format!("{source}: {key}: a non-string entry skipped")),
        }
    }
}

/// Poetry constraint → (exact version, spec as written).
fn poetry_version(c: &str) -> Option<String> {
    let c = c.trim();
    if let Some(v) = exact_pin(c) {
        return Some(v);
    }
    // A bare version is an exact constraint in Poetry.
    let bare = !c.is_empty()
        && c.starts_with(|ch: char| ch.is_ascii_digit())
        && !c.contains(['*', ',', ' ', '|', '<', '>', '^', '~', '!', '='])
        && c.chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '.' | '+' | '-' | '_'));
    bare.then(|| c.to_owned())
}

fn poetry_table(t: Option<&toml::Value>, group: Option<String>, source: &str, out: &mut DepList) {
    let Some(t) = t else { return };
    let Some(t) = t.as_table() else {
        out.note(format!("{source}: poetry dependencies should be a table"));
        return;
    };
    for (raw_name, v) in t {
        if raw_name.eq_ignore_ascii_case("python") {
            continue;
        }
        let name = normalise_pypi_name(raw_name);
        if name.is_empty() {
            continue;
        }
        let (spec, extras, markers) = match v {
            toml::Value::String(s) => (Some(s.clone()), Vec::new(), None),
            toml::Value::Table(m) => {
                let spec = m
                    .get("version")
                    .and_then(toml::Value::as_str)
                    .map(str::to_owned)
                    .or_else(|| {
                        ["git", "url", "path"].iter().find_map(|k| {
                            m.get(*k)
                                .and_then(toml::Value::as_str)
                                .map(|u| format!("{k}: {u}"))
                        })
                    });
                let extras = m
                    .get("extras")
                    .and_then(toml::Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(toml::Value::as_str)
                            .map(normalise_pypi_name)
                            .collect()
                    })
                    .unwrap_or_default();
                let markers = m
                    .get("markers")
                    .and_then(toml::Value::as_str)
                    .map(str::to_owned);
                (spec, extras, markers)
            }
            toml::Value::Array(_) => {
                out.note(format!(
                    "{source}: poetry dependency {raw_name} has multiple constraints; recorded without a version"
                ));
                (None, Vec::new(), None)
            }
            _ => {
                out.note(format!(
                    "{source}: poetry dependency {raw_name} has an unreadable value"
                ));
                continue;
            }
        };
        let version = spec.as_deref().and_then(poetry_version);
        let dep = Dependency {
            purl: pypi_purl(&name, version.as_deref()),
            name,
            version,
            spec: spec.filter(|s| !s.is_empty()),
            source: source.to_owned(),
            extras,
            markers,
            group: group.clone(),
        };
        if !out.push(dep) {
            return;
        }
    }
}

/// Parses a conda `environment.yml`: `dependencies:` match specs become `pkg:conda` dependencies;
/// the nested `pip:` list becomes PyPI dependencies.
pub fn parse_environment_yml(text: &str, source: &str) -> DepList {
    let mut out = DepList::default();
    let Some(text) = out.capped(text, source) else {
        return out;
    };
    let doc = match value::yaml(text) {
        Ok(v) => v,
        Err((msg, line)) => {
            let at = line.map(|l| format!(" (line {l})")).unwrap_or_default();
            out.note(format!(
                "{source}: invalid YAML{at}: {}",
                value::prefix(&msg, 300)
            ));
            return out;
        }
    };
    let Some(deps) = doc.get("dependencies") else {
        return out;
    };
    let Value::Array(deps) = deps else {
        out.note(format!("{source}: dependencies should be a list"));
        return out;
    };
    // `channels:` order is a solver preference, not a per-package fact: only `channel::name` is used.
    for item in deps {
        match item {
            Value::String(s) => match conda_spec(s, source) {
                Ok(Some(d)) => {
                    if !out.push(d) {
                        return out;
                    }
                }
                Ok(None) => {}
                Err(e) => out.note(format!("{source}: {:?}: {e}", value::prefix(s, 80))),
            },
            Value::Object(m) => {
                for (k, v) in m {
                    if k != "pip" {
                        out.note(format!("{source}: dependencies entry {k:?} skipped"));
                        continue;
                    }
                    let Value::Array(list) = v else {
                        out.note(format!("{source}: pip should be a list"));
                        continue;
                    };
                    for p in list {
                        let Some(line) = p.as_str() else {
                            out.note(format!("{source}: a non-string pip entry skipped"));
                            continue;
                        };
                        let mut sub = parse_requirements(line, source);
                        for mut d in sub.dependencies.drain(..) {
                            d.group = Some("pip".to_owned());
                            if !out.push(d) {
                                return out;
                            }
                        }
                        for n in sub.notes {
                            out.note(n);
                        }
                    }
                }
            }
            Value::Number(_) | Value::Bool(_) => {
                out.note(format!("{source}: a non-string dependency skipped"))
            }
            _ => {}
        }
    }
    out
}

/// One conda match spec: `[channel::]name[ version[ build]]`, `name=ver[=build]`, `name==ver`,
/// `name>=ver`, ... `Ok(None)` for an empty entry.
fn conda_spec(s: &str, source: &str) -> Result<Option<Dependency>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.contains('[') {
        return Err("bracketed match specs are not read".to_owned());
    }
    let (channel, rest) = match s.split_once("::") {
        Some((c, r)) => (Some(c.trim()), r.trim()),
        None => (None, s),
    };
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(rest.len());
    let name = rest[..name_len].to_ascii_lowercase();
    if name.is_empty() {
        return Err("no package name".to_owned());
    }
    let tail = rest[name_len..].trim();
    let (version, build, spec) = if tail.is_empty() {
        (None, None, None)
    } else if let Some(v) = tail.strip_prefix("==") {
        let v = v.trim();
        let exact = !v.contains(['*', ',', '|', '<', '>', ' ']);
        (exact.then(|| v.to_owned()), None, Some(tail.to_owned()))
    } else if let Some(v) = tail.strip_prefix('=') {
        // `=ver` is fuzzy (ver.*); `=ver=build` (conda env export) is exact.
        match v.split_once('=') {
            Some((ver, build)) if !ver.contains('*') && !build.is_empty() => (
                Some(ver.trim().to_owned()),
                Some(build.trim().to_owned()),
                Some(tail.to_owned()),
            ),
            _ => (None, None, Some(tail.to_owned())),
        }
    } else if tail.starts_with(['<', '>', '!', '~']) {
        (None, None, Some(tail.to_owned()))
    } else {
        // Space-separated form: `name version [build]`.
        let mut parts = tail.split_whitespace();
        let ver = parts.next().unwrap_or_default();
        let build = parts.next();
        let exact = build.is_some() && !ver.contains(['*', ',', '|', '<', '>', '=']);
        (
            exact.then(|| ver.to_owned()),
            build.filter(|_| exact).map(str::to_owned),
            Some(tail.to_owned()),
        )
    };
    let mut purl = format!("pkg:conda/{}", encode(&name));
    if let Some(v) = &version {
        purl.push('@');
        purl.push_str(&encode(v));
    }
    let mut quals = Vec::new();
    if let Some(b) = &build {
        quals.push(format!("build={}", encode(b)));
    }
    if let Some(c) = channel.filter(|c| !c.is_empty()) {
        quals.push(format!("channel={}", encode(c)));
    }
    if !quals.is_empty() {
        purl.push('?');
        purl.push_str(&quals.join("&"));
    }
    Ok(Some(Dependency {
        name,
        version,
        spec,
        purl,
        source: source.to_owned(),
        extras: Vec::new(),
        markers: None,
        group: Some("conda".to_owned()),
    }))
}

/// Values of `SPDX-License-Identifier:` lines in the first 4 KiB of a code file, in order, unique.
/// Comment closers (`*/`, `-->`, `#}`, `%}`) and quotes around the value are dropped.
pub fn spdx_license_headers(text: &str) -> Vec<String> {
    const TAG: &str = "SPDX-License-Identifier:";
    let head = value::prefix(text, SPDX_HEAD);
    let mut out: Vec<String> = Vec::new();
    for line in head.lines() {
        let Some(i) = line.find(TAG) else { continue };
        let mut v = line[i + TAG.len()..].trim();
        for closer in ["*/", "-->", "#}", "%}", "\"\"\"", "'''"] {
            if let Some(s) = v.strip_suffix(closer) {
                v = s.trim_end();
            }
        }
        let v = v.trim_matches(|c| c == '"' || c == '\'' || c == ',').trim();
        if !v.is_empty() && v.len() <= 256 && !out.iter().any(|o| o == v) {
            out.push(v.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(l: &DepList) -> Vec<&str> {
        l.dependencies.iter().map(|d| d.name.as_str()).collect()
    }

    #[test]
    fn requirements() {
        let text = "\
# Runtime requirements
-r base.txt
--index-url https://pypi.example.org/simple
-e git+https://github.com/example/thing.git#egg=thing
torch==2.3.1  # pinned for CUDA 12.1
Transformers>=4.40,<5
accelerate[deepspeed, Testing]==0.30.1 ; python_version >= \"3.9\"
numpy===1.26.4
safetensors==0.4.*
Flash_Attn.Extra @ https://example.org/flash_attn-2.5.9-cp311-linux_x86_64.whl ; sys_platform == 'linux'
sentencepiece \\
    ==0.2.0 \\
    --hash=sha256:0000000000000000000000000000000000000000000000000000000000000000
https://example.org/bare-wheel-1.0-py3-none-any.whl
./local/package
tokenizers (>=0.19)
not a requirement!
";
        let l = parse_requirements(text, "requirements.txt");
        assert_eq!(
            names(&l),
            [
                "torch",
                "transformers",
                "accelerate",
                "numpy",
                "safetensors",
                "flash-attn-extra",
                "sentencepiece",
                "tokenizers"
            ]
        );
        let d = &l.dependencies;
        assert_eq!(d[0].version.as_deref(), Some("2.3.1"));
        assert_eq!(d[0].purl, "pkg:pypi/torch@2.3.1");
        assert_eq!(d[0].source, "requirements.txt");
        assert_eq!(d[1].version, None);
        assert_eq!(d[1].spec.as_deref(), Some(">=4.40,<5"));
        assert_eq!(d[1].purl, "pkg:pypi/transformers");
        assert_eq!(d[2].extras, ["deepspeed", "testing"]);
        assert_eq!(d[2].markers.as_deref(), Some("python_version >= \"3.9\""));
        assert_eq!(d[2].version.as_deref(), Some("0.30.1"));
        assert_eq!(d[3].version.as_deref(), Some("1.26.4"));
        assert_eq!(d[4].version, None);
        assert_eq!(
            d[5].spec.as_deref(),
            Some("@ https://example.org/flash_attn-2.5.9-cp311-linux_x86_64.whl")
        );
        assert_eq!(d[5].markers.as_deref(), Some("sys_platform == 'linux'"));
        assert_eq!(d[5].version, None);
        assert_eq!(d[6].version.as_deref(), Some("0.2.0"));
        assert_eq!(d[7].spec.as_deref(), Some(">=0.19"));
        assert_eq!(l.notes.len(), 6, "{:#?}", l.notes);
        assert!(l.notes[0].contains(":2: option -r"));
    }

    #[test]
    fn purl_encoding_and_names() {
        assert_eq!(normalise_pypi_name("Foo__Bar.baz-"), "foo-bar-baz");
        assert_eq!(normalise_pypi_name("A-_-b"), "a-b");
        let l = parse_requirements("torch==2.3.1+cu121\n", "r.txt");
        assert_eq!(l.dependencies[0].purl, "pkg:pypi/torch@2.3.1%2Bcu121");
    }

    #[test]
    fn pyproject() {
        let text = r#"
[project]
name = "acme-chat"
dependencies = [
  "torch>=2.1",
  "transformers==4.44.2",
  "peft[test]==0.12.0; python_version<'3.13'",
]
[project.optional-dependencies]
serve = ["vllm==0.5.4"]

[dependency-groups]
lint = ["ruff==0.6.1", {include-group = "serve"}]

[tool.poetry.dependencies]
python = "^3.10"
numpy = "1.26.4"
scipy = "^1.13"
datasets = { version = "==2.20.0", extras = ["audio"], markers = "sys_platform == 'linux'" }
mylib = { git = "https://example.org/mylib.git" }

[tool.poetry.group.dev.dependencies]
pytest = "*"
"#;
        let l = parse_pyproject(text, "pyproject.toml");
        assert_eq!(
            names(&l),
            [
                "torch",
                "transformers",
                "peft",
                "vllm",
                "ruff",
                "datasets",
                "mylib",
                "numpy",
                "scipy",
                "pytest"
            ]
        );
        let d = &l.dependencies;
        assert_eq!(d[1].purl, "pkg:pypi/transformers@4.44.2");
        assert_eq!(d[2].markers.as_deref(), Some("python_version<'3.13'"));
        assert_eq!(d[2].extras, ["test"]);
        assert_eq!(d[3].group.as_deref(), Some("optional-dependencies.serve"));
        assert_eq!(d[4].group.as_deref(), Some("dependency-groups.lint"));
        assert_eq!(d[5].version.as_deref(), Some("2.20.0"));
        assert_eq!(d[5].extras, ["audio"]);
        assert_eq!(
            d[6].spec.as_deref(),
            Some("git: https://example.org/mylib.git")
        );
        assert_eq!(d[7].version.as_deref(), Some("1.26.4"));
        assert_eq!(d[8].version, None);
        assert_eq!(d[9].group.as_deref(), Some("poetry.group.dev"));
        assert_eq!(l.notes.len(), 1, "{:?}", l.notes);

        let bad = parse_pyproject("[project\n", "p.toml");
        assert!(bad.dependencies.is_empty());
        assert!(bad.notes[0].contains("invalid TOML"));
        let deep = format!("a = {}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse_pyproject(&deep, "p.toml").dependencies.is_empty());
    }

    #[test]
    fn environment_yml() {
        let text = "\
name: acme
channels:
  - pytorch
  - conda-forge
dependencies:
  - python=3.11
  - pytorch::pytorch==2.3.1
  - numpy=1.26.4=py311h64a7726_0
  - cudatoolkit 11.8.0 h6a678d5_0
  - scipy>=1.13
  - pip
  - pip:
      - sentencepiece==0.2.0
      - -r requirements-extra.txt
      - Hello_World>=1
";
        let l = parse_environment_yml(text, "environment.yml");
        assert_eq!(
            names(&l),
            [
                "python",
                "pytorch",
                "numpy",
                "cudatoolkit",
                "scipy",
                "pip",
                "sentencepiece",
                "hello-world"
            ]
        );
        let d = &l.dependencies;
        assert_eq!(d[0].version, None);
        assert_eq!(d[0].spec.as_deref(), Some("=3.11"));
        assert_eq!(d[0].purl, "pkg:conda/python");
        assert_eq!(d[1].purl, "pkg:conda/pytorch@2.3.1?channel=pytorch");
        assert_eq!(d[2].purl, "pkg:conda/numpy@1.26.4?build=py311h64a7726_0");
        assert_eq!(d[3].purl, "pkg:conda/cudatoolkit@11.8.0?build=h6a678d5_0");
        assert_eq!(d[4].version, None);
        assert_eq!(d[6].purl, "pkg:pypi/sentencepiece@0.2.0");
        assert_eq!(d[6].group.as_deref(), Some("pip"));
        assert_eq!(l.notes.len(), 1, "{:?}", l.notes);

        let bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ndependencies: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";
        let l = parse_environment_yml(bomb, "environment.yml");
        assert!(l.dependencies.is_empty());
        assert_eq!(l.notes.len(), 1);
    }

    #[test]
    fn size_caps() {
        let big = "a==1\n".repeat(1 << 20);
        let l = parse_requirements(&big, "r.txt");
        assert!(l.dependencies.is_empty());
        assert!(l.notes[0].contains("larger than"));
        let many = "a==1\n".repeat(MAX_DEPS + 5);
        let l = parse_requirements(&many, "r.txt");
        assert_eq!(l.dependencies.len(), MAX_DEPS);
        assert_eq!(l.notes.len(), 1);
    }

    #[test]
    fn spdx_headers() {
        let code = "#!/usr/bin/env python\n# SPDX-License-Identifier: Apache-2.0\n/* SPDX-License-Identifier: MIT OR Apache-2.0 */\n<!-- SPDX-License-Identifier: CC-BY-4.0 -->\n# SPDX-License-Identifier: Apache-2.0\n";
        assert_eq!(
            spdx_license_headers(code),
            ["Apache-2.0", "MIT OR Apache-2.0", "CC-BY-4.0"]
        );
        let late = format!("{}\n# SPDX-License-Identifier: MIT\n", "x".repeat(5000));
        assert!(spdx_license_headers(&late).is_empty());
        assert!(spdx_license_headers("").is_empty());
    }
}

#[cfg(test)]
mod fixture_tests {
    use super::*;

    #[test]
    fn full_card_requirements_and_licence() {
        let dir = format!("{}/fixtures/models/full-card", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(format!("{dir}/requirements.txt")).unwrap();
        let l = parse_requirements(&text, "requirements.txt");
        let purls: Vec<&str> = l.dependencies.iter().map(|d| d.purl.as_str()).collect();
        assert_eq!(
            purls,
            [
                "pkg:pypi/transformers@4.46.0",
                "pkg:pypi/safetensors",
                "pkg:pypi/torch@2.5.1"
            ]
        );
        assert_eq!(
            l.dependencies[2].markers.as_deref(),
            Some("sys_platform == \"linux\"")
        );
        assert!(l.notes.is_empty());
        let licence = std::fs::read_to_string(format!("{dir}/LICENSE")).unwrap();
        assert_eq!(spdx_license_headers(&licence), ["Apache-2.0"]);
    }
}
