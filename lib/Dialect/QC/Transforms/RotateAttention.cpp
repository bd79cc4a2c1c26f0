//===- RotateAttention.cpp - the attention value/output rotation pair -----===//
//
// Part of quantc. Attention mixes tokens, not channels, within each head:
// rotating V's channels of head h by Q (v' = Q v) rotates that head's
// output the same way (A v' = Q (A v)), which the output projection's rows
// for head h undo (W_o,h <- Q W_o,h). Both sides are weights, so the pair
// costs nothing at run time. The pattern is the fused-QKV attention that
// timm's ViT and PaddleOCR's SVTR export:
//
//   qkv = x W (+ b) -> reshape [B, T, 3, H, D] -> transpose [2, 0, 3, 1, 4]
//   v = squeeze(slice(qkv, axis 0, 2:3)) -> A v -> transpose [0, 2, 1, 3]
//   -> reshape [B, T, H D] -> o W_o
//
//===----------------------------------------------------------------------===//

#include "RotateAttention.h"

#include "LayerWeightAxes.h"

#include "quantc/Dialect/QC/IR/QCConstants.h"
#include "quantc/Dialect/QC/IR/QCHadamard.h"
#include "quantc/Dialect/QC/IR/QCOps.h"

using namespace mlir;
using namespace quantc::qc;

namespace {
/// The single-use op of type OpT defining `value`, or null.
template <typename OpT> OpT soleProducer(Value value) {
  auto op = value.getDefiningOp<OpT>();
  return op && value.hasOneUse() ? op : OpT();
}

/// One value/output pair: the QKV projection (its weights [K, 3 H D] and
/// optional bias add) and the output projection (weights [H D, N]).
struct ValueOutputPair {
  MatMulOp qkv, output;
  AddOp qkvBias;
  int64_t heads = 0, headWidth = 0;
};

std::optional<ValueOutputPair> matchPair(MatMulOp output) {
  auto outputWeights = dyn_cast<RankedTensorType>(output.getRhs().getType());
  if (!outputWeights || outputWeights.getRank() != 2 ||
      !readF32Constant(output.getRhs()))
    return std::nullopt;
  auto merge = soleProducer<ReshapeOp>(output.getLhs());
  auto swap =
      merge ? soleProducer<TransposeOp>(merge.getInput()) : TransposeOp();
  if (!swap || swap.getPerm() != ArrayRef<int64_t>{0, 2, 1, 3})
    return std::nullopt;
  auto product = soleProducer<MatMulOp>(swap.getInput());
  if (!product || readF32Constant(product.getRhs()))
    return std::nullopt;
  auto squeeze = soleProducer<SqueezeOp>(product.getRhs());
  auto slice = squeeze ? soleProducer<SliceOp>(squeeze.getInput()) : SliceOp();
  if (!slice || slice.getAxes() != ArrayRef<int64_t>{0} ||
      slice.getStarts() != ArrayRef<int64_t>{2} ||
      slice.getEnds() != ArrayRef<int64_t>{3} ||
      slice.getSteps() != ArrayRef<int64_t>{1})
    return std::nullopt;
  // The transpose and the reshape also feed Q and K: not single-use.
  auto split = slice.getInput().getDefiningOp<TransposeOp>();
  if (!split || split.getPerm() != ArrayRef<int64_t>{2, 0, 3, 1, 4})
    return std::nullopt;
  auto heads = split.getInput().getDefiningOp<ReshapeOp>();
  if (!heads || !heads.getResult().hasOneUse())
    return std::nullopt;
  auto headsType = cast<RankedTensorType>(heads.getType());
  if (!headsType.hasStaticShape() || headsType.getRank() != 5 ||
      headsType.getDimSize(2) != 3)
    return std::nullopt;
  ValueOutputPair pair;
  pair.heads = headsType.getDimSize(3);
  pair.headWidth = headsType.getDimSize(4);
  Value projected = heads.getInput();
  if (auto add = soleProducer<AddOp>(projected)) {
    auto biasType = dyn_cast<RankedTensorType>(add.getRhs().getType());
    if (!biasType || biasType.getRank() != 1 || !readF32Constant(add.getRhs()))
      return std::nullopt;
    pair.qkvBias = add;
    projected = add.getLhs();
  }
  pair.qkv = soleProducer<MatMulOp>(projected);
  int64_t width = pair.heads * pair.headWidth;
  auto qkvWeights =
      pair.qkv ? dyn_cast<RankedTensorType>(pair.qkv.getRhs().getType())
               : RankedTensorType();
  if (!qkvWeights || qkvWeights.getRank() != 2 ||
      qkvWeights.getDimSize(1) != 3 * width ||
      outputWeights.getDimSize(0) != width ||
      !readF32Constant(pair.qkv.getRhs()))
    return std::nullopt;
  pair.output = output;
  return pair;
}

/// Applies Q to the `width`-long runs starting at column `first + h width`
/// of every row of a [rows, columns] constant, for each head h.
void rotateColumns(std::vector<float> &values, int64_t rows, int64_t columns,
                   int64_t first, int64_t heads, int64_t width,
                   ArrayRef<bool> negate) {
  std::vector<float> run(width);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t h = 0; h < heads; ++h) {
      float *at = values.data() + r * columns + first + h * width;
      std::copy(at, at + width, run.begin());
      applyHadamard(run, {width}, 0, negate);
      std::copy(run.begin(), run.end(), at);
    }
}
} // namespace

