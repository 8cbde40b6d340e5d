//! Security findings: what an analysis reports about one file (or one member of an archive), and the
//! table of stable codes with their default severities. A code names the kind of problem, never the
//! file: users allow or deny findings by code, so codes are never renamed or reused.

use crate::facts::Severity;
use serde::Serialize;

/// One problem found in a model file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityFinding {
    /// Stable kebab-case code, one of [`CODES`].
    pub code: &'static str,
    pub severity: Severity,
    /// The file (model-relative path).
    pub path: String,
    /// The archive member (or decompressed stream) the finding is in, when the file is a container.
    pub member: Option<String>,
    /// Byte offset within the member when there is one, else within the file (for chat templates:
    /// within the template text).
    pub offset: Option<u64>,
    /// The short piece of evidence: `posix.system via REDUCE`, a matched template snippet, a member name.
    pub evidence: String,
    /// What is wrong and why it matters, for people.
    pub message: String,
    /// SHA-256 of the file the finding is about, as given to the analysis (empty when not known).
    pub sha256: String,
}

/// Every code the analyses emit: (code, default severity, one-sentence description).
pub const CODES: &[(&str, Severity, &str)] = &[
    ("pickle-dangerous-import", Severity::Critical, "A pickle imports an object on the known-dangerous list (eval, os.system, subprocess, published scanner-bypass gadgets, ...), which runs code or touches the system when the file is loaded."),
    ("pickle-unknown-import", Severity::High, "A pickle imports an object outside the known-safe allow-list; loading calls it, and unlisted objects are where scanner-bypass gadgets hide."),
    ("pickle-unresolved-global", Severity::High, "A pickle imports an object whose name cannot be read from the file (STACK_GLOBAL on computed operands, or an EXT registry code), so it must be assumed dangerous."),
    ("pickle-unresolved-array", Severity::High, "A joblib NumPy array wrapper's data size (or where its data is read from) cannot be worked out from the pickle, so the bytes after it, which joblib reads as data, could not be told apart from opcodes and were not checked."),
    ("pickle-unknown-opcode", Severity::Medium, "A pickle stream contains a byte that is not a pickle opcode, so the rest of the stream could not be checked."),
    ("pickle-truncated", Severity::Medium, "A pickle stream ends before its STOP opcode."),
    ("pickle-bad-operand", Severity::Medium, "A pickle opcode has an operand that is malformed (bad protocol, non-numeric memo key, invalid module or attribute name)."),
    ("pickle-trailing-data", Severity::Medium, "Bytes follow the last pickle in a stream where nothing is expected."),
    ("pickle-limit-exceeded", Severity::High, "The pickle walk stopped at a safety cap (opcodes, memo, stack, operand length), so part of the stream was not checked."),
    ("torchscript-code", Severity::High, "A PyTorch archive carries TorchScript code members (code/ or .py), which run when the model is loaded."),
    ("zip-invalid", Severity::High, "A zip archive fails strict parsing; lenient readers (such as PyTorch's) may still load it, so it cannot be called clean."),
    ("zip-path-traversal", Severity::High, "A zip member name is absolute or contains `..`, so extracting it can write outside the destination."),
    ("zip-duplicate-name", Severity::High, "Two zip members share a name; readers disagree on which one they use, so a scanner and a loader can see different content."),
    ("zip-bomb", Severity::High, "A zip member decompresses past the size or ratio caps (or members overlap), a decompression bomb."),
    ("zip-limit-exceeded", Severity::High, "A zip archive has more members than the analysis cap; the rest were not checked."),
    ("archive-invalid", Severity::High, "A tar archive fails strict parsing (header checksum, sizes past the end, malformed extended headers, truncation); readers stop or disagree there, so it cannot be called clean."),
    ("archive-path-traversal", Severity::High, "A tar member name, or a link member's target, is absolute or climbs out with `..`, so extracting it can write outside the destination."),
    ("archive-limit-exceeded", Severity::High, "An archive goes past an analysis cap (containers nested too deep, too many members, a member over the per-member size cap); what lies beyond was not checked."),
    ("compressed-bomb", Severity::High, "A compressed stream (gzip, zlib, bzip2, xz, lzma) decompresses past the size or ratio caps."),
    ("numpy-object-array", Severity::Medium, "A NumPy array has an object dtype, so its data is a pickle that runs code when loaded with allow_pickle=True."),
    ("keras-lambda", Severity::High, "A Keras model carries a Lambda / TFOpLambda layer or Python code, which runs when the model is loaded."),
    ("keras-custom-object", Severity::High, "A Keras model references a custom class or function outside the Keras namespaces, which loads code from elsewhere."),
    ("keras-dangerous-object", Severity::Critical, "A Keras model references a class or function on the known-dangerous list (os.system as a serialized function, keras.utils.get_file, ...), which runs code or touches the system when the model is loaded."),
    ("tf-risky-op", Severity::High, "A TensorFlow SavedModel uses an op that calls Python or reads or writes files (PyFunc, EagerPyFunc, ReadFile, WriteFile)."),
    ("chat-template-injection", Severity::High, "A chat template contains a server-side template injection pattern that reaches Python internals from Jinja."),
    ("unscannable", Severity::High, "A file (or member) that may hold code could not be analysed, so it cannot be called clean."),
];

