//===- Frontier.h - size against sensitivity, every best trade ---*- C++
//-*-===//
//
// Part of quantc. Given each layer's candidates as (bits, sensitivity),
// the assignments that no other beats on both total bits and summed
// sensitivity (ZeroQ's Pareto frontier), by dynamic programming over
// discretized size; and the same choice under a budget as an integer
// program (GLPK), for a check and for latency constraints.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_MIXEDPRECISION_FRONTIER_H
#define QUANTC_MIXEDPRECISION_FRONTIER_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <vector>

namespace quantc {

/// One layer's candidates, indexed alike: the bits each takes and its
/// sensitivity (additive across layers; lower is better).
struct LayerChoices {
  std::vector<double> bits;
  std::vector<double> sensitivity;
};

/// A choice per layer, with its exact total bits and summed sensitivity.
struct Assignment {
  std::vector<int> choice;
  double bits = 0;
  double predicted = 0;
};

/// Totals of `choice` over `layers`.
Assignment evaluate(llvm::ArrayRef<LayerChoices> layers,
                    std::vector<int> choice);

/// The Pareto frontier, fewest bits first: each point's summed
/// sensitivity is the least any assignment reaches within its bits (up to
/// the discretization: sizes are rounded up to `resolution` steps over the
/// range of total sizes, so every point's exact bits are within its step
/// and no point claims a size it does not have).
std::vector<Assignment> paretoFrontier(llvm::ArrayRef<LayerChoices> layers,
                                       size_t resolution = 4096);

/// The frontier's best point within `budgetBits`, if any.
std::optional<Assignment> bestWithinBudget(llvm::ArrayRef<Assignment> frontier,
                                           double budgetBits);

/// Extra linear constraints of the integer program: per layer and
/// candidate a cost, summed at most `budget` (latency in ms).
struct CostBudget {
  std::vector<std::vector<double>> cost;
  double budget = 0;
};

/// The assignment of least summed sensitivity with total bits at most
/// `budgetBits` and every `extra` budget met, solved exactly as a 0-1
/// integer program by GLPK (branch and cut). nullopt when infeasible; an
/// error when GLPK fails.
llvm::Expected<std::optional<Assignment>>
solveIntegerProgram(llvm::ArrayRef<LayerChoices> layers, double budgetBits,
                    llvm::ArrayRef<CostBudget> extra = {});

} // namespace quantc

#endif // QUANTC_MIXEDPRECISION_FRONTIER_H
