//===- Compiler.cpp - the compiler library behind C handles ---------------===//
//
// Part of quantc. Options are kept as the driver's flag texts and resolved
// with the library's parsers (CompileOptions.h), so a C or Python caller
// gets the driver's errors. A model owns its MLIRContext: the imported
// weights (dense_resource blobs live in the context), the quantized module,
// the JIT code and the output buffers all go with quantcModelDestroy.
//
//===----------------------------------------------------------------------===//

#include "quantc-c/Compiler.h"

#include "quantc/Compiler/Compiler.h"
#include "quantc/Dialect/QC/IR/QCHadamard.h"
#include "quantc/Dialect/QC/IR/QCShapeInference.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <cstring>

using namespace quantc;

struct QuantcError {
  std::string message;
};

struct QuantcOptions {
  std::string path;
  /// Flag name -> its values in the order given (repeatable flags keep
  /// them all; others use the last).
  llvm::StringMap<std::vector<std::string>> values;
  QuantcProgressCallback progress = nullptr;
  void *progressData = nullptr;
};

struct QuantcModel {
  std::unique_ptr<mlir::MLIRContext> context;
  CompileOptions options;
  /// The imported (and quantized) module, before lowering.
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::optional<QuantizationSummary> quantization;
  /// Compiled on first run.
  std::unique_ptr<JitModel> jit;
  std::vector<HostArray> outputs;
  /// The emitted object and its report (and its text), made on first
  /// quantcModelReport or quantcModelSave.
  std::optional<CompiledModel> compiled;
  llvm::json::Object report;
  std::string reportText;
};

static QuantcError *makeError(llvm::Error err) {
  if (!err)
    return nullptr;
  return new QuantcError{llvm::toString(std::move(err))};
}

static QuantcError *makeError(const llvm::Twine &message) {
  return new QuantcError{message.str()};
}

const char *quantcErrorMessage(const QuantcError *error) {
  return error ? error->message.c_str() : "";
}

void quantcErrorDestroy(QuantcError *error) { delete error; }

void quantcFree(void *memory) { std::free(memory); }

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

namespace {
enum class Kind { Text, Repeated, Bool, Integer, Number };
} // namespace

/// The flags the C API takes: the driver's names and value kinds.
static const llvm::StringMap<Kind> &knownFlags() {
  static const llvm::StringMap<Kind> flags = {
      {"calib", Kind::Text},
      {"bits", Kind::Text},
      {"ternary", Kind::Text},
      {"method", Kind::Text},
      {"group", Kind::Integer},
      {"gptq", Kind::Bool},
      {"activation-bits", Kind::Integer},
      {"bias-correction", Kind::Bool},
      {"fold-batch-norm", Kind::Bool},
      {"smooth", Kind::Number},
      {"rotate", Kind::Text},
      {"keep-float", Kind::Repeated},
      {"input-shape", Kind::Repeated},
      {"bind-input", Kind::Repeated},
      {"target", Kind::Text},
      {"threads", Kind::Integer},
      {"gemm-kernels", Kind::Bool},
      {"direct-conv", Kind::Bool},
      {"gemm-blocking", Kind::Text},
      {"emulate-gpu", Kind::Bool},
      {"min-output-cosine", Kind::Number},
      {"max-float-layers", Kind::Integer},
      {"search-data", Kind::Text},
      {"weight-bits-budget", Kind::Number},
      {"candidates", Kind::Text},
      {"sensitivity", Kind::Text},
      {"solver", Kind::Text},
      {"assign-precision", Kind::Text},
      {"image-resize", Kind::Text},
      {"image-mean", Kind::Text},
      {"image-std", Kind::Text},
      {"image-bgr", Kind::Bool},
  };
  return flags;
}

QuantcOptions *quantcOptionsCreate(const char *path) {
  auto *options = new QuantcOptions;
  options->path = path ? path : "";
  return options;
}

void quantcOptionsDestroy(QuantcOptions *options) { delete options; }

