//===- ImportActivations.cpp - ONNX unary activations ---------------------===//
//
// Part of quantc. The unary float activations: one qc op each, with the
// ONNX attributes (alpha, beta, gamma) and their ONNX defaults; PRelu.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "QCBuilder.h"

#include "quantc/Dialect/QC/IR/QCOps.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

template <typename OpTy> static LogicalResult importUnary(NodeContext &ctx) {
  auto input = ctx.floatInput(0);
  if (failed(input))
    return failure();
  ctx.setOutput(0, OpTy::create(ctx.builder(), ctx.loc(), *input));
  return success();
}

static LogicalResult importGelu(NodeContext &ctx) {
  auto input = ctx.floatInput(0);
  FailureOr<std::string> approximate = ctx.attrString("approximate", "none");
  if (failed(input) || failed(approximate))
    return failure();
  std::optional<qc::GeluApproximation> mode =
      qc::symbolizeGeluApproximation(*approximate);
  if (!mode)
    return ctx.error() << "unknown approximate '" << *approximate << "'";
  ctx.setOutput(0, qc::GeluOp::create(ctx.builder(), ctx.loc(), *input, *mode));
  return success();
}

/// Clip of a signed integer tensor: qc.max and qc.min with its bounds.
static LogicalResult importIntegerClip(NodeContext &ctx,
                                       TypedValue<RankedTensorType> input) {
  if (isUnsignedDataType(ctx.inputDataType(0)))
    return ctx.error() << "Clip of unsigned integers is not supported";
  QCBuilder q(ctx.builder(), ctx.loc());
  Type element = input.getType().getElementType();
  Value result = input;
  for (int i : {1, 2}) {
    if (!ctx.hasInput(i))
      continue;
    FailureOr<std::vector<int64_t>> bound =
        ctx.constantInts(i, i == 1 ? "min" : "max");
    if (failed(bound))
      return failure();
    if (bound->size() != 1)
      return ctx.error() << (i == 1 ? "min" : "max") << " must be a scalar";
    Value limit = q.splatInt(element, {}, bound->front());
    result = i == 1 ? q.binary<qc::MaxOp>(result, limit)
                    : q.binary<qc::MinOp>(result, limit);
  }
  ctx.setOutput(0, result, std::nullopt, ctx.inputDataType(0));
  return success();
}

static LogicalResult importClip(NodeContext &ctx) {
  auto input = ctx.tensorInput(0);
  if (failed(input))
    return failure();
  if (!isa<FloatType>(input->getType().getElementType()))
    return importIntegerClip(ctx, *input);
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
        return ctx.error() << (i == 1 ? "min" : "max") << " must be a scalar";
      (i == 1 ? min : max) = static_cast<float>((*bound)[0]);
    }
  }
  if (min && max && *min > *max)
    return ctx.error() << "min " << *min << " exceeds max " << *max;
  OpBuilder &b = ctx.builder();
  ctx.setOutput(
      0, qc::ClipOp::create(b, ctx.loc(), *input,
                            min ? b.getF32FloatAttr(*min) : FloatAttr(),
                            max ? b.getF32FloatAttr(*max) : FloatAttr()));
  return success();
}

/// Neg and Abs also evaluate known integers on the host (shape arithmetic:
/// negative axes computed from a rank).
template <typename OpTy>
static LogicalResult importSignOperation(NodeContext &ctx) {
  const HostTensor *host = ctx.hostInput(0);
  if (host && !host->isFloat() &&
      llvm::none_of(host->ints, ShapedType::isDynamic)) {
    HostTensor result = *host;
    for (int64_t &v : result.ints)
      v = std::is_same_v<OpTy, qc::NegOp> ? -v : std::abs(v);
    ctx.setHostOutput(0, std::move(result));
    return success();
  }
  return importUnary<OpTy>(ctx);
}

/// An activation with float attributes: `alpha` (default `alphaDefault`)
/// and, for HardSigmoid and Selu, `beta` or `gamma`. The qc op's
/// attributes carry ONNX's names, so its builder takes them as they are.
template <typename OpTy>
static LogicalResult importAlpha(NodeContext &ctx, float alphaDefault) {
  auto input = ctx.floatInput(0);
  FailureOr<float> alpha = ctx.attrFloat("alpha", alphaDefault);
  if (failed(input) || failed(alpha))
    return failure();
  OpBuilder &b = ctx.builder();
  ctx.setOutput(0,
                OpTy::create(b, ctx.loc(), *input, b.getF32FloatAttr(*alpha)));
  return success();
}

