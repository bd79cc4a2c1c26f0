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

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"

#include <map>

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

/// What --smooth did (explicit scales cost time at run time).
static void printSmoothingSummary(const quantc::QuantizationSummary &summary) {
  if (!summary.smoothing)
    return;
  outs() << "smoothing: " << summary.smoothing->folded
         << " activations folded into their producer, "
         << summary.smoothing->explicitScales
         << " divided by an explicit scale, " << summary.smoothing->refused
         << " left alone (read by something other than a layer)\n";
}

/// What --reparameterize did.
static void
printReparameterizationSummary(const quantc::QuantizationSummary &summary) {
  if (!summary.reparameterization)
    return;
  outs() << "reparameterization: "
         << summary.reparameterization->reparameterized
         << (summary.reparameterization->perChannelReference
                 ? " LayerNorm outputs quantized per channel as float "
                   "quantize / dequantize, their readers left float (the "
                   "reference), "
                 : " LayerNorm outputs quantized per channel and folded to "
                   "per-tensor, ")
         << summary.reparameterization->refused
         << " left alone (read by something other than a matmul), "
         << summary.reparameterization->logSoftmaxProducts
         << " softmax products A V as log2 shifts and adds\n";
}

/// What --rotate did (online transforms cost time at run time).
static void printRotationSummary(const quantc::QuantizationSummary &summary) {
  if (!summary.rotations)
    return;
  quantc::qc::RotationCounts counts =
      quantc::qc::countRotations(*summary.rotations);
  outs() << "rotation: " << counts.online
         << " layers behind an online Hadamard, " << counts.fused
         << " fused into their producer, " << counts.refused << " left alone";
  if (counts.streamTransforms > 0)
    outs() << "; " << counts.streamTransforms
           << " online transforms on residual streams";
  outs() << " (see the report's rotation.layers)\n";
}

/// The mixed-precision search's summary: what was kept and how it compares
/// with the uniform assignments it measured.
static void printMixedSummary(const quantc::MixedPrecisionResult &found) {
  std::map<std::string, size_t> counts;
  for (const quantc::MixedLayer &layer : found.layers)
    ++counts[found.candidates[layer.chosen]];
  outs() << format("mixed precision: %.2f average weight bits (budget "
                   "%.2f):",
                   found.averageBits(found.kept().assignment),
                   found.budgetBits / double(found.totalWeights));
  for (const auto &[precision, count] : counts)
    outs() << " " << count << " " << precision;
  outs() << format("; measured output divergence %.6f", found.kept().measured);
  for (const quantc::MeasuredAssignment &point : found.measured)
    if (StringRef(point.label).starts_with("uniform"))
      outs() << format(", %s %.6f", point.label.c_str(), point.measured);
  outs() << format(" (%zu samples, %zu runs, %.2f s)\n", found.samples,
                   found.runs, found.seconds);
}

