//===- TileAndVectorize.cpp - tile and vectorize matmul and conv ----------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "BatchedMatmuls.h"
#include "BroadcastPanels.h"
#include "NarrowConvs.h"
#include "PanelBlocks.h"
#include "PanelEpilogues.h"
#include "ZeroFill.h"

#include "quantc/Support/PackedDotConv.h"
#include "quantc/Support/ParallelLoops.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace quantc {
#define GEN_PASS_DEF_TILEANDVECTORIZE
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

/// Whether every operand of `op` has a static shape.
static bool allStatic(Operation *op) {
  return llvm::all_of(op->getOperandTypes(), [](Type type) {
    auto shaped = dyn_cast<ShapedType>(type);
    return !shaped || shaped.hasStaticShape();
  });
}

/// The largest divisor of `extent` that is at most `bound` (0 keeps the
/// loop untiled).
static int64_t tileFor(int64_t extent, int64_t bound) {
  return bound == 0 ? 0 : quantc::largestDivisorAtMost(extent, bound);
}

/// Whether every stride of a convolution is 1.
static bool unitStrides(linalg::Conv2DNchwFchwOp conv) {
  return llvm::all_of(conv.getStrides().getValues<int64_t>(),
                      [](int64_t s) { return s == 1; });
}

/// One tile of a unit-stride convolution, one output row and one kernel
/// tap wide ([1, F, 1, W] += [F, C, 1, 1] * [1, C, 1, W]), as the matmul
/// it is: out[F x W] += w[F x C] x[C x W], the input row contiguous. A
/// matmul tile vectorizes to outer products along W with no transposes,
/// where the 1-D convolution path transposes every tile.
static tensor::InsertSliceOp convTileAsMatmul(RewriterBase &rewriter,
                                              linalg::Conv2DNchwFchwOp conv) {
  Location loc = conv.getLoc();
  Value input = conv.getInputs()[0], filter = conv.getInputs()[1],
        output = conv.getOutputs()[0];
  auto outType = cast<RankedTensorType>(output.getType());
  int64_t filters = outType.getDimSize(1), width = outType.getDimSize(3);
  int64_t channels = cast<RankedTensorType>(filter.getType()).getDimSize(1);
  // Every slice is the whole 4-D tile operand, taken as a matrix.
  SmallVector<OpFoldResult> origin(4, rewriter.getIndexAttr(0)),
      unit(4, rewriter.getIndexAttr(1));
  auto extents = [&](ArrayRef<int64_t> sizes) {
    SmallVector<OpFoldResult> result;
    for (int64_t size : sizes)
      result.push_back(rewriter.getIndexAttr(size));
    return result;
  };
  auto matrix = [&](Value value, int64_t rows, int64_t columns,
                    ArrayRef<int64_t> sizes) {
    auto type = RankedTensorType::get(
        {rows, columns},
        cast<RankedTensorType>(value.getType()).getElementType());
    return tensor::ExtractSliceOp::create(rewriter, loc, type, value, origin,
                                          extents(sizes), unit)
        .getResult();
  };
  Value weights = matrix(filter, filters, channels, {filters, channels, 1, 1});
  Value row = matrix(input, channels, width, {1, channels, 1, width});
  Value accumulator = matrix(output, filters, width, {1, filters, 1, width});
  Value product =
      linalg::MatmulOp::create(rewriter, loc, ValueRange{weights, row},
                               ValueRange{accumulator})
          .getResult(0);
  return tensor::InsertSliceOp::create(rewriter, loc, product, output, origin,
                                       extents({1, filters, 1, width}), unit);
}

/// Output rows per depthwise tile: each shifted input chunk feeds this
/// many rows' fmas.
static constexpr int64_t kDepthwiseRows = 2;

/// Whether a grouped convolution is depthwise (one input channel per
/// group) with unit dilation and a stride of 1 or 2 along the width, which
/// its tiles read as contiguous input rows (stride 2: split into their
/// even and odd columns).
static bool depthwiseRows(linalg::Conv2DNgchwGfchwOp conv) {
  auto filter = cast<RankedTensorType>(conv.getInputs()[1].getType());
  int64_t stride = conv.getStrides().getValues<int64_t>()[1];
  return filter.getDimSize(2) == 1 && (stride == 1 || stride == 2) &&
         conv.getDilations().getValues<int64_t>()[1] == 1;
}

