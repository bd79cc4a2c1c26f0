//===- HadamardLowering.cpp - qc.hadamard as a fast Walsh-Hadamard transform
//===//
//
// Part of quantc. The tensor is viewed as [outer, n, inner] (transposed to
// [n, outer, inner] when inner is short, so that every pass runs along long
// contiguous rows). The signs and the 1 / sqrt(n) normalization are one
// elementwise multiply; each of the log2(p) butterfly stages views the axis
// as [blocks, 2, half] and is one generic writing (a + b, a - b); the Paley
// base B_m, when there is one, is a small contraction over m with the
// contiguous dimension innermost. O(n log n + n m) work per vector, never
// an n x n matrix.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "Patterns.h"

#include "quantc/Dialect/QC/IR/QCHadamard.h"
#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/IR/QCShapeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using namespace quantc;
using namespace quantc::lowering;

namespace {
/// One butterfly stage on a [blocks, 2, half] view, as one generic over
/// the output: (a, b) -> (a + b, a - b), reading both halves through
/// constant-index maps. No slices: each stage is one pass, contiguous
/// along `half`, which LLVM vectorizes.
Value butterfly(OpBuilder &b, Location loc, Value view) {
  auto type = cast<RankedTensorType>(view.getType());
  MLIRContext *context = b.getContext();
  AffineExpr p, s, q;
  bindDims(context, p, s, q);
  AffineExpr zero = getAffineConstantExpr(0, context),
             one = getAffineConstantExpr(1, context);
  SmallVector<AffineMap> maps = {AffineMap::get(3, 0, {p, zero, q}, context),
                                 AffineMap::get(3, 0, {p, one, q}, context),
                                 AffineMap::get(3, 0, {p, s, q}, context)};
  SmallVector<utils::IteratorType> iterators(3, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, type, ValueRange{view, view}, emptyTensor(b, loc, type), maps,
      iterators, [](OpBuilder &nb, Location nl, ValueRange args) {
        Value half = linalg::IndexOp::create(nb, nl, 1);
        Value first =
            arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq, half,
                                  arith::ConstantIndexOp::create(nb, nl, 0));
        Value sum = arith::AddFOp::create(nb, nl, args[0], args[1]);
        Value difference = arith::SubFOp::create(nb, nl, args[0], args[1]);
        linalg::YieldOp::create(nb, nl,
                                ValueRange{arith::SelectOp::create(
                                    nb, nl, first, sum, difference)});
      });
  return generic.getResult(0);
}

/// out[r, i, t] = sum_j B[i, j] x[r, j, t] on a [rows, m, inner] view, with
/// t innermost so that the inner loop runs along contiguous memory.
Value multiplyBase(OpBuilder &b, Location loc, Value view,
                   ArrayRef<int8_t> base) {
  auto type = cast<RankedTensorType>(view.getType());
  int64_t m = type.getDimSize(1);
  Type f32 = type.getElementType();
  auto baseType = RankedTensorType::get({m, m}, f32);
  std::vector<float> entries(base.begin(), base.end());
  Value matrix = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(baseType, ArrayRef<float>(entries)));
  AffineExpr r, i, j, t;
  bindDims(b.getContext(), r, i, j, t);
  SmallVector<AffineMap> maps = {
      AffineMap::get(4, 0, {r, j, t}, b.getContext()),
      AffineMap::get(4, 0, {i, j}, b.getContext()),
      AffineMap::get(4, 0, {r, i, t}, b.getContext())};
  SmallVector<utils::IteratorType> iterators = {
      utils::IteratorType::parallel, utils::IteratorType::parallel,
      utils::IteratorType::reduction, utils::IteratorType::parallel};
  auto generic = linalg::GenericOp::create(
      b, loc, type, ValueRange{view, matrix}, filledTensor(b, loc, type, 0.0),
      maps, iterators, [](OpBuilder &nb, Location nl, ValueRange args) {
        Value product = arith::MulFOp::create(nb, nl, args[0], args[1]);
        linalg::YieldOp::create(
            nb, nl,
            ValueRange{arith::AddFOp::create(nb, nl, args[2], product)});
      });
  return generic.getResult(0);
}

/// [d0, d1, d2] -> [d1, d0, d2].
Value swapOuterDims(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  auto resultType = RankedTensorType::get(
      {type.getDimSize(1), type.getDimSize(0), type.getDimSize(2)},
      type.getElementType());
  return linalg::TransposeOp::create(b, loc, value,
                                     emptyTensor(b, loc, resultType),
                                     ArrayRef<int64_t>{1, 0, 2})
      .getResult()[0];
}

/// Below this many contiguous elements per vector entry, the transform
/// runs on the transposed tensor (the axis outermost), so that every stage
/// works on long contiguous rows.
constexpr int64_t kShortInner = 16;

struct HadamardLowering : OpRewritePattern<qc::HadamardOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::HadamardOp op,
                                PatternRewriter &rewriter) const override {
    auto type = op.getType();
    if (!type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs a static shape");
    Location loc = op.getLoc();
    // Verified: the axis is in range and its extent factors.
    int64_t axis = *qc::normalizeAxis(op.getAxis(), type.getRank());
    int64_t n = type.getDimSize(axis), outer = 1, inner = 1;
    for (int64_t d = 0; d < axis; ++d)
      outer *= type.getDimSize(d);
    for (int64_t d = axis + 1; d < type.getRank(); ++d)
      inner *= type.getDimSize(d);
    qc::HadamardFactors factors = *qc::factorHadamardSize(n);

    // diag(s) / sqrt(n) as one [n, 1] factor broadcast over [outer, n, inner].
    std::vector<float> signs(n, float(1.0 / std::sqrt(double(n))));
    if (std::optional<ArrayRef<bool>> negate = op.getNegate())
      for (int64_t c = 0; c < n; ++c)
        if ((*negate)[c])
          signs[c] = -signs[c];
    auto viewType =
        RankedTensorType::get({outer, n, inner}, type.getElementType());
    Value factor = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(
            RankedTensorType::get({n, 1}, type.getElementType()),
            ArrayRef<float>(signs)));
    Value x = buildElementwise(
        rewriter, loc, viewType,
        {reshapeTo(rewriter, loc, op.getInput(), {outer, n, inner}), factor},
        [](OpBuilder &b, Location l, ValueRange args) -> Value {
          return arith::MulFOp::create(b, l, args[0], args[1]);
        });

    // A vector entry per `inner` contiguous elements: with few of them
    // (the channels of a matmul input are its last axis), transpose so the
    // axis is outermost and the other dimensions are contiguous.
    bool transposed = inner < kShortInner && outer > 1;
    int64_t rows = outer, width = inner;
    if (transposed) {
      x = swapOuterDims(rewriter, loc, x);
      rows = 1;
      width = outer * inner;
    }
    int64_t m = factors.base;
    for (int64_t h = m; h < n; h *= 2)
      x = butterfly(
          rewriter, loc,
          reshapeTo(rewriter, loc, x, {rows * n / (2 * h), 2, h * width}));
    if (m > 1)
      x = multiplyBase(rewriter, loc,
                       reshapeTo(rewriter, loc, x, {rows * n / m, m, width}),
                       qc::hadamardBaseMatrix(m));
    if (transposed)
      x = swapOuterDims(rewriter, loc,
                        reshapeTo(rewriter, loc, x, {n, outer, inner}));
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, x, type.getShape()));
    return success();
  }
};
} // namespace

void quantc::lowering::populateHadamardLowering(RewritePatternSet &patterns) {
  patterns.add<HadamardLowering>(patterns.getContext());
}
