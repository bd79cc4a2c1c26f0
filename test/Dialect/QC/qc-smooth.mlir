// RUN: quant-opt %s -split-input-file -qc-smooth="alpha=0.5" | FileCheck %s
// RUN: not quant-opt %s -split-input-file -qc-smooth="alpha=1.5" 2>&1 | FileCheck %s --check-prefix=ALPHA

// ALPHA: qc-smooth: alpha must be in [0, 1], got 1.5

// Into a LayerNorm: max|X_j| = [16, 1, 4, 1], max|W_j| = 1 per row, so
// s = sqrt(max|X_j|) = [4, 1, 2, 1]; gamma / s, beta / s, W rows * s, and
// the probe's ranges divided by s.
// CHECK-LABEL: func @layer_norm
// CHECK: %[[G:.*]] = qc.constant dense_resource<smooth_ln_scale>
// CHECK: %[[B:.*]] = qc.constant dense_resource<smooth_ln_bias>
// CHECK: %[[N:.*]] = qc.layer_norm %{{.*}}, %[[G]], %[[B]]
// CHECK: %[[P:.*]] = qc.observe %[[N]] {channel_range = array<f64: -4.000000e+00, 4.000000e+00, -1.000000e+00, 1.000000e+00, -2.000000e+00, 2.000000e+00, -1.000000e+00, 1.000000e+00>, name = "ln", range = array<f64: -4.000000e+00, 4.000000e+00>}
// CHECK: %[[W:.*]] = qc.constant dense_resource<smooth_w>
// CHECK: qc.matmul %[[P]], %[[W]]
// CHECK: smooth_ln_scale: "0x040000000000803E0000803F0000003F0000803F"
// CHECK: smooth_ln_bias: "0x040000000000003E0000003F0000803E0000003F"
// CHECK: smooth_w: "0x0400000000008040000000C00000003F0000803F000000400000003F000080BF0000003F"
func.func @layer_norm(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %g = qc.constant dense<1.0> : tensor<4xf32>
  %b = qc.constant dense<0.5> : tensor<4xf32>
  %n = qc.layer_norm %x, %g, %b : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %p = qc.observe %n {name = "ln", range = array<f64: -16.0, 16.0>, channel_range = array<f64: -16.0, 16.0, -1.0, 1.0, -4.0, 4.0, -1.0, 1.0>} : tensor<2x4xf32>
  %w = qc.constant dense<[[1.0, -0.5], [0.5, 1.0], [1.0, 0.25], [-1.0, 0.5]]> : tensor<4x2xf32>
  %y = qc.matmul %p, %w : tensor<2x4xf32>, tensor<4x2xf32> -> tensor<2x2xf32> loc("fc")
  return %y : tensor<2x2xf32>
}

// -----

// Into a convolution's output channels through a ReLU: max|X_j| = [9, 1],
// max|W2_j| = [1, 1], s = [3, 1]; W1 and b1 rows / s, W2 input channels * s.
// CHECK-LABEL: func @conv_relu
// CHECK: %[[W1:.*]] = qc.constant dense_resource<smooth_conv_w>
// CHECK: %[[B1:.*]] = qc.constant dense_resource<smooth_conv_b>
// CHECK: qc.conv2d %{{.*}}, %[[W1]], %[[B1]]
// CHECK: %[[W2:.*]] = qc.constant dense_resource<smooth_w>
// CHECK: qc.conv2d %{{.*}}, %[[W2]]
// CHECK: smooth_conv_w: "0x040000000000803F000000400000803F00000040"
// CHECK: smooth_conv_b: "0x040000000000803F0000803F"
// CHECK: smooth_w: "0x04000000000040400000803F00004040000080BF0000C03F0000003F"
func.func @conv_relu(%x: tensor<1x2x4x4xf32>) -> tensor<1x3x4x4xf32> {
  %w1 = qc.constant dense<[[[[3.0]], [[6.0]]], [[[1.0]], [[2.0]]]]> : tensor<2x2x1x1xf32>
  %b1 = qc.constant dense<[3.0, 1.0]> : tensor<2xf32>
  %c = qc.conv2d %x, %w1, %b1 : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %r = qc.relu %c : tensor<1x2x4x4xf32>
  %p = qc.observe %r {name = "r", range = array<f64: 0.0, 9.0>, channel_range = array<f64: 0.0, 9.0, 0.0, 1.0>} : tensor<1x2x4x4xf32>
  %w2 = qc.constant dense<[[[[1.0]], [[1.0]]], [[[1.0]], [[-1.0]]], [[[0.5]], [[0.5]]]]> : tensor<3x2x1x1xf32>
  %y = qc.conv2d %p, %w2 : (tensor<1x2x4x4xf32>, tensor<3x2x1x1xf32>) -> tensor<1x3x4x4xf32> loc("conv2")
  return %y : tensor<1x3x4x4xf32>
}

// -----

// A producer that cannot take the factor (a sigmoid): an explicit scale.
// CHECK-LABEL: func @explicit
// CHECK: %[[S:.*]] = qc.sigmoid
// CHECK: %[[F:.*]] = qc.constant dense_resource<smooth_inverse> : tensor<4xf32>
// CHECK: %[[D:.*]] = qc.mul %[[S]], %[[F]] {qc.smooth_scale}
// CHECK: qc.observe %[[D]]
func.func @explicit(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %s = qc.sigmoid %x : tensor<2x4xf32>
  %p = qc.observe %s {name = "s", range = array<f64: 0.0, 1.0>, channel_range = array<f64: 0.0, 1.0, 0.0, 0.01, 0.0, 0.5, 0.0, 0.25>} : tensor<2x4xf32>
  %w = qc.constant dense<[[1.0, -0.5], [0.5, 1.0], [1.0, 0.25], [-1.0, 0.5]]> : tensor<4x2xf32>
  %y = qc.matmul %p, %w : tensor<2x4xf32>, tensor<4x2xf32> -> tensor<2x2xf32> loc("fc")
  return %y : tensor<2x2xf32>
}

// -----

// Refused: the probed tensor also feeds a residual add, which would see
// it divided; and a grouped convolution. Nothing changes.
// CHECK-LABEL: func @refused
// CHECK-NOT: smooth_
// CHECK: return
func.func @refused(%x: tensor<2x4xf32>, %z: tensor<1x2x4x4xf32>) -> (tensor<2x4xf32>, tensor<1x2x4x4xf32>) {
  %p = qc.observe %x {name = "x", range = array<f64: -16.0, 16.0>, channel_range = array<f64: -16.0, 16.0, -1.0, 1.0, -4.0, 4.0, -1.0, 1.0>} : tensor<2x4xf32>
  %w = qc.constant dense<1.0> : tensor<4x4xf32>
  %y = qc.matmul %p, %w : tensor<2x4xf32>, tensor<4x4xf32> -> tensor<2x4xf32> loc("fc")
  %sum = qc.add %y, %p : tensor<2x4xf32>, tensor<2x4xf32> -> tensor<2x4xf32>
  %q = qc.observe %z {name = "z", range = array<f64: -9.0, 9.0>, channel_range = array<f64: -9.0, 9.0, -1.0, 1.0>} : tensor<1x2x4x4xf32>
  %wg = qc.constant dense<1.0> : tensor<2x1x1x1xf32>
  %g = qc.conv2d %q, %wg {group = 2 : i64} : (tensor<1x2x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32> loc("dw")
  return %sum, %g : tensor<2x4xf32>, tensor<1x2x4x4xf32>
}
