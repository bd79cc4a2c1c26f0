//===- EmulateGpuLaunches.cpp - gpu.launch bodies as host loops -----------===//
//
// Part of quantc. Checks the GPU lowering on a machine without a GPU: the
// code each thread would run is run by the host, thread after thread
// (see Passes.td). Kernels that synchronize or share memory between
// threads cannot be emulated this way and are refused.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

namespace quantc {
#define GEN_PASS_DEF_EMULATEGPULAUNCHES
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

static LogicalResult emulate(gpu::LaunchOp launch) {
  if (launch.getAsyncToken() || !launch.getAsyncDependencies().empty() ||
      launch.getClusterSizeX() || launch.getDynamicSharedMemorySize())
    return launch.emitError("cannot emulate an asynchronous, clustered or "
                            "shared-memory launch");
  if (!llvm::hasSingleElement(launch.getBody()) ||
      !launch.getWorkgroupAttributions().empty() ||
      !launch.getPrivateAttributions().empty())
    return launch.emitError("cannot emulate a launch with several blocks of "
                            "code or memory attributions");
  WalkResult barriers = launch.walk([](gpu::BarrierOp barrier) {
    barrier.emitError("cannot emulate threads that synchronize");
    return WalkResult::interrupt();
  });
  if (barriers.wasInterrupted())
    return failure();

  OpBuilder b(launch);
  Location loc = launch.getLoc();
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  gpu::KernelDim3 gridSize = launch.getGridSizeOperandValues(),
                  blockSize = launch.getBlockSizeOperandValues();
  gpu::KernelDim3 blockIds = launch.getBlockIds(),
                  threadIds = launch.getThreadIds();
  IRMapping mapping;
  mapping.map(launch.getGridSize().x, gridSize.x);
  mapping.map(launch.getGridSize().y, gridSize.y);
  mapping.map(launch.getGridSize().z, gridSize.z);
  mapping.map(launch.getBlockSize().x, blockSize.x);
  mapping.map(launch.getBlockSize().y, blockSize.y);
  mapping.map(launch.getBlockSize().z, blockSize.z);
  // z outermost and x innermost: the order a row of threads is numbered.
  std::pair<Value, Value> loops[] = {
      {blockIds.z, gridSize.z},   {blockIds.y, gridSize.y},
      {blockIds.x, gridSize.x},   {threadIds.z, blockSize.z},
      {threadIds.y, blockSize.y}, {threadIds.x, blockSize.x}};
  for (auto [id, size] : loops) {
    auto loop = scf::ForOp::create(b, loc, zero, size, one);
    mapping.map(id, loop.getInductionVar());
    b.setInsertionPoint(loop.getBody()->getTerminator());
  }
  for (Operation &op : launch.getBody().front().without_terminator())
    b.clone(op, mapping);
  launch.erase();
  return success();
}

namespace {
struct EmulateGpuLaunchesPass
    : public quantc::impl::EmulateGpuLaunchesBase<EmulateGpuLaunchesPass> {
  void runOnOperation() override {
    SmallVector<gpu::LaunchOp> launches;
    getOperation().walk(
        [&](gpu::LaunchOp launch) { launches.push_back(launch); });
    for (gpu::LaunchOp launch : launches)
      if (failed(emulate(launch)))
        return signalPassFailure();
  }
};
} // namespace
