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

#include "quantc/Calibration/Calibrator.h"
#include "quantc/Calibration/RangeSelection.h"
#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"
#include "quantc/Driver/HostArray.h"
#include "quantc/Driver/JitModel.h"
#include "quantc/InitAll.h"
#include "quantc/Target/ONNX/ONNXImporter.h"
#include "quantc/Target/Object/ObjectEmitter.h"

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
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/ADT/StringExtras.h"

#include <chrono>
#include "llvm/Support/WithColor.h"

using namespace llvm;

static cl::SubCommand runCommand("run", "import, compile and run an ONNX model");
static cl::SubCommand compileCommand(
    "compile", "compile a model to an object file and a C header");
static cl::SubCommand calibrateCommand(
    "calibrate", "record activation statistics over a calibration set");

static cl::opt<std::string> modelPath(cl::Positional,
                                      cl::desc("<model.onnx or model.mlir>"),
                                      cl::Required, cl::sub(runCommand),
                                      cl::sub(compileCommand),
                                      cl::sub(calibrateCommand));
static cl::opt<std::string> calibDir(
    "calib", cl::desc("folder of .npy calibration samples (one per file)"),
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
    cl::value_desc("name=DxD..."), cl::sub(compileCommand));
static cl::opt<std::string> target("target",
                                   cl::desc("x86_64 (default) or x86_64-native"),
                                   cl::init("x86_64"), cl::sub(compileCommand));
static cl::opt<std::string> entryName("entry",
                                      cl::desc("name of the C entry point"),
                                      cl::init("quantc_main"),
                                      cl::sub(compileCommand));
static cl::opt<std::string> compileOutput("o", cl::desc("output folder"),
                                          cl::value_desc("dir"), cl::Required,
                                          cl::sub(compileCommand));
static cl::list<std::string>
    inputFiles("input",
               cl::desc("a model input: NAME=FILE.npy (or FILE.pb, an ONNX "
                        "TensorProto); its shape fixes the input's shape"),
               cl::value_desc("name=file"), cl::sub(runCommand));
static cl::opt<std::string> runCalib(
    "calib",
    cl::desc("quantize to int8 first, calibrating on this folder of .npy "
             "samples"),
    cl::value_desc("dir"), cl::sub(runCommand), cl::sub(compileCommand));
static cl::opt<std::string> method(
    "method", cl::desc("range method: minmax, percentile, entropy or mse"),
    cl::init("minmax"), cl::sub(runCommand), cl::sub(compileCommand));
static cl::opt<unsigned> bits("bits",
                              cl::desc("weight and activation bits (8)"),
                              cl::init(8), cl::sub(runCommand),
                              cl::sub(compileCommand));
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

static std::string fileNameFor(StringRef name) {
  std::string file;
  for (char c : name)
    file += isAlnum(c) || c == '.' || c == '_' || c == '-' ? c : '_';
  return file + ".npy";
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
                          bool showProgress);

/// quantizeModule with the --calib/--method/--bits/--quiet flags.
static int quantizeFromFlags(mlir::ModuleOp module) {
  std::optional<quantc::RangeMethod> rangeMethod =
      quantc::parseRangeMethod(method);
  if (!rangeMethod)
    return fail("unknown --method '" + method +
                "'; expected minmax, percentile, entropy or mse");
  if (bits != 8)
    return fail("--bits " + Twine(bits) +
                " is not supported yet; int8 (--bits 8) is");
  return quantizeModule(module, runCalib, *rangeMethod, bits, !runQuiet);
}

/// Bytes of the constants still used (weights, biases, tables).
static int64_t constantBytes(mlir::ModuleOp module) {
  int64_t bytes = 0;
  module.walk([&](quantc::qc::ConstantOp op) {
    if (op->use_empty())
      return;
    auto type = op.getType();
    bytes += type.getNumElements() *
             std::max<int64_t>(1, type.getElementTypeBitWidth() / 8);
  });
  return bytes;
}

