//===- MapLoopsToGpu.cpp - buffer code as one-dimensional GPU grids -------===//
//
// Part of quantc. After bufferization and convert-linalg-to-parallel-loops
// a model is a function of scf.parallel nests plus loose code that reads or
// writes buffers: scf.for reductions over every dimension (a softmax's max
// and sum) and stores whose one-iteration loop was folded away. On a GPU
// everything touching buffer contents runs in a kernel, so loose code is
// wrapped into one-iteration loops, and every loop is flattened onto
// (blocks x threads) with the mapping convert-parallel-loops-to-gpu reads.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "BufferAccess.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

namespace quantc {
#define GEN_PASS_DEF_MAPLOOPSTOGPU
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

/// Whether `op` or an op nested in it reads or writes buffer contents.
static bool touchesBuffers(Operation *op) {
  return op
      ->walk([](Operation *nested) {
        return quantc::accessesBufferContents(nested) ? WalkResult::interrupt()
                                                      : WalkResult::advance();
      })
      .wasInterrupted();
}

static bool containsParallelLoop(Operation *op) {
  return op->walk([](scf::ParallelOp) { return WalkResult::interrupt(); })
      .wasInterrupted();
}

/// Host ops a run of device code may be moved past: they neither touch
/// buffer contents nor free anything.
static bool movableHostOp(Operation *op) {
  if (op->getNumRegions() != 0)
    return false;
  return isMemoryEffectFree(op) || isa<memref::AllocOp>(op);
}

/// Wraps `run` (ops of one block, in order) into a one-iteration
/// scf.parallel placed where its last op was.
static LogicalResult wrapRun(ArrayRef<Operation *> run) {
  for (Operation *op : run)
    for (Value result : op->getResults())
      for (Operation *user : result.getUsers())
        if (llvm::none_of(run,
                          [&](Operation *m) { return m->isAncestor(user); }))
          return user->emitError("a value computed from buffer contents is "
                                 "used outside device code; GPU targets "
                                 "cannot lower it");
  Operation *last = run.back();
  OpBuilder b(last->getContext());
  b.setInsertionPointAfter(last);
  Location loc = run.front()->getLoc();
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto wrapper = scf::ParallelOp::create(b, loc, ValueRange{zero},
                                         ValueRange{one}, ValueRange{one});
  Operation *terminator = wrapper.getBody()->getTerminator();
  for (Operation *op : run)
    op->moveBefore(terminator);
  return success();
}

/// Wraps every maximal run of buffer-touching ops in `block` (recursing
/// into region ops that hold loops, such as a precision switch's scf.if).
static LogicalResult wrapLooseDeviceCode(Block &block) {
  SmallVector<Operation *> run;
  llvm::SmallPtrSet<Operation *, 8> members;
  auto flush = [&]() -> LogicalResult {
    if (run.empty())
      return success();
    LogicalResult wrapped = wrapRun(run);
    run.clear();
    members.clear();
    return wrapped;
  };
  for (Operation &op : llvm::make_early_inc_range(block)) {
    if (op.hasTrait<OpTrait::IsTerminator>() || isa<scf::ParallelOp>(op)) {
      if (failed(flush()))
        return failure();
      continue;
    }
    if (op.getNumRegions() != 0 && containsParallelLoop(&op)) {
      if (failed(flush()))
        return failure();
      for (Region &region : op.getRegions())
        for (Block &nested : region)
          if (failed(wrapLooseDeviceCode(nested)))
            return failure();
      continue;
    }
    bool usesRun = llvm::any_of(op.getOperands(), [&](Value v) {
      return v.getDefiningOp() && members.contains(v.getDefiningOp());
    });
    if (usesRun || touchesBuffers(&op)) {
      run.push_back(&op);
      members.insert(&op);
      continue;
    }
    if (!movableHostOp(&op) && failed(flush()))
      return failure();
  }
  return flush();
}

/// Rewrites `loop` as scf.parallel (block, thread) over ceil(total /
/// blockSize) x blockSize iterations mapped to block_x and thread_x; each
/// recovers its original indices from block * blockSize + thread, and
/// threads past the end skip the body.
static LogicalResult mapToGrid(scf::ParallelOp loop, int64_t maxBlockSize) {
  if (loop.getNumResults() != 0)
    return loop.emitError("GPU targets cannot lower a parallel loop with "
                          "reductions");
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  // Trip counts, innermost last; the total and the block size.
  SmallVector<Value> trips;
  int64_t staticTotal = 1;
  for (auto [lb, ub, step] : llvm::zip_equal(
           loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
    std::optional<int64_t> l = getConstantIntValue(lb),
                           u = getConstantIntValue(ub),
                           s = getConstantIntValue(step);
    if (!l || !u || !s || *s <= 0)
      return loop.emitError("GPU targets need loops with constant bounds");
    int64_t trip = *u > *l ? (*u - *l + *s - 1) / *s : 0;
    trips.push_back(index(trip));
    staticTotal *= trip;
  }
  if (staticTotal == 0) {
    loop.erase();
    return success();
  }
  int64_t blockSize = std::min(maxBlockSize, staticTotal);
  int64_t blocks = (staticTotal + blockSize - 1) / blockSize;
  // Constants the body uses are made outside it, as the launch's will be.
  Value threads = index(blockSize), total = index(staticTotal);
  auto grid = scf::ParallelOp::create(b, loc, ValueRange{index(0), index(0)},
                                      ValueRange{index(blocks), threads},
                                      ValueRange{index(1), index(1)});
  MLIRContext *context = loop.getContext();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(1, context);
  auto dim = [&](gpu::Processor processor) {
    return gpu::ParallelLoopDimMappingAttr::get(context, processor, identity,
                                                identity);
  };
  if (failed(gpu::setMappingAttr(
          grid, {dim(gpu::Processor::BlockX), dim(gpu::Processor::ThreadX)})))
    return loop.emitError("cannot map the loop onto a GPU grid");

  b.setInsertionPoint(grid.getBody()->getTerminator());
  Value linear = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, grid.getInductionVars()[0], threads),
      grid.getInductionVars()[1]);
  Value inRange =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, linear, total);
  auto guard = scf::IfOp::create(b, loc, inRange, /*withElseRegion=*/false);
  b.setInsertionPointToStart(guard.thenBlock());
  // Row-major decomposition: the innermost index varies fastest, so
  // neighbouring threads touch neighbouring elements.
  SmallVector<Value> ivs(trips.size());
  Value rest = linear;
  for (int64_t d = static_cast<int64_t>(trips.size()) - 1; d >= 0; --d) {
    Value position =
        d == 0 ? rest : arith::RemUIOp::create(b, loc, rest, trips[d]);
    if (d != 0)
      rest = arith::DivUIOp::create(b, loc, rest, trips[d]);
    ivs[d] = arith::AddIOp::create(
        b, loc, loop.getLowerBound()[d],
        arith::MulIOp::create(b, loc, position, loop.getStep()[d]));
  }
  Block *body = loop.getBody();
  for (auto [old, fresh] : llvm::zip_equal(loop.getInductionVars(), ivs))
    old.replaceAllUsesWith(fresh);
  Operation *thenYield = guard.thenBlock()->getTerminator();
  for (Operation &op : llvm::make_early_inc_range(body->without_terminator()))
    op.moveBefore(thenYield);
  loop.erase();
  return success();
}

namespace {
struct MapLoopsToGpuPass
    : public quantc::impl::MapLoopsToGpuBase<MapLoopsToGpuPass> {
  using MapLoopsToGpuBase::MapLoopsToGpuBase;

  void runOnOperation() override {
    if (blockSize <= 0) {
      getOperation().emitError("block-size must be positive");
      return signalPassFailure();
    }
    for (Block &block : getOperation().getBody())
      if (failed(wrapLooseDeviceCode(block)))
        return signalPassFailure();
    // Outermost loops only: nested ones run inside their thread.
    SmallVector<scf::ParallelOp> loops;
    getOperation().walk<WalkOrder::PreOrder>([&](scf::ParallelOp loop) {
      loops.push_back(loop);
      return WalkResult::skip();
    });
    for (scf::ParallelOp loop : loops) {
      if (failed(mapToGrid(loop, blockSize)))
        return signalPassFailure();
      ++numMapped;
    }
  }
};
} // namespace
