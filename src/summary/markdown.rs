//! `scan -o markdown`: the summary as GitHub-flavoured Markdown, for a CI step summary
//! (`>> $GITHUB_STEP_SUMMARY`) or a pull-request comment. Every text from the model is either a code
//! span ([`code`]: backtick fences longer than any run inside, pipes escaped in tables) or escaped text
//! ([`text`]: Markdown and HTML punctuation, GitHub math and line breaks neutralised), so a file name or a
//! card cannot add a link, an image, raw HTML or a table cell. Long lists are cut ([`MAX_FINDINGS`],
//! [`MAX_FILES`]) with a note saying how many rows were left out, to stay well inside GitHub's 65,536
//! characters for a comment.

use std::fmt::Write;

use super::{dataset_licences, location, visible, Summary};
use crate::report::{group_digits, human_bytes};

/// At most this many findings are listed (the most severe first).
pub const MAX_FINDINGS: usize = 100;
/// At most this many files are listed (in inventory order).
pub const MAX_FILES: usize = 200;

/// `s` as a Markdown code span. In a table (`in_table`) its pipes are escaped, as GitHub's table
/// syntax requires even inside code; line breaks become spaces.
pub fn code(s: &str, in_table: bool) -> String {
    let mut s = visible(s).replace(['\n', '\r'], " ");
    if in_table {
        s = s.replace('|', "\\|");
    }
    if s.is_empty() {
        return String::new();
    }
    let longest = s
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or_default();
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`')
        || s.ends_with('`')
        || (s.starts_with(' ') && s.ends_with(' ') && !s.trim().is_empty())
    {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// `s` as plain Markdown text: every character Markdown, GitHub's extensions (tables, strikethrough,
/// math) or HTML would read as syntax is backslash-escaped, and line breaks become spaces, so the text
/// stays one run of literal characters wherever it is put (a table cell, a list item, a heading).
pub fn text(s: &str) -> String {
    let s = visible(s);
    let mut out = String::with_capacity(s.len() + 8);
    for (i, c) in s.chars().enumerate() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '!' | '~' | '#' | '&' | '$' => {
                out.push('\\');
                out.push(c);
            }
            // A list marker, setext underline or ordered-list number at the start of a line.
            '-' | '+' | '=' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            '.' | ')' if out.chars().all(|d| d.is_ascii_digit()) && !out.is_empty() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The Markdown summary. Identical summaries give identical bytes.
pub fn render(s: &Summary) -> String {
    let mut m = String::with_capacity(8 * 1024 + s.files.len().min(MAX_FILES) * 200);
    let f = s.facts;
    let _ = writeln!(m, "## aibom report: {}\n", text(s.name));
    m.push_str("| Fact | Value |\n| --- | --- |\n");
    let mut row = |k: &str, v: String| {
        let _ = writeln!(m, "| {k} | {v} |");
    };
    row("Model", text(s.name));
    if let Some(r) = &f.repo_id {
        row("Repository", code(r, true));
    }
    row(
        "Revision",
        f.revision
            .as_deref()
            .map(|r| code(r, true))
            .unwrap_or_else(|| "unknown".to_string()),
    );
    row("OMS root digest", code(s.digest, true));
    row(
        "Licence",
        match s.licence.how {
            Some(_) => text(&s.licence_line()),
            None => "**none found**".to_string(),
        },
    );
    let missing = s.missing();
    row(
        "Completeness",
        if missing.is_empty() {
            format!("{}/100", s.completeness.score)
        } else {
            format!(
                "{}/100; missing: {}",
                s.completeness.score,
                missing.iter().map(|i| i.key).collect::<Vec<_>>().join(", ")
            )
        },
    );
    row("Findings", s.finding_counts());
    row("Openness (MOF)", text(s.openness.label));
    if let Some(t) = &f.task {
        row("Task", text(t));
    }
    if let Some(a) = &s.architecture {
        row("Architecture", text(a));
    }
    if let Some(p) = s.parameters() {
        row("Parameters", p);
    }
    if let Some(d) = s.dtypes() {
        row("Dtypes", text(&d));
    }
    if !f.quantization.is_empty() {
        row("Quantization", text(&f.quantization.join(", ")));
    }
    if let Some(c) = f.context_length {
        row("Context", format!("{} tokens", group_digits(c)));
    }
    if f.chat_template {
        row(
            "Chat template",
            if f.chat_template_files.is_empty() {
                "present".to_string()
            } else {
                format!(
                    "present in {}",
                    f.chat_template_files
                        .iter()
                        .map(|p| code(p, true))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
        );
    }
    if let Some(l) = &f.library_name {
        row("Library", text(l));
    }
    row(
        "Files",
        format!(
            "{} ({}) in {}, a {}",
            s.total_files,
            human_bytes(s.total_bytes),
            code(s.dir_name, true),
            s.kind
        ),
    );
    m.push('\n');

    lineage(&mut m, s);
    findings(&mut m, s);
    licence(&mut m, s);
    completeness(&mut m, s);
    files(&mut m, s);
    let _ = writeln!(
        m,
        "<sub>Generated by {} from the files of {} ({}){}.</sub>",
        text(&s.tool),
        code(s.dir_name, false),
        s.kind,
        s.timestamp
            .map(|t| format!(" at {}", text(t)))
            .unwrap_or_default()
    );
    m
}

fn lineage(m: &mut String, s: &Summary) {
    let f = s.facts;
    m.push_str("### Lineage\n\n");
    let bases = if f.base_models.is_empty() {
        "none declared".to_string()
    } else {
        f.base_models
            .iter()
            .map(|b| match &b.relation {
                Some(r) => format!("{} ({})", code(&b.id, false), text(r)),
                None => code(&b.id, false),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let datasets = if f.datasets.is_empty() {
        "none declared".to_string()
    } else {
        f.datasets
            .iter()
            .map(|d| match dataset_licences(d) {
                Some(l) => format!("{} ({})", code(&d.name, false), text(&l)),
                None => code(&d.name, false),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        m,
        "- Base models: {bases}\n- Model: {}\n- Datasets: {datasets}",
        text(s.name)
    );
    for l in &s.links {
        let _ = writeln!(m, "- Cited {}: {}", l.kind, code(l.url, false));
    }
    m.push('\n');
}

fn findings(m: &mut String, s: &Summary) {
    let total: usize = s.findings.iter().map(|(_, f)| f.len()).sum();
    if total == 0 {
        m.push_str("### Findings\n\nNo findings.\n\n");
        return;
    }
    let _ = writeln!(
        m,
        "### Findings ({total}: {})\n\n| Severity | Code | File | Evidence | Message |\n\
         | --- | --- | --- | --- | --- |",
        s.finding_counts()
    );
    for (sev, f) in s
        .findings
        .iter()
        .flat_map(|(sev, list)| list.iter().map(move |f| (sev, f)))
        .take(MAX_FINDINGS)
    {
        let _ = writeln!(
            m,
            "| {} | {} | {} | {} | {} |",
            sev.as_str(),
            code(f.code, true),
            location(f)
                .map(|l| code(&l, true))
                .unwrap_or_else(|| "the model".to_string()),
            code(&f.evidence, true),
            text(&f.message)
        );
    }
    if total > MAX_FINDINGS {
        let _ = writeln!(
            m,
            "\n{} more finding(s) not listed: see the HTML report or the BOM.",
            total - MAX_FINDINGS
        );
    }
    m.push('\n');
}

fn licence(m: &mut String, s: &Summary) {
    let all = s.licence.all;
    m.push_str("### Licence\n\n");
    match s.licence.how {
        Some(how) => {
            let _ = writeln!(
                m,
                "{} ({how})",
                s.licence
                    .shown
                    .iter()
                    .map(|l| code(l, false))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        None => m.push_str("**No licence found.**\n"),
    }
    if all.use_restricted {
        m.push_str("\nThe licence restricts use.\n");
    }
    for c in &all.conflicts {
        let _ = writeln!(m, "\n- Conflict: {}", text(c));
    }
    for r in &all.restrictions {
        let _ = writeln!(m, "\n- Restriction: {}", text(r));
    }
    if all.evidence.is_empty() {
        m.push_str("\nNo licence statement in the files.\n\n");
        return;
    }
    let _ = writeln!(
        m,
        "\n<details><summary>Evidence ({} statement{})</summary>\n",
        all.evidence.len(),
        if all.evidence.len() == 1 { "" } else { "s" }
    );
    for e in &all.evidence {
        let _ = writeln!(m, "- {}", code(e, false));
    }
    m.push_str("\n</details>\n\n");
}

fn completeness(m: &mut String, s: &Summary) {
    let missing = s.missing();
    let _ = writeln!(m, "### Completeness: {}/100\n", s.completeness.score);
    if missing.is_empty() {
        m.push_str("Nothing missing.\n\n");
        return;
    }
    m.push_str("| Missing | Weight | What it looks for |\n| --- | --: | --- |\n");
    for i in missing {
        // The hints are aibom's own text, with their code spans.
        let _ = writeln!(m, "| {} | {} | {} |", i.key, i.weight, i.hint);
    }
    m.push('\n');
}

fn files(m: &mut String, s: &Summary) {
    let _ = writeln!(
        m,
        "<details><summary>Files: {} ({}): {}</summary>\n\n\
         | Path | Role | Format | Size | Parameters | SHA-256 |\n| --- | --- | --- | --: | --: | --- |",
        s.total_files,
        human_bytes(s.total_bytes),
        text(&s.roles)
    );
    for r in s.files.iter().take(MAX_FILES) {
        let f = r.file;
        let _ = writeln!(
            m,
            "| {}{} | {} | {} | {} | {} | {} |",
            code(&f.path, true),
            if f.symlink { " (symlink)" } else { "" },
            f.role.as_str(),
            f.format.as_str(),
            human_bytes(f.size),
            r.parameters.map(group_digits).unwrap_or_default(),
            code(&f.sha256, true)
        );
    }
    if s.files.len() > MAX_FILES {
        let _ = writeln!(
            m,
            "\n{} more file(s) not listed: see the HTML report or the BOM.",
            s.files.len() - MAX_FILES
        );
    }
    m.push_str("\n</details>\n\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_outfence_backticks_and_escape_pipes_in_tables() {
        assert_eq!(code("model.bin", true), "`model.bin`");
        assert_eq!(code("a`b", false), "``a`b``");
        assert_eq!(code("``x", false), "``` ``x ```");
        assert_eq!(code("a|b", true), "`a\\|b`");
        assert_eq!(code("a|b", false), "`a|b`");
        assert_eq!(code("two\nlines", false), "`two lines`");
        assert_eq!(code("", true), "");
    }

    #[test]
    fn text_is_literal() {
        assert_eq!(text("a|b"), "a\\|b");
        assert_eq!(
            text("<img src=x onerror=alert(1)>"),
            "\\<img src=x onerror=alert(1)\\>"
        );
        assert_eq!(text("![x](http://e/x.png)"), "\\!\\[x\\](http://e/x.png)");
        assert_eq!(
            text("*bold* _it_ ~~s~~"),
            "\\*bold\\* \\_it\\_ \\~\\~s\\~\\~"
        );
        assert_eq!(text("$x^2$"), "\\$x^2\\$");
        assert_eq!(text("- item"), "\\- item");
        assert_eq!(text("12. item"), "12\\. item");
        assert_eq!(text("v1.2 and 3.4"), "v1.2 and 3.4");
        assert_eq!(text("a\nb"), "a b");
        assert_eq!(text("&amp;"), "\\&amp;");
    }
}
