//! `aibom assess`: a model directory (or file) assessed for openness and compliance — its MOF class by the
//! Model Openness Tool's rules, the OSAID 1.0 elements, the EU AI Act pre-check — or a MOF YAML document
//! classified (`--mof`); each `-o FORMAT[=PATH]` (human, json, mof-yaml, eu-training-summary) written as
//! `scan` writes its outputs. Exit 0 when the assessment ran (the verdicts are in the report; `aibom
//! audit` turns them into a gate), 2 when it could not.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use aibom::openness::assess as report;
use aibom::openness::euaia::Declarations;
use aibom::openness::mof;
use aibom::openness::training_summary;
use aibom::output::{AssessFormat, OutputSpec};
use aibom::pipeline;
use aibom::Error;

use super::args::{self, GlobalArgs, WalkArgs};
use super::error::Failure;
use super::progress::Bar;

#[derive(Args)]
pub struct AssessArgs {
    /// Model directory or single model file.
    #[arg(
        value_name = "PATH",
        required_unless_present = "mof",
        conflicts_with = "mof"
    )]
    pub path: Option<PathBuf>,
    /// Classify this Model Openness Tool YAML document instead of a directory.
    #[arg(long, value_name = "FILE")]
    pub mof: Option<PathBuf>,
    /// A fact the files cannot show, for the EU AI Act pre-check: systemic-risk=yes|no,
    /// monetised=yes|no, release=TEXT (date and distribution), compute=TEXT; repeatable.
    #[arg(long, value_name = "NAME=VALUE", num_args = 1, action = clap::ArgAction::Append)]
    pub declare: Vec<String>,
    /// Output as FORMAT to stdout, or to PATH with FORMAT=PATH (`-` is stdout); repeatable. FORMAT:
    /// human, json (the full assessment), mof-yaml (the release as a Model Openness Tool YAML),
    /// eu-training-summary (a Markdown draft of the Art. 53(1)(d) training-content summary).
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FORMAT[=PATH]",
        default_value = "human"
    )]
    pub outputs: Vec<OutputSpec<AssessFormat>>,
    #[command(flatten)]
    pub walk: WalkArgs,
}

pub fn run(args: &AssessArgs, g: &GlobalArgs) -> Result<ExitCode, Failure> {
    let mut declarations = Declarations::default();
    for d in &args.declare {
        pipeline::declare(&mut declarations, d)?;
    }
    let inputs: Vec<&std::path::Path> = args
        .path
        .as_deref()
        .into_iter()
        .chain(args.mof.as_deref())
        .collect();
    let dests = args::destinations(&args.outputs, &inputs)?;
    let assessed = match (&args.path, &args.mof) {
        (Some(p), _) => {
            let opts = args.walk.scan_options(p, args::outputs_inside(p, &dests))?;
            let bar = Bar::new(g.quiet);
            let r = pipeline::assess(p, &opts, &declarations, &bar);
            bar.finish();
            r?
        }
        (None, Some(m)) => {
            if !args.walk.given().is_empty() || !args.declare.is_empty() {
                return Err(Error::Usage(
                    "--mof classifies the document alone; it takes no walk flags or declarations"
                        .to_string(),
                )
                .into());
            }
            pipeline::assess_mof(m)?
        }
        (None, None) => return Err(Error::Usage("give a model PATH or --mof FILE".into()).into()),
    };
    let a = &assessed.assessment;
    let mut texts = Vec::new();
    for o in &args.outputs {
        texts.push(match o.format {
            AssessFormat::Human => report::human(a),
            AssessFormat::Json => {
                let mut s = serde_json::to_string_pretty(a).expect("assessment serialises");
                s.push('\n');
                s
            }
            AssessFormat::MofYaml => mof::to_yaml(&a.mof.document),
            AssessFormat::EuTrainingSummary => match &assessed.scan {
                Some(scan) => training_summary::draft(&scan.inventory.files, scan.facts()),
                None => {
                    return Err(Error::Usage(
                        "eu-training-summary needs the model's files, not a MOF YAML".to_string(),
                    )
                    .into())
                }
            },
        });
    }
    args::write_all(&dests, &texts)?;
    let human_on_stdout = args
        .outputs
        .iter()
        .zip(&dests)
        .any(|(o, d)| o.format == AssessFormat::Human && d.is_stdout());
    if !g.quiet && !human_on_stdout {
        eprintln!(
            "aibom: {}: {}{}",
            a.model,
            a.mof.classification.label,
            a.osaid
                .as_ref()
                .map(|o| format!("; OSAID: {}", o.summary))
                .unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}
