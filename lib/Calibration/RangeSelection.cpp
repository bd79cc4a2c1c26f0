//===- RangeSelection.cpp - clipping ranges and quantization params -------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Calibration/RangeSelection.h"

#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

using namespace quantc;

std::optional<RangeMethod> quantc::parseRangeMethod(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<RangeMethod>>(name)
      .Case("minmax", RangeMethod::MinMax)
      .Case("percentile", RangeMethod::Percentile)
      .Case("entropy", RangeMethod::Entropy)
      .Case("mse", RangeMethod::MSE)
      .Default(std::nullopt);
}

llvm::StringRef quantc::rangeMethodName(RangeMethod method) {
  switch (method) {
  case RangeMethod::MinMax:
    return "minmax";
  case RangeMethod::Percentile:
    return "percentile";
  case RangeMethod::Entropy:
    return "entropy";
  case RangeMethod::MSE:
    return "mse";
  }
  llvm_unreachable("unknown range method");
}

/// Width of one histogram bin.
static double binWidth(const TensorStatistics &stats) {
  return stats.histogramRange() / TensorStatistics::kBins;
}

/// Index one past the last non-empty bin.
static int usedBins(const TensorStatistics &stats) {
  auto bins = stats.histogram();
  int last = static_cast<int>(bins.size());
  while (last > 0 && bins[last - 1] == 0)
    --last;
  return last;
}

static double percentileThreshold(const TensorStatistics &stats,
                                  double percentile) {
  auto bins = stats.histogram();
  uint64_t total = std::accumulate(bins.begin(), bins.end(), uint64_t(0));
  double target = percentile * total;
  uint64_t seen = 0;
  for (size_t i = 0; i < bins.size(); ++i) {
    seen += bins[i];
    if (seen >= target)
      return (i + 1) * binWidth(stats);
  }
  return stats.histogramRange();
}

/// The KL-optimal threshold (TensorRT's entropy calibration) on the |x|
/// histogram with every `merge` bins summed into one, for a grid whose
/// larger side has `levels` levels.
static double klThreshold(const TensorStatistics &stats, int levels,
                          int merge) {
  auto fine = stats.histogram();
  int fineUsed = usedBins(stats);
  int used = (fineUsed + merge - 1) / merge;
  double width = binWidth(stats) * merge;
  if (used <= levels)
    return used * width;
  std::vector<double> bins(used, 0.0);
  for (int i = 0; i < fineUsed; ++i)
    bins[i / merge] += fine[i];
  // As TensorRT and pytorch-quantization do, the spike of exact zeros
  // (ReLU, padding) is flattened to its neighbour's height: left as it is,
  // it dominates both distributions and drives the threshold far too low.
  bins[0] = bins[1];
  double bestKL = std::numeric_limits<double>::infinity();
  int bestEnd = used;
  std::vector<double> p, q;
  for (int end = levels; end <= used; ++end) {
    // P: the first `end` bins, everything beyond folded into the last.
    p.assign(bins.begin(), bins.begin() + end);
    for (int i = end; i < used; ++i)
      p[end - 1] += bins[i];
    // Q: `levels` merged bins spread back over their non-empty members.
    q.assign(end, 0.0);
    for (int level = 0; level < levels; ++level) {
      int begin = static_cast<int>(int64_t(level) * end / levels);
      int stop = static_cast<int>(int64_t(level + 1) * end / levels);
      double mass = 0;
      int nonEmpty = 0;
      for (int i = begin; i < stop; ++i) {
        mass += bins[i];
        nonEmpty += bins[i] != 0;
      }
      for (int i = begin; i < stop; ++i)
        if (bins[i] != 0)
          q[i] = mass / nonEmpty;
    }
    double pSum = std::accumulate(p.begin(), p.end(), 0.0);
    double qSum = std::accumulate(q.begin(), q.end(), 0.0);
    double kl = 0;
    for (int i = 0; i < end; ++i) {
      if (p[i] == 0)
        continue;
      double pi = p[i] / pSum;
      // Q has no mass where P does (only the folded outliers): heavy cost.
      double qi = q[i] > 0 ? q[i] / qSum : 1e-12;
      kl += pi * std::log(pi / qi);
    }
    if (kl < bestKL) {
      bestKL = kl;
      bestEnd = end;
    }
  }
  return (bestEnd + 0.5) * width;
}

