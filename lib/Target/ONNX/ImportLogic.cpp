//===- ImportLogic.cpp - ONNX comparisons, logical operators, Where -------===//
//
// Part of quantc. Equal, Less, LessOrEqual, Greater, GreaterOrEqual as
// qc.compare into i1 (ONNX bool) tensors; And, Or, Xor, Not on them; Where.
// Integer operands known at import (shape computations) are evaluated on
// the host.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "quantc/Dialect/QC/IR/QCOps.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

/// Whether `x predicate y` holds, for host integers.
static bool holds(qc::ComparePredicate predicate, int64_t x, int64_t y) {
  switch (predicate) {
  case qc::ComparePredicate::eq:
    return x == y;
  case qc::ComparePredicate::lt:
    return x < y;
  case qc::ComparePredicate::le:
    return x <= y;
  case qc::ComparePredicate::gt:
    return x > y;
  case qc::ComparePredicate::ge:
    return x >= y;
  }
  return false;
}

template <qc::ComparePredicate predicate>
static LogicalResult importCompare(NodeContext &ctx) {
  const HostTensor *a = ctx.hostInput(0), *b = ctx.hostInput(1);
  if (a && b)
    if (std::optional<HostTensor> folded = evaluateHostBinary(
            *a, *b, kBool, [](int64_t x, int64_t y) -> std::optional<int64_t> {
              return holds(predicate, x, y);
            })) {
      ctx.setHostOutput(0, std::move(*folded));
      return success();
    }
  auto lhs = ctx.tensorInput(0);
  auto rhs = ctx.tensorInput(1);
  if (failed(lhs) || failed(rhs) ||
      failed(ctx.requireSameElementType(*lhs, *rhs)))
    return failure();
  FailureOr<RankedTensorType> type = broadcastResultType(
      ctx, lhs->getType(), rhs->getType(), IntegerType::get(ctx.context(), 1));
  if (failed(type))
    return failure();
  OpBuilder &builder = ctx.builder();
  auto compare = qc::CompareOp::create(
      builder, ctx.loc(), *type,
      qc::ComparePredicateAttr::get(ctx.context(), predicate), *lhs, *rhs,
      isUnsignedDataType(ctx.inputDataType(0)) ? builder.getUnitAttr()
                                               : UnitAttr());
  ctx.setOutput(0, compare, std::nullopt, kBool);
  return success();
}

/// The input as an i1 (ONNX bool) tensor.
static FailureOr<TypedValue<RankedTensorType>> boolInput(NodeContext &ctx,
                                                         int i) {
  auto value = ctx.tensorInput(i);
  if (failed(value))
    return failure();
  if (!value->getType().getElementType().isInteger(1))
    return ctx.error() << "expects a bool input " << i << ", got "
                       << value->getType().getElementType();
  return value;
}

/// `x op y` for host booleans (0 or 1).
template <typename OpTy> static int64_t evaluateLogical(int64_t x, int64_t y) {
  if constexpr (std::is_same_v<OpTy, qc::AndOp>)
    return x && y;
  else if constexpr (std::is_same_v<OpTy, qc::OrOp>)
    return x || y;
  else
    return (x != 0) != (y != 0);
}

template <typename OpTy> static LogicalResult importLogical(NodeContext &ctx) {
  const HostTensor *a = ctx.hostInput(0), *b = ctx.hostInput(1);
  if (a && b)
    if (std::optional<HostTensor> folded = evaluateHostBinary(
            *a, *b, kBool, [](int64_t x, int64_t y) -> std::optional<int64_t> {
              return evaluateLogical<OpTy>(x, y);
            })) {
      ctx.setHostOutput(0, std::move(*folded));
      return success();
    }
  auto lhs = boolInput(ctx, 0);
  auto rhs = boolInput(ctx, 1);
  if (failed(lhs) || failed(rhs))
    return failure();
  FailureOr<RankedTensorType> type = broadcastResultType(
      ctx, lhs->getType(), rhs->getType(), IntegerType::get(ctx.context(), 1));
  if (failed(type))
    return failure();
  ctx.setOutput(0, OpTy::create(ctx.builder(), ctx.loc(), *type, *lhs, *rhs),
                std::nullopt, kBool);
  return success();
}

static LogicalResult importNot(NodeContext &ctx) {
  // Conditions computed from shapes are known at import.
  if (const HostTensor *host = ctx.hostInput(0);
      host && !host->isFloat() && host->fullyKnown()) {
    HostTensor result = *host;
    result.dataType = kBool;
    for (int64_t &value : result.ints)
      value = value == 0;
    ctx.setHostOutput(0, std::move(result));
    return success();
  }
  auto input = boolInput(ctx, 0);
  if (failed(input))
    return failure();
  ctx.setOutput(0, qc::NotOp::create(ctx.builder(), ctx.loc(), *input),
                std::nullopt, kBool);
  return success();
}

static LogicalResult importWhere(NodeContext &ctx) {
  auto condition = boolInput(ctx, 0);
  auto x = ctx.tensorInput(1);
  auto y = ctx.tensorInput(2);
  if (failed(condition) || failed(x) || failed(y) ||
      failed(ctx.requireSameElementType(*x, *y)))
    return failure();
  std::optional<Shape> shape = qc::broadcastShapes(
      condition->getType().getShape(), x->getType().getShape());
  if (shape)
    shape = qc::broadcastShapes(*shape, y->getType().getShape());
  if (!shape)
    return ctx.error() << "the condition, x and y shapes do not broadcast";
  auto type = RankedTensorType::get(*shape, x->getType().getElementType());
  ctx.setOutput(
      0,
      qc::WhereOp::create(ctx.builder(), ctx.loc(), type, *condition, *x, *y),
      std::nullopt, ctx.inputDataType(1));
  return success();
}

void quantc::onnx_import::registerLogicHandlers(
    llvm::StringMap<NodeHandler> &handlers) {
  handlers["Equal"] = importCompare<qc::ComparePredicate::eq>;
  handlers["Less"] = importCompare<qc::ComparePredicate::lt>;
  handlers["LessOrEqual"] = importCompare<qc::ComparePredicate::le>;
  handlers["Greater"] = importCompare<qc::ComparePredicate::gt>;
  handlers["GreaterOrEqual"] = importCompare<qc::ComparePredicate::ge>;
  handlers["And"] = importLogical<qc::AndOp>;
  handlers["Or"] = importLogical<qc::OrOp>;
  handlers["Xor"] = importLogical<qc::XorOp>;
  handlers["Not"] = importNot;
  handlers["Where"] = importWhere;
}
