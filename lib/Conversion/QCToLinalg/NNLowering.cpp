//===- NNLowering.cpp - convolution, matmul, norm, pool, reduce ----------===//
//
// Part of quantc. Convolutions map to linalg's named NCHW ops (grouped ones
// to conv_2d_ngchw_gfchw), matrix products to linalg.matmul or a batched
// contraction generic, pooling to linalg's pooling ops with exact average
// divisors computed at compile time.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "Patterns.h"

#include "quantc/Dialect/QC/IR/QCConstants.h"
#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/IR/QCShapeInference.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace quantc;
using namespace quantc::lowering;

namespace {

/// Adds a per-channel bias (dimension 1) to an NCHW result.
Value addChannelBias(OpBuilder &b, Location loc, Value result, Value bias) {
  if (!bias)
    return result;
  auto type = cast<RankedTensorType>(result.getType());
  int64_t channels = cast<RankedTensorType>(bias.getType()).getDimSize(0);
  SmallVector<int64_t> shape(type.getRank(), 1);
  shape[1] = channels;
  Value reshaped = reshapeTo(b, loc, bias, shape);
  return buildElementwise(
      b, loc, type, {result, reshaped},
      [](OpBuilder &nb, Location nl, ValueRange args) {
        return arith::AddFOp::create(nb, nl, args[0], args[1]).getResult();
      });
}

struct Conv2DLowering : OpRewritePattern<qc::Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::Conv2DOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ArrayRef<int64_t> pads = op.getPads();
    Value padded =
        padConstant(rewriter, loc, op.getInput(), {0, 0, pads[0], pads[1]},
                    {0, 0, pads[2], pads[3]}, 0.0);
    Value conv =
        convolveNCHW(rewriter, loc, op.getType(), padded, op.getWeight(),
                     op.getStrides(), op.getDilations(), op.getGroup());
    rewriter.replaceOp(op, addChannelBias(rewriter, loc, conv, op.getBias()));
    return success();
  }
};

