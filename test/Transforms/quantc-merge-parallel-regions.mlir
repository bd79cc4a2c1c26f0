// RUN: quant-opt %s --split-input-file --quantc-merge-parallel-regions | FileCheck %s

// Three parallel nests with allocations, a view, a small serial nest and
// deallocations between them: one team for all. The allocations and the
// view move before the region, the deallocations after it, the serial nest
// runs on one thread, and the nests' loops are orphaned worksharing loops.
// CHECK-LABEL: func.func @run
// CHECK:         %[[B:.*]] = memref.alloc() : memref<64xf32>
// CHECK-NEXT:    %[[T:.*]] = llvm.mlir.constant(2 : i32) : i32
// CHECK-NEXT:    %[[V:.*]] = memref.subview %[[B]][0] [32] [1]
// CHECK-NEXT:    %[[D:.*]] = memref.alloc() : memref<64xf32>
// CHECK-NEXT:    omp.parallel num_threads(%[[T]] : i32) {
// CHECK-NEXT:      func.call @double(%arg0, %[[B]])
// CHECK-NEXT:      omp.single {
// CHECK-NEXT:        func.call @first(%[[V]])
// CHECK-NEXT:        omp.terminator
// CHECK-NEXT:      }
// CHECK-NEXT:      func.call @double(%[[B]], %[[D]])
// CHECK-NEXT:      func.call @double(%[[D]], %arg1)
// CHECK-NEXT:      omp.terminator
// CHECK-NEXT:    }
// CHECK-NEXT:    memref.dealloc %[[B]]
// CHECK-NEXT:    memref.dealloc %[[D]]
// CHECK-NEXT:    return
// CHECK-LABEL: func.func private @double
// CHECK-NOT:     omp.parallel
// CHECK:         omp.wsloop {
// CHECK-LABEL: func.func private @first
// CHECK-NOT:     omp.
func.func @run(%a: memref<64xf32>, %c: memref<64xf32>) {
  %b = memref.alloc() : memref<64xf32>
  call @double(%a, %b) : (memref<64xf32>, memref<64xf32>) -> ()
  %v = memref.subview %b[0] [32] [1] : memref<64xf32> to memref<32xf32, strided<[1]>>
  call @first(%v) : (memref<32xf32, strided<[1]>>) -> ()
  %d = memref.alloc() : memref<64xf32>
  call @double(%b, %d) : (memref<64xf32>, memref<64xf32>) -> ()
  memref.dealloc %b : memref<64xf32>
  call @double(%d, %c) : (memref<64xf32>, memref<64xf32>) -> ()
  memref.dealloc %d : memref<64xf32>
  return
}
func.func private @double(%a: memref<64xf32>, %b: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %t = llvm.mlir.constant(2 : i32) : i32
  omp.parallel num_threads(%t : i32) {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c64) step (%c1) {
        %x = memref.load %a[%i] : memref<64xf32>
        %y = arith.addf %x, %x : f32
        memref.store %y, %b[%i] : memref<64xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}
func.func private @first(%a: memref<32xf32, strided<[1]>>) {
  %c0 = arith.constant 0 : index
  %one = arith.constant 1.0 : f32
  memref.store %one, %a[%c0] : memref<32xf32, strided<[1]>>
  return
}

// -----

// A call of a declaration (the profile's timers) ends a run: each nest
// keeps a team of its own, forked from the caller. A value the serial code
// computes for the code after it ends the run too: one thread would
// compute it, and the others would not see it.
// CHECK-LABEL: func.func @boundaries
// CHECK:         omp.parallel {
// CHECK-NEXT:      func.call @fill
// CHECK-NEXT:      omp.terminator
// CHECK-NEXT:    }
// CHECK-NEXT:    call @timer()
// CHECK-NEXT:    omp.parallel {
// CHECK-NEXT:      func.call @fill
// CHECK-NEXT:      omp.terminator
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[X:.*]] = memref.load
// CHECK-NEXT:    omp.parallel {
// CHECK-NEXT:      func.call @fill
// CHECK-NEXT:      omp.terminator
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[X]]
func.func @boundaries(%a: memref<64xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  call @fill(%a) : (memref<64xf32>) -> ()
  call @timer() : () -> ()
  call @fill(%a) : (memref<64xf32>) -> ()
  %x = memref.load %a[%c0] : memref<64xf32>
  call @fill(%a) : (memref<64xf32>) -> ()
  return %x : f32
}
func.func private @timer()
func.func private @fill(%a: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c64) step (%c1) {
        memref.store %zero, %a[%i] : memref<64xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}

// -----

