// RUN: quant-opt %s -quantc-merge-gpu-modules="module-name=net_kernels chip=sm_80 features=+ptx70" | FileCheck %s

// Two outlined kernels (both named after the function) sharing a global:
// one module with the NVVM target, the kernels renamed after their old
// modules, the global once, the launches retargeted.
// CHECK-LABEL: func.func @main
// CHECK:         gpu.launch_func  @net_kernels::@main_kernel blocks
// CHECK:         gpu.launch_func  @net_kernels::@main_kernel_0 blocks
// CHECK-LABEL: gpu.module @net_kernels [#nvvm.target<O = 3, chip = "sm_80", features = "+ptx70">]
// CHECK:         memref.global "private" constant @w
// CHECK-NOT:     memref.global
// CHECK:         gpu.func @main_kernel(
// CHECK:         gpu.func @main_kernel_0(
// CHECK-NOT:     gpu.module
module attributes {gpu.container_module} {
  func.func @main(%a: memref<4xf32>) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @main_kernel::@main_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<4xf32>)
    gpu.launch_func @main_kernel_0::@main_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<4xf32>)
    return
  }
  gpu.module @main_kernel {
    memref.global "private" constant @w : memref<4xf32> = dense<1.0>
    gpu.func @main_kernel(%a: memref<4xf32>) kernel {
      %c0 = arith.constant 0 : index
      %w = memref.get_global @w : memref<4xf32>
      %v = memref.load %w[%c0] : memref<4xf32>
      memref.store %v, %a[%c0] : memref<4xf32>
      gpu.return
    }
  }
  gpu.module @main_kernel_0 {
    memref.global "private" constant @w : memref<4xf32> = dense<1.0>
    gpu.func @main_kernel(%a: memref<4xf32>) kernel {
      %c1 = arith.constant 1 : index
      %w = memref.get_global @w : memref<4xf32>
      %v = memref.load %w[%c1] : memref<4xf32>
      memref.store %v, %a[%c1] : memref<4xf32>
      gpu.return
    }
  }
}
