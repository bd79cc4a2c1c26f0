//===- VnniGemm.h - u8 x s8 GEMM kernels built in MLIR -----------*- C++ -*-===//
//
// Part of quantc. C[M, N] (i32) = A[M, K] (u8) * B[K, N] (s8), exact, with
// AVX-512 VNNI's vpdpbusd: each instruction adds, per i32 lane, the dot
// product of four u8 of A with four s8 of B. B is packed offline so that
// the kernel streams it once, front to back.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_KERNELS_VNNIGEMM_H
#define QUANTC_KERNELS_VNNIGEMM_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <vector>

namespace quantc {

/// Columns per packed panel: four 16-lane i32 accumulators per row.
constexpr int64_t kVnniPanelColumns = 64;

struct GemmShape {
  int64_t m = 1, n = 0, k = 0;
};

/// Why `shape` cannot be built ("" when it can): N a multiple of 64, K of
/// 4, M of the row block (4, or 1 when M is 1).
std::string vnniGemmUnsupported(const GemmShape &shape);

/// Packs row-major B[K, N] into the kernel's layout
/// [N / 64][K / 4][64 columns][4 consecutive k] (byte (n, k) of panel p
/// holds B[k][64 p + n]).
std::vector<int8_t> packVnniWeights(llvm::ArrayRef<int8_t> b, int64_t k,
                                    int64_t n);

/// Adds to `module` `func.func @<name>(A: memref<MxKxi8>, B:
/// memref<(N/64)x(K/4)x256xi8>, C: memref<MxNxi32>)`, A's bytes read as
/// unsigned. Register block: 4 rows x 64 columns (16 accumulators), or 1
/// x 64 for GEMV.
void buildVnniGemm(mlir::ModuleOp module, llvm::StringRef name,
                   const GemmShape &shape);

/// Lowers a module of such kernels to the LLVM dialect, memrefs passed as
/// bare pointers: `void name(const uint8_t *A, const int8_t *B, int32_t
/// *C)`.
mlir::LogicalResult lowerKernelsToLLVM(mlir::ModuleOp module);

} // namespace quantc

#endif // QUANTC_KERNELS_VNNIGEMM_H
