//===- AmxGemm.cpp - int8 GEMM on Intel AMX tiles (tdpbusd) ---------------===//
//
// Part of quantc. One tdpbusd multiplies a 16 x 64 u8 tile of A (16 rows,
// 64 k) by a 16 x 64 s8 tile of B (16 k quads, 16 columns x 4 bytes) into
// a 16 x 16 i32 tile: 16 x 16 x 64 products, 64 times vpdpbusd's. B keeps
// the common packing (LowBitGemm.h): a panel's k quad t is 64 columns x 4
// bytes, so the B tile of quads t .. t+15 and columns 16 j .. 16 j + 15 is
// 16 rows of 64 bytes at a stride of 256, loaded as it lies.
//
//   for g in [0, N / 64) step G:              G panels, at most 512 KiB (the
//                                             GemmBlocking's panel group)
//   for m0 in [0, M) step 16 R:               R = 2 row tiles (M % 32 == 0)
//     for p in [g, g + G), h in [0, 4 / C):   C = 2 column tiles (4 if R = 1)
//       acc[R][C] = 0                         R x C i32 tiles
//       for s in [0, K / 64):
//         a[r] = A[m0 + 16 r .., 64 s ..]              16 x 64 u8
//         b[j] = B[p, 16 s .., 64 (C h + j) ..]        16 x 64 s8
//         acc[r][j] = tdpbusd(acc[r][j], a[r], b[j])
//       C[m0 + 16 r .., 64 p + 16 (C h + j) ..] = acc[r][j]
//
// R x C = 2 x 2 uses all eight tile registers (4 accumulators, 2 A and 2
// B tiles), each loaded tile feeding two products. The kernel asks the OS
// for the tile state (quantc_amx_enable, in the runtime) on entry.
//
// TileCode::VnniEmulation builds the same loops with each tile operation
// written as AVX-512 code of the same semantics (a tile as 16 row
// vectors; tdpbusd as 16 x 16 vpdpbusd), so that hosts without AMX check
// the kernel's loops, indices and strides bit for bit.
//
//===----------------------------------------------------------------------===//

#include "quantc/Kernels/LowBitGemm.h"
#include "quantc/Support/ParallelLoops.h"

#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Dialect/AMX/Transforms.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"

#include <algorithm>

using namespace mlir;
using quantc::TileCode;

bool quantc::amxGemmTakes(const GemmShape &shape) {
  return shape.format == WeightFormat::Int8 && shape.m % 16 == 0 &&
         shape.k % 64 == 0 && shape.panelColumns == kVnniPanelColumns &&
         vnniGemmUnsupported(shape).empty();
}

namespace {
/// Rows and bytes of an A or B tile, rows of an accumulator tile.
constexpr int64_t kTileRows = 16, kTileBytes = 64, kTileLanes = 16;

/// A tile value: one !amx.tile, or (emulation) its 16 rows as vectors.
using Tile = SmallVector<Value, kTileRows>;

/// Emits the tile operations as AMX ops or as their AVX-512 emulation.
class TileEmitter {
public:
  TileEmitter(OpBuilder &b, Location loc, TileCode code)
      : b(b), loc(loc), code(code) {}

  /// Values per tile (loop-carried accumulators are flattened).
  int64_t width() const { return code == TileCode::Amx ? 1 : kTileRows; }

