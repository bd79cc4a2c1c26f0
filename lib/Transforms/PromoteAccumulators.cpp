//===- PromoteAccumulators.cpp - loop-carried buffer elements as values ---===//
//
// Part of quantc. A reduction lowered from linalg reads and writes its
// output element on every step (load C[i], add, store C[i]); on a GPU that
// is a global-memory round trip per multiply-add. When no other buffer the
// loop touches can be the same memory, the element is loaded once before
// the loop, carried through it as an iter_arg and stored once after it
// (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "BufferAccess.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace quantc {
#define GEN_PASS_DEF_PROMOTEACCUMULATORS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

/// The allocation, global or function argument `memref` views, or null
/// when that is not known (a value an scf.if yields, say).
static Value rootBuffer(Value memref) {
  memref = quantc::viewedBuffer(memref);
  if (auto argument = dyn_cast<BlockArgument>(memref))
    return isa<FunctionOpInterface>(argument.getOwner()->getParentOp())
               ? memref
               : Value();
  if (memref.getDefiningOp<memref::AllocOp>() ||
      memref.getDefiningOp<memref::GetGlobalOp>())
    return memref;
  return Value();
}

/// Whether every buffer `loop` reads or writes, other than through
/// `accumulator`'s own root, is known to be different memory.
static bool othersAreDistinct(scf::ForOp loop, Value root) {
  WalkResult result = loop.getBody()->walk([&](Operation *op) {
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    if (!effects) {
      // Loops and ifs say nothing themselves; their bodies are walked.
      return op->hasTrait<OpTrait::HasRecursiveMemoryEffects>() ||
                     op->getNumRegions() == 0
                 ? WalkResult::advance()
                 : WalkResult::interrupt();
    }
    SmallVector<MemoryEffects::EffectInstance> list;
    effects.getEffects(list);
    for (const MemoryEffects::EffectInstance &effect : list) {
      if (!isa<MemoryEffects::Read, MemoryEffects::Write>(effect.getEffect()))
        continue;
      Value value = effect.getValue();
      if (!value || !isa<MemRefType>(value.getType()))
        return WalkResult::interrupt();
      Value other = rootBuffer(value);
      // The accumulator's own accesses are checked by the caller.
      if (!other ||
          (other == root && !isa<memref::LoadOp, memref::StoreOp>(op)))
        return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return !result.wasInterrupted();
}

namespace {
/// One buffer element a loop body reads and writes at loop-invariant
/// indices, with its accesses in block order.
struct Accumulator {
  Value memref;
  SmallVector<Value> indices;
  SmallVector<Operation *> accesses;
};
} // namespace

/// The accumulators of `loop`: stores in its body (not nested deeper) to a
/// loop-invariant element whose every access in the loop is a direct load
/// or store of that same element, in a buffer no other access can alias.
static SmallVector<Accumulator> findAccumulators(scf::ForOp loop) {
  SmallVector<Accumulator> found;
  for (Operation &op : loop.getBody()->without_terminator()) {
    auto store = dyn_cast<memref::StoreOp>(op);
    if (!store || !loop.isDefinedOutsideOfLoop(store.getMemRef()) ||
        !llvm::all_of(store.getIndices(),
                      [&](Value v) { return loop.isDefinedOutsideOfLoop(v); }))
      continue;
    Value memref = store.getMemRef();
    if (llvm::any_of(found,
                     [&](const Accumulator &a) { return a.memref == memref; }))
      continue;
    Value root = rootBuffer(memref);
    if (!root || !othersAreDistinct(loop, root))
      continue;
    Accumulator accumulator{memref, llvm::to_vector(store.getIndices()), {}};
    // Every access to the root must be this element, directly in the body.
    bool simple = true;
    loop.getBody()->walk([&](Operation *access) {
      Value accessed;
      ValueRange indices;
      if (auto load = dyn_cast<memref::LoadOp>(access)) {
        accessed = load.getMemRef();
        indices = load.getIndices();
      } else if (auto other = dyn_cast<memref::StoreOp>(access)) {
        accessed = other.getMemRef();
        indices = other.getIndices();
      } else {
        return;
      }
      if (rootBuffer(accessed) != root)
        return;
      if (accessed != memref || access->getBlock() != loop.getBody() ||
          !llvm::equal(indices, accumulator.indices))
        simple = false;
      else
        accumulator.accesses.push_back(access);
    });
    if (simple)
      found.push_back(std::move(accumulator));
  }
  return found;
}

/// Loads the element before `loop`, carries it through the loop and stores
/// it after; returns the new loop.
static scf::ForOp promote(RewriterBase &rewriter, scf::ForOp loop,
                          const Accumulator &accumulator) {
  Location loc = accumulator.accesses.front()->getLoc();
  rewriter.setInsertionPoint(loop);
  Value initial = memref::LoadOp::create(rewriter, loc, accumulator.memref,
                                         accumulator.indices);
  FailureOr<LoopLikeOpInterface> replaced = loop.replaceWithAdditionalYields(
      rewriter, ValueRange{initial},
      /*replaceInitOperandUsesInLoop=*/false,
      [&](OpBuilder &, Location, ArrayRef<BlockArgument> carried) {
        Value current = carried.front();
        for (Operation *access : accumulator.accesses) {
          if (auto load = dyn_cast<memref::LoadOp>(access)) {
            rewriter.replaceAllUsesWith(load.getResult(), current);
          } else {
            current = cast<memref::StoreOp>(access).getValueToStore();
          }
          rewriter.eraseOp(access);
        }
        return SmallVector<Value>{current};
      });
  auto promoted = cast<scf::ForOp>(replaced->getOperation());
  rewriter.setInsertionPointAfter(promoted);
  memref::StoreOp::create(rewriter, loc, promoted.getResults().back(),
                          accumulator.memref, accumulator.indices);
  return promoted;
}

namespace {
struct PromoteAccumulatorsPass
    : public quantc::impl::PromoteAccumulatorsBase<PromoteAccumulatorsPass> {
  void runOnOperation() override {
    // Innermost first: promoting an inner loop leaves its load and store
    // directly in the enclosing loop's body, ready for that loop's turn.
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp loop) { loops.push_back(loop); });
    IRRewriter rewriter(&getContext());
    for (scf::ForOp loop : loops) {
      for (const Accumulator &accumulator : findAccumulators(loop)) {
        loop = promote(rewriter, loop, accumulator);
        ++numPromoted;
      }
    }
  }
};
} // namespace
