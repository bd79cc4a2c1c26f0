//===- ObjectEmitter.h - qc module to object file and C header --*- C++ -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TARGET_OBJECT_OBJECTEMITTER_H
#define QUANTC_TARGET_OBJECT_OBJECTEMITTER_H

#include "quantc/Kernels/GemmBlocking.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace quantc {

struct ObjectOptions {
  /// A --target name (see TargetSpec.h); "host" is this machine's.
  std::string target = "host";
  /// Name of the C entry point.
  std::string symbol = "quantc_main";
  /// Quantized matmuls call the generated GEMM kernels where the target
  /// has their dot-product instructions.
  bool gemmKernels = true;
  /// With the AVX-512 VNNI kernels: direct int8 convolutions where they
  /// apply.
  bool directConv = true;
  /// AMX targets: the AMX kernels' tile instructions as AVX-512 VNNI code
  /// of the same semantics (a test aid for hosts without AMX).
  bool emulateAmxTiles = false;
  /// The AVX-512 VNNI GEMM kernels' blocking (chooseGemmBlocking).
  GemmBlocking gemmBlocking;
  /// CPU targets: 1 serial; N > 1 large loop nests on N OpenMP threads; 0
  /// as many as the OpenMP runtime chooses. Not 1: the object calls libomp.
  int64_t threads = 1;
  /// For GPU targets: where the kernels' PTX goes besides the object
  /// (which embeds it and launches the kernels through the mgpu* runtime).
  llvm::raw_ostream *ptx = nullptr;
  /// Where the module entering the lowering pipeline (its @main renamed to
  /// <symbol>_impl) and the LLVM-dialect module leaving it are printed,
  /// when given: `quant-opt --pass-pipeline=<objectLoweringPipeline()>` on
  /// the first reproduces the second.
  llvm::raw_ostream *loweringInput = nullptr;
  llvm::raw_ostream *loweringOutput = nullptr;
  /// Set to the bytes of constant data (weights, tables) the object holds;
  /// for GPU targets, the kernels' PTX size instead.
  int64_t *emittedConstantBytes = nullptr;
  /// Set to the number of OpenMP parallel regions the lowering made: 0
  /// when `threads` != 1 but quantc-parallelize-loops found the model too
  /// small for a team (the header then says it runs serially).
  int64_t *parallelRegions = nullptr;
  /// Set to the number of GEMM kernels on AMX tiles (AMX targets).
  int64_t *amxKernels = nullptr;
};

struct TargetSpec;

/// The textual pass pipeline emitObjectFile lowers with, e.g.
/// `builtin.module(qc-lower-to-llvm{gemm-kernels=avx512vnni
/// runtime-allocator=true})`.
std::string objectLoweringPipeline(const ObjectOptions &options,
                                   const TargetSpec &spec);

/// Lowers `module` (its @main: static float32 tensors in and out; the
/// module is consumed) and writes a relocatable object whose entry point
/// is `void <symbol>(const float *in..., float *out...)` with the weights
/// embedded, and a C header declaring it. For a GPU target the object is
/// for this machine's architecture and runs every layer as kernels on the
/// GPU (runtime/quantc_gpu_runtime.c). Diagnostics go to the context.
mlir::LogicalResult emitObjectFile(mlir::ModuleOp module,
                                   const ObjectOptions &options,
                                   llvm::raw_pwrite_stream &object,
                                   llvm::raw_ostream &header);

/// Translates a module already in the LLVM dialect to LLVM IR, optimizes
/// it at -O3 for `spec` and writes a relocatable object, or with
/// `assembly` the target's assembly (PTX for GPU targets).
mlir::LogicalResult emitLLVMDialectObject(mlir::ModuleOp module,
                                          const TargetSpec &spec,
                                          llvm::raw_pwrite_stream &object,
                                          bool assembly = false);

/// Registers `--qc-to-object` (with `--object-target`) for
/// mlir-translate-style tools.
void registerObjectTranslation();

} // namespace quantc

#endif // QUANTC_TARGET_OBJECT_OBJECTEMITTER_H
