//===- Frontier.cpp - size against sensitivity, every best trade ----------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/MixedPrecision/Frontier.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace quantc;

Assignment quantc::evaluate(llvm::ArrayRef<LayerChoices> layers,
                            std::vector<int> choice) {
  Assignment a;
  for (auto [layer, c] : llvm::zip_equal(layers, choice)) {
    a.bits += layer.bits[c];
    a.predicted += layer.sensitivity[c];
  }
  a.choice = std::move(choice);
  return a;
}

std::vector<Assignment>
quantc::paretoFrontier(llvm::ArrayRef<LayerChoices> layers, size_t resolution) {
  if (layers.empty())
    return {Assignment()};
  // Sizes above each layer's smallest candidate, in steps rounded up: a
  // step total then bounds the exact total from above.
  double least = 0, most = 0;
  for (const LayerChoices &layer : layers) {
    least += *std::min_element(layer.bits.begin(), layer.bits.end());
    most += *std::max_element(layer.bits.begin(), layer.bits.end());
  }
  double step = std::max((most - least) / double(resolution), 1e-9);
  size_t cells = resolution + layers.size() + 1;
  constexpr double kNone = std::numeric_limits<double>::infinity();
  // best[s]: least summed sensitivity of the layers so far in s steps;
  // from[l][s]: layer l's choice on that path.
  std::vector<double> best(cells, kNone), next(cells);
  best[0] = 0;
  std::vector<std::vector<int>> from(layers.size(),
                                     std::vector<int>(cells, -1));
  for (auto [l, layer] : llvm::enumerate(layers)) {
    double floor = *std::min_element(layer.bits.begin(), layer.bits.end());
    std::fill(next.begin(), next.end(), kNone);
    for (size_t c = 0; c < layer.bits.size(); ++c) {
      size_t extra = size_t(std::ceil((layer.bits[c] - floor) / step - 1e-9));
      for (size_t s = 0; s + extra < cells; ++s) {
        if (best[s] == kNone)
          continue;
        double total = best[s] + layer.sensitivity[c];
        if (total < next[s + extra]) {
          next[s + extra] = total;
          from[l][s + extra] = int(c);
        }
      }
    }
    best.swap(next);
  }
  std::vector<Assignment> frontier;
  double bestSoFar = kNone;
  for (size_t s = 0; s < cells; ++s) {
    if (!(best[s] < bestSoFar))
      continue;
    bestSoFar = best[s];
    std::vector<int> choice(layers.size());
    size_t at = s;
    for (size_t l = layers.size(); l-- > 0;) {
      int c = from[l][at];
      choice[l] = c;
      double floor =
          *std::min_element(layers[l].bits.begin(), layers[l].bits.end());
      at -= size_t(std::ceil((layers[l].bits[c] - floor) / step - 1e-9));
    }
    frontier.push_back(evaluate(layers, std::move(choice)));
  }
  return frontier;
}

std::optional<Assignment>
quantc::bestWithinBudget(llvm::ArrayRef<Assignment> frontier,
                         double budgetBits) {
  std::optional<Assignment> best;
  for (const Assignment &point : frontier)
    if (point.bits <= budgetBits &&
        (!best || point.predicted < best->predicted))
      best = point;
  return best;
}
