//===- VectorizeShortRows.cpp - short elementwise rows as masked vectors --===//
//
// Part of quantc. LLVM's loop vectorizer leaves the rows of small feature
// maps scalar: it fully unrolls a loop of 10 before it vectorizes, and a
// row of 20 runs its last 4 elements one by one. Where the body quantizes
// (two divisions per element), such a 384 x 10 x 10 nest costs 4 ns per
// element instead of a fraction of one. This pass writes those nests as
// masked vector chunks itself.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "RowAccess.h"
#include "RowChunks.h"

#include "quantc/Support/ParallelLoops.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SetVector.h"

namespace quantc {
#define GEN_PASS_DEF_VECTORIZESHORTROWS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

/// Whether `op`'s body is plain elementwise arithmetic on its operands:
/// arith and math ops only (no loads, no indices, no integer division),
/// and every yielded value computed in the body. The vectorizer
/// mishandles a yield of a value captured from outside (a fill written as
/// linalg.map).
static bool isElementwiseBody(linalg::LinalgOp op) {
  Block *body = op.getBlock();
  for (Operation &nested : body->without_terminator()) {
    if (!quantc::isLanewiseArithmetic(nested))
      return false;
  }
  return llvm::all_of(body->getTerminator()->getOperands(),
                      [&](Value v) { return v.getParentBlock() == body; });
}

/// The vector sizes of one chunk: one element of every outer dimension,
/// `lanes` of the innermost.
static SmallVector<int64_t> chunkShape(unsigned loops, int64_t lanes) {
  SmallVector<int64_t> shape(loops, 1);
  shape.back() = lanes;
  return shape;
}

/// Lanes of the chunks of a row of `row` elements: `lanes`, or for a
/// shorter row the power of two that holds it (a row of 8 in 8 lanes).
static int64_t chunkLanes(int64_t row, int64_t lanes) {
  return row >= lanes ? lanes : int64_t(llvm::PowerOf2Ceil(row));
}

/// Who writes an op's chunks: upstream's vectorizer takes operands read
/// through projected permutations, RowChunks.h any other affine maps.
enum class ChunkWriter { None, Upstream, Own };

/// Whether `op` is an elementwise op on buffers whose rows LLVM would
/// leave (partly) scalar and whose chunks vectorize, and who writes them.
static ChunkWriter shortRowWriter(linalg::LinalgOp op, int64_t lanes,
                                  int64_t maxRow) {
  if (!op.hasPureBufferSemantics() || op.getNumLoops() == 0 ||
      op.getNumLoops() != op.getNumParallelLoops())
    return ChunkWriter::None;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (ShapedType::isDynamicShape(ranges))
    return ChunkWriter::None;
  int64_t row = ranges.back();
  // Rows of 4 or fewer would leave most of even 8 lanes idle: an
  // interleave's rows of 2, a 1 x 1 map's rows of 1.
  if (row % lanes == 0 || row >= maxRow || row <= 4)
    return ChunkWriter::None;
  if (!isElementwiseBody(op))
    return ChunkWriter::None;
  unsigned last = ranges.size() - 1;
  for (OpOperand &operand : op->getOpOperands()) {
    Type element = getElementTypeOrSelf(operand.get().getType());
    if (!element.isIntOrFloat() || element.getIntOrFloatBitWidth() > 32 ||
        !quantc::rowContiguousOrInvariant(op, operand, last))
      return ChunkWriter::None;
  }
  if (!llvm::all_of(op.getIndexingMapsArray(), [](AffineMap map) {
        return map.isProjectedPermutation(/*allowZeroInResults=*/true);
      }))
    return op.getNumDpsInits() == 1 ? ChunkWriter::Own : ChunkWriter::None;
  // The body vectorizes: the sizes of the whole op with the row widened to
  // a multiple of the lanes pass the same checks as one chunk's.
  SmallVector<int64_t> sizes(ranges);
  sizes.back() = llvm::alignTo(row, chunkLanes(row, lanes));
  SmallVector<bool> fixedWidth(ranges.size(), false);
  return succeeded(linalg::vectorizeOpPrecondition(op, sizes, fixedWidth))
             ? ChunkWriter::Upstream
             : ChunkWriter::None;
}

namespace {
struct VectorizeShortRowsPass
    : public quantc::impl::VectorizeShortRowsBase<VectorizeShortRowsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (lanes <= 0)
      return;
    SmallVector<linalg::LinalgOp> candidates, ownChunks;
    getOperation().walk([&](linalg::LinalgOp op) {
      ChunkWriter writer = shortRowWriter(op, lanes, maxRow);
      if (writer == ChunkWriter::Upstream)
        candidates.push_back(op);
      else if (writer == ChunkWriter::Own)
        ownChunks.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ownChunks) {
      quantc::writeRowChunks(
          rewriter, op, chunkLanes(op.getStaticLoopRanges().back(), lanes));
      ++numVectorized;
    }
    ChunkOps chunkOps; // what vectorizing the chunks made, for the cleanup
    for (linalg::LinalgOp op : candidates) {
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      // One loop per outer dimension longer than 1, and one over the
      // row's chunks if it has several.
      SmallVector<int64_t> tiles;
      for (int64_t extent : ranges)
        tiles.push_back(extent == 1 ? 0 : 1);
      int64_t row = ranges.back(), chunk = chunkLanes(row, lanes);
      tiles.back() = row > chunk ? chunk : 0;
      linalg::LinalgTilingOptions tiling;
      tiling.setTileSizes(tiles).setLoopType(
          linalg::LinalgTilingLoopType::Loops);
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::TiledLinalgOp> tiled =
          linalg::tileLinalgOp(rewriter, op, tiling);
      if (failed(tiled))
        continue;
      rewriter.eraseOp(op);
      for (Operation *loop : tiled->loops)
        quantc::markParallelLoop(loop);
      rewriter.setInsertionPoint(tiled->op);
      SmallVector<bool> fixedWidth(ranges.size(), false);
      rewriter.setListener(&chunkOps);
      FailureOr<linalg::VectorizationResult> vectorized = linalg::vectorize(
          rewriter, tiled->op, chunkShape(ranges.size(), chunk), fixedWidth);
      rewriter.setListener(nullptr);
      if (failed(vectorized)) {
        // Still correct: quantc-linalg-to-loops lowers the chunk.
        tiled->op.emitWarning("short row chunk did not vectorize");
        continue;
      }
      rewriter.eraseOp(tiled->op);
      ++numVectorized;
    }
    // Masked n-D transfers with unit outer dims become masked 1-D loads
    // and stores, which lower to llvm.masked.load / store. Only the
    // chunks' ops: other vector code (the convolution tiles) is left as it
    // is.
    if (chunkOps.ops.empty())
      return;
    RewritePatternSet patterns(&getContext());
    vector::populateVectorMaskLoweringPatternsForSideEffectingOps(patterns);
    vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
    vector::populateVectorTransferDropUnitDimsPatterns(patterns);
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    if (failed(applyOpPatternsGreedily(chunkOps.ops.getArrayRef(),
                                       std::move(patterns), config)))
      return signalPassFailure();
  }

  /// Collects the ops a rewrite inserts and keeps: one the vectorizer
  /// erases again must not reach the cleanup.
  struct ChunkOps : RewriterBase::Listener {
    void notifyOperationInserted(Operation *op,
                                 OpBuilder::InsertPoint) override {
      ops.insert(op);
    }
    void notifyOperationErased(Operation *op) override { ops.remove(op); }
    llvm::SetVector<Operation *> ops;
  };
};
} // namespace
