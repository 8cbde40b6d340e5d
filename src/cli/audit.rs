//! `aibom audit`: a model directory or file, a Hugging Face cache repository, or only a BOM, judged by a
//! policy file through the audit façade; the report in each `-o FORMAT[=PATH]` (human, json, sarif), a
//! summary on stderr, exit 0 when the policy passes / 1 when it is violated / 2 when the audit could
//! not run (an invalid policy included).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use aibom::audit::{self, Override};
use aibom::output::{AuditFormat, OutputSpec};
use aibom::pipeline::{self, AuditInput, AuditTarget};
use aibom::policy::{Level, Policy};
use aibom::Error;

use super::args::{self, GlobalArgs, KeylessArgs, WalkArgs};
use super::error::Failure;
use super::progress::Bar;

/// The policy read when `--policy` is not given and this file exists in the current directory.
const DEFAULT_POLICY: &str = "aibom.toml";

#[derive(Args)]
pub struct AuditArgs {
    /// Model directory or single model file (with --hf-cache: a models--org--name cache repository or a
    /// local_dir download). Not needed to audit only a BOM (--bom) or only an AIBOM attestation
    /// (--bundle).
    #[arg(value_name = "PATH", required_unless_present_any = ["bom", "bundle"])]
    pub path: Option<PathBuf>,
    /// Policy file (see `aibom init`). Default: ./aibom.toml when it exists, else the built-in policy
    /// (findings of high severity and above fail).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// A CycloneDX BOM: with PATH, every file of the model must match it (modified, missing and extra
    /// files fail); without PATH, the facts it records are audited.
    #[arg(long, value_name = "BOM")]
    pub bom: Option<PathBuf>,
    /// PATH is a Hugging Face cache repository or local_dir download: every file is checked against the
    /// hash the Hub served, then the snapshot (refs/main) is audited.
    #[arg(long, requires = "path")]
    pub hf_cache: bool,
    /// A signature or attestation bundle to check; repeatable. Default when the policy requires one:
    /// PATH.sig and PATH.aibom.sigstore.json when they exist.
    #[arg(long, value_name = "B", num_args = 1, action = clap::ArgAction::Append)]
    pub bundle: Vec<PathBuf>,
    /// Trust this signer's public key (PEM), in addition to the policy's; repeatable.
    #[arg(long, value_name = "PUB", num_args = 1, action = clap::ArgAction::Append)]
    pub key: Vec<PathBuf>,
    /// Trust this root (or intermediate) CA certificate (PEM); repeatable.
    #[arg(long, value_name = "ROOT.pem", num_args = 1, action = clap::ArgAction::Append)]
    pub certificate_chain: Vec<PathBuf>,
    #[command(flatten)]
    pub keyless: KeylessArgs,
    /// Sigstore trusted_root.json instead of the embedded one (or the policy's).
    #[arg(long, value_name = "FILE")]
    pub trusted_root: Option<PathBuf>,
    /// Tolerate files the signatures do not list (missing and modified files still fail).
    #[arg(long)]
    pub ignore_unsigned_files: bool,
    /// Set CODE to `allow` (not reported); repeatable; wins over the policy file.
    #[arg(short = 'A', long = "allow", value_name = "CODE", num_args = 1, action = clap::ArgAction::Append)]
    pub allow: Vec<String>,
    /// Set CODE to `warn` (reported, the audit passes); repeatable; wins over the policy file.
    #[arg(short = 'W', long = "warn", value_name = "CODE", num_args = 1, action = clap::ArgAction::Append)]
    pub warn: Vec<String>,
    /// Set CODE to `deny` (the audit fails); repeatable; wins over the policy file.
    #[arg(short = 'D', long = "deny", value_name = "CODE", num_args = 1, action = clap::ArgAction::Append)]
    pub deny: Vec<String>,
    /// Output as FORMAT to stdout, or to PATH with FORMAT=PATH (`-` is stdout); repeatable. FORMAT:
    /// human (grouped by code; colour on a terminal unless NO_COLOR), json (the full report), sarif
    /// (SARIF 2.1.0 for code scanning).
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FORMAT[=PATH]",
        default_value = "human"
    )]
    pub outputs: Vec<OutputSpec<AuditFormat>>,
    #[command(flatten)]
    pub walk: WalkArgs,
}

