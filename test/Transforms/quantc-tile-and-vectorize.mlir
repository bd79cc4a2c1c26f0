// RUN: quant-opt %s -split-input-file -quantc-tile-and-vectorize -canonicalize | FileCheck %s

// CHECK-LABEL: func @matmul
// An f32 matmul is tiled to broadcast panels: 4 rows x 64 columns (four
// registers a row, 16 accumulators), the column tiles outermost so that
// B's panel is reused from cache by every row tile. The accumulators are
// read once, carried through one loop over K and written once; each step
// loads B's row once (4 registers) and multiplies it by A's 4 scalars,
// broadcast: no vector.contract, no transposed A.
// CHECK: scf.for {{.*}} to %c256 step %c64
// CHECK: scf.for {{.*}} to %c64 step %c4
// CHECK-COUNT-16: vector.transfer_read {{.*}} : tensor<4x64xf32>, vector<16xf32>
// CHECK: scf.for {{.*}} to %c128 step %c1 {{.*}} -> (vector<16xf32>
// CHECK-COUNT-4: vector.transfer_read {{.*}} : tensor<128x64xf32>, vector<16xf32>
// CHECK: tensor.extract {{.*}} : tensor<4x128xf32>
// CHECK-NEXT: vector.broadcast
// CHECK-COUNT-16: vector.fma
// CHECK-NOT: vector.fma
// CHECK: scf.yield
// CHECK-COUNT-16: vector.transfer_write {{.*}} : vector<16xf32>, tensor<4x64xf32>
// The tile loops are marked parallel for quantc-parallelize-loops.
// CHECK: } {quantc.parallel}
// CHECK: } {quantc.parallel}
// CHECK-NOT: linalg.matmul
// CHECK-NOT: vector.contract
func.func @matmul(%a: tensor<64x128xf32>, %b: tensor<128x256xf32>, %c: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<64x128xf32>, tensor<128x256xf32>) outs(%c : tensor<64x256xf32>) -> tensor<64x256xf32>
  return %0 : tensor<64x256xf32>
}

// -----

// CHECK-LABEL: func @matmul_integer
// Integer matmuls (the generic loops where no GEMM kernel applies): tiles
// of 8 x 32 x 16 (M x N x K), each one vector.contract; the accumulator
// tile is read once, carried through the K loop as a vector and written
// once.
// CHECK: scf.for
// CHECK: scf.for
// CHECK: vector.transfer_read {{.*}} : tensor<8x32xi32>, vector<8x32xi32>
// CHECK: scf.for {{.*}} -> (vector<8x32xi32>)
// CHECK: vector.contract {{.*}} vector<8x16xi8>, vector<16x32xi8> into vector<8x32xi32>
// CHECK-NOT: vector.transfer_write
// CHECK: scf.yield {{.*}} : vector<8x32xi32>
// CHECK: vector.transfer_write {{.*}} : vector<8x32xi32>, tensor<8x32xi32>
// The M and N tile loops are marked parallel; the K loop, which carries
// the accumulator, is not.
// CHECK: } {quantc.parallel}
// CHECK: } {quantc.parallel}
func.func @matmul_integer(%a: tensor<64x128xi8>, %b: tensor<128x256xi8>, %c: tensor<64x256xi32>) -> tensor<64x256xi32> {
  %0 = linalg.matmul ins(%a, %b : tensor<64x128xi8>, tensor<128x256xi8>) outs(%c : tensor<64x256xi32>) -> tensor<64x256xi32>
  return %0 : tensor<64x256xi32>
}

// -----

// CHECK-LABEL: func @matmul_peeled
// N = 200, no multiple of 16: columns [0, 192) take panels of 96 columns
// (six registers, 4 rows), the last 8 columns their own masked panel.
// CHECK: tensor.extract_slice {{.*}} [32, 192] [1, 1] : tensor<32x200xf32> to tensor<32x192xf32>
// CHECK: scf.for {{.*}} to %c192 step %c96
// CHECK: scf.for {{.*}} -> (vector<16xf32>
// CHECK: tensor.extract_slice {{.*}}[0, 192] [32, 8] [1, 1] : tensor<32x200xf32> to tensor<32x8xf32>
// CHECK: vector.transfer_read {{.*}}, %{{.*}} : tensor<32x8xf32>, vector<16xf32>
// CHECK: tensor.insert_slice {{.*}} [8, 192] [1, 1] : tensor<8x192xf32> into tensor<8x200xf32>
// CHECK: tensor.insert_slice {{.*}}[0, 192] [8, 8] [1, 1] : tensor<8x8xf32> into tensor<8x200xf32>
func.func @matmul_peeled(%a: tensor<8x32xf32>, %b: tensor<32x200xf32>, %c: tensor<8x200xf32>) -> tensor<8x200xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<8x32xf32>, tensor<32x200xf32>) outs(%c : tensor<8x200xf32>) -> tensor<8x200xf32>
  return %0 : tensor<8x200xf32>
}

// -----

// A classifier's GEMV, 1 x 1000: columns [0, 896) in panels of 128
// columns (eight registers: eight accumulators for one row, where the
// 992 a multiple of 16 allows took two), the last 104 one masked panel.
// CHECK-LABEL: func @gemv_peeled
// CHECK: scf.for {{.*}} to %c896 step %c128
// CHECK: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK: tensor.extract_slice {{.*}}[0, 896] [512, 104] [1, 1] : tensor<512x1000xf32> to tensor<512x104xf32>
// CHECK: tensor.insert_slice {{.*}}[0, 0] [1, 896] [1, 1] : tensor<1x896xf32> into tensor<1x1000xf32>
// CHECK: tensor.insert_slice {{.*}}[0, 896] [1, 104] [1, 1] : tensor<1x104xf32> into tensor<1x1000xf32>
func.func @gemv_peeled(%a: tensor<1x512xf32>, %b: tensor<512x1000xf32>, %c: tensor<1x1000xf32>) -> tensor<1x1000xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<1x512xf32>, tensor<512x1000xf32>) outs(%c : tensor<1x1000xf32>) -> tensor<1x1000xf32>
  return %0 : tensor<1x1000xf32>
}

// -----

// A ViT's 197 tokens (prime): rows [0, 192) in tiles of 6 rows x 4
// registers (24 accumulators, where 197's divisors allowed one row), the
// last 5 rows their own panels.
// CHECK-LABEL: func @matmul_rows_peeled
// CHECK: tensor.extract_slice {{.*}}[0, 0] [192, 64] [1, 1] : tensor<197x64xf32> to tensor<192x64xf32>
// CHECK: scf.for {{.*}} to %c192 step %c6
// CHECK: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK: tensor.extract_slice {{.*}}[192, 0] [5, 64] [1, 1] : tensor<197x64xf32> to tensor<5x64xf32>
// CHECK: tensor.insert_slice {{.*}}[0, 0] [192, 256] [1, 1] : tensor<192x256xf32> into tensor<197x256xf32>
// CHECK: tensor.insert_slice {{.*}}[192, 0] [5, 256] [1, 1] : tensor<5x256xf32> into tensor<197x256xf32>
func.func @matmul_rows_peeled(%a: tensor<197x64xf32>, %b: tensor<64x256xf32>, %c: tensor<197x256xf32>) -> tensor<197x256xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<197x64xf32>, tensor<64x256xf32>) outs(%c : tensor<197x256xf32>) -> tensor<197x256xf32>
  return %0 : tensor<197x256xf32>
}

// -----

// 197 tokens by 192 columns: the whole row fits 12 registers, but one row
// of them loads X's 12 registers for 12 multiply-adds (13 loads, X from
// L2 for every row). Rows [0, 192) take tiles of 6 rows x 4 registers.
// CHECK-LABEL: func @matmul_rows_peeled_wide
// CHECK: tensor.extract_slice {{.*}}[0, 0] [192, 96] [1, 1] : tensor<197x96xf32> to tensor<192x96xf32>
// CHECK: scf.for {{.*}} to %c192 step %c64
// CHECK: scf.for {{.*}} to %c192 step %c6
// CHECK: tensor.extract_slice {{.*}}[192, 0] [5, 96] [1, 1] : tensor<197x96xf32> to tensor<5x96xf32>
func.func @matmul_rows_peeled_wide(%a: tensor<197x96xf32>, %b: tensor<96x192xf32>, %c: tensor<197x192xf32>) -> tensor<197x192xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<197x96xf32>, tensor<96x192xf32>) outs(%c : tensor<197x192xf32>) -> tensor<197x192xf32>
  return %0 : tensor<197x192xf32>
}

