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

def QC_ResizeMode : I32EnumAttr<"ResizeMode", "interpolation of qc.resize", [
      I32EnumAttrCase<"nearest", 0>,
      I32EnumAttrCase<"linear", 1>
    ]> {
  let cppNamespace = "::quantc::qc";
  let genSpecializedAttr = 0;
}
def QC_ResizeModeAttr : EnumAttr<QC_Dialect, QC_ResizeMode, "resize_mode"> {
  let assemblyFormat = "`<` $value `>`";
}

def QC_CoordinateTransform : I32EnumAttr<"CoordinateTransform",
    "how qc.resize maps output coordinates to input coordinates", [
      I32EnumAttrCase<"half_pixel", 0>,
      I32EnumAttrCase<"pytorch_half_pixel", 1>,
      I32EnumAttrCase<"align_corners", 2>,
      I32EnumAttrCase<"asymmetric", 3>
    ]> {
  let cppNamespace = "::quantc::qc";
  let genSpecializedAttr = 0;
}
def QC_CoordinateTransformAttr
    : EnumAttr<QC_Dialect, QC_CoordinateTransform, "coordinate_transform"> {
  let assemblyFormat = "`<` $value `>`";
}

def QC_NearestRounding : I32EnumAttr<"NearestRounding",
    "rounding of the source coordinate in nearest-neighbour qc.resize", [
      I32EnumAttrCase<"round_prefer_floor", 0>,
      I32EnumAttrCase<"round_prefer_ceil", 1>,
      I32EnumAttrCase<"floor", 2>,
      I32EnumAttrCase<"ceil", 3>
    ]> {
  let cppNamespace = "::quantc::qc";
  let genSpecializedAttr = 0;
}
def QC_NearestRoundingAttr
    : EnumAttr<QC_Dialect, QC_NearestRounding, "nearest_rounding"> {
  let assemblyFormat = "`<` $value `>`";
}

def QC_PadMode : I32EnumAttr<"PadMode", "how qc.pad fills the border", [
      I32EnumAttrCase<"constant", 0>,
      I32EnumAttrCase<"reflect", 1>,
      I32EnumAttrCase<"edge", 2>
    ]> {
  let cppNamespace = "::quantc::qc";
  let genSpecializedAttr = 0;
}
def QC_PadModeAttr : EnumAttr<QC_Dialect, QC_PadMode, "pad_mode"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // QUANTC_DIALECT_QC_IR_QCATTRS_TD
