//===- Reparameterize.cpp - RepQuant: per-channel into per-tensor ---------===//
//
// Part of quantc. A post-LayerNorm activation's channels have very different
// ranges; one scale per channel would fit them, but an integer matmul needs
// one scale along K. RepQ-ViT's answer: quantize per channel in principle,
// and move the per-channel scale and zero-point differences into the
// LayerNorm's affine (before) and the readers' weights and bias (after), so
// that one per-tensor quantizer computes the per-channel codes.
//
//===----------------------------------------------------------------------===//

#include "LayerWeightAxes.h"

#include "quantc/Calibration/RangeSelection.h"
#include "quantc/Dialect/QC/IR/QCConstants.h"
#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/IR/QCShapeInference.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace quantc::qc {
#define GEN_PASS_DEF_QCREPARAMETERIZE
#include "quantc/Dialect/QC/Transforms/Passes.h.inc"
} // namespace quantc::qc

using namespace mlir;
using namespace quantc::qc;

namespace {
/// Replaces a per-channel constant operand by f(c, value_c).
void rewriteChannels(OpOperand &operand,
                     llvm::function_ref<double(int64_t, double)> f,
                     StringRef name) {
  std::vector<float> values = *readF32Constant(operand.get());
  for (size_t c = 0; c < values.size(); ++c)
    values[c] = float(f(int64_t(c), values[c]));
  replaceConstantOperand(operand, values, name);
}

/// Each channel's quantizer range. A channel's own extremes over a few
/// calibration samples generalize poorly (one channel of a test model,
/// gamma 25, overshot its 64-row range by 10.6 on the next sample), so the
/// LayerNorm's structure is used: x_c = gamma_c u_c + beta_c with u
/// normalized alike in every channel. The range of u is pooled over all
/// channels, [u_lo, u_hi], and channel c gets beta_c + gamma_c [u_lo, u_hi]
/// (and zero).
std::vector<double> normRanges(ArrayRef<double> extremes,
                               const NormAffine &affine) {
  std::vector<float> gamma = *readF32Constant(affine.gamma->get());
  std::vector<float> beta = *readF32Constant(affine.beta->get());
  size_t channels = gamma.size();
  double uLo = 0, uHi = 0;
  for (size_t c = 0; c < channels; ++c) {
    if (std::fabs(gamma[c]) < 1e-12)
      continue;
    double a = (extremes[2 * c] - beta[c]) / gamma[c],
           b = (extremes[2 * c + 1] - beta[c]) / gamma[c];
    uLo = std::min({uLo, a, b});
    uHi = std::max({uHi, a, b});
  }
  std::vector<double> ranges;
  for (size_t c = 0; c < channels; ++c) {
    double a = beta[c] + gamma[c] * uLo, b = beta[c] + gamma[c] * uHi;
    ranges.push_back(std::min({0.0, a, b}));
    ranges.push_back(std::max({0.0, a, b}));
  }
  return ranges;
}

struct Reparameterizer {
  unsigned bits;
  bool perChannelReference;
  ReparameterizationCounts counts;

  /// The reference the folding is measured against: the readers read the
  /// per-channel quantizers' values (qc.quantize / qc.dequantize per axis)
  /// and stay float, so their weights are not rounded.
  void insertPerChannelQuantizers(ObserveOp probe,
                                  const ActivationReaders &readers,
                                  ArrayRef<double> scale, ArrayRef<double> zero,
                                  const std::vector<bool> &live,
                                  double sharedScale) {
    MLIRContext *context = probe.getContext();
    auto type = cast<RankedTensorType>(probe.getType());
    SmallVector<double> scales;
    SmallVector<int64_t> zeroPoints;
    for (size_t c = 0; c < scale.size(); ++c) {
      scales.push_back(live[c] ? scale[c] : sharedScale);
      zeroPoints.push_back(live[c] ? int64_t(zero[c]) : 0);
    }
    auto element = quant::UniformQuantizedPerAxisType::get(
        /*flags=*/0, IntegerType::get(context, 8), Float32Type::get(context),
        scales, zeroPoints, /*quantizedDimension=*/type.getRank() - 1,
        /*storageTypeMin=*/0, /*storageTypeMax=*/(int64_t(1) << bits) - 1);
    OpBuilder builder(context);
    builder.setInsertionPointAfter(probe);
    Value codes = QuantizeOp::create(builder, probe.getLoc(),
                                     type.clone(element), probe.getResult());
    Value values = DequantizeOp::create(builder, probe.getLoc(), type, codes);
    for (auto [layer, weightAxis] : readers.layers)
      layer.getActivationOperand().set(values);
  }