QuantcError *quantcOptionsSet(QuantcOptions *options, const char *name,
                              const char *value) {
  llvm::StringRef flag = name ? name : "";
  llvm::StringRef text = value ? value : "";
  auto known = knownFlags().find(flag);
  if (known == knownFlags().end())
    return makeError("unknown option '" + flag + "'");
  int64_t integer;
  double number;
  switch (known->second) {
  case Kind::Bool:
    if (text != "true" && text != "false")
      return makeError("option '" + flag + "': expected true or false, got '" +
                       text + "'");
    break;
  case Kind::Integer:
    if (!llvm::to_integer(text, integer, 10))
      return makeError("option '" + flag + "': '" + text +
                       "' is not an integer");
    break;
  case Kind::Number:
    if (!llvm::to_float(text, number))
      return makeError("option '" + flag + "': '" + text + "' is not a number");
    break;
  case Kind::Text:
  case Kind::Repeated:
    break;
  }
  std::vector<std::string> &values = options->values[flag];
  if (known->second != Kind::Repeated)
    values.clear();
  values.push_back(text.str());
  return nullptr;
}

void quantcOptionsSetProgress(QuantcOptions *options,
                              QuantcProgressCallback callback, void *userData) {
  options->progress = callback;
  options->progressData = userData;
}

namespace {
/// Typed reads of the flag texts (already checked by quantcOptionsSet).
struct FlagReader {
  const QuantcOptions &options;
  bool has(llvm::StringRef flag) const { return options.values.count(flag); }
  std::string text(llvm::StringRef flag, llvm::StringRef dflt = "") const {
    auto it = options.values.find(flag);
    return it == options.values.end() ? dflt.str() : it->second.back();
  }
  std::vector<std::string> list(llvm::StringRef flag) const {
    auto it = options.values.find(flag);
    return it == options.values.end() ? std::vector<std::string>() : it->second;
  }
  bool flag(llvm::StringRef name, bool dflt) const {
    return has(name) ? text(name) == "true" : dflt;
  }
  int64_t integer(llvm::StringRef name, int64_t dflt) const {
    int64_t value = dflt;
    if (has(name))
      llvm::to_integer(text(name), value, 10);
    return value;
  }
  double number(llvm::StringRef name, double dflt) const {
    double value = dflt;
    if (has(name))
      llvm::to_float(text(name), value);
    return value;
  }
};
} // namespace

/// The options as the driver builds them from its flags.
static llvm::Expected<CompileOptions> resolve(const QuantcOptions &given) {
  FlagReader flags{given};
  CompileOptions options;
  options.model.path = given.path;
  if (llvm::Error err = parseModelInputs(
          flags.list("input-shape"), flags.list("bind-input"),
          flags.text("image-resize", "stretch"), flags.text("image-mean", "0"),
          flags.text("image-std", "1"), flags.flag("image-bgr", false),
          options.model))
    return std::move(err);
  QuantizationOptions &q = options.quantization;
  q.foldBatchNorm = flags.flag("fold-batch-norm", true);
  q.calibration = flags.text("calib");
  if (flags.has("smooth"))
    q.smoothAlpha = flags.number("smooth", 0);
  if (flags.has("rotate")) {
    q.rotate = qc::parseRotationMode(flags.text("rotate"));
    if (!q.rotate)
      return llvm::createStringError("--rotate '" + flags.text("rotate") +
                                     "': expected hadamard or random");
  }
  q.activationBits = flags.integer("activation-bits", 8);
  auto method = parseMethodOption(flags.text("method", "minmax"));
  if (!method)
    return method.takeError();
  q.method = *method;
  std::string ternary = flags.text("ternary");
  if (flags.text("bits") == "mixed") {
    if (llvm::Error err = parseMixedPrecision(
            flags.text("candidates"), flags.integer("group", 0),
            flags.flag("gptq", false), ternary, flags.text("sensitivity"),
            flags.text("solver"), "", options.mixed))
      return std::move(err);
  } else {
    auto scheme = parseWeightBits(flags.text("bits", "8"), ternary);
    if (!scheme)
      return scheme.takeError();
    q.weights = *scheme;
    q.group = flags.integer("group", 0);
    q.gptq = flags.flag("gptq", false);
  }
  options.mixed.weightBitsBudget = flags.number("weight-bits-budget", 0);
  options.mixed.assignment = flags.text("assign-precision");
  q.biasCorrection = flags.flag("bias-correction", true);
  q.keepFloat = flags.list("keep-float");
  options.search.minOutputCosine = flags.number("min-output-cosine", 0);
  options.search.maxFloatLayers = flags.integer("max-float-layers", 0);
  options.search.data = flags.text("search-data");
  options.target.target = flags.text("target", "host");
  options.target.threads = flags.integer("threads", 1);
  options.target.gemmKernels = flags.flag("gemm-kernels", true);
  options.target.directConv = flags.flag("direct-conv", true);
  options.target.gemmBlocking = flags.text("gemm-blocking", "auto");
  options.target.emulateGpu = flags.flag("emulate-gpu", false);
  if (given.progress) {
    QuantcProgressCallback callback = given.progress;
    void *data = given.progressData;
    options.progress = [callback, data](llvm::StringRef stage, size_t done,
                                        size_t total) {
      std::string label = stage.str();
      callback(data, label.c_str(), done, total);
    };
  }
  if (llvm::Error err = validateOptions(options))
    return std::move(err);
  return options;
}

