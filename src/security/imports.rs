//! Verdicts on the Python objects a pickle imports: an allowlist of what ML checkpoints legitimately
//! reference (tensor rebuilders, storages, numpy arrays, ordered dicts) and a blocklist of what runs code
//! or touches the system (eval/exec, os/posix/subprocess, importlib, network modules, ...). Anything on
//! neither list is "unknown": not proven harmful, not proven safe.

use serde::Serialize;

/// How an import is judged. Ordered from least to most alarming.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Allowed,
    Unknown,
    Dangerous,
}

/// `module.name` pairs (or `module.*`) that ML checkpoints use.
const ALLOWED: &[(&str, &str)] = &[
    ("collections", "OrderedDict"),
    ("collections", "defaultdict"),
    ("torch._utils", "_rebuild_tensor"),
    ("torch._utils", "_rebuild_tensor_v2"),
    ("torch._utils", "_rebuild_tensor_v3"),
    ("torch._utils", "_rebuild_parameter"),
    ("torch._utils", "_rebuild_parameter_with_state"),
    ("torch._utils", "_rebuild_device_tensor_from_numpy"),
    ("torch._utils", "_rebuild_qtensor"),
    ("torch._utils", "_rebuild_sparse_tensor"),
    ("torch", "Size"),
    ("torch", "device"),
    ("torch", "dtype"),
    ("torch", "bfloat16"),
    ("torch", "float16"),
    ("torch", "float32"),
    ("torch", "float64"),
    ("torch", "int8"),
    ("torch", "int16"),
    ("torch", "int32"),
    ("torch", "int64"),
    ("torch", "uint8"),
    ("torch", "bool"),
    ("torch._tensor", "_rebuild_from_type_v2"),
    ("torch.nn.parameter", "Parameter"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy", "dtype"),
    ("numpy", "ndarray"),
    ("_codecs", "encode"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "bytearray"),
    ("builtins", "slice"),
    ("builtins", "complex"),
    ("__builtin__", "set"),
    ("transformers.training_args", "TrainingArguments"),
];

/// Names in `builtins` / `__builtin__` that evaluate code or reach arbitrary attributes.
const DANGEROUS_BUILTINS: &[&str] = &[
    "eval",
    "exec",
    "execfile",
    "compile",
    "open",
    "getattr",
    "setattr",
    "delattr",
    "__import__",
    "breakpoint",
    "globals",
    "locals",
    "vars",
    "input",
    "apply",
];

/// Modules where every name is dangerous.
const DANGEROUS_MODULES: &[&str] = &[
    "os",
    "posix",
    "nt",
    "subprocess",
    "_posixsubprocess",
    "pty",
    "runpy",
    "code",
    "codeop",
    "importlib",
    "zipimport",
    "cloudpickle",
    "dill",
    "pickle",
    "_pickle",
    "joblib",
    "ctypes",
    "shutil",
    "tempfile",
    "multiprocessing",
    "signal",
    "socket",
    "ssl",
    "http",
    "urllib",
    "requests",
    "asyncio",
    "webbrowser",
    "smtplib",
    "ftplib",
    "xmlrpc",
    "pip",
    "ensurepip",
    "venv",
    "pdb",
    "timeit",
    "cProfile",
    "profile",
    "trace",
    "doctest",
    "pydoc",
    "numpy.f2py",
    "numpy.testing._private.utils",
    "sys",
    "platform",
];

/// Single dangerous objects in otherwise ordinary modules.
const DANGEROUS_NAMES: &[(&str, &str)] = &[
    ("pkgutil", "resolve_name"),
    ("marshal", "loads"),
    ("types", "CodeType"),
    ("types", "FunctionType"),
    ("operator", "attrgetter"),
    ("operator", "itemgetter"),
    ("operator", "methodcaller"),
    ("functools", "partial"),
    ("torch.serialization", "load"),
    ("torch.jit.unsupported_tensor_ops", "execWrapper"),
    ("torch._inductor.codecache", "compile_file"),
    ("torch.hub", "load"),
    ("torch.hub", "load_state_dict_from_url"),
];

/// `module` equals `m` or is a submodule of it.
fn in_module(module: &str, m: &str) -> bool {
    module == m
        || (module.len() > m.len() && module.starts_with(m) && module.as_bytes()[m.len()] == b'.')
}

/// Benign objects inside modules that are otherwise blocked: joblib's wrappers for the NumPy arrays it
/// writes after the pickle (every scikit-learn model saved with joblib has them).
const ALLOWED_IN_BLOCKED: &[(&str, &str)] = &[
    ("joblib.numpy_pickle", "NumpyArrayWrapper"),
    ("joblib.numpy_pickle", "NDArrayWrapper"),
];

/// Judge one import.
pub fn classify(module: &str, name: &str) -> Verdict {
    if ALLOWED_IN_BLOCKED
        .iter()
        .any(|(m, n)| module == *m && name == *n)
    {
        return Verdict::Allowed;
    }
    if matches!(module, "builtins" | "__builtin__") && DANGEROUS_BUILTINS.contains(&name) {
        return Verdict::Dangerous;
    }
    if DANGEROUS_MODULES.iter().any(|m| in_module(module, m)) {
        return Verdict::Dangerous;
    }
    if DANGEROUS_NAMES
        .iter()
        .any(|(m, n)| module == *m && name == *n)
    {
        return Verdict::Dangerous;
    }
    if ALLOWED.iter().any(|(m, n)| module == *m && name == *n) {
        return Verdict::Allowed;
    }
    // Storage classes (`torch.FloatStorage`, `torch.storage.UntypedStorage`, ...).
    if (module == "torch" || module == "torch.storage")
        && name.ends_with("Storage")
        && !name.contains('.')
    {
        return Verdict::Allowed;
    }
    // NumPy 2 pickles dtypes as classes of `numpy.dtypes` (`Float32DType`, ...).
    if module == "numpy.dtypes" && name.ends_with("DType") && !name.contains('.') {
        return Verdict::Allowed;
    }
    Verdict::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        assert_eq!(classify("posix", "system"), Verdict::Dangerous);
        assert_eq!(classify("os.path", "join"), Verdict::Dangerous);
        assert_eq!(classify("builtins", "eval"), Verdict::Dangerous);
        assert_eq!(classify("builtins", "getattr"), Verdict::Dangerous);
        assert_eq!(
            classify("importlib.machinery", "SourceFileLoader"),
            Verdict::Dangerous
        );
        assert_eq!(classify("functools", "partial"), Verdict::Dangerous);
        assert_eq!(
            classify("torch._utils", "_rebuild_tensor_v2"),
            Verdict::Allowed
        );
        assert_eq!(classify("torch", "FloatStorage"), Verdict::Allowed);
        assert_eq!(classify("collections", "OrderedDict"), Verdict::Allowed);
        assert_eq!(classify("builtins", "set"), Verdict::Allowed);
        assert_eq!(
            classify("osmium", "x"),
            Verdict::Unknown,
            "prefix of a module name is not the module"
        );
        assert_eq!(classify("mypkg.layers", "Custom"), Verdict::Unknown);
    }
}
