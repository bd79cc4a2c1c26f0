//===- LayerWeightAxes.cpp - which weight axis meets which channel --------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "LayerWeightAxes.h"

#include "quantc/Dialect/QC/IR/QCConstants.h"
#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/IR/QCShapeInference.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace quantc::qc;

std::optional<int64_t> quantc::qc::weightInputAxis(Operation *layer) {
  return llvm::TypeSwitch<Operation *, std::optional<int64_t>>(layer)
      .Case([](MatMulOp m) -> std::optional<int64_t> {
        return cast<RankedTensorType>(m.getRhs().getType()).getRank() - 2;
      })
      .Case([](GemmOp g) -> std::optional<int64_t> {
        if (g.getTransA())
          return std::nullopt;
        return g.getTransB() ? 1 : 0;
      })
      .Case([](Conv2DOp c) -> std::optional<int64_t> {
        if (c.getGroup() != 1)
          return std::nullopt;
        return 1;
      })
      .Default([](Operation *) { return std::nullopt; });
}

std::optional<int64_t> quantc::qc::weightOutputAxis(Operation *layer) {
  return llvm::TypeSwitch<Operation *, std::optional<int64_t>>(layer)
      .Case([](MatMulOp m) -> std::optional<int64_t> {
        return cast<RankedTensorType>(m.getRhs().getType()).getRank() - 1;
      })
      .Case([](GemmOp g) -> std::optional<int64_t> {
        return g.getTransB() ? 0 : 1;
      })
      .Case([](Conv2DOp c) -> std::optional<int64_t> {
        if (c.getGroup() != 1)
          return std::nullopt;
        return 0;
      })
      .Default([](Operation *) { return std::nullopt; });
}

bool quantc::qc::isPerChannelConstant(Value value, int64_t axis, int64_t rank,
                                      int64_t channels) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !readF32Constant(value) || type.getRank() > rank)
    return false;
  int64_t offset = rank - type.getRank();
  for (int64_t d = 0; d < type.getRank(); ++d) {
    int64_t extent = type.getDimSize(d);
    if (d + offset == axis ? extent != channels : extent != 1)
      return false;
  }
  return true;
}

std::optional<ActivationReaders>
quantc::qc::constantWeightReaders(Value value, int64_t channels) {
  auto type = cast<RankedTensorType>(value.getType());
  ActivationReaders readers;
  std::optional<int64_t> axis;
  for (OpOperand &use : value.getUses()) {
    auto layer = dyn_cast<QuantizableOpInterface>(use.getOwner());
    std::optional<int64_t> weightAxis =
        layer ? weightInputAxis(layer) : std::nullopt;
    if (!layer || &layer.getActivationOperand() != &use || !weightAxis ||
        !readF32Constant(layer.getWeightOperand()) ||
        layer.getActivationChannelAxis() < 0)
      return std::nullopt;
    // Non-negative (-1, "not one axis", was refused above).
    int64_t layerAxis = layer.getActivationChannelAxis();
    auto weightType =
        cast<RankedTensorType>(layer.getWeightOperand().getType());
    if ((axis && *axis != layerAxis) ||
        type.getDimSize(layerAxis) != channels ||
        weightType.getDimSize(*weightAxis) != channels)
      return std::nullopt;
    axis = layerAxis;
    readers.layers.push_back({layer, *weightAxis});
  }
  if (!axis)
    return std::nullopt;
  readers.axis = *axis;
  return readers;
}

void quantc::qc::scaleAlong(std::vector<float> &values, ArrayRef<int64_t> shape,
                            int64_t axis, ArrayRef<double> factor,
                            bool divide) {
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < int64_t(shape.size()); ++d)
    inner *= shape[d];
  int64_t extent = shape[axis];
  for (size_t i = 0; i < values.size(); ++i) {
    double f = factor[(int64_t(i) / inner) % extent];
    values[i] = float(divide ? values[i] / f : values[i] * f);
  }
}

bool quantc::qc::rescaleConstant(OpOperand &operand, int64_t axis,
                                 ArrayRef<double> factor, bool divide,
                                 StringRef name) {
  auto type = dyn_cast<RankedTensorType>(operand.get().getType());
  std::optional<std::vector<float>> values = readF32Constant(operand.get());
  if (!type || !values || axis < 0 || axis >= type.getRank() ||
      type.getDimSize(axis) != int64_t(factor.size()))
    return false;
  scaleAlong(*values, type.getShape(), axis, factor, divide);
  replaceConstantOperand(operand, *values, name);
  return true;
}

void quantc::qc::replaceConstantOperand(OpOperand &operand,
                                        ArrayRef<float> values,
                                        StringRef name) {
  OpBuilder builder(operand.getOwner());
  operand.set(createF32Constant(builder, operand.getOwner()->getLoc(),
                                cast<RankedTensorType>(operand.get().getType()),
                                values, name));
}

OpOperand &quantc::qc::operandHolding(Operation *op, Value value) {
  for (OpOperand &operand : op->getOpOperands())
    if (operand.get() == value)
      return operand;
  llvm_unreachable("the value is one of the op's operands");
}

std::optional<NormAffine> quantc::qc::findNormAffine(Value value,
                                                     int64_t channels) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  if (!value.hasOneUse())
    return std::nullopt;
  if (auto norm = value.getDefiningOp<LayerNormOp>()) {
    if (normalizeAxis(int64_t(norm.getAxis()), rank) != rank - 1 ||
        !norm.getBias() ||
        !isPerChannelConstant(norm.getScale(), rank - 1, rank, channels) ||
        !isPerChannelConstant(norm.getBias(), rank - 1, rank, channels))
      return std::nullopt;
    return NormAffine{&norm.getScaleMutable(), &norm.getBiasMutable()[0]};
  }
  // The decomposed form an older opset imports: (x * gamma) + beta.
  auto add = value.getDefiningOp<AddOp>();
  auto mul = add ? add.getLhs().getDefiningOp<MulOp>() : MulOp();
  if (!add || !mul || !mul->hasOneUse() ||
      !isPerChannelConstant(add.getRhs(), rank - 1, rank, channels) ||
      !isPerChannelConstant(mul.getRhs(), rank - 1, rank, channels) ||
      mul.getType() != type)
    return std::nullopt;
  return NormAffine{&mul.getRhsMutable(), &add.getRhsMutable()};
}

void quantc::qc::addOutputBias(Operation *layer, ArrayRef<float> bias,
                               StringRef name) {
  Value result = layer->getResult(0);
  auto type = cast<RankedTensorType>(result.getType());
  int64_t rank = type.getRank(), outputs = int64_t(bias.size());
  if (result.hasOneUse())
    if (auto add = dyn_cast<AddOp>(*result.getUsers().begin());
        add && add.getLhs() == result && add.getType() == type &&
        isPerChannelConstant(add.getRhs(), rank - 1, rank, outputs)) {
      std::vector<float> values = *readF32Constant(add.getRhs());
      for (int64_t o = 0; o < outputs; ++o)
        values[o] += bias[o];
      replaceConstantOperand(add.getRhsMutable(), values, name);
      return;
    }
  OpBuilder builder(layer->getContext());
  builder.setInsertionPointAfter(layer);
  auto biasType = RankedTensorType::get({outputs}, builder.getF32Type());
  Value constant =
      createF32Constant(builder, layer->getLoc(), biasType, bias, name);
  auto add = AddOp::create(builder, layer->getLoc(), type, result, constant);
  result.replaceAllUsesExcept(add.getResult(), add);
}
