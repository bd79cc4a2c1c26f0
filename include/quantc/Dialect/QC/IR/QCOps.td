//===- QCOps.td - qc dialect operations --------------------*- tablegen -*-===//
//
// Part of quantc. Ops follow ONNX semantics: NCHW layout, ONNX
// multidirectional (numpy) broadcasting, negative axes counted from the end.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QC_IR_QCOPS_TD
#define QUANTC_DIALECT_QC_IR_QCOPS_TD

include "quantc/Dialect/QC/IR/QCBase.td"
include "quantc/Dialect/QC/IR/QCAttrs.td"
include "quantc/Dialect/QC/IR/QCInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class QC_Op<string mnemonic, list<Trait> traits = []>
    : Op<QC_Dialect, mnemonic, traits>;

/// Result shape is the ONNX broadcast of the operand shapes and all element
/// types agree; checked in C++ (QCTraits.h).
def QC_BroadcastingElementwise : NativeOpTrait<"BroadcastingElementwise"> {
  let cppNamespace = "::quantc::qc::OpTrait";
}

/// A value-wise map of operand 0 (QCTraits.h).
def QC_Activation : NativeOpTrait<"Activation"> {
  let cppNamespace = "::quantc::qc::OpTrait";
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def QC_ConstantOp : QC_Op<"constant",
    [ConstantLike, Pure, AllTypesMatch<["value", "result"]>]> {
  let summary = "tensor constant (weights are `dense_resource` blobs)";
  let description = [{
    A constant tensor. Model weights are imported as `dense_resource` blobs
    so that large tensors are never materialized as `DenseElementsAttr`
    literals; small constants (shapes, scalars) may use `dense`.

    ```mlir
    %w = qc.constant dense_resource<conv1_w> : tensor<16x3x3x3xf32>
    %s = qc.constant dense<[1, 64]> : tensor<2xi64>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise binary ops with ONNX broadcasting
//===----------------------------------------------------------------------===//

/// Declares the ONNX operator an op is (QC_ONNXElementwiseOpInterface).
class QC_ONNXName<string onnxName, int onnxOpset> {
  code onnxDeclaration = [{
    static ::llvm::StringRef getONNXOpType() { return "}] # onnxName # [{"; }
    static int64_t getONNXOpset() { return }] # onnxOpset # [{; }
  }];
}

class QC_BinaryOp<string mnemonic, string onnxName, list<Trait> traits = [],
                  int onnxOpset = 7>
    : QC_Op<mnemonic, !listconcat(traits, [Pure, QC_BroadcastingElementwise,
                                           QC_ONNXElementwiseOpInterface])>,
      QC_ONNXName<onnxName, onnxOpset> {
  let summary = "elementwise " # onnxName # " with ONNX broadcasting";
  let description = [{
    Elementwise `}] # onnxName # [{` of two tensors. Operand shapes are
    broadcast with ONNX multidirectional (numpy) rules; the result shape
    must equal the broadcast shape. A dynamic dimension is compatible with
    any extent.
  }];
  let arguments = (ins QC_NumericTensor:$lhs, QC_NumericTensor:$rhs);
  let results = (outs QC_NumericTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasFolder = 1;
  let extraClassDeclaration = onnxDeclaration;
}

def QC_AddOp : QC_BinaryOp<"add", "Add", [Commutative]>;
def QC_SubOp : QC_BinaryOp<"sub", "Sub">;
def QC_MulOp : QC_BinaryOp<"mul", "Mul", [Commutative]>;
def QC_DivOp : QC_BinaryOp<"div", "Div">;
def QC_PowOp : QC_BinaryOp<"pow", "Pow">;
// The variadic ONNX Max / Min import as chains of these.
def QC_MaxOp : QC_BinaryOp<"max", "Max", [Commutative], 8>;
def QC_MinOp : QC_BinaryOp<"min", "Min", [Commutative], 8>;

