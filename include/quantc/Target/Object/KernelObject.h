//===- KernelObject.h - standalone low-bit kernels as objects ----*- C++ -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TARGET_OBJECT_KERNELOBJECT_H
#define QUANTC_TARGET_OBJECT_KERNELOBJECT_H

#include "quantc/Kernels/LowBitGemm.h"
#include "quantc/Target/Object/TargetSpec.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace quantc {

/// The kernel kind `quantc kernel` names: gemm-u8s8, gemm-u8s4 (int4
/// weights) or gemm-u8t2 (ternary weights).
std::string gemmKernelKind(WeightFormat format);

/// The C symbol of the GEMM kernel of `shape`: qc_gemm_u8s8_<M>x<N>x<K>,
/// qc_gemm_u8s4g<G>_<M>x<N>x<K> or qc_gemm_u8t2_<M>x<N>x<K>.
std::string gemmKernelSymbol(const GemmShape &shape);

/// Builds the GEMM kernel of `shape` for `spec` (which must have AVX-512
/// VNNI or the AArch64 dot product) and writes its object and a C header
/// declaring `void <symbol>(const uint8_t *a, const <packed> *b_packed, [const
/// float *scales,] int32_t|float *c)`. AMX targets build int8 shapes that
/// amxGemmTakes on tiles (with `emulateTiles`, on their AVX-512 VNNI
/// emulation), the rest on AVX-512 VNNI; the header says which, and the
/// AVX-512 kernels' `blocking` and where it came from.
llvm::Error emitGemmKernel(const GemmShape &shape, const TargetSpec &spec,
                           llvm::raw_pwrite_stream &object,
                           llvm::raw_ostream &header, bool emulateTiles = false,
                           const ChosenGemmBlocking &blocking = {});

} // namespace quantc

#endif // QUANTC_TARGET_OBJECT_KERNELOBJECT_H
