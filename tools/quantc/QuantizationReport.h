//===- QuantizationReport.h - the JSON report of quantc compile -*- C++ -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TOOLS_QUANTC_QUANTIZATIONREPORT_H
#define QUANTC_TOOLS_QUANTC_QUANTIZATIONREPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/JSON.h"

namespace quantc {

/// Bytes of the constants still used (weights, biases, tables).
int64_t constantBytes(mlir::ModuleOp module);

/// Per int8 layer: name, input tensor, input scale(s) and zero point(s),
/// weight scales, weight SQNR and the input's estimated SQNR.
llvm::json::Object quantizationReport(mlir::ModuleOp module);

} // namespace quantc

#endif // QUANTC_TOOLS_QUANTC_QUANTIZATIONREPORT_H
