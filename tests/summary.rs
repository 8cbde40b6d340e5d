//! The at-a-glance reports, `aibom scan -o html` and `-o markdown`: the key facts of every fixture model
//! are on the page (name, revision, OMS root digest, licence and its evidence, completeness and what is
//! missing, lineage, every finding with its file, every file with its hash); the page is one
//! self-contained document (only the tags and attributes the renderer writes, nothing that fetches,
//! a Content-Security-Policy), accessible in structure (one `h1`, no skipped heading level, captioned
//! tables with header scopes, a labelled SVG); a hostile model — markup in its file names and card, a
//! bidirectional override in a name, pipes and backticks — cannot add markup, links or table cells to
//! either report; the bytes are deterministic and the façade's equal the binary's. Every HTML and
//! Markdown report built here is written to `$AIBOM_REPORT_DUMP` (when set), with the facts a reader
//! must find in it (`<name>.facts.json`), for the browser test of the interop suite
//! (tests/interop/html_report.sh).

use std::collections::BTreeSet;
use std::path::Path;

use aibom::hash::NoProgress;
use aibom::output::ReportFormat;
use aibom::pipeline::{self, Scan, ScanOptions};
use serde_json::json;

mod util;
use util::{aibom, code, err, out, run, temp_model, TempModel};

fn scan(path: &Path) -> Scan {
    pipeline::scan(path, &ScanOptions::default(), &NoProgress).unwrap()
}

fn html(s: &Scan) -> String {
    s.render(ReportFormat::Html, None)
}

fn markdown(s: &Scan) -> String {
    s.render(ReportFormat::Markdown, None)
}

/// Write both reports of `s` to `$AIBOM_REPORT_DUMP` (when set) as `<name>.html` and `<name>.md`, with
/// `<name>.facts.json`: texts the rendered page must show.
fn dump(name: &str, s: &Scan) {
    let Some(dir) = std::env::var_os("AIBOM_REPORT_DUMP") else {
        return;
    };
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(format!("{name}.html")), html(s)).unwrap();
    std::fs::write(dir.join(format!("{name}.md")), markdown(s)).unwrap();
    let f = s.facts();
    let licence = f
        .licenses
        .for_model()
        .map(|(e, _)| e[0].display.clone())
        .unwrap_or_else(|| "none found".to_string());
    // As the page shows them: invisible characters written out.
    let shown = |t: &str| aibom::summary::visible(t).into_owned();
    let facts = json!({
        "name": shown(&f.name),
        "digest": s.inventory.model.digest,
        "licence": licence,
        "completeness": format!("{}/100", s.analysis.completeness.score),
        "finding_code": s.findings().first().map(|x| x.code),
        "file": s.inventory.files.last().map(|x| shown(&x.path)),
    });
    std::fs::write(
        dir.join(format!("{name}.facts.json")),
        serde_json::to_string_pretty(&facts).unwrap() + "\n",
    )
    .unwrap();
}

/// HTML-escape as the renderer must (the five characters that matter).
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// One start tag: its name and attributes (name, value), as written.
#[derive(Debug)]
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

