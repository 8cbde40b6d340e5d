//! Import verdicts as users meet them: pickles and Keras configurations written here byte by byte (nothing
//! is ever loaded), run through `security::analyze_file` as the scan would, and checked for the code,
//! severity and evidence a policy acts on. Published scanner-bypass gadgets must be critical, imports
//! outside the allow-list high, dotted names both a bad operand and judged by what they reach.

use std::io::Write;
use std::path::Path;

use aibom::facts::Severity;
use aibom::finding;
use aibom::formats;
use aibom::security::{self, SecurityFinding};

// ---------------------------------------------------------------------------------------------------
// Writers.

/// Protocol 0: `module.name('arg')` with GLOBAL, MARK, STRING, TUPLE, REDUCE.
fn p0_call(m: &str, n: &str, arg: &str) -> Vec<u8> {
    format!("c{m}\n{n}\n(S'{arg}'\ntR.").into_bytes()
}

/// Protocol 2: GLOBAL, BINUNICODE, TUPLE1, REDUCE.
fn p2_call(m: &str, n: &str, arg: &str) -> Vec<u8> {
    let mut v = vec![0x80, 2];
    v.extend_from_slice(format!("c{m}\n{n}\n").as_bytes());
    v.push(b'X');
    v.extend_from_slice(&(arg.len() as u32).to_le_bytes());
    v.extend_from_slice(arg.as_bytes());
    v.extend_from_slice(b"\x85R.");
    v
}

fn short_str(v: &mut Vec<u8>, s: &str) {
    v.push(0x8c);
    v.push(s.len() as u8);
    v.extend_from_slice(s.as_bytes());
}

/// Protocol 4: SHORT_BINUNICODE module and name, STACK_GLOBAL, TUPLE1, REDUCE (the form that resolves
/// dotted names attribute by attribute).
fn p4_call(m: &str, n: &str, arg: &str) -> Vec<u8> {
    let mut v = vec![0x80, 4];
    short_str(&mut v, m);
    v.push(0x94);
    short_str(&mut v, n);
    v.push(0x94);
    v.push(0x93);
    v.push(0x94);
    short_str(&mut v, arg);
    v.extend_from_slice(b"\x85R.");
    v
}

fn keras_zip(config: &str) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in [
        (
            "metadata.json",
            &br#"{"keras_version": "3.5.0", "date_saved": "2024-01-01@00:00:00"}"#[..],
        ),
        ("config.json", config.as_bytes()),
        ("model.weights.h5", b"\x89HDF\r\n\x1a\n\x00\x00"),
    ] {
        w.start_file(name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A Keras 3 `Sequential` whose one `Dense` layer has `activation` set to the given object.
fn keras_with_activation(activation: &str) -> String {
    format!(
        r#"{{"module": "keras", "class_name": "Sequential", "config": {{"name": "s", "layers": [{{"module": "keras.layers", "class_name": "Dense", "config": {{"name": "d", "units": 2, "activation": {activation}}}, "registered_name": null}}]}}, "registered_name": null}}"#
    )
}

fn analyze(dir: &Path, name: &str, bytes: &[u8]) -> Vec<SecurityFinding> {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    let head = &bytes[..bytes.len().min(aibom::hash::HEAD_LEN)];
    let format = formats::sniff(head, bytes.len() as u64, name);
    security::analyze_file(&p, name, format, bytes.len() as u64, "")
}

fn find<'a>(f: &'a [SecurityFinding], code: &str) -> Option<&'a SecurityFinding> {
    f.iter().find(|x| x.code == code)
}

// ---------------------------------------------------------------------------------------------------
// Severities.

#[test]
fn code_table_severities_hold_against_bypasses() {
    let sev = |c: &str| finding::lookup(c).map(|x| x.severity);
    assert_eq!(sev("pickle-dangerous-import"), Some(Severity::Critical));
    assert_eq!(sev("pickle-unknown-import"), Some(Severity::High));
    assert_eq!(sev("keras-dangerous-object"), Some(Severity::Critical));
    assert_eq!(sev("keras-custom-object"), Some(Severity::High));
}

