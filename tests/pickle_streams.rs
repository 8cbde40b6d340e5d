//! Pickle streams as real files shape them, each built here byte by byte (nothing is ever unpickled) and
//! run through the analysis as a scan would — format sniffed from the first bytes: protocol 0 text
//! pickles that look compressed, broken pickles that run code before they break, long data operands,
//! joblib files whose NumPy arrays sit as raw bytes inside the pickle stream (and attempts to hide code
//! in them), and the parameter counts read from PyTorch checkpoints without loading them.

mod util;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

use aibom::formats::{self, FormatFacts};
use aibom::security::{self, spool, SecurityFinding};
use util::files::{gz, u32le, zlib};

// ---------------------------------------------------------------------------------------------------
// Writers.

fn short(v: &mut Vec<u8>, s: &str) {
    v.push(0x8c);
    v.push(s.len() as u8);
    v.extend_from_slice(s.as_bytes());
}

fn unicode(v: &mut Vec<u8>, s: &str) {
    v.push(b'X');
    v.extend_from_slice(&u32le(s.len()));
    v.extend_from_slice(s.as_bytes());
}

/// The smallest integer opcode for `n`, as pickle writes it.
fn int(v: &mut Vec<u8>, n: u64) {
    if n < 256 {
        v.extend_from_slice(&[b'K', n as u8]);
    } else if n < 65536 {
        v.push(b'M');
        v.extend_from_slice(&(n as u16).to_le_bytes());
    } else if n < 1 << 31 {
        v.push(b'J');
        v.extend_from_slice(&(n as u32).to_le_bytes());
    } else {
        v.extend_from_slice(&[0x8a, 8]);
        v.extend_from_slice(&n.to_le_bytes());
    }
}

/// A tuple of integers: TUPLE1-3 for short ones, MARK ... TUPLE otherwise.
fn int_tuple(v: &mut Vec<u8>, xs: &[u64]) {
    match xs.len() {
        0 => v.push(b')'),
        1..=3 => {
            for x in xs {
                int(v, *x);
            }
            v.push(0x84 + xs.len() as u8);
        }
        _ => {
            v.push(b'(');
            for x in xs {
                int(v, *x);
            }
            v.push(b't');
        }
    }
}

fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in members {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

// ---------------------------------------------------------------------------------------------------
// Joblib: NumpyPickler's layout (joblib >= 0.10; alignment padding since 1.2).

/// One NumPy array for the joblib writer.
struct Array<'a> {
    /// NumPy's pickled type string (`f4`, `i8`, `b1`, `U5`, ...).
    typestr: &'a str,
    /// Byte order character of the dtype state (`<`, `>`, `|`).
    order: &'a str,
    /// The dtype state's element size: -1 for fixed-size types, the byte size for S / U / V.
    elsize: i32,
    shape: &'a [u64],
    data: &'a [u8],
}

