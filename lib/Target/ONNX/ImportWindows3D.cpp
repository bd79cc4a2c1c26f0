//===- ImportWindows3D.cpp - 3-D windows over depth slices ----------------===//
//
// Part of quantc. A 3-D Conv, ConvTranspose or pool (N x C x D x H x W:
// video, volumes) is a 2-D window over every depth slice, combined along
// depth. The depth slices fold into the batch (N*D x C x H x W), so each
// kernel depth kd is one 2-D op over all slices:
//   Conv:          out[d] = sum_kd conv2d(x[d*s + kd*dil - pad], w[:, :, kd])
//   ConvTranspose: out[d*s + kd*dil - pad] += convT2d(x[d], w[:, :, kd])
//   pools:         max or sum over depth of the 2-D pool of each slice,
//                  then divided by the depth window's count (average).
// The layers stay qc.conv2d / qc.conv_transpose2d with constant weight
// slices, so they calibrate and quantize like 2-D ones.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "QCBuilder.h"

#include "quantc/Support/LocationName.h"

#include <limits>

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

namespace {
/// The 2-D part of a 3-D window (height and width) and its depth part.
struct SplitWindow {
  WindowGeometry plane;
  int64_t kernel, stride, dilation, padBegin, padEnd;

  explicit SplitWindow(const WindowGeometry &w)
      : kernel(w.kernel[0]), stride(w.strides[0]), dilation(w.dilations[0]),
        padBegin(w.pads[0]), padEnd(w.pads[3]) {
    plane.kernel = {w.kernel[1], w.kernel[2]};
    plane.strides = {w.strides[1], w.strides[2]};
    plane.dilations = {w.dilations[1], w.dilations[2]};
    plane.pads = {w.pads[1], w.pads[2], w.pads[4], w.pads[5]};
    plane.group = w.group;
  }
};
} // namespace

/// The rank-5 static input (input `i`) of a 3-D window node.
static FailureOr<Value> volumeInput(NodeContext &ctx, int i, bool isFloat) {
  auto input = isFloat ? ctx.floatInput(i) : ctx.tensorInput(i);
  if (failed(input))
    return failure();
  if (!input->getType().hasStaticShape() ||
      llvm::is_contained(input->getType().getShape(), 0))
    return ctx.error() << "a 3-D " << ctx.node().op_type()
                       << " needs static, non-empty input " << i
                       << " dimensions";
  return Value(*input);
}

/// N x C x D x H x W -> (N*D) x C x H x W: every depth slice an image.
static Value foldDepth(QCBuilder &q, Value x) {
  ArrayRef<int64_t> s = QCBuilder::shapeOf(x);
  Value t = q.transpose(x, {0, 2, 1, 3, 4});
  return q.reshape(t, {s[0] * s[2], s[1], s[3], s[4]});
}

/// (N*D) x C x H x W -> N x D x C x H x W.
static Value unfoldDepth(QCBuilder &q, Value x, int64_t batch) {
  ArrayRef<int64_t> s = QCBuilder::shapeOf(x);
  return q.reshape(x, {batch, s[0] / batch, s[1], s[2], s[3]});
}

/// Depth slice `kd` of a 3-D weight O x I x KD x KH x KW, as a 2-D one.
static Value weightSlice(QCBuilder &q, Value weight, int64_t kd) {
  ArrayRef<int64_t> s = QCBuilder::shapeOf(weight);
  return q.reshape(q.slice(weight, 2, kd, kd + 1), {s[0], s[1], s[3], s[4]});
}

/// N x D x C x H x W -> N x C x D x H x W, with the bias added per channel.
static Value finish(QCBuilder &q, Value y, Value bias) {
  if (bias)
    y = q.add(y, q.reshape(bias, {1, 1, QCBuilder::shapeOf(bias)[0], 1, 1}));
  return q.transpose(y, {0, 2, 1, 3, 4});
}

namespace {
/// A 3-D convolution's data, weight and optional bias.
struct ConvOperands {
  Value input, weight, bias;
};
} // namespace

