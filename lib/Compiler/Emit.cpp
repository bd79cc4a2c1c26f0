//===- Emit.cpp - lower, emit, JIT, report, write -------------------------===//
//
// Part of quantc. The stages after quantization, and the whole compile
// flow as the driver runs it.
//
//===----------------------------------------------------------------------===//

#include "quantc/Compiler/Compiler.h"

#include "DiagnosticCapture.h"

#include "quantc/Compiler/Report.h"
#include "quantc/Target/Object/ObjectEmitter.h"
#include "quantc/Target/Object/TargetSpec.h"

#include "quantc/Conversion/Passes.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

using namespace quantc;

/// The report's "rotation": the counts, and per layer how its input was
/// rotated and its weights' max / median input-channel magnitude before and
/// after.
static llvm::json::Object
rotationReport(llvm::ArrayRef<qc::LayerRotation> rotations,
               const QuantizationOptions &q) {
  llvm::json::Array layers;
  for (const qc::LayerRotation &r : rotations) {
    llvm::json::Object layer{
        {"name", r.layer}, {"channels", r.channels}, {"how", r.how}};
    if (!r.reason.empty())
      layer["reason"] = r.reason;
    if (r.how != "refused" && r.weightSpreadBefore > 0)
      layer["weight_channel_spread"] =
          llvm::json::Array{r.weightSpreadBefore, r.weightSpreadAfter};
    layers.push_back(std::move(layer));
  }
  qc::RotationCounts counts = qc::countRotations(rotations);
  return llvm::json::Object{{"mode", qc::rotationModeName(*q.rotate)},
                            {"seed", int64_t(q.rotateSeed)},
                            {"online", counts.online},
                            {"fused", counts.fused},
                            {"refused", counts.refused},
                            {"stream_transforms", counts.streamTransforms},
                            {"layers", std::move(layers)}};
}

static llvm::Error stageError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Whether `spec`'s quantized matmuls run on the AVX-512 VNNI kernels, whose
/// blocking GemmBlocking sets (AMX: those the tiles do not take).
static bool blockedKernels(const TargetOptions &options,
                           const TargetSpec &spec) {
  std::optional<KernelIsa> isa = kernelIsa(spec);
  return options.gemmKernels &&
         (isa == KernelIsa::Avx512Vnni || isa == KernelIsa::Amx);
}

llvm::Expected<ChosenGemmBlocking>
quantc::targetGemmBlocking(const TargetOptions &options,
                           const TargetSpec &spec) {
  if (options.gemmBlocking != "auto" && !blockedKernels(options, spec))
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "--gemm-blocking sets the AVX-512 VNNI GEMM kernels' blocking; "
        "target '" +
            spec.name + "'" +
            (options.gemmKernels ? " has no such kernels"
                                 : " with --gemm-kernels=false calls none"));
  return chooseGemmBlocking(options.gemmBlocking,
                            targetIsThisHost(options.target));
}

namespace {
/// What lowering for a target needs: the object options, the target's spec
/// (the name "host" resolved) and the GEMM kernels' blocking, chosen once.
struct ObjectTarget {
  ObjectOptions object;
  TargetSpec spec;
  ChosenGemmBlocking blocking;
};
} // namespace

static llvm::Expected<ObjectTarget>
objectOptions(const TargetOptions &options) {
  std::optional<TargetSpec> spec = lookupTarget(options.target);
  if (!spec)
    return stageError("unknown target '" + options.target +
                      "'; expected host, native, " + knownTargetNames());
  ObjectOptions object;
  object.target = options.target;
  object.symbol = options.entry;
  object.gemmKernels = options.gemmKernels;
  object.directConv = options.directConv;
  object.threads = options.threads;
  object.emulateAmxTiles = options.emulateAmxTiles;
  auto blocking = targetGemmBlocking(options, *spec);
  if (!blocking)
    return blocking.takeError();
  object.gemmBlocking = blocking->blocking;
  return ObjectTarget{object, *spec, *blocking};
}

llvm::Expected<std::string>
quantc::loweringPipeline(const TargetOptions &options) {
  auto object = objectOptions(options);
  if (!object)
    return object.takeError();
  return objectLoweringPipeline(object->object, object->spec);
}

