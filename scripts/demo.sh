#!/usr/bin/env bash
# The main job, end to end: installs what it needs, builds, and runs a
# quantc pass pipeline on the example model in examples/. Prints the
# resulting IR.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QUANTC_BUILD_DIR:-$root/build}"

bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh" >/dev/null

echo "== quant-opt --canonicalize --qc-insert-observers examples/classifier.mlir"
"$build/bin/quant-opt" "$root/examples/classifier.mlir" \
  --canonicalize --qc-insert-observers
