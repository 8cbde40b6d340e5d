//! The `aibom` command line: parses flags (each defined once and shared between subcommands), calls the
//! library, prints data on stdout and progress/summaries/errors on stderr, and maps results to exit codes
//! 0 (success), 1 (verification or policy failed) and 2 (usage or I/O error).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand};

use aibom::analyze;
use aibom::hash::{NoProgress, Progress};
use aibom::output::{self, OutputSpec};
use aibom::report::{self, human_bytes, ScanReport};
use aibom::scan::{self, HashedModel, ScanOptions};
use aibom::timestamp;
use aibom::walk::{normalize_ignore_path, ModelFiles, WalkOptions};
use aibom::Error;

const EXAMPLES: &str = "\
Examples:
  aibom scan ./my-model                         CycloneDX 1.6 ML-BOM on stdout
  aibom scan ./my-model -o table                files, licences, lineage, completeness
  aibom scan ./my-model -o cyclonedx-json@1.7=bom.json -o json=inventory.json -o table
  aibom digest ./my-model                       OMS root digest (sha256:...), as model_signing signs it
  aibom digest ./my-model --ignore-paths runs --allow-symlinks

Exit codes: 0 success, 1 verification or policy failed, 2 usage or I/O error.";

#[derive(Parser)]
#[command(name = "aibom", version, about = "AI supply-chain attestation for model directories", after_help = EXAMPLES)]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct GlobalArgs {
    /// No progress bar and no summary on stderr (errors are still printed).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// More detail in the stderr summary.
    #[arg(short, long, global = true)]
    verbose: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Walk a model directory (or file), hash every file and print its inventory.
    #[command(
        after_help = "Examples:\n  aibom scan ./model\n  aibom scan ./model -o table\n  aibom scan ./model -o json=out/inventory.json -o table\n\nAn output file written inside the model directory is left out of the scan."
    )]
    Scan(ScanArgs),
    /// Print the OMS v1.0 root digest of a model: the subject digest model_signing signs.
    #[command(
        after_help = "Examples:\n  aibom digest ./model\n  aibom digest ./model --ignore-paths checkpoints --no-ignore-git-paths"
    )]
    Digest(DigestArgs),
}

/// Which files make up the model; identical to model_signing's options.
#[derive(Args, Clone)]
struct WalkArgs {
    /// Model-relative path to leave out (a directory leaves out everything under it). Repeatable.
    #[arg(long = "ignore-paths", value_name = "PATH", action = clap::ArgAction::Append)]
    ignore_paths: Vec<String>,
    /// Include the root's .git, .gitattributes, .github and .gitignore (ignored by default).
    #[arg(long)]
    no_ignore_git_paths: bool,
    /// Hash symbolic links to files as their target's content under the link's name (links to
    /// directories are not descended). Without it a symlink is an error.
    #[arg(long)]
    allow_symlinks: bool,
    /// Hashing threads (default: one per core).
    #[arg(
        short = 'j',
        long,
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true
    )]
    jobs: usize,
}

#[derive(Args)]
struct ScanArgs {
    /// Model directory or single model file.
    path: PathBuf,
    #[command(flatten)]
    walk: WalkArgs,
    /// Output as FORMAT to stdout, or to PATH with FORMAT=PATH; repeatable. FORMAT: cyclonedx-json
    /// (CycloneDX 1.6), cyclonedx-json@1.5, cyclonedx-json@1.7, json (file inventory), table.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FORMAT[=PATH]",
        default_value = "cyclonedx-json"
    )]
    outputs: Vec<OutputSpec>,
    /// BOM timestamp: RFC 3339 UTC (2024-05-01T12:00:00Z), seconds since the epoch, or `now`. Default:
    /// $SOURCE_DATE_EPOCH if set, else no timestamp (identical input gives identical bytes).
    #[arg(long, value_name = "WHEN")]
    timestamp: Option<String>,
}

#[derive(Args)]
struct DigestArgs {
    /// Model directory or single model file.
    path: PathBuf,
    #[command(flatten)]
    walk: WalkArgs,
}

impl WalkArgs {
    /// Build scan options; `extra_ignores` are outputs that live inside the model.
    fn scan_options(&self, root: &Path, extra_ignores: Vec<String>) -> Result<ScanOptions, Error> {
        let mut ignore_paths = self
            .ignore_paths
            .iter()
            .map(|p| normalize_ignore_path(root, p))
            .collect::<Result<Vec<_>, _>>()?;
        ignore_paths.extend(extra_ignores);
        Ok(ScanOptions {
            walk: WalkOptions {
                ignore_paths,
                ignore_git_paths: !self.no_ignore_git_paths,
                allow_symlinks: self.allow_symlinks,
            },
            jobs: self.jobs,
        })
    }
}