// -----

// CHECK-LABEL: func @conv
// An f32 unit-stride convolution: broadcast panels of one output row, 8
// filters and 32 columns (16 accumulators), over all input channels and
// 3x3 taps; the filter tiles are innermost (the input rows are reused
// from cache). Each channel step reads the input rows at the 9 taps' offsets
// (2 registers each) and multiplies them by the filters' scalars.
// CHECK-NOT: linalg.conv_2d_nchw_fchw
// CHECK-NOT: linalg.conv_1d_ncw_fcw
// CHECK: scf.for {{.*}} to %c8 step %c1
// CHECK: scf.for {{.*}} to %c16 step %c8
// CHECK-COUNT-16: vector.transfer_read {{.*}} : tensor<1x8x1x32xf32>, vector<16xf32>
// CHECK: scf.for {{.*}} to %c16 step %c1 {{.*}} -> (vector<16xf32>
// CHECK-COUNT-18: vector.transfer_read {{.*}} {in_bounds = [true]} : tensor<1x16x3x34xf32>, vector<16xf32>
// CHECK-NOT: vector.transfer_read
// CHECK: scf.yield
// CHECK-COUNT-16: vector.transfer_write {{.*}} : vector<16xf32>, tensor<1x8x1x32xf32>
// CHECK: } {quantc.parallel}
// CHECK: } {quantc.parallel}
// CHECK-NOT: vector.contract
func.func @conv(%x: tensor<1x16x10x34xf32>, %w: tensor<16x16x3x3xf32>, %y: tensor<1x16x8x32xf32>) -> tensor<1x16x8x32xf32> {
  %0 = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x16x10x34xf32>, tensor<16x16x3x3xf32>) outs(%y : tensor<1x16x8x32xf32>) -> tensor<1x16x8x32xf32>
  return %0 : tensor<1x16x8x32xf32>
}

// -----

// CHECK-LABEL: func @conv_masked_columns
// 40 output columns: three registers a row, the last one masked (reads
// past the input row pad with zeros, writes past column 40 are dropped),
// 8 filters (24 accumulators). Into a zero fill, the accumulators start at
// zero and the fill is gone. 72 taps x filters = 216 fused multiply-adds.
// (5 rows: no tile of whole rows within 8 registers fills more lanes.)
// CHECK-NOT: linalg.fill
// CHECK: %[[ZEROS:.*]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[ZEROS]],
// CHECK: vector.transfer_read {{.*}}[%c0, %{{.*}}, %c0, %c32], %{{.*}} : tensor<1x8x3x42xf32>, vector<16xf32>
// CHECK-COUNT-216: vector.fma
// CHECK-NOT: vector.fma
// CHECK: vector.transfer_write {{.*}}[%c0, %c0, %c0, %c32] : vector<16xf32>, tensor<1x8x1x40xf32>
func.func @conv_masked_columns(%x: tensor<1x8x7x42xf32>, %w: tensor<24x8x3x3xf32>) -> tensor<1x24x5x40xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x24x5x40xf32>
  %y = linalg.fill ins(%zero : f32) outs(%e : tensor<1x24x5x40xf32>) -> tensor<1x24x5x40xf32>
  %0 = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x8x7x42xf32>, tensor<24x8x3x3xf32>) outs(%y : tensor<1x24x5x40xf32>) -> tensor<1x24x5x40xf32>
  return %0 : tensor<1x24x5x40xf32>
}

// -----

// CHECK-LABEL: func @conv_narrow_rows
// A 7 x 7 image (ResNet's last stage) would fill 7 of a register's 16
// lanes: the convolution becomes its patch matrix [C KH KW, OH OW] = [72,
// 49] (a copy from the input) and a matmul of the weights [32, 72] by it,
// in panels of 4 filters x all 49 pixels (four registers, the last masked;
// 16 accumulators from zero, the fill gone). 512 -> 512 channels 3 x 3 on
// 7 x 7: 6.45 ms in matmul tiles, 4.76 in 7-lane panels, 2.71 this way
// (Zen 4).
// CHECK-NOT: linalg.fill
// CHECK-NOT: linalg.conv_2d_nchw_fchw
// CHECK: %[[PATCHES:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<1x8x9x9xf32>) outs(%{{.*}} : tensor<8x3x3x7x7xf32>)
// CHECK: %[[X:.*]] = tensor.collapse_shape %[[PATCHES]] {{\[}}[0, 1, 2], [3, 4]] : tensor<8x3x3x7x7xf32> into tensor<72x49xf32>
// CHECK: %[[W:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2, 3]] : tensor<32x8x3x3xf32> into tensor<32x72xf32>
// CHECK: scf.for {{.*}} to %c32 step %c4
// CHECK: scf.for {{.*}} to %c72 step %c1
// CHECK: vector.transfer_read %[[X]][%{{.*}}, %c48], %{{.*}} : tensor<72x49xf32>, vector<16xf32>
// CHECK-COUNT-16: vector.fma
// CHECK-NOT: vector.fma
// CHECK: tensor.expand_shape {{.*}} : tensor<32x49xf32> into tensor<1x32x7x7xf32>
func.func @conv_narrow_rows(%x: tensor<1x8x9x9xf32>, %w: tensor<32x8x3x3xf32>) -> tensor<1x32x7x7xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x32x7x7xf32>
  %y = linalg.fill ins(%zero : f32) outs(%e : tensor<1x32x7x7xf32>) -> tensor<1x32x7x7xf32>
  %0 = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x8x9x9xf32>, tensor<32x8x3x3xf32>) outs(%y : tensor<1x32x7x7xf32>) -> tensor<1x32x7x7xf32>
  return %0 : tensor<1x32x7x7xf32>
}

// -----

// CHECK-LABEL: func @conv_narrow_rows_bounds
// Rows of 12 pixels (12 of 16 lanes) still go through the patch matrix
// ([36, 144]: nine registers of pixels); rows of 13 stay convolution
// panels: 169 pixels would take one-row panels of 11 registers.
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<4x3x3x12x12xf32>)
// CHECK: tensor.collapse_shape {{.*}} : tensor<4x3x3x12x12xf32> into tensor<36x144xf32>
// CHECK-NOT: tensor<4x3x3x13x13xf32>
// CHECK: vector.transfer_read {{.*}} : tensor<1x4x3x15xf32>, vector<16xf32>
func.func @conv_narrow_rows_bounds(%x: tensor<1x4x14x14xf32>, %w: tensor<16x4x3x3xf32>, %y: tensor<1x16x12x12xf32>, %x13: tensor<1x4x15x15xf32>, %y13: tensor<1x16x13x13xf32>) -> (tensor<1x16x12x12xf32>, tensor<1x16x13x13xf32>) {
  %0 = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x4x14x14xf32>, tensor<16x4x3x3xf32>) outs(%y : tensor<1x16x12x12xf32>) -> tensor<1x16x12x12xf32>
  %1 = linalg.conv_2d_nchw_fchw ins(%x13, %w : tensor<1x4x15x15xf32>, tensor<16x4x3x3xf32>) outs(%y13 : tensor<1x16x13x13xf32>) -> tensor<1x16x13x13xf32>
  return %0, %1 : tensor<1x16x12x12xf32>, tensor<1x16x13x13xf32>
}

// -----

