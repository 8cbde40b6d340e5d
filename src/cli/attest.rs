//! `aibom attest`: the model's AIBOM (generated through the scan façade, or a given one that must
//! describe this model) signed as an in-toto attestation bound to the model's OMS root digest.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use aibom::attest::attest;
use aibom::attest::keys::PrivateKey;
use aibom::bom::SpecVersion;
use aibom::pipeline::Scan;
use aibom::scan;

use super::args::{self, GlobalArgs, KeyArgs, WalkArgs};
use super::error::Failure;
use super::sign;

#[derive(Args)]
pub struct AttestArgs {
    /// Model directory or single model file.
    pub path: PathBuf,
    #[command(flatten)]
    pub key: KeyArgs,
    /// CycloneDX JSON BOM to attest (default: generated from the model, as `aibom scan` does).
    #[arg(long, value_name = "BOM")]
    pub bom: Option<PathBuf>,
    /// Where to write the bundle (default: <PATH>.aibom.sigstore.json next to the model).
    #[arg(long, value_name = "OUT")]
    pub bundle: Option<PathBuf>,
    /// Replace an existing bundle file.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub walk: WalkArgs,
}

pub fn run(args: &AttestArgs, g: &GlobalArgs) -> Result<ExitCode, Failure> {
    let password = args::key_password();
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
        .unwrap_or_else(|| sign::beside(&args.path, ".aibom.sigstore.json"));
    let mut inputs: Vec<&Path> = vec![&args.path, &args.key.key];
    inputs.extend(args.bom.as_deref());
    let dest = sign::bundle_destination(&out, args.force, &inputs)?;
    let (model, opts) =
        sign::hash_for_signing(&args.path, &args.walk, &dest, args.bom.as_deref(), g)?;
    let name = scan::model_name(&args.path);
    let (model, bom) = match given_bom {
        Some((b, described)) => {
            let bom_path = args.bom.as_deref().unwrap_or(Path::new("BOM"));
            attest::check_bom_describes(&described, &name, &model)
                .map_err(|e| e.context(bom_path.display()))?;
            (model, b)
        }
        None => {
            // The BOM `aibom scan` writes by default, from the model just hashed.
            let timestamp = args::bom_timestamp(None)?;
            let scan = Scan::describe(model, &opts.walk);
            let bom = scan.bom(SpecVersion::V1_6, timestamp.as_deref());
            (scan.hashed, bom)
        }
    };
    let bundle = attest::attest_model(&name, &model, &bom, &key);
    sign::write_bundle(&dest, &bundle)?;
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
