//===- ImportNN.cpp - ONNX convolution, matmul, norm, pool, resize --------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "QCBuilder.h"

#include "quantc/Dialect/QC/IR/QCOps.h"

#include <cmath>

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

//===----------------------------------------------------------------------===//
// Window geometry shared by Conv, ConvTranspose and the pools
//===----------------------------------------------------------------------===//

using Window = WindowGeometry;

/// Reads strides/dilations/pads/auto_pad of a window op with as many spatial
/// axes as `window.kernel`, which must already be set. Resolves SAME_UPPER /
/// SAME_LOWER into explicit pads.
static LogicalResult readWindow(NodeContext &ctx, ArrayRef<int64_t> inShape,
                                Window &window, bool transposed = false) {
  size_t rank = window.kernel.size();
  auto readList = [&](StringRef name, size_t size, int64_t dflt,
                      auto &out) -> LogicalResult {
    auto values = ctx.attrInts(name);
    if (failed(values))
      return failure();
    if (!*values) {
      out.assign(size, dflt);
      return success();
    }
    if ((*values)->size() != size)
      return ctx.error() << "attribute '" << name << "' must have " << size
                         << " entries for a " << rank << "-D window, got "
                         << (*values)->size();
    out.assign((*values)->begin(), (*values)->end());
    return success();
  };
  if (failed(readList("strides", rank, 1, window.strides)) ||
      failed(readList("dilations", rank, 1, window.dilations)) ||
      failed(readList("pads", 2 * rank, 0, window.pads)))
    return failure();
  for (int64_t v : window.strides)
    if (v <= 0)
      return ctx.error() << "strides must be positive";
  for (int64_t v : window.dilations)
    if (v <= 0)
      return ctx.error() << "dilations must be positive";
  for (int64_t v : window.pads)
    if (v < 0)
      return ctx.error() << "pads must not be negative";
  FailureOr<std::string> autoPad = ctx.attrString("auto_pad", "NOTSET");
  if (failed(autoPad))
    return failure();
  if (*autoPad == "NOTSET")
    return success();
  if (*autoPad == "VALID") {
    window.pads.assign(2 * rank, 0);
    return success();
  }
  if (*autoPad != "SAME_UPPER" && *autoPad != "SAME_LOWER")
    return ctx.error() << "unknown auto_pad '" << *autoPad << "'";
  for (size_t i = 0; i < rank; ++i) {
    int64_t in = inShape[2 + i];
    if (ShapedType::isDynamic(in))
      return ctx.error() << "auto_pad " << *autoPad
                         << " needs static spatial dimensions";
    int64_t s = window.strides[i], k = window.kernel[i],
            d = window.dilations[i];
    int64_t total;
    if (transposed) {
      // The output is in * stride; pad what the kernel adds beyond it.
      total = std::max<int64_t>(0, (in - 1) * s + (k - 1) * d + 1 - in * s);
    } else {
      int64_t out = (in + s - 1) / s;
      total = std::max<int64_t>(0, (out - 1) * s + (k - 1) * d + 1 - in);
    }
    int64_t small = total / 2, large = total - small;
    bool upper = *autoPad == "SAME_UPPER";
    window.pads[i] = upper ? small : large;
    window.pads[rank + i] = upper ? large : small;
  }
  return success();
}

/// Reads `kernel_shape` of a window with `rank` spatial axes or takes it
/// from the weight.
static LogicalResult readKernel(NodeContext &ctx, ArrayRef<int64_t> weight,
                                Window &window, size_t rank) {
  auto kernel = ctx.attrInts("kernel_shape");
  if (failed(kernel))
    return failure();
  if (!weight.empty() && weight.size() != rank + 2)
    return ctx.error() << "the weight must have rank " << rank + 2 << ", got "
                       << weight.size();
  if (*kernel) {
    if ((*kernel)->size() != rank)
      return ctx.error() << "kernel_shape must have " << rank
                         << " entries for a " << rank << "-D window, got "
                         << (*kernel)->size();
    window.kernel.assign((*kernel)->begin(), (*kernel)->end());
  } else if (!weight.empty()) {
    window.kernel.assign(weight.begin() + 2, weight.end());
  } else {
    return ctx.error() << "kernel_shape is required";
  }
  for (size_t i = 0; i < rank; ++i)
    if (window.kernel[i] <= 0 ||
        (!weight.empty() && !qc::extentsCompatible(window.kernel[i],
                                                   weight[2 + i])))
      return ctx.error() << "kernel_shape does not match the weight";
  return success();
}

