//===- Quantize.cpp - calibrated float ops to int8 qc ops -----------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Calibration/RangeSelection.h"
#include "quantc/Calibration/WeightQuantization.h"
#include "quantc/Dialect/QC/IR/QCAttrs.h"
#include "quantc/Dialect/QC/IR/QCConstants.h"
#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>

namespace quantc::qc {
#define GEN_PASS_DEF_QCQUANTIZE
#include "quantc/Dialect/QC/Transforms/Passes.h.inc"
} // namespace quantc::qc

using namespace mlir;
using namespace quantc::qc;

namespace {

/// u8 activation parameters covering [lo, hi] with an exact zero, on a
/// grid of 2^bits levels.
quant::UniformQuantizedType
activationType(MLIRContext *context, ArrayRef<double> range, unsigned bits) {
  quantc::QuantParams p = quantc::computeQuantParams({range[0], range[1]}, bits,
                                                     /*symmetric=*/false);
  return quant::UniformQuantizedType::get(
      /*flags=*/0, IntegerType::get(context, 8), Float32Type::get(context),
      p.scale, p.zeroPoint, p.qmin, p.qmax);
}

/// u8 activation parameters per channel (axis 1) from [lo, hi] pairs.
quant::UniformQuantizedPerAxisType
perChannelActivationType(MLIRContext *context, ArrayRef<double> ranges,
                         unsigned bits) {
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  int64_t qmin = 0, qmax = (int64_t(1) << bits) - 1;
  for (size_t i = 0; i < ranges.size(); i += 2) {
    quantc::QuantParams p = quantc::computeQuantParams(
        {ranges[i], ranges[i + 1]}, bits, /*symmetric=*/false);
    scales.push_back(p.scale);
    zeroPoints.push_back(p.zeroPoint);
    qmin = p.qmin;
    qmax = p.qmax;
  }
  return quant::UniformQuantizedPerAxisType::get(
      /*flags=*/0, IntegerType::get(context, 8), Float32Type::get(context),
      scales, zeroPoints, /*quantizedDimension=*/1, qmin, qmax);
}

using quantc::QuantizedWeights;
using quantc::weightSQNR;

/// The quantized weight tensor: i8 blob + quant.scast.
Value weightTensor(PatternRewriter &rewriter, Location loc,
                   const QuantizedWeights &q, ArrayRef<int64_t> shape,
                   int64_t axis) {
  MLIRContext *context = rewriter.getContext();
  auto storageType = RankedTensorType::get(shape, rewriter.getI8Type());
  AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      ArrayRef<char>(reinterpret_cast<const char *>(q.values.data()),
                     q.values.size()),
      1);
  Value storage =
      ConstantOp::create(rewriter, loc, storageType,
                         DenseResourceElementsAttr::get(
                             storageType, "int8_weights", std::move(blob)));
  auto type = quant::UniformQuantizedPerAxisType::get(
      quant::QuantizationFlags::Signed, rewriter.getI8Type(),
      Float32Type::get(context), q.scales,
      SmallVector<int64_t>(q.scales.size(), 0), axis, q.qmin, q.qmax);
  return quant::StorageCastOp::create(rewriter, loc, storageType.clone(type),
                                      storage);
}

/// The float bias, one per output channel (zeros when there is none).
FailureOr<std::vector<double>> floatBias(Value bias, size_t channels) {
  std::vector<double> values(channels, 0.0);
  if (bias) {
    auto read = readF32Constant(bias);
    if (!read || read->size() != channels)
      return failure();
    values.assign(read->begin(), read->end());
  }
  return values;
}

/// Subtracts from `bias` the mean output error the rounded weights cause:
/// sum over the inputs i of output channel o of
/// roundingError(o, i) * mean[inputChannel(o, i)], roundingError being
/// dequant(q) - w.
void correctBias(std::vector<double> &bias, int64_t outputs, int64_t inner,
                 ArrayRef<double> mean,
                 llvm::function_ref<int64_t(int64_t, int64_t)> inputChannel,
                 llvm::function_ref<double(int64_t, int64_t)> roundingError) {
  for (int64_t o = 0; o < outputs; ++o) {
    double shift = 0;
    for (int64_t i = 0; i < inner; ++i)
      shift += roundingError(o, i) * mean[inputChannel(o, i)];
    bias[o] -= shift;
  }
}

