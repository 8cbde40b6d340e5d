//! The Model Openness Tool's YAML document as serde types: `framework{name, version, date}` and
//! `release{…, license{distribution, code, data, document}, components[…]}`. Field names are the
//! tool's; every field the tool's schema leaves optional is an `Option`, so a document read and written
//! again keeps what was there. Fields the tool does not know are kept in `extra` (its schema allows
//! them; the tool ignores them when it classifies) and listed by [`MofDocument::unknown_fields`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Component, ContentType};

/// Fields outside the tool's schema, kept as they were read.
pub type Extra = BTreeMap<String, serde_json::Value>;

/// `framework.name`: the only value the tool's schema accepts.
pub const FRAMEWORK_NAME: &str = "Model Openness Framework";
/// `framework.version` the tool writes.
pub const FRAMEWORK_VERSION: &str = "1.0";
/// `framework.date` the tool writes (the date of the framework version it implements).
pub const FRAMEWORK_DATE: &str = "2024-12-15";
/// The licence value that marks a listed component as having no licence (no fallback to the
/// release's licences).
pub const UNLICENSED: &str = "unlicensed";

/// A whole MOF YAML document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MofDocument {
    pub framework: Framework,
    pub release: Release,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `framework`: which framework version the document follows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Framework {
    pub name: String,
    pub version: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Default for Framework {
    /// What the tool writes: Model Openness Framework 1.0 of 2024-12-15.
    fn default() -> Self {
        Framework {
            name: FRAMEWORK_NAME.to_owned(),
            version: FRAMEWORK_VERSION.to_owned(),
            date: FRAMEWORK_DATE.to_owned(),
            extra: Extra::new(),
        }
    }
}

/// `release`: the model release and its components.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Release {
    /// Model name (required, not empty).
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Release date, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Model type (`language`, `vision`, … or empty).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub model_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<String>,
    /// `pre-trained`, `instruct fine-tuned` or `chat fine-tuned`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub treatment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// Who produced the model (required; may be empty).
    pub producer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub huggingface: Option<String>,
    /// Release-wide licences (required; may be empty).
    pub license: GlobalLicences,
    /// The components the release includes (required; at most 17).
    pub components: Vec<ReleaseComponent>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `release.license`: the distribution licence and one licence per content type.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GlobalLicences {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution: Option<GlobalLicence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<GlobalLicence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<GlobalLicence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<GlobalLicence>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl GlobalLicences {
    /// The release-wide licence for components of `ty`.
    pub fn for_type(&self, ty: ContentType) -> Option<&GlobalLicence> {
        match ty {
            ContentType::Code => self.code.as_ref(),
            ContentType::Data => self.data.as_ref(),
            ContentType::Document => self.document.as_ref(),
        }
    }

    /// Mutable access to the licence slot for `ty`.
    pub fn for_type_mut(&mut self, ty: ContentType) -> &mut Option<GlobalLicence> {
        match ty {
            ContentType::Code => &mut self.code,
            ContentType::Data => &mut self.data,
            ContentType::Document => &mut self.document,
        }
    }
}

/// One release-wide licence: an SPDX id and where its text is.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GlobalLicence {
    /// The licence (the tool matches SPDX ids exactly); `None` or empty = not set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A URL or repository path of the licence text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl GlobalLicence {
    /// A licence with a name and optionally a path.
    pub fn new(name: impl Into<String>, path: Option<String>) -> Self {
        GlobalLicence {
            name: Some(name.into()),
            path,
            extra: Extra::new(),
        }
    }
}

/// `release.components[]`: one included component.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ReleaseComponent {
    /// One of the 17 [`super::COMPONENTS`] names, exactly.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The component's own licence: an SPDX id, or [`UNLICENSED`]. `None` = inherit the release's
    /// licence for the component's type, else the distribution licence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// A URL or repository path of the component's licence text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_path: Option<String>,
    /// A URL or repository path of the component itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component_path: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl ReleaseComponent {
    /// An entry for `component` with its description and no licence of its own (it inherits).
    pub fn new(component: &Component) -> Self {
        ReleaseComponent {
            name: component.name.to_owned(),
            description: Some(component.description.to_owned()),
            ..Default::default()
        }
    }

    /// The same entry with its own licence.
    pub fn with_license(mut self, license: impl Into<String>) -> Self {
        self.license = Some(license.into());
        self
    }
}

impl MofDocument {
    /// A document for `release` under the framework version the tool writes.
    pub fn new(release: Release) -> Self {
        MofDocument {
            framework: Framework::default(),
            release,
            extra: Extra::new(),
        }
    }

    /// Dotted paths of every field outside the tool's schema (kept, but ignored by the tool and by
    /// [`super::classify`]), e.g. `release.components[2].notes`.
    pub fn unknown_fields(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut push = |prefix: &str, extra: &Extra| {
            out.extend(extra.keys().map(|k| {
                if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                }
            }));
        };
        push("", &self.extra);
        push("framework", &self.framework.extra);
        let r = &self.release;
        push("release", &r.extra);
        push("release.license", &r.license.extra);
        for (key, slot) in [
            ("distribution", &r.license.distribution),
            ("code", &r.license.code),
            ("data", &r.license.data),
            ("document", &r.license.document),
        ] {
            if let Some(l) = slot {
                push(&format!("release.license.{key}"), &l.extra);
            }
        }
        for (i, c) in r.components.iter().enumerate() {
            push(&format!("release.components[{i}]"), &c.extra);
        }
        out
    }
}
