//===- ImportTensorOps.cpp - ONNX ops built from other qc ops -------------===//
//
// Part of quantc. Operators that need no op of their own:
//   - Expand: a qc.where with an all-true condition broadcasts the input;
//   - Tile: concatenated copies;
//   - DepthToSpace, SpaceToDepth: reshape, transpose, reshape;
//   - Range, EyeLike: constants (their inputs must be known at import);
//   - OneHot, Hardmax: comparisons against an index ramp;
//   - CumSum: running sums of slices (exact in ONNX's order, any type);
//   - Shrink, IsNaN, IsInf: comparisons and selects.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "QCBuilder.h"

#include <cmath>

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

using qc::ComparePredicate;

/// Import-time expansions (Tile's copies, EyeLike's and OneHot's constants)
/// stop here, so that a corrupt model cannot make the importer hang.
constexpr int64_t kMaxExpandedElements = int64_t(1) << 28;

/// Reads a scalar (or one-element) input known at import.
static FailureOr<double> constantScalar(NodeContext &ctx, int i,
                                        StringRef what) {
  const HostTensor *host = ctx.hostInput(i);
  if (!host)
    return ctx.notConstantError(i, what, "known at import");
  if (host->size() != 1 || !host->fullyKnown())
    return ctx.error() << what << " (input " << i
                       << ") must hold exactly one value";
  return host->asDouble(0);
}

static LogicalResult importExpand(NodeContext &ctx) {
  FailureOr<std::vector<int64_t>> target = ctx.constantInts(1, "shape");
  auto input = ctx.tensorInput(0);
  if (failed(target) || failed(input))
    return failure();
  std::optional<Shape> shape =
      qc::broadcastShapes(input->getType().getShape(), *target);
  if (!shape)
    return ctx.error() << "input shape "
                       << qc::formatShape(input->getType().getShape())
                       << " does not broadcast to " << qc::formatShape(*target);
  QCBuilder q(ctx.builder(), ctx.loc());
  Value all = q.splat(ctx.builder().getI1Type(), *shape, 1);
  ctx.setOutput(0, q.where(all, *input, *input, *shape), std::nullopt,
                ctx.inputDataType(0));
  return success();
}

static LogicalResult importTile(NodeContext &ctx) {
  FailureOr<std::vector<int64_t>> repeats = ctx.constantInts(1, "repeats");
  auto input = ctx.tensorInput(0);
  if (failed(repeats) || failed(input))
    return failure();
  int64_t rank = input->getType().getRank();
  if (static_cast<int64_t>(repeats->size()) != rank)
    return ctx.error() << "repeats has " << repeats->size()
                       << " entries for an input of rank " << rank;
  QCBuilder q(ctx.builder(), ctx.loc());
  Value result = *input;
  int64_t elements =
      input->getType().hasStaticShape() ? input->getType().getNumElements() : 1;
  for (int64_t axis = 0; axis < rank; ++axis) {
    int64_t count = (*repeats)[axis];
    if (count < 0)
      return ctx.error() << "repeats must not be negative, got " << count;
    if (count == 0)
      return ctx.error() << "repeats of 0 give an empty tensor, which quantc "
                            "does not model";
    // One concatenated operand per copy.
    constexpr int64_t kMaxCopies = 4096;
    if (count > kMaxCopies)
      return ctx.error() << "repeats above " << kMaxCopies
                         << " per axis are not supported, got " << count;
    if (count > kMaxExpandedElements / std::max<int64_t>(elements, 1))
      return ctx.error() << "the tiled tensor would hold more than 2^28 "
                            "elements";
    elements *= count;
    result = q.concat(SmallVector<Value>(count, result), axis);
  }
  ctx.setOutput(0, result, std::nullopt, ctx.inputDataType(0));
  return success();
}

