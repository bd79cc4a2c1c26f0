//===- ImportElementwise.cpp - ONNX elementwise operators -----------------===//
//
// Part of quantc. Add/Sub/Mul/Div/Pow and the variadic Max/Min/Sum/Mean
// (with ONNX broadcasting), Cast, Identity and Dropout. Integer arithmetic
// on values known at import (shape computations) is evaluated on the host.
// Activations: ImportActivations.cpp.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "quantc/Dialect/QC/IR/QCOps.h"

#include <cmath>

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

//===----------------------------------------------------------------------===//
// Binary arithmetic
//===----------------------------------------------------------------------===//

namespace {
enum class BinaryKind { Add, Sub, Mul, Div, Max, Min };
} // namespace

std::optional<HostTensor> quantc::onnx_import::evaluateHostBinary(
    const HostTensor &a, const HostTensor &b, int32_t resultType,
    llvm::function_ref<std::optional<int64_t>(int64_t, int64_t)> fn) {
  if (a.isFloat() || b.isFloat())
    return std::nullopt;
  std::optional<Shape> shape = qc::broadcastShapes(a.shape, b.shape);
  if (!shape)
    return std::nullopt;
  HostTensor result;
  result.dataType = resultType;
  result.shape = *shape;
  int64_t count = qc::shapeProduct(*shape);
  // Index each operand with broadcasting (row-major, right-aligned).
  auto indexInto = [&](const HostTensor &t, int64_t flat) {
    int64_t index = 0, stride = 1;
    int64_t offset = shape->size() - t.shape.size();
    for (int64_t d = shape->size() - 1; d >= 0; --d) {
      int64_t coord = flat % (*shape)[d];
      flat /= (*shape)[d];
      if (d < offset)
        continue;
      int64_t extent = t.shape[d - offset];
      index += (extent == 1 ? 0 : coord) * stride;
      stride *= extent;
    }
    return index;
  };
  for (int64_t i = 0; i < count; ++i) {
    int64_t x = a.ints[indexInto(a, i)], y = b.ints[indexInto(b, i)];
    if (ShapedType::isDynamic(x) || ShapedType::isDynamic(y)) {
      result.ints.push_back(ShapedType::kDynamic);
      continue;
    }
    std::optional<int64_t> value = fn(x, y);
    if (!value)
      return std::nullopt;
    result.ints.push_back(*value);
  }
  return result;
}

/// Integer arithmetic on host tensors (shape computations).
static std::optional<HostTensor>
evaluateHost(BinaryKind kind, const HostTensor &a, const HostTensor &b) {
  return evaluateHostBinary(
      a, b, a.dataType, [&](int64_t x, int64_t y) -> std::optional<int64_t> {
        switch (kind) {
        case BinaryKind::Add:
          return x + y;
        case BinaryKind::Sub:
          return x - y;
        case BinaryKind::Mul:
          return x * y;
        case BinaryKind::Div:
          if (y == 0)
            return std::nullopt;
          return x / y;
        case BinaryKind::Max:
          return std::max(x, y);
        case BinaryKind::Min:
          return std::min(x, y);
        }
        return std::nullopt;
      });
}

/// Integer tensors compute + - * in two's complement and / max min as
/// signed integers; division or extrema of ONNX's unsigned types have no
/// integer lowering (Pow is importPow's).
static LogicalResult checkIntegerArithmetic(NodeContext &ctx, BinaryKind kind,
                                            TypedValue<RankedTensorType> lhs) {
  if (isa<FloatType>(lhs.getType().getElementType()))
    return success();
  bool isUnsigned = isUnsignedDataType(ctx.inputDataType(0));
  if (isUnsigned && (kind == BinaryKind::Div || kind == BinaryKind::Max ||
                     kind == BinaryKind::Min))
    return ctx.error() << "division and extrema of unsigned integers are not "
                          "supported";
  return success();
}

FailureOr<RankedTensorType>
quantc::onnx_import::broadcastResultType(NodeContext &ctx, RankedTensorType lhs,
                                         RankedTensorType rhs, Type element) {
  std::optional<Shape> shape =
      qc::broadcastShapes(lhs.getShape(), rhs.getShape());
  if (!shape)
    return ctx.error() << "input shapes " << qc::formatShape(lhs.getShape())
                       << " and " << qc::formatShape(rhs.getShape())
                       << " do not broadcast";
  return RankedTensorType::get(*shape, element);
}

