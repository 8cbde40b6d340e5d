//! Output specifications: the report formats (`aibom scan`'s [`ReportFormat`], `aibom verify`'s
//! [`VerifyFormat`], `aibom audit`'s [`AuditFormat`]) and their names, syft-style `FORMAT[=PATH]` specs of either, and where an output lies
//! relative to a model directory, so the walk can leave it out. Writing them — atomic for
//! files, in place for devices and fifos, `-` for standard output — is [`crate::io`]'s.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::bom::SpecVersion;

/// A report format `aibom scan` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// CycloneDX ML-BOM, JSON, in the given spec version.
    CycloneDxJson(SpecVersion),
    /// SPDX 3.0.1 JSON-LD (Core, Software, AI, Dataset profiles; see docs/spdx.md).
    SpdxJson,
    /// The inventory as JSON (see `schemas/inventory.schema.json`).
    Json,
    /// A human-readable table.
    Table,
    /// The model at a glance as one self-contained HTML page.
    Html,
    /// The model at a glance as Markdown (a CI step summary, a pull-request comment).
    Markdown,
}

impl ReportFormat {
    pub const NAMES: &'static str =
        "cyclonedx-json[@1.5|@1.6|@1.7], spdx-json[@3.0.1], json, table, html, markdown";
}

impl FromStr for ReportFormat {
    type Err = String;

    fn from_str(fmt: &str) -> std::result::Result<Self, Self::Err> {
        Ok(match fmt.split_once('@') {
            Some(("cyclonedx-json", v)) => {
                ReportFormat::CycloneDxJson(SpecVersion::parse(v).ok_or_else(|| {
                    format!("unsupported CycloneDX version '{v}' (expected 1.5, 1.6 or 1.7)")
                })?)
            }
            None if fmt == "cyclonedx-json" => ReportFormat::CycloneDxJson(SpecVersion::V1_6),
            Some(("spdx-json", "3.0.1")) => ReportFormat::SpdxJson,
            Some(("spdx-json", v)) => {
                return Err(format!("unsupported SPDX version '{v}' (expected 3.0.1)"))
            }
            None if fmt == "spdx-json" => ReportFormat::SpdxJson,
            None if fmt == "json" => ReportFormat::Json,
            None if fmt == "table" => ReportFormat::Table,
            None if fmt == "html" => ReportFormat::Html,
            None if fmt == "markdown" => ReportFormat::Markdown,
            _ => {
                return Err(format!(
                    "unknown output format '{fmt}' (expected one of: {})",
                    ReportFormat::NAMES
                ))
            }
        })
    }
}

/// A report format `aibom verify` can write (signature checks and Hugging Face cache checks alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifyFormat {
    /// The verdict and every differing file, one per line.
    Text,
    /// The full report as JSON.
    Json,
}

impl VerifyFormat {
    pub const NAMES: &'static str = "text, json";
}

impl FromStr for VerifyFormat {
    type Err = String;

    fn from_str(fmt: &str) -> std::result::Result<Self, Self::Err> {
        match fmt {
            "text" => Ok(VerifyFormat::Text),
            "json" => Ok(VerifyFormat::Json),
            _ => Err(format!(
                "unknown output format '{fmt}' (expected one of: {})",
                VerifyFormat::NAMES
            )),
        }
    }
}

/// A report format `aibom audit` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditFormat {
    /// Results grouped by code, for people (colour on a terminal).
    Human,
    /// The full report as JSON (`schemas/audit-report.schema.json`).
    Json,
    /// SARIF 2.1.0, for GitHub and GitLab code scanning.
    Sarif,
}

impl AuditFormat {
    pub const NAMES: &'static str = "human, json, sarif";
}

impl FromStr for AuditFormat {
    type Err = String;

    fn from_str(fmt: &str) -> std::result::Result<Self, Self::Err> {
        match fmt {
            "human" => Ok(AuditFormat::Human),
            "json" => Ok(AuditFormat::Json),
            "sarif" => Ok(AuditFormat::Sarif),
            _ => Err(format!(
                "unknown output format '{fmt}' (expected one of: {})",
                AuditFormat::NAMES
            )),
        }
    }
}

/// A report format `aibom assess` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssessFormat {
    /// MOF class, OSAID elements and the EU AI Act pre-check, for people.
    Human,
    /// The full assessment as JSON.
    Json,
    /// The release as a Model Openness Tool YAML document.
    MofYaml,
    /// A Markdown draft of the EU AI Act Art. 53(1)(d) public summary of training content.
    EuTrainingSummary,
}

impl AssessFormat {
    pub const NAMES: &'static str = "human, json, mof-yaml, eu-training-summary";
}

impl FromStr for AssessFormat {
    type Err = String;

