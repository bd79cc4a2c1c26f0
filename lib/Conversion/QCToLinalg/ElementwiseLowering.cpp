//===- ElementwiseLowering.cpp - elementwise qc ops to linalg.generic -----===//
//
// Part of quantc. Binary arithmetic with broadcasting, activations, clip,
// constants and the (float-execution no-op) observe probe.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "Patterns.h"

#include "quantc/Dialect/QC/IR/QCOps.h"

#include "mlir/IR/DialectResourceBlobManager.h"

#include <cmath>

using namespace mlir;
using namespace quantc;
using namespace quantc::lowering;

namespace {

template <typename SourceOp, typename FloatOp>
struct BinaryLowering : OpRewritePattern<SourceOp> {
  using OpRewritePattern<SourceOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(SourceOp op,
                                PatternRewriter &rewriter) const override {
    if (!isa<FloatType>(op.getType().getElementType()))
      return rewriter.notifyMatchFailure(op, "integer arithmetic");
    Value result = buildElementwise(
        rewriter, op.getLoc(), op.getType(), {op.getLhs(), op.getRhs()},
        [](OpBuilder &b, Location loc, ValueRange args) {
          return FloatOp::create(b, loc, args[0], args[1]).getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// A unary op whose scalar body `build` computes.
template <typename SourceOp>
struct UnaryLowering : OpRewritePattern<SourceOp> {
  using Build = Value (*)(OpBuilder &, Location, Value, SourceOp);
  UnaryLowering(MLIRContext *context, Build build)
      : OpRewritePattern<SourceOp>(context), build(build) {}
  LogicalResult matchAndRewrite(SourceOp op,
                                PatternRewriter &rewriter) const override {
    Value result = buildElementwise(
        rewriter, op.getLoc(), op.getType(), {op.getInput()},
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return build(b, loc, args[0], op);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
  Build build;
};

Value constantLike(OpBuilder &b, Location loc, Value x, double value) {
  return floatConstant(b, loc, x.getType(), value);
}

Value sigmoid(OpBuilder &b, Location loc, Value x) {
  Value negated = arith::NegFOp::create(b, loc, x);
  Value exp = math::ExpOp::create(b, loc, negated);
  Value one = constantLike(b, loc, x, 1.0);
  Value denom = arith::AddFOp::create(b, loc, one, exp);
  return arith::DivFOp::create(b, loc, one, denom);
}

Value clamp(OpBuilder &b, Location loc, Value x, double lo, double hi) {
  Value low = arith::MaximumFOp::create(b, loc, x, constantLike(b, loc, x, lo));
  return arith::MinimumFOp::create(b, loc, low, constantLike(b, loc, x, hi));
}

Value hardSigmoid(OpBuilder &b, Location loc, Value x, double alpha,
                  double beta) {
  Value scaled = arith::MulFOp::create(b, loc, x, constantLike(b, loc, x, alpha));
  Value shifted =
      arith::AddFOp::create(b, loc, scaled, constantLike(b, loc, x, beta));
  return clamp(b, loc, shifted, 0.0, 1.0);
}

template <typename Op>
void addUnary(RewritePatternSet &patterns,
              typename UnaryLowering<Op>::Build build) {
  patterns.add<UnaryLowering<Op>>(patterns.getContext(), build);
}

struct ConstantLowering : OpRewritePattern<qc::ConstantOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::ConstantOp op,
                                PatternRewriter &rewriter) const override {
    TypedAttr value = cast<TypedAttr>(op.getValue());
    // Small blobs become dense literals: upstream folders (linalg's scalar
    // and splat constant folding) cannot iterate dense_resource values.
    if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
      AsmResourceBlob *blob = resource.getRawHandle().getBlob();
      auto type = cast<ShapedType>(resource.getType());
      if (blob && type.getNumElements() <= kMaxInlinedElements &&
          type.getElementTypeBitWidth() >= 8)
        value = DenseElementsAttr::getFromRawBuffer(type, blob->getData());
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value);
    return success();
  }
  static constexpr int64_t kMaxInlinedElements = 64;
};

/// Float execution records nothing: a probe is its input.
struct ObserveLowering : OpRewritePattern<qc::ObserveOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::ObserveOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, op.getInput());
    return success();
  }
};

} // namespace

