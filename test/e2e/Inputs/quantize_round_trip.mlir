// qc.quantize then qc.dequantize, per tensor (u8) and per row (i8);
// test/e2e/quantize-special-values.test.
func.func @main(%input0: tensor<4x72xf32>) -> (tensor<4x72xf32>, tensor<4x72xf32>) {
  %q = qc.quantize %input0 : tensor<4x72xf32> -> tensor<4x72x!quant.uniform<u8:f32, 0.05:3>>
  %y = qc.dequantize %q : tensor<4x72x!quant.uniform<u8:f32, 0.05:3>> -> tensor<4x72xf32>
  %r = qc.quantize %input0 : tensor<4x72xf32> -> tensor<4x72x!quant.uniform<i8:f32:0, {0.05:3, 0.1:-2, 0.02:0, 0.5:10}>>
  %z = qc.dequantize %r : tensor<4x72x!quant.uniform<i8:f32:0, {0.05:3, 0.1:-2, 0.02:0, 0.5:10}>> -> tensor<4x72xf32>
  return %y, %z : tensor<4x72xf32>, tensor<4x72xf32>
}
