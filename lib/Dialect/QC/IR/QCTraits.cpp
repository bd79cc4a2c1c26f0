//===- QCTraits.cpp - qc op traits ----------------------------------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QC/IR/QCTraits.h"
#include "quantc/Dialect/QC/IR/QCShapeInference.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace quantc::qc;

LogicalResult
quantc::qc::OpTrait::impl::verifyBroadcastingElementwise(Operation *op) {
  auto lhs = cast<RankedTensorType>(op->getOperand(0).getType());
  auto rhs = cast<RankedTensorType>(op->getOperand(1).getType());
  auto result = cast<RankedTensorType>(op->getResult(0).getType());
  if (lhs.getElementType() != rhs.getElementType() ||
      lhs.getElementType() != result.getElementType())
    return op->emitOpError("requires operands and result of one element "
                           "type, got ")
           << lhs.getElementType() << ", " << rhs.getElementType() << " and "
           << result.getElementType();
  std::optional<Shape> expected =
      broadcastShapes(lhs.getShape(), rhs.getShape());
  if (!expected)
    return op->emitOpError("operand shapes ")
           << formatShape(lhs.getShape()) << " and "
           << formatShape(rhs.getShape()) << " are not broadcastable";
  if (!shapesCompatible(*expected, result.getShape()))
    return op->emitOpError("result shape ")
           << formatShape(result.getShape())
           << " does not match the broadcast shape " << formatShape(*expected);
  return success();
}
