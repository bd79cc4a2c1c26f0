//===- quantc.cpp - the quantc user driver --------------------------------===//
//
// Part of quantc. One command for users:
//
//   quantc run model.onnx --input x=x.npy [--input ...] --output-dir out/
//   quantc compile model.onnx --input-shape x=1x3x48x320 --target x86_64 -o
//   out/ quantc calibrate model.onnx --calib samples/ -o cache.json quantc
//   kernel gemm-u8s4 --shape 1x4096x4096 --group 128 -o out/
//
// This file only maps flags onto quantc::CompileOptions and calls the stages
// of the compiler library (quantc/Compiler/Compiler.h), which the C API and
// the Python package call as well. It owns the terminal: errors, the
// progress bar, the file names it prints.
//
//===----------------------------------------------------------------------===//

#include "TerminalProgress.h"

#include "quantc/Compiler/Compiler.h"
#include "quantc/Target/Object/KernelObject.h"
#include "quantc/Target/Object/TargetSpec.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"

#include <chrono>

using namespace llvm;

static cl::OptionCategory modelCategory("Model and inputs");
static cl::OptionCategory quantCategory("Quantization");
static cl::OptionCategory searchCategory("Precision search");
static cl::OptionCategory targetCategory("Target and output");

static cl::SubCommand runCommand("run",
                                 "import, compile and run an ONNX model");
static cl::SubCommand
    compileCommand("compile",
                   "compile a model to an object file and a C header");
static cl::SubCommand
    calibrateCommand("calibrate",
                     "record activation statistics over a calibration set");
static cl::SubCommand
    kernelCommand("kernel",
                  "emit one low-bit kernel as an object file and a C header");

//===----------------------------------------------------------------------===//
// quantc kernel
//===----------------------------------------------------------------------===//

static cl::opt<std::string>
    kernelKind(cl::Positional,
               cl::desc("<kernel: gemm-u8s8, gemm-u8s4 or gemm-u8t2>"),
               cl::Required, cl::sub(kernelCommand), cl::cat(targetCategory));
static cl::opt<std::string>
    kernelShape("shape", cl::desc("MxNxK of the GEMM (M = 1: GEMV)"),
                cl::value_desc("MxNxK"), cl::Required, cl::sub(kernelCommand),
                cl::cat(targetCategory));
static cl::opt<int64_t>
    kernelGroup("group",
                cl::desc("gemm-u8s4: k per scale group (32, 64 or 128)"),
                cl::init(128), cl::sub(kernelCommand), cl::cat(targetCategory));
static cl::opt<std::string> kernelTarget(
    "target",
    cl::desc("x86_64-avx512vnni, x86_64-amx, aarch64-dotprod, aarch64-i8mm "
             "(object files), nvptx-sm80 or nvptx-sm90 (PTX); default host"),
    cl::init("host"), cl::sub(kernelCommand), cl::cat(targetCategory));
static cl::opt<std::string> kernelOutput("o", cl::desc("output folder"),
                                         cl::value_desc("dir"), cl::Required,
                                         cl::sub(kernelCommand),
                                         cl::cat(targetCategory));

//===----------------------------------------------------------------------===//
// The model and its inputs
//===----------------------------------------------------------------------===//

static cl::opt<std::string>
    modelPath(cl::Positional, cl::desc("<model.onnx or model.mlir>"),
              cl::Required, cl::sub(runCommand), cl::sub(compileCommand),
              cl::sub(calibrateCommand), cl::cat(modelCategory));
static cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("static shape of a model input, e.g. x=1x3x48x320; repeatable"),
    cl::value_desc("name=DxD..."), cl::sub(compileCommand), cl::sub(runCommand),
    cl::sub(calibrateCommand), cl::cat(modelCategory));
static cl::opt<std::string> imageResize(
    "image-resize",
    cl::desc("how image samples reach the input size: stretch (default), "
             "pad (keep aspect, fit height, zero-pad right) or crop (cover, "
             "centre crop)"),
    cl::init("stretch"), cl::sub(compileCommand), cl::sub(runCommand),
    cl::sub(calibrateCommand), cl::cat(modelCategory));
