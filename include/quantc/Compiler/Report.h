//===- Report.h - per-layer facts for the compile report -----*- C++ -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_COMPILER_REPORT_H
#define QUANTC_COMPILER_REPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/JSON.h"

namespace quantc {

/// Bytes of the constants still used (weights, biases, tables).
int64_t constantBytes(mlir::ModuleOp module);

/// Per int8 layer: name, input tensor, input scale(s) and zero point(s),
/// weight scales, weight SQNR and the input's estimated SQNR.
llvm::json::Object quantizationReport(mlir::ModuleOp module);

/// A web page of a report's mixed_precision section (empty without one):
/// the frontier plot (SVG) with the measured, uniform and kept points, and
/// the per-layer bit map. quantc compile writes it as <model>.report.html.
std::string mixedPrecisionHtml(const llvm::json::Object &report,
                               llvm::StringRef title);

} // namespace quantc

#endif // QUANTC_COMPILER_REPORT_H
