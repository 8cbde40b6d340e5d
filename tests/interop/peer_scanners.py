#!/usr/bin/env python3
"""Peers as judges: aibom vs. picklescan and fickling on a corpus of public attack techniques.

Every file is built here from opcodes and raw bytes (struct, zlib, zipfile, tarfile and a small 7z
writer). No malicious object is ever created, pickled or loaded. Benign controls are written by the
real writers where that is safe (pickle.dumps of plain data, numpy.save, joblib.dump of arrays) or, for
PyTorch, byte for byte in the layout torch.save writes (miniz with the zip64 end records, 64-byte
aligned members with an `FB` padding field, data descriptors).

Each case is run through
  * picklescan (pinned, `picklescan --path FILE`: exit 1 = dangerous globals, 2 = scan error),
  * fickling (pinned; its file scanners `fickling.loader.scan_zip_archive` for zips and
    `fickling.loader.scan_file` otherwise, as its Hugging Face scan mode uses them; unsafe = any pickle
    analysed above LIKELY_SAFE, as `fickling --check-safety` decides),
  * aibom (`aibom scan FILE -q`; findings are the BOM's `vulnerabilities`).

Asserted, for the current aibom: every malicious case gets a finding of severity medium or above (and
at least the case's own floor and codes, where the technique calls for one), every case a peer flags is
flagged by aibom too, and no benign control gets a finding of medium or above. The side-by-side table is
written to docs/peer-comparison.md with --write-doc; a normal full run fails when the committed table
differs from the one it produces. Both peers are pinned and deterministic on the same bytes, and the
corpus is byte-for-byte reproducible, so the comparison is exact; a change in aibom's findings (or a
new peer version) means regenerating the doc in the same commit.

    python3 peer_scanners.py --aibom target/release/aibom [--only NAME]... [--list] [--write-doc]

Prints `ok <case>` / `FAIL <case>: <detail>` and a closing `N passed, M failed` line; exits 1 on failure.
"""

from __future__ import annotations

import argparse
import base64
import bz2
import dataclasses
import gzip
import io
import json
import lzma
import marshal
import os
import pathlib
import pickle
import pickletools
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import time
import zipfile
import zlib

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
DOC = REPO / "docs" / "peer-comparison.md"
SEVERITIES = ["none", "info", "low", "medium", "high", "critical"]
RANK = {s: i for i, s in enumerate(SEVERITIES)}

# ---------------------------------------------------------------------------------------------------
# Pickle assembly. Each helper returns the bytes of opcodes that push something on the unpickler stack.

MARK, STOP, POP, DUP = b"(", b".", b"0", b"2"
TUPLE, TUPLE1, TUPLE2, TUPLE3, EMPTY_TUPLE = b"t", b"\x85", b"\x86", b"\x87", b")"
REDUCE, BUILD, NEWOBJ, OBJ = b"R", b"b", b"\x81", b"o"
EMPTY_DICT, EMPTY_LIST, SETITEM, SETITEMS, APPENDS = b"}", b"]", b"s", b"u", b"e"
NONE, NEWTRUE, NEWFALSE, MEMOIZE, STACK_GLOBAL = b"N", b"\x88", b"\x89", b"\x94", b"\x93"


def G(module: str, name: str) -> bytes:
    """GLOBAL (protocol 0+): module and name as text lines."""
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def U(s: str) -> bytes:
    """A str: SHORT_BINUNICODE when short, BINUNICODE otherwise."""
    b = s.encode()
    if len(b) < 256:
        return b"\x8c" + bytes([len(b)]) + b
    return b"X" + struct.pack("<I", len(b)) + b


def BU(s: str) -> bytes:
    """BINUNICODE (protocol 1+)."""
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def BYTES(b: bytes) -> bytes:
    """SHORT_BINBYTES / BINBYTES (protocol 3+)."""
    if len(b) < 256:
        return b"C" + bytes([len(b)]) + b
    return b"B" + struct.pack("<I", len(b)) + b


def INT(n: int) -> bytes:
    if 0 <= n < 256:
        return b"K" + bytes([n])
    if 0 <= n < 65536:
        return b"M" + struct.pack("<H", n)
    return b"J" + struct.pack("<i", n)


def SG(module: str, name: str) -> bytes:
    """STACK_GLOBAL (protocol 4+) with both strings inline and memoized, as pickle.dumps writes."""
    return U(module) + MEMOIZE + U(name) + MEMOIZE + STACK_GLOBAL + MEMOIZE


def BINPUT(i: int) -> bytes:
    return b"q" + bytes([i])


def BINGET(i: int) -> bytes:
    return b"h" + bytes([i])


def call(fn: bytes, *args: bytes) -> bytes:
    """fn(*args) via MARK ... TUPLE REDUCE."""
    return fn + MARK + b"".join(args) + TUPLE + REDUCE


def dict_of(*items: tuple[bytes, bytes]) -> bytes:
    return EMPTY_DICT + MARK + b"".join(k + v for k, v in items) + SETITEMS


def list_of(*items: bytes) -> bytes:
    return EMPTY_LIST + MARK + b"".join(items) + APPENDS


def proto(n: int, body: bytes) -> bytes:
    """A complete pickle: PROTO n, a FRAME for protocol 4+, the body and STOP."""
    body = body + STOP
    if n >= 4:
        return b"\x80" + bytes([n]) + b"\x95" + struct.pack("<Q", len(body)) + body
    return b"\x80" + bytes([n]) + body


def ns(**attrs: bytes) -> bytes:
    """types.SimpleNamespace() (with attributes set by BUILD): a stand-in `self` for unbound-method
    gadgets."""
    v = call(SG("types", "SimpleNamespace"))
    if attrs:
        v += dict_of(*((U(k), a) for k, a in attrs.items())) + BUILD
    return v


SHELL = "id"  # the command every payload would run
PY = "__import__('os').system('id')"


def p2_system() -> bytes:
    """posix.system('id') as pickle.dumps(protocol=2) writes a __reduce__ on Linux."""
    return b"\x80\x02" + G("posix", "system") + BINPUT(0) + BU(SHELL) + BINPUT(1) + TUPLE1 + BINPUT(2) \
        + REDUCE + BINPUT(3) + STOP


def p0_system() -> bytes:
    return G("posix", "system") + MARK + b"S'" + SHELL.encode() + b"'\n" + TUPLE + REDUCE + STOP


