//===- ZeroFill.h - a zero fill an accumulating op starts from itself -----===//
//
// Part of quantc. The panels and depthwise rows of
// quantc-tile-and-vectorize, and the batch matmuls they compute, start
// their accumulators at zero in registers: the zero fill of their output
// (a pass over memory) goes.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_TRANSFORMS_ZEROFILL_H
#define QUANTC_LIB_TRANSFORMS_ZEROFILL_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace quantc {

/// The fill of zero that defines `init`, when nothing else reads it.
mlir::linalg::FillOp soleZeroFill(mlir::Value init);

/// When `init` reads a fill of zero that nothing else reads, makes it read
/// the fill's destination instead, erases the fill and returns true: the
/// reader must start at zero and write every element, never reading what
/// the destination holds (a tensor.empty, or a slice of a larger result,
/// which bufferizes in place).
bool takeZeroFill(mlir::RewriterBase &rewriter, mlir::OpOperand &init);

} // namespace quantc

#endif // QUANTC_LIB_TRANSFORMS_ZEROFILL_H