/// ConvTranspose as a stride-1 convolution of the input spread out by the
/// stride (zeros in between), padded by dilation*(kernel-1) - pad, with the
/// kernel flipped and its channel dimensions swapped per group.
struct ConvTranspose2DLowering : OpRewritePattern<qc::ConvTranspose2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::ConvTranspose2DOp op,
                                PatternRewriter &rewriter) const override {
    if (Value product = strideSizedKernel(op, rewriter)) {
      rewriter.replaceOp(
          op, addChannelBias(rewriter, op.getLoc(), product, op.getBias()));
      return success();
    }
    Location loc = op.getLoc();
    auto inType = op.getInput().getType();
    auto wType = op.getWeight().getType();
    Type element = inType.getElementType();
    ArrayRef<int64_t> in = inType.getShape(), w = wType.getShape();
    ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                      dilations = op.getDilations(),
                      outputPadding = op.getOutputPadding();
    int64_t group = op.getGroup();
    // Spread: [N, C, (H-1)*s+1, (W-1)*s+1] with the input at stride s.
    SmallVector<int64_t> spreadShape = {in[0], in[1],
                                        (in[2] - 1) * strides[0] + 1,
                                        (in[3] - 1) * strides[1] + 1};
    Value spread = filledTensor(
        rewriter, loc, RankedTensorType::get(spreadShape, element), 0.0);
    SmallVector<OpFoldResult> offsets(4, rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes, steps;
    for (int64_t d = 0; d < 4; ++d)
      sizes.push_back(rewriter.getIndexAttr(in[d]));
    steps = {rewriter.getIndexAttr(1), rewriter.getIndexAttr(1),
             rewriter.getIndexAttr(strides[0]),
             rewriter.getIndexAttr(strides[1])};
    spread = tensor::InsertSliceOp::create(rewriter, loc, op.getInput(), spread,
                                           offsets, sizes, steps);
    // Pad (or crop, when pads exceed the kernel span).
    SmallVector<int64_t> low(4, 0), high(4, 0), cropLow(4, 0), cropHigh(4, 0);
    for (int i = 0; i < 2; ++i) {
      int64_t span = dilations[i] * (w[2 + i] - 1);
      int64_t lo = span - pads[i], hi = span - pads[2 + i] + outputPadding[i];
      (lo >= 0 ? low[2 + i] : cropLow[2 + i]) = std::abs(lo);
      (hi >= 0 ? high[2 + i] : cropHigh[2 + i]) = std::abs(hi);
    }
    Value padded = padConstant(rewriter, loc, spread, low, high, 0.0);
    if (llvm::any_of(cropLow, [](int64_t v) { return v; }) ||
        llvm::any_of(cropHigh, [](int64_t v) { return v; })) {
      auto paddedShape = cast<RankedTensorType>(padded.getType()).getShape();
      SmallVector<int64_t> shape;
      SmallVector<OpFoldResult> cropOffsets, cropSizes;
      for (int64_t d = 0; d < 4; ++d) {
        shape.push_back(paddedShape[d] - cropLow[d] - cropHigh[d]);
        cropOffsets.push_back(rewriter.getIndexAttr(cropLow[d]));
        cropSizes.push_back(rewriter.getIndexAttr(shape.back()));
      }
      padded = tensor::ExtractSliceOp::create(
          rewriter, loc, RankedTensorType::get(shape, element), padded,
          cropOffsets, cropSizes,
          SmallVector<OpFoldResult>(4, rewriter.getIndexAttr(1)));
    }
    // Weight [C, M/g, kh, kw] -> [M, C/g, kh, kw], flipped spatially.
    int64_t channels = w[0], outPerGroup = w[1], inPerGroup = channels / group;
    auto flippedType = RankedTensorType::get(
        {outPerGroup * group, inPerGroup, w[2], w[3]}, element);
    MLIRContext *context = rewriter.getContext();
    // out[m, c, y, x] = w[g*inPerGroup + c, m % outPerGroup, kh-1-y, kw-1-x]
    // with g = m / outPerGroup: express on a [g, m', c, y, x] iteration.
    auto groupedOut = RankedTensorType::get(
        {group, outPerGroup, inPerGroup, w[2], w[3]}, element);
    Value groupedW = reshapeTo(rewriter, loc, op.getWeight(),
                               {group, inPerGroup, outPerGroup, w[2], w[3]});
    AffineExpr g = rewriter.getAffineDimExpr(0),
               m = rewriter.getAffineDimExpr(1),
               c = rewriter.getAffineDimExpr(2),
               y = rewriter.getAffineDimExpr(3),
               x = rewriter.getAffineDimExpr(4);
    SmallVector<AffineMap> maps = {
        AffineMap::get(5, 0, {g, c, m, w[2] - 1 - y, w[3] - 1 - x}, context),
        rewriter.getMultiDimIdentityMap(5)};
    Value flippedGrouped =
        linalg::GenericOp::create(
            rewriter, loc, groupedOut, groupedW,
            emptyTensor(rewriter, loc, groupedOut), maps,
            SmallVector<utils::IteratorType>(5, utils::IteratorType::parallel),
            [](OpBuilder &nb, Location nl, ValueRange args) {
              linalg::YieldOp::create(nb, nl, args[0]);
            })
            .getResult(0);
    Value flipped =
        reshapeTo(rewriter, loc, flippedGrouped, flippedType.getShape());
    Value conv = convolveNCHW(rewriter, loc, op.getType(), padded, flipped,
                              {1, 1}, dilations, group);
    rewriter.replaceOp(op, addChannelBias(rewriter, loc, conv, op.getBias()));
    return success();
  }

  /// Kernel = stride, no padding, dilation 1, one group, one image: the
  /// windows tile the output without overlap, so each output pixel takes
  /// one input pixel and one kernel tap: a matmul (tiled and vectorized
  /// like any), then the taps moved into place. The spread-input
  /// convolution would spend (1 - 1/(KH KW)) of its work on zeros. Null
  /// when the op is not of that form.
  ///
  /// One plane per output channel and tap: [M KH KW, C] x [C, H W] on the
  /// NCHW input as it is (a broadcast panel, lanes along the pixels), then
  /// the planes interleaved. Zen 4: 24 -> 1 channels on 160 x 160 0.85 ->
  /// 0.14 ms; 24 -> 24 on 80 x 80 0.75 ms as [H W, C] x [C, M KH KW] and a
  /// transpose of the input, 0.56 ms this way.
  Value strideSizedKernel(qc::ConvTranspose2DOp op,
                          PatternRewriter &rewriter) const {
    auto inType = op.getInput().getType();
    auto wType = op.getWeight().getType();
    ArrayRef<int64_t> in = inType.getShape(), w = wType.getShape();
    ArrayRef<int64_t> strides = op.getStrides();
    auto zero = [](ArrayRef<int64_t> v) {
      return llvm::all_of(v, [](int64_t e) { return e == 0; });
    };
    if (!inType.hasStaticShape() || !wType.hasStaticShape() || in[0] != 1 ||
        op.getGroup() != 1 || w[2] != strides[0] || w[3] != strides[1] ||
        !zero(op.getPads()) || !zero(op.getOutputPadding()) ||
        llvm::any_of(op.getDilations(), [](int64_t d) { return d != 1; }))
      return Value();
    Location loc = op.getLoc();
    Type element = inType.getElementType();
    int64_t c = in[1], h = in[2], wd = in[3], m = w[1], kh = w[2], kw = w[3];
    Value pixels = reshapeTo(rewriter, loc, op.getInput(), {c, h * wd});
    Value taps = reshapeTo(rewriter, loc, op.getWeight(), {c, m * kh * kw});
    auto matmul = [&](Value lhs, Value rhs, ArrayRef<int64_t> shape) {
      auto type = RankedTensorType::get(shape, element);
      return linalg::MatmulOp::create(
                 rewriter, loc, TypeRange{type}, ValueRange{lhs, rhs},
                 ValueRange{filledTensor(rewriter, loc, type, 0.0)})
          .getResult(0);
    };
    // [M, KH, KW, H, W] -> [M, H, KH, W, KW].
    auto placedType = RankedTensorType::get({m, h, kh, wd, kw}, element);
    Value split = reshapeTo(
        rewriter, loc,
        matmul(transpose2D(rewriter, loc, taps), pixels, {m * kh * kw, h * wd}),
        {m, kh, kw, h, wd});
    Value placed =
        linalg::TransposeOp::create(rewriter, loc, split,
                                    emptyTensor(rewriter, loc, placedType),
                                    ArrayRef<int64_t>{0, 3, 1, 4, 2})
            .getResult()[0];
    return reshapeTo(rewriter, loc, placed, op.getType().getShape());
  }
};

