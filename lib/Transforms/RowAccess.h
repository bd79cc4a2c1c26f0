//===- RowAccess.h - how a linalg op walks its innermost rows ---*- C++ -*-===//
//
// Part of quantc. Shared by the passes that write a linalg op's rows as
// vector chunks themselves (quantc-vectorize-short-rows,
// quantc-vectorize-row-reductions): which operands a chunk reads as one
// vector, and which bodies compute lane by lane.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_TRANSFORMS_ROWACCESS_H
#define QUANTC_LIB_TRANSFORMS_ROWACCESS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace quantc {

/// Whether `operand` is accessed along loop `loop` at unit stride in its
/// innermost dimension, or not at all (a per-channel constant, a scalar):
/// then each chunk of the row is one vector load or store, or one
/// broadcast.
bool contiguousOrInvariant(mlir::linalg::LinalgOp op, mlir::OpOperand &operand,
                           unsigned loop);

/// Like contiguousOrInvariant, for ops whose other dimensions may be read
/// through any affine expression (a packing op's `4 c + 1`): `loop` only
/// in the innermost result, as itself, at unit stride, or nowhere.
bool rowContiguousOrInvariant(mlir::linalg::LinalgOp op,
                              mlir::OpOperand &operand, unsigned loop);

/// Whether `op` is plain arithmetic that a vector lane computes as the
/// scalar does: a pure arith or math op that cannot trap on what an idle
/// (masked-off) lane holds. x86 has no vector integer division, so LLVM
/// divides lane by lane, and a lane past the row divides by zero (SIGFPE in
/// ONNX's Mod node tests).
bool isLanewiseArithmetic(mlir::Operation &op);

} // namespace quantc

#endif // QUANTC_LIB_TRANSFORMS_ROWACCESS_H
