#!/usr/bin/env python3
"""Helpers for scripts/bench.sh (standard library only).

Subcommands:
  spec KIND                      print the expected "relpath<TAB>size" list of a tree
  gen-aux KIND DIR               write every file of the tree except the large shards
  big-shards                     print "relpath<TAB>size<TAB>seed" for the large shards
  verify KIND DIR                exit 0 iff DIR holds exactly the files/sizes of spec
  totals KIND                    print "<file count> <total bytes>" of a tree
  version                        print the tree-layout version (for the stamp files)
  openssl-rate                   parse `openssl speed -evp sha256` output (stdin),
                                 print the 16384-byte column in bytes/s
  bundle-digest BUNDLE           print the subject[0].digest.sha256 of a model_signing
                                 bundle (dsseEnvelope.payload, base64 JSON statement)
  report RESULTS META            render the markdown tables and targets
"""

import base64
import json
import os
import struct
import random
import sys

MIB = 1 << 20
KIND_VERSION = "aibom-bench-trees-v1"

BIG_SHARD_COUNT = 4
BIG_SHARD_SIZE = 512 * MIB
BIG_AUX_COUNT = 200
SMALL_COUNT = 20_000
SMALL_SIZE = 4096
SMALL_DIRS = 100

_NAMED_AUX = [
    "config.json",
    "generation_config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "model.safetensors.index.json",
    "README.md",
    "LICENSE.txt",
    "vocab.txt",
    "merges.txt",
    "chat_template.jinja",
    "added_tokens.json",
]


def _aux_sizes():
    """Deterministic sizes, uniform in [200 B, 64 KiB]."""
    rng = random.Random(0xA1B0)
    return [rng.randint(200, 64 * 1024) for _ in range(BIG_AUX_COUNT)]


def _big_aux():
    sizes = _aux_sizes()
    names = list(_NAMED_AUX)
    exts = [".json", ".txt", ".json", ".md", ".bin"]
    subdirs = ["assets", "docs", "eval", "tokenizer_extra"]
    i = 0
    while len(names) < BIG_AUX_COUNT:
        sub = subdirs[i % len(subdirs)]
        ext = exts[i % len(exts)]
        names.append(f"{sub}/part-{i:03d}{ext}")
        i += 1
    return list(zip(names, sizes))


def big_shards():
    n = BIG_SHARD_COUNT
    return [
        (f"model-{k:05d}-of-{n:05d}.safetensors", BIG_SHARD_SIZE, k)
        for k in range(1, n + 1)
    ]


def spec(kind):
    if kind == "big":
        files = [(p, s) for p, s, _ in big_shards()] + _big_aux()
    elif kind == "small":
        files = [
            (f"dir-{i % SMALL_DIRS:03d}/file-{i:05d}.bin", SMALL_SIZE)
            for i in range(SMALL_COUNT)
        ]
    else:
        raise SystemExit(f"unknown tree kind {kind!r}")
    return sorted(files)


def gen_aux(kind, root):
    if kind == "big":
        files, seed = _big_aux(), 0xB16
    else:
        files, seed = spec("small"), 0x5A11
    rng = random.Random(seed)
    made = set()
    for rel, size in files:
        path = os.path.join(root, rel)
        d = os.path.dirname(path)
        if d not in made:
            os.makedirs(d, exist_ok=True)
            made.add(d)
        with open(path, "wb") as f:
            f.write(rng.randbytes(size))


def stamp_headers(root):
    """Give each big shard a valid safetensors header (one U8 tensor covering the rest of the file), so
    `aibom scan` reads real headers. Rewrites only the first 136 bytes; sizes are unchanged."""
    header_len = 128
    for rel, size, _ in big_shards():
        n = size - 8 - header_len
        header = json.dumps({"__metadata__": {"format": "pt"},
                             "weight": {"dtype": "U8", "shape": [n], "data_offsets": [0, n]}},
                            separators=(",", ":")).encode()
        assert len(header) <= header_len
        with open(os.path.join(root, rel), "r+b") as f:
            f.write(struct.pack("<Q", header_len) + header.ljust(header_len, b" "))


def scan(root):
    out = []
    stack = [root]
    while stack:
        d = stack.pop()
        with os.scandir(d) as it:
            for e in it:
                if e.is_dir(follow_symlinks=False):
                    stack.append(e.path)
                else:
                    rel = os.path.relpath(e.path, root).replace(os.sep, "/")
                    out.append((rel, e.stat(follow_symlinks=False).st_size))
    return sorted(out)