/// The start tags of a document the renderer wrote: attributes are `name="value"` or bare names, the
/// contents of `<style>` are skipped, end tags, comments and the doctype are left out. Anything a
/// hostile text managed to insert as markup shows up here as a tag or an attribute.
fn start_tags(doc: &str) -> Vec<Tag> {
    let mut tags = Vec::new();
    let mut rest = doc;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if rest.starts_with('/') || rest.starts_with('!') {
            continue;
        }
        let end = rest.find('>').expect("tag closes");
        let inner = rest[..end].trim_end_matches('/');
        let name_end = inner
            .find(|c: char| c.is_whitespace())
            .unwrap_or(inner.len());
        let name = inner[..name_end].to_ascii_lowercase();
        let mut attrs = Vec::new();
        let mut a = inner[name_end..].trim_start();
        while !a.is_empty() {
            let n_end = a
                .find(|c: char| c == '=' || c.is_whitespace())
                .unwrap_or(a.len());
            let an = a[..n_end].to_string();
            a = &a[n_end..];
            if let Some(v) = a.strip_prefix("=\"") {
                let q = v.find('"').expect("attribute value closes");
                attrs.push((an, v[..q].to_string()));
                a = v[q + 1..].trim_start();
            } else if let Some(v) = a.strip_prefix('=') {
                // Unquoted (never written by the renderer): up to the next space.
                let e = v.find(char::is_whitespace).unwrap_or(v.len());
                attrs.push((an, v[..e].to_string()));
                a = v[e..].trim_start();
            } else {
                attrs.push((an, String::new()));
                a = a.trim_start();
            }
        }
        rest = &rest[end + 1..];
        if name == "style" {
            let close = rest.find("</style>").expect("style closes");
            rest = &rest[close..];
        }
        tags.push(Tag { name, attrs });
    }
    tags
}

const TAGS: &[&str] = &[
    "html", "head", "meta", "title", "style", "body", "header", "p", "h1", "h2", "h3", "nav", "ul",
    "ol", "li", "a", "main", "section", "dl", "div", "dt", "dd", "code", "span", "strong", "svg",
    "defs", "marker", "path", "text", "g", "rect", "table", "caption", "thead", "tbody", "tr",
    "th", "td", "footer", "time",
];
const ATTRS: &[&str] = &[
    "lang",
    "charset",
    "name",
    "content",
    "http-equiv",
    "class",
    "id",
    "href",
    "rel",
    "role",
    "aria-label",
    "aria-labelledby",
    "aria-hidden",
    "focusable",
    "viewBox",
    "preserveAspectRatio",
    "width",
    "height",
    "rx",
    "x",
    "y",
    "d",
    "refX",
    "refY",
    "markerWidth",
    "markerHeight",
    "orient",
    "marker-end",
    "text-anchor",
    "scope",
    "tabindex",
    "title",
    "datetime",
];