static cl::opt<std::string>
    imageMean("image-mean",
              cl::desc("per-channel mean of [0,1] pixels (r,g,b)"),
              cl::init("0"), cl::sub(compileCommand), cl::sub(runCommand),
              cl::sub(calibrateCommand), cl::cat(modelCategory));
static cl::opt<std::string>
    imageStd("image-std", cl::desc("per-channel std of [0,1] pixels (r,g,b)"),
             cl::init("1"), cl::sub(compileCommand), cl::sub(runCommand),
             cl::sub(calibrateCommand), cl::cat(modelCategory));
static cl::opt<bool> imageBgr("image-bgr",
                              cl::desc("the model takes BGR channel order"),
                              cl::sub(compileCommand), cl::sub(runCommand),
                              cl::sub(calibrateCommand),
                              cl::cat(modelCategory));
static cl::list<std::string>
    inputFiles("input",
               cl::desc("a model input: NAME=FILE (.npy, ONNX TensorProto .pb, "
                        "or an image) or NAME=DIR (run every sample in it)"),
               cl::value_desc("name=file"), cl::sub(runCommand),
               cl::cat(modelCategory));
static cl::opt<bool> quiet("quiet", cl::desc("no progress bar"),
                           cl::sub(runCommand), cl::sub(compileCommand),
                           cl::sub(calibrateCommand), cl::cat(modelCategory));

//===----------------------------------------------------------------------===//
// Quantization and the precision search
//===----------------------------------------------------------------------===//

static cl::opt<std::string> calibrateFolder(
    "calib",
    cl::desc("folder of calibration samples (.npy, .pb or images), one per "
             "file"),
    cl::value_desc("dir"), cl::Required, cl::sub(calibrateCommand),
    cl::cat(quantCategory));
static cl::opt<std::string>
    calibrateOutput("o", cl::desc("calibration cache (JSON)"),
                    cl::value_desc("file"), cl::Required,
                    cl::sub(calibrateCommand), cl::cat(quantCategory));
static cl::opt<std::string> calib(
    "calib",
    cl::desc("quantize first, calibrating on this folder of samples (or with "
             "this cache of `quantc calibrate`, a .json)"),
    cl::value_desc("dir"), cl::sub(runCommand), cl::sub(compileCommand),
    cl::cat(quantCategory));
static cl::opt<std::string>
    method("method",
           cl::desc("range method: minmax, percentile, entropy or mse"),
           cl::init("minmax"), cl::sub(runCommand), cl::sub(compileCommand),
           cl::cat(quantCategory));
static cl::opt<std::string> bits(
    "bits",
    cl::desc("weight bits: 8 (W8A8, default), 4 (W4A8, round to nearest per "
             "channel, or per group with --group) or ternary (W2A8, see "
             "--ternary); activations are u8"),
    cl::init("8"), cl::sub(runCommand), cl::sub(compileCommand),
    cl::cat(quantCategory));
static cl::opt<int64_t> weightGroup(
    "group",
    cl::desc("with --bits 4: one weight scale per this many consecutive "
             "inputs (32, 64, 128, ...: a multiple of 8) of each output "
             "channel, for matmuls and pointwise convolutions whose input "
             "count it divides; 0 (default) = one scale per channel"),
    cl::init(0), cl::sub(runCommand), cl::sub(compileCommand),
    cl::cat(quantCategory));
static cl::opt<bool> gptqWeights(
    "gptq",
    cl::desc("with --bits 4 --group G: GPTQ (each rounding error spread "
             "over the inputs not yet quantized through the calibration "
             "inputs' E[x x^T]) instead of round to nearest, for the "
             "grouped layers whose inputs have at most 724 channels; the "
             "report says per layer how it was rounded"),
    cl::init(false), cl::sub(runCommand), cl::sub(compileCommand),
    cl::cat(quantCategory));
