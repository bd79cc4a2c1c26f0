//===- QCQuantTypes.h - legality of !quant.uniform in qc --------*- C++ -*-===//
//
// Part of quantc. Which upstream quantized types qc accepts, and whether a
// quantized element type fits the tensor that carries it.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QC_IR_QCQUANTTYPES_H
#define QUANTC_DIALECT_QC_IR_QCQUANTTYPES_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"

namespace quantc::qc {

/// How a quantized tensor's scales are laid out.
enum class QuantGranularity { PerTensor, PerAxis, SubChannel };

/// Granularity of a uniform quantized type (asserts on other kinds).
QuantGranularity getGranularity(mlir::quant::QuantizedType type);

/// Whether `type` is ternary: i2 storage with storage range [-1, 1].
bool isTernary(mlir::quant::QuantizedType type);

/// Storage widths qc computes with: 8 and 4 bits (signed or unsigned), 2 bits
/// as ternary only, and 32-bit signed (biases and accumulators). Emits an
/// error naming the accepted forms otherwise.
mlir::LogicalResult
verifyStorageType(mlir::quant::QuantizedType type,
                  llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

/// Checks that the quantized element type of `type` fits its shape: the
/// storage type is supported, a per-axis quantized dimension is within the
/// rank and (when static) has one scale per element, and every sub-channel
/// block size divides its (static) dimension with a matching scale-tensor
/// extent.
mlir::LogicalResult
verifyQuantizedTensorType(mlir::RankedTensorType type,
                          llvm::function_ref<mlir::InFlightDiagnostic()>
                              emitError);

} // namespace quantc::qc

#endif // QUANTC_DIALECT_QC_IR_QCQUANTTYPES_H
