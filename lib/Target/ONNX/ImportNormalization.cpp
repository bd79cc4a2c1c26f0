//===- ImportNormalization.cpp - ONNX normalizations built from qc ops ----===//
//
// Part of quantc. InstanceNormalization, GroupNormalization,
// MeanVarianceNormalization, LpNormalization and LRN are compositions of
// reductions and elementwise ops, written as the ONNX operator documents
// (and their function bodies) define them.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "QCBuilder.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

namespace {
/// Reductions with kept dimensions, on top of QCBuilder.
struct NormBuilder : QCBuilder {
  using QCBuilder::QCBuilder;

  template <typename OpTy> Value reduce(Value x, ArrayRef<int64_t> axes) {
    Shape shape(shapeOf(x));
    for (int64_t axis : axes)
      shape[axis] = 1;
    return OpTy::create(b, loc, RankedTensorType::get(shape, elementOf(x)), x,
                        b.getDenseI64ArrayAttr(axes), b.getBoolAttr(true));
  }
  Value mean(Value x, ArrayRef<int64_t> axes) {
    return reduce<qc::ReduceMeanOp>(x, axes);
  }
  Value scalar(Value like, double value) {
    return splat(elementOf(like), {}, value);
  }
  /// (x - mean) / sqrt(variance + epsilon) over `axes`.
  Value standardize(Value x, ArrayRef<int64_t> axes, float epsilon) {
    Value centered = sub(x, mean(x, axes));
    Value variance = mean(mul(centered, centered), axes);
    Value deviation =
        qc::SqrtOp::create(b, loc, add(variance, scalar(x, epsilon)));
    return div(centered, deviation);
  }
  /// A per-channel [C] vector shaped to broadcast over dimension 1 of a
  /// rank-`rank` tensor.
  Value perChannel(Value v, int64_t rank) {
    Shape shape(rank - 1, 1);
    shape[0] = shapeOf(v)[0];
    return reshape(v, shape);
  }
};
} // namespace

/// The spatial axes 2 .. rank-1.
static SmallVector<int64_t> spatialAxes(int64_t rank) {
  SmallVector<int64_t> axes;
  for (int64_t d = 2; d < rank; ++d)
    axes.push_back(d);
  return axes;
}

static LogicalResult importInstanceNorm(NodeContext &ctx) {
  auto input = ctx.floatInput(0);
  auto scale = ctx.floatInput(1);
  auto bias = ctx.floatInput(2);
  FailureOr<float> epsilon = ctx.attrFloat("epsilon", 1e-5f);
  if (failed(input) || failed(scale) || failed(bias) || failed(epsilon))
    return failure();
  int64_t rank = input->getType().getRank();
  if (rank < 3)
    return ctx.error() << "the input must have rank 3 or more (N, C, ...)";
  int64_t channels = input->getType().getDimSize(1);
  if (scale->getType().getShape() != ArrayRef<int64_t>{channels} ||
      bias->getType().getShape() != ArrayRef<int64_t>{channels})
    return ctx.error() << "scale and B must have shape [" << channels << "]";
  NormBuilder q(ctx.builder(), ctx.loc());
  Value normalized = q.standardize(*input, spatialAxes(rank), *epsilon);
  ctx.setOutput(0, q.add(q.mul(normalized, q.perChannel(*scale, rank)),
                         q.perChannel(*bias, rank)));
  return success();
}

static LogicalResult importGroupNorm(NodeContext &ctx) {
  auto input = ctx.floatInput(0);
  auto scale = ctx.floatInput(1);
  auto bias = ctx.floatInput(2);
  FailureOr<float> epsilon = ctx.attrFloat("epsilon", 1e-5f);
  FailureOr<int64_t> groups = ctx.attrInt("num_groups", 0);
  if (failed(input) || failed(scale) || failed(bias) || failed(epsilon) ||
      failed(groups))
    return failure();
  ArrayRef<int64_t> in = input->getType().getShape();
  int64_t rank = in.size();
  if (rank < 3 || llvm::any_of(in, ShapedType::isDynamic))
    return ctx.error() << "the input must have a static shape (N, C, ...)";
  int64_t channels = in[1], g = *groups;
  if (g <= 0 || channels % g != 0)
    return ctx.error() << "num_groups (" << g << ") must divide the "
                       << channels << " channels";
  // Opset 18 scales per group, opset 21 per channel.
  int64_t perScale = ctx.opset() < 21 ? g : channels;
  if (scale->getType().getShape() != ArrayRef<int64_t>{perScale} ||
      bias->getType().getShape() != ArrayRef<int64_t>{perScale})
    return ctx.error() << "scale and bias must have shape [" << perScale << "]";
  NormBuilder q(ctx.builder(), ctx.loc());
  int64_t rest = input->getType().getNumElements() / (in[0] * g);
  Value grouped = q.reshape(*input, {in[0], g, rest});
  Value normalized = q.standardize(grouped, {2}, *epsilon);
  Value result;
  if (perScale == g) {
    result = q.add(q.mul(normalized, q.reshape(*scale, {g, 1})),
                   q.reshape(*bias, {g, 1}));
    result = q.reshape(result, in);
  } else {
    result = q.reshape(normalized, in);
    result = q.add(q.mul(result, q.perChannel(*scale, rank)),
                   q.perChannel(*bias, rank));
  }
  ctx.setOutput(0, result);
  return success();
}