// CHECK-LABEL: func @conv_epilogue
// A convolution's bias, residual sum and ReLU (three generics, fused into
// one) and the next convolution's pad: the generic is tiled with the
// panel and applied to its accumulators in registers, and the panel
// stores the result into the padded buffer's interior. No generic, no pad
// and no pass over the convolution's own output remain.
// CHECK-NOT: linalg.generic
// CHECK-NOT: tensor.pad
// CHECK: %[[PADDED:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x16x10x18xf32>)
// CHECK: %[[INTERIOR:.*]] = tensor.extract_slice %[[PADDED]][0, 0, 1, 1] [1, 16, 8, 16] [1, 1, 1, 1]
// CHECK: scf.for {{.*}} iter_args(%[[DEST:.*]] = %[[INTERIOR]])
// CHECK: %[[RESIDUAL:.*]] = tensor.extract_slice %{{.*}}[0, 0, %{{.*}}, 0] [1, 16, 1, 16] [1, 1, 1, 1] : tensor<1x16x8x16xf32> to tensor<1x16x1x16xf32>
// CHECK: %[[TILE:.*]] = tensor.extract_slice %[[DEST]]
// CHECK: %[[SUMS:.*]]:16 = scf.for
// CHECK-COUNT-144: vector.fma
// CHECK-NOT: vector.fma
// CHECK: scf.yield
// CHECK: %[[BIAS:.*]] = tensor.extract %{{.*}}[%c0, %c1, %c0, %c0] : tensor<1x16x1x1xf32>
// CHECK: %[[B:.*]] = vector.broadcast %[[BIAS]]
// CHECK: %[[R:.*]] = vector.transfer_read %[[RESIDUAL]][%c0, %c1, %c0, %c0]
// CHECK: %[[S1:.*]] = arith.addf %[[SUMS]]#1, %[[B]]
// CHECK: %[[S2:.*]] = arith.addf %[[S1]], %[[R]]
// CHECK: %[[RELU:.*]] = arith.maximumf %[[S2]], %{{.*}} : vector<16xf32>
// CHECK: vector.transfer_write %[[RELU]], %{{.*}}[%c0, %c1, %c0, %c0]
// CHECK: tensor.insert_slice %{{.*}} into %[[PADDED]][0, 0, 1, 1] [1, 16, 8, 16] [1, 1, 1, 1]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#bias = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
func.func @conv_epilogue(%x: tensor<1x8x10x18xf32>, %w: tensor<16x8x3x3xf32>, %b: tensor<1x16x1x1xf32>, %r: tensor<1x16x8x16xf32>) -> tensor<1x16x10x18xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x16x8x16xf32>
  %y = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16x8x16xf32>) -> tensor<1x16x8x16xf32>
  %c = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x8x10x18xf32>, tensor<16x8x3x3xf32>) outs(%y : tensor<1x16x8x16xf32>) -> tensor<1x16x8x16xf32>
  %biased = linalg.generic {indexing_maps = [#id, #bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %b : tensor<1x16x8x16xf32>, tensor<1x16x1x1xf32>) outs(%e : tensor<1x16x8x16xf32>) {
  ^bb0(%a: f32, %bv: f32, %o: f32):
    %s = arith.addf %a, %bv : f32
    linalg.yield %s : f32
  } -> tensor<1x16x8x16xf32>
  %sum = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%biased, %r : tensor<1x16x8x16xf32>, tensor<1x16x8x16xf32>) outs(%e : tensor<1x16x8x16xf32>) {
  ^bb0(%a: f32, %rv: f32, %o: f32):
    %s = arith.addf %a, %rv : f32
    linalg.yield %s : f32
  } -> tensor<1x16x8x16xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%sum : tensor<1x16x8x16xf32>) outs(%e : tensor<1x16x8x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x16x8x16xf32>
  %p = tensor.pad %relu low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x16x8x16xf32> to tensor<1x16x10x18xf32>
  return %p : tensor<1x16x10x18xf32>
}

// -----