/// Int4 weights of `shape` in groups of `group` along `blockAxis` (one
/// scale per group and output channel, `scales` laid out as `shape` with
/// that dimension divided by `group`): i8 blob + quant.scast to a
/// sub-channel type.
Value groupedWeightTensor(PatternRewriter &rewriter, Location loc,
                          ArrayRef<int8_t> values, ArrayRef<float> scales,
                          ArrayRef<int64_t> shape, int64_t blockAxis,
                          int64_t group) {
  MLIRContext *context = rewriter.getContext();
  Type i8 = rewriter.getI8Type();
  auto storageType = RankedTensorType::get(shape, i8);
  Value storage = ConstantOp::create(
      rewriter, loc, storageType,
      DenseResourceElementsAttr::get(
          storageType, "int4_weights",
          HeapAsmResourceBlob::allocateAndCopyWithAlign(
              ArrayRef<char>(reinterpret_cast<const char *>(values.data()),
                             values.size()),
              1)));
  SmallVector<int64_t> scaleShape(shape);
  scaleShape[blockAxis] /= group;
  SmallVector<int32_t> dims;
  SmallVector<int64_t> blocks;
  for (int64_t d = 0, e = shape.size(); d < e; ++d) {
    dims.push_back(d);
    blocks.push_back(d == blockAxis ? group : 1);
  }
  auto scalesAttr = DenseElementsAttr::get(
      RankedTensorType::get(scaleShape, Float32Type::get(context)), scales);
  auto zerosAttr = DenseElementsAttr::get(RankedTensorType::get(scaleShape, i8),
                                          rewriter.getI8IntegerAttr(0));
  auto type = quant::UniformQuantizedSubChannelType::get(
      quant::QuantizationFlags::Signed, i8, Float32Type::get(context),
      scalesAttr, zerosAttr, dims, blocks, -7, 7);
  return quant::StorageCastOp::create(rewriter, loc, storageType.clone(type),
                                      storage);
}

/// A float bias tensor (f32, one per output channel).
Value floatBiasTensor(PatternRewriter &rewriter, Location loc,
                      ArrayRef<double> values) {
  SmallVector<float> data(values.begin(), values.end());
  auto type =
      RankedTensorType::get({int64_t(data.size())}, rewriter.getF32Type());
  return ConstantOp::create(rewriter, loc, type,
                            DenseElementsAttr::get(type, ArrayRef<float>(data)))
      .getResult();
}

/// i32 bias at scale s_x * s_w[c]; with one input scale per channel (a
/// depthwise convolution), output channel c uses that of input channel
/// c / multiplier.
Value biasTensor(PatternRewriter &rewriter, Location loc,
                 ArrayRef<double> values, ArrayRef<double> inputScales,
                 ArrayRef<double> weightScales) {
  SmallVector<int32_t> q;
  int64_t outputs = weightScales.size(), inputs = inputScales.size();
  for (auto [c, v, ws] : llvm::enumerate(values, weightScales)) {
    double is = inputScales[inputs == 1 ? 0 : c / (outputs / inputs)];
    q.push_back(static_cast<int32_t>(std::nearbyint(v / (is * ws))));
  }
  auto type = RankedTensorType::get({int64_t(q.size())}, rewriter.getI32Type());
  return ConstantOp::create(rewriter, loc, type,
                            DenseElementsAttr::get(type, ArrayRef<int32_t>(q)))
      .getResult();
}

/// The per-channel [lo, hi] pairs of the probe feeding `value`, if it has
/// `channels` of them.
std::optional<ArrayRef<double>> channelRange(Value value, int64_t channels) {
  auto probe = value.getDefiningOp<ObserveOp>();
  if (!probe || !probe.getChannelRange() ||
      static_cast<int64_t>(probe.getChannelRange()->size()) != 2 * channels)
    return std::nullopt;
  return *probe.getChannelRange();
}

/// The per-channel mean the probe feeding `value` recorded, if it has
/// `channels` entries.
std::optional<ArrayRef<double>> channelMean(Value value, int64_t channels) {
  auto probe = value.getDefiningOp<ObserveOp>();
  if (!probe || !probe.getChannelMean() ||
      static_cast<int64_t>(probe.getChannelMean()->size()) != channels)
    return std::nullopt;
  return *probe.getChannelMean();
}

