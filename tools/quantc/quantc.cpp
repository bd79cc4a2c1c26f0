//===- quantc.cpp - the quantc user driver --------------------------------===//
//
// Part of quantc. One command for users:
//
//   quantc run model.onnx --input x=x.npy [--input ...] --output-dir out/
//
// imports the ONNX model (input shapes taken from the input files), lowers
// it, JIT-compiles it for this machine and writes every output as
// out/<output name>.npy.
//
//   quantc compile model.onnx --input-shape x=1x3x48x320 --target x86_64 -o out/
//
// writes out/<model>.o (weights embedded) and out/<model>.h declaring
// `void <entry>(const float *inputs..., float *outputs...)`. Models may
// also be given as qc IR (.mlir) with a func @main.
//
//===----------------------------------------------------------------------===//

#include "QuantizationReport.h"
#include "quantc/Calibration/Calibrator.h"
#include "quantc/Calibration/PrecisionSearch.h"
#include "quantc/Calibration/RangeSelection.h"
#include "quantc/Calibration/WeightQuantization.h"
#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"
#include "quantc/Driver/HostArray.h"
#include "quantc/Driver/ImageInput.h"
#include "quantc/Driver/JitModel.h"
#include "quantc/Driver/Progress.h"
#include "quantc/InitAll.h"
#include "quantc/Target/ONNX/ONNXImporter.h"
#include "quantc/Target/Object/KernelObject.h"
#include "quantc/Target/Object/ObjectEmitter.h"
#include "quantc/Target/Object/TargetSpec.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/ADT/StringExtras.h"

#include <chrono>
#ifdef __GLIBC__
#endif
#include "llvm/Support/WithColor.h"

using namespace llvm;

static cl::SubCommand runCommand("run", "import, compile and run an ONNX model");
static cl::SubCommand compileCommand(
    "compile", "compile a model to an object file and a C header");
static cl::SubCommand calibrateCommand(
    "calibrate", "record activation statistics over a calibration set");

static cl::SubCommand kernelCommand(
    "kernel", "emit one low-bit kernel as an object file and a C header");
static cl::opt<std::string> kernelKind(cl::Positional,
                                       cl::desc("<kernel: gemm-u8s8, "
                                                "gemm-u8s4 or gemm-u8t2>"),
                                       cl::Required, cl::sub(kernelCommand));
static cl::opt<std::string> kernelShape(
    "shape", cl::desc("MxNxK of the GEMM (M = 1: GEMV)"),
    cl::value_desc("MxNxK"), cl::Required, cl::sub(kernelCommand));
static cl::opt<int64_t> kernelGroup(
    "group", cl::desc("gemm-u8s4: k per scale group (32, 64 or 128)"),
    cl::init(128), cl::sub(kernelCommand));
static cl::opt<std::string> kernelTarget(
    "target",
    cl::desc("x86_64-avx512vnni, x86_64-amx, aarch64-dotprod, aarch64-i8mm "
             "(object files), nvptx-sm80 or nvptx-sm90 (PTX); default host"),
    cl::init("host"), cl::sub(kernelCommand));
static cl::opt<std::string> kernelOutput("o", cl::desc("output folder"),
                                         cl::value_desc("dir"), cl::Required,
                                         cl::sub(kernelCommand));
static cl::opt<std::string> modelPath(cl::Positional,
                                      cl::desc("<model.onnx or model.mlir>"),
                                      cl::Required, cl::sub(runCommand),
                                      cl::sub(compileCommand),
                                      cl::sub(calibrateCommand));
static cl::opt<std::string> calibDir(
    "calib",
    cl::desc("folder of calibration samples (.npy, .pb or images), one per "
             "file"),
    cl::value_desc("dir"), cl::Required, cl::sub(calibrateCommand));
static cl::opt<std::string> calibOutput("o",
                                        cl::desc("calibration cache (JSON)"),
                                        cl::value_desc("file"), cl::Required,
                                        cl::sub(calibrateCommand));
static cl::opt<bool> quiet("quiet", cl::desc("no progress bar"),
                           cl::sub(calibrateCommand));
static cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("static shape of a model input, e.g. x=1x3x48x320; repeatable"),
    cl::value_desc("name=DxD..."), cl::sub(compileCommand),
    cl::sub(runCommand), cl::sub(calibrateCommand));
static cl::opt<std::string> imageResize(
    "image-resize",
    cl::desc("how image samples reach the input size: stretch (default), "
             "pad (keep aspect, fit height, zero-pad right) or crop (cover, "
             "centre crop)"),
    cl::init("stretch"), cl::sub(compileCommand), cl::sub(runCommand),
    cl::sub(calibrateCommand));
