//===- ShapeLowering.cpp - qc data movement to tensor/linalg --------------===//
//
// Part of quantc. Reshapes become collapse/expand_shape, slices and splits
// extract_slice (negative steps a gather generic), concat insert_slice,
// transpose linalg.transpose, gather and non-constant pads generics.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "Patterns.h"

#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/IR/QCShapeInference.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::lowering;

namespace {

/// A linalg.generic producing `type` whose every element is read from
/// `source` at indices computed from the output position (linalg.index).
Value buildIndexedRead(
    OpBuilder &b, Location loc, RankedTensorType type, Value source,
    function_ref<SmallVector<Value>(OpBuilder &, Location)> indicesFor) {
  int64_t rank = type.getRank();
  return linalg::GenericOp::create(
             b, loc, type, ValueRange{}, emptyTensor(b, loc, type),
             b.getMultiDimIdentityMap(rank),
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange) {
               SmallVector<Value> indices = indicesFor(nb, l);
               linalg::YieldOp::create(
                   nb, l,
                   tensor::ExtractOp::create(nb, l, source, indices)
                       .getResult());
             })
      .getResult(0);
}

/// Offsets, sizes and unit strides of a `piece` at `offset` along `axis`
/// of a larger tensor (concat inserts, split extracts).
struct PieceSlice {
  SmallVector<OpFoldResult> offsets, sizes, strides;
};

PieceSlice pieceAlong(OpBuilder &b, RankedTensorType piece, int64_t axis,
                      int64_t offset) {
  int64_t rank = piece.getRank();
  PieceSlice slice;
  slice.offsets.assign(rank, b.getIndexAttr(0));
  slice.offsets[axis] = b.getIndexAttr(offset);
  slice.strides.assign(rank, b.getIndexAttr(1));
  for (int64_t d = 0; d < rank; ++d)
    slice.sizes.push_back(b.getIndexAttr(piece.getDimSize(d)));
  return slice;
}

/// reshape, flatten, squeeze, unsqueeze: row-major reinterpretation.
template <typename Op>
struct ReshapeLikeLowering : OpRewritePattern<Op> {
  using OpRewritePattern<Op>::OpRewritePattern;
  LogicalResult matchAndRewrite(Op op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, reshapeTo(rewriter, op.getLoc(), op.getInput(),
                                     op.getType().getShape()));
    return success();
  }
};

struct TransposeLowering : OpRewritePattern<qc::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    Value init = emptyTensor(rewriter, op.getLoc(), op.getType());
    rewriter.replaceOp(op, linalg::TransposeOp::create(rewriter, op.getLoc(),
                                                       op.getInput(), init,
                                                       op.getPerm())
                               .getResult()[0]);
    return success();
  }
};

/// Whether `op` joins pieces one element wide along its innermost axis:
/// an interleave (the column phases of a decomposed ConvTranspose).
bool isInnermostInterleave(qc::ConcatOp op, int64_t axis) {
  int64_t rank = op.getType().getRank();
  return axis == rank - 1 && op.getInputs().size() >= 2 &&
         llvm::all_of(op.getInputs().getTypes(), [&](Type type) {
           return cast<RankedTensorType>(type).getDimSize(axis) == 1;
         });
}

/// The interleave as one generic that takes piece i for column i. Copies
/// of each piece into every k-th element would store one element per
/// iteration at stride k, which stays scalar; here the k stores of a row
/// position share an iteration, and LLVM vectorizes them as one
/// interleaved store.
Value interleaveInnermost(OpBuilder &b, Location loc, qc::ConcatOp op) {
  auto type = op.getType();
  int64_t rank = type.getRank();
  SmallVector<AffineExpr> firstColumn;
  for (int64_t d = 0; d + 1 < rank; ++d)
    firstColumn.push_back(b.getAffineDimExpr(d));
  firstColumn.push_back(b.getAffineConstantExpr(0));
  AffineMap piece = AffineMap::get(rank, 0, firstColumn, b.getContext());
  SmallVector<AffineMap> maps(op.getInputs().size(), piece);
  maps.push_back(b.getMultiDimIdentityMap(rank));
  return linalg::GenericOp::create(
             b, loc, type, op.getInputs(), emptyTensor(b, loc, type), maps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value column = linalg::IndexOp::create(nb, l, rank - 1);
               size_t pieces = op.getInputs().size();
               Value picked = args[pieces - 1];
               for (size_t i = pieces - 1; i-- > 0;) {
                 Value here = arith::CmpIOp::create(
                     nb, l, arith::CmpIPredicate::eq, column,
                     arith::ConstantIndexOp::create(nb, l, i));
                 picked = arith::SelectOp::create(nb, l, here, args[i], picked);
               }
               linalg::YieldOp::create(nb, l, picked);
             })
      .getResult(0);
}

