//===- RangeSelection.h - clipping ranges and quantization params -*- C++ -*-===//
//
// Part of quantc. Turns calibration statistics into a clipping range
// (min-max, percentile, entropy/KL as in TensorRT, MSE-optimal) and a
// range into uniform quantization parameters.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CALIBRATION_RANGESELECTION_H
#define QUANTC_CALIBRATION_RANGESELECTION_H

#include "quantc/Calibration/Statistics.h"

#include "llvm/ADT/StringRef.h"

#include <optional>

namespace quantc {

enum class RangeMethod { MinMax, Percentile, Entropy, MSE };

/// Parses "minmax", "percentile", "entropy" or "mse".
std::optional<RangeMethod> parseRangeMethod(llvm::StringRef name);
/// The name parseRangeMethod reads back.
llvm::StringRef rangeMethodName(RangeMethod method);

/// A clipping range [lo, hi] with lo <= 0 <= hi (zero must be exact).
struct Range {
  double lo = 0, hi = 0;
};

/// The range `method` selects for a tensor quantized to `bits` bits.
/// min-max takes the observed extremes; the others pick a threshold t on
/// the |x| histogram and clip to [-t, t], or [0, t] for a tensor that was
/// never negative. `percentile` is the fraction of |x| kept (e.g. 0.9999).
Range selectRange(const TensorStatistics &stats, RangeMethod method,
                  unsigned bits, double percentile = 0.9999);

/// The threshold on |x| that minimizes KL(P || Q) between the clipped
/// histogram and its quantization to the levels the larger side of the
/// asymmetric grid gets: 2^(bits-1) for a symmetric tensor up to 2^bits
/// for a never-negative one (TensorRT's entropy calibration, which assumes
/// a symmetric grid; the zero bin is flattened to its neighbour, as there).
double entropyThreshold(const TensorStatistics &stats, unsigned bits);

/// The threshold on |x| that minimizes the expected squared error of
/// clipping plus rounding on the asymmetric 2^bits-level grid that range
/// gets, estimated from the histogram.
double mseThreshold(const TensorStatistics &stats, unsigned bits);

/// Signal-to-quantization-noise ratio in dB of quantizing the tensor to
/// `range` with 2^bits levels, estimated from its |x| histogram (bin
/// centres; clipping at max(-lo, hi)).
double estimateSQNR(const TensorStatistics &stats, Range range, unsigned bits);

/// Uniform quantization parameters: x ~ scale * (q - zeroPoint).
struct QuantParams {
  double scale = 1;
  int64_t zeroPoint = 0;
  int64_t qmin = 0, qmax = 0;
};

/// Parameters covering `range` with `bits`-bit storage. Symmetric: signed
/// storage, zero point 0, range [-127, 127] (narrow) for 8 bits. Asymmetric:
/// unsigned storage [0, 2^bits - 1] with the zero point rounded half to even
/// so that 0.0 is exact.
QuantParams computeQuantParams(Range range, unsigned bits, bool symmetric);

} // namespace quantc

#endif // QUANTC_CALIBRATION_RANGESELECTION_H
