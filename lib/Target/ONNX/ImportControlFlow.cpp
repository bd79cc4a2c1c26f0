//===- ImportControlFlow.cpp - ONNX If and Loop ---------------------------===//
//
// Part of quantc. quantc compiles one static graph, so an If whose
// condition is known at import (computed from constants, from static
// shapes, or from inputs fixed with --bind-input) is replaced by the
// branch it takes, imported inline, and a Loop whose trip count and
// condition are known at import is unrolled: its body imported once per
// iteration. A condition or trip count known only at run time is refused,
// naming the inputs it depends on.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "QCBuilder.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

static LogicalResult importIf(NodeContext &ctx) {
  const HostTensor *condition = ctx.hostInput(0);
  if (!condition)
    return ctx.notConstantError(
        0, "the condition",
        "known at import (quantc compiles the branch it selects)");
  if (condition->size() != 1 || !condition->fullyKnown())
    return ctx.error() << "the condition must hold exactly one value";
  bool taken = condition->asDouble(0) != 0;
  StringRef branchName = taken ? "then_branch" : "else_branch";
  const onnx::AttributeProto *branch = ctx.attribute(branchName);
  if (!branch || !branch->has_g())
    return ctx.error() << "the " << branchName << " graph is missing";
  const onnx::GraphProto &graph = branch->g();
  if (graph.output_size() != ctx.node().output_size())
    return ctx.error() << "the " << branchName << " has " << graph.output_size()
                       << " outputs, the node " << ctx.node().output_size();
  if (failed(ctx.graph().importSubgraph(graph)))
    return failure();
  for (int i = 0; i < graph.output_size(); ++i) {
    ImportedValue *result = ctx.graph().lookup(graph.output(i).name());
    if (!result || (!result->value && !result->host))
      return ctx.error() << "the " << branchName << "'s output '"
                         << graph.output(i).name() << "' is not produced";
    ctx.setOutput(i, result->value, result->host, result->onnxType);
  }
  return success();
}

/// The most iterations a Loop is unrolled to.
constexpr int64_t kMaxLoopIterations = 4096;

static HostTensor hostScalar(int32_t dataType, int64_t value) {
  HostTensor host;
  host.dataType = dataType;
  host.ints = {value};
  return host;
}

