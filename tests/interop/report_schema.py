#!/usr/bin/env python3
"""Validate `aibom verify -o json` and `aibom verify --hf-cache -o json` output against
schemas/verify-report.schema.json and schemas/hf-cache-report.schema.json with the `jsonschema` package
(Draft 2020-12, format checks on): an independent validator beside the Rust one in tests/schema.rs.

Cases: a signed model that verifies, the same model tampered (modified, missing and extra files), a wrong
key, a wrong `sha256:` digest; a healthy Hugging Face cache and a broken one. Each report must validate and
name its problems with the documented codes.

Prints `ok <case>` / `FAIL <case>: <detail>` and a closing `N passed, M failed` line; exits 1 on failure.
"""
import argparse
import hashlib
import json
import os
import pathlib
import subprocess
import sys
import tempfile

import jsonschema

REPO = pathlib.Path(__file__).resolve().parents[2]
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((REPO / "schemas" / name).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def run(aibom: str, cwd: pathlib.Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "AIBOM_KEY_PASSWORD"}
    return subprocess.run([aibom, *args], cwd=cwd, capture_output=True, env=env, timeout=300)


def git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def make_cache(root: pathlib.Path) -> pathlib.Path:
    """A hub cache with one repository: an LFS file and a small file in one snapshot, refs/main."""
    repo = root / "hub" / "models--acme--tiny"
    snap = repo / "snapshots" / COMMIT
    snap.mkdir(parents=True)
    (repo / "blobs").mkdir()
    lfs, small = b"\x03" * 4096, b"{}"
    for name, data, blob in [("w.bin", lfs, hashlib.sha256(lfs).hexdigest()),
                             ("config.json", small, git_blob_sha1(small))]:
        (repo / "blobs" / blob).write_bytes(data)
        os.symlink(f"../../blobs/{blob}", snap / name)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(COMMIT)
    return repo


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--aibom", required=True)
    args = ap.parse_args()
    aibom = str(pathlib.Path(args.aibom).resolve())
    verify_v = validator("verify-report.schema.json")
    cache_v = validator("hf-cache-report.schema.json")
    passed = failed = 0

    def check(case: str, v, proc, exit_code: int, codes: list[str] | None, key: str):
        nonlocal passed, failed
        detail = []
        if proc.returncode != exit_code:
            detail.append(f"exit {proc.returncode}, expected {exit_code}: "
                          f"{proc.stderr.decode(errors='replace').strip()[:300]}")
        try:
            doc = json.loads(proc.stdout)
        except ValueError as e:
            doc = None
            detail.append(f"not JSON: {e}")
        if doc is not None:
            errors = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
            detail += [f"{list(e.path)}: {e.message}" for e in errors[:5]]
            got = [p["code"] for p in doc.get("problems", [])]
            if codes is not None and got != codes:
                detail.append(f"problem codes {got}, expected {codes}")
            if doc.get(key) != (not got):
                detail.append(f"{key} is {doc.get(key)} with problems {got}")
        if detail:
            print(f"FAIL {case}: " + "; ".join(detail))
            failed += 1
        else:
            print(f"ok {case}")
            passed += 1

    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        m = tmp / "m"
        (m / "sub").mkdir(parents=True)
        (m / "config.json").write_text('{"a": 1}\n')
        (m / "model.bin").write_bytes(b"\x07" * 5000)
        (m / "sub" / "tok.txt").write_text("tokens")
        for prefix in ["k", "other"]:
            run(aibom, tmp, "keygen", "--output-prefix", prefix).check_returncode()
        run(aibom, tmp, "sign", "m", "--key", "k.key").check_returncode()

        def verify(target: str, key: str = "k.pub"):
            return run(aibom, tmp, "verify", target, "--bundle", "m.sig", "--key", key, "-o", "json")

        check("verify: good", verify_v, verify("m"), 0, [], "verified")
        check("verify: wrong key", verify_v, verify("m", "other.pub"), 1, ["key-mismatch"], "verified")
        check("verify: wrong digest", verify_v, verify("sha256:" + "0" * 64), 1, ["digest-mismatch"],
              "verified")
        data = bytearray((m / "model.bin").read_bytes())
        data[100] ^= 1
        (m / "model.bin").write_bytes(bytes(data))
        (m / "config.json").unlink()
        (m / "notes.md").write_text("x")
        check("verify: tampered", verify_v, verify("m"), 1,
              ["file-modified", "file-missing", "file-extra"], "verified")

        repo = make_cache(tmp)
        hub = str(tmp / "hub")
        check("hf-cache: healthy", cache_v, run(aibom, tmp, "verify", "-o", "json", "--hf-cache", hub),
              0, [], "ok")
        blob = os.path.realpath(repo / "snapshots" / COMMIT / "w.bin")
        pathlib.Path(blob).write_bytes(b"tampered")
        os.symlink("../../blobs/" + "a" * 64, repo / "snapshots" / COMMIT / "gone.bin")
        (repo / "refs" / "v2").write_text("f" * 40)
        check("hf-cache: broken", cache_v, run(aibom, tmp, "verify", "-o", "json", "--hf-cache", hub),
              1, ["link-dangling", "blob-mismatch", "ref-missing-snapshot"], "ok")

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
