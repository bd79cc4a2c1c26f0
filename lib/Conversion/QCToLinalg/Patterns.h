//===- Patterns.h - pattern groups of the qc to linalg lowering -*- C++ -*-===//
//
// Part of quantc. Private to lib/Conversion/QCToLinalg.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_CONVERSION_QCTOLINALG_PATTERNS_H
#define QUANTC_LIB_CONVERSION_QCTOLINALG_PATTERNS_H

#include "mlir/IR/PatternMatch.h"

namespace mlir {
class TypeConverter;
} // namespace mlir

namespace quantc::lowering {

void populateElementwiseLowering(mlir::RewritePatternSet &patterns);
void populateNNLowering(mlir::RewritePatternSet &patterns);
void populateShapeLowering(mlir::RewritePatternSet &patterns);

/// Quantized tensors become tensors of their storage integers.
void populateQuantTypeConversion(mlir::TypeConverter &converter);
/// quantize, dequantize, quant.scast, qmatmul and qconv2d on storage
/// integers (numerics contract in docs/Numerics.md).
void populateQuantLowering(mlir::RewritePatternSet &patterns,
                           const mlir::TypeConverter &converter);

} // namespace quantc::lowering

#endif // QUANTC_LIB_CONVERSION_QCTOLINALG_PATTERNS_H