/// One tile of a depthwise convolution, one channel and a few output rows
/// over all their kernel taps, as 16-lane vectors: out[W] += x[W + kw] * w
/// per tap. Each input row is loaded once, in aligned 16-lane chunks, and
/// the kw-shifted rows are shuffles of neighbouring chunks (valignd):
/// loading x[W + kw] at every tap split most loads across two cache lines
/// and made the rows load-bound. With a width stride of 2, out[W] +=
/// x[2W + kw] * w: each pair of chunks is split once into its even and
/// odd columns (vpermt2d), and tap kw is stream kw % 2 shifted by kw / 2. A
/// shifted chunk feeds every output row of the tile that reads its input row
/// (one shuffle, several fmas). The rows' registers accumulate through all
/// taps, in the convolution's own order (kernel rows, then columns). Float rows
/// use fused multiply-adds (one rounding a tap, as ONNX Runtime's kernels);
/// integer rows are exact either way. With `zeroInit` the accumulators start at
/// zero instead of reading the output (whose zero fill the caller dropped).
/// With `epilogue` (a tile of the elementwise generic that reads the
/// convolution's [1, C, H, W] collapse, quantc::panelEpilogueOf), its body
/// runs on the accumulators and they are stored into its output instead.
static Value depthwiseRowVectors(RewriterBase &rewriter,
                                 linalg::Conv2DNgchwGfchwOp conv, bool zeroInit,
                                 linalg::GenericOp epilogue = {}) {
  constexpr int64_t kLanes = quantc::kPanelLanes;
  Location loc = conv.getLoc();
  Value input = conv.getInputs()[0], filter = conv.getInputs()[1],
        output = conv.getOutputs()[0];
  auto outType = cast<RankedTensorType>(output.getType());
  auto inType = cast<RankedTensorType>(input.getType());
  Type element = outType.getElementType();
  int64_t rows = outType.getDimSize(3), width = outType.getDimSize(4);
  int64_t inRows = inType.getDimSize(3), inWidth = inType.getDimSize(4);
  auto filterType = cast<RankedTensorType>(filter.getType());
  int64_t taps = filterType.getDimSize(3), columns = filterType.getDimSize(4);
  int64_t rowStride = conv.getStrides().getValues<int64_t>()[0];
  int64_t rowDilation = conv.getDilations().getValues<int64_t>()[0];
  int64_t columnStride = conv.getStrides().getValues<int64_t>()[1];
  int64_t chunks = llvm::divideCeil(width, kLanes);
  // Chunks of each column stream (the row itself, or its even and odd
  // columns) the shifted taps reach.
  int64_t streamChunks =
      llvm::divideCeil(width + (columns - 1) / columnStride, kLanes);
  auto vectorType = VectorType::get({kLanes}, element);
  Type inElement = inType.getElementType();
  Value zero =
      arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(element));
  Value inZero = inElement == element
                     ? zero
                     : arith::ConstantOp::create(
                           rewriter, loc, rewriter.getZeroAttr(inElement));
  auto index = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(rewriter, loc, value);
  };
  Value c0 = index(0);
  // Chunk `chunk` of row `row` of a [1, 1, 1, rows, extent] tensor; lanes
  // past `extent` read zeros. A narrower input (an int8 convolution's
  // centred i16 input) is widened in registers as the convolution's own
  // cast does: integers sign-extended, floats extended.
  auto readChunk = [&](Value source, int64_t row, int64_t chunk,
                       int64_t extent) -> Value {
    bool inBounds = (chunk + 1) * kLanes <= extent;
    Type stored = cast<RankedTensorType>(source.getType()).getElementType();
    Value read = vector::TransferReadOp::create(
        rewriter, loc, VectorType::get({kLanes}, stored), source,
        ValueRange{c0, c0, c0, index(row), index(chunk * kLanes)},
        stored == element ? zero : inZero, ArrayRef<bool>{inBounds});
    if (stored == element)
      return read;
    if (isa<FloatType>(element))
      return arith::ExtFOp::create(rewriter, loc, vectorType, read);
    return arith::ExtSIOp::create(rewriter, loc, vectorType, read);
  };
  Value zeros;
  if (zeroInit)
    zeros = arith::ConstantOp::create(rewriter, loc, vectorType,
                                      rewriter.getZeroAttr(vectorType));
  SmallVector<SmallVector<Value>> acc(rows);
  for (int64_t o = 0; o < rows; ++o)
    for (int64_t c = 0; c < chunks; ++c)
      acc[o].push_back(zeroInit ? zeros : readChunk(output, o, c, width));
  for (int64_t in = 0; in < inRows; ++in) {
    // The (output row, kernel row) pairs that read input row `in`; kernel
    // rows ascend with `in` for each output row, as the convolution sums.
    SmallVector<std::pair<int64_t, int64_t>> readers;
    for (int64_t o = 0; o < rows; ++o) {
      int64_t offset = in - o * rowStride;
      if (offset >= 0 && offset % rowDilation == 0 &&
          offset / rowDilation < taps)
        readers.push_back({o, offset / rowDilation});
    }
    if (readers.empty())
      continue;
    SmallVector<Value> raw;
    for (int64_t j = 0; j < streamChunks * columnStride; ++j)
      raw.push_back(readChunk(input, in, j, inWidth));
    // Stride 1: the row. Stride 2: its even and odd columns.
    SmallVector<SmallVector<Value>> streams;
    if (columnStride == 1)
      streams.push_back(raw);
    else
      for (int64_t parity = 0; parity < 2; ++parity) {
        SmallVector<int64_t> columnsOfParity;
        for (int64_t lane = 0; lane < kLanes; ++lane)
          columnsOfParity.push_back(2 * lane + parity);
        SmallVector<Value> &stream = streams.emplace_back();
        for (int64_t j = 0; j < streamChunks; ++j)
          stream.push_back(vector::ShuffleOp::create(
              rewriter, loc, raw[2 * j], raw[2 * j + 1], columnsOfParity));
      }
    for (int64_t t = 0; t < columns; ++t) {
      ArrayRef<Value> row = streams[t % columnStride];
      int64_t shiftBy = t / columnStride;
      SmallVector<Value> weights;
      for (auto [o, r] : readers) {
        Value weight = tensor::ExtractOp::create(
            rewriter, loc, filter, ValueRange{c0, c0, c0, index(r), index(t)});
        weights.push_back(
            vector::BroadcastOp::create(rewriter, loc, vectorType, weight));
      }
      SmallVector<int64_t> shift;
      for (int64_t lane = 0; lane < kLanes; ++lane)
        shift.push_back(shiftBy + lane);
      for (int64_t c = 0; c < chunks; ++c) {
        // Lanes that would come from past the last chunk only feed output
        // lanes past the row, which are not written.
        Value next = c + 1 < streamChunks ? row[c + 1] : row[c];
        Value x = shiftBy == 0 ? row[c]
                               : vector::ShuffleOp::create(rewriter, loc,
                                                           row[c], next, shift)
                                     .getResult();
        for (auto [reader, w] : llvm::zip_equal(readers, weights)) {
          Value &sum = acc[reader.first][c];
          if (isa<FloatType>(element))
            sum = vector::FMAOp::create(rewriter, loc, x, w, sum);
          else
            sum = arith::AddIOp::create(
                rewriter, loc, sum, arith::MulIOp::create(rewriter, loc, x, w));
        }
      }
    }
  }
  if (epilogue) {
    // It reads the tile's collapse (the fusion bubbled the slice above it).
    std::optional<unsigned> accumulatorOperand =
        quantc::accumulatorOperandOf(epilogue, conv->getResult(0));
    assert(accumulatorOperand && "the epilogue tile reads the convolution's");
    Value result = epilogue.getDpsInits()[0];
    for (int64_t o = 0; o < rows; ++o)
      for (int64_t c = 0; c < chunks; ++c) {
        quantc::LaneRun run{
            0, std::min(kLanes, width - c * kLanes), {0, 0, o, c * kLanes}};
        Value value = quantc::applyEpilogue(
            rewriter, loc, epilogue, *accumulatorOperand, acc[o][c], run);
        result = quantc::writeLaneRuns(rewriter, loc, value, result, run);
      }
    return result;
  }
  Value result = output;
  for (int64_t o = 0; o < rows; ++o)
    for (int64_t c = 0; c < chunks; ++c)
      result = vector::TransferWriteOp::create(
                   rewriter, loc, acc[o][c], result,
                   ValueRange{c0, c0, c0, index(o), index(c * kLanes)},
                   ArrayRef<bool>{(c + 1) * kLanes <= width})
                   .getResult();
  return result;
}

