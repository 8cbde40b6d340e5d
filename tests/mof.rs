//! The Model Openness Framework engine (`aibom::openness::mof`) on MOF YAMLs written here, one per rule
//! of the Model Openness Tool: cumulative classes, licence resolution (component, content type,
//! distribution), unlicensed and non-open licences, open but not type-appropriate licences, the
//! research paper standing in for the technical report, the absence of special cases for data cards
//! and evaluation results, the schema checks of the reader and a byte-stable writer. Every
//! classification assertion states the class and the three progress percentages (III, II, I) exactly
//! as the tool computes them (included / required-so-far × 100 as a float).

use aibom::openness::mof::{
    classify, read_yaml, to_yaml, Classification, ComponentStatus, GlobalLicence, LicenceSource,
    MofClass, MofDocument, Release, ReleaseComponent, COMPONENTS,
};

type Entry<'a> = (&'a str, Option<&'a str>);

/// Class III's required components, each with an open, type-appropriate licence.
const III: [Entry; 6] = [
    ("Model architecture", Some("Apache-2.0")),
    ("Model parameters (Final)", Some("CDLA-Permissive-2.0")),
    ("Technical report", Some("CC-BY-4.0")),
    ("Evaluation results", Some("CC-BY-4.0")),
    ("Model card", Some("CC-BY-4.0")),
    ("Data card", Some("CC-BY-4.0")),
];
/// What Class II adds.
const II: [Entry; 4] = [
    ("Training code", Some("Apache-2.0")),
    ("Inference code", Some("Apache-2.0")),
    ("Evaluation code", Some("MIT")),
    ("Evaluation data", Some("CDLA-Permissive-2.0")),
];
/// What Class I adds.
const I: [Entry; 4] = [
    ("Datasets", Some("CDLA-Permissive-2.0")),
    ("Data preprocessing code", Some("Apache-2.0")),
    (
        "Model parameters (Intermediate)",
        Some("CDLA-Permissive-2.0"),
    ),
    ("Research paper", Some("CC-BY-4.0")),
];

/// A MOF YAML in the tool's format: `license` is the indented body of `release.license` (or empty).
fn yaml(license: &str, components: &[Entry]) -> String {
    let mut y = String::from(
        "framework:\n  name: 'Model Openness Framework'\n  version: '1.0'\n  date: '2024-12-15'\n\
         release:\n  name: test-model\n  version: 7B\n  date: '2025-01-31'\n  type: language\n  \
         architecture: 'transformer decoder'\n  producer: Test\n",
    );
    if license.trim().is_empty() {
        y.push_str("  license: {  }\n");
    } else {
        y.push_str("  license:\n");
        y.push_str(license);
    }
    y.push_str("  components:\n");
    for (name, lic) in components {
        y.push_str(&format!("    -\n      name: '{name}'\n"));
        if let Some(l) = lic {
            y.push_str(&format!("      license: '{}'\n", l.replace('\'', "''")));
        }
    }
    y
}

