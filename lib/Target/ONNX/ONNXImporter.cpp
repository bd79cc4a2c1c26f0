//===- ONNXImporter.cpp - ONNX model import into qc -----------------------===//
//
// Part of quantc. Parses the ModelProto, validates the graph as a whole
// (names, topological order, cycles, operator support) before building
// anything, then imports node by node through the handlers of Import*.cpp.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "LegacyOpsets.h"

#include "quantc/Dialect/QC/IR/QCOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <functional>
#include <queue>
#include <set>

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

/// Constants up to this many elements are also kept on the host, so that
/// shape arithmetic, scales and clip bounds can be read at import.
static constexpr int64_t kMaxHostElements = 1 << 16;

//===----------------------------------------------------------------------===//
// NodeContext
//===----------------------------------------------------------------------===//

NodeContext::NodeContext(GraphImporter &importer, const onnx::NodeProto &node,
                         int64_t opset, Location loc)
    : importer(importer), nodeProto(node), opsetVersion(opset),
      location(loc) {}

OpBuilder &NodeContext::builder() { return importer.builder(); }
MLIRContext *NodeContext::context() { return importer.context(); }

InFlightDiagnostic NodeContext::error() {
  return emitError(location) << nodeProto.op_type() << " node '"
                             << nodeProto.name() << "': ";
}

FailureOr<Value> NodeContext::input(int i) {
  if (!hasInput(i))
    return error() << "required input " << i << " is missing";
  ImportedValue *imported = importer.lookup(nodeProto.input(i));
  if (!imported)
    return error() << "input '" << nodeProto.input(i) << "' is not defined";
  if (imported->value)
    return imported->value;
  if (imported->host && imported->host->fullyKnown()) {
    FailureOr<Value> value = materializeHost(*this, *imported->host);
    if (succeeded(value))
      imported->value = *value;
    return value;
  }
  return error() << "input '" << nodeProto.input(i)
                 << "' is computed from dynamic dimensions; give the model's "
                    "inputs static shapes (--input-shape)";
}

FailureOr<TypedValue<RankedTensorType>> NodeContext::tensorInput(int i) {
  FailureOr<Value> value = input(i);
  if (failed(value))
    return failure();
  return cast<TypedValue<RankedTensorType>>(*value);
}

FailureOr<TypedValue<RankedTensorType>> NodeContext::floatInput(int i) {
  auto value = tensorInput(i);
  if (failed(value))
    return failure();
  if (!isa<FloatType>(value->getType().getElementType()))
    return error() << "expects a floating-point input " << i << ", got "
                   << value->getType().getElementType();
  return value;
}

const HostTensor *NodeContext::hostInput(int i) {
  if (!hasInput(i))
    return nullptr;
  ImportedValue *imported = importer.lookup(nodeProto.input(i));
  return imported && imported->host ? &*imported->host : nullptr;
}

InFlightDiagnostic NodeContext::notConstantError(int i, StringRef what,
                                                 StringRef kind) {
  InFlightDiagnostic diag = error()
                            << what << " (input " << i << ") must be " << kind;
  ImportedValue *imported =
      hasInput(i) ? importer.lookup(nodeProto.input(i)) : nullptr;
  if (imported && imported->value)
    appendBindHint(diag, imported->value);
  return diag;
}

void NodeContext::appendBindHint(InFlightDiagnostic &diag, Value value) {
  SmallVector<std::string> inputs = importer.graphInputsFeeding(value);
  if (inputs.empty())
    return;
  diag << "; it depends on the graph input" << (inputs.size() > 1 ? "s " : " ");
  llvm::interleaveComma(inputs, diag, [&](const std::string &name) {
    diag << "'" << name << "'";
  });
  diag << ": fix " << (inputs.size() > 1 ? "them" : "it")
       << " when compiling with";
  for (const std::string &name : inputs)
    diag << " --bind-input " << name << "=VALUES|FILE";
}

FailureOr<std::vector<int64_t>> NodeContext::constantInts(int i,
                                                          StringRef what) {
  const HostTensor *host = hostInput(i);
  if (!host || host->isFloat())
    return notConstantError(i, what, "an integer constant");
  if (!host->fullyKnown())
    return error() << what << " (input " << i
                   << ") depends on dynamic dimensions; give the model's "
                      "inputs static shapes (--input-shape)";
  return host->ints;
}

