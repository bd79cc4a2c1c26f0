// RUN: quant-opt %s -qc-instrument-observers | FileCheck %s

// CHECK: module attributes {qc.observers = ["x", "hidden"]}
// CHECK: func.func private @quantc_observe(tensor<*xf32> {bufferization.access = "read"}, i64) attributes {llvm.emit_c_interface}
// CHECK-LABEL: func @f
// CHECK-SAME: (%[[X:.*]]: tensor<1x4xf32>)
func.func @f(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  // CHECK: %[[U:.*]] = tensor.cast %[[X]] : tensor<1x4xf32> to tensor<*xf32>
  // CHECK: %[[ID:.*]] = arith.constant 0 : i64
  // CHECK: call @quantc_observe(%[[U]], %[[ID]])
  %xo = qc.observe %x {name = "x"} : tensor<1x4xf32>
  %w = qc.constant dense<0.5> : tensor<4x2xf32>
  // CHECK: %[[H:.*]] = qc.matmul %[[X]]
  %h = qc.matmul %xo, %w : tensor<1x4xf32>, tensor<4x2xf32> -> tensor<1x2xf32>
  // CHECK: arith.constant 1 : i64
  // CHECK: call @quantc_observe
  // CHECK-NOT: qc.observe
  %ho = qc.observe %h {name = "hidden"} : tensor<1x2xf32>
  // CHECK: return %[[H]]
  return %ho : tensor<1x2xf32>
}
