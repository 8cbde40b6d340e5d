//! `aibom scan`: check every output destination, scan the model through the scan façade, render each
//! requested format and write them all or none; a summary on stderr.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;

use aibom::output::OutputSpec;
use aibom::pipeline;
use aibom::report::{self, human_bytes};

use super::args::{self, GlobalArgs, WalkArgs};
use super::error::Failure;
use super::progress::Bar;

#[derive(Args)]
pub struct ScanArgs {
    /// Model directory or single model file.
    pub path: PathBuf,
    #[command(flatten)]
    pub walk: WalkArgs,
    /// Output as FORMAT to stdout, or to PATH with FORMAT=PATH (`-` is stdout); repeatable. FORMAT:
    /// cyclonedx-json (CycloneDX 1.6), cyclonedx-json@1.5, cyclonedx-json@1.7, spdx-json (SPDX 3.0.1
    /// JSON-LD, AI and Dataset profiles), json (file inventory), table, html (a self-contained report
    /// page), markdown (a summary for a CI step or pull request).
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FORMAT[=PATH]",
        default_value = "cyclonedx-json"
    )]
    pub outputs: Vec<OutputSpec>,
    /// BOM timestamp: RFC 3339 UTC (2024-05-01T12:00:00Z), seconds since the epoch, or `now`. Default:
    /// $SOURCE_DATE_EPOCH if set, else no timestamp (identical input gives identical bytes; SPDX, which
    /// requires one, then says 1970-01-01T00:00:00Z).
    #[arg(long, value_name = "WHEN")]
    pub timestamp: Option<String>,
}

pub fn run(args: &ScanArgs, g: &GlobalArgs) -> Result<ExitCode, Failure> {
    // Every output is resolved and checked before the model is read.
    let dests = args::destinations(&args.outputs, &[&args.path])?;
    let opts = args
        .walk
        .scan_options(&args.path, args::outputs_inside(&args.path, &dests))?;
    let timestamp = args::bom_timestamp(args.timestamp.as_deref())?;
    let started = Instant::now();
    let bar = Bar::new(g.quiet);
    let scan = pipeline::scan(&args.path, &opts, &bar);
    bar.finish();
    let scan = scan?;
    let elapsed = started.elapsed();
    let texts: Vec<String> = args
        .outputs
        .iter()
        .map(|o| scan.render(o.format, timestamp.as_deref()))
        .collect();
    args::write_all(&dests, &texts)?;
    if !g.quiet {
        let inv = &scan.inventory;
        eprintln!(
            "aibom: scanned {}: {} files, {} in {:.2}s; digest {}",
            inv.model.name,
            inv.totals.files,
            human_bytes(inv.totals.bytes),
            elapsed.as_secs_f64(),
            inv.model.digest
        );
        let c = &scan.analysis.completeness;
        let missing = c.missing();
        eprintln!(
            "aibom: completeness {}/100{}; {} finding(s)",
            c.score,
            if missing.is_empty() {
                String::new()
            } else {
                format!(" (missing: {})", missing.join(", "))
            },
            scan.findings().len()
        );
        if g.verbose {
            eprintln!("aibom: roles: {}", report::role_summary(inv));
            eprint!("{}", scan.summary());
        }
    }
    Ok(ExitCode::SUCCESS)
}
