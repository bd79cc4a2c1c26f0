// Reductions along rows as vector registers (quantc-vectorize-row-reductions)
// compute what the scalar loops compute: the same module lowered with the
// pass (row-reduction-lanes=16, the default on every target) and with it off
// prints the same numbers. The
// values are halves, so that every float sum is exact in any order; rows
// of 100 (six chunks on four partial vectors and a masked tail of 4):
// sums, maxima (row 2 holds a NaN, which both propagate), squared
// deviations from a per-row centre (read once a row), and bytes summed in
// i32.
// RUN: quant-opt %s --pass-pipeline='builtin.module(qc-lower-to-llvm{masked-lanes=0 row-reduction-lanes=0})' | %mlir_runner -e main -entry-point-result=void -shared-libs=%runner_libs | grep -v 'base@' > %t.scalar
// RUN: quant-opt %s --pass-pipeline='builtin.module(qc-lower-to-llvm{masked-lanes=16})' > %t.vector.mlir
// RUN: FileCheck %s --check-prefix=LOWERED < %t.vector.mlir
// RUN: %mlir_runner %t.vector.mlir -e main -entry-point-result=void -shared-libs=%runner_libs | grep -v 'base@' > %t.vector
// RUN: diff %t.scalar %t.vector
// RUN: FileCheck %s < %t.vector

// The partial vectors fold in halves, in the IR's own order (no
// reassociating vector.reduce intrinsic, whose order each backend picks):
// LOWERED-NOT: llvm.intr.vector.reduce
// LOWERED-DAG: llvm.fadd {{.*}} : vector<8xf32>
// LOWERED-DAG: llvm.intr.maximum({{.*}}) : (vector<8xf32>, vector<8xf32>) -> vector<8xf32>
// LOWERED-DAG: llvm.add {{.*}} : vector<8xi32>
// LOWERED-DAG: llvm.intr.masked.load {{.*}} -> vector<16xf32>

// Sums: row i holds ((100 i + j) mod 37 - 18) / 2 for j < 100.
// CHECK: [-71.5,  -11,  nan]
// Maxima.
// CHECK: [9,  9,  nan]
// Squared deviations from 0.25 i.
// CHECK: [2671.25,  3136.75,  nan]
// Byte sums.
// CHECK: [-1,  0,  1]

#row = affine_map<(i, j) -> (i, j)>
#out = affine_map<(i, j) -> (i)>
func.func @main() {
  %x = tensor.generate {
  ^bb0(%i: index, %j: index):
    %c100 = arith.constant 100 : index
    %c37 = arith.constant 37 : index
    %c18 = arith.constant 18 : index
    %a = arith.muli %i, %c100 : index
    %b = arith.addi %a, %j : index
    %m = arith.remui %b, %c37 : index
    %k = arith.subi %m, %c18 : index
    %n = arith.index_cast %k : index to i32
    %f = arith.sitofp %n : i32 to f32
    %half = arith.constant 0.5 : f32
    %h = arith.mulf %f, %half : f32
    // Row 2 holds a NaN at column 57.
    %c2 = arith.constant 2 : index
    %c57 = arith.constant 57 : index
    %r2 = arith.cmpi eq, %i, %c2 : index
    %j57 = arith.cmpi eq, %j, %c57 : index
    %both = arith.andi %r2, %j57 : i1
    %nan = arith.constant 0x7FC00000 : f32
    %v = arith.select %both, %nan, %h : f32
    tensor.yield %v : f32
  } : tensor<3x100xf32>
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<3xf32>
  %zeros = linalg.fill ins(%zero : f32) outs(%e : tensor<3xf32>) -> tensor<3xf32>
  %sum = linalg.generic {indexing_maps = [#row, #out], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<3x100xf32>) outs(%zeros : tensor<3xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %0 = arith.addf %in, %acc : f32
    linalg.yield %0 : f32
  } -> tensor<3xf32>
  %sum_cast = tensor.cast %sum : tensor<3xf32> to tensor<*xf32>
  call @printMemrefF32(%sum_cast) : (tensor<*xf32>) -> ()

  %lowest = linalg.fill ins(%ninf : f32) outs(%e : tensor<3xf32>) -> tensor<3xf32>
  %max = linalg.generic {indexing_maps = [#row, #out], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<3x100xf32>) outs(%lowest : tensor<3xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %0 = arith.maximumf %in, %acc : f32
    linalg.yield %0 : f32
  } -> tensor<3xf32>
  %max_cast = tensor.cast %max : tensor<3xf32> to tensor<*xf32>
  call @printMemrefF32(%max_cast) : (tensor<*xf32>) -> ()

  %centre = arith.constant dense<[0.0, 0.25, 0.5]> : tensor<3xf32>
  %zeros2 = linalg.fill ins(%zero : f32) outs(%e : tensor<3xf32>) -> tensor<3xf32>
  %dev = linalg.generic {indexing_maps = [#row, #out, #out], iterator_types = ["parallel", "reduction"]}
      ins(%x, %centre : tensor<3x100xf32>, tensor<3xf32>) outs(%zeros2 : tensor<3xf32>) {
  ^bb0(%in: f32, %c: f32, %acc: f32):
    %d = arith.subf %in, %c : f32
    %s = arith.mulf %d, %d : f32
    %0 = arith.addf %acc, %s : f32
    linalg.yield %0 : f32
  } -> tensor<3xf32>
  %dev_cast = tensor.cast %dev : tensor<3xf32> to tensor<*xf32>
  call @printMemrefF32(%dev_cast) : (tensor<*xf32>) -> ()

  %bytes = tensor.generate {
  ^bb0(%i: index, %j: index):
    %c7 = arith.constant 7 : index
    %c3 = arith.constant 3 : index
    %a = arith.muli %j, %c7 : index
    %b = arith.addi %a, %i : index
    %m = arith.remui %b, %c3 : index
    %n = arith.index_cast %m : index to i8
    %one = arith.constant 1 : i8
    %v = arith.subi %n, %one : i8
    tensor.yield %v : i8
  } : tensor<3x100xi8>
  %ei = tensor.empty() : tensor<3xi32>
  %izero = arith.constant 0 : i32
  %izeros = linalg.fill ins(%izero : i32) outs(%ei : tensor<3xi32>) -> tensor<3xi32>
  %isum = linalg.generic {indexing_maps = [#row, #out], iterator_types = ["parallel", "reduction"]}
      ins(%bytes : tensor<3x100xi8>) outs(%izeros : tensor<3xi32>) {
  ^bb0(%in: i8, %acc: i32):
    %w = arith.extsi %in : i8 to i32
    %0 = arith.addi %w, %acc : i32
    linalg.yield %0 : i32
  } -> tensor<3xi32>
  %isum_cast = tensor.cast %isum : tensor<3xi32> to tensor<*xi32>
  call @printMemrefI32(%isum_cast) : (tensor<*xi32>) -> ()
  return
}

func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)
