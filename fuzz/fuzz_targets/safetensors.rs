//! The safetensors header parser (the bytes after the 8-byte length prefix), file size = input length.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = aibom::formats::safetensors::parse_header(data, data.len() as u64 + 8);
});
