//===- QCFolders.cpp - qc op folders --------------------------------------===//
//
// Part of quantc. Folds that hold exactly (bit for bit) in IEEE arithmetic:
// identities with neutral constants, inverse shape ops, constant arithmetic
// on small `dense` constants of one shape. Large weights are
// `dense_resource` blobs and are never expanded here.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QC/IR/QCConstants.h"
#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/IR/QCShapeInference.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

#include <cstring>

using namespace mlir;
using namespace quantc::qc;

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

//===----------------------------------------------------------------------===//
// Elementwise arithmetic
//===----------------------------------------------------------------------===//

namespace {
/// Which constant an operand must be for an identity fold.
enum class Neutral { PositiveZero, NegativeZero, One };
} // namespace

/// Whether `attr` is a splat constant equal to `neutral`. Integer tensors
/// have one zero, so both zero kinds match it.
static bool isSplatOf(Attribute attr, Neutral neutral) {
  auto splat = dyn_cast_if_present<SplatElementsAttr>(attr);
  if (!splat)
    return false;
  if (isa<FloatType>(splat.getElementType())) {
    APFloat value = splat.getSplatValue<APFloat>();
    switch (neutral) {
    case Neutral::PositiveZero:
      return value.isPosZero();
    case Neutral::NegativeZero:
      return value.isNegZero();
    case Neutral::One:
      return value.isExactlyValue(1.0);
    }
  }
  APInt value = splat.getSplatValue<APInt>();
  return neutral == Neutral::One ? value.isOne() : value.isZero();
}

/// Returns `value` when folding to it keeps the result type (an identity
/// must not change the shape a broadcast would have produced).
static OpFoldResult foldToOperand(Operation *op, Value value) {
  return value.getType() == op->getResult(0).getType() ? value : Value();
}

/// Folds `lhs op rhs` for two non-splat-or-splat `dense` constants of the
/// result type, elementwise.
template <typename FloatFn, typename IntFn>
static Attribute foldConstants(Operation *op, Attribute lhsAttr,
                               Attribute rhsAttr, FloatFn floatFn,
                               IntFn intFn) {
  auto lhs = dyn_cast_if_present<DenseElementsAttr>(lhsAttr);
  auto rhs = dyn_cast_if_present<DenseElementsAttr>(rhsAttr);
  auto resultType = cast<ShapedType>(op->getResult(0).getType());
  if (!lhs || !rhs || lhs.getType() != resultType ||
      rhs.getType() != resultType)
    return {};
  if (isa<FloatType>(resultType.getElementType())) {
    SmallVector<APFloat> values;
    for (auto [a, b] :
         llvm::zip_equal(lhs.getValues<APFloat>(), rhs.getValues<APFloat>()))
      values.push_back(floatFn(a, b));
    return DenseElementsAttr::get(resultType, values);
  }
  SmallVector<APInt> values;
  for (auto [a, b] :
       llvm::zip_equal(lhs.getValues<APInt>(), rhs.getValues<APInt>())) {
    std::optional<APInt> value = intFn(a, b);
    if (!value)
      return {};
    values.push_back(*value);
  }
  return DenseElementsAttr::get(resultType, values);
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  // x + -0.0 == x for every x; x + +0.0 turns -0.0 into +0.0.
  bool isInt = isa<IntegerType>(getType().getElementType());
  Neutral zero = isInt ? Neutral::PositiveZero : Neutral::NegativeZero;
  if (isSplatOf(adaptor.getRhs(), zero))
    if (OpFoldResult folded = foldToOperand(*this, getLhs()))
      return folded;
  if (isSplatOf(adaptor.getLhs(), zero))
    if (OpFoldResult folded = foldToOperand(*this, getRhs()))
      return folded;
  return foldConstants(
      *this, adaptor.getLhs(), adaptor.getRhs(),
      [](APFloat a, const APFloat &b) {
        a.add(b, APFloat::rmNearestTiesToEven);
        return a;
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a + b;
      });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  if (isSplatOf(adaptor.getRhs(), Neutral::PositiveZero))
    if (OpFoldResult folded = foldToOperand(*this, getLhs()))
      return folded;
  return foldConstants(
      *this, adaptor.getLhs(), adaptor.getRhs(),
      [](APFloat a, const APFloat &b) {
        a.subtract(b, APFloat::rmNearestTiesToEven);
        return a;
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a - b;
      });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (isSplatOf(adaptor.getRhs(), Neutral::One))
    if (OpFoldResult folded = foldToOperand(*this, getLhs()))
      return folded;
  if (isSplatOf(adaptor.getLhs(), Neutral::One))
    if (OpFoldResult folded = foldToOperand(*this, getRhs()))
      return folded;
  return foldConstants(
      *this, adaptor.getLhs(), adaptor.getRhs(),
      [](APFloat a, const APFloat &b) {
        a.multiply(b, APFloat::rmNearestTiesToEven);
        return a;
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a * b;
      });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  if (isSplatOf(adaptor.getRhs(), Neutral::One))
    if (OpFoldResult folded = foldToOperand(*this, getLhs()))
      return folded;
  // Integer division is left alone: ONNX leaves its rounding and division
  // by zero to the backend.
  return foldConstants(
      *this, adaptor.getLhs(), adaptor.getRhs(),
      [](APFloat a, const APFloat &b) {
        a.divide(b, APFloat::rmNearestTiesToEven);
        return a;
      },
      [](const APInt &, const APInt &) -> std::optional<APInt> {
        return std::nullopt;
      });
}

