//===- QCBase.td - qc dialect definition and type constraints -*- tablegen -*-===//
//
// Part of quantc. The `qc` dialect: float graph ops with ONNX semantics,
// quantization ops and quantized compute ops over upstream !quant.uniform.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QC_IR_QCBASE_TD
#define QUANTC_DIALECT_QC_IR_QCBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def QC_Dialect : Dialect {
  let name = "qc";
  let cppNamespace = "::quantc::qc";
  let summary = "quantc's graph, quantization and quantized compute ops";
  let description = [{
    The `qc` dialect is quantc's own IR. It holds three families of ops:

    * **float graph ops** with ONNX semantics (NCHW layout, ONNX
      multidirectional broadcasting), each a named op with a verifier, so
      that import produces IR a compiler can reason about rather than an
      opaque `onnx.X` call;
    * **quantization ops**: `qc.observe` (calibration probe),
      `qc.quantize`, `qc.dequantize`, `qc.requantize`;
    * **quantized compute ops** (`qc.qmatmul`, `qc.qconv2d`) that take
      tensors of the upstream `!quant.uniform` element types: per-tensor,
      per-axis and sub-channel (blocked) scales.

    Storage types accepted on quantized tensors are `i8`/`u8`, `i4`/`u4`,
    ternary `i2<-1:1>` (storage range [-1, 1]) and `i32` (biases and raw
    accumulators). Reusing `!quant.uniform` keeps quantc composable with
    TOSA, StableHLO and upstream `lower-quant-ops`.

    The dialect is named `qc`, not `quant`, because upstream MLIR already
    registers `quant`, and two dialects of one name cannot be loaded side
    by side in an embedding compiler.
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect"];
  // Every attribute quantc's passes leave on ops for other passes, the
  // compile report or tools to read, declared once with its type. The
  // dialect verifies each (and refuses any other `qc.` attribute).
  let discardableAttrs = (ins
    // A compute op qc-quantize must leave in float.
    "::mlir::UnitAttr":$keep_float,
    // A quantizable layer's assigned precision (qc-assign-precision, the
    // mixed-precision search); qc-quantize honours it.
    "::quantc::qc::LayerPrecisionAttr":$precision,
    // On qc.qmatmul / qc.qconv2d: the kernel declaration the lowering calls
    // (qc-select-gemm-kernels).
    "::mlir::FlatSymbolRefAttr":$gemm_kernel,
    // On qc.qconv2d: lowered as a direct convolution over channel quads
    // with AVX-512 VNNI dot products, no patch matrix and no transposes
    // (qc-select-gemm-kernels).
    "::mlir::UnitAttr":$direct_conv,
    // On a kernel declaration: format, ISA and shape of the kernel
    // qc-define-gemm-kernels builds.
    "::quantc::qc::GemmKernelAttr":$gemm_kernel_spec,
    // On a quantized layer: its rounded weights' SQNR in dB, and how they
    // were rounded ("gptq", or "round to nearest" and why).
    "::mlir::FloatAttr":$weight_sqnr_db,
    "::mlir::StringAttr":$weight_rounding,
    // With GPTQ: its output error proxy tr(dW^T E[x x^T] dW) over round to
    // nearest's on the same groups (below 1: GPTQ gained).
    "::mlir::FloatAttr":$gptq_error_ratio,
    // On a calibrated qc.observe: the estimated SQNR of its int8 range.
    "::mlir::FloatAttr":$estimated_sqnr_db,
    // On a module: the probe names qc-instrument-observers numbered, and
    // the layers qc-insert-precision-switches switches, in index order.
    "::mlir::ArrayAttr":$observers,
    "::mlir::ArrayAttr":$precision_switches,
    // On a qc.mul qc-smooth inserted: a run-time SmoothQuant division.
    "::mlir::UnitAttr":$smooth_scale,
    // On a qc.observe qc-reparameterize folded: its range is the per-tensor
    // quantizer of per-channel ones, not to be chosen again.
    "::mlir::UnitAttr":$reparameterized
  );
  let hasOperationAttrVerify = 1;
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 1;
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def QC_FloatElement : AnyTypeOf<[F16, BF16, F32, F64]>;

def QC_FloatTensor : RankedTensorOf<[QC_FloatElement]>;

/// Float or signless-integer tensors: the elementwise ops also carry the
/// integer shape arithmetic that ONNX graphs contain.
def QC_NumericTensor : RankedTensorOf<[QC_FloatElement, AnySignlessInteger]>;

def QC_IndexTensor : RankedTensorOf<[I32, I64]>;

def QC_UniformQuantizedElement : Type<
    CPred<"::llvm::isa<::mlir::quant::UniformQuantizedType, "
          "::mlir::quant::UniformQuantizedPerAxisType, "
          "::mlir::quant::UniformQuantizedSubChannelType>($_self)">,
    "uniform quantized type (per-tensor, per-axis or sub-channel)">;

def QC_QuantizedTensor : RankedTensorOf<[QC_UniformQuantizedElement]>;

/// Result of a quantized compute op: quantized (requantized output), float
/// (dequantized output) or i32 (raw accumulator).
def QC_QuantizedComputeResult
    : RankedTensorOf<[QC_UniformQuantizedElement, QC_FloatElement, I32]>;

/// Bias of a quantized compute op: i32 at scale lhs_scale * rhs_scale, or
/// float, added after dequantization.
def QC_QuantizedBias : RankedTensorOf<[I32, QC_FloatElement]>;

#endif // QUANTC_DIALECT_QC_IR_QCBASE_TD
