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

private:
  /// Doubles the histogram range, merging pairs of bins (exact).
  void growRange();

  double minimum = 0, maximum = 0, movingMinimum = 0, movingMaximum = 0;
  double range = 0;
  uint64_t elements = 0, numBatches = 0;
  std::vector<uint64_t> bins;
};

} // namespace quantc

#endif // QUANTC_CALIBRATION_STATISTICS_H
