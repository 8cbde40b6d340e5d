//! The CI audit: a model (or what a vendor shipped about it) judged against a [`crate::policy::Policy`].
//! [`Subject`] is what is audited — files with their hashes and formats, the model's licences, findings,
//! documentation — built from a scan or read back from a BOM; [`Evidence`] is what was checked beside it
//! (signatures and attestations, a BOM compared with the directory, a Hugging Face cache check).
//! [`evaluate`] turns both into an [`AuditReport`]: every result with a stable code
//! ([`rules`]), its level (`deny` fails the audit, `warn` is reported, `allow` only counted), the file
//! and a one-line why. The report is a versioned serde type (`aibom-audit-report/1`, JSON Schema in
//! `schemas/audit-report.schema.json`); [`human`] and [`sarif`] render it for people and for code
//! scanning. Evaluation is pure: reading files and checking signatures is the audit façade's
//! (`pipeline::audit`).

pub mod bom;
mod evaluate;
pub mod human;
pub mod rules;
pub mod sarif;
pub mod subject;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use evaluate::{evaluate, Evidence, Override, Recorded, SignatureCheck, SignatureKind};
pub use rules::Category;
pub use subject::{Subject, SubjectKind};

use crate::finding::Severity;
use crate::policy::Level;

/// Identifier of the shape of [`AuditReport`]; bumped on incompatible changes.
pub const AUDIT_REPORT_SCHEMA: &str = "aibom-audit-report/1";

/// The outcome of `aibom audit`: the JSON report of `-o json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditReport {
    /// Shape identifier of this document: `aibom-audit-report/1`.
    #[schemars(extend("const" = AUDIT_REPORT_SCHEMA))]
    pub schema: String,
    /// The tool that produced the report.
    pub tool: ToolInfo,
    /// The policy applied.
    pub policy: PolicyInfo,
    /// What was audited.
    pub target: TargetInfo,
    /// True when no result has the level `deny`.
    pub passed: bool,
    /// Results by level.
    pub summary: Summary,
    /// Every bundle checked, in the order given.
    pub signatures: Vec<SignatureCheck>,
    /// Every result at level `deny` or `warn`, and those an exception accepted (level `allow` with
    /// `exception`); denied first, then warnings, then accepted; each group by code, path and offset.
    pub results: Vec<AuditResult>,
}

/// The tool that produced a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

impl ToolInfo {
    /// This aibom.
    pub fn this() -> ToolInfo {
        ToolInfo {
            name: "aibom".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// The policy a report applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyInfo {
    /// The policy file as given (null: the built-in default policy).
    pub path: Option<String>,
    /// SHA-256 (hex) of the policy file's bytes (null for the built-in policy).
    pub sha256: Option<String>,
    /// The severity at or above which findings fail (`info` ... `critical`, or `never`).
    pub fail_on: String,
    /// Levels set on the command line (`-A`, `-W`, `-D`), in the order given.
    pub overrides: Vec<Override>,
}

/// What a report audited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetInfo {
    pub kind: SubjectKind,
    /// The path as given.
    pub path: String,
    /// The model's name.
    pub name: String,
    /// The OMS root digest (`sha256:<hex>`) of the files, when known.
    pub root_digest: Option<String>,
    /// Number of files.
    pub files: usize,
}

/// How many results ended at each level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    pub deny: usize,
    pub warn: usize,
    /// Results at level `allow` (not listed unless an exception accepted them).
    pub allow: usize,
    /// Results an exception accepted (listed, level `allow`).
    pub excepted: usize,
}

/// One thing the audit reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditResult {
    /// Stable code (docs/audit.md).
    pub code: String,
    pub level: Level,
    pub category: Category,
    pub severity: Severity,
    /// The file it is about (model-relative), null when it is about the model as a whole.
    pub path: Option<String>,
    /// The archive member it is in, when the file is a container.
    pub member: Option<String>,
    /// Byte offset in the file or member, when known.
    pub offset: Option<u64>,
    /// SHA-256 (hex) of the file, when known.
    pub sha256: Option<String>,
    /// What is wrong, in one line.
    pub message: String,
    /// The piece of evidence (an import, a licence statement, a bundle), when there is one.
    pub evidence: Option<String>,
    /// The reason of the policy exception that accepted it (then the level is `allow`).
    pub exception: Option<String>,
}

/// Schemas for the types the report reuses.
impl JsonSchema for Level {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Level".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "allow (counted only), warn (reported), deny (fails the audit).",
            "type": "string",
            "enum": ["allow", "warn", "deny"]
        })
    }
}

impl JsonSchema for Category {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Category".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
        schemars::json_schema!({
            "description": "The part of the policy a code belongs to.",
            "type": "string",
            "enum": names
        })
    }
}

impl JsonSchema for Severity {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Severity".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = Severity::ALL.iter().map(|s| s.as_str()).collect();
        schemars::json_schema!({
            "type": "string",
            "enum": names
        })
    }
}

/// The JSON Schema of [`AuditReport`], as committed in `schemas/audit-report.schema.json`.
pub fn json_schema() -> String {
    let mut s = serde_json::to_string_pretty(&schemars::schema_for!(AuditReport))
        .expect("schema serialises");
    s.push('\n');
    s
}

/// The report as pretty JSON with a trailing newline (`-o json`).
pub fn json(report: &AuditReport) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("report serialises");
    s.push('\n');
    s
}
