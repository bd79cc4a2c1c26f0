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
//===----------------------------------------------------------------------===//

#include "quantc/Driver/HostArray.h"
#include "quantc/Driver/JitModel.h"
#include "quantc/InitAll.h"
#include "quantc/Target/ONNX/ONNXImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

static cl::SubCommand runCommand("run", "import, compile and run an ONNX model");

static cl::opt<std::string> modelPath(cl::Positional, cl::desc("<model.onnx>"),
                                      cl::Required, cl::sub(runCommand));
static cl::list<std::string>
    inputFiles("input",
               cl::desc("a model input: NAME=FILE.npy (or FILE.pb, an ONNX "
                        "TensorProto); its shape fixes the input's shape"),
               cl::value_desc("name=file"), cl::sub(runCommand));
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

  mlir::DialectRegistry registry;
  quantc::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::MLIRContext context(registry);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      quantc::importONNXFile(modelPath, context, options);
  if (!module)
    return 1;

  // Inputs in argument order; every model input needs a file.
  auto main = module->lookupSymbol<mlir::func::FuncOp>("main");
  std::vector<quantc::HostArray> inputs;
  for (unsigned i = 0; i < main.getNumArguments(); ++i) {
    auto name = main.getArgAttrOfType<mlir::StringAttr>(i, "onnx.name");
    auto it = arrays.find(name.getValue());
    if (it == arrays.end())
      return fail("no --input for model input '" + name.getValue() + "'");
    inputs.push_back(std::move(it->second));
  }

  Expected<std::unique_ptr<quantc::JitModel>> model =
      quantc::JitModel::compile(*module);
  if (!model)
    return fail(toString(model.takeError()));
  Expected<std::vector<quantc::HostArray>> outputs = (*model)->run(inputs);
  if (!outputs)
    return fail(toString(outputs.takeError()));
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
  return fail("give a command: run (see --help)");
}
