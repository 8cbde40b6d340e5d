//! Zip container analysis (strict directory reader, member probing, bounded decompression, pickle,
//! npy and Keras checks of members) over an in-memory archive, with small caps.
#![no_main]
use aibom::formats::Format;
use aibom::security::{archive, spool::Caps};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let caps = Caps {
        per_stream: 8 << 20,
        total: 32 << 20,
        max_members: 1000,
        spill: 8 << 20,
        ..Caps::default()
    };
    for format in [Format::PytorchZip, Format::Keras] {
        let _ = archive::analyze_zip_reader(
            &mut std::io::Cursor::new(data),
            data.len() as u64,
            format,
            "fuzz.zip",
            &caps,
        );
    }
});
