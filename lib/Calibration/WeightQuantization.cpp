//===- WeightQuantization.cpp - weights to int8, int4 or ternary ----------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Calibration/WeightQuantization.h"

#include <algorithm>
#include <cmath>

using namespace quantc;

std::optional<WeightScheme> quantc::parseWeightScheme(llvm::StringRef text) {
  for (WeightScheme scheme :
       {WeightScheme::Int8, WeightScheme::Int6, WeightScheme::Int4,
        WeightScheme::TernaryAbsMean, WeightScheme::TernaryThreshold})
    if (text == weightSchemeName(scheme))
      return scheme;
  return std::nullopt;
}

llvm::StringRef quantc::weightSchemeName(WeightScheme scheme) {
  switch (scheme) {
  case WeightScheme::Int8:
    return "int8";
  case WeightScheme::Int6:
    return "int6";
  case WeightScheme::Int4:
    return "int4";
  case WeightScheme::TernaryAbsMean:
    return "ternary-absmean";
  case WeightScheme::TernaryThreshold:
    return "ternary-twn";
  }
  return "";
}

namespace {
/// Elements per channel step: the product of the dimensions after `axis`.
int64_t innerSize(llvm::ArrayRef<int64_t> shape, int64_t axis) {
  int64_t inner = 1;
  for (size_t d = axis + 1; d < shape.size(); ++d)
    inner *= shape[d];
  return inner;
}

/// The alpha of a channel whose weights are already ternary, {-alpha, 0,
/// +alpha} within float tolerance (a model trained for it, BitNet b1.58
/// style); nullopt otherwise. Ternary schemes keep such weights exactly
/// instead of estimating a scale (absmean would give alpha times the
/// nonzero fraction).
std::optional<double> trainedTernaryScale(llvm::ArrayRef<double> magnitudes) {
  double max = 0;
  for (double m : magnitudes)
    max = std::max(max, m);
  if (max <= 0)
    return std::nullopt;
  double sum = 0;
  size_t nonzero = 0;
  for (double m : magnitudes) {
    if (m <= 1e-6 * max)
      continue;
    if (max - m > 1e-5 * max)
      return std::nullopt;
    sum += m;
    ++nonzero;
  }
  return sum / nonzero;
}

/// The scale of one channel's weights `|w|` under `scheme`.
double channelScale(llvm::ArrayRef<double> magnitudes, WeightScheme scheme) {
  double max = 0, sum = 0;
  for (double m : magnitudes) {
    max = std::max(max, m);
    sum += m;
  }
  double mean = magnitudes.empty() ? 0 : sum / magnitudes.size();
  double scale = 0;
  switch (scheme) {
  case WeightScheme::Int8:
    scale = max / 127;
    break;
  case WeightScheme::Int6:
    scale = max / 31;
    break;
  case WeightScheme::Int4:
    scale = max / 7;
    break;
  case WeightScheme::TernaryAbsMean:
    scale = mean;
    break;
  case WeightScheme::TernaryThreshold: {
    double threshold = 0.7 * mean, kept = 0;
    size_t count = 0;
    for (double m : magnitudes)
      if (m > threshold) {
        kept += m;
        ++count;
      }
    scale = count ? kept / count : 0;
    break;
  }
  }
  return scale > 0 ? scale : 1.0;
}
} // namespace

