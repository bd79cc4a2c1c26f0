//===- RelevanceRules.cpp - LRP rules per qc op ---------------------------===//
//
// Part of quantc. Each rule reads the forward values of an op's operands and
// results and hands every result element's relevance to the operand
// elements that made it, in proportion to their contributions (the epsilon
// rule; see Relevance.h for the choices per op kind).
//
//===----------------------------------------------------------------------===//

#include "RelevanceRules.h"

#include "quantc/Dialect/QC/IR/QCConstants.h"
#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/IR/QCShapeInference.h"

#include "mlir/Dialect/Utils/IndexingUtils.h"

#include "llvm/ADT/TypeSwitch.h"

#include <array>
#include <cmath>

using namespace mlir;
using namespace quantc;

const HostArray *RelevanceState::values(Value value) {
  if (auto found = captured.find(value); found != captured.end())
    return &found->second;
  if (auto found = constants.find(value); found != constants.end())
    return found->second.get();
  auto type = dyn_cast<RankedTensorType>(value.getType());
  std::optional<std::vector<float>> data = qc::readF32Constant(value);
  if (!type || !type.hasStaticShape() || !data)
    return nullptr;
  auto array = std::make_unique<HostArray>();
  array->shape.assign(type.getShape().begin(), type.getShape().end());
  array->data = std::move(*data);
  return constants.try_emplace(value, std::move(array)).first->second.get();
}

std::vector<double> *RelevanceState::relevance(Value value) {
  auto found = captured.find(value);
  if (found == captured.end() || fixed.contains(value))
    return nullptr;
  std::unique_ptr<std::vector<double>> &sink = accumulated[value];
  if (!sink)
    sink =
        std::make_unique<std::vector<double>>(found->second.data.size(), 0.0);
  return sink.get();
}

const std::vector<double> *RelevanceState::reached(Value value) const {
  auto found = accumulated.find(value);
  return found == accumulated.end() ? nullptr : found->second.get();
}

namespace {
using Shape = ArrayRef<int64_t>;

/// Calls `body(coordinates, flat)` for every element of `shape`, row-major.
template <typename Body> void forEachElement(Shape shape, Body body) {
  SmallVector<int64_t> at(shape.size(), 0);
  int64_t count = computeProduct(shape);
  for (int64_t flat = 0; flat < count; ++flat) {
    body(ArrayRef<int64_t>(at), flat);
    for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
      if (++at[d] < shape[d])
        break;
      at[d] = 0;
    }
  }
}

/// Whether numpy broadcasting takes `in` to `out`.
bool broadcastsTo(Shape in, Shape out) {
  if (in.size() > out.size())
    return false;
  size_t offset = out.size() - in.size();
  for (size_t d = 0; d < in.size(); ++d)
    if (in[d] != 1 && in[d] != out[d + offset])
      return false;
  return true;
}

/// For each element of `out`, the flat index of the `in` element that
/// numpy broadcasting reads for it.
std::vector<int64_t> broadcastSources(Shape out, Shape in) {
  SmallVector<int64_t> inStrides = computeStrides(in);
  size_t offset = out.size() - in.size();
  std::vector<int64_t> sources(computeProduct(out));
  forEachElement(out, [&](ArrayRef<int64_t> at, int64_t flat) {
    int64_t index = 0;
    for (size_t d = 0; d < in.size(); ++d)
      if (in[d] != 1)
        index += at[d + offset] * inStrides[d];
    sources[flat] = index;
  });
  return sources;
}

/// The root mean square of `values`.
template <typename T> double rootMeanSquare(ArrayRef<T> values) {
  double sum = 0;
  for (T v : values)
    sum += double(v) * double(v);
  return values.empty() ? 0.0 : std::sqrt(sum / double(values.size()));
}

/// z moved away from zero by `epsilon` (the epsilon rule's stabilizer:
/// contributions to a near-zero z are not blown up; what epsilon takes is
/// absorbed).
double stabilized(double z, double epsilon) {
  epsilon += 1e-30;
  return z >= 0 ? z + epsilon : z - epsilon;
}

/// Per result element, relevance / stabilized value: what every unit of
/// contribution to it receives. `epsilon` is relative to the result's RMS.
std::vector<double> relevancePerContribution(const std::vector<double> &r,
                                             const HostArray &result,
                                             double epsilon) {
  double absolute = epsilon * rootMeanSquare(ArrayRef(result.data));
  std::vector<double> per(r.size());
  for (size_t i = 0; i < r.size(); ++i)
    per[i] = r[i] / stabilized(result.data[i], absolute);
  return per;
}