# ---------------------------------------------------------------------------------------------------
# PyTorch layouts.

def torch_state_dict(extra: bytes = b"", tensors=(("weight", (2, 2)), ("bias", (2,)))) -> bytes:
    """data.pkl of torch.save(model.state_dict()): protocol 2, an OrderedDict of tensors rebuilt by
    torch._utils._rebuild_tensor_v2 from persistent storages ('storage', torch.FloatStorage, key,
    'cpu', numel), then a BUILD that sets `_metadata`. `extra` adds raw key/value pushes."""
    v = b"\x80\x02" + G("collections", "OrderedDict") + BINPUT(0) + EMPTY_TUPLE + REDUCE + BINPUT(1) + MARK
    memo = 2
    for key, (name, shape) in enumerate(tensors):
        numel = 1
        for d in shape:
            numel *= d
        stride, acc = [], 1
        for d in reversed(shape):
            stride.insert(0, acc)
            acc *= d
        v += BU(name) + BINPUT(memo)
        v += G("torch._utils", "_rebuild_tensor_v2") + BINPUT(memo + 1)
        v += MARK + MARK + BU("storage") + G("torch", "FloatStorage") + BU(str(key)) + BU("cpu") + INT(numel)
        v += TUPLE + BINPUT(memo + 2) + b"Q"  # BINPERSID
        v += INT(0) + MARK + b"".join(INT(d) for d in shape) + TUPLE
        v += MARK + b"".join(INT(s) for s in stride) + TUPLE + NEWFALSE
        v += G("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE + TUPLE + REDUCE + BINPUT(memo + 3)
        memo += 4
    v += extra + SETITEMS
    v += EMPTY_DICT + BU("_metadata") + G("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE
    v += MARK + BU("") + dict_of((BU("version"), INT(1))) + SETITEMS + SETITEM + BUILD + STOP
    return v


def torch_storages(tensors=(("weight", (2, 2)), ("bias", (2,)))) -> list[tuple[str, bytes]]:
    out = []
    for key, (_, shape) in enumerate(tensors):
        numel = 1
        for d in shape:
            numel *= d
        out.append((f"data/{key}", struct.pack(f"<{numel}f", *([0.25] * numel))))
    return out


def miniz_zip(records: list[tuple[str, bytes]], prefix: str = "archive", crc_override=None, flags=0x0808,
              local_names=None) -> bytes:
    """A zip as PyTorch's PyTorchStreamWriter (miniz, MZ_ZIP_FLAG_WRITE_ZIP64) writes it: stored
    members, general purpose flags 0x0808 (data descriptor, UTF-8), zero CRC and sizes in the local
    header, an `FB` extra field padding each member's data to a 64-byte boundary, a 16-byte data
    descriptor, version 0 everywhere, then the central directory, a zip64 end record, a zip64 locator
    and the end record. (Layout checked against a torch.save file from a PyPI package.)"""
    out, central = bytearray(), bytearray()
    for i, (name, data) in enumerate(records):
        full = f"{prefix}/{name}".encode()
        local_full = local_names[i].encode() if local_names and i < len(local_names) else full
        offset = len(out)
        start = offset + 30 + len(local_full) + 4
        pad = (-start) % 64
        extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
        crc = zlib.crc32(data) if crc_override is None or name not in crc_override else crc_override[name]
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 0, flags, 0, 0, 0, 0, 0, 0, len(local_full), len(extra))
        out += local_full + extra + data
        out += struct.pack("<IIII", 0x08074B50, crc, len(data), len(data))
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0, 0, flags, 0, 0, 0, crc, len(data),
                               len(data), len(full), 0, 0, 0, 0, 0, offset) + full
    cd_offset, cd_size, n = len(out), len(central), len(records)
    out += central
    zip64_eocd = len(out)
    out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 0x031E, 0x002D, 0, 0, n, n, cd_size, cd_offset)
    out += struct.pack("<IIQI", 0x07064B50, 0, zip64_eocd, 1)
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, cd_size, cd_offset, 0)
    return bytes(out)


def torch_save(data_pkl: bytes, tensors=(("weight", (2, 2)), ("bias", (2,))), **kw) -> bytes:
    """The member set and order of torch.save in PyTorch 2.x."""
    records = [("data.pkl", data_pkl), (".format_version", b"1"), (".storage_alignment", b"64"),
               ("byteorder", b"little")]
    records += torch_storages(tensors)
    records += [("version", b"3\n"), (".data/serialization_id", b"1234567890123456789012345678901234567890")]
    return miniz_zip(records, **kw)


LEGACY_MAGIC = 0x1950A86A20F9469CFC6C