/// The output dimension of a transpose that walks its input's innermost
/// dimension (output dimension i reads input dimension perm[i]).
static int64_t outputOfInputInnermost(linalg::TransposeOp transpose) {
  ArrayRef<int64_t> perm = transpose.getPermutation();
  return llvm::find(perm, int64_t(perm.size()) - 1) - perm.begin();
}

/// Whether a transpose moves its input's innermost dimension (so that one
/// side is read or written with a stride) over 32-bit or 8-bit elements:
/// it is done in blocks of registers instead, 16 x 16 where the two moving
/// dimensions allow.
static bool stridedTranspose(linalg::TransposeOp transpose) {
  auto input = cast<RankedTensorType>(transpose.getInput().getType());
  auto init = cast<RankedTensorType>(transpose.getInit().getType());
  if (!input.hasStaticShape() || !transpose.hasPureTensorSemantics() ||
      (input.getElementTypeBitWidth() != 32 &&
       input.getElementTypeBitWidth() != 8))
    return false;
  return outputOfInputInnermost(transpose) != init.getRank() - 1;
}

/// A transpose's register block along a moving dimension of `extent`: 16
/// where it divides the extent, all of an extent under 16, else 0 (the
/// dimension is split first).
static int64_t transposeBlock(int64_t extent) {
  return extent % 16 == 0 ? 16 : extent < 16 ? extent : 0;
}

/// The two dimensions of a strided transpose's output that move in
/// registers: the innermost, and the one that walks the input's innermost.
static std::array<int64_t, 2> movingDims(linalg::TransposeOp transpose) {
  return {int64_t(transpose.getPermutation().size()) - 1,
          outputOfInputInnermost(transpose)};
}

/// Splits a strided transpose whose moving dimensions are no multiple of
/// 16 at the last multiple (an int8 convolution's GEMM kernel result
/// [169, 1024] -> [1024, 169] for a 13 x 13 image: [1024, 160] in 16 x 16
/// blocks and [1024, 9] in 16 x 9 ones; element by element, reading 4 KiB
/// apart, it took 0.56 ms, 3.2 ns an element on Zen 4). Returns the blocks.
static SmallVector<linalg::LinalgOp>
splitTransposeBlocks(RewriterBase &rewriter, linalg::TransposeOp transpose) {
  auto shape = cast<RankedTensorType>(transpose.getInit().getType()).getShape();
  SmallVector<std::pair<int64_t, int64_t>> cuts;
  for (int64_t dim : movingDims(transpose))
    if (!transposeBlock(shape[dim]))
      cuts.push_back({dim, shape[dim] - shape[dim] % 16});
  return quantc::splitIntoBlocks(
      rewriter, cast<linalg::LinalgOp>(transpose.getOperation()), cuts);
}

/// Tiles each transpose to register blocks along its moving dimensions (1
/// elsewhere), for vectorizing.
static void tileTransposes(RewriterBase &rewriter,
                           ArrayRef<linalg::TransposeOp> transposes,
                           SmallVectorImpl<Operation *> &tiles) {
  for (linalg::TransposeOp transpose : transposes) {
    auto shape =
        cast<RankedTensorType>(transpose.getInit().getType()).getShape();
    SmallVector<int64_t> sizes(shape.size(), 1);
    for (int64_t dim : movingDims(transpose))
      sizes[dim] = transposeBlock(shape[dim]);
    scf::SCFTilingOptions options;
    options.setTileSizes(getAsIndexOpFoldResult(rewriter.getContext(), sizes));
    rewriter.setInsertionPoint(transpose);
    FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
        rewriter, cast<TilingInterface>(transpose.getOperation()), options);
    if (failed(tiled))
      continue;
    rewriter.replaceOp(transpose, tiled->replacements);
    for (LoopLikeOpInterface loop : tiled->loops)
      quantc::markParallelLoop(loop);
    llvm::append_range(tiles, tiled->tiledOps);
  }
}