static cl::opt<std::string> imageMean(
    "image-mean", cl::desc("per-channel mean of [0,1] pixels (r,g,b)"),
    cl::init("0"), cl::sub(compileCommand), cl::sub(runCommand),
    cl::sub(calibrateCommand));
static cl::opt<std::string> imageStd(
    "image-std", cl::desc("per-channel std of [0,1] pixels (r,g,b)"),
    cl::init("1"), cl::sub(compileCommand), cl::sub(runCommand),
    cl::sub(calibrateCommand));
static cl::opt<bool> imageBgr("image-bgr",
                              cl::desc("the model takes BGR channel order"),
                              cl::sub(compileCommand), cl::sub(runCommand),
                              cl::sub(calibrateCommand));
static cl::opt<std::string> target("target",
                                   cl::desc("host (default: this machine's "
                                            "most specific target), native, "
                                            "x86_64, x86_64-avx2, "
                                            "x86_64-avx512vnni, x86_64-amx, "
                                            "aarch64, aarch64-dotprod, "
                                            "aarch64-i8mm, or nvptx-sm80 / "
                                            "nvptx-sm90 (NVIDIA GPU: "
                                            "kernels in <model>.ptx, "
                                            "launched by a host object)"),
                                   cl::init("host"), cl::sub(compileCommand));
static cl::opt<std::string> entryName("entry",
                                      cl::desc("name of the C entry point"),
                                      cl::init("quantc_main"),
                                      cl::sub(compileCommand));
static cl::opt<std::string> compileOutput("o", cl::desc("output folder"),
                                          cl::value_desc("dir"), cl::Required,
                                          cl::sub(compileCommand));
static cl::list<std::string>
    inputFiles("input",
               cl::desc("a model input: NAME=FILE (.npy, ONNX TensorProto .pb, "
                        "or an image) or NAME=DIR (run every sample in it)"),
               cl::value_desc("name=file"), cl::sub(runCommand));
static cl::opt<std::string> runCalib(
    "calib",
    cl::desc("quantize to int8 first, calibrating on this folder of "
             "samples (or with this cache of `quantc calibrate`, a .json)"),
    cl::value_desc("dir"), cl::sub(runCommand), cl::sub(compileCommand));
static cl::opt<std::string> method(
    "method", cl::desc("range method: minmax, percentile, entropy or mse"),
    cl::init("minmax"), cl::sub(runCommand), cl::sub(compileCommand));
static cl::opt<std::string> bits(
    "bits",
    cl::desc("weight bits: 8 (W8A8, default), 4 (W4A8, round to nearest per "
             "channel, or per group with --group) or ternary (W2A8, see "
             "--ternary); activations are u8"),
    cl::init("8"), cl::sub(runCommand), cl::sub(compileCommand));
static cl::opt<int64_t> weightGroup(
    "group",
    cl::desc("with --bits 4: one weight scale per this many consecutive "
             "inputs (32, 64, 128, ...: a multiple of 8) of each output "
             "channel, for matmuls and pointwise convolutions whose input "
             "count it divides; 0 (default) = one scale per channel"),
    cl::init(0), cl::sub(runCommand), cl::sub(compileCommand));
static cl::opt<bool> gptqWeights(
    "gptq",
    cl::desc("with --bits 4 --group G: GPTQ (each rounding error spread "
             "over the inputs not yet quantized through the calibration "
             "inputs' E[x x^T]) instead of round to nearest, for the "
             "grouped layers whose inputs have at most 724 channels"),
    cl::init(false), cl::sub(runCommand), cl::sub(compileCommand));
static cl::opt<std::string> ternaryMethod(
    "ternary",
    cl::desc("ternary weights: absmean (BitNet b1.58's scale = mean |w|, "
             "default) or twn (threshold 0.7 mean |w|)"),
    cl::init("absmean"), cl::sub(runCommand), cl::sub(compileCommand));
static cl::opt<bool> biasCorrection(
    "bias-correction",
    cl::desc("correct biases for the mean error of rounded weights (on; "
             "--bias-correction=false turns it off)"),
    cl::init(true), cl::sub(runCommand), cl::sub(compileCommand));
static cl::list<std::string> keepFloat(
    "keep-float",
    cl::desc("leave these ops in float (ONNX output tensor names, as the "
             "report lists them); comma-separated or repeated"),
    cl::CommaSeparated, cl::value_desc("name"), cl::sub(runCommand),
    cl::sub(compileCommand));
static cl::opt<double> minOutputCosine(
    "min-output-cosine",
    cl::desc("search which layers to keep in float: the fewest most harmful "
             "ones that bring every output of the search samples to this "
             "cosine similarity with the float model (e.g. 0.99)"),
    cl::init(0.0), cl::sub(runCommand), cl::sub(compileCommand));
