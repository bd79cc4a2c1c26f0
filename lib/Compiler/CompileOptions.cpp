//===- CompileOptions.cpp - refuse options no stage can honour ------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Compiler/CompileOptions.h"
#include "quantc/Driver/HostArray.h"

#include "quantc/Target/Object/TargetSpec.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"

using namespace quantc;

static llvm::Error optionError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

bool quantc::isCalibrationCache(llvm::StringRef source) {
  return !llvm::sys::fs::is_directory(source) && source.ends_with(".json");
}

/// The quantization settings that differ from their defaults, by flag.
static std::vector<std::string>
quantizationSettings(const CompileOptions &options) {
  const QuantizationOptions &q = options.quantization;
  QuantizationOptions defaults;
  std::vector<std::string> set;
  if (q.method != defaults.method)
    set.push_back("--method");
  if (q.weights != defaults.weights)
    set.push_back("--bits");
  if (q.group != defaults.group)
    set.push_back("--group");
  if (q.gptq)
    set.push_back("--gptq");
  if (!q.foldBatchNorm)
    set.push_back("--fold-batch-norm");
  if (q.smoothAlpha)
    set.push_back("--smooth");
  if (q.rotate)
    set.push_back("--rotate");
  if (q.reparameterize)
    set.push_back("--reparameterize");
  if (q.reparameterizeReference)
    set.push_back("--reparameterize-reference");
  if (q.log2Softmax)
    set.push_back("--log2-softmax");
  if (q.activationBits != defaults.activationBits)
    set.push_back("--activation-bits");
  if (q.biasCorrection != defaults.biasCorrection)
    set.push_back("--bias-correction");
  if (!q.keepFloat.empty())
    set.push_back("--keep-float");
  if (options.search.minOutputCosine != 0)
    set.push_back("--min-output-cosine");
  if (options.search.maxFloatLayers != 0)
    set.push_back("--max-float-layers");
  if (!options.search.data.empty())
    set.push_back("--search-data");
  if (options.mixed.enabled)
    set.push_back("--bits mixed");
  if (!options.mixed.assignment.empty())
    set.push_back("--assign-precision");
  return set;
}

/// How --bits mixed combines with the rest.
static llvm::Error validateMixedPrecision(const CompileOptions &options) {
  const MixedPrecisionRequest &mixed = options.mixed;
  if (!mixed.enabled) {
    // An embedder setting the fields directly is refused as the driver's
    // flags are: nothing steers a search that does not run.
    MixedPrecisionRequest unset;
    if (mixed.weightBitsBudget != 0 || !mixed.candidates.empty() ||
        mixed.latencyBudgetMs != 0 || mixed.maxDivergence != 0 ||
        mixed.signal != unset.signal || mixed.solver != unset.solver ||
        mixed.quantizedBase != unset.quantizedBase ||
        mixed.pointsNearBudget != unset.pointsNearBudget)
      return optionError("--weight-bits-budget, --latency-budget-ms, "
                         "--max-output-divergence, --candidates, "
                         "--sensitivity, --sensitivity-base and --solver "
                         "steer mixed precision: give --bits mixed");
    return llvm::Error::success();
  }
  if (!(mixed.weightBitsBudget > 0 && mixed.weightBitsBudget <= 32))
    return optionError(llvm::formatv(
        "--bits mixed needs --weight-bits-budget B, the average stored bits "
        "per weight, in (0, 32]; got {0}",
        mixed.weightBitsBudget));
  if (!mixed.assignment.empty())
    return optionError("--assign-precision replays an assignment: it takes "
                       "no --bits mixed search");
  if (mixed.latencyBudgetMs < 0)
    return optionError("--latency-budget-ms must be positive");
  if (mixed.latencyBudgetMs > 0 && mixed.solver == "pareto")
    return optionError("--latency-budget-ms: the pareto solver trades size "
                       "alone; use --solver ilp or bisection");
  if (mixed.maxDivergence < 0)
    return optionError("--max-output-divergence must be positive");
  if (mixed.maxDivergence > 0 && mixed.solver != "bisection")
    return optionError("--max-output-divergence is bisection's tolerance: "
                       "give --solver bisection");
  if (options.search.minOutputCosine != 0)
    return optionError("--min-output-cosine keeps layers float under int8; "
                       "with --bits mixed, list float in --candidates");
  if (!options.quantization.keepFloat.empty())
    return optionError("--keep-float with --bits mixed: list float in "
                       "--candidates and the search keeps layers float where "
                       "it pays");
  if (options.search.samples == 0)
    return optionError("--search-samples must be at least 1");
  return llvm::Error::success();
}