/// E[x x^T] of the probe feeding `value` (`channels` squared entries), when
/// GPTQ asks for it and the probe has it.
std::optional<ArrayRef<double>> channelGram(Value value, int64_t channels,
                                            bool wanted) {
  auto probe = value.getDefiningOp<ObserveOp>();
  if (!wanted || !probe || !probe.getChannelSecondMoment() ||
      static_cast<int64_t>(probe.getChannelSecondMoment()->size()) !=
          channels * channels)
    return std::nullopt;
  return *probe.getChannelSecondMoment();
}

/// The calibrated range of an activation, when it is a probe with one.
std::optional<ArrayRef<double>> calibratedRange(Value value) {
  auto probe = value.getDefiningOp<ObserveOp>();
  if (!probe || !probe.getRange())
    return std::nullopt;
  return *probe.getRange();
}

Value quantizeActivation(PatternRewriter &rewriter, Location loc, Value x,
                         Type type) {
  auto tensor = cast<RankedTensorType>(x.getType());
  return QuantizeOp::create(rewriter, loc, tensor.clone(type), x);
}

/// How one layer is quantized: the pass options, or the layer's
/// #qc.precision over them.
struct QuantizeSettings {
  quantc::WeightScheme weights = quantc::WeightScheme::Int8;
  bool biasCorrection = true;
  bool perChannelDepthwise = true;
  /// Int4 only: k per weight scale group (0: one scale per output channel).
  int64_t group = 0;
  /// Int4 groups: GPTQ where the input's probe has E[x x^T].
  bool gptq = false;
  /// Levels of the activation grid: 2^activationBits.
  unsigned activationBits = 8;
};

/// The pass options every rewrite reads.
struct PassSettings {
  QuantizeSettings defaults;
  /// Location names of the ops to leave in float.
  llvm::StringSet<> keepFloat;
};

/// `defaults` as `precision` overrides them (nullopt: float).
std::optional<QuantizeSettings> layerSettings(const QuantizeSettings &defaults,
                                              LayerPrecisionAttr precision) {
  if (!precision)
    return defaults;
  QuantizeSettings settings = defaults;
  settings.group = precision.getGroup();
  settings.gptq = precision.getGptq();
  switch (precision.getFormat()) {
  case WeightPrecision::Float:
    return std::nullopt;
  case WeightPrecision::Int8:
    settings.weights = quantc::WeightScheme::Int8;
    break;
  case WeightPrecision::Int4:
    settings.weights = quantc::WeightScheme::Int4;
    break;
  case WeightPrecision::TernaryAbsMean:
    settings.weights = quantc::WeightScheme::TernaryAbsMean;
    break;
  case WeightPrecision::TernaryTwn:
    settings.weights = quantc::WeightScheme::TernaryThreshold;
    break;
  }
  return settings;
}

/// Int4 weights W [K][N] (`kn`) in groups of `group` along K: quantized,
/// the bias corrected for their rounding as in `correctBias`, with the
/// weights' SQNR.
struct GroupedLayer {
  quantc::GroupedWeights q;
  double sqnr = 0;
  /// How the weights were rounded (kWeightRoundingAttr).
  std::string rounding;
  /// With GPTQ: its output error proxy tr(dW^T H dW) over round to
  /// nearest's on the same groups (kGptqErrorRatioAttr).
  std::optional<double> gptqErrorRatio;
};
GroupedLayer quantizeGroupedLayer(ArrayRef<float> kn, int64_t k, int64_t n,
                                  int64_t group, std::vector<double> &bias,
                                  std::optional<ArrayRef<double>> mean,
                                  std::optional<ArrayRef<double>> gram,
                                  bool gptqWanted) {
  std::optional<quantc::GroupedWeights> gptq;
  std::string rounding = "round to nearest";
  if (gram) {
    gptq = quantc::quantizeWeightsGPTQ(kn, k, n, group, *gram);
    rounding = gptq ? "gptq"
                    : "round to nearest: GPTQ's Cholesky factorization of "
                      "E[x x^T] failed";
  } else if (gptqWanted) {
    rounding =
        k > quantc::ChannelMoments::kMaxGramChannels
            ? "round to nearest: no E[x x^T] for the input: calibration "
              "records it for at most " +
                  std::to_string(quantc::ChannelMoments::kMaxGramChannels) +
                  " channels, this layer has " + std::to_string(k)
            : std::string("round to nearest: the input's probe carries no "
                          "E[x x^T] (calibrated without GPTQ, or a cache "
                          "without its .moments folder)");
  }
  GroupedLayer layer{quantc::quantizeWeightsGrouped(kn, k, n, group), 0,
                     rounding, std::nullopt};
  if (gptq) {
    double rtnError = quantc::outputErrorProxy(kn, layer.q, *gram);
    double gptqError = quantc::outputErrorProxy(kn, *gptq, *gram);
    if (rtnError > 0)
      layer.gptqErrorRatio = gptqError / rtnError;
    layer.q = std::move(*gptq);
  }
  if (mean)
    correctBias(
        bias, n, k, *mean, [](int64_t, int64_t i) { return i; },
        [&](int64_t o, int64_t i) {
          return layer.q.dequantized(i, o) - kn[i * n + o];
        });
  layer.sqnr = quantc::weightSQNR(kn, layer.q);
  return layer;
}

