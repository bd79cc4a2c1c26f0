//===- PrecisionSearch.cpp - which layers stay float ----------------------===//
//
// Part of quantc. One JIT compilation with a run-time switch per layer
// (qc-insert-precision-switches); every configuration is then a run over
// the search samples, with the exact int8 arithmetic of the final object.
//
//===----------------------------------------------------------------------===//

#include "quantc/Calibration/PrecisionSearch.h"

#include "quantc/Calibration/SwitchedModel.h"
#include "quantc/Driver/Progress.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/StringMap.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

using namespace quantc;

namespace {
llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Per sample of `which`: the worst output cosine against the float
/// outputs `reference` (indexed by sample), with choice 1 (quantized) for
/// the layers `switches` marks and 0 (float) for the others.
llvm::Expected<std::vector<double>>
cosines(SwitchedModel &model,
        const std::vector<std::vector<HostArray>> &reference,
        const std::vector<int64_t> &switches, llvm::ArrayRef<size_t> which) {
  auto outputs = model.run(switches, which);
  if (!outputs)
    return outputs.takeError();
  std::vector<double> result;
  for (auto [index, actual] : llvm::zip_equal(which, *outputs))
    result.push_back(worstCosine(reference[index], actual));
  return result;
}
} // namespace

double quantc::worstCosine(llvm::ArrayRef<HostArray> reference,
                           llvm::ArrayRef<HostArray> candidate) {
  double worst = 1;
  for (auto [a, b] : llvm::zip_equal(reference, candidate)) {
    double dot = 0, aa = 0, bb = 0;
    for (auto [x, y] : llvm::zip_equal(a.data, b.data)) {
      dot += double(x) * y;
      aa += double(x) * x;
      bb += double(y) * y;
    }
    double cosine = aa == 0 && bb == 0   ? 1
                    : aa == 0 || bb == 0 ? 0
                                         : dot / std::sqrt(aa * bb);
    // NaN (an overflowing layer) counts as the worst agreement.
    worst = std::isnan(cosine) ? -1 : std::min(worst, cosine);
  }
  return worst;
}

llvm::json::Object PrecisionSearchResult::toJSON() const {
  llvm::json::Array layers;
  for (const LayerSensitivity &layer : sensitivity)
    layers.push_back(llvm::json::Object{{"layer", layer.name},
                                        {"cosine_alone_int8", layer.cosine}});
  return llvm::json::Object{
      {"min_output_cosine", minCosine},
      {"max_float_layers", static_cast<int64_t>(budget)},
      {"samples", static_cast<int64_t>(samples)},
      {"ranking_samples", static_cast<int64_t>(rankingSamples)},
      {"runs", static_cast<int64_t>(runs)},
      {"all_int8_cosine", allInt8Cosine},
      {"achieved_cosine", achievedCosine},
      {"met", met},
      {"keep_float", llvm::json::Array(keepFloat)},
      {"sensitivity", std::move(layers)}};
}

