//===- Relevance.cpp - layer-wise relevance propagation -------------------===//
//
// Part of quantc. The float model runs in the JIT with every intermediate
// tensor appended to @main's results; then, per sample, a backward walk
// over @main's ops applies each op's rule (RelevanceRules.cpp) and the
// relevance on every quantizable layer's output is summed.
//
//===----------------------------------------------------------------------===//

#include "quantc/MixedPrecision/Relevance.h"

#include "RelevanceRules.h"

#include "quantc/Dialect/QC/IR/QCOps.h"
#include "quantc/Dialect/QC/IR/QCShapeInference.h"
#include "quantc/Driver/JitModel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/MapVector.h"

#include <cmath>

using namespace mlir;
using namespace quantc;

static llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// The values of `main` the run returns besides its results: every float
/// tensor a non-constant op makes, in program order.
static std::vector<Value> tappedValues(func::FuncOp main) {
  std::vector<Value> values;
  for (Operation &op : main.getBody().front()) {
    if (op.hasTrait<OpTrait::ConstantLike>() || isa<func::ReturnOp>(op))
      continue;
    for (Value result : op.getResults()) {
      auto type = dyn_cast<RankedTensorType>(result.getType());
      if (type && type.getElementType().isF32())
        values.push_back(result);
    }
  }
  return values;
}

/// Appends `values` to `main`'s results.
static void returnAlso(func::FuncOp main, ArrayRef<Value> values) {
  auto ret = cast<func::ReturnOp>(main.getBody().front().getTerminator());
  SmallVector<Value> operands(ret.getOperands());
  operands.append(values.begin(), values.end());
  OpBuilder builder(ret);
  func::ReturnOp::create(builder, ret.getLoc(), operands);
  ret.erase();
  main.setType(FunctionType::get(main.getContext(), main.getArgumentTypes(),
                                 ValueRange(operands).getTypes()));
}

/// An output's starting relevance: a softmax's winning logit per row along
/// its axis (the decision it explains), otherwise the output's values.
static std::vector<double> startingRelevance(Value output,
                                             RelevanceState &state) {
  const HostArray &y = state.captured.find(output)->second;
  auto softmax = output.getDefiningOp<qc::SoftmaxOp>();
  const HostArray *logits =
      softmax ? state.values(softmax.getInput()) : nullptr;
  if (!logits)
    return std::vector<double>(y.data.begin(), y.data.end());
  int64_t rank = y.shape.size();
  // I64Attr accessors return uint64_t; the verifier checked the axis.
  int64_t axis = *qc::normalizeAxis(int64_t(softmax.getAxis()), rank);
  int64_t extent = y.shape[axis], inner = 1;
  for (int64_t d = axis + 1; d < rank; ++d)
    inner *= y.shape[d];
  std::vector<double> start(y.data.size(), 0.0);
  int64_t rows = int64_t(y.data.size()) / extent;
  for (int64_t row = 0; row < rows; ++row) {
    int64_t base = (row / inner) * extent * inner + row % inner;
    int64_t best = base;
    for (int64_t i = 1; i < extent; ++i)
      if (logits->data[base + i * inner] > logits->data[best])
        best = base + i * inner;
    start[best] = logits->data[best];
  }
  return start;
}

