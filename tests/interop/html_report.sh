#!/usr/bin/env bash
# The HTML report (`aibom scan -o html`) in a real browser, and the Markdown summary (`-o markdown`) in a
# real Markdown renderer. Every report tests/summary.rs builds (each fixture model and a hostile one) is
# dumped with the facts a reader must find in it (AIBOM_REPORT_DUMP); models given as NAME=DIR (the real
# Hugging Face model run.sh fetched) are scanned here. tests/interop/html_report.mjs then opens each page
# over file:// in Debian's Chromium, driven by playwright-core, and checks: no console error, no request
# but the file itself, the key facts in the rendered text, the accessible structure, light, dark and
# print styles; screenshots (light and dark) and a PDF go to ${CARGO_TARGET_DIR:-target}/html-report/
# for CI to keep. The Markdown is rendered with markdown-it (GFM tables, raw HTML and linkify on, as
# GitHub allows them): only the summary's own tags, one cell per column, the key facts in the text.
#
#   bash tests/interop/html_report.sh AIBOM [NAME=MODEL_DIR ...]
#
# Chromium is Debian's package (/usr/bin/chromium), installed with apt-get when missing; that needs root
# (CI runs as root). Without it this script fails, saying so: it never skips. playwright-core and
# markdown-it come from the npm registry, pinned by tests/interop/html-report/package-lock.json (sha512
# integrity, checked by `npm ci`), installed into ${CARGO_TARGET_DIR:-target}/html-report-tools without
# install scripts; playwright-core downloads no browser. Nothing of them is committed.
set -euo pipefail

aibom="${1:?usage: html_report.sh AIBOM [NAME=MODEL_DIR ...]}"
shift
script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${script_dir}/../.." && pwd)"
cd "${repo_root}"

chromium="${AIBOM_CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "${chromium}" ]]; then
    if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
        echo "html-report: FAIL: Chromium is not installed at ${chromium} and this script cannot install it" \
             "(apt-get as root is needed: apt-get install -y chromium), or set AIBOM_CHROMIUM" >&2
        exit 1
    fi
    echo "html-report: installing Debian's chromium with apt-get" >&2
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }; then
        echo "html-report: FAIL: apt-get install chromium failed" >&2
        exit 1
    fi
    [[ -x "${chromium}" ]] || { echo "html-report: FAIL: no ${chromium} after apt-get install chromium" >&2; exit 1; }
fi
echo "html-report: $("${chromium}" --version 2>/dev/null | head -n 1)" >&2

command -v npm >/dev/null || { echo "html-report: FAIL: npm (Node.js) is needed for playwright-core" >&2; exit 1; }
target="${CARGO_TARGET_DIR:-target}"
mkdir -p "${target}"
target="$(cd "${target}" && pwd)"
tools="${target}/html-report-tools"
lock="tests/interop/html-report/package-lock.json"
stamp="${tools}/.aibom-lock.sha256"
want="$(sha256sum "${lock}" tests/interop/html-report/package.json | sha256sum | cut -d' ' -f1)"
if [[ ! -d "${tools}/node_modules/playwright-core" || "$(cat "${stamp}" 2>/dev/null)" != "${want}" ]]; then
    echo "html-report: installing the pinned playwright-core and markdown-it into ${tools}" >&2
    rm -rf "${tools}"
    mkdir -p "${tools}"
    cp tests/interop/html-report/package.json "${lock}" "${tools}/"
    (cd "${tools}" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
    echo "${want}" > "${stamp}"
fi

dump="${target}/interop-reports"
out="${target}/html-report"
rm -rf "${dump}" "${out}"
mkdir -p "${dump}" "${out}"
AIBOM_REPORT_DUMP="${dump}" cargo test --locked --quiet --test summary >/dev/null

models=()
for spec in "$@"; do
    models+=(--model "${spec}")
done
node tests/interop/html_report.mjs --tools "${tools}" --chromium "${chromium}" --aibom "${aibom}" \
    --dump "${dump}" --out "${out}" "${models[@]}"