def QC_ModOp : QC_Op<"mod", [Pure, QC_BroadcastingElementwise]> {
  let summary = "remainder with ONNX broadcasting (ONNX Mod)";
  let description = [{
    The remainder of `lhs / rhs` elementwise. With `fmod` (required for
    floats) it has the sign of `lhs`, as C's fmod; without, the sign of
    `rhs`, as Python's %. Integers are signed unless `is_unsigned`.

    ```mlir
    %r = qc.mod %a, %b : tensor<6xi32>, tensor<6xi32> -> tensor<6xi32>
    ```
  }];
  let arguments = (ins QC_NumericTensor:$lhs, QC_NumericTensor:$rhs,
      UnitAttr:$fmod, UnitAttr:$is_unsigned);
  let results = (outs QC_NumericTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
}

def QC_PReluOp : QC_Op<"prelu", [Pure, QC_BroadcastingElementwise,
                                 QC_Activation,
                                 QC_ONNXElementwiseOpInterface]>,
                 QC_ONNXName<"PRelu", 9> {
  let summary = "leaky rectifier with a learned slope (ONNX PRelu)";
  let description = [{
    `x < 0 ? slope * x : x` elementwise. `slope` broadcasts to `input`
    (ONNX unidirectional broadcasting: the result has the input's shape).

    ```mlir
    %y = qc.prelu %x, %slope : tensor<1x8x4x4xf32>, tensor<8x1x1xf32> -> tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, QC_FloatTensor:$slope);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $slope attr-dict `:` type($input) `,` type($slope) `->` type($result)
  }];
  let extraClassDeclaration = onnxDeclaration;
}

// Logical operations on i1 (ONNX bool) tensors.
def QC_AndOp : QC_BinaryOp<"and", "And", [Commutative]>;
def QC_OrOp : QC_BinaryOp<"or", "Or", [Commutative]>;
def QC_XorOp : QC_BinaryOp<"xor", "Xor", [Commutative]>;

def QC_NotOp : QC_Op<"not", [Pure, SameOperandsAndResultType, Involution,
                             QC_ONNXElementwiseOpInterface]>,
               QC_ONNXName<"Not", 1> {
  let summary = "logical negation (ONNX Not)";
  let description = "Negates every element of an i1 (ONNX bool) tensor.";
  let arguments = (ins RankedTensorOf<[I1]>:$input);
  let results = (outs RankedTensorOf<[I1]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let extraClassDeclaration = onnxDeclaration;
}

def QC_CompareOp : QC_Op<"compare", [Pure]> {
  let summary = "elementwise comparison with ONNX broadcasting";
  let description = [{
    Compares two tensors of one element type elementwise into an i1 (ONNX
    bool) tensor: ONNX Equal, Less, LessOrEqual, Greater and
    GreaterOrEqual. Operand shapes broadcast with ONNX (numpy) rules.
    Floats compare ordered (a NaN is equal, less and greater than
    nothing); integers compare signed unless `is_unsigned` (MLIR's integer
    types are signless, ONNX's uint types are not).

    ```mlir
    %m = qc.compare <eq> %a, %b : tensor<1x8xf32>, tensor<1x8xf32> -> tensor<1x8xi1>
    %n = qc.compare <lt> %i, %j {is_unsigned} : tensor<4xi8>, tensor<4xi8> -> tensor<4xi1>
    ```
  }];
  let arguments = (ins QC_ComparePredicateAttr:$predicate,
      QC_NumericTensor:$lhs, QC_NumericTensor:$rhs, UnitAttr:$is_unsigned);
  let results = (outs RankedTensorOf<[I1]>:$result);
  let assemblyFormat = [{
    $predicate $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasVerifier = 1;
}

def QC_WhereOp : QC_Op<"where", [Pure, QC_ONNXElementwiseOpInterface]>,
                 QC_ONNXName<"Where", 9> {
  let summary = "elementwise selection (ONNX Where)";
  let description = [{
    `condition ? x : y` elementwise; the three operands broadcast with ONNX
    (numpy) rules to the result, whose element type is that of `x` and `y`.

    ```mlir
    %r = qc.where %c, %x, %y : tensor<4x1xi1>, tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I1]>:$condition, QC_NumericTensor:$x,
      QC_NumericTensor:$y);
  let results = (outs QC_NumericTensor:$result);
  let assemblyFormat = [{
    $condition `,` $x `,` $y attr-dict `:` type($condition) `,` type($x) `,` type($y) `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = onnxDeclaration;
}

def QC_CastOp : QC_Op<"cast", [Pure, SameOperandsAndResultShape]> {
  let summary = "element type conversion (ONNX Cast)";
  let description = [{
    Converts every element to the result's element type: floats round to
    nearest, floats to integers truncate toward zero (ONNX leaves values
    out of range undefined), integers widen or wrap, and i1 (bool) is 0 or
    1; to i1, anything non-zero is true. `input_unsigned` and
    `result_unsigned` say which integers are ONNX uint types.

    ```mlir
    %f = qc.cast %mask : tensor<1x8xi1> -> tensor<1x8xf32>
    %i = qc.cast %x {result_unsigned} : tensor<4xf32> -> tensor<4xi8>
    ```
  }];
  let arguments = (ins QC_NumericTensor:$input, UnitAttr:$input_unsigned,
      UnitAttr:$result_unsigned);
  let results = (outs QC_NumericTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise unary ops
//===----------------------------------------------------------------------===//

/// A unary float activation that is the ONNX operator `onnxName`.
class QC_ActivationOp<string mnemonic, string onnxName, int onnxOpset,
                      list<Trait> traits = []>
    : QC_Op<mnemonic, !listconcat(traits, [Pure, SameOperandsAndResultType,
                                           QC_Activation,
                                           QC_ONNXElementwiseOpInterface])>,
      QC_ONNXName<onnxName, onnxOpset> {
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let extraClassDeclaration = onnxDeclaration;
}

class QC_UnaryOp<string mnemonic, string onnxName, string formula,
                 list<Trait> traits = [], int onnxOpset = 6>
    : QC_ActivationOp<mnemonic, onnxName, onnxOpset, traits> {
  let summary = "elementwise " # onnxName;
  let description = "Computes `" # formula # "` elementwise (ONNX " #
                    onnxName # ").";
  let arguments = (ins QC_FloatTensor:$input);
}

def QC_ReluOp : QC_UnaryOp<"relu", "Relu", "max(x, 0)", [Idempotent]>;
def QC_SigmoidOp : QC_UnaryOp<"sigmoid", "Sigmoid", "1 / (1 + exp(-x))">;
def QC_TanhOp : QC_UnaryOp<"tanh", "Tanh", "tanh(x)">;
def QC_SqrtOp : QC_UnaryOp<"sqrt", "Sqrt", "sqrt(x)">;
def QC_ErfOp : QC_UnaryOp<"erf", "Erf", "erf(x)", [], 9>;
def QC_ExpOp : QC_UnaryOp<"exp", "Exp", "exp(x)">;
def QC_LogOp : QC_UnaryOp<"log", "Log", "ln(x)">;
def QC_NegOp : QC_UnaryOp<"neg", "Neg", "-x", [Involution]>;
def QC_AbsOp : QC_UnaryOp<"abs", "Abs", "|x|", [Idempotent]>;
def QC_SignOp : QC_UnaryOp<"sign", "Sign", "1, 0 or -1 by the sign of x (NaN stays NaN)", [Idempotent], 9>;
def QC_ReciprocalOp : QC_UnaryOp<"reciprocal", "Reciprocal", "1 / x">;
def QC_FloorOp : QC_UnaryOp<"floor", "Floor", "floor(x)", [Idempotent]>;
def QC_CeilOp : QC_UnaryOp<"ceil", "Ceil", "ceil(x)", [Idempotent]>;
def QC_RoundOp : QC_UnaryOp<"round", "Round", "x rounded to the nearest integer, halves to even", [Idempotent], 11>;
def QC_SinOp : QC_UnaryOp<"sin", "Sin", "sin(x)", [], 7>;
def QC_CosOp : QC_UnaryOp<"cos", "Cos", "cos(x)", [], 7>;
def QC_TanOp : QC_UnaryOp<"tan", "Tan", "tan(x)", [], 7>;
def QC_AsinOp : QC_UnaryOp<"asin", "Asin", "asin(x)", [], 7>;
def QC_AcosOp : QC_UnaryOp<"acos", "Acos", "acos(x)", [], 7>;
def QC_AtanOp : QC_UnaryOp<"atan", "Atan", "atan(x)", [], 7>;
def QC_SinhOp : QC_UnaryOp<"sinh", "Sinh", "sinh(x)", [], 9>;
def QC_CoshOp : QC_UnaryOp<"cosh", "Cosh", "cosh(x)", [], 9>;
def QC_AsinhOp : QC_UnaryOp<"asinh", "Asinh", "asinh(x)", [], 9>;
def QC_AcoshOp : QC_UnaryOp<"acosh", "Acosh", "acosh(x)", [], 9>;
def QC_AtanhOp : QC_UnaryOp<"atanh", "Atanh", "atanh(x)", [], 9>;
def QC_SoftplusOp : QC_UnaryOp<"softplus", "Softplus", "ln(1 + exp(x))">;
def QC_SoftsignOp : QC_UnaryOp<"softsign", "Softsign", "x / (1 + |x|)">;
def QC_MishOp : QC_UnaryOp<"mish", "Mish", "x * tanh(ln(1 + exp(x)))", [], 18>;
def QC_HardSwishOp : QC_UnaryOp<"hard_swish", "HardSwish", "x * max(0, min(1, x / 6 + 1 / 2))", [], 14>;

/// An activation with one parameter `alpha` (ONNX's name and default).
class QC_AlphaActivationOp<string mnemonic, string onnxName, string formula,
                           string alphaDefault, int onnxOpset = 6>
    : QC_ActivationOp<mnemonic, onnxName, onnxOpset> {
  let summary = "elementwise " # onnxName;
  let description = "Computes `" # formula # "` elementwise (ONNX " #
                    onnxName # ", `alpha` defaults to " # alphaDefault # ").";
  let arguments = (ins QC_FloatTensor:$input,
      DefaultValuedAttr<F32Attr, alphaDefault # "f">:$alpha);
}

def QC_LeakyReluOp : QC_AlphaActivationOp<"leaky_relu", "LeakyRelu",
    "x < 0 ? alpha * x : x", "0.01">;
def QC_EluOp : QC_AlphaActivationOp<"elu", "Elu",
    "x < 0 ? alpha * (exp(x) - 1) : x", "1.0">;
def QC_CeluOp : QC_AlphaActivationOp<"celu", "Celu",
    "max(0, x) + min(0, alpha * (exp(x / alpha) - 1))", "1.0", 12>;
def QC_ThresholdedReluOp : QC_AlphaActivationOp<"thresholded_relu",
    "ThresholdedRelu", "x > alpha ? x : 0", "1.0", 10>;

def QC_SeluOp : QC_ActivationOp<"selu", "Selu", 6> {
  let summary = "scaled exponential linear unit (ONNX Selu)";
  let description = [{
    `gamma * (x <= 0 ? alpha * (exp(x) - 1) : x)` elementwise, with ONNX's
    defaults alpha = 1.67326319217681884765625 and
    gamma = 1.05070102214813232421875.
  }];
  let arguments = (ins QC_FloatTensor:$input,
      DefaultValuedAttr<F32Attr, "1.67326319217681884765625f">:$alpha,
      DefaultValuedAttr<F32Attr, "1.05070102214813232421875f">:$gamma);
}

def QC_GeluOp : QC_Op<"gelu", [Pure, SameOperandsAndResultType,
                                   QC_Activation]> {
  let summary = "Gaussian error linear unit";
  let description = [{
    `x * 0.5 * (1 + erf(x / sqrt(2)))`, or with `approximate = tanh`,
    `0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))`
    (ONNX Gelu, opset 20).

    ```mlir
    %y = qc.gelu %x approximate<tanh> : tensor<1x64xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input,
      DefaultValuedAttr<QC_GeluApproximationAttr,
                        "::quantc::qc::GeluApproximation::none">:$approximate);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`approximate` `` $approximate^)? attr-dict `:` type($input)
  }];
}