  Tile zeroAccumulator() {
    if (code == TileCode::Amx)
      return {amx::TileZeroOp::create(b, loc, accTileType())};
    auto type = VectorType::get({kTileLanes}, b.getI32Type());
    Value zero = arith::ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, b.getI32IntegerAttr(0)));
    return Tile(kTileRows, zero);
  }

  /// 16 rows of 64 bytes from `base[indices]`, rows `stride` bytes apart
  /// (the memref's second innermost stride).
  Tile loadBytes(Value base, ValueRange indices) {
    if (code == TileCode::Amx)
      return {amx::TileLoadOp::create(b, loc, byteTileType(), base, indices)};
    auto type = VectorType::get({kTileBytes}, b.getI8Type());
    return loadRows(type, base, indices);
  }

  /// acc += a (u8) x b (s8): acc[m][n] += sum over quads q and bytes i of
  /// a[m][4 q + i] b[q][4 n + i].
  Tile multiply(const Tile &a, const Tile &bTile, const Tile &acc) {
    if (code == TileCode::Amx) {
      auto op = amx::TileMulIOp::create(b, loc, accTileType(), a[0], bTile[0],
                                        acc[0]);
      op.setIsZextLhs(true); // tdpbusd: A unsigned, B signed
      return {op.getResult()};
    }
    auto words = VectorType::get({kTileLanes}, b.getI32Type());
    auto bytes = VectorType::get({kTileBytes}, b.getI8Type());
    Tile result = acc;
    for (int64_t m = 0; m < kTileRows; ++m) {
      Value rowWords = vector::BitCastOp::create(b, loc, words, a[m]);
      for (int64_t q = 0; q < kTileRows; ++q) {
        Value quad = vector::ExtractOp::create(b, loc, rowWords, q);
        Value broadcast = vector::BitCastOp::create(
            b, loc, bytes, vector::BroadcastOp::create(b, loc, words, quad));
        result[m] =
            LLVM::CallIntrinsicOp::create(
                b, loc, words, b.getStringAttr("llvm.x86.avx512.vpdpbusd.512"),
                ValueRange{result[m], broadcast, bTile[q]})
                .getResult(0);
      }
    }
    return result;
  }

  void storeAccumulator(const Tile &acc, Value base, ValueRange indices) {
    if (code == TileCode::Amx) {
      amx::TileStoreOp::create(b, loc, base, indices, acc[0]);
      return;
    }
    forEachRow(indices, [&](int64_t m, ValueRange row) {
      vector::StoreOp::create(b, loc, acc[m], base, row);
    });
  }

private:
  amx::TileType byteTileType() {
    return amx::TileType::get({kTileRows, kTileBytes}, b.getI8Type());
  }
  amx::TileType accTileType() {
    return amx::TileType::get({kTileRows, kTileLanes}, b.getI32Type());
  }

  Tile loadRows(VectorType type, Value base, ValueRange indices) {
    Tile rows;
    forEachRow(indices, [&](int64_t, ValueRange row) {
      rows.push_back(vector::LoadOp::create(b, loc, type, base, row));
    });
    return rows;
  }

  /// The indices of rows 0..15: the second innermost index plus m.
  void forEachRow(ValueRange indices,
                  llvm::function_ref<void(int64_t, ValueRange)> body) {
    SmallVector<Value> row(indices.begin(), indices.end());
    Value first = row[row.size() - 2];
    for (int64_t m = 0; m < kTileRows; ++m) {
      row[row.size() - 2] = arith::AddIOp::create(
          b, loc, first, arith::ConstantIndexOp::create(b, loc, m));
      body(m, row);
    }
  }

  OpBuilder &b;
  Location loc;
  TileCode code;
};
} // namespace

