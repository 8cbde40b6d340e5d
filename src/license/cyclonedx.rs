//! CycloneDX 1.6 `licenses` entries for a [`Resolution`].
//!
//! The rule (CycloneDX 1.6 `licenseChoice`):
//! - no expression (NOASSERTION) → nothing: [`cyclonedx_licenses`] returns an empty list and
//!   [`cyclonedx_license_choice`] returns `null`;
//! - a single SPDX id without `+`/`WITH` that is in [`CDX16_IDS`] → `{"license": {"id": ...}}`;
//! - a single `LicenseRef-` → `{"license": {"name": <licence name>, "url": <official URL, if known>}}`,
//!   because CycloneDX's `license.id` only admits ids from its own SPDX enum;
//! - anything else — a compound expression, `+`, `WITH`, or an SPDX id we have not confirmed to be in
//!   CycloneDX 1.6's enum (the `spdx` crate carries list 3.29, CycloneDX 1.6 ships 3.23/3.24) →
//!   `{"expression": ...}`, which accepts every valid SPDX expression. An expression entry must be the
//!   only entry of its `licenses` array.
//!
//! Every entry carries `acknowledgement` (`declared` for what a source states, `concluded` for our
//! analysis), a CycloneDX 1.6 field.

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::Resolution;

/// CycloneDX 1.6 licence acknowledgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Acknowledgement {
    /// Stated by the model's authors (a card, a LICENSE file, metadata).
    Declared,
    /// The result of our analysis ([`super::LicenseReport::concluded`]).
    Concluded,
}

impl Acknowledgement {
    /// `declared` / `concluded`, as CycloneDX writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Acknowledgement::Declared => "declared",
            Acknowledgement::Concluded => "concluded",
        }
    }
}

/// SPDX ids written as `license.id`: the ids Hub licences map to and common code/data licences,
/// each checked by hand against CycloneDX 1.6's `spdx.schema.json` enum (SPDX list 3.23).
/// Everything else goes out as an expression.
pub const CDX16_IDS: &[&str] = &[
    "0BSD",
    "AFL-3.0",
    "AGPL-3.0-only",
    "AGPL-3.0-or-later",
    "Apache-1.1",
    "Apache-2.0",
    "Artistic-2.0",
    "BlueOak-1.0.0",
    "BSD-1-Clause",
    "BSD-2-Clause",
    "BSD-2-Clause-Patent",
    "BSD-3-Clause",
    "BSD-3-Clause-Clear",
    "BSD-4-Clause",
    "BSL-1.0",
    "C-UDA-1.0",
    "CC-BY-1.0",
    "CC-BY-2.0",
    "CC-BY-2.5",
    "CC-BY-3.0",
    "CC-BY-4.0",
    "CC-BY-NC-1.0",
    "CC-BY-NC-2.0",
    "CC-BY-NC-2.5",
    "CC-BY-NC-3.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-ND-3.0",
    "CC-BY-NC-ND-4.0",
    "CC-BY-NC-SA-2.0",
    "CC-BY-NC-SA-2.5",
    "CC-BY-NC-SA-3.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-ND-3.0",
    "CC-BY-ND-4.0",
    "CC-BY-SA-2.0",
    "CC-BY-SA-2.5",
    "CC-BY-SA-3.0",
    "CC-BY-SA-4.0",
    "CC-PDDC",
    "CC0-1.0",
    "CDDL-1.0",
    "CDLA-Permissive-1.0",
    "CDLA-Permissive-2.0",
    "CDLA-Sharing-1.0",
    "ECL-2.0",
    "EPL-1.0",
    "EPL-2.0",
    "etalab-2.0",
    "EUPL-1.1",
    "EUPL-1.2",
    "GFDL-1.1-only",
    "GFDL-1.1-or-later",
    "GFDL-1.2-only",
    "GFDL-1.2-or-later",
    "GFDL-1.3-only",
    "GFDL-1.3-or-later",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "ISC",
    "LGPL-2.0-only",
    "LGPL-2.0-or-later",
    "LGPL-2.1-only",
    "LGPL-2.1-or-later",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "LGPLLR",
    "LPPL-1.3c",
    "MIT",
    "MIT-0",
    "MPL-1.1",
    "MPL-2.0",
    "MS-PL",
    "MS-RL",
    "MulanPSL-2.0",
    "NCSA",
    "ODbL-1.0",
    "ODC-By-1.0",
    "OFL-1.1",
    "OGL-UK-3.0",
    "OSL-3.0",
    "PDDL-1.0",
    "PostgreSQL",
    "PSF-2.0",
    "Python-2.0",
    "Unicode-3.0",
    "Unlicense",
    "UPL-1.0",
    "WTFPL",
    "X11",
    "Zlib",
];

fn with_ack(mut obj: Map<String, Value>, ack: Acknowledgement) -> Map<String, Value> {
    obj.insert("acknowledgement".into(), Value::from(ack.as_str()));
    obj
}

/// One CycloneDX 1.6 `licenses` array entry for `res` (see the module comment for the rule);
/// `null` when `res` has no expression.
pub fn cyclonedx_license_choice(res: &Resolution, acknowledgement: Acknowledgement) -> Value {
    let Some(expr) = res.expression.as_deref() else {
        return Value::Null;
    };
    let single = !expr.contains(' ') && !expr.contains('(');
    if single && CDX16_IDS.contains(&expr) {
        let mut l = Map::new();
        l.insert("id".into(), Value::from(expr));
        return json!({ "license": with_ack(l, acknowledgement) });
    }
    if single && (expr.starts_with("LicenseRef-") || expr.starts_with("DocumentRef-")) {
        let known = res.licenses.iter().find(|l| l.id == expr);
        let mut l = Map::new();
        l.insert(
            "name".into(),
            Value::from(known.map_or(expr, |k| k.name.as_str())),
        );
        if let Some(url) = known.and_then(|k| k.url.as_deref()) {
            l.insert("url".into(), Value::from(url));
        }
        return json!({ "license": with_ack(l, acknowledgement) });
    }
    let mut e = Map::new();
    e.insert("expression".into(), Value::from(expr));
    Value::Object(with_ack(e, acknowledgement))
}

/// The whole CycloneDX `licenses` array for `res`: empty for NOASSERTION, else one entry.
pub fn cyclonedx_licenses(res: &Resolution, acknowledgement: Acknowledgement) -> Vec<Value> {
    match cyclonedx_license_choice(res, acknowledgement) {
        Value::Null => Vec::new(),
        v => vec![v],
    }
}