static cl::opt<unsigned> maxFloatLayers(
    "max-float-layers",
    cl::desc("at most this many layers stay float in the search (default: "
             "a tenth of the quantizable layers)"),
    cl::init(0), cl::sub(runCommand), cl::sub(compileCommand));
static cl::opt<std::string> searchData(
    "search-data",
    cl::desc("folder of samples for the precision search (default: the "
             "--calib folder; needed when --calib is a cache)"),
    cl::value_desc("dir"), cl::sub(runCommand), cl::sub(compileCommand));
static cl::opt<unsigned> searchSamples(
    "search-samples",
    cl::desc("how many search samples (the first, by name) the search "
             "measures on (16)"),
    cl::init(16), cl::sub(runCommand), cl::sub(compileCommand));
static cl::opt<bool> gemmKernels(
    "gemm-kernels",
    cl::desc("quantized matmuls call the generated GEMM kernels where the "
             "target has their dot-product instructions (on; "
             "--gemm-kernels=false keeps the generic integer loops)"),
    cl::init(true), cl::sub(runCommand), cl::sub(compileCommand));
static cl::opt<bool> emulateGpu(
    "emulate-gpu",
    cl::desc("lower the model as for an nvptx target and run each kernel "
             "launch as host loops over its blocks and threads: the GPU "
             "kernels' code, checked on a machine without a GPU (slow)"),
    cl::init(false), cl::sub(runCommand));
static cl::opt<bool> runQuiet("quiet", cl::desc("no progress bar"),
                              cl::sub(runCommand), cl::sub(compileCommand));
static cl::opt<unsigned> benchmarkRuns(
    "benchmark-runs",
    cl::desc("also time this many runs and print the mean latency"),
    cl::init(0), cl::sub(runCommand));
static cl::opt<std::string> outputDir("output-dir",
                                      cl::desc("folder for the outputs"),
                                      cl::value_desc("dir"), cl::Required,
                                      cl::sub(runCommand));

static int fail(const Twine &message) {
  WithColor::error(errs(), "quantc") << message << "\n";
  return 1;
}

/// `name` with every character a file name should not hold replaced.
static std::string safeFileName(StringRef name) {
  std::string file;
  for (char c : name)
    file += isAlnum(c) || c == '.' || c == '_' || c == '-' ? c : '_';
  return file;
}

/// Loads a model: ONNX through the importer, .mlir through the parser.
static mlir::OwningOpRef<mlir::ModuleOp>
loadModel(mlir::MLIRContext &context, const quantc::ONNXImportOptions &options) {
  if (!StringRef(modelPath).ends_with(".mlir"))
    return quantc::importONNXFile(modelPath, context, options);
  auto module = mlir::parseSourceFile<mlir::ModuleOp>(modelPath, &context);
  if (!module)
    return module;
  // IR with one function and no @main: that function is the model.
  auto funcs = module->getOps<mlir::func::FuncOp>();
  if (!module->lookupSymbol("main") &&
      std::distance(funcs.begin(), funcs.end()) == 1)
    (*funcs.begin()).setSymName("main");
  return module;
}

/// A context with quantc's dialects and the interfaces lowering needs.
static std::unique_ptr<mlir::MLIRContext> createContext() {
  mlir::DialectRegistry registry;
  quantc::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  return std::make_unique<mlir::MLIRContext>(registry);
}

static int quantizeModule(mlir::ModuleOp module, StringRef folder,
                          quantc::RangeMethod rangeMethod, unsigned width,
                          const quantc::CalibrationOptions &calibration,
                          json::Object *searchReport);
static int parseInputFlags(quantc::ONNXImportOptions &options,
                           quantc::ImagePreprocessing &preprocessing);

/// The weight grid --bits and --ternary ask for; an error printed and
/// nullopt when they name none.
static std::optional<quantc::WeightScheme> weightScheme() {
  if (bits == "8")
    return quantc::WeightScheme::Int8;
  if (bits == "4")
    return quantc::WeightScheme::Int4;
  if (bits != "ternary") {
    fail("unknown --bits '" + bits + "'; expected 8, 4 or ternary");
    return std::nullopt;
  }
  if (ternaryMethod == "absmean")
    return quantc::WeightScheme::TernaryAbsMean;
  if (ternaryMethod == "twn")
    return quantc::WeightScheme::TernaryThreshold;
  fail("unknown --ternary '" + ternaryMethod + "'; expected absmean or twn");
  return std::nullopt;
}