static cl::opt<std::string> ternaryMethod(
    "ternary",
    cl::desc("with --bits ternary: absmean (BitNet b1.58's scale = mean |w|, "
             "default) or twn (threshold 0.7 mean |w|)"),
    cl::init("absmean"), cl::sub(runCommand), cl::sub(compileCommand),
    cl::cat(quantCategory));
static cl::opt<bool> biasCorrection(
    "bias-correction",
    cl::desc("correct biases for the mean error of rounded weights (on; "
             "--bias-correction=false turns it off)"),
    cl::init(true), cl::sub(runCommand), cl::sub(compileCommand),
    cl::cat(quantCategory));
static cl::opt<bool> foldBatchNorm(
    "fold-batch-norm",
    cl::desc("fold BatchNormalization into the preceding convolutions "
             "before quantizing (on)"),
    cl::init(true), cl::sub(runCommand), cl::sub(compileCommand),
    cl::sub(calibrateCommand), cl::cat(quantCategory));
static cl::list<std::string> keepFloat(
    "keep-float",
    cl::desc("leave these layers in float (ONNX output tensor names, as the "
             "report lists them); comma-separated or repeated"),
    cl::CommaSeparated, cl::value_desc("name"), cl::sub(runCommand),
    cl::sub(compileCommand), cl::cat(quantCategory));
static cl::opt<double> minOutputCosine(
    "min-output-cosine",
    cl::desc("search which layers to keep in float: the fewest most harmful "
             "ones that bring every output of the search samples to this "
             "cosine similarity with the float model (e.g. 0.99)"),
    cl::init(0.0), cl::sub(runCommand), cl::sub(compileCommand),
    cl::cat(searchCategory));
static cl::opt<unsigned> maxFloatLayers(
    "max-float-layers",
    cl::desc("at most this many layers stay float in the search (default: "
             "a tenth of the quantizable layers)"),
    cl::init(0), cl::sub(runCommand), cl::sub(compileCommand),
    cl::cat(searchCategory));
static cl::opt<std::string> searchData(
    "search-data",
    cl::desc("folder of samples for the precision search (default: the "
             "--calib folder; needed when --calib is a cache)"),
    cl::value_desc("dir"), cl::sub(runCommand), cl::sub(compileCommand),
    cl::cat(searchCategory));
static cl::opt<unsigned> searchSamples(
    "search-samples",
    cl::desc("how many search samples (the first, by name) the search "
             "measures on (16)"),
    cl::init(16), cl::sub(runCommand), cl::sub(compileCommand),
    cl::cat(searchCategory));

//===----------------------------------------------------------------------===//
// Target and output
//===----------------------------------------------------------------------===//

static cl::opt<std::string> target(
    "target",
    cl::desc("host (default: this machine's most specific target), native, "
             "x86_64, x86_64-avx2, x86_64-avx512vnni, x86_64-amx (AVX-512 "
             "VNNI code for a Sapphire Rapids CPU: no AMX tiles yet), "
             "aarch64, aarch64-dotprod, aarch64-i8mm, or nvptx-sm80 / "
             "nvptx-sm90 (NVIDIA GPU: kernels in <model>.ptx, launched by a "
             "host object)"),
    cl::init("host"), cl::sub(compileCommand), cl::cat(targetCategory));
static cl::opt<std::string> entryName("entry",
                                      cl::desc("name of the C entry point"),
                                      cl::init("quantc_main"),
                                      cl::sub(compileCommand),
                                      cl::cat(targetCategory));
static cl::opt<std::string> compileOutput("o", cl::desc("output folder"),
                                          cl::value_desc("dir"),
                                          cl::sub(compileCommand),
                                          cl::cat(targetCategory));
static cl::opt<bool>
    printPipeline("print-lowering-pipeline",
                  cl::desc("print the pass pipeline that lowers the model (for "
                           "quant-opt --pass-pipeline) and stop"),
                  cl::sub(compileCommand), cl::cat(targetCategory));
