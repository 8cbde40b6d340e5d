//! Code the model comes with or needs: dependency manifests (`requirements*.txt`, `pyproject.toml`,
//! `environment.yml`) become libraries with purls, merged across files; Python files that `config.json`'s
//! `auto_map` makes transformers import and run (`trust_remote_code`), here or in another repository,
//! become findings. Code is never executed or imported. (SPDX headers in code are licence evidence,
//! read by [`super::licence`].)

use crate::deps;
use crate::facts::Library;
use crate::hf::config::HfConfig;

use super::{Builder, MAX_META};

/// A dependency manifest named `name`: its dependencies are recorded. False when the file is not a
/// manifest (or cannot be read), so the caller reads it as plain code.
pub(super) fn read_manifest(b: &mut Builder, path: &str, name: &str) -> bool {
    let list = if name.starts_with("requirements") && name.ends_with(".txt") {
        b.files
            .text(path, MAX_META)
            .map(|t| deps::parse_requirements(&t, path))
    } else if name == "pyproject.toml" {
        b.files
            .text(path, MAX_META)
            .map(|t| deps::parse_pyproject(&t, path))
    } else if name == "environment.yml" || name == "environment.yaml" {
        b.files
            .text(path, MAX_META)
            .map(|t| deps::parse_environment_yml(&t, path))
    } else {
        None
    };
    let Some(list) = list else {
        return false;
    };
    for d in list.dependencies {
        let libs = &mut b.facts.libraries;
        match libs.iter_mut().find(|l| l.purl == d.purl) {
            Some(l) => {
                if !l.sources.contains(&d.source) {
                    l.sources.push(d.source.clone());
                }
            }
            None => libs.push(Library {
                name: d.name,
                version: d.version,
                purl: d.purl,
                sources: vec![d.source],
            }),
        }
    }
    true
}

/// `auto_map` in the config at `path`: each Python file it names, and each other repository it runs
/// code from, is a finding.
pub(super) fn remote_code(b: &mut Builder, path: &str, c: &HfConfig) {
    for file in &c.remote_code_files {
        // The finding sits on the Python file itself when it is present, so its BOM component carries it.
        let present = b.files.get(file).is_some();
        let (at, msg) = if present {
            (file.as_str(), format!("named by {path} auto_map: transformers imports and runs it (trust_remote_code)"))
        } else {
            (path, format!("auto_map makes transformers import and run {file} (trust_remote_code); the file is not in the model directory"))
        };
        b.finding("remote-code", Some(at), msg);
    }
    for repo in &c.remote_code_repos {
        b.finding(
            "remote-code-external",
            Some(path),
            format!(
                "auto_map runs code from another repository, {repo}, which this scan cannot see"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::testutil::model;
    use crate::facts::{Library, Severity};

    #[test]
    fn dependency_manifests_become_libraries_merged_across_files() {
        let m = model(&[
            (
                "requirements.txt",
                b"torch==2.3.0\nnumpy>=1.26\n".as_slice(),
            ),
            (
                "pyproject.toml",
                b"[project]\nname = \"x\"\ndependencies = [\"torch==2.3.0\", \"requests\"]\n",
            ),
            ("environment.yml", b"dependencies:\n  - python=3.11\n"),
        ]);
        let libs: Vec<(&str, Option<&str>, &str, Vec<&str>)> =
            m.a.facts
                .libraries
                .iter()
                .map(|l: &Library| {
                    (
                        l.name.as_str(),
                        l.version.as_deref(),
                        l.purl.as_str(),
                        l.sources.iter().map(String::as_str).collect(),
                    )
                })
                .collect();
        assert_eq!(
            libs,
            [
                ("python", None, "pkg:conda/python", vec!["environment.yml"]),
                (
                    "torch",
                    Some("2.3.0"),
                    "pkg:pypi/torch@2.3.0",
                    vec!["pyproject.toml", "requirements.txt"]
                ),
                (
                    "requests",
                    None,
                    "pkg:pypi/requests",
                    vec!["pyproject.toml"]
                ),
                ("numpy", None, "pkg:pypi/numpy", vec!["requirements.txt"]),
            ]
        );
    }

    #[test]
    fn auto_map_code_is_a_finding_on_the_file_it_runs() {
        let m = model(&[
            (
                "config.json",
                br#"{"auto_map": {"AutoConfig": "configuration_x.XConfig",
                    "AutoModel": "modeling_x.XModel",
                    "AutoTokenizer": "other/repo--tokenization_y.YTokenizer"}}"#
                    .as_slice(),
            ),
            ("modeling_x.py", b"class XModel: pass\n"),
        ]);
        assert_eq!(
            m.findings(),
            [
                ("card-missing", Severity::Low, None),
                ("remote-code", Severity::Medium, Some("config.json")),
                ("remote-code", Severity::Medium, Some("modeling_x.py")),
                ("remote-code-external", Severity::High, Some("config.json")),
                ("license-missing", Severity::Low, None),
            ]
        );
        let absent = &m.a.facts.findings[1];
        assert!(
            absent.message.contains("configuration_x.py")
                && absent.message.contains("not in the model"),
            "{}",
            absent.message
        );
        assert!(m.a.facts.findings[3].message.contains("other/repo"));
    }
}