llvm::Error quantc::lowerToLLVM(mlir::ModuleOp module,
                                const TargetOptions &options) {
  llvm::Expected<std::string> pipeline = loweringPipeline(options);
  if (!pipeline)
    return pipeline.takeError();
  DiagnosticCapture diagnostics(*module.getContext());
  if (mlir::failed(runQCPipeline(module, *pipeline)))
    return diagnostics.takeError("lowering failed");
  return llvm::Error::success();
}

llvm::Expected<std::string> quantc::exportQDQModel(mlir::ModuleOp module,
                                                   ONNXExportSummary &summary) {
  std::string bytes;
  llvm::raw_string_ostream os(bytes);
  DiagnosticCapture diagnostics(*module.getContext());
  mlir::FailureOr<ONNXExportSummary> exported = exportONNX(module, os);
  if (mlir::failed(exported))
    return diagnostics.takeError("exporting the model as ONNX failed");
  summary = *exported;
  return bytes;
}

llvm::Expected<CompiledModel> quantc::emitModel(mlir::ModuleOp module,
                                                const TargetOptions &options) {
  auto object = objectOptions(options);
  if (!object)
    return object.takeError();
  auto &[objectOptions, spec, blocking] = *object;
  CompiledModel compiled;
  compiled.target =
      options.target == "host" ? hostTargetName() : options.target;
  compiled.gemmBlocking = blocking;
  llvm::raw_string_ostream ptx(compiled.ptx);
  if (spec.gpu)
    objectOptions.ptx = &ptx;
  objectOptions.emittedConstantBytes = &compiled.constantBytesEmitted;
  objectOptions.parallelRegions = &compiled.parallelRegions;
  objectOptions.amxKernels = &compiled.amxKernels;
  llvm::raw_string_ostream loweringInput(compiled.loweringInput),
      loweringOutput(compiled.loweringOutput);
  if (options.keepLoweringIR) {
    objectOptions.loweringInput = &loweringInput;
    objectOptions.loweringOutput = &loweringOutput;
  }
  llvm::SmallVector<char> bytes;
  llvm::raw_svector_ostream objectBytes(bytes);
  llvm::raw_string_ostream header(compiled.header);
  DiagnosticCapture diagnostics(*module.getContext());
  if (mlir::failed(emitObjectFile(module, objectOptions, objectBytes, header)))
    return diagnostics.takeError("emitting an object for '" + compiled.target +
                                 "' failed");
  compiled.object.assign(bytes.begin(), bytes.end());
  return compiled;
}

llvm::Expected<std::unique_ptr<JitModel>>
quantc::compileForJit(mlir::ModuleOp module, const TargetOptions &options,
                      bool profile) {
  if (options.target != "host")
    return stageError("the JIT runs on this machine: target must be 'host', "
                      "got '" +
                      options.target + "'");
  DiagnosticCapture diagnostics(*module.getContext());
  JitModel::Options jit;
  jit.gemmKernels = options.gemmKernels;
  jit.directConv = options.directConv;
  jit.emulateGpu = options.emulateGpu;
  jit.profile = profile;
  jit.threads = options.threads;
  std::optional<TargetSpec> spec = lookupTarget(options.target);
  auto blocking = targetGemmBlocking(options, *spec);
  if (!blocking)
    return blocking.takeError();
  jit.gemmBlocking = blocking->blocking;
  return diagnostics.attachTo(JitModel::compile(module, {}, jit));
}

const char *const quantc::kSerialDespiteThreadsNote =
    "--threads asked for threads, but the model runs serially: its loop "
    "nests add up to too little work for a team to pay off "
    "(quantc-parallelize-loops, model-min-work)";