FailureOr<std::vector<double>> NodeContext::constantFloats(int i,
                                                           StringRef what) {
  const HostTensor *host = hostInput(i);
  if (!host || !host->isFloat())
    return notConstantError(i, what, "a floating-point constant");
  return host->floats;
}

const onnx::AttributeProto *NodeContext::attribute(StringRef name) const {
  for (const auto &attr : nodeProto.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

/// Checks an attribute's declared type (when declared) against `expected`.
static bool hasType(const onnx::AttributeProto &attr,
                    onnx::AttributeProto::AttributeType expected) {
  return !attr.has_type() || attr.type() == expected;
}

FailureOr<int64_t> NodeContext::attrInt(StringRef name, int64_t dflt) {
  const onnx::AttributeProto *attr = attribute(name);
  if (!attr)
    return dflt;
  if (!hasType(*attr, onnx::AttributeProto::INT))
    return error() << "attribute '" << name << "' must be an integer";
  return attr->i();
}

FailureOr<float> NodeContext::attrFloat(StringRef name, float dflt) {
  const onnx::AttributeProto *attr = attribute(name);
  if (!attr)
    return dflt;
  if (!hasType(*attr, onnx::AttributeProto::FLOAT))
    return error() << "attribute '" << name << "' must be a float";
  return attr->f();
}

FailureOr<std::string> NodeContext::attrString(StringRef name,
                                               StringRef dflt) {
  const onnx::AttributeProto *attr = attribute(name);
  if (!attr)
    return dflt.str();
  if (!hasType(*attr, onnx::AttributeProto::STRING))
    return error() << "attribute '" << name << "' must be a string";
  return attr->s();
}

FailureOr<std::optional<std::vector<int64_t>>>
NodeContext::attrInts(StringRef name) {
  const onnx::AttributeProto *attr = attribute(name);
  if (!attr)
    return std::optional<std::vector<int64_t>>();
  if (!hasType(*attr, onnx::AttributeProto::INTS))
    return error() << "attribute '" << name << "' must be a list of integers";
  return std::optional<std::vector<int64_t>>(
      std::vector<int64_t>(attr->ints().begin(), attr->ints().end()));
}

FailureOr<std::vector<float>> NodeContext::attrFloats(StringRef name) {
  const onnx::AttributeProto *attr = attribute(name);
  if (!attr)
    return std::vector<float>();
  if (!hasType(*attr, onnx::AttributeProto::FLOATS))
    return error() << "attribute '" << name << "' must be a list of floats";
  return std::vector<float>(attr->floats().begin(), attr->floats().end());
}

void NodeContext::setOutput(int i, Value value,
                            std::optional<HostTensor> host,
                            int32_t onnxType) {
  if (i < nodeProto.output_size() && !nodeProto.output(i).empty())
    importer.define(nodeProto.output(i), {value, std::move(host), onnxType});
}

int32_t NodeContext::inputDataType(int i) {
  ImportedValue *imported =
      hasInput(i) ? importer.lookup(nodeProto.input(i)) : nullptr;
  if (!imported)
    return 0;
  if (imported->onnxType)
    return imported->onnxType;
  if (imported->host)
    return imported->host->dataType;
  if (!imported->value)
    return 0;
  Type element = cast<RankedTensorType>(imported->value.getType())
                     .getElementType();
  if (element.isF32()) return kFloat;
  if (element.isF16()) return kFloat16;
  if (element.isBF16()) return kBFloat16;
  if (element.isF64()) return kDouble;
  if (element.isInteger(8)) return kInt8;
  if (element.isInteger(4)) return kInt4;
  if (element.isInteger(16)) return kInt16;
  if (element.isInteger(32)) return kInt32;
  if (element.isInteger(64)) return kInt64;
  return 0;
}

void NodeContext::setHostOutput(int i, HostTensor host) {
  setOutput(i, Value(), std::move(host));
}

LogicalResult NodeContext::requireRank(Value value, int64_t rank,
                                       StringRef what) {
  int64_t actual = cast<RankedTensorType>(value.getType()).getRank();
  if (actual == rank)
    return success();
  return error() << what << " must have rank " << rank << ", got rank "
                 << actual;
}

LogicalResult NodeContext::requireSameElementType(Value a, Value b) {
  Type ta = cast<RankedTensorType>(a.getType()).getElementType();
  Type tb = cast<RankedTensorType>(b.getType()).getElementType();
  if (ta == tb)
    return success();
  return error() << "inputs have different element types " << ta << " and "
                 << tb;
}

FailureOr<Value> quantc::onnx_import::materializeHost(NodeContext &ctx,
                                                      const HostTensor &host) {
  if (!host.fullyKnown())
    return ctx.error() << "a shape value with dynamic entries cannot be "
                          "materialized";
  Type element = elementTypeFor(*ctx.context(), host.dataType);
  if (!element)
    return ctx.error() << "cannot materialize a constant of type "
                       << dataTypeName(host.dataType);
  auto type = RankedTensorType::get(host.shape, element);
  DenseElementsAttr attr;
  if (auto floatType = dyn_cast<FloatType>(element)) {
    SmallVector<APFloat> values;
    for (double v : host.floats) {
      APFloat value(v);
      bool lost;
      value.convert(floatType.getFloatSemantics(),
                    APFloat::rmNearestTiesToEven, &lost);
      values.push_back(value);
    }
    attr = DenseElementsAttr::get(type, values);
  } else {
    unsigned width = element.getIntOrFloatBitWidth();
    SmallVector<APInt> values;
    for (int64_t v : host.ints)
      values.push_back(APInt(width, v, /*isSigned=*/true, /*implicitTrunc=*/true));
    attr = DenseElementsAttr::get(type, values);
  }
  return qc::ConstantOp::create(ctx.builder(), ctx.loc(), type, attr)
      .getResult();
}

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

GraphImporter::GraphImporter(ModuleOp module, const ONNXImportOptions &options,
                             StringRef sourceName, int64_t opset,
                             int64_t microsoftOpset)
    : module(module), options(options), source(sourceName.str()),
      opset(opset), microsoftOpset(microsoftOpset),
      opBuilder(module.getContext()) {
  registerElementwiseHandlers(handlers);
  registerActivationHandlers(handlers);
  registerLogicHandlers(handlers);
  registerNNHandlers(handlers);
  registerReductionHandlers(handlers);
  registerShapeHandlers(handlers);
  registerQuantHandlers(handlers);
  registerControlFlowHandlers(handlers);
  registerRecurrentHandlers(handlers);
  registerTensorOpHandlers(handlers);
  registerNormalizationHandlers(handlers);
  registerEinsumHandlers(handlers);
  registerIndexingHandlers(handlers);
}

ImportedValue *GraphImporter::lookup(const std::string &name) {
  auto it = values.find(name);
  return it == values.end() ? nullptr : &it->second;
}

SmallVector<std::string> GraphImporter::graphInputsFeeding(Value value) {
  llvm::DenseSet<Value> seen;
  SmallVector<Value> work{value};
  llvm::SmallSetVector<unsigned, 4> arguments;
  while (!work.empty()) {
    Value next = work.pop_back_val();
    if (!seen.insert(next).second)
      continue;
    if (auto argument = dyn_cast<BlockArgument>(next)) {
      arguments.insert(argument.getArgNumber());
      continue;
    }
    for (Value operand : next.getDefiningOp()->getOperands())
      work.push_back(operand);
  }
  SmallVector<std::string> names;
  for (unsigned argument : arguments)
    names.push_back(inputNames[argument]);
  return names;
}

void GraphImporter::define(const std::string &name, ImportedValue value) {
  values[name] = std::move(value);
}

Location GraphImporter::nameLoc(StringRef name) {
  return NameLoc::get(StringAttr::get(context(), name),
                      FileLineColLoc::get(context(), source, 0, 0));
}

/// Handler-table key of a node.
static std::string handlerKey(const onnx::NodeProto &node) {
  llvm::StringRef domain = node.domain();
  if (domain.empty() || domain == "ai.onnx")
    return node.op_type();
  return (domain + "." + node.op_type()).str();
}

/// A resource-blob key made of identifier characters only, so that the
/// printed IR parses back.
static std::string resourceKey(StringRef name) {
  std::string key = "w_";
  for (char c : name)
    key += llvm::isAlnum(c) ? c : '_';
  return key;
}

FailureOr<Value> GraphImporter::createConstant(
    const onnx::TensorProto &tensor, StringRef name, Location loc,
    function_ref<InFlightDiagnostic()> emitError) {
  // raw_data in the tensor's own layout goes straight into the blob; other
  // encodings are decoded first (one copy fewer for the common case).
  std::vector<char> decoded;
  llvm::ArrayRef<char> bytes;
  int32_t dataType = tensor.data_type();
  bool nibbles = dataType == kInt4 || dataType == kUint4;
  if (tensor.has_raw_data() && !nibbles &&
      tensor.data_location() != onnx::TensorProto::EXTERNAL &&
      elementTypeFor(*context(), dataType)) {
    FailureOr<Shape> shape = tensorShape(tensor, emitError);
    if (failed(shape))
      return failure();
    Type element = elementTypeFor(*context(), dataType);
    int64_t expected = qc::shapeProduct(*shape) *
                       llvm::divideCeil(element.getIntOrFloatBitWidth(), 8);
    if (static_cast<int64_t>(tensor.raw_data().size()) == expected)
      bytes = llvm::ArrayRef<char>(tensor.raw_data().data(),
                                   tensor.raw_data().size());
  }
  if (bytes.empty()) {
    FailureOr<std::vector<char>> read =
        readTensorBytes(tensor, options.modelDirectory, emitError);
    if (failed(read))
      return failure();
    decoded = std::move(*read);
    bytes = decoded;
  }
  Type element = elementTypeFor(*context(), tensor.data_type());
  auto type = RankedTensorType::get(
      SmallVector<int64_t>(tensor.dims().begin(), tensor.dims().end()),
      element);
  size_t alignment = std::max<size_t>(
      1, llvm::divideCeil(element.getIntOrFloatBitWidth(), 8));
  AsmResourceBlob blob =
      HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, alignment);
  auto attr = DenseResourceElementsAttr::get(type, resourceKey(name),
                                             std::move(blob));
  Value value = qc::ConstantOp::create(opBuilder, loc, type, attr);
  ImportedValue imported{value, std::nullopt, tensor.data_type()};
  if (type.getNumElements() <= kMaxHostElements)
    imported.host = decodeHostTensor(tensor, bytes);
  define(name.str(), std::move(imported));
  return value;
}

FailureOr<RankedTensorType>
GraphImporter::inputType(const onnx::ValueInfoProto &info) {
  auto fail = [&]() { return emitError(nameLoc(info.name())); };
  if (!info.type().has_tensor_type())
    return fail() << "graph input '" << info.name() << "' is not a tensor";
  const auto &tensorType = info.type().tensor_type();
  Type element = elementTypeFor(*context(), tensorType.elem_type());
  if (!element)
    return fail() << "graph input '" << info.name()
                  << "' has unsupported element type "
                  << dataTypeName(tensorType.elem_type());
  if (!tensorType.has_shape())
    return fail() << "graph input '" << info.name()
                  << "' has no shape; its rank must be known";
  Shape shape;
  for (const auto &dim : tensorType.shape().dim()) {
    if (dim.has_dim_value() && dim.dim_value() >= 0)
      shape.push_back(dim.dim_value());
    else
      shape.push_back(ShapedType::kDynamic);
  }
  auto it = options.inputShapes.find(info.name());
  if (it != options.inputShapes.end()) {
    if (it->second.size() != shape.size())
      return fail() << "--input-shape for '" << info.name() << "' has rank "
                    << it->second.size() << " but the model's input has rank "
                    << shape.size();
    for (size_t i = 0; i < shape.size(); ++i) {
      int64_t given = it->second[i] < 0 ? ShapedType::kDynamic : it->second[i];
      if (!qc::extentsCompatible(shape[i], given))
        return fail() << "--input-shape for '" << info.name()
                      << "' sets dimension " << i << " to " << given
                      << " but the model fixes it to " << shape[i];
      shape[i] = given;
    }
  }
  return RankedTensorType::get(shape, element);
}

/// Names in first-read order, each once.
using NameSet = llvm::SetVector<std::string, std::vector<std::string>,
                                std::set<std::string>>;

/// Collects into `reads` the values `graph` reads without defining them.
static void collectFreeNames(const onnx::GraphProto &graph, NameSet &reads) {
  llvm::StringSet<> defined;
  for (const auto &init : graph.initializer())
    defined.insert(init.name());
  for (const auto &input : graph.input())
    defined.insert(input.name());
  for (const auto &node : graph.node())
    for (const auto &output : node.output())
      defined.insert(output);
  for (const auto &node : graph.node()) {
    NameSet nodeInputs;
    for (const auto &input : node.input())
      nodeInputs.insert(input);
    for (const auto &attr : node.attribute())
      if (attr.has_g())
        collectFreeNames(attr.g(), nodeInputs);
    for (const std::string &input : nodeInputs)
      if (!input.empty() && !defined.contains(input))
        reads.insert(input);
  }
}

/// The values a node reads: its inputs and what its subgraphs (an If's
/// branches) read from the enclosing graph, so that it is ordered after
/// their producers.
static NameSet nodeReads(const onnx::NodeProto &node) {
  NameSet reads;
  for (const auto &input : node.input())
    if (!input.empty())
      reads.insert(input);
  for (const auto &attr : node.attribute())
    if (attr.has_g())
      collectFreeNames(attr.g(), reads);
  return reads;
}

/// Validates the graph and returns the node order to import in. All errors
/// of one kind are reported together.
LogicalResult GraphImporter::checkGraph(const onnx::GraphProto &graph,
                                        std::vector<int> &order) {
  Location fileLoc = FileLineColLoc::get(context(), source, 0, 0);
  // Every value must be defined once.
  llvm::StringMap<int> producer; // value -> node index, -1 for graph inputs
  auto defineName = [&](const std::string &name, int node) -> LogicalResult {
    if (name.empty())
      return success();
    auto [it, inserted] = producer.try_emplace(name, node);
    if (inserted)
      return success();
    return emitError(nameLoc(name))
           << "value '" << name << "' is defined more than once";
  };
  for (const auto &init : graph.initializer())
    if (failed(defineName(init.name(), -1)))
      return failure();
  llvm::StringSet<> initializers;
  for (const auto &init : graph.initializer())
    initializers.insert(init.name());
  for (const auto &input : graph.input())
    if (!initializers.contains(input.name()) &&
        failed(defineName(input.name(), -1)))
      return failure();
  for (int i = 0; i < graph.node_size(); ++i)
    for (const auto &output : graph.node(i).output())
      if (failed(defineName(output, i)))
        return failure();
  // A subgraph reads the enclosing graphs' values but must not redefine
  // them; its inputs (a Loop body's) are bound by the node that imports it.
  llvm::StringSet<> graphInputs;
  for (const auto &input : graph.input())
    graphInputs.insert(input.name());
  for (const auto &entry : producer)
    if (values.count(entry.getKey()) && !graphInputs.contains(entry.getKey()))
      return emitError(nameLoc(entry.getKey()))
             << "value '" << entry.getKey()
             << "' is defined more than once (a subgraph redefines it)";

  // Operators must be supported, subgraphs' included: list every
  // unsupported type with its nodes.
  std::vector<std::pair<std::string, SmallVector<std::string>>> unsupported;
  llvm::StringMap<size_t> unsupportedIndex;
  std::function<void(const onnx::GraphProto &)> collect =
      [&](const onnx::GraphProto &body) {
        for (const auto &node : body.node()) {
          for (const auto &attr : node.attribute())
            if (attr.has_g())
              collect(attr.g());
          std::string key = handlerKey(node);
          if (handlers.count(key))
            continue;
          auto [it, inserted] =
              unsupportedIndex.try_emplace(key, unsupported.size());
          if (inserted)
            unsupported.push_back({key, {}});
          unsupported[it->second].second.push_back(
              node.name().empty() ? "<unnamed>" : node.name());
        }
      };
  collect(graph);
  if (!unsupported.empty()) {
    InFlightDiagnostic diag = emitError(fileLoc)
                              << "unsupported ONNX operators: ";
    llvm::interleaveComma(unsupported, diag, [&](const auto &entry) {
      diag << entry.first << " (" << entry.second.size() << " node"
           << (entry.second.size() == 1 ? "" : "s") << ": ";
      size_t shown = std::min<size_t>(entry.second.size(), 5);
      llvm::interleaveComma(llvm::ArrayRef(entry.second).take_front(shown),
                            diag);
      if (shown < entry.second.size())
        diag << ", ...";
      if (llvm::is_contained(
              {"NonZero", "Unique", "Compress", "NonMaxSuppression"},
              entry.first))
        diag << "; its output's shape depends on the data, and quantc "
                "compiles static shapes";
      diag << ")";
    });
    return failure();
  }

  // Every input must be defined somewhere; then order topologically.
  std::vector<int> pending(graph.node_size(), 0);
  std::vector<std::vector<int>> consumers(graph.node_size());
  for (int i = 0; i < graph.node_size(); ++i) {
    for (const std::string &input : nodeReads(graph.node(i))) {
      auto it = producer.find(input);
      if (it == producer.end()) {
        if (values.count(input))
          continue; // defined by an enclosing graph
        return emitError(nameLoc(graph.node(i).name()))
               << graph.node(i).op_type() << " node '" << graph.node(i).name()
               << "' reads '" << input << "', which nothing defines";
      }
      if (it->second >= 0) {
        ++pending[i];
        consumers[it->second].push_back(i);
      }
    }
  }
  // Kahn's algorithm, always taking the earliest ready node, so that an
  // already sorted graph keeps its order.
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < graph.node_size(); ++i)
    if (pending[i] == 0)
      ready.push(i);
  while (!ready.empty()) {
    int node = ready.top();
    ready.pop();
    order.push_back(node);
    for (int consumer : consumers[node])
      if (--pending[consumer] == 0)
        ready.push(consumer);
  }
  if (static_cast<int>(order.size()) != graph.node_size()) {
    InFlightDiagnostic diag = emitError(fileLoc)
                              << "the graph has a cycle through nodes ";
    SmallVector<std::string> cyclic;
    for (int i = 0; i < graph.node_size(); ++i)
      if (pending[i] > 0)
        cyclic.push_back("'" + graph.node(i).name() + "'");
    llvm::interleaveComma(llvm::ArrayRef(cyclic).take_front(8), diag);
    return failure();
  }
  for (const auto &output : graph.output())
    if (!producer.count(output.name()) && !values.count(output.name()))
      return emitError(nameLoc(output.name()))
             << "graph output '" << output.name() << "' is never defined";
  if (graph.output_size() == 0)
    return emitError(fileLoc) << "the graph has no outputs";
  return success();
}

