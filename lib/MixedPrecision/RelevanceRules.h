//===- RelevanceRules.h - LRP rules per qc op --------------------*- C++
//-*-===//
//
// Part of quantc. The state one sample's backward pass works on, and the
// rule that moves an op's result relevance onto its operands.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_MIXEDPRECISION_RELEVANCERULES_H
#define QUANTC_LIB_MIXEDPRECISION_RELEVANCERULES_H

#include "quantc/Driver/HostArray.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <memory>
#include <vector>

namespace quantc {

/// The forward tensors of one sample and the relevance gathering on them.
class RelevanceState {
public:
  /// The forward values of `value`: captured by the run, or a float
  /// constant's (read once); null for anything else.
  const HostArray *values(mlir::Value value);
  /// The relevance accumulating on `value` (zeros at first), or null for a
  /// constant or an uncaptured value: what it would get is absorbed, as a
  /// bias's share is.
  std::vector<double> *relevance(mlir::Value value);
  /// Whether `value` takes no relevance (a constant, or made from them).
  bool absorbs(mlir::Value value) const {
    return !captured.count(value) || fixed.contains(value);
  }
  /// Relevance already on `value`, or null if none reached it.
  const std::vector<double> *reached(mlir::Value value) const;

  llvm::DenseMap<mlir::Value, HostArray> captured;
  /// The epsilon rule's stabilizer, relative to each tensor's RMS.
  double epsilon = 0;
  /// Captured values computed from constants alone (weights made in the
  /// graph): they absorb relevance, as constants do.
  llvm::DenseSet<mlir::Value> fixed;

private:
  // Behind pointers: rules hold two operands' entries while a map grows.
  llvm::DenseMap<mlir::Value, std::unique_ptr<HostArray>> constants;
  llvm::DenseMap<mlir::Value, std::unique_ptr<std::vector<double>>> accumulated;
};

/// Moves the relevance on `op`'s results onto its operands. False when qc
/// has no rule for `op` (or its operands' values are missing).
bool propagateThrough(mlir::Operation *op, RelevanceState &state);

} // namespace quantc

#endif // QUANTC_LIB_MIXEDPRECISION_RELEVANCERULES_H
