// RUN: quant-opt %s -split-input-file -qc-select-gemm-kernels | FileCheck %s
// RUN: quant-opt %s -split-input-file -qc-select-gemm-kernels="isa=neon-dot" | FileCheck %s --check-prefix=NEON
// RUN: quant-opt %s -split-input-file -qc-select-gemm-kernels -qc-define-gemm-kernels | FileCheck %s --check-prefix=DEFINED
// RUN: not quant-opt %s -split-input-file -qc-select-gemm-kernels="isa=sve" 2>&1 | FileCheck %s --check-prefix=BADISA

// A u8 x symmetric i8 qmatmul with N = 64, K = 4: routed to a kernel,
// declared once for its shape; the one with N = 2 is not.
// CHECK: func.func private @quantc_gemm_u8s8_2x64x4(memref<2x4xi8>, memref<1x1x256xi8>, memref<2x64xi32>) attributes {qc.gemm_kernel_spec = #qc.gemm_kernel<format = int8, isa = avx512vnni, m = 2, n = 64, k = 4, group = 0>}
// CHECK-LABEL: func @route
// CHECK: qc.qmatmul {{.*}} {qc.gemm_kernel = @quantc_gemm_u8s8_2x64x4}
// CHECK: qc.qmatmul {{.*}} {qc.gemm_kernel = @quantc_gemm_u8s8_2x64x4}
// CHECK: qc.qmatmul
// CHECK-NOT: qc.gemm_kernel
// NEON: qc.gemm_kernel_spec = #qc.gemm_kernel<format = int8, isa = neon_dot,
// DEFINED: func.func private @quantc_gemm_u8s8_2x64x4(%{{.*}}: memref<2x4xi8>, %{{.*}}: memref<1x1x256xi8>, %{{.*}}: memref<2x64xi32>)
// DEFINED: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// BADISA: error: unknown kernel ISA 'sve'; expected avx512vnni, avx2, neon-dot, neon-i8mm or amx
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

// A convolution of one image and one group is a matmul over its input
// patches: M = output pixels, K = Cin x KH x KW (padded to the block of
// 4), N = Cout (padded to 16, in the widest panel of 64, 48, 32 or 16
// columns that divides it). A strided 1x1 one: M = 2; a padded 3x3 one
// with Cout 24: K = 72, N = 32 in one panel of 32 (not one of 64); a
// depthwise one (8 groups) is not routed.
// CHECK-DAG: func.func private @quantc_gemm_u8s8_6x64x8(memref<6x8xi8>, memref<1x2x256xi8>, memref<6x64xi32>)
// CHECK-DAG: func.func private @quantc_gemm_u8s8_2x64x8(
// CHECK-DAG: func.func private @quantc_gemm_u8s8_6x32x72_p32(memref<6x72xi8>, memref<1x18x128xi8>, memref<6x32xi32>) attributes {qc.gemm_kernel_spec = #qc.gemm_kernel<format = int8, isa = avx512vnni, m = 6, n = 32, k = 72, group = 0, panel = 32>}
// CHECK-LABEL: func @convolutions
// CHECK: qc.qconv2d {{.*}} {qc.gemm_kernel = @quantc_gemm_u8s8_6x64x8}
// CHECK: qc.qconv2d {{.*}} {qc.gemm_kernel = @quantc_gemm_u8s8_2x64x8, strides = array<i64: 2, 2>}
// CHECK: qc.qconv2d {{.*}}qc.gemm_kernel = @quantc_gemm_u8s8_6x32x72_p32
// CHECK: qc.qconv2d
// CHECK-NOT: qc.gemm_kernel
!u8 = !quant.uniform<u8:f32, 0.05:10>
!w = !quant.uniform<i8<-127:127>:f32:0, {0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01}>
!w3 = !quant.uniform<i8<-127:127>:f32, 0.02>
func.func @convolutions(%x: tensor<1x8x2x3xf32>) -> (tensor<1x64x2x3xf32>, tensor<1x64x1x2xf32>, tensor<1x24x2x3xf32>, tensor<1x8x2x3xf32>) {
  %xq = qc.quantize %x : tensor<1x8x2x3xf32> -> tensor<1x8x2x3x!u8>
  %w = qc.constant dense<2> : tensor<64x8x1x1xi8>
  %wq = quant.scast %w : tensor<64x8x1x1xi8> to tensor<64x8x1x1x!w>
  %b = qc.constant dense<0> : tensor<64xi32>
  %y = qc.qconv2d %xq, %wq, %b : (tensor<1x8x2x3x!u8>, tensor<64x8x1x1x!w>, tensor<64xi32>) -> tensor<1x64x2x3xf32>
  %z = qc.qconv2d %xq, %wq, %b {strides = array<i64: 2, 2>} : (tensor<1x8x2x3x!u8>, tensor<64x8x1x1x!w>, tensor<64xi32>) -> tensor<1x64x1x2xf32>
  %v = qc.constant dense<1> : tensor<24x8x3x3xi8>
  %vq = quant.scast %v : tensor<24x8x3x3xi8> to tensor<24x8x3x3x!w3>
  %u = qc.qconv2d %xq, %vq {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x2x3x!u8>, tensor<24x8x3x3x!w3>) -> tensor<1x24x2x3xf32>
  %d = qc.constant dense<1> : tensor<8x1x3x3xi8>
  %dq = quant.scast %d : tensor<8x1x3x3xi8> to tensor<8x1x3x3x!w3>
  %e = qc.qconv2d %xq, %dq {group = 8 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x2x3x!u8>, tensor<8x1x3x3x!w3>) -> tensor<1x8x2x3xf32>
  return %y, %z, %u, %e : tensor<1x64x2x3xf32>, tensor<1x64x1x2xf32>, tensor<1x24x2x3xf32>, tensor<1x8x2x3xf32>
}

