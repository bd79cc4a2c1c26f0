//===- Passes.h - quantc conversion passes ----------------------*- C++ -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CONVERSION_PASSES_H
#define QUANTC_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassOptions.h"

namespace quantc {

#define GEN_PASS_DECL
#include "quantc/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "quantc/Conversion/Passes.h.inc"

/// The options of `qc-lower-to-llvm`, so that quant-opt replays exactly the
/// lowering quantc runs: `qc-lower-to-llvm{gemm-kernels=avx512vnni
/// runtime-allocator=true}`. buildQCLowerToLLVMPipeline takes the same.
struct QCLowerToLLVMOptions
    : public mlir::PassPipelineOptions<QCLowerToLLVMOptions> {
  Option<std::string> gemmKernels{
      *this, "gemm-kernels",
      llvm::cl::desc("ISA of the generated GEMM kernels quantized matmuls "
                     "call: avx512vnni, avx2, neon-dot, neon-i8mm or amx; "
                     "empty: generic integer loops"),
      llvm::cl::init("")};
  Option<bool> directConv{
      *this, "direct-conv",
      llvm::cl::desc("with gemm-kernels=avx512vnni: int8 convolutions with "
                     "rows of at least 16 output pixels run as direct "
                     "convolutions over channel quads instead of GEMM "
                     "kernels over their patches"),
      llvm::cl::init(true)};
  Option<int64_t> maskedLanes{
      *this, "masked-lanes",
      llvm::cl::desc("lanes of the masked vector chunks short elementwise "
                     "rows run in (quantc-vectorize-short-rows), for targets "
                     "with masked loads and stores (16 for AVX-512); 0: "
                     "none, rows are left to LLVM's loop vectorizer"),
      llvm::cl::init(0)};
  Option<int64_t> rowReductionLanes{
      *this, "row-reduction-lanes",
      llvm::cl::desc("lanes of the partial-result vectors reductions along "
                     "contiguous rows run in "
                     "(quantc-vectorize-row-reductions); the same on every "
                     "target, so that float sums round alike; 0: none, "
                     "scalar loops in order"),
      llvm::cl::init(16)};
  Option<bool> emulateAmxTiles{
      *this, "emulate-amx-tiles",
      llvm::cl::desc("with gemm-kernels=amx: the AMX kernels' tile "
                     "instructions as AVX-512 VNNI code of the same "
                     "semantics (a test aid for hosts without AMX)"),
      llvm::cl::init(false)};
  Option<int64_t> panelGroupKiB{
      *this, "panel-group-kib",
      llvm::cl::desc("the GEMM kernels' KiB of packed B per panel group "
                     "(qc-define-gemm-kernels)"),
      llvm::cl::init(512)};
  Option<int64_t> blockColumns{
      *this, "block-columns",
      llvm::cl::desc("the GEMM kernels' columns per multi-row register "
                     "block: 64 or 32 (qc-define-gemm-kernels)"),
      llvm::cl::init(64)};
  Option<bool> runtimeAllocator{
      *this, "runtime-allocator",
      llvm::cl::desc("allocate buffers through libquantc_runtime's cache "
                     "(compiled objects) instead of malloc/free"),
      llvm::cl::init(false)};
  Option<bool> profile{
      *this, "profile",
      llvm::cl::desc("time every loop nest and kernel call of @main "
                     "(quantc_profile_enter / _exit, which the JIT "
                     "provides)"),
      llvm::cl::init(false)};
  Option<int64_t> threads{
      *this, "threads",
      llvm::cl::desc("1: serial code; N > 1: the outer parallel loop of "
                     "each large nest and GEMM kernel runs on N OpenMP "
                     "threads; 0: on as many as the OpenMP runtime chooses "
                     "(OMP_NUM_THREADS, omp_set_num_threads). Code that "
                     "is not 1 calls libomp"),
      llvm::cl::init(1)};
};

/// Adds the lowering from qc to the LLVM dialect: convert-qc-to-linalg,
/// one-shot bufferization, linalg to loops, then to LLVM. With
/// `gemmKernels` (avx512vnni, avx2, neon-dot or neon-i8mm), quantized
/// matmuls the generated kernels can take call them (qc-select-gemm-kernels
/// first; an unknown ISA is reported when the pipeline runs). With
/// `runtimeAllocator`, buffers come from libquantc_runtime's
/// _mlir_memref_to_llvm_alloc / _free (which keep large ones for the next
/// call) instead of malloc / free. With `profile`, every loop nest and
/// kernel call of @main is timed (quantc-profile-calls). With `threads`
/// other than 1, large loop nests run on OpenMP threads
/// (quantc-parallelize-loops, convert-scf-to-openmp).
void buildQCLowerToLLVMPipeline(mlir::OpPassManager &pm,
                                const QCLowerToLLVMOptions &options);

/// One-shot bufferization of a whole module (identity layouts at function
/// boundaries), the deallocation pipeline and its lowering to memref.
void addQCBufferization(mlir::OpPassManager &pm);

/// The options of `qc-lower-to-gpu`; buildQCLowerToGPUPipeline takes the
/// same.
struct QCLowerToGPUOptions
    : public mlir::PassPipelineOptions<QCLowerToGPUOptions> {
  Option<std::string> chip{*this, "chip", llvm::cl::desc("NVIDIA architecture"),
                           llvm::cl::init("sm_90")};
  Option<std::string> features{*this, "features",
                               llvm::cl::desc("PTX ISA version feature"),
                               llvm::cl::init("+ptx78")};
  Option<std::string> moduleName{
      *this, "module-name",
      llvm::cl::desc("name of the gpu.module holding every kernel"),
      llvm::cl::init("kernels")};
  Option<int64_t> blockSize{*this, "block-size",
                            llvm::cl::desc("threads per block"),
                            llvm::cl::init(256)};
  Option<bool> emulate{*this, "emulate",
                       llvm::cl::desc("run each kernel launch as host loops"),
                       llvm::cl::init(false)};
  Option<bool> runtimeAllocator{
      *this, "runtime-allocator",
      llvm::cl::desc("host buffers through libquantc_runtime's cache"),
      llvm::cl::init(false)};
};

/// Adds the lowering from qc to NVIDIA GPU kernels (PTX in a gpu.binary)
/// and a host side calling the mgpu* runtime, all in the LLVM dialect.
void buildQCLowerToGPUPipeline(mlir::OpPassManager &pm,
                               const QCLowerToGPUOptions &options);

/// Registers the dialects qc's pipelines produce (quant, func, arith, math,
/// tensor, linalg, bufferization, memref, scf, vector, llvm, the target
/// vector dialects, gpu, nvvm) and the interface implementations lowering
/// and translation need. quantc::registerAllDialects (InitAll.h) calls it.
void registerLoweringDialects(mlir::DialectRegistry &registry);

/// Runs a textual pipeline rooted at the module ("builtin.module(...)", as
/// quant-opt --pass-pipeline takes it) on `module`, registering quantc's
/// named pipelines on first use. A pipeline that does not parse is
/// reported on the module.
mlir::LogicalResult runQCPipeline(mlir::ModuleOp module,
                                  llvm::StringRef pipeline);

/// Registers `qc-lower-to-llvm` and `qc-lower-to-gpu` as named pipelines.
void registerQCPipelines();

} // namespace quantc

#endif // QUANTC_CONVERSION_PASSES_H
