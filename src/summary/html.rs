//! `scan -o html`: the summary as one self-contained HTML page a reviewer can open offline or keep as a
//! CI artifact. Inline CSS only — no script, font, image or stylesheet is fetched, and a
//! Content-Security-Policy of `default-src 'none'` makes the browser refuse any that slipped in. Light
//! and dark palettes (`prefers-color-scheme`, each pair of text and background colours checked for
//! WCAG AA contrast by a test), a print layout, one `h1` and ordered headings, tables with captions and
//! header scopes, the lineage as an inline SVG with a title and a text alternative. Every text from the
//! model is escaped ([`escape`]); the only links to elsewhere are the plain `http(s)` links the model
//! card declares, as `rel="noopener noreferrer"` anchors (never fetched by the page).

use std::fmt::Write;

use super::{dataset_licences, location, safe_href, short_count, visible, Summary};
use crate::finding::Severity;
use crate::openness::mof::MofClass;
use crate::report::{group_digits, human_bytes};

/// `s` made safe as HTML text or a quoted attribute value (`&`, `<`, `>`, `"`, `'`), after
/// [`visible`] has written out its invisible characters.
pub fn escape(s: &str) -> String {
    let s = visible(s);
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A colour palette: every foreground the page draws text in, and the backgrounds it draws it on.
struct Palette {
    bg: &'static str,
    fg: &'static str,
    muted: &'static str,
    border: &'static str,
    surface: &'static str,
    link: &'static str,
    ok: &'static str,
    missing: &'static str,
    accent_fill: &'static str,
    accent_stroke: &'static str,
    bar: &'static str,
    track: &'static str,
    edge: &'static str,
    /// Text and background of each severity badge, in [`Severity::ALL`] order (info first).
    severity: [(&'static str, &'static str); 5],
}

const LIGHT: Palette = Palette {
    bg: "#ffffff",
    fg: "#1f2328",
    muted: "#59636e",
    border: "#d1d9e0",
    surface: "#f6f8fa",
    link: "#0550ae",
    ok: "#1a7f37",
    missing: "#a40e26",
    accent_fill: "#ddf4ff",
    accent_stroke: "#0969da",
    bar: "#0969da",
    track: "#d1d9e0",
    edge: "#59636e",
    severity: [
        ("#1f2328", "#e6eaef"),
        ("#0a3069", "#ddf4ff"),
        ("#4d2d00", "#fff1c5"),
        ("#ffffff", "#9a3c00"),
        ("#ffffff", "#a40e26"),
    ],
};

const DARK: Palette = Palette {
    bg: "#0d1117",
    fg: "#e6edf3",
    muted: "#9198a1",
    border: "#3d444d",
    surface: "#151b23",
    link: "#4493f8",
    ok: "#3fb950",
    missing: "#ff7b72",
    accent_fill: "#0c2d6b",
    accent_stroke: "#4493f8",
    bar: "#4493f8",
    track: "#3d444d",
    edge: "#9198a1",
    severity: [
        ("#e6edf3", "#3d444d"),
        ("#cae8ff", "#0c2d6b"),
        ("#f8e3a1", "#4b2900"),
        ("#ffffff", "#9a3c00"),
        ("#ffffff", "#a40e26"),
    ],
};

fn palette_vars(p: &Palette) -> String {
    let mut s = format!(
        "--bg:{};--fg:{};--muted:{};--border:{};--surface:{};--link:{};--ok:{};--missing:{};\
         --accent-fill:{};--accent-stroke:{};--bar:{};--track:{};--edge:{};",
        p.bg,
        p.fg,
        p.muted,
        p.border,
        p.surface,
        p.link,
        p.ok,
        p.missing,
        p.accent_fill,
        p.accent_stroke,
        p.bar,
        p.track,
        p.edge
    );
    for (sev, (fg, bg)) in Severity::ALL.iter().zip(p.severity) {
        let _ = write!(s, "--sev-{0}-fg:{fg};--sev-{0}-bg:{bg};", sev.as_str());
    }
    s
}

const SANS: &str =
    "system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\",\"Liberation Sans\",sans-serif";
const MONO: &str = "ui-monospace,SFMono-Regular,\"DejaVu Sans Mono\",Menlo,Consolas,monospace";

fn css() -> String {
    let mut s = String::with_capacity(4096);
    let _ = write!(
        s,
        ":root{{{light}color-scheme:light dark}}\n\
         @media (prefers-color-scheme: dark){{:root{{{dark}}}}}\n\
         *{{box-sizing:border-box}}\n\
         html{{background:var(--bg);color:var(--fg)}}\n\
         body{{margin:0 auto;max-width:76rem;padding:1.5rem 1.25rem 3rem;font:15px/1.5 {SANS}}}\n\
         h1{{font-size:1.9rem;line-height:1.25;margin:.1rem 0 .5rem;overflow-wrap:anywhere}}\n\
         h2{{font-size:1.3rem;margin:2.2rem 0 .7rem;padding-bottom:.3rem;border-bottom:1px solid var(--border)}}\n\
         h3{{font-size:1.05rem;margin:1.3rem 0 .4rem}}\n\
         a{{color:var(--link);overflow-wrap:anywhere}}\n\
         code{{font-family:{MONO};font-size:.88em;overflow-wrap:anywhere}}\n\
         .kicker{{margin:0;color:var(--muted);font-size:.85rem;text-transform:uppercase;letter-spacing:.06em}}\n\
         .desc{{max-width:62rem;overflow-wrap:anywhere}}\n\
         nav ul{{list-style:none;display:flex;flex-wrap:wrap;gap:.2rem 1.1rem;padding:0;margin:.8rem 0 0}}\n\
         .facts{{display:grid;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr));gap:.6rem;margin:0}}\n\
         .facts>div{{background:var(--surface);border:1px solid var(--border);border-radius:6px;padding:.5rem .75rem;min-width:0}}\n\
         .facts .wide{{grid-column:1/-1}}\n\
         .facts dt{{font-size:.78rem;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}}\n\
         .facts dd{{margin:0;overflow-wrap:anywhere}}\n\
         .note{{color:var(--muted);font-size:.9rem}}\n\
         .scroll{{overflow-x:auto;margin:.4rem 0 1rem}}\n\
         .scroll code{{overflow-wrap:break-word}}\n\
         table{{border-collapse:collapse;width:100%;font-size:.92rem}}\n\
         caption{{text-align:left;font-weight:600;padding:.3rem 0}}\n\
         th,td{{text-align:left;vertical-align:top;padding:.35rem .6rem;border-bottom:1px solid var(--border);overflow-wrap:break-word}}\n\
         thead th{{background:var(--surface);font-weight:600}}\n\
         tbody th{{font-weight:normal}}\n\
         .num{{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}}\n\
         .hash code{{font-size:.76rem;word-break:break-all}}\n\
         .tag{{display:inline-block;padding:0 .5rem;border-radius:1rem;border:1px solid var(--border);font-size:.8rem;color:var(--muted)}}\n\
         .sev{{display:inline-block;padding:.05rem .55rem;border-radius:1rem;font-size:.8rem;font-weight:600}}\n\
         .ok{{color:var(--ok)}}\n\
         .status{{white-space:nowrap}}\n\
         .missing{{color:var(--missing)}}\n\
         .evidence{{padding-left:1.4rem}}\n\
         .evidence li{{margin:.15rem 0}}\n\
         .bar{{display:block;width:100%;max-width:22rem;height:.55rem;margin:.35rem 0}}\n\
         .bar .track{{fill:var(--track)}}\n\
         .bar .fill{{fill:var(--bar)}}\n\
         .lineage{{display:block;width:100%;max-width:820px;height:auto;margin:.5rem 0 1rem}}\n\
         .lineage text{{fill:var(--fg);font:13px {SANS}}}\n\
         .lineage text.sub{{fill:var(--muted);font-size:11px}}\n\
         .lineage text.head{{fill:var(--muted);font-size:12px;font-weight:600}}\n\
         .lineage .node rect{{fill:var(--surface);stroke:var(--border)}}\n\
         .lineage .model rect{{fill:var(--accent-fill);stroke:var(--accent-stroke);stroke-width:2}}\n\
         .lineage .empty rect{{stroke-dasharray:4 3}}\n\
         .lineage .edge{{fill:none;stroke:var(--edge);stroke-width:1.5}}\n\
         .lineage .head-mark{{fill:var(--edge)}}\n\
         footer{{margin-top:2.5rem;padding-top:.75rem;border-top:1px solid var(--border);color:var(--muted);font-size:.85rem}}\n",
        light = palette_vars(&LIGHT),
        dark = palette_vars(&DARK),
    );
    for sev in Severity::ALL {
        let _ = writeln!(
            s,
            ".sev-{0}{{color:var(--sev-{0}-fg);background:var(--sev-{0}-bg)}}",
            sev.as_str()
        );
    }
    let _ = writeln!(
        s,
        "@media print{{:root{{{light}}}\
         body{{max-width:none;padding:0;font-size:10pt}}\
         nav{{display:none}}\
         .scroll{{overflow:visible}}\
         h2,h3{{break-after:avoid}}\
         tr,.facts>div,.lineage{{break-inside:avoid}}\
         a[href^=\"http\"]::after{{content:\" <\" attr(href) \">\";font-size:.8em;color:var(--muted)}}\
         .sev,.bar,.lineage,thead th,.facts>div{{-webkit-print-color-adjust:exact;print-color-adjust:exact}}}}",
        light = palette_vars(&LIGHT),
    );
    s
}

/// The HTML page of a summary. Identical summaries give identical bytes.
pub fn render(s: &Summary) -> String {
    let mut h = String::with_capacity(16 * 1024 + s.files.len() * 400);
    let name = escape(s.name);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; \
         base-uri 'none'; form-action 'none'\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"generator\" content=\"{tool}\">\n\
         <title>{name} — aibom report</title>\n<style>\n{css}</style>\n</head>\n<body>\n",
        tool = escape(&s.tool),
        css = css(),
    );
    header(&mut h, s, &name);
    h.push_str("<main>\n");
    glance(&mut h, s);
    lineage(&mut h, s);
    findings(&mut h, s);
    licence(&mut h, s);
    completeness(&mut h, s);
    files(&mut h, s);
    openness(&mut h, s);
    h.push_str("</main>\n");
    let _ = write!(
        h,
        "<footer>\n<p>Generated by {} from the files of <code>{}</code> ({}){}. Every fact comes from \
         those files; nothing was fetched to write this page, and it fetches nothing.</p>\n</footer>\n\
         </body>\n</html>\n",
        escape(&s.tool),
        escape(s.dir_name),
        s.kind,
        s.timestamp
            .map(|t| format!(" at <time datetime=\"{0}\">{0}</time>", escape(t)))
            .unwrap_or_default(),
    );
    h
}

