//===- Options.cpp - quantc's command line --------------------------------===//
//
// Part of quantc. Every flag of the driver, by category, and how each maps
// onto CompileOptions. All parsing of values and every check of how
// options combine is the compiler library's (parse*Option,
// validateOptions), so the C and Python APIs refuse the same things with
// the same messages.
//
//===----------------------------------------------------------------------===//

#include "Options.h"

#include "TerminalProgress.h"

using namespace llvm;
using namespace quantc::driver;

static cl::OptionCategory modelCategory("Model and inputs");
static cl::OptionCategory quantCategory("Quantization");
static cl::OptionCategory searchCategory("Precision search");
static cl::OptionCategory targetCategory("Target and output");

cl::SubCommand
    quantc::driver::runCommand("run", "import, compile and run an ONNX model");
cl::SubCommand quantc::driver::compileCommand(
    "compile", "compile a model to an object file and a C header");
cl::SubCommand quantc::driver::calibrateCommand(
    "calibrate", "record activation statistics over a calibration set");
cl::SubCommand quantc::driver::kernelCommand(
    "kernel", "emit one low-bit kernel as an object file and a C header");
cl::SubCommand quantc::driver::tuneKernelsCommand(
    "tune-kernels",
    "measure the AVX-512 VNNI GEMM kernels' blocking on this machine and "
    "cache the fastest for its CPU (compiles for target host or native use "
    "it)");

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
static cl::opt<bool> emulateAmxTiles(
    "emulate-amx-tiles",
    cl::desc("x86_64-amx: build the AMX kernels with each tile instruction "
             "written as AVX-512 VNNI code of the same semantics (checks "
             "their loops on hosts without AMX)"),
    cl::Hidden, cl::sub(kernelCommand), cl::sub(compileCommand),
    cl::cat(targetCategory));
static cl::opt<std::string> gemmBlocking(
    "gemm-blocking",
    cl::desc("the AVX-512 VNNI GEMM kernels' blocking: auto (for this "
             "machine's CPU, target host or native: what quantc tune-kernels "
             "measured here, else the table's entry for the CPU, else the "
             "default; the default for other targets), default, or "
             "group=<KiB of packed B per panel group>,columns=<64|32 per "
             "register block>. The same results for any"),
    cl::init("auto"), cl::sub(kernelCommand), cl::sub(compileCommand),
    cl::sub(runCommand), cl::cat(targetCategory));
static cl::opt<std::string> kernelOutput("o", cl::desc("output folder"),
                                         cl::value_desc("dir"), cl::Required,
                                         cl::sub(kernelCommand),
                                         cl::cat(targetCategory));

//===----------------------------------------------------------------------===//
// quantc tune-kernels
//===----------------------------------------------------------------------===//

static cl::opt<std::string> tuneShape(
    "shape",
    cl::desc("MxNxK of the int8 GEMM timed (default 256x4096x4096: 16 MiB "
             "of weights, more than any core's L2)"),
    cl::value_desc("MxNxK"), cl::init("256x4096x4096"),
    cl::sub(tuneKernelsCommand), cl::cat(targetCategory));
static cl::opt<int64_t>
    tuneRounds("rounds",
               cl::desc("timed runs of each candidate, interleaved; the "
                        "median counts (default 7)"),
               cl::init(7), cl::sub(tuneKernelsCommand),
               cl::cat(targetCategory));
static cl::opt<std::string>
    tuneCache("cache",
              cl::desc("the cache file (default $QUANTC_TUNING_CACHE, else "
                       "$XDG_CACHE_HOME/quantc/gemm-blocking, else "
                       "~/.cache/quantc/gemm-blocking)"),
              cl::value_desc("file"), cl::sub(tuneKernelsCommand),
              cl::cat(targetCategory));
