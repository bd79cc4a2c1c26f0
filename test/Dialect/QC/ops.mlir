// RUN: quant-opt %s | quant-opt | FileCheck %s
// RUN: quant-opt %s --mlir-print-op-generic | quant-opt | FileCheck %s
// RUN: quant-opt %s --emit-bytecode | quant-opt | FileCheck %s

// Every qc op and every quantized element-type form, printed, reparsed and
// printed again (custom, generic and bytecode round trips).

// CHECK-LABEL: func @constants
func.func @constants() -> (tensor<2x2xf32>, tensor<2xi64>) {
  // CHECK: qc.constant dense_resource<weight_blob> : tensor<2x2xf32>
  %w = qc.constant dense_resource<weight_blob> : tensor<2x2xf32>
  // CHECK: qc.constant dense<[1, 64]> : tensor<2xi64>
  %s = qc.constant dense<[1, 64]> : tensor<2xi64>
  return %w, %s : tensor<2x2xf32>, tensor<2xi64>
}

// CHECK-LABEL: func @binary
func.func @binary(%a: tensor<2x3x4xf32>, %b: tensor<4xf32>, %c: tensor<?x1x4xf32>,
                  %i: tensor<3xi64>) {
  // CHECK: qc.add %{{.*}}, %{{.*}} : tensor<2x3x4xf32>, tensor<4xf32> -> tensor<2x3x4xf32>
  %0 = qc.add %a, %b : tensor<2x3x4xf32>, tensor<4xf32> -> tensor<2x3x4xf32>
  // CHECK: qc.sub %{{.*}}, %{{.*}} : tensor<2x3x4xf32>, tensor<?x1x4xf32> -> tensor<2x3x4xf32>
  %1 = qc.sub %a, %c : tensor<2x3x4xf32>, tensor<?x1x4xf32> -> tensor<2x3x4xf32>
  // CHECK: qc.mul %{{.*}}, %{{.*}} : tensor<4xf32>, tensor<?x1x4xf32> -> tensor<?x1x4xf32>
  %2 = qc.mul %b, %c : tensor<4xf32>, tensor<?x1x4xf32> -> tensor<?x1x4xf32>
  // CHECK: qc.div
  %3 = qc.div %a, %b : tensor<2x3x4xf32>, tensor<4xf32> -> tensor<2x3x4xf32>
  // CHECK: qc.pow
  %4 = qc.pow %a, %b : tensor<2x3x4xf32>, tensor<4xf32> -> tensor<2x3x4xf32>
  // CHECK: qc.add %{{.*}}, %{{.*}} : tensor<3xi64>, tensor<3xi64> -> tensor<3xi64>
  %5 = qc.add %i, %i : tensor<3xi64>, tensor<3xi64> -> tensor<3xi64>
  return
}