/// Entries of `groups`, with `changes` applied: `(name, Some(Some(l)))` sets a licence,
/// `(name, Some(None))` removes the component's own licence, `(name, None)` removes the component.
fn release(
    groups: &[&[Entry<'static>]],
    changes: &[(&str, Option<Option<&'static str>>)],
) -> Vec<Entry<'static>> {
    let mut out: Vec<Entry> = groups.iter().flat_map(|g| g.iter().copied()).collect();
    for (name, change) in changes {
        match change {
            None => out.retain(|(n, _)| n != name),
            Some(l) => match out.iter_mut().find(|(n, _)| n == name) {
                Some(e) => e.1 = *l,
                None => out.push((
                    COMPONENTS.iter().find(|c| c.name == *name).unwrap().name,
                    *l,
                )),
            },
        }
    }
    out
}

fn run(license: &str, components: &[Entry]) -> Classification {
    let doc = read_yaml(yaml(license, components).as_bytes()).expect("valid MOF YAML");
    classify(&doc.release)
}

/// The class reached and the progress of Classes III, II and I, exactly.
fn assert_class(c: &Classification, class: Option<MofClass>, progress: [f64; 3]) {
    let got = [
        c.progress(MofClass::III),
        c.progress(MofClass::II),
        c.progress(MofClass::I),
    ];
    assert_eq!(
        (c.class, got),
        (class, progress),
        "warnings: {:?}",
        c.warnings
    );
    for (k, p) in MofClass::ALL.iter().zip(progress) {
        assert_eq!(c.class_result(*k).met, p == 100.0);
    }
}

fn status(c: &Classification, id: u8) -> ComponentStatus {
    c.component(id).unwrap().status
}

/// A document in the writer's layout, written by hand: reading and writing it gives the same bytes.
const CANONICAL: &str = r#"framework:
  name: 'Model Openness Framework'
  version: '1.0'
  date: '2024-12-15'
release:
  name: Example-7B
  version: 7B
  date: '2025-01-31'
  type: language
  architecture: 'transformer decoder'
  treatment: pre-trained
  origin: ''
  producer: 'Example Lab'
  contact: models@example.org
  repository: 'https://github.com/example/example-7b'
  huggingface: 'https://huggingface.co/example/Example-7B'
  license:
    distribution:
      name: Apache-2.0
      path: LICENSE
    data:
      name: CDLA-Permissive-2.0
      path: ''
    document: {  }
  components:
    -
      name: 'Model architecture'
      description: "The model's source code"
      license: MIT
      license_path: 'https://github.com/example/example-7b/blob/main/LICENSE'
      component_path: modeling.py
    -
      name: 'Model parameters (Final)'
    -
      name: 'Model card'
      license: unlicensed
      component_path: README.md
      reviewed: true
  notes:
    - 'written by hand'
    - 3
"#;

/// Under `openness` so that `cargo test --test mof --lib openness` runs them with the unit tests.
mod openness {
    use super::*;

    // --- classes ----------------------------------------------------------------------------------

    #[test]
    fn all_class_iii_components_with_open_licences_reach_class_iii() {
        let c = run("", &III);
        // III: 6 of 6; II: 6 of 10 (III's six count towards II); I: 0 because II is not met.
        assert_class(&c, Some(MofClass::III), [100.0, 60.0, 0.0]);
        assert_eq!(c.label, "Class III - Open Model");
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        assert_eq!(c.class_result(MofClass::II).missing, vec![7, 8, 18, 19]);
        assert_eq!(
            c.class_result(MofClass::I).reasons,
            vec!["Class II is not met, and classes are cumulative"]
        );
        assert_eq!(c.class_result(MofClass::III).badge(), "Qualified");
        assert_eq!(c.class_result(MofClass::II).badge(), "In progress (60%)");
        assert_eq!(c.class_result(MofClass::I).badge(), "Not met");
    }

    #[test]
    fn one_missing_class_iii_component_means_no_class() {
        let c = run("", &release(&[&III], &[("Evaluation results", None)]));
        assert_class(&c, None, [83.33333333333334, 0.0, 0.0]);
        assert_eq!(c.label, "Unclassified");
        assert_eq!(status(&c, 12), ComponentStatus::Missing);
        assert_eq!(c.class_result(MofClass::III).missing, vec![12]);
        assert_eq!(
            c.class_result(MofClass::III).reasons,
            vec!["Evaluation results: missing"]
        );
        assert_eq!(
            c.class_result(MofClass::II).reasons,
            vec!["Class III is not met, and classes are cumulative"]
        );
        assert_eq!(c.class_result(MofClass::III).badge(), "In progress (83%)");
    }

    #[test]
    fn class_ii_is_cumulative() {
        let c = run("", &release(&[&III, &II], &[]));
        // I: 10 of 14.
        assert_class(&c, Some(MofClass::II), [100.0, 100.0, 71.42857142857143]);
        assert_eq!(c.label, "Class II - Open Tooling Model");

        // Every Class II component, but one Class III component missing: Class II's progress is 0.
        let c = run("", &release(&[&III, &II], &[("Model card", None)]));
        assert_class(&c, None, [83.33333333333334, 0.0, 0.0]);
        assert_eq!(c.class_result(MofClass::II).included.len(), 9);

        // Class III met, one Class II component missing: 9 of 10.
        let c = run("", &release(&[&III, &II], &[("Evaluation data", None)]));
        assert_class(&c, Some(MofClass::III), [100.0, 90.0, 0.0]);
        assert_eq!(
            c.class_result(MofClass::II).reasons,
            vec!["Evaluation data: missing"]
        );
    }

    #[test]
    fn class_i_needs_everything() {
        let c = run("", &release(&[&III, &II, &I], &[]));
        assert_class(&c, Some(MofClass::I), [100.0, 100.0, 100.0]);
        assert_eq!(c.label, "Class I - Open Science Model");
        assert_eq!(c.total_progress, 100.0);
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        assert!(c.classes.iter().all(|k| k.reasons.is_empty()));

        // Class II met, the intermediate checkpoints missing: 13 of 14.
        let c = run(
            "",
            &release(
                &[&III, &II, &I],
                &[("Model parameters (Intermediate)", None)],
            ),
        );
        assert_class(&c, Some(MofClass::II), [100.0, 100.0, 92.85714285714286]);
        assert_eq!(
            c.class_result(MofClass::I).reasons,
            vec!["Model parameters (Intermediate): missing"]
        );
    }

    #[test]
    fn optional_components_never_change_a_class_or_a_percentage() {
        let mut comps = III.to_vec();
        comps.push(("Sample model outputs", Some("Llama 3.1 Community License")));
        comps.push(("Supporting libraries and tools", Some("MIT")));
        comps.push(("Model metadata", None));
        let c = run("", &comps);
        assert_class(&c, Some(MofClass::III), [100.0, 60.0, 0.0]);
        assert_eq!(status(&c, 20), ComponentStatus::Invalid);
        assert_eq!(status(&c, 17), ComponentStatus::Unlicensed);
        assert_eq!(c.class_result(MofClass::III).invalid, vec![20]);
        assert_eq!(c.class_result(MofClass::II).optional, vec![22]);
        assert_eq!(c.class_result(MofClass::I).unlicensed, vec![17]);
        assert_eq!(status(&c, 22), ComponentStatus::Open);
        assert!(c.class_result(MofClass::III).reasons.is_empty());
    }

    // --- licence resolution ---------------------------------------------------------------------------

    #[test]
    fn release_licences_by_content_type_cover_components_without_their_own() {
        let bare: Vec<Entry> = III.iter().map(|(n, _)| (*n, None)).collect();
        let globals = "    code:\n      name: MIT\n      path: LICENSE-CODE\n    data:\n      name: CDLA-Permissive-2.0\n\
                       \x20   document:\n      name: CC-BY-4.0\n";
        let c = run(globals, &bare);
        assert_class(&c, Some(MofClass::III), [100.0, 60.0, 0.0]);
        let arch = c.component(9).unwrap();
        assert_eq!(arch.license.as_deref(), Some("MIT"));
        assert_eq!(arch.license_source, Some(LicenceSource::ContentType));
        assert_eq!(arch.license_path.as_deref(), Some("LICENSE-CODE"));
        let weights = c.component(10).unwrap();
        assert_eq!(weights.license.as_deref(), Some("CDLA-Permissive-2.0"));
        assert!(weights.type_appropriate);
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);

        // Without a licence anywhere, the same components are all unlicensed.
        let c = run("", &bare);
        assert_class(&c, None, [0.0, 0.0, 0.0]);
        assert_eq!(c.class_result(MofClass::III).unlicensed.len(), 6);
        assert_eq!(c.component(9).unwrap().license_source, None);
    }

    #[test]
    fn the_distribution_licence_is_the_last_fallback() {
        let bare: Vec<Entry> = III.iter().map(|(n, _)| (*n, None)).collect();
        let c = run(
            "    distribution:\n      name: Apache-2.0\n      path: LICENSE\n",
            &bare,
        );
        // Apache-2.0 is open for every component; it is type-appropriate for code and documents, not
        // for the weights (data): a warning, still Class III.
        assert_class(&c, Some(MofClass::III), [100.0, 60.0, 0.0]);
        assert_eq!(
            c.component(13).unwrap().license_source,
            Some(LicenceSource::Distribution)
        );
        assert_eq!(c.not_type_appropriate, vec![10]);
        assert_eq!(c.warnings.len(), 1);
        assert!(c.warnings[0].starts_with("Model parameters (Final): Apache-2.0 is open but not"));

        // The content-type licence comes before the distribution licence: code and documents take MIT
        // and CC-BY-4.0, the weights fall through to a distribution licence that is not open.
        let globals = "    distribution:\n      name: 'Llama 3.1 Community License'\n    code:\n      name: MIT\n\
                       \x20   document:\n      name: CC-BY-4.0\n";
        let c = run(globals, &bare);
        assert_class(&c, None, [83.33333333333334, 0.0, 0.0]);
        assert_eq!(c.component(9).unwrap().license.as_deref(), Some("MIT"));
        let weights = c.component(10).unwrap();
        assert_eq!(weights.license_source, Some(LicenceSource::Distribution));
        assert_eq!(weights.status, ComponentStatus::Invalid);

        // A component's own licence comes first, even when the release's would be open.
        let own = release(&[&bare], &[("Model card", Some(Some("CC-BY-NC-4.0")))]);
        let c = run("    distribution:\n      name: Apache-2.0\n", &own);
        assert_class(&c, None, [83.33333333333334, 0.0, 0.0]);
        assert_eq!(
            c.component(13).unwrap().license_source,
            Some(LicenceSource::Component)
        );
        assert_eq!(
            c.class_result(MofClass::III).reasons,
            vec![r#"Model card: licence "CC-BY-NC-4.0" is not open"#]
        );
    }

    #[test]
    fn an_unlicensed_component_does_not_inherit() {
        let globals =
            "    distribution:\n      name: Apache-2.0\n    document:\n      name: CC-BY-4.0\n";
        let comps = release(&[&III], &[("Data card", Some(Some("unlicensed")))]);
        let c = run(globals, &comps);
        assert_class(&c, None, [83.33333333333334, 0.0, 0.0]);
        let card = c.component(14).unwrap();
        assert_eq!(card.status, ComponentStatus::Unlicensed);
        assert_eq!(
            (card.license.as_deref(), card.license_source),
            (None, Some(LicenceSource::Component))
        );
        assert_eq!(c.class_result(MofClass::III).unlicensed, vec![14]);
        assert_eq!(
            c.class_result(MofClass::III).reasons,
            vec!["Data card: listed without a licence"]
        );

        // An empty licence is the same as `unlicensed`.
        let comps = release(&[&III], &[("Data card", Some(Some("")))]);
        let c = run(globals, &comps);
        assert_class(&c, None, [83.33333333333334, 0.0, 0.0]);
        assert_eq!(status(&c, 14), ComponentStatus::Unlicensed);
    }

    #[test]
    fn a_licence_that_is_not_open_blocks_the_class() {
        let comps = release(
            &[&III],
            &[(
                "Model parameters (Final)",
                Some(Some("Llama 3.1 Community License")),
            )],
        );
        let c = run("", &comps);
        assert_class(&c, None, [83.33333333333334, 0.0, 0.0]);
        let w = c.component(10).unwrap();
        assert_eq!((w.status, w.open), (ComponentStatus::Invalid, false));
        assert_eq!(c.class_result(MofClass::III).invalid, vec![10]);
    }

    #[test]
    fn licences_are_exact_spdx_ids() {
        // The tool compares ids exactly: a Hub id, a name or an expression does not count, and we say why.
        for (lic, hint) in [
            ("apache-2.0", "Apache-2.0 would be open"),
            ("Apache 2.0", "Apache-2.0 would be open"),
            ("Apache-2.0 OR MIT", "expression"),
            ("Component not included", "leave the component out"),
        ] {
            let comps = release(&[&III], &[("Model architecture", Some(Some(lic)))]);
            let c = run("", &comps);
            assert_class(&c, None, [83.33333333333334, 0.0, 0.0]);
            assert_eq!(status(&c, 9), ComponentStatus::Invalid, "{lic}");
            assert!(
                c.warnings
                    .iter()
                    .any(|w| w.starts_with("Model architecture:") && w.contains(hint)),
                "{lic}: {:?}",
                c.warnings
            );
        }
    }

    #[test]
    fn pddl_is_not_open_for_the_tool() {
        // The tool's open-data list names ODC-PDDL-1.0, not the SPDX id PDDL-1.0.
        let comps = release(&[&III, &II, &I], &[("Datasets", Some(Some("PDDL-1.0")))]);
        let c = run("", &comps);
        assert_class(&c, Some(MofClass::II), [100.0, 100.0, 92.85714285714286]);
        assert_eq!(status(&c, 15), ComponentStatus::Invalid);
        assert!(
            c.warnings.iter().any(|w| w.contains("ODC-PDDL-1.0")),
            "{:?}",
            c.warnings
        );

        let comps = release(
            &[&III, &II, &I],
            &[("Datasets", Some(Some("ODC-PDDL-1.0")))],
        );
        let c = run("", &comps);
        assert_class(&c, Some(MofClass::I), [100.0, 100.0, 100.0]);
        assert_eq!(c.not_type_appropriate, vec![15]);
    }

    #[test]
    fn an_open_licence_that_is_not_type_appropriate_warns_and_still_counts() {
        let comps = release(
            &[&III, &II, &I],
            &[
                ("Datasets", Some(Some("MIT"))),
                ("Model card", Some(Some("CC-BY-SA-4.0"))),
            ],
        );
        let c = run("", &comps);
        assert_class(&c, Some(MofClass::I), [100.0, 100.0, 100.0]);
        let d = c.component(15).unwrap();
        assert_eq!(
            (d.open, d.type_appropriate, d.status),
            (true, false, ComponentStatus::Open)
        );
        assert_eq!(c.not_type_appropriate, vec![15]);
        assert_eq!(
            c.warnings,
            vec![
                "Datasets: MIT is open but not a type-appropriate licence for data; the tool asks for a \
                 type-appropriate open licence"
            ]
        );
    }

    // --- special cases --------------------------------------------------------------------------------

    #[test]
    fn a_research_paper_stands_in_for_a_missing_technical_report() {
        // Class III with the paper instead of the report.
        let mut comps = release(&[&III], &[("Technical report", None)]);
        comps.push(("Research paper", Some("CC-BY-4.0")));
        let c = run("", &comps);
        assert_class(&c, Some(MofClass::III), [100.0, 60.0, 0.0]);
        assert_eq!(status(&c, 11), ComponentStatus::Replaced);
        assert!(c.classes.iter().all(|k| !k.missing.contains(&11)));
        assert!(c.class_result(MofClass::III).included.contains(&21));

        // Class II with the paper and no other Class I component: I needs one fewer (10 of 13).
        let mut comps = release(&[&III, &II], &[("Technical report", None)]);
        comps.push(("Research paper", Some("CC-BY-4.0")));
        let c = run("", &comps);
        assert_class(&c, Some(MofClass::II), [100.0, 100.0, 76.92307692307693]);

        // Class I with the paper and no report.
        let c = run(
            "",
            &release(&[&III, &II, &I], &[("Technical report", None)]),
        );
        assert_class(&c, Some(MofClass::I), [100.0, 100.0, 100.0]);

        // Both: nothing changes and nothing exceeds 100.
        let c = run("", &release(&[&III, &II, &I], &[]));
        assert_class(&c, Some(MofClass::I), [100.0, 100.0, 100.0]);

        // A report whose licence is not open is replaced by an open paper too.
        let mut comps = release(
            &[&III],
            &[("Technical report", Some(Some("All rights reserved")))],
        );
        comps.push(("Research paper", Some("CC-BY-4.0")));
        let c = run("", &comps);
        assert_class(&c, Some(MofClass::III), [100.0, 60.0, 0.0]);
        assert_eq!(status(&c, 11), ComponentStatus::Invalid);
        assert!(c.class_result(MofClass::III).reasons.is_empty());
    }

    #[test]
    fn a_paper_without_an_open_licence_replaces_the_report_but_does_not_count() {
        let mut comps = release(&[&III], &[("Technical report", None)]);
        comps.push(("Research paper", Some("unlicensed")));
        let c = run("", &comps);
        assert_class(&c, None, [83.33333333333334, 0.0, 0.0]);
        assert_eq!(status(&c, 11), ComponentStatus::Replaced);
        assert_eq!(c.class_result(MofClass::III).missing, Vec::<u8>::new());
        assert_eq!(c.class_result(MofClass::III).unlicensed, vec![21]);
        assert_eq!(
            c.class_result(MofClass::III).reasons,
            vec![
                "Technical report: not listed, and the research paper in its place has no open licence"
            ]
        );

        // Without a paper the report is simply missing.
        let c = run("", &release(&[&III], &[("Technical report", None)]));
        assert_class(&c, None, [83.33333333333334, 0.0, 0.0]);
        assert_eq!(status(&c, 11), ComponentStatus::Missing);
        assert_eq!(c.class_result(MofClass::III).missing, vec![11]);
    }

    #[test]
    fn a_technical_report_without_a_paper_leaves_class_i_one_short() {
        let c = run("", &release(&[&III, &II, &I], &[("Research paper", None)]));
        assert_class(&c, Some(MofClass::II), [100.0, 100.0, 92.85714285714286]);
        assert_eq!(
            c.class_result(MofClass::I).reasons,
            vec!["Research paper: missing"]
        );
    }

    #[test]
    fn the_data_card_is_required_even_when_the_model_card_describes_the_data() {
        // The tool has no special case: a release whose data information is in the model card must list
        // the Data card component (pointing at that file) to count.
        let c = run("", &release(&[&III], &[("Data card", None)]));
        assert_class(&c, None, [83.33333333333334, 0.0, 0.0]);

        let mut y = yaml("", &III);
        y = y.replace(
            "      name: 'Data card'\n      license: 'CC-BY-4.0'\n",
            "      name: 'Data card'\n      license: 'CC-BY-4.0'\n      component_path: README.md\n",
        );
        let c = classify(&read_yaml(y.as_bytes()).unwrap().release);
        assert_class(&c, Some(MofClass::III), [100.0, 60.0, 0.0]);
        assert_eq!(
            c.component(14).unwrap().component_path.as_deref(),
            Some("README.md")
        );
    }

    #[test]
    fn evaluation_results_have_no_special_case() {
        // Results inside the model card or the paper do not count unless the component is listed.
        let mut comps = release(&[&III], &[("Evaluation results", None)]);
        comps.push(("Research paper", Some("CC-BY-4.0")));
        let c = run("", &comps);
        assert_class(&c, None, [83.33333333333334, 0.0, 0.0]);
        assert_eq!(status(&c, 12), ComponentStatus::Missing);
    }

    #[test]
    fn a_component_listed_twice_takes_the_last_entry() {
        let mut comps = III.to_vec();
        comps.push(("Model card", Some("unlicensed")));
        let c = run("", &comps);
        assert_class(&c, None, [83.33333333333334, 0.0, 0.0]);
        assert_eq!(status(&c, 13), ComponentStatus::Unlicensed);
        assert!(c
            .warnings
            .contains(&"Model card: listed 2 times; the last entry counts".to_owned()));

        let mut comps = release(&[&III], &[("Model card", Some(Some("unlicensed")))]);
        comps.push(("Model card", Some("CC-BY-4.0")));
        let c = run("", &comps);
        assert_class(&c, Some(MofClass::III), [100.0, 60.0, 0.0]);
    }

    // --- the reader -----------------------------------------------------------------------------------

    fn read_err(y: &str) -> String {
        read_yaml(y.as_bytes()).unwrap_err().to_string()
    }

    #[test]
    fn the_reader_applies_the_tools_schema() {
        let good = yaml("", &III);
        assert!(read_yaml(good.as_bytes()).is_ok());

        let e = read_err(&good.replace("'Model Openness Framework'", "'MOF'"));
        assert!(
            e.contains(r#"framework.name: "MOF" is not "Model Openness Framework""#),
            "{e}"
        );
        let e = read_err(&good.replace("version: '1.0'", "version: 1.0"));
        assert!(
            e.contains("framework.version: expected a string, found a number"),
            "{e}"
        );
        let e = read_err(&good.replace("date: '2025-01-31'", "date: '2025-02-30'"));
        assert!(
            e.contains(r#"release.date: "2025-02-30" is not a date (YYYY-MM-DD)"#),
            "{e}"
        );
        let e = read_err(&good.replace("  producer: Test\n", ""));
        assert!(
            e.contains("release.producer: required field is missing"),
            "{e}"
        );
        let e = read_err(&good.replace("  name: test-model\n", "  name: ''\n"));
        assert!(e.contains("release.name: must not be empty"), "{e}");
        let e = read_err(&good.replace("type: language", "type: text"));
        assert!(e.contains(r#"release.type: "text" is not one of"#), "{e}");
        let e = read_err(&good.replace("      license: 'CC-BY-4.0'\n", "      license:\n"));
        assert!(
            e.contains("release.components[2].license: expected a string, found null"),
            "{e}"
        );
        let e = read_err(&good.replace("  license: {  }\n", ""));
        assert!(
            e.contains("release.license: required field is missing"),
            "{e}"
        );

        // Several problems at once, each with its path.
        let e = read_err(
            &good
                .replace("version: '1.0'", "version: 1.0")
                .replace("  producer: Test\n", ""),
        );
        assert!(e.contains("(2 problems)"), "{e}");
    }

    #[test]
    fn the_reader_refuses_what_the_tool_would_misread() {
        let e = read_err(&yaml("", &[("Model Card", Some("MIT"))]));
        assert!(
            e.contains(r#"release.components[0].name: "Model Card" is not one of the 17 MOF component names (did you mean "Model card"?)"#),
            "{e}"
        );
        let e = read_err(&yaml("", &[]).replace(
            "  components:\n",
            "  components:\n    -\n      license: MIT\n",
        ));
        assert!(
            e.contains("release.components[0].name: required field is missing"),
            "{e}"
        );
        let eighteen: Vec<Entry> = COMPONENTS
            .iter()
            .map(|c| (c.name, None))
            .chain([("Datasets", None)])
            .collect();
        let e = read_err(&yaml("", &eighteen));
        assert!(
            e.contains("18 entries, more than the 17 MOF components"),
            "{e}"
        );
    }

    #[test]
    fn the_reader_is_bounded_and_says_what_is_wrong_with_the_bytes() {
        let e = read_err(&format!("{}\n# {}", yaml("", &III), "x".repeat(1 << 20)));
        assert!(e.contains("more than the 1 MiB limit"), "{e}");
        let e = read_yaml(b"framework: \xff\n").unwrap_err().to_string();
        assert!(e.contains("not UTF-8"), "{e}");
        let e = read_err("framework: [\n");
        assert!(e.starts_with("MOF YAML: "), "{e}");
        let e = read_err("");
        assert!(e.contains("document: empty"), "{e}");
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
                    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n\
                    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
        let e = read_err(bomb);
        assert!(
            e.starts_with("MOF YAML: ")
                && (e.contains("repetition limit") || e.contains("too many values")),
            "{e}"
        );
    }

    #[test]
    fn empty_licences_and_components_are_accepted_in_either_form() {
        for (lic, comps) in [("{}", "[]"), ("[]", "{}"), ("{  }", "[]")] {
            let y = format!(
                "framework:\n  name: Model Openness Framework\n  version: '1.0'\n  date: '2024-12-15'\n\
                 release:\n  name: empty\n  producer: ''\n  license: {lic}\n  components: {comps}\n"
            );
            let doc = read_yaml(y.as_bytes()).unwrap_or_else(|e| panic!("{y}: {e}"));
            assert!(doc.release.components.is_empty());
            let c = classify(&doc.release);
            assert_class(&c, None, [0.0, 0.0, 0.0]);
            assert_eq!(
                c.class_result(MofClass::III).missing,
                vec![9, 10, 13, 14, 11, 12]
            );
        }
    }

    // --- the writer -----------------------------------------------------------------------------------

    #[test]
    fn reading_and_writing_the_canonical_layout_is_byte_stable() {
        let doc = read_yaml(CANONICAL.as_bytes()).unwrap();
        assert_eq!(to_yaml(&doc), CANONICAL);
        assert_eq!(
            doc.unknown_fields(),
            vec!["release.notes", "release.components[2].reviewed"]
        );
        let r = &doc.release;
        assert_eq!(r.license.document, Some(GlobalLicence::default()));
        assert_eq!(
            r.components[0].description.as_deref(),
            Some("The model's source code")
        );
        assert_eq!(r.license.data.as_ref().unwrap().path.as_deref(), Some(""));

        let c = classify(r);
        assert_class(&c, None, [33.33333333333333, 0.0, 0.0]);
        let weights = c.component(10).unwrap();
        assert_eq!(
            (
                weights.license.as_deref(),
                weights.license_source,
                weights.license_path.as_deref()
            ),
            (
                Some("CDLA-Permissive-2.0"),
                Some(LicenceSource::ContentType),
                None
            ),
        );
        assert_eq!(status(&c, 13), ComponentStatus::Unlicensed);
        assert_eq!(
            c.component(9).unwrap().component_path.as_deref(),
            Some("modeling.py")
        );
    }

    #[test]
    fn a_built_document_round_trips_whatever_its_strings() {
        let mut release = Release {
            name: "yes".into(),
            version: Some("1.0".into()),
            date: Some("2025-06-01".into()),
            model_type: Some(String::new()),
            producer: "O'Neil & Sons: \"AI\" #1".into(),
            contact: Some("line one\nline two\ttab".into()),
            origin: Some("~".into()),
            repository: Some("-leading dash".into()),
            huggingface: Some("null".into()),
            ..Default::default()
        };
        release.license.distribution = Some(GlobalLicence::new("Apache-2.0", Some("0x1F".into())));
        release.license.code = Some(GlobalLicence::new("MIT", None));
        for c in COMPONENTS.iter().take(5) {
            release
                .components
                .push(ReleaseComponent::new(c).with_license("Ünïcødé – CC-BY-4.0"));
        }
        release
            .components
            .push(ReleaseComponent::new(&COMPONENTS[6]));
        release.extra.insert(
            "weird key: x".into(),
            serde_json::json!({"a": [1, 2.5, true, null, "", []], "b": {}}),
        );
        let doc = MofDocument::new(release);

        let y = to_yaml(&doc);
        let back = read_yaml(y.as_bytes()).unwrap_or_else(|e| panic!("{y}\n{e}"));
        assert_eq!(back, doc, "{y}");
        assert_eq!(to_yaml(&back), y);
        assert!(y.contains("  name: 'yes'\n"), "{y}");
        assert!(y.contains("  version: '1.0'\n"), "{y}");
        assert!(y.contains("  huggingface: 'null'\n"), "{y}");
        assert!(y.contains("      path: '0x1F'\n"), "{y}");
    }

    #[test]
    fn classifications_serialise_for_reports() {
        let c = run("", &III);
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["class"], "III");
        assert_eq!(v["label"], "Class III - Open Model");
        assert_eq!(v["classes"][1]["progress"], 60.0);
        assert_eq!(v["components"][0]["status"], "open");
        assert_eq!(v["components"][0]["content_type"], "code");
        assert_eq!(v["components"][1]["status"], "missing");

        let doc = read_yaml(CANONICAL.as_bytes()).unwrap();
        let json = serde_json::to_value(&doc).unwrap();
        assert_eq!(json["release"]["type"], "language");
        assert_eq!(json["release"]["notes"][1], 3);
        let again: MofDocument = serde_json::from_value(json).unwrap();
        assert_eq!(again, doc);
    }
}
