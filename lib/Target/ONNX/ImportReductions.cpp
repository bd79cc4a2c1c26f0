//===- ImportReductions.cpp - ONNX Reduce* and GlobalMaxPool --------------===//
//
// Part of quantc. ReduceMean, ReduceSum, ReduceMax and ReduceProd are qc ops;
// the other reductions are compositions of them with elementwise ops: ReduceMin
// as -max(-x), ReduceSumSquare, ReduceL1, ReduceL2, ReduceLogSum and a
// ReduceLogSumExp shifted by the maximum so that it cannot overflow.
// GlobalMaxPool is ReduceMax over the spatial axes; ArgMax and ArgMin are
// qc ops.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "quantc/Dialect/QC/IR/QCOps.h"

#include "llvm/ADT/SmallBitVector.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

namespace {
/// What a Reduce* node reduces: normalized axes (all when empty) and
/// whether reduced dimensions stay as extent 1.
struct Reduction {
  SmallVector<int64_t> axes;
  bool keepdims = true;
  /// noop_with_empty_axes with no axes: the node is the identity.
  bool identity = false;

  Shape resultShape(ArrayRef<int64_t> in, bool keep) const {
    llvm::SmallBitVector reduced(in.size(), axes.empty());
    for (int64_t axis : axes)
      reduced.set(axis);
    Shape out;
    for (size_t i = 0; i < in.size(); ++i) {
      if (!reduced.test(i))
        out.push_back(in[i]);
      else if (keep)
        out.push_back(1);
    }
    return out;
  }
};
} // namespace

/// Reads a Reduce* node: `axes` is an attribute until `inputAxesSince`
/// (13 for ReduceSum, 18 for the others), an input after.
static FailureOr<Reduction> readReduction(NodeContext &ctx, int64_t rank,
                                          int64_t inputAxesSince) {
  std::vector<int64_t> axes;
  if (ctx.opset() >= inputAxesSince) {
    if (ctx.hasInput(1)) {
      auto values = ctx.constantInts(1, "axes");
      if (failed(values))
        return failure();
      axes = *values;
    }
  } else {
    auto values = ctx.attrInts("axes");
    if (failed(values))
      return failure();
    if (*values)
      axes = **values;
  }
  FailureOr<int64_t> keepdims = ctx.attrInt("keepdims", 1);
  FailureOr<int64_t> noop = ctx.attrInt("noop_with_empty_axes", 0);
  if (failed(keepdims) || failed(noop))
    return failure();
  Reduction reduction;
  reduction.keepdims = *keepdims != 0;
  reduction.identity = axes.empty() && *noop;
  for (int64_t axis : axes) {
    std::optional<int64_t> n = qc::normalizeAxis(axis, rank);
    if (!n)
      return ctx.error() << "axis " << axis << " is out of range";
    if (!llvm::is_contained(reduction.axes, *n))
      reduction.axes.push_back(*n);
  }
  llvm::sort(reduction.axes);
  return reduction;
}

template <typename OpTy>
static Value reduce(OpBuilder &b, Location loc, Value x,
                    const Reduction &reduction, bool keep) {
  auto type = cast<RankedTensorType>(x.getType());
  auto result = RankedTensorType::get(
      reduction.resultShape(type.getShape(), keep), type.getElementType());
  return OpTy::create(b, loc, result, x, b.getDenseI64ArrayAttr(reduction.axes),
                      b.getBoolAttr(keep));
}

namespace {
/// How a reduction is built from qc ops.
enum class ReduceKind {
  Mean,
  Sum,
  Max,
  Min,
  SumSquare,
  L1,
  L2,
  LogSum,
  LogSumExp,
  Prod
};
} // namespace

static Value buildReduction(OpBuilder &b, Location loc, Value x,
                            const Reduction &r, ReduceKind kind) {
  bool keep = r.keepdims;
  auto square = [&](Value v) -> Value {
    return qc::MulOp::create(b, loc, v.getType(), v, v);
  };
  switch (kind) {
  case ReduceKind::Mean:
    return reduce<qc::ReduceMeanOp>(b, loc, x, r, keep);
  case ReduceKind::Sum:
    return reduce<qc::ReduceSumOp>(b, loc, x, r, keep);
  case ReduceKind::Max:
    return reduce<qc::ReduceMaxOp>(b, loc, x, r, keep);
  case ReduceKind::Prod:
    return reduce<qc::ReduceProdOp>(b, loc, x, r, keep);
  case ReduceKind::Min: {
    Value negated = qc::NegOp::create(b, loc, x);
    return qc::NegOp::create(b, loc,
                             reduce<qc::ReduceMaxOp>(b, loc, negated, r, keep));
  }
  case ReduceKind::SumSquare:
    return reduce<qc::ReduceSumOp>(b, loc, square(x), r, keep);
  case ReduceKind::L1:
    return reduce<qc::ReduceSumOp>(b, loc, qc::AbsOp::create(b, loc, x), r,
                                   keep);
  case ReduceKind::L2:
    return qc::SqrtOp::create(
        b, loc, reduce<qc::ReduceSumOp>(b, loc, square(x), r, keep));
  case ReduceKind::LogSum:
    return qc::LogOp::create(b, loc,
                             reduce<qc::ReduceSumOp>(b, loc, x, r, keep));
  case ReduceKind::LogSumExp: {
    // max + log(sum(exp(x - max))), the maximum kept for the broadcast.
    Value max = reduce<qc::ReduceMaxOp>(b, loc, x, r, /*keep=*/true);
    Value shifted = qc::SubOp::create(b, loc, x.getType(), x, max);
    Value sum = reduce<qc::ReduceSumOp>(
        b, loc, qc::ExpOp::create(b, loc, shifted), r, /*keep=*/true);
    Value result = qc::AddOp::create(b, loc, max.getType(),
                                     qc::LogOp::create(b, loc, sum), max);
    if (keep)
      return result;
    auto type = cast<RankedTensorType>(x.getType());
    return qc::ReshapeOp::create(
        b, loc,
        RankedTensorType::get(r.resultShape(type.getShape(), false),
                              type.getElementType()),
        result);
  }
  }
  llvm_unreachable("unknown reduction");
}

