//===- RotateResidualStream.h - a residual stream in a rotated basis -*- C++
//-*-===//
//
// Part of quantc. Private to lib/Dialect/QC/Transforms (qc-rotate).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_DIALECT_QC_TRANSFORMS_ROTATERESIDUALSTREAM_H
#define QUANTC_LIB_DIALECT_QC_TRANSFORMS_ROTATERESIDUALSTREAM_H

#include "quantc/Dialect/QC/IR/QCHadamard.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"

#include "llvm/ADT/DenseSet.h"

#include <vector>

namespace quantc::qc {

/// Carries every residual stream under `root` whose LayerNorms (over the
/// last axis, `qc.layer_norm` or decomposed) have constant-weight readers
/// in the basis of the unsigned Hadamard Q (QuaRot / SliceGPT): writers'
/// output channels rotated, LayerNorms turned into RMS norms of the
/// centred rotated stream with their affine folded into the readers'
/// weights, and an online qc.hadamard only where the stream starts at
/// something that is not a linear layer (or its transpose where something
/// else reads it). Appends an entry per layer rotated and per online
/// transform to `rotations`, and inserts the readers (whose inputs are now
/// rotated) into `handled`. The stream's Q has no signs in either `mode`
/// (the report says so in random mode).
void rotateResidualStreams(mlir::Operation *root, RotationMode mode,
                           std::vector<LayerRotation> &rotations,
                           llvm::DenseSet<mlir::Operation *> &handled);

} // namespace quantc::qc

#endif // QUANTC_LIB_DIALECT_QC_TRANSFORMS_ROTATERESIDUALSTREAM_H
