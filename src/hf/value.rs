//! Bounded parsing of untrusted JSON and YAML into `serde_json::Value`, and typed field access that
//! turns a wrong type into a defect instead of an error. Every metadata parser in `hf`, `dataset` and
//! `deps` goes through here, so the limits live in one place: input size, nesting depth (the parsers'
//! own limit of 128), number of values built and bytes of text built. The value budget is what stops
//! YAML alias expansion ("billion laughs") and quadratic alias fan-out: aliases are replayed by the
//! parser, and every replayed node is charged to the budget, so the document is rejected long before
//! memory grows.

use std::cell::Cell;
use std::fmt;

use serde::de::{
    DeserializeSeed, EnumAccess, IgnoredAny, MapAccess, SeqAccess, VariantAccess, Visitor,
};
use serde_json::{Map, Number, Value};

/// Largest JSON metadata file we parse.
pub const MAX_JSON_BYTES: usize = 16 << 20;
/// Values (nodes) a JSON document may build.
const JSON_NODES: usize = 1_000_000;
/// Values (nodes) a YAML document may build, aliases expanded.
const YAML_NODES: usize = 200_000;
/// Bytes of strings (keys and scalars) a YAML document may build, aliases expanded.
const YAML_TEXT_BYTES: usize = 8 << 20;

/// What a document may cost to build.
struct Budget {
    nodes: Cell<usize>,
    bytes: Cell<usize>,
}

impl Budget {
    fn new(nodes: usize, bytes: usize) -> Self {
        Budget {
            nodes: Cell::new(nodes),
            bytes: Cell::new(bytes),
        }
    }

    fn node<E: serde::de::Error>(&self) -> Result<(), E> {
        match self.nodes.get().checked_sub(1) {
            Some(n) => {
                self.nodes.set(n);
                Ok(())
            }
            None => Err(E::custom(
                "document builds too many values (alias expansion or size limit)",
            )),
        }
    }

    fn text<E: serde::de::Error>(&self, len: usize) -> Result<(), E> {
        match self.bytes.get().checked_sub(len) {
            Some(n) => {
                self.bytes.set(n);
                Ok(())
            }
            None => Err(E::custom(
                "document builds too much text (alias expansion or size limit)",
            )),
        }
    }
}

/// Builds one value, charging the budget for every node and string.
#[derive(Clone, Copy)]
struct Seed<'a> {
    budget: &'a Budget,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

