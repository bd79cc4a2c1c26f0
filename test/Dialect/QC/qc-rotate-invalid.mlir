// RUN: quant-opt %s --qc-rotate -verify-diagnostics

// Probes would keep the unrotated tensors' statistics: qc-rotate runs
// before calibration.
// expected-error @+1 {{qc-rotate runs before calibration probes are inserted}}
module {
  func.func @probed(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
    %p = qc.observe %x {name = "x"} : tensor<2x4xf32>
    %w = qc.constant dense<0.5> : tensor<4x2xf32>
    %y = qc.matmul %p, %w : tensor<2x4xf32>, tensor<4x2xf32> -> tensor<2x2xf32>
    return %y : tensor<2x2xf32>
  }
}
