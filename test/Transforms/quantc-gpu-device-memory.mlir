// RUN: quant-opt %s -split-input-file -verify-diagnostics -quantc-gpu-device-memory | FileCheck %s

memref.global "private" constant @weights : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>

// CHECK-LABEL: func.func @scale
// CHECK-SAME:    (%[[X:.*]]: memref<4xf32>) -> memref<4xf32>
func.func @scale(%x: memref<4xf32>) -> memref<4xf32> {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %w = memref.get_global @weights : memref<4xf32>
  %y = memref.alloc() : memref<4xf32>
  %t = memref.alloc() : memref<4xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c4, %sy = %c1, %sz = %c1) {
    %a = memref.load %x[%tx] : memref<4xf32>
    %b = memref.load %w[%tx] : memref<4xf32>
    %p = arith.mulf %a, %b : f32
    memref.store %p, %t[%tx] : memref<4xf32>
    memref.store %p, %y[%tx] : memref<4xf32>
    gpu.terminator
  }
  memref.dealloc %t : memref<4xf32>
  return %y : memref<4xf32>
}
// The argument goes to the device first; the launch reads the weights as
// a global of its own; results come back into a host buffer.
// CHECK:         %[[DX:.*]] = gpu.alloc  () : memref<4xf32>
// CHECK-NEXT:    gpu.memcpy  %[[DX]], %[[X]]
// CHECK-NOT:     memref.get_global
// CHECK:         %[[Y:.*]] = gpu.alloc  () : memref<4xf32>
// CHECK:         %[[T:.*]] = gpu.alloc  () : memref<4xf32>
// CHECK:         gpu.launch
// CHECK:           memref.get_global @weights
// CHECK:           memref.load %[[DX]]
// CHECK:         gpu.dealloc  %[[T]]
// CHECK:         %[[HOST:.*]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT:    gpu.memcpy  %[[HOST]], %[[Y]]
// CHECK-NEXT:    gpu.dealloc  %[[Y]]
// CHECK-NEXT:    gpu.dealloc  %[[DX]]
// CHECK-NEXT:    return %[[HOST]]

// -----

func.func @host_read(%x: memref<4xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{buffer contents are accessed outside a gpu.launch; run quantc-map-loops-to-gpu and convert-parallel-loops-to-gpu first}}
  %v = memref.load %x[%c0] : memref<4xf32>
  return %v : f32
}

// -----

func.func @stack_buffer() {
  // expected-error @+1 {{GPU targets cannot place a stack buffer on the device}}
  %s = memref.alloca() : memref<4xf32>
  return
}
