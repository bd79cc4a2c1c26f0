//===- Rotate.cpp - QuaRot-style rotations of layer inputs ----------------===//
//
// Part of quantc. y = W x = (W Q^T)(Q x) for an orthogonal Q: the weights'
// input channels are rotated offline and the activation either by its
// producer's rotated output channels (a fused weight pair) or by an online
// qc.hadamard. Both sides use qc::applyHadamard, the op's own definition.
//
//===----------------------------------------------------------------------===//

#include "LayerWeightAxes.h"
#include "RotateAttention.h"
#include "RotateResidualStream.h"
#include "RotationFolding.h"

#include "quantc/Dialect/QC/IR/QCConstants.h"
#include "quantc/Dialect/QC/IR/QCHadamard.h"
#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"

#include "llvm/ADT/MapVector.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>

namespace quantc::qc {
#define GEN_PASS_DEF_QCROTATE
#include "quantc/Dialect/QC/Transforms/Passes.h.inc"
} // namespace quantc::qc

using namespace mlir;
using namespace quantc::qc;

namespace {
OpOperand &weightOperand(QuantizableOpInterface layer) {
  return operandHolding(layer, layer.getWeightOperand());
}

/// The layers reading one activation along one channel axis.
struct Site {
  Value activation;
  int64_t axis = 0, channels = 0;
  SmallVector<QuantizableOpInterface> layers;
};

/// The producer whose output channels can take the rotation instead of an
/// online transform: a linear producer whose output reaches `site` and
/// nothing else.
std::optional<LinearProducer> findFusedProducer(const Site &site) {
  Value value = site.activation;
  int64_t users = std::distance(value.getUses().begin(), value.getUses().end());
  if (users != int64_t(site.layers.size()))
    return std::nullopt;
  return findLinearProducer(value, site.axis, site.channels);
}

struct Rotator {
  RotationMode mode;
  uint64_t seed;
  bool onlineConvolutions;
  std::vector<LayerRotation> rotations;

  void refuse(QuantizableOpInterface layer, int64_t channels,
              std::string reason) {
    rotations.push_back(
        {layer.getLayerName().str(), channels, "refused", std::move(reason)});
  }

  /// The signs of site number `index`: none for plain Hadamard.
  SmallVector<bool> signs(int64_t index, int64_t channels) const {
    if (mode == RotationMode::Hadamard)
      return {};
    std::mt19937_64 engine(seed * 0x9E3779B97F4A7C15ull + uint64_t(index));
    SmallVector<bool> negate(channels);
    for (int64_t c = 0; c < channels; ++c)
      negate[c] = engine() & 1;
    return negate;
  }

  void rotate(const Site &site, int64_t index) {
    SmallVector<bool> negate = signs(index, site.channels);
    OpBuilder builder(site.activation.getContext());
    std::string how = "online";
    if (std::optional<LinearProducer> fused = findFusedProducer(site)) {
      rotateProducerOutputs(*fused, site.channels, negate);
      how = "fused";
    } else if (!onlineConvolutions &&
               llvm::any_of(site.layers, [](QuantizableOpInterface layer) {
                 return isa<Conv2DOp>(layer.getOperation());
               })) {
      for (QuantizableOpInterface layer : site.layers)
        refuse(layer, site.channels,
               "a convolution's input needs an online transform "
               "(--rotate-convolutions)");
      return;
    } else {
      builder.setInsertionPointAfterValue(site.activation);
      // Its own name: the probe on it must not share the unrotated
      // tensor's (which another reader may probe too).
      auto rotation = HadamardOp::create(
          builder, renamedLoc(site.activation, ".rotated"), site.activation,
          builder.getI64IntegerAttr(site.axis),
          mode == RotationMode::Random ? builder.getDenseBoolArrayAttr(negate)
                                       : DenseBoolArrayAttr(),
          /*transpose=*/UnitAttr());
      for (QuantizableOpInterface layer : site.layers)
        layer.getActivationOperand().set(rotation);
    }
    for (QuantizableOpInterface layer : site.layers) {
      int64_t axis = *weightInputAxis(layer);
      auto [before, after] =
          rotateConstant(weightOperand(layer), axis, negate, axis);
      rotations.push_back(
          {layer.getLayerName().str(), site.channels, how, "", before, after});
    }
  }
};

struct QCRotatePass : public quantc::qc::impl::QCRotateBase<QCRotatePass> {
  using QCRotateBase::QCRotateBase;

