//! The Model Openness Tool's classification of a release, re-implemented: each component's licence
//! and status, each class's component lists and progress percentage, and the class reached. The rules
//! are documented on [`classify`].

use std::collections::BTreeMap;

use serde::Serialize;

use super::document::{GlobalLicences, Release, ReleaseComponent, UNLICENSED};
use super::licence;
use super::{
    Component, ContentType, MofClass, COMPONENTS, RESEARCH_PAPER, TECHNICAL_REPORT, UNCLASSIFIED,
};

/// Where a component's licence came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LicenceSource {
    /// The component's own `license`.
    Component,
    /// `release.license.<type>` for the component's content type.
    ContentType,
    /// `release.license.distribution`.
    Distribution,
}

/// What a component contributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ComponentStatus {
    /// Listed with an open licence: it counts.
    Open,
    /// Listed with a licence that is not open.
    Invalid,
    /// Listed without a licence.
    Unlicensed,
    /// Required and not listed.
    Missing,
    /// Optional and not listed (no effect).
    NotListed,
    /// The technical report, not listed, with the research paper listed in its place.
    Replaced,
}

/// One component's evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentResult {
    pub id: u8,
    pub name: &'static str,
    pub content_type: ContentType,
    pub class: MofClass,
    pub required: bool,
    /// Whether the release lists it.
    pub listed: bool,
    /// The licence after resolution; `None` = no licence (or not listed).
    pub license: Option<String>,
    /// Where the licence (or the explicit absence of one) came from.
    pub license_source: Option<LicenceSource>,
    /// The licence path the tool shows with it: the component's `license_path`, else the release's
    /// path for its type, else the distribution path, whichever is set first — as the tool does,
    /// not necessarily from the level the licence came from. Empty counts as none.
    pub license_path: Option<String>,
    pub component_path: Option<String>,
    pub open: bool,
    pub type_appropriate: bool,
    pub status: ComponentStatus,
    /// Warnings and explanations about this component.
    pub notes: Vec<String>,
}

/// One class's evaluation: the tool's component lists (cumulative, by component id) and progress.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassResult {
    pub class: MofClass,
    /// 0–100, exactly as the tool computes it (a float, e.g. 33.33333333333333).
    pub progress: f64,
    /// Progress is exactly 100.
    pub met: bool,
    /// Required components that count (with the research paper when it stands in for the report).
    pub included: Vec<u8>,
    /// Optional components listed with an open licence.
    pub optional: Vec<u8>,
    /// Listed components (required or optional) whose licence is not open.
    pub invalid: Vec<u8>,
    /// Listed components (required or optional) without a licence.
    pub unlicensed: Vec<u8>,
    /// Required components not listed.
    pub missing: Vec<u8>,
    /// Why the class is not met (empty when it is).
    pub reasons: Vec<String>,
}

impl ClassResult {
    /// The tool's badge text: `Qualified`, `Not met` or `In progress (N%)` (N rounded half away from
    /// zero).
    pub fn badge(&self) -> String {
        if self.progress == 100.0 {
            "Qualified".to_owned()
        } else if self.progress == 0.0 {
            "Not met".to_owned()
        } else {
            format!("In progress ({}%)", self.progress.round())
        }
    }
}

/// The evaluation of a release.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    /// The most open class met; `None` = unclassified.
    pub class: Option<MofClass>,
    /// The tool's label (`Class III - Open Model`, …, `Unclassified`).
    pub label: &'static str,
    /// Mean of the three progress values, as the tool computes it.
    pub total_progress: f64,
    /// Classes III, II, I in that order.
    pub classes: Vec<ClassResult>,
    /// Every component, in [`COMPONENTS`] order.
    pub components: Vec<ComponentResult>,
    /// Components with an open licence that is not type-appropriate, in the tool's order.
    pub not_type_appropriate: Vec<u8>,
    /// Everything a submitter should look at, each naming its component.
    pub warnings: Vec<String>,
}

impl Classification {
    /// The result for `class`.
    pub fn class_result(&self, class: MofClass) -> &ClassResult {
        let i = MofClass::ALL.iter().position(|&c| c == class).unwrap_or(0);
        &self.classes[i]
    }

    /// Progress of `class` (0–100).
    pub fn progress(&self, class: MofClass) -> f64 {
        self.class_result(class).progress
    }

