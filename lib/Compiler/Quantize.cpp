//===- Quantize.cpp - calibrate, choose precision, quantize ---------------===//
//
// Part of quantc. The stages between import and lowering: fold BatchNorm,
// gather activation statistics (or load them), set every probe's range,
// keep the layers the precision search chooses in float, and rewrite the
// rest to quantized qc ops.
//
//===----------------------------------------------------------------------===//

#include "quantc/Compiler/Compiler.h"

#include "DiagnosticCapture.h"

#include "quantc/Compiler/Report.h"
#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"

using namespace quantc;

static llvm::Error stageError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

static CalibrationOptions calibrationOptions(const CompileOptions &options) {
  CalibrationOptions calibration;
  calibration.preprocessing = options.model.preprocessing;
  calibration.progress = options.progress;
  return calibration;
}

std::vector<std::string> quantc::quantizableLayerNames(mlir::ModuleOp module) {
  std::vector<std::string> names;
  module.walk([&](qc::QuantizableOpInterface layer) {
    if (!layer.getLayerName().empty())
      names.push_back(layer.getLayerName().str());
  });
  return names;
}

llvm::Expected<CalibrationResult>
quantc::calibrateModel(mlir::ModuleOp module, llvm::StringRef source,
                       const CompileOptions &options) {
  if (isCalibrationCache(source))
    return loadCalibrationCache(source);
  llvm::Expected<std::vector<std::string>> samples = listSampleFiles(source);
  if (!samples)
    return samples.takeError();
  mlir::OwningOpRef<mlir::ModuleOp> copy = module.clone();
  DiagnosticCapture diagnostics(*module.getContext());
  return diagnostics.attachTo(
      calibrate(*copy, *samples, calibrationOptions(options)));
}

/// Every --keep-float name must be a quantizable layer of the model.
static llvm::Error checkKeepFloat(mlir::ModuleOp module,
                                  llvm::ArrayRef<std::string> keepFloat) {
  std::vector<std::string> layers = quantizableLayerNames(module);
  llvm::StringSet<> known(llvm::from_range, layers);
  std::vector<std::string> unknown;
  for (const std::string &name : keepFloat)
    if (!known.contains(name))
      unknown.push_back("'" + name + "'");
  if (unknown.empty())
    return llvm::Error::success();
  constexpr size_t kListed = 12;
  std::string listed = llvm::join(
      llvm::ArrayRef(layers).take_front(std::min(layers.size(), kListed)),
      ", ");
  if (layers.size() > kListed)
    listed += ", ... (the report lists them all)";
  return stageError("--keep-float: no quantizable layer named " +
                    llvm::join(unknown, ", ") + "; the model's " +
                    std::to_string(layers.size()) + " are: " + listed);
}

/// Runs `pass` on `module`, with its diagnostics as the error.
static llvm::Error runPass(mlir::ModuleOp module,
                           std::unique_ptr<mlir::Pass> pass,
                           llvm::StringRef what) {
  DiagnosticCapture diagnostics(*module.getContext());
  mlir::PassManager pm(module.getContext());
  pm.addPass(std::move(pass));
  if (mlir::failed(pm.run(module)))
    return diagnostics.takeError(what.str() + " failed");
  return llvm::Error::success();
}

/// The qc-quantize options of `options`.
static qc::QCQuantizeOptions quantizeOptions(const QuantizationOptions &q) {
  qc::QCQuantizeOptions quantize;
  quantize.biasCorrection = q.biasCorrection;
  quantize.weights = weightSchemeName(q.weights).str();
  quantize.group = q.group;
  quantize.gptq = q.gptq;
  quantize.activationBits = q.activationBits;
  quantize.keepFloat.assign(q.keepFloat.begin(), q.keepFloat.end());
  return quantize;
}

