//===- onnx-import-fuzzer.cpp - libFuzzer target for the ONNX importer ----===//
//
// Part of quantc. Feeds arbitrary bytes to importONNX; any crash, hang or
// sanitizer report is a bug. Diagnostics are expected and discarded. Every
// crash it finds is kept under test/Target/ONNX/fuzz-regressions/.
//
//===----------------------------------------------------------------------===//

#include "quantc/Target/ONNX/ONNXImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A context per input: the weights an input imports are dense_resource
  // blobs held by its context's resource manager, which outlive the module.
  // One static context grew to libFuzzer's 4 GB limit in 567 k inputs.
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  context.getDiagEngine().registerHandler(
      [](mlir::Diagnostic &) { return mlir::success(); });
  llvm::MemoryBufferRef buffer(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz");
  quantc::ONNXImportOptions options;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      quantc::importONNX(buffer, context, options);
  return 0;
}
