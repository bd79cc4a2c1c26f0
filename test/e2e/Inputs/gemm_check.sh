#!/usr/bin/env bash
# gemm_check.sh QUANTC CC RUNTIME SRC_ROOT WORK KIND MxNxK [GROUP]:
# emits the kernel with `quantc kernel`, links it with gemm_check_main.c
# and runs the check, printing its one line. RUNTIME is the runtime
# library or its source. QC_TARGET picks the target (x86_64-avx512vnni),
# QC_KERNEL_FLAGS adds `quantc kernel` flags (--emulate-amx-tiles);
# QC_RUN prefixes the run (qemu-aarch64 for AArch64 programs).
set -euo pipefail
quantc=$1 cc=$2 runtime=$3 src=$4 work=$5 kind=$6 shape=$7 group=${8:-}
IFS=x read -r m n k <<< "$shape"
flags=()
case $kind in
  gemm-u8s8) format=8; symbol=qc_gemm_u8s8_$shape ;;
  gemm-u8t2) format=2; symbol=qc_gemm_u8t2_$shape ;;
  gemm-u8s4) format=4; symbol=qc_gemm_u8s4g${group}_$shape
             flags=(--group "$group") ;;
esac
"$quantc" kernel "$kind" --shape "$shape" "${flags[@]}" \
  --target "${QC_TARGET:-x86_64-avx512vnni}" ${QC_KERNEL_FLAGS:-} -o "$work" \
  > /dev/null
$cc -O2 -DM="$m" -DN="$n" -DK="$k" -DFORMAT=$format -DGROUP="${group:-1}" \
  -DKERNEL="$symbol" "-DHEADER=\"$symbol.h\"" -I"$work" -I"$src/runtime" \
  "$src/test/e2e/Inputs/gemm_check_main.c" "$work/$symbol.o" "$runtime" -lm \
  -o "$work/$symbol.check"
${QC_RUN:-} "$work/$symbol.check"
