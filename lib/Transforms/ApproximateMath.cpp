//===- ApproximateMath.cpp - transcendental math as polynomials -----------===//
//
// Part of quantc. GPU kernels calling libdevice's __nv_expf would need
// the CUDA toolkit at compile time; MLIR's polynomial approximations keep
// the PTX self-contained (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <limits>

namespace quantc {
#define GEN_PASS_DEF_APPROXIMATEMATH
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {
/// powf(x, y) as exp(y log |x|), with IEEE's answers where that formula
/// has none: a negative base with an integer exponent (sign from its
/// parity; NaN for other exponents), y = 0 (1), and the exact squares and
/// square roots of y = 2 and y = 0.5 (a LayerNorm's variance). Upstream's
/// expansion returns NaN for every negative base.
struct PowFAsExpLog : public OpRewritePattern<math::PowFOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(math::PowFOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type type = op.getType();
    Value x = op.getLhs(), y = op.getRhs();
    // A splat for vector powf (short rows run as masked vectors).
    auto constant = [&](double v) -> Value {
      TypedAttr value = rewriter.getFloatAttr(getElementTypeOrSelf(type), v);
      if (auto vector = dyn_cast<VectorType>(type))
        value = SplatElementsAttr::get(vector, value);
      return arith::ConstantOp::create(rewriter, loc, type, value);
    };
    auto equal = [&](Value a, Value b) -> Value {
      return arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::OEQ, a,
                                   b);
    };
    Value magnitude = math::ExpOp::create(
        rewriter, loc,
        arith::MulFOp::create(
            rewriter, loc, y,
            math::LogOp::create(rewriter, loc,
                                math::AbsFOp::create(rewriter, loc, x))));
    Value yInteger = equal(math::FloorOp::create(rewriter, loc, y), y);
    Value half = arith::MulFOp::create(rewriter, loc, y, constant(0.5));
    Value yOdd = arith::AndIOp::create(
        rewriter, loc, yInteger,
        arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::ONE,
                              math::FloorOp::create(rewriter, loc, half),
                              half));
    Value negativeBase = arith::CmpFOp::create(
        rewriter, loc, arith::CmpFPredicate::OLT, x, constant(0));
    Value signed_ = arith::SelectOp::create(
        rewriter, loc, yOdd, arith::NegFOp::create(rewriter, loc, magnitude),
        magnitude);
    Value negative = arith::SelectOp::create(
        rewriter, loc, yInteger, signed_,
        constant(std::numeric_limits<double>::quiet_NaN()));
    Value result = arith::SelectOp::create(rewriter, loc, negativeBase,
                                           negative, magnitude);
    result =
        arith::SelectOp::create(rewriter, loc, equal(y, constant(0.5)),
                                math::SqrtOp::create(rewriter, loc, x), result);
    result = arith::SelectOp::create(rewriter, loc, equal(y, constant(2)),
                                     arith::MulFOp::create(rewriter, loc, x, x),
                                     result);
    result = arith::SelectOp::create(rewriter, loc, equal(y, constant(0)),
                                     constant(1), result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ApproximateMathPass
    : public quantc::impl::ApproximateMathBase<ApproximateMathPass> {
  using ApproximateMathBase::ApproximateMathBase;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    auto every = [](StringRef) { return true; };
    // powf becomes exp and log, which the polynomials then take.
    patterns.add<PowFAsExpLog>(&getContext(), /*benefit=*/2);
    if (expandOthers)
      math::populateExpansionPatterns(
          patterns, {"sinh", "cosh", "tan", "asinh", "acosh", "atanh"});
    populateMathPolynomialApproximationPatterns(patterns, every);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
