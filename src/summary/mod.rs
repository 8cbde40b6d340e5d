//! The model at a glance: what the HTML report (`scan -o html`) and the Markdown summary
//! (`scan -o markdown`) show, drawn from a finished scan's inventory and analysis — never from the
//! files again, so a report costs no more I/O than the scan did. [`Summary`] gathers the facts both
//! renderers share (identity, OMS root digest, licence and its evidence, completeness and what is
//! missing, lineage, findings grouped by severity, the file table with per-file parameter counts, the
//! Model Openness Framework class); [`html`] and [`markdown`] only lay them out. Everything a model
//! controls (card text, file names, licence evidence) reaches the renderers as plain text, and each
//! renderer escapes it for its own syntax; [`visible`] first makes invisible characters (controls,
//! bidirectional overrides) visible so a file name cannot disguise itself. Identical inputs give
//! identical bytes: nothing here reads a clock.

pub mod html;
pub mod markdown;

use std::borrow::Cow;

use crate::analyze::Analysis;
use crate::completeness::{Completeness, Item};
use crate::facts::{DatasetFact, Finding, ModelFacts, Severity};
use crate::inventory::{FileRecord, Inventory, ModelKindInfo};
use crate::license::ModelLicenses;
use crate::openness::{assess, euaia::Declarations, mof::MofClass};
use crate::report::{group_digits, role_summary};

/// Everything the at-a-glance reports show about one scanned model.
#[derive(Debug)]
pub struct Summary<'a> {
    /// `aibom <version>`.
    pub tool: String,
    /// The model's display name.
    pub name: &'a str,
    /// The scanned directory's (or file's) own name.
    pub dir_name: &'a str,
    /// `directory` or `single file`.
    pub kind: &'static str,
    /// OMS v1.0 root digest, `sha256:<hex>`.
    pub digest: &'a str,
    pub facts: &'a ModelFacts,
    /// Architecture family and concrete architecture, joined (`llama / LlamaForCausalLM`).
    pub architecture: Option<String>,
    pub licence: Licence<'a>,
    pub completeness: &'a Completeness,
    /// Findings by severity, most severe first; only severities that occur.
    pub findings: Vec<(Severity, Vec<&'a Finding>)>,
    /// Every file, in inventory (OMS) order.
    pub files: Vec<FileRow<'a>>,
    pub total_files: u64,
    pub total_bytes: u64,
    /// `weights 1 (456 B), config 2 (246 B), ...`.
    pub roles: String,
    pub openness: Openness,
    /// Papers and source repositories the model card cites.
    pub links: Vec<Link<'a>>,
    /// The report time, only when the caller gave one (`--timestamp`, `SOURCE_DATE_EPOCH`).
    pub timestamp: Option<&'a str>,
}

/// The model's licence as the BOM shows it, and the evidence behind it.
#[derive(Debug)]
pub struct Licence<'a> {
    /// The licences that stand for the model (concluded, else declared); empty when none was found.
    pub shown: Vec<&'a str>,
    /// `concluded` or `declared`; `None` when no licence was found.
    pub how: Option<&'static str>,
    pub all: &'a ModelLicenses,
}

/// One row of the file table.
#[derive(Debug)]
pub struct FileRow<'a> {
    pub file: &'a FileRecord,
    /// The parameter count the file's header gives (weights files whose format says it).
    pub parameters: Option<u64>,
}

/// The Model Openness Framework class of what the directory holds (as `aibom assess` computes it).
#[derive(Debug, Clone, PartialEq)]
pub struct Openness {
    /// The tool's label (`Class III - Open Model`, …, `Unclassified`).
    pub label: &'static str,
    pub class: Option<MofClass>,
    /// Progress (0–100) towards classes III, II and I.
    pub progress: Vec<(MofClass, f64)>,
}

/// A link the model card declares: a paper or a source repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link<'a> {
    /// `paper` or `code`.
    pub kind: &'static str,
    pub url: &'a str,
}

/// The HTML page (`html`) or the Markdown summary of `s`.
pub fn render(s: &Summary, html: bool) -> String {
    if html {
        html::render(s)
    } else {
        markdown::render(s)
    }
}

