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

#include "quantc/Dialect/QC/IR/QCOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"

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

/// The layers reading one activation: each a layer with constant weights
/// that reads it as its activation, all along the same channel `axis`
/// (`channels` entries), with the axis of each one's weight that meets
/// those channels.
struct ActivationReaders {
  int64_t axis = 0;
  llvm::SmallVector<std::pair<QuantizableOpInterface, int64_t>> layers;
};

/// The readers of `value` when every use is such a layer (a residual add
/// or any other reader would see a per-channel rewrite); nullopt otherwise.
std::optional<ActivationReaders> constantWeightReaders(mlir::Value value,
                                                       int64_t channels);

/// Multiplies (or divides) every slice of `values` (row-major `shape`)
/// along `axis` by factor[j].
void scaleAlong(std::vector<float> &values, llvm::ArrayRef<int64_t> shape,
                int64_t axis, llvm::ArrayRef<double> factor, bool divide);

/// Replaces constant operand `operand` by its values scaled along `axis`
/// (a new blob named `name`); false when it is not such a constant.
bool rescaleConstant(mlir::OpOperand &operand, int64_t axis,
                     llvm::ArrayRef<double> factor, bool divide,
                     llvm::StringRef name);

/// Points `operand` at a new constant of its type holding `values`
/// (row-major, a blob named `name`), created in front of its owner.
void replaceConstantOperand(mlir::OpOperand &operand,
                            llvm::ArrayRef<float> values, llvm::StringRef name);

/// Adds `bias` (one per output channel, the last axis) to the result of
/// `layer` (a matmul or gemm): into the per-channel bias add that is its
/// only reader, or a new add (a blob named `name`).
void addOutputBias(mlir::Operation *layer, llvm::ArrayRef<float> bias,
                   llvm::StringRef name);

/// The operand of `op` that holds `value` (a layer's weight or bias).
mlir::OpOperand &operandHolding(mlir::Operation *op, mlir::Value value);

/// The per-channel affine a LayerNorm output ends with, along the last
/// axis: `qc.layer_norm`'s constant scale and bias, or the decomposed
/// `(x * gamma) + beta` an older opset imports. Its gamma and beta operands
/// can absorb a per-channel rewrite of the output.
struct NormAffine {
  mlir::OpOperand *gamma = nullptr, *beta = nullptr;
};

/// The affine ending `value` (`channels` on the last axis), when `value`
/// is its only use; nullopt otherwise.
std::optional<NormAffine> findNormAffine(mlir::Value value, int64_t channels);

} // namespace quantc::qc

#endif // QUANTC_LIB_DIALECT_QC_TRANSFORMS_LAYERWEIGHTAXES_H