double quantc::entropyThreshold(const TensorStatistics &stats, unsigned bits) {
  // The levels the larger side of the asymmetric grid gets: 2^(bits-1)
  // for a tensor symmetric about zero, all 2^bits for a never-negative one
  // (ReLU), nearly all for one with a small negative tail (hardswish).
  double span = stats.max() - stats.min();
  double share = span > 0 ? std::max(stats.max(), -stats.min()) / span : 1.0;
  int levels = std::clamp(static_cast<int>(std::lround(share * (1 << bits))),
                          1 << (bits - 1), 1 << bits);
  // A histogram with few values per bin (a small tensor, few calibration
  // samples) is mostly sampling noise, and KL divergence then prefers
  // thresholds that cut off rare large values: on the PP-OCRv4 recognizer
  // calibrated with ten lines it clipped a layer whose one peak per image
  // (1200 values, ten of them at 19, the rest below 3.5) carries the
  // answer. Such histograms are coarsened, by powers of two, until the
  // used bins average kMinValuesPerBin values each.
  constexpr double kMinValuesPerBin = 16;
  auto fine = stats.histogram();
  int fineUsed = usedBins(stats);
  double total = std::accumulate(fine.begin(), fine.begin() + fineUsed, 0.0);
  int merge = 1;
  while (merge < fineUsed &&
         total / ((fineUsed + merge - 1) / merge) < kMinValuesPerBin)
    merge *= 2;
  // The KL optimum also moves with the histogram's resolution, which the
  // power-of-two histogram range sets by chance: on the same recognizer a
  // layer with a small mode at 2.55 (0.25% of its values) was kept at
  // resolution r (32 lines, max 4.2) and clipped at 1.27 at 2r (10 lines,
  // max 3.8). The larger of the thresholds at this resolution and at half
  // of it is taken: clipping that depends on the bin size is not trusted.
  // Only where the half resolution can express the threshold at all (it
  // spans 2 * levels bins or more); a narrow bulk under far outliers keeps
  // the fine resolution's answer.
  double threshold = klThreshold(stats, levels, merge);
  if (threshold >= 2 * levels * binWidth(stats) * merge)
    threshold = std::max(threshold, klThreshold(stats, levels, 2 * merge));
  // Fewer than kFewSamples calibration samples cannot tell a small far
  // mode (one value per image or per attention row, which a layer
  // carries) from noise: then at most a 1e-4 fraction of the values is
  // cut. (Applied always, this cost 1.3 points on the recognizer with 32
  // lines; with 4 lines it lifted entropy from 70% to 97%.)
  constexpr uint64_t kFewSamples = 8;
  if (stats.batches() < kFewSamples)
    threshold = std::max(threshold, percentileThreshold(stats, 1 - 1e-4));
  return threshold;
}

/// Squared error, summed over the histogram, of clipping |x| at `t` and
/// rounding to a grid of `step`.
static double histogramError(const TensorStatistics &stats, double t,
                             double step) {
  auto bins = stats.histogram();
  double width = binWidth(stats), error = 0;
  for (int i = 0, used = usedBins(stats); i < used; ++i) {
    if (bins[i] == 0)
      continue;
    double center = (i + 0.5) * width;
    error +=
        bins[i] * (center > t ? (center - t) * (center - t) : step * step / 12);
  }
  return error;
}

/// The asymmetric grid's step when the range is [max(min, -t), min(max, t)]
/// (never negative tensors spend every level on [0, t]).
static double gridStep(const TensorStatistics &stats, double t, unsigned bits) {
  double span = std::min(t, std::max(0.0, -stats.min())) +
                std::min(t, std::max(0.0, stats.max()));
  return span / ((1 << bits) - 1);
}

double quantc::mseThreshold(const TensorStatistics &stats, unsigned bits) {
  int used = usedBins(stats);
  double width = binWidth(stats);
  double bestError = std::numeric_limits<double>::infinity();
  double best = used * width;
  // Candidate thresholds: every bin edge from the top down to 1/32 of it.
  for (int end = used; end >= std::max(1, used / 32); --end) {
    double t = end * width;
    double error = histogramError(stats, t, gridStep(stats, t, bits));
    if (error < bestError) {
      bestError = error;
      best = t;
    }
  }
  return best;
}

double quantc::estimateSQNR(const TensorStatistics &stats, Range range,
                            unsigned bits) {
  auto bins = stats.histogram();
  double width = binWidth(stats), signal = 0;
  for (int i = 0, used = usedBins(stats); i < used; ++i)
    signal += bins[i] * ((i + 0.5) * width) * ((i + 0.5) * width);
  double t = std::max(-range.lo, range.hi);
  double noise =
      histogramError(stats, t, (range.hi - range.lo) / ((1 << bits) - 1));
  if (signal <= 0)
    return 0;
  return noise > 0 ? 10 * std::log10(signal / noise) : 300.0;
}

Range quantc::selectRange(const TensorStatistics &stats, RangeMethod method,
                          unsigned bits, double percentile) {
  double lo = std::min(stats.min(), 0.0), hi = std::max(stats.max(), 0.0);
  if (method == RangeMethod::MinMax || stats.count() == 0)
    return {lo, hi};
  double t = method == RangeMethod::Percentile
                 ? percentileThreshold(stats, percentile)
             : method == RangeMethod::Entropy ? entropyThreshold(stats, bits)
                                              : mseThreshold(stats, bits);
  // Never widen past what was observed.
  return {std::max(lo, -t), std::min(hi, t)};
}

QuantParams quantc::computeQuantParams(Range range, unsigned bits,
                                       bool symmetric) {
  QuantParams params;
  double lo = std::min(range.lo, 0.0), hi = std::max(range.hi, 0.0);
  if (symmetric) {
    params.qmax = (int64_t(1) << (bits - 1)) - 1;
    params.qmin = -params.qmax;
    double amax = std::max(-lo, hi);
    params.scale = amax > 0 ? amax / params.qmax : 1.0;
    params.zeroPoint = 0;
    return params;
  }
  params.qmin = 0;
  params.qmax = (int64_t(1) << bits) - 1;
  double span = hi - lo;
  params.scale = span > 0 ? span / (params.qmax - params.qmin) : 1.0;
  double zero = params.qmin - lo / params.scale;
  params.zeroPoint = std::clamp<int64_t>(
      static_cast<int64_t>(std::nearbyint(zero)), params.qmin, params.qmax);
  return params;
}
