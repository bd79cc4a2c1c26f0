//===- BroadcastPanels.cpp - float matmul and conv tiles as vector code ---===//
//
// Part of quantc. See BroadcastPanels.h.
//
//===----------------------------------------------------------------------===//

#include "BroadcastPanels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace {
constexpr int64_t kLanes = 16;
/// Accumulators a panel keeps in registers: 24 of AVX-512's 32, leaving
/// room for the loaded rows and a broadcast.
constexpr int64_t kMaxAccumulators = 24;
/// The widest panel, in registers, when lanes tile the columns.
constexpr int64_t kMaxTiledVectors = 8;
/// The widest panel, in registers, that takes all columns at once.
constexpr int64_t kMaxWholeVectors = 12;
} // namespace

std::optional<quantc::PanelTile> quantc::panelTileFor(int64_t rows,
                                                      int64_t columns) {
  if (rows <= 0 || columns <= 0)
    return std::nullopt; // An empty product (a zero-width slice).
  SmallVector<int64_t> candidates;
  for (int64_t lanes = kLanes; lanes <= kMaxTiledVectors * kLanes;
       lanes += kLanes)
    if (columns % lanes == 0)
      candidates.push_back(lanes);
  if (columns <= kMaxWholeVectors * kLanes)
    candidates.push_back(columns);
  std::optional<PanelTile> best;
  double bestUse = 0.5;
  int64_t bestAccumulators = 0, bestLoads = 0;
  for (int64_t lanes : candidates) {
    int64_t vectors = llvm::divideCeil(lanes, kLanes);
    double use = double(lanes) / double(vectors * kLanes);
    int64_t rowTile = 1;
    for (int64_t r = std::max<int64_t>(1, kMaxAccumulators / vectors); r > 1;
         --r)
      if (rows % r == 0) {
        rowTile = r;
        break;
      }
    // Loads per step: the row's registers and the broadcast scalars.
    int64_t accumulators = rowTile * vectors, loads = vectors + rowTile;
    if (use > bestUse ||
        (use == bestUse &&
         (accumulators > bestAccumulators ||
          (accumulators == bestAccumulators && loads < bestLoads)))) {
      best = PanelTile{rowTile, lanes};
      bestUse = use;
      bestAccumulators = accumulators;
      bestLoads = loads;
    }
  }
  return best;
}

bool quantc::isBroadcastPanelCandidate(linalg::LinalgOp op) {
  auto allF32 = llvm::all_of(op->getOperandTypes(), [](Type type) {
    return getElementTypeOrSelf(type).isF32();
  });
  if (!allF32)
    return false;
  if (isa<linalg::MatmulOp>(op.getOperation()))
    return true;
  auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op.getOperation());
  return conv && conv.getStrides().getValues<int64_t>()[1] <= 2;
}

