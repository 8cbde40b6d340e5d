//! The pickle walker and the plausibility probe on arbitrary bytes.
#![no_main]
use aibom::security::pickle::{looks_like_pickle, walk_bytes, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let r = walk_bytes(data, Limits::default());
    assert!(r.end <= data.len() as u64);
    let _ = looks_like_pickle(data, true);
    let _ = looks_like_pickle(data, false);
});
