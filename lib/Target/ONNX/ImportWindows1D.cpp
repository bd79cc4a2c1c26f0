//===- ImportWindows1D.cpp - 1-D windows as 2-D ones of height 1 ----------===//
//
// Part of quantc. A 1-D Conv, ConvTranspose or pool (rank-3 input
// N x C x L, audio front ends and sequence models) is the 2-D one on
// N x C x 1 x L with a kernel of height 1: the node is rewritten that way,
// imported by the 2-D handler, and its result reshaped back. The layer
// stays a qc.conv2d, so it calibrates and quantizes like any other.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "quantc/Dialect/QC/IR/QCOps.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

/// `shape` with a unit dimension inserted before its last one.
static Shape withUnitHeight(ArrayRef<int64_t> shape) {
  Shape result(shape.begin(), shape.end() - 1);
  result.push_back(1);
  result.push_back(shape.back());
  return result;
}

/// Rewrites a 1-D window attribute for height 1: strides, dilations and
/// kernel gain a leading 1, output_padding a leading 0, pads [b, e] become
/// [0, b, 0, e].
static void widenAttribute(onnx::AttributeProto &attr) {
  if (attr.type() != onnx::AttributeProto::INTS || attr.ints_size() == 0)
    return;
  std::vector<int64_t> values(attr.ints().begin(), attr.ints().end());
  StringRef name = attr.name();
  if (name == "pads" && values.size() == 2)
    values = {0, values[0], 0, values[1]};
  else if ((name == "kernel_shape" || name == "strides" ||
            name == "dilations" || name == "output_shape") &&
           values.size() == 1)
    values.insert(values.begin(), 1);
  else if (name == "output_padding" && values.size() == 1)
    values.insert(values.begin(), 0);
  else
    return;
  attr.clear_ints();
  for (int64_t v : values)
    attr.add_ints(v);
}

LogicalResult quantc::onnx_import::importWindow(NodeContext &ctx,
                                                NodeHandler handler,
                                                int windowedInputs,
                                                NodeHandler handler3D) {
  auto input = ctx.tensorInput(0);
  if (failed(input))
    return failure();
  if (input->getType().getRank() == 5)
    return handler3D(ctx);
  if (input->getType().getRank() != 3)
    return handler(ctx);

  GraphImporter &graph = ctx.graph();
  OpBuilder &b = ctx.builder();
  onnx::NodeProto node2d = ctx.node();
  for (auto &attr : *node2d.mutable_attribute())
    widenAttribute(attr);
  // The data input and a rank-3 weight gain the unit height.
  for (int i = 0; i < windowedInputs && i < ctx.numInputs(); ++i) {
    if (!ctx.hasInput(i))
      continue;
    auto value = ctx.tensorInput(i);
    if (failed(value))
      return failure();
    RankedTensorType type = value->getType();
    if (type.getRank() != 3)
      return ctx.error() << "input " << i << " must have rank 3 in a 1-D "
                         << ctx.node().op_type() << ", got rank "
                         << type.getRank();
    auto wide = RankedTensorType::get(withUnitHeight(type.getShape()),
                                      type.getElementType());
    std::string name = ctx.node().input(i) + "#2d";
    graph.define(name, {qc::ReshapeOp::create(b, ctx.loc(), wide, *value),
                        std::nullopt, ctx.inputDataType(i)});
    node2d.set_input(i, name);
  }
  for (int i = 1; i < node2d.output_size(); ++i)
    if (!node2d.output(i).empty())
      return ctx.error() << "output " << i
                         << " is not supported for 1-D windows";
  std::string output = ctx.node().output(0);
  node2d.set_output(0, output + "#2d");

  NodeContext ctx2d(graph, node2d, ctx.opset(), ctx.loc());
  if (failed(handler(ctx2d)))
    return failure();
  ImportedValue *result = graph.lookup(node2d.output(0));
  auto type = cast<RankedTensorType>(result->value.getType());
  // N x C x 1 x L' back to N x C x L'.
  Shape narrow = {type.getDimSize(0), type.getDimSize(1), type.getDimSize(3)};
  ctx.setOutput(0, qc::ReshapeOp::create(
                       b, ctx.loc(),
                       RankedTensorType::get(narrow, type.getElementType()),
                       result->value));
  return success();
}
