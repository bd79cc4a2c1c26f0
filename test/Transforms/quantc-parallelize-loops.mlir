// RUN: quant-opt %s --split-input-file --pass-pipeline='builtin.module(quantc-parallelize-loops{min-work=1000 model-min-work=0 threads=2})' | FileCheck %s
// A module whose nests add up to less than model-min-work stays serial:
// @rows below has 64 x 64 x 3 element operations (load, add, store).
// RUN: quant-opt %s --split-input-file --pass-pipeline='builtin.module(quantc-parallelize-loops{min-work=1000 model-min-work=16384 threads=2})' | FileCheck %s --check-prefix=SMALL
// SMALL-LABEL: func.func @rows
// SMALL-NOT:   scf.parallel
// SMALL:       return

// The outer marked loop of a large nest runs in parallel; what it holds
// stays serial.
// CHECK-LABEL: func.func @rows
// CHECK:         scf.parallel (%[[I:.*]]) = (%{{.*}}) to (%{{.*}}) step (%{{.*}}) {
// CHECK-NEXT:      scf.for %[[J:.*]] =
// CHECK-NEXT:        memref.load %{{.*}}[%[[I]], %[[J]]]
// CHECK:           } {quantc.parallel}
// CHECK-NEXT:      scf.reduce
// CHECK-NOT:     scf.for
func.func @rows(%a: memref<64x64xf32>, %b: memref<64x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c64 step %c1 {
    scf.for %j = %c0 to %c64 step %c1 {
      %x = memref.load %a[%i, %j] : memref<64x64xf32>
      %y = arith.addf %x, %x : f32
      memref.store %y, %b[%i, %j] : memref<64x64xf32>
    } {quantc.parallel}
  } {quantc.parallel}
  return
}

// -----

// Below min-work (4 x 64 x 3 element operations) a nest stays serial.
// CHECK-LABEL: func.func @small
// CHECK-NOT:     scf.parallel
func.func @small(%a: memref<4x64xf32>, %b: memref<4x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %j = %c0 to %c64 step %c1 {
      %x = memref.load %a[%i, %j] : memref<4x64xf32>
      %y = arith.addf %x, %x : f32
      memref.store %y, %b[%i, %j] : memref<4x64xf32>
    } {quantc.parallel}
  } {quantc.parallel}
  return
}

// -----

// 5 row tiles would leave one of 2 threads idle a fifth of the time: the
// 256 columns inside are split in two chunks at the top of the nest, so the
// team forks once, and each thread runs all 5 rows over its chunk.
// CHECK-LABEL: func.func @unbalanced
// CHECK-DAG:     %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG:     %[[C128:.*]] = arith.constant 128 : index
// CHECK-DAG:     %[[C256:.*]] = arith.constant 256 : index
// CHECK:         scf.parallel (%[[T:.*]]) = (%{{.*}}) to (%[[C2]])
// CHECK-NEXT:      %[[OFFSET:.*]] = arith.muli %[[T]], %[[C128]]
// CHECK-NEXT:      %[[FIRST:.*]] = arith.addi %{{.*}}, %[[OFFSET]]
// CHECK-NEXT:      %[[NEXT:.*]] = arith.addi %[[FIRST]], %[[C128]]
// CHECK-NEXT:      %[[END:.*]] = arith.minsi %[[NEXT]], %[[C256]]
// CHECK-NEXT:      scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step
// CHECK-NEXT:        scf.for %[[J:.*]] = %[[FIRST]] to %[[END]] step
// CHECK-NEXT:          memref.load %{{.*}}[%[[I]], %[[J]]]
// CHECK:             } {quantc.parallel}
// CHECK-NEXT:      } {quantc.parallel}
// CHECK-NEXT:      scf.reduce
func.func @unbalanced(%a: memref<5x256xf32>, %b: memref<5x256xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c5 = arith.constant 5 : index
  %c16 = arith.constant 16 : index
  %c256 = arith.constant 256 : index
  scf.for %i = %c0 to %c5 step %c1 {
    scf.for %j = %c0 to %c256 step %c16 {
      %x = memref.load %a[%i, %j] : memref<5x256xf32>
      %y = vector.broadcast %x : f32 to vector<16xf32>
      vector.store %y, %b[%i, %j] : memref<5x256xf32>, vector<16xf32>
    } {quantc.parallel}
  } {quantc.parallel}
  return
}

// -----

// A write beside the inner loop makes the nest imperfect: each thread
// would repeat it. The team forks per row tile over the columns inside.
// CHECK-LABEL: func.func @imperfect
// CHECK:         scf.for
// CHECK-NEXT:      memref.store
// CHECK-NEXT:      scf.parallel
// CHECK:         } {quantc.parallel}
func.func @imperfect(%a: memref<5x1024xf32>, %b: memref<5x1024xf32>, %c: memref<5xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c5 = arith.constant 5 : index
  %c16 = arith.constant 16 : index
  %c1024 = arith.constant 1024 : index
  %zero = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c5 step %c1 {
    memref.store %zero, %c[%i] : memref<5xf32>
    scf.for %j = %c0 to %c1024 step %c16 {
      %x = memref.load %a[%i, %j] : memref<5x1024xf32>
      %y = vector.broadcast %x : f32 to vector<16xf32>
      vector.store %y, %b[%i, %j] : memref<5x1024xf32>, vector<16xf32>
    } {quantc.parallel}
  } {quantc.parallel}
  return
}

// -----

// Unmarked loops (a reduction) and loops carrying values stay serial.
// CHECK-LABEL: func.func @reduction
// CHECK-NOT:     scf.parallel
func.func @reduction(%a: memref<64x64xf32>, %s: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %t = scf.for %i = %c0 to %c64 step %c1 iter_args(%acc = %zero) -> f32 {
    %r = scf.for %j = %c0 to %c64 step %c1 iter_args(%in = %acc) -> f32 {
      %x = memref.load %a[%i, %j] : memref<64x64xf32>
      %y = arith.addf %x, %in : f32
      scf.yield %y : f32
    }
    scf.yield %r : f32
  } {quantc.parallel}
  memref.store %t, %s[] : memref<f32>
  return
}
