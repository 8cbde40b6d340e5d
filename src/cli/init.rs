//! `aibom init`: write the commented policy template (`aibom.toml`) that `aibom audit` reads; an existing
//! file is not replaced unless `--force` is given.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use aibom::io::{self as aio, Destination, Mode};
use aibom::policy::TEMPLATE;
use aibom::Error;

use super::args::GlobalArgs;
use super::error::Failure;

#[derive(Args)]
pub struct InitArgs {
    /// Where to write the policy (`-` is stdout).
    #[arg(value_name = "PATH", default_value = "aibom.toml")]
    pub path: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: &InitArgs, g: &GlobalArgs) -> Result<ExitCode, Failure> {
    let stdout = args.path.as_os_str() == "-";
    if !stdout && !args.force && args.path.symlink_metadata().is_ok() {
        return Err(Error::Usage(format!(
            "{}: already exists; pass --force to overwrite it",
            args.path.display()
        ))
        .into());
    }
    let dest = if stdout {
        Destination::stdout()
    } else {
        Destination::resolve(&args.path)?
    };
    aio::write_outputs(
        &[aio::Output {
            dest: &dest,
            bytes: TEMPLATE.as_bytes(),
            mode: Mode::Default,
        }],
        &mut std::io::stdout().lock(),
    )?;
    if !g.quiet && !stdout {
        eprintln!(
            "aibom: wrote {}; edit it, then run `aibom audit MODEL --policy {}`",
            args.path.display(),
            args.path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
