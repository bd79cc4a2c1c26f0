//===- ParallelizeLoops.cpp - the outer parallel loop of each nest --------===//
//
// Part of quantc. One parallel loop per nest, outermost first: a team of
// threads forks once per nest, and each thread runs the same serial inner
// loops (and so the same vector code and the same rounding) as one thread.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "quantc/Support/ParallelLoops.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

namespace quantc {
#define GEN_PASS_DEF_PARALLELIZELOOPS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

/// Assumed for a loop whose trip count is not a constant.
static constexpr int64_t kUnknownTrips = 16;

static int64_t tripCount(scf::ForOp loop) {
  std::optional<APInt> trips = loop.getStaticTripCount();
  return trips ? trips->getSExtValue() : kUnknownTrips;
}

/// Element operations `op` performs: one per vector lane of each result,
/// times the trips of the loops inside it. A rough cost, enough to tell a
/// nest worth a fork from one that is not.
static int64_t estimatedWork(Operation *op) {
  if (auto loop = dyn_cast<scf::ForOp>(op)) {
    int64_t body = 0;
    for (Operation &nested : loop.getBody()->without_terminator())
      body += estimatedWork(&nested);
    return tripCount(loop) * body;
  }
  int64_t work = 1;
  for (Type type : op->getResultTypes())
    if (auto vector = dyn_cast<VectorType>(type))
      work = std::max(work, vector.getNumElements());
  for (Region &region : op->getRegions()) {
    int64_t widest = 0; // the branches of an scf.if: the costlier one
    for (Block &block : region)
      for (Operation &nested : block)
        widest += estimatedWork(&nested);
    work = std::max(work, widest);
  }
  return work;
}

/// Rewrites `loop` (no results) as a one-dimensional scf.parallel.
static void toParallel(scf::ForOp loop) {
  OpBuilder b(loop);
  auto parallel = scf::ParallelOp::create(
      b, loop.getLoc(), ValueRange{loop.getLowerBound()},
      ValueRange{loop.getUpperBound()}, ValueRange{loop.getStep()});
  Block *body = parallel.getBody();
  loop.getInductionVar().replaceAllUsesWith(body->getArgument(0));
  Operation *terminator = body->getTerminator();
  for (Operation &op :
       llvm::make_early_inc_range(loop.getBody()->without_terminator()))
    op.moveBefore(terminator);
  loop.erase();
}

/// The share of a team's time spent working when `trips` equal iterations
/// are dealt to `threads` threads.
static double balance(int64_t trips, int64_t threads) {
  int64_t rounds = (trips + threads - 1) / threads;
  return double(trips) / double(rounds * threads);
}

namespace {
struct ParallelizeLoopsPass
    : public quantc::impl::ParallelizeLoopsBase<ParallelizeLoopsPass> {
  using Base::Base;

  /// Whether `loop` is marked parallel and can be an scf.parallel.
  static bool marked(scf::ForOp loop) {
    return loop->hasAttr(quantc::kParallelLoopAttr) &&
           loop.getNumResults() == 0 && tripCount(loop) >= 2;
  }

  /// Whether `op` is a marked loop worth a team of its own.
  bool candidate(Operation *op) const {
    auto loop = dyn_cast<scf::ForOp>(op);
    return loop && marked(loop) && estimatedWork(loop) >= minWork;
  }

  /// The loops to run in parallel within `loop` (a candidate): itself when
  /// its iterations spread evenly over the team; otherwise the candidates
  /// directly inside it that do (the rows of a matmul whose 5 row tiles
  /// would leave a thread of 2 idle for a fifth of the time); failing
  /// those, itself.
  void choose(scf::ForOp loop, SmallVectorImpl<scf::ForOp> &chosen) const {
    int64_t team = threads > 0 ? threads : kAssumedTeam;
    if (balance(tripCount(loop), team) >= kGoodBalance) {
      chosen.push_back(loop);
      return;
    }
    size_t before = chosen.size();
    for (Operation &op : loop.getBody()->without_terminator())
      if (candidate(&op))
        choose(cast<scf::ForOp>(op), chosen);
    if (chosen.size() == before)
      chosen.push_back(loop);
  }

  void runOnOperation() override {
    SmallVector<scf::ForOp> chosen;
    getOperation().walk<WalkOrder::PreOrder>([&](scf::ForOp loop) {
      // A nest too small to be worth a team as a whole has no part that is.
      if (estimatedWork(loop) < minWork)
        return WalkResult::skip();
      if (!marked(loop))
        return WalkResult::advance();
      choose(loop, chosen);
      return WalkResult::skip(); // the rest of the nest stays serial
    });
    for (scf::ForOp loop : chosen)
      toParallel(loop);
    numParallelized += chosen.size();
  }

  /// With `threads` 0 the team is the OpenMP runtime's choice.
  static constexpr int64_t kAssumedTeam = 8;
  static constexpr double kGoodBalance = 0.9;
};
} // namespace
