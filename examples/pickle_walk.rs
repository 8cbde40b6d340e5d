//! Print what aibom's pickle walker sees in each file named on the command line, as one JSON object per
//! line: `{"file", "protocol", "pickles", "opcodes", "imports": [{module, name, offset, opcode,
//! verdict, called_by}], "anomalies": [{code, offset, message}], "calls"}`. Used by the interop
//! cross-check against Python's `pickletools` (tests/interop/pickle_crosscheck.py); `cargo build
//! --examples` builds it. The main binary is not involved.

use aibom::security::pickle::{walk, Limits};

fn main() {
    let mut status = 0;
    for arg in std::env::args().skip(1) {
        let file = match std::fs::File::open(&arg) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("pickle_walk: {arg}: {e}");
                status = 1;
                continue;
            }
        };
        let report = walk(std::io::BufReader::new(file), Limits::default());
        let mut v = serde_json::to_value(&report).unwrap_or_default();
        v["file"] = serde_json::Value::String(arg.clone());
        println!("{v}");
    }
    std::process::exit(status);
}
