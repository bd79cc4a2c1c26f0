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

namespace quantc {

/// Marks a tile loop whose every iteration writes its part of the loop's
/// destination without reading it: quantc-fuse-pads-into-producers may
/// then leave the destination unfilled.
inline constexpr llvm::StringLiteral kOverwritesInitAttr =
    "quantc.overwrites_init";

/// Fuses the chain of elementwise generics that reads `conv`'s result (a
/// bias, then an activation, a residual sum) into one generic, as
/// linalg's elementwise fusion would later, so that it can become the
/// panel's epilogue.
void fuseEpilogueChain(mlir::RewriterBase &rewriter,
                       mlir::linalg::Conv2DNchwFchwOp conv);

/// The generic that a panel of `conv` can apply to its accumulators: the
/// sole reader of `conv`'s result, all parallel over the output's
/// dimensions, reading that result and writing its own at the same point,
/// its other operands invariant along the output's rows or read along
/// them, and a body of scalar elementwise ops. Null otherwise.
mlir::linalg::GenericOp panelEpilogueOf(mlir::linalg::Conv2DNchwFchwOp conv);

/// When `epilogue`'s only reader is a constant pad (the next
/// convolution's), makes a clone write the padded tensor's interior (as
/// quantc-fuse-pads-into-producers would) and returns it; else returns
/// `epilogue`.
mlir::linalg::GenericOp writeIntoPaddedBuffer(mlir::RewriterBase &rewriter,
                                              mlir::linalg::GenericOp epilogue);

/// `epilogue`'s body on 16-lane vectors: the value it yields for the
/// iteration points `point` to `point` + 15 along dimension `laneDim`,
/// with `accumulator` for its operand `accumulatorOperand` and its other
/// operands read at those points (lanes past `laneExtent` read as zero
/// and are not stored).
mlir::Value applyEpilogue(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::linalg::GenericOp epilogue,
                          unsigned accumulatorOperand, mlir::Value accumulator,
                          llvm::ArrayRef<int64_t> point, unsigned laneDim,
                          int64_t laneExtent);

} // namespace quantc

#endif // QUANTC_LIB_TRANSFORMS_PANELEPILOGUES_H
