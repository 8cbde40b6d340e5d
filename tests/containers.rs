//! Containers as real writers lay them out, generated here byte by byte (nothing is loaded, nothing is
//! committed): `torch.save` zips with their zip64 end records and 64-byte aligned members, PyTorch's
//! legacy tar checkpoints, tars plain and compressed, zips inside zips, archives the analysis cannot
//! open, and hostile variants (traversal names, bombs, lying sizes, truncation, deep nesting). Each is
//! run through `security::analyze_file` as the scan would — format sniffed from the first bytes.

mod util;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use aibom::formats::{self, Format};
use aibom::security::{self, SecurityFinding};
use util::files::{bz2, gz, u32le, xz, zip_of};

// ---------------------------------------------------------------------------------------------------
// Pickles (the writers follow tests/security.rs).

/// Protocol 2: GLOBAL, BINUNICODE, TUPLE1, REDUCE with BINPUTs, as pickle.dumps writes.
fn p2_call(m: &str, n: &str, arg: &str) -> Vec<u8> {
    let mut v = format!("\x02c{m}\n{n}\nq\x00X").into_bytes();
    v.insert(0, 0x80);
    v.extend_from_slice(&u32le(arg.len()));
    v.extend_from_slice(arg.as_bytes());
    v.extend_from_slice(b"q\x01\x85q\x02Rq\x03.");
    v
}

