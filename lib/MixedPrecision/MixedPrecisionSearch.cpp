//===- MixedPrecisionSearch.cpp - bits per layer under a budget -----------===//
//
// Part of quantc. One switched compilation holds, for every layer, each
// candidate precision, float, and float plus a known perturbation. Then:
//  1. one-layer runs on a few samples give the measured signal (kl) and
//     each layer's gain; the quantized weights give the Hessian proxy;
//  2. the chosen signal's frontier (dynamic programming over size);
//  3. frontier points near the budget, spread points and the uniform
//     assignments are measured end to end on every search sample, and the
//     best measured point within the budget is kept: when the summed
//     sensitivities mislead, a measured point repairs the choice.
//
//===----------------------------------------------------------------------===//

#include "quantc/MixedPrecision/MixedPrecisionSearch.h"

#include "Perturbation.h"

#include "quantc/Calibration/SwitchedModel.h"
#include "quantc/Dialect/QC/IR/QCAttrs.h"
#include "quantc/MixedPrecision/LayerWeights.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <chrono>
#include <cmath>
#include <numeric>

using namespace quantc;

static llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::vector<qc::LayerAssignment> MixedPrecisionResult::assignment() const {
  std::vector<qc::LayerAssignment> list;
  const Assignment &a = kept().assignment;
  for (auto [layer, choice] : llvm::zip_equal(layers, a.choice))
    list.push_back({layer.name, candidates[choice]});
  return list;
}

namespace {
/// Measures assignments (choices per user candidate) through the switched
/// model, whose choice indices are the internal ones.
class Measurer {
public:
  Measurer(SwitchedModel &model, std::vector<OutputMeasure> measures,
           size_t floatChoice)
      : model(model), measures(std::move(measures)), floatChoice(floatChoice) {}

  llvm::Error computeReference() {
    std::vector<size_t> all(model.samples());
    std::iota(all.begin(), all.end(), 0);
    auto outputs = model.run(
        std::vector<int64_t>(model.layers().size(), floatChoice), all);
    if (!outputs)
      return outputs.takeError();
    reference = std::move(*outputs);
    return llvm::Error::success();
  }

  /// Mean divergence from float over `which` samples.
  llvm::Expected<double> divergence(llvm::ArrayRef<int64_t> choices,
                                    llvm::ArrayRef<size_t> which) {
    auto outputs = model.run(choices, which);
    if (!outputs)
      return outputs.takeError();
    double total = 0;
    for (auto [index, actual] : llvm::zip_equal(which, *outputs))
      total += outputDivergence(reference[index], actual, measures);
    return total / double(which.size());
  }

private:
  SwitchedModel &model;
  std::vector<OutputMeasure> measures;
  size_t floatChoice;
  std::vector<std::vector<HostArray>> reference;
};

/// Runs qc-insert-precision-switches with `candidates`, then qc-quantize.
llvm::Error insertSwitches(mlir::ModuleOp module,
                           llvm::ArrayRef<std::string> candidates,
                           const qc::QCQuantizeOptions &quantize) {
  mlir::PassManager pm(module.getContext());
  qc::QCInsertPrecisionSwitchesOptions switches;
  switches.candidates.assign(candidates.begin(), candidates.end());
  pm.addPass(qc::createQCInsertPrecisionSwitches(switches));
  pm.addPass(qc::createQCQuantize(quantize));
  if (mlir::failed(pm.run(module)))
    return error("compiling the candidate precisions failed");
  return llvm::Error::success();
}
} // namespace

