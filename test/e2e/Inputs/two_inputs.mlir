// A model with two inputs for multi-input calibration: a matmul of a by
// b's transpose, then a relu.
func.func @main(%a: tensor<2x3xf32> {onnx.name = "a"}, %b: tensor<2x3xf32> {onnx.name = "b"}) -> tensor<2x2xf32> {
  %p = qc.gemm %a, %b {trans_b} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x2xf32>
  %r = qc.relu %p : tensor<2x2xf32>
  return %r : tensor<2x2xf32>
}
