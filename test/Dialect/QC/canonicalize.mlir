// RUN: quant-opt %s -split-input-file -canonicalize | FileCheck %s

// The folders of the qc dialect: only rewrites that are exact in IEEE
// arithmetic, each next to a near miss that must stay.

// CHECK-LABEL: func @add_negative_zero
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
func.func @add_negative_zero(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %nz = qc.constant dense<-0.0> : tensor<3xf32>
  %pz = qc.constant dense<0.0> : tensor<3xf32>
  %0 = qc.add %x, %nz : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  // x + +0.0 turns -0.0 into +0.0, so it stays.
  // CHECK: %[[KEEP:.*]] = qc.add %[[X]], %{{.*}}
  %1 = qc.add %x, %pz : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  // CHECK: return %[[X]], %[[KEEP]]
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @identity_respects_broadcast
func.func @identity_respects_broadcast(%x: tensor<3xf32>) -> tensor<2x3xf32> {
  // Folding x * 1 to x would drop the broadcast to 2x3.
  %one = qc.constant dense<1.0> : tensor<2x3xf32>
  // CHECK: %[[R:.*]] = qc.mul
  %0 = qc.mul %x, %one : tensor<3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK: return %[[R]]
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @neutral_elements
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[I:.*]]: tensor<4xi64>)
func.func @neutral_elements(%x: tensor<4xf32>, %i: tensor<4xi64>)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi64>) {
  %one = qc.constant dense<1.0> : tensor<4xf32>
  %zero = qc.constant dense<0.0> : tensor<4xf32>
  %izero = qc.constant dense<0> : tensor<4xi64>
  %0 = qc.mul %one, %x : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %1 = qc.div %x, %one : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %2 = qc.sub %x, %zero : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %3 = qc.pow %x, %one : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  // x * 0 is not 0 for x = inf or NaN: it stays.
  // CHECK: %[[MUL0:.*]] = qc.mul %[[X]]
  %4 = qc.mul %x, %zero : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %5 = qc.add %izero, %i : tensor<4xi64>, tensor<4xi64> -> tensor<4xi64>
  // CHECK: return %[[X]], %[[X]], %[[X]], %[[X]], %[[MUL0]], %[[I]]
  return %0, %1, %2, %3, %4, %5 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi64>
}

// -----

// CHECK-LABEL: func @constant_arithmetic
func.func @constant_arithmetic() -> (tensor<2xf32>, tensor<2xi64>, tensor<2xf32>, tensor<2xi64>) {
  %a = qc.constant dense<[1.5, 2.0]> : tensor<2xf32>
  %b = qc.constant dense<[0.5, 4.0]> : tensor<2xf32>
  %i = qc.constant dense<[3, 7]> : tensor<2xi64>
  %j = qc.constant dense<[2, -1]> : tensor<2xi64>
  %0 = qc.add %a, %b : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  %1 = qc.mul %i, %j : tensor<2xi64>, tensor<2xi64> -> tensor<2xi64>
  %2 = qc.div %a, %b : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  // Integer division is left to the backend.
  // CHECK-DAG: %[[IDIV:.*]] = qc.div %{{.*}}, %{{.*}} : tensor<2xi64>
  %3 = qc.div %i, %j : tensor<2xi64>, tensor<2xi64> -> tensor<2xi64>
  // CHECK-DAG: %[[SUM:.*]] = qc.constant dense<[2.000000e+00, 6.000000e+00]> : tensor<2xf32>
  // CHECK-DAG: %[[PROD:.*]] = qc.constant dense<[6, -7]> : tensor<2xi64>
  // CHECK-DAG: %[[QUOT:.*]] = qc.constant dense<[3.000000e+00, 5.000000e-01]> : tensor<2xf32>
  // CHECK: return %[[SUM]], %[[PROD]], %[[QUOT]], %[[IDIV]]
  return %0, %1, %2, %3 : tensor<2xf32>, tensor<2xi64>, tensor<2xf32>, tensor<2xi64>
}

// -----

