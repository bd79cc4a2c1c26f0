//===- QCAttrs.td - qc dialect attributes ------------------*- tablegen -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QC_IR_QCATTRS_TD
#define QUANTC_DIALECT_QC_IR_QCATTRS_TD

include "quantc/Dialect/QC/IR/QCBase.td"
include "mlir/IR/EnumAttr.td"

def QC_GeluApproximation : I32EnumAttr<"GeluApproximation",
    "approximation used by qc.gelu", [
      I32EnumAttrCase<"none", 0>,
      I32EnumAttrCase<"tanh", 1>
    ]> {
  let cppNamespace = "::quantc::qc";
  let genSpecializedAttr = 0;
}

def QC_GeluApproximationAttr
    : EnumAttr<QC_Dialect, QC_GeluApproximation, "gelu_approximation"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // QUANTC_DIALECT_QC_IR_QCATTRS_TD