static FailureOr<ConvOperands> convOperands(NodeContext &ctx) {
  auto input = volumeInput(ctx, 0, /*isFloat=*/false);
  auto weight = volumeInput(ctx, 1, /*isFloat=*/false);
  if (failed(input) || failed(weight) ||
      failed(ctx.requireSameElementType(*input, *weight)))
    return failure();
  ConvOperands operands{*input, *weight, Value()};
  if (ctx.hasInput(2)) {
    auto bias = ctx.tensorInput(2);
    if (failed(bias) || failed(ctx.requireRank(*bias, 1, "the bias")))
      return failure();
    operands.bias = *bias;
  }
  return operands;
}

LogicalResult quantc::onnx_import::importConv3D(NodeContext &ctx) {
  FailureOr<ConvOperands> operands = convOperands(ctx);
  if (failed(operands))
    return failure();
  Value input = operands->input, weight = operands->weight;
  ArrayRef<int64_t> in = QCBuilder::shapeOf(input);
  ArrayRef<int64_t> w = QCBuilder::shapeOf(weight);
  WindowGeometry geometry;
  if (failed(readWindowGeometry(ctx, in, w, geometry)))
    return failure();
  SplitWindow window(geometry);
  int64_t depth =
      qc::windowOutputExtent(in[2], window.kernel, window.stride,
                             window.padBegin, window.padEnd, window.dilation);
  if (depth <= 0)
    return ctx.error() << "the kernel does not fit the padded depth";

  QCBuilder q(ctx.builder(), ctx.loc());
  Value slices =
      foldDepth(q, q.padAxis(input, 2, window.padBegin, window.padEnd, 0.0f));
  const WindowGeometry &p = window.plane;
  Value sum;
  for (int64_t kd = 0; kd < window.kernel; ++kd) {
    Value kernel = weightSlice(q, weight, kd);
    ArrayRef<int64_t> s = QCBuilder::shapeOf(slices);
    Shape planeOut = {s[0], w[0]};
    for (int i = 0; i < 2; ++i)
      planeOut.push_back(qc::windowOutputExtent(s[2 + i], w[3 + i],
                                                p.strides[i], p.pads[i],
                                                p.pads[2 + i], p.dilations[i]));
    if (planeOut[2] <= 0 || planeOut[3] <= 0)
      return ctx.error() << "the kernel does not fit the padded input";
    OpBuilder &b = q.b;
    Value plane = qc::Conv2DOp::create(
        b, suffixedLoc(ctx.loc(), "/kd" + std::to_string(kd)),
        RankedTensorType::get(planeOut, QCBuilder::elementOf(input)), slices,
        kernel, Value(), b.getDenseI64ArrayAttr(p.strides),
        b.getDenseI64ArrayAttr(p.pads), b.getDenseI64ArrayAttr(p.dilations),
        b.getI64IntegerAttr(p.group));
    Value term = q.stridedSlice(unfoldDepth(q, plane, in[0]), 1,
                                kd * window.dilation, depth, window.stride);
    sum = sum ? q.add(sum, term) : term;
  }
  ctx.setOutput(0, finish(q, sum, operands->bias));
  return success();
}

