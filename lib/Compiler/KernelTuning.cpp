//===- KernelTuning.cpp - measure the GEMM kernels' blocking here ---------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Compiler/KernelTuning.h"

#include "quantc/Driver/JitModel.h"
#include "quantc/Kernels/LowBitGemm.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/Host.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>

using namespace quantc;

/// How much faster than the default a candidate must be to be chosen.
constexpr double kMinGain = 0.97;

static llvm::Error tuningError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::vector<GemmBlocking> quantc::gemmBlockingCandidates() {
  std::vector<GemmBlocking> candidates = {GemmBlocking{}};
  for (int64_t columns : {64, 32})
    for (int64_t group : {256, 512, 1024, 2048})
      if (!(GemmBlocking{group, columns} == candidates.front()))
        candidates.push_back({group, columns});
  return candidates;
}

/// The "model name" line of /proc/cpuinfo, for people reading the result.
static std::string cpuModelName() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line))
    if (line.rfind("model name", 0) == 0)
      if (size_t colon = line.find(':'); colon != std::string::npos)
        return line.substr(line.find_first_not_of(' ', colon + 1));
  return "";
}

namespace {
using KernelFunction = void (*)(const uint8_t *, const uint8_t *, int32_t *);

/// One candidate's kernel, JIT-compiled for this CPU.
struct CompiledKernel {
  std::unique_ptr<mlir::ExecutionEngine> engine;
  KernelFunction function = nullptr;
};
} // namespace

static llvm::Expected<CompiledKernel>
compileKernel(const GemmShape &shape, const GemmBlocking &blocking,
              llvm::TargetMachine &machine) {
  mlir::MLIRContext context;
  context.loadDialect<mlir::arith::ArithDialect, mlir::func::FuncDialect,
                      mlir::LLVM::LLVMDialect, mlir::memref::MemRefDialect,
                      mlir::scf::SCFDialect, mlir::vector::VectorDialect>();
  mlir::registerBuiltinDialectTranslation(context);
  mlir::registerLLVMDialectTranslation(context);
  auto module = mlir::ModuleOp::create(mlir::UnknownLoc::get(&context));
  const char *name = "quantc_tuned_gemm";
  buildLowBitGemm(module, name, shape, KernelIsa::Avx512Vnni, TileCode::Amx,
                  blocking);
  if (mlir::failed(lowerKernelsToLLVM(module))) {
    module->erase();
    return tuningError("lowering the " + formatGemmBlocking(blocking) +
                       " kernel failed");
  }
  std::function<llvm::Error(llvm::Module *)> optimize =
      mlir::makeOptimizingTransformer(3, 0, &machine);
  mlir::ExecutionEngineOptions options;
  options.transformer = optimize;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  auto engine = mlir::ExecutionEngine::create(module, options);
  module->erase();
  if (!engine)
    return engine.takeError();
  auto address = (*engine)->lookup(name);
  if (!address)
    return address.takeError();
  CompiledKernel kernel;
  kernel.function = reinterpret_cast<KernelFunction>(*address);
  kernel.engine = std::move(*engine);
  return kernel;
}

