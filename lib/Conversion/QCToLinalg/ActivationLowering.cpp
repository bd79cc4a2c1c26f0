//===- ActivationLowering.cpp - unary activations to linalg.generic ------===//
//
// Part of quantc. Each unary qc activation becomes one elementwise
// linalg.generic whose body is its scalar formula in arith / math ops.
// Transcendentals stay math ops: quantc-approximate-math later makes the
// ones MLIR has polynomials for vectorizable, libm takes the rest.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "Patterns.h"

#include "quantc/Dialect/QC/IR/QCConstants.h"
#include "quantc/Dialect/QC/IR/QCOps.h"

#include <cmath>

using namespace mlir;
using namespace quantc;
using namespace quantc::lowering;

namespace {

/// A unary op whose scalar body `build` computes.
template <typename SourceOp> struct UnaryLowering : OpRewritePattern<SourceOp> {
  using Build = Value (*)(OpBuilder &, Location, Value, SourceOp);
  UnaryLowering(MLIRContext *context, Build build)
      : OpRewritePattern<SourceOp>(context), build(build) {}
  LogicalResult matchAndRewrite(SourceOp op,
                                PatternRewriter &rewriter) const override {
    Value result =
        buildElementwise(rewriter, op.getLoc(), op.getType(), {op.getInput()},
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

Value clamp(OpBuilder &b, Location loc, Value x, double lo, double hi,
            ClampNaN nan) {
  return clampFloat(b, loc, x, constantLike(b, loc, x, lo),
                    constantLike(b, loc, x, hi), nan);
}

/// Whether `clip` is the gate of a hard swish written out, x * clip(x + c)
/// (PaddlePaddle's exports: Add, Clip, Mul, Div): its input is x plus a
/// finite constant, x has its shape, and its every user multiplies it by
/// that same x. Its input is NaN only where x is, and then every product
/// is NaN whatever the clip gives, so the clip need not propagate NaN.
bool nanMultipliesItself(qc::ClipOp clip) {
  auto add = clip.getInput().getDefiningOp<qc::AddOp>();
  if (!add || clip.getResult().use_empty())
    return false;
  auto finiteConstant = [](Value v) {
    std::optional<std::vector<float>> values = qc::readF32Constant(v);
    return values &&
           llvm::all_of(*values, [](float f) { return std::isfinite(f); });
  };
  for (auto operands : {std::pair(add.getLhs(), add.getRhs()),
                        std::pair(add.getRhs(), add.getLhs())}) {
    Value x = operands.first, c = operands.second;
    // x of the clip's own shape: element i of every product is x[i] times
    // the clip of x[i] + c[...]. The constant's values are read last.
    if (x.getType() != clip.getType())
      continue;
    bool gatesX = llvm::all_of(clip->getUsers(), [&](Operation *user) {
      auto mul = dyn_cast<qc::MulOp>(user);
      return mul && (mul.getLhs() == x || mul.getRhs() == x);
    });
    if (gatesX && finiteConstant(c))
      return true;
  }
  return false;
}

Value hardSigmoid(OpBuilder &b, Location loc, Value x, double alpha,
                  double beta, ClampNaN nan = ClampNaN::Propagate) {
  Value scaled =
      arith::MulFOp::create(b, loc, x, constantLike(b, loc, x, alpha));
  Value shifted =
      arith::AddFOp::create(b, loc, scaled, constantLike(b, loc, x, beta));
  return clamp(b, loc, shifted, 0.0, 1.0, nan);
}

template <typename Op>
void addUnary(RewritePatternSet &patterns,
              typename UnaryLowering<Op>::Build build) {
  patterns.add<UnaryLowering<Op>>(patterns.getContext(), build);
}

/// An activation that is one math-dialect op.
template <typename Op, typename MathOp>
void addMath(RewritePatternSet &patterns) {
  addUnary<Op>(patterns, [](OpBuilder &b, Location loc, Value x, Op) -> Value {
    return MathOp::create(b, loc, x);
  });
}

Value select(OpBuilder &b, Location loc, arith::CmpFPredicate predicate,
             Value x, Value bound, Value ifTrue, Value ifFalse) {
  Value condition = arith::CmpFOp::create(b, loc, predicate, x, bound);
  return arith::SelectOp::create(b, loc, condition, ifTrue, ifFalse);
}

/// exp(x) - 1 scaled by alpha: the negative branch of Elu, Selu and Celu.
Value expMinusOne(OpBuilder &b, Location loc, Value x, double alpha) {
  Value expm1 = math::ExpM1Op::create(b, loc, x);
  return arith::MulFOp::create(b, loc, expm1, constantLike(b, loc, x, alpha));
}

/// ln(1 + exp(x)) as max(x, 0) + ln(1 + exp(-|x|)), which neither
/// overflows for large x nor loses small values to rounding.
Value softplus(OpBuilder &b, Location loc, Value x) {
  Value positive =
      arith::MaximumFOp::create(b, loc, x, constantLike(b, loc, x, 0.0));
  Value negAbs = arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, x));
  Value tail =
      math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, negAbs));
  return arith::AddFOp::create(b, loc, positive, tail);
}