// CHECK-LABEL: func @pointwise_epilogue
// A pointwise convolution's matmul [F, H W] whose bias, residual sum and
// ReLU read it expanded to [1, F, H, W], then a pad: the panels take
// whole image rows (here all 4 rows of 24, six registers), apply the
// epilogue in registers and store into the padded buffer's interior. A
// register that crosses an image row (pixels 16-31: 8 of row 0, 8 of
// row 1) reads the residual and stores in two runs.
// CHECK-NOT: linalg.matmul
// CHECK-NOT: linalg.generic
// CHECK-NOT: tensor.pad
// CHECK: %[[PADDED:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x16x6x26xf32>)
// CHECK: %[[INTERIOR:.*]] = tensor.extract_slice %[[PADDED]][0, 0, 1, 1] [1, 16, 4, 24] [1, 1, 1, 1]
// CHECK: scf.for {{.*}} step %c4 iter_args(%[[DEST:.*]] = %[[INTERIOR]])
// CHECK: %[[RESIDUAL:.*]] = tensor.extract_slice %{{.*}}[0, %{{.*}}, 0, 0] [1, 4, 4, 24] [1, 1, 1, 1]
// CHECK: %[[SUMS:.*]]:24 = scf.for
// CHECK-COUNT-24: vector.fma
// CHECK-NOT: vector.fma
// CHECK: scf.yield
// CHECK: %[[END0:.*]] = vector.transfer_read %[[RESIDUAL]][%c0, %c0, %c0, %c16], %{{.*}} : tensor<1x4x4x24xf32>, vector<16xf32>
// CHECK: %[[START1:.*]] = vector.transfer_read %[[RESIDUAL]][%c0, %c0, %c1, %c0], %{{.*}} {in_bounds = [true]} : tensor<1x4x4x24xf32>, vector<8xf32>
// CHECK: %[[R:.*]] = vector.insert_strided_slice %[[START1]], %[[END0]] {offsets = [8], strides = [1]}
// CHECK: %[[S1:.*]] = arith.addf %[[SUMS]]#1, %{{.*}}
// CHECK: %[[S2:.*]] = arith.addf %[[S1]], %[[R]]
// CHECK: %[[RELU:.*]] = arith.maximumf %[[S2]]
// CHECK: %[[W0:.*]] = vector.transfer_write %[[RELU]], %{{.*}}[%c0, %c0, %c0, %c16] : vector<16xf32>
// CHECK: %[[HIGH:.*]] = vector.extract_strided_slice %[[RELU]] {offsets = [8], sizes = [8], strides = [1]}
// CHECK: vector.transfer_write %[[HIGH]], %[[W0]][%c0, %c0, %c1, %c0] {in_bounds = [true]} : vector<8xf32>
// CHECK: tensor.insert_slice %{{.*}} into %[[PADDED]][0, 0, 1, 1] [1, 16, 4, 24] [1, 1, 1, 1]
#pid = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#pbias = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
func.func @pointwise_epilogue(%x: tensor<8x96xf32>, %w: tensor<16x8xf32>, %b: tensor<1x16x1x1xf32>, %r: tensor<1x16x4x24xf32>) -> tensor<1x16x6x26xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x16x4x24xf32>
  %me = tensor.empty() : tensor<16x96xf32>
  %y = linalg.fill ins(%zero : f32) outs(%me : tensor<16x96xf32>) -> tensor<16x96xf32>
  %m = linalg.matmul ins(%w, %x : tensor<16x8xf32>, tensor<8x96xf32>) outs(%y : tensor<16x96xf32>) -> tensor<16x96xf32>
  %c = tensor.expand_shape %m [[0, 1], [2, 3]] output_shape [1, 16, 4, 24] : tensor<16x96xf32> into tensor<1x16x4x24xf32>
  %biased = linalg.generic {indexing_maps = [#pid, #pbias, #pid], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %b : tensor<1x16x4x24xf32>, tensor<1x16x1x1xf32>) outs(%e : tensor<1x16x4x24xf32>) {
  ^bb0(%a: f32, %bv: f32, %o: f32):
    %s = arith.addf %a, %bv : f32
    linalg.yield %s : f32
  } -> tensor<1x16x4x24xf32>
  %sum = linalg.generic {indexing_maps = [#pid, #pid, #pid], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%biased, %r : tensor<1x16x4x24xf32>, tensor<1x16x4x24xf32>) outs(%e : tensor<1x16x4x24xf32>) {
  ^bb0(%a: f32, %rv: f32, %o: f32):
    %s = arith.addf %a, %rv : f32
    linalg.yield %s : f32
  } -> tensor<1x16x4x24xf32>
  %relu = linalg.generic {indexing_maps = [#pid, #pid], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%sum : tensor<1x16x4x24xf32>) outs(%e : tensor<1x16x4x24xf32>) {
  ^bb0(%a: f32, %o: f32):
    %mx = arith.maximumf %a, %zero : f32
    linalg.yield %mx : f32
  } -> tensor<1x16x4x24xf32>
  %p = tensor.pad %relu low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x16x4x24xf32> to tensor<1x16x6x26xf32>
  return %p : tensor<1x16x6x26xf32>
}

// -----

// CHECK-LABEL: func @pointwise_epilogue_rows_waste_lanes
// A 14 x 14 image's rows fill 7 of every 8 registers, where the matmul's
// own panels (64 of its 196 pixels at a time) fill all: the ReLU stays a
// generic of its own.
// CHECK: vector.fma
// CHECK: linalg.generic
#wid = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @pointwise_epilogue_rows_waste_lanes(%x: tensor<8x196xf32>, %w: tensor<16x8xf32>) -> tensor<1x16x14x14xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x16x14x14xf32>
  %me = tensor.empty() : tensor<16x196xf32>
  %y = linalg.fill ins(%zero : f32) outs(%me : tensor<16x196xf32>) -> tensor<16x196xf32>
  %m = linalg.matmul ins(%w, %x : tensor<16x8xf32>, tensor<8x196xf32>) outs(%y : tensor<16x196xf32>) -> tensor<16x196xf32>
  %c = tensor.expand_shape %m [[0, 1], [2, 3]] output_shape [1, 16, 14, 14] : tensor<16x196xf32> into tensor<1x16x14x14xf32>
  %relu = linalg.generic {indexing_maps = [#wid, #wid], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x16x14x14xf32>) outs(%e : tensor<1x16x14x14xf32>) {
  ^bb0(%a: f32, %o: f32):
    %mx = arith.maximumf %a, %zero : f32
    linalg.yield %mx : f32
  } -> tensor<1x16x14x14xf32>
  return %relu : tensor<1x16x14x14xf32>
}

// -----

// CHECK-LABEL: func @conv_image_rows
// Output rows of 24 fill 3 of every 4 lanes: the panels take two whole
// rows (48 pixels, three registers) of 8 filters. The middle register
// holds the end of row 0 and the start of row 1: for each tap, the 16
// inputs that end where row 0's part does and the 16 that start row 1,
// shifted together; its sums are stored in two runs.
// CHECK: scf.for {{.*}} step %c2
// CHECK: scf.for {{.*}} step %c8
// CHECK: %[[X:.*]] = tensor.extract_slice %{{.*}}[0, 0, %{{.*}}, 0] [1, 2, 4, 26] [1, 1, 1, 1]
// CHECK: %[[OUT:.*]] = tensor.extract_slice %{{.*}}[0, %{{.*}}, %{{.*}}, 0] [1, 8, 2, 24] [1, 1, 1, 1]
// CHECK: %[[SUMS:.*]]:24 = scf.for %[[K:.*]] = %c0 to %c2
// CHECK: vector.transfer_read %[[X]][%c0, %[[K]], %c0, %c0]
// CHECK: %[[TAIL:.*]] = vector.transfer_read %[[X]][%c0, %[[K]], %c0, %c8]
// CHECK: %[[HEAD:.*]] = vector.transfer_read %[[X]][%c0, %[[K]], %c1, %c0]
// CHECK: vector.shuffle %[[TAIL]], %[[HEAD]] [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]
// CHECK: vector.transfer_read %[[X]][%c0, %[[K]], %c1, %c8]
// CHECK-COUNT-216: vector.fma
// CHECK-NOT: vector.fma
// CHECK: %[[W0:.*]] = vector.transfer_write %[[SUMS]]#0, %[[OUT]][%c0, %c0, %c0, %c0] {in_bounds = [true]}
// CHECK: %[[W1:.*]] = vector.transfer_write %[[SUMS]]#1, %[[W0]][%c0, %c0, %c0, %c16] : vector<16xf32>
// CHECK: %[[HIGH:.*]] = vector.extract_strided_slice %[[SUMS]]#1 {offsets = [8], sizes = [8], strides = [1]}
// CHECK: %[[W2:.*]] = vector.transfer_write %[[HIGH]], %[[W1]][%c0, %c0, %c1, %c0] {in_bounds = [true]} : vector<8xf32>
// CHECK: vector.transfer_write %[[SUMS]]#2, %[[W2]][%c0, %c0, %c1, %c8] {in_bounds = [true]}
func.func @conv_image_rows(%x: tensor<1x2x6x26xf32>, %w: tensor<16x2x3x3xf32>) -> tensor<1x16x4x24xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x16x4x24xf32>
  %y = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16x4x24xf32>) -> tensor<1x16x4x24xf32>
  %c = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x2x6x26xf32>, tensor<16x2x3x3xf32>) outs(%y : tensor<1x16x4x24xf32>) -> tensor<1x16x4x24xf32>
  return %c : tensor<1x16x4x24xf32>
}

// -----

// CHECK-LABEL: func @conv_two_rows_one_register
// Rows of 14 fill 14 of one register's 16 lanes, and two rows fill as
// many of two: the panels take two rows of 8 filters (16 accumulators, a
// broadcast per two multiply-adds) rather than one row of 16 filters (a
// broadcast per multiply-add). The second register holds the end of row 0
// and the start of row 1.
// CHECK: scf.for {{.*}} to %c14 step %c2
// CHECK: scf.for {{.*}} to %c16 step %c8
// CHECK: tensor.extract_slice %{{.*}}[0, %{{.*}}, %{{.*}}, 0] [1, 8, 2, 14] [1, 1, 1, 1]
// CHECK-COUNT-144: vector.fma
// CHECK-NOT: vector.fma
func.func @conv_two_rows_one_register(%x: tensor<1x4x16x16xf32>, %w: tensor<16x4x3x3xf32>) -> tensor<1x16x14x14xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x16x14x14xf32>
  %y = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16x14x14xf32>) -> tensor<1x16x14x14xf32>
  %c = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x4x16x16xf32>, tensor<16x4x3x3xf32>) outs(%y : tensor<1x16x14x14xf32>) -> tensor<1x16x14x14xf32>
  return %c : tensor<1x16x14x14xf32>
}

// -----