/// The samples a search measures on: the first --search-samples of
/// --search-data, or of the calibration folder.
static llvm::Expected<std::vector<std::string>>
searchSamples(const CompileOptions &options, llvm::StringRef flag) {
  const SearchOptions &search = options.search;
  llvm::StringRef folder =
      search.data.empty() ? llvm::StringRef(options.quantization.calibration)
                          : llvm::StringRef(search.data);
  if (isCalibrationCache(folder))
    return stageError(flag +
                      " measures on samples: give --search-data DIR "
                      "(or --calib a folder, not the cache '" +
                      folder + "')");
  llvm::Expected<std::vector<std::string>> samples = listSampleFiles(folder);
  if (!samples)
    return samples.takeError();
  samples->resize(std::min<size_t>(samples->size(), search.samples));
  return samples;
}

llvm::Expected<MixedPrecisionResult>
quantc::chooseMixedPrecision(mlir::ModuleOp calibrated,
                             const CompileOptions &options) {
  llvm::Expected<std::vector<std::string>> samples =
      searchSamples(options, "--bits mixed");
  if (!samples)
    return samples.takeError();
  MixedPrecisionOptions mixed;
  mixed.candidates = options.mixed.candidates;
  mixed.weightBitsBudget = options.mixed.weightBitsBudget;
  mixed.signal = options.mixed.signal;
  mixed.pointsNearBudget = options.mixed.pointsNearBudget;
  mixed.quantizedBase = options.mixed.quantizedBase;
  mixed.solver = options.mixed.solver;
  mixed.latencyBudgetMs = options.mixed.latencyBudgetMs;
  mixed.maxDivergence = options.mixed.maxDivergence;
  mixed.quantize = quantizeOptions(options.quantization);
  mixed.progress = options.progress;
  mixed.preprocessing = options.model.preprocessing;
  DiagnosticCapture diagnostics(*calibrated.getContext());
  return diagnostics.attachTo(
      searchMixedPrecision(calibrated, *samples, mixed));
}

/// Sets each layer's precision from an --assign-precision file.
static llvm::Expected<size_t> assignFromFile(mlir::ModuleOp module,
                                             llvm::StringRef path) {
  llvm::Expected<std::vector<qc::LayerAssignment>> list =
      qc::readAssignmentFile(path);
  if (!list)
    return stageError("--assign-precision: " +
                      llvm::toString(list.takeError()));
  DiagnosticCapture diagnostics(*module.getContext());
  if (mlir::failed(qc::assignLayerPrecisions(module, *list)))
    return stageError("--assign-precision '" + path +
                      "': " + llvm::toString(diagnostics.takeError("invalid")));
  return list->size();
}

llvm::Expected<PrecisionSearchResult>
quantc::choosePrecision(mlir::ModuleOp module, const CompileOptions &options) {
  qc::QCQuantizeOptions quantize = quantizeOptions(options.quantization);
  const SearchOptions &search = options.search;
  llvm::Expected<std::vector<std::string>> samples =
      searchSamples(options, "--min-output-cosine");
  if (!samples)
    return samples.takeError();
  PrecisionSearchOptions searchOptions;
  searchOptions.minCosine = search.minOutputCosine;
  searchOptions.maxFloatLayers = search.maxFloatLayers;
  searchOptions.progress = options.progress;
  searchOptions.preprocessing = options.model.preprocessing;
  mlir::OwningOpRef<mlir::ModuleOp> copy = module.clone();
  DiagnosticCapture diagnostics(*module.getContext());
  return diagnostics.attachTo(
      searchPrecision(*copy, *samples, quantize, searchOptions));
}

llvm::Expected<PreparedModel>
quantc::prepareModel(mlir::ModuleOp module,
                     const QuantizationOptions &options) {
  PreparedModel prepared;
  auto count = [&](auto opTag) {
    size_t n = 0;
    module.walk([&](decltype(opTag)) { ++n; });
    return n;
  };
  size_t transposed = count(qc::ConvTranspose2DOp());
  if (llvm::Error err = runPass(module, qc::createQCDecomposeConvTranspose(),
                                "qc-decompose-conv-transpose"))
    return std::move(err);
  prepared.convTransposesDecomposed =
      transposed - count(qc::ConvTranspose2DOp());
  if (!options.foldBatchNorm)
    return prepared;
  size_t norms = count(qc::BatchNormOp());
  if (llvm::Error err =
          runPass(module, qc::createQCFoldBatchNorm(), "qc-fold-batch-norm"))
    return std::move(err);
  prepared.batchNormsFolded = norms - count(qc::BatchNormOp());
  return prepared;
}