/// When `op`'s only init is a fill of zero that `op` alone reads, drops
/// the fill (quantc::takeZeroFill) and returns true: the caller must start
/// its accumulators at zero.
static bool dropZeroFillInit(RewriterBase &rewriter, linalg::LinalgOp op) {
  return op.getNumDpsInits() == 1 &&
         quantc::takeZeroFill(rewriter, *op.getDpsInitOperand(0));
}

/// The tile of a loop that becomes the vector lanes: a multiple of 16
/// floats (one 512-bit register) when the extent allows, else the largest
/// divisor up to `bound`. 80 columns take 16, not 20 (a register and a
/// quarter per row).
static int64_t laneTileFor(int64_t extent, int64_t bound) {
  for (int64_t lanes = bound; lanes >= 16; lanes -= 16)
    if (extent % lanes == 0)
      return lanes;
  return tileFor(extent, bound);
}

/// Marks the tile loops of `op`'s parallel dimensions for
/// quantc-parallelize-loops: tileUsingSCF makes one loop per dimension
/// with a nonzero tile, outermost first.
static void markParallelTileLoops(linalg::LinalgOp op, ArrayRef<int64_t> tiles,
                                  ArrayRef<LoopLikeOpInterface> loops) {
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  size_t next = 0;
  for (auto [tile, iterator] : llvm::zip_equal(tiles, iterators)) {
    if (tile == 0)
      continue;
    if (next == loops.size())
      return;
    Operation *loop = loops[next++];
    if (iterator == utils::IteratorType::parallel)
      quantc::markParallelLoop(loop);
  }
}

/// Whether `op` is convert-qc-to-linalg's direct int8 convolution.
static bool isPackedDotConv(linalg::LinalgOp op) {
  return op->hasAttr(quantc::kPackedDotConvAttr);
}

/// The loops of a broadcast panel's rows and lanes: matmul (m, n, k);
/// conv (n, f, oh, ow, c, kh, kw); packed (f, oh, ow, c4, kh, kw).
static std::pair<int64_t, int64_t> panelDims(linalg::LinalgOp op) {
  if (isa<linalg::MatmulOp>(op.getOperation()))
    return {0, 1};
  if (isPackedDotConv(op))
    return {0, 2};
  return {1, 3};
}

/// Whether a panel beats the other code for `op` however few of its lanes
/// it uses: a convolution's (matmul tiles, or scalar loops for a packed
/// int8 one; 512 -> 512 channels 3 x 3 over a 7 x 7 image, 7 of 16 lanes:
/// 6.51 ms in matmul tiles, 4.70 in panels on Zen 4), not a matmul's.
static bool anyLaneUse(linalg::LinalgOp op) {
  return !isa<linalg::MatmulOp>(op.getOperation());
}

/// Whether a direct int8 convolution `op` is pointwise over at most 64
/// input words (256 channels) with its whole input within 512 KiB: few
/// dot products per output, so its panels are bound by the stores of
/// their i32 sums. Walked with the output rows (filters) outermost, each
/// panel stores a few whole rows in sequence and re-reads the input from
/// L2, instead of storing 64 bytes into each of all the filters' rows in
/// turn. MobileNetV2 int8, best of 5 to 10 interleaved rounds on a noisy
/// Zen 4 VM: 5.62-5.90 -> 5.35-5.40 ms (its 16 -> 96 channels on 112 x
/// 112 the most); ResNet-18 and PP-OCRv4 det and rec within the noise.
/// Convolutions with kernel taps keep the filters innermost: ResNet-18's
/// 7 x 7 stem (one word, 49 taps) took 2.3x as long the other way, its
/// input rows no longer reused from L1.
static bool storeBoundPointwise(linalg::LinalgOp op) {
  auto input = cast<ShapedType>(op.getDpsInputs()[0].getType());
  auto filter = cast<ShapedType>(op.getDpsInputs()[1].getType());
  constexpr int64_t kMaxInputBytes = 512 * 1024, kMaxWords = 64;
  return filter.getDimSize(2) * filter.getDimSize(3) == 1 &&
         filter.getDimSize(1) <= kMaxWords &&
         input.getNumElements() * 4 <= kMaxInputBytes;
}

/// Whether tiles of `tiles` (0: untiled) cover `ranges` in one tile.
static bool wholeIterationSpace(ArrayRef<int64_t> tiles,
                                ArrayRef<int64_t> ranges) {
  return llvm::all_of(llvm::zip_equal(tiles, ranges), [](auto pair) {
    auto [tile, range] = pair;
    return tile == 0 || tile >= range;
  });
}

/// The expansion of a pointwise convolution's matmul result [F, H W] into
/// its image [1, F, H, W] (convert-qc-to-linalg lowers 1x1 convolutions
/// so), when it is the result's only reader.
static tensor::ExpandShapeOp imageOfMatmul(linalg::MatmulOp matmul) {
  Value result = matmul->getResult(0);
  if (!result.hasOneUse())
    return {};
  auto expand = dyn_cast<tensor::ExpandShapeOp>(*result.getUsers().begin());
  if (!expand || !expand.getResultType().hasStaticShape() ||
      expand.getResultType().getRank() != 4 ||
      expand.getResultType().getDimSize(0) != 1)
    return {};
  SmallVector<ReassociationIndices> groups = expand.getReassociationIndices();
  bool image = groups.size() == 2 && groups[0] == ReassociationIndices{0, 1} &&
               groups[1] == ReassociationIndices{2, 3};
  return image ? expand : tensor::ExpandShapeOp();
}

