//===- DecomposeConvTranspose.cpp - transposed conv as phase convs -------===//
//
// Part of quantc. A transposed convolution with stride s writes output t =
// i*s + k*d from input i and kernel tap k. Split by the output's phase
// r = t mod s: phase r reads only the taps with k*d = r (mod s), and over
// its positions q = t div s it is an ordinary stride-1 convolution of the
// input with those taps, flipped (dilation d / gcd(d, s)). So the layer is
// s_h * s_w qc.conv2d ops with constant sub-kernels, interleaved: the
// same sums, no multiplication by inserted zeros, and layers the quantizer
// already knows. (Pixel-shuffle / "sub-pixel" decomposition.)
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QC/IR/QCConstants.h"
#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"
#include "quantc/Support/LocationName.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <numeric>

namespace quantc::qc {
#define GEN_PASS_DEF_QCDECOMPOSECONVTRANSPOSE
#include "quantc/Dialect/QC/Transforms/Passes.h.inc"
} // namespace quantc::qc

using namespace mlir;
using namespace quantc::qc;

namespace {
static int64_t floorDiv(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/// One output phase r along one spatial axis: the kernel taps it reads, in
/// convolution order, and the stride-1 convolution that computes its
/// positions q = first .. first + count - 1.
struct AxisPhase {
  SmallVector<int64_t> taps;
  int64_t dilation = 1, padBegin = 0, padEnd = 0;
  int64_t first = 0, count = 0;
};

/// The phases of one axis: input extent `in`, kernel, stride, dilation,
/// begin pad and the output extent.
static SmallVector<AxisPhase> axisPhases(int64_t in, int64_t kernel,
                                         int64_t stride, int64_t dilation,
                                         int64_t padBegin, int64_t out) {
  SmallVector<AxisPhase> phases(stride);
  int64_t step = dilation / std::gcd(dilation, stride);
  for (int64_t r = 0; r < stride; ++r) {
    AxisPhase &phase = phases[r];
    // Output t = q*s + r for t in [padBegin, padBegin + out).
    phase.first = floorDiv(padBegin - r + stride - 1, stride);
    phase.count = floorDiv(padBegin + out - 1 - r, stride) - phase.first + 1;
    SmallVector<int64_t> offsets; // q - i for each tap, ascending
    for (int64_t k = 0; k < kernel; ++k)
      if (k * dilation >= r && (k * dilation - r) % stride == 0) {
        phase.taps.push_back(k);
        offsets.push_back((k * dilation - r) / stride);
      }
    if (phase.taps.empty() || phase.count <= 0)
      continue;
    // Convolution order reads input q - offset from the largest offset up.
    std::reverse(phase.taps.begin(), phase.taps.end());
    int64_t taps = phase.taps.size();
    phase.dilation = taps > 1 ? step : 1;
    phase.padBegin =
        offsets.front() + (taps - 1) * phase.dilation - phase.first;
    int64_t padded = phase.count + (taps - 1) * phase.dilation;
    phase.padEnd = padded - phase.padBegin - in;
  }
  return phases;
}

struct PhaseConvolutions : OpRewritePattern<ConvTranspose2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvTranspose2DOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType inType = op.getInput().getType();
    RankedTensorType outType = op.getType();
    if (!inType.hasStaticShape() || !outType.hasStaticShape() ||
        !inType.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "not static f32");
    std::optional<std::vector<float>> weight = readF32Constant(op.getWeight());
    if (!weight)
      return rewriter.notifyMatchFailure(op, "weight not a constant");
    ArrayRef<int64_t> in = inType.getShape(), out = outType.getShape();
    ArrayRef<int64_t> w = op.getWeight().getType().getShape();
    int64_t group = op.getGroup();
    int64_t inPerGroup = w[0] / group, outPerGroup = w[1];
    SmallVector<AxisPhase> phases[2];
    for (int a = 0; a < 2; ++a)
      phases[a] = axisPhases(in[2 + a], w[2 + a], op.getStrides()[a],
                             op.getDilations()[a], op.getPads()[a], out[2 + a]);
    // Every phase's positions fill [lowest first, highest last] per axis.
    int64_t lowest[2], extent[2];
    for (int a = 0; a < 2; ++a) {
      int64_t low = INT64_MAX, high = INT64_MIN;
      for (const AxisPhase &p : phases[a]) {
        low = std::min(low, p.first);
        high = std::max(high, p.first + p.count - 1);
      }
      lowest[a] = low;
      extent[a] = high - low + 1;
    }
    bool everyPhaseReads = true;
    for (int a = 0; a < 2; ++a)
      for (const AxisPhase &p : phases[a])
        everyPhaseReads &= !p.taps.empty() && p.count > 0;

    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    int64_t batch = in[0], channels = out[1];
    Value bias = everyPhaseReads ? op.getBias() : Value();
    SmallVector<Value> rows;
    for (int64_t ry = 0; ry < int64_t(phases[0].size()); ++ry) {
      SmallVector<Value> row;
      for (int64_t rx = 0; rx < int64_t(phases[1].size()); ++rx) {
        const AxisPhase &py = phases[0][ry], &px = phases[1][rx];
        Value phase;
        if (py.taps.empty() || px.taps.empty() || py.count <= 0 ||
            px.count <= 0) {
          auto type = RankedTensorType::get(
              {batch, channels, extent[0], extent[1]}, f32);
          phase = ConstantOp::create(
              rewriter, loc, type,
              DenseElementsAttr::get(type, rewriter.getF32FloatAttr(0)));
        } else {
          phase = convolvePhase(rewriter, op, *weight, py, px, inPerGroup,
                                outPerGroup, bias, ry, rx);
          // Onto the common grid of positions (the margins are cropped
          // below: they lie outside the output).
          SmallVector<int64_t> pads = {
              0,
              0,
              py.first - lowest[0],
              px.first - lowest[1],
              0,
              0,
              lowest[0] + extent[0] - py.first - py.count,
              lowest[1] + extent[1] - px.first - px.count};
          if (llvm::any_of(pads, [](int64_t p) { return p != 0; }))
            phase =
                PadOp::create(rewriter, loc,
                              RankedTensorType::get(
                                  {batch, channels, extent[0], extent[1]}, f32),
                              phase, rewriter.getDenseI64ArrayAttr(pads),
                              PadModeAttr::get(getContext(), PadMode::constant),
                              rewriter.getF32FloatAttr(0));
        }
        row.push_back(ReshapeOp::create(
            rewriter, loc,
            RankedTensorType::get({batch, channels, extent[0], 1, extent[1], 1},
                                  f32),
            phase));
      }
      rows.push_back(concat(rewriter, loc, row, 5));
    }
    Value grid = concat(rewriter, loc, rows, 3);
    int64_t sy = phases[0].size(), sx = phases[1].size();
    Value interleaved = ReshapeOp::create(
        rewriter, loc,
        RankedTensorType::get({batch, channels, extent[0] * sy, extent[1] * sx},
                              f32),
        grid);
    // Grid position u = t - lowest * s; the output starts at t = padBegin.
    int64_t startY = op.getPads()[0] - lowest[0] * sy;
    int64_t startX = op.getPads()[1] - lowest[1] * sx;
    Value result = SliceOp::create(
        rewriter, loc, outType, interleaved,
        rewriter.getDenseI64ArrayAttr({startY, startX}),
        rewriter.getDenseI64ArrayAttr({startY + out[2], startX + out[3]}),
        rewriter.getDenseI64ArrayAttr({2, 3}),
        rewriter.getDenseI64ArrayAttr({1, 1}));
    if (op.getBias() && !bias) {
      Value perChannel = ReshapeOp::create(
          rewriter, loc, RankedTensorType::get({1, channels, 1, 1}, f32),
          op.getBias());
      result = AddOp::create(rewriter, loc, outType, result, perChannel);
    }
    rewriter.replaceOp(op, result);
    return success();
  }

