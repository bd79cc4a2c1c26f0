//===- ExportOps.h - each qc op as ONNX nodes -------------------*- C++ -*-===//
//
// Part of quantc. Private to lib/Target/ONNX.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_TARGET_ONNX_EXPORTOPS_H
#define QUANTC_LIB_TARGET_ONNX_EXPORTOPS_H

#include "GraphWriter.h"

#include "mlir/IR/Operation.h"

#include <optional>
#include <string>

namespace quantc::onnx_export {

/// The lowest default-domain opset that spells `op`, or nullopt (with
/// `reason` set when there is more to say than the op's name) when ONNX
/// has no form for it.
std::optional<int64_t> requiredOpset(mlir::Operation *op, std::string &reason);

/// Writes `op` as ONNX nodes and initializers.
mlir::LogicalResult exportOperation(GraphWriter &writer, mlir::Operation *op);

} // namespace quantc::onnx_export

#endif // QUANTC_LIB_TARGET_ONNX_EXPORTOPS_H