/// The image a float pointwise convolution's matmul `op` computes, and
/// the elementwise generic its panels can apply (quantc::panelEpilogueOf
/// of the image) with the tile that takes whole image rows; none for any
/// other op, or where no such tile fits.
struct MatmulEpilogue {
  tensor::ExpandShapeOp image;
  linalg::GenericOp epilogue;
  quantc::PanelTile tile;
};
static std::optional<MatmulEpilogue> matmulEpilogueOf(linalg::LinalgOp op) {
  auto matmul = dyn_cast<linalg::MatmulOp>(op.getOperation());
  if (!matmul || !quantc::isBroadcastPanelCandidate(op))
    return std::nullopt;
  tensor::ExpandShapeOp image = imageOfMatmul(matmul);
  if (!image)
    return std::nullopt;
  linalg::GenericOp epilogue = quantc::panelEpilogueOf(image.getResult());
  ArrayRef<int64_t> shape = image.getResultType().getShape();
  std::optional<quantc::PanelTile> tile =
      quantc::imageRowsPanelTile(shape[1], shape[2], shape[3]);
  if (!epilogue || !tile)
    return std::nullopt;
  // Not where whole rows use fewer lanes than the plain matmul's panels
  // (those split where no tile fits): a 14 x 14 image's rows fill 7 of 8
  // registers, its 196 pixels in 64-lane panels and a rest nearly all 16;
  // 576 -> 96 channels went 0.22 -> 0.24 ms with the epilogue (Zen 4).
  std::optional<quantc::PanelTile> plain =
      quantc::panelTileFor(shape[1], shape[2] * shape[3]);
  if (!plain ||
      quantc::laneUse(tile->columns) < quantc::laneUse(plain->columns))
    return std::nullopt;
  // One tile for all would leave the panel's loop outermost (see the
  // tiling below).
  if (tile->rows == shape[1] && tile->columns == shape[2] * shape[3])
    return std::nullopt;
  return MatmulEpilogue{image, epilogue, *tile};
}

/// The code of one tile of a product and its epilogue: the epilogue
/// tile's result, computed in registers.
using EpilogueTileCode =
    llvm::function_ref<Value(RewriterBase &, linalg::LinalgOp productTile,
                             bool zeroInit, linalg::GenericOp epilogueTile)>;

/// Tiles `epilogue` (the elementwise consumer of `product`'s [N, F, H, W]
/// result, quantc::panelEpilogueOf) by `epilogueTiles` (n, f, oh, ow) in
/// the panels' order, fuses `product`'s tile into each (through `cleanup`'s
/// rewrites of the tile's slices, if any) and makes the pair one panel
/// that applies the epilogue in registers: `product` is a float
/// convolution, or a pointwise one's matmul whose result `epilogue` reads
/// through its expansion into image rows (whole rows a tile). Fails,
/// leaving `product` to be tiled alone, where the fusion does not take.
static LogicalResult
tileWithEpilogue(RewriterBase &rewriter, linalg::LinalgOp product,
                 linalg::GenericOp epilogue, ArrayRef<int64_t> epilogueTiles,
                 bool zeroInit,
                 std::optional<FrozenRewritePatternSet> cleanup = {},
                 EpilogueTileCode tileCode = quantc::broadcastPanel,
                 ArrayRef<int64_t> interchange = {0, 2, 3, 1}) {
  epilogue = quantc::writeIntoPaddedBuffer(rewriter, epilogue);
  scf::SCFTilingOptions tiling;
  tiling.setTileSizes(
      getAsIndexOpFoldResult(rewriter.getContext(), epilogueTiles));
  tiling.setInterchange(interchange);
  scf::SCFTileAndFuseOptions options;
  options.setTilingOptions(tiling);
  options.cleanupPatterns = std::move(cleanup);
  options.fusionControlFn = [&](tensor::ExtractSliceOp, OpResult producer,
                                bool destination)
      -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
    if (producer.getOwner() != product.getOperation() || destination)
      return std::nullopt;
    return scf::SCFTileAndFuseOptions::ControlFnResult{};
  };
  rewriter.setInsertionPoint(epilogue);
  FailureOr<scf::SCFTileAndFuseResult> fused =
      scf::tileConsumerAndFuseProducersUsingSCF(
          rewriter, cast<TilingInterface>(epilogue.getOperation()), options);
  if (failed(fused))
    return failure();
  for (auto [original, replacement] : fused->replacements)
    rewriter.replaceAllUsesWith(original, replacement);
  rewriter.eraseOp(epilogue);
  for (LoopLikeOpInterface loop : fused->loops)
    quantc::markParallelLoop(loop);
  auto epilogueTile = cast<linalg::GenericOp>(fused->tiledAndFusedOps[0]);
  auto productTile = llvm::find_if(fused->tiledAndFusedOps, [&](Operation *op) {
    return op->getName() == product->getName();
  });
  if (productTile == fused->tiledAndFusedOps.end())
    return failure(); // The epilogue tile reads the whole product.
  // The panel writes every element of each tile, reading none.
  fused->loops.front()->setAttr(quantc::kOverwritesInitAttr,
                                rewriter.getUnitAttr());
  rewriter.setInsertionPoint(epilogueTile);
  Value stored = tileCode(rewriter, cast<linalg::LinalgOp>(*productTile),
                          zeroInit, epilogueTile);
  rewriter.replaceOp(epilogueTile, stored);
  // What read the tiles (a matmul tile's expansion) and the slices the
  // fusion replaced by the tiles stay, unread.
  for (Operation *op : {*productTile, product.getOperation()}) {
    for (Operation *user : llvm::make_early_inc_range(op->getUsers()))
      if (user->use_empty())
        rewriter.eraseOp(user);
    if (op->use_empty())
      rewriter.eraseOp(op);
  }
  return success();
}