// CHECK-LABEL: func @unary
func.func @unary(%x: tensor<2x8xf32>, %h: tensor<2x8xf16>) {
  // CHECK: qc.relu %{{.*}} : tensor<2x8xf32>
  %0 = qc.relu %x : tensor<2x8xf32>
  // CHECK: qc.sigmoid
  %1 = qc.sigmoid %x : tensor<2x8xf32>
  // CHECK: qc.tanh
  %2 = qc.tanh %x : tensor<2x8xf32>
  // CHECK: qc.sqrt
  %3 = qc.sqrt %x : tensor<2x8xf32>
  // CHECK: qc.erf
  %4 = qc.erf %x : tensor<2x8xf32>
  // CHECK: qc.exp
  %5 = qc.exp %x : tensor<2x8xf32>
  // CHECK: qc.neg
  %6 = qc.neg %x : tensor<2x8xf32>
  // CHECK: qc.abs
  %7 = qc.abs %x : tensor<2x8xf32>
  // CHECK: qc.reciprocal
  %8 = qc.reciprocal %x : tensor<2x8xf32>
  // CHECK: qc.hard_swish
  %9 = qc.hard_swish %x : tensor<2x8xf32>
  // CHECK: qc.gelu %{{.*}} : tensor<2x8xf32>
  %10 = qc.gelu %x : tensor<2x8xf32>
  // CHECK: qc.gelu %{{.*}} approximate<tanh> : tensor<2x8xf16>
  %11 = qc.gelu %h approximate<tanh> : tensor<2x8xf16>
  // CHECK: qc.hard_sigmoid %{{.*}} {alpha = 0.166666672 : f32} : tensor<2x8xf32>
  %12 = qc.hard_sigmoid %x {alpha = 0.1666666716337204 : f32} : tensor<2x8xf32>
  // CHECK: qc.hard_sigmoid %{{.*}} : tensor<2x8xf32>
  %13 = qc.hard_sigmoid %x : tensor<2x8xf32>
  // CHECK: qc.clip %{{.*}} {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32} : tensor<2x8xf32>
  %14 = qc.clip %x {min = 0.0 : f32, max = 6.0 : f32} : tensor<2x8xf32>
  // CHECK: qc.clip %{{.*}} {min = -1.000000e+00 : f32} : tensor<2x8xf32>
  %15 = qc.clip %x {min = -1.0 : f32} : tensor<2x8xf32>
  // CHECK: qc.log %{{.*}} : tensor<2x8xf32>
  %u0 = qc.log %x : tensor<2x8xf32>
  // CHECK: qc.sign %{{.*}} : tensor<2x8xf32>
  %u1 = qc.sign %x : tensor<2x8xf32>
  // CHECK: qc.floor %{{.*}} : tensor<2x8xf32>
  %u2 = qc.floor %x : tensor<2x8xf32>
  // CHECK: qc.ceil %{{.*}} : tensor<2x8xf32>
  %u3 = qc.ceil %x : tensor<2x8xf32>
  // CHECK: qc.round %{{.*}} : tensor<2x8xf32>
  %u4 = qc.round %x : tensor<2x8xf32>
  // CHECK: qc.sin %{{.*}} : tensor<2x8xf32>
  %u5 = qc.sin %x : tensor<2x8xf32>
  // CHECK: qc.cos %{{.*}} : tensor<2x8xf32>
  %u6 = qc.cos %x : tensor<2x8xf32>
  // CHECK: qc.tan %{{.*}} : tensor<2x8xf32>
  %u7 = qc.tan %x : tensor<2x8xf32>
  // CHECK: qc.asin %{{.*}} : tensor<2x8xf32>
  %u8 = qc.asin %x : tensor<2x8xf32>
  // CHECK: qc.acos %{{.*}} : tensor<2x8xf32>
  %u9 = qc.acos %x : tensor<2x8xf32>
  // CHECK: qc.atan %{{.*}} : tensor<2x8xf32>
  %u10 = qc.atan %x : tensor<2x8xf32>
  // CHECK: qc.sinh %{{.*}} : tensor<2x8xf32>
  %u11 = qc.sinh %x : tensor<2x8xf32>
  // CHECK: qc.cosh %{{.*}} : tensor<2x8xf32>
  %u12 = qc.cosh %x : tensor<2x8xf32>
  // CHECK: qc.asinh %{{.*}} : tensor<2x8xf32>
  %u13 = qc.asinh %x : tensor<2x8xf32>
  // CHECK: qc.acosh %{{.*}} : tensor<2x8xf32>
  %u14 = qc.acosh %x : tensor<2x8xf32>
  // CHECK: qc.atanh %{{.*}} : tensor<2x8xf32>
  %u15 = qc.atanh %x : tensor<2x8xf32>
  // CHECK: qc.softplus %{{.*}} : tensor<2x8xf32>
  %u16 = qc.softplus %x : tensor<2x8xf32>
  // CHECK: qc.softsign %{{.*}} : tensor<2x8xf32>
  %u17 = qc.softsign %x : tensor<2x8xf32>
  // CHECK: qc.mish %{{.*}} : tensor<2x8xf32>
  %u18 = qc.mish %x : tensor<2x8xf32>
  // CHECK: qc.leaky_relu %{{.*}} {alpha = 1.000000e-01 : f32} : tensor<2x8xf32>
  %a0 = qc.leaky_relu %x {alpha = 0.1 : f32} : tensor<2x8xf32>
  // CHECK: qc.elu %{{.*}} : tensor<2x8xf16>
  %a1 = qc.elu %h : tensor<2x8xf16>
  // CHECK: qc.selu %{{.*}} {alpha = 1.000000e+00 : f32, gamma = 2.000000e+00 : f32} : tensor<2x8xf32>
  %a2 = qc.selu %x {alpha = 1.0 : f32, gamma = 2.0 : f32} : tensor<2x8xf32>
  // CHECK: qc.celu %{{.*}} : tensor<2x8xf32>
  %a3 = qc.celu %x : tensor<2x8xf32>
  // CHECK: qc.thresholded_relu %{{.*}} {alpha = 5.000000e-01 : f32} : tensor<2x8xf32>
  %a4 = qc.thresholded_relu %x {alpha = 0.5 : f32} : tensor<2x8xf32>
  return
}

