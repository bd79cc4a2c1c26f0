//===- RotateAttention.h - the attention value/output rotation pair -*- C++
//-*-===//
//
// Part of quantc. Private to lib/Dialect/QC/Transforms (qc-rotate).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_DIALECT_QC_TRANSFORMS_ROTATEATTENTION_H
#define QUANTC_LIB_DIALECT_QC_TRANSFORMS_ROTATEATTENTION_H

#include "quantc/Dialect/QC/Transforms/Passes.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <vector>

namespace quantc::qc {

/// Rotates the value/output pair of every fused-QKV attention under `root`
/// per head (V's output channels and the output projection's rows by one
/// Q of the head width, with signs(width) for its signs), fused into both
/// weights. Entries for the two layers of each pair rotated ("fused", the
/// reason naming the pair) and for each pair whose head width has no
/// Hadamard matrix ("refused").
std::vector<LayerRotation> rotateValueOutputPairs(
    mlir::Operation *root,
    llvm::function_ref<llvm::SmallVector<bool>(int64_t)> signs);

} // namespace quantc::qc

#endif // QUANTC_LIB_DIALECT_QC_TRANSFORMS_ROTATEATTENTION_H
