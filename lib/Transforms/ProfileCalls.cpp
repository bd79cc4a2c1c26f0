//===- ProfileCalls.cpp - time every call of @main ------------------------===//
//
// Part of quantc. After outlining, @main is a sequence of calls (loop nests
// and GEMM kernels); timing each call shows where a model's time goes
// without touching the code being timed.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "quantc/Support/LocationName.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace quantc {
#define GEN_PASS_DEF_PROFILECALLS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {
constexpr llvm::StringLiteral kEnter = "quantc_profile_enter";
constexpr llvm::StringLiteral kExit = "quantc_profile_exit";

struct ProfileCallsPass
    : public quantc::impl::ProfileCallsBase<ProfileCallsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto main = module.lookupSymbol<func::FuncOp>("main");
    if (!main || main.isExternal())
      return;
    for (StringRef hook : {kEnter, kExit})
      if (module.lookupSymbol(hook)) {
        module.emitError() << "@" << hook << " is already defined";
        return signalPassFailure();
      }
    OpBuilder builder(module.getBodyRegion());
    builder.setInsertionPointToStart(module.getBody());
    auto hookType = builder.getFunctionType({builder.getI64Type()}, {});
    func::FuncOp enter =
        func::FuncOp::create(builder, module.getLoc(), kEnter, hookType);
    func::FuncOp exit =
        func::FuncOp::create(builder, module.getLoc(), kExit, hookType);
    enter.setPrivate();
    exit.setPrivate();

    SmallVector<func::CallOp> calls;
    main.walk([&](func::CallOp call) { calls.push_back(call); });
    SmallVector<Attribute> sites;
    for (func::CallOp call : calls) {
      int64_t id = int64_t(sites.size());
      sites.push_back(builder.getStringAttr(
          quantc::locationName(call.getLoc()).value_or("") + "|" +
          call.getCallee()));
      builder.setInsertionPoint(call);
      Value index = arith::ConstantOp::create(builder, call.getLoc(),
                                              builder.getI64IntegerAttr(id));
      func::CallOp::create(builder, call.getLoc(), enter, ValueRange{index});
      builder.setInsertionPointAfter(call);
      func::CallOp::create(builder, call.getLoc(), exit, ValueRange{index});
    }
    module->setAttr("quantc.profile_sites", builder.getArrayAttr(sites));
  }
};
} // namespace
