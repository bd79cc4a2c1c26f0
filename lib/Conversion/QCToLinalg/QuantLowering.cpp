//===- QuantLowering.cpp - quantized qc ops to integer linalg -------------===//
//
// Part of quantc. The numerics contract (docs/Numerics.md):
//   quantize:    q = clamp(roundeven(x / s) + z, qmin, qmax)
//   dequantize:  x = (q - z) * s
//   qmatmul / qconv2d: acc = sum (a - za) * (w - zw) in i32 (+ i32 bias),
//     then per output channel c with m[c] = sa * sw[c] (f32; a depthwise
//     conv's per-channel input gives sa[c / multiplier]):
//     f32 result: acc * m[c] (+ f32 bias); i32 result: acc;
//     quantized result, integer only: m[c] / sy = M0[c] / 2^n[c] with a
//     31-bit M0, y = clamp(((acc * M0 + 2^(n-1)) >> n) + zy, qmin, qmax)
//     in i64 (round half up)
//   all f32 arithmetic; the storage of quantized tensors is their signless
//   integer type (u8 values stay in i8 bits and widen with zero extension).
//
//===----------------------------------------------------------------------===//

#include "DirectConv.h"
#include "GroupedProduct.h"
#include "LoweringUtils.h"
#include "Patterns.h"

#include "quantc/Conversion/GemmKernels/GemmKernels.h"
#include "quantc/Conversion/QCToLinalg/QCToLinalg.h"
#include "quantc/Dialect/QC/IR/QCConstants.h"
#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"
#include "quantc/Kernels/LowBitGemm.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace quantc;
using namespace quantc::lowering;

namespace {

/// Per-channel (or per-tensor) parameters of a quantized type, and the
/// axis they vary along (-1 for per tensor).
struct Params {
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  int64_t axis = -1;
  int64_t qmin = 0, qmax = 0;
  bool isSigned = true;
  unsigned width = 8;
};

FailureOr<Params> paramsOf(Type element) {
  Params p;
  auto quantized = dyn_cast<quant::QuantizedType>(element);
  if (!quantized)
    return failure();
  p.qmin = quantized.getStorageTypeMin();
  p.qmax = quantized.getStorageTypeMax();
  p.isSigned = quantized.isSigned();
  p.width = quantized.getStorageTypeIntegralWidth();
  if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(element)) {
    p.scales = {perTensor.getScale()};
    p.zeroPoints = {perTensor.getZeroPoint()};
    return p;
  }
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(element)) {
    p.scales.assign(perAxis.getScales().begin(), perAxis.getScales().end());
    p.zeroPoints.assign(perAxis.getZeroPoints().begin(),
                        perAxis.getZeroPoints().end());
    p.axis = perAxis.getQuantizedDimension();
    return p;
  }
  return failure(); // sub-channel (int4 groups): GroupedProduct lowers it
}

/// f32 / i32 constant tensors holding per-channel values, shaped to
/// broadcast along `axis` of a rank-`rank` tensor (a scalar tensor for
/// per-tensor parameters).
Value channelConstant(OpBuilder &b, Location loc, ArrayRef<double> values,
                      int64_t axis, int64_t rank, bool asFloat) {
  SmallVector<int64_t> shape;
  if (axis >= 0) {
    shape.assign(rank, 1);
    shape[axis] = values.size();
  }
  if (asFloat) {
    SmallVector<float> data(values.begin(), values.end());
    auto type = RankedTensorType::get(shape, b.getF32Type());
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(type, ArrayRef<float>(data)));
  }
  SmallVector<int32_t> data;
  for (double v : values)
    data.push_back(static_cast<int32_t>(v));
  auto type = RankedTensorType::get(shape, b.getI32Type());
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, ArrayRef<int32_t>(data)));
}

Value widenToI32(OpBuilder &b, Location loc, Value v, bool isSigned) {
  if (v.getType().isInteger(32))
    return v;
  Type i32 = b.getI32Type();
  return isSigned ? arith::ExtSIOp::create(b, loc, i32, v).getResult()
                  : arith::ExtUIOp::create(b, loc, i32, v).getResult();
}

/// q - z in i32 for a storage value `q` (widened by its signedness).
Value centerI32(OpBuilder &b, Location loc, Value q, Value zero,
                bool isSigned) {
  return arith::SubIOp::create(b, loc, widenToI32(b, loc, q, isSigned), zero);
}

/// `integral` (an integer-valued f32) clamped to [qmin, qmax], as the
/// storage type. NaN becomes qmin (ClampNaN::ToBound: one vmaxps / vminps
/// each on x86, where NaN-propagating clamps cost a quarter of a
/// requantizing chain's time on Zen 4 and handed NaN to an undefined
/// fptosi).
Value clampStore(OpBuilder &b, Location loc, Value integral, const Params &p,
                 Type storage) {
  Value clamped = clampFloat(
      b, loc, integral, floatConstant(b, loc, integral.getType(), p.qmin),
      floatConstant(b, loc, integral.getType(), p.qmax), ClampNaN::ToBound);
  Value asInt = arith::FPToSIOp::create(b, loc, b.getI32Type(), clamped);
  return storage.isInteger(32)
             ? asInt
             : arith::TruncIOp::create(b, loc, storage, asInt).getResult();
}

