// RUN: quant-opt %s --quantc-outline-loop-nests --split-input-file | FileCheck %s

// Each top-level loop nest moves to its own noinline function; memrefs are
// passed, constants and globals are rebuilt inside so bounds stay static.

memref.global "private" constant @table : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>

// CHECK-LABEL: func.func @two_layers
// CHECK-SAME:    (%[[A:.*]]: memref<4xf32>, %[[B:.*]]: memref<4xf32>)
// CHECK:         call @two_layers_nest0(%[[A]], %[[B]]) : (memref<4xf32>, memref<4xf32>) -> ()
// CHECK-NEXT:    call @two_layers_nest1(%[[B]]) : (memref<4xf32>) -> ()
// CHECK-NEXT:    return
// CHECK:       func.func private @two_layers_nest1(%[[X:.*]]: memref<4xf32>) attributes {passthrough = ["noinline"]}
// CHECK-DAG:     arith.constant 0 : index
// CHECK-DAG:     arith.constant 4 : index
// CHECK:         scf.for
// CHECK:           memref.store {{.*}}, %[[X]]
// CHECK:         return
// CHECK:       func.func private @two_layers_nest0(%[[I:.*]]: memref<4xf32>, %[[O:.*]]: memref<4xf32>) attributes {passthrough = ["noinline"]}
// CHECK:         memref.get_global @table
// CHECK:         scf.for
// CHECK:           memref.load %[[I]]
// CHECK:           memref.store {{.*}}, %[[O]]
func.func @two_layers(%a: memref<4xf32>, %b: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %t = memref.get_global @table : memref<4xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    %x = memref.load %a[%i] : memref<4xf32>
    %w = memref.load %t[%i] : memref<4xf32>
    %y = arith.mulf %x, %w : f32
    memref.store %y, %b[%i] : memref<4xf32>
  }
  scf.for %i = %c0 to %c4 step %c1 {
    %x = memref.load %b[%i] : memref<4xf32>
    %y = arith.addf %x, %x : f32
    memref.store %y, %b[%i] : memref<4xf32>
  }
  return
}

// -----

// A loop that yields a value stays where it is.
// CHECK-LABEL: func.func @reduction
// CHECK:         scf.for {{.*}} iter_args
// CHECK-NOT:   func.func private @reduction_nest
func.func @reduction(%a: memref<4xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %sum = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %zero) -> f32 {
    %x = memref.load %a[%i] : memref<4xf32>
    %next = arith.addf %acc, %x : f32
    scf.yield %next : f32
  }
  return %sum : f32
}

// -----

// A nest under an scf.if (a precision switch's branch) is outermost too;
// the condition stays with the caller.
// CHECK-LABEL: func.func @switched
// CHECK:         scf.if %{{.*}} {
// CHECK-NEXT:      call @switched_nest0(%{{.*}}) : (memref<4xf32>) -> ()
// CHECK-NEXT:    } else {
// CHECK-NEXT:      call @switched_nest1(%{{.*}}) : (memref<4xf32>) -> ()
// CHECK:       func.func private @switched_nest1
// CHECK:         arith.subf
// CHECK:       func.func private @switched_nest0
// CHECK:         arith.addf
func.func @switched(%on: i1, %a: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.if %on {
    scf.for %i = %c0 to %c4 step %c1 {
      %x = memref.load %a[%i] : memref<4xf32>
      %y = arith.addf %x, %x : f32
      memref.store %y, %a[%i] : memref<4xf32>
    }
  } else {
    scf.for %i = %c0 to %c4 step %c1 {
      %x = memref.load %a[%i] : memref<4xf32>
      %y = arith.subf %x, %x : f32
      memref.store %y, %a[%i] : memref<4xf32>
    }
  }
  return
}
