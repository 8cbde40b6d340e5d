//! Which licences the Model Openness Tool counts as open, which it calls type-appropriate for code,
//! data and documents, and hints for licence values it will not recognise.
//!
//! The tool compares licence strings with its licence table by exact, case-sensitive equality: a
//! value is a single SPDX id (`Apache-2.0`), never an expression, a name (`Apache 2.0`) or a Hub id
//! (`apache-2.0`). A licence is open when its SPDX entry is OSI-approved or FSF free/libre, or it is on
//! the tool's open-data list ([`OPEN_DATA`]), or it is OpenMDW-1.0. The OSI and FSF flags come from the
//! `spdx` crate (SPDX list 3.29); the tool's table is an older SPDX list (2024-05-21), so the few ids
//! whose flags were set after it are listed in [`NOT_YET_OPEN_IN_TOOL`] and not counted, which keeps the
//! results identical to the tool's.
//!
//! Type-appropriate lists ([`CODE`], [`DATA`], [`DOCUMENT`]) only produce warnings. They are the
//! tool's declared lists (`mof-licenses.json`). One known divergence: that file lists CC0-1.0 and
//! CC-PDDC under both data and document, and the tool's importer keeps only the last content type
//! of an id, so the live tool treats them as document-only and warns about CC0-1.0 on a data
//! component; we follow the declared lists and do not.
//!
//! The facts in these tables come from github.com/lfai/model_openness_tool at commit
//! 8b5d30e90a7c62d7d6ece48b91e69ff495920a4d (`web/modules/mof/src/LicenseHandler.php`,
//! `web/modules/mof/mof-licenses.json`, `web/modules/mof/licenses.json`) and
//! ../shared/reference/openness.md; the tables are ours.

use super::ContentType;
use crate::license;

/// Licences the tool counts as open besides OSI-approved and FSF free/libre ones. These are the ids
/// the tool compares against; note `ODC-PDDL-1.0` (not an SPDX id — the SPDX id of the Open Data
/// Commons PDDL is `PDDL-1.0`, which is therefore *not* open for the tool).
pub const OPEN_DATA: &[&str] = &[
    "CC0-1.0",
    "CC-BY-1.0",
    "CC-BY-2.0",
    "CC-BY-2.5",
    "CC-BY-2.5-AU",
    "CC-BY-3.0",
    "CC-BY-3.0-AT",
    "CC-BY-3.0-AU",
    "CC-BY-3.0-DE",
    "CC-BY-3.0-IGO",
    "CC-BY-3.0-NL",
    "CC-BY-3.0-US",
    "CC-BY-4.0",
    "CC-BY-SA-1.0",
    "CC-BY-SA-2.0",
    "CC-BY-SA-2.0-UK",
    "CC-BY-SA-2.1-JP",
    "CC-BY-SA-2.5",
    "CC-BY-SA-3.0",
    "CC-BY-SA-3.0-AT",
    "CC-BY-SA-4.0",
    "CDLA-Permissive-1.0",
    "CDLA-Permissive-2.0",
    "CDLA-Sharing-1.0",
    "ODC-PDDL-1.0",
    "ODC-By-1.0",
    "ODbL-1.0",
    "GFDL-1.3",
    "OGL-Canada-2.0",
    "OGL-UK-2.0",
    "OGL-UK-3.0",
];

/// Open whatever the content type, outside SPDX flags: the OpenMDW licence.
pub const OPEN_MODEL: &[&str] = &["OpenMDW-1.0"];

/// SPDX ids the `spdx` crate flags OSI-approved or FSF free/libre whose flag the tool's older SPDX
/// list does not have (or that it does not know at all): not open for the tool.
pub const NOT_YET_OPEN_IN_TOOL: &[&str] = &[
    "ALGLIB-Documentation",
    "BSD-3-Clause-Open-MPI",
    "BSD-ask-to-endorse",
    "CDDL-1.1",
    "CNRI-Python-GPL-Compatible",
    "OSC-1.0",
    "Python-2.0.1",
    "W3C-20150513",
    "WordNet",
    "curl",
];