/// quantizeModule with the --calib/--method/--bits flags; the precision
/// search's findings go to `searchReport` when given.
static int quantizeFromFlags(mlir::ModuleOp module,
                             const quantc::CalibrationOptions &calibration,
                             json::Object *searchReport = nullptr) {
  std::optional<quantc::RangeMethod> rangeMethod =
      quantc::parseRangeMethod(method);
  if (!rangeMethod)
    return fail("unknown --method '" + method +
                "'; expected minmax, percentile, entropy or mse");
  std::optional<quantc::WeightScheme> scheme = weightScheme();
  if (!scheme)
    return 1;
  if (weightGroup != 0 &&
      (*scheme != quantc::WeightScheme::Int4 || weightGroup < 8 ||
       weightGroup % 8 != 0))
    return fail(formatv("--group {0}: weight groups need --bits 4 and a "
                        "positive multiple of 8",
                        weightGroup.getValue()));
  if (gptqWeights && weightGroup == 0)
    return fail("--gptq needs --bits 4 --group G");
  if (minOutputCosine < 0 || minOutputCosine > 1)
    return fail(formatv("--min-output-cosine must be in [0, 1], got {0}",
                        minOutputCosine.getValue()));
  if (minOutputCosine > 0 && searchSamples == 0)
    return fail("--search-samples must be at least 1");
  return quantizeModule(module, runCalib, *rangeMethod, 8, calibration,
                        searchReport);
}

static int compileModel() {
  std::optional<quantc::TargetSpec> spec = quantc::lookupTarget(target);
  if (!spec)
    return fail("unknown target '" + target + "'; expected host, native, " +
                quantc::knownTargetNames());
  quantc::ONNXImportOptions options;
  quantc::CalibrationOptions calibration;
  if (int status = parseInputFlags(options, calibration.preprocessing))
    return status;
  calibration.showProgress = !runQuiet;
  std::unique_ptr<mlir::MLIRContext> contextOwner = createContext();
  mlir::MLIRContext &context = *contextOwner;
  mlir::OwningOpRef<mlir::ModuleOp> module = loadModel(context, options);
  if (!module)
    return 1;
  std::optional<json::Object> report;
  if (!runCalib.empty()) {
    int64_t floatBytes = quantc::constantBytes(*module);
    json::Object search;
    if (int status = quantizeFromFlags(*module, calibration, &search))
      return status;
    report = quantc::quantizationReport(*module);
    if (!search.empty())
      (*report)["precision_search"] = std::move(search);
    (*report)["weight_bytes_float"] = floatBytes;
    (*report)["weight_bytes_quantized"] = quantc::constantBytes(*module);
    (*report)["method"] = method.getValue();
    (*report)["bits"] = bits.getValue();
    (*report)["weights"] = quantc::weightSchemeName(*weightScheme()).str();
    (*report)["weight_group"] = weightGroup.getValue();
    (*report)["gptq"] = gptqWeights.getValue();
    (*report)["target"] = target == "host" ? quantc::hostTargetName()
                                           : target.getValue();
    (*report)["model"] = modelPath.getValue();
  }
  if (std::error_code ec = sys::fs::create_directories(compileOutput))
    return fail("cannot create '" + compileOutput + "': " + ec.message());
  StringRef stem = sys::path::stem(modelPath);
  SmallString<256> objectPath(compileOutput), headerPath(compileOutput),
      ptxPath(compileOutput);
  sys::path::append(objectPath, stem + ".o");
  sys::path::append(headerPath, stem + ".h");
  sys::path::append(ptxPath, stem + ".ptx");
  std::error_code ec;
  raw_fd_ostream object(objectPath, ec, sys::fs::OF_None);
  if (ec)
    return fail("cannot write '" + objectPath + "': " + ec.message());
  std::string header;
  raw_string_ostream headerStream(header);
  quantc::ObjectOptions objectOptions;
  objectOptions.target = target;
  objectOptions.symbol = entryName;
  objectOptions.gemmKernels = gemmKernels;
  std::string ptx;
  raw_string_ostream ptxStream(ptx);
  if (spec->gpu)
    objectOptions.ptx = &ptxStream;
  if (mlir::failed(quantc::emitObjectFile(*module, objectOptions, object,
                                          headerStream)))
    return 1;
  if (spec->gpu) {
    raw_fd_ostream ptxFile(ptxPath, ec, sys::fs::OF_Text);
    if (ec)
      return fail("cannot write '" + ptxPath + "': " + ec.message());
    ptxFile << ptx;
  }
  raw_fd_ostream headerFile(headerPath, ec, sys::fs::OF_Text);
  if (ec)
    return fail("cannot write '" + headerPath + "': " + ec.message());
  headerFile << header;
  outs() << objectPath << "\n" << headerPath << "\n";
  if (spec->gpu)
    outs() << ptxPath << "\n";
  if (report) {
    SmallString<256> reportPath(compileOutput);
    sys::path::append(reportPath, stem + ".report.json");
    raw_fd_ostream reportFile(reportPath, ec, sys::fs::OF_Text);
    if (ec)
      return fail("cannot write '" + reportPath + "': " + ec.message());
    reportFile << formatv("{0:2}", json::Value(std::move(*report))) << "\n";
    outs() << reportPath << "\n";
  }
  return 0;
}

