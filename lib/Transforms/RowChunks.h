//===- RowChunks.h - an elementwise op as masked row chunks -----*- C++ -*-===//
//
// Part of quantc. quantc-vectorize-short-rows hands upstream's vectorizer
// the ops whose operands it reads through projected permutations; upstream
// takes no others. A packing op reads its storage through `4 c + j`: such
// ops are written here, as the same loops and masked chunks.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_TRANSFORMS_ROWCHUNKS_H
#define QUANTC_LIB_TRANSFORMS_ROWCHUNKS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace quantc {

/// Replaces `op` by loops over its outer dimensions (extent 1 gets none)
/// and over chunks of `chunk` lanes along its innermost one, each chunk
/// reading every operand as one masked vector (or one scalar, broadcast,
/// where the operand does not depend on the row), computing the body lane
/// by lane and writing one masked vector. `op` must meet
/// quantc-vectorize-short-rows' conditions (buffers, static, all parallel,
/// a lanewise body, rowContiguousOrInvariant operands, one result). The
/// loops are marked parallel.
void writeRowChunks(mlir::RewriterBase &rewriter, mlir::linalg::LinalgOp op,
                    int64_t chunk);

} // namespace quantc

#endif // QUANTC_LIB_TRANSFORMS_ROWCHUNKS_H