// CHECK-LABEL: func @conv_epilogue_not_elementwise
// A consumer that reads the convolution's result along another axis
// (here transposed) stays a generic of its own after the panels.
// CHECK: scf.for
// CHECK: vector.fma
// CHECK: linalg.generic
#transposed = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3, d2)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @conv_epilogue_not_elementwise(%x: tensor<1x8x18x18xf32>, %w: tensor<16x8x3x3xf32>) -> tensor<1x16x16x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x16x16x16xf32>
  %y = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
  %c = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x8x18x18xf32>, tensor<16x8x3x3xf32>) outs(%y : tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
  %t = linalg.generic {indexing_maps = [#transposed, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x16x16x16xf32>) outs(%e : tensor<1x16x16x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x16x16x16xf32>
  return %t : tensor<1x16x16x16xf32>
}

// -----

// CHECK-LABEL: func @strided_conv
// Width stride 2: broadcast panels too, each input register the even
// lanes of two neighbouring ones (16 output columns from 32 inputs).
// CHECK-NOT: linalg.conv_2d_nchw_fchw
// CHECK: scf.for {{.*}} -> (vector<16xf32>
// CHECK: vector.transfer_read {{.*}}[%c0, %{{.*}}, %c0, %c0]
// CHECK-NEXT: vector.transfer_read {{.*}}[%c0, %{{.*}}, %c0, %c16]
// CHECK-NEXT: vector.shuffle {{.*}} [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]
// CHECK-NOT: vector.contract
func.func @strided_conv(%x: tensor<1x8x17x33xf32>, %w: tensor<16x8x3x3xf32>, %y: tensor<1x16x8x16xf32>) -> tensor<1x16x8x16xf32> {
  %0 = linalg.conv_2d_nchw_fchw {strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<1x8x17x33xf32>, tensor<16x8x3x3xf32>) outs(%y : tensor<1x16x8x16xf32>) -> tensor<1x16x8x16xf32>
  return %0 : tensor<1x16x8x16xf32>
}

// -----

// CHECK-LABEL: func @stride3_conv
// Other strides: one output row, one kernel row per tile: vectorized 1-D
// convolutions (strided: one contraction per output column).
// CHECK-NOT: linalg.conv_2d_nchw_fchw
// CHECK-NOT: linalg.conv_1d_ncw_fcw
// CHECK: vector.contract {{.*}} into vector<1x1x8xf32>
func.func @stride3_conv(%x: tensor<1x8x24x48xf32>, %w: tensor<16x8x3x3xf32>, %y: tensor<1x16x8x16xf32>) -> tensor<1x16x8x16xf32> {
  %0 = linalg.conv_2d_nchw_fchw {strides = dense<3> : tensor<2xi64>} ins(%x, %w : tensor<1x8x24x48xf32>, tensor<16x8x3x3xf32>) outs(%y : tensor<1x16x8x16xf32>) -> tensor<1x16x8x16xf32>
  return %0 : tensor<1x16x8x16xf32>
}

// -----

// CHECK-LABEL: func @depthwise
// A depthwise convolution with unit width stride: one channel and two
// output rows per tile, over all 3x3 taps. Four 16-lane accumulators per
// row; each of the four input rows the tile reads is read once, in five
// aligned chunks (66 columns, the last one masked), and the taps one and
// two columns over are shuffles of neighbouring chunks, not unaligned
// loads; a shifted chunk feeds both output rows where both read its input
// row: 2 rows x 9 taps x 4 chunks = 72 vector.fma.
// CHECK-NOT: linalg.conv_2d_ngchw_gfchw
// CHECK: scf.for
// CHECK: scf.for {{.*}} step %c2
// CHECK-COUNT-8: vector.transfer_read {{.*}} {in_bounds = [true]} : tensor<1x1x1x2x64xf32>, vector<16xf32>
// CHECK-COUNT-4: vector.transfer_read {{.*}} {in_bounds = [true]} : tensor<1x1x1x4x66xf32>, vector<16xf32>
// CHECK-NEXT: vector.transfer_read {{.*}}, %{{.*}} : tensor<1x1x1x4x66xf32>, vector<16xf32>
// CHECK: vector.shuffle {{.*}} [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]
// CHECK: vector.shuffle {{.*}} [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]
// CHECK-COUNT-64: vector.fma {{.*}} : vector<16xf32>
// CHECK-NOT: vector.fma
// CHECK-NOT: arith.mulf
// CHECK-COUNT-8: vector.transfer_write {{.*}} : vector<16xf32>, tensor<1x1x1x2x64xf32>
// CHECK: } {quantc.parallel}
// CHECK: } {quantc.parallel}
func.func @depthwise(%a: tensor<1x8x1x10x66xf32>, %b: tensor<8x1x1x3x3xf32>, %c: tensor<1x8x1x8x64xf32>) -> tensor<1x8x1x8x64xf32> {
  %0 = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%a, %b : tensor<1x8x1x10x66xf32>, tensor<8x1x1x3x3xf32>) outs(%c : tensor<1x8x1x8x64xf32>) -> tensor<1x8x1x8x64xf32>
  return %0 : tensor<1x8x1x8x64xf32>
}

// -----

// CHECK-LABEL: func @depthwise_into_zeros
// Into a zero fill, the row registers start at zero and the fill (a pass
// over the whole output) is gone.
// CHECK-NOT: linalg.fill
// CHECK: %[[ZEROS:.*]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK-NOT: vector.transfer_read {{.*}} : tensor<1x1x1x1x64xf32>
// CHECK: vector.fma {{.*}}, %[[ZEROS]] : vector<16xf32>
func.func @depthwise_into_zeros(%a: tensor<1x8x1x10x66xf32>, %b: tensor<8x1x1x3x3xf32>) -> tensor<1x8x1x8x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x8x1x8x64xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<1x8x1x8x64xf32>) -> tensor<1x8x1x8x64xf32>
  %0 = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%a, %b : tensor<1x8x1x10x66xf32>, tensor<8x1x1x3x3xf32>) outs(%c : tensor<1x8x1x8x64xf32>) -> tensor<1x8x1x8x64xf32>
  return %0 : tensor<1x8x1x8x64xf32>
}

// -----

// CHECK-LABEL: func @depthwise_i16_input
// An integer depthwise convolution over i16 input (quantc's centred int8
// activations): the row chunks are read as 16 x i16 and sign-extended in
// registers, as the convolution's own cast does, then multiplied and
// added in i32.
// CHECK-NOT: linalg.conv_2d_ngchw_gfchw
// CHECK: vector.transfer_read {{.*}} : tensor<1x1x1x4x66xi16>, vector<16xi16>
// CHECK-NEXT: arith.extsi {{.*}} : vector<16xi16> to vector<16xi32>
// CHECK: arith.muli {{.*}} : vector<16xi32>
// CHECK-NOT: vector.transfer_read {{.*}} vector<16xi32>
// CHECK: vector.transfer_write {{.*}} : vector<16xi32>, tensor<1x1x1x2x64xi32>
func.func @depthwise_i16_input(%a: tensor<1x8x1x10x66xi16>, %b: tensor<8x1x1x3x3xi32>) -> tensor<1x8x1x8x64xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x8x1x8x64xi32>
  %c = linalg.fill ins(%zero : i32) outs(%e : tensor<1x8x1x8x64xi32>) -> tensor<1x8x1x8x64xi32>
  %0 = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%a, %b : tensor<1x8x1x10x66xi16>, tensor<8x1x1x3x3xi32>) outs(%c : tensor<1x8x1x8x64xi32>) -> tensor<1x8x1x8x64xi32>
  return %0 : tensor<1x8x1x8x64xi32>
}

// -----

// CHECK-LABEL: func @depthwise_f16_input
// A float convolution over a narrower input extends it in registers.
// CHECK: vector.transfer_read {{.*}} : tensor<1x1x1x4x66xf16>, vector<16xf16>
// CHECK-NEXT: arith.extf {{.*}} : vector<16xf16> to vector<16xf32>
// CHECK: vector.fma {{.*}} : vector<16xf32>
func.func @depthwise_f16_input(%a: tensor<1x8x1x10x66xf16>, %b: tensor<8x1x1x3x3xf32>, %c: tensor<1x8x1x8x64xf32>) -> tensor<1x8x1x8x64xf32> {
  %0 = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%a, %b : tensor<1x8x1x10x66xf16>, tensor<8x1x1x3x3xf32>) outs(%c : tensor<1x8x1x8x64xf32>) -> tensor<1x8x1x8x64xf32>
  return %0 : tensor<1x8x1x8x64xf32>
}

// -----

// CHECK-LABEL: func @depthwise_strided_width
// Stride 2 along the width: each input row is read once in 16-lane chunks
// and each pair of chunks split into its even and odd columns; tap kw
// reads stream kw % 2 shifted by kw / 2 (kw = 2: the even columns one
// over). 2 rows x 9 taps x 2 chunks of output = 36 vector.fma.
// CHECK-NOT: linalg.conv_2d_ngchw_gfchw
// CHECK: scf.for {{.*}} step %c2
// CHECK: vector.transfer_read {{.*}} : tensor<1x1x1x4x65xf32>, vector<16xf32>
// CHECK: vector.shuffle {{.*}} [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]
// CHECK: vector.shuffle {{.*}} [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31]
// CHECK-COUNT-36: vector.fma {{.*}} : vector<16xf32>
// CHECK-NOT: vector.fma
// CHECK-NOT: arith.mulf
// CHECK-COUNT-4: vector.transfer_write {{.*}} : vector<16xf32>, tensor<1x1x1x2x32xf32>
func.func @depthwise_strided_width(%a: tensor<1x8x1x10x66xf32>, %b: tensor<8x1x1x3x3xf32>, %c: tensor<1x8x1x8x32xf32>) -> tensor<1x8x1x8x32xf32> {
  %0 = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<[1, 2]> : tensor<2xi64>} ins(%a, %b : tensor<1x8x1x10x66xf32>, tensor<8x1x1x3x3xf32>) outs(%c : tensor<1x8x1x8x32xf32>) -> tensor<1x8x1x8x32xf32>
  return %0 : tensor<1x8x1x8x32xf32>
}