static cl::opt<std::string> dumpLowering(
    "dump-lowering",
    cl::desc("also write <dir>/<model>.lowering-input.mlir and "
             ".lowering-output.mlir: the module entering and leaving the "
             "lowering pipeline"),
    cl::value_desc("dir"), cl::sub(compileCommand), cl::cat(targetCategory));
static cl::opt<bool> gemmKernels(
    "gemm-kernels",
    cl::desc("quantized matmuls call the generated GEMM kernels where the "
             "target has their dot-product instructions (on; "
             "--gemm-kernels=false keeps the generic integer loops)"),
    cl::init(true), cl::sub(runCommand), cl::sub(compileCommand),
    cl::cat(targetCategory));
static cl::opt<bool> emulateGpu(
    "emulate-gpu",
    cl::desc("lower the model as for an nvptx target and run each kernel "
             "launch as host loops over its blocks and threads: the GPU "
             "kernels' code, checked on a machine without a GPU (slow)"),
    cl::init(false), cl::sub(runCommand), cl::cat(targetCategory));
static cl::opt<unsigned> benchmarkRuns(
    "benchmark-runs",
    cl::desc("also time this many runs and print the mean latency"),
    cl::init(0), cl::sub(runCommand), cl::cat(targetCategory));
static cl::opt<std::string> outputDir("output-dir",
                                      cl::desc("folder for the outputs"),
                                      cl::value_desc("dir"), cl::Required,
                                      cl::sub(runCommand),
                                      cl::cat(targetCategory));

//===----------------------------------------------------------------------===//
// Flags to options
//===----------------------------------------------------------------------===//

static int fail(const Twine &message) {
  WithColor::error(errs(), "quantc") << message << "\n";
  return 1;
}

static int fail(Error err) { return fail(toString(std::move(err))); }

/// --bits and --ternary as a weight scheme.
static Expected<quantc::WeightScheme> weightScheme() {
  auto error = [](const Twine &message) {
    return createStringError(inconvertibleErrorCode(), message);
  };
  if (ternaryMethod.getNumOccurrences() && bits != "ternary")
    return error("--ternary chooses how ternary weights are found: it needs "
                 "--bits ternary");
  if (bits == "8")
    return quantc::WeightScheme::Int8;
  if (bits == "4")
    return quantc::WeightScheme::Int4;
  if (bits != "ternary")
    return error("unknown --bits '" + bits + "'; expected 8, 4 or ternary");
  if (ternaryMethod == "absmean")
    return quantc::WeightScheme::TernaryAbsMean;
  if (ternaryMethod == "twn")
    return quantc::WeightScheme::TernaryThreshold;
  return error("unknown --ternary '" + ternaryMethod +
               "'; expected absmean or twn");
}

/// The --input-shape and --image-* flags.
static Error parseModelFlags(quantc::ModelOptions &model) {
  auto error = [](const Twine &message) {
    return createStringError(inconvertibleErrorCode(), message);
  };
  model.path = modelPath;
  for (const std::string &text : inputShapes) {
    std::string message = quantc::parseInputShapeOption(text, model.onnx);
    if (!message.empty())
      return error(message);
  }
  quantc::ImagePreprocessing &preprocessing = model.preprocessing;
  std::optional<quantc::ImageResize> resize =
      quantc::parseImageResize(imageResize);
  if (!resize)
    return error("unknown --image-resize '" + imageResize +
                 "'; expected stretch, pad or crop");
  preprocessing.resize = *resize;
  std::string message =
      quantc::parseChannelTriple(imageMean, preprocessing.mean);
  if (message.empty())
    message = quantc::parseChannelTriple(imageStd, preprocessing.std);
  if (!message.empty())
    return error("--image-mean/--image-std: " + message);
  for (float value : preprocessing.std)
    if (value == 0)
      return error("--image-std must not be zero");
  preprocessing.bgr = imageBgr;
  return Error::success();
}

