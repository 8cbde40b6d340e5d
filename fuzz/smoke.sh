#!/usr/bin/env bash
# Fuzz smoke run: every target for a bounded time with an allocation cap, seeded from the repository's
# fixtures and the security corpus. Works with only stable Rust and crates.io: cargo-fuzz is installed
# pinned when missing, and nightly flags are enabled on stable with RUSTC_BOOTSTRAP=1 when no nightly
# toolchain is installed.
#
#   bash fuzz/smoke.sh [SECONDS_PER_TARGET] [extra libFuzzer flags...]
#
# Environment: FUZZ_TARGETS (space-separated subset), FUZZ_SANITIZER (default: address).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"

secs="${1:-20}"
shift || true
cargo_fuzz_version="0.13.1"

if ! cargo fuzz --version 2>/dev/null | grep -q "${cargo_fuzz_version}"; then
    echo "fuzz: installing cargo-fuzz ${cargo_fuzz_version}" >&2
    cargo install cargo-fuzz --version "${cargo_fuzz_version}" --locked --quiet
fi

toolchain=()
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    toolchain=(+nightly)
else
    export RUSTC_BOOTSTRAP=1
fi

# Seeds: never committed; made from the fixtures and the security corpus at run time.
seeds="${CARGO_TARGET_DIR:-${root}/target}/fuzz-seeds"
rm -rf "${seeds}"
mkdir -p "${seeds}"/{pickle,safetensors,gguf,onnx,zip,card,croissant,tar}
AIBOM_SECURITY_DUMP="${seeds}/pickle" cargo test --locked --quiet --test security corpus >/dev/null
tail -c +9 fixtures/tiny-model/model.safetensors > "${seeds}/safetensors/tiny"
cp fixtures/formats/tiny.gguf "${seeds}/gguf/"
cp fixtures/formats/*.onnx "${seeds}/onnx/"
cp fixtures/tiny-model/README.md "${seeds}/card/"
find fixtures/models -name 'README.md' | head -20 | while read -r f; do
    cp "$f" "${seeds}/card/$(echo "$f" | tr '/' '_')"
done
find fixtures -name '*.json' | grep -i croissant | while read -r f; do
    cp "$f" "${seeds}/croissant/$(basename "$f")"
done
python3 - "${seeds}/zip" <<'PY'
import io, sys, zipfile, pickle, os
d = sys.argv[1]
def z(name, members, method=zipfile.ZIP_STORED):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", method) as f:
        for n, data in members:
            f.writestr(n, data)
    open(os.path.join(d, name), "wb").write(b.getvalue())
state = pickle.dumps({"weight": [1.0, 2.0]}, protocol=2)
z("torch", [("archive/data.pkl", state), ("archive/data/0", b"\0" * 16), ("archive/version", b"3\n")])
z("deflated", [("archive/data.pkl", state), ("a.npy", b"\x93NUMPY\x01\x00\x16\x00{'descr': '|O', }    \n" + state)], zipfile.ZIP_DEFLATED)
z("keras", [("config.json", b'{"class_name": "Lambda", "module": "x", "config": {"name": "l"}}'), ("metadata.json", b"{}")])
PY
python3 - "${seeds}/tar" <<'PY'
import io, sys, tarfile, pickle, os, gzip
d = sys.argv[1]
def t(name, members, fmt=tarfile.GNU_FORMAT):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=fmt) as f:
        for n, data in members:
            i = tarfile.TarInfo(n)
            i.size = len(data)
            f.addfile(i, io.BytesIO(data))
    open(os.path.join(d, name), "wb").write(b.getvalue())
    return b.getvalue()
state = pickle.dumps({"weight": [1.0, 2.0]}, protocol=2)
t("legacy", [("sys_info", state), ("pickle", state), ("tensors", b"\0" * 8), ("storages", b"\0" * 8)])
raw = t("pax", [("a/" + "long" * 40 + "/data.pkl", state)], tarfile.PAX_FORMAT)
open(os.path.join(d, "nested.tgz"), "wb").write(gzip.compress(raw, mtime=0))
PY

targets="${FUZZ_TARGETS:-pickle safetensors gguf onnx zip card croissant tar}"
sanitizer="${FUZZ_SANITIZER:-address}"
status=0
for t in ${targets}; do
    corpus="${CARGO_TARGET_DIR:-${root}/target}/fuzz-corpus/${t}"
    mkdir -p "${corpus}"
    echo "fuzz: ${t} for ${secs}s" >&2
    if (cd fuzz && cargo "${toolchain[@]}" fuzz run --sanitizer "${sanitizer}" "${t}" "${corpus}" "${seeds}/${t}" -- \
        -max_total_time="${secs}" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 -max_len=65536 \
        -print_final_stats=1 "$@" 2>"${CARGO_TARGET_DIR:-${root}/target}/fuzz-${t}.log"); then
        runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "${CARGO_TARGET_DIR:-${root}/target}/fuzz-${t}.log" | grep -o '[0-9]*$' || echo '?')"
        echo "ok   fuzz ${t}: ${runs} executions, no crash"
    else
        status=1
        echo "FAIL fuzz ${t}: see ${CARGO_TARGET_DIR:-${root}/target}/fuzz-${t}.log"
        tail -n 30 "${CARGO_TARGET_DIR:-${root}/target}/fuzz-${t}.log" >&2
    fi
done
exit "${status}"
