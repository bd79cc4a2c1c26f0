#!/bin/bash
# A/B latency of compile variants of one model: each variant (a string of
# `quantc compile` flags) is compiled to an object, linked as a shared
# library with libquantc_runtime, and ab_main.c calls them in turn, ROUNDS
# rounds, printing each one's median, 10th percentile and minimum. For
# one-input, one-output float models. Variants with --threads other than
# 1 link libomp.
#
# usage: bench/objects/ab.sh [-b BUILD_DIR] MODEL.onnx INPUT=SHAPE ROUNDS VARIANT...
# e.g.:  bench/objects/ab.sh det.onnx x=1x3x320x320 60 "--threads 1" "--threads 2"
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build
if [ "${1:-}" = -b ]; then build=$2; shift 2; fi
[ $# -ge 4 ] || { sed -n 2,10p "$0"; exit 2; }
model=$1 shape=$2 rounds=$3
shift 3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc=$(command -v clang-22 || command -v cc)
py=${PYTHON:-/usr/bin/python3}
libomp=/usr/lib/llvm-22/lib
stem=$(basename "$model" .onnx)
"$cc" -O2 "$here/ab_main.c" -ldl -o "$work/ab_main"
libs=()
n=0
for variant in "$@"; do
  n=$((n + 1))
  out=$work/v$n
  # shellcheck disable=SC2086  # a variant is a list of flags
  "$build/bin/quantc" compile "$model" --input-shape "$shape" $variant \
    --quiet -o "$out" > /dev/null
  "$cc" -shared -o "$work/v$n.so" "$out/$stem.o" -Wl,--whole-archive \
    "$build/lib/libquantc_runtime.a" -Wl,--no-whole-archive \
    -L"$libomp" -Wl,-rpath,"$libomp" -lomp -lm -lpthread
  echo "v$n: $variant"
  libs+=("./v$n.so")
done
sizes=$("$py" - "$work/v1/$stem.h" <<'PY'
import re, sys
from math import prod
header = open(sys.argv[1]).read()
dims = [prod(int(d) for d in re.findall(r"\[(\d+)\]", m))
        for m in re.findall(r"(?:input|output)\s+\S+: float((?:\[\d+\])+)", header)]
print(dims[0], dims[-1])
PY
)
# shellcheck disable=SC2086  # two numbers
cd "$work" && ./ab_main $sizes "$rounds" "${libs[@]}"
