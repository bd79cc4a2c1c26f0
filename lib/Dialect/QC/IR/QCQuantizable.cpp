//===- QCQuantizable.cpp - the quantizable layers -------------------------===//
//
// Part of quantc. QuantizableOpInterface on the convolution, the matmul
// and the gemm: which operand is the activation, the weight, the bias, and
// which activation axis the layer reduces over.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QC/IR/QCOps.h"

using namespace mlir;
using namespace quantc::qc;

#include "quantc/Dialect/QC/IR/QCInterfaces.cpp.inc"

//===----------------------------------------------------------------------===//
// Conv2DOp
//===----------------------------------------------------------------------===//

OpOperand &Conv2DOp::getActivationOperand() { return getInputMutable(); }

SmallVector<OpOperand *, 2> Conv2DOp::getObservedOperands() {
  return {&getInputMutable()};
}

Value Conv2DOp::getWeightOperand() { return getWeight(); }
Value Conv2DOp::getBiasOperand() { return getBias(); }
int64_t Conv2DOp::getActivationChannelAxis() { return 1; }

//===----------------------------------------------------------------------===//
// MatMulOp
//===----------------------------------------------------------------------===//

OpOperand &MatMulOp::getActivationOperand() { return getLhsMutable(); }

SmallVector<OpOperand *, 2> MatMulOp::getObservedOperands() {
  return {&getLhsMutable(), &getRhsMutable()};
}

Value MatMulOp::getWeightOperand() { return getRhs(); }
Value MatMulOp::getBiasOperand() { return {}; }

int64_t MatMulOp::getActivationChannelAxis() {
  return getLhs().getType().getRank() - 1;
}

//===----------------------------------------------------------------------===//
// GemmOp
//===----------------------------------------------------------------------===//

OpOperand &GemmOp::getActivationOperand() { return getAMutable(); }

SmallVector<OpOperand *, 2> GemmOp::getObservedOperands() {
  return {&getAMutable(), &getBMutable()};
}

Value GemmOp::getWeightOperand() { return getB(); }
Value GemmOp::getBiasOperand() { return getC(); }

int64_t GemmOp::getActivationChannelAxis() {
  return getTransA() ? -1 : getA().getType().getRank() - 1;
}
