/*===- quantc-c/Dialect.h - the qc dialect and passes, from C ----*- C -*-===*\
|*                                                                            *|
|* Part of quantc. For MLIR compilers that embed quantc through MLIR's C API: *|
|* the qc dialect's handle, its passes, and the accessors of the attribute   *|
|* an embedder sets or reads on a layer (its precision).                      *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef QUANTC_C_DIALECT_H
#define QUANTC_C_DIALECT_H

#include "mlir-c/IR.h"
#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

/* mlirGetDialectHandle__qc__(): register or load the qc dialect with
   mlirDialectHandleRegisterDialect / mlirDialectHandleLoadDialect. */
MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(QC, qc);

/* Registers every qc pass (qc-insert-observers, qc-quantize, ...) and the
   lowering passes with MLIR's global registry, so that
   mlirParsePassPipeline accepts their names. Safe to call more than once. */
MLIR_CAPI_EXPORTED void quantcRegisterAllPasses(void);

/* Registers every dialect a qc module and its lowering use (qc, func, arith,
   linalg, quant, ...) and their interfaces with `registry`. */
MLIR_CAPI_EXPORTED void quantcRegisterAllDialects(MlirDialectRegistry registry);

/* The discardable attribute naming a layer's weight precision,
   "qc.precision" (the layer keeps it through qc-quantize). */
MLIR_CAPI_EXPORTED MlirStringRef quantcLayerPrecisionAttrName(void);

/* Whether `attr` is a #qc.precision attribute. */
MLIR_CAPI_EXPORTED bool quantcAttributeIsALayerPrecision(MlirAttribute attr);

/* A #qc.precision from its text form ("float", "int8", "int4", "int4-g32",
   "int4-g32-gptq", "ternary-absmean", "ternary-twn"); a null attribute
   when the text is invalid (mlirAttributeIsNull). The qc dialect must be
   loaded in `context`. */
MLIR_CAPI_EXPORTED MlirAttribute
quantcLayerPrecisionAttrGet(MlirContext context, MlirStringRef text);

/* The text form of a #qc.precision, passed to `callback` once. */
MLIR_CAPI_EXPORTED void
quantcLayerPrecisionAttrGetText(MlirAttribute attr, MlirStringCallback callback,
                                void *userData);

#ifdef __cplusplus
}
#endif

#endif /* QUANTC_C_DIALECT_H */
