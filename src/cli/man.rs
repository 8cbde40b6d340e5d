//! `aibom man [SUBCOMMAND]`: a roff man page generated from the same flag definitions.

use std::process::ExitCode;

use clap::{Args, CommandFactory};

use aibom::Error;

use super::error::Failure;
use super::{write_stdout, Cli};

#[derive(Args)]
pub struct ManArgs {
    /// The page of one subcommand (aibom-SUBCOMMAND) instead of the aibom page.
    #[arg(value_name = "SUBCOMMAND")]
    pub subcommand: Option<String>,
}

/// `aibom man [SUBCOMMAND]`: a roff page clap_mangen generates from the flag definitions.
pub fn run(args: &ManArgs) -> Result<ExitCode, Failure> {
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
                ))
                .into());
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
