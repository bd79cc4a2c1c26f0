//===- QCAttrs.h - qc dialect attributes ------------------------*- C++ -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QC_IR_QCATTRS_H
#define QUANTC_DIALECT_QC_IR_QCATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"

#include "quantc/Dialect/QC/IR/QCEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "quantc/Dialect/QC/IR/QCAttrs.h.inc"

#endif // QUANTC_DIALECT_QC_IR_QCATTRS_H
