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
#include "llvm/ADT/SmallBitVector.h"

namespace quantc {
#define GEN_PASS_DEF_FUSESHAREDPRODUCERS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {

/// Whether `producer` and `consumer` are all-parallel ops on tensors in
/// one block, as the ones fused here must be. A producer outside a loop
/// that holds its reader would be computed on every trip once fused.
bool fusableKinds(linalg::GenericOp producer, linalg::GenericOp consumer) {
  auto parallelOnTensors = [](linalg::GenericOp op) {
    return op.getNumParallelLoops() == op.getNumLoops() &&
           op.hasPureTensorSemantics();
  };
  return producer->getBlock() == consumer->getBlock() &&
         parallelOnTensors(producer) && parallelOnTensors(consumer);
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
  if (!producer || operand->get().hasOneUse() ||
      !fusableKinds(producer, consumer))
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

/// A map result that is `scale * d + offset` for one loop `d` (`dim` -1
/// and `scale` 0 for a constant).
struct LinearTerm {
  int64_t dim = -1, scale = 0, offset = 0;
};

std::optional<LinearTerm> linearTerm(AffineExpr expr) {
  if (auto constant = dyn_cast<AffineConstantExpr>(expr))
    return LinearTerm{-1, 0, constant.getValue()};
  if (auto dim = dyn_cast<AffineDimExpr>(expr))
    return LinearTerm{int64_t(dim.getPosition()), 1, 0};
  auto binary = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!binary)
    return std::nullopt;
  std::optional<LinearTerm> l = linearTerm(binary.getLHS()),
                            r = linearTerm(binary.getRHS());
  if (!l || !r || (l->dim >= 0 && r->dim >= 0))
    return std::nullopt;
  if (expr.getKind() == AffineExprKind::Add)
    return LinearTerm{std::max(l->dim, r->dim), l->scale + r->scale,
                      l->offset + r->offset};
  if (expr.getKind() == AffineExprKind::Mul && r->dim < 0)
    return LinearTerm{l->dim, l->scale * r->offset, l->offset * r->offset};
  return std::nullopt;
}

/// Whether the maps `reads` of a value of `elements` elements, in a
/// consumer of static loop sizes `loops`, read each element exactly once:
/// each map is one-to-one (every loop in one result, scaled by a nonzero
/// constant), any two differ in a result by an offset their common scale
/// does not divide, and together they read as many elements as there are.
/// The bytes of a channel-quad word: channel 4 c + j for j = 0..3.
bool readEachElementOnce(ArrayRef<AffineMap> reads, ArrayRef<int64_t> loops,
                         int64_t elements) {
  int64_t domain = 1;
  for (int64_t size : loops)
    domain = ShapedType::isDynamic(size) ? -1 : domain * size;
  if (domain < 0 || domain * int64_t(reads.size()) != elements)
    return false;
  SmallVector<SmallVector<LinearTerm>> terms;
  for (AffineMap map : reads) {
    llvm::SmallBitVector seen(map.getNumDims());
    SmallVector<LinearTerm> &mapTerms = terms.emplace_back();
    for (AffineExpr result : map.getResults()) {
      std::optional<LinearTerm> term = linearTerm(result);
      if (!term ||
          (term->dim >= 0 && (term->scale == 0 || seen.test(term->dim))))
        return false;
      if (term->dim >= 0)
        seen.set(term->dim);
      mapTerms.push_back(*term);
    }
    if (!seen.all())
      return false;
  }
  auto disjoint = [](ArrayRef<LinearTerm> a, ArrayRef<LinearTerm> b) {
    for (auto [x, y] : llvm::zip_equal(a, b)) {
      if (x.dim != y.dim || x.scale != y.scale)
        continue;
      int64_t apart = x.offset - y.offset;
      if (x.dim < 0 ? apart != 0 : apart % x.scale != 0)
        return true;
    }
    return false;
  };
  for (size_t i = 0; i < terms.size(); ++i)
    for (size_t j = i + 1; j < terms.size(); ++j)
      if (!disjoint(terms[i], terms[j]))
        return false;
  return true;
}

/// Fuses `producer` into `consumer` when the consumer reads the producer's
/// only result through several operands, each element exactly once, and
/// nothing else reads it: one copy of the producer's body per operand,
/// and no element computed twice. The channel-quad packing before an int8
/// pointwise convolution reads the quantize before it four times.
LogicalResult fuseMultiRead(RewriterBase &rewriter, linalg::GenericOp consumer,
                            linalg::GenericOp producer) {
  if (producer->getNumResults() != 1 || !fusableKinds(producer, consumer))
    return failure();
  Value value = producer->getResult(0);
  SmallVector<AffineMap> reads;
  for (OpOperand &use : value.getUses()) {
    if (use.getOwner() != consumer.getOperation() || !consumer.isDpsInput(&use))
      return failure();
    reads.push_back(consumer.getMatchingIndexingMap(&use));
  }
  auto type = cast<RankedTensorType>(value.getType());
  if (reads.size() < 2 || !type.hasStaticShape() ||
      !readEachElementOnce(reads, consumer.getStaticLoopRanges(),
                           type.getNumElements()))
    return failure();
  SetVector<Value> captured;
  getUsedValuesDefinedAbove(consumer->getRegions(), captured);
  if (captured.contains(value))
    return failure();
  for (OpOperand &use : value.getUses())
    if (!linalg::areElementwiseOpsFusable(&use))
      return failure();
  // Each fusion takes one read; the others stay reads of the producer.
  linalg::GenericOp current = consumer;
  while (!value.use_empty()) {
    OpOperand *read = &*value.getUses().begin();
    rewriter.setInsertionPoint(current);
    FailureOr<linalg::ElementwiseOpFusionResult> fused =
        linalg::fuseElementwiseOps(rewriter, read);
    if (failed(fused))
      return failure();
    for (Value result : current->getResults())
      rewriter.replaceAllUsesWith(result, fused->replacements.lookup(result));
    rewriter.eraseOp(current);
    current = cast<linalg::GenericOp>(fused->fusedOp);
  }
  rewriter.eraseOp(producer);
  return success();
}

struct FuseSharedProducersPass
    : public quantc::impl::FuseSharedProducersBase<FuseSharedProducersPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    // Rounds of one walk each. A fusion erases the reader being visited
    // and ops before it; the fused op stands before the walk's position,
    // where the next round finds it as a reader again.
    bool fusedAny = true;
    while (fusedAny) {
      fusedAny = false;
      getOperation().walk([&](linalg::GenericOp consumer) {
        for (OpOperand *operand : consumer.getDpsInputOperands()) {
          auto producer = operand->get().getDefiningOp<linalg::GenericOp>();
          if (producer &&
              (succeeded(fuseShared(rewriter, consumer, operand)) ||
               succeeded(fuseMultiRead(rewriter, consumer, producer)))) {
            ++numFused;
            fusedAny = true;
            return; // `consumer` is erased
          }
        }
      });
    }
  }
};

} // namespace
