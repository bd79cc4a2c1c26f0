//===- Calibrator.cpp - stream a calibration set through a model ----------===//
//
// Part of quantc. Every qc.observe probe becomes a call into
// quantcObserveHook, which folds the tensor into that probe's statistics;
// one sample is in memory at a time.
//
//===----------------------------------------------------------------------===//

#include "quantc/Calibration/Calibrator.h"
#include "quantc/Calibration/RangeSelection.h"

#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"
#include "quantc/Driver/HostArray.h"
#include "quantc/Driver/JitModel.h"
#include "quantc/Driver/Progress.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>

using namespace quantc;

namespace {
/// The statistics the running calibration writes to.
struct ActiveCalibration {
  std::vector<TensorStatistics> *probes = nullptr;
  /// Per probe: the channel axis its consumer reduces over, or -1.
  const std::vector<int64_t> *channelAxes = nullptr;
  std::vector<ChannelMoments> *moments = nullptr;
  std::vector<float> scratch;
};
thread_local ActiveCalibration active;

/// MLIR's unranked memref and the ranked descriptor it points to.
struct UnrankedMemRef {
  int64_t rank;
  void *descriptor;
};
} // namespace

/// Called by the compiled model for every probe (C interface of
/// `quantc_observe(tensor<*xf32>, i64)`).
extern "C" void quantcObserveHook(UnrankedMemRef *memref, int64_t id) {
  if (!active.probes || id < 0 ||
      id >= static_cast<int64_t>(active.probes->size()))
    return;
  int64_t rank = memref->rank;
  auto *words = static_cast<int64_t *>(memref->descriptor);
  const float *data = reinterpret_cast<const float *>(words[1]) + words[2];
  const int64_t *sizes = words + 3, *strides = words + 3 + rank;
  int64_t count = 1;
  for (int64_t d = 0; d < rank; ++d)
    count *= sizes[d];
  // Gather in row-major order whatever the strides are.
  active.scratch.resize(count);
  gatherStrided(data, llvm::ArrayRef(sizes, rank),
                llvm::ArrayRef(strides, rank), active.scratch.data());
  (*active.probes)[id].update(active.scratch);
  int64_t axis = (*active.channelAxes)[id];
  if (axis >= 0 && axis < rank)
    (*active.moments)[id].update(active.scratch, llvm::ArrayRef(sizes, rank),
                                 axis);
}

/// The axis the conv or matmul reading `probe` reduces over (NCHW
/// channels, or the matmul's K), or -1.
static int64_t channelAxisOf(qc::ObserveOp probe) {
  for (mlir::OpOperand &use : probe->getUses()) {
    auto layer = llvm::dyn_cast<qc::QuantizableOpInterface>(use.getOwner());
    if (layer && &layer.getActivationOperand() == &use)
      return layer.getActivationChannelAxis();
  }
  return -1;
}

static llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message.str());
}

llvm::Expected<CalibrationResult>
quantc::calibrate(mlir::ModuleOp module, llvm::ArrayRef<std::string> samples,
                  const CalibrationOptions &options) {
  auto main = module.lookupSymbol<mlir::func::FuncOp>("main");
  if (!main)
    return error("the model has no @main");

  mlir::PassManager probe(module.getContext());
  probe.addPass(qc::createQCInsertObservers());
  if (mlir::failed(probe.run(module)))
    return error("inserting calibration probes failed");
  // Instrumentation numbers the probes in walk order, as here.
  std::vector<int64_t> channelAxes;
  module.walk(
      [&](qc::ObserveOp op) { channelAxes.push_back(channelAxisOf(op)); });
  mlir::PassManager instrument(module.getContext());
  instrument.addPass(qc::createQCInstrumentObservers());
  if (mlir::failed(instrument.run(module)))
    return error("instrumenting calibration probes failed");
  CalibrationResult result;
  if (auto names = module->getAttrOfType<mlir::ArrayAttr>(qc::kObserversAttr))
    for (auto name : names.getAsValueRange<mlir::StringAttr>())
      result.names.push_back(name.str());
  std::vector<TensorStatistics> probes(result.names.size());
  std::vector<ChannelMoments> moments(result.names.size());
  channelAxes.resize(result.names.size(), -1);

  llvm::Expected<std::unique_ptr<JitModel>> model = JitModel::compile(
      module, {{"_mlir_ciface_quantc_observe",
                reinterpret_cast<void *>(&quantcObserveHook)}});
  if (!model)
    return model.takeError();
  // Samples are read by the inputs' ONNX names (a folder per sample when
  // there are several).
  std::vector<SampleInput> inputs;
  for (auto [name, type, element] :
       llvm::zip_equal((*model)->inputNames(), (*model)->inputTypes(),
                       (*model)->inputElementTypes()))
    inputs.push_back({name,
                      llvm::SmallVector<int64_t>(type.getShape().begin(),
                                                 type.getShape().end()),
                      element});

  ProgressCounter progress(options.progress, "calibrating", samples.size());
  active.probes = &probes;
  active.channelAxes = &channelAxes;
  active.moments = &moments;
  for (size_t i = 0; i < samples.size(); ++i) {
    const std::string &file = samples[i];
    llvm::Expected<std::vector<HostArray>> sample =
        readCalibrationInputs(file, inputs, options.preprocessing);
    if (!sample) {
      active.probes = nullptr;
      return sample.takeError();
    }
    llvm::Expected<std::vector<HostArray>> outputs = (*model)->run(*sample);
    if (!outputs) {
      active.probes = nullptr;
      return outputs.takeError();
    }
    progress.step();
  }
  active.probes = nullptr;
  for (auto [name, stats, axis, moment] :
       llvm::zip_equal(result.names, probes, channelAxes, moments)) {
    result.statistics[name] = std::move(stats);
    if (axis >= 0)
      result.moments[name] = std::move(moment);
  }
  result.samples = samples.size();
  return result;
}

