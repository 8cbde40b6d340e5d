//! Keras model configurations: the `config.json` of a `.keras` archive and the `model_config` attribute
//! of a legacy `.h5` file. Lambda layers carry serialized Python bytecode that runs on load; objects
//! from modules outside the Keras namespaces load code from elsewhere; objects on the known-dangerous
//! list of [`super::imports`] (`os.system` named as a serialized function, `keras.utils.get_file`) run
//! code whatever namespace they are in. Evidence names the object that runs: for a serialized function
//! (`class_name: "function"`) that is `module.config`, not `module.function`. The `.h5` attribute is
//! found by a byte search (no HDF5 library), bounded to the start of the file where Keras writes it.

use std::io::Read;

use serde_json::Value;

use super::finding::Sink;
use super::imports::{classify, Verdict};

/// Layer classes that carry Python code.
const LAMBDA_CLASSES: &[&str] = &["Lambda", "TFOpLambda", "__lambda__"];

/// Module prefixes of objects that come with Keras itself.
const KERAS_MODULES: &[&str] = &[
    "keras",
    "tf_keras",
    "keras_hub",
    "keras_nlp",
    "keras_cv",
    "builtins",
];

/// Bytes of an `.h5` file searched for `model_config`.
pub const H5_SCAN: u64 = 64 << 20;

/// Nesting depth followed in a config.
const MAX_DEPTH: usize = 64;

fn in_keras(module: &str) -> bool {
    KERAS_MODULES.iter().any(|m| {
        module == *m || (module.starts_with(m) && module.as_bytes().get(m.len()) == Some(&b'.'))
    })
}

/// Check a parsed model configuration; `what` names it in messages.
pub(crate) fn analyze_config(v: &Value, sink: &mut Sink, what: &str) {
    let mut found = 0usize;
    visit(v, sink, what, 0, &mut found);
}

fn visit(v: &Value, sink: &mut Sink, what: &str, depth: usize, found: &mut usize) {
    if depth > MAX_DEPTH || *found >= 200 {
        return;
    }
    match v {
        Value::Array(a) => {
            for x in a {
                visit(x, sink, what, depth + 1, found);
            }
        }
        Value::Object(o) => {
            let class = o.get("class_name").and_then(Value::as_str);
            let layer_name = o
                .get("config")
                .and_then(|c| c.get("name"))
                .and_then(Value::as_str)
                .or_else(|| o.get("name").and_then(Value::as_str))
                .unwrap_or("?");
            if let Some(c) = class {
                if LAMBDA_CLASSES.contains(&c) {
                    *found += 1;
                    // A tf.keras Lambda names a plain function as `module` + `function`.
                    let named = o.get("config").and_then(|cfg| legacy_lambda_callable(cfg));
                    let ev = match &named {
                        Some((m, f)) => format!("{c} layer '{layer_name}' calls {m}.{f}"),
                        None => format!("{c} layer '{layer_name}'"),
                    };
                    sink.add(
                        "keras-lambda",
                        None,
                        ev,
                        format!(
                            "{what} has a {c} layer ('{layer_name}') whose Python code runs when the model is loaded"
                        ),
                    );
                    if let Some((m, f)) = named {
                        if classify(m, f) == Verdict::Dangerous {
                            *found += 1;
                            dangerous(sink, what, m, f);
                        }
                    }
                } else {
                    let module = o.get("module").and_then(Value::as_str);
                    let registered = o.get("registered_name").and_then(Value::as_str);
                    // `class_name: "function"` with a string `config`: the config names the callable
                    // in `module` (Keras 3 serialized functions).
                    let object = match o.get("config").and_then(Value::as_str) {
                        Some(f) if c == "function" => f,
                        _ => c,
                    };
                    let danger = module.filter(|m| classify(m, object) == Verdict::Dangerous);
                    let custom_module = module.filter(|m| !in_keras(m));
                    let custom_reg = registered
                        .filter(|r| r.split_once('>').is_some_and(|(pkg, _)| !in_keras(pkg)));
                    if let Some(m) = danger {
                        *found += 1;
                        dangerous(sink, what, m, object);
                    } else if custom_module.is_some() || custom_reg.is_some() {
                        *found += 1;
                        let ev = match (custom_module, custom_reg) {
                            (Some(m), _) => format!("{m}.{object}"),
                            (None, Some(r)) => r.to_string(),
                            (None, None) => object.to_string(),
                        };
                        sink.add(
                            "keras-custom-object",
                            None,
                            ev.clone(),
                            format!(
                                "{what} references {ev}, a custom object outside the Keras namespaces; loading it imports code from elsewhere"
                            ),
                        );
                    }
                }
            }
            for x in o.values() {
                visit(x, sink, what, depth + 1, found);
            }
        }
        _ => {}
    }
}