// CHECK-LABEL: func @prelu_max_min
func.func @prelu_max_min(%x: tensor<2x8xf32>, %s: tensor<8xf32>) {
  // CHECK: qc.prelu %{{.*}}, %{{.*}} : tensor<2x8xf32>, tensor<8xf32> -> tensor<2x8xf32>
  %0 = qc.prelu %x, %s : tensor<2x8xf32>, tensor<8xf32> -> tensor<2x8xf32>
  // CHECK: qc.max %{{.*}}, %{{.*}} : tensor<2x8xf32>, tensor<8xf32> -> tensor<2x8xf32>
  %1 = qc.max %x, %s : tensor<2x8xf32>, tensor<8xf32> -> tensor<2x8xf32>
  // CHECK: qc.min %{{.*}}, %{{.*}} : tensor<8xf32>, tensor<2x8xf32> -> tensor<2x8xf32>
  %2 = qc.min %s, %x : tensor<8xf32>, tensor<2x8xf32> -> tensor<2x8xf32>
  return
}

// CHECK-LABEL: func @linear
func.func @linear(%a: tensor<2x8x16xf32>, %b: tensor<16x4xf32>, %v: tensor<16xf32>,
                  %g: tensor<1x64xf32>, %wt: tensor<10x64xf32>, %bias: tensor<10xf32>) {
  // CHECK: qc.matmul %{{.*}}, %{{.*}} : tensor<2x8x16xf32>, tensor<16x4xf32> -> tensor<2x8x4xf32>
  %0 = qc.matmul %a, %b : tensor<2x8x16xf32>, tensor<16x4xf32> -> tensor<2x8x4xf32>
  // CHECK: qc.matmul %{{.*}}, %{{.*}} : tensor<16xf32>, tensor<16x4xf32> -> tensor<4xf32>
  %1 = qc.matmul %v, %b : tensor<16xf32>, tensor<16x4xf32> -> tensor<4xf32>
  // CHECK: qc.gemm %{{.*}}, %{{.*}}, %{{.*}} {alpha = 5.000000e-01 : f32, trans_b} : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  %2 = qc.gemm %g, %wt, %bias {alpha = 0.5 : f32, trans_b} : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  // CHECK: qc.gemm %{{.*}}, %{{.*}} {trans_a} : (tensor<64x1xf32>, tensor<64x10xf32>) -> tensor<1x10xf32>
  %t = qc.transpose %g {perm = array<i64: 1, 0>} : tensor<1x64xf32> -> tensor<64x1xf32>
  %w2 = qc.transpose %wt {perm = array<i64: 1, 0>} : tensor<10x64xf32> -> tensor<64x10xf32>
  %3 = qc.gemm %t, %w2 {trans_a} : (tensor<64x1xf32>, tensor<64x10xf32>) -> tensor<1x10xf32>
  return
}

// CHECK-LABEL: func @conv
func.func @conv(%x: tensor<1x3x224x224xf32>, %w: tensor<16x3x3x3xf32>, %b: tensor<16xf32>,
                %dw: tensor<16x1x3x3xf32>, %y: tensor<1x16x112x112xf32>,
                %dyn: tensor<?x3x?x?xf32>) {
  // CHECK: qc.conv2d %{{.*}}, %{{.*}}, %{{.*}} {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
  %0 = qc.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x3x224x224xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x112x112xf32>
  // Depthwise.
  // CHECK: qc.conv2d %{{.*}}, %{{.*}} {group = 16 : i64, pads = array<i64: 1, 1, 1, 1>}
  %1 = qc.conv2d %y, %dw {group = 16, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x16x112x112xf32>, tensor<16x1x3x3xf32>) -> tensor<1x16x112x112xf32>
  // Dilated, dynamic batch and spatial extents.
  // CHECK: qc.conv2d %{{.*}}, %{{.*}} {dilations = array<i64: 2, 2>} : (tensor<?x3x?x?xf32>, tensor<16x3x3x3xf32>) -> tensor<?x16x?x?xf32>
  %2 = qc.conv2d %dyn, %w {dilations = array<i64: 2, 2>}
      : (tensor<?x3x?x?xf32>, tensor<16x3x3x3xf32>) -> tensor<?x16x?x?xf32>
  return
}

