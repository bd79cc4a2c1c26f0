//===- VnniGemm.cpp - u8 x s8 GEMM kernels built in MLIR ------------------===//
//
// Part of quantc. The kernel is vector-dialect code around one LLVM
// intrinsic (x86vector has no u8 x s8 dot product op):
//
//   for m0 in [0, M) step R:              R = 4 (1 for GEMV)
//     for p in [0, N / 64):               one packed panel
//       acc[R][4] = 0                      vector<16xi32> each
//       for k4 in [0, K / 4):
//         b[j] = B[p, k4, 64 j .. 64 j + 63]        (4 x vector<64xi8>)
//         a[r] = broadcast(A[m0 + r, 4 k4 .. 4 k4 + 3] as i32)
//         acc[r][j] = vpdpbusd(acc[r][j], a[r], b[j])
//       C[m0 + r, 64 p + 16 j ..] = acc[r][j]
//
//===----------------------------------------------------------------------===//

#include "quantc/Kernels/VnniGemm.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace {
constexpr int64_t kLanes = 16;                       // i32 lanes of a zmm
constexpr int64_t kBlocks = quantc::kVnniPanelColumns / kLanes; // zmm per row

int64_t rowBlock(const quantc::GemmShape &shape) {
  return shape.m == 1 ? 1 : 4;
}
} // namespace

std::string quantc::vnniGemmUnsupported(const GemmShape &shape) {
  if (shape.m < 1 || shape.n < 1 || shape.k < 1)
    return "M, N and K must be positive";
  if (shape.n % kVnniPanelColumns)
    return "N must be a multiple of 64";
  if (shape.k % 4)
    return "K must be a multiple of 4";
  if (shape.m % rowBlock(shape))
    return "M must be 1 or a multiple of 4";
  return "";
}

std::vector<int8_t> quantc::packVnniWeights(llvm::ArrayRef<int8_t> b,
                                            int64_t k, int64_t n) {
  std::vector<int8_t> packed(b.size());
  int64_t panels = n / kVnniPanelColumns;
  for (int64_t p = 0; p < panels; ++p)
    for (int64_t k4 = 0; k4 < k / 4; ++k4)
      for (int64_t c = 0; c < kVnniPanelColumns; ++c)
        for (int64_t i = 0; i < 4; ++i)
          packed[((p * (k / 4) + k4) * kVnniPanelColumns + c) * 4 + i] =
              b[(4 * k4 + i) * n + p * kVnniPanelColumns + c];
  return packed;
}

void quantc::buildVnniGemm(ModuleOp module, llvm::StringRef name,
                           const GemmShape &shape) {
  MLIRContext *context = module.getContext();
  OpBuilder b(context);
  b.setInsertionPointToEnd(module.getBody());
  Location loc = module.getLoc();
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  int64_t rows = rowBlock(shape), panels = shape.n / kVnniPanelColumns;
  auto aType = MemRefType::get({shape.m, shape.k}, i8);
  auto bType = MemRefType::get({panels, shape.k / 4, 4 * kVnniPanelColumns}, i8);
  auto cType = MemRefType::get({shape.m, shape.n}, i32);
  auto func = func::FuncOp::create(
      b, loc, name, b.getFunctionType({aType, bType, cType}, {}));
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);
  Value a = entry->getArgument(0), packed = entry->getArgument(1),
        c = entry->getArgument(2);
  auto index = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  auto accType = VectorType::get({kLanes}, i32);
  auto bytesType = VectorType::get({4 * kLanes}, i8);
  auto quadType = VectorType::get({4}, i8);
  auto oneI32 = VectorType::get({1}, i32);
  Value zero = arith::ConstantOp::create(
      b, loc, accType, DenseElementsAttr::get(accType, b.getI32IntegerAttr(0)));
  StringAttr vpdpbusd = b.getStringAttr("llvm.x86.avx512.vpdpbusd.512");

  auto rowLoop = scf::ForOp::create(b, loc, index(0), index(shape.m),
                                    index(rows));
  b.setInsertionPointToStart(rowLoop.getBody());
  Value m0 = rowLoop.getInductionVar();
  auto panelLoop = scf::ForOp::create(b, loc, index(0), index(panels),
                                      index(1));
  b.setInsertionPointToStart(panelLoop.getBody());
  Value p = panelLoop.getInductionVar();
  SmallVector<Value> initial(rows * kBlocks, zero);
  auto kLoop = scf::ForOp::create(b, loc, index(0), index(shape.k / 4),
                                  index(1), initial);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(kLoop.getBody());
    Value k4 = kLoop.getInductionVar();
    Value k = arith::MulIOp::create(b, loc, k4, index(4));
    SmallVector<Value> weights;
    for (int64_t j = 0; j < kBlocks; ++j)
      weights.push_back(vector::LoadOp::create(
          b, loc, bytesType, packed,
          ValueRange{p, k4, index(j * 4 * kLanes)}));
    SmallVector<Value> next;
    for (int64_t r = 0; r < rows; ++r) {
      Value row = arith::AddIOp::create(b, loc, m0, index(r));
      Value quad = vector::LoadOp::create(b, loc, quadType, a,
                                          ValueRange{row, k});
      Value word = vector::BitCastOp::create(b, loc, oneI32, quad);
      Value scalar = vector::ExtractOp::create(b, loc, word, 0);
      Value splat = vector::BroadcastOp::create(b, loc, accType, scalar);
      Value activations = vector::BitCastOp::create(b, loc, bytesType, splat);
      for (int64_t j = 0; j < kBlocks; ++j)
        next.push_back(
            LLVM::CallIntrinsicOp::create(
                b, loc, accType, vpdpbusd,
                ValueRange{kLoop.getRegionIterArgs()[r * kBlocks + j],
                           activations, weights[j]})
                .getResult(0));
    }
    scf::YieldOp::create(b, loc, next);
  }
  for (int64_t r = 0; r < rows; ++r) {
    Value row = arith::AddIOp::create(b, loc, m0, index(r));
    for (int64_t j = 0; j < kBlocks; ++j) {
      Value column = arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, p, index(kVnniPanelColumns)),
          index(j * kLanes));
      vector::StoreOp::create(b, loc, kLoop.getResult(r * kBlocks + j), c,
                              ValueRange{row, column});
    }
  }
  b.setInsertionPointToEnd(entry);
  func::ReturnOp::create(b, loc);
}

LogicalResult quantc::lowerKernelsToLLVM(ModuleOp module) {
  PassManager pm(module.getContext());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  ConvertFuncToLLVMPassOptions funcOptions;
  funcOptions.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcOptions));
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  return pm.run(module);
}
