#!/usr/bin/env bash
# Installs quantc's build and test dependencies from Debian's archive.
# Idempotent: when every package is already installed it does nothing.
set -euo pipefail

packages=(
  # Toolchain and build.
  clang-22 cmake ninja-build ccache
  # LLVM/MLIR 22; the LLVM CMake package also needs zstd, libedit and curl.
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
  # --threads: OpenMP's runtime for convert-scf-to-openmp's code.
  libomp-22-dev
  libzstd-dev libedit-dev libcurl4-openssl-dev zlib1g-dev
  # ONNX import: onnx.proto and protobuf.
  libonnx-dev libprotobuf-dev protobuf-compiler
  # ONNX backend node tests and Python for the test utilities.
  libonnx-testdata python3 python3-numpy python3-onnx
  # Image calibration sets (PNG); fonts, PIL and a word list for the OCR
  # accuracy tests.
  libpng-dev python3-pil fonts-dejavu-core fonts-dejavu-extra wamerican
  # Real photographs and faces (scikit-image's data) for the models beyond
  # OCR.
  python3-skimage
  # Speech recordings (/usr/share/sounds/alsa) for Silero VAD.
  alsa-utils
  # The Python package: pybind11, its tests (pytest) and the example's
  # plot (matplotlib).
  pybind11-dev python3-pytest python3-matplotlib
  # libFuzzer for the importer fuzzer.
  libclang-rt-22-dev
  # Unit tests.
  libgtest-dev
  # Mixed precision: GLPK's integer programs; headless Chromium renders
  # the HTML reports in the tests.
  libglpk-dev chromium
  # AArch64 objects: cross linker and libc, run under qemu-user.
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null |
      grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "quantc: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
