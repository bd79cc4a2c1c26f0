// RUN: quant-opt %s -split-input-file -verify-diagnostics -quantc-map-loops-to-gpu -cse | FileCheck %s

// 400 iterations: 2 blocks of 256 threads; thread l = 256 b + t takes
// (l / 100, l mod 100) if l < 400.
// CHECK-LABEL: func.func @two_dims
// CHECK-DAG:     %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG:     %[[C256:.*]] = arith.constant 256 : index
// CHECK-DAG:     %[[C400:.*]] = arith.constant 400 : index
// CHECK-DAG:     %[[C100:.*]] = arith.constant 100 : index
// CHECK:         scf.parallel (%[[B:.*]], %[[T:.*]]) = ({{.*}}) to (%[[C2]], %[[C256]])
// CHECK:           %[[SCALED:.*]] = arith.muli %[[B]], %[[C256]]
// CHECK:           %[[L:.*]] = arith.addi %[[SCALED]], %[[T]]
// CHECK:           %[[IN:.*]] = arith.cmpi ult, %[[L]], %[[C400]]
// CHECK:           scf.if %[[IN]] {
// CHECK:             %[[J:.*]] = arith.remui %[[L]], %[[C100]]
// CHECK:             %[[I:.*]] = arith.divui %[[L]], %[[C100]]
// CHECK:             memref.load %{{.*}}[%{{.*}}, %{{.*}}]
// CHECK:           }
// CHECK:         } {mapping = [#gpu.loop_dim_map<processor = block_x, map = (d0) -> (d0), bound = (d0) -> (d0)>, #gpu.loop_dim_map<processor = thread_x, map = (d0) -> (d0), bound = (d0) -> (d0)>]}
func.func @two_dims(%a: memref<4x100xf32>, %b: memref<4x100xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c100 = arith.constant 100 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c100) step (%c1, %c1) {
    %x = memref.load %a[%i, %j] : memref<4x100xf32>
    memref.store %x, %b[%i, %j] : memref<4x100xf32>
  }
  return
}

// -----

// The store and the serial reduction after it read and write buffers
// outside any parallel loop: one single-thread grid runs both, after the
// allocation between them; the deallocation stays after it.
// CHECK-LABEL: func.func @loose_code
// CHECK:         %[[EXTRA:.*]] = memref.alloc() : memref<3xf32>
// CHECK:         scf.parallel (%{{.*}}, %{{.*}}) = (%{{.*}}, %{{.*}}) to (%[[ONE:.*]], %[[ONE]])
// CHECK:           scf.if
// CHECK:             memref.store
// CHECK:             scf.for
// CHECK:         } {mapping = [#gpu.loop_dim_map<processor = block_x
// CHECK-NEXT:    memref.dealloc %[[EXTRA]]
func.func @loose_code(%a: memref<10xf32>, %s: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c10 = arith.constant 10 : index
  %zero = arith.constant 0.0 : f32
  memref.store %zero, %s[%c0] : memref<1xf32>
  %extra = memref.alloc() : memref<3xf32>
  scf.for %i = %c0 to %c10 step %c1 {
    %x = memref.load %a[%i] : memref<10xf32>
    %acc = memref.load %s[%c0] : memref<1xf32>
    %sum = arith.addf %x, %acc : f32
    memref.store %sum, %s[%c0] : memref<1xf32>
  }
  memref.dealloc %extra : memref<3xf32>
  return
}

// -----

func.func @host_uses_contents(%a: memref<1xindex>, %b: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.load %a[%c0] : memref<1xindex>
  %zero = arith.constant 0.0 : f32
  // expected-error @+1 {{a value computed from buffer contents is used outside device code; GPU targets cannot lower it}}
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    memref.store %zero, %b[%i] : memref<8xf32>
  }
  return
}

// -----

func.func @dynamic_bound(%b: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %b, %c0 : memref<?xf32>
  %zero = arith.constant 0.0 : f32
  // expected-error @+1 {{GPU targets need loops with constant bounds}}
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    memref.store %zero, %b[%i] : memref<?xf32>
  }
  return
}
