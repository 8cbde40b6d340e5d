//! Golden BOMs: `aibom scan` of every fixture model (`fixtures/tiny-model`, each `fixtures/models/*`) is
//! compared byte for byte with its committed `tests/golden/<name>.cdx.json`, so any change to what a BOM
//! says shows up in review as a diff of these files. After an intended change, regenerate them with
//! `AIBOM_BLESS=1 cargo test --test golden` and commit them with the change.

use std::path::Path;

mod util;
use util::{aibom, code, err, run};

#[test]
fn fixture_boms_match_their_golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let bless = util::blessing();
    let models = util::fixture_models();
    assert!(models.len() >= 5, "fixture models: {models:?}");
    let mut drift = Vec::new();
    for (name, path) in models {
        let o = run(aibom().arg("scan").arg(&path).arg("-q"));
        assert_eq!(code(&o), 0, "{name}: {}", err(&o));
        let golden = dir.join(format!("{name}.cdx.json"));
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&golden, &o.stdout).unwrap();
            continue;
        }
        match std::fs::read(&golden) {
            Ok(expected) if expected == o.stdout => {}
            Ok(expected) => drift.push(format!(
                "{name}: differs from {}, first at line {}",
                golden.display(),
                first_difference(&expected, &o.stdout)
            )),
            Err(e) => drift.push(format!("{name}: {}: {e}", golden.display())),
        }
    }
    assert!(
        drift.is_empty(),
        "BOMs drifted (regenerate with AIBOM_BLESS=1 cargo test --test golden if intended, and \
         review the diff):\n{}",
        drift.join("\n")
    );
}

/// The 1-based line where two texts first differ.
fn first_difference(a: &[u8], b: &[u8]) -> usize {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    let mut lines = a.lines().zip(b.lines());
    lines
        .position(|(x, y)| x != y)
        .unwrap_or(a.lines().count().min(b.lines().count()))
        + 1
}
