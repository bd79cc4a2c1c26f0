//===- CopiesToLoops.cpp - memref.copy as linalg.copy ---------------------===//
//
// Part of quantc. A memref.copy between strided buffers (a tensor inserted
// into a padded one) lowers to a call of the runtime's generic memrefCopy,
// which moves one element per memcpy: 28% of the int8 detector's time.
// As linalg.copy it becomes a loop nest LLVM vectorizes, or turns back
// into memcpy where the buffers are contiguous. Trailing dimensions that
// are contiguous in both buffers are collapsed first, so that the
// innermost loop is long enough to vectorize: a ConvTranspose's row phase
// copied into every other row of its output ran 2-element inner loops
// (80 x 2 floats per row, 12 GB/s).
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
/// The first of the trailing dimensions of `type` that are contiguous
/// (each one's stride the next one's extent times its stride); rank - 1
/// when none are, or when the layout is not strided.
int64_t contiguousTail(MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t offset;
  int64_t rank = type.getRank();
  if (failed(type.getStridesAndOffset(strides, offset)))
    return rank - 1;
  int64_t first = rank - 1;
  while (first > 0 && !ShapedType::isDynamic(strides[first - 1]) &&
         !ShapedType::isDynamic(strides[first]) &&
         strides[first - 1] == type.getDimSize(first) * strides[first])
    --first;
  return first;
}

/// `value` with dimensions [first, rank) collapsed into one.
Value collapseTail(OpBuilder &b, Location loc, Value value, int64_t first) {
  int64_t rank = cast<MemRefType>(value.getType()).getRank();
  SmallVector<ReassociationIndices> groups;
  for (int64_t d = 0; d < first; ++d)
    groups.push_back({d});
  ReassociationIndices tail;
  for (int64_t d = first; d < rank; ++d)
    tail.push_back(d);
  groups.push_back(tail);
  return memref::CollapseShapeOp::create(b, loc, value, groups);
}

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
      Value source = copy.getSource(), target = copy.getTarget();
      int64_t first =
          std::max(contiguousTail(cast<MemRefType>(source.getType())),
                   contiguousTail(cast<MemRefType>(target.getType())));
      if (first + 1 < cast<MemRefType>(source.getType()).getRank()) {
        source = collapseTail(rewriter, copy.getLoc(), source, first);
        target = collapseTail(rewriter, copy.getLoc(), target, first);
      }
      linalg::CopyOp::create(rewriter, copy.getLoc(), source, target);
      rewriter.eraseOp(copy);
      ++numRewritten;
    }
  }
};
} // namespace
