//===- Passes.td - quantc conversion passes ----------------*- tablegen -*-===//
//
// Part of quantc. Every conversion of quantc, one folder each under
// lib/Conversion.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CONVERSION_PASSES_TD
#define QUANTC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQCToLinalg : Pass<"convert-qc-to-linalg", "::mlir::func::FuncOp"> {
  let summary = "lower float qc ops to linalg, tensor, arith and math";
  let description = [{
    Rewrites the float graph ops of the qc dialect into named linalg ops
    (convolutions, matmul, pooling, transpose) and `linalg.generic`s
    (broadcasting elementwise ops, reductions, normalization, resize,
    gather) on tensors, with `tensor` ops for data movement. Shapes must be
    static (import with `--input-shape`); an op with a dynamic shape is
    reported and the pass fails. `qc.observe` probes are dropped: float
    execution has nothing to record.

    ```mlir
    %y = qc.relu %x : tensor<4xf32>
    // becomes
    %e = tensor.empty() : tensor<4xf32>
    %y = linalg.generic {...} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
    ^bb0(%in: f32, %out: f32):
      %r = arith.maximumf %in, %cst : f32
      linalg.yield %r : f32
    } -> tensor<4xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // QUANTC_CONVERSION_PASSES_TD