//===----------------------------------------------------------------------===//
// Import, models
//===----------------------------------------------------------------------===//

QuantcError *quantcImport(const QuantcOptions *given, char **text) {
  auto options = resolve(*given);
  if (!options)
    return makeError(options.takeError());
  std::unique_ptr<mlir::MLIRContext> context = createCompilerContext();
  auto module = importModel(*context, options->model);
  if (!module)
    return makeError(module.takeError());
  std::string printed;
  llvm::raw_string_ostream os(printed);
  (*module)->print(os);
  *text = static_cast<char *>(std::malloc(printed.size() + 1));
  std::memcpy(*text, printed.c_str(), printed.size() + 1);
  return nullptr;
}

QuantcError *quantcModelCreate(const QuantcOptions *given, QuantcModel **out) {
  *out = nullptr;
  auto options = resolve(*given);
  if (!options)
    return makeError(options.takeError());
  auto model = std::make_unique<QuantcModel>();
  model->options = std::move(*options);
  model->context = createCompilerContext();
  auto module = importModel(*model->context, model->options.model);
  if (!module)
    return makeError(module.takeError());
  model->module = std::move(*module);
  if (llvm::Error err = requireStaticInputs(*model->module))
    return makeError(std::move(err));
  if (!model->options.quantization.calibration.empty()) {
    auto summary = quantizeModel(*model->module, model->options);
    if (!summary)
      return makeError(summary.takeError());
    model->quantization = std::move(*summary);
  }
  // The JIT compiles a copy (the module stays for quantcModelSave) for
  // this machine: runs happen here, whatever target quantcModelSave emits.
  TargetOptions here = model->options.target;
  here.target = "host";
  mlir::OwningOpRef<mlir::ModuleOp> copy = model->module->clone();
  auto jit = compileForJit(*copy, here);
  if (!jit)
    return makeError(jit.takeError());
  model->jit = std::move(*jit);
  *out = model.release();
  return nullptr;
}

void quantcModelDestroy(QuantcModel *model) {
  if (!model)
    return;
  // The JIT's code and the module go before the context that owns their
  // types and weights.
  model->jit.reset();
  model->module = nullptr;
  delete model;
}

size_t quantcModelNumInputs(const QuantcModel *model) {
  return model->jit->inputNames().size();
}

size_t quantcModelNumOutputs(const QuantcModel *model) {
  return model->jit->outputNames().size();
}

const char *quantcModelInputName(const QuantcModel *model, size_t index) {
  return model->jit->inputNames()[index].c_str();
}

const char *quantcModelOutputName(const QuantcModel *model, size_t index) {
  return model->jit->outputNames()[index].c_str();
}

static_assert(int(QUANTC_BOOL) == int(ElementType::Bool) &&
                  int(QUANTC_F16) == int(ElementType::F16) &&
                  int(QUANTC_U64) == int(ElementType::U64),
              "QuantcElementType mirrors quantc::ElementType");

static QuantcTensor describe(mlir::RankedTensorType type, ElementType element) {
  QuantcTensor tensor;
  tensor.type = static_cast<QuantcElementType>(element);
  tensor.rank = type.getRank();
  tensor.shape = type.getShape().data();
  tensor.data = nullptr;
  return tensor;
}

