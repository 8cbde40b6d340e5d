#!/usr/bin/env python3
"""Check fixtures/formats/*.onnx with the reference `onnx` package (pinned in requirements.txt).

`tiny.onnx` must load and pass `onnx.checker.check_model(full_check=True)`, and the facts the reference
reads (ir_version, opsets, producer, graph inputs/outputs, node ops, initializer parameter count and
element types, values in Constant nodes) must be
the ones aibom's reader extracts (asserted in src/formats/onnx.rs's tests). `external-data.onnx` must be
refused by `onnx.load` because its external data location leaves the model directory, while its
location is what aibom reports.

Prints `ok <case>` / `FAIL <case>: <detail>` and a closing `N passed, M failed` line; exits 1 on failure.
"""
import pathlib
import sys

import numpy as np
import onnx

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "formats"

# The facts src/formats/onnx.rs asserts for tiny.onnx.
EXPECTED = {
    "ir_version": 8,
    "opsets": [("", 17)],
    "producer": ("aibom-fixture", "0.1"),
    "model_version": 1,
    "graph_name": "tiny",
    "inputs": ["x"],
    "outputs": ["y"],
    "op_types": ["MatMul", "Add"],
    "initializers": 2,
    "parameters": 20,
    "dtypes": {"FLOAT": 20},  # aibom names FLOAT as safetensors does: F32
    "constant_values": 0,
}


def facts(m):
    g = m.graph
    return {
        "ir_version": m.ir_version,
        "opsets": [(o.domain, o.version) for o in m.opset_import],
        "producer": (m.producer_name, m.producer_version),
        "model_version": m.model_version,
        "graph_name": g.name,
        "inputs": [i.name for i in g.input],
        "outputs": [o.name for o in g.output],
        "op_types": [n.op_type for n in g.node],
        "initializers": len(g.initializer),
        "parameters": sum(int(np.prod(t.dims)) for t in g.initializer),
        "dtypes": {
            onnx.TensorProto.DataType.Name(d): sum(
                int(np.prod(t.dims)) for t in g.initializer if t.data_type == d
            )
            for d in {t.data_type for t in g.initializer}
        },
        "constant_values": sum(
            int(np.prod(a.t.dims))
            for n in g.node
            if n.op_type == "Constant"
            for a in n.attribute
            if a.name == "value"
        ),
    }


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

    def tiny_checks():
        m = onnx.load(str(FIXTURES / "tiny.onnx"))
        onnx.checker.check_model(m, full_check=True)

    def tiny_facts():
        got = facts(onnx.load(str(FIXTURES / "tiny.onnx")))
        assert got == EXPECTED, f"reference reads {got}, aibom's tests expect {EXPECTED}"

    def external_refused():
        path = str(FIXTURES / "external-data.onnx")
        m = onnx.load(path, load_external_data=False)
        locs = [e.value for t in m.graph.initializer for e in t.external_data if e.key == "location"]
        assert locs == ["../../etc/passwd"], locs
        try:
            onnx.load(path)
        except Exception as e:  # noqa: BLE001 - onnx raises ValidationError or a plain error by version
            assert "outside" in str(e), str(e)
        else:
            raise AssertionError("onnx.load accepted a location outside the model directory")

    case("onnx-tiny-passes-checker", tiny_checks)
    case("onnx-tiny-facts", tiny_facts)
    case("onnx-external-data-outside-refused", external_refused)
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