def legacy_torch(sys_info: bytes | None = None, magic: bytes | None = None) -> bytes:
    """Legacy (pre-1.6) torch.save: stacked pickles (magic number, protocol version, sys_info, the
    object, the storage keys) followed by raw storages, each an 8-byte element count and its data."""
    if magic is None:
        magic = b"\x80\x02\x8a\x0a" + LEGACY_MAGIC.to_bytes(10, "little") + STOP
    v = magic + b"\x80\x02" + INT(1001) + STOP
    if sys_info is None:
        sys_info = b"\x80\x02" + dict_of((BU("protocol_version"), INT(1001)), (BU("little_endian"), NEWTRUE),
                                         (BU("type_sizes"), dict_of((BU("short"), INT(2)), (BU("int"), INT(4)),
                                                                    (BU("long"), INT(4))))) + STOP
    v += sys_info
    obj = b"\x80\x02" + dict_of((BU("w"), G("torch._utils", "_rebuild_tensor_v2") + MARK + MARK + BU("storage")
                                 + G("torch", "FloatStorage") + BU("0") + BU("cpu") + INT(4) + TUPLE + b"Q"
                                 + INT(0) + INT(4) + TUPLE1 + INT(1) + TUPLE1 + NEWFALSE
                                 + G("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE + TUPLE + REDUCE)) + STOP
    v += obj + b"\x80\x02" + list_of(BU("0")) + STOP
    v += struct.pack("<Q", 4) + struct.pack("<4f", 1.0, 2.0, 3.0, 4.0)
    return v


# ---------------------------------------------------------------------------------------------------
# Other containers.

FIXED_TIME = (2024, 1, 1, 0, 0, 0)


def plain_zip(members: list[tuple[str, bytes]], deflate=False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()


def tar_of(members: list[tuple[str, bytes]], gz=False) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), 1704067200, 0o644
            t.addfile(info, io.BytesIO(data))
    data = raw.getvalue()
    return gzip.compress(data, mtime=0) if gz else data


def _7z_number(v: int) -> bytes:
    """7z's variable-length UINT64: leading one bits of the first byte count the extra bytes."""
    for n in range(9):
        if n == 8 or v < (1 << (8 * n + 7 - n)):
            break
    if n == 8:
        return b"\xff" + v.to_bytes(8, "little")
    first = ((0xFF << (8 - n)) & 0xFF) | (v >> (8 * n))
    return bytes([first]) + (v & ((1 << (8 * n)) - 1)).to_bytes(n, "little")


def seven_zip(members: list[tuple[str, bytes]]) -> bytes:
    """A 7z archive with one folder, the Copy coder, one substream per member, CRCs and names
    (format: 7-Zip's DOC/7zFormat.txt)."""
    packed = b"".join(d for _, d in members)
    num = _7z_number
    h = b"\x01\x04"  # Header, MainStreamsInfo
    h += b"\x06" + num(0) + num(1) + b"\x09" + num(len(packed)) + b"\x00"  # PackInfo
    h += b"\x07\x0b" + num(1) + b"\x00" + num(1) + b"\x01\x00"  # UnPackInfo: 1 folder, 1 coder: Copy
    h += b"\x0c" + num(len(packed)) + b"\x00"
    h += b"\x08\x0d" + num(len(members))  # SubStreamsInfo
    h += b"\x09" + b"".join(num(len(d)) for _, d in members[:-1])
    h += b"\x0a\x01" + b"".join(struct.pack("<I", zlib.crc32(d)) for _, d in members) + b"\x00"
    h += b"\x00"  # end of MainStreamsInfo
    names = b"".join(n.encode("utf-16-le") + b"\x00\x00" for n, _ in members)
    h += b"\x05" + num(len(members)) + b"\x11" + num(len(names) + 1) + b"\x00" + names + b"\x00"
    h += b"\x00"  # end of Header
    start = struct.pack("<QQI", len(packed), len(h), zlib.crc32(h))
    return b"7z\xbc\xaf\x27\x1c\x00\x04" + struct.pack("<I", zlib.crc32(start)) + start + packed + h


def npy_header(descr: str, shape: str) -> bytes:
    """`.npy` version 1.0 header, padded with spaces and a newline to a multiple of 64 bytes."""
    d = "{'descr': %s, 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    total = 10 + len(d) + 1
    d += " " * ((-total) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(d)) + d.encode()


def keras_zip(config: dict) -> bytes:
    meta = {"keras_version": "3.6.0", "date_saved": "2024-01-01@00:00:00"}
    # The weights member is an HDF5 file; only its signature and an empty superblock are written.
    weights = b"\x89HDF\r\n\x1a\n" + bytes(88)
    return plain_zip([("metadata.json", json.dumps(meta).encode()), ("config.json", json.dumps(config).encode()),
                      ("model.weights.h5", weights)])


def keras_model(layers: list[dict]) -> dict:
    return {"module": "keras", "class_name": "Sequential", "registered_name": None,
            "config": {"name": "sequential", "trainable": True, "dtype": "float32",
                       "layers": [{"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
                                   "config": {"batch_shape": [None, 4], "dtype": "float32", "name": "input"}}]
                       + layers},
            "build_config": {"input_shape": [None, 4]},
            "compile_config": None}


def dense(name: str, activation) -> dict:
    return {"module": "keras.layers", "class_name": "Dense", "registered_name": None,
            "config": {"name": name, "trainable": True, "dtype": "float32", "units": 2,
                       "activation": activation, "use_bias": True,
                       "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
                                              "config": {"seed": None}, "registered_name": None}},
            "build_config": {"input_shape": [None, 4]}}


# ---------------------------------------------------------------------------------------------------
# The corpus.

@dataclasses.dataclass
class Case:
    name: str
    file: str  # file name the case is scanned under
    kind: str  # "malicious" or "benign"
    source: str  # the public technique / advisory / write-up (or, for controls, the real writer)
    build: object  # () -> bytes
    floor: str = "medium"  # least severity aibom must report (malicious cases)
    want: tuple = ()  # aibom codes that must be among the findings
    pickle: bool = False  # the file is a complete pickle stream pickletools must read to the end


CRIT = "critical"
DANGER = ("pickle-dangerous-import",)


def mal(name, file, source, build, floor=CRIT, want=DANGER, pickle=True):
    return Case(name, file, "malicious", source, build, floor, want, pickle)


def gadget(name, module, qualname, args: bytes, source, floor=CRIT, file="model.pkl"):
    """A protocol 4 call of module.qualname(*args) (dotted qualnames resolve through getattr)."""
    return mal(name, file, source, lambda: proto(4, SG(module, qualname) + MARK + args + TUPLE + REDUCE),
               floor=floor, want=())


def broken_pickle() -> bytes:
    """nullifAI: a protocol 0 call at the start of the stream, then bytes that are no pickle and no
    STOP, so a loader runs the call before it fails, and a scanner that gives up on the parse error
    reports nothing."""
    return G("posix", "system") + MARK + b"S'" + SHELL.encode() + b"'\n" + TUPLE + REDUCE + b"\x00\xffnullifAI\x03"


def malicious_state_dict() -> bytes:
    """A torch.save state dict with one more entry whose value is posix.system('id')."""
    return torch_state_dict(extra=BU("_extra") + G("posix", "system") + MARK + BU(SHELL) + TUPLE + REDUCE)


def dup_memo_stack_global() -> bytes:
    """The module and name strings reach the memo through DUP + BINPUT, so a scanner that memoizes
    'the argument of the previous opcode' records None instead of 'posix' / 'system'."""
    body = U("posix") + DUP + BINPUT(0) + POP + POP + U("system") + DUP + BINPUT(1) + POP + POP
    body += BINGET(0) + BINGET(1) + STACK_GLOBAL + U(SHELL) + TUPLE1 + REDUCE
    return proto(4, body)


def memo_stack_global() -> bytes:
    """Module and name pushed as data first, memoized, and fetched back with BINGET for STACK_GLOBAL."""
    body = list_of(U("posix") + MEMOIZE, U("system") + MEMOIZE) + POP
    body += BINGET(0) + BINGET(1) + STACK_GLOBAL + U(SHELL) + TUPLE1 + REDUCE
    return proto(4, body)


def lambda_config() -> dict:
    code = marshal.dumps(compile(f"lambda x: {PY}", "<lambda>", "eval").co_consts[0])
    layer = {"module": "keras.layers", "class_name": "Lambda", "registered_name": None,
             "config": {"name": "evil", "trainable": True, "dtype": "float32",
                        "function": {"class_name": "__lambda__",
                                     "config": {"code": base64.b64encode(code).decode(), "defaults": None,
                                                "closure": None}},
                        "arguments": {}, "output_shape": None}}
    return keras_model([layer])


SSTI = ("{% for c in ().__class__.__base__.__subclasses__() %}{% if c.__name__ == 'catch_warnings' %}"
        "{{ c()._module.__builtins__['__import__']('os').popen('id').read() }}{% endif %}{% endfor %}"
        "{% for m in messages %}{{ m['content'] }}{% endfor %}")
CHATML = ("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content']"
          " + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}"
          "{% endif %}")


def benign_joblib(compress) -> bytes:
    import joblib
    import numpy as np

    state = {"coef": np.arange(12, dtype=np.float64).reshape(3, 4), "intercept": np.zeros(3, dtype=np.float32),
             "classes": np.array([0, 1, 2], dtype=np.int64), "n_iter": 7, "solver": "lbfgs"}
    buf = io.BytesIO()
    joblib.dump(state, buf, compress=compress)
    return buf.getvalue()


def benign_npy() -> bytes:
    import numpy as np

    buf = io.BytesIO()
    np.save(buf, np.linspace(0, 1, 16, dtype=np.float32).reshape(4, 4), allow_pickle=False)
    return buf.getvalue()


def corpus() -> list[Case]:
    sys_p2 = p2_system
    cases = [
        # --- Calls in every protocol and through every calling opcode. Source for the mechanism: the
        # Python pickle docs' warning ("never unpickle data that could have come from an untrusted
        # source"); the ML framing: Trail of Bits, "Never a dill moment: Exploiting machine learning
        # pickle files" (2021).
        mal("p0-reduce-posix-system", "model.pkl", "pickle docs; Trail of Bits 2021: GLOBAL+REDUCE, protocol 0",
            p0_system),
        mal("p0-inst-os-system", "model.pkl", "pickle docs: INST opcode calls the class/callable, protocol 0",
            lambda: MARK + b"V" + SHELL.encode() + b"\n" + b"ios\nsystem\n" + STOP),
        mal("p1-obj-os-system", "model.pkl", "pickle docs: OBJ opcode calls the callable, protocol 1",
            lambda: MARK + G("os", "system") + BU(SHELL) + OBJ + STOP),
        mal("p2-reduce-posix-system", "model.pkl", "pickle.dumps(protocol=2) of a __reduce__ (Trail of Bits 2021)",
            sys_p2),
        mal("p2-newobj-partial", "model.pkl",
            "NEWOBJ: functools.partial.__new__(partial, posix.system, 'id'), then called with ()",
            lambda: proto(2, G("functools", "partial") + G("posix", "system") + BU(SHELL) + TUPLE2 + NEWOBJ
                          + EMPTY_TUPLE + REDUCE)),
        mal("p3-builtins-exec", "model.pkl", "builtins.exec via REDUCE, protocol 3",
            lambda: proto(3, G("builtins", "exec") + BU(f"import os; os.system('{SHELL}')") + TUPLE1 + REDUCE)),
        mal("p4-stack-global-memo", "model.pkl",
            "STACK_GLOBAL on memoized strings (picklescan issue #22, ImaginaryCTF 2023 'Safe Pickle')",
            memo_stack_global),
        mal("p4-stack-global-dup-memo", "model.pkl",
            "STACK_GLOBAL on strings memoized after DUP (memo-tracking confusion, picklescan issue #22 family)",
            dup_memo_stack_global),
        mal("p5-stack-global-nt-system", "model.pkl", "protocol 5 FRAME + STACK_GLOBAL nt.system (os.system on Windows)",
            lambda: proto(5, SG("nt", "system") + U(SHELL) + TUPLE1 + REDUCE)),
        mal("p2-builtins-eval", "model.pkl", "builtins.eval via REDUCE (fickling --create writes this shape)",
            lambda: proto(2, G("builtins", "eval") + BU(PY) + TUPLE1 + REDUCE)),
        mal("p2-getattr-import-chain", "model.pkl", "getattr(__import__('os'), 'system')('id') (Trail of Bits 2021)",
            lambda: proto(2, call(call(G("builtins", "getattr"), call(G("builtins", "__import__"), BU("os")),
                                       BU("system")), BU(SHELL)))),
        mal("p2-attrgetter-import-chain", "model.pkl",
            "_operator.attrgetter('system')(__import__('os'))('id') (picklescan GHSA-m273-6v24-x4m4)",
            lambda: proto(2, call(call(call(G("_operator", "attrgetter"), BU("system")),
                                       call(G("builtins", "__import__"), BU("os"))), BU(SHELL)))),
        mal("p2-operator-alias-module-attr", "model.pkl",
            "_operator.attrgetter('system')(pathlib.os)('id'): C alias of operator, os reached as an attribute of "
            "an unblocked module (picklescan GHSA-m273-6v24-x4m4)",
            lambda: proto(2, call(call(call(G("_operator", "attrgetter"), BU("system")), G("pathlib", "os")),
                                  BU(SHELL))), want=()),
        mal("p4-methodcaller-importlib", "model.pkl",
            "operator.methodcaller('system','id')(importlib.import_module('os')) (GHSA-955r-x9j8-7rhh; picklescan PR #74)",
            lambda: proto(4, call(call(SG("operator", "methodcaller"), U("system"), U(SHELL)),
                                  call(SG("importlib", "import_module"), U("os"))))),
        mal("p2-functools-partial", "model.pkl", "functools.partial(posix.system, 'id')() (fickling PR #210)",
            lambda: proto(2, call(call(G("functools", "partial"), G("posix", "system"), BU(SHELL))))),
        mal("p4-pkgutil-resolve-name", "model.pkl",
            "pkgutil.resolve_name('os:system')('id'), universal bypass (picklescan GHSA-vvpj-8cmc-gx39)",
            lambda: proto(4, call(call(SG("pkgutil", "resolve_name"), U("os:system")), U(SHELL)))),
        mal("p2-call-then-pop", "model.pkl",
            "call whose result is POPped vanishes from fickling's AST (promptfoo ModelAudit disclosure, 2026)",
            lambda: proto(2, call(G("posix", "system"), BU(SHELL)) + POP + NONE)),
        Case("p4-dotted-eval-call", "model.pkl", "malicious",
             "STACK_GLOBAL builtins + 'eval.__call__': protocol 4 resolves dotted names with getattr",
             lambda: proto(4, SG("builtins", "eval.__call__") + U(PY) + TUPLE1 + REDUCE), "high",
             ("pickle-bad-operand",), True),
        Case("p2-ext-copyreg", "model.pkl", "malicious",
             "EXT1 after copyreg.add_extension('posix','system',240) (pickle docs: extension registry)",
             lambda: proto(2, call(G("copyreg", "add_extension"), BU("posix"), BU("system"), INT(240)) + POP
                           + b"\x82\xf0" + BU(SHELL) + TUPLE1 + REDUCE), "high", (), True),
        # --- Gadgets from published scanner bypasses.
        mal("pip-main", "model.pkl", "pip.main(['install', ...]) (CVE-2025-1716)",
            lambda: proto(2, call(G("pip", "main"), list_of(BU("install"), BU("evil-package"))))),
        mal("raw-pickle-as-bin", "pytorch_model.bin", "raw pickle under a PyTorch extension (CVE-2025-10155)",
            sys_p2),
        mal("raw-pickle-no-extension", "weights", "raw pickle under a non-pickle name (CVE-2025-1889)", sys_p2),
        gadget("asyncio-unix-events", "asyncio.unix_events", "_UnixSubprocessTransport._start",
               ns() + U(SHELL) + NEWTRUE + NONE + NONE + NONE + INT(0),
               "submodule of a blocked package (CVE-2025-10157)"),
        gadget("idlelib-settext-eval", "idlelib.debugobj", "ObjectTreeItem.SetText", ns() + U(PY),
               "idlelib eval gadget (picklescan GHSA-r8g5-cgf2-4m4m)"),
        gadget("lib2to3-grammar-loads", "lib2to3.pgen2.grammar", "Grammar.loads", ns() + BYTES(p2_system()),
               "lib2to3 nested pickle gadget (picklescan GHSA-r8g5-cgf2-4m4m)"),
        mal("bdb-run", "model.pkl", "bdb.Bdb().run(code) (picklescan GHSA-46h3-79wf-xr6c / GHSA-4675-36f9-wf6r)",
            lambda: proto(4, SG("bdb", "Bdb.run") + MARK + call(SG("bdb", "Bdb")) + U(PY) + TUPLE + REDUCE),
            want=()),
        mal("cprofile-run", "model.pkl", "cProfile.run(code) calls exec (picklescan blocklist; profiler GHSAs)",
            lambda: proto(2, call(G("cProfile", "run"), BU(PY)))),
        mal("profile-run", "model.pkl", "profile.run(code) (picklescan GHSA-46h3-79wf-xr6c / GHSA-4675-36f9-wf6r)",
            lambda: proto(2, call(G("profile", "run"), BU(PY)))),
        mal("timeit-timeit", "model.pkl", "timeit.timeit(code, 'pass', perf_counter, 1) (GHSA-46h3-79wf-xr6c / GHSA-4675-36f9-wf6r)",
            lambda: proto(2, call(G("timeit", "timeit"), BU(PY), BU("pass"), G("time", "perf_counter"), INT(1)))),
        mal("pydoc-pipepager", "model.pkl", "pydoc.pipepager(text, cmd) runs cmd in a shell (picklescan blocklist)",
            lambda: proto(2, call(G("pydoc", "pipepager"), BU("x"), BU(SHELL)))),
        mal("runpy-run-code", "model.pkl", "runpy._run_code(code, {}) (picklescan blocklist: runpy._run_code)",
            lambda: proto(2, call(G("runpy", "_run_code"), BU(PY), EMPTY_DICT))),
        mal("code-interactive-interpreter", "model.pkl",
            "code.InteractiveInterpreter().runsource(code) (picklescan blocklist: code.InteractiveInterpreter)",
            lambda: proto(4, SG("code", "InteractiveInterpreter.runsource") + MARK
                          + call(SG("code", "InteractiveInterpreter")) + U(PY) + TUPLE + REDUCE), want=()),
        gadget("imaplib-imap4-stream", "imaplib", "IMAP4_stream", U(SHELL),
               "imaplib.IMAP4_stream(cmd) runs cmd in a shell (picklescan 1.0.4 advisory, CVE-2026-56315)"),
        mal("logging-config-listen", "model.pkl",
            "logging.config.listen() started: evaluates configs sent to it (Python docs security note)",
            lambda: proto(4, SG("threading", "Thread.start") + MARK + call(SG("logging.config", "listen"), INT(0))
                          + TUPLE + REDUCE), want=()),
        gadget("logging-filehandler", "logging", "FileHandler", U("/tmp/aibom-peer-test"),
               "logging.FileHandler creates files (picklescan CVE-2026-56304)", floor="high"),
        gadget("mailcap-findmatch", "mailcap", "findmatch",
               dict_of((U("x/y"), list_of(dict_of((U("view"), U("true")), (U("test"), U(SHELL))))))
               + U("x/y"), "mailcap.findmatch runs the entry's 'test' command with os.system (Python docs)"),
        gadget("uuid-get-command-stdout", "uuid", "_get_command_stdout", U(SHELL),
               "uuid._get_command_stdout(cmd) (picklescan 1.0.4 advisory, CVE-2026-56315)"),
        gadget("osx-support-read-output", "_osx_support", "_read_output", U(SHELL),
               "_osx_support._read_output(cmd) runs os.system (picklescan 1.0.4 advisory, CVE-2026-56315)"),
        gadget("io-fileio", "_io", "FileIO", U("/tmp/aibom-peer-test") + U("w"),
               "_io.FileIO opens files past a builtins.open block (fickling PR #210, picklescan blocklist)",
               floor="high"),
        gadget("torch-collect-env-run", "torch.utils.collect_env", "run", U(SHELL),
               "torch.utils.collect_env.run(cmd) (picklescan blocklist entry from a bypass report)"),
        gadget("torch-bottleneck-cprofile", "torch.utils.bottleneck.__main__", "run_cprofile", U(PY) + EMPTY_DICT,
               "torch.utils.bottleneck run_cprofile(code, globs) (picklescan blocklist entry)"),
        gadget("torch-dynamo-guard-eval", "torch._dynamo.guards", "GuardBuilder.get", ns(scope=EMPTY_DICT) + U(PY),
               "torch._dynamo.guards.GuardBuilder.get evals its argument (picklescan/fickling lists)"),
        gadget("numpy-load-nested", "numpy", "load", U("payload.npy") + NONE + NEWTRUE,
               "numpy.load(file, None, allow_pickle=True): a nested loader (GHSA-84r2-jw7c-4r5q family)"),
        # --- Broken pickles (nullifAI) and container tricks.
        mal("nullifai-broken-pickle", "model.pkl",
            "ReversingLabs 2025 'nullifAI': protocol 0 payload, then junk, no STOP", broken_pickle, pickle=False),
        mal("nullifai-broken-pickle-bin", "pytorch_model.bin",
            "nullifAI broken pickle under a PyTorch name (ReversingLabs 2025; CVE-2025-10155 for the name)",
            broken_pickle, pickle=False),
        mal("nullifai-broken-pickle-torch-zip", "pytorch_model.bin",
            "nullifAI payload as data.pkl of a torch.save zip", lambda: torch_save(broken_pickle()), pickle=False),
        Case("nullifai-7z-torch-archive", "pytorch_model.bin", "malicious",
             "ReversingLabs 2025 'nullifAI': PyTorch archive packed with 7z instead of zip",
             lambda: seven_zip([("archive/data.pkl", broken_pickle()), ("archive/version", b"3\n")]),
             "high", ("unscannable",)),
        mal("torch-zip64-payload", "pytorch_model.bin",
            "payload inside data.pkl of the real torch.save layout (zip64 end records, FB padding)",
            lambda: torch_save(malicious_state_dict()), pickle=False),
        # Zip tricks: a reader that rejects the archive must at least say it could not analyse it (high).
        mal("torch-zip-bad-crc", "pytorch_model.bin", "torch zip with a wrong CRC for data.pkl (CVE-2025-10156)",
            lambda: torch_save(malicious_state_dict(), crc_override={"data.pkl": 0x12345678}), floor="high",
            want=(), pickle=False),
        mal("torch-zip-flag-bits", "pytorch_model.bin",
            "torch zip with general-purpose flag bit 5 set, which Python's zipfile refuses (CVE-2025-1945)",
            lambda: torch_save(malicious_state_dict(), flags=0x0828), floor="high", want=(), pickle=False),
        mal("torch-zip-name-mismatch", "pytorch_model.bin",
            "local header names differ from the central directory (CVE-2025-1944)",
            lambda: torch_save(malicious_state_dict(), local_names=["archive/data.pkX"]), floor="high", want=(),
            pickle=False),
        mal("legacy-torch-payload", "model.pt", "legacy torch.save stacked pickles with a payload in sys_info",
            lambda: legacy_torch(sys_info=p2_system()), pickle=False),
        mal("legacy-torch-magic-eval", "model.pt",
            "legacy torch file whose magic number comes from eval (picklescan magic-number bypass fix)",
            lambda: legacy_torch(magic=proto(2, G("builtins", "eval") + BU(hex(LEGACY_MAGIC)) + TUPLE1 + REDUCE)),
            pickle=False),
        mal("joblib-zlib", "model.joblib", "joblib compress=('zlib'): a zlib stream of a payload pickle",
            lambda: zlib.compress(p2_system()), pickle=False),
        mal("joblib-gzip", "model.joblib", "joblib compress=('gzip')", lambda: gzip.compress(p2_system(), mtime=0),
            pickle=False),
        mal("joblib-bz2", "model.joblib", "joblib compress=('bz2')", lambda: bz2.compress(p2_system()), pickle=False),
        mal("joblib-xz", "model.joblib", "joblib compress=('xz')", lambda: lzma.compress(p2_system()), pickle=False),
        Case("npy-object-payload", "arr.npy", "malicious",
             "numpy object array: the data is a pickle (CVE-2019-6446, numpy.load allow_pickle)",
             lambda: npy_header("'|O'", "(1,)") + p2_system(), CRIT, ("numpy-object-array",) + DANGER),
        Case("npz-object-payload", "arrays.npz", "malicious", "object array member of an .npz (CVE-2019-6446)",
             lambda: plain_zip([("a.npy", benign_npy()), ("b.npy", npy_header("'|O'", "(1,)") + p2_system())]),
             CRIT, ("numpy-object-array",) + DANGER),
        mal("text-pickle-sniffs-as-zlib", "pytorch_model.bin",
            "protocol 0 INST pickle starting '(S', a valid zlib header (0x28 0x53)",
            lambda: MARK + b"S'" + SHELL.encode() + b"'\nios\nsystem\n" + STOP),
        mal("zip-in-zip", "model.zip", "torch archive inside a zip (picklescan reads only pickle/npy members)",
            lambda: plain_zip([("pytorch_model.bin", torch_save(malicious_state_dict()))]), pickle=False),
        mal("tar-legacy-torch", "model.pt", "PyTorch 0.1 tar checkpoint: sys_info, pickle, storages, tensors members",
            lambda: tar_of([("sys_info", proto(2, dict_of((BU("protocol_version"), INT(1001)),
                                                          (BU("little_endian"), NEWTRUE)))),
                            ("pickle", p2_system()), ("storages", proto(2, INT(0)) + proto(2, list_of())),
                            ("tensors", proto(2, INT(0)))]), pickle=False),
        mal("tar-gz-checkpoint", "model.tar.gz", "model.tar.gz (SageMaker convention) holding a torch archive",
            lambda: tar_of([("model/pytorch_model.bin", torch_save(malicious_state_dict()))], gz=True), pickle=False),
        Case("keras-lambda", "model.keras", "malicious", "Keras Lambda layer with bytecode (CVE-2024-3660)",
             lambda: keras_zip(lambda_config()), "high", ("keras-lambda",)),
        Case("keras-module-os-system", "model.keras", "malicious",
             "config.json names {'module': 'os', 'class_name': 'function', 'config': 'system'} (CVE-2025-1550)",
             lambda: keras_zip(keras_model([dense("d", {"module": "os", "class_name": "function",
                                                         "config": "system", "registered_name": "function"})])),
             "critical", ("keras-dangerous-object",)),
        Case("chat-template-ssti", "tokenizer_config.json", "malicious",
             "Jinja SSTI in a chat template (CVE-2024-34359, llama-cpp-python)",
             lambda: json.dumps({"chat_template": SSTI, "model_max_length": 2048}).encode(), "high",
             ("chat-template-injection",)),
        # --- Benign controls.
        Case("clean-torch-zip64", "pytorch_model.bin", "benign", "torch.save(state_dict) layout, PyTorch 2.x",
             lambda: torch_save(torch_state_dict())),
        Case("clean-legacy-torch", "model.pt", "benign", "legacy (pre-1.6) torch.save layout",
             lambda: legacy_torch()),
        Case("clean-p0-long-string", "data.pkl", "benign", "pickle.dumps(protocol=0) with a 5000-char string",
             lambda: pickle.dumps({"text": "lorem ipsum " * 417, "n": 3}, protocol=0), pickle=True),
        Case("clean-joblib-numpy", "model.joblib", "benign", "joblib.dump of numpy arrays (NumpyArrayWrapper)",
             lambda: benign_joblib(0)),
        Case("clean-joblib-numpy-zlib", "model.joblib", "benign", "joblib.dump(compress=3) of numpy arrays",
             lambda: benign_joblib(3)),
        Case("clean-npy", "arr.npy", "benign", "numpy.save of a float32 array", benign_npy),
        Case("clean-npz", "arrays.npz", "benign", "numpy.savez layout: zip of .npy members",
             lambda: plain_zip([("a.npy", benign_npy()), ("b.npy", benign_npy())])),
        Case("clean-dict-list-pickle", "state.pkl", "benign", "pickle.dumps of dicts and lists, protocols 2 and 5",
             lambda: pickle.dumps({"a": [1, 2.5, "x"], "b": {"c": (1, 2)}}, protocol=2)
             + pickle.dumps([{"k": None}, b"bytes", True], protocol=5), pickle=True),
        Case("clean-keras", "model.keras", "benign", "Keras 3 .keras with Dense layers",
             lambda: keras_zip(keras_model([dense("dense", "relu"), dense("out", "softmax")]))),
        Case("clean-chatml-template", "tokenizer_config.json", "benign", "ChatML chat template",
             lambda: json.dumps({"chat_template": CHATML, "model_max_length": 2048}).encode()),
        Case("clean-readme", "README.md", "benign", "plain model card text",
             lambda: b"# Tiny model\n\nA small classifier. Load it with care.\n"),
    ]
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), "duplicate case names"
    return cases


# ---------------------------------------------------------------------------------------------------
# Scanners. Each returns (verdict, detail): verdict "FLAG" (the tool calls the file unsafe), "err" (the
# tool could not read it and says nothing else) or "-" (clean).

def run_picklescan(path: pathlib.Path) -> tuple[str, str]:
    p = subprocess.run([sys.executable, "-m", "picklescan", "--path", str(path)], capture_output=True, text=True,
                       timeout=300)
    found = sorted({m.replace(" ", ".", 1) for m in
                    re.findall(r"dangerous import '([^']*)' FOUND", p.stdout + p.stderr)})
    if p.returncode not in (0, 1, 2):
        raise RuntimeError(f"picklescan exit {p.returncode}: {p.stderr[-500:]}")
    if p.returncode == 1 or found:
        # Exit 2 with globals listed: a scan error after dangerous imports were already reported.
        return "FLAG", ", ".join(found[:2]) + (" …" if len(found) > 2 else "") + (" (exit 2)" if p.returncode == 2 else "")
    if p.returncode == 2:
        return "err", "scan error"
    return "-", ""


def run_fickling(path: pathlib.Path) -> tuple[str, str]:
    from fickling.analysis import Severity
    from fickling.loader import scan_file, scan_zip_archive

    try:
        if zipfile.is_zipfile(path):
            scans = list(scan_zip_archive(str(path), graceful=True).values())
        else:
            scans = [scan_file(str(path), graceful=True)]
    except Exception as e:  # noqa: BLE001 - graceful mode still lets some reader errors through
        return "err", f"crash ({type(e).__name__})"
    worst, why, errors = Severity.LIKELY_SAFE, "", []
    for s in scans:
        errors += s.errors
        for analysed in s.results:
            for r in analysed.results:
                if r.severity > worst:
                    worst, why = r.severity, r.analysis_name or "InvalidOpcode"
    if worst > Severity.LIKELY_SAFE:
        return "FLAG", f"{worst.name} ({why})"
    if errors:
        # fickling's messages look like "Parse error (EmptyPickleError): ..." / "Analysis error (X): ...".
        kind, _, rest = errors[0].partition(" (")
        return "err", f"{kind.lower()} ({rest.split(')')[0]})"
    return "-", ""


def run_aibom(aibom: str, path: pathlib.Path) -> list[tuple[str, str]]:
    p = subprocess.run([aibom, "scan", str(path), "-q"], capture_output=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError(f"aibom exit {p.returncode}: {p.stderr.decode(errors='replace')[-500:]}")
    bom = json.loads(p.stdout)
    out = []
    for v in bom.get("vulnerabilities", []):
        sev = max((r.get("severity", "none") for r in v.get("ratings", [])), key=lambda s: RANK.get(s, 0),
                  default="none")
        out.append((v["id"], sev))
    return sorted(set(out), key=lambda f: (-RANK.get(f[1], 0), f[0]))


# ---------------------------------------------------------------------------------------------------
# Checks on the corpus itself, so that no case passes because it was malformed by mistake.

def self_check(case: Case, data: bytes) -> str | None:
    if case.pickle:
        f = io.BytesIO(data)
        while f.tell() < len(data):
            try:
                for _ in pickletools.genops(f):
                    pass
            except Exception as e:  # noqa: BLE001
                return f"corpus: pickletools rejects the pickle: {e}"
    if case.name.startswith(("clean-torch", "torch-zip64")):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                if z.testzip() is not None or "archive/data.pkl" not in z.namelist():
                    raise zipfile.BadZipFile("member missing or CRC wrong")
        except zipfile.BadZipFile as e:
            return f"corpus: the torch.save layout does not read back with zipfile: {e}"
    if case.name == "clean-joblib-numpy":
        import joblib  # our own benign bytes: loading them is safe and proves they are a real joblib file

        if joblib.load(io.BytesIO(data))["coef"].shape != (3, 4):
            return "corpus: joblib does not read the control back"
    return None


# ---------------------------------------------------------------------------------------------------

def judge(case: Case, ps: tuple[str, str], fk: tuple[str, str], ab: list[tuple[str, str]]) -> list[str]:
    top = ab[0][1] if ab else "none"
    codes = {c for c, _ in ab}
    problems = []
    if case.kind == "benign":
        loud = [f"{c} ({s})" for c, s in ab if RANK.get(s, 0) >= RANK["medium"]]
        if loud:
            problems.append("benign control flagged: " + ", ".join(loud))
        return problems
    for peer, (verdict, detail) in (("picklescan", ps), ("fickling", fk)):
        if verdict == "FLAG" and RANK.get(top, 0) < RANK["medium"]:
            problems.append(f"{peer} flags it ({detail}) but aibom does not")
    if RANK.get(top, 0) < RANK["medium"]:
        problems.append("malicious case not flagged (no finding of medium or above)")
    elif RANK.get(top, 0) < RANK[case.floor]:
        problems.append(f"want at least {case.floor}, got {top}")
    missing = [w for w in case.want if w not in codes]
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    return problems


def cell(verdict: str, detail: str) -> str:
    return verdict if not detail else f"{verdict}: {detail}"


def aibom_cell(ab: list[tuple[str, str]]) -> str:
    loud = [f"{c} ({s})" for c, s in ab if RANK.get(s, 0) >= RANK["medium"]]
    return ", ".join(loud) if loud else "-"


def render_doc(rows, versions) -> str:
    mal = [r for r in rows if r[0].kind == "malicious"]
    ben = [r for r in rows if r[0].kind == "benign"]

    def count(rs, i):
        return sum(1 for r in rs if (r[i][0] == "FLAG" if i in (1, 2) else aibom_cell(r[3]) != "-"))

    lines = [
        "# Peer comparison: aibom, picklescan and fickling on public attack techniques",
        "",
        "Generated by `tests/interop/peer_scanners.py --write-doc` (run by `tests/interop/run.sh`); do not edit",
        "by hand. A normal run fails when this file differs from what it produces, so regenerate it in the same",
        "commit as any change to aibom's findings, to the corpus or to the pinned peers.",
        "",
        f"Peers: {versions}. Every file is built from opcodes and raw bytes under `target/peer-corpus/`;",
        "nothing is loaded. Each file is scanned on its own: `picklescan --path FILE` (FLAG = exit 1 or",
        "dangerous imports listed; err = exit 2 with nothing listed), fickling's `scan_zip_archive` for zips",
        "and `scan_file` otherwise (FLAG = a pickle analysed above LIKELY_SAFE, as `--check-safety` decides;",
        "err = nothing parsed), `aibom scan FILE -q` (its findings of medium or above).",
        "",
        "Asserted: aibom reports medium or above on every malicious case (and the floor and codes named in",
        "the script where the technique calls for them), on every case a peer flags, and on no benign control.",
        "",
        f"Malicious cases: {len(mal)}; flagged by picklescan {count(mal, 1)}, fickling {count(mal, 2)}, "
        f"aibom {count(mal, 3)}.  ",
        f"Benign controls: {len(ben)}; flagged by picklescan {count(ben, 1)}, fickling {count(ben, 2)}, "
        f"aibom {count(ben, 3)}.",
        "",
        "| case | file | technique / source | picklescan | fickling | aibom (medium and above) | result |",
        "|---|---|---|---|---|---|---|",
    ]
    for case, ps, fk, ab, problems in rows:
        result = "ok" if not problems else "FAIL: " + "; ".join(problems)
        cells = [case.name, f"`{case.file}`", case.source, cell(*ps), cell(*fk), aibom_cell(ab), result]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--aibom", help="aibom binary")
    ap.add_argument("--out", default=str(REPO / "target" / "peer-corpus"), help="where the corpus is written")
    ap.add_argument("--only", action="append", default=[], metavar="NAME", help="run only this case (repeatable)")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("--write-doc", action="store_true", help=f"write the table to {DOC.relative_to(REPO)}")
    args = ap.parse_args()

    cases = corpus()
    if args.list:
        for c in cases:
            print(f"{c.name}\t{c.kind}\t{c.file}\t{c.source}")
        return 0
    if not args.aibom:
        ap.error("--aibom is required")
    unknown = [n for n in args.only if n not in {c.name for c in cases}]
    if unknown:
        ap.error(f"unknown case(s): {', '.join(unknown)} (see --list)")
    if args.only and args.write_doc:
        ap.error("--write-doc needs the full corpus, not --only")
    if args.only:
        cases = [c for c in cases if c.name in args.only]

    from importlib.metadata import version

    versions = (f"picklescan {version('picklescan')}, fickling {version('fickling')}, "
                f"Python {sys.version_info.major}.{sys.version_info.minor}")
    out = pathlib.Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    started = time.monotonic()
    rows, failed = [], 0
    for case in cases:
        data = case.build()
        path = out / case.name / case.file
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        problems = []
        bad = self_check(case, data)
        if bad:
            problems.append(bad)
        ps, fk, ab = run_picklescan(path), run_fickling(path), run_aibom(args.aibom, path)
        problems += judge(case, ps, fk, ab)
        rows.append((case, ps, fk, ab, problems))
        if problems:
            failed += 1
            print(f"FAIL {case.name}: {'; '.join(problems)} [aibom: {aibom_cell(ab)}]")
        else:
            print(f"ok {case.name}")
    doc = render_doc(rows, versions)
    if args.write_doc:
        DOC.write_text(doc)
        print(f"wrote {DOC.relative_to(REPO)}")
    elif not args.only:
        # The doc can only be compared after a full run.
        if not DOC.exists() or DOC.read_text() != doc:
            failed += 1
            print(f"FAIL {DOC.relative_to(REPO)}: differs from this run; regenerate with --write-doc")
        else:
            print(f"ok {DOC.relative_to(REPO)}")
    total = len(rows) + (0 if args.only or args.write_doc else 1)
    print(f"peer scanners: {len(cases)} cases in {time.monotonic() - started:.0f} s")
    print(f"{total - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
