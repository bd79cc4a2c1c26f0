//===- NarrowConvs.h - convolutions on narrow images as matmuls ----------===//
//
// Part of quantc. A broadcast panel's lanes run along an output row: a
// 7 x 7 image (ResNet's last stage) fills 7 of a register's 16 lanes, and
// 512 -> 512 channels 3 x 3 ran at 49 GFLOP/s on Zen 4, under half the
// f32 peak. Over its patches ([C KH KW, OH OW], im2col) the convolution is
// a matmul whose columns are all 49 output pixels: four registers, 49 of
// 64 lanes.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_TRANSFORMS_NARROWCONVS_H
#define QUANTC_LIB_TRANSFORMS_NARROWCONVS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"

namespace quantc {

/// Rewrites every static all-f32 linalg.conv_2d_nchw_fchw of one image in
/// `func` whose output rows are at most 12 pixels wide, with at least 16
/// output pixels and a patch matrix of at most 2 MiB, as the patch matrix
/// (a linalg.generic copying [C, KH, KW, OH, OW] from the input) and a
/// linalg.matmul of the weights [F, C KH KW] by it. The matmul sums over
/// (c, kh, kw) in the order the convolution's panel did. A zero fill of the
/// output becomes the matmul's.
void convertNarrowConvsToMatmuls(mlir::RewriterBase &rewriter,
                                 mlir::func::FuncOp func);

} // namespace quantc

#endif // QUANTC_LIB_TRANSFORMS_NARROWCONVS_H