static cl::opt<bool>
    tuneDryRun("dry-run", cl::desc("measure and print, but cache nothing"),
               cl::sub(tuneKernelsCommand), cl::cat(targetCategory));

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
static cl::list<std::string> boundInputs(
    "bind-input",
    cl::desc("fix a model input when compiling: it becomes a constant, so "
             "what it decides (a shape, an axis, an If's branch) is known, "
             "e.g. sr=16000 or shape=shape.npy; repeatable"),
    cl::value_desc("name=v1,v2,...|file"), cl::sub(compileCommand),
    cl::sub(runCommand), cl::sub(calibrateCommand), cl::cat(modelCategory));
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
                           cl::sub(calibrateCommand),
                           cl::sub(tuneKernelsCommand), cl::cat(modelCategory));

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
    cl::desc("weight bits: 8 (W8A8, default), 6 (int6 values in int8 storage, "
             "for accuracy studies), 4 (W4A8, round to nearest per "
             "channel, or per group with --group), ternary (W2A8, see "
             "--ternary) or mixed (each layer's own, see "
             "--weight-bits-budget); activations are u8"),
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
static cl::opt<unsigned> activationBits(
    "activation-bits",
    cl::desc("bits of the activation grid, 4 to 8 (default 8): ranges are "
             "chosen for 2^N levels, stored in u8 (W4A4, W6A6 for accuracy "
             "studies; below 8 bits runs no faster)"),
    cl::value_desc("N"), cl::init(8), cl::sub(runCommand),
    cl::sub(compileCommand), cl::cat(quantCategory));
static cl::opt<double> smoothAlpha(
    "smooth",
    cl::desc("SmoothQuant: per input channel j of every layer whose "
             "activation allows it, divide the activation by s_j = "
             "max|X_j|^ALPHA / max|W_j|^(1-ALPHA) and multiply the weights "
             "by it (folded into the producer where it can be; the report "
             "counts explicit scales), then calibrate again. ALPHA in [0, 1]; "
             "needs --calib samples, not a cache"),
    cl::value_desc("ALPHA"), cl::sub(runCommand), cl::sub(compileCommand),
    cl::cat(quantCategory));
static cl::opt<std::string> rotateMode(
    "rotate",
    cl::desc("rotate every layer input whose channel count has a Hadamard "
             "matrix (2^k, 12/20/28/60 * 2^k) by an orthogonal Q before "
             "calibrating: y = (W Q^T)(Q x), fused into the producer's "
             "weights where the graph allows, else an online fast "
             "Walsh-Hadamard transform. hadamard, or random (seeded random "
             "signs times Hadamard, --rotate-seed); needs --calib samples"),
    cl::value_desc("MODE"), cl::sub(runCommand), cl::sub(compileCommand),
    cl::cat(quantCategory));
static cl::opt<bool> log2Softmax(
    "log2-softmax",
    cl::desc("attention's A V (A a softmax output) with A on RepQ-ViT's "
             "log-sqrt(2) grid, reparameterized to log2 so the product is "
             "integer shifts and adds; without it A V stays float (more "
             "accurate: on a test head, 16% largest error against 0.7% for a "
             "uniform 8-bit A)"),
    cl::sub(runCommand), cl::sub(compileCommand), cl::cat(quantCategory));
static cl::opt<bool> rotateConvolutions(
    "rotate-convolutions",
    cl::desc("with --rotate: also rotate convolution inputs that need an "
             "online transform (by default only matmul and gemm inputs, and "
             "fused pairs: on PP-OCRv4 rec the convolutions' online "
             "transforms cost far more than they gain)"),
    cl::sub(runCommand), cl::sub(compileCommand), cl::cat(quantCategory));
static cl::opt<bool> reparameterize(
    "reparameterize",
    cl::desc("RepQuant: quantize each LayerNorm output read only by matmuls "
             "per channel, then fold those quantizers into one per-tensor "
             "quantizer (LayerNorm affine, the matmuls' weights and bias "
             "adjusted), so the integer matmuls compute the per-channel "
             "products"),
    cl::sub(runCommand), cl::sub(compileCommand), cl::cat(quantCategory));
static cl::opt<bool> reparameterizeReference(
    "reparameterize-reference",
    cl::desc("measure what --reparameterize should reach: keep each such "
             "LayerNorm output's per-channel quantizers as a float "
             "quantize / dequantize and leave its readers in float (their "
             "weights unrounded); for accuracy comparisons, not speed"),
    cl::sub(runCommand), cl::sub(compileCommand), cl::cat(quantCategory));
