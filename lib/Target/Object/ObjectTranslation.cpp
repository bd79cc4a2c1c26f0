//===- ObjectTranslation.cpp - quant-translate --qc-to-object -------------===//
//
// Part of quantc. The object file alone (the C header comes with
// `quantc compile`).
//
//===----------------------------------------------------------------------===//

#include "quantc/InitAll.h"
#include "quantc/Target/Object/ObjectEmitter.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"

using namespace mlir;

namespace {
llvm::cl::opt<std::string> objectTarget(
    "object-target",
    llvm::cl::desc("--qc-to-object target: host (default), native, x86_64, "
                   "x86_64-avx2, x86_64-avx512vnni, x86_64-amx, aarch64, "
                   "aarch64-dotprod or aarch64-i8mm"),
    llvm::cl::init("host"));
} // namespace

void quantc::registerObjectTranslation() {
  TranslateFromMLIRRegistration registration(
      "qc-to-object",
      "lower a module's float qc @main to a relocatable object file",
      [](Operation *op, llvm::raw_ostream &output) -> LogicalResult {
        auto module = dyn_cast<ModuleOp>(op);
        if (!module)
          return op->emitError("expected a module");
        ObjectOptions options;
        options.target = objectTarget;
        llvm::SmallVector<char> object;
        llvm::raw_svector_ostream objectStream(object);
        std::string header;
        llvm::raw_string_ostream headerStream(header);
        if (failed(emitObjectFile(module, options, objectStream, headerStream)))
          return failure();
        output.write(object.data(), object.size());
        return success();
      },
      [](DialectRegistry &registry) {
        registerAllDialects(registry);
        registerAllExtensions(registry);
      });
}