/// The structure every page must have, whatever the model: only the renderer's tags and attributes,
/// nothing that loads anything, one `h1`, headings in order, tables with captions and header scopes,
/// the lineage picture labelled.
fn check_page(what: &str, page: &str) {
    assert!(
        page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
        "{what}"
    );
    assert!(page.ends_with("</html>\n"), "{what}");
    assert!(
        page.contains("content=\"default-src 'none'; style-src 'unsafe-inline';"),
        "{what}: CSP"
    );
    assert!(
        page.contains("@media (prefers-color-scheme: dark)"),
        "{what}"
    );
    assert!(page.contains("@media print"), "{what}");
    let tags = start_tags(page);
    let mut levels = Vec::new();
    let (mut tables, mut captions) = (0, 0);
    for t in &tags {
        assert!(
            TAGS.contains(&t.name.as_str()),
            "{what}: unexpected tag <{}>",
            t.name
        );
        for (a, v) in &t.attrs {
            assert!(
                ATTRS.contains(&a.as_str()),
                "{what}: unexpected attribute {a} on <{}>",
                t.name
            );
            let lower = v.to_ascii_lowercase();
            assert!(
                !lower.contains("javascript:") && !lower.contains("data:"),
                "{what}: {a}={v}"
            );
            if a == "href" {
                assert_eq!(t.name, "a", "{what}");
                if !v.starts_with('#') {
                    assert!(
                        v.starts_with("https://") || v.starts_with("http://"),
                        "{what}: href {v}"
                    );
                    assert!(
                        t.attrs
                            .iter()
                            .any(|(n, v)| n == "rel" && v == "noopener noreferrer"),
                        "{what}: link {v} without rel=noopener noreferrer"
                    );
                }
            } else if a != "content" {
                // Nothing but a link names another resource.
                assert!(!v.contains("://"), "{what}: {a}={v} on <{}>", t.name);
            }
            if a == "marker-end" {
                assert_eq!(v, "url(#lineage-arrow)", "{what}");
            }
        }
        match t.name.as_str() {
            "h1" | "h2" | "h3" => levels.push(t.name[1..].parse::<usize>().unwrap()),
            "table" => tables += 1,
            "caption" => captions += 1,
            "th" => assert!(
                t.attrs
                    .iter()
                    .any(|(n, v)| n == "scope" && (v == "col" || v == "row")),
                "{what}: <th> without scope"
            ),
            "svg" if t.attrs.iter().any(|(n, v)| n == "class" && v == "lineage") => {
                assert!(
                    t.attrs.iter().any(|(n, v)| n == "role" && v == "img"),
                    "{what}"
                );
                assert!(
                    t.attrs
                        .iter()
                        .any(|(n, v)| n == "aria-label" && v.starts_with("Lineage of ")),
                    "{what}"
                );
            }
            _ => {}
        }
    }
    assert_eq!(
        levels.first(),
        Some(&1),
        "{what}: the first heading is the h1"
    );
    assert_eq!(
        levels.iter().filter(|&&l| l == 1).count(),
        1,
        "{what}: one h1"
    );
    for w in levels.windows(2) {
        assert!(w[1] <= w[0] + 1, "{what}: heading levels skip: {levels:?}");
    }
    assert!(tables >= 2, "{what}");
    assert_eq!(tables, captions, "{what}: every table has a caption");
    // Each in a region that scrolls sideways on a narrow screen, reachable by keyboard.
    assert_eq!(
        page.matches("<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"")
            .count(),
        tables,
        "{what}: every table in a scroll region"
    );
    assert!(page.contains("<svg class=\"lineage\""), "{what}");
    assert!(page.contains("<title>Lineage of "), "{what}");
    // The style sheet loads nothing.
    let css = &page[page.find("<style>").unwrap()..page.find("</style>").unwrap()];
    assert!(!css.contains("@import") && !css.contains("url("), "{what}");
    assert!(!css.contains("@font-face"), "{what}");
}

/// The rows of every Markdown table in `md`: cells split on unescaped pipes (GitHub's rule, code
/// spans included), leading and trailing pipe dropped.
fn table_rows(md: &str) -> Vec<Vec<String>> {
    md.lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| {
            let mut cells = Vec::new();
            let mut cur = String::new();
            let mut chars = l.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '\\' if chars.peek() == Some(&'|') => {
                        cur.push('|');
                        chars.next();
                    }
                    '|' => cells.push(std::mem::take(&mut cur)),
                    c => cur.push(c),
                }
            }
            cells.push(cur);
            cells.remove(0);
            cells.pop();
            cells.into_iter().map(|c| c.trim().to_string()).collect()
        })
        .collect()
}

/// The text of a code span as GitHub shows it (fences and one padding space removed).
fn unfence(cell: &str) -> Option<String> {
    let n = cell.len() - cell.trim_start_matches('`').len();
    if n == 0 || !cell.ends_with(&"`".repeat(n)) || cell.len() < 2 * n {
        return None;
    }
    let inner = &cell[n..cell.len() - n];
    let inner = if inner.len() >= 2 && inner.starts_with(' ') && inner.ends_with(' ') {
        &inner[1..inner.len() - 1]
    } else {
        inner
    };
    Some(inner.to_string())
}

/// Every table has as many cells in each row as in its header.
fn check_markdown_tables(what: &str, md: &str) {
    let mut width = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            width = None;
            continue;
        }
        let n = table_rows(line)[0].len();
        match width {
            None => width = Some(n),
            Some(w) => assert_eq!(n, w, "{what}: row with {n} cells, header has {w}: {line}"),
        }
    }
}

