//===- RotateResidualStream.cpp - a residual stream in a rotated basis ----===//
//
// Part of quantc. QuaRot / SliceGPT's fused rotation of a pre-LN
// transformer's residual stream. Column vectors, n channels on the last
// axis, Q = H / sqrt(n) with H's first row all ones (qc.hadamard without
// signs), so that x' = Q x holds sqrt(n) mean(x) in coordinate 0 and the
// centred x in the others:
//
//   x - mean(x) = Q^T D x',  D = diag(0, 1, ..., 1)
//   sigma       = sqrt(|D x'|^2 / n + eps)
//   W LN(x) + b = (W diag(gamma) Q^T) u + (W beta + b),  u = D x' / sigma
//
// The stream carries x' instead of x: every writer (a linear layer adding
// into it) has its output channels multiplied by Q, each LayerNorm becomes
// an RMS norm of D x' (the mask drops coordinate 0, the mean), and its
// readers take W diag(gamma) Q^T and the bias W beta + b. Nothing runs
// online except where the stream starts at something that is not a linear
// layer (Q x there) or is read by something other than a LayerNorm or a
// residual add (Q^T x' there).
//
//===----------------------------------------------------------------------===//

#include "RotateResidualStream.h"

#include "LayerWeightAxes.h"
#include "RotationFolding.h"

#include "quantc/Dialect/QC/IR/QCConstants.h"
#include "quantc/Dialect/QC/IR/QCHadamard.h"
#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/IR/QCShapeInference.h"

#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace quantc::qc;