// CHECK-LABEL: func @conv_transpose
func.func @conv_transpose(%x: tensor<1x8x16x16xf32>, %w: tensor<8x4x2x2xf32>, %b: tensor<4xf32>,
                          %w3: tensor<8x2x3x3xf32>) {
  // CHECK: qc.conv_transpose2d %{{.*}}, %{{.*}}, %{{.*}} {strides = array<i64: 2, 2>} : (tensor<1x8x16x16xf32>, tensor<8x4x2x2xf32>, tensor<4xf32>) -> tensor<1x4x32x32xf32>
  %0 = qc.conv_transpose2d %x, %w, %b {strides = array<i64: 2, 2>}
      : (tensor<1x8x16x16xf32>, tensor<8x4x2x2xf32>, tensor<4xf32>) -> tensor<1x4x32x32xf32>
  // CHECK: qc.conv_transpose2d %{{.*}}, %{{.*}} {group = 2 : i64, output_padding = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
  %1 = qc.conv_transpose2d %x, %w3 {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, output_padding = array<i64: 1, 1>, group = 2}
      : (tensor<1x8x16x16xf32>, tensor<8x2x3x3xf32>) -> tensor<1x4x32x32xf32>
  return
}

// CHECK-LABEL: func @normalization
func.func @normalization(%x: tensor<1x40x120xf32>, %g: tensor<120xf32>, %b: tensor<120xf32>,
                         %img: tensor<1x16x8x8xf32>, %c: tensor<16xf32>,
                         %img12: tensor<1x12x8x8xf32>) {
  // CHECK: qc.softmax %{{.*}} : tensor<1x40x120xf32>
  %0 = qc.softmax %x : tensor<1x40x120xf32>
  // CHECK: qc.softmax %{{.*}} {axis = 1 : i64} : tensor<1x40x120xf32>
  %1 = qc.softmax %x {axis = 1} : tensor<1x40x120xf32>
  // CHECK: qc.layer_norm %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 9.99999997E-7 : f32}
  %2 = qc.layer_norm %x, %g, %b {epsilon = 1.0e-06 : f32}
      : (tensor<1x40x120xf32>, tensor<120xf32>, tensor<120xf32>) -> tensor<1x40x120xf32>
  // CHECK: qc.layer_norm %{{.*}}, %{{.*}} : (tensor<1x40x120xf32>, tensor<120xf32>) -> tensor<1x40x120xf32>
  %3 = qc.layer_norm %x, %g : (tensor<1x40x120xf32>, tensor<120xf32>) -> tensor<1x40x120xf32>
  // CHECK: qc.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x16x8x8xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
  %4 = qc.batch_norm %img, %c, %c, %c, %c
      : (tensor<1x16x8x8xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
  // CHECK: qc.hadamard %{{.*}} : tensor<1x16x8x8xf32>
  %5 = qc.hadamard %img : tensor<1x16x8x8xf32>
  // CHECK: qc.hadamard %{{.*}} {axis = 1 : i64} : tensor<1x16x8x8xf32>
  %6 = qc.hadamard %img {axis = 1} : tensor<1x16x8x8xf32>
  // CHECK: qc.hadamard %{{.*}} {axis = 1 : i64, negate = array<i1: true, false, false, false, false, false, false, false, false, false, false, true>} : tensor<1x12x8x8xf32>
  %7 = qc.hadamard %img12 {axis = 1, negate = array<i1: true, false, false, false, false, false, false, false, false, false, false, true>} : tensor<1x12x8x8xf32>
  return
}

// CHECK-LABEL: func @pooling
func.func @pooling(%x: tensor<1x16x32x32xf32>, %y: tensor<1x1x4x4xf32>) {
  // CHECK: qc.max_pool2d %{{.*}} {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : tensor<1x16x32x32xf32> -> tensor<1x16x16x16xf32>
  %0 = qc.max_pool2d %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>}
      : tensor<1x16x32x32xf32> -> tensor<1x16x16x16xf32>
  // CHECK: qc.max_pool2d %{{.*}} {ceil_mode, kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>} : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf32>
  %1 = qc.max_pool2d %y {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, ceil_mode}
      : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf32>
  // CHECK: qc.avg_pool2d %{{.*}} {count_include_pad, kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x16x32x32xf32> -> tensor<1x16x16x16xf32>
  %2 = qc.avg_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, count_include_pad}
      : tensor<1x16x32x32xf32> -> tensor<1x16x16x16xf32>
  // CHECK: qc.global_avg_pool %{{.*}} : tensor<1x16x32x32xf32> -> tensor<1x16x1x1xf32>
  %3 = qc.global_avg_pool %x : tensor<1x16x32x32xf32> -> tensor<1x16x1x1xf32>
  return
}

