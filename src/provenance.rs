//! Provenance from the files themselves, without running git or touching the network: the git origin
//! and commit of a checkout (read from `.git/`), the repository and revision of a Hugging Face cache
//! snapshot (`models--org--name/snapshots/<commit>`), and the revision recorded by a `local_dir`
//! download (`.cache/huggingface/download/*.metadata`). Credentials in remote URLs are removed.

use std::fs;

use std::path::{Path, PathBuf};

use crate::facts::Provenance;

/// Files read here are small; anything larger is not what we expect and is skipped.
const MAX_READ: u64 = 64 * 1024;

/// Up to [`MAX_READ`] bytes of a small text file; `None` when it is unreadable, not a regular file (a
/// fifo never blocks) or not UTF-8.
fn read_small(path: &Path) -> Option<String> {
    String::from_utf8(crate::io::read_head(path, MAX_READ).ok()?).ok()
}

fn is_hex_commit(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Gather provenance for the model at `root` (a directory; single files have none).
pub fn detect(root: &Path) -> Provenance {
    let mut p = Provenance::default();
    let canon = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    if let Some((repo, rev)) = hf_cache_snapshot(&canon) {
        p.hf_repo = Some(repo);
        p.hf_revision = Some(rev);
        p.hf_source = Some("hf-cache".to_string());
    } else if let Some(rev) = local_dir_revision(&canon) {
        p.hf_revision = Some(rev);
        p.hf_source = Some("hf-local-dir".to_string());
    }
    if let Some(git_dir) = git_dir(&canon) {
        p.git_commit = git_head(&git_dir).map(|(commit, r)| {
            p.git_ref = r;
            commit
        });
        p.git_origin = git_origin(&git_dir).map(|u| strip_credentials(&u));
        if p.hf_repo.is_none() {
            if let Some(repo) = p.git_origin.as_deref().and_then(hf_repo_from_url) {
                p.hf_repo = Some(repo);
                p.hf_revision = p.git_commit.clone();
                p.hf_source = Some("git-origin".to_string());
            }
        }
    }
    p
}

/// `.../models--org--name/snapshots/<commit>` → (`org/name`, commit).
fn hf_cache_snapshot(root: &Path) -> Option<(String, String)> {
    let rev = root.file_name()?.to_str()?;
    let snapshots = root.parent()?;
    if snapshots.file_name()?.to_str()? != "snapshots" || !is_hex_commit(rev) {
        return None;
    }
    let repo_dir = snapshots.parent()?.file_name()?.to_str()?;
    let rest = repo_dir.strip_prefix("models--")?;
    let repo = rest.replace("--", "/");
    (!repo.is_empty()).then(|| (repo, rev.to_string()))
}

/// The commit recorded by a `local_dir` download: line 1 of any `*.metadata` file (all must agree).
fn local_dir_revision(root: &Path) -> Option<String> {
    let dir = root.join(".cache/huggingface/download");
    let mut found: Option<String> = None;
    let mut stack = vec![dir];
    let mut budget = 10_000;
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).ok()?.flatten() {
            budget -= 1;
            if budget == 0 {
                return found;
            }
            let ft = entry.file_type().ok()?;
            if ft.is_dir() {
                stack.push(entry.path());
            } else if ft.is_file() && entry.path().extension().is_some_and(|e| e == "metadata") {
                let text = read_small(&entry.path())?;
                let first = text.lines().next()?.trim().to_string();
                if !is_hex_commit(&first) {
                    continue;
                }
                match &found {
                    None => found = Some(first),
                    Some(f) if *f != first => return None, // mixed revisions: no single answer
                    _ => {}
                }
            }
        }
    }
    found
}

/// The git directory of a checkout at `root`: `.git/` or the target of a `.git` file (`gitdir: ...`).
fn git_dir(root: &Path) -> Option<PathBuf> {
    let dot = root.join(".git");
    let meta = fs::symlink_metadata(&dot).ok()?;
    if meta.is_dir() {
        return Some(dot);
    }
    if meta.is_file() {
        let text = read_small(&dot)?;
        let target = text.trim().strip_prefix("gitdir:")?.trim();
        let path = if Path::new(target).is_absolute() {
            PathBuf::from(target)
        } else {
            root.join(target)
        };
        return path.is_dir().then_some(path);
    }
    None
}

/// HEAD → (commit, symbolic ref).
fn git_head(git_dir: &Path) -> Option<(String, Option<String>)> {
    let head = read_small(&git_dir.join("HEAD"))?;
    let head = head.trim();
    if is_hex_commit(head) {
        return Some((head.to_string(), None));
    }
    let r = head.strip_prefix("ref:")?.trim();
    if r.contains("..") || !r.starts_with("refs/") {
        return None;
    }
    // Linked worktrees keep refs in the common dir.
    let common = read_small(&git_dir.join("commondir"))
        .map(|c| git_dir.join(c.trim()))
        .unwrap_or_else(|| git_dir.to_path_buf());
    for dir in [git_dir, common.as_path()] {
        if let Some(c) = read_small(&dir.join(r)) {
            let c = c.trim();
            if is_hex_commit(c) {
                return Some((c.to_string(), Some(r.to_string())));
            }
        }
        if let Some(packed) = read_small(&dir.join("packed-refs")) {
            for line in packed.lines() {
                if let Some((c, name)) = line.split_once(' ') {
                    if name.trim() == r && is_hex_commit(c) {
                        return Some((c.to_string(), Some(r.to_string())));
                    }
                }
            }
        }
    }
    None
}