LogicalResult quantc::onnx_import::readWindowGeometry(
    NodeContext &ctx, ArrayRef<int64_t> inShape, ArrayRef<int64_t> weightShape,
    WindowGeometry &geometry, bool transposed) {
  FailureOr<int64_t> group = ctx.attrInt("group", 1);
  if (failed(group))
    return failure();
  if (*group < 1)
    return ctx.error() << "group must be positive";
  geometry.group = *group;
  if (inShape.size() < 3)
    return ctx.error() << "the input must have a spatial axis";
  if (failed(readKernel(ctx, weightShape, geometry, inShape.size() - 2)))
    return failure();
  return readWindow(ctx, inShape, geometry, transposed);
}

//===----------------------------------------------------------------------===//
// Conv, ConvTranspose
//===----------------------------------------------------------------------===//

static LogicalResult importConv(NodeContext &ctx) {
  auto input = ctx.tensorInput(0);
  auto weight = ctx.tensorInput(1);
  if (failed(input) || failed(weight))
    return failure();
  if (input->getType().getRank() != 4)
    return ctx.error() << "only 1-D, 2-D and 3-D convolutions (input rank "
                          "3 to 5) are supported, got rank "
                       << input->getType().getRank();
  if (failed(ctx.requireRank(*weight, 4, "the weight")) ||
      failed(ctx.requireSameElementType(*input, *weight)))
    return failure();
  Value bias;
  if (ctx.hasInput(2)) {
    auto b = ctx.tensorInput(2);
    if (failed(b) || failed(ctx.requireRank(*b, 1, "the bias")))
      return failure();
    bias = *b;
  }
  ArrayRef<int64_t> in = input->getType().getShape();
  ArrayRef<int64_t> w = weight->getType().getShape();
  Window window;
  if (failed(readWindowGeometry(ctx, in, w, window)))
    return failure();
  Shape out = {in[0], w[0]};
  for (int i = 0; i < 2; ++i)
    out.push_back(qc::windowOutputExtent(in[2 + i], w[2 + i],
                                         window.strides[i], window.pads[i],
                                         window.pads[2 + i],
                                         window.dilations[i]));
  OpBuilder &b = ctx.builder();
  auto type = RankedTensorType::get(out, input->getType().getElementType());
  ctx.setOutput(0,
                qc::Conv2DOp::create(b, ctx.loc(), type, *input, *weight, bias,
                                     b.getDenseI64ArrayAttr(window.strides),
                                     b.getDenseI64ArrayAttr(window.pads),
                                     b.getDenseI64ArrayAttr(window.dilations),
                                     b.getI64IntegerAttr(window.group)));
  return success();
}

/// ConvTranspose's `output_shape`: the pads that give it (ONNX: the total
/// padding split in half, the larger half at the end for SAME_UPPER and at
/// the start otherwise). An output larger than the window reaches is
/// zero-extended at the end, as output_padding does.
static LogicalResult
padForOutputShape(NodeContext &ctx, ArrayRef<int64_t> in, Window &window,
                  SmallVectorImpl<int64_t> &outputPadding) {
  size_t rank = window.kernel.size();
  auto outputShape = ctx.attrInts("output_shape");
  FailureOr<std::string> autoPad = ctx.attrString("auto_pad", "NOTSET");
  if (failed(outputShape) || failed(autoPad))
    return failure();
  if (!*outputShape)
    return success();
  ArrayRef<int64_t> spatial = **outputShape;
  if (spatial.size() == rank + 2)
    spatial = spatial.drop_front(2);
  if (spatial.size() != rank)
    return ctx.error() << "output_shape must give the " << rank
                       << " spatial extents";
  for (size_t i = 0; i < rank; ++i) {
    if (ShapedType::isDynamic(in[2 + i]))
      return ctx.error() << "output_shape needs static spatial dimensions";
    int64_t total = window.strides[i] * (in[2 + i] - 1) + outputPadding[i] +
                    (window.kernel[i] - 1) * window.dilations[i] + 1 -
                    spatial[i];
    if (total < 0) {
      outputPadding[i] -= total;
      total = 0;
    }
    int64_t half = total / 2;
    bool upper = *autoPad == "SAME_UPPER";
    window.pads[i] = upper ? half : total - half;
    window.pads[rank + i] = upper ? total - half : half;
  }
  return success();
}