// -----

// CHECK-LABEL: func @transpose_blocks
// A transpose that moves the innermost dimension, over 32-bit elements, in
// 16 x 16 blocks of registers: each block read along the input's rows and
// written along the output's.
// CHECK-NOT: linalg.transpose
// CHECK: scf.for
// CHECK: scf.for
// CHECK: vector.transfer_read {{.*}} : tensor<16x16xi32>, vector<16x16xi32>
// CHECK: vector.transfer_write {{.*}} : vector<16x16xi32>, tensor<16x16xi32>
// CHECK: } {quantc.parallel}
// CHECK: } {quantc.parallel}
func.func @transpose_blocks(%a: tensor<64x32xi32>, %b: tensor<32x64xi32>) -> tensor<32x64xi32> {
  %0 = linalg.transpose ins(%a : tensor<64x32xi32>) outs(%b : tensor<32x64xi32>) permutation = [1, 0]
  return %0 : tensor<32x64xi32>
}

// -----

// CHECK-LABEL: func @transpose_odd
// An extent that is no multiple of 16 (an int8 convolution's GEMM result
// for a 13 x 13 image: 169 pixels) is split at the last multiple: 16 x 16
// blocks, then 16 x 14 ones for the last 14, none element by element.
// CHECK-NOT: linalg.transpose
// CHECK: scf.for {{.*}} to %c32 step %c16
// CHECK: vector.transfer_read {{.*}} : tensor<16x16xi32>, vector<16x16xi32>
// CHECK: vector.transfer_write {{.*}} : vector<16x16xi32>, tensor<16x16xi32>
// CHECK: scf.for {{.*}} to %c32 step %c16
// CHECK: vector.transfer_read {{.*}} : tensor<14x16xi32>, vector<16x14xi32>
// CHECK: vector.transfer_write {{.*}} : vector<16x14xi32>, tensor<16x14xi32>
// CHECK: tensor.insert_slice {{.*}}[0, 0] [32, 16] [1, 1] : tensor<32x16xi32> into tensor<32x30xi32>
// CHECK: tensor.insert_slice {{.*}}[0, 16] [32, 14] [1, 1] : tensor<32x14xi32> into tensor<32x30xi32>
func.func @transpose_odd(%a: tensor<30x32xi32>, %b: tensor<32x30xi32>) -> tensor<32x30xi32> {
  %0 = linalg.transpose ins(%a : tensor<30x32xi32>) outs(%b : tensor<32x30xi32>) permutation = [1, 0]
  return %0 : tensor<32x30xi32>
}

// -----

// CHECK-LABEL: func @transpose_bytes
// Bytes too: a pointwise int8 convolution's u8 image, [C][H W] to rows.
// CHECK: vector.transfer_read {{.*}} : tensor<16x16xi8>, vector<16x16xi8>
// CHECK: vector.transfer_write {{.*}} : vector<16x16xi8>, tensor<16x16xi8>
func.func @transpose_bytes(%a: tensor<32x64xi8>, %b: tensor<64x32xi8>) -> tensor<64x32xi8> {
  %0 = linalg.transpose ins(%a : tensor<32x64xi8>) outs(%b : tensor<64x32xi8>) permutation = [1, 0]
  return %0 : tensor<64x32xi8>
}

// -----

