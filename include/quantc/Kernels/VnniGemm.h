//===- VnniGemm.h - low-bit GEMM kernels built in MLIR -----------*- C++ -*-===//
//
// Part of quantc. C[M, N] = A[M, K] (u8) * B[K, N] with B int8, int4 or
// ternary, on AVX-512 VNNI's vpdpbusd: each instruction adds, per i32
// lane, the dot product of four u8 of A with four s8 of B. B is packed
// offline so that the kernel streams it once, front to back; int4 and
// ternary codes are sign-extended to s8 in registers.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_KERNELS_VNNIGEMM_H
#define QUANTC_KERNELS_VNNIGEMM_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace quantc {

/// Columns per packed panel: four 16-lane i32 accumulators per row.
constexpr int64_t kVnniPanelColumns = 64;

/// How B is stored.
enum class WeightFormat {
  /// s8, one per byte; C is i32 (exact).
  Int8,
  /// Signed 4-bit (-8..7), two per byte, one f32 scale per group of
  /// `groupSize` consecutive k and column; C is f32:
  /// C = sum over groups g (ascending) of fma(scale[g][n], float(exact
  /// i32 dot of group g), C).
  Int4,
  /// Ternary (-1, 0, 1) as 2-bit codes w + 1, four per byte; C is i32
  /// (exact).
  Ternary,
};

struct GemmShape {
  int64_t m = 1, n = 0, k = 0;
  WeightFormat format = WeightFormat::Int8;
  /// Int4 only: k per scale group (a multiple of 8 dividing K).
  int64_t groupSize = 0;
};

/// K consumed per packed 64-byte block: 4 (int8), 8 (int4), 16 (ternary).
int64_t kPerBlock(WeightFormat format);

/// Why `shape` cannot be built ("" when it can).
std::string vnniGemmUnsupported(const GemmShape &shape);

/// Packs row-major B[K, N] (values in the format's range) into the
/// kernel's layout: [N / 64][K / kb][4 blocks of 16 columns][16 columns]
/// [4 bytes], kb = kPerBlock(format); byte i of column c in step t holds,
/// in its bit field q (8, 4 or 2 bits wide), B[kb t + 4 q + i][c]
/// (ternary: the code B + 1).
std::vector<uint8_t> packLowBitWeights(llvm::ArrayRef<int8_t> b, int64_t k,
                                       int64_t n, WeightFormat format);

/// Int4 scales scale[K / G][N] (row-major) to the kernel's
/// [N / 64][K / G][64].
std::vector<float> packGroupScales(llvm::ArrayRef<float> scales, int64_t k,
                                   int64_t n, int64_t groupSize);

/// Adds to `module` `func.func @<name>(A: memref<MxKxi8>, B:
/// memref<(N/64)x(K/kb)x256xi8>, [scales: memref<(N/64)x(K/G)x64xf32>,]
/// C: memref<MxN x i32|f32>)`, A's bytes read as unsigned. Register block:
/// 4 rows x 64 columns (16 accumulators), or 1 x 64 when M is 1.
void buildVnniGemm(mlir::ModuleOp module, llvm::StringRef name,
                   const GemmShape &shape);

/// Lowers a module of such kernels to the LLVM dialect, memrefs passed as
/// bare pointers: `void name(const uint8_t *A, const uint8_t *B, [const
/// float *scales,] C *out)`.
mlir::LogicalResult lowerKernelsToLLVM(mlir::ModuleOp module);

} // namespace quantc

#endif // QUANTC_KERNELS_VNNIGEMM_H
