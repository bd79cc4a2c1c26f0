//===- GraphImporter.h - state shared by the ONNX op importers --*- C++ -*-===//
//
// Part of quantc. Private to lib/Target/ONNX.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_TARGET_ONNX_GRAPHIMPORTER_H
#define QUANTC_LIB_TARGET_ONNX_GRAPHIMPORTER_H

#include "quantc/Dialect/QC/IR/QCShapeInference.h"
#include "quantc/Target/ONNX/ONNXImporter.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include "onnx.pb.h"

#include <optional>
#include <vector>

namespace quantc::onnx_import {

using qc::Shape;

/// ONNX TensorProto.DataType values the importer knows.
enum DataType : int32_t {
  kFloat = 1, kUint8 = 2, kInt8 = 3, kUint16 = 4, kInt16 = 5, kInt32 = 6,
  kInt64 = 7, kString = 8, kBool = 9, kFloat16 = 10, kDouble = 11,
  kUint32 = 12, kUint64 = 13, kBFloat16 = 16, kUint4 = 21, kInt4 = 22
};

/// A tensor whose contents the importer knows while importing: constants
/// and the shape arithmetic computed from them. Integer entries may be
/// mlir::ShapedType::kDynamic (a dimension only known at run time).
struct HostTensor {
  Shape shape;
  int32_t dataType = kInt64;
  std::vector<int64_t> ints;  // integer and bool types
  std::vector<double> floats; // floating-point types

  bool isFloat() const { return !floats.empty() || isFloatType(dataType); }
  int64_t size() const { return isFloat() ? floats.size() : ints.size(); }
  bool fullyKnown() const;
  /// Element `i` as double (floats) or int (ints).
  double asDouble(size_t i) const { return isFloat() ? floats[i] : ints[i]; }
  static bool isFloatType(int32_t type) {
    return type == kFloat || type == kFloat16 || type == kDouble ||
           type == kBFloat16;
  }
};

/// What the importer knows about an ONNX value: its IR value (absent for a
/// shape value with dynamic entries) and, if known, its contents.
struct ImportedValue {
  mlir::Value value;
  std::optional<HostTensor> host;
  /// The ONNX data type when it says more than the MLIR element type
  /// (signedness of integer tensors); 0 when not recorded.
  int32_t onnxType = 0;
};

/// Whether an ONNX data type is an unsigned integer (MLIR's are signless).
inline bool isUnsignedDataType(int32_t dataType) {
  return dataType == kUint8 || dataType == kUint16 || dataType == kUint32 ||
         dataType == kUint64;
}

/// Maps an ONNX data type to the MLIR element type qc uses (signless
/// integers); null for unsupported types.
mlir::Type elementTypeFor(mlir::MLIRContext &context, int32_t dataType);
const char *dataTypeName(int32_t dataType);

class GraphImporter;

/// The node being imported, with typed access to its inputs and attributes.
class NodeContext {
public:
  NodeContext(GraphImporter &importer, const onnx::NodeProto &node,
              int64_t opset, mlir::Location loc);

  const onnx::NodeProto &node() const { return nodeProto; }
  GraphImporter &graph() { return importer; }
  int64_t opset() const { return opsetVersion; }
  mlir::Location loc() const { return location; }
  mlir::OpBuilder &builder();
  mlir::MLIRContext *context();

  /// Emits an error that names the node.
  mlir::InFlightDiagnostic error();

  // Inputs. An empty name is an omitted optional input.
  int numInputs() const { return nodeProto.input_size(); }
  bool hasInput(int i) const {
    return i < nodeProto.input_size() && !nodeProto.input(i).empty();
  }
  /// The input as an IR value; errors if it is missing or only known as a
  /// shape with dynamic entries.
  mlir::FailureOr<mlir::Value> input(int i);
  /// The input as a ranked tensor value (errors otherwise).
  mlir::FailureOr<mlir::TypedValue<mlir::RankedTensorType>> tensorInput(int i);
  /// The input as a ranked tensor of floats (errors otherwise).
  mlir::FailureOr<mlir::TypedValue<mlir::RankedTensorType>> floatInput(int i);
  /// The input's known contents, or null.
  const HostTensor *hostInput(int i);
  /// The input's contents as integers; errors if not known at import.
  mlir::FailureOr<std::vector<int64_t>> constantInts(int i, llvm::StringRef what);
  mlir::FailureOr<std::vector<double>> constantFloats(int i, llvm::StringRef what);
  /// "<what> (input i) must be <kind>", naming the graph inputs the value
  /// depends on and how to fix them at compile time (--bind-input).
  mlir::InFlightDiagnostic notConstantError(int i, llvm::StringRef what,
                                            llvm::StringRef kind);
  /// Appends to `diag` the graph inputs `value` depends on and the
  /// --bind-input flags that fix them (nothing if it depends on none).
  void appendBindHint(mlir::InFlightDiagnostic &diag, mlir::Value value);

