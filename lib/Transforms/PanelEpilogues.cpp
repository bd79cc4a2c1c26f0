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

static constexpr int64_t kLanes = quantc::kPanelLanes;

/// The generic that is the sole reader of `value`, if any.
static linalg::GenericOp soleGenericReader(Value value) {
  if (!value.hasOneUse())
    return {};
  return dyn_cast<linalg::GenericOp>(*value.getUsers().begin());
}

void quantc::fuseEpilogueChain(RewriterBase &rewriter, Value result) {
  linalg::GenericOp current = soleGenericReader(result);
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

linalg::GenericOp quantc::panelEpilogueOf(Value result) {
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

std::optional<unsigned> quantc::accumulatorOperandOf(linalg::GenericOp epilogue,
                                                     Value product) {
  for (OpOperand *input : epilogue.getDpsInputOperands()) {
    Value read = input->get();
    if (auto expand = read.getDefiningOp<tensor::ExpandShapeOp>())
      read = expand.getSrc();
    else if (auto collapse = read.getDefiningOp<tensor::CollapseShapeOp>())
      read = collapse.getSrc();
    if (read == product)
      return input->getOperandNumber();
  }
  return std::nullopt;
}

/// `scalar`'s 16-lane vector.
static VectorType lanesOf(Type scalar) {
  return VectorType::get({kLanes}, scalar);
}

/// `map`'s results at iteration point `point` (each a dimension or a
/// constant, as panelEpilogueOf requires).
static SmallVector<int64_t> positionsAt(AffineMap map,
                                        ArrayRef<int64_t> point) {
  SmallVector<int64_t> positions;
  for (AffineExpr expr : map.getResults())
    positions.push_back(isa<AffineDimExpr>(expr)
                            ? point[cast<AffineDimExpr>(expr).getPosition()]
                            : cast<AffineConstantExpr>(expr).getValue());
  return positions;
}

/// The same, as index constants.
static SmallVector<Value> indicesAt(OpBuilder &b, Location loc, AffineMap map,
                                    ArrayRef<int64_t> point) {
  SmallVector<Value> indices;
  for (int64_t at : positionsAt(map, point))
    indices.push_back(arith::ConstantIndexOp::create(b, loc, at));
  return indices;
}

Value quantc::readLaneRuns(OpBuilder &b, Location loc, Value value,
                           AffineMap map, Type element,
                           ArrayRef<LaneRun> runs) {
  unsigned laneDim = map.getNumDims() - 1;
  bool alongLanes = llvm::any_of(map.getResults(), [&](AffineExpr expr) {
    return expr == getAffineDimExpr(laneDim, b.getContext());
  });
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(element));
  auto readRun = [&](const LaneRun &run, int64_t lanes,
                     bool inBounds) -> Value {
    SmallVector<Value> indices = indicesAt(b, loc, map, run.point);
    auto type = VectorType::get({lanes}, element);
    if (alongLanes)
      return vector::TransferReadOp::create(b, loc, type, value, indices, zero,
                                            ArrayRef<bool>{inBounds});
    Value scalar = tensor::ExtractOp::create(b, loc, value, indices);
    return vector::BroadcastOp::create(b, loc, type, scalar);
  };
  // The first run from lane 0: a 16-lane read, masked past its row's end.
  Value lanes = readRun(runs[0], kLanes, runs[0].length == kLanes);
  for (const LaneRun &run : runs.drop_front()) {
    // A scalar operand the runs read at one index needs no second read.
    if (!alongLanes &&
        positionsAt(map, run.point) == positionsAt(map, runs[0].point))
      continue;
    lanes = vector::InsertStridedSliceOp::create(
        b, loc, readRun(run, run.length, /*inBounds=*/true), lanes,
        ArrayRef<int64_t>{run.lane}, ArrayRef<int64_t>{1});
  }
  return lanes;
}

Value quantc::applyEpilogue(OpBuilder &b, Location loc,
                            linalg::GenericOp epilogue,
                            unsigned accumulatorOperand, Value accumulator,
                            ArrayRef<LaneRun> runs) {
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
                              b, loc, lanesOf(value.getType()), value));
      continue;
    }
    lanes.map(argument, readLaneRuns(b, loc, value,
                                     epilogue.getMatchingIndexingMap(input),
                                     argument.getType(), runs));
  }
  for (Operation &op : body.without_terminator()) {
    if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
      auto splat = DenseElementsAttr::get(lanesOf(constant.getType()),
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
                                   b, loc, lanesOf(operand.getType()), operand)
                                   .getResult());
    OperationState state(loc, op.getName());
    state.addOperands(operands);
    for (Type type : op.getResultTypes())
      state.addTypes(lanesOf(type));
    state.addAttributes(op.getAttrs());
    Operation *vectorOp = b.create(state);
    lanes.map(op.getResults(), vectorOp->getResults());
  }
  Value yielded = body.getTerminator()->getOperand(0);
  if (lanes.contains(yielded))
    return lanes.lookup(yielded);
  return vector::BroadcastOp::create(b, loc, lanesOf(yielded.getType()),
                                     yielded);
}

Value quantc::writeLaneRuns(OpBuilder &b, Location loc, Value value, Value dest,
                            ArrayRef<LaneRun> runs) {
  AffineMap identity = b.getMultiDimIdentityMap(
      cast<RankedTensorType>(dest.getType()).getRank());
  // The first run from lane 0: a 16-lane write, masked past its row's end.
  Value written =
      vector::TransferWriteOp::create(
          b, loc, value, dest, indicesAt(b, loc, identity, runs[0].point),
          ArrayRef<bool>{runs[0].length == kLanes})
          .getResult();
  for (const LaneRun &run : runs.drop_front()) {
    Value part = vector::ExtractStridedSliceOp::create(
        b, loc, value, ArrayRef<int64_t>{run.lane},
        ArrayRef<int64_t>{run.length}, ArrayRef<int64_t>{1});
    written = vector::TransferWriteOp::create(
                  b, loc, part, written, indicesAt(b, loc, identity, run.point),
                  ArrayRef<bool>{true})
                  .getResult();
  }
  return written;
}
