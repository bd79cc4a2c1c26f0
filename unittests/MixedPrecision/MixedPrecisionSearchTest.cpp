//===- MixedPrecisionSearchTest.cpp - answers known in advance -----------===//
//
// Part of quantc. A model built so that the right assignment is known: a
// layer with an outlier weight per output channel (int4's per-channel
// scale rounds all its other weights to zero) must keep 8 bits, and a
// layer whose output is multiplied by zero must get the fewest bits. The
// whole compile runs, and the search's choice is read from its result.
//
//===----------------------------------------------------------------------===//

#include "quantc/Compiler/Compiler.h"
#include "quantc/Driver/HostArray.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include "../TempDir.h"

#include <map>
#include <random>

using namespace quantc;

namespace {

/// A dense<[[...]]> literal of a k x n matrix.
std::string matrix(const std::vector<float> &values, int k, int n) {
  std::string text;
  llvm::raw_string_ostream out(text);
  out << "dense<[";
  for (int i = 0; i < k; ++i) {
    out << (i ? ", [" : "[");
    for (int j = 0; j < n; ++j)
      out << (j ? ", " : "") << llvm::format("%.6f", values[i * n + j]);
    out << "]";
  }
  out << "]> : tensor<" << k << "x" << n << "xf32>";
  return text;
}

std::vector<float> smallWeights(std::mt19937 &random, int count) {
  std::uniform_real_distribution<float> uniform(-0.3f, 0.3f);
  std::vector<float> values(count);
  for (float &v : values)
    v = uniform(random);
  return values;
}

/// fc1 (16 -> 16), then fc_outlier (16 -> 8, one weight of 6 per output
/// channel) and fc_dead (16 -> 8, its result times zero), summed.
std::string knownAnswerModel() {
  std::mt19937 random(11);
  std::vector<float> fc1 = smallWeights(random, 16 * 16);
  std::vector<float> outlier = smallWeights(random, 16 * 8);
  for (int n = 0; n < 8; ++n)
    outlier[((3 * n) % 16) * 8 + n] = 6.0f;
  std::vector<float> dead = smallWeights(random, 16 * 8);
  return "func.func @main(%x: tensor<1x16xf32>) -> tensor<1x8xf32> {\n"
         "  %w1 = qc.constant " +
         matrix(fc1, 16, 16) +
         "\n"
         "  %h = qc.matmul %x, %w1 : tensor<1x16xf32>, tensor<16x16xf32> -> "
         "tensor<1x16xf32> loc(\"fc1\")\n"
         "  %w2 = qc.constant " +
         matrix(outlier, 16, 8) +
         "\n"
         "  %y = qc.matmul %h, %w2 : tensor<1x16xf32>, tensor<16x8xf32> -> "
         "tensor<1x8xf32> loc(\"fc_outlier\")\n"
         "  %w3 = qc.constant " +
         matrix(dead, 16, 8) +
         "\n"
         "  %d = qc.matmul %h, %w3 : tensor<1x16xf32>, tensor<16x8xf32> -> "
         "tensor<1x8xf32> loc(\"fc_dead\")\n"
         "  %zero = qc.constant dense<0.0> : tensor<1x8xf32>\n"
         "  %dz = qc.mul %d, %zero : tensor<1x8xf32>, tensor<1x8xf32> -> "
         "tensor<1x8xf32>\n"
         "  %out = qc.add %y, %dz : tensor<1x8xf32>, tensor<1x8xf32> -> "
         "tensor<1x8xf32>\n"
         "  return %out : tensor<1x8xf32>\n"
         "}\n";
}

struct KnownAnswer {
  TempDir dir;
  CompileOptions options;

  KnownAnswer() {
    {
      std::error_code ec;
      llvm::raw_fd_ostream out(dir.file("model.mlir"), ec);
      out << knownAnswerModel();
    }
    std::string samples = dir.file("samples");
    llvm::sys::fs::create_directories(samples);
    std::mt19937 random(5);
    std::normal_distribution<float> normal(0.5f, 1.0f);
    for (int s = 0; s < 8; ++s) {
      HostArray x{{1, 16}, std::vector<float>(16)};
      for (float &v : x.data)
        v = normal(random);
      EXPECT_FALSE(writeNpy(samples + "/s" + std::to_string(s) + ".npy", x));
    }
    options.model.path = dir.file("model.mlir");
    options.quantization.calibration = samples;
    options.mixed.enabled = true;
    // int4 everywhere takes 6 bits per weight here (scales included);
    // 7 affords one 16x8 layer at 8 bits, or both small ones at ternary
    // and fc1 at 8.
    options.mixed.weightBitsBudget = 7;
    options.mixed.candidates = {"int8", "int4", "ternary-absmean"};
  }

  /// Layer -> chosen precision.
  std::map<std::string, std::string> choose(SensitivitySignal signal) {
    options.mixed.signal = signal;
    EXPECT_FALSE(validateOptions(options));
    std::unique_ptr<mlir::MLIRContext> context = createCompilerContext();
    auto module = importModel(*context, options.model);
    EXPECT_TRUE(bool(module));
    if (!module) {
      llvm::consumeError(module.takeError());
      return {};
    }
    llvm::Expected<QuantizationSummary> summary =
        quantizeModel(**module, options);
    if (!summary) {
      ADD_FAILURE() << llvm::toString(summary.takeError());
      return {};
    }
    EXPECT_TRUE(summary->mixed.has_value());
    const MixedPrecisionResult &found = *summary->mixed;
    EXPECT_LE(found.kept().assignment.bits, found.budgetBits);
    std::map<std::string, std::string> chosen;
    for (const MixedLayer &layer : found.layers)
      chosen[layer.name] = found.candidates[layer.chosen];
    return chosen;
  }
};

TEST(MixedPrecisionSearch, OutlierLayerKeepsEightBitsDeadLayerGetsFewest) {
  KnownAnswer model;
  // LRP sees the dead end too: no relevance crosses the multiplication by
  // a zero constant.
  for (SensitivitySignal signal :
       {SensitivitySignal::KL, SensitivitySignal::AugmentedHessian,
        SensitivitySignal::LRP, SensitivitySignal::LRPHessian}) {
    std::map<std::string, std::string> chosen = model.choose(signal);
    EXPECT_EQ(chosen["fc_outlier"], "int8")
        << sensitivitySignalName(signal).str();
    EXPECT_EQ(chosen["fc_dead"], "ternary-absmean")
        << sensitivitySignalName(signal).str();
  }
}

TEST(MixedPrecisionSearch, TheLocalHessianSeesTheOutlierButNotTheDeadEnd) {
  KnownAnswer model;
  // Omega is layer-local: it ranks the outlier layer, but it cannot know
  // that fc_dead's output is discarded (the augmented Hessian's gain can).
  std::map<std::string, std::string> chosen =
      model.choose(SensitivitySignal::Hessian);
  EXPECT_EQ(chosen["fc_outlier"], "int8");
}

} // namespace