  void reparameterize(ObserveOp probe) {
    // Each channel's own extremes: the tensor's clipping range (what
    // channel_range is held within) would clip its widest channels.
    std::optional<ArrayRef<double>> ranges = probe.getChannelExtremes();
    if (!ranges)
      ranges = probe.getChannelRange();
    if (!ranges || probe.getResult().use_empty())
      return;
    int64_t channels = int64_t(ranges->size() / 2);
    auto type = cast<RankedTensorType>(probe.getType());
    if (type.getDimSize(type.getRank() - 1) != channels)
      return;
    std::optional<NormAffine> affine =
        findNormAffine(probe.getInput(), channels);
    if (!affine)
      return; // Not a post-LayerNorm activation.
    std::optional<ActivationReaders> readers =
        constantWeightReaders(probe.getResult(), channels);
    bool matmulsOnly =
        readers && readers->axis == type.getRank() - 1 &&
        llvm::all_of(readers->layers, [](auto &reader) {
          auto matmul = dyn_cast<MatMulOp>(reader.first.getOperation());
          return matmul &&
                 cast<RankedTensorType>(matmul.getRhs().getType()).getRank() ==
                     2;
        });
    if (!matmulsOnly) {
      ++counts.refused;
      return;
    }

    // Per-channel quantizers, and the per-tensor one they fold into.
    // A channel that is always zero keeps the per-tensor quantizer.
    std::vector<double> channelRanges = normRanges(*ranges, *affine);
    std::vector<double> scale(channels), zero(channels);
    std::vector<bool> live(channels);
    double scaleSum = 0, zeroSum = 0;
    int64_t liveCount = 0;
    for (int64_t c = 0; c < channels; ++c) {
      double lo = channelRanges[2 * c], hi = channelRanges[2 * c + 1];
      live[c] = hi > lo;
      if (!live[c])
        continue;
      quantc::QuantParams p =
          quantc::computeQuantParams({lo, hi}, bits, /*symmetric=*/false);
      scale[c] = p.scale;
      zero[c] = double(p.zeroPoint);
      scaleSum += p.scale;
      zeroSum += zero[c];
      ++liveCount;
    }
    if (liveCount == 0)
      return;
    double levels = double((int64_t(1) << bits) - 1);
    double sharedScale = scaleSum / double(liveCount);
    double sharedZero = std::nearbyint(zeroSum / double(liveCount));
    std::vector<double> r1(channels, 1.0), shift(channels, 0.0);
    for (int64_t c = 0; c < channels; ++c)
      if (live[c]) {
        r1[c] = scale[c] / sharedScale;
        shift[c] = scale[c] * (zero[c] - sharedZero); // s_c r2_c
      }

    if (perChannelReference) {
      insertPerChannelQuantizers(probe, *readers, scale, zero, live,
                                 sharedScale);
      ++counts.reparameterized;
      return;
    }

    OpBuilder builder(probe);
    // x~ = (x + t) / r1 through the affine: gamma / r1, (beta + t) / r1.
    rewriteChannels(
        *affine->gamma, [&](int64_t c, double g) { return g / r1[c]; },
        "repquant_gamma");
    rewriteChannels(
        *affine->beta,
        [&](int64_t c, double b) { return (b + shift[c]) / r1[c]; },
        "repquant_beta");
    // Each reader: x = r1 x~ - t, so W <- diag(r1) W and the product loses
    // t W, added back as a bias.
    for (auto [layer, weightAxis] : readers->layers) {
      auto matmul = cast<MatMulOp>(layer.getOperation());
      auto weightType = cast<RankedTensorType>(matmul.getRhs().getType());
      int64_t outputs = weightType.getDimSize(1);
      std::vector<float> w = *readF32Constant(matmul.getRhs());
      std::vector<float> correction(outputs, 0.0f);
      for (int64_t o = 0; o < outputs; ++o) {
        double sum = 0;
        for (int64_t c = 0; c < channels; ++c)
          sum += shift[c] * w[c * outputs + o];
        correction[o] = float(-sum);
      }
      rescaleConstant(matmul.getRhsMutable(), weightAxis, r1,
                      /*divide=*/false, "repquant_w");
      addOutputBias(matmul, correction, "repquant_bias");
    }
    updateStatistics(probe, r1, shift, sharedScale, sharedZero, levels);
    ++counts.reparameterized;
  }

