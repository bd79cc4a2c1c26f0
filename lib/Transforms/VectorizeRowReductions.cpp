//===- VectorizeRowReductions.cpp - row reductions in vector registers ----===//
//
// Part of quantc. A reduction along a contiguous row (softmax's max and
// sum, layer normalization's mean and variance, ReduceSum over the last
// axis, a float GEMV row) ran as a scalar loop whose every step waited on
// the last: LLVM does not reassociate a float sum, so a row of 128 cost
// 128 dependent additions (0.64 ns an element on Zen 4). This pass keeps
// up to four vectors of partial results, one lane per element position,
// and reduces them across lanes once per row.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "RowAccess.h"

#include "quantc/Support/ParallelLoops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

namespace quantc {
#define GEN_PASS_DEF_VECTORIZEROWREDUCTIONS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

/// Partial-result vectors a row keeps at most: enough independent
/// combines to cover an addition's latency on both FP pipes.
static constexpr int64_t kMaxAccumulators = 4;

/// Whether `op` combines a row's values in any order to the same result
/// (up to a float sum's or product's rounding), with an identity the idle
/// lanes of a masked chunk hold.
static bool isCombiningOp(Operation *op) {
  return isa<arith::AddFOp, arith::AddIOp, arith::MulFOp, arith::MulIOp,
             arith::MaximumFOp, arith::MinimumFOp, arith::MaxNumFOp,
             arith::MinNumFOp, arith::MaxSIOp, arith::MinSIOp, arith::MaxUIOp,
             arith::MinUIOp>(op);
}

namespace {
/// A linalg op on buffers computing out[p] = combine(f(in[p, r]...),
/// out[p]) over its one reduction loop r, every input contiguous along r
/// or independent of it.
struct RowReduction {
  linalg::LinalgOp op;
  unsigned reductionLoop;
  /// The body's combining op and its operand that is not the output.
  Operation *combiner;
  unsigned valueOperand;
};
} // namespace

static std::optional<RowReduction> matchRowReduction(linalg::LinalgOp op,
                                                     int64_t lanes) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() != 1)
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (ShapedType::isDynamicShape(ranges))
    return std::nullopt;
  SmallVector<unsigned> reductions;
  op.getReductionDims(reductions);
  unsigned r = reductions.front();
  if (ranges[r] < lanes)
    return std::nullopt;
  OpOperand *init = op.getDpsInitOperand(0);
  Type result = getElementTypeOrSelf(init->get().getType());
  AffineMap outMap = op.getMatchingIndexingMap(init);
  if (!(result.isF32() || result.isInteger(32)) ||
      !outMap.isProjectedPermutation(/*allowZeroInResults=*/true))
    return std::nullopt;
  // Each parallel loop picks its own output elements: threads may split
  // it.
  for (unsigned loop = 0; loop < ranges.size(); ++loop)
    if (loop != r && !outMap.isFunctionOfDim(loop))
      return std::nullopt;
  for (OpOperand *input : op.getDpsInputOperands()) {
    Type element = getElementTypeOrSelf(input->get().getType());
    if (!element.isIntOrFloat() || element.getIntOrFloatBitWidth() < 8 ||
        element.getIntOrFloatBitWidth() > 32 ||
        !quantc::contiguousOrInvariant(op, *input, r))
      return std::nullopt;
  }
  // The body: lane-wise arithmetic on the inputs, then one combine with
  // the output element, yielded.
  Block *body = op.getBlock();
  BlockArgument out = op.getMatchingBlockArgument(init);
  Operation *combiner = body->getTerminator()->getOperand(0).getDefiningOp();
  if (!combiner || combiner->getBlock() != body ||
      combiner->getNumOperands() != 2 || !out.hasOneUse() ||
      out.getUses().begin()->getOwner() != combiner ||
      !combiner->getResult(0).hasOneUse())
    return std::nullopt;
  if (!isCombiningOp(combiner))
    return std::nullopt;
  unsigned valueOperand = combiner->getOperand(0) == out ? 1 : 0;
  Value value = combiner->getOperand(valueOperand);
  if (value.getParentBlock() != body)
    return std::nullopt; // A captured value: not a row's elements.
  for (Operation &nested : body->without_terminator())
    if (&nested != combiner && !quantc::isLanewiseArithmetic(nested))
      return std::nullopt;
  return RowReduction{op, r, combiner, valueOperand};
}

namespace {
/// Writes one row reduction as vector code.
class RowReductionWriter {
public:
  RowReductionWriter(RewriterBase &rewriter, const RowReduction &reduction,
                     int64_t lanes)
      : rewriter(rewriter), reduction(reduction), op(reduction.op),
        loc(op.getLoc()), lanes(lanes), ranges(op.getStaticLoopRanges()) {}

