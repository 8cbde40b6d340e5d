//! Croissant (JSON-LD) dataset manifests.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = aibom::dataset::parse_croissant(data);
});
