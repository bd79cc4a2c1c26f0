//===- RunModelText.h - JIT-run a model written in a test -------*- C++ -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_UNITTESTS_RUNMODELTEXT_H
#define QUANTC_UNITTESTS_RUNMODELTEXT_H

#include "quantc/Driver/JitModel.h"

#include "mlir/Parser/Parser.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <vector>

namespace quantc {

/// Parses `model` (MLIR text) in `context`, compiles it in the JIT and runs
/// it once on `inputs`; an error names what failed.
inline llvm::Expected<std::vector<HostArray>>
runModelText(mlir::MLIRContext &context, llvm::StringRef model,
             llvm::ArrayRef<HostArray> inputs) {
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(model, &context);
  if (!module)
    return llvm::createStringError("the model does not parse:\n" + model.str());
  llvm::Expected<std::unique_ptr<JitModel>> jit =
      JitModel::compile(module.release());
  if (!jit)
    return jit.takeError();
  return (*jit)->run(inputs);
}

} // namespace quantc

#endif // QUANTC_UNITTESTS_RUNMODELTEXT_H
