//===- ElementwiseLowering.cpp - elementwise qc ops to linalg.generic -----===//
//
// Part of quantc. Binary arithmetic with broadcasting, constants and the
// (float-execution no-op) observe probe. Activations: ActivationLowering.
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

/// A binary op with broadcasting whose scalar body `build` computes: float
/// arithmetic, or integer (logical) operations with `integer`.
template <typename SourceOp>
struct BinaryLowering : OpRewritePattern<SourceOp> {
  using Build = Value (*)(OpBuilder &, Location, Value, Value);
  BinaryLowering(MLIRContext *context, Build build, bool integer = false)
      : OpRewritePattern<SourceOp>(context), build(build), integer(integer) {}
  LogicalResult matchAndRewrite(SourceOp op,
                                PatternRewriter &rewriter) const override {
    if (isa<FloatType>(op.getType().getElementType()) == integer)
      return rewriter.notifyMatchFailure(op, "other element type");
    Value result =
        buildElementwise(rewriter, op.getLoc(), op.getType(),
                         {op->getOperand(0), op->getOperand(1)},
                         [&](OpBuilder &b, Location loc, ValueRange args) {
                           return build(b, loc, args[0], args[1]);
                         });
    rewriter.replaceOp(op, result);
    return success();
  }
  Build build;
  bool integer;
};

template <typename SourceOp, typename ScalarOp>
void addBinary(RewritePatternSet &patterns, bool integer = false) {
  patterns.add<BinaryLowering<SourceOp>>(
      patterns.getContext(),
      [](OpBuilder &b, Location loc, Value x, Value y) {
        return ScalarOp::create(b, loc, x, y).getResult();
      },
      integer);
}