LogicalResult quantc::onnx_import::importConvTranspose3D(NodeContext &ctx) {
  FailureOr<ConvOperands> operands = convOperands(ctx);
  if (failed(operands))
    return failure();
  Value input = operands->input, weight = operands->weight;
  ArrayRef<int64_t> in = QCBuilder::shapeOf(input);
  ArrayRef<int64_t> w = QCBuilder::shapeOf(weight);
  WindowGeometry geometry;
  SmallVector<int64_t, 3> outputPadding;
  if (failed(readTransposedWindowGeometry(ctx, in, w, geometry, outputPadding)))
    return failure();
  SplitWindow window(geometry);
  // The depth every kernel slice reaches before the pads are cropped.
  int64_t full = (in[2] - 1) * window.stride +
                 (window.kernel - 1) * window.dilation + 1 + outputPadding[0];
  if (full - window.padBegin - window.padEnd <= 0)
    return ctx.error() << "the pads crop the whole depth";

  QCBuilder q(ctx.builder(), ctx.loc());
  Value slices = foldDepth(q, input);
  const WindowGeometry &p = window.plane;
  Value sum;
  for (int64_t kd = 0; kd < window.kernel; ++kd) {
    Value kernel = weightSlice(q, weight, kd);
    ArrayRef<int64_t> s = QCBuilder::shapeOf(slices);
    Shape planeOut = {s[0], w[1] * p.group};
    for (int i = 0; i < 2; ++i)
      planeOut.push_back(qc::transposedWindowOutputExtent(
          s[2 + i], w[3 + i], p.strides[i], p.pads[i], p.pads[2 + i],
          p.dilations[i], outputPadding[1 + i]));
    if (planeOut[2] <= 0 || planeOut[3] <= 0)
      return ctx.error() << "the pads crop the whole output";
    OpBuilder &b = q.b;
    Value plane = qc::ConvTranspose2DOp::create(
        b, suffixedLoc(ctx.loc(), "/kd" + std::to_string(kd)),
        RankedTensorType::get(planeOut, QCBuilder::elementOf(input)), slices,
        kernel, Value(), b.getDenseI64ArrayAttr(p.strides),
        b.getDenseI64ArrayAttr(p.pads), b.getDenseI64ArrayAttr(p.dilations),
        b.getDenseI64ArrayAttr({outputPadding[1], outputPadding[2]}),
        b.getI64IntegerAttr(p.group));
    // Slice d lands at depth d*stride + kd*dilation: spread the slices
    // `stride` apart (zeros between), then shift them into place.
    Value term = unfoldDepth(q, plane, in[0]);
    ArrayRef<int64_t> t = QCBuilder::shapeOf(term);
    if (window.stride > 1) {
      Shape spaced = {t[0], t[1], 1, t[2], t[3], t[4]};
      term = q.padAxis(q.reshape(term, spaced), 2, 0, window.stride - 1, 0.0f);
      term = q.reshape(term, {t[0], t[1] * window.stride, t[2], t[3], t[4]});
    }
    int64_t offset = kd * window.dilation;
    int64_t length = QCBuilder::shapeOf(term)[1];
    term = q.padAxis(term, 1, offset, full - offset - length, 0.0f);
    sum = sum ? q.add(sum, term) : term;
  }
  sum = q.padAxis(sum, 1, -window.padBegin, -window.padEnd, 0.0f);
  ctx.setOutput(0, finish(q, sum, operands->bias));
  return success();
}

/// How many of the depth window's positions count for output slice `d`:
/// those inside the input, or inside the padded input when `includePad`.
static int64_t depthCount(const SplitWindow &window, int64_t depth, int64_t d,
                          bool includePad) {
  int64_t low = includePad ? -window.padBegin : 0;
  int64_t high = includePad ? depth + window.padEnd : depth;
  int64_t count = 0;
  for (int64_t k = 0; k < window.kernel; ++k) {
    int64_t at = d * window.stride - window.padBegin + k * window.dilation;
    count += at >= low && at < high;
  }
  return count;
}