/// How a layer without int4 groups is rounded: GPTQ works on groups only.
std::string ungroupedRounding(const QuantizeSettings &settings,
                              const QuantizedWeights &q) {
  if (q.alreadyTernary)
    return "already ternary: kept exactly";
  if (!settings.gptq)
    return "round to nearest";
  return "round to nearest: GPTQ needs int4 groups, and this layer's "
         "inputs are not grouped (the group does not divide them, or a "
         "convolution that is not 1x1)";
}

/// A rewrite of one float op kind that leaves the keep-float ops alone and
/// honours each layer's #qc.precision.
template <typename OpT> struct QuantizePattern : OpRewritePattern<OpT> {
  QuantizePattern(MLIRContext *context, const PassSettings &pass)
      : OpRewritePattern<OpT>(context), pass(pass) {}
  LogicalResult matchAndRewrite(OpT op, PatternRewriter &rewriter) const final {
    if (op->hasAttr(kKeepFloatAttr))
      return rewriter.notifyMatchFailure(op, "marked keep-float");
    StringRef name = cast<QuantizableOpInterface>(*op).getLayerName();
    if (!name.empty() && pass.keepFloat.contains(name))
      return rewriter.notifyMatchFailure(op, "kept in float");
    std::optional<QuantizeSettings> settings = layerSettings(
        pass.defaults,
        op->template getAttrOfType<LayerPrecisionAttr>(kPrecisionAttr));
    if (!settings)
      return rewriter.notifyMatchFailure(op, "assigned float");
    return quantize(op, rewriter, *settings);
  }
  virtual LogicalResult quantize(OpT op, PatternRewriter &rewriter,
                                 const QuantizeSettings &settings) const = 0;
  const PassSettings &pass; // owned by the pass run
};