llvm::json::Object CalibrationResult::toJSON() const {
  llvm::json::Object tensors;
  for (const std::string &name : names) {
    const TensorStatistics &stats = statistics.find(name)->second;
    llvm::json::Object entry = stats.toJSON();
    // The int8 clipping range of every method, for inspection; the
    // quantizer recomputes them from the statistics for other widths.
    llvm::json::Object ranges;
    for (auto [key, method] :
         {std::make_pair("minmax", RangeMethod::MinMax),
          std::make_pair("percentile", RangeMethod::Percentile),
          std::make_pair("entropy", RangeMethod::Entropy),
          std::make_pair("mse", RangeMethod::MSE)}) {
      Range range = selectRange(stats, method, 8);
      ranges[key] = llvm::json::Array{range.lo, range.hi};
    }
    entry["ranges_int8"] = std::move(ranges);
    auto moment = moments.find(name);
    if (moment != moments.end())
      entry["channel_moments"] = moment->second.toJSON();
    tensors[name] = std::move(entry);
  }
  return llvm::json::Object{{"samples", static_cast<int64_t>(samples)},
                            {"tensors", std::move(tensors)}};
}

llvm::Expected<CalibrationResult>
quantc::loadCalibrationCache(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return error(path + ": cannot read: " + buffer.getError().message());
  llvm::Expected<llvm::json::Value> json =
      llvm::json::parse((*buffer)->getBuffer());
  if (!json)
    return error(path + ": not JSON: " + llvm::toString(json.takeError()));
  const llvm::json::Object *root = json->getAsObject();
  const llvm::json::Object *tensors =
      root ? root->getObject("tensors") : nullptr;
  std::optional<int64_t> samples =
      root ? root->getInteger("samples") : std::nullopt;
  if (!tensors || !samples)
    return error(path + ": not a calibration cache (no 'tensors' or "
                        "'samples')");
  CalibrationResult result;
  result.samples = *samples;
  for (const auto &[name, value] : *tensors) {
    const llvm::json::Object *entry = value.getAsObject();
    if (!entry)
      return error(path + ": tensor '" + name.str() + "' is not an object");
    llvm::Expected<TensorStatistics> stats = TensorStatistics::fromJSON(*entry);
    if (!stats)
      return error(path + ": tensor '" + name.str() +
                   "': " + llvm::toString(stats.takeError()));
    result.names.push_back(name.str());
    result.statistics[name.str()] = std::move(*stats);
    if (const llvm::json::Object *moments =
            entry->getObject("channel_moments")) {
      llvm::Expected<ChannelMoments> moment =
          ChannelMoments::fromJSON(*moments);
      if (!moment)
        return error(path + ": tensor '" + name.str() +
                     "': " + llvm::toString(moment.takeError()));
      // E[x x^T], written beside the cache (quantc calibrate).
      if (std::optional<llvm::StringRef> file =
              moments->getString("second_moment_file")) {
        llvm::SmallString<256> gramPath(llvm::sys::path::parent_path(path));
        llvm::sys::path::append(gramPath, *file);
        llvm::Expected<HostArray> gram = readNpy(gramPath);
        if (!gram)
          return error(path + ": tensor '" + name.str() +
                       "': " + llvm::toString(gram.takeError()));
        int64_t channels = moment->channels();
        if (gram->shape != std::vector<int64_t>{channels, channels})
          return error(gramPath.str().str() + ": expected a " +
                       std::to_string(channels) + " x " +
                       std::to_string(channels) + " matrix");
        moment->setSecondMoment(
            std::vector<double>(gram->data.begin(), gram->data.end()));
      }
      result.moments[name.str()] = std::move(*moment);
    }
  }
  llvm::sort(result.names);
  return result;
}

