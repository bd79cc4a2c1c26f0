//===- TileAndVectorize.cpp - tile and vectorize matmul and conv ----------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace quantc {
#define GEN_PASS_DEF_TILEANDVECTORIZE
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

/// Whether every operand of `op` has a static shape.
static bool allStatic(Operation *op) {
  return llvm::all_of(op->getOperandTypes(), [](Type type) {
    auto shaped = dyn_cast<ShapedType>(type);
    return !shaped || shaped.hasStaticShape();
  });
}

/// The largest divisor of `extent` that is at most `bound` (0 keeps the
/// loop untiled).
static int64_t tileFor(int64_t extent, int64_t bound) {
  if (bound == 0)
    return 0;
  for (int64_t size = std::min(extent, bound); size > 1; --size)
    if (extent % size == 0)
      return size;
  return 1;
}

namespace {
struct TileAndVectorizePass
    : public quantc::impl::TileAndVectorizeBase<TileAndVectorizePass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    func::FuncOp func = getOperation();
    IRRewriter rewriter(context);

    SmallVector<linalg::LinalgOp> targets;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && allStatic(op) &&
          isa<linalg::MatmulOp, linalg::Conv2DNchwFchwOp>(op.getOperation()))
        targets.push_back(op);
    });
    SmallVector<Operation *> matmulTiles;
    for (linalg::LinalgOp op : targets) {
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      bool isMatmul = isa<linalg::MatmulOp>(op.getOperation());
      // matmul (m, n, k); conv (n, f, oh, ow, c, kh, kw).
      SmallVector<int64_t> bounds =
          isMatmul ? SmallVector<int64_t>{8, 32, 16}
                   : SmallVector<int64_t>{1, 8, 1, 16, 8, 1, 0};
      SmallVector<int64_t> tiles;
      for (auto [extent, bound] : llvm::zip_equal(ranges, bounds))
        tiles.push_back(tileFor(extent, bound));
      scf::SCFTilingOptions options;
      options.setTileSizes(getAsIndexOpFoldResult(context, tiles));
      auto tilable = dyn_cast<TilingInterface>(op.getOperation());
      if (!tilable)
        continue; // The embedder did not register linalg's tiling models.
      rewriter.setInsertionPoint(op);
      FailureOr<scf::SCFTilingResult> tiled =
          scf::tileUsingSCF(rewriter, tilable, options);
      if (failed(tiled))
        continue;
      rewriter.replaceOp(op, tiled->replacements);
      if (isMatmul)
        llvm::append_range(matmulTiles, tiled->tiledOps);
    }

    // One-row convolution tiles become 1-D convolutions.
    RewritePatternSet decompose(context);
    linalg::populateDecomposeConvolutionPatterns(decompose);
    if (failed(applyPatternsGreedily(func, std::move(decompose))))
      return signalPassFailure();

    SmallVector<Operation *> toVectorize(matmulTiles);
    func.walk([&](linalg::Conv1DNcwFcwOp op) {
      if (allStatic(op))
        toVectorize.push_back(op);
    });
    for (Operation *op : toVectorize) {
      rewriter.setInsertionPoint(op);
      // Matmul tiles go straight to vector.contract (lowered to outer
      // products) instead of broadcast + multi_reduction.
      bool contraction = isa<linalg::MatmulOp>(op);
      FailureOr<linalg::VectorizationResult> result = linalg::vectorize(
          rewriter, op, /*inputVectorSizes=*/{}, /*inputScalableVecDims=*/{},
          /*vectorizeNDExtract=*/false, /*flatten1DDepthwiseConv=*/false,
          /*assumeDynamicDimsMatchVecSizes=*/false,
          /*createNamedContraction=*/contraction);
      if (failed(result))
        continue;
      rewriter.replaceOp(op, result->replacements);
      ++numVectorized;
    }

    // Each tile's output slice, then its vector, is read at the top of
    // every step of the reduction loop and written back at the bottom:
    // hoisted, the accumulator is a loop-carried vector (registers) and
    // touches memory once per tile. Innermost loops first, so that a
    // hoisted pair can move further out.
    if (failed(applyPatternsGreedily(func, RewritePatternSet(context))))
      return signalPassFailure();
    SmallVector<scf::ForOp> loops;
    func.walk<WalkOrder::PostOrder>(
        [&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops)
      hoistLoopInvariantSubsets(rewriter,
                                cast<LoopLikeOpInterface>(loop.getOperation()));
  }
};
} // namespace