LogicalResult quantc::onnx_import::readTransposedWindowGeometry(
    NodeContext &ctx, ArrayRef<int64_t> inShape, ArrayRef<int64_t> weightShape,
    WindowGeometry &geometry, SmallVectorImpl<int64_t> &outputPadding) {
  if (failed(readWindowGeometry(ctx, inShape, weightShape, geometry,
                                /*transposed=*/true)))
    return failure();
  size_t rank = geometry.kernel.size();
  auto padding = ctx.attrInts("output_padding");
  if (failed(padding))
    return failure();
  outputPadding.assign(rank, 0);
  if (*padding) {
    if ((*padding)->size() != rank)
      return ctx.error() << "output_padding must have " << rank << " entries";
    outputPadding.assign((*padding)->begin(), (*padding)->end());
  }
  return padForOutputShape(ctx, inShape, geometry, outputPadding);
}

static LogicalResult importConvTranspose(NodeContext &ctx) {
  auto input = ctx.tensorInput(0);
  auto weight = ctx.tensorInput(1);
  if (failed(input) || failed(weight))
    return failure();
  if (input->getType().getRank() != 4)
    return ctx.error() << "only 1-D, 2-D and 3-D transposed convolutions "
                          "(input rank 3 to 5) are supported, got rank "
                       << input->getType().getRank();
  if (failed(ctx.requireRank(*weight, 4, "the weight")) ||
      failed(ctx.requireSameElementType(*input, *weight)))
    return failure();
  Value bias;
  if (ctx.hasInput(2)) {
    auto b = ctx.tensorInput(2);
    if (failed(b) || failed(ctx.requireRank(*b, 1, "the bias")))
      return failure();
    bias = *b;
  }
  ArrayRef<int64_t> in = input->getType().getShape();
  ArrayRef<int64_t> w = weight->getType().getShape();
  Window window;
  SmallVector<int64_t, 2> padding;
  if (failed(readTransposedWindowGeometry(ctx, in, w, window, padding)))
    return failure();
  int64_t group = window.group;
  Shape out = {in[0], ShapedType::isDynamic(w[1]) ? w[1] : w[1] * group};
  for (int i = 0; i < 2; ++i)
    out.push_back(qc::transposedWindowOutputExtent(
        in[2 + i], w[2 + i], window.strides[i], window.pads[i],
        window.pads[2 + i], window.dilations[i], padding[i]));
  OpBuilder &b = ctx.builder();
  auto type = RankedTensorType::get(out, input->getType().getElementType());
  ctx.setOutput(0, qc::ConvTranspose2DOp::create(
                       b, ctx.loc(), type, *input, *weight, bias,
                       b.getDenseI64ArrayAttr(window.strides),
                       b.getDenseI64ArrayAttr(window.pads),
                       b.getDenseI64ArrayAttr(window.dilations),
                       b.getDenseI64ArrayAttr(padding),
                       b.getI64IntegerAttr(group)));
  return success();
}

//===----------------------------------------------------------------------===//
// MatMul, Gemm
//===----------------------------------------------------------------------===//

static LogicalResult importMatMul(NodeContext &ctx) {
  auto lhs = ctx.tensorInput(0);
  auto rhs = ctx.tensorInput(1);
  if (failed(lhs) || failed(rhs) ||
      failed(ctx.requireSameElementType(*lhs, *rhs)))
    return failure();
  std::optional<Shape> shape = qc::inferMatMulShape(
      lhs->getType().getShape(), rhs->getType().getShape());
  if (!shape)
    return ctx.error() << "input shapes "
                       << qc::formatShape(lhs->getType().getShape()) << " and "
                       << qc::formatShape(rhs->getType().getShape())
                       << " do not form a matrix product";
  auto type = RankedTensorType::get(*shape, lhs->getType().getElementType());
  ctx.setOutput(0, qc::MatMulOp::create(ctx.builder(), ctx.loc(), type, *lhs,
                                        *rhs));
  return success();
}

