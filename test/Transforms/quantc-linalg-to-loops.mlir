// RUN: quant-opt %s --quantc-linalg-to-loops | FileCheck %s

// One loop per dimension, in the op's order; the loops of parallel
// dimensions are marked, the reduction's is not.

// CHECK-LABEL: func.func @matmul
// CHECK:         scf.for %[[M:.*]] = %{{.*}} to %{{.*}} step
// CHECK:           scf.for %[[N:.*]] = %{{.*}} to %{{.*}} step
// CHECK:             scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step
// CHECK:               memref.load %{{.*}}[%[[M]], %[[K]]]
// CHECK:               memref.store %{{.*}}[%[[M]], %[[N]]]
// CHECK-NEXT:        }{{$}}
// CHECK-NEXT:      } {quantc.parallel}
// CHECK-NEXT:    } {quantc.parallel}
// CHECK-NOT:     linalg.
func.func @matmul(%a: memref<8x16xf32>, %b: memref<16x4xf32>, %c: memref<8x4xf32>) {
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x4xf32>) outs(%c : memref<8x4xf32>)
  return
}

// CHECK-LABEL: func.func @row_sums
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             arith.addf
// CHECK:           }{{$}}
// CHECK-NEXT:    } {quantc.parallel}
func.func @row_sums(%a: memref<8x16xf32>, %s: memref<8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%a : memref<8x16xf32>) outs(%s : memref<8xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %0 = arith.addf %x, %acc : f32
    linalg.yield %0 : f32
  }
  return
}