/// The --input-shape and --image-* flags.
static int parseInputFlags(quantc::ONNXImportOptions &options,
                           quantc::ImagePreprocessing &preprocessing) {
  for (const std::string &text : inputShapes) {
    std::string error = quantc::parseInputShapeOption(text, options);
    if (!error.empty())
      return fail(error);
  }
  std::optional<quantc::ImageResize> resize =
      quantc::parseImageResize(imageResize);
  if (!resize)
    return fail("unknown --image-resize '" + imageResize +
                "'; expected stretch, pad or crop");
  preprocessing.resize = *resize;
  std::string error = quantc::parseChannelTriple(imageMean, preprocessing.mean);
  if (error.empty())
    error = quantc::parseChannelTriple(imageStd, preprocessing.std);
  if (!error.empty())
    return fail("--image-mean/--image-std: " + error);
  for (float value : preprocessing.std)
    if (value == 0)
      return fail("--image-std must not be zero");
  preprocessing.bgr = imageBgr;
  return 0;
}

/// Unless --input-shape gave it, a tensor sample fixes the shape of the
/// input `name` (images take the model's own shape).
static int shapeFromSample(StringRef name, StringRef sample,
                           quantc::ONNXImportOptions &options) {
  if (name.empty() || options.inputShapes.count(name) ||
      quantc::isImageFile(sample))
    return 0;
  Expected<quantc::HostArray> array = quantc::readTensorFile(sample);
  if (!array)
    return fail(toString(array.takeError()));
  options.inputShapes[name] =
      SmallVector<int64_t>(array->shape.begin(), array->shape.end());
  return 0;
}

/// The ONNX name of @main's argument `index`.
static std::string inputName(mlir::func::FuncOp main, unsigned index) {
  auto name = main.getArgAttrOfType<mlir::StringAttr>(index, "onnx.name");
  return name ? name.str() : "input" + std::to_string(index);
}

/// An error unless every @main input has a static shape.
static int requireStaticInputs(mlir::ModuleOp module) {
  auto main = module.lookupSymbol<mlir::func::FuncOp>("main");
  if (!main)
    return fail("the model has no @main");
  for (auto [index, type] : llvm::enumerate(main.getArgumentTypes())) {
    auto ranked = dyn_cast<mlir::RankedTensorType>(type);
    if (!ranked || !ranked.hasStaticShape())
      return fail("model input '" + inputName(main, index) +
                  "' has a dynamic shape; give it with --input-shape " +
                  inputName(main, index) + "=DxDx...");
  }
  return 0;
}

/// Writes each E[x x^T] next to the cache, as <cache>.moments/<tensor>.npy
/// (float32, channels x channels), and names the file in the cache entry.
static int writeSecondMoments(const quantc::CalibrationResult &result,
                              json::Object &cache) {
  SmallString<256> folder(calibOutput);
  sys::path::replace_extension(folder, "moments");
  json::Object *tensors = cache.getObject("tensors");
  for (const auto &[name, moments] : result.moments) {
    if (!moments.hasSecondMoment())
      continue;
    if (std::error_code ec = sys::fs::create_directories(folder))
      return fail("cannot create '" + folder + "': " + ec.message());
    quantc::HostArray gram;
    gram.shape = {moments.channels(), moments.channels()};
    std::vector<double> values = moments.secondMoment();
    gram.data.assign(values.begin(), values.end());
    SmallString<256> path(folder);
    sys::path::append(path, safeFileName(name) + ".npy");
    if (Error err = quantc::writeNpy(path, gram))
      return fail(toString(std::move(err)));
    if (json::Object *entry = tensors ? tensors->getObject(name) : nullptr)
      if (json::Object *channel = entry->getObject("channel_moments"))
        (*channel)["second_moment_file"] =
            (sys::path::filename(folder) + "/" + safeFileName(name) + ".npy")
                .str();
  }
  return 0;
}