/// The callable a tf.keras `Lambda` config names as a plain function: `{"function": "system",
/// "function_type": "function", "module": "os"}` (likewise `output_shape`).
fn legacy_lambda_callable(cfg: &Value) -> Option<(&str, &str)> {
    for (value, kind, module) in [
        ("function", "function_type", "module"),
        ("output_shape", "output_shape_type", "output_shape_module"),
    ] {
        let f = cfg.get(value).and_then(Value::as_str);
        let is_fn = cfg.get(kind).and_then(Value::as_str) == Some("function");
        let m = cfg.get(module).and_then(Value::as_str);
        if let (Some(f), true, Some(m)) = (f, is_fn, m) {
            return Some((m, f));
        }
    }
    None
}

/// Report a reference to an object on the known-dangerous list of [`super::imports`].
fn dangerous(sink: &mut Sink, what: &str, module: &str, object: &str) {
    sink.add(
        "keras-dangerous-object",
        None,
        format!("{module}.{object}"),
        format!(
            "{what} references {module}.{object}, which is on the known-dangerous list: it runs code or touches the system when the model is loaded"
        ),
    );
}

/// Search the first [`H5_SCAN`] bytes of an HDF5 file for a Keras `model_config` attribute and check it.
pub(crate) fn analyze_h5(r: impl Read, sink: &mut Sink) -> std::io::Result<()> {
    let mut buf = Vec::new();
    r.take(H5_SCAN).read_to_end(&mut buf)?;
    let Some(at) = find(&buf, b"model_config", 0) else {
        return Ok(());
    };
    // The JSON value is stored near the attribute name (before or after it, depending on the layout).
    let mut parsed = false;
    let mut from = at.saturating_sub(1 << 20);
    while let Some(j) = find(&buf, b"{\"class_name\"", from) {
        let mut de = serde_json::Deserializer::from_slice(&buf[j..]).into_iter::<Value>();
        if let Some(Ok(v)) = de.next() {
            analyze_config(&v, sink, "the HDF5 model_config");
            parsed = true;
            break;
        }
        from = j + 1;
    }
    if !parsed {
        // Fall back to the raw byte patterns (a config split across heap blocks, other spacing).
        for c in LAMBDA_CLASSES {
            for pat in [
                format!("\"class_name\": \"{c}\""),
                format!("\"class_name\":\"{c}\""),
            ] {
                if let Some(off) = find(&buf, pat.as_bytes(), 0) {
                    sink.add(
                        "keras-lambda",
                        Some(off as u64),
                        format!("{c} layer"),
                        format!("the HDF5 model_config names a {c} layer, whose Python code runs when the model is loaded"),
                    );
                }
            }
        }
    }
    Ok(())
}