llvm::Expected<size_t>
quantc::applyCalibration(mlir::ModuleOp module, const CalibrationResult &result,
                         RangeMethod method, unsigned bits, bool secondMoments,
                         std::vector<std::string> *warnings) {
  mlir::PassManager pm(module.getContext());
  pm.addPass(qc::createQCInsertObservers());
  if (mlir::failed(pm.run(module)))
    return error("inserting calibration probes failed");
  size_t applied = 0, probes = 0;
  module.walk([&](qc::ObserveOp probe) {
    ++probes;
    auto it = result.statistics.find(probe.getName());
    if (it == result.statistics.end())
      return;
    mlir::Operation *producer = probe.getInput().getDefiningOp();
    bool fixedInterval =
        producer &&
        llvm::isa<qc::SoftmaxOp, qc::SigmoidOp, qc::HardSigmoidOp>(producer);
    Range range = selectRange(
        it->second, fixedInterval ? RangeMethod::MinMax : method, bits);
    probe.setRangeAttr(mlir::DenseF64ArrayAttr::get(module.getContext(),
                                                    {range.lo, range.hi}));
    // For the compile report: how well `bits` levels on this range keep
    // the calibration distribution.
    double sqnr = estimateSQNR(it->second, range, bits);
    probe->setAttr(qc::kEstimatedSQNRAttr,
                   mlir::FloatAttr::get(
                       mlir::Float64Type::get(module.getContext()), sqnr));
    if (warnings && !fixedInterval && method != RangeMethod::MinMax) {
      Range minMax = selectRange(it->second, RangeMethod::MinMax, bits);
      double minMaxSQNR = estimateSQNR(it->second, minMax, bits);
      if (sqnr < minMaxSQNR - kSQNRWarningDb)
        warnings->push_back(llvm::formatv(
            "{0}: the {1} range [{2:g}, {3:g}] estimates {4:f1} dB SQNR, "
            "min-max's [{5:g}, {6:g}] {7:f1} dB",
            probe.getName(), rangeMethodName(method), range.lo, range.hi, sqnr,
            minMax.lo, minMax.hi, minMaxSQNR));
    }
    auto moment = result.moments.find(probe.getName());
    if (moment != result.moments.end() && moment->second.rows() > 0) {
      const ChannelMoments &channels = moment->second;
      probe.setChannelMeanAttr(
          mlir::DenseF64ArrayAttr::get(module.getContext(), channels.mean()));
      if (secondMoments && channels.hasSecondMoment())
        probe.setChannelSecondMomentAttr(mlir::DenseF64ArrayAttr::get(
            module.getContext(), channels.secondMoment()));
      // Each channel's extremes, within the tensor's chosen range.
      if (!channels.channelMin().empty()) {
        std::vector<double> ranges, extremes;
        for (auto [lo, hi] :
             llvm::zip_equal(channels.channelMin(), channels.channelMax())) {
          ranges.push_back(std::min(0.0, std::max(lo, range.lo)));
          ranges.push_back(std::max(0.0, std::min(hi, range.hi)));
          extremes.push_back(lo);
          extremes.push_back(hi);
        }
        probe.setChannelRangeAttr(
            mlir::DenseF64ArrayAttr::get(module.getContext(), ranges));
        probe.setChannelExtremesAttr(
            mlir::DenseF64ArrayAttr::get(module.getContext(), extremes));
      }
    }
    ++applied;
  });
  if (probes && !applied)
    return error("the calibration statistics name none of the model's " +
                 llvm::Twine(probes) + " probed tensors (another model?)");
  return applied;
}