/// Loop(M, cond, v_initial...) with body(iteration, cond, v...) ->
/// (cond, v..., scan...): the final loop-carried values, then each scan
/// output stacked over the iterations along a new first axis.
static LogicalResult importLoop(NodeContext &ctx) {
  std::optional<int64_t> tripCount;
  if (ctx.hasInput(0)) {
    const HostTensor *m = ctx.hostInput(0);
    if (!m)
      return ctx.notConstantError(0, "the trip count",
                                  "known at import (quantc unrolls the loop)");
    if (m->size() != 1 || !m->fullyKnown() || m->isFloat())
      return ctx.error() << "the trip count must hold exactly one integer";
    tripCount = m->ints[0];
  }
  bool hasCondition = ctx.hasInput(1);
  bool condition = true;
  if (hasCondition) {
    const HostTensor *c = ctx.hostInput(1);
    if (!c)
      return ctx.notConstantError(1, "the condition",
                                  "known at import (quantc unrolls the loop)");
    if (c->size() != 1 || !c->fullyKnown())
      return ctx.error() << "the condition must hold exactly one value";
    condition = c->asDouble(0) != 0;
  }
  const onnx::AttributeProto *bodyAttr = ctx.attribute("body");
  if (!bodyAttr || !bodyAttr->has_g())
    return ctx.error() << "the body graph is missing";
  const onnx::GraphProto &body = bodyAttr->g();
  int carried = ctx.numInputs() - 2;
  int scans = body.output_size() - 1 - carried;
  if (carried < 0 || body.input_size() != carried + 2 || scans < 0 ||
      ctx.node().output_size() != carried + scans)
    return ctx.error() << "the body takes " << body.input_size()
                       << " inputs and gives " << body.output_size()
                       << " outputs; with " << std::max(carried, 0)
                       << " loop-carried values it must take "
                       << std::max(carried, 0) + 2
                       << " and give 1 + those + the scan outputs ("
                       << ctx.node().output_size() << " node outputs)";

  GraphImporter &graph = ctx.graph();
  std::vector<ImportedValue> state;
  for (int j = 0; j < carried; ++j) {
    ImportedValue *initial =
        ctx.hasInput(2 + j) ? graph.lookup(ctx.node().input(2 + j)) : nullptr;
    if (!initial)
      return ctx.error() << "loop-carried input " << 2 + j << " is missing";
    state.push_back(*initial);
  }
  std::vector<SmallVector<Value>> scanned(scans);
  int64_t iteration = 0;
  for (; (!tripCount || iteration < *tripCount) && condition; ++iteration) {
    if (iteration == kMaxLoopIterations)
      return ctx.error() << "the loop runs more than " << kMaxLoopIterations
                         << " iterations, the most quantc unrolls";
    llvm::StringSet<> outer = graph.definedNames();
    graph.define(body.input(0).name(),
                 {Value(), hostScalar(kInt64, iteration), kInt64});
    graph.define(body.input(1).name(), {Value(), hostScalar(kBool, 1), kBool});
    for (int j = 0; j < carried; ++j)
      graph.define(body.input(2 + j).name(), state[j]);
    if (failed(graph.importSubgraph(body)))
      return failure();
    std::vector<ImportedValue> outputs;
    for (const auto &output : body.output()) {
      ImportedValue *result = graph.lookup(output.name());
      if (!result || (!result->value && !result->host))
        return ctx.error() << "the body's output '" << output.name()
                           << "' is not produced";
      outputs.push_back(*result);
    }
    graph.forgetNamesSince(outer);
    if (hasCondition) {
      const ImportedValue &next = outputs[0];
      if (!next.host || next.host->size() != 1 || !next.host->fullyKnown()) {
        InFlightDiagnostic diag =
            ctx.error() << "the condition the body computes must be known at "
                           "import (quantc unrolls the loop)";
        if (next.value)
          ctx.appendBindHint(diag, next.value);
        return diag;
      }
      condition = next.host->asDouble(0) != 0;
    }
    for (int j = 0; j < carried; ++j)
      state[j] = outputs[1 + j];
    for (int k = 0; k < scans; ++k) {
      const ImportedValue &out = outputs[1 + carried + k];
      Value value = out.value;
      if (!value) {
        auto materialized = materializeHost(ctx, *out.host);
        if (failed(materialized))
          return failure();
        value = *materialized;
      }
      scanned[k].push_back(value);
    }
  }

  for (int j = 0; j < carried; ++j)
    ctx.setOutput(j, state[j].value, state[j].host, state[j].onnxType);
  QCBuilder q(ctx.builder(), ctx.loc());
  for (int k = 0; k < scans; ++k) {
    if (scanned[k].empty())
      return ctx.error() << "scan output " << k
                         << " of a loop that runs no iteration has no shape";
    SmallVector<Value> rows;
    for (Value value : scanned[k]) {
      auto type = cast<RankedTensorType>(value.getType());
      if (!type.hasStaticShape() ||
          type != cast<RankedTensorType>(scanned[k][0].getType()))
        return ctx.error() << "scan output " << k
                           << " must have one static shape in every iteration";
      Shape row = {1};
      llvm::append_range(row, type.getShape());
      rows.push_back(q.reshape(value, row));
    }
    ctx.setOutput(carried + k, q.concat(rows, 0));
  }
  return success();
}

void quantc::onnx_import::registerControlFlowHandlers(
    llvm::StringMap<NodeHandler> &handlers) {
  handlers["If"] = importIf;
  handlers["Loop"] = importLoop;
}
