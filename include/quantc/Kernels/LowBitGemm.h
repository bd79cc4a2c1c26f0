//===- LowBitGemm.h - low-bit GEMM kernels built in MLIR ---------*- C++ -*-===//
//
// Part of quantc. C[M, N] = A[M, K] (u8) * B[K, N] with B int8, int4 or
// ternary, on 4-byte dot-product instructions: AVX-512 VNNI's vpdpbusd
// (u8 x s8, 16 i32 lanes) or AArch64's sdot (s8 x s8, 4 lanes; A is
// shifted to s8 and the shift added back through B's column sums). B is
// packed offline, the same bytes for both, so that a kernel streams it
// once, front to back; int4 and ternary codes are unpacked in registers.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_KERNELS_LOWBITGEMM_H
#define QUANTC_KERNELS_LOWBITGEMM_H

#include "quantc/Kernels/GemmBlocking.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace quantc {

/// Columns per packed panel: four 16-lane (x86) or sixteen 4-lane
/// (AArch64) i32 accumulators per row. AVX-512 kernels in compiled models
/// also take narrower panels (GemmShape::panelColumns) so that N = 24 is
/// padded to 32, not 64.
constexpr int64_t kVnniPanelColumns = 64;

/// The dot-product instruction a kernel is built on.
enum class KernelIsa {
  /// x86 AVX-512 VNNI: vpdpbusd on zmm (an LLVM intrinsic call; x86vector
  /// has no u8 x s8 dot product op).
  Avx512Vnni,
  /// AArch64 Armv8.2-A dot product: arm_neon.intr.sdot on 128-bit vectors.
  NeonDot,
  /// x86 AVX2 without VNNI, on ymm: int4 and ternary codes through
  /// vpmaddubsw + vpmaddwd (their small products cannot saturate the i16
  /// pair sums), int8 through vpmaddwd on the bytes widened to i16 (exact;
  /// vpmaddubsw would saturate 255 x -128 x 2).
  Avx2,
  /// AArch64 Armv8.6-A int8 matrix multiply: arm_neon.intr.usmmla (2 rows
  /// x 2 columns x 8 k) for int8 weights with M even and K a multiple of
  /// 8; sdot otherwise.
  NeonI8mm,
  /// x86 AMX: int8 GEMMs of whole tiles (amxGemmTakes) on tdpbusd
  /// (AmxGemm.cpp); everything else as Avx512Vnni.
  Amx,
};

/// The name a pass option gives `isa`: avx512vnni, neon-dot, avx2,
/// neon-i8mm or amx.
llvm::StringRef kernelIsaName(KernelIsa isa);
std::optional<KernelIsa> parseKernelIsa(llvm::StringRef name);

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
  /// Columns per packed panel: 64, or for AVX-512 VNNI kernels 16, 32 or
  /// 48 (narrowPanelColumns). N is a multiple of it.
  int64_t panelColumns = kVnniPanelColumns;
};

/// The panel width an AVX-512 VNNI kernel of N columns takes: the widest
/// of 64, 48 and 32 that divides N rounded up to 16, else the widest whose
/// padding of N is at most 1/8 more than 16's, else 16.
int64_t narrowPanelColumns(int64_t n);

/// K consumed per packed 64-byte block: 4 (int8), 8 (int4), 16 (ternary).
int64_t kPerBlock(WeightFormat format);

/// Why `shape` cannot be built ("" when it can).
std::string vnniGemmUnsupported(const GemmShape &shape);

/// Packs row-major B[K, N] (values in the format's range) into the
/// kernel's layout: [N / 64][K / kb][4 blocks of 16 columns][16 columns]
/// [4 bytes], kb = kPerBlock(format); byte i of column c in step t holds,
/// in its bit field q (8, 4 or 2 bits wide), B[kb t + 4 q + i][c]
/// (ternary: the code B + 1).
std::vector<uint8_t>
packLowBitWeights(llvm::ArrayRef<int8_t> b, int64_t k, int64_t n,
                  WeightFormat format,
                  int64_t panelColumns = kVnniPanelColumns);

