//===- PanelBlocks.cpp - split a product into blocks panels tile well ----===//
//
// Part of quantc. See PanelBlocks.h.
//
//===----------------------------------------------------------------------===//

#include "PanelBlocks.h"

#include "BroadcastPanels.h"
#include "ZeroFill.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/TilingInterface.h"

using namespace mlir;

SmallVector<linalg::LinalgOp>
quantc::splitIntoBlocks(RewriterBase &rewriter, linalg::LinalgOp op,
                        ArrayRef<std::pair<int64_t, int64_t>> cuts) {
  auto tilable = dyn_cast<TilingInterface>(op.getOperation());
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (!tilable || op.getNumDpsInits() != 1 || op->getNumResults() != 1 ||
      ShapedType::isDynamicShape(ranges))
    return {op};
  // The blocks' offsets and sizes: every combination of the two sides of
  // each cut (a cut at the loop's end leaves it whole).
  struct Box {
    SmallVector<int64_t> offsets, sizes;
  };
  SmallVector<Box> boxes = {{SmallVector<int64_t>(ranges.size(), 0), ranges}};
  for (auto [dim, at] : cuts) {
    if (at <= 0 || at >= ranges[dim])
      continue;
    SmallVector<Box> halves;
    for (const Box &box : boxes) {
      Box low = box, high = box;
      low.sizes[dim] = at;
      high.offsets[dim] = at;
      high.sizes[dim] = ranges[dim] - at;
      halves.append({low, high});
    }
    boxes = std::move(halves);
  }
  if (boxes.size() == 1)
    return {op};

  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  linalg::FillOp fill = soleZeroFill(op.getDpsInits()[0]);
  SmallVector<linalg::LinalgOp> blocks;
  SmallVector<std::pair<SmallVector<OpFoldResult>, SmallVector<OpFoldResult>>>
      positions;
  for (const Box &box : boxes) {
    SmallVector<OpFoldResult> offsets =
        getAsIndexOpFoldResult(rewriter.getContext(), box.offsets);
    SmallVector<OpFoldResult> sizes =
        getAsIndexOpFoldResult(rewriter.getContext(), box.sizes);
    FailureOr<TilingResult> tile =
        tilable.getTiledImplementation(rewriter, offsets, sizes);
    SmallVector<OpFoldResult> resultOffsets, resultSizes;
    if (failed(tile) || tile->tiledOps.size() != 1 ||
        failed(tilable.getResultTilePosition(rewriter, 0, offsets, sizes,
                                             resultOffsets, resultSizes))) {
      // Not reached for linalg ops, whose static slices always tile.
      for (linalg::LinalgOp block : blocks)
        rewriter.eraseOp(block);
      return {op};
    }
    blocks.push_back(cast<linalg::LinalgOp>(tile->tiledOps.front()));
    positions.push_back({resultOffsets, resultSizes});
  }

  // A zero fill of the whole output, read by every block, would stay (no
  // panel could drop it): each block fills its own slice of the fill's
  // destination instead.
  auto initSlice = [](linalg::LinalgOp block) {
    return block.getDpsInits()[0].getDefiningOp<tensor::ExtractSliceOp>();
  };
  if (fill && !llvm::all_of(blocks, initSlice))
    fill = {}; // Not reached: tiling slices each block's init.
  if (fill) {
    for (linalg::LinalgOp block : blocks) {
      tensor::ExtractSliceOp slice = initSlice(block);
      rewriter.modifyOpInPlace(
          slice, [&] { slice.getSourceMutable().set(fill.getDpsInits()[0]); });
      rewriter.setInsertionPoint(block);
      Value zero = linalg::FillOp::create(rewriter, loc, fill.getInputs(),
                                          slice.getResult())
                       .getResult(0);
      rewriter.modifyOpInPlace(block,
                               [&] { block.getDpsInitOperand(0)->set(zero); });
    }
  }

  // The blocks cover the output: they write into the fill's destination.
  rewriter.setInsertionPoint(op);
  Value result = fill ? fill.getDpsInits()[0] : op.getDpsInits()[0];
  for (auto [block, position] : llvm::zip_equal(blocks, positions)) {
    auto &[offsets, sizes] = position;
    SmallVector<OpFoldResult> strides(offsets.size(), rewriter.getIndexAttr(1));
    result = tensor::InsertSliceOp::create(rewriter, loc, block->getResult(0),
                                           result, offsets, sizes, strides);
  }
  rewriter.replaceOp(op, result);
  if (fill)
    rewriter.eraseOp(fill);
  return blocks;
}

SmallVector<linalg::LinalgOp>
quantc::splitPanelBlocks(RewriterBase &rewriter, linalg::LinalgOp op,
                         int64_t rowDim, int64_t columnDim, bool anyLaneUse) {
  if (!isBroadcastPanelCandidate(op))
    return {op};
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (ShapedType::isDynamicShape(ranges))
    return {op};
  PanelTile split = panelSplit(ranges[rowDim], ranges[columnDim], anyLaneUse);
  return splitIntoBlocks(rewriter, op,
                         {{rowDim, split.rows}, {columnDim, split.columns}});
}
