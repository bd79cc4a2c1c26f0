//===- LayerWeights.cpp - each candidate's weights, as qc-quantize makes them
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/MixedPrecision/LayerWeights.h"

#include "quantc/Dialect/QC/IR/QCConstants.h"
#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "llvm/ADT/StringMap.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::qc;

static llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// [rows][cols] row-major -> [cols][rows].
static std::vector<float> transpose(ArrayRef<float> values, int64_t rows,
                                    int64_t cols) {
  std::vector<float> result(values.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      result[c * rows + r] = values[r * cols + c];
  return result;
}

/// The real values of quantized weights (symmetric: zero points are 0),
/// row-major in `type`'s shape, and the number of scales they carry.
static std::optional<std::pair<std::vector<float>, int64_t>>
dequantize(ArrayRef<int8_t> stored, RankedTensorType type) {
  ArrayRef<int64_t> shape = type.getShape();
  SmallVector<int64_t> strides = computeStrides(shape);
  std::vector<float> values(stored.size());
  if (auto perAxis =
          dyn_cast<quant::UniformQuantizedPerAxisType>(type.getElementType())) {
    int64_t axis = perAxis.getQuantizedDimension();
    ArrayRef<double> scales = perAxis.getScales();
    for (size_t i = 0; i < stored.size(); ++i)
      values[i] = stored[i] * scales[(i / strides[axis]) % shape[axis]];
    return std::make_pair(std::move(values), int64_t(scales.size()));
  }
  auto sub =
      dyn_cast<quant::UniformQuantizedSubChannelType>(type.getElementType());
  if (!sub)
    return std::nullopt;
  SmallVector<int64_t> blocks(shape.size(), 1);
  for (auto [dim, size] : sub.getBlockSizeInfo())
    blocks[dim] = size;
  SmallVector<int64_t> scaleShape;
  for (auto [extent, block] : llvm::zip_equal(shape, blocks))
    scaleShape.push_back(extent / block);
  SmallVector<int64_t> scaleStrides = computeStrides(scaleShape);
  std::vector<float> scales;
  for (APFloat scale : sub.getScales().getValues<APFloat>())
    scales.push_back(scale.convertToFloat());
  for (size_t i = 0; i < stored.size(); ++i) {
    int64_t at = 0;
    for (size_t d = 0; d < shape.size(); ++d)
      at +=
          ((int64_t(i) / strides[d]) % shape[d] / blocks[d]) * scaleStrides[d];
    values[i] = stored[i] * scales[at];
  }
  return std::make_pair(std::move(values), int64_t(scales.size()));
}

/// Bits per stored weight value: the storage range says the grid.
static double valueBits(quant::QuantizedType type) {
  int64_t levels = type.getStorageTypeMax() - type.getStorageTypeMin() + 1;
  if (levels <= 3)
    return 2; // ternary: 2-bit codes
  if (levels <= 16)
    return 4;
  return 8;
}

/// Float weights of `layer` as [outputs][inner], with its geometry.
static llvm::Expected<std::pair<LayerGeometry, std::vector<float>>>
floatWeights(QuantizableOpInterface layer) {
  std::optional<std::vector<float>> values =
      readF32Constant(layer.getWeightOperand());
  if (!values)
    return error("layer '" + layer.getLayerName() +
                 "': its weights are not a float32 constant");
  LayerGeometry g;
  auto shape =
      cast<RankedTensorType>(layer.getWeightOperand().getType()).getShape();
  if (auto conv = dyn_cast<Conv2DOp>(*layer)) {
    g.outputs = shape[0];
    g.channelsPerGroup = shape[1];
    g.window = shape[2] * shape[3];
    g.groups = conv.getGroup();
    return std::make_pair(g, std::move(*values));
  }
  bool transposed = false;
  if (auto gemm = dyn_cast<GemmOp>(*layer))
    transposed = gemm.getTransB();
  if (shape.size() != 2)
    return error("layer '" + layer.getLayerName() +
                 "': expected a 2-D weight matrix");
  int64_t k = transposed ? shape[1] : shape[0];
  int64_t n = transposed ? shape[0] : shape[1];
  g.outputs = n;
  g.channelsPerGroup = k;
  if (transposed)
    return std::make_pair(g, std::move(*values));
  return std::make_pair(g, transpose(*values, k, n));
}

/// The candidate a switch region computes: read from its quantized op, or
/// float when qc-quantize left it.
static CandidateWeights readCandidate(Region &region, const LayerGeometry &g,
                                      StringRef precision) {
  CandidateWeights candidate;
  candidate.precision = precision.str();
  candidate.bits = 32.0 * g.weights();
  Value result = region.front().getTerminator()->getOperand(0);
  Operation *op = result.getDefiningOp();
  if (auto reshape = dyn_cast_or_null<ReshapeOp>(op))
    op = reshape.getInput().getDefiningOp();
  if (!isa_and_nonnull<QMatMulOp, QConv2DOp>(op))
    return candidate;
  Value weight = op->getOperand(1);
  auto type = cast<RankedTensorType>(weight.getType());
  std::optional<std::vector<int8_t>> stored = readI8Constant(weight);
  auto quantized = dyn_cast<quant::QuantizedType>(type.getElementType());
  if (!stored || !quantized)
    return candidate;
  auto real = dequantize(*stored, type);
  if (!real)
    return candidate;
  candidate.quantized = true;
  candidate.bits = valueBits(quantized) * g.weights() + 32.0 * real->second;
  candidate.values = isa<QMatMulOp>(op)
                         ? transpose(real->first, g.channelsPerGroup, g.outputs)
                         : std::move(real->first);
  return candidate;
}

llvm::Expected<std::vector<LayerWeights>>
quantc::readLayerWeights(ModuleOp calibrated, ModuleOp quantized,
                         ArrayRef<std::string> candidates) {
  llvm::StringMap<QuantizableOpInterface> floatLayers;
  calibrated.walk([&](QuantizableOpInterface layer) {
    if (!layer.getLayerName().empty())
      floatLayers.try_emplace(layer.getLayerName(), layer);
  });
  std::vector<std::string> names = precisionSwitchNames(quantized);
  std::vector<scf::IndexSwitchOp> switches(names.size());
  quantized.walk([&](scf::IndexSwitchOp select) {
    std::optional<int64_t> index = precisionSwitchLayer(select);
    if (index && *index >= 0 && *index < int64_t(names.size()))
      switches[*index] = select;
  });

  std::vector<LayerWeights> layers;
  for (auto [name, select] : llvm::zip_equal(names, switches)) {
    auto found = floatLayers.find(name);
    if (!select || found == floatLayers.end())
      return error("layer '" + name + "': no precision switch or float layer");
    QuantizableOpInterface layer = found->second;
    if (select.getNumCases() + 1 < candidates.size())
      return error("layer '" + name + "': the switch has too few choices");
    auto weights = floatWeights(layer);
    if (!weights)
      return weights.takeError();
    LayerWeights entry;
    entry.name = name;
    entry.geometry = weights->first;
    entry.values = std::move(weights->second);
    auto result = cast<RankedTensorType>(layer->getResult(0).getType());
    entry.resultShape.assign(result.getShape().begin(),
                             result.getShape().end());
    entry.resultChannelAxis = isa<Conv2DOp>(*layer) ? 1 : result.getRank() - 1;
    entry.outputPositions = result.getNumElements() / entry.geometry.outputs;
    int64_t channels = entry.geometry.channelsPerGroup * entry.geometry.groups;
    if (auto probe =
            layer.getActivationOperand().get().getDefiningOp<ObserveOp>())
      if (auto moment = probe.getChannelSecondMoment();
          moment && int64_t(moment->size()) == channels * channels)
        entry.inputSecondMoment.assign(moment->begin(), moment->end());
    for (auto [choice, precision] : llvm::enumerate(candidates)) {
      Region &region = choice == 0 ? select.getDefaultRegion()
                                   : select.getCaseRegions()[choice - 1];
      entry.candidates.push_back(
          readCandidate(region, entry.geometry, precision));
    }
    layers.push_back(std::move(entry));
  }
  return layers;
}