/// Every flag of `run` and `compile` as CompileOptions, validated.
static Expected<quantc::CompileOptions> compileOptionsFromFlags() {
  quantc::CompileOptions options;
  if (Error err = parseModelFlags(options.model))
    return std::move(err);
  quantc::QuantizationOptions &q = options.quantization;
  q.calibration = calib;
  std::optional<quantc::RangeMethod> rangeMethod =
      quantc::parseRangeMethod(method);
  if (!rangeMethod)
    return createStringError(inconvertibleErrorCode(),
                             "unknown --method '" + method +
                                 "'; expected minmax, percentile, entropy "
                                 "or mse");
  q.method = *rangeMethod;
  Expected<quantc::WeightScheme> scheme = weightScheme();
  if (!scheme)
    return scheme.takeError();
  q.weights = *scheme;
  q.group = weightGroup;
  q.gptq = gptqWeights;
  q.biasCorrection = biasCorrection;
  q.foldBatchNorm = foldBatchNorm;
  q.keepFloat.assign(keepFloat.begin(), keepFloat.end());
  options.search.minOutputCosine = minOutputCosine;
  options.search.maxFloatLayers = maxFloatLayers;
  options.search.data = searchData;
  options.search.samples = searchSamples;
  options.target.target = target;
  options.target.entry = entryName;
  options.target.gemmKernels = gemmKernels;
  options.target.emulateGpu = emulateGpu;
  options.progress = quantc::terminalProgress(!quiet);
  if (Error err = quantc::validateOptions(options))
    return std::move(err);
  return options;
}

/// The precision search's one-line summary (and a warning when its bound
/// was not met).
static void printSearchSummary(const quantc::PrecisionSearchResult &found) {
  outs() << "precision search: " << found.keepFloat.size() << " of "
         << found.sensitivity.size() << " layers kept float; worst output "
         << format("cosine %.6f all int8, %.6f now (bound %.9g, ",
                   found.allInt8Cosine, found.achievedCosine, found.minCosine)
         << found.samples << " samples, " << found.runs << " runs)\n";
  if (!found.met)
    WithColor::warning(errs(), "quantc")
        << "the bound " << found.minCosine << " is not reached with "
        << found.budget << " float layers (--max-float-layers)\n";
}

//===----------------------------------------------------------------------===//
// Commands
//===----------------------------------------------------------------------===//

static int compileCommandMain() {
  Expected<quantc::CompileOptions> options = compileOptionsFromFlags();
  if (!options)
    return fail(options.takeError());
  if (printPipeline) {
    Expected<std::string> pipeline = quantc::loweringPipeline(options->target);
    if (!pipeline)
      return fail(pipeline.takeError());
    outs() << *pipeline << "\n";
    return 0;
  }
  if (compileOutput.empty())
    return fail("compile needs an output folder: -o DIR");
  StringRef stem = sys::path::stem(modelPath);
  std::string loweringInput, loweringOutput;
  raw_string_ostream inputStream(loweringInput), outputStream(loweringOutput);
  quantc::LoweringDumps dumps;
  if (!dumpLowering.empty())
    dumps = {&inputStream, &outputStream};
  json::Object report;
  Expected<quantc::CompiledModel> compiled =
      quantc::compileModel(*options, report, dumps);
  if (!compiled)
    return fail(compiled.takeError());
  if (compiled->quantization && compiled->quantization->search)
    printSearchSummary(*compiled->quantization->search);
  for (const std::string &note : quantc::compileNotes(*options, *compiled))
    WithColor::warning(errs(), "quantc") << note << "\n";
  Expected<std::vector<std::string>> written = quantc::writeCompiledModel(
      *compiled, compileOutput, stem,
      options->quantization.calibration.empty() ? nullptr : &report);
  if (!written)
    return fail(written.takeError());
  for (const std::string &path : *written)
    outs() << path << "\n";
  if (!dumpLowering.empty()) {
    if (std::error_code ec = sys::fs::create_directories(dumpLowering))
      return fail("cannot create '" + dumpLowering + "': " + ec.message());
    for (auto [suffix, text] :
         {std::make_pair(".lowering-input.mlir", &loweringInput),
          std::make_pair(".lowering-output.mlir", &loweringOutput)}) {
      SmallString<256> path(dumpLowering);
      sys::path::append(path, stem + suffix);
      std::error_code ec;
      raw_fd_ostream file(path, ec, sys::fs::OF_Text);
      if (ec)
        return fail("cannot write '" + path + "': " + ec.message());
      file << *text;
    }
  }
  return 0;
}

