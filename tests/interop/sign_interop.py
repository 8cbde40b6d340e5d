#!/usr/bin/env python3
"""Interop suite: `aibom sign` / `aibom verify` vs. OpenSSF Model Signing (`model_signing` 1.1.1).

Cases:
  - model_signing signs (key P-256, key P-384, certificate method with a CA chain made here with
    `openssl`: root CA -> intermediate -> leaf with digitalSignature) -> `aibom verify` passes;
  - aibom signs (key P-256/P-384, certificate method) -> `model_signing verify key|certificate` passes;
  - one byte flipped, a file renamed, added, deleted: both tools reject and aibom names the file (text
    lines, and `-o json` problems with their codes);
  - older layouts built here from the documented shape (`rawBytes` PEM base64, `keyid: null`, no
    `tlogEntries`, the legacy `https://model_signing/Digests/v0.1` predicate, the model_signing 0.2 PAE)
    verify;
  - malformed bundles (bad base64, wrong media type, missing fields, two subjects, wrong payload type,
    truncated JSON, a 100 MB payload) give exit 1 or 2 with a message and no panic;
  - determinism: signing twice gives identical bytes;
  - model_signing's own published fixtures (v0.2.0 ... v1.1.0; key, certificate and Sigstore methods;
    from the rh-model-signing sdist, pinned by hash in oms-fixtures-requirements.txt, downloaded at test
    time into --cache): every one verifies with aibom offline (certificate: the fixtures' RSA CAs and a
    leaf named like its intermediate; Sigstore: the embedded public-good root), model_signing agrees on
    the key and certificate ones, and a modified file or a foreign root is rejected.

Standard library + `cryptography` + `pip` + the `openssl` command.  Run through tests/interop/run.sh.
Output: `ok <name>` / `FAIL <name>: <detail>` per case, then `N passed, M failed`.  Exit 1 on failure.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import traceback
from typing import Callable

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

TIMEOUT_S = 300
PAYLOAD_TYPE = "application/vnd.in-toto+json"
HERE = pathlib.Path(__file__).resolve().parent


class CaseFailure(Exception):
    """A case failed; the message is one line."""


def run(cmd: list[str], cwd: pathlib.Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True,
                          timeout=TIMEOUT_S)


def expect(cond: bool, msg: str) -> None:
    if not cond:
        raise CaseFailure(msg)


def short(p: subprocess.CompletedProcess) -> str:
    return f"rc={p.returncode} stdout={p.stdout.strip()[:300]!r} stderr={p.stderr.strip()[:300]!r}"


class Ctx:
    def __init__(self, aibom: str, model_signing: str, work: pathlib.Path, cache: pathlib.Path):
        self.aibom = aibom
        self.ms = model_signing
        self.work = work
        self.cache = cache
        self.n = 0

    def fresh(self) -> pathlib.Path:
        """A new case directory holding a small model `model/`."""
        self.n += 1
        d = self.work / f"case{self.n}"
        m = d / "model"
        (m / "sub").mkdir(parents=True)
        (m / "config.json").write_text('{"hidden_size": 8}\n')
        (m / "model.safetensors").write_bytes(bytes(range(256)) * 40)
        (m / "sub" / "tokenizer.json").write_text('{"vocab": {}}\n')
        (m / "README.md").write_text("# model\n")
        return d

    # -- keys ------------------------------------------------------------
    def ec_key(self, d: pathlib.Path, name: str, curve: str) -> tuple[pathlib.Path, pathlib.Path]:
        key, pub = d / f"{name}.key", d / f"{name}.pub"
        r = run(["openssl", "ecparam", "-name", curve, "-genkey", "-noout", "-out", key])
        expect(r.returncode == 0, f"openssl ecparam: {short(r)}")
        r = run(["openssl", "pkey", "-in", key, "-pubout", "-out", pub])
        expect(r.returncode == 0, f"openssl pkey: {short(r)}")
        return key, pub

    def ca_chain(self, d: pathlib.Path) -> dict[str, pathlib.Path]:
        """root CA -> intermediate CA -> leaf (digitalSignature), P-256, made with openssl."""
        out: dict[str, pathlib.Path] = {}
        for name in ["root", "int", "leaf"]:
            out[name + ".key"], _ = self.ec_key(d, name, "prime256v1")
        ca_ext = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
        leaf_ext = "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        (d / "ca.ext").write_text(ca_ext)
        (d / "leaf.ext").write_text(leaf_ext)
        root = d / "root.pem"
        r = run(["openssl", "req", "-x509", "-new", "-key", out["root.key"], "-subj",
                 "/CN=Interop Root CA", "-days", "3", "-out", root,
                 "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        expect(r.returncode == 0, f"openssl req root: {short(r)}")
        out["root.pem"] = root
        for name, issuer, ext, cn in [("int", "root", "ca.ext", "Interop Intermediate CA"),
                                      ("leaf", "int", "leaf.ext", "Interop Release Signer")]:
            csr = d / f"{name}.csr"
            r = run(["openssl", "req", "-new", "-key", out[f"{name}.key"], "-subj", f"/CN={cn}",
                     "-out", csr])
            expect(r.returncode == 0, f"openssl req {name}: {short(r)}")
            pem = d / f"{name}.pem"
            r = run(["openssl", "x509", "-req", "-in", csr, "-CA", out[f"{issuer}.pem"], "-CAkey",
                     out[f"{issuer}.key"], "-CAcreateserial", "-days", "2", "-extfile", d / ext,
                     "-out", pem])
            expect(r.returncode == 0, f"openssl x509 {name}: {short(r)}")
            out[f"{name}.pem"] = pem
        return out

    # -- tools -----------------------------------------------------------
    def ms_sign_key(self, d: pathlib.Path, key: pathlib.Path, sig: pathlib.Path) -> None:
        r = run([self.ms, "sign", "key", d / "model", "--signature", sig, "--private_key", key])
        expect(r.returncode == 0, f"model_signing sign key: {short(r)}")

    def ms_verify_key(self, d: pathlib.Path, pub: pathlib.Path, sig: pathlib.Path):
        return run([self.ms, "verify", "key", d / "model", "--signature", sig, "--public_key", pub])

    def aibom_verify(self, d: pathlib.Path, sig: pathlib.Path, *method: str, target: str = "model",
                     extra: tuple[str, ...] = ()):
        return run([self.aibom, "verify", target, "--bundle", sig, *method, *extra], cwd=d)


# --------------------------------------------------------------------------
# Helpers to build bundles by hand
# --------------------------------------------------------------------------


def b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def load_priv(path: pathlib.Path):
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def pae(payload: bytes, ptype: str = PAYLOAD_TYPE) -> bytes:
    return b"DSSEv1 %d %s %d " % (len(ptype), ptype.encode(), len(payload)) + payload


def pae_v02(payload: bytes) -> bytes:
    """model_signing 0.2's faulty PAE: `DSSEV1` and the payload as Python's bytes repr."""
    return f"DSSEV1 {len(PAYLOAD_TYPE)} {PAYLOAD_TYPE} {len(payload)} {payload}".encode()


def key_bundle(priv, payload: bytes, *, ptype: str = PAYLOAD_TYPE, signed: bytes | None = None,
               material: dict | None = None, keyid=None) -> dict:
    to_sign = signed if signed is not None else pae(payload, ptype)
    sig = priv.sign(to_sign, ec.ECDSA(hashes.SHA256()))
    pub_pem = priv.public_key().public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo)
    if material is None:
        material = {"publicKey": {"hint": hashlib.sha256(pub_pem).hexdigest()}, "tlogEntries": []}
    return {"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
            "verificationMaterial": material,
            "dsseEnvelope": {"payload": b64(payload), "payloadType": ptype,
                             "signatures": [{"sig": b64(sig), "keyid": keyid}]}}


def file_digests(model: pathlib.Path) -> list[tuple[str, str]]:
    files = sorted((p for p in model.rglob("*") if p.is_file()),
                   key=lambda p: p.relative_to(model).as_posix().split("/"))
    return [(p.relative_to(model).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest())
            for p in files]


def oms_statement(model: pathlib.Path, subjects: int = 1) -> bytes:
    res = file_digests(model)
    root = hashlib.sha256(b"".join(bytes.fromhex(d) for _, d in res)).hexdigest()
    st = {"_type": "https://in-toto.io/Statement/v1",
          "subject": [{"name": "model", "digest": {"sha256": root}}] * subjects,
          "predicateType": "https://model_signing/signature/v1.0",
          "predicate": {"serialization": {"method": "files", "hash_type": "sha256",
                                          "allow_symlinks": False,
                                          "ignore_paths": [".git", ".gitattributes", ".github",
                                                           ".gitignore"]},
                        "resources": [{"name": n, "algorithm": "sha256", "digest": d}
                                      for n, d in res]}}
    return json.dumps(st).encode()


def legacy_statement(model: pathlib.Path) -> bytes:
    st = {"_type": "https://in-toto.io/Statement/v1",
          "subject": [{"name": n, "digest": {"sha256": d}} for n, d in file_digests(model)],
          "predicateType": "https://model_signing/Digests/v0.1",
          "predicate": {"unused": "legacy"}}
    return json.dumps(st).encode()


# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------


def case_ms_key_signs_aibom_verifies(ctx: Ctx, curve: str) -> None:
    d = ctx.fresh()
    key, pub = ctx.ec_key(d, "k", curve)
    ctx.ms_sign_key(d, key, d / "model.sig")
    r = ctx.aibom_verify(d, d / "model.sig", "--key", str(pub))
    expect(r.returncode == 0 and r.stdout.startswith("VERIFIED"), f"aibom verify: {short(r)}")


def case_aibom_key_signs_ms_verifies(ctx: Ctx, curve: str) -> None:
    d = ctx.fresh()
    r = run([ctx.aibom, "keygen", "--curve", curve, "--output-prefix", "k"], cwd=d)
    expect(r.returncode == 0, f"aibom keygen: {short(r)}")
    r = run([ctx.aibom, "sign", "model", "--key", "k.key"], cwd=d)
    expect(r.returncode == 0, f"aibom sign: {short(r)}")
    expect((d / "model.sig").is_file(), "default bundle model.sig not written next to the model")
    r = ctx.ms_verify_key(d, d / "k.pub", d / "model.sig")
    expect(r.returncode == 0, f"model_signing verify key: {short(r)}")


def case_ms_cert_signs_aibom_verifies(ctx: Ctx) -> None:
    d = ctx.fresh()
    ca = ctx.ca_chain(d)
    r = run([ctx.ms, "sign", "certificate", d / "model", "--signature", d / "model.sig",
             "--private_key", ca["leaf.key"], "--signing_certificate", ca["leaf.pem"],
             "--certificate_chain", ca["int.pem"]])
    expect(r.returncode == 0, f"model_signing sign certificate: {short(r)}")
    r = ctx.aibom_verify(d, d / "model.sig", "--certificate-chain", str(ca["root.pem"]))
    expect(r.returncode == 0, f"aibom verify --certificate-chain: {short(r)}")
    expect("Interop Release Signer" in r.stdout, f"signer not named: {r.stdout!r}")
    # A root that did not issue the chain is refused.
    other = d / "other"
    other.mkdir()
    oca = ctx.ca_chain(other)
    r = ctx.aibom_verify(d, d / "model.sig", "--certificate-chain", str(oca["root.pem"]))
    expect(r.returncode == 1, f"foreign root accepted: {short(r)}")


def case_aibom_cert_signs_ms_verifies(ctx: Ctx) -> None:
    d = ctx.fresh()
    ca = ctx.ca_chain(d)
    r = run([ctx.aibom, "sign", "model", "--key", ca["leaf.key"], "--certificate", ca["leaf.pem"],
             "--certificate-chain", ca["int.pem"]], cwd=d)
    expect(r.returncode == 0, f"aibom sign --certificate: {short(r)}")
    r = run([ctx.ms, "verify", "certificate", d / "model", "--signature", d / "model.sig",
             "--certificate_chain", ca["root.pem"]])
    expect(r.returncode == 0, f"model_signing verify certificate: {short(r)}")
    r = ctx.aibom_verify(d, d / "model.sig", "--certificate-chain", str(ca["root.pem"]))
    expect(r.returncode == 0, f"aibom verify own certificate bundle: {short(r)}")


def tamper_case(op: str) -> Callable[[Ctx], None]:
    def case(ctx: Ctx) -> None:
        d = ctx.fresh()
        key, pub = ctx.ec_key(d, "k", "prime256v1")
        ctx.ms_sign_key(d, key, d / "model.sig")
        m = d / "model"
        if op == "flip":
            b = bytearray((m / "model.safetensors").read_bytes())
            b[1234] ^= 0x01
            (m / "model.safetensors").write_bytes(bytes(b))
            want = ["modified: model.safetensors"]
            codes = [["file-modified", "model.safetensors"]]
        elif op == "rename":
            (m / "sub" / "tokenizer.json").rename(m / "sub" / "tokenizer2.json")
            want = ["missing: sub/tokenizer.json", "extra: sub/tokenizer2.json"]
            codes = [["file-missing", "sub/tokenizer.json"], ["file-extra", "sub/tokenizer2.json"]]
        elif op == "add":
            (m / "evil.py").write_text("import os\n")
            want = ["extra: evil.py"]
            codes = [["file-extra", "evil.py"]]
        else:
            (m / "config.json").unlink()
            want = ["missing: config.json"]
            codes = [["file-missing", "config.json"]]
        r = ctx.ms_verify_key(d, pub, d / "model.sig")
        expect(r.returncode != 0, f"model_signing accepted the {op}: {short(r)}")
        r = ctx.aibom_verify(d, d / "model.sig", "--key", str(pub))
        expect(r.returncode == 1, f"aibom verify after {op}: {short(r)}")
        for w in want:
            expect(w in r.stdout, f"aibom did not report {w!r}: {r.stdout!r}")
        # The JSON report names the same files with their problem codes.
        r = ctx.aibom_verify(d, d / "model.sig", "--key", str(pub), extra=("-o", "json"))
        expect(r.returncode == 1, f"aibom verify -o json after {op}: {short(r)}")
        report = json.loads(r.stdout)
        got = [[p["code"], p["path"]] for p in report["problems"]]
        expect(report["verified"] is False and got == codes,
               f"aibom -o json after {op}: problems {got}, expected {codes}")
    return case


def case_legacy_raw_bytes_null_keyid(ctx: Ctx) -> None:
    d = ctx.fresh()
    key, pub = ctx.ec_key(d, "k", "prime256v1")
    ctx.ms_sign_key(d, key, d / "model.sig")
    b = json.loads((d / "model.sig").read_text())
    # The verification material is not signed: rewrite it into the v0.3.1-v1.0 layout.
    b["verificationMaterial"] = {"publicKey": {"rawBytes": b64(pub.read_bytes())}}
    b["dsseEnvelope"]["signatures"][0]["keyid"] = None
    (d / "old.sig").write_text(json.dumps(b))
    r = ctx.aibom_verify(d, d / "old.sig", "--key", str(pub))
    expect(r.returncode == 0, f"aibom verify old layout: {short(r)}")
    r = ctx.ms_verify_key(d, pub, d / "old.sig")
    expect(r.returncode == 0, f"model_signing verify old layout (reference): {short(r)}")
    # Older Sigstore media types (model_signing itself insists on v0.3; Sigstore clients do not).
    b["mediaType"] = "application/vnd.dev.sigstore.bundle+json;version=0.2"
    (d / "old02.sig").write_text(json.dumps(b))
    r = ctx.aibom_verify(d, d / "old02.sig", "--key", str(pub))
    expect(r.returncode == 0, f"aibom verify bundle v0.2 media type: {short(r)}")
    # A rawBytes key that is not the verifier's is refused.
    _, other = ctx.ec_key(d, "other", "prime256v1")
    b["verificationMaterial"] = {"publicKey": {"rawBytes": b64(other.read_bytes())}}
    (d / "otherkey.sig").write_text(json.dumps(b))
    r = ctx.aibom_verify(d, d / "otherkey.sig", "--key", str(pub), extra=("-o", "json"))
    expect(r.returncode == 1, f"foreign rawBytes key accepted: {short(r)}")
    codes = [p["code"] for p in json.loads(r.stdout)["problems"]]
    expect(codes == ["key-mismatch"], f"foreign rawBytes key: problems {codes}")


def case_legacy_digests_predicate(ctx: Ctx) -> None:
    d = ctx.fresh()
    key, pub = ctx.ec_key(d, "k", "prime256v1")
    priv = load_priv(key)
    payload = legacy_statement(d / "model")
    for name, signed in [("legacy.sig", None), ("legacy-v02-pae.sig", pae_v02(payload))]:
        mat = {"publicKey": {"rawBytes": b64(pub.read_bytes())}}
        (d / name).write_text(json.dumps(key_bundle(priv, payload, signed=signed, material=mat)))
        r = ctx.aibom_verify(d, d / name, "--key", str(pub))
        expect(r.returncode == 0, f"aibom verify {name}: {short(r)}")
        r = ctx.ms_verify_key(d, pub, d / name)
        expect(r.returncode == 0, f"model_signing verify {name} (reference): {short(r)}")
    (d / "model" / "README.md").write_text("changed\n")
    r = ctx.aibom_verify(d, d / "legacy.sig", "--key", str(pub))
    expect(r.returncode == 1 and "modified: README.md" in r.stdout,
           f"legacy tamper not reported: {short(r)}")


def malformed_case(kind: str) -> Callable[[Ctx], None]:
    def case(ctx: Ctx) -> None:
        d = ctx.fresh()
        key, pub = ctx.ec_key(d, "k", "prime256v1")
        priv = load_priv(key)
        good = key_bundle(priv, oms_statement(d / "model"))
        (d / "good.sig").write_text(json.dumps(good))
        r = ctx.aibom_verify(d, d / "good.sig", "--key", str(pub))
        expect(r.returncode == 0, f"hand-built bundle does not verify: {short(r)}")
        text = None
        b = json.loads(json.dumps(good))
        if kind == "bad-base64":
            b["dsseEnvelope"]["payload"] = "%%%not base64%%%"
        elif kind == "bad-base64-sig":
            b["dsseEnvelope"]["signatures"][0]["sig"] = "@@@@"
        elif kind == "wrong-media-type":
            b["mediaType"] = "application/json"
        elif kind == "missing-material":
            del b["verificationMaterial"]
        elif kind == "missing-signatures":
            del b["dsseEnvelope"]["signatures"]
        elif kind == "missing-envelope":
            del b["dsseEnvelope"]
        elif kind == "two-subjects":
            b = key_bundle(priv, oms_statement(d / "model", subjects=2))
        elif kind == "wrong-payload-type":
            b = key_bundle(priv, oms_statement(d / "model"), ptype="text/plain")
        elif kind == "not-json-payload":
            b = key_bundle(priv, b"\x00\xffnot json")
        elif kind == "truncated":
            text = json.dumps(good)[: len(json.dumps(good)) // 2]
        elif kind == "huge-payload":
            text = None
        path = d / "bad.sig"
        if kind == "huge-payload":
            with open(path, "w") as f:
                f.write('{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json",'
                        '"verificationMaterial":{"publicKey":{}},"dsseEnvelope":{"payload":"')
                chunk = "A" * (1 << 20)
                for _ in range(100):
                    f.write(chunk)
                f.write('","payloadType":"application/vnd.in-toto+json","signatures":[]}}')
        else:
            path.write_text(text if text is not None else json.dumps(b))
        r = ctx.aibom_verify(d, path, "--key", str(pub))
        expect(r.returncode in (1, 2), f"{kind}: expected exit 1 or 2: {short(r)}")
        expect("panicked" not in r.stderr, f"{kind}: panic: {r.stderr[:300]!r}")
        msg = (r.stdout + r.stderr).strip()
        expect(len(msg) > 10 and ("problem:" in r.stdout or "error:" in r.stderr),
               f"{kind}: no clear message: {short(r)}")
    return case


def case_determinism(ctx: Ctx) -> None:
    d = ctx.fresh()
    key, _ = ctx.ec_key(d, "k", "secp384r1")
    outs = []
    for i in range(2):
        r = run([ctx.aibom, "sign", "model", "--key", key, "--bundle", f"s{i}.sig"], cwd=d)
        expect(r.returncode == 0, f"aibom sign: {short(r)}")
        outs.append((d / f"s{i}.sig").read_bytes())
    expect(outs[0] == outs[1], "two signatures of the same model differ")


def case_single_file(ctx: Ctx) -> None:
    d = ctx.fresh()
    key, pub = ctx.ec_key(d, "k", "prime256v1")
    f = d / "model" / "model.safetensors"
    r = run([ctx.ms, "sign", "key", f, "--signature", d / "file.sig", "--private_key", key])
    expect(r.returncode == 0, f"model_signing sign file: {short(r)}")
    r = ctx.aibom_verify(d, d / "file.sig", "--key", str(pub), target="model/model.safetensors")
    expect(r.returncode == 0, f"aibom verify single file (model_signing): {short(r)}")
    r = run([ctx.aibom, "sign", "model/model.safetensors", "--key", key, "--bundle", "own.sig"],
            cwd=d)
    expect(r.returncode == 0, f"aibom sign file: {short(r)}")
    r = run([ctx.ms, "verify", "key", f, "--signature", d / "own.sig", "--public_key", pub])
    expect(r.returncode == 0, f"model_signing verify aibom single-file bundle: {short(r)}")


# --------------------------------------------------------------------------
# model_signing's published fixtures
# --------------------------------------------------------------------------

# (release, method directory suffix, target inside the fixture directory): as the sdist's
# scripts/tests/test-verify-<release>-<method>.sh call `model_signing verify`.
PUBLISHED = [
    ("v0.2.0", "certificate", "."),
    ("v0.3.1", "certificate", "."),
    ("v1.0.0", "certificate", "."),
    ("v1.0.1", "certificate", "."),
    ("v1.1.0", "certificate", "."),
    ("v0.3.1", "elliptic-key", "signme-1"),
    ("v1.0.0", "elliptic-key", "signme-1"),
    ("v1.0.1", "elliptic-key", "."),
    ("v1.1.0", "elliptic-key", "."),
    ("v0.3.1", "sigstore", "."),
    ("v1.0.0", "sigstore", "."),
    ("v1.0.1", "sigstore", "."),
    ("v1.1.0", "sigstore", "."),
]
SIGSTORE_IDENTITY = "stefanb@us.ibm.com"
SIGSTORE_ISSUER = "https://sigstore.verify.ibm.com/oauth2"


def published_fixtures(ctx: Ctx) -> pathlib.Path:
    """scripts/tests/ of the pinned rh-model-signing sdist, downloaded and unpacked once into the cache."""
    root = ctx.cache / "oms-fixtures"
    tests = root / "unpacked" / "scripts" / "tests"
    if (tests / "keys" / "certificate" / "ca-cert.pem").is_file():
        return tests
    r = run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "--no-deps", "--no-binary", ":all:", "--require-hashes",
             "-r", HERE / "oms-fixtures-requirements.txt", "-d", root / "sdist"])
    expect(r.returncode == 0, f"pip download of the fixtures sdist: {short(r)}")
    sdist = next((root / "sdist").glob("rh_model_signing-1.0.5.tar.gz"))
    staging = root / "unpacked.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    with tarfile.open(sdist) as tar:
        prefix = "rh_model_signing-1.0.5/scripts/tests/"
        members = []
        for m in tar.getmembers():
            if m.name.startswith(prefix) and (m.isfile() or m.isdir()):
                m.name = "scripts/tests/" + m.name[len(prefix):]
                members.append(m)
        kw = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(staging, members=members, **kw)
    shutil.rmtree(root / "unpacked", ignore_errors=True)
    staging.rename(root / "unpacked")
    return tests


def fixture_args(tests: pathlib.Path, release: str, method: str, target: str) -> tuple[str, list[str]]:
    d = f"{release}-{method}"
    ignore = ["--ignore-paths", "ignore-me"] if (tests / d / "ignore-me").exists() else []
    return (d if target == "." else f"{d}/{target}"), ignore


def case_published_fixtures_listed(ctx: Ctx) -> None:
    tests = published_fixtures(ctx)
    found = sorted(p.name for p in tests.iterdir() if (p / "model.sig").is_file())
    want = sorted(f"{r}-{m}" for r, m, _ in PUBLISHED)
    expect(found == want, f"fixture directories changed: {found} (expected {want})")


def case_published_fixture(method: str) -> Callable[[Ctx], None]:
    def case(ctx: Ctx) -> None:
        tests = published_fixtures(ctx)
        keys = tests / "keys" / "certificate"
        failures = []
        for release, m, target in PUBLISHED:
            if m != method:
                continue
            d = f"{release}-{m}"
            path, ignore = fixture_args(tests, release, m, target)
            if m == "certificate":
                flags = ["--certificate-chain", str(keys / "ca-cert.pem")]
                ms = ["certificate", "--certificate_chain", keys / "ca-cert.pem"]
            elif m == "elliptic-key":
                flags = ["--key", str(keys / "signing-key-pub.pem")]
                ms = ["key", "--public_key", keys / "signing-key-pub.pem"]
            else:
                flags = ["--certificate-identity", SIGSTORE_IDENTITY,
                         "--certificate-oidc-issuer", SIGSTORE_ISSUER]
                ms = None  # model_signing needs the network (TUF) for Sigstore: not run here
            r = ctx.aibom_verify(tests, tests / d / "model.sig", *flags, target=path,
                                 extra=tuple(ignore))
            if r.returncode != 0 or not r.stdout.startswith("VERIFIED"):
                failures.append(f"aibom {d}: {short(r)}")
            elif m == "certificate" and "CN=intermediate-ca" not in r.stdout:
                failures.append(f"aibom {d}: signer not named: {r.stdout!r}")
            if ms is not None:
                ms_ignore = ["--ignore-paths", tests / d / "ignore-me"] if ignore else []
                r = run([ctx.ms, "verify", ms[0], tests / path, "--signature", tests / d / "model.sig",
                         *ms[1:], *ms_ignore])
                if r.returncode != 0:
                    failures.append(f"model_signing {d} (reference): {short(r)}")
        expect(not failures, "; ".join(failures))
    return case


def case_published_fixture_negatives(ctx: Ctx) -> None:
    tests = published_fixtures(ctx)
    keys = tests / "keys" / "certificate"
    d = ctx.fresh()
    # A modified copy of the newest certificate fixture: the file is named.
    model = d / "v1.1.0-certificate"
    shutil.copytree(tests / "v1.1.0-certificate", model)
    (model / "signme-1").write_bytes(b"tampered\n")
    r = ctx.aibom_verify(d, model / "model.sig", "--certificate-chain", str(keys / "ca-cert.pem"),
                         target=model.name, extra=("--ignore-paths", "ignore-me"))
    expect(r.returncode == 1 and "modified: signme-1" in r.stdout, f"tampered fixture: {short(r)}")
    # A root of the same name (CN=root-ca) but another key: the chain does not reach it.
    other = d / "other"
    other.mkdir()
    key, _ = ctx.ec_key(other, "root", "prime256v1")
    fake = other / "root.pem"
    r = run(["openssl", "req", "-x509", "-new", "-key", key, "-subj", "/CN=root-ca", "-days", "3",
             "-out", fake, "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    expect(r.returncode == 0, f"openssl req: {short(r)}")
    for release in ["v0.2.0", "v1.1.0"]:
        f = tests / f"{release}-certificate"
        r = ctx.aibom_verify(tests, f / "model.sig", "--certificate-chain", str(fake),
                             target=f.name, extra=("--ignore-paths", "ignore-me"))
        expect(r.returncode == 1 and "does not verify with the key of 'CN=root-ca'" in r.stdout,
               f"{release} with a look-alike root: {short(r)}")
    # The key fixtures with another key: rejected, never on the hint alone.
    _, pub = ctx.ec_key(d, "k", "secp384r1")
    r = ctx.aibom_verify(tests, tests / "v1.1.0-elliptic-key" / "model.sig", "--key", str(pub),
                         target="v1.1.0-elliptic-key", extra=("--ignore-paths", "ignore-me"))
    expect(r.returncode == 1 and "key mismatch" in r.stdout, f"foreign key: {short(r)}")


CASES: list[tuple[str, Callable[[Ctx], None]]] = [
    ("model_signing key P-256 -> aibom verify", lambda c: case_ms_key_signs_aibom_verifies(c, "prime256v1")),
    ("model_signing key P-384 -> aibom verify", lambda c: case_ms_key_signs_aibom_verifies(c, "secp384r1")),
    ("model_signing certificate -> aibom verify", case_ms_cert_signs_aibom_verifies),
    ("aibom key P-256 -> model_signing verify", lambda c: case_aibom_key_signs_ms_verifies(c, "p256")),
    ("aibom key P-384 -> model_signing verify", lambda c: case_aibom_key_signs_ms_verifies(c, "p384")),
    ("aibom certificate -> model_signing verify", case_aibom_cert_signs_ms_verifies),
    ("single file both ways", case_single_file),
    ("tamper: flipped byte", tamper_case("flip")),
    ("tamper: renamed file", tamper_case("rename")),
    ("tamper: added file", tamper_case("add")),
    ("tamper: deleted file", tamper_case("delete")),
    ("legacy: rawBytes, keyid null, no tlogEntries, older media types", case_legacy_raw_bytes_null_keyid),
    ("legacy: Digests/v0.1 predicate and model_signing 0.2 PAE", case_legacy_digests_predicate),
    ("determinism", case_determinism),
] + [(f"malformed: {k}", malformed_case(k)) for k in [
    "bad-base64", "bad-base64-sig", "wrong-media-type", "missing-material", "missing-signatures",
    "missing-envelope", "two-subjects", "wrong-payload-type", "not-json-payload", "truncated",
    "huge-payload"]] + [
    ("published fixtures: the expected releases and methods", case_published_fixtures_listed),
    ("published fixtures: certificate method (v0.2.0-v1.1.0)", case_published_fixture("certificate")),
    ("published fixtures: key method (v0.3.1-v1.1.0)", case_published_fixture("elliptic-key")),
    ("published fixtures: Sigstore method, offline (v0.3.1-v1.1.0)", case_published_fixture("sigstore")),
    ("published fixtures: tampered file, look-alike root, foreign key", case_published_fixture_negatives),
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--aibom", required=True)
    ap.add_argument("--model-signing", required=True)
    ap.add_argument("-k", default="", help="run only cases whose name contains this")
    ap.add_argument("--cache", default=str(HERE.parent.parent / "target"),
                    help="where downloaded fixtures are kept between runs")
    args = ap.parse_args()
    if shutil.which("openssl") is None:
        print("FAIL setup: the openssl command is needed for the certificate cases")
        print("0 passed, 1 failed")
        return 1
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="aibom-sign-interop-") as tmp:
        ctx = Ctx(str(pathlib.Path(args.aibom).resolve()), args.model_signing, pathlib.Path(tmp),
                  pathlib.Path(args.cache).resolve())
        for name, fn in CASES:
            if args.k and args.k not in name:
                continue
            try:
                fn(ctx)
                print(f"ok {name}", flush=True)
                passed += 1
            except CaseFailure as e:
                print(f"FAIL {name}: {e}", flush=True)
                failed += 1
            except Exception:  # noqa: BLE001 - a crashing case is a failure, not the end of the run
                print(f"FAIL {name}: exception", flush=True)
                traceback.print_exc(file=sys.stderr)
                failed += 1
    print(f"sign interop: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
