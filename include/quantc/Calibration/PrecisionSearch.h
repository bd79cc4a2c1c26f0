//===- PrecisionSearch.h - which layers stay float ---------------*- C++ -*-===//
//
// Part of quantc. Measures how much each int8 layer costs the model's
// outputs on real samples and keeps the fewest layers in float that bring
// every output back within a cosine bound.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CALIBRATION_PRECISIONSEARCH_H
#define QUANTC_CALIBRATION_PRECISIONSEARCH_H

#include "quantc/Dialect/QC/Transforms/Passes.h"
#include "quantc/Driver/ImageInput.h"
#include "quantc/Driver/Progress.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace quantc {

struct PrecisionSearchOptions {
  /// Every output of every search sample must reach this cosine
  /// similarity to the float model's.
  double minCosine = 0.99;
  /// At most this many layers stay float; 0 means a tenth of the
  /// quantizable layers (at least one).
  size_t maxFloatLayers = 0;
  /// Layers are ranked by the cosine they alone cause on this many
  /// samples: those all-int8 hurts most.
  size_t rankingSamples = 4;
  /// Told after each measured configuration; empty: silent.
  ProgressCallback progress;
  ImagePreprocessing preprocessing;
};

/// A layer and the worst output cosine when it alone is int8 (over the
/// ranking samples).
struct LayerSensitivity {
  std::string name;
  double cosine;
};

struct PrecisionSearchResult {
  /// Every switchable layer, most harmful first.
  std::vector<LayerSensitivity> sensitivity;
  /// The layers to keep in float (a prefix of `sensitivity`).
  std::vector<std::string> keepFloat;
  /// Worst output cosine with every layer int8, and with keepFloat float.
  double allInt8Cosine = 1, achievedCosine = 1;
  double minCosine = 0;
  size_t budget = 0, samples = 0, rankingSamples = 0, runs = 0;
  /// Whether achievedCosine reaches minCosine within the budget.
  bool met = false;
  llvm::json::Object toJSON() const;
};

/// The worst cosine similarity over matching output tensors (1 when both
/// are zero, 0 when only one is).
double worstCosine(llvm::ArrayRef<HostArray> reference,
                   llvm::ArrayRef<HostArray> candidate);

/// Compiles `calibrated` (probes with ranges, as applyCalibration leaves
/// them; consumed) once with a precision switch per layer
/// (qc-insert-precision-switches, then qc-quantize with `quantize`) and
/// runs the single-input model on `samples`: float, all int8, each layer
/// alone int8 on the options.rankingSamples samples all-int8 hurts most,
/// then the fewest most-harmful layers kept float (binary search over the
/// sensitivity order, on every sample) that bring the worst output cosine
/// to options.minCosine. When the budget cannot, keepFloat is the whole
/// budget and `met` is false.
llvm::Expected<PrecisionSearchResult>
searchPrecision(mlir::ModuleOp calibrated, llvm::ArrayRef<std::string> samples,
                const qc::QCQuantizeOptions &quantize,
                const PrecisionSearchOptions &options);

} // namespace quantc

#endif // QUANTC_CALIBRATION_PRECISIONSEARCH_H
