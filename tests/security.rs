//! The security corpus: malicious and clean model files generated here byte by byte (no pickle is ever
//! loaded, nothing is committed), each run through `security::analyze_file` as the scan would — format
//! sniffed from the first bytes — and checked for exactly the codes it must produce. Clean,
//! real-world-shaped files (a `torch.save` state dict zip, a legacy torch save, safetensors, an ordinary
//! chat template) must produce no finding at all.

mod util;

use std::collections::BTreeSet;
use std::path::Path;

use aibom::finding;
use aibom::formats;
use aibom::security::{self, numpy, SecurityFinding};
use util::files::{bz2, gz, u32le, xz, zip_of, zlib};

// ---------------------------------------------------------------------------------------------------
// Pickle writers.

/// Protocol 0: `module.name(arg)` with GLOBAL, MARK, STRING, TUPLE, REDUCE.
fn p0_call(m: &str, n: &str, arg: &str) -> Vec<u8> {
    format!("c{m}\n{n}\np0\n(S'{arg}'\np1\ntp2\nRp3\n.").into_bytes()
}

/// Protocol 2: GLOBAL, BINUNICODE, TUPLE1, REDUCE with BINPUTs, as pickle.dumps writes.
fn p2_call(m: &str, n: &str, arg: &str) -> Vec<u8> {
    let mut v = format!("\x02c{m}\n{n}\nq\x00X").into_bytes();
    v.insert(0, 0x80);
    v.extend_from_slice(&u32le(arg.len()));
    v.extend_from_slice(arg.as_bytes());
    v.extend_from_slice(b"q\x01\x85q\x02Rq\x03.");
    v
}

fn short_str(v: &mut Vec<u8>, s: &str) {
    v.push(0x8c);
    v.push(s.len() as u8);
    v.extend_from_slice(s.as_bytes());
}

/// Protocol 4/5: FRAME, SHORT_BINUNICODE module and name, MEMOIZE, STACK_GLOBAL, TUPLE1, REDUCE.
fn p4_call(proto: u8, m: &str, n: &str, arg: &str) -> Vec<u8> {
    let mut body = Vec::new();
    short_str(&mut body, m);
    body.push(0x94);
    short_str(&mut body, n);
    body.push(0x94);
    body.push(0x93);
    body.push(0x94);
    short_str(&mut body, arg);
    body.extend_from_slice(b"\x94\x85\x94R\x94.");
    let mut v = vec![0x80, proto, 0x95];
    v.extend_from_slice(&(body.len() as u64).to_le_bytes());
    v.extend(body);
    v
}

/// `builtins.getattr(builtins.__import__('os'), 'system')('id')` in protocol 2.
fn getattr_chain() -> Vec<u8> {
    let mut v = b"\x80\x02cbuiltins\ngetattr\nq\x00(cbuiltins\n__import__\nq\x01X\x02\x00\x00\x00osq\x02\x85q\x03Rq\x04X\x06\x00\x00\x00systemq\x05tq\x06Rq\x07".to_vec();
    v.extend_from_slice(b"X\x02\x00\x00\x00idq\x08\x85q\x09Rq\x0a.");
    v
}

/// Protocol 4 where the module and name strings are memoized first and fetched back for STACK_GLOBAL.
fn stack_global_via_memo() -> Vec<u8> {
    let mut v = b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00".to_vec();
    v.extend_from_slice(b"\x8c\x02os\x94\x8c\x06system\x94");
    v.extend_from_slice(b"00h\x00h\x01\x93\x8c\x02id\x85R.");
    v
}