/// Matrix product: linalg.matmul for 2-D x 2-D (after folding leading
/// dimensions of a rank>2 lhs into M), otherwise a broadcasting batched
/// contraction generic.
struct MatMulLowering : OpRewritePattern<qc::MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::MatMulOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value lhs = op.getLhs(), rhs = op.getRhs();
    auto lhsType = op.getLhs().getType(), rhsType = op.getRhs().getType();
    Type element = lhsType.getElementType();
    // Promote rank-1 operands.
    SmallVector<int64_t> a(lhsType.getShape()), bs(rhsType.getShape());
    if (a.size() == 1) {
      a.insert(a.begin(), 1);
      lhs = reshapeTo(rewriter, loc, lhs, a);
    }
    if (bs.size() == 1) {
      bs.push_back(1);
      rhs = reshapeTo(rewriter, loc, rhs, bs);
    }
    int64_t k = a.back(), n = bs.back();
    Value product;
    if (bs.size() == 2) {
      int64_t m = 1;
      for (size_t i = 0; i + 1 < a.size(); ++i)
        m *= a[i];
      Value flat = reshapeTo(rewriter, loc, lhs, {m, k});
      auto type = RankedTensorType::get({m, n}, element);
      Value init = filledTensor(rewriter, loc, type, 0.0);
      product =
          linalg::MatmulOp::create(rewriter, loc, TypeRange{type},
                                   ValueRange{flat, rhs}, ValueRange{init})
              .getResult(0);
    } else {
      product = batchedContraction(rewriter, loc, lhs, rhs, a, bs, element);
    }
    rewriter.replaceOp(
        op, reshapeTo(rewriter, loc, product, op.getType().getShape()));
    return success();
  }

  static Value batchedContraction(OpBuilder &b, Location loc, Value lhs,
                                  Value rhs, ArrayRef<int64_t> a,
                                  ArrayRef<int64_t> bs, Type element) {
    MLIRContext *context = b.getContext();
    int64_t batchRank = std::max(a.size(), bs.size()) - 2;
    SmallVector<int64_t> outShape;
    for (int64_t i = 0; i < batchRank; ++i) {
      int64_t ai = i - (batchRank - (int64_t(a.size()) - 2));
      int64_t bi = i - (batchRank - (int64_t(bs.size()) - 2));
      int64_t ea = ai >= 0 ? a[ai] : 1, eb = bi >= 0 ? bs[bi] : 1;
      outShape.push_back(std::max(ea, eb));
    }
    int64_t m = a[a.size() - 2], k = a.back(), n = bs.back();
    outShape.push_back(m);
    outShape.push_back(n);
    // Iteration space: batch..., m, n, k.
    int64_t loops = batchRank + 3;
    auto operandMap = [&](ArrayRef<int64_t> shape, bool isLhs) {
      SmallVector<AffineExpr> exprs;
      int64_t offset = batchRank - (int64_t(shape.size()) - 2);
      for (int64_t d = 0; d + 2 < int64_t(shape.size()); ++d)
        exprs.push_back(shape[d] == 1 && outShape[offset + d] != 1
                            ? b.getAffineConstantExpr(0)
                            : b.getAffineDimExpr(offset + d));
      AffineExpr mDim = b.getAffineDimExpr(batchRank),
                 nDim = b.getAffineDimExpr(batchRank + 1),
                 kDim = b.getAffineDimExpr(batchRank + 2);
      exprs.push_back(isLhs ? mDim : kDim);
      exprs.push_back(isLhs ? kDim : nDim);
      return AffineMap::get(loops, 0, exprs, context);
    };
    SmallVector<AffineExpr> outExprs;
    for (int64_t d = 0; d < batchRank + 2; ++d)
      outExprs.push_back(b.getAffineDimExpr(d));
    SmallVector<AffineMap> maps = {operandMap(a, true), operandMap(bs, false),
                                   AffineMap::get(loops, 0, outExprs, context)};
    SmallVector<utils::IteratorType> iterators(loops - 1,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    auto type = RankedTensorType::get(outShape, element);
    (void)k;
    return linalg::GenericOp::create(
               b, loc, type, ValueRange{lhs, rhs},
               filledTensor(b, loc, type, 0.0), maps, iterators,
               [](OpBuilder &nb, Location nl, ValueRange args) {
                 Value p = arith::MulFOp::create(nb, nl, args[0], args[1]);
                 linalg::YieldOp::create(
                     nb, nl,
                     arith::AddFOp::create(nb, nl, args[2], p).getResult());
               })
        .getResult(0);
  }
};