llvm::Error quantc::validateOptions(const CompileOptions &options) {
  const QuantizationOptions &q = options.quantization;
  const SearchOptions &search = options.search;
  if (options.model.path.empty())
    return optionError("no model given");
  if (q.calibration.empty()) {
    std::vector<std::string> set = quantizationSettings(options);
    if (!set.empty())
      return optionError(
          llvm::formatv("{0} quantize the model and need calibration data "
                        "(--calib DIR or a cache .json); without it the "
                        "model stays float",
                        llvm::join(set, ", ")));
  }
  if (llvm::Error err = validateMixedPrecision(options))
    return err;
  if (q.group != 0 &&
      (q.weights != WeightScheme::Int4 || q.group < 8 || q.group % 8 != 0))
    return optionError(llvm::formatv("--group {0}: weight groups need --bits "
                                     "4 and a positive multiple of 8",
                                     q.group));
  if (q.activationBits < 4 || q.activationBits > 8)
    return optionError(llvm::formatv("--activation-bits {0}: expected 4 to 8",
                                     q.activationBits));
  // TensorRT's KL search starts at the grid's level count, and on coarse
  // grids it keeps choosing the narrowest threshold: PP-OCRv4 rec with
  // 6-bit activations and entropy ranges read 0% (mse: 98.85%).
  if (q.activationBits < 8 && q.method == RangeMethod::Entropy)
    return optionError(llvm::formatv(
        "--method entropy is calibrated for 8-bit activations; with "
        "--activation-bits {0} it clips far too much (PP-OCRv4 rec read 0% "
        "at 6 bits): use --method mse or percentile",
        q.activationBits));
  if (q.smoothAlpha && !(*q.smoothAlpha >= 0 && *q.smoothAlpha <= 1))
    return optionError(
        llvm::formatv("--smooth {0}: the migration strength must be in [0, 1]",
                      *q.smoothAlpha));
  if (q.smoothAlpha && isCalibrationCache(q.calibration))
    return optionError("--smooth calibrates the smoothed model again: give "
                       "--calib a folder of samples, not a cache (which "
                       "describes the model before smoothing)");
  if (q.rotate && isCalibrationCache(q.calibration))
    return optionError("--rotate calibrates the rotated model: give --calib "
                       "a folder of samples, not a cache (which describes "
                       "the model before rotating)");
  if (q.gptq && q.group == 0)
    return optionError("--gptq needs --bits 4 --group G");
  if (q.reparameterize && q.reparameterizeReference)
    return optionError("--reparameterize-reference measures what "
                       "--reparameterize should reach: give one of them");
  if (search.minOutputCosine < 0 || search.minOutputCosine > 1)
    return optionError(
        llvm::formatv("--min-output-cosine must be in [0, 1], got {0}",
                      search.minOutputCosine));
  if (search.minOutputCosine > 0 && search.samples == 0)
    return optionError("--search-samples must be at least 1");
  if (search.minOutputCosine == 0 && search.maxFloatLayers != 0)
    return optionError("--max-float-layers steers the precision search: "
                       "give --min-output-cosine too");
  if (search.minOutputCosine == 0 && !options.mixed.enabled &&
      !search.data.empty())
    return optionError("--search-data is what the precision searches measure "
                       "on: give --min-output-cosine or --bits mixed too");
  std::optional<TargetSpec> spec = lookupTarget(options.target.target);
  if (!spec)
    return optionError("unknown target '" + options.target.target +
                       "'; expected host, native, " + knownTargetNames());
  if (options.target.emulateGpu && options.target.target != "host")
    return optionError("--emulate-gpu runs on this machine: it takes no "
                       "--target");
  if (options.target.emulateAmxTiles && !spec->amx)
    return optionError("--emulate-amx-tiles needs an AMX target "
                       "(x86_64-amx), not '" +
                       options.target.target + "'");
  if (options.target.threads < 0)
    return optionError("--threads must be 0 (as many as OpenMP chooses) or "
                       "positive, got " +
                       llvm::Twine(options.target.threads));
  if (options.target.threads != 1 && (spec->gpu || options.target.emulateGpu))
    return optionError("--threads applies to CPU code; GPU targets and "
                       "--emulate-gpu take none");
  if (options.target.gemmBlocking != "auto" && options.target.emulateGpu)
    return optionError("--gemm-blocking sets the AVX-512 VNNI GEMM kernels' "
                       "blocking; --emulate-gpu runs the GPU kernels, which "
                       "take none");
  return llvm::Error::success();
}

