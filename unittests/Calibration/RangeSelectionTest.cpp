//===- RangeSelectionTest.cpp - clipping ranges and quant params ----------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Calibration/RangeSelection.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace quantc;

namespace {
/// 200k standard normal values and ten outliers at +50.
std::vector<float> gaussianWithOutliers() {
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> values(200000);
  for (float &v : values)
    v = normal(rng);
  for (int i = 0; i < 10; ++i)
    values.push_back(50.0f);
  return values;
}

/// Mean squared error of quantizing `values` symmetrically to 8 bits with
/// threshold `t` (round to nearest, clip).
double quantizationError(const std::vector<float> &values, double t) {
  double scale = t / 127, error = 0;
  for (float v : values) {
    double q = std::clamp(std::nearbyint(v / scale), -127.0, 127.0);
    error += (q * scale - v) * (q * scale - v);
  }
  return error / values.size();
}
} // namespace

TEST(RangeSelection, ParsesMethods) {
  EXPECT_EQ(parseRangeMethod("entropy"), RangeMethod::Entropy);
  EXPECT_EQ(parseRangeMethod("mse"), RangeMethod::MSE);
  EXPECT_FALSE(parseRangeMethod("kl").has_value());
}

TEST(RangeSelection, MinMaxKeepsExtremesAndZero) {
  TensorStatistics stats;
  stats.update({0.5f, 2.0f, 3.0f});
  Range r = selectRange(stats, RangeMethod::MinMax, 8);
  EXPECT_EQ(r.lo, 0.0); // zero is always representable
  EXPECT_EQ(r.hi, 3.0);
}

TEST(RangeSelection, ClippingMethodsIgnoreOutliers) {
  std::vector<float> values = gaussianWithOutliers();
  TensorStatistics stats;
  stats.update(values);
  Range minmax = selectRange(stats, RangeMethod::MinMax, 8);
  EXPECT_EQ(minmax.hi, 50.0);
  Range percentile = selectRange(stats, RangeMethod::Percentile, 8, 0.999);
  // The 99.9th percentile of |N(0,1)| is 3.29.
  EXPECT_NEAR(percentile.hi, 3.29, 0.1);
  EXPECT_NEAR(percentile.lo, -3.29, 0.1);
  double entropy = entropyThreshold(stats, 8);
  EXPECT_GT(entropy, 2.0);
  EXPECT_LT(entropy, 10.0);
  // Squared error weighs the ten outliers heavily, so the MSE threshold
  // may stay high; it must still quantize these values better than the
  // alternatives do (the histogram estimate tracks the real error).
  double mse = mseThreshold(stats, 8);
  EXPECT_LE(mse, 50.0);
  double mseError = quantizationError(values, mse);
  EXPECT_LE(mseError, quantizationError(values, 50.0));
  EXPECT_LE(mseError, quantizationError(values, entropy));
  EXPECT_LE(mseError, quantizationError(values, percentile.hi));
}

TEST(RangeSelection, MSEClipsGaussianTails) {
  std::mt19937 rng(11);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> values(200000);
  for (float &v : values)
    v = normal(rng);
  TensorStatistics stats;
  stats.update(values);
  double mse = mseThreshold(stats, 4);
  // With 4 bits, clipping the tails of N(0,1) pays: well below max |x|.
  EXPECT_LT(mse, 0.8 * stats.max());
  double scale = mse / 7, clipped = 0, full = 0, fullScale = stats.max() / 7;
  for (float v : values) {
    double q = std::clamp(std::nearbyint(v / scale), -7.0, 7.0) * scale;
    double f = std::clamp(std::nearbyint(v / fullScale), -7.0, 7.0) * fullScale;
    clipped += (q - v) * (q - v);
    full += (f - v) * (f - v);
  }
  EXPECT_LT(clipped, full);
}

TEST(RangeSelection, NonNegativeTensorsStartAtZero) {
  std::mt19937 rng(1);
  std::exponential_distribution<float> exp(1.0f);
  std::vector<float> values(50000);
  for (float &v : values)
    v = exp(rng);
  TensorStatistics stats;
  stats.update(values);
  for (RangeMethod method : {RangeMethod::Percentile, RangeMethod::Entropy,
                             RangeMethod::MSE}) {
    Range r = selectRange(stats, method, 8);
    EXPECT_EQ(r.lo, 0.0);
    EXPECT_GT(r.hi, 1.0);
  }
}

TEST(QuantParams, SymmetricNarrowRange) {
  QuantParams p = computeQuantParams({-1.0, 1.27}, 8, /*symmetric=*/true);
  EXPECT_DOUBLE_EQ(p.scale, 0.01);
  EXPECT_EQ(p.zeroPoint, 0);
  EXPECT_EQ(p.qmin, -127);
  EXPECT_EQ(p.qmax, 127);
  QuantParams p4 = computeQuantParams({-0.7, 0.7}, 4, true);
  EXPECT_EQ(p4.qmax, 7);
  EXPECT_DOUBLE_EQ(p4.scale, 0.1);
}

TEST(QuantParams, AsymmetricZeroIsExact) {
  QuantParams p = computeQuantParams({-1.0, 3.0}, 8, /*symmetric=*/false);
  EXPECT_DOUBLE_EQ(p.scale, 4.0 / 255);
  EXPECT_EQ(p.zeroPoint, 64); // round(63.75)
  EXPECT_EQ(p.qmin, 0);
  EXPECT_EQ(p.qmax, 255);
  // A non-negative range puts zero at qmin.
  EXPECT_EQ(computeQuantParams({0.0, 6.0}, 8, false).zeroPoint, 0);
  // The zero point stays inside the storage range.
  EXPECT_EQ(computeQuantParams({-5.0, 0.0}, 8, false).zeroPoint, 255);
}

TEST(RangeSelection, EntropyIgnoresTheSpikeOfZeros) {
  // A ReLU output: 60% exact zeros, the rest exponential with mean 1. The
  // zero spike must not pull the threshold below the bulk of the
  // positive values, and the never-negative tensor gets the whole [0, t]
  // grid.
  std::mt19937 rng(3);
  std::exponential_distribution<float> tail(1.0f);
  std::uniform_real_distribution<float> coin(0.0f, 1.0f);
  std::vector<float> values(200000);
  for (float &v : values)
    v = coin(rng) < 0.6f ? 0.0f : tail(rng);
  TensorStatistics stats;
  stats.update(values);
  double entropy = entropyThreshold(stats, 8);
  // 99% of Exp(1) lies below 4.6.
  EXPECT_GT(entropy, 4.6);
  EXPECT_LE(entropy, stats.max() + stats.histogramRange() / 2048);
  EXPECT_EQ(selectRange(stats, RangeMethod::Entropy, 8).lo, 0.0);
}
