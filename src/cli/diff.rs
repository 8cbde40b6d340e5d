//! `aibom diff OLD NEW`: what changed between two releases, each a CycloneDX BOM or a model directory;
//! each `-o FORMAT[=PATH]` (human, json, markdown) written as `scan` writes its outputs. Exit 0 when the
//! comparison ran, 1 when a kind named by `--fail-on` changed, 2 when it could not run.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use aibom::diff::{self, ChangeKind};
use aibom::output::{DiffFormat, OutputSpec};
use aibom::pipeline;
use aibom::Error;

use super::args::{self, GlobalArgs, WalkArgs};
use super::error::Failure;
use super::progress::Bar;

#[derive(Args)]
pub struct DiffArgs {
    /// The earlier release: a CycloneDX BOM (JSON) or a model directory or file.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The later release: a CycloneDX BOM (JSON) or a model directory or file.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Exit 1 when one of these kinds changed (comma-separated or repeated): files, weights, licence,
    /// lineage, datasets, findings (new ones), completeness (lower), or all.
    #[arg(long, value_name = "KINDS", value_delimiter = ',', num_args = 1, action = clap::ArgAction::Append)]
    pub fail_on: Vec<String>,
    /// Output as FORMAT to stdout, or to PATH with FORMAT=PATH (`-` is stdout); repeatable. FORMAT:
    /// human, json (the full report), markdown (for a pull-request comment or step summary).
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FORMAT[=PATH]",
        default_value = "human"
    )]
    pub outputs: Vec<OutputSpec<DiffFormat>>,
    #[command(flatten)]
    pub walk: WalkArgs,
}

pub fn run(args: &DiffArgs, g: &GlobalArgs) -> Result<ExitCode, Failure> {
    let mut gate: Vec<ChangeKind> = Vec::new();
    for k in &args.fail_on {
        let k = k.trim();
        if k == "all" {
            gate.extend(ChangeKind::ALL);
            continue;
        }
        gate.push(ChangeKind::parse(k).ok_or_else(|| {
            Error::Usage(format!(
                "--fail-on {k}: unknown kind (expected files, weights, licence, lineage, datasets, findings, completeness or all)"
            ))
        })?);
    }
    let dests = args::destinations(&args.outputs, &[&args.old, &args.new])?;
    let old_opts = args
        .walk
        .scan_options(&args.old, args::outputs_inside(&args.old, &dests))?;
    let new_opts = args
        .walk
        .scan_options(&args.new, args::outputs_inside(&args.new, &dests))?;
    let bar = Bar::new(g.quiet);
    let report = pipeline::diff(&args.old, &args.new, &old_opts, &new_opts, &bar);
    bar.finish();
    let report = report?;
    let texts: Vec<String> = args
        .outputs
        .iter()
        .map(|o| match o.format {
            DiffFormat::Human => diff::render(&report, false),
            DiffFormat::Json => diff::json(&report),
            DiffFormat::Markdown => diff::render(&report, true),
        })
        .collect();
    args::write_all(&dests, &texts)?;
    let hit: Vec<&str> = report
        .changed
        .iter()
        .filter(|k| gate.contains(k))
        .map(|k| k.as_str())
        .collect();
    if hit.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    if !g.quiet {
        eprintln!("aibom: diff: changed: {} (--fail-on)", hit.join(", "));
    }
    Ok(ExitCode::from(1))
}