// Max and Min of a value with itself are the value; of constants, the
// elementwise extremum with NaN winning (ONNX). Integer constants stay: the
// signless type does not say which is larger.
// CHECK-LABEL: func @extrema
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>
func.func @extrema(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<2xi64>) {
  %a = qc.constant dense<[1.0, -2.0, 0x7FC00000]> : tensor<3xf32>
  %b = qc.constant dense<[0.5, 4.0, 3.0]> : tensor<3xf32>
  %j = qc.constant dense<[2, -1]> : tensor<2xi64>
  %k = qc.constant dense<[1, 1]> : tensor<2xi64>
  %0 = qc.max %x, %x : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  %1 = qc.min %x, %x : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  %2 = qc.max %a, %b : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  %3 = qc.min %a, %b : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  // CHECK-DAG: %[[IMAX:.*]] = qc.max %{{.*}}, %{{.*}} : tensor<2xi64>
  %4 = qc.max %j, %k : tensor<2xi64>, tensor<2xi64> -> tensor<2xi64>
  // CHECK-DAG: %[[MAX:.*]] = qc.constant dense<[1.000000e+00, 4.000000e+00, 0x7FC00000]> : tensor<3xf32>
  // CHECK-DAG: %[[MIN:.*]] = qc.constant dense<[5.000000e-01, -2.000000e+00, 0x7FC00000]> : tensor<3xf32>
  // CHECK: return %[[X]], %[[X]], %[[MAX]], %[[MIN]], %[[IMAX]]
  return %0, %1, %2, %3, %4 : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<2xi64>
}

// -----

