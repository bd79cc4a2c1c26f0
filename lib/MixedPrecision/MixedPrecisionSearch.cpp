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
#include "quantc/MixedPrecision/Relevance.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <chrono>
#include <cmath>
#include <limits>
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
  switches.timeLayers = true;
  pm.addPass(qc::createQCInsertPrecisionSwitches(switches));
  pm.addPass(qc::createQCQuantize(quantize));
  if (mlir::failed(pm.run(module)))
    return error("compiling the candidate precisions failed");
  return llvm::Error::success();
}
} // namespace

double MixedPrecisionResult::predictLatencyMs(const Assignment &a) const {
  double total = otherLatencyMs;
  for (auto [layer, choice] : llvm::zip_equal(layers, a.choice))
    total += layer.latencyMs[choice];
  return total;
}

namespace {
/// Measures an assignment end to end (or finds it measured): its index in
/// MixedPrecisionResult::measured.
using MeasureFn = llvm::function_ref<llvm::Expected<size_t>(
    const std::string &label, const Assignment &a)>;

/// The measured point of least divergence within the budgets.
std::optional<size_t> bestMeasured(const MixedPrecisionResult &result) {
  std::optional<size_t> best;
  for (auto [index, point] : llvm::enumerate(result.measured))
    if (point.withinBudget &&
        (!best || point.measured < result.measured[*best].measured))
      best = index;
  return best;
}

/// pareto: the frontier points nearest the budget from below, and points
/// across the frontier (for the picture), measured; the best kept.
llvm::Expected<std::optional<size_t>>
solveOnFrontier(MixedPrecisionResult &result,
                const MixedPrecisionOptions &options, MeasureFn measure) {
  if (options.latencyBudgetMs > 0)
    return error("--solver pareto trades size alone: a latency budget needs "
                 "--solver ilp or bisection");
  // Summed sensitivities rank nearby points poorly (layers interact), so
  // the points from the budget down to one bit per weight below it are
  // measured, evenly spread over that band.
  std::vector<const Assignment *> near;
  double band = result.budgetBits - double(result.totalWeights);
  for (const Assignment &point : result.frontier)
    if (point.bits <= result.budgetBits && point.bits >= band)
      near.push_back(&point);
  if (near.empty())
    for (const Assignment &point : result.frontier)
      if (point.bits <= result.budgetBits)
        near.assign(1, &point);
  size_t count = std::min(options.pointsNearBudget, near.size());
  for (size_t k = 0; k < count; ++k) {
    size_t at =
        near.size() - 1 - (count > 1 ? k * (near.size() - 1) / (count - 1) : 0);
    if (auto index = measure("frontier", *near[at]); !index)
      return index.takeError();
  }
  size_t points = result.frontier.size();
  for (size_t k = 0; k < options.pointsAcross && points > 1; ++k) {
    size_t at =
        k * (points - 1) / std::max<size_t>(1, options.pointsAcross - 1);
    if (auto index = measure("frontier", result.frontier[at]); !index)
      return index.takeError();
  }
  return bestMeasured(result);
}

/// ilp: GLPK's optimum under the size budget and, when given, the latency
/// budget (per-layer times from the uniform runs). When the measured
/// latency misses its budget, the program's latency budget shrinks by the
/// miss and it is solved again (three times at most).
llvm::Expected<std::optional<size_t>>
solveWithIntegerProgram(llvm::ArrayRef<LayerChoices> table,
                        MixedPrecisionResult &result, MeasureFn measure) {
  auto sizeOnly = solveIntegerProgram(table, result.budgetBits);
  if (!sizeOnly)
    return sizeOnly.takeError();
  if (*sizeOnly)
    result.ilpSizeOnlyPredicted = (*sizeOnly)->predicted;
  if (auto dp = bestWithinBudget(result.frontier, result.budgetBits))
    result.frontierPredicted = dp->predicted;
  std::vector<CostBudget> extra;
  if (result.latencyBudgetMs > 0) {
    CostBudget latency;
    for (const MixedLayer &layer : result.layers)
      latency.cost.push_back(layer.latencyMs);
    latency.budget = result.latencyBudgetMs - result.otherLatencyMs;
    extra.push_back(std::move(latency));
  }
  std::optional<Assignment> solved = *sizeOnly;
  for (int attempt = 0; attempt < 4; ++attempt) {
    if (!extra.empty()) {
      auto withLatency = solveIntegerProgram(table, result.budgetBits, extra);
      if (!withLatency)
        return withLatency.takeError();
      solved = *withLatency;
    }
    if (!solved)
      break;
    llvm::Expected<size_t> index = measure("ilp", *solved);
    if (!index)
      return index.takeError();
    const MeasuredAssignment &point = result.measured[*index];
    if (extra.empty() || point.withinBudget)
      break;
    // Sensitivities added up; times did not: ask for the miss again.
    extra[0].budget -= point.measuredLatencyMs - result.latencyBudgetMs +
                       0.01 * result.latencyBudgetMs;
  }
  return bestMeasured(result);
}

/// bisection: layers ordered by how much the fewest-bits candidate costs
/// over the most-bits one (float aside); the first k take the most bits.
/// The largest k within the budgets, or with maxDivergence the smallest k
/// whose measured divergence reaches it (bisection over k).
llvm::Expected<std::optional<size_t>>
solveByBisection(llvm::ArrayRef<LayerChoices> table,
                 MixedPrecisionResult &result,
                 const MixedPrecisionOptions &options, MeasureFn measure) {
  size_t high = 0, low = 0;
  const std::vector<std::string> &names = result.candidates;
  const LayerChoices &first = table.front();
  for (size_t c = 0; c < names.size(); ++c) {
    if (names[c] == "float")
      continue;
    if (names[high] == "float" || first.bits[c] > first.bits[high])
      high = c;
    if (names[low] == "float" || first.bits[c] < first.bits[low])
      low = c;
  }
  std::vector<size_t> order(table.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return table[a].sensitivity[low] - table[a].sensitivity[high] >
           table[b].sensitivity[low] - table[b].sensitivity[high];
  });
  for (size_t l : order)
    result.bisectionOrder.push_back(result.layers[l].name);
  auto prefix = [&](size_t k) {
    std::vector<int> choice(table.size(), int(low));
    for (size_t i = 0; i < k; ++i)
      choice[order[i]] = int(high);
    return evaluate(table, std::move(choice));
  };
  auto fits = [&](const Assignment &a) {
    return a.bits <= result.budgetBits &&
           (options.latencyBudgetMs <= 0 ||
            result.predictLatencyMs(a) <= options.latencyBudgetMs);
  };
  if (!fits(prefix(0)))
    return std::optional<size_t>();
  size_t most = 0;
  while (most < table.size() && fits(prefix(most + 1)))
    ++most;
  auto probe = [&](size_t k) -> llvm::Expected<size_t> {
    return measure("bisection k=" + std::to_string(k), prefix(k));
  };
  llvm::Expected<size_t> atMost = probe(most);
  if (!atMost)
    return atMost.takeError();
  result.bisectionCount = most;
  result.maxDivergence = options.maxDivergence;
  if (options.maxDivergence <= 0)
    return bestMeasured(result);
  if (result.measured[*atMost].measured > options.maxDivergence) {
    result.toleranceMet = false;
    return std::optional<size_t>(*atMost);
  }
  size_t lo = 0, hi = most, kept = *atMost; // hi meets the tolerance
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    llvm::Expected<size_t> index = probe(mid);
    if (!index)
      return index.takeError();
    if (result.measured[*index].measured <= options.maxDivergence) {
      hi = mid;
      kept = *index;
    } else {
      lo = mid + 1;
    }
  }
  result.bisectionCount = hi;
  return std::optional<size_t>(kept);
}
} // namespace

