#!/usr/bin/env python3
"""Interop suite: `aibom digest` vs. OpenSSF Model Signing (`model_signing` 1.1.1).

For every case a model tree is built in its own temporary directory, signed
with `model_signing sign key` (EC P-256 key, signature written outside the
model unless the case says otherwise), the in-toto subject digest is extracted
from the bundle, and `aibom digest` is run with equivalent flags.  The two
root digests must be identical.  A few negative cases check that aibom rejects
inputs it must reject (exit status 2).

Standard library + `cryptography` only.  Run through tests/interop/run.sh.

Output: one line per case, `ok <name>` or `FAIL <name>: <detail>`, then a
final line `N passed, M failed`.  Extra diagnostics go to stderr.  Exit 1 if
any case failed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import pathlib
import random
import re
import subprocess
import sys
import tempfile
import traceback
import unicodedata
from typing import Callable, Optional, Sequence

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

TIMEOUT_S = 300
DIGEST_LINE = re.compile(r"sha256:([0-9a-f]{64})")


class CaseFailure(Exception):
    """Raised by a case to report a failure; the message is one line."""


# --------------------------------------------------------------------------
# Context: tools, key, helpers
# --------------------------------------------------------------------------


class Ctx:
    def __init__(self, aibom: str, model_signing: str, key_path: pathlib.Path,
                 scratch: pathlib.Path, verbose: bool):
        self.aibom = aibom
        self.model_signing = model_signing
        self.key_path = key_path
        self.scratch = scratch  # neutral cwd, outside every model
        self.verbose = verbose
        self.diag: list[str] = []  # diagnostics for the current case

    # -- process helpers ---------------------------------------------------

    def _run(self, argv: Sequence[str], cwd: pathlib.Path) -> subprocess.CompletedProcess:
        try:
            return subprocess.run(
                list(argv), cwd=str(cwd), stdin=subprocess.DEVNULL,
                capture_output=True, timeout=TIMEOUT_S,
            )
        except subprocess.TimeoutExpired:
            raise CaseFailure(f"timed out after {TIMEOUT_S}s: {_fmt_argv(argv)}")

    def run_aibom(self, model: pathlib.Path | str, *, ignore: Sequence[str] = (),
                  no_git: bool = False, symlinks: bool = False,
                  cwd: Optional[pathlib.Path] = None) -> subprocess.CompletedProcess:
        argv = [self.aibom, "digest", str(model)]
        for p in ignore:
            argv += ["--ignore-paths", p]
        if no_git:
            argv.append("--no-ignore-git-paths")
        if symlinks:
            argv.append("--allow-symlinks")
        return self._run(argv, cwd or self.scratch)

    def aibom_digest(self, model: pathlib.Path | str, **kw) -> str:
        """Runs `aibom digest`, demands exit 0 and one `sha256:<hex>` line."""
        cp = self.run_aibom(model, **kw)
        out = cp.stdout.decode("utf-8", "replace")
        err = cp.stderr.decode("utf-8", "replace")
        if cp.returncode != 0:
            raise CaseFailure(
                f"aibom digest exited {cp.returncode}; stderr: {_one_line(err)}")
        lines = out.splitlines()
        if len(lines) != 1 or not DIGEST_LINE.fullmatch(lines[0]):
            raise CaseFailure(f"aibom digest output is not one sha256:<64 hex> line: {out!r}")
        return lines[0][len("sha256:"):]

    def run_model_signing(self, model: pathlib.Path, sig: pathlib.Path, *,
                          ignore_abs: Sequence[pathlib.Path] = (), no_git: bool = False,
                          symlinks: bool = False) -> subprocess.CompletedProcess:
        argv = [self.model_signing, "sign", "key", str(model),
                "--private_key", str(self.key_path), "--signature", str(sig)]
        for p in ignore_abs:
            # model_signing resolves --ignore-paths against its cwd: pass absolutes.
            assert p.is_absolute(), p
            argv += ["--ignore-paths", str(p)]
        if no_git:
            argv.append("--no-ignore-git-paths")
        if symlinks:
            argv.append("--allow_symlinks")
        return self._run(argv, self.scratch)

    def oms_digest(self, model: pathlib.Path, sig: pathlib.Path, **kw) -> tuple[str, list]:
        """Signs with model_signing; returns (subject sha256, resources list)."""
        cp = self.run_model_signing(model, sig, **kw)
        if cp.returncode != 0:
            raise CaseFailure(
                "model_signing sign failed (exit %d): %s"
                % (cp.returncode, _one_line(cp.stderr.decode("utf-8", "replace"))))
        return parse_bundle(sig)

    # -- the core comparison ----------------------------------------------

    def compare(self, model: pathlib.Path, *, ignore: Sequence[str] = (),
                no_git: bool = False, symlinks: bool = False,
                sig: Optional[pathlib.Path] = None,
                aibom_model_arg: Optional[str] = None,
                aibom_cwd: Optional[pathlib.Path] = None,
                expect_resources: Optional[Sequence[str]] = None) -> str:
        """Signs `model` with model_signing and compares with `aibom digest`.

        `ignore` holds model-relative paths; they are given as absolute paths
        to model_signing and verbatim to aibom.  `sig` defaults to a fresh
        path outside the model.  `expect_resources` (optional) pins the
        manifest file list model_signing must produce, guarding the test
        itself against silently testing the wrong thing.
        """
        with tempfile.TemporaryDirectory(prefix="aibom-sig-") as sigdir:
            sig_path = sig or pathlib.Path(sigdir) / "model.sig"
            base = model if model.is_dir() else model.parent
            ignore_abs = [base / p for p in ignore]
            oms, resources = self.oms_digest(
                model, sig_path, ignore_abs=ignore_abs, no_git=no_git, symlinks=symlinks)
            names = [r["name"] for r in resources]
            if expect_resources is not None and sorted(names) != sorted(expect_resources):
                raise CaseFailure(
                    "test setup: model_signing manifest %r != expected %r"
                    % (sorted(names), sorted(expect_resources)))
            got = self.aibom_digest(
                aibom_model_arg if aibom_model_arg is not None else model,
                ignore=ignore, no_git=no_git, symlinks=symlinks, cwd=aibom_cwd)
            if got != oms:
                self.diag.append("model_signing manifest order (%d files):" % len(names))
                for r in resources[:60]:
                    self.diag.append(f"  {r['name']!r} {r['digest']}")
                if len(resources) > 60:
                    self.diag.append(f"  ... {len(resources) - 60} more")
                raise CaseFailure(
                    f"digest mismatch: model_signing sha256:{oms} "
                    f"!= aibom sha256:{got} ({len(names)} files in OMS manifest)")
            return oms

    def expect_reject(self, model: pathlib.Path | str, *, stderr_contains: Sequence[str] = (),
                      **kw) -> subprocess.CompletedProcess:
        cp = self.run_aibom(model, **kw)
        out = cp.stdout.decode("utf-8", "replace")
        err = cp.stderr.decode("utf-8", "replace")
        if cp.returncode != 2:
            raise CaseFailure(
                f"expected aibom exit 2, got {cp.returncode}; stdout: {_one_line(out)!r}; "
                f"stderr: {_one_line(err)!r}")
        if DIGEST_LINE.search(out):
            raise CaseFailure(f"aibom exited 2 but still printed a digest: {_one_line(out)!r}")
        for s in stderr_contains:
            if s not in err:
                raise CaseFailure(f"aibom stderr does not mention {s!r}: {_one_line(err)!r}")
        return cp


def parse_bundle(sig: pathlib.Path) -> tuple[str, list]:
    text = sig.read_text(encoding="utf-8")
    try:
        bundle = json.loads(text)
        payload = json.loads(base64.b64decode(bundle["dsseEnvelope"]["payload"]))
        subjects = payload["subject"]
        digest = subjects[0]["digest"]["sha256"]
        resources = payload["predicate"]["resources"]
    except (ValueError, KeyError, IndexError, TypeError) as e:
        raise CaseFailure(f"cannot parse model_signing bundle {sig}: {e!r}")
    if len(subjects) != 1 or not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise CaseFailure(f"unexpected subject in bundle: {subjects!r}")
    # Self-check of the oracle: the root digest is SHA-256 over the per-file
    # digests in manifest order.
    h = hashlib.sha256()
    for r in resources:
        if r.get("algorithm") != "sha256":
            raise CaseFailure(f"unexpected resource algorithm: {r!r}")
        h.update(bytes.fromhex(r["digest"]))
    if h.hexdigest() != digest:
        raise CaseFailure("bundle self-check failed: subject digest != hash of resources")
    return digest, resources


def _one_line(s: str, limit: int = 400) -> str:
    s = " | ".join(x.strip() for x in s.strip().splitlines() if x.strip())
    return s if len(s) <= limit else s[:limit] + "..."


def _fmt_argv(argv: Sequence[str]) -> str:
    return " ".join(repr(a) if (" " in a or not a) else a for a in argv)


# --------------------------------------------------------------------------
# Tree building helpers
# --------------------------------------------------------------------------


def write(root: pathlib.Path, rel: str, data: bytes | str = b"") -> pathlib.Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


def content(name: str) -> bytes:
    """Distinct, name-derived content so that swapped order changes digests."""
    return f"content of {name}\n".encode("utf-8")


def populate(root: pathlib.Path, names: Sequence[str]) -> None:
    for n in names:
        write(root, n, content(n))


def new_model(tmp: str, name: str = "model") -> pathlib.Path:
    m = pathlib.Path(tmp) / name
    m.mkdir()
    return m


# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------

CASES: list[tuple[str, Callable[[Ctx, str], None]]] = []


def case(name: str):
    def deco(fn):
        CASES.append((name, fn))
        return fn
    return deco


ORDERING_NAMES = [
    "Z", "a/b", "a b", "a-b", "a.txt", "é.txt",
    # more component-vs-byte ordering traps
    "a/b c", "a0", "a_b", "B", "~tilde",
    "\uff21.txt",          # FULLWIDTH A (3-byte UTF-8; UTF-16 order differs vs astral)
    "\U0001F916.bin",      # astral plane (4-byte UTF-8)
    "日本.bin",
]


@case("ordering-trap")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    populate(m, ORDERING_NAMES)
    ctx.compare(m, expect_resources=ORDERING_NAMES)


@case("nested-deep")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    names = [
        "d1/d2/d3/d4/d5/d6/leaf.bin",
        "d1/d2/d3/d4/d5/sibling.bin",
        "d1/d2/d3/mid.bin",
        "d1/top.bin",
        "d1.bin",
        "x/y/z", "x/y.z", "x/y-z/w", "x/y z/w", "x/yz",
        "p/q/r/s/t/u/v/w/x/y/z.bin",
    ]
    populate(m, names)
    ctx.compare(m, expect_resources=names)


@case("empty-files")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    names = ["empty0", "sub/empty1", "sub/deeper/empty2", "nonempty.bin"]
    for n in names[:-1]:
        write(m, n, b"")
    write(m, "nonempty.bin", b"x")
    ctx.compare(m, expect_resources=names)


@case("empty-files-only")
def _(ctx: Ctx, tmp: str) -> None:
    # A model of only zero-length files is NOT an empty model.
    m = new_model(tmp)
    names = ["a", "b/c"]
    for n in names:
        write(m, n, b"")
    ctx.compare(m, expect_resources=names)


@case("empty-subdir")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    names = ["weights.bin", "cfg/config.json"]
    populate(m, names)
    (m / "empty").mkdir()
    (m / "cfg" / "empty-too").mkdir()
    (m / "only-dirs" / "x" / "y").mkdir(parents=True)
    with_dirs = ctx.compare(m, expect_resources=names)
    # Removing the empty directories must not change aibom's digest.
    for d in ["empty", "cfg/empty-too", "only-dirs/x/y", "only-dirs/x", "only-dirs"]:
        (m / d).rmdir()
    without = ctx.aibom_digest(m)
    if without != with_dirs:
        raise CaseFailure(
            f"empty directories changed aibom digest: with {with_dirs} != without {without}")


@case("single-file")
def _(ctx: Ctx, tmp: str) -> None:
    d = pathlib.Path(tmp) / "dir"
    write(d, "model.safetensors", content("model.safetensors") * 100)
    write(d, "sibling.txt", content("sibling"))  # must not be included
    ctx.compare(d / "model.safetensors", expect_resources=["."])


@case("single-file-empty")
def _(ctx: Ctx, tmp: str) -> None:
    d = pathlib.Path(tmp) / "dir"
    write(d, "empty.bin", b"")
    ctx.compare(d / "empty.bin", expect_resources=["."])


@case("hidden-files")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    names = [
        ".hidden", ".config/settings", "visible.bin",
        # only the *root* git paths are ignored by default
        "sub/.git", "sub/.gitignore", "sub/.gitattributes", "sub/.github/x.yml",
        "deep/er/.git/HEAD",
    ]
    populate(m, names)
    ctx.compare(m, expect_resources=names)


GIT_IGNORED = [
    ".git/HEAD", ".git/config", ".git/objects/ab/cdef0123", ".git/refs/heads/main",
    ".gitattributes", ".gitignore", ".github/workflows/ci.yml", ".github/CODEOWNERS",
]
GIT_LOOKALIKES = [  # NOT ignored by default: only exact root components are
    ".gitmodules", ".gitkeep", ".gitignore.bak", ".github-old/x", ".git2/y",
    ".gitattributesx", "x/.git/HEAD", "model.bin",
]


@case("git-paths-ignored-by-default")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    populate(m, GIT_IGNORED + GIT_LOOKALIKES)
    ctx.compare(m, expect_resources=GIT_LOOKALIKES)


@case("git-paths-no-ignore")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    populate(m, GIT_IGNORED + GIT_LOOKALIKES)
    ctx.compare(m, no_git=True, expect_resources=GIT_IGNORED + GIT_LOOKALIKES)


@case("git-file-worktree-style")
def _(ctx: Ctx, tmp: str) -> None:
    # `.git` as a regular file (worktrees/submodules) is ignored as well.
    m = new_model(tmp)
    write(m, ".git", "gitdir: /elsewhere/.git/worktrees/m\n")
    write(m, ".github", "not a dir\n")
    populate(m, ["model.bin"])
    ctx.compare(m, expect_resources=["model.bin"])


@case("git-file-worktree-style-no-ignore")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    write(m, ".git", "gitdir: /elsewhere/.git/worktrees/m\n")
    populate(m, ["model.bin"])
    ctx.compare(m, no_git=True, expect_resources=[".git", "model.bin"])


@case("ignore-paths-file")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    keep = ["model.bin", "README.md.orig", "docs/notes.txt.bak", "docs/other.txt"]
    populate(m, keep + ["README.md", "docs/notes.txt"])
    ctx.compare(m, ignore=["README.md", "docs/notes.txt"], expect_resources=keep)


@case("ignore-paths-dir")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    keep = ["model.bin", "cache.txt", "cache2/x", "cachedir/y"]
    populate(m, keep + ["cache/a", "cache/sub/b", "cache/sub/deeper/c"])
    ctx.compare(m, ignore=["cache"], expect_resources=keep)


@case("ignore-paths-dir-trailing-slash")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    keep = ["model.bin", "cache.txt"]
    populate(m, keep + ["cache/a", "cache/sub/b"])
    ctx.compare(m, ignore=["cache/"], expect_resources=keep)


@case("ignore-paths-nested")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    keep = ["a/bc", "a/b.txt", "a/c/b", "a b", "b/x", "model.bin", "a/b2/z"]
    populate(m, keep + ["a/b/one", "a/b/two/three", "x/y/z.bin"])
    ctx.compare(m, ignore=["a/b", "x/y/z.bin"], expect_resources=keep)


@case("ignore-paths-nonexistent")
def _(ctx: Ctx, tmp: str) -> None:
    # model_signing accepts ignore paths that do not exist (no effect).
    m = new_model(tmp)
    keep = ["model.bin", "sub/x"]
    populate(m, keep)
    ctx.compare(m, ignore=["does-not-exist", "sub/nope"], expect_resources=keep)


@case("ignore-paths-plus-git-defaults")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    keep = ["model.bin", ".gitmodules"]
    populate(m, keep + [".git/HEAD", ".gitignore", "logs/run1.txt"])
    ctx.compare(m, ignore=["logs"], expect_resources=keep)


@case("signature-inside-model")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    keep = ["model.bin", "config.json"]
    populate(m, keep)
    sig = m / "model.sig"
    ctx.compare(m, sig=sig, ignore=["model.sig"], expect_resources=keep)
    if not sig.is_file():
        raise CaseFailure("test setup: model_signing did not write the in-model signature")


@case("signature-inside-model-nested")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    keep = ["model.bin", "signatures/README"]
    populate(m, keep)
    sig = m / "signatures" / "model.sig"
    ctx.compare(m, sig=sig, ignore=["signatures/model.sig"], expect_resources=keep)
    if not sig.is_file():
        raise CaseFailure("test setup: model_signing did not write the in-model signature")


@case("symlink-file-inside")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    populate(m, ["real.bin", "sub/deep.bin"])
    os.symlink("real.bin", m / "link-to-real")                 # relative
    os.symlink("../real.bin", m / "sub" / "up-link")            # relative with ..
    os.symlink(str(m / "sub" / "deep.bin"), m / "abs-link")     # absolute, inside
    os.symlink("link-to-real", m / "chain")                      # link to link
    ctx.compare(m, symlinks=True, expect_resources=[
        "real.bin", "sub/deep.bin", "link-to-real", "sub/up-link", "abs-link", "chain"])


@case("symlink-file-outside")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    outside = write(pathlib.Path(tmp), "outside/weights.bin", content("outside") * 50)
    populate(m, ["config.json"])
    os.symlink(str(outside), m / "weights.bin")                 # absolute
    os.symlink("../outside/weights.bin", m / "rel-weights.bin")  # relative
    ctx.compare(m, symlinks=True,
                expect_resources=["config.json", "weights.bin", "rel-weights.bin"])


@case("symlink-dir-not-descended")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    keep = ["model.bin", "realdir/a", "realdir/sub/b"]
    populate(m, keep)
    write(pathlib.Path(tmp), "outside-dir/secret", content("outside-dir"))
    os.symlink("realdir", m / "linkdir")                        # dir inside the model
    os.symlink(str(pathlib.Path(tmp) / "outside-dir"), m / "linkout")  # dir outside
    os.symlink("..", m / "realdir" / "loop")                    # would loop if followed
    ctx.compare(m, symlinks=True, expect_resources=keep)


@case("symlink-mixed")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    outside = write(pathlib.Path(tmp), "ext/tokenizer.json", content("tok"))
    (pathlib.Path(tmp) / "ext" / "dir").mkdir()
    write(pathlib.Path(tmp), "ext/dir/hidden", content("hidden"))
    populate(m, ["Z", "a/b", "a.txt", "é.txt"])
    os.symlink("a.txt", m / "a b")
    os.symlink(str(outside), m / "a-b")
    os.symlink(str(pathlib.Path(tmp) / "ext" / "dir"), m / "a" / "c")
    ctx.compare(m, symlinks=True,
                expect_resources=["Z", "a/b", "a.txt", "é.txt", "a b", "a-b"])


@case("buffer-boundaries")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    rng = random.Random(0xA1B0)
    sizes = [1, 63, 64, 65, 4095, 4096, 4097, 8191, 8192, 8193, 65535, 65536, 65537,
             131072, 1048575, 1048576, 1048577]
    names = []
    for s in sizes:
        n = f"size-{s:08d}.bin"
        write(m, n, rng.randbytes(s))
        names.append(n)
    ctx.compare(m, expect_resources=names)


@case("large-file-3MiB")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    rng = random.Random(20240601)
    write(m, "model.safetensors", rng.randbytes(3 * 1024 * 1024 + 12345))
    write(m, "config.json", '{"arch": "test"}\n')
    ctx.compare(m, expect_resources=["model.safetensors", "config.json"])


@case("large-single-file-3MiB")
def _(ctx: Ctx, tmp: str) -> None:
    rng = random.Random(7)
    f = write(pathlib.Path(tmp), "model.bin", rng.randbytes(3 * 1024 * 1024))
    ctx.compare(f, expect_resources=["."])


@case("many-small-files-300")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    rng = random.Random(300)
    names = []
    for i in range(300):
        # a mix of flat files, shards and nested dirs with trap-ish names
        kind = i % 6
        if kind == 0:
            n = f"f{i}"
        elif kind == 1:
            n = f"shard-{i:05d}-of-00300.bin"
        elif kind == 2:
            n = f"layer.{i % 7}/w{i}"
        elif kind == 3:
            n = f"layer {i % 5}/b{i}.npy"
        elif kind == 4:
            n = f"layer-{i % 3}/sub/x{i}"
        else:
            n = f"F{i}.Bin"
        write(m, n, rng.randbytes(rng.randrange(0, 200)))
        names.append(n)
    ctx.compare(m, expect_resources=names)


@case("special-characters")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    names = [
        "colon:name", "back\\slash", "tab\tname", "new\nline", "quote'\"", "pct%41",
        "hash#", "star*", "brackets[1]", "comma,semi;", "trailing-space ",
        unicodedata.normalize("NFC", "café"),   # composed é
        unicodedata.normalize("NFD", "café"),   # decomposed e + U+0301 (distinct file)
        "Ω", "ß", "İ", "ı",
    ]
    populate(m, names)
    ctx.compare(m, expect_resources=names)


@case("relative-model-path")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    populate(m, ["model.bin", "sub/x"])
    oms = ctx.compare(m, expect_resources=["model.bin", "sub/x"])
    for arg in ["model", "./model/", "model/."]:
        got = ctx.aibom_digest(arg, cwd=pathlib.Path(tmp))
        if got != oms:
            raise CaseFailure(f"aibom digest {arg!r} (relative) gave {got} != {oms}")


@case("relative-model-path-with-ignore")
def _(ctx: Ctx, tmp: str) -> None:
    # aibom --ignore-paths are model-relative, independent of aibom's cwd
    m = new_model(tmp)
    populate(m, ["model.bin", "logs/a", "model.sig"])
    ctx.compare(m, ignore=["logs", "model.sig"], aibom_model_arg="model",
                aibom_cwd=pathlib.Path(tmp), expect_resources=["model.bin"])


# -- negative cases (aibom alone, model_signing as a sanity reference) ------


@case("reject-empty-directory")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    # model_signing happily signs the empty model (root = sha256 of nothing);
    # aibom must refuse it.
    ctx.expect_reject(m)


@case("reject-directory-with-only-empty-dirs")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    (m / "a" / "b").mkdir(parents=True)
    (m / "c").mkdir()
    ctx.expect_reject(m)


@case("reject-only-ignored-files")
def _(ctx: Ctx, tmp: str) -> None:
    # Empty after the ignore rules (default git paths + --ignore-paths) is
    # still an empty model.
    m = new_model(tmp)
    populate(m, [".git/HEAD", ".gitignore", "logs/a"])
    ctx.expect_reject(m, ignore=["logs"])


@case("reject-non-utf8-name")
def _(ctx: Ctx, tmp: str) -> None:
    # model_signing cannot encode such names into its manifest either.
    m = new_model(tmp)
    populate(m, ["a.bin"])
    try:
        with open(os.fsencode(m) + b"/\xff.bin", "wb") as f:
            f.write(b"x")
    except OSError:
        return  # filesystem refuses non-UTF-8 names: nothing to test
    cp = ctx.run_model_signing(m, pathlib.Path(tmp) / "x.sig")
    if cp.returncode == 0:
        raise CaseFailure("model_signing signed a non-UTF-8 name; aibom must then match it")
    ctx.expect_reject(m)


@case("reject-symlink-without-flag")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    populate(m, ["real.bin"])
    os.symlink("real.bin", m / "the-link-name")
    cp = ctx.run_model_signing(m, pathlib.Path(tmp) / "x.sig")
    if cp.returncode == 0:
        raise CaseFailure("test setup: model_signing accepted a symlink without --allow_symlinks")
    ctx.expect_reject(m, stderr_contains=["the-link-name"])


@case("reject-nested-symlink-without-flag")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    populate(m, ["real.bin", "sub/dir/x"])
    os.symlink("../../real.bin", m / "sub" / "dir" / "nested-link")
    ctx.expect_reject(m, stderr_contains=["nested-link"])


@case("reject-dir-symlink-without-flag")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    populate(m, ["real/x"])
    os.symlink("real", m / "dir-link")
    ctx.expect_reject(m, stderr_contains=["dir-link"])


@case("reject-broken-symlink-with-flag")
def _(ctx: Ctx, tmp: str) -> None:
    m = new_model(tmp)
    populate(m, ["real.bin"])
    os.symlink("does-not-exist", m / "dangling")
    cp = ctx.run_model_signing(m, pathlib.Path(tmp) / "x.sig", symlinks=True)
    if cp.returncode == 0:
        raise CaseFailure("test setup: model_signing accepted a dangling symlink")
    ctx.expect_reject(m, symlinks=True)


@case("reject-fifo")
def _(ctx: Ctx, tmp: str) -> None:
    if not hasattr(os, "mkfifo"):
        return
    m = new_model(tmp)
    populate(m, ["real.bin"])
    os.mkfifo(m / "pipe")
    cp = ctx.run_model_signing(m, pathlib.Path(tmp) / "x.sig")
    if cp.returncode == 0:
        raise CaseFailure("test setup: model_signing accepted a FIFO")
    ctx.expect_reject(m)


@case("reject-nonexistent-path")
def _(ctx: Ctx, tmp: str) -> None:
    ctx.expect_reject(pathlib.Path(tmp) / "no-such-model")


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------


def make_key(path: pathlib.Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ))
    path.chmod(0o600)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--aibom", required=True, help="path to the aibom binary")
    ap.add_argument("--model-signing", required=True, help="path to the model_signing CLI")
    ap.add_argument("-k", dest="filter", action="append", default=[],
                    help="only run cases whose name contains this substring (repeatable)")
    ap.add_argument("--list", action="store_true", help="list case names and exit")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)

    if args.list:
        for name, _ in CASES:
            print(name)
        return 0

    aibom = os.path.abspath(args.aibom) if os.sep in args.aibom else args.aibom
    ms = os.path.abspath(args.model_signing) if os.sep in args.model_signing else args.model_signing
    for what, p in (("aibom", aibom), ("model_signing", ms)):
        if os.sep in p and not os.access(p, os.X_OK):
            print(f"error: {what} not executable: {p}", file=sys.stderr)
            return 1

    selected = [(n, f) for n, f in CASES if not args.filter or any(s in n for s in args.filter)]
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="aibom-interop-key-") as keydir_s:
        keydir = pathlib.Path(os.path.realpath(keydir_s))
        key_path = keydir / "signing-key.pem"
        make_key(key_path)
        scratch = keydir / "cwd"
        scratch.mkdir()
        ctx = Ctx(aibom, ms, key_path, scratch, args.verbose)
        for name, fn in selected:
            ctx.diag = []
            try:
                with tempfile.TemporaryDirectory(prefix="aibom-interop-") as tmp:
                    fn(ctx, os.path.realpath(tmp))
            except CaseFailure as e:
                failed += 1
                print(f"FAIL {name}: {e}", flush=True)
                for line in ctx.diag:
                    print(f"    {line}", file=sys.stderr, flush=True)
            except Exception as e:  # harness bug or environment problem
                failed += 1
                print(f"FAIL {name}: harness error: {e!r}", flush=True)
                if args.verbose:
                    traceback.print_exc()
            else:
                passed += 1
                print(f"ok {name}", flush=True)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