// CHECK-LABEL: func @packed_dot_conv
// A direct int8 convolution over channel quads (quantc.packed_dot_conv,
// from convert-qc-to-linalg): a broadcast panel of i32 words, 8 filters x
// 20 columns (two registers, the second masked; 16 accumulators from
// zero, the fill gone), one loop over the 2 quads, 9 taps inside. Each
// product is four u8 x s8 byte products summed per lane, marked for
// qc-define-gemm-kernels to make one vpdpbusd: 8 x 2 x 9 = 144.
// CHECK-NOT: linalg.fill
// CHECK: scf.for {{.*}} to %c4 step %c1
// CHECK: scf.for {{.*}} to %c2 step %c1 iter_args({{.*}}) -> (vector<16xi32>
// CHECK: vector.transfer_read {{.*}} {in_bounds = [true]} : tensor<2x3x22xi32>, vector<16xi32>
// CHECK-NEXT: vector.transfer_read {{.*}}[%{{.*}}, %c0, %c16], %{{.*}} : tensor<2x3x22xi32>, vector<16xi32>
// CHECK: tensor.extract {{.*}} : tensor<8x2x3x3xi32>
// CHECK: arith.extui {{.*}} : vector<64xi8> to vector<64xi32>
// CHECK: arith.extsi {{.*}} : vector<64xi8> to vector<64xi32>
// CHECK: vector.multi_reduction <add>, {{.*}} {quantc.vnni_dot} [1] : vector<16x4xi32> to vector<16xi32>
// CHECK-COUNT-143: quantc.vnni_dot
// CHECK-NOT: quantc.vnni_dot
// CHECK: vector.transfer_write {{.*}}[%c0, %c0, %c16] : vector<16xi32>, tensor<8x1x20xi32>
// CHECK: } {quantc.parallel}
#packed_x = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d1 + d4, d2 + d5)>
#packed_w = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d4, d5)>
#packed_y = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2)>
func.func @packed_dot_conv(%x: tensor<2x6x22xi32>, %w: tensor<8x2x3x3xi32>) -> tensor<8x4x20xi32> {
  %c0 = arith.constant 0 : i32
  %c8 = arith.constant 8 : i32
  %c16 = arith.constant 16 : i32
  %c24 = arith.constant 24 : i32
  %e = tensor.empty() : tensor<8x4x20xi32>
  %init = linalg.fill ins(%c0 : i32) outs(%e : tensor<8x4x20xi32>) -> tensor<8x4x20xi32>
  %y = linalg.generic {indexing_maps = [#packed_x, #packed_w, #packed_y], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : tensor<2x6x22xi32>, tensor<8x2x3x3xi32>) outs(%init : tensor<8x4x20xi32>) attrs = {quantc.packed_dot_conv = array<i64: 1, 1, 1>} {
  ^bb0(%a: i32, %b: i32, %acc: i32):
    %a0 = arith.shli %a, %c24 : i32
    %x0 = arith.shrui %a0, %c24 : i32
    %b0 = arith.shli %b, %c24 : i32
    %w0 = arith.shrsi %b0, %c24 : i32
    %p0 = arith.muli %x0, %w0 : i32
    %s0 = arith.addi %acc, %p0 : i32
    %a1 = arith.shli %a, %c16 : i32
    %x1 = arith.shrui %a1, %c24 : i32
    %b1 = arith.shli %b, %c16 : i32
    %w1 = arith.shrsi %b1, %c24 : i32
    %p1 = arith.muli %x1, %w1 : i32
    %s1 = arith.addi %s0, %p1 : i32
    %a2 = arith.shli %a, %c8 : i32
    %x2 = arith.shrui %a2, %c24 : i32
    %b2 = arith.shli %b, %c8 : i32
    %w2 = arith.shrsi %b2, %c24 : i32
    %p2 = arith.muli %x2, %w2 : i32
    %s2 = arith.addi %s1, %p2 : i32
    %x3 = arith.shrui %a, %c24 : i32
    %w3 = arith.shrsi %b, %c24 : i32
    %p3 = arith.muli %x3, %w3 : i32
    %s3 = arith.addi %s2, %p3 : i32
    linalg.yield %s3 : i32
  } -> tensor<8x4x20xi32>
  return %y : tensor<8x4x20xi32>
}

// -----

// CHECK-LABEL: func @packed_dot_conv_split_row
// A pointwise direct convolution over a 14 x 14 image, one row of 196
// pixels: no register count divides it, and 13 registers are too many for
// one panel. It is split into pixels [0, 192) and the last 4, each the
// op's own block, each in panels (the last one masked, 4 of 16 lanes), and
// each block fills its own slice with zero in registers: no fill, no
// generic left in loops. The first block's tiles are 4 filters x 96
// pixels (six registers, 24 vpdpbusd a quad), the second's 4 filters x 4
// pixels (one masked register, 4 vpdpbusd). One quad a pixel and a small
// input: the stores bound the panels, which walk the filters outermost
// (each stores whole rows in sequence, the input re-read from cache).
// CHECK-NOT: linalg.fill
// CHECK-NOT: linalg.generic
// CHECK: %[[E:.*]] = tensor.empty() : tensor<8x1x196xi32>
// CHECK: %[[X0:.*]] = tensor.extract_slice %{{.*}}[0, 0, 0] [1, 1, 192] [1, 1, 1] : tensor<1x1x196xi32> to tensor<1x1x192xi32>
// CHECK: %[[Y0:.*]] = tensor.extract_slice %[[E]][0, 0, 0] [8, 1, 192]
// CHECK: scf.for {{.*}} to %c8 step %c4 iter_args(%[[ROWS:.*]] = %[[Y0]])
// CHECK-NEXT: scf.for {{.*}} to %c192 step %c96 iter_args(%{{.*}} = %[[ROWS]])
// CHECK-COUNT-24: quantc.vnni_dot
// CHECK-NOT: quantc.vnni_dot
// CHECK: %[[X1:.*]] = tensor.extract_slice %{{.*}}[0, 0, 192] [1, 1, 4] [1, 1, 1] : tensor<1x1x196xi32> to tensor<1x1x4xi32>
// CHECK: %[[Y1:.*]] = tensor.extract_slice %[[E]][0, 0, 192] [8, 1, 4]
// CHECK: scf.for {{.*}} to %c8 step %c4 iter_args(%{{.*}} = %[[Y1]])
// CHECK: vector.transfer_read %[[X1]][%c0, %c0, %c0], %c0_i32 : tensor<1x1x4xi32>, vector<16xi32>
// CHECK-COUNT-4: quantc.vnni_dot
// CHECK-NOT: quantc.vnni_dot
// CHECK: %[[Z0:.*]] = tensor.insert_slice %{{.*}} into %[[E]][0, 0, 0] [8, 1, 192]
// CHECK: tensor.insert_slice %{{.*}} into %[[Z0]][0, 0, 192] [8, 1, 4]
#pointwise_x = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d1 + d4, d2 + d5)>
#pointwise_w = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d4, d5)>
#pointwise_y = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2)>
func.func @packed_dot_conv_split_row(%x: tensor<1x1x196xi32>, %w: tensor<8x1x1x1xi32>) -> tensor<8x1x196xi32> {
  %c0 = arith.constant 0 : i32
  %c8 = arith.constant 8 : i32
  %c16 = arith.constant 16 : i32
  %c24 = arith.constant 24 : i32
  %e = tensor.empty() : tensor<8x1x196xi32>
  %init = linalg.fill ins(%c0 : i32) outs(%e : tensor<8x1x196xi32>) -> tensor<8x1x196xi32>
  %y = linalg.generic {indexing_maps = [#pointwise_x, #pointwise_w, #pointwise_y], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : tensor<1x1x196xi32>, tensor<8x1x1x1xi32>) outs(%init : tensor<8x1x196xi32>) attrs = {quantc.packed_dot_conv = array<i64: 1, 1, 1>} {
  ^bb0(%a: i32, %b: i32, %acc: i32):
    %a0 = arith.shli %a, %c24 : i32
    %x0 = arith.shrui %a0, %c24 : i32
    %b0 = arith.shli %b, %c24 : i32
    %w0 = arith.shrsi %b0, %c24 : i32
    %p0 = arith.muli %x0, %w0 : i32
    %s0 = arith.addi %acc, %p0 : i32
    %a1 = arith.shli %a, %c16 : i32
    %x1 = arith.shrui %a1, %c24 : i32
    %b1 = arith.shli %b, %c16 : i32
    %w1 = arith.shrsi %b1, %c24 : i32
    %p1 = arith.muli %x1, %w1 : i32
    %s1 = arith.addi %s0, %p1 : i32
    %a2 = arith.shli %a, %c8 : i32
    %x2 = arith.shrui %a2, %c24 : i32
    %b2 = arith.shli %b, %c8 : i32
    %w2 = arith.shrsi %b2, %c24 : i32
    %p2 = arith.muli %x2, %w2 : i32
    %s2 = arith.addi %s1, %p2 : i32
    %x3 = arith.shrui %a, %c24 : i32
    %w3 = arith.shrsi %b, %c24 : i32
    %p3 = arith.muli %x3, %w3 : i32
    %s3 = arith.addi %s2, %p3 : i32
    linalg.yield %s3 : i32
  } -> tensor<8x1x196xi32>
  return %y : tensor<8x1x196xi32>
}

// -----

// CHECK-LABEL: func @batched_matmul
// Attention's scores, one 32 x 64 x 64 product per batch and head, as
// linalg lowers ONNX MatMul with batch dimensions: a loop over each batch
// dimension (marked parallel) around a matmul of one batch, computed by
// broadcast panels. The zero fill of the whole output becomes the panel's
// zero start, writing each batch's slice of the result in place.
// CHECK-NOT: linalg.fill
// CHECK: %[[ZEROS:.*]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3x32x64xf32>
// CHECK: scf.for %[[B:.*]] = %c0 to %c2 step %c1 iter_args(%[[OUT0:.*]] = %[[E]])
// CHECK: scf.for %[[H:.*]] = %c0 to %c3 step %c1 iter_args(%[[OUT1:.*]] = %[[OUT0]])
// CHECK: %[[BATCH:.*]] = tensor.extract_slice %[[OUT1]][%[[B]], %[[H]], 0, 0] [1, 1, 32, 64]
// CHECK: scf.for {{.*}} to %c32 step %c4
// CHECK: scf.for {{.*}} to %c64 step %c1 iter_args(%{{.*}} = %[[ZEROS]], {{.*}} -> (vector<16xf32>
// CHECK-COUNT-4: vector.transfer_read {{.*}} : tensor<64x64xf32>, vector<16xf32>
// CHECK: tensor.extract {{.*}} : tensor<4x64xf32>
// CHECK-NEXT: vector.broadcast
// CHECK-COUNT-16: vector.fma
// CHECK-COUNT-16: vector.transfer_write
// CHECK: } {quantc.parallel}
// CHECK: %[[ONE:.*]] = tensor.insert_slice {{.*}} into %[[BATCH]][0, 0, 0, 0] [1, 1, 32, 64] [1, 1, 1, 1] : tensor<32x64xf32> into tensor<1x1x32x64xf32>
// CHECK: tensor.insert_slice %[[ONE]] into %[[OUT1]][%[[B]], %[[H]], 0, 0]
// CHECK: } {quantc.parallel}
// CHECK: } {quantc.parallel}
// CHECK-NOT: linalg.generic
func.func @batched_matmul(%q: tensor<2x3x32x64xf32>, %k: tensor<2x3x64x64xf32>) -> tensor<2x3x32x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3x32x64xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3x32x64xf32>) -> tensor<2x3x32x64xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(b, h, m, n, k) -> (b, h, m, k)>, affine_map<(b, h, m, n, k) -> (b, h, k, n)>, affine_map<(b, h, m, n, k) -> (b, h, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<2x3x32x64xf32>, tensor<2x3x64x64xf32>) outs(%init : tensor<2x3x32x64xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x3x32x64xf32>
  return %0 : tensor<2x3x32x64xf32>
}

// -----

// CHECK-LABEL: func @batched_matmul_transposed_operand
// A batched product whose right operand is read transposed ([b, n, k])
// is no panel's: it stays a generic.
// CHECK-NOT: linalg.matmul
// CHECK-NOT: vector.fma
// CHECK: linalg.generic
func.func @batched_matmul_transposed_operand(%q: tensor<3x32x64xf32>, %k: tensor<3x64x64xf32>, %init: tensor<3x32x64xf32>) -> tensor<3x32x64xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (b, n, k)>, affine_map<(b, m, n, k) -> (b, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<3x32x64xf32>, tensor<3x64x64xf32>) outs(%init : tensor<3x32x64xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<3x32x64xf32>
  return %0 : tensor<3x32x64xf32>
}

// -----

// CHECK-LABEL: func @depthwise_epilogue
// A depthwise convolution whose [1, C, 1, H, W] result its bias and ReLU6
// read collapsed to [1, C, H, W]: one tile per channel and two whole
// rows applies them to the accumulators and stores into the generic's
// output; neither the convolution's result nor the generic is left. Row
// 0's second register (lanes 16-23 of 24) stores masked.
// CHECK-NOT: linalg.generic
// CHECK-NOT: linalg.conv_2d_ngchw_gfchw
// CHECK: scf.for %[[C:.*]] = %c0 to %c4 step %c1 iter_args(%[[IMAGE:.*]] = %{{.*}}) -> (tensor<1x4x4x24xf32>)
// CHECK: scf.for %[[H:.*]] = %c0 to %c4 step %c2 iter_args(%[[DEST:.*]] = %[[IMAGE]])
// CHECK: %[[BIAS:.*]] = tensor.extract_slice %{{.*}}[0, %[[C]], 0, 0] [1, 1, 1, 1]
// CHECK: %[[OUT:.*]] = tensor.extract_slice %[[DEST]][0, %[[C]], %[[H]], 0] [1, 1, 2, 24]
// CHECK-COUNT-36: vector.fma
// CHECK-NOT: vector.fma
// CHECK: %[[B:.*]] = tensor.extract %[[BIAS]][%c0, %c0, %c0, %c0]
// CHECK: %[[B0:.*]] = vector.broadcast %[[B]] : f32 to vector<16xf32>
// CHECK: %[[S0:.*]] = arith.addf %{{.*}}, %[[B0]] : vector<16xf32>
// CHECK: %[[LOW0:.*]] = arith.maximumf %[[S0]]
// CHECK: %[[R0:.*]] = arith.minimumf %[[LOW0]]
// CHECK: %[[W0:.*]] = vector.transfer_write %[[R0]], %[[OUT]][%c0, %c0, %c0, %c0] {in_bounds = [true]}
// CHECK: arith.minimumf
// CHECK: %[[W1:.*]] = vector.transfer_write %{{.*}}, %[[W0]][%c0, %c0, %c0, %c16] : vector<16xf32>
// CHECK: tensor.insert_slice %{{.*}} into %[[DEST]][0, %[[C]], %[[H]], 0] [1, 1, 2, 24]
// CHECK: quantc.overwrites_init
#did = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#dbias = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
func.func @depthwise_epilogue(%x: tensor<1x4x1x6x26xf32>, %w: tensor<4x1x1x3x3xf32>, %b: tensor<1x4x1x1xf32>) -> tensor<1x4x4x24xf32> {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %ce = tensor.empty() : tensor<1x4x1x4x24xf32>
  %y = linalg.fill ins(%zero : f32) outs(%ce : tensor<1x4x1x4x24xf32>) -> tensor<1x4x1x4x24xf32>
  %c = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x4x1x6x26xf32>, tensor<4x1x1x3x3xf32>) outs(%y : tensor<1x4x1x4x24xf32>) -> tensor<1x4x1x4x24xf32>
  %image = tensor.collapse_shape %c [[0], [1], [2, 3], [4]] : tensor<1x4x1x4x24xf32> into tensor<1x4x4x24xf32>
  %e = tensor.empty() : tensor<1x4x4x24xf32>
  %biased = linalg.generic {indexing_maps = [#did, #dbias, #did], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%image, %b : tensor<1x4x4x24xf32>, tensor<1x4x1x1xf32>) outs(%e : tensor<1x4x4x24xf32>) {
  ^bb0(%a: f32, %bv: f32, %o: f32):
    %s = arith.addf %a, %bv : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4x24xf32>
  %relu6 = linalg.generic {indexing_maps = [#did, #did], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%biased : tensor<1x4x4x24xf32>) outs(%e : tensor<1x4x4x24xf32>) {
  ^bb0(%a: f32, %o: f32):
    %mx = arith.maximumf %a, %zero : f32
    %mn = arith.minimumf %mx, %six : f32
    linalg.yield %mn : f32
  } -> tensor<1x4x4x24xf32>
  return %relu6 : tensor<1x4x4x24xf32>
}

// -----

// CHECK-LABEL: func @depthwise_epilogue_tiled_width
// Rows of 144 take register tiles of 48 columns (past the 128 a tile
// holds): a slice of W does not start at a constant 0, so the epilogue
// stays a generic after the convolution's own tiles.
// CHECK: vector.fma
// CHECK: linalg.generic
#tid = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#tbias = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
func.func @depthwise_epilogue_tiled_width(%x: tensor<1x2x1x4x146xf32>, %w: tensor<2x1x1x3x3xf32>, %b: tensor<1x2x1x1xf32>) -> tensor<1x2x2x144xf32> {
  %zero = arith.constant 0.0 : f32
  %ce = tensor.empty() : tensor<1x2x1x2x144xf32>
  %y = linalg.fill ins(%zero : f32) outs(%ce : tensor<1x2x1x2x144xf32>) -> tensor<1x2x1x2x144xf32>
  %c = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x2x1x4x146xf32>, tensor<2x1x1x3x3xf32>) outs(%y : tensor<1x2x1x2x144xf32>) -> tensor<1x2x1x2x144xf32>
  %image = tensor.collapse_shape %c [[0], [1], [2, 3], [4]] : tensor<1x2x1x2x144xf32> into tensor<1x2x2x144xf32>
  %e = tensor.empty() : tensor<1x2x2x144xf32>
  %biased = linalg.generic {indexing_maps = [#tid, #tbias, #tid], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%image, %b : tensor<1x2x2x144xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x144xf32>) {
  ^bb0(%a: f32, %bv: f32, %o: f32):
    %s = arith.addf %a, %bv : f32
    linalg.yield %s : f32
  } -> tensor<1x2x2x144xf32>
  return %biased : tensor<1x2x2x144xf32>
}

// -----

// CHECK-LABEL: func @depthwise_epilogue_two_images
// Two images: the epilogue's tiles leave the image dimension whole, and a
// depthwise tile computes one image, so the generic stays (ONNX's
// test_Conv2d_depthwise, a batch of 2, read uninitialized memory).
// CHECK: vector.fma
// CHECK: linalg.generic
#bid = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#bbias = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
func.func @depthwise_epilogue_two_images(%x: tensor<2x4x1x6x26xf32>, %w: tensor<4x1x1x3x3xf32>, %b: tensor<1x4x1x1xf32>) -> tensor<2x4x4x24xf32> {
  %zero = arith.constant 0.0 : f32
  %ce = tensor.empty() : tensor<2x4x1x4x24xf32>
  %y = linalg.fill ins(%zero : f32) outs(%ce : tensor<2x4x1x4x24xf32>) -> tensor<2x4x1x4x24xf32>
  %c = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<2x4x1x6x26xf32>, tensor<4x1x1x3x3xf32>) outs(%y : tensor<2x4x1x4x24xf32>) -> tensor<2x4x1x4x24xf32>
  %image = tensor.collapse_shape %c [[0], [1], [2, 3], [4]] : tensor<2x4x1x4x24xf32> into tensor<2x4x4x24xf32>
  %e = tensor.empty() : tensor<2x4x4x24xf32>
  %biased = linalg.generic {indexing_maps = [#bid, #bbias, #bid], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%image, %b : tensor<2x4x4x24xf32>, tensor<1x4x1x1xf32>) outs(%e : tensor<2x4x4x24xf32>) {
  ^bb0(%a: f32, %bv: f32, %o: f32):
    %s = arith.addf %a, %bv : f32
    linalg.yield %s : f32
  } -> tensor<2x4x4x24xf32>
  return %biased : tensor<2x4x4x24xf32>
}
