//===- RotationFolding.cpp - folding a Hadamard rotation into constants ---===//
//
// Part of quantc. Every fold goes through qc::applyHadamard, the op's own
// definition, so an online rotation and the weights it was folded into
// always agree.
//
//===----------------------------------------------------------------------===//

#include "RotationFolding.h"

#include "LayerWeightAxes.h"

#include "quantc/Dialect/QC/IR/QCConstants.h"
#include "quantc/Dialect/QC/IR/QCHadamard.h"
#include "quantc/Support/LocationName.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace quantc::qc;

double quantc::qc::channelSpread(ArrayRef<float> values,
                                 ArrayRef<int64_t> shape, int64_t axis) {
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < int64_t(shape.size()); ++d)
    inner *= shape[d];
  std::vector<double> most(shape[axis], 0.0);
  for (size_t i = 0; i < values.size(); ++i) {
    double &m = most[(int64_t(i) / inner) % shape[axis]];
    m = std::max(m, double(std::fabs(values[i])));
  }
  double largest = *std::max_element(most.begin(), most.end());
  std::nth_element(most.begin(), most.begin() + most.size() / 2, most.end());
  double median = most[most.size() / 2];
  return median > 0 ? largest / median : 0.0;
}

std::pair<double, double> quantc::qc::rotateConstant(OpOperand &operand,
                                                     int64_t axis,
                                                     ArrayRef<bool> negate,
                                                     int64_t spreadAxis) {
  auto type = cast<RankedTensorType>(operand.get().getType());
  std::vector<float> values = *readF32Constant(operand.get());
  double before = channelSpread(values, type.getShape(), spreadAxis);
  applyHadamard(values, type.getShape(), axis, negate);
  double after = channelSpread(values, type.getShape(), spreadAxis);
  replaceConstantOperand(operand, values, "rotated");
  return {before, after};
}

void quantc::qc::rotateChannelConstant(OpOperand &operand, int64_t channels,
                                       ArrayRef<bool> negate) {
  std::vector<float> values = *readF32Constant(operand.get());
  applyHadamard(values, {channels}, 0, negate);
  replaceConstantOperand(operand, values, "rotated");
}

std::string quantc::qc::valueName(Value value) {
  return quantc::locationName(value.getLoc()).value_or("activation");
}

Location quantc::qc::renamedLoc(Value value, StringRef suffix) {
  return NameLoc::get(
      StringAttr::get(value.getContext(), valueName(value) + suffix.str()),
      value.getLoc());
}

std::optional<LinearProducer>
quantc::qc::findLinearProducer(Value value, int64_t axis, int64_t channels) {
  auto type = cast<RankedTensorType>(value.getType());
  LinearProducer fused;
  if (auto add = value.getDefiningOp<AddOp>()) {
    if (!isPerChannelConstant(add.getRhs(), axis, type.getRank(), channels) ||
        add.getLhs().getType() != type || !add.getLhs().hasOneUse())
      return std::nullopt;
    fused.biasAdd = add;
    value = add.getLhs();
  }
  auto producer = value.getDefiningOp<QuantizableOpInterface>();
  if (!producer || !readF32Constant(producer.getWeightOperand()))
    return std::nullopt;
  std::optional<int64_t> outputAxis = weightOutputAxis(producer);
  // The producer's output channels must be the tensor's channel axis: the
  // last axis of a matmul or gemm, axis 1 of a convolution.
  int64_t producerChannelAxis =
      isa<Conv2DOp>(producer.getOperation()) ? 1 : type.getRank() - 1;
  Value bias = producer.getBiasOperand();
  if (!outputAxis || producerChannelAxis != axis ||
      (bias &&
       (!readF32Constant(bias) || !isPerChannelConstant(bias, 0, 1, channels))))
    return std::nullopt;
  fused.layer = producer;
  fused.outputAxis = *outputAxis;
  return fused;
}

std::pair<double, double>
quantc::qc::rotateProducerOutputs(LinearProducer producer, int64_t channels,
                                  ArrayRef<bool> negate) {
  auto spread = rotateConstant(
      operandHolding(producer.layer, producer.layer.getWeightOperand()),
      producer.outputAxis, negate, producer.outputAxis);
  if (Value bias = producer.layer.getBiasOperand())
    rotateChannelConstant(operandHolding(producer.layer, bias), channels,
                          negate);
  if (producer.biasAdd)
    rotateChannelConstant(producer.biasAdd.getRhsMutable(), channels, negate);
  return spread;
}