/// Sends result element o's relevance to input element sources[o] (-1:
/// nowhere, a padded position).
void routeBack(const std::vector<double> &r, ArrayRef<int64_t> sources,
               std::vector<double> *into) {
  if (!into)
    return;
  for (size_t o = 0; o < r.size(); ++o)
    if (sources[o] >= 0)
      (*into)[sources[o]] += r[o];
}

class Rules {
public:
  Rules(Operation *op, RelevanceState &state) : op(op), state(state) {}

  bool apply() {
    // Activations (and PRelu, whose slope is a weight) map values one by
    // one: relevance passes through them.
    if (op->hasTrait<qc::OpTrait::Activation>())
      return passThrough();
    return llvm::TypeSwitch<Operation *, bool>(op)
        .Case<qc::SoftmaxOp, qc::LayerNormOp, qc::ObserveOp, qc::ReshapeOp,
              qc::FlattenOp, qc::SqueezeOp, qc::UnsqueezeOp>(
            [&](Operation *) { return passThrough(); })
        .Case([&](qc::AddOp) { return sum(); })
        .Case([&](qc::SubOp sub) {
          // x - mean(x), a normalization's centering: the mean is held
          // constant (the LayerNorm rule), else x and its own mean would
          // trade huge opposite relevances wherever they nearly cancel.
          auto mean = sub.getRhs().getDefiningOp<qc::ReduceMeanOp>();
          if (mean && mean.getInput() == sub.getLhs())
            return passThrough();
          return sum();
        })
        // The operand that wins holds the value: split like a sum.
        .Case<qc::MaxOp, qc::MinOp>([&](Operation *) { return sum(); })
        .Case<qc::MulOp, qc::DivOp, qc::PowOp>(
            [&](Operation *) { return product(); })
        .Case([&](qc::Conv2DOp conv) { return convolution(conv); })
        .Case([&](qc::ConvTranspose2DOp conv) { return transposed(conv); })
        .Case([&](qc::MatMulOp) { return matmul(); })
        .Case([&](qc::GemmOp gemm) { return gemmRule(gemm); })
        .Case([&](qc::BatchNormOp norm) { return batchNorm(norm); })
        .Case([&](qc::GlobalAvgPoolOp) { return globalPool(); })
        .Case<qc::ReduceMeanOp, qc::ReduceSumOp, qc::ReduceMaxOp>(
            [&](Operation *) { return reduction(); })
        .Case([&](qc::AvgPool2DOp pool) {
          return window(pool.getKernelShape(), pool.getStrides(),
                        pool.getPads(), {1, 1}, /*winnerOnly=*/false);
        })
        .Case([&](qc::MaxPool2DOp pool) {
          return window(pool.getKernelShape(), pool.getStrides(),
                        pool.getPads(), pool.getDilations(),
                        /*winnerOnly=*/true);
        })
        .Case([&](qc::TransposeOp t) { return transpose(t); })
        .Case([&](qc::SliceOp s) { return slice(s); })
        .Case([&](qc::ConcatOp c) { return concat(c); })
        .Case([&](qc::SplitOp s) { return split(s); })
        .Case([&](qc::PadOp p) { return pad(p); })
        .Case([&](qc::ResizeOp r) { return resize(r); })
        .Default([](Operation *) { return false; });
  }

private:
  Operation *op;
  RelevanceState &state;

  const std::vector<double> &resultRelevance(unsigned i = 0) {
    return *state.reached(op->getResult(i));
  }
  const HostArray *result(unsigned i = 0) {
    return state.values(op->getResult(i));
  }

  /// Same-sized operand 0 takes the result's relevance as it is.
  bool passThrough() {
    std::vector<double> *into = state.relevance(op->getOperand(0));
    const std::vector<double> &r = resultRelevance();
    if (into && into->size() != r.size())
      return false;
    if (into)
      for (size_t i = 0; i < r.size(); ++i)
        (*into)[i] += r[i];
    return true;
  }

  /// Add / Sub: each operand's share is its contribution over the sum.
  bool sum() {
    Value lhs = op->getOperand(0), rhs = op->getOperand(1);
    const HostArray *a = state.values(lhs), *b = state.values(rhs),
                    *y = result();
    if (!a || !b || !y)
      return false;
    if (!broadcastsTo(a->shape, y->shape) || !broadcastsTo(b->shape, y->shape))
      return false;
    double sign = isa<qc::SubOp>(op) ? -1 : 1;
    std::vector<int64_t> fromA = broadcastSources(y->shape, a->shape);
    std::vector<int64_t> fromB = broadcastSources(y->shape, b->shape);
    std::vector<double> *intoA = state.relevance(lhs),
                        *intoB = state.relevance(rhs);
    const std::vector<double> &r = resultRelevance();
    double epsilon = state.epsilon * rootMeanSquare(ArrayRef(y->data));
    for (size_t o = 0; o < r.size(); ++o) {
      double za = a->data[fromA[o]], zb = sign * b->data[fromB[o]];
      double per = r[o] / stabilized(za + zb, epsilon);
      if (intoA)
        (*intoA)[fromA[o]] += za * per;
      if (intoB)
        (*intoB)[fromB[o]] += zb * per;
    }
    return true;
  }

