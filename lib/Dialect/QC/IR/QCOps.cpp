//===- QCOps.cpp - qc op verifiers ----------------------------------------===//
//
// Part of quantc. Verifiers check facts local to each op: ranks, extents
// against the ONNX shape rules (QCShapeInference.h), attribute ranges and
// the legality of quantized element types (QCQuantTypes.h).
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/IR/QCHadamard.h"
#include "quantc/Dialect/QC/IR/QCQuantTypes.h"
#include "quantc/Dialect/QC/IR/QCShapeInference.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/SmallBitVector.h"

using namespace mlir;
using namespace quantc::qc;

//===----------------------------------------------------------------------===//
// Shared checks
//===----------------------------------------------------------------------===//

static RankedTensorType tensorType(Value value) {
  return cast<RankedTensorType>(value.getType());
}

/// Checks the result shape against the one the op's shape rule computes.
static LogicalResult verifyResultShape(Operation *op,
                                       ArrayRef<int64_t> expected) {
  ArrayRef<int64_t> actual = tensorType(op->getResult(0)).getShape();
  if (shapesCompatible(expected, actual))
    return success();
  return op->emitOpError("result shape ")
         << formatShape(actual) << " does not match the expected shape "
         << formatShape(expected);
}

/// Checks that every operand and the result share one element type.
static LogicalResult verifySameElementTypes(Operation *op) {
  Type expected = tensorType(op->getResult(0)).getElementType();
  for (Value operand : op->getOperands()) {
    Type actual = tensorType(operand).getElementType();
    if (actual != expected)
      return op->emitOpError("requires operands and result of one element "
                             "type, got ")
             << actual << " and " << expected;
  }
  return success();
}

/// Shape ops move elements without touching their values; they keep the
/// element type. Per-axis and blocked scales would have to move with the
/// data, which the ops do not model, so only per-tensor quantization passes.
static LogicalResult verifyDataMovement(Operation *op, Value input) {
  Type inputElement = tensorType(input).getElementType();
  Type resultElement = tensorType(op->getResult(0)).getElementType();
  if (inputElement != resultElement)
    return op->emitOpError("result element type ")
           << resultElement << " does not match input element type "
           << inputElement;
  if (auto quantized = dyn_cast<quant::QuantizedType>(inputElement))
    if (getGranularity(quantized) != QuantGranularity::PerTensor)
      return op->emitOpError("cannot move per-axis or sub-channel quantized "
                             "elements; requantize per tensor first");
  return success();
}

/// Checks an axis attribute against a rank and returns it normalized.
static FailureOr<int64_t> verifyAxis(Operation *op, int64_t axis, int64_t rank,
                                     StringRef what = "axis") {
  std::optional<int64_t> normalized = normalizeAxis(axis, rank);
  if (!normalized)
    return op->emitOpError()
           << what << " " << axis << " is out of range for rank " << rank;
  return *normalized;
}

/// Normalizes a list of distinct axes; fails on range errors or repeats.
static FailureOr<SmallVector<int64_t>>
verifyAxes(Operation *op, ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> normalized;
  llvm::SmallBitVector seen(rank);
  for (int64_t axis : axes) {
    FailureOr<int64_t> n = verifyAxis(op, axis, rank);
    if (failed(n))
      return failure();
    if (seen.test(*n))
      return op->emitOpError("axis ") << axis << " is repeated";
    seen.set(*n);
    normalized.push_back(*n);
  }
  return normalized;
}

static LogicalResult verifyRank(Operation *op, Value value, int64_t rank,
                                StringRef what) {
  int64_t actual = tensorType(value).getRank();
  if (actual == rank)
    return success();
  return op->emitOpError("expects ")
         << what << " of rank " << rank << ", got rank " << actual;
}

/// Checks that an attribute array has `size` entries, each at least `min`.
static LogicalResult verifyArrayAttr(Operation *op, StringRef name,
                                     ArrayRef<int64_t> values, size_t size,
                                     int64_t min) {
  if (values.size() != size)
    return op->emitOpError() << name << " must have " << size
                             << " entries, got " << values.size();
  for (int64_t value : values)
    if (value < min)
      return op->emitOpError() << name << " entries must be at least " << min
                               << ", got " << value;
  return success();
}

//===----------------------------------------------------------------------===//
// Convolution and pooling
//===----------------------------------------------------------------------===//

namespace {
/// The attributes of a 2-D convolution, plain or transposed.
struct ConvGeometry {
  ArrayRef<int64_t> strides, pads, dilations, outputPadding;
  int64_t group;
  bool transposed;
};
} // namespace

