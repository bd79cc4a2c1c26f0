//===- AssignPrecision.cpp - per-layer precision from an assignment -------===//
//
// Part of quantc. The mixed-precision search's result is IR: a
// #qc.precision per layer. This pass (and the compiler, through
// assignLayerPrecisions) sets them, so quant-opt can replay any assignment.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QC/IR/QCAttrs.h"
#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

namespace quantc::qc {
#define GEN_PASS_DEF_QCASSIGNPRECISION
#include "quantc/Dialect/QC/Transforms/Passes.h.inc"
} // namespace quantc::qc

using namespace mlir;
using namespace quantc::qc;

static llvm::Error jsonError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<std::vector<LayerAssignment>>
quantc::qc::parseAssignmentJSON(llvm::StringRef text) {
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
  if (!parsed)
    return parsed.takeError();
  const llvm::json::Object *root = parsed->getAsObject();
  if (!root)
    return jsonError("an assignment is a JSON object");
  std::vector<LayerAssignment> list;
  if (const llvm::json::Object *mixed = root->getObject("mixed_precision")) {
    const llvm::json::Array *layers = mixed->getArray("layers");
    if (!layers)
      return jsonError("mixed_precision has no 'layers' array");
    for (const llvm::json::Value &entry : *layers) {
      const llvm::json::Object *layer = entry.getAsObject();
      auto name = layer ? layer->getString("name") : std::nullopt;
      auto chosen = layer ? layer->getString("chosen") : std::nullopt;
      if (!name || !chosen)
        return jsonError("mixed_precision.layers entries need string 'name' "
                         "and 'chosen'");
      list.push_back({name->str(), chosen->str()});
    }
    return list;
  }
  for (const auto &[name, value] : *root) {
    auto precision = value.getAsString();
    if (!precision)
      return jsonError("layer '" + name.str() +
                       "': the precision must be a string");
    list.push_back({name.str(), precision->str()});
  }
  // JSON objects do not keep their order; errors and IR should not vary.
  llvm::sort(list, [](const LayerAssignment &a, const LayerAssignment &b) {
    return a.layer < b.layer;
  });
  return list;
}

llvm::Expected<std::vector<LayerAssignment>>
quantc::qc::readAssignmentFile(llvm::StringRef path) {
  auto file = llvm::MemoryBuffer::getFile(path);
  if (!file)
    return jsonError("cannot read the assignment '" + path +
                     "': " + file.getError().message());
  llvm::Expected<std::vector<LayerAssignment>> list =
      parseAssignmentJSON((*file)->getBuffer());
  if (!list)
    return jsonError(path + ": " + llvm::toString(list.takeError()));
  return list;
}

LogicalResult
quantc::qc::assignLayerPrecisions(ModuleOp module,
                                  llvm::ArrayRef<LayerAssignment> list) {
  llvm::StringMap<SmallVector<Operation *, 1>> layers;
  module.walk([&](QuantizableOpInterface layer) {
    if (!layer.getLayerName().empty())
      layers[layer.getLayerName()].push_back(layer);
  });
  std::vector<std::string> problems;
  llvm::StringMap<LayerPrecisionAttr> chosen;
  for (const LayerAssignment &entry : list) {
    std::string error;
    auto precision =
        LayerPrecisionAttr::parse(module.getContext(), entry.precision, error);
    if (!precision)
      problems.push_back("'" + entry.layer + "': " + error);
    else if (!layers.contains(entry.layer))
      problems.push_back("'" + entry.layer + "': no quantizable layer");
    else if (!chosen.try_emplace(entry.layer, precision).second)
      problems.push_back("'" + entry.layer + "': assigned twice");
  }
  if (!problems.empty()) {
    module.emitError() << "precision assignment: "
                       << llvm::join(problems, "; ");
    return failure();
  }
  for (const auto &[name, precision] : chosen)
    for (Operation *layer : layers[name])
      layer->setAttr(kPrecisionAttr, precision);
  return success();
}

namespace {
struct QCAssignPrecisionPass
    : public quantc::qc::impl::QCAssignPrecisionBase<QCAssignPrecisionPass> {
  using QCAssignPrecisionBase::QCAssignPrecisionBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (assignment.empty()) {
      module.emitError("qc-assign-precision needs assignment=<file.json>");
      return signalPassFailure();
    }
    llvm::Expected<std::vector<LayerAssignment>> list =
        readAssignmentFile(assignment);
    if (!list) {
      module.emitError() << llvm::toString(list.takeError());
      return signalPassFailure();
    }
    if (failed(assignLayerPrecisions(module, *list)))
      return signalPassFailure();
    numAssigned += list->size();
  }
};
} // namespace
