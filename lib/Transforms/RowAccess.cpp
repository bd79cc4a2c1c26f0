//===- RowAccess.cpp - how a linalg op walks its innermost rows -----------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "RowAccess.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

bool quantc::contiguousOrInvariant(linalg::LinalgOp op, OpOperand &operand,
                                   unsigned loop) {
  // In a projected permutation the loop is some result's bare dimension:
  // the general check below then asks that it be the innermost one.
  return op.getMatchingIndexingMap(&operand).isProjectedPermutation(
             /*allowZeroInResults=*/true) &&
         rowContiguousOrInvariant(op, operand, loop);
}

bool quantc::rowContiguousOrInvariant(linalg::LinalgOp op, OpOperand &operand,
                                      unsigned loop) {
  AffineMap map = op.getMatchingIndexingMap(&operand);
  if (map.getNumResults() == 0)
    return true; // A scalar.
  unsigned last = map.getNumResults() - 1;
  for (unsigned i = 0; i < last; ++i)
    if (map.getResult(i).isFunctionOfDim(loop))
      return false;
  if (!map.getResult(last).isFunctionOfDim(loop))
    return true;
  auto type = dyn_cast<MemRefType>(operand.get().getType());
  int64_t offset;
  SmallVector<int64_t> strides;
  return map.getResult(last) == getAffineDimExpr(loop, op->getContext()) &&
         type && succeeded(type.getStridesAndOffset(strides, offset)) &&
         strides.back() == 1;
}

bool quantc::isLanewiseArithmetic(Operation &op) {
  StringRef dialect = op.getDialect()->getNamespace();
  return (dialect == "arith" || dialect == "math") && isPure(&op) &&
         !isa<arith::DivSIOp, arith::DivUIOp, arith::RemSIOp, arith::RemUIOp,
              arith::CeilDivSIOp, arith::CeilDivUIOp, arith::FloorDivSIOp>(op);
}