// -----

// With AVX-512 VNNI, convolutions whose rows hold at least 16 output
// pixels (all of a pointwise one's pixels count as its row) take the
// direct path instead of a kernel: a padded 3x3 one on 20 columns, a
// pointwise one on 4 x 5 pixels, a height-strided one, one with strides 2
// on 40 input columns. Not: rows of 10 output pixels (kernels), or any on
// neon-dot.
// CHECK-DAG: func.func private @quantc_gemm_u8s8_40x32x72_p32(
// CHECK-DAG: func.func private @quantc_gemm_u8s8_20x32x72_p32(
// CHECK-LABEL: func @direct
// CHECK: qc.qconv2d {{.*}}qc.direct_conv
// CHECK: qc.qconv2d {{.*}}qc.direct_conv
// CHECK: qc.qconv2d {{.*}}qc.direct_conv
// CHECK: qc.qconv2d {{.*}}qc.gemm_kernel = @quantc_gemm_u8s8_40x32x72_p32
// CHECK: qc.qconv2d {{.*}}qc.gemm_kernel = @quantc_gemm_u8s8_20x32x72_p32
// CHECK: qc.qconv2d {{.*}}qc.direct_conv
// NEON-LABEL: func @direct
// NEON-NOT: qc.direct_conv
!u8d = !quant.uniform<u8:f32, 0.05:10>
!w3d = !quant.uniform<i8<-127:127>:f32, 0.02>
func.func @direct(%x: tensor<1x8x4x20xf32>, %n: tensor<1x8x4x10xf32>, %wide: tensor<1x8x4x40xf32>) -> (tensor<1x24x4x20xf32>, tensor<1x24x4x5xf32>, tensor<1x24x2x20xf32>, tensor<1x24x4x10xf32>, tensor<1x24x2x10xf32>, tensor<1x24x2x20xf32>) {
  %xq = qc.quantize %x : tensor<1x8x4x20xf32> -> tensor<1x8x4x20x!u8d>
  %nq = qc.quantize %n : tensor<1x8x4x10xf32> -> tensor<1x8x4x10x!u8d>
  %v = qc.constant dense<1> : tensor<24x8x3x3xi8>
  %vq = quant.scast %v : tensor<24x8x3x3xi8> to tensor<24x8x3x3x!w3d>
  %p = qc.constant dense<1> : tensor<24x8x1x1xi8>
  %pq = quant.scast %p : tensor<24x8x1x1xi8> to tensor<24x8x1x1x!w3d>
  %m = qc.constant dense<0.5> : tensor<1x8x4x5xf32>
  %mq = qc.quantize %m : tensor<1x8x4x5xf32> -> tensor<1x8x4x5x!u8d>
  %a = qc.qconv2d %xq, %vq {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x4x20x!u8d>, tensor<24x8x3x3x!w3d>) -> tensor<1x24x4x20xf32>
  %b = qc.qconv2d %mq, %pq : (tensor<1x8x4x5x!u8d>, tensor<24x8x1x1x!w3d>) -> tensor<1x24x4x5xf32>
  %c = qc.qconv2d %xq, %vq {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 1>} : (tensor<1x8x4x20x!u8d>, tensor<24x8x3x3x!w3d>) -> tensor<1x24x2x20xf32>
  %d = qc.qconv2d %nq, %vq {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x4x10x!u8d>, tensor<24x8x3x3x!w3d>) -> tensor<1x24x4x10xf32>
  %e = qc.qconv2d %xq, %vq {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x4x20x!u8d>, tensor<24x8x3x3x!w3d>) -> tensor<1x24x2x10xf32>
  %wq = qc.quantize %wide : tensor<1x8x4x40xf32> -> tensor<1x8x4x40x!u8d>
  %f = qc.qconv2d %wq, %vq {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x4x40x!u8d>, tensor<24x8x3x3x!w3d>) -> tensor<1x24x2x20xf32>
  return %a, %b, %c, %d, %e, %f : tensor<1x24x4x20xf32>, tensor<1x24x4x5xf32>, tensor<1x24x2x20xf32>, tensor<1x24x4x10xf32>, tensor<1x24x2x10xf32>, tensor<1x24x2x20xf32>
}