static LogicalResult importHardSigmoid(NodeContext &ctx) {
  auto input = ctx.floatInput(0);
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

static LogicalResult importSelu(NodeContext &ctx) {
  auto input = ctx.floatInput(0);
  FailureOr<float> alpha = ctx.attrFloat("alpha", 1.67326319217681884765625f);
  FailureOr<float> gamma = ctx.attrFloat("gamma", 1.05070102214813232421875f);
  if (failed(input) || failed(alpha) || failed(gamma))
    return failure();
  OpBuilder &b = ctx.builder();
  ctx.setOutput(0, qc::SeluOp::create(b, ctx.loc(), *input,
                                      b.getF32FloatAttr(*alpha),
                                      b.getF32FloatAttr(*gamma)));
  return success();
}

/// PRelu: `slope` broadcasts to the input (unidirectionally: the result has
/// the input's shape).
static LogicalResult importPRelu(NodeContext &ctx) {
  auto input = ctx.floatInput(0);
  auto slope = ctx.tensorInput(1);
  if (failed(input) || failed(slope) ||
      failed(ctx.requireSameElementType(*input, *slope)))
    return failure();
  ArrayRef<int64_t> shape = input->getType().getShape();
  std::optional<Shape> broadcast =
      qc::broadcastShapes(shape, slope->getType().getShape());
  if (!broadcast || ArrayRef<int64_t>(*broadcast) != shape)
    return ctx.error() << "slope shape "
                       << qc::formatShape(slope->getType().getShape())
                       << " does not broadcast to the input shape "
                       << qc::formatShape(shape);
  ctx.setOutput(0, qc::PReluOp::create(ctx.builder(), ctx.loc(),
                                       input->getType(), *input, *slope));
  return success();
}

void quantc::onnx_import::registerActivationHandlers(
    llvm::StringMap<NodeHandler> &handlers) {
  handlers["Relu"] = importUnary<qc::ReluOp>;
  handlers["Sigmoid"] = importUnary<qc::SigmoidOp>;
  handlers["Tanh"] = importUnary<qc::TanhOp>;
  handlers["Sqrt"] = importUnary<qc::SqrtOp>;
  handlers["Erf"] = importUnary<qc::ErfOp>;
  handlers["Exp"] = importUnary<qc::ExpOp>;
  handlers["Log"] = importUnary<qc::LogOp>;
  handlers["Neg"] = importSignOperation<qc::NegOp>;
  handlers["Abs"] = importSignOperation<qc::AbsOp>;
  handlers["Sign"] = importUnary<qc::SignOp>;
  handlers["Reciprocal"] = importUnary<qc::ReciprocalOp>;
  handlers["Floor"] = importUnary<qc::FloorOp>;
  handlers["Ceil"] = importUnary<qc::CeilOp>;
  handlers["Round"] = importUnary<qc::RoundOp>;
  handlers["Sin"] = importUnary<qc::SinOp>;
  handlers["Cos"] = importUnary<qc::CosOp>;
  handlers["Tan"] = importUnary<qc::TanOp>;
  handlers["Asin"] = importUnary<qc::AsinOp>;
  handlers["Acos"] = importUnary<qc::AcosOp>;
  handlers["Atan"] = importUnary<qc::AtanOp>;
  handlers["Sinh"] = importUnary<qc::SinhOp>;
  handlers["Cosh"] = importUnary<qc::CoshOp>;
  handlers["Asinh"] = importUnary<qc::AsinhOp>;
  handlers["Acosh"] = importUnary<qc::AcoshOp>;
  handlers["Atanh"] = importUnary<qc::AtanhOp>;
  handlers["Softplus"] = importUnary<qc::SoftplusOp>;
  handlers["Softsign"] = importUnary<qc::SoftsignOp>;
  handlers["Mish"] = importUnary<qc::MishOp>;
  handlers["HardSwish"] = importUnary<qc::HardSwishOp>;
  handlers["HardSigmoid"] = importHardSigmoid;
  handlers["LeakyRelu"] = [](NodeContext &ctx) {
    return importAlpha<qc::LeakyReluOp>(ctx, 0.01f);
  };
  handlers["Elu"] = [](NodeContext &ctx) {
    return importAlpha<qc::EluOp>(ctx, 1.0f);
  };
  handlers["Celu"] = [](NodeContext &ctx) {
    return importAlpha<qc::CeluOp>(ctx, 1.0f);
  };
  handlers["ThresholdedRelu"] = [](NodeContext &ctx) {
    return importAlpha<qc::ThresholdedReluOp>(ctx, 1.0f);
  };
  handlers["Selu"] = importSelu;
  handlers["PRelu"] = importPRelu;
  handlers["Gelu"] = importGelu;
  handlers["Clip"] = importClip;
}
