//! Verdicts on the Python objects a pickle imports (and a Keras configuration names): one table,
//! [`RULES`], holds both the known-dangerous entries — objects that run code, load other code or
//! pickles, or touch the system, each with the advisory, CVE or write-up that put it there — and the
//! small allow-list of what ML checkpoints legitimately reference, each with its justification. An
//! import matched by neither is unknown: not proven harmful, but loading still calls it. The module also
//! owns the Python 2 names the unpickler rewrites (`fix_imports`) and the rule for dotted names. The
//! table is rendered into docs/pickle-imports.md, and a test keeps the two equal.

use serde::Serialize;

/// How an import is judged. Ordered from least to most alarming.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Allowed,
    Unknown,
    Dangerous,
}

/// One entry of [`RULES`].
///
/// `module` is a module path, or `*` for an *attribute rule* that applies to every attribute step of
/// every import (each component of a dotted name, and each submodule after the top-level package).
/// `name` is one of
/// - `*`: every name in `module` and in all of its submodules;
/// - a pattern with one `*` (`*Storage`, `_*`, `__*__`): matching names in exactly `module`;
/// - a plain name: that object in exactly `module`.
///
/// When several rules match, the most specific wins: a plain name over a pattern over a module-wide
/// `*`, and between module-wide rules the longer module. That is how an allowed object can sit inside a
/// dangerous module (joblib's array wrappers inside `joblib`). Attribute rules only ever make a verdict
/// worse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub module: &'static str,
    pub name: &'static str,
    pub verdict: Verdict,
    /// For dangerous entries: the advisory, CVE, write-up or mechanism that makes the object dangerous;
    /// for allowed entries: why loading it is safe.
    pub source: &'static str,
}

const fn danger(module: &'static str, name: &'static str, source: &'static str) -> Rule {
    Rule {
        module,
        name,
        verdict: Verdict::Dangerous,
        source,
    }
}

const fn allow(module: &'static str, name: &'static str, source: &'static str) -> Rule {
    Rule {
        module,
        name,
        verdict: Verdict::Allowed,
        source,
    }
}

// Sources cited more than once.
const SCANNERS: &str =
    "blocked by every public pickle scanner (picklescan, ModelScan, fickling): runs shell commands";
const EVAL: &str = "evaluates or compiles Python source";
const REFLECT: &str = "reflective access: reaches any attribute of any object (`getattr(posix, 'system')`) without a visible import";
const NESTED: &str =
    "nested deserializer: loads another pickle (or code) the scan of this stream cannot see";
const NET: &str =
    "network access from the loading machine (ModelScan and picklescan block network modules)";
const FILES: &str = "opens, writes or removes files on the loading machine";
const NATIVE: &str = "calls native code or loads a shared library";
const INSTALL: &str = "installs packages or creates environments: runs setup code";

