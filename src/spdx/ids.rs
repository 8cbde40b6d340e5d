//! spdxIds: every element of a document is an absolute IRI in the document's own namespace,
//! `urn:uuid:<uuid>#<kind>/<name>`, where the UUID (RFC 9562 version 8) is derived from a SHA-256 of the
//! document's content and `<name>` is the element's natural name (a file path, a dataset id, a purl)
//! percent-encoded to IRI-safe characters. Same content, same ids; every id is unique within the document.

use std::collections::BTreeSet;

/// Allocates unique spdxIds in one namespace.
#[derive(Debug)]
pub struct Ids {
    namespace: String,
    used: BTreeSet<String>,
}

impl Ids {
    /// Ids under `namespace` (the document's own IRI, e.g. `urn:uuid:…`).
    pub fn new(namespace: &str) -> Self {
        Ids {
            namespace: namespace.to_string(),
            used: BTreeSet::new(),
        }
    }

    /// The document's IRI.
    pub fn document(&self) -> String {
        self.namespace.clone()
    }

    /// A new id `<namespace>#<kind>/<name>`; a name already taken gets `-2`, `-3`, ... appended.
    pub fn next(&mut self, kind: &str, name: &str) -> String {
        let base = format!("{}#{kind}/{}", self.namespace, encode(name));
        let mut id = base.clone();
        let mut n = 2;
        while !self.used.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}

/// Percent-encode everything but RFC 3986 unreserved characters and `/` (UTF-8 bytes, uppercase hex), so
/// any path or name makes a valid IRI fragment and distinct names stay distinct.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(crate) use crate::bom::uuid_from_digest;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_percent_encoded_and_distinct() {
        assert_eq!(encode("data/train.jsonl"), "data/train.jsonl");
        assert_eq!(encode("a b#c%"), "a%20b%23c%25");
        assert_eq!(encode("pkg:pypi/torch@2.3.0"), "pkg%3Apypi/torch%402.3.0");
        assert_eq!(encode("é"), "%C3%A9");
        // `%` itself is encoded, so an encoded-looking name cannot collide with another name.
        assert_ne!(encode("a%20b"), encode("a b"));
    }

    #[test]
    fn ids_are_unique_in_their_namespace() {
        let mut ids = Ids::new("urn:uuid:x");
        assert_eq!(ids.document(), "urn:uuid:x");
        assert_eq!(ids.next("file", "a"), "urn:uuid:x#file/a");
        assert_eq!(ids.next("file", "a"), "urn:uuid:x#file/a-2");
        assert_eq!(ids.next("file", "a"), "urn:uuid:x#file/a-3");
        assert_eq!(ids.next("dataset", "a"), "urn:uuid:x#dataset/a");
    }

    #[test]
    fn uuid_has_version_8_and_rfc_variant() {
        let u = uuid_from_digest(&[0xffu8; 32]);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "8");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
    }
}
