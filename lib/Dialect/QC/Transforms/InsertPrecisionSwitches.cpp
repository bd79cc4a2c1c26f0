//===- InsertPrecisionSwitches.cpp - int8-or-float switch per layer -------===//
//
// Part of quantc. Lets one compiled module run any mix of int8 and float
// layers, so a precision search costs runs instead of compilations.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

namespace quantc::qc {
#define GEN_PASS_DEF_QCINSERTPRECISIONSWITCHES
#include "quantc/Dialect/QC/Transforms/Passes.h.inc"
} // namespace quantc::qc

using namespace mlir;
using namespace quantc::qc;

static constexpr llvm::StringLiteral kSwitchFunction = "quantc_layer_quantized";

/// Layers qc-quantize may rewrite and keep-float can name: a calibrated
/// activation input, one result, and a location name.
static bool isSwitchable(Operation *op) {
  auto layer = dyn_cast<QuantizableOpInterface>(op);
  auto probe =
      layer ? layer.getActivationOperand().get().getDefiningOp<ObserveOp>()
            : ObserveOp();
  return probe && probe.getRange() && op->getNumResults() == 1 &&
         isa<NameLoc>(op->getLoc()) && !op->hasAttr(kKeepFloatAttr);
}

namespace {
struct QCInsertPrecisionSwitchesPass
    : public quantc::qc::impl::QCInsertPrecisionSwitchesBase<
          QCInsertPrecisionSwitchesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<Operation *> layers;
    module.walk([&](Operation *op) {
      if (isSwitchable(op))
        layers.push_back(op);
    });
    OpBuilder b(module.getContext());
    func::FuncOp callee;
    if (!layers.empty()) {
      if (module.lookupSymbol(kSwitchFunction)) {
        module.emitError() << "@" << kSwitchFunction << " is already defined";
        return signalPassFailure();
      }
      b.setInsertionPointToStart(module.getBody());
      callee = func::FuncOp::create(
          b, module.getLoc(), kSwitchFunction,
          b.getFunctionType({b.getI64Type()}, {b.getI1Type()}));
      callee.setPrivate();
    }
    SmallVector<Attribute> names;
    for (auto [index, layer] : llvm::enumerate(layers)) {
      Location loc = layer->getLoc();
      b.setInsertionPoint(layer);
      Value id = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(index));
      Value on =
          func::CallOp::create(b, loc, callee, ValueRange{id}).getResult(0);
      auto choice = scf::IfOp::create(b, loc, layer->getResultTypes(), on,
                                      /*withElseRegion=*/true);
      b.setInsertionPointToStart(choice.thenBlock());
      Operation *quantized = b.clone(*layer);
      scf::YieldOp::create(b, loc, quantized->getResults());
      b.setInsertionPointToStart(choice.elseBlock());
      Operation *reference = b.clone(*layer);
      reference->setAttr(kKeepFloatAttr, b.getUnitAttr());
      scf::YieldOp::create(b, loc, reference->getResults());
      layer->replaceAllUsesWith(choice);
      layer->erase();
      names.push_back(cast<NameLoc>(loc).getName());
    }
    module->setAttr(kPrecisionSwitchesAttr, b.getArrayAttr(names));
  }
};
} // namespace
