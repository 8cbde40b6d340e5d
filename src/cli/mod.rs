//! The `aibom` command line, compiled into the binary only: the one place that prints, reads environment
//! variables or names flags. It parses flags (each defined once, shared groups in [`args`]), calls one
//! library façade per subcommand ([`aibom::pipeline`] for scans and verification, [`aibom::attest`] for
//! keys and signing), writes data to stdout or files through [`aibom::io`] and progress, summaries and
//! errors to stderr, and maps the outcome to exit codes 0 (success), 1 (verification or policy failed)
//! and 2 (usage or I/O error) in [`error`].
//!
//! The boundary: the library (`src/lib.rs` and below) never prints and never reads `AIBOM_*`,
//! `SOURCE_DATE_EPOCH` or flags; it says what is wrong in its own terms, and [`error`] adds which flag
//! fixes it. One file per subcommand; help texts are pinned by `tests/help.rs`.

mod args;
mod assess;
mod attest;
mod audit;
mod completions;
mod diff;
mod digest;
mod error;
mod init;
mod keygen;
mod man;
mod progress;
mod scan;
mod sign;
mod verify;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use args::GlobalArgs;

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
  aibom init && aibom audit ./my-model -o human -o sarif=aibom.sarif   CI gate with a policy file
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

#[derive(Subcommand)]
enum Command {
    /// Walk a model directory (or file), hash every file, read its metadata and write its AIBOM.
    #[command(
        after_help = "Examples:\n  aibom scan ./model\n  aibom scan ./model -o table\n  aibom scan ./model -o json=out/inventory.json -o table\n  aibom scan ./model -o cyclonedx-json=/dev/stdout -o table=report.txt\n\nEvery output path is checked before the model is read, and all outputs are written or none.\nA file is replaced atomically (temporary file + rename; a symlink is followed to its target);\na device or fifo is written in place (a fifo waits for a reader); `FORMAT=-` is stdout.\nAn output file written inside the model directory is left out of the scan."
    )]
    Scan(scan::ScanArgs),
    /// Print the OMS v1.0 root digest of a model: the subject digest model_signing signs.
    #[command(
        after_help = "Examples:\n  aibom digest ./model\n  aibom digest ./model --ignore-paths checkpoints --no-ignore-git-paths"
    )]
    Digest(digest::DigestArgs),
    /// Generate an ECDSA key pair for signing: NAME.key (PKCS#8 PEM, encrypted when AIBOM_KEY_PASSWORD
    /// is set) and NAME.pub.
    #[command(
        after_help = "Examples:\n  aibom keygen                                             aibom.key + aibom.pub\n  AIBOM_KEY_PASSWORD=... aibom keygen --curve p384 --output-prefix release\n\nExisting key files are not replaced unless --force is given."
    )]
    Keygen(keygen::KeygenArgs),
    /// Sign a model (OMS v1.0, as model_signing): a Sigstore bundle next to the model.
    #[command(
        after_help = "Examples:\n  aibom sign ./model --key release.key                     writes ./model.sig\n  aibom sign ./model --key leaf.key --certificate leaf.pem --certificate-chain ca.pem\n  aibom sign ./model --key release.key --bundle release/model.sig --force\n\nThe key may be PKCS#8, SEC1 or encrypted PKCS#8 (password in AIBOM_KEY_PASSWORD).\nAn existing bundle is not replaced unless --force is given; --bundle - writes to stdout.\nA bundle written inside the model is left out of the signed files."
    )]
    Sign(sign::SignArgs),
    /// Sign the model's AIBOM as an in-toto attestation bound to the model's OMS root digest.
    #[command(
        after_help = "Examples:\n  aibom attest ./model --key release.key                   BOM generated from the model\n  aibom scan ./model -o cyclonedx-json=bom.json && aibom attest ./model --key release.key --bom bom.json\n\nA given --bom must describe this model: its model component records the model's OMS root\ndigest (property aibom:oms-root-digest, as aibom scan writes it).\nAn existing bundle is not replaced unless --force is given; --bundle - writes to stdout."
    )]
    Attest(attest::AttestArgs),
    /// Verify a signed model, file or digest against a Sigstore bundle (OMS signatures from aibom or
    /// model_signing, AIBOM attestations, cosign blob signatures and attestations).
    #[command(
        after_help = "Examples:\n  aibom verify ./model --bundle model.sig --key release.pub\n  aibom verify --certificate-chain root-ca.pem ./model --bundle model.sig -o json=report.json\n  aibom verify model.safetensors --bundle model.sig --key release.pub\n  aibom verify sha256:4f2a... --bundle model.sig --key release.pub\n  aibom verify ./model --bundle model.sig --certificate-identity me@example.com \\\n      --certificate-oidc-issuer https://accounts.google.com\n  aibom verify --hf-cache ~/.cache/huggingface/hub\n\nGive exactly one method: --key, --certificate-chain, or the keyless flags; without one, aibom\nsays which the bundle needs. --hf-cache is a check of its own and takes no PATH, bundle or method.\n\nExit codes: 0 verified, 1 not verified (bad signature, files differ), 2 unusable input."
    )]
    Verify(verify::VerifyArgs),
    /// Judge a model against a policy (licences, signatures, security findings, formats, documentation):
    /// the CI gate. Exit 0 when the policy passes, 1 when it is violated, 2 when the audit could not run.
    #[command(
        after_help = "Examples:\n  aibom init                                               write aibom.toml, the policy template\n  aibom audit ./model                                      ./aibom.toml, or the built-in policy\n  aibom audit ./model --policy release.toml -o human -o sarif=aibom.sarif\n  aibom audit ./model --bundle model.sig --key release.pub -D license-missing\n  aibom audit ./model --bom vendor.cdx.json                the files must match the vendor's BOM\n  aibom audit --bom vendor.cdx.json --policy intake.toml    audit what the BOM records\n  aibom audit --bundle m.aibom.sigstore.json --key vendor.pub   audit what the vendor attested\n  aibom audit --hf-cache ~/.cache/huggingface/hub/models--org--name\n\n-A/-W/-D CODE set a code's level (allow, warn, deny) over the policy file; docs/audit.md lists\nevery code. Findings at or above the policy's fail-on severity (default high) are denied.\n\nExit codes: 0 policy passed, 1 policy violated, 2 the audit could not run (invalid policy included)."
    )]
    Audit(audit::AuditArgs),
    /// Assess openness and compliance from the files: MOF class (as the Model Openness Tool classifies),
    /// OSAID 1.0 elements, EU AI Act pre-check; or classify a MOF YAML document.
    #[command(
        after_help = "Examples:\n  aibom assess ./model\n  aibom assess ./model -o json=assessment.json -o mof-yaml=model.mof.yaml\n  aibom assess ./model --declare systemic-risk=no --declare monetised=no\n  aibom assess ./model -o eu-training-summary=training-summary.md\n  aibom assess --mof published.yml                     classify a Model Openness Tool YAML\n\nEvery verdict names the files (and their SHA-256) it rests on; what files cannot show is marked\nfor human review or asked for as a declaration. Not legal advice.\n\nExit codes: 0 the assessment ran, 2 it could not (aibom audit turns verdicts into a gate)."
    )]
    Assess(assess::AssessArgs),
    /// What changed between two releases (BOMs or model directories): files, weights, licence, lineage,
    /// datasets, findings, completeness.
    #[command(
        after_help = "Examples:\n  aibom diff v1.cdx.json ./model                       the last release's BOM against the working tree\n  aibom diff ./model-v1 ./model-v2 -o markdown >> \"$GITHUB_STEP_SUMMARY\"\n  aibom diff v1.cdx.json v2.cdx.json --fail-on licence,findings -o json=diff.json\n\nExit codes: 0 compared, 1 a kind named by --fail-on changed, 2 the comparison could not run."
    )]
    Diff(diff::DiffArgs),
    /// Write a commented audit policy template (aibom.toml).
    #[command(
        after_help = "Examples:\n  aibom init                      writes ./aibom.toml\n  aibom init policies/release.toml\n  aibom init - | less\n\nAn existing file is not replaced unless --force is given."
    )]
    Init(init::InitArgs),
    /// Print a shell completion script for aibom on stdout.
    #[command(
        after_help = "Examples:\n  aibom completions bash > ~/.local/share/bash-completion/completions/aibom\n  aibom completions zsh > ~/.zfunc/_aibom          (with fpath+=~/.zfunc before compinit)\n  aibom completions fish > ~/.config/fish/completions/aibom.fish\n  aibom completions powershell >> $PROFILE"
    )]
    Completions(completions::CompletionsArgs),
    /// Print a man page (roff) generated from the flag definitions on stdout.
    #[command(
        after_help = "Examples:\n  aibom man | man -l -\n  aibom man verify > aibom-verify.1\n  aibom man > /usr/local/share/man/man1/aibom.1"
    )]
    Man(man::ManArgs),
}

/// Parse the command line, run the subcommand, print an error if there is one, and return the exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let g = &cli.global;
    let result = match &cli.command {
        Command::Scan(a) => scan::run(a, g),
        Command::Digest(a) => digest::run(a, g),
        Command::Keygen(a) => keygen::run(a, g),
        Command::Sign(a) => sign::run(a, g),
        Command::Attest(a) => attest::run(a, g),
        Command::Verify(a) => verify::run(a, g),
        Command::Audit(a) => audit::run(a, g),
        Command::Assess(a) => assess::run(a, g),
        Command::Diff(a) => diff::run(a, g),
        Command::Init(a) => init::run(a, g),
        Command::Completions(a) => completions::run(a),
        Command::Man(a) => man::run(a),
    };
    match result {
        Ok(code) => code,
        Err(f) => {
            eprintln!("aibom: error: {f}");
            ExitCode::from(f.exit_code())
        }
    }
}

/// Write `bytes` to stdout; a closed pipe (`aibom scan . | head`) is the reader's choice, not an error.
fn write_stdout(bytes: &[u8]) -> Result<(), aibom::Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(aibom::Error::io("<stdout>", "writing output", e)),
    }
}