static int calibrateCommandMain() {
  quantc::CompileOptions options;
  if (Error err = parseModelFlags(options.model))
    return fail(std::move(err));
  options.progress = quantc::terminalProgress(!quiet);
  Expected<std::vector<std::string>> samples =
      quantc::listSampleFiles(calibrateFolder);
  if (!samples)
    return fail(samples.takeError());
  std::unique_ptr<mlir::MLIRContext> context = quantc::createCompilerContext();
  auto module = quantc::importModel(*context, options.model);
  if (!module)
    return fail(module.takeError());
  // A single input without --input-shape: the first sample fixes it.
  auto main = (*module)->lookupSymbol<mlir::func::FuncOp>("main");
  if (main && main.getNumArguments() == 1 &&
      options.model.onnx.inputShapes.empty()) {
    if (Error err = quantc::inferInputShape(quantc::inputName(**module, 0),
                                            samples->front(), options.model))
      return fail(std::move(err));
    if (!options.model.onnx.inputShapes.empty())
      module = quantc::importModel(*context, options.model);
    if (!module)
      return fail(module.takeError());
  }
  if (Error err = quantc::requireStaticInputs(**module))
    return fail(std::move(err));
  options.quantization.foldBatchNorm = foldBatchNorm;
  if (Expected<size_t> folded =
          quantc::prepareModel(**module, options.quantization);
      !folded)
    return fail(folded.takeError());
  Expected<quantc::CalibrationResult> result =
      quantc::calibrateModel(**module, calibrateFolder, options);
  if (!result)
    return fail(result.takeError());
  if (Error err =
          quantc::writeCalibrationCache(*result, calibrateOutput, modelPath))
    return fail(std::move(err));
  outs() << "calibrated " << result->names.size() << " tensors over "
         << result->samples << " samples: " << calibrateOutput << "\n";
  return 0;
}

/// One model input given to `quantc run`: a file, or a folder of samples.
struct RunInput {
  std::string name;
  std::vector<std::string> samples;
  bool folder = false;
};

/// `name` with every character a file name should not hold replaced.
static std::string safeFileName(StringRef name) {
  std::string file;
  for (char c : name)
    file += isAlnum(c) || c == '.' || c == '_' || c == '-' ? c : '_';
  return file;
}

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
      return fail(std::move(err));
    if (!batch)
      outs() << path << "\n";
  }
  return 0;
}

