//===- FusePadsIntoProducers.cpp - producers write padded buffers ---------===//
//
// Part of quantc. See Passes.td: one pass over each convolution's input
// fewer, and the pad value written to the border only.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace quantc {
#define GEN_PASS_DEF_FUSEPADSINTOPRODUCERS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {
/// A box of a tensor: offsets and sizes per dimension.
struct Box {
  SmallVector<int64_t> offsets, sizes;
};

/// Disjoint boxes that cover `shape` less the box `inner`: per dimension
/// d, the slabs before and after `inner` along d, within `inner` along
/// the dimensions before d and whole along those after.
static SmallVector<Box> complementBoxes(ArrayRef<int64_t> shape,
                                        const Box &inner) {
  SmallVector<Box> boxes;
  for (size_t d = 0; d < shape.size(); ++d) {
    auto slab = [&](int64_t offset, int64_t size) {
      Box box;
      for (size_t k = 0; k < shape.size(); ++k) {
        bool within = k < d;
        box.offsets.push_back(k == d ? offset : within ? inner.offsets[k] : 0);
        box.sizes.push_back(k == d ? size : within ? inner.sizes[k] : shape[k]);
      }
      boxes.push_back(box);
    };
    int64_t end = inner.offsets[d] + inner.sizes[d];
    if (inner.offsets[d] > 0)
      slab(0, inner.offsets[d]);
    if (end < shape[d])
      slab(end, shape[d] - end);
  }
  return boxes;
}

/// The fused pad leaves `fill` the whole padded tensor, then the producer
/// overwrites the interior: the fill's interior writes are dead, and for
/// a 3 x 3 convolution's 162 x 162 planes they are 98% of it. Fills only
/// the border, after the interior:
///
///   %f = linalg.fill ins(%zero) outs(%empty)       // whole
///   %s = tensor.extract_slice %f[box]
///   %q = linalg.generic ... outs(%s)               // does not read %s
///   %p = tensor.insert_slice %q into %f[box]
/// becomes the same extract and insert of the interior, from and into
/// %empty, then one fill per border slab (extract_slice, fill,
/// insert_slice, in place after bufferization). The order matters: a
/// border column is one element a row, a cache line of its own, and the
/// producer has just written the rest of those lines, so the column
/// fills hit the cache instead of missing once a row.
struct FillBorderOnly : OpRewritePattern<tensor::InsertSliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::InsertSliceOp insert,
                                PatternRewriter &rewriter) const override {
    auto fill = insert.getDest().getDefiningOp<linalg::FillOp>();
    auto producer = insert.getSource().getDefiningOp<linalg::LinalgOp>();
    if (!fill || !producer || producer->getNumResults() != 1 ||
        !insert.hasUnitStride() || !insert.getSourceType().hasStaticShape())
      return failure();
    OpOperand *init = producer.getDpsInitOperand(0);
    auto interior = init->get().getDefiningOp<tensor::ExtractSliceOp>();
    if (!interior || interior.getSource() != fill.getResult(0) ||
        producer.payloadUsesValueFromOperand(init) ||
        !fill.getResult(0).hasNUses(2) ||
        !interior.isSameAs(insert, isEqualConstantIntOrValue))
      return failure();
    Box inner{SmallVector<int64_t>(insert.getStaticOffsets()),
              SmallVector<int64_t>(insert.getStaticSizes())};
    if (ShapedType::isDynamicShape(inner.offsets))
      return failure();
    ArrayRef<int64_t> shape = insert.getDestType().getShape();

    Location loc = fill.getLoc();
    Value padValue = fill.getInputs()[0];
    Value empty = fill.getOutputs()[0];
    rewriter.modifyOpInPlace(
        interior, [&] { interior.getSourceMutable().assign(empty); });
    rewriter.modifyOpInPlace(insert,
                             [&] { insert.getDestMutable().assign(empty); });
    rewriter.eraseOp(fill);
    rewriter.setInsertionPointAfter(insert);
    Value padded = insert.getResult();
    SmallPtrSet<Operation *, 8> border;
    for (const Box &box : complementBoxes(shape, inner)) {
      MLIRContext *context = rewriter.getContext();
      SmallVector<OpFoldResult> offsets =
          getAsIndexOpFoldResult(context, box.offsets);
      SmallVector<OpFoldResult> sizes =
          getAsIndexOpFoldResult(context, box.sizes);
      SmallVector<OpFoldResult> unit(shape.size(), rewriter.getIndexAttr(1));
      auto slab = tensor::ExtractSliceOp::create(rewriter, loc, padded, offsets,
                                                 sizes, unit);
      auto filled =
          linalg::FillOp::create(rewriter, loc, padValue, slab.getResult());
      auto back = tensor::InsertSliceOp::create(
          rewriter, loc, filled.getResult(0), padded, offsets, sizes, unit);
      border.insert({slab, filled, back});
      padded = back.getResult();
    }
    rewriter.replaceUsesWithIf(insert.getResult(), padded, [&](OpOperand &use) {
      return !border.contains(use.getOwner());
    });
    return success();
  }
};

struct FusePadsIntoProducersPass
    : public quantc::impl::FusePadsIntoProducersBase<
          FusePadsIntoProducersPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    linalg::populateFuseTensorPadWithProducerLinalgOpPatterns(patterns);
    patterns.add<FillBorderOnly>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
