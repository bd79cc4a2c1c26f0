// RUN: quant-opt %s -split-input-file -qc-insert-observers | FileCheck %s
// RUN: quant-opt %s -split-input-file -qc-insert-observers=observe-outputs=false | FileCheck %s --check-prefix=INPUTS

// CHECK-LABEL: func @mlp
// CHECK-SAME: (%[[X:.*]]: tensor<1x64xf32>)
func.func @mlp(%x: tensor<1x64xf32> loc("input")) -> tensor<1x10xf32> {
  %w1 = qc.constant dense<0.5> : tensor<64x32xf32>
  %w2 = qc.constant dense<0.25> : tensor<10x32xf32>
  %b2 = qc.constant dense<0.0> : tensor<10xf32>
  // CHECK: %[[XO:.*]] = qc.observe %[[X]] {name = "input"}
  // CHECK: %[[H:.*]] = qc.matmul %[[XO]], %{{.*}}
  // CHECK: %[[HO:.*]] = qc.observe %[[H]] {name = "hidden"}
  // CHECK: %[[R:.*]] = qc.relu %[[HO]]
  // CHECK: %[[RO:.*]] = qc.observe %[[R]] {name = "relu_0"}
  // CHECK: %[[Y:.*]] = qc.gemm %[[RO]], %{{.*}}, %{{.*}} {trans_b}
  // CHECK: %[[YO:.*]] = qc.observe %[[Y]] {name = "logits"}
  // CHECK: return %[[YO]]
  %h = qc.matmul %x, %w1 : tensor<1x64xf32>, tensor<64x32xf32> -> tensor<1x32xf32> loc("hidden")
  %r = qc.relu %h : tensor<1x32xf32>
  %y = qc.gemm %r, %w2, %b2 {trans_b} : (tensor<1x32xf32>, tensor<10x32xf32>, tensor<10xf32>) -> tensor<1x10xf32> loc("logits")
  return %y : tensor<1x10xf32>
}

// INPUTS-LABEL: func @mlp
// INPUTS-COUNT-2: qc.observe
// INPUTS-NOT: qc.observe


// -----

// A value read by two compute ops gets one probe; both products of two
// activations (attention scores) are probed.

// CHECK-LABEL: func @attention
// CHECK-SAME: (%[[Q:.*]]: tensor<4x8xf32>, %[[K:.*]]: tensor<8x4xf32>)
func.func @attention(%q: tensor<4x8xf32>, %k: tensor<8x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  // INPUTS-LABEL: func @attention
  // INPUTS-COUNT-2: qc.observe
  // CHECK-DAG: %[[KO:.*]] = qc.observe %[[K]] {name = "arg1"}
  // CHECK-DAG: %[[QO:.*]] = qc.observe %[[Q]] {name = "arg0"}
  // CHECK: qc.matmul %[[QO]], %[[KO]]
  // CHECK: qc.observe %{{.*}} {name = "matmul_0"}
  // CHECK: qc.matmul %[[QO]], %[[KO]]
  // CHECK: qc.observe %{{.*}} {name = "matmul_1"}
  %s = qc.matmul %q, %k : tensor<4x8xf32>, tensor<8x4xf32> -> tensor<4x4xf32>
  %t = qc.matmul %q, %k : tensor<4x8xf32>, tensor<8x4xf32> -> tensor<4x4xf32>
  return %s, %t : tensor<4x4xf32>, tensor<4x4xf32>
}
