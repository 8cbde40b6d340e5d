//! How open a licence is, for the openness frameworks: OSI-approved (the bar for code under the OSAID),
//! FSF free but not OSI-approved, an open-data licence (Creative Commons attribution and share-alike,
//! CC0, CDLA, ODC, the open government licences: open for data, documents and parameters), use-restricted
//! (acceptable-use policies, field-of-use limits, user caps, non-commercial terms: fails "any purpose"),
//! known and not open, or unknown. An expression is as open as its best `OR` choice and its weakest
//! `AND` part. SPDX facts (OSI, FSF flags) come from the `spdx` crate; model licences (Llama, Gemma,
//! OpenRAIL, ...) from aibom's licence catalogue.

use serde::Serialize;

use crate::license::{self, License};

/// How open a licence or expression is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "class", content = "why", rename_all = "kebab-case")]
pub enum Openness {
    /// Approved by the Open Source Initiative.
    OsiApproved,
    /// Free/libre according to the FSF, not OSI-approved.
    FsfFree,
    /// An open-data or open-content licence (not a software licence).
    OpenData,
    /// Restricts who may use it or for what (the phrases say how).
    Restricted(String),
    /// A known licence that is not open.
    NotOpen,
    /// A licence aibom does not know the terms of.
    Unknown,
}

impl Openness {
    /// Open in the Model Openness Framework's sense (OSI, FSF or open data).
    pub fn is_open(&self) -> bool {
        matches!(
            self,
            Openness::OsiApproved | Openness::FsfFree | Openness::OpenData
        )
    }
}

/// Open-data and open-content licences (SPDX ids; compared case-insensitively).
const OPEN_DATA: &[&str] = &[
    "CC0-1.0",
    "CC-BY-1.0",
    "CC-BY-2.0",
    "CC-BY-2.5",
    "CC-BY-3.0",
    "CC-BY-4.0",
    "CC-BY-SA-1.0",
    "CC-BY-SA-2.0",
    "CC-BY-SA-2.5",
    "CC-BY-SA-3.0",
    "CC-BY-SA-4.0",
    "CDLA-Permissive-1.0",
    "CDLA-Permissive-2.0",
    "CDLA-Sharing-1.0",
    "PDDL-1.0",
    "ODC-By-1.0",
    "ODbL-1.0",
    "GFDL-1.3-only",
    "GFDL-1.3-or-later",
    "GFDL-1.3",
    "OGL-Canada-2.0",
    "OGL-UK-2.0",
    "OGL-UK-3.0",
    "CC-PDDC",
    "C-UDA-1.0",
];

fn one(l: &License) -> Openness {
    let upper = l.id.to_ascii_uppercase();
    if l.use_restricted {
        return Openness::Restricted(if l.restrictions.is_empty() {
            "use restrictions".to_string()
        } else {
            l.restrictions.join("; ")
        });
    }
    if upper.contains("-NC-") || upper.ends_with("-NC") {
        return Openness::Restricted("non-commercial".to_string());
    }
    if l.osi_approved {
        return Openness::OsiApproved;
    }
    if OPEN_DATA.iter().any(|o| o.eq_ignore_ascii_case(&l.id)) {
        return Openness::OpenData;
    }
    if l.spdx {
        return match spdx::license_id(&l.id) {
            Some(id) if id.is_fsf_free_libre() => Openness::FsfFree,
            _ => Openness::NotOpen,
        };
    }
    Openness::Unknown
}

/// How open `expr` (an SPDX expression, `LicenseRef-` id, or a Hub licence id) is.
pub fn openness(expr: &str) -> Openness {
    let r = license::resolve_expression(expr);
    let r = if r.expression.is_some() {
        r
    } else {
        license::resolve_hub_id(expr)
    };
    let Some(canon) = r.expression.as_deref() else {
        return Openness::Unknown;
    };
    let class_of = |key: &str| -> Openness {
        r.licenses
            .iter()
            .find(|l| l.id.eq_ignore_ascii_case(key.trim_end_matches('+')))
            .map_or(Openness::Unknown, one)
    };
    let Ok(e) = spdx::Expression::parse_mode(canon, spdx::ParseMode::LAX) else {
        return r.licenses.first().map_or(Openness::Unknown, one);
    };
    let key = |req: &spdx::LicenseReq| req.license.to_string();
    if e.evaluate(|req| class_of(&key(req)) == Openness::OsiApproved) {
        return Openness::OsiApproved;
    }
    if e.evaluate(|req| {
        matches!(
            class_of(&key(req)),
            Openness::OsiApproved | Openness::FsfFree
        )
    }) {
        return Openness::FsfFree;
    }
    if e.evaluate(|req| class_of(&key(req)).is_open()) {
        return Openness::OpenData;
    }
    let classes: Vec<Openness> = e.requirements().map(|r| class_of(&key(&r.req))).collect();
    if let Some(Openness::Restricted(w)) = classes
        .iter()
        .find(|c| matches!(c, Openness::Restricted(_)))
    {
        return Openness::Restricted(w.clone());
    }
    if classes.contains(&Openness::Unknown) {
        Openness::Unknown
    } else {
        Openness::NotOpen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn licences_by_openness() {
        assert_eq!(openness("Apache-2.0"), Openness::OsiApproved);
        assert_eq!(openness("apache-2.0"), Openness::OsiApproved);
        assert_eq!(openness("mit"), Openness::OsiApproved);
        assert_eq!(openness("CC-BY-4.0"), Openness::OpenData);
        assert_eq!(openness("cc-by-sa-4.0"), Openness::OpenData);
        assert_eq!(openness("CC0-1.0"), Openness::OpenData);
        assert!(
            matches!(openness("cc-by-nc-4.0"), Openness::Restricted(w) if w.contains("non-commercial"))
        );
        assert!(matches!(openness("llama3.1"), Openness::Restricted(_)));
        assert!(matches!(
            openness("LicenseRef-aibom-llama3.1"),
            Openness::Restricted(_)
        ));
        assert!(matches!(openness("openrail"), Openness::Restricted(_)));
        assert_eq!(openness("LicenseRef-acme-proprietary"), Openness::Unknown);
        // OR takes the best choice, AND the weakest part.
        assert_eq!(
            openness("MIT OR LicenseRef-aibom-llama3.1"),
            Openness::OsiApproved
        );
        assert!(matches!(
            openness("MIT AND LicenseRef-aibom-llama3.1"),
            Openness::Restricted(_)
        ));
        assert_eq!(openness("MIT AND CC-BY-4.0"), Openness::OpenData);
    }
}