void quantc::buildAmxGemm(ModuleOp module, llvm::StringRef name,
                          const GemmShape &shape, TileCode code,
                          const GemmBlocking &blocking) {
  assert(amxGemmTakes(shape) && "shape the AMX kernel does not take");
  OpBuilder b(module.getContext());
  Location loc = module.getLoc();
  b.setInsertionPointToEnd(module.getBody());
  StringRef enable = "quantc_amx_enable";
  if (code == TileCode::Amx && !module.lookupSymbol(enable))
    func::FuncOp::create(b, loc, enable, b.getFunctionType({}, {}))
        .setPrivate();
  auto func =
      func::FuncOp::create(b, loc, name, lowBitGemmType(b.getContext(), shape));
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);
  Value a = entry->getArgument(0), packed = entry->getArgument(1),
        c = entry->getArgument(2);
  if (code == TileCode::Amx)
    func::CallOp::create(b, loc, enable, TypeRange{});
  auto index = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  auto parallelLoop = [&](Value lo, Value hi, int64_t step) {
    auto forOp = scf::ForOp::create(b, loc, lo, hi, index(step));
    markParallelLoop(forOp);
    b.setInsertionPointToStart(forOp.getBody());
    return forOp.getInductionVar();
  };

  int64_t rowTiles = shape.m % 32 == 0 ? 2 : 1;
  int64_t columnTiles = rowTiles == 2 ? 2 : 4;
  int64_t panels = shape.n / kVnniPanelColumns;
  // Panel groups as the VNNI kernel's: B's group stays in L2 while every
  // row block passes by.
  int64_t panelBytes = shape.k * kVnniPanelColumns;
  int64_t group = std::clamp<int64_t>(
      blocking.panelGroupKiB * 1024 / panelBytes, 1, panels);
  while (panels % group)
    --group;

  Value firstPanel = parallelLoop(index(0), index(panels), group);
  Value m0 = parallelLoop(index(0), index(shape.m), kTileRows * rowTiles);
  Value p = parallelLoop(
      firstPanel, arith::AddIOp::create(b, loc, firstPanel, index(group)), 1);
  Value half = parallelLoop(index(0), index(4 / columnTiles), 1);
  Value firstTile = arith::MulIOp::create(b, loc, half, index(columnTiles));

  TileEmitter tiles(b, loc, code);
  // Accumulator (r, j) among the step loop's flattened values.
  auto accumulator = [&](ValueRange values, int64_t r, int64_t j) {
    return Tile(values.slice((r * columnTiles + j) * tiles.width(),
                             tiles.width()));
  };
  SmallVector<Value> inits;
  for (int64_t i = 0; i < rowTiles * columnTiles; ++i)
    llvm::append_range(inits, tiles.zeroAccumulator());
  auto stepLoop = scf::ForOp::create(
      b, loc, index(0), index(shape.k / kTileBytes), index(1), inits);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(stepLoop.getBody());
    Value s = stepLoop.getInductionVar();
    Value k = arith::MulIOp::create(b, loc, s, index(kTileBytes));
    Value quad = arith::MulIOp::create(b, loc, s, index(kTileRows));
    SmallVector<Tile> aTiles, bTiles;
    for (int64_t r = 0; r < rowTiles; ++r)
      aTiles.push_back(tiles.loadBytes(
          a, {arith::AddIOp::create(b, loc, m0, index(kTileRows * r)), k}));
    for (int64_t j = 0; j < columnTiles; ++j) {
      Value tile = arith::AddIOp::create(b, loc, firstTile, index(j));
      Value byte = arith::MulIOp::create(b, loc, tile, index(kTileBytes));
      bTiles.push_back(tiles.loadBytes(packed, {p, quad, byte}));
    }
    SmallVector<Value> next;
    for (int64_t r = 0; r < rowTiles; ++r)
      for (int64_t j = 0; j < columnTiles; ++j)
        llvm::append_range(
            next, tiles.multiply(aTiles[r], bTiles[j],
                                 accumulator(stepLoop.getRegionIterArgs(), r, j)));
    scf::YieldOp::create(b, loc, next);
  }
  Value panelColumn =
      arith::MulIOp::create(b, loc, p, index(kVnniPanelColumns));
  for (int64_t r = 0; r < rowTiles; ++r)
    for (int64_t j = 0; j < columnTiles; ++j) {
      Tile acc = accumulator(stepLoop.getResults(), r, j);
      Value tile = arith::AddIOp::create(b, loc, firstTile, index(j));
      Value column = arith::AddIOp::create(
          b, loc, panelColumn,
          arith::MulIOp::create(b, loc, tile, index(kTileLanes)));
      Value row = arith::AddIOp::create(b, loc, m0, index(kTileRows * r));
      tiles.storeAccumulator(acc, c, {row, column});
    }
  b.setInsertionPointToEnd(entry);
  func::ReturnOp::create(b, loc);
}

LogicalResult quantc::lowerAmxTiles(Operation *root) {
  SmallVector<FunctionOpInterface> functions;
  root->walk([&](FunctionOpInterface function) {
    WalkResult tiles = function->walk([](Operation *op) {
      return isa<amx::AMXDialect>(op->getDialect()) ? WalkResult::interrupt()
                                                    : WalkResult::advance();
    });
    if (tiles.wasInterrupted())
      functions.push_back(function);
  });
  MLIRContext *context = root->getContext();
  LLVMTypeConverter converter(context);
  RewritePatternSet patterns(context);
  populateAMXLegalizeForLLVMExportPatterns(converter, patterns);
  cf::populateControlFlowToLLVMConversionPatterns(converter, patterns);
  FrozenRewritePatternSet frozen(std::move(patterns));
  LLVMConversionTarget target(*context);
  configureAMXLegalizeForExportTarget(target);
  target.addIllegalDialect<cf::ControlFlowDialect>();
  for (FunctionOpInterface function : functions)
    if (failed(applyPartialConversion(function, target, frozen)))
      return failure();
  return success();
}
