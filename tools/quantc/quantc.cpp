//===- quantc.cpp - the quantc user driver --------------------------------===//
//
// Part of quantc. One command for users:
//
//   quantc run model.onnx --input x=x.npy [--input ...] --output-dir out/
//   quantc compile model.onnx --input-shape x=1x3x48x320 --target x86_64 -o
//   out/ quantc calibrate model.onnx --calib samples/ -o cache.json quantc
//   kernel gemm-u8s4 --shape 1x4096x4096 --group 128 -o out/
//
// Options.cpp maps the flags onto quantc::CompileOptions; each command here
// is a call into the compiler library (quantc/Compiler), which the C API
// and the Python package call too. This file owns the terminal: errors,
// warnings, the paths written.
//
//===----------------------------------------------------------------------===//

#include "Options.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;
using namespace quantc::driver;

static int fail(const Twine &message) {
  WithColor::error(errs(), "quantc") << message << "\n";
  return 1;
}

static int fail(Error err) { return fail(toString(std::move(err))); }

/// The calibration warnings, the first few in full.
static void printCalibrationWarnings(const quantc::QuantizationSummary &q) {
  constexpr size_t kShown = 3;
  if (q.calibrationWarnings.empty())
    return;
  WithColor::warning(errs(), "quantc")
      << q.calibrationWarnings.size()
      << " tensors' ranges estimate an SQNR more than "
      << format("%.0f", quantc::kSQNRWarningDb)
      << " dB below min-max's (the report's calibration_warnings lists "
         "them; --method minmax or mse keeps them):\n";
  for (size_t i = 0; i < std::min(kShown, q.calibrationWarnings.size()); ++i)
    errs() << "  " << q.calibrationWarnings[i] << "\n";
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

static int compileCommandMain() {
  Expected<quantc::CompileOptions> options = compileOptions();
  if (!options)
    return fail(options.takeError());
  if (printLoweringPipeline()) {
    Expected<std::string> pipeline = quantc::loweringPipeline(options->target);
    if (!pipeline)
      return fail(pipeline.takeError());
    outs() << *pipeline << "\n";
    return 0;
  }
  std::string dir = compileOutputDir();
  if (dir.empty())
    return fail("compile needs an output folder: -o DIR");
  json::Object report;
  Expected<quantc::CompiledModel> compiled =
      quantc::compileModel(*options, report);
  if (!compiled)
    return fail(compiled.takeError());
  if (compiled->quantization) {
    printCalibrationWarnings(*compiled->quantization);
    if (compiled->quantization->search)
      printSearchSummary(*compiled->quantization->search);
  }
  for (const std::string &note : quantc::compileNotes(*options, *compiled))
    WithColor::warning(errs(), "quantc") << note << "\n";
  bool quantized = !options->quantization.calibration.empty();
  Expected<std::vector<std::string>> written = quantc::writeCompiledModel(
      *compiled, dir, sys::path::stem(options->model.path),
      quantized ? &report : nullptr);
  if (!written)
    return fail(written.takeError());
  for (const std::string &path : *written)
    outs() << path << "\n";
  return 0;
}

static int calibrateCommandMain() {
  Expected<quantc::CompileOptions> options = calibrateOptions();
  if (!options)
    return fail(options.takeError());
  Expected<quantc::CalibrationResult> result = quantc::calibrateToCache(
      *options, calibrationFolder(), calibrationCache());
  if (!result)
    return fail(result.takeError());
  outs() << "calibrated " << result->names.size() << " tensors over "
         << result->samples << " samples: " << calibrationCache() << "\n";
  return 0;
}

static int runCommandMain() {
  Expected<quantc::CompileOptions> options = compileOptions();
  if (!options)
    return fail(options.takeError());
  quantc::RunOptions run = runOptions();
  Expected<quantc::RunResult> result = quantc::runModel(*options, run);
  if (!result)
    return fail(result.takeError());
  if (result->quantization) {
    printCalibrationWarnings(*result->quantization);
    if (result->quantization->search)
      printSearchSummary(*result->quantization->search);
  }
  for (const std::string &path : result->written)
    outs() << path << "\n";
  if (result->batch)
    outs() << "ran " << result->samples << " samples; outputs in "
           << run.outputDir << "\n";
  if (result->latencyMs)
    outs() << format("latency ms: %.2f\n", *result->latencyMs);
  return 0;
}

static int kernelCommandMain() {
  KernelRequest kernel = kernelRequest();
  Expected<std::vector<std::string>> written = quantc::writeGemmKernel(
      kernel.kind, kernel.shape, kernel.group, kernel.target, kernel.dir);
  if (!written)
    return fail(written.takeError());
  for (const std::string &path : *written)
    outs() << path << "\n";
  return 0;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  parseCommandLine(argc, argv);
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