  void write();

private:
  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(rewriter, loc, value);
  }
  VectorType vectorOf(Type element) {
    return VectorType::get({lanes}, element);
  }
  /// The indices of `operand` at the loops' indices, the row at `offset`.
  SmallVector<Value> indicesOf(OpOperand &operand, Value offset);
  /// The body's value at the chunk of the row at `offset` (`mask`: its
  /// valid lanes, or null for a whole chunk).
  Value chunkValue(Value offset, Value mask);
  /// Values of the body computed once per row: captured scalars and the
  /// inputs that do not depend on the row, broadcast.
  void broadcastInvariants();
  Value combine(Value a, Value b);

  RewriterBase &rewriter;
  const RowReduction &reduction;
  linalg::LinalgOp op;
  Location loc;
  int64_t lanes;
  SmallVector<int64_t> ranges;
  /// Each loop's index in the row being reduced (constant 0 for loops of
  /// one iteration; unset for the reduction loop).
  SmallVector<Value> loopIndex;
  IRMapping invariants;
  /// The combine's identity in every lane: the partial vectors' start and
  /// the masked tail's idle lanes.
  Value neutral;
};
} // namespace

SmallVector<Value> RowReductionWriter::indicesOf(OpOperand &operand,
                                                 Value offset) {
  SmallVector<Value> indices;
  for (AffineExpr expr : op.getMatchingIndexingMap(&operand).getResults()) {
    if (auto dim = dyn_cast<AffineDimExpr>(expr))
      indices.push_back(dim.getPosition() == reduction.reductionLoop
                            ? offset
                            : loopIndex[dim.getPosition()]);
    else
      indices.push_back(
          index(cast<AffineConstantExpr>(expr).getValue())); // a 0
  }
  return indices;
}

void RowReductionWriter::broadcastInvariants() {
  Block *body = op.getBlock();
  auto broadcast = [&](Value scalar) {
    return vector::BroadcastOp::create(rewriter, loc,
                                       vectorOf(scalar.getType()), scalar)
        .getResult();
  };
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    if (map.getResultPosition(
            getAffineDimExpr(reduction.reductionLoop, op->getContext())))
      continue;
    Value scalar = memref::LoadOp::create(rewriter, loc, input->get(),
                                          indicesOf(*input, Value()));
    invariants.map(op.getMatchingBlockArgument(input), broadcast(scalar));
  }
  for (Operation &nested : body->without_terminator())
    for (Value operand : nested.getOperands())
      if (operand.getParentBlock() != body && !invariants.contains(operand))
        invariants.map(operand, broadcast(operand));
}

Value RowReductionWriter::chunkValue(Value offset, Value mask) {
  IRMapping mapping(invariants);
  for (OpOperand *input : op.getDpsInputOperands()) {
    BlockArgument argument = op.getMatchingBlockArgument(input);
    if (mapping.contains(argument))
      continue;
    auto type = cast<MemRefType>(input->get().getType());
    Value padding = arith::ConstantOp::create(
        rewriter, loc, rewriter.getZeroAttr(type.getElementType()));
    AffineMap minor =
        AffineMap::getMinorIdentityMap(type.getRank(), 1, op->getContext());
    Value chunk = vector::TransferReadOp::create(
        rewriter, loc, vectorOf(type.getElementType()), input->get(),
        indicesOf(*input, offset), minor, padding, mask,
        rewriter.getBoolArrayAttr({mask == nullptr}));
    mapping.map(argument, chunk);
  }
  Block *body = op.getBlock();
  for (Operation &nested : body->without_terminator()) {
    if (&nested == reduction.combiner)
      continue;
    if (nested.getNumOperands() == 0) {
      // A constant of the body: once, broadcast.
      Operation *scalar = rewriter.clone(nested);
      mapping.map(nested.getResult(0),
                  vector::BroadcastOp::create(
                      rewriter, loc, vectorOf(scalar->getResult(0).getType()),
                      scalar->getResult(0)));
      continue;
    }
    Operation *lanewise = rewriter.clone(nested, mapping);
    for (OpResult result : lanewise->getResults())
      result.setType(vectorOf(result.getType()));
  }
  Value value =
      mapping.lookup(reduction.combiner->getOperand(reduction.valueOperand));
  if (!mask)
    return value;
  // Lanes past the row hold the combine's identity.
  return arith::SelectOp::create(rewriter, loc, mask, value, neutral);
}

Value RowReductionWriter::combine(Value a, Value b) {
  IRMapping mapping;
  mapping.map(reduction.combiner->getOperand(0), a);
  mapping.map(reduction.combiner->getOperand(1), b);
  Operation *combined = rewriter.clone(*reduction.combiner, mapping);
  combined->getResult(0).setType(a.getType());
  return combined->getResult(0);
}

