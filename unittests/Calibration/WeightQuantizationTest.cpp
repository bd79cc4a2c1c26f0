//===- WeightQuantizationTest.cpp - int8, int4 and ternary weights --------===//
//
// Part of quantc. Hand-computed grids and scales for each scheme; the
// quantized packing of the kernels is checked against the runtime's C
// packing byte for byte.
//
//===----------------------------------------------------------------------===//

#include "quantc/Calibration/WeightQuantization.h"
#include "quantc/Kernels/LowBitGemm.h"
#include "quantc_runtime.h"

#include "gtest/gtest.h"

#include <random>

using namespace quantc;

namespace {
// Two output channels along axis 0, four weights each.
const std::vector<float> kWeights = {0.7f,  -0.35f, 0.1f, 0.0f,
                                     -2.0f, 1.0f,   0.4f, -0.2f};
const std::vector<int64_t> kShape = {2, 4};

TEST(WeightQuantization, ParsesSchemes) {
  EXPECT_EQ(parseWeightScheme("int4"), WeightScheme::Int4);
  EXPECT_EQ(parseWeightScheme("int6"), WeightScheme::Int6);
  EXPECT_EQ(parseWeightScheme("ternary-twn"), WeightScheme::TernaryThreshold);
  EXPECT_FALSE(parseWeightScheme("int3"));
  EXPECT_EQ(weightSchemeName(WeightScheme::TernaryAbsMean), "ternary-absmean");
}

TEST(WeightQuantization, Int6RoundsOnThirtyOneLevels) {
  QuantizedWeights q = quantizeWeights(kWeights, kShape, 0, WeightScheme::Int6);
  EXPECT_EQ(q.qmin, -31);
  EXPECT_EQ(q.qmax, 31);
  EXPECT_DOUBLE_EQ(q.scales[1], 2.0 / 31.0);
  // Channel 1: -2 -> -31, 1 -> 15.5 -> 16 (half to even), 0.4 -> 6.2 -> 6,
  // -0.2 -> -3.1 -> -3.
  EXPECT_EQ(std::vector<int8_t>(q.values.begin() + 4, q.values.end()),
            (std::vector<int8_t>{-31, 16, 6, -3}));
}

TEST(WeightQuantization, Int4RoundsToNearestOnSevenLevels) {
  QuantizedWeights q = quantizeWeights(kWeights, kShape, 0, WeightScheme::Int4);
  EXPECT_EQ(q.qmin, -7);
  EXPECT_EQ(q.qmax, 7);
  EXPECT_DOUBLE_EQ(q.scales[0], 0.7f / 7.0);
  EXPECT_DOUBLE_EQ(q.scales[1], 2.0 / 7.0);
  // 0.7/0.1 = 7, -0.35/0.1 = -3.5 -> -4 (half to even), 1, 0;
  // -7, 1/0.2857 = 3.5 -> 4, 1.4 -> 1, -0.7 -> -1.
  EXPECT_EQ(q.values, (std::vector<int8_t>{7, -4, 1, 0, -7, 4, 1, -1}));
}

TEST(WeightQuantization, TernaryAbsMeanScalesByTheMeanMagnitude) {
  QuantizedWeights q =
      quantizeWeights(kWeights, kShape, 0, WeightScheme::TernaryAbsMean);
  EXPECT_EQ(q.qmax, 1);
  // Means 0.2875 and 0.9: 0.7 -> 2.43 -> 1 (clipped), -0.35 -> -1.2 -> -1,
  // 0.1 -> 0.35 -> 0; -2 -> -1, 1 -> 1.1 -> 1, 0.4 -> 0.44 -> 0.
  EXPECT_NEAR(q.scales[0], 0.2875, 1e-7);
  EXPECT_NEAR(q.scales[1], 0.9, 1e-7);
  EXPECT_EQ(q.values, (std::vector<int8_t>{1, -1, 0, 0, -1, 1, 0, 0}));
}

TEST(WeightQuantization, TernaryThresholdKeepsWhatExceedsIt) {
  QuantizedWeights q =
      quantizeWeights(kWeights, kShape, 0, WeightScheme::TernaryThreshold);
  // Thresholds 0.7 x 0.2875 = 0.20125 and 0.63: channel 0 keeps 0.7 and
  // -0.35 (scale 0.525), channel 1 keeps -2 and 1 (scale 1.5).
  EXPECT_EQ(q.values, (std::vector<int8_t>{1, -1, 0, 0, -1, 1, 0, 0}));
  EXPECT_NEAR(q.scales[0], 0.525, 1e-7);
  EXPECT_NEAR(q.scales[1], 1.5, 1e-7);
}

TEST(WeightQuantization, TrainedTernaryWeightsAreKeptExactly) {
  // Channel 0 is {-0.3, 0, 0.3}, channel 1 {-1.25, 0, 1.25} (per-channel
  // alphas), channel 2 is off by 1e-3 relative: not ternary, absmean.
  std::vector<float> w = {0.3f, 0.0f,  -0.3f, 0.3f,     -1.25f, 0.0f,
                          0.0f, 1.25f, 0.5f,  -0.5005f, 0.0f,   0.5f};
  for (WeightScheme scheme :
       {WeightScheme::TernaryAbsMean, WeightScheme::TernaryThreshold}) {
    QuantizedWeights q = quantizeWeights(w, {3, 4}, 0, scheme);
    EXPECT_FLOAT_EQ(q.scales[0], 0.3f);
    EXPECT_FLOAT_EQ(q.scales[1], 1.25f);
    EXPECT_FALSE(q.alreadyTernary); // channel 2
    for (int i = 0; i < 8; ++i)
      EXPECT_EQ(q.values[i] * q.scales[i / 4], w[i]) << i;
    // Absmean would have scaled channel 0 by 0.3 x 3/4.
    std::vector<float> two(w.begin(), w.begin() + 8);
    QuantizedWeights exact = quantizeWeights(two, {2, 4}, 0, scheme);
    EXPECT_TRUE(exact.alreadyTernary);
    EXPECT_EQ(weightSQNR(two, exact, {2, 4}, 0), 300.0);
  }
  // Int8 does not take the ternary path.
  EXPECT_FALSE(
      quantizeWeights(w, {3, 4}, 0, WeightScheme::Int8).alreadyTernary);
}

TEST(WeightQuantization, Int4GroupsScaleEachRunOfKApart) {
  // kn [4][2], groups of 2 along k: column 0 has groups {0.7, -0.35} and
  // {0.1, 0}; column 1 {-2, 1} and {0.4, -0.2}.
  std::vector<float> kn = {0.7f, -2.0f, -0.35f, 1.0f, 0.1f, 0.4f, 0.0f, -0.2f};
  GroupedWeights q = quantizeWeightsGrouped(kn, 4, 2, 2);
  ASSERT_EQ(q.scales.size(), 4u);
  EXPECT_DOUBLE_EQ(q.scales[0], double(0.7f) / 7); // group 0, column 0
  EXPECT_DOUBLE_EQ(q.scales[1], 2.0 / 7);          // group 0, column 1
  EXPECT_DOUBLE_EQ(q.scales[2], double(0.1f) / 7); // group 1, column 0
  EXPECT_DOUBLE_EQ(q.scales[3], double(0.4f) / 7); // group 1, column 1
  // -0.35 / 0.1 = -3.5 -> -4; 1 / (2/7) = 3.5 -> 4; -0.2 / (0.4/7) =
  // -3.5 -> -4 (half to even).
  EXPECT_EQ(q.values, (std::vector<int8_t>{7, -7, -4, 4, 7, 7, 0, -4}));
  // The per-channel int4 grid of column 0 would round 0.1 to 1 level of
  // 0.1: the group scale keeps it exact.
  EXPECT_NEAR(q.dequantized(2, 0), 0.1, 1e-7);
  EXPECT_GT(weightSQNR(kn, q),
            weightSQNR(kWeights,
                       quantizeWeights(kWeights, kShape, 0, WeightScheme::Int4),
                       kShape, 0));
}

TEST(WeightQuantization, GPTQWithUncorrelatedInputsIsRoundToNearest) {
  // H diagonal: no error spreads, so the same values and scales as RTN.
  std::mt19937 rng(3);
  std::normal_distribution<float> normal;
  int64_t k = 16, n = 3;
  std::vector<float> kn(k * n);
  for (float &v : kn)
    v = normal(rng);
  std::vector<double> h(k * k, 0.0);
  for (int64_t i = 0; i < k; ++i)
    h[i * k + i] = 1.0 + i;
  std::optional<GroupedWeights> gptq = quantizeWeightsGPTQ(kn, k, n, 8, h);
  ASSERT_TRUE(gptq);
  GroupedWeights rtn = quantizeWeightsGrouped(kn, k, n, 8);
  EXPECT_EQ(gptq->values, rtn.values);
  EXPECT_EQ(gptq->scales, rtn.scales);
}

TEST(WeightQuantization, GPTQLowersTheOutputErrorOfCorrelatedInputs) {
  // Inputs x = z A with A mixing the channels: H = E[x x^T] far from
  // diagonal. GPTQ trades weight error for output error.
  std::mt19937 rng(4);
  std::normal_distribution<float> normal;
  int64_t k = 32, n = 8, rows = 256;
  std::vector<double> mix(k * k), x(rows * k, 0.0), h(k * k, 0.0);
  for (double &v : mix)
    v = normal(rng);
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<double> z(k);
    for (double &v : z)
      v = normal(rng);
    for (int64_t a = 0; a < k; ++a)
      for (int64_t b = 0; b < k; ++b)
        x[r * k + b] += z[a] * mix[a * k + b] * (a == b ? 1.0 : 0.3);
  }
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t a = 0; a < k; ++a)
      for (int64_t b = 0; b < k; ++b)
        h[a * k + b] += x[r * k + a] * x[r * k + b] / rows;
  std::vector<float> kn(k * n);
  for (float &v : kn)
    v = normal(rng);
  std::optional<GroupedWeights> gptq = quantizeWeightsGPTQ(kn, k, n, 16, h);
  ASSERT_TRUE(gptq);
  GroupedWeights rtn = quantizeWeightsGrouped(kn, k, n, 16);
  double gptqError = outputErrorProxy(kn, *gptq, h);
  double rtnError = outputErrorProxy(kn, rtn, h);
  EXPECT_LT(gptqError, 0.8 * rtnError) << gptqError << " vs " << rtnError;
  for (int8_t v : gptq->values)
    EXPECT_LE(std::abs(v), 7);
}

