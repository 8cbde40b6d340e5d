#!/usr/bin/env bash
# The SARIF output of `aibom audit` vs. real validators: every log tests/audit_sarif.rs builds is dumped
# (AIBOM_SARIF_DUMP) and checked by tests/interop/sarif_validate.py with Microsoft's SARIF Multitool
# (its SARIF and GitHub code scanning rules), the SARIF 2.1.0 JSON Schema the multitool package ships
# (with jsonschema) and GitHub's documented ingestion limits.
#
#   bash tests/interop/sarif_check.sh PYTHON     (PYTHON: an interpreter with jsonschema, as run.sh has)
#
# The multitool comes from the npm registry: tests/interop/sarif/package.json depends on the Linux
# build of @microsoft/sarif-multitool 5.7.0 (@microsoft/sarif-multitool-linux, a self-contained .NET
# executable that also ships the SARIF 2.1.0 schema) directly rather than through the wrapper package,
# whose platform builds are optional dependencies that npm skips, silently, when one fails its
# integrity check. package-lock.json pins it by version and sha512 integrity, which `npm ci` checks.
# It is installed into ${CARGO_TARGET_DIR:-target}/sarif-multitool (again when the lock changes)
# without running install scripts: the package's only marks the executable, which is done here.
# Nothing of it is committed.
set -euo pipefail

python="${1:?usage: sarif_check.sh PYTHON}"
script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${script_dir}/../.." && pwd)"
cd "${repo_root}"

command -v npm >/dev/null || { echo "sarif-check: npm (Node.js) is needed to install the SARIF Multitool" >&2; exit 1; }
target="${CARGO_TARGET_DIR:-target}"
mkdir -p "${target}"
target="$(cd "${target}" && pwd)"
tools="${target}/sarif-multitool"
lock="tests/interop/sarif/package-lock.json"
stamp="${tools}/.aibom-lock.sha256"
want="$(sha256sum "${lock}" tests/interop/sarif/package.json | sha256sum | cut -d' ' -f1)"
package="${tools}/node_modules/@microsoft/sarif-multitool-linux"
multitool="${package}/Sarif.Multitool"
if [[ ! -f "${multitool}" || "$(cat "${stamp}" 2>/dev/null)" != "${want}" ]]; then
    echo "sarif-check: installing the pinned SARIF Multitool into ${tools}" >&2
    rm -rf "${tools}"
    mkdir -p "${tools}"
    cp tests/interop/sarif/package.json "${lock}" "${tools}/"
    (cd "${tools}" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
    [[ -f "${multitool}" && -f "${package}/sarif-2.1.0.json" ]] \
        || { echo "sarif-check: npm ci did not install ${multitool}" >&2; exit 1; }
    echo "${want}" > "${stamp}"
fi
chmod u+x "${multitool}"
echo "sarif-check: $("${multitool}" --version 2>&1 | head -n 1)" >&2

dump="${target}/interop-sarif"
rm -rf "${dump}"
AIBOM_SARIF_DUMP="${dump}" cargo test --locked --quiet --test audit_sarif >/dev/null
"${python}" tests/interop/sarif_validate.py --multitool "${multitool}" \
    --schema "${package}/sarif-2.1.0.json" --dump-dir "${dump}"