struct GemmLowering : OpRewritePattern<qc::GemmOp> {
  using OpRewritePattern::OpRewritePattern;

  /// B^T for transB: of a float constant (a classifier's weights) a
  /// constant transposed here, else a linalg.transpose on every call
  /// (ResNet's 1000 x 2048 took 10.5 ms a call to transpose, against 1.1
  /// for the product).
  static Value transposedWeight(PatternRewriter &rewriter, Location loc,
                                Value b) {
    auto type = cast<RankedTensorType>(b.getType());
    std::optional<std::vector<float>> values;
    if (type.getElementType().isF32() && type.hasStaticShape())
      values = qc::readF32Constant(b);
    if (!values)
      return transpose2D(rewriter, loc, b);
    int64_t rows = type.getDimSize(0), columns = type.getDimSize(1);
    std::vector<float> transposed(values->size());
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < columns; ++c)
        transposed[c * rows + r] = (*values)[r * columns + c];
    return qc::createF32Constant(
        rewriter, loc,
        RankedTensorType::get({columns, rows}, type.getElementType()),
        transposed, "gemm_transposed_b");
  }

  LogicalResult matchAndRewrite(qc::GemmOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value a =
        op.getTransA() ? transpose2D(rewriter, loc, op.getA()) : op.getA();
    Value bm =
        op.getTransB() ? transposedWeight(rewriter, loc, op.getB()) : op.getB();
    auto type = op.getType();
    Value init = filledTensor(rewriter, loc, type, 0.0);
    Value product =
        linalg::MatmulOp::create(rewriter, loc, TypeRange{type},
                                 ValueRange{a, bm}, ValueRange{init})
            .getResult(0);
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    SmallVector<Value> inputs = {product};
    if (op.getC())
      inputs.push_back(op.getC());
    Value result = buildElementwise(
        rewriter, loc, type, inputs,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value acc = args[0];
          if (alpha != 1.0)
            acc = arith::MulFOp::create(
                b, l, acc, floatConstant(b, l, acc.getType(), alpha));
          if (args.size() < 2)
            return acc;
          Value c = args[1];
          if (beta != 1.0)
            c = arith::MulFOp::create(b, l, c,
                                      floatConstant(b, l, c.getType(), beta));
          return arith::AddFOp::create(b, l, acc, c);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct BatchNormLowering : OpRewritePattern<qc::BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    SmallVector<int64_t> channelShape(type.getRank(), 1);
    channelShape[1] = type.getDimSize(1);
    SmallVector<Value> inputs = {op.getInput()};
    for (Value param :
         {op.getScale(), op.getBias(), op.getMean(), op.getVariance()})
      inputs.push_back(reshapeTo(rewriter, loc, param, channelShape));
    double epsilon = op.getEpsilon().convertToDouble();
    Value result = buildElementwise(
        rewriter, loc, type, inputs,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value centered = arith::SubFOp::create(b, l, args[0], args[3]);
          Value var = arith::AddFOp::create(
              b, l, args[4], floatConstant(b, l, args[4].getType(), epsilon));
          Value normalized = arith::DivFOp::create(
              b, l, centered, math::SqrtOp::create(b, l, var));
          Value scaled = arith::MulFOp::create(b, l, normalized, args[1]);
          return arith::AddFOp::create(b, l, scaled, args[2]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Divides `sum` elementwise by `count` (a scalar).
Value divideBy(OpBuilder &b, Location loc, Value sum, double count) {
  auto type = cast<RankedTensorType>(sum.getType());
  return buildElementwise(
      b, loc, type, sum, [&](OpBuilder &nb, Location nl, ValueRange args) {
        return arith::DivFOp::create(
                   nb, nl, args[0],
                   floatConstant(nb, nl, args[0].getType(), count))
            .getResult();
      });
}

Value binary(OpBuilder &b, Location loc, RankedTensorType type, Value x,
             Value y,
             function_ref<Value(OpBuilder &, Location, Value, Value)> f) {
  return buildElementwise(b, loc, type, {x, y},
                          [&](OpBuilder &nb, Location nl, ValueRange args) {
                            return f(nb, nl, args[0], args[1]);
                          });
}

struct SoftmaxLowering : OpRewritePattern<qc::SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::SoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    // Verified in range; the signed axis is normalized here.
    int64_t axis = *qc::normalizeAxis(op.getAxis(), type.getRank());
    Value max = reduceKeepDims(rewriter, loc, op.getInput(), {axis},
                               ReductionKind::Max);
    Value exp = binary(rewriter, loc, type, op.getInput(), max,
                       [](OpBuilder &b, Location l, Value x, Value m) -> Value {
                         return math::ExpOp::create(
                             b, l, arith::SubFOp::create(b, l, x, m));
                       });
    Value sum = reduceKeepDims(rewriter, loc, exp, {axis}, ReductionKind::Sum);
    rewriter.replaceOp(
        op, binary(rewriter, loc, type, exp, sum,
                   [](OpBuilder &b, Location l, Value e, Value s) -> Value {
                     return arith::DivFOp::create(b, l, e, s);
                   }));
    return success();
  }
};

struct LayerNormLowering : OpRewritePattern<qc::LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::LayerNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    int64_t rank = type.getRank();
    // Verified in range; the signed axis is normalized here.
    int64_t axis = *qc::normalizeAxis(op.getAxis(), rank);
    SmallVector<int64_t> axes;
    double count = 1;
    for (int64_t d = axis; d < rank; ++d) {
      axes.push_back(d);
      count *= type.getDimSize(d);
    }
    Value mean = divideBy(
        rewriter, loc,
        reduceKeepDims(rewriter, loc, op.getInput(), axes, ReductionKind::Sum),
        count);
    Value centered =
        binary(rewriter, loc, type, op.getInput(), mean,
               [](OpBuilder &b, Location l, Value x, Value m) -> Value {
                 return arith::SubFOp::create(b, l, x, m);
               });
    Value squares =
        binary(rewriter, loc, type, centered, centered,
               [](OpBuilder &b, Location l, Value x, Value y) -> Value {
                 return arith::MulFOp::create(b, l, x, y);
               });
    Value var = divideBy(
        rewriter, loc,
        reduceKeepDims(rewriter, loc, squares, axes, ReductionKind::Sum),
        count);
    double epsilon = op.getEpsilon().convertToDouble();
    SmallVector<Value> inputs = {centered, var, op.getScale()};
    if (op.getBias())
      inputs.push_back(op.getBias());
    Value result = buildElementwise(
        rewriter, loc, type, inputs,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value v = arith::AddFOp::create(
              b, l, args[1], floatConstant(b, l, args[1].getType(), epsilon));
          Value normalized = arith::DivFOp::create(
              b, l, args[0], math::SqrtOp::create(b, l, v));
          Value scaled = arith::MulFOp::create(b, l, normalized, args[2]);
          return args.size() > 3
                     ? arith::AddFOp::create(b, l, scaled, args[3]).getResult()
                     : scaled;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Extra high padding so that ceil-mode windows fit in the padded input.
int64_t ceilOverhang(int64_t in, int64_t out, int64_t kernel, int64_t stride,
                     int64_t dilation, int64_t padBegin, int64_t padEnd) {
  int64_t needed = (out - 1) * stride + (kernel - 1) * dilation + 1;
  return std::max<int64_t>(0, needed - (in + padBegin + padEnd));
}

struct MaxPoolLowering : OpRewritePattern<qc::MaxPool2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::MaxPool2DOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto in = op.getInput().getType().getShape();
    auto out = op.getType().getShape();
    ArrayRef<int64_t> k = op.getKernelShape(), s = op.getStrides(),
                      p = op.getPads(), d = op.getDilations();
    SmallVector<int64_t> high = {0, 0, p[2], p[3]};
    for (int i = 0; i < 2; ++i)
      high[2 + i] +=
          ceilOverhang(in[2 + i], out[2 + i], k[i], s[i], d[i], p[i], p[2 + i]);
    Value padded = padConstant(rewriter, loc, op.getInput(), {0, 0, p[0], p[1]},
                               high, -std::numeric_limits<double>::infinity());
    Type element = op.getType().getElementType();
    if (Value shifted = maxOfShiftedSlices(rewriter, op, padded)) {
      rewriter.replaceOp(op, shifted);
      return success();
    }
    Value window = tensor::EmptyOp::create(rewriter, loc, k, element);
    Value init = filledTensor(rewriter, loc, op.getType(),
                              -std::numeric_limits<double>::infinity());
    rewriter.replaceOp(op, linalg::PoolingNchwMaxOp::create(
                               rewriter, loc, TypeRange{op.getType()},
                               ValueRange{padded, window}, ValueRange{init},
                               i64Vector(rewriter, s), i64Vector(rewriter, d))
                               .getResult(0));
    return success();
  }

  /// Float max pooling with unit width stride as elementwise maxes of
  /// shifted slices, separably: the max over the window's columns of the
  /// padded input shifted by each (contiguous in width), then over its
  /// rows of that shifted by each (strided in height). The rows vectorize,
  /// where linalg's pooling loops keep the window innermost and run scalar
  /// (YOLO's SPP, 5 x 5 stride 1 over 256 x 20 x 20: 3.34 ms, against
  /// ONNX Runtime's 0.37), and a k x k window reads 2k taps, not k^2.
  /// maximumf is commutative and associative (NaN wins, +0 over -0), so
  /// the result equals the pooling op's bit for bit. Null where it does
  /// not apply.
  static Value maxOfShiftedSlices(PatternRewriter &rewriter, qc::MaxPool2DOp op,
                                  Value padded) {
    auto outType = op.getType();
    ArrayRef<int64_t> k = op.getKernelShape(), s = op.getStrides(),
                      d = op.getDilations();
    if (s[1] != 1 || !isa<FloatType>(outType.getElementType()) ||
        !outType.hasStaticShape())
      return Value();
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    auto paddedType = cast<RankedTensorType>(padded.getType());
    ArrayRef<int64_t> out = outType.getShape();
    // The max over `count` slices of `source`, the i-th at offset `step` x
    // i along dimension `dim`, of shape `shape` with `strides`.
    auto maxOfSlices = [&](Value source, ArrayRef<int64_t> shape,
                           ArrayRef<int64_t> strides, int64_t dim,
                           int64_t count, int64_t step) -> Value {
      auto type = RankedTensorType::get(shape, outType.getElementType());
      SmallVector<Value> taps;
      for (int64_t i = 0; i < count; ++i) {
        SmallVector<int64_t> offsets(4, 0);
        offsets[dim] = i * step;
        taps.push_back(tensor::ExtractSliceOp::create(
            rewriter, loc, type, source,
            getAsIndexOpFoldResult(context, offsets),
            getAsIndexOpFoldResult(context, shape),
            getAsIndexOpFoldResult(context, strides)));
      }
      return buildElementwise(rewriter, loc, type, taps,
                              [](OpBuilder &b, Location l, ValueRange args) {
                                Value max = args[0];
                                for (Value tap : args.drop_front())
                                  max =
                                      arith::MaximumFOp::create(b, l, max, tap);
                                return max;
                              });
    };
    Value columns =
        maxOfSlices(padded, {out[0], out[1], paddedType.getDimSize(2), out[3]},
                    {1, 1, 1, 1}, /*dim=*/3, k[1], d[1]);
    return maxOfSlices(columns, out, {1, 1, s[0], 1}, /*dim=*/2, k[0], d[0]);
  }
};

/// Average pooling: a window sum divided by a per-position count computed
/// here (padding counts only with count_include_pad; the ceil-mode
/// overhang never counts).
struct AvgPoolLowering : OpRewritePattern<qc::AvgPool2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::AvgPool2DOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto in = op.getInput().getType().getShape();
    auto out = op.getType().getShape();
    ArrayRef<int64_t> k = op.getKernelShape(), s = op.getStrides(),
                      p = op.getPads();
    SmallVector<int64_t> high = {0, 0, p[2], p[3]};
    for (int i = 0; i < 2; ++i)
      high[2 + i] +=
          ceilOverhang(in[2 + i], out[2 + i], k[i], s[i], 1, p[i], p[2 + i]);
    Value padded = padConstant(rewriter, loc, op.getInput(), {0, 0, p[0], p[1]},
                               high, 0.0);
    Type element = op.getType().getElementType();
    Value window = tensor::EmptyOp::create(rewriter, loc, k, element);
    Value init = filledTensor(rewriter, loc, op.getType(), 0.0);
    Value sum = linalg::PoolingNchwSumOp::create(
                    rewriter, loc, TypeRange{op.getType()},
                    ValueRange{padded, window}, ValueRange{init},
                    i64Vector(rewriter, s), i64Vector(rewriter, {1, 1}))
                    .getResult(0);
    // Count of the window elements that are counted, per output position.
    bool includePad = op.getCountIncludePad();
    SmallVector<float> counts;
    for (int64_t y = 0; y < out[2]; ++y)
      for (int64_t x = 0; x < out[3]; ++x) {
        int64_t n = 1;
        for (int i = 0; i < 2; ++i) {
          int64_t start = (i == 0 ? y : x) * s[i] - p[i];
          int64_t end = start + k[i];
          int64_t lo = includePad ? -p[i] : 0;
          int64_t hi = includePad ? in[2 + i] + p[2 + i] : in[2 + i];
          n *= std::max<int64_t>(0, std::min(end, hi) - std::max(start, lo));
        }
        counts.push_back(static_cast<float>(std::max<int64_t>(n, 1)));
      }
    auto countType =
        RankedTensorType::get({out[2], out[3]}, rewriter.getF32Type());
    Value countTensor = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(countType, ArrayRef<float>(counts)));
    rewriter.replaceOp(
        op, binary(rewriter, loc, op.getType(), sum, countTensor,
                   [](OpBuilder &b, Location l, Value x, Value c) -> Value {
                     if (c.getType() != x.getType())
                       c = arith::TruncFOp::create(b, l, x.getType(), c);
                     return arith::DivFOp::create(b, l, x, c);
                   }));
    return success();
  }
};