/// --ternary's grid (empty: absmean).
static llvm::Expected<WeightScheme>
parseTernaryMethod(llvm::StringRef ternary) {
  if (ternary.empty() || ternary == "absmean")
    return WeightScheme::TernaryAbsMean;
  if (ternary == "twn")
    return WeightScheme::TernaryThreshold;
  return optionError("unknown --ternary '" + ternary +
                     "'; expected absmean or twn");
}

llvm::Expected<WeightScheme> quantc::parseWeightBits(llvm::StringRef bits,
                                                     llvm::StringRef ternary) {
  if (!ternary.empty() && bits != "ternary")
    return optionError("--ternary chooses how ternary weights are found: it "
                       "needs --bits ternary");
  if (bits == "8")
    return WeightScheme::Int8;
  if (bits == "6")
    return WeightScheme::Int6;
  if (bits == "4")
    return WeightScheme::Int4;
  if (bits != "ternary")
    return optionError("unknown --bits '" + bits +
                       "'; expected 8, 6, 4, ternary or mixed");
  return parseTernaryMethod(ternary);
}

llvm::Error quantc::parseMixedPrecision(llvm::StringRef candidates,
                                        int64_t group, bool gptq,
                                        llvm::StringRef ternary,
                                        llvm::StringRef sensitivity,
                                        llvm::StringRef solver,
                                        llvm::StringRef base,
                                        MixedPrecisionRequest &mixed) {
  mixed.enabled = true;
  llvm::Expected<WeightScheme> ternaryScheme = parseTernaryMethod(ternary);
  if (!ternaryScheme)
    return ternaryScheme.takeError();
  if (group != 0 && (group < 8 || group % 8 != 0))
    return optionError(llvm::formatv(
        "--group {0}: weight groups need a positive multiple of 8", group));
  if (gptq && group == 0)
    return optionError("--gptq needs --group G");
  llvm::SmallVector<llvm::StringRef> names;
  (candidates.empty() ? llvm::StringRef("8,4") : candidates)
      .split(names, ',', -1, /*KeepEmpty=*/false);
  bool int4 = false;
  mixed.candidates.clear();
  for (llvm::StringRef name : names) {
    name = name.trim();
    std::string text = name.str();
    if (name == "8")
      text = "int8";
    else if (name == "4" || name == "int4") {
      int4 = true;
      text = "int4";
      if (group)
        text += "-g" + std::to_string(group);
      if (gptq)
        text += "-gptq";
    } else if (name == "ternary")
      text = weightSchemeName(*ternaryScheme).str();
    else if (!llvm::is_contained(
                 {"float", "int8", "ternary-absmean", "ternary-twn"}, name) &&
             !name.starts_with("int4-"))
      return optionError("unknown --candidates entry '" + name +
                         "'; expected 8, 4, ternary, float or a precision "
                         "such as int4-g32");
    if (llvm::is_contained(mixed.candidates, text))
      return optionError("--candidates lists '" + name + "' twice");
    mixed.candidates.push_back(text);
  }
  if (mixed.candidates.size() < 2)
    return optionError("--candidates: mixed precision needs at least two");
  if ((group != 0 || gptq) && !int4)
    return optionError("--group and --gptq shape the int4 candidate: list 4 "
                       "in --candidates");
  std::optional<SensitivitySignal> signal =
      parseSensitivitySignal(sensitivity.empty() ? "kl" : sensitivity);
  if (!signal)
    return optionError("unknown --sensitivity '" + sensitivity +
                       "'; expected kl, hessian, augmented-hessian, lrp or "
                       "lrp-hessian");
  mixed.signal = *signal;
  if (solver.empty())
    solver = "pareto";
  if (!llvm::is_contained({"pareto", "ilp", "bisection"}, solver))
    return optionError("unknown --solver '" + solver +
                       "'; expected pareto, ilp or bisection");
  mixed.solver = solver.str();
  if (!base.empty() && base != "float" && base != "quantized")
    return optionError("unknown --sensitivity-base '" + base +
                       "'; expected float or quantized");
  mixed.quantizedBase = base == "quantized";
  return llvm::Error::success();
}

