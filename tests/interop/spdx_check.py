#!/usr/bin/env python3
"""Validate aibom's SPDX 3.0.1 output (`scan -o spdx-json`) with the official SPDX 3 Python bindings
(spdx-python-model, generated from the SPDX 3.0.1 model's SHACL) and, where the official model files are
at hand, SHACL validation against the SPDX 3.0.1 shapes (pyshacl).

Documents checked: (1) `aibom scan -o spdx-json` of every model directory under fixtures/, a
single-file model made here and every --model DIR (a real model directory, e.g. the one real_model.py
unpacks), each scanned twice for byte-identical output and once with SOURCE_DATE_EPOCH; (2) every document the Rust tests wrote to --dump-dir (tests/spdx.rs writes there when
AIBOM_SPDX_DUMP is set).

Per document:
- bindings: spdx_python_model.load_data() deserialises it (unknown types or properties, values of the wrong
  type and malformed IRIs raise; warnings are errors), every reference resolves (link() reports no missing
  id), and serialising the objects back (which enforces every required property) gives the same graph;
- profile conformance (AI and Dataset profiles, which SHACL does not encode): every ai_AIPackage and
  dataset_DatasetPackage is the `from` of exactly one hasDeclaredLicense and one hasConcludedLicense
  relationship, whose targets are licence information, and a dataset has at most one originator;
- SHACL (only with --spdx-model DIR, or AIBOM_SPDX_MODEL_DIR): the document is read as RDF with the
  official JSON-LD context (DIR/spdx-context.jsonld, used in place of the context URL, which is not
  fetched) and validated by pyshacl against the official shapes (DIR/spdx-model.ttl), as spdx3-validate
  does. No registry package ships these two files (spdx-python-model and spdx3-validate carry neither;
  spdx3-validate downloads them from spdx.org at run time), so without them this check is reported as
  skipped, never passed.

Prints `ok <case>` / `FAIL <case>: <detail>` and a closing `N passed, M failed` line; exits 1 on failure.
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import warnings

import spdx_python_model

REPO = pathlib.Path(__file__).resolve().parents[2]
LICENCE_RELATIONSHIPS = ("hasDeclaredLicense", "hasConcludedLicense")


def normalised(data: dict) -> dict:
    """The graph keyed by spdxId, with the CreationInfo blank-node label made neutral (the bindings
    relabel blank nodes when they write)."""
    labels = {n.get("@id") for n in data.get("@graph", []) if n.get("type") == "CreationInfo"}

    def fix(x):
        if isinstance(x, dict):
            return {k: fix(v) for k, v in x.items()}
        if isinstance(x, list):
            return [fix(v) for v in x]
        if isinstance(x, str) and x in labels:
            return "_:creationinfo"
        return x

    return {n.get("spdxId") or fix(n.get("@id")): fix(n) for n in data.get("@graph", [])}


def check_bindings(data: dict) -> list:
    problems = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            model, objset = spdx_python_model.load_data(data)
        except Exception as e:  # the bindings raise KeyError, TypeError, ValueError, ...
            return [f"spdx-python-model cannot read it: {type(e).__name__}: {e}"]
        missing = objset.link()
        if missing:
            problems.append(f"unresolved references: {sorted(missing)[:5]}")
        try:
            back = model.JSONLDSerializer().serialize_data(objset)
        except Exception as e:
            return problems + [f"spdx-python-model cannot write it back: {type(e).__name__}: {e}"]
    a, b = normalised(data), normalised(back)
    if set(a) != set(b):
        problems.append(f"nodes lost or added in a round trip: {sorted(set(a) ^ set(b))[:5]}")
    changed = [k for k in a if k in b and a[k] != b[k]]
    if changed:
        problems.append(f"nodes changed in a round trip (a property the bindings do not know?): {changed[:5]}")
    problems += check_profiles(model, objset)
    return problems


def check_profiles(model, objset) -> list:
    problems = []
    rel_type = {t: f"https://spdx.org/rdf/3.0.1/terms/Core/RelationshipType/{t}" for t in LICENCE_RELATIONSHIPS}
    counts = {}
    for r in objset.foreach_type(model.Relationship):
        for t, iri in rel_type.items():
            if r.relationshipType == iri:
                src = r.from_ if isinstance(r.from_, str) else r.from_._id
                counts[(src, t)] = counts.get((src, t), 0) + 1
                for x in r.to:
                    ok = (
                        isinstance(x, model.simplelicensing_AnyLicenseInfo)
                        or x == "https://spdx.org/rdf/3.0.1/terms/ExpandedLicensing/NoAssertionLicense"
                        or x == "https://spdx.org/rdf/3.0.1/terms/ExpandedLicensing/NoneLicense"
                    )
                    if not ok:
                        problems.append(f"{t} of {src} points at {x}, not licence information")
    for p in objset.foreach_type(model.dataset_DatasetPackage):
        if len(p.originatedBy) > 1:
            problems.append(f"dataset {p._id} has {len(p.originatedBy)} originators (the Dataset profile allows one)")
    for cls in (model.ai_AIPackage, model.dataset_DatasetPackage):
        for p in objset.foreach_type(cls):
            for t in LICENCE_RELATIONSHIPS:
                n = counts.get((p._id, t), 0)
                if n != 1:
                    problems.append(f"{cls.__name__} {p._id} has {n} {t} relationships (the profile wants exactly one)")
    return problems


class Shacl:
    """The official SPDX 3.0.1 shapes and context, when given."""

    def __init__(self, model_dir):
        self.model_dir = pathlib.Path(model_dir) if model_dir else None
        self.shapes = None
        self.context = None
        if self.model_dir:
            import rdflib

            self.shapes = rdflib.Graph()
            self.shapes.parse(str(self.model_dir / "spdx-model.ttl"))
            self.context = json.loads((self.model_dir / "spdx-context.jsonld").read_text())["@context"]

    def check(self, data: dict) -> list:
        import pyshacl
        import rdflib

        if data.get("@context") != "https://spdx.org/rdf/3.0.1/spdx-context.jsonld":
            return [f"unexpected @context {data.get('@context')!r}"]
        local = dict(data)
        local["@context"] = self.context
        g = rdflib.Graph()
        g.parse(data=json.dumps(local), format="json-ld")
        conforms, results, _ = pyshacl.validate(g, shacl_graph=self.shapes, ont_graph=self.shapes)
        if conforms:
            return []
        sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
        out = []
        for r in results.subjects(rdflib.RDF.type, sh.ValidationResult):
            out.append(
                "SHACL: {} {} {}: {}".format(
                    results.value(r, sh.focusNode),
                    results.value(r, sh.resultPath),
                    results.value(r, sh.value),
                    results.value(r, sh.resultMessage),
                )
            )
        return sorted(out) or ["SHACL: does not conform"]


def mutations(data: dict) -> list:
    """Broken copies of a good document, each of which a validator must reject (negative controls):
    (name, document, whether only SHACL can see it)."""
    import copy

    def of(d, t):
        return [n for n in d["@graph"] if n.get("type") == t]

    out = []

    def mutate(name, f, shacl_only=False):
        d = copy.deepcopy(data)
        if f(d) is not False:
            out.append((name, d, shacl_only))

    mutate("dataset-without-type", lambda d: [n.pop("dataset_datasetType") for n in of(d, "dataset_DatasetPackage")] or False)
    mutate("unknown-property", lambda d: of(d, "ai_AIPackage")[0].update({"ai_notAProperty": "x"}))
    mutate("dangling-reference", lambda d: of(d, "Relationship")[0]["to"].append(of(d, "SpdxDocument")[0]["spdxId"] + "#nowhere"))
    mutate("date-without-time", lambda d: of(d, "CreationInfo")[0].update({"created": "2024-01-01"}))
    mutate("unknown-hash-algorithm", lambda d: of(d, "software_File")[0]["verifiedUsing"][0].update({"algorithm": "sha257"}))

    def second_concluded(d):
        r = next(n for n in of(d, "Relationship") if n["relationshipType"] == "hasConcludedLicense")
        d["@graph"].append({**r, "spdxId": r["spdxId"] + "-again"})

    mutate("two-concluded-licences", second_concluded)
    # The context's `extension` term is also a Core property: as a profile name it expands to that property.
    mutate("extension-as-profile-name", lambda d: of(d, "SpdxDocument")[0]["profileConformance"].append("extension"), True)
    return out


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
    ap.add_argument("--model", action="append", default=[], help="another model directory to scan (repeatable)")
    ap.add_argument(
        "--spdx-model",
        default=os.environ.get("AIBOM_SPDX_MODEL_DIR"),
        help="directory with the official SPDX 3.0.1 spdx-model.ttl and spdx-context.jsonld (SHACL)",
    )
    args = ap.parse_args()
    shacl = Shacl(args.spdx_model)
    passed = failed = 0

    def report(name: str, problems: list) -> None:
        nonlocal passed, failed
        if problems:
            failed += 1
            print(f"FAIL {name}: " + "; ".join(problems[:8]))
        else:
            passed += 1
            print(f"ok {name}")

    def validate(text: str) -> list:
        try:
            data = json.loads(text)
        except ValueError as e:
            return [f"not JSON: {e}"]
        problems = check_bindings(data)
        if shacl.shapes is not None:
            problems += shacl.check(data)
        return problems

    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH" and not k.startswith("AIBOM_")}
    with tempfile.TemporaryDirectory() as tmp:
        single = pathlib.Path(tmp) / "model.gguf"
        single.write_bytes(b"GGUF\x03\x00\x00\x00")
        for d in model_dirs() + [single] + [pathlib.Path(m) for m in args.model]:
            cmd = [args.aibom, "scan", "-q", str(d), "-o", "spdx-json"]
            runs = [subprocess.run(cmd, capture_output=True, env=env) for _ in range(2)]
            dated = subprocess.run(cmd, capture_output=True, env={**env, "SOURCE_DATE_EPOCH": "1700000000"})
            for name, r in ((d.name, runs[0]), (f"{d.name}@epoch", dated)):
                if r.returncode != 0:
                    report(name, [f"exit {r.returncode}: {r.stderr.decode(errors='replace').strip()}"])
                    continue
                problems = validate(r.stdout.decode())
                if name == d.name and runs[0].stdout != runs[1].stdout:
                    problems.append("two runs gave different bytes")
                if name.endswith("@epoch") and b'"created": "2023-11-14T22:13:20Z"' not in r.stdout:
                    problems.append("SOURCE_DATE_EPOCH is not the document's created time")
                report(name, problems)

    if args.dump_dir:
        dumped = sorted(pathlib.Path(args.dump_dir).glob("*.spdx.json"))
        if not dumped:
            report("rust-test-documents", ["none in the dump dir (did tests/spdx.rs run with AIBOM_SPDX_DUMP?)"])
        for f in dumped:
            report(f"dump:{f.name}", validate(f.read_text()))

    # Negative controls: the validators must reject broken copies of a real document.
    r = subprocess.run([args.aibom, "scan", "-q", str(REPO / "fixtures/models/full-card"), "-o", "spdx-json"], capture_output=True, env=env)
    if r.returncode != 0:
        report("negative-controls", [f"exit {r.returncode}"])
    else:
        for name, broken, shacl_only in mutations(json.loads(r.stdout)):
            if shacl_only and shacl.shapes is None:
                continue
            problems = shacl.check(broken) if shacl_only else check_bindings(broken)
            report(f"negative-control:{name}", [] if problems else ["accepted, but it is broken"])

    if shacl.shapes is None:
        print(
            "note: SHACL skipped: no registry package ships the official SPDX 3.0.1 shapes and context "
            "(spdx-model.ttl, spdx-context.jsonld); set AIBOM_SPDX_MODEL_DIR to a directory holding both"
        )
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