/// The sum of `input` over its axes from `first` on, kept as extent-1
/// dimensions. Sixteen partial sums per outer element, one per lane, over
/// the contiguous trailing elements, then those: reduced innermost, the
/// sum had its loops swapped to vectorize over the outer dimensions and
/// read the input with their stride (det's 96 x 80 x 80 squeeze: 0.50 ms;
/// ReduceMean over 256 x 40 x 40: 0.33 ms against ONNX Runtime's 0.08).
static Value sumTrailingAxes(PatternRewriter &rewriter, Location loc,
                             Value input, int64_t first) {
  constexpr int64_t kLanes = 16;
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> axes, kept(type.getShape().take_front(first));
  int64_t count = 1;
  for (int64_t d = first; d < rank; ++d) {
    axes.push_back(d);
    count *= type.getDimSize(d);
  }
  if (!type.hasStaticShape() || count % kLanes != 0 || count < 16 * kLanes)
    return reduceKeepDims(rewriter, loc, input, axes, ReductionKind::Sum);
  SmallVector<int64_t> lanesShape = kept;
  lanesShape.append({count / kLanes, kLanes});
  Value lanes = reshapeTo(rewriter, loc, input, lanesShape);
  Value partial =
      reduceKeepDims(rewriter, loc, lanes, {first}, ReductionKind::Sum);
  Value sum =
      reduceKeepDims(rewriter, loc, partial, {first + 1}, ReductionKind::Sum);
  kept.append(rank - first, 1);
  return reshapeTo(rewriter, loc, sum, kept);
}

