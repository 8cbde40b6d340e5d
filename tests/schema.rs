//! The JSON Schema in schemas/ documents the inventory users parse; it must be exactly what the code's
//! types generate. Regenerate with `AIBOM_UPDATE_SCHEMAS=1 cargo test --test schema`.

use std::path::Path;

#[test]
fn committed_inventory_schema_matches_the_types() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/inventory.schema.json");
    let generated = aibom::inventory::json_schema();
    if std::env::var_os("AIBOM_UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "schemas/inventory.schema.json is out of date; run AIBOM_UPDATE_SCHEMAS=1 cargo test --test schema"
    );
}

#[test]
fn every_finding_code_is_documented() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/findings.md"))
            .unwrap();
    let codes = aibom::analyze::CODES
        .iter()
        .map(|(c, ..)| *c)
        .chain(aibom::formats::DEFECT_CODES.iter().map(|(c, _)| *c));
    for code in codes {
        assert!(
            doc.contains(&format!("`{code}`")),
            "docs/findings.md does not document {code}"
        );
    }
}

#[test]
fn every_security_code_is_documented() {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/security-findings.md"),
    )
    .unwrap();
    for (code, ..) in aibom::security::CODES {
        assert!(
            doc.contains(&format!("`{code}`")),
            "docs/security-findings.md does not document {code}"
        );
    }
}