static LogicalResult importMeanVarianceNorm(NodeContext &ctx) {
  auto input = ctx.floatInput(0);
  FailureOr<std::optional<std::vector<int64_t>>> axesAttr =
      ctx.attrInts("axes");
  if (failed(input) || failed(axesAttr))
    return failure();
  int64_t rank = input->getType().getRank();
  std::vector<int64_t> given =
      axesAttr->value_or(std::vector<int64_t>{0, 2, 3});
  SmallVector<int64_t> axes;
  for (int64_t axis : given) {
    std::optional<int64_t> normalized = qc::normalizeAxis(axis, rank);
    if (!normalized)
      return ctx.error() << "axis " << axis << " is out of range";
    axes.push_back(*normalized);
  }
  llvm::sort(axes);
  // ONNX's function body: (x - E[x]) / (sqrt(E[x^2] - E[x]^2) + 1e-9).
  NormBuilder q(ctx.builder(), ctx.loc());
  Value x = *input;
  Value mean = q.mean(x, axes);
  Value variance = q.sub(q.mean(q.mul(x, x), axes), q.mul(mean, mean));
  Value deviation =
      q.add(qc::SqrtOp::create(q.b, q.loc, variance), q.scalar(x, 1e-9));
  ctx.setOutput(0, q.div(q.sub(x, mean), deviation));
  return success();
}

static LogicalResult importLpNorm(NodeContext &ctx) {
  auto input = ctx.floatInput(0);
  FailureOr<int64_t> axisAttr = ctx.attrInt("axis", -1);
  FailureOr<int64_t> p = ctx.attrInt("p", 2);
  if (failed(input) || failed(axisAttr) || failed(p))
    return failure();
  std::optional<int64_t> axis =
      qc::normalizeAxis(*axisAttr, input->getType().getRank());
  if (!axis)
    return ctx.error() << "axis " << *axisAttr << " is out of range";
  if (*p != 1 && *p != 2)
    return ctx.error() << "p must be 1 or 2, got " << *p;
  NormBuilder q(ctx.builder(), ctx.loc());
  Value x = *input;
  Value norm =
      *p == 1
          ? q.reduce<qc::ReduceSumOp>(qc::AbsOp::create(q.b, q.loc, x), {*axis})
          : qc::SqrtOp::create(q.b, q.loc,
                               q.reduce<qc::ReduceSumOp>(q.mul(x, x), {*axis}))
                .getResult();
  ctx.setOutput(0, q.div(x, norm));
  return success();
}

static LogicalResult importLRN(NodeContext &ctx) {
  auto input = ctx.floatInput(0);
  FailureOr<float> alpha = ctx.attrFloat("alpha", 1e-4f);
  FailureOr<float> beta = ctx.attrFloat("beta", 0.75f);
  FailureOr<float> bias = ctx.attrFloat("bias", 1.0f);
  FailureOr<int64_t> size = ctx.attrInt("size", 0);
  if (failed(input) || failed(alpha) || failed(beta) || failed(bias) ||
      failed(size))
    return failure();
  ArrayRef<int64_t> in = input->getType().getShape();
  if (in.size() < 3 || llvm::any_of(in, ShapedType::isDynamic))
    return ctx.error() << "the input must have a static shape (N, C, ...)";
  if (*size <= 0 || *size > 2 * in[1] + 1)
    return ctx.error() << "size must be in [1, 2 x channels + 1], got "
                       << *size;
  // Channel c sums the squares of channels c - floor((size - 1) / 2) to
  // c + ceil((size - 1) / 2), zero outside.
  NormBuilder q(ctx.builder(), ctx.loc());
  Value x = *input;
  int64_t before = (*size - 1) / 2, after = *size - 1 - before;
  int64_t channels = in[1];
  Type element = input->getType().getElementType();
  Value squares = q.mul(x, x);
  SmallVector<Value> parts;
  Shape padShape(in);
  if (before) {
    padShape[1] = before;
    parts.push_back(q.splat(element, padShape, 0));
  }
  parts.push_back(squares);
  if (after) {
    padShape[1] = after;
    parts.push_back(q.splat(element, padShape, 0));
  }
  Value padded = q.concat(parts, 1);
  Value sum;
  for (int64_t k = 0; k < *size; ++k) {
    Value window = q.slice(padded, 1, k, k + channels);
    sum = sum ? q.add(sum, window) : window;
  }
  Value base =
      q.add(q.mul(sum, q.scalar(x, *alpha / *size)), q.scalar(x, *bias));
  Value denominator = q.binary<qc::PowOp>(base, q.scalar(x, *beta));
  ctx.setOutput(0, q.div(x, denominator));
  return success();
}

void quantc::onnx_import::registerNormalizationHandlers(
    llvm::StringMap<NodeHandler> &handlers) {
  handlers["InstanceNormalization"] = importInstanceNorm;
  handlers["GroupNormalization"] = importGroupNorm;
  handlers["MeanVarianceNormalization"] = importMeanVarianceNorm;
  handlers["LpNormalization"] = importLpNorm;
  handlers["LRN"] = importLRN;
}