static cl::opt<uint64_t>
    rotateSeed("rotate-seed",
               cl::desc("seed of --rotate random's signs (default 0)"),
               cl::value_desc("N"), cl::init(0), cl::sub(runCommand),
               cl::sub(compileCommand), cl::cat(quantCategory));
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
static cl::opt<double> weightBitsBudget(
    "weight-bits-budget",
    cl::desc("with --bits mixed: the average stored bits per weight of the "
             "quantizable layers (float counts 32, every scale 32), e.g. 5"),
    cl::init(0.0), cl::sub(runCommand), cl::sub(compileCommand),
    cl::cat(searchCategory));
static cl::opt<std::string> candidates(
    "candidates",
    cl::desc("with --bits mixed: the precisions a layer may take, from 8, 4 "
             "(with --group/--gptq), ternary (with --ternary), float, or "
             "texts such as int4-g32 (default 8,4)"),
    cl::value_desc("list"), cl::sub(runCommand), cl::sub(compileCommand),
    cl::cat(searchCategory));
static cl::opt<std::string> sensitivity(
    "sensitivity",
    cl::desc("with --bits mixed: what ranks layers: kl (measured output "
             "divergence with that layer alone quantized, default), hessian "
             "(tr(dW E[xx^T] dW^T) relative to the layer's output) or "
             "augmented-hessian (hessian times the layer's measured gain to "
             "the outputs), lrp (the layer's relevance mass from layer-wise "
             "relevance propagation times its relative weight error) or "
             "lrp-hessian (relevance times hessian)"),
    cl::sub(runCommand), cl::sub(compileCommand), cl::cat(searchCategory));
static cl::opt<std::string> sensitivityBase(
    "sensitivity-base",
    cl::desc("with --bits mixed: what the other layers run at while kl "
             "measures one: float (default) or quantized (the candidate with "
             "the most bits below float)"),
    cl::sub(runCommand), cl::sub(compileCommand), cl::cat(searchCategory));
static cl::opt<std::string>
    solver("solver",
           cl::desc("with --bits mixed: pareto (the frontier by dynamic "
                    "programming, the points near the budget measured; "
                    "default), ilp (GLPK's integer program, with "
                    "--latency-budget-ms too) or bisection (how many of the "
                    "most sensitive layers keep the most bits, to "
                    "--max-output-divergence)"),
           cl::sub(runCommand), cl::sub(compileCommand),
           cl::cat(searchCategory));
static cl::opt<double> latencyBudget(
    "latency-budget-ms",
    cl::desc("with --bits mixed --solver ilp or bisection: the mean time per "
             "sample in the JIT, in ms, as measured on this machine"),
    cl::init(0.0), cl::sub(runCommand), cl::sub(compileCommand),
    cl::cat(searchCategory));
static cl::opt<double> maxOutputDivergence(
    "max-output-divergence",
    cl::desc("with --solver bisection: the fewest high-precision layers "
             "whose measured output divergence (the report's measure) is "
             "at most this"),
    cl::init(0.0), cl::sub(runCommand), cl::sub(compileCommand),
    cl::cat(searchCategory));
