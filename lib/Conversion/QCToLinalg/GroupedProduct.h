//===- GroupedProduct.h - products with int4 group-scaled weights -*- C++ -*-===//
//
// Part of quantc. Private to lib/Conversion/QCToLinalg. The contract
// (docs/Numerics.md) for u8 activations a (zero point za, scale sa) and
// int4 weights w [K][N] with scales s[g][n] per group of G along K:
//   d[m][g][n] = sum over k in group g of a[m][k] * w[k][n]   (exact i32)
//   c[m][n]    = fold over g ascending: c = fma(s[g][n], f32(d), c), c = 0
//   y[m][n]    = (c - corr[n]) * sa (+ bias[n]),
//   corr[n]    = f32(za * sum over k of w[k][n] * s[k / G][n]) (in double).
// The generated int4 kernel computes c exactly so; the generic loops too.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_CONVERSION_QCTOLINALG_GROUPEDPRODUCT_H
#define QUANTC_LIB_CONVERSION_QCTOLINALG_GROUPEDPRODUCT_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <optional>
#include <vector>

namespace quantc::lowering {

/// Int4 weights in groups along K, as a [K][N] matrix.
struct GroupedWeights {
  std::vector<int8_t> kn;
  std::vector<float> scales; // [K / group][N]
  int64_t k = 0, n = 0, group = 0;
};

/// The weights of a qc.qmatmul rhs [K, N] with blocks along K, or of a
/// pointwise qc.qconv2d [Cout, Cin, 1, 1] with blocks along Cin
/// (`pointwiseConv`): constant, symmetric, one scale per block and output
/// channel. nullopt otherwise.
std::optional<GroupedWeights> readGroupedWeights(mlir::Value weight,
                                                 bool pointwiseConv);

/// Success unless `op` is a qc.qmatmul / qc.qconv2d with blocked weights
/// the lowering cannot take; then an error on `op` says why.
mlir::LogicalResult checkBlockedWeights(mlir::Operation *op);

/// y [M][N] (f32) for the activation storage `rows` [M][K] (u8, or i8
/// when `lhsSigned`): through the int4 kernel `kernel` of `kernelColumns`
/// (N padded to its panels of `panelColumns`) when set (u8 only), else
/// generic loops; `bias` is an f32 [N] tensor or null.
mlir::Value groupedProduct(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value rows, const GroupedWeights &weights,
                           int64_t za, double sa, mlir::Value bias,
                           mlir::FlatSymbolRefAttr kernel,
                           int64_t kernelColumns, int64_t panelColumns,
                           bool lhsSigned);

} // namespace quantc::lowering

#endif // QUANTC_LIB_CONVERSION_QCTOLINALG_GROUPEDPRODUCT_H