  /// Whether `gate` is made from `x` by elementwise ops alone (unary
  /// activations, arithmetic with constants): x * gate is then one
  /// elementwise activation of x, as swish x * sigmoid(x) and hard-swish
  /// x * clip(x + 3) / 6 are.
  bool isElementwiseOf(Value gate, Value x) {
    for (int depth = 0; depth < 8 && gate != x; ++depth) {
      Operation *def = gate.getDefiningOp();
      if (!def)
        return false;
      if (def->getNumOperands() == 1 &&
          def->hasTrait<OpTrait::SameOperandsAndResultType>())
        gate = def->getOperand(0);
      else if (isa<qc::AddOp, qc::SubOp, qc::MulOp, qc::DivOp>(def) &&
               state.absorbs(def->getOperand(1)))
        gate = def->getOperand(0);
      else if (isa<qc::AddOp, qc::MulOp>(def) &&
               state.absorbs(def->getOperand(0)))
        gate = def->getOperand(1);
      else
        return false;
    }
    return gate == x;
  }

  /// Mul of x by a function of x alone (an elementwise activation): all to
  /// x, as for any activation; of two other activations (a
  /// squeeze-excitation gate, attention): half each (AttnLRP's uniform
  /// rule). By a constant, and Div / Pow: all to the tensor operand
  /// (divisor, exponent constant).
  bool product() {
    Value lhs = op->getOperand(0), rhs = op->getOperand(1);
    const HostArray *a = state.values(lhs), *b = state.values(rhs),
                    *y = result();
    if (!a || !b || !y)
      return false;
    if (!broadcastsTo(a->shape, y->shape) || !broadcastsTo(b->shape, y->shape))
      return false;
    std::vector<double> *intoA = state.relevance(lhs),
                        *intoB = state.relevance(rhs);
    double shareA = 0, shareB = 0;
    if (intoA && intoB && isa<qc::MulOp>(op)) {
      shareA = isElementwiseOf(rhs, lhs)   ? 1.0
               : isElementwiseOf(lhs, rhs) ? 0.0
                                           : 0.5;
      shareB = 1.0 - shareA;
    } else if (intoA)
      shareA = 1;
    else if (intoB && isa<qc::MulOp, qc::DivOp>(op))
      shareB = 1;
    std::vector<int64_t> fromA = broadcastSources(y->shape, a->shape);
    std::vector<int64_t> fromB = broadcastSources(y->shape, b->shape);
    const std::vector<double> &r = resultRelevance();
    for (size_t o = 0; o < r.size(); ++o) {
      if (intoA && shareA > 0)
        (*intoA)[fromA[o]] += shareA * r[o];
      if (intoB && shareB > 0)
        (*intoB)[fromB[o]] += shareB * r[o];
    }
    return true;
  }

  /// N, C, H, W of a convolution's input `x` and C, H, W of its result.
  static std::array<int64_t, 7> nchw(const HostArray &x, const HostArray &y) {
    return {x.shape[0], x.shape[1], x.shape[2], x.shape[3],
            y.shape[1], y.shape[2], y.shape[3]};
  }

  /// A convolution's values, where its input's relevance goes (null: a
  /// constant input) and the relevance per unit of contribution; nullopt
  /// when a value is missing.
  struct ConvolutionSides {
    const HostArray *x, *w, *y;
    std::vector<double> *into;
    std::vector<double> per;
  };
  template <typename ConvOp>
  std::optional<ConvolutionSides> sidesOf(ConvOp conv) {
    const HostArray *x = state.values(conv.getInput()),
                    *w = state.values(conv.getWeight()), *y = result();
    if (!x || !w || !y || x->shape.size() != 4)
      return std::nullopt;
    ConvolutionSides sides{x, w, y, state.relevance(conv.getInput()), {}};
    if (sides.into)
      sides.per =
          relevancePerContribution(resultRelevance(), *y, state.epsilon);
    return sides;
  }

