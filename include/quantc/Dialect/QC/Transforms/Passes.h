//===- Passes.h - qc dialect passes -----------------------------*- C++ -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QC_TRANSFORMS_PASSES_H
#define QUANTC_DIALECT_QC_TRANSFORMS_PASSES_H

#include "quantc/Dialect/QC/IR/QCDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace quantc::qc {

/// Unit attribute on a compute op that qc-quantize must leave in float
/// (the reference branch of a precision switch, or a user's choice in IR).
inline constexpr llvm::StringLiteral kKeepFloatAttr = "qc.keep_float";

/// Symbol attribute on a qc.qmatmul: the generated GEMM kernel
/// (qc-select-gemm-kernels) its lowering calls.
inline constexpr llvm::StringLiteral kGemmKernelAttr = "qc.gemm_kernel";

/// String attribute on a kernel's declaration: how it takes the weights,
/// "int8", "int4" (with f32 group scales) or "ternary" (LowBitGemm.h).
inline constexpr llvm::StringLiteral kGemmFormatAttr = "qc.gemm_format";

/// F64 attribute qc-quantize leaves on each quantized layer: the SQNR of
/// its rounded weights in dB, for the compile report.
inline constexpr llvm::StringLiteral kWeightSQNRAttr = "qc.weight_sqnr_db";

/// String attribute qc-quantize leaves on each quantized layer: how its
/// weights were rounded ("gptq", or "round to nearest" and, when GPTQ was
/// asked for, why not).
inline constexpr llvm::StringLiteral kWeightRoundingAttr =
    "qc.weight_rounding";

#define GEN_PASS_DECL
#include "quantc/Dialect/QC/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "quantc/Dialect/QC/Transforms/Passes.h.inc"

} // namespace quantc::qc

#endif // QUANTC_DIALECT_QC_TRANSFORMS_PASSES_H
