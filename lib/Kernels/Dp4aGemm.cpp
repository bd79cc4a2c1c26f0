//===- Dp4aGemm.cpp - u8 x s8 GEMM for NVIDIA GPUs in MLIR ----------------===//
//
// Part of quantc. Per thread (column n = 64 blockIdx.x + threadIdx.x):
//
//   for m in [0, M):
//     acc = 0
//     for t in [0, K / 4):
//       acc = dp4a(A[m, 4t .. 4t + 3] (u8), B[p, t, 4c .. 4c + 3] (s8), acc)
//     C[m, n] = acc
//
//===----------------------------------------------------------------------===//

#include "quantc/Kernels/Dp4aGemm.h"

#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void quantc::buildDp4aGemm(ModuleOp module, llvm::StringRef name,
                           const GemmShape &shape) {
  MLIRContext *context = module.getContext();
  OpBuilder b(context);
  Location loc = module.getLoc();
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                  b.getUnitAttr());
  b.setInsertionPointToEnd(module.getBody());
  auto gpuModule = gpu::GPUModuleOp::create(b, loc, "quantc_kernels");
  b.setInsertionPointToStart(gpuModule.getBody());
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  auto func = gpu::GPUFuncOp::create(b, loc, name,
                                     lowBitGemmType(b.getContext(), shape));
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  Block &entry = func.getBody().front();
  b.setInsertionPointToStart(&entry);
  Value a = entry.getArgument(0), packed = entry.getArgument(1),
        c = entry.getArgument(2);
  auto index = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  Value panel = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value column = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value n = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, panel, index(kVnniPanelColumns)),
      column);
  Value byte = arith::MulIOp::create(b, loc, column, index(4));
  auto quad = VectorType::get({4}, i8);
  auto rows = scf::ForOp::create(b, loc, index(0), index(shape.m), index(1));
  b.setInsertionPointToStart(rows.getBody());
  Value m = rows.getInductionVar();
  Value zero = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
  auto steps = scf::ForOp::create(b, loc, index(0), index(shape.k / 4),
                                  index(1), ValueRange{zero});
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(steps.getBody());
    Value t = steps.getInductionVar();
    Value k = arith::MulIOp::create(b, loc, t, index(4));
    Value w = vector::LoadOp::create(b, loc, quad, packed,
                                     ValueRange{panel, t, byte},
                                     /*nontemporal=*/false, llvm::Align(4));
    Value x = vector::LoadOp::create(b, loc, quad, a, ValueRange{m, k},
                                     /*nontemporal=*/false, llvm::Align(4));
    Value acc = NVVM::DotAccumulate4WayOp::create(
        b, loc, i32, x, NVVM::DotAccumulateType::UNSIGNED, w,
        NVVM::DotAccumulateType::SIGNED, steps.getRegionIterArgs()[0]);
    scf::YieldOp::create(b, loc, acc);
  }
  memref::StoreOp::create(b, loc, steps.getResult(0), c, ValueRange{m, n});
  b.setInsertionPointToEnd(&entry);
  gpu::ReturnOp::create(b, loc);
}

OwningOpRef<ModuleOp> quantc::lowerDp4aKernels(ModuleOp module) {
  PassManager pm(module.getContext());
  pm.addPass(createSCFToControlFlowPass());
  ConvertGpuOpsToNVVMOpsOptions options;
  options.useBarePtrCallConv = true;
  pm.addNestedPass<gpu::GPUModuleOp>(createConvertGpuOpsToNVVMOps(options));
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  if (failed(pm.run(module)))
    return nullptr;
  // The device code alone, as a module LLVM IR translation takes.
  OwningOpRef<ModuleOp> device = ModuleOp::create(module.getLoc());
  for (auto gpuModule : module.getOps<gpu::GPUModuleOp>())
    for (Operation &op : llvm::make_early_inc_range(gpuModule.getOps()))
      op.moveBefore(device->getBody(), device->getBody()->end());
  return device;
}
