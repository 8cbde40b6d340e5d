//! The audit policy: the `aibom.toml` file `aibom audit` is driven by, its validation and its template.
//! A policy says which licences are acceptable, which signatures and attestations must verify and who
//! may sign them, which security findings fail the audit (by severity threshold or by code, with
//! exceptions pinned to a file's path and SHA-256), which formats are denied and what documentation is
//! required; `[rules]` sets the level (`allow`, `warn`, `deny`) of any code, as cargo-deny's lint
//! levels do. Parsing is strict: an unknown key, a wrong type or an unknown code is an error that names
//! the file, the line and the column. Paths inside the policy (keys, certificate roots, trusted roots)
//! are relative to the policy file's directory. [`TEMPLATE`] is what `aibom init` writes: every key,
//! commented, with its default.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::audit::rules;
use crate::error::{Error, Result};
use crate::finding::Severity;

/// The version of the policy format this aibom reads.
pub const POLICY_VERSION: u32 = 1;

/// Largest policy file read.
const MAX_POLICY: u64 = 1024 * 1024;

/// How a code is treated when the audit meets it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Not reported (counted only).
    Allow,
    /// Reported; the audit still passes (the default of `[licenses]` levels).
    #[default]
    Warn,
    /// Reported; the audit fails.
    Deny,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }
}

/// A severity threshold: findings at or above it are denied, the others warned (info: allowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Threshold {
    Info,
    Low,
    Medium,
    High,
    Critical,
    /// No finding fails the audit by its severity alone.
    Never,
}

impl Threshold {
    /// The level of a finding of `severity` under this threshold.
    pub fn level(self, severity: Severity) -> Level {
        let min = match self {
            Threshold::Info => Some(Severity::Info),
            Threshold::Low => Some(Severity::Low),
            Threshold::Medium => Some(Severity::Medium),
            Threshold::High => Some(Severity::High),
            Threshold::Critical => Some(Severity::Critical),
            Threshold::Never => None,
        };
        match min {
            Some(m) if severity >= m => Level::Deny,
            _ if severity == Severity::Info => Level::Allow,
            _ => Level::Warn,
        }
    }
}

/// A parsed, validated policy.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Policy {
    /// The file it was read from (none: the built-in default policy).
    pub source: Option<PathBuf>,
    /// SHA-256 (hex) of the file's bytes, recorded in reports.
    pub sha256: Option<String>,
    pub licenses: Licenses,
    pub signatures: Signatures,
    pub security: Security,
    pub formats: Formats,
    pub documentation: Documentation,
    pub openness: Openness,
    /// Level of each code named in `[rules]`.
    pub rules: BTreeMap<String, Level>,
}

/// `[licenses]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Licenses {
    /// When not empty, the model's licence must be satisfiable with these alone (SPDX ids, `LicenseRef-`
    /// ids or whole expressions).
    pub allow: Vec<String>,
    /// The model's licence must be satisfiable without these.
    pub deny: Vec<String>,
    pub deny_use_restricted: bool,
    pub deny_non_commercial: bool,
    /// Level of `license-missing` and `license-unresolved`.
    pub unknown: Level,
    /// Level of `license-conflict`.
    pub conflict: Level,
}

/// `[signatures]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Signatures {
    pub require_signature: bool,
    pub require_attestation: bool,
    /// Public keys whose signatures are trusted (absolute, resolved against the policy's directory).
    pub keys: Vec<PathBuf>,
    /// Root CA certificates of the certificate method.
    pub certificate_chains: Vec<PathBuf>,
    /// Keyless signer identities.
    pub identities: Vec<Identity>,
    /// A Sigstore trusted_root.json instead of the embedded public-good root.
    pub trusted_root: Option<PathBuf>,
    /// Tolerate files the signature does not list.
    pub ignore_unsigned_files: bool,
}

/// One keyless signer: the identity and the OIDC issuer, each exact or as a regular expression.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Identity {
    pub identity: Option<String>,
    pub identity_regexp: Option<String>,
    pub issuer: Option<String>,
    pub issuer_regexp: Option<String>,
}

/// `[security]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Security {
    pub fail_on: Threshold,
    pub exceptions: Vec<Exception>,
}

impl Default for Security {
    fn default() -> Self {
        Security {
            fail_on: Threshold::High,
            exceptions: Vec::new(),
        }
    }
}

