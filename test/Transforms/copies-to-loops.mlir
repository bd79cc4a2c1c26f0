// RUN: quant-opt %s --quantc-copies-to-loops | FileCheck %s

// A copy into a strided view (a padded buffer's interior) becomes a
// linalg.copy; a dynamically shaped one is left to memrefCopy.
// CHECK-LABEL: func.func @pad_interior
// CHECK: linalg.copy ins(%{{.*}} : memref<1x3x8x8xf32>) outs(%{{.*}} : memref<1x3x8x8xf32, strided<[300, 100, 10, 1], offset: 11>>)
// CHECK-NOT: memref.copy
func.func @pad_interior(%a: memref<1x3x8x8xf32>, %padded: memref<1x3x10x10xf32>) {
  %view = memref.subview %padded[0, 0, 1, 1] [1, 3, 8, 8] [1, 1, 1, 1] : memref<1x3x10x10xf32> to memref<1x3x8x8xf32, strided<[300, 100, 10, 1], offset: 11>>
  memref.copy %a, %view : memref<1x3x8x8xf32> to memref<1x3x8x8xf32, strided<[300, 100, 10, 1], offset: 11>>
  return
}

// CHECK-LABEL: func.func @dynamic
// CHECK: memref.copy
func.func @dynamic(%a: memref<?xf32>, %b: memref<?xf32>) {
  memref.copy %a, %b : memref<?xf32> to memref<?xf32>
  return
}
