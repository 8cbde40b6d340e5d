//! `aibom verify`: a model, file or digest against a Sigstore bundle through the verify façade (the
//! method chosen from the flags), or a Hugging Face cache through its own façade; the report in each
//! `-o FORMAT[=PATH]` (text or json, written as `scan` writes its outputs), notes on stderr, exit 0
//! verified / 1 not verified / 2 unusable input.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;

use aibom::attest::ProblemCode;
use aibom::output::{OutputSpec, VerifyFormat};
use aibom::pipeline::{self, Method, Target, VerifyOptions};
use aibom::Error;

use super::args::{self, GlobalArgs, KeylessArgs, WalkArgs};
use super::error::Failure;
use super::progress::Bar;

#[derive(Args)]
pub struct VerifyArgs {
    /// Model directory, single file, or sha256:<hex> (a digest known without the files).
    #[arg(value_name = "PATH", required_unless_present = "hf_cache")]
    pub path: Option<String>,
    /// The Sigstore bundle (signature) to check.
    #[arg(long, value_name = "B", required_unless_present = "hf_cache")]
    pub bundle: Option<PathBuf>,
    /// Key method: the signer's public key (PEM).
    #[arg(long, value_name = "PUB")]
    pub key: Option<PathBuf>,
    /// Certificate method: a trusted root (or intermediate) CA certificate file, PEM. Repeat the flag for
    /// more files.
    #[arg(long, value_name = "ROOT.pem", num_args = 1, action = clap::ArgAction::Append)]
    pub certificate_chain: Vec<PathBuf>,
    #[command(flatten)]
    pub keyless: KeylessArgs,
    /// Keyless, and --key bundles with log entries: Sigstore trusted_root.json instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    pub trusted_root: Option<PathBuf>,
    /// --key only: accept a managed-key bundle (cosign sign-blob/attest-blob --key) that has no
    /// transparency-log entry. Insecure: nothing shows the signature was published. Entries present are
    /// still verified; OMS model signatures never need one.
    #[arg(long)]
    pub insecure_ignore_tlog: bool,
    /// Check a Hugging Face cache (or a models--org--name directory) instead of a signature; takes no
    /// PATH, bundle, method or walk flags.
    #[arg(long, value_name = "PATH")]
    pub hf_cache: Option<PathBuf>,
    /// Tolerate files the signature does not list (missing files still fail).
    #[arg(long)]
    pub ignore_unsigned_files: bool,
    /// Output as FORMAT to stdout, or to PATH with FORMAT=PATH (`-` is stdout); repeatable. FORMAT:
    /// text (the verdict and every differing file), json (the full report).
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FORMAT[=PATH]",
        default_value = "text"
    )]
    pub outputs: Vec<OutputSpec<VerifyFormat>>,
    #[command(flatten)]
    pub walk: WalkArgs,
}

