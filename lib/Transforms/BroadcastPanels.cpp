//===- BroadcastPanels.cpp - matmul and conv tiles as vector code --------===//
//
// Part of quantc. See BroadcastPanels.h.
//
//===----------------------------------------------------------------------===//

#include "BroadcastPanels.h"
#include "PanelEpilogues.h"

#include "quantc/Support/PackedDotConv.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace {
constexpr int64_t kLanes = quantc::kPanelLanes;
/// Accumulators a panel keeps in registers: 24 of AVX-512's 32, leaving
/// room for the loaded rows and a broadcast.
constexpr int64_t kMaxAccumulators = 24;
/// AVX-512's vector registers: a panel's accumulators, its loaded row
/// registers and the broadcast must fit, or one accumulator spills to the
/// stack on every step (3 rows x 8 registers: 33).
constexpr int64_t kVectorRegisters = 32;
/// The widest panel, in registers, when lanes tile the columns.
constexpr int64_t kMaxTiledVectors = 8;
/// The widest panel, in registers, that takes all columns at once.
constexpr int64_t kMaxWholeVectors = 12;
/// The most rows a panel `vectors` registers wide keeps in registers.
int64_t maxPanelRows(int64_t vectors) {
  return std::max<int64_t>(
      1, std::min(kMaxAccumulators, kVectorRegisters - 1 - vectors) / vectors);
}
} // namespace

int64_t quantc::largestDivisorAtMost(int64_t extent, int64_t bound) {
  for (int64_t size = std::min(extent, bound); size > 1; --size)
    if (extent % size == 0)
      return size;
  return 1;
}

double quantc::laneUse(int64_t lanes) {
  return double(lanes) / double(llvm::alignTo(lanes, kLanes));
}

namespace {
/// The best of panel tiles offered in turn: the most lanes used, then the
/// most accumulators, then the fewest loads a step.
class BestPanelTile {
public:
  explicit BestPanelTile(double minimumUse) : bestUse(minimumUse) {}

  /// Offers `lanes` columns over `rows` rows in all.
  void offer(int64_t rows, int64_t lanes) {
    int64_t vectors = llvm::divideCeil(lanes, kLanes);
    double use = quantc::laneUse(lanes);
    int64_t rowTile = quantc::largestDivisorAtMost(rows, maxPanelRows(vectors));
    // Loads per step: the row's registers and the broadcast scalars.
    int64_t accumulators = rowTile * vectors, loads = vectors + rowTile;
    if (use > bestUse ||
        (use == bestUse &&
         (accumulators > bestAccumulators ||
          (accumulators == bestAccumulators && loads < bestLoads)))) {
      best = quantc::PanelTile{rowTile, lanes};
      bestUse = use;
      bestAccumulators = accumulators;
      bestLoads = loads;
    }
  }

  std::optional<quantc::PanelTile> get() const { return best; }

private:
  std::optional<quantc::PanelTile> best;
  double bestUse;
  int64_t bestAccumulators = 0, bestLoads = 0;
};
} // namespace

std::optional<quantc::PanelTile>
quantc::panelTileFor(int64_t rows, int64_t columns, bool anyLaneUse) {
  if (rows <= 0 || columns <= 0)
    return std::nullopt; // An empty product (a zero-width slice).
  BestPanelTile best(anyLaneUse ? 0.0 : 0.5);
  for (int64_t lanes = kLanes; lanes <= kMaxTiledVectors * kLanes;
       lanes += kLanes)
    if (columns % lanes == 0)
      best.offer(rows, lanes);
  if (columns <= kMaxWholeVectors * kLanes)
    best.offer(rows, columns);
  return best.get();
}

std::optional<quantc::PanelTile>
quantc::imageRowsPanelTile(int64_t filters, int64_t height, int64_t width,
                           int64_t maxCrossingRegisters) {
  if (filters <= 0 || height <= 0 || width <= 0)
    return std::nullopt;
  BestPanelTile best(0.5);
  for (int64_t imageRows = 1; imageRows <= height; ++imageRows) {
    int64_t lanes = imageRows * width;
    int64_t vectors = llvm::divideCeil(lanes, kLanes);
    int64_t widest = imageRows == height ? kMaxWholeVectors : kMaxTiledVectors;
    // Registers that hold the end of one row and the start of the next.
    int64_t crossing = 0;
    for (int64_t row = 1; row < imageRows; ++row)
      crossing += (row * width) % kLanes != 0;
    if (height % imageRows == 0 && vectors <= widest &&
        crossing <= maxCrossingRegisters)
      best.offer(filters, lanes);
  }
  return best.get();
}

