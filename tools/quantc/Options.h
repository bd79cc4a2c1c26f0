//===- Options.h - quantc's command line ------------------------*- C++ -*-===//
//
// Part of quantc. The driver's flags and their mapping onto the compiler
// library's options; quantc.cpp runs the commands.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TOOLS_QUANTC_OPTIONS_H
#define QUANTC_TOOLS_QUANTC_OPTIONS_H

#include "quantc/Compiler/KernelTuning.h"
#include "quantc/Compiler/Run.h"

#include "llvm/Support/CommandLine.h"

namespace quantc::driver {

extern llvm::cl::SubCommand runCommand, compileCommand, calibrateCommand,
    kernelCommand, tuneKernelsCommand;

/// Parses the command line; --help shows quantc's own options only.
void parseCommandLine(int argc, char **argv);

/// `run` and `compile`: every flag, validated (validateOptions).
llvm::Expected<CompileOptions> compileOptions();
/// `calibrate`: the model, its inputs and the preparation.
llvm::Expected<CompileOptions> calibrateOptions();
/// `run`: inputs, output folder, benchmark runs.
RunOptions runOptions();

/// `compile`: the output folder (empty when not given) and whether to
/// print the lowering pipeline instead of compiling.
std::string compileOutputDir();
bool printLoweringPipeline();

/// `calibrate`: the sample folder and the cache to write.
std::string calibrationFolder();
std::string calibrationCache();

/// `kernel`: what to emit.
struct KernelRequest {
  std::string kind, shape, target, dir;
  int64_t group;
  bool emulateTiles;
  std::string blocking;
};
KernelRequest kernelRequest();

/// `tune-kernels`: what to measure and where to cache it; errors for a
/// malformed --shape.
llvm::Expected<KernelTuningOptions> tuningOptions();

} // namespace quantc::driver

#endif // QUANTC_TOOLS_QUANTC_OPTIONS_H
