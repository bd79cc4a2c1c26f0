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

// HardSwish multiplies x by its gate, so a NaN x gives NaN whatever the
// gate's clamp does: the clamp is compare-and-select (one vmaxps / vminps
// on x86). HardSigmoid alone keeps NaN-propagating maximumf / minimumf.
// CHECK-LABEL: func @hard_gates
// CHECK:       linalg.generic
// CHECK:         arith.cmpf ogt
// CHECK:         arith.select
// CHECK:         arith.cmpf olt
// CHECK:         arith.select
// CHECK:         arith.mulf
// CHECK:       linalg.generic
// CHECK:         arith.maximumf
// CHECK:         arith.minimumf
func.func @hard_gates(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = qc.hard_swish %x : tensor<2x3xf32>
  %1 = qc.hard_sigmoid %x : tensor<2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
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

// A 1x1 unit-stride convolution is a matmul per image, W (F x C) X (C x HW),
// on reshaped operands; two images, two matmuls.
// CHECK-LABEL: func @pointwise_conv
func.func @pointwise_conv(%x: tensor<2x4x3x5xf32>, %w: tensor<8x4x1x1xf32>) -> tensor<2x8x3x5xf32> {
  // CHECK-NOT: linalg.conv_2d_nchw_fchw
  // CHECK: tensor.expand_shape {{.*}} into tensor<8x4xf32>
  // CHECK: tensor.extract_slice {{.*}}[0, 0, 0, 0] [1, 4, 3, 5]
  // CHECK: linalg.matmul ins({{.*}} : tensor<8x4xf32>, tensor<4x15xf32>)
  // CHECK: tensor.insert_slice {{.*}}[0, 0, 0, 0] [1, 8, 3, 5]
  // CHECK: tensor.extract_slice {{.*}}[1, 0, 0, 0] [1, 4, 3, 5]
  // CHECK: linalg.matmul
  // CHECK: tensor.insert_slice {{.*}}[1, 0, 0, 0] [1, 8, 3, 5]
  %0 = qc.conv2d %x, %w : (tensor<2x4x3x5xf32>, tensor<8x4x1x1xf32>) -> tensor<2x8x3x5xf32>
  return %0 : tensor<2x8x3x5xf32>
}

// -----

// Nearest, asymmetric, floor by integer factors (an FPN's upsampling):
// each input element written to its 2 x 3 block of the output viewed as
// [1, 2, 3, 2, 4, 3], every map a projected permutation, no index
// arithmetic per element.
// CHECK-DAG: #[[UP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d4)>
// CHECK-LABEL: func @integer_upsample
// CHECK: linalg.generic {indexing_maps = [#[[UP]], #{{.*}}]{{.*}} outs(%{{.*}} : tensor<1x2x3x2x4x3xf32>)
// CHECK: tensor.collapse_shape {{.*}} {{\[}}[0], [1], [2, 3], [4, 5]] : tensor<1x2x3x2x4x3xf32> into tensor<1x2x6x12xf32>
// CHECK-NOT: math.floor
func.func @integer_upsample(%x: tensor<1x2x3x4xf32>) -> tensor<1x2x6x12xf32> {
  %0 = qc.resize %x {coordinate_transform = #qc.coordinate_transform<asymmetric>, nearest_rounding = #qc.nearest_rounding<floor>, scales = array<f32: 1.0, 1.0, 2.0, 3.0>} : tensor<1x2x3x4xf32> -> tensor<1x2x6x12xf32>
  return %0 : tensor<1x2x6x12xf32>
}

// -----

// Bilinear, half_pixel, 2 x 4 -> 4 x 8: the source indices and fractions
// of each resized dimension are tables computed at compile time, in f32
// as ONNX defines them ((x + 0.5) / 2 - 0.5 clamped to [0, last]: rows
// 0, 0, 0, 1 and above them 1, 1, 1, 1, fractions 0, 0.25, 0.75, 0),
// read at the output's index; per element only the gathers and the blend.
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func @bilinear_tables
// CHECK-DAG: arith.constant dense<[0, 0, 0, 1]> : tensor<4xi32>
// CHECK-DAG: arith.constant dense<1> : tensor<4xi32>
// CHECK-DAG: arith.constant dense<[0.000000e+00, 2.500000e-01, 7.500000e-01, 0.000000e+00]> : tensor<4xf32>
// CHECK-DAG: arith.constant dense<[0, 0, 0, 1, 1, 2, 2, 3]> : tensor<8xi32>
// CHECK: linalg.generic {indexing_maps = [#[[ROW]], #[[ROW]], #[[ROW]], #[[COL]], #[[COL]], #[[COL]], #{{.*}}]
// CHECK-NOT: arith.divf
// CHECK-NOT: math.floor
// CHECK: linalg.yield
func.func @bilinear_tables(%x: tensor<2x4xf32>) -> tensor<4x8xf32> {
  %0 = qc.resize %x {mode = #qc.resize_mode<linear>, scales = array<f32: 2.0, 2.0>} : tensor<2x4xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// Gemm with transB of constant weights (a classifier's fully connected
// layer): B^T is a constant computed at compile time, not a
// linalg.transpose that ran on every call; activations still transpose.
// CHECK-LABEL: func @gemm_transposed_constant
// CHECK: arith.constant dense<{{\[\[}}1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK-NOT: linalg.transpose
// CHECK: linalg.matmul
// CHECK-LABEL: func @gemm_transposed_activation
// CHECK: linalg.transpose
// CHECK: linalg.matmul
func.func @gemm_transposed_constant(%a: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %w = qc.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %0 = qc.gemm %a, %w {trans_b} : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}
func.func @gemm_transposed_activation(%a: tensor<1x3xf32>, %w: tensor<2x3xf32>) -> tensor<1x2xf32> {
  %0 = qc.gemm %a, %w {trans_b} : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
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

// Max pooling with unit width stride (YOLO's SPP): the max over the
// window's columns of the padded input shifted by each, then over its
// rows of that shifted by each (strided by the height stride); rows that
// vectorize, 2 x 3 taps for a 3 x 3 window, and no pooling op.
// CHECK-LABEL: func @max_pool_unit_width_stride
// CHECK: %[[PADDED:.*]] = tensor.pad
// CHECK-COUNT-3: tensor.extract_slice %[[PADDED]][0, 0, 0, {{[0-2]}}] [1, 2, 9, 7] [1, 1, 1, 1]
// CHECK: %[[COLUMNS:.*]] = linalg.generic
// CHECK-COUNT-2: arith.maximumf
// CHECK: linalg.yield
// CHECK-COUNT-3: tensor.extract_slice %[[COLUMNS]][0, 0, {{[0-2]}}, 0] [1, 2, 4, 7] [1, 1, 2, 1]
// CHECK: linalg.generic
// CHECK-COUNT-2: arith.maximumf
// CHECK-NOT: linalg.pooling_nchw_max
func.func @max_pool_unit_width_stride(%x: tensor<1x2x7x7xf32>) -> tensor<1x2x4x7xf32> {
  %0 = qc.max_pool2d %x {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 1>}
      : tensor<1x2x7x7xf32> -> tensor<1x2x4x7xf32>
  return %0 : tensor<1x2x4x7xf32>
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

// CHECK-LABEL: func @global_avg_pool_lanes
// A large image sums into sixteen lanes per channel over the contiguous
// pixels (lanes innermost), then the lanes.
// CHECK: tensor.expand_shape {{.*}} into tensor<1x2x32x16xf32>
// CHECK: iterator_types = ["parallel", "parallel", "reduction", "parallel"]
// CHECK: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK: arith.divf
func.func @global_avg_pool_lanes(%x: tensor<1x2x16x32xf32>) -> tensor<1x2x1x1xf32> {
  %0 = qc.global_avg_pool %x : tensor<1x2x16x32xf32> -> tensor<1x2x1x1xf32>
  return %0 : tensor<1x2x1x1xf32>
}

// -----

// ReduceMean over trailing axes (a feature map's pixels, a decomposed
// LayerNorm's last axis) sums into sixteen lanes the same way; over a
// leading axis it stays one reduction.
// CHECK-LABEL: func @reduce_mean_lanes
// CHECK: tensor.expand_shape {{.*}} into tensor<1x2x32x16xf32>
// CHECK: iterator_types = ["parallel", "parallel", "reduction", "parallel"]
// CHECK: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK: arith.divf
// CHECK: tensor.expand_shape {{.*}} into tensor<3x48x16xf32>
// CHECK: iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: iterator_types = ["reduction", "parallel"]
func.func @reduce_mean_lanes(%x: tensor<1x2x16x32xf32>, %y: tensor<3x768xf32>) -> (tensor<1x2x1x1xf32>, tensor<3x1xf32>, tensor<1x768xf32>) {
  %0 = qc.reduce_mean %x {axes = array<i64: 2, 3>} : tensor<1x2x16x32xf32> -> tensor<1x2x1x1xf32>
  %1 = qc.reduce_mean %y {axes = array<i64: -1>} : tensor<3x768xf32> -> tensor<3x1xf32>
  %2 = qc.reduce_mean %y {axes = array<i64: 0>} : tensor<3x768xf32> -> tensor<1x768xf32>
  return %0, %1, %2 : tensor<1x2x1x1xf32>, tensor<3x1xf32>, tensor<1x768xf32>
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

// -----

// Pieces one column wide joined along the innermost axis (the column
// phases of a decomposed ConvTranspose) interleave in one generic: column
// i takes piece i, so the k stores of a row position share an iteration.
// CHECK-LABEL: func @interleave_columns
// CHECK-NOT:     tensor.insert_slice
// CHECK:         linalg.generic {indexing_maps = [#[[PIECE:.*]], #[[PIECE]], #[[PIECE]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME:      ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<2x5x1xf32>, tensor<2x5x1xf32>, tensor<2x5x1xf32>)
// CHECK:           %[[COLUMN:.*]] = linalg.index 2 : index
// CHECK:           %[[IS1:.*]] = arith.cmpi eq, %[[COLUMN]], %c1
// CHECK:           %[[PICK1:.*]] = arith.select %[[IS1]], %{{.*}}, %{{.*}} : f32
// CHECK:           %[[IS0:.*]] = arith.cmpi eq, %[[COLUMN]], %c0
// CHECK:           %[[PICK0:.*]] = arith.select %[[IS0]], %{{.*}}, %[[PICK1]] : f32
// CHECK:           linalg.yield %[[PICK0]]
// CHECK:         } -> tensor<2x5x3xf32>
func.func @interleave_columns(%a: tensor<2x5x1xf32>, %b: tensor<2x5x1xf32>, %c: tensor<2x5x1xf32>) -> tensor<2x5x3xf32> {
  %0 = qc.concat %a, %b, %c {axis = -1} : (tensor<2x5x1xf32>, tensor<2x5x1xf32>, tensor<2x5x1xf32>) -> tensor<2x5x3xf32>
  return %0 : tensor<2x5x3xf32>
}

// -----

// Int4 weights in groups of 8 along K (GroupedProduct.h): exact i32 sums
// per group d[m][g][n] over u8 x i8, their fma fold over the groups with
// the scales, then (c - za x sum_k w s) x sa + f32 bias.
// CHECK-LABEL: func @grouped_int4
// CHECK: tensor.expand_shape {{.*}} into tensor<3x2x8xi8>
// CHECK: %[[D:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]{{.*}} outs(%{{.*}} : tensor<3x2x2xi32>)
// CHECK: arith.extui
// CHECK: arith.extsi
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[D]]
// CHECK: arith.sitofp
// CHECK: math.fma
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.addf
// za = 10: 10 x 1 x 0.1 = 1.0 and 10 x 1 x 0.4 = 4.0 (after the blob's
// 64-byte alignment word).
// CHECK: int4_zero_point_correction: "0x400000000000803F00008040"
!u8 = !quant.uniform<u8:f32, 0.05:10>
!w = !quant.uniform<i8<-7:7>:f32:{0:8, 1:1}, {{0.1, 0.2}, {0.3, 0.4}}>
func.func @grouped_int4(%x: tensor<3x16xf32>) -> tensor<3x2xf32> {
  %xq = qc.quantize %x : tensor<3x16xf32> -> tensor<3x16x!u8>
  %w = qc.constant dense<[[1, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0],
                          [0, 1], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0]]> : tensor<16x2xi8>
  %wq = quant.scast %w : tensor<16x2xi8> to tensor<16x2x!w>
  %b = qc.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %y = qc.qmatmul %xq, %wq, %b : tensor<3x16x!u8>, tensor<16x2x!w>, tensor<2xf32> -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}