SmallVector<double> asDoubles(ArrayRef<int64_t> values) {
  return SmallVector<double>(values.begin(), values.end());
}

struct QuantizeLowering : OpConversionPattern<qc::QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qc::QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<Params> p = paramsOf(op.getType().getElementType());
    if (failed(p) || !op.getInput().getType().getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "unsupported quantized type");
    Location loc = op.getLoc();
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    int64_t rank = resultType.getRank();
    Value scale =
        channelConstant(rewriter, loc, p->scales, p->axis, rank, true);
    Value zero = channelConstant(rewriter, loc, asDoubles(p->zeroPoints),
                                 p->axis, rank, true);
    Type storage = resultType.getElementType();
    Value result = buildElementwise(
        rewriter, loc, resultType, {adaptor.getInput(), scale, zero},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value scaled = arith::DivFOp::create(b, l, args[0], args[1]);
          // roundeven(x / s) + z, then clamp: z is integral, so adding it
          // after rounding equals rounding after adding, and the sum is
          // integral (exact below 2^24, and every f32 above is an integer).
          Value rounded = math::RoundEvenOp::create(b, l, scaled);
          Value shifted = arith::AddFOp::create(b, l, rounded, args[2]);
          return clampStore(b, l, shifted, *p, storage);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct DequantizeLowering : OpConversionPattern<qc::DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qc::DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<Params> p = paramsOf(op.getInput().getType().getElementType());
    if (failed(p) || !op.getType().getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "unsupported quantized type");
    Location loc = op.getLoc();
    int64_t rank = op.getType().getRank();
    Value scale =
        channelConstant(rewriter, loc, p->scales, p->axis, rank, true);
    Value zero = channelConstant(rewriter, loc, asDoubles(p->zeroPoints),
                                 p->axis, rank, false);
    bool isSigned = p->isSigned;
    Value result = buildElementwise(
        rewriter, loc, op.getType(), {adaptor.getInput(), scale, zero},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value centered = centerI32(b, l, args[0], args[2], isSigned);
          Value asFloat =
              arith::SIToFPOp::create(b, l, b.getF32Type(), centered);
          return arith::MulFOp::create(b, l, asFloat, args[1]).getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// quant.scast only changes the type: storage in, storage out.
struct StorageCastLowering : OpConversionPattern<quant::StorageCastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(quant::StorageCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

/// (q - z) as an integer tensor (`intType`, i32 by default) of the same
/// shape.
Value centeredInt(OpBuilder &b, Location loc, Value storage, const Params &p,
                  int64_t channelAxis, Type intType) {
  auto type = cast<RankedTensorType>(storage.getType());
  auto resultType = RankedTensorType::get(type.getShape(), intType);
  Value zero =
      channelConstant(b, loc, asDoubles(p.zeroPoints),
                      p.axis >= 0 ? channelAxis : -1, type.getRank(), false);
  bool isSigned = p.isSigned;
  return buildElementwise(
      b, loc, resultType, {storage, zero},
      [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
        Value centered = centerI32(nb, l, args[0], args[1], isSigned);
        if (intType.isInteger(32))
          return centered;
        return arith::TruncIOp::create(nb, l, intType, centered);
      });
}

/// centeredInt as i32.
Value centeredI32(OpBuilder &b, Location loc, Value storage, const Params &p,
                  int64_t channelAxis) {
  return centeredInt(b, loc, storage, p, channelAxis, b.getI32Type());
}

/// A positive real multiplier as M0 / 2^n: M0 in [2^30, 2^31) (31
/// significant bits), 1 <= n <= 62. M0 = round(f * 2^31) for M = f * 2^e,
/// f in [0.5, 1), and n = 31 - e.
struct FixedPoint {
  double mantissa = 0, shift = 1;
};

FixedPoint fixedPointMultiplier(double multiplier) {
  int exponent = 0;
  double fraction = std::frexp(multiplier, &exponent);
  int64_t mantissa = std::llround(fraction * double(int64_t(1) << 31));
  if (mantissa == (int64_t(1) << 31)) { // f rounded up to 1
    mantissa /= 2;
    ++exponent;
  }
  int64_t shift = 31 - exponent;
  // Outside [2^-31, 2^30] the multiplier saturates the representation.
  if (shift > 62) {
    mantissa >>= std::min<int64_t>(shift - 62, 63);
    shift = 62;
  }
  if (shift < 1) {
    mantissa = (int64_t(1) << 31) - 1;
    shift = 1;
  }
  return {double(mantissa), double(shift)};
}

/// i32 constants M0[c] and n[c] for `multipliers`, shaped to broadcast
/// along `axis` of a rank-`rank` tensor (scalars for one multiplier).
std::pair<Value, Value> fixedPointConstants(OpBuilder &b, Location loc,
                                            ArrayRef<double> multipliers,
                                            int64_t axis, int64_t rank) {
  SmallVector<double> mantissas, shifts;
  for (double m : multipliers) {
    FixedPoint fixed = fixedPointMultiplier(m);
    mantissas.push_back(fixed.mantissa);
    shifts.push_back(fixed.shift);
  }
  if (multipliers.size() == 1)
    axis = -1;
  return {channelConstant(b, loc, mantissas, axis, rank, false),
          channelConstant(b, loc, shifts, axis, rank, false)};
}

/// clamp(((v * M0 + 2^(n-1)) >> n) + z, qmin, qmax) in i64 for an i32 `v`
/// and i32 `m0`, `n`, `z`, truncated to `storage`.
Value fixedPointRescale(OpBuilder &b, Location l, Value v, Value m0, Value n,
                        Value z, const Params &out, Type storage) {
  Type i64 = b.getI64Type();
  auto wide = [&](Value x) {
    return arith::ExtSIOp::create(b, l, i64, x).getResult();
  };
  Value n64 = wide(n);
  Value one = arith::ConstantOp::create(b, l, b.getI64IntegerAttr(1));
  Value half =
      arith::ShLIOp::create(b, l, one, arith::SubIOp::create(b, l, n64, one));
  Value product = arith::MulIOp::create(b, l, wide(v), wide(m0));
  Value shifted = arith::ShRSIOp::create(
      b, l, arith::AddIOp::create(b, l, product, half), n64);
  Value withZero = arith::AddIOp::create(b, l, shifted, wide(z));
  Value lo = arith::ConstantOp::create(b, l, b.getI64IntegerAttr(out.qmin));
  Value hi = arith::ConstantOp::create(b, l, b.getI64IntegerAttr(out.qmax));
  Value clamped = arith::MinSIOp::create(
      b, l, arith::MaxSIOp::create(b, l, withZero, lo), hi);
  return arith::TruncIOp::create(b, l, storage, clamped);
}

/// Applies the output stage to an i32 accumulator whose channel dimension
/// is `channelAxis`: i32 as is, f32 rescaled, or requantized.
Value outputStage(OpBuilder &b, Location loc, Value acc, Value bias,
                  const Params &in, const Params &weight, int64_t channelAxis,
                  Type resultType, const TypeConverter *converter) {
  auto accType = cast<RankedTensorType>(acc.getType());
  int64_t rank = accType.getRank();
  // i32 bias joins the accumulator.
  if (bias &&
      cast<RankedTensorType>(bias.getType()).getElementType().isInteger(32)) {
    SmallVector<int64_t> shape(rank, 1);
    shape[channelAxis] = accType.getDimSize(channelAxis);
    Value b32 = reshapeTo(b, loc, bias, shape);
    acc = buildElementwise(
        b, loc, accType, {acc, b32},
        [](OpBuilder &nb, Location l, ValueRange args) {
          return arith::AddIOp::create(nb, l, args[0], args[1]).getResult();
        });
    bias = Value();
  }
  auto result = cast<RankedTensorType>(resultType);
  if (result.getElementType().isInteger(32))
    return acc;
  // m[c] = s_in * s_w[c]; a per-channel input (depthwise convolution:
  // output channel c reads input channel c / multiplier) brings its own
  // scale per output channel.
  int64_t outputs = accType.getDimSize(channelAxis);
  int64_t inputScales = in.scales.size();
  int64_t perChannel =
      std::max<int64_t>(weight.scales.size(), in.axis >= 0 ? outputs : 1);
  SmallVector<double> multipliers;
  for (int64_t c = 0; c < perChannel; ++c) {
    double ws = weight.scales[weight.scales.size() == 1 ? 0 : c];
    double is = in.scales[inputScales == 1 ? 0 : c / (outputs / inputScales)];
    multipliers.push_back(is * ws);
  }
  int64_t mAxis = perChannel > 1 ? channelAxis : -1;
  if (auto quantized =
          dyn_cast<quant::QuantizedType>(result.getElementType())) {
    // Integer-only requantization: y = clamp(((acc * M0 + 2^(n-1)) >> n)
    // + zy), M0 / 2^n ~ m[c] / sy (see fixedPointMultiplier).
    FailureOr<Params> out = paramsOf(quantized);
    for (double &m : multipliers)
      m /= out->scales[0];
    auto [m0, n] = fixedPointConstants(b, loc, multipliers, mAxis, rank);
    Value zy =
        channelConstant(b, loc, {double(out->zeroPoints[0])}, -1, rank, false);
    auto storageType = cast<RankedTensorType>(converter->convertType(result));
    Type storage = storageType.getElementType();
    Params outParams = *out;
    return buildElementwise(b, loc, storageType, {acc, m0, n, zy},
                            [&](OpBuilder &nb, Location l, ValueRange args) {
                              return fixedPointRescale(nb, l, args[0], args[1],
                                                       args[2], args[3],
                                                       outParams, storage);
                            });
  }
  Value m = channelConstant(b, loc, multipliers, mAxis, rank, true);
  SmallVector<Value> inputs = {acc, m};
  if (bias) {
    SmallVector<int64_t> shape(rank, 1);
    shape[channelAxis] = accType.getDimSize(channelAxis);
    inputs.push_back(reshapeTo(b, loc, bias, shape));
  }
  return buildElementwise(
      b, loc, result, inputs, [&](OpBuilder &nb, Location l, ValueRange args) {
        Value f = arith::SIToFPOp::create(nb, l, nb.getF32Type(), args[0]);
        Value y = arith::MulFOp::create(nb, l, f, args[1]);
        return args.size() > 2
                   ? arith::AddFOp::create(nb, l, y, args[2]).getResult()
                   : y;
      });
}

/// q' = clamp((((q - z) * M0 + 2^(n-1)) >> n) + z') with M0 / 2^n ~ s / s',
/// per channel when either side is per axis (along the same axis).
struct RequantizeLowering : OpConversionPattern<qc::RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qc::RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<Params> in = paramsOf(op.getInput().getType().getElementType());
    FailureOr<Params> out = paramsOf(op.getType().getElementType());
    if (failed(in) || failed(out) ||
        (in->axis >= 0 && out->axis >= 0 && in->axis != out->axis))
      return rewriter.notifyMatchFailure(op, "unsupported requantization");
    Location loc = op.getLoc();
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    int64_t rank = resultType.getRank();
    int64_t axis = in->axis >= 0 ? in->axis : out->axis;
    size_t channels = std::max(in->scales.size(), out->scales.size());
    auto pick = [](ArrayRef<double> v, size_t c) {
      return v[v.size() == 1 ? 0 : c];
    };
    SmallVector<double> multipliers, zin, zout;
    for (size_t c = 0; c < channels; ++c) {
      multipliers.push_back(pick(in->scales, c) / pick(out->scales, c));
      zin.push_back(pick(asDoubles(in->zeroPoints), c));
      zout.push_back(pick(asDoubles(out->zeroPoints), c));
    }
    int64_t constantAxis = channels > 1 ? axis : -1;
    auto [m0, n] =
        fixedPointConstants(rewriter, loc, multipliers, constantAxis, rank);
    Value z = channelConstant(rewriter, loc, zin, constantAxis, rank, false);
    Value zo = channelConstant(rewriter, loc, zout, constantAxis, rank, false);
    Params outParams = *out;
    bool isSigned = in->isSigned;
    Type storage = resultType.getElementType();
    Value result = buildElementwise(
        rewriter, loc, resultType, {adaptor.getInput(), z, m0, n, zo},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value centered = centerI32(b, l, args[0], args[1], isSigned);
          return fixedPointRescale(b, l, centered, args[2], args[3], args[4],
                                   outParams, storage);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// What a generated kernel's declaration says: its weight format and its
/// K and N (qc-select-gemm-kernels pads the product's to its blocks; A is
/// [M][K], C [M][N]).
struct KernelDeclaration {
  WeightFormat format;
  int64_t k, n;
  /// Columns per packed weight panel.
  int64_t panelColumns;
};

KernelDeclaration readKernelDeclaration(Operation *op,
                                        FlatSymbolRefAttr kernel) {
  auto declaration =
      SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(op, kernel);
  FunctionType type = declaration.getFunctionType();
  auto spec =
      declaration->getAttrOfType<qc::GemmKernelAttr>(qc::kGemmKernelSpecAttr);
  return {weightFormat(spec.getFormat()),
          cast<MemRefType>(type.getInput(0)).getDimSize(1),
          cast<MemRefType>(type.getInputs().back()).getDimSize(1),
          spec.getPanel()};
}

/// sum a * w through the generated kernel `kernel` (qc-select-gemm-kernels)
/// on the weights `kn` ([K][N], packed here in the declared format, int8 or
/// ternary): the raw i32 products, before subtractZeroPointSums(). `lhs` is
/// the u8 storage [M][K]; the kernel's padded K and N take zero columns of
/// A and zero rows and columns of W.
Value callGemmKernel(OpBuilder &rewriter, Location loc,
                     FlatSymbolRefAttr kernel,
                     const KernelDeclaration &declared, Value lhs,
                     ArrayRef<int8_t> kn, int64_t k, RankedTensorType accType) {
  int64_t m = accType.getDimSize(0), n = accType.getDimSize(1);
  int64_t kp = declared.k, np = declared.n;
  WeightFormat format = declared.format;
  // Zero rows past K as well as zero columns past N.
  std::vector<int8_t> knPadded = padColumns(kn, k, n, np);
  knPadded.resize(kp * np, 0);
  int64_t panelColumns = declared.panelColumns;
  std::vector<uint8_t> packed =
      packLowBitWeights(knPadded, kp, np, format, panelColumns);
  Type i8 = rewriter.getI8Type();
  auto packedType = RankedTensorType::get(
      {np / panelColumns, kp / kPerBlock(format), 4 * panelColumns}, i8);
  Value packedWeights =
      blobConstant(rewriter, loc, packedType, "packed_weights",
                   ArrayRef<char>(reinterpret_cast<const char *>(packed.data()),
                                  packed.size()));
  lhs = padConstant(rewriter, loc, lhs, {0, 0}, {0, kp - k}, 0);
  return callKernel(rewriter, loc, kernel, {lhs, packedWeights},
                    rewriter.getI32Type(), m, np, n);
}

/// `acc` (a kernel's sum a * w, its N outputs along `axis`) minus za times
/// the column sums of `kn` ([K][N]): the i32 sum (a - za) * w the generic
/// path computes. An elementwise op, so that it fuses with the output
/// stage after it (after the transpose back to NCHW, for convolutions).
Value subtractZeroPointSums(OpBuilder &rewriter, Location loc, Value acc,
                            ArrayRef<int8_t> kn, int64_t k, int64_t za,
                            int64_t axis) {
  if (za == 0)
    return acc;
  auto accType = cast<RankedTensorType>(acc.getType());
  int64_t n = accType.getDimSize(axis);
  SmallVector<double> correction(n, 0.0);
  for (int64_t kk = 0; kk < k; ++kk)
    for (int64_t c = 0; c < n; ++c)
      correction[c] += double(za) * kn[kk * n + c];
  Value shift = channelConstant(rewriter, loc, correction, axis,
                                accType.getRank(), false);
  return buildElementwise(
      rewriter, loc, accType, {acc, shift},
      [](OpBuilder &b, Location l, ValueRange args) {
        return arith::SubIOp::create(b, l, args[0], args[1]).getResult();
      });
}

/// The u8 patches of a one-image NCHW `input` (storage) under a KHxKW
/// window: [OH x OW][KH x KW x Cin], channels innermost (the weights are
/// reordered to match), the padding filled with the zero point `za`
/// (a - za = 0 there).
Value im2colRows(OpBuilder &b, Location loc, Value input, int64_t za,
                 ArrayRef<int64_t> weightShape, ArrayRef<int64_t> outShape,
                 ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                 ArrayRef<int64_t> dilations) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t oh = outShape[2], ow = outShape[3];
  int64_t c = weightShape[1], kh = weightShape[2], kw = weightShape[3];
  auto unit = [](ArrayRef<int64_t> values) {
    return llvm::all_of(values, [](int64_t v) { return v == 1; });
  };
  // Pointwise: the rows are the [C][H W] image transposed, which the
  // tiling moves in register blocks (a named transpose is not fused with
  // the quantize before it, which then runs contiguously).
  if (kh == 1 && kw == 1 && unit(strides) && unit(dilations) &&
      llvm::all_of(pads, [](int64_t p) { return p == 0; }))
    return transpose2D(b, loc, reshapeTo(b, loc, input, {c, oh * ow}));
  // Channels last first (a transpose in register blocks), so that each
  // patch row is kh x kw contiguous runs of C bytes, copied as vectors; in
  // NCHW the gather read one byte per kw (3 at a time) and ran at 3 GB/s.
  int64_t h = type.getDimSize(2), w = type.getDimSize(3);
  Value hwc = reshapeTo(
      b, loc, transpose2D(b, loc, reshapeTo(b, loc, input, {c, h * w})),
      {h, w, c});
  Value padded =
      padConstant(b, loc, hwc, {pads[0], pads[1], 0}, {pads[2], pads[3], 0},
                  static_cast<double>(static_cast<int8_t>(za)));
  MLIRContext *context = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
  // (oh, ow, kh, kw, c) -> padded (oh sh + kh dh, ow sw + kw dw, c).
  AffineMap read =
      AffineMap::get(5, 0,
                     {d(0) * strides[0] + d(2) * dilations[0],
                      d(1) * strides[1] + d(3) * dilations[1], d(4)},
                     context);
  auto patchType =
      RankedTensorType::get({oh, ow, kh, kw, c}, type.getElementType());
  Value patches =
      linalg::GenericOp::create(
          b, loc, TypeRange{patchType}, ValueRange{padded},
          ValueRange{emptyTensor(b, loc, patchType)},
          ArrayRef<AffineMap>{read,
                              AffineMap::getMultiDimIdentityMap(5, context)},
          SmallVector<utils::IteratorType>(5, utils::IteratorType::parallel),
          [](OpBuilder &nb, Location l, ValueRange args) {
            linalg::YieldOp::create(nb, l, args[0]);
          })
          .getResult(0);
  return reshapeTo(b, loc, patches, {oh * ow, kh * kw * c});
}

/// A product with int4 weights in groups along K (GroupedProduct.h) on the
/// activation rows [M][K]; fails unless the activations are per tensor,
/// the result float and any bias float.
FailureOr<Value> lowerGroupedProduct(ConversionPatternRewriter &rewriter,
                                     Operation *op, Value rows, Type activation,
                                     const GroupedWeights &weights,
                                     Value bias) {
  FailureOr<Params> a = paramsOf(activation);
  if (failed(a) || a->axis >= 0 ||
      !cast<RankedTensorType>(op->getResult(0).getType())
           .getElementType()
           .isF32() ||
      (bias &&
       !cast<RankedTensorType>(bias.getType()).getElementType().isF32()))
    return rewriter.notifyMatchFailure(
        op, "int4 groups need per-tensor activations, a float result and a "
            "float bias");
  auto kernel = op->getAttrOfType<FlatSymbolRefAttr>(qc::kGemmKernelAttr);
  KernelDeclaration declared{WeightFormat::Int4, 0, 0, kVnniPanelColumns};
  if (kernel)
    declared = readKernelDeclaration(op, kernel);
  return groupedProduct(rewriter, op->getLoc(), rows, weights, a->zeroPoints[0],
                        a->scales[0], bias, kernel, declared.n,
                        declared.panelColumns, a->isSigned);
}

struct QMatMulLowering : OpConversionPattern<qc::QMatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qc::QMatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto lhsType = op.getLhs().getType(), rhsType = op.getRhs().getType();
    if (lhsType.getRank() != 2 || rhsType.getRank() != 2)
      return rewriter.notifyMatchFailure(op, "only 2-D products lowered");
    if (isa<quant::UniformQuantizedSubChannelType>(rhsType.getElementType())) {
      std::optional<GroupedWeights> grouped =
          readGroupedWeights(op.getRhs(), /*pointwiseConv=*/false);
      if (!grouped)
        return rewriter.notifyMatchFailure(
            op, "blocked weights must be constant, symmetric, in blocks "
                "along K");
      FailureOr<Value> y = lowerGroupedProduct(rewriter, op, adaptor.getLhs(),
                                               lhsType.getElementType(),
                                               *grouped, adaptor.getBias());
      if (failed(y))
        return failure();
      rewriter.replaceOp(op, *y);
      return success();
    }
    FailureOr<Params> a = paramsOf(lhsType.getElementType());
    FailureOr<Params> w = paramsOf(rhsType.getElementType());
    if (failed(a) || failed(w))
      return rewriter.notifyMatchFailure(op, "unsupported quantized type");
    Location loc = op.getLoc();
    auto accType = RankedTensorType::get(
        {lhsType.getDimSize(0), rhsType.getDimSize(1)}, rewriter.getI32Type());
    if (auto kernel =
            op->getAttrOfType<FlatSymbolRefAttr>(qc::kGemmKernelAttr)) {
      std::optional<std::vector<int8_t>> kn = qc::readI8Constant(op.getRhs());
      if (!kn)
        return rewriter.notifyMatchFailure(op, "kernel weights not constant");
      int64_t k = rhsType.getDimSize(0);
      Value acc = subtractZeroPointSums(
          rewriter, loc,
          callGemmKernel(rewriter, loc, kernel,
                         readKernelDeclaration(op, kernel), adaptor.getLhs(),
                         *kn, k, accType),
          *kn, k, a->zeroPoints[0], /*axis=*/1);
      rewriter.replaceOp(op,
                         outputStage(rewriter, loc, acc, adaptor.getBias(), *a,
                                     *w, 1, op.getType(), getTypeConverter()));
      return success();
    }
    Value lhs = centeredI32(rewriter, loc, adaptor.getLhs(), *a, 1);
    Value rhs = centeredI32(rewriter, loc, adaptor.getRhs(), *w, 1);
    Value zero =
        arith::ConstantOp::create(rewriter, loc, rewriter.getI32IntegerAttr(0));
    Value init = linalg::FillOp::create(rewriter, loc, zero,
                                        emptyTensor(rewriter, loc, accType))
                     .getResult(0);
    Value acc = linalg::MatmulOp::create(rewriter, loc, TypeRange{accType},
                                         ValueRange{lhs, rhs}, ValueRange{init})
                    .getResult(0);
    rewriter.replaceOp(op,
                       outputStage(rewriter, loc, acc, adaptor.getBias(), *a,
                                   *w, 1, op.getType(), getTypeConverter()));
    return success();
  }
};

/// The weights minus their zero points (per output channel or per
/// tensor), OIHW, when they are a constant: folded here rather than
/// widened on every run.
std::optional<std::vector<int32_t>> centeredWeights(Value weight,
                                                    const Params &w) {
  std::optional<std::vector<int8_t>> storage = qc::readI8Constant(weight);
  if (!storage || w.width != 8)
    return std::nullopt;
  int64_t channels = cast<RankedTensorType>(weight.getType()).getDimSize(0);
  int64_t perChannel = int64_t(storage->size()) / channels;
  std::vector<int32_t> centered(storage->size());
  for (size_t i = 0; i < storage->size(); ++i) {
    int32_t q =
        w.isSigned ? int32_t((*storage)[i]) : int32_t(uint8_t((*storage)[i]));
    int64_t channel = int64_t(i) / perChannel;
    centered[i] = q - int32_t(w.zeroPoints[w.axis >= 0 ? channel : 0]);
  }
  return centered;
}

/// An i32 constant of `like`'s shape.
Value i32Constant(OpBuilder &b, Location loc, ShapedType like,
                  ArrayRef<int32_t> values) {
  auto type = RankedTensorType::get(like.getShape(), b.getI32Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, values));
}