/// Every dangerous and allowed entry, grouped by theme. docs/pickle-imports.md is rendered from this
/// table (see the test `docs_table_matches_rules`).
pub const RULES: &[Rule] = &[
    // --- Evaluating code -------------------------------------------------------------------------
    danger("builtins", "eval", EVAL),
    danger("builtins", "exec", EVAL),
    danger("builtins", "compile", EVAL),
    danger("builtins", "execfile", "Python 2 `execfile`: runs a source file (reached as `__builtin__.execfile`)"),
    danger("builtins", "input", "Python 2 `input` evaluates what it reads; Python 3 blocks the loader on stdin"),
    danger("builtins", "apply", "Python 2 `apply`: calls any callable with any arguments"),
    danger("builtins", "breakpoint", "starts a debugger, or whatever `$PYTHONBREAKPOINT` names"),
    danger("builtins", "help", "`help('modules')` imports every installed module; the pager runs `$PAGER`"),
    danger("builtins", "__import__", "imports any module by name (every public scanner blocks it)"),
    danger("builtins", "getattr", REFLECT),
    danger("builtins", "setattr", "rewrites attributes of any object (monkey-patches the loader)"),
    danger("builtins", "delattr", "removes attributes of any object (disables checks in the loader)"),
    danger("builtins", "globals", "exposes a module namespace, and through it every builtin"),
    danger("builtins", "locals", "exposes a namespace, and through it every builtin"),
    danger("builtins", "vars", "exposes any object's namespace (`vars(builtins)['eval']`)"),
    danger("builtins", "open", FILES),
    danger("builtins", "file", "Python 2 `file`: opens any file"),
    danger("*", "__*__", "dunder attributes reach interpreter internals (`__getattribute__`, `__globals__`, `__builtins__`, `__self__`, `__subclasses__`), and a `pkg.__main__` module runs the package's command line when imported (`unittest.__main__`, `idlelib.__main__`)"),
    danger("types", "CodeType", "builds a code object from bytes in the pickle"),
    danger("types", "FunctionType", "turns a code object into a callable function"),
    danger("types", "LambdaType", "alias of `types.FunctionType`"),
    danger("marshal", "*", "`marshal.loads` rebuilds code objects from bytes in the pickle"),
    danger("code", "*", "`code.InteractiveInterpreter().runsource` / `InteractiveConsole` execute source (scanner-bypass gadget, 2025)"),
    danger("codeop", "*", "compiles source (`compile_command`) for the interactive interpreter"),
    danger("runpy", "*", "runs a module or a file as `__main__` (`run_path`, `run_module`, `_run_code`)"),
    danger("importlib", "*", "imports any module, or loads one from a file (`SourceFileLoader`)"),
    danger("imp", "*", "Python ≤ 3.11 import machinery: `load_source` runs a file"),
    danger("zipimport", "*", "imports modules from any zip file"),
    danger("pkgutil", "*", "`resolve_name` imports a module and walks attributes (a getattr primitive); `get_importer`, `walk_packages` import"),
    danger("py_compile", "*", "compiles (and writes) Python files"),
    danger("compileall", "*", "compiles (and writes) Python files in bulk"),
    danger("inspect", "getattr_static", REFLECT),
    danger("operator", "attrgetter", "builds an attribute chain (`attrgetter('system')(os)`): a getattr without `builtins.getattr`; blocked by picklescan and ModelScan"),
    danger("operator", "methodcaller", "calls any method by name on an object the pickle supplies"),
    danger("operator", "itemgetter", "reads items from mappings the pickle reaches (`sys.modules`, namespaces): gadget-chain primitive"),
    danger("_operator", "attrgetter", "C twin of `operator.attrgetter` (same object, different module name)"),
    danger("_operator", "methodcaller", "C twin of `operator.methodcaller`"),
    danger("_operator", "itemgetter", "C twin of `operator.itemgetter`"),
    danger("functools", "partial", "binds arguments to a callable so that a later call runs it (gadget-chain primitive, blocked by picklescan)"),
    danger("functools", "reduce", "calls an imported function repeatedly over data in the pickle (gadget-chain primitive)"),
    danger("_functools", "partial", "C twin of `functools.partial`"),
    danger("_functools", "reduce", "C twin of `functools.reduce`"),
    // --- Processes, the OS and the interpreter -------------------------------------------------------
    danger("os", "*", SCANNERS),
    danger("posix", "*", "what `os.system` is called in a pickle written on Linux and macOS; blocked by every public scanner"),
    danger("nt", "*", "what `os.system` is called in a pickle written on Windows; blocked by every public scanner"),
    danger("subprocess", "*", SCANNERS),
    danger("_posixsubprocess", "*", "`fork_exec`, the primitive under `subprocess`"),
    danger("_winapi", "*", "`CreateProcess`, the primitive under `subprocess` on Windows"),
    danger("pty", "*", "`pty.spawn` runs a program on a terminal (ModelScan, fickling)"),
    danger("platform", "*", "`platform.popen` (Python ≤ 3.7) and `_syscmd_ver` / `_syscmd_file` run commands"),
    danger("sys", "*", "interpreter state: `sys.modules` (any loaded module), `settrace`/`setprofile` hooks, `exit`; blocked by picklescan, ModelScan and fickling"),
    danger("signal", "*", "installs signal handlers or signals processes"),
    danger("multiprocessing", "*", "starts processes and calls functions in them"),
    danger("_multiprocessing", "*", "C half of `multiprocessing`"),
    danger("asyncio", "*", "`asyncio.subprocess`, `create_subprocess_shell`, event-loop subprocess transports in submodules (`asyncio.unix_events`); a submodule of a blocked module is the bypass of CVE-2025-10157"),
    danger("ctypes", "*", NATIVE),
    danger("_ctypes", "*", NATIVE),
    danger("cffi", "*", NATIVE),
    danger("numpy.ctypeslib", "*", "`load_library` loads a shared library"),
    danger("_osx_support", "*", "`_read_output` and `_find_build_tool` run shell commands (scanner-bypass gadget, 2025)"),
    danger("_aix_support", "*", "runs `lslpp` through `subprocess` (same shape as `_osx_support`)"),
    danger("uuid", "_*", "`_get_command_stdout` and the `_*_getnode` helpers run external commands (ifconfig, ip, arp, netstat); scanner-bypass gadget, 2025. Public `uuid.UUID` stays unknown"),
    danger("mailcap", "*", "`findmatch` runs the `test` commands of mailcap entries with `os.system` (scanner-bypass gadget, 2025)"),
    danger("imaplib", "*", "`IMAP4_stream` runs its argument as a shell command (scanner-bypass gadget, 2025); network access"),
    danger("logging.config", "*", "`listen` accepts configurations over a socket, `dictConfig` instantiates any class, `fileConfig` evaluates handler arguments (scanner-bypass gadget, 2025)"),
    danger("antigravity", "*", "importing it opens a web browser"),
    // --- Debuggers, profilers and other code runners of the standard library -------------------------
    danger("bdb", "*", "`Bdb.run` / `runeval` / `runctx` execute source (blocked by picklescan and ModelScan)"),
    danger("pdb", "*", "`pdb.run` executes source; the debugger reads commands (blocked by picklescan and ModelScan)"),
    danger("cProfile", "*", "`cProfile.run` / `runctx` execute source (scanner-bypass gadget, 2025)"),
    danger("profile", "*", "`profile.run` / `runctx` execute source (scanner-bypass gadget, 2025)"),
    danger("timeit", "*", "`timeit.timeit` / `repeat` compile and execute their statement (scanner-bypass gadget, 2025)"),
    danger("trace", "*", "`Trace.run` / `runctx` execute source"),
    danger("doctest", "*", "runs the examples in docstrings (`debug_src`, `run_docstring_examples`)"),
    danger("pydoc", "*", "`pipepager` / `tempfilepager` run a shell command, `locate` imports by dotted name (scanner-bypass gadget, 2025)"),
    danger("idlelib", "*", "IDLE internals execute or evaluate source: `pyshell.ModifiedInterpreter`, `run.Executive`, `calltip.get_entity`, `autocomplete`, `debugobj` (scanner-bypass gadgets, 2025)"),
    danger("lib2to3", "*", "`lib2to3.pgen2.driver.load_grammar` and `pgen` unpickle grammar files: a nested pickle load (scanner-bypass gadget, 2025)"),
    danger("unittest", "main", "`unittest.main(module=...)` imports the module it is given and runs test discovery"),
    danger("unittest", "TestProgram", "the class behind `unittest.main`: imports a module by name"),
    danger("unittest.main", "*", "the module behind `unittest.main`: imports a module by name"),
    // --- Files -----------------------------------------------------------------------------------
    danger("io", "open", FILES),
    danger("io", "open_code", FILES),
    danger("io", "FileIO", "raw file object: opens (and with mode `w` truncates) any file (scanner-bypass gadget, 2025)"),
    danger("_io", "open", "C twin of `io.open`"),
    danger("_io", "open_code", "C twin of `io.open_code`"),
    danger("_io", "FileIO", "C twin of `io.FileIO` (scanner-bypass gadget, 2025)"),
    danger("_pyio", "*", "pure-Python `io`: `open`, `FileIO`"),
    danger("codecs", "open", FILES),
    danger("shutil", "*", "copies, moves and removes files and trees (blocked by picklescan and ModelScan)"),
    danger("tempfile", "*", FILES),
    danger("fileinput", "*", "`fileinput.input(inplace=True)` rewrites files"),
    // --- Network ---------------------------------------------------------------------------------
    danger("socket", "*", NET),
    danger("_socket", "*", NET),
    danger("ssl", "*", NET),
    danger("socketserver", "*", NET),
    danger("http", "*", NET),
    danger("urllib", "*", NET),
    danger("urllib3", "*", NET),
    danger("requests", "*", NET),
    danger("httpx", "*", NET),
    danger("aiohttp", "*", NET),
    danger("smtplib", "*", NET),
    danger("ftplib", "*", NET),
    danger("poplib", "*", NET),
    danger("nntplib", "*", NET),
    danger("telnetlib", "*", NET),
    danger("xmlrpc", "*", NET),
    danger("webbrowser", "*", "opens URLs with the desktop browser, which runs a program (ModelScan)"),
    // --- Nested loaders and serializers ----------------------------------------------------------
    danger("pickle", "*", NESTED),
    danger("_pickle", "*", NESTED),
    danger("shelve", "*", NESTED),
    danger("dill", "*", "dill serializes code: its loaders rebuild functions from bytecode"),
    danger("cloudpickle", "*", "cloudpickle serializes code: its loaders rebuild functions from bytecode"),
    danger("joblib", "*", NESTED),
    danger("jsonpickle", "*", "`jsonpickle.decode` rebuilds arbitrary objects (a pickle in JSON)"),
    danger("yaml", "load", "PyYAML `load` with the loaders that build Python objects (`!!python/object/apply`)"),
    danger("yaml", "load_all", "PyYAML `load_all`, as `load`"),
    danger("yaml", "unsafe_load", "PyYAML `unsafe_load` builds arbitrary Python objects"),
    danger("yaml", "unsafe_load_all", "PyYAML `unsafe_load_all`, as `unsafe_load`"),
    danger("numpy", "load", "nested `numpy.load`: with `allow_pickle=True` it unpickles another file (scanner-bypass gadget, 2025)"),
    danger("numpy", "save", "writes an array to any path"),
    danger("numpy", "savez", "writes arrays to any path"),
    danger("numpy", "savez_compressed", "writes arrays to any path"),
    danger("numpy", "savetxt", "writes text to any path (a shell start-up file, an SSH key list)"),
    danger("numpy.lib.npyio", "*", "where `numpy.load`, `loadtxt` and the savers live (NumPy 1)"),
    danger("numpy.lib._npyio_impl", "*", "where `numpy.load`, `loadtxt` and the savers live (NumPy 2)"),
    danger("numpy.lib.format", "read_array", "`read_array(allow_pickle=True)` unpickles object arrays"),
    danger("numpy.lib._format_impl", "read_array", "`read_array` in NumPy 2"),
    danger("numpy.f2py", "*", "compiles and imports Fortran/C extension modules"),
    danger("numpy.distutils", "*", "`exec_command` runs shell commands"),
    danger("numpy.testing._private.utils", "*", "`runstring` executes source"),
    danger("pandas", "read_pickle", NESTED),
    danger("pandas.io.pickle", "*", NESTED),
    // --- PyTorch -----------------------------------------------------------------------------------
    danger("torch", "load", "nested `torch.load` of a file the scan does not see; `weights_only=True` is no safe harbour either (CVE-2025-32434, torch ≤ 2.5.1)"),
    danger("torch.serialization", "load", "nested `torch.load` (picklescan blocks it)"),
    danger("torch.serialization", "_load", "nested `torch.load` internals"),
    danger("torch.serialization", "_legacy_load", "nested `torch.load` internals (legacy format)"),
    danger("torch.storage", "_load_from_bytes", "runs `torch.load` on bytes carried inside this pickle: a nested pickle that is not walked"),
    danger("torch.jit", "load", "loads a TorchScript archive, whose code runs"),
    danger("torch.jit.unsupported_tensor_ops", "execWrapper", "a wrapper around `exec` (picklescan)"),
    danger("torch._inductor", "*", "compiles and loads generated code (`codecache.compile_file`, `PyCodeCache.load`) (picklescan)"),
    danger("torch._dynamo", "*", "compiler internals that evaluate and execute generated source"),
    danger("torch.fx.graph_module", "reduce_*", "a pickled `GraphModule` is rebuilt by executing the Python source carried in the pickle"),
    danger("torch.fx.graph_module", "_exec_with_source", "executes source"),
    danger("torch.fx.graph_module", "_forward_from_src", "executes source"),
    danger("torch.package", "PackageImporter", "imports the Python modules stored in a torch.package archive"),
    danger("torch.package.package_importer", "*", "imports the Python modules stored in a torch.package archive"),
    danger("torch.utils.collect_env", "*", "`run(command)` runs a shell command (scanner-bypass gadget, 2025)"),
    danger("torch.utils.bottleneck", "*", "profiles a script by running it"),
    danger("torch.utils.cpp_extension", "*", "compiles C++ (`load_inline`) and loads the result"),
    danger("torch.hub", "*", "downloads a repository and runs its `hubconf.py`"),
    danger("torch.utils.model_zoo", "*", "`torch.hub` downloads under another name"),
    // --- Other ML libraries ----------------------------------------------------------------------
    danger("transformers.dynamic_module_utils", "*", "downloads and imports repository code (`trust_remote_code`)"),
    danger("keras.utils", "get_file", "downloads and extracts files; the Keras `safe_mode` bypass CVE-2025-8747"),
    danger("keras.src.utils.file_utils", "get_file", "where `keras.utils.get_file` lives (CVE-2025-8747)"),
    danger("keras.config", "enable_unsafe_deserialization", "switches Keras `safe_mode` off for the rest of the load, so Lambda bytecode runs (2025 Keras safe_mode bypass)"),
    danger("keras.src.saving.serialization_lib", "enable_unsafe_deserialization", "where `keras.config.enable_unsafe_deserialization` lives"),
    // --- Installers ------------------------------------------------------------------------------
    danger("pip", "*", "`pip.main(['install', ...])` installs and runs a package: the picklescan bypass CVE-2025-1716"),
    danger("ensurepip", "*", INSTALL),
    danger("venv", "*", INSTALL),
    danger("distutils", "*", "`spawn` and the build commands run programs"),
    danger("setuptools", "*", "`setuptools._distutils.spawn` and the build commands run programs"),
    // --- Allowed: what real checkpoints reference ------------------------------------------------
    allow("collections", "OrderedDict", "the container `torch.save` writes state dicts as; a dict subclass, its constructor only stores items"),
    allow("collections", "defaultdict", "a dict with a default factory; the factory is a separate import, judged on its own"),
    allow("torch._utils", "_rebuild_tensor", "rebuilds a tensor view of a storage (old format)"),
    allow("torch._utils", "_rebuild_tensor_v2", "rebuilds a tensor view of a storage (every `torch.save` state dict)"),
    allow("torch._utils", "_rebuild_tensor_v3", "rebuilds a tensor view of a storage with an explicit dtype"),
    allow("torch._utils", "_rebuild_parameter", "wraps a rebuilt tensor as `nn.Parameter`"),
    allow("torch._utils", "_rebuild_parameter_with_state", "as `_rebuild_parameter`, with extra attributes set from data"),
    allow("torch._utils", "_rebuild_device_tensor_from_numpy", "rebuilds a device tensor from a NumPy array"),
    allow("torch._utils", "_rebuild_qtensor", "rebuilds a quantized tensor from a storage and scales"),
    allow("torch._utils", "_rebuild_sparse_tensor", "rebuilds a sparse tensor from index and value tensors"),
    allow("torch._tensor", "_rebuild_from_type_v2", "calls a rebuild function that is itself an import of the pickle, judged on its own"),
    allow("torch.nn.parameter", "Parameter", "the parameter tensor type"),
    allow("torch", "*Storage", "typed storages (`FloatStorage`, `UntypedStorage`, ...): data holders, filled from archive members"),
    allow("torch.storage", "*Storage", "`TypedStorage` / `UntypedStorage`: data holders"),
    allow("torch.cuda", "*Storage", "typed storages of a checkpoint saved from a GPU (`torch.cuda.FloatStorage`, ...): data holders, as on the CPU"),
    allow("torch", "Size", "a tuple of dimensions"),
    allow("torch", "device", "a device name (`cpu`, `cuda:0`)"),
    allow("torch", "dtype", "the dtype type"),
    allow("torch", "bfloat16", "a dtype constant"),
    allow("torch", "float16", "a dtype constant"),
    allow("torch", "float32", "a dtype constant"),
    allow("torch", "float64", "a dtype constant"),
    allow("torch", "int8", "a dtype constant"),
    allow("torch", "int16", "a dtype constant"),
    allow("torch", "int32", "a dtype constant"),
    allow("torch", "int64", "a dtype constant"),
    allow("torch", "uint8", "a dtype constant"),
    allow("torch", "bool", "a dtype constant"),
    allow("numpy.core.multiarray", "_reconstruct", "NumPy 1 array reconstruction: allocates an empty array, filled by BUILD"),
    allow("numpy._core.multiarray", "_reconstruct", "NumPy 2 array reconstruction"),
    allow("numpy.core.multiarray", "scalar", "NumPy 1 scalar from a dtype and raw bytes"),
    allow("numpy._core.multiarray", "scalar", "NumPy 2 scalar from a dtype and raw bytes"),
    allow("numpy.core.numeric", "_frombuffer", "NumPy 1 array from a buffer (pickle protocol 5)"),
    allow("numpy._core.numeric", "_frombuffer", "NumPy 2 array from a buffer (pickle protocol 5)"),
    allow("numpy", "dtype", "a dtype description"),
    allow("numpy", "ndarray", "the array type, instantiated empty and filled by BUILD"),
    allow("numpy.dtypes", "*DType", "NumPy 2 dtype classes (`Float32DType`, ...)"),
    allow("_codecs", "encode", "how protocol 2 pickles `bytes` (`encode(text, 'latin1')`): text to bytes, nothing else"),
    allow("builtins", "set", "a plain container"),
    allow("builtins", "frozenset", "a plain container"),
    allow("builtins", "bytearray", "a plain container"),
    allow("builtins", "slice", "a plain value"),
    allow("builtins", "complex", "a plain value"),
    allow("joblib.numpy_pickle", "NumpyArrayWrapper", "joblib's marker for a NumPy array stored after the pickle (scikit-learn models saved with joblib carry it)"),
    allow("joblib.numpy_pickle", "NDArrayWrapper", "joblib's older array marker"),
    allow("transformers.training_args", "TrainingArguments", "the dataclass in `training_args.bin`, restored by NEWOBJ + BUILD without running `__init__`"),
    allow("transformers.training_args", "OptimizerNames", "an enum in `training_args.bin` (a lookup by value)"),
    allow("transformers.trainer_utils", "IntervalStrategy", "an enum in `training_args.bin` (a lookup by value)"),
    allow("transformers.trainer_utils", "SchedulerType", "an enum in `training_args.bin` (a lookup by value)"),
    allow("transformers.trainer_utils", "HubStrategy", "an enum in `training_args.bin` (a lookup by value)"),
];

