//===- WeightQuantization.h - weights to int8, int4 or ternary ---*- C++
//-*-===//
//
// Part of quantc. Symmetric per-output-channel weight quantization: the
// integer grid, how a channel's scale is chosen, and its error.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CALIBRATION_WEIGHTQUANTIZATION_H
#define QUANTC_CALIBRATION_WEIGHTQUANTIZATION_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace quantc {

enum class WeightScheme {
  /// [-127, 127], scale max|w| / 127, round half to even.
  Int8,
  /// [-7, 7], scale max|w| / 7, round to nearest (RTN).
  Int4,
  /// [-31, 31], scale max|w| / 31: the papers' W6 setting, stored and
  /// computed as int8 (for accuracy studies; no faster than int8).
  Int6,
  /// {-1, 0, 1}, scale mean|w| (BitNet b1.58's absmean), round and clip.
  TernaryAbsMean,
  /// {-1, 0, 1}, threshold 0.7 mean|w|, scale the mean |w| above it
  /// (TWN, Li et al. 2016).
  TernaryThreshold,
};

/// Parses "int8", "int6", "int4", "ternary-absmean" or "ternary-twn".
std::optional<WeightScheme> parseWeightScheme(llvm::StringRef text);
llvm::StringRef weightSchemeName(WeightScheme scheme);

struct QuantizedWeights {
  std::vector<int8_t> values;
  std::vector<double> scales; // one per channel along the axis
  int64_t qmin = -127, qmax = 127;
  /// Ternary schemes: every channel was already {-alpha, 0, +alpha} (a
  /// model trained ternary) and is kept exactly, scale alpha.
  bool alreadyTernary = false;
};

/// Quantizes `w` (of `shape`) per channel along `axis`. A channel of
/// zeros gets scale 1. With a ternary scheme, a channel that is already
/// {-alpha, 0, +alpha} (within 1e-5 relative) keeps alpha as its scale and
/// loses nothing.
QuantizedWeights quantizeWeights(llvm::ArrayRef<float> w,
                                 llvm::ArrayRef<int64_t> shape, int64_t axis,
                                 WeightScheme scheme);

/// Int4 weights with one scale per group of `group` consecutive k in each
/// column of `kn` ([K][N] row-major, K a multiple of `group`): values
/// [K][N] on [-7, 7], scales [K / group][N] (max |w| / 7 of the group, 1 for
/// a group of zeros), round to nearest (RTN, half to even).
struct GroupedWeights {
  std::vector<int8_t> values;
  std::vector<double> scales;
  int64_t k = 0, n = 0, group = 0;
  double dequantized(int64_t kk, int64_t c) const {
    return values[kk * n + c] * scales[(kk / group) * n + c];
  }
};
GroupedWeights quantizeWeightsGrouped(llvm::ArrayRef<float> kn, int64_t k,
                                      int64_t n, int64_t group);

/// GPTQ (Frantar et al., 2023) on the same int4 groups: rows of `kn` are
/// quantized in order of k, each row's rounding error, weighted by the
/// inverse of H = E[x x^T] (`gram`, K x K, plus `damp` x its mean
/// diagonal), spread over the rows not yet quantized; a group's scales
/// come from its rows as updated when the group starts. Minimizes the
/// layer's output error on the calibration inputs rather than the
/// weights'. With a diagonal H nothing spreads: the result is
/// quantizeWeightsGrouped's. nullopt when H is not positive definite.
std::optional<GroupedWeights> quantizeWeightsGPTQ(llvm::ArrayRef<float> kn,
                                                  int64_t k, int64_t n,
                                                  int64_t group,
                                                  llvm::ArrayRef<double> gram,
                                                  double damp = 0.01);

/// The output error proxy tr((W - Q)^T H (W - Q)) of dequantized `q`.
double outputErrorProxy(llvm::ArrayRef<float> kn, const GroupedWeights &q,
                        llvm::ArrayRef<double> gram);

/// SQNR of grouped weights in dB (300 when exact).
double weightSQNR(llvm::ArrayRef<float> kn, const GroupedWeights &q);

/// Signal-to-quantization-noise ratio of the weights in dB (300 when
/// exact).
double weightSQNR(llvm::ArrayRef<float> w, const QuantizedWeights &q,
                  llvm::ArrayRef<int64_t> shape, int64_t axis);

} // namespace quantc

#endif // QUANTC_CALIBRATION_WEIGHTQUANTIZATION_H
