//! The `aibom` command line: parses flags (each defined once and shared between subcommands), calls the
//! library, prints data on stdout and progress/summaries/errors on stderr, and maps results to exit codes
//! 0 (success), 1 (verification or policy failed) and 2 (usage or I/O error).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Args, CommandFactory, Parser, Subcommand};

use aibom::analyze;
use aibom::attest::bundle::Bundle;
use aibom::attest::keyless::{verify_keyless, IdentityMatch, KeylessArtifact, KeylessPolicy};
use aibom::attest::keys::{Curve, PrivateKey, PublicKey};
use aibom::attest::sign::{self, SignerMaterial};
use aibom::attest::verify::{self, CheckOptions, Target, VerifyReport};
use aibom::attest::{attest, AttestError, VerifiedSignature};
use aibom::hash::{NoProgress, Progress};
use aibom::hfcache;
use aibom::io::{self as aio, Destination, Mode};
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
  aibom keygen --output-prefix release          release.key + release.pub (P-256)
  aibom sign ./my-model --key release.key       OMS v1.0 signature in ./my-model.sig
  aibom attest ./my-model --key release.key     signed AIBOM in ./my-model.aibom.sigstore.json
  aibom verify ./my-model --bundle my-model.sig --key release.pub
  aibom completions bash > ~/.local/share/bash-completion/completions/aibom
  aibom man | man -l -                          this manual as a man page

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
    /// Walk a model directory (or file), hash every file, read its metadata and write its AIBOM.
    #[command(
        after_help = "Examples:\n  aibom scan ./model\n  aibom scan ./model -o table\n  aibom scan ./model -o json=out/inventory.json -o table\n  aibom scan ./model -o cyclonedx-json=/dev/stdout -o table=report.txt\n\nEvery output path is checked before the model is read, and all outputs are written or none.\nA file is replaced atomically (temporary file + rename; a symlink is followed to its target);\na device or fifo is written in place (a fifo waits for a reader); `FORMAT=-` is stdout.\nAn output file written inside the model directory is left out of the scan."
    )]
    Scan(ScanArgs),
    /// Print the OMS v1.0 root digest of a model: the subject digest model_signing signs.
    #[command(
        after_help = "Examples:\n  aibom digest ./model\n  aibom digest ./model --ignore-paths checkpoints --no-ignore-git-paths"
    )]
    Digest(DigestArgs),
    /// Generate an ECDSA key pair for signing: NAME.key (PKCS#8 PEM, encrypted when AIBOM_KEY_PASSWORD
    /// is set) and NAME.pub.
    #[command(
        after_help = "Examples:\n  aibom keygen                                             aibom.key + aibom.pub\n  AIBOM_KEY_PASSWORD=... aibom keygen --curve p384 --output-prefix release\n\nExisting key files are not replaced unless --force is given."
    )]
    Keygen(KeygenArgs),
    /// Sign a model (OMS v1.0, as model_signing): a Sigstore bundle next to the model.
    #[command(
        after_help = "Examples:\n  aibom sign ./model --key release.key                     writes ./model.sig\n  aibom sign ./model --key leaf.key --certificate leaf.pem --certificate-chain ca.pem\n  aibom sign ./model --key release.key --bundle release/model.sig --force\n\nThe key may be PKCS#8, SEC1 or encrypted PKCS#8 (password in AIBOM_KEY_PASSWORD).\nAn existing bundle is not replaced unless --force is given; --bundle - writes to stdout.\nA bundle written inside the model is left out of the signed files."
    )]
    Sign(SignArgs),
    /// Sign the model's AIBOM as an in-toto attestation bound to the model's OMS root digest.
    #[command(
        after_help = "Examples:\n  aibom attest ./model --key release.key                   BOM generated from the model\n  aibom scan ./model -o cyclonedx-json=bom.json && aibom attest ./model --key release.key --bom bom.json\n\nA given --bom must describe this model: its model component records the model's OMS root\ndigest (property aibom:oms-root-digest, as aibom scan writes it).\nAn existing bundle is not replaced unless --force is given; --bundle - writes to stdout."
    )]
    Attest(AttestArgs),
    /// Verify a signed model, file or digest against a Sigstore bundle (OMS signatures from aibom or
    /// model_signing, AIBOM attestations, cosign blob signatures and attestations).
    #[command(
        after_help = "Examples:\n  aibom verify ./model --bundle model.sig --key release.pub\n  aibom verify --certificate-chain root-ca.pem ./model --bundle model.sig -o json\n  aibom verify model.safetensors --bundle model.sig --key release.pub\n  aibom verify sha256:4f2a... --bundle model.sig --key release.pub\n  aibom verify ./model --bundle model.sig --certificate-identity me@example.com \\\n      --certificate-oidc-issuer https://accounts.google.com\n  aibom verify --hf-cache ~/.cache/huggingface/hub\n\nGive exactly one method: --key, --certificate-chain, or the keyless flags; without one, aibom\nsays which the bundle needs. --hf-cache is a check of its own and takes no PATH, bundle or method.\n\nExit codes: 0 verified, 1 not verified (bad signature, files differ), 2 unusable input."
    )]
    Verify(VerifyArgs),
    /// Print a shell completion script for aibom on stdout.
    #[command(
        after_help = "Examples:\n  aibom completions bash > ~/.local/share/bash-completion/completions/aibom\n  aibom completions zsh > ~/.zfunc/_aibom          (with fpath+=~/.zfunc before compinit)\n  aibom completions fish > ~/.config/fish/completions/aibom.fish\n  aibom completions powershell >> $PROFILE"
    )]
    Completions(CompletionsArgs),
    /// Print a man page (roff) generated from the flag definitions on stdout.
    #[command(
        after_help = "Examples:\n  aibom man | man -l -\n  aibom man verify > aibom-verify.1\n  aibom man > /usr/local/share/man/man1/aibom.1"
    )]
    Man(ManArgs),
}