/// Python 2 module names the unpickler rewrites before importing (`fix_imports`, protocols 0–2), where
/// the rewrite reaches a module [`RULES`] judges: `(python 2 module, python 3 module)`.
pub const PY2_MODULES: &[(&str, &str)] = &[
    ("__builtin__", "builtins"),
    ("cPickle", "pickle"),
    ("StringIO", "io"),
    ("cStringIO", "io"),
    ("commands", "subprocess"),
    ("httplib", "http.client"),
    ("urllib2", "urllib.request"),
    ("urlparse", "urllib.parse"),
    ("robotparser", "urllib.robotparser"),
    ("xmlrpclib", "xmlrpc.client"),
    ("SimpleXMLRPCServer", "xmlrpc.server"),
    ("DocXMLRPCServer", "xmlrpc.server"),
    ("SocketServer", "socketserver"),
    ("BaseHTTPServer", "http.server"),
    ("SimpleHTTPServer", "http.server"),
    ("CGIHTTPServer", "http.server"),
    ("Cookie", "http.cookies"),
    ("cookielib", "http.cookiejar"),
    ("UserDict", "collections"),
    ("UserList", "collections"),
    ("UserString", "collections"),
];

/// A `(module, name)` pair.
pub type Global = (&'static str, &'static str);

/// Python 2 `(module, name)` pairs the unpickler rewrites to another module (`fix_imports`).
pub const PY2_NAMES: &[(Global, Global)] = &[
    (("__builtin__", "reduce"), ("functools", "reduce")),
    (("__builtin__", "intern"), ("sys", "intern")),
    (("_socket", "fromfd"), ("socket", "fromfd")),
];

