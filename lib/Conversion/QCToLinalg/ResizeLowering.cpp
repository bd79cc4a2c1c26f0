//===- ResizeLowering.cpp - qc.resize to linalg ---------------------------===//
//
// Part of quantc. Resize: each output element reads the input at source
// coordinates computed per resized dimension (nearest, linear or cubic).
// Shapes are static, so the coordinates, the indices they round to and
// the linear fractions are computed here, once per output index of each
// dimension, in f32 with the operations the model's runtime would use
// (ONNX's formulas), and the loops read them from small constant tables:
// per element only the gathers and the blend remain (a divide, a floor,
// two clamps and two conversions per element before: M-LSD's 64 x 80 x 80
// bilinear upsampling took 1.6 ms).
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "Patterns.h"

#include "quantc/Dialect/QC/IR/QCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using namespace quantc;
using namespace quantc::lowering;

namespace {
/// The source coordinate of each output index of one dimension, in f32 as
/// ONNX's Resize defines it; each operation a separate statement, so that
/// none is contracted into another (an FMA would round once fewer).
SmallVector<float> sourceCoordinates(float scale, int64_t inExtent,
                                     int64_t outExtent,
                                     qc::CoordinateTransform mode) {
  SmallVector<float> coordinates;
  for (int64_t i = 0; i < outExtent; ++i) {
    float x = float(i);
    float src = 0.0f;
    switch (mode) {
    case qc::CoordinateTransform::asymmetric:
      src = x / scale;
      break;
    case qc::CoordinateTransform::align_corners: {
      // ONNX divides by the resized length before rounding, in * scale
      // (2.4 for 4 x 0.6 though 2 elements are produced); scales derived
      // from sizes give the output extent itself.
      double resized = double(inExtent) * scale;
      if (std::abs(resized - double(outExtent)) < 1e-4)
        resized = outExtent;
      if (resized > 1) {
        float ratio = float(double(inExtent - 1) / (resized - 1));
        src = x * ratio;
      }
      break;
    }
    case qc::CoordinateTransform::pytorch_half_pixel:
      if (outExtent == 1)
        break;
      [[fallthrough]];
    case qc::CoordinateTransform::half_pixel: {
      float shifted = x + 0.5f;
      float divided = shifted / scale;
      src = divided - 0.5f;
      break;
    }
    }
    coordinates.push_back(src);
  }
  return coordinates;
}

float roundNearest(float x, qc::NearestRounding mode) {
  switch (mode) {
  case qc::NearestRounding::floor:
    return std::floor(x);
  case qc::NearestRounding::ceil:
    return std::ceil(x);
  case qc::NearestRounding::round_prefer_ceil: {
    float up = x + 0.5f;
    return std::floor(up);
  }
  case qc::NearestRounding::round_prefer_floor: {
    float down = x - 0.5f;
    return std::ceil(down);
  }
  }
  llvm_unreachable("unknown rounding");
}

/// `src` clamped to the input's indices [0, last] as arith.maximumf and
/// minimumf clamp it (-0 becomes +0; there is no NaN).
float clampIndex(float src, int64_t last) {
  float low = src > 0.0f ? src : 0.0f;
  return low < float(last) ? low : float(last);
}

Value indexTable(OpBuilder &b, Location loc, ArrayRef<int32_t> values) {
  auto type = RankedTensorType::get({int64_t(values.size())}, b.getI32Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, values));
}

Value floatTable(OpBuilder &b, Location loc, ArrayRef<float> values) {
  auto type = RankedTensorType::get({int64_t(values.size())}, b.getF32Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, values));
}

/// The tables of one resized dimension a generic reads, indexed by the
/// output's index there: the generic's inputs from `first`.
struct DimensionTables {
  int64_t dim;
  unsigned first;
};

/// A generic over the output whose inputs are per-dimension tables, each
/// read at the output's index along its dimension.
struct TableInputs {
  /// The output's rank.
  int64_t rank;
  SmallVector<Value> values;
  SmallVector<AffineMap> maps;
  SmallVector<DimensionTables> resized;

  /// Adds `table` for output dimension `dim`; returns its input number.
  unsigned add(Value table, int64_t dim) {
    values.push_back(table);
    maps.push_back(
        AffineMap::get(rank, 0, getAffineDimExpr(dim, table.getContext())));
    return values.size() - 1;
  }

  /// The tables of dimension `dim`, or null when it is not resized.
  const DimensionTables *of(int64_t dim) const {
    const auto *found = llvm::find_if(
        resized, [&](const DimensionTables &t) { return t.dim == dim; });
    return found == resized.end() ? nullptr : found;
  }

