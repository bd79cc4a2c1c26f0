//===- embed-opt.cpp - another compiler's tool, with quantc inside --------===//
//
// What an MLIR-based compiler writes to embed quantc: register its own
// dialects and passes (here all of upstream's) and quantc's, import an ONNX
// model with quantc's importer, run a quantc pipeline given as text, print the
// result.
//
//   embed-opt MODEL.onnx PIPELINE [NAME=DxD...]
//
//===----------------------------------------------------------------------===//

#include "quantc/InitAll.h"
#include "quantc/Target/ONNX/ONNXImporter.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  if (argc < 3) {
    llvm::errs() << "usage: embed-opt MODEL.onnx PIPELINE [NAME=DxD...]\n";
    return 2;
  }
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllPasses();
  quantc::registerAllDialects(registry);
  quantc::registerAllPasses();
  mlir::MLIRContext context(registry);

  quantc::ONNXImportOptions options;
  for (int i = 3; i < argc; ++i) {
    std::string error = quantc::parseInputShapeOption(argv[i], options);
    if (!error.empty()) {
      llvm::errs() << "embed-opt: " << error << "\n";
      return 1;
    }
  }
  mlir::OwningOpRef<mlir::ModuleOp> module =
      quantc::importONNXFile(argv[1], context, options);
  if (!module)
    return 1; // the importer reported why

  // "builtin.module(...)": the pass manager is anchored where the text says.
  mlir::FailureOr<mlir::OpPassManager> parsed =
      mlir::parsePassPipeline(argv[2], llvm::errs());
  if (mlir::failed(parsed))
    return 1;
  mlir::PassManager pm(&context, parsed->getOpAnchorName());
  static_cast<mlir::OpPassManager &>(pm) = *parsed;
  if (mlir::failed(pm.run(*module)))
    return 1;
  module->print(llvm::outs());
  llvm::outs() << "\n";
  return 0;
}
