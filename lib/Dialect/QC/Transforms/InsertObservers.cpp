//===- InsertObservers.cpp - calibration probes ---------------------------===//
//
// Part of quantc. Inserts qc.observe on the activations of quantizable
// compute ops so that a calibration run can record their statistics.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"
#include "quantc/Support/LocationName.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringSet.h"

namespace quantc::qc {
#define GEN_PASS_DEF_QCINSERTOBSERVERS
#include "quantc/Dialect/QC/Transforms/Passes.h.inc"
} // namespace quantc::qc

using namespace mlir;
using namespace quantc::qc;

namespace {

/// Hands out probe names: the value's NameLoc if it has one, else the
/// producer's mnemonic with a counter; repeats get a numeric suffix.
class ProbeNamer {
public:
  std::string nameFor(Value value) {
    std::string base = preferredName(value);
    std::string name = base;
    for (unsigned suffix = 1; !used.insert(name).second; ++suffix)
      name = base + "_" + std::to_string(suffix);
    return name;
  }

private:
  std::string preferredName(Value value) {
    if (std::optional<std::string> name = quantc::locationName(value.getLoc()))
      return *name;
    if (auto arg = dyn_cast<BlockArgument>(value))
      return "arg" + std::to_string(arg.getArgNumber());
    StringRef mnemonic = value.getDefiningOp()->getName().stripDialect();
    return (mnemonic + "_" + Twine(counter++)).str();
  }

  llvm::StringSet<> used;
  unsigned counter = 0;
};

struct QCInsertObserversPass
    : public quantc::qc::impl::QCInsertObserversBase<QCInsertObserversPass> {
  using Base::Base;

  void runOnOperation() override {
    ProbeNamer namer;
    DenseMap<Value, Value> probes;
    SmallVector<QuantizableOpInterface> layers;
    getOperation()->walk(
        [&](QuantizableOpInterface layer) { layers.push_back(layer); });
    for (QuantizableOpInterface layer : layers) {
      Operation *op = layer;
      for (OpOperand *operand : layer.getObservedOperands()) {
        Value value = operand->get();
        if (matchPattern(value, m_Constant()) ||
            value.getDefiningOp<ObserveOp>())
          continue;
        auto [it, inserted] = probes.try_emplace(value);
        if (inserted)
          it->second = createProbe(value, namer);
        operand->set(it->second);
      }
      if (!observeOutputs)
        continue;
      Value result = op->getResult(0);
      Value probe = createProbe(result, namer);
      result.replaceAllUsesExcept(probe, probe.getDefiningOp());
    }
  }

  Value createProbe(Value value, ProbeNamer &namer) {
    OpBuilder builder(value.getContext());
    if (auto arg = dyn_cast<BlockArgument>(value))
      builder.setInsertionPointToStart(arg.getOwner());
    else
      builder.setInsertionPointAfter(value.getDefiningOp());
    ++numProbes;
    return ObserveOp::create(builder, value.getLoc(), value,
                             builder.getStringAttr(namer.nameFor(value)),
                             /*range=*/nullptr, /*channel_mean=*/nullptr,
                             /*channel_range=*/nullptr,
                             /*channel_extremes=*/nullptr,
                             /*channel_second_moment=*/nullptr);
  }
};

} // namespace