namespace {
/// A LayerNorm over the last axis of a stream value, in either form.
struct StreamNorm {
  Value input, output;
  /// Its ops in order, to erase once the rewrite has taken their readers,
  /// and those among them that read `input`.
  SmallVector<Operation *> ops, inputReaders;
  /// Per-channel constants (null: 1 and 0).
  Value gamma, beta;
  float epsilon = 0;
};

bool isLastAxis(ArrayRef<int64_t> axes, int64_t rank) {
  return axes.size() == 1 && normalizeAxis(axes[0], rank) == rank - 1;
}

std::optional<float> scalarConstant(Value value) {
  std::optional<std::vector<float>> values = readF32Constant(value);
  if (!values || values->size() != 1)
    return std::nullopt;
  return (*values)[0];
}

/// The single reader of `value` when it is an OpT taking `value` as its
/// left operand and a per-channel constant on the right.
template <typename OpT> OpT channelAffine(Value value, int64_t n) {
  if (!value.hasOneUse())
    return OpT();
  auto op = dyn_cast<OpT>(*value.getUsers().begin());
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  if (!op || op.getLhs() != value || op.getType() != type ||
      !isPerChannelConstant(op.getRhs(), rank - 1, rank, n))
    return OpT();
  return op;
}

/// `(x - mean(x)) / sqrt(mean((x - mean(x))^2) + eps) [* gamma] [+ beta]`,
/// as an older opset imports LayerNorm, matched from its centring.
std::optional<StreamNorm> matchDecomposedNorm(SubOp center) {
  Value x = center.getLhs();
  auto type = dyn_cast<RankedTensorType>(x.getType());
  if (!type || !type.hasStaticShape() || center.getType() != type)
    return std::nullopt;
  int64_t rank = type.getRank(), n = type.getDimSize(rank - 1);
  auto mean = center.getRhs().getDefiningOp<ReduceMeanOp>();
  if (!mean || mean.getInput() != x || !isLastAxis(mean.getAxes(), rank) ||
      !mean.getKeepdims() || !mean->hasOneUse())
    return std::nullopt;
  Value d = center.getResult();
  Operation *square = nullptr;
  DivOp divide;
  for (Operation *user : d.getUsers()) {
    if (user == square)
      continue; // d * d reads d twice.
    if (auto div = dyn_cast<DivOp>(user); div && div.getLhs() == d && !divide)
      divide = div;
    else if (auto pow = dyn_cast<PowOp>(user);
             pow && !square && pow.getLhs() == d &&
             scalarConstant(pow.getRhs()) == 2.0f)
      square = pow;
    else if (auto mul = dyn_cast<MulOp>(user);
             mul && !square && mul.getLhs() == d && mul.getRhs() == d)
      square = mul;
    else
      return std::nullopt;
  }
  if (!square || !divide || !square->hasOneUse())
    return std::nullopt;
  auto variance = dyn_cast<ReduceMeanOp>(*square->getUsers().begin());
  if (!variance || !isLastAxis(variance.getAxes(), rank) ||
      !variance.getKeepdims() || !variance->hasOneUse())
    return std::nullopt;
  auto shifted = dyn_cast<AddOp>(*variance->getUsers().begin());
  std::optional<float> epsilon =
      shifted ? scalarConstant(shifted.getRhs()) : std::nullopt;
  if (!epsilon || shifted.getLhs() != variance.getResult() ||
      !shifted->hasOneUse())
    return std::nullopt;
  auto root = dyn_cast<SqrtOp>(*shifted->getUsers().begin());
  if (!root || !root->hasOneUse() || divide.getRhs() != root.getResult())
    return std::nullopt;
  StreamNorm norm;
  norm.input = x;
  norm.epsilon = *epsilon;
  norm.ops = {mean, center, square, variance, shifted, root, divide};
  norm.inputReaders = {mean, center};
  norm.output = divide.getResult();
  if (auto scale = channelAffine<MulOp>(norm.output, n)) {
    norm.gamma = scale.getRhs();
    norm.ops.push_back(scale);
    norm.output = scale.getResult();
  }
  if (auto shift = channelAffine<AddOp>(norm.output, n)) {
    norm.beta = shift.getRhs();
    norm.ops.push_back(shift);
    norm.output = shift.getResult();
  }
  return norm;
}

std::optional<StreamNorm> matchLayerNorm(LayerNormOp op) {
  auto type = dyn_cast<RankedTensorType>(op.getInput().getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  int64_t rank = type.getRank(), n = type.getDimSize(rank - 1);
  if (normalizeAxis(op.getAxis(), rank) != rank - 1 ||
      !isPerChannelConstant(op.getScale(), rank - 1, rank, n) ||
      (op.getBias() && !isPerChannelConstant(op.getBias(), rank - 1, rank, n)))
    return std::nullopt;
  StreamNorm norm;
  norm.input = op.getInput();
  norm.output = op.getResult();
  norm.ops = norm.inputReaders = {op};
  norm.gamma = op.getScale();
  norm.beta = op.getBias();
  norm.epsilon = op.getEpsilon().convertToFloat();
  return norm;
}

/// An add of two tensors of its own type: linear in both, so it commutes
/// with a rotation of both.
bool isResidualAdd(Operation *op) {
  auto add = dyn_cast<AddOp>(op);
  return add && add.getLhs().getType() == add.getType() &&
         add.getRhs().getType() == add.getType();
}

/// The values connected to `seed` through residual adds, in the order
/// found.
llvm::SetVector<Value> collectStream(Value seed) {
  llvm::SetVector<Value> values;
  SmallVector<Value> work = {seed};
  auto addAll = [&](Operation *add) {
    work.push_back(add->getResult(0));
    llvm::append_range(work, add->getOperands());
  };
  while (!work.empty()) {
    Value value = work.pop_back_val();
    if (!values.insert(value))
      continue;
    if (Operation *def = value.getDefiningOp(); def && isResidualAdd(def))
      addAll(def);
    for (Operation *user : value.getUsers())
      if (isResidualAdd(user))
        addAll(user);
  }
  return values;
}

/// The weight input axis of a reader that can take gamma, the rotation
/// and beta into its constant 2-D weights, reading the norm's output
/// through `use`; nullopt otherwise.
std::optional<int64_t> foldableReaderAxis(OpOperand &use) {
  auto layer = dyn_cast<QuantizableOpInterface>(use.getOwner());
  if (!layer || &layer.getActivationOperand() != &use)
    return std::nullopt;
  auto weightType =
      dyn_cast<RankedTensorType>(layer.getWeightOperand().getType());
  auto activationType = cast<RankedTensorType>(use.get().getType());
  if (!weightType || weightType.getRank() != 2 ||
      !readF32Constant(layer.getWeightOperand()) ||
      layer.getActivationChannelAxis() != activationType.getRank() - 1 ||
      !weightOutputAxis(layer))
    return std::nullopt;
  return weightInputAxis(layer);
}

/// Q x (or Q^T x) along the last axis, right after `value`.
HadamardOp transformAfter(Value value, bool transpose) {
  OpBuilder builder(value.getContext());
  builder.setInsertionPointAfterValue(value);
  int64_t rank = cast<RankedTensorType>(value.getType()).getRank();
  return HadamardOp::create(
      builder, renamedLoc(value, transpose ? ".unrotated" : ".rotated"), value,
      builder.getI64IntegerAttr(rank - 1), DenseBoolArrayAttr(),
      transpose ? builder.getUnitAttr() : UnitAttr());
}

struct StreamRotator {
  std::vector<LayerRotation> &rotations;
  llvm::DenseSet<Operation *> &handled;
  std::string signNote;

  /// Rotates one stream; false (nothing changed) when it does not qualify.
  bool rotate(const llvm::SetVector<Value> &stream,
              SmallVector<StreamNorm> &norms) {
    auto type = cast<RankedTensorType>(stream.front().getType());
    int64_t rank = type.getRank(), n = type.getDimSize(rank - 1);
    if (!factorHadamardSize(n))
      return false;
    bool anyReader = false;
    for (const StreamNorm &norm : norms)
      for (OpOperand &use : norm.output.getUses()) {
        // Post-LN (x + f(x) read after the norm): the next stream starts
        // at the norm's affine output, so every block would pay for an
        // online transform on each side; the per-layer rotations cost no
        // more.
        if (isResidualAdd(use.getOwner()))
          return false;
        anyReader |= bool(foldableReaderAxis(use));
      }
    if (!anyReader)
      return false;

    llvm::DenseSet<Operation *> normReaders;
    for (const StreamNorm &norm : norms)
      normReaders.insert(norm.inputReaders.begin(), norm.inputReaders.end());
    auto inStream = [&](OpOperand &use) {
      return isResidualAdd(use.getOwner()) ||
             normReaders.contains(use.getOwner());
    };

    // Sources: fold into a writer, or rotate online. Values in the stream
    // hold x' from here on, except the sources rotated online, whose
    // in-stream readers are moved to the transform.
    llvm::DenseMap<Value, Value> rotated;
    SmallVector<Value> holdRotated;
    for (Value value : stream) {
      Operation *def = value.getDefiningOp();
      if (def && isResidualAdd(def)) {
        rotated[value] = value;
        holdRotated.push_back(value);
        continue;
      }
      std::optional<LinearProducer> writer =
          findLinearProducer(value, rank - 1, n);
      if (writer && llvm::all_of(value.getUses(), inStream)) {
        auto [before, after] = rotateProducerOutputs(*writer, n, {});
        rotations.push_back({writer->layer.getLayerName().str(), n, "fused",
                             "residual stream writer (output channels)", before,
                             after});
        rotated[value] = value;
        holdRotated.push_back(value);
        continue;
      }
      HadamardOp transform = transformAfter(value, /*transpose=*/false);
      value.replaceUsesWithIf(transform, inStream);
      rotated[value] = transform;
      rotations.push_back({valueName(value), n, "stream",
                           "residual stream entry (Q x" + signNote + ")"});
    }
    // Readers outside the stream get x back: Q^T x'.
    for (Value value : holdRotated) {
      if (llvm::all_of(value.getUses(), inStream))
        continue;
      HadamardOp transform = transformAfter(value, /*transpose=*/true);
      value.replaceUsesWithIf(transform, [&](OpOperand &use) {
        return use.getOwner() != transform && !inStream(use);
      });
      rotations.push_back(
          {valueName(value), n, "stream", "residual stream exit (Q^T x')"});
    }
    for (StreamNorm &norm : norms)
      rewriteNorm(norm, rotated.lookup(norm.input), n);
    return true;
  }

  /// u = D x' / sqrt(|D x'|^2 / n + eps) in place of the norm; its
  /// foldable readers take gamma, Q^T and beta, the others read
  /// gamma (Q^T u) + beta.
  void rewriteNorm(StreamNorm &norm, Value rotatedInput, int64_t n) {
    auto type = cast<RankedTensorType>(norm.input.getType());
    int64_t rank = type.getRank();
    OpBuilder builder(norm.output.getContext());
    builder.setInsertionPointAfterValue(norm.output);
    Location loc = renamedLoc(norm.output, ".rotated");
    Type f32 = builder.getF32Type();
    std::vector<float> mask(n, 1.0f);
    mask[0] = 0.0f;
    Value maskConstant = createF32Constant(
        builder, loc, RankedTensorType::get({n}, f32), mask, "stream_centring");
    Value centred =
        MulOp::create(builder, loc, type, rotatedInput, maskConstant);
    Value squared = MulOp::create(builder, loc, type, centred, centred);
    SmallVector<int64_t> reducedShape(type.getShape());
    reducedShape.back() = 1;
    auto reducedType = RankedTensorType::get(reducedShape, f32);
    Value meanSquare = ReduceMeanOp::create(
        builder, loc, reducedType, squared,
        builder.getDenseI64ArrayAttr({rank - 1}), builder.getBoolAttr(true));
    Value epsilon =
        createF32Constant(builder, loc, RankedTensorType::get({}, f32),
                          {norm.epsilon}, "stream_epsilon");
    Value sigma = SqrtOp::create(
        builder, loc, reducedType,
        AddOp::create(builder, loc, reducedType, meanSquare, epsilon));
    Value normalized = DivOp::create(builder, loc, type, centred, sigma);

    std::vector<float> gamma(n, 1.0f), beta(n, 0.0f);
    if (norm.gamma)
      gamma = *readF32Constant(norm.gamma);
    if (norm.beta)
      beta = *readF32Constant(norm.beta);
    SmallVector<OpOperand *> others;
    SmallVector<OpOperand *> uses;
    for (OpOperand &use : norm.output.getUses())
      uses.push_back(&use);
    for (OpOperand *use : uses) {
      std::optional<int64_t> axis = foldableReaderAxis(*use);
      if (!axis) {
        others.push_back(use);
        continue;
      }
      auto layer = cast<QuantizableOpInterface>(use->getOwner());
      foldIntoReader(layer, *axis, gamma, beta, n);
      use->set(normalized);
    }
    if (!others.empty()) {
      Value restored = transformAfter(normalized, /*transpose=*/true);
      builder.setInsertionPointAfterValue(restored);
      if (norm.gamma)
        restored = MulOp::create(builder, loc, type, restored, norm.gamma);
      if (norm.beta)
        restored = AddOp::create(builder, loc, type, restored, norm.beta);
      for (OpOperand *use : others)
        use->set(restored);
      rotations.push_back({valueName(norm.output), n, "stream",
                           "residual stream exit after a LayerNorm (Q^T u)"});
    }
    for (Operation *op : llvm::reverse(norm.ops))
      if (op->use_empty())
        op->erase();
  }

  /// W <- W diag(gamma) Q^T along the weights' input axis, and the bias
  /// gains W beta.
  void foldIntoReader(QuantizableOpInterface layer, int64_t inputAxis,
                      ArrayRef<float> gamma, ArrayRef<float> beta, int64_t n) {
    OpOperand &weight = operandHolding(layer, layer.getWeightOperand());
    auto weightType = cast<RankedTensorType>(weight.get().getType());
    ArrayRef<int64_t> shape = weightType.getShape();
    int64_t outputs = shape[1 - inputAxis];
    std::vector<float> w = *readF32Constant(weight.get());
    auto at = [&](int64_t i, int64_t o) -> float & {
      return inputAxis == 0 ? w[i * shape[1] + o] : w[o * shape[1] + i];
    };
    std::vector<float> shift(outputs, 0.0f);
    bool anyShift = false;
    for (int64_t o = 0; o < outputs; ++o) {
      double sum = 0;
      for (int64_t i = 0; i < n; ++i)
        sum += double(beta[i]) * at(i, o);
      shift[o] = float(sum);
      anyShift |= shift[o] != 0.0f;
    }
    double before = channelSpread(w, shape, inputAxis);
    scaleAlong(w, shape, inputAxis,
               std::vector<double>(gamma.begin(), gamma.end()),
               /*divide=*/false);
    applyHadamard(w, shape, inputAxis, {});
    double after = channelSpread(w, shape, inputAxis);
    replaceConstantOperand(weight, w, "stream_rotated");
    if (anyShift)
      addOutputBias(layer, shift, "stream_bias");
    handled.insert(layer);
    rotations.push_back({layer.getLayerName().str(), n, "fused",
                         "residual stream (LayerNorm as an RMS norm, its "
                         "affine folded in)",
                         before, after});
  }
};
} // namespace

void quantc::qc::rotateResidualStreams(Operation *root, RotationMode mode,
                                       std::vector<LayerRotation> &rotations,
                                       llvm::DenseSet<Operation *> &handled) {
  // Centring in the rotated basis drops coordinate 0, which needs H's
  // all-ones first row: random signs would move the mean elsewhere.
  std::string signNote = mode == RotationMode::Random
                             ? "; no random signs: centring needs Q 1 on e_0"
                             : "";
  SmallVector<StreamNorm> norms;
  root->walk([&](Operation *op) {
    std::optional<StreamNorm> norm;
    if (auto center = dyn_cast<SubOp>(op))
      norm = matchDecomposedNorm(center);
    else if (auto layerNorm = dyn_cast<LayerNormOp>(op))
      norm = matchLayerNorm(layerNorm);
    if (norm)
      norms.push_back(std::move(*norm));
  });
  // Group the norms by stream before rewriting any.
  std::vector<std::pair<llvm::SetVector<Value>, SmallVector<StreamNorm>>>
      streams;
  llvm::DenseSet<Value> grouped;
  for (const StreamNorm &first : norms) {
    if (grouped.contains(first.input))
      continue;
    llvm::SetVector<Value> stream = collectStream(first.input);
    grouped.insert(stream.begin(), stream.end());
    SmallVector<StreamNorm> members;
    for (const StreamNorm &norm : norms)
      if (stream.contains(norm.input))
        members.push_back(norm);
    streams.emplace_back(std::move(stream), std::move(members));
  }
  StreamRotator rotator{rotations, handled, signNote};
  for (auto &[stream, members] : streams)
    rotator.rotate(stream, members);
}
