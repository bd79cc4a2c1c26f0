// RUN: quant-opt %s -split-input-file -verify-diagnostics -quantc-emulate-gpu-launches -cse | FileCheck %s

// A launch becomes loops over blocks (z, y, x), then threads (z, y, x),
// with ids and sizes replaced by loop variables and launch operands.
// CHECK-LABEL: func.func @fill
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG:     %[[C4:.*]] = arith.constant 4 : index
// CHECK:         scf.for %{{.*}} = %[[C0]] to %[[C1]] step %[[C1]]
// CHECK-NEXT:      scf.for %{{.*}} = %[[C0]] to %[[C1]] step %[[C1]]
// CHECK-NEXT:        scf.for %[[BX:.*]] = %[[C0]] to %[[C2]] step %[[C1]]
// CHECK-NEXT:          scf.for %{{.*}} = %[[C0]] to %[[C1]] step %[[C1]]
// CHECK-NEXT:            scf.for %{{.*}} = %[[C0]] to %[[C1]] step %[[C1]]
// CHECK-NEXT:              scf.for %[[TX:.*]] = %[[C0]] to %[[C4]] step %[[C1]]
// CHECK-NEXT:                %[[ROW:.*]] = arith.muli %[[BX]], %[[C4]]
// CHECK-NEXT:                %[[I:.*]] = arith.addi %[[ROW]], %[[TX]]
// CHECK-NEXT:                memref.store %{{.*}}, %{{.*}}[%[[I]]]
// CHECK-NOT:     gpu.launch
func.func @fill(%out: memref<8xf32>) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %v = arith.constant 1.0 : f32
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c2, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c4, %sy = %c1, %sz = %c1) {
    %row = arith.muli %bx, %sx : index
    %i = arith.addi %row, %tx : index
    memref.store %v, %out[%i] : memref<8xf32>
    gpu.terminator
  }
  return
}

// -----

func.func @barrier(%out: memref<8xf32>) {
  %c1 = arith.constant 1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    // expected-error @+1 {{cannot emulate threads that synchronize}}
    gpu.barrier
    gpu.terminator
  }
  return
}
