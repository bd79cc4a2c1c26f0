//===- Perturbation.cpp - a known perturbation at each layer's output -----===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "Perturbation.h"

#include "quantc/Dialect/QC/IR/QCConstants.h"
#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"

#include <cmath>
#include <random>

using namespace mlir;
using namespace quantc;

static llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// +-scale[channel] noise of the layer's result shape.
static std::vector<float> noiseTensor(const LayerWeights &layer,
                                      llvm::ArrayRef<double> scale,
                                      uint64_t seed) {
  int64_t size = 1, inner = 1;
  for (int64_t extent : layer.resultShape)
    size *= extent;
  for (size_t d = layer.resultChannelAxis + 1; d < layer.resultShape.size();
       ++d)
    inner *= layer.resultShape[d];
  int64_t channels = layer.resultShape[layer.resultChannelAxis];
  std::mt19937_64 random(seed);
  std::vector<float> noise(size);
  for (int64_t i = 0; i < size; ++i) {
    double sign = (random() & 1) ? 1.0 : -1.0;
    noise[i] = float(sign * scale[(i / inner) % channels]);
  }
  return noise;
}

llvm::Error
quantc::addPerturbationChoice(ModuleOp switched,
                              llvm::ArrayRef<LayerWeights> layers,
                              llvm::ArrayRef<std::vector<double>> energies,
                              size_t floatChoice, double relative) {
  std::vector<scf::IndexSwitchOp> switches;
  switched.walk([&](scf::IndexSwitchOp select) { switches.push_back(select); });
  if (switches.size() != layers.size())
    return error("expected one precision switch per layer");
  OpBuilder b(switched.getContext());
  for (scf::IndexSwitchOp select : switches) {
    std::optional<int64_t> index = qc::precisionSwitchLayer(select);
    if (!index || *index < 0 || *index >= int64_t(layers.size()))
      return error("a switch that is not one of the layers' precision "
                   "switches");
    const LayerWeights &layer = layers[*index];
    Region &floatRegion = floatChoice == 0
                              ? select.getDefaultRegion()
                              : select.getCaseRegions()[floatChoice - 1];
    Operation *floatLayer =
        floatRegion.front().getTerminator()->getOperand(0).getDefiningOp();
    if (!floatLayer || !isa<qc::QuantizableOpInterface>(floatLayer))
      return error("layer '" + layer.name + "': no float copy to perturb");

    std::vector<double> scale;
    for (double energy : energies[*index])
      scale.push_back(relative * std::sqrt(std::max(energy, 0.0)));
    SmallVector<int64_t> cases(select.getCases());
    int64_t added = int64_t(select.getNumCases()) + 1;
    cases.push_back(added);
    b.setInsertionPoint(select);
    auto grown =
        scf::IndexSwitchOp::create(b, select.getLoc(), select.getResultTypes(),
                                   select.getArg(), cases, cases.size());
    grown.getDefaultRegion().takeBody(select.getDefaultRegion());
    for (auto [to, from] :
         llvm::zip(grown.getCaseRegions(), select.getCaseRegions()))
      to.takeBody(from);
    Block &block = grown.getCaseRegions().back().emplaceBlock();
    b.setInsertionPointToStart(&block);
    Operation *copy = b.clone(*floatLayer);
    auto type = cast<RankedTensorType>(copy->getResult(0).getType());
    Value noise = qc::createF32Constant(
        b, select.getLoc(), type,
        noiseTensor(layer, scale, 0x9e3779b97f4a7c15ull + *index),
        "perturbation");
    Value sum =
        qc::AddOp::create(b, select.getLoc(), type, copy->getResult(0), noise);
    scf::YieldOp::create(b, select.getLoc(), sum);
    select.replaceAllUsesWith(grown.getResults());
    select.erase();
  }
  return llvm::Error::success();
}