quantc::PanelTile quantc::panelSplit(int64_t rows, int64_t columns,
                                     bool anyLaneUse) {
  PanelTile split{rows, columns};
  // Columns, when no tile takes them all: whole registers, as many as the
  // rows leave accumulators for (8 for one row: FMA latency 4 x 2 pipes).
  if (!panelTileFor(rows, columns, anyLaneUse)) {
    int64_t lanes =
        kLanes *
        std::clamp<int64_t>(kMaxAccumulators / std::min(rows, kMaxAccumulators),
                            1, kMaxTiledVectors);
    if (columns > lanes)
      split.columns = columns - columns % lanes;
  }
  // Rows, when a tile with more accumulators needs a row count that does
  // not divide them: a multiple of it, and the rest on their own.
  std::optional<PanelTile> tile = panelTileFor(rows, split.columns, anyLaneUse);
  if (!tile)
    return split;
  int64_t current = tile->rows * llvm::divideCeil(tile->columns, kLanes);
  int64_t bestRows = 0, bestLoads = 0, bestAccumulators = current;
  for (int64_t vectors = 1; vectors <= kMaxTiledVectors; ++vectors) {
    if (split.columns % (vectors * kLanes) != 0)
      continue;
    int64_t rowTile = std::min(rows, maxPanelRows(vectors));
    int64_t accumulators = rowTile * vectors, loads = rowTile + vectors;
    if (accumulators > bestAccumulators ||
        (bestRows && accumulators == bestAccumulators && loads < bestLoads)) {
      bestRows = rowTile;
      bestAccumulators = accumulators;
      bestLoads = loads;
    }
  }
  // Worth a second product only where the tile keeps under half the
  // accumulators: 16 of 24 run at the FMA peak (M = 512, 768 x 768: 110
  // GFLOP/s on Zen 4), and 6-row tiles with a 4-row rest measured no
  // faster there. Or where the tile loads X's row for each row of
  // multiply-adds (one row of 12 registers: 13 loads for 12 FMAs, X
  // streamed from L2 for every row; 197 x 192 x 768 ran at 55 GFLOP/s):
  // split when the best tile does at least twice the FMAs a load.
  int64_t currentLoads = tile->rows + llvm::divideCeil(tile->columns, kLanes);
  bool fewLoads = bestAccumulators * currentLoads >= 2 * current * bestLoads;
  if (bestRows && rows % bestRows != 0 &&
      (2 * current < kMaxAccumulators || fewLoads))
    split.rows = rows - rows % bestRows;
  return split;
}

