// A small quantized model for export.mlir: a per-channel pointwise
// convolution with an i32 bias and a float result, a 4-bit (narrow range)
// activation grid, a per-column matmul with a quantized result.
func.func @main(%x: tensor<1x2x4x4xf32> {onnx.name = "x"})
    -> (tensor<1x2xf32> {onnx.name = "probabilities"},
        tensor<1x3x4x4xf32> {onnx.name = "features"}) {
  %w1 = qc.constant dense<[[[[1]], [[-2]]], [[[3]], [[4]]], [[[-5]], [[6]]]]> : tensor<3x2x1x1xi8>
  %b1 = qc.constant dense<[10, -20, 30]> : tensor<3xi32>
  %w2 = qc.constant dense<[[1, 2], [3, -4], [5, 6]]> : tensor<3x2xi8>
  %xq = qc.quantize %x : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.02:128>>
  %w1q = quant.scast %w1 : tensor<3x2x1x1xi8> to tensor<3x2x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.1, 0.2, 0.05}>>
  %c = qc.qconv2d %xq, %w1q, %b1 : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.02:128>>, tensor<3x2x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.1, 0.2, 0.05}>>, tensor<3xi32>) -> tensor<1x3x4x4xf32>
  %r = qc.relu %c : tensor<1x3x4x4xf32>
  %p = qc.global_avg_pool %r : tensor<1x3x4x4xf32> -> tensor<1x3x1x1xf32>
  %f = qc.reshape %p : tensor<1x3x1x1xf32> -> tensor<1x3xf32>
  %fq = qc.quantize %f : tensor<1x3xf32> -> tensor<1x3x!quant.uniform<u8<0:15>:f32, 0.1:2>>
  %w2q = quant.scast %w2 : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8<-127:127>:f32:1, {0.1, 0.3}>>
  %m = qc.qmatmul %fq, %w2q : tensor<1x3x!quant.uniform<u8<0:15>:f32, 0.1:2>>, tensor<3x2x!quant.uniform<i8<-127:127>:f32:1, {0.1, 0.3}>> -> tensor<1x2x!quant.uniform<i8:f32, 0.05:-3>>
  %md = qc.dequantize %m : tensor<1x2x!quant.uniform<i8:f32, 0.05:-3>> -> tensor<1x2xf32>
  %s = qc.softmax %md : tensor<1x2xf32>
  return %s, %c : tensor<1x2xf32>, tensor<1x3x4x4xf32>
}