static cl::opt<std::string> assignPrecision(
    "assign-precision",
    cl::desc("set layers' precisions from a JSON file (layer -> float, int8, "
             "int4, int4-g32, ternary-absmean, ...; or a report's "
             "mixed_precision) instead of searching; other layers take "
             "--bits"),
    cl::value_desc("file"), cl::sub(runCommand), cl::sub(compileCommand),
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
             "x86_64, x86_64-avx2, x86_64-avx512vnni, x86_64-amx (Sapphire "
             "Rapids: int8 GEMM kernels of whole tiles on AMX, the rest on "
             "AVX-512 VNNI), "
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
static cl::opt<bool> dumpLowering(
    "dump-lowering",
    cl::desc("also write <model>.lowering-input.mlir and "
             ".lowering-output.mlir: the module entering and leaving the "
             "lowering pipeline, for quant-opt"),
    cl::sub(compileCommand), cl::cat(targetCategory));
static cl::opt<bool> emitQDQONNX(
    "emit-qdq-onnx",
    cl::desc("also write <model>.qdq.onnx: the model as ONNX, quantized "
             "layers in QDQ form (QuantizeLinear / DequantizeLinear with the "
             "scales and zero points quantc chose, per-channel weights), for "
             "ONNX Runtime and other runtimes"),
    cl::sub(compileCommand), cl::cat(targetCategory));
static cl::opt<bool> gemmKernels(
    "gemm-kernels",
    cl::desc("quantized matmuls call the generated GEMM kernels where the "
             "target has their dot-product instructions (on; "
             "--gemm-kernels=false keeps the generic integer loops)"),
    cl::init(true), cl::sub(runCommand), cl::sub(compileCommand),
    cl::cat(targetCategory));
static cl::opt<bool> directConv(
    "direct-conv",
    cl::desc("with the AVX-512 VNNI kernels, int8 convolutions with rows of "
             "at least 16 output pixels run as direct convolutions over "
             "channel quads (on; --direct-conv=false: GEMM kernels over "
             "their patches); the same result either way"),
    cl::init(true), cl::sub(runCommand), cl::sub(compileCommand),
    cl::cat(targetCategory));
static cl::opt<int64_t> threads(
    "threads",
    cl::desc("run large loop nests and GEMM kernels on N OpenMP threads "
             "(1: serial code, the default; 0: as many as OMP_NUM_THREADS "
             "or the OpenMP runtime choose). Results are the same for any "
             "N; objects built with N != 1 link libomp (-lomp)"),
    cl::init(1), cl::sub(runCommand), cl::sub(compileCommand),
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
static cl::opt<bool> profileRun(
    "profile",
    cl::desc("time every loop nest and kernel call (over the benchmark runs "
             "when given, else over the samples) and print where the time "
             "went per layer, slowest first; the full list goes to "
             "<output-dir>/profile.json"),
    cl::init(false), cl::sub(runCommand), cl::cat(targetCategory));
static cl::opt<std::string> outputDir("output-dir",
                                      cl::desc("folder for the outputs"),
                                      cl::value_desc("dir"), cl::Required,
                                      cl::sub(runCommand),
                                      cl::cat(targetCategory));

//===----------------------------------------------------------------------===//
// Flags to options
//===----------------------------------------------------------------------===//

void quantc::driver::parseCommandLine(int argc, char **argv) {
  std::vector<const cl::OptionCategory *> categories = {
      &modelCategory, &quantCategory, &searchCategory, &targetCategory};
  for (cl::SubCommand *sub : cl::getRegisteredSubcommands())
    cl::HideUnrelatedOptions(categories, *sub);
  cl::ParseCommandLineOptions(argc, argv,
                              "quantc: the quantization compiler\n");
}

/// The model and how samples become its inputs.
static Expected<quantc::CompileOptions> modelOptions() {
  quantc::CompileOptions options;
  options.model.path = modelPath;
  if (Error err = quantc::parseModelInputs(inputShapes, boundInputs,
                                           imageResize, imageMean, imageStd,
                                           imageBgr, options.model))
    return std::move(err);
  options.quantization.foldBatchNorm = foldBatchNorm;
  options.progress = quantc::terminalProgress(!quiet);
  return options;
}

Expected<quantc::CompileOptions> quantc::driver::calibrateOptions() {
  return modelOptions();
}

Expected<quantc::CompileOptions> quantc::driver::compileOptions() {
  Expected<CompileOptions> options = modelOptions();
  if (!options)
    return options.takeError();
  QuantizationOptions &q = options->quantization;
  q.calibration = calib;
  if (smoothAlpha.getNumOccurrences())
    q.smoothAlpha = smoothAlpha;
  if (rotateMode.getNumOccurrences()) {
    q.rotate = quantc::qc::parseRotationMode(rotateMode);
    if (!q.rotate)
      return createStringError(inconvertibleErrorCode(),
                               "--rotate '" + rotateMode +
                                   "': expected hadamard or random");
  }
  if (rotateSeed.getNumOccurrences() &&
      q.rotate != quantc::qc::RotationMode::Random)
    return createStringError(inconvertibleErrorCode(),
                             "--rotate-seed needs --rotate random");
  q.rotateSeed = rotateSeed;
  if (rotateConvolutions && !q.rotate)
    return createStringError(inconvertibleErrorCode(),
                             "--rotate-convolutions needs --rotate");
  q.rotateConvolutions = rotateConvolutions;
  q.reparameterize = reparameterize;
  q.reparameterizeReference = reparameterizeReference;
  q.log2Softmax = log2Softmax;
  q.activationBits = activationBits;
  Expected<RangeMethod> rangeMethod = parseMethodOption(method);
  if (!rangeMethod)
    return rangeMethod.takeError();
  q.method = *rangeMethod;
  StringRef ternary =
      ternaryMethod.getNumOccurrences() ? StringRef(ternaryMethod) : "";
  if (bits == "mixed") {
    // --group, --gptq and --ternary shape the candidates; layers outside
    // the search stay int8.
    if (Error err = parseMixedPrecision(candidates, weightGroup, gptqWeights,
                                        ternary, sensitivity, solver,
                                        sensitivityBase, options->mixed))
      return std::move(err);
  } else {
    Expected<WeightScheme> scheme = parseWeightBits(bits, ternary);
    if (!scheme)
      return scheme.takeError();
    q.weights = *scheme;
    q.group = weightGroup;
    q.gptq = gptqWeights;
    if (candidates.getNumOccurrences() || sensitivity.getNumOccurrences() ||
        solver.getNumOccurrences() || sensitivityBase.getNumOccurrences())
      return createStringError(inconvertibleErrorCode(),
                               "--candidates, --sensitivity, "
                               "--sensitivity-base and --solver steer mixed "
                               "precision: give --bits mixed");
  }
  options->mixed.weightBitsBudget = weightBitsBudget;
  options->mixed.latencyBudgetMs = latencyBudget;
  options->mixed.maxDivergence = maxOutputDivergence;
  options->mixed.assignment = assignPrecision;
  q.biasCorrection = biasCorrection;
  q.keepFloat.assign(keepFloat.begin(), keepFloat.end());
  options->search.minOutputCosine = minOutputCosine;
  options->search.maxFloatLayers = maxFloatLayers;
  options->search.data = searchData;
  options->search.samples = searchSamples;
  options->target.target = target;
  options->target.entry = entryName;
  options->target.gemmKernels = gemmKernels;
  options->target.directConv = directConv;
  options->target.emulateGpu = emulateGpu;
  options->target.emulateAmxTiles = emulateAmxTiles;
  options->target.threads = threads;
  options->target.gemmBlocking = gemmBlocking;
  options->target.keepLoweringIR = dumpLowering;
  options->target.emitQDQONNX = emitQDQONNX;
  if (Error err = validateOptions(*options))
    return std::move(err);
  return options;
}

quantc::RunOptions quantc::driver::runOptions() {
  RunOptions run;
  for (const std::string &spec : inputFiles) {
    auto [name, path] = StringRef(spec).split('=');
    run.inputs.push_back({name.str(), path.str()});
  }
  run.outputDir = outputDir;
  run.benchmarkRuns = benchmarkRuns;
  run.profile = profileRun;
  return run;
}

std::string quantc::driver::compileOutputDir() { return compileOutput; }
bool quantc::driver::printLoweringPipeline() { return printPipeline; }
std::string quantc::driver::calibrationFolder() { return calibrateFolder; }
std::string quantc::driver::calibrationCache() { return calibrateOutput; }

Expected<quantc::KernelTuningOptions> quantc::driver::tuningOptions() {
  quantc::KernelTuningOptions options;
  SmallVector<StringRef> dims;
  StringRef(tuneShape).split(dims, 'x');
  if (dims.size() != 3 || dims[0].getAsInteger(10, options.m) ||
      dims[1].getAsInteger(10, options.n) ||
      dims[2].getAsInteger(10, options.k))
    return createStringError(inconvertibleErrorCode(),
                             "--shape expects MxNxK, got '" + tuneShape + "'");
  options.rounds = tuneRounds;
  if (tuneCache.getNumOccurrences() && tuneDryRun)
    return createStringError(inconvertibleErrorCode(),
                             "--cache names where to save, --dry-run saves "
                             "nothing: give one");
  if (!tuneDryRun)
    options.cachePath = tuneCache.getNumOccurrences()
                            ? std::string(tuneCache)
                            : quantc::defaultTuningCachePath();
  options.progress = quantc::terminalProgress(!quiet);
  return options;
}

KernelRequest quantc::driver::kernelRequest() {
  return {kernelKind,  kernelShape,     kernelTarget, kernelOutput,
          kernelGroup, emulateAmxTiles, gemmBlocking};
}
