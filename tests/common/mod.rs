//! Helpers shared by the integration tests.

use std::path::Path;

use serde_json::Value;

/// Write a BOM built by a test to `$AIBOM_BOM_DUMP/<name>.json` (when set), so the interop suite
/// validates it with the official CycloneDX validator.
pub fn dump(name: &str, v: &Value) {
    if let Some(dir) = std::env::var_os("AIBOM_BOM_DUMP") {
        let dir = Path::new(&dir);
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(format!("{name}.json")), aibom::bom::render(v)).unwrap();
    }
}
