//===- QCConstants.h - reading and making constant tensors ------*- C++ -*-===//
//
// Part of quantc. Passes that rewrite weights (batch-norm folding,
// quantization) read constants whatever their storage (`dense` or
// `dense_resource`) and create new ones as resource blobs.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QC_IR_QCCONSTANTS_H
#define QUANTC_DIALECT_QC_IR_QCCONSTANTS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include <optional>
#include <vector>

namespace quantc::qc {

/// The values of a float32 constant (a qc.constant or any ConstantLike op
/// with a dense or dense_resource value), row-major; nullopt otherwise.
std::optional<std::vector<float>> readF32Constant(mlir::Value value);

/// The values of an i8 constant, looking through a quant.scast (quantized
/// weights); nullopt otherwise.
std::optional<std::vector<int8_t>> readI8Constant(mlir::Value value);

/// The row-major bytes of a constant attribute (dense, splats expanded, or
/// dense_resource) of `type`, whose elements must be whole bytes wide;
/// nullopt otherwise.
std::optional<std::vector<char>> constantBytes(mlir::Attribute value,
                                               mlir::ShapedType type);

/// A dense_resource attribute holding `bytes` (row-major) as `type`.
mlir::Attribute resourceAttr(mlir::ShapedType type, llvm::ArrayRef<char> bytes,
                             llvm::StringRef name);

/// A qc.constant holding `values` (row-major) as a dense_resource blob named
/// after `name`.
mlir::Value createF32Constant(mlir::OpBuilder &builder, mlir::Location loc,
                              mlir::RankedTensorType type,
                              llvm::ArrayRef<float> values,
                              llvm::StringRef name);

} // namespace quantc::qc

#endif // QUANTC_DIALECT_QC_IR_QCCONSTANTS_H
