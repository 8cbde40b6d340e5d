//! NumPy `.npy` headers: the magic, version, header length and the header dict literal. Only `descr`
//! matters for security: an object dtype (`O`, alone or inside a structured dtype) means the array data
//! is a pickle, which `numpy.load(allow_pickle=True)` unpickles.

use crate::error::{Error, Result};

/// What an `.npy` header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NpyHeader {
    /// The `descr` value as written (a type string or a structured-dtype list).
    pub descr: String,
    /// The dtype holds Python objects.
    pub object: bool,
    /// Offset of the array data (just past the header).
    pub data_offset: u64,
}

/// Headers longer than this are refused (NumPy itself caps them at 10,000 bytes by default).
const MAX_HEADER: usize = 1 << 20;

/// Bytes of a file needed to parse any header we accept.
pub const HEAD_NEEDED: usize = 12 + MAX_HEADER;

/// Parse an `.npy` header from the first bytes of the file; a header that cannot be read is an
/// [`Error::Invalid`] saying why.
pub fn parse_header(head: &[u8]) -> Result<NpyHeader> {
    header(head).map_err(Error::Invalid)
}

/// [`parse_header`] with the reason as text.
fn header(head: &[u8]) -> std::result::Result<NpyHeader, String> {
    if !head.starts_with(b"\x93NUMPY") || head.len() < 10 {
        return Err("not an .npy header".into());
    }
    let (len, start) = match head[6] {
        1 => (u16::from_le_bytes([head[8], head[9]]) as usize, 10),
        2 | 3 if head.len() >= 12 => (
            u32::from_le_bytes([head[8], head[9], head[10], head[11]]) as usize,
            12,
        ),
        v => return Err(format!("unsupported .npy version {v}")),
    };
    if len > MAX_HEADER {
        return Err(format!(
            "header of {len} bytes is over the {MAX_HEADER}-byte cap"
        ));
    }
    let text = head
        .get(start..start + len)
        .ok_or("file ends inside the .npy header")?;
    // Latin-1 (v1, v2) or UTF-8 (v3): only ASCII structure is looked at.
    let text: String = text.iter().map(|&b| b as char).collect();
    let at = text
        .find("'descr'")
        .or_else(|| text.find("\"descr\""))
        .ok_or("header has no 'descr'")?;
    let rest = text[at + 7..].trim_start();
    let rest = rest
        .strip_prefix(':')
        .ok_or("'descr' has no value")?
        .trim_start();
    let descr = value_text(rest).ok_or("'descr' value is malformed")?;
    let object = type_strings(descr).iter().any(|s| is_object_typestr(s));
    Ok(NpyHeader {
        descr: descr.to_string(),
        object,
        data_offset: (start + len) as u64,
    })
}

/// The text of one Python literal at the start of `s` (a quoted string, or a bracketed list).
fn value_text(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    match b.first()? {
        q @ (b'\'' | b'"') => {
            let end = s[1..].find(*q as char)?;
            Some(&s[..end + 2])
        }
        b'[' | b'(' => {
            let mut depth = 0i32;
            let mut quote: Option<u8> = None;
            for (i, &c) in b.iter().enumerate() {
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None => match c {
                        b'\'' | b'"' => quote = Some(c),
                        b'[' | b'(' => depth += 1,
                        b']' | b')' => {
                            depth -= 1;
                            if depth == 0 {
                                return Some(&s[..=i]);
                            }
                        }
                        _ => {}
                    },
                }
            }
            None
        }
        _ => None,
    }
}

/// The quoted strings of a descr that are type strings: all of them except field names, which open a
/// `(name, type[, shape])` tuple.
fn type_strings(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    let mut prev = b' ';
    while let Some(i) = rest.find(['\'', '"']) {
        if let Some(p) = rest[..i].bytes().rev().find(|b| !b.is_ascii_whitespace()) {
            prev = p;
        }
        let q = rest.as_bytes()[i] as char;
        let after = &rest[i + 1..];
        match after.find(q) {
            Some(j) => {
                if prev != b'(' {
                    out.push(&after[..j]);
                }
                prev = q as u8;
                rest = &after[j + 1..];
            }
            None => break,
        }
    }
    out
}

/// `O`, `|O`, `<O8`, ...: a type string of kind object.
fn is_object_typestr(s: &str) -> bool {
    let t = s.strip_prefix(['<', '>', '|', '=']).unwrap_or(s);
    t.strip_prefix('O')
        .is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()))
}

/// Build a v1 `.npy` header for `descr` and `shape` (tests and fuzz seeds).
pub fn header_v1(descr: &str, shape: &str) -> Vec<u8> {
    let mut dict = format!("{{'descr': {descr}, 'fortran_order': False, 'shape': {shape}, }}");
    while (10 + dict.len() + 1) % 64 != 0 {
        dict.push(' ');
    }
    dict.push('\n');
    let mut v = b"\x93NUMPY\x01\x00".to_vec();
    v.extend_from_slice(&(dict.len() as u16).to_le_bytes());
    v.extend_from_slice(dict.as_bytes());
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_dtypes_are_recognised() {
        let h = parse_header(&header_v1("'|O'", "(2,)")).unwrap();
        assert!(h.object);
        assert_eq!(h.data_offset % 64, 0);
        assert!(!parse_header(&header_v1("'<f4'", "(2, 3)")).unwrap().object);
        let s = parse_header(&header_v1("[('a', '<i4'), ('b', '|O')]", "(2,)")).unwrap();
        assert!(s.object);
        assert_eq!(s.descr, "[('a', '<i4'), ('b', '|O')]");
        // A field named O is not an object dtype.
        assert!(
            !parse_header(&header_v1("[('O', '<i4')]", "(2,)"))
                .unwrap()
                .object
        );
    }

    #[test]
    fn malformed_headers_are_errors() {
        assert!(parse_header(b"\x93NUMPY\x01\x00\xff\xff{").is_err());
        assert!(parse_header(b"\x93NUMPY\x09\x00\x00\x00").is_err());
        assert!(parse_header(b"\x93NUMPY\x01\x00\x05\x00{'a':").is_err());
        assert!(parse_header(b"\x93NUMPY").is_err());
    }
}
