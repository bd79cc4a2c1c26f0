//===- QCShapeInference.h - ONNX shape rules --------------------*- C++ -*-===//
//
// Part of quantc. The shape rules of the ONNX ops that qc models, shared by
// the op verifiers and the ONNX importer. A dynamic extent is
// mlir::ShapedType::kDynamic; every function propagates it.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QC_IR_QCSHAPEINFERENCE_H
#define QUANTC_DIALECT_QC_IR_QCSHAPEINFERENCE_H

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>
#include <vector>

namespace quantc::qc {

using Shape = llvm::SmallVector<int64_t, 6>;

/// Whether two extents can describe the same dimension: equal, or either
/// dynamic.
bool extentsCompatible(int64_t a, int64_t b);

/// Whether two shapes of one rank are compatible extent by extent.
bool shapesCompatible(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);

/// ONNX multidirectional (numpy) broadcast of two shapes, or std::nullopt
/// when two static extents differ and neither is 1. A dynamic extent against
/// 1 stays dynamic; against a static N > 1 it becomes N.
std::optional<Shape> broadcastShapes(llvm::ArrayRef<int64_t> a,
                                     llvm::ArrayRef<int64_t> b);

/// Whether `from` broadcasts unidirectionally to `to` (ONNX Gemm's C,
/// LayerNormalization's scale).
bool broadcastsTo(llvm::ArrayRef<int64_t> from, llvm::ArrayRef<int64_t> to);

/// Result shape of ONNX MatMul, or std::nullopt on a contraction-extent or
/// batch mismatch (or a rank-0 operand).
std::optional<Shape> inferMatMulShape(llvm::ArrayRef<int64_t> lhs,
                                      llvm::ArrayRef<int64_t> rhs);

/// Spatial output extent of a convolution or pooling window:
/// floor-or-ceil((in + padBegin + padEnd - dilation*(kernel-1) - 1) / stride)
/// + 1. With ceilMode the last window must start inside the input or the
/// begin padding (ONNX/PyTorch rule). Returns kDynamic if `in` is dynamic
/// and 0 or less when the window does not fit.
int64_t windowOutputExtent(int64_t in, int64_t kernel, int64_t stride,
                           int64_t padBegin, int64_t padEnd, int64_t dilation,
                           bool ceilMode = false);

/// Extent of a dimension of `in` resized by `scale` (qc.resize, ONNX
/// Resize): floor(in * scale), a product within 1e-4 of an integer counting
/// as that integer (scales from `sizes` are rounded to float). kDynamic for
/// a dynamic `in`.
int64_t resizedExtent(int64_t in, float scale);

/// Spatial output extent of a transposed convolution.
int64_t transposedWindowOutputExtent(int64_t in, int64_t kernel,
                                     int64_t stride, int64_t padBegin,
                                     int64_t padEnd, int64_t dilation,
                                     int64_t outputPadding);

/// Extent of one axis of an ONNX Slice after clamping `start` and `end`.
/// `step` must be non-zero. Returns kDynamic for a dynamic `dim`.
int64_t sliceExtent(int64_t dim, int64_t start, int64_t end, int64_t step);

/// For each element of the slice `out` of a static `in` (row-major order),
/// its row-major position in `in`: index k of a sliced axis reads
/// start + k * step, start clamped as ONNX does. Axes may be negative.
std::vector<int64_t> sliceSourceIndices(llvm::ArrayRef<int64_t> in,
                                        llvm::ArrayRef<int64_t> out,
                                        llvm::ArrayRef<int64_t> starts,
                                        llvm::ArrayRef<int64_t> axes,
                                        llvm::ArrayRef<int64_t> steps);

/// Normalizes an axis in [-rank, rank) to [0, rank); std::nullopt when out
/// of range.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

/// Product of extents, or kDynamic if any is dynamic.
int64_t shapeProduct(llvm::ArrayRef<int64_t> shape);

/// Renders a shape as "[1, 3, ?, 224]" for diagnostics.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

} // namespace quantc::qc

#endif // QUANTC_DIALECT_QC_IR_QCSHAPEINFERENCE_H
