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

/// A float binary op with broadcasting whose scalar body `build` computes.
template <typename SourceOp>
struct BinaryLowering : OpRewritePattern<SourceOp> {
  using Build = Value (*)(OpBuilder &, Location, Value, Value);
  BinaryLowering(MLIRContext *context, Build build)
      : OpRewritePattern<SourceOp>(context), build(build) {}
  LogicalResult matchAndRewrite(SourceOp op,
                                PatternRewriter &rewriter) const override {
    if (!isa<FloatType>(op.getType().getElementType()))
      return rewriter.notifyMatchFailure(op, "integer arithmetic");
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
};

template <typename SourceOp, typename FloatOp>
void addBinary(RewritePatternSet &patterns) {
  patterns.add<BinaryLowering<SourceOp>>(
      patterns.getContext(), [](OpBuilder &b, Location loc, Value x, Value y) {
        return FloatOp::create(b, loc, x, y).getResult();
      });
}

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
  patterns.add<ConstantLowering, ObserveLowering>(context);
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
}