/// Protocol 2 state dict as torch.save writes `data.pkl`: an OrderedDict of tensors rebuilt by
/// `torch._utils._rebuild_tensor_v2` from persistent storages (BINPERSID), with `_metadata`.
fn torch_state_dict_pickle() -> Vec<u8> {
    let mut v = b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01(".to_vec();
    let mut memo = 2u8;
    for (i, (name, numel)) in [("weight", 4usize), ("bias", 2)].iter().enumerate() {
        v.push(b'X');
        v.extend_from_slice(&u32le(name.len()));
        v.extend_from_slice(name.as_bytes());
        v.extend_from_slice(&[b'q', memo]);
        memo += 1;
        v.extend_from_slice(b"ctorch._utils\n_rebuild_tensor_v2\n");
        v.extend_from_slice(&[b'q', memo]);
        memo += 1;
        v.extend_from_slice(b"((X\x07\x00\x00\x00storage");
        v.extend_from_slice(&[b'q', memo]);
        memo += 1;
        v.extend_from_slice(b"ctorch\nFloatStorage\n");
        v.extend_from_slice(&[b'q', memo]);
        memo += 1;
        let key = i.to_string();
        v.push(b'X');
        v.extend_from_slice(&u32le(key.len()));
        v.extend_from_slice(key.as_bytes());
        v.extend_from_slice(&[b'q', memo]);
        memo += 1;
        v.extend_from_slice(b"X\x03\x00\x00\x00cpu");
        v.extend_from_slice(&[b'q', memo]);
        memo += 1;
        v.extend_from_slice(&[b'K', *numel as u8, b't', b'q', memo]);
        memo += 1;
        v.extend_from_slice(&[b'Q', b'K', 0, b'K', *numel as u8, 0x85, b'q', memo]);
        memo += 1;
        v.extend_from_slice(&[b'K', 1, 0x85, b'q', memo, 0x89]);
        memo += 1;
        v.extend_from_slice(b"h\x00)R");
        v.extend_from_slice(&[b'q', memo, b't', b'q', memo + 1, b'R', b'q', memo + 2]);
        memo += 3;
    }
    v.extend_from_slice(b"u}");
    v.extend_from_slice(&[b'q', memo]);
    memo += 1;
    v.extend_from_slice(b"X\x09\x00\x00\x00_metadata");
    v.extend_from_slice(&[b'q', memo]);
    memo += 1;
    v.extend_from_slice(b"h\x00)R");
    v.extend_from_slice(&[b'q', memo]);
    v.extend_from_slice(b"X\x00\x00\x00\x00}X\x07\x00\x00\x00version");
    v.extend_from_slice(b"K\x01sssb.");
    v
}

/// A legacy (pre-1.6) torch.save: magic, protocol version, sys info, the object, storage keys, then raw
/// storages, each an 8-byte element count (here 128, which starts like PROTO) and its bytes.
fn legacy_torch() -> Vec<u8> {
    let mut v = b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.".to_vec();
    v.extend_from_slice(b"\x80\x02M\xe9\x03.");
    v.extend_from_slice(b"\x80\x02}q\x00(X\x10\x00\x00\x00protocol_versionq\x01M\xe9\x03X\x0d\x00\x00\x00little_endianq\x02\x88u.");
    v.extend_from_slice(b"\x80\x02}q\x00X\x01\x00\x00\x00wq\x01ctorch._utils\n_rebuild_tensor_v2\nq\x02((X\x07\x00\x00\x00storageq\x03ctorch\nFloatStorage\nq\x04X\x01\x00\x00\x000q\x05X\x03\x00\x00\x00cpuq\x06K\x80tq\x07QK\x00K\x80\x85K\x01\x85\x89ccollections\nOrderedDict\n)Rtq\x08Rq\x09s.");
    v.extend_from_slice(b"\x80\x02]q\x00X\x01\x00\x00\x000q\x01a.");
    v.extend_from_slice(&128u64.to_le_bytes());
    v.extend(std::iter::repeat_n(0x3fu8, 512));
    v
}

// ---------------------------------------------------------------------------------------------------
// Containers.

fn torch_zip(pkl_name: &str, pkl: &[u8], extra: &[(&str, &[u8])]) -> Vec<u8> {
    let storage = [0u8; 24];
    let mut m: Vec<(&str, &[u8])> = vec![
        (pkl_name, pkl),
        ("archive/byteorder", b"little"),
        ("archive/data/0", &storage[..16]),
        ("archive/data/1", &storage[..8]),
        ("archive/version", b"3\n"),
        (
            "archive/.data/serialization_id",
            b"0123456789012345678901234567890123456789",
        ),
    ];
    m.extend_from_slice(extra);
    zip_of(&m, false)
}

fn npy(descr: &str, data: &[u8]) -> Vec<u8> {
    let mut v = numpy::header_v1(descr, "(2,)");
    v.extend_from_slice(data);
    v
}

fn keras_zip(config: &str, extra: &[(&str, &[u8])]) -> Vec<u8> {
    let mut m: Vec<(&str, &[u8])> = vec![
        (
            "metadata.json",
            br#"{"keras_version": "3.5.0", "date_saved": "2024-01-01@00:00:00"}"#,
        ),
        ("config.json", config.as_bytes()),
        ("model.weights.h5", b"\x89HDF\r\n\x1a\n\x00\x00"),
    ];
    m.extend_from_slice(extra);
    zip_of(&m, true)
}

const KERAS_CLEAN: &str = r#"{"module": "keras", "class_name": "Sequential", "config": {"name": "s", "layers": [{"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 4], "name": "in"}, "registered_name": null}, {"module": "keras.layers", "class_name": "Dense", "config": {"name": "d", "units": 2, "activation": "relu"}, "registered_name": null, "build_config": {"input_shape": [null, 4]}}]}, "registered_name": null}"#;

const KERAS_LAMBDA: &str = r#"{"module": "keras", "class_name": "Sequential", "config": {"name": "s", "layers": [{"module": "keras.layers", "class_name": "Lambda", "config": {"name": "evil", "function": {"module": "builtins", "class_name": "function", "config": {"code": "4wEAAAAAAAAAAAAAAAEAAAADAAAA8wQAAACXAFkAKQFO", "defaults": null, "closure": null}, "registered_name": "function"}}, "registered_name": null}]}, "registered_name": null}"#;

const KERAS_CUSTOM: &str = r#"{"module": "keras", "class_name": "Sequential", "config": {"name": "s", "layers": [{"module": "my_layers", "class_name": "Backdoor", "config": {"name": "b"}, "registered_name": "my_layers>Backdoor"}]}, "registered_name": null}"#;

fn gguf_with_template(t: &str) -> Vec<u8> {
    let mut v = b"GGUF".to_vec();
    v.extend_from_slice(&3u32.to_le_bytes());
    v.extend_from_slice(&0u64.to_le_bytes());
    v.extend_from_slice(&2u64.to_le_bytes());
    for (k, val) in [
        ("general.architecture", "llama"),
        ("tokenizer.chat_template", t),
    ] {
        v.extend_from_slice(&(k.len() as u64).to_le_bytes());
        v.extend_from_slice(k.as_bytes());
        v.extend_from_slice(&8u32.to_le_bytes());
        v.extend_from_slice(&(val.len() as u64).to_le_bytes());
        v.extend_from_slice(val.as_bytes());
    }
    while v.len() % 32 != 0 {
        v.push(0);
    }
    v
}

const SSTI: &str = "{% for m in messages %}{{ m['content'] }}{% endfor %}{{ cycler.__init__.__globals__.os.popen('id').read() }}";
const CLEAN_TEMPLATE: &str = "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}{{ '<|user|>\n' + message['content'] + eos_token }}{% elif message['role'] == 'assistant' %}{{ '<|assistant|>\n' + message['content'] + eos_token }}{% endif %}{% if loop.last and add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}{% endfor %}";

/// Rename a member in both its local and central headers (same length), making duplicates the zip
/// writer refuses to produce.
fn rename_all(mut z: Vec<u8>, from: &str, to: &str) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let (f, t) = (from.as_bytes(), to.as_bytes());
    let mut i = 0;
    while i + f.len() <= z.len() {
        if &z[i..i + f.len()] == f {
            z[i..i + f.len()].copy_from_slice(t);
        }
        i += 1;
    }
    z
}

