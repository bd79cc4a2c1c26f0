// RUN: quant-opt %s -split-input-file -quantc-promote-accumulators | FileCheck %s

// A matmul element over two nested loops: C[i, j] is loaded once, carried
// through both loops, stored once.
// CHECK-LABEL: func.func @dot
// CHECK:         %[[INIT:.*]] = memref.load %[[C:.*]][%[[I:.*]], %[[J:.*]]] : memref<4x4xf32>
// CHECK-NEXT:    %[[OUTER:.*]] = scf.for %{{.*}} iter_args(%[[ACC:.*]] = %[[INIT]]) -> (f32) {
// CHECK-NEXT:      %[[INNER:.*]] = scf.for %{{.*}} iter_args(%[[ACC2:.*]] = %[[ACC]]) -> (f32) {
// CHECK-NOT:         memref.store
// CHECK:             %[[SUM:.*]] = arith.addf %[[ACC2]], %{{.*}} : f32
// CHECK-NEXT:        scf.yield %[[SUM]] : f32
// CHECK:           scf.yield %[[INNER]] : f32
// CHECK:         memref.store %[[OUTER]], %[[C]][%[[I]], %[[J]]] : memref<4x4xf32>
func.func @dot(%a: memref<4x2x8xf32>, %b: memref<2x8x4xf32>, %i: index, %j: index) -> memref<4x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c = memref.alloc() : memref<4x4xf32>
  scf.for %p = %c0 to %c2 step %c1 {
    scf.for %k = %c0 to %c8 step %c1 {
      %x = memref.load %a[%i, %p, %k] : memref<4x2x8xf32>
      %y = memref.load %b[%p, %k, %j] : memref<2x8x4xf32>
      %acc = memref.load %c[%i, %j] : memref<4x4xf32>
      %m = arith.mulf %x, %y : f32
      %s = arith.addf %acc, %m : f32
      memref.store %s, %c[%i, %j] : memref<4x4xf32>
    }
  }
  return %c : memref<4x4xf32>
}

// -----

// The loop also reads the accumulator's buffer through a view: it may be
// the same element, so nothing moves.
// CHECK-LABEL: func.func @aliased
// CHECK:         scf.for
// CHECK-NEXT:      memref.load %[[V:.*]][%{{.*}}]
// CHECK:           memref.store
// CHECK-NEXT:    }
func.func @aliased(%i: index) -> memref<8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c = memref.alloc() : memref<8xf32>
  %view = memref.subview %c[4] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1], offset: 4>>
  scf.for %k = %c0 to %c4 step %c1 {
    %x = memref.load %view[%k] : memref<4xf32, strided<[1], offset: 4>>
    %acc = memref.load %c[%i] : memref<8xf32>
    %s = arith.addf %acc, %x : f32
    memref.store %s, %c[%i] : memref<8xf32>
  }
  return %c : memref<8xf32>
}

// -----

// Each iteration writes another element: nothing to carry.
// CHECK-LABEL: func.func @scatter
// CHECK:         scf.for
// CHECK-NOT:       iter_args
// CHECK:           memref.store
func.func @scatter(%a: memref<8xf32>) -> memref<8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c = memref.alloc() : memref<8xf32>
  scf.for %k = %c0 to %c8 step %c1 {
    %x = memref.load %a[%k] : memref<8xf32>
    memref.store %x, %c[%k] : memref<8xf32>
  }
  return %c : memref<8xf32>
}
