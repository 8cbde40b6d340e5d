//! Flag groups shared between subcommands, each defined once: the global `-q`/`-v`, the walk flags
//! (identical to model_signing's options), the signing key; and what turns them into library options:
//! walk options with normalised ignore paths, `-o FORMAT[=PATH]` destinations resolved and checked before
//! any work, outputs inside the model left out of its walk, and the inputs read from the environment
//! (`AIBOM_KEY_PASSWORD`, `SOURCE_DATE_EPOCH`).

use std::path::{Path, PathBuf};

use clap::Args;

use aibom::io::{self as aio, Destination, Mode};
use aibom::output::{self, OutputSpec};
use aibom::pipeline::Claim;
use aibom::scan::ScanOptions;
use aibom::timestamp;
use aibom::walk::{normalize_ignore_path, WalkOptions};
use aibom::Error;

#[derive(Args)]
pub struct GlobalArgs {
    /// No progress bar and no summary on stderr (errors are still printed).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More detail in the stderr summary.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

/// The private key used to sign.
#[derive(Args)]
pub struct KeyArgs {
    /// Private key (PKCS#8, SEC1, or encrypted PKCS#8 with the password in AIBOM_KEY_PASSWORD).
    #[arg(long, value_name = "KEY")]
    pub key: PathBuf,
}

/// The keyless Sigstore signer (cosign's flag names): the identity and the OIDC issuer the Fulcio
/// certificate must name, each exact or as a regular expression.
#[derive(Args, Clone)]
pub struct KeylessArgs {
    /// Keyless: the signer identity (e-mail or URI) in the Fulcio certificate.
    #[arg(long, value_name = "ID")]
    pub certificate_identity: Option<String>,
    /// Keyless: a regular expression the signer identity must match.
    #[arg(long, value_name = "REGEX")]
    pub certificate_identity_regexp: Option<String>,
    /// Keyless: the OIDC issuer of the signer identity (https://accounts.google.com, ...).
    #[arg(long, value_name = "URL")]
    pub certificate_oidc_issuer: Option<String>,
    /// Keyless: a regular expression the OIDC issuer must match.
    #[arg(long, value_name = "REGEX")]
    pub certificate_oidc_issuer_regexp: Option<String>,
}

impl KeylessArgs {
    /// The (identity, issuer) claims, when any keyless flag is given.
    pub fn claims(&self) -> Option<(Claim, Claim)> {
        let identity = Claim {
            exact: self.certificate_identity.clone(),
            regexp: self.certificate_identity_regexp.clone(),
        };
        let issuer = Claim {
            exact: self.certificate_oidc_issuer.clone(),
            regexp: self.certificate_oidc_issuer_regexp.clone(),
        };
        (identity != Claim::default() || issuer != Claim::default()).then_some((identity, issuer))
    }

    /// The keyless flags given, by name.
    pub fn given(&self) -> Vec<&'static str> {
        [
            (
                self.certificate_identity.is_some(),
                "--certificate-identity",
            ),
            (
                self.certificate_identity_regexp.is_some(),
                "--certificate-identity-regexp",
            ),
            (
                self.certificate_oidc_issuer.is_some(),
                "--certificate-oidc-issuer",
            ),
            (
                self.certificate_oidc_issuer_regexp.is_some(),
                "--certificate-oidc-issuer-regexp",
            ),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }
}

/// Which files make up the model; identical to model_signing's options.
#[derive(Args, Clone)]
pub struct WalkArgs {
    /// Model-relative path to leave out (a directory leaves out everything under it). Repeatable.
    #[arg(long = "ignore-paths", value_name = "PATH", action = clap::ArgAction::Append)]
    pub ignore_paths: Vec<String>,
    /// Include the root's .git, .gitattributes, .github and .gitignore (ignored by default).
    #[arg(long)]
    pub no_ignore_git_paths: bool,
    /// Hash symbolic links to files as their target's content under the link's name (links to
    /// directories are not descended). Without it a symlink is an error.
    #[arg(long)]
    pub allow_symlinks: bool,
    /// Hashing threads (default: one per core).
    #[arg(
        short = 'j',
        long,
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true
    )]
    pub jobs: usize,
}

impl WalkArgs {
    /// Build scan options; `extra_ignores` are outputs that live inside the model.
    pub fn scan_options(
        &self,
        root: &Path,
        extra_ignores: Vec<String>,
    ) -> Result<ScanOptions, Error> {
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

    /// The walk flags given, by name (for a mode that takes none of them).
    pub fn given(&self) -> Vec<&'static str> {
        [
            (!self.ignore_paths.is_empty(), "--ignore-paths"),
            (self.no_ignore_git_paths, "--no-ignore-git-paths"),
            (self.allow_symlinks, "--allow-symlinks"),
            (self.jobs != 0, "--jobs"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }
}

/// Resolve and check the destinations of `-o` specs before any input is read: at most one to stdout,
/// no two to one file, none over one of `inputs`.
pub fn destinations<F>(
    specs: &[OutputSpec<F>],
    inputs: &[&Path],
) -> Result<Vec<Destination>, Error> {
    let dests = specs
        .iter()
        .map(|o| match &o.path {
            Some(p) => Destination::resolve(p),
            None => Ok(Destination::stdout()),
        })
        .collect::<Result<Vec<_>, _>>()?;
    aio::check_destinations(&dests, inputs)?;
    Ok(dests)
}

/// Write every rendered output to its destination, all or none (see [`aibom::io`]).
pub fn write_all(dests: &[Destination], texts: &[String]) -> Result<(), Error> {
    let outputs: Vec<aio::Output> = dests
        .iter()
        .zip(texts)
        .map(|(dest, t)| aio::Output {
            dest,
            bytes: t.as_bytes(),
            mode: Mode::Default,
        })
        .collect();
    aio::write_outputs(&outputs, &mut std::io::stdout().lock())
}

/// Model-relative names of the outputs that lie inside the model (as given and after following links),
/// for the walk to leave out.
pub fn outputs_inside(model: &Path, dests: &[Destination]) -> Vec<String> {
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

/// The BOM timestamp from `--timestamp`, else `SOURCE_DATE_EPOCH`, else none.
pub fn bom_timestamp(flag: Option<&str>) -> Result<Option<String>, Error> {
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

/// The password for private keys, from `AIBOM_KEY_PASSWORD` (unset or empty: none).
pub fn key_password() -> Option<zeroize::Zeroizing<Vec<u8>>> {
    std::env::var_os("AIBOM_KEY_PASSWORD")
        .filter(|v| !v.is_empty())
        .map(|v| {
            zeroize::Zeroizing::new(std::os::unix::ffi::OsStrExt::as_bytes(v.as_os_str()).to_vec())
        })
}