    /// The result for component `id`.
    pub fn component(&self, id: u8) -> Option<&ComponentResult> {
        self.components.iter().find(|c| c.id == id)
    }
}

/// PHP's `empty()` on a string: "" and "0" are empty.
fn php_empty(s: &str) -> bool {
    s.is_empty() || s == "0"
}

/// Licence resolution (rule 2). Returns the licence (`None` = no licence) and where it came from.
fn resolve(
    entry: Option<&ReleaseComponent>,
    ty: ContentType,
    globals: &GlobalLicences,
) -> (Option<String>, Option<LicenceSource>) {
    if let Some(own) = entry.and_then(|e| e.license.as_deref()) {
        if own == UNLICENSED || php_empty(own) {
            return (None, Some(LicenceSource::Component));
        }
        return (Some(own.to_owned()), Some(LicenceSource::Component));
    }
    let global = |g: Option<&super::GlobalLicence>| {
        g.and_then(|g| g.name.as_deref())
            .filter(|n| !php_empty(n))
            .map(str::to_owned)
    };
    if let Some(name) = global(globals.for_type(ty)) {
        return (Some(name), Some(LicenceSource::ContentType));
    }
    if let Some(name) = global(globals.distribution.as_ref()) {
        return (Some(name), Some(LicenceSource::Distribution));
    }
    (None, None)
}

/// The path the tool shows next to a component's licence.
fn licence_path(
    entry: Option<&ReleaseComponent>,
    ty: ContentType,
    g: &GlobalLicences,
) -> Option<String> {
    entry
        .and_then(|e| e.license_path.clone())
        .or_else(|| g.for_type(ty).and_then(|l| l.path.clone()))
        .or_else(|| g.distribution.as_ref().and_then(|l| l.path.clone()))
        .filter(|p| !p.is_empty())
}

/// The tool's per-class lists.
#[derive(Default)]
struct Lists {
    included: Vec<u8>,
    optional: Vec<u8>,
    invalid: Vec<u8>,
    unlicensed: Vec<u8>,
    missing: Vec<u8>,
}

impl Lists {
    /// The status a component has in these lists (`missing` and `optional` are not statuses here).
    fn status(&self, id: u8) -> Option<ComponentStatus> {
        if self.included.contains(&id) {
            Some(ComponentStatus::Open)
        } else if self.invalid.contains(&id) {
            Some(ComponentStatus::Invalid)
        } else if self.unlicensed.contains(&id) {
            Some(ComponentStatus::Unlicensed)
        } else {
            None
        }
    }

    fn push(&mut self, id: u8, status: ComponentStatus, required: bool) {
        match status {
            ComponentStatus::Open if required => self.included.push(id),
            ComponentStatus::Open => self.optional.push(id),
            ComponentStatus::Invalid => self.invalid.push(id),
            ComponentStatus::Unlicensed => self.unlicensed.push(id),
            ComponentStatus::Missing if required => self.missing.push(id),
            _ => {}
        }
    }
}

fn index(class: MofClass) -> usize {
    match class {
        MofClass::III => 0,
        MofClass::II => 1,
        MofClass::I => 2,
    }
}

