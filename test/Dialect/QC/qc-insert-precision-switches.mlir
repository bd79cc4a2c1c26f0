// RUN: quant-opt %s -split-input-file -qc-insert-precision-switches | FileCheck %s
// RUN: quant-opt %s -split-input-file -qc-insert-precision-switches -qc-quantize | FileCheck %s --check-prefix=QUANT

// Each calibrated, named layer gets a switch, numbered in walk order; the
// uncalibrated matmul and the one already marked keep-float get none.
// CHECK: module attributes {qc.precision_switches = ["fc1", "fc2"]}
// CHECK: func.func private @quantc_layer_quantized(i64) -> i1
// CHECK-LABEL: func @two_layers
// CHECK: %[[C0:.*]] = arith.constant 0 : i64
// CHECK: %[[ON0:.*]] = call @quantc_layer_quantized(%[[C0]]) : (i64) -> i1
// CHECK: %[[Y:.*]] = scf.if %[[ON0]] -> (tensor<2x2xf32>) {
// CHECK-NEXT:   %[[Q:.*]] = qc.matmul
// CHECK-NOT:    qc.keep_float
// CHECK-NEXT:   scf.yield %[[Q]]
// CHECK-NEXT: } else {
// CHECK-NEXT:   %[[F:.*]] = qc.matmul {{.*}} {qc.keep_float}
// CHECK-NEXT:   scf.yield %[[F]]
// CHECK: arith.constant 1 : i64
// CHECK: call @quantc_layer_quantized
// CHECK: scf.if
// CHECK: qc.matmul %{{.*}} : tensor<2x2xf32>
// CHECK-NOT: scf.if
// CHECK: qc.matmul {{.*}} {qc.keep_float}
// CHECK-NOT: scf.if

// After qc-quantize only the then-branches are int8; the marked layer and
// every else-branch stay float.
// QUANT-LABEL: func @two_layers
// QUANT: scf.if
// QUANT-NEXT: qc.quantize
// QUANT: qc.qmatmul
// QUANT: } else {
// QUANT-NEXT: qc.matmul {{.*}} {qc.keep_float}
// QUANT: scf.if
// QUANT: qc.qmatmul
// QUANT: } else {
// QUANT-NEXT: qc.matmul {{.*}} {qc.keep_float}
// QUANT: qc.matmul %{{.*}} : tensor<2x2xf32>
// QUANT: qc.matmul {{.*}} {qc.keep_float}
func.func @two_layers(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %xo = qc.observe %x {name = "x", range = array<f64: -1.0, 2.0>} : tensor<2x3xf32>
  %w = qc.constant dense<[[0.5, 0.0], [-0.25, -2.0], [0.0, 1.0]]> : tensor<3x2xf32>
  %y = qc.matmul %xo, %w : tensor<2x3xf32>, tensor<3x2xf32> -> tensor<2x2xf32> loc("fc1")
  %yo = qc.observe %y {name = "fc1", range = array<f64: -3.0, 3.0>} : tensor<2x2xf32>
  %v = qc.constant dense<[[1.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf32>
  %z = qc.matmul %yo, %v : tensor<2x2xf32>, tensor<2x2xf32> -> tensor<2x2xf32> loc("fc2")
  %zo = qc.observe %z {name = "fc2"} : tensor<2x2xf32>
  %u = qc.matmul %zo, %v : tensor<2x2xf32>, tensor<2x2xf32> -> tensor<2x2xf32> loc("fc3")
  %uo = qc.observe %u {name = "fc3", range = array<f64: -3.0, 3.0>} : tensor<2x2xf32>
  %t = qc.matmul %uo, %v {qc.keep_float} : tensor<2x2xf32>, tensor<2x2xf32> -> tensor<2x2xf32> loc("fc4")
  return %t : tensor<2x2xf32>
}

// -----

// A module with nothing to switch gets an empty list and no declaration.
// CHECK: module attributes {qc.precision_switches = []}
// CHECK-NOT: quantc_layer_quantized
func.func @float_only(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  return %x : tensor<2x3xf32>
}
