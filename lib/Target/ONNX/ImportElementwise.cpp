//===- ImportElementwise.cpp - ONNX elementwise operators -----------------===//
//
// Part of quantc. Add/Sub/Mul/Div/Pow (with ONNX broadcasting), the unary
// activations, Clip, Cast, Identity and Dropout. Integer arithmetic on
// values known at import (shape computations) is evaluated on the host.
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
enum class BinaryKind { Add, Sub, Mul, Div, Pow };
} // namespace

/// Evaluates integer arithmetic on host tensors with broadcasting; a
/// dynamic entry makes the result entry dynamic.
static std::optional<HostTensor> evaluateHost(BinaryKind kind,
                                              const HostTensor &a,
                                              const HostTensor &b) {
  if (a.isFloat() || b.isFloat() || kind == BinaryKind::Pow)
    return std::nullopt;
  std::optional<Shape> shape = qc::broadcastShapes(a.shape, b.shape);
  if (!shape)
    return std::nullopt;
  HostTensor result;
  result.dataType = a.dataType;
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
    switch (kind) {
    case BinaryKind::Add: result.ints.push_back(x + y); break;
    case BinaryKind::Sub: result.ints.push_back(x - y); break;
    case BinaryKind::Mul: result.ints.push_back(x * y); break;
    case BinaryKind::Div:
      if (y == 0)
        return std::nullopt;
      result.ints.push_back(x / y);
      break;
    case BinaryKind::Pow: return std::nullopt;
    }
  }
  return result;
}

template <typename OpTy, BinaryKind kind>
static LogicalResult importBinary(NodeContext &ctx) {
  const HostTensor *a = ctx.hostInput(0), *b = ctx.hostInput(1);
  if (a && b && !a->isFloat() && !b->isFloat())
    if (std::optional<HostTensor> folded = evaluateHost(kind, *a, *b)) {
      ctx.setHostOutput(0, std::move(*folded));
      return success();
    }
  auto lhs = ctx.tensorInput(0);
  auto rhs = ctx.tensorInput(1);
  if (failed(lhs) || failed(rhs) ||
      failed(ctx.requireSameElementType(*lhs, *rhs)))
    return failure();
  std::optional<Shape> shape = qc::broadcastShapes(
      lhs->getType().getShape(), rhs->getType().getShape());
  if (!shape)
    return ctx.error() << "input shapes "
                       << qc::formatShape(lhs->getType().getShape()) << " and "
                       << qc::formatShape(rhs->getType().getShape())
                       << " do not broadcast";
  auto type = RankedTensorType::get(*shape, lhs->getType().getElementType());
  ctx.setOutput(0, OpTy::create(ctx.builder(), ctx.loc(), type, *lhs, *rhs));
  return success();
}

//===----------------------------------------------------------------------===//
// Unary activations
//===----------------------------------------------------------------------===//

/// Float input of a unary op.
static FailureOr<TypedValue<RankedTensorType>> floatInput(NodeContext &ctx) {
  auto input = ctx.tensorInput(0);
  if (failed(input))
    return failure();
  if (!isa<FloatType>(input->getType().getElementType()))
    return ctx.error() << "expects a floating-point input, got "
                       << input->getType().getElementType();
  return input;
}

template <typename OpTy>
static LogicalResult importUnary(NodeContext &ctx) {
  auto input = floatInput(ctx);
  if (failed(input))
    return failure();
  ctx.setOutput(0, OpTy::create(ctx.builder(), ctx.loc(), *input));
  return success();
}

static LogicalResult importHardSigmoid(NodeContext &ctx) {
  auto input = floatInput(ctx);
  FailureOr<float> alpha = ctx.attrFloat("alpha", 0.2f);
  FailureOr<float> beta = ctx.attrFloat("beta", 0.5f);
  if (failed(input) || failed(alpha) || failed(beta))
    return failure();
  OpBuilder &b = ctx.builder();
  ctx.setOutput(0, qc::HardSigmoidOp::create(b, ctx.loc(), *input,
                                             b.getF32FloatAttr(*alpha),
                                             b.getF32FloatAttr(*beta)));
  return success();
}