/// Checks ranks, channel counts, bias and result shape of a 2-D convolution
/// (NCHW input, OIHW weight; IOHW for the transposed form).
static LogicalResult verifyConv2D(Operation *op, Value input, Value weight,
                                  Value bias, const ConvGeometry &geometry) {
  if (failed(verifyRank(op, input, 4, "an input (NCHW)")) ||
      failed(verifyRank(op, weight, 4, "a weight")) ||
      failed(verifyArrayAttr(op, "strides", geometry.strides, 2, 1)) ||
      failed(verifyArrayAttr(op, "pads", geometry.pads, 4, 0)) ||
      failed(verifyArrayAttr(op, "dilations", geometry.dilations, 2, 1)))
    return failure();
  if (geometry.group < 1)
    return op->emitOpError("group must be positive, got ") << geometry.group;
  ArrayRef<int64_t> in = tensorType(input).getShape();
  ArrayRef<int64_t> w = tensorType(weight).getShape();
  int64_t group = geometry.group;
  int64_t channels = in[1];
  int64_t outChannels;
  if (geometry.transposed) {
    if (failed(verifyArrayAttr(op, "output_padding", geometry.outputPadding, 2,
                               0)))
      return failure();
    for (int i = 0; i < 2; ++i)
      if (geometry.outputPadding[i] >=
          std::max(geometry.strides[i], geometry.dilations[i]))
        return op->emitOpError("output_padding must be less than the stride "
                               "or the dilation");
    if (!extentsCompatible(w[0], channels))
      return op->emitOpError("weight dimension 0 (")
             << w[0] << ") must equal the input channels (" << channels << ")";
    outChannels = ShapedType::isDynamic(w[1]) ? w[1] : w[1] * group;
  } else {
    int64_t perGroup = ShapedType::isDynamic(channels) || channels % group
                           ? ShapedType::kDynamic
                           : channels / group;
    if (!ShapedType::isDynamic(channels) && channels % group != 0)
      return op->emitOpError("input channels (")
             << channels << ") must be divisible by group (" << group << ")";
    if (!extentsCompatible(w[1], perGroup))
      return op->emitOpError("weight dimension 1 (")
             << w[1] << ") must equal input channels / group (" << perGroup
             << ")";
    if (!ShapedType::isDynamic(w[0]) && w[0] % group != 0)
      return op->emitOpError("output channels (")
             << w[0] << ") must be divisible by group (" << group << ")";
    outChannels = w[0];
  }
  if (bias) {
    if (failed(verifyRank(op, bias, 1, "a bias")))
      return failure();
    int64_t biasExtent = tensorType(bias).getDimSize(0);
    if (!extentsCompatible(biasExtent, outChannels))
      return op->emitOpError("bias has ")
             << biasExtent << " elements, expected one per output channel ("
             << outChannels << ")";
  }
  Shape expected = {in[0], outChannels};
  for (int i = 0; i < 2; ++i) {
    int64_t extent =
        geometry.transposed
            ? transposedWindowOutputExtent(
                  in[2 + i], w[2 + i], geometry.strides[i], geometry.pads[i],
                  geometry.pads[2 + i], geometry.dilations[i],
                  geometry.outputPadding[i])
            : windowOutputExtent(in[2 + i], w[2 + i], geometry.strides[i],
                                 geometry.pads[i], geometry.pads[2 + i],
                                 geometry.dilations[i]);
    if (ShapedType::isDynamic(w[2 + i]))
      extent = ShapedType::kDynamic;
    if (!ShapedType::isDynamic(extent) && extent <= 0)
      return op->emitOpError("kernel does not fit the padded input in "
                             "spatial dimension ")
             << i;
    expected.push_back(extent);
  }
  return verifyResultShape(op, expected);
}

LogicalResult Conv2DOp::verify() {
  if (failed(verifySameElementTypes(*this)))
    return failure();
  return verifyConv2D(*this, getInput(), getWeight(), getBias(),
                      {getStrides(),
                       getPads(),
                       getDilations(),
                       {},
                       static_cast<int64_t>(getGroup()),
                       /*transposed=*/false});
}

LogicalResult ConvTranspose2DOp::verify() {
  if (failed(verifySameElementTypes(*this)))
    return failure();
  return verifyConv2D(*this, getInput(), getWeight(), getBias(),
                      {getStrides(), getPads(), getDilations(),
                       getOutputPadding(), static_cast<int64_t>(getGroup()),
                       /*transposed=*/true});
}

/// Checks a 2-D pooling op's window attributes and result shape.
static LogicalResult verifyPool2D(Operation *op, Value input,
                                  ArrayRef<int64_t> kernel,
                                  ArrayRef<int64_t> strides,
                                  ArrayRef<int64_t> pads,
                                  ArrayRef<int64_t> dilations, bool ceilMode) {
  if (failed(verifySameElementTypes(op)) ||
      failed(verifyRank(op, input, 4, "an input (NCHW)")) ||
      failed(verifyArrayAttr(op, "kernel_shape", kernel, 2, 1)) ||
      failed(verifyArrayAttr(op, "strides", strides, 2, 1)) ||
      failed(verifyArrayAttr(op, "pads", pads, 4, 0)) ||
      failed(verifyArrayAttr(op, "dilations", dilations, 2, 1)))
    return failure();
  for (int i = 0; i < 2; ++i)
    if (pads[i] >= kernel[i] || pads[2 + i] >= kernel[i])
      return op->emitOpError("pads must be smaller than the kernel");
  ArrayRef<int64_t> in = tensorType(input).getShape();
  Shape expected = {in[0], in[1]};
  for (int i = 0; i < 2; ++i) {
    int64_t extent =
        windowOutputExtent(in[2 + i], kernel[i], strides[i], pads[i],
                           pads[2 + i], dilations[i], ceilMode);
    if (!ShapedType::isDynamic(extent) && extent <= 0)
      return op->emitOpError("window does not fit the padded input in "
                             "spatial dimension ")
             << i;
    expected.push_back(extent);
  }
  return verifyResultShape(op, expected);
}

LogicalResult MaxPool2DOp::verify() {
  return verifyPool2D(*this, getInput(), getKernelShape(), getStrides(),
                      getPads(), getDilations(), getCeilMode());
}

