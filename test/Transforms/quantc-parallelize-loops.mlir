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

// 15 column tiles alone deal out 8 and 7 to 2 threads (one idle a
// fifteenth of the nest). Numbered together with the 40 channel rows
// inside, their 600 iterations split 300 and 300: the second thread
// starts half-way through the eighth column tile.
// CHECK-LABEL: func.func @paired
// CHECK-DAG:     %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG:     %[[C300:.*]] = arith.constant 300 : index
// CHECK-DAG:     %[[C600:.*]] = arith.constant 600 : index
// CHECK-DAG:     %[[C40:.*]] = arith.constant 40 : index
// CHECK:         scf.parallel (%[[T:.*]]) = (%{{.*}}) to (%[[C2]])
// CHECK-NEXT:      %[[FIRST:.*]] = arith.muli %[[T]], %[[C300]]
// CHECK-NEXT:      %[[NEXT:.*]] = arith.addi %[[FIRST]], %[[C300]]
// CHECK-NEXT:      %[[END:.*]] = arith.minsi %[[NEXT]], %[[C600]]
// CHECK-NEXT:      %[[TILE0:.*]] = arith.divui %[[FIRST]], %[[C40]]
// CHECK-NEXT:      %[[TILES:.*]] = arith.ceildivui %[[END]], %[[C40]]
// CHECK:           %[[J0:.*]] = arith.muli %[[TILE0]], %[[C64:.*]] : index
// CHECK:           %[[JEND:.*]] = arith.muli %[[TILES]], %[[C64]] : index
// CHECK:           scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step
// CHECK:             %[[TILE:.*]] = arith.divui %{{.*}}, %{{.*}} : index
// CHECK-NEXT:        %[[BASE:.*]] = arith.muli %[[TILE]], %[[C40]]
// CHECK-NEXT:        %[[FROM:.*]] = arith.subi %[[FIRST]], %[[BASE]]
// CHECK:             arith.maxsi %[[FROM]]
// CHECK-NEXT:        %[[TO:.*]] = arith.subi %[[END]], %[[BASE]]
// CHECK-NEXT:        arith.minsi %[[TO]], %[[C40]]
// CHECK:             scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step
// CHECK-NEXT:          vector.load %{{.*}}[%[[I]], %[[J]]]
// CHECK:             } {quantc.parallel}
// CHECK-NEXT:      } {quantc.parallel}
// CHECK-NEXT:      scf.reduce
func.func @paired(%a: memref<240x960xf32>, %b: memref<240x960xf32>) {
  %c0 = arith.constant 0 : index
  %c6 = arith.constant 6 : index
  %c64 = arith.constant 64 : index
  %c240 = arith.constant 240 : index
  %c960 = arith.constant 960 : index
  scf.for %j = %c0 to %c960 step %c64 {
    scf.for %i = %c0 to %c240 step %c6 {
      %x = vector.load %a[%i, %j] : memref<240x960xf32>, vector<16xf32>
      vector.store %x, %b[%i, %j] : memref<240x960xf32>, vector<16xf32>
    } {quantc.parallel}
  } {quantc.parallel}
  return
}

// -----

// 3 rows and 5 column tiles: neither spreads over 2 threads (75% and 80%
// busy), their 15 iterations do (8 and 7, 94%).
// CHECK-LABEL: func.func @only_paired
// CHECK-DAG:     %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG:     %[[C15:.*]] = arith.constant 15 : index
// CHECK:         scf.parallel
// CHECK-NEXT:      %[[FIRST:.*]] = arith.muli %{{.*}}, %[[C8]]
// CHECK-NEXT:      %[[NEXT:.*]] = arith.addi %[[FIRST]], %[[C8]]
// CHECK-NEXT:      arith.minsi %[[NEXT]], %[[C15]]
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               vector.store
// CHECK:           scf.reduce
func.func @only_paired(%a: memref<3x320xf32>, %b: memref<3x320xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c64 = arith.constant 64 : index
  %c320 = arith.constant 320 : index
  scf.for %i = %c0 to %c3 step %c1 {
    scf.for %j = %c0 to %c320 step %c64 {
      %x = vector.load %a[%i, %j] : memref<3x320xf32>, vector<64xf32>
      %y = arith.addf %x, %x : vector<64xf32>
      %z = arith.mulf %y, %y : vector<64xf32>
      vector.store %z, %b[%i, %j] : memref<3x320xf32>, vector<64xf32>
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

// -----

// 3 heads would leave one of 2 threads idle a third of the time, but the
// two loops inside each head would fork twice per head: the heads
// themselves run in parallel, one fork, and the loops inside stay serial.
// CHECK-LABEL: func.func @several_inside
// CHECK:         scf.parallel (%[[H:.*]]) = (%{{.*}}) to (%{{.*}}) step
// CHECK-NOT:     scf.parallel
// CHECK:         memref.load %{{.*}}[%[[H]], %{{.*}}]
// CHECK:         memref.load %{{.*}}[%[[H]], %{{.*}}]
// CHECK:         scf.reduce
// CHECK-NOT:     scf.parallel
func.func @several_inside(%a: memref<3x1024xf32>, %b: memref<3x1024xf32>, %c: memref<3x1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c16 = arith.constant 16 : index
  %c1024 = arith.constant 1024 : index
  scf.for %h = %c0 to %c3 step %c1 {
    scf.for %j = %c0 to %c1024 step %c16 {
      %x = memref.load %a[%h, %j] : memref<3x1024xf32>
      %y = vector.broadcast %x : f32 to vector<16xf32>
      vector.store %y, %b[%h, %j] : memref<3x1024xf32>, vector<16xf32>
    } {quantc.parallel}
    scf.for %j = %c0 to %c1024 step %c16 {
      %x = memref.load %b[%h, %j] : memref<3x1024xf32>
      %y = vector.broadcast %x : f32 to vector<16xf32>
      vector.store %y, %c[%h, %j] : memref<3x1024xf32>, vector<16xf32>
    } {quantc.parallel}
  } {quantc.parallel}
  return
}
