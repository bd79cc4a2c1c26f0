//===- InitAll.cpp - register quantc dialects and passes ------------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/InitAll.h"
#include "quantc/Conversion/Passes.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"
#include "quantc/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"

void quantc::registerAllDialects(mlir::DialectRegistry &registry) {
  registerLoweringDialects(registry);
}

void quantc::registerAllPasses() {
  qc::registerQCPasses();
  registerQuantCConversionPasses();
  registerQuantCTransformsPasses();
  registerQCPipelines();
}