// -----

// A pointwise convolution goes direct however many channels it reads: 320
// or 384 over 14 x 14 pixels, 384 over 8 x 8 (no GEMM kernel is
// declared). Its input used to have to fit a 32 KiB L1 per 96-pixel tile,
// a rule measured while the packing of 14-pixel rows ran scalar.
// CHECK-NOT: func.func private @quantc_gemm_u8s8_196x16x384
// CHECK-LABEL: func @direct_pointwise_any_channels
// CHECK: qc.qconv2d {{.*}}qc.direct_conv
// CHECK: qc.qconv2d {{.*}}qc.direct_conv
// CHECK: qc.qconv2d {{.*}}qc.direct_conv
!u8l = !quant.uniform<u8:f32, 0.05:10>
!w8l = !quant.uniform<i8<-127:127>:f32, 0.02>
func.func @direct_pointwise_any_channels(%x: tensor<1x320x14x14xf32>, %y: tensor<1x384x14x14xf32>, %z: tensor<1x384x8x8xf32>) -> (tensor<1x16x14x14xf32>, tensor<1x16x14x14xf32>, tensor<1x16x8x8xf32>) {
  %xq = qc.quantize %x : tensor<1x320x14x14xf32> -> tensor<1x320x14x14x!u8l>
  %yq = qc.quantize %y : tensor<1x384x14x14xf32> -> tensor<1x384x14x14x!u8l>
  %zq = qc.quantize %z : tensor<1x384x8x8xf32> -> tensor<1x384x8x8x!u8l>
  %v = qc.constant dense<1> : tensor<16x320x1x1xi8>
  %vq = quant.scast %v : tensor<16x320x1x1xi8> to tensor<16x320x1x1x!w8l>
  %w = qc.constant dense<1> : tensor<16x384x1x1xi8>
  %wq = quant.scast %w : tensor<16x384x1x1xi8> to tensor<16x384x1x1x!w8l>
  %a = qc.qconv2d %xq, %vq : (tensor<1x320x14x14x!u8l>, tensor<16x320x1x1x!w8l>) -> tensor<1x16x14x14xf32>
  %b = qc.qconv2d %yq, %wq : (tensor<1x384x14x14x!u8l>, tensor<16x384x1x1x!w8l>) -> tensor<1x16x14x14xf32>
  %c = qc.qconv2d %zq, %wq : (tensor<1x384x8x8x!u8l>, tensor<16x384x1x1x!w8l>) -> tensor<1x16x8x8xf32>
  return %a, %b, %c : tensor<1x16x14x14xf32>, tensor<1x16x14x14xf32>, tensor<1x16x8x8xf32>
}

