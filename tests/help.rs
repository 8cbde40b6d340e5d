//! The help a user reads, pinned: every `--help` (the top level and each subcommand) is compared with
//! its committed text under `tests/snapshots/help/`, so a flag or wording change shows up in review.
//! After an intended change, regenerate them with `AIBOM_BLESS=1 cargo test --test help` and commit.
//! Also: every subcommand's help has examples, completions name the subcommands, the man page is roff.

use std::path::{Path, PathBuf};
use std::process::Output;

mod util;

const SUBCOMMANDS: [&str; 12] = [
    "scan",
    "digest",
    "keygen",
    "sign",
    "attest",
    "verify",
    "audit",
    "assess",
    "diff",
    "init",
    "completions",
    "man",
];

/// A new subcommand cannot go without a snapshot: the list above is every command the top-level help
/// names (but `help`).
#[test]
fn every_subcommand_has_a_snapshot() {
    let text = String::from_utf8(aibom(&["--help"]).stdout).unwrap();
    let commands: Vec<&str> = text
        .split("Commands:\n")
        .nth(1)
        .expect("a Commands section")
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter(|l| l.as_bytes().get(2).is_some_and(|b| *b != b' '))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    let mut want: Vec<&str> = SUBCOMMANDS.to_vec();
    want.sort_unstable();
    let mut got = commands.clone();
    got.sort_unstable();
    assert_eq!(got, want, "subcommands in `aibom --help` vs SUBCOMMANDS");
}

fn aibom(args: &[&str]) -> Output {
    let o = util::run(
        util::aibom()
            .args(args)
            // A fixed width and no colour, so the text does not depend on the terminal running the tests.
            .env("COLUMNS", "100")
            .env("LINES", "50")
            .env("NO_COLOR", "1"),
    );
    assert!(
        o.status.success(),
        "aibom {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn snapshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/help")
}

#[test]
fn every_help_text_matches_its_snapshot() {
    let bless = util::blessing();
    let dir = snapshot_dir();
    let mut drift = Vec::new();
    let pages = std::iter::once(None).chain(SUBCOMMANDS.iter().map(Some));
    for sub in pages {
        let (name, args) = match sub {
            None => ("aibom".to_string(), vec!["--help"]),
            Some(s) => (format!("aibom-{s}"), vec![*s, "--help"]),
        };
        let text = String::from_utf8(aibom(&args).stdout).expect("help is UTF-8");
        let path = dir.join(format!("{name}.txt"));
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(expected) if expected == text => {}
            Ok(expected) => drift.push(format!(
                "{name}: differs from {}\n--- expected\n{expected}\n--- actual\n{text}",
                path.display()
            )),
            Err(e) => drift.push(format!("{name}: {}: {e}", path.display())),
        }
    }
    assert!(
        drift.is_empty(),
        "help text drifted (regenerate with AIBOM_BLESS=1 cargo test --test help if intended):\n{}",
        drift.join("\n")
    );
}

#[test]
fn every_subcommand_help_has_examples() {
    for s in SUBCOMMANDS {
        let text = String::from_utf8(aibom(&[s, "--help"]).stdout).unwrap();
        assert!(
            text.contains("Examples:\n  aibom "),
            "aibom {s} --help:\n{text}"
        );
    }
}

#[test]
fn bash_completions_name_every_subcommand() {
    let text = String::from_utf8(aibom(&["completions", "bash"]).stdout).unwrap();
    for s in SUBCOMMANDS {
        assert!(text.contains(s), "{s} missing from the bash completions");
    }
    assert!(text.contains("--certificate-chain") && text.contains("--hf-cache"));
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let o = aibom(&["completions", shell]);
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("verify"),
            "{shell}"
        );
    }
}

#[test]
fn man_page_is_roff_starting_with_th() {
    let text = String::from_utf8(aibom(&["man"]).stdout).unwrap();
    assert!(
        text.starts_with(".TH aibom 1"),
        "{}",
        &text[..text.len().min(200)]
    );
    assert!(text.contains(".SH SYNOPSIS") && text.contains("aibom\\-verify"));
    let text = String::from_utf8(aibom(&["man", "verify"]).stdout).unwrap();
    assert!(
        text.starts_with(".TH aibom-verify 1  \"aibom "),
        "{}",
        &text[..text.len().min(200)]
    );
    assert!(text.contains("\\-\\-certificate\\-chain"));
}
