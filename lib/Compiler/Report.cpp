//===- Report.cpp - the JSON report of a compilation ---------------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Compiler/Report.h"

#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

/// Bytes of the constants still used (weights, biases, tables).
int64_t quantc::constantBytes(mlir::ModuleOp module) {
  int64_t bytes = 0;
  module.walk([&](quantc::qc::ConstantOp op) {
    if (op->use_empty())
      return;
    auto type = op.getType();
    bytes += type.getNumElements() *
             std::max<int64_t>(1, type.getElementTypeBitWidth() / 8);
  });
  return bytes;
}

/// Per-layer quantization parameters of the int8 ops.
json::Object quantc::quantizationReport(mlir::ModuleOp module) {
  json::Array layers;
  module.walk([&](mlir::Operation *op) {
    if (!isa<quantc::qc::QConv2DOp, quantc::qc::QMatMulOp>(op))
      return;
    auto input = cast<mlir::RankedTensorType>(op->getOperand(0).getType());
    auto weight = cast<mlir::RankedTensorType>(op->getOperand(1).getType());

    json::Array weightScales;
    if (auto perAxis = dyn_cast<mlir::quant::UniformQuantizedPerAxisType>(
            weight.getElementType()))
      for (double scale : perAxis.getScales())
        weightScales.push_back(scale);
    std::string name;
    if (auto loc = dyn_cast<mlir::NameLoc>(op->getLoc()))
      name = loc.getName().str();
    json::Object layer{{"op", op->getName().getStringRef().str()},
                       {"name", name},
                       {"weight_scales", std::move(weightScales)}};
    // Per tensor: one scale and zero point; a depthwise convolution's
    // per-channel input: lists.
    if (auto act = dyn_cast<mlir::quant::UniformQuantizedType>(
            input.getElementType())) {
      layer["input_scale"] = act.getScale();
      layer["input_zero_point"] = act.getZeroPoint();
    } else if (auto perAxis =
                   dyn_cast<mlir::quant::UniformQuantizedPerAxisType>(
                       input.getElementType())) {
      layer["input_scale"] = json::Array(perAxis.getScales());
      layer["input_zero_point"] = json::Array(perAxis.getZeroPoints());
    }
    if (auto sqnr = op->getAttrOfType<mlir::FloatAttr>(qc::kWeightSQNRAttr))
      layer["weight_sqnr_db"] = sqnr.getValueAsDouble();
    if (auto rounding =
            op->getAttrOfType<mlir::StringAttr>(qc::kWeightRoundingAttr))
      layer["weight_rounding"] = rounding.str();
    if (auto ratio =
            op->getAttrOfType<mlir::FloatAttr>(qc::kGptqErrorRatioAttr))
      layer["gptq_error_vs_round_to_nearest"] = ratio.getValueAsDouble();
    // The grid's width (8, 4, or 2 for ternary), from its levels: int4 and
    // ternary grids are stored in i8 (storage width 8); how many bits each
    // weight takes in the emitted code is the compile's
    // constant_bytes_emitted.
    if (auto q = dyn_cast<mlir::quant::QuantizedType>(weight.getElementType()))
      layer["weight_bits"] = static_cast<int64_t>(llvm::Log2_64_Ceil(
          uint64_t(q.getStorageTypeMax() - q.getStorageTypeMin()) + 1));
    // The probe behind the quantize (and the matmul's flattening reshape).
    mlir::Value source = op->getOperand(0);
    while (mlir::Operation *def = source.getDefiningOp()) {
      if (!isa<quantc::qc::QuantizeOp, quantc::qc::ReshapeOp>(def))
        break;
      source = def->getOperand(0);
    }
    if (auto probe = source.getDefiningOp<quantc::qc::ObserveOp>()) {
      layer["input_tensor"] = probe.getName().str();
      if (auto sqnr =
              probe->getAttrOfType<mlir::FloatAttr>(qc::kEstimatedSQNRAttr))
        layer["input_sqnr_db"] = sqnr.getValueAsDouble();
      // How far the worst input channel stands out (max / median of the
      // channels' largest magnitudes): what smoothing and rotations lower.
      if (std::optional<llvm::ArrayRef<double>> ranges =
              probe.getChannelRange();
          ranges && ranges->size() >= 2) {
        std::vector<double> peaks;
        for (size_t c = 0; c + 1 < ranges->size(); c += 2)
          peaks.push_back(
              std::max(std::fabs((*ranges)[c]), std::fabs((*ranges)[c + 1])));
        double largest = *std::max_element(peaks.begin(), peaks.end());
        std::nth_element(peaks.begin(), peaks.begin() + peaks.size() / 2,
                         peaks.end());
        if (double median = peaks[peaks.size() / 2]; median > 0)
          layer["input_channel_spread"] = largest / median;
      }
    }
    layers.push_back(std::move(layer));
  });
  return json::Object{{"layers", std::move(layers)}};
}
