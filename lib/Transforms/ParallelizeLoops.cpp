//===- ParallelizeLoops.cpp - one parallel loop per nest ------------------===//
//
// Part of quantc. One parallel loop per nest, outermost first: a team of
// threads forks once per nest, and each thread runs the same serial inner
// loops (and so the same vector code and the same rounding) as one thread.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "quantc/Support/ParallelLoops.h"

#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

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
  // An AMX tile product: M x N lanes of K / 4 four-byte dot products each
  // (a vpdpbusd lane is one).
  if (auto product = dyn_cast<amx::TileMulIOp>(op))
    return product.getTileType().getNumElements() *
           product.getLhsTileType().getDimSize(1) / 4;
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

/// Whether `loop` has constant bounds and step.
static bool constantBounds(scf::ForOp loop) {
  return getConstantIntValue(loop.getLowerBound()) &&
         getConstantIntValue(loop.getUpperBound()) &&
         getConstantIntValue(loop.getStep());
}

/// Wraps `root` in an scf.parallel over `parts` and returns its induction
/// variable, with `b` set before `root`.
static Value forkParts(OpBuilder &b, Location loc, scf::ForOp root,
                       int64_t parts) {
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value count = arith::ConstantIndexOp::create(b, loc, parts);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto parallel = scf::ParallelOp::create(b, loc, ValueRange{zero},
                                          ValueRange{count}, ValueRange{one});
  root->moveBefore(parallel.getBody()->getTerminator());
  b.setInsertionPoint(root);
  return parallel.getInductionVars()[0];
}

/// Runs `loop`, nested in `root` with only marked loops and pure ops
/// between them, in `parts` contiguous chunks: an scf.parallel over the
/// chunks wraps `root`, and `loop` runs its chunk. Each thread keeps the
/// serial loop order within its chunk.
static void splitAtTop(scf::ForOp root, scf::ForOp loop, int64_t parts) {
  int64_t lower = *getConstantIntValue(loop.getLowerBound());
  int64_t upper = *getConstantIntValue(loop.getUpperBound());
  int64_t step = *getConstantIntValue(loop.getStep());
  int64_t chunk = llvm::divideCeil(tripCount(loop), parts) * step;
  OpBuilder b(root);
  Location loc = loop.getLoc();
  auto constant = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(b, loc, value);
  };
  Value lowerValue = constant(lower), chunkValue = constant(chunk),
        upperValue = constant(upper);
  Value part = forkParts(b, loc, root, parts);
  Value first = arith::AddIOp::create(
      b, loc, lowerValue, arith::MulIOp::create(b, loc, part, chunkValue));
  Value end = arith::MinSIOp::create(
      b, loc, arith::AddIOp::create(b, loc, first, chunkValue), upperValue);
  loop.getLowerBoundMutable().assign(first);
  loop.getUpperBoundMutable().assign(end);
}

/// Runs the iterations of `outer` and `inner`, the next loop of the
/// perfect nest under `root`, numbered outer-major, in `parts` contiguous
/// chunks: a chunk may start and end part-way through an `outer`
/// iteration. 15 column tiles of 40 channel rows each deal out 300 and
/// 300 to 2 threads, where the 15 tiles alone deal out 8 and 7 (one
/// thread idle a fifteenth of the nest). Each thread keeps the serial
/// order, and almost all of the locality, of splitting `outer` alone.
static void splitPairAtTop(scf::ForOp root, scf::ForOp outer, scf::ForOp inner,
                           int64_t parts) {
  int64_t innerTrips = tripCount(inner);
  int64_t total = tripCount(outer) * innerTrips;
  OpBuilder b(root);
  Location loc = outer.getLoc();
  auto constant = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(b, loc, value);
  };
  Value chunk = constant(llvm::divideCeil(total, parts));
  Value totalValue = constant(total), innerTripsValue = constant(innerTrips);
  // This part's iterations, [first, end) in the outer-major numbering.
  Value part = forkParts(b, loc, root, parts);
  Value first = arith::MulIOp::create(b, loc, part, chunk);
  Value end = arith::MinSIOp::create(
      b, loc, arith::AddIOp::create(b, loc, first, chunk), totalValue);
  // A loop's bounds for its trips [from, to). Its constant bounds are
  // made anew where they are needed: the originals may be defined inside
  // `root`.
  auto setTrips = [&](scf::ForOp loop, Value from, Value to) {
    Value lower = constant(*getConstantIntValue(loop.getLowerBound()));
    Value step = constant(*getConstantIntValue(loop.getStep()));
    Value upper = constant(*getConstantIntValue(loop.getUpperBound()));
    auto at = [&](Value trip) -> Value {
      return arith::AddIOp::create(b, loc, lower,
                                   arith::MulIOp::create(b, loc, trip, step));
    };
    Value start = at(from);
    Value stop = arith::MinSIOp::create(b, loc, at(to), upper);
    loop.getLowerBoundMutable().assign(start);
    loop.getUpperBoundMutable().assign(stop);
  };
  // The outer trips the part touches, the first and last maybe in part.
  int64_t outerLower = *getConstantIntValue(outer.getLowerBound());
  int64_t outerStep = *getConstantIntValue(outer.getStep());
  setTrips(outer, arith::DivUIOp::create(b, loc, first, innerTripsValue),
           arith::CeilDivUIOp::create(b, loc, end, innerTripsValue));
  // Within an outer trip, the inner trips of [first, end).
  b.setInsertionPoint(inner);
  Value trip = arith::DivUIOp::create(
      b, loc,
      arith::SubIOp::create(b, loc, outer.getInductionVar(),
                            constant(outerLower)),
      constant(outerStep));
  Value base = arith::MulIOp::create(b, loc, trip, innerTripsValue);
  Value from = arith::MaxSIOp::create(
      b, loc, arith::SubIOp::create(b, loc, first, base), constant(0));
  Value to = arith::MinSIOp::create(
      b, loc, arith::SubIOp::create(b, loc, end, base), innerTripsValue);
  setTrips(inner, from, to);
}