QuantizedWeights quantc::quantizeWeights(llvm::ArrayRef<float> w,
                                         llvm::ArrayRef<int64_t> shape,
                                         int64_t axis, WeightScheme scheme) {
  int64_t channels = shape[axis], inner = innerSize(shape, axis);
  std::vector<std::vector<double>> magnitudes(channels);
  for (size_t i = 0; i < w.size(); ++i)
    magnitudes[(i / inner) % channels].push_back(std::fabs(w[i]));
  QuantizedWeights q;
  q.qmax = scheme == WeightScheme::Int8   ? 127
           : scheme == WeightScheme::Int6 ? 31
           : scheme == WeightScheme::Int4 ? 7
                                          : 1;
  q.qmin = -q.qmax;
  bool ternary = scheme == WeightScheme::TernaryAbsMean ||
                 scheme == WeightScheme::TernaryThreshold;
  std::vector<double> threshold(channels, 0.0);
  std::vector<bool> trained(channels, false);
  for (int64_t c = 0; c < channels; ++c) {
    std::optional<double> alpha =
        ternary ? trainedTernaryScale(magnitudes[c]) : std::nullopt;
    trained[c] = alpha.has_value();
    q.scales.push_back(alpha ? *alpha : channelScale(magnitudes[c], scheme));
    double sum = 0;
    for (double m : magnitudes[c])
      sum += m;
    threshold[c] = 0.7 * sum / std::max<size_t>(1, magnitudes[c].size());
  }
  q.alreadyTernary = ternary && llvm::all_of(trained, [](bool t) { return t; });
  q.values.resize(w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    int64_t c = (i / inner) % channels;
    // TWN zeroes what is below the threshold, whatever the scale; trained
    // ternary weights round exactly at any scale.
    double v = scheme == WeightScheme::TernaryThreshold && !trained[c]
                   ? (std::fabs(w[i]) > threshold[c] ? (w[i] > 0 ? 1 : -1) : 0)
                   : std::nearbyint(w[i] / q.scales[c]);
    q.values[i] =
        static_cast<int8_t>(std::clamp(v, double(q.qmin), double(q.qmax)));
  }
  return q;
}

double quantc::weightSQNR(llvm::ArrayRef<float> w, const QuantizedWeights &q,
                          llvm::ArrayRef<int64_t> shape, int64_t axis) {
  int64_t inner = innerSize(shape, axis);
  double signal = 0, noise = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    double scale = q.scales[(i / inner) % shape[axis]];
    double error = w[i] - q.values[i] * scale;
    signal += double(w[i]) * w[i];
    noise += error * error;
  }
  return noise > 0 ? 10 * std::log10(signal / noise) : 300.0;
}

/// Zeroed values [K][N] and scales [K / group][N].
static GroupedWeights sizedGroupedWeights(int64_t k, int64_t n, int64_t group) {
  GroupedWeights q;
  q.k = k;
  q.n = n;
  q.group = group;
  q.values.resize(k * n);
  q.scales.resize((k / group) * n);
  return q;
}

GroupedWeights quantc::quantizeWeightsGrouped(llvm::ArrayRef<float> kn,
                                              int64_t k, int64_t n,
                                              int64_t group) {
  GroupedWeights q = sizedGroupedWeights(k, n, group);
  for (int64_t g = 0; g < k / group; ++g)
    for (int64_t c = 0; c < n; ++c) {
      double max = 0;
      for (int64_t kk = g * group; kk < (g + 1) * group; ++kk)
        max = std::max(max, std::fabs(double(kn[kk * n + c])));
      double scale = max > 0 ? max / 7 : 1.0;
      q.scales[g * n + c] = scale;
      for (int64_t kk = g * group; kk < (g + 1) * group; ++kk)
        q.values[kk * n + c] = static_cast<int8_t>(
            std::clamp(std::nearbyint(kn[kk * n + c] / scale), -7.0, 7.0));
    }
  return q;
}

double quantc::weightSQNR(llvm::ArrayRef<float> kn, const GroupedWeights &q) {
  double signal = 0, noise = 0;
  for (int64_t kk = 0; kk < q.k; ++kk)
    for (int64_t c = 0; c < q.n; ++c) {
      double w = kn[kk * q.n + c], error = w - q.dequantized(kk, c);
      signal += w * w;
      noise += error * error;
    }
  return noise > 0 ? 10 * std::log10(signal / noise) : 300.0;
}

