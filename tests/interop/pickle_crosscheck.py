"""Cross-check aibom's pickle walker against Python's own pickle tooling.

Two sets of pickles:
  1. written here with the standard `pickle` module (dumps only: nothing is ever loaded), protocols 0-5,
     from objects whose __reduce__ names os.system, subprocess, eval, exec, runpy, builtins.getattr
     chains, plus clean state-dict-shaped data and a case where STACK_GLOBAL's strings come from the memo;
  2. the raw pickles of the Rust corpus (tests/security.rs, dumped with AIBOM_SECURITY_DUMP=dir), which
     are built byte by byte, so this also checks they are pickles Python itself would read.

For each file, `pickletools.genops` lists the opcodes; an independent symbolic stack driven by
pickletools' own opcode metadata (stack_before / stack_after) resolves STACK_GLOBAL through the memo.
The (opcode, offset, module, name) imports must equal what `examples/pickle_walk` reports, and a stream
pickletools rejects must be one aibom reports an anomaly for.

    python3 pickle_crosscheck.py --walker target/debug/examples/pickle_walk [--corpus DIR]
"""

import argparse
import collections
import io
import json
import os
import pickle
import pickletools
import subprocess
import sys
import tempfile


class Call:
    """Pickles as a call of `func(*args)` without ever being called here."""

    def __init__(self, func, args):
        self.func, self.args = func, args

    def __reduce__(self):
        return (self.func, self.args)


def python_corpus():
    import builtins
    import runpy

    out = {}
    for proto in range(0, 6):
        out[f"os_system_p{proto}.pkl"] = pickle.dumps(Call(os.system, ("id",)), protocol=proto)
        out[f"subprocess_p{proto}.bin"] = pickle.dumps(
            Call(subprocess.check_output, (["id"],)), protocol=proto)
        out[f"eval_p{proto}.pt"] = pickle.dumps(Call(eval, ("1+1",)), protocol=proto)
        out[f"exec_p{proto}.ckpt"] = pickle.dumps(Call(exec, ("x=1",)), protocol=proto)
        out[f"runpy_p{proto}"] = pickle.dumps(Call(runpy.run_path, ("x.py",)), protocol=proto)
        inner = Call(builtins.__import__, ("os",))
        out[f"getattr_chain_p{proto}.pkl"] = pickle.dumps(
            Call(getattr, (inner, "system")), protocol=proto)
        state = collections.OrderedDict(
            [("layer.weight", [1.0, 2.0]), ("layer.bias", (0.5,)), ("meta", {"v": 1, "s": {1, 2}})])
        out[f"clean_state_p{proto}.pkl"] = pickle.dumps(state, protocol=proto)
        # The module and name strings appear first as data, so protocol 4+ fetches them from the memo
        # for STACK_GLOBAL.
        out[f"memo_strings_p{proto}.pkl"] = pickle.dumps(
            ["posix", "system", Call(os.system, ("id",))], protocol=proto)
        # Stacked pickles, as several pickle.dump calls on one file write them.
        out[f"stacked_p{proto}.pkl"] = pickle.dumps({"a": 1}, protocol=proto) + pickle.dumps(
            Call(os.system, ("id",)), protocol=proto)
    return out


def reference(data):
    """(imports, unresolved, error) for a stream, following stacked pickles like aibom does."""
    imports = []
    unresolved = 0
    f = io.BytesIO(data)
    error = None
    while f.tell() < len(data):
        start = f.tell()
        stack, memo = [], {}
        try:
            for op, arg, pos in pickletools.genops(f):
                name = op.name
                if name in ("GLOBAL", "INST"):
                    m, n = arg.split(" ", 1)
                    imports.append((name, pos, m, n))
                if name == "STACK_GLOBAL":
                    n = stack.pop() if stack else None
                    m = stack.pop() if stack else None
                    if isinstance(m, str) and isinstance(n, str) and m != "<mark>" and n != "<mark>":
                        imports.append((name, pos, m, n))
                    else:
                        unresolved += 1
                    stack.append(None)
                    continue
                if name in ("EXT1", "EXT2", "EXT4"):
                    unresolved += 1
                if name in ("PUT", "BINPUT", "LONG_BINPUT"):
                    memo[arg] = stack[-1] if stack else None
                    continue
                if name == "MEMOIZE":
                    memo[len(memo)] = stack[-1] if stack else None
                    continue
                if name in ("GET", "BINGET", "LONG_BINGET"):
                    stack.append(memo.get(arg))
                    continue
                if name in ("STRING", "BINSTRING", "SHORT_BINSTRING", "UNICODE", "BINUNICODE",
                            "SHORT_BINUNICODE", "BINUNICODE8"):
                    stack.append(arg if isinstance(arg, str) else None)
                    continue
                # Generic: consume what the opcode takes, push what it leaves.
                before = op.stack_before
                if pickletools.markobject in before:
                    while stack and stack[-1] != "<mark>":
                        stack.pop()
                    if stack:
                        stack.pop()
                    before = [b for b in before if b not in (pickletools.markobject, pickletools.stackslice)]
                for _ in before:
                    if stack:
                        stack.pop()
                for a in op.stack_after:
                    stack.append("<mark>" if a is pickletools.markobject else None)
        except Exception as e:  # noqa: BLE001 - any rejection counts
            error = f"{type(e).__name__} at {start}: {e}"
            break
        if f.tell() == start:
            break
    return imports, unresolved, error


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--walker", required=True)
    ap.add_argument("--corpus", help="directory of raw pickles dumped by tests/security.rs")
    args = ap.parse_args()
    files = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in python_corpus().items():
            p = os.path.join(tmp, name)
            with open(p, "wb") as fh:
                fh.write(data)
            files[p] = ("python", name)
        if args.corpus:
            for name in sorted(os.listdir(args.corpus)):
                files[os.path.join(args.corpus, name)] = ("rust", name)
        out = subprocess.run([args.walker, *files], check=True, capture_output=True, text=True).stdout
        reports = {r["file"]: r for r in map(json.loads, out.splitlines())}
        passed = failed = 0
        for path, (origin, name) in files.items():
            with open(path, "rb") as fh:
                data = fh.read()
            want, unresolved, error = reference(data)
            r = reports[path]
            got = [(i["opcode"], i["offset"], i["module"], i["name"]) for i in r["imports"]]
            anomalies = [a["code"] for a in r["anomalies"]]
            got_unresolved = anomalies.count("pickle-unresolved-global")
            anomalies = [a for a in anomalies if a != "pickle-unresolved-global"]
            if error:
                ok = bool(anomalies) and got[: len(want)] == want
                detail = f"pickletools: {error}; aibom: {anomalies}"
            else:
                ok = got == want and not anomalies and got_unresolved == unresolved
                detail = f"{len(want)} imports, {unresolved} unresolved"
            if ok:
                passed += 1
                print(f"ok   {origin}/{name}: {detail}")
            else:
                failed += 1
                print(f"FAIL {origin}/{name}: want {want} got {got}; anomalies {anomalies}; {detail}")
    print(f"pickle-crosscheck: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
