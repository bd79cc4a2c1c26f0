// Float activations with ONNX attributes, PRelu and Max / Min: exported as
// one ONNX node each with the attributes qc carries (Mish makes it opset
// 18). ONNX Runtime computes on the file what quantc computes on this.
func.func @main(%x: tensor<1x3x8x8xf32> {onnx.name = "x"})
    -> (tensor<1x3x8x8xf32> {onnx.name = "y"}) {
  %slope = qc.constant dense<[[[0.1]], [[-0.2]], [[0.3]]]> : tensor<3x1x1xf32>
  %one = qc.constant dense<1.0> : tensor<f32>
  %lo = qc.constant dense<-0.5> : tensor<1xf32>
  %0 = qc.leaky_relu %x {alpha = 0.2 : f32} : tensor<1x3x8x8xf32>
  %1 = qc.elu %x {alpha = 0.5 : f32} : tensor<1x3x8x8xf32>
  %2 = qc.selu %x {gamma = 2.0 : f32} : tensor<1x3x8x8xf32>
  %3 = qc.celu %x {alpha = 2.0 : f32} : tensor<1x3x8x8xf32>
  %4 = qc.thresholded_relu %x {alpha = 0.5 : f32} : tensor<1x3x8x8xf32>
  %5 = qc.prelu %x, %slope : tensor<1x3x8x8xf32>, tensor<3x1x1xf32> -> tensor<1x3x8x8xf32>
  %6 = qc.mish %x : tensor<1x3x8x8xf32>
  %7 = qc.softsign %x : tensor<1x3x8x8xf32>
  %8 = qc.softplus %x : tensor<1x3x8x8xf32>
  %9 = qc.log %8 : tensor<1x3x8x8xf32>
  %10 = qc.add %8, %one : tensor<1x3x8x8xf32>, tensor<f32> -> tensor<1x3x8x8xf32>
  %11 = qc.acosh %10 : tensor<1x3x8x8xf32>
  %12 = qc.sin %x : tensor<1x3x8x8xf32>
  %13 = qc.atan %x : tensor<1x3x8x8xf32>
  %14 = qc.round %x : tensor<1x3x8x8xf32>
  %15 = qc.sign %x : tensor<1x3x8x8xf32>
  %a = qc.add %0, %1 : tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
  %b = qc.add %a, %2 : tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
  %c = qc.add %b, %3 : tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
  %d = qc.max %c, %4 : tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
  %e = qc.min %d, %5 : tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
  %f = qc.add %e, %6 : tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
  %g = qc.mul %f, %7 : tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
  %h = qc.add %g, %9 : tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
  %i = qc.add %h, %11 : tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
  %j = qc.add %i, %12 : tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
  %k = qc.add %j, %13 : tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
  %l = qc.add %k, %14 : tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
  %m = qc.max %l, %lo : tensor<1x3x8x8xf32>, tensor<1xf32> -> tensor<1x3x8x8xf32>
  %y = qc.mul %m, %15 : tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
  return %y : tensor<1x3x8x8xf32>
}
