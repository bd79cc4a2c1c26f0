//===- GpuPipeline.cpp - qc to NVIDIA GPU kernels and a host side ---------===//
//
// Part of quantc. `qc-lower-to-gpu`: float or quantized qc -> linalg ->
// bufferization -> scf.parallel -> one gpu.launch per loop nest ->
// buffers in device memory -> kernels outlined into one gpu.module ->
// NVVM -> PTX (gpu.binary), host calls into the mgpu* runtime -> LLVM.
// With `emulate`, the launches become host loops instead, to check the
// kernels' code on a machine without a GPU.
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/Passes.h"
#include "quantc/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

/// Scalar lowering shared by the host and (nested) the kernels.
static void addScalarLowering(OpPassManager &pm) {
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
}

void quantc::buildQCLowerToGPUPipeline(OpPassManager &pm,
                                       const QCLowerToGPUOptions &options) {
  pm.addNestedPass<func::FuncOp>(createConvertQCToLinalg());
  pm.addPass(createCanonicalizerPass());
  // One kernel per chain of elementwise ops, not one per op.
  pm.addPass(createLinalgElementwiseOpFusionPass());
  addQCBufferization(pm);
  pm.addNestedPass<func::FuncOp>(createCopiesToLoops());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  MapLoopsToGpuOptions mapping;
  mapping.blockSize = options.blockSize;
  pm.addNestedPass<func::FuncOp>(createMapLoopsToGpu(mapping));
  pm.addNestedPass<func::FuncOp>(createConvertParallelLoopToGpuPass());
  pm.addPass(createCanonicalizerPass());
  // Reductions accumulate in registers, not in global memory.
  pm.addNestedPass<func::FuncOp>(createPromoteAccumulators());
  ApproximateMathOptions approximate;
  approximate.expandOthers = true;
  pm.addNestedPass<func::FuncOp>(createApproximateMath(approximate));
  FinalizeMemRefToLLVMConversionPassOptions memrefOptions;
  memrefOptions.useGenericFunctions = options.runtimeAllocator;
  if (options.emulate) {
    pm.addNestedPass<func::FuncOp>(createEmulateGpuLaunches());
    addScalarLowering(pm);
    pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefOptions));
    // copysign (from asin's and atan's polynomials) and the other ops
    // with an LLVM intrinsic, as the kernels have them.
    pm.addPass(createConvertMathToLLVMPass());
    pm.addPass(createConvertMathToLibmPass());
    pm.addPass(createConvertToLLVMPass());
    pm.addPass(createReconcileUnrealizedCastsPass());
    return;
  }
  pm.addNestedPass<func::FuncOp>(createGpuDeviceMemory());
  pm.addPass(createGpuKernelOutliningPass());
  MergeGpuModulesOptions merge;
  merge.moduleName = options.moduleName;
  merge.chip = options.chip;
  merge.features = options.features;
  pm.addPass(createMergeGpuModules(merge));
  addScalarLowering(pm);
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  // sqrt, fma, floor, ceil as the PTX instructions; convert-gpu-to-nvvm
  // would call libdevice instead.
  kernels.addPass(createMathToNVVMIntrinsics());
  kernels.addPass(createConvertGpuOpsToNVVMOps());
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
  kernels.addPass(createReconcileUnrealizedCastsPass());
  pm.addNestedPass<func::FuncOp>(createGpuAsyncRegionPass());
  pm.addPass(createGpuToLLVMConversionPass());
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = "isa";
  pm.addPass(createGpuModuleToBinaryPass(binary));
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefOptions));
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}
