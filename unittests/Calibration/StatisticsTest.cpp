//===- StatisticsTest.cpp - streaming activation statistics ---------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Calibration/Statistics.h"

#include "gtest/gtest.h"

#include <numeric>
#include <random>

using namespace quantc;

TEST(TensorStatistics, MinMaxAndMovingAverage) {
  TensorStatistics stats;
  stats.update({-1.0f, 2.0f, 0.5f});
  EXPECT_EQ(stats.min(), -1.0);
  EXPECT_EQ(stats.max(), 2.0);
  EXPECT_EQ(stats.movingMin(), -1.0);
  stats.update({-3.0f, 1.0f});
  EXPECT_EQ(stats.min(), -3.0);
  EXPECT_EQ(stats.max(), 2.0);
  // Moving averages move 1% of the way to the new batch's extremes.
  EXPECT_DOUBLE_EQ(stats.movingMin(), -1.0 + 0.01 * (-3.0 + 1.0));
  EXPECT_DOUBLE_EQ(stats.movingMax(), 2.0 + 0.01 * (1.0 - 2.0));
  EXPECT_EQ(stats.count(), 5u);
  EXPECT_EQ(stats.batches(), 2u);
}

TEST(TensorStatistics, HistogramCountsEveryValue) {
  TensorStatistics stats;
  std::vector<float> values = {0.0f, 0.25f, -0.5f, 1.0f, -1.0f};
  stats.update(values);
  auto bins = stats.histogram();
  // The range is the power of two strictly above max |x| = 1.
  EXPECT_EQ(stats.histogramRange(), 2.0);
  EXPECT_EQ(std::accumulate(bins.begin(), bins.end(), uint64_t(0)), 5u);
  EXPECT_EQ(bins[0], 1u);                             // 0
  EXPECT_EQ(bins[TensorStatistics::kBins / 8], 1u);   // 0.25
  EXPECT_EQ(bins[TensorStatistics::kBins / 4], 1u);   // |-0.5|
  EXPECT_EQ(bins[TensorStatistics::kBins / 2], 2u);   // |+-1|
}

TEST(TensorStatistics, GrowingRangeMergesBinsExactly) {
  // Streaming two batches must give the histogram that one pass over both
  // would give when the range ends at the same power-of-two multiple.
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> small(-1.0f, 1.0f), large(-3.9f, 3.9f);
  std::vector<float> a(1000), b(1000);
  for (float &v : a) v = small(rng);
  for (float &v : b) v = large(rng);
  TensorStatistics streamed;
  streamed.update(a); // range 2
  streamed.update(b); // grows to 4, merging bin pairs
  EXPECT_EQ(streamed.histogramRange(), 4.0);
  std::vector<float> all(a);
  all.insert(all.end(), b.begin(), b.end());
  TensorStatistics once;
  once.update(all);
  EXPECT_EQ(once.histogramRange(), 4.0);
  auto s = streamed.histogram(), o = once.histogram();
  for (int i = 0; i < TensorStatistics::kBins; ++i)
    EXPECT_EQ(s[i], o[i]) << "bin " << i;
}