#[test]
fn every_fixture_model_shows_its_key_facts() {
    let models = util::fixture_models();
    assert!(models.len() >= 5, "{models:?}");
    for (name, path) in models {
        let s = scan(&path);
        let (page, md) = (html(&s), markdown(&s));
        dump(&name, &s);
        check_page(&name, &page);
        check_markdown_tables(&name, &md);
        let f = s.facts();
        let inv = &s.inventory;

        // Identity, revision and digest.
        assert_eq!(
            page.matches("<h1>").count(),
            1,
            "{name}: one h1 naming the model"
        );
        assert!(
            page.contains(&format!("<h1>{}</h1>", esc(&f.name))),
            "{name}"
        );
        assert!(
            md.starts_with(&format!("## aibom report: {}\n", f.name)),
            "{name}"
        );
        assert!(page.contains(&inv.model.digest), "{name}");
        assert!(md.contains(&format!("`{}`", inv.model.digest)), "{name}");
        match &f.revision {
            Some(r) => assert!(page.contains(&esc(r)) && md.contains(r.as_str()), "{name}"),
            None => {
                assert!(
                    page.contains("<dt>Revision</dt><dd><span class=\"missing\">unknown</span>")
                );
                assert!(md.contains("| Revision | unknown |"), "{name}");
            }
        }

        // The licence, how it is known, and every line of evidence.
        match f.licenses.for_model() {
            Some((entries, ack)) => {
                for e in entries {
                    assert!(page.contains(&esc(&e.display)), "{name}: {}", e.display);
                    assert!(md.contains(&format!("`{}`", e.display)), "{name}");
                }
                assert!(page.contains(&format!("<span class=\"tag\">{}</span>", ack.as_str())));
                assert!(md.contains(&format!("({})", ack.as_str())), "{name}");
            }
            None => {
                assert!(page.contains("No licence found."), "{name}");
                assert!(md.contains("| Licence | **none found** |"), "{name}");
            }
        }
        for e in &f.licenses.evidence {
            assert!(
                page.contains(&format!("<li><code>{}</code></li>", esc(e))),
                "{name}: {e}"
            );
            assert!(md.contains(&format!("- `{e}`")), "{name}: {e}");
        }

        // Completeness and every missing item.
        let c = &s.analysis.completeness;
        assert!(
            page.contains(&format!("<strong>{}/100</strong>", c.score)),
            "{name}"
        );
        let missing = c.missing();
        if !missing.is_empty() {
            let line = format!("missing: {}", missing.join(", "));
            assert!(page.contains(&line), "{name}: {line}");
            assert!(md.contains(&format!("{}/100; {line} |", c.score)), "{name}");
        }
        for i in &c.items {
            let status = if i.present {
                "✓ present"
            } else {
                "✗ missing"
            };
            assert!(
                page.contains(&format!("<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"status\"><span class=\"{}\">{status}</span>",
                    i.key, i.weight, if i.present { "ok" } else { "missing" })),
                "{name}: {}", i.key
            );
        }

        // Lineage.
        for b in &f.base_models {
            assert!(
                page.contains(&format!("<code>{}</code>", esc(&b.id))),
                "{name}"
            );
            assert!(md.contains(&format!("`{}`", b.id)), "{name}");
        }
        for d in &f.datasets {
            assert!(
                page.contains(&format!("<code>{}</code>", esc(&d.name))),
                "{name}"
            );
            assert!(md.contains(&format!("`{}`", d.name)), "{name}");
        }

        // Findings, by severity, with file and message.
        let rows = table_rows(&md);
        for x in s.findings() {
            let sev = x.severity.as_str();
            assert!(
                page.contains(&format!("<h3 id=\"findings-{sev}\">")),
                "{name}"
            );
            let file = x
                .path
                .as_deref()
                .map(|p| format!("<code>{}</code>", esc(p)))
                .unwrap_or_else(|| "the model".into());
            assert!(
                page.contains(&format!(
                    "<tr><th scope=\"row\"><code>{}</code></th><td>{file}</td>",
                    x.code
                )),
                "{name}: {}",
                x.code
            );
            assert!(page.contains(&esc(&x.message)), "{name}: {}", x.message);
            assert!(
                rows.iter().any(|r| r.len() == 5
                    && r[0] == sev
                    && r[1] == format!("`{}`", x.code)
                    && r[2]
                        == x.path
                            .as_deref()
                            .map_or("the model".into(), |p| format!("`{p}`"))),
                "{name}: {} not in the Markdown findings",
                x.code
            );
        }
        if s.findings().is_empty() {
            assert!(page.contains("<p>No findings.</p>") && md.contains("No findings."));
        }
        // Findings come grouped, most severe first.
        let order: Vec<usize> = aibom::finding::Severity::ALL
            .iter()
            .rev()
            .filter_map(|sev| page.find(&format!("id=\"findings-{}\"", sev.as_str())))
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{name}: {order:?}");

        // Every file with its role, format, size, parameters and full hash, in inventory order.
        let mut last = 0;
        for file in &inv.files {
            let row = page[last..]
                .find(&format!(
                    "<tr><th scope=\"row\"><code>{}</code>",
                    esc(&file.path)
                ))
                .unwrap_or_else(|| panic!("{name}: {} missing or out of order", file.path));
            last += row;
            let tr = &page[last..last + page[last..].find("</tr>").unwrap()];
            assert!(tr.contains(&format!(
                "<td>{}</td><td>{}</td>",
                file.role.as_str(),
                file.format.as_str()
            )));
            assert!(
                tr.contains(&format!("<code>{}</code>", file.sha256)),
                "{name}"
            );
            assert!(
                rows.iter().any(|r| r.len() == 6
                    && unfence(&r[0]).as_deref() == Some(file.path.as_str())
                    && r[1] == file.role.as_str()
                    && r[5] == format!("`{}`", file.sha256)),
                "{name}: {} not in the Markdown file table",
                file.path
            );
        }
        if let Some(p) = f.parameters {
            // Per-file counts add up to the model's (one weights format in every fixture).
            let per_file: u64 = rows
                .iter()
                .filter(|r| {
                    r.len() == 6 && !r[4].is_empty() && r[4] != "Parameters" && r[4] != "--:"
                })
                .map(|r| r[4].replace(',', "").parse::<u64>().unwrap())
                .sum();
            assert_eq!(per_file, p, "{name}");
        }

        // Openness, cheaply: the class label of `aibom assess`.
        let a = aibom::openness::assess::assess(&s, &path.to_string_lossy(), &Default::default());
        assert!(
            page.contains(&format!("<strong>{}</strong>", a.mof.classification.label)),
            "{name}"
        );
        assert!(
            md.contains(&format!(
                "| Openness (MOF) | {} |",
                a.mof.classification.label
            )),
            "{name}"
        );
    }
}

