#!/usr/bin/env python3
"""Validate the SARIF logs of `aibom audit` (dumped by `tests/audit_sarif.rs` with AIBOM_SARIF_DUMP)
with three independent checks:

1. Microsoft's SARIF Multitool (`validate`, pinned in tests/interop/sarif/package-lock.json) with its
   SARIF rules and its GitHub code scanning rules (`--rule-kind "Sarif;Gh"`). It writes its findings as a
   SARIF log of its own (`--output`), which is read here: any error fails, and so does any warning not
   listed in EXPECTED_WARNINGS (each listed with why aibom does what it warns about).
2. The SARIF 2.1.0 JSON Schema shipped in the pinned multitool package, with `jsonschema` (format checks
   on, so every URI must be a valid URI reference).
3. GitHub code scanning's documented ingestion rules and limits (GITHUB_SARIF_DOC below) that neither
   of the above checks: at least one location with a URI per result, the fingerprint GitHub reads,
   description and name lengths, `security-severity` range, results / rules / tags / locations limits,
   and no `automationDetails` (it would override the `category` given to the upload action).

A negative control proves each check can fail: a log aibom wrote is broken on purpose (a rule without
help, a result without a location, an invalid URI) and every check must reject it.

Prints `ok <file>` / `FAIL <file>: <detail>` and a closing `N passed, M failed` line; exits 1 on failure.
"""
import argparse
import collections
import copy
import json
import pathlib
import subprocess
import sys
import tempfile

import jsonschema

GITHUB_SARIF_DOC = "docs.github.com: code-security/reference/code-scanning/sarif-files/sarif-support-for-code-scanning"

# Warnings the multitool gives on aibom's logs by design. Anything else is a failure.
EXPECTED_WARNINGS = {
    # aibom publishes no tool web page, so it names none (an invented URL would be worse).
    ("SARIF2005", "Warning_ProvideToolnformationUri"),
    # Model files are mostly binary and aibom knows no line numbers: a location has a region only when
    # a byte offset into the file is known; none is made up.
    ("SARIF2017", "Warning_MissingRegion"),
}

# GitHub code scanning limits (runs per file, results per run, rules per run, locations per result,
# tags per rule displayed) and lengths (shortDescription, fullDescription, name).
MAX_RUNS, MAX_RESULTS, MAX_RULES, MAX_LOCATIONS, MAX_TAGS = 20, 25_000, 25_000, 1_000, 10
MAX_DESCRIPTION, MAX_NAME = 1024, 255


def multitool(tool: pathlib.Path, log: pathlib.Path, out_dir: pathlib.Path):
    """Problems the multitool finds in `log` that are errors or unexpected warnings, and a count of
    everything it found."""
    out = out_dir / (log.stem + ".validation.sarif")
    proc = subprocess.run(
        [str(tool), "validate", str(log), "--output", str(out), "--log", "ForceOverwrite",
         "--rule-kind", "Sarif;Gh"],
        capture_output=True, text=True, timeout=120)
    if proc.returncode != 0 or not out.exists():
        return ([f"multitool exited {proc.returncode}: {proc.stdout[-2000:]}{proc.stderr[-2000:]}"],
                collections.Counter())
    report = json.loads(out.read_text(encoding="utf-8-sig"))
    problems, seen = [], collections.Counter()
    for run in report["runs"]:
        for inv in run.get("invocations", []):
            if not inv.get("executionSuccessful", False):
                problems.append("multitool: execution not successful")
            for n in inv.get("toolExecutionNotifications", []) + inv.get("toolConfigurationNotifications", []):
                if n.get("level", "warning") in ("error", "warning"):
                    problems.append(f"multitool notification: {n['message'].get('text')}")
        for r in run.get("results", []):
            level = r.get("level", "warning")  # SARIF's default level
            key = (r["ruleId"], r["message"].get("id"))
            seen[(level,) + key] += 1
            text = r["message"].get("text") or " ".join(r["message"].get("arguments", []))
            if level == "error" or (level == "warning" and key not in EXPECTED_WARNINGS):
                problems.append(f"{level} {key[0]} ({key[1]}): {text}")
    return problems, seen


