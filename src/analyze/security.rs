//! The per-file security hook: every inventory file goes through [`crate::security::analyze_file`]
//! (pickles, archives, NumPy, Keras, TensorFlow, chat templates — judged by content, bounded), and what
//! it reports becomes model findings on that file. The analyses themselves live in `security/`.

use crate::facts::Finding;
use crate::inventory::FileRecord;
use crate::security;

use super::Builder;

/// Look for code execution hidden in the file (pickles, archives, templates...): by content, bounded.
pub(super) fn scan_file(b: &mut Builder, f: &FileRecord) {
    let path = b.files.path(&f.path);
    for s in security::analyze_file(&path, &f.path, f.format, f.size, &f.sha256) {
        b.facts.findings.push(Finding {
            code: s.code.to_string(),
            severity: s.severity,
            path: Some(s.path),
            message: s.message,
            offset: s.offset,
            member: s.member,
            evidence: Some(s.evidence).filter(|e| !e.is_empty()),
        });
    }
}
