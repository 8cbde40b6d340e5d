//! Every code an audit can report, in one namespace: the audit's own rules ([`RULES`]: licence terms,
//! required signatures, denied formats, documentation, exceptions), the finding codes of
//! [`crate::finding::CODES`], the verification problem codes of [`ProblemCode`] (signatures,
//! attestations, a BOM against the directory) and the Hugging Face cache problem codes of
//! [`CacheProblemCode`]. [`lookup`] gives any of them a category, a severity and a one-line summary;
//! the policy file and `-A`/`-W`/`-D` accept exactly these codes, and docs/audit.md lists them (a test
//! holds the page to this module). Codes are never renamed or reused.

use serde::{Deserialize, Serialize};

use crate::attest::problem::ProblemCode;
use crate::finding::{self, Producer, Severity};
use crate::hfcache::CacheProblemCode;

/// What part of a policy a code belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Licence terms and evidence.
    License,
    /// Signatures, attestations, files against what was signed or recorded.
    Integrity,
    /// Ways model files run code or hide from analysis.
    Security,
    /// File formats and their structure.
    Format,
    /// The model card and documentation completeness.
    Documentation,
    /// The policy's own bookkeeping (exceptions).
    Policy,
    /// Openness frameworks (MOF class, OSAID elements).
    Openness,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::License,
        Category::Integrity,
        Category::Security,
        Category::Format,
        Category::Documentation,
        Category::Policy,
        Category::Openness,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::License => "license",
            Category::Integrity => "integrity",
            Category::Security => "security",
            Category::Format => "format",
            Category::Documentation => "documentation",
            Category::Policy => "policy",
            Category::Openness => "openness",
        }
    }
}

/// Where a code comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// The audit's own rules ([`RULES`]).
    Audit,
    /// A finding of the scan ([`crate::finding::CODES`]).
    Finding,
    /// A verification problem ([`ProblemCode`]).
    Verify,
    /// A Hugging Face cache problem ([`CacheProblemCode`]).
    HfCache,
}

/// One code as the audit sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CodeInfo {
    pub code: &'static str,
    pub category: Category,
    /// Default severity (for findings, the registry's; a finding may carry another).
    pub severity: Severity,
    pub origin: Origin,
    pub summary: &'static str,
}

const fn rule(
    code: &'static str,
    category: Category,
    severity: Severity,
    summary: &'static str,
) -> CodeInfo {
    CodeInfo {
        code,
        category,
        severity,
        origin: Origin::Audit,
        summary,
    }
}

/// The audit's own rules.
#[rustfmt::skip]
pub const RULES: &[CodeInfo] = &[
    rule("license-not-allowed", Category::License, Severity::High, "The model's licence cannot be satisfied with the licences the policy allows."),
    rule("license-denied", Category::License, Severity::High, "The model's licence cannot be satisfied without a licence the policy denies."),
    rule("license-use-restricted", Category::License, Severity::High, "The model's licence restricts who may use the model or for what (acceptable-use policy, user cap, field-of-use limits)."),
    rule("license-non-commercial", Category::License, Severity::High, "The model's licence forbids commercial use."),
    rule("signature-missing", Category::Integrity, Severity::High, "The policy requires an OMS model signature and no bundle with one was given or found next to the model."),
    rule("attestation-missing", Category::Integrity, Severity::High, "The policy requires an AIBOM attestation and no bundle with one was given or found next to the model."),
    rule("signer-untrusted", Category::Integrity, Severity::High, "A bundle's signature verifies with none of the signers the policy and the command line trust (keys, certificate roots, keyless identities)."),
    rule("bundle-unusable", Category::Integrity, Severity::High, "A bundle (or a BOM given to compare) could not be read or checked at all."),
    rule("format-denied", Category::Format, Severity::High, "A file has a format, or carries a kind of code, that the policy denies."),
    rule("documentation-missing", Category::Documentation, Severity::Medium, "An item the policy requires is not documented in the model."),
    rule("completeness-below-minimum", Category::Documentation, Severity::Medium, "The documentation completeness score is below the policy's minimum."),
    rule("training-data-missing", Category::Documentation, Severity::Medium, "The model names no training data (datasets, a Croissant manifest or a training-data section) and the policy requires it."),
    rule("finding-unknown", Category::Security, Severity::High, "A BOM records a finding whose code this aibom does not know; it is judged by the severity the BOM gives it."),
    rule("mof-class-below-minimum", Category::Openness, Severity::Medium, "The model's Model Openness Framework class, as the Model Openness Tool classifies the evidence, is below the policy's minimum."),
    rule("osaid-element-unmet", Category::Openness, Severity::Medium, "An Open Source AI Definition element the policy requires is not satisfied by evidence in the directory."),
    rule("openness-unassessed", Category::Openness, Severity::Medium, "The policy has openness requirements, and the input (a BOM or attestation without the files) records no openness assessment to judge them by (aibom records one in CycloneDX 1.6 and 1.7 BOMs)."),
    rule("exception-stale", Category::Policy, Severity::Medium, "A policy exception names a file whose SHA-256 has changed, so it no longer applies (an exception for a file no longer in the model matches nothing: exception-unused)."),
    rule("exception-unused", Category::Policy, Severity::Low, "A policy exception matched no finding."),
];