/// `-A`/`-W`/`-D` as overrides; a code known to no rule, or given two different levels, is refused.
fn overrides(args: &AuditArgs) -> Result<Vec<Override>, Error> {
    let mut out: Vec<Override> = Vec::new();
    for (codes, level, flag) in [
        (&args.allow, Level::Allow, "-A"),
        (&args.warn, Level::Warn, "-W"),
        (&args.deny, Level::Deny, "-D"),
    ] {
        for code in codes {
            if audit::rules::lookup(code).is_none() {
                return Err(Error::Usage(format!(
                    "{flag} {code}: unknown code (every code is listed in docs/audit.md)"
                )));
            }
            if let Some(o) = out.iter().find(|o| &o.code == code && o.level != level) {
                return Err(Error::Usage(format!(
                    "{code} is given both as {} and as {}: give each code one level",
                    o.level.as_str(),
                    level.as_str()
                )));
            }
            out.push(Override {
                code: code.clone(),
                level,
            });
        }
    }
    Ok(out)
}

pub fn run(args: &AuditArgs, g: &GlobalArgs) -> Result<ExitCode, Failure> {
    let overrides = overrides(args)?;
    let policy_path = args.policy.clone().or_else(|| {
        let p = PathBuf::from(DEFAULT_POLICY);
        p.is_file().then_some(p)
    });
    let policy = match &policy_path {
        Some(p) => Policy::read(p)?,
        None => Policy::builtin(),
    };
    let target = match (&args.path, &args.bom) {
        (Some(p), _) if args.hf_cache => AuditTarget::HfCache(p.clone()),
        (Some(p), _) => AuditTarget::Model(p.clone()),
        (None, Some(b)) => AuditTarget::Bom(b.clone()),
        (None, None) if args.bundle.len() == 1 => AuditTarget::Attestation(args.bundle[0].clone()),
        (None, None) => {
            return Err(Error::Usage(
                "give a model PATH, or only a BOM (--bom) or only one AIBOM attestation (--bundle)"
                    .into(),
            )
            .into())
        }
    };
    if matches!(target, AuditTarget::Bom(_) | AuditTarget::Attestation(_))
        && !args.walk.given().is_empty()
    {
        return Err(Error::Usage(format!(
            "{} apply to a model's files; a BOM audited alone has none",
            args.walk.given().join(", ")
        ))
        .into());
    }
    // Every output is resolved and checked before anything is read; none may replace an input.
    let mut inputs: Vec<&Path> = Vec::new();
    inputs.extend(args.path.as_deref());
    inputs.extend(args.bom.as_deref());
    inputs.extend(policy_path.as_deref());
    inputs.extend(args.bundle.iter().map(PathBuf::as_path));
    inputs.extend(args.key.iter().map(PathBuf::as_path));
    inputs.extend(args.certificate_chain.iter().map(PathBuf::as_path));
    inputs.extend(args.trusted_root.as_deref());
    let dests = args::destinations(&args.outputs, &inputs)?;
    let scan_opts = match &args.path {
        Some(p) => args.walk.scan_options(p, args::outputs_inside(p, &dests))?,
        None => Default::default(),
    };
    let input = AuditInput {
        bom: if args.path.is_some() {
            args.bom.clone()
        } else {
            None
        },
        bundles: if matches!(target, AuditTarget::Attestation(_)) {
            Vec::new()
        } else {
            args.bundle.clone()
        },
        keys: args.key.clone(),
        certificate_chains: args.certificate_chain.clone(),
        identities: args.keyless.claims().into_iter().collect(),
        trusted_root: args.trusted_root.clone(),
        ignore_unsigned_files: args.ignore_unsigned_files,
        overrides,
    };
    let bar = Bar::new(g.quiet);
    let result = pipeline::audit(&target, &input, &policy, &scan_opts, &bar);
    bar.finish();
    let result = result?;
    let report = &result.report;
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let texts: Vec<String> = args
        .outputs
        .iter()
        .zip(&dests)
        .map(|(o, d)| match o.format {
            AuditFormat::Human => audit::human::render(
                report,
                color && d.is_stdout() && std::io::stdout().is_terminal(),
            ),
            AuditFormat::Json => audit::json(report),
            AuditFormat::Sarif => audit::sarif::render(report),
        })
        .collect();
    args::write_all(&dests, &texts)?;
    let human_on_stdout = args
        .outputs
        .iter()
        .zip(&dests)
        .any(|(o, d)| o.format == AuditFormat::Human && d.is_stdout());
    if !g.quiet && !human_on_stdout {
        let s = &report.summary;
        eprintln!(
            "aibom: audit {}: {} denied, {} warning(s), {} accepted by exceptions",
            if report.passed { "passed" } else { "FAILED" },
            s.deny,
            s.warn,
            s.excepted
        );
    }
    Ok(if report.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