/// `module` equals `m` or is a submodule of it.
fn in_module(module: &str, m: &str) -> bool {
    module == m
        || (module.len() > m.len() && module.starts_with(m) && module.as_bytes()[m.len()] == b'.')
}

/// `name` matches a pattern with at most one `*` (not the module-wide `*`).
fn glob(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((pre, post)) => {
            name.len() >= pre.len() + post.len() && name.starts_with(pre) && name.ends_with(post)
        }
    }
}

/// How specific a matching rule is (higher wins), or None when the rule does not match. Attribute rules
/// (module `*`) never match here.
fn specificity(rule: &Rule, module: &str, name: &str) -> Option<(u8, usize)> {
    if rule.module == "*" {
        return None;
    }
    if rule.name == "*" {
        return in_module(module, rule.module).then_some((1, rule.module.len()));
    }
    if module != rule.module {
        return None;
    }
    if rule.name.contains('*') {
        glob(rule.name, name).then_some((2, 0))
    } else {
        (rule.name == name).then_some((3, 0))
    }
}

/// The module and name the unpickler actually imports for `module`.`name` (Python 2 rewrites).
pub fn normalize<'a>(module: &'a str, name: &'a str) -> (&'a str, &'a str) {
    if let Some((_, to)) = PY2_NAMES.iter().find(|(from, _)| *from == (module, name)) {
        return *to;
    }
    match PY2_MODULES.iter().find(|(from, _)| *from == module) {
        Some((_, to)) => (to, name),
        None => (module, name),
    }
}