/// Type-appropriate licences for code.
pub const CODE: &[&str] = &[
    "0BSD",
    "AFL-1.1",
    "AFL-1.2",
    "AFL-2.0",
    "AFL-2.1",
    "AFL-3.0",
    "Apache-1.0",
    "Apache-1.1",
    "Apache-2.0",
    "ECL-1.0",
    "ECL-2.0",
    "ISC",
    "MIT",
    "MIT-0",
    "MulanPSL-1.0",
    "MulanPSL-2.0",
    "NCSA",
    "UPL-1.0",
    "OpenMDW-1.0",
];

/// Type-appropriate licences for data.
pub const DATA: &[&str] = &[
    "CDLA-Permissive-1.0",
    "CDLA-Permissive-2.0",
    "C-UDA-1.0",
    "CC-PDDC",
    "CC0-1.0",
    "PDDL-1.0",
    "OpenMDW-1.0",
];

/// Type-appropriate licences for documents.
pub const DOCUMENT: &[&str] = &[
    "Apache-2.0",
    "CC-BY-4.0",
    "CC-BY-SA-3.0",
    "CC-BY-SA-4.0",
    "FreeBSD-DOC",
    "CC-PDDC",
    "CC0-1.0",
    "OpenMDW-1.0",
];

/// The SPDX list entry with exactly this id (case-sensitive; `GPL-2.0+` is its own deprecated entry).
fn spdx_entry(id: &str) -> Option<&'static spdx::License> {
    spdx::identifiers::LICENSES
        .binary_search_by(|l| l.name.cmp(id))
        .ok()
        .map(|i| &spdx::identifiers::LICENSES[i])
}

/// Whether the tool's SPDX table flags `id` OSI-approved or FSF free/libre (exact id).
fn osi_or_fsf(id: &str) -> bool {
    let Some(l) = spdx_entry(id) else {
        return false;
    };
    let flags = spdx::flags::IS_OSI_APPROVED | spdx::flags::IS_FSF_LIBRE;
    l.flags & flags != 0 && !NOT_YET_OPEN_IN_TOOL.contains(&id)
}

/// Whether the tool counts `license` as open (exact, case-sensitive id).
pub fn is_open(license: &str) -> bool {
    osi_or_fsf(license) || OPEN_DATA.contains(&license) || OPEN_MODEL.contains(&license)
}

/// The type-appropriate list for `ty`.
pub fn appropriate_for(ty: ContentType) -> &'static [&'static str] {
    match ty {
        ContentType::Code => CODE,
        ContentType::Data => DATA,
        ContentType::Document => DOCUMENT,
    }
}

/// Whether `license` is type-appropriate for a component of type `ty` (exact id).
pub fn is_type_appropriate(license: &str, ty: ContentType) -> bool {
    appropriate_for(ty).contains(&license)
}

/// Why a licence the tool counts as not open may deserve a second look, if there is a reason: it is
/// a spelling of an open licence the tool does not match, an expression, a note that the component
/// is not included, or an id on the tool's own type lists that its open rule leaves out.
pub fn hint(license: &str) -> Option<String> {
    if is_open(license) {
        return None;
    }
    let lower = license.to_ascii_lowercase();
    if lower.contains("not included") || lower.contains("not include") {
        return Some(format!(
            "{license:?} says the component is not included, but it is listed: the tool counts it as \
             included with a licence that is not open; leave the component out instead"
        ));
    }
    if spdx_entry(license).is_some() {
        if let Some(ty) = [ContentType::Code, ContentType::Data, ContentType::Document]
            .into_iter()
            .find(|&ty| is_type_appropriate(license, ty))
        {
            let mut msg = format!(
                "{license} is on the tool's list of licences for {}, but it is neither OSI-approved, \
                 FSF free/libre nor on its open-data list, so the tool does not count it as open",
                ty.as_str()
            );
            if license == "PDDL-1.0" {
                msg.push_str(" (its open-data list names ODC-PDDL-1.0, which is not an SPDX id)");
            }
            return Some(msg);
        }
        return None;
    }
    let words: Vec<&str> = license.split_whitespace().collect();
    if words.len() > 1
        && words
            .iter()
            .any(|w| matches!(w.to_ascii_uppercase().as_str(), "AND" | "OR" | "WITH"))
    {
        return Some(format!(
            "{license:?} is an SPDX expression; the tool takes one SPDX id per licence and counts an \
             expression as not open"
        ));
    }
    let suggestion = suggest(license)?;
    Some(format!(
        "{license:?} is not an SPDX id as the tool matches them (exactly, case-sensitively), so it \
         counts as not open; {suggestion} would be open"
    ))
}

