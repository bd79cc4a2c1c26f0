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

def QC_ComparePredicate : I32EnumAttr<"ComparePredicate",
    "the comparison qc.compare makes", [
      I32EnumAttrCase<"eq", 0>,
      I32EnumAttrCase<"lt", 1>,
      I32EnumAttrCase<"le", 2>,
      I32EnumAttrCase<"gt", 3>,
      I32EnumAttrCase<"ge", 4>
    ]> {
  let cppNamespace = "::quantc::qc";
  let genSpecializedAttr = 0;
}

def QC_ComparePredicateAttr
    : EnumAttr<QC_Dialect, QC_ComparePredicate, "compare_predicate"> {
  let assemblyFormat = "`<` $value `>`";
}

def QC_ResizeMode : I32EnumAttr<"ResizeMode", "interpolation of qc.resize", [
      I32EnumAttrCase<"nearest", 0>,
      I32EnumAttrCase<"linear", 1>,
      I32EnumAttrCase<"cubic", 2>
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

//===----------------------------------------------------------------------===//
// Generated GEMM kernels
//===----------------------------------------------------------------------===//

def QC_GemmWeightFormat : I32EnumAttr<"GemmWeightFormat",
    "how a generated GEMM kernel takes its weights", [
      I32EnumAttrCase<"int8", 0>,
      I32EnumAttrCase<"int4", 1>,
      I32EnumAttrCase<"ternary", 2>
    ]> {
  let cppNamespace = "::quantc::qc";
  let genSpecializedAttr = 0;
}

def QC_GemmIsa : I32EnumAttr<"GemmIsa",
    "the dot-product instructions of a generated GEMM kernel", [
      I32EnumAttrCase<"avx512vnni", 0>,
      I32EnumAttrCase<"avx2", 1>,
      I32EnumAttrCase<"neon_dot", 2>,
      I32EnumAttrCase<"neon_i8mm", 3>,
      I32EnumAttrCase<"amx", 4>
    ]> {
  let cppNamespace = "::quantc::qc";
  let genSpecializedAttr = 0;
}

def QC_GemmKernelAttr : AttrDef<QC_Dialect, "GemmKernel"> {
  let mnemonic = "gemm_kernel";
  let summary = "format, ISA and shape of a generated low-bit GEMM kernel";
  let description = [{
    Names the kernel `qc-define-gemm-kernels` builds for a declaration that
    `qc-select-gemm-kernels` made: C[M][N] = A[M][K] (u8) x W[K][N] with W
    in `format` (int8; int4 with one f32 scale per `group` rows of K;
    ternary 2-bit codes), for `isa`, with W packed in panels of `panel`
    columns (64 when not given; AVX-512 VNNI kernels also take 16, 32 and
    48, so that narrow layers are not padded to 64 columns). N and K are
    padded to the kernel's blocks. An unknown format or ISA does not
    parse; a shape that does not fit the format or the panel is a
    verifier error.

    ```mlir
    func.func private @quantc_gemm_u8s8_2x64x4(memref<2x4xi8>, memref<1x1x256xi8>, memref<2x64xi32>)
        attributes {qc.gemm_kernel_spec = #qc.gemm_kernel<format = int8, isa = avx512vnni, m = 2, n = 64, k = 4, group = 0>}
    ```
  }];
  let parameters = (ins EnumParameter<QC_GemmWeightFormat>:$format,
      EnumParameter<QC_GemmIsa>:$isa, "int64_t":$m, "int64_t":$n,
      "int64_t":$k, "int64_t":$group,
      DefaultValuedParameter<"int64_t", "64">:$panel);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

//===----------------------------------------------------------------------===//
// Per-layer precision (mixed precision)
//===----------------------------------------------------------------------===//

def QC_WeightPrecision : I32EnumAttr<"WeightPrecision",
    "how qc-quantize stores one layer's weights", [
      I32EnumAttrCase<"Float", 0, "float">,
      I32EnumAttrCase<"Int8", 1, "int8">,
      I32EnumAttrCase<"Int4", 2, "int4">,
      I32EnumAttrCase<"TernaryAbsMean", 3, "ternary_absmean">,
      I32EnumAttrCase<"TernaryTwn", 4, "ternary_twn">
    ]> {
  let cppNamespace = "::quantc::qc";
  let genSpecializedAttr = 0;
}

def QC_LayerPrecisionAttr : AttrDef<QC_Dialect, "LayerPrecision"> {
  let mnemonic = "precision";
  let summary = "the precision one quantizable layer's weights take";
  let description = [{
    Set on a layer (`qc.precision`) by `qc-assign-precision` or the mixed
    precision search, and honoured by `qc-quantize` over its own `weights`,
    `group` and `gptq` options: `float` keeps the layer float; `int4` may
    have one scale per `group` inputs (a positive multiple of 8) and GPTQ
    rounding. Its text form, as assignments and reports write it, is
    `float`, `int8`, `int4`, `int4-g32`, `int4-g32-gptq`, `ternary-absmean`
    or `ternary-twn`.

    ```mlir
    %y = qc.matmul %x, %w {qc.precision = #qc.precision<format = int4, group = 32, gptq = true>} : ...
    ```
  }];
  let parameters = (ins EnumParameter<QC_WeightPrecision>:$format,
      DefaultValuedParameter<"int64_t", "0">:$group,
      DefaultValuedParameter<"bool", "false">:$gptq);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The text form ("int4-g32-gptq").
    std::string str() const;
    /// Parses the text form; nullptr (and `error` says why) when invalid.
    static LayerPrecisionAttr parse(::mlir::MLIRContext *context,
                                    ::llvm::StringRef text,
                                    std::string &error);
  }];
}

#endif // QUANTC_DIALECT_QC_IR_QCATTRS_TD
