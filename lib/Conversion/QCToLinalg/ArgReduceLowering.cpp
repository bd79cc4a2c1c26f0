//===- ArgReduceLowering.cpp - qc.argmax / qc.argmin to linalg ------------===//
//
// Part of quantc. One reduction linalg.generic carries the best value and
// its index along the axis (linalg.index); the index result is the op's.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "Patterns.h"

#include "quantc/Dialect/QC/IR/QCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <limits>

using namespace mlir;
using namespace quantc;
using namespace quantc::lowering;

namespace {
template <typename Op, bool isMax>
struct ArgReduceLowering : OpRewritePattern<Op> {
  using OpRewritePattern<Op>::OpRewritePattern;
  LogicalResult matchAndRewrite(Op op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getInput().getType();
    int64_t rank = type.getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
    bool last = op.getSelectLastIndex();
    SmallVector<int64_t> reduced;
    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iterators;
    for (int64_t d = 0; d < rank; ++d) {
      iterators.push_back(d == axis ? utils::IteratorType::reduction
                                    : utils::IteratorType::parallel);
      if (d != axis) {
        reduced.push_back(type.getDimSize(d));
        outExprs.push_back(rewriter.getAffineDimExpr(d));
      }
    }
    auto valueType = RankedTensorType::get(reduced, type.getElementType());
    auto indexType = RankedTensorType::get(reduced, rewriter.getI64Type());
    double worst = isMax ? -std::numeric_limits<double>::infinity()
                         : std::numeric_limits<double>::infinity();
    Value values = filledTensor(rewriter, loc, valueType, worst);
    Value indices = filledTensor(rewriter, loc, indexType, 0);
    AffineMap out = AffineMap::get(rank, 0, outExprs, rewriter.getContext());
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank), out,
                                   out};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valueType, indexType}, op.getInput(),
        ValueRange{values, indices}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], best = args[1], bestIndex = args[2];
          Value index = arith::IndexCastOp::create(
              b, l, b.getI64Type(), linalg::IndexOp::create(b, l, axis));
          // Ordered comparisons: false whenever a NaN takes part.
          arith::CmpFPredicate predicate =
              isMax ? (last ? arith::CmpFPredicate::OGE
                            : arith::CmpFPredicate::OGT)
                    : (last ? arith::CmpFPredicate::OLE
                            : arith::CmpFPredicate::OLT);
          Value better = arith::CmpFOp::create(b, l, predicate, x, best);
          Value xNaN =
              arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, x, x);
          Value bestNaN = arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO,
                                                best, best);
          // A NaN wins and then holds (the first one; the last with
          // select_last_index).
          Value notBestNaN = arith::XOrIOp::create(
              b, l, bestNaN, arith::ConstantIntOp::create(b, l, 1, 1));
          Value nanWins =
              last ? xNaN : arith::AndIOp::create(b, l, xNaN, notBestNaN);
          Value take = arith::OrIOp::create(
              b, l, arith::AndIOp::create(b, l, better, notBestNaN), nanWins);
          linalg::YieldOp::create(
              b, l,
              ValueRange{
                  arith::SelectOp::create(b, l, take, x, best),
                  arith::SelectOp::create(b, l, take, index, bestIndex)});
        });
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, generic.getResult(1),
                                     op.getType().getShape()));
    return success();
  }
};
} // namespace

void quantc::lowering::populateArgReduceLowering(RewritePatternSet &patterns) {
  patterns.add<ArgReduceLowering<qc::ArgMaxOp, true>,
               ArgReduceLowering<qc::ArgMinOp, false>>(patterns.getContext());
}
