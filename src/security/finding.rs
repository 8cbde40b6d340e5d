//! The security analyses' finding builder: a `Sink` collects the findings of one file (and of the
//! members nested in it), at most `MAX_FINDINGS` of them. The finding type, the severities and the code
//! registry are [`crate::finding`]'s.

use crate::finding::{default_severity, Finding, Severity};

/// A security finding is a [`Finding`] with a path, and a SHA-256 when the analysis was given one.
pub type SecurityFinding = Finding;

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
        self.out.push(Finding {
            code,
            severity,
            path: Some(self.path.clone()),
            member: self.member.clone(),
            offset,
            evidence: evidence.into(),
            message: message.into(),
            sha256: self.sha256.clone(),
        });
    }
}
