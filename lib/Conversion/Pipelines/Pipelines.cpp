//===- Pipelines.cpp - quantc's lowering pipelines ------------------------===//
//
// Part of quantc. `qc-lower-to-llvm`: float qc -> linalg on tensors ->
// one-shot bufferization -> loops -> LLVM dialect.
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/Passes.h"
#include "quantc/Dialect/QC/Transforms/Passes.h"
#include "quantc/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include <mutex>

using namespace mlir;

void quantc::addQCBufferization(OpPassManager &pm) {
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  // Also for values whose layout bufferization cannot infer, such as an
  // scf.if result (a precision switch): a fully dynamic layout there
  // defeats the static-stride subviews of the tiled convolutions.
  bufferize.unknownTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::buildBufferDeallocationPipeline(pm);
  // Lowers the clones and deallocations the pipeline above inserts.
  pm.addPass(createConvertBufferizationToMemRefPass());
}

void quantc::buildQCLowerToLLVMPipeline(OpPassManager &pm,
                                        const QCLowerToLLVMOptions &options) {
  bool gemmKernels = !options.gemmKernels.empty();
  if (gemmKernels) {
    QCSelectGemmKernelsOptions select;
    select.isa = options.gemmKernels;
    select.directConv = options.directConv;
    pm.addPass(createQCSelectGemmKernels(select));
  }
  pm.addNestedPass<func::FuncOp>(createConvertQCToLinalg());
  pm.addPass(createCanonicalizerPass());
  // Tiled before elementwise fusion, which folds reshapes into named
  // matmuls and turns them into generics the tiling does not take (a
  // pointwise convolution's matmul, for one).
  pm.addNestedPass<func::FuncOp>(createTileAndVectorize());
  pm.addPass(createLinalgElementwiseOpFusionPass());
  // After fusion, so that the whole fused chain writes the padded buffer.
  pm.addNestedPass<func::FuncOp>(createFusePadsIntoProducers());
  // After the pads, so that a fused op writes its quantized value into the
  // padded buffer too.
  pm.addNestedPass<func::FuncOp>(createFuseSharedProducers());
  pm.addPass(createCanonicalizerPass());
  addQCBufferization(pm);
  if (gemmKernels)
    pm.addPass(createQCDefineGemmKernels({options.emulateAmxTiles,
                                          options.panelGroupKiB,
                                          options.blockColumns}));
  pm.addNestedPass<func::FuncOp>(createCopiesToLoops());
  // Reductions along contiguous rows in vector registers, before the
  // interchange below puts a parallel loop innermost. The same lanes for
  // every target: an AArch64 object sums as the x86 one does.
  VectorizeRowReductionsOptions rowReductions;
  rowReductions.lanes = options.rowReductionLanes;
  pm.addNestedPass<func::FuncOp>(createVectorizeRowReductions(rowReductions));
  // Innermost loops parallel and unit-stride, for LLVM's loop vectorizer.
  pm.addNestedPass<func::FuncOp>(createLinalgInnermostParallel());
  // Rows LLVM's vectorizer would leave scalar, as masked vector chunks.
  VectorizeShortRowsOptions shortRows;
  shortRows.lanes = options.maskedLanes;
  pm.addNestedPass<func::FuncOp>(createVectorizeShortRows(shortRows));
  // Marks the loops of parallel dimensions for the threads below.
  pm.addNestedPass<func::FuncOp>(createLinalgToLoops());
  // exp, tanh, erf, log as polynomials the loop vectorizer takes (a libm
  // call per element otherwise): softmax, swish, GELU.
  pm.addNestedPass<func::FuncOp>(createApproximateMath());
  // One function per loop nest: LLVM's loop passes are quadratic in the
  // loops of one function.
  pm.addPass(createOutlineLoopNests());
  if (options.profile)
    pm.addPass(createProfileCalls());
  if (options.threads != 1) {
    ParallelizeLoopsOptions parallelize;
    parallelize.threads = options.threads;
    // The profile's timers around every call leave each nest a region of
    // its own (quantc-merge-parallel-regions stops at them): a fork per
    // nest, which only nests of 2^17 element operations and up pay for.
    if (options.profile)
      parallelize.minWork = 1 << 17;
    pm.addPass(createParallelizeLoops(parallelize));
    ConvertSCFToOpenMPPassOptions openmp;
    openmp.numThreads = unsigned(std::max<int64_t>(options.threads, 0));
    pm.addPass(createConvertSCFToOpenMPPass(openmp));
    // Inlines the memref.alloca_scope that wraps each parallel body (it
    // holds no allocas here): scf-to-cf would give it several blocks,
    // which the op does not allow.
    pm.addPass(createCanonicalizerPass());
    // One team for each run of those nests: a barrier between nests
    // instead of a fork and a join.
    pm.addPass(createMergeParallelRegions());
  }
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  // The AMX kernels' tiles, before any conversion that cannot type them.
  if (options.gemmKernels == "amx")
    pm.addPass(createQCLowerAmxTiles());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // Reductions left by the convolution vectorizer, then vector to loops.
  pm.addNestedPass<func::FuncOp>(vector::createLowerVectorMultiReductionPass(
      vector::VectorMultiReductionLowering::InnerParallel));
  pm.addPass(createConvertVectorToSCFPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  ConvertVectorToLLVMPassOptions vectorOptions;
  vectorOptions.vectorContractLowering =
      vector::VectorContractLowering::OuterProduct;
  pm.addPass(createConvertVectorToLLVMPass(vectorOptions));
  FinalizeMemRefToLLVMConversionPassOptions memrefOptions;
  memrefOptions.useGenericFunctions = options.runtimeAllocator;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefOptions));
  // Ops with an LLVM intrinsic become it first: math-to-libm would make
  // roundeven (every quantize) a scalar roundevenf call per element, which
  // no loop vectorizes; the intrinsic is one vroundps / frintn per vector.
  // erf and friends have no intrinsic: they call libm.
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  if (options.threads != 1)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

LogicalResult quantc::runQCPipeline(ModuleOp module, StringRef pipeline) {
  static std::once_flag registered;
  std::call_once(registered, registerQCPipelines);
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  FailureOr<OpPassManager> parsed = parsePassPipeline(pipeline, errorStream);
  if (failed(parsed))
    return module.emitError("bad pass pipeline '")
           << pipeline << "': " << errors;
  PassManager pm(module.getContext(), parsed->getOpAnchorName());
  static_cast<OpPassManager &>(pm) = *parsed;
  return pm.run(module);
}

void quantc::registerQCPipelines() {
  PassPipelineRegistration<QCLowerToLLVMOptions>(
      "qc-lower-to-llvm",
      "lower qc to the LLVM dialect (linalg, bufferization, loops), "
      "quantized matmuls through the GEMM kernels of an ISA",
      [](OpPassManager &pm, const QCLowerToLLVMOptions &options) {
        buildQCLowerToLLVMPipeline(pm, options);
      });
  PassPipelineRegistration<QCLowerToGPUOptions>(
      "qc-lower-to-gpu",
      "lower qc to NVIDIA kernels (PTX in a gpu.binary) and a host "
      "side calling the mgpu* runtime, in the LLVM dialect",
      [](OpPassManager &pm, const QCLowerToGPUOptions &options) {
        buildQCLowerToGPUPipeline(pm, options);
      });
  PassPipelineRegistration<>(
      "qc-lower-to-gpu-emulated",
      "lower qc as for a GPU but run each kernel launch as host loops",
      [](OpPassManager &pm) {
        QCLowerToGPUOptions options;
        options.emulate = true;
        buildQCLowerToGPUPipeline(pm, options);
      });
}
