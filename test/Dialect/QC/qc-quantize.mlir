// RUN: quant-opt %s -split-input-file -qc-quantize | FileCheck %s

// A calibrated x * W: u8 activations from the range, per-column narrow i8
// weights (scale = max|w| / 127: 0.5 / 127 and 2 / 127), i32 bias at
// s_x * s_w, f32 result.
// CHECK-LABEL: func @linear
// CHECK-DAG: %[[W:.*]] = qc.constant dense_resource<int8_weights> : tensor<3x2xi8>
// CHECK-DAG: %[[XQ:.*]] = qc.quantize %{{.*}} : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<u8:f32, 0.011764705882352941:85>>
// CHECK: %[[WQ:.*]] = quant.scast %[[W]] : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8<-127:127>:f32:1, {0.003937007874015748,0.015748031496062992}>>
// CHECK: qc.qmatmul %[[XQ]], %[[WQ]], %{{.*}} : {{.*}}, tensor<2xi32> -> tensor<2x2xf32>
// Rows [127, 0], [-64, -127], [0, 64] (1 / 0.01575 = 63.5 rounds to even).
// CHECK: int8_weights: "0x010000007F00C0810040"
func.func @linear(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %xo = qc.observe %x {name = "x", range = array<f64: -1.0, 2.0>} : tensor<2x3xf32>
  %w = qc.constant dense<[[0.5, 0.0], [-0.25, -2.0], [0.0, 1.0]]> : tensor<3x2xf32>
  %y = qc.matmul %xo, %w : tensor<2x3xf32>, tensor<3x2xf32> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// Without a calibrated range the op stays float.
// CHECK-LABEL: func @uncalibrated
// CHECK: qc.matmul
func.func @uncalibrated(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %xo = qc.observe %x {name = "x"} : tensor<2x3xf32>
  %w = qc.constant dense<1.0> : tensor<3x2xf32>
  %y = qc.matmul %xo, %w : tensor<2x3xf32>, tensor<3x2xf32> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// CHECK-LABEL: func @conv
// CHECK: qc.qconv2d {{.*}}tensor<2x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {{.*}}>>, tensor<2xi32>) -> tensor<1x2x4x4xf32>
func.func @conv(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %xo = qc.observe %x {name = "x", range = array<f64: 0.0, 4.0>} : tensor<1x1x4x4xf32>
  %w = qc.constant dense<[[[[0.5]]], [[[-1.0]]]]> : tensor<2x1x1x1xf32>
  %b = qc.constant dense<[0.1, 0.2]> : tensor<2xf32>
  %y = qc.conv2d %xo, %w, %b : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}
