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
/// With `runtimeAllocator`, buffers come from libquantc_runtime's
/// _mlir_memref_to_llvm_alloc / _free (which keep large ones for the next
/// call) instead of malloc / free.
void buildQCLowerToLLVMPipeline(mlir::OpPassManager &pm,
                                llvm::StringRef gemmKernels = "",
                                bool runtimeAllocator = false);

/// One-shot bufferization of a whole module (identity layouts at function
/// boundaries), the deallocation pipeline and its lowering to memref.
void addQCBufferization(mlir::OpPassManager &pm);

struct GpuPipelineOptions {
  /// NVIDIA architecture and PTX ISA version of the kernels.
  std::string chip = "sm_90";
  std::string features = "+ptx78";
  /// Name of the gpu.module (and gpu.binary) holding every kernel.
  std::string moduleName = "kernels";
  /// Threads per block.
  int64_t blockSize = 256;
  /// Run the launches as host loops instead of emitting kernels.
  bool emulate = false;
  /// Host buffers from libquantc_runtime's allocator (see
  /// buildQCLowerToLLVMPipeline).
  bool runtimeAllocator = false;
};

/// Adds the lowering from qc to NVIDIA GPU kernels (PTX in a gpu.binary)
/// and a host side calling the mgpu* runtime, all in the LLVM dialect.
void buildQCLowerToGPUPipeline(mlir::OpPassManager &pm,
                               const GpuPipelineOptions &options);

/// Registers `qc-lower-to-llvm` and `qc-lower-to-gpu` as named pipelines.
void registerQCPipelines();

} // namespace quantc

#endif // QUANTC_CONVERSION_PASSES_H