// CHECK-LABEL: func @reductions
func.func @reductions(%x: tensor<1x40x120xf32>) {
  // CHECK: qc.reduce_mean %{{.*}} {axes = array<i64: -1>} : tensor<1x40x120xf32> -> tensor<1x40x1xf32>
  %0 = qc.reduce_mean %x {axes = array<i64: -1>} : tensor<1x40x120xf32> -> tensor<1x40x1xf32>
  // CHECK: qc.reduce_sum %{{.*}} {axes = array<i64: 1, 2>, keepdims = false} : tensor<1x40x120xf32> -> tensor<1xf32>
  %1 = qc.reduce_sum %x {axes = array<i64: 1, 2>, keepdims = false} : tensor<1x40x120xf32> -> tensor<1xf32>
  // CHECK: qc.reduce_max %{{.*}} : tensor<1x40x120xf32> -> tensor<1x1x1xf32>
  %2 = qc.reduce_max %x : tensor<1x40x120xf32> -> tensor<1x1x1xf32>
  return
}

// CHECK-LABEL: func @shapes
func.func @shapes(%x: tensor<1x64x1x1xf32>, %s: tensor<1x40x120xf32>, %t: tensor<100x16xf32>,
                  %ids: tensor<1x5xi64>, %v: tensor<64xf32>, %d: tensor<?x8xf32>,
                  %q: tensor<4x8x!quant.uniform<i8:f32, 0.1>>, %rd: tensor<1x64x?x5xf32>,
                  %c3: tensor<1x64x3x3xf32>) {
  // CHECK: qc.reshape %{{.*}} : tensor<1x64x1x1xf32> -> tensor<1x64xf32>
  %0 = qc.reshape %x : tensor<1x64x1x1xf32> -> tensor<1x64xf32>
  // CHECK: qc.reshape %{{.*}} : tensor<?x8xf32> -> tensor<?x2x4xf32>
  %1 = qc.reshape %d : tensor<?x8xf32> -> tensor<?x2x4xf32>
  // CHECK: qc.transpose %{{.*}} {perm = array<i64: 0, 2, 1>} : tensor<1x40x120xf32> -> tensor<1x120x40xf32>
  %2 = qc.transpose %s {perm = array<i64: 0, 2, 1>} : tensor<1x40x120xf32> -> tensor<1x120x40xf32>
  // CHECK: qc.concat %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<1x64x1x1xf32>, tensor<1x64x1x1xf32>) -> tensor<1x128x1x1xf32>
  %3 = qc.concat %x, %x {axis = 1} : (tensor<1x64x1x1xf32>, tensor<1x64x1x1xf32>) -> tensor<1x128x1x1xf32>
  // CHECK: qc.flatten %{{.*}} : tensor<1x64x1x1xf32> -> tensor<1x64xf32>
  %4 = qc.flatten %x : tensor<1x64x1x1xf32> -> tensor<1x64xf32>
  // CHECK: qc.squeeze %{{.*}} {axes = array<i64: 2, 3>} : tensor<1x64x1x1xf32> -> tensor<1x64xf32>
  %5 = qc.squeeze %x {axes = array<i64: 2, 3>} : tensor<1x64x1x1xf32> -> tensor<1x64xf32>
  // CHECK: qc.unsqueeze %{{.*}} {axes = array<i64: 0, -1>} : tensor<64xf32> -> tensor<1x64x1xf32>
  %6 = qc.unsqueeze %v {axes = array<i64: 0, -1>} : tensor<64xf32> -> tensor<1x64x1xf32>
  // CHECK: qc.slice %{{.*}} {axes = array<i64: 1>, ends = array<i64: 20>, starts = array<i64: 0>, steps = array<i64: 2>} : tensor<1x40x120xf32> -> tensor<1x10x120xf32>
  %7 = qc.slice %s {starts = array<i64: 0>, ends = array<i64: 20>, axes = array<i64: 1>, steps = array<i64: 2>}
      : tensor<1x40x120xf32> -> tensor<1x10x120xf32>
  // CHECK: qc.resize %{{.*}} {coordinate_transform = #qc.coordinate_transform<asymmetric>, nearest_rounding = #qc.nearest_rounding<floor>, scales = array<f32: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>} : tensor<1x64x1x1xf32> -> tensor<1x64x2x2xf32>
  %r = qc.resize %x {mode = #qc.resize_mode<nearest>, coordinate_transform = #qc.coordinate_transform<asymmetric>,
                     nearest_rounding = #qc.nearest_rounding<floor>, scales = array<f32: 1.0, 1.0, 2.0, 2.0>}
      : tensor<1x64x1x1xf32> -> tensor<1x64x2x2xf32>
  // CHECK: qc.resize %{{.*}} {mode = #qc.resize_mode<linear>, scales = array<f32: 1.000000e+00, 1.000000e+00, 5.000000e-01, 5.000000e-01>} : tensor<1x64x?x5xf32> -> tensor<1x64x?x2xf32>
  %r2 = qc.resize %rd {mode = #qc.resize_mode<linear>, scales = array<f32: 1.0, 1.0, 0.5, 0.5>}
      : tensor<1x64x?x5xf32> -> tensor<1x64x?x2xf32>
  // A product within 1e-4 of an integer counts as it: 3 x (7/3 as f32) is 7.
  // CHECK: qc.resize %{{.*}} {cubic_coeff_a = -5.000000e-01 : f32, exclude_outside, mode = #qc.resize_mode<cubic>, scales = array<f32: 1.000000e+00, 1.000000e+00, 2.33333325, 2.33333325>} : tensor<1x64x3x3xf32> -> tensor<1x64x7x7xf32>
  %r3 = qc.resize %c3 {mode = #qc.resize_mode<cubic>, cubic_coeff_a = -0.5 : f32, exclude_outside, scales = array<f32: 1.0, 1.0, 2.3333333, 2.3333333>}
      : tensor<1x64x3x3xf32> -> tensor<1x64x7x7xf32>
  // CHECK: qc.pad %{{.*}} {pads = array<i64: 0, 0, 1, 0, 0, 0, 1, -1>} : tensor<1x64x1x1xf32> -> tensor<1x64x3x0xf32>
  %p = qc.pad %x {pads = array<i64: 0, 0, 1, 0, 0, 0, 1, -1>} : tensor<1x64x1x1xf32> -> tensor<1x64x3x0xf32>
  // CHECK: qc.pad %{{.*}} {mode = #qc.pad_mode<reflect>, pads = array<i64: 0, 1, 0, 2>} : tensor<?x8xf32> -> tensor<?x11xf32>
  %p2 = qc.pad %d {mode = #qc.pad_mode<reflect>, pads = array<i64: 0, 1, 0, 2>} : tensor<?x8xf32> -> tensor<?x11xf32>
  // CHECK: qc.pad %{{.*}} {mode = #qc.pad_mode<edge>, pads = array<i64: 1, 1>} : tensor<64xf32> -> tensor<66xf32>
  %p3 = qc.pad %v {mode = #qc.pad_mode<edge>, pads = array<i64: 1, 1>, value = 0.0 : f32} : tensor<64xf32> -> tensor<66xf32>
  // CHECK: qc.split %{{.*}} {axis = 2 : i64} : tensor<1x40x120xf32> -> tensor<1x40x20xf32>, tensor<1x40x100xf32>
  %s0, %s1 = qc.split %s {axis = 2} : tensor<1x40x120xf32> -> tensor<1x40x20xf32>, tensor<1x40x100xf32>
  // CHECK: qc.gather %{{.*}}, %{{.*}} : (tensor<100x16xf32>, tensor<1x5xi64>) -> tensor<1x5x16xf32>
  %8 = qc.gather %t, %ids : (tensor<100x16xf32>, tensor<1x5xi64>) -> tensor<1x5x16xf32>
  // Per-tensor quantized tensors move like any other.
  // CHECK: qc.transpose %{{.*}} {perm = array<i64: 1, 0>} : tensor<4x8x!quant.uniform<i8:f32, 1.000000e-01>> -> tensor<8x4x!quant.uniform<i8:f32, 1.000000e-01>>
  %9 = qc.transpose %q {perm = array<i64: 1, 0>}
      : tensor<4x8x!quant.uniform<i8:f32, 0.1>> -> tensor<8x4x!quant.uniform<i8:f32, 0.1>>
  return
}

// CHECK-LABEL: func @quantization
func.func @quantization(%x: tensor<4x8xf32>, %h: tensor<4x8xf16>) {
  // CHECK: qc.observe %{{.*}} {name = "conv1_out"} : tensor<4x8xf32>
  %o = qc.observe %x {name = "conv1_out"} : tensor<4x8xf32>
  // CHECK: qc.observe %{{.*}} {name = "relu", range = array<f64: -1.000000e+00, 2.500000e+00>} : tensor<4x8xf32>
  %o2 = qc.observe %x {name = "relu", range = array<f64: -1.0, 2.5>} : tensor<4x8xf32>
  // Per tensor, signed with zero point.
  // CHECK: qc.quantize %{{.*}} : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i8:f32, 5.000000e-02:-3>>
  %0 = qc.quantize %o : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i8:f32, 0.05:-3>>
  // Unsigned 8-bit.
  // CHECK: tensor<4x8x!quant.uniform<u8:f32, 2.000000e-02:128>>
  %1 = qc.quantize %x : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<u8:f32, 0.02:128>>
  // Narrow-range signed 8-bit (symmetric weights).
  // CHECK: tensor<4x8x!quant.uniform<i8<-127:127>:f32, 1.000000e-01>>
  %2 = qc.quantize %x : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i8<-127:127>:f32, 0.1>>
  // Signed and unsigned 4-bit.
  // CHECK: tensor<4x8x!quant.uniform<i4:f32, 2.500000e-01>>
  %3 = qc.quantize %x : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i4:f32, 0.25>>
  // CHECK: tensor<4x8x!quant.uniform<u4:f32, 2.500000e-01:8>>
  %4 = qc.quantize %x : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<u4:f32, 0.25:8>>
  // Ternary: 2-bit storage with range [-1, 1].
  // CHECK: tensor<4x8x!quant.uniform<i2<-1:1>:f32, 5.000000e-01>>
  %5 = qc.quantize %x : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i2<-1:1>:f32, 0.5>>
  // i32 (bias / accumulator scale).
  // CHECK: tensor<4x8x!quant.uniform<i32:f32, 1.000000e-03>>
  %6 = qc.quantize %x : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i32:f32, 0.001>>
  // Per axis.
  // CHECK: tensor<4x8x!quant.uniform<i8:f32:0, {1.000000e-01,2.000000e-01:1,3.000000e-01,4.000000e-01}>>
  %7 = qc.quantize %x : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i8:f32:0, {0.1, 0.2:1, 0.3, 0.4}>>
  // Sub-channel: blocks of 4 along dimension 1.
  // CHECK: tensor<4x8x!quant.uniform<i4:f32:{0:1, 1:4}, {{.*}}}>>
  %8 = qc.quantize %x : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i4:f32:{0:1, 1:4}, {{0.1, 0.2}, {0.1, 0.2}, {0.1, 0.2}, {0.1, 0.2}}>>
  // f16 expressed type.
  // CHECK: qc.quantize %{{.*}} : tensor<4x8xf16> -> tensor<4x8x!quant.uniform<i8:f16, 1.000000e-01>>
  %9 = qc.quantize %h : tensor<4x8xf16> -> tensor<4x8x!quant.uniform<i8:f16, 0.1>>
  // CHECK: qc.dequantize %{{.*}} : tensor<4x8x!quant.uniform<i8:f32:0, {{.*}}}>> -> tensor<4x8xf32>
  %10 = qc.dequantize %7 : tensor<4x8x!quant.uniform<i8:f32:0, {0.1, 0.2:1, 0.3, 0.4}>> -> tensor<4x8xf32>
  // CHECK: qc.requantize %{{.*}} : tensor<4x8x!quant.uniform<i8:f32, 5.000000e-02:-3>> -> tensor<4x8x!quant.uniform<u8:f32, 2.000000e-02:128>>
  %11 = qc.requantize %0 : tensor<4x8x!quant.uniform<i8:f32, 0.05:-3>> -> tensor<4x8x!quant.uniform<u8:f32, 0.02:128>>
  return
}

!act = !quant.uniform<i8:f32, 0.1:-2>
!out = !quant.uniform<i8:f32, 0.05>

// CHECK-LABEL: func @quantized_compute
func.func @quantized_compute(
    %a: tensor<1x64x!act>,
    %w8: tensor<64x32x!quant.uniform<i8:f32, 0.02>>,
    %wc: tensor<64x4x!quant.uniform<i8<-127:127>:f32:1, {0.1, 0.2, 0.3, 0.4}>>,
    %w4: tensor<64x2x!quant.uniform<i4:f32:{0:32, 1:1}, {{0.5, 0.25}, {0.5, 0.25}}>>,
    %wt: tensor<64x32x!quant.uniform<i2<-1:1>:f32, 0.7>>,
    %bi: tensor<32xi32>, %bf: tensor<2xf32>,
    %x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.02:128>>,
    %k: tensor<4x3x3x3x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.1, 0.3}>>,
    %kb: tensor<4xi32>) {
  // W8A8, per-tensor weights, quantized output, i32 bias.
  // CHECK: qc.qmatmul %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x64x!quant.uniform<i8:f32, 1.000000e-01:-2>>, tensor<64x32x!quant.uniform<i8:f32, 2.000000e-02>>, tensor<32xi32> -> tensor<1x32x!quant.uniform<i8:f32, 5.000000e-02>>
  %0 = qc.qmatmul %a, %w8, %bi : tensor<1x64x!act>, tensor<64x32x!quant.uniform<i8:f32, 0.02>>, tensor<32xi32> -> tensor<1x32x!out>
  // Per-channel weights, raw i32 accumulator.
  // CHECK: qc.qmatmul {{.*}} -> tensor<1x4xi32>
  %1 = qc.qmatmul %a, %wc : tensor<1x64x!act>, tensor<64x4x!quant.uniform<i8<-127:127>:f32:1, {0.1, 0.2, 0.3, 0.4}>> -> tensor<1x4xi32>
  // W4A8 with groups of 32 along K, float output and float bias.
  // CHECK: qc.qmatmul {{.*}}, tensor<2xf32> -> tensor<1x2xf32>
  %2 = qc.qmatmul %a, %w4, %bf : tensor<1x64x!act>, tensor<64x2x!quant.uniform<i4:f32:{0:32, 1:1}, {{0.5, 0.25}, {0.5, 0.25}}>>, tensor<2xf32> -> tensor<1x2xf32>
  // Ternary weights.
  // CHECK: qc.qmatmul {{.*}}!quant.uniform<i2<-1:1>:f32, 0.69999999999999996>> -> tensor<1x32xf32>
  %3 = qc.qmatmul %a, %wt : tensor<1x64x!act>, tensor<64x32x!quant.uniform<i2<-1:1>:f32, 0.7>> -> tensor<1x32xf32>
  // CHECK: qc.qconv2d %{{.*}}, %{{.*}}, %{{.*}} {pads = array<i64: 1, 1, 1, 1>}
  %4 = qc.qconv2d %x, %k, %kb {pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.02:128>>, tensor<4x3x3x3x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.1, 0.3}>>, tensor<4xi32>)
      -> tensor<1x4x8x8x!out>
  return
}

{-#
  dialect_resources: {
    builtin: {
      weight_blob: "0x040000000000803F000000400000404000008040"
    }
  }
#-}

// CHECK-LABEL: func @argmax_argmin
func.func @argmax_argmin(%x: tensor<4x10xf32>) {
  // CHECK: qc.argmax %{{.*}} {axis = 1 : i64} : tensor<4x10xf32> -> tensor<4x1xi64>
  %0 = qc.argmax %x {axis = 1 : i64} : tensor<4x10xf32> -> tensor<4x1xi64>
  // CHECK: qc.argmin %{{.*}} {keepdims = false, select_last_index} : tensor<4x10xf32> -> tensor<10xi64>
  %1 = qc.argmin %x {keepdims = false, select_last_index} : tensor<4x10xf32> -> tensor<10xi64>
  return
}

// CHECK-LABEL: func @gather_elements
func.func @gather_elements(%x: tensor<2x3xf32>, %i: tensor<2x2xi64>) {
  // CHECK: qc.gather_elements %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x2xi64>) -> tensor<2x2xf32>
  %0 = qc.gather_elements %x, %i {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x2xi64>) -> tensor<2x2xf32>
  return
}

// CHECK-LABEL: func @mod
func.func @mod(%a: tensor<6xi32>, %x: tensor<6xf32>) {
  // CHECK: qc.mod %{{.*}}, %{{.*}} : tensor<6xi32>, tensor<6xi32> -> tensor<6xi32>
  %0 = qc.mod %a, %a : tensor<6xi32>, tensor<6xi32> -> tensor<6xi32>
  // CHECK: qc.mod %{{.*}}, %{{.*}} {fmod} : tensor<6xf32>, tensor<6xf32> -> tensor<6xf32>
  %1 = qc.mod %x, %x {fmod} : tensor<6xf32>, tensor<6xf32> -> tensor<6xf32>
  return
}
