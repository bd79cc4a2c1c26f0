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

TEST(ChannelMoments, MeanAndSecondMomentAlongAnAxis) {
  // x of shape 2x3x2 with channels on axis 1: rows are (n, w) pairs.
  std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  ChannelMoments moments;
  moments.update(x, {2, 3, 2}, 1);
  ASSERT_EQ(moments.channels(), 3);
  EXPECT_EQ(moments.rows(), 4u);
  std::vector<double> mean = moments.mean();
  // Channel c holds x[n][c][w] = 6n + 2c + w + 1.
  EXPECT_DOUBLE_EQ(mean[0], (1 + 2 + 7 + 8) / 4.0);
  EXPECT_DOUBLE_EQ(mean[2], (5 + 6 + 11 + 12) / 4.0);
  std::vector<double> gram = moments.secondMoment();
  ASSERT_EQ(gram.size(), 9u);
  // E[x_0 x_2] over the four rows, and symmetry.
  EXPECT_DOUBLE_EQ(gram[0 * 3 + 2], (1 * 5 + 2 * 6 + 7 * 11 + 8 * 12) / 4.0);
  EXPECT_DOUBLE_EQ(gram[2 * 3 + 0], gram[0 * 3 + 2]);
  EXPECT_DOUBLE_EQ(gram[1 * 3 + 1], (9 + 16 + 81 + 100) / 4.0);
}

TEST(ChannelMoments, JSONKeepsTheMeans) {
  ChannelMoments moments;
  moments.update({1, -2, 3, 5}, {2, 2}, 1);
  llvm::json::Object json = moments.toJSON();
  llvm::Expected<ChannelMoments> back = ChannelMoments::fromJSON(json);
  ASSERT_TRUE(static_cast<bool>(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->rows(), 2u);
  EXPECT_DOUBLE_EQ(back->mean()[0], 2.0);
  EXPECT_DOUBLE_EQ(back->mean()[1], 1.5);
}

TEST(TensorStatistics, JSONRoundTripIsExact) {
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  TensorStatistics stats;
  for (int batch = 0; batch < 3; ++batch) {
    std::vector<float> values(1000);
    for (float &v : values)
      v = normal(rng) * (batch + 1);
    stats.update(values);
  }
  llvm::Expected<TensorStatistics> back =
      TensorStatistics::fromJSON(stats.toJSON());
  ASSERT_TRUE(static_cast<bool>(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->min(), stats.min());
  EXPECT_EQ(back->movingMax(), stats.movingMax());
  EXPECT_EQ(back->histogramRange(), stats.histogramRange());
  EXPECT_EQ(back->histogram(), stats.histogram());
  llvm::json::Object broken = stats.toJSON();
  broken["count"] = 7;
  llvm::Expected<TensorStatistics> bad = TensorStatistics::fromJSON(broken);
  ASSERT_FALSE(static_cast<bool>(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()), "inconsistent statistics");
}