/// Classify `release` as the Model Openness Tool does.
///
/// The rules, as the tool applies them (`ModelEvaluator`, `ModelUpdater`):
/// 1. A component is included when the release lists it (by exact name; listed twice, the last
///    entry counts).
/// 2. Its licence is its own `license` when the key is there — `unlicensed` or an empty value then
///    means "no licence", with no fallback — else the release's licence for its content type, else
///    the distribution licence, else none. (Empty and PHP's falsy `"0"` count as not set.)
/// 3. Status: open licence ([`super::licence::is_open`]) → counts; no licence → unlicensed; any
///    other licence → invalid. An open licence that is not type-appropriate still counts, with a
///    warning.
/// 4. For each class, cumulatively (II includes III's components, I includes both): required
///    components go to `included`, `invalid`, `unlicensed` or `missing`; optional listed ones to
///    `optional`, `invalid` or `unlicensed` (they never change a percentage).
/// 5. Technical report omission: when the technical report is not counted in Class III and the
///    research paper is listed (any status), the report leaves every `missing` list and the paper is
///    added to Classes III and II with its status — so an open paper stands in for the report.
/// 6. Progress of class k: walking from III down to k, the required counts add up (6, 4, 4 → 6, 10,
///    14); if a class above k has fewer included components than the running total, k's progress is
///    0. Otherwise it is included(k) / total × 100, capped at 100, where for Class I the total is one
///    less when the paper is counted and the report is not.
/// 7. A class is met at exactly 100; the release's class is the most open class met, else none.
///
/// Things the tool does not do and neither does this: there is no special case for a data card
/// whose content sits in the model card, nor for evaluation results inside a card or paper — such a
/// release lists the component (pointing `component_path` at the file that holds it).
///
/// Where this differs from the tool: a name that is not one of the 17 is ignored with a warning (the
/// tool files it under whichever component comes first in its list; [`super::read_yaml`] refuses
/// such a file), and the licence tables differ as described in [`super::licence`].
pub fn classify(release: &Release) -> Classification {
    // Rule 1: the last entry of a name counts.
    let mut entries: BTreeMap<u8, &ReleaseComponent> = BTreeMap::new();
    let mut times: BTreeMap<u8, usize> = BTreeMap::new();
    let mut unknown = Vec::new();
    for e in &release.components {
        match super::component_by_name(&e.name) {
            Some(c) => {
                entries.insert(c.id, e);
                *times.entry(c.id).or_default() += 1;
            }
            None => unknown.push(format!(
                "{:?} is not a MOF component name; the entry is ignored",
                e.name
            )),
        }
    }

    // Rules 2 and 3, per component.
    let mut components: Vec<ComponentResult> = COMPONENTS
        .iter()
        .map(|c| evaluate_component(c, entries.get(&c.id).copied(), &release.license))
        .collect();
    // Rule 4: the cumulative lists, and the tool's order of not-type-appropriate components.
    let mut lists: [Lists; 3] = Default::default();
    let mut not_type_appropriate: Vec<u8> = Vec::new();
    for class in MofClass::ALL {
        let l = &mut lists[index(class)];
        for required in [true, false] {
            for c in COMPONENTS
                .iter()
                .filter(|c| c.required == required && class.cumulative().contains(&c.class))
            {
                let r = components.iter().find(|r| r.id == c.id).expect("table");
                l.push(c.id, r.status, required);
                if r.status == ComponentStatus::Open
                    && !r.type_appropriate
                    && !not_type_appropriate.contains(&c.id)
                {
                    not_type_appropriate.push(c.id);
                }
            }
        }
    }

    // Rule 5: a listed research paper stands in for a technical report that does not count.
    if !lists[index(MofClass::III)]
        .included
        .contains(&TECHNICAL_REPORT)
    {
        if let Some(paper) = lists[index(MofClass::I)].status(RESEARCH_PAPER) {
            for l in lists.iter_mut() {
                l.missing.retain(|&id| id != TECHNICAL_REPORT);
            }
            for class in [MofClass::II, MofClass::III] {
                lists[index(class)].push(RESEARCH_PAPER, paper, true);
            }
            note_replacement(&mut components, paper);
        }
    }

    // Rules 6 and 7.
    let progress: Vec<f64> = MofClass::ALL.iter().map(|&k| progress(&lists, k)).collect();
    let mut class = None;
    for k in MofClass::ALL {
        if progress[index(k)] == 100.0 {
            class = Some(k);
        }
    }
    let total_progress = progress.iter().fold(0.0, |t, p| t + p) / 3.0;

    let classes = MofClass::ALL
        .iter()
        .zip(lists)
        .map(|(&k, l)| {
            let p = progress[index(k)];
            let reasons = if p == 100.0 {
                Vec::new()
            } else {
                reasons(k, &progress, &l, &components)
            };
            ClassResult {
                class: k,
                progress: p,
                met: p == 100.0,
                included: l.included,
                optional: l.optional,
                invalid: l.invalid,
                unlicensed: l.unlicensed,
                missing: l.missing,
                reasons,
            }
        })
        .collect();

    // Warnings: listed twice, open but not type-appropriate, licence values worth a second look.
    let mut warnings = unknown;
    for (&id, &n) in &times {
        if n > 1 {
            let r = components.iter_mut().find(|r| r.id == id).expect("table");
            let msg = format!("listed {n} times; the last entry counts");
            warnings.push(format!("{}: {msg}", r.name));
            r.notes.insert(0, msg);
        }
    }
    for &id in &not_type_appropriate {
        let r = components.iter().find(|r| r.id == id).expect("table");
        warnings.push(format!(
            "{}: {} is open but not a type-appropriate licence for {}; the tool asks for a \
             type-appropriate open licence",
            r.name,
            r.license.as_deref().unwrap_or_default(),
            r.content_type.as_str()
        ));
    }
    for r in &components {
        if r.status == ComponentStatus::Invalid {
            if let Some(h) = r.license.as_deref().and_then(licence::hint) {
                warnings.push(format!("{}: {h}", r.name));
            }
        }
    }

    Classification {
        class,
        label: class.map(MofClass::label).unwrap_or(UNCLASSIFIED),
        total_progress,
        classes,
        components,
        not_type_appropriate,
        warnings,
    }
}