QuantcTensor quantcModelInputType(const QuantcModel *model, size_t index) {
  return describe(model->jit->inputTypes()[index],
                  model->jit->inputElementTypes()[index]);
}

QuantcTensor quantcModelOutputType(const QuantcModel *model, size_t index) {
  return describe(model->jit->outputTypes()[index],
                  model->jit->outputElementTypes()[index]);
}

QuantcError *quantcModelRun(QuantcModel *model, const QuantcTensor *inputs,
                            size_t numInputs, QuantcTensor *outputs,
                            size_t numOutputs) {
  JitModel &jit = *model->jit;
  if (numInputs != jit.inputNames().size())
    return makeError("the model takes " + llvm::Twine(jit.inputNames().size()) +
                     " inputs, " + llvm::Twine(numInputs) + " given");
  if (numOutputs != jit.outputNames().size())
    return makeError("the model gives " +
                     llvm::Twine(jit.outputNames().size()) + " outputs, " +
                     llvm::Twine(numOutputs) + " requested");
  std::vector<HostArray> arrays;
  for (size_t i = 0; i < numInputs; ++i) {
    const QuantcTensor &given = inputs[i];
    llvm::ArrayRef<int64_t> shape = jit.inputTypes()[i].getShape();
    ElementType element = jit.inputElementTypes()[i];
    llvm::StringRef name = jit.inputNames()[i];
    if (given.rank != int64_t(shape.size()) || !given.shape ||
        !std::equal(shape.begin(), shape.end(), given.shape))
      return makeError("input '" + name + "': expected shape " +
                       qc::formatShape(shape) + ", got " +
                       qc::formatShape(llvm::ArrayRef<int64_t>(
                           given.shape, given.shape ? given.rank : 0)));
    if (int(given.type) != int(element))
      return makeError("input '" + name + "': expected " +
                       elementTypeName(element) + " elements, got " +
                       elementTypeName(ElementType(given.type)));
    HostArray array = HostArray::zeros(element, shape);
    if (array.size() && !given.data)
      return makeError("input '" + name + "': no data");
    std::memcpy(array.address(), given.data,
                array.size() * elementSize(element));
    arrays.push_back(std::move(array));
  }
  auto results = jit.run(arrays);
  if (!results)
    return makeError(results.takeError());
  model->outputs = std::move(*results);
  for (size_t i = 0; i < numOutputs; ++i) {
    HostArray &array = model->outputs[i];
    outputs[i].type = static_cast<QuantcElementType>(array.type);
    outputs[i].rank = array.shape.size();
    outputs[i].shape = array.shape.data();
    outputs[i].data = array.address();
  }
  return nullptr;
}

/// Emits the object for the options' target from a copy of the module, and
/// the report, once.
static llvm::Error emitOnce(QuantcModel &model) {
  if (model.compiled)
    return llvm::Error::success();
  mlir::OwningOpRef<mlir::ModuleOp> copy = model.module->clone();
  auto compiled = emitModel(*copy, model.options.target);
  if (!compiled)
    return compiled.takeError();
  model.report = compileReport(
      model.options, model.quantization ? &*model.quantization : nullptr,
      *compiled);
  llvm::raw_string_ostream os(model.reportText);
  os << llvm::formatv("{0:2}",
                      llvm::json::Value(llvm::json::Object(model.report)));
  model.compiled = std::move(*compiled);
  return llvm::Error::success();
}

const char *quantcModelReport(const QuantcModel *model) {
  auto *mutableModel = const_cast<QuantcModel *>(model);
  if (llvm::Error err = emitOnce(*mutableModel)) {
    mutableModel->reportText =
        llvm::formatv("{{\"error\": {0}}",
                      llvm::json::Value(llvm::toString(std::move(err))))
            .str();
  }
  return mutableModel->reportText.c_str();
}

QuantcError *quantcModelSave(QuantcModel *model, const char *dir) {
  if (llvm::Error err = emitOnce(*model))
    return makeError(std::move(err));
  llvm::StringRef stem = llvm::sys::path::stem(model->options.model.path);
  auto written =
      writeCompiledModel(*model->compiled, dir, stem, &model->report);
  if (!written)
    return makeError(written.takeError());
  return nullptr;
}
