//===- LinalgInnermostParallel.cpp - loop order for vectorization ---------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace quantc {
#define GEN_PASS_DEF_LINALGINNERMOSTPARALLEL
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {
struct LinalgInnermostParallelPass
    : public quantc::impl::LinalgInnermostParallelBase<
          LinalgInnermostParallelPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> candidates;
    getOperation().walk([&](linalg::LinalgOp op) {
      candidates.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : candidates) {
      SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
      SmallVector<unsigned> parallel, reductions;
      for (auto [i, iterator] : llvm::enumerate(iterators))
        (iterator == utils::IteratorType::parallel ? parallel : reductions)
            .push_back(i);
      // Nothing to gain without reductions, or when the innermost loop is
      // already the last parallel one.
      if (reductions.empty() || parallel.empty() ||
          parallel.back() == iterators.size() - 1)
        continue;
      SmallVector<unsigned> order(parallel.begin(), parallel.end() - 1);
      order.append(reductions);
      order.push_back(parallel.back());
      rewriter.setInsertionPoint(op);
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        FailureOr<linalg::GenericOp> generalized =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(generalized))
          continue;
        generic = *generalized;
      }
      if (succeeded(linalg::interchangeGenericOp(rewriter, generic, order)))
        ++numInterchanged;
    }
  }
};
} // namespace