template <PoolKind kind>
LogicalResult quantc::onnx_import::importPool3D(NodeContext &ctx) {
  auto input = volumeInput(ctx, 0, /*isFloat=*/true);
  if (failed(input))
    return failure();
  if (ctx.node().output_size() > 1 && !ctx.node().output(1).empty())
    return ctx.error() << "the Indices output is not supported";
  FailureOr<int64_t> ceilMode = ctx.attrInt("ceil_mode", 0);
  FailureOr<int64_t> countIncludePad = ctx.attrInt("count_include_pad", 0);
  FailureOr<int64_t> p = ctx.attrInt("p", 2);
  ArrayRef<int64_t> in = QCBuilder::shapeOf(*input);
  WindowGeometry geometry;
  if (failed(ceilMode) || failed(countIncludePad) || failed(p) ||
      failed(readWindowGeometry(ctx, in, {}, geometry)))
    return failure();
  if (kind != PoolKind::Max &&
      llvm::any_of(geometry.dilations, [](int64_t d) { return d != 1; }))
    return ctx.error() << "dilated average and Lp pooling are not supported";
  if (kind == PoolKind::Lp && *p < 1)
    return ctx.error() << "p must be positive, got " << *p;
  SplitWindow window(geometry);
  bool ceil = *ceilMode != 0;
  int64_t depth = qc::windowOutputExtent(in[2], window.kernel, window.stride,
                                         window.padBegin, window.padEnd,
                                         window.dilation, ceil);
  if (depth <= 0)
    return ctx.error() << "the window does not fit the padded depth";

  QCBuilder q(ctx.builder(), ctx.loc());
  OpBuilder &b = q.b;
  Type element = QCBuilder::elementOf(*input);
  Value x = *input;
  if (kind == PoolKind::Lp) {
    x = qc::AbsOp::create(b, ctx.loc(), x);
    if (*p != 1)
      x = q.binary<qc::PowOp>(x, q.splat(element, {}, double(*p)));
  }
  // The 2-D pool of every depth slice.
  Value slices = foldDepth(q, x);
  ArrayRef<int64_t> s = QCBuilder::shapeOf(slices);
  const WindowGeometry &plane = window.plane;
  Shape planeOut = {s[0], s[1]};
  for (int i = 0; i < 2; ++i)
    planeOut.push_back(qc::windowOutputExtent(
        s[2 + i], plane.kernel[i], plane.strides[i], plane.pads[i],
        plane.pads[2 + i], plane.dilations[i], ceil));
  if (planeOut[2] <= 0 || planeOut[3] <= 0)
    return ctx.error() << "the window does not fit the padded input";
  auto planeType = RankedTensorType::get(planeOut, element);
  UnitAttr ceilAttr = ceil ? b.getUnitAttr() : UnitAttr();
  Value pooled;
  if constexpr (kind == PoolKind::Max) {
    pooled = qc::MaxPool2DOp::create(
        b, ctx.loc(), planeType, slices, b.getDenseI64ArrayAttr(plane.kernel),
        b.getDenseI64ArrayAttr(plane.strides),
        b.getDenseI64ArrayAttr(plane.pads),
        b.getDenseI64ArrayAttr(plane.dilations), ceilAttr);
  } else {
    bool includePad = *countIncludePad || kind == PoolKind::Lp;
    pooled = qc::AvgPool2DOp::create(
        b, ctx.loc(), planeType, slices, b.getDenseI64ArrayAttr(plane.kernel),
        b.getDenseI64ArrayAttr(plane.strides),
        b.getDenseI64ArrayAttr(plane.pads), ceilAttr,
        includePad ? b.getUnitAttr() : UnitAttr());
  }
  Value planes = unfoldDepth(q, pooled, in[0]);

  // Along depth: pad (the end as far as ceil mode's last window reaches),
  // then combine the strided slices of each kernel position.
  int64_t reach =
      (depth - 1) * window.stride + (window.kernel - 1) * window.dilation + 1;
  float fill =
      kind == PoolKind::Max ? -std::numeric_limits<float>::infinity() : 0.0f;
  Value padded = q.padAxis(planes, 1, window.padBegin,
                           reach - window.padBegin - in[2], fill);
  Value result;
  for (int64_t kd = 0; kd < window.kernel; ++kd) {
    Value term =
        q.stridedSlice(padded, 1, kd * window.dilation, depth, window.stride);
    if (!result)
      result = term;
    else if (kind == PoolKind::Max)
      result = q.binary<qc::MaxOp>(result, term);
    else
      result = q.add(result, term);
  }
  if (kind == PoolKind::Average) {
    // The plane pool averaged each slice; divide by the depth count.
    SmallVector<Attribute> counts;
    for (int64_t d = 0; d < depth; ++d)
      counts.push_back(b.getFloatAttr(
          element, double(depthCount(window, in[2], d, *countIncludePad))));
    auto type = RankedTensorType::get({1, depth, 1, 1, 1}, element);
    result = q.div(
        result, qc::ConstantOp::create(b, ctx.loc(), type,
                                       DenseElementsAttr::get(type, counts)));
  } else if (kind == PoolKind::Lp) {
    // The plane pool averaged over its whole window; scale back to sums.
    double area = double(plane.kernel[0]) * plane.kernel[1];
    result = q.mul(result, q.splat(element, {}, area));
    if (*p != 1)
      result =
          q.binary<qc::PowOp>(result, q.splat(element, {}, 1.0 / double(*p)));
  }
  ctx.setOutput(0, finish(q, result, Value()));
  return success();
}

template LogicalResult
quantc::onnx_import::importPool3D<PoolKind::Max>(NodeContext &);
template LogicalResult
quantc::onnx_import::importPool3D<PoolKind::Average>(NodeContext &);
template LogicalResult
quantc::onnx_import::importPool3D<PoolKind::Lp>(NodeContext &);
