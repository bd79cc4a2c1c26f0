//===- ImportRecurrent.cpp - ONNX LSTM, GRU and RNN
//------------------------===//
//
// Part of quantc. A recurrent node is unrolled at import over its static
// sequence length into qc ops, following the equations of the ONNX
// operator documents:
//   - the input projection of every time step is one qc.gemm
//     ([seq * batch, input] x W^T + Wb), so it quantizes like a Gemm;
//   - each step adds the recurrent product (H x R^T + Rb, a qc.gemm) and
//     applies the gate activations elementwise.
// Directions (forward, reverse, bidirectional), layouts, peepholes, clip,
// input_forget, linear_before_reset and every activation ONNX lists are
// honoured. sequence_lens must be absent or give every batch entry the
// whole sequence: shorter sequences would need masking per step.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "QCBuilder.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

namespace {
enum class CellKind { LSTM, GRU, RNN };

/// A gate activation: ONNX's name with its alpha and beta.
struct Activation {
  std::string name;
  float alpha = 0, beta = 0;
};

/// Builds the unrolled recurrence of one node.
class Recurrence : QCBuilder {
public:
  Recurrence(NodeContext &ctx, CellKind kind)
      : QCBuilder(ctx.builder(), ctx.loc()), ctx(ctx), kind(kind) {}

  LogicalResult import();

private:
  int gates() const {
    return kind == CellKind::LSTM ? 4 : kind == CellKind::GRU ? 3 : 1;
  }
  int activationsPerDirection() const {
    return kind == CellKind::LSTM ? 3 : kind == CellKind::GRU ? 2 : 1;
  }
  LogicalResult readAttributes(int64_t directionsInW);
  LogicalResult readActivations();
  LogicalResult checkSequenceLengths();
  /// Runs direction `d`; appends its outputs (Y as [seq, 1, batch, H],
  /// Y_h and Y_c as [1, batch, H]).
  LogicalResult runDirection(int64_t d, bool reverse);

  Value scalar(double value) { return splat(element, {}, value); }
  Value zeros(ArrayRef<int64_t> shape) { return splat(element, shape, 0); }
  /// `x` [M, K] times `weight` [N, K] transposed, plus `bias` [N] if given.
  Value productT(Value x, Value weight, Value bias) {
    int64_t m = cast<RankedTensorType>(x.getType()).getDimSize(0);
    int64_t n = cast<RankedTensorType>(weight.getType()).getDimSize(0);
    return qc::GemmOp::create(b, loc, RankedTensorType::get({m, n}, element), x,
                              weight, bias, b.getF32FloatAttr(1),
                              b.getF32FloatAttr(1), UnitAttr(),
                              b.getUnitAttr());
  }
  /// Clips a gate's pre-activation to [-clip, clip] when clip is set.
  Value clipped(Value x) {
    if (!clip)
      return x;
    return qc::ClipOp::create(b, loc, x, b.getF32FloatAttr(-*clip),
                              b.getF32FloatAttr(*clip));
  }
  Value activate(Value x, const Activation &f);
  /// A slice of `hidden` columns (gate `g`) of a [batch, gates * H] value.
  Value gate(Value x, int64_t g) {
    return slice(x, 1, g * hidden, (g + 1) * hidden);
  }

  NodeContext &ctx;
  CellKind kind;
  Type element;
  Value x, w, r, bias, initialH, initialC, peepholes;
  int64_t seq = 0, batch = 0, inputSize = 0, hidden = 0, directions = 1;
  bool batchFirst = false, inputForget = false, linearBeforeReset = false;
  /// direction "reverse": the one direction runs from the last step.
  bool reverseOnly = false;
  std::optional<float> clip;
  SmallVector<Activation> activations;
  SmallVector<Value> ys, yhs, ycs;
};
} // namespace

Value Recurrence::activate(Value x, const Activation &f) {
  auto alpha = b.getF32FloatAttr(f.alpha);
  if (f.name == "Sigmoid")
    return qc::SigmoidOp::create(b, loc, x);
  if (f.name == "Tanh")
    return qc::TanhOp::create(b, loc, x);
  if (f.name == "Relu")
    return qc::ReluOp::create(b, loc, x);
  if (f.name == "Softsign")
    return qc::SoftsignOp::create(b, loc, x);
  if (f.name == "Softplus")
    return qc::SoftplusOp::create(b, loc, x);
  if (f.name == "LeakyRelu")
    return qc::LeakyReluOp::create(b, loc, x, alpha);
  if (f.name == "ThresholdedRelu")
    return qc::ThresholdedReluOp::create(b, loc, x, alpha);
  if (f.name == "Elu")
    return qc::EluOp::create(b, loc, x, alpha);
  if (f.name == "HardSigmoid")
    return qc::HardSigmoidOp::create(b, loc, x, alpha,
                                     b.getF32FloatAttr(f.beta));
  if (f.name == "Affine") // alpha * x + beta
    return add(mul(x, scalar(f.alpha)), scalar(f.beta));
  // ScaledTanh: alpha * tanh(beta * x)
  return mul(qc::TanhOp::create(b, loc, mul(x, scalar(f.beta))),
             scalar(f.alpha));
}

