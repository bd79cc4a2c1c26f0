//===- ImportTranslation.cpp - quant-translate --import-onnx --------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QC/IR/QCDialect.h"
#include "quantc/Target/ONNX/ONNXImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

namespace {
llvm::cl::list<std::string> inputShapes(
    "input-shape",
    llvm::cl::desc("static shape for a model input, e.g. x=1x3x224x224 "
                   "(? or -1 keeps a dimension dynamic); repeatable"),
    llvm::cl::value_desc("name=DxD..."));
llvm::cl::list<std::string> boundInputs(
    "bind-input",
    llvm::cl::desc("fix a model input to literal values at import, e.g. "
                   "shape=1,-1 (it becomes a constant); repeatable"),
    llvm::cl::value_desc("name=v1,v2,..."));
} // namespace

void quantc::registerONNXImportTranslation() {
  TranslateToMLIRRegistration registration(
      "import-onnx", "import an ONNX model into the qc dialect",
      [](llvm::SourceMgr &sourceMgr, MLIRContext *context)
          -> OwningOpRef<Operation *> {
        ONNXImportOptions options;
        for (const std::string &text : inputShapes) {
          std::string error = parseInputShapeOption(text, options);
          if (!error.empty()) {
            emitError(UnknownLoc::get(context)) << error;
            return {};
          }
        }
        for (const std::string &text : boundInputs) {
          std::string error = parseBindInputOption(text, options);
          if (!error.empty()) {
            emitError(UnknownLoc::get(context)) << error;
            return {};
          }
        }
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        // A file named on the command line resolves external data in its
        // folder; standard input (-) has none.
        llvm::StringRef name = buffer->getBufferIdentifier();
        if (name != "<stdin>") {
          llvm::SmallString<256> dir(name);
          llvm::sys::path::remove_filename(dir);
          options.modelDirectory = dir.empty() ? "." : std::string(dir);
        }
        return importONNX(buffer->getMemBufferRef(), *context, options);
      },
      [](DialectRegistry &registry) {
        registry.insert<qc::QCDialect, func::FuncDialect,
                        quant::QuantDialect>();
      });
}