/// The category of a finding code.
fn finding_category(code: &str, producer: Producer) -> Category {
    match producer {
        Producer::Security => Category::Security,
        Producer::Format => Category::Format,
        Producer::Analysis if code.starts_with("license-") => Category::License,
        Producer::Analysis if code.starts_with("dataset-") => Category::Integrity,
        Producer::Analysis if code.starts_with("card-") || code == "metadata-unreadable" => {
            Category::Documentation
        }
        Producer::Analysis => Category::Security,
    }
}

/// Every code an audit knows, audit rules first, then findings, verification and cache problems (a code
/// shared by verification and the cache, `file-missing`, appears once).
pub fn all() -> Vec<CodeInfo> {
    let mut out: Vec<CodeInfo> = RULES.to_vec();
    out.extend(finding::CODES.iter().map(|c| CodeInfo {
        code: c.code,
        category: finding_category(c.code, c.producer),
        severity: c.severity,
        origin: Origin::Finding,
        summary: c.summary,
    }));
    out.extend(ProblemCode::ALL.iter().map(|p| CodeInfo {
        code: p.as_str(),
        category: Category::Integrity,
        severity: Severity::High,
        origin: Origin::Verify,
        summary: p.summary(),
    }));
    for c in CacheProblemCode::ALL {
        if !out.iter().any(|o| o.code == c.as_str()) {
            out.push(CodeInfo {
                code: c.as_str(),
                category: Category::Integrity,
                severity: Severity::High,
                origin: Origin::HfCache,
                summary: c.summary(),
            });
        }
    }
    out
}

/// The code's entry, if an audit knows it.
pub fn lookup(code: &str) -> Option<CodeInfo> {
    RULES
        .iter()
        .copied()
        .find(|c| c.code == code)
        .or_else(|| all().into_iter().find(|c| c.code == code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn codes_are_unique_across_every_source_but_the_shared_file_missing() {
        let mut seen = BTreeSet::new();
        for c in RULES {
            assert!(seen.insert(c.code), "duplicate rule {}", c.code);
        }
        for c in finding::CODES {
            assert!(
                seen.insert(c.code),
                "{} is both a rule and a finding",
                c.code
            );
        }
        for p in ProblemCode::ALL {
            assert!(seen.insert(p.as_str()), "{} collides", p.as_str());
        }
        for c in CacheProblemCode::ALL {
            if c.as_str() != "file-missing" {
                assert!(seen.insert(c.as_str()), "{} collides", c.as_str());
            }
        }
        assert_eq!(all().len(), seen.len());
        for c in all() {
            assert!(c.summary.ends_with('.'), "{}", c.code);
            assert_eq!(lookup(c.code).unwrap().code, c.code);
        }
    }

    /// `ALL` of each problem enum lists every variant: the JSON schema's enum values are the variants.
    #[test]
    fn problem_code_lists_are_exhaustive() {
        fn variants<T: schemars::JsonSchema>() -> BTreeSet<String> {
            let s = serde_json::to_value(schemars::schema_for!(T)).unwrap();
            let mut out = BTreeSet::new();
            let mut stack = vec![s];
            while let Some(v) = stack.pop() {
                match v {
                    serde_json::Value::Object(m) => {
                        if let Some(serde_json::Value::Array(e)) = m.get("enum") {
                            out.extend(e.iter().filter_map(|x| x.as_str().map(str::to_string)));
                        }
                        if let Some(serde_json::Value::String(c)) = m.get("const") {
                            out.insert(c.clone());
                        }
                        stack.extend(m.into_iter().map(|(_, v)| v));
                    }
                    serde_json::Value::Array(a) => stack.extend(a),
                    _ => {}
                }
            }
            out
        }
        let listed: BTreeSet<String> = ProblemCode::ALL
            .iter()
            .map(|p| p.as_str().to_string())
            .collect();
        assert_eq!(variants::<ProblemCode>(), listed);
        let listed: BTreeSet<String> = CacheProblemCode::ALL
            .iter()
            .map(|p| p.as_str().to_string())
            .collect();
        assert_eq!(variants::<CacheProblemCode>(), listed);
    }
}
