//===- Import.cpp - the import stage --------------------------------------===//
//
// Part of quantc. A model is an ONNX file or qc IR; its inputs need static
// shapes before anything runs, given or read from a sample.
//
//===----------------------------------------------------------------------===//

#include "quantc/Compiler/Compiler.h"
#include "quantc/Dialect/QC/IR/QCShapeInference.h"

#include "DiagnosticCapture.h"

#include "quantc/Conversion/Passes.h"
#include "quantc/Driver/HostArray.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"

using namespace quantc;

static llvm::Error stageError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::unique_ptr<mlir::MLIRContext> quantc::createCompilerContext() {
  mlir::DialectRegistry registry;
  registerLoweringDialects(registry);
  // convert-to-llvm finds each dialect's patterns through these.
  mlir::registerAllExtensions(registry);
  return std::make_unique<mlir::MLIRContext>(registry);
}

llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
quantc::importModel(mlir::MLIRContext &context, const ModelOptions &options) {
  DiagnosticCapture diagnostics(context);
  llvm::StringRef path = options.path;
  if (!path.ends_with(".mlir")) {
    mlir::OwningOpRef<mlir::ModuleOp> module =
        importONNXFile(path, context, options.onnx);
    if (!module)
      return diagnostics.takeError("cannot import '" + path.str() + "'");
    return module;
  }
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(path, &context);
  if (!module)
    return diagnostics.takeError("cannot parse '" + path.str() + "'");
  // IR with one function and no @main: that function is the model.
  auto funcs = module->getOps<mlir::func::FuncOp>();
  if (!module->lookupSymbol("main") &&
      std::distance(funcs.begin(), funcs.end()) == 1)
    (*funcs.begin()).setSymName("main");
  // IR has its shapes: --input-shape may only restate a static one.
  auto main = module->lookupSymbol<mlir::func::FuncOp>("main");
  for (const auto &entry : options.onnx.inputShapes) {
    std::optional<unsigned> argument;
    for (unsigned i = 0; main && i < main.getNumArguments(); ++i)
      if (inputName(*module, i) == entry.getKey())
        argument = i;
    if (!argument)
      return llvm::createStringError("--input-shape names '" +
                                     entry.getKey().str() +
                                     "', which is not an input of the model");
    auto type = llvm::dyn_cast<mlir::RankedTensorType>(
        main.getArgumentTypes()[*argument]);
    if (type && type.hasStaticShape() &&
        type.getShape() != llvm::ArrayRef<int64_t>(entry.getValue()))
      return llvm::createStringError("--input-shape " + entry.getKey().str() +
                                     "=" + qc::formatShape(entry.getValue()) +
                                     ": the model's input is " +
                                     qc::formatShape(type.getShape()));
  }
  return module;
}

llvm::Error quantc::inferInputShape(llvm::StringRef inputName,
                                    llvm::StringRef sample,
                                    ModelOptions &options) {
  if (inputName.empty() || options.onnx.inputShapes.count(inputName) ||
      isImageFile(sample))
    return llvm::Error::success();
  llvm::Expected<HostArray> array = readTensorFile(sample);
  if (!array)
    return array.takeError();
  options.onnx.inputShapes[inputName] =
      llvm::SmallVector<int64_t>(array->shape.begin(), array->shape.end());
  return llvm::Error::success();
}

std::string quantc::inputName(mlir::ModuleOp module, unsigned index) {
  auto main = module.lookupSymbol<mlir::func::FuncOp>("main");
  auto name = main ? main.getArgAttrOfType<mlir::StringAttr>(index, "onnx.name")
                   : nullptr;
  return name ? name.str() : "input" + std::to_string(index);
}

llvm::Error quantc::requireStaticInputs(mlir::ModuleOp module) {
  auto main = module.lookupSymbol<mlir::func::FuncOp>("main");
  if (!main)
    return stageError("the model has no @main");
  for (auto [index, type] : llvm::enumerate(main.getArgumentTypes())) {
    auto ranked = llvm::dyn_cast<mlir::RankedTensorType>(type);
    if (!ranked || !ranked.hasStaticShape()) {
      std::string name = inputName(module, index);
      return stageError("model input '" + name +
                        "' has a dynamic shape; give it with --input-shape " +
                        name + "=DxDx...");
    }
  }
  return llvm::Error::success();
}
