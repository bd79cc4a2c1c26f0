//===- Statistics.cpp - streaming activation statistics -------------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Calibration/Statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace quantc;

static llvm::Error badField(llvm::StringRef field) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "bad or missing '" + field + "'");
}

void TensorStatistics::growRange() {
  for (int i = 0; i < kBins / 2; ++i)
    bins[i] = bins[2 * i] + bins[2 * i + 1];
  std::fill(bins.begin() + kBins / 2, bins.end(), 0);
  range *= 2;
}

void TensorStatistics::update(llvm::ArrayRef<float> values) {
  if (values.empty())
    return;
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  double batchMin = *lo, batchMax = *hi;
  double absMax = std::max(std::fabs(batchMin), std::fabs(batchMax));
  if (numBatches == 0) {
    minimum = movingMinimum = batchMin;
    maximum = movingMaximum = batchMax;
    bins.assign(kBins, 0);
    // A power of two strictly above |x|: bin edges of later, doubled
    // ranges fall on old edges, so merging stays exact.
    range = absMax > 0 ? std::exp2(std::floor(std::log2(absMax)) + 1) : 1.0;
    while (range <= absMax)
      range *= 2;
  } else {
    minimum = std::min(minimum, batchMin);
    maximum = std::max(maximum, batchMax);
    movingMinimum += kMomentum * (batchMin - movingMinimum);
    movingMaximum += kMomentum * (batchMax - movingMaximum);
    // Growing by powers of two keeps old bin edges on new ones.
    while (absMax >= range)
      growRange();
  }
  double scale = kBins / range;
  for (float value : values)
    ++bins[static_cast<int>(std::fabs(value) * scale)];
  elements += values.size();
  ++numBatches;
}

llvm::json::Object TensorStatistics::toJSON() const {
  llvm::json::Array histogramBins;
  for (uint64_t bin : bins)
    histogramBins.push_back(static_cast<int64_t>(bin));
  return llvm::json::Object{
      {"min", minimum},
      {"max", maximum},
      {"moving_min", movingMinimum},
      {"moving_max", movingMaximum},
      {"count", static_cast<int64_t>(elements)},
      {"batches", static_cast<int64_t>(numBatches)},
      {"abs_histogram",
       llvm::json::Object{{"range", range}, {"bins", std::move(histogramBins)}}},
  };
}

llvm::Expected<TensorStatistics>
TensorStatistics::fromJSON(const llvm::json::Object &object) {
  TensorStatistics stats;
  for (auto [field, out] :
       {std::make_pair("min", &stats.minimum),
        std::make_pair("max", &stats.maximum),
        std::make_pair("moving_min", &stats.movingMinimum),
        std::make_pair("moving_max", &stats.movingMaximum)}) {
    std::optional<double> value = object.getNumber(field);
    if (!value || !std::isfinite(*value))
      return badField(field);
    *out = *value;
  }
  std::optional<int64_t> count = object.getInteger("count");
  std::optional<int64_t> batches = object.getInteger("batches");
  if (!count || *count < 0)
    return badField("count");
  if (!batches || *batches < 0)
    return badField("batches");
  stats.elements = *count;
  stats.numBatches = *batches;
  const llvm::json::Object *histogram = object.getObject("abs_histogram");
  if (!histogram)
    return badField("abs_histogram");
  std::optional<double> range = histogram->getNumber("range");
  const llvm::json::Array *bins = histogram->getArray("bins");
  if (!range || !(*range > 0) || !std::isfinite(*range))
    return badField("abs_histogram.range");
  if (!bins || bins->size() != kBins)
    return badField("abs_histogram.bins");
  stats.range = *range;
  uint64_t total = 0;
  for (const llvm::json::Value &bin : *bins) {
    std::optional<int64_t> value = bin.getAsInteger();
    if (!value || *value < 0)
      return badField("abs_histogram.bins");
    stats.bins.push_back(*value);
    total += *value;
  }
  if (total != stats.elements || stats.minimum > stats.maximum)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "inconsistent statistics");
  return stats;
}

