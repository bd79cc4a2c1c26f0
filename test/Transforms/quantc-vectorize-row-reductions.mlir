// RUN: quant-opt %s -split-input-file -quantc-vectorize-row-reductions -canonicalize | FileCheck %s

// CHECK-LABEL: func @row_sum
// A sum along rows of 100: six whole chunks of 16 on four partial-result
// vectors (the loop of one group folds away), then the last 4 elements
// masked, their idle lanes the sum's identity; the vectors combine, then
// fold in halves across the lanes (an order the IR fixes, the same on every
// target), added to the output element.
// CHECK-DAG: %[[ZEROS:.*]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK: scf.for %[[I:.*]] = %c0 to %c4 step %c1 {
// CHECK-COUNT-6: vector.transfer_read %arg0[%[[I]], %{{.*}}], %{{.*}} {in_bounds = [true]} : memref<4x100xf32>, vector<16xf32>
// CHECK: %[[MASK:.*]] = vector.constant_mask [4] : vector<16xi1>
// CHECK: %[[TAIL:.*]] = vector.transfer_read %arg0[%[[I]], %c96], %{{.*}}, %[[MASK]] : memref<4x100xf32>, vector<16xf32>
// CHECK: arith.select %[[MASK]], %[[TAIL]], %[[ZEROS]]
// CHECK-COUNT-4: arith.addf {{.*}} : vector<16xf32>
// CHECK: %[[LO:.*]] = vector.extract_strided_slice %[[ALL:.*]] {offsets = [0], sizes = [8], strides = [1]} : vector<16xf32> to vector<8xf32>
// CHECK: %[[HI:.*]] = vector.extract_strided_slice %[[ALL]] {offsets = [8], sizes = [8], strides = [1]}
// CHECK: arith.addf %[[LO]], %[[HI]] : vector<8xf32>
// CHECK: arith.addf {{.*}} : vector<4xf32>
// CHECK: arith.addf {{.*}} : vector<2xf32>
// CHECK: %[[ONE:.*]] = arith.addf {{.*}} : vector<1xf32>
// CHECK: %[[ROW:.*]] = vector.extract %[[ONE]][0] : f32 from vector<1xf32>
// CHECK: %[[OLD:.*]] = memref.load %arg1[%[[I]]]
// CHECK: %[[NEW:.*]] = arith.addf %[[ROW]], %[[OLD]] : f32
// CHECK: memref.store %[[NEW]], %arg1[%[[I]]]
// CHECK: } {quantc.parallel}
// CHECK-NOT: linalg.generic
func.func @row_sum(%x: memref<4x100xf32>, %o: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, k) -> (i, k)>, affine_map<(i, k) -> (i)>], iterator_types = ["parallel", "reduction"]} ins(%x : memref<4x100xf32>) outs(%o : memref<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %0 = arith.addf %in, %acc : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// CHECK-LABEL: func @variance
// Layer normalization's variance: the mean does not depend on the row, so
// it is loaded once and broadcast; rows of 128 are two groups of four
// chunks, each chunk (x - mean)^2 lane by lane.
// CHECK: scf.for %[[I:.*]] = %c0 to %c8 step %c1 {
// CHECK: %[[MEAN:.*]] = memref.load %arg1[%[[I]]] : memref<8xf32>
// CHECK: %[[MEANS:.*]] = vector.broadcast %[[MEAN]] : f32 to vector<16xf32>
// CHECK: scf.for %{{.*}} = %c0 to %c128 step %c64 iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK: %[[X:.*]] = vector.transfer_read
// CHECK: %[[D:.*]] = arith.subf %[[X]], %[[MEANS]] : vector<16xf32>
// CHECK: arith.mulf %[[D]], %[[D]] : vector<16xf32>
// CHECK: vector.extract_strided_slice
// CHECK: } {quantc.parallel}
func.func @variance(%x: memref<8x128xf32>, %m: memref<8xf32>, %o: memref<8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, k) -> (i, k)>, affine_map<(i, k) -> (i)>, affine_map<(i, k) -> (i)>], iterator_types = ["parallel", "reduction"]} ins(%x, %m : memref<8x128xf32>, memref<8xf32>) outs(%o : memref<8xf32>) {
  ^bb0(%in: f32, %mean: f32, %acc: f32):
    %d = arith.subf %in, %mean : f32
    %s = arith.mulf %d, %d : f32
    %0 = arith.addf %acc, %s : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// CHECK-LABEL: func @softmax_max
// A maximum over softmax's rows of 40 (rank 4, the reduced dimension
// innermost, a unit dimension kept): two chunks on two vectors, a tail of 8
// whose idle lanes hold -inf.
// CHECK-DAG: %[[NEG_INF:.*]] = arith.constant dense<0xFF800000> : vector<16xf32>
// CHECK: scf.for %[[H:.*]] = %c0 to %c2 step %c1 {
// CHECK: scf.for %[[R:.*]] = %c0 to %c3 step %c1 {
// CHECK: vector.constant_mask [8]
// CHECK: arith.select %{{.*}}, %{{.*}}, %[[NEG_INF]]
// CHECK: arith.maximumf {{.*}} : vector<16xf32>
// CHECK: arith.maximumf {{.*}} : vector<8xf32>
// CHECK: memref.store %{{.*}}, %arg1[%c0, %[[H]], %[[R]], %c0]
// CHECK: } {quantc.parallel}
// CHECK: } {quantc.parallel}
func.func @softmax_max(%x: memref<1x2x3x1x40xf32>, %o: memref<1x2x3x1xf32>) {
  linalg.generic {indexing_maps = [affine_map<(a, b, c, d, k) -> (a, b, c, d, k)>, affine_map<(a, b, c, d, k) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%x : memref<1x2x3x1x40xf32>) outs(%o : memref<1x2x3x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %0 = arith.maximumf %in, %acc : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// CHECK-LABEL: func @byte_sum
// Bytes widened and summed in i32 lanes: exact in any order.
// CHECK: vector.transfer_read {{.*}} : memref<16x64xi8>, vector<16xi8>
// CHECK: arith.extsi {{.*}} : vector<16xi8> to vector<16xi32>
// CHECK: arith.addi {{.*}} : vector<16xi32>
// CHECK: arith.addi {{.*}} : vector<8xi32>
func.func @byte_sum(%x: memref<16x64xi8>, %o: memref<16xi32>) {
  linalg.generic {indexing_maps = [affine_map<(i, k) -> (i, k)>, affine_map<(i, k) -> (i)>], iterator_types = ["parallel", "reduction"]} ins(%x : memref<16x64xi8>) outs(%o : memref<16xi32>) {
  ^bb0(%in: i8, %acc: i32):
    %w = arith.extsi %in : i8 to i32
    %0 = arith.addi %w, %acc : i32
    linalg.yield %0 : i32
  }
  return
}

// -----

// CHECK-LABEL: func @left_alone
// Not taken: a sum down columns (the reduced dimension strided), a row
// shorter than the lanes, an integer division (an idle lane would divide
// by zero), a body that reads the output element twice, and one that
// uses the combined value again.
// CHECK-COUNT-5: linalg.generic
// CHECK-NOT: vector.transfer_read
func.func @left_alone(%x: memref<64x32xf32>, %s: memref<32xf32>, %y: memref<4x8xf32>, %t: memref<4xf32>, %z: memref<4x64xi32>, %u: memref<4xi32>, %w: memref<4x64xf32>, %v: memref<4xf32>, %v2: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(j, k) -> (k, j)>, affine_map<(j, k) -> (j)>], iterator_types = ["parallel", "reduction"]} ins(%x : memref<64x32xf32>) outs(%s : memref<32xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %0 = arith.addf %in, %acc : f32
    linalg.yield %0 : f32
  }
  linalg.generic {indexing_maps = [affine_map<(i, k) -> (i, k)>, affine_map<(i, k) -> (i)>], iterator_types = ["parallel", "reduction"]} ins(%y : memref<4x8xf32>) outs(%t : memref<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %0 = arith.addf %in, %acc : f32
    linalg.yield %0 : f32
  }
  linalg.generic {indexing_maps = [affine_map<(i, k) -> (i, k)>, affine_map<(i, k) -> (i)>], iterator_types = ["parallel", "reduction"]} ins(%z : memref<4x64xi32>) outs(%u : memref<4xi32>) {
  ^bb0(%in: i32, %acc: i32):
    %c7 = arith.constant 7 : i32
    %q = arith.divsi %in, %c7 : i32
    %0 = arith.addi %q, %acc : i32
    linalg.yield %0 : i32
  }
  linalg.generic {indexing_maps = [affine_map<(i, k) -> (i, k)>, affine_map<(i, k) -> (i)>], iterator_types = ["parallel", "reduction"]} ins(%w : memref<4x64xf32>) outs(%v : memref<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %m = arith.mulf %acc, %acc : f32
    %0 = arith.addf %in, %m : f32
    linalg.yield %0 : f32
  }
  linalg.generic {indexing_maps = [affine_map<(i, k) -> (i, k)>, affine_map<(i, k) -> (i)>], iterator_types = ["parallel", "reduction"]} ins(%w : memref<4x64xf32>) outs(%v2 : memref<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %0 = arith.addf %in, %acc : f32
    %again = arith.mulf %0, %in : f32
    linalg.yield %0 : f32
  }
  return
}
