//===- MathToNVVMIntrinsics.cpp - exact math ops as NVPTX instructions ----===//
//
// Part of quantc. convert-gpu-to-nvvm turns math.sqrt, math.floor,
// math.ceil and math.fma (and the llvm intrinsics for them) into libdevice
// calls, which leave the PTX with unresolved externs unless the CUDA
// toolkit's libdevice is linked. Each of these is one correctly rounded
// PTX instruction, reached through its NVVM intrinsic (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace quantc {
#define GEN_PASS_DEF_MATHTONVVMINTRINSICS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {
/// `op` (f32 or f64 scalar) as the NVVM intrinsic `<name>.f` / `<name>.d`.
template <typename MathOp>
struct ToNVVMIntrinsic : public OpRewritePattern<MathOp> {
  ToNVVMIntrinsic(MLIRContext *context, StringRef name)
      : OpRewritePattern<MathOp>(context), name(name) {}

  LogicalResult matchAndRewrite(MathOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!type.isF32() && !type.isF64())
      return rewriter.notifyMatchFailure(op, "not an f32 or f64 scalar");
    std::string intrinsic = name + (type.isF32() ? ".f" : ".d");
    auto call = LLVM::CallIntrinsicOp::create(
        rewriter, op.getLoc(), type, rewriter.getStringAttr(intrinsic),
        op->getOperands());
    rewriter.replaceOp(op, call.getResults());
    return success();
  }

  std::string name;
};

struct FmaToLLVM : public OpRewritePattern<math::FmaOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::FmaOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<LLVM::FMAOp>(op, op.getA(), op.getB(),
                                             op.getC());
    return success();
  }
};

struct MathToNVVMIntrinsicsPass
    : public quantc::impl::MathToNVVMIntrinsicsBase<MathToNVVMIntrinsicsPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    patterns.add<ToNVVMIntrinsic<math::SqrtOp>>(context, "llvm.nvvm.sqrt.rn");
    patterns.add<ToNVVMIntrinsic<math::FloorOp>>(context, "llvm.nvvm.floor");
    patterns.add<ToNVVMIntrinsic<math::CeilOp>>(context, "llvm.nvvm.ceil");
    patterns.add<FmaToLLVM>(context);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
