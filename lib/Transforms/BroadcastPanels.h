//===- BroadcastPanels.h - matmul and conv tiles as vector code -----------===//
//
// Part of quantc. A product tile out[R x L] += W[R x K] X[K x L] (a float
// matmul tile; a convolution tile with R filters, L output columns of one
// row, K input channels and every kernel tap; a direct int8 convolution's
// tile over i32 words of four bytes, PackedDotConv.h) written as vector
// code: R x ceil(L / 16) register accumulators carried through one loop
// over K. Each step loads X's row once per 16 lanes and multiplies it by
// W's scalars, broadcast from memory (one fused multiply-add, or one
// four-byte dot product, each).
//
// linalg's vectorized matmul tiles read W's tile as a vector and transpose
// it for the outer products: on a 24-filter 3x3 convolution that was one
// inserted scalar per multiply-add, about 40% of the time. Here W is never
// transposed.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_TRANSFORMS_BROADCASTPANELS_H
#define QUANTC_LIB_TRANSFORMS_BROADCASTPANELS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

#include <optional>

namespace quantc {

/// The largest divisor of `extent` that is at most `bound` (at least 1).
int64_t largestDivisorAtMost(int64_t extent, int64_t bound);

/// The tile of a broadcast panel: `rows` of W (filters, or matmul rows) by
/// `columns` lanes (output columns, or matmul columns).
struct PanelTile {
  int64_t rows;
  int64_t columns;
};

/// The share of a panel's registers `lanes` columns use (16 lanes each).
double laneUse(int64_t lanes);

/// The panel tile for a product with `rows` x `columns` outputs: lanes in
/// whole registers where a multiple of 16 divides `columns`, else all of
/// them (the last register masked); rows as many as keep the accumulators
/// within 24 of the 32 vector registers, and with the loaded row registers
/// and the broadcast within all 32. Picks the most lanes used, then
/// the most accumulators, then the fewest loads a step. None when every
/// tile would leave more than half its lanes empty, unless `anyLaneUse`
/// (convolutions, whose other code is slower).
std::optional<PanelTile> panelTileFor(int64_t rows, int64_t columns,
                                      bool anyLaneUse = false);

/// The panel tile for a pointwise convolution's matmul ([filters, height
/// width]) whose panels apply an epilogue over [1, filters, height,
/// width]: columns whole image rows, so that each tile of the matmul is a
/// box of the image. The image rows per tile divide `height` and take at
/// most 8 registers (12 for the whole image), and at most
/// `maxCrossingRegisters` of them hold the end of one row and the start of
/// the next; chosen as panelTileFor chooses. None when every choice leaves
/// more than half its lanes empty. A convolution's tile of whole output
/// rows ([1, filters, rows, width]) is chosen so too.
std::optional<PanelTile>
imageRowsPanelTile(int64_t filters, int64_t height, int64_t width,
                   int64_t maxCrossingRegisters = INT64_MAX);

/// Where to split a rows x columns matmul into blocks that panels tile
/// well: the rows and columns of the first block (all of them when no
/// split helps); the rest are matmuls of their own. Columns no tile takes
/// (a CTC head's 6625, a classifier's 1000) split at a multiple of the
/// registers the rows leave room for: 1 x 1000 took 2 columns a panel, now
/// 8 (896 and a panel of the last 104). Rows split where the tile keeps
/// under half of the 24 accumulators, or does under half the multiply-adds
/// a load, and a row count that does not divide them would do better (a
/// ViT's 197 tokens, prime, took one row a panel, 8 accumulators and one
/// load per multiply-add; now 192 in tiles of 6 x 4 registers and the last
/// 5; with 192 columns one row of 12 registers, 13 loads for 12 FMAs).
/// `anyLaneUse` as panelTileFor takes it.
PanelTile panelSplit(int64_t rows, int64_t columns, bool anyLaneUse = false);

/// Whether `op` is an all-f32 linalg.matmul, an all-f32 convolution with
/// a width stride of 1 or 2 (stride 2 reads two registers and keeps their
/// even lanes), or a generic marked quantc.packed_dot_conv, that a
/// broadcast panel computes.
bool isBroadcastPanelCandidate(mlir::linalg::LinalgOp op);

/// Replaces a tile of such a matmul ([rows, columns] += [rows, K] x [K,
/// columns]) or convolution ([1, rows, 1, columns] output, all channels
/// and taps) by the panel's vector code and returns the tile's result.
/// With `zeroInit` the accumulators start at zero instead of reading the
/// output (whose zero fill the caller dropped). With `epilogue` (the tile
/// of quantc::panelEpilogueOf of a convolution tile's result, or of a
/// matmul tile's expanded into [1, rows, H, W] image rows) the panel
/// applies the epilogue's body to the accumulators, stores into the
/// epilogue's output and returns that.
mlir::Value broadcastPanel(mlir::RewriterBase &rewriter,
                           mlir::linalg::LinalgOp tile, bool zeroInit,
                           mlir::linalg::GenericOp epilogue = {});

} // namespace quantc

#endif // QUANTC_LIB_TRANSFORMS_BROADCASTPANELS_H