struct QuantizeConv : QuantizePattern<Conv2DOp> {
  using QuantizePattern::QuantizePattern;
  LogicalResult quantize(Conv2DOp op, PatternRewriter &rewriter,
                         const QuantizeSettings &settings) const override {
    std::optional<ArrayRef<double>> range = calibratedRange(op.getInput());
    auto weights = readF32Constant(op.getWeight());
    if (!range || !weights || !op.getType().getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "not a calibrated conv");
    Location loc = op.getLoc();
    auto act =
        activationType(rewriter.getContext(), *range, settings.activationBits);
    ArrayRef<int64_t> wShape = op.getWeight().getType().getShape();
    if (takesGroupedWeights(op, settings))
      return quantizeGrouped(op, *weights, act, rewriter, settings);
    QuantizedWeights q =
        quantc::quantizeWeights(*weights, wShape, /*axis=*/0, settings.weights);
    FailureOr<std::vector<double>> biasValues =
        floatBias(op.getBias(), wShape[0]);
    if (failed(biasValues))
      return rewriter.notifyMatchFailure(op, "bias not constant");
    int64_t inputChannels = op.getInput().getType().getDimSize(1);
    if (auto mean = channelMean(op.getInput(), inputChannels);
        mean && settings.biasCorrection) {
      // Output channel o of group g reads input channels g*Cg .. g*Cg+Cg-1.
      int64_t perGroup = wShape[1], window = wShape[2] * wShape[3];
      int64_t outputsPerGroup = wShape[0] / op.getGroup();
      int64_t inner = perGroup * window;
      correctBias(
          *biasValues, wShape[0], inner, *mean,
          [&](int64_t o, int64_t i) {
            return (o / outputsPerGroup) * perGroup + i / window;
          },
          [&](int64_t o, int64_t i) {
            int64_t at = o * inner + i;
            return q.values[at] * q.scales[o] - (*weights)[at];
          });
    }
    // A depthwise convolution reads each channel alone: its input may take
    // one scale per channel from the probe's per-channel ranges.
    SmallVector<double> inputScales = {act.getScale()};
    Type inputElement = act;
    std::optional<ArrayRef<double>> channelRanges =
        channelRange(op.getInput(), inputChannels);
    if (settings.perChannelDepthwise && channelRanges && inputChannels > 1 &&
        static_cast<int64_t>(op.getGroup()) == inputChannels) {
      auto perAxis = perChannelActivationType(
          rewriter.getContext(), *channelRanges, settings.activationBits);
      inputScales.assign(perAxis.getScales().begin(),
                         perAxis.getScales().end());
      inputElement = perAxis;
    }
    Value bias = biasTensor(rewriter, loc, *biasValues, inputScales, q.scales);
    Value x = quantizeActivation(rewriter, loc, op.getInput(), inputElement);
    Value w = weightTensor(rewriter, loc, q, wShape, 0);
    auto quantized = rewriter.replaceOpWithNewOp<QConv2DOp>(
        op, op.getType(), x, w, bias, op.getStridesAttr(), op.getPadsAttr(),
        op.getDilationsAttr(), op.getGroupAttr());
    quantized->setAttr(kWeightSQNRAttr, rewriter.getF64FloatAttr(weightSQNR(
                                            *weights, q, wShape, 0)));
    quantized->setAttr(kWeightRoundingAttr,
                       rewriter.getStringAttr(ungroupedRounding(settings, q)));
    return success();
  }

  /// Int4 groups along the input channels, for the convolutions lowered as
  /// matmuls over channels: 1x1, one group, unit strides, no padding, one
  /// image, Cin a multiple of the group.
  static bool takesGroupedWeights(Conv2DOp op,
                                  const QuantizeSettings &settings) {
    auto in = op.getInput().getType();
    ArrayRef<int64_t> wShape = op.getWeight().getType().getShape();
    return settings.weights == quantc::WeightScheme::Int4 &&
           settings.group > 0 && in.hasStaticShape() && in.getDimSize(0) == 1 &&
           wShape[2] == 1 && wShape[3] == 1 && op.getGroup() == 1 &&
           wShape[1] % settings.group == 0 && op.hasUnitStridesAndNoPadding();
  }

  static LogicalResult quantizeGrouped(Conv2DOp op, ArrayRef<float> weights,
                                       quant::UniformQuantizedType act,
                                       PatternRewriter &rewriter,
                                       const QuantizeSettings &settings) {
    Location loc = op.getLoc();
    ArrayRef<int64_t> wShape = op.getWeight().getType().getShape();
    int64_t cout = wShape[0], cin = wShape[1], group = settings.group;
    FailureOr<std::vector<double>> biasValues = floatBias(op.getBias(), cout);
    if (failed(biasValues))
      return rewriter.notifyMatchFailure(op, "bias not constant");
    std::vector<float> kn(cin * cout);
    for (int64_t o = 0; o < cout; ++o)
      for (int64_t c = 0; c < cin; ++c)
        kn[c * cout + o] = weights[o * cin + c];
    std::optional<ArrayRef<double>> mean;
    if (settings.biasCorrection)
      mean = channelMean(op.getInput(), cin);
    GroupedLayer layer = quantizeGroupedLayer(
        kn, cin, cout, group, *biasValues, mean,
        channelGram(op.getInput(), cin, settings.gptq), settings.gptq);
    // Back to [Cout][Cin] values and [Cout][Cin / G] scales.
    std::vector<int8_t> values(cin * cout);
    std::vector<float> scales(cout * (cin / group));
    for (int64_t o = 0; o < cout; ++o) {
      for (int64_t c = 0; c < cin; ++c)
        values[o * cin + c] = layer.q.values[c * cout + o];
      for (int64_t g = 0; g < cin / group; ++g)
        scales[o * (cin / group) + g] = layer.q.scales[g * cout + o];
    }
    Value x = quantizeActivation(rewriter, loc, op.getInput(), act);
    Value w =
        groupedWeightTensor(rewriter, loc, values, scales, wShape, 1, group);
    auto quantized = rewriter.replaceOpWithNewOp<QConv2DOp>(
        op, op.getType(), x, w, floatBiasTensor(rewriter, loc, *biasValues),
        op.getStridesAttr(), op.getPadsAttr(), op.getDilationsAttr(),
        op.getGroupAttr());
    quantized->setAttr(kWeightSQNRAttr, rewriter.getF64FloatAttr(layer.sqnr));
    quantized->setAttr(kWeightRoundingAttr,
                       rewriter.getStringAttr(layer.rounding));
    if (layer.gptqErrorRatio)
      quantized->setAttr(kGptqErrorRatioAttr,
                         rewriter.getF64FloatAttr(*layer.gptqErrorRatio));
    return success();
  }
};