static int calibrateModel() {
  quantc::ONNXImportOptions options;
  quantc::CalibrationOptions calibration;
  if (int status = parseInputFlags(options, calibration.preprocessing))
    return status;
  Expected<std::vector<std::string>> samples =
      quantc::listSampleFiles(calibDir);
  if (!samples)
    return fail(toString(samples.takeError()));
  std::unique_ptr<mlir::MLIRContext> contextOwner = createContext();
  mlir::MLIRContext &context = *contextOwner;
  // The first sample fixes the input shape; every other must match it.
  mlir::OwningOpRef<mlir::ModuleOp> module = loadModel(context, options);
  if (!module)
    return 1;
  auto main = module->lookupSymbol<mlir::func::FuncOp>("main");
  if (main && main.getNumArguments() == 1 && options.inputShapes.empty()) {
    if (int status =
            shapeFromSample(inputName(main, 0), samples->front(), options))
      return status;
    if (!options.inputShapes.empty())
      module = loadModel(context, options);
    if (!module)
      return 1;
  }
  if (int status = requireStaticInputs(*module))
    return status;
  calibration.showProgress = !quiet;
  Expected<quantc::CalibrationResult> result =
      quantc::calibrate(*module, *samples, calibration);
  if (!result)
    return fail(toString(result.takeError()));
  std::error_code ec;
  raw_fd_ostream out(calibOutput, ec, sys::fs::OF_Text);
  if (ec)
    return fail("cannot write '" + calibOutput + "': " + ec.message());
  json::Object cache = result->toJSON();
  cache["model"] = modelPath.getValue();
  if (int status = writeSecondMoments(*result, cache))
    return status;
  out << formatv("{0:2}", json::Value(std::move(cache))) << "\n";
  outs() << "calibrated " << result->names.size() << " tensors over "
         << result->samples << " samples: " << calibOutput << "\n";
  return 0;
}

/// Runs the precision search on a copy of the calibrated `module` with the
/// first --search-samples samples of `folder`, adds the layers it keeps
/// float to `quantizeOptions` and its findings to `searchReport`.
static int searchPrecision(mlir::ModuleOp module, StringRef folder,
                           const quantc::CalibrationOptions &calibration,
                           quantc::qc::QCQuantizeOptions &quantizeOptions,
                           json::Object *searchReport) {
  Expected<std::vector<std::string>> samples = quantc::listSampleFiles(folder);
  if (!samples)
    return fail(toString(samples.takeError()));
  samples->resize(std::min<size_t>(samples->size(), searchSamples));
  quantc::PrecisionSearchOptions options;
  options.minCosine = minOutputCosine;
  options.maxFloatLayers = maxFloatLayers;
  options.showProgress = calibration.showProgress;
  options.preprocessing = calibration.preprocessing;
  mlir::OwningOpRef<mlir::ModuleOp> copy = module.clone();
  Expected<quantc::PrecisionSearchResult> found = quantc::searchPrecision(
      *copy, *samples, quantizeOptions, options);
  if (!found)
    return fail(toString(found.takeError()));
  outs() << "precision search: " << found->keepFloat.size() << " of "
         << found->sensitivity.size() << " layers kept float; worst output "
         << format("cosine %.6f all int8, %.6f now (bound %.9g, ",
                   found->allInt8Cosine, found->achievedCosine,
                   found->minCosine)
         << found->samples << " samples, " << found->runs << " runs)\n";
  if (!found->met)
    WithColor::warning(errs(), "quantc")
        << "the bound " << found->minCosine << " is not reached with "
        << found->budget << " float layers (--max-float-layers)\n";
  llvm::append_range(quantizeOptions.keepFloat, found->keepFloat);
  if (searchReport)
    *searchReport = found->toJSON();
  return 0;
}

