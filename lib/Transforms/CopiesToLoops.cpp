//===- CopiesToLoops.cpp - memref.copy as linalg.copy ---------------------===//
//
// Part of quantc. A memref.copy between strided buffers (a tensor inserted
// into a padded one) lowers to a call of the runtime's generic memrefCopy,
// which moves one element per memcpy: 28% of the int8 detector's time.
// As linalg.copy it becomes a loop nest LLVM vectorizes, or turns back
// into memcpy where the buffers are contiguous.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace quantc {
#define GEN_PASS_DEF_COPIESTOLOOPS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {
struct CopiesToLoopsPass
    : public quantc::impl::CopiesToLoopsBase<CopiesToLoopsPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp copy) {
      auto source = cast<MemRefType>(copy.getSource().getType());
      if (source.hasStaticShape() && source.getRank() > 0)
        copies.push_back(copy);
    });
    IRRewriter rewriter(&getContext());
    for (memref::CopyOp copy : copies) {
      rewriter.setInsertionPoint(copy);
      linalg::CopyOp::create(rewriter, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
      rewriter.eraseOp(copy);
      ++numRewritten;
    }
  }
};
} // namespace