/// Rules 2 and 3 for one component.
fn evaluate_component(
    c: &'static Component,
    entry: Option<&ReleaseComponent>,
    globals: &GlobalLicences,
) -> ComponentResult {
    let listed = entry.is_some();
    let (mut license, mut license_source) = if listed {
        resolve(entry, c.content_type, globals)
    } else {
        (None, None)
    };
    // A release-wide licence literally named `unlicensed` is no licence too.
    if license.as_deref() == Some(UNLICENSED) {
        license = None;
    }
    if !listed {
        license_source = None;
    }
    let open = license.as_deref().is_some_and(licence::is_open);
    let type_appropriate = license
        .as_deref()
        .is_some_and(|l| licence::is_type_appropriate(l, c.content_type));
    let status = match (listed, open, &license) {
        (false, _, _) if c.required => ComponentStatus::Missing,
        (false, _, _) => ComponentStatus::NotListed,
        (true, true, _) => ComponentStatus::Open,
        (true, false, None) => ComponentStatus::Unlicensed,
        (true, false, Some(_)) => ComponentStatus::Invalid,
    };
    let mut notes = Vec::new();
    match status {
        ComponentStatus::Open if !type_appropriate => notes.push(format!(
            "{} is open but not a type-appropriate licence for {}",
            license.as_deref().unwrap_or_default(),
            c.content_type.as_str()
        )),
        ComponentStatus::Invalid => {
            let l = license.as_deref().unwrap_or_default();
            notes.push(format!("{l:?} is not an open licence for the tool"));
            notes.extend(licence::hint(l));
        }
        ComponentStatus::Unlicensed => notes.push(match license_source {
            Some(LicenceSource::Component) => {
                "listed as unlicensed (no fallback to the release's licences)".to_owned()
            }
            _ => "listed, but neither it nor the release has a licence for it".to_owned(),
        }),
        _ => {}
    }
    ComponentResult {
        id: c.id,
        name: c.name,
        content_type: c.content_type,
        class: c.class,
        required: c.required,
        listed,
        license,
        license_source,
        license_path: if listed {
            licence_path(entry, c.content_type, globals)
        } else {
            None
        },
        component_path: entry.and_then(|e| e.component_path.clone()),
        open,
        type_appropriate,
        status,
        notes,
    }
}

/// Rule 5's effect on the two components' results.
fn note_replacement(components: &mut [ComponentResult], paper: ComponentStatus) {
    let counts = paper == ComponentStatus::Open;
    for r in components.iter_mut() {
        if r.id == TECHNICAL_REPORT {
            if r.status == ComponentStatus::Missing {
                r.status = ComponentStatus::Replaced;
                r.notes.push(if counts {
                    "not listed; the research paper stands in for it".to_owned()
                } else {
                    "not listed; the research paper takes its place, but its licence does not count"
                        .to_owned()
                });
            } else {
                r.notes
                    .push("does not count; the research paper takes its place".to_owned());
            }
        } else if r.id == RESEARCH_PAPER {
            r.notes
                .push("takes the technical report's place in Classes III and II".to_owned());
        }
    }
}

