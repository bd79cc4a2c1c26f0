//===- Statistics.h - streaming activation statistics -----------*- C++ -*-===//
//
// Part of quantc. What calibration records per observed tensor, one batch
// at a time, so that no activation is kept after its batch.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CALIBRATION_STATISTICS_H
#define QUANTC_CALIBRATION_STATISTICS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <vector>

namespace quantc {

class TensorStatistics {
public:
  /// Bins of the |x| histogram (TensorRT's entropy calibration uses 2048).
  static constexpr int kBins = 2048;
  /// Weight of a new batch in the moving-average min/max.
  static constexpr double kMomentum = 0.01;

  /// Adds one batch of values (all finite).
  void update(llvm::ArrayRef<float> values);

  double min() const { return minimum; }
  double max() const { return maximum; }
  double movingMin() const { return movingMinimum; }
  double movingMax() const { return movingMaximum; }
  uint64_t count() const { return elements; }
  uint64_t batches() const { return numBatches; }
  /// Histogram of |x| over [0, histogramRange()): bin i covers
  /// [i, i+1) * range / kBins. The range is a power of two above every
  /// |x| seen and doubles as needed, merging bin pairs, so streaming gives
  /// exactly the histogram one pass would.
  llvm::ArrayRef<uint64_t> histogram() const { return bins; }
  double histogramRange() const { return range; }

  llvm::json::Object toJSON() const;
  /// Reads what toJSON wrote; an error says which field is wrong.
  static llvm::Expected<TensorStatistics>
  fromJSON(const llvm::json::Object &object);

private:
  /// Doubles the histogram range, merging pairs of bins (exact).
  void growRange();

  double minimum = 0, maximum = 0, movingMinimum = 0, movingMaximum = 0;
  double range = 0;
  uint64_t elements = 0, numBatches = 0;
  std::vector<uint64_t> bins;
};

/// First and second moments of a tensor along its channel axis (the axis a
/// consuming conv or matmul reduces over): E[x_c] per channel, which bias
/// correction needs, and E[x x^T] over channels, the Hessian proxy that
/// mixed precision and GPTQ need. Every other axis counts as a row.
class ChannelMoments {
public:
  /// The Gram matrix is kept up to this many channels (4 MiB of doubles).
  static constexpr int64_t kMaxGramChannels = 724;
  /// Rows of one tensor the Gram matrix samples (evenly spaced).
  static constexpr int64_t kMaxGramRows = 1024;

  /// Adds a row-major tensor of `sizes` whose channel axis is `axis`.
  void update(llvm::ArrayRef<float> values, llvm::ArrayRef<int64_t> sizes,
              int64_t axis);

  int64_t channels() const { return static_cast<int64_t>(sums.size()); }
  uint64_t rows() const { return numRows; }
  /// E[x_c].
  std::vector<double> mean() const;
  /// Extremes per channel (empty after fromJSON of an old cache).
  llvm::ArrayRef<double> channelMin() const { return mins; }
  llvm::ArrayRef<double> channelMax() const { return maxs; }
  /// E[x x^T], channels x channels row-major, over sampled rows; empty
  /// above kMaxGramChannels channels or after fromJSON.
  std::vector<double> secondMoment() const;
  bool hasSecondMoment() const { return !gram.empty(); }
  /// Takes E[x x^T] (channels x channels) as read back from a cache's
  /// .moments file.
  void setSecondMoment(std::vector<double> moment);

  /// Means and extremes (the Gram matrix is written separately: it is
  /// large).
  llvm::json::Object toJSON() const;
  /// Reads what toJSON wrote (all but the Gram matrix).
  static llvm::Expected<ChannelMoments>
  fromJSON(const llvm::json::Object &object);

private:
  std::vector<double> sums, gram, mins, maxs;
  uint64_t numRows = 0, gramRows = 0;
  std::vector<float> row; // scratch: one row of channels
};

} // namespace quantc

#endif // QUANTC_CALIBRATION_STATISTICS_H
