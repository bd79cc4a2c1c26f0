// RUN: quant-opt %s '-qc-insert-precision-switches=time-layers=true' | FileCheck %s

// With time-layers, each switch is followed by quantc_layer_done(layer).
// CHECK: func.func private @quantc_layer_done(i64)
// CHECK: %[[ID:.*]] = arith.constant 0 : i64
// CHECK: call @quantc_layer_precision(%[[ID]])
// CHECK: scf.index_switch
// CHECK: call @quantc_layer_done(%[[ID]]) : (i64) -> ()
func.func @timed(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %xo = qc.observe %x {name = "x", range = array<f64: -1.0, 2.0>} : tensor<2x3xf32>
  %w = qc.constant dense<0.5> : tensor<3x2xf32>
  %y = qc.matmul %xo, %w : tensor<2x3xf32>, tensor<3x2xf32> -> tensor<2x2xf32> loc("fc")
  return %y : tensor<2x2xf32>
}
