// RUN: quant-opt %s -quantc-math-to-nvvm-intrinsics | FileCheck %s

// CHECK-LABEL: func.func @exact
// CHECK:         llvm.call_intrinsic "llvm.sqrt.f32"(%{{.*}}) : (f32) -> f32
// CHECK:         llvm.call_intrinsic "llvm.floor.f32"(%{{.*}}) : (f32) -> f32
// CHECK:         llvm.call_intrinsic "llvm.ceil.f32"(%{{.*}}) : (f32) -> f32
// CHECK:         llvm.call_intrinsic "llvm.sqrt.f64"(%{{.*}}) : (f64) -> f64
// CHECK:         llvm.call_intrinsic "llvm.fma.f32"(%{{.*}}, %{{.*}}, %{{.*}}) : (f32, f32, f32) -> f32
// CHECK:         llvm.call_intrinsic "llvm.roundeven.f32"(%{{.*}}) : (f32) -> f32
// CHECK:         llvm.call_intrinsic "llvm.fabs.f32"(%{{.*}}) : (f32) -> f32
// CHECK:         llvm.call_intrinsic "llvm.copysign.f32"(%{{.*}}, %{{.*}}) : (f32, f32) -> f32
// CHECK-NOT:     math.
func.func @exact(%x: f32, %d: f64) -> (f32, f32, f32, f64, f32, f32, f32, f32) {
  %s = math.sqrt %x : f32
  %f = math.floor %x : f32
  %c = math.ceil %x : f32
  %sd = math.sqrt %d : f64
  %m = math.fma %x, %x, %x : f32
  %r = math.roundeven %x : f32
  %a = math.absf %x : f32
  // asin's and atan's polynomials take the sign this way.
  %cs = math.copysign %x, %a : f32
  return %s, %f, %c, %sd, %m, %r, %a, %cs : f32, f32, f32, f64, f32, f32, f32, f32
}

// Vectors are left to the default lowering.
// CHECK-LABEL: func.func @vector
// CHECK:         math.sqrt
func.func @vector(%v: vector<4xf32>) -> vector<4xf32> {
  %s = math.sqrt %v : vector<4xf32>
  return %s : vector<4xf32>
}
