// RUN: quant-opt %s -split-input-file -convert-qc-to-linalg | FileCheck %s
// RUN: quant-opt %s -split-input-file -qc-lower-to-llvm | FileCheck %s --check-prefix=LLVM

// LLVM-NOT: qc.
// LLVM-NOT: linalg.
// LLVM-NOT: tensor.

// CHECK-LABEL: func @elementwise
func.func @elementwise(%x: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  // Broadcast: the rank-1 operand is indexed by the last loop only.
  // CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel"]}
  // CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<3xf32>)
  // CHECK: arith.addf
  %0 = qc.add %x, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  // CHECK: arith.maximumf
  %1 = qc.relu %0 : tensor<2x3xf32>
  // CHECK: arith.maximumf
  // CHECK: arith.minimumf
  %2 = qc.clip %1 {min = 0.0 : f32, max = 6.0 : f32} : tensor<2x3xf32>
  // CHECK: math.exp
  // CHECK: arith.divf
  %3 = qc.sigmoid %2 : tensor<2x3xf32>
  return %3 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @conv
func.func @conv(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>, %dw: tensor<8x1x3x3xf32>, %b: tensor<8xf32>) -> tensor<1x8x4x4xf32> {
  // CHECK: tensor.pad
  // CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
  %0 = qc.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  // Grouped (depthwise) convolution.
  // CHECK: linalg.conv_2d_ngchw_gfchw
  %1 = qc.conv2d %0, %dw {group = 8, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x8x4x4xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x4x4xf32>
  return %1 : tensor<1x8x4x4xf32>
}

// -----

// CHECK-LABEL: func @linear
func.func @linear(%a: tensor<2x5x8xf32>, %w: tensor<8x4xf32>, %q: tensor<2x5x8xf32>, %k: tensor<2x8x5xf32>) -> (tensor<2x5x4xf32>, tensor<2x5x5xf32>) {
  // A rank-3 lhs against a matrix folds into one linalg.matmul.
  // CHECK: tensor.collapse_shape
  // CHECK: linalg.matmul
  %0 = qc.matmul %a, %w : tensor<2x5x8xf32>, tensor<8x4xf32> -> tensor<2x5x4xf32>
  // Batched products become a contraction generic.
  // CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]
  %1 = qc.matmul %q, %k : tensor<2x5x8xf32>, tensor<2x8x5xf32> -> tensor<2x5x5xf32>
  return %0, %1 : tensor<2x5x4xf32>, tensor<2x5x5xf32>
}

// -----

// CHECK-LABEL: func @pool_and_norm
func.func @pool_and_norm(%x: tensor<1x2x5x5xf32>, %s: tensor<2xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x5x5xf32>, tensor<1x2x1x1xf32>) {
  // CHECK: linalg.pooling_nchw_max
  %0 = qc.max_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, ceil_mode}
      : tensor<1x2x5x5xf32> -> tensor<1x2x3x3xf32>
  // Exact per-position divisors for a ceil-mode average.
  // CHECK: linalg.pooling_nchw_sum
  // CHECK: arith.constant dense<{{\[\[}}4.000000e+00, 4.000000e+00, 2.000000e+00], [4.000000e+00, 4.000000e+00, 2.000000e+00], [2.000000e+00, 2.000000e+00, 1.000000e+00]]> : tensor<3x3xf32>
  %1 = qc.avg_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, ceil_mode}
      : tensor<1x2x5x5xf32> -> tensor<1x2x3x3xf32>
  // CHECK: math.sqrt
  %2 = qc.batch_norm %x, %s, %s, %s, %s : (tensor<1x2x5x5xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x5x5xf32>
  // CHECK: iterator_types = ["parallel", "parallel", "reduction", "reduction"]
  %3 = qc.global_avg_pool %x : tensor<1x2x5x5xf32> -> tensor<1x2x1x1xf32>
  return %0, %1, %2, %3 : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x5x5xf32>, tensor<1x2x1x1xf32>
}

// -----

// CHECK-LABEL: func @shapes
func.func @shapes(%x: tensor<2x3x4xf32>) -> (tensor<4x3x2xf32>, tensor<2x12xf32>, tensor<2x3x2xf32>, tensor<4x3x4xf32>) {
  // CHECK: linalg.transpose
  %0 = qc.transpose %x {perm = array<i64: 2, 1, 0>} : tensor<2x3x4xf32> -> tensor<4x3x2xf32>
  // CHECK: tensor.collapse_shape
  %1 = qc.reshape %x : tensor<2x3x4xf32> -> tensor<2x12xf32>
  // CHECK: tensor.extract_slice %{{.*}}[0, 0, 1] [2, 3, 2] [1, 1, 2]
  %2 = qc.slice %x {starts = array<i64: 1>, ends = array<i64: 4>, axes = array<i64: 2>, steps = array<i64: 2>} : tensor<2x3x4xf32> -> tensor<2x3x2xf32>
  // CHECK: tensor.insert_slice
  // CHECK: tensor.insert_slice
  %3 = qc.concat %x, %x {axis = 0} : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<4x3x4xf32>
  return %0, %1, %2, %3 : tensor<4x3x2xf32>, tensor<2x12xf32>, tensor<2x3x2xf32>, tensor<4x3x4xf32>
}
