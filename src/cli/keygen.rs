//! `aibom keygen`: a new ECDSA key pair, the private key PKCS#8 PEM (encrypted with
//! `AIBOM_KEY_PASSWORD` when set, mode 0600) and the public key beside it.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use aibom::attest::keys::{Curve, PrivateKey};
use aibom::io::{self as aio, Destination, Mode};
use aibom::Error;

use super::args::{self, GlobalArgs};
use super::error::Failure;

#[derive(Args)]
pub struct KeygenArgs {
    /// Curve of the new key.
    #[arg(long, value_enum, default_value = "p256")]
    pub curve: CurveArg,
    /// Write NAME.key and NAME.pub.
    #[arg(long, value_name = "NAME", default_value = "aibom")]
    pub output_prefix: String,
    /// Overwrite existing key files.
    #[arg(long)]
    pub force: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum CurveArg {
    P256,
    P384,
}

pub fn run(args: &KeygenArgs, g: &GlobalArgs) -> Result<ExitCode, Failure> {
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
    let password = args::key_password();
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