// -----

// Ternary weights (storage range [-1, 1]) take the 2-bit kernel (K = 8
// padded to 16: both products share it); int4 weights in groups of 8 along K take the int4 kernel, with
// the packed f32 scales and an f32 result.
// CHECK-DAG: func.func private @quantc_gemm_u8t2_1x64x16(memref<1x16xi8>, memref<1x1x256xi8>, memref<1x64xi32>) attributes {qc.gemm_kernel_spec = #qc.gemm_kernel<format = ternary, isa = avx512vnni, m = 1, n = 64, k = 16, group = 0>}
// CHECK-DAG: func.func private @quantc_gemm_u8s4g8_1x64x16(memref<1x16xi8>, memref<1x2x256xi8>, memref<1x2x64xf32>, memref<1x64xf32>) attributes {qc.gemm_kernel_spec = #qc.gemm_kernel<format = int4, isa = avx512vnni, m = 1, n = 64, k = 16, group = 8>}
// CHECK-LABEL: func @low_bit
// CHECK: qc.qmatmul {{.*}} {qc.gemm_kernel = @quantc_gemm_u8t2_1x64x16}
// CHECK: qc.qmatmul {{.*}} {qc.gemm_kernel = @quantc_gemm_u8t2_1x64x16}
// CHECK: qc.qmatmul {{.*}} {qc.gemm_kernel = @quantc_gemm_u8s4g8_1x64x16}
// DEFINED-LABEL: func.func private @quantc_gemm_u8s4g8_1x64x16
// DEFINED: vector.fma
!u8 = !quant.uniform<u8:f32, 0.05:10>
!t = !quant.uniform<i8<-1:1>:f32, 0.5>
!g = !quant.uniform<i8<-7:7>:f32:{0:8, 1:1}, {{0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}, {0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2}}>
func.func @low_bit(%x: tensor<1x16xf32>, %u: tensor<1x8xf32>) -> (tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>) {
  %xq = qc.quantize %x : tensor<1x16xf32> -> tensor<1x16x!u8>
  %uq = qc.quantize %u : tensor<1x8xf32> -> tensor<1x8x!u8>
  %t = qc.constant dense<1> : tensor<16x64xi8>
  %tq = quant.scast %t : tensor<16x64xi8> to tensor<16x64x!t>
  %y = qc.qmatmul %xq, %tq : tensor<1x16x!u8>, tensor<16x64x!t> -> tensor<1x64xf32>
  %s = qc.constant dense<-1> : tensor<8x64xi8>
  %sq = quant.scast %s : tensor<8x64xi8> to tensor<8x64x!t>
  %z = qc.qmatmul %uq, %sq : tensor<1x8x!u8>, tensor<8x64x!t> -> tensor<1x64xf32>
  %g = qc.constant dense<3> : tensor<16x64xi8>
  %gq = quant.scast %g : tensor<16x64xi8> to tensor<16x64x!g>
  %v = qc.qmatmul %xq, %gq : tensor<1x16x!u8>, tensor<16x64x!g> -> tensor<1x64xf32>
  return %y, %z, %v : tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>
}