LogicalResult Recurrence::readActivations() {
  static const char *const defaults[][3] = {
      {"Sigmoid", "Tanh", "Tanh"}, {"Sigmoid", "Tanh", ""}, {"Tanh", "", ""}};
  const auto &kindDefaults = defaults[static_cast<int>(kind)];
  const onnx::AttributeProto *names = ctx.attribute("activations");
  SmallVector<std::string> listed;
  if (names)
    for (const std::string &name : names->strings())
      listed.push_back(name);
  int64_t needed = activationsPerDirection() * directions;
  if (listed.empty()) {
    for (int64_t d = 0; d < directions; ++d)
      for (int i = 0; i < activationsPerDirection(); ++i)
        listed.push_back(kindDefaults[i]);
  } else if (static_cast<int64_t>(listed.size()) != needed) {
    return ctx.error() << "activations lists " << listed.size()
                       << " functions; " << needed << " expected";
  }
  FailureOr<std::vector<float>> alphas = ctx.attrFloats("activation_alpha");
  FailureOr<std::vector<float>> betas = ctx.attrFloats("activation_beta");
  if (failed(alphas) || failed(betas))
    return failure();
  // Alphas and betas are consumed in order by the functions that take them;
  // a function past the end of the list takes its ONNX operator's default.
  size_t nextAlpha = 0, nextBeta = 0;
  for (const std::string &name : listed) {
    struct Known {
      const char *name;
      std::optional<float> alpha, beta;
    };
    static const Known known[] = {{"Sigmoid", {}, {}},
                                  {"Tanh", {}, {}},
                                  {"Relu", {}, {}},
                                  {"Softsign", {}, {}},
                                  {"Softplus", {}, {}},
                                  {"LeakyRelu", 0.01f, {}},
                                  {"ThresholdedRelu", 1.0f, {}},
                                  {"Elu", 1.0f, {}},
                                  {"HardSigmoid", 0.2f, 0.5f},
                                  {"Affine", 1.0f, 0.0f},
                                  {"ScaledTanh", 1.0f, 1.0f}};
    const Known *entry =
        llvm::find_if(known, [&](const Known &k) { return name == k.name; });
    if (entry == std::end(known))
      return ctx.error() << "unknown activation function '" << name << "'";
    Activation f{name};
    if (entry->alpha)
      f.alpha =
          nextAlpha < alphas->size() ? (*alphas)[nextAlpha++] : *entry->alpha;
    if (entry->beta)
      f.beta = nextBeta < betas->size() ? (*betas)[nextBeta++] : *entry->beta;
    activations.push_back(f);
  }
  return success();
}

LogicalResult Recurrence::readAttributes(int64_t directionsInW) {
  FailureOr<std::string> direction = ctx.attrString("direction", "forward");
  FailureOr<int64_t> layout = ctx.attrInt("layout", 0);
  FailureOr<int64_t> hiddenSize = ctx.attrInt("hidden_size", 0);
  FailureOr<int64_t> couple = ctx.attrInt("input_forget", 0);
  FailureOr<int64_t> beforeReset = ctx.attrInt("linear_before_reset", 0);
  if (failed(direction) || failed(layout) || failed(hiddenSize) ||
      failed(couple) || failed(beforeReset))
    return failure();
  if (*direction != "forward" && *direction != "reverse" &&
      *direction != "bidirectional")
    return ctx.error() << "unknown direction '" << *direction << "'";
  directions = *direction == "bidirectional" ? 2 : 1;
  reverseOnly = *direction == "reverse";
  if (directionsInW != directions)
    return ctx.error() << "W holds " << directionsInW
                       << " directions; direction '" << *direction << "' needs "
                       << directions;
  batchFirst = *layout == 1;
  inputForget = *couple != 0;
  linearBeforeReset = *beforeReset != 0;
  if (*hiddenSize != 0 && *hiddenSize != hidden)
    return ctx.error() << "hidden_size is " << *hiddenSize << " but W holds "
                       << hidden << " per gate";
  if (ctx.attribute("clip")) {
    FailureOr<float> value = ctx.attrFloat("clip", 0);
    if (failed(value))
      return failure();
    clip = *value;
  }
  return readActivations();
}

