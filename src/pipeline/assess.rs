//! The assessment façade: a model scanned once and assessed for openness and compliance (MOF class,
//! OSAID 1.0, EU AI Act pre-check), or a MOF YAML document classified as the Model Openness Tool does.

use std::path::Path;

use crate::error::{Error, Result};
use crate::hash::Progress;
use crate::openness::assess::{self as engine, Assessment};
use crate::openness::euaia::Declarations;
use crate::openness::mof;
use crate::scan::ScanOptions;

use super::Scan;

/// Largest MOF YAML read.
const MAX_MOF: u64 = mof::MAX_YAML_BYTES as u64;

/// An assessment and the scan it was made from (none for a MOF YAML input).
#[derive(Debug)]
pub struct Assessed {
    pub assessment: Assessment,
    pub scan: Option<Scan>,
}

/// Scan `path` and assess it.
pub fn assess(
    path: &Path,
    opts: &ScanOptions,
    declarations: &Declarations,
    progress: &dyn Progress,
) -> Result<Assessed> {
    let scan = super::scan(path, opts, progress)?;
    let assessment = engine::assess(&scan, &path.display().to_string(), declarations);
    Ok(Assessed {
        assessment,
        scan: Some(scan),
    })
}

/// Read a MOF YAML document and classify it.
pub fn assess_mof(path: &Path) -> Result<Assessed> {
    let bytes = crate::io::read_capped(path, MAX_MOF, "MOF YAML")?;
    let doc = mof::read_yaml(&bytes).map_err(|e| e.context(path.display()))?;
    Ok(Assessed {
        assessment: engine::assess_mof(doc, &path.display().to_string()),
        scan: None,
    })
}

/// A declaration given as `NAME=VALUE` (`systemic-risk=no`, `monetised=no`, `release=...`,
/// `compute=...`) added to `d`.
pub fn declare(d: &mut Declarations, spec: &str) -> Result<()> {
    let (name, value) = spec
        .split_once('=')
        .ok_or_else(|| Error::Usage(format!("declaration '{spec}': expected NAME=VALUE")))?;
    let yes_no = |v: &str| match v.to_ascii_lowercase().as_str() {
        "yes" | "true" => Ok(true),
        "no" | "false" => Ok(false),
        _ => Err(Error::Usage(format!(
            "declaration {name}={v}: expected yes or no"
        ))),
    };
    match name {
        "systemic-risk" => d.systemic_risk = Some(yes_no(value)?),
        "monetised" | "monetized" => d.monetised = Some(yes_no(value)?),
        "release" => d.release = Some(value.to_string()),
        "compute" => d.compute = Some(value.to_string()),
        _ => {
            return Err(Error::Usage(format!(
                "unknown declaration '{name}' (expected systemic-risk, monetised, release, compute)"
            )))
        }
    }
    Ok(())
}