#[test]
fn unknown_import_is_high() {
    let dir = tempfile::tempdir().unwrap();
    let f = analyze(
        dir.path(),
        "model.pkl",
        &p2_call("sklearn.linear_model", "LogisticRegression", "x"),
    );
    let u = find(&f, "pickle-unknown-import").expect("unknown import reported");
    assert_eq!(u.severity, Severity::High);
    assert_eq!(
        u.evidence,
        "sklearn.linear_model.LogisticRegression via REDUCE"
    );
    assert!(find(&f, "pickle-dangerous-import").is_none(), "{f:#?}");
}

#[test]
fn dangerous_import_is_critical() {
    let dir = tempfile::tempdir().unwrap();
    let f = analyze(dir.path(), "model.pkl", &p2_call("posix", "system", "id"));
    let d = find(&f, "pickle-dangerous-import").unwrap();
    assert_eq!(d.severity, Severity::Critical);
    assert!(find(&f, "pickle-unknown-import").is_none());
}

/// One case per published gadget (module, name, where it was published or why it runs code).
const GADGETS: &[(&str, &str, &str)] = &[
    (
        "idlelib.autocomplete",
        "AutoComplete",
        "idlelib: eval of completion entities",
    ),
    (
        "idlelib.calltip",
        "get_entity",
        "idlelib: eval of the expression",
    ),
    ("idlelib.debugobj", "ObjectTreeItem", "idlelib internals"),
    (
        "idlelib.pyshell",
        "ModifiedInterpreter",
        "idlelib: runsource",
    ),
    ("idlelib.run", "Executive", "idlelib: runcode"),
    (
        "lib2to3.pgen2.pgen",
        "generate_grammar",
        "lib2to3 grammar loaders",
    ),
    (
        "lib2to3.pgen2.driver",
        "load_grammar",
        "lib2to3: unpickles grammar files",
    ),
    ("bdb", "Bdb", "Bdb.run executes source"),
    ("cProfile", "run", "cProfile.run executes source"),
    ("profile", "run", "profile.run executes source"),
    ("timeit", "timeit", "timeit executes its statement"),
    ("pydoc", "pipepager", "pydoc.pipepager runs a command"),
    ("pydoc", "locate", "pydoc.locate imports by name"),
    ("runpy", "run_path", "runpy runs a file"),
    (
        "code",
        "InteractiveInterpreter",
        "code.InteractiveInterpreter.runsource",
    ),
    ("imaplib", "IMAP4_stream", "IMAP4_stream runs a command"),
    ("logging.config", "listen", "logging.config.listen"),
    ("logging.config", "dictConfig", "logging.config.dictConfig"),
    (
        "mailcap",
        "findmatch",
        "mailcap.findmatch runs test commands",
    ),
    ("uuid", "_get_command_stdout", "uuid runs external commands"),
    (
        "_osx_support",
        "_read_output",
        "_osx_support runs shell commands",
    ),
    (
        "_osx_support",
        "_find_build_tool",
        "_osx_support runs shell commands",
    ),
    ("_io", "FileIO", "raw file access"),
    ("io", "FileIO", "raw file access"),
    ("io", "open", "file access"),
    ("_io", "open", "file access"),
    ("torch.utils.collect_env", "run", "runs a shell command"),
    (
        "torch.utils.bottleneck.__main__",
        "run_cprofile",
        "runs a script",
    ),
    ("torch._dynamo", "optimize", "dynamo internals"),
    (
        "torch._inductor.codecache",
        "compile_file",
        "picklescan list",
    ),
    (
        "torch.jit.unsupported_tensor_ops",
        "execWrapper",
        "picklescan list",
    ),
    ("torch.serialization", "load", "nested torch.load"),
    ("torch", "load", "nested torch.load"),
    ("numpy", "load", "nested numpy.load"),
    ("numpy.lib.npyio", "load", "nested numpy.load"),
    (
        "numpy.testing._private.utils",
        "runstring",
        "exec of source",
    ),
    ("operator", "attrgetter", "getattr primitive"),
    ("operator", "methodcaller", "call primitive"),
    ("operator", "itemgetter", "item access primitive"),
    ("_operator", "attrgetter", "C twin of operator.attrgetter"),
    ("functools", "partial", "call primitive"),
    ("functools", "reduce", "call primitive"),
    (
        "builtins",
        "__getattribute__",
        "reflective access through the module",
    ),
    ("builtins", "getattr", "reflective access"),
    ("distutils.spawn", "spawn", "runs a program"),
    ("setuptools._distutils.spawn", "spawn", "runs a program"),
    ("ensurepip", "bootstrap", "installs pip"),
    ("venv", "create", "creates an environment"),
    (
        "asyncio.subprocess",
        "create_subprocess_shell",
        "runs a shell command",
    ),
    (
        "asyncio.unix_events",
        "_UnixSubprocessTransport",
        "submodule of a blocked module (CVE-2025-10157)",
    ),
    ("_posixsubprocess", "fork_exec", "spawns a process"),
    ("multiprocessing", "Process", "starts a process"),
    ("pty", "spawn", "runs a program"),
    ("webbrowser", "open", "opens a browser"),
    ("ctypes", "CDLL", "loads a shared library"),
    ("cffi", "FFI", "native code"),
    ("numpy.ctypeslib", "load_library", "loads a shared library"),
    ("sys", "setprofile", "interpreter hooks"),
    ("pip", "main", "CVE-2025-1716"),
    ("keras.utils", "get_file", "CVE-2025-8747"),
    (
        "commands",
        "getoutput",
        "Python 2 name for subprocess.getoutput under fix_imports",
    ),
    (
        "__builtin__",
        "reduce",
        "Python 2 name for functools.reduce under fix_imports",
    ),
    (
        "cStringIO",
        "open",
        "Python 2 name for io.open under fix_imports",
    ),
    (
        "unittest.__main__",
        "main",
        "importing it runs test discovery",
    ),
    (
        "torch.storage",
        "_load_from_bytes",
        "nested torch.load of bytes in the pickle",
    ),
    ("pickle", "loads", "nested pickle"),
    ("marshal", "loads", "code objects from bytes"),
    ("types", "CodeType", "code objects"),
    ("shutil", "rmtree", "removes trees"),
    ("socket", "create_connection", "network"),
];

