//===- I8mmGemm.cpp - int8 GEMM on AArch64's usmmla (i8mm) ----------------===//
//
// Part of quantc. usmmla multiplies a 2x8 u8 matrix by an 8x2 s8 one into
// a 2x2 i32 block: two rows of A and two columns of B over 8 k at once,
// twice sdot's products per instruction, and no a - 128 shift (A stays
// unsigned). The weights keep the common packing (LowBitGemm.h: 4 k per
// column per step); two consecutive steps zip into a column pair's 8 k:
//
//   for m0 in [0, M) step 2:
//     for p in [0, N / 64), quarter in [0, 4):       16 columns
//       acc[8] = 0                                   2x2 blocks, columns 2i, 2i+1
//       for s in [0, K / 8):                         steps 2s and 2s + 1
//         a = [A[m0][8s .. 8s+7], A[m0+1][8s .. 8s+7]]
//         x[v], y[v] = B[p, 2s / 2s+1, 64 quarter + 16 v ..]   (4 columns each)
//         acc[2v]     = usmmla(acc[2v],     a, zip columns 0, 1 of x[v], y[v])
//         acc[2v + 1] = usmmla(acc[2v + 1], a, zip columns 2, 3)
//       C rows m0, m0+1 = the blocks' rows
//
//===----------------------------------------------------------------------===//

#include "quantc/Kernels/LowBitGemm.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ArmNeon/ArmNeonDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"

using namespace mlir;

bool quantc::i8mmGemmTakes(const GemmShape &shape) {
  return shape.format == WeightFormat::Int8 && shape.m % 2 == 0 &&
         shape.k % 8 == 0 && vnniGemmUnsupported(shape).empty();
}

void quantc::buildI8mmGemm(ModuleOp module, llvm::StringRef name,
                           const GemmShape &shape) {
  OpBuilder b(module.getContext());
  b.setInsertionPointToEnd(module.getBody());
  Location loc = module.getLoc();
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  int64_t panels = shape.n / kVnniPanelColumns;
  auto func =
      func::FuncOp::create(b, loc, name, lowBitGemmType(b.getContext(), shape));
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);
  Value a = entry->getArgument(0), packed = entry->getArgument(1),
        c = entry->getArgument(2);
  auto index = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  auto loop = [&](Value lo, int64_t hi, int64_t step,
                  ValueRange inits = {}) {
    auto forOp = scf::ForOp::create(b, loc, lo, index(hi), index(step), inits);
    b.setInsertionPointToStart(forOp.getBody());
    return forOp;
  };
  auto accType = VectorType::get({4}, i32);
  auto bytes16 = VectorType::get({16}, i8), bytes8 = VectorType::get({8}, i8);

  Value m0 = loop(index(0), shape.m, 2).getInductionVar();
  Value m1 = arith::AddIOp::create(b, loc, m0, index(1));
  Value p = loop(index(0), panels, 1).getInductionVar();
  Value quarter = loop(index(0), 4, 1).getInductionVar();
  Value quarterByte = arith::MulIOp::create(b, loc, quarter, index(64));
  Value zero = arith::ConstantOp::create(
      b, loc, accType, DenseElementsAttr::get(accType, b.getI32IntegerAttr(0)));
  scf::ForOp stepLoop =
      loop(index(0), shape.k / 8, 1, SmallVector<Value>(8, zero));
  {
    Value s = stepLoop.getInductionVar();
    Value k = arith::MulIOp::create(b, loc, s, index(8));
    Value t = arith::MulIOp::create(b, loc, s, index(2));
    Value t1 = arith::AddIOp::create(b, loc, t, index(1));
    Value a0 = vector::LoadOp::create(b, loc, bytes8, a, ValueRange{m0, k});
    Value a1 = vector::LoadOp::create(b, loc, bytes8, a, ValueRange{m1, k});
    SmallVector<int64_t> concat;
    for (int64_t i = 0; i < 16; ++i)
      concat.push_back(i);
    Value rows = vector::ShuffleOp::create(b, loc, a0, a1, concat);
    SmallVector<Value> acc(stepLoop.getRegionIterArgs().begin(),
                           stepLoop.getRegionIterArgs().end());
    for (int64_t v = 0; v < 4; ++v) {
      Value offset = arith::AddIOp::create(b, loc, quarterByte, index(16 * v));
      Value x = vector::LoadOp::create(b, loc, bytes16, packed,
                                       ValueRange{p, t, offset});
      Value y = vector::LoadOp::create(b, loc, bytes16, packed,
                                       ValueRange{p, t1, offset});
      for (int64_t half = 0; half < 2; ++half) {
        // Columns 2 half and 2 half + 1 of the four: 4 k from x, 4 from y.
        SmallVector<int64_t> zip;
        for (int64_t col = 2 * half; col < 2 * half + 2; ++col) {
          for (int64_t i = 0; i < 4; ++i)
            zip.push_back(4 * col + i);
          for (int64_t i = 0; i < 4; ++i)
            zip.push_back(16 + 4 * col + i);
        }
        Value columns = vector::ShuffleOp::create(b, loc, x, y, zip);
        Value &sum = acc[2 * v + half];
        sum = arm_neon::UsmmlaOp::create(b, loc, accType, sum, rows, columns);
      }
    }
    scf::YieldOp::create(b, loc, acc);
  }
  b.setInsertionPointAfter(stepLoop);
  Value firstColumn = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, p, index(kVnniPanelColumns)),
      arith::MulIOp::create(b, loc, quarter, index(16)));
  for (int64_t v = 0; v < 4; ++v) {
    // Blocks [r0c0 r0c1 r1c0 r1c1] of columns 4v, 4v+1 and 4v+2, 4v+3.
    Value left = stepLoop.getResult(2 * v), right = stepLoop.getResult(2 * v + 1);
    Value column = arith::AddIOp::create(b, loc, firstColumn, index(4 * v));
    Value row0 = vector::ShuffleOp::create(b, loc, left, right,
                                           ArrayRef<int64_t>{0, 1, 4, 5});
    Value row1 = vector::ShuffleOp::create(b, loc, left, right,
                                           ArrayRef<int64_t>{2, 3, 6, 7});
    vector::StoreOp::create(b, loc, row0, c, ValueRange{m0, column});
    vector::StoreOp::create(b, loc, row1, c, ValueRange{m1, column});
  }
  b.setInsertionPointToEnd(entry);
  func::ReturnOp::create(b, loc);
}
