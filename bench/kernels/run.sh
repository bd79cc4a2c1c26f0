#!/usr/bin/env bash
# Single-thread int8 GEMV 1x4096x4096 and GEMM 512x4096x4096: quantc's
# MLIR-built VNNI kernels against oneDNN (Debian's libdnnl-dev) in one run,
# with the measured read bandwidth and vpdpbusd peak. Needs a host with
# AVX-512 VNNI and a built tree (scripts/build.sh).
#   bash bench/kernels/run.sh [GEMV MxNxK] [GEMM MxNxK]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
gemv=${1:-1x4096x4096}
gemm=${2:-512x4096x4096}
if ! dpkg-query -W -f='${Status}' libdnnl-dev 2>/dev/null | grep -q "ok installed"; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libdnnl-dev
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for shape in "$gemv" "$gemm"; do
  "$root/build/bin/quantc" kernel gemm-u8s8 --shape "$shape" \
    --target x86_64-avx512vnni -o "$work" > /dev/null
done
defines=()
for pair in "GEMV:$gemv" "GEMM:$gemm"; do
  name=${pair%%:*}; shape=${pair#*:}
  IFS=x read -r m n k <<< "$shape"
  defines+=("-D${name}=qc_gemm_u8s8_$shape" "-D${name}_M=$m" "-D${name}_N=$n"
            "-D${name}_K=$k" "-D${name}_HEADER=\"qc_gemm_u8s8_$shape.h\"")
done
clang++-22 -O2 -std=c++17 -mavx512f -mavx512bw -mavx512vnni "${defines[@]}" \
  -I"$work" -I"$root/runtime" "$root/bench/kernels/gemm_bench.cpp" \
  "$work"/qc_gemm_u8s8_*.o "$root/build/lib/libquantc_runtime.a" -ldnnl \
  -o "$work/gemm_bench"
# oneDNN on one thread, as quantc's kernels.
OMP_NUM_THREADS=1 DNNL_VERBOSE=0 "$work/gemm_bench"
