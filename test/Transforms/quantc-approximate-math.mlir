// RUN: quant-opt %s -quantc-approximate-math | FileCheck %s
// Without the pass the checks fail: they cover the whole function.
// RUN: quant-opt %s | not FileCheck %s
// RUN: quant-opt %s -quantc-approximate-math=expand-others | FileCheck %s --check-prefix=GPU

// exp, tanh, erf and powf leave no math op the GPU would need libdevice
// for: they become arith polynomials (powf through exp and log first).
// The CHECK-NOTs hold from the label to the return, not only up to the
// first polynomial.
// CHECK-LABEL: func.func @activations
// CHECK-NOT:     {{math\.(exp|tanh|erf|powf|log)}}
// CHECK:         arith.mulf
// CHECK-NOT:     {{math\.(exp|tanh|erf|powf|log)}}
// CHECK:         return
func.func @activations(%x: f32, %y: f32) -> (f32, f32, f32, f32) {
  %e = math.exp %x : f32
  %t = math.tanh %x : f32
  %r = math.erf %x : f32
  %p = math.powf %x, %y : f32
  return %e, %t, %r, %p : f32, f32, f32, f32
}

// powf on vectors (short rows run as masked chunks): its special cases
// compare with splat constants.
// CHECK-LABEL: func.func @vector_powf
// CHECK-DAG:     arith.constant dense<5.000000e-01> : vector<16xf32>
// CHECK-DAG:     arith.constant dense<2.000000e+00> : vector<16xf32>
// CHECK-NOT:     math.powf
// CHECK:         return
func.func @vector_powf(%x: vector<16xf32>, %y: vector<16xf32>) -> vector<16xf32> {
  %p = math.powf %x, %y : vector<16xf32>
  return %p : vector<16xf32>
}

// sqrt stays: it is one exact instruction on every target.
// CHECK-LABEL: func.func @exact
// CHECK:         math.sqrt
func.func @exact(%x: f32) -> f32 {
  %s = math.sqrt %x : f32
  return %s : f32
}

// MLIR has no polynomials for the hyperbolic functions and tan: the CPU
// keeps them for libm, the GPU pipeline expands them into exp, log, sqrt,
// sin and cos, which the polynomials then take.
// CHECK-LABEL: func.func @hyperbolic
// CHECK:         math.sinh
// CHECK:         math.tan
// CHECK:         math.atanh
// GPU-LABEL:     func.func @hyperbolic
// GPU-NOT:       {{math\.(sinh|cosh|tan|atanh|exp|log|sin|cos)}}
// GPU:           return
func.func @hyperbolic(%x: f32) -> (f32, f32, f32) {
  %s = math.sinh %x : f32
  %t = math.tan %x : f32
  %a = math.atanh %x : f32
  return %s, %t, %a : f32, f32, f32
}
