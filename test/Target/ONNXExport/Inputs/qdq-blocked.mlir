// int4 weights (i8 storage, range [-8, 7]) with one scale per 8 rows of K
// (a sub-channel type): the export needs DequantizeLinear's block_size
// (opset 21).
func.func @main(%x: tensor<1x1x2x16xf32> {onnx.name = "x"})
    -> (tensor<2x2xf32> {onnx.name = "y"}) {
  %w = qc.constant dense<[[1, -8], [7, 3], [-2, 5], [4, -6], [0, 1], [-1, 2], [3, -3], [6, 7],
                          [-7, 2], [5, -5], [2, 0], [-4, 4], [1, 1], [-8, -2], [3, 6], [0, -1]]> : tensor<16x2xi8>
  %x2 = qc.reshape %x : tensor<1x1x2x16xf32> -> tensor<2x16xf32>
  %xq = qc.quantize %x2 : tensor<2x16xf32> -> tensor<2x16x!quant.uniform<u8:f32, 0.03:100>>
  %wq = quant.scast %w : tensor<16x2xi8> to tensor<16x2x!quant.uniform<i8<-8:7>:f32:{0:8, 1:1}, {{0.1, 0.2}, {0.3, 0.4}}>>
  %m = qc.qmatmul %xq, %wq : tensor<2x16x!quant.uniform<u8:f32, 0.03:100>>, tensor<16x2x!quant.uniform<i8<-8:7>:f32:{0:8, 1:1}, {{0.1, 0.2}, {0.3, 0.4}}>> -> tensor<2x2xf32>
  %g = qc.gelu %m : tensor<2x2xf32>
  return %g : tensor<2x2xf32>
}