void RowReductionWriter::write() {
  rewriter.setInsertionPoint(op);
  loopIndex.assign(ranges.size(), Value());
  // One loop per parallel dimension longer than 1, marked for threads.
  for (auto [loop, extent] : llvm::enumerate(ranges)) {
    if (loop == reduction.reductionLoop)
      continue;
    if (extent == 1) {
      loopIndex[loop] = index(0);
      continue;
    }
    auto forOp =
        scf::ForOp::create(rewriter, loc, index(0), index(extent), index(1));
    quantc::markParallelLoop(forOp);
    rewriter.setInsertionPointToStart(forOp.getBody());
    loopIndex[loop] = forOp.getInductionVar();
  }
  broadcastInvariants();
  int64_t row = ranges[reduction.reductionLoop];
  int64_t chunks = row / lanes, tail = row % lanes;
  int64_t accumulators = std::min(chunks, kMaxAccumulators);
  Type element = reduction.combiner->getResult(0).getType();
  auto identity =
      cast<TypedAttr>(*arith::getNeutralElement(reduction.combiner));
  neutral = arith::ConstantOp::create(
      rewriter, loc, SplatElementsAttr::get(vectorOf(element), identity));
  SmallVector<Value> partial(accumulators, neutral);
  // Groups of `accumulators` chunks, one partial result each.
  int64_t group = accumulators * lanes, grouped = chunks / accumulators;
  auto loop = scf::ForOp::create(rewriter, loc, index(0),
                                 index(grouped * group), index(group), partial);
  {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(loop.getBody());
    SmallVector<Value> next;
    for (int64_t a = 0; a < accumulators; ++a) {
      Value offset = arith::AddIOp::create(
          rewriter, loc, loop.getInductionVar(), index(a * lanes));
      next.push_back(
          combine(loop.getRegionIterArgs()[a], chunkValue(offset, Value())));
    }
    scf::YieldOp::create(rewriter, loc, next);
  }
  partial.assign(loop.getResults().begin(), loop.getResults().end());
  // The chunks left over, then the masked tail.
  for (int64_t c = grouped * accumulators; c < chunks; ++c)
    partial[c % accumulators] = combine(partial[c % accumulators],
                                        chunkValue(index(c * lanes), Value()));
  if (tail) {
    Value mask = vector::CreateMaskOp::create(
        rewriter, loc, VectorType::get({lanes}, rewriter.getI1Type()),
        ValueRange{index(tail)});
    partial[0] = combine(partial[0], chunkValue(index(chunks * lanes), mask));
  }
  Value total = partial[0];
  for (int64_t a = 1; a < accumulators; ++a)
    total = combine(total, partial[a]);
  // Across the lanes in halves (16 -> 8 -> ... -> 1), a tree the IR fixes:
  // every target rounds a float sum alike (a reassociating vector.reduction
  // leaves the order to each backend).
  for (int64_t width = lanes / 2; width >= 1; width /= 2) {
    auto half = [&](int64_t offset) {
      return vector::ExtractStridedSliceOp::create(
          rewriter, loc, total, ArrayRef<int64_t>{offset},
          ArrayRef<int64_t>{width}, ArrayRef<int64_t>{1});
    };
    total = combine(half(0), half(width));
  }
  Value rowValue = vector::ExtractOp::create(rewriter, loc, total, 0);
  OpOperand *init = op.getDpsInitOperand(0);
  SmallVector<Value> outIndices = indicesOf(*init, Value());
  Value old = memref::LoadOp::create(rewriter, loc, init->get(), outIndices);
  // In the body's operand order.
  Value updated = reduction.valueOperand == 0 ? combine(rowValue, old)
                                              : combine(old, rowValue);
  memref::StoreOp::create(rewriter, loc, updated, init->get(), outIndices);
  rewriter.eraseOp(op);
}

namespace {
struct VectorizeRowReductionsPass
    : public quantc::impl::VectorizeRowReductionsBase<
          VectorizeRowReductionsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (lanes <= 0)
      return;
    if (!llvm::isPowerOf2_64(lanes)) {
      getOperation().emitError("quantc-vectorize-row-reductions: lanes must "
                               "be a power of two, not ")
          << lanes;
      return signalPassFailure();
    }
    SmallVector<RowReduction> rows;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (std::optional<RowReduction> row = matchRowReduction(op, lanes))
        rows.push_back(*row);
    });
    IRRewriter rewriter(&getContext());
    for (const RowReduction &row : rows) {
      RowReductionWriter(rewriter, row, lanes).write();
      ++numVectorized;
    }
  }
};
} // namespace
