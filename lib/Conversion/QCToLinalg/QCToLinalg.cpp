//===- QCToLinalg.cpp - the convert-qc-to-linalg pass ---------------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/QCToLinalg/QCToLinalg.h"
#include "GroupedProduct.h"
#include "Patterns.h"

#include "quantc/Conversion/Passes.h"
#include "quantc/Dialect/QC/IR/QCOps.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Transforms/DialectConversion.h"

namespace quantc {
#define GEN_PASS_DEF_CONVERTQCTOLINALG
#include "quantc/Conversion/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

void quantc::populateQCToLinalgPatterns(RewritePatternSet &patterns) {
  lowering::populateElementwiseLowering(patterns);
  lowering::populateNNLowering(patterns);
  lowering::populateResizeLowering(patterns);
  lowering::populateShapeLowering(patterns);
  lowering::populateHadamardLowering(patterns);
  lowering::populateLogMatMulLowering(patterns);
}

namespace {
struct ConvertQCToLinalgPass
    : public quantc::impl::ConvertQCToLinalgBase<ConvertQCToLinalgPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // The lowering works on static shapes; say which op is not.
    WalkResult dynamic = func.walk([](Operation *op) {
      if (!isa<qc::QCDialect>(op->getDialect()))
        return WalkResult::advance();
      for (Type type :
           llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes()))
        if (auto shaped = dyn_cast<ShapedType>(type);
            shaped && !shaped.hasStaticShape()) {
          op->emitOpError("has a dynamic shape; the lowering needs static "
                          "shapes (import with --input-shape)");
          return WalkResult::interrupt();
        }
      return WalkResult::advance();
    });
    if (dynamic.wasInterrupted())
      return signalPassFailure();
    // Blocked (int4 group) weights lower in one form; say what misses it.
    if (func.walk([](Operation *op) {
              return failed(lowering::checkBlockedWeights(op))
                         ? WalkResult::interrupt()
                         : WalkResult::advance();
            })
            .wasInterrupted())
      return signalPassFailure();

    ConversionTarget target(getContext());
    target.addLegalDialect<
        arith::ArithDialect, bufferization::BufferizationDialect,
        func::FuncDialect, linalg::LinalgDialect, math::MathDialect,
        memref::MemRefDialect, tensor::TensorDialect>();
    target.addIllegalDialect<qc::QCDialect>();
    target.addIllegalOp<quant::StorageCastOp>();
    TypeConverter converter;
    populateQCQuantTypeConversion(converter);
    RewritePatternSet patterns(&getContext());
    populateQCToLinalgPatterns(patterns);
    populateQCQuantToLinalgPatterns(patterns, converter);
    if (failed(applyPartialConversion(func, target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