const SECTIONS: [(&str, &str); 7] = [
    ("glance", "At a glance"),
    ("lineage", "Lineage"),
    ("findings", "Findings"),
    ("licence", "Licence"),
    ("completeness", "Completeness"),
    ("files", "Files"),
    ("openness", "Openness"),
];

fn header(h: &mut String, s: &Summary, name: &str) {
    let _ = writeln!(
        h,
        "<header>\n<p class=\"kicker\">AI model bill of materials</p>\n<h1>{name}</h1>"
    );
    if let Some(d) = &s.facts.description {
        let _ = writeln!(h, "<p class=\"desc\">{}</p>", escape(d));
    }
    h.push_str("<nav aria-label=\"Sections\">\n<ul>");
    for (id, title) in SECTIONS {
        let _ = write!(h, "<li><a href=\"#{id}\">{title}</a></li>");
    }
    h.push_str("</ul>\n</nav>\n</header>\n");
}

fn section_start(h: &mut String, id: &str) {
    let title = SECTIONS
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(_, t)| *t)
        .unwrap_or(id);
    let _ = writeln!(
        h,
        "<section id=\"{id}\" aria-labelledby=\"{id}-h\">\n<h2 id=\"{id}-h\">{title}</h2>"
    );
}

/// One fact of the at-a-glance grid; `value` is HTML already.
fn fact(h: &mut String, label: &str, value: &str, wide: bool) {
    let _ = writeln!(
        h,
        "<div{}><dt>{label}</dt><dd>{value}</dd></div>",
        if wide { " class=\"wide\"" } else { "" }
    );
}

