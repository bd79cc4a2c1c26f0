//===- QCTraits.h - qc op traits --------------------------------*- C++ -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QC_IR_QCTRAITS_H
#define QUANTC_DIALECT_QC_IR_QCTRAITS_H

#include "mlir/IR/OpDefinition.h"

namespace quantc::qc::OpTrait {

namespace impl {
mlir::LogicalResult verifyBroadcastingElementwise(mlir::Operation *op);
} // namespace impl

/// The op's result has the ONNX multidirectional broadcast of its operand
/// shapes, and every operand and the result share one element type.
template <typename ConcreteType>
class BroadcastingElementwise
    : public mlir::OpTrait::TraitBase<ConcreteType, BroadcastingElementwise> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op) {
    return impl::verifyBroadcastingElementwise(op);
  }
};

/// The op maps each element of its first operand to one result element of
/// the same position (an activation); any other operand is a parameter (a
/// PRelu slope). Relevance propagation passes through such ops.
template <typename ConcreteType>
class Activation : public mlir::OpTrait::TraitBase<ConcreteType, Activation> {};

} // namespace quantc::qc::OpTrait

#endif // QUANTC_DIALECT_QC_IR_QCTRAITS_H