namespace {
/// What runs in parallel: `loop` as an scf.parallel, or, when `root` is
/// set, `loop` split into chunks at the top of `root`'s nest; with
/// `inner` set, `loop` and `inner` numbered together and split so.
struct Choice {
  scf::ForOp loop;
  scf::ForOp root;
  scf::ForOp inner;
};

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

  int64_t team() const { return threads > 0 ? threads : kAssumedTeam; }

  /// `root` and the marked loops perfectly nested in it (only pure ops
  /// beside each): all their iterations are independent, so any of them
  /// can be dealt out at the top of the nest.
  static SmallVector<scf::ForOp> perfectNest(scf::ForOp root) {
    SmallVector<scf::ForOp> nest{root};
    while (true) {
      scf::ForOp inner;
      for (Operation &op : nest.back().getBody()->without_terminator()) {
        auto loop = dyn_cast<scf::ForOp>(op);
        if (loop && !inner)
          inner = loop;
        else if (!isMemoryEffectFree(&op))
          return nest;
      }
      if (!inner || !marked(inner))
        return nest;
      nest.push_back(inner);
    }
  }

  /// The outermost loop of `root`'s perfect nest whose iterations spread
  /// evenly over the team, paired with the loop inside it when numbering
  /// both loops' iterations together spreads them more evenly. Failing
  /// one, the outermost pair that spreads evenly; failing that, none.
  Choice firstBalanced(scf::ForOp root) const {
    SmallVector<scf::ForOp> nest = perfectNest(root);
    auto paired = [&](size_t depth) {
      if (depth + 1 == nest.size() || !constantBounds(nest[depth]) ||
          !constantBounds(nest[depth + 1]))
        return 0.0;
      return balance(tripCount(nest[depth]) * tripCount(nest[depth + 1]),
                     team());
    };
    auto pair = [&](size_t depth) -> Choice {
      return {nest[depth], root, nest[depth + 1]};
    };
    for (auto [depth, loop] : llvm::enumerate(nest)) {
      double alone = balance(tripCount(loop), team());
      if (alone < kGoodBalance || (loop != root && !constantBounds(loop)))
        continue;
      if (paired(depth) > alone)
        return pair(depth);
      return {loop, loop == root ? scf::ForOp() : root, scf::ForOp()};
    }
    for (size_t depth = 0; depth < nest.size(); ++depth)
      if (paired(depth) >= kGoodBalance)
        return pair(depth);
    return {};
  }

  /// The loops to run in parallel within `loop` (a candidate): the
  /// outermost balanced loop of its perfect nest, split at the top when it
  /// is not `loop` itself (the output channels of a matmul whose 5 column
  /// tiles would leave a thread of 2 idle a fifth of the time) or when
  /// it is paired with the loop inside; failing one, the candidates
  /// directly inside it whose iterations spread evenly over the team;
  /// failing those, or when there are several of them and each thread can
  /// have a trip of `loop`, itself.
  void choose(scf::ForOp loop, SmallVectorImpl<Choice> &chosen) const {
    if (Choice balanced = firstBalanced(loop); balanced.loop) {
      chosen.push_back(balanced);
      return;
    }
    size_t before = chosen.size();
    for (Operation &op : loop.getBody()->without_terminator())
      if (candidate(&op))
        choose(cast<scf::ForOp>(op), chosen);
    // Several teams inside fork (or meet at a barrier) several times per
    // trip of `loop`: a ViT's 3 attention heads, each a matmul peeled
    // into main and edge tiles and copies, forked 8 times a head and ran
    // slower on 2 threads than on 1. `loop` itself, if every thread gets
    // a trip, forks once.
    if (chosen.size() - before > 1 && tripCount(loop) >= team() &&
        constantBounds(loop))
      chosen.resize(before);
    if (chosen.size() == before)
      chosen.push_back({loop, scf::ForOp(), scf::ForOp()});
  }

  void runOnOperation() override {
    // A short run does not pay for a team: its forks, and the halves of
    // outputs the next nests fetch from the other core, cost more than
    // the split saves.
    int64_t total = 0;
    getOperation().walk([&](scf::ForOp loop) {
      if (!loop->getParentOfType<scf::ForOp>())
        total += estimatedWork(loop);
    });
    if (total < modelMinWork) {
      ++numSerialModules;
      return;
    }
    SmallVector<Choice> chosen;
    getOperation().walk<WalkOrder::PreOrder>([&](scf::ForOp loop) {
      // A nest too small to be worth a team as a whole has no part that is.
      if (estimatedWork(loop) < minWork)
        return WalkResult::skip();
      if (!marked(loop))
        return WalkResult::advance();
      choose(loop, chosen);
      return WalkResult::skip(); // the rest of the nest stays serial
    });
    for (Choice choice : chosen) {
      if (choice.inner) {
        splitPairAtTop(choice.root, choice.loop, choice.inner, team());
        ++numSplitPairs;
      } else if (choice.root) {
        splitAtTop(choice.root, choice.loop, team());
        ++numSplitAtTop;
      } else {
        toParallel(choice.loop);
      }
    }
    numParallelized += chosen.size();
  }

  /// With `threads` 0 the team is the OpenMP runtime's choice.
  static constexpr int64_t kAssumedTeam = 8;
  static constexpr double kGoodBalance = 0.9;
};
} // namespace