struct ConcatLowering : OpRewritePattern<qc::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::ConcatOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    int64_t rank = type.getRank();
    // Verified in range; the signed axis is normalized here.
    int64_t axis = *qc::normalizeAxis(op.getAxis(), rank);
    if (isInnermostInterleave(op, axis)) {
      rewriter.replaceOp(op, interleaveInnermost(rewriter, loc, op));
      return success();
    }
    Value result = emptyTensor(rewriter, loc, type);
    int64_t offset = 0;
    for (Value input : op.getInputs()) {
      auto inType = cast<RankedTensorType>(input.getType());
      PieceSlice slice = pieceAlong(rewriter, inType, axis, offset);
      result = tensor::InsertSliceOp::create(rewriter, loc, input, result,
                                             slice.offsets, slice.sizes,
                                             slice.strides);
      offset += inType.getDimSize(axis);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct SliceLowering : OpRewritePattern<qc::SliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::SliceOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = op.getInput().getType();
    auto type = op.getType();
    int64_t rank = inType.getRank();
    SmallVector<int64_t> start(rank, 0), step(rank, 1);
    for (size_t i = 0; i < op.getAxes().size(); ++i) {
      int64_t axis = op.getAxes()[i];
      if (axis < 0)
        axis += rank;
      int64_t dim = inType.getDimSize(axis), s = op.getStarts()[i];
      step[axis] = op.getSteps()[i];
      if (s < 0)
        s += dim;
      start[axis] = step[axis] > 0 ? std::clamp<int64_t>(s, 0, dim)
                                   : std::clamp<int64_t>(s, 0, dim - 1);
    }
    if (llvm::all_of(step, [](int64_t s) { return s > 0; })) {
      SmallVector<OpFoldResult> offsets, sizes, strides;
      for (int64_t d = 0; d < rank; ++d) {
        offsets.push_back(rewriter.getIndexAttr(start[d]));
        sizes.push_back(rewriter.getIndexAttr(type.getDimSize(d)));
        strides.push_back(rewriter.getIndexAttr(step[d]));
      }
      rewriter.replaceOp(op, tensor::ExtractSliceOp::create(
                                 rewriter, loc, type, op.getInput(), offsets,
                                 sizes, strides));
      return success();
    }
    // Negative steps: read input[start + i * step] per dimension.
    rewriter.replaceOp(
        op, buildIndexedRead(
                rewriter, loc, type, op.getInput(),
                [&](OpBuilder &b, Location l) {
                  SmallVector<Value> indices;
                  for (int64_t d = 0; d < rank; ++d) {
                    Value i = linalg::IndexOp::create(b, l, d);
                    Value scaled = arith::MulIOp::create(
                        b, l, i, arith::ConstantIndexOp::create(b, l, step[d]));
                    indices.push_back(arith::AddIOp::create(
                        b, l, scaled,
                        arith::ConstantIndexOp::create(b, l, start[d])));
                  }
                  return indices;
                }));
    return success();
  }
};

struct SplitLowering : OpRewritePattern<qc::SplitOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::SplitOp op,
                                PatternRewriter &rewriter) const override {
    int64_t rank = op.getInput().getType().getRank();
    // Verified in range; the signed axis is normalized here.
    int64_t axis = *qc::normalizeAxis(op.getAxis(), rank);
    SmallVector<Value> pieces;
    int64_t offset = 0;
    for (Value result : op.getResults()) {
      auto type = cast<RankedTensorType>(result.getType());
      PieceSlice slice = pieceAlong(rewriter, type, axis, offset);
      pieces.push_back(tensor::ExtractSliceOp::create(
          rewriter, op.getLoc(), type, op.getInput(), slice.offsets,
          slice.sizes, slice.strides));
      offset += type.getDimSize(axis);
    }
    rewriter.replaceOp(op, pieces);
    return success();
  }
};

/// indices[at] as an index into an axis of `extent`, a negative one
/// counted from the end (Gather, GatherElements).
static Value readIndex(OpBuilder &b, Location l, Value indices, ValueRange at,
                       int64_t extent) {
  Value raw = tensor::ExtractOp::create(b, l, indices, at);
  Value index = arith::IndexCastOp::create(b, l, b.getIndexType(), raw);
  Value zero = arith::ConstantIndexOp::create(b, l, 0);
  Value negative =
      arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, index, zero);
  Value wrapped = arith::AddIOp::create(
      b, l, index, arith::ConstantIndexOp::create(b, l, extent));
  return arith::SelectOp::create(b, l, negative, wrapped, index);
}

/// Gather: out[pre..., idx..., post...] = data[pre..., indices[idx...], post...]
/// with negative indices counted from the end.
struct GatherLowering : OpRewritePattern<qc::GatherOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::GatherOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    auto dataType = op.getData().getType();
    // Verified in range; the signed axis is normalized here.
    int64_t axis = *qc::normalizeAxis(op.getAxis(), dataType.getRank());
    int64_t indexRank = op.getIndices().getType().getRank();
    Value data = op.getData(), indices = op.getIndices();
    int64_t extent = dataType.getDimSize(axis);
    rewriter.replaceOp(
        op, buildIndexedRead(
                rewriter, loc, type, data, [&](OpBuilder &b, Location l) {
                  SmallVector<Value> idx;
                  for (int64_t d = 0; d < indexRank; ++d)
                    idx.push_back(linalg::IndexOp::create(b, l, axis + d));
                  Value index = readIndex(b, l, indices, idx, extent);
                  SmallVector<Value> dataIdx;
                  for (int64_t d = 0; d < axis; ++d)
                    dataIdx.push_back(linalg::IndexOp::create(b, l, d));
                  dataIdx.push_back(index);
                  for (int64_t d = axis + 1; d < dataType.getRank(); ++d)
                    dataIdx.push_back(
                        linalg::IndexOp::create(b, l, d - 1 + indexRank));
                  return dataIdx;
                }));
    return success();
  }
};

