//===- KernelObject.h - standalone low-bit kernels as objects ----*- C++ -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TARGET_OBJECT_KERNELOBJECT_H
#define QUANTC_TARGET_OBJECT_KERNELOBJECT_H

#include "quantc/Kernels/VnniGemm.h"
#include "quantc/Target/Object/TargetSpec.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace quantc {

/// The C symbol of the u8 x s8 GEMM kernel of `shape`:
/// qc_gemm_u8s8_<M>x<N>x<K>.
std::string gemmKernelSymbol(const GemmShape &shape);

/// Builds the u8 x s8 GEMM kernel of `shape` for `spec` (which must have
/// AVX-512 VNNI) and writes its object and a C header declaring
/// `void <symbol>(const uint8_t *a, const int8_t *b_packed, int32_t *c)`.
llvm::Error emitGemmKernel(const GemmShape &shape, const TargetSpec &spec,
                           llvm::raw_pwrite_stream &object,
                           llvm::raw_ostream &header);

} // namespace quantc

#endif // QUANTC_TARGET_OBJECT_KERNELOBJECT_H
