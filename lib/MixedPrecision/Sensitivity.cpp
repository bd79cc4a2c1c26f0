//===- Sensitivity.cpp - how much a layer's precision costs the model ----===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/MixedPrecision/Sensitivity.h"

#include "quantc/Dialect/QC/IR/QCOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace quantc;

std::optional<SensitivitySignal>
quantc::parseSensitivitySignal(llvm::StringRef text) {
  return llvm::StringSwitch<std::optional<SensitivitySignal>>(text)
      .Case("kl", SensitivitySignal::KL)
      .Case("hessian", SensitivitySignal::Hessian)
      .Case("augmented-hessian", SensitivitySignal::AugmentedHessian)
      .Case("lrp", SensitivitySignal::LRP)
      .Case("lrp-hessian", SensitivitySignal::LRPHessian)
      .Default(std::nullopt);
}

llvm::StringRef quantc::sensitivitySignalName(SensitivitySignal signal) {
  switch (signal) {
  case SensitivitySignal::KL:
    return "kl";
  case SensitivitySignal::Hessian:
    return "hessian";
  case SensitivitySignal::AugmentedHessian:
    return "augmented-hessian";
  case SensitivitySignal::LRP:
    return "lrp";
  case SensitivitySignal::LRPHessian:
    return "lrp-hessian";
  }
  return "";
}

/// sum over (o, window position) of d_{o,:,p}^T H_g d_{o,:,p}, split per
/// output channel into `perOutput` when given.
static double blockQuadratic(const LayerWeights &layer, llvm::ArrayRef<float> d,
                             std::vector<double> *perOutput) {
  const LayerGeometry &g = layer.geometry;
  int64_t cpg = g.channelsPerGroup, window = g.window;
  int64_t channels = cpg * g.groups;
  bool identity = layer.inputSecondMoment.empty();
  llvm::ArrayRef<double> h = layer.inputSecondMoment;
  double total = 0;
  std::vector<double> column(cpg);
  for (int64_t o = 0; o < g.outputs; ++o) {
    int64_t base = (o / g.outputsPerGroup()) * cpg;
    double sum = 0;
    for (int64_t p = 0; p < window; ++p) {
      for (int64_t c = 0; c < cpg; ++c)
        column[c] = d[o * g.inner() + c * window + p];
      if (identity) {
        for (double v : column)
          sum += v * v;
        continue;
      }
      for (int64_t a = 0; a < cpg; ++a) {
        if (column[a] == 0)
          continue;
        const double *row = &h[(base + a) * channels + base];
        double dot = 0;
        for (int64_t b = 0; b < cpg; ++b)
          dot += row[b] * column[b];
        sum += column[a] * dot;
      }
    }
    if (perOutput)
      perOutput->push_back(sum);
    total += sum;
  }
  return total;
}

double quantc::quadraticForm(const LayerWeights &layer,
                             llvm::ArrayRef<float> d) {
  return blockQuadratic(layer, d, nullptr);
}

std::vector<double> quantc::outputChannelEnergy(const LayerWeights &layer) {
  std::vector<double> energy;
  blockQuadratic(layer, layer.values, &energy);
  return energy;
}

std::vector<double> quantc::relativeHessianErrors(const LayerWeights &layer,
                                                  double signal) {
  std::vector<double> errors;
  std::vector<float> delta(layer.values.size());
  for (const CandidateWeights &candidate : layer.candidates) {
    if (!candidate.quantized || signal <= 0) {
      errors.push_back(0);
      continue;
    }
    for (size_t i = 0; i < delta.size(); ++i)
      delta[i] = candidate.values[i] - layer.values[i];
    errors.push_back(quadraticForm(layer, delta) / signal);
  }
  return errors;
}

std::vector<double> quantc::relativeWeightErrors(const LayerWeights &layer) {
  double energy = 0;
  for (float w : layer.values)
    energy += double(w) * w;
  std::vector<double> errors;
  for (const CandidateWeights &candidate : layer.candidates) {
    double error = 0;
    if (candidate.quantized && energy > 0)
      for (size_t i = 0; i < layer.values.size(); ++i) {
        double d = double(candidate.values[i]) - layer.values[i];
        error += d * d;
      }
    errors.push_back(energy > 0 ? error / energy : 0);
  }
  return errors;
}