/// Whether a convolution takes its centered input as i16: depthwise (one
/// input channel per group) over 8-bit activations.
bool takesI16Input(qc::QConv2DOp op, const Params &x) {
  ArrayRef<int64_t> wShape = op.getWeight().getType().getShape();
  return op.getGroup() > 1 && wShape[1] == 1 && x.width == 8;
}

struct QConv2DLowering : OpConversionPattern<qc::QConv2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qc::QConv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (isa<quant::UniformQuantizedSubChannelType>(
            op.getWeight().getType().getElementType()))
      return lowerGrouped(op, adaptor, rewriter);
    FailureOr<Params> x = paramsOf(op.getInput().getType().getElementType());
    FailureOr<Params> w = paramsOf(op.getWeight().getType().getElementType());
    if (failed(x) || failed(w))
      return rewriter.notifyMatchFailure(op, "unsupported quantized conv");
    Location loc = op.getLoc();
    if (op->hasAttr(qc::kDirectConvAttr))
      return lowerDirect(op, adaptor, rewriter, *x, *w);
    if (auto kernel =
            op->getAttrOfType<FlatSymbolRefAttr>(qc::kGemmKernelAttr)) {
      // A convolution is a matmul over its input patches: [OH OW, Cin KH
      // KW] x [Cin KH KW, Cout], transposed back.
      std::optional<std::vector<int8_t>> weights =
          qc::readI8Constant(op.getWeight());
      if (!weights)
        return rewriter.notifyMatchFailure(op, "kernel weights not constant");
      ArrayRef<int64_t> wShape = op.getWeight().getType().getShape();
      ArrayRef<int64_t> outShape = op.getType().getShape();
      int64_t cout = wShape[0], cin = wShape[1], taps = wShape[2] * wShape[3];
      int64_t k = cin * taps;
      // K in the patch rows' order: (kh, kw, c), channels innermost.
      std::vector<int8_t> kn(k * cout);
      for (int64_t o = 0; o < cout; ++o)
        for (int64_t c = 0; c < cin; ++c)
          for (int64_t t = 0; t < taps; ++t)
            kn[(t * cin + c) * cout + o] = (*weights)[(o * cin + c) * taps + t];
      Value rows = im2colRows(rewriter, loc, adaptor.getInput(),
                              x->zeroPoints[0], wShape, outShape,
                              op.getStrides(), op.getPads(), op.getDilations());
      auto accType = RankedTensorType::get({outShape[2] * outShape[3], cout},
                                           rewriter.getI32Type());
      Value acc = callGemmKernel(rewriter, loc, kernel,
                                 readKernelDeclaration(op, kernel), rows, kn, k,
                                 accType);
      Value nchw = subtractZeroPointSums(
          rewriter, loc,
          reshapeTo(rewriter, loc, transpose2D(rewriter, loc, acc),
                    op.getType().getShape()),
          kn, k, x->zeroPoints[0], /*axis=*/1);
      rewriter.replaceOp(op,
                         outputStage(rewriter, loc, nchw, adaptor.getBias(), *x,
                                     *w, 1, op.getType(), getTypeConverter()));
      return success();
    }
    // (x - zx) padded with zeros is the quantized zero point's padding.
    // Depthwise convolutions take it as i16 (|x - zx| <= 255, half the
    // bytes of i32 through the padded buffer; the row kernels of
    // quantc-tile-and-vectorize widen it in registers), others as i32.
    Type centeredType =
        takesI16Input(op, *x) ? rewriter.getI16Type() : rewriter.getI32Type();
    Value input =
        centeredInt(rewriter, loc, adaptor.getInput(), *x, 1, centeredType);
    // Constant weights are centered here, not on every run.
    std::optional<std::vector<int32_t>> centered =
        centeredWeights(op.getWeight(), *w);
    Value weight =
        centered
            ? i32Constant(rewriter, loc, op.getWeight().getType(), *centered)
            : centeredI32(rewriter, loc, adaptor.getWeight(), *w, 0);
    ArrayRef<int64_t> pads = op.getPads();
    input = padConstant(rewriter, loc, input, {0, 0, pads[0], pads[1]},
                        {0, 0, pads[2], pads[3]}, 0);
    auto accType =
        RankedTensorType::get(op.getType().getShape(), rewriter.getI32Type());
    Value acc = convolveNCHW(rewriter, loc, accType, input, weight,
                             op.getStrides(), op.getDilations(), op.getGroup());
    rewriter.replaceOp(op,
                       outputStage(rewriter, loc, acc, adaptor.getBias(), *x,
                                   *w, 1, op.getType(), getTypeConverter()));
    return success();
  }

  /// qc.direct_conv (DirectConv.h): the sums over channel quads, already
  /// NCHW, minus za times the weight sums, then the output stage.
  LogicalResult lowerDirect(qc::QConv2DOp op, OpAdaptor adaptor,
                            ConversionPatternRewriter &rewriter,
                            const Params &x, const Params &w) const {
    std::optional<std::vector<int8_t>> weights =
        qc::readI8Constant(op.getWeight());
    if (!weights)
      return rewriter.notifyMatchFailure(op, "direct weights not constant");
    Location loc = op.getLoc();
    ArrayRef<int64_t> wShape = op.getWeight().getType().getShape();
    int64_t cout = wShape[0], k = wShape[1] * wShape[2] * wShape[3];
    Value sums =
        directConvSums(rewriter, loc, adaptor.getInput(), x.zeroPoints[0],
                       *weights, wShape, op.getType().getShape(),
                       op.getStrides(), op.getPads(), op.getDilations());
    // subtractZeroPointSums reads the weights as [K][N].
    std::vector<int8_t> kn(k * cout);
    for (int64_t o = 0; o < cout; ++o)
      for (int64_t i = 0; i < k; ++i)
        kn[i * cout + o] = (*weights)[o * k + i];
    Value nchw = subtractZeroPointSums(rewriter, loc, sums, kn, k,
                                       x.zeroPoints[0], /*axis=*/1);
    rewriter.replaceOp(op,
                       outputStage(rewriter, loc, nchw, adaptor.getBias(), x, w,
                                   1, op.getType(), getTypeConverter()));
    return success();
  }

  /// A pointwise convolution with int4 weights in groups along Cin: the
  /// grouped product over channels on the transposed input (one image,
  /// unit strides, no padding).
  LogicalResult lowerGrouped(qc::QConv2DOp op, OpAdaptor adaptor,
                             ConversionPatternRewriter &rewriter) const {
    auto inType = op.getInput().getType();
    std::optional<GroupedWeights> grouped =
        readGroupedWeights(op.getWeight(), /*pointwiseConv=*/true);
    if (!grouped || !inType.hasStaticShape() || inType.getDimSize(0) != 1 ||
        !op.hasUnitStridesAndNoPadding())
      return rewriter.notifyMatchFailure(
          op, "blocked weights need a pointwise convolution of one image, "
              "unit strides, no padding, constant symmetric weights");
    Location loc = op.getLoc();
    int64_t cin = inType.getDimSize(1);
    int64_t pixels = inType.getDimSize(2) * inType.getDimSize(3);
    Value rows = transpose2D(
        rewriter, loc,
        reshapeTo(rewriter, loc, adaptor.getInput(), {cin, pixels}));
    FailureOr<Value> y =
        lowerGroupedProduct(rewriter, op, rows, inType.getElementType(),
                            *grouped, adaptor.getBias());
    if (failed(y))
      return failure();
    rewriter.replaceOp(op,
                       reshapeTo(rewriter, loc, transpose2D(rewriter, loc, *y),
                                 op.getType().getShape()));
    return success();
  }
};

} // namespace

void quantc::populateQCQuantTypeConversion(TypeConverter &converter) {
  converter.addConversion([](Type type) { return type; });
  converter.addConversion([](RankedTensorType type) -> Type {
    if (auto quantized = dyn_cast<quant::QuantizedType>(type.getElementType()))
      return type.clone(quantized.getStorageType());
    return type;
  });
}

void quantc::populateQCQuantToLinalgPatterns(RewritePatternSet &patterns,
                                             const TypeConverter &converter) {
  patterns.add<QuantizeLowering, DequantizeLowering, RequantizeLowering,
               StorageCastLowering, QMatMulLowering, QConv2DLowering>(
      converter, patterns.getContext());
}
