//===- Dp4aGemm.h - u8 x s8 GEMM for NVIDIA GPUs in MLIR ---------*- C++ -*-===//
//
// Part of quantc. C[M, N] (i32) = A[M, K] (u8) * B[K, N] (s8), exact, on
// PTX's dp4a (nvvm.dot.accumulate.4way). B takes the CPU kernels' packing
// ([N/64][K/4][64 columns][4 bytes]): the 64 threads of a block read one
// panel's 256 bytes per step, coalesced.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_KERNELS_DP4AGEMM_H
#define QUANTC_KERNELS_DP4AGEMM_H

#include "quantc/Kernels/LowBitGemm.h"

namespace quantc {

/// Threads per block: one per column of a packed panel.
constexpr int64_t kDp4aBlockThreads = kVnniPanelColumns;

/// Adds to `module` a gpu.module holding the kernel `gpu.func @<name>(A:
/// memref<MxKxi8>, B: memref<(N/64)x(K/4)x256xi8>, C: memref<MxNxi32>)`,
/// launched on N / 64 blocks of 64 threads; thread c of block p computes
/// column 64 p + c of every row. Int8 weights only.
void buildDp4aGemm(mlir::ModuleOp module, llvm::StringRef name,
                   const GemmShape &shape);

/// Lowers the gpu.module to the LLVM and NVVM dialects (bare-pointer
/// kernel parameters) and returns a plain module holding its functions,
/// ready for translation to LLVM IR; null on failure.
mlir::OwningOpRef<mlir::ModuleOp> lowerDp4aKernels(mlir::ModuleOp module);

} // namespace quantc

#endif // QUANTC_KERNELS_DP4AGEMM_H