void quantc::lowering::populateElementwiseLowering(
    RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  patterns.add<BinaryLowering<qc::AddOp, arith::AddFOp>,
               BinaryLowering<qc::SubOp, arith::SubFOp>,
               BinaryLowering<qc::MulOp, arith::MulFOp>,
               BinaryLowering<qc::DivOp, arith::DivFOp>,
               BinaryLowering<qc::PowOp, math::PowFOp>, ConstantLowering,
               ObserveLowering>(context);
  addUnary<qc::ReluOp>(patterns, [](OpBuilder &b, Location loc, Value x,
                                    qc::ReluOp) -> Value {
    return arith::MaximumFOp::create(b, loc, x, constantLike(b, loc, x, 0.0));
  });
  addUnary<qc::SigmoidOp>(patterns, [](OpBuilder &b, Location loc, Value x,
                                       qc::SigmoidOp) { return sigmoid(b, loc, x); });
  addUnary<qc::TanhOp>(patterns, [](OpBuilder &b, Location loc, Value x,
                                    qc::TanhOp) -> Value {
    return math::TanhOp::create(b, loc, x);
  });
  addUnary<qc::SqrtOp>(patterns, [](OpBuilder &b, Location loc, Value x,
                                    qc::SqrtOp) -> Value {
    return math::SqrtOp::create(b, loc, x);
  });
  addUnary<qc::ErfOp>(patterns, [](OpBuilder &b, Location loc, Value x,
                                   qc::ErfOp) -> Value {
    return math::ErfOp::create(b, loc, x);
  });
  addUnary<qc::ExpOp>(patterns, [](OpBuilder &b, Location loc, Value x,
                                   qc::ExpOp) -> Value {
    return math::ExpOp::create(b, loc, x);
  });
  addUnary<qc::NegOp>(patterns, [](OpBuilder &b, Location loc, Value x,
                                   qc::NegOp) -> Value {
    return arith::NegFOp::create(b, loc, x);
  });
  addUnary<qc::AbsOp>(patterns, [](OpBuilder &b, Location loc, Value x,
                                   qc::AbsOp) -> Value {
    return math::AbsFOp::create(b, loc, x);
  });
  addUnary<qc::ReciprocalOp>(patterns, [](OpBuilder &b, Location loc, Value x,
                                          qc::ReciprocalOp) -> Value {
    return arith::DivFOp::create(b, loc, constantLike(b, loc, x, 1.0), x);
  });
  addUnary<qc::HardSigmoidOp>(patterns, [](OpBuilder &b, Location loc, Value x,
                                           qc::HardSigmoidOp op) {
    return hardSigmoid(b, loc, x, op.getAlpha().convertToDouble(),
                       op.getBeta().convertToDouble());
  });
  addUnary<qc::HardSwishOp>(patterns, [](OpBuilder &b, Location loc, Value x,
                                         qc::HardSwishOp) -> Value {
    return arith::MulFOp::create(b, loc, x,
                                 hardSigmoid(b, loc, x, 1.0 / 6.0, 0.5));
  });
  addUnary<qc::ClipOp>(patterns, [](OpBuilder &b, Location loc, Value x,
                                    qc::ClipOp op) {
    Value result = x;
    if (op.getMin())
      result = arith::MaximumFOp::create(
          b, loc, result,
          constantLike(b, loc, x, op.getMinAttr().getValueAsDouble()));
    if (op.getMax())
      result = arith::MinimumFOp::create(
          b, loc, result,
          constantLike(b, loc, x, op.getMaxAttr().getValueAsDouble()));
    return result;
  });
  addUnary<qc::GeluOp>(patterns, [](OpBuilder &b, Location loc, Value x,
                                    qc::GeluOp op) -> Value {
    Value half = constantLike(b, loc, x, 0.5);
    Value one = constantLike(b, loc, x, 1.0);
    Value inner;
    if (op.getApproximate() == qc::GeluApproximation::tanh) {
      // tanh(sqrt(2/pi) * (x + 0.044715 x^3))
      Value x3 = arith::MulFOp::create(
          b, loc, x, arith::MulFOp::create(b, loc, x, x));
      Value poly = arith::AddFOp::create(
          b, loc, x,
          arith::MulFOp::create(b, loc, x3, constantLike(b, loc, x, 0.044715)));
      inner = math::TanhOp::create(
          b, loc,
          arith::MulFOp::create(
              b, loc, poly, constantLike(b, loc, x, std::sqrt(2.0 / M_PI))));
    } else {
      inner = math::ErfOp::create(
          b, loc,
          arith::MulFOp::create(b, loc, x,
                                constantLike(b, loc, x, M_SQRT1_2)));
    }
    Value scaled = arith::MulFOp::create(b, loc, x, half);
    return arith::MulFOp::create(b, loc, scaled,
                                 arith::AddFOp::create(b, loc, one, inner));
  });
}