#[test]
fn bypass_gadgets_are_critical() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (i, (m, n, why)) in GADGETS.iter().enumerate() {
        // Protocol 2 GLOBAL for plain names, protocol 4 STACK_GLOBAL for every other case, so both
        // import opcodes are exercised.
        let bytes = if i % 2 == 0 {
            p2_call(m, n, "x")
        } else {
            p4_call(m, n, "x")
        };
        let f = analyze(dir.path(), "model.pkl", &bytes);
        let want = format!("{m}.{n} via REDUCE");
        let ok = f.iter().any(|x| {
            x.code == "pickle-dangerous-import"
                && x.severity == Severity::Critical
                && x.evidence == want
        }) && find(&f, "pickle-unknown-import").is_none();
        if !ok {
            failures.push(format!("{m}.{n} ({why}): {f:#?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} gadgets not critical:\n{}",
        failures.len(),
        GADGETS.len(),
        failures.join("\n")
    );
}

#[test]
fn bypass_gadget_idlelib_is_critical() {
    let dir = tempfile::tempdir().unwrap();
    for (m, n) in [
        ("idlelib.pyshell", "ModifiedInterpreter"),
        ("idlelib.calltip", "get_entity"),
    ] {
        let f = analyze(
            dir.path(),
            "x.pkl",
            &p0_call(m, n, "__import__('os').system('id')"),
        );
        let d = find(&f, "pickle-dangerous-import").unwrap_or_else(|| panic!("{m}.{n}: {f:#?}"));
        assert_eq!(d.severity, Severity::Critical);
        assert_eq!(d.evidence, format!("{m}.{n} via REDUCE"));
    }
}

#[test]
fn near_misses_of_dangerous_names_are_not_dangerous() {
    // A module whose name starts like a dangerous one, and public objects of a module with dangerous
    // private helpers: unknown (high), not critical.
    let dir = tempfile::tempdir().unwrap();
    for (m, n) in [("osmium", "Thing"), ("uuid", "UUID"), ("pipeline", "Step")] {
        let f = analyze(dir.path(), "x.pkl", &p2_call(m, n, "x"));
        assert!(
            find(&f, "pickle-dangerous-import").is_none(),
            "{m}.{n}: {f:#?}"
        );
        assert_eq!(
            find(&f, "pickle-unknown-import").map(|x| x.severity),
            Some(Severity::High),
            "{m}.{n}"
        );
    }
}

#[test]
fn allowed_checkpoint_imports_stay_clean() {
    // Every import real checkpoints use, each pushed by GLOBAL and popped: no finding at all.
    let mut v = vec![0x80, 2];
    for (m, n) in [
        ("collections", "OrderedDict"),
        ("torch._utils", "_rebuild_tensor_v2"),
        ("torch._utils", "_rebuild_parameter"),
        ("torch", "FloatStorage"),
        ("torch", "BFloat16Storage"),
        ("torch.storage", "UntypedStorage"),
        ("torch", "Size"),
        ("torch", "device"),
        ("torch", "float16"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.dtypes", "Float32DType"),
        ("_codecs", "encode"),
        ("joblib.numpy_pickle", "NumpyArrayWrapper"),
        ("transformers.training_args", "TrainingArguments"),
        ("__builtin__", "set"),
    ] {
        v.extend_from_slice(format!("c{m}\n{n}\n0").as_bytes());
    }
    v.extend_from_slice(b"N.");
    let dir = tempfile::tempdir().unwrap();
    let f = analyze(dir.path(), "model.pkl", &v);
    assert!(f.is_empty(), "{f:#?}");
}

// ---------------------------------------------------------------------------------------------------
// Dotted names.

#[test]
fn dotted_name_is_bad_operand_and_judged_by_first_component() {
    let dir = tempfile::tempdir().unwrap();
    for (m, n, verdict) in [
        ("builtins", "eval.__call__", "pickle-dangerous-import"),
        ("os", "system.__self__", "pickle-dangerous-import"),
        ("posix", "system.__call__", "pickle-dangerous-import"),
        (
            "collections",
            "OrderedDict.fromkeys",
            "pickle-unknown-import",
        ),
        ("torch", "FloatStorage.from_file", "pickle-unknown-import"),
    ] {
        let f = analyze(dir.path(), "x.pkl", &p4_call(m, n, "x"));
        let bad = find(&f, "pickle-bad-operand").unwrap_or_else(|| panic!("{m}.{n}: {f:#?}"));
        assert_eq!(bad.severity, Severity::Medium);
        assert!(bad.evidence.contains(n), "{}", bad.evidence);
        let v = find(&f, verdict).unwrap_or_else(|| panic!("{m}.{n}: {f:#?}"));
        assert_eq!(v.evidence, format!("{m}.{n} via REDUCE"));
        let want = if verdict == "pickle-dangerous-import" {
            Severity::Critical
        } else {
            Severity::High
        };
        assert_eq!(v.severity, want, "{m}.{n}");
    }
}

#[test]
fn dunder_attribute_anywhere_is_dangerous() {
    let dir = tempfile::tempdir().unwrap();
    for (m, n) in [
        ("collections", "OrderedDict.__init__.__globals__"),
        ("mypkg", "__builtins__"),
    ] {
        let f = analyze(dir.path(), "x.pkl", &p4_call(m, n, "x"));
        // Only the dotted path is a malformed operand; both are dangerous imports.
        assert_eq!(
            find(&f, "pickle-bad-operand").is_some(),
            n.contains('.'),
            "{m}.{n}: {f:#?}"
        );
        assert_eq!(
            find(&f, "pickle-dangerous-import").map(|x| x.severity),
            Some(Severity::Critical),
            "{m}.{n}: {f:#?}"
        );
    }
}

#[test]
fn plain_names_are_not_bad_operands() {
    let dir = tempfile::tempdir().unwrap();
    let f = analyze(dir.path(), "x.pkl", &p4_call("posix", "system", "id"));
    assert!(find(&f, "pickle-bad-operand").is_none(), "{f:#?}");
}

// ---------------------------------------------------------------------------------------------------
// Keras.

#[test]
fn keras_function_evidence_names_the_callable() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = keras_with_activation(
        r#"{"module": "os", "class_name": "function", "config": "system", "registered_name": "system"}"#,
    );
    let f = analyze(dir.path(), "model.keras", &keras_zip(&cfg));
    let d = find(&f, "keras-dangerous-object").unwrap_or_else(|| panic!("{f:#?}"));
    assert_eq!(d.evidence, "os.system");
    assert_eq!(d.severity, Severity::Critical);
    assert!(
        f.iter().all(|x| !x.evidence.contains("os.function")),
        "{f:#?}"
    );
}

#[test]
fn keras_custom_function_evidence_names_the_callable() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = keras_with_activation(
        r#"{"module": "my_acts", "class_name": "function", "config": "swish2", "registered_name": "swish2"}"#,
    );
    let f = analyze(dir.path(), "model.keras", &keras_zip(&cfg));
    let c = find(&f, "keras-custom-object").unwrap_or_else(|| panic!("{f:#?}"));
    assert_eq!(c.evidence, "my_acts.swish2");
    assert_eq!(c.severity, Severity::High);
    assert!(find(&f, "keras-dangerous-object").is_none());
}

#[test]
fn keras_lambda_named_function_is_reported_with_the_callable() {
    let dir = tempfile::tempdir().unwrap();
    // tf.keras Lambda layer naming a plain function: `module` + `function`.
    let cfg = r#"{"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "Lambda", "config": {"name": "run", "function": "system", "function_type": "function", "module": "posix", "output_shape": null, "output_shape_type": "raw", "output_shape_module": null, "arguments": {}}}]}}"#;
    let f = analyze(dir.path(), "model.keras", &keras_zip(cfg));
    assert_eq!(
        find(&f, "keras-lambda").map(|x| x.evidence.as_str()),
        Some("Lambda layer 'run' calls posix.system")
    );
    assert_eq!(
        find(&f, "keras-dangerous-object").map(|x| (x.evidence.as_str(), x.severity)),
        Some(("posix.system", Severity::Critical))
    );
}

#[test]
fn keras_gadget_inside_the_keras_namespace_is_critical() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = keras_with_activation(
        r#"{"module": "keras.utils", "class_name": "function", "config": "get_file", "registered_name": null}"#,
    );
    let f = analyze(dir.path(), "model.keras", &keras_zip(&cfg));
    assert_eq!(
        find(&f, "keras-dangerous-object").map(|x| x.evidence.as_str()),
        Some("keras.utils.get_file"),
        "{f:#?}"
    );
    // An ordinary Keras activation stays clean.
    let cfg = keras_with_activation(
        r#"{"module": "keras.activations", "class_name": "function", "config": "relu", "registered_name": "relu"}"#,
    );
    let f = analyze(dir.path(), "model.keras", &keras_zip(&cfg));
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn keras_dangerous_class_module_is_critical() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = r#"{"module": "keras", "class_name": "Sequential", "config": {"name": "s", "layers": [{"module": "subprocess", "class_name": "Popen", "config": {"name": "p"}, "registered_name": null}]}}"#;
    let f = analyze(dir.path(), "model.keras", &keras_zip(cfg));
    assert_eq!(
        find(&f, "keras-dangerous-object").map(|x| (x.evidence.as_str(), x.severity)),
        Some(("subprocess.Popen", Severity::Critical)),
        "{f:#?}"
    );
    assert!(
        find(&f, "keras-custom-object").is_none(),
        "one finding per object"
    );
}