fn float(v: f64) -> Value {
    match Number::from_f64(v) {
        Some(n) => Value::Number(n),
        // YAML .nan / .inf: keep them visible as text rather than dropping them.
        None => Value::String(v.to_string()),
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
        self.budget.node()?;
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        self.budget.node()?;
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        self.budget.node()?;
        Ok(Value::Number(v.into()))
    }
    fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Value, E> {
        self.budget.node()?;
        Ok(float(v as f64))
    }
    fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Value, E> {
        self.budget.node()?;
        Ok(float(v as f64))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        self.budget.node()?;
        Ok(float(v))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        self.budget.node()?;
        self.budget.text(v.len())?;
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Value, E> {
        self.budget.node()?;
        self.budget.text(v.len())?;
        Ok(Value::String(v))
    }
    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Value, E> {
        self.budget.node()?;
        self.budget.text(v.len())?;
        Ok(Value::String(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        self.budget.node()?;
        Ok(Value::Null)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_newtype_struct<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.budget.node()?;
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(self)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.budget.node()?;
        let mut out = Map::new();
        while let Some(k) = map.next_key_seed(self)? {
            let key = key_string(k);
            self.budget.text(key.len())?;
            let v = map.next_value_seed(self)?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
    /// A YAML value with a custom tag (`!thing value`): keep the value, drop the tag.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (_tag, variant): (IgnoredAny, _) = data.variant()?;
        variant.newtype_variant_seed(self)
    }
}

/// YAML keys may be any value; metadata keys are strings, so everything else is stringified.
fn key_string(k: Value) -> String {
    match k {
        Value::String(s) => s,
        Value::Null => "null".to_owned(),
        other => other.to_string(),
    }
}

/// Top level of a document: like [`Seed`], but a top-level map may keep only some keys (the others
/// are skipped without being built).
struct Top<'a> {
    budget: &'a Budget,
    keep: Option<&'a [&'a str]>,
}

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a document")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let seed = Seed {
            budget: self.budget,
        };
        let Some(keep) = self.keep else {
            return seed.visit_map(map);
        };
        let mut out = Map::new();
        while let Some(k) = map.next_key_seed(seed)? {
            let key = key_string(k);
            if keep.contains(&key.as_str()) {
                let v = map.next_value_seed(seed)?;
                out.insert(key, v);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Value::Object(out))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Value, A::Error> {
        Seed {
            budget: self.budget,
        }
        .visit_seq(seq)
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        Seed {
            budget: self.budget,
        }
        .visit_enum(data)
    }
}

/// Parses untrusted JSON (at most [`MAX_JSON_BYTES`], depth 128, [`JSON_NODES`] values). With `keep`,
/// a top-level object keeps only those keys; the rest are validated and skipped without being built.
pub(crate) fn json(bytes: &[u8], keep: Option<&[&str]>) -> crate::Result<Value> {
    if bytes.len() > MAX_JSON_BYTES {
        return Err(crate::Error::invalid(format!(
            "input is {} bytes, more than the {} MiB limit",
            bytes.len(),
            MAX_JSON_BYTES >> 20
        )));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let budget = Budget::new(JSON_NODES, MAX_JSON_BYTES);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let v = Top {
        budget: &budget,
        keep,
    }
    .deserialize(&mut de)
    .map_err(|e| crate::Error::malformed("invalid JSON", e))?;
    de.end()
        .map_err(|e| crate::Error::malformed("invalid JSON", e))?;
    Ok(v)
}

/// Parses untrusted YAML (one document) with the alias-expansion budget. Errors carry the line of
/// the problem relative to `text` when the parser knows it: `(message, line)`.
pub(crate) fn yaml(text: &str) -> Result<Value, (String, Option<usize>)> {
    let budget = Budget::new(YAML_NODES, YAML_TEXT_BYTES);
    let de = serde_norway::Deserializer::from_str(text);
    Top {
        budget: &budget,
        keep: None,
    }
    .deserialize(de)
    .map_err(|e: serde_norway::Error| (e.to_string(), e.location().map(|l| l.line())))
}

/// Cuts `s` to at most `max` bytes on a char boundary; true when it cut.
pub(crate) fn truncate(s: &mut String, max: usize) -> bool {
    if s.len() <= max {
        return false;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    true
}

/// The longest prefix of `s` of at most `max` bytes ending on a char boundary.
pub(crate) fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Longest string any typed accessor returns; longer ones are cut (with a defect).
pub(crate) const MAX_FIELD: usize = 4096;
/// Most items any list accessor returns.
pub(crate) const MAX_ITEMS: usize = 1024;

/// Typed access to an object's fields; wrong types become defects naming the field.
pub(crate) struct Fields<'a> {
    pub obj: &'a Map<String, Value>,
    pub ctx: &'a str,
}

impl<'a> Fields<'a> {
    pub fn new(obj: &'a Map<String, Value>, ctx: &'a str) -> Self {
        Fields { obj, ctx }
    }

    fn name(&self, key: &str) -> String {
        if self.ctx.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.ctx)
        }
    }

    /// A scalar as text: strings as they are, numbers as written, booleans as true/false.
    pub fn string(&self, key: &str, defects: &mut Vec<String>) -> Option<String> {
        let v = self.obj.get(key)?;
        match scalar_text(v) {
            Some(mut s) => {
                if truncate(&mut s, MAX_FIELD) {
                    defects.push(format!(
                        "{} is longer than {MAX_FIELD} bytes; cut",
                        self.name(key)
                    ));
                }
                Some(s)
            }
            None if v.is_null() => None,
            None => {
                defects.push(format!(
                    "{} should be a string, found {}",
                    self.name(key),
                    kind(v)
                ));
                None
            }
        }
    }

    /// A string or a list of strings (numbers stringified); other items are defects.
    pub fn strings(&self, key: &str, defects: &mut Vec<String>) -> Vec<String> {
        match self.obj.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(v) => string_list(v, &self.name(key), defects),
        }
    }

    pub fn u64(&self, key: &str, defects: &mut Vec<String>) -> Option<u64> {
        let v = self.obj.get(key)?;
        match v {
            Value::Number(n) => match n.as_u64() {
                Some(u) => Some(u),
                None => match n.as_f64() {
                    Some(f) if f >= 0.0 && f.fract() == 0.0 && f < u64::MAX as f64 => {
                        Some(f as u64)
                    }
                    _ => {
                        defects.push(format!(
                            "{} should be a non-negative integer, found {n}",
                            self.name(key)
                        ));
                        None
                    }
                },
            },
            Value::Null => None,
            other => {
                defects.push(format!(
                    "{} should be an integer, found {}",
                    self.name(key),
                    kind(other)
                ));
                None
            }
        }
    }

    pub fn f64(&self, key: &str, defects: &mut Vec<String>) -> Option<f64> {
        let v = self.obj.get(key)?;
        match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => match s.trim().parse::<f64>() {
                Ok(f) if f.is_finite() => Some(f),
                _ => {
                    defects.push(format!(
                        "{} should be a number, found {:?}",
                        self.name(key),
                        prefix(s, 64)
                    ));
                    None
                }
            },
            Value::Null => None,
            other => {
                defects.push(format!(
                    "{} should be a number, found {}",
                    self.name(key),
                    kind(other)
                ));
                None
            }
        }
    }

    pub fn bool(&self, key: &str, defects: &mut Vec<String>) -> Option<bool> {
        let v = self.obj.get(key)?;
        match v {
            Value::Bool(b) => Some(*b),
            Value::Null => None,
            other => {
                defects.push(format!(
                    "{} should be true or false, found {}",
                    self.name(key),
                    kind(other)
                ));
                None
            }
        }
    }

    pub fn object(&self, key: &str, defects: &mut Vec<String>) -> Option<&'a Map<String, Value>> {
        let v = self.obj.get(key)?;
        match v {
            Value::Object(m) => Some(m),
            Value::Null => None,
            other => {
                defects.push(format!(
                    "{} should be a mapping, found {}",
                    self.name(key),
                    kind(other)
                ));
                None
            }
        }
    }

    pub fn array(&self, key: &str, defects: &mut Vec<String>) -> Option<&'a Vec<Value>> {
        let v = self.obj.get(key)?;
        match v {
            Value::Array(a) => Some(a),
            Value::Null => None,
            other => {
                defects.push(format!(
                    "{} should be a list, found {}",
                    self.name(key),
                    kind(other)
                ));
                None
            }
        }
    }
}

