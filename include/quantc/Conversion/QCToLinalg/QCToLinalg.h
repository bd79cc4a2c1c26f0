//===- QCToLinalg.h - qc float ops to linalg --------------------*- C++ -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CONVERSION_QCTOLINALG_QCTOLINALG_H
#define QUANTC_CONVERSION_QCTOLINALG_QCTOLINALG_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace quantc {

/// Patterns lowering the float qc ops to linalg/tensor/arith/math on
/// statically shaped tensors.
void populateQCToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// The type conversion of the quantized lowering: tensors of
/// `!quant.uniform` (per tensor, per axis, sub-channel) become tensors of
/// their storage integers (i8, u8 as i8, i4 and ternary codes in i8, i32).
void populateQCQuantTypeConversion(mlir::TypeConverter &converter);

/// Patterns lowering qc.quantize, qc.dequantize, qc.requantize,
/// quant.scast, qc.qmatmul and qc.qconv2d (generic integer loops, or a
/// call of the GEMM kernel qc-select-gemm-kernels chose) onto storage
/// integers, with `converter` from populateQCQuantTypeConversion. The
/// numerics contract is docs/Numerics.md.
void populateQCQuantToLinalgPatterns(mlir::RewritePatternSet &patterns,
                                     const mlir::TypeConverter &converter);

} // namespace quantc

#endif // QUANTC_CONVERSION_QCTOLINALG_QCTOLINALG_H