/// x [.., K] times a constant W [K, N] (+ bias [N]) as a 2-D qmatmul.
LogicalResult rewriteLinear(PatternRewriter &rewriter, Operation *op, Value x,
                            ArrayRef<float> w, int64_t k, int64_t n, Value bias,
                            ArrayRef<double> range,
                            const QuantizeSettings &settings) {
  Location loc = op->getLoc();
  auto xType = cast<RankedTensorType>(x.getType());
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  if (!xType.hasStaticShape() || xType.getDimSize(xType.getRank() - 1) != k)
    return failure();
  int64_t m = xType.getNumElements() / k;
  auto act =
      activationType(rewriter.getContext(), range, settings.activationBits);
  auto replaceWithProduct = [&](Value xq, Value wq, Value biasValue,
                                double sqnr, StringRef rounding,
                                std::optional<double> gptqErrorRatio) {
    auto matmul = QMatMulOp::create(
        rewriter, loc, RankedTensorType::get({m, n}, rewriter.getF32Type()), xq,
        wq, biasValue);
    matmul->setAttr(kWeightSQNRAttr, rewriter.getF64FloatAttr(sqnr));
    matmul->setAttr(kWeightRoundingAttr, rewriter.getStringAttr(rounding));
    if (gptqErrorRatio)
      matmul->setAttr(kGptqErrorRatioAttr,
                      rewriter.getF64FloatAttr(*gptqErrorRatio));
    Value product = matmul;
    if (resultType.getShape() != ArrayRef<int64_t>{m, n})
      product = ReshapeOp::create(rewriter, loc, resultType, product);
    rewriter.replaceOp(op, product);
  };
  Value flat = x;
  if (xType.getRank() != 2)
    flat = ReshapeOp::create(
        rewriter, loc, RankedTensorType::get({m, k}, xType.getElementType()),
        x);
  if (settings.weights == quantc::WeightScheme::Int4 && settings.group > 0 &&
      k % settings.group == 0) {
    FailureOr<std::vector<double>> biasValues = floatBias(bias, n);
    if (failed(biasValues))
      return failure();
    std::optional<ArrayRef<double>> mean;
    if (settings.biasCorrection)
      mean = channelMean(x, k);
    GroupedLayer layer =
        quantizeGroupedLayer(w, k, n, settings.group, *biasValues, mean,
                             channelGram(x, k, settings.gptq), settings.gptq);
    std::vector<float> scales(layer.q.scales.begin(), layer.q.scales.end());
    replaceWithProduct(quantizeActivation(rewriter, loc, flat, act),
                       groupedWeightTensor(rewriter, loc, layer.q.values,
                                           scales, {k, n}, 0, settings.group),
                       floatBiasTensor(rewriter, loc, *biasValues), layer.sqnr,
                       layer.rounding, layer.gptqErrorRatio);
    return success();
  }
  QuantizedWeights q =
      quantc::quantizeWeights(w, {k, n}, /*axis=*/1, settings.weights);
  FailureOr<std::vector<double>> biasValues = floatBias(bias, n);
  if (failed(biasValues))
    return failure();
  if (auto mean = channelMean(x, k); mean && settings.biasCorrection)
    correctBias(
        *biasValues, n, k, *mean, [](int64_t, int64_t i) { return i; },
        [&](int64_t o, int64_t i) {
          return q.values[i * n + o] * q.scales[o] - w[i * n + o];
        });
  Value biasQ =
      biasTensor(rewriter, loc, *biasValues, {act.getScale()}, q.scales);
  replaceWithProduct(quantizeActivation(rewriter, loc, flat, act),
                     weightTensor(rewriter, loc, q, {k, n}, 1), biasQ,
                     weightSQNR(w, q, {k, n}, 1),
                     ungroupedRounding(settings, q), std::nullopt);
  return success();
}

