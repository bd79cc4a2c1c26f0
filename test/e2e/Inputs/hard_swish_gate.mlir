// A hard swish written out as PaddlePaddle exports it, x * clip(x + 3,
// 0, 6) / 6, and the same clip multiplied by a constant instead of x;
// test/e2e/hard-swish-gate.test.
func.func @main(%input0: tensor<4x72xf32>) -> (tensor<4x72xf32>, tensor<4x72xf32>) {
  %three = qc.constant dense<3.0> : tensor<f32>
  %six = qc.constant dense<6.0> : tensor<f32>
  %two = qc.constant dense<2.0> : tensor<f32>
  %shifted = qc.add %input0, %three : tensor<4x72xf32>, tensor<f32> -> tensor<4x72xf32>
  %gate = qc.clip %shifted {min = 0.0 : f32, max = 6.0 : f32} : tensor<4x72xf32>
  %gated = qc.mul %input0, %gate : tensor<4x72xf32>, tensor<4x72xf32> -> tensor<4x72xf32>
  %swish = qc.div %gated, %six : tensor<4x72xf32>, tensor<f32> -> tensor<4x72xf32>
  %clipped = qc.clip %shifted {min = 0.0 : f32, max = 6.0 : f32} : tensor<4x72xf32>
  %scaled = qc.mul %clipped, %two : tensor<4x72xf32>, tensor<f32> -> tensor<4x72xf32>
  return %swish, %scaled : tensor<4x72xf32>, tensor<4x72xf32>
}
