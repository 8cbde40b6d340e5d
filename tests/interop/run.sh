#!/usr/bin/env bash
# Interop suite: `aibom digest` vs. OpenSSF Model Signing (model_signing 1.1.1).
#
#   bash tests/interop/run.sh [extra args for digest_interop.py, e.g. -k symlink]
#
# Environment:
#   AIBOM_INTEROP_VENV  venv holding model_signing (default: target/interop-venv;
#                       created from tests/interop/requirements.txt if missing)
#   AIBOM_BIN           aibom binary to test (default: build with
#                       `cargo build --release --locked` and use target/release/aibom)
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${script_dir}/../.." && pwd)"
cd "${repo_root}"

venv="${AIBOM_INTEROP_VENV:-target/interop-venv}"
requirements="tests/interop/requirements.txt"

if [[ ! -x "${venv}/bin/python" || ! -x "${venv}/bin/model_signing" ]]; then
    echo "interop: creating venv at ${venv}" >&2
    if [[ ! -x "${venv}/bin/python" ]]; then
        python3 -m venv "${venv}"
    fi
    "${venv}/bin/python" -m pip install --quiet --disable-pip-version-check \
        -r "${requirements}"
fi

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

exec "${venv}/bin/python" tests/interop/digest_interop.py \
    --aibom "${aibom}" \
    --model-signing "${venv}/bin/model_signing" \
    "$@"
