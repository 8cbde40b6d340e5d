//! The scan façade: one call from a model path to everything the scan outputs need — the walked and
//! hashed files, the inventory, the analysis (facts, completeness, findings) — and the renderers of
//! each output format. This is the only place walk → hash → inventory → analyze is composed; the CLI,
//! `aibom attest` and the tests all come through here.

use std::path::Path;

use serde_json::Value;

use crate::analyze::{self, Analysis};
use crate::bom::{self, BomOptions, SpecVersion};
use crate::error::Result;
use crate::facts::ModelFacts;
use crate::finding::Finding;
use crate::hash::Progress;
use crate::inventory::Inventory;
use crate::output::ReportFormat;
use crate::report::{self, ScanReport};
use crate::scan::{self as engine, HashedModel, ScanOptions};
use crate::spdx::{self, SpdxOptions};
use crate::walk::WalkOptions;

/// Everything a scan of one model found, ready to render in any output format.
#[derive(Debug)]
pub struct Scan {
    /// The files in OMS order, their hashes and the OMS root digest.
    pub hashed: HashedModel,
    /// The file inventory (`scan -o json`).
    pub inventory: Inventory,
    /// Facts, completeness and findings concluded from the files.
    pub analysis: Analysis,
}

/// Walk and hash a model: the part of a scan that signing, attesting and digests need. `progress` is
/// told the size of the job once the walk is done ([`Progress::start`]), then fed as files are hashed.
pub fn hash(path: &Path, opts: &ScanOptions, progress: &dyn Progress) -> Result<HashedModel> {
    engine::hash_model(
        path,
        opts,
        &mut |files| progress.start(files.entries.len(), files.total_bytes()),
        progress,
    )
}

/// Scan a model: walk, hash, identify, read and analyse it.
pub fn scan(path: &Path, opts: &ScanOptions, progress: &dyn Progress) -> Result<Scan> {
    let hashed = hash(path, opts, progress)?;
    Ok(Scan::describe(hashed, &opts.walk))
}

impl Scan {
    /// Describe an already hashed model (walked with `walk`): its inventory and analysis.
    pub fn describe(hashed: HashedModel, walk: &WalkOptions) -> Scan {
        let inventory = engine::inventory(&hashed, walk);
        let analysis = analyze::analyze(&hashed, &inventory);
        Scan {
            hashed,
            inventory,
            analysis,
        }
    }

    /// What was concluded about the model.
    pub fn facts(&self) -> &ModelFacts {
        &self.analysis.facts
    }

    /// The findings (stable codes, severities), in the order the BOM and table show them.
    pub fn findings(&self) -> &[Finding] {
        &self.analysis.facts.findings
    }

    /// The CycloneDX ML-BOM as a JSON value (what `aibom attest` signs). `timestamp` is its
    /// `metadata.timestamp` (RFC 3339); none keeps identical input byte-identical.
    pub fn bom(&self, spec: SpecVersion, timestamp: Option<&str>) -> Value {
        bom::build(
            &self.inventory,
            &self.analysis.facts,
            &self.analysis.completeness,
            &BomOptions {
                spec,
                timestamp: timestamp.map(str::to_string),
            },
        )
    }

    /// The SPDX 3.0.1 document (`scan -o spdx-json`). `timestamp` is its `created` (RFC 3339); none
    /// writes the documented placeholder [`spdx::NO_TIMESTAMP`], keeping identical input byte-identical.
    pub fn spdx(&self, timestamp: Option<&str>) -> spdx::model::Document {
        spdx::build(
            &self.inventory,
            &self.analysis.facts,
            &self.analysis.completeness,
            &SpdxOptions {
                timestamp: timestamp.map(str::to_string),
            },
        )
    }

    /// The bytes of one output format, exactly as `aibom scan -o FORMAT` writes them. `timestamp` is
    /// used by the CycloneDX and SPDX formats only.
    pub fn render(&self, format: ReportFormat, timestamp: Option<&str>) -> String {
        report::render(
            &ScanReport {
                inventory: &self.inventory,
                analysis: &self.analysis,
                timestamp: timestamp.map(str::to_string),
            },
            format,
        )
    }

    /// The CycloneDX JSON BOM in `spec` (pretty, trailing newline).
    pub fn cyclonedx(&self, spec: SpecVersion, timestamp: Option<&str>) -> String {
        self.render(ReportFormat::CycloneDxJson(spec), timestamp)
    }

    /// The inventory JSON (`scan -o json`).
    pub fn inventory_json(&self) -> String {
        self.render(ReportFormat::Json, None)
    }

    /// The human table (`scan -o table`): files, then the analysis summary.
    pub fn table(&self) -> String {
        self.render(ReportFormat::Table, None)
    }

    /// The analysis summary alone (the end of the table; `scan -v` prints it on stderr).
    pub fn summary(&self) -> String {
        report::analysis_summary(&self.analysis)
    }
}
