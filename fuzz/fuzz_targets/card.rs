//! Model card parsing: YAML front matter and Markdown sections.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = aibom::hf::card::parse_card(&String::from_utf8_lossy(data));
});
