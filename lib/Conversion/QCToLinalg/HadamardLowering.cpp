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
/// `levels` butterfly stages at once (radix 2^levels) on a [blocks, R,
/// run] view, R = 2^levels: out[p, a, q] = sum_b H_R[a, b] x[p, b, q] *
/// factor, one generic reading the R inputs through constant-index maps and
/// the signs from a constant table, so a pass over memory does `levels`
/// stages. `factor` carries the 1 / sqrt(n) normalization into one stage.
Value butterflies(OpBuilder &b, Location loc, Value view, int64_t levels,
                  double factor) {
  auto type = cast<RankedTensorType>(view.getType());
  MLIRContext *context = b.getContext();
  int64_t radix = int64_t(1) << levels;
  std::vector<float> table(radix * radix);
  for (int64_t row = 0; row < radix; ++row)
    for (int64_t col = 0; col < radix; ++col)
      table[row * radix + col] = float(
          (llvm::popcount(uint64_t(row & col)) % 2 ? -1.0 : 1.0) * factor);
  auto tableType = RankedTensorType::get({radix, radix}, type.getElementType());
  Value signs = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(tableType, ArrayRef<float>(table)));
  AffineExpr p, a, q;
  bindDims(context, p, a, q);
  SmallVector<AffineMap> maps;
  SmallVector<Value> inputs;
  for (int64_t col = 0; col < radix; ++col) {
    AffineExpr at = getAffineConstantExpr(col, context);
    maps.push_back(AffineMap::get(3, 0, {p, at, q}, context));
    inputs.push_back(view);
    maps.push_back(AffineMap::get(3, 0, {a, at}, context));
    inputs.push_back(signs);
  }
  maps.push_back(AffineMap::get(3, 0, {p, a, q}, context));
  SmallVector<utils::IteratorType> iterators(3, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, type, inputs, emptyTensor(b, loc, type), maps, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value sum = arith::MulFOp::create(nb, nl, args[0], args[1]);
        for (int64_t col = 1; col < radix; ++col)
          sum = arith::AddFOp::create(
              nb, nl, sum,
              arith::MulFOp::create(nb, nl, args[2 * col], args[2 * col + 1]));
        linalg::YieldOp::create(nb, nl, ValueRange{sum});
      });
  return generic.getResult(0);
}

/// out[r, i, t] = sum_j B[i, j] x[r, j, t] on a [rows, m, inner] view, with
/// t innermost so that the inner loop runs along contiguous memory.
Value multiplyBase(OpBuilder &b, Location loc, Value view,
                   ArrayRef<int8_t> base, double factor) {
  auto type = cast<RankedTensorType>(view.getType());
  int64_t m = type.getDimSize(1);
  Type f32 = type.getElementType();
  auto baseType = RankedTensorType::get({m, m}, f32);
  std::vector<float> entries;
  for (int8_t entry : base)
    entries.push_back(float(entry * factor));
  Value matrix = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(baseType, ArrayRef<float>(entries)));
  // Few rows of long runs (the usual case): one linalg.matmul B x X_r per
  // row, which the tile-and-vectorize pass turns into vector contractions.
  int64_t rows = type.getDimSize(0), width = type.getDimSize(2);
  if (rows <= 16 && width >= 16) {
    auto rowType = RankedTensorType::get({m, width}, f32);
    Value result = emptyTensor(b, loc, type);
    for (int64_t row = 0; row < rows; ++row) {
      Value x = tensor::ExtractSliceOp::create(
          b, loc, rowType, view, ValueRange{}, ValueRange{}, ValueRange{},
          b.getDenseI64ArrayAttr({row, 0, 0}),
          b.getDenseI64ArrayAttr({1, m, width}),
          b.getDenseI64ArrayAttr({1, 1, 1}));
      Value product = linalg::MatmulOp::create(
                          b, loc, ValueRange{matrix, x},
                          ValueRange{filledTensor(b, loc, rowType, 0.0)})
                          .getResult(0);
      result = tensor::InsertSliceOp::create(
          b, loc, product, result, ValueRange{}, ValueRange{}, ValueRange{},
          b.getDenseI64ArrayAttr({row, 0, 0}),
          b.getDenseI64ArrayAttr({1, m, width}),
          b.getDenseI64ArrayAttr({1, 1, 1}));
    }
    return result;
  }
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

    // diag(s) as one [n, 1] factor broadcast over [outer, n, inner], when
    // there are signs; 1 / sqrt(n) rides on the first butterfly pass (or
    // the base's table).
    auto viewType =
        RankedTensorType::get({outer, n, inner}, type.getElementType());
    Value x = reshapeTo(rewriter, loc, op.getInput(), {outer, n, inner});
    // Q multiplies by the signs first, Q^T last.
    auto applySigns = [&](Value view) {
      std::optional<ArrayRef<bool>> negate = op.getNegate();
      if (!negate)
        return view;
      std::vector<float> signs(n, 1.0f);
      for (int64_t c = 0; c < n; ++c)
        if ((*negate)[c])
          signs[c] = -1.0f;
      Value factor = arith::ConstantOp::create(
          rewriter, loc,
          DenseElementsAttr::get(
              RankedTensorType::get({n, 1}, type.getElementType()),
              ArrayRef<float>(signs)));
      return buildElementwise(
          rewriter, loc, viewType, {view, factor},
          [](OpBuilder &b, Location l, ValueRange args) -> Value {
            return arith::MulFOp::create(b, l, args[0], args[1]);
          });
    };
    if (!op.getTranspose())
      x = applySigns(x);
    double scale = 1.0 / std::sqrt(double(n));

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
    // Stages h = m, 2m, 4m, ... in passes of up to three (radix 8).
    int64_t stages = llvm::Log2_64(uint64_t(factors.power));
    for (int64_t done = 0; done < stages;) {
      int64_t levels = std::min<int64_t>(3, stages - done);
      int64_t h = m << done, radix = int64_t(1) << levels;
      x = butterflies(rewriter, loc,
                      reshapeTo(rewriter, loc, x,
                                {rows * n / (radix * h), radix, h * width}),
                      levels, done == 0 ? scale : 1.0);
      done += levels;
    }
    if (m > 1) {
      std::vector<int8_t> base = qc::hadamardBaseMatrix(m);
      if (op.getTranspose())
        for (int64_t r = 0; r < m; ++r)
          for (int64_t c = r + 1; c < m; ++c)
            std::swap(base[r * m + c], base[c * m + r]);
      x = multiplyBase(rewriter, loc,
                       reshapeTo(rewriter, loc, x, {rows * n / m, m, width}),
                       base, stages == 0 ? scale : 1.0);
    }
    if (transposed)
      x = swapOuterDims(rewriter, loc,
                        reshapeTo(rewriter, loc, x, {n, outer, inner}));
    x = reshapeTo(rewriter, loc, x, {outer, n, inner});
    if (op.getTranspose())
      x = applySigns(x);
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, x, type.getShape()));
    return success();
  }
};
} // namespace

void quantc::lowering::populateHadamardLowering(RewritePatternSet &patterns) {
  patterns.add<HadamardLowering>(patterns.getContext());
}