LogicalResult Recurrence::checkSequenceLengths() {
  if (!ctx.hasInput(4))
    return success();
  FailureOr<std::vector<int64_t>> lengths =
      ctx.constantInts(4, "sequence_lens");
  if (failed(lengths))
    return failure();
  for (int64_t length : *lengths)
    if (length != seq)
      return ctx.error() << "sequence_lens holds " << length
                         << ", shorter than the sequence (" << seq
                         << "); only whole sequences are supported";
  return success();
}

LogicalResult Recurrence::runDirection(int64_t d, bool reverse) {
  int64_t width = gates() * hidden;
  Value wd = reshape(slice(w, 0, d, d + 1), {width, inputSize});
  Value rd = reshape(slice(r, 0, d, d + 1), {width, hidden});
  Value wb, rb;
  if (bias) {
    Value bd = reshape(slice(bias, 0, d, d + 1), {2 * width});
    wb = slice(bd, 0, 0, width);
    rb = slice(bd, 0, width, 2 * width);
  }
  // The input projection of every step at once.
  Value projected =
      reshape(productT(reshape(x, {seq * batch, inputSize}), wd, wb),
              {seq, batch, width});
  Value h = initialH ? reshape(slice(initialH, 0, d, d + 1), {batch, hidden})
                     : zeros({batch, hidden});
  Value c;
  if (kind == CellKind::LSTM)
    c = initialC ? reshape(slice(initialC, 0, d, d + 1), {batch, hidden})
                 : zeros({batch, hidden});
  Value pi, po, pf;
  if (peepholes) {
    Value pd = reshape(slice(peepholes, 0, d, d + 1), {3 * hidden});
    pi = slice(pd, 0, 0, hidden);
    po = slice(pd, 0, hidden, 2 * hidden);
    pf = slice(pd, 0, 2 * hidden, 3 * hidden);
  }
  ArrayRef<Activation> fs =
      ArrayRef(activations)
          .slice(d * activationsPerDirection(), activationsPerDirection());
  SmallVector<Value> steps(seq);
  for (int64_t s = 0; s < seq; ++s) {
    int64_t t = reverse ? seq - 1 - s : s;
    Value xt = reshape(slice(projected, 0, t, t + 1), {batch, width});
    switch (kind) {
    case CellKind::LSTM: {
      // Gates in ONNX order i, o, f, c.
      Value gatesT = add(xt, productT(h, rd, rb));
      Value i = gate(gatesT, 0), o = gate(gatesT, 1), f = gate(gatesT, 2),
            candidate = gate(gatesT, 3);
      if (peepholes) {
        i = add(i, mul(pi, c));
        f = add(f, mul(pf, c));
      }
      i = activate(clipped(i), fs[0]);
      f = inputForget ? sub(scalar(1), i) : activate(clipped(f), fs[0]);
      candidate = activate(clipped(candidate), fs[1]);
      c = add(mul(f, c), mul(i, candidate));
      if (peepholes)
        o = add(o, mul(po, c));
      o = activate(clipped(o), fs[0]);
      h = mul(o, activate(c, fs[2]));
      break;
    }
    case CellKind::GRU: {
      // Gates in ONNX order z, r, h.
      Value zr = add(slice(xt, 1, 0, 2 * hidden),
                     productT(h, slice(rd, 0, 0, 2 * hidden),
                              rb ? slice(rb, 0, 0, 2 * hidden) : Value()));
      Value z = activate(clipped(gate(zr, 0)), fs[0]);
      Value reset = activate(clipped(gate(zr, 1)), fs[0]);
      Value rh = slice(rd, 0, 2 * hidden, 3 * hidden);
      Value rbh = rb ? slice(rb, 0, 2 * hidden, 3 * hidden) : Value();
      Value recurrent = linearBeforeReset ? mul(reset, productT(h, rh, rbh))
                                          : productT(mul(reset, h), rh, rbh);
      Value candidate = activate(clipped(add(gate(xt, 2), recurrent)), fs[1]);
      h = add(mul(sub(scalar(1), z), candidate), mul(z, h));
      break;
    }
    case CellKind::RNN:
      h = activate(clipped(add(xt, productT(h, rd, rb))), fs[0]);
      break;
    }
    steps[t] = reshape(h, {1, 1, batch, hidden});
  }
  ys.push_back(concat(steps, 0));
  yhs.push_back(reshape(h, {1, batch, hidden}));
  if (c)
    ycs.push_back(reshape(c, {1, batch, hidden}));
  return success();
}