llvm::Expected<MixedPrecisionResult>
quantc::searchMixedPrecision(mlir::ModuleOp calibrated,
                             llvm::ArrayRef<std::string> files,
                             const MixedPrecisionOptions &options) {
  auto start = std::chrono::steady_clock::now();
  if (options.candidates.size() < 2)
    return error("mixed precision needs at least two candidates");
  if (!llvm::is_contained({"pareto", "ilp", "bisection"}, options.solver))
    return error("unknown solver '" + options.solver +
                 "'; expected pareto, ilp or bisection");
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
  // A budget below every assignment fails before anything runs.
  double leastBits = 0, weightCount = 0;
  for (const LayerWeights &layer : *weights) {
    double least = std::numeric_limits<double>::infinity();
    for (size_t c = 0; c < userChoices; ++c)
      least = std::min(least, layer.candidates[c].bits);
    leastBits += least;
    weightCount += double(layer.geometry.weights());
  }
  if (leastBits > options.weightBitsBudget * weightCount)
    return error(llvm::formatv(
        "--weight-bits-budget {0:f2}: the smallest assignment of these "
        "candidates takes {1:f2} bits per weight",
        options.weightBitsBudget, leastBits / weightCount));
  // Each layer's output energy per channel: the perturbation's size and
  // the Hessian proxy's denominator.
  std::vector<std::vector<double>> energies;
  for (const LayerWeights &layer : *weights)
    energies.push_back(outputChannelEnergy(layer));
  if (llvm::Error err = addPerturbationChoice(
          *switched, *weights, energies, floatChoice, options.perturbation))
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

  // Relevance flows through the float model on the ranking samples.
  bool lrpChosen = options.signal == SensitivitySignal::LRP ||
                   options.signal == SensitivitySignal::LRPHessian;
  std::optional<LayerRelevance> relevance;
  RelevanceOptions relevanceOptions;
  relevanceOptions.progress = options.progress;
  llvm::Expected<LayerRelevance> propagated = propagateRelevance(
      calibrated, llvm::ArrayRef(*inputs).take_front(result.sensitivitySamples),
      relevanceOptions);
  if (propagated)
    relevance = std::move(*propagated);
  else if (lrpChosen)
    return propagated.takeError();
  else
    result.lrpUnavailable = llvm::toString(propagated.takeError());

  llvm::Expected<std::unique_ptr<SwitchedModel>> compiled =
      SwitchedModel::compile(switched.release(), std::move(*inputs));
  if (!compiled)
    return compiled.takeError();
  Measurer measurer(**compiled, measures, floatChoice);
  if (llvm::Error err = measurer.computeReference())
    return std::move(err);

  // 1. Signals per layer and candidate.
  ProgressCounter progress(options.progress, "mixed precision: sensitivity",
                           layerCount * userChoices);
  std::vector<size_t> ranking(result.sensitivitySamples);
  std::iota(ranking.begin(), ranking.end(), 0);
  std::vector<size_t> all((*compiled)->samples());
  std::iota(all.begin(), all.end(), 0);
  // The one-layer measurements start from the base: every other layer
  // float, or at the candidate with the most bits below float.
  size_t baseChoice = floatChoice;
  if (options.quantizedBase) {
    double most = -1;
    for (size_t c = 0; c < userChoices; ++c)
      if (c != floatChoice && (*weights)[0].candidates[c].bits > most) {
        most = (*weights)[0].candidates[c].bits;
        baseChoice = c;
      }
  }
  result.base = choices[baseChoice];
  std::vector<int64_t> configuration(layerCount, baseChoice);
  // Per layer trained ternary: its ternary candidate, which keeps the
  // weights exactly in the fewest bits (-1 for other layers).
  std::vector<int> freeChoice(layerCount, -1);
  double baseDivergence = 0;
  if (baseChoice != floatChoice) {
    llvm::Expected<double> measured =
        measurer.divergence(configuration, ranking);
    if (!measured)
      return measured.takeError();
    baseDivergence = *measured;
  }
  double injected = options.perturbation * options.perturbation;
  for (auto [l, layer] : llvm::enumerate(*weights)) {
    MixedLayer entry;
    entry.name = layer.name;
    entry.weights = layer.geometry.weights();
    entry.usedSecondMoment = !layer.inputSecondMoment.empty();
    entry.latencyMs.assign(userChoices, 0); // measured in step 3
    // The gain is measured around float, where the perturbation is known.
    std::vector<int64_t> perturbation(layerCount, floatChoice);
    perturbation[l] = perturbChoice;
    llvm::Expected<double> perturbed =
        measurer.divergence(perturbation, ranking);
    if (!perturbed)
      return perturbed.takeError();
    entry.gain = *perturbed / injected;
    std::vector<double> omegas = relativeHessianErrors(
        layer, std::accumulate(energies[l].begin(), energies[l].end(), 0.0));
    std::vector<double> weightErrors = relativeWeightErrors(layer);
    if (relevance)
      entry.relevance = relevance->mass.lookup(layer.name);
    for (size_t c = 0; c < userChoices; ++c) {
      const CandidateWeights &candidate = layer.candidates[c];
      entry.bits.push_back(candidate.bits);
      double kl = 0;
      if (c != baseChoice) {
        configuration[l] = c;
        llvm::Expected<double> measured =
            measurer.divergence(configuration, ranking);
        if (!measured)
          return measured.takeError();
        // Above the base's own divergence (a better-than-base choice,
        // float over int8, costs nothing).
        kl = std::max(0.0, *measured - baseDivergence);
      }
      double omega = omegas[c];
      entry.kl.push_back(kl);
      entry.hessian.push_back(omega);
      entry.augmented.push_back(entry.gain * omega);
      if (relevance) {
        entry.lrp.push_back(entry.relevance * weightErrors[c]);
        entry.lrpHessian.push_back(entry.relevance * omega);
      }
      progress.step();
    }
    configuration[l] = baseChoice;
    // A layer trained ternary loses nothing at a ternary candidate (nor at
    // any other that holds its weights exactly): what kl measured there is
    // run-to-run noise of the rest of the quantized path, and must not
    // make the search pay for bits that buy nothing.
    for (size_t c = 0; c < userChoices && freeChoice[l] < 0; ++c)
      if (c != floatChoice &&
          llvm::StringRef(layer.candidates[c].precision)
              .starts_with("ternary") &&
          weightErrors[c] == 0)
        freeChoice[l] = int(c);
    entry.alreadyTernary = freeChoice[l] >= 0;
    if (entry.alreadyTernary)
      for (size_t c = 0; c < userChoices; ++c)
        if (weightErrors[c] == 0)
          for (std::vector<double> *signal :
               {&entry.kl, &entry.hessian, &entry.augmented, &entry.lrp,
                &entry.lrpHessian})
            if (c < signal->size())
              (*signal)[c] = 0;
    result.layers.push_back(std::move(entry));
    result.totalWeights += layer.geometry.weights();
  }
  std::vector<double> kl, hessian, augmented, lrp, lrpHessian;
  for (const MixedLayer &layer : result.layers)
    for (size_t c = 0; c < userChoices; ++c)
      if (c != floatChoice) {
        kl.push_back(layer.kl[c]);
        hessian.push_back(layer.hessian[c]);
        augmented.push_back(layer.augmented[c]);
        if (relevance) {
          lrp.push_back(layer.lrp[c]);
          lrpHessian.push_back(layer.lrpHessian[c]);
        }
      }
  result.spearmanHessian = spearman(hessian, kl);
  result.spearmanAugmented = spearman(augmented, kl);
  if (relevance) {
    result.spearmanLRP = spearman(lrp, kl);
    result.spearmanLRPHessian = spearman(lrpHessian, kl);
  }

  // 2. The chosen signal's table, the frontier, and the budgets.
  std::vector<LayerChoices> table;
  for (const MixedLayer &layer : result.layers) {
    const std::vector<double> &signal =
        options.signal == SensitivitySignal::KL           ? layer.kl
        : options.signal == SensitivitySignal::Hessian    ? layer.hessian
        : options.signal == SensitivitySignal::LRP        ? layer.lrp
        : options.signal == SensitivitySignal::LRPHessian ? layer.lrpHessian
                                                          : layer.augmented;
    table.push_back({layer.bits, signal});
  }
  result.frontier = paretoFrontier(table);
  result.budgetBits = options.weightBitsBudget * double(result.totalWeights);
  result.latencyBudgetMs = options.latencyBudgetMs;
  result.solver = options.solver;

  // At most this many measured points (the solvers stop earlier).
  ProgressCounter measuring(
      options.progress, "mixed precision: measuring",
      userChoices +
          std::max<size_t>(options.pointsNearBudget + options.pointsAcross,
                           2 * size_t(std::log2(layerCount + 1)) + 4));

  // 3. Measure each point end to end: its divergence on every search
  // sample and its latency (per sample); the uniform assignments first,
  // whose per-layer times give the latency model.
  double samplesRun = double(all.size());
  auto withinBudgets = [&](const MeasuredAssignment &m) {
    return m.assignment.bits <= result.budgetBits * (1 + 1e-12) &&
           (options.latencyBudgetMs <= 0 ||
            m.measuredLatencyMs <= options.latencyBudgetMs);
  };
  // The latency model: each layer's time per candidate and the time
  // outside the layers, running means over every measured run (a layer's
  // time depends on its neighbours' precisions: caches, layouts), with how
  // many runs each has seen.
  std::vector<std::vector<double>> latencyObservations(
      layerCount, std::vector<double>(userChoices, 0));
  double otherObservations = 0;
  auto measure = [&](const std::string &label,
                     const Assignment &proposed) -> llvm::Expected<size_t> {
    // Another candidate on a trained ternary layer computes the same
    // function in more bits: every point takes the ternary one there.
    std::vector<int> choice = proposed.choice;
    for (size_t l = 0; l < layerCount; ++l)
      if (freeChoice[l] >= 0)
        choice[l] = freeChoice[l];
    Assignment a = evaluate(table, std::move(choice));
    for (auto [index, seen] : llvm::enumerate(result.measured))
      if (seen.assignment.choice == a.choice)
        return index;
    llvm::Expected<double> value = measurer.divergence(
        std::vector<int64_t>(a.choice.begin(), a.choice.end()), all);
    if (!value)
      return value.takeError();
    MeasuredAssignment m{label, a, *value};
    m.measuredLatencyMs = 1000 * (*compiled)->runSeconds() / samplesRun;
    m.predictedLatencyMs = result.predictLatencyMs(a);
    m.withinBudget = withinBudgets(m);
    double layersMs = 0;
    for (auto [l, layer] : llvm::enumerate(result.layers)) {
      size_t c = a.choice[l];
      double seen = 1000 * (*compiled)->layerSeconds()[l] / samplesRun;
      double &count = latencyObservations[l][c];
      layer.latencyMs[c] = (layer.latencyMs[c] * count + seen) / (count + 1);
      count += 1;
      layersMs += seen;
    }
    otherObservations += 1;
    result.otherLatencyMs +=
        (m.measuredLatencyMs - layersMs - result.otherLatencyMs) /
        otherObservations;
    result.measured.push_back(std::move(m));
    measuring.step();
    return result.measured.size() - 1;
  };
  for (size_t c = 0; c < userChoices; ++c)
    if (auto uniform =
            measure("uniform " + options.candidates[c],
                    evaluate(table, std::vector<int>(layerCount, int(c))));
        !uniform)
      return uniform.takeError();
  // The uniform runs were measured while the model was filling; predict
  // them with the whole model, as every later point is.
  for (MeasuredAssignment &m : result.measured)
    m.predictedLatencyMs = result.predictLatencyMs(m.assignment);

  llvm::Expected<std::optional<size_t>> kept =
      options.solver == "ilp" ? solveWithIntegerProgram(table, result, measure)
      : options.solver == "bisection"
          ? solveByBisection(table, result, options, measure)
          : solveOnFrontier(result, options, measure);
  if (!kept)
    return kept.takeError();
  measuring.finish();
  std::optional<size_t> best = *kept;
  if (!best) {
    double least = result.frontier.empty() ? 0 : result.frontier.front().bits;
    std::string latency =
        options.latencyBudgetMs > 0
            ? llvm::formatv(" and --latency-budget-ms {0:f2} (the fastest "
                            "measured assignment took {1:f2} ms)",
                            options.latencyBudgetMs,
                            llvm::min_element(result.measured,
                                              [](const auto &a, const auto &b) {
                                                return a.measuredLatencyMs <
                                                       b.measuredLatencyMs;
                                              })
                                ->measuredLatencyMs)
                  .str()
            : std::string();
    return error(llvm::formatv(
        "no measured assignment meets --weight-bits-budget {0:f2}{1}: the "
        "smallest of these candidates takes {2:f2} bits per weight",
        options.weightBitsBudget, latency,
        least / double(result.totalWeights)));
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
    if (!layer.lrp.empty()) {
      sensitivity["lrp"] = array(layer.lrp);
      sensitivity["lrp-hessian"] = array(layer.lrpHessian);
    }
    layerList.push_back(llvm::json::Object{
        {"name", layer.name},
        {"weights", layer.weights},
        {"candidates", llvm::json::Array(candidates)},
        {"bits", array(layer.bits)},
        {"sensitivity", std::move(sensitivity)},
        {"gain", layer.gain},
        {"relevance", layer.relevance},
        {"latency_ms", array(layer.latencyMs)},
        {"hessian_uses_second_moment", layer.usedSecondMoment},
        {"already_ternary", layer.alreadyTernary},
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
    // The candidate index per layer, so any measured point replays.
    entry["choices"] = llvm::json::Array(m.assignment.choice);
    entry["predicted_latency_ms"] = m.predictedLatencyMs;
    entry["measured_latency_ms"] = m.measuredLatencyMs;
    measuredList.push_back(std::move(entry));
  }
  const Assignment &keptAssignment = kept().assignment;
  llvm::json::Object solverFacts;
  if (ilpSizeOnlyPredicted)
    solverFacts["ilp_size_only_predicted"] = *ilpSizeOnlyPredicted;
  if (frontierPredicted)
    solverFacts["frontier_predicted"] = *frontierPredicted;
  if (solver == "bisection") {
    solverFacts["order"] = llvm::json::Array(bisectionOrder);
    solverFacts["high_precision_layers"] = int64_t(bisectionCount);
    if (maxDivergence > 0) {
      solverFacts["max_output_divergence"] = maxDivergence;
      solverFacts["met"] = toleranceMet;
    }
  }
  llvm::json::Object spearmanList{{"hessian", spearmanHessian},
                                  {"augmented-hessian", spearmanAugmented}};
  if (spearmanLRP) {
    spearmanList["lrp"] = *spearmanLRP;
    spearmanList["lrp-hessian"] = *spearmanLRPHessian;
  }
  llvm::json::Object top{
      {"solver_details", std::move(solverFacts)},
      {"latency_budget_ms", latencyBudgetMs},
      {"predicted_latency_ms", kept().predictedLatencyMs},
      {"measured_latency_ms", kept().measuredLatencyMs},
      {"other_latency_ms", otherLatencyMs},
      {"sensitivity", sensitivitySignalName(signal)},
      {"kl_base", base},
      {"solver", solver},
      {"output_divergence", llvm::json::Array(outputMeasures)},
      {"weight_bits_budget", totalWeights ? budgetBits / totalWeights : 0},
      {"average_weight_bits", averageBits(keptAssignment)},
      {"weight_bytes", int64_t(std::ceil(keptAssignment.bits / 8))},
      {"weights", totalWeights},
      {"predicted", keptAssignment.predicted},
      {"measured", kept().measured},
      {"kept", kept().label},
      {"spearman_vs_kl", std::move(spearmanList)},
      {"samples", int64_t(samples)},
      {"sensitivity_samples", int64_t(sensitivitySamples)},
      {"runs", int64_t(runs)},
      {"seconds", seconds},
      {"layers", std::move(layerList)},
      {"frontier", std::move(frontierList)},
      {"measured_points", std::move(measuredList)}};
  if (!lrpUnavailable.empty())
    top["lrp_unavailable"] = lrpUnavailable;
  return top;
}