  bool convolution(qc::Conv2DOp conv) {
    std::optional<ConvolutionSides> sides = sidesOf(conv);
    if (!sides || !sides->into)
      return sides.has_value();
    auto [x, w, y, into, per] = *sides;
    auto [batch, channels, height, width, outputs, outH, outW] = nchw(*x, *y);
    int64_t perGroup = w->shape[1], kh = w->shape[2], kw = w->shape[3];
    int64_t outputsPerGroup = outputs / int64_t(conv.getGroup());
    ArrayRef<int64_t> strides = conv.getStrides(), pads = conv.getPads(),
                      dilations = conv.getDilations();
    // G = conv^T(per, W), then R_x = x * G.
    std::vector<double> g(x->data.size(), 0.0);
    for (int64_t n = 0; n < batch; ++n)
      for (int64_t o = 0; o < outputs; ++o) {
        int64_t first = (o / outputsPerGroup) * perGroup;
        const double *s = per.data() + (n * outputs + o) * outH * outW;
        for (int64_t ci = 0; ci < perGroup; ++ci)
          for (int64_t i = 0; i < kh; ++i)
            for (int64_t j = 0; j < kw; ++j) {
              double weight = w->data[((o * perGroup + ci) * kh + i) * kw + j];
              if (weight == 0)
                continue;
              double *plane =
                  g.data() + (n * channels + first + ci) * height * width;
              for (int64_t oh = 0; oh < outH; ++oh) {
                int64_t ih = oh * strides[0] - pads[0] + i * dilations[0];
                if (ih < 0 || ih >= height)
                  continue;
                for (int64_t ow = 0; ow < outW; ++ow) {
                  int64_t iw = ow * strides[1] - pads[1] + j * dilations[1];
                  if (iw >= 0 && iw < width)
                    plane[ih * width + iw] += weight * s[oh * outW + ow];
                }
              }
            }
      }
    for (size_t i = 0; i < g.size(); ++i)
      (*into)[i] += x->data[i] * g[i];
    return true;
  }

  /// Input pixel (ih, iw) adds x * W[c][o][i][j] to output
  /// (ih*stride - pad + i*dilation, ...).
  bool transposed(qc::ConvTranspose2DOp conv) {
    std::optional<ConvolutionSides> sides = sidesOf(conv);
    if (!sides || !sides->into)
      return sides.has_value();
    auto [x, w, y, into, per] = *sides;
    auto [batch, channels, height, width, outputs, outH, outW] = nchw(*x, *y);
    int64_t outputsPerGroup = w->shape[1], kh = w->shape[2], kw = w->shape[3];
    int64_t channelsPerGroup = channels / int64_t(conv.getGroup());
    ArrayRef<int64_t> strides = conv.getStrides(), pads = conv.getPads(),
                      dilations = conv.getDilations();
    for (int64_t n = 0; n < batch; ++n)
      for (int64_t c = 0; c < channels; ++c) {
        int64_t firstOutput = (c / channelsPerGroup) * outputsPerGroup;
        for (int64_t ih = 0; ih < height; ++ih)
          for (int64_t iw = 0; iw < width; ++iw) {
            double gathered = 0;
            for (int64_t oo = 0; oo < outputsPerGroup; ++oo) {
              const double *s =
                  per.data() + (n * outputs + firstOutput + oo) * outH * outW;
              for (int64_t i = 0; i < kh; ++i) {
                int64_t oh = ih * strides[0] - pads[0] + i * dilations[0];
                if (oh < 0 || oh >= outH)
                  continue;
                for (int64_t j = 0; j < kw; ++j) {
                  int64_t ow = iw * strides[1] - pads[1] + j * dilations[1];
                  if (ow >= 0 && ow < outW)
                    gathered +=
                        w->data[((c * outputsPerGroup + oo) * kh + i) * kw +
                                j] *
                        s[oh * outW + ow];
                }
              }
            }
            size_t at = ((n * channels + c) * height + ih) * width + iw;
            (*into)[at] += x->data[at] * gathered;
          }
      }
    return true;
  }

  /// sum_k a(m,k) b(k,n) per batch entry, with a and b read through index
  /// functions; each operand gets `share` of its epsilon-rule relevance.
  template <typename IndexA, typename IndexB>
  void bilinear(int64_t batches, int64_t m, int64_t k, int64_t n,
                const HostArray &a, const HostArray &b, double scaleAB,
                IndexA aAt, IndexB bAt, const std::vector<double> &per,
                std::vector<double> *intoA, double shareA,
                std::vector<double> *intoB, double shareB) {
    for (int64_t batch = 0; batch < batches; ++batch)
      for (int64_t row = 0; row < m; ++row) {
        const double *s = per.data() + (batch * m + row) * n;
        for (int64_t inner = 0; inner < k; ++inner) {
          double av = a.data[aAt(batch, row, inner)];
          double gathered = 0;
          for (int64_t col = 0; col < n; ++col) {
            double bv = b.data[bAt(batch, inner, col)];
            gathered += bv * s[col];
            if (intoB && shareB > 0)
              (*intoB)[bAt(batch, inner, col)] +=
                  shareB * scaleAB * av * bv * s[col];
          }
          if (intoA && shareA > 0)
            (*intoA)[aAt(batch, row, inner)] +=
                shareA * scaleAB * av * gathered;
        }
      }
  }