/// A scalar as text; `None` for null, lists and maps.
pub(crate) fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A string or list of scalars as strings (capped at [`MAX_ITEMS`] items of [`MAX_FIELD`] bytes).
pub(crate) fn string_list(v: &Value, name: &str, defects: &mut Vec<String>) -> Vec<String> {
    let items: &[Value] = match v {
        Value::Array(a) => a,
        Value::Null => &[],
        other => std::slice::from_ref(other),
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if out.len() == MAX_ITEMS {
            defects.push(format!(
                "{name} has more than {MAX_ITEMS} items; the rest are ignored"
            ));
            break;
        }
        match scalar_text(item) {
            Some(mut s) => {
                if truncate(&mut s, MAX_FIELD) {
                    defects.push(format!("{name}[{i}] is longer than {MAX_FIELD} bytes; cut"));
                }
                out.push(s);
            }
            None if item.is_null() => {}
            None => defects.push(format!(
                "{name}[{i}] should be a string, found {}",
                kind(item)
            )),
        }
    }
    out
}

/// The JSON kind of a value, for defect messages.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_depth_is_an_error_not_a_stack_overflow() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        let err = json(deep.as_bytes(), None).unwrap_err();
        assert!(err.to_string().contains("recursion limit"), "{err}");
        assert_eq!(err.kind(), crate::error::ErrorKind::Invalid);
        let cause = std::error::Error::source(&err).expect("the JSON parser's error is the source");
        assert!(cause.is::<serde_json::Error>(), "{cause:?}");
        let deep = "{\"a\":".repeat(50_000) + "1" + &"}".repeat(50_000);
        let r = json(deep.as_bytes(), Some(&["a"]));
        assert!(r.is_err(), "{:?}", r.map(|v| v.to_string().len()));
        // Skipped keys are validated by serde_json without recursion (nothing is built).
        let deep = "{\"b\":".to_owned() + &"[".repeat(100_000) + &"]".repeat(100_000) + "}";
        assert_eq!(
            json(deep.as_bytes(), Some(&["a"])).unwrap(),
            serde_json::json!({})
        );
        let unbalanced = "{\"b\":".to_owned() + &"[".repeat(100_000) + "}";
        assert!(json(unbalanced.as_bytes(), Some(&["a"])).is_err());
    }

    #[test]
    fn json_size_cap_and_bad_bytes() {
        let big = vec![b' '; 20 << 20];
        assert!(json(&big, None).unwrap_err().to_string().contains("limit"));
        assert!(json(b"{\"a\": \"\xff\xfe\"}", None)
            .unwrap_err()
            .to_string()
            .contains("invalid JSON"));
        assert!(json(b"{} trailing", None).is_err());
        assert_eq!(json(b"\xEF\xBB\xBF{\"a\":1}", None).unwrap()["a"], 1);
    }

    #[test]
    fn json_node_budget() {
        let many = format!("[{}0]", "0,".repeat(JSON_NODES + 10));
        assert!(json(many.as_bytes(), None)
            .unwrap_err()
            .to_string()
            .contains("too many values"));
    }

    #[test]
    fn json_keep_filters_top_level() {
        let v = json(
            br#"{"a": 1, "b": [1, 2, {"c": 3}], "d": "x"}"#,
            Some(&["a", "d"]),
        )
        .unwrap();
        assert_eq!(v, serde_json::json!({"a": 1, "d": "x"}));
    }

    #[test]
    fn yaml_billion_laughs_is_rejected() {
        let mut doc = String::from(
            "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for i in 1..10 {
            let p = i - 1;
            doc.push_str(&format!(
                "a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n"
            ));
        }
        let (msg, _) = yaml(&doc).unwrap_err();
        assert!(
            msg.contains("too many values") || msg.contains("repetition limit"),
            "{msg}"
        );
    }

    #[test]
    fn yaml_quadratic_fan_out_is_rejected() {
        // A long anchored list referenced many times: few jumps, many replayed nodes.
        let mut doc = String::from("a: &a [");
        doc.push_str(&"x,".repeat(20_000));
        doc.push_str("x]\nb: [");
        doc.push_str(&"*a,".repeat(20_000));
        doc.push_str("*a]\n");
        let (msg, _) = yaml(&doc).unwrap_err();
        assert!(msg.contains("too many values"), "{msg}");
        // Same for long strings.
        let mut doc = format!("a: &a \"{}\"\nb: [", "y".repeat(100_000));
        doc.push_str(&"*a,".repeat(200));
        doc.push_str("*a]\n");
        let (msg, _) = yaml(&doc).unwrap_err();
        assert!(msg.contains("too much text"), "{msg}");
    }

    #[test]
    fn yaml_deep_nesting_and_tags() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        assert!(yaml(&deep).is_err());
        let v = yaml("a: !custom {b: 1}\nc: !!str 5\nd: *nope\n");
        assert!(v.is_err());
        let v = yaml("a: !custom {b: 1}\nc: !!str 5\n1: one\n").unwrap();
        assert_eq!(v, serde_json::json!({"a": {"b": 1}, "c": "5", "1": "one"}));
    }

    #[test]
    fn yaml_error_has_line() {
        let (_, line) = yaml("a: 1\nb: [unclosed\nc: 2\n").unwrap_err();
        assert!(line.is_some());
    }

    #[test]
    fn truncation_respects_char_boundaries() {
        let mut s = "aé".repeat(10);
        assert!(truncate(&mut s, 5));
        assert_eq!(s, "aéa");
        assert!(truncate(&mut s, 2));
        assert_eq!(s, "a");
        assert_eq!(prefix("éé", 3), "é");
    }
}
