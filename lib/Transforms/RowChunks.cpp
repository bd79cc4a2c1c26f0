//===- RowChunks.cpp - an elementwise op as masked row chunks -------------===//
//
// Part of quantc. See RowChunks.h.
//
//===----------------------------------------------------------------------===//

#include "RowChunks.h"

#include "quantc/Support/ParallelLoops.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace {

/// The operand's indices at the loops' values `dims`: each result of its
/// indexing map, applied.
SmallVector<Value> operandIndices(OpBuilder &b, Location loc, AffineMap map,
                                  ArrayRef<Value> dims) {
  SmallVector<Value> indices;
  for (AffineExpr result : map.getResults())
    indices.push_back(getValueOrCreateConstantIndexOp(
        b, loc,
        affine::makeComposedFoldedAffineApply(
            b, loc, AffineMap::get(map.getNumDims(), 0, result),
            getAsOpFoldResult(dims))));
  return indices;
}

/// `value` as a vector of `lanes`: a scalar from outside the body or an
/// operand that does not depend on the row is broadcast.
Value splat(OpBuilder &b, Location loc, Value value, int64_t lanes) {
  if (isa<VectorType>(value.getType()))
    return value;
  return vector::BroadcastOp::create(
      b, loc, VectorType::get({lanes}, value.getType()), value);
}

} // namespace

void quantc::writeRowChunks(RewriterBase &rewriter, linalg::LinalgOp op,
                            int64_t chunk) {
  Location loc = op.getLoc();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  unsigned last = ranges.size() - 1;
  int64_t row = ranges.back();
  rewriter.setInsertionPoint(op);
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  SmallVector<Value> dims(ranges.size(), zero);
  for (unsigned d = 0; d < ranges.size(); ++d) {
    int64_t step = d == last ? chunk : 1;
    if (ranges[d] <= step)
      continue;
    auto loop = scf::ForOp::create(
        rewriter, loc, zero,
        arith::ConstantIndexOp::create(rewriter, loc, ranges[d]),
        arith::ConstantIndexOp::create(rewriter, loc, step));
    quantc::markParallelLoop(loop);
    dims[d] = loop.getInductionVar();
    rewriter.setInsertionPoint(loop.getBody()->getTerminator());
  }
  // Lanes past the row's end are masked off: min(chunk, row - start).
  Value mask;
  if (row % chunk) {
    MLIRContext *context = op.getContext();
    AffineExpr start = getAffineDimExpr(0, context);
    Value live = affine::AffineMinOp::create(
        rewriter, loc,
        AffineMap::get(1, 0,
                       {getAffineConstantExpr(chunk, context),
                        getAffineConstantExpr(row, context) - start},
                       context),
        ValueRange{dims[last]});
    mask = vector::CreateMaskOp::create(
        rewriter, loc, VectorType::get({chunk}, rewriter.getI1Type()),
        ValueRange{live});
  }
  IRMapping lanes;
  Block *body = op.getBlock();
  for (OpOperand &operand : op->getOpOperands()) {
    BlockArgument arg = op.getMatchingBlockArgument(&operand);
    if (arg.use_empty())
      continue;
    AffineMap map = op.getMatchingIndexingMap(&operand);
    SmallVector<Value> indices = operandIndices(rewriter, loc, map, dims);
    Value value;
    if (map.getNumResults() && map.getResults().back().isFunctionOfDim(last)) {
      Type element = arg.getType();
      Value padding = arith::ConstantOp::create(rewriter, loc, element,
                                                rewriter.getZeroAttr(element));
      value = vector::TransferReadOp::create(
          rewriter, loc, VectorType::get({chunk}, element), operand.get(),
          indices, padding, /*inBounds=*/ArrayRef<bool>{true});
      if (mask)
        cast<vector::TransferReadOp>(value.getDefiningOp())
            .getMaskMutable()
            .assign(mask);
    } else {
      value = memref::LoadOp::create(rewriter, loc, operand.get(), indices);
    }
    lanes.map(arg, value);
  }
  // The body, op by op, on vectors: every lane computes the scalar ops.
  for (Operation &scalar : body->without_terminator()) {
    if (scalar.getNumOperands() == 0) { // A constant: broadcast where used.
      lanes.map(scalar.getResults(), rewriter.clone(scalar)->getResults());
      continue;
    }
    OperationState state(scalar.getLoc(), scalar.getName());
    for (Value operand : scalar.getOperands())
      state.operands.push_back(
          splat(rewriter, loc, lanes.lookupOrDefault(operand), chunk));
    for (Type type : scalar.getResultTypes())
      state.types.push_back(VectorType::get({chunk}, type));
    state.attributes = scalar.getAttrs();
    Operation *vectorOp = rewriter.create(state);
    lanes.map(scalar.getResults(), vectorOp->getResults());
  }
  OpOperand *init = op.getDpsInitOperand(0);
  Value result =
      splat(rewriter, loc,
            lanes.lookupOrDefault(body->getTerminator()->getOperand(0)), chunk);
  auto write = vector::TransferWriteOp::create(
      rewriter, loc, result, init->get(),
      operandIndices(rewriter, loc, op.getMatchingIndexingMap(init), dims),
      /*inBounds=*/ArrayRef<bool>{true});
  if (mask)
    write.getMaskMutable().assign(mask);
  rewriter.eraseOp(op);
}