/// A joblib file as `joblib.dump({name: array, ...})` writes it with protocol 4: PROTO, then frames of
/// opcodes; each array is pickled as a `NumpyArrayWrapper` (NEWOBJ, state dict, BUILD), the frame is
/// committed, and the array's padding and bytes are written outside any frame. `aligned`: joblib >= 1.2
/// (an alignment attribute of 16 and a padding length byte before the data).
fn joblib_dump(arrays: &[(&str, Array)], aligned: bool) -> Vec<u8> {
    let mut out = b"\x80\x04".to_vec();
    let mut frame = b"}\x94(".to_vec();
    let mut memo = 1u32;
    let mut put = |v: &mut Vec<u8>| {
        v.push(0x94);
        memo += 1;
    };
    let commit = |out: &mut Vec<u8>, frame: &mut Vec<u8>| {
        if frame.len() >= 4 {
            out.push(0x95);
            out.extend_from_slice(&(frame.len() as u64).to_le_bytes());
        }
        out.append(frame);
    };
    for (name, a) in arrays {
        short(&mut frame, name);
        put(&mut frame);
        short(&mut frame, "joblib.numpy_pickle");
        put(&mut frame);
        short(&mut frame, "NumpyArrayWrapper");
        put(&mut frame);
        frame.push(0x93);
        put(&mut frame);
        frame.extend_from_slice(b")\x81");
        put(&mut frame);
        frame.push(b'}');
        put(&mut frame);
        frame.push(b'(');
        short(&mut frame, "subclass");
        short(&mut frame, "numpy");
        short(&mut frame, "ndarray");
        frame.push(0x93);
        short(&mut frame, "shape");
        int_tuple(&mut frame, a.shape);
        short(&mut frame, "order");
        short(&mut frame, "C");
        short(&mut frame, "dtype");
        short(&mut frame, "numpy");
        short(&mut frame, "dtype");
        frame.push(0x93);
        short(&mut frame, a.typestr);
        frame.extend_from_slice(b"\x89\x88\x87R(K\x03");
        short(&mut frame, a.order);
        frame.extend_from_slice(b"NNNJ");
        frame.extend_from_slice(&a.elsize.to_le_bytes());
        frame.push(b'J');
        let align: i32 = if a.elsize > 0 { 1 } else { -1 };
        frame.extend_from_slice(&align.to_le_bytes());
        frame.extend_from_slice(b"K\x00tb");
        short(&mut frame, "allow_mmap");
        frame.push(0x88);
        if aligned {
            short(&mut frame, "numpy_array_alignment_bytes");
            frame.extend_from_slice(b"K\x10");
        }
        frame.extend_from_slice(b"ub");
        commit(&mut out, &mut frame);
        if aligned {
            // As NumpyArrayWrapper.write_array: the data starts at a multiple of 16.
            let pad = 16 - ((out.len() + 1) % 16);
            out.push(pad as u8);
            out.extend(std::iter::repeat_n(0xffu8, pad));
        }
        out.extend_from_slice(a.data);
    }
    frame.extend_from_slice(b"u.");
    commit(&mut out, &mut frame);
    out
}

