//! Rendering: turns scan results (inventory, analysis) into the bytes of each report format — the
//! CycloneDX BOM, the SPDX 3.0.1 document, the inventory JSON, the human table and the one-line summary. The library renders;
//! only the CLI decides where the bytes go.

use crate::analyze::Analysis;
use crate::attest::verify::VerifyReport;
use crate::attest::Signer;
use crate::bom::{self, BomOptions};
use crate::hfcache::{self, CacheReport};
use crate::inventory::Inventory;
use crate::output::ReportFormat;
use crate::role::Role;
use crate::spdx::{self, SpdxOptions};

/// Everything a scan produced, ready to render.
pub struct ScanReport<'a> {
    pub inventory: &'a Inventory,
    pub analysis: &'a Analysis,
    /// `metadata.timestamp` for BOMs and `created` for SPDX documents (RFC 3339), if any.
    pub timestamp: Option<String>,
}

/// Render a scan in `format`. Identical inputs give identical bytes.
pub fn render(r: &ScanReport, format: ReportFormat) -> String {
    match format {
        ReportFormat::CycloneDxJson(spec) => {
            let opts = BomOptions {
                spec,
                timestamp: r.timestamp.clone(),
            };
            bom::render(&bom::build(
                r.inventory,
                &r.analysis.facts,
                &r.analysis.completeness,
                &opts,
            ))
        }
        ReportFormat::SpdxJson => spdx::render(&spdx::build(
            r.inventory,
            &r.analysis.facts,
            &r.analysis.completeness,
            &SpdxOptions {
                timestamp: r.timestamp.clone(),
            },
        )),
        ReportFormat::Json => render_inventory(r.inventory),
        ReportFormat::Table => {
            let mut t = inventory_table(r.inventory);
            t.push_str(&analysis_summary(r.analysis));
            t
        }
        ReportFormat::Html | ReportFormat::Markdown => crate::summary::render(
            &crate::summary::Summary::new(r.inventory, r.analysis, r.timestamp.as_deref()),
            format == ReportFormat::Html,
        ),
    }
}

/// The inventory as pretty JSON with a trailing newline.
pub fn render_inventory(inv: &Inventory) -> String {
    let mut s = serde_json::to_string_pretty(inv).expect("inventory serialises");
    s.push('\n');
    s
}