/// DepthToSpace (`toSpace`) and SpaceToDepth on NCHW.
template <bool toSpace>
static LogicalResult importDepthSpace(NodeContext &ctx) {
  auto input = ctx.tensorInput(0);
  FailureOr<int64_t> blocksize = ctx.attrInt("blocksize", 0);
  FailureOr<std::string> mode = ctx.attrString("mode", "DCR");
  if (failed(input) || failed(blocksize) || failed(mode) ||
      failed(ctx.requireRank(*input, 4, "the input")))
    return failure();
  int64_t b = *blocksize;
  ArrayRef<int64_t> in = input->getType().getShape();
  if (b <= 0)
    return ctx.error() << "blocksize must be positive";
  if (llvm::any_of(in, ShapedType::isDynamic))
    return ctx.error() << "the input must have a static shape";
  int64_t n = in[0], c = in[1], h = in[2], w = in[3];
  QCBuilder q(ctx.builder(), ctx.loc());
  Value result;
  if (toSpace) {
    if (c % (b * b) != 0)
      return ctx.error() << "channels (" << c << ") are not a multiple of "
                         << b * b;
    if (*mode != "DCR" && *mode != "CRD")
      return ctx.error() << "unknown mode '" << *mode << "'";
    bool dcr = *mode == "DCR";
    Value split = dcr ? q.reshape(*input, {n, b, b, c / (b * b), h, w})
                      : q.reshape(*input, {n, c / (b * b), b, b, h, w});
    Value moved = dcr ? q.transpose(split, {0, 3, 4, 1, 5, 2})
                      : q.transpose(split, {0, 1, 4, 2, 5, 3});
    result = q.reshape(moved, {n, c / (b * b), h * b, w * b});
  } else {
    if (h % b != 0 || w % b != 0)
      return ctx.error() << "height and width (" << h << ", " << w
                         << ") are not multiples of " << b;
    Value split = q.reshape(*input, {n, c, h / b, b, w / b, b});
    Value moved = q.transpose(split, {0, 3, 5, 1, 2, 4});
    result = q.reshape(moved, {n, c * b * b, h / b, w / b});
  }
  ctx.setOutput(0, result, std::nullopt, ctx.inputDataType(0));
  return success();
}

static LogicalResult importRange(NodeContext &ctx) {
  FailureOr<double> start = constantScalar(ctx, 0, "start");
  FailureOr<double> limit = constantScalar(ctx, 1, "limit");
  FailureOr<double> delta = constantScalar(ctx, 2, "delta");
  if (failed(start) || failed(limit) || failed(delta))
    return failure();
  if (*delta == 0)
    return ctx.error() << "delta must not be zero";
  double steps = std::ceil((*limit - *start) / *delta);
  int64_t count = steps > 0 ? static_cast<int64_t>(steps) : 0;
  if (count == 0)
    return ctx.error() << "the range is empty, which quantc does not model";
  if (count > (int64_t(1) << 26))
    return ctx.error() << "the range holds " << count
                       << " values; at most 2^26 are supported";
  HostTensor host;
  host.shape = {count};
  host.dataType = ctx.inputDataType(0);
  for (int64_t i = 0; i < count; ++i) {
    if (host.isFloat())
      host.floats.push_back(*start + i * *delta);
    else
      host.ints.push_back(static_cast<int64_t>(*start) +
                          i * static_cast<int64_t>(*delta));
  }
  ctx.setHostOutput(0, std::move(host));
  return success();
}

static LogicalResult importEyeLike(NodeContext &ctx) {
  auto input = ctx.tensorInput(0);
  FailureOr<int64_t> k = ctx.attrInt("k", 0);
  FailureOr<int64_t> dtype = ctx.attrInt("dtype", 0);
  if (failed(input) || failed(k) || failed(dtype) ||
      failed(ctx.requireRank(*input, 2, "the input")))
    return failure();
  ArrayRef<int64_t> shape = input->getType().getShape();
  if (llvm::any_of(shape, ShapedType::isDynamic))
    return ctx.error() << "the input must have a static shape";
  if (input->getType().getNumElements() > kMaxExpandedElements)
    return ctx.error() << "the identity would hold more than 2^28 elements";
  HostTensor host;
  host.shape = Shape(shape);
  host.dataType = *dtype ? *dtype : ctx.inputDataType(0);
  if (!elementTypeFor(*ctx.context(), host.dataType))
    return ctx.error() << "dtype " << dataTypeName(host.dataType)
                       << " is not supported";
  for (int64_t i = 0; i < shape[0]; ++i)
    for (int64_t j = 0; j < shape[1]; ++j) {
      int64_t one = j - i == *k;
      if (host.isFloat())
        host.floats.push_back(one);
      else
        host.ints.push_back(one);
    }
  ctx.setHostOutput(0, std::move(host));
  return success();
}