/// The rule that decides `module`.`name` (first component of a dotted name), if any; attribute rules
/// are not considered here.
pub fn rule_for(module: &str, name: &str) -> Option<&'static Rule> {
    let (module, name) = normalize(module, name);
    let first = name.split('.').next().unwrap_or(name);
    RULES
        .iter()
        .filter_map(|r| specificity(r, module, first).map(|s| (s, r)))
        .max_by_key(|(s, r)| (*s, r.verdict))
        .map(|(_, r)| r)
}

/// Judge one import. A dotted name (protocol 4 resolves `eval.__call__` attribute by attribute) is
/// judged by its first component; an allowed object's attributes are not allowed (they become
/// unknown); and any step that matches an attribute rule (dunder attributes, `pkg.__main__`) makes the
/// import dangerous.
pub fn classify(module: &str, name: &str) -> Verdict {
    let mut verdict = rule_for(module, name).map_or(Verdict::Unknown, |r| r.verdict);
    let (module, name) = normalize(module, name);
    if name.contains('.') && verdict == Verdict::Allowed {
        verdict = Verdict::Unknown;
    }
    let steps = name.split('.').chain(module.split('.').skip(1));
    for step in steps {
        for r in RULES.iter().filter(|r| r.module == "*") {
            if glob(r.name, step) {
                verdict = verdict.max(r.verdict);
            }
        }
    }
    verdict
}