fn bar(h: &mut String, percent: f64) {
    let w = percent.clamp(0.0, 100.0).round() as u32;
    let _ = write!(
        h,
        "<svg class=\"bar\" viewBox=\"0 0 100 6\" preserveAspectRatio=\"none\" aria-hidden=\"true\" \
         focusable=\"false\"><rect class=\"track\" width=\"100\" height=\"6\" rx=\"3\"/>\
         <rect class=\"fill\" width=\"{w}\" height=\"6\" rx=\"3\"/></svg>"
    );
}

fn glance(h: &mut String, s: &Summary) {
    section_start(h, "glance");
    let f = s.facts;
    h.push_str("<dl class=\"facts\">\n");
    fact(h, "Model", &escape(s.name), false);
    if let Some(r) = &f.repo_id {
        fact(
            h,
            "Repository",
            &format!("<code>{}</code>", escape(r)),
            false,
        );
    }
    fact(
        h,
        "Revision",
        &f.revision
            .as_deref()
            .map(|r| format!("<code>{}</code>", escape(r)))
            .unwrap_or_else(|| "<span class=\"missing\">unknown</span>".to_string()),
        false,
    );
    let lic = if s.licence.how.is_none() {
        "<span class=\"missing\">none found</span>".to_string()
    } else {
        escape(&s.licence_line())
    };
    fact(
        h,
        "Licence",
        &format!("{lic} · <a href=\"#licence-evidence\">evidence</a>"),
        false,
    );
    fact(
        h,
        "OMS root digest",
        &format!("<code>{}</code>", escape(s.digest)),
        true,
    );
    let missing = s.missing();
    let mut c = format!("<strong>{}/100</strong>", s.completeness.score);
    let mut b = String::new();
    bar(&mut b, f64::from(s.completeness.score));
    c.push_str(&b);
    if missing.is_empty() {
        c.push_str("nothing missing");
    } else {
        let _ = write!(
            c,
            "missing: {}",
            missing.iter().map(|i| i.key).collect::<Vec<_>>().join(", ")
        );
    }
    fact(h, "Completeness", &c, true);
    let counts = s
        .findings
        .iter()
        .map(|(sev, f)| {
            format!(
                "<span class=\"sev sev-{0}\">{1} {0}</span>",
                sev.as_str(),
                f.len()
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    fact(
        h,
        "Findings",
        &if counts.is_empty() {
            "none".to_string()
        } else {
            counts
        },
        false,
    );
    fact(h, "Openness (MOF)", &escape(s.openness.label), false);
    if let Some(t) = &f.task {
        fact(h, "Task", &escape(t), false);
    }
    if let Some(a) = &s.architecture {
        fact(h, "Architecture", &escape(a), false);
    }
    if let Some(p) = s.parameters() {
        fact(h, "Parameters", &p, false);
    }
    if let Some(d) = s.dtypes() {
        fact(h, "Dtypes", &escape(&d), false);
    }
    if !f.quantization.is_empty() {
        fact(
            h,
            "Quantization",
            &escape(&f.quantization.join(", ")),
            false,
        );
    }
    if let Some(c) = f.context_length {
        fact(h, "Context", &format!("{} tokens", group_digits(c)), false);
    }
    if f.chat_template {
        let files = if f.chat_template_files.is_empty() {
            String::new()
        } else {
            format!(
                " in {}",
                f.chat_template_files
                    .iter()
                    .map(|p| format!("<code>{}</code>", escape(p)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        fact(h, "Chat template", &format!("present{files}"), false);
    }
    if let Some(l) = &f.library_name {
        fact(h, "Library", &escape(l), false);
    }
    fact(
        h,
        "Files",
        &format!(
            "{} ({}) in <code>{}</code>, a {}",
            s.total_files,
            human_bytes(s.total_bytes),
            escape(s.dir_name),
            s.kind
        ),
        false,
    );
    h.push_str("</dl>\n</section>\n");
}

/// At most this many boxes a column of the lineage picture draws; the rest are counted in one more.
const LINEAGE_ROWS: usize = 8;
/// Characters of a name that fit a lineage box.
const BOX_CHARS: usize = 28;

/// `s` cut to `n` characters, with an ellipsis when cut.
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut c: String = s.chars().take(n - 1).collect();
        c.push('…');
        c
    }
}

/// One box of the lineage picture: full text as its tooltip, a clipped name and an optional second line.
struct LineageBox {
    class: &'static str,
    title: String,
    name: String,
    sub: Option<String>,
}

fn column(items: Vec<LineageBox>, none: &str) -> Vec<LineageBox> {
    if items.is_empty() {
        return vec![LineageBox {
            class: "node empty",
            title: none.to_string(),
            name: none.to_string(),
            sub: None,
        }];
    }
    let total = items.len();
    let mut v: Vec<LineageBox> = items.into_iter().take(LINEAGE_ROWS).collect();
    if total > LINEAGE_ROWS {
        let more = format!("+{} more (see the table)", total - LINEAGE_ROWS);
        v.push(LineageBox {
            class: "node empty",
            title: more.clone(),
            name: more,
            sub: None,
        });
    }
    v
}

fn lineage(h: &mut String, s: &Summary) {
    section_start(h, "lineage");
    let f = s.facts;
    let bases = column(
        f.base_models
            .iter()
            .map(|b| {
                let sub = [b.relation.clone(), b.revision.as_ref().map(|r| clip(r, 12))]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · ");
                LineageBox {
                    class: "node",
                    title: b.id.clone(),
                    name: b.id.clone(),
                    sub: (!sub.is_empty()).then_some(sub),
                }
            })
            .collect(),
        "none declared",
    );
    let datasets = column(
        f.datasets
            .iter()
            .map(|d| LineageBox {
                class: "node",
                title: d.name.clone(),
                name: d.name.clone(),
                sub: dataset_licences(d)
                    .or_else(|| (!d.files.is_empty()).then(|| "local files".into())),
            })
            .collect(),
        "none declared",
    );
    let model_sub = [
        f.parameters.map(|p| {
            format!(
                "{} params",
                short_count(p).unwrap_or_else(|| group_digits(p))
            )
        }),
        f.task.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let model = vec![LineageBox {
        class: "node model",
        title: s.name.to_string(),
        name: s.name.to_string(),
        sub: (!model_sub.is_empty()).then_some(model_sub),
    }];

    const W: u32 = 820;
    const BOX_W: u32 = 220;
    const BOX_H: u32 = 40;
    const GAP: u32 = 12;
    const TOP: u32 = 30;
    const XS: [u32; 3] = [10, 300, 590];
    let rows = bases.len().max(datasets.len()) as u32;
    let span = rows * (BOX_H + GAP) - GAP;
    let height = TOP + span + 10;
    let tops = |n: usize| -> Vec<u32> {
        let n = n as u32;
        let first = TOP + (span - (n * (BOX_H + GAP) - GAP)) / 2;
        (0..n).map(|i| first + i * (BOX_H + GAP)).collect()
    };

    let label = format!(
        "Lineage of {}. Base models: {}. Datasets: {}.",
        s.name,
        if f.base_models.is_empty() {
            "none declared".to_string()
        } else {
            f.base_models
                .iter()
                .map(|b| match &b.relation {
                    Some(r) => format!("{} ({r})", b.id),
                    None => b.id.clone(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        },
        if f.datasets.is_empty() {
            "none declared".to_string()
        } else {
            f.datasets
                .iter()
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    let _ = writeln!(
        h,
        "<svg class=\"lineage\" role=\"img\" aria-label=\"{label}\" viewBox=\"0 0 {W} {height}\" \
         width=\"{W}\" height=\"{height}\">\n\
         <title>{title}</title>\n\
         <defs><marker id=\"lineage-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" \
         markerHeight=\"8\" orient=\"auto-start-reverse\"><path class=\"head-mark\" d=\"M0 0L10 5L0 10z\"/>\
         </marker></defs>",
        label = escape(&label),
        title = escape(&format!("Lineage of {}", s.name)),
    );
    for (x, head) in XS.iter().zip([
        format!("Base models ({})", f.base_models.len()),
        "Model".to_string(),
        format!("Datasets ({})", f.datasets.len()),
    ]) {
        let _ = writeln!(
            h,
            "<text class=\"head\" x=\"{}\" y=\"18\" text-anchor=\"middle\">{}</text>",
            x + BOX_W / 2,
            escape(&head)
        );
    }
    let model_top = tops(1)[0];
    let model_mid = model_top + BOX_H / 2;
    for (i, top) in tops(bases.len()).into_iter().enumerate() {
        if bases[i].class == "node" {
            let (x1, y1, x2, y2) = (XS[0] + BOX_W, top + BOX_H / 2, XS[1], model_mid);
            let xm = (x1 + x2) / 2;
            let _ = writeln!(
                h,
                "<path class=\"edge\" d=\"M{x1} {y1}C{xm} {y1} {xm} {y2} {x2} {y2}\" \
                 marker-end=\"url(#lineage-arrow)\"/>"
            );
        }
    }
    for (i, top) in tops(datasets.len()).into_iter().enumerate() {
        if datasets[i].class == "node" {
            let (x1, y1, x2, y2) = (XS[1] + BOX_W, model_mid, XS[2], top + BOX_H / 2);
            let xm = (x1 + x2) / 2;
            let _ = writeln!(
                h,
                "<path class=\"edge\" d=\"M{x1} {y1}C{xm} {y1} {xm} {y2} {x2} {y2}\" \
                 marker-end=\"url(#lineage-arrow)\"/>"
            );
        }
    }
    for (x, col) in XS.iter().zip([&bases, &model, &datasets]) {
        for (b, top) in col.iter().zip(tops(col.len())) {
            let _ = write!(
                h,
                "<g class=\"{}\"><title>{}</title><rect x=\"{x}\" y=\"{top}\" width=\"{BOX_W}\" \
                 height=\"{BOX_H}\" rx=\"6\"/>",
                b.class,
                escape(&b.title)
            );
            let tx = x + 10;
            match &b.sub {
                Some(sub) => {
                    let _ = write!(
                        h,
                        "<text x=\"{tx}\" y=\"{}\">{}</text><text class=\"sub\" x=\"{tx}\" y=\"{}\">{}</text>",
                        top + 17,
                        escape(&clip(&b.name, BOX_CHARS)),
                        top + 32,
                        escape(&clip(sub, BOX_CHARS + 6))
                    );
                }
                None => {
                    let _ = write!(
                        h,
                        "<text x=\"{tx}\" y=\"{}\">{}</text>",
                        top + 25,
                        escape(&clip(&b.name, BOX_CHARS))
                    );
                }
            }
            h.push_str("</g>\n");
        }
    }
    h.push_str("</svg>\n");

    if !f.base_models.is_empty() || !f.datasets.is_empty() {
        table_start(
            h,
            "Base models and datasets",
            &[
                ("Name", false),
                ("Kind", false),
                ("Details", false),
                ("Declared in", false),
            ],
        );
        for b in &f.base_models {
            let details = [
                b.relation
                    .as_ref()
                    .map(|r| format!("relation {}", escape(r))),
                b.revision
                    .as_ref()
                    .map(|r| format!("revision <code>{}</code>", escape(r))),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("; ");
            let _ = writeln!(
                h,
                "<tr><th scope=\"row\"><code>{}</code></th><td>base model</td><td>{details}</td><td>{}</td></tr>",
                escape(&b.id),
                code_list(&b.sources)
            );
        }
        for d in &f.datasets {
            let mut details = Vec::new();
            if let Some(id) = &d.hub_id {
                if *id != d.name {
                    details.push(format!("Hub id <code>{}</code>", escape(id)));
                }
            }
            if let Some(l) = dataset_licences(d) {
                details.push(format!("licence {}", escape(&l)));
            }
            if !d.files.is_empty() {
                details.push(format!("{} local file(s)", d.files.len()));
            }
            if let Some(u) = &d.url {
                details.push(link(u));
            }
            let _ = writeln!(
                h,
                "<tr><th scope=\"row\"><code>{}</code></th><td>dataset</td><td>{}</td><td>{}</td></tr>",
                escape(&d.name),
                details.join("; "),
                code_list(&d.sources)
            );
        }
        table_end(h);
    }
    if !s.links.is_empty() {
        h.push_str("<h3 id=\"cited\">Cited by the model card</h3>\n<ul>\n");
        for l in &s.links {
            let _ = writeln!(h, "<li>{}: {}</li>", l.kind, link(l.url));
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</section>\n");
}

/// A link the model declares: an anchor that opens nothing of this page's when it is a plain web
/// URL, text otherwise.
fn link(url: &str) -> String {
    match safe_href(url) {
        Some(u) => format!(
            "<a href=\"{0}\" rel=\"noopener noreferrer\">{0}</a>",
            escape(u)
        ),
        None => format!("<code>{}</code>", escape(url)),
    }
}

fn code_list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("<code>{}</code>", escape(i)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Open a table: in a region of its own that scrolls sideways when the window is narrower than the
/// table (focusable, so a keyboard can scroll it, and named by the caption), the caption, a header row
/// of column headers (`true`: a numeric column, right-aligned), and the body.
fn table_start(h: &mut String, caption: &str, columns: &[(&str, bool)]) {
    let caption = escape(caption);
    let _ = write!(
        h,
        "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"{caption}\">\n<table>\n\
         <caption>{caption}</caption>\n<thead><tr>"
    );
    for (name, num) in columns {
        let _ = write!(
            h,
            "<th scope=\"col\"{}>{name}</th>",
            if *num { " class=\"num\"" } else { "" }
        );
    }
    h.push_str("</tr></thead>\n<tbody>\n");
}

fn table_end(h: &mut String) {
    h.push_str("</tbody>\n</table>\n</div>\n");
}

fn title_case(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn findings(h: &mut String, s: &Summary) {
    section_start(h, "findings");
    if s.findings.is_empty() {
        h.push_str("<p>No findings.</p>\n</section>\n");
        return;
    }
    let total: usize = s.findings.iter().map(|(_, f)| f.len()).sum();
    let _ = writeln!(
        h,
        "<p>{total} finding{}: {}. Codes are explained in aibom's docs/findings.md and \
         docs/security-findings.md.</p>",
        if total == 1 { "" } else { "s" },
        s.finding_counts()
    );
    for (sev, list) in &s.findings {
        let name = title_case(sev.as_str());
        let _ = writeln!(
            h,
            "<h3 id=\"findings-{0}\"><span class=\"sev sev-{0}\">{name}</span> {1}</h3>",
            sev.as_str(),
            list.len()
        );
        table_start(
            h,
            &format!("{name} findings ({})", list.len()),
            &[
                ("Code", false),
                ("File", false),
                ("Evidence", false),
                ("Message", false),
            ],
        );
        for f in list {
            let _ = writeln!(
                h,
                "<tr><th scope=\"row\"><code>{}</code></th><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(f.code),
                location(f)
                    .map(|l| format!("<code>{}</code>", escape(&l)))
                    .unwrap_or_else(|| "the model".to_string()),
                if f.evidence.is_empty() {
                    String::new()
                } else {
                    format!("<code>{}</code>", escape(&f.evidence))
                },
                escape(&f.message)
            );
        }
        table_end(h);
    }
    h.push_str("</section>\n");
}

fn licence(h: &mut String, s: &Summary) {
    section_start(h, "licence");
    let l = &s.licence;
    let all = l.all;
    match l.how {
        Some(how) => {
            let _ = writeln!(
                h,
                "<p><strong>{}</strong> <span class=\"tag\">{how}</span></p>\n<p class=\"note\">{}</p>",
                escape(&l.shown.join(", ")),
                if how == "concluded" {
                    "Every model-level licence statement agrees on this licence."
                } else {
                    "Declared, but the model-level statements do not agree on one licence: review the \
                     evidence."
                }
            );
        }
        None => h.push_str(
            "<p><strong class=\"missing\">No licence found.</strong></p>\n<p class=\"note\">No statement \
             in the files gives the model a licence that could be resolved.</p>\n",
        ),
    }
    if all.use_restricted {
        h.push_str("<p>The licence restricts use.</p>\n");
    }
    for (title, items) in [
        ("Conflicts", &all.conflicts),
        ("Use restrictions", &all.restrictions),
    ] {
        if !items.is_empty() {
            let _ = writeln!(h, "<h3>{title}</h3>\n<ul>");
            for i in items {
                let _ = writeln!(h, "<li>{}</li>", escape(i));
            }
            h.push_str("</ul>\n");
        }
    }
    h.push_str("<h3 id=\"licence-evidence\">Evidence</h3>\n");
    if all.evidence.is_empty() {
        h.push_str("<p>No licence statement in the files.</p>\n");
    } else {
        h.push_str("<ol class=\"evidence\">\n");
        for e in &all.evidence {
            let _ = writeln!(h, "<li><code>{}</code></li>", escape(e));
        }
        h.push_str("</ol>\n");
    }
    h.push_str("</section>\n");
}

fn completeness(h: &mut String, s: &Summary) {
    section_start(h, "completeness");
    let c = s.completeness;
    let _ = write!(
        h,
        "<p><strong>{}/100</strong> of the documentation a reviewer needs is in the files.</p>",
        c.score
    );
    bar(h, f64::from(c.score));
    h.push('\n');
    table_start(
        h,
        "Completeness checklist",
        &[
            ("Item", false),
            ("Weight", true),
            ("Status", false),
            ("What it looks for", false),
        ],
    );
    for i in &c.items {
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"status\">{}</td><td>{}</td></tr>",
            i.key,
            i.weight,
            if i.present {
                "<span class=\"ok\">✓ present</span>"
            } else {
                "<span class=\"missing\">✗ missing</span>"
            },
            hint(i.hint)
        );
    }
    table_end(h);
    h.push_str("</section>\n");
}

/// A checklist hint (aibom's own text) with its `code` spans as `<code>`.
fn hint(s: &str) -> String {
    s.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", escape(part))
            } else {
                escape(part)
            }
        })
        .collect()
}

fn files(h: &mut String, s: &Summary) {
    section_start(h, "files");
    table_start(
        h,
        &format!(
            "{} file{}, {}: {}",
            s.total_files,
            if s.total_files == 1 { "" } else { "s" },
            human_bytes(s.total_bytes),
            s.roles
        ),
        &[
            ("Path", false),
            ("Role", false),
            ("Format", false),
            ("Size", true),
            ("Parameters", true),
            ("SHA-256", false),
        ],
    );
    for r in &s.files {
        let f = r.file;
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\"><code>{}</code>{}</th><td>{}</td><td>{}</td>\
             <td class=\"num\" title=\"{} byte{}\">{}</td><td class=\"num\">{}</td>\
             <td class=\"hash\"><code>{}</code></td></tr>",
            escape(&f.path),
            if f.symlink { " (symlink)" } else { "" },
            f.role.as_str(),
            f.format.as_str(),
            group_digits(f.size),
            if f.size == 1 { "" } else { "s" },
            human_bytes(f.size),
            r.parameters.map(group_digits).unwrap_or_default(),
            escape(&f.sha256)
        );
    }
    table_end(h);
    h.push_str("</section>\n");
}

fn openness(h: &mut String, s: &Summary) {
    section_start(h, "openness");
    let o = &s.openness;
    let _ = writeln!(
        h,
        "<p>Model Openness Framework: <strong>{}</strong></p>\n<p class=\"note\">As <code>aibom assess</code> \
         classifies what the directory holds; run it for each component and the OSAID and EU AI Act \
         checks.</p>",
        escape(o.label)
    );
    table_start(
        h,
        "Progress towards each MOF class",
        &[("Class", false), ("Progress", false)],
    );
    for (class, p) in &o.progress {
        let name = match class {
            MofClass::III => "Class III — Open Model",
            MofClass::II => "Class II — Open Tooling Model",
            MofClass::I => "Class I — Open Science Model",
        };
        let _ = write!(h, "<tr><th scope=\"row\">{name}</th><td>{p:.0}%");
        bar(h, *p);
        h.push_str("</td></tr>\n");
    }
    table_end(h);
    h.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn luminance(hex: &str) -> f64 {
        let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap();
        let ch = |shift: u32| {
            let c = f64::from((v >> shift) & 0xff) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(16) + 0.7152 * ch(8) + 0.0722 * ch(0)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn contrast_ratios() {
        assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 1e-9);
        assert!((contrast("#777777", "#ffffff") - 4.48).abs() < 0.01);
    }

    #[test]
    fn every_text_colour_meets_wcag_aa_on_every_background_it_is_drawn_on() {
        for (mode, p) in [("light", &LIGHT), ("dark", &DARK)] {
            let mut pairs = vec![
                ("fg/bg", p.fg, p.bg),
                ("fg/surface", p.fg, p.surface),
                ("fg/accent", p.fg, p.accent_fill),
                ("muted/bg", p.muted, p.bg),
                ("muted/surface", p.muted, p.surface),
                ("link/bg", p.link, p.bg),
                ("link/surface", p.link, p.surface),
                ("ok/bg", p.ok, p.bg),
                ("missing/bg", p.missing, p.bg),
                ("missing/surface", p.missing, p.surface),
            ];
            for (sev, (fg, bg)) in Severity::ALL.iter().zip(p.severity) {
                pairs.push((sev.as_str(), fg, bg));
            }
            for (what, fg, bg) in pairs {
                let c = contrast(fg, bg);
                assert!(c >= 4.5, "{mode} {what}: {fg} on {bg} is {c:.2}:1");
            }
            // Non-text marks (bars, edges, the model box's border) need 3:1 against the page.
            for (what, fg, bg) in [
                ("bar/bg", p.bar, p.bg),
                ("bar/track", p.bar, p.track),
                ("edge/bg", p.edge, p.bg),
                ("accent/bg", p.accent_stroke, p.bg),
            ] {
                let c = contrast(fg, bg);
                assert!(c >= 3.0, "{mode} {what}: {fg} on {bg} is {c:.2}:1");
            }
        }
    }

    #[test]
    fn escaping_covers_markup_and_attributes() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(escape("a\u{202E}b"), "a[U+202E]b");
    }

    #[test]
    fn clipping_counts_characters() {
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("abcd", 3), "ab…");
        assert_eq!(clip("ééééé", 4), "ééé…");
    }
}