/// An accepted finding: applies only while the file has this SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    /// Model-relative path.
    pub path: String,
    /// Lower-case hex SHA-256 of the file the exception was granted for.
    pub sha256: String,
    /// Codes it covers (empty: every code on that file).
    pub codes: Vec<String>,
    pub reason: String,
    /// Where it is in the policy file (line, column), for messages.
    pub at: (usize, usize),
}

/// `[formats]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Formats {
    /// Format names (`pickle`, `gguf`, ...) or kinds of code (`torchscript`, `remote-code`,
    /// `keras-lambda`, `code`) that no file may have.
    pub deny: Vec<String>,
}

/// The names `[formats] deny` accepts besides the format names of `aibom scan -o json`.
pub const FORMAT_KINDS: &[(&str, &str)] = &[
    (
        "pickle",
        "any pickle-based file: plain pickles, PyTorch zip and legacy tar checkpoints",
    ),
    (
        "torchscript",
        "PyTorch archives carrying TorchScript code (finding torchscript-code)",
    ),
    (
        "remote-code",
        "Python files config.json makes transformers import and run (auto_map)",
    ),
    (
        "keras-lambda",
        "Keras models with Lambda layers or serialized Python functions",
    ),
    ("code", "any file whose role is code (.py, .sh, ...)"),
];

/// Format names of the inventory, accepted by `[formats] deny`.
pub const FORMAT_NAMES: &[&str] = &[
    "safetensors",
    "gguf",
    "ggml",
    "pytorch-zip",
    "keras",
    "npz",
    "zip",
    "pytorch-tar",
    "tar",
    "seven-zip",
    "rar",
    "pickle",
    "hdf5",
    "onnx",
    "npy",
    "tflite",
];

/// `[documentation]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Documentation {
    /// Completeness items that must be present (`intended-uses`, `limitations`, ...).
    pub require: Vec<String>,
    /// Minimum completeness score (0–100).
    pub min_completeness: u32,
    /// Training data must be named.
    pub require_training_data: bool,
}

/// `[openness]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Openness {
    /// The least open Model Openness Framework class accepted (`III`, `II` or `I`; I is the most open).
    pub min_mof_class: Option<crate::openness::mof::MofClass>,
    /// OSAID 1.0 elements that must be satisfied by evidence (`code.training`, `freedom.use`, ...).
    pub require_osaid: Vec<String>,
}

/// The completeness item keys `[documentation] require` accepts.
pub const DOCUMENTATION_ITEMS: &[&str] = &[
    "licence",
    "datasets",
    "source",
    "intended-uses",
    "training-data",
    "limitations",
    "bias-risks",
    "evaluation",
    "description",
    "training-procedure",
    "task",
    "architecture",
    "parameters",
    "environmental",
    "software",
];

