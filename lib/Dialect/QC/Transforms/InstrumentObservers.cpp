//===- InstrumentObservers.cpp - probes to statistics calls ---------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

namespace quantc::qc {
#define GEN_PASS_DEF_QCINSTRUMENTOBSERVERS
#include "quantc/Dialect/QC/Transforms/Passes.h.inc"
} // namespace quantc::qc

using namespace mlir;
using namespace quantc::qc;

static constexpr llvm::StringLiteral kObserveFunction = "quantc_observe";

namespace {
struct QCInstrumentObserversPass
    : public quantc::qc::impl::QCInstrumentObserversBase<
          QCInstrumentObserversPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<ObserveOp> probes;
    module.walk([&](ObserveOp op) { probes.push_back(op); });
    MLIRContext *context = module.getContext();
    OpBuilder b(context);
    auto unranked = UnrankedTensorType::get(Float32Type::get(context));
    auto type = b.getFunctionType({unranked, b.getI64Type()}, {});
    auto callee = module.lookupSymbol<func::FuncOp>(kObserveFunction);
    if (!callee && !probes.empty()) {
      b.setInsertionPointToStart(module.getBody());
      callee = func::FuncOp::create(b, module.getLoc(), kObserveFunction, type);
      callee.setPrivate();
      // The statistics only read the tensor: bufferization needs no copy.
      callee.setArgAttr(0, "bufferization.access", b.getStringAttr("read"));
      callee->setAttr("llvm.emit_c_interface", b.getUnitAttr());
    }
    SmallVector<Attribute> names;
    for (auto [index, probe] : llvm::enumerate(probes)) {
      if (!probe.getType().getElementType().isF32()) {
        probe.emitOpError("calibration records float32 tensors only");
        return signalPassFailure();
      }
      b.setInsertionPoint(probe);
      Location loc = probe.getLoc();
      Value cast = tensor::CastOp::create(b, loc, unranked, probe.getInput());
      Value id = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(index));
      func::CallOp::create(b, loc, callee, ValueRange{cast, id});
      names.push_back(probe.getNameAttr());
      probe.replaceAllUsesWith(probe.getInput());
      probe.erase();
    }
    module->setAttr(kObserversAttr, b.getArrayAttr(names));
  }
};
} // namespace