/// Calibrates a copy of `module` on the samples in `source` (or reads
/// the statistics from `source`, a cache file of `quantc calibrate`), sets
/// every probe's range with `rangeMethod`, and rewrites the calibrated ops
/// to int8 in `module`.
static int quantizeModule(mlir::ModuleOp module, StringRef source,
                          quantc::RangeMethod rangeMethod, unsigned width,
                          const quantc::CalibrationOptions &calibration,
                          json::Object *searchReport) {
  std::optional<quantc::CalibrationResult> statistics;
  bool fromCache = !sys::fs::is_directory(source) && source.ends_with(".json");
  if (minOutputCosine > 0 && fromCache && searchData.empty())
    return fail("--min-output-cosine measures on samples: give "
                "--search-data DIR (or --calib a folder, not the cache '" +
                source + "')");
  if (fromCache) {
    Expected<quantc::CalibrationResult> cache =
        quantc::loadCalibrationCache(source);
    if (!cache)
      return fail(toString(cache.takeError()));
    statistics = std::move(*cache);
  } else {
    Expected<std::vector<std::string>> samples =
        quantc::listSampleFiles(source);
    if (!samples)
      return fail(toString(samples.takeError()));
    mlir::OwningOpRef<mlir::ModuleOp> copy = module.clone();
    Expected<quantc::CalibrationResult> result =
        quantc::calibrate(*copy, *samples, calibration);
    if (!result)
      return fail(toString(result.takeError()));
    statistics = std::move(*result);
  }
  Expected<size_t> applied =
      quantc::applyCalibration(module, *statistics, rangeMethod, width,
                               /*secondMoments=*/gptqWeights);
  if (!applied)
    return fail(toString(applied.takeError()));
  quantc::qc::QCQuantizeOptions quantizeOptions;
  quantizeOptions.biasCorrection = biasCorrection;
  quantizeOptions.weights = quantc::weightSchemeName(*weightScheme()).str();
  quantizeOptions.group = weightGroup;
  quantizeOptions.gptq = gptqWeights;
  quantizeOptions.keepFloat.assign(keepFloat.begin(), keepFloat.end());
  if (minOutputCosine > 0)
    if (int status = searchPrecision(
            module, searchData.empty() ? source : StringRef(searchData),
            calibration,
                                     quantizeOptions, searchReport))
      return status;
  mlir::PassManager quantize(module.getContext());
  quantize.addPass(quantc::qc::createQCQuantize(quantizeOptions));
  return mlir::failed(quantize.run(module)) ? 1 : 0;
}

/// One model input given to `quantc run`: a file, or a folder of samples.
struct RunInput {
  std::string name;
  std::vector<std::string> samples;
  bool folder = false;
};

/// Writes the outputs of sample `index`: out/<output>.npy for one sample,
/// out/<output>/<sample stem>.npy when `batch` (the first input) is a
/// folder.
static int writeOutputs(const quantc::JitModel &model,
                        ArrayRef<quantc::HostArray> outputs,
                        const RunInput *batch, size_t index) {
  for (auto [name, array] : llvm::zip_equal(model.outputNames(), outputs)) {
    SmallString<256> path(outputDir);
    if (batch) {
      sys::path::append(path, safeFileName(name));
      if (std::error_code ec = sys::fs::create_directories(path))
        return fail("cannot create '" + path + "': " + ec.message());
      sys::path::append(path, sys::path::stem(batch->samples[index]) + ".npy");
    } else {
      sys::path::append(path, safeFileName(name) + ".npy");
    }
    if (Error err = quantc::writeNpy(path, array))
      return fail(toString(std::move(err)));
    if (!batch)
      outs() << path << "\n";
  }
  return 0;
}

static int runModel() {
  quantc::ONNXImportOptions options;
  quantc::CalibrationOptions calibration;
  if (int status = parseInputFlags(options, calibration.preprocessing))
    return status;
  calibration.showProgress = !runQuiet;
  std::vector<RunInput> given;
  for (const std::string &spec : inputFiles) {
    auto [name, path] = StringRef(spec).split('=');
    if (name.empty() || path.empty())
      return fail("--input expects NAME=FILE or NAME=DIR, got '" + spec + "'");
    RunInput input{name.str(), {path.str()}, sys::fs::is_directory(path)};
    if (input.folder) {
      Expected<std::vector<std::string>> files = quantc::listSampleFiles(path);
      if (!files)
        return fail(toString(files.takeError()));
      input.samples = std::move(*files);
    }
    if (!given.empty() && (input.folder != given.front().folder ||
                           input.samples.size() != given.front().samples.size()))
      return fail("--input '" + spec + "': every input must be a file, or "
                  "every input a folder with as many samples as the first");
    if (int status = shapeFromSample(name, input.samples.front(), options))
      return status;
    given.push_back(std::move(input));
  }

  std::unique_ptr<mlir::MLIRContext> contextOwner = createContext();
  mlir::MLIRContext &context = *contextOwner;
  mlir::OwningOpRef<mlir::ModuleOp> module = loadModel(context, options);
  if (!module)
    return 1;
  if (int status = requireStaticInputs(*module))
    return status;
  if (!runCalib.empty())
    if (int status = quantizeFromFlags(*module, calibration))
      return status;

  // Inputs in argument order; every model input needs one.
  auto main = module->lookupSymbol<mlir::func::FuncOp>("main");
  std::vector<const RunInput *> ordered;
  std::vector<SmallVector<int64_t>> shapes;
  for (unsigned i = 0; i < main.getNumArguments(); ++i) {
    std::string key = inputName(main, i);
    auto it = llvm::find_if(given, [&](const RunInput &in) {
      return in.name == key;
    });
    if (it == given.end())
      return fail("no --input for model input '" + key + "'");
    ordered.push_back(&*it);
    shapes.emplace_back(
        cast<mlir::RankedTensorType>(main.getArgumentTypes()[i]).getShape());
  }

  Expected<std::unique_ptr<quantc::JitModel>> model =
      quantc::JitModel::compile(*module, {}, gemmKernels, emulateGpu);
  if (!model)
    return fail(toString(model.takeError()));
  if (std::error_code ec = sys::fs::create_directories(outputDir))
    return fail("cannot create '" + outputDir + "': " + ec.message());
  // A model without inputs runs once.
  const RunInput *batch =
      !given.empty() && given.front().folder ? &given.front() : nullptr;
  size_t count = given.empty() ? 1 : given.front().samples.size();
  quantc::ProgressBar progress("running", count, batch && !runQuiet);
  std::vector<quantc::HostArray> inputs;
  for (size_t index = 0; index < count; ++index) {
    inputs.clear();
    for (auto [input, shape] : llvm::zip_equal(ordered, shapes)) {
      Expected<quantc::HostArray> array = quantc::readSample(
          input->samples[index], shape, calibration.preprocessing);
      if (!array)
        return fail(toString(array.takeError()));
      inputs.push_back(std::move(*array));
    }
    Expected<std::vector<quantc::HostArray>> outputs = (*model)->run(inputs);
    if (!outputs)
      return fail(toString(outputs.takeError()));
    if (int status = writeOutputs(**model, *outputs, batch, index))
      return status;
    progress.step();
  }
  if (batch)
    outs() << "ran " << count << " samples; outputs in " << outputDir << "\n";
  if (benchmarkRuns) {
    auto start = std::chrono::steady_clock::now();
    for (unsigned i = 0; i < benchmarkRuns; ++i)
      if (auto again = (*model)->run(inputs); !again)
        return fail(toString(again.takeError()));
    std::chrono::duration<double, std::milli> elapsed =
        std::chrono::steady_clock::now() - start;
    outs() << "latency ms: " << elapsed.count() / benchmarkRuns << "\n";
  }
  return 0;
}

