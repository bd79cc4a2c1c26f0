// RUN: quant-opt %s --pass-pipeline='builtin.module(func.func(quantc-vectorize-short-rows{lanes=16},cse))' | FileCheck %s
// (cse merges the constants each chunk nest makes, for readable checks.)

#id3 = affine_map<(c, y, x) -> (c, y, x)>
#ch3 = affine_map<(c, y, x) -> (c, 0, 0)>
#id2 = affine_map<(i, j) -> (i, j)>
#tr2 = affine_map<(i, j) -> (j, i)>

// Rows of 10 into a padded buffer's interior: a loop per outer dimension
// (marked for the threads), one chunk of 16 lanes with 10 set, the
// per-channel scale broadcast.
// CHECK-LABEL: func.func @quantize_rows_of_10
// CHECK:         scf.for %[[C:.*]] = %c0 to %c384
// CHECK:           scf.for %[[Y:.*]] = %c0 to %c10
// CHECK:             %[[MASK:.*]] = vector.create_mask %c1, %c1, %c10 : vector<1x1x16xi1>
// CHECK:             %[[LANES:.*]] = vector.extract %[[MASK]][0, 0]
// CHECK:             %[[X:.*]] = vector.transfer_read {{.*}}, %[[LANES]] {in_bounds = [true]} : memref<1x1x10xf32, {{.*}}>, vector<16xf32>
// CHECK:             %[[S:.*]] = vector.transfer_read {{.*}} : memref<1x1x1xf32, {{.*}}>, vector<16xf32>
// CHECK:             arith.divf %[[X]], %[[S]] : vector<16xf32>
// CHECK:             math.roundeven {{.*}} : vector<16xf32>
// CHECK:             vector.transfer_write {{.*}} : vector<16xi8>, memref<1x1x10xi8, strided<[196, 14, 1], offset: ?>>
// CHECK:           } {quantc.parallel}
// CHECK:         } {quantc.parallel}
// CHECK-NOT:     linalg.generic
func.func @quantize_rows_of_10(%a: memref<384x10x10xf32>, %s: memref<384x1x1xf32>,
                               %b: memref<384x10x10xi8, strided<[196, 14, 1], offset: 30>>) {
  linalg.generic {indexing_maps = [#id3, #ch3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a, %s : memref<384x10x10xf32>, memref<384x1x1xf32>)
      outs(%b : memref<384x10x10xi8, strided<[196, 14, 1], offset: 30>>) {
  ^bb0(%x: f32, %sc: f32, %o: i8):
    %d = arith.divf %x, %sc : f32
    %r = math.roundeven %d : f32
    %i = arith.fptosi %r : f32 to i32
    %t = arith.trunci %i : i32 to i8
    linalg.yield %t : i8
  }
  return
}

// A row of 20: chunks of 16 at 0 and 16, the second with 4 lanes set.
// CHECK-LABEL: func.func @copy_rows_of_20
// CHECK:         scf.for %{{.*}} = %c0 to %c4 step %c1
// CHECK:           scf.for %[[J:.*]] = %c0 to %c20 step %c16
// CHECK:             %[[N:.*]] = affine.min #{{.*}}(%[[J]])
// CHECK:             vector.create_mask %c1, %[[N]] : vector<1x16xi1>
// CHECK:             vector.transfer_read {{.*}} : memref<1x?xf32, {{.*}}>, vector<16xf32>
// CHECK:             vector.transfer_write {{.*}} : vector<16xf32>, memref<1x?xf32, {{.*}}>
func.func @copy_rows_of_20(%a: memref<4x20xf32>, %b: memref<4x20xf32>) {
  linalg.copy ins(%a : memref<4x20xf32>) outs(%b : memref<4x20xf32>)
  return
}

// A row of 8: one chunk of 8 lanes, none masked.
// CHECK-LABEL: func.func @copy_rows_of_8
// CHECK:         scf.for
// CHECK-NOT:       vector.create_mask
// CHECK:           vector.transfer_read {{.*}} {in_bounds = [true]} : memref<8xf32, {{.*}}>, vector<8xf32>
// CHECK:           vector.transfer_write {{.*}} : vector<8xf32>, memref<8xf32, {{.*}}>
func.func @copy_rows_of_8(%a: memref<4x8xf32>, %b: memref<4x8xf32>) {
  linalg.copy ins(%a : memref<4x8xf32>) outs(%b : memref<4x8xf32>)
  return
}

// A direct convolution's packing reads four channels of its storage
// through `4 c + j`, which upstream's vectorizer does not take: the pass
// writes the chunks itself. Rows of 20: a chunk of 16 and one of 4 lanes,
// each of the four bytes one masked load at channel 4 c + j, the
// per-channel offset one scalar load, broadcast.
// CHECK-LABEL: func.func @pack_quads_rows_of_20
// CHECK:         scf.for %[[C:.*]] = %c0 to %c3 step %c1
// CHECK:           scf.for %[[Y:.*]] = %c0 to %c5 step %c1
// CHECK:             scf.for %[[X:.*]] = %c0 to %c20 step %c16
// CHECK:               %[[N:.*]] = affine.min #{{.*}}(%[[X]])
// CHECK:               %[[MASK:.*]] = vector.create_mask %[[N]] : vector<16xi1>
// CHECK:               %[[C1:.*]] = affine.apply #{{.*}}(%[[C]])
// CHECK:               vector.transfer_read %{{.*}}[%c0, %[[C1]], %[[Y]], %[[X]]], %{{.*}}, %[[MASK]] {in_bounds = [true]} : memref<1x12x5x20xi8>, vector<16xi8>
// CHECK:               %[[OFF:.*]] = memref.load %{{.*}}[%[[C1]]] : memref<12xi8>
// CHECK-COUNT-3:       vector.transfer_read {{.*}}, %[[MASK]] {in_bounds = [true]} : memref<1x12x5x20xi8>, vector<16xi8>
// CHECK:               vector.broadcast %[[OFF]] : i8 to vector<16xi8>
// CHECK:               arith.ori {{.*}} : vector<16xi32>
// CHECK:               vector.transfer_write {{.*}}[%[[C]], %[[Y]], %[[X]]], %[[MASK]] {in_bounds = [true]} : vector<16xi32>, memref<3x5x20xi32>
// CHECK:             } {quantc.parallel}
// CHECK:           } {quantc.parallel}
// CHECK:         } {quantc.parallel}
// CHECK-NOT:     linalg.generic
#byte0 = affine_map<(c, y, x) -> (0, c * 4, y, x)>
#byte1 = affine_map<(c, y, x) -> (0, c * 4 + 1, y, x)>
#byte2 = affine_map<(c, y, x) -> (0, c * 4 + 2, y, x)>
#byte3 = affine_map<(c, y, x) -> (0, c * 4 + 3, y, x)>
#off0 = affine_map<(c, y, x) -> (c * 4)>
func.func @pack_quads_rows_of_20(%q: memref<1x12x5x20xi8>, %off: memref<12xi8>,
                                 %words: memref<3x5x20xi32>) {
  linalg.generic {indexing_maps = [#byte0, #off0, #byte1, #byte2, #byte3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%q, %off, %q, %q, %q : memref<1x12x5x20xi8>, memref<12xi8>, memref<1x12x5x20xi8>, memref<1x12x5x20xi8>, memref<1x12x5x20xi8>)
      outs(%words : memref<3x5x20xi32>) {
  ^bb0(%b0: i8, %o0: i8, %b1: i8, %b2: i8, %b3: i8, %w: i32):
    %s0 = arith.addi %b0, %o0 : i8
    %e0 = arith.extui %s0 : i8 to i32
    %e1 = arith.extui %b1 : i8 to i32
    %e2 = arith.extui %b2 : i8 to i32
    %e3 = arith.extui %b3 : i8 to i32
    %c8 = arith.constant 8 : i32
    %c16 = arith.constant 16 : i32
    %c24 = arith.constant 24 : i32
    %h1 = arith.shli %e1, %c8 : i32
    %h2 = arith.shli %e2, %c16 : i32
    %h3 = arith.shli %e3, %c24 : i32
    %w01 = arith.ori %e0, %h1 : i32
    %w23 = arith.ori %h2, %h3 : i32
    %word = arith.ori %w01, %w23 : i32
    linalg.yield %word : i32
  }
  return
}

// Left to LLVM: rows that are a multiple of the lanes, rows of 4 or
// fewer, an operand read across the rows, a reduction, an integer
// remainder (an idle lane would divide by zero).
// CHECK-LABEL: func.func @left_alone
// CHECK-NEXT:    linalg.copy ins(%{{.*}} : memref<4x32xf32>)
// CHECK-NEXT:    linalg.copy ins(%{{.*}} : memref<6x4xf32>)
// CHECK-NEXT:    linalg.generic
// CHECK-NEXT:    ^bb0
// CHECK-NEXT:      arith.remsi
// CHECK-NEXT:      linalg.yield
// CHECK-NEXT:    }
// CHECK-NEXT:    linalg.generic
// CHECK-NEXT:    ^bb0
// CHECK-NEXT:      linalg.yield
// CHECK-NEXT:    }
// CHECK-NEXT:    linalg.reduce
func.func @left_alone(%a: memref<4x32xf32>, %b: memref<4x32xf32>,
                      %c: memref<6x4xf32>, %d: memref<6x4xf32>,
                      %t: memref<10x4xf32>, %u: memref<4x10xf32>,
                      %sum: memref<4xf32>, %n: memref<2x6xi32>,
                      %m: memref<2x6xi32>, %r: memref<2x6xi32>) {
  linalg.copy ins(%a : memref<4x32xf32>) outs(%b : memref<4x32xf32>)
  linalg.copy ins(%c : memref<6x4xf32>) outs(%d : memref<6x4xf32>)
  linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%n, %m : memref<2x6xi32>, memref<2x6xi32>) outs(%r : memref<2x6xi32>) {
  ^bb0(%x: i32, %y: i32, %o: i32):
    %rem = arith.remsi %x, %y : i32
    linalg.yield %rem : i32
  }
  linalg.generic {indexing_maps = [#tr2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%t : memref<10x4xf32>) outs(%u : memref<4x10xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  }
  linalg.reduce ins(%u : memref<4x10xf32>) outs(%sum : memref<4xf32>) dimensions = [1]
    (%x: f32, %acc: f32) {
      %s = arith.addf %x, %acc : f32
      linalg.yield %s : f32
    }
  return
}