Value quantc::broadcastPanel(RewriterBase &rewriter, linalg::LinalgOp tile,
                             bool zeroInit) {
  Location loc = tile.getLoc();
  Value input = tile.getDpsInputs()[0], weight = tile.getDpsInputs()[1],
        output = tile.getDpsInits()[0];
  auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(tile.getOperation());
  auto outType = cast<RankedTensorType>(output.getType());
  auto inType = cast<RankedTensorType>(input.getType());
  // A matmul's W is its left operand [rows, K] and X its right [K, cols];
  // a convolution's W the filter [rows, K, KH, KW] and X the input
  // [1, K, IH, IW].
  Value w = conv ? weight : input, x = conv ? input : weight;
  int64_t rows = outType.getDimSize(conv ? 1 : 0);
  int64_t columns = outType.getDimSize(conv ? 3 : 1);
  int64_t reduction = inType.getDimSize(1);
  int64_t xColumns = cast<RankedTensorType>(x.getType()).getShape().back();
  // A tap: the filter's (kh, kw) and the input offset it reads at.
  struct Tap {
    int64_t kh, kw, row, column;
  };
  SmallVector<Tap> taps = {{0, 0, 0, 0}};
  if (conv) {
    auto filter = cast<RankedTensorType>(weight.getType());
    SmallVector<int64_t> dilations(conv.getDilations().getValues<int64_t>());
    taps.clear();
    for (int64_t kh = 0; kh < filter.getDimSize(2); ++kh)
      for (int64_t kw = 0; kw < filter.getDimSize(3); ++kw)
        taps.push_back({kh, kw, kh * dilations[0], kw * dilations[1]});
  }
  int64_t stride = conv ? conv.getStrides().getValues<int64_t>()[1] : 1;
  int64_t vectors = llvm::divideCeil(columns, kLanes);
  auto vectorType = VectorType::get({kLanes}, rewriter.getF32Type());
  Value zero = arith::ConstantOp::create(rewriter, loc,
                                         rewriter.getZeroAttr(vectorType));
  Value zeroScalar = arith::ConstantOp::create(
      rewriter, loc, rewriter.getZeroAttr(rewriter.getF32Type()));
  auto index = [&](OpBuilder &b, int64_t value) -> Value {
    return arith::ConstantIndexOp::create(b, loc, value);
  };
  // Output element (r, lane 16 v): [r, 16 v] or [0, r, 0, 16 v].
  auto outIndices = [&](OpBuilder &b, int64_t r, int64_t v) {
    SmallVector<Value> indices = {index(b, r), index(b, v * kLanes)};
    if (conv)
      indices = {index(b, 0), indices[0], index(b, 0), indices[1]};
    return indices;
  };
  auto inBounds = [&](int64_t start, int64_t extent) {
    return SmallVector<bool>{start + kLanes <= extent};
  };
  SmallVector<int64_t> evenLanes;
  for (int64_t lane = 0; lane < kLanes; ++lane)
    evenLanes.push_back(2 * lane);
  SmallVector<Value> init;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t v = 0; v < vectors; ++v)
      init.push_back(zeroInit ? zero
                              : vector::TransferReadOp::create(
                                    rewriter, loc, vectorType, output,
                                    outIndices(rewriter, r, v), zeroScalar,
                                    inBounds(v * kLanes, columns))
                                    .getResult());

  // acc[r][v] += W(r, k, tap) * X(k, tap)[16 v ..], taps in the
  // convolution's order (kernel rows, then columns) within each k.
  auto step = [&](OpBuilder &b, Location l, Value k, ValueRange acc) {
    SmallVector<Value> sums(acc);
    for (const Tap &tap : taps) {
      SmallVector<Value> xs;
      auto readX = [&](int64_t start) -> Value {
        SmallVector<Value> indices = {k, index(b, start)};
        if (conv)
          indices = {index(b, 0), k, index(b, tap.row), indices[1]};
        return vector::TransferReadOp::create(b, l, vectorType, x, indices,
                                              zeroScalar,
                                              inBounds(start, xColumns));
      };
      for (int64_t v = 0; v < vectors; ++v) {
        int64_t start = tap.column + v * kLanes * stride;
        if (stride == 1) {
          xs.push_back(readX(start));
          continue;
        }
        // Stride 2: the even lanes of two neighbouring registers.
        xs.push_back(vector::ShuffleOp::create(
            b, l, readX(start), readX(start + kLanes), evenLanes));
      }
      for (int64_t r = 0; r < rows; ++r) {
        SmallVector<Value> indices = {index(b, r), k};
        if (conv)
          indices = {index(b, r), k, index(b, tap.kh), index(b, tap.kw)};
        Value scalar = tensor::ExtractOp::create(b, l, w, indices);
        Value broadcast = vector::BroadcastOp::create(b, l, vectorType, scalar);
        for (int64_t v = 0; v < vectors; ++v) {
          Value &sum = sums[r * vectors + v];
          sum = vector::FMAOp::create(b, l, xs[v], broadcast, sum);
        }
      }
    }
    scf::YieldOp::create(b, l, sums);
  };
  auto loop =
      scf::ForOp::create(rewriter, loc, index(rewriter, 0),
                         index(rewriter, reduction), index(rewriter, 1), init,
                         [&](OpBuilder &b, Location l, Value k,
                             ValueRange acc) { step(b, l, k, acc); });
  Value result = output;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t v = 0; v < vectors; ++v)
      result = vector::TransferWriteOp::create(
                   rewriter, loc, loop.getResult(r * vectors + v), result,
                   outIndices(rewriter, r, v), inBounds(v * kLanes, columns))
                   .getResult();
  return result;
}