// ---------------------------------------------------------------------------------------------------
// Running a case.

fn analyze(dir: &Path, name: &str, bytes: &[u8]) -> Vec<SecurityFinding> {
    let p = dir.join(name.replace('/', "_"));
    std::fs::write(&p, bytes).unwrap();
    let head = &bytes[..bytes.len().min(aibom::hash::HEAD_LEN)];
    let format = formats::sniff(head, bytes.len() as u64, name);
    security::analyze_file(&p, name, format, bytes.len() as u64, "00")
}

fn codes(f: &[SecurityFinding]) -> BTreeSet<&'static str> {
    f.iter().map(|x| x.code).collect()
}

struct Case {
    name: &'static str,
    file: &'static str,
    bytes: Vec<u8>,
    /// Codes that must all be present (empty: the file must be clean).
    want: &'static [&'static str],
    /// Evidence one of the findings must contain.
    evidence: Option<&'static str>,
}

fn case(
    name: &'static str,
    file: &'static str,
    bytes: Vec<u8>,
    want: &'static [&'static str],
    evidence: Option<&'static str>,
) -> Case {
    Case {
        name,
        file,
        bytes,
        want,
        evidence,
    }
}

const DANGER: &[&str] = &["pickle-dangerous-import"];

fn corpus() -> Vec<Case> {
    let sys0 = p0_call("posix", "system", "id");
    let sys2 = p2_call("posix", "system", "id");
    let mut stacked = torch_state_dict_pickle();
    stacked.extend_from_slice(&p2_call("builtins", "exec", "import os"));
    let mut stacked_p0 = b"\x80\x02N.".to_vec();
    stacked_p0.extend_from_slice(&p0_call("os", "system", "id"));
    let npy_obj = npy("'|O'", &p2_call("posix", "system", "id"));
    let mut ext_pickle = b"\x80\x02\x82\x05)R.".to_vec();
    ext_pickle.truncate(ext_pickle.len());
    let bomb_member = vec![0u8; 4 << 20];
    let dup = rename_all(
        torch_zip(
            "archive/data.pkl",
            &torch_state_dict_pickle(),
            &[("archive/data.pkX", &sys2)],
        ),
        "archive/data.pkX",
        "archive/data.pkl",
    );
    vec![
        // Calls in every protocol.
        case("os.system p0", "a.pkl", p0_call("posix", "system", "id"), DANGER, Some("posix.system via REDUCE")),
        case("os.system p2", "a.pkl", sys2.clone(), DANGER, Some("posix.system via REDUCE")),
        case("os.system p4", "a.pkl", p4_call(4, "os", "system", "id"), DANGER, Some("os.system via REDUCE")),
        case("os.system p5", "a.pkl", p4_call(5, "nt", "system", "id"), DANGER, Some("nt.system via REDUCE")),
        case("subprocess p0", "a.pkl", p0_call("subprocess", "check_output", "id"), DANGER, Some("subprocess.check_output")),
        case("subprocess p2", "a.pkl", p2_call("subprocess", "Popen", "id"), DANGER, Some("subprocess.Popen via REDUCE")),
        case("subprocess p4", "a.pkl", p4_call(4, "subprocess", "run", "id"), DANGER, None),
        case("subprocess p5", "a.pkl", p4_call(5, "subprocess", "getoutput", "id"), DANGER, None),
        case("eval p0", "a.pkl", p0_call("__builtin__", "eval", "1"), DANGER, Some("__builtin__.eval via REDUCE")),
        case("eval p2", "a.pkl", p2_call("builtins", "eval", "1"), DANGER, None),
        case("eval p4", "a.pkl", p4_call(4, "builtins", "eval", "1"), DANGER, None),
        case("eval p5", "a.pkl", p4_call(5, "builtins", "eval", "1"), DANGER, None),
        case("exec p0", "a.pkl", p0_call("builtins", "exec", "x"), DANGER, None),
        case("exec p2", "a.pkl", p2_call("builtins", "exec", "x"), DANGER, None),
        case("exec p4", "a.pkl", p4_call(4, "builtins", "exec", "x"), DANGER, None),
        case("exec p5", "a.pkl", p4_call(5, "builtins", "exec", "x"), DANGER, None),
        case("runpy p0", "a.pkl", p0_call("runpy", "run_path", "x.py"), DANGER, None),
        case("runpy p2", "a.pkl", p2_call("runpy", "_run_code", "x"), DANGER, None),
        case("runpy p4", "a.pkl", p4_call(4, "runpy", "run_module", "x"), DANGER, None),
        case("runpy p5", "a.pkl", p4_call(5, "runpy", "run_path", "x"), DANGER, None),
        case("getattr chain", "a.pkl", getattr_chain(), DANGER, Some("builtins.getattr via REDUCE")),
        case("stack global via memo", "a.pkl", stack_global_via_memo(), DANGER, Some("os.system via REDUCE")),
        case("unresolved stack global", "a.pkl", b"\x80\x04K\x01K\x02\x93)R.".to_vec(), &["pickle-unresolved-global"], None),
        case("EXT opcode", "a.pkl", ext_pickle, &["pickle-unresolved-global"], None),
        case("unknown import", "a.pkl", p2_call("sklearn.linear_model", "LogisticRegression", "x"), &["pickle-unknown-import"], None),
        // By content whatever the name.
        case("raw pickle .bin", "pytorch_model.bin", sys2.clone(), DANGER, None),
        case("raw pickle .pt", "model.pt", sys2.clone(), DANGER, None),
        case("raw pickle .ckpt", "last.ckpt", sys2.clone(), DANGER, None),
        case("raw pickle .pkl", "model.pkl", sys2.clone(), DANGER, None),
        case("raw pickle no extension", "weights", sys2.clone(), DANGER, None),
        case("text pickle .bin", "pytorch_model.bin", sys0.clone(), DANGER, None),
        case("text pickle no extension", "payload", sys0.clone(), DANGER, None),
        case("training_args.bin", "training_args.bin", p4_call(4, "os", "system", "id"), DANGER, None),
        // Stacked and nested.
        case("stacked pickles", "model.pkl", stacked, DANGER, Some("builtins.exec via REDUCE")),
        case("protocol 0 pickle after a pickle", "model.pkl", stacked_p0, DANGER, None),
        case("gzip pickle", "model.joblib", gz(&sys2), DANGER, None),
        case("zlib pickle", "model.joblib", zlib(&sys2), DANGER, None),
        case("bzip2 pickle", "model.pkl.bz2", bz2(&sys2), DANGER, None),
        case("xz pickle", "model.pkl.xz", xz(&sys2), DANGER, None),
        case("anomalies: truncated", "a.pkl", sys2[..sys2.len() - 3].to_vec(), &["pickle-truncated", "pickle-dangerous-import"], None),
        case("anomalies: unknown opcode", "a.pkl", b"\x80\x02N\xff.".to_vec(), &["pickle-unknown-opcode"], None),
        case("anomalies: trailing data", "a.pkl", b"\x80\x02N.\x00\x01\x02garbage".to_vec(), &["pickle-trailing-data"], None),
        // Containers.
        case("torch zip with malicious data.pkl", "pytorch_model.bin", torch_zip("archive/data.pkl", &sys2, &[]), DANGER, None),
        case("torch zip with renamed data.pkl", "model.pt", torch_zip("archive/data.pkl", &torch_state_dict_pickle(), &[("archive/weights", &sys2)]), DANGER, None),
        case("torch zip with only a renamed pickle", "model.pth", torch_zip("archive/tensors", &p4_call(4, "os", "system", "id"), &[]), DANGER, None),
        case("pickle hidden in a storage member", "model.pt", zip_of(&[("archive/data.pkl", &torch_state_dict_pickle()), ("archive/data/7", &sys2)], false), DANGER, None),
        case("torchscript", "model.pt", torch_zip("archive/data.pkl", &torch_state_dict_pickle(), &[("archive/code/__torch__/m.py", b"def forward(self, x):\n    return x\n")]), &["torchscript-code"], Some("archive/code/__torch__/m.py")),
        case("zip traversal", "model.pt", torch_zip("archive/data.pkl", &torch_state_dict_pickle(), &[("../../evil.pkl", &sys2)]), &["zip-path-traversal", "pickle-dangerous-import"], None),
        case("zip duplicate names", "model.pt", dup, &["zip-duplicate-name", "pickle-dangerous-import"], None),
        case("zip bomb", "model.pt", zip_of(&[("archive/data.pkl", &bomb_member)], true), &["zip-bomb"], None),
        case("zip truncated", "model.pt", { let z = torch_zip("archive/data.pkl", &sys2, &[]); z[..z.len() - 30].to_vec() }, &["zip-invalid", "unscannable"], None),
        case("npy object array", "arr.npy", npy_obj.clone(), &["numpy-object-array", "pickle-dangerous-import"], None),
        case("npz object array", "arrays.npz", zip_of(&[("a.npy", &npy("'<f4'", &[0; 8])), ("b.npy", &npy_obj)], true), &["numpy-object-array", "pickle-dangerous-import"], None),
        case("keras lambda", "model.keras", keras_zip(KERAS_LAMBDA, &[]), &["keras-lambda"], Some("Lambda layer 'evil'")),
        case("keras custom object", "model.keras", keras_zip(KERAS_CUSTOM, &[]), &["keras-custom-object"], Some("my_layers.Backdoor")),
        case("keras python file", "model.keras", keras_zip(KERAS_CLEAN, &[("custom.py", b"import os\n")]), &["keras-lambda"], Some("custom.py")),
        case("h5 lambda", "model.h5", { let mut h = b"\x89HDF\r\n\x1a\n\x00\x00\x00\x00model_config\x00\x00".to_vec(); h.extend_from_slice(KERAS_LAMBDA.as_bytes()); h.extend_from_slice(&[0; 64]); h }, &["keras-lambda"], None),
        case("saved model pyfunc", "saved_model.pb", { let mut g = b"\x08\x01\x12\x04\x0a\x02x1".to_vec(); g.extend_from_slice(b"\x0a\x01n\x12\x06PyFunc\x1a\x01x"); g }, &["tf-risky-op"], Some("op PyFunc")),
        // Chat templates.
        case("template in tokenizer_config.json", "tokenizer_config.json", serde_json::to_vec(&serde_json::json!({"chat_template": SSTI, "model_max_length": 2048})).unwrap(), &["chat-template-injection"], Some("cycler.__init__")),
        case("template in chat_template.json", "chat_template.json", serde_json::to_vec(&serde_json::json!({"chat_template": "{{ ''.__class__.__mro__[1].__subclasses__() }}"})).unwrap(), &["chat-template-injection"], Some("__subclasses__")),
        case("template .jinja", "chat_template.jinja", "{{ lipsum.__globals__['os'].popen('id') }}".into(), &["chat-template-injection"], Some("lipsum.__globals__")),
        case("template in GGUF", "model.gguf", gguf_with_template("{{ x|attr('\\x5f\\x5fclass\\x5f\\x5f') }}"), &["chat-template-injection"], Some("|attr(")),
        // Clean, real-world-shaped files.
        case("clean torch zip state dict", "pytorch_model.bin", torch_zip("archive/data.pkl", &torch_state_dict_pickle(), &[]), &[], None),
        case("clean torch zip, deflated", "model.pt", zip_of(&[("archive/data.pkl", &torch_state_dict_pickle()), ("archive/version", b"3\n")], true), &[], None),
        case("clean storage that starts like PROTO", "model.pt", zip_of(&[("archive/data.pkl", &torch_state_dict_pickle()), ("archive/data/0", b"\x80\x02\x00\x00\x3f\x80\x00\x00\x40\x00\x00\x00\x40\x40\x00\x00\x40\x80\x00\x00")], false), &[], None),
        case("clean raw state dict", "optimizer.pt", torch_state_dict_pickle(), &[], None),
        case("clean legacy torch", "old.bin", legacy_torch(), &[], None),
        case("clean protocol 0 dict", "data.pkl", b"(dp0\nS'a'\np1\nI1\nsS'b'\np2\nF2.5\ns.".to_vec(), &[], None),
        case("clean npy", "a.npy", npy("'<f4'", &[0; 8]), &[], None),
        case("clean npz", "a.npz", zip_of(&[("a.npy", &npy("'<f4'", &[0; 8]))], true), &[], None),
        case("clean keras", "model.keras", keras_zip(KERAS_CLEAN, &[]), &[], None),
        case("clean tokenizer_config.json", "tokenizer_config.json", serde_json::to_vec(&serde_json::json!({"chat_template": CLEAN_TEMPLATE})).unwrap(), &[], None),
        case("clean GGUF template", "model.gguf", gguf_with_template(CLEAN_TEMPLATE), &[], None),
        case("clean gzip text", "notes.txt.gz", gz(b"just some notes\n"), &[], None),
        case("clean text that starts like a pickle", "NOTES", b"N.B. this model is experimental\n".to_vec(), &[], None),
        case("clean README", "README.md", b"# Model\n\nCall it with care.\n".to_vec(), &[], None),
        case("clean binary blob", "tokenizer.model", vec![0x0a, 0x0b, 0x00, 0x01, 0xff, 0x10], &[], None),
        case("clean saved model", "saved_model.pb", b"\x08\x01\x12\x04\x0a\x02x1\x0a\x01n\x12\x06MatMul".to_vec(), &[], None),
    ]
}