/// Protocol 2 state dict as torch.save writes `data.pkl`: an OrderedDict of tensors rebuilt by
/// `torch._utils._rebuild_tensor_v2` from persistent storages (BINPERSID), with `_metadata`. One
/// tensor per entry of `tensors` (name, element count), stored under keys "0", "1", ...
fn torch_state_dict_pickle(tensors: &[(&str, u8)]) -> Vec<u8> {
    let mut v = b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01(".to_vec();
    let mut memo = 2u8;
    for (i, (name, numel)) in tensors.iter().enumerate() {
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
        v.extend_from_slice(&[b'K', *numel, b't', b'q', memo]);
        memo += 1;
        v.extend_from_slice(&[b'Q', b'K', 0, b'K', *numel, 0x85, b'q', memo]);
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

/// The same state dict whose `_metadata` is built by calling `posix.system` (REDUCE).
fn torch_state_dict_with_os_system() -> Vec<u8> {
    let mut v = torch_state_dict_pickle(&[("weight", 4)]);
    // Replace the final `b.` (BUILD, STOP) by: pop the dict, call posix.system('id'), STOP.
    v.truncate(v.len() - 1);
    v.extend_from_slice(b"0cposix\nsystem\n(X\x02\x00\x00\x00idtR.");
    v
}

// ---------------------------------------------------------------------------------------------------
// torch.save's zip layout.

fn crc32(data: &[u8]) -> u32 {
    let mut c = flate2::Crc::new();
    c.update(data);
    c.sum()
}

/// A zip laid out as PyTorch's writer (`torch.save` since 1.6) lays it out: stored members whose data
/// starts on a 64-byte boundary thanks to a padding extra field ('FB', filled with 'Z') in the local
/// header only; a central directory without extras; then a zip64 end record and locator, always,
/// before a classic end record that keeps the real (unsaturated) counts and offsets.
fn torch_save_layout(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in members {
        let offset = out.len();
        let fixed = offset + 30 + name.len() + 4;
        let pad = (64 - fixed % 64) % 64;
        let crc = crc32(data);
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&0u16.to_le_bytes()); // version needed (stored)
        out.extend_from_slice(&0u16.to_le_bytes()); // flags
        out.extend_from_slice(&0u16.to_le_bytes()); // method: stored
        out.extend_from_slice(&[0, 0x08, 0x21, 0x00]); // time, date (1980-01-01)
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&((4 + pad) as u16).to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"FB");
        out.extend_from_slice(&(pad as u16).to_le_bytes());
        out.extend(std::iter::repeat_n(b'Z', pad));
        assert_eq!(out.len() % 64, 0);
        out.extend_from_slice(data);

        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&0x031eu16.to_le_bytes()); // made by
        central.extend_from_slice(&0u16.to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes());
        central.extend_from_slice(&[0, 0x08, 0x21, 0x00]);
        central.extend_from_slice(&crc.to_le_bytes());
        central.extend_from_slice(&(data.len() as u32).to_le_bytes());
        central.extend_from_slice(&(data.len() as u32).to_le_bytes());
        central.extend_from_slice(&(name.len() as u16).to_le_bytes());
        central.extend_from_slice(&[0; 12]); // extra, comment, disk, attributes
        central.extend_from_slice(&(offset as u32).to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd_start = out.len();
    out.extend_from_slice(&central);
    let z64 = out.len();
    let n = members.len() as u64;
    out.extend_from_slice(b"PK\x06\x06");
    out.extend_from_slice(&44u64.to_le_bytes());
    out.extend_from_slice(&0x031eu16.to_le_bytes());
    out.extend_from_slice(&45u16.to_le_bytes());
    out.extend_from_slice(&[0; 8]); // this disk, directory's disk
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&(central.len() as u64).to_le_bytes());
    out.extend_from_slice(&(cd_start as u64).to_le_bytes());
    out.extend_from_slice(b"PK\x06\x07");
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&(z64 as u64).to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(n as u16).to_le_bytes());
    out.extend_from_slice(&(n as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&(cd_start as u32).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// A one-tensor checkpoint as `torch.save(model.state_dict(), f)` writes it, with `data_pkl`.
fn torch_save(data_pkl: &[u8]) -> Vec<u8> {
    let storage: Vec<u8> = [1.0f32, 2.0, 3.0, 4.0]
        .iter()
        .flat_map(|f| f.to_le_bytes())
        .collect();
    torch_save_layout(&[
        ("archive/data.pkl", data_pkl),
        ("archive/byteorder", b"little"),
        ("archive/data/0", &storage),
        ("archive/version", b"3\n"),
        (
            "archive/.data/serialization_id",
            b"1279186416137620434118342839524574391818",
        ),
    ])
}

// ---------------------------------------------------------------------------------------------------
// Tar.

fn tar_header(name: &str, size: u64, flag: u8, link: &str) -> Vec<u8> {
    let mut b = vec![0u8; 512];
    assert!(name.len() <= 100 && link.len() <= 100);
    b[..name.len()].copy_from_slice(name.as_bytes());
    b[100..108].copy_from_slice(b"0000644\0");
    b[108..116].copy_from_slice(b"0001750\0");
    b[116..124].copy_from_slice(b"0001750\0");
    b[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
    b[136..148].copy_from_slice(b"14177204015\0");
    b[156] = flag;
    b[157..157 + link.len()].copy_from_slice(link.as_bytes());
    b[257..263].copy_from_slice(b"ustar\0");
    b[263..265].copy_from_slice(b"00");
    seal(&mut b);
    b
}

/// Write the header checksum (the field counted as spaces, six octal digits, NUL, space).
fn seal(b: &mut [u8]) {
    let sum: u32 = b
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            if (148..156).contains(&i) {
                32
            } else {
                u32::from(x)
            }
        })
        .sum();
    b[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
}

enum T<'a> {
    File(&'a str, &'a [u8]),
    Dir(&'a str),
    Symlink(&'a str, &'a str),
    /// A file whose name is given by a pax extended header.
    PaxFile(&'a str, &'a [u8]),
    /// A file whose name is given by a GNU long-name header.
    GnuLongFile(&'a str, &'a [u8]),
}

fn data_blocks(out: &mut Vec<u8>, data: &[u8]) {
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
}

fn pax_record(key: &str, value: &str) -> String {
    let body = format!(" {key}={value}\n");
    let mut n = body.len() + 1;
    while format!("{n}{body}").len() != n {
        n += 1;
    }
    format!("{n}{body}")
}

fn tar_of(entries: &[T]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        match e {
            T::File(name, data) => {
                out.extend(tar_header(name, data.len() as u64, b'0', ""));
                data_blocks(&mut out, data);
            }
            T::Dir(name) => out.extend(tar_header(name, 0, b'5', "")),
            T::Symlink(name, target) => out.extend(tar_header(name, 0, b'2', target)),
            T::PaxFile(name, data) => {
                let rec = pax_record("path", name);
                out.extend(tar_header("./PaxHeaders/x", rec.len() as u64, b'x', ""));
                data_blocks(&mut out, rec.as_bytes());
                out.extend(tar_header("short-name", data.len() as u64, b'0', ""));
                data_blocks(&mut out, data);
            }
            T::GnuLongFile(name, data) => {
                let mut n = name.as_bytes().to_vec();
                n.push(0);
                let mut h = tar_header("././@LongLink", n.len() as u64, b'L', "");
                h[257..265].copy_from_slice(b"ustar  \0");
                seal(&mut h);
                out.extend(h);
                data_blocks(&mut out, &n);
                out.extend(tar_header("truncated-name", data.len() as u64, b'0', ""));
                data_blocks(&mut out, data);
            }
        }
    }
    out.extend_from_slice(&[0; 1024]);
    out
}

/// PyTorch's legacy tar checkpoint of one 4-element float tensor, with the given main `pickle` and,
/// optionally, a second storage record whose pickle is `second_storage`.
fn legacy_tar(pickle: &[u8], second_storage: Option<&[u8]>) -> Vec<u8> {
    let n = if second_storage.is_some() { 2u8 } else { 1 };
    let mut storages = vec![0x80, 0x02, b'K', n, b'.'];
    storages.extend_from_slice(
        b"\x80\x02(X\x01\x00\x00\x000q\x00X\x03\x00\x00\x00cpuq\x01ctorch\nFloatStorage\nq\x02tq\x03.",
    );
    storages.extend_from_slice(&4u64.to_le_bytes());
    // Float data that starts like PROTO 2 and a pickle opcode: it must be skipped, not walked.
    storages.extend_from_slice(b"\x80\x02K\x01\x00\x00\x80?\x00\x00\x00@\x00\x00@@");
    if let Some(p) = second_storage {
        storages.extend_from_slice(p);
        storages.extend_from_slice(&2u64.to_le_bytes());
        storages.extend_from_slice(&[0; 8]);
    }
    storages.extend_from_slice(b"\x80\x02]q\x00.");
    let mut tensors = b"\x80\x02K\x01.".to_vec();
    tensors.extend_from_slice(
        b"\x80\x02(X\x01\x00\x00\x000q\x00X\x01\x00\x00\x000q\x01ctorch\nFloatTensor\nq\x02tq\x03.",
    );
    tensors.extend_from_slice(&1u64.to_le_bytes()); // ndim, written as 8 bytes
    tensors.extend_from_slice(&4u64.to_le_bytes()); // size
    tensors.extend_from_slice(&1u64.to_le_bytes()); // stride
    tensors.extend_from_slice(&0u64.to_le_bytes()); // storage offset
    let sys_info = b"\x80\x02}q\x00(X\x10\x00\x00\x00protocol_versionq\x01M\xe9\x03X\x0d\x00\x00\x00little_endianq\x02\x88u.";
    tar_of(&[
        T::File("sys_info", sys_info),
        T::File("pickle", pickle),
        T::File("tensors", &tensors),
        T::File("storages", &storages),
    ])
}

/// The main pickle of a legacy tar checkpoint: `{'weight': <persistent id '0'>}`.
const LEGACY_PICKLE: &[u8] =
    b"\x80\x02}q\x00X\x06\x00\x00\x00weightq\x01X\x01\x00\x00\x000q\x02Qs.";

// ---------------------------------------------------------------------------------------------------
// Other writers.

// ---------------------------------------------------------------------------------------------------
// Running a file.

fn sniffed(name: &str, bytes: &[u8]) -> Format {
    let head = &bytes[..bytes.len().min(aibom::hash::HEAD_LEN)];
    formats::sniff(head, bytes.len() as u64, name)
}

fn analyze(name: &str, bytes: &[u8]) -> Vec<SecurityFinding> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name.replace('/', "_"));
    std::fs::write(&p, bytes).unwrap();
    let format = sniffed(name, bytes);
    security::analyze_file(&p, name, format, bytes.len() as u64, "00")
}