namespace {
/// Lower Cholesky factor of the symmetric positive definite `a` (n x n,
/// row-major), in place; false if `a` is not positive definite.
bool cholesky(std::vector<double> &a, int64_t n) {
  for (int64_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (int64_t p = 0; p < j; ++p)
      d -= a[j * n + p] * a[j * n + p];
    if (!(d > 0))
      return false;
    a[j * n + j] = std::sqrt(d);
    for (int64_t i = j + 1; i < n; ++i) {
      double v = a[i * n + j];
      for (int64_t p = 0; p < j; ++p)
        v -= a[i * n + p] * a[j * n + p];
      a[i * n + j] = v / a[j * n + j];
    }
    for (int64_t i = 0; i < j; ++i)
      a[i * n + j] = 0;
  }
  return true;
}

/// H^-1 from H's lower Cholesky factor `l`: solve L Y = I, then H^-1 = Y^T Y.
std::vector<double> inverseFromCholesky(const std::vector<double> &l,
                                        int64_t n) {
  std::vector<double> y(n * n, 0.0); // L^-1, lower triangular
  for (int64_t c = 0; c < n; ++c)
    for (int64_t i = c; i < n; ++i) {
      double v = i == c ? 1.0 : 0.0;
      for (int64_t p = c; p < i; ++p)
        v -= l[i * n + p] * y[p * n + c];
      y[i * n + c] = v / l[i * n + i];
    }
  std::vector<double> inv(n * n, 0.0);
  for (int64_t a = 0; a < n; ++a)
    for (int64_t b = a; b < n; ++b) {
      double v = 0;
      for (int64_t p = b; p < n; ++p)
        v += y[p * n + a] * y[p * n + b];
      inv[a * n + b] = inv[b * n + a] = v;
    }
  return inv;
}
} // namespace

std::optional<GroupedWeights>
quantc::quantizeWeightsGPTQ(llvm::ArrayRef<float> kn, int64_t k, int64_t n,
                            int64_t group, llvm::ArrayRef<double> gram,
                            double damp) {
  std::vector<double> h(gram.begin(), gram.end());
  std::vector<double> w(kn.begin(), kn.end());
  double meanDiagonal = 0;
  for (int64_t i = 0; i < k; ++i)
    meanDiagonal += h[i * k + i] / k;
  for (int64_t i = 0; i < k; ++i) {
    if (h[i * k + i] == 0) { // an input that never fires: its weights
      h[i * k + i] = 1;      // cannot matter, zero them
      std::fill_n(w.begin() + i * n, n, 0.0);
    }
    h[i * k + i] += damp * (meanDiagonal > 0 ? meanDiagonal : 1);
  }
  if (!cholesky(h, k))
    return std::nullopt;
  // U with H^-1 = U^T U: the upper factor of H^-1 (transpose of its lower).
  std::vector<double> u = inverseFromCholesky(h, k);
  if (!cholesky(u, k))
    return std::nullopt;
  GroupedWeights q = sizedGroupedWeights(k, n, group);
  std::vector<double> error(n);
  for (int64_t i = 0; i < k; ++i) {
    if (i % group == 0)
      for (int64_t c = 0; c < n; ++c) {
        double max = 0;
        for (int64_t r = i; r < i + group; ++r)
          max = std::max(max, std::fabs(w[r * n + c]));
        q.scales[(i / group) * n + c] = max > 0 ? max / 7 : 1.0;
      }
    double pivot = u[i * k + i]; // U[i][i] = L[i][i]
    for (int64_t c = 0; c < n; ++c) {
      double scale = q.scales[(i / group) * n + c];
      double v = std::clamp(std::nearbyint(w[i * n + c] / scale), -7.0, 7.0);
      q.values[i * n + c] = static_cast<int8_t>(v);
      error[c] = (w[i * n + c] - v * scale) / pivot;
    }
    for (int64_t j = i + 1; j < k; ++j) {
      double factor = u[j * k + i]; // U[i][j]
      if (factor != 0)
        for (int64_t c = 0; c < n; ++c)
          w[j * n + c] -= error[c] * factor;
    }
  }
  return q;
}

double quantc::outputErrorProxy(llvm::ArrayRef<float> kn,
                                const GroupedWeights &q,
                                llvm::ArrayRef<double> gram) {
  int64_t k = q.k, n = q.n;
  double total = 0;
  for (int64_t c = 0; c < n; ++c)
    for (int64_t a = 0; a < k; ++a) {
      double da = q.dequantized(a, c) - kn[a * n + c];
      for (int64_t b = 0; b < k; ++b)
        total += da * gram[a * k + b] * (q.dequantized(b, c) - kn[b * n + c]);
    }
  return total;
}
