//===- Dialect.cpp - the qc dialect and passes through MLIR's C API -------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc-c/Dialect.h"

#include "quantc/Dialect/QC/IR/QCDialect.h"
#include "quantc/InitAll.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Registration.h"
#include "mlir/CAPI/Support.h"

#include <mutex>

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(QC, qc, quantc::qc::QCDialect)

void quantcRegisterAllPasses(void) {
  // MLIR's registry asserts on a second registration of a name.
  static std::once_flag once;
  std::call_once(once, [] { quantc::registerAllPasses(); });
}

void quantcRegisterAllDialects(MlirDialectRegistry registry) {
  quantc::registerAllDialects(*unwrap(registry));
}

MlirStringRef quantcLayerPrecisionAttrName(void) {
  return mlirStringRefCreateFromCString("qc.precision");
}

bool quantcAttributeIsALayerPrecision(MlirAttribute attr) {
  return llvm::isa<quantc::qc::LayerPrecisionAttr>(unwrap(attr));
}

MlirAttribute quantcLayerPrecisionAttrGet(MlirContext context,
                                          MlirStringRef text) {
  std::string error;
  return wrap(quantc::qc::LayerPrecisionAttr::parse(unwrap(context),
                                                    unwrap(text), error));
}

void quantcLayerPrecisionAttrGetText(MlirAttribute attr,
                                     MlirStringCallback callback,
                                     void *userData) {
  std::string text =
      llvm::cast<quantc::qc::LayerPrecisionAttr>(unwrap(attr)).str();
  callback(mlirStringRefCreate(text.data(), text.size()), userData);
}
