//===- ObjectTranslation.cpp - quant-translate --qc-to-object -------------===//
//
// Part of quantc. The object file alone (the C header comes with
// `quantc compile`).
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/Passes.h"
#include "quantc/Target/Object/ObjectEmitter.h"
#include "quantc/Target/Object/TargetSpec.h"

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
                   "aarch64-dotprod, aarch64-i8mm, nvptx-sm80 or nvptx-sm90 "
                   "(the host object launching the kernels); --qc-to-ptx: "
                   "nvptx-sm90 (default) or nvptx-sm80"),
    llvm::cl::init("host"));
} // namespace

/// Lowers `op` (a module) with `options`; the object goes to `object`
/// when given, the header nowhere (quantc compile writes it).
static LogicalResult lower(Operation *op, const quantc::ObjectOptions &options,
                           llvm::raw_ostream *object) {
  auto module = dyn_cast<ModuleOp>(op);
  if (!module)
    return op->emitError("expected a module");
  llvm::SmallVector<char> bytes;
  llvm::raw_svector_ostream objectStream(bytes);
  std::string header;
  llvm::raw_string_ostream headerStream(header);
  if (failed(
          quantc::emitObjectFile(module, options, objectStream, headerStream)))
    return failure();
  if (object)
    object->write(bytes.data(), bytes.size());
  return success();
}

void quantc::registerObjectTranslation() {
  auto registerDialects = [](DialectRegistry &registry) {
    registerLoweringDialects(registry);
    registerAllExtensions(registry);
  };
  TranslateFromMLIRRegistration object(
      "qc-to-object", "lower a module's qc @main to a relocatable object file",
      [](Operation *op, llvm::raw_ostream &output) -> LogicalResult {
        ObjectOptions options;
        options.target = objectTarget;
        return lower(op, options, &output);
      },
      registerDialects);
  TranslateFromMLIRRegistration ptx(
      "qc-to-ptx", "lower a module's qc @main to NVIDIA GPU kernels, as PTX",
      [](Operation *op, llvm::raw_ostream &output) -> LogicalResult {
        ObjectOptions options;
        options.target = objectTarget.getNumOccurrences()
                             ? objectTarget.getValue()
                             : std::string("nvptx-sm90");
        std::optional<TargetSpec> spec = lookupTarget(options.target);
        if (spec && !spec->gpu)
          return op->emitError("--qc-to-ptx needs a GPU target "
                               "(nvptx-sm80, nvptx-sm90), got '")
                 << options.target << "'";
        options.ptx = &output;
        return lower(op, options, /*object=*/nullptr);
      },
      registerDialects);
}
