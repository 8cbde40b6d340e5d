//! `aibom completions SHELL`: a completion script generated from the same flag definitions.

use std::process::ExitCode;

use clap::{Args, CommandFactory};

use super::error::Failure;
use super::{write_stdout, Cli};

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// `aibom completions SHELL`: the script clap_complete generates from the flag definitions.
pub fn run(args: &CompletionsArgs) -> Result<ExitCode, Failure> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "aibom", &mut buf);
    write_stdout(&buf)?;
    Ok(ExitCode::SUCCESS)
}