LogicalResult Recurrence::import() {
  auto xIn = ctx.floatInput(0);
  auto wIn = ctx.floatInput(1);
  auto rIn = ctx.floatInput(2);
  if (failed(xIn) || failed(wIn) || failed(rIn) ||
      failed(ctx.requireRank(*xIn, 3, "X")) ||
      failed(ctx.requireRank(*wIn, 3, "W")) ||
      failed(ctx.requireRank(*rIn, 3, "R")) ||
      failed(ctx.requireSameElementType(*xIn, *wIn)) ||
      failed(ctx.requireSameElementType(*xIn, *rIn)))
    return failure();
  element = xIn->getType().getElementType();
  ArrayRef<int64_t> wShape = wIn->getType().getShape();
  if (llvm::any_of(xIn->getType().getShape(), ShapedType::isDynamic) ||
      llvm::any_of(wShape, ShapedType::isDynamic))
    return ctx.error() << "X and W must have static shapes (give the "
                          "model's inputs with --input-shape)";
  hidden = wShape[1] / gates();
  if (hidden == 0 || wShape[1] % gates() != 0)
    return ctx.error() << "W's second dimension " << wShape[1] << " is not "
                       << gates() << " x hidden_size";
  if (failed(readAttributes(wShape[0])))
    return failure();
  x = *xIn;
  if (batchFirst)
    x = transpose(x, {1, 0, 2});
  ArrayRef<int64_t> xShape = cast<RankedTensorType>(x.getType()).getShape();
  seq = xShape[0];
  batch = xShape[1];
  inputSize = xShape[2];
  // Unrolled at import: each step is a dozen ops.
  constexpr int64_t kMaxSteps = 4096;
  if (seq < 1 || batch < 1 || inputSize < 1)
    return ctx.error() << "X must not be empty";
  if (seq > kMaxSteps)
    return ctx.error() << "the sequence has " << seq << " steps; at most "
                       << kMaxSteps << " are unrolled";
  auto expectShape = [&](Value value, ArrayRef<int64_t> shape,
                         StringRef what) -> LogicalResult {
    ArrayRef<int64_t> actual =
        cast<RankedTensorType>(value.getType()).getShape();
    if (actual == shape)
      return success();
    return ctx.error() << what << " has shape " << qc::formatShape(actual)
                       << "; " << qc::formatShape(shape) << " expected";
  };
  int64_t width = gates() * hidden;
  if (failed(expectShape(*wIn, {directions, width, inputSize}, "W")) ||
      failed(expectShape(*rIn, {directions, width, hidden}, "R")))
    return failure();
  w = *wIn;
  r = *rIn;
  auto optional = [&](int i, ArrayRef<int64_t> shape, StringRef what,
                      Value &into, bool batchMajor) -> LogicalResult {
    if (!ctx.hasInput(i))
      return success();
    auto value = ctx.floatInput(i);
    if (failed(value))
      return failure();
    into = *value;
    if (batchMajor && batchFirst)
      into = transpose(into, {1, 0, 2});
    return expectShape(into, shape, what);
  };
  if (failed(optional(3, {directions, 2 * width}, "B", bias, false)) ||
      failed(checkSequenceLengths()) ||
      failed(optional(5, {directions, batch, hidden}, "initial_h", initialH,
                      true)))
    return failure();
  if (kind == CellKind::LSTM &&
      (failed(optional(6, {directions, batch, hidden}, "initial_c", initialC,
                       true)) ||
       failed(optional(7, {directions, 3 * hidden}, "P", peepholes, false))))
    return failure();

  for (int64_t d = 0; d < directions; ++d)
    if (failed(runDirection(d, reverseOnly || d == 1)))
      return failure();

  // Y [seq, directions, batch, H]; Y_h and Y_c [directions, batch, H]; with
  // layout 1, batch first.
  Value y = concat(ys, 1), yh = concat(yhs, 0);
  if (batchFirst) {
    y = transpose(y, {2, 0, 1, 3});
    yh = transpose(yh, {1, 0, 2});
  }
  ctx.setOutput(0, y);
  ctx.setOutput(1, yh);
  if (kind == CellKind::LSTM) {
    Value yc = concat(ycs, 0);
    ctx.setOutput(2, batchFirst ? transpose(yc, {1, 0, 2}) : yc);
  }
  return success();
}

template <CellKind kind>
static LogicalResult importRecurrent(NodeContext &ctx) {
  return Recurrence(ctx, kind).import();
}

void quantc::onnx_import::registerRecurrentHandlers(
    llvm::StringMap<NodeHandler> &handlers) {
  handlers["LSTM"] = importRecurrent<CellKind::LSTM>;
  handlers["GRU"] = importRecurrent<CellKind::GRU>;
  handlers["RNN"] = importRecurrent<CellKind::RNN>;
}
