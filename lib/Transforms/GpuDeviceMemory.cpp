//===- GpuDeviceMemory.cpp - a function's buffers in GPU memory -----------===//
//
// Part of quantc. Once every read and write of buffer contents sits in a
// gpu.launch, the host only allocates, frees and takes views; this pass
// puts those buffers on the device and copies the arguments in and the
// results out (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "BufferAccess.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Utils/GPUUtils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace quantc {
#define GEN_PASS_DEF_GPUDEVICEMEMORY
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

/// Ops a kernel recomputes rather than receives: constants, global
/// addresses (the kernel module gets its own copy of the global) and pure
/// views and index arithmetic over them.
static bool sinkIntoKernel(Operation *op) {
  if (op->getNumRegions() != 0 || !isMemoryEffectFree(op))
    return false;
  return matchPattern(op, m_Constant()) ||
         isa<memref::GetGlobalOp, memref::DimOp, ViewLikeOpInterface>(op) ||
         op->getDialect()->getNamespace() == "arith";
}

static bool insideLaunch(Operation *op) {
  return op->getParentOfType<gpu::LaunchOp>() != nullptr;
}

namespace {
struct GpuDeviceMemoryPass
    : public quantc::impl::GpuDeviceMemoryBase<GpuDeviceMemoryPass> {
  void runOnOperation() override {
    func::FuncOp function = getOperation();
    if (function.isExternal())
      return;
    function.walk([](gpu::LaunchOp launch) {
      (void)sinkOperationsIntoLaunchOp(launch, sinkIntoKernel);
    });
    if (failed(checkHostCode()))
      return signalPassFailure();
    eraseDeadHostOps();
    moveAllocations();
    if (failed(copyArgumentsAndResults()))
      return signalPassFailure();
  }

  /// Every host use of a global must have been sunk into a kernel, and no
  /// host code may read or write buffers (MapLoopsToGpu moved it all).
  LogicalResult checkHostCode() {
    WalkResult result =
        getOperation().walk<WalkOrder::PreOrder>([&](Operation *op) {
          if (isa<gpu::LaunchOp>(op))
            return WalkResult::skip();
          if (isa<memref::AllocaOp>(op)) {
            op->emitError(
                "GPU targets cannot place a stack buffer on the device");
            return WalkResult::interrupt();
          }
          if (quantc::accessesBufferContents(op)) {
            op->emitError("buffer contents are accessed outside a gpu.launch; "
                          "run quantc-map-loops-to-gpu and "
                          "convert-parallel-loops-to-gpu first");
            return WalkResult::interrupt();
          }
          return WalkResult::advance();
        });
    return failure(result.wasInterrupted());
  }

  /// Host constants and views the sinking left without users.
  void eraseDeadHostOps() {
    SmallVector<Operation *> candidates;
    getOperation().walk([&](Operation *op) {
      if (!insideLaunch(op) && sinkIntoKernel(op))
        candidates.push_back(op);
    });
    for (Operation *op : llvm::reverse(candidates))
      if (op->use_empty())
        op->erase();
  }

  void moveAllocations() {
    SmallVector<memref::AllocOp> allocs;
    SmallVector<memref::DeallocOp> deallocs;
    getOperation().walk([&](Operation *op) {
      if (insideLaunch(op))
        return;
      if (auto alloc = dyn_cast<memref::AllocOp>(op))
        allocs.push_back(alloc);
      else if (auto dealloc = dyn_cast<memref::DeallocOp>(op))
        deallocs.push_back(dealloc);
    });
    for (memref::AllocOp alloc : allocs) {
      OpBuilder b(alloc);
      auto device = gpu::AllocOp::create(
          b, alloc.getLoc(), alloc.getType(), /*asyncToken=*/Type(),
          ValueRange{}, alloc.getDynamicSizes(), alloc.getSymbolOperands());
      alloc.replaceAllUsesWith(device.getMemref());
      alloc.erase();
      ++numDeviceBuffers;
    }
    for (memref::DeallocOp dealloc : deallocs) {
      OpBuilder b(dealloc);
      gpu::DeallocOp::create(b, dealloc.getLoc(), Type(), ValueRange{},
                             dealloc.getMemref());
      dealloc.erase();
    }
  }

  LogicalResult copyArgumentsAndResults() {
    func::FuncOp function = getOperation();
    Block &entry = function.getBody().front();
    OpBuilder b(&entry, entry.begin());
    SmallVector<Value> argumentCopies;
    for (BlockArgument argument : entry.getArguments()) {
      auto type = dyn_cast<MemRefType>(argument.getType());
      if (!type || argument.use_empty())
        continue;
      Location loc = argument.getLoc();
      auto device = gpu::AllocOp::create(b, loc, type, Type(), ValueRange{},
                                         ValueRange{}, ValueRange{});
      argument.replaceAllUsesWith(device.getMemref());
      gpu::MemcpyOp::create(b, loc, Type(), ValueRange{}, device.getMemref(),
                            argument);
      argumentCopies.push_back(device.getMemref());
      ++numDeviceBuffers;
    }
    WalkResult result = function.walk([&](func::ReturnOp ret) {
      OpBuilder rb(ret);
      llvm::SmallPtrSet<Value, 4> freed;
      for (OpOperand &operand : ret->getOpOperands()) {
        auto type = dyn_cast<MemRefType>(operand.get().getType());
        if (!type)
          continue;
        if (!type.getLayout().isIdentity()) {
          ret.emitError("GPU targets need results with an identity layout, "
                        "got ")
              << type;
          return WalkResult::interrupt();
        }
        Location loc = operand.get().getLoc();
        Value host = memref::AllocOp::create(rb, loc, type);
        gpu::MemcpyOp::create(rb, loc, Type(), ValueRange{}, host,
                              operand.get());
        Value root = quantc::viewedBuffer(operand.get());
        if (!root.getDefiningOp<gpu::AllocOp>()) {
          ret.emitError("a result is not a buffer the function allocated");
          return WalkResult::interrupt();
        }
        if (!llvm::is_contained(argumentCopies, root) &&
            freed.insert(root).second)
          gpu::DeallocOp::create(rb, loc, Type(), ValueRange{}, root);
        operand.set(host);
      }
      for (Value copy : argumentCopies)
        gpu::DeallocOp::create(rb, ret.getLoc(), Type(), ValueRange{}, copy);
      return WalkResult::advance();
    });
    return failure(result.wasInterrupted());
  }
};
} // namespace