/// The human summary of an analysis (appended to the table). Counts are grouped in thousands here
/// (`22,713,728`); the JSON and BOM outputs keep exact integers.
pub fn analysis_summary(a: &Analysis) -> String {
    let f = &a.facts;
    let mut out = String::new();
    let mut line = |k: &str, v: String| {
        if !v.is_empty() {
            out.push_str(&format!("{k:<15}{v}\n"));
        }
    };
    line("name", f.name.clone());
    let arch = [f.architecture_family.clone(), f.architecture.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" / ");
    line("arch", arch);
    line("task", f.task.clone().unwrap_or_default());
    line(
        "parameters",
        f.parameters.map(group_digits).unwrap_or_default(),
    );
    line(
        "dtypes",
        f.dtypes
            .iter()
            .map(|(d, n)| format!("{d} {}", group_digits(*n)))
            .collect::<Vec<_>>()
            .join(", "),
    );
    line("quantization", f.quantization.join(", "));
    line(
        "context",
        f.context_length
            .map(|c| format!("{} tokens", group_digits(c)))
            .unwrap_or_default(),
    );
    line(
        "chat template",
        match (f.chat_template, f.chat_template_files.is_empty()) {
            (false, _) => String::new(),
            (true, true) => "present".to_string(),
            (true, false) => format!("present in {}", f.chat_template_files.join(", ")),
        },
    );
    let lic = &f.licenses;
    let shown: Vec<&str> = lic
        .for_model()
        .map(|(entries, _)| entries)
        .unwrap_or_default()
        .iter()
        .map(|e| e.display.as_str())
        .collect();
    let mut l = if shown.is_empty() {
        "none found".to_string()
    } else {
        shown.join(", ")
    };
    if lic.use_restricted {
        l.push_str(" (use-restricted)");
    }
    if !lic.conflicts.is_empty() {
        l.push_str(&format!(" — {} conflict(s)", lic.conflicts.len()));
    }
    line("licence", l);
    line(
        "base model",
        f.base_models
            .iter()
            .map(|b| b.id.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    );
    line(
        "datasets",
        f.datasets
            .iter()
            .map(|d| d.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    );
    line("revision", f.revision.clone().unwrap_or_default());
    let missing = a.completeness.missing();
    line(
        "complete",
        if missing.is_empty() {
            format!("{}/100", a.completeness.score)
        } else {
            format!(
                "{}/100, missing: {}",
                a.completeness.score,
                missing.join(", ")
            )
        },
    );
    line("findings", f.findings.len().to_string());
    for finding in &f.findings {
        out.push_str(&format!(
            "  {} [{}] {}{}\n",
            finding.code,
            finding.severity.as_str(),
            finding
                .path
                .as_deref()
                .map(|p| format!("{p}: "))
                .unwrap_or_default(),
            finding.message
        ));
    }
    out
}

/// `n` with its digits grouped in threes by commas: `22713728` → `22,713,728`.
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Bytes in binary units with one decimal (`512.0 MiB`), exact below 1 KiB.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    format!("{v:.1} {}", UNITS[u])
}

fn inventory_table(inv: &Inventory) -> String {
    let rows: Vec<[String; 5]> = inv
        .files
        .iter()
        .map(|f| {
            let path = if f.symlink {
                format!("{} (symlink)", f.path)
            } else {
                f.path.clone()
            };
            [
                f.role.as_str().to_string(),
                f.format.as_str().to_string(),
                human_bytes(f.size),
                f.sha256[..16].to_string(),
                path,
            ]
        })
        .collect();
    let header = ["ROLE", "FORMAT", "SIZE", "SHA256", "PATH"];
    let mut widths = header.map(str::len);
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: [&str; 5]| {
        let mut l = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i == 4 {
                l.push_str(c);
            } else if i == 2 {
                l.push_str(&format!("{:>w$}  ", c, w = widths[i]));
            } else {
                l.push_str(&format!("{:<w$}  ", c, w = widths[i]));
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(header);
    for r in &rows {
        line([&r[0], &r[1], &r[2], &r[3], &r[4]]);
    }
    out.push('\n');
    out.push_str(&format!(
        "model   {} ({})\nfiles   {} ({})\nroles   {}\ndigest  {}\n",
        inv.model.name,
        match inv.model.kind {
            crate::inventory::ModelKindInfo::Directory => "directory",
            crate::inventory::ModelKindInfo::File => "single file",
        },
        inv.totals.files,
        human_bytes(inv.totals.bytes),
        role_summary(inv),
        inv.model.digest,
    ));
    out
}

/// `weights 4 (2.0 GiB), config 3 (2.1 KiB), ...` in role order.
pub fn role_summary(inv: &Inventory) -> String {
    Role::ALL
        .iter()
        .filter_map(|r| {
            inv.totals
                .by_role
                .get(r)
                .map(|t| format!("{} {} ({})", r.as_str(), t.files, human_bytes(t.bytes)))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The text verdict of a verification and every differing file, one per line.
pub fn render_verify_report(r: &VerifyReport) -> String {
    let mut out = String::new();
    if r.verified {
        out.push_str(&format!(
            "VERIFIED: {}: {} file(s) match the signature of {}\n",
            r.target,
            r.files_checked,
            r.signer.as_ref().map(signer_text).unwrap_or_default()
        ));
    } else {
        out.push_str(&format!("NOT VERIFIED: {}\n", r.target));
    }
    for m in &r.modified {
        out.push_str(&format!(
            "modified: {} (signed {}, found {})\n",
            m.name, m.signed, m.actual
        ));
    }
    for m in &r.missing {
        out.push_str(&format!("missing: {m}\n"));
    }
    let extra_label = if r.unsigned_files_ignored {
        "unsigned (ignored)"
    } else {
        "extra"
    };
    for m in &r.extra {
        out.push_str(&format!("{extra_label}: {m}\n"));
    }
    // The differing files are listed above by name; every other problem has a line of its own.
    for p in r.problems.iter().filter(|p| !p.code.is_file_difference()) {
        out.push_str(&format!("problem: {}\n", p.message));
    }
    out
}

/// Who signed, in a few words.
pub fn signer_text(s: &Signer) -> String {
    match s {
        Signer::Key { hint: Some(h) } => format!("key {h}"),
        Signer::Key { hint: None } => "the given key".to_string(),
        Signer::Certificate { subject, issuer } => {
            format!("certificate '{subject}' (issuer '{issuer}')")
        }
        Signer::Keyless {
            identity, issuer, ..
        } => format!("{identity} (issuer {issuer})"),
    }
}

/// The text verdict of a Hugging Face cache check and every file that is not as the Hub served it.
pub fn render_cache_report(report: &CacheReport) -> String {
    let mut out = String::new();
    let c = &report.counts;
    for repo in &report.repos {
        let name = repo.repo_id.as_deref().unwrap_or(&repo.dir);
        for r in repo
            .refs
            .iter()
            .filter(|r| r.status != hfcache::RefStatus::Ok)
        {
            out.push_str(&format!(
                "bad ref: {name}: refs/{} -> {} ({:?})\n",
                r.name, r.commit, r.status
            ));
        }
        let files = repo
            .snapshots
            .iter()
            .flat_map(|s| s.files.iter().map(move |f| (Some(&s.commit), f)))
            .chain(repo.unlinked.iter().map(|f| (None, f)));
        for (commit, f) in files {
            let at = match commit {
                Some(c) => format!("{name}@{}: {}", &c[..c.len().min(12)], f.path),
                None => format!("{name}: {}", f.path),
            };
            use hfcache::FileStatus as S;
            match &f.status {
                S::Ok { .. } => {}
                S::Mismatch {
                    algorithm,
                    expected,
                    actual,
                } => out.push_str(&format!(
                    "modified: {at} ({algorithm:?} expected {expected}, found {actual})\n"
                )),
                S::Dangling { target } => out.push_str(&format!("dangling: {at} -> {target}\n")),
                S::Outside { target } => {
                    out.push_str(&format!("outside blobs/: {at} -> {target}\n"))
                }
                S::Incomplete => out.push_str(&format!("incomplete download: {at}\n")),
                S::Missing => out.push_str(&format!("missing: {at}\n")),
                S::Unverifiable { reason } => {
                    out.push_str(&format!("unverifiable: {at}: {reason}\n"))
                }
            }
        }
        for p in &repo.problems {
            out.push_str(&format!("problem: {name}: {}\n", p.message));
        }
    }
    let verdict = if report.ok() {
        "VERIFIED"
    } else {
        "NOT VERIFIED"
    };
    let head = format!(
        "{verdict}: {}: {} file(s) in {} repo(s), {} match their blob hashes\n",
        report.path,
        c.files,
        report.repos.len(),
        c.ok
    );
    format!("{head}{out}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped_in_thousands() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1000), "1,000");
        assert_eq!(group_digits(22_713_728), "22,713,728");
        assert_eq!(group_digits(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn human_bytes_units() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(512 * 1024 * 1024), "512.0 MiB");
    }
}
