//===- PanelBlocks.h - split a product into blocks panels tile well ------===//
//
// Part of quantc. quantc-tile-and-vectorize's broadcast panels need a tile
// that divides the output: lanes in whole registers dividing the columns,
// or all columns in at most 12 registers. A product whose columns no tile
// takes (a CTC head's 6625 classes; a pointwise convolution over a 14 x 14
// image, one row of 196 pixels) is split first into blocks that panels
// take, each its own op on slices of the operands; so is a transpose whose
// sides are no multiple of the 16 x 16 register blocks.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_TRANSFORMS_PANELBLOCKS_H
#define QUANTC_LIB_TRANSFORMS_PANELBLOCKS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace quantc {

/// Splits `op`, a linalg op with one result into one init, at each (loop,
/// index) of `cuts` into blocks, every combination of the two sides of
/// each cut, and returns them (or `op` alone when no cut falls inside its
/// loop). Each block is the op's own tiled implementation (TilingInterface)
/// on static slices, so the operands' slices follow its indexing maps (a
/// convolution's strides and taps). A zero fill of the output becomes each
/// block's own zero fill, which a block's panel then drops.
llvm::SmallVector<mlir::linalg::LinalgOp>
splitIntoBlocks(mlir::RewriterBase &rewriter, mlir::linalg::LinalgOp op,
                llvm::ArrayRef<std::pair<int64_t, int64_t>> cuts);

/// Splits `op`, a broadcast-panel candidate whose panel rows are loop
/// `rowDim` and lanes loop `columnDim`, where quantc::panelSplit says (with
/// `anyLaneUse` as panelTileFor takes it) into up to four ops on blocks of
/// those loops (splitIntoBlocks), and returns them; else returns `op`
/// alone.
llvm::SmallVector<mlir::linalg::LinalgOp>
splitPanelBlocks(mlir::RewriterBase &rewriter, mlir::linalg::LinalgOp op,
                 int64_t rowDim, int64_t columnDim, bool anyLaneUse);

} // namespace quantc

#endif // QUANTC_LIB_TRANSFORMS_PANELBLOCKS_H