/// tileWithEpilogue for a pointwise convolution's matmul `matmul`: tiles
/// of `epilogue.tile`'s rows by its whole image rows.
static LogicalResult tileMatmulWithEpilogue(RewriterBase &rewriter,
                                            linalg::LinalgOp matmul,
                                            MatmulEpilogue epilogue,
                                            bool zeroInit) {
  int64_t width = epilogue.image.getResultType().getDimSize(3);
  // W untiled (0): its slices start at 0, which the bubbling below needs
  // to see (a loop of one iteration's index is not known to be 0).
  SmallVector<int64_t> tiles = {1, epilogue.tile.rows,
                                epilogue.tile.columns / width, 0};
  // The tile's slice of the image, a slice of the matmul's expansion,
  // becomes the expansion of the matmul's slice, which fuses.
  RewritePatternSet bubble(rewriter.getContext());
  tensor::populateBubbleUpExtractSliceOpPatterns(bubble);
  return tileWithEpilogue(rewriter, matmul, epilogue.epilogue, tiles, zeroInit,
                          FrozenRewritePatternSet(std::move(bubble)));
}

/// The [1, C, H, W] image a float depthwise convolution's [1, C, 1, H, W]
/// result is collapsed to, where that collapse is its only reader (its
/// bias and activation read the image); null otherwise.
static tensor::CollapseShapeOp imageOfDepthwise(linalg::LinalgOp op) {
  auto conv = dyn_cast<linalg::Conv2DNgchwGfchwOp>(op.getOperation());
  if (!conv || !conv->hasOneUse() ||
      !isa<FloatType>(getElementTypeOrSelf(conv->getResult(0).getType())))
    return {};
  // The unit group filter dimension joins the channels or the rows.
  auto image = dyn_cast<tensor::CollapseShapeOp>(*conv->user_begin());
  if (!image || image.getResultType().getRank() != 4)
    return {};
  SmallVector<ReassociationIndices> groups = image.getReassociationIndices();
  if (groups != SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}} &&
      groups != SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}, {4}})
    return {};
  return image;
}

/// tileWithEpilogue for a depthwise convolution: the epilogue tiled by
/// one channel and `rows` whole output rows, channels outermost as the
/// convolution's own tiles; each tile is depthwiseRowVectors with the
/// epilogue applied to its registers. The bias and ReLU6 after
/// MobileNetV2's depthwise convolutions read the whole output back
/// otherwise.
static LogicalResult tileDepthwiseWithEpilogue(RewriterBase &rewriter,
                                               linalg::LinalgOp conv,
                                               linalg::GenericOp epilogue,
                                               int64_t rows, bool zeroInit) {
  // The image and W untiled: bubbling the slice up through the collapse
  // needs their offsets to be the constant 0 (a loop of one iteration's
  // index is not known to be 0).
  SmallVector<int64_t> tiles = {0, 1, rows, 0};
  RewritePatternSet bubble(rewriter.getContext());
  tensor::populateBubbleUpExtractSliceOpPatterns(bubble);
  auto tileCode = [](RewriterBase &b, linalg::LinalgOp tile, bool zeroInit,
                     linalg::GenericOp epilogueTile) {
    return depthwiseRowVectors(b, cast<linalg::Conv2DNgchwGfchwOp>(tile),
                               zeroInit, epilogueTile);
  };
  return tileWithEpilogue(rewriter, conv, epilogue, tiles, zeroInit,
                          FrozenRewritePatternSet(std::move(bubble)), tileCode,
                          {0, 1, 2, 3});
}

namespace {
struct TileAndVectorizePass
    : public quantc::impl::TileAndVectorizeBase<TileAndVectorizePass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    func::FuncOp func = getOperation();
    IRRewriter rewriter(context);
    quantc::splitBatchedMatmuls(rewriter, func);
    quantc::convertNarrowConvsToMatmuls(rewriter, func);