std::vector<LayerRotation> quantc::qc::rotateValueOutputPairs(
    Operation *root, llvm::function_ref<SmallVector<bool>(int64_t)> signs) {
  std::vector<LayerRotation> rotations;
  SmallVector<MatMulOp> outputs;
  root->walk([&](MatMulOp matmul) { outputs.push_back(matmul); });
  for (MatMulOp output : outputs) {
    std::optional<ValueOutputPair> pair = matchPair(output);
    if (!pair)
      continue;
    int64_t d = pair->headWidth, heads = pair->heads, width = heads * d;
    auto name = [](MatMulOp op) {
      return cast<QuantizableOpInterface>(op.getOperation())
          .getLayerName()
          .str();
    };
    if (!factorHadamardSize(d)) {
      rotations.push_back({name(output), d, "refused",
                           "attention value/output pair: heads " +
                               std::to_string(d) +
                               " wide have no Hadamard matrix"});
      continue;
    }
    SmallVector<bool> negate = signs(d);
    // V's columns of every head: v' = Q v.
    auto qkvType = cast<RankedTensorType>(pair->qkv.getRhs().getType());
    std::vector<float> qkv = *readF32Constant(pair->qkv.getRhs());
    rotateColumns(qkv, qkvType.getDimSize(0), 3 * width, 2 * width, heads, d,
                  negate);
    replaceConstantOperand(pair->qkv.getRhsMutable(), qkv, "rotated");
    if (pair->qkvBias) {
      std::vector<float> bias = *readF32Constant(pair->qkvBias.getRhs());
      rotateColumns(bias, 1, 3 * width, 2 * width, heads, d, negate);
      replaceConstantOperand(pair->qkvBias.getRhsMutable(), bias, "rotated");
    }
    // W_o's rows of head h: W_o,h <- Q W_o,h, column by column.
    auto outputType = cast<RankedTensorType>(pair->output.getRhs().getType());
    int64_t n = outputType.getDimSize(1);
    std::vector<float> wo = *readF32Constant(pair->output.getRhs());
    std::vector<float> block(d * n);
    for (int64_t h = 0; h < heads; ++h) {
      std::copy(wo.begin() + h * d * n, wo.begin() + (h + 1) * d * n,
                block.begin());
      applyHadamard(block, {d, n}, 0, negate);
      std::copy(block.begin(), block.end(), wo.begin() + h * d * n);
    }
    replaceConstantOperand(pair->output.getRhsMutable(), wo, "rotated");
    std::string how = "attention value/output pair, " + std::to_string(heads) +
                      " heads of " + std::to_string(d);
    rotations.push_back({name(pair->qkv), d, "fused", how});
    rotations.push_back({name(output), d, "fused", how});
  }
  return rotations;
}
