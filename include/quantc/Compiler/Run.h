//===- Run.h - the run, calibrate and kernel flows of quantc ----*- C++ -*-===//
//
// Part of quantc. The flows of `quantc run`, `quantc calibrate` and
// `quantc kernel` over the stages of Compiler.h, with files in and out, so
// that C++, C and Python callers get exactly what the driver does.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_COMPILER_RUN_H
#define QUANTC_COMPILER_RUN_H

#include "quantc/Compiler/Compiler.h"

#include <optional>
#include <string>
#include <vector>

namespace quantc {

/// A model input: a file (.npy, ONNX TensorProto .pb, an image), or a
/// folder of samples run one after the other.
struct RunInput {
  std::string name;
  std::string path;
};

struct RunOptions {
  /// Every model input, by ONNX name; all files, or all folders holding as
  /// many samples.
  std::vector<RunInput> inputs;
  /// Outputs go to <dir>/<output>.npy, or <dir>/<output>/<sample>.npy for
  /// folders.
  std::string outputDir;
  /// Also time this many runs of the last sample.
  unsigned benchmarkRuns = 0;
  /// Time every loop nest and kernel call: over the benchmark runs when
  /// there are some, else over the samples' runs.
  bool profile = false;
};

/// Where a run's time went, per layer (the calls whose location names it)
/// or per callee when a call has no name.
struct ProfileEntry {
  std::string name;
  /// Mean milliseconds per run, and the calls (loop nests, kernels) of
  /// one run that make it up.
  double ms = 0;
  int64_t calls = 0;
  /// "nest", "kernel" or "nest+kernel".
  std::string kind;
  /// Each call's callee (a loop nest or kernel function) and its mean
  /// milliseconds per run, in program order.
  std::vector<std::pair<std::string, double>> parts;
};

struct RunProfile {
  int64_t runs = 0;
  /// Wall time per run, and what the timed calls add up to (the rest is
  /// @main's own work: allocations, copies of results).
  double totalMs = 0, callsMs = 0;
  /// Slowest first.
  std::vector<ProfileEntry> entries;
};

struct RunResult {
  /// The files written (one sample: every output; folders: none listed).
  std::vector<std::string> written;
  size_t samples = 0;
  /// Whether the inputs were folders.
  bool batch = false;
  /// Mean and median latency of the benchmark runs (the median is the
  /// steadier figure on a shared machine).
  std::optional<double> latencyMs, medianLatencyMs;
  std::optional<QuantizationSummary> quantization;
  std::optional<RunProfile> profile;
  /// Whether --threads asked for threads but the model runs serially (too
  /// little work for a team: quantc-parallelize-loops' model-min-work).
  bool serialDespiteThreads = false;
};

/// `quantc run`: import (input shapes from the first samples unless
/// given), quantize when options ask, JIT-compile, run every sample and
/// write the outputs. Progress goes to options.progress per sample.
llvm::Expected<RunResult> runModel(const CompileOptions &options,
                                   const RunOptions &run);

/// `quantc calibrate`: import (a single input's shape from the first
/// sample unless given), prepare (BatchNorm folding), stream the samples of
/// `folder` and write the cache to `cachePath`.
llvm::Expected<CalibrationResult>
calibrateToCache(const CompileOptions &options, llvm::StringRef folder,
                 llvm::StringRef cachePath);

/// `quantc kernel`: one low-bit GEMM kernel (gemm-u8s8, gemm-u8s4 with
/// `group`, gemm-u8t2) of shape "MxNxK" for `target`, written as
/// <dir>/<symbol>.o (.ptx for GPU targets) and <symbol>.h; returns the
/// paths. `emulateTiles`: see emitGemmKernel; `blocking`: see
/// TargetOptions::gemmBlocking.
llvm::Expected<std::vector<std::string>>
writeGemmKernel(llvm::StringRef kind, llvm::StringRef shape, int64_t group,
                llvm::StringRef target, llvm::StringRef dir,
                bool emulateTiles = false, llvm::StringRef blocking = "auto");

} // namespace quantc

#endif // QUANTC_COMPILER_RUN_H