static LogicalResult importGemm(NodeContext &ctx) {
  auto a = ctx.tensorInput(0);
  auto bIn = ctx.tensorInput(1);
  if (failed(a) || failed(bIn) || failed(ctx.requireRank(*a, 2, "A")) ||
      failed(ctx.requireRank(*bIn, 2, "B")) ||
      failed(ctx.requireSameElementType(*a, *bIn)))
    return failure();
  Value c;
  if (ctx.hasInput(2)) {
    auto cIn = ctx.tensorInput(2);
    if (failed(cIn))
      return failure();
    c = *cIn;
  }
  FailureOr<int64_t> transA = ctx.attrInt("transA", 0);
  FailureOr<int64_t> transB = ctx.attrInt("transB", 0);
  FailureOr<float> alpha = ctx.attrFloat("alpha", 1.0f);
  FailureOr<float> beta = ctx.attrFloat("beta", 1.0f);
  if (failed(transA) || failed(transB) || failed(alpha) || failed(beta))
    return failure();
  ArrayRef<int64_t> as = a->getType().getShape(), bs = bIn->getType().getShape();
  Shape out = {*transA ? as[1] : as[0], *transB ? bs[0] : bs[1]};
  OpBuilder &b = ctx.builder();
  auto type = RankedTensorType::get(out, a->getType().getElementType());
  ctx.setOutput(0, qc::GemmOp::create(
                       b, ctx.loc(), type, *a, *bIn, c,
                       b.getF32FloatAttr(*alpha), b.getF32FloatAttr(*beta),
                       *transA ? b.getUnitAttr() : UnitAttr(),
                       *transB ? b.getUnitAttr() : UnitAttr()));
  return success();
}

//===----------------------------------------------------------------------===//
// Normalization and softmax
//===----------------------------------------------------------------------===//

static LogicalResult importBatchNorm(NodeContext &ctx) {
  SmallVector<Value, 5> operands;
  for (int i = 0; i < 5; ++i) {
    auto value = ctx.tensorInput(i);
    if (failed(value))
      return failure();
    operands.push_back(*value);
  }
  if (ctx.node().output_size() > 1)
    for (int i = 1; i < ctx.node().output_size(); ++i)
      if (!ctx.node().output(i).empty())
        return ctx.error() << "training-mode outputs are not supported";
  FailureOr<float> epsilon = ctx.attrFloat("epsilon", 1e-5f);
  if (failed(epsilon))
    return failure();
  if (ctx.opset() < 9) {
    // `spatial = 0` (statistics per activation, not per channel) left the
    // operator in opset 9.
    FailureOr<int64_t> spatial = ctx.attrInt("spatial", 1);
    if (failed(spatial))
      return failure();
    if (*spatial == 0)
      return ctx.error() << "spatial = 0 (per-activation statistics) is not "
                            "supported";
  }
  if (cast<RankedTensorType>(operands[0].getType()).getRank() < 2)
    return ctx.error() << "the input must have rank at least 2";
  OpBuilder &b = ctx.builder();
  ctx.setOutput(0, qc::BatchNormOp::create(
                       b, ctx.loc(), operands[0].getType(), operands[0],
                       operands[1], operands[2], operands[3], operands[4],
                       b.getF32FloatAttr(*epsilon)));
  return success();
}