/// ONNX comparisons: ordered for floats (NaN compares false), signed or
/// unsigned for integers.
struct CompareLowering : OpRewritePattern<qc::CompareOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::CompareOp op,
                                PatternRewriter &rewriter) const override {
    qc::ComparePredicate predicate = op.getPredicate();
    bool isUnsigned = op.getIsUnsigned();
    Value result = buildElementwise(
        rewriter, op.getLoc(), op.getType(), {op.getLhs(), op.getRhs()},
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          if (isa<FloatType>(args[0].getType()))
            return arith::CmpFOp::create(b, loc, floatPredicate(predicate),
                                         args[0], args[1]);
          return arith::CmpIOp::create(b, loc,
                                       integerPredicate(predicate, isUnsigned),
                                       args[0], args[1]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }

  static arith::CmpFPredicate floatPredicate(qc::ComparePredicate p) {
    switch (p) {
    case qc::ComparePredicate::eq:
      return arith::CmpFPredicate::OEQ;
    case qc::ComparePredicate::lt:
      return arith::CmpFPredicate::OLT;
    case qc::ComparePredicate::le:
      return arith::CmpFPredicate::OLE;
    case qc::ComparePredicate::gt:
      return arith::CmpFPredicate::OGT;
    case qc::ComparePredicate::ge:
      return arith::CmpFPredicate::OGE;
    }
    llvm_unreachable("unknown predicate");
  }
  static arith::CmpIPredicate integerPredicate(qc::ComparePredicate p,
                                               bool isUnsigned) {
    switch (p) {
    case qc::ComparePredicate::eq:
      return arith::CmpIPredicate::eq;
    case qc::ComparePredicate::lt:
      return isUnsigned ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt;
    case qc::ComparePredicate::le:
      return isUnsigned ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle;
    case qc::ComparePredicate::gt:
      return isUnsigned ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt;
    case qc::ComparePredicate::ge:
      return isUnsigned ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge;
    }
    llvm_unreachable("unknown predicate");
  }
};

/// Mod: C's fmod (remf / remsi) with `fmod`; else the remainder takes the
/// divisor's sign (Python's %). Unsigned integers: remui either way.
struct ModLowering : OpRewritePattern<qc::ModOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::ModOp op,
                                PatternRewriter &rewriter) const override {
    bool fmod = op.getFmod(), isUnsigned = op.getIsUnsigned();
    Value result = buildElementwise(
        rewriter, op.getLoc(), op.getType(), {op.getLhs(), op.getRhs()},
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value x = args[0], y = args[1];
          if (isa<FloatType>(x.getType()))
            return arith::RemFOp::create(b, loc, x, y);
          if (isUnsigned)
            return arith::RemUIOp::create(b, loc, x, y);
          Value r = arith::RemSIOp::create(b, loc, x, y);
          if (fmod)
            return r;
          // A non-zero remainder whose sign differs from the divisor's
          // moves by one divisor.
          Value zero = arith::ConstantIntOp::create(b, loc, x.getType(), 0);
          Value nonZero =
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, r, zero);
          Value rNegative =
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, r, zero);
          Value yNegative =
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, y, zero);
          Value differ = arith::XOrIOp::create(b, loc, rNegative, yNegative);
          Value adjust = arith::AndIOp::create(b, loc, nonZero, differ);
          return arith::SelectOp::create(
              b, loc, adjust, arith::AddIOp::create(b, loc, r, y), r);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct WhereLowering : OpRewritePattern<qc::WhereOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::WhereOp op,
                                PatternRewriter &rewriter) const override {
    Value result = buildElementwise(
        rewriter, op.getLoc(), op.getType(),
        {op.getCondition(), op.getX(), op.getY()},
        [](OpBuilder &b, Location loc, ValueRange args) -> Value {
          return arith::SelectOp::create(b, loc, args[0], args[1], args[2]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct NotLowering : OpRewritePattern<qc::NotOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::NotOp op,
                                PatternRewriter &rewriter) const override {
    Value result = buildElementwise(
        rewriter, op.getLoc(), op.getType(), {op.getInput()},
        [](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value one = arith::ConstantIntOp::create(b, loc, 1, 1);
          return arith::XOrIOp::create(b, loc, args[0], one);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// One element converted as ONNX Cast does.
Value castScalar(OpBuilder &b, Location loc, Value x, Type to,
                 bool fromUnsigned, bool toUnsigned) {
  Type from = x.getType();
  if (from == to)
    return x;
  if (to.isInteger(1)) {
    // Non-zero is true.
    if (isa<FloatType>(from))
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x,
                                   floatConstant(b, loc, from, 0.0));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x,
                                 arith::ConstantIntOp::create(b, loc, from, 0));
  }
  // A bool is 0 or 1: unsigned.
  fromUnsigned |= from.isInteger(1);
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  if (fromFloat && toFloat)
    return fromFloat.getWidth() < toFloat.getWidth()
               ? arith::ExtFOp::create(b, loc, to, x).getResult()
               : arith::TruncFOp::create(b, loc, to, x).getResult();
  if (fromFloat)
    return toUnsigned ? arith::FPToUIOp::create(b, loc, to, x).getResult()
                      : arith::FPToSIOp::create(b, loc, to, x).getResult();
  if (toFloat)
    return fromUnsigned ? arith::UIToFPOp::create(b, loc, to, x).getResult()
                        : arith::SIToFPOp::create(b, loc, to, x).getResult();
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (fromWidth > toWidth)
    return arith::TruncIOp::create(b, loc, to, x);
  return fromUnsigned ? arith::ExtUIOp::create(b, loc, to, x).getResult()
                      : arith::ExtSIOp::create(b, loc, to, x).getResult();
}

struct CastLowering : OpRewritePattern<qc::CastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::CastOp op,
                                PatternRewriter &rewriter) const override {
    Type to = op.getType().getElementType();
    bool fromUnsigned = op.getInputUnsigned(),
         toUnsigned = op.getResultUnsigned();
    Value result = buildElementwise(
        rewriter, op.getLoc(), op.getType(), {op.getInput()},
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return castScalar(b, loc, args[0], to, fromUnsigned, toUnsigned);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

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
  patterns.add<ConstantLowering, ObserveLowering, CompareLowering,
               WhereLowering, NotLowering, CastLowering, ModLowering>(context);
  // Integer tensors (ids, counts): two's complement wraps for + - *;
  // division and the extrema are signed (the importer refuses them on
  // ONNX's unsigned types).
  addBinary<qc::AddOp, arith::AddIOp>(patterns, /*integer=*/true);
  addBinary<qc::SubOp, arith::SubIOp>(patterns, /*integer=*/true);
  addBinary<qc::MulOp, arith::MulIOp>(patterns, /*integer=*/true);
  addBinary<qc::DivOp, arith::DivSIOp>(patterns, /*integer=*/true);
  addBinary<qc::MaxOp, arith::MaxSIOp>(patterns, /*integer=*/true);
  addBinary<qc::MinOp, arith::MinSIOp>(patterns, /*integer=*/true);
  addBinary<qc::AndOp, arith::AndIOp>(patterns, /*integer=*/true);
  addBinary<qc::OrOp, arith::OrIOp>(patterns, /*integer=*/true);
  addBinary<qc::XorOp, arith::XOrIOp>(patterns, /*integer=*/true);
  addBinary<qc::AddOp, arith::AddFOp>(patterns);
  addBinary<qc::SubOp, arith::SubFOp>(patterns);
  addBinary<qc::MulOp, arith::MulFOp>(patterns);
  addBinary<qc::DivOp, arith::DivFOp>(patterns);
  addBinary<qc::PowOp, math::PowFOp>(patterns);
  // NaN-propagating, as ONNX Max / Min.
  addBinary<qc::MaxOp, arith::MaximumFOp>(patterns);
  addBinary<qc::MinOp, arith::MinimumFOp>(patterns);
  patterns.add<BinaryLowering<qc::PReluOp>>(
      context, [](OpBuilder &b, Location loc, Value x, Value slope) -> Value {
        Value zero = floatConstant(b, loc, x.getType(), 0.0);
        Value negative =
            arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
        Value scaled = arith::MulFOp::create(b, loc, x, slope);
        return arith::SelectOp::create(b, loc, negative, scaled, x);
      });
  populateActivationLowering(patterns);
  populateArgReduceLowering(patterns);
}