  /// The probe describes x~ = (x + t) / r1: one range, shared by every
  /// channel, and the channel statistics moved the same way.
  static void updateStatistics(ObserveOp probe, ArrayRef<double> r1,
                               ArrayRef<double> shift, double sharedScale,
                               double sharedZero, double levels) {
    MLIRContext *context = probe.getContext();
    double lo = -sharedScale * sharedZero,
           hi = sharedScale * (levels - sharedZero);
    probe.setRangeAttr(DenseF64ArrayAttr::get(context, {lo, hi}));
    // Every channel's quantizer range is now the shared one.
    std::vector<double> ranges;
    for (size_t c = 0; c < r1.size(); ++c) {
      ranges.push_back(lo);
      ranges.push_back(hi);
    }
    probe.setChannelRangeAttr(DenseF64ArrayAttr::get(context, ranges));
    if (probe.getChannelExtremes())
      probe.setChannelExtremesAttr(DenseF64ArrayAttr::get(context, ranges));
    std::vector<double> mean;
    if (std::optional<ArrayRef<double>> old = probe.getChannelMean();
        old && old->size() == r1.size()) {
      for (size_t c = 0; c < r1.size(); ++c)
        mean.push_back(((*old)[c] + shift[c]) / r1[c]);
      // E[x~ x~^T] = D (E[x x^T] + t m^T + m t^T + t t^T) D, D = 1 / r1.
      if (std::optional<ArrayRef<double>> moment =
              probe.getChannelSecondMoment();
          moment && moment->size() == r1.size() * r1.size()) {
        size_t n = r1.size();
        std::vector<double> moved(moment->begin(), moment->end());
        for (size_t a = 0; a < n; ++a)
          for (size_t b = 0; b < n; ++b)
            moved[a * n + b] = ((*moment)[a * n + b] + shift[a] * (*old)[b] +
                                (*old)[a] * shift[b] + shift[a] * shift[b]) /
                               (r1[a] * r1[b]);
        probe.setChannelSecondMomentAttr(
            DenseF64ArrayAttr::get(context, moved));
      }
      probe.setChannelMeanAttr(DenseF64ArrayAttr::get(context, mean));
    }
    probe->setAttr(kReparameterizedAttr, UnitAttr::get(context));
  }
};

/// The softmax behind `value` (through probes), along the last axis.
SoftmaxOp softmaxBehind(Value value) {
  while (auto probe = value.getDefiningOp<ObserveOp>())
    value = probe.getInput();
  auto softmax = value.getDefiningOp<SoftmaxOp>();
  if (!softmax)
    return SoftmaxOp();
  int64_t rank = softmax.getType().getRank();
  return normalizeAxis(int64_t(softmax.getAxis()), rank) == rank - 1
             ? softmax
             : SoftmaxOp();
}

/// Attention's A V (A a softmax output along the product's K, V a
/// calibrated activation) as qc.log_matmul: A on the log-sqrt(2) grid,
/// reparameterized to log2 shifts. False when `matmul` is not one.
bool makeLogProduct(MatMulOp matmul, unsigned bits) {
  auto aType = cast<RankedTensorType>(matmul.getLhs().getType());
  auto vType = cast<RankedTensorType>(matmul.getRhs().getType());
  auto probe = matmul.getRhs().getDefiningOp<ObserveOp>();
  if (!softmaxBehind(matmul.getLhs()) || !probe || !probe.getRange() ||
      readF32Constant(matmul.getRhs()) || !aType.hasStaticShape() ||
      !vType.hasStaticShape() || aType.getRank() < 3 ||
      vType.getRank() != aType.getRank() ||
      aType.getShape().drop_back(2) != vType.getShape().drop_back(2))
    return false;
  ArrayRef<double> range = *probe.getRange();
  quantc::QuantParams v = quantc::computeQuantParams({range[0], range[1]}, bits,
                                                     /*symmetric=*/false);
  // |sum| <= K (2^bits - 1) 2^F must fit in i32.
  int64_t k = aType.getShape().back();
  int64_t fraction = std::clamp<int64_t>(
      22 - int64_t(std::ceil(std::log2(double(std::max<int64_t>(k, 2))))), 0,
      16);
  OpBuilder builder(matmul);
  auto product = LogMatMulOp::create(
      builder, matmul.getLoc(), matmul.getType(), matmul.getLhs(),
      matmul.getRhs(), builder.getI64IntegerAttr(bits),
      builder.getI64IntegerAttr(fraction), builder.getF64FloatAttr(v.scale),
      builder.getI64IntegerAttr(v.zeroPoint));
  matmul.getResult().replaceAllUsesWith(product.getResult());
  matmul.erase();
  return true;
}

struct QCReparameterizePass
    : public quantc::qc::impl::QCReparameterizeBase<QCReparameterizePass> {
  using QCReparameterizeBase::QCReparameterizeBase;

  void runOnOperation() override {
    if (activationBits < 4 || activationBits > 8) {
      getOperation()->emitError("qc-reparameterize: activation-bits must be "
                                "4 to 8, got ")
          << activationBits.getValue();
      return signalPassFailure();
    }
    ReparameterizationCounts counts = reparameterizeActivations(
        getOperation(), activationBits, /*layerNorms=*/true, logSoftmax,
        perChannelReference);
    reparameterized += counts.reparameterized;
    refused += counts.refused;
    logSoftmaxProducts += counts.logSoftmaxProducts;
  }
};
} // namespace

ReparameterizationCounts
quantc::qc::reparameterizeActivations(Operation *root, unsigned activationBits,
                                      bool layerNorms, bool logSoftmax,
                                      bool perChannelReference) {
  Reparameterizer reparameterizer{activationBits, perChannelReference, {}};
  reparameterizer.counts.perChannelReference = perChannelReference;
  SmallVector<ObserveOp> probes;
  root->walk([&](ObserveOp probe) { probes.push_back(probe); });
  if (layerNorms)
    for (ObserveOp probe : probes)
      reparameterizer.reparameterize(probe);
  SmallVector<MatMulOp> products;
  if (logSoftmax)
    root->walk([&](MatMulOp matmul) { products.push_back(matmul); });
  for (MatMulOp matmul : products)
    reparameterizer.counts.logSoftmaxProducts +=
        makeLogProduct(matmul, activationBits);
  return reparameterizer.counts;
}