def verify(kind, root):
    if not os.path.isdir(root):
        return 1
    return 0 if scan(root) == spec(kind) else 1


def openssl_rate(text):
    header = None
    for line in text.splitlines():
        toks = line.split()
        if toks[:1] == ["type"]:
            # "type 16 bytes 64 bytes ... 16384 bytes"
            header = [int(t) for t in toks[1:] if t.isdigit()]
        elif header and toks[:1] == ["sha256"]:
            vals = toks[1:]
            v = vals[header.index(16384)]
            mult = 1000.0 if v.endswith("k") else 1.0
            return float(v.rstrip("k")) * mult
    raise SystemExit("could not parse `openssl speed` output")


def bundle_digest(path):
    with open(path, "rb") as f:
        bundle = json.load(f)
    payload = base64.b64decode(bundle["dsseEnvelope"]["payload"])
    stmt = json.loads(payload)
    return stmt["subject"][0]["digest"]["sha256"]


# --------------------------------------------------------------------------
# report


def _load_kv(path):
    meta = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if "=" in line:
                k, v = line.split("=", 1)
                meta[k] = v
    return meta


def _fmt(x, nd=3):
    return "n/a" if x is None else f"{x:.{nd}f}"


def _mark(ok):
    # No measurement (a tool failed) counts as FAIL; "info" rows have no target.
    if ok == "info":
        return "INFO"
    return "PASS" if ok else "FAIL"


def _contended(run, nproc):
    """A run during which other processes used a noticeable share of the CPUs."""
    wall, _rss, _rc, foreign = run
    return foreign > 0.05 + 0.1 * wall * nproc


