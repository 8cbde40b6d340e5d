#!/usr/bin/env python3
"""Validate `aibom scan -o json` output against schemas/inventory.schema.json with the `jsonschema`
package (Draft 2020-12, format checks on), for the bundled example model and a few generated trees.

Prints `ok <case>` / `FAIL <case>: <detail>` and a closing `N passed, M failed` line; exits 1 on failure.
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

import jsonschema

REPO = pathlib.Path(__file__).resolve().parents[2]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--aibom", required=True)
    args = ap.parse_args()
    schema = json.loads((REPO / "schemas/inventory.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)

    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        single = tmp / "model.gguf"
        single.write_bytes(b"GGUF\x03\x00\x00\x00")
        links = tmp / "links"
        (links / "d").mkdir(parents=True)
        (links / "d" / "w.bin").write_bytes(b"\x80\x04K\x01.")
        os.symlink("d/w.bin", links / "alias.bin")
        cases = [
            ("example-model", [str(REPO / "fixtures/tiny-model")]),
            ("single-file", [str(single)]),
            ("symlinks", [str(links), "--allow-symlinks", "--no-ignore-git-paths"]),
        ]
        for name, argv in cases:
            proc = subprocess.run([args.aibom, "scan", "-q", "-o", "json", *argv], capture_output=True)
            if proc.returncode != 0:
                print(f"FAIL {name}: exit {proc.returncode}: {proc.stderr.decode(errors='replace').strip()}")
                failed += 1
                continue
            errors = sorted(validator.iter_errors(json.loads(proc.stdout)), key=lambda e: list(e.path))
            if errors:
                print(f"FAIL {name}: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5]))
                failed += 1
            else:
                print(f"ok {name}")
                passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
