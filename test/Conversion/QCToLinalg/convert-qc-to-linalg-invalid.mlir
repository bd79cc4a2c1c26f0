// RUN: quant-opt %s -split-input-file -convert-qc-to-linalg -verify-diagnostics

func.func @dynamic(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{'qc.relu' op has a dynamic shape; the lowering needs static shapes (import with --input-shape)}}
  %0 = qc.relu %x : tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:10>
!w = !quant.uniform<i8<-7:7>:f32:{0:8, 1:1}, {{0.1, 0.2}, {0.3, 0.4}}>
func.func @blocked_weights_not_constant(%x: tensor<3x16xf32>, %w: tensor<16x2xi8>) -> tensor<3x2xf32> {
  %xq = qc.quantize %x : tensor<3x16xf32> -> tensor<3x16x!u8>
  %wq = quant.scast %w : tensor<16x2xi8> to tensor<16x2x!w>
  // expected-error @+1 {{'qc.qmatmul' op blocked weights must be constant and symmetric, in blocks along the contraction dimension (K, or a pointwise convolution's input channels) with one scale per block and output channel}}
  %y = qc.qmatmul %xq, %wq : tensor<3x16x!u8>, tensor<16x2x!w> -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:10>
!w = !quant.uniform<i8<-7:7>:f32:{0:1, 1:8, 2:1, 3:1}, {{{{0.1}}, {{0.2}}}}>
func.func @blocked_strided_pointwise(%x: tensor<1x16x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %xq = qc.quantize %x : tensor<1x16x4x4xf32> -> tensor<1x16x4x4x!u8>
  %w = qc.constant dense<1> : tensor<1x16x1x1xi8>
  %wq = quant.scast %w : tensor<1x16x1x1xi8> to tensor<1x16x1x1x!w>
  // expected-error @+1 {{'qc.qconv2d' op with blocked weights is lowered for one image, unit strides and no padding only}}
  %y = qc.qconv2d %xq, %wq {strides = array<i64: 2, 2>} : (tensor<1x16x4x4x!u8>, tensor<1x16x1x1x!w>) -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}
