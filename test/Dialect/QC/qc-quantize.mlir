// RUN: quant-opt %s -split-input-file -qc-quantize | FileCheck %s
// RUN: quant-opt %s -split-input-file -qc-quantize="bias-correction=false" | FileCheck %s --check-prefix=NOCORR
// RUN: quant-opt %s -split-input-file -qc-quantize="keep-float=fc_out" | FileCheck %s --check-prefix=KEEP
// RUN: quant-opt %s -split-input-file -qc-quantize="per-channel-depthwise=false" | FileCheck %s --check-prefix=PERTENSOR
// RUN: quant-opt %s -split-input-file -qc-quantize="weights=int4" | FileCheck %s --check-prefix=INT4
// RUN: quant-opt %s -split-input-file -qc-quantize="weights=ternary-absmean" | FileCheck %s --check-prefix=TERNARY
// RUN: not quant-opt %s -split-input-file -qc-quantize="weights=int3" 2>&1 | FileCheck %s --check-prefix=BADWEIGHTS

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
// int4: scales 0.5 / 7 and 2 / 7, rows [7, 0], [-4, -7], [0, 4] (-3.5 and
// 3.5 round to even), stored in i8 with storage range [-7, 7].
// INT4-LABEL: func @linear
// INT4: quant.scast {{.*}} to tensor<3x2x!quant.uniform<i8<-7:7>:f32:1, {0.071428571428571425,0.2857142857142857}>>
// INT4: int8_weights: "0x010000000700FCF90004"
// Ternary (absmean): scales mean |w| = 0.25 and 1, rows [1, 0], [-1, -1]
// (-2 clipped), [0, 1].
// TERNARY-LABEL: func @linear
// TERNARY: quant.scast {{.*}} to tensor<3x2x!quant.uniform<i8<-1:1>:f32:1, {2.500000e-01,1.000000e+00}>>
// TERNARY: int8_weights: "0x010000000100FFFF0001"
// BADWEIGHTS: error: unknown weights 'int3'; expected int8, int6, int4, ternary-absmean or ternary-twn
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

// -----

// Bias correction from the probe's channel means [1, 2, 2]: the rounded
// weights err by -1/508 at (k=1, n=0) and +1/127 at (k=2, n=1), so the
// biases become +1/254 and -2/127, i.e. 85 and -85 at s_x * s_w.
// CHECK-LABEL: func @bias_correction
// CHECK: %[[B:.*]] = qc.constant dense<[85, -85]> : tensor<2xi32>
// CHECK: qc.qmatmul {{.*}}, %[[B]]
// NOCORR-LABEL: func @bias_correction
// NOCORR: qc.constant dense<0> : tensor<2xi32>
// KEEP-LABEL: func @bias_correction
// KEEP-NOT: qc.qmatmul
// KEEP: qc.matmul
func.func @bias_correction(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %xo = qc.observe %x {name = "x", range = array<f64: -1.0, 2.0>, channel_mean = array<f64: 1.0, 2.0, 2.0>} : tensor<2x3xf32>
  %w = qc.constant dense<[[0.5, 0.0], [-0.25, -2.0], [0.0, 1.0]]> : tensor<3x2xf32>
  %y = qc.matmul %xo, %w : tensor<2x3xf32>, tensor<3x2xf32> -> tensor<2x2xf32> loc("fc_out")
  return %y : tensor<2x2xf32>
}

// -----

// A depthwise convolution whose probe has per-channel ranges takes its
// input per channel: [-1, 1] -> 2/255 : 128 and [0, 4] -> 4/255 : 0; the
// i32 bias uses each channel's own input scale (0.1 / (2/255 * 1/127)).
// CHECK-LABEL: func @depthwise_per_channel
// CHECK-DAG: qc.quantize %{{.*}} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!quant.uniform<u8:f32:1, {0.0078431372549019607:128,0.015686274509803921}>>
// CHECK-DAG: qc.constant dense<[1619, 0]> : tensor<2xi32>
// CHECK: qc.qconv2d {{.*}}group = 2
// NOCORR-LABEL: func @depthwise_per_channel
// NOCORR: qc.quantize %{{.*}} -> tensor<1x2x4x4x!quant.uniform<u8:f32:1,
// PERTENSOR-LABEL: func @depthwise_per_channel
// PERTENSOR: qc.quantize %{{.*}} -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.019607843137254902:51>>
func.func @depthwise_per_channel(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %xo = qc.observe %x {name = "x", range = array<f64: -1.0, 4.0>, channel_range = array<f64: -1.0, 1.0, 0.0, 4.0>} : tensor<1x2x4x4xf32>
  %w = qc.constant dense<[[[[1.0]]], [[[-1.0]]]]> : tensor<2x1x1x1xf32>
  %b = qc.constant dense<[0.1, 0.0]> : tensor<2xf32>
  %y = qc.conv2d %xo, %w, %b {group = 2 : i64} : (tensor<1x2x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}
