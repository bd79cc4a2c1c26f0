//===- HadamardLowering.cpp - qc.hadamard as a fast Walsh-Hadamard transform
//===//
//
// Part of quantc. The tensor is viewed as [outer, n, inner]. The signs and
// the 1 / sqrt(n) normalization are one elementwise multiply; each of the
// log2(p) butterfly stages views the axis as [blocks, 2, half] and writes
// (a + b, a - b) into the two halves, an elementwise generic over
// contiguous runs that vectorizes like any other; the Paley base B_m, when
// there is one, is a small contraction over m. O(n log n + n m) work per
// vector, never an n x n matrix.
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
/// The [blocks, half] slice `which` (0 or 1) of a [blocks, 2, half] tensor.
Value half(OpBuilder &b, Location loc, Value view, int64_t which) {
  auto type = cast<RankedTensorType>(view.getType());
  int64_t blocks = type.getDimSize(0), width = type.getDimSize(2);
  return tensor::ExtractSliceOp::create(
      b, loc, RankedTensorType::get({blocks, width}, type.getElementType()),
      view, ValueRange{}, ValueRange{}, ValueRange{},
      b.getDenseI64ArrayAttr({0, which, 0}),
      b.getDenseI64ArrayAttr({blocks, 1, width}),
      b.getDenseI64ArrayAttr({1, 1, 1}));
}

/// One butterfly stage on a [blocks, 2, half] view: (a, b) -> (a + b, a - b).
Value butterfly(OpBuilder &b, Location loc, Value view) {
  auto type = cast<RankedTensorType>(view.getType());
  int64_t blocks = type.getDimSize(0), width = type.getDimSize(2);
  auto halfType = RankedTensorType::get({blocks, width}, type.getElementType());
  Value lo = half(b, loc, view, 0), hi = half(b, loc, view, 1);
  Value sum = buildElementwise(
      b, loc, halfType, {lo, hi},
      [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        return arith::AddFOp::create(nb, nl, args[0], args[1]);
      });
  Value difference = buildElementwise(
      b, loc, halfType, {lo, hi},
      [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        return arith::SubFOp::create(nb, nl, args[0], args[1]);
      });
  Value result = emptyTensor(b, loc, type);
  Value parts[2] = {sum, difference};
  for (int64_t which = 0; which < 2; ++which)
    result = tensor::InsertSliceOp::create(
        b, loc, parts[which], result, ValueRange{}, ValueRange{}, ValueRange{},
        b.getDenseI64ArrayAttr({0, which, 0}),
        b.getDenseI64ArrayAttr({blocks, 1, width}),
        b.getDenseI64ArrayAttr({1, 1, 1}));
  return result;
}

/// out[r, i, t] = sum_j B[i, j] x[r, j, t] on a [rows, m, inner] view.
Value multiplyBase(OpBuilder &b, Location loc, Value view,
                   ArrayRef<int8_t> base) {
  auto type = cast<RankedTensorType>(view.getType());
  int64_t m = type.getDimSize(1);
  Type f32 = type.getElementType();
  auto baseType = RankedTensorType::get({m, m}, f32);
  std::vector<float> entries(base.begin(), base.end());
  Value matrix = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(baseType, ArrayRef<float>(entries)));
  AffineExpr r, i, t, j;
  bindDims(b.getContext(), r, i, t, j);
  SmallVector<AffineMap> maps = {
      AffineMap::get(4, 0, {r, j, t}, b.getContext()),
      AffineMap::get(4, 0, {i, j}, b.getContext()),
      AffineMap::get(4, 0, {r, i, t}, b.getContext())};
  SmallVector<utils::IteratorType> iterators(3, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
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

    int64_t m = factors.base;
    for (int64_t h = m; h < n; h *= 2)
      x = butterfly(
          rewriter, loc,
          reshapeTo(rewriter, loc, x, {outer * n / (2 * h), 2, h * inner}));
    if (m > 1)
      x = multiplyBase(rewriter, loc,
                       reshapeTo(rewriter, loc, x, {outer * n / m, m, inner}),
                       qc::hadamardBaseMatrix(m));
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, x, type.getShape()));
    return success();
  }
};
} // namespace

void quantc::lowering::populateHadamardLowering(RewritePatternSet &patterns) {
  patterns.add<HadamardLowering>(patterns.getContext());
}
