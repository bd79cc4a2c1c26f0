// RUN: quant-opt %s -split-input-file -qc-quantize="weights=int4 group=8 bias-correction=false" | FileCheck %s
// RUN: not quant-opt %s -split-input-file -qc-quantize="weights=int8 group=8" 2>&1 | FileCheck %s --check-prefix=NOTINT4
// RUN: not quant-opt %s -split-input-file -qc-quantize="weights=int4 group=12" 2>&1 | FileCheck %s --check-prefix=NOTMULTIPLE8

// x [1, 16] * W [16, 2] with one int4 scale per 8 rows of each column:
// column 0 has max |w| 0.7 then 1.4 (scales 0.1, 0.2), column 1 3.5 then
// 0.07 (0.5, 0.01): a sub-channel type with blocks of 8 along K, scales
// [K / 8][N], and the bias in f32 (no single i32 scale per column).
// CHECK-LABEL: func @grouped_linear
// CHECK: quant.scast {{.*}} : tensor<16x2xi8> to tensor<16x2x!quant.uniform<i8<-7:7>:f32:{0:8, 1:1}, {{[{][{]}}1.000000e-01, 5.000000e-01}, {2.000000e-01, 0.0099999{{[0-9]+}}}}>>
// CHECK: qc.qmatmul {{.*}}, tensor<2xf32> -> tensor<1x2xf32>
// Rows 0..7: [7, 7], [-7, -1] (-0.7 / 0.1; -0.5 / 0.5), [0.35 / 0.1 = 3.5
// -> 4, 0], zeros; rows 8..15: [7, 7] (1.4 / 0.2; 0.07 / 0.01), zeros.
// CHECK: int4_weights: "0x010000000707F9FF00000000040000000000000007070000000000000000000000000000"
// NOTINT4: error: group 8: weight groups need weights=int4 and a positive multiple of 8
// NOTMULTIPLE8: error: group 12: weight groups need weights=int4 and a positive multiple of 8
func.func @grouped_linear(%x: tensor<1x16xf32>) -> tensor<1x2xf32> {
  %xo = qc.observe %x {name = "x", range = array<f64: -1.0, 2.0>} : tensor<1x16xf32>
  %w = qc.constant dense<[[0.7, 3.5], [-0.7, -0.5], [0.0, 0.0], [0.0, 0.0],
                          [0.35, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                          [1.4, 0.07], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                          [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]> : tensor<16x2xf32>
  %b = qc.constant dense<[0.25, -0.5]> : tensor<2xf32>
  %y = qc.gemm %xo, %w, %b : (tensor<1x16xf32>, tensor<16x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A pointwise convolution (Cin 16) takes groups of 8 along the input
// channels: blocks {1:8}, scales [Cout][Cin / 8][1][1]. A 3x3 one keeps
// one scale per output channel (and its i32 bias).
// CHECK-LABEL: func @grouped_pointwise
// CHECK: tensor<2x16x1x1x!quant.uniform<i8<-7:7>:f32:{0:1, 1:8, 2:1, 3:1}, {{.*}}>>
// CHECK: qc.qconv2d {{.*}}tensor<2xf32>) -> tensor<1x2x3x3xf32>
// CHECK: tensor<2x2x3x3x!quant.uniform<i8<-7:7>:f32:0, {{.*}}>>
// CHECK: qc.qconv2d {{.*}}tensor<2xi32>) -> tensor<1x2x1x1xf32>
func.func @grouped_pointwise(%x: tensor<1x16x3x3xf32>, %u: tensor<1x2x3x3xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>) {
  %xo = qc.observe %x {name = "x", range = array<f64: 0.0, 4.0>} : tensor<1x16x3x3xf32>
  %w = qc.constant dense<0.5> : tensor<2x16x1x1xf32>
  %y = qc.conv2d %xo, %w : (tensor<1x16x3x3xf32>, tensor<2x16x1x1xf32>) -> tensor<1x2x3x3xf32>
  %uo = qc.observe %u {name = "u", range = array<f64: 0.0, 4.0>} : tensor<1x2x3x3xf32>
  %v = qc.constant dense<0.25> : tensor<2x2x3x3xf32>
  %z = qc.conv2d %uo, %v : (tensor<1x2x3x3xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x1x1xf32>
  return %y, %z : tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>
}

// -----

// GPTQ (gptq=true) reads the probe's E[x x^T]. Diagonal (uncorrelated
// inputs): nothing spreads, the same weights as round to nearest.
// Correlated inputs: the rounding errors spread, other weights.
// RUN: quant-opt %s -split-input-file -qc-quantize="weights=int4 group=8 bias-correction=false" > %t.rtn
// RUN: quant-opt %s -split-input-file -qc-quantize="weights=int4 group=8 bias-correction=false gptq=true" > %t.gptq
// RUN: sed -n '/func @gptq_diagonal/,/-----/p' %t.rtn | sed 's/qc.gptq_error_ratio = [^,]*, //; s/qc.weight_rounding = "[^"]*", //' > %t.rtn.diagonal
// RUN: sed -n '/func @gptq_diagonal/,/-----/p' %t.gptq | sed 's/qc.gptq_error_ratio = [^,]*, //; s/qc.weight_rounding = "[^"]*", //' > %t.gptq.diagonal
// RUN: diff %t.rtn.diagonal %t.gptq.diagonal
// RUN: not diff %t.rtn %t.gptq
// The report's per-layer rounding: GPTQ where the input has E[x x^T],
// round to nearest and why where it has not.
// RUN: FileCheck %s --check-prefix=ROUNDING < %t.gptq
// RUN: FileCheck %s --check-prefix=RTN < %t.rtn
// ROUNDING-LABEL: func @grouped_linear
// ROUNDING: qc.weight_rounding = "round to nearest: the input's probe carries no E[x x^T] (calibrated without GPTQ, or a cache without its .moments folder)"
// With E[x x^T] diagonal GPTQ is round to nearest (ratio 1); with
// correlated inputs its output error proxy is about half of RTN's.
// ROUNDING-LABEL: func @gptq_diagonal
// ROUNDING: qc.gptq_error_ratio = 1.000000e+00 : f64, qc.weight_rounding = "gptq"
// ROUNDING-LABEL: func @gptq_correlated
// ROUNDING: qc.gptq_error_ratio = 0.5{{[0-9]*}} : f64, qc.weight_rounding = "gptq"
// RTN-LABEL: func @gptq_correlated
// RTN: qc.weight_rounding = "round to nearest"
func.func @gptq_diagonal(%x: tensor<1x8xf32>) -> tensor<1x2xf32> {
  %xo = qc.observe %x {name = "x", range = array<f64: -1.0, 2.0>, channel_second_moment = array<f64: 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 4.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 5.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 6.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 7.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 8.0>} : tensor<1x8xf32>
  %w = qc.constant dense<[[0.33, -0.71], [0.12, 0.45], [-0.27, 0.05], [0.61, -0.18], [0.08, 0.92], [-0.44, 0.13], [0.29, -0.36], [-0.05, 0.21]]> : tensor<8x2xf32>
  %y = qc.matmul %xo, %w : tensor<1x8xf32>, tensor<8x2xf32> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

func.func @gptq_correlated(%x: tensor<1x8xf32>) -> tensor<1x2xf32> {
  %xo = qc.observe %x {name = "x", range = array<f64: -1.0, 2.0>, channel_second_moment = array<f64: 1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.9, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.8, 0.9, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.7, 0.8, 0.9, 1.0, 0.9, 0.8, 0.7, 0.6, 0.6, 0.7, 0.8, 0.9, 1.0, 0.9, 0.8, 0.7, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 0.9, 0.8, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 0.9, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0>} : tensor<1x8xf32>
  %w = qc.constant dense<[[0.33, -0.71], [0.12, 0.45], [-0.27, 0.05], [0.61, -0.18], [0.08, 0.92], [-0.44, 0.13], [0.29, -0.36], [-0.05, 0.21]]> : tensor<8x2xf32>
  %y = qc.matmul %xo, %w : tensor<1x8xf32>, tensor<8x2xf32> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
