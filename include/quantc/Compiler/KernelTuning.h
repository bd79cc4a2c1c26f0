//===- KernelTuning.h - measure the GEMM kernels' blocking here --*- C++
//-*-===//
//
// Part of quantc. `quantc tune-kernels`: builds the int8 AVX-512 VNNI GEMM
// kernel with each candidate blocking (GemmBlocking.h), runs them on this
// machine in interleaved rounds, checks that they all give the same
// result, and caches the fastest for this micro-architecture, where
// compiles for target host or native find it.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_COMPILER_KERNELTUNING_H
#define QUANTC_COMPILER_KERNELTUNING_H

#include "quantc/Driver/Progress.h"
#include "quantc/Kernels/GemmBlocking.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace quantc {

struct KernelTuningOptions {
  /// The int8 GEMM measured, MxNxK: large enough that B (N x K bytes)
  /// spills the L2 cache of any core, as the layers that need blocking do.
  int64_t m = 256, n = 4096, k = 4096;
  /// Timed runs of each candidate, interleaved (round r runs every
  /// candidate once), so that a neighbour's burst hits all alike.
  int64_t rounds = 7;
  /// Where the result goes (defaultTuningCachePath()); empty: not saved.
  std::string cachePath;
  ProgressCallback progress;
};

struct MeasuredBlocking {
  GemmBlocking blocking;
  /// The median over the rounds.
  double milliseconds = 0;
  double gigaOpsPerSecond = 0;
};

struct KernelTuningResult {
  /// LLVM's name of this CPU (the cache's key) and its model name.
  std::string cpu, cpuModel;
  /// In the order measured; the first is the default blocking.
  std::vector<MeasuredBlocking> candidates;
  /// The fastest if it beats the default by 3% or more, else the default;
  /// and where it was saved ("" when not).
  MeasuredBlocking best;
  std::string savedTo;
};

/// The candidates: panel groups of 256 KiB to 2 MiB, register blocks of 64
/// and 32 columns.
std::vector<GemmBlocking> gemmBlockingCandidates();

/// Measures the candidates on this machine (which needs AVX-512 VNNI) and
/// caches the fastest; an error if any candidate's result differs from the
/// default's.
llvm::Expected<KernelTuningResult>
tuneGemmBlocking(const KernelTuningOptions &options);

} // namespace quantc

#endif // QUANTC_COMPILER_KERNELTUNING_H
