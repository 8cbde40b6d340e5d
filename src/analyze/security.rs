//! The per-file security hook: every inventory file goes through [`crate::security::analyze_file`]
//! (pickles, archives, NumPy, Keras, TensorFlow, chat templates — judged by content, bounded), and what
//! it reports becomes model findings on that file. The analyses themselves live in `security/`.

use crate::inventory::FileRecord;
use crate::security;

use super::Builder;

/// Look for code execution hidden in the file (pickles, archives, templates...): by content, bounded.
pub(super) fn scan_file(b: &mut Builder, f: &FileRecord) {
    let path = b.files.path(&f.path);
    let found = security::analyze_file(&path, &f.path, f.format, f.size, &f.sha256);
    b.facts.findings.extend(found);
}

#[cfg(test)]
mod tests {
    use crate::analyze::testutil::model;
    use crate::finding::Severity;

    #[test]
    fn dangerous_pickle_is_a_finding_with_its_evidence() {
        // Protocol 2: posix.system("id") via REDUCE.
        let m = model(&[(
            "weights.pkl",
            b"\x80\x02cposix\nsystem\nX\x02\x00\x00\x00id\x85R.".as_slice(),
        )]);
        let f = m.finding("pickle-dangerous-import");
        assert_eq!(
            (f.severity, f.path.as_deref()),
            (Severity::Critical, Some("weights.pkl"))
        );
        assert!(f.evidence.contains("posix.system"), "{f:?}");
        assert!(f.offset.is_some());
    }

    #[test]
    fn plain_files_have_no_security_findings() {
        let m = model(&[
            ("README.md", b"---\nlicense: mit\n---\n# m\n".as_slice()),
            ("notes.txt", b"hello\n"),
        ]);
        assert_eq!(m.codes(), Vec::<&str>::new());
    }
}
