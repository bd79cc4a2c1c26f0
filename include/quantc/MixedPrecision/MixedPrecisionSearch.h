//===- MixedPrecisionSearch.h - bits per layer under a budget ----*- C++
//-*-===//
//
// Part of quantc. Chooses each quantizable layer's precision among
// candidates (float, int8, int4, ternary) so that the average stored bits
// per weight stay within a budget and the model's outputs change least:
// sensitivities per layer and candidate (measured, Hessian, augmented
// Hessian), the Pareto frontier of summed sensitivity against size, then
// the frontier points near the budget measured end to end and the best
// kept. Everything runs through one switched JIT compilation.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_MIXEDPRECISION_MIXEDPRECISIONSEARCH_H
#define QUANTC_MIXEDPRECISION_MIXEDPRECISIONSEARCH_H

#include "quantc/Dialect/QC/Transforms/Passes.h"
#include "quantc/Driver/ImageInput.h"
#include "quantc/Driver/Progress.h"
#include "quantc/MixedPrecision/Frontier.h"
#include "quantc/MixedPrecision/Sensitivity.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace quantc {

struct MixedPrecisionOptions {
  /// Precision texts (float, int8, int4, int4-g32, int4-g32-gptq,
  /// ternary-absmean, ternary-twn); at least two.
  std::vector<std::string> candidates = {"int8", "int4"};
  /// Average stored bits per weight of the switched layers (float counts
  /// 32, every scale 32 bits).
  double weightBitsBudget = 6;
  SensitivitySignal signal = SensitivitySignal::KL;
  /// "pareto" (the frontier by dynamic programming, points near the budget
  /// measured), "ilp" (GLPK, size and latency budgets) or "bisection" (the
  /// augmented-Hessian paper's: how many of the most sensitive layers keep
  /// the most bits).
  std::string solver = "pareto";
  /// Mean latency per sample in the JIT, in ms (ilp, bisection); 0: none.
  double latencyBudgetMs = 0;
  /// Bisection: the largest measured output divergence accepted; the
  /// fewest high-precision layers that reach it are kept. 0: as many as
  /// the budgets allow.
  double maxDivergence = 0;
  /// Samples each one-layer measurement runs on (the first ones).
  size_t sensitivitySamples = 4;
  /// kl measures each layer with the others at the candidate with the most
  /// bits below float (int8), as they will mostly be, minus that base's
  /// own divergence; off: the others float (ZeroQ).
  bool quantizedBase = false;
  /// Frontier points measured end to end in the band from the budget down
  /// to one bit per weight below it, evenly spread, largest first.
  size_t pointsNearBudget = 8;
  /// Further frontier points measured across its span, for the picture.
  size_t pointsAcross = 8;
  /// RMS of the injected perturbation relative to each output channel's
  /// RMS (augmented Hessian's gain).
  double perturbation = 0.1;
  /// Bias correction and depthwise settings; weights, group and gptq come
  /// from each candidate.
  qc::QCQuantizeOptions quantize;
  ProgressCallback progress;
  ImagePreprocessing preprocessing;
};

struct MixedLayer {
  std::string name;
  int64_t weights = 0;
  /// Per candidate (options' order).
  std::vector<double> bits;
  std::vector<double> kl, hessian, augmented;
  /// Relevance mass at the layer's output (Relevance.h), and the lrp
  /// signals from it (empty when lrp was not available).
  double relevance = 0;
  std::vector<double> lrp, lrpHessian;
  /// Measured output divergence per unit of relative output noise energy.
  double gain = 0;
  /// Whether the Hessian used E[x x^T] (else the identity).
  bool usedSecondMoment = false;
  /// The float weights are already ternary (a model trained for it): a
  /// ternary candidate keeps them exactly, so every exact candidate's
  /// signals are 0 and the smallest of them is free.
  bool alreadyTernary = false;
  /// Per candidate: the layer's time per sample in the JIT, in ms.
  std::vector<double> latencyMs;
  int chosen = 0;
};

/// A measured assignment.
struct MeasuredAssignment {
  /// "frontier", "uniform int4", ...
  std::string label;
  Assignment assignment;
  /// Mean output divergence over the search samples.
  double measured = 0;
  /// Per sample, in the JIT: as the per-layer times add up, and as run.
  double predictedLatencyMs = 0, measuredLatencyMs = 0;
  /// Its bits, and its measured latency, within the budgets.
  bool withinBudget = false;
};

struct MixedPrecisionResult {
  std::vector<std::string> candidates;
  SensitivitySignal signal = SensitivitySignal::KL;
  std::vector<std::string> outputMeasures;
  /// The precision of the other layers in the one-layer measurements.
  std::string base;
  std::vector<MixedLayer> layers;
  int64_t totalWeights = 0;
  double budgetBits = 0;
  std::string solver;
  double latencyBudgetMs = 0;
  /// Time per sample outside the switched layers.
  double otherLatencyMs = 0;
  std::vector<Assignment> frontier;
  /// ilp: its summed sensitivity with only the size budget, next to the
  /// frontier's best within the same budget (they should agree).
  std::optional<double> ilpSizeOnlyPredicted, frontierPredicted;
  /// bisection: layers in the order they take the most bits, the count
  /// kept, and whether maxDivergence was reached.
  std::vector<std::string> bisectionOrder;
  size_t bisectionCount = 0;
  double maxDivergence = 0;
  bool toleranceMet = true;
  std::vector<MeasuredAssignment> measured;
  /// Index into `measured` of the kept assignment.
  size_t chosen = 0;
  /// Each signal's Spearman correlation with the measured one-layer kl
  /// (over every layer and non-float candidate).
  double spearmanHessian = 0, spearmanAugmented = 0;
  std::optional<double> spearmanLRP, spearmanLRPHessian;
  /// Why the lrp signals were not computed (an op without a relevance
  /// rule), when another signal was chosen; empty otherwise.
  std::string lrpUnavailable;
  size_t samples = 0, sensitivitySamples = 0, runs = 0;
  double seconds = 0;

  const MeasuredAssignment &kept() const { return measured[chosen]; }
  /// Time per sample the per-layer times predict for `a`.
  double predictLatencyMs(const Assignment &a) const;
  double averageBits(const Assignment &a) const {
    return totalWeights ? a.bits / double(totalWeights) : 0;
  }
  /// Layer -> chosen precision text, as qc-assign-precision takes it.
  std::vector<qc::LayerAssignment> assignment() const;
  llvm::json::Object toJSON() const;
};

/// Searches `calibrated` (probes with ranges and, for the Hessian, E[x x^T]
/// as applyCalibration leaves them; not modified) on the single-input
/// samples `files`.
llvm::Expected<MixedPrecisionResult>
searchMixedPrecision(mlir::ModuleOp calibrated,
                     llvm::ArrayRef<std::string> files,
                     const MixedPrecisionOptions &options);

} // namespace quantc

#endif // QUANTC_MIXEDPRECISION_MIXEDPRECISIONSEARCH_H