struct GlobalAvgPoolLowering : OpRewritePattern<qc::GlobalAvgPoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::GlobalAvgPoolOp op,
                                PatternRewriter &rewriter) const override {
    auto type = op.getInput().getType();
    double count = 1;
    for (int64_t d = 2; d < type.getRank(); ++d)
      count *= type.getDimSize(d);
    Value sum = sumTrailingAxes(rewriter, op.getLoc(), op.getInput(), 2);
    rewriter.replaceOp(op, divideBy(rewriter, op.getLoc(), sum, count));
    return success();
  }
};

template <typename Op, ReductionKind kind, bool mean>
struct ReduceLowering : OpRewritePattern<Op> {
  using OpRewritePattern<Op>::OpRewritePattern;
  LogicalResult matchAndRewrite(Op op,
                                PatternRewriter &rewriter) const override {
    auto type = op.getInput().getType();
    int64_t rank = type.getRank();
    SmallVector<int64_t> axes;
    for (int64_t axis : op.getAxes())
      axes.push_back(axis < 0 ? axis + rank : axis);
    if (axes.empty())
      for (int64_t d = 0; d < rank; ++d)
        axes.push_back(d);
    llvm::sort(axes);
    // A sum over the trailing axes (ReduceMean over a feature map's pixels,
    // a decomposed LayerNorm's last axis) in per-lane partial sums.
    bool trailing =
        axes.back() == rank - 1 && axes.front() == rank - int64_t(axes.size());
    Value result =
        kind == ReductionKind::Sum && trailing
            ? sumTrailingAxes(rewriter, op.getLoc(), op.getInput(),
                              axes.front())
            : reduceKeepDims(rewriter, op.getLoc(), op.getInput(), axes, kind);
    if (mean) {
      double count = 1;
      for (int64_t axis : axes)
        count *= type.getDimSize(axis);
      result = divideBy(rewriter, op.getLoc(), result, count);
    }
    rewriter.replaceOp(
        op, reshapeTo(rewriter, op.getLoc(), result, op.getType().getShape()));
    return success();
  }
};

} // namespace

void quantc::lowering::populateNNLowering(RewritePatternSet &patterns) {
  patterns
      .add<Conv2DLowering, ConvTranspose2DLowering, MatMulLowering,
           GemmLowering, BatchNormLowering, SoftmaxLowering, LayerNormLowering,
           MaxPoolLowering, AvgPoolLowering, GlobalAvgPoolLowering,
           ReduceLowering<qc::ReduceMeanOp, ReductionKind::Sum, true>,
           ReduceLowering<qc::ReduceSumOp, ReductionKind::Sum, false>,
           ReduceLowering<qc::ReduceMaxOp, ReductionKind::Max, false>,
           ReduceLowering<qc::ReduceProdOp, ReductionKind::Prod, false>>(
          patterns.getContext());
}
