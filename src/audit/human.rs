//! The audit report for people (`-o human`): results grouped by code — `error[code]` for denied,
//! `warning[code]` for warned, `accepted[code]` for those a policy exception covers — each group headed by
//! the code's severity, category and summary, one line per file with the why; then the bundles checked
//! and a summary line with the counts. Colour (ANSI) only when the caller asks for it (a terminal without
//! `NO_COLOR`).

use std::fmt::Write;

use super::{rules, AuditReport, AuditResult};
use crate::policy::Level;

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn red(&self, s: &str) -> String {
        self.wrap("1;31", s)
    }
    fn yellow(&self, s: &str) -> String {
        self.wrap("1;33", s)
    }
    fn green(&self, s: &str) -> String {
        self.wrap("1;32", s)
    }
    fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
}

fn location(r: &AuditResult) -> String {
    let mut s = r.path.clone().unwrap_or_else(|| "(model)".to_string());
    if let Some(m) = &r.member {
        let _ = write!(s, " ▸ {m}");
    }
    if let Some(o) = r.offset {
        let _ = write!(s, " @{o}");
    }
    s
}

/// The human report; `color` adds ANSI colours.
pub fn render(report: &AuditReport, color: bool) -> String {
    let p = Paint(color);
    let mut out = String::new();
    let policy = report
        .policy
        .path
        .as_deref()
        .map_or("built-in default policy".to_string(), |p| {
            format!("policy {p}")
        });
    let _ = writeln!(
        out,
        "{} {} ({}, {} file(s)) against {policy}",
        p.bold("aibom audit:"),
        report.target.path,
        report.target.name,
        report.target.files
    );
    let mut i = 0;
    while i < report.results.len() {
        let first = &report.results[i];
        let mut j = i;
        while j < report.results.len()
            && report.results[j].code == first.code
            && report.results[j].level == first.level
            && report.results[j].exception.is_some() == first.exception.is_some()
        {
            j += 1;
        }
        let tag = match (first.level, first.exception.is_some()) {
            (_, true) => p.dim(&format!("accepted[{}]", first.code)),
            (Level::Deny, _) => p.red(&format!("error[{}]", first.code)),
            _ => p.yellow(&format!("warning[{}]", first.code)),
        };
        let summary = rules::lookup(&first.code).map_or("", |c| c.summary);
        let _ = writeln!(
            out,
            "\n{tag}: {summary} {}",
            p.dim(&format!(
                "[{}, {}]",
                first.severity.as_str(),
                first.category.as_str()
            ))
        );
        for r in &report.results[i..j] {
            let _ = writeln!(out, "  {}: {}", location(r), r.message);
            if let Some(e) = &r.evidence {
                if !r.message.contains(e.as_str()) {
                    let _ = writeln!(out, "    {}", p.dim(&format!("evidence: {e}")));
                }
            }
            if let Some(reason) = &r.exception {
                let _ = writeln!(out, "    {}", p.dim(&format!("accepted: {reason}")));
            }
        }
        i = j;
    }
    if !report.signatures.is_empty() {
        let _ = writeln!(out, "\nbundles:");
        for s in &report.signatures {
            let kind = match s.kind {
                super::SignatureKind::Signature => "signature",
                super::SignatureKind::Attestation => "attestation",
                super::SignatureKind::Other => "bundle",
            };
            let mark = if s.verified {
                p.green("verified")
            } else {
                p.red("NOT verified")
            };
            let _ = writeln!(
                out,
                "  {} {kind}: {mark}{}",
                s.bundle,
                s.signer
                    .as_deref()
                    .map(|x| format!(", signed by {x}"))
                    .unwrap_or_default()
            );
        }
    }
    let s = &report.summary;
    let verdict = if report.passed {
        p.green("PASSED")
    } else {
        p.red("FAILED")
    };
    let _ = writeln!(
        out,
        "\n{verdict}: {} denied, {} warning(s), {} accepted by exceptions, {} allowed",
        s.deny, s.warn, s.excepted, s.allow
    );
    out
}
