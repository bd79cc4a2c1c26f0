//===- PanelEpilogues.cpp - a convolution's elementwise consumer in registers //
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "PanelEpilogues.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

static constexpr int64_t kLanes = 16;

/// The generic that is the sole reader of `value`, if any.
static linalg::GenericOp soleGenericReader(Value value) {
  if (!value.hasOneUse())
    return {};
  return dyn_cast<linalg::GenericOp>(*value.getUsers().begin());
}

void quantc::fuseEpilogueChain(RewriterBase &rewriter,
                               linalg::Conv2DNchwFchwOp conv) {
  linalg::GenericOp current = soleGenericReader(conv->getResult(0));
  while (current && current->getNumResults() == 1 &&
         current->getResult(0).hasOneUse()) {
    OpOperand &use = *current->getResult(0).getUses().begin();
    auto next = dyn_cast<linalg::GenericOp>(use.getOwner());
    if (!next || !linalg::areElementwiseOpsFusable(&use))
      return;
    rewriter.setInsertionPoint(next);
    FailureOr<linalg::ElementwiseOpFusionResult> fused =
        linalg::fuseElementwiseOps(rewriter, &use);
    if (failed(fused))
      return;
    for (auto [original, replacement] : fused->replacements)
      rewriter.replaceAllUsesWith(original, replacement);
    rewriter.eraseOp(next);
    rewriter.eraseOp(current);
    current = dyn_cast<linalg::GenericOp>(fused->fusedOp);
  }
}

/// Whether `type` is a scalar an epilogue's vectors can hold.
static bool scalarType(Type type) { return isa<IntegerType, FloatType>(type); }

/// Whether `op`, in an epilogue's body, has a 16-lane form: an elementwise
/// op over scalars, or a scalar constant.
static bool vectorizableBodyOp(Operation &op) {
  auto allScalar = [](TypeRange types) {
    return llvm::all_of(types, scalarType);
  };
  if (op.getNumRegions() || !allScalar(op.getResultTypes()) ||
      !allScalar(op.getOperandTypes()))
    return false;
  if (isa<arith::ConstantOp>(op))
    return true;
  return OpTrait::hasElementwiseMappableTraits(&op);
}

linalg::GenericOp quantc::panelEpilogueOf(linalg::Conv2DNchwFchwOp conv) {
  Value result = conv->getResult(0);
  linalg::GenericOp epilogue = soleGenericReader(result);
  if (!epilogue || epilogue.getNumDpsInits() != 1 ||
      !epilogue.hasPureTensorSemantics() ||
      epilogue.getNumLoops() != epilogue.getNumParallelLoops() ||
      epilogue.getNumLoops() != 4 ||
      !epilogue.getMatchingIndexingMap(epilogue.getDpsInitOperand(0))
           .isIdentity() ||
      epilogue.payloadUsesValueFromOperand(epilogue.getDpsInitOperand(0)) ||
      epilogue.getResultTypes()[0] != result.getType())
    return {};
  constexpr unsigned laneDim = 3;
  // The convolution's result: one operand, read at the output's point.
  int reads = 0;
  for (OpOperand *input : epilogue.getDpsInputOperands()) {
    AffineMap map = epilogue.getMatchingIndexingMap(input);
    if (input->get() == result) {
      if (!map.isIdentity())
        return {};
      ++reads;
      continue;
    }
    Type type = input->get().getType();
    if (scalarType(type))
      continue;
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor || !tensor.hasStaticShape())
      return {};
    // Each index a dimension or a constant; the lanes' dimension, where
    // read, the innermost (a contiguous vector).
    for (auto [position, expr] : llvm::enumerate(map.getResults())) {
      auto dim = dyn_cast<AffineDimExpr>(expr);
      if (!dim && !isa<AffineConstantExpr>(expr))
        return {};
      if (dim && dim.getPosition() == laneDim &&
          position + 1 != map.getNumResults())
        return {};
    }
  }
  if (reads != 1)
    return {};
  Block &body = *epilogue.getBody();
  for (Operation &op : body.without_terminator()) {
    if (!vectorizableBodyOp(op))
      return {};
    // Values from outside the body: scalars, broadcast.
    for (Value operand : op.getOperands())
      if (operand.getParentBlock() != &body && !scalarType(operand.getType()))
        return {};
  }
  return epilogue;
}