LogicalResult AvgPool2DOp::verify() {
  static constexpr int64_t kUnitDilations[] = {1, 1};
  return verifyPool2D(*this, getInput(), getKernelShape(), getStrides(),
                      getPads(), kUnitDilations, getCeilMode());
}

LogicalResult GlobalAvgPoolOp::verify() {
  if (failed(verifySameElementTypes(*this)))
    return failure();
  ArrayRef<int64_t> in = getInput().getType().getShape();
  if (in.size() < 3)
    return emitOpError("expects an input of rank at least 3, got rank ")
           << in.size();
  Shape expected(in.size(), 1);
  expected[0] = in[0];
  expected[1] = in[1];
  return verifyResultShape(*this, expected);
}

//===----------------------------------------------------------------------===//
// Linear algebra and normalization
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::verify() {
  if (failed(verifySameElementTypes(*this)))
    return failure();
  ArrayRef<int64_t> lhs = getLhs().getType().getShape();
  ArrayRef<int64_t> rhs = getRhs().getType().getShape();
  std::optional<Shape> expected = inferMatMulShape(lhs, rhs);
  if (!expected)
    return emitOpError("operand shapes ")
           << formatShape(lhs) << " and " << formatShape(rhs)
           << " are incompatible for a matrix product";
  return verifyResultShape(*this, *expected);
}

LogicalResult GemmOp::verify() {
  if (failed(verifySameElementTypes(*this)) ||
      failed(verifyRank(*this, getA(), 2, "A")) ||
      failed(verifyRank(*this, getB(), 2, "B")))
    return failure();
  ArrayRef<int64_t> a = getA().getType().getShape();
  ArrayRef<int64_t> b = getB().getType().getShape();
  int64_t m = getTransA() ? a[1] : a[0], k = getTransA() ? a[0] : a[1];
  int64_t kB = getTransB() ? b[1] : b[0], n = getTransB() ? b[0] : b[1];
  if (!extentsCompatible(k, kB))
    return emitOpError("contraction extents differ: ")
           << k << " in A and " << kB << " in B";
  Shape expected = {m, n};
  if (Value c = getC()) {
    ArrayRef<int64_t> cShape = tensorType(c).getShape();
    if (!broadcastsTo(cShape, expected))
      return emitOpError("C of shape ")
             << formatShape(cShape) << " does not broadcast to "
             << formatShape(expected);
  }
  return verifyResultShape(*this, expected);
}

/// Checks that the result shape is the ONNX broadcast of `operands`.
static LogicalResult verifyBroadcastResult(Operation *op, ValueRange operands) {
  std::optional<Shape> expected = Shape();
  for (Value operand : operands) {
    expected = broadcastShapes(*expected, tensorType(operand).getShape());
    if (!expected)
      return op->emitOpError("operand shapes do not broadcast");
  }
  return verifyResultShape(op, *expected);
}

/// ArgMax / ArgMin: a valid axis, and the input shape with that axis
/// reduced (kept as 1 with keepdims).
template <typename Op> static LogicalResult verifyArgReduce(Op op) {
  ArrayRef<int64_t> in = op.getInput().getType().getShape();
  std::optional<int64_t> axis = normalizeAxis(op.getAxis(), in.size());
  if (!axis)
    return op.emitOpError("axis ") << op.getAxis() << " is out of range";
  Shape expected;
  for (int64_t d = 0; d < int64_t(in.size()); ++d)
    if (d != *axis)
      expected.push_back(in[d]);
    else if (op.getKeepdims())
      expected.push_back(1);
  return verifyResultShape(op, expected);
}

LogicalResult ArgMaxOp::verify() { return verifyArgReduce(*this); }
LogicalResult ArgMinOp::verify() { return verifyArgReduce(*this); }

LogicalResult GatherElementsOp::verify() {
  RankedTensorType data = getData().getType();
  RankedTensorType indices = getIndices().getType();
  if (!normalizeAxis(getAxis(), data.getRank()))
    return emitOpError("axis ") << getAxis() << " is out of range";
  if (data.getRank() != indices.getRank())
    return emitOpError("data and indices must have one rank");
  if (getType().getElementType() != data.getElementType())
    return emitOpError("result element type must be the data's");
  return verifyResultShape(*this, indices.getShape());
}

LogicalResult CompareOp::verify() {
  if (getLhs().getType().getElementType() !=
      getRhs().getType().getElementType())
    return emitOpError("compares operands of one element type, got ")
           << getLhs().getType().getElementType() << " and "
           << getRhs().getType().getElementType();
  return verifyBroadcastResult(*this, {getLhs(), getRhs()});
}

LogicalResult WhereOp::verify() {
  Type element = getType().getElementType();
  if (getX().getType().getElementType() != element ||
      getY().getType().getElementType() != element)
    return emitOpError("requires x, y and the result of one element type");
  return verifyBroadcastResult(*this, {getCondition(), getX(), getY()});
}

LogicalResult ClipOp::verify() {
  if (getMin() && getMax() &&
      getMinAttr().getValueAsDouble() > getMaxAttr().getValueAsDouble())
    return emitOpError("min (")
           << getMinAttr().getValueAsDouble() << ") exceeds max ("
           << getMaxAttr().getValueAsDouble() << ")";
  return success();
}

LogicalResult SoftmaxOp::verify() {
  return verifyAxis(*this, getAxis(), getInput().getType().getRank());
}

