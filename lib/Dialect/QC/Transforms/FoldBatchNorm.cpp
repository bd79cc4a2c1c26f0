//===- FoldBatchNorm.cpp - batch norm into the preceding convolution ------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QC/IR/QCConstants.h"
#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace quantc::qc {
#define GEN_PASS_DEF_QCFOLDBATCHNORM
#include "quantc/Dialect/QC/Transforms/Passes.h.inc"
} // namespace quantc::qc

using namespace mlir;
using namespace quantc::qc;

namespace {
struct FoldBatchNormIntoConv : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp norm,
                                PatternRewriter &rewriter) const override {
    auto conv = norm.getInput().getDefiningOp<Conv2DOp>();
    if (!conv || !conv->hasOneUse())
      return rewriter.notifyMatchFailure(norm, "not fed by a conv alone");
    auto weights = readF32Constant(conv.getWeight());
    auto scale = readF32Constant(norm.getScale());
    auto shift = readF32Constant(norm.getBias());
    auto mean = readF32Constant(norm.getMean());
    auto variance = readF32Constant(norm.getVariance());
    if (!weights || !scale || !shift || !mean || !variance)
      return rewriter.notifyMatchFailure(norm, "parameters not constant f32");
    int64_t channels = scale->size();
    std::vector<float> bias(channels, 0.0f);
    if (Value b = conv.getBias()) {
      auto values = readF32Constant(b);
      if (!values)
        return rewriter.notifyMatchFailure(norm, "conv bias not constant");
      bias = *values;
    }
    if (weights->size() % channels != 0)
      return rewriter.notifyMatchFailure(norm, "channel count mismatch");
    int64_t perChannel = weights->size() / channels;
    double epsilon = norm.getEpsilon().convertToDouble();
    for (int64_t c = 0; c < channels; ++c) {
      double k = (*scale)[c] / std::sqrt(double((*variance)[c]) + epsilon);
      for (int64_t i = 0; i < perChannel; ++i)
        (*weights)[c * perChannel + i] =
            static_cast<float>(k * (*weights)[c * perChannel + i]);
      bias[c] =
          static_cast<float>(k * (double(bias[c]) - (*mean)[c]) + (*shift)[c]);
    }
    Location loc = conv.getLoc();
    rewriter.setInsertionPoint(conv);
    // The resource manager makes the names unique (bn_folded_w_1, ...).
    Value newWeights = createF32Constant(
        rewriter, loc, conv.getWeight().getType(), *weights, "bn_folded_w");
    Value newBias = createF32Constant(
        rewriter, loc, RankedTensorType::get({channels}, rewriter.getF32Type()),
        bias, "bn_folded_b");
    rewriter.replaceOpWithNewOp<Conv2DOp>(
        norm, norm.getType(), conv.getInput(), newWeights, newBias,
        conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr(),
        conv.getGroupAttr());
    rewriter.eraseOp(conv);
    return success();
  }
};

struct QCFoldBatchNormPass
    : public quantc::qc::impl::QCFoldBatchNormBase<QCFoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldBatchNormIntoConv>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