OpFoldResult PowOp::fold(FoldAdaptor adaptor) {
  if (isSplatOf(adaptor.getRhs(), Neutral::One))
    return foldToOperand(*this, getLhs());
  return {};
}

/// max(x, x) == min(x, x) == x; constants fold with NaN propagating (ONNX
/// Max / Min). Integer constants are left alone: their signedness is not
/// in the signless type.
template <typename Op>
static OpFoldResult foldExtremum(Op op, Attribute lhs, Attribute rhs,
                                 bool maximum) {
  if (op.getLhs() == op.getRhs())
    if (OpFoldResult folded = foldToOperand(op, op.getLhs()))
      return folded;
  return foldConstants(
      op, lhs, rhs,
      [&](const APFloat &a, const APFloat &b) {
        return maximum ? llvm::maximum(a, b) : llvm::minimum(a, b);
      },
      [](const APInt &, const APInt &) -> std::optional<APInt> {
        return std::nullopt;
      });
}

OpFoldResult MaxOp::fold(FoldAdaptor adaptor) {
  return foldExtremum(*this, adaptor.getLhs(), adaptor.getRhs(), true);
}

OpFoldResult MinOp::fold(FoldAdaptor adaptor) {
  return foldExtremum(*this, adaptor.getLhs(), adaptor.getRhs(), false);
}

OpFoldResult AndOp::fold(FoldAdaptor) {
  return getLhs() == getRhs() ? foldToOperand(*this, getLhs()) : nullptr;
}

OpFoldResult OrOp::fold(FoldAdaptor) {
  return getLhs() == getRhs() ? foldToOperand(*this, getLhs()) : nullptr;
}

OpFoldResult XorOp::fold(FoldAdaptor) { return {}; }

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType() &&
      getInputUnsigned() == getResultUnsigned())
    return getInput();
  return {};
}

OpFoldResult ClipOp::fold(FoldAdaptor) {
  if (!getMin() && !getMax())
    return getInput();
  return {};
}

OpFoldResult HadamardOp::fold(FoldAdaptor) {
  // Q^T Q = I along one axis; the normalized Sylvester transform without
  // signs is also its own inverse (a Paley base or signs make Q not
  // symmetric).
  auto inner = getInput().getDefiningOp<HadamardOp>();
  if (!inner)
    return {};
  int64_t rank = getType().getRank();
  auto normalized = [rank](int64_t axis) {
    return axis < 0 ? axis + rank : axis;
  };
  if (normalized(inner.getAxis()) != normalized(getAxis()))
    return {};
  auto symmetric = [](HadamardOp op) {
    int64_t extent = op.getType().getDimSize(
        *normalizeAxis(op.getAxis(), op.getType().getRank()));
    return !op.getNegate() && llvm::isPowerOf2_64(extent);
  };
  bool inverse = inner.getTranspose() != getTranspose() &&
                 inner.getNegateAttr() == getNegateAttr();
  if (!inverse && !(symmetric(inner) && symmetric(*this)))
    return {};
  return inner.getInput();
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

/// A constant with its elements in row-major order under `type` (a
/// reshape, squeeze or unsqueeze of it); null if it is not a constant.
/// Resource blobs are shared, not copied.
static Attribute reshapedConstant(Attribute input, ShapedType type) {
  if (!type.hasStaticShape())
    return {};
  if (auto dense = dyn_cast_if_present<DenseElementsAttr>(input))
    return dense.reshape(type);
  if (auto blob = dyn_cast_if_present<DenseResourceElementsAttr>(input))
    return DenseResourceElementsAttr::get(type, blob.getRawHandle());
  return {};
}

/// Data movement folded on constants makes at most this many bytes (the
/// weights that exporters slice and concatenate, e.g. an LSTM's gates
/// reordered; not whole activations).
constexpr size_t kMaxFoldedBytes = size_t(1) << 28;

/// Whether a folded constant of `type` would be dynamic or too large.
static bool cannotFoldInto(ShapedType type) {
  return !type.hasStaticShape() ||
         type.getNumElements() * type.getElementTypeBitWidth() / 8 >
             int64_t(kMaxFoldedBytes);
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  // reshape(reshape(x)) only depends on x's elements in row-major order.
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  // Imported weights are resource blobs: the reshaped constant shares the
  // blob (a 1-D convolution's weight lifted to 2-D stays a constant the
  // quantizer sees).
  return reshapedConstant(adaptor.getInput(), getType());
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  if (llvm::equal(getPerm(), llvm::seq<int64_t>(0, getPerm().size())))
    return foldToOperand(*this, getInput());
  // transpose(transpose(x, inner), outer) == transpose(x, inner o outer).
  if (auto inner = getInput().getDefiningOp<TransposeOp>()) {
    SmallVector<int64_t> composed;
    for (int64_t p : getPerm())
      composed.push_back(inner.getPerm()[p]);
    getInputMutable().assign(inner.getInput());
    setPerm(composed);
    return getResult();
  }
  return {};
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1)
    return foldToOperand(*this, getInputs().front());
  // Constants concatenate into a constant: per index before the axis, each
  // input's block in turn.
  ShapedType type = getType();
  if (cannotFoldInto(type))
    return {};
  int64_t axis = getAxis() < 0 ? getAxis() + type.getRank() : getAxis();
  SmallVector<std::vector<char>> parts;
  for (auto [input, value] :
       llvm::zip_equal(getInputs(), adaptor.getInputs())) {
    std::optional<std::vector<char>> bytes =
        constantBytes(value, cast<ShapedType>(input.getType()));
    if (!bytes)
      return {};
    parts.push_back(std::move(*bytes));
  }
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= type.getDimSize(d);
  std::vector<char> result;
  result.reserve(type.getNumElements() * type.getElementTypeBitWidth() / 8);
  for (int64_t o = 0; o < outer; ++o)
    for (const std::vector<char> &part : parts) {
      size_t block = part.size() / outer;
      result.insert(result.end(), part.begin() + o * block,
                    part.begin() + (o + 1) * block);
    }
  return resourceAttr(type, result, "qc_concat");
}