#[test]
fn corpus_every_malicious_case_flagged_every_clean_case_clean() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let cases = corpus();
    // The interop cross-check disassembles the raw pickles of the corpus with Python's pickletools.
    let dump = std::env::var_os("AIBOM_SECURITY_DUMP").map(std::path::PathBuf::from);
    if let Some(d) = &dump {
        std::fs::create_dir_all(d).unwrap();
    }
    for (i, c) in cases.iter().enumerate() {
        if let Some(d) = &dump {
            if security::pickle::looks_like_pickle(&c.bytes, true) {
                std::fs::write(d.join(format!("{i:03}-{}", c.file)), &c.bytes).unwrap();
            }
        }
        let f = analyze(dir.path(), c.file, &c.bytes);
        let got = codes(&f);
        let ok = if c.want.is_empty() {
            f.is_empty()
        } else {
            c.want.iter().all(|w| got.contains(w))
                && c.evidence
                    .is_none_or(|e| f.iter().any(|x| x.evidence.contains(e)))
        };
        if !ok {
            failures.push(format!(
                "{}: want {:?} / {:?}, got {:#?}",
                c.name, c.want, c.evidence, f
            ));
        }
        for x in &f {
            assert!(
                finding::lookup(x.code).is_some(),
                "{}: {} emitted but not in CODES",
                c.name,
                x.code
            );
            assert_eq!(x.path.as_deref(), Some(c.file));
            assert_eq!(x.sha256, "00");
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(cases.len() >= 70);
}

#[test]
fn dangerous_findings_carry_offset_and_member() {
    let dir = tempfile::tempdir().unwrap();
    let z = torch_zip(
        "archive/data.pkl",
        &torch_state_dict_pickle(),
        &[("archive/weights", &p2_call("posix", "system", "id"))],
    );
    let f = analyze(dir.path(), "model.pt", &z);
    let d = f
        .iter()
        .find(|x| x.code == "pickle-dangerous-import")
        .unwrap();
    assert_eq!(d.member.as_deref(), Some("archive/weights"));
    assert_eq!(d.offset, Some(2));
    assert_eq!(d.severity, aibom::facts::Severity::Critical);
    // An .npy object array's pickle is reported at its offset in the file.
    let f = analyze(
        dir.path(),
        "a.npy",
        &npy("'|O'", &p2_call("posix", "system", "id")),
    );
    let d = f
        .iter()
        .find(|x| x.code == "pickle-dangerous-import")
        .unwrap();
    assert_eq!(
        d.offset,
        Some(numpy::header_v1("'|O'", "(2,)").len() as u64 + 2)
    );
}

#[test]
fn chat_template_api() {
    let f = security::analyze_chat_template(SSTI, "tokenizer_config.json");
    assert!(!f.is_empty() && f.iter().all(|x| x.code == "chat-template-injection"));
    assert_eq!(f[0].offset, Some(SSTI.find("cycler").unwrap() as u64));
    assert!(security::analyze_chat_template(CLEAN_TEMPLATE, "t.jinja").is_empty());
}

#[test]
fn unreadable_files_are_unscannable_never_clean() {
    let dir = tempfile::tempdir().unwrap();
    let gone = dir.path().join("gone.pkl");
    let f = security::analyze_file(&gone, "gone.pkl", formats::Format::Pickle, 10, "");
    assert_eq!(codes(&f), BTreeSet::from(["unscannable"]));
    let f = analyze(dir.path(), "model.pkl", b"\x01\x02\x03 not a pickle");
    assert_eq!(codes(&f), BTreeSet::from(["unscannable"]));
    // A directory where a file was.
    let f = security::analyze_file(dir.path(), "x.pt", formats::Format::PytorchZip, 10, "");
    assert_eq!(codes(&f), BTreeSet::from(["unscannable"]));
}

#[test]
fn fixture_models_are_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for rel in [
        "tiny-model/model.safetensors",
        "tiny-model/tokenizer_config.json",
        "tiny-model/config.json",
        "tiny-model/README.md",
        "formats/tiny.gguf",
        "formats/tiny.onnx",
    ] {
        let p = root.join(rel);
        let bytes = std::fs::read(&p).unwrap();
        let head = &bytes[..bytes.len().min(aibom::hash::HEAD_LEN)];
        let format = formats::sniff(head, bytes.len() as u64, rel);
        let f = security::analyze_file(&p, rel, format, bytes.len() as u64, "");
        assert!(f.is_empty(), "{rel}: {f:#?}");
    }
}