#[test]
fn reports_are_the_binary_bytes_and_deterministic() {
    let path = util::fixture("models/full-card");
    let s = scan(&path);
    let dir = tempfile::tempdir().unwrap();
    let (h, m) = (dir.path().join("r.html"), dir.path().join("r.md"));
    let o = run(aibom()
        .arg("scan")
        .arg(&path)
        .arg("-q")
        .arg("-o")
        .arg(format!("html={}", h.display()))
        .arg("-o")
        .arg(format!("markdown={}", m.display())));
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert_eq!(std::fs::read_to_string(&h).unwrap(), html(&s));
    assert_eq!(std::fs::read_to_string(&m).unwrap(), markdown(&s));
    // Again, from another scan: the same bytes.
    let again = scan(&path);
    assert_eq!(html(&again), html(&s));
    assert_eq!(markdown(&again), markdown(&s));
    // Stdout is the same as a file.
    let o = run(aibom().arg("scan").arg(&path).args(["-q", "-o", "html"]));
    assert_eq!(out(&o), html(&s));

    // The same files in another place give the same bytes: no absolute path, no clock.
    let copy = |into: &Path| {
        let m = into.join("full-card");
        for e in walk(&path) {
            let rel = e.strip_prefix(&path).unwrap();
            util::write(&m, &rel.to_string_lossy(), &std::fs::read(&e).unwrap());
        }
        m
    };
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (sa, sb) = (scan(&copy(a.path())), scan(&copy(b.path())));
    assert_eq!(html(&sa), html(&sb));
    assert_eq!(markdown(&sa), markdown(&sb));
    assert!(!html(&s).contains("<time") && !markdown(&s).contains(" at "));

    // A timestamp only when one is given, and then exactly it.
    let o = run(aibom()
        .arg("scan")
        .arg(&path)
        .arg("-q")
        .arg("-o")
        .arg(format!("html={}", h.display()))
        .arg("-o")
        .arg(format!("markdown={}", m.display()))
        .env("SOURCE_DATE_EPOCH", "1700000000"));
    assert_eq!(code(&o), 0, "{}", err(&o));
    let (th, tm) = (
        std::fs::read_to_string(&h).unwrap(),
        std::fs::read_to_string(&m).unwrap(),
    );
    assert!(th.contains("<time datetime=\"2023-11-14T22:13:20Z\">2023-11-14T22:13:20Z</time>"));
    assert!(tm.contains(") at 2023-11-14T22:13:20Z.</sub>"), "{tm}");
    let ts = Some("2023-11-14T22:13:20Z");
    assert_eq!(th, s.render(ReportFormat::Html, ts));
    assert_eq!(tm, s.render(ReportFormat::Markdown, ts));
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            v.extend(walk(&p));
        } else {
            v.push(p);
        }
    }
    v.sort();
    v
}

