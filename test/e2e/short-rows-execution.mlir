// Short elementwise rows as masked vector chunks
// (quantc-vectorize-short-rows) compute what the scalar loops compute:
// the same module lowered with masked-lanes=16 and with the pass off
// prints the same numbers. The rows: a per-channel quantization of
// 3 x 10 x 10 (one chunk of 10 lanes) written into the interior of a
// padded 3 x 12 x 12 tensor (the masked stores must leave its border, the
// pad value 7, alone), and 2 x 20 (a chunk of 16 and one of 4).
// RUN: quant-opt %s --pass-pipeline='builtin.module(qc-lower-to-llvm{masked-lanes=0})' | %mlir_runner -e main -entry-point-result=void -shared-libs=%runner_libs | grep -v 'base@' > %t.scalar
// RUN: quant-opt %s --pass-pipeline='builtin.module(qc-lower-to-llvm{masked-lanes=16})' > %t.masked.mlir
// RUN: FileCheck %s --check-prefix=LOWERED < %t.masked.mlir
// RUN: %mlir_runner %t.masked.mlir -e main -entry-point-result=void -shared-libs=%runner_libs | grep -v 'base@' > %t.masked
// RUN: diff %t.scalar %t.masked
// RUN: FileCheck %s < %t.masked

// The rows of 10 and the last 4 of each row of 20 are masked loads and
// stores of 16 lanes.
// LOWERED-DAG: llvm.intr.masked.load {{.*}} -> vector<16xf32>
// LOWERED-DAG: llvm.intr.masked.store {{.*}} : vector<16xi32>, vector<16xi1>
// LOWERED-DAG: llvm.intr.masked.store {{.*}} : vector<16xf32>, vector<16xi1>

// CHECK:      [7,    7,    7,    7,    7,    7,    7,    7,    7,    7,    7,    7],
// CHECK-NEXT: [7,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    7],
// CHECK-NEXT: [7,    0,    1,    1,    2,    2,    3,    3,    4,    4,    5,    7],
// CHECK:      [7,    0,    5,    10,    14,    19,    24,    29,    33,    38,    43,    7],
// CHECK:      [7,    7,    7,    7,    7,    7,    7,    7,    7,    7,    7,    7]]]
// CHECK:      [0.5,   1,   1.5,   2,   2.5,   3,   3.5,   4,   4.5,   5,   5.5,   6,   6.5,   7,   7.5,   8,   8.5,   9,   9.5,   10],
// CHECK-NEXT: [-1.5,   -1,   -0.5,   0,   0.5,   1,   1.5,   2,   2.5,   3,   3.5,   4,   4.5,   5,   5.5,   6,   6.5,   7,   7.5,   8]]

#id3 = affine_map<(c, y, x) -> (c, y, x)>
#ch3 = affine_map<(c, y, x) -> (c, 0, 0)>
#id2 = affine_map<(i, j) -> (i, j)>
#row2 = affine_map<(i, j) -> (i, 0)>
func.func @main() {
  %map = tensor.generate {
  ^bb0(%c: index, %y: index, %x: index):
    %i = arith.index_cast %c : index to i32
    %j = arith.index_cast %y : index to i32
    %k = arith.index_cast %x : index to i32
    %a = arith.muli %j, %k : i32
    %b = arith.addi %a, %i : i32
    %f = arith.sitofp %b : i32 to f32
    %g = arith.constant 0.37 : f32
    %h = arith.mulf %f, %g : f32
    tensor.yield %h : f32
  } : tensor<3x10x10xf32>
  %scale = arith.constant dense<[[[0.7]], [[1.3]], [[2.9]]]> : tensor<3x1x1xf32>
  %e = tensor.empty() : tensor<3x10x10xi32>
  %q = linalg.generic {indexing_maps = [#id3, #ch3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%map, %scale : tensor<3x10x10xf32>, tensor<3x1x1xf32>) outs(%e : tensor<3x10x10xi32>) {
  ^bb0(%x: f32, %s: f32, %o: i32):
    %d = arith.divf %x, %s : f32
    %r = math.roundeven %d : f32
    %lo = arith.constant -128.0 : f32
    %hi = arith.constant 127.0 : f32
    %m = arith.maximumf %r, %lo : f32
    %n = arith.minimumf %m, %hi : f32
    %i = arith.fptosi %n : f32 to i32
    linalg.yield %i : i32
  } -> tensor<3x10x10xi32>
  %seven = arith.constant 7 : i32
  %padded = tensor.pad %q low[0, 1, 1] high[0, 1, 1] {
  ^bb0(%c: index, %y: index, %x: index):
    tensor.yield %seven : i32
  } : tensor<3x10x10xi32> to tensor<3x12x12xi32>
  %cast = tensor.cast %padded : tensor<3x12x12xi32> to tensor<*xi32>
  call @printMemrefI32(%cast) : (tensor<*xi32>) -> ()

  %rows = tensor.generate {
  ^bb0(%i: index, %j: index):
    %k = arith.index_cast %j : index to i32
    %f = arith.sitofp %k : i32 to f32
    tensor.yield %f : f32
  } : tensor<2x20xf32>
  %bias = arith.constant dense<[[0.5], [-1.5]]> : tensor<2x1xf32>
  %e2 = tensor.empty() : tensor<2x20xf32>
  %s = linalg.generic {indexing_maps = [#id2, #row2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%rows, %bias : tensor<2x20xf32>, tensor<2x1xf32>) outs(%e2 : tensor<2x20xf32>) {
  ^bb0(%x: f32, %b: f32, %o: f32):
    %half = arith.constant 0.5 : f32
    %m = arith.mulf %x, %half : f32
    %a = arith.addf %m, %b : f32
    linalg.yield %a : f32
  } -> tensor<2x20xf32>
  %cast2 = tensor.cast %s : tensor<2x20xf32> to tensor<*xf32>
  call @printMemrefF32(%cast2) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefI32(tensor<*xi32>) attributes {llvm.emit_c_interface}
func.func private @printMemrefF32(tensor<*xf32>) attributes {llvm.emit_c_interface}