fn analyze_with(name: &str, bytes: &[u8], caps: &security::spool::Caps) -> Vec<SecurityFinding> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    let format = sniffed(name, bytes);
    security::analyze_file_with(&p, name, format, bytes.len() as u64, "00", caps)
}

fn codes(f: &[SecurityFinding]) -> BTreeSet<&'static str> {
    f.iter().map(|x| x.code).collect()
}

fn dangerous(f: &[SecurityFinding]) -> Vec<&SecurityFinding> {
    f.iter()
        .filter(|x| x.code == "pickle-dangerous-import")
        .collect()
}

// ---------------------------------------------------------------------------------------------------
// torch.save zips.

#[test]
fn torch_save_zip64_layout_is_clean() {
    let z = torch_save(&torch_state_dict_pickle(&[("weight", 4)]));
    assert_eq!(sniffed("pytorch_model.bin", &z), Format::PytorchZip);
    // The zip crate (our second opinion) accepts the layout as it is.
    let a = zip::ZipArchive::new(std::io::Cursor::new(&z)).unwrap();
    assert_eq!(a.len(), 5);
    let f = analyze("pytorch_model.bin", &z);
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn torch_save_zip64_layout_with_os_system_is_critical() {
    let z = torch_save(&torch_state_dict_with_os_system());
    let f = analyze("model.pt", &z);
    let c = codes(&f);
    assert!(c.contains("pickle-dangerous-import"), "{f:#?}");
    assert!(
        !c.contains("zip-invalid") && !c.contains("unscannable"),
        "{f:#?}"
    );
    let d = dangerous(&f);
    assert_eq!(d[0].member.as_deref(), Some("archive/data.pkl"));
    assert_eq!(d[0].evidence, "posix.system via REDUCE");
    assert_eq!(d[0].severity, aibom::facts::Severity::Critical);
}

#[test]
fn zip64_records_that_disagree_are_invalid() {
    let good = torch_save(&torch_state_dict_pickle(&[("weight", 4)]));
    let eocd = good.len() - 22;
    let z64 = eocd - 20 - 56;
    // The zip64 record counts one entry more than the classic record.
    let mut count = good.clone();
    count[z64 + 24] += 1;
    count[z64 + 32] += 1;
    // The zip64 record puts the directory elsewhere.
    let mut offset = good.clone();
    offset[z64 + 48] ^= 0x40;
    // The locator points at the wrong place.
    let mut locator = good.clone();
    locator[eocd - 20 + 8] ^= 0x08;
    for (what, z) in [("count", count), ("offset", offset), ("locator", locator)] {
        let c = codes(&analyze("model.pt", &z));
        assert!(
            c.contains("zip-invalid") && c.contains("unscannable"),
            "{what}: {c:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------------
// Legacy tar checkpoints.

#[test]
fn legacy_tar_checkpoint_is_clean() {
    let t = legacy_tar(LEGACY_PICKLE, None);
    assert_eq!(sniffed("model.tar", &t), Format::PytorchTar);
    assert_eq!(
        aibom::role::classify("model.tar", Format::PytorchTar),
        aibom::role::Role::Weights
    );
    let f = analyze("model.tar", &t);
    assert!(f.is_empty(), "{f:#?}");
    // Two storage records, both walked, still clean.
    let second = b"\x80\x02(X\x01\x00\x00\x001q\x00X\x03\x00\x00\x00cpuq\x01ctorch\nFloatStorage\nq\x02tq\x03.";
    let f = analyze("model.pth", &legacy_tar(LEGACY_PICKLE, Some(second)));
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn legacy_tar_checkpoint_pickle_is_walked() {
    let t = legacy_tar(&p2_call("posix", "system", "id"), None);
    let f = analyze("model.pth", &t);
    let d = dangerous(&f);
    assert_eq!(d.len(), 1, "{f:#?}");
    assert_eq!(d[0].member.as_deref(), Some("pickle"));
    assert_eq!(d[0].evidence, "posix.system via REDUCE");
}

#[test]
fn legacy_tar_storage_records_are_walked_past_tensor_data() {
    // The payload sits in the second storage record, after the first storage's raw bytes: the record
    // calls subprocess.Popen, drops the result and goes on as a well-formed record.
    let record = b"\x80\x02csubprocess\nPopen\nX\x02\x00\x00\x00id\x85R0(X\x01\x00\x00\x001X\x03\x00\x00\x00cpuctorch\nFloatStorage\nt.";
    let t = legacy_tar(LEGACY_PICKLE, Some(record));
    let f = analyze("checkpoint.pth.tar", &t);
    let d = dangerous(&f);
    assert_eq!(d.len(), 1, "{f:#?}");
    assert_eq!(d[0].member.as_deref(), Some("storages"));
    assert_eq!(d[0].evidence, "subprocess.Popen via REDUCE");
    assert!(!codes(&f).contains("unscannable"), "{f:#?}");
}

#[test]
fn legacy_tar_with_a_broken_storage_record_is_not_clean() {
    // A storage record naming no storage type: its data cannot be stepped over.
    let t = legacy_tar(LEGACY_PICKLE, Some(b"\x80\x02N."));
    let c = codes(&analyze("model.tar", &t));
    assert!(c.contains("unscannable"), "{c:?}");
}

// ---------------------------------------------------------------------------------------------------
// Tar, plain and compressed.

#[test]
fn tar_with_malicious_pickle_is_found_whatever_its_name() {
    let t = tar_of(&[
        T::Dir("model/"),
        T::File("model/config.json", b"{}"),
        T::File("model/weights.bin", &p2_call("posix", "system", "id")),
    ]);
    for name in ["bundle.tar", "bundle.bin", "bundle"] {
        let f = analyze(name, &t);
        let d = dangerous(&f);
        assert_eq!(d.len(), 1, "{name}: {f:#?}");
        assert_eq!(d[0].member.as_deref(), Some("model/weights.bin"));
        assert_eq!(d[0].offset, Some(2));
    }
    assert_eq!(sniffed("bundle.tar", &t), Format::Tar);
}

#[test]
fn tar_gz_with_malicious_pickle_is_found() {
    let t = tar_of(&[
        T::File("README.md", b"# model\n"),
        T::File("model.pkl", &p2_call("builtins", "exec", "import os")),
    ]);
    for (name, bytes) in [
        ("model.tar.gz", gz(&t)),
        ("model.tgz", gz(&t)),
        ("model.tar.bz2", bz2(&t)),
        ("model.tar.xz", xz(&t)),
        ("blob", gz(&t)),
    ] {
        let f = analyze(name, &bytes);
        let d = dangerous(&f);
        assert_eq!(d.len(), 1, "{name}: {f:#?}");
        assert_eq!(d[0].member.as_deref(), Some("model.pkl"), "{name}");
    }
    // A clean compressed tar is clean.
    let clean = tar_of(&[T::File("a.txt", b"hello\n"), T::File("b.bin", &[0u8; 3000])]);
    assert!(analyze("data.tar.gz", &gz(&clean)).is_empty());
}

#[test]
fn legacy_tar_checkpoint_inside_gzip_is_walked() {
    let t = legacy_tar(LEGACY_PICKLE, Some(&p2_call("posix", "system", "id")));
    let f = analyze("model.pth.gz", &gz(&t));
    assert_eq!(dangerous(&f).len(), 1, "{f:#?}");
    assert_eq!(dangerous(&f)[0].member.as_deref(), Some("storages"));
    assert!(analyze("ok.pth.gz", &gz(&legacy_tar(LEGACY_PICKLE, None))).is_empty());
}

#[test]
fn tar_long_names_are_followed() {
    let long = format!("{}/model.pkl", "deep/".repeat(30));
    let t = tar_of(&[
        T::PaxFile(&long, &p2_call("posix", "system", "a")),
        T::GnuLongFile(
            &long.replace("model", "other"),
            &p2_call("nt", "system", "b"),
        ),
        T::File("tail.pkl", &p2_call("subprocess", "run", "c")),
    ]);
    let f = analyze("x.tar", &t);
    let members: BTreeSet<_> = dangerous(&f)
        .iter()
        .map(|x| x.member.clone().unwrap())
        .collect();
    assert_eq!(
        members,
        BTreeSet::from([
            long.clone(),
            long.replace("model", "other"),
            "tail.pkl".to_string()
        ]),
        "{f:#?}"
    );
}

#[test]
fn tar_pax_size_decides_where_the_next_header_is() {
    // The header's size field says 0, the pax record says the real size: a reader ignoring pax would
    // take the pickle's bytes for the next header.
    let payload = p2_call("posix", "system", "id");
    let mut t = Vec::new();
    let rec = pax_record("size", &payload.len().to_string());
    t.extend(tar_header("./PaxHeaders/p", rec.len() as u64, b'x', ""));
    data_blocks(&mut t, rec.as_bytes());
    t.extend(tar_header("p.pkl", 0, b'0', ""));
    data_blocks(&mut t, &payload);
    t.extend_from_slice(&[0; 1024]);
    let f = analyze("x.tar", &t);
    assert_eq!(dangerous(&f).len(), 1, "{f:#?}");
    assert!(!codes(&f).contains("archive-invalid"), "{f:#?}");
}

#[test]
fn tar_member_traversal_is_reported() {
    let t = tar_of(&[
        T::File("../../etc/cron.d/x", b"* * * * * root id\n"),
        T::File("/abs/path", b"x"),
        T::Symlink("link", "/etc"),
        T::Symlink("a/ok", "../b"),
        T::Symlink("up", "../../outside"),
        T::File("fine/name.txt", b"y"),
    ]);
    let f = analyze("x.tar", &t);
    let trav: BTreeSet<_> = f
        .iter()
        .filter(|x| x.code == "archive-path-traversal")
        .map(|x| x.evidence.as_str())
        .collect();
    assert_eq!(
        trav,
        BTreeSet::from([
            "../../etc/cron.d/x",
            "/abs/path",
            "link -> /etc",
            "up -> ../../outside"
        ]),
        "{f:#?}"
    );
    assert!(
        f.iter().all(|x| x.code == "archive-path-traversal"),
        "{f:#?}"
    );
}

#[test]
fn tar_bomb_hits_the_expansion_cap() {
    // 64 MiB of zeros in a tar, gzip-compressed to a few tens of KiB: past the 200x ratio.
    let mut t = tar_header("zeros.bin", 64 << 20, b'0', "");
    t.resize(512 + (64 << 20), 0);
    t.extend(tar_header("late.pkl", 0, b'0', ""));
    t.extend_from_slice(&[0; 1024]);
    let z = gz(&t);
    let start = Instant::now();
    let f = analyze("bomb.tar.gz", &z);
    assert!(codes(&f).contains("compressed-bomb"), "{f:#?}");
    assert!(start.elapsed() < Duration::from_secs(20));
    // The total cap alone (ratio allowed): stops too.
    let caps = security::spool::Caps {
        total: 1 << 20,
        ratio: u64::MAX,
        ..Default::default()
    };
    let f = analyze_with("bomb.tar.gz", &z, &caps);
    assert!(codes(&f).contains("compressed-bomb"), "{f:#?}");
}

#[test]
fn tar_with_lying_sizes_and_truncation_is_invalid_never_clean() {
    let payload = p2_call("posix", "system", "id");
    // Huge size field (octal and base-256): runs past the archive.
    let mut huge = tar_header("big.pkl", 0o77777777777, b'0', "");
    huge.extend_from_slice(&payload);
    huge.resize(2048, 0);
    let mut b256 = tar_header("big.pkl", 0, b'0', "");
    b256[124..136].copy_from_slice(&[
        0x80, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    ]);
    seal(&mut b256);
    b256.extend_from_slice(&payload);
    b256.resize(2048, 0);
    let whole = tar_of(&[T::File("a.pkl", &payload), T::File("b.txt", b"x")]);
    let truncated = whole[..700].to_vec();
    let cut_header = whole[..1024 + 100].to_vec();
    for (what, t) in [
        ("octal", huge),
        ("base-256", b256),
        ("truncated member", truncated),
        ("truncated header", cut_header),
    ] {
        let start = Instant::now();
        let f = analyze("x.tar", &t);
        assert!(codes(&f).contains("archive-invalid"), "{what}: {f:#?}");
        assert!(start.elapsed() < Duration::from_secs(5), "{what}");
        // Compressed, the same archive is read as a stream: still invalid, no hang.
        let f = analyze("x.tar.gz", &gz(&t));
        assert!(
            codes(&f).contains("archive-invalid") || codes(&f).contains("unscannable"),
            "{what} (gz): {f:#?}"
        );
    }
}

#[test]
fn tar_header_with_a_bad_checksum_after_the_first_is_invalid() {
    let mut t = tar_of(&[
        T::File("a.txt", b"x"),
        T::File("b.pkl", &p2_call("os", "system", "x")),
    ]);
    t[1024] ^= 0x01; // the second header's name
    let f = analyze("x.tar", &t);
    assert!(codes(&f).contains("archive-invalid"), "{f:#?}");
}

#[test]
fn tar_first_bytes_that_read_as_a_pickle_are_walked() {
    // torch.load unpickles the file from byte 0 when tarfile rejects it, so a tar whose first header
    // is also a protocol 0 pickle is a polyglot: both readings are analysed.
    let name = "cposix\nsystem\n(S'id'\ntR.";
    let t = tar_of(&[T::File(name, b"x")]);
    assert!(aibom::security::tar::is_header(&t));
    let f = analyze("model.bin", &t);
    assert!(!dangerous(&f).is_empty(), "{f:#?}");
}

// ---------------------------------------------------------------------------------------------------
// Zips inside zips.

#[test]
fn zip_in_zip_with_malicious_pickle_is_found() {
    let inner = torch_save(&torch_state_dict_with_os_system());
    for deflate in [false, true] {
        let outer = zip_of(
            &[("README.md", b"hi"), ("models/model.pt", &inner)],
            deflate,
        );
        let f = analyze("bundle.zip", &outer);
        let d = dangerous(&f);
        assert_eq!(d.len(), 1, "{f:#?}");
        assert_eq!(
            d[0].member.as_deref(),
            Some("models/model.pt > archive/data.pkl")
        );
        assert!(!codes(&f).contains("zip-invalid"), "{f:#?}");
    }
    // A tar.gz inside a zip, holding a pickle.
    let tgz = gz(&tar_of(&[T::File(
        "m.pkl",
        &p2_call("posix", "system", "id"),
    )]));
    let f = analyze("bundle.zip", &zip_of(&[("m.tar.gz", &tgz)], true));
    assert_eq!(
        dangerous(&f)[0].member.as_deref(),
        Some("m.tar.gz > m.pkl"),
        "{f:#?}"
    );
    // A clean zip of clean checkpoints is clean.
    let ok = torch_save(&torch_state_dict_pickle(&[("weight", 4)]));
    assert!(analyze("bundle.zip", &zip_of(&[("a.pt", &ok), ("b.pt", &ok)], true)).is_empty());
}

#[test]
fn zip_in_zip_beyond_depth_is_reported() {
    let mut z = zip_of(&[("evil.pkl", &p2_call("posix", "system", "id"))], false);
    // Three levels below the file's own zip are opened...
    for i in 0..3 {
        z = zip_of(&[(&format!("level{i}.zip"), &z)], i % 2 == 0);
    }
    let f = analyze("outer.zip", &z);
    assert_eq!(dangerous(&f).len(), 1, "{f:#?}");
    assert!(!codes(&f).contains("archive-limit-exceeded"));
    // ... a fourth is not.
    let deeper = zip_of(&[("level3.zip", &z)], false);
    let f = analyze("outer.zip", &deeper);
    assert!(dangerous(&f).is_empty(), "{f:#?}");
    let lim: Vec<_> = f
        .iter()
        .filter(|x| x.code == "archive-limit-exceeded")
        .collect();
    assert_eq!(lim.len(), 1, "{f:#?}");
    assert_eq!(
        lim[0].member.as_deref(),
        Some("level3.zip > level2.zip > level1.zip > level0.zip")
    );
}

/// A zip whose `n` directory entries all point at one stored member `name` holding `data`.
fn overlapping(name: &str, data: &[u8], n: usize) -> Vec<u8> {
    let one = zip_of(&[(name, data)], false);
    let eocd = one.len() - 22;
    let cd = u32::from_le_bytes(one[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
    let entry = &one[cd..eocd];
    let mut z = one[..cd].to_vec();
    for _ in 0..n {
        z.extend_from_slice(entry);
    }
    z.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    z.extend_from_slice(&(n as u16).to_le_bytes());
    z.extend_from_slice(&(n as u16).to_le_bytes());
    z.extend_from_slice(&((entry.len() * n) as u32).to_le_bytes());
    z.extend_from_slice(&(cd as u32).to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z
}

#[test]
fn overlapping_entries_cannot_reopen_a_nested_archive_for_free() {
    let inner = zip_of(&[("a.txt", &[b'x'; 20_000][..])], false);
    let caps = security::spool::Caps {
        total: 100_000,
        ..Default::default()
    };
    // 200 entries on one stored 20 KB zip: the file's budget is spent after five openings.
    let f = analyze_with("overlap.zip", &overlapping("n.zip", &inner, 200), &caps);
    assert!(
        f.iter()
            .any(|x| x.code == "zip-bomb" && x.message.contains("analysis budget")),
        "{f:#?}"
    );
    // Many more, with the default caps: bounded time.
    let start = Instant::now();
    let f = analyze("overlap.zip", &overlapping("n.zip", &inner, 20_000));
    assert!(codes(&f).contains("zip-duplicate-name"));
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn nested_compressed_streams_stop_at_the_depth_cap() {
    let mut b = p2_call("posix", "system", "id");
    for _ in 0..10 {
        b = gz(&b);
    }
    let start = Instant::now();
    let f = analyze("onion.gz", &b);
    assert!(codes(&f).contains("archive-limit-exceeded"), "{f:#?}");
    assert!(start.elapsed() < Duration::from_secs(5));
}

// ---------------------------------------------------------------------------------------------------
// What cannot be opened.

#[test]
fn seven_zip_is_unscannable() {
    let mut s = b"7z\xbc\xaf\x27\x1c\x00\x04".to_vec();
    s.extend_from_slice(&[0x55; 120]);
    assert_eq!(sniffed("model.7z", &s), Format::SevenZip);
    let f = analyze("model.7z", &s);
    assert_eq!(codes(&f), BTreeSet::from(["unscannable"]), "{f:#?}");
    assert!(f[0].evidence.contains("7z"));
    // Inside a zip and inside a tar, too.
    let f = analyze("bundle.zip", &zip_of(&[("weights.7z", &s)], true));
    assert_eq!(codes(&f), BTreeSet::from(["unscannable"]), "{f:#?}");
    assert_eq!(f[0].member.as_deref(), Some("weights.7z"));
    let f = analyze("bundle.tar", &tar_of(&[T::File("w.7z", &s)]));
    assert_eq!(codes(&f), BTreeSet::from(["unscannable"]), "{f:#?}");
}

#[test]
fn rar_zstd_and_lz4_are_unscannable() {
    for (name, magic) in [
        ("m.rar", &b"Rar!\x1a\x07\x01\x00"[..]),
        ("m.rar", b"Rar!\x1a\x07\x00"),
        ("model.pkl.zst", b"\x28\xb5\x2f\xfd"),
        ("model.joblib.lz4", b"\x04\x22\x4d\x18"),
    ] {
        let mut b = magic.to_vec();
        b.extend_from_slice(&[0xa5; 100]);
        let f = analyze(name, &b);
        assert_eq!(codes(&f), BTreeSet::from(["unscannable"]), "{name}: {f:#?}");
    }
}

#[test]
fn zip_member_with_unsupported_method_stays_unscannable() {
    let mut z = zip_of(
        &[("archive/data.pkl", &p2_call("posix", "system", "id"))],
        false,
    );
    // Method 0 -> 12 (bzip2) in the local and central headers.
    let local = 8;
    z[local] = 12;
    let central = z.windows(4).position(|w| w == b"PK\x01\x02").unwrap() + 10;
    z[central] = 12;
    let f = analyze("model.pt", &z);
    assert!(codes(&f).contains("unscannable"), "{f:#?}");
}

// ---------------------------------------------------------------------------------------------------
// Hostile inputs: no panic, no hang.

#[test]
fn every_truncation_and_byte_flip_of_the_containers_is_handled() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("model.pt", torch_save(&torch_state_dict_with_os_system())),
        (
            "model.tar",
            legacy_tar(LEGACY_PICKLE, Some(&p2_call("posix", "system", "id"))),
        ),
        (
            "x.tar",
            tar_of(&[
                T::PaxFile(&"p/".repeat(60), b"\x80\x02N."),
                T::GnuLongFile(&"g/".repeat(60), b"x"),
                T::Symlink("l", "../x"),
            ]),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let mut runs = 0;
    for (name, orig) in &cases {
        let p = dir.path().join(name);
        let mut run = |b: &[u8]| {
            std::fs::write(&p, b).unwrap();
            let format = sniffed(name, b);
            let _ = security::analyze_file(&p, name, format, b.len() as u64, "");
            runs += 1;
        };
        for cut in (0..orig.len()).step_by(37) {
            run(&orig[..cut]);
        }
        for i in (0..orig.len()).step_by(7) {
            for v in [0x00, 0xff, orig[i] ^ 0x01] {
                let mut b = orig.clone();
                b[i] = v;
                run(&b);
            }
        }
        // And compressed, read as a stream.
        for cut in (0..orig.len()).step_by(211) {
            run(&gz(&orig[..cut]));
        }
    }
    assert!(runs > 1000);
    assert!(
        start.elapsed() < Duration::from_secs(120),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn many_tar_members_hit_the_member_cap() {
    let mut t = Vec::new();
    for i in 0..50 {
        t.extend(tar_header(&format!("f{i}"), 0, b'0', ""));
    }
    t.extend_from_slice(&[0; 1024]);
    let caps = security::spool::Caps {
        max_members: 10,
        ..Default::default()
    };
    let f = analyze_with("many.tar", &t, &caps);
    assert_eq!(
        codes(&f),
        BTreeSet::from(["archive-limit-exceeded"]),
        "{f:#?}"
    );
}

#[test]
fn tar_base256_size_is_read_like_octal() {
    // GNU tar writes sizes past 8 GiB in base-256; a small one must read the same as octal.
    let payload = p2_call("posix", "system", "id");
    let mut h = tar_header("x.pkl", 0, b'0', "");
    h[124..136].fill(0);
    h[124] = 0x80;
    h[135] = payload.len() as u8;
    seal(&mut h);
    let mut t = h;
    data_blocks(&mut t, &payload);
    t.extend_from_slice(&[0; 1024]);
    let f = analyze("x.tar", &t);
    assert_eq!(dangerous(&f).len(), 1, "{f:#?}");
}