/// Int4 scales scale[K / G][N] (row-major) to the kernel's
/// [N / 64][K / G][64] (64: the panel width).
std::vector<float> packGroupScales(llvm::ArrayRef<float> scales, int64_t k,
                                   int64_t n, int64_t groupSize,
                                   int64_t panelColumns = kVnniPanelColumns);

/// A kernel's function type: `(A: memref<MxKxi8>, B:
/// memref<(N/64)x(K/kb)x256xi8>, [scales: memref<(N/64)x(K/G)x64xf32>,]
/// C: memref<MxN x i32|f32>) -> ()` (64: the panel width), the same for
/// every ISA, so that a declaration made before the kernel is built
/// matches it.
mlir::FunctionType lowBitGemmType(mlir::MLIRContext *context,
                                  const GemmShape &shape);

/// How the AMX kernel (buildAmxGemm) writes its tile operations.
enum class TileCode {
  /// AMX instructions (tileloadd, tdpbusd, tilestored).
  Amx,
  /// AVX-512 VNNI code of the same semantics: the kernel's loops, indices
  /// and strides checked bit for bit on hosts without AMX.
  VnniEmulation,
};

/// Adds to `module` `func.func @<name>` of lowBitGemmType, A's bytes read
/// as unsigned. Register block: AVX-512 4 rows x 64 columns (16
/// accumulators; 8 rows x 32 columns for panels of 32 or 16 columns, or
/// with blocking.blockColumns = 32), the rows left over in blocks of 4 and
/// then 1; AVX2 and NEON 1 row x 64 columns (8 and 16 accumulators).
/// `blocking` applies to AVX-512 VNNI (and AMX) kernels.
void buildLowBitGemm(mlir::ModuleOp module, llvm::StringRef name,
                     const GemmShape &shape, KernelIsa isa,
                     TileCode tileCode = TileCode::Amx,
                     const GemmBlocking &blocking = {});

/// What qc-select-gemm-kernels appends to an AMX kernel's name
/// (quantc_gemm_..._amx), by which the object emitter counts them.
inline constexpr llvm::StringLiteral kAmxKernelSuffix = "_amx";

/// Whether the AMX kernel takes `shape`: int8, 64-column panels, M a
/// multiple of 16 and K of 64 (whole tiles).
bool amxGemmTakes(const GemmShape &shape);

/// The AMX kernel (AmxGemm.cpp): buildLowBitGemm's signature and packing,
/// for shapes amxGemmTakes. With TileCode::Amx it calls the runtime's
/// quantc_amx_enable() on entry (the OS grants the tile state per process).
void buildAmxGemm(mlir::ModuleOp module, llvm::StringRef name,
                  const GemmShape &shape, TileCode code = TileCode::Amx,
                  const GemmBlocking &blocking = {});

/// Lowers the AMX ops of the functions under `root` that hold any to the
/// LLVM dialect, together with those functions' branches (after
/// scf-to-cf), which carry the accumulator tiles from step to step: other
/// conversions' type converters do not know !amx.tile (convert-openmp-to-
/// llvm fails on a tile block argument of a worksharing loop's body).
mlir::LogicalResult lowerAmxTiles(mlir::Operation *root);

/// Whether the usmmla kernel takes `shape`: int8, M even, K % 8 == 0.
bool i8mmGemmTakes(const GemmShape &shape);

/// The usmmla kernel (I8mmGemm.cpp): buildLowBitGemm's signature and
/// packing, for shapes i8mmGemmTakes.
void buildI8mmGemm(mlir::ModuleOp module, llvm::StringRef name,
                   const GemmShape &shape);

/// Lowers a module of such kernels to the LLVM dialect, memrefs passed as
/// bare pointers: `void name(const uint8_t *A, const uint8_t *B, [const
/// float *scales,] C *out)`.
mlir::LogicalResult lowerKernelsToLLVM(mlir::ModuleOp module);

} // namespace quantc

#endif // QUANTC_KERNELS_LOWBITGEMM_H
