//===- MergeGpuModules.cpp - one gpu.module, one PTX file per model -------===//
//
// Part of quantc. gpu-kernel-outlining makes a gpu.module per kernel; a
// model with hundreds of layers would become hundreds of PTX files, each
// with its own copy of the weights several kernels share (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

namespace quantc {
#define GEN_PASS_DEF_MERGEGPUMODULES
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {
struct MergeGpuModulesPass
    : public quantc::impl::MergeGpuModulesBase<MergeGpuModulesPass> {
  using MergeGpuModulesBase::MergeGpuModulesBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<gpu::GPUModuleOp> outlined(module.getOps<gpu::GPUModuleOp>());
    if (outlined.empty())
      return;
    MLIRContext *context = module.getContext();
    OpBuilder b(context);
    b.setInsertionPoint(outlined.front());
    auto target = NVVM::NVVMTargetAttr::get(
        context, /*optLevel=*/3, "nvptx64-nvidia-cuda", chip, features);
    auto merged = gpu::GPUModuleOp::create(b, module.getLoc(), "__merged",
                                           b.getArrayAttr({target}));
    SymbolTable mergedSymbols(merged);
    // Renaming after the old module keeps kernel names unique; launches
    // are retargeted as each module is emptied.
    DenseMap<Attribute, SymbolRefAttr> retarget;
    for (gpu::GPUModuleOp old : outlined) {
      for (Operation &op :
           llvm::make_early_inc_range(old.getBody()->without_terminator())) {
        auto symbol = dyn_cast<SymbolOpInterface>(op);
        if (auto kernel = dyn_cast<gpu::GPUFuncOp>(op)) {
          SymbolRefAttr from = SymbolRefAttr::get(
              old.getNameAttr(),
              {FlatSymbolRefAttr::get(kernel.getNameAttr())});
          kernel.setName(old.getName());
          op.moveBefore(merged.getBody(), merged.getBody()->end());
          mergedSymbols.insert(&op);
          retarget[from] = SymbolRefAttr::get(
              b.getStringAttr(moduleName),
              {FlatSymbolRefAttr::get(kernel.getNameAttr())});
          continue;
        }
        // Globals and helper functions come from the host module's symbol
        // table, so a name seen before is the same definition.
        if (symbol && mergedSymbols.lookup(symbol.getName())) {
          op.erase();
          continue;
        }
        op.moveBefore(merged.getBody(), merged.getBody()->end());
        if (symbol)
          mergedSymbols.insert(&op);
      }
      old.erase();
    }
    WalkResult result = module.walk([&](gpu::LaunchFuncOp launch) {
      SymbolRefAttr to = retarget.lookup(launch.getKernel());
      if (!to) {
        launch.emitError("launches a kernel that was not outlined");
        return WalkResult::interrupt();
      }
      launch.setKernelAttr(to);
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();
    if (SymbolTable(module).lookup(moduleName)) {
      module.emitError("a symbol named '") << moduleName << "' already exists";
      return signalPassFailure();
    }
    merged.setName(moduleName);
  }
};
} // namespace