    SmallVector<linalg::LinalgOp> targets;
    SmallVector<linalg::TransposeOp> transposes;
    SmallVector<Operation *> transposeTiles;
    func.walk([&](linalg::LinalgOp op) {
      if (!op.hasPureTensorSemantics() || !allStatic(op))
        return;
      auto grouped = dyn_cast<linalg::Conv2DNgchwGfchwOp>(op.getOperation());
      if (isa<linalg::MatmulOp, linalg::Conv2DNchwFchwOp>(op.getOperation()) ||
          (grouped && depthwiseRows(grouped)) || isPackedDotConv(op))
        targets.push_back(op);
      if (auto transpose = dyn_cast<linalg::TransposeOp>(op.getOperation()))
        if (stridedTranspose(transpose))
          transposes.push_back(transpose);
    });
    SmallVector<linalg::TransposeOp> transposeBlocks;
    for (linalg::TransposeOp transpose : transposes)
      for (linalg::LinalgOp block : splitTransposeBlocks(rewriter, transpose))
        transposeBlocks.push_back(cast<linalg::TransposeOp>(block));
    tileTransposes(rewriter, transposeBlocks, transposeTiles);
    // A float convolution's bias, activation and residual sum, one generic,
    // for its panels' epilogue.
    for (linalg::LinalgOp op : targets) {
      if (tensor::CollapseShapeOp image = imageOfDepthwise(op))
        quantc::fuseEpilogueChain(rewriter, image.getResult());
      if (!quantc::isBroadcastPanelCandidate(op))
        continue;
      if (isa<linalg::Conv2DNchwFchwOp>(op.getOperation()))
        quantc::fuseEpilogueChain(rewriter, op->getResult(0));
      if (auto matmul = dyn_cast<linalg::MatmulOp>(op.getOperation()))
        if (tensor::ExpandShapeOp image = imageOfMatmul(matmul))
          quantc::fuseEpilogueChain(rewriter, image.getResult());
    }
    SmallVector<linalg::LinalgOp> blocks;
    for (linalg::LinalgOp op : targets) {
      // A matmul whose panels take an epilogue stays whole.
      if (matmulEpilogueOf(op)) {
        blocks.push_back(op);
        continue;
      }
      auto [rowDim, columnDim] = panelDims(op);
      llvm::append_range(blocks,
                         quantc::splitPanelBlocks(rewriter, op, rowDim,
                                                  columnDim, anyLaneUse(op)));
    }
    targets = std::move(blocks);
    SmallVector<Operation *> matmulTiles;
    for (linalg::LinalgOp op : targets) {
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      bool isMatmul = isa<linalg::MatmulOp>(op.getOperation());
      bool packed = isPackedDotConv(op);
      auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op.getOperation());
      bool depthwise = isa<linalg::Conv2DNgchwGfchwOp>(op.getOperation());
      // Broadcast panels (f32 matmuls and convolutions, packed int8 ones):
      // the reduction and the kernel taps inside each tile.
      std::optional<quantc::PanelTile> panel;
      auto [rowDim, columnDim] = panelDims(op);
      if (quantc::isBroadcastPanelCandidate(op))
        panel = quantc::panelTileFor(ranges[rowDim], ranges[columnDim],
                                     anyLaneUse(op));
      // A pointwise convolution's matmul with an epilogue: tiles of whole
      // image rows.
      std::optional<MatmulEpilogue> matmulEpilogue = matmulEpilogueOf(op);
      if (matmulEpilogue)
        panel = matmulEpilogue->tile;
      // A unit-stride convolution whose output rows leave lanes empty (56
      // pixels in four registers) takes whole rows a panel where they
      // fill more (two rows, seven registers), its registers crossing
      // rows: 64 -> 64 channels 3 x 3 on 56 x 56 2.33-2.40 -> 2.05-2.12
      // ms (Zen 4). Not where more than one register crosses a row: each
      // takes a second load and a shuffle per tap and step, and 128 ->
      // 128 on 28 x 28 (four rows, three crossing) went 2.42 -> 2.47-3.07.
      // Also where a row leaves lanes of one register empty and two rows
      // fill as many lanes: one row takes a broadcast per multiply-add
      // (16 filters x 1 register), two take one per two (8 x 2).
      // ResNet-18's 256 -> 256 on 14 x 14: 1.53-1.57 -> 1.23-1.25 ms a
      // layer (Zen 5). Not for rows of two registers or more, which have
      // twelve filters a panel already: 28 x 28 as two rows of four
      // registers profiled slower (1.38 -> 1.75 ms). (Lane shares are
      // lanes over a multiple of 16: doubling the rows gives the same
      // double exactly.)
      int64_t imageRows = 1;
      if (panel && conv && unitStrides(conv))
        if (std::optional<quantc::PanelTile> rows = quantc::imageRowsPanelTile(
                ranges[1], ranges[2], ranges[3], /*maxCrossingRegisters=*/1)) {
          double rowsUse = quantc::laneUse(rows->columns);
          double panelUse = quantc::laneUse(panel->columns);
          bool fewerBroadcasts = rowsUse == panelUse &&
                                 panel->columns < quantc::kPanelLanes &&
                                 rows->columns > panel->columns;
          if (rowsUse > panelUse || fewerBroadcasts) {
            panel = rows;
            imageRows = rows->columns / ranges[3];
          }
        }
      if (packed && !panel)
        continue; // Correct as a generic, in loops.
      SmallVector<int64_t> tiles, interchange;
      // Unit-stride convolutions outside panels become matmul tiles, one
      // kernel tap each.
      bool asMatmul = !panel && conv && unitStrides(conv);
      if (panel) {
        tiles.assign(ranges.size(), 0);
        tiles[rowDim] = panel->rows;
        tiles[columnDim] = panel->columns;
        // Panels walk W's rows innermost: X's panel (a matmul's column
        // block, a convolution's input rows) is loaded once and reused
        // from cache by every row tile; W is the smaller operand or stays
        // in L2.
        interchange = isMatmul ? SmallVector<int64_t>{1, 0, 2}
                      : packed ? SmallVector<int64_t>{1, 2, 0, 3, 4, 5}
                               : SmallVector<int64_t>{0, 2, 3, 1, 4, 5, 6};
        if (packed && storeBoundPointwise(op))
          interchange = {0, 1, 2, 3, 4, 5};
        if (conv) {
          tiles[0] = 1;         // the image
          tiles[2] = imageRows; // the output rows
          if (imageRows > 1)
            tiles[3] = ranges[3];
        } else if (packed) {
          tiles[1] = 1; // the output row
        }
        // One tile for the whole op would leave the panel's loop, which
        // carries the accumulators, outermost: quantc-outline-loop-nests
        // outlines loops without results only. Two row (or column) tiles
        // instead.
        if (wholeIterationSpace(tiles, ranges)) {
          if (panel->rows > 1)
            tiles[rowDim] = tileFor(panel->rows, panel->rows / 2);
          else if (panel->columns % 32 == 0 && imageRows == 1)
            tiles[columnDim] = panel->columns / 2;
        }
      } else {
        // depthwise (n, g, fg, oh, ow, c, kh, kw).
        SmallVector<int64_t> bounds =
            isMatmul   ? SmallVector<int64_t>{8, 32, 16}
            : asMatmul ? SmallVector<int64_t>{1, 8, 1, 32, 16, 1, 1}
            : depthwise
                ? SmallVector<int64_t>{1, 1, 1, kDepthwiseRows, 128, 1, 0, 0}
                : SmallVector<int64_t>{1, 8, 1, 16, 8, 1, 0};
        for (auto [extent, bound] : llvm::zip_equal(ranges, bounds))
          tiles.push_back(tileFor(extent, bound));
        // The lanes: matmul N, a matmul-tiled or depthwise convolution's
        // output columns.
        if (isMatmul)
          tiles[1] = laneTileFor(ranges[1], bounds[1]);
        else if (asMatmul)
          tiles[3] = laneTileFor(ranges[3], bounds[3]);
        else if (depthwise)
          tiles[4] = laneTileFor(ranges[4], bounds[4]);
      }
      // A depthwise convolution or a panel into a zero fill starts its
      // registers at zero: the fill (a pass over the whole output) goes.
      bool zeroInit = (depthwise || panel) && dropZeroFillInit(rewriter, op);
      if (panel && conv)
        if (linalg::GenericOp epilogue =
                quantc::panelEpilogueOf(conv->getResult(0)))
          if (succeeded(tileWithEpilogue(rewriter, op, epilogue,
                                         ArrayRef(tiles).take_front(4),
                                         zeroInit)))
            continue;
      if (matmulEpilogue && succeeded(tileMatmulWithEpilogue(
                                rewriter, op, *matmulEpilogue, zeroInit)))
        continue;
      // One image (depthwiseRowVectors writes image 0 of its tile, and
      // the epilogue's image dimension is untiled) and whole rows.
      if (depthwise && ranges[0] == 1 && tiles[4] == ranges[4])
        if (tensor::CollapseShapeOp image = imageOfDepthwise(op))
          if (linalg::GenericOp epilogue =
                  quantc::panelEpilogueOf(image.getResult()))
            if (succeeded(tileDepthwiseWithEpilogue(rewriter, op, epilogue,
                                                    tiles[3], zeroInit)))
              continue;
      scf::SCFTilingOptions options;
      options.setTileSizes(getAsIndexOpFoldResult(context, tiles));
      if (panel)
        options.setInterchange(interchange);
      auto tilable = dyn_cast<TilingInterface>(op.getOperation());
      if (!tilable)
        continue; // The embedder did not register linalg's tiling models.
      rewriter.setInsertionPoint(op);
      FailureOr<scf::SCFTilingResult> tiled =
          scf::tileUsingSCF(rewriter, tilable, options);
      if (failed(tiled))
        continue;
      rewriter.replaceOp(op, tiled->replacements);
      if (panel) {
        // Panels tile parallel dimensions only (in interchanged order).
        for (LoopLikeOpInterface loop : tiled->loops)
          quantc::markParallelLoop(loop);
        for (Operation *tile : tiled->tiledOps) {
          rewriter.setInsertionPoint(tile);
          rewriter.replaceOp(
              tile, quantc::broadcastPanel(
                        rewriter, cast<linalg::LinalgOp>(tile), zeroInit));
        }
        continue;
      }
      markParallelTileLoops(op, tiles, tiled->loops);
      if (isMatmul)
        llvm::append_range(matmulTiles, tiled->tiledOps);
      if (asMatmul)
        for (Operation *tile : tiled->tiledOps) {
          rewriter.setInsertionPoint(tile);
          tensor::InsertSliceOp tileResult =
              convTileAsMatmul(rewriter, cast<linalg::Conv2DNchwFchwOp>(tile));
          matmulTiles.push_back(tileResult.getSource().getDefiningOp());
          rewriter.replaceOp(tile, tileResult);
        }
      if (depthwise)
        for (Operation *tile : tiled->tiledOps) {
          rewriter.setInsertionPoint(tile);
          rewriter.replaceOp(
              tile, depthwiseRowVectors(rewriter,
                                        cast<linalg::Conv2DNgchwGfchwOp>(tile),
                                        zeroInit));
        }
    }

    // One-row convolution tiles become 1-D convolutions.
    RewritePatternSet decompose(context);
    linalg::populateDecomposeConvolutionPatterns(decompose);
    if (failed(applyPatternsGreedily(func, std::move(decompose))))
      return signalPassFailure();

    SmallVector<Operation *> toVectorize(matmulTiles);
    llvm::append_range(toVectorize, transposeTiles);
    func.walk([&](linalg::Conv1DNcwFcwOp op) {
      if (allStatic(op))
        toVectorize.push_back(op);
    });
    for (Operation *op : toVectorize) {
      rewriter.setInsertionPoint(op);
      // Matmul tiles go straight to vector.contract (lowered to outer
      // products) instead of broadcast + multi_reduction.
      bool contraction = isa<linalg::MatmulOp>(op);
      FailureOr<linalg::VectorizationResult> result = linalg::vectorize(
          rewriter, op, /*inputVectorSizes=*/{}, /*inputScalableVecDims=*/{},
          /*vectorizeNDExtract=*/false, /*flatten1DDepthwiseConv=*/false,
          /*assumeDynamicDimsMatchVecSizes=*/false,
          /*createNamedContraction=*/contraction);
      if (failed(result))
        continue;
      rewriter.replaceOp(op, result->replacements);
      ++numVectorized;
    }

    // Each tile's output slice, then its vector, is read at the top of
    // every step of the reduction loop and written back at the bottom:
    // hoisted, the accumulator is a loop-carried vector (registers) and
    // touches memory once per tile. Innermost loops first, so that a
    // hoisted pair can move further out. Folding first (no patterns: the
    // ops' folders and dead-code removal) turns the tiles' slice-of-slice
    // chains into the loop-invariant pairs the hoisting matches; without
    // it nothing is hoisted.
    if (failed(applyPatternsGreedily(func, RewritePatternSet(context))))
      return signalPassFailure();
    SmallVector<scf::ForOp> loops;
    func.walk<WalkOrder::PostOrder>(
        [&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops)
      hoistLoopInvariantSubsets(rewriter,
                                cast<LoopLikeOpInterface>(loop.getOperation()));
  }
};
} // namespace