  static Value concat(PatternRewriter &rewriter, Location loc,
                      ArrayRef<Value> parts, int64_t axis) {
    if (parts.size() == 1)
      return parts.front();
    auto first = cast<RankedTensorType>(parts.front().getType());
    SmallVector<int64_t> shape(first.getShape());
    shape[axis] *= parts.size();
    return ConcatOp::create(
        rewriter, loc, RankedTensorType::get(shape, first.getElementType()),
        parts, rewriter.getI64IntegerAttr(axis));
  }

  /// The stride-1 qc.conv2d of phase (py, px): sub-kernel W'[o, c, j, l] =
  /// W[c, o, py.taps[j], px.taps[l]] per group, named <layer>/phase<ry><rx>.
  static Value convolvePhase(PatternRewriter &rewriter, ConvTranspose2DOp op,
                             ArrayRef<float> weight, const AxisPhase &py,
                             const AxisPhase &px, int64_t inPerGroup,
                             int64_t outPerGroup, Value bias, int64_t ry,
                             int64_t rx) {
    ArrayRef<int64_t> w = op.getWeight().getType().getShape();
    int64_t group = op.getGroup();
    int64_t jy = py.taps.size(), jx = px.taps.size();
    int64_t outChannels = outPerGroup * group;
    std::vector<float> sub(outChannels * inPerGroup * jy * jx);
    for (int64_t g = 0; g < group; ++g)
      for (int64_t o = 0; o < outPerGroup; ++o)
        for (int64_t c = 0; c < inPerGroup; ++c)
          for (int64_t j = 0; j < jy; ++j)
            for (int64_t l = 0; l < jx; ++l) {
              int64_t source =
                  (((g * inPerGroup + c) * w[1] + o) * w[2] + py.taps[j]) *
                      w[3] +
                  px.taps[l];
              int64_t target =
                  (((g * outPerGroup + o) * inPerGroup + c) * jy + j) * jx + l;
              sub[target] = weight[source];
            }
    Location loc = quantc::suffixedLoc(
        op.getLoc(), "/phase" + std::to_string(ry) + std::to_string(rx));
    Type f32 = rewriter.getF32Type();
    Value kernel = createF32Constant(
        rewriter, loc,
        RankedTensorType::get({outChannels, inPerGroup, jy, jx}, f32), sub,
        "conv_transpose_phase_w");
    ArrayRef<int64_t> in = op.getInput().getType().getShape();
    // Pads may be negative (the phase starts inside the input): crop.
    Value input = op.getInput();
    SmallVector<int64_t> pads = {py.padBegin, px.padBegin, py.padEnd,
                                 px.padEnd};
    if (llvm::any_of(pads, [](int64_t p) { return p < 0; })) {
      SmallVector<int64_t> crop = {0,
                                   0,
                                   std::min<int64_t>(py.padBegin, 0),
                                   std::min<int64_t>(px.padBegin, 0),
                                   0,
                                   0,
                                   std::min<int64_t>(py.padEnd, 0),
                                   std::min<int64_t>(px.padEnd, 0)};
      input = PadOp::create(
          rewriter, loc,
          RankedTensorType::get({in[0], in[1], in[2] + crop[2] + crop[6],
                                 in[3] + crop[3] + crop[7]},
                                f32),
          input, rewriter.getDenseI64ArrayAttr(crop),
          PadModeAttr::get(rewriter.getContext(), PadMode::constant),
          rewriter.getF32FloatAttr(0));
      for (int64_t &p : pads)
        p = std::max<int64_t>(p, 0);
    }
    auto type =
        RankedTensorType::get({in[0], outChannels, py.count, px.count}, f32);
    return Conv2DOp::create(
        rewriter, loc, type, input, kernel, bias,
        rewriter.getDenseI64ArrayAttr({1, 1}),
        rewriter.getDenseI64ArrayAttr(pads),
        rewriter.getDenseI64ArrayAttr({py.dilation, px.dilation}),
        rewriter.getI64IntegerAttr(group));
  }
};

struct QCDecomposeConvTransposePass
    : public quantc::qc::impl::QCDecomposeConvTransposeBase<
          QCDecomposeConvTransposePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<PhaseConvolutions>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