std::string OutputMeasure::describe() const {
  if (kl)
    return "KL divergence along axis " + std::to_string(axis);
  return "relative squared error";
}

std::vector<OutputMeasure> quantc::outputMeasures(mlir::ModuleOp module) {
  std::vector<OutputMeasure> measures;
  auto main = module.lookupSymbol<mlir::func::FuncOp>("main");
  if (!main || main.getBody().empty())
    return measures;
  mlir::Operation *ret = main.getBody().front().getTerminator();
  for (mlir::Value result : ret->getOperands()) {
    OutputMeasure measure;
    if (auto softmax = result.getDefiningOp<qc::SoftmaxOp>()) {
      int64_t rank = softmax.getType().getRank();
      measure.kl = true;
      measure.axis = (softmax.getAxis() + rank) % rank;
    }
    measures.push_back(measure);
  }
  return measures;
}

/// Mean over rows of KL(p || q) along `axis`.
static double klDivergence(const HostArray &p, const HostArray &q,
                           int64_t axis) {
  int64_t extent = p.shape[axis], inner = 1;
  for (size_t d = axis + 1; d < p.shape.size(); ++d)
    inner *= p.shape[d];
  int64_t outer = p.size() / (extent * inner);
  constexpr double kFloor = 1e-12;
  double total = 0;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      double kl = 0;
      for (int64_t e = 0; e < extent; ++e) {
        size_t at = (o * extent + e) * inner + i;
        double a = std::max<double>(p.data[at], kFloor);
        double b = std::max<double>(q.data[at], kFloor);
        kl += a * std::log(a / b);
      }
      total += kl;
    }
  return total / double(outer * inner);
}

double quantc::outputDivergence(llvm::ArrayRef<HostArray> reference,
                                llvm::ArrayRef<HostArray> candidate,
                                llvm::ArrayRef<OutputMeasure> measures) {
  double total = 0;
  for (auto [index, pair] :
       llvm::enumerate(llvm::zip_equal(reference, candidate))) {
    const auto &[a, b] = pair;
    OutputMeasure measure =
        index < measures.size() ? measures[index] : OutputMeasure();
    if (measure.kl) {
      total += klDivergence(a, b, measure.axis);
      continue;
    }
    double error = 0, signal = 0;
    for (auto [x, y] : llvm::zip_equal(a.data, b.data)) {
      error += (double(x) - y) * (double(x) - y);
      signal += double(x) * x;
    }
    total += signal > 0 ? error / signal : error;
  }
  // NaN (an overflowing layer) is the worst divergence.
  return std::isnan(total) ? std::numeric_limits<double>::infinity() : total;
}

/// Ranks (1-based, ties averaged).
static std::vector<double> ranks(llvm::ArrayRef<double> values) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return values[a] < values[b]; });
  std::vector<double> rank(values.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]])
      ++j;
    for (size_t k = i; k <= j; ++k)
      rank[order[k]] = (i + j) / 2.0 + 1;
    i = j + 1;
  }
  return rank;
}

double quantc::spearman(llvm::ArrayRef<double> a, llvm::ArrayRef<double> b) {
  if (a.size() != b.size() || a.size() < 2)
    return 0;
  std::vector<double> ra = ranks(a), rb = ranks(b);
  double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / ra.size();
  double mb = std::accumulate(rb.begin(), rb.end(), 0.0) / rb.size();
  double cov = 0, va = 0, vb = 0;
  for (size_t i = 0; i < ra.size(); ++i) {
    cov += (ra[i] - ma) * (rb[i] - mb);
    va += (ra[i] - ma) * (ra[i] - ma);
    vb += (rb[i] - mb) * (rb[i] - mb);
  }
  return va > 0 && vb > 0 ? cov / std::sqrt(va * vb) : 0;
}
