// RUN: quant-opt %s -split-input-file -qc-insert-precision-switches | FileCheck %s
// RUN: quant-opt %s -split-input-file -qc-insert-precision-switches -qc-quantize | FileCheck %s --check-prefix=QUANT
// RUN: quant-opt %s -split-input-file '-qc-insert-precision-switches=candidates=float,int8,int4-g8,ternary-twn' -qc-quantize | FileCheck %s --check-prefix=CANDIDATES
// RUN: not quant-opt %s -split-input-file '-qc-insert-precision-switches=candidates=int5' 2>&1 | FileCheck %s --check-prefix=BAD

// Each calibrated, named layer gets a switch, numbered in walk order; the
// uncalibrated matmul and the one already marked keep-float get none.
// CHECK: module attributes {qc.precision_switches = ["fc1", "fc2"]}
// CHECK: func.func private @quantc_layer_precision(i64) -> i64
// CHECK-LABEL: func @two_layers
// CHECK: %[[C0:.*]] = arith.constant 0 : i64
// CHECK: %[[CHOICE:.*]] = call @quantc_layer_precision(%[[C0]]) : (i64) -> i64
// CHECK: %[[I:.*]] = arith.index_cast %[[CHOICE]] : i64 to index
// CHECK: %[[Y:.*]] = scf.index_switch %[[I]] -> tensor<2x2xf32>
// CHECK-NEXT: case 1 {
// CHECK-NEXT:   %[[Q:.*]] = qc.matmul
// CHECK-NOT:    qc.keep_float
// CHECK-NEXT:   scf.yield %[[Q]]
// CHECK-NEXT: }
// CHECK-NEXT: default {
// CHECK-NEXT:   %[[F:.*]] = qc.matmul {{.*}} {qc.keep_float}
// CHECK-NEXT:   scf.yield %[[F]]
// CHECK: arith.constant 1 : i64
// CHECK: call @quantc_layer_precision
// CHECK: scf.index_switch
// CHECK: qc.matmul %{{.*}} : tensor<2x2xf32>
// CHECK-NOT: scf.index_switch
// CHECK: qc.matmul {{.*}} {qc.keep_float}
// CHECK-NOT: scf.index_switch

// After qc-quantize only the case-1 copies are int8; the marked layer and
// every default copy stay float.
// QUANT-LABEL: func @two_layers
// QUANT: scf.index_switch
// QUANT-NEXT: case 1
// QUANT-NEXT: qc.quantize
// QUANT: qc.qmatmul
// QUANT: default {
// QUANT-NEXT: qc.matmul {{.*}} {qc.keep_float}
// QUANT: scf.index_switch
// QUANT: qc.qmatmul
// QUANT: default {
// QUANT-NEXT: qc.matmul {{.*}} {qc.keep_float}
// QUANT: qc.matmul %{{.*}} : tensor<2x2xf32>
// QUANT: qc.matmul {{.*}} {qc.keep_float}

// With candidates, copy i takes candidate i's precision: int8 [-127, 127],
// int4 in groups of 8 along K (K = 3 is not a multiple: one scale per
// channel, [-7, 7]), TWN ternary [-1, 1]; the default copy is float.
// CANDIDATES-LABEL: func @two_layers
// CANDIDATES: scf.index_switch
// CANDIDATES-NEXT: case 1
// CANDIDATES: qc.qmatmul {{.*}}i8<-127:127>
// CANDIDATES: case 2
// CANDIDATES: qc.qmatmul {{.*}}i8<-7:7>
// CANDIDATES: case 3
// CANDIDATES: qc.qmatmul {{.*}}i8<-1:1>
// CANDIDATES: default {
// CANDIDATES-NEXT: qc.matmul {{.*}} {qc.precision = #qc.precision<format = float>}

// BAD: error: candidates: precision 'int5': expected float, int8, int4[-gG[-gptq]], ternary-absmean or ternary-twn
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
// CHECK-NOT: quantc_layer_precision
func.func @float_only(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  return %x : tensor<2x3xf32>
}

