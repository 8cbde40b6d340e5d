//! The diff façade: each side of `aibom diff` made into a [`Snapshot`] — a CycloneDX BOM file read as it
//! is, a model directory (or single model file) scanned into its BOM first — then compared.

use std::path::Path;

use crate::bom::SpecVersion;
use crate::diff::{self, DiffReport, Snapshot};
use crate::error::Result;
use crate::hash::Progress;
use crate::scan::ScanOptions;

/// The snapshot of `path`: a BOM file (a JSON document with `bomFormat: CycloneDX`), or a model scanned.
pub fn snapshot(path: &Path, opts: &ScanOptions, progress: &dyn Progress) -> Result<Snapshot> {
    let source = path.display().to_string();
    if path.is_file() && is_cyclonedx(path) {
        let bom = crate::audit::bom::read(path)?;
        return Ok(Snapshot::from_bom(&bom, &source));
    }
    let scan = super::scan(path, opts, progress)?;
    Ok(Snapshot::from_bom(
        &scan.bom(SpecVersion::V1_6, None),
        &source,
    ))
}

/// A file whose first bytes look like a CycloneDX JSON document.
fn is_cyclonedx(path: &Path) -> bool {
    let Ok(head) = crate::io::read_head(path, 64 * 1024) else {
        return false;
    };
    let text = String::from_utf8_lossy(&head);
    text.trim_start().starts_with('{')
        && text.contains("\"bomFormat\"")
        && text.contains("CycloneDX")
}

/// Compare two releases, each a BOM or a model.
pub fn diff(
    old: &Path,
    new: &Path,
    old_opts: &ScanOptions,
    new_opts: &ScanOptions,
    progress: &dyn Progress,
) -> Result<DiffReport> {
    let a = snapshot(old, old_opts, progress)?;
    let b = snapshot(new, new_opts, progress)?;
    Ok(diff::compare(&a, &b))
}