bool quantc::isBroadcastPanelCandidate(linalg::LinalgOp op) {
  if (op->hasAttr(kPackedDotConvAttr))
    return true;
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

namespace {
/// A tap: the filter's (kh, kw) and the input offset it reads at.
struct Tap {
  int64_t kh, kw, row, column;
};

/// What a panel computes, in the operands of one tile.
struct PanelOperands {
  /// W's scalars [rows, K, KH, KW] (or [rows, K]) and X's rows
  /// [(1,) K, IH, IW] (or [K, columns]).
  Value w, x, output;
  int64_t rows, columns, reduction;
  SmallVector<Tap> taps;
  int64_t stride = 1;
  /// f32 with fused multiply-adds, or i32 words of four u8 x s8 bytes.
  bool packedBytes = false;
  /// Indices of output element (r, column c) (a convolution's output is
  /// accessed in runs instead: `convRows`).
  std::function<SmallVector<Value>(OpBuilder &, int64_t, int64_t)> outIndices;
  /// Indices of X at reduction step k, tap row, column.
  std::function<SmallVector<Value>(OpBuilder &, Value, int64_t, int64_t)>
      xIndices;
  /// Indices of W's scalar for row r, step k, tap.
  std::function<SmallVector<Value>(OpBuilder &, int64_t, Value, const Tap &)>
      wIndices;
  /// An elementwise generic applied to the accumulators before they are
  /// stored, into its output instead: [1, rows, H, W] whose (0, r, y, x)
  /// is output (r, column y W + x) (a convolution's tile: H = 1; a
  /// pointwise convolution's matmul tile: H whole image rows).
  linalg::GenericOp epilogue;
  unsigned epilogueOperand = 0;
  /// The width of the image rows the lanes run along, where they may
  /// cross rows (quantc::LaneRun): the epilogue's W; a convolution's
  /// output W, its tile [1, rows, H, W] with `columns` H W.
  int64_t imageWidth = 0;
  /// A convolution tile of whole output rows: its output is read and
  /// written, and X read, in runs along the image rows.
  bool convRows = false;
};

/// The runs of accumulator (r, v)'s lanes in the epilogue's rows of
/// `width` points (quantc::LaneRun): one per row its lanes cross.
SmallVector<quantc::LaneRun> laneRuns(int64_t r, int64_t v, int64_t columns,
                                      int64_t width) {
  SmallVector<quantc::LaneRun> runs;
  int64_t end = std::min((v + 1) * kLanes, columns);
  for (int64_t column = v * kLanes; column < end;) {
    int64_t length = std::min(end, (column / width + 1) * width) - column;
    runs.push_back(
        {column - v * kLanes, length, {0, r, column / width, column % width}});
    column += length;
  }
  return runs;
}

Value constantIndex(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

/// The kernel taps of a KH x KW filter with dilations (dh, dw).
SmallVector<Tap> filterTaps(int64_t kh, int64_t kw, int64_t dh, int64_t dw) {
  SmallVector<Tap> taps;
  for (int64_t r = 0; r < kh; ++r)
    for (int64_t c = 0; c < kw; ++c)
      taps.push_back({r, c, r * dh, c * dw});
  return taps;
}

Value emitPanel(RewriterBase &rewriter, Location loc, const PanelOperands &p,
                bool zeroInit) {
  Type element =
      p.packedBytes ? Type(rewriter.getI32Type()) : Type(rewriter.getF32Type());
  auto vectorType = VectorType::get({kLanes}, element);
  auto bytesType = VectorType::get({4 * kLanes}, rewriter.getI8Type());
  int64_t vectors = llvm::divideCeil(p.columns, kLanes);
  int64_t xColumns = cast<RankedTensorType>(p.x.getType()).getShape().back();
  Value zero = arith::ConstantOp::create(rewriter, loc,
                                         rewriter.getZeroAttr(vectorType));
  Value zeroScalar =
      arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(element));
  auto index = [&](OpBuilder &b, int64_t value) {
    return constantIndex(b, loc, value);
  };
  auto inBounds = [&](int64_t start, int64_t extent) {
    return SmallVector<bool>{start + kLanes <= extent};
  };
  SmallVector<int64_t> evenLanes;
  for (int64_t lane = 0; lane < kLanes; ++lane)
    evenLanes.push_back(2 * lane);
  SmallVector<Value> init;
  AffineMap outputMap = rewriter.getMultiDimIdentityMap(
      cast<RankedTensorType>(p.output.getType()).getRank());
  for (int64_t r = 0; r < p.rows; ++r)
    for (int64_t v = 0; v < vectors; ++v)
      init.push_back(zeroInit ? zero
                     : p.convRows
                         ? quantc::readLaneRuns(
                               rewriter, loc, p.output, outputMap, element,
                               laneRuns(r, v, p.columns, p.imageWidth))
                         : vector::TransferReadOp::create(
                               rewriter, loc, vectorType, p.output,
                               p.outIndices(rewriter, r, v * kLanes),
                               zeroScalar, inBounds(v * kLanes, p.columns))
                               .getResult());

  // acc[r][v] += W(r, k, tap) * X(k, tap)[16 v ..], taps in the
  // convolution's order (kernel rows, then columns) within each k.
  auto multiplyAdd = [&](OpBuilder &b, Location l, Value x, Value w,
                         Value acc) -> Value {
    if (!p.packedBytes)
      return vector::FMAOp::create(b, l, x, w, acc);
    // Per lane, acc + the dot product of x's four u8 bytes and w's four s8
    // bytes (vpdpbusd's definition, written with pure vector ops).
    auto wideType = VectorType::get({4 * kLanes}, b.getI32Type());
    Value xs = arith::ExtUIOp::create(
        b, l, wideType, vector::BitCastOp::create(b, l, bytesType, x));
    Value ws = arith::ExtSIOp::create(
        b, l, wideType, vector::BitCastOp::create(b, l, bytesType, w));
    Value products = vector::ShapeCastOp::create(
        b, l, VectorType::get({kLanes, 4}, b.getI32Type()),
        arith::MulIOp::create(b, l, xs, ws));
    auto sum = vector::MultiDimReductionOp::create(b, l, products, acc,
                                                   ArrayRef<bool>{false, true},
                                                   vector::CombiningKind::ADD);
    sum->setAttr(quantc::kVnniDotAttr, b.getUnitAttr());
    return sum.getResult();
  };
  auto step = [&](OpBuilder &b, Location l, Value k, ValueRange acc) {
    SmallVector<Value> sums(acc);
    for (const Tap &tap : p.taps) {
      SmallVector<Value> xs;
      auto readX = [&](int64_t start) -> Value {
        return vector::TransferReadOp::create(
            b, l, vectorType, p.x, p.xIndices(b, k, tap.row, start), zeroScalar,
            inBounds(start, xColumns));
      };
      // Unit stride: the register's run in each output row it crosses
      // reads the input row under that row (with the tap's offsets).
      auto readRuns = [&](int64_t v) -> Value {
        SmallVector<quantc::LaneRun> runs =
            laneRuns(0, v, p.columns, p.imageWidth);
        if (runs.size() == 2 && runs[0].point[3] + runs[1].lane >= kLanes) {
          // Two runs, the first ending its row: the 16 inputs that end
          // where the first run does and the 16 that start the next row,
          // shifted together (one valignd), instead of inserting a short
          // read (scalar inserts and two or three shuffles on Zen 4).
          int64_t split = runs[1].lane;
          int64_t end = runs[0].point[3] + split + tap.column;
          Value tail = vector::TransferReadOp::create(
              b, l, vectorType, p.x,
              p.xIndices(b, k, runs[0].point[2] + tap.row, end - kLanes),
              zeroScalar, ArrayRef<bool>{true});
          Value head = vector::TransferReadOp::create(
              b, l, vectorType, p.x,
              p.xIndices(b, k, runs[1].point[2] + tap.row, tap.column),
              zeroScalar, inBounds(tap.column, xColumns));
          SmallVector<int64_t> shifted;
          for (int64_t lane = 0; lane < kLanes; ++lane)
            shifted.push_back(kLanes - split + lane);
          return vector::ShuffleOp::create(b, l, tail, head, shifted);
        }
        int64_t start = runs[0].point[3] + tap.column;
        Value lanes = vector::TransferReadOp::create(
            b, l, vectorType, p.x,
            p.xIndices(b, k, runs[0].point[2] + tap.row, start), zeroScalar,
            inBounds(start, xColumns));
        for (const quantc::LaneRun &run : ArrayRef(runs).drop_front()) {
          Value part = vector::TransferReadOp::create(
              b, l, VectorType::get({run.length}, element), p.x,
              p.xIndices(b, k, run.point[2] + tap.row,
                         run.point[3] + tap.column),
              zeroScalar, ArrayRef<bool>{true});
          lanes = vector::InsertStridedSliceOp::create(
              b, l, part, lanes, ArrayRef<int64_t>{run.lane},
              ArrayRef<int64_t>{1});
        }
        return lanes;
      };
      for (int64_t v = 0; v < vectors; ++v) {
        int64_t start = tap.column + v * kLanes * p.stride;
        if (p.stride == 1) {
          xs.push_back(p.convRows ? readRuns(v) : readX(start));
          continue;
        }
        // Stride 2: the even lanes of two neighbouring registers.
        xs.push_back(vector::ShuffleOp::create(
            b, l, readX(start), readX(start + kLanes), evenLanes));
      }
      for (int64_t r = 0; r < p.rows; ++r) {
        Value scalar =
            tensor::ExtractOp::create(b, l, p.w, p.wIndices(b, r, k, tap));
        Value broadcast = vector::BroadcastOp::create(b, l, vectorType, scalar);
        for (int64_t v = 0; v < vectors; ++v) {
          Value &sum = sums[r * vectors + v];
          sum = multiplyAdd(b, l, xs[v], broadcast, sum);
        }
      }
    }
    scf::YieldOp::create(b, l, sums);
  };
  auto loop =
      scf::ForOp::create(rewriter, loc, index(rewriter, 0),
                         index(rewriter, p.reduction), index(rewriter, 1), init,
                         [&](OpBuilder &b, Location l, Value k,
                             ValueRange acc) { step(b, l, k, acc); });
  linalg::GenericOp epilogue = p.epilogue;
  Value result = epilogue ? epilogue.getDpsInits()[0] : p.output;
  for (int64_t r = 0; r < p.rows; ++r)
    for (int64_t v = 0; v < vectors; ++v) {
      Value value = loop.getResult(r * vectors + v);
      if (epilogue || p.convRows) {
        SmallVector<quantc::LaneRun> runs =
            laneRuns(r, v, p.columns, p.imageWidth);
        if (epilogue)
          value = quantc::applyEpilogue(rewriter, loc, epilogue,
                                        p.epilogueOperand, value, runs);
        result = quantc::writeLaneRuns(rewriter, loc, value, result, runs);
        continue;
      }
      result =
          vector::TransferWriteOp::create(rewriter, loc, value, result,
                                          p.outIndices(rewriter, r, v * kLanes),
                                          inBounds(v * kLanes, p.columns))
              .getResult();
    }
  return result;
}

} // namespace

Value quantc::broadcastPanel(RewriterBase &rewriter, linalg::LinalgOp tile,
                             bool zeroInit, linalg::GenericOp epilogue) {
  Location loc = tile.getLoc();
  Value input = tile.getDpsInputs()[0], weight = tile.getDpsInputs()[1];
  PanelOperands p;
  p.output = tile.getDpsInits()[0];
  auto outType = cast<RankedTensorType>(p.output.getType());
  auto index = [&](OpBuilder &b, int64_t value) {
    return constantIndex(b, loc, value);
  };
  auto inType = cast<RankedTensorType>(input.getType());
  // A filter's scalar [r, k, kh, kw] (float and packed convolutions).
  auto filterIndices = [&](OpBuilder &b, int64_t r, Value k, const Tap &tap) {
    return SmallVector<Value>{index(b, r), k, index(b, tap.kh),
                              index(b, tap.kw)};
  };
  if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(tile.getOperation())) {
    // W the filter [rows, K, KH, KW], X the input [1, K, IH, IW].
    auto filter = cast<RankedTensorType>(weight.getType());
    SmallVector<int64_t> dilations(conv.getDilations().getValues<int64_t>());
    p.w = weight;
    p.x = input;
    p.rows = outType.getDimSize(1);
    p.columns = outType.getDimSize(2) * outType.getDimSize(3);
    p.imageWidth = outType.getDimSize(3);
    p.convRows = true;
    p.reduction = inType.getDimSize(1);
    p.taps = filterTaps(filter.getDimSize(2), filter.getDimSize(3),
                        dilations[0], dilations[1]);
    p.stride = conv.getStrides().getValues<int64_t>()[1];
    p.xIndices = [&](OpBuilder &b, Value k, int64_t row, int64_t column) {
      return SmallVector<Value>{index(b, 0), k, index(b, row),
                                index(b, column)};
    };
    p.wIndices = filterIndices;
  } else if (tile->hasAttr(kPackedDotConvAttr)) {
    // (f, oh, ow, c4, kh, kw): W [rows, C4, KH, KW] and X [C4, IH, IW],
    // both i32 words of four channels' bytes; output [rows, 1, columns].
    auto filter = cast<RankedTensorType>(weight.getType());
    // dh, dw, sw.
    ArrayRef<int64_t> geometry =
        tile->getAttrOfType<DenseI64ArrayAttr>(kPackedDotConvAttr).asArrayRef();
    p.w = weight;
    p.x = input;
    p.rows = outType.getDimSize(0);
    p.columns = outType.getDimSize(2);
    p.reduction = inType.getDimSize(0);
    p.taps = filterTaps(filter.getDimSize(2), filter.getDimSize(3), geometry[0],
                        geometry[1]);
    p.stride = geometry[2];
    p.packedBytes = true;
    p.outIndices = [&](OpBuilder &b, int64_t r, int64_t c) {
      return SmallVector<Value>{index(b, r), index(b, 0), index(b, c)};
    };
    p.xIndices = [&](OpBuilder &b, Value k, int64_t row, int64_t column) {
      return SmallVector<Value>{k, index(b, row), index(b, column)};
    };
    p.wIndices = filterIndices;
  } else {
    // A matmul: W its left operand [rows, K], X its right [K, columns].
    p.w = input;
    p.x = weight;
    p.rows = outType.getDimSize(0);
    p.columns = outType.getDimSize(1);
    p.reduction = inType.getDimSize(1);
    p.taps = {{0, 0, 0, 0}};
    p.outIndices = [&](OpBuilder &b, int64_t r, int64_t c) {
      return SmallVector<Value>{index(b, r), index(b, c)};
    };
    p.xIndices = [&](OpBuilder &b, Value k, int64_t, int64_t column) {
      return SmallVector<Value>{k, index(b, column)};
    };
    p.wIndices = [&](OpBuilder &b, int64_t r, Value k, const Tap &) {
      return SmallVector<Value>{index(b, r), k};
    };
  }
  if (epilogue) {
    // It reads the tile's result (a matmul's through the expansion of its
    // columns into image rows).
    p.epilogue = epilogue;
    std::optional<unsigned> operand =
        quantc::accumulatorOperandOf(epilogue, tile->getResult(0));
    assert(operand && "the epilogue tile reads the panel's product");
    p.epilogueOperand = *operand;
    p.imageWidth = cast<RankedTensorType>(epilogue.getDpsInits()[0].getType())
                       .getDimSize(3);
  }
  return emitPanel(rewriter, loc, p, zeroInit);
}
