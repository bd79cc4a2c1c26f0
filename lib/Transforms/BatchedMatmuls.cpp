//===- BatchedMatmuls.cpp - batched f32 matmuls as one matmul a batch -----===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "BatchedMatmuls.h"
#include "ZeroFill.h"

#include "quantc/Support/ParallelLoops.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace {
/// A batched matmul's loop dimensions.
struct BatchedDims {
  SmallVector<unsigned> batch;
  unsigned m, n, k;
};
} // namespace

/// The dimensions of `op` when it is a static all-f32 multiply-accumulate
/// contraction reading [batch..., m, k] x [batch..., k, n] into [batch...,
/// m, n] with at least one batch dimension.
static std::optional<BatchedDims> batchedMatmulDims(linalg::LinalgOp op) {
  if (isa<linalg::MatmulOp>(op.getOperation()) ||
      !op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !op.hasOnlyProjectedPermutations())
    return std::nullopt;
  for (Type type : op->getOperandTypes()) {
    auto shaped = dyn_cast<RankedTensorType>(type);
    if (!shaped || !shaped.hasStaticShape() || !shaped.getElementType().isF32())
      return std::nullopt;
  }
  if (!linalg::isaContractionOpInterface(op))
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->batch.empty() || dims->m.size() != 1 ||
      dims->n.size() != 1 || dims->k.size() != 1)
    return std::nullopt;
  BatchedDims result{
      SmallVector<unsigned>(dims->batch.begin(), dims->batch.end()), dims->m[0],
      dims->n[0], dims->k[0]};
  // Each operand: the batch dimensions in one order, then its two own.
  auto reads = [&](AffineMap map, unsigned row, unsigned column) {
    if (map.getNumResults() != result.batch.size() + 2)
      return false;
    for (auto [i, dim] : llvm::enumerate(result.batch))
      if (map.getDimPosition(i) != dim)
        return false;
    return map.getDimPosition(result.batch.size()) == row &&
           map.getDimPosition(result.batch.size() + 1) == column;
  };
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (!reads(maps[0], result.m, result.k) ||
      !reads(maps[1], result.k, result.n) ||
      !reads(maps[2], result.m, result.n))
    return std::nullopt;
  return result;
}

/// The offsets, sizes and strides of the whole of a tensor of `type`.
static std::array<SmallVector<OpFoldResult>, 3>
wholeSlice(RewriterBase &rewriter, RankedTensorType type) {
  int64_t rank = type.getRank();
  return {SmallVector<OpFoldResult>(rank, rewriter.getIndexAttr(0)),
          getAsIndexOpFoldResult(rewriter.getContext(), type.getShape()),
          SmallVector<OpFoldResult>(rank, rewriter.getIndexAttr(1))};
}

/// The trailing 2-D matrix of a tile whose leading dimensions are 1.
static Value trailingMatrix(RewriterBase &rewriter, Location loc, Value tile) {
  auto type = cast<RankedTensorType>(tile.getType());
  auto matrixType = RankedTensorType::get(type.getShape().take_back(2),
                                          type.getElementType());
  auto [offsets, sizes, strides] = wholeSlice(rewriter, type);
  return tensor::ExtractSliceOp::create(rewriter, loc, matrixType, tile,
                                        offsets, sizes, strides);
}

void quantc::splitBatchedMatmuls(RewriterBase &rewriter, func::FuncOp func) {
  SmallVector<std::pair<linalg::LinalgOp, BatchedDims>> batched;
  func.walk([&](linalg::LinalgOp op) {
    if (std::optional<BatchedDims> dims = batchedMatmulDims(op))
      batched.push_back({op, *dims});
  });
  for (auto [op, dims] : batched) {
    Location loc = op.getLoc();
    SmallVector<int64_t> tiles(op.getNumLoops(), 0);
    for (unsigned dim : dims.batch)
      tiles[dim] = 1;
    scf::SCFTilingOptions options;
    options.setTileSizes(getAsIndexOpFoldResult(rewriter.getContext(), tiles));
    rewriter.setInsertionPoint(op);
    FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
        rewriter, cast<TilingInterface>(op.getOperation()), options);
    if (failed(tiled))
      continue;
    rewriter.replaceOp(op, tiled->replacements);
    for (LoopLikeOpInterface loop : tiled->loops)
      markParallelLoop(loop);
    // The outer loop carries the output from op's init: a zero fill there
    // becomes each batch's own (below).
    bool zeroInit = false;
    if (auto outer = dyn_cast_or_null<scf::ForOp>(
            tiled->loops.empty() ? nullptr
                                 : tiled->loops.front().getOperation()))
      zeroInit = outer.getInitArgs().size() == 1 &&
                 quantc::takeZeroFill(rewriter, outer.getInitArgsMutable()[0]);
    for (Operation *tileOp : tiled->tiledOps) {
      auto tile = cast<linalg::LinalgOp>(tileOp);
      rewriter.setInsertionPoint(tile);
      Value lhs = trailingMatrix(rewriter, loc, tile.getDpsInputs()[0]);
      Value rhs = trailingMatrix(rewriter, loc, tile.getDpsInputs()[1]);
      Value tileInit = tile.getDpsInits()[0];
      Value init = trailingMatrix(rewriter, loc, tileInit);
      if (zeroInit) {
        // The batch's own zero fill, which the panel drops: it starts its
        // accumulators at zero and writes the batch's slice in place.
        Value zero = arith::ConstantOp::create(
            rewriter, loc,
            rewriter.getZeroAttr(getElementTypeOrSelf(init.getType())));
        init = linalg::FillOp::create(rewriter, loc, zero, init).getResult(0);
      }
      auto matmul = linalg::MatmulOp::create(
          rewriter, loc, ValueRange{lhs, rhs}, ValueRange{init});
      auto [offsets, sizes, strides] =
          wholeSlice(rewriter, cast<RankedTensorType>(tileInit.getType()));
      rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(
          tile, matmul.getResult(0), tileInit, offsets, sizes, strides);
    }
  }
}