  static bool isSoftmax(Value value) {
    return value.getDefiningOp<qc::SoftmaxOp>() != nullptr;
  }

  /// Who takes a product's relevance: a constant factor none; attention
  /// probabilities (a softmax) none, their partner all; else half each.
  static std::pair<double, double> productShares(Value a, Value b, bool intoA,
                                                 bool intoB) {
    if (!intoA || !intoB)
      return {intoA ? 1.0 : 0.0, intoB ? 1.0 : 0.0};
    if (isSoftmax(a))
      return {0.0, 1.0};
    if (isSoftmax(b))
      return {1.0, 0.0};
    return {0.5, 0.5};
  }

  bool matmul() {
    Value lhs = op->getOperand(0), rhs = op->getOperand(1);
    const HostArray *a = state.values(lhs), *b = state.values(rhs),
                    *y = result();
    if (!a || !b || !y || a->shape.size() < 2 || b->shape.size() < 2)
      return false;
    std::vector<double> *intoA = state.relevance(lhs),
                        *intoB = state.relevance(rhs);
    auto [shareA, shareB] = productShares(lhs, rhs, intoA, intoB);
    int64_t m = a->shape.end()[-2], k = a->shape.back(), n = b->shape.back();
    Shape outBatch = ArrayRef(y->shape).drop_back(2);
    std::vector<int64_t> batchA =
        broadcastSources(outBatch, ArrayRef(a->shape).drop_back(2));
    std::vector<int64_t> batchB =
        broadcastSources(outBatch, ArrayRef(b->shape).drop_back(2));
    std::vector<double> per =
        relevancePerContribution(resultRelevance(), *y, state.epsilon);
    bilinear(
        computeProduct(outBatch), m, k, n, *a, *b, 1.0,
        [&](int64_t batch, int64_t row, int64_t inner) {
          return (batchA[batch] * m + row) * k + inner;
        },
        [&](int64_t batch, int64_t inner, int64_t col) {
          return (batchB[batch] * k + inner) * n + col;
        },
        per, intoA, shareA, intoB, shareB);
    return true;
  }

  /// alpha * op(A) op(B) + beta * C: C keeps its share.
  bool gemmRule(qc::GemmOp gemm) {
    const HostArray *a = state.values(gemm.getA()),
                    *b = state.values(gemm.getB()), *y = result();
    if (!a || !b || !y || a->shape.size() != 2 || b->shape.size() != 2)
      return false;
    std::vector<double> *intoA = state.relevance(gemm.getA()),
                        *intoB = state.relevance(gemm.getB());
    auto [shareA, shareB] =
        productShares(gemm.getA(), gemm.getB(), intoA, intoB);
    bool transA = gemm.getTransA(), transB = gemm.getTransB();
    int64_t m = y->shape[0], n = y->shape[1];
    int64_t k = transA ? a->shape[0] : a->shape[1];
    std::vector<double> per =
        relevancePerContribution(resultRelevance(), *y, state.epsilon);
    bilinear(
        1, m, k, n, *a, *b, gemm.getAlpha().convertToDouble(),
        [&](int64_t, int64_t row, int64_t inner) {
          return transA ? inner * m + row : row * k + inner;
        },
        [&](int64_t, int64_t inner, int64_t col) {
          return transB ? col * k + inner : inner * n + col;
        },
        per, intoA, shareA, intoB, shareB);
    return true;
  }

  /// y = a_c x + b_c: x's share is a_c x / y.
  bool batchNorm(qc::BatchNormOp norm) {
    const HostArray *x = state.values(norm.getInput()),
                    *scale = state.values(norm.getScale()),
                    *variance = state.values(norm.getVariance()), *y = result();
    if (!x || !scale || !variance || !y || x->shape.size() < 2)
      return false;
    std::vector<double> *into = state.relevance(norm.getInput());
    if (!into)
      return true;
    std::vector<double> per =
        relevancePerContribution(resultRelevance(), *y, state.epsilon);
    int64_t channels = x->shape[1];
    int64_t inner = computeProduct(ArrayRef(x->shape).drop_front(2));
    double epsilon = norm.getEpsilon().convertToDouble();
    for (size_t i = 0; i < per.size(); ++i) {
      int64_t c = (int64_t(i) / inner) % channels;
      double slope = scale->data[c] / std::sqrt(variance->data[c] + epsilon);
      (*into)[i] += slope * x->data[i] * per[i];
    }
    return true;
  }