LogicalResult LogMatMulOp::verify() {
  ArrayRef<int64_t> a = getLhs().getType().getShape(),
                    v = getRhs().getType().getShape(), y = getType().getShape();
  int64_t rank = int64_t(a.size());
  if (rank < 3 || int64_t(v.size()) != rank || int64_t(y.size()) != rank)
    return emitOpError("operands and result must have one rank of at least 3");
  SmallVector<int64_t> expected(a.drop_back());
  expected.push_back(v.back());
  if (a.drop_back(2) != v.drop_back(2) || a.back() != v[rank - 2] ||
      ArrayRef<int64_t>(expected) != y)
    return emitOpError("expects [..., M, K] x [..., K, N] -> [..., M, N]");
  int64_t bits = int64_t(getBits()), fraction = int64_t(getFractionBits());
  if (bits < 2 || bits > 8)
    return emitOpError("bits must be 2 to 8, got ") << bits;
  if (fraction < 0 || fraction > 22)
    return emitOpError("fraction_bits must be 0 to 22, got ") << fraction;
  int64_t zero = int64_t(getVZeroPoint());
  if (zero < 0 || zero >= (int64_t(1) << bits) ||
      !(getVScale().convertToDouble() > 0))
    return emitOpError("v_scale must be positive and v_zero_point on the "
                       "grid");
  return success();
}

LogicalResult HadamardOp::verify() {
  RankedTensorType type = getInput().getType();
  FailureOr<int64_t> axis = verifyAxis(*this, getAxis(), type.getRank());
  if (failed(axis))
    return failure();
  int64_t extent = type.getDimSize(*axis);
  if (ShapedType::isDynamic(extent))
    return emitOpError("axis ") << *axis << " must have a static extent";
  if (!factorHadamardSize(extent))
    return emitOpError("extent ")
           << extent << " of axis " << *axis
           << " has no Hadamard matrix (it must be 2^k, or m * 2^k with a "
              "Paley base m <= "
           << kMaxHadamardBase << " such as 12, 20, 28 or 60)";
  if (std::optional<ArrayRef<bool>> negate = getNegate())
    if (int64_t(negate->size()) != extent)
      return emitOpError("negate has ")
             << negate->size() << " entries for extent " << extent;
  return success();
}

LogicalResult LayerNormOp::verify() {
  if (failed(verifySameElementTypes(*this)))
    return failure();
  RankedTensorType type = getInput().getType();
  FailureOr<int64_t> axis = verifyAxis(*this, getAxis(), type.getRank());
  if (failed(axis))
    return failure();
  ArrayRef<int64_t> normalized = type.getShape().drop_front(*axis);
  for (Value param : {getScale(), getBias()}) {
    if (!param)
      continue;
    ArrayRef<int64_t> shape = tensorType(param).getShape();
    if (!broadcastsTo(shape, normalized))
      return emitOpError("scale and bias must broadcast to the normalized "
                         "shape ")
             << formatShape(normalized) << ", got " << formatShape(shape);
  }
  return verifyResultShape(*this, type.getShape());
}

LogicalResult BatchNormOp::verify() {
  if (failed(verifySameElementTypes(*this)))
    return failure();
  RankedTensorType type = getInput().getType();
  if (type.getRank() < 2)
    return emitOpError("expects an input of rank at least 2, got rank ")
           << type.getRank();
  int64_t channels = type.getDimSize(1);
  for (Value param : {getScale(), getBias(), getMean(), getVariance()}) {
    RankedTensorType paramType = tensorType(param);
    if (paramType.getRank() != 1 ||
        !extentsCompatible(paramType.getDimSize(0), channels))
      return emitOpError("scale, bias, mean and variance must have one "
                         "element per channel (")
             << channels << "), got " << formatShape(paramType.getShape());
  }
  return verifyResultShape(*this, type.getShape());
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

/// Checks the axes and result shape of a reduction.
static LogicalResult verifyReduction(Operation *op, Value input,
                                     ArrayRef<int64_t> axes, bool keepdims) {
  if (failed(verifySameElementTypes(op)))
    return failure();
  ArrayRef<int64_t> in = tensorType(input).getShape();
  FailureOr<SmallVector<int64_t>> normalized = verifyAxes(op, axes, in.size());
  if (failed(normalized))
    return failure();
  llvm::SmallBitVector reduced(in.size(), normalized->empty());
  for (int64_t axis : *normalized)
    reduced.set(axis);
  Shape expected;
  for (size_t i = 0; i < in.size(); ++i) {
    if (!reduced.test(i))
      expected.push_back(in[i]);
    else if (keepdims)
      expected.push_back(1);
  }
  return verifyResultShape(op, expected);
}

LogicalResult ReduceMeanOp::verify() {
  return verifyReduction(*this, getInput(), getAxes(), getKeepdims());
}
LogicalResult ReduceSumOp::verify() {
  return verifyReduction(*this, getInput(), getAxes(), getKeepdims());
}
LogicalResult ReduceMaxOp::verify() {
  return verifyReduction(*this, getInput(), getAxes(), getKeepdims());
}
LogicalResult ReduceProdOp::verify() {
  return verifyReduction(*this, getInput(), getAxes(), getKeepdims());
}

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  if (failed(verifyDataMovement(*this, getInput())))
    return failure();
  int64_t inCount = shapeProduct(getInput().getType().getShape());
  int64_t outCount = shapeProduct(getType().getShape());
  if (!extentsCompatible(inCount, outCount))
    return emitOpError("cannot reshape ")
           << inCount << " elements into " << outCount;
  return success();
}

