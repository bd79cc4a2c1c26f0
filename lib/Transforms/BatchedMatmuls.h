//===- BatchedMatmuls.h - batched f32 matmuls as one matmul a batch -------===//
//
// Part of quantc. Attention's products (Q K^T and P V, one per batch and
// head) lower to linalg.generic contractions with batch dimensions, which
// the broadcast panels do not take: they ran as scalar-reduction loops at
// a third of the f32 peak. Each batch becomes one linalg.matmul on 2-D
// slices inside a loop over the batches, and the panels compute it.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_TRANSFORMS_BATCHEDMATMULS_H
#define QUANTC_LIB_TRANSFORMS_BATCHEDMATMULS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"

namespace quantc {

/// Rewrites every static all-f32 contraction in `func` whose operands read
/// [batch..., m, k] x [batch..., k, n] -> [batch..., m, n] (batch dimensions
/// in the same order in all three) as a loop nest over the batch
/// dimensions, marked parallel, around a linalg.matmul of one batch. A zero
/// fill of the whole output becomes a zero fill of each batch's matmul (so
/// that the panel starts its accumulators at zero).
void splitBatchedMatmuls(mlir::RewriterBase &rewriter, mlir::func::FuncOp func);

} // namespace quantc

#endif // QUANTC_LIB_TRANSFORMS_BATCHEDMATMULS_H
