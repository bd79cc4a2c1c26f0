//===- JitModel.h - run a qc module through MLIR's ExecutionEngine -*- C++
//-*-===//
//
// Part of quantc. Lowers a module's `main` (float qc, static shapes) with
// qc-lower-to-llvm, JIT-compiles it at -O3 for the host and calls it on
// host arrays.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DRIVER_JITMODEL_H
#define QUANTC_DRIVER_JITMODEL_H

#include "quantc/Driver/HostArray.h"
#include "quantc/Kernels/GemmBlocking.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"

#include <memory>
#include <string>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace llvm {
class TargetMachine;
} // namespace llvm

namespace quantc {

/// This CPU's TargetMachine (the native target initialized): LLVM's
/// optimizer needs it, or the loop vectorizer sees no vector registers and
/// leaves every loop scalar.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>> hostTargetMachine();

class JitModel {
public:
  /// A host function the compiled code may call, by symbol name.
  struct HostSymbol {
    std::string name;
    void *address;
  };

  /// How the JIT lowers a module.
  struct Options {
    /// Quantized matmuls call the generated GEMM kernels where this CPU
    /// has their dot-product instructions (the result is the same,
    /// exactly).
    bool gemmKernels = true;
    /// With the AVX-512 VNNI kernels: direct int8 convolutions where they
    /// apply (the same result).
    bool directConv = true;
    /// Lower as for a GPU target and run every kernel launch as host loops
    /// over its blocks and threads: the kernels' own code, checked without
    /// a GPU (slow).
    bool emulateGpu = false;
    /// Time every loop nest and kernel call of @main (profile()).
    bool profile = false;
    /// 1: serial code. N > 1: large loop nests and GEMM kernels run on N
    /// OpenMP threads (libomp is loaded); 0: as many as OpenMP chooses.
    int64_t threads = 1;
    /// The AVX-512 VNNI GEMM kernels' blocking (the same result for any).
    GemmBlocking gemmBlocking;
  };

  /// Lowers and compiles `module` (consumed). `main` must take and return
  /// statically shaped tensors of numeric element types. `symbols` are host
  /// functions the module calls (hooks).
  static llvm::Expected<std::unique_ptr<JitModel>>
  compile(mlir::ModuleOp module, llvm::ArrayRef<HostSymbol> symbols = {});
  static llvm::Expected<std::unique_ptr<JitModel>>
  compile(mlir::ModuleOp module, llvm::ArrayRef<HostSymbol> symbols,
          const Options &options);
  ~JitModel();

  /// Runs the model; inputs in `main`'s argument order.
  llvm::Expected<std::vector<HostArray>> run(llvm::ArrayRef<HostArray> inputs);

  llvm::ArrayRef<mlir::RankedTensorType> inputTypes() const { return inputs; }
  llvm::ArrayRef<mlir::RankedTensorType> outputTypes() const { return outputs; }
  /// The host element types of the inputs and outputs (integers unsigned
  /// where @main's argument or result has `onnx.unsigned`).
  llvm::ArrayRef<ElementType> inputElementTypes() const {
    return inputElements;
  }
  llvm::ArrayRef<ElementType> outputElementTypes() const {
    return outputElements;
  }
  /// ONNX names of the inputs and outputs ("input<i>", "output<i>" where
  /// @main has none).
  llvm::ArrayRef<std::string> inputNames() const { return inputNameList; }
  llvm::ArrayRef<std::string> outputNames() const { return outputNameList; }

  /// One timed call of @main (compiled with `profile`): its location's
  /// name (the ONNX node) and callee (a loop nest or a kernel), with the
  /// time spent in it and how often it ran, over every run() since the
  /// last resetProfile().
  struct ProfileSite {
    std::string name, callee;
    double seconds = 0;
    int64_t calls = 0;
  };
  llvm::ArrayRef<ProfileSite> profile() const { return profileSites; }
  /// OpenMP parallel regions in the compiled code: 0 with threads != 1
  /// when quantc-parallelize-loops found the model too small for a team.
  int64_t parallelRegions() const { return parallelRegionCount; }
  void resetProfile();

private:
  JitModel() = default;
  std::unique_ptr<mlir::ExecutionEngine> engine;
  llvm::SmallVector<mlir::RankedTensorType> inputs, outputs;
  llvm::SmallVector<ElementType> inputElements, outputElements;
  std::vector<std::string> inputNameList, outputNameList;
  std::vector<ProfileSite> profileSites;
  int64_t parallelRegionCount = 0;
};

} // namespace quantc

#endif // QUANTC_DRIVER_JITMODEL_H
