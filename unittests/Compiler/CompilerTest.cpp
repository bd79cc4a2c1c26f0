//===- CompilerTest.cpp - the compiler library, called from C++ ----------===//
//
// Part of quantc. The stages the driver, the C API and Python call: options
// refused with the driver's messages, a whole compile with calibration,
// progress through the callback, lowering alone, errors that carry the
// diagnostics, and the run flow.
//
//===----------------------------------------------------------------------===//

#include "quantc/Compiler/Compiler.h"
#include "quantc/Compiler/Run.h"
#include "quantc/Driver/HostArray.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

#include "../TempDir.h"

#include <cmath>
#include <map>

using namespace quantc;

namespace {

constexpr const char *kClassifier =
    QUANTC_SOURCE_DIR "/examples/classifier.mlir";

/// `count` 1x1x28x28 samples of a smooth pattern in [0, 1].
void writeSamples(const TempDir &dir, int count) {
  for (int s = 0; s < count; ++s) {
    HostArray array;
    array.shape = {1, 1, 28, 28};
    for (int i = 0; i < 28; ++i)
      for (int j = 0; j < 28; ++j)
        array.data.push_back(
            0.5f + 0.5f * std::sin(0.3f * i * (1 + 0.1f * s) + 0.7f * j));
    ASSERT_FALSE(writeNpy(dir.file("s" + std::to_string(s) + ".npy"), array));
  }
}

std::string errorText(llvm::Error err) {
  return llvm::toString(std::move(err));
}

TEST(CompilerOptions, MixedPrecisionFieldsNeedMixedPrecision) {
  // An embedder filling the request without enabling it is told, as the
  // driver's flags are.
  CompileOptions options;
  options.model.path = kClassifier;
  options.quantization.calibration = "samples/";
  EXPECT_FALSE(validateOptions(options));
  for (int field = 0; field < 3; ++field) {
    CompileOptions steered = options;
    if (field == 0)
      steered.mixed.signal = SensitivitySignal::LRP;
    else if (field == 1)
      steered.mixed.solver = "ilp";
    else
      steered.mixed.quantizedBase = true;
    EXPECT_NE(errorText(validateOptions(steered)).find("give --bits mixed"),
              std::string::npos)
        << field;
  }
}

TEST(CompilerOptions, QuantizationWithoutCalibrationIsRefused) {
  CompileOptions options;
  options.model.path = kClassifier;
  options.quantization.weights = WeightScheme::Int4;
  options.quantization.group = 32;
  EXPECT_EQ(errorText(validateOptions(options)),
            "--bits, --group quantize the model and need calibration data "
            "(--calib DIR or a cache .json); without it the model stays "
            "float");
  options.quantization.calibration = "samples/";
  EXPECT_FALSE(validateOptions(options));
  options.target.target = "riscv";
  EXPECT_NE(errorText(validateOptions(options)).find("unknown target 'riscv'"),
            std::string::npos);
}

TEST(CompilerOptions, TextParsesWithTheDriversMessages) {
  EXPECT_EQ(*parseWeightBits("ternary", "twn"), WeightScheme::TernaryThreshold);
  EXPECT_EQ(errorText(parseWeightBits("8", "twn").takeError()),
            "--ternary chooses how ternary weights are found: it needs "
            "--bits ternary");
  EXPECT_EQ(errorText(parseMethodOption("kl").takeError()),
            "unknown --method 'kl'; expected minmax, percentile, entropy or "
            "mse");
  ModelOptions model;
  EXPECT_FALSE(
      parseModelInputs({"x=1x3x8x8"}, {}, "pad", "0.5", "0.25", true, model));
  EXPECT_EQ(model.onnx.inputShapes.lookup("x"),
            (llvm::SmallVector<int64_t>{1, 3, 8, 8}));
  EXPECT_TRUE(model.preprocessing.bgr);
  EXPECT_EQ(errorText(parseModelInputs({}, {}, "pad", "0", "0", false, model)),
            "--image-std must not be zero");
  // Literal values stay text until the importer knows the input's type;
  // "name=" binds an empty tensor.
  EXPECT_FALSE(parseModelInputs({}, {"sr=16000", "axes=", "k=1, 2"}, "pad", "0",
                                "1", false, model));
  EXPECT_EQ(model.onnx.boundInputs.lookup("sr").literal,
            (llvm::SmallVector<std::string>{"16000"}));
  EXPECT_TRUE(model.onnx.boundInputs.lookup("axes").literal.empty());
  EXPECT_EQ(model.onnx.boundInputs.lookup("k").literal,
            (llvm::SmallVector<std::string>{"1", "2"}));
  EXPECT_EQ(
      errorText(parseModelInputs({}, {"=3"}, "pad", "0", "1", false, model)),
      "--bind-input expects name=v1,v2,... or name=FILE, got '=3'");
}

TEST(Compiler, CompilesTheClassifierWithCalibrationAndReportsIt) {
  TempDir calib;
  writeSamples(calib, 4);
  CompileOptions options;
  options.model.path = kClassifier;
  options.quantization.calibration = calib.path.str().str();
  std::map<std::string, std::vector<size_t>> steps;
  options.progress = [&](llvm::StringRef stage, size_t done, size_t total) {
    EXPECT_EQ(total, 4u);
    steps[stage.str()].push_back(done);
  };
  llvm::json::Object report;
  llvm::Expected<CompiledModel> compiled = compileModel(options, report);
  ASSERT_TRUE(bool(compiled)) << llvm::toString(compiled.takeError());
  EXPECT_EQ(steps["calibrating"], (std::vector<size_t>{1, 2, 3, 4}));
  EXPECT_GT(compiled->object.size(), 1000u);
  EXPECT_NE(compiled->header.find("void quantc_main("), std::string::npos);
  ASSERT_TRUE(compiled->quantization);
  EXPECT_EQ(compiled->quantization->batchNormsFolded, 1u);
  std::vector<std::string> names;
  for (const llvm::json::Value &layer : *report.getArray("layers"))
    names.push_back(layer.getAsObject()->getString("name")->str());
  EXPECT_EQ(names, (std::vector<std::string>{"bn1", "conv2", "logits"}));
  EXPECT_GT(*report.getInteger("constant_bytes_emitted"), 0);
  EXPECT_EQ(report.getString("lowering_pipeline")->str(),
            *loweringPipeline(options.target));
}

TEST(Compiler, LowersToTheLLVMDialectAlone) {
  std::unique_ptr<mlir::MLIRContext> context = createCompilerContext();
  ModelOptions model;
  model.path = kClassifier;
  auto module = importModel(*context, model);
  ASSERT_TRUE(bool(module)) << llvm::toString(module.takeError());
  TargetOptions target;
  target.target = "x86_64";
  ASSERT_FALSE(lowerToLLVM(**module, target));
  int functions = 0;
  (*module)->walk([&](mlir::LLVM::LLVMFuncOp) { ++functions; });
  EXPECT_GT(functions, 0);
  EXPECT_EQ(*loweringPipeline(target),
            "builtin.module(qc-lower-to-llvm{gemm-kernels= "
            "runtime-allocator=true})");
}

TEST(Compiler, ErrorsCarryTheDiagnosticsAndPrintNothing) {
  TempDir dir;
  std::string path = dir.file("bad.mlir");
  {
    std::error_code ec;
    llvm::raw_fd_ostream out(path, ec);
    out << "func.func @main() { qc.bogus }\n";
  }
  std::unique_ptr<mlir::MLIRContext> context = createCompilerContext();
  ModelOptions model;
  model.path = path;
  auto module = importModel(*context, model);
  ASSERT_FALSE(bool(module));
  std::string text = llvm::toString(module.takeError());
  EXPECT_NE(text.find("bad.mlir:1:"), std::string::npos) << text;
  EXPECT_NE(text.find("qc.bogus"), std::string::npos) << text;
}

TEST(Compiler, KeepFloatNamesMustBeLayers) {
  TempDir calib;
  writeSamples(calib, 2);
  CompileOptions options;
  options.model.path = kClassifier;
  options.quantization.calibration = calib.path.str().str();
  options.quantization.keepFloat = {"conv1"};
  llvm::json::Object report;
  auto compiled = compileModel(options, report);
  ASSERT_FALSE(bool(compiled));
  EXPECT_EQ(llvm::toString(compiled.takeError()),
            "--keep-float: no quantizable layer named 'conv1'; the model's 3 "
            "are: bn1, conv2, logits");
}

TEST(Compiler, RunsAFolderOfSamplesAndWritesEveryOutput) {
  TempDir inputs, outputs;
  writeSamples(inputs, 3);
  CompileOptions options;
  options.model.path = kClassifier;
  RunOptions run;
  run.inputs = {{"input0", inputs.path.str().str()}};
  run.outputDir = outputs.path.str().str();
  llvm::Expected<RunResult> result = runModel(options, run);
  ASSERT_TRUE(bool(result)) << llvm::toString(result.takeError());
  EXPECT_TRUE(result->batch);
  EXPECT_EQ(result->samples, 3u);
  for (const char *name : {"s0", "s1", "s2"}) {
    auto probs = readNpy(outputs.file(std::string("output0/") + name + ".npy"));
    ASSERT_TRUE(bool(probs)) << llvm::toString(probs.takeError());
    float sum = 0;
    for (float p : probs->data)
      sum += p;
    EXPECT_NEAR(sum, 1.0f, 1e-5f);
  }
}

} // namespace
