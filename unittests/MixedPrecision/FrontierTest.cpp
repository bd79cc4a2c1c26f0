//===- FrontierTest.cpp - the Pareto frontier against brute force --------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/MixedPrecision/Frontier.h"

#include "gtest/gtest.h"

#include <random>

using namespace quantc;

namespace {

/// Every assignment of `layers`, by counting in mixed radix.
std::vector<Assignment> allAssignments(llvm::ArrayRef<LayerChoices> layers) {
  std::vector<Assignment> all;
  std::vector<int> choice(layers.size(), 0);
  while (true) {
    all.push_back(evaluate(layers, choice));
    size_t l = 0;
    while (l < layers.size() && ++choice[l] == int(layers[l].bits.size()))
      choice[l++] = 0;
    if (l == layers.size())
      return all;
  }
}

/// `count` layers of three candidates: integer sizes 1..9, sensitivities
/// 0 .. 999 / `steps`.
std::vector<LayerChoices> randomLayers(std::mt19937 &random, size_t count,
                                       int steps) {
  std::vector<LayerChoices> layers(count);
  for (LayerChoices &layer : layers)
    for (int c = 0; c < 3; ++c) {
      layer.bits.push_back(double(random() % 9 + 1));
      layer.sensitivity.push_back(double(random() % 1000) / steps);
    }
  return layers;
}

/// The least and most total bits of any assignment.
std::pair<double, double> sizeRange(llvm::ArrayRef<LayerChoices> layers) {
  double least = 0, most = 0;
  for (const LayerChoices &layer : layers) {
    least += *std::min_element(layer.bits.begin(), layer.bits.end());
    most += *std::max_element(layer.bits.begin(), layer.bits.end());
  }
  return {least, most};
}

TEST(Frontier, EqualsTheBruteForceParetoSetWithIntegerSizes) {
  std::mt19937 random(7);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<LayerChoices> layers = randomLayers(random, 5, 100);
    auto [least, most] = sizeRange(layers);
    // One step per bit: no rounding, so the frontier is exact.
    std::vector<Assignment> frontier =
        paretoFrontier(layers, size_t(most - least));
    std::vector<Assignment> all = allAssignments(layers);
    // Every assignment is matched or beaten by a frontier point of no more
    // bits, and every frontier point is some assignment's exact totals.
    for (const Assignment &a : all) {
      auto best = bestWithinBudget(frontier, a.bits);
      ASSERT_TRUE(best);
      EXPECT_LE(best->predicted, a.predicted + 1e-9);
      EXPECT_LE(best->bits, a.bits);
    }
    for (size_t i = 1; i < frontier.size(); ++i) {
      EXPECT_GT(frontier[i].bits, frontier[i - 1].bits);
      EXPECT_LT(frontier[i].predicted, frontier[i - 1].predicted);
    }
    for (const Assignment &point : frontier) {
      Assignment again = evaluate(layers, point.choice);
      EXPECT_DOUBLE_EQ(again.bits, point.bits);
      EXPECT_DOUBLE_EQ(again.predicted, point.predicted);
    }
  }
}

TEST(Frontier, CoarseStepsNeverClaimASizeAPointDoesNotHave) {
  // Sizes that do not fall on the steps: the budget is still respected.
  std::vector<LayerChoices> layers = {{{1.3, 2.7, 9.1}, {5, 2, 0}},
                                      {{0.4, 3.3}, {4, 0}},
                                      {{2.2, 2.9, 6.6}, {3, 1, 0}}};
  std::vector<Assignment> frontier = paretoFrontier(layers, 7);
  for (double budget = 3.91; budget < 20; budget += 0.37) {
    auto best = bestWithinBudget(frontier, budget);
    ASSERT_TRUE(best);
    EXPECT_LE(best->bits, budget);
  }
  EXPECT_FALSE(bestWithinBudget(frontier, 3.8));
  EXPECT_DOUBLE_EQ(frontier.front().bits, 1.3 + 0.4 + 2.2);
  EXPECT_DOUBLE_EQ(frontier.back().predicted, 0);
}

TEST(IntegerProgram, AgreesWithTheFrontierWhenOnlySizeIsConstrained) {
  std::mt19937 random(19);
  for (int trial = 0; trial < 10; ++trial) {
    std::vector<LayerChoices> layers = randomLayers(random, 8, 1000);
    auto [least, most] = sizeRange(layers);
    std::vector<Assignment> frontier =
        paretoFrontier(layers, size_t(most - least));
    for (double budget = least; budget <= most; budget += 3) {
      auto dp = bestWithinBudget(frontier, budget);
      auto ilp = solveIntegerProgram(layers, budget);
      ASSERT_TRUE(bool(ilp));
      ASSERT_TRUE(dp && *ilp);
      EXPECT_NEAR((*ilp)->predicted, dp->predicted, 1e-9);
      EXPECT_LE((*ilp)->bits, budget);
    }
    EXPECT_FALSE(*solveIntegerProgram(layers, least - 1));
  }
}

TEST(IntegerProgram, HonoursASecondBudget) {
  // Two layers; the cheapest-sensitivity choice is too slow.
  std::vector<LayerChoices> layers = {{{8, 4}, {0, 1}}, {{8, 4}, {0, 1}}};
  CostBudget latency{{{3, 1}, {3, 1}}, 4};
  auto solved = solveIntegerProgram(layers, 16, {latency});
  ASSERT_TRUE(bool(solved) && *solved);
  EXPECT_DOUBLE_EQ((*solved)->predicted, 1);
  EXPECT_DOUBLE_EQ((*solved)->bits, 12);
  latency.budget = 1.5;
  EXPECT_FALSE(*solveIntegerProgram(layers, 16, {latency}));
}

} // namespace
