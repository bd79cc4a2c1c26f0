//===- FusePadsIntoProducers.cpp - producers write padded buffers ---------===//
//
// Part of quantc. See Passes.td: one pass over each convolution's input
// fewer, and the pad value written to the border only.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "PanelEpilogues.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
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

/// The destination that the op producing `value` writes whole without
/// reading: a single-result linalg op's init its body does not read, or
/// the init of a loop quantc-tile-and-vectorize marked so (a panel with
/// its epilogue). Null otherwise.
static Value overwrittenInit(Value value) {
  Operation *producer = value.getDefiningOp();
  if (!producer || producer->getNumResults() != 1)
    return {};
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(producer)) {
    OpOperand *init = linalgOp.getDpsInitOperand(0);
    return linalgOp.payloadUsesValueFromOperand(init) ? Value() : init->get();
  }
  auto loop = dyn_cast<scf::ForOp>(producer);
  if (!loop || !loop->hasAttr(quantc::kOverwritesInitAttr))
    return {};
  return loop.getInitArgs()[0];
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
    Value init = overwrittenInit(insert.getSource());
    if (!fill || !init || !insert.hasUnitStride() ||
        !insert.getSourceType().hasStaticShape())
      return failure();
    auto interior = init.getDefiningOp<tensor::ExtractSliceOp>();
    if (!interior || interior.getSource() != fill.getResult(0) ||
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

/// Whether upstream's pad fusion takes `pad`: static pads, a constant pad
/// value and an all-parallel single-result linalg producer.
static linalg::LinalgOp fusableProducer(tensor::PadOp pad) {
  auto producer = pad.getSource().getDefiningOp<linalg::LinalgOp>();
  if (!producer || producer->getNumResults() != 1 ||
      producer.getNumLoops() != producer.getNumParallelLoops() ||
      !pad.getConstantPaddingValue() || pad.getNofold() ||
      !pad.getLow().empty() || !pad.getHigh().empty() ||
      !pad.getResultType().hasStaticShape())
    return linalg::LinalgOp();
  return producer;
}

/// A producer whose result also feeds other linalg ops (a residual block's
/// sum: the next depthwise convolution pads it, the next sum adds it) was
/// computed twice, once by the fused clone into the padded buffer and once
/// for the other users. They read the padded tensor's interior instead:
///
///   %y = linalg.generic ...               // read by %p and by %z
///   %p = tensor.pad %y low[..] high[..]
///   %z = linalg.generic ins(%y, ...)
/// becomes
///   %p = tensor.pad %y ...                // moved up to %y
///   %i = tensor.extract_slice %p[low][shape of %y][1]
///   %z = linalg.generic ins(%i, ...)
/// so %y has one user and is written once, into the padded buffer. Only
/// linalg users move: they read any strided view.
static void readPaddedInteriors(func::FuncOp function) {
  SmallVector<tensor::PadOp> pads;
  function.walk([&](tensor::PadOp pad) { pads.push_back(pad); });
  for (tensor::PadOp pad : pads) {
    linalg::LinalgOp producer = fusableProducer(pad);
    if (!producer)
      continue;
    Value result = pad.getSource();
    Value padValue = pad.getConstantPaddingValue();
    SmallVector<OpOperand *> others;
    bool movable = true;
    for (OpOperand &use : result.getUses()) {
      if (use.getOwner() == pad.getOperation())
        continue;
      auto user = dyn_cast<linalg::LinalgOp>(use.getOwner());
      movable &= user && user.isDpsInput(&use);
      others.push_back(&use);
    }
    // The pad moves up to its producer, so its value must be there first.
    Operation *valueDef = padValue.getDefiningOp();
    movable &= !valueDef || (valueDef->getBlock() == producer->getBlock() &&
                             valueDef->isBeforeInBlock(producer));
    movable &= pad->getBlock() == producer->getBlock();
    if (others.empty() || !movable)
      continue;
    pad->moveAfter(producer);
    OpBuilder b(pad->getContext());
    b.setInsertionPointAfter(pad);
    auto type = cast<RankedTensorType>(result.getType());
    SmallVector<OpFoldResult> sizes =
        getAsIndexOpFoldResult(b.getContext(), type.getShape());
    SmallVector<OpFoldResult> unit(type.getRank(), b.getIndexAttr(1));
    auto interior = tensor::ExtractSliceOp::create(
        b, pad.getLoc(), pad.getResult(), pad.getMixedLowPad(), sizes, unit);
    for (OpOperand *use : others)
      use->set(interior.getResult());
  }
}

struct FusePadsIntoProducersPass
    : public quantc::impl::FusePadsIntoProducersBase<
          FusePadsIntoProducersPass> {
  void runOnOperation() override {
    readPaddedInteriors(getOperation());
    RewritePatternSet patterns(&getContext());
    linalg::populateFuseTensorPadWithProducerLinalgOpPatterns(patterns);
    patterns.add<FillBorderOnly>(&getContext());
    // Without folding: the interior slices readPaddedInteriors made would
    // fold to the producer's value, read after the border fills write its
    // buffer, and bufferization would then copy the producer out of place.
    GreedyRewriteConfig config;
    config.enableFolding(false);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      return signalPassFailure();
  }
};
} // namespace