/// Broadcasts `lhs op rhs` into a new OpTy.
template <typename OpTy>
static FailureOr<Value> createBinary(NodeContext &ctx,
                                     TypedValue<RankedTensorType> lhs,
                                     TypedValue<RankedTensorType> rhs) {
  if (failed(ctx.requireSameElementType(lhs, rhs)))
    return failure();
  FailureOr<RankedTensorType> type = broadcastResultType(
      ctx, lhs.getType(), rhs.getType(), lhs.getType().getElementType());
  if (failed(type))
    return failure();
  return Value(OpTy::create(ctx.builder(), ctx.loc(), *type, lhs, rhs));
}

/// Whether every input is known at import, as integers.
static bool allHostIntegers(NodeContext &ctx) {
  for (int i = 0; i < ctx.numInputs(); ++i) {
    const HostTensor *host = ctx.hostInput(i);
    if (!host || host->isFloat())
      return false;
  }
  return ctx.numInputs() > 0;
}

template <typename OpTy, BinaryKind kind>
static LogicalResult importBinary(NodeContext &ctx) {
  if (allHostIntegers(ctx))
    if (std::optional<HostTensor> folded =
            evaluateHost(kind, *ctx.hostInput(0), *ctx.hostInput(1))) {
      ctx.setHostOutput(0, std::move(*folded));
      return success();
    }
  auto lhs = ctx.tensorInput(0);
  auto rhs = ctx.tensorInput(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  if (failed(checkIntegerArithmetic(ctx, kind, *lhs)))
    return failure();
  FailureOr<Value> result = createBinary<OpTy>(ctx, *lhs, *rhs);
  if (failed(result))
    return failure();
  ctx.setOutput(0, *result);
  return success();
}

/// Pow: ONNX lets the exponent have another numeric type; it is cast to
/// the base's. An integer base is raised in double precision and rounded
/// back, exact while the powers stay below 2^53.
static LogicalResult importPow(NodeContext &ctx) {
  auto base = ctx.tensorInput(0);
  auto exponent = ctx.tensorInput(1);
  if (failed(base) || failed(exponent))
    return failure();
  OpBuilder &b = ctx.builder();
  auto convert = [&](TypedValue<RankedTensorType> value, Type to,
                     int input) -> TypedValue<RankedTensorType> {
    if (value.getType().getElementType() == to)
      return value;
    return qc::CastOp::create(b, ctx.loc(), value.getType().clone(to), value,
                              isUnsignedDataType(ctx.inputDataType(input))
                                  ? b.getUnitAttr()
                                  : UnitAttr(),
                              UnitAttr());
  };
  Type element = base->getType().getElementType();
  Type computed = isa<FloatType>(element) ? element : b.getF64Type();
  FailureOr<Value> power = createBinary<qc::PowOp>(
      ctx, convert(*base, computed, 0), convert(*exponent, computed, 1));
  if (failed(power))
    return failure();
  Value result = *power;
  if (computed != element) {
    Value rounded = qc::RoundOp::create(b, ctx.loc(), result);
    bool isUnsigned = isUnsignedDataType(ctx.inputDataType(0));
    result = qc::CastOp::create(
        b, ctx.loc(), cast<RankedTensorType>(result.getType()).clone(element),
        rounded, UnitAttr(), isUnsigned ? b.getUnitAttr() : UnitAttr());
  }
  ctx.setOutput(0, result, std::nullopt, ctx.inputDataType(0));
  return success();
}

/// Mod: `fmod` 1 (C's remainder) is required for floats.
static LogicalResult importMod(NodeContext &ctx) {
  FailureOr<int64_t> fmod = ctx.attrInt("fmod", 0);
  auto lhs = ctx.tensorInput(0);
  auto rhs = ctx.tensorInput(1);
  if (failed(fmod) || failed(lhs) || failed(rhs) ||
      failed(ctx.requireSameElementType(*lhs, *rhs)))
    return failure();
  if (isa<FloatType>(lhs->getType().getElementType()) && *fmod == 0)
    return ctx.error() << "fmod must be 1 for floating-point inputs";
  FailureOr<RankedTensorType> type = broadcastResultType(
      ctx, lhs->getType(), rhs->getType(), lhs->getType().getElementType());
  if (failed(type))
    return failure();
  OpBuilder &b = ctx.builder();
  ctx.setOutput(0,
                qc::ModOp::create(b, ctx.loc(), *type, *lhs, *rhs,
                                  *fmod ? b.getUnitAttr() : UnitAttr(),
                                  isUnsignedDataType(ctx.inputDataType(0))
                                      ? b.getUnitAttr()
                                      : UnitAttr()),
                std::nullopt, ctx.inputDataType(0));
  return success();
}

/// Max, Min, Sum (and Mean's sum): a left fold of the inputs with
/// broadcasting. Integer inputs known at import fold on the host.
template <typename OpTy, BinaryKind kind>
static FailureOr<Value> foldInputs(NodeContext &ctx) {
  if (ctx.numInputs() < 1)
    return ctx.error() << "needs at least one input";
  if (allHostIntegers(ctx)) {
    std::optional<HostTensor> folded = *ctx.hostInput(0);
    for (int i = 1; i < ctx.numInputs() && folded; ++i)
      folded = evaluateHost(kind, *folded, *ctx.hostInput(i));
    if (folded) {
      ctx.setHostOutput(0, std::move(*folded));
      return Value();
    }
  }
  auto result = ctx.tensorInput(0);
  if (failed(result) || failed(checkIntegerArithmetic(ctx, kind, *result)))
    return failure();
  for (int i = 1; i < ctx.numInputs(); ++i) {
    auto next = ctx.tensorInput(i);
    if (failed(next))
      return failure();
    FailureOr<Value> combined = createBinary<OpTy>(ctx, *result, *next);
    if (failed(combined))
      return failure();
    result = cast<TypedValue<RankedTensorType>>(*combined);
  }
  return Value(*result);
}

template <typename OpTy, BinaryKind kind>
static LogicalResult importVariadic(NodeContext &ctx) {
  FailureOr<Value> result = foldInputs<OpTy, kind>(ctx);
  if (failed(result))
    return failure();
  if (*result) // else folded on the host
    ctx.setOutput(0, *result);
  return success();
}

/// Mean: the sum over the input count.
static LogicalResult importMean(NodeContext &ctx) {
  FailureOr<Value> sum = foldInputs<qc::AddOp, BinaryKind::Add>(ctx);
  if (failed(sum))
    return failure();
  if (!*sum ||
      !isa<FloatType>(cast<RankedTensorType>(sum->getType()).getElementType()))
    return ctx.error() << "integer Mean is not supported";
  HostTensor count;
  count.dataType = ctx.inputDataType(0);
  count.floats = {double(ctx.numInputs())};
  FailureOr<Value> divisor = materializeHost(ctx, count);
  if (failed(divisor))
    return failure();
  auto lhs = cast<TypedValue<RankedTensorType>>(*sum);
  auto rhs = cast<TypedValue<RankedTensorType>>(*divisor);
  FailureOr<Value> mean = createBinary<qc::DivOp>(ctx, lhs, rhs);
  if (failed(mean))
    return failure();
  ctx.setOutput(0, *mean);
  return success();
}

static LogicalResult importIdentity(NodeContext &ctx) {
  if (const HostTensor *host = ctx.hostInput(0)) {
    ctx.setHostOutput(0, *host);
    return success();
  }
  FailureOr<Value> input = ctx.input(0);
  if (failed(input))
    return failure();
  ctx.setOutput(0, *input);
  return success();
}

/// Dropout is the identity at inference, and its mask all true.
static LogicalResult importDropout(NodeContext &ctx) {
  // From opset 12 `training_mode` (input 2) may turn the random dropping
  // on: only a known false keeps the identity.
  if (ctx.hasInput(2)) {
    const HostTensor *training = ctx.hostInput(2);
    if (!training || training->size() != 1 || training->asDouble(0) != 0)
      return ctx.error() << "training mode (random dropping) is not "
                            "supported; training_mode must be a constant "
                            "false";
  }
  if (failed(importIdentity(ctx)))
    return failure();
  if (ctx.node().output_size() > 1 && !ctx.node().output(1).empty()) {
    auto input = ctx.tensorInput(0);
    if (failed(input))
      return failure();
    auto type = input->getType().clone(ctx.builder().getI1Type());
    ctx.setOutput(
        1,
        qc::ConstantOp::create(
            ctx.builder(), ctx.loc(), type,
            DenseElementsAttr::get(type, ctx.builder().getBoolAttr(true))),
        std::nullopt, kBool);
  }
  return success();
}

/// Cast: evaluated on the host for known values (shape arithmetic), a
/// qc.cast on a runtime tensor.
static LogicalResult castTo(NodeContext &ctx, FailureOr<int64_t> to);

static LogicalResult importCast(NodeContext &ctx) {
  return castTo(ctx, ctx.attrInt("to", -1));
}

/// CastLike: Cast to the element type of input 1.
static LogicalResult importCastLike(NodeContext &ctx) {
  if (!ctx.hasInput(1))
    return ctx.error() << "needs the target_type input";
  return castTo(ctx, ctx.inputDataType(1));
}

static LogicalResult castTo(NodeContext &ctx, FailureOr<int64_t> to) {
  if (failed(to))
    return failure();
  Type target = elementTypeFor(*ctx.context(), *to);
  if (!target)
    return ctx.error() << "cannot cast to " << dataTypeName(*to);
  if (const HostTensor *host = ctx.hostInput(0)) {
    HostTensor result;
    result.shape = host->shape;
    result.dataType = *to;
    bool toFloat = HostTensor::isFloatType(*to);
    for (int64_t i = 0; i < host->size(); ++i) {
      if (!host->isFloat() && ShapedType::isDynamic(host->ints[i])) {
        if (toFloat)
          return ctx.error() << "cannot cast a dynamic dimension to float";
        result.ints.push_back(ShapedType::kDynamic);
      } else if (toFloat) {
        result.floats.push_back(host->asDouble(i));
      } else {
        result.ints.push_back(static_cast<int64_t>(host->asDouble(i)));
      }
    }
    ctx.setHostOutput(0, std::move(result));
    return success();
  }
  auto input = ctx.tensorInput(0);
  if (failed(input))
    return failure();
  bool fromUnsigned = isUnsignedDataType(ctx.inputDataType(0));
  if (input->getType().getElementType() == target &&
      fromUnsigned == isUnsignedDataType(*to)) {
    ctx.setOutput(0, *input, std::nullopt, *to);
    return success();
  }
  OpBuilder &b = ctx.builder();
  auto type = RankedTensorType::get(input->getType().getShape(), target);
  Value cast = qc::CastOp::create(
      b, ctx.loc(), type, *input, fromUnsigned ? b.getUnitAttr() : UnitAttr(),
      isUnsignedDataType(*to) ? b.getUnitAttr() : UnitAttr());
  ctx.setOutput(0, cast, std::nullopt, *to);
  return success();
}

void quantc::onnx_import::registerElementwiseHandlers(
    llvm::StringMap<NodeHandler> &handlers) {
  handlers["Add"] = importBinary<qc::AddOp, BinaryKind::Add>;
  handlers["Sub"] = importBinary<qc::SubOp, BinaryKind::Sub>;
  handlers["Mul"] = importBinary<qc::MulOp, BinaryKind::Mul>;
  handlers["Div"] = importBinary<qc::DivOp, BinaryKind::Div>;
  handlers["Pow"] = importPow;
  handlers["Max"] = importVariadic<qc::MaxOp, BinaryKind::Max>;
  handlers["Min"] = importVariadic<qc::MinOp, BinaryKind::Min>;
  handlers["Sum"] = importVariadic<qc::AddOp, BinaryKind::Add>;
  handlers["Mean"] = importMean;
  handlers["Mod"] = importMod;
  handlers["Identity"] = importIdentity;
  handlers["Dropout"] = importDropout;
  handlers["Cast"] = importCast;
  handlers["CastLike"] = importCastLike;
}
