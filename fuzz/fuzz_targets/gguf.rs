//! The GGUF header reader over an in-memory file.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = aibom::formats::gguf::parse(std::io::Cursor::new(data), data.len() as u64);
});