static int runCommandMain() {
  Expected<quantc::CompileOptions> options = compileOptionsFromFlags();
  if (!options)
    return fail(options.takeError());
  std::vector<RunInput> given;
  for (const std::string &spec : inputFiles) {
    auto [name, path] = StringRef(spec).split('=');
    if (name.empty() || path.empty())
      return fail("--input expects NAME=FILE or NAME=DIR, got '" + spec + "'");
    RunInput input{name.str(), {path.str()}, sys::fs::is_directory(path)};
    if (input.folder) {
      Expected<std::vector<std::string>> files = quantc::listSampleFiles(path);
      if (!files)
        return fail(files.takeError());
      input.samples = std::move(*files);
    }
    if (!given.empty() &&
        (input.folder != given.front().folder ||
         input.samples.size() != given.front().samples.size()))
      return fail("--input '" + spec +
                  "': every input must be a file, or "
                  "every input a folder with as many samples as the first");
    if (Error err = quantc::inferInputShape(name, input.samples.front(),
                                            options->model))
      return fail(std::move(err));
    given.push_back(std::move(input));
  }

  std::unique_ptr<mlir::MLIRContext> context = quantc::createCompilerContext();
  auto module = quantc::importModel(*context, options->model);
  if (!module)
    return fail(module.takeError());
  if (Error err = quantc::requireStaticInputs(**module))
    return fail(std::move(err));
  if (!options->quantization.calibration.empty()) {
    auto summary = quantc::quantizeModel(**module, *options);
    if (!summary)
      return fail(summary.takeError());
    if (summary->search)
      printSearchSummary(*summary->search);
  }

  // Inputs in argument order; every model input needs one.
  auto main = (*module)->lookupSymbol<mlir::func::FuncOp>("main");
  std::vector<const RunInput *> ordered;
  std::vector<SmallVector<int64_t>> shapes;
  for (unsigned i = 0; i < main.getNumArguments(); ++i) {
    std::string key = quantc::inputName(**module, i);
    auto it = llvm::find_if(given,
                            [&](const RunInput &in) { return in.name == key; });
    if (it == given.end())
      return fail("no --input for model input '" + key + "'");
    ordered.push_back(&*it);
    shapes.emplace_back(
        cast<mlir::RankedTensorType>(main.getArgumentTypes()[i]).getShape());
  }

  Expected<std::unique_ptr<quantc::JitModel>> model =
      quantc::compileForJit(**module, options->target);
  if (!model)
    return fail(model.takeError());
  if (std::error_code ec = sys::fs::create_directories(outputDir))
    return fail("cannot create '" + outputDir + "': " + ec.message());
  // A model without inputs runs once.
  const RunInput *batch =
      !given.empty() && given.front().folder ? &given.front() : nullptr;
  size_t count = given.empty() ? 1 : given.front().samples.size();
  quantc::ProgressCounter progress(quantc::terminalProgress(batch && !quiet),
                                   "running", count);
  std::vector<quantc::HostArray> inputs;
  for (size_t index = 0; index < count; ++index) {
    inputs.clear();
    for (auto [input, shape] : llvm::zip_equal(ordered, shapes)) {
      Expected<quantc::HostArray> array = quantc::readSample(
          input->samples[index], shape, options->model.preprocessing);
      if (!array)
        return fail(array.takeError());
      inputs.push_back(std::move(*array));
    }
    Expected<std::vector<quantc::HostArray>> outputs = (*model)->run(inputs);
    if (!outputs)
      return fail(outputs.takeError());
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
        return fail(again.takeError());
    std::chrono::duration<double, std::milli> elapsed =
        std::chrono::steady_clock::now() - start;
    outs() << format("latency ms: %.2f\n", elapsed.count() / benchmarkRuns);
  }
  return 0;
}

/// Writes out/<symbol>.o (or .ptx) and out/<symbol>.h for `quantc kernel`.
static int kernelCommandMain() {
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
    return fail(std::move(err));
  for (auto [path, bytes] :
       {std::make_pair(StringRef(objectPath),
                       StringRef(object.data(), object.size())),
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
  // --help lists quantc's own options, not LLVM's internal ones.
  std::vector<const cl::OptionCategory *> categories = {
      &modelCategory, &quantCategory, &searchCategory, &targetCategory};
  for (cl::SubCommand *sub : cl::getRegisteredSubcommands())
    cl::HideUnrelatedOptions(categories, *sub);
  cl::ParseCommandLineOptions(argc, argv,
                              "quantc: the quantization compiler\n");
  if (runCommand)
    return runCommandMain();
  if (compileCommand)
    return compileCommandMain();
  if (calibrateCommand)
    return calibrateCommandMain();
  if (kernelCommand)
    return kernelCommandMain();
  return fail("give a command: run, compile, calibrate or kernel (see "
              "--help)");
}
