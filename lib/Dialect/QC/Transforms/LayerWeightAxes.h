//===- LayerWeightAxes.h - which weight axis meets which channel -*- C++
//-*-===//
//
// Part of quantc. Private to lib/Dialect/QC/Transforms: the passes that
// rewrite a layer's weights per channel (qc-smooth, qc-rotate) agree here on
// which axis of the constant weight the input and output channels run along.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_DIALECT_QC_TRANSFORMS_LAYERWEIGHTAXES_H
#define QUANTC_LIB_DIALECT_QC_TRANSFORMS_LAYERWEIGHTAXES_H

#include "mlir/IR/Operation.h"

#include <optional>

namespace quantc::qc {

/// The axis of `layer`'s constant weight that its input channels run
/// along, or nullopt (grouped convolutions: transforming one group's
/// channel would need the same transform in another's; a transposed A).
std::optional<int64_t> weightInputAxis(mlir::Operation *layer);

/// The axis of `layer`'s weight that its output channels run along
/// (matmul N, conv2d O, gemm N), or nullopt.
std::optional<int64_t> weightOutputAxis(mlir::Operation *layer);

/// Whether constant `value` varies along `axis` of a rank-`rank` tensor
/// only (right-aligned broadcasting), with `channels` entries.
bool isPerChannelConstant(mlir::Value value, int64_t axis, int64_t rank,
                          int64_t channels);

} // namespace quantc::qc

#endif // QUANTC_LIB_DIALECT_QC_TRANSFORMS_LAYERWEIGHTAXES_H
