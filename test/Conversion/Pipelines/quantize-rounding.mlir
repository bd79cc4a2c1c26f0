// RUN: quant-opt %s -qc-lower-to-llvm | FileCheck %s

// qc.quantize rounds half to even with LLVM's roundeven intrinsic, which
// the loop vectorizer turns into vroundps / frintn per vector. As a libm
// roundevenf call (what math-to-libm makes of it) every element paid a
// call, in every quantize of an int8 model.
// CHECK-LABEL: llvm.func @quantize
// CHECK: llvm.intr.roundeven
// CHECK-NOT: roundevenf
func.func @quantize(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %q = qc.quantize %x : tensor<4x64xf32> -> tensor<4x64x!quant.uniform<u8:f32, 0.05:3>>
  %y = qc.dequantize %q : tensor<4x64x!quant.uniform<u8:f32, 0.05:3>> -> tensor<4x64xf32>
  return %y : tensor<4x64xf32>
}
