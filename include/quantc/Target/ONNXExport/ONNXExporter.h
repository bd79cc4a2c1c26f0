//===- ONNXExporter.h - qc modules written back as ONNX ---------*- C++ -*-===//
//
// Part of quantc. Writes a qc function, float or quantized, as an ONNX
// model in QDQ form: each quantized tensor is a QuantizeLinear output
// (or an int8 initializer for weights) and each quantized layer reads its
// operands through DequantizeLinear, with the scales and zero points quantc
// chose. Other runtimes then run quantc's quantization: ONNX Runtime fuses
// DequantizeLinear -> Conv -> QuantizeLinear into its integer kernels.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TARGET_ONNX_ONNXEXPORTER_H
#define QUANTC_TARGET_ONNX_ONNXEXPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace quantc {

struct ONNXExportOptions {
  /// The function to export; empty: `main`, or the module's only public
  /// function.
  std::string functionName;
  /// The graph's name in the model.
  std::string graphName = "quantc";
};

/// What an export wrote.
struct ONNXExportSummary {
  /// The default-domain opset: the lowest that spells every op (13 for
  /// per-channel DequantizeLinear, 17 with LayerNormalization, 20 with
  /// Gelu, 21 with blocked weights).
  int64_t opset = 0;
  size_t nodes = 0, quantizeNodes = 0, dequantizeNodes = 0;
  size_t bytes = 0;
};

/// Serializes the function as an ONNX ModelProto into `os`. Ops with no
/// ONNX form (online Hadamard transforms, log-domain products, raw i32
/// accumulators) fail the export with one error that lists them all.
mlir::FailureOr<ONNXExportSummary>
exportONNX(mlir::ModuleOp module, llvm::raw_ostream &os,
           const ONNXExportOptions &options = {});

/// Registers `--export-onnx` for mlir-translate-style tools.
void registerONNXExportTranslation();

} // namespace quantc

#endif // QUANTC_TARGET_ONNX_ONNXEXPORTER_H
