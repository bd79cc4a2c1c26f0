// RUN: quant-opt %s -qc-select-gemm-kernels="isa=amx" | FileCheck %s
// RUN: quant-opt %s -qc-select-gemm-kernels="isa=amx" -qc-define-gemm-kernels | FileCheck %s --check-prefix=DEFINED
// RUN: quant-opt %s -qc-select-gemm-kernels="isa=amx" -qc-define-gemm-kernels="emulate-amx-tiles=true" | FileCheck %s --check-prefix=EMULATED
// RUN: quant-opt %s -qc-select-gemm-kernels="isa=amx" -qc-define-gemm-kernels -convert-scf-to-cf -qc-lower-amx-tiles | FileCheck %s --check-prefix=LOWERED

// isa=amx: an int8 product of whole tiles (M = 16, K = 60 padded to 64,
// at most an eighth more) runs on AMX, named ..._amx; 2 rows, or K = 40
// (64 would be 1.6x the work), stay on AVX-512 VNNI (narrow panels: 32).
// CHECK-DAG: func.func private @quantc_gemm_u8s8_16x64x64_amx({{.*}}) attributes {qc.gemm_kernel_spec = #qc.gemm_kernel<format = int8, isa = amx, m = 16, n = 64, k = 64, group = 0>}
// CHECK-DAG: func.func private @quantc_gemm_u8s8_2x32x60_p32({{.*}}) attributes {qc.gemm_kernel_spec = #qc.gemm_kernel<format = int8, isa = avx512vnni, m = 2, n = 32, k = 60, group = 0, panel = 32>}
// CHECK-DAG: func.func private @quantc_gemm_u8s8_16x32x40_p32({{.*}}) attributes {qc.gemm_kernel_spec = #qc.gemm_kernel<format = int8, isa = avx512vnni, m = 16, n = 32, k = 40, group = 0, panel = 32>}
// CHECK-LABEL: func @route
// CHECK: qc.gemm_kernel = @quantc_gemm_u8s8_16x64x64_amx
// CHECK: qc.gemm_kernel = @quantc_gemm_u8s8_2x32x60_p32
// CHECK: qc.gemm_kernel = @quantc_gemm_u8s8_16x32x40_p32
// DEFINED: func.func private @quantc_amx_enable()
// DEFINED-LABEL: func.func private @quantc_gemm_u8s8_16x64x64_amx
// DEFINED: call @quantc_amx_enable()
// DEFINED: amx.tile_zero : !amx.tile<16x16xi32>
// DEFINED: amx.tile_load {{.*}} into !amx.tile<16x64xi8>
// DEFINED: amx.tile_muli {{.*}} zext, {{.*}} : !amx.tile<16x64xi8>, !amx.tile<16x64xi8>, !amx.tile<16x16xi32>
// DEFINED: amx.tile_store
// EMULATED-LABEL: func.func private @quantc_gemm_u8s8_16x64x64_amx
// EMULATED-NOT: amx.
// EMULATED: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// LOWERED-LABEL: func.func private @quantc_gemm_u8s8_16x64x64_amx
// LOWERED-NOT: amx.tile
// LOWERED: llvm.call_intrinsic "llvm.x86.tdpbusd.internal"
// LOWERED: llvm.br {{.*}} !llvm.x86_amx
!u8 = !quant.uniform<u8:f32, 0.05:10>
!w = !quant.uniform<i8<-127:127>:f32, 0.01>
func.func @route(%x: tensor<16x60xf32>, %y: tensor<2x60xf32>, %z: tensor<16x40xf32>) -> (tensor<16x64xf32>, tensor<2x32xf32>, tensor<16x32xf32>) {
  %xq = qc.quantize %x : tensor<16x60xf32> -> tensor<16x60x!u8>
  %w = qc.constant dense<3> : tensor<60x64xi8>
  %wq = quant.scast %w : tensor<60x64xi8> to tensor<60x64x!w>
  %b = qc.constant dense<0> : tensor<64xi32>
  %a = qc.qmatmul %xq, %wq, %b : tensor<16x60x!u8>, tensor<60x64x!w>, tensor<64xi32> -> tensor<16x64xf32>
  %yq = qc.quantize %y : tensor<2x60xf32> -> tensor<2x60x!u8>
  %v = qc.constant dense<1> : tensor<60x32xi8>
  %vq = quant.scast %v : tensor<60x32xi8> to tensor<60x32x!w>
  %c = qc.constant dense<0> : tensor<32xi32>
  %d = qc.qmatmul %yq, %vq, %c : tensor<2x60x!u8>, tensor<60x32x!w>, tensor<32xi32> -> tensor<2x32xf32>
  %zq = qc.quantize %z : tensor<16x40xf32> -> tensor<16x40x!u8>
  %u = qc.constant dense<1> : tensor<40x32xi8>
  %uq = quant.scast %u : tensor<40x32xi8> to tensor<40x32x!w>
  %e = qc.qmatmul %zq, %uq, %c : tensor<16x40x!u8>, tensor<40x32x!w>, tensor<32xi32> -> tensor<16x32xf32>
  return %a, %d, %e : tensor<16x64xf32>, tensor<2x32xf32>, tensor<16x32xf32>
}
