//===- InsertPrecisionSwitches.cpp - a run-time precision choice per layer ===//
//
// Part of quantc. Lets one compiled module run any mix of layer precisions,
// so a precision search costs runs instead of compilations.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QC/IR/QCAttrs.h"
#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"

namespace quantc::qc {
#define GEN_PASS_DEF_QCINSERTPRECISIONSWITCHES
#include "quantc/Dialect/QC/Transforms/Passes.h.inc"
} // namespace quantc::qc

using namespace mlir;
using namespace quantc::qc;

static constexpr llvm::StringLiteral kSwitchFunction = "quantc_layer_precision";
static constexpr llvm::StringLiteral kDoneFunction = "quantc_layer_done";

/// Layers qc-quantize may rewrite and keep-float can name: a calibrated
/// activation input, constant weights (not a product of two activations),
/// one result, and a location name.
static bool isSwitchable(Operation *op) {
  auto layer = dyn_cast<QuantizableOpInterface>(op);
  auto probe =
      layer ? layer.getActivationOperand().get().getDefiningOp<ObserveOp>()
            : ObserveOp();
  return probe && probe.getRange() && op->getNumResults() == 1 &&
         matchPattern(layer.getWeightOperand(), m_Constant()) &&
         isa<NameLoc>(op->getLoc()) && !op->hasAttr(kKeepFloatAttr);
}

std::vector<std::string> quantc::qc::precisionSwitchNames(ModuleOp module) {
  std::vector<std::string> names;
  if (auto list = module->getAttrOfType<ArrayAttr>(kPrecisionSwitchesAttr))
    for (auto name : list.getAsValueRange<StringAttr>())
      names.push_back(name.str());
  return names;
}

std::optional<int64_t>
quantc::qc::precisionSwitchLayer(scf::IndexSwitchOp select) {
  auto cast = select.getArg().getDefiningOp<arith::IndexCastOp>();
  auto call = cast ? cast.getIn().getDefiningOp<func::CallOp>() : nullptr;
  IntegerAttr index;
  if (!call || call.getCallee() != kSwitchFunction ||
      call.getNumOperands() != 1 ||
      !matchPattern(call.getOperand(0), m_Constant(&index)))
    return std::nullopt;
  return index.getInt();
}

namespace {
struct QCInsertPrecisionSwitchesPass
    : public quantc::qc::impl::QCInsertPrecisionSwitchesBase<
          QCInsertPrecisionSwitchesPass> {
  using QCInsertPrecisionSwitchesBase::QCInsertPrecisionSwitchesBase;

  /// Marks `copy` with choice `index`: without a candidate list, 0 is float
  /// and 1 whatever qc-quantize's options say.
  void mark(Operation *copy, ArrayRef<LayerPrecisionAttr> precisions,
            size_t index) {
    if (precisions.empty()) {
      if (index == 0)
        copy->setAttr(kKeepFloatAttr, UnitAttr::get(copy->getContext()));
      return;
    }
    copy->setAttr(kPrecisionAttr, precisions[index]);
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<LayerPrecisionAttr> precisions;
    for (const std::string &text : candidates) {
      std::string error;
      auto precision = LayerPrecisionAttr::parse(&getContext(), text, error);
      if (!precision) {
        module.emitError() << "candidates: " << error;
        return signalPassFailure();
      }
      precisions.push_back(precision);
    }
    if (precisions.size() == 1) {
      module.emitError() << "candidates: a switch needs at least two";
      return signalPassFailure();
    }
    size_t choices = precisions.empty() ? 2 : precisions.size();

    SmallVector<Operation *> layers;
    module.walk([&](Operation *op) {
      if (isSwitchable(op))
        layers.push_back(op);
    });
    OpBuilder b(module.getContext());
    func::FuncOp callee, done;
    if (!layers.empty()) {
      if (module.lookupSymbol(kSwitchFunction)) {
        module.emitError() << "@" << kSwitchFunction << " is already defined";
        return signalPassFailure();
      }
      b.setInsertionPointToStart(module.getBody());
      callee = func::FuncOp::create(
          b, module.getLoc(), kSwitchFunction,
          b.getFunctionType({b.getI64Type()}, {b.getI64Type()}));
      callee.setPrivate();
      if (timeLayers) {
        if (module.lookupSymbol(kDoneFunction)) {
          module.emitError() << "@" << kDoneFunction << " is already defined";
          return signalPassFailure();
        }
        done = func::FuncOp::create(b, module.getLoc(), kDoneFunction,
                                    b.getFunctionType({b.getI64Type()}, {}));
        done.setPrivate();
      }
    }
    SmallVector<Attribute> names;
    SmallVector<int64_t> cases;
    for (size_t c = 1; c < choices; ++c)
      cases.push_back(c);
    for (auto [index, switched] : llvm::enumerate(layers)) {
      Operation *layer = switched; // lambdas cannot capture bindings
      Location loc = layer->getLoc();
      b.setInsertionPoint(layer);
      Value id = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(index));
      Value choice =
          func::CallOp::create(b, loc, callee, ValueRange{id}).getResult(0);
      Value selector =
          arith::IndexCastOp::create(b, loc, b.getIndexType(), choice);
      // Choice 0 is the default region, so an out-of-range choice runs it.
      auto select = scf::IndexSwitchOp::create(b, loc, layer->getResultTypes(),
                                               selector, cases, cases.size());
      auto fill = [&](Region &region, size_t candidate) {
        Block &block = region.emplaceBlock();
        b.setInsertionPointToStart(&block);
        Operation *copy = b.clone(*layer);
        mark(copy, precisions, candidate);
        scf::YieldOp::create(b, loc, copy->getResults());
      };
      fill(select.getDefaultRegion(), 0);
      for (auto [region, candidate] :
           llvm::zip_equal(select.getCaseRegions(), cases))
        fill(region, candidate);
      layer->replaceAllUsesWith(select);
      layer->erase();
      if (done) {
        b.setInsertionPointAfter(select);
        func::CallOp::create(b, loc, done, ValueRange{id});
      }
      names.push_back(cast<NameLoc>(loc).getName());
    }
    module->setAttr(kPrecisionSwitchesAttr, b.getArrayAttr(names));
  }
};
} // namespace
