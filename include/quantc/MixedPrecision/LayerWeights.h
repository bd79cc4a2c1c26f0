//===- LayerWeights.h - each candidate's weights, as qc-quantize makes them
//===//
//
// Part of quantc. The mixed-precision search compiles every candidate of
// every layer into one switched module; this reads back, per layer and
// candidate, the weights qc-quantize actually produced (dequantized) and
// the bits they take, so that sensitivities and sizes describe exactly
// what the object will hold (groups, GPTQ and ternary included).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_MIXEDPRECISION_LAYERWEIGHTS_H
#define QUANTC_MIXEDPRECISION_LAYERWEIGHTS_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace quantc {

/// One layer's weights as [outputs][inner]: inner index i reads input
/// channel group(o) * channelsPerGroup + i / window at window position
/// i % window (a matmul: window 1, one group; a convolution: its kh x kw).
struct LayerGeometry {
  int64_t outputs = 0, channelsPerGroup = 0, window = 1, groups = 1;
  int64_t inner() const { return channelsPerGroup * window; }
  int64_t weights() const { return outputs * inner(); }
  int64_t outputsPerGroup() const { return outputs / groups; }
};

struct CandidateWeights {
  /// The precision text ("int4-g32").
  std::string precision;
  /// Bits the layer's weights take: values plus 32 per scale; a layer
  /// left float (or that qc-quantize did not rewrite), 32 per weight.
  double bits = 0;
  /// Whether qc-quantize rewrote the layer for this candidate.
  bool quantized = false;
  /// The dequantized weights, [outputs][inner] (empty when float).
  std::vector<float> values;
};

struct LayerWeights {
  std::string name;
  LayerGeometry geometry;
  /// The float weights, [outputs][inner].
  std::vector<float> values;
  /// E[x x^T] of the input channels (channels^2), when calibration kept it.
  std::vector<double> inputSecondMoment;
  /// Output elements per output channel per sample (batch x spatial).
  int64_t outputPositions = 1;
  /// The layer's result shape and the axis of its output channels.
  std::vector<int64_t> resultShape;
  int64_t resultChannelAxis = 0;
  /// Indexed as the switch's choices.
  std::vector<CandidateWeights> candidates;
};

/// Reads `quantized` (a calibrated module after qc-insert-precision-
/// switches with `candidates` and qc-quantize), using `calibrated` (the same
/// module before them: float weights, probes with E[x x^T]) for the float
/// side. One entry per switch, in switch order.
llvm::Expected<std::vector<LayerWeights>>
readLayerWeights(mlir::ModuleOp calibrated, mlir::ModuleOp quantized,
                 llvm::ArrayRef<std::string> candidates);

} // namespace quantc

#endif // QUANTC_MIXEDPRECISION_LAYERWEIGHTS_H
