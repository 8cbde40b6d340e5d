//! `aibom sign`: an OMS v1.0 signature of a model (key or certificate method) in a Sigstore bundle; and
//! what `sign` and `attest` share: where a bundle goes by default, refusing to replace one without
//! `--force`, hashing the model without its own bundle, writing the bundle.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;

use aibom::attest::bundle::Bundle;
use aibom::attest::keys::PrivateKey;
use aibom::attest::sign::{self, SignerMaterial};
use aibom::io::{self as aio, Destination, Mode};
use aibom::output;
use aibom::pipeline::{self, HashedModel, ScanOptions};
use aibom::report::human_bytes;
use aibom::scan;
use aibom::Error;

use super::args::{self, GlobalArgs, KeyArgs, WalkArgs};
use super::error::Failure;
use super::progress::Bar;

#[derive(Args)]
pub struct SignArgs {
    /// Model directory or single model file.
    pub path: PathBuf,
    #[command(flatten)]
    pub key: KeyArgs,
    /// Where to write the bundle (default: <PATH>.sig next to the model).
    #[arg(long, value_name = "OUT")]
    pub bundle: Option<PathBuf>,
    /// Certificate method: the signing key's certificate (PEM).
    #[arg(long, value_name = "CERT")]
    pub certificate: Option<PathBuf>,
    /// Certificate method: an intermediate (or root) CA certificate file to include, PEM. Repeat the flag
    /// for more files.
    #[arg(long, value_name = "CA", requires = "certificate", num_args = 1, action = clap::ArgAction::Append)]
    pub certificate_chain: Vec<PathBuf>,
    /// Replace an existing bundle file.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub walk: WalkArgs,
}

pub fn run(args: &SignArgs, g: &GlobalArgs) -> Result<ExitCode, Failure> {
    let password = args::key_password();
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

/// `<PATH><suffix>` next to the model (never inside it).
pub fn beside(path: &Path, suffix: &str) -> PathBuf {
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
pub fn bundle_destination(out: &Path, force: bool, inputs: &[&Path]) -> Result<Destination, Error> {
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
pub fn hash_for_signing(
    path: &Path,
    walk: &WalkArgs,
    dest: &Destination,
    also: Option<&Path>,
    g: &GlobalArgs,
) -> Result<(HashedModel, ScanOptions), Error> {
    let mut inside = args::outputs_inside(path, std::slice::from_ref(dest));
    if let Some(rel) = also.and_then(|p| output::relative_inside(path, p)) {
        inside.push(rel);
    }
    let opts = walk.scan_options(path, inside)?;
    let bar = Bar::new(g.quiet);
    let model = pipeline::hash(path, &opts, &bar)?;
    Ok((model, opts))
}

/// Write a bundle to its destination (`-`: stdout).
pub fn write_bundle(dest: &Destination, bundle: &Bundle) -> Result<(), Error> {
    aio::write_output(
        dest,
        bundle.to_json().as_bytes(),
        Mode::Default,
        &mut std::io::stdout().lock(),
    )
}