static LogicalResult importLayerNorm(NodeContext &ctx) {
  auto input = ctx.tensorInput(0);
  auto scale = ctx.tensorInput(1);
  if (failed(input) || failed(scale))
    return failure();
  Value bias;
  if (ctx.hasInput(2)) {
    auto value = ctx.tensorInput(2);
    if (failed(value))
      return failure();
    bias = *value;
  }
  FailureOr<int64_t> axis = ctx.attrInt("axis", -1);
  FailureOr<float> epsilon = ctx.attrFloat("epsilon", 1e-5f);
  FailureOr<int64_t> stashType = ctx.attrInt("stash_type", 1);
  if (failed(axis) || failed(epsilon) || failed(stashType))
    return failure();
  int64_t rank = input->getType().getRank();
  std::optional<int64_t> normalized = qc::normalizeAxis(*axis, rank);
  if (!normalized)
    return ctx.error() << "axis " << *axis << " is out of range";
  OpBuilder &b = ctx.builder();
  ctx.setOutput(0, qc::LayerNormOp::create(b, ctx.loc(), input->getType(),
                                           *input, *scale, bias,
                                           b.getI64IntegerAttr(*axis),
                                           b.getF32FloatAttr(*epsilon)));
  auto wanted = [&](int i) {
    return i < ctx.node().output_size() && !ctx.node().output(i).empty();
  };
  if (!wanted(1) && !wanted(2))
    return success();
  // The statistics outputs (Mean, InvStdDev), over the normalized axes and
  // kept as extent 1: mean(x) and 1 / sqrt(mean((x - mean)^2) + epsilon).
  Location loc = ctx.loc();
  RankedTensorType type = input->getType();
  SmallVector<int64_t> axes;
  Shape kept(type.getShape());
  for (int64_t d = *normalized; d < rank; ++d) {
    axes.push_back(d);
    kept[d] = 1;
  }
  auto keptType = RankedTensorType::get(kept, type.getElementType());
  DenseI64ArrayAttr axesAttr = b.getDenseI64ArrayAttr(axes);
  Value mean = qc::ReduceMeanOp::create(b, loc, keptType, *input, axesAttr,
                                        b.getBoolAttr(true));
  Value centered = qc::SubOp::create(b, loc, type, *input, mean);
  Value squared = qc::MulOp::create(b, loc, type, centered, centered);
  Value variance = qc::ReduceMeanOp::create(b, loc, keptType, squared, axesAttr,
                                            b.getBoolAttr(true));
  auto scalarType = RankedTensorType::get({}, type.getElementType());
  Value eps = qc::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(scalarType,
                             b.getFloatAttr(type.getElementType(), *epsilon)));
  Value shifted = qc::AddOp::create(b, loc, keptType, variance, eps);
  Value inverse =
      qc::ReciprocalOp::create(b, loc, qc::SqrtOp::create(b, loc, shifted));
  if (wanted(1))
    ctx.setOutput(1, mean);
  if (wanted(2))
    ctx.setOutput(2, inverse);
  return success();
}

/// Softmax. Before opset 13 the input is coerced to 2-D at `axis` and the
/// softmax runs over the flattened tail; that equals a softmax over the
/// last axis only when `axis` is the last dimension, so other axes go
/// through flatten / softmax / reshape.
/// Softmax and LogSoftmax over `axis`; before opset 13 the input is coerced
/// to 2-D at the axis (flatten, normalize the rows, reshape back).
static LogicalResult importSoftmaxLike(
    NodeContext &ctx,
    function_ref<Value(OpBuilder &, Location, Value, int64_t)> normalize) {
  auto input = ctx.tensorInput(0);
  if (failed(input))
    return failure();
  int64_t rank = input->getType().getRank();
  FailureOr<int64_t> axis = ctx.attrInt("axis", ctx.opset() < 13 ? 1 : -1);
  if (failed(axis))
    return failure();
  std::optional<int64_t> normalized = qc::normalizeAxis(*axis, rank);
  if (!normalized)
    return ctx.error() << "axis " << *axis << " is out of range for rank "
                       << rank;
  OpBuilder &b = ctx.builder();
  if (ctx.opset() >= 13 || *normalized == rank - 1) {
    ctx.setOutput(0, normalize(b, ctx.loc(), *input, *normalized));
    return success();
  }
  ArrayRef<int64_t> shape = input->getType().getShape();
  Type element = input->getType().getElementType();
  auto flatType = RankedTensorType::get(
      {qc::shapeProduct(shape.take_front(*normalized)),
       qc::shapeProduct(shape.drop_front(*normalized))},
      element);
  Value flat = qc::FlattenOp::create(b, ctx.loc(), flatType, *input,
                                     b.getI64IntegerAttr(*normalized));
  Value rows = normalize(b, ctx.loc(), flat, 1);
  ctx.setOutput(0, qc::ReshapeOp::create(b, ctx.loc(), input->getType(), rows));
  return success();
}

static LogicalResult importSoftmax(NodeContext &ctx) {
  return importSoftmaxLike(
      ctx, [](OpBuilder &b, Location loc, Value x, int64_t axis) -> Value {
        return qc::SoftmaxOp::create(b, loc, x, b.getI64IntegerAttr(axis));
      });
}

