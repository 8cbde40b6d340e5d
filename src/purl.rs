//! Package URLs (purl): percent-encoding of purl segments and the `pkg:huggingface/...` form used for
//! models. Shared by the BOM writer and the dependency parsers.

/// Percent-encode a purl segment: unreserved characters (`A-Za-z0-9-._~`) stay, every other byte becomes
/// `%XX`.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The purl of a Hugging Face repository id (`org/name` or a bare name), with the revision as version
/// (lowercased, as commit hashes are).
pub fn huggingface(repo_id: &str, revision: Option<&str>) -> String {
    let mut parts = repo_id.splitn(2, '/');
    let first = parts.next().unwrap_or_default();
    let mut p = match parts.next() {
        Some(name) => format!("pkg:huggingface/{}/{}", encode(first), encode(name)),
        None => format!("pkg:huggingface/{}", encode(first)),
    };
    if let Some(r) = revision {
        p.push('@');
        p.push_str(&encode(&r.to_ascii_lowercase()));
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_keeps_unreserved_only() {
        assert_eq!(encode("a b/c"), "a%20b%2Fc");
        assert_eq!(encode("2.3.1+cu121"), "2.3.1%2Bcu121");
        assert_eq!(encode("A-z_0.9~"), "A-z_0.9~");
    }
}
