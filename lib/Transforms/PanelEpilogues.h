//===- PanelEpilogues.h - a convolution's elementwise consumer in registers
//===//
//
// Part of quantc. A float convolution's bias, activation and residual sum
// (one elementwise generic once fused) read the convolution's whole output
// back from memory and write it again, into the next convolution's padded
// buffer: 1.1 of ResNet-18's 40.6 ms on Zen 4. Tiled with the
// convolution's panel and fused with it, the generic becomes the panel's
// epilogue: its body runs on the accumulators in registers and the panel
// stores the generic's result instead of the convolution's, straight into
// the padded buffer's interior.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_TRANSFORMS_PANELEPILOGUES_H
#define QUANTC_LIB_TRANSFORMS_PANELEPILOGUES_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

#include <optional>

namespace quantc {

/// f32 lanes of a panel's registers (AVX-512), which the lane runs below
/// split.
constexpr int64_t kPanelLanes = 16;

/// Marks a tile loop whose every iteration writes its part of the loop's
/// destination without reading it: quantc-fuse-pads-into-producers may
/// then leave the destination unfilled.
inline constexpr llvm::StringLiteral kOverwritesInitAttr =
    "quantc.overwrites_init";

/// Fuses the chain of elementwise generics that reads `result` (a
/// convolution's [N, F, H, W] output, or a pointwise one's matmul expanded
/// to it: a bias, then an activation, a residual sum) into one generic, as
/// linalg's elementwise fusion would later, so that it can become the
/// panel's epilogue.
void fuseEpilogueChain(mlir::RewriterBase &rewriter, mlir::Value result);

/// The generic that a panel computing `result` (4-D, [N, F, H, W]) can
/// apply to its accumulators: the sole reader of `result`, all parallel
/// over its dimensions, reading it and writing its own result at the same
/// point, its other operands read along W as their innermost dimension or
/// not along W, and a body of scalar elementwise ops. Null otherwise.
mlir::linalg::GenericOp panelEpilogueOf(mlir::Value result);

/// When `epilogue`'s only reader is a constant pad (the next
/// convolution's), makes a clone write the padded tensor's interior (as
/// quantc-fuse-pads-into-producers would) and returns it; else returns
/// `epilogue`.
mlir::linalg::GenericOp writeIntoPaddedBuffer(mlir::RewriterBase &rewriter,
                                              mlir::linalg::GenericOp epilogue);

/// Lanes [lane, lane + length) of a 16-lane accumulator: the epilogue's
/// iteration points `point` onwards along its innermost dimension (W),
/// within one row. A convolution panel's accumulator is one run from lane
/// 0; a pointwise convolution's (a matmul over H W pixels) is one run per
/// image row its lanes cross. A run at lane 0 shorter than 16 ends at its
/// row's end (or the tile's), so a masked 16-lane access at its point
/// touches exactly its lanes.
struct LaneRun {
  int64_t lane, length;
  llvm::SmallVector<int64_t, 4> point;
};

/// The 16 lanes of `value` (read through `map`, a tensor) at `runs`'
/// points (`runs[0]` at lane 0): along the lanes when `map` reads the
/// innermost dimension, else one scalar per run, broadcast over its lanes.
mlir::Value readLaneRuns(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value value, mlir::AffineMap map,
                         mlir::Type element, llvm::ArrayRef<LaneRun> runs);

/// The input of `epilogue` (a tile of panelEpilogueOf's generic) that is
/// `product`, read directly or through the reshape that makes it an image
/// (a pointwise convolution's matmul expanded, a depthwise convolution's
/// result collapsed); none when no input is.
std::optional<unsigned> accumulatorOperandOf(mlir::linalg::GenericOp epilogue,
                                             mlir::Value product);

/// `epilogue`'s body on 16-lane vectors: the value it yields for the
/// points of `runs` (`runs[0]` at lane 0), with `accumulator` for its
/// operand `accumulatorOperand` and its other operands read at those
/// points (lanes outside the runs read as zero).
mlir::Value applyEpilogue(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::linalg::GenericOp epilogue,
                          unsigned accumulatorOperand, mlir::Value accumulator,
                          llvm::ArrayRef<LaneRun> runs);

/// Writes the lanes of each of `runs` of `value` into the 4-D tensor
/// `dest` at the run's point; returns the written tensor.
mlir::Value writeLaneRuns(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value value, mlir::Value dest,
                          llvm::ArrayRef<LaneRun> runs);

} // namespace quantc

#endif // QUANTC_LIB_TRANSFORMS_PANELEPILOGUES_H
