// RUN: quant-opt %s -split-input-file -qc-define-gemm-kernels | FileCheck %s

// AVX-512 VNNI kernels walk M in register blocks of 4 rows (64-column
// panels) and the rows left over in one-row blocks: 13 rows are 3 blocks
// of 4, then row 12 alone; not 13 one-row blocks.
// CHECK-LABEL: func.func private @rows13
// CHECK: scf.for %{{.*}} = %c0{{(_[0-9]+)?}} to %c12 step %c4
// CHECK: scf.for %{{.*}} = %c12{{(_[0-9]+)?}} to %c13 step %c1{{(_[0-9]+)?}} {
func.func private @rows13(memref<13x128xi8>, memref<1x32x256xi8>, memref<13x64xi32>) attributes {qc.gemm_kernel_spec = #qc.gemm_kernel<format = int8, isa = avx512vnni, m = 13, n = 64, k = 128, group = 0>}

// -----

// Panels of 32 columns take 8-row blocks: 13 rows are one block of 8, one
// of 4 and one row.
// CHECK-LABEL: func.func private @rows13_p32
// CHECK: scf.for %{{.*}} = %c0{{(_[0-9]+)?}} to %c8 step %c8{{(_[0-9]+)?}} {
// CHECK: scf.for %{{.*}} = %c8{{(_[0-9]+)?}} to %c12 step %c4 {
// CHECK: scf.for %{{.*}} = %c12{{(_[0-9]+)?}} to %c13 step %c1{{(_[0-9]+)?}} {
func.func private @rows13_p32(memref<13x128xi8>, memref<1x32x128xi8>, memref<13x32xi32>) attributes {qc.gemm_kernel_spec = #qc.gemm_kernel<format = int8, isa = avx512vnni, m = 13, n = 32, k = 128, group = 0, panel = 32>}
