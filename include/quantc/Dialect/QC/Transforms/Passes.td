//===- Passes.td - qc dialect passes -----------------------*- tablegen -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QC_TRANSFORMS_PASSES_TD
#define QUANTC_DIALECT_QC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QCInsertObservers : Pass<"qc-insert-observers"> {
  let summary = "insert qc.observe probes on the activations to calibrate";
  let description = [{
    Inserts a `qc.observe` probe on every activation that a quantizable
    compute op (`qc.conv2d`, `qc.conv_transpose2d`, `qc.matmul`,
    `qc.gemm`) reads and, with `observe-outputs`, on every result of such an
    op. Constants (weights) are not observed: their ranges are known.
    Every use by a compute op is rerouted through the probe, so that
    calibration sees exactly the values the quantized op will see. Each
    value is probed once; a probe is named after the value's location
    (the ONNX tensor name, which import records as a `NameLoc`) or, failing
    that, after the producing op and a counter.

    ```mlir
    %y = qc.matmul %x, %w : tensor<1x64xf32>, tensor<64x10xf32> -> tensor<1x10xf32>
    // becomes
    %xo = qc.observe %x {name = "x"} : tensor<1x64xf32>
    %y = qc.matmul %xo, %w : tensor<1x64xf32>, tensor<64x10xf32> -> tensor<1x10xf32>
    %yo = qc.observe %y {name = "y"} : tensor<1x10xf32>
    ```
  }];
  let dependentDialects = ["::quantc::qc::QCDialect"];
  let options = [
    Option<"observeOutputs", "observe-outputs", "bool", /*default=*/"true",
           "also probe the results of the compute ops">
  ];
  let statistics = [
    Statistic<"numProbes", "num-probes", "number of qc.observe probes inserted">
  ];
}

#endif // QUANTC_DIALECT_QC_TRANSFORMS_PASSES_TD