/// GatherElements: out[i...] = data[i... with i[axis] = indices[i...]],
/// negative indices counted from the end.
struct GatherElementsLowering : OpRewritePattern<qc::GatherElementsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::GatherElementsOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto dataType = op.getData().getType();
    int64_t rank = dataType.getRank();
    int64_t axis = *qc::normalizeAxis(op.getAxis(), rank);
    Value indices = op.getIndices();
    int64_t extent = dataType.getDimSize(axis);
    rewriter.replaceOp(
        op, buildIndexedRead(
                rewriter, loc, op.getType(), op.getData(),
                [&](OpBuilder &b, Location l) {
                  SmallVector<Value> idx;
                  for (int64_t d = 0; d < rank; ++d)
                    idx.push_back(linalg::IndexOp::create(b, l, d));
                  idx[axis] = readIndex(b, l, indices, idx, extent);
                  return idx;
                }));
    return success();
  }
};

/// Pad: constant mode via tensor.pad (after cropping negative pads);
/// reflect and edge via a generic that maps each output index back in.
struct PadLowering : OpRewritePattern<qc::PadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qc::PadOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = op.getInput().getType();
    auto type = op.getType();
    int64_t rank = inType.getRank();
    ArrayRef<int64_t> pads = op.getPads();
    Value input = op.getInput();
    if (op.getMode() == qc::PadMode::constant) {
      // Crop first where pads are negative.
      SmallVector<int64_t> low(rank), high(rank), cropShape;
      SmallVector<OpFoldResult> offsets, sizes;
      bool crop = false;
      for (int64_t d = 0; d < rank; ++d) {
        int64_t lo = pads[d], hi = pads[rank + d];
        low[d] = std::max<int64_t>(lo, 0);
        high[d] = std::max<int64_t>(hi, 0);
        int64_t begin = std::max<int64_t>(-lo, 0), end = std::max<int64_t>(-hi, 0);
        crop |= begin || end;
        cropShape.push_back(inType.getDimSize(d) - begin - end);
        offsets.push_back(rewriter.getIndexAttr(begin));
        sizes.push_back(rewriter.getIndexAttr(cropShape.back()));
      }
      if (crop)
        input = tensor::ExtractSliceOp::create(
            rewriter, loc,
            RankedTensorType::get(cropShape, inType.getElementType()), input,
            offsets, sizes,
            SmallVector<OpFoldResult>(rank, rewriter.getIndexAttr(1)));
      rewriter.replaceOp(op, padConstant(rewriter, loc, input, low, high,
                                         op.getValue().convertToDouble()));
      return success();
    }
    bool reflect = op.getMode() == qc::PadMode::reflect;
    rewriter.replaceOp(
        op, buildIndexedRead(
                rewriter, loc, type, input, [&](OpBuilder &b, Location l) {
                  SmallVector<Value> idx;
                  for (int64_t d = 0; d < rank; ++d) {
                    int64_t dim = inType.getDimSize(d);
                    Value i = arith::SubIOp::create(
                        b, l, linalg::IndexOp::create(b, l, d),
                        arith::ConstantIndexOp::create(b, l, pads[d]));
                    Value zero = arith::ConstantIndexOp::create(b, l, 0);
                    Value last = arith::ConstantIndexOp::create(b, l, dim - 1);
                    if (reflect) {
                      // |i| then dim-1 - |(dim-1) - i| folds both edges in.
                      Value neg = arith::SubIOp::create(b, l, zero, i);
                      i = arith::MaxSIOp::create(b, l, i, neg);
                      Value over = arith::SubIOp::create(b, l, last, i);
                      Value absOver = arith::MaxSIOp::create(
                          b, l, over, arith::SubIOp::create(b, l, zero, over));
                      i = arith::SubIOp::create(b, l, last, absOver);
                    } else {
                      i = arith::MinSIOp::create(
                          b, l, arith::MaxSIOp::create(b, l, i, zero), last);
                    }
                    idx.push_back(i);
                  }
                  return idx;
                }));
    return success();
  }
};

} // namespace

void quantc::lowering::populateShapeLowering(RewritePatternSet &patterns) {
  patterns.add<
      ReshapeLikeLowering<qc::ReshapeOp>, ReshapeLikeLowering<qc::FlattenOp>,
      ReshapeLikeLowering<qc::SqueezeOp>, ReshapeLikeLowering<qc::UnsqueezeOp>,
      TransposeLowering, ConcatLowering, SliceLowering, SplitLowering,
      GatherLowering, GatherElementsLowering, PadLowering>(
      patterns.getContext());
}