OpFoldResult FlattenOp::fold(FoldAdaptor) {
  return foldToOperand(*this, getInput());
}

/// Normalized, sorted axes of a squeeze or unsqueeze over `rank` dims.
static SmallVector<int64_t> sortedAxes(ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> result;
  for (int64_t axis : axes)
    result.push_back(axis < 0 ? axis + rank : axis);
  llvm::sort(result);
  return result;
}

OpFoldResult SqueezeOp::fold(FoldAdaptor adaptor) {
  if (Attribute folded = reshapedConstant(adaptor.getInput(), getType()))
    return folded;
  if (auto unsqueeze = getInput().getDefiningOp<UnsqueezeOp>()) {
    int64_t rank = getInput().getType().getRank();
    if (!getAxes().empty() &&
        sortedAxes(getAxes(), rank) == sortedAxes(unsqueeze.getAxes(), rank))
      return foldToOperand(*this, unsqueeze.getInput());
  }
  return foldToOperand(*this, getInput());
}

OpFoldResult UnsqueezeOp::fold(FoldAdaptor adaptor) {
  if (Attribute folded = reshapedConstant(adaptor.getInput(), getType()))
    return folded;
  if (auto squeeze = getInput().getDefiningOp<SqueezeOp>()) {
    int64_t rank = getType().getRank();
    if (!squeeze.getAxes().empty() &&
        sortedAxes(getAxes(), rank) == sortedAxes(squeeze.getAxes(), rank))
      return foldToOperand(*this, squeeze.getInput());
  }
  return {};
}

OpFoldResult PadOp::fold(FoldAdaptor) {
  if (llvm::all_of(getPads(), [](int64_t pad) { return pad == 0; }))
    return foldToOperand(*this, getInput());
  return {};
}

/// The slice of a constant: output index k of a sliced axis reads
/// start + k * step (start clamped as ONNX does).
static Attribute sliceConstant(SliceOp op, Attribute input) {
  ShapedType inType = op.getInput().getType(), type = op.getType();
  if (cannotFoldInto(type))
    return {};
  std::optional<std::vector<char>> bytes = constantBytes(input, inType);
  if (!bytes)
    return {};
  size_t width = type.getElementTypeBitWidth() / 8;
  std::vector<char> result(type.getNumElements() * width);
  char *at = result.data();
  for (int64_t source :
       sliceSourceIndices(inType.getShape(), type.getShape(), op.getStarts(),
                          op.getAxes(), op.getSteps())) {
    std::memcpy(at, bytes->data() + source * width, width);
    at += width;
  }
  return resourceAttr(type, result, "qc_slice");
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  // With positive steps, a slice that keeps every static extent keeps every
  // element in order; a negative step would reverse them.
  if (getInput().getType() == getType() && getType().hasStaticShape() &&
      llvm::none_of(getSteps(), [](int64_t step) { return step < 0; }))
    return getInput();
  return sliceConstant(*this, adaptor.getInput());
}

//===----------------------------------------------------------------------===//
// Quantization ops
//===----------------------------------------------------------------------===//

OpFoldResult QuantizeOp::fold(FoldAdaptor) {
  // Quantizing a dequantized value with the same parameters is exact.
  if (auto dequantize = getInput().getDefiningOp<DequantizeOp>())
    if (dequantize.getInput().getType() == getType())
      return dequantize.getInput();
  return {};
}

OpFoldResult RequantizeOp::fold(FoldAdaptor) {
  return foldToOperand(*this, getInput());
}