// ---- the file's serde shape (spans kept for messages) ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPolicy {
    version: Spanned<u32>,
    #[serde(default)]
    licenses: RawLicenses,
    #[serde(default)]
    signatures: RawSignatures,
    #[serde(default)]
    security: RawSecurity,
    #[serde(default)]
    formats: RawFormats,
    #[serde(default)]
    documentation: RawDocumentation,
    #[serde(default)]
    openness: RawOpenness,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Level>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawLicenses {
    #[serde(default)]
    allow: Vec<Spanned<String>>,
    #[serde(default)]
    deny: Vec<Spanned<String>>,
    #[serde(default)]
    deny_use_restricted: bool,
    #[serde(default)]
    deny_non_commercial: bool,
    unknown: Option<Level>,
    conflict: Option<Level>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSignatures {
    #[serde(default)]
    require_signature: bool,
    #[serde(default)]
    require_attestation: bool,
    #[serde(default)]
    keys: Vec<String>,
    #[serde(default)]
    certificate_chains: Vec<String>,
    #[serde(default)]
    identities: Vec<Spanned<Identity>>,
    trusted_root: Option<String>,
    #[serde(default)]
    ignore_unsigned_files: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSecurity {
    fail_on: Option<Threshold>,
    #[serde(default)]
    exceptions: Vec<Spanned<RawException>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawException {
    path: String,
    sha256: Spanned<String>,
    #[serde(default)]
    codes: Vec<Spanned<String>>,
    reason: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawFormats {
    #[serde(default)]
    deny: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawDocumentation {
    #[serde(default)]
    require: Vec<Spanned<String>>,
    min_completeness: Option<Spanned<u32>>,
    #[serde(default)]
    require_training_data: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawOpenness {
    min_mof_class: Option<Spanned<String>>,
    #[serde(default)]
    require_osaid: Vec<Spanned<String>>,
}

/// 1-based line and column of byte `offset` in `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.chars().count(), |i| before[i + 1..].chars().count())
        + 1;
    (line, col)
}

impl Policy {
    /// The policy used when no file is given: findings of high severity and above fail, everything
    /// else is reported as a warning (info findings are allowed); nothing is required.
    pub fn builtin() -> Policy {
        Policy::default()
    }

    /// Read and validate the policy file at `path`.
    pub fn read(path: &Path) -> Result<Policy> {
        let bytes = crate::io::read_capped(path, MAX_POLICY, "policy file")?;
        let text = String::from_utf8(bytes).map_err(|_| Error::PolicyFile {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
            message: "not valid UTF-8".to_string(),
        })?;
        let base = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut p =
            Policy::parse(&text, base).map_err(|(line, column, message)| Error::PolicyFile {
                path: path.to_path_buf(),
                line,
                column,
                message,
            })?;
        p.source = Some(path.to_path_buf());
        p.sha256 = Some(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
            text.as_bytes(),
        )));
        Ok(p)
    }

    /// Parse and validate policy text; relative paths are resolved against `base`. Errors are
    /// (line, column, message), 1-based (0 when the position is unknown).
    pub fn parse(text: &str, base: &Path) -> std::result::Result<Policy, (usize, usize, String)> {
        let raw: RawPolicy = toml::from_str(text).map_err(|e| {
            let (l, c) = e.span().map_or((0, 0), |s| line_col(text, s.start));
            (l, c, e.message().trim_end().to_string())
        })?;
        let at = |span: std::ops::Range<usize>| line_col(text, span.start);
        let err = |span: std::ops::Range<usize>, msg: String| {
            let (l, c) = at(span);
            (l, c, msg)
        };
        if *raw.version.get_ref() != POLICY_VERSION {
            return Err(err(
                raw.version.span(),
                format!(
                    "policy version {} is not supported (this aibom reads version {POLICY_VERSION})",
                    raw.version.get_ref()
                ),
            ));
        }
        let code = |s: &Spanned<String>| -> std::result::Result<String, (usize, usize, String)> {
            if rules::lookup(s.get_ref()).is_some() {
                Ok(s.get_ref().clone())
            } else {
                Err(err(
                    s.span(),
                    format!(
                        "unknown code '{}' (every code is listed in docs/audit.md)",
                        s.get_ref()
                    ),
                ))
            }
        };
        let mut rules_out = BTreeMap::new();
        for (k, v) in &raw.rules {
            rules_out.insert(code(k)?, *v);
        }
        // SPDX ids and expressions in any case (canonicalised), LicenseRef- ids, or Hub licence ids
        // (`llama3.1` → `LicenseRef-aibom-llama3.1`), as the model's licences are named.
        let licence = |s: &Spanned<String>| -> std::result::Result<String, (usize, usize, String)> {
            let v = s.get_ref().trim();
            let r = crate::license::resolve_expression(v);
            let r = if r.expression.is_some() {
                r
            } else {
                crate::license::resolve_hub_id(v)
            };
            r.expression.ok_or_else(|| {
                err(
                    s.span(),
                    format!("'{v}' is not an SPDX licence id or expression, a LicenseRef- id or a Hugging Face licence id"),
                )
            })
        };
        let licenses = Licenses {
            allow: raw
                .licenses
                .allow
                .iter()
                .map(licence)
                .collect::<std::result::Result<_, _>>()?,
            deny: raw
                .licenses
                .deny
                .iter()
                .map(licence)
                .collect::<std::result::Result<_, _>>()?,
            deny_use_restricted: raw.licenses.deny_use_restricted,
            deny_non_commercial: raw.licenses.deny_non_commercial,
            unknown: raw.licenses.unknown.unwrap_or(Level::Warn),
            conflict: raw.licenses.conflict.unwrap_or(Level::Warn),
        };
        let resolve = |p: &str| base.join(p);
        let mut identities = Vec::new();
        for id in &raw.signatures.identities {
            let i = id.get_ref();
            let claim = |exact: &Option<String>, re: &Option<String>, what: &str| {
                match (exact, re)
            {
                (Some(_), Some(_)) => Err(err(
                    id.span(),
                    format!("give the {what} as an exact value or as a pattern, not both"),
                )),
                (None, None) => Err(err(
                    id.span(),
                    format!("a keyless identity needs the {what} (exact or as a pattern): without it any signer would pass"),
                )),
                (_, Some(r)) => regex::Regex::new(r)
                    .map(|_| ())
                    .map_err(|e| err(id.span(), format!("{what} pattern: {e}"))),
                _ => Ok(()),
            }
            };
            claim(&i.identity, &i.identity_regexp, "signer identity")?;
            claim(&i.issuer, &i.issuer_regexp, "OIDC issuer")?;
            identities.push(i.clone());
        }
        let signatures = Signatures {
            require_signature: raw.signatures.require_signature,
            require_attestation: raw.signatures.require_attestation,
            keys: raw.signatures.keys.iter().map(|k| resolve(k)).collect(),
            certificate_chains: raw
                .signatures
                .certificate_chains
                .iter()
                .map(|k| resolve(k))
                .collect(),
            identities,
            trusted_root: raw.signatures.trusted_root.as_deref().map(resolve),
            ignore_unsigned_files: raw.signatures.ignore_unsigned_files,
        };
        let mut exceptions = Vec::new();
        for e in &raw.security.exceptions {
            let r = e.get_ref();
            let sha = r.sha256.get_ref().trim().to_ascii_lowercase();
            let sha = sha.strip_prefix("sha256:").unwrap_or(&sha).to_string();
            if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(err(
                    r.sha256.span(),
                    "sha256 must be the file's SHA-256 as 64 hex digits (as `aibom scan -o json` lists it)".to_string(),
                ));
            }
            if r.reason.trim().is_empty() {
                return Err(err(
                    e.span(),
                    "an exception needs a reason: say why the finding is accepted".to_string(),
                ));
            }
            exceptions.push(Exception {
                path: r.path.trim_start_matches("./").to_string(),
                sha256: sha,
                codes: r
                    .codes
                    .iter()
                    .map(code)
                    .collect::<std::result::Result<_, _>>()?,
                reason: r.reason.clone(),
                at: at(e.span()),
            });
        }
        let security = Security {
            fail_on: raw.security.fail_on.unwrap_or(Threshold::High),
            exceptions,
        };
        let mut deny = Vec::new();
        for f in &raw.formats.deny {
            let v = f.get_ref();
            if !FORMAT_NAMES.contains(&v.as_str()) && !FORMAT_KINDS.iter().any(|(k, _)| k == v) {
                let kinds: Vec<&str> = FORMAT_KINDS.iter().map(|(k, _)| *k).collect();
                return Err(err(
                    f.span(),
                    format!(
                        "unknown format '{v}' (expected one of: {}, {})",
                        kinds.join(", "),
                        FORMAT_NAMES.join(", ")
                    ),
                ));
            }
            if !deny.contains(v) {
                deny.push(v.clone());
            }
        }
        let mut require = Vec::new();
        for r in &raw.documentation.require {
            if !DOCUMENTATION_ITEMS.contains(&r.get_ref().as_str()) {
                return Err(err(
                    r.span(),
                    format!(
                        "unknown documentation item '{}' (expected one of: {})",
                        r.get_ref(),
                        DOCUMENTATION_ITEMS.join(", ")
                    ),
                ));
            }
            require.push(r.get_ref().clone());
        }
        let min_completeness = match &raw.documentation.min_completeness {
            Some(m) if *m.get_ref() > 100 => {
                return Err(err(
                    m.span(),
                    "min-completeness is a score from 0 to 100".to_string(),
                ))
            }
            Some(m) => *m.get_ref(),
            None => 0,
        };
        let min_mof_class = match &raw.openness.min_mof_class {
            None => None,
            Some(c) => Some(match c.get_ref().trim() {
                "III" | "3" => crate::openness::mof::MofClass::III,
                "II" | "2" => crate::openness::mof::MofClass::II,
                "I" | "1" => crate::openness::mof::MofClass::I,
                other => {
                    return Err(err(
                        c.span(),
                        format!("min-mof-class '{other}': expected \"III\", \"II\" or \"I\" (I is the most open)"),
                    ))
                }
            }),
        };
        let mut require_osaid = Vec::new();
        for e in &raw.openness.require_osaid {
            if !crate::openness::osaid::ELEMENT_IDS.contains(&e.get_ref().as_str()) {
                return Err(err(
                    e.span(),
                    format!(
                        "unknown OSAID element '{}' (expected one of: {})",
                        e.get_ref(),
                        crate::openness::osaid::ELEMENT_IDS.join(", ")
                    ),
                ));
            }
            require_osaid.push(e.get_ref().clone());
        }
        Ok(Policy {
            source: None,
            sha256: None,
            licenses,
            signatures,
            security,
            formats: Formats { deny },
            documentation: Documentation {
                require,
                min_completeness,
                require_training_data: raw.documentation.require_training_data,
            },
            openness: Openness {
                min_mof_class,
                require_osaid,
            },
            rules: rules_out,
        })
    }
}

/// What `aibom init` writes: a policy with every key, commented, at its default; parsing it gives
/// [`Policy::builtin`].
pub const TEMPLATE: &str = r#"# aibom audit policy (written by `aibom init`; aibom's docs/audit.md lists every rule code).
# `aibom audit MODEL --policy aibom.toml` exits 0 when the policy passes, 1 when it is violated,
# 2 when the audit could not run. Paths below are relative to this file.
version = 1

[licenses]
# When not empty, the model's licence must be satisfiable with these alone (rule license-not-allowed).
# SPDX ids, LicenseRef- ids (aibom names model licences LicenseRef-aibom-<name>) or whole expressions.
allow = []
# The model's licence must be satisfiable without these (rule license-denied).
deny = []
# Fail on licences that restrict who may use the model or for what: acceptable-use policies, user caps,
# field-of-use limits (Llama, Gemma, OpenRAIL...) (rule license-use-restricted).
deny-use-restricted = false
# Fail on licences that forbid commercial use (CC-BY-NC-*, research-only terms) (rule license-non-commercial).
deny-non-commercial = false
# Level of license-missing and license-unresolved (no licence, or none aibom can resolve): allow, warn, deny.
unknown = "warn"
# Level of license-conflict (two model-level licence statements disagree).
conflict = "warn"

[signatures]
# An OMS model signature (aibom sign, model_signing) must verify (rule signature-missing).
require-signature = false
# An AIBOM attestation (aibom attest) must verify (rule attestation-missing).
require-attestation = false
# Signers trusted for both: public keys, root CA certificates of the certificate method, keyless identities.
keys = []
certificate-chains = []
# [[signatures.identities]]
# identity = "release@example.com"          # or identity-regexp = "^https://github.com/org/.*"
# issuer = "https://accounts.google.com"     # or issuer-regexp = "..."
# A Sigstore trusted_root.json instead of the embedded public-good root (keyless, cosign key bundles).
# trusted-root = "trusted_root.json"
# Tolerate files the signature does not list (missing and modified files still fail).
ignore-unsigned-files = false

[security]
# Findings at or above this severity fail the audit; lower ones are warnings (info: allowed).
# One of: info, low, medium, high, critical, never.
fail-on = "high"
# Accepted findings, each pinned to the file's SHA-256 so a changed file is checked again.
# [[security.exceptions]]
# path = "legacy/model.pkl"
# sha256 = "<64 hex digits, from aibom scan -o json>"
# codes = ["pickle-unknown-import"]          # empty or absent: every finding on that file
# reason = "reviewed: imports our own module mypkg.layers"

[formats]
# Formats no file may have (rule format-denied): pickle (plain pickles, PyTorch zip and tar checkpoints),
# torchscript, remote-code, keras-lambda, code, or an inventory format name (gguf, onnx, keras, npy, ...).
deny = []

[documentation]
# Completeness items that must be documented (rule documentation-missing): licence, datasets, source,
# intended-uses, training-data, limitations, bias-risks, evaluation, description, training-procedure,
# task, architecture, parameters, environmental, software.
require = []
# Minimum completeness score, 0-100 (rule completeness-below-minimum).
min-completeness = 0
# Training data must be named: datasets, a Croissant manifest or a training-data section (rule training-data-missing).
require-training-data = false

[openness]
# The least open Model Openness Framework class accepted, as the Model Openness Tool classifies the
# evidence (aibom assess): "III" (open model), "II" (open tooling), "I" (open science, the most open)
# (rule mof-class-below-minimum).
# min-mof-class = "III"
# OSAID 1.0 elements that must be satisfied by evidence (rule osaid-element-unmet): data-information.*,
# code.data-processing, code.training, code.validation-testing, code.supporting-libraries,
# code.inference, code.architecture, parameters, freedom.use, freedom.study, freedom.modify, freedom.share.
require-osaid = []

[rules]
# The level of any code, cargo-deny style: "allow", "warn" or "deny" (the command line's -A/-W/-D win).
# "card-placeholder" = "warn"
# "pickle-unknown-import" = "deny"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(t: &str) -> std::result::Result<Policy, (usize, usize, String)> {
        Policy::parse(t, Path::new("/p"))
    }

    #[test]
    fn template_parses_to_the_builtin_policy() {
        assert_eq!(parse(TEMPLATE).unwrap(), Policy::builtin());
    }

    #[test]
    fn unknown_keys_codes_and_types_name_line_and_column() {
        let (l, c, m) = parse("version = 1\n[licenses]\nalow = []\n").unwrap_err();
        assert_eq!((l, c), (3, 1), "{m}");
        assert!(m.contains("alow"), "{m}");
        let (l, c, m) = parse("version = 1\n[rules]\n\"no-such-code\" = \"deny\"\n").unwrap_err();
        assert_eq!((l, c), (3, 1), "{m}");
        assert!(m.contains("unknown code 'no-such-code'"), "{m}");
        let (l, _, m) = parse("version = 1\n[security]\nfail-on = \"severe\"\n").unwrap_err();
        assert_eq!(l, 3, "{m}");
        let (l, _, m) = parse("version = 2\n").unwrap_err();
        assert_eq!(l, 1);
        assert!(m.contains("version 2"), "{m}");
        let (_, _, m) = parse("[licenses]\n").unwrap_err();
        assert!(m.contains("version"), "{m}");
        let (l, _, m) =
            parse("version = 1\n[formats]\ndeny = [\"pickle\", \"exe\"]\n").unwrap_err();
        assert_eq!(l, 3);
        assert!(m.contains("unknown format 'exe'"), "{m}");
        let (l, _, m) = parse("version = 1\n[licenses]\nallow = [\"MIT AND\"]\n").unwrap_err();
        assert_eq!(l, 3);
        assert!(m.contains("MIT AND"), "{m}");
    }

    #[test]
    fn exceptions_need_a_full_hash_and_a_reason() {
        let ok = "version = 1\n[[security.exceptions]]\npath = \"./a.pkl\"\nsha256 = \"sha256:ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB\"\nreason = \"reviewed\"\n";
        let p = parse(ok).unwrap();
        assert_eq!(p.security.exceptions[0].path, "a.pkl");
        assert_eq!(p.security.exceptions[0].sha256, "ab".repeat(32));
        assert_eq!(p.security.exceptions[0].at, (2, 1));
        let (l, _, m) = parse(&ok.replace("ABAB", "")).unwrap_err();
        assert_eq!(l, 4, "{m}");
        let (_, _, m) = parse(&ok.replace("reviewed", " ")).unwrap_err();
        assert!(m.contains("reason"), "{m}");
    }

    #[test]
    fn keyless_identities_need_both_claims_and_paths_resolve_against_the_policy() {
        let (l, _, m) =
            parse("version = 1\n[[signatures.identities]]\nidentity = \"a@b\"\n").unwrap_err();
        assert_eq!(l, 2, "{m}");
        assert!(m.contains("OIDC issuer"), "{m}");
        let p = parse("version = 1\n[signatures]\nkeys = [\"k.pub\"]\n[[signatures.identities]]\nidentity-regexp = \"^a\"\nissuer = \"https://x\"\n").unwrap();
        assert_eq!(p.signatures.keys, vec![PathBuf::from("/p/k.pub")]);
        assert_eq!(p.signatures.identities.len(), 1);
    }

    #[test]
    fn threshold_levels() {
        assert_eq!(Threshold::High.level(Severity::Critical), Level::Deny);
        assert_eq!(Threshold::High.level(Severity::High), Level::Deny);
        assert_eq!(Threshold::High.level(Severity::Medium), Level::Warn);
        assert_eq!(Threshold::High.level(Severity::Info), Level::Allow);
        assert_eq!(Threshold::Never.level(Severity::Critical), Level::Warn);
        assert_eq!(Threshold::Info.level(Severity::Info), Level::Deny);
    }
}
