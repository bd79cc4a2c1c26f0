//===- Smooth.cpp - SmoothQuant: activation outliers into the weights -----===//
//
// Part of quantc. Per input channel j of the layers reading one calibrated
// activation, s_j = max|X_j|^alpha / max|W_j|^(1 - alpha); the weights'
// input channel j is multiplied by s_j and the activation divided by it,
// which leaves the float function unchanged and flattens the activation's
// channel ranges. The division goes into the producer where it can (a
// LayerNorm's or batch norm's affine, a preceding conv / matmul / gemm's
// output channels, through ReLU and per-channel bias adds); otherwise an
// explicit qc.mul (marked qc.smooth_scale) does it at run time.
//
//===----------------------------------------------------------------------===//

#include "LayerWeightAxes.h"

#include "quantc/Dialect/QC/IR/QCConstants.h"
#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/IR/QCShapeInference.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"

#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <cmath>

namespace quantc::qc {
#define GEN_PASS_DEF_QCSMOOTH
#include "quantc/Dialect/QC/Transforms/Passes.h.inc"
} // namespace quantc::qc

using namespace mlir;
using namespace quantc::qc;

namespace {
/// The smoothing factors outside this range are clamped: a channel that
/// is (nearly) always zero must not blow the weights up.
constexpr double kLeastFactor = 1e-5, kMostFactor = 1e5;

/// The ops a division by s must pass to reach its producer, and the
/// producer, or failure when it cannot be folded.
struct FoldPath {
  /// Per-channel bias adds on the way (their constant is divided too).
  SmallVector<AddOp> biasAdds;
  /// Probes on the way (a layer's output probe): their tensors are
  /// divided too.
  SmallVector<ObserveOp> probes;
  Operation *producer = nullptr;
};

/// Walks from `value` (channel axis `axis`) back through ReLUs, probes and
/// per-channel bias adds, each the only user of its input, to a producer
/// whose output channels can absorb a per-channel factor.
std::optional<FoldPath> findFoldPath(Value value, int64_t axis,
                                     int64_t channels) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  FoldPath path;
  while (true) {
    Operation *def = value.getDefiningOp();
    if (!def || !value.hasOneUse())
      return std::nullopt;
    if (auto relu = dyn_cast<ReluOp>(def)) {
      value = relu.getInput();
      continue;
    }
    if (auto probe = dyn_cast<ObserveOp>(def)) {
      path.probes.push_back(probe);
      value = probe.getInput();
      continue;
    }
    if (auto add = dyn_cast<AddOp>(def)) {
      if (isPerChannelConstant(add.getRhs(), axis, rank, channels) &&
          add.getLhs().getType() == type) {
        path.biasAdds.push_back(add);
        value = add.getLhs();
        continue;
      }
      return std::nullopt;
    }
    bool lastAxis = axis == rank - 1;
    bool foldable =
        llvm::TypeSwitch<Operation *, bool>(def)
            .Case([&](LayerNormOp norm) {
              return lastAxis &&
                     normalizeAxis(int64_t(norm.getAxis()), rank) == rank - 1 &&
                     readF32Constant(norm.getScale()) &&
                     (!norm.getBias() || readF32Constant(norm.getBias()));
            })
            .Case([&](BatchNormOp norm) {
              return axis == 1 && readF32Constant(norm.getScale()) &&
                     readF32Constant(norm.getBias());
            })
            .Case([&](Conv2DOp conv) {
              return axis == 1 && readF32Constant(conv.getWeight()) &&
                     (!conv.getBias() || readF32Constant(conv.getBias()));
            })
            .Case([&](MatMulOp matmul) {
              return lastAxis && readF32Constant(matmul.getRhs());
            })
            .Case([&](GemmOp gemm) {
              return lastAxis && readF32Constant(gemm.getB()) &&
                     (!gemm.getC() ||
                      isPerChannelConstant(gemm.getC(), 1, 2, channels));
            })
            .Default([](Operation *) { return false; });
    if (!foldable)
      return std::nullopt;
    path.producer = def;
    return path;
  }
}