// A GEMM kernel calls its parallel nest: the kernel joins the caller's
// team, and so does the nest inside it. A nest called in a serial loop
// keeps its own region: nothing would put that call into one.
// CHECK-LABEL: func.func @kernel_and_loop
// CHECK:         omp.parallel {
// CHECK-NEXT:      func.call @kernel
// CHECK-NEXT:      omp.terminator
// CHECK-NEXT:    }
// CHECK-NEXT:    scf.for
// CHECK-NEXT:      func.call @looped
// CHECK-LABEL: func.func private @kernel
// CHECK-NOT:     omp.parallel
// CHECK:         call @kernel_nest
// CHECK-LABEL: func.func private @kernel_nest
// CHECK-NOT:     omp.parallel
// CHECK:         omp.wsloop
// CHECK-LABEL: func.func private @looped
// CHECK:         omp.parallel {
// CHECK-NEXT:      omp.wsloop
func.func @kernel_and_loop(%a: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  call @kernel(%a) : (memref<64xf32>) -> ()
  scf.for %k = %c0 to %c4 step %c1 {
    func.call @looped(%a) : (memref<64xf32>) -> ()
  }
  return
}
func.func private @kernel(%a: memref<64xf32>) {
  call @kernel_nest(%a) : (memref<64xf32>) -> ()
  return
}
func.func private @kernel_nest(%a: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c64) step (%c1) {
        memref.store %zero, %a[%i] : memref<64xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}
func.func private @looped(%a: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c64) step (%c1) {
        memref.store %zero, %a[%i] : memref<64xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}

// -----

// A nest whose successor touches none of the buffer elements it touches,
// nor those of the nests since the last barrier, drops its barrier: the
// pad borders of a buffer (rows 0 and 1 of %x) and the producer of
// another. @consume reads %y, which @produce wrote before the
// barrier-free borders: the barrier after the second border stays.
// CHECK-LABEL: func.func @independent
// CHECK:         omp.parallel {
// CHECK-NEXT:      func.call @produce(%arg0, %[[Y:[a-z_0-9]+]])
// CHECK-NEXT:      func.call @top(
// CHECK-NEXT:      func.call @bottom(
// CHECK-NEXT:      func.call @consume(%[[Y]],
// CHECK-LABEL: func.func private @produce
// CHECK:         omp.wsloop nowait {
// CHECK-LABEL: func.func private @consume
// CHECK:         omp.wsloop {
// CHECK-LABEL: func.func private @top
// CHECK:         omp.wsloop nowait {
// CHECK-LABEL: func.func private @bottom
// CHECK:         omp.wsloop {
func.func @independent(%a: memref<64xf32>) {
  %y = memref.alloc() : memref<64xf32>
  %z = memref.alloc() : memref<64xf32>
  %x = memref.alloc() : memref<2x64xf32>
  %top = memref.subview %x[0, 0] [1, 64] [1, 1] : memref<2x64xf32> to memref<64xf32, strided<[1]>>
  %bottom = memref.subview %x[1, 0] [1, 64] [1, 1] : memref<2x64xf32> to memref<64xf32, strided<[1], offset: 64>>
  call @produce(%a, %y) : (memref<64xf32>, memref<64xf32>) -> ()
  call @top(%top) : (memref<64xf32, strided<[1]>>) -> ()
  call @bottom(%bottom) : (memref<64xf32, strided<[1], offset: 64>>) -> ()
  call @consume(%y, %z) : (memref<64xf32>, memref<64xf32>) -> ()
  return
}
func.func private @produce(%a: memref<64xf32>, %b: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c64) step (%c1) {
        %v = memref.load %a[%i] : memref<64xf32>
        memref.store %v, %b[%i] : memref<64xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}
func.func private @consume(%a: memref<64xf32>, %b: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c64) step (%c1) {
        %v = memref.load %a[%i] : memref<64xf32>
        memref.store %v, %b[%i] : memref<64xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}
func.func private @top(%a: memref<64xf32, strided<[1]>>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c64) step (%c1) {
        memref.store %zero, %a[%i] : memref<64xf32, strided<[1]>>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}
func.func private @bottom(%a: memref<64xf32, strided<[1], offset: 64>>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c64) step (%c1) {
        memref.store %zero, %a[%i] : memref<64xf32, strided<[1], offset: 64>>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}

// -----

// A nest that reaches a buffer its arguments do not show (a global that
// is not constant) keeps its barrier: @from_global reads what @to_global
// wrote, though their arguments are disjoint.
// CHECK-LABEL: func.func private @to_global
// CHECK:         omp.wsloop {
memref.global "private" @state : memref<64xf32> = uninitialized
func.func @globals(%a: memref<64xf32>) {
  %y = memref.alloc() : memref<64xf32>
  call @to_global(%a) : (memref<64xf32>) -> ()
  call @from_global(%y) : (memref<64xf32>) -> ()
  return
}
func.func private @to_global(%a: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %g = memref.get_global @state : memref<64xf32>
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c64) step (%c1) {
        %v = memref.load %a[%i] : memref<64xf32>
        memref.store %v, %g[%i] : memref<64xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}
func.func private @from_global(%b: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %g = memref.get_global @state : memref<64xf32>
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c64) step (%c1) {
        %v = memref.load %g[%i] : memref<64xf32>
        memref.store %v, %b[%i] : memref<64xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}