LogicalResult GraphImporter::importNodes(const onnx::GraphProto &graph,
                                         ArrayRef<int> order) {
  for (int index : order) {
    const onnx::NodeProto &node = graph.node(index);
    llvm::StringRef domain = node.domain();
    bool microsoft = domain == "com.microsoft";
    Location loc =
        nameLoc(node.output_size() && !node.output(0).empty() ? node.output(0)
                                                              : node.name());
    // A default-domain node of opset 1 to 6 is read in its opset-7 form.
    onnx::NodeProto upgraded;
    const onnx::NodeProto *current = &node;
    int64_t nodeOpset = microsoft ? microsoftOpset : opset;
    bool defaultDomain = domain.empty() || domain == "ai.onnx";
    if (defaultDomain && nodeOpset < kFirstModernOpset) {
      if (failed(upgradeLegacyNode(*this, node, opset, loc, upgraded)))
        return failure();
      current = &upgraded;
      nodeOpset = kFirstModernOpset;
    }
    NodeContext ctx(*this, *current, nodeOpset, loc);
    if (failed(handlers.lookup(handlerKey(*current))(ctx)))
      return failure();
  }
  return success();
}

LogicalResult GraphImporter::importSubgraph(const onnx::GraphProto &graph) {
  std::vector<int> order;
  if (failed(checkGraph(graph, order)))
    return failure();
  for (const auto &init : graph.initializer()) {
    Location loc = nameLoc(init.name());
    if (failed(createConstant(init, init.name(), loc,
                              [&] { return emitError(loc); })))
      return failure();
  }
  return importNodes(graph, order);
}