/// A model whose file names and card try to add markup, script, links and table cells to a report.
fn hostile_model() -> TempModel {
    temp_model(&[
        ("<script>alert(1)</script>.bin", b"x"),
        ("a|b`c``d.txt", b"a"),
        ("evil\u{202E}gpj.exe", b"b"),
        ("<img src=x onerror=alert(2)>.json", b"{}"),
        (
            "README.md",
            b"---\nlicense: apache-2.0\nbase_model: \"<svg onload=alert(3)>\"\nbase_model_relation: finetune\n\
              datasets:\n- \"x\\\" onmouseover=\\\"alert(4)\"\n- \"a|b`c\"\n---\n\
              # <img src=x onerror=alert(5)> Evil | model `tick`\n\n\
              <script>alert('card')</script> A model that <b>bolds</b> things & more | pipes ![i](https://evil.example/t.png). \
              See [paper](https://arxiv.org/abs/2401.00001) and [code](https://github.com/evil/repo\"><script>alert(6)</script>) \
              and [x](javascript:alert(7)).\n\n## Intended uses\n\n<iframe src=\"https://evil.example/\"></iframe>\n",
        ),
    ])
}

#[test]
fn a_hostile_model_cannot_inject_markup_or_cells() {
    let m = hostile_model();
    let s = scan(m.path());
    let page = html(&s);
    let md = markdown(&s);
    dump("hostile", &s);
    check_page("hostile", &page);
    check_markdown_tables("hostile", &md);

    // The page has none of the model's markup, only its text (check_page saw no tag or attribute
    // the renderer does not write).
    let lower = page.to_ascii_lowercase();
    for bad in ["<script", "<img", "<iframe", "<svg onload", "<b>"] {
        assert!(!lower.contains(bad), "{bad} in the page");
    }
    assert!(page.contains("<code>&lt;script&gt;alert(1)&lt;/script&gt;.bin</code>"));
    assert!(page.contains("<code>&lt;img src=x onerror=alert(2)&gt;.json</code>"));
    assert!(page.contains("<h1>&lt;img src=x onerror=alert(5)&gt; Evil | model `tick`</h1>"));
    assert!(page.contains("&lt;script&gt;alert(&#39;card&#39;)&lt;/script&gt; A model that &lt;b&gt;bolds&lt;/b&gt; things &amp; more"));
    assert!(page.contains("<code>&lt;svg onload=alert(3)&gt;</code>"));
    assert!(page.contains("<code>x&quot; onmouseover=&quot;alert(4)</code>"));
    // A bidirectional override is shown, not obeyed.
    assert!(!page.contains('\u{202E}') && !md.contains('\u{202E}'));
    assert!(page.contains("<code>evil[U+202E]gpj.exe</code>"));
    // The card's links: plain web links become noopener anchors, the rest stay text.
    assert!(
        page.contains("<a href=\"https://arxiv.org/abs/2401.00001\" rel=\"noopener noreferrer\">")
    );
    assert!(!lower.contains("href=\"javascript"));

    // Markdown: the model's text is a code span or escaped text, never syntax.
    let rows = table_rows(&md);
    let paths: BTreeSet<String> = rows
        .iter()
        .filter(|r| r.len() == 6)
        .filter_map(|r| unfence(&r[0]))
        .collect();
    for p in [
        "<script>alert(1)</script>.bin",
        "a|b`c``d.txt",
        "evil[U+202E]gpj.exe",
        "<img src=x onerror=alert(2)>.json",
        "README.md",
    ] {
        assert!(paths.contains(p), "{p} not a cell of its own: {paths:?}");
    }
    assert!(md.contains("| ```a\\|b`c``d.txt``` |"), "{md}");
    assert!(md.starts_with(
        "## aibom report: \\<img src=x onerror=alert(5)\\> Evil \\| model \\`tick\\`\n"
    ));
    assert!(md.contains("| Model | \\<img src=x onerror=alert(5)\\> Evil \\| model \\`tick\\` |"));
    // Outside code spans no raw `<` but the report's own <details>, <summary> and <sub>, and no
    // link or image syntax at all.
    let prose = strip_code_spans(&md);
    for (i, _) in prose.match_indices('<') {
        let rest = &prose[i..];
        assert!(
            [
                "<details>",
                "</details>",
                "<summary>",
                "</summary>",
                "<sub>",
                "</sub>"
            ]
            .iter()
            .any(|t| rest.starts_with(t))
                || prose[..i].ends_with('\\'),
            "raw markup in the Markdown: {}",
            &rest[..rest.len().min(40)]
        );
    }
    assert!(!prose.contains("](") && !prose.contains("!["), "{prose}");
}