/// Writes out/<symbol>.o and out/<symbol>.h for `quantc kernel`.
static int emitKernel() {
  quantc::GemmShape shape;
  if (kernelKind == "gemm-u8s4") {
    shape.format = quantc::WeightFormat::Int4;
    shape.groupSize = kernelGroup;
  } else if (kernelKind == "gemm-u8t2") {
    shape.format = quantc::WeightFormat::Ternary;
  } else if (kernelKind != "gemm-u8s8") {
    return fail("unknown kernel '" + kernelKind +
                "'; expected gemm-u8s8, gemm-u8s4 or gemm-u8t2");
  }
  SmallVector<StringRef> dims;
  StringRef(kernelShape).split(dims, 'x');
  if (dims.size() != 3 || dims[0].getAsInteger(10, shape.m) ||
      dims[1].getAsInteger(10, shape.n) || dims[2].getAsInteger(10, shape.k))
    return fail("--shape expects MxNxK, got '" + kernelShape + "'");
  std::optional<quantc::TargetSpec> spec = quantc::lookupTarget(kernelTarget);
  if (!spec)
    return fail("unknown target '" + kernelTarget +
                "'; expected host, native, " + quantc::knownTargetNames());
  if (std::error_code ec = sys::fs::create_directories(kernelOutput))
    return fail("cannot create '" + kernelOutput + "': " + ec.message());
  std::string symbol = quantc::gemmKernelSymbol(shape);
  SmallString<256> objectPath(kernelOutput), headerPath(kernelOutput);
  sys::path::append(objectPath, symbol + (spec->gpu ? ".ptx" : ".o"));
  sys::path::append(headerPath, symbol + ".h");
  SmallVector<char> object;
  raw_svector_ostream objectStream(object);
  std::string header;
  raw_string_ostream headerStream(header);
  if (Error err =
          quantc::emitGemmKernel(shape, *spec, objectStream, headerStream))
    return fail(toString(std::move(err)));
  for (auto [path, bytes] :
       {std::make_pair(StringRef(objectPath), StringRef(object.data(),
                                                        object.size())),
        std::make_pair(StringRef(headerPath), StringRef(header))}) {
    std::error_code ec;
    raw_fd_ostream file(path, ec, sys::fs::OF_None);
    if (ec)
      return fail("cannot write '" + path + "': " + ec.message());
    file << bytes;
    outs() << path << "\n";
  }
  return 0;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "quantc: the quantization compiler\n");
  if (runCommand)
    return runModel();
  if (compileCommand)
    return compileModel();
  if (calibrateCommand)
    return calibrateModel();
  if (kernelCommand)
    return emitKernel();
  return fail("give a command: run, compile, calibrate or kernel (see "
              "--help)");
}
