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
void populateActivationLowering(mlir::RewritePatternSet &patterns);
void populateArgReduceLowering(mlir::RewritePatternSet &patterns);
void populateNNLowering(mlir::RewritePatternSet &patterns);
void populateResizeLowering(mlir::RewritePatternSet &patterns);
void populateShapeLowering(mlir::RewritePatternSet &patterns);
void populateHadamardLowering(mlir::RewritePatternSet &patterns);
void populateLogMatMulLowering(mlir::RewritePatternSet &patterns);


} // namespace quantc::lowering

#endif // QUANTC_LIB_CONVERSION_QCTOLINALG_PATTERNS_H