static LogicalResult importOneHot(NodeContext &ctx) {
  auto indices = ctx.tensorInput(0);
  FailureOr<double> depthValue = constantScalar(ctx, 1, "depth");
  auto values = ctx.tensorInput(2);
  FailureOr<int64_t> axisAttr = ctx.attrInt("axis", -1);
  if (failed(indices) || failed(depthValue) || failed(values) ||
      failed(axisAttr))
    return failure();
  int64_t depth = static_cast<int64_t>(*depthValue);
  if (depth <= 0 || depth > kMaxExpandedElements)
    return ctx.error() << "depth must be in [1, 2^28], got " << depth;
  if (values->getType().getNumElements() != 2)
    return ctx.error() << "values must hold [off, on]";
  ArrayRef<int64_t> in = indices->getType().getShape();
  int64_t rank = in.size() + 1;
  std::optional<int64_t> axis = qc::normalizeAxis(*axisAttr, rank);
  if (!axis)
    return ctx.error() << "axis " << *axisAttr << " is out of range";
  QCBuilder q(ctx.builder(), ctx.loc());
  Type indexType = indices->getType().getElementType();
  // Negative indices count from the end.
  Value index = *indices;
  Value zero = q.splat(indexType, {}, 0);
  index = q.where(q.compare(ComparePredicate::lt, index, zero, in),
                  q.add(index, q.splat(indexType, {}, depth)), index, in);
  Shape out(in);
  out.insert(out.begin() + *axis, depth);
  Shape expanded(in);
  expanded.insert(expanded.begin() + *axis, 1);
  Value hot = q.compare(ComparePredicate::eq, q.reshape(index, expanded),
                        q.iota(indexType, rank, *axis, depth), out);
  Value flat = q.reshape(*values, {2});
  Value off = q.reshape(q.slice(flat, 0, 0, 1), {});
  Value on = q.reshape(q.slice(flat, 0, 1, 2), {});
  ctx.setOutput(0, q.where(hot, on, off, out), std::nullopt,
                ctx.inputDataType(2));
  return success();
}

static LogicalResult importHardmax(NodeContext &ctx) {
  auto input = ctx.floatInput(0);
  int64_t defaultAxis = ctx.opset() < 13 ? 1 : -1;
  FailureOr<int64_t> axisAttr = ctx.attrInt("axis", defaultAxis);
  if (failed(input) || failed(axisAttr))
    return failure();
  ArrayRef<int64_t> in = input->getType().getShape();
  std::optional<int64_t> axis = qc::normalizeAxis(*axisAttr, in.size());
  if (!axis)
    return ctx.error() << "axis " << *axisAttr << " is out of range";
  if (llvm::any_of(in, ShapedType::isDynamic))
    return ctx.error() << "the input must have a static shape";
  QCBuilder q(ctx.builder(), ctx.loc());
  Value x = *input;
  // Before opset 13 the input is taken as a matrix split at `axis`.
  int64_t reduced = *axis;
  if (ctx.opset() < 13) {
    int64_t rows = 1, cols = 1;
    for (int64_t d = 0; d < static_cast<int64_t>(in.size()); ++d)
      (d < *axis ? rows : cols) *= in[d];
    x = q.reshape(x, {rows, cols});
    reduced = 1;
  }
  ArrayRef<int64_t> shape = QCBuilder::shapeOf(x);
  Shape kept(shape);
  kept[reduced] = 1;
  OpBuilder &b = ctx.builder();
  Value winner = qc::ArgMaxOp::create(
      b, ctx.loc(), RankedTensorType::get(kept, b.getI64Type()), x,
      b.getI64IntegerAttr(reduced), b.getBoolAttr(true), UnitAttr());
  Value hot = q.compare(
      ComparePredicate::eq, winner,
      q.iota(b.getI64Type(), shape.size(), reduced, shape[reduced]), shape);
  Value result = qc::CastOp::create(
      b, ctx.loc(), RankedTensorType::get(shape, QCBuilder::elementOf(x)), hot,
      UnitAttr(), UnitAttr());
  ctx.setOutput(0, q.reshape(result, in));
  return success();
}