/// `url` of `[remote "origin"]` in the git config.
fn git_origin(git_dir: &Path) -> Option<String> {
    let common = read_small(&git_dir.join("commondir"))
        .map(|c| git_dir.join(c.trim()))
        .unwrap_or_else(|| git_dir.to_path_buf());
    let config = read_small(&common.join("config"))?;
    let mut in_origin = false;
    for line in config.lines() {
        let l = line.trim();
        if l.starts_with('[') {
            in_origin = l.replace(' ', "") == "[remote\"origin\"]";
        } else if in_origin {
            if let Some((k, v)) = l.split_once('=') {
                if k.trim() == "url" {
                    return Some(v.trim().to_string());
                }
            }
        }
    }
    None
}

/// Remove `user:password@` from a URL so tokens never end up in a BOM.
pub fn strip_credentials(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if let Some(at) = authority.rfind('@') {
            return format!("{scheme}://{}{path}", &authority[at + 1..]);
        }
    }
    url.to_string()
}

/// `https://huggingface.co/org/name(.git)` → `org/name` (models only; datasets and spaces are not models).
fn hf_repo_from_url(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://huggingface.co/")
        .or_else(|| url.strip_prefix("https://hf.co/"))?;
    let rest = rest.trim_end_matches('/').trim_end_matches(".git");
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        [first, ..] if matches!(*first, "datasets" | "spaces") => None,
        [org, name] if !org.is_empty() && !name.is_empty() => Some(format!("{org}/{name}")),
        [name] if !name.is_empty() => Some(name.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const C1: &str = "0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn credentials_are_stripped() {
        assert_eq!(
            strip_credentials("https://user:hf_token@huggingface.co/org/m"),
            "https://huggingface.co/org/m"
        );
        assert_eq!(
            strip_credentials("git@github.com:org/m.git"),
            "git@github.com:org/m.git"
        );
    }

    #[test]
    fn hub_urls_give_model_repo_ids() {
        assert_eq!(
            hf_repo_from_url("https://huggingface.co/org/m.git").as_deref(),
            Some("org/m")
        );
        assert_eq!(
            hf_repo_from_url("https://huggingface.co/gpt2").as_deref(),
            Some("gpt2")
        );
        assert_eq!(
            hf_repo_from_url("https://huggingface.co/datasets/org/d"),
            None
        );
        assert_eq!(hf_repo_from_url("https://github.com/org/m"), None);
    }

    #[test]
    fn cache_snapshot_layout_gives_repo_and_revision() {
        let d = tempfile::tempdir().unwrap();
        let snap = d.path().join("models--acme--tiny-llm/snapshots").join(C1);
        fs::create_dir_all(&snap).unwrap();
        let p = detect(&snap);
        assert_eq!(p.hf_repo.as_deref(), Some("acme/tiny-llm"));
        assert_eq!(p.hf_revision.as_deref(), Some(C1));
        assert_eq!(p.hf_source.as_deref(), Some("hf-cache"));
    }

    #[test]
    fn git_checkout_gives_origin_commit_and_ref() {
        let d = tempfile::tempdir().unwrap();
        let g = d.path().join(".git");
        fs::create_dir_all(g.join("refs/heads")).unwrap();
        fs::write(g.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        fs::write(g.join("refs/heads/main"), format!("{C1}\n")).unwrap();
        fs::write(
            g.join("config"),
            "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = https://u:secret@huggingface.co/acme/m\n",
        )
        .unwrap();
        let p = detect(d.path());
        assert_eq!(p.git_commit.as_deref(), Some(C1));
        assert_eq!(p.git_ref.as_deref(), Some("refs/heads/main"));
        assert_eq!(
            p.git_origin.as_deref(),
            Some("https://huggingface.co/acme/m")
        );
        assert_eq!(p.hf_repo.as_deref(), Some("acme/m"));
        assert_eq!(p.hf_source.as_deref(), Some("git-origin"));
    }

    #[test]
    fn packed_refs_and_local_dir_metadata() {
        let d = tempfile::tempdir().unwrap();
        let g = d.path().join(".git");
        fs::create_dir_all(&g).unwrap();
        fs::write(g.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        fs::write(
            g.join("packed-refs"),
            format!("# pack-refs\n{C1} refs/heads/main\n"),
        )
        .unwrap();
        let meta = d.path().join(".cache/huggingface/download");
        fs::create_dir_all(&meta).unwrap();
        fs::write(
            meta.join("config.json.metadata"),
            format!("{C1}\n\"etag\"\n1700000000.0\n"),
        )
        .unwrap();
        let p = detect(d.path());
        assert_eq!(p.git_commit.as_deref(), Some(C1));
        assert_eq!(p.hf_revision.as_deref(), Some(C1));
        assert_eq!(p.hf_source.as_deref(), Some("hf-local-dir"));
    }
}
