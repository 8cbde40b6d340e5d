//! From a pickle walk to findings: one finding per distinct dangerous or unknown import (with what called
//! it, as evidence), one per anomaly; and the stream shapes that change what is expected, such as the
//! legacy (pre-zip) PyTorch format whose stacked pickles are followed by raw tensor storages.

use std::collections::BTreeMap;

use super::finding::Sink;
use super::imports::Verdict;
use super::pickle::{Limits, PickleReport};

/// Distinct unknown imports reported per stream; the rest are counted in the last finding.
const MAX_UNKNOWN: usize = 50;

/// The magic number legacy `torch.save` pickles first (`0x1950a86a20f9469cfc6c`, as a LONG1).
const TORCH_LEGACY_MAGIC: [u8; 10] = [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

/// Whether a stream is a legacy PyTorch save: `PROTO n, LONG1 <magic>, STOP` first.
pub fn is_legacy_torch(head: &[u8]) -> bool {
    head.len() >= 15
        && head[0] == 0x80
        && (2..=5).contains(&head[1])
        && head[2] == 0x8a
        && head[3] == 10
        && head[4..14] == TORCH_LEGACY_MAGIC
        && head[14] == b'.'
}

/// Walk limits for a stream with this head: a legacy PyTorch save holds exactly five pickles (magic,
/// protocol version, system info, the object, the storage keys) and then raw storages, which must not be
/// walked as pickles (a storage's 8-byte length can start like `PROTO`).
pub fn limits_for(head: &[u8]) -> (Limits, bool) {
    if is_legacy_torch(head) {
        (
            Limits {
                max_pickles: 5,
                ..Limits::default()
            },
            true,
        )
    } else {
        (Limits::default(), false)
    }
}

/// Turn a walk into findings on `sink` (whose member is already set). `expect_trailing`: bytes after the
/// last pickle are part of the format (legacy torch storages, npy padding).
pub(crate) fn report(sink: &mut Sink, r: &PickleReport, expect_trailing: bool, what: &str) {
    // Distinct imports, in order of first appearance.
    let mut seen: BTreeMap<(&str, &str), (usize, u64)> = BTreeMap::new();
    let mut order = Vec::new();
    for (i, imp) in r.imports.iter().enumerate() {
        let e = seen
            .entry((imp.module.as_str(), imp.name.as_str()))
            .or_insert_with(|| {
                order.push(i);
                (i, 0)
            });
        e.1 += 1;
        // Prefer an occurrence that is called, for the evidence.
        if r.imports[e.0].called_by.is_none() && imp.called_by.is_some() {
            e.0 = i;
        }
    }
    let mut unknown = 0usize;
    for first in order {
        let key = (
            r.imports[first].module.as_str(),
            r.imports[first].name.as_str(),
        );
        let (best, count) = seen[&key];
        let imp = &r.imports[best];
        let first_off = r.imports[first].offset;
        let via = match imp.called_by {
            Some(c) => format!("{}.{} via {c}", imp.module, imp.name),
            None => format!("{}.{} via {}", imp.module, imp.name, imp.opcode),
        };
        let times = if count > 1 {
            format!(" ({count} times)")
        } else {
            String::new()
        };
        match imp.verdict {
            Verdict::Allowed => {}
            Verdict::Dangerous => sink.add(
                "pickle-dangerous-import",
                Some(first_off),
                via,
                format!(
                    "{what} imports {}.{}{times}, which runs code or touches the system when the file is loaded",
                    imp.module, imp.name
                ),
            ),
            Verdict::Unknown => {
                unknown += 1;
                if unknown <= MAX_UNKNOWN {
                    sink.add(
                        "pickle-unknown-import",
                        Some(first_off),
                        via,
                        format!(
                            "{what} imports {}.{}{times}, which is not on the ML allowlist; loading runs its code",
                            imp.module, imp.name
                        ),
                    );
                }
            }
        }
    }
    if unknown > MAX_UNKNOWN {
        sink.add(
            "pickle-unknown-import",
            None,
            format!("{} more", unknown - MAX_UNKNOWN),
            format!(
                "{what} imports {} more objects not on the ML allowlist (not listed)",
                unknown - MAX_UNKNOWN
            ),
        );
    }
    let mut per_code: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &r.anomalies {
        if expect_trailing && a.code == "pickle-trailing-data" {
            continue;
        }
        let n = per_code.entry(a.code).or_insert(0);
        *n += 1;
        if *n > 20 {
            continue;
        }
        let code = match a.code {
            "pickle-unresolved-global" => "pickle-unresolved-global",
            "pickle-unresolved-array" => "pickle-unresolved-array",
            "pickle-unknown-opcode" => "pickle-unknown-opcode",
            "pickle-truncated" => "pickle-truncated",
            "pickle-trailing-data" => "pickle-trailing-data",
            "pickle-limit-exceeded" => "pickle-limit-exceeded",
            _ => "pickle-bad-operand",
        };
        sink.add(
            code,
            Some(a.offset),
            a.message.clone(),
            format!("{what}: {}", a.message),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::security::pickle::walk_bytes;

    #[test]
    fn legacy_torch_magic() {
        let mut h = b"\x80\x02\x8a\x0a".to_vec();
        h.extend_from_slice(&TORCH_LEGACY_MAGIC);
        h.push(b'.');
        assert!(is_legacy_torch(&h));
        assert_eq!(limits_for(&h).0.max_pickles, 5);
        h[5] ^= 1;
        assert!(!is_legacy_torch(&h));
    }

    #[test]
    fn one_finding_per_distinct_import_with_the_calling_opcode() {
        let p = b"cposix\nsystem\n(S'id'\ntRcposix\nsystem\n(S'id'\ntR0cfoo.bar\nBaz\n0N.";
        let r = walk_bytes(p, Limits::default());
        let mut s = Sink::new("x.pkl");
        report(&mut s, &r, false, "pickle");
        let codes: Vec<_> = s
            .out
            .iter()
            .map(|f| (f.code, f.evidence.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("pickle-dangerous-import", "posix.system via REDUCE"),
                ("pickle-unknown-import", "foo.bar.Baz via GLOBAL")
            ]
        );
        assert!(s.out[0].message.contains("2 times"));
    }
}