  void runOnOperation() override {
    std::optional<RotationMode> parsed = parseRotationMode(mode);
    if (!parsed) {
      getOperation()->emitError("qc-rotate: unknown mode '")
          << mode.getValue() << "' (expected hadamard or random)";
      return signalPassFailure();
    }
    bool probed = false;
    getOperation()->walk([&](ObserveOp probe) {
      probed = true;
      return WalkResult::interrupt();
    });
    if (probed) {
      // The probes would keep the unrotated tensors' statistics.
      getOperation()->emitError(
          "qc-rotate runs before calibration probes are inserted");
      return signalPassFailure();
    }
    RotationCounts counts =
        countRotations(rotateLayers(getOperation(), *parsed, seed,
                                    /*leaveNormOutputs=*/false, convolutions));
    online += counts.online;
    fused += counts.fused;
    refused += counts.refused;
    streamTransforms += counts.streamTransforms;
  }
};
} // namespace

std::vector<LayerRotation>
quantc::qc::rotateLayers(Operation *root, RotationMode mode, uint64_t seed,
                         bool leaveNormOutputs, bool onlineConvolutions) {
  Rotator rotator{mode, seed, onlineConvolutions, {}};
  // The attention value/output pairs first (fused, both sides weights);
  // their layers' inputs are rotated as sites below as well.
  int64_t pairIndex = 0;
  rotator.rotations = rotateValueOutputPairs(root, [&](int64_t width) {
    return rotator.signs((int64_t(1) << 20) + pairIndex++, width);
  });
  // Residual streams next: their LayerNorms' readers take the stream's
  // rotation and are not sites below. RepQuant needs those LayerNorm
  // outputs unrotated.
  llvm::DenseSet<Operation *> streamReaders;
  if (!leaveNormOutputs)
    rotateResidualStreams(root, mode, rotator.rotations, streamReaders);
  // Sites in program order, so that the seeds and the report are stable.
  llvm::MapVector<std::pair<Value, int64_t>, Site> sites;
  root->walk([&](QuantizableOpInterface layer) {
    if (!readF32Constant(layer.getWeightOperand()))
      return; // A product of two activations (attention): nothing to fold.
    if (streamReaders.contains(layer))
      return;
    std::optional<int64_t> weightAxis = weightInputAxis(layer);
    int64_t axis = layer.getActivationChannelAxis();
    if (!weightAxis || axis < 0) {
      rotator.refuse(layer, 0, "grouped convolution or transposed input");
      return;
    }
    int64_t channels =
        cast<RankedTensorType>(layer.getWeightOperand().getType())
            .getDimSize(*weightAxis);
    if (!factorHadamardSize(channels)) {
      rotator.refuse(layer, channels,
                     std::to_string(channels) +
                         " input channels have no Hadamard matrix");
      return;
    }
    Value activation = layer.getActivationOperand().get();
    auto activationType = cast<RankedTensorType>(activation.getType());
    if (leaveNormOutputs && axis == activationType.getRank() - 1 &&
        findNormAffine(activation, channels)) {
      rotator.refuse(layer, channels,
                     "a LayerNorm output, left to --reparameterize");
      return;
    }
    Site &site = sites[{activation, axis}];
    site.activation = activation;
    site.axis = axis;
    site.channels = channels;
    site.layers.push_back(layer);
  });
  int64_t index = 0;
  for (auto &entry : sites)
    rotator.rotate(entry.second, index++);
  return rotator.rotations;
}

quantc::qc::RotationCounts
quantc::qc::countRotations(ArrayRef<LayerRotation> rotations) {
  RotationCounts counts;
  for (const LayerRotation &r : rotations)
    ++(r.how == "online"   ? counts.online
       : r.how == "fused"  ? counts.fused
       : r.how == "stream" ? counts.streamTransforms
                           : counts.refused);
  return counts;
}