/// Rule 6: the tool's progress of class `k`.
fn progress(lists: &[Lists; 3], k: MofClass) -> f64 {
    let mut total = 0usize;
    let mut included = 0usize;
    for &i in MofClass::ALL.iter().take(index(k) + 1) {
        total += super::required(i).count();
        included = lists[index(i)].included.len();
        if included < total {
            if i != k {
                return 0.0;
            }
            break;
        }
    }
    let l1 = &lists[index(MofClass::I)];
    if k == MofClass::I
        && l1.status(TECHNICAL_REPORT) != Some(ComponentStatus::Open)
        && l1.status(RESEARCH_PAPER) == Some(ComponentStatus::Open)
    {
        total -= 1;
    }
    let p = (included as f64 / total as f64) * 100.0;
    p.min(100.0)
}

/// Why class `k` (not met) is not met.
fn reasons(k: MofClass, progress: &[f64], l: &Lists, comps: &[ComponentResult]) -> Vec<String> {
    if let Some(&above) = k
        .cumulative()
        .iter()
        .find(|&&a| a != k && progress[index(a)] != 100.0)
    {
        return vec![format!(
            "Class {} is not met, and classes are cumulative",
            roman(above)
        )];
    }
    let paper_counts = l.included.contains(&RESEARCH_PAPER);
    let mut out = Vec::new();
    for c in COMPONENTS
        .iter()
        .filter(|c| c.required && k.cumulative().contains(&c.class))
    {
        if l.included.contains(&c.id) || (c.id == TECHNICAL_REPORT && paper_counts) {
            continue;
        }
        let r = comps.iter().find(|r| r.id == c.id).expect("table");
        out.push(match r.status {
            ComponentStatus::Invalid => format!(
                "{}: licence {:?} is not open",
                c.name,
                r.license.as_deref().unwrap_or_default()
            ),
            ComponentStatus::Unlicensed => format!("{}: listed without a licence", c.name),
            ComponentStatus::Replaced => format!(
                "{}: not listed, and the research paper in its place has no open licence",
                c.name
            ),
            _ => format!("{}: missing", c.name),
        });
    }
    out
}

fn roman(k: MofClass) -> &'static str {
    match k {
        MofClass::III => "III",
        MofClass::II => "II",
        MofClass::I => "I",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openness::mof::{GlobalLicence, ReleaseComponent};

    fn entry(name: &str, license: Option<&str>) -> ReleaseComponent {
        ReleaseComponent {
            name: name.to_owned(),
            license: license.map(str::to_owned),
            ..Default::default()
        }
    }

    #[test]
    fn resolution_follows_the_tools_order_and_php_emptiness() {
        let mut g = GlobalLicences {
            distribution: Some(GlobalLicence::new("Apache-2.0", Some("D".into()))),
            document: Some(GlobalLicence::new("0", Some("T".into()))),
            ..Default::default()
        };
        let doc = ContentType::Document;
        // "0" is empty for PHP: the document licence is skipped, the distribution one used...
        assert_eq!(
            resolve(Some(&entry("Model card", None)), doc, &g),
            (Some("Apache-2.0".into()), Some(LicenceSource::Distribution))
        );
        // ...but the path shown is the first one set, the document path.
        assert_eq!(
            licence_path(Some(&entry("Model card", None)), doc, &g),
            Some("T".into())
        );
        // A component licence of "0" is no licence, without fallback.
        assert_eq!(
            resolve(Some(&entry("Model card", Some("0"))), doc, &g),
            (None, Some(LicenceSource::Component))
        );
        g.document = Some(GlobalLicence::new("CC-BY-4.0", None));
        assert_eq!(
            resolve(Some(&entry("Model card", None)), doc, &g),
            (Some("CC-BY-4.0".into()), Some(LicenceSource::ContentType))
        );
        assert_eq!(
            resolve(None, ContentType::Code, &GlobalLicences::default()),
            (None, None)
        );
    }

    #[test]
    fn unknown_names_are_ignored_with_a_warning() {
        let release = Release {
            components: vec![
                entry("Weights", Some("MIT")),
                entry("Model architecture", Some("MIT")),
            ],
            ..Default::default()
        };
        let c = classify(&release);
        assert_eq!(c.class_result(MofClass::III).included, vec![9]);
        assert_eq!(
            c.warnings,
            vec!["\"Weights\" is not a MOF component name; the entry is ignored"]
        );
        // (1 / 6) × 100, the tool's order of operations.
        assert_eq!(c.progress(MofClass::III), 16.666666666666664);
    }
}