void ChannelMoments::update(llvm::ArrayRef<float> values,
                            llvm::ArrayRef<int64_t> sizes, int64_t axis) {
  int64_t channels = sizes[axis], inner = 1;
  for (size_t d = axis + 1; d < sizes.size(); ++d)
    inner *= sizes[d];
  if (sums.empty()) {
    sums.assign(channels, 0.0);
    mins.assign(channels, std::numeric_limits<double>::infinity());
    maxs.assign(channels, -std::numeric_limits<double>::infinity());
    if (channels <= kMaxGramChannels)
      gram.assign(channels * channels, 0.0);
  }
  if (static_cast<int64_t>(sums.size()) != channels)
    return; // a differently shaped tensor under the same name: ignored
  int64_t outer = values.size() / (channels * inner);
  // The Gram matrix costs channels^2 per row: it samples at most
  // kMaxGramRows evenly spaced rows of each tensor.
  int64_t rowsHere = outer * inner;
  int64_t gramStride = std::max<int64_t>(1, rowsHere / kMaxGramRows);
  row.resize(channels);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const float *base = values.data() + o * channels * inner + i;
      for (int64_t c = 0; c < channels; ++c) {
        row[c] = base[c * inner];
        sums[c] += row[c];
        mins[c] = std::min<double>(mins[c], row[c]);
        maxs[c] = std::max<double>(maxs[c], row[c]);
      }
      ++numRows;
      if (gram.empty() || (o * inner + i) % gramStride != 0)
        continue;
      // The upper triangle; secondMoment mirrors it.
      for (int64_t a = 0; a < channels; ++a) {
        double xa = row[a];
        if (xa == 0)
          continue; // post-ReLU rows are sparse
        double *out = gram.data() + a * channels;
        for (int64_t b = a; b < channels; ++b)
          out[b] += xa * row[b];
      }
      ++gramRows;
    }
}

std::vector<double> ChannelMoments::mean() const {
  std::vector<double> out(sums);
  for (double &v : out)
    v /= std::max<uint64_t>(numRows, 1);
  return out;
}

void ChannelMoments::setSecondMoment(std::vector<double> moment) {
  gram = std::move(moment);
  gramRows = 1;
}

std::vector<double> ChannelMoments::secondMoment() const {
  std::vector<double> out(gram);
  int64_t n = channels();
  double rows = std::max<uint64_t>(gramRows, 1);
  for (int64_t a = 0; a < n && !out.empty(); ++a)
    for (int64_t b = a; b < n; ++b)
      out[b * n + a] = out[a * n + b] = gram[a * n + b] / rows;
  return out;
}

llvm::json::Object ChannelMoments::toJSON() const {
  llvm::json::Array means;
  for (double v : mean())
    means.push_back(v);
  return llvm::json::Object{
      {"rows", static_cast<int64_t>(numRows)},
      {"mean", std::move(means)},
      {"min", llvm::json::Array(mins)},
      {"max", llvm::json::Array(maxs)}};
}

llvm::Expected<ChannelMoments>
ChannelMoments::fromJSON(const llvm::json::Object &object) {
  ChannelMoments moments;
  std::optional<int64_t> rows = object.getInteger("rows");
  const llvm::json::Array *means = object.getArray("mean");
  if (!rows || *rows < 0)
    return badField("rows");
  if (!means)
    return badField("mean");
  moments.numRows = *rows;
  for (const llvm::json::Value &value : *means) {
    std::optional<double> mean = value.getAsNumber();
    if (!mean || !std::isfinite(*mean))
      return badField("mean");
    moments.sums.push_back(*mean * moments.numRows);
  }
  for (auto [field, out] : {std::make_pair("min", &moments.mins),
                            std::make_pair("max", &moments.maxs)}) {
    const llvm::json::Array *values = object.getArray(field);
    if (!values)
      continue;
    for (const llvm::json::Value &value : *values) {
      std::optional<double> number = value.getAsNumber();
      if (!number || !std::isfinite(*number))
        return badField(field);
      out->push_back(*number);
    }
    if (out->size() != moments.sums.size())
      return badField(field);
  }
  return moments;
}
