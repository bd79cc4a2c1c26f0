//===- LogMatMulLowering.cpp - A V as shifts and adds ---------------------===//
//
// Part of quantc. qc.log_matmul (see its description for the contract):
// A's log-sqrt(2) codes from the float's exponent and mantissa, V's
// uniform codes, one integer generic summing shifted V codes into an even
// and an odd accumulator, and the float combination. Every step is the
// definition, so the result is bit-exact to a reference of the contract.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "Patterns.h"

#include "quantc/Dialect/QC/IR/QCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;
using namespace quantc;
using namespace quantc::lowering;

namespace {
Value i32Constant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIntOp::create(b, loc, b.getI32Type(), value);
}

/// The log-sqrt(2) code of each A element: -2e - [f >= 2^0.25] -
/// [f >= 2^0.75], clamped to [0, levels]; zero and subnormals get levels.
Value logCodes(OpBuilder &b, Location loc, Value a, int64_t levels) {
  auto type = cast<RankedTensorType>(a.getType());
  auto codeType = RankedTensorType::get(type.getShape(), b.getI32Type());
  return buildElementwise(
      b, loc, codeType, {a}, [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value bits = arith::BitcastOp::create(nb, nl, nb.getI32Type(), args[0]);
        Value biased = arith::AndIOp::create(
            nb, nl,
            arith::ShRUIOp::create(nb, nl, bits, i32Constant(nb, nl, 23)),
            i32Constant(nb, nl, 255));
        Value mantissaBits = arith::OrIOp::create(
            nb, nl,
            arith::AndIOp::create(nb, nl, bits, i32Constant(nb, nl, 0x7FFFFF)),
            i32Constant(nb, nl, 0x3F800000));
        Value mantissa =
            arith::BitcastOp::create(nb, nl, nb.getF32Type(), mantissaBits);
        auto atLeast = [&](double threshold) -> Value {
          Value cmp = arith::CmpFOp::create(
              nb, nl, arith::CmpFPredicate::OGE, mantissa,
              floatConstant(nb, nl, nb.getF32Type(), threshold));
          return arith::ExtUIOp::create(nb, nl, nb.getI32Type(), cmp);
        };
        // -2 (biased - 127) - steps
        Value code = arith::SubIOp::create(
            nb, nl,
            arith::SubIOp::create(
                nb, nl,
                arith::SubIOp::create(
                    nb, nl, i32Constant(nb, nl, 254),
                    arith::ShLIOp::create(nb, nl, biased,
                                          i32Constant(nb, nl, 1))),
                atLeast(double(float(std::pow(2.0, 0.25))))),
            atLeast(double(float(std::pow(2.0, 0.75)))));
        Value top = i32Constant(nb, nl, levels);
        Value clamped = arith::MinSIOp::create(
            nb, nl,
            arith::MaxSIOp::create(nb, nl, code, i32Constant(nb, nl, 0)), top);
        Value tiny = arith::OrIOp::create(
            nb, nl,
            arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq, biased,
                                  i32Constant(nb, nl, 0)),
            arith::CmpFOp::create(nb, nl, arith::CmpFPredicate::ULE, args[0],
                                  floatConstant(nb, nl, nb.getF32Type(), 0.0)));
        return arith::SelectOp::create(nb, nl, tiny, top, clamped);
      });
}

/// V's centered uniform codes: clamp(roundeven(v / scale) + zero, 0,
/// levels) - zero.
Value centeredCodes(OpBuilder &b, Location loc, Value v, double scale,
                    int64_t zero, int64_t levels) {
  auto type = cast<RankedTensorType>(v.getType());
  auto codeType = RankedTensorType::get(type.getShape(), b.getI32Type());
  return buildElementwise(
      b, loc, codeType, {v}, [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value scaled = arith::DivFOp::create(
            nb, nl, args[0], floatConstant(nb, nl, nb.getF32Type(), scale));
        Value rounded = arith::FPToSIOp::create(
            nb, nl, nb.getI32Type(), math::RoundEvenOp::create(nb, nl, scaled));
        Value code = arith::MinSIOp::create(
            nb, nl,
            arith::MaxSIOp::create(
                nb, nl,
                arith::AddIOp::create(nb, nl, rounded,
                                      i32Constant(nb, nl, zero)),
                i32Constant(nb, nl, 0)),
            i32Constant(nb, nl, levels));
        return arith::SubIOp::create(nb, nl, code, i32Constant(nb, nl, zero));
      });
}