static LogicalResult importCumSum(NodeContext &ctx) {
  auto input = ctx.tensorInput(0);
  FailureOr<std::vector<int64_t>> axisValue = ctx.constantInts(1, "axis");
  FailureOr<int64_t> exclusive = ctx.attrInt("exclusive", 0);
  FailureOr<int64_t> reverse = ctx.attrInt("reverse", 0);
  if (failed(input) || failed(axisValue) || failed(exclusive) ||
      failed(reverse))
    return failure();
  if (axisValue->size() != 1)
    return ctx.error() << "axis must hold one value";
  ArrayRef<int64_t> in = input->getType().getShape();
  std::optional<int64_t> axis =
      qc::normalizeAxis(axisValue->front(), in.size());
  if (!axis)
    return ctx.error() << "axis " << axisValue->front() << " is out of range";
  int64_t n = in[*axis];
  if (ShapedType::isDynamic(n) || n < 1)
    return ctx.error() << "the summed dimension must be static and not "
                          "empty";
  // Unrolled: one add per element along the axis.
  constexpr int64_t kMaxUnrolled = 4096;
  if (n > kMaxUnrolled)
    return ctx.error() << "sums along " << n << " elements; at most "
                       << kMaxUnrolled << " are supported";
  QCBuilder q(ctx.builder(), ctx.loc());
  Shape stepShape(in);
  stepShape[*axis] = 1;
  SmallVector<Value> sums(n);
  Value running;
  for (int64_t s = 0; s < n; ++s) {
    int64_t i = *reverse ? n - 1 - s : s;
    Value element = q.slice(*input, *axis, i, i + 1);
    if (*exclusive)
      sums[i] = running
                    ? running
                    : q.splat(input->getType().getElementType(), stepShape, 0);
    running = running ? q.add(running, element) : element;
    if (!*exclusive)
      sums[i] = running;
  }
  ctx.setOutput(0, q.concat(sums, *axis), std::nullopt, ctx.inputDataType(0));
  return success();
}

static LogicalResult importShrink(NodeContext &ctx) {
  auto input = ctx.tensorInput(0);
  FailureOr<float> bias = ctx.attrFloat("bias", 0);
  FailureOr<float> lambd = ctx.attrFloat("lambd", 0.5f);
  if (failed(input) || failed(bias) || failed(lambd))
    return failure();
  QCBuilder q(ctx.builder(), ctx.loc());
  Type element = input->getType().getElementType();
  ArrayRef<int64_t> shape = input->getType().getShape();
  Value x = *input;
  Value below =
      q.compare(ComparePredicate::lt, x, q.splat(element, {}, -*lambd), shape);
  Value above =
      q.compare(ComparePredicate::gt, x, q.splat(element, {}, *lambd), shape);
  Value biasValue = q.splat(element, {}, *bias);
  Value result = q.where(
      below, q.add(x, biasValue),
      q.where(above, q.sub(x, biasValue), q.splat(element, {}, 0), shape),
      shape);
  ctx.setOutput(0, result, std::nullopt, ctx.inputDataType(0));
  return success();
}

static LogicalResult importIsNaN(NodeContext &ctx) {
  auto input = ctx.floatInput(0);
  if (failed(input))
    return failure();
  QCBuilder q(ctx.builder(), ctx.loc());
  // NaN is the only value unequal to itself.
  Value same = q.compare(ComparePredicate::eq, *input, *input,
                         input->getType().getShape());
  ctx.setOutput(0, qc::NotOp::create(ctx.builder(), ctx.loc(), same),
                std::nullopt, kBool);
  return success();
}

static LogicalResult importIsInf(NodeContext &ctx) {
  auto input = ctx.floatInput(0);
  FailureOr<int64_t> negative = ctx.attrInt("detect_negative", 1);
  FailureOr<int64_t> positive = ctx.attrInt("detect_positive", 1);
  if (failed(input) || failed(negative) || failed(positive))
    return failure();
  QCBuilder q(ctx.builder(), ctx.loc());
  Type element = input->getType().getElementType();
  ArrayRef<int64_t> shape = input->getType().getShape();
  double inf = std::numeric_limits<double>::infinity();
  Value result = q.splat(ctx.builder().getI1Type(), shape, 0);
  if (*positive)
    result = q.compare(ComparePredicate::eq, *input, q.splat(element, {}, inf),
                       shape);
  if (*negative) {
    Value isNegative = q.compare(ComparePredicate::eq, *input,
                                 q.splat(element, {}, -inf), shape);
    result = *positive ? qc::OrOp::create(ctx.builder(), ctx.loc(),
                                          result.getType(), result, isNegative)
                       : isNegative;
  }
  ctx.setOutput(0, result, std::nullopt, kBool);
  return success();
}

void quantc::onnx_import::registerTensorOpHandlers(
    llvm::StringMap<NodeHandler> &handlers) {
  handlers["Expand"] = importExpand;
  handlers["Tile"] = importTile;
  handlers["DepthToSpace"] = importDepthSpace<true>;
  handlers["SpaceToDepth"] = importDepthSpace<false>;
  handlers["Range"] = importRange;
  handlers["EyeLike"] = importEyeLike;
  handlers["OneHot"] = importOneHot;
  handlers["Hardmax"] = importHardmax;
  handlers["CumSum"] = importCumSum;
  handlers["Shrink"] = importShrink;
  handlers["IsNaN"] = importIsNaN;
  handlers["IsInf"] = importIsInf;
}
