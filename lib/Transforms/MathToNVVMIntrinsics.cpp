//===- MathToNVVMIntrinsics.cpp - exact math ops as NVPTX instructions ----===//
//
// Part of quantc. convert-gpu-to-nvvm turns math.sqrt, math.floor,
// math.fma, math.roundeven, math.absf, ... (and the LLVM dialect's ops for
// them) into libdevice calls, which leave the PTX with unresolved externs
// unless the CUDA toolkit's libdevice is linked. Each is one correctly
// rounded PTX instruction the NVPTX backend selects for the LLVM intrinsic,
// so the kernels call the intrinsics by name (see Passes.td).
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
/// An f32 or f64 scalar `op` as `llvm.call_intrinsic "llvm.<name>.f32"`
/// (or `.f64`).
template <typename MathOp>
struct ToIntrinsicCall : public OpRewritePattern<MathOp> {
  ToIntrinsicCall(MLIRContext *context, StringRef name)
      : OpRewritePattern<MathOp>(context), name(name) {}

  LogicalResult matchAndRewrite(MathOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!type.isF32() && !type.isF64())
      return rewriter.notifyMatchFailure(op, "not an f32 or f64 scalar");
    std::string intrinsic = "llvm." + name + (type.isF32() ? ".f32" : ".f64");
    auto call = LLVM::CallIntrinsicOp::create(rewriter, op.getLoc(), type,
                                              rewriter.getStringAttr(intrinsic),
                                              op->getOperands());
    rewriter.replaceOp(op, call.getResults());
    return success();
  }

  std::string name;
};

struct MathToNVVMIntrinsicsPass
    : public quantc::impl::MathToNVVMIntrinsicsBase<MathToNVVMIntrinsicsPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    patterns.add<ToIntrinsicCall<math::SqrtOp>>(context, "sqrt");
    patterns.add<ToIntrinsicCall<math::FloorOp>>(context, "floor");
    patterns.add<ToIntrinsicCall<math::CeilOp>>(context, "ceil");
    patterns.add<ToIntrinsicCall<math::FmaOp>>(context, "fma");
    patterns.add<ToIntrinsicCall<math::RoundEvenOp>>(context, "roundeven");
    patterns.add<ToIntrinsicCall<math::RoundOp>>(context, "round");
    patterns.add<ToIntrinsicCall<math::TruncOp>>(context, "trunc");
    patterns.add<ToIntrinsicCall<math::AbsFOp>>(context, "fabs");
    patterns.add<ToIntrinsicCall<math::CopySignOp>>(context, "copysign");
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