struct LogMatMulLowering : OpRewritePattern<qc::LogMatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::LogMatMulOp op,
                                PatternRewriter &rewriter) const override {
    auto type = op.getType();
    if (!type.hasStaticShape() || !op.getLhs().getType().hasStaticShape() ||
        !op.getRhs().getType().hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    Location loc = op.getLoc();
    ArrayRef<int64_t> aShape = op.getLhs().getType().getShape();
    int64_t rank = type.getRank(), m = aShape[rank - 2], k = aShape[rank - 1],
            n = type.getDimSize(rank - 1), batch = 1;
    for (int64_t d = 0; d < rank - 2; ++d)
      batch *= aShape[d];
    int64_t levels = (int64_t(1) << int64_t(op.getBits())) - 1;
    int64_t fraction = int64_t(op.getFractionBits());
    double scale = op.getVScale().convertToDouble();

    Value codes =
        logCodes(rewriter, loc,
                 reshapeTo(rewriter, loc, op.getLhs(), {batch, m, k}), levels);
    Value centered = centeredCodes(
        rewriter, loc, reshapeTo(rewriter, loc, op.getRhs(), {batch, k, n}),
        float(scale), int64_t(op.getVZeroPoint()), levels);

    // even/odd[b, i, j] += shifted V code, by the parity of A's code.
    MLIRContext *context = rewriter.getContext();
    AffineExpr bb, i, j, kk;
    bindDims(context, bb, i, j, kk);
    SmallVector<AffineMap> maps = {AffineMap::get(4, 0, {bb, i, kk}, context),
                                   AffineMap::get(4, 0, {bb, kk, j}, context),
                                   AffineMap::get(4, 0, {bb, i, j}, context),
                                   AffineMap::get(4, 0, {bb, i, j}, context)};
    SmallVector<utils::IteratorType> iterators(3,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    auto accType = RankedTensorType::get({batch, m, n}, rewriter.getI32Type());
    Value zeros = filledTensor(rewriter, loc, accType, 0);
    auto sums = linalg::GenericOp::create(
        rewriter, loc, TypeRange{accType, accType}, ValueRange{codes, centered},
        ValueRange{zeros, zeros}, maps, iterators,
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          Value one = i32Constant(nb, nl, 1), zero = i32Constant(nb, nl, 0);
          Value shift = arith::ShRSIOp::create(nb, nl, args[0], one);
          Value odd = arith::CmpIOp::create(
              nb, nl, arith::CmpIPredicate::ne,
              arith::AndIOp::create(nb, nl, args[0], one), zero);
          // m <= 30 is shifted; the rounding bit 2^(m - 1) only for m > 0.
          Value inRange =
              arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::sle, shift,
                                    i32Constant(nb, nl, 30));
          Value safeShift =
              arith::MinSIOp::create(nb, nl, shift, i32Constant(nb, nl, 30));
          Value half = arith::SelectOp::create(
              nb, nl,
              arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::sgt,
                                    safeShift, zero),
              arith::ShLIOp::create(
                  nb, nl, one,
                  arith::MaxSIOp::create(
                      nb, nl, arith::SubIOp::create(nb, nl, safeShift, one),
                      zero)),
              zero);
          Value scaled = arith::ShLIOp::create(nb, nl, args[1],
                                               i32Constant(nb, nl, fraction));
          Value term = arith::ShRSIOp::create(
              nb, nl, arith::AddIOp::create(nb, nl, scaled, half), safeShift);
          term = arith::SelectOp::create(nb, nl, inRange, term, zero);
          Value evenTerm = arith::SelectOp::create(nb, nl, odd, zero, term);
          Value oddTerm = arith::SelectOp::create(nb, nl, odd, term, zero);
          linalg::YieldOp::create(
              nb, nl,
              ValueRange{arith::AddIOp::create(nb, nl, args[2], evenTerm),
                         arith::AddIOp::create(nb, nl, args[3], oddTerm)});
        });

    // y = f32(f64(even) c + f64(odd) c / sqrt(2)).
    double c = scale * std::ldexp(1.0, -int(fraction));
    double cOdd = c / std::sqrt(2.0);
    auto resultType =
        RankedTensorType::get({batch, m, n}, rewriter.getF32Type());
    Value combined = buildElementwise(
        rewriter, loc, resultType, {sums.getResult(0), sums.getResult(1)},
        [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          Type f64 = nb.getF64Type();
          Value even = arith::MulFOp::create(
              nb, nl, arith::SIToFPOp::create(nb, nl, f64, args[0]),
              floatConstant(nb, nl, f64, c));
          Value odd = arith::MulFOp::create(
              nb, nl, arith::SIToFPOp::create(nb, nl, f64, args[1]),
              floatConstant(nb, nl, f64, cOdd));
          return arith::TruncFOp::create(
              nb, nl, nb.getF32Type(),
              arith::AddFOp::create(nb, nl, even, odd));
        });
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, combined, type.getShape()));
    return success();
  }
};
} // namespace

void quantc::lowering::populateLogMatMulLowering(RewritePatternSet &patterns) {
  patterns.add<LogMatMulLowering>(patterns.getContext());
}