/// The default severity of `code` (High when the code is unknown, which a test rules out).
pub fn default_severity(code: &str) -> Severity {
    CODES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, s, _)| *s)
        .unwrap_or(Severity::High)
}

/// Builds findings for one file.
#[derive(Debug, Clone)]
pub(crate) struct Sink {
    path: String,
    sha256: String,
    member: Option<String>,
    pub(crate) out: Vec<SecurityFinding>,
}

/// At most this many findings are kept per file.
pub(crate) const MAX_FINDINGS: usize = 500;

impl Sink {
    pub(crate) fn new(path: &str) -> Self {
        Self::with_sha256(path, "")
    }

    pub(crate) fn with_sha256(path: &str, sha256: &str) -> Self {
        Sink {
            path: path.to_string(),
            sha256: sha256.to_string(),
            member: None,
            out: Vec::new(),
        }
    }

    /// Findings from now on are about `member` (None: the file itself).
    pub(crate) fn set_member(&mut self, member: Option<String>) {
        self.member = member;
    }

    /// The member findings are about now.
    pub(crate) fn member(&self) -> Option<&str> {
        self.member.as_deref()
    }

    /// A sink for the inside of a nested container: same file, no member yet.
    pub(crate) fn child(&self) -> Sink {
        Sink {
            path: self.path.clone(),
            sha256: self.sha256.clone(),
            member: None,
            out: Vec::new(),
        }
    }

    /// Take the findings of a nested container's `child` sink, naming their members inside the current
    /// member: `outer > inner` (the current member alone when the finding was about the container itself).
    pub(crate) fn absorb(&mut self, child: Sink) {
        for mut f in child.out {
            if self.out.len() >= MAX_FINDINGS {
                return;
            }
            f.member = match (&self.member, f.member.take()) {
                (Some(outer), Some(inner)) => Some(format!("{outer} > {inner}")),
                (outer, inner) => inner.or_else(|| outer.clone()),
            };
            self.out.push(f);
        }
    }

    /// Add a finding at the code's default severity.
    pub(crate) fn add(
        &mut self,
        code: &'static str,
        offset: Option<u64>,
        evidence: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.add_with(code, default_severity(code), offset, evidence, message);
    }

    pub(crate) fn add_with(
        &mut self,
        code: &'static str,
        severity: Severity,
        offset: Option<u64>,
        evidence: impl Into<String>,
        message: impl Into<String>,
    ) {
        if self.out.len() >= MAX_FINDINGS {
            return;
        }
        self.out.push(SecurityFinding {
            code,
            severity,
            path: self.path.clone(),
            member: self.member.clone(),
            offset,
            evidence: evidence.into(),
            message: message.into(),
            sha256: self.sha256.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_table_is_unique_kebab_case_and_described() {
        let mut seen = std::collections::BTreeSet::new();
        for (code, _, desc) in CODES {
            assert!(seen.insert(*code), "duplicate {code}");
            assert!(
                code.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{code}"
            );
            assert!(desc.ends_with('.'), "{code}");
        }
    }

    #[test]
    fn every_code_literal_in_the_sources_is_in_the_table_and_documented() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let doc = std::fs::read_to_string(dir.join("docs/security-findings.md")).unwrap();
        let mut used = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(dir.join("src/security")).unwrap() {
            let p = entry.unwrap().path();
            let all = std::fs::read_to_string(&p).unwrap();
            let mut src = all.split("#[cfg(test)]").next().unwrap().to_string();
            if let Some(a) = src.find("pub const CODES") {
                let b = a + src[a..].find("\n];").unwrap();
                src.replace_range(a..b, "");
            }
            for lit in src.split('"').skip(1).step_by(2) {
                let prefixed = [
                    "pickle-",
                    "torchscript-",
                    "zip-",
                    "archive-",
                    "compressed-",
                    "numpy-",
                    "keras-",
                    "tf-",
                    "chat-template-",
                    "unscannable",
                ]
                .iter()
                .any(|p| lit.starts_with(p));
                if prefixed && !lit.contains(' ') && !lit.contains('.') && !lit.ends_with('-') {
                    used.insert(lit.to_string());
                }
            }
        }
        let table: std::collections::BTreeSet<&str> = CODES.iter().map(|c| c.0).collect();
        for u in &used {
            assert!(table.contains(u.as_str()), "{u} emitted but not in CODES");
        }
        for c in &table {
            assert!(used.contains(*c), "{c} in CODES but never emitted");
            assert!(
                doc.contains(&format!("`{c}`")),
                "{c} not documented in docs/security-findings.md"
            );
        }
    }
}
