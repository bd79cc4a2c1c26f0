// RUN: quant-opt %s -split-input-file -quantc-tile-and-vectorize -canonicalize | FileCheck %s

// CHECK-LABEL: func @matmul
// Tiles of 8 x 32 x 16 (M x N x K), each one vector.contract; the
// accumulator tile is read once, carried through the K loop as a vector
// and written once.
// CHECK: scf.for
// CHECK: scf.for
// CHECK: vector.transfer_read {{.*}} : tensor<8x32xf32>, vector<8x32xf32>
// CHECK: scf.for {{.*}} -> (vector<8x32xf32>)
// CHECK: vector.transfer_read {{.*}} : tensor<8x16xf32>, vector<8x16xf32>
// CHECK: vector.contract {{.*}} vector<8x16xf32>, vector<16x32xf32> into vector<8x32xf32>
// CHECK-NOT: vector.transfer_write
// CHECK: scf.yield {{.*}} : vector<8x32xf32>
// CHECK: vector.transfer_write {{.*}} : vector<8x32xf32>, tensor<8x32xf32>
// The M and N tile loops are marked parallel for quantc-parallelize-loops;
// the K loop, which carries the accumulator, is not.
// CHECK: } {quantc.parallel}
// CHECK: } {quantc.parallel}
// CHECK-NOT: linalg.matmul
func.func @matmul(%a: tensor<64x128xf32>, %b: tensor<128x256xf32>, %c: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<64x128xf32>, tensor<128x256xf32>) outs(%c : tensor<64x256xf32>) -> tensor<64x256xf32>
  return %0 : tensor<64x256xf32>
}

// -----

// CHECK-LABEL: func @conv
// Unit strides: one output row and one kernel tap per tile, each an
// 8 x 16 by 16 x 32 matmul tile (F x C by C x W) with no transposes, its
// accumulator carried through the channel and kernel loops.
// CHECK-NOT: linalg.conv_2d_nchw_fchw
// CHECK-NOT: linalg.conv_1d_ncw_fcw
// CHECK-NOT: vector.transpose
// CHECK: vector.contract {{.*}} vector<8x16xf32>, vector<16x32xf32> into vector<8x32xf32>
func.func @conv(%x: tensor<1x16x10x34xf32>, %w: tensor<16x16x3x3xf32>, %y: tensor<1x16x8x32xf32>) -> tensor<1x16x8x32xf32> {
  %0 = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x16x10x34xf32>, tensor<16x16x3x3xf32>) outs(%y : tensor<1x16x8x32xf32>) -> tensor<1x16x8x32xf32>
  return %0 : tensor<1x16x8x32xf32>
}

// -----

// CHECK-LABEL: func @strided_conv
// Other strides: one output row, one kernel row per tile: vectorized 1-D
// convolutions (strided: one contraction per output column).
// CHECK-NOT: linalg.conv_2d_nchw_fchw
// CHECK-NOT: linalg.conv_1d_ncw_fcw
// CHECK: vector.contract {{.*}} into vector<1x1x8xf32>
func.func @strided_conv(%x: tensor<1x8x17x33xf32>, %w: tensor<16x8x3x3xf32>, %y: tensor<1x16x8x16xf32>) -> tensor<1x16x8x16xf32> {
  %0 = linalg.conv_2d_nchw_fchw {strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<1x8x17x33xf32>, tensor<16x8x3x3xf32>) outs(%y : tensor<1x16x8x16xf32>) -> tensor<1x16x8x16xf32>
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

// CHECK-LABEL: func @depthwise_strided_width
// Strided along the width, the input row is not contiguous: left as is.
// CHECK: linalg.conv_2d_ngchw_gfchw
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
// Extents that are not multiples of 16 keep the loops.
// CHECK: linalg.transpose
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