llvm::Expected<LayerRelevance>
quantc::propagateRelevance(ModuleOp module, ArrayRef<HostArray> inputs,
                           const RelevanceOptions &options) {
  OwningOpRef<ModuleOp> plain = module.clone();
  auto main = plain->lookupSymbol<func::FuncOp>("main");
  if (!main || main.getBody().getBlocks().size() != 1)
    return error("lrp: the model has no single-block @main");
  if (inputs.empty())
    return error("lrp: no samples");
  // Probes are identities; without them every tensor is an op's own.
  SmallVector<qc::ObserveOp> probes;
  main.walk([&](qc::ObserveOp probe) { probes.push_back(probe); });
  for (qc::ObserveOp probe : probes) {
    probe.getResult().replaceAllUsesWith(probe.getInput());
    probe.erase();
  }
  std::vector<Value> tapped = tappedValues(main);
  // Values made from constants alone are weights, not activations.
  llvm::DenseSet<Value> fixed;
  for (Operation &op : main.getBody().front())
    if (op.getNumOperands() > 0 && llvm::all_of(op.getOperands(), [&](Value v) {
          return fixed.contains(v) || v.getDefiningOp<qc::ConstantOp>() ||
                 (v.getDefiningOp() &&
                  v.getDefiningOp()->hasTrait<OpTrait::ConstantLike>());
        }))
      fixed.insert(op.getResults().begin(), op.getResults().end());
  OwningOpRef<ModuleOp> tapping = plain->clone();
  auto tappingMain = tapping->lookupSymbol<func::FuncOp>("main");
  returnAlso(tappingMain, tappedValues(tappingMain));
  llvm::Expected<std::unique_ptr<JitModel>> model =
      JitModel::compile(tapping.release());
  if (!model)
    return model.takeError();

  auto ret = cast<func::ReturnOp>(main.getBody().front().getTerminator());
  size_t outputs = ret.getNumOperands();
  // Layers by name, in program order.
  llvm::MapVector<Value, std::string> layers;
  main.walk([&](qc::QuantizableOpInterface layer) {
    if (!layer.getLayerName().empty())
      layers.insert({layer->getResult(0), layer.getLayerName().str()});
  });

  LayerRelevance result;
  ProgressCounter samplesDone(options.progress, "mixed precision: relevance",
                              inputs.size());
  for (const HostArray &input : inputs) {
    llvm::Expected<std::vector<HostArray>> run = (*model)->run({input});
    if (!run)
      return run.takeError();
    if (run->size() != outputs + tapped.size())
      return error("lrp: the run returned " + llvm::Twine(run->size()) +
                   " tensors; expected " +
                   llvm::Twine(outputs + tapped.size()));
    RelevanceState state;
    state.fixed = fixed;
    state.epsilon = options.epsilon;
    state.captured.try_emplace(main.getArgument(0), input);
    for (auto [k, value] : llvm::enumerate(tapped))
      state.captured.try_emplace(value, std::move((*run)[outputs + k]));

    double absolute = 0, signedTotal = 0;
    for (Value output : ret.getOperands()) {
      std::vector<double> *into = state.relevance(output);
      if (!into)
        return error("lrp: an output of @main is not a computed float tensor");
      std::vector<double> start = startingRelevance(output, state);
      for (size_t i = 0; i < start.size(); ++i) {
        (*into)[i] += start[i];
        absolute += std::fabs(start[i]);
        signedTotal += start[i];
      }
    }
    if (absolute == 0)
      return error("lrp: the outputs carry no relevance (all zero)");

    llvm::MapVector<StringRef, size_t> missing;
    for (Operation &op : llvm::reverse(main.getBody().front())) {
      if (isa<func::ReturnOp>(op) || op.hasTrait<OpTrait::ConstantLike>())
        continue;
      bool reached = llvm::any_of(op.getResults(), [&](Value v) {
        return state.reached(v) != nullptr;
      });
      if (reached && !propagateThrough(&op, state))
        ++missing[op.getName().getStringRef()];
    }
    if (!missing.empty()) {
      std::string list;
      for (auto [name, count] : missing)
        list += (list.empty() ? "" : ", ") + name.str() + " (" +
                std::to_string(count) + ")";
      return error("lrp: no relevance rule for " + list);
    }

    double share = 1.0 / double(inputs.size());
    for (auto &[value, name] : layers) {
      const std::vector<double> *r = state.reached(value);
      double sumAbs = 0, sum = 0;
      if (r)
        for (double v : *r) {
          sumAbs += std::fabs(v);
          sum += v;
        }
      result.mass[name] += share * sumAbs / absolute;
      result.signedShare[name] +=
          share * (signedTotal != 0 ? sum / signedTotal : 0);
    }
    samplesDone.step();
    if (const std::vector<double> *r = state.reached(main.getArgument(0))) {
      result.inputRelevance.resize(r->size(), 0.0);
      for (auto [i, v] : llvm::enumerate(*r)) {
        result.inputShare += share * (signedTotal != 0 ? v / signedTotal : 0);
        result.inputRelevance[i] += v;
      }
    }
  }
  return result;
}