LogicalResult TransposeOp::verify() {
  if (failed(verifyDataMovement(*this, getInput())))
    return failure();
  ArrayRef<int64_t> in = getInput().getType().getShape();
  ArrayRef<int64_t> perm = getPerm();
  if (perm.size() != in.size())
    return emitOpError("perm has ")
           << perm.size() << " entries, expected the input rank " << in.size();
  llvm::SmallBitVector seen(in.size());
  Shape expected;
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(in.size()) || seen.test(p))
      return emitOpError("perm must be a permutation of [0, ")
             << in.size() << ")";
    seen.set(p);
    expected.push_back(in[p]);
  }
  return verifyResultShape(*this, expected);
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  RankedTensorType first = tensorType(getInputs().front());
  int64_t rank = first.getRank();
  FailureOr<int64_t> axis = verifyAxis(*this, getAxis(), rank);
  if (failed(axis))
    return failure();
  Shape expected(first.getShape());
  expected[*axis] = 0;
  for (Value input : getInputs()) {
    if (failed(verifyDataMovement(*this, input)))
      return failure();
    RankedTensorType type = tensorType(input);
    if (type.getRank() != rank)
      return emitOpError("inputs must have one rank, got ")
             << rank << " and " << type.getRank();
    for (int64_t d = 0; d < rank; ++d) {
      int64_t extent = type.getDimSize(d);
      if (d == *axis) {
        expected[d] =
            ShapedType::isDynamic(extent) || ShapedType::isDynamic(expected[d])
                ? ShapedType::kDynamic
                : expected[d] + extent;
      } else if (!extentsCompatible(expected[d], extent)) {
        return emitOpError("inputs differ in dimension ")
               << d << " (" << expected[d] << " vs " << extent << ")";
      } else if (ShapedType::isDynamic(expected[d])) {
        expected[d] = extent;
      }
    }
  }
  return verifyResultShape(*this, expected);
}

LogicalResult FlattenOp::verify() {
  if (failed(verifyDataMovement(*this, getInput())))
    return failure();
  ArrayRef<int64_t> in = getInput().getType().getShape();
  int64_t rank = in.size();
  int64_t axis = getAxis();
  // Flatten accepts axis == rank (everything goes to the outer extent).
  if (axis < -rank || axis > rank)
    return emitOpError("axis ") << axis << " is out of range for rank " << rank;
  if (axis < 0)
    axis += rank;
  Shape expected = {shapeProduct(in.take_front(axis)),
                    shapeProduct(in.drop_front(axis))};
  return verifyResultShape(*this, expected);
}

LogicalResult SqueezeOp::verify() {
  if (failed(verifyDataMovement(*this, getInput())))
    return failure();
  ArrayRef<int64_t> in = getInput().getType().getShape();
  FailureOr<SmallVector<int64_t>> axes =
      verifyAxes(*this, getAxes(), in.size());
  if (failed(axes))
    return failure();
  llvm::SmallBitVector squeezed(in.size());
  for (int64_t axis : *axes) {
    if (!extentsCompatible(in[axis], 1))
      return emitOpError("cannot squeeze dimension ")
             << axis << " of extent " << in[axis];
    squeezed.set(axis);
  }
  // Without axes every static extent-1 dimension goes.
  if (axes->empty())
    for (size_t i = 0; i < in.size(); ++i)
      if (in[i] == 1)
        squeezed.set(i);
  Shape expected;
  for (size_t i = 0; i < in.size(); ++i)
    if (!squeezed.test(i))
      expected.push_back(in[i]);
  return verifyResultShape(*this, expected);
}

LogicalResult UnsqueezeOp::verify() {
  if (failed(verifyDataMovement(*this, getInput())))
    return failure();
  ArrayRef<int64_t> in = getInput().getType().getShape();
  int64_t outRank = in.size() + getAxes().size();
  FailureOr<SmallVector<int64_t>> axes = verifyAxes(*this, getAxes(), outRank);
  if (failed(axes))
    return failure();
  if (axes->empty())
    return emitOpError("needs at least one axis");
  llvm::SmallBitVector inserted(outRank);
  for (int64_t axis : *axes)
    inserted.set(axis);
  Shape expected;
  for (int64_t i = 0, next = 0; i < outRank; ++i)
    expected.push_back(inserted.test(i) ? 1 : in[next++]);
  return verifyResultShape(*this, expected);
}

LogicalResult SliceOp::verify() {
  if (failed(verifyDataMovement(*this, getInput())))
    return failure();
  ArrayRef<int64_t> in = getInput().getType().getShape();
  size_t count = getAxes().size();
  if (getStarts().size() != count || getEnds().size() != count ||
      getSteps().size() != count)
    return emitOpError("starts, ends, axes and steps must have one length");
  FailureOr<SmallVector<int64_t>> axes =
      verifyAxes(*this, getAxes(), in.size());
  if (failed(axes))
    return failure();
  Shape expected(in);
  for (size_t i = 0; i < count; ++i) {
    if (getSteps()[i] == 0)
      return emitOpError("steps must be non-zero");
    int64_t axis = (*axes)[i];
    expected[axis] =
        sliceExtent(in[axis], getStarts()[i], getEnds()[i], getSteps()[i]);
  }
  return verifyResultShape(*this, expected);
}

