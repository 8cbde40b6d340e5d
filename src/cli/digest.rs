//! `aibom digest`: walk and hash a model through the scan façade and print its OMS root digest.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;

use aibom::pipeline;
use aibom::report::human_bytes;

use super::args::{GlobalArgs, WalkArgs};
use super::error::Failure;
use super::progress::Bar;
use super::write_stdout;

#[derive(Args)]
pub struct DigestArgs {
    /// Model directory or single model file.
    pub path: PathBuf,
    #[command(flatten)]
    pub walk: WalkArgs,
}

pub fn run(args: &DigestArgs, g: &GlobalArgs) -> Result<ExitCode, Failure> {
    let opts = args.walk.scan_options(&args.path, Vec::new())?;
    let started = Instant::now();
    let bar = Bar::new(g.quiet);
    let model = pipeline::hash(&args.path, &opts, &bar);
    bar.finish();
    let model = model?;
    write_stdout(format!("{}\n", aibom::hash::prefixed_hex(&model.root_digest)).as_bytes())?;
    if g.verbose {
        let secs = started.elapsed().as_secs_f64();
        let bytes = model.files.total_bytes();
        eprintln!(
            "aibom: {} files, {} in {:.3}s ({:.2} GB/s)",
            model.files.entries.len(),
            human_bytes(bytes),
            secs,
            bytes as f64 / secs.max(1e-9) / 1e9
        );
    }
    Ok(ExitCode::SUCCESS)
}
