//===- FuseSharedProducers.cpp - one pass for a value and its readers ----===//
//
// Part of quantc. Upstream's elementwise fusion leaves a producer that has
// several readers alone. A residual block's `relu(x + conv(x))` has two:
// the quantize for the next convolution and the next block's sum. Fused
// with the quantize, the op writes both the float value and its quantized
// copy in one pass over memory, instead of writing the value and reading
// it back.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

namespace quantc {
#define GEN_PASS_DEF_FUSESHAREDPRODUCERS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {

bool allParallel(linalg::GenericOp op) {
  return op.getNumParallelLoops() == op.getNumLoops();
}

/// Whether `value` can be available before `anchor`: it is already, or
/// it comes from side-effect-free, region-free ops of `anchor`'s block
/// (a tensor.empty, a slice of one) whose operands can be. Those ops are
/// appended to `moves`, operands first.
bool availableBefore(Value value, Operation *anchor,
                     SmallVectorImpl<Operation *> &moves) {
  // The consumer, in `anchor`'s block, reads `value`: a block argument or
  // an op of another block is of that block or an enclosing one.
  Operation *def = value.getDefiningOp();
  if (!def || def->getBlock() != anchor->getBlock())
    return true;
  if (def->isBeforeInBlock(anchor) || llvm::is_contained(moves, def))
    return true;
  if (def == anchor || def->getNumRegions() != 0 || !isMemoryEffectFree(def))
    return false;
  for (Value operand : def->getOperands())
    if (!availableBefore(operand, anchor, moves))
      return false;
  moves.push_back(def);
  return true;
}

/// Fuses the producer of `operand`, an input of `consumer`, into it, when
/// the producer has other readers and both ops are all-parallel over the
/// same iteration space. The fused op stands where the producer stood and
/// also yields the producer's results, which its other readers then read.
LogicalResult fuseShared(RewriterBase &rewriter, linalg::GenericOp consumer,
                         OpOperand *operand) {
  auto producer = operand->get().getDefiningOp<linalg::GenericOp>();
  if (!producer || producer->getBlock() != consumer->getBlock() ||
      operand->get().hasOneUse() || !allParallel(producer) ||
      !allParallel(consumer) || !producer.hasPureTensorSemantics() ||
      !consumer.hasPureTensorSemantics())
    return failure();
  // The fused op must not read the producer: once through `operand`.
  if (llvm::count_if(consumer->getOperands(), [&](Value value) {
        return value.getDefiningOp() == producer;
      }) != 1)
    return failure();
  // A permutation reads every element of the producer's result once: the
  // fused op runs the producer's iterations, no more, no fewer.
  if (!consumer.getMatchingIndexingMap(operand).isPermutation() ||
      !linalg::areElementwiseOpsFusable(operand))
    return failure();
  // Nor through its body (a gather's tensor.extract).
  SetVector<Value> captured;
  getUsedValuesDefinedAbove(consumer->getRegions(), captured);
  for (Value value : captured)
    if (value.getDefiningOp() == producer)
      return failure();
  // The consumer moves up to just after the producer, so that the fused
  // op comes before every other reader of the producer; what it reads,
  // operands and captured values, must be available there.
  SmallVector<Operation *> moves;
  for (Value value : llvm::concat<Value>(consumer->getOperands(), captured))
    if (value.getDefiningOp() != producer &&
        !availableBefore(value, producer, moves))
      return failure();
  for (Operation *op : moves)
    op->moveBefore(producer);
  consumer->moveAfter(producer);
  rewriter.setInsertionPoint(consumer);
  FailureOr<linalg::ElementwiseOpFusionResult> fused =
      linalg::fuseElementwiseOps(rewriter, operand);
  if (failed(fused))
    return failure();
  for (auto [original, replacement] : fused->replacements)
    rewriter.replaceUsesWithIf(original, replacement, [&](OpOperand &use) {
      return use.getOwner() != fused->fusedOp;
    });
  rewriter.eraseOp(consumer);
  if (producer->use_empty())
    rewriter.eraseOp(producer);
  return success();
}

struct FuseSharedProducersPass
    : public quantc::impl::FuseSharedProducersBase<FuseSharedProducersPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    // One fusion per walk: each one moves and erases ops.
    bool fusedOne = true;
    while (fusedOne) {
      fusedOne = false;
      getOperation().walk([&](linalg::GenericOp consumer) {
        for (OpOperand *operand : consumer.getDpsInputOperands())
          if (succeeded(fuseShared(rewriter, consumer, operand))) {
            ++numFused;
            fusedOne = true;
            return WalkResult::interrupt();
          }
        return WalkResult::advance();
      });
    }
  }
};

} // namespace