struct QuantizeMatMul : QuantizePattern<MatMulOp> {
  using QuantizePattern::QuantizePattern;
  LogicalResult quantize(MatMulOp op, PatternRewriter &rewriter,
                         const QuantizeSettings &settings) const override {
    std::optional<ArrayRef<double>> range = calibratedRange(op.getLhs());
    auto weights = readF32Constant(op.getRhs());
    auto rhsType = op.getRhs().getType();
    if (!range || !weights || rhsType.getRank() != 2 ||
        op.getLhs().getType().getRank() < 2)
      return rewriter.notifyMatchFailure(op, "not a calibrated x * W");
    return rewriteLinear(rewriter, op, op.getLhs(), *weights,
                         rhsType.getDimSize(0), rhsType.getDimSize(1), Value(),
                         *range, settings);
  }
};

struct QuantizeGemm : QuantizePattern<GemmOp> {
  using QuantizePattern::QuantizePattern;
  LogicalResult quantize(GemmOp op, PatternRewriter &rewriter,
                         const QuantizeSettings &settings) const override {
    std::optional<ArrayRef<double>> range = calibratedRange(op.getA());
    auto weights = readF32Constant(op.getB());
    if (!range || !weights || op.getTransA() ||
        op.getAlpha().convertToDouble() != 1.0 ||
        op.getBeta().convertToDouble() != 1.0 ||
        (op.getC() && op.getC().getType().getRank() != 1))
      return rewriter.notifyMatchFailure(op, "not a plain calibrated gemm");
    auto bType = op.getB().getType();
    int64_t k = op.getTransB() ? bType.getDimSize(1) : bType.getDimSize(0);
    int64_t n = op.getTransB() ? bType.getDimSize(0) : bType.getDimSize(1);
    std::vector<float> kn(weights->size());
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < n; ++j)
        kn[i * n + j] =
            op.getTransB() ? (*weights)[j * k + i] : (*weights)[i * n + j];
    if (op.getC() && op.getC().getType().getDimSize(0) != n)
      return rewriter.notifyMatchFailure(op, "bias does not have N elements");
    return rewriteLinear(rewriter, op, op.getA(), kn, k, n, op.getC(), *range,
                         settings);
  }
};

struct QCQuantizePass
    : public quantc::qc::impl::QCQuantizeBase<QCQuantizePass> {
  using QCQuantizeBase::QCQuantizeBase;
  void runOnOperation() override {
    int64_t before = 0, after = 0;
    getOperation()->walk([&](QuantizableOpInterface) { ++before; });
    std::optional<quantc::WeightScheme> scheme =
        quantc::parseWeightScheme(weights);
    if (!scheme) {
      getOperation()->emitError("unknown weights '")
          << weights
          << "'; expected int8, int6, int4, ternary-absmean or "
             "ternary-twn";
      return signalPassFailure();
    }
    if (group != 0 && (*scheme != quantc::WeightScheme::Int4 || group < 0 ||
                       group % 8 != 0)) {
      getOperation()->emitError("group ")
          << group.getValue()
          << ": weight groups need weights=int4 and a positive "
             "multiple of 8";
      return signalPassFailure();
    }
    if (activationBits < 4 || activationBits > 8) {
      getOperation()->emitError("activation-bits ")
          << activationBits.getValue() << ": expected 4 to 8";
      return signalPassFailure();
    }
    PassSettings settings{{*scheme, biasCorrection, perChannelDepthwise, group,
                           gptq, unsigned(activationBits)},
                          llvm::StringSet<>(llvm::from_range, keepFloat)};
    RewritePatternSet patterns(&getContext());
    patterns.add<QuantizeConv, QuantizeMatMul, QuantizeGemm>(&getContext(),
                                                             settings);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    getOperation()->walk([&](QuantizableOpInterface) { ++after; });
    numQuantized += before - after;
  }
};
} // namespace
