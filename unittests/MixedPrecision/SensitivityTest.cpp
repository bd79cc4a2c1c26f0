//===- SensitivityTest.cpp - the signals' arithmetic ----------------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/MixedPrecision/Sensitivity.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace quantc;

namespace {

/// A layer whose inputs are `rows` (each `channels` long): E[x x^T] from
/// them.
LayerWeights layerOn(const std::vector<std::vector<double>> &rows,
                     LayerGeometry geometry) {
  LayerWeights layer;
  layer.geometry = geometry;
  int64_t channels = geometry.channelsPerGroup * geometry.groups;
  layer.inputSecondMoment.assign(channels * channels, 0);
  for (const auto &row : rows)
    for (int64_t a = 0; a < channels; ++a)
      for (int64_t b = 0; b < channels; ++b)
        layer.inputSecondMoment[a * channels + b] +=
            row[a] * row[b] / double(rows.size());
  return layer;
}

TEST(Sensitivity, QuadraticFormIsTheMeanSquaredOutputError) {
  // A matmul and a two-group layer: tr(D H D^T) = E ||D x||^2 exactly.
  std::mt19937 random(3);
  std::normal_distribution<double> normal;
  for (LayerGeometry g :
       {LayerGeometry{4, 6, 1, 1}, LayerGeometry{4, 3, 1, 2}}) {
    int64_t channels = g.channelsPerGroup * g.groups;
    std::vector<std::vector<double>> rows(50, std::vector<double>(channels));
    for (auto &row : rows)
      for (double &v : row)
        v = normal(random) + 0.5;
    LayerWeights layer = layerOn(rows, g);
    std::vector<float> d(g.weights());
    for (float &v : d)
      v = float(normal(random));
    double direct = 0;
    for (const auto &x : rows)
      for (int64_t o = 0; o < g.outputs; ++o) {
        int64_t base = (o / g.outputsPerGroup()) * g.channelsPerGroup;
        double y = 0;
        for (int64_t i = 0; i < g.inner(); ++i)
          y += d[o * g.inner() + i] * x[base + i];
        direct += y * y / double(rows.size());
      }
    EXPECT_NEAR(quadraticForm(layer, d), direct, 1e-4 * direct);
  }
}

TEST(Sensitivity, WindowPositionsAddUp) {
  // A 1-channel 2-tap window: each tap sees the channel's E[x^2]; the
  // covariance between taps is dropped by design.
  LayerWeights layer;
  layer.geometry = {1, 1, 2, 1};
  layer.inputSecondMoment = {4.0};
  EXPECT_DOUBLE_EQ(quadraticForm(layer, std::vector<float>{1, 2}),
                   4.0 * (1 + 4));
  // Without E[x x^T] the form is the weights' own energy.
  layer.inputSecondMoment.clear();
  EXPECT_DOUBLE_EQ(quadraticForm(layer, std::vector<float>{1, 2}), 5.0);
}

TEST(Sensitivity, KLForSoftmaxOutputsAndRelativeErrorOtherwise) {
  HostArray p{{1, 2}, {0.5f, 0.5f}}, q{{1, 2}, {0.25f, 0.75f}};
  OutputMeasure kl{true, 1};
  EXPECT_NEAR(outputDivergence({p}, {q}, {kl}),
              0.5 * std::log(2.0) + 0.5 * std::log(0.5 / 0.75), 1e-7);
  EXPECT_NEAR(outputDivergence({p}, {q}, {OutputMeasure()}),
              (0.0625 + 0.0625) / 0.5, 1e-7);
  EXPECT_DOUBLE_EQ(outputDivergence({p}, {p}, {kl}), 0);
  HostArray broken{{1, 2}, {NAN, 1.0f}};
  EXPECT_TRUE(std::isinf(outputDivergence({p}, {broken}, {OutputMeasure()})));
}

TEST(Sensitivity, SpearmanRanks) {
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {10, 20, 25, 100}), 1);
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1);
  // Ties share their mean rank: ranks (1.5, 1.5, 3) against (1, 2, 3).
  EXPECT_NEAR(spearman({5, 5, 7}, {1, 2, 3}), 0.8660254, 1e-6);
}

} // namespace
