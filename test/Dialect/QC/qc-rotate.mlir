// RUN: quant-opt %s -split-input-file --qc-rotate -canonicalize | FileCheck %s
// RUN: quant-opt %s -split-input-file '--qc-rotate=mode=random seed=1' -canonicalize | FileCheck %s --check-prefix=RANDOM
// RUN: not quant-opt %s -split-input-file '--qc-rotate=mode=givens' 2>&1 | FileCheck %s --check-prefix=MODE

// MODE: qc-rotate: unknown mode 'givens' (expected hadamard or random)

// A layer reading the function's input: an online Hadamard in front, and
// the weights' input channels rotated by the same Q (Q = H_4 / 2 here):
// W' = Q W, so column (0, 0, 0, 2) becomes (1, -1, -1, 1) and (1, 0, 0, 0)
// becomes (0.5, 0.5, 0.5, 0.5).
// CHECK-LABEL: func @online
// CHECK: %[[W:.*]] = qc.constant dense_resource<[[BLOB:rotated[_0-9]*]]>
// CHECK: %[[H:.*]] = qc.hadamard %arg0 {axis = 1 : i64} : tensor<3x4xf32>
// CHECK: qc.matmul %[[H]], %[[W]]
// RANDOM-LABEL: func @online
// RANDOM: qc.hadamard %arg0 {axis = 1 : i64, negate = array<i1: true, false, true, true>}
func.func @online(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %w = qc.constant dense<[[1.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 2.0]]> : tensor<4x2xf32>
  %y = qc.matmul %x, %w : tensor<3x4xf32>, tensor<4x2xf32> -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}
// CHECK: [[BLOB]]: "0x040000000000003F0000803F0000003F000080BF0000003F000080BF0000003F0000803F"

// -----

// A layer reading another layer's biased output, and nothing else reading
// it: a fused pair. The producer's output channels (weights and bias add)
// are rotated instead, and nothing runs online for fc2; fc1 still reads
// the input through an online transform.
// CHECK-LABEL: func @fused_pair
// CHECK-COUNT-1: qc.hadamard
// CHECK-NOT: qc.hadamard
// CHECK: return
func.func @fused_pair(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w1 = qc.constant dense<0.5> : tensor<4x8xf32>
  %m1 = qc.matmul %x, %w1 : tensor<2x4xf32>, tensor<4x8xf32> -> tensor<2x8xf32>
  %b1 = qc.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]> : tensor<8xf32>
  %a1 = qc.add %m1, %b1 : tensor<2x8xf32>, tensor<8xf32> -> tensor<2x8xf32>
  %w2 = qc.constant dense<0.25> : tensor<8x3xf32>
  %y = qc.matmul %a1, %w2 : tensor<2x8xf32>, tensor<8x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// The same pair, but the biased output is also returned: rotating the
// producer would change it, so fc2 gets an online transform.
// CHECK-LABEL: func @pair_with_another_reader
// CHECK-COUNT-2: qc.hadamard
func.func @pair_with_another_reader(%x: tensor<2x4xf32>) -> (tensor<2x3xf32>, tensor<2x8xf32>) {
  %w1 = qc.constant dense<0.5> : tensor<4x8xf32>
  %m1 = qc.matmul %x, %w1 : tensor<2x4xf32>, tensor<4x8xf32> -> tensor<2x8xf32>
  %w2 = qc.constant dense<0.25> : tensor<8x3xf32>
  %y = qc.matmul %m1, %w2 : tensor<2x8xf32>, tensor<8x3xf32> -> tensor<2x3xf32>
  return %y, %m1 : tensor<2x3xf32>, tensor<2x8xf32>
}

// -----

// Two layers reading one tensor share one rotation (12 channels: Paley's
// base 12); a ReLU between layers stops fusion.
// CHECK-LABEL: func @shared_site
// CHECK: %[[R:.*]] = qc.relu
// CHECK-NEXT: %[[H:.*]] = qc.hadamard %[[R]] {axis = 1 : i64} : tensor<2x12xf32>
// CHECK-NOT: qc.hadamard
// CHECK: qc.matmul %[[H]]
// CHECK: qc.matmul %[[H]]
func.func @shared_site(%x: tensor<2x12xf32>) -> (tensor<2x3xf32>, tensor<2x5xf32>) {
  %r = qc.relu %x : tensor<2x12xf32>
  %w1 = qc.constant dense<0.5> : tensor<12x3xf32>
  %y1 = qc.matmul %r, %w1 : tensor<2x12xf32>, tensor<12x3xf32> -> tensor<2x3xf32>
  %w2 = qc.constant dense<0.25> : tensor<12x5xf32>
  %y2 = qc.matmul %r, %w2 : tensor<2x12xf32>, tensor<12x5xf32> -> tensor<2x5xf32>
  return %y1, %y2 : tensor<2x3xf32>, tensor<2x5xf32>
}

// -----

// Refused: a depthwise convolution (grouped), a layer over 6 channels (no
// Hadamard matrix of order 6), and a product of two activations (no
// weights to fold into). Nothing changes.
// CHECK-LABEL: func @refused
// CHECK-NOT: qc.hadamard
// CHECK: return
func.func @refused(%x: tensor<1x6x4x4xf32>, %a: tensor<2x8xf32>, %b: tensor<8x2xf32>) -> (tensor<1x6x4x4xf32>, tensor<2x2xf32>) {
  %dw = qc.constant dense<0.1> : tensor<6x1x3x3xf32>
  %c1 = qc.conv2d %x, %dw {group = 6 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x6x4x4xf32>, tensor<6x1x3x3xf32>) -> tensor<1x6x4x4xf32>
  %pw = qc.constant dense<0.2> : tensor<6x6x1x1xf32>
  %c2 = qc.conv2d %c1, %pw : (tensor<1x6x4x4xf32>, tensor<6x6x1x1xf32>) -> tensor<1x6x4x4xf32>
  %p = qc.matmul %a, %b : tensor<2x8xf32>, tensor<8x2xf32> -> tensor<2x2xf32>
  return %c2, %p : tensor<1x6x4x4xf32>, tensor<2x2xf32>
}

// -----

// A convolution's channels are axis 1 of NCHW; its weights rotate along
// their input axis (OIHW axis 1).
// CHECK-LABEL: func @conv
// CHECK: qc.hadamard %arg0 {axis = 1 : i64} : tensor<1x8x4x4xf32>
func.func @conv(%x: tensor<1x8x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = qc.constant dense<0.1> : tensor<2x8x3x3xf32>
  %c = qc.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x4x4xf32>, tensor<2x8x3x3xf32>) -> tensor<1x2x4x4xf32>
  return %c : tensor<1x2x4x4xf32>
}