// CHECK-LABEL: func @idempotent_and_involution
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>)
func.func @idempotent_and_involution(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  // CHECK: %[[R:.*]] = qc.relu %[[X]]
  // CHECK-NOT: qc.relu
  %0 = qc.relu %x : tensor<4x8xf32>
  %1 = qc.relu %0 : tensor<4x8xf32>
  %2 = qc.neg %x : tensor<4x8xf32>
  %3 = qc.neg %2 : tensor<4x8xf32>
  %4 = qc.hadamard %x : tensor<4x8xf32>
  %5 = qc.hadamard %4 {axis = 1} : tensor<4x8xf32>
  // Clip without bounds is the identity.
  %6 = qc.clip %x : tensor<4x8xf32>
  // CHECK: return %[[R]], %[[X]], %[[X]], %[[X]]
  return %1, %3, %5, %6 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// A Paley base (12 = 11 + 1) or signs make the transform not symmetric: it
// is not its own inverse.
// CHECK-LABEL: func @hadamard_not_involutive
func.func @hadamard_not_involutive(%x: tensor<4x12xf32>, %y: tensor<4x8xf32>) -> (tensor<4x12xf32>, tensor<4x8xf32>) {
  // CHECK-COUNT-4: qc.hadamard
  %0 = qc.hadamard %x : tensor<4x12xf32>
  %1 = qc.hadamard %0 : tensor<4x12xf32>
  %2 = qc.hadamard %y {negate = array<i1: true, false, false, true, false, false, false, false>} : tensor<4x8xf32>
  %3 = qc.hadamard %2 {negate = array<i1: true, false, false, true, false, false, false, false>} : tensor<4x8xf32>
  return %1, %3 : tensor<4x12xf32>, tensor<4x8xf32>
}

// -----

// A transform followed by its transpose (same axis and signs) is the
// identity, whatever the base; other signs are not.
// CHECK-LABEL: func @hadamard_transpose_inverts
// CHECK-SAME: (%[[X:.*]]: tensor<4x12xf32>, %[[Y:.*]]: tensor<4x8xf32>)
func.func @hadamard_transpose_inverts(%x: tensor<4x12xf32>, %y: tensor<4x8xf32>) -> (tensor<4x12xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %0 = qc.hadamard %x : tensor<4x12xf32>
  %1 = qc.hadamard %0 {axis = 1, transpose} : tensor<4x12xf32>
  %2 = qc.hadamard %y {negate = array<i1: true, false, false, true, false, false, false, false>, transpose} : tensor<4x8xf32>
  %3 = qc.hadamard %2 {negate = array<i1: true, false, false, true, false, false, false, false>} : tensor<4x8xf32>
  // CHECK: %[[K:.*]] = qc.hadamard %[[Y]] {negate = array<i1: true, false, false, true, false, false, false, false>, transpose}
  // CHECK-NEXT: %[[L:.*]] = qc.hadamard %[[K]] {negate = array<i1: false, false, false, true, false, false, false, false>}
  %4 = qc.hadamard %2 {negate = array<i1: false, false, false, true, false, false, false, false>} : tensor<4x8xf32>
  // CHECK: return %[[X]], %[[Y]], %[[L]]
  return %1, %3, %4 : tensor<4x12xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func @hadamard_axes_differ
func.func @hadamard_axes_differ(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // CHECK: qc.hadamard
  // CHECK: qc.hadamard
  %0 = qc.hadamard %x {axis = 0} : tensor<4x8xf32>
  %1 = qc.hadamard %0 {axis = 1} : tensor<4x8xf32>
  return %1 : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func @reshape
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
func.func @reshape(%x: tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<24xf32>, tensor<2x2xi64>) {
  %0 = qc.reshape %x : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  // CHECK-DAG: %[[FLAT:.*]] = qc.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<24xf32>
  %1 = qc.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %2 = qc.reshape %1 : tensor<6x4xf32> -> tensor<24xf32>
  // CHECK-DAG: %[[C:.*]] = qc.constant dense<{{\[\[}}1, 2], [3, 4]]> : tensor<2x2xi64>
  %c = qc.constant dense<[1, 2, 3, 4]> : tensor<4xi64>
  %3 = qc.reshape %c : tensor<4xi64> -> tensor<2x2xi64>
  // CHECK: return %[[X]], %[[FLAT]], %[[C]]
  return %0, %2, %3 : tensor<2x3x4xf32>, tensor<24xf32>, tensor<2x2xi64>
}

// -----

// CHECK-LABEL: func @transpose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
func.func @transpose(%x: tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<4x2x3xf32>) {
  %0 = qc.transpose %x {perm = array<i64: 0, 1, 2>} : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  // A permutation followed by its inverse cancels.
  %1 = qc.transpose %x {perm = array<i64: 1, 2, 0>} : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %2 = qc.transpose %1 {perm = array<i64: 2, 0, 1>} : tensor<3x4x2xf32> -> tensor<2x3x4xf32>
  // Two permutations compose into one.
  // CHECK: %[[T:.*]] = qc.transpose %[[X]] {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %3 = qc.transpose %1 {perm = array<i64: 1, 2, 0>} : tensor<3x4x2xf32> -> tensor<4x2x3xf32>
  // CHECK: return %[[X]], %[[X]], %[[T]]
  return %0, %2, %3 : tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<4x2x3xf32>
}

// -----

// CHECK-LABEL: func @squeeze_unsqueeze
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>, %[[Y:.*]]: tensor<1x4x1xf32>)
func.func @squeeze_unsqueeze(%x: tensor<4x8xf32>, %y: tensor<1x4x1xf32>)
    -> (tensor<4x8xf32>, tensor<1x4x1xf32>, tensor<4x1xf32>, tensor<4x8xf32>) {
  %0 = qc.unsqueeze %x {axes = array<i64: 0, -1>} : tensor<4x8xf32> -> tensor<1x4x8x1xf32>
  %1 = qc.squeeze %0 {axes = array<i64: 3, 0>} : tensor<1x4x8x1xf32> -> tensor<4x8xf32>
  %2 = qc.squeeze %y {axes = array<i64: 0, 2>} : tensor<1x4x1xf32> -> tensor<4xf32>
  %3 = qc.unsqueeze %2 {axes = array<i64: 0, 2>} : tensor<4xf32> -> tensor<1x4x1xf32>
  // Different axes: both stay.
  // CHECK: %[[S:.*]] = qc.squeeze %[[Y]] {axes = array<i64: 0>}
  // CHECK: %[[U:.*]] = qc.unsqueeze %[[S]] {axes = array<i64: 1>}
  %4 = qc.squeeze %y {axes = array<i64: 0>} : tensor<1x4x1xf32> -> tensor<4x1xf32>
  %5 = qc.unsqueeze %4 {axes = array<i64: 1>} : tensor<4x1xf32> -> tensor<4x1x1xf32>
  %6 = qc.squeeze %5 {axes = array<i64: 2>} : tensor<4x1x1xf32> -> tensor<4x1xf32>
  %7 = qc.flatten %x : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK: %[[S2:.*]] = qc.squeeze %[[U]] {axes = array<i64: 2>}
  // CHECK: return %[[X]], %[[Y]], %[[S2]], %[[X]]
  return %1, %3, %6, %7 : tensor<4x8xf32>, tensor<1x4x1xf32>, tensor<4x1xf32>, tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func @slice_and_concat
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>)
func.func @slice_and_concat(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %0 = qc.slice %x {starts = array<i64: 0>, ends = array<i64: 9223372036854775807>, axes = array<i64: 1>, steps = array<i64: 1>}
      : tensor<4x8xf32> -> tensor<4x8xf32>
  // A reversal keeps the shape but not the order.
  // CHECK: %[[REV:.*]] = qc.slice %[[X]]
  %1 = qc.slice %x {starts = array<i64: -1>, ends = array<i64: -9223372036854775808>, axes = array<i64: 1>, steps = array<i64: -1>}
      : tensor<4x8xf32> -> tensor<4x8xf32>
  %2 = qc.concat %x {axis = 0} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %3 = qc.pad %x {pads = array<i64: 0, 0, 0, 0>} : tensor<4x8xf32> -> tensor<4x8xf32>
  // Padding one side and cropping the other keeps the shape, not the data.
  // CHECK: %[[SHIFT:.*]] = qc.pad %[[X]]
  %4 = qc.pad %x {pads = array<i64: 0, 1, 0, -1>} : tensor<4x8xf32> -> tensor<4x8xf32>
  // CHECK: return %[[X]], %[[REV]], %[[X]], %[[X]], %[[SHIFT]]
  return %0, %1, %2, %3, %4 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

!q = !quant.uniform<i8:f32, 0.1:-3>

// CHECK-LABEL: func @quantization
// CHECK-SAME: (%[[Q:.*]]: tensor<8x!quant.uniform<i8:f32, 1.000000e-01:-3>>, %[[X:.*]]: tensor<8xf32>)
func.func @quantization(%q: tensor<8x!q>, %x: tensor<8xf32>) -> (tensor<8x!q>, tensor<8x!q>, tensor<8xf32>) {
  // quantize(dequantize(q)) with the same parameters is exact.
  %0 = qc.dequantize %q : tensor<8x!q> -> tensor<8xf32>
  %1 = qc.quantize %0 : tensor<8xf32> -> tensor<8x!q>
  %2 = qc.requantize %q : tensor<8x!q> -> tensor<8x!q>
  // dequantize(quantize(x)) rounds: it stays.
  // CHECK: %[[QX:.*]] = qc.quantize %[[X]]
  // CHECK: %[[DQ:.*]] = qc.dequantize %[[QX]]
  %3 = qc.quantize %x : tensor<8xf32> -> tensor<8x!q>
  %4 = qc.dequantize %3 : tensor<8x!q> -> tensor<8xf32>
  // CHECK: return %[[Q]], %[[Q]], %[[DQ]]
  return %1, %2, %4 : tensor<8x!q>, tensor<8x!q>, tensor<8xf32>
}

// -----

// CHECK-LABEL: func @observe_is_not_dead
func.func @observe_is_not_dead(%x: tensor<4xf32>) {
  // CHECK: qc.observe
  %0 = qc.observe %x {name = "x"} : tensor<4xf32>
  return
}