llvm::Expected<QuantizationSummary>
quantc::quantizeModel(mlir::ModuleOp module, const CompileOptions &options) {
  const QuantizationOptions &q = options.quantization;
  if (q.calibration.empty())
    return stageError("quantization needs calibration data (--calib)");
  QuantizationSummary summary;
  summary.weightBytesFloat = constantBytes(module);

  llvm::Expected<PreparedModel> prepared = prepareModel(module, q);
  if (!prepared)
    return prepared.takeError();
  summary.batchNormsFolded = prepared->batchNormsFolded;
  summary.convTransposesDecomposed = prepared->convTransposesDecomposed;
  // After folding: a convolution followed by BatchNorm is one layer named
  // after the normalization's output.
  if (llvm::Error err = checkKeepFloat(module, q.keepFloat))
    return std::move(err);
  // Rotations go in before the probes, which then measure the rotated
  // activations; qc-quantize rounds the rotated weights.
  if (q.rotate)
    summary.rotations = qc::rotateLayers(
        module, *q.rotate, q.rotateSeed,
        /*leaveNormOutputs=*/q.reparameterize || q.reparameterizeReference,
        /*onlineConvolutions=*/q.rotateConvolutions);

  // Measures the model's activations (or loads the cache) and sets every
  // probe's range, replacing the previous calibration's warnings.
  DiagnosticCapture diagnostics(*module.getContext());
  auto calibrateAndApply = [&]() -> llvm::Error {
    llvm::Expected<CalibrationResult> statistics =
        calibrateModel(module, q.calibration, options);
    if (!statistics)
      return statistics.takeError();
    summary.calibrationWarnings.clear();
    return diagnostics
        .attachTo(
            applyCalibration(module, *statistics, q.method, q.activationBits,
                             /*secondMoments=*/q.gptq || options.mixed.enabled,
                             &summary.calibrationWarnings))
        .takeError();
  };
  if (llvm::Error err = calibrateAndApply())
    return std::move(err);
  if (q.smoothAlpha) {
    // Smoothing needs the channel ranges just applied; then the smoothed
    // model's activations are measured again (their histograms changed,
    // not only their scale).
    summary.smoothing = qc::smoothActivations(module, *q.smoothAlpha);
    if (llvm::Error err = calibrateAndApply())
      return std::move(err);
  }
  // Last: the folded ranges are final (calibrating again would replace
  // them).
  if (q.reparameterize || q.reparameterizeReference || q.log2Softmax)
    summary.reparameterization = qc::reparameterizeActivations(
        module, q.activationBits, q.reparameterize || q.reparameterizeReference,
        q.log2Softmax, q.reparameterizeReference);

  qc::QCQuantizeOptions quantize = quantizeOptions(q);
  if (options.search.minOutputCosine > 0) {
    llvm::Expected<PrecisionSearchResult> found =
        choosePrecision(module, options);
    if (!found)
      return found.takeError();
    llvm::append_range(quantize.keepFloat, found->keepFloat);
    summary.search = std::move(*found);
  }
  if (options.mixed.enabled) {
    llvm::Expected<MixedPrecisionResult> found =
        chooseMixedPrecision(module, options);
    if (!found)
      return found.takeError();
    DiagnosticCapture assignDiagnostics(*module.getContext());
    if (mlir::failed(qc::assignLayerPrecisions(module, found->assignment())))
      return assignDiagnostics.takeError("assigning the chosen precisions");
    summary.mixed = std::move(*found);
  }
  if (!options.mixed.assignment.empty()) {
    llvm::Expected<size_t> assigned =
        assignFromFile(module, options.mixed.assignment);
    if (!assigned)
      return assigned.takeError();
    summary.layersAssigned = *assigned;
  }
  if (llvm::Error err =
          runPass(module, qc::createQCQuantize(quantize), "qc-quantize"))
    return std::move(err);
  summary.layers = quantizationReport(module);
  summary.weightBytesQuantized = constantBytes(module);
  return summary;
}