/// Divides the producer's output channels (and the bias adds on the way)
/// by s. findFoldPath checked every constant.
void foldInverse(const FoldPath &path, ArrayRef<double> s) {
  for (AddOp add : path.biasAdds) {
    auto type = cast<RankedTensorType>(add.getRhs().getType());
    // The constant's only varying axis is its channel axis.
    int64_t axis = 0;
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (type.getDimSize(d) == int64_t(s.size()))
        axis = d;
    rescaleConstant(add->getOpOperand(1), axis, s, true, "smooth_bias");
  }
  Operation *producer = path.producer;
  auto rescale = [&](OpOperand &operand, int64_t axis, StringRef name) {
    rescaleConstant(operand, axis, s, true, name);
  };
  llvm::TypeSwitch<Operation *>(producer)
      .Case([&](LayerNormOp norm) {
        int64_t rank =
            cast<RankedTensorType>(norm.getScale().getType()).getRank();
        rescale(norm.getScaleMutable(), rank - 1, "smooth_ln_scale");
        if (norm.getBias())
          rescale(norm.getBiasMutable()[0], rank - 1, "smooth_ln_bias");
      })
      .Case([&](BatchNormOp norm) {
        rescale(norm.getScaleMutable(), 0, "smooth_bn_scale");
        rescale(norm.getBiasMutable(), 0, "smooth_bn_bias");
      })
      .Case([&](Conv2DOp conv) {
        rescale(conv.getWeightMutable(), 0, "smooth_conv_w");
        if (conv.getBias())
          rescale(conv.getBiasMutable()[0], 0, "smooth_conv_b");
      })
      .Case([&](MatMulOp matmul) {
        int64_t rank =
            cast<RankedTensorType>(matmul.getRhs().getType()).getRank();
        rescale(matmul.getRhsMutable(), rank - 1, "smooth_matmul_w");
      })
      .Case([&](GemmOp gemm) {
        rescale(gemm.getBMutable(), gemm.getTransB() ? 0 : 1, "smooth_gemm_w");
        if (gemm.getC()) {
          int64_t rank =
              cast<RankedTensorType>(gemm.getC().getType()).getRank();
          rescale(gemm.getCMutable()[0], rank - 1, "smooth_gemm_c");
        }
      });
}

/// The probe's statistics as the smoothed tensor X / s has them.
void rescaleStatistics(ObserveOp probe, ArrayRef<double> s) {
  MLIRContext *context = probe.getContext();
  size_t channels = s.size();
  if (std::optional<ArrayRef<double>> ranges = probe.getChannelRange()) {
    std::vector<double> scaled(ranges->begin(), ranges->end());
    double lo = 0, hi = 0;
    for (size_t j = 0; j < channels; ++j) {
      scaled[2 * j] /= s[j];
      scaled[2 * j + 1] /= s[j];
      lo = std::min(lo, scaled[2 * j]);
      hi = std::max(hi, scaled[2 * j + 1]);
    }
    probe.setChannelRangeAttr(DenseF64ArrayAttr::get(context, scaled));
    // The per-tensor range: the envelope of the channels' (an estimate;
    // calibrating the smoothed model again measures it).
    if (probe.getRange())
      probe.setRangeAttr(DenseF64ArrayAttr::get(context, {lo, hi}));
  }
  if (std::optional<ArrayRef<double>> mean = probe.getChannelMean();
      mean && mean->size() == channels) {
    std::vector<double> scaled(mean->begin(), mean->end());
    for (size_t j = 0; j < channels; ++j)
      scaled[j] /= s[j];
    probe.setChannelMeanAttr(DenseF64ArrayAttr::get(context, scaled));
  }
  if (std::optional<ArrayRef<double>> moment = probe.getChannelSecondMoment();
      moment && moment->size() == channels * channels) {
    std::vector<double> scaled(moment->begin(), moment->end());
    for (size_t a = 0; a < channels; ++a)
      for (size_t b = 0; b < channels; ++b)
        scaled[a * channels + b] /= s[a] * s[b];
    probe.setChannelSecondMomentAttr(DenseF64ArrayAttr::get(context, scaled));
  }
}

/// Smooths the layers reading each probe, counting what it did.
struct Smoother {
  double alpha;
  quantc::qc::SmoothingCounts counts;

