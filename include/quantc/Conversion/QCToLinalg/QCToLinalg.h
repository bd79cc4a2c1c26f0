//===- QCToLinalg.h - qc float ops to linalg --------------------*- C++ -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CONVERSION_QCTOLINALG_QCTOLINALG_H
#define QUANTC_CONVERSION_QCTOLINALG_QCTOLINALG_H

#include "mlir/IR/PatternMatch.h"

namespace quantc {

/// Patterns lowering the float qc ops to linalg/tensor/arith/math on
/// statically shaped tensors.
void populateQCToLinalgPatterns(mlir::RewritePatternSet &patterns);

} // namespace quantc

#endif // QUANTC_CONVERSION_QCTOLINALG_QCTOLINALG_H