llvm::Expected<MixedPrecisionResult>
quantc::searchMixedPrecision(mlir::ModuleOp calibrated,
                             llvm::ArrayRef<std::string> files,
                             const MixedPrecisionOptions &options) {
  auto start = std::chrono::steady_clock::now();
  if (options.candidates.size() < 2)
    return error("mixed precision needs at least two candidates");
  for (const std::string &text : options.candidates) {
    std::string why;
    if (!qc::LayerPrecisionAttr::parse(calibrated.getContext(), text, why))
      return error("--candidates: " + why);
  }
  llvm::Expected<std::vector<HostArray>> inputs =
      loadSearchSamples(calibrated, files, options.preprocessing);
  if (!inputs)
    return inputs.takeError();

  // The switch's choices: the user's candidates, then float if they did
  // not list it (the base every one-layer measurement starts from), then
  // the perturbation.
  std::vector<std::string> choices = options.candidates;
  size_t userChoices = choices.size();
  auto listed = llvm::find(choices, "float");
  size_t floatChoice = listed - choices.begin();
  if (listed == choices.end())
    choices.push_back("float");
  size_t perturbChoice = choices.size();

  mlir::OwningOpRef<mlir::ModuleOp> switched = calibrated.clone();
  if (llvm::Error err = insertSwitches(*switched, choices, options.quantize))
    return std::move(err);
  llvm::Expected<std::vector<LayerWeights>> weights =
      readLayerWeights(calibrated, *switched, choices);
  if (!weights)
    return weights.takeError();
  if (weights->empty())
    return error("mixed precision: the model has no calibrated quantizable "
                 "layer to assign");
  if (llvm::Error err = addPerturbationChoice(*switched, *weights, floatChoice,
                                              options.perturbation))
    return std::move(err);

  MixedPrecisionResult result;
  result.candidates = options.candidates;
  result.signal = options.signal;
  std::vector<OutputMeasure> measures = outputMeasures(calibrated);
  for (const OutputMeasure &measure : measures)
    result.outputMeasures.push_back(measure.describe());
  size_t layerCount = weights->size();
  result.samples = inputs->size();
  result.sensitivitySamples =
      std::min(inputs->size(), options.sensitivitySamples);

  llvm::Expected<std::unique_ptr<SwitchedModel>> compiled =
      SwitchedModel::compile(switched.release(), std::move(*inputs));
  if (!compiled)
    return compiled.takeError();
  Measurer measurer(**compiled, measures, floatChoice);
  if (llvm::Error err = measurer.computeReference())
    return std::move(err);

  // 1. Signals per layer and candidate.
  ProgressCounter progress(options.progress, "mixed precision",
                           layerCount * userChoices + options.pointsNearBudget +
                               options.pointsAcross + userChoices);
  std::vector<size_t> ranking(result.sensitivitySamples);
  std::iota(ranking.begin(), ranking.end(), 0);
  std::vector<size_t> all((*compiled)->samples());
  std::iota(all.begin(), all.end(), 0);
  std::vector<int64_t> configuration(layerCount, floatChoice);
  double injected = options.perturbation * options.perturbation;
  for (auto [l, layer] : llvm::enumerate(*weights)) {
    MixedLayer entry;
    entry.name = layer.name;
    entry.weights = layer.geometry.weights();
    entry.usedSecondMoment = !layer.inputSecondMoment.empty();
    configuration[l] = perturbChoice;
    llvm::Expected<double> perturbed =
        measurer.divergence(configuration, ranking);
    if (!perturbed)
      return perturbed.takeError();
    entry.gain = *perturbed / injected;
    for (size_t c = 0; c < userChoices; ++c) {
      const CandidateWeights &candidate = layer.candidates[c];
      entry.bits.push_back(candidate.bits);
      double kl = 0;
      if (c != floatChoice) {
        configuration[l] = c;
        llvm::Expected<double> measured =
            measurer.divergence(configuration, ranking);
        if (!measured)
          return measured.takeError();
        kl = *measured;
      }
      double omega = hessianProxy(layer, candidate).relative();
      entry.kl.push_back(kl);
      entry.hessian.push_back(omega);
      entry.augmented.push_back(entry.gain * omega);
      progress.step();
    }
    configuration[l] = floatChoice;
    result.layers.push_back(std::move(entry));
    result.totalWeights += layer.geometry.weights();
  }
  std::vector<double> kl, hessian, augmented;
  for (const MixedLayer &layer : result.layers)
    for (size_t c = 0; c < userChoices; ++c)
      if (c != floatChoice) {
        kl.push_back(layer.kl[c]);
        hessian.push_back(layer.hessian[c]);
        augmented.push_back(layer.augmented[c]);
      }
  result.spearmanHessian = spearman(hessian, kl);
  result.spearmanAugmented = spearman(augmented, kl);

  // 2. The frontier of the chosen signal.
  std::vector<LayerChoices> table;
  for (const MixedLayer &layer : result.layers) {
    const std::vector<double> &signal =
        options.signal == SensitivitySignal::KL        ? layer.kl
        : options.signal == SensitivitySignal::Hessian ? layer.hessian
                                                       : layer.augmented;
    table.push_back({layer.bits, signal});
  }
  result.frontier = paretoFrontier(table);
  result.budgetBits = options.weightBitsBudget * double(result.totalWeights);

  // 3. Measure: the uniform assignments, the frontier points nearest the
  // budget from below, and points across the frontier.
  auto measure = [&](const std::string &label,
                     const Assignment &a) -> llvm::Error {
    for (const MeasuredAssignment &seen : result.measured)
      if (seen.assignment.choice == a.choice)
        return llvm::Error::success();
    llvm::Expected<double> value = measurer.divergence(
        std::vector<int64_t>(a.choice.begin(), a.choice.end()), all);
    if (!value)
      return value.takeError();
    result.measured.push_back(
        {label, a, *value, a.bits <= result.budgetBits * (1 + 1e-12)});
    progress.step();
    return llvm::Error::success();
  };
  for (size_t c = 0; c < userChoices; ++c)
    if (llvm::Error err =
            measure("uniform " + options.candidates[c],
                    evaluate(table, std::vector<int>(layerCount, int(c)))))
      return std::move(err);
  std::vector<const Assignment *> near;
  for (const Assignment &point : result.frontier)
    if (point.bits <= result.budgetBits)
      near.push_back(&point);
  for (size_t k = 0; k < options.pointsNearBudget && k < near.size(); ++k)
    if (llvm::Error err = measure("frontier", *near[near.size() - 1 - k]))
      return std::move(err);
  size_t points = result.frontier.size();
  for (size_t k = 0; k < options.pointsAcross && points > 1; ++k) {
    size_t at =
        k * (points - 1) / std::max<size_t>(1, options.pointsAcross - 1);
    if (llvm::Error err = measure("frontier", result.frontier[at]))
      return std::move(err);
  }

  std::optional<size_t> best;
  for (auto [index, point] : llvm::enumerate(result.measured))
    if (point.withinBudget &&
        (!best || point.measured < result.measured[*best].measured))
      best = index;
  if (!best) {
    double least = result.frontier.empty() ? 0 : result.frontier.front().bits;
    return error(llvm::formatv(
        "--weight-bits-budget {0:f2}: the smallest assignment of these "
        "candidates takes {1:f2} bits per weight",
        options.weightBitsBudget, least / double(result.totalWeights)));
  }
  result.chosen = *best;
  for (auto [layer, choice] :
       llvm::zip_equal(result.layers, result.kept().assignment.choice))
    layer.chosen = choice;
  result.runs = (*compiled)->runs();
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return result;
}