  /// Input element i feeds output element target[i]: a sum or mean shares
  /// it by contribution (recomputed sums: a mean's 1/n cancels), a max
  /// gives all of it to the first largest.
  bool reduceInto(ArrayRef<int64_t> target, bool winnerOnly) {
    const HostArray *x = state.values(op->getOperand(0)), *y = result();
    if (!x || !y)
      return false;
    std::vector<double> *into = state.relevance(op->getOperand(0));
    if (!into)
      return true;
    const std::vector<double> &r = resultRelevance();
    std::vector<double> total(r.size(), 0.0);
    std::vector<int64_t> winner(r.size(), -1);
    for (size_t i = 0; i < target.size(); ++i) {
      int64_t o = target[i];
      total[o] += x->data[i];
      if (winner[o] < 0 || x->data[i] > x->data[winner[o]])
        winner[o] = int64_t(i);
    }
    double epsilon = state.epsilon * rootMeanSquare(ArrayRef(total));
    for (size_t i = 0; i < target.size(); ++i) {
      int64_t o = target[i];
      if (winnerOnly)
        (*into)[i] += winner[o] == int64_t(i) ? r[o] : 0.0;
      else
        (*into)[i] += x->data[i] / stabilized(total[o], epsilon) * r[o];
    }
    return true;
  }

  /// The output element each input element reduces into, keeping the
  /// `reduced` axes at size 1.
  static std::vector<int64_t> reductionTargets(Shape in,
                                               ArrayRef<bool> reduced) {
    SmallVector<int64_t> kept(in.begin(), in.end());
    for (size_t d = 0; d < in.size(); ++d)
      if (reduced[d])
        kept[d] = 1;
    SmallVector<int64_t> strides = computeStrides(kept);
    std::vector<int64_t> target(computeProduct(in));
    forEachElement(in, [&](ArrayRef<int64_t> at, int64_t flat) {
      int64_t index = 0;
      for (size_t d = 0; d < in.size(); ++d)
        if (!reduced[d])
          index += at[d] * strides[d];
      target[flat] = index;
    });
    return target;
  }

  bool globalPool() {
    const HostArray *x = state.values(op->getOperand(0));
    if (!x)
      return false;
    SmallVector<bool> reduced(x->shape.size(), true);
    reduced[0] = reduced[1] = false;
    return reduceInto(reductionTargets(x->shape, reduced), false);
  }

  bool reduction() {
    const HostArray *x = state.values(op->getOperand(0));
    if (!x)
      return false;
    int64_t rank = x->shape.size();
    auto axes = op->getAttrOfType<DenseI64ArrayAttr>("axes");
    SmallVector<bool> reduced(rank, !axes || axes.empty());
    if (axes)
      for (int64_t axis : axes.asArrayRef()) {
        std::optional<int64_t> normalized = qc::normalizeAxis(axis, rank);
        if (!normalized)
          return false;
        reduced[*normalized] = true;
      }
    return reduceInto(reductionTargets(x->shape, reduced),
                      isa<qc::ReduceMaxOp>(op));
  }

  /// 2-D pooling windows over NCHW: an average shares each output by
  /// contribution, a max gives it to the window's largest.
  bool window(ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
              ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
              bool winnerOnly) {
    const HostArray *x = state.values(op->getOperand(0)), *y = result();
    if (!x || !y || x->shape.size() != 4)
      return false;
    std::vector<double> *into = state.relevance(op->getOperand(0));
    if (!into)
      return true;
    const std::vector<double> &r = resultRelevance();
    int64_t planes = x->shape[0] * x->shape[1], height = x->shape[2],
            width = x->shape[3], outH = y->shape[2], outW = y->shape[3];
    // Window sums are about kernel-size times the (averaged) result.
    double epsilon = state.epsilon * rootMeanSquare(ArrayRef(y->data)) *
                     double(kernel[0] * kernel[1]);
    SmallVector<int64_t> members;
    for (int64_t p = 0; p < planes; ++p)
      for (int64_t oh = 0; oh < outH; ++oh)
        for (int64_t ow = 0; ow < outW; ++ow) {
          members.clear();
          for (int64_t i = 0; i < kernel[0]; ++i)
            for (int64_t j = 0; j < kernel[1]; ++j) {
              int64_t ih = oh * strides[0] - pads[0] + i * dilations[0];
              int64_t iw = ow * strides[1] - pads[1] + j * dilations[1];
              if (ih >= 0 && ih < height && iw >= 0 && iw < width)
                members.push_back((p * height + ih) * width + iw);
            }
          double rOut = r[(p * outH + oh) * outW + ow];
          if (members.empty())
            continue;
          if (winnerOnly) {
            int64_t best = members.front();
            for (int64_t m : members)
              if (x->data[m] > x->data[best])
                best = m;
            (*into)[best] += rOut;
            continue;
          }
          double total = 0;
          for (int64_t m : members)
            total += x->data[m];
          for (int64_t m : members)
            (*into)[m] += x->data[m] / stabilized(total, epsilon) * rOut;
        }
    return true;
  }