LogicalResult ResizeOp::verify() {
  if (failed(verifySameElementTypes(*this)))
    return failure();
  ArrayRef<int64_t> in = getInput().getType().getShape();
  ArrayRef<float> scales = getScales();
  if (scales.size() != in.size())
    return emitOpError("scales has ")
           << scales.size() << " entries, expected the input rank "
           << in.size();
  Shape expected;
  for (auto [extent, scale] : llvm::zip_equal(in, scales)) {
    if (!(scale > 0.0f))
      return emitOpError("scales must be positive, got ") << scale;
    expected.push_back(resizedExtent(extent, scale));
  }
  if (getCubicCoeffA().convertToFloat() != -0.75f &&
      getMode() != ResizeMode::cubic)
    return emitOpError("cubic_coeff_a applies to cubic mode only");
  return verifyResultShape(*this, expected);
}

LogicalResult PadOp::verify() {
  if (failed(verifySameElementTypes(*this)))
    return failure();
  ArrayRef<int64_t> in = getInput().getType().getShape();
  ArrayRef<int64_t> pads = getPads();
  int64_t rank = in.size();
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return emitOpError("pads has ")
           << pads.size() << " entries, expected twice the rank (" << 2 * rank
           << ")";
  Shape expected;
  for (int64_t d = 0; d < rank; ++d) {
    if (ShapedType::isDynamic(in[d])) {
      expected.push_back(ShapedType::kDynamic);
      continue;
    }
    int64_t extent = in[d] + pads[d] + pads[rank + d];
    if (extent < 0)
      return emitOpError("pads crop dimension ") << d << " below zero";
    if (getMode() == PadMode::reflect &&
        (pads[d] >= in[d] || pads[rank + d] >= in[d]))
      return emitOpError("reflect padding must be smaller than dimension ")
             << d << " (" << in[d] << ")";
    expected.push_back(extent);
  }
  return verifyResultShape(*this, expected);
}

LogicalResult SplitOp::verify() {
  if (getResults().empty())
    return emitOpError("needs at least one result");
  ArrayRef<int64_t> in = getInput().getType().getShape();
  FailureOr<int64_t> axis = verifyAxis(*this, getAxis(), in.size());
  if (failed(axis))
    return failure();
  int64_t total = 0;
  for (Value result : getResults()) {
    auto type = tensorType(result);
    if (type.getElementType() != getInput().getType().getElementType())
      return emitOpError("results must have the input's element type");
    if (type.getRank() != static_cast<int64_t>(in.size()))
      return emitOpError("results must have the input's rank");
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (d != *axis && !extentsCompatible(type.getDimSize(d), in[d]))
        return emitOpError("result dimension ")
               << d << " (" << type.getDimSize(d)
               << ") differs from the input's (" << in[d] << ")";
    int64_t extent = type.getDimSize(*axis);
    total = ShapedType::isDynamic(extent) || ShapedType::isDynamic(total)
                ? ShapedType::kDynamic
                : total + extent;
  }
  if (!extentsCompatible(total, in[*axis]))
    return emitOpError("pieces add up to ")
           << total << " along axis " << *axis << ", but the input has "
           << in[*axis];
  return success();
}

LogicalResult GatherOp::verify() {
  if (failed(verifyDataMovement(*this, getData())))
    return failure();
  ArrayRef<int64_t> data = getData().getType().getShape();
  FailureOr<int64_t> axis = verifyAxis(*this, getAxis(), data.size());
  if (failed(axis))
    return failure();
  Shape expected(data.take_front(*axis));
  llvm::append_range(expected, getIndices().getType().getShape());
  llvm::append_range(expected, data.drop_front(*axis + 1));
  return verifyResultShape(*this, expected);
}

//===----------------------------------------------------------------------===//
// Quantization ops
//===----------------------------------------------------------------------===//

LogicalResult ObserveOp::verify() {
  if (getName().empty())
    return emitOpError("needs a non-empty name");
  if (std::optional<ArrayRef<double>> range = getRange()) {
    if (range->size() != 2)
      return emitOpError("range must be [lo, hi], got ")
             << range->size() << " entries";
    if (!((*range)[0] <= 0.0 && 0.0 <= (*range)[1]))
      return emitOpError("range must hold zero: lo <= 0 <= hi");
  }
  if (std::optional<ArrayRef<double>> mean = getChannelMean())
    if (mean->empty() ||
        !llvm::all_of(*mean, [](double v) { return std::isfinite(v); }))
      return emitOpError("channel_mean must be a non-empty list of finite "
                         "values");
  for (auto [what, ranges] :
       {std::pair{"channel_range", getChannelRange()},
        std::pair{"channel_extremes", getChannelExtremes()}}) {
    if (!ranges)
      continue;
    if (ranges->empty() || ranges->size() % 2 != 0)
      return emitOpError(what) << " must hold [lo, hi] pairs, got "
                               << ranges->size() << " entries";
    bool holdsZero = StringRef(what) == "channel_range";
    for (size_t i = 0; i < ranges->size(); i += 2) {
      double lo = (*ranges)[i], hi = (*ranges)[i + 1];
      if (holdsZero && !(lo <= 0.0 && 0.0 <= hi))
        return emitOpError(what)
               << " pair " << i / 2 << " must hold zero: lo <= 0 <= hi";
      if (!(lo <= hi))
        return emitOpError(what) << " pair " << i / 2 << " must have lo <= hi";
    }
  }
  if (std::optional<ArrayRef<double>> moment = getChannelSecondMoment()) {
    auto side = static_cast<size_t>(std::llround(std::sqrt(moment->size())));
    if (moment->empty() || side * side != moment->size() ||
        !llvm::all_of(*moment, [](double v) { return std::isfinite(v); }))
      return emitOpError("channel_second_moment must be a square matrix of "
                         "finite values, got ")
             << moment->size() << " entries";
  }
  return success();
}