std::vector<std::string> quantc::compileNotes(const CompileOptions &options,
                                              const CompiledModel &compiled) {
  std::vector<std::string> notes;
  std::optional<TargetSpec> spec = lookupTarget(compiled.target);
  if (!spec)
    return notes;
  if (spec->amx && options.target.gemmKernels)
    notes.push_back(
        std::to_string(compiled.amxKernels) +
        " GEMM kernels on AMX tiles (int8 products of whole 16-row tiles); "
        "direct convolutions and the other kernels on AVX-512 VNNI" +
        (options.target.emulateAmxTiles
             ? std::string(", and the tiles emulated by AVX-512 VNNI code "
                           "(--emulate-amx-tiles)")
             : std::string()));
  if (options.target.threads != 1 && !spec->gpu && !compiled.parallelRegions)
    notes.push_back(kSerialDespiteThreadsNote);
  // Only the GEMM kernels store low-bit weights packed (measured in
  // constant_bytes_emitted); everywhere else a weight takes a byte.
  const QuantizationOptions &q = options.quantization;
  if (q.calibration.empty() || q.weights == WeightScheme::Int8 || spec->gpu)
    return notes;
  std::string scheme = weightSchemeName(q.weights).str();
  if (q.weights == WeightScheme::Int6)
    notes.push_back("int6 weights run on the int8 kernels and loops: one "
                    "byte per weight (an accuracy setting, not a speed one)");
  else if (q.weights == WeightScheme::Int4 && q.group == 0)
    notes.push_back("int4 weights with one scale per channel run on the "
                    "int8 kernels and loops: one byte per weight (--group G "
                    "packs two per byte)");
  else if (!options.target.gemmKernels || !kernelIsa(*spec))
    notes.push_back("target " + compiled.target +
                    (options.target.gemmKernels ? " has no" : " without") +
                    " low-bit GEMM kernels: " + scheme +
                    " weights are stored one byte each in the generic "
                    "integer loops");
  return notes;
}

llvm::json::Object quantc::compileReport(const CompileOptions &options,
                                         const QuantizationSummary *summary,
                                         const CompiledModel &compiled) {
  llvm::json::Object report;
  if (summary) {
    const QuantizationOptions &q = options.quantization;
    report = llvm::json::Object(summary->layers);
    if (summary->search)
      report["precision_search"] = summary->search->toJSON();
    if (summary->mixed)
      report["mixed_precision"] = summary->mixed->toJSON();
    if (summary->layersAssigned)
      report["layers_assigned"] = int64_t(summary->layersAssigned);
    report["weight_bytes_float"] = summary->weightBytesFloat;
    report["weight_bytes_quantized"] = summary->weightBytesQuantized;
    report["batch_norms_folded"] =
        static_cast<int64_t>(summary->batchNormsFolded);
    report["conv_transposes_decomposed"] =
        static_cast<int64_t>(summary->convTransposesDecomposed);
    if (summary->smoothing)
      report["smoothing"] = llvm::json::Object{
          {"alpha", *q.smoothAlpha},
          {"folded_into_producer", summary->smoothing->folded},
          {"explicit_scales", summary->smoothing->explicitScales},
          {"refused", summary->smoothing->refused}};
    if (summary->reparameterization)
      report["reparameterization"] =
          llvm::json::Object{{"post_norm_activations",
                              summary->reparameterization->reparameterized},
                             {"refused", summary->reparameterization->refused},
                             {"per_channel_reference",
                              summary->reparameterization->perChannelReference},
                             {"log2_softmax_products",
                              summary->reparameterization->logSoftmaxProducts}};
    if (summary->rotations)
      report["rotation"] = rotationReport(*summary->rotations, q);
    report["calibration_warnings"] =
        llvm::json::Array(summary->calibrationWarnings);
    report["method"] = rangeMethodName(q.method).str();
    report["weights"] = weightSchemeName(q.weights).str();
    report["weight_group"] = q.group;
    report["gptq"] = q.gptq;
    report["activation_bits"] = int64_t(q.activationBits);
    report["bias_correction"] = q.biasCorrection;
  }
  report["model"] = options.model.path;
  report["target"] = compiled.target;
  report["gemm_kernels"] = options.target.gemmKernels;
  report["threads"] = options.target.threads;
  // 0 with threads != 1: the model was too small for a team, and runs
  // serially (quantc-parallelize-loops' model-min-work).
  report["parallel_regions"] = compiled.parallelRegions;
  if (std::optional<TargetSpec> spec = lookupTarget(compiled.target)) {
    // Whether int8 convolutions could take the direct path here (which
    // ones did: the rows of at least 16 output pixels, docs/Kernels.md).
    std::optional<KernelIsa> isa = kernelIsa(*spec);
    report["direct_conv"] =
        options.target.gemmKernels && options.target.directConv &&
        (isa == KernelIsa::Avx512Vnni || isa == KernelIsa::Amx);
    if (spec->amx)
      report["amx_kernels"] = compiled.amxKernels;
    if (blockedKernels(options.target, *spec))
      report["gemm_blocking"] = llvm::json::Object{
          {"panel_group_kib", compiled.gemmBlocking.blocking.panelGroupKiB},
          {"block_columns", compiled.gemmBlocking.blocking.blockColumns},
          {"source", compiled.gemmBlocking.source}};
    if (spec->gpu)
      report["ptx_bytes"] = compiled.constantBytesEmitted;
    else
      report["constant_bytes_emitted"] = compiled.constantBytesEmitted;
  }
  if (compiled.qdqSummary)
    report["qdq_onnx"] = llvm::json::Object{
        {"opset", compiled.qdqSummary->opset},
        {"nodes", int64_t(compiled.qdqSummary->nodes)},
        {"quantize_linear", int64_t(compiled.qdqSummary->quantizeNodes)},
        {"dequantize_linear", int64_t(compiled.qdqSummary->dequantizeNodes)},
        {"bytes", int64_t(compiled.qdqSummary->bytes)}};
  llvm::json::Array notes;
  for (const std::string &note : compileNotes(options, compiled))
    notes.push_back(note);
  if (!notes.empty())
    report["notes"] = std::move(notes);
  if (llvm::Expected<std::string> pipeline = loweringPipeline(options.target))
    report["lowering_pipeline"] = *pipeline;
  else
    llvm::consumeError(pipeline.takeError());
  return report;
}

