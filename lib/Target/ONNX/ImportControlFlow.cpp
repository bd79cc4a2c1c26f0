//===- ImportControlFlow.cpp - ONNX If
//-------------------------------------===//
//
// Part of quantc. quantc compiles one static graph, so an If whose
// condition is known at import (computed from constants, from static
// shapes, or from inputs fixed with --bind-input) is replaced by the
// branch it takes, imported inline. A condition known only at run time is
// refused, naming the inputs it depends on.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

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

void quantc::onnx_import::registerControlFlowHandlers(
    llvm::StringMap<NodeHandler> &handlers) {
  handlers["If"] = importIf;
}
