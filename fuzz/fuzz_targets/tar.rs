//! Tar container analysis (our bounded tar reader: checksums, octal / base-256 sizes, pax and GNU long
//! names, legacy PyTorch tar checkpoints, members opened by content and nested containers) over an
//! in-memory archive, with small caps.
#![no_main]
use aibom::security::{container, spool::Caps};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let caps = Caps {
        per_stream: 8 << 20,
        total: 32 << 20,
        max_members: 1000,
        spill: 8 << 20,
        ..Caps::default()
    };
    let _ = container::analyze_tar_reader(
        &mut std::io::Cursor::new(data),
        data.len() as u64,
        "fuzz.tar",
        &caps,
    );
});