pub fn run(args: &VerifyArgs, g: &GlobalArgs) -> Result<ExitCode, Failure> {
    if let Some(cache) = &args.hf_cache {
        refuse_with_hf_cache(args)?;
        let dests = args::destinations(&args.outputs, &[])?;
        let report = pipeline::verify_hf_cache(cache)?;
        let texts: Vec<String> = args
            .outputs
            .iter()
            .map(|o| pipeline::render_cache(&report, o.format))
            .collect();
        args::write_all(&dests, &texts)?;
        return Ok(verdict(report.ok()));
    }
    let (Some(path), Some(bundle)) = (args.path.as_deref(), args.bundle.as_deref()) else {
        return Err(Error::Usage("PATH and --bundle are required".to_string()).into());
    };
    let claims = args.keyless.claims();
    let keyless = claims.is_some() || (args.trusted_root.is_some() && args.key.is_none());
    let methods = [
        args.key.is_some(),
        !args.certificate_chain.is_empty(),
        keyless,
    ];
    if methods.iter().filter(|m| **m).count() > 1 {
        return Err(Error::Usage(
            "give exactly one of --key PUB, --certificate-chain ROOT.pem, or --certificate-identity/--certificate-oidc-issuer (keyless)"
                .to_string(),
        )
        .into());
    }
    if args.insecure_ignore_tlog && args.key.is_none() {
        return Err(Error::Usage(
            "--insecure-ignore-tlog applies to --key only (keyless bundles always need their log entry; \
             certificate-chain bundles have none)"
                .to_string(),
        )
        .into());
    }
    let target = Target::parse(path)?;
    // Every output is resolved and checked before anything is read; none may replace an input.
    let mut inputs: Vec<&Path> = vec![bundle];
    if let Target::Path(p) = &target {
        inputs.push(p);
    }
    inputs.extend(args.key.as_deref());
    inputs.extend(args.certificate_chain.iter().map(PathBuf::as_path));
    inputs.extend(args.trusted_root.as_deref());
    let dests = args::destinations(&args.outputs, &inputs)?;
    let method = if let Some(k) = &args.key {
        Method::Key(k.clone())
    } else if !args.certificate_chain.is_empty() {
        Method::CertificateChain(args.certificate_chain.clone())
    } else if keyless {
        let (identity, issuer) = claims.unwrap_or_default();
        Method::Keyless { identity, issuer }
    } else {
        Method::Detect
    };
    let opts = VerifyOptions {
        // A report written inside the model is not one of its files.
        scan: args.walk.scan_options(
            Path::new(path),
            args::outputs_inside(Path::new(path), &dests),
        )?,
        ignore_unsigned_files: args.ignore_unsigned_files,
        trusted_root: args.trusted_root.clone(),
        insecure_ignore_tlog: args.insecure_ignore_tlog,
    };
    if args.insecure_ignore_tlog && !g.quiet {
        eprintln!(
            "aibom: warning: --insecure-ignore-tlog: a --key bundle without a transparency-log entry is \
             accepted; nothing shows its signature was published"
        );
    }
    let started = Instant::now();
    let bar = Bar::new(g.quiet);
    let report = pipeline::verify(&target, bundle, &method, &opts, &bar);
    bar.finish();
    let report = report?;
    let texts: Vec<String> = args
        .outputs
        .iter()
        .map(|o| pipeline::render_verify(&report, o.format))
        .collect();
    args::write_all(&dests, &texts)?;
    if !g.quiet {
        for n in &report.notes {
            eprintln!("aibom: {n}");
        }
        if report
            .problems
            .iter()
            .any(|p| p.code == ProblemCode::TlogMissing)
        {
            eprintln!(
                "aibom: the bundle was signed with a key and has no transparency-log entry; if it was \
                 deliberately not logged (cosign --tlog-upload=false), --insecure-ignore-tlog accepts it"
            );
        }
        // The content was checked only once a signature verified.
        if g.verbose && report.signer.is_some() {
            eprintln!(
                "aibom: checked {} file(s) in {:.2}s",
                report.files_checked,
                started.elapsed().as_secs_f64()
            );
        }
    }
    Ok(verdict(report.verified))
}

fn verdict(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `--hf-cache` checks a cache against the Hub's blob names and nothing else: any flag of a signature check
/// given with it would be silently unchecked, so the combination is refused.
fn refuse_with_hf_cache(args: &VerifyArgs) -> Result<(), Error> {
    let given: Vec<&str> = [
        (args.path.is_some(), "a model PATH"),
        (args.bundle.is_some(), "--bundle"),
        (args.key.is_some(), "--key"),
        (!args.certificate_chain.is_empty(), "--certificate-chain"),
        (args.trusted_root.is_some(), "--trusted-root"),
        (args.insecure_ignore_tlog, "--insecure-ignore-tlog"),
        (args.ignore_unsigned_files, "--ignore-unsigned-files"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .chain(args.keyless.given())
    .chain(args.walk.given())
    .collect();
    if given.is_empty() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "--hf-cache checks the cached files against the names the Hub gave them and nothing else; it \
         does not use {}. Check a signature with a separate `aibom verify PATH --bundle B --key PUB` \
         (or --certificate-chain / keyless flags)",
        given.join(", ")
    )))
}