def report(results_path, meta_path):
    meta = _load_kv(meta_path)
    # results: tree tool run wall_s rss_kib rc
    runs = {}
    order = {}
    with open(results_path) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 7:
                continue
            tree, tool, _run, wall, rss, rc, foreign = parts
            order.setdefault(tree, [])
            if tool not in order[tree]:
                order[tree].append(tool)
            runs.setdefault((tree, tool), []).append(
                (float(wall), int(rss), int(rc), float(foreign)))

    nproc = int(meta["nproc"])
    rate = float(meta["openssl_rate"])
    print(f"machine: {meta['cpu']} | nproc={nproc} | sha_ni={meta['sha_ni']} | "
          f"kernel {meta['kernel']} | loadavg at start {meta.get('loadavg', '?')}")
    print(f"openssl: {meta['openssl_version']} | single-core sha256 (16 KiB blocks) = "
          f"{rate / 1e9:.3f} GB/s")
    print(f"aibom: {meta['aibom_bin']} | runs per tool = {meta['runs']} (best wall kept; "
          f"peak RSS = max over runs)")
    print(f"openssl/sha256sum: find | sort by size desc | xargs -0 -P {nproc} -n <batch> "
          f"(peak RSS is the largest single process)")
    print("wall = nanosecond clock around `/usr/bin/time -f '%e %M %U %S'`, page cache warm; "
          "ratio vs aibom = tool wall / aibom wall (>1 = slower than aibom); "
          "limit = total_bytes / (min(nproc, files) x single-core rate); "
          "clean runs = runs without foreign CPU load (> 0.05 s + 10% of wall x nproc), "
          "best wall is taken over clean runs when there are any")
    print()

    targets = []
    for tree in order:
        total = int(meta[f"{tree}_bytes"])
        count = int(meta[f"{tree}_files"])
        batch = meta.get(f"{tree}_batch", "?")
        limit = total / (min(nproc, count) * rate)
        print(f"### tree `{tree}`: {count} files, {total} bytes "
              f"({total / 1e9:.3f} GB), xargs batch -n {batch}")
        print()
        best = {}
        clean_note = {}
        for tool in order[tree]:
            rs = runs[(tree, tool)]
            ok = [r for r in rs if r[2] == 0]
            clean = [r for r in ok if not _contended(r, nproc)]
            clean_note[tool] = f"{len(clean)}/{len(rs)}"
            if ok:
                pool = clean or ok
                best[tool] = (min(r[0] for r in pool), max(r[1] for r in ok) / 1024.0)
                if not clean:
                    clean_note[tool] += " (all contended!)"
            else:
                best[tool] = None
        a = best.get("aibom")
        print("| tool | wall s (best) | peak RSS MiB | GB/s | ratio vs aibom | clean runs |")
        print("|---|---:|---:|---:|---:|---:|")
        for tool in order[tree]:
            b = best[tool]
            if b is None:
                rcs = ",".join(str(r[2]) for r in runs[(tree, tool)])
                print(f"| {tool} | ERROR (rc={rcs}) | - | - | - | - |")
                continue
            wall, rss = b
            gbs = total / wall / 1e9 if wall > 0 else float("inf")
            ratio = f"{wall / a[0]:.2f}x" if a else "n/a"
            print(f"| {tool} | {wall:.3f} | {rss:.1f} | {gbs:.3f} | {ratio} | "
                  f"{clean_note[tool]} |")
        lratio = f"{limit / a[0]:.2f}x" if a else "n/a"
        print(f"| *limit* | {limit:.3f} | - | {total / limit / 1e9:.3f} | {lratio} | - |")
        print()

        ms = best.get("model_signing")
        if tree == "big":
            r = a[0] / limit if a else None
            targets.append((f"big: aibom wall / limit = {_fmt(r)} (target <= 1.1)",
                            None if r is None else r <= 1.1))
            if "model_signing" in order[tree]:
                s = ms[0] / a[0] if (a and ms) else None
                ceil = _fmt(ms[0] / limit, 2) if ms else "n/a"
                targets.append((f"big: model_signing / aibom = {_fmt(s, 2)}x "
                                f"(target >= 1.8; ceiling if aibom ran at the limit: "
                                f"{ceil}x)", None if s is None else s >= 1.8))
        if tree == "small" and "model_signing" in order[tree]:
            s = ms[0] / a[0] if (a and ms) else None
            ceil = _fmt(ms[0] / limit, 2) if ms else "n/a"
            targets.append((f"small: model_signing / aibom = {_fmt(s, 2)}x "
                            f"(target >= 3; ceiling if aibom ran at the limit: "
                            f"{ceil}x)", None if s is None else s >= 3))
        for tool, what in (("aibom-scan", "scan (headers + BOM)"), ("aibom-sign", "sign"),
                           ("aibom-verify", "verify")):
            sc = best.get(tool)
            if a and sc:
                r = sc[0] / a[0]
                # The 5 % budget is the AIBOM issue's, on the big tree; on 20,000 tiny files the
                # per-file work (BOM components, analyses) dominates and the ratio is only reported.
                ok = (r <= 1.05) if tree == "big" else "info"
                goal = "target <= 1.05" if tree == "big" else "reported"
                targets.append((f"{tree}: aibom {what} / aibom digest = {r:.3f} ({goal})", ok))
        rss = a[1] if a else None
        targets.append((f"{tree}: aibom peak RSS = {_fmt(rss, 1)} MiB (target <= 64)",
                        None if rss is None else rss <= 64))

    print("### targets")
    print()
    for text, ok in targets:
        print(f"- [{_mark(ok)}] {text}")
    print()
    print("### digest cross-check (aibom digest vs model_signing subject digest)")
    print()
    for tree in order:
        ad = meta.get(f"{tree}_aibom_digest", "")
        md = meta.get(f"{tree}_ms_digest", "")
        if not md:
            print(f"- {tree}: model_signing skipped/failed; aibom = {ad or 'n/a'}")
            continue
        ok = ad.removeprefix("sha256:") == md and bool(ad)
        print(f"- [{'MATCH' if ok else 'MISMATCH'}] {tree}: aibom = {ad or 'n/a'}, "
              f"model_signing = sha256:{md}")


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    cmd, args = argv[1], argv[2:]
    if cmd == "spec":
        for rel, size in spec(args[0]):
            print(f"{rel}\t{size}")
    elif cmd == "big-shards":
        for rel, size, seed in big_shards():
            print(f"{rel}\t{size}\t{seed}")
    elif cmd == "stamp-headers":
        stamp_headers(args[0])
    elif cmd == "gen-aux":
        gen_aux(args[0], args[1])
    elif cmd == "verify":
        return verify(args[0], args[1])
    elif cmd == "version":
        print(KIND_VERSION)
    elif cmd == "totals":
        s = spec(args[0])
        print(len(s), sum(size for _, size in s))
    elif cmd == "openssl-rate":
        print(f"{openssl_rate(sys.stdin.read()):.0f}")
    elif cmd == "bundle-digest":
        print(bundle_digest(args[0]))
    elif cmd == "report":
        report(args[0], args[1])
    else:
        raise SystemExit(f"unknown subcommand {cmd!r}\n{__doc__}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