/// `md` with its code spans removed (a backtick run opens a span that the next run of the same length
/// closes, as CommonMark reads them).
fn strip_code_spans(md: &str) -> String {
    let mut out = String::new();
    let b = md.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            out.push_str(&md[i..i + 2]);
            i += 2;
            continue;
        }
        if b[i] == b'`' {
            let n = md[i..].len() - md[i..].trim_start_matches('`').len();
            let fence = "`".repeat(n);
            let mut j = i + n;
            let mut closed = None;
            while let Some(k) = md[j..].find(&fence) {
                let at = j + k;
                let run = md[at..].len() - md[at..].trim_start_matches('`').len();
                if run == n {
                    closed = Some(at + n);
                    break;
                }
                j = at + run;
            }
            match closed {
                Some(end) => i = end,
                None => {
                    out.push_str(&fence);
                    i += n;
                }
            }
            continue;
        }
        let c = md[i..].chars().next().unwrap();
        out.push(c);
        i += c.len_utf8();
    }
    out
}

#[test]
fn markdown_lists_are_capped_with_a_note() {
    let names: Vec<String> = (0..230).map(|i| format!("f{i:03}.txt")).collect();
    let files: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    let m = temp_model(&files);
    let s = scan(m.path());
    let md = markdown(&s);
    let listed = table_rows(&md)
        .iter()
        .filter(|r| r.len() == 6 && r[0].starts_with("`f"))
        .count();
    assert_eq!(listed, aibom::summary::markdown::MAX_FILES);
    assert!(md.contains("\n30 more file(s) not listed: see the HTML report or the BOM.\n"));
    // The HTML lists them all.
    assert_eq!(
        html(&s).matches("<tr><th scope=\"row\"><code>f").count(),
        230
    );
}

#[test]
fn help_and_errors_name_the_formats() {
    let o = run(aibom().args(["scan", "x", "-o", "pdf"]));
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("html, markdown"), "{}", err(&o));
}