  // Attributes; errors on a type mismatch.
  const onnx::AttributeProto *attribute(llvm::StringRef name) const;
  mlir::FailureOr<int64_t> attrInt(llvm::StringRef name, int64_t dflt);
  mlir::FailureOr<float> attrFloat(llvm::StringRef name, float dflt);
  mlir::FailureOr<std::string> attrString(llvm::StringRef name,
                                          llvm::StringRef dflt);
  /// Integer list attribute; `std::nullopt` if absent.
  mlir::FailureOr<std::optional<std::vector<int64_t>>>
  attrInts(llvm::StringRef name);
  mlir::FailureOr<std::vector<float>> attrFloats(llvm::StringRef name);

  /// Sets output `i`.
  void setOutput(int i, mlir::Value value,
                 std::optional<HostTensor> host = std::nullopt,
                 int32_t onnxType = 0);
  /// The ONNX data type of input `i`: recorded, or read off its element
  /// type (integers taken as signed).
  int32_t inputDataType(int i);
  void setHostOutput(int i, HostTensor host);

  /// Checks the rank of a value, naming the input in the error.
  mlir::LogicalResult requireRank(mlir::Value value, int64_t rank,
                                  llvm::StringRef what);
  /// Checks that two element types agree.
  mlir::LogicalResult requireSameElementType(mlir::Value a, mlir::Value b);

private:
  GraphImporter &importer;
  const onnx::NodeProto &nodeProto;
  int64_t opsetVersion;
  mlir::Location location;
};

using NodeHandler = mlir::LogicalResult (*)(NodeContext &);

/// Window attributes of a Conv / ConvTranspose / pool node: one entry per
/// spatial axis, pads as [begin..., end...].
struct WindowGeometry {
  llvm::SmallVector<int64_t, 2> kernel, strides, dilations;
  llvm::SmallVector<int64_t, 4> pads;
  int64_t group = 1;
};

/// Reads kernel_shape (or takes it from `weightShape`), strides, dilations,
/// pads, auto_pad and group of a window node with input `inShape` (N x C x
/// spatial axes).
mlir::LogicalResult readWindowGeometry(NodeContext &ctx,
                                       llvm::ArrayRef<int64_t> inShape,
                                       llvm::ArrayRef<int64_t> weightShape,
                                       WindowGeometry &geometry,
                                       bool transposed = false);

/// readWindowGeometry for a ConvTranspose, with its output_padding (one
/// entry per spatial axis) and the pads its output_shape asks for.
mlir::LogicalResult
readTransposedWindowGeometry(NodeContext &ctx, llvm::ArrayRef<int64_t> inShape,
                             llvm::ArrayRef<int64_t> weightShape,
                             WindowGeometry &geometry,
                             llvm::SmallVectorImpl<int64_t> &outputPadding);

/// Imports a Conv, ConvTranspose or pool node with `handler`, the 2-D
/// import; a 1-D node (rank-3 input) goes through it with height 1 (its
/// first `windowedInputs` inputs reshaped) and its result reshaped back; a
/// 3-D node (rank-5 input) goes to `handler3D`.
mlir::LogicalResult importWindow(NodeContext &ctx, NodeHandler handler,
                                 int windowedInputs, NodeHandler handler3D);

enum class PoolKind { Max, Average, Lp };

/// 3-D windows as 2-D ones over the depth slices, combined along depth
/// (ImportWindows3D.cpp).
mlir::LogicalResult importConv3D(NodeContext &ctx);
mlir::LogicalResult importConvTranspose3D(NodeContext &ctx);
template <PoolKind kind> mlir::LogicalResult importPool3D(NodeContext &ctx);

/// Op type -> handler, filled by the Import*.cpp files. Operators of other
/// domains are keyed "domain.OpType" (com.microsoft.MatMulNBits).
void registerElementwiseHandlers(llvm::StringMap<NodeHandler> &handlers);
void registerActivationHandlers(llvm::StringMap<NodeHandler> &handlers);
void registerLogicHandlers(llvm::StringMap<NodeHandler> &handlers);
void registerNNHandlers(llvm::StringMap<NodeHandler> &handlers);
void registerReductionHandlers(llvm::StringMap<NodeHandler> &handlers);
void registerShapeHandlers(llvm::StringMap<NodeHandler> &handlers);
void registerQuantHandlers(llvm::StringMap<NodeHandler> &handlers);
void registerControlFlowHandlers(llvm::StringMap<NodeHandler> &handlers);
void registerRecurrentHandlers(llvm::StringMap<NodeHandler> &handlers);
void registerTensorOpHandlers(llvm::StringMap<NodeHandler> &handlers);
void registerNormalizationHandlers(llvm::StringMap<NodeHandler> &handlers);
void registerEinsumHandlers(llvm::StringMap<NodeHandler> &handlers);
void registerIndexingHandlers(llvm::StringMap<NodeHandler> &handlers);

/// Evaluates `fn` elementwise on two integer host tensors with ONNX
/// broadcasting into a tensor of `resultType`; a dynamic entry makes the
/// result entry dynamic. None for float tensors, shapes that do not
/// broadcast, or where `fn` gives none (division by zero).
std::optional<HostTensor> evaluateHostBinary(
    const HostTensor &a, const HostTensor &b, int32_t resultType,
    llvm::function_ref<std::optional<int64_t>(int64_t, int64_t)> fn);

/// The result type of an elementwise op on `lhs` and `rhs`: their ONNX
/// broadcast shape with `element`; an error naming both shapes otherwise.
mlir::FailureOr<mlir::RankedTensorType>
broadcastResultType(NodeContext &ctx, mlir::RankedTensorType lhs,
                    mlir::RankedTensorType rhs, mlir::Type element);

/// Returns the value for a host tensor, materializing a qc.constant.
mlir::FailureOr<mlir::Value> materializeHost(NodeContext &ctx,
                                             const HostTensor &host);

/// Reads a TensorProto's contents into memory in its own layout: one
/// element after another at the MLIR element type's byte width (4-bit
/// types unpacked to one byte each). External data is resolved in
/// `modelDirectory`. Errors go to `emitError`.
mlir::FailureOr<std::vector<char>>
readTensorBytes(const onnx::TensorProto &tensor,
                llvm::StringRef modelDirectory,
                llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

/// Decodes tensor bytes (from readTensorBytes) into a HostTensor.
HostTensor decodeHostTensor(const onnx::TensorProto &tensor,
                            llvm::ArrayRef<char> bytes);

/// Shape of a TensorProto after validating its dims.
mlir::FailureOr<Shape>
tensorShape(const onnx::TensorProto &tensor,
            llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

/// Adds the `options.boundInputs` to `graph` as initializers, checked
/// against the inputs' declared types and shapes.
mlir::LogicalResult bindInputs(onnx::GraphProto &graph,
                               const ONNXImportOptions &options,
                               mlir::Location loc);

/// Imports one ONNX graph into a func.func.
class GraphImporter {
public:
  GraphImporter(mlir::ModuleOp module, const ONNXImportOptions &options,
                llvm::StringRef sourceName, int64_t opset,
                int64_t microsoftOpset);

  mlir::LogicalResult importGraph(const onnx::GraphProto &graph);
  /// Imports the nodes of a subgraph (an If's branch) inline, where the
  /// builder stands; its values, outputs included, become defined names
  /// beside the enclosing graph's.
  mlir::LogicalResult importSubgraph(const onnx::GraphProto &graph);
  /// The names defined so far; `forgetNamesSince` drops every name defined
  /// after this, so that a Loop body can be imported once per iteration.
  llvm::StringSet<> definedNames() const;
  void forgetNamesSince(const llvm::StringSet<> &defined);

  mlir::OpBuilder &builder() { return opBuilder; }
  mlir::MLIRContext *context() { return module.getContext(); }
  ImportedValue *lookup(const std::string &name);
  void define(const std::string &name, ImportedValue value);
  /// The names of the graph inputs `value` is computed from.
  llvm::SmallVector<std::string> graphInputsFeeding(mlir::Value value);
  llvm::StringRef sourceName() const { return source; }
  /// Location of a value named in the model: its name, within the file.
  mlir::Location nameLoc(llvm::StringRef name);
  /// Creates a qc.constant for tensor contents.
  mlir::FailureOr<mlir::Value>
  createConstant(const onnx::TensorProto &tensor, llvm::StringRef name,
                 mlir::Location loc,
                 llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

private:
  mlir::LogicalResult checkGraph(const onnx::GraphProto &graph,
                                 std::vector<int> &order);
  mlir::LogicalResult importNodes(const onnx::GraphProto &graph,
                                  llvm::ArrayRef<int> order);
  mlir::FailureOr<mlir::RankedTensorType>
  inputType(const onnx::ValueInfoProto &info);

  mlir::ModuleOp module;
  const ONNXImportOptions &options;
  std::string source;
  int64_t opset, microsoftOpset;
  mlir::OpBuilder opBuilder;
  llvm::StringMap<ImportedValue> values;
  /// ONNX names of the function's arguments, in order.
  llvm::SmallVector<std::string> inputNames;
  llvm::StringMap<NodeHandler> handlers;
};

} // namespace quantc::onnx_import

#endif // QUANTC_LIB_TARGET_ONNX_GRAPHIMPORTER_H
