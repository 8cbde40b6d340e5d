#!/usr/bin/env python3
"""Check fixtures/formats/tiny.gguf with llama.cpp's `gguf` package (pinned in requirements.txt).

The reference reader must parse the file, and the facts it reads (version, key-value count, provenance
keys, tensor names, ggml types, shapes and data offsets, parameter count) must be the ones aibom's reader
extracts (asserted in src/formats/gguf.rs's tests).

Prints `ok <case>` / `FAIL <case>: <detail>` and a closing `N passed, M failed` line; exits 1 on failure.
"""
import pathlib
import sys

import gguf

FIXTURE = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "formats" / "tiny.gguf"

# The facts src/formats/gguf.rs asserts for tiny.gguf.
EXPECTED_KV = {
    "general.architecture": "llama",
    "general.name": "aibom tiny fixture",
    "general.license": "apache-2.0",
    "general.alignment": 64,
    "general.file_type": 7,
    "general.base_model.0.name": "Tiny Base",
    "general.base_model.0.organization": "Aibom Fixtures",
    "general.base_model.0.repo_url": "https://huggingface.co/aibom-fixtures/tiny-base",
    "general.source.repo_url": "https://github.com/aibom-fixtures/tiny",
    "general.datasets": ["aibom-fixtures/tiny-corpus"],
    "general.dataset.0.name": "aibom-fixtures/tiny-instructions",
    "llama.context_length": 2048,
}
EXPECTED_TENSORS = [
    ("output_norm.weight", "F32", [4]),
    ("token_embd.weight", "F16", [4, 2]),
    ("blk.0.attn_q.weight", "Q8_0", [32, 2]),
]


def main() -> int:
    results = []

    def case(name, fn):
        try:
            fn()
            results.append(True)
            print(f"ok {name}")
        except Exception as e:  # noqa: BLE001 - report every failure the same way
            results.append(False)
            print(f"FAIL {name}: {e}")

    reader = gguf.GGUFReader(str(FIXTURE))

    def header():
        assert reader.fields["GGUF.version"].contents() == 3
        assert reader.fields["GGUF.kv_count"].contents() == 17
        assert reader.fields["GGUF.tensor_count"].contents() == 3

    def keys():
        for k, v in EXPECTED_KV.items():
            got = reader.fields[k].contents()
            assert got == v, f"{k}: reference reads {got!r}, aibom's tests expect {v!r}"
        assert reader.fields["tokenizer.chat_template"].contents().startswith("{% for m in messages %}")

    def tensors():
        got = [(t.name, t.tensor_type.name, [int(d) for d in t.shape]) for t in reader.tensors]
        assert got == EXPECTED_TENSORS, got
        assert sum(int(t.n_elements) for t in reader.tensors) == 76
        assert all(t.data_offset % 64 == 0 for t in reader.tensors)

    case("gguf-tiny-header", header)
    case("gguf-tiny-keys", keys)
    case("gguf-tiny-tensors", tensors)
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
