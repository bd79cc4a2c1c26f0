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
  for (RangeMethod method :
       {RangeMethod::Percentile, RangeMethod::Entropy, RangeMethod::MSE}) {
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

TEST(RangeSelection, EntropyKeepsTheRangeOfASparseHistogram) {
  // conv2d_199.tmp_0 of the PP-OCRv4 recognizer calibrated on ten text
  // lines, as its |x| histogram recorded it (bin, count; 2048 bins over
  // [0, 32); min -3.45, max 18.97): 1200 values, 350 exact zeros, the bulk
  // below 3.5 and ten peaks near 19, one per image, that carry the
  // answer. KL divergence on so thin a histogram measures sampling noise;
  // it clipped this layer at 3.46 and character accuracy fell from 98% to
  // 59%. With too few values per bin the histogram is coarsened first, and
  // the peaks are kept.
  static const std::pair<int, int> kBins[] = {
      {0, 350},  {1, 20},   {2, 14},   {3, 13},   {4, 7},    {5, 21},
      {6, 20},   {7, 8},    {8, 22},   {9, 13},   {10, 15},  {11, 19},
      {12, 17},  {13, 14},  {14, 14},  {15, 15},  {16, 18},  {17, 19},
      {18, 10},  {19, 13},  {20, 14},  {21, 17},  {22, 17},  {23, 11},
      {24, 5},   {25, 12},  {26, 15},  {27, 14},  {28, 7},   {29, 13},
      {30, 12},  {31, 9},   {32, 10},  {33, 11},  {34, 10},  {35, 8},
      {36, 14},  {37, 8},   {38, 14},  {39, 7},   {40, 6},   {41, 14},
      {42, 9},   {43, 8},   {44, 13},  {45, 9},   {46, 8},   {47, 5},
      {48, 5},   {49, 11},  {50, 8},   {51, 3},   {52, 7},   {53, 6},
      {54, 4},   {55, 5},   {56, 4},   {57, 7},   {58, 6},   {59, 4},
      {60, 5},   {61, 6},   {62, 7},   {63, 6},   {64, 3},   {65, 5},
      {66, 6},   {67, 3},   {68, 4},   {69, 2},   {70, 2},   {71, 1},
      {72, 3},   {73, 2},   {74, 1},   {75, 1},   {76, 1},   {77, 1},
      {78, 1},   {79, 4},   {80, 2},   {81, 5},   {82, 3},   {83, 1},
      {84, 2},   {85, 2},   {86, 3},   {87, 2},   {88, 3},   {89, 4},
      {90, 2},   {91, 3},   {92, 2},   {94, 1},   {95, 1},   {96, 6},
      {97, 2},   {98, 1},   {100, 1},  {101, 1},  {102, 1},  {104, 3},
      {105, 2},  {106, 1},  {108, 1},  {110, 1},  {111, 1},  {114, 2},
      {117, 2},  {118, 3},  {120, 1},  {122, 1},  {123, 2},  {124, 1},
      {125, 3},  {127, 1},  {128, 2},  {129, 2},  {130, 2},  {131, 1},
      {133, 1},  {138, 2},  {139, 1},  {140, 1},  {141, 2},  {142, 1},
      {148, 1},  {151, 1},  {152, 1},  {153, 1},  {155, 1},  {157, 1},
      {158, 1},  {160, 1},  {161, 1},  {164, 1},  {165, 4},  {168, 1},
      {171, 2},  {173, 2},  {183, 1},  {188, 1},  {199, 1},  {204, 1},
      {205, 1},  {208, 1},  {220, 1},  {1204, 1}, {1205, 1}, {1207, 2},
      {1209, 1}, {1211, 1}, {1212, 2}, {1214, 2}};
  std::vector<float> values;
  for (auto [bin, count] : kBins)
    for (int i = 0; i < count; ++i)
      values.push_back(bin == 0 ? 0.0f : (bin + 0.5f) * 32.0f / 2048);
  values.push_back(-3.45f);
  TensorStatistics stats;
  stats.update(values);
  EXPECT_GE(entropyThreshold(stats, 8), 18.9);
  // Dense histograms are untouched: a Gaussian bulk with the same tail of
  // peaks, 400 times the values, still clips.
  std::mt19937 rng(5);
  std::normal_distribution<float> bulk(0.0f, 1.0f);
  std::vector<float> dense(480000);
  for (float &v : dense)
    v = bulk(rng);
  for (int i = 0; i < 10; ++i)
    dense.push_back(19.0f);
  TensorStatistics denseStats;
  denseStats.update(dense);
  EXPECT_LT(entropyThreshold(denseStats, 8), 8.0);
}

TEST(RangeSelection, EntropyStillClipsADenseLongTail) {
  // The same shape with 400k values: a real tail, clipped as before.
  std::mt19937 rng(6);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> values(400000);
  for (float &v : values)
    v = normal(rng);
  values.push_back(40.0f);
  TensorStatistics stats;
  stats.update(values);
  EXPECT_LT(entropyThreshold(stats, 8), 10.0);
}

TEST(RangeSelection, EntropyWithFewSamplesKeepsASmallFarMode) {
  // Per sample 10000 normal values and 2 at 10 (an attention peak): a mode
  // of 0.02%. With fewer than 8 samples the evidence cannot tell it from
  // noise, and at most 0.01% of the values is cut.
  auto build = [](int samples) {
    std::mt19937 rng(9);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    TensorStatistics stats;
    for (int s = 0; s < samples; ++s) {
      std::vector<float> values(10000);
      for (float &v : values)
        v = normal(rng);
      values.push_back(10.0f);
      values.push_back(10.0f);
      stats.update(values);
    }
    return stats;
  };
  EXPECT_GE(entropyThreshold(build(4), 8), 9.9);
}
