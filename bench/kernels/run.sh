#!/usr/bin/env bash
# Single-thread int8 GEMV 1x4096x4096 and GEMM 512x4096x4096: quantc's
# MLIR-built VNNI kernels against oneDNN (Debian's libdnnl-dev) in one run,
# with the measured read bandwidth and vpdpbusd peak. Needs a host with
# AVX-512 VNNI and a built tree (scripts/build.sh).
#   bash bench/kernels/run.sh [GEMV MxNxK] [GEMM MxNxK]
# QC_TARGET=x86_64-avx2 benchmarks the AVX2 kernels instead, against
# oneDNN held to AVX2 (DNNL_MAX_CPU_ISA) and the vpmaddwd peak.
# QC_BLOCKING=group=<KiB>,columns=<64|32> builds the AVX-512 kernels with
# that blocking (quantc kernel --gemm-blocking; default: auto).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
gemv=${1:-1x4096x4096}
gemm=${2:-512x4096x4096}
if ! dpkg-query -W -f='${Status}' libdnnl-dev 2>/dev/null | grep -q "ok installed"; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libdnnl-dev
fi
group=128
target=${QC_TARGET:-x86_64-avx512vnni}
defines=()
if [[ $target == x86_64-avx2 ]]; then
  defines=(-DAVX2_KERNELS)
  export DNNL_MAX_CPU_ISA=AVX2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{
  echo "#define GROUP $group"
  echo "#define GEMV_SHAPE ${gemv//x/,}"
  echo "#define GEMM_SHAPE ${gemm//x/,}"
} > "$work/kernels.h"
for pair in "GEMV:$gemv" "GEMM:$gemm"; do
  name=${pair%%:*}; shape=${pair#*:}
  for kind in u8s8:I8 u8s4:I4 u8t2:T2; do
    flags=(); symbol=qc_gemm_${kind%%:*}_$shape
    if [[ $kind == u8s4:* ]]; then
      flags=(--group $group); symbol=qc_gemm_u8s4g${group}_$shape
    fi
    "$root/build/bin/quantc" kernel "gemm-${kind%%:*}" --shape "$shape" \
      "${flags[@]}" --target "$target" -o "$work" \
      --gemm-blocking "${QC_BLOCKING:-auto}" > /dev/null
    echo "#include \"$symbol.h\"" >> "$work/kernels.h"
    echo "#define ${kind#*:}_$name $symbol" >> "$work/kernels.h"
  done
done
# AMX hosts: the int8 GEMM on tiles too (x86_64-amx), renamed beside the
# VNNI one.
if [[ $target == x86_64-avx512vnni ]] && grep -qw amx_int8 /proc/cpuinfo; then
  mkdir -p "$work/amx"
  "$root/build/bin/quantc" kernel gemm-u8s8 --shape "$gemm" --target x86_64-amx \
    -o "$work/amx" > /dev/null
  llvm-objcopy-22 --redefine-sym "qc_gemm_u8s8_$gemm=qc_amx_gemm_u8s8_$gemm" \
    "$work/amx/qc_gemm_u8s8_$gemm.o" "$work/qc_gemm_amx.o"
  {
    echo "extern \"C\" void qc_amx_gemm_u8s8_$gemm(const uint8_t *, const int8_t *, int32_t *);"
    echo "#define AMX_GEMM qc_amx_gemm_u8s8_$gemm"
  } >> "$work/kernels.h"
fi
clang++-22 -O2 -std=c++20 -mavx512f -mavx512bw -mavx512vnni "${defines[@]}" \
  -I"$work" -I"$root/runtime" "$root/bench/kernels/gemm_bench.cpp" \
  "$work"/qc_gemm_*.o "$root/build/lib/libquantc_runtime.a" -ldnnl \
  -o "$work/gemm_bench"
# oneDNN on one thread, as quantc's kernels.
OMP_NUM_THREADS=1 DNNL_VERBOSE=0 "$work/gemm_bench"
