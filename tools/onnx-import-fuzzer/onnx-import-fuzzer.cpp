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
  static mlir::MLIRContext *context = [] {
    auto *ctx = new mlir::MLIRContext(mlir::MLIRContext::Threading::DISABLED);
    ctx->getDiagEngine().registerHandler(
        [](mlir::Diagnostic &) { return mlir::success(); });
    return ctx;
  }();
  llvm::MemoryBufferRef buffer(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz");
  quantc::ONNXImportOptions options;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      quantc::importONNX(buffer, *context, options);
  return 0;
}