llvm::Expected<RangeMethod> quantc::parseMethodOption(llvm::StringRef method) {
  if (std::optional<RangeMethod> parsed = parseRangeMethod(method))
    return *parsed;
  return optionError("unknown --method '" + method +
                     "'; expected minmax, percentile, entropy or mse");
}

/// "name=FILE" (a .npy or .pb file) or "name=v1,v2,..." into
/// `options.boundInputs`.
static llvm::Error parseBoundInput(llvm::StringRef text,
                                   ONNXImportOptions &options) {
  auto [name, value] = text.split('=');
  bool file = (value.ends_with(".npy") || value.ends_with(".pb")) &&
              llvm::sys::fs::exists(value);
  if (name.empty() || !file) {
    std::string message = parseBindInputOption(text, options);
    return message.empty() ? llvm::Error::success() : optionError(message);
  }
  llvm::Expected<HostArray> array = readTensorFile(value);
  if (!array)
    return array.takeError();
  BoundInput bound;
  bound.dataType = onnxDataType(array->type);
  bound.shape.assign(array->shape.begin(), array->shape.end());
  bound.rawData.assign(array->address(),
                       array->size() * elementSize(array->type));
  options.boundInputs[name] = std::move(bound);
  return llvm::Error::success();
}

llvm::Error quantc::parseModelInputs(llvm::ArrayRef<std::string> inputShapes,
                                     llvm::ArrayRef<std::string> boundInputs,
                                     llvm::StringRef resize,
                                     llvm::StringRef mean, llvm::StringRef std,
                                     bool bgr, ModelOptions &model) {
  for (const std::string &text : inputShapes) {
    std::string message = parseInputShapeOption(text, model.onnx);
    if (!message.empty())
      return optionError(message);
  }
  for (const std::string &text : boundInputs)
    if (llvm::Error err = parseBoundInput(text, model.onnx))
      return err;
  ImagePreprocessing &preprocessing = model.preprocessing;
  std::optional<ImageResize> parsedResize = parseImageResize(resize);
  if (!parsedResize)
    return optionError("unknown --image-resize '" + resize +
                       "'; expected stretch, pad or crop");
  preprocessing.resize = *parsedResize;
  std::string message = parseChannelTriple(mean, preprocessing.mean);
  if (message.empty())
    message = parseChannelTriple(std, preprocessing.std);
  if (!message.empty())
    return optionError("--image-mean/--image-std: " + message);
  for (float value : preprocessing.std)
    if (value == 0)
      return optionError("--image-std must not be zero");
  preprocessing.bgr = bgr;
  return llvm::Error::success();
}
