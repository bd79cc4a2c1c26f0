//===- DirectConv.h - int8 convolutions over channel quads ------*- C++ -*-===//
//
// Part of quantc. Private to lib/Conversion/QCToLinalg.
//
// A qc.qconv2d marked qc.direct_conv (qc-select-gemm-kernels, AVX-512
// VNNI) is computed without a patch matrix: its u8 input, padded with the
// zero point, is packed into i32 words of four channels' bytes, [C/4, H,
// W]; its weights likewise into [F, C/4, KH, KW]; and the sums are one
// linalg.generic marked quantc.packed_dot_conv (PackedDotConv.h) whose
// result is already NCHW. quantc-tile-and-vectorize writes it with
// vpdpbusd, the registers along a row's output pixels.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_CONVERSION_QCTOLINALG_DIRECTCONV_H
#define QUANTC_LIB_CONVERSION_QCTOLINALG_DIRECTCONV_H

#include "mlir/IR/Builders.h"

namespace quantc::lowering {

/// The raw i32 sums x * w, [1, F, OH, OW], of a one-image, one-group
/// convolution of the u8 storage `input` [1, C, H, W] (zero point `za`,
/// which pads it) with the constant s8 `weights` [F][C][KH][KW] (`wShape`),
/// width stride 1 or 2. The caller subtracts za times the weight sums.
mlir::Value
directConvSums(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
               int64_t za, llvm::ArrayRef<int8_t> weights,
               llvm::ArrayRef<int64_t> wShape, llvm::ArrayRef<int64_t> outShape,
               llvm::ArrayRef<int64_t> strides, llvm::ArrayRef<int64_t> pads,
               llvm::ArrayRef<int64_t> dilations);

} // namespace quantc::lowering

#endif // QUANTC_LIB_CONVERSION_QCTOLINALG_DIRECTCONV_H
