//===- SwitchedModel.cpp - one compilation, any per-layer precision -------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Calibration/SwitchedModel.h"

#include "quantc/Dialect/QC/Transforms/Passes.h"
#include "quantc/Driver/JitModel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <chrono>

using namespace quantc;

namespace {
using Clock = std::chrono::steady_clock;

/// The choices the compiled module reads while a run is in progress, and
/// where each layer's time goes (modules switched with time-layers).
thread_local llvm::ArrayRef<int64_t> activeChoices;
thread_local std::vector<double> *activeSeconds = nullptr;
thread_local std::vector<Clock::time_point> layerStart;

/// quantc_layer_precision(layer) -> choice, as the switches call it.
extern "C" int64_t quantcLayerPrecisionHook(int64_t layer) {
  layerStart[layer] = Clock::now();
  return activeChoices[layer];
}

/// quantc_layer_done(layer), after the layer's switch.
extern "C" void quantcLayerDoneHook(int64_t layer) {
  (*activeSeconds)[layer] +=
      std::chrono::duration<double>(Clock::now() - layerStart[layer]).count();
}

llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}
} // namespace

llvm::Expected<std::vector<HostArray>>
quantc::loadSearchSamples(mlir::ModuleOp module,
                          llvm::ArrayRef<std::string> files,
                          const ImagePreprocessing &preprocessing) {
  auto main = module.lookupSymbol<mlir::func::FuncOp>("main");
  if (!main || main.getNumArguments() != 1)
    return error("the precision search runs models with one input");
  if (files.empty())
    return error("the precision search needs at least one sample");
  auto inputType =
      llvm::cast<mlir::RankedTensorType>(main.getArgumentTypes()[0]);
  std::vector<HostArray> inputs;
  for (const std::string &file : files) {
    llvm::Expected<HostArray> sample =
        readCalibrationSample(file, inputType.getShape(), preprocessing);
    if (!sample)
      return sample.takeError();
    inputs.push_back(std::move(*sample));
  }
  return inputs;
}

SwitchedModel::~SwitchedModel() = default;

llvm::Expected<std::unique_ptr<SwitchedModel>>
SwitchedModel::compile(mlir::ModuleOp switched, std::vector<HostArray> inputs) {
  std::unique_ptr<SwitchedModel> result(new SwitchedModel());
  result->names = qc::precisionSwitchNames(switched);
  llvm::Expected<std::unique_ptr<JitModel>> compiled = JitModel::compile(
      switched,
      {{"quantc_layer_precision",
        reinterpret_cast<void *>(&quantcLayerPrecisionHook)},
       {"quantc_layer_done", reinterpret_cast<void *>(&quantcLayerDoneHook)}});
  if (!compiled)
    return compiled.takeError();
  result->model = std::move(*compiled);
  result->inputs = std::move(inputs);
  return result;
}

llvm::Expected<std::vector<std::vector<HostArray>>>
SwitchedModel::run(llvm::ArrayRef<int64_t> choices,
                   llvm::ArrayRef<size_t> which) {
  if (choices.size() != names.size())
    return error("expected " + llvm::Twine(names.size()) +
                 " layer choices, got " + llvm::Twine(choices.size()));
  activeChoices = choices;
  seconds.assign(names.size(), 0);
  activeSeconds = &seconds;
  layerStart.assign(names.size(), Clock::time_point());
  std::vector<std::vector<HostArray>> outputs;
  Clock::time_point start = Clock::now();
  for (size_t index : which) {
    llvm::Expected<std::vector<HostArray>> result =
        model->run(llvm::ArrayRef<HostArray>(inputs[index]));
    if (!result) {
      activeChoices = {};
      activeSeconds = nullptr;
      return result.takeError();
    }
    outputs.push_back(std::move(*result));
  }
  totalSeconds = std::chrono::duration<double>(Clock::now() - start).count();
  activeChoices = {};
  activeSeconds = nullptr;
  ++runCount;
  return outputs;
}
