// The polynomial math of GPU kernels, run: IEEE's answers for a negative
// base (x^2 of -3 is 9, not NaN), y = 0, overflow; exp, tanh, erf close to
// libm (printed to 6 digits).
// RUN: quant-opt %s --pass-pipeline='builtin.module(func.func(quantc-approximate-math),convert-scf-to-cf,finalize-memref-to-llvm,convert-math-to-llvm,convert-to-llvm,reconcile-unrealized-casts)' | %mlir_runner -e main -entry-point-result=void -shared-libs=%runner_libs | FileCheck %s

// x:     -3 -0.5 0 0.5 3 -100 100 -1e30
// CHECK:      9, 0.0497871, -0.995055, -0.999978, -27, {{-?nan}}, 1
// CHECK-NEXT: 0.25, 0.606531, -0.462117, -0.5205, -0.125, {{-?nan}}, 1
// CHECK-NEXT: 0, 1, 0, 0, 0, 0, 1
// CHECK-NEXT: 0.25, 1.64872, 0.462117, 0.5205, 0.125, 0.707107, 1
// CHECK-NEXT: 9, 20.0855, 0.995055, 0.999978, 27, 1.73205, 1
// CHECK-NEXT: 10000, 0, -1, -1, -1e+06, {{-?nan}}, 1
// CHECK-NEXT: 10000, inf, 1, 1, 1e+06, 10, 1
// CHECK-NEXT: inf, 0, -1, -1, -inf, {{-?nan}}, 1
memref.global "private" constant @xs : memref<8xf32> = dense<[-3.0, -0.5, 0.0, 0.5, 3.0, -100.0, 100.0, -1.0e30]>
memref.global "private" constant @ys : memref<4xf32> = dense<[2.0, 3.0, 0.5, 0.0]>
func.func private @printF32(f32)
func.func private @printComma()
func.func private @printNewline()
func.func @main() {
  %xs = memref.get_global @xs : memref<8xf32>
  %ys = memref.get_global @ys : memref<4xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c8 = arith.constant 8 : index
  scf.for %i = %c0 to %c8 step %c1 {
    %x = memref.load %xs[%i] : memref<8xf32>
    %square = memref.load %ys[%c0] : memref<4xf32>
    %cube = memref.load %ys[%c1] : memref<4xf32>
    %root = memref.load %ys[%c2] : memref<4xf32>
    %zero = memref.load %ys[%c3] : memref<4xf32>
    %p2 = math.powf %x, %square : f32
    %e = math.exp %x : f32
    %t = math.tanh %x : f32
    %r = math.erf %x : f32
    %p3 = math.powf %x, %cube : f32
    %ph = math.powf %x, %root : f32
    %p0 = math.powf %x, %zero : f32
    func.call @printF32(%p2) : (f32) -> ()
    func.call @printComma() : () -> ()
    func.call @printF32(%e) : (f32) -> ()
    func.call @printComma() : () -> ()
    func.call @printF32(%t) : (f32) -> ()
    func.call @printComma() : () -> ()
    func.call @printF32(%r) : (f32) -> ()
    func.call @printComma() : () -> ()
    func.call @printF32(%p3) : (f32) -> ()
    func.call @printComma() : () -> ()
    func.call @printF32(%ph) : (f32) -> ()
    func.call @printComma() : () -> ()
    func.call @printF32(%p0) : (f32) -> ()
    func.call @printNewline() : () -> ()
  }
  return
}