llvm::Expected<KernelTuningResult>
quantc::tuneGemmBlocking(const KernelTuningOptions &options) {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (!features.lookup("avx512vnni"))
    return tuningError("tune-kernels measures the AVX-512 VNNI GEMM kernels "
                       "(their blocking is all there is to tune); this CPU "
                       "has no AVX-512 VNNI");
  GemmShape shape;
  shape.m = options.m;
  shape.n = options.n;
  shape.k = options.k;
  std::string unsupported = vnniGemmUnsupported(shape);
  if (!unsupported.empty() || options.rounds < 1)
    return tuningError("cannot tune on " + std::to_string(shape.m) + "x" +
                       std::to_string(shape.n) + "x" + std::to_string(shape.k) +
                       (unsupported.empty() ? ": rounds must be positive"
                                            : ": " + unsupported));
  auto machine = hostTargetMachine();
  if (!machine)
    return machine.takeError();

  // Random operands; B packed once, 64-byte aligned as the kernels want it.
  std::mt19937 random(7);
  std::vector<uint8_t> a(shape.m * shape.k);
  std::vector<int8_t> b(shape.k * shape.n);
  for (uint8_t &value : a)
    value = random() & 0xFF;
  for (int8_t &value : b)
    value = static_cast<int8_t>(random() & 0xFF);
  std::vector<uint8_t> packedBytes =
      packLowBitWeights(b, shape.k, shape.n, WeightFormat::Int8);
  std::unique_ptr<uint8_t, decltype(&std::free)> packed(
      static_cast<uint8_t *>(
          std::aligned_alloc(64, (packedBytes.size() + 63) / 64 * 64)),
      &std::free);
  std::copy(packedBytes.begin(), packedBytes.end(), packed.get());
  std::vector<int32_t> expected(shape.m * shape.n), c(shape.m * shape.n);

  KernelTuningResult result;
  result.cpu = llvm::sys::getHostCPUName().str();
  result.cpuModel = cpuModelName();
  std::vector<GemmBlocking> candidates = gemmBlockingCandidates();
  std::vector<CompiledKernel> kernels;
  ProgressCounter building(options.progress, "building kernels",
                           candidates.size());
  for (const GemmBlocking &blocking : candidates) {
    auto kernel = compileKernel(shape, blocking, **machine);
    if (!kernel)
      return kernel.takeError();
    // A warm-up run, which also checks the result against the default's.
    std::fill(c.begin(), c.end(), 0x5A5A5A5A);
    kernel->function(a.data(), packed.get(), c.data());
    if (kernels.empty())
      expected = c;
    else if (c != expected)
      return tuningError("the " + formatGemmBlocking(blocking) +
                         " kernel's result differs from the default "
                         "blocking's: a kernel bug, nothing was cached");
    kernels.push_back(std::move(*kernel));
    building.step();
  }

  std::vector<std::vector<double>> times(candidates.size());
  ProgressCounter timing(options.progress, "timing kernels",
                         options.rounds * candidates.size());
  for (int64_t round = 0; round < options.rounds; ++round)
    for (size_t i = 0; i < kernels.size(); ++i) {
      auto start = std::chrono::steady_clock::now();
      kernels[i].function(a.data(), packed.get(), c.data());
      std::chrono::duration<double, std::milli> elapsed =
          std::chrono::steady_clock::now() - start;
      times[i].push_back(elapsed.count());
      timing.step();
    }
  double ops = 2.0 * shape.m * shape.n * shape.k;
  for (size_t i = 0; i < candidates.size(); ++i) {
    std::vector<double> &runs = times[i];
    std::nth_element(runs.begin(), runs.begin() + runs.size() / 2, runs.end());
    double median = runs[runs.size() / 2];
    result.candidates.push_back({candidates[i], median, ops / median / 1e6});
  }
  // The default stays unless a candidate beats it by more than the noise
  // of a shared machine (runs of one blocking spread by a few percent).
  result.best = result.candidates.front();
  for (const MeasuredBlocking &candidate : result.candidates)
    if (candidate.milliseconds <
        std::min(result.best.milliseconds,
                 result.candidates.front().milliseconds * kMinGain))
      result.best = candidate;
  if (!options.cachePath.empty()) {
    char measured[160];
    std::snprintf(measured, sizeof(measured),
                  "%.1f GOP/s, default %.1f, int8 %lldx%lldx%lld",
                  result.best.gigaOpsPerSecond,
                  result.candidates.front().gigaOpsPerSecond,
                  (long long)shape.m, (long long)shape.n, (long long)shape.k);
    if (llvm::Error err = writeTunedGemmBlocking(
            options.cachePath, result.cpu, result.best.blocking, measured))
      return std::move(err);
    result.savedTo = options.cachePath;
  }
  return result;
}