/// Per-layer quantization parameters of the int8 ops.
static json::Object quantizationReport(mlir::ModuleOp module) {
  json::Array layers;
  module.walk([&](mlir::Operation *op) {
    if (!isa<quantc::qc::QConv2DOp, quantc::qc::QMatMulOp>(op))
      return;
    auto input = cast<mlir::RankedTensorType>(op->getOperand(0).getType());
    auto weight = cast<mlir::RankedTensorType>(op->getOperand(1).getType());
    auto act = cast<mlir::quant::UniformQuantizedType>(input.getElementType());
    json::Array weightScales;
    if (auto perAxis = dyn_cast<mlir::quant::UniformQuantizedPerAxisType>(
            weight.getElementType()))
      for (double scale : perAxis.getScales())
        weightScales.push_back(scale);
    std::string name;
    if (auto loc = dyn_cast<mlir::NameLoc>(op->getLoc()))
      name = loc.getName().str();
    json::Object layer{{"op", op->getName().getStringRef().str()},
                       {"name", name},
                       {"input_scale", act.getScale()},
                       {"input_zero_point", act.getZeroPoint()},
                       {"weight_scales", std::move(weightScales)}};
    if (auto sqnr = op->getAttrOfType<mlir::FloatAttr>("qc.weight_sqnr_db"))
      layer["weight_sqnr_db"] = sqnr.getValueAsDouble();
    layers.push_back(std::move(layer));
  });
  return json::Object{{"layers", std::move(layers)}};
}