/// A progress bar on stderr, shown only when stderr is a terminal and the scan is long.
struct Bar(indicatif::ProgressBar);

impl Progress for Bar {
    fn advance(&self, bytes: u64) {
        self.0.inc(bytes);
    }
}

/// Scans at least this large get a progress bar.
const BAR_MIN_BYTES: u64 = 256 * 1024 * 1024;
const BAR_MIN_FILES: usize = 2_000;

fn start_bar(bar: &Bar, quiet: bool, files: &ModelFiles) {
    let total = files.total_bytes();
    if quiet
        || !std::io::stderr().is_terminal()
        || (total < BAR_MIN_BYTES && files.entries.len() < BAR_MIN_FILES)
    {
        return;
    }
    bar.0.set_length(total);
    bar.0.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} hashing {bytes}/{total_bytes} {wide_bar} {binary_bytes_per_sec} eta {eta}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar.0
        .set_draw_target(indicatif::ProgressDrawTarget::stderr());
    bar.0.enable_steady_tick(Duration::from_millis(120));
}

fn hash_with_progress(root: &Path, opts: &ScanOptions, quiet: bool) -> Result<HashedModel, Error> {
    // Hidden until the walk shows the scan is long enough to be worth a bar.
    let bar = Bar(indicatif::ProgressBar::hidden());
    let result = scan::hash_model(root, opts, &mut |files| start_bar(&bar, quiet, files), &bar);
    bar.0.finish_and_clear();
    result
}

fn run_scan(args: &ScanArgs, g: &GlobalArgs) -> Result<ExitCode, Error> {
    output::validate_outputs(&args.outputs)?;
    let inside: Vec<String> = args
        .outputs
        .iter()
        .filter_map(|o| {
            o.path
                .as_deref()
                .and_then(|p| output::relative_inside(&args.path, p))
        })
        .collect();
    let opts = args.walk.scan_options(&args.path, inside)?;
    let started = Instant::now();
    let model = hash_with_progress(&args.path, &opts, g.quiet)?;
    let elapsed = started.elapsed();
    let inv = scan::inventory(&model, &opts.walk);
    let analysis = analyze::analyze(&model, &inv);
    let rep = ScanReport {
        inventory: &inv,
        analysis: &analysis,
        timestamp: bom_timestamp(args.timestamp.as_deref())?,
    };
    for o in &args.outputs {
        let text = report::render(&rep, o.format);
        match &o.path {
            Some(p) => output::write_atomic(p, text.as_bytes())?,
            None => write_stdout(text.as_bytes())?,
        }
    }
    if !g.quiet {
        eprintln!(
            "aibom: scanned {}: {} files, {} in {:.2}s; digest {}",
            inv.model.name,
            inv.totals.files,
            human_bytes(inv.totals.bytes),
            elapsed.as_secs_f64(),
            inv.model.digest
        );
        let c = &analysis.completeness;
        let missing = c.missing();
        eprintln!(
            "aibom: completeness {}/100{}; {} finding(s)",
            c.score,
            if missing.is_empty() {
                String::new()
            } else {
                format!(" (missing: {})", missing.join(", "))
            },
            analysis.facts.findings.len()
        );
        if g.verbose {
            eprintln!("aibom: roles: {}", report::role_summary(&inv));
            eprint!("{}", report::analysis_summary(&analysis));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The BOM timestamp from `--timestamp`, else `SOURCE_DATE_EPOCH`, else none.
fn bom_timestamp(flag: Option<&str>) -> Result<Option<String>, Error> {
    match flag {
        Some(v) => timestamp::parse(v)
            .map(Some)
            .map_err(|e| Error::Usage(format!("--timestamp {v}: {e}"))),
        None => match std::env::var("SOURCE_DATE_EPOCH") {
            Ok(v) if !v.is_empty() => timestamp::parse(&v)
                .map(Some)
                .map_err(|e| Error::Usage(format!("SOURCE_DATE_EPOCH={v}: {e}"))),
            _ => Ok(None),
        },
    }
}

fn run_digest(args: &DigestArgs, g: &GlobalArgs) -> Result<ExitCode, Error> {
    let opts = args.walk.scan_options(&args.path, Vec::new())?;
    let started = Instant::now();
    let model = if g.quiet {
        scan::hash_model(&args.path, &opts, &mut |_| {}, &NoProgress)?
    } else {
        hash_with_progress(&args.path, &opts, g.quiet)?
    };
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

fn write_stdout(bytes: &[u8]) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`aibom scan . | head`) is the reader's choice, not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io("<stdout>", "writing output", e)),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Scan(a) => run_scan(a, &cli.global),
        Command::Digest(a) => run_digest(a, &cli.global),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("aibom: error: {e}");
            ExitCode::from(2)
        }
    }
}
