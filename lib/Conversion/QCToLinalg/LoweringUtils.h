//===- LoweringUtils.h - helpers for the qc to linalg lowering --*- C++ -*-===//
//
// Part of quantc. Private to lib/Conversion/QCToLinalg.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_CONVERSION_QCTOLINALG_LOWERINGUTILS_H
#define QUANTC_LIB_CONVERSION_QCTOLINALG_LOWERINGUTILS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

#include <algorithm>
#include <vector>

namespace quantc::lowering {

using BodyBuilder = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// A float constant of the given element type.
mlir::Value floatConstant(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Type type, double value);

/// Which NaN a float clamp keeps.
enum class ClampNaN {
  /// NaN in, NaN out: arith.maximumf / minimumf (ONNX's Clip, Relu), which
  /// x86 runs as vmaxps / vminps plus a NaN test and a blend.
  Propagate,
  /// NaN in, the bound out: `x > lo ? x : lo`, `x < hi ? x : hi`, one
  /// vmaxps / vminps each, for clamps whose NaN cannot reach the result.
  ToBound,
};

/// max(x, lo) and then min(., hi) of a float scalar; a null bound is
/// absent.
mlir::Value clampFloat(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                       mlir::Value lo, mlir::Value hi, ClampNaN nan);

/// A float or integer constant of the given type.
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type type, double value);

/// tensor.empty of a static type.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type);

/// A tensor of `type` filled with `value`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type, double value);

/// Elementwise linalg.generic producing `resultType` from `inputs`, which
/// broadcast to it with ONNX (numpy) rules: right-aligned, extent-1
/// dimensions repeat.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType resultType,
                             mlir::ValueRange inputs, BodyBuilder body);

/// Reshapes a statically shaped tensor to `shape` (same element count) via
/// collapse/expand_shape.
mlir::Value reshapeTo(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::Value input, llvm::ArrayRef<int64_t> shape);

enum class ReductionKind { Sum, Max, Prod };

/// Reduces `input` over `axes` (sorted, distinct) and keeps them as
/// extent-1 dimensions.
mlir::Value reduceKeepDims(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value input, llvm::ArrayRef<int64_t> axes,
                           ReductionKind kind);

/// Pads a tensor with a constant.
mlir::Value padConstant(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value input, llvm::ArrayRef<int64_t> low,
                        llvm::ArrayRef<int64_t> high, double value);

/// Convolution of an already padded NCHW input with an OIHW weight:
/// linalg.conv_2d_nchw_fchw, or conv_2d_ngchw_gfchw on reshaped operands
/// for groups. Float or integer (i32) element types.
mlir::Value convolveNCHW(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType resultType, mlir::Value input,
                         mlir::Value weight, llvm::ArrayRef<int64_t> strides,
                         llvm::ArrayRef<int64_t> dilations, int64_t group);

/// Calls the generated kernel `kernel` on the read-only buffers of
/// `operands` and a fresh [M][paddedN] result buffer of `element`, and
/// returns the result as a tensor cut to [M][N] (the kernel's columns past
/// N are padding). One-shot bufferization resolves the buffers.
mlir::Value callKernel(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::FlatSymbolRefAttr kernel,
                       mlir::ValueRange operands, mlir::Type element,
                       int64_t m, int64_t paddedN, int64_t n);

/// Rows [K][N] row-major widened to [K][paddedN] with zeros.
template <typename T>
std::vector<T> padColumns(llvm::ArrayRef<T> rows, int64_t k, int64_t n,
                          int64_t paddedN) {
  std::vector<T> padded(k * paddedN, T(0));
  for (int64_t r = 0; r < k; ++r)
    std::copy_n(rows.begin() + r * n, n, padded.begin() + r * paddedN);
  return padded;
}

/// The transpose of a static 2-D tensor (linalg.transpose).
mlir::Value transpose2D(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value value);

/// A dense i64 vector attribute, as linalg's convolution strides want.
mlir::DenseIntElementsAttr i64Vector(mlir::OpBuilder &b,
                                     llvm::ArrayRef<int64_t> values);

/// An arith.constant of `type` holding `bytes` as a 64-byte aligned
/// dense_resource blob named `name` (packed kernel operands).
mlir::Value blobConstant(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type, llvm::StringRef name,
                         llvm::ArrayRef<char> bytes);

/// The read-only buffer of a static tensor, for a kernel call (one-shot
/// bufferization resolves it).
mlir::Value readOnlyBuffer(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value tensor);

} // namespace quantc::lowering

#endif // QUANTC_LIB_CONVERSION_QCTOLINALG_LOWERINGUTILS_H