def QC_HardSigmoidOp : QC_ActivationOp<"hard_sigmoid", "HardSigmoid", 6> {
  let summary = "hard sigmoid";
  let description = [{
    `max(0, min(1, alpha * x + beta))` elementwise (ONNX HardSigmoid).
  }];
  let arguments = (ins QC_FloatTensor:$input,
      DefaultValuedAttr<F32Attr, "0.2f">:$alpha,
      DefaultValuedAttr<F32Attr, "0.5f">:$beta);
}

def QC_ClipOp : QC_Op<"clip", [Pure, SameOperandsAndResultType,
                                   QC_Activation]> {
  let summary = "clamp to [min, max]";
  let description = [{
    Clamps every element to `[min, max]`; an absent bound is unbounded
    (ONNX Clip; the importer turns constant `min`/`max` inputs into these
    attributes). A clip without bounds folds away.

    ```mlir
    %y = qc.clip %x {min = 0.0 : f32, max = 6.0 : f32} : tensor<1x8xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input,
      OptionalAttr<F32Attr>:$min, OptionalAttr<F32Attr>:$max);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Linear algebra, convolution and normalization
//===----------------------------------------------------------------------===//

def QC_MatMulOp : QC_Op<"matmul",
    [Pure, DeclareOpInterfaceMethods<QC_QuantizableOpInterface>]> {
  let summary = "matrix product with numpy semantics (ONNX MatMul)";
  let description = [{
    Batched matrix product. A rank-1 `lhs` is promoted to `1xK` and a
    rank-1 `rhs` to `Kx1` (the promoted dimension is removed from the
    result); batch dimensions broadcast.

    ```mlir
    %y = qc.matmul %a, %b : tensor<2x8x16xf32>, tensor<16x4xf32> -> tensor<2x8x4xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$lhs, QC_FloatTensor:$rhs);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasVerifier = 1;
}

def QC_GemmOp : QC_Op<"gemm",
    [Pure, DeclareOpInterfaceMethods<QC_QuantizableOpInterface>]> {
  let summary = "general matrix multiply (ONNX Gemm)";
  let description = [{
    `alpha * op(A) * op(B) + beta * C`, where `op` transposes when
    `trans_a` / `trans_b` is set. `A` and `B` are rank 2; the optional `C`
    broadcasts unidirectionally to the `MxN` result.

    ```mlir
    %y = qc.gemm %a, %b, %c {trans_b} : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<1x10xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$a, QC_FloatTensor:$b,
      Optional<QC_FloatTensor>:$c,
      DefaultValuedAttr<F32Attr, "1.0f">:$alpha,
      DefaultValuedAttr<F32Attr, "1.0f">:$beta,
      UnitAttr:$trans_a, UnitAttr:$trans_b);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = [{
    $a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

// Shared by the float and quantized convolutions.
defvar QC_ConvWindowDecl = [{
    /// Whether the window moves one element at a time over an unpadded
    /// input: with a 1x1 kernel and one group, a matmul over channels.
    bool hasUnitStridesAndNoPadding() {
      return llvm::all_of(getStrides(), [](int64_t s) { return s == 1; }) &&
             llvm::all_of(getPads(), [](int64_t p) { return p == 0; });
    }
}];

def QC_Conv2DOp : QC_Op<"conv2d",
    [Pure, DeclareOpInterfaceMethods<QC_QuantizableOpInterface>]> {
  let summary = "2-D convolution, NCHW input, OIHW weight (ONNX Conv)";
  let description = [{
    Grouped, strided, padded and dilated 2-D convolution. `pads` is
    `[top, left, bottom, right]` (ONNX order: all begins, then all ends);
    `auto_pad` is resolved into explicit pads at import. The weight is
    `M x C/group x kH x kW`, the optional bias has `M` elements.

    ```mlir
    %y = qc.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>}
        : (tensor<1x3x224x224xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x112x112xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, QC_FloatTensor:$weight,
      Optional<QC_FloatTensor>:$bias,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
      DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = QC_ConvWindowDecl;
}

def QC_ConvTranspose2DOp : QC_Op<"conv_transpose2d", [Pure]> {
  let summary = "2-D transposed convolution (ONNX ConvTranspose)";
  let description = [{
    The gradient of `qc.conv2d` with respect to its input. The weight is
    `C x M/group x kH x kW`; each spatial output extent is
    `stride * (in - 1) + output_padding + (kernel - 1) * dilation + 1
    - pad_begin - pad_end`.

    ```mlir
    %y = qc.conv_transpose2d %x, %w {strides = array<i64: 2, 2>}
        : (tensor<1x8x16x16xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x32x32xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, QC_FloatTensor:$weight,
      Optional<QC_FloatTensor>:$bias,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0}">:$output_padding,
      DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QC_SoftmaxOp : QC_Op<"softmax", [Pure, SameOperandsAndResultType]> {
  let summary = "softmax along one axis (ONNX Softmax, opset 13)";
  let description = [{
    `exp(x) / sum(exp(x))` along `axis` (negative counts from the end).

    ```mlir
    %p = qc.softmax %x {axis = -1 : i64} : tensor<1x4x16x16xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input,
      DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def QC_LayerNormOp : QC_Op<"layer_norm", [Pure]> {
  let summary = "layer normalization (ONNX LayerNormalization)";
  let description = [{
    Normalizes over the dimensions `[axis, rank)` to zero mean and unit
    variance (with `epsilon` added to the variance), then applies `scale`
    and the optional `bias`, which broadcast unidirectionally to the
    normalized shape.

    ```mlir
    %y = qc.layer_norm %x, %g, %b {epsilon = 1.0e-06 : f32}
        : (tensor<1x40x120xf32>, tensor<120xf32>, tensor<120xf32>) -> tensor<1x40x120xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, QC_FloatTensor:$scale,
      Optional<QC_FloatTensor>:$bias,
      DefaultValuedAttr<I64Attr, "-1">:$axis,
      DefaultValuedAttr<F32Attr, "1.0e-5f">:$epsilon);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QC_BatchNormOp : QC_Op<"batch_norm", [Pure]> {
  let summary = "inference batch normalization (ONNX BatchNormalization)";
  let description = [{
    `scale * (x - mean) / sqrt(var + epsilon) + bias` per channel (dimension
    1). `scale`, `bias`, `mean` and `var` have one element per channel. The
    prepare stage folds it into the preceding convolution.

    ```mlir
    %y = qc.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32}
        : (tensor<1x16x8x8xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, QC_FloatTensor:$scale,
      QC_FloatTensor:$bias, QC_FloatTensor:$mean, QC_FloatTensor:$variance,
      DefaultValuedAttr<F32Attr, "1.0e-5f">:$epsilon);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

def QC_MaxPool2DOp : QC_Op<"max_pool2d", [Pure]> {
  let summary = "2-D max pooling, NCHW (ONNX MaxPool)";
  let description = [{
    Max over `kernel_shape` windows. `pads` is `[top, left, bottom, right]`;
    with `ceil_mode` the output extent rounds up (a window must still start
    inside the padded input).

    ```mlir
    %y = qc.max_pool2d %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>}
        : tensor<1x16x32x32xf32> -> tensor<1x16x16x16xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input,
      DenseI64ArrayAttr:$kernel_shape,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
      UnitAttr:$ceil_mode);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def QC_AvgPool2DOp : QC_Op<"avg_pool2d", [Pure]> {
  let summary = "2-D average pooling, NCHW (ONNX AveragePool)";
  let description = [{
    Mean over `kernel_shape` windows. Padded elements count towards the
    divisor only with `count_include_pad`.

    ```mlir
    %y = qc.avg_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>}
        : tensor<1x16x32x32xf32> -> tensor<1x16x16x16xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input,
      DenseI64ArrayAttr:$kernel_shape,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
      UnitAttr:$ceil_mode, UnitAttr:$count_include_pad);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def QC_GlobalAvgPoolOp : QC_Op<"global_avg_pool", [Pure]> {
  let summary = "mean over all spatial dimensions (ONNX GlobalAveragePool)";
  let description = [{
    Averages every dimension after the channel dimension; the result keeps
    them as extent 1.

    ```mlir
    %y = qc.global_avg_pool %x : tensor<1x64x7x7xf32> -> tensor<1x64x1x1xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

class QC_ReduceOp<string mnemonic, string onnxName>
    : QC_Op<mnemonic, [Pure]> {
  let summary = "reduction over axes (ONNX " # onnxName # ")";
  let description = [{
    Reduces over `axes` (negative counts from the end). Empty `axes`
    reduces every dimension. With `keepdims` (the default) reduced
    dimensions stay as extent 1.

    ```mlir
    %m = qc.}] # mnemonic # [{ %x {axes = array<i64: -1>} : tensor<1x40x120xf32> -> tensor<1x40x1xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input,
      DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$axes,
      DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def QC_ReduceMeanOp : QC_ReduceOp<"reduce_mean", "ReduceMean">;
def QC_ReduceSumOp : QC_ReduceOp<"reduce_sum", "ReduceSum">;
def QC_ReduceMaxOp : QC_ReduceOp<"reduce_max", "ReduceMax">;
def QC_ReduceProdOp : QC_ReduceOp<"reduce_prod", "ReduceProd">;

class QC_ArgReduceOp<string mnemonic, string onnxName, string extremum>
    : QC_Op<mnemonic, [Pure]> {
  let summary = "index of the " # extremum # " along an axis (ONNX " #
                onnxName # ")";
  let description = [{
    The int64 index of the }] # extremum # [{ along `axis`: the first one,
    or with `select_last_index` the last one. A NaN counts as the
    }] # extremum # [{ (numpy's and ONNX Runtime's answer). With `keepdims`
    (the default) the axis stays as extent 1.

    ```mlir
    %i = qc.}] # mnemonic # [{ %x {axis = 1 : i64} : tensor<4x10xf32> -> tensor<4x1xi64>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input,
      DefaultValuedAttr<I64Attr, "0">:$axis,
      DefaultValuedAttr<BoolAttr, "true">:$keepdims,
      UnitAttr:$select_last_index);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def QC_ArgMaxOp : QC_ArgReduceOp<"argmax", "ArgMax", "maximum">;
def QC_ArgMinOp : QC_ArgReduceOp<"argmin", "ArgMin", "minimum">;

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

def QC_ReshapeOp : QC_Op<"reshape", [Pure]> {
  let summary = "reshape to the result type's shape (ONNX Reshape)";
  let description = [{
    Reinterprets the elements in row-major order with the result type's
    shape; the ONNX shape input is resolved at import (`0` and `-1`
    entries included). Element counts must agree when both are static.
    Works on float, integer and quantized tensors (per-tensor only: a
    per-axis or blocked quantization cannot be reshaped blindly).

    ```mlir
    %y = qc.reshape %x : tensor<1x64x1x1xf32> -> tensor<1x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QC_TransposeOp : QC_Op<"transpose", [Pure]> {
  let summary = "permute dimensions (ONNX Transpose)";
  let description = [{
    Result dimension `i` is input dimension `perm[i]`. Identity
    permutations fold away and a transpose of a transpose folds into one.

    ```mlir
    %y = qc.transpose %x {perm = array<i64: 0, 2, 1>} : tensor<1x40x120xf32> -> tensor<1x120x40xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QC_ConcatOp : QC_Op<"concat", [Pure]> {
  let summary = "concatenate along an axis (ONNX Concat)";
  let description = [{
    All inputs have one rank and agree on every dimension but `axis`; the
    result's `axis` extent is their sum.

    ```mlir
    %y = qc.concat %a, %b {axis = 1 : i64} : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x16x4x4xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs, I64Attr:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $inputs attr-dict `:` functional-type($inputs, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QC_FlattenOp : QC_Op<"flatten", [Pure]> {
  let summary = "flatten to rank 2 at an axis (ONNX Flatten)";
  let description = [{
    The result is `prod(dims[0:axis]) x prod(dims[axis:])`.

    ```mlir
    %y = qc.flatten %x {axis = 1 : i64} : tensor<1x64x1x1xf32> -> tensor<1x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
      DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QC_SqueezeOp : QC_Op<"squeeze", [Pure]> {
  let summary = "remove extent-1 dimensions (ONNX Squeeze)";
  let description = [{
    Removes the dimensions listed in `axes`, which must have extent 1.
    `qc.squeeze` of a `qc.unsqueeze` over the same axes folds away.

    ```mlir
    %y = qc.squeeze %x {axes = array<i64: 2, 3>} : tensor<1x64x1x1xf32> -> tensor<1x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$axes);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QC_UnsqueezeOp : QC_Op<"unsqueeze", [Pure]> {
  let summary = "insert extent-1 dimensions (ONNX Unsqueeze)";
  let description = [{
    Inserts extent-1 dimensions at `axes`, which index the result.

    ```mlir
    %y = qc.unsqueeze %x {axes = array<i64: 0>} : tensor<64xf32> -> tensor<1x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$axes);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QC_SliceOp : QC_Op<"slice", [Pure]> {
  let summary = "strided slice with static bounds (ONNX Slice)";
  let description = [{
    For each listed axis takes `start:end:step` with ONNX clamping: negative
    `start`/`end` count from the end, then clamp to the dimension (to `-1`
    .. `dim - 1` for negative steps). Unlisted axes are kept whole. A slice
    that keeps everything folds away.

    ```mlir
    %y = qc.slice %x {starts = array<i64: 0>, ends = array<i64: 2>, axes = array<i64: 1>, steps = array<i64: 1>}
        : tensor<1x4x8xf32> -> tensor<1x2x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
      DenseI64ArrayAttr:$starts, DenseI64ArrayAttr:$ends,
      DenseI64ArrayAttr:$axes, DenseI64ArrayAttr:$steps);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QC_ResizeOp : QC_Op<"resize", [Pure]> {
  let summary = "resize by per-dimension scales (ONNX Resize)";
  let description = [{
    Resamples the input; output extent `d` is `floor(in[d] * scales[d])`
    (a product within 1e-4 of an integer counts as that integer, so scales
    derived from `sizes` give the sizes). `mode` picks nearest-neighbour,
    (multi)linear or (multi)cubic interpolation, `coordinate_transform`
    maps output to input coordinates and `nearest_rounding` rounds them in
    nearest mode (ONNX Resize semantics; `sizes` inputs are turned into
    scales at import). Cubic mode weighs the 4 nearest inputs per resized
    dimension with Keys' kernel of parameter `cubic_coeff_a`; inputs
    beyond the edge repeat it, or with `exclude_outside` get weight 0 and
    the others are renormalized.

    ```mlir
    %y = qc.resize %x {mode = #qc.resize_mode<nearest>,
                       coordinate_transform = #qc.coordinate_transform<asymmetric>,
                       nearest_rounding = #qc.nearest_rounding<floor>,
                       scales = array<f32: 1.0, 1.0, 2.0, 2.0>}
        : tensor<1x8x16x16xf32> -> tensor<1x8x32x32xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, DenseF32ArrayAttr:$scales,
      DefaultValuedAttr<QC_ResizeModeAttr,
                        "::quantc::qc::ResizeMode::nearest">:$mode,
      DefaultValuedAttr<QC_CoordinateTransformAttr,
          "::quantc::qc::CoordinateTransform::half_pixel">:$coordinate_transform,
      DefaultValuedAttr<QC_NearestRoundingAttr,
          "::quantc::qc::NearestRounding::round_prefer_floor">:$nearest_rounding,
      DefaultValuedAttr<F32Attr, "-0.75f">:$cubic_coeff_a,
      UnitAttr:$exclude_outside);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def QC_PadOp : QC_Op<"pad", [Pure]> {
  let summary = "pad or crop every dimension (ONNX Pad)";
  let description = [{
    `pads` holds the amounts added before each dimension, then after each
    (ONNX order, `2 x rank` entries); negative amounts crop. `constant`
    mode fills with `value`, `reflect` mirrors without repeating the edge,
    `edge` repeats it.

    ```mlir
    %y = qc.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>} : tensor<1x3x8x8xf32> -> tensor<1x3x10x10xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, DenseI64ArrayAttr:$pads,
      DefaultValuedAttr<QC_PadModeAttr, "::quantc::qc::PadMode::constant">:$mode,
      DefaultValuedAttr<F32Attr, "0.0f">:$value);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QC_SplitOp : QC_Op<"split", [Pure]> {
  let summary = "split into consecutive pieces along an axis (ONNX Split)";
  let description = [{
    The result types give the pieces: they agree with the input on every
    dimension but `axis`, and their `axis` extents add up to the input's.

    ```mlir
    %a, %b = qc.split %x {axis = 1 : i64} : tensor<1x8x4xf32> -> tensor<1x3x4xf32>, tensor<1x5x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$axis);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($results)";
  let hasVerifier = 1;
}

def QC_GatherOp : QC_Op<"gather", [Pure]> {
  let summary = "gather slices along an axis (ONNX Gather)";
  let description = [{
    The result shape is `data[:axis] ++ indices ++ data[axis+1:]`. Negative
    indices count from the end of the axis.

    ```mlir
    %y = qc.gather %table, %ids {axis = 0 : i64} : (tensor<100x16xf32>, tensor<1x5xi64>) -> tensor<1x5x16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$data, QC_IndexTensor:$indices,
      DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $data `,` $indices attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Function-preserving transforms
//===----------------------------------------------------------------------===//

def QC_GatherElementsOp : QC_Op<"gather_elements", [Pure]> {
  let summary = "gather elements along an axis (ONNX GatherElements)";
  let description = [{
    The result has the shape of `indices`; each element is `data` at its
    own position with the `axis` coordinate replaced by its index (negative
    ones count from the end of the axis).

    ```mlir
    %y = qc.gather_elements %data, %idx {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x2xi64>) -> tensor<2x2xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$data, QC_IndexTensor:$indices,
      DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $data `,` $indices attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QC_HadamardOp : QC_Op<"hadamard", [Pure, SameOperandsAndResultType]> {
  let summary = "normalized Hadamard transform along one axis";
  let description = [{
    Multiplies every vector along `axis` (extent `n`) by the orthogonal
    matrix `Q = (1 / sqrt(n)) (H_p (x) B_m) diag(s)`:

    - `n = m * p` with `p` a power of two, factored as
      `quantc::qc::factorHadamardSize` does: `m = 1` when `n` is a power of
      two, else the smallest Paley base `m = odd(n) * 2^j <= 128` (12, 20,
      28, 60, ...: 12 * 2^k, 20 * 2^k, 28 * 2^k and 120 = 60 * 2 all
      factor);
    - `H_p` is Sylvester's matrix, applied as log2(p) butterfly stages, and
      `B_m` Paley's matrix with an all-ones first row, applied densely
      (n * m multiply-adds): O(n log n + n m), never an n x n matmul;
    - `s_i = -1` where `negate` holds true (seeded random signs make the
      TurboQuant-style random rotation), `+1` otherwise.

    With `transpose` it multiplies by the inverse,
    `Q^T = (1 / sqrt(n)) diag(s) (H_p (x) B_m^T)`: where a rotated residual
    stream is read by something that needs the original basis.

    `Q` is orthogonal, so a rotation of a layer's input folds into its
    weights (`W Q^T`) without changing the function (qc-rotate). Two
    transforms in a row along the same axis fold away when `Q` is its own
    inverse (`m = 1`, no `negate`), and a transform followed by its
    `transpose` (same axis and signs) always does. (Not the `Involution`
    trait: that ignores the axis.)

    ```mlir
    %r = qc.hadamard %x {axis = -1 : i64} : tensor<1x16x64xf32>
    %t = qc.hadamard %y {axis = 1 : i64, negate = array<i1: true, false, ...>}
        : tensor<1x12x8x8xf32>
    %u = qc.hadamard %r {axis = -1 : i64, transpose} : tensor<1x40x120xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input,
      DefaultValuedAttr<I64Attr, "-1">:$axis,
      OptionalAttr<DenseBoolArrayAttr>:$negate,
      UnitAttr:$transpose);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Quantization ops
//===----------------------------------------------------------------------===//

def QC_LogMatMulOp : QC_Op<"log_matmul", [Pure]> {
  let summary = "A V with A on a log2 grid: an integer shift-and-add product";
  let description = [{
    Attention's `A V` (A a softmax output, in [0, 1]) with RepQ-ViT's
    reparameterized softmax quantizer. Same shapes as a batched
    `qc.matmul` of rank >= 3 without broadcasting: `[..., M, K] x [..., K,
    N] -> [..., M, N]`. Defined as integers:

    - A is quantized with the log-sqrt(2) quantizer, `q = clamp(round(-2
      log2 a), 0, 2^bits - 1)` (0 maps to `2^bits - 1`), computed exactly
      from the float's exponent `e` and mantissa `f` in [1, 2): `q = -2e -
      [f >= 2^0.25] - [f >= 2^0.75]`; its value is `2^(-q/2)`;
    - V is quantized uniformly: `d = clamp(round(v / v_scale) +
      v_zero_point, 0, 2^bits - 1) - v_zero_point`;
    - reparameterized to log2: `2^(-q/2) = 2^(-floor(q/2))` for even `q`
      and that times `2^(-1/2)` for odd `q`, so with `m = floor(q / 2)`
      every term is a shift, `t = (d 2^F + [m > 0] 2^(m-1)) >> m`
      (arithmetic, rounding half up; 0 for `m > 30`), summed in i32 into
      `even` and `odd` by the parity of `q`;
    - `y = f32(f64(even) c + f64(odd) c / sqrt(2))` with `c =
      v_scale 2^-F`, `F = fraction_bits`.

    Lowered to integer generics (qc-reparameterize makes it).

    ```mlir
    %y = qc.log_matmul %a, %v {bits = 4 : i64, fraction_bits = 12 : i64,
        v_scale = 0.05 : f64, v_zero_point = 120 : i64}
        : tensor<1x8x80x80xf32>, tensor<1x8x80x15xf32> -> tensor<1x8x80x15xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$lhs, QC_FloatTensor:$rhs,
      I64Attr:$bits, I64Attr:$fraction_bits, F64Attr:$v_scale,
      I64Attr:$v_zero_point);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasVerifier = 1;
}

def QC_ObserveOp : QC_Op<"observe", [SameOperandsAndResultType,
    MemoryEffects<[MemWrite]>]> {
  let summary = "calibration probe: records statistics of the value";
  let description = [{
    Passes its input through unchanged and, when the graph is run for
    calibration, records statistics of the value under `name` (the tensor's
    name in the source model). It writes to the calibration state, so it is
    not dead even when its result is unused. After calibration, `range`
    holds the clipping range `[lo, hi]` chosen for the value (lo <= 0 <=
    hi), which `qc-quantize` turns into quantization parameters, and, for
    a value a convolution or matmul reads, `channel_mean` holds its mean
    per channel (NCHW channels, or the matmul's K), which `qc-quantize`
    uses for bias correction, and `channel_range` its clipping range per
    channel (`[lo0, hi0, lo1, hi1, ...]`), which a depthwise convolution's
    per-channel input quantization uses. `channel_extremes` holds each
    channel's own [min, max] over the calibration samples, unclipped and
    not widened to hold zero (qc-reparameterize reads it). `channel_second_moment`,
    when asked for (GPTQ), holds E[x x^T] over the channels (C x C,
    row-major).

    ```mlir
    %y = qc.observe %x {name = "conv1_out"} : tensor<1x16x32x32xf32>
    %z = qc.observe %y {name = "relu1", range = array<f64: 0.0, 5.8>} : tensor<1x16x32x32xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, StrAttr:$name,
      OptionalAttr<DenseF64ArrayAttr>:$range,
      OptionalAttr<DenseF64ArrayAttr>:$channel_mean,
      OptionalAttr<DenseF64ArrayAttr>:$channel_range,
      OptionalAttr<DenseF64ArrayAttr>:$channel_extremes,
      OptionalAttr<DenseF64ArrayAttr>:$channel_second_moment);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def QC_QuantizeOp : QC_Op<"quantize", [Pure]> {
  let summary = "quantize a float tensor";
  let description = [{
    `clamp(round_half_even(x / scale) + zero_point, qmin, qmax)` with the
    scale and zero point of the result type, per tensor, per axis or per
    block; NaN gives qmin. The expressed type of the result must be the
    input's element type. `qc.quantize` of a `qc.dequantize` of the same
    type folds away.

    ```mlir
    %q = qc.quantize %x : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i8:f32, 0.05:-3>>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input);
  let results = (outs QC_QuantizedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QC_DequantizeOp : QC_Op<"dequantize", [Pure]> {
  let summary = "dequantize to float";
  let description = [{
    `(q - zero_point) * scale` with the parameters of the input type.

    ```mlir
    %x = qc.dequantize %q : tensor<4x8x!quant.uniform<i8:f32, 0.05:-3>> -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins QC_QuantizedTensor:$input);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def QC_RequantizeOp : QC_Op<"requantize", [Pure]> {
  let summary = "change the quantization parameters of a tensor";
  let description = [{
    Re-expresses a quantized tensor with other parameters, as if by
    `qc.quantize(qc.dequantize(x))` but computed in integer arithmetic by
    the lowering. Shapes and expressed types must agree. A requantize to the
    same type folds away.

    ```mlir
    %r = qc.requantize %q : tensor<8x!quant.uniform<i8:f32, 0.1>> -> tensor<8x!quant.uniform<i8:f32, 0.2:5>>
    ```
  }];
  let arguments = (ins QC_QuantizedTensor:$input);
  let results = (outs QC_QuantizedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Quantized compute ops
//===----------------------------------------------------------------------===//

def QC_QMatMulOp : QC_Op<"qmatmul", [Pure]> {
  let summary = "quantized matrix product with i32 accumulation";
  let description = [{
    Matrix product of a per-tensor quantized `lhs` (activations) and a
    quantized `rhs` (weights, `... x K x N`) quantized per tensor, per axis
    along `N` (the last dimension), or in blocks along `K` (sub-channel,
    e.g. int4 with group size 32/64/128). Shapes follow `qc.matmul`.
    Products accumulate in i32. The result is

    * quantized (per tensor): requantized output;
    * float: the dequantized accumulator (`MatMulNBits`-style);
    * `i32`: the raw accumulator (`MatMulInteger`-style; the zero points are
      subtracted, no scale applied).

    An optional `bias` has `N` elements: `i32` at scale
    `lhs_scale * rhs_scale`, or float, added after dequantization.

    ```mlir
    %y = qc.qmatmul %a, %w : tensor<1x64x!quant.uniform<i8:f32, 0.1>>,
        tensor<64x32x!quant.uniform<i4:f32:{0:32, 1:1}, {{0.5, 0.5, ...}, {...}}>> -> tensor<1x32xf32>
    ```
  }];
  let arguments = (ins QC_QuantizedTensor:$lhs, QC_QuantizedTensor:$rhs,
      Optional<QC_QuantizedBias>:$bias);
  let results = (outs QC_QuantizedComputeResult:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`,` $bias^)? attr-dict `:` type($lhs) `,` type($rhs)
    (`,` type($bias)^)? `->` type($result)
  }];
  let hasVerifier = 1;
}

def QC_QConv2DOp : QC_Op<"qconv2d", [Pure]> {
  let summary = "quantized 2-D convolution with i32 accumulation";
  let description = [{
    `qc.conv2d` on a per-tensor quantized `input` and a `weight` quantized
    per tensor or per output channel (axis 0); a pointwise convolution (1x1
    kernel, one group) may also have blocks along the input channels
    (axis 1, one scale per block and output channel). Products accumulate in i32;
    the result is quantized per tensor, float (dequantized) or `i32` (raw
    accumulator), as for `qc.qmatmul`. The optional `bias` has one element
    per output channel.

    ```mlir
    %y = qc.qconv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>}
        : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.02:128>>,
           tensor<4x3x3x3x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.1, 0.3}>>, tensor<4xi32>)
        -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.05>>
    ```
  }];
  let arguments = (ins QC_QuantizedTensor:$input, QC_QuantizedTensor:$weight,
      Optional<QC_QuantizedBias>:$bias,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
      DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs QC_QuantizedComputeResult:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = QC_ConvWindowDecl;
}

#endif // QUANTC_DIALECT_QC_IR_QCOPS_TD