/// Checks a float <-> quantized conversion: one shape, the quantized type's
/// expressed type equal to the float element type, and a legal quantized
/// tensor type.
static LogicalResult verifyConversion(Operation *op, RankedTensorType floatType,
                                      RankedTensorType quantizedType) {
  if (!shapesCompatible(floatType.getShape(), quantizedType.getShape()))
    return op->emitOpError("input and result shapes differ: ")
           << formatShape(floatType.getShape()) << " vs "
           << formatShape(quantizedType.getShape());
  auto element = cast<quant::QuantizedType>(quantizedType.getElementType());
  if (element.getExpressedType() != floatType.getElementType())
    return op->emitOpError("expressed type ")
           << element.getExpressedType() << " does not match float type "
           << floatType.getElementType();
  return verifyQuantizedTensorType(quantizedType,
                                   [op] { return op->emitOpError(); });
}

LogicalResult QuantizeOp::verify() {
  return verifyConversion(*this, getInput().getType(), getType());
}

LogicalResult DequantizeOp::verify() {
  return verifyConversion(*this, getType(), getInput().getType());
}

LogicalResult RequantizeOp::verify() {
  RankedTensorType in = getInput().getType(), out = getType();
  if (!shapesCompatible(in.getShape(), out.getShape()))
    return emitOpError("input and result shapes differ: ")
           << formatShape(in.getShape()) << " vs "
           << formatShape(out.getShape());
  auto inElement = cast<quant::QuantizedType>(in.getElementType());
  auto outElement = cast<quant::QuantizedType>(out.getElementType());
  if (inElement.getExpressedType() != outElement.getExpressedType())
    return emitOpError("expressed types differ: ")
           << inElement.getExpressedType() << " vs "
           << outElement.getExpressedType();
  auto emitError = [this] { return emitOpError(); };
  if (failed(verifyQuantizedTensorType(in, emitError)))
    return failure();
  return verifyQuantizedTensorType(out, emitError);
}

//===----------------------------------------------------------------------===//
// Quantized compute ops
//===----------------------------------------------------------------------===//

/// Checks a quantized compute operand: a legal type with 2-, 4- or 8-bit
/// storage (i32 is for biases and accumulators).
static FailureOr<quant::QuantizedType>
verifyComputeOperand(Operation *op, Value value, StringRef name) {
  auto type = tensorType(value);
  if (failed(verifyQuantizedTensorType(
          type, [&] { return op->emitOpError() << name << ": "; })))
    return failure();
  auto element = cast<quant::QuantizedType>(type.getElementType());
  if (element.getStorageTypeIntegralWidth() > 8)
    return op->emitOpError()
           << name << " must have 2-, 4- or 8-bit storage, got " << element;
  return element;
}

/// Checks the result and bias of a quantized compute op whose operands are
/// expressed in `expressed` and whose output has `channels` channels.
static LogicalResult verifyComputeResult(Operation *op, Type expressed,
                                         Value bias, int64_t channels) {
  Type resultElement = tensorType(op->getResult(0)).getElementType();
  if (auto quantized = dyn_cast<quant::QuantizedType>(resultElement)) {
    if (getGranularity(quantized) != QuantGranularity::PerTensor)
      return op->emitOpError("a quantized result must be quantized per "
                             "tensor, got ")
             << quantized;
    if (quantized.getExpressedType() != expressed)
      return op->emitOpError("result expressed type ")
             << quantized.getExpressedType() << " does not match the operands' "
             << expressed;
    if (failed(verifyQuantizedTensorType(tensorType(op->getResult(0)),
                                         [op] { return op->emitOpError(); })))
      return failure();
  } else if (isa<FloatType>(resultElement) && resultElement != expressed) {
    return op->emitOpError("a float result must have the operands' expressed "
                           "type ")
           << expressed << ", got " << resultElement;
  }
  if (!bias)
    return success();
  RankedTensorType biasType = tensorType(bias);
  if (biasType.getRank() != 1 ||
      !extentsCompatible(biasType.getDimSize(0), channels))
    return op->emitOpError("bias must have one element per output channel (")
           << channels << "), got " << formatShape(biasType.getShape());
  if (isa<FloatType>(biasType.getElementType()) &&
      biasType.getElementType() != expressed)
    return op->emitOpError("a float bias must have the operands' expressed "
                           "type ")
           << expressed << ", got " << biasType.getElementType();
  return success();
}