fn f32s(xs: &[f32]) -> Vec<u8> {
    xs.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn clean_arrays(aligned: bool) -> Vec<u8> {
    let w = f32s(&[0.5; 12]);
    let ids: Vec<u8> = (0..5u64).flat_map(|i| i.to_le_bytes()).collect();
    let names: Vec<u8> = "ab   cd   "
        .chars()
        .flat_map(|c| (c as u32).to_le_bytes())
        .collect();
    joblib_dump(
        &[
            (
                "weights",
                Array {
                    typestr: "f4",
                    order: "<",
                    elsize: -1,
                    shape: &[3, 4],
                    data: &w,
                },
            ),
            (
                "ids",
                Array {
                    typestr: "i8",
                    order: "<",
                    elsize: -1,
                    shape: &[5],
                    data: &ids,
                },
            ),
            (
                "mask",
                Array {
                    typestr: "b1",
                    order: "|",
                    elsize: -1,
                    shape: &[2, 1, 1, 2],
                    data: &[1, 0, 0, 1],
                },
            ),
            (
                "names",
                Array {
                    typestr: "U5",
                    order: "<",
                    elsize: 20,
                    shape: &[2],
                    data: &names,
                },
            ),
            (
                "empty",
                Array {
                    typestr: "f8",
                    order: "<",
                    elsize: -1,
                    shape: &[0, 7],
                    data: &[],
                },
            ),
        ],
        aligned,
    )
}

// ---------------------------------------------------------------------------------------------------
// PyTorch: torch.save's data.pkl (protocol 2) and the legacy stacked pickles.

/// One tensor of a state dict: name, storage class, storage key, storage element count, size.
type Tensor<'a> = (&'a str, &'a str, &'a str, u64, &'a [u64]);

/// An OrderedDict of tensors rebuilt by `torch._utils._rebuild_tensor_v2` from persistent storages,
/// memoized as torch's pickler does (BINPUT after every object; the storage class and the rebuild
/// function fetched back with BINGET the second time).
fn state_dict(tensors: &[Tensor]) -> Vec<u8> {
    let mut v = b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01(".to_vec();
    let mut memo: BTreeMap<String, u8> = BTreeMap::new();
    let mut next = 2u8;
    let mut global = |v: &mut Vec<u8>, m: &str, n: &str| {
        let k = format!("{m}\n{n}");
        match memo.get(&k) {
            Some(i) => v.extend_from_slice(&[b'h', *i]),
            None => {
                v.extend_from_slice(format!("c{m}\n{n}\n").as_bytes());
                v.extend_from_slice(&[b'q', next]);
                memo.insert(k, next);
                next += 1;
            }
        }
    };
    for (name, class, key, numel, size) in tensors {
        unicode(&mut v, name);
        global(&mut v, "torch._utils", "_rebuild_tensor_v2");
        v.extend_from_slice(b"((");
        unicode(&mut v, "storage");
        global(&mut v, "torch", class);
        unicode(&mut v, key);
        unicode(&mut v, "cpu");
        int(&mut v, *numel);
        v.extend_from_slice(b"tQ");
        int(&mut v, 0);
        int_tuple(&mut v, size);
        let stride: Vec<u64> = (0..size.len())
            .map(|i| size[i + 1..].iter().product())
            .collect();
        int_tuple(&mut v, &stride);
        v.push(0x89);
        global(&mut v, "collections", "OrderedDict");
        v.extend_from_slice(b")RtR");
    }
    v.extend_from_slice(b"u.");
    v
}

/// `torch.save(obj, f)` since 1.6: a stored zip under `archive/` with `data.pkl` and one member per
/// storage (`data/<key>`, its element count times the element size).
fn torch_zip(tensors: &[Tensor], elsize: &dyn Fn(&str) -> u64) -> Vec<u8> {
    let pkl = state_dict(tensors);
    let mut storages: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (_, class, key, numel, _) in tensors {
        storages.insert(
            format!("archive/data/{key}"),
            vec![0u8; (numel * elsize(class)) as usize],
        );
    }
    let mut members: Vec<(&str, &[u8])> = vec![("archive/data.pkl", &pkl)];
    for (n, d) in &storages {
        members.push((n, d));
    }
    members.push(("archive/version", b"3\n"));
    zip_of(&members)
}

const MAGIC: [u8; 10] = [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

/// A legacy `torch.save` (before 1.6): magic, protocol version, system info, the object, the sorted
/// storage keys; then each storage as an 8-byte element count and its bytes.
fn legacy_torch(tensors: &[Tensor], elsize: &dyn Fn(&str) -> u64) -> Vec<u8> {
    let mut v = vec![0x80, 0x02, 0x8a, 0x0a];
    v.extend_from_slice(&MAGIC);
    v.push(b'.');
    v.extend_from_slice(b"\x80\x02M\xe9\x03.");
    v.extend_from_slice(b"\x80\x02}q\x00(X\x10\x00\x00\x00protocol_versionq\x01M\xe9\x03X\x0d\x00\x00\x00little_endianq\x02\x88u.");
    v.extend(state_dict(tensors));
    let mut keys: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for (_, class, key, numel, _) in tensors {
        keys.insert(key, (*numel, elsize(class)));
    }
    v.extend_from_slice(b"\x80\x02(");
    for k in keys.keys() {
        unicode(&mut v, k);
    }
    v.extend_from_slice(b"l.");
    for (numel, es) in keys.values() {
        v.extend_from_slice(&numel.to_le_bytes());
        v.extend(std::iter::repeat_n(0u8, (numel * es) as usize));
    }
    v
}

fn elsize(class: &str) -> u64 {
    match class {
        "FloatStorage" | "IntStorage" => 4,
        "HalfStorage" | "BFloat16Storage" => 2,
        "LongStorage" | "DoubleStorage" => 8,
        _ => 1,
    }
}

// ---------------------------------------------------------------------------------------------------
// Running the analysis.

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

fn facts(dir: &Path, name: &str, bytes: &[u8]) -> (FormatFacts, Vec<formats::Defect>) {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    let head = &bytes[..bytes.len().min(aibom::hash::HEAD_LEN)];
    let format = formats::sniff(head, bytes.len() as u64, name);
    formats::read_facts(&p, format, bytes.len() as u64, name)
}

// ---------------------------------------------------------------------------------------------------
// Protocol 0.

#[test]
fn text_pickle_that_sniffs_as_zlib_is_still_walked() {
    let dir = tempfile::tempdir().unwrap();
    // `(S` is a valid zlib header (CM 8, window 4 KiB, check bits right): the sniff takes the file for
    // a compressed stream, which does not inflate.
    let evil = b"(S'id'\nI0\nl0cposix\nsystem\n(S'id'\ntR.".to_vec();
    assert_eq!(spool::codec_of(&evil), Some(spool::Codec::Zlib));
    for name in ["pytorch_model.bin", "model.pkl", "payload"] {
        let f = analyze(dir.path(), name, &evil);
        assert!(
            codes(&f).contains("pickle-dangerous-import"),
            "{name}: {f:#?}"
        );
        let d = f
            .iter()
            .find(|x| x.code == "pickle-dangerous-import")
            .unwrap();
        assert_eq!(d.evidence, "posix.system via REDUCE");
        assert_eq!(d.offset, Some(12));
        assert_eq!(
            d.member, None,
            "found in the raw bytes, not a decompressed stream"
        );
        assert!(!codes(&f).contains("unscannable"), "{name}: {f:#?}");
    }
    // The same shape holding only data is clean, also under a pickle name (no "unscannable").
    let data = b"(S'a'\nS'b'\nl.".to_vec();
    assert_eq!(spool::codec_of(&data), Some(spool::Codec::Zlib));
    for name in ["data.pkl", "pytorch_model.bin"] {
        let f = analyze(dir.path(), name, &data);
        assert!(f.is_empty(), "{name}: {f:#?}");
    }
    // A real zlib stream holding a pickle is still decompressed and walked.
    let sys = b"\x80\x02cposix\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03.";
    let f = analyze(dir.path(), "model.joblib", &zlib(sys));
    assert!(codes(&f).contains("pickle-dangerous-import"), "{f:#?}");
    assert_eq!(f[0].member.as_deref(), Some("<zlib stream>"));
    // Neither a pickle nor decompressible, under a pickle name: not analysed, and said so.
    let f = analyze(
        dir.path(),
        "model.pkl",
        b"(S\x00\x00 not deflate, not a pickle",
    );
    assert_eq!(codes(&f), BTreeSet::from(["unscannable"]));
}

#[test]
fn broken_pickle_without_stop_reports_what_runs_before_the_break() {
    let dir = tempfile::tempdir().unwrap();
    // The "broken pickle" technique: a call, then bytes no unpickler accepts, and no STOP. A loader
    // runs os.system before it fails.
    let mut p0 = b"cposix\nsystem\n(S'id'\ntR".to_vec();
    let at = p0.len() as u64;
    p0.extend_from_slice(b"\x00\xff\xfe broken on purpose");
    let mut p2 = b"\x80\x02cposix\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02R".to_vec();
    let at2 = p2.len() as u64;
    p2.extend_from_slice(b"\x00\x01\x02");
    for (name, bytes, break_at) in [
        ("pytorch_model.bin", &p0, at),
        ("model.pkl", &p0, at),
        ("weights", &p0, at),
        ("model.pt", &p2, at2),
    ] {
        let f = analyze(dir.path(), name, bytes);
        let c = codes(&f);
        assert!(c.contains("pickle-dangerous-import"), "{name}: {f:#?}");
        assert!(
            f.iter().any(|x| x.evidence == "posix.system via REDUCE"),
            "{name}: {f:#?}"
        );
        let broken = f
            .iter()
            .find(|x| x.code == "pickle-unknown-opcode")
            .unwrap();
        assert_eq!(broken.offset, Some(break_at), "{name}");
    }
    // Truncated instead of broken: the same, reported as truncated.
    let f = analyze(dir.path(), "model.bin", &p0[..at as usize]);
    assert_eq!(
        codes(&f),
        BTreeSet::from(["pickle-dangerous-import", "pickle-truncated"])
    );
    // Inside a torch zip, under a name that is not data.pkl.
    let z = zip_of(&[
        ("archive/data.pkl", b"\x80\x02}q\x00."),
        ("archive/extra", &p0),
    ]);
    let f = analyze(dir.path(), "model.pt", &z);
    let d = f
        .iter()
        .find(|x| x.code == "pickle-dangerous-import")
        .unwrap();
    assert_eq!(d.member.as_deref(), Some("archive/extra"));
    assert!(codes(&f).contains("pickle-unknown-opcode"));
    // Prose is not a pickle, even when its first line reads like a GLOBAL.
    let f = analyze(
        dir.path(),
        "NOTES",
        b"credits\nAlice\nBob and Carol wrote this.\n",
    );
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn long_protocol0_string_is_not_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(10_000);
    // A dict with a long STRING and a long UNICODE value, and a pickle that is one long string (its
    // head is a single unfinished operand).
    let dict = format!(
        "(dp0\nS'text'\np1\nS'{long}'\np2\nsV{long}\np3\nL{}\np4\ns.",
        "9".repeat(6000)
    );
    let lone = format!("S'{long}'\np0\n.");
    for (name, bytes) in [
        ("data.pkl", dict.as_bytes()),
        ("pytorch_model.bin", dict.as_bytes()),
        ("notes.pkl", lone.as_bytes()),
    ] {
        let f = analyze(dir.path(), name, bytes);
        assert!(f.is_empty(), "{name}: {f:#?}");
    }
    // A GLOBAL whose module name is over the cap is malformed (no importable object has such a
    // name), not a scan failure: what follows is still walked.
    let p = format!("c{long}\nx\n0cposix\nsystem\n(S'id'\ntR.");
    let f = analyze(dir.path(), "model.pkl", p.as_bytes());
    assert_eq!(
        codes(&f),
        BTreeSet::from(["pickle-bad-operand", "pickle-dangerous-import"])
    );
    assert_eq!(
        f.iter()
            .find(|x| x.code == "pickle-bad-operand")
            .unwrap()
            .offset,
        Some(0)
    );
}

// ---------------------------------------------------------------------------------------------------
// Joblib.

#[test]
fn clean_joblib_with_numpy_arrays_has_no_finding() {
    let dir = tempfile::tempdir().unwrap();
    for aligned in [true, false] {
        let j = clean_arrays(aligned);
        for (name, bytes) in [
            ("model.joblib", j.clone()),
            ("model.pkl", j.clone()),
            ("model.joblib.gz", gz(&j)),
            ("model.joblib.z", zlib(&j)),
        ] {
            let f = analyze(dir.path(), name, &bytes);
            assert!(f.is_empty(), "{name} (aligned {aligned}): {f:#?}");
        }
        // The walk steps over exactly the arrays' bytes: each region is its data, after a padding
        // length byte and 1 to 16 padding bytes that put the data at a multiple of 16.
        let r = security::pickle::walk_bytes(&j, security::pickle::Limits::default());
        assert_eq!(r.joblib_arrays.len(), 5);
        for (a, data) in r.joblib_arrays.iter().zip([48u64, 40, 4, 40, 0]) {
            let pad = a.length - data;
            if aligned {
                assert!((2..=17).contains(&pad), "{a:?}");
                assert_eq!((a.offset + pad) % 16, 0, "{a:?}");
            } else {
                assert_eq!(pad, 0);
            }
            assert!(!a.objects);
        }
        assert_eq!(r.end, j.len() as u64);
    }
}

#[test]
fn joblib_array_bytes_cannot_hide_a_global() {
    let dir = tempfile::tempdir().unwrap();
    let call = b"cposix\nsystem\n(S'id'\ntR0";
    let dangerous = |f: &[SecurityFinding]| {
        f.iter()
            .any(|x| x.code == "pickle-dangerous-import" && x.evidence == "posix.system via REDUCE")
    };
    // 1. The "array" is the call, right after the wrapper (joblib < 1.2 has no padding): joblib reads it
    //    as data, but pickle.load runs it.
    let u1 = |data: &'static [u8]| Array {
        typestr: "u1",
        order: "|",
        elsize: -1,
        shape: &[],
        data,
    };
    let mut a = u1(call);
    let shape = [call.len() as u64];
    a.shape = &shape;
    let f = analyze(dir.path(), "model.joblib", &joblib_dump(&[("x", a)], false));
    assert!(dangerous(&f), "{f:#?}");
    // 2. The wrapper claims fewer bytes than follow it: joblib itself runs the call after the data.
    let mut a = u1(call);
    a.shape = &[0];
    let f = analyze(dir.path(), "model.joblib", &joblib_dump(&[("x", a)], true));
    assert!(dangerous(&f), "{f:#?}");
    // 3. A wrapper made by calling the class (its __init__ sets attributes the file does not show):
    //    the joblib reading stops, and the call after it is still found by the plain reading.
    let mut v = b"\x80\x04".to_vec();
    short(&mut v, "joblib.numpy_pickle");
    short(&mut v, "NumpyArrayWrapper");
    v.extend_from_slice(b"\x93(");
    short(&mut v, "numpy");
    short(&mut v, "ndarray");
    v.extend_from_slice(b"\x93K\x10\x85\x8c\x01C\x8c\x02u1tR}b");
    v.extend_from_slice(call);
    v.push(b'.');
    let f = analyze(dir.path(), "model.joblib", &v);
    assert!(codes(&f).contains("pickle-unresolved-array"), "{f:#?}");
    assert!(dangerous(&f), "{f:#?}");
    // 4. The wrapper's BUILD does not end its frame: joblib would take the data from after the frame,
    //    and run what is left in it.
    let j = joblib_dump(
        &[(
            "x",
            Array {
                typestr: "u1",
                order: "|",
                elsize: -1,
                shape: &[2],
                data: b"\x00\x00",
            },
        )],
        false,
    );
    let mut v = j[..2].to_vec();
    let body_len = u64::from_le_bytes(j[3..11].try_into().unwrap()) as usize;
    let mut body = j[11..11 + body_len].to_vec();
    body.extend_from_slice(call);
    v.push(0x95);
    v.extend_from_slice(&(body.len() as u64).to_le_bytes());
    v.extend_from_slice(&body);
    v.extend_from_slice(&j[11 + body_len..]);
    let f = analyze(dir.path(), "model.joblib", &v);
    assert!(codes(&f).contains("pickle-unresolved-array"), "{f:#?}");
    assert!(dangerous(&f), "{f:#?}");
    // 5. A dtype the file changes through the memo after a first wrapper used it: the second wrapper
    //    is not sized from the stale state.
    let mut v = b"\x80\x04".to_vec();
    let wrapper = |v: &mut Vec<u8>, dtype: &[u8]| {
        short(v, "joblib.numpy_pickle");
        short(v, "NumpyArrayWrapper");
        v.extend_from_slice(b"\x93)\x81}(");
        short(v, "shape");
        v.extend_from_slice(b"K\x04\x85");
        short(v, "dtype");
        v.extend_from_slice(dtype);
        v.extend_from_slice(b"ub");
    };
    let mut dtype = Vec::new();
    short(&mut dtype, "numpy");
    short(&mut dtype, "dtype");
    dtype.push(0x93);
    short(&mut dtype, "S1");
    dtype.extend_from_slice(b"\x89\x88\x87R(K\x03\x8c\x01|NNNK\x01K\x01K\x00tbq\x00");
    wrapper(&mut v, &dtype);
    v.extend_from_slice(b"abcd0h\x00(K\x03\x8c\x01|NNNK\x02K\x01K\x00tb0");
    wrapper(&mut v, b"h\x00");
    v.extend_from_slice(b"abcd");
    v.extend_from_slice(call);
    v.push(b'.');
    let f = analyze(dir.path(), "model.joblib", &v);
    assert!(codes(&f).contains("pickle-unresolved-array"), "{f:#?}");
}

// ---------------------------------------------------------------------------------------------------
// PyTorch parameter counts.

#[test]
fn torch_zip_parameter_count_from_storages() {
    let dir = tempfile::tempdir().unwrap();
    let tensors: &[Tensor] = &[
        (
            "embed.weight",
            "BFloat16Storage",
            "0",
            32_000 * 64,
            &[32_000, 64],
        ),
        (
            "layers.0.attn.q.weight",
            "BFloat16Storage",
            "1",
            64 * 64,
            &[64, 64],
        ),
        ("layers.0.norm.weight", "FloatStorage", "2", 64, &[64]),
        (
            "conv.weight",
            "HalfStorage",
            "3",
            8 * 3 * 3 * 3,
            &[8, 3, 3, 3],
        ),
        ("num_batches_tracked", "LongStorage", "4", 1, &[]),
    ];
    let z = torch_zip(tensors, &elsize);
    let (f, d) = facts(dir.path(), "pytorch_model.bin", &z);
    assert!(d.is_empty(), "{d:?}");
    let FormatFacts::Pytorch(i) = f else {
        panic!("no PyTorch facts: {f:?}");
    };
    assert_eq!(i.layout, "zip");
    assert_eq!(i.tensor_count, 5);
    assert_eq!(i.storage_count, 5);
    assert_eq!(i.parameters, 2_048_000 + 4096 + 64 + 216 + 1);
    assert_eq!(
        i.dtypes,
        BTreeMap::from([
            ("BF16".into(), 2_052_096),
            ("F32".into(), 64),
            ("F16".into(), 216),
            ("I64".into(), 1)
        ])
    );
    // The same checkpoint is clean for the security analysis.
    assert!(analyze(dir.path(), "pytorch_model.bin", &z).is_empty());
    // A storage member shorter than its element count needs is a defect, the counts stay.
    let short_zip = {
        let pkl = state_dict(&tensors[2..3]);
        zip_of(&[("archive/data.pkl", &pkl), ("archive/data/2", &[0u8; 100])])
    };
    let (f, d) = facts(dir.path(), "short.pt", &short_zip);
    assert!(matches!(f, FormatFacts::Pytorch(ref i) if i.parameters == 64));
    assert_eq!(
        d.iter().map(|d| d.code).collect::<Vec<_>>(),
        ["pytorch-storage-mismatch"]
    );
    // Through the whole analysis: the weight file's properties and the model's parameter count.
    let model = dir.path().join("model");
    std::fs::create_dir(&model).unwrap();
    std::fs::write(model.join("pytorch_model.bin"), &z).unwrap();
    std::fs::write(model.join("config.json"), br#"{"model_type": "llama"}"#).unwrap();
    let opts = aibom::scan::ScanOptions::default();
    let hashed =
        aibom::scan::hash_model(&model, &opts, &mut |_| {}, &aibom::hash::NoProgress).unwrap();
    let inv = aibom::scan::inventory(&hashed, &opts.walk);
    let a = aibom::analyze::analyze(&hashed, &inv);
    assert_eq!(a.facts.parameters, Some(2_052_377));
    assert_eq!(a.facts.dtypes.get("BF16"), Some(&2_052_096));
    let props = &a.facts.files["pytorch_model.bin"].properties;
    assert!(
        props.contains(&("aibom:parameters".into(), "2052377".into())),
        "{props:?}"
    );
    assert!(
        props.contains(&("aibom:tensors".into(), "5".into())),
        "{props:?}"
    );
}

#[test]
fn legacy_torch_parameter_count() {
    let dir = tempfile::tempdir().unwrap();
    let tensors: &[Tensor] = &[
        ("fc1.weight", "FloatStorage", "94010", 300, &[30, 10]),
        ("fc1.bias", "FloatStorage", "94020", 30, &[30]),
        ("fc2.weight", "DoubleStorage", "94030", 60, &[2, 30]),
    ];
    let legacy = legacy_torch(tensors, &elsize);
    let (f, d) = facts(dir.path(), "old_model.bin", &legacy);
    assert!(d.is_empty(), "{d:?}");
    let FormatFacts::Pytorch(i) = f else {
        panic!("no PyTorch facts: {f:?}");
    };
    assert_eq!(i.layout, "legacy");
    assert_eq!((i.tensor_count, i.storage_count, i.parameters), (3, 3, 390));
    assert_eq!(
        i.dtypes,
        BTreeMap::from([("F32".into(), 330), ("F64".into(), 60)])
    );
    assert!(analyze(dir.path(), "old_model.bin", &legacy).is_empty());
    // Storages cut short: the counts come from the pickles, the shortfall is a defect.
    let cut = &legacy[..legacy.len() - 100];
    let (f, d) = facts(dir.path(), "cut.bin", cut);
    assert!(matches!(f, FormatFacts::Pytorch(ref i) if i.parameters == 390));
    assert_eq!(
        d.iter().map(|d| d.code).collect::<Vec<_>>(),
        ["pytorch-storage-mismatch"]
    );
    // A plain pickle (no magic number) has no PyTorch facts.
    let (f, d) = facts(dir.path(), "x.pkl", b"\x80\x02}q\x00.");
    assert!(matches!(f, FormatFacts::None) && d.is_empty());
}