template <ReduceKind kind> static LogicalResult importReduce(NodeContext &ctx) {
  auto input = ctx.floatInput(0);
  if (failed(input))
    return failure();
  int64_t inputAxesSince = kind == ReduceKind::Sum ? 13 : 18;
  FailureOr<Reduction> reduction =
      readReduction(ctx, input->getType().getRank(), inputAxesSince);
  if (failed(reduction))
    return failure();
  if (reduction->identity) {
    ctx.setOutput(0, *input);
    return success();
  }
  ctx.setOutput(
      0, buildReduction(ctx.builder(), ctx.loc(), *input, *reduction, kind));
  return success();
}

/// GlobalMaxPool: the maximum over every spatial axis, kept as extent 1.
static LogicalResult importGlobalMaxPool(NodeContext &ctx) {
  auto input = ctx.tensorInput(0);
  if (failed(input))
    return failure();
  int64_t rank = input->getType().getRank();
  if (rank < 3)
    return ctx.error() << "the input must have rank at least 3";
  Reduction spatial;
  for (int64_t axis = 2; axis < rank; ++axis)
    spatial.axes.push_back(axis);
  ctx.setOutput(0, reduce<qc::ReduceMaxOp>(ctx.builder(), ctx.loc(), *input,
                                           spatial, /*keep=*/true));
  return success();
}

/// ArgMax / ArgMin: the int64 index of the extremum along `axis`.
template <typename OpTy>
static LogicalResult importArgReduce(NodeContext &ctx) {
  auto input = ctx.floatInput(0);
  FailureOr<int64_t> axis = ctx.attrInt("axis", 0);
  FailureOr<int64_t> keepdims = ctx.attrInt("keepdims", 1);
  FailureOr<int64_t> last = ctx.attrInt("select_last_index", 0);
  if (failed(input) || failed(axis) || failed(keepdims) || failed(last))
    return failure();
  ArrayRef<int64_t> in = input->getType().getShape();
  std::optional<int64_t> normalized = qc::normalizeAxis(*axis, in.size());
  if (!normalized)
    return ctx.error() << "axis " << *axis << " is out of range";
  Reduction reduction;
  reduction.axes = {*normalized};
  OpBuilder &b = ctx.builder();
  auto type = RankedTensorType::get(reduction.resultShape(in, *keepdims != 0),
                                    b.getI64Type());
  ctx.setOutput(0,
                OpTy::create(b, ctx.loc(), type, *input,
                             b.getI64IntegerAttr(*normalized),
                             b.getBoolAttr(*keepdims != 0),
                             *last ? b.getUnitAttr() : UnitAttr()),
                std::nullopt, kInt64);
  return success();
}

void quantc::onnx_import::registerReductionHandlers(
    llvm::StringMap<NodeHandler> &handlers) {
  handlers["ReduceMean"] = importReduce<ReduceKind::Mean>;
  handlers["ReduceSum"] = importReduce<ReduceKind::Sum>;
  handlers["ReduceMax"] = importReduce<ReduceKind::Max>;
  handlers["ReduceProd"] = importReduce<ReduceKind::Prod>;
  handlers["ReduceMin"] = importReduce<ReduceKind::Min>;
  handlers["ReduceSumSquare"] = importReduce<ReduceKind::SumSquare>;
  handlers["ReduceL1"] = importReduce<ReduceKind::L1>;
  handlers["ReduceL2"] = importReduce<ReduceKind::L2>;
  handlers["ReduceLogSum"] = importReduce<ReduceKind::LogSum>;
  handlers["ReduceLogSumExp"] = importReduce<ReduceKind::LogSumExp>;
  handlers["GlobalMaxPool"] = importGlobalMaxPool;
  handlers["ArgMax"] = importArgReduce<qc::ArgMaxOp>;
  handlers["ArgMin"] = importArgReduce<qc::ArgMinOp>;
}
