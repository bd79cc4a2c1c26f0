//===- QCBuilder.h - qc ops for importers that decompose a node -*- C++ -*-===//
//
// Part of quantc. Private to lib/Target/ONNX. The importers that build an
// ONNX node out of several qc ops (LSTM, Einsum, DepthToSpace, OneHot, ...)
// compute result types the same way; these helpers do it once.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_TARGET_ONNX_QCBUILDER_H
#define QUANTC_LIB_TARGET_ONNX_QCBUILDER_H

#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/IR/QCShapeInference.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace quantc::onnx_import {

class QCBuilder {
public:
  QCBuilder(mlir::OpBuilder &b, mlir::Location loc) : b(b), loc(loc) {}

  static llvm::ArrayRef<int64_t> shapeOf(mlir::Value x) {
    return mlir::cast<mlir::RankedTensorType>(x.getType()).getShape();
  }
  static mlir::Type elementOf(mlir::Value x) {
    return mlir::cast<mlir::RankedTensorType>(x.getType()).getElementType();
  }

  /// A splat constant of `shape` (a scalar when empty).
  mlir::Value splat(mlir::Type element, llvm::ArrayRef<int64_t> shape,
                    double value) {
    auto type = mlir::RankedTensorType::get(shape, element);
    mlir::Attribute attr =
        mlir::isa<mlir::FloatType>(element)
            ? mlir::Attribute(b.getFloatAttr(element, value))
            : mlir::Attribute(b.getIntegerAttr(element, int64_t(value)));
    return qc::ConstantOp::create(b, loc, type,
                                  mlir::DenseElementsAttr::get(type, attr));
  }
  /// A splat of an integer `element` (exact for every int64 value).
  mlir::Value splatInt(mlir::Type element, llvm::ArrayRef<int64_t> shape,
                       int64_t value) {
    auto type = mlir::RankedTensorType::get(shape, element);
    return qc::ConstantOp::create(
        b, loc, type,
        mlir::DenseElementsAttr::get(type, b.getIntegerAttr(element, value)));
  }
  /// 0, 1, ..., n-1 along `axis` of a rank-`rank` constant (extent 1
  /// elsewhere).
  mlir::Value iota(mlir::Type element, int64_t rank, int64_t axis, int64_t n) {
    llvm::SmallVector<int64_t> shape(rank, 1);
    shape[axis] = n;
    auto type = mlir::RankedTensorType::get(shape, element);
    llvm::SmallVector<mlir::Attribute> values;
    for (int64_t i = 0; i < n; ++i)
      values.push_back(mlir::isa<mlir::FloatType>(element)
                           ? mlir::Attribute(b.getFloatAttr(element, i))
                           : mlir::Attribute(b.getIntegerAttr(element, i)));
    return qc::ConstantOp::create(b, loc, type,
                                  mlir::DenseElementsAttr::get(type, values));
  }
  mlir::Value slice(mlir::Value x, int64_t axis, int64_t start, int64_t end) {
    llvm::SmallVector<int64_t> shape(shapeOf(x));
    shape[axis] = end - start;
    return qc::SliceOp::create(
        b, loc, mlir::RankedTensorType::get(shape, elementOf(x)), x,
        b.getDenseI64ArrayAttr({start}), b.getDenseI64ArrayAttr({end}),
        b.getDenseI64ArrayAttr({axis}), b.getDenseI64ArrayAttr({1}));
  }
  /// `count` elements along `axis` from `start`, `step` apart.
  mlir::Value stridedSlice(mlir::Value x, int64_t axis, int64_t start,
                           int64_t count, int64_t step) {
    llvm::SmallVector<int64_t> shape(shapeOf(x));
    shape[axis] = count;
    return qc::SliceOp::create(
        b, loc, mlir::RankedTensorType::get(shape, elementOf(x)), x,
        b.getDenseI64ArrayAttr({start}),
        b.getDenseI64ArrayAttr({start + (count - 1) * step + 1}),
        b.getDenseI64ArrayAttr({axis}), b.getDenseI64ArrayAttr({step}));
  }
  /// `x` extended (or, negative, cropped) along `axis` by `before` and
  /// `after` elements of `value`.
  mlir::Value padAxis(mlir::Value x, int64_t axis, int64_t before,
                      int64_t after, float value) {
    if (before == 0 && after == 0)
      return x;
    llvm::SmallVector<int64_t> shape(shapeOf(x));
    llvm::SmallVector<int64_t> pads(2 * shape.size(), 0);
    pads[axis] = before;
    pads[shape.size() + axis] = after;
    shape[axis] += before + after;
    return qc::PadOp::create(
        b, loc, mlir::RankedTensorType::get(shape, elementOf(x)), x,
        b.getDenseI64ArrayAttr(pads),
        qc::PadModeAttr::get(b.getContext(), qc::PadMode::constant),
        b.getF32FloatAttr(value));
  }
  mlir::Value reshape(mlir::Value x, llvm::ArrayRef<int64_t> shape) {
    if (shapeOf(x) == shape)
      return x;
    return qc::ReshapeOp::create(
        b, loc, mlir::RankedTensorType::get(shape, elementOf(x)), x);
  }
  mlir::Value transpose(mlir::Value x, llvm::ArrayRef<int64_t> perm) {
    llvm::ArrayRef<int64_t> in = shapeOf(x);
    llvm::SmallVector<int64_t> shape;
    for (int64_t p : perm)
      shape.push_back(in[p]);
    return qc::TransposeOp::create(
        b, loc, mlir::RankedTensorType::get(shape, elementOf(x)), x,
        b.getDenseI64ArrayAttr(perm));
  }
  /// `parts` (at least one) concatenated along `axis`.
  mlir::Value concat(llvm::ArrayRef<mlir::Value> parts, int64_t axis) {
    assert(!parts.empty() && "nothing to concatenate");
    if (parts.size() == 1)
      return parts.front();
    llvm::SmallVector<int64_t> shape(shapeOf(parts.front()));
    shape[axis] = 0;
    for (mlir::Value part : parts)
      shape[axis] += shapeOf(part)[axis];
    return qc::ConcatOp::create(
        b, loc, mlir::RankedTensorType::get(shape, elementOf(parts.front())),
        parts, b.getI64IntegerAttr(axis));
  }
  /// An elementwise binary op with ONNX broadcasting; the importers that
  /// use it build operands whose shapes broadcast.
  template <typename OpTy>
  mlir::Value binary(mlir::Value lhs, mlir::Value rhs) {
    std::optional<qc::Shape> shape =
        qc::broadcastShapes(shapeOf(lhs), shapeOf(rhs));
    assert(shape && "operand shapes do not broadcast");
    return OpTy::create(
        b, loc, mlir::RankedTensorType::get(*shape, elementOf(lhs)), lhs, rhs);
  }
  mlir::Value add(mlir::Value lhs, mlir::Value rhs) {
    return binary<qc::AddOp>(lhs, rhs);
  }
  mlir::Value sub(mlir::Value lhs, mlir::Value rhs) {
    return binary<qc::SubOp>(lhs, rhs);
  }
  mlir::Value mul(mlir::Value lhs, mlir::Value rhs) {
    return binary<qc::MulOp>(lhs, rhs);
  }
  mlir::Value div(mlir::Value lhs, mlir::Value rhs) {
    return binary<qc::DivOp>(lhs, rhs);
  }
  /// `lhs predicate rhs` as i1, shaped like `resultShape`.
  mlir::Value compare(qc::ComparePredicate predicate, mlir::Value lhs,
                      mlir::Value rhs, llvm::ArrayRef<int64_t> resultShape) {
    return qc::CompareOp::create(
        b, loc, mlir::RankedTensorType::get(resultShape, b.getI1Type()),
        qc::ComparePredicateAttr::get(b.getContext(), predicate), lhs, rhs,
        mlir::UnitAttr());
  }
  mlir::Value where(mlir::Value condition, mlir::Value x, mlir::Value y,
                    llvm::ArrayRef<int64_t> resultShape) {
    return qc::WhereOp::create(
        b, loc, mlir::RankedTensorType::get(resultShape, elementOf(x)),
        condition, x, y);
  }

  mlir::OpBuilder &b;
  mlir::Location loc;
};

} // namespace quantc::onnx_import

#endif // QUANTC_LIB_TARGET_ONNX_QCBUILDER_H