  /// Data movement: `source(outCoordinates)` is the input element (flat,
  /// or -1) result element `result` was copied from.
  template <typename Source>
  bool move(Value input, unsigned resultIndex, Source source) {
    const HostArray *x = state.values(input), *y = result(resultIndex);
    if (!x || !y)
      return false;
    std::vector<int64_t> sources(y->data.size());
    SmallVector<int64_t> inStrides = computeStrides(x->shape);
    forEachElement(y->shape, [&](ArrayRef<int64_t> at, int64_t flat) {
      sources[flat] = source(at, ArrayRef(x->shape), ArrayRef(inStrides));
    });
    routeBack(resultRelevance(resultIndex), sources, state.relevance(input));
    return true;
  }

  bool transpose(qc::TransposeOp t) {
    ArrayRef<int64_t> perm = t.getPerm();
    return move(t.getInput(), 0,
                [&](ArrayRef<int64_t> at, Shape, ArrayRef<int64_t> strides) {
                  int64_t index = 0;
                  for (size_t d = 0; d < at.size(); ++d)
                    index += at[d] * strides[perm[d]];
                  return index;
                });
  }

  bool slice(qc::SliceOp s) {
    const HostArray *x = state.values(s.getInput());
    if (!x)
      return false;
    int64_t rank = x->shape.size();
    SmallVector<int64_t> start(rank, 0), step(rank, 1);
    for (auto [axis, begin, stride] :
         llvm::zip_equal(s.getAxes(), s.getStarts(), s.getSteps())) {
      std::optional<int64_t> normalized = qc::normalizeAxis(axis, rank);
      if (!normalized)
        return false;
      int64_t d = *normalized, extent = x->shape[d];
      int64_t at = begin < 0 ? begin + extent : begin;
      at = stride > 0 ? std::clamp<int64_t>(at, 0, extent)
                      : std::clamp<int64_t>(at, 0, extent - 1);
      start[d] = at;
      step[d] = stride;
    }
    return move(s.getInput(), 0,
                [&](ArrayRef<int64_t> at, Shape, ArrayRef<int64_t> strides) {
                  int64_t index = 0;
                  for (int64_t d = 0; d < rank; ++d)
                    index += (start[d] + at[d] * step[d]) * strides[d];
                  return index;
                });
  }

  /// Input k of a concat, or result k of a split, sits at `offset` along
  /// `axis` of the whole.
  bool concat(qc::ConcatOp c) {
    const HostArray *y = result();
    if (!y)
      return false;
    // I64Attr accessors return uint64_t.
    std::optional<int64_t> normalized =
        qc::normalizeAxis(int64_t(c.getAxis()), y->shape.size());
    if (!normalized)
      return false;
    int64_t axis = *normalized;
    SmallVector<int64_t> outStrides = computeStrides(y->shape);
    const std::vector<double> &r = resultRelevance();
    int64_t offset = 0;
    for (Value input : c.getInputs()) {
      const HostArray *x = state.values(input);
      if (!x)
        return false;
      if (std::vector<double> *into = state.relevance(input))
        forEachElement(x->shape, [&](ArrayRef<int64_t> at, int64_t flat) {
          int64_t index = offset * outStrides[axis];
          for (size_t d = 0; d < at.size(); ++d)
            index += at[d] * outStrides[d];
          (*into)[flat] += r[index];
        });
      offset += x->shape[axis];
    }
    return true;
  }

  bool split(qc::SplitOp s) {
    const HostArray *x = state.values(s.getInput());
    if (!x)
      return false;
    int64_t rank = x->shape.size();
    std::optional<int64_t> normalized =
        qc::normalizeAxis(int64_t(s.getAxis()), rank);
    if (!normalized)
      return false;
    int64_t axis = *normalized;
    int64_t offset = 0;
    for (unsigned k = 0; k < s->getNumResults(); ++k) {
      const HostArray *y = result(k);
      if (!y)
        return false;
      if (state.reached(s->getResult(k)) &&
          !move(s.getInput(), k,
                [&](ArrayRef<int64_t> at, Shape, ArrayRef<int64_t> strides) {
                  int64_t index = offset * strides[axis];
                  for (int64_t d = 0; d < rank; ++d)
                    index += at[d] * strides[d];
                  return index;
                }))
        return false;
      offset += y->shape[axis];
    }
    return true;
  }

