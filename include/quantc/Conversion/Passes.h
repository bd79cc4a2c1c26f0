//===- Passes.h - quantc conversion passes ----------------------*- C++ -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CONVERSION_PASSES_H
#define QUANTC_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace quantc {

#define GEN_PASS_DECL
#include "quantc/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "quantc/Conversion/Passes.h.inc"

/// Adds the lowering from qc to the LLVM dialect: convert-qc-to-linalg,
/// one-shot bufferization, linalg to loops, then to LLVM. With
/// `gemmKernels` (avx512vnni, avx2, neon-dot or neon-i8mm), quantized matmuls the generated
/// kernels can take call them (qc-select-gemm-kernels first).
void buildQCLowerToLLVMPipeline(mlir::OpPassManager &pm,
                                llvm::StringRef gemmKernels = "");

/// Registers `qc-lower-to-llvm` as a named pipeline.
void registerQCPipelines();

} // namespace quantc

#endif // QUANTC_CONVERSION_PASSES_H