double alphaOf(FloatAttr alpha) { return alpha.getValueAsDouble(); }

} // namespace

void quantc::lowering::populateActivationLowering(RewritePatternSet &patterns) {
  addMath<qc::TanhOp, math::TanhOp>(patterns);
  addMath<qc::SqrtOp, math::SqrtOp>(patterns);
  addMath<qc::ErfOp, math::ErfOp>(patterns);
  addMath<qc::ExpOp, math::ExpOp>(patterns);
  addMath<qc::LogOp, math::LogOp>(patterns);
  addMath<qc::AbsOp, math::AbsFOp>(patterns);
  addMath<qc::NegOp, arith::NegFOp>(patterns);
  addMath<qc::FloorOp, math::FloorOp>(patterns);
  addMath<qc::CeilOp, math::CeilOp>(patterns);
  addMath<qc::RoundOp, math::RoundEvenOp>(patterns);
  addMath<qc::SinOp, math::SinOp>(patterns);
  addMath<qc::CosOp, math::CosOp>(patterns);
  addMath<qc::TanOp, math::TanOp>(patterns);
  addMath<qc::AsinOp, math::AsinOp>(patterns);
  addMath<qc::AcosOp, math::AcosOp>(patterns);
  addMath<qc::AtanOp, math::AtanOp>(patterns);
  addMath<qc::SinhOp, math::SinhOp>(patterns);
  addMath<qc::CoshOp, math::CoshOp>(patterns);
  addMath<qc::AsinhOp, math::AsinhOp>(patterns);
  addMath<qc::AcoshOp, math::AcoshOp>(patterns);
  addMath<qc::AtanhOp, math::AtanhOp>(patterns);
  addUnary<qc::SignOp>(
      patterns, [](OpBuilder &b, Location loc, Value x, qc::SignOp) {
        // 0 and NaN are their own sign.
        Value zero = constantLike(b, loc, x, 0.0);
        Value negative = select(b, loc, arith::CmpFPredicate::OLT, x, zero,
                                constantLike(b, loc, x, -1.0), x);
        return select(b, loc, arith::CmpFPredicate::OGT, x, zero,
                      constantLike(b, loc, x, 1.0), negative);
      });
  addUnary<qc::SoftplusOp>(patterns,
                           [](OpBuilder &b, Location loc, Value x,
                              qc::SoftplusOp) { return softplus(b, loc, x); });
  addUnary<qc::SoftsignOp>(
      patterns,
      [](OpBuilder &b, Location loc, Value x, qc::SoftsignOp) -> Value {
        Value denominator =
            arith::AddFOp::create(b, loc, constantLike(b, loc, x, 1.0),
                                  math::AbsFOp::create(b, loc, x));
        return arith::DivFOp::create(b, loc, x, denominator);
      });
  addUnary<qc::MishOp>(
      patterns, [](OpBuilder &b, Location loc, Value x, qc::MishOp) -> Value {
        Value gate = math::TanhOp::create(b, loc, softplus(b, loc, x));
        return arith::MulFOp::create(b, loc, x, gate);
      });
  addUnary<qc::LeakyReluOp>(
      patterns, [](OpBuilder &b, Location loc, Value x, qc::LeakyReluOp op) {
        Value scaled = arith::MulFOp::create(
            b, loc, x, constantLike(b, loc, x, alphaOf(op.getAlphaAttr())));
        return select(b, loc, arith::CmpFPredicate::OLT, x,
                      constantLike(b, loc, x, 0.0), scaled, x);
      });
  addUnary<qc::EluOp>(
      patterns, [](OpBuilder &b, Location loc, Value x, qc::EluOp op) {
        return select(b, loc, arith::CmpFPredicate::OLT, x,
                      constantLike(b, loc, x, 0.0),
                      expMinusOne(b, loc, x, alphaOf(op.getAlphaAttr())), x);
      });
  addUnary<qc::SeluOp>(
      patterns,
      [](OpBuilder &b, Location loc, Value x, qc::SeluOp op) -> Value {
        Value inner = select(
            b, loc, arith::CmpFPredicate::OLE, x, constantLike(b, loc, x, 0.0),
            expMinusOne(b, loc, x, alphaOf(op.getAlphaAttr())), x);
        return arith::MulFOp::create(
            b, loc, inner, constantLike(b, loc, x, alphaOf(op.getGammaAttr())));
      });
  addUnary<qc::CeluOp>(
      patterns,
      [](OpBuilder &b, Location loc, Value x, qc::CeluOp op) -> Value {
        double alpha = alphaOf(op.getAlphaAttr());
        Value zero = constantLike(b, loc, x, 0.0);
        Value scaled =
            arith::DivFOp::create(b, loc, x, constantLike(b, loc, x, alpha));
        Value negative = arith::MinimumFOp::create(
            b, loc, zero, expMinusOne(b, loc, scaled, alpha));
        return arith::AddFOp::create(
            b, loc, arith::MaximumFOp::create(b, loc, x, zero), negative);
      });
  addUnary<qc::ThresholdedReluOp>(
      patterns,
      [](OpBuilder &b, Location loc, Value x, qc::ThresholdedReluOp op) {
        return select(b, loc, arith::CmpFPredicate::OGT, x,
                      constantLike(b, loc, x, alphaOf(op.getAlphaAttr())), x,
                      constantLike(b, loc, x, 0.0));
      });
  addUnary<qc::ReluOp>(
      patterns, [](OpBuilder &b, Location loc, Value x, qc::ReluOp) -> Value {
        return arith::MaximumFOp::create(b, loc, x,
                                         constantLike(b, loc, x, 0.0));
      });
  addUnary<qc::SigmoidOp>(patterns,
                          [](OpBuilder &b, Location loc, Value x,
                             qc::SigmoidOp) { return sigmoid(b, loc, x); });
  addUnary<qc::ReciprocalOp>(
      patterns,
      [](OpBuilder &b, Location loc, Value x, qc::ReciprocalOp) -> Value {
        return arith::DivFOp::create(b, loc, constantLike(b, loc, x, 1.0), x);
      });
  addUnary<qc::HardSigmoidOp>(
      patterns, [](OpBuilder &b, Location loc, Value x, qc::HardSigmoidOp op) {
        return hardSigmoid(b, loc, x, op.getAlpha().convertToDouble(),
                           op.getBeta().convertToDouble());
      });
  addUnary<qc::HardSwishOp>(
      patterns,
      [](OpBuilder &b, Location loc, Value x, qc::HardSwishOp) -> Value {
        // x * gate(x): a NaN x makes the product NaN whatever the gate.
        return arith::MulFOp::create(
            b, loc, x,
            hardSigmoid(b, loc, x, 1.0 / 6.0, 0.5, ClampNaN::ToBound));
      });
  addUnary<qc::ClipOp>(
      patterns, [](OpBuilder &b, Location loc, Value x, qc::ClipOp op) {
        auto bound = [&](std::optional<APFloat> value) {
          return value ? constantLike(b, loc, x, value->convertToDouble())
                       : Value();
        };
        return clampFloat(b, loc, x, bound(op.getMin()), bound(op.getMax()),
                          nanMultipliesItself(op) ? ClampNaN::ToBound
                                                  : ClampNaN::Propagate);
      });
  addUnary<qc::GeluOp>(
      patterns,
      [](OpBuilder &b, Location loc, Value x, qc::GeluOp op) -> Value {
        Value half = constantLike(b, loc, x, 0.5);
        Value one = constantLike(b, loc, x, 1.0);
        Value inner;
        if (op.getApproximate() == qc::GeluApproximation::tanh) {
          // tanh(sqrt(2/pi) * (x + 0.044715 x^3))
          Value x3 = arith::MulFOp::create(b, loc, x,
                                           arith::MulFOp::create(b, loc, x, x));
          Value poly = arith::AddFOp::create(
              b, loc, x,
              arith::MulFOp::create(b, loc, x3,
                                    constantLike(b, loc, x, 0.044715)));
          inner = math::TanhOp::create(
              b, loc,
              arith::MulFOp::create(
                  b, loc, poly,
                  constantLike(b, loc, x, std::sqrt(2.0 / M_PI))));
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
