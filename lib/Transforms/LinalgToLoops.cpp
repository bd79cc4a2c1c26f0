//===- LinalgToLoops.cpp - linalg to scf.for, parallel loops marked -------===//
//
// Part of quantc. convert-linalg-to-loops forgets which loops came from
// parallel dimensions; quantc-parallelize-loops needs to know.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "quantc/Support/ParallelLoops.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace quantc {
#define GEN_PASS_DEF_LINALGTOLOOPS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {
struct LinalgToLoopsPass
    : public quantc::impl::LinalgToLoopsBase<LinalgToLoopsPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.hasPureBufferSemantics())
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::LinalgLoops> loops =
          linalg::linalgOpToLoops(rewriter, op);
      if (failed(loops)) {
        op.emitError("cannot lower this linalg op to loops");
        return signalPassFailure();
      }
      // One loop per dimension, outermost first.
      if (loops->size() == iterators.size())
        for (auto [loop, iterator] : llvm::zip_equal(*loops, iterators))
          if (iterator == utils::IteratorType::parallel)
            quantc::markParallelLoop(loop);
      rewriter.eraseOp(op);
      ++numLowered;
    }
    // As convert-linalg-to-loops: the index maps' affine.apply ops
    // simplified (an identity map is the induction variable itself).
    RewritePatternSet patterns(&getContext());
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
