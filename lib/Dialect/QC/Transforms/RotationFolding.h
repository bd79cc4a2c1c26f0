//===- RotationFolding.h - folding a Hadamard rotation into constants -*- C++
//-*-===//
//
// Part of quantc. Private to lib/Dialect/QC/Transforms (qc-rotate): the
// pieces every rotation site shares, whether it rotates a layer's input,
// an attention pair or a residual stream.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_DIALECT_QC_TRANSFORMS_ROTATIONFOLDING_H
#define QUANTC_LIB_DIALECT_QC_TRANSFORMS_ROTATIONFOLDING_H

#include "quantc/Dialect/QC/IR/QCOps.h"

#include "llvm/ADT/ArrayRef.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace quantc::qc {

/// max / median over the slices along `axis` of each slice's largest
/// magnitude: how far the worst channel stands out.
double channelSpread(llvm::ArrayRef<float> values,
                     llvm::ArrayRef<int64_t> shape, int64_t axis);

/// Replaces constant operand `operand` by its values rotated along `axis`;
/// returns the spread along `spreadAxis` before and after.
std::pair<double, double> rotateConstant(mlir::OpOperand &operand, int64_t axis,
                                         llvm::ArrayRef<bool> negate,
                                         int64_t spreadAxis);

/// Rotates a per-channel constant with `channels` entries (every other
/// extent 1) as one vector.
void rotateChannelConstant(mlir::OpOperand &operand, int64_t channels,
                           llvm::ArrayRef<bool> negate);

/// The value's name: its NameLoc, possibly fused ("activation" if none).
std::string valueName(mlir::Value value);

/// "<name><suffix>" for the value's name (its NameLoc, possibly fused), so
/// that a probe on a transformed tensor does not share the original's.
mlir::Location renamedLoc(mlir::Value value, llvm::StringRef suffix);

/// A constant-weight layer whose output channels can take a rotation of
/// the tensor it produces: its output, or that plus one per-channel bias
/// add.
struct LinearProducer {
  QuantizableOpInterface layer;
  int64_t outputAxis = 0;
  AddOp biasAdd;
};

/// The linear producer of `value` with its `channels` output channels
/// along `axis` (the last axis of a matmul or gemm, axis 1 of a
/// convolution); nullopt otherwise. The layer's output must have no reader
/// but the bias add; `value`'s readers are the caller's to check.
std::optional<LinearProducer>
findLinearProducer(mlir::Value value, int64_t axis, int64_t channels);

/// Q y for the producer's output y: its weights' and biases' output
/// channels are rotated. Returns the weights' output-channel spread before
/// and after.
std::pair<double, double> rotateProducerOutputs(LinearProducer producer,
                                                int64_t channels,
                                                llvm::ArrayRef<bool> negate);

} // namespace quantc::qc

#endif // QUANTC_LIB_DIALECT_QC_TRANSFORMS_ROTATIONFOLDING_H