def schema_validator(path: pathlib.Path):
    schema = json.loads(path.read_text(encoding="utf-8-sig"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_errors(validator, log: dict) -> list[str]:
    return [f"schema: {'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(log)]


def github_errors(log: dict) -> list[str]:
    """GitHub code scanning's documented requirements and limits (GITHUB_SARIF_DOC)."""
    errs = []
    if log.get("$schema") != "https://json.schemastore.org/sarif-2.1.0.json":
        errs.append(f"$schema is {log.get('$schema')!r}, not the URI GitHub documents")
    if log.get("version") != "2.1.0":
        errs.append("version is not 2.1.0")
    runs = log.get("runs", [])
    if not 1 <= len(runs) <= MAX_RUNS:
        errs.append(f"{len(runs)} runs")
    for i, run in enumerate(runs):
        driver = run["tool"]["driver"]
        rules = driver.get("rules")
        if not driver.get("name") or rules is None:
            errs.append(f"runs[{i}]: tool.driver needs a name and a rules array")
            continue
        if "automationDetails" in run:
            errs.append(f"runs[{i}]: automationDetails would override the upload's category")
        if len(rules) > MAX_RULES or len(run["results"]) > MAX_RESULTS:
            errs.append(f"runs[{i}]: {len(rules)} rules, {len(run['results'])} results")
        for j, rule in enumerate(rules):
            where = f"runs[{i}].rules[{j}] ({rule.get('id')})"
            for field in ("shortDescription", "fullDescription", "help"):
                text = rule.get(field, {}).get("text", "")
                if not text.strip():
                    errs.append(f"{where}: {field}.text is required and not empty")
                elif field != "help" and len(text) > MAX_DESCRIPTION:
                    errs.append(f"{where}: {field}.text longer than {MAX_DESCRIPTION}")
            if len(rule.get("name", "")) > MAX_NAME:
                errs.append(f"{where}: name longer than {MAX_NAME}")
            props = rule.get("properties", {})
            tags = props.get("tags", [])
            if len(tags) > MAX_TAGS or len(set(tags)) != len(tags):
                errs.append(f"{where}: tags {tags}")
            if "security-severity" in props:
                score = float(props["security-severity"])
                if not isinstance(props["security-severity"], str) or not 0.0 < score <= 10.0:
                    errs.append(f"{where}: security-severity {props['security-severity']!r}")
                if "security" not in tags:
                    errs.append(f"{where}: a security-severity without the security tag")
            level = rule.get("defaultConfiguration", {}).get("level", "warning")
            if level not in ("note", "warning", "error"):
                errs.append(f"{where}: defaultConfiguration.level {level}")
        for j, res in enumerate(run["results"]):
            where = f"runs[{i}].results[{j}] ({res.get('ruleId')})"
            if not res.get("message", {}).get("text", "").strip():
                errs.append(f"{where}: message.text is required")
            idx = res.get("ruleIndex")
            if idx is None or not 0 <= idx < len(rules) or rules[idx]["id"] != res.get("ruleId"):
                errs.append(f"{where}: ruleIndex does not point at its rule")
            locs = res.get("locations") or []
            if not 1 <= len(locs) <= MAX_LOCATIONS:
                errs.append(f"{where}: {len(locs)} locations (GitHub rejects a result without one)")
            for loc in locs:
                uri = loc.get("physicalLocation", {}).get("artifactLocation", {}).get("uri", "")
                if not uri:
                    errs.append(f"{where}: a location without physicalLocation.artifactLocation.uri")
            if not res.get("partialFingerprints", {}).get("primaryLocationLineHash"):
                errs.append(f"{where}: no partialFingerprints.primaryLocationLineHash")
    return errs


def check(log_path, tool, validator, out_dir):
    log = json.loads(log_path.read_text(encoding="utf-8"))
    problems, seen = multitool(tool, log_path, out_dir)
    problems += schema_errors(validator, log)
    problems += github_errors(log)
    return problems, seen


def broken(log: dict) -> dict:
    """`log` with a rule without help, a result without locations, and an invalid URI."""
    bad = copy.deepcopy(log)
    run = bad["runs"][0]
    del run["tool"]["driver"]["rules"][0]["help"]
    run["results"][0]["locations"] = []
    run["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "no file: a b#c#d"
    return bad


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--multitool", required=True, type=pathlib.Path)
    ap.add_argument("--schema", required=True, type=pathlib.Path)
    ap.add_argument("--dump-dir", required=True, type=pathlib.Path)
    args = ap.parse_args()

    logs = sorted(args.dump_dir.glob("*.sarif"))
    passed = failed = 0
    if not logs:
        print(f"FAIL no SARIF logs in {args.dump_dir}")
        print("sarif-validate: 0 passed, 1 failed")
        return 1
    validator = schema_validator(args.schema)
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = pathlib.Path(tmp)
        total = collections.Counter()
        for log_path in logs:
            problems, seen = check(log_path, args.multitool, validator, out_dir)
            total.update(seen)
            if problems:
                failed += 1
                print(f"FAIL {log_path.name}: " + "\n    ".join(problems))
            else:
                passed += 1
                print(f"ok {log_path.name}")
        print("  multitool findings on aibom's logs (level, rule, message): "
              + ", ".join(f"{k[0]} {k[1]} {k[2]} x{v}" for k, v in sorted(total.items())))

        # Negative control: each check must reject a broken log.
        control = out_dir / "control.sarif"
        source = next((p for p in logs if p.name == "directory.sarif"), logs[0])
        control.write_text(json.dumps(broken(json.loads(source.read_text()))))
        tool_problems, _ = multitool(args.multitool, control, out_dir)
        bad = json.loads(control.read_text())
        verdicts = {
            "multitool": any(p.startswith("error") for p in tool_problems),
            "schema": bool(schema_errors(validator, bad)),
            "github rules": bool(github_errors(bad)),
        }
        if all(verdicts.values()):
            passed += 1
            print("ok negative control: every check rejects a broken log")
        else:
            failed += 1
            print(f"FAIL negative control: not rejected by {[k for k, v in verdicts.items() if not v]}")
    print(f"sarif-validate: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