/// LogSoftmax as (x - max) - log(sum(exp(x - max))): exact where
/// log(softmax(x)) would underflow to -inf.
static LogicalResult importLogSoftmax(NodeContext &ctx) {
  return importSoftmaxLike(
      ctx, [](OpBuilder &b, Location loc, Value x, int64_t axis) -> Value {
        auto type = cast<RankedTensorType>(x.getType());
        Shape kept(type.getShape());
        kept[axis] = 1;
        auto keptType = RankedTensorType::get(kept, type.getElementType());
        DenseI64ArrayAttr axes = b.getDenseI64ArrayAttr({axis});
        Value max = qc::ReduceMaxOp::create(b, loc, keptType, x, axes,
                                            b.getBoolAttr(true));
        Value shifted = qc::SubOp::create(b, loc, type, x, max);
        Value exp = qc::ExpOp::create(b, loc, shifted);
        Value sum = qc::ReduceSumOp::create(b, loc, keptType, exp, axes,
                                            b.getBoolAttr(true));
        Value log = qc::LogOp::create(b, loc, sum);
        return qc::SubOp::create(b, loc, type, shifted, log);
      });
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// MaxPool, AveragePool, and LpPool as the p-th root of an average of
/// |x|^p that counts the padding (the sum over the window, scaled).
template <PoolKind kind> static LogicalResult importPool(NodeContext &ctx) {
  auto input = ctx.floatInput(0);
  if (failed(input))
    return failure();
  if (input->getType().getRank() != 4)
    return ctx.error()
           << "only 1-D, 2-D and 3-D pooling (input rank 3 to 5) is supported, "
              "got rank "
           << input->getType().getRank();
  if (ctx.node().output_size() > 1 && !ctx.node().output(1).empty())
    return ctx.error() << "the Indices output is not supported";
  ArrayRef<int64_t> in = input->getType().getShape();
  Window window;
  FailureOr<int64_t> ceilMode = ctx.attrInt("ceil_mode", 0);
  FailureOr<int64_t> countIncludePad = ctx.attrInt("count_include_pad", 0);
  FailureOr<int64_t> p = ctx.attrInt("p", 2);
  if (failed(ceilMode) || failed(countIncludePad) || failed(p) ||
      failed(readWindowGeometry(ctx, in, {}, window)))
    return failure();
  Shape out = {in[0], in[1]};
  for (int i = 0; i < 2; ++i)
    out.push_back(qc::windowOutputExtent(
        in[2 + i], window.kernel[i], window.strides[i], window.pads[i],
        window.pads[2 + i], window.dilations[i], *ceilMode != 0));
  OpBuilder &b = ctx.builder();
  auto type = RankedTensorType::get(out, input->getType().getElementType());
  UnitAttr ceil = *ceilMode ? b.getUnitAttr() : UnitAttr();
  if constexpr (kind == PoolKind::Max) {
    ctx.setOutput(0, qc::MaxPool2DOp::create(
                         b, ctx.loc(), type, *input,
                         b.getDenseI64ArrayAttr(window.kernel),
                         b.getDenseI64ArrayAttr(window.strides),
                         b.getDenseI64ArrayAttr(window.pads),
                         b.getDenseI64ArrayAttr(window.dilations), ceil));
  } else {
    if (llvm::any_of(window.dilations, [](int64_t d) { return d != 1; }))
      return ctx.error() << "dilated average and Lp pooling are not supported";
    bool lp = kind == PoolKind::Lp;
    if (lp && *p < 1)
      return ctx.error() << "p must be positive, got " << *p;
    QCBuilder q(b, ctx.loc());
    Type element = input->getType().getElementType();
    Value x = *input;
    if (lp) {
      x = qc::AbsOp::create(b, ctx.loc(), x);
      if (*p != 1)
        x = q.binary<qc::PowOp>(x, q.splat(element, {}, double(*p)));
    }
    Value pooled = qc::AvgPool2DOp::create(
        b, ctx.loc(), type, x, b.getDenseI64ArrayAttr(window.kernel),
        b.getDenseI64ArrayAttr(window.strides),
        b.getDenseI64ArrayAttr(window.pads), ceil,
        *countIncludePad || lp ? b.getUnitAttr() : UnitAttr());
    if (lp) {
      double area = double(window.kernel[0]) * window.kernel[1];
      pooled = q.mul(pooled, q.splat(element, {}, area));
      if (*p != 1)
        pooled =
            q.binary<qc::PowOp>(pooled, q.splat(element, {}, 1.0 / double(*p)));
    }
    ctx.setOutput(0, pooled);
  }
  return success();
}

static LogicalResult importGlobalAveragePool(NodeContext &ctx) {
  auto input = ctx.tensorInput(0);
  if (failed(input))
    return failure();
  ArrayRef<int64_t> in = input->getType().getShape();
  if (in.size() < 3)
    return ctx.error() << "the input must have rank at least 3";
  Shape out(in.size(), 1);
  out[0] = in[0];
  out[1] = in[1];
  auto type = RankedTensorType::get(out, input->getType().getElementType());
  ctx.setOutput(0, qc::GlobalAvgPoolOp::create(ctx.builder(), ctx.loc(), type,
                                               *input));
  return success();
}

//===----------------------------------------------------------------------===//
// Resize
//===----------------------------------------------------------------------===//

/// Resize's scales, one per dimension of `in`: from `scales` or `sizes`
/// (opset 18: given for the dimensions `axes` lists, the others kept).
static LogicalResult readResizeScales(NodeContext &ctx, ArrayRef<int64_t> in,
                                      SmallVectorImpl<float> &scales) {
  auto axesAttr = ctx.attrInts("axes");
  FailureOr<std::string> policy =
      ctx.attrString("keep_aspect_ratio_policy", "stretch");
  if (failed(axesAttr) || failed(policy))
    return failure();
  if (*policy != "stretch")
    return ctx.error() << "keep_aspect_ratio_policy '" << *policy
                       << "' is not supported";
  SmallVector<int64_t> axes;
  if (*axesAttr) {
    for (int64_t axis : **axesAttr) {
      int64_t a = axis < 0 ? axis + int64_t(in.size()) : axis;
      if (a < 0 || a >= int64_t(in.size()) || llvm::is_contained(axes, a))
        return ctx.error() << "axes entry " << axis << " is out of range or "
                           << "repeated for rank " << in.size();
      axes.push_back(a);
    }
  } else {
    for (size_t i = 0; i < in.size(); ++i)
      axes.push_back(i);
  }
  int scalesIndex = ctx.opset() < 11 ? 1 : 2;
  SmallVector<float> given;
  const HostTensor *scalesHost = ctx.hostInput(scalesIndex);
  if (scalesHost && scalesHost->size() > 0) {
    for (int64_t i = 0; i < scalesHost->size(); ++i)
      given.push_back(static_cast<float>(scalesHost->asDouble(i)));
  } else if (ctx.hasInput(scalesIndex) && !scalesHost) {
    return ctx.notConstantError(scalesIndex, "scales", "known at import");
  } else if (ctx.opset() >= 11 && ctx.hasInput(3)) {
    auto sizes = ctx.constantInts(3, "sizes");
    if (failed(sizes))
      return failure();
    if (sizes->size() != axes.size())
      return ctx.error() << "sizes must have one entry per resized dimension";
    for (size_t i = 0; i < axes.size(); ++i) {
      if (ShapedType::isDynamic(in[axes[i]]))
        return ctx.error() << "sizes on a dynamic dimension are not supported";
      given.push_back(static_cast<float>((*sizes)[i]) / in[axes[i]]);
    }
  } else {
    return ctx.error() << "scales or sizes must be constants";
  }
  if (given.size() != axes.size())
    return ctx.error() << "scales must have one entry per resized dimension";
  scales.assign(in.size(), 1.0f);
  for (auto [axis, scale] : llvm::zip_equal(axes, given)) {
    if (!(scale > 0.0f))
      return ctx.error() << "scales must be positive";
    scales[axis] = scale;
  }
  return success();
}

/// Resize (opset 10: X, scales; 11+: X, roi, scales, sizes).
static LogicalResult importResize(NodeContext &ctx) {
  auto input = ctx.tensorInput(0);
  if (failed(input))
    return failure();
  ArrayRef<int64_t> in = input->getType().getShape();
  SmallVector<float> scales;
  if (failed(readResizeScales(ctx, in, scales)))
    return failure();
  FailureOr<std::string> mode = ctx.attrString("mode", "nearest");
  FailureOr<std::string> transform = ctx.attrString(
      "coordinate_transformation_mode",
      ctx.opset() < 11 ? "asymmetric" : "half_pixel");
  FailureOr<std::string> nearest =
      ctx.attrString("nearest_mode", "round_prefer_floor");
  FailureOr<float> cubicA = ctx.attrFloat("cubic_coeff_a", -0.75f);
  FailureOr<int64_t> excludeOutside = ctx.attrInt("exclude_outside", 0);
  FailureOr<int64_t> antialias = ctx.attrInt("antialias", 0);
  if (failed(mode) || failed(transform) || failed(nearest) || failed(cubicA) ||
      failed(excludeOutside) || failed(antialias))
    return failure();
  std::optional<qc::ResizeMode> modeAttr = qc::symbolizeResizeMode(*mode);
  std::optional<qc::CoordinateTransform> transformAttr =
      qc::symbolizeCoordinateTransform(*transform);
  std::optional<qc::NearestRounding> nearestAttr =
      qc::symbolizeNearestRounding(*nearest);
  if (!modeAttr)
    return ctx.error() << "mode '" << *mode << "' is not supported";
  if (!transformAttr)
    return ctx.error() << "coordinate_transformation_mode '" << *transform
                       << "' is not supported";
  if (!nearestAttr)
    return ctx.error() << "nearest_mode '" << *nearest << "' is not supported";
  if (*antialias != 0 && *modeAttr != qc::ResizeMode::nearest &&
      llvm::any_of(scales, [](float s) { return s < 1.0f; }))
    return ctx.error() << "antialiased downsampling is not supported";
  Shape out;
  for (auto [extent, scale] : llvm::zip_equal(in, scales))
    out.push_back(qc::resizedExtent(extent, scale));
  bool cubic = *modeAttr == qc::ResizeMode::cubic;
  OpBuilder &b = ctx.builder();
  auto type = RankedTensorType::get(out, input->getType().getElementType());
  ctx.setOutput(
      0, qc::ResizeOp::create(
             b, ctx.loc(), type, *input, b.getDenseF32ArrayAttr(scales),
             qc::ResizeModeAttr::get(b.getContext(), *modeAttr),
             qc::CoordinateTransformAttr::get(b.getContext(), *transformAttr),
             qc::NearestRoundingAttr::get(b.getContext(), *nearestAttr),
             b.getF32FloatAttr(cubic ? *cubicA : -0.75f),
             cubic && *excludeOutside ? b.getUnitAttr() : UnitAttr()));
  return success();
}

void quantc::onnx_import::registerNNHandlers(
    llvm::StringMap<NodeHandler> &handlers) {
  handlers["Conv"] = [](NodeContext &ctx) {
    return importWindow(ctx, importConv, 2, importConv3D);
  };
  handlers["ConvTranspose"] = [](NodeContext &ctx) {
    return importWindow(ctx, importConvTranspose, 2, importConvTranspose3D);
  };
  handlers["MatMul"] = importMatMul;
  handlers["Gemm"] = importGemm;
  handlers["BatchNormalization"] = importBatchNorm;
  handlers["LayerNormalization"] = importLayerNorm;
  handlers["Softmax"] = importSoftmax;
  handlers["LogSoftmax"] = importLogSoftmax;
  handlers["MaxPool"] = [](NodeContext &ctx) {
    return importWindow(ctx, importPool<PoolKind::Max>, 1,
                        importPool3D<PoolKind::Max>);
  };
  handlers["AveragePool"] = [](NodeContext &ctx) {
    return importWindow(ctx, importPool<PoolKind::Average>, 1,
                        importPool3D<PoolKind::Average>);
  };
  handlers["LpPool"] = [](NodeContext &ctx) {
    return importWindow(ctx, importPool<PoolKind::Lp>, 1,
                        importPool3D<PoolKind::Lp>);
  };
  handlers["GlobalAveragePool"] = importGlobalAveragePool;
  handlers["Resize"] = importResize;
}
