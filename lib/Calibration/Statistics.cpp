//===- Statistics.cpp - streaming activation statistics -------------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Calibration/Statistics.h"

#include <algorithm>
#include <cmath>

using namespace quantc;

void TensorStatistics::growRange() {
  for (int i = 0; i < kBins / 2; ++i)
    bins[i] = bins[2 * i] + bins[2 * i + 1];
  std::fill(bins.begin() + kBins / 2, bins.end(), 0);
  range *= 2;
}

void TensorStatistics::update(llvm::ArrayRef<float> values) {
  if (values.empty())
    return;
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  double batchMin = *lo, batchMax = *hi;
  double absMax = std::max(std::fabs(batchMin), std::fabs(batchMax));
  if (numBatches == 0) {
    minimum = movingMinimum = batchMin;
    maximum = movingMaximum = batchMax;
    bins.assign(kBins, 0);
    // A power of two strictly above |x|: bin edges of later, doubled
    // ranges fall on old edges, so merging stays exact.
    range = absMax > 0 ? std::exp2(std::floor(std::log2(absMax)) + 1) : 1.0;
    while (range <= absMax)
      range *= 2;
  } else {
    minimum = std::min(minimum, batchMin);
    maximum = std::max(maximum, batchMax);
    movingMinimum += kMomentum * (batchMin - movingMinimum);
    movingMaximum += kMomentum * (batchMax - movingMaximum);
    // Growing by powers of two keeps old bin edges on new ones.
    while (absMax >= range)
      growRange();
  }
  double scale = kBins / range;
  for (float value : values)
    ++bins[static_cast<int>(std::fabs(value) * scale)];
  elements += values.size();
  ++numBatches;
}

llvm::json::Object TensorStatistics::toJSON() const {
  llvm::json::Array histogramBins;
  for (uint64_t bin : bins)
    histogramBins.push_back(static_cast<int64_t>(bin));
  return llvm::json::Object{
      {"min", minimum},
      {"max", maximum},
      {"moving_min", movingMinimum},
      {"moving_max", movingMaximum},
      {"count", static_cast<int64_t>(elements)},
      {"batches", static_cast<int64_t>(numBatches)},
      {"abs_histogram",
       llvm::json::Object{{"range", range}, {"bins", std::move(histogramBins)}}},
  };
}