llvm::Expected<PrecisionSearchResult>
quantc::searchPrecision(mlir::ModuleOp calibrated,
                        llvm::ArrayRef<std::string> samples,
                        const qc::QCQuantizeOptions &quantize,
                        const PrecisionSearchOptions &options) {
  llvm::Expected<std::vector<HostArray>> inputs =
      loadSearchSamples(calibrated, samples, options.preprocessing);
  if (!inputs)
    return inputs.takeError();

  mlir::PassManager pipeline(calibrated.getContext());
  pipeline.addPass(qc::createQCInsertPrecisionSwitches());
  pipeline.addPass(qc::createQCQuantize(quantize));
  if (mlir::failed(pipeline.run(calibrated)))
    return error("inserting precision switches failed");
  std::vector<std::string> names = qc::precisionSwitchNames(calibrated);

  PrecisionSearchResult result;
  result.minCosine = options.minCosine;
  result.samples = samples.size();
  result.rankingSamples = std::min(samples.size(), options.rankingSamples);
  result.budget = std::min(names.size(),
                           options.maxFloatLayers
                               ? options.maxFloatLayers
                               : std::max<size_t>(1, (names.size() + 9) / 10));
  if (names.empty()) {
    result.met = true;
    return result;
  }

  llvm::Expected<std::unique_ptr<SwitchedModel>> compiled =
      SwitchedModel::compile(calibrated, std::move(*inputs));
  if (!compiled)
    return compiled.takeError();
  SwitchedModel &model = **compiled;

  std::vector<size_t> all(model.samples());
  std::iota(all.begin(), all.end(), 0);
  ProgressCounter progress(options.progress, "precision search",
                           names.size() + 2);
  std::vector<int64_t> switches(names.size(), 0);
  auto reference = model.run(switches, all);
  if (!reference)
    return reference.takeError();
  progress.step();
  llvm::StringMap<size_t> switchOf;
  for (auto [index, name] : llvm::enumerate(names))
    switchOf[name] = index;
  // Worst cosine over every sample with the `count` most harmful layers
  // float (the order is known once sensitivity is), memoized.
  std::map<size_t, double> measured;
  auto withFloatPrefix = [&](size_t count) -> llvm::Expected<double> {
    if (auto it = measured.find(count); it != measured.end())
      return it->second;
    switches.assign(names.size(), 1);
    for (size_t k = 0; k < count; ++k)
      switches[switchOf[result.sensitivity[k].name]] = 0;
    auto perSample = cosines(model, *reference, switches, all);
    if (!perSample)
      return perSample.takeError();
    return measured[count] = *llvm::min_element(*perSample);
  };
  switches.assign(names.size(), 1);
  auto allInt8 = cosines(model, *reference, switches, all);
  if (!allInt8)
    return allInt8.takeError();
  measured[0] = result.allInt8Cosine = *llvm::min_element(*allInt8);
  progress.step();

  // Layers are ranked on the samples int8 hurts most: a layer that ruins
  // one unusual sample must rank high, and ranking on all samples would
  // cost a run over all of them per layer.
  std::vector<size_t> worst(all);
  std::stable_sort(worst.begin(), worst.end(), [&](size_t a, size_t b) {
    return (*allInt8)[a] < (*allInt8)[b];
  });
  worst.resize(std::min(worst.size(), options.rankingSamples));
  for (size_t i = 0; i < names.size(); ++i) {
    switches.assign(names.size(), 0);
    switches[i] = 1;
    auto perSample = cosines(model, *reference, switches, worst);
    if (!perSample)
      return perSample.takeError();
    result.sensitivity.push_back({names[i], *llvm::min_element(*perSample)});
    progress.step();
  }
  std::stable_sort(result.sensitivity.begin(), result.sensitivity.end(),
                   [](const LayerSensitivity &a, const LayerSensitivity &b) {
                     return a.cosine < b.cosine;
                   });

  // Smallest prefix that meets the bound; the cosine grows roughly with
  // the prefix, so bisect, and fall back to the whole budget.
  size_t chosen = 0;
  if (result.allInt8Cosine < options.minCosine) {
    llvm::Expected<double> full = withFloatPrefix(result.budget);
    if (!full)
      return full.takeError();
    chosen = result.budget;
    if (*full >= options.minCosine) {
      size_t lo = 1, hi = result.budget; // hi meets the bound
      while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        llvm::Expected<double> cosine = withFloatPrefix(mid);
        if (!cosine)
          return cosine.takeError();
        if (*cosine >= options.minCosine)
          hi = mid;
        else
          lo = mid + 1;
      }
      chosen = hi;
    }
  }
  result.achievedCosine = measured[chosen];
  result.met = result.achievedCosine >= options.minCosine;
  for (size_t k = 0; k < chosen; ++k)
    result.keepFloat.push_back(result.sensitivity[k].name);
  result.runs = model.runs();
  return result;
}