llvm::StringSet<> GraphImporter::definedNames() const {
  llvm::StringSet<> names;
  for (const auto &entry : values)
    names.insert(entry.getKey());
  return names;
}

void GraphImporter::forgetNamesSince(const llvm::StringSet<> &defined) {
  SmallVector<std::string> added;
  for (const auto &entry : values)
    if (!defined.contains(entry.getKey()))
      added.push_back(entry.getKey().str());
  for (const std::string &name : added)
    values.erase(name);
}

LogicalResult GraphImporter::importGraph(const onnx::GraphProto &graph) {
  std::vector<int> order;
  if (failed(checkGraph(graph, order)))
    return failure();

  llvm::StringSet<> initializers;
  for (const auto &init : graph.initializer())
    initializers.insert(init.name());
  SmallVector<Type> inputTypes;
  SmallVector<const onnx::ValueInfoProto *> inputs;
  for (const auto &input : graph.input()) {
    if (initializers.contains(input.name()))
      continue;
    FailureOr<RankedTensorType> type = inputType(input);
    if (failed(type))
      return failure();
    inputTypes.push_back(*type);
    inputs.push_back(&input);
  }
  for (const auto &entry : options.inputShapes)
    if (llvm::none_of(inputs, [&](const onnx::ValueInfoProto *input) {
          return input->name() == entry.getKey();
        }))
      return emitError(FileLineColLoc::get(context(), source, 0, 0))
             << "--input-shape names '" << entry.getKey()
             << "', which is not an input of the model";

  opBuilder.setInsertionPointToEnd(module.getBody());
  auto func = func::FuncOp::create(
      opBuilder, FileLineColLoc::get(context(), source, 0, 0),
      options.functionName, opBuilder.getFunctionType(inputTypes, {}));
  Block *body = func.addEntryBlock();
  for (auto [arg, input] : llvm::zip_equal(body->getArguments(), inputs)) {
    inputNames.push_back(input->name());
    arg.setLoc(nameLoc(input->name()));
    define(input->name(),
           {arg, std::nullopt, input->type().tensor_type().elem_type()});
  }
  opBuilder.setInsertionPointToStart(body);

  for (const auto &init : graph.initializer()) {
    Location loc = nameLoc(init.name());
    if (failed(createConstant(init, init.name(), loc,
                              [&] { return emitError(loc); })))
      return failure();
  }

  if (failed(importNodes(graph, order)))
    return failure();

  SmallVector<Value> results;
  for (const auto &output : graph.output()) {
    ImportedValue *imported = lookup(output.name());
    if (!imported || (!imported->value && !imported->host))
      return emitError(nameLoc(output.name()))
             << "graph output '" << output.name()
             << "' is an output its node does not produce";
    if (!imported->value) {
      onnx::NodeProto dummy;
      dummy.set_op_type("Output");
      dummy.set_name(output.name());
      NodeContext ctx(*this, dummy, opset, nameLoc(output.name()));
      FailureOr<Value> value = materializeHost(ctx, *imported->host);
      if (failed(value))
        return failure();
      imported->value = *value;
    }
    results.push_back(imported->value);
  }
  func::ReturnOp::create(opBuilder, func.getLoc(), results);
  func.setFunctionType(opBuilder.getFunctionType(
      inputTypes, ValueRange(results).getTypes()));
  // Keep the ONNX names of inputs and outputs for drivers and headers.
  // MLIR's integers are signless: `onnx.unsigned` marks the uint ones, so
  // that drivers read and write them as such.
  for (auto [i, input] : llvm::enumerate(inputs)) {
    func.setArgAttr(i, "onnx.name", opBuilder.getStringAttr(input->name()));
    if (isUnsignedDataType(input->type().tensor_type().elem_type()))
      func.setArgAttr(i, "onnx.unsigned", opBuilder.getUnitAttr());
  }
  for (auto [i, output] : llvm::enumerate(graph.output())) {
    func.setResultAttr(i, "onnx.name", opBuilder.getStringAttr(output.name()));
    ImportedValue *imported = lookup(output.name());
    int32_t type = imported && imported->onnxType
                       ? imported->onnxType
                       : output.type().tensor_type().elem_type();
    if (isUnsignedDataType(type))
      func.setResultAttr(i, "onnx.unsigned", opBuilder.getUnitAttr());
  }

  // Constants that only fed import-time shape arithmetic are dead.
  SmallVector<Operation *> dead;
  func.walk([&](qc::ConstantOp op) {
    if (op->use_empty())
      dead.push_back(op);
  });
  for (Operation *op : dead)
    op->erase();
  return success();
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

/// Reads the default-domain and com.microsoft opset versions.
static LogicalResult readOpsets(const onnx::ModelProto &model, Location loc,
                                int64_t &opset, int64_t &microsoftOpset) {
  opset = -1;
  microsoftOpset = 1;
  for (const auto &entry : model.opset_import()) {
    if (entry.domain().empty() || entry.domain() == "ai.onnx")
      opset = entry.version();
    else if (entry.domain() == "com.microsoft")
      microsoftOpset = entry.version();
  }
  if (opset < 0)
    return emitError(loc) << "the model imports no version of the default "
                             "ONNX operator set";
  // Opsets 1 to 6 are read through LegacyOpsets' adapter.
  if (opset < 1 || opset > 21)
    return emitError(loc) << "ONNX opset " << opset
                          << " is not supported (supported: 1 to 21)";
  return success();
}

OwningOpRef<ModuleOp> quantc::importONNX(llvm::MemoryBufferRef buffer,
                                         MLIRContext &context,
                                         const ONNXImportOptions &options) {
  context.loadDialect<qc::QCDialect, func::FuncDialect,
                      quant::QuantDialect>();
  Location fileLoc =
      FileLineColLoc::get(&context, buffer.getBufferIdentifier(), 0, 0);
  llvm::StringRef bytes = buffer.getBuffer();
  // Protobuf cannot parse messages of 2 GiB or more.
  if (bytes.size() >= (size_t(1) << 31)) {
    emitError(fileLoc) << "model file is 2 GiB or larger; keep the weights "
                          "in external data files";
    return {};
  }
  onnx::ModelProto model;
  if (bytes.empty() || !model.ParseFromArray(bytes.data(), bytes.size())) {
    emitError(fileLoc) << "not a valid ONNX model: the protobuf does not "
                          "parse (truncated or not an ONNX file)";
    return {};
  }
  if (!model.has_graph()) {
    emitError(fileLoc) << "not a valid ONNX model: it has no graph";
    return {};
  }
  int64_t opset, microsoftOpset;
  if (failed(readOpsets(model, fileLoc, opset, microsoftOpset)))
    return {};

  if (failed(bindInputs(*model.mutable_graph(), options, fileLoc)))
    return {};

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  GraphImporter importer(*module, options, buffer.getBufferIdentifier(),
                         opset, microsoftOpset);
  if (failed(importer.importGraph(model.graph())))
    return {};
  if (failed(verify(*module)))
    return {};
  return module;
}

OwningOpRef<ModuleOp> quantc::importONNXFile(StringRef path,
                                             MLIRContext &context,
                                             ONNXImportOptions options) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    emitError(UnknownLoc::get(&context))
        << "cannot read '" << path << "': " << buffer.getError().message();
    return {};
  }
  if (options.modelDirectory.empty()) {
    llvm::SmallString<256> dir(path);
    llvm::sys::path::remove_filename(dir);
    options.modelDirectory = dir.empty() ? "." : std::string(dir);
  }
  return importONNX((*buffer)->getMemBufferRef(), context, options);
}

std::string quantc::parseInputShapeOption(StringRef text,
                                          ONNXImportOptions &options) {
  auto [name, dims] = text.rsplit('=');
  if (name.empty() || dims.empty() || !text.contains('='))
    return ("--input-shape expects name=DxDx..., got '" + text + "'").str();
  SmallVector<int64_t> shape;
  SmallVector<StringRef> parts;
  dims.split(parts, 'x');
  for (StringRef part : parts) {
    int64_t dim;
    if (part == "?" || part == "-1") {
      shape.push_back(-1);
    } else if (part.getAsInteger(10, dim) || dim < 0) {
      return ("--input-shape for '" + name + "': '" + part +
              "' is not a dimension")
          .str();
    } else {
      shape.push_back(dim);
    }
  }
  options.inputShapes[name] = shape;
  return "";
}