/// Checks a quantized weight's granularity: per tensor, per axis along
/// `channelAxis`, or (if `blockAxis` is set) blocks along `blockAxis` with
/// one scale per channel (blocks of 1 along other extent-1 dimensions go).
static LogicalResult verifyWeightGranularity(Operation *op,
                                             quant::QuantizedType weight,
                                             ArrayRef<int64_t> shape,
                                             int64_t channelAxis,
                                             std::optional<int64_t> blockAxis) {
  switch (getGranularity(weight)) {
  case QuantGranularity::PerTensor:
    return success();
  case QuantGranularity::PerAxis:
    if (cast<quant::UniformQuantizedPerAxisType>(weight)
            .getQuantizedDimension() == channelAxis)
      return success();
    return op->emitOpError("per-axis weight must be quantized along the "
                           "output-channel dimension ")
           << channelAxis;
  case QuantGranularity::SubChannel: {
    if (!blockAxis)
      return op->emitOpError("weight cannot be quantized in blocks");
    auto blocked = cast<quant::UniformQuantizedSubChannelType>(weight);
    for (auto [dim, size] : blocked.getBlockSizeInfo()) {
      if (dim == *blockAxis ||
          (size == 1 && (dim == channelAxis || shape[dim] == 1)))
        continue;
      return op->emitOpError("weight blocks must run along the contraction "
                             "dimension ")
             << *blockAxis << " with one scale per output channel";
    }
    return success();
  }
  }
  llvm_unreachable("unknown granularity");
}

static LogicalResult verifyPerTensorActivation(Operation *op,
                                               quant::QuantizedType type,
                                               StringRef name) {
  if (getGranularity(type) == QuantGranularity::PerTensor)
    return success();
  return op->emitOpError() << name << " must be quantized per tensor, got "
                           << type;
}

LogicalResult QMatMulOp::verify() {
  FailureOr<quant::QuantizedType> lhs =
      verifyComputeOperand(*this, getLhs(), "lhs");
  FailureOr<quant::QuantizedType> rhs =
      verifyComputeOperand(*this, getRhs(), "rhs");
  if (failed(lhs) || failed(rhs) ||
      failed(verifyPerTensorActivation(*this, *lhs, "lhs")))
    return failure();
  if (lhs->getExpressedType() != rhs->getExpressedType())
    return emitOpError("lhs and rhs expressed types differ: ")
           << lhs->getExpressedType() << " vs " << rhs->getExpressedType();
  ArrayRef<int64_t> lhsShape = getLhs().getType().getShape();
  ArrayRef<int64_t> rhsShape = getRhs().getType().getShape();
  int64_t rhsRank = rhsShape.size();
  if (getGranularity(*rhs) != QuantGranularity::PerTensor && rhsRank < 2)
    return emitOpError("a per-axis or blocked rhs needs rank at least 2");
  if (failed(verifyWeightGranularity(*this, *rhs, rhsShape, rhsRank - 1,
                                     rhsRank - 2)))
    return failure();
  std::optional<Shape> expected = inferMatMulShape(lhsShape, rhsShape);
  if (!expected)
    return emitOpError("operand shapes ")
           << formatShape(lhsShape) << " and " << formatShape(rhsShape)
           << " are incompatible for a matrix product";
  int64_t channels = rhsRank == 1 ? 1 : rhsShape.back();
  if (failed(verifyComputeResult(*this, lhs->getExpressedType(), getBias(),
                                 channels)))
    return failure();
  return verifyResultShape(*this, *expected);
}

/// A pointwise convolution (1x1 kernel, one group) is a matmul over
/// channels: its weights may come in blocks along the input channels.
static std::optional<int64_t> pointwiseBlockAxis(QConv2DOp op) {
  ArrayRef<int64_t> shape = op.getWeight().getType().getShape();
  if (shape.size() == 4 && shape[2] == 1 && shape[3] == 1 && op.getGroup() == 1)
    return 1;
  return std::nullopt;
}

LogicalResult QConv2DOp::verify() {
  FailureOr<quant::QuantizedType> input =
      verifyComputeOperand(*this, getInput(), "input");
  FailureOr<quant::QuantizedType> weight =
      verifyComputeOperand(*this, getWeight(), "weight");
  if (failed(input) || failed(weight) ||
      failed(verifyWeightGranularity(
          *this, *weight, getWeight().getType().getShape(),
          /*channelAxis=*/0, pointwiseBlockAxis(*this))))
    return failure();
  // A depthwise convolution reads each input channel on its own, so its
  // input may carry one scale and zero point per channel.
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(*input)) {
    int64_t inputChannels = getInput().getType().getDimSize(1);
    if (perAxis.getQuantizedDimension() != 1 ||
        static_cast<int64_t>(getGroup()) != inputChannels ||
        static_cast<int64_t>(perAxis.getScales().size()) != inputChannels)
      return emitOpError("input must be quantized per tensor, or per channel "
                         "(axis 1, one scale per channel) for a depthwise "
                         "convolution (group = input channels), got ")
             << *input;
  } else if (failed(verifyPerTensorActivation(*this, *input, "input"))) {
    return failure();
  }
  if (input->getExpressedType() != weight->getExpressedType())
    return emitOpError("input and weight expressed types differ: ")
           << input->getExpressedType() << " vs " << weight->getExpressedType();
  int64_t channels = getWeight().getType().getRank() == 4
                         ? getWeight().getType().getDimSize(0)
                         : ShapedType::kDynamic;
  if (failed(verifyComputeResult(*this, input->getExpressedType(), getBias(),
                                 channels)))
    return failure();
  // The bias was checked above against the quantized operands.
  return verifyConv2D(*this, getInput(), getWeight(), /*bias=*/nullptr,
                      {getStrides(),
                       getPads(),
                       getDilations(),
                       {},
                       static_cast<int64_t>(getGroup()),
                       /*transposed=*/false});
}

#define GET_OP_CLASSES
#include "quantc/Dialect/QC/IR/QCOps.cpp.inc"