llvm::json::Object MixedPrecisionResult::toJSON() const {
  auto array = [](llvm::ArrayRef<double> values) {
    return llvm::json::Array(values);
  };
  llvm::json::Array layerList;
  for (const MixedLayer &layer : layers) {
    llvm::json::Object sensitivity{
        {"kl", array(layer.kl)},
        {"hessian", array(layer.hessian)},
        {"augmented-hessian", array(layer.augmented)}};
    layerList.push_back(llvm::json::Object{
        {"name", layer.name},
        {"weights", layer.weights},
        {"candidates", llvm::json::Array(candidates)},
        {"bits", array(layer.bits)},
        {"sensitivity", std::move(sensitivity)},
        {"gain", layer.gain},
        {"hessian_uses_second_moment", layer.usedSecondMoment},
        {"chosen", candidates[layer.chosen]}});
  }
  auto point = [&](const Assignment &a) {
    return llvm::json::Object{{"average_weight_bits", averageBits(a)},
                              {"predicted", a.predicted}};
  };
  llvm::json::Array frontierList;
  for (const Assignment &a : frontier)
    frontierList.push_back(point(a));
  llvm::json::Array measuredList;
  for (const MeasuredAssignment &m : measured) {
    llvm::json::Object entry = point(m.assignment);
    entry["label"] = m.label;
    entry["measured"] = m.measured;
    entry["within_budget"] = m.withinBudget;
    measuredList.push_back(std::move(entry));
  }
  const Assignment &keptAssignment = kept().assignment;
  return llvm::json::Object{
      {"sensitivity", sensitivitySignalName(signal)},
      {"solver", "pareto"},
      {"output_divergence", llvm::json::Array(outputMeasures)},
      {"weight_bits_budget", totalWeights ? budgetBits / totalWeights : 0},
      {"average_weight_bits", averageBits(keptAssignment)},
      {"weight_bytes", int64_t(std::ceil(keptAssignment.bits / 8))},
      {"weights", totalWeights},
      {"predicted", keptAssignment.predicted},
      {"measured", kept().measured},
      {"kept", kept().label},
      {"spearman_vs_kl",
       llvm::json::Object{{"hessian", spearmanHessian},
                          {"augmented-hessian", spearmanAugmented}}},
      {"samples", int64_t(samples)},
      {"sensitivity_samples", int64_t(sensitivitySamples)},
      {"runs", int64_t(runs)},
      {"seconds", seconds},
      {"layers", std::move(layerList)},
      {"frontier", std::move(frontierList)},
      {"measured_points", std::move(measuredList)}};
}