static int compileModel() {
  if (!quantc::isSupportedObjectTarget(target))
    return fail("unknown target '" + target +
                "'; expected x86_64 or x86_64-native");
  quantc::ONNXImportOptions options;
  for (const std::string &text : inputShapes) {
    std::string error = quantc::parseInputShapeOption(text, options);
    if (!error.empty())
      return fail(error);
  }
  std::unique_ptr<mlir::MLIRContext> contextOwner = createContext();
  mlir::MLIRContext &context = *contextOwner;
  mlir::OwningOpRef<mlir::ModuleOp> module = loadModel(context, options);
  if (!module)
    return 1;
  std::optional<json::Object> report;
  if (!runCalib.empty()) {
    int64_t floatBytes = constantBytes(*module);
    if (int status = quantizeFromFlags(*module))
      return status;
    report = quantizationReport(*module);
    (*report)["weight_bytes_float"] = floatBytes;
    (*report)["weight_bytes_quantized"] = constantBytes(*module);
    (*report)["method"] = method.getValue();
    (*report)["bits"] = static_cast<int64_t>(bits);
    (*report)["target"] = target.getValue();
    (*report)["model"] = modelPath.getValue();
  }
  if (std::error_code ec = sys::fs::create_directories(compileOutput))
    return fail("cannot create '" + compileOutput + "': " + ec.message());
  StringRef stem = sys::path::stem(modelPath);
  SmallString<256> objectPath(compileOutput), headerPath(compileOutput);
  sys::path::append(objectPath, stem + ".o");
  sys::path::append(headerPath, stem + ".h");
  std::error_code ec;
  raw_fd_ostream object(objectPath, ec, sys::fs::OF_None);
  if (ec)
    return fail("cannot write '" + objectPath + "': " + ec.message());
  std::string header;
  raw_string_ostream headerStream(header);
  quantc::ObjectOptions objectOptions;
  objectOptions.target = target;
  objectOptions.symbol = entryName;
  if (mlir::failed(quantc::emitObjectFile(*module, objectOptions, object,
                                          headerStream)))
    return 1;
  raw_fd_ostream headerFile(headerPath, ec, sys::fs::OF_Text);
  if (ec)
    return fail("cannot write '" + headerPath + "': " + ec.message());
  headerFile << header;
  outs() << objectPath << "\n" << headerPath << "\n";
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

static int calibrateModel() {
  Expected<std::vector<std::string>> samples =
      quantc::listCalibrationSamples(calibDir);
  if (!samples)
    return fail(toString(samples.takeError()));
  // The first sample fixes the input shape; every other must match it.
  Expected<quantc::HostArray> first = quantc::readTensorFile(samples->front());
  if (!first)
    return fail(toString(first.takeError()));
  std::unique_ptr<mlir::MLIRContext> contextOwner = createContext();
  mlir::MLIRContext &context = *contextOwner;
  quantc::ONNXImportOptions options;
  mlir::OwningOpRef<mlir::ModuleOp> probe = loadModel(context, options);
  if (!probe)
    return 1;
  auto main = probe->lookupSymbol<mlir::func::FuncOp>("main");
  if (main && main.getNumArguments() == 1)
    if (auto name = main.getArgAttrOfType<mlir::StringAttr>(0, "onnx.name"))
      options.inputShapes[name.getValue()] =
          SmallVector<int64_t>(first->shape.begin(), first->shape.end());
  mlir::OwningOpRef<mlir::ModuleOp> module =
      options.inputShapes.empty() ? std::move(probe)
                                  : loadModel(context, options);
  if (!module)
    return 1;
  quantc::CalibrationOptions calibration;
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
  out << formatv("{0:2}", json::Value(std::move(cache))) << "\n";
  outs() << "calibrated " << result->names.size() << " tensors over "
         << result->samples << " samples: " << calibOutput << "\n";
  return 0;
}

/// Calibrates a copy of `module` on the samples in `folder`, sets every
/// probe's range with `rangeMethod`, and rewrites the calibrated ops to
/// int8 in `module`.
static int quantizeModule(mlir::ModuleOp module, StringRef folder,
                          quantc::RangeMethod rangeMethod, unsigned width,
                          bool showProgress) {
  Expected<std::vector<std::string>> samples =
      quantc::listCalibrationSamples(folder);
  if (!samples)
    return fail(toString(samples.takeError()));
  mlir::OwningOpRef<mlir::ModuleOp> copy = module.clone();
  quantc::CalibrationOptions calibration;
  calibration.showProgress = showProgress;
  Expected<quantc::CalibrationResult> result =
      quantc::calibrate(*copy, *samples, calibration);
  if (!result)
    return fail(toString(result.takeError()));
  // The same probes, by the same deterministic names, on the model itself.
  mlir::PassManager probes(module.getContext());
  probes.addPass(quantc::qc::createQCInsertObservers());
  if (mlir::failed(probes.run(module)))
    return 1;
  module.walk([&](quantc::qc::ObserveOp probe) {
    auto it = result->statistics.find(probe.getName());
    if (it == result->statistics.end())
      return;
    quantc::Range range = quantc::selectRange(it->second, rangeMethod, width);
    probe.setRangeAttr(mlir::DenseF64ArrayAttr::get(
        module.getContext(), {range.lo, range.hi}));
  });
  mlir::PassManager quantize(module.getContext());
  quantize.addPass(quantc::qc::createQCQuantize());
  return mlir::failed(quantize.run(module)) ? 1 : 0;
}

static int runModel() {
  quantc::ONNXImportOptions options;
  StringMap<quantc::HostArray> arrays;
  for (const std::string &spec : inputFiles) {
    auto [name, file] = StringRef(spec).split('=');
    if (name.empty() || file.empty())
      return fail("--input expects NAME=FILE, got '" + spec + "'");
    Expected<quantc::HostArray> array = quantc::readTensorFile(file);
    if (!array)
      return fail(toString(array.takeError()));
    options.inputShapes[name] =
        SmallVector<int64_t>(array->shape.begin(), array->shape.end());
    arrays[name] = std::move(*array);
  }

  std::unique_ptr<mlir::MLIRContext> contextOwner = createContext();
  mlir::MLIRContext &context = *contextOwner;
  mlir::OwningOpRef<mlir::ModuleOp> module = loadModel(context, options);
  if (!module)
    return 1;

  if (!runCalib.empty())
    if (int status = quantizeFromFlags(*module))
      return status;

  // Inputs in argument order; every model input needs a file.
  auto main = module->lookupSymbol<mlir::func::FuncOp>("main");
  std::vector<quantc::HostArray> inputs;
  for (unsigned i = 0; i < main.getNumArguments(); ++i) {
    auto name = main.getArgAttrOfType<mlir::StringAttr>(i, "onnx.name");
    std::string key = name ? name.str() : "input" + std::to_string(i);
    auto it = arrays.find(key);
    if (it == arrays.end())
      return fail("no --input for model input '" + key + "'");
    inputs.push_back(std::move(it->second));
  }

  Expected<std::unique_ptr<quantc::JitModel>> model =
      quantc::JitModel::compile(*module);
  if (!model)
    return fail(toString(model.takeError()));
  Expected<std::vector<quantc::HostArray>> outputs = (*model)->run(inputs);
  if (!outputs)
    return fail(toString(outputs.takeError()));
  if (benchmarkRuns) {
    auto start = std::chrono::steady_clock::now();
    for (unsigned i = 0; i < benchmarkRuns; ++i)
      if (auto again = (*model)->run(inputs); !again)
        return fail(toString(again.takeError()));
    std::chrono::duration<double, std::milli> elapsed =
        std::chrono::steady_clock::now() - start;
    outs() << "latency ms: " << elapsed.count() / benchmarkRuns << "\n";
  }
  if (std::error_code ec = sys::fs::create_directories(outputDir))
    return fail("cannot create '" + outputDir + "': " + ec.message());
  for (auto [name, array] : llvm::zip_equal((*model)->outputNames(), *outputs)) {
    SmallString<256> path(outputDir);
    sys::path::append(path, fileNameFor(name));
    if (Error err = quantc::writeNpy(path, array))
      return fail(toString(std::move(err)));
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
  return fail("give a command: run, compile or calibrate (see --help)");
}
