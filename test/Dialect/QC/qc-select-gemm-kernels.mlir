// RUN: quant-opt %s -split-input-file -qc-select-gemm-kernels | FileCheck %s
// RUN: quant-opt %s -split-input-file -qc-select-gemm-kernels="isa=neon-dot" | FileCheck %s --check-prefix=NEON
// RUN: quant-opt %s -split-input-file -qc-select-gemm-kernels -qc-define-gemm-kernels | FileCheck %s --check-prefix=DEFINED
// RUN: not quant-opt %s -split-input-file -qc-select-gemm-kernels="isa=sve" 2>&1 | FileCheck %s --check-prefix=BADISA

// A u8 x symmetric i8 qmatmul with N = 64, K = 4: routed to a kernel,
// declared once for its shape; the one with N = 2 is not.
// CHECK: func.func private @quantc_gemm_u8s8_2x64x4(memref<2x4xi8>, memref<1x1x256xi8>, memref<2x64xi32>) attributes {qc.gemm_isa = "avx512vnni", qc.gemm_shape = array<i64: 2, 64, 4>}
// CHECK-LABEL: func @route
// CHECK: qc.qmatmul {{.*}} {qc.gemm_kernel = @quantc_gemm_u8s8_2x64x4}
// CHECK: qc.qmatmul {{.*}} {qc.gemm_kernel = @quantc_gemm_u8s8_2x64x4}
// CHECK: qc.qmatmul
// CHECK-NOT: qc.gemm_kernel
// NEON: qc.gemm_isa = "neon-dot"
// DEFINED: func.func private @quantc_gemm_u8s8_2x64x4(%{{.*}}: memref<2x4xi8>, %{{.*}}: memref<1x1x256xi8>, %{{.*}}: memref<2x64xi32>)
// DEFINED: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// BADISA: error: unknown kernel ISA 'sve'; expected avx512vnni or neon-dot
!u8 = !quant.uniform<u8:f32, 0.05:10>
!w64 = !quant.uniform<i8<-127:127>:f32, 0.01>
func.func @route(%x: tensor<2x4xf32>) -> (tensor<2x64xf32>, tensor<2x64xf32>, tensor<2x2xf32>) {
  %xq = qc.quantize %x : tensor<2x4xf32> -> tensor<2x4x!u8>
  %w = qc.constant dense<3> : tensor<4x64xi8>
  %wq = quant.scast %w : tensor<4x64xi8> to tensor<4x64x!w64>
  %b = qc.constant dense<0> : tensor<64xi32>
  %y = qc.qmatmul %xq, %wq, %b : tensor<2x4x!u8>, tensor<4x64x!w64>, tensor<64xi32> -> tensor<2x64xf32>
  %z = qc.qmatmul %xq, %wq, %b : tensor<2x4x!u8>, tensor<4x64x!w64>, tensor<64xi32> -> tensor<2x64xf32>
  %v = qc.constant dense<1> : tensor<4x2xi8>
  %vq = quant.scast %v : tensor<4x2xi8> to tensor<4x2x!w64>
  %c = qc.constant dense<0> : tensor<2xi32>
  %u = qc.qmatmul %xq, %vq, %c : tensor<2x4x!u8>, tensor<4x2x!w64>, tensor<2xi32> -> tensor<2x2xf32>
  return %y, %z, %u : tensor<2x64xf32>, tensor<2x64xf32>, tensor<2x2xf32>
}

// -----

// A 1x1 convolution (one image, stride 1, no padding, one group) is a
// matmul over channels: M = H x W, K = Cin, N = Cout. A strided one is
// not routed.
// CHECK: func.func private @quantc_gemm_u8s8_6x64x8(memref<6x8xi8>, memref<1x2x256xi8>, memref<6x64xi32>)
// CHECK-LABEL: func @pointwise
// CHECK: qc.qconv2d {{.*}} {qc.gemm_kernel = @quantc_gemm_u8s8_6x64x8}
// CHECK: qc.qconv2d
// CHECK-NOT: qc.gemm_kernel
!u8 = !quant.uniform<u8:f32, 0.05:10>
!w = !quant.uniform<i8<-127:127>:f32:0, {0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01}>
func.func @pointwise(%x: tensor<1x8x2x3xf32>) -> (tensor<1x64x2x3xf32>, tensor<1x64x1x2xf32>) {
  %xq = qc.quantize %x : tensor<1x8x2x3xf32> -> tensor<1x8x2x3x!u8>
  %w = qc.constant dense<2> : tensor<64x8x1x1xi8>
  %wq = quant.scast %w : tensor<64x8x1x1xi8> to tensor<64x8x1x1x!w>
  %b = qc.constant dense<0> : tensor<64xi32>
  %y = qc.qconv2d %xq, %wq, %b : (tensor<1x8x2x3x!u8>, tensor<64x8x1x1x!w>, tensor<64xi32>) -> tensor<1x64x2x3xf32>
  %z = qc.qconv2d %xq, %wq, %b {strides = array<i64: 2, 2>} : (tensor<1x8x2x3x!u8>, tensor<64x8x1x1x!w>, tensor<64xi32>) -> tensor<1x64x1x2xf32>
  return %y, %z : tensor<1x64x2x3xf32>, tensor<1x64x1x2xf32>
}