    fn from_str(fmt: &str) -> std::result::Result<Self, Self::Err> {
        match fmt {
            "human" => Ok(AssessFormat::Human),
            "json" => Ok(AssessFormat::Json),
            "mof-yaml" => Ok(AssessFormat::MofYaml),
            "eu-training-summary" => Ok(AssessFormat::EuTrainingSummary),
            _ => Err(format!(
                "unknown output format '{fmt}' (expected one of: {})",
                AssessFormat::NAMES
            )),
        }
    }
}

/// A report format `aibom diff` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffFormat {
    /// Each kind of change, for people.
    Human,
    /// The full report as JSON (`schemas/diff-report.schema.json`).
    Json,
    /// Markdown, for a pull-request comment or a CI step summary.
    Markdown,
}

impl DiffFormat {
    pub const NAMES: &'static str = "human, json, markdown";
}

impl FromStr for DiffFormat {
    type Err = String;

    fn from_str(fmt: &str) -> std::result::Result<Self, Self::Err> {
        match fmt {
            "human" => Ok(DiffFormat::Human),
            "json" => Ok(DiffFormat::Json),
            "markdown" => Ok(DiffFormat::Markdown),
            _ => Err(format!(
                "unknown output format '{fmt}' (expected one of: {})",
                DiffFormat::NAMES
            )),
        }
    }
}

/// One `-o FORMAT[=PATH]`: a format, written to `path` or to stdout when there is none (or it is `-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec<F = ReportFormat> {
    pub format: F,
    pub path: Option<PathBuf>,
}

impl<F: FromStr<Err = String>> FromStr for OutputSpec<F> {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        let (fmt, path) = match s.split_once('=') {
            Some((f, "")) => return Err(format!("'{f}=': missing path after '='")),
            // `FORMAT=-` is standard output, as plain `FORMAT` is.
            Some((f, "-")) => (f, None),
            Some((f, p)) => (f, Some(PathBuf::from(p))),
            None => (s, None),
        };
        Ok(OutputSpec {
            format: fmt.parse()?,
            path,
        })
    }
}

/// If `output` lies inside the model directory `root`, its model-relative POSIX name (so the walk can
/// leave it out, as model_signing does with a signature written inside the model).
pub fn relative_inside(root: &Path, output: &Path) -> Option<String> {
    let canon_root = std::fs::canonicalize(root).ok()?;
    if !canon_root.is_dir() {
        return None;
    }
    let abs = if output.is_absolute() {
        output.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(output)
    };
    let parent = std::fs::canonicalize(abs.parent()?).ok()?;
    let full = parent.join(abs.file_name()?);
    let rel = full.strip_prefix(&canon_root).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    let parts = parts?;
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_format_and_optional_path() {
        assert_eq!(
            "json".parse::<OutputSpec>().unwrap(),
            OutputSpec {
                format: ReportFormat::Json,
                path: None
            }
        );
        let o: OutputSpec = "table=out/t.txt".parse().unwrap();
        assert_eq!(o.format, ReportFormat::Table);
        assert_eq!(o.path.as_deref(), Some(Path::new("out/t.txt")));
        assert!("json=".parse::<OutputSpec>().is_err());
        assert_eq!("json=-".parse::<OutputSpec>().unwrap().path, None);
        assert!("yaml".parse::<OutputSpec>().is_err());
        assert_eq!(
            "cyclonedx-json@1.7=b.json"
                .parse::<OutputSpec>()
                .unwrap()
                .format,
            ReportFormat::CycloneDxJson(SpecVersion::V1_7)
        );
        assert_eq!(
            "cyclonedx-json".parse::<OutputSpec>().unwrap().format,
            ReportFormat::CycloneDxJson(SpecVersion::V1_6)
        );
        assert!("cyclonedx-json@1.4".parse::<OutputSpec>().is_err());
        let o: OutputSpec = "spdx-json=m.spdx.json".parse().unwrap();
        assert_eq!(o.format, ReportFormat::SpdxJson);
        assert_eq!(o.path.as_deref(), Some(Path::new("m.spdx.json")));
        assert_eq!(
            "spdx-json@3.0.1".parse::<OutputSpec>().unwrap().format,
            ReportFormat::SpdxJson
        );
        let e = "spdx-json@2.3".parse::<OutputSpec>().unwrap_err();
        assert!(e.contains("3.0.1"), "{e}");
        let e = "spdx".parse::<OutputSpec>().unwrap_err();
        assert!(e.contains("spdx-json"), "{e}");
    }

    #[test]
    fn verify_outputs_take_the_same_syntax() {
        let o: OutputSpec<VerifyFormat> = "json=r.json".parse().unwrap();
        assert_eq!(o.format, VerifyFormat::Json);
        assert_eq!(o.path.as_deref(), Some(Path::new("r.json")));
        assert_eq!(
            "text".parse::<OutputSpec<VerifyFormat>>().unwrap(),
            OutputSpec {
                format: VerifyFormat::Text,
                path: None
            }
        );
        assert!("table".parse::<OutputSpec<VerifyFormat>>().is_err());
        assert!("json=".parse::<OutputSpec<VerifyFormat>>().is_err());
    }
}