static LogicalResult importGelu(NodeContext &ctx) {
  auto input = floatInput(ctx);
  FailureOr<std::string> approximate = ctx.attrString("approximate", "none");
  if (failed(input) || failed(approximate))
    return failure();
  std::optional<qc::GeluApproximation> mode =
      qc::symbolizeGeluApproximation(*approximate);
  if (!mode)
    return ctx.error() << "unknown approximate '" << *approximate << "'";
  ctx.setOutput(0, qc::GeluOp::create(ctx.builder(), ctx.loc(), *input,
                                      *mode));
  return success();
}

static LogicalResult importClip(NodeContext &ctx) {
  auto input = floatInput(ctx);
  if (failed(input))
    return failure();
  std::optional<float> min, max;
  if (ctx.opset() < 11) {
    // min/max were attributes until opset 11.
    if (ctx.attribute("min")) {
      FailureOr<float> value = ctx.attrFloat("min", 0);
      if (failed(value))
        return failure();
      min = *value;
    }
    if (ctx.attribute("max")) {
      FailureOr<float> value = ctx.attrFloat("max", 0);
      if (failed(value))
        return failure();
      max = *value;
    }
  } else {
    for (int i : {1, 2}) {
      if (!ctx.hasInput(i))
        continue;
      FailureOr<std::vector<double>> bound =
          ctx.constantFloats(i, i == 1 ? "min" : "max");
      if (failed(bound))
        return failure();
      if (bound->size() != 1)
        return ctx.error() << (i == 1 ? "min" : "max")
                           << " must be a scalar";
      (i == 1 ? min : max) = static_cast<float>((*bound)[0]);
    }
  }
  if (min && max && *min > *max)
    return ctx.error() << "min " << *min << " exceeds max " << *max;
  OpBuilder &b = ctx.builder();
  ctx.setOutput(0, qc::ClipOp::create(
                       b, ctx.loc(), *input,
                       min ? b.getF32FloatAttr(*min) : FloatAttr(),
                       max ? b.getF32FloatAttr(*max) : FloatAttr()));
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

/// Dropout is the identity at inference; its mask output is not supported.
static LogicalResult importDropout(NodeContext &ctx) {
  if (ctx.node().output_size() > 1 && !ctx.node().output(1).empty())
    return ctx.error() << "the mask output is not supported";
  return importIdentity(ctx);
}

/// Cast: evaluated on the host for known values (shape arithmetic); on a
/// runtime tensor only a cast to its own element type is supported.
static LogicalResult importCast(NodeContext &ctx) {
  FailureOr<int64_t> to = ctx.attrInt("to", -1);
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
  if (input->getType().getElementType() != target)
    return ctx.error() << "casting a runtime tensor from "
                       << input->getType().getElementType() << " to "
                       << target << " is not supported";
  ctx.setOutput(0, *input);
  return success();
}

void quantc::onnx_import::registerElementwiseHandlers(
    llvm::StringMap<NodeHandler> &handlers) {
  handlers["Add"] = importBinary<qc::AddOp, BinaryKind::Add>;
  handlers["Sub"] = importBinary<qc::SubOp, BinaryKind::Sub>;
  handlers["Mul"] = importBinary<qc::MulOp, BinaryKind::Mul>;
  handlers["Div"] = importBinary<qc::DivOp, BinaryKind::Div>;
  handlers["Pow"] = importBinary<qc::PowOp, BinaryKind::Pow>;
  handlers["Relu"] = importUnary<qc::ReluOp>;
  handlers["Sigmoid"] = importUnary<qc::SigmoidOp>;
  handlers["Tanh"] = importUnary<qc::TanhOp>;
  handlers["Sqrt"] = importUnary<qc::SqrtOp>;
  handlers["Erf"] = importUnary<qc::ErfOp>;
  handlers["Exp"] = importUnary<qc::ExpOp>;
  handlers["Neg"] = importUnary<qc::NegOp>;
  handlers["Abs"] = importUnary<qc::AbsOp>;
  handlers["Reciprocal"] = importUnary<qc::ReciprocalOp>;
  handlers["HardSwish"] = importUnary<qc::HardSwishOp>;
  handlers["HardSigmoid"] = importHardSigmoid;
  handlers["Gelu"] = importGelu;
  handlers["Clip"] = importClip;
  handlers["Identity"] = importIdentity;
  handlers["Dropout"] = importDropout;
  handlers["Cast"] = importCast;
}