  /// Smooths the layers reading `probe`, or counts why not.
  void smooth(ObserveOp probe) {
    std::optional<ArrayRef<double>> ranges = probe.getChannelRange();
    if (!ranges || probe.getResult().use_empty())
      return;
    int64_t channels = int64_t(ranges->size() / 2);
    auto type = cast<RankedTensorType>(probe.getType());
    // Every reader must be a layer with constant weights reading the probe
    // as its activation along the same channel axis: another reader (a
    // residual add) would see the divided tensor.
    std::optional<ActivationReaders> readers =
        constantWeightReaders(probe.getResult(), channels);
    if (!readers) {
      ++counts.refused;
      return;
    }
    std::optional<int64_t> axis = readers->axis;
    auto &layers = readers->layers;

    // max |W_j| over every reader's weights, max |X_j| from calibration.
    std::vector<double> weightMax(channels, 0.0), s(channels, 1.0);
    for (auto [layer, weightAxis] : layers) {
      auto weightType =
          cast<RankedTensorType>(layer.getWeightOperand().getType());
      std::vector<float> w = *readF32Constant(layer.getWeightOperand());
      int64_t inner = 1;
      for (int64_t d = weightAxis + 1; d < weightType.getRank(); ++d)
        inner *= weightType.getDimSize(d);
      for (size_t i = 0; i < w.size(); ++i) {
        double &most = weightMax[(int64_t(i) / inner) % channels];
        most = std::max(most, double(std::fabs(w[i])));
      }
    }
    bool changes = false;
    for (int64_t j = 0; j < channels; ++j) {
      double activationMax = std::max(std::fabs((*ranges)[2 * j]),
                                      std::fabs((*ranges)[2 * j + 1]));
      if (activationMax <= 0 || weightMax[j] <= 0)
        continue;
      s[j] = std::clamp(std::pow(activationMax, alpha) /
                            std::pow(weightMax[j], 1 - alpha),
                        kLeastFactor, kMostFactor);
      changes |= s[j] != 1.0;
    }
    if (!changes)
      return;

    OpBuilder builder(probe);
    if (std::optional<FoldPath> path =
            findFoldPath(probe.getInput(), *axis, channels)) {
      foldInverse(*path, s);
      // A probe on the way sees the divided tensor: its per-channel
      // statistics scale exactly when it has them along the same axis; its
      // per-tensor range is otherwise stale until calibration runs again
      // (the driver's --smooth does).
      for (ObserveOp onTheWay : path->probes)
        if (onTheWay.getChannelRange() &&
            int64_t(onTheWay.getChannelRange()->size()) == 2 * channels)
          rescaleStatistics(onTheWay, s);
      ++counts.folded;
    } else {
      // X / s at run time, in front of the probe.
      std::vector<float> inverse;
      for (double f : s)
        inverse.push_back(float(1.0 / f));
      SmallVector<int64_t> shape(type.getRank() - *axis, 1);
      shape.front() = channels;
      auto inverseType = RankedTensorType::get(shape, builder.getF32Type());
      Value factor = createF32Constant(builder, probe.getLoc(), inverseType,
                                       inverse, "smooth_inverse");
      auto divide = MulOp::create(builder, probe.getLoc(), type,
                                  probe.getInput(), factor);
      divide->setAttr(kSmoothScaleAttr, builder.getUnitAttr());
      probe.getInputMutable().set(divide);
      ++counts.explicitScales;
    }
    for (auto [layer, weightAxis] : layers)
      rescaleConstant(operandHolding(layer, layer.getWeightOperand()),
                      weightAxis, s, false, "smooth_w");
    rescaleStatistics(probe, s);
  }
};

struct QCSmoothPass : public quantc::qc::impl::QCSmoothBase<QCSmoothPass> {
  using QCSmoothBase::QCSmoothBase;

  void runOnOperation() override {
    if (!(alpha >= 0 && alpha <= 1)) {
      getOperation()->emitError("qc-smooth: alpha must be in [0, 1], got ")
          << alpha.getValue();
      return signalPassFailure();
    }
    quantc::qc::SmoothingCounts counts =
        smoothActivations(getOperation(), alpha);
    folded += counts.folded;
    explicitScales += counts.explicitScales;
    refused += counts.refused;
  }
};
} // namespace

quantc::qc::SmoothingCounts quantc::qc::smoothActivations(Operation *root,
                                                          double alpha) {
  Smoother smoother{alpha, {}};
  SmallVector<ObserveOp> probes;
  root->walk([&](ObserveOp probe) { probes.push_back(probe); });
  for (ObserveOp probe : probes)
    smoother.smooth(probe);
  return smoother.counts;
}