/// First index of `needle` in `hay` at or after `from`.
pub(crate) fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from >= hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(v: &str) -> Vec<(&'static str, String)> {
        let mut s = Sink::new("m.keras");
        analyze_config(&serde_json::from_str(v).unwrap(), &mut s, "config.json");
        s.out.into_iter().map(|f| (f.code, f.evidence)).collect()
    }

    #[test]
    fn lambda_and_custom_objects() {
        let cfg = r#"{"module": "keras", "class_name": "Sequential", "config": {"layers": [
            {"module": "keras.layers", "class_name": "Dense", "config": {"name": "d"}, "registered_name": null},
            {"module": "keras.layers", "class_name": "Lambda", "config": {"name": "lam", "function": {"class_name": "__lambda__", "config": {"code": "4wEAAAAA"}}}},
            {"module": "evil_pkg.layers", "class_name": "Backdoor", "config": {"name": "b"}, "registered_name": "evil_pkg>Backdoor"},
            {"module": null, "class_name": "Mine", "config": {}, "registered_name": "Custom>Mine"}
        ]}}"#;
        assert_eq!(
            codes(cfg),
            [
                ("keras-lambda", "Lambda layer 'lam'".to_string()),
                ("keras-lambda", "__lambda__ layer '?'".to_string()),
                (
                    "keras-custom-object",
                    "evil_pkg.layers.Backdoor".to_string()
                ),
                ("keras-custom-object", "Custom>Mine".to_string()),
            ]
        );
        let clean = r#"{"module": "keras", "class_name": "Functional", "config": {"layers": [
            {"module": "keras.layers", "class_name": "InputLayer", "config": {"name": "in"}, "registered_name": null},
            {"module": "keras_hub.src.models", "class_name": "Backbone", "config": {}, "registered_name": "keras_hub>Backbone"}
        ]}}"#;
        assert!(codes(clean).is_empty(), "keras_hub>X is a Keras package");
    }

    #[test]
    fn function_evidence_names_the_callable() {
        // Keras 3 serialized function: `config` names the callable in `module`.
        let f = r#"{"module": "keras.layers", "class_name": "Dense", "config": {"name": "d",
            "activation": {"module": "os", "class_name": "function", "config": "system", "registered_name": "system"}}}"#;
        assert_eq!(
            codes(f),
            [("keras-dangerous-object", "os.system".to_string())]
        );
        // A custom (not dangerous) function: named by its callable too.
        let f = r#"{"module": "my_pkg.acts", "class_name": "function", "config": "swishy", "registered_name": "swishy"}"#;
        assert_eq!(
            codes(f),
            [("keras-custom-object", "my_pkg.acts.swishy".to_string())]
        );
        // A Keras-namespace function is neither.
        let f = r#"{"module": "keras.activations", "class_name": "function", "config": "relu", "registered_name": "relu"}"#;
        assert!(codes(f).is_empty());
    }

    #[test]
    fn dangerous_objects_are_reported_in_any_namespace() {
        let f = r#"{"module": "builtins", "class_name": "function", "config": "eval"}"#;
        assert_eq!(
            codes(f),
            [("keras-dangerous-object", "builtins.eval".to_string())]
        );
        let f = r#"{"module": "keras.utils", "class_name": "function", "config": "get_file"}"#;
        assert_eq!(
            codes(f),
            [("keras-dangerous-object", "keras.utils.get_file".to_string())]
        );
        let f = r#"{"module": "subprocess", "class_name": "Popen", "config": {}}"#;
        assert_eq!(
            codes(f),
            [("keras-dangerous-object", "subprocess.Popen".to_string())]
        );
        let mut s = Sink::new("m.keras");
        analyze_config(
            &serde_json::from_str(
                r#"{"module": "os", "class_name": "function", "config": "system"}"#,
            )
            .unwrap(),
            &mut s,
            "config.json",
        );
        assert_eq!(s.out[0].severity, crate::finding::Severity::Critical);
    }

    #[test]
    fn legacy_lambda_function_names_the_callable() {
        let f = r#"{"class_name": "Lambda", "config": {"name": "l", "function": "system",
            "function_type": "function", "module": "os", "output_shape": null}}"#;
        assert_eq!(
            codes(f),
            [
                (
                    "keras-lambda",
                    "Lambda layer 'l' calls os.system".to_string()
                ),
                ("keras-dangerous-object", "os.system".to_string())
            ]
        );
        // Serialized bytecode names no callable.
        let f = r#"{"class_name": "Lambda", "config": {"name": "l", "function": ["4wEAAA", null, null],
            "function_type": "lambda", "module": "__main__"}}"#;
        assert_eq!(codes(f), [("keras-lambda", "Lambda layer 'l'".to_string())]);
    }

    #[test]
    fn h5_model_config_byte_search() {
        let mut f = b"\x89HDF\r\n\x1a\n....model_config....".to_vec();
        f.extend_from_slice(br#"{"class_name": "Sequential", "config": {"layers": [{"class_name": "Lambda", "config": {"name": "x"}}]}}"#);
        f.extend_from_slice(b"\x00\x00rest");
        let mut s = Sink::new("m.h5");
        analyze_h5(&f[..], &mut s).unwrap();
        assert_eq!(s.out.len(), 1);
        assert_eq!(s.out[0].code, "keras-lambda");
        let mut s = Sink::new("m.h5");
        analyze_h5(&b"\x89HDF\r\n\x1a\nno config here"[..], &mut s).unwrap();
        assert!(s.out.is_empty());
    }
}