impl<'a> Summary<'a> {
    /// The summary of a scan: its inventory and analysis, with the report time if one was given.
    pub fn new(inv: &'a Inventory, analysis: &'a Analysis, timestamp: Option<&'a str>) -> Self {
        let facts = &analysis.facts;
        let lic = &facts.licenses;
        let (shown, how) = match lic.for_model() {
            Some((entries, ack)) => (
                entries.iter().map(|e| e.display.as_str()).collect(),
                Some(ack.as_str()),
            ),
            None => (Vec::new(), None),
        };
        let findings = Severity::ALL
            .iter()
            .rev()
            .map(|&s| {
                let of: Vec<&Finding> = facts.findings.iter().filter(|f| f.severity == s).collect();
                (s, of)
            })
            .filter(|(_, of)| !of.is_empty())
            .collect();
        let files = inv
            .files
            .iter()
            .map(|f| FileRow {
                file: f,
                parameters: facts.files.get(&f.path).and_then(|ff| {
                    ff.properties
                        .iter()
                        .find(|(k, _)| k == "aibom:parameters")
                        .and_then(|(_, v)| v.parse().ok())
                }),
            })
            .collect();
        let architecture = [&facts.architecture_family, &facts.architecture]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>();
        let assessment = assess::assess_from(
            &inv.files,
            facts,
            &inv.model.digest,
            &inv.model.name,
            &Declarations::default(),
        );
        let c = &assessment.mof.classification;
        let openness = Openness {
            label: c.label,
            class: c.class,
            progress: MofClass::ALL.iter().map(|&k| (k, c.progress(k))).collect(),
        };
        let links = facts
            .card
            .papers
            .iter()
            .map(|u| Link {
                kind: "paper",
                url: u.as_str(),
            })
            .chain(facts.card.code_links.iter().map(|u| Link {
                kind: "code",
                url: u.as_str(),
            }))
            .collect();
        Summary {
            tool: format!("aibom {}", env!("CARGO_PKG_VERSION")),
            name: if facts.name.is_empty() {
                &inv.model.name
            } else {
                &facts.name
            },
            dir_name: &inv.model.name,
            kind: match inv.model.kind {
                ModelKindInfo::Directory => "directory",
                ModelKindInfo::File => "single file",
            },
            digest: &inv.model.digest,
            facts,
            architecture: (!architecture.is_empty()).then(|| architecture.join(" / ")),
            licence: Licence {
                shown,
                how,
                all: lic,
            },
            completeness: &analysis.completeness,
            findings,
            files,
            total_files: inv.totals.files,
            total_bytes: inv.totals.bytes,
            roles: role_summary(inv),
            openness,
            links,
            timestamp,
        }
    }

