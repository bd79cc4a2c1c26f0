// RUN: %quant_translate --export-onnx %s -verify-diagnostics -split-input-file -o /dev/null

// Every op ONNX cannot spell is named once, with its count.
// expected-error @+1 {{ops with no ONNX form (online Hadamard transforms and log-domain products cannot be exported): qc.hadamard x2}}
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %h = qc.hadamard %x : tensor<1x8xf32>
  %g = qc.hadamard %h : tensor<1x8xf32>
  return %g : tensor<1x8xf32>
}

// -----

// A raw i32 accumulator has no QDQ form.
// expected-error @+1 {{qc.qmatmul (i32 accumulator result) x1}}
func.func @main(%x: tensor<1x4x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<4x2x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x2xi32> {
  %y = qc.qmatmul %x, %w : tensor<1x4x!quant.uniform<u8:f32, 0.1:3>>, tensor<4x2x!quant.uniform<i8:f32, 0.5>> -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}

// -----

// expected-error @+1 {{no function to export to ONNX (no @main and not exactly one function)}}
module {
  func.func @a() {
    return
  }
  func.func @b() {
    return
  }
}