TEST(WeightQuantization, GPTQRefusesAnIndefiniteHessian) {
  std::vector<float> kn(2 * 8, 1.0f);
  // Rows 0 and 1 of a "Gram" matrix with a negative eigenvalue.
  std::vector<double> h = {1.0, 3.0, 3.0, 1.0};
  EXPECT_FALSE(quantizeWeightsGPTQ(kn, 2, 8, 2, h, 0.0));
}

TEST(WeightQuantization, ZeroChannelGetsUnitScale) {
  QuantizedWeights q =
      quantizeWeights({0, 0, 1, 1}, {2, 2}, 0, WeightScheme::Int8);
  EXPECT_EQ(q.scales[0], 1.0);
  EXPECT_EQ(q.values[0], 0);
  EXPECT_EQ(weightSQNR({0, 0, 1, 1}, q, {2, 2}, 0), 300.0);
}

TEST(KernelPacking, CompilerAndRuntimePackTheSameBytes) {
  std::mt19937 rng(5);
  int64_t k = 64, n = 128;
  for (WeightFormat format :
       {WeightFormat::Int8, WeightFormat::Int4, WeightFormat::Ternary}) {
    int lo = format == WeightFormat::Int8   ? -128
             : format == WeightFormat::Int4 ? -8
                                            : -1;
    std::vector<int8_t> b(k * n);
    for (int8_t &v : b)
      v = static_cast<int8_t>(lo + int(rng() % unsigned(1 - 2 * lo)));
    std::vector<uint8_t> compiler = packLowBitWeights(b, k, n, format);
    std::vector<uint8_t> runtime(compiler.size());
    if (format == WeightFormat::Int8)
      quantc_pack_vnni_weights(b.data(), k, n,
                               reinterpret_cast<int8_t *>(runtime.data()));
    else if (format == WeightFormat::Int4)
      quantc_pack_int4_weights(b.data(), k, n, runtime.data());
    else
      quantc_pack_ternary_weights(b.data(), k, n, runtime.data());
    EXPECT_EQ(compiler, runtime) << "format " << int(format);
  }
  std::vector<float> scales(k / 32 * n);
  for (size_t i = 0; i < scales.size(); ++i)
    scales[i] = float(i);
  std::vector<float> runtime(scales.size());
  quantc_pack_group_scales(scales.data(), k, n, 32, runtime.data());
  EXPECT_EQ(packGroupScales(scales, k, n, 32), runtime);
}
} // namespace
