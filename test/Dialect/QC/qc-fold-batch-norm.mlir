// RUN: quant-opt %s -split-input-file -qc-fold-batch-norm | FileCheck %s

// k = scale / sqrt(var + eps) = [2 / sqrt(4), 3 / sqrt(9)] = [1, 1] with
// eps = 0; W'[c] = k W[c]; b'[c] = k (b[c] - mean[c]) + bias[c].
// CHECK-LABEL: func @fold
// CHECK-NOT: qc.batch_norm
// CHECK: %[[W:.*]] = qc.constant dense_resource<bn_folded_w> : tensor<2x1x1x1xf32>
// CHECK: %[[B:.*]] = qc.constant dense_resource<bn_folded_b> : tensor<2xf32>
// CHECK: qc.conv2d %{{.*}}, %[[W]], %[[B]]
// W' = [0.5 * 1, -1.0 * 1]; b' = [(1 - 0.5) + 10, (2 - 1) + 20] = [10.5, 21]
// CHECK: bn_folded_w: "0x040000000000003F000080BF"
// CHECK: bn_folded_b: "0x04000000000028410000A841"
func.func @fold(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = qc.constant dense<[[[[0.5]]], [[[-1.0]]]]> : tensor<2x1x1x1xf32>
  %b = qc.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %s = qc.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %beta = qc.constant dense<[10.0, 20.0]> : tensor<2xf32>
  %m = qc.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %v = qc.constant dense<[4.0, 9.0]> : tensor<2xf32>
  %c = qc.conv2d %x, %w, %b : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %y = qc.batch_norm %c, %s, %beta, %m, %v {epsilon = 0.0 : f32}
      : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// The conv result has another use: folding would change it. Stays.
// CHECK-LABEL: func @shared
// CHECK: qc.batch_norm
func.func @shared(%x: tensor<1x1x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = qc.constant dense<1.0> : tensor<2x1x1x1xf32>
  %p = qc.constant dense<1.0> : tensor<2xf32>
  %c = qc.conv2d %x, %w : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = qc.batch_norm %c, %p, %p, %p, %p : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y, %c : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}