linalg::GenericOp quantc::writeIntoPaddedBuffer(RewriterBase &rewriter,
                                                linalg::GenericOp epilogue) {
  Value result = epilogue->getResult(0);
  if (!result.hasOneUse())
    return epilogue;
  auto pad = dyn_cast<tensor::PadOp>(*result.getUsers().begin());
  if (!pad || pad.getNofold() || !pad.getLow().empty() ||
      !pad.getHigh().empty() || !pad.getResultType().hasStaticShape())
    return epilogue;
  Attribute padAttr;
  Value padValue = pad.getConstantPaddingValue();
  if (!padValue || !matchPattern(padValue, m_Constant(&padAttr)))
    return epilogue;
  Location loc = pad.getLoc();
  RankedTensorType paddedType = pad.getResultType();
  auto resultType = cast<RankedTensorType>(result.getType());
  MLIRContext *context = rewriter.getContext();
  SmallVector<OpFoldResult> offsets =
      getAsIndexOpFoldResult(context, pad.getStaticLow());
  SmallVector<OpFoldResult> sizes =
      getAsIndexOpFoldResult(context, resultType.getShape());
  SmallVector<OpFoldResult> unit(resultType.getRank(),
                                 rewriter.getIndexAttr(1));
  // The padded buffer, filled with the pad value; the epilogue writes its
  // interior (quantc-fuse-pads-into-producers then fills its border only).
  rewriter.setInsertionPoint(epilogue);
  Value fillValue =
      arith::ConstantOp::create(rewriter, loc, cast<TypedAttr>(padAttr));
  Value empty = tensor::EmptyOp::create(rewriter, loc, paddedType.getShape(),
                                        paddedType.getElementType());
  Value filled =
      linalg::FillOp::create(rewriter, loc, fillValue, empty).getResult(0);
  Value interior = tensor::ExtractSliceOp::create(rewriter, loc, resultType,
                                                  filled, offsets, sizes, unit);
  auto intoInterior = cast<linalg::GenericOp>(rewriter.clone(*epilogue));
  rewriter.modifyOpInPlace(
      intoInterior, [&] { intoInterior.getDpsInitOperand(0)->set(interior); });
  rewriter.setInsertionPoint(pad);
  Value padded = tensor::InsertSliceOp::create(
      rewriter, loc, intoInterior->getResult(0), filled, offsets, sizes, unit);
  rewriter.replaceOp(pad, padded);
  rewriter.eraseOp(epilogue);
  return intoInterior;
}

Value quantc::applyEpilogue(OpBuilder &b, Location loc,
                            linalg::GenericOp epilogue,
                            unsigned accumulatorOperand, Value accumulator,
                            ArrayRef<int64_t> point, unsigned laneDim,
                            int64_t laneExtent) {
  auto vectorOf = [](Type scalar) { return VectorType::get({kLanes}, scalar); };
  auto index = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(b, loc, value);
  };
  Block &body = *epilogue.getBody();
  IRMapping lanes;
  for (OpOperand *input : epilogue.getDpsInputOperands()) {
    BlockArgument argument = body.getArgument(input->getOperandNumber());
    Value value = input->get();
    if (input->getOperandNumber() == accumulatorOperand) {
      lanes.map(argument, accumulator);
      continue;
    }
    if (scalarType(value.getType())) {
      lanes.map(argument, vector::BroadcastOp::create(
                              b, loc, vectorOf(value.getType()), value));
      continue;
    }
    AffineMap map = epilogue.getMatchingIndexingMap(input);
    SmallVector<Value> indices;
    bool alongLanes = false;
    for (AffineExpr expr : map.getResults()) {
      if (auto dim = dyn_cast<AffineDimExpr>(expr)) {
        alongLanes |= dim.getPosition() == laneDim;
        indices.push_back(index(point[dim.getPosition()]));
      } else {
        indices.push_back(index(cast<AffineConstantExpr>(expr).getValue()));
      }
    }
    Type element = argument.getType();
    if (alongLanes) {
      bool inBounds = point[laneDim] + kLanes <= laneExtent;
      Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(element));
      lanes.map(argument, vector::TransferReadOp::create(
                              b, loc, vectorOf(element), value, indices, zero,
                              ArrayRef<bool>{inBounds}));
      continue;
    }
    Value scalar = tensor::ExtractOp::create(b, loc, value, indices);
    lanes.map(argument,
              vector::BroadcastOp::create(b, loc, vectorOf(element), scalar));
  }
  for (Operation &op : body.without_terminator()) {
    if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
      auto splat = DenseElementsAttr::get(vectorOf(constant.getType()),
                                          constant.getValue());
      lanes.map(constant.getResult(),
                arith::ConstantOp::create(b, loc, splat).getResult());
      continue;
    }
    SmallVector<Value> operands;
    for (Value operand : op.getOperands())
      operands.push_back(lanes.contains(operand)
                             ? lanes.lookup(operand)
                             : vector::BroadcastOp::create(
                                   b, loc, vectorOf(operand.getType()), operand)
                                   .getResult());
    OperationState state(loc, op.getName());
    state.addOperands(operands);
    for (Type type : op.getResultTypes())
      state.addTypes(vectorOf(type));
    state.addAttributes(op.getAttrs());
    Operation *vectorOp = b.create(state);
    lanes.map(op.getResults(), vectorOp->getResults());
  }
  Value yielded = body.getTerminator()->getOperand(0);
  if (lanes.contains(yielded))
    return lanes.lookup(yielded);
  return vector::BroadcastOp::create(b, loc, vectorOf(yielded.getType()),
                                     yielded);
}