/// With --bits mixed, `quantc run` leaves the search's findings (the
/// report's mixed_precision) next to the outputs, for replay.
static Expected<std::string>
writeMixedPrecision(const quantc::MixedPrecisionResult &found, StringRef dir) {
  SmallString<256> path(dir);
  sys::path::append(path, "mixed_precision.json");
  if (std::error_code ec = sys::fs::create_directories(dir))
    return createStringError(ec, "cannot create '" + dir + "'");
  std::error_code ec;
  raw_fd_ostream out(path, ec);
  if (ec)
    return createStringError(ec, "cannot write '" + path + "'");
  out << formatv("{0:2}",
                 json::Value(json::Object{{"mixed_precision", found.toJSON()}}))
      << "\n";
  return path.str().str();
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
    printSmoothingSummary(*compiled->quantization);
    printRotationSummary(*compiled->quantization);
    printReparameterizationSummary(*compiled->quantization);
    if (compiled->quantization->search)
      printSearchSummary(*compiled->quantization->search);
    if (compiled->quantization->mixed)
      printMixedSummary(*compiled->quantization->mixed);
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

/// The slowest layers of a profiled run (the rest are in profile.json).
static void printProfile(const quantc::RunProfile &profile) {
  constexpr size_t kShown = 25;
  outs() << format("profile: %.2f ms per run over %lld runs, %.2f ms in "
                   "%zu layers' loop nests and kernels:\n",
                   profile.totalMs, (long long)profile.runs, profile.callsMs,
                   profile.entries.size());
  outs() << "       ms   share  calls  kind         layer\n";
  for (const quantc::ProfileEntry &entry :
       llvm::ArrayRef(profile.entries)
           .take_front(std::min(kShown, profile.entries.size())))
    outs() << format("%9.2f  %5.1f%%  %5lld  %-11s  ", entry.ms,
                     100 * entry.ms / profile.totalMs, (long long)entry.calls,
                     entry.kind.c_str())
           << entry.name << "\n";
  if (profile.entries.size() > kShown)
    outs() << "  ... " << profile.entries.size() - kShown
           << " more in profile.json\n";
  outs() << format("%9.2f  %5.1f%%         outside the layers (allocation, "
                   "result copies)\n",
                   profile.totalMs - profile.callsMs,
                   100 * (profile.totalMs - profile.callsMs) / profile.totalMs);
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
    printSmoothingSummary(*result->quantization);
    printRotationSummary(*result->quantization);
    printReparameterizationSummary(*result->quantization);
    if (result->quantization->search)
      printSearchSummary(*result->quantization->search);
    if (result->quantization->mixed) {
      printMixedSummary(*result->quantization->mixed);
      Expected<std::string> path =
          writeMixedPrecision(*result->quantization->mixed, run.outputDir);
      if (!path)
        return fail(path.takeError());
      outs() << *path << "\n";
    }
  }
  if (result->serialDespiteThreads)
    WithColor::warning(errs(), "quantc")
        << quantc::kSerialDespiteThreadsNote << "\n";
  for (const std::string &path : result->written)
    outs() << path << "\n";
  if (result->batch)
    outs() << "ran " << result->samples << " samples; outputs in "
           << run.outputDir << "\n";
  if (result->latencyMs)
    outs() << format("latency ms: %.2f\nmedian latency ms: %.2f\n",
                     *result->latencyMs, *result->medianLatencyMs);
  if (result->profile)
    printProfile(*result->profile);
  return 0;
}

static int kernelCommandMain() {
  KernelRequest kernel = kernelRequest();
  Expected<std::vector<std::string>> written = quantc::writeGemmKernel(
      kernel.kind, kernel.shape, kernel.group, kernel.target, kernel.dir,
      kernel.emulateTiles, kernel.blocking);
  if (!written)
    return fail(written.takeError());
  for (const std::string &path : *written)
    outs() << path << "\n";
  return 0;
}

static int tuneKernelsCommandMain() {
  Expected<quantc::KernelTuningOptions> options = tuningOptions();
  if (!options)
    return fail(options.takeError());
  Expected<quantc::KernelTuningResult> result =
      quantc::tuneGemmBlocking(*options);
  if (!result)
    return fail(result.takeError());
  outs() << "cpu: " << result->cpu << " (" << result->cpuModel << ")\n";
  outs() << format("int8 GEMM %lldx%lldx%lld, single thread, median of %lld "
                   "interleaved runs:\n",
                   (long long)options->m, (long long)options->n,
                   (long long)options->k, (long long)options->rounds);
  outs() << "  blocking                    ms    GOP/s  vs default\n";
  double defaultMs = result->candidates.front().milliseconds;
  for (const quantc::MeasuredBlocking &candidate : result->candidates)
    outs() << format("  %-22s %7.2f  %7.1f  %9.2fx%s\n",
                     quantc::formatGemmBlocking(candidate.blocking).c_str(),
                     candidate.milliseconds, candidate.gigaOpsPerSecond,
                     defaultMs / candidate.milliseconds,
                     candidate.blocking == result->best.blocking ? "  chosen"
                                                                 : "");
  if (result->savedTo.empty())
    outs() << "not cached (--dry-run)\n";
  else
    outs() << "cached for " << result->cpu << ": " << result->savedTo << "\n";
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
  if (tuneKernelsCommand)
    return tuneKernelsCommandMain();
  return fail("give a command: run, compile, calibrate, kernel or "
              "tune-kernels (see --help)");
}