/// Markdown rows for docs/pickle-imports.md: the dangerous entries, then the allowed ones, each in table
/// order.
pub fn render_rules_markdown() -> String {
    fn cell(s: &str) -> String {
        s.replace('|', "\\|")
    }
    fn name_cell(r: &Rule) -> String {
        match (r.module, r.name) {
            ("*", n) => format!("any attribute `{n}`"),
            (m, "*") => format!("`{m}.*` (and submodules)"),
            (m, n) => format!("`{m}.{n}`"),
        }
    }
    let mut out = String::new();
    for (title, verdict, head) in [
        (
            "Dangerous (`pickle-dangerous-import`, critical)",
            Verdict::Dangerous,
            "why",
        ),
        (
            "Allowed (no finding)",
            Verdict::Allowed,
            "why it is safe to load",
        ),
    ] {
        let rows: Vec<&Rule> = RULES.iter().filter(|r| r.verdict == verdict).collect();
        out.push_str(&format!("### {title}: {} entries\n\n", rows.len()));
        out.push_str(&format!("| import | {head} |\n|---|---|\n"));
        for r in rows {
            out.push_str(&format!("| {} | {} |\n", name_cell(r), cell(r.source)));
        }
        out.push('\n');
    }
    out.push_str(
        "### Python 2 names rewritten before judging\n\n| written | imported |\n|---|---|\n",
    );
    for (from, to) in PY2_MODULES {
        out.push_str(&format!("| `{from}.*` | `{to}.*` |\n"));
    }
    for ((fm, fname), (tm, tname)) in PY2_NAMES {
        out.push_str(&format!("| `{fm}.{fname}` | `{tm}.{tname}` |\n"));
    }
    out
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

    #[test]
    fn the_most_specific_rule_wins() {
        // An allowed object inside a dangerous module.
        assert_eq!(
            classify("joblib.numpy_pickle", "NumpyArrayWrapper"),
            Verdict::Allowed
        );
        assert_eq!(classify("joblib.numpy_pickle", "load"), Verdict::Dangerous);
        assert_eq!(classify("joblib", "load"), Verdict::Dangerous);
        // Patterns only cover their own module, not submodules.
        assert_eq!(classify("torch", "HalfStorage"), Verdict::Allowed);
        assert_eq!(classify("torch.evil", "HalfStorage"), Verdict::Unknown);
        assert_eq!(classify("torch.cuda", "HalfStorage"), Verdict::Allowed);
        assert_eq!(classify("uuid", "_get_command_stdout"), Verdict::Dangerous);
        assert_eq!(classify("uuid", "UUID"), Verdict::Unknown);
        assert_eq!(rule_for("uuid", "UUID"), None);
        assert_eq!(
            rule_for("torch.utils.collect_env", "run").map(|r| r.module),
            Some("torch.utils.collect_env")
        );
    }

    #[test]
    fn python_2_names_are_judged_as_the_unpickler_imports_them() {
        assert_eq!(classify("__builtin__", "eval"), Verdict::Dangerous);
        assert_eq!(classify("__builtin__", "set"), Verdict::Allowed);
        assert_eq!(classify("__builtin__", "reduce"), Verdict::Dangerous);
        assert_eq!(classify("commands", "getoutput"), Verdict::Dangerous);
        assert_eq!(classify("cStringIO", "open"), Verdict::Dangerous);
        assert_eq!(classify("cPickle", "loads"), Verdict::Dangerous);
        assert_eq!(classify("httplib", "HTTPConnection"), Verdict::Dangerous);
        assert_eq!(classify("UserDict", "OrderedDict"), Verdict::Allowed);
    }

    #[test]
    fn dotted_names_are_judged_by_their_first_component() {
        assert_eq!(classify("builtins", "eval.__call__"), Verdict::Dangerous);
        assert_eq!(classify("os", "system.__self__"), Verdict::Dangerous);
        assert_eq!(classify("posix", "system.x"), Verdict::Dangerous);
        assert_eq!(
            classify("collections", "OrderedDict.fromkeys"),
            Verdict::Unknown,
            "an allowed object's attributes are not allowed"
        );
        assert_eq!(
            classify("collections", "OrderedDict.__init__"),
            Verdict::Dangerous,
            "a dunder step is dangerous whatever the object"
        );
        assert_eq!(classify("mypkg", "Outer.Inner"), Verdict::Unknown);
        assert_eq!(classify("builtins", "__getattribute__"), Verdict::Dangerous);
        assert_eq!(classify("unittest.__main__", "x"), Verdict::Dangerous);
        assert_eq!(
            classify("__main__", "Net"),
            Verdict::Unknown,
            "a top-level __main__ is the script's own namespace"
        );
    }

    #[test]
    fn walker_reports_dotted_names_as_bad_operands_and_single_dunders_as_plain_names() {
        use crate::security::pickle::{walk_bytes, Limits};
        let bad = |p: &[u8]| {
            walk_bytes(p, Limits::default())
                .anomalies
                .iter()
                .filter(|a| a.code == "pickle-bad-operand")
                .count()
        };
        // Protocol 4 STACK_GLOBAL `builtins` + `eval.__call__`.
        let dotted = b"\x80\x04\x8c\x08builtins\x8c\reval.__call__\x93)R.";
        assert_eq!(bad(dotted), 1);
        let r = walk_bytes(dotted, Limits::default());
        assert_eq!(r.imports[0].verdict, Verdict::Dangerous);
        // A single name is well formed whatever it is (pickletools reads it as a plain GLOBAL);
        // its danger is the verdict's business.
        assert_eq!(bad(b"cbuiltins\n__getattribute__\n)R."), 0);
        assert_eq!(bad(b"cposix\nsystem\n)R."), 0);
        assert_eq!(
            bad(b"cmy.pkg\nThing\n)R."),
            0,
            "dotted modules are ordinary"
        );
    }

    #[test]
    fn table_is_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for r in RULES {
            assert!(
                seen.insert((r.module, r.name)),
                "duplicate {}.{}",
                r.module,
                r.name
            );
            assert!(
                !r.source.trim().is_empty() && !r.source.ends_with('.'),
                "{}.{}: a source without a final full stop",
                r.module,
                r.name
            );
            assert!(r.verdict != Verdict::Unknown, "{}.{}", r.module, r.name);
            assert!(
                r.name.matches('*').count() <= 1,
                "{}.{}: one `*` at most",
                r.module,
                r.name
            );
            if r.verdict == Verdict::Allowed {
                assert!(
                    r.name != "*" && r.module != "*",
                    "{}.{}: never allow a whole module",
                    r.module,
                    r.name
                );
            }
            if r.module == "*" {
                assert!(r.name.contains('*') && r.name != "*");
                assert_eq!(r.verdict, Verdict::Dangerous);
            }
            // The rule decides the names it is written for.
            if r.module != "*" && !r.name.contains('*') {
                assert_eq!(rule_for(r.module, r.name), Some(r));
            }
        }
        // No entry is shadowed by a broader entry with the same verdict (it would say nothing).
        for r in RULES.iter().filter(|r| r.module != "*") {
            let broader = RULES.iter().filter(|b| {
                b.name == "*"
                    && b.module != "*"
                    && !std::ptr::eq(*b, r)
                    && in_module(r.module, b.module)
            });
            let nearest = broader.max_by_key(|b| b.module.len());
            if let Some(b) = nearest {
                assert!(
                    b.verdict != r.verdict,
                    "{}.{} repeats {}.*",
                    r.module,
                    r.name,
                    b.module
                );
            }
        }
        for (from, to) in PY2_MODULES {
            assert!(
                RULES.iter().any(
                    |r| r.module != "*" && (in_module(to, r.module) || in_module(r.module, to))
                ),
                "{from} -> {to} reaches nothing the table judges"
            );
        }
    }

    #[test]
    fn docs_table_matches_rules() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/pickle-imports.md");
        let doc = std::fs::read_to_string(&path).unwrap();
        let (begin, end) = ("<!-- rules:begin -->\n", "<!-- rules:end -->");
        let a = doc.find(begin).expect("begin marker") + begin.len();
        let b = doc.find(end).expect("end marker");
        let want = render_rules_markdown();
        if std::env::var_os("AIBOM_UPDATE_DOCS").is_some() {
            let mut new = doc[..a].to_string();
            new.push_str(&want);
            new.push_str(&doc[b..]);
            std::fs::write(&path, new).unwrap();
            return;
        }
        assert!(
            doc[a..b] == want,
            "docs/pickle-imports.md is out of date: run `AIBOM_UPDATE_DOCS=1 cargo test --lib security::imports`"
        );
    }
}
