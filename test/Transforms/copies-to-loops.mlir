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

// Every other row of the target (a ConvTranspose's row phase): the
// trailing 1 x 80 x 2 dimensions are contiguous in both buffers and are
// copied as rows of 160, not in loops of 2.
// CHECK-LABEL: func.func @row_phase
// CHECK: %[[S:.*]] = memref.collapse_shape %{{.*}} {{\[\[}}0], [1], [2], [3, 4, 5]] : memref<1x4x8x1x80x2xf32> into memref<1x4x8x160xf32>
// CHECK: %[[T:.*]] = memref.collapse_shape %{{.*}} {{\[\[}}0], [1], [2], [3, 4, 5]] : memref<1x4x8x1x80x2xf32, strided<[10240, 2560, 320, 160, 2, 1], offset: 160>> into memref<1x4x8x160xf32, strided<[10240, 2560, 320, 1], offset: 160>>
// CHECK: linalg.copy ins(%[[S]] : memref<1x4x8x160xf32>) outs(%[[T]] : memref<1x4x8x160xf32, strided<[10240, 2560, 320, 1], offset: 160>>)
func.func @row_phase(%a: memref<1x4x8x1x80x2xf32>, %out: memref<1x4x8x2x80x2xf32>) {
  %view = memref.subview %out[0, 0, 0, 1, 0, 0] [1, 4, 8, 1, 80, 2] [1, 1, 1, 1, 1, 1] : memref<1x4x8x2x80x2xf32> to memref<1x4x8x1x80x2xf32, strided<[10240, 2560, 320, 160, 2, 1], offset: 160>>
  memref.copy %a, %view : memref<1x4x8x1x80x2xf32> to memref<1x4x8x1x80x2xf32, strided<[10240, 2560, 320, 160, 2, 1], offset: 160>>
  return
}
