//===- LegacyOpsets.cpp - nodes of opsets 1 to 6 in their opset-7 form ----===//
//
// Part of quantc. ONNX's own version converter lives in libonnx, whose
// protobuf classes would clash with the ones quantc compiles from
// onnx.proto (both register onnx.proto's descriptors) and whose adapters
// throw C++ exceptions. Opset 7 is where numpy broadcasting replaced the
// `broadcast` / `axis` attributes; the few other forms that changed before
// it are attribute renames and defaults. This adapter rewrites a node of an
// older opset into the form the opset-7 handlers read.
//
//===----------------------------------------------------------------------===//

#include "LegacyOpsets.h"

#include "quantc/Dialect/QC/IR/QCOps.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

/// Operators whose opset-1 form broadcast with `broadcast` and `axis`.
static bool hasLegacyBroadcast(StringRef opType) {
  return llvm::is_contained({"Add", "Sub", "Mul", "Div", "Pow", "And", "Or",
                             "Xor", "Equal", "Greater", "Less", "Gemm"},
                            opType);
}

static const onnx::AttributeProto *findAttribute(const onnx::NodeProto &node,
                                                 StringRef name) {
  for (const auto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

static void removeAttribute(onnx::NodeProto &node, StringRef name) {
  auto *attrs = node.mutable_attribute();
  for (int i = 0; i < attrs->size(); ++i)
    if (attrs->Get(i).name() == name) {
      attrs->DeleteSubrange(i, 1);
      return;
    }
}

/// Points the node's input 1 at a reshape of it to `shape`, defined in
/// `graph` under a name derived from `tag`.
static void reshapeInputOne(GraphImporter &graph, onnx::NodeProto &node,
                            ImportedValue *input, ArrayRef<int64_t> shape,
                            const std::string &tag, Location loc) {
  auto type = cast<RankedTensorType>(input->value.getType());
  Value reshaped = qc::ReshapeOp::create(
      graph.builder(), loc, RankedTensorType::get(shape, type.getElementType()),
      input->value);
  std::string name = node.input(1) + tag;
  graph.define(name, {reshaped, std::nullopt, input->onnxType});
  node.set_input(1, name);
}

/// Legacy broadcasting aligned B's dimensions with A's starting at `axis`;
/// numpy aligns them at the end. Appends the missing trailing 1s to B (a
/// reshape) and points the node at it.
static LogicalResult alignLegacyBroadcast(GraphImporter &graph,
                                          onnx::NodeProto &node, int64_t axis,
                                          Location loc) {
  ImportedValue *a = graph.lookup(node.input(0));
  ImportedValue *b = graph.lookup(node.input(1));
  auto type = [](ImportedValue *v) -> RankedTensorType {
    return v && v->value ? dyn_cast<RankedTensorType>(v->value.getType())
                         : RankedTensorType();
  };
  RankedTensorType aType = type(a), bType = type(b);
  if (!aType || !bType)
    return success(); // a host value: its shape is already numpy-aligned
  int64_t trailing = aType.getRank() - axis - bType.getRank();
  if (axis < 0 || trailing < 0)
    return emitError(loc) << node.op_type() << " node '" << node.name()
                          << "': legacy broadcast axis " << axis
                          << " does not fit shapes "
                          << qc::formatShape(aType.getShape()) << " and "
                          << qc::formatShape(bType.getShape());
  if (trailing == 0)
    return success();
  SmallVector<int64_t> shape(bType.getShape());
  shape.append(trailing, 1);
  reshapeInputOne(graph, node, b, shape,
                  "#aligned@" + std::to_string(axis) + "/" +
                      std::to_string(aType.getRank()),
                  loc);
  return success();
}

/// PRelu's slope of one value per channel (size C, the input's dimension
/// 1) applied along the channels before opset 7; numpy broadcasting would
/// align it with the last dimension. Reshapes it to C x 1 x ... x 1.
static LogicalResult alignChannelSlope(GraphImporter &graph,
                                       onnx::NodeProto &node, Location loc) {
  ImportedValue *x = graph.lookup(node.input(0));
  ImportedValue *slope = graph.lookup(node.input(1));
  if (!x || !x->value || !slope || !slope->value)
    return success();
  auto xType = dyn_cast<RankedTensorType>(x->value.getType());
  auto slopeType = dyn_cast<RankedTensorType>(slope->value.getType());
  if (!xType || !slopeType || xType.getRank() < 3 || slopeType.getRank() != 1 ||
      slopeType.getDimSize(0) == 1 ||
      slopeType.getDimSize(0) != xType.getDimSize(1))
    return success();
  SmallVector<int64_t> shape = {slopeType.getDimSize(0)};
  shape.append(xType.getRank() - 2, 1);
  reshapeInputOne(graph, node, slope, shape,
                  "#per-channel/" + std::to_string(xType.getRank()), loc);
  return success();
}

/// Cast's `to` was a type name (a string) before opset 6.
static std::optional<int64_t> legacyDataType(StringRef name) {
  return llvm::StringSwitch<std::optional<int64_t>>(name)
      .Case("FLOAT", kFloat)
      .Case("UINT8", kUint8)
      .Case("INT8", kInt8)
      .Case("UINT16", kUint16)
      .Case("INT16", kInt16)
      .Case("INT32", kInt32)
      .Case("INT64", kInt64)
      .Case("BOOL", kBool)
      .Case("FLOAT16", kFloat16)
      .Case("DOUBLE", kDouble)
      .Case("UINT32", kUint32)
      .Case("UINT64", kUint64)
      .Default(std::nullopt);
}

LogicalResult quantc::onnx_import::upgradeLegacyNode(
    GraphImporter &graph, const onnx::NodeProto &node, int64_t opset,
    Location loc, onnx::NodeProto &upgraded) {
  upgraded = node;
  StringRef opType = node.op_type();
  auto fail = [&]() {
    return emitError(loc) << opType << " node '" << node.name() << "' (opset "
                          << opset << "): ";
  };
  // Bookkeeping attributes of opsets 1 to 6 with no effect at inference.
  removeAttribute(upgraded, "consumed_inputs");
  removeAttribute(upgraded, "is_test");

  if (hasLegacyBroadcast(opType)) {
    const onnx::AttributeProto *broadcast = findAttribute(node, "broadcast");
    const onnx::AttributeProto *axis = findAttribute(node, "axis");
    removeAttribute(upgraded, "broadcast");
    removeAttribute(upgraded, "axis");
    // Without `broadcast` the shapes had to be equal; with it and no axis
    // B matched A's trailing dimensions: both are numpy broadcasting.
    if (broadcast && broadcast->i() != 0 && axis && opType != "Gemm" &&
        upgraded.input_size() == 2)
      return alignLegacyBroadcast(graph, upgraded, axis->i(), loc);
    return success();
  }
  if (opType == "PRelu" && upgraded.input_size() == 2)
    return alignChannelSlope(graph, upgraded, loc);
  if (opType == "Concat" && !findAttribute(node, "axis")) {
    // Before opset 4 the axis was optional and defaulted to 1.
    onnx::AttributeProto *axis = upgraded.add_attribute();
    axis->set_name("axis");
    axis->set_type(onnx::AttributeProto::INT);
    axis->set_i(1);
    return success();
  }
  if (opType == "Pad") {
    // Opset 1 named the pads `paddings`.
    for (auto &attr : *upgraded.mutable_attribute())
      if (attr.name() == "paddings")
        attr.set_name("pads");
    return success();
  }
  if (opType == "Cast") {
    const onnx::AttributeProto *to = findAttribute(node, "to");
    if (to && to->type() == onnx::AttributeProto::STRING) {
      std::optional<int64_t> type = legacyDataType(to->s());
      if (!type)
        return fail() << "unknown type name '" << to->s() << "'";
      removeAttribute(upgraded, "to");
      onnx::AttributeProto *attr = upgraded.add_attribute();
      attr->set_name("to");
      attr->set_type(onnx::AttributeProto::INT);
      attr->set_i(*type);
    }
    return success();
  }
  if (opType == "Reshape" && opset < 5) {
    // The target shape was the `shape` attribute; it becomes a known input.
    const onnx::AttributeProto *shape = findAttribute(node, "shape");
    if (!shape)
      return fail() << "attribute 'shape' is required";
    HostTensor target;
    target.shape = {shape->ints_size()};
    target.ints.assign(shape->ints().begin(), shape->ints().end());
    std::string name = node.output_size() ? node.output(0) + "#shape" : "";
    if (name.empty())
      return fail() << "has no output";
    graph.define(name, {Value(), std::move(target), kInt64});
    removeAttribute(upgraded, "shape");
    if (upgraded.input_size() < 2)
      upgraded.add_input(name);
    else
      upgraded.set_input(1, name);
    return success();
  }
  return success();
}
