#!/usr/bin/env python3
"""Validate aibom's CycloneDX output with the official validator package (cyclonedx-python-lib,
JsonStrictValidator: the CycloneDX JSON schemas with format assertions on).

Validates (1) a BOM in each of 1.5, 1.6 and 1.7 for every model directory under fixtures/ (plus a
single-file model made here), checking each twice for byte-identical output, and (2) every BOM the Rust
test suite wrote to --dump-dir (tests/bom.rs, tests/bom_declarations.rs and tests/analyze.rs write there
when AIBOM_BOM_DUMP is set). From 1.6 on the BOMs carry definitions.standards and declarations.

Prints `ok <case>` / `FAIL <case>: <detail>` and a closing `N passed, M failed` line; exits 1 on failure.
"""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

REPO = pathlib.Path(__file__).resolve().parents[2]
VERSIONS = {"1.5": SchemaVersion.V1_5, "1.6": SchemaVersion.V1_6, "1.7": SchemaVersion.V1_7}


def validate(text: str) -> list:
    spec = json.loads(text).get("specVersion")
    if spec not in VERSIONS:
        return [f"unexpected specVersion {spec!r}"]
    errors = JsonStrictValidator(VERSIONS[spec]).validate_str(text, all_errors=True)
    if errors is None:
        return []
    return [str(getattr(e, "data", e)).splitlines()[0][:300] for e in errors]


def model_dirs() -> list:
    dirs = [REPO / "fixtures/tiny-model"]
    models = REPO / "fixtures/models"
    if models.is_dir():
        dirs += sorted(p for p in models.iterdir() if p.is_dir())
    return dirs


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--aibom", required=True)
    ap.add_argument("--dump-dir")
    args = ap.parse_args()
    passed = failed = 0

    def report(name: str, problems: list) -> None:
        nonlocal passed, failed
        if problems:
            failed += 1
            print(f"FAIL {name}: " + "; ".join(problems[:5]))
        else:
            passed += 1
            print(f"ok {name}")

    with tempfile.TemporaryDirectory() as tmp:
        single = pathlib.Path(tmp) / "model.gguf"
        single.write_bytes(b"GGUF\x03\x00\x00\x00")
        for d in model_dirs() + [single]:
            for v in VERSIONS:
                name = f"{d.name}@{v}"
                runs = [
                    subprocess.run([args.aibom, "scan", "-q", str(d), "-o", f"cyclonedx-json@{v}"], capture_output=True)
                    for _ in range(2)
                ]
                if runs[0].returncode != 0:
                    report(name, [f"exit {runs[0].returncode}: {runs[0].stderr.decode(errors='replace').strip()}"])
                    continue
                problems = validate(runs[0].stdout.decode())
                if runs[0].stdout != runs[1].stdout:
                    problems.append("two runs gave different bytes")
                report(name, problems)

    if args.dump_dir:
        dumped = sorted(pathlib.Path(args.dump_dir).glob("*.json"))
        if not dumped:
            report("rust-test-boms", ["no BOMs found in dump dir (did tests/bom.rs run with AIBOM_BOM_DUMP?)"])
        for f in dumped:
            report(f"rust-test:{f.name}", validate(f.read_text()))

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