#[derive(Args)]
struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    shell: clap_complete::Shell,
}

#[derive(Args)]
struct ManArgs {
    /// The page of one subcommand (aibom-SUBCOMMAND) instead of the aibom page.
    #[arg(value_name = "SUBCOMMAND")]
    subcommand: Option<String>,
}

#[derive(Args)]
struct KeygenArgs {
    /// Curve of the new key.
    #[arg(long, value_enum, default_value = "p256")]
    curve: CurveArg,
    /// Write NAME.key and NAME.pub.
    #[arg(long, value_name = "NAME", default_value = "aibom")]
    output_prefix: String,
    /// Overwrite existing key files.
    #[arg(long)]
    force: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum CurveArg {
    P256,
    P384,
}

/// The private key used to sign.
#[derive(Args)]
struct KeyArgs {
    /// Private key (PKCS#8, SEC1, or encrypted PKCS#8 with the password in AIBOM_KEY_PASSWORD).
    #[arg(long, value_name = "KEY")]
    key: PathBuf,
}

#[derive(Args)]
struct SignArgs {
    /// Model directory or single model file.
    path: PathBuf,
    #[command(flatten)]
    key: KeyArgs,
    /// Where to write the bundle (default: <PATH>.sig next to the model).
    #[arg(long, value_name = "OUT")]
    bundle: Option<PathBuf>,
    /// Certificate method: the signing key's certificate (PEM).
    #[arg(long, value_name = "CERT")]
    certificate: Option<PathBuf>,
    /// Certificate method: an intermediate (or root) CA certificate file to include, PEM. Repeat the flag
    /// for more files.
    #[arg(long, value_name = "CA", requires = "certificate", num_args = 1, action = clap::ArgAction::Append)]
    certificate_chain: Vec<PathBuf>,
    /// Replace an existing bundle file.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    walk: WalkArgs,
}

#[derive(Args)]
struct AttestArgs {
    /// Model directory or single model file.
    path: PathBuf,
    #[command(flatten)]
    key: KeyArgs,
    /// CycloneDX JSON BOM to attest (default: generated from the model, as `aibom scan` does).
    #[arg(long, value_name = "BOM")]
    bom: Option<PathBuf>,
    /// Where to write the bundle (default: <PATH>.aibom.sigstore.json next to the model).
    #[arg(long, value_name = "OUT")]
    bundle: Option<PathBuf>,
    /// Replace an existing bundle file.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    walk: WalkArgs,
}

#[derive(Args)]
struct VerifyArgs {
    /// Model directory, single file, or sha256:<hex> (a digest known without the files).
    #[arg(value_name = "PATH", required_unless_present = "hf_cache")]
    path: Option<String>,
    /// The Sigstore bundle (signature) to check.
    #[arg(long, value_name = "B", required_unless_present = "hf_cache")]
    bundle: Option<PathBuf>,
    /// Key method: the signer's public key (PEM).
    #[arg(long, value_name = "PUB")]
    key: Option<PathBuf>,
    /// Certificate method: a trusted root (or intermediate) CA certificate file, PEM. Repeat the flag for
    /// more files.
    #[arg(long, value_name = "ROOT.pem", num_args = 1, action = clap::ArgAction::Append)]
    certificate_chain: Vec<PathBuf>,
    /// Keyless: the signer identity (e-mail or URI) in the Fulcio certificate.
    #[arg(long, value_name = "ID")]
    certificate_identity: Option<String>,
    /// Keyless: a regular expression the signer identity must match.
    #[arg(long, value_name = "REGEX")]
    certificate_identity_regexp: Option<String>,
    /// Keyless: the OIDC issuer of the signer identity (https://accounts.google.com, ...).
    #[arg(long, value_name = "URL")]
    certificate_oidc_issuer: Option<String>,
    /// Keyless: a regular expression the OIDC issuer must match.
    #[arg(long, value_name = "REGEX")]
    certificate_oidc_issuer_regexp: Option<String>,
    /// Keyless, and --key bundles with log entries: Sigstore trusted_root.json instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    trusted_root: Option<PathBuf>,
    /// Check a Hugging Face cache (or a models--org--name directory) instead of a signature; takes no
    /// PATH, bundle, method or walk flags.
    #[arg(long, value_name = "PATH")]
    hf_cache: Option<PathBuf>,
    /// Tolerate files the signature does not list (missing files still fail).
    #[arg(long)]
    ignore_unsigned_files: bool,
    /// Output: text (verdict and differing files) or json (the full report).
    #[arg(short = 'o', long = "output", value_enum, default_value = "text")]
    output: VerifyOutput,
    #[command(flatten)]
    walk: WalkArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum VerifyOutput {
    Text,
    Json,
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
    /// Output as FORMAT to stdout, or to PATH with FORMAT=PATH (`-` is stdout); repeatable. FORMAT:
    /// cyclonedx-json (CycloneDX 1.6), cyclonedx-json@1.5, cyclonedx-json@1.7, json (file inventory), table.
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

/// Model-relative names of the outputs that lie inside the model (as given and after following links),
/// for the walk to leave out.
fn outputs_inside(model: &Path, dests: &[Destination]) -> Vec<String> {
    let mut inside = Vec::new();
    for d in dests.iter().filter(|d| !d.is_stdout()) {
        for p in [Some(d.given()), d.target()].into_iter().flatten() {
            if let Some(rel) = output::relative_inside(model, p) {
                if !inside.contains(&rel) {
                    inside.push(rel);
                }
            }
        }
    }
    inside
}

fn run_scan(args: &ScanArgs, g: &GlobalArgs) -> Result<ExitCode, Error> {
    // Every output is resolved and checked before the model is read.
    let dests = args
        .outputs
        .iter()
        .map(|o| match &o.path {
            Some(p) => Destination::resolve(p),
            None => Ok(Destination::stdout()),
        })
        .collect::<Result<Vec<_>, _>>()?;
    aio::check_destinations(&dests, &[&args.path])?;
    let opts = args
        .walk
        .scan_options(&args.path, outputs_inside(&args.path, &dests))?;
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
    let texts: Vec<String> = args
        .outputs
        .iter()
        .map(|o| report::render(&rep, o.format))
        .collect();
    let outputs: Vec<aio::Output> = dests
        .iter()
        .zip(&texts)
        .map(|(dest, t)| aio::Output {
            dest,
            bytes: t.as_bytes(),
            mode: Mode::Default,
        })
        .collect();
    aio::write_outputs(&outputs, &mut std::io::stdout().lock())?;
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

/// The password for private keys, from `AIBOM_KEY_PASSWORD` (unset or empty: none).
fn key_password() -> Option<zeroize::Zeroizing<Vec<u8>>> {
    std::env::var_os("AIBOM_KEY_PASSWORD")
        .filter(|v| !v.is_empty())
        .map(|v| {
            zeroize::Zeroizing::new(std::os::unix::ffi::OsStrExt::as_bytes(v.as_os_str()).to_vec())
        })
}

fn run_keygen(args: &KeygenArgs, g: &GlobalArgs) -> Result<ExitCode, AttestError> {
    let key_path = PathBuf::from(format!("{}.key", args.output_prefix));
    let pub_path = PathBuf::from(format!("{}.pub", args.output_prefix));
    if !args.force {
        for p in [&key_path, &pub_path] {
            if p.symlink_metadata().is_ok() {
                return Err(Error::Usage(format!(
                    "{}: already exists; pass --force to overwrite it",
                    p.display()
                ))
                .into());
            }
        }
    }
    let dests = [
        Destination::resolve(&key_path)?,
        Destination::resolve(&pub_path)?,
    ];
    aio::check_destinations(&dests, &[])?;
    let curve = match args.curve {
        CurveArg::P256 => Curve::P256,
        CurveArg::P384 => Curve::P384,
    };
    let key = PrivateKey::generate(curve);
    let password = key_password();
    let pem = key.to_pkcs8_pem(password.as_ref().map(|p| p.as_slice()))?;
    let public = key.public_key().to_pem();
    aio::write_outputs(
        &[
            aio::Output {
                dest: &dests[0],
                bytes: pem.as_bytes(),
                mode: Mode::Exact(0o600),
            },
            aio::Output {
                dest: &dests[1],
                bytes: public.as_bytes(),
                mode: Mode::Default,
            },
        ],
        &mut std::io::stdout().lock(),
    )?;
    if !g.quiet {
        eprintln!(
            "aibom: wrote {} ({} private key{}) and {}",
            key_path.display(),
            curve.name(),
            if password.is_some() {
                ", encrypted with AIBOM_KEY_PASSWORD"
            } else {
                ", not encrypted: set AIBOM_KEY_PASSWORD to encrypt it"
            },
            pub_path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `<PATH><suffix>` next to the model (never inside it).
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let named = match path.file_name() {
        Some(n)
            if path
                .components()
                .next_back()
                .is_some_and(|c| matches!(c, std::path::Component::Normal(_))) =>
        {
            Some(path.with_file_name(format!("{}{suffix}", n.to_string_lossy())))
        }
        _ => None,
    };
    named.unwrap_or_else(|| {
        let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let name = scan::model_name(path);
        abs.parent()
            .unwrap_or(Path::new("/"))
            .join(format!("{name}{suffix}"))
    })
}

/// Resolve and check where a bundle goes, before the model is read: an existing bundle file is replaced
/// only with `--force`, and never one of the command's inputs.
fn bundle_destination(out: &Path, force: bool, inputs: &[&Path]) -> Result<Destination, Error> {
    let dest = Destination::resolve(out)?;
    if dest.replaces_a_file() && !force {
        return Err(Error::Usage(format!(
            "{}: already exists; pass --force to replace it",
            out.display()
        )));
    }
    aio::check_destinations(std::slice::from_ref(&dest), inputs)?;
    Ok(dest)
}

/// Hash a model for signing, leaving out the bundle (and `also`, a BOM) when they lie inside the model.
fn hash_for_signing(
    path: &Path,
    walk: &WalkArgs,
    dest: &Destination,
    also: Option<&Path>,
    g: &GlobalArgs,
) -> Result<(HashedModel, ScanOptions), Error> {
    let mut inside = outputs_inside(path, std::slice::from_ref(dest));
    if let Some(rel) = also.and_then(|p| output::relative_inside(path, p)) {
        inside.push(rel);
    }
    let opts = walk.scan_options(path, inside)?;
    let model = hash_with_progress(path, &opts, g.quiet)?;
    Ok((model, opts))
}

/// Write a bundle to its destination (`-`: stdout).
fn write_bundle(dest: &Destination, bundle: &Bundle) -> Result<(), Error> {
    aio::write_output(
        dest,
        bundle.to_json().as_bytes(),
        Mode::Default,
        &mut std::io::stdout().lock(),
    )
}

fn run_sign(args: &SignArgs, g: &GlobalArgs) -> Result<ExitCode, AttestError> {
    let password = key_password();
    let key = PrivateKey::read(&args.key.key, password.as_ref().map(|p| p.as_slice()))?;
    let material = match &args.certificate {
        Some(cert) => SignerMaterial::from_certificate_files(&key, cert, &args.certificate_chain)?,
        None => SignerMaterial::Key,
    };
    let out = args
        .bundle
        .clone()
        .unwrap_or_else(|| beside(&args.path, ".sig"));
    let mut inputs: Vec<&Path> = vec![&args.path, &args.key.key];
    inputs.extend(args.certificate.as_deref());
    inputs.extend(args.certificate_chain.iter().map(PathBuf::as_path));
    let dest = bundle_destination(&out, args.force, &inputs)?;
    let started = Instant::now();
    let (model, opts) = hash_for_signing(&args.path, &args.walk, &dest, None, g)?;
    let name = scan::model_name(&args.path);
    let bundle = sign::sign_model(&name, &model, &opts.walk, &key, &material);
    write_bundle(&dest, &bundle)?;
    if !g.quiet {
        eprintln!(
            "aibom: signed {name} ({} files, {}, {} method) in {:.2}s: {}; digest {}",
            model.files.entries.len(),
            human_bytes(model.files.total_bytes()),
            if args.certificate.is_some() {
                "certificate"
            } else {
                "key"
            },
            started.elapsed().as_secs_f64(),
            out.display(),
            aibom::hash::prefixed_hex(&model.root_digest)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn run_attest(args: &AttestArgs, g: &GlobalArgs) -> Result<ExitCode, AttestError> {
    let password = key_password();
    let key = PrivateKey::read(&args.key.key, password.as_ref().map(|p| p.as_slice()))?;
    // A given BOM must say which model it describes; that is checked against the model once hashed.
    let given_bom = match &args.bom {
        Some(p) => {
            let bom = attest::read_bom(p)?;
            let described = attest::bom_model(&bom).map_err(|e| e.context(p.display()))?;
            Some((bom, described))
        }
        None => None,
    };
    let out = args
        .bundle
        .clone()
        .unwrap_or_else(|| beside(&args.path, ".aibom.sigstore.json"));
    let mut inputs: Vec<&Path> = vec![&args.path, &args.key.key];
    inputs.extend(args.bom.as_deref());
    let dest = bundle_destination(&out, args.force, &inputs)?;
    let (model, opts) = hash_for_signing(&args.path, &args.walk, &dest, args.bom.as_deref(), g)?;
    let name = scan::model_name(&args.path);
    let bom = match given_bom {
        Some((b, described)) => {
            let bom_path = args.bom.as_deref().unwrap_or(Path::new("BOM"));
            attest::check_bom_describes(&described, &name, &model)
                .map_err(|e| e.context(bom_path.display()))?;
            b
        }
        None => {
            let inv = scan::inventory(&model, &opts.walk);
            let analysis = analyze::analyze(&model, &inv);
            let bom_opts = aibom::bom::BomOptions {
                spec: aibom::bom::SpecVersion::V1_6,
                timestamp: bom_timestamp(None)?,
            };
            aibom::bom::build(&inv, &analysis.facts, &analysis.completeness, &bom_opts)
        }
    };
    let bundle = attest::attest_model(&name, &model, &bom, &key);
    write_bundle(&dest, &bundle)?;
    if !g.quiet {
        eprintln!(
            "aibom: attested {name} ({} files; BOM {}): {}; digest {}",
            model.files.entries.len(),
            if args.bom.is_some() {
                "given"
            } else {
                "generated"
            },
            out.display(),
            aibom::hash::prefixed_hex(&model.root_digest)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn run_verify(args: &VerifyArgs, g: &GlobalArgs) -> Result<ExitCode, AttestError> {
    let keyless = args.certificate_identity.is_some()
        || args.certificate_identity_regexp.is_some()
        || args.certificate_oidc_issuer.is_some()
        || args.certificate_oidc_issuer_regexp.is_some()
        || (args.trusted_root.is_some() && args.key.is_none());
    if let Some(cache) = &args.hf_cache {
        refuse_with_hf_cache(args)?;
        return run_verify_hf_cache(cache, args.output);
    }
    let (Some(path), Some(bundle_path)) = (args.path.as_deref(), args.bundle.as_deref()) else {
        return Err(Error::Usage("PATH and --bundle are required".to_string()).into());
    };
    let methods = [
        args.key.is_some(),
        !args.certificate_chain.is_empty(),
        keyless,
    ];
    let given = methods.iter().filter(|m| **m).count();
    if given > 1 {
        return Err(Error::Usage(
            "give exactly one of --key PUB, --certificate-chain ROOT.pem, or --certificate-identity/--certificate-oidc-issuer (keyless)"
                .to_string(),
        )
        .into());
    }
    let target = Target::parse(path).map_err(AttestError::Invalid)?;
    let bundle = Bundle::read(bundle_path)?;
    if given == 0 {
        return Err(Error::Usage(format!(
            "{}: no verification method given; {}",
            bundle_path.display(),
            method_advice(&verify::needed_method(&bundle))
        ))
        .into());
    }
    // Stage 1: the signature check, one path per method, each yielding a VerifiedSignature.
    let signature = if let Some(k) = &args.key {
        let key = PublicKey::read(k)?;
        let root = args.trusted_root.as_deref().map(read_capped).transpose()?;
        verify::check_key_with_root(&bundle, &key, root.as_deref())
    } else if !args.certificate_chain.is_empty() {
        let roots = verify::read_roots(&args.certificate_chain)?;
        verify::check_certificate_chain(&bundle, &roots)
    } else {
        check_keyless(args, bundle_path, &target)
    };
    let signature = match signature {
        Ok(s) => s,
        Err(AttestError::Rejected(problem)) => {
            let report = VerifyReport::rejected(&target, problem.context(bundle_path.display()));
            print_verify_report(&report, args.output)?;
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.context(bundle_path.display())),
    };
    // Stage 2: what was signed against the model, file or digest.
    let mut walk_opts = args.walk.scan_options(Path::new(path), Vec::new())?;
    if let Target::Digest(_) = target {
        walk_opts.walk.ignore_paths.clear();
    }
    let opts = CheckOptions {
        walk: walk_opts.walk,
        jobs: walk_opts.jobs,
        ignore_unsigned_files: args.ignore_unsigned_files,
        bundle_path: Some(bundle_path.to_path_buf()),
    };
    let started = Instant::now();
    let bar = Bar(indicatif::ProgressBar::hidden());
    let checked = verify::check_content(
        &signature,
        &target,
        &opts,
        &mut |files| start_bar(&bar, g.quiet, files),
        &bar,
    );
    bar.0.finish_and_clear();
    let mut report = match checked {
        Ok(r) => r,
        Err(AttestError::Rejected(problem)) => {
            let mut r = VerifyReport::rejected(&target, problem);
            r.signer = Some(signature.signer.clone());
            r
        }
        Err(e) => return Err(e),
    };
    if !report.verified {
        if let Some(what) = signed_model(&report) {
            report
                .notes
                .push(format!("{}: signs {what}", bundle_path.display()));
        }
    }
    print_verify_report(&report, args.output)?;
    if !g.quiet {
        for n in &report.notes {
            eprintln!("aibom: {n}");
        }
        if g.verbose {
            eprintln!(
                "aibom: checked {} file(s) in {:.2}s",
                report.files_checked,
                started.elapsed().as_secs_f64()
            );
        }
    }
    Ok(if report.verified {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `--hf-cache` checks a cache against the Hub's blob names and nothing else: any flag of a signature check
/// given with it would be silently unchecked, so the combination is refused.
fn refuse_with_hf_cache(args: &VerifyArgs) -> Result<(), Error> {
    let w = &args.walk;
    let given: Vec<&str> = [
        (args.path.is_some(), "a model PATH"),
        (args.bundle.is_some(), "--bundle"),
        (args.key.is_some(), "--key"),
        (!args.certificate_chain.is_empty(), "--certificate-chain"),
        (
            args.certificate_identity.is_some(),
            "--certificate-identity",
        ),
        (
            args.certificate_identity_regexp.is_some(),
            "--certificate-identity-regexp",
        ),
        (
            args.certificate_oidc_issuer.is_some(),
            "--certificate-oidc-issuer",
        ),
        (
            args.certificate_oidc_issuer_regexp.is_some(),
            "--certificate-oidc-issuer-regexp",
        ),
        (args.trusted_root.is_some(), "--trusted-root"),
        (args.ignore_unsigned_files, "--ignore-unsigned-files"),
        (!w.ignore_paths.is_empty(), "--ignore-paths"),
        (w.no_ignore_git_paths, "--no-ignore-git-paths"),
        (w.allow_symlinks, "--allow-symlinks"),
        (w.jobs != 0, "--jobs"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
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

/// Which flags a bundle needs, from what its verification material says.
fn method_advice(needed: &verify::NeededMethod) -> String {
    match needed {
        verify::NeededMethod::Key { hint } => format!(
            "this bundle was signed with a key{}: give its public key with --key PUB.pem",
            hint.as_deref()
                .map(|h| format!(" (hint {h})"))
                .unwrap_or_default()
        ),
        verify::NeededMethod::CertificateChain { issuer } => format!(
            "this bundle was signed with a certificate issued by '{issuer}': give the root CA you trust \
             with --certificate-chain ROOT.pem"
        ),
        verify::NeededMethod::Keyless { oidc_issuer } => format!(
            "this bundle was signed keyless (a Sigstore Fulcio certificate{}): give the signer you expect \
             with --certificate-identity (or --certificate-identity-regexp) and --certificate-oidc-issuer \
             (or --certificate-oidc-issuer-regexp)",
            oidc_issuer
                .as_deref()
                .map(|i| format!(" from OIDC issuer {i}"))
                .unwrap_or_default()
        ),
    }
}

/// The model a failed report's signature covers, in words (`model 'x' (root digest sha256:...)`).
fn signed_model(r: &VerifyReport) -> Option<String> {
    match (&r.model, &r.root_digest) {
        (Some(m), Some(d)) => Some(format!("model '{m}' (root digest {d})")),
        (Some(m), None) => Some(format!("model '{m}'")),
        (None, Some(d)) => Some(format!("a model with root digest {d}")),
        (None, None) => None,
    }
}

/// `aibom completions SHELL`: the script clap_complete generates from the flag definitions.
fn run_completions(args: &CompletionsArgs) -> Result<ExitCode, Error> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "aibom", &mut buf);
    write_stdout(&buf)?;
    Ok(ExitCode::SUCCESS)
}

/// `aibom man [SUBCOMMAND]`: a roff page clap_mangen generates from the flag definitions.
fn run_man(args: &ManArgs) -> Result<ExitCode, Error> {
    let mut cmd = Cli::command();
    cmd.build();
    let page = match &args.subcommand {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => {
                let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
                return Err(Error::Usage(format!(
                    "no subcommand '{name}' (one of: {})",
                    names.join(", ")
                )));
            }
        },
    };
    let mut buf = Vec::new();
    clap_mangen::Man::new(page)
        .source(format!("aibom {}", env!("CARGO_PKG_VERSION")))
        .render(&mut buf)
        .map_err(|e| Error::io("<stdout>", "rendering the man page", e))?;
    // roff puts its apostrophe-string definitions (`.ie`/`.el .ds Aq`) first; a page conventionally
    // opens with `.TH`, which tools that sniff man pages look for. The definitions work after it too.
    let text = String::from_utf8_lossy(&buf);
    let mut lines: Vec<&str> = text.lines().collect();
    if let Some(i) = lines.iter().position(|l| l.starts_with(".TH ")) {
        let th = lines.remove(i);
        lines.insert(0, th);
    }
    write_stdout(format!("{}\n", lines.join("\n")).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// Upper bound on files read whole for keyless verification (bundles, trusted roots).
const MAX_KEYLESS_INPUT: u64 = 64 * 1024 * 1024;

fn read_capped(path: &Path) -> Result<Vec<u8>, AttestError> {
    use std::io::Read;
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, "opening", e))?;
    let mut v = Vec::new();
    f.take(MAX_KEYLESS_INPUT + 1)
        .read_to_end(&mut v)
        .map_err(|e| Error::io(path, "reading", e))?;
    if v.len() as u64 > MAX_KEYLESS_INPUT {
        return Err(AttestError::Invalid(format!(
            "{}: larger than {MAX_KEYLESS_INPUT} bytes",
            path.display()
        )));
    }
    Ok(v)
}

/// The keyless signature check: Fulcio chain, SCTs, transparency log, timestamps and the identity
/// policy, offline, against the embedded production trusted root or `--trusted-root`.
fn check_keyless(
    args: &VerifyArgs,
    bundle_path: &Path,
    target: &Target,
) -> Result<VerifiedSignature, AttestError> {
    let pick = |exact: &Option<String>,
                regex: &Option<String>,
                flag: &'static str,
                rflag: &'static str| {
        match (exact, regex) {
            (Some(e), None) => Ok(IdentityMatch::Exact(e.clone())),
            (None, Some(r)) => IdentityMatch::regex(r, rflag).map_err(|e| AttestError::Invalid(e.to_string())),
            (Some(_), Some(_)) => Err(AttestError::Invalid(format!("give --{flag} or --{rflag}, not both"))),
            (None, None) => Err(AttestError::Invalid(format!(
                "keyless verification needs --{flag} (or --{rflag}): without it any signer would pass"
            ))),
        }
    };
    let policy = KeylessPolicy {
        identity: pick(
            &args.certificate_identity,
            &args.certificate_identity_regexp,
            "certificate-identity",
            "certificate-identity-regexp",
        )?,
        issuer: pick(
            &args.certificate_oidc_issuer,
            &args.certificate_oidc_issuer_regexp,
            "certificate-oidc-issuer",
            "certificate-oidc-issuer-regexp",
        )?,
    };
    let bundle = read_capped(bundle_path)?;
    let root = args.trusted_root.as_deref().map(read_capped).transpose()?;
    // A message signature covers one file's digest: the file given, or the digest given.
    let artifact = match target {
        Target::Digest(d) => KeylessArtifact::Digest(*d),
        Target::Path(p) if p.is_file() => {
            let entry = aibom::walk::walk(p, &aibom::walk::WalkOptions::oms_default())?;
            let mut buf = vec![0u8; aibom::hash::BUF_SIZE];
            let h = aibom::hash::hash_file(&entry.entries[0], &mut buf, &NoProgress)?;
            KeylessArtifact::Digest(h.sha256)
        }
        Target::Path(_) => KeylessArtifact::None,
    };
    verify_keyless(&bundle, &policy, root.as_deref(), artifact).map_err(AttestError::from)
}

/// `verify --hf-cache`: every cached file against its blob name or etag.
fn run_verify_hf_cache(path: &Path, format: VerifyOutput) -> Result<ExitCode, AttestError> {
    let report = hfcache::verify_cache(path)?;
    if format == VerifyOutput::Json {
        let mut s = serde_json::to_string_pretty(&report).expect("report serialises");
        s.push('\n');
        write_stdout(s.as_bytes())?;
    } else {
        write_stdout(report::render_cache_report(&report).as_bytes())?;
    }
    Ok(if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The verdict and every differing file on stdout (text), or the JSON report.
fn print_verify_report(r: &VerifyReport, format: VerifyOutput) -> Result<(), Error> {
    if format == VerifyOutput::Json {
        let mut s = serde_json::to_string_pretty(r).expect("report serialises");
        s.push('\n');
        return write_stdout(s.as_bytes());
    }
    write_stdout(report::render_verify_report(r).as_bytes())
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
        Command::Scan(a) => run_scan(a, &cli.global).map_err(AttestError::from),
        Command::Digest(a) => run_digest(a, &cli.global).map_err(AttestError::from),
        Command::Keygen(a) => run_keygen(a, &cli.global),
        Command::Sign(a) => run_sign(a, &cli.global),
        Command::Attest(a) => run_attest(a, &cli.global),
        Command::Verify(a) => run_verify(a, &cli.global),
        Command::Completions(a) => run_completions(a).map_err(AttestError::from),
        Command::Man(a) => run_man(a).map_err(AttestError::from),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("aibom: error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
