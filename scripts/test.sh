#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds, then runs the lit
# regression tests (check-quantc) and the unit tests through ctest.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QUANTC_BUILD_DIR:-$root/build}"

bash "$root/scripts/install-deps.sh"
bash "$root/scripts/install-models.sh"
bash "$root/scripts/build.sh"

status=0
/usr/lib/llvm-22/bin/lit -sv "$build/test" || status=1
ctest --test-dir "$build" --output-on-failure || status=1
exit $status