/// An open SPDX id `value` probably means (a Hub id, a licence name or an id in another case).
fn suggest(value: &str) -> Option<String> {
    let v = value.trim();
    if v.is_empty() || v.len() > 200 {
        return None;
    }
    // The value itself in another case, or written with spaces and the word "licence".
    let words: Vec<&str> = v
        .split_whitespace()
        .filter(|w| !matches!(w.to_ascii_lowercase().as_str(), "license" | "licence"))
        .collect();
    for candidate in [v.to_owned(), words.join("-")] {
        if let Some(l) = spdx::identifiers::LICENSES
            .iter()
            .find(|l| l.name.eq_ignore_ascii_case(&candidate))
        {
            return (is_open(l.name) && l.name != value).then(|| l.name.to_owned());
        }
    }
    let mut res = license::resolve_hub_id(v);
    if res.expression.is_none() {
        res = license::resolve_name_or_url(Some(v), None);
    }
    let expr = res.expression?;
    (res.licenses.len() == 1 && is_open(&expr) && expr != value).then_some(expr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_is_osi_or_fsf_or_the_tools_lists_matched_exactly() {
        for id in [
            "Apache-2.0",
            "MIT",
            "GPL-3.0-only",
            "GPL-3.0",
            "GPL-2.0+",
            "CC0-1.0",
            "CC-BY-4.0",
            "CC-BY-3.0-NL",
            "ODbL-1.0",
            "ODC-By-1.0",
            "ODC-PDDL-1.0",
            "OpenMDW-1.0",
            "Unlicense",
        ] {
            assert!(is_open(id), "{id} should be open");
        }
        for id in [
            "apache-2.0",
            "Apache 2.0",
            "Apache-2.0 OR MIT",
            "PDDL-1.0",
            "C-UDA-1.0",
            "CC-PDDC",
            "MulanPSL-1.0",
            "FreeBSD-DOC",
            "CC-BY-NC-4.0",
            "CDDL-1.1",
            "curl",
            "Llama-3.1",
            "LicenseRef-aibom-llama3.1",
            "unlicensed",
            "",
            "MIT+",
        ] {
            assert!(!is_open(id), "{id} should not be open");
        }
    }

    #[test]
    fn type_appropriate_lists() {
        assert!(is_type_appropriate("MIT", ContentType::Code));
        assert!(!is_type_appropriate("MIT", ContentType::Data));
        assert!(is_type_appropriate("Apache-2.0", ContentType::Document));
        assert!(!is_type_appropriate("CC-BY-4.0", ContentType::Data));
        assert!(is_type_appropriate("CC0-1.0", ContentType::Data));
        assert!(is_type_appropriate("CC0-1.0", ContentType::Document));
        for ty in [ContentType::Code, ContentType::Data, ContentType::Document] {
            assert!(is_type_appropriate("OpenMDW-1.0", ty));
        }
    }

    #[test]
    fn hints_explain_values_the_tool_does_not_match() {
        assert_eq!(hint("MIT"), None);
        assert_eq!(hint("CC-BY-NC-4.0"), None);
        let h = hint("apache-2.0").unwrap();
        assert!(h.contains("Apache-2.0 would be open"), "{h}");
        for (value, id) in [
            ("Apache 2.0", "Apache-2.0"),
            ("MIT license", "MIT"),
            ("Apache License 2.0", "Apache-2.0"),
            ("CC BY-SA 4.0", "CC-BY-SA-4.0"),
        ] {
            let h = hint(value).unwrap_or_default();
            assert!(h.contains(&format!("{id} would be open")), "{value}: {h}");
        }
        let h = hint("Apache-2.0 OR MIT").unwrap();
        assert!(h.contains("expression"), "{h}");
        let h = hint("PDDL-1.0").unwrap();
        assert!(h.contains("ODC-PDDL-1.0"), "{h}");
        let h = hint("Component not included").unwrap();
        assert!(h.contains("leave the component out"), "{h}");
        assert_eq!(hint("Llama 3.1 Community License"), None);
    }
}