  Value generic(OpBuilder &b, Location loc, RankedTensorType outType,
                function_ref<void(OpBuilder &, Location, ValueRange)> body) {
    SmallVector<AffineMap> allMaps = maps;
    allMaps.push_back(b.getMultiDimIdentityMap(rank));
    return linalg::GenericOp::create(b, loc, outType, values,
                                     emptyTensor(b, loc, outType), allMaps,
                                     SmallVector<utils::IteratorType>(
                                         rank, utils::IteratorType::parallel),
                                     body)
        .getResult(0);
  }
};

/// Resize: each output element reads the input at transformed coordinates
/// (nearest, or linear interpolation per resized dimension), the indices
/// and fractions from per-dimension tables.
struct ResizeLowering : OpRewritePattern<qc::ResizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::ResizeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = op.getInput().getType();
    auto outType = op.getType();
    if (!inType.hasStaticShape() || !outType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    int64_t rank = outType.getRank();
    Value input = op.getInput();
    if (Value repeated = integerUpsample(rewriter, op)) {
      rewriter.replaceOp(op, repeated);
      return success();
    }
    if (op.getMode() == qc::ResizeMode::cubic) {
      rewriter.replaceOp(op, cubic(rewriter, op));
      return success();
    }
    bool nearest = op.getMode() == qc::ResizeMode::nearest;
    TableInputs tables{rank};
    for (int64_t d = 0; d < rank; ++d) {
      int64_t inExtent = inType.getDimSize(d);
      int64_t outExtent = outType.getDimSize(d);
      if (inExtent == outExtent)
        continue;
      SmallVector<float> src = sourceCoordinates(
          op.getScales()[d], inExtent, outExtent, op.getCoordinateTransform());
      SmallVector<int32_t> low, high;
      SmallVector<float> frac;
      for (float s : src) {
        if (nearest) {
          float rounded = clampIndex(roundNearest(s, op.getNearestRounding()),
                                     inExtent - 1);
          low.push_back(int32_t(rounded));
          continue;
        }
        float clamped = clampIndex(s, inExtent - 1);
        float floor = std::floor(clamped);
        float next = floor + 1.0f;
        float ceil = next < float(inExtent - 1) ? next : float(inExtent - 1);
        low.push_back(int32_t(floor));
        high.push_back(int32_t(ceil));
        frac.push_back(clamped - floor);
      }
      unsigned first = tables.add(indexTable(rewriter, loc, low), d);
      if (!nearest) {
        tables.add(indexTable(rewriter, loc, high), d);
        tables.add(floatTable(rewriter, loc, frac), d);
      }
      tables.resized.push_back({d, first});
    }
    Value resized = tables.generic(
        rewriter, loc, outType, [&](OpBuilder &b, Location l, ValueRange args) {
          auto toIndex = [&](Value v) -> Value {
            return arith::IndexCastOp::create(b, l, b.getIndexType(), v);
          };
          SmallVector<Value> lowIdx, highIdx, frac;
          for (int64_t d = 0; d < rank; ++d) {
            const DimensionTables *table = tables.of(d);
            if (!table) {
              Value i = linalg::IndexOp::create(b, l, d);
              lowIdx.push_back(i);
              highIdx.push_back(i);
              frac.push_back(Value());
              continue;
            }
            Value low = toIndex(args[table->first]);
            lowIdx.push_back(low);
            highIdx.push_back(nearest ? low : toIndex(args[table->first + 1]));
            frac.push_back(nearest ? Value() : args[table->first + 2]);
          }
          // Multilinear blend over the dimensions with a fraction.
          Value result = blend(b, l, input, lowIdx, highIdx, frac, 0, {});
          linalg::YieldOp::create(b, l, result);
        });
    rewriter.replaceOp(op, resized);
    return success();
  }

  /// Nearest, asymmetric, floor, every resized extent an integer multiple
  /// k of the input's (an FPN's x2 upsampling): output x reads input
  /// x floordiv k exactly, so each input element is copied to its k-wide
  /// block, with no index computed in float (divide, floor, clamp,
  /// convert: 2.4 ms per 96 x 80 x 80 on det).
  static Value integerUpsample(PatternRewriter &rewriter, qc::ResizeOp op) {
    auto inType = op.getInput().getType();
    auto outType = op.getType();
    if (op.getMode() != qc::ResizeMode::nearest ||
        op.getCoordinateTransform() != qc::CoordinateTransform::asymmetric ||
        op.getNearestRounding() != qc::NearestRounding::floor ||
        !inType.hasStaticShape() || !outType.hasStaticShape())
      return Value();
    // The output as [.., in, k, ..] per scaled dimension (an expand_shape
    // of it): every index map a projected permutation, so the copy and
    // the ops fused after it vectorize (a floordiv map on the output's
    // indices did not: 3 ns per element on det's FPN).
    MLIRContext *context = rewriter.getContext();
    SmallVector<int64_t> expandedShape;
    SmallVector<ReassociationIndices> groups;
    SmallVector<AffineExpr> source;
    for (int64_t d = 0; d < outType.getRank(); ++d) {
      int64_t in = inType.getDimSize(d), out = outType.getDimSize(d);
      float scale = op.getScales()[d];
      int64_t at = expandedShape.size();
      source.push_back(getAffineDimExpr(at, context));
      if (in == out && scale == 1.0f) {
        expandedShape.push_back(out);
        groups.push_back({at});
        continue;
      }
      int64_t k = int64_t(scale);
      if (float(k) != scale || k < 2 || out != in * k)
        return Value();
      expandedShape.append({in, k});
      groups.push_back({at, at + 1});
    }
    int64_t rank = expandedShape.size();
    auto expandedType =
        RankedTensorType::get(expandedShape, outType.getElementType());
    Value blocks =
        linalg::GenericOp::create(
            rewriter, op.getLoc(), expandedType, ValueRange{op.getInput()},
            emptyTensor(rewriter, op.getLoc(), expandedType),
            ArrayRef<AffineMap>{AffineMap::get(rank, 0, source, context),
                                rewriter.getMultiDimIdentityMap(rank)},
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [](OpBuilder &b, Location l, ValueRange args) {
              linalg::YieldOp::create(b, l, args[0]);
            })
            .getResult(0);
    return tensor::CollapseShapeOp::create(rewriter, op.getLoc(), outType,
                                           blocks, groups);
  }

  /// One input position an output element reads, and its weight (null:
  /// weight 1).
  struct Tap {
    Value index, weight;
  };

  /// Cubic mode: per resized dimension the 4 inputs around the source
  /// coordinate, floor(src) - 1 .. floor(src) + 2, weighted by Keys'
  /// kernel at their distance (ONNX's cubic_coeff_a); positions beyond the
  /// edge read the edge, or with exclude_outside weigh 0 and the weights
  /// are renormalized. Computed in f32.
  static Value cubic(PatternRewriter &rewriter, qc::ResizeOp op) {
    Location loc = op.getLoc();
    auto inType = op.getInput().getType();
    auto outType = op.getType();
    int64_t rank = outType.getRank();
    Value input = op.getInput();
    float a = op.getCubicCoeffA().convertToFloat();
    bool excludeOutside = op.getExcludeOutside();
    // The source coordinates of the resized dimensions, from tables.
    TableInputs tables{rank};
    for (int64_t d = 0; d < rank; ++d) {
      int64_t inExtent = inType.getDimSize(d);
      int64_t outExtent = outType.getDimSize(d);
      if (inExtent == outExtent && op.getScales()[d] == 1.0f)
        continue;
      SmallVector<float> src = sourceCoordinates(
          op.getScales()[d], inExtent, outExtent, op.getCoordinateTransform());
      tables.resized.push_back(
          {d, tables.add(floatTable(rewriter, loc, src), d)});
    }
    return tables.generic(
        rewriter, loc, outType, [&](OpBuilder &b, Location l, ValueRange args) {
          Type f32 = b.getF32Type();
          auto c = [&](double v) { return floatConstant(b, l, f32, v); };
          auto mul = [&](Value x, Value y) -> Value {
            return arith::MulFOp::create(b, l, x, y);
          };
          auto add = [&](Value x, Value y) -> Value {
            return arith::AddFOp::create(b, l, x, y);
          };
          // Keys' kernel at distance t: |t| <= 1 and 1 < |t| < 2.
          auto near = [&](Value t) {
            Value p = arith::SubFOp::create(b, l, mul(c(a + 2), t), c(a + 3));
            return add(mul(mul(p, t), t), c(1));
          };
          auto far = [&](Value t) {
            Value p = arith::SubFOp::create(b, l, mul(c(a), t), c(5 * a));
            Value q = add(mul(p, t), c(8 * a));
            return arith::SubFOp::create(b, l, mul(q, t), c(4 * a));
          };
          SmallVector<SmallVector<Tap, 4>> taps;
          for (int64_t d = 0; d < rank; ++d) {
            int64_t inExtent = inType.getDimSize(d);
            const DimensionTables *table = tables.of(d);
            if (!table) {
              taps.push_back({{linalg::IndexOp::create(b, l, d), Value()}});
              continue;
            }
            Value src = args[table->first];
            Value floor = math::FloorOp::create(b, l, src);
            Value t = arith::SubFOp::create(b, l, src, floor);
            Value u = arith::SubFOp::create(b, l, c(1), t);
            SmallVector<Value, 4> weights = {far(add(t, c(1))), near(t),
                                             near(u), far(add(u, c(1)))};
            SmallVector<Tap, 4> dim;
            Value total;
            for (int k = 0; k < 4; ++k) {
              Value at = add(floor, c(k - 1));
              Value clamped = arith::MinimumFOp::create(
                  b, l, arith::MaximumFOp::create(b, l, at, c(0)),
                  c(inExtent - 1));
              Value weight = weights[k];
              if (excludeOutside) {
                Value inside = arith::CmpFOp::create(
                    b, l, arith::CmpFPredicate::OEQ, at, clamped);
                weight = arith::SelectOp::create(b, l, inside, weight, c(0));
                total = total ? add(total, weight) : weight;
              }
              dim.push_back(
                  {arith::IndexCastOp::create(
                       b, l, b.getIndexType(),
                       arith::FPToSIOp::create(b, l, b.getI64Type(), clamped)),
                   weight});
            }
            if (excludeOutside)
              for (Tap &tap : dim)
                tap.weight = arith::DivFOp::create(b, l, tap.weight, total);
            taps.push_back(dim);
          }
          Value sum = weighSum(b, l, input, taps, 0, {});
          Type element = outType.getElementType();
          if (element != f32)
            sum = convertFloat(b, l, sum, element);
          linalg::YieldOp::create(b, l, sum);
        });
  }

  /// The sum over every combination of one tap per dimension of the
  /// product of the weights times the input there, in f32.
  static Value weighSum(OpBuilder &b, Location l, Value input,
                        ArrayRef<SmallVector<Tap, 4>> taps, size_t d,
                        SmallVector<Value> chosen) {
    if (d == taps.size()) {
      Value v = tensor::ExtractOp::create(b, l, input, chosen);
      return convertFloat(b, l, v, b.getF32Type());
    }
    Value sum;
    for (const Tap &tap : taps[d]) {
      SmallVector<Value> next = chosen;
      next.push_back(tap.index);
      Value term = weighSum(b, l, input, taps, d + 1, next);
      if (tap.weight)
        term = arith::MulFOp::create(b, l, term, tap.weight);
      sum = sum ? arith::AddFOp::create(b, l, sum, term) : term;
    }
    return sum;
  }

  /// `v` as float type `to` (widened or narrowed).
  static Value convertFloat(OpBuilder &b, Location l, Value v, Type to) {
    unsigned from = v.getType().getIntOrFloatBitWidth();
    unsigned width = to.getIntOrFloatBitWidth();
    if (from == width)
      return v;
    if (from < width)
      return arith::ExtFOp::create(b, l, to, v);
    return arith::TruncFOp::create(b, l, to, v);
  }

  /// Recursively blends the 2^k corners for the dimensions with fractions.
  static Value blend(OpBuilder &b, Location l, Value input, ArrayRef<Value> low,
                     ArrayRef<Value> high, ArrayRef<Value> frac, size_t d,
                     SmallVector<Value> chosen) {
    if (d == low.size())
      return tensor::ExtractOp::create(b, l, input, chosen);
    if (!frac[d]) {
      chosen.push_back(low[d]);
      return blend(b, l, input, low, high, frac, d + 1, chosen);
    }
    SmallVector<Value> lowChosen = chosen, highChosen = chosen;
    lowChosen.push_back(low[d]);
    highChosen.push_back(high[d]);
    Value a = blend(b, l, input, low, high, frac, d + 1, lowChosen);
    Value c = blend(b, l, input, low, high, frac, d + 1, highChosen);
    Value t = frac[d];
    if (t.getType() != a.getType())
      t = arith::TruncFOp::create(b, l, a.getType(), t);
    Value delta = arith::SubFOp::create(b, l, c, a);
    return arith::AddFOp::create(b, l, a,
                                 arith::MulFOp::create(b, l, delta, t));
  }
};

} // namespace

void quantc::lowering::populateResizeLowering(RewritePatternSet &patterns) {
  patterns.add<ResizeLowering>(patterns.getContext());
}
