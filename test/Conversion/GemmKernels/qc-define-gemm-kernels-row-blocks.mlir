// RUN: quant-opt %s -split-input-file -qc-define-gemm-kernels | FileCheck %s
// RUN: quant-opt %s -split-input-file -qc-define-gemm-kernels=block-columns=32 | FileCheck %s --check-prefix=COLS32
// RUN: not quant-opt %s -split-input-file -qc-define-gemm-kernels=block-columns=48 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: qc-define-gemm-kernels: register blocks take 64 or 32 columns, not 48

// AVX-512 VNNI kernels walk M in register blocks of 4 rows (64-column
// panels) and the rows left over in one-row blocks: 13 rows are 3 blocks
// of 4, then row 12 alone; not 13 one-row blocks.
// CHECK-LABEL: func.func private @rows13
// CHECK: scf.for %{{.*}} = %c0{{(_[0-9]+)?}} to %c12 step %c4
// CHECK: scf.for %{{.*}} = %c12{{(_[0-9]+)?}} to %c13 step %c1{{(_[0-9]+)?}} {
// With block-columns=32 the 64-column panel is walked in halves by 8-row
// blocks (two accumulator vectors per row, 16 in all), then 4 rows of the
// whole panel, then one.
// COLS32-LABEL: func.func private @rows13
// COLS32: scf.for %{{.*}} = %c0{{(_[0-9]+)?}} to %c8 step %c8{{(_[0-9]+)?}} {
// COLS32: scf.for {{.*}} -> (vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>) {
// COLS32: vector.load %arg1[%{{.*}}, %{{.*}}, %c128{{(_[0-9]+)?}}] : memref<1x32x256xi8>, vector<64xi8>
// COLS32: scf.for %{{.*}} = %c8{{(_[0-9]+)?}} to %c12 step %c4{{(_[0-9]+)?}} {
// COLS32: scf.for %{{.*}} = %c12{{(_[0-9]+)?}} to %c13 step %c1{{(_[0-9]+)?}} {
func.func private @rows13(memref<13x128xi8>, memref<1x32x256xi8>, memref<13x64xi32>) attributes {qc.gemm_kernel_spec = #qc.gemm_kernel<format = int8, isa = avx512vnni, m = 13, n = 64, k = 128, group = 0>}

// -----

// Panels of 32 columns take 8-row blocks: 13 rows are one block of 8, one
// of 4 and one row.
// CHECK-LABEL: func.func private @rows13_p32
// CHECK: scf.for %{{.*}} = %c0{{(_[0-9]+)?}} to %c8 step %c8{{(_[0-9]+)?}} {
// CHECK: scf.for %{{.*}} = %c8{{(_[0-9]+)?}} to %c12 step %c4 {
// CHECK: scf.for %{{.*}} = %c12{{(_[0-9]+)?}} to %c13 step %c1{{(_[0-9]+)?}} {
func.func private @rows13_p32(memref<13x128xi8>, memref<1x32x128xi8>, memref<13x32xi32>) attributes {qc.gemm_kernel_spec = #qc.gemm_kernel<format = int8, isa = avx512vnni, m = 13, n = 32, k = 128, group = 0, panel = 32>}
