//! TensorFlow SavedModel graphs (`saved_model.pb`): ops that call back into Python or touch the file
//! system. The protobuf is not decoded: an op name appears in a NodeDef (`op`, field 2) or in the
//! stripped OpDef list (`name`, field 1) as a length-prefixed string, so the search looks for exactly
//! that tag, length and name, which a mention in a doc string does not match.

use std::io::Read;

use super::finding::Sink;
use crate::finding::Severity;

/// Bytes of a `saved_model.pb` searched.
pub const PB_SCAN: u64 = 512 << 20;

/// Risky ops and the severity of each.
const RISKY_OPS: &[(&str, Severity, &str)] = &[
    ("PyFunc", Severity::High, "calls a Python function"),
    ("PyFuncStateless", Severity::High, "calls a Python function"),
    ("EagerPyFunc", Severity::High, "calls a Python function"),
    (
        "ReadFile",
        Severity::Medium,
        "reads a file from the loading machine",
    ),
    (
        "WriteFile",
        Severity::High,
        "writes a file on the loading machine",
    ),
];

/// Search a SavedModel graph for risky ops.
pub(crate) fn analyze_saved_model(r: impl Read, sink: &mut Sink) -> std::io::Result<()> {
    let mut buf = Vec::new();
    r.take(PB_SCAN).read_to_end(&mut buf)?;
    for (op, sev, what) in RISKY_OPS {
        let mut first: Option<usize> = None;
        let mut count = 0u64;
        for tag in [0x12u8, 0x0a] {
            let mut pat = vec![tag, op.len() as u8];
            pat.extend_from_slice(op.as_bytes());
            let mut from = 0;
            while let Some(i) = super::keras::find(&buf, &pat, from) {
                count += 1;
                first = Some(first.map_or(i, |f| f.min(i)));
                from = i + 1;
            }
        }
        if let Some(off) = first {
            sink.add_with(
                "tf-risky-op",
                *sev,
                Some(off as u64 + 2),
                format!("op {op}"),
                format!("the SavedModel graph uses {op} ({count} references), which {what}"),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ops_found_by_tagged_name_only() {
        let mut g = b"\x0a\x05graph".to_vec();
        g.extend_from_slice(b"\x12\x0bEagerPyFunc\x1a\x01x");
        g.extend_from_slice(b"doc mentions PyFunc and ReadFile in prose");
        g.extend_from_slice(b"\x0a\x09WriteFile");
        let mut s = Sink::new("saved_model.pb");
        analyze_saved_model(&g[..], &mut s).unwrap();
        let ev: Vec<_> = s.out.iter().map(|f| f.evidence.as_str()).collect();
        assert_eq!(ev, ["op EagerPyFunc", "op WriteFile"]);
        assert_eq!(s.out[0].offset, Some(9));
    }
}