  bool pad(qc::PadOp p) {
    ArrayRef<int64_t> pads = p.getPads();
    qc::PadMode mode = p.getMode();
    return move(p.getInput(), 0,
                [&](ArrayRef<int64_t> at, Shape in, ArrayRef<int64_t> strides) {
                  int64_t index = 0, rank = in.size();
                  for (int64_t d = 0; d < rank; ++d) {
                    int64_t i = at[d] - pads[d], extent = in[d];
                    if (i < 0 || i >= extent) {
                      if (mode == qc::PadMode::constant)
                        return int64_t(-1);
                      if (mode == qc::PadMode::edge)
                        i = std::clamp<int64_t>(i, 0, extent - 1);
                      else // reflect, without repeating the edge
                        i = i < 0 ? -i : 2 * (extent - 1) - i;
                    }
                    index += i * strides[d];
                  }
                  return index;
                });
  }

  /// The source coordinate of output index `x` along a resized axis, as
  /// the lowering computes it (f32 arithmetic).
  static float sourceCoordinate(int64_t x, float scale, int64_t in, int64_t out,
                                qc::CoordinateTransform mode) {
    float at = float(x);
    switch (mode) {
    case qc::CoordinateTransform::asymmetric:
      return at / scale;
    case qc::CoordinateTransform::align_corners:
      return out == 1 ? 0.0f : at * float(double(in - 1) / double(out - 1));
    case qc::CoordinateTransform::pytorch_half_pixel:
      if (out == 1)
        return 0.0f;
      [[fallthrough]];
    case qc::CoordinateTransform::half_pixel:
      return (at + 0.5f) / scale - 0.5f;
    }
    return at;
  }

  static float roundNearest(float x, qc::NearestRounding mode) {
    switch (mode) {
    case qc::NearestRounding::floor:
      return std::floor(x);
    case qc::NearestRounding::ceil:
      return std::ceil(x);
    case qc::NearestRounding::round_prefer_ceil:
      return std::floor(x + 0.5f);
    case qc::NearestRounding::round_prefer_floor:
      return std::ceil(x - 0.5f);
    }
    return x;
  }

  /// Nearest: relevance moves with the copied element. Linear: each corner
  /// shares by its weighted contribution. Cubic is shared as linear (its
  /// two nearest inputs): its outer taps' negative weights would make
  /// relevance negative.
  bool resize(qc::ResizeOp r) {
    const HostArray *x = state.values(r.getInput()), *y = result();
    if (!x || !y)
      return false;
    std::vector<double> *into = state.relevance(r.getInput());
    if (!into)
      return true;
    int64_t rank = x->shape.size();
    bool nearest = r.getMode() == qc::ResizeMode::nearest;
    // Per axis and output index: the low and high source index and the
    // high one's weight.
    struct Tap {
      int64_t low, high;
      float fraction;
    };
    std::vector<std::vector<Tap>> taps(rank);
    for (int64_t d = 0; d < rank; ++d) {
      int64_t in = x->shape[d], out = y->shape[d];
      for (int64_t i = 0; i < out; ++i) {
        if (in == out) {
          taps[d].push_back({i, i, 0.0f});
          continue;
        }
        float src = sourceCoordinate(i, r.getScales()[d], in, out,
                                     r.getCoordinateTransform());
        float last = float(in - 1);
        if (nearest) {
          float at =
              std::clamp(roundNearest(src, r.getNearestRounding()), 0.0f, last);
          taps[d].push_back({int64_t(at), int64_t(at), 0.0f});
          continue;
        }
        src = std::clamp(src, 0.0f, last);
        float low = std::floor(src), high = std::min(low + 1, last);
        taps[d].push_back({int64_t(low), int64_t(high), src - low});
      }
    }
    SmallVector<int64_t> inStrides = computeStrides(x->shape);
    const std::vector<double> &rOut = resultRelevance();
    double epsilon = state.epsilon * rootMeanSquare(ArrayRef(y->data));
    SmallVector<std::pair<int64_t, double>> corners;
    forEachElement(y->shape, [&](ArrayRef<int64_t> at, int64_t flat) {
      corners.assign(1, {0, 1.0});
      for (int64_t d = 0; d < rank; ++d) {
        const Tap &tap = taps[d][at[d]];
        size_t count = corners.size();
        for (size_t c = 0; c < count; ++c) {
          auto [index, weight] = corners[c];
          corners[c] = {index + tap.low * inStrides[d],
                        weight * (1 - tap.fraction)};
          if (tap.fraction != 0)
            corners.push_back(
                {index + tap.high * inStrides[d], weight * tap.fraction});
        }
      }
      if (nearest) {
        (*into)[corners.front().first] += rOut[flat];
        return;
      }
      double total = 0;
      for (auto [index, weight] : corners)
        total += weight * x->data[index];
      double per = rOut[flat] / stabilized(total, epsilon);
      for (auto [index, weight] : corners)
        (*into)[index] += weight * x->data[index] * per;
    });
    return true;
  }
};
} // namespace

bool quantc::propagateThrough(Operation *op, RelevanceState &state) {
  return Rules(op, state).apply();
}