llvm::Expected<std::vector<std::string>>
quantc::writeCompiledModel(const CompiledModel &compiled, llvm::StringRef dir,
                           llvm::StringRef stem,
                           const llvm::json::Object *report) {
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return stageError("cannot create '" + dir + "': " + ec.message());
  std::vector<std::pair<std::string, std::string>> files = {
      {".o", compiled.object}, {".h", compiled.header}};
  if (!compiled.ptx.empty())
    files.push_back({".ptx", compiled.ptx});
  if (!compiled.loweringInput.empty())
    files.push_back({".lowering-input.mlir", compiled.loweringInput});
  if (!compiled.loweringOutput.empty())
    files.push_back({".lowering-output.mlir", compiled.loweringOutput});
  if (!compiled.qdqONNX.empty())
    files.push_back({".qdq.onnx", compiled.qdqONNX});
  if (report) {
    files.push_back({".report.json",
                     llvm::formatv("{0:2}\n", llvm::json::Value(
                                                  llvm::json::Object(*report)))
                         .str()});
    std::string html = mixedPrecisionHtml(*report, stem);
    if (!html.empty())
      files.push_back({".report.html", std::move(html)});
  }
  std::vector<std::string> written;
  for (const auto &[suffix, bytes] : files) {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, stem + suffix);
    std::error_code ec;
    llvm::raw_fd_ostream file(path, ec, llvm::sys::fs::OF_None);
    if (ec)
      return stageError("cannot write '" + path + "': " + ec.message());
    file << bytes;
    written.push_back(path.str().str());
  }
  return written;
}

llvm::Expected<CompiledModel>
quantc::compileModel(const CompileOptions &options,
                     llvm::json::Object &report) {
  if (llvm::Error err = validateOptions(options))
    return std::move(err);
  std::unique_ptr<mlir::MLIRContext> context = createCompilerContext();
  auto module = importModel(*context, options.model);
  if (!module)
    return module.takeError();
  std::optional<QuantizationSummary> summary;
  if (!options.quantization.calibration.empty()) {
    if (llvm::Error err = requireStaticInputs(**module))
      return std::move(err);
    auto quantized = quantizeModel(**module, options);
    if (!quantized)
      return quantized.takeError();
    summary = std::move(*quantized);
  }
  // The export reads the quantized module before lowering consumes it.
  std::string qdqONNX;
  ONNXExportSummary qdqSummary;
  if (options.target.emitQDQONNX) {
    auto exported = exportQDQModel(**module, qdqSummary);
    if (!exported)
      return exported.takeError();
    qdqONNX = std::move(*exported);
  }
  auto compiled = emitModel(**module, options.target);
  if (!compiled)
    return compiled.takeError();
  if (options.target.emitQDQONNX) {
    compiled->qdqONNX = std::move(qdqONNX);
    compiled->qdqSummary = qdqSummary;
  }
  report = compileReport(options, summary ? &*summary : nullptr, *compiled);
  compiled->quantization = std::move(summary);
  return compiled;
}