    /// The checklist items still missing, heaviest first (as [`Completeness::missing`] orders them).
    pub fn missing(&self) -> Vec<&'a Item> {
        let mut m: Vec<&Item> = self
            .completeness
            .items
            .iter()
            .filter(|i| !i.present)
            .collect();
        m.sort_by(|a, b| b.weight.cmp(&a.weight).then(a.key.cmp(b.key)));
        m
    }

    /// `1 high, 2 medium` (most severe first), or `none`.
    pub fn finding_counts(&self) -> String {
        if self.findings.is_empty() {
            return "none".to_string();
        }
        self.findings
            .iter()
            .map(|(s, f)| format!("{} {}", f.len(), s.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The licence in a few words: `Apache-2.0 (concluded)`, or `none found`.
    pub fn licence_line(&self) -> String {
        let l = &self.licence;
        let mut s = match l.how {
            Some(how) => format!("{} ({how})", l.shown.join(", ")),
            None => "none found".to_string(),
        };
        if l.all.use_restricted {
            s.push_str(", use-restricted");
        }
        match l.all.conflicts.len() {
            0 => {}
            1 => s.push_str(", 1 conflict"),
            n => s.push_str(&format!(", {n} conflicts")),
        }
        s
    }

    /// The parameter count grouped in thousands, with a short form when large: `22,713,728 (22.7 M)`.
    pub fn parameters(&self) -> Option<String> {
        self.facts.parameters.map(|n| match short_count(n) {
            Some(short) => format!("{} ({short})", group_digits(n)),
            None => group_digits(n),
        })
    }

    /// The dtypes with their parameter counts: `F32 52, BF16 1,024`.
    pub fn dtypes(&self) -> Option<String> {
        let f = self.facts;
        (!f.dtypes.is_empty()).then(|| {
            f.dtypes
                .iter()
                .map(|(d, n)| format!("{d} {}", group_digits(*n)))
                .collect::<Vec<_>>()
                .join(", ")
        })
    }
}

/// A dataset's licences, joined (`CC0-1.0`), when any are known.
pub fn dataset_licences(d: &DatasetFact) -> Option<String> {
    (!d.licenses.is_empty()).then(|| {
        d.licenses
            .iter()
            .map(|l| l.display.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// `n` in thousands, millions, billions or trillions with one decimal (`22.7 M`); `None` below 10,000.
pub fn short_count(n: u64) -> Option<String> {
    const UNITS: [(f64, &str); 4] = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")];
    if n < 10_000 {
        return None;
    }
    let v = n as f64;
    UNITS
        .iter()
        .find(|(u, _)| v >= *u)
        .map(|(u, name)| format!("{:.1} {name}", v / u))
}

/// A link target that is safe to put in an `href`: an absolute `http`/`https` URL with no whitespace,
/// control characters, quotes or angle brackets. Anything else is shown as text only.
pub fn safe_href(url: &str) -> Option<&str> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
    let chars_ok = url.chars().all(|c| {
        !c.is_whitespace()
            && !c.is_control()
            && !is_invisible(c)
            && !matches!(c, '"' | '\'' | '<' | '>' | '`' | '\\')
    });
    (scheme_ok && chars_ok && url.len() > 8 && url.len() <= 2048).then_some(url)
}

/// Characters that change how text around them is shown without being seen: bidirectional embeddings,
/// overrides and isolates, and the implicit direction marks.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every control character (tab and newline aside) and every bidirectional control written out
/// as `[U+XXXX]`, so text from a model shows what it really holds: a file name with a right-to-left
/// override cannot pass itself off as another.
pub fn visible(s: &str) -> Cow<'_, str> {
    let hidden = |c: char| (c.is_control() && c != '\n' && c != '\t') || is_invisible(c);
    if !s.chars().any(hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hidden(c) {
            out.push_str(&format!("[U+{:04X}]", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Where a finding is: the file, then the archive member, then the byte offset (`a.zip!data.pkl@12`).
pub fn location(f: &Finding) -> Option<String> {
    let path = f.path.as_deref()?;
    let mut s = path.to_string();
    if let Some(m) = &f.member {
        s.push('!');
        s.push_str(m);
    }
    if let Some(o) = f.offset {
        s.push_str(&format!("@{o}"));
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_counts() {
        assert_eq!(short_count(52), None);
        assert_eq!(short_count(9_999), None);
        assert_eq!(short_count(10_000).as_deref(), Some("10.0 K"));
        assert_eq!(short_count(22_713_728).as_deref(), Some("22.7 M"));
        assert_eq!(short_count(7_241_732_096).as_deref(), Some("7.2 B"));
    }

    #[test]
    fn only_plain_web_links_are_links() {
        assert_eq!(
            safe_href("https://arxiv.org/abs/1234.5678"),
            Some("https://arxiv.org/abs/1234.5678")
        );
        assert!(safe_href("HTTP://example.org/x").is_some());
        for bad in [
            "javascript:alert(1)",
            "data:text/html,<script>",
            "https://",
            "https://a.b/\"onmouseover=x",
            "https://a.b/ x",
            "https://a.b/<x>",
            "//evil.example/x",
            "https://a.b/\u{202E}gpj.exe",
        ] {
            assert_eq!(safe_href(bad), None, "{bad}");
        }
    }

    #[test]
    fn invisible_characters_are_written_out() {
        assert_eq!(visible("model.bin"), "model.bin");
        assert!(matches!(visible("a b\tc\nd"), Cow::Borrowed(_)));
        assert_eq!(visible("evil\u{202E}nib.exe"), "evil[U+202E]nib.exe");
        assert_eq!(visible("a\u{0}b\u{1b}[31m"), "a[U+0000]b[U+001B][31m");
        assert_eq!(visible("x\u{2066}y"), "x[U+2066]y");
    }

    #[test]
    fn locations_name_member_and_offset() {
        let mut f = Finding::new("remote-code", Some("a.zip"), "m");
        assert_eq!(location(&f).as_deref(), Some("a.zip"));
        f.member = Some("archive/data.pkl".into());
        f.offset = Some(12);
        assert_eq!(location(&f).as_deref(), Some("a.zip!archive/data.pkl@12"));
        assert_eq!(location(&Finding::new("card-missing", None, "m")), None);
    }
}
