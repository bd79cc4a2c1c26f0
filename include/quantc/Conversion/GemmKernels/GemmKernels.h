//===- GemmKernels.h - the kernel contract between passes -------*- C++ -*-===//
//
// Part of quantc. qc-select-gemm-kernels declares each kernel with a typed
// #qc.gemm_kernel (format, ISA, shape); qc-define-gemm-kernels builds it and
// convert-qc-to-linalg packs the weights for it. These translate between
// that attribute and the kernel generator's own description (LowBitGemm.h).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CONVERSION_GEMMKERNELS_GEMMKERNELS_H
#define QUANTC_CONVERSION_GEMMKERNELS_GEMMKERNELS_H

#include "quantc/Dialect/QC/IR/QCAttrs.h"
#include "quantc/Kernels/LowBitGemm.h"

#include "llvm/Support/ErrorHandling.h"

namespace quantc {

inline WeightFormat weightFormat(qc::GemmWeightFormat format) {
  switch (format) {
  case qc::GemmWeightFormat::int8:
    return WeightFormat::Int8;
  case qc::GemmWeightFormat::int4:
    return WeightFormat::Int4;
  case qc::GemmWeightFormat::ternary:
    return WeightFormat::Ternary;
  }
  llvm_unreachable("unknown qc.gemm_kernel format");
}

inline qc::GemmWeightFormat gemmWeightFormat(WeightFormat format) {
  switch (format) {
  case WeightFormat::Int8:
    return qc::GemmWeightFormat::int8;
  case WeightFormat::Int4:
    return qc::GemmWeightFormat::int4;
  case WeightFormat::Ternary:
    return qc::GemmWeightFormat::ternary;
  }
  llvm_unreachable("unknown weight format");
}

inline KernelIsa kernelIsa(qc::GemmIsa isa) {
  switch (isa) {
  case qc::GemmIsa::avx512vnni:
    return KernelIsa::Avx512Vnni;
  case qc::GemmIsa::avx2:
    return KernelIsa::Avx2;
  case qc::GemmIsa::neon_dot:
    return KernelIsa::NeonDot;
  case qc::GemmIsa::neon_i8mm:
    return KernelIsa::NeonI8mm;
  case qc::GemmIsa::amx:
    return KernelIsa::Amx;
  }
  llvm_unreachable("unknown qc.gemm_kernel ISA");
}

inline qc::GemmIsa gemmIsa(KernelIsa isa) {
  switch (isa) {
  case KernelIsa::Avx512Vnni:
    return qc::GemmIsa::avx512vnni;
  case KernelIsa::Avx2:
    return qc::GemmIsa::avx2;
  case KernelIsa::NeonDot:
    return qc::GemmIsa::neon_dot;
  case KernelIsa::NeonI8mm:
    return qc::GemmIsa::neon_i8mm;
  case KernelIsa::Amx:
    return qc::GemmIsa::amx;
  }
  llvm_unreachable("unknown kernel ISA");
}

/// The generator's shape of a declared kernel.
inline GemmShape gemmShape(qc::GemmKernelAttr spec) {
  GemmShape shape;
  shape.m = spec.getM();
  shape.n = spec.getN();
  shape.k = spec.getK();
  shape.groupSize = spec.getGroup();
  shape.format = weightFormat(spec.getFormat());
  shape.panelColumns = spec.getPanel();
  return shape;
}

inline qc::GemmKernelAttr gemmKernelSpec(mlir::MLIRContext *context,
                                         const GemmShape &shape,
                                         KernelIsa isa) {
  return qc::GemmKernelAttr::get(context, gemmWeightFormat(shape.format),
                                 gemmIsa(isa), shape.m, shape.n, shape.k,
                                 shape.groupSize, shape.panelColumns);
}

} // namespace quantc

#endif // QUANTC_CONVERSION_GEMMKERNELS_GEMMKERNELS_H
