//===- GraphWriter.h - building an ONNX graph from qc values ----*- C++ -*-===//
//
// Part of quantc. Private to lib/Target/ONNX: the state of one export.
// Every MLIR value gets one ONNX name; a quantized value names its integer
// storage, and floatView() names its DequantizeLinear (made once).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_TARGET_ONNX_GRAPHWRITER_H
#define QUANTC_LIB_TARGET_ONNX_GRAPHWRITER_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSet.h"

#include "onnx.pb.h"

#include <string>
#include <vector>

namespace quantc::onnx_export {

/// An ONNX TensorProto.DataType for an MLIR element type (storage types
/// for quantized ones); 0 when ONNX has none.
int32_t onnxDataType(mlir::Type elementType);

/// Node attributes.
void addIntAttribute(onnx::NodeProto &node, llvm::StringRef name,
                     int64_t value);
void addIntsAttribute(onnx::NodeProto &node, llvm::StringRef name,
                      llvm::ArrayRef<int64_t> values);
void addFloatAttribute(onnx::NodeProto &node, llvm::StringRef name,
                       float value);
void addStringAttribute(onnx::NodeProto &node, llvm::StringRef name,
                        llvm::StringRef value);

class GraphWriter {
public:
  GraphWriter(onnx::GraphProto &graph, int64_t opset)
      : graph(graph), opset(opset) {}

  int64_t opsetVersion() const { return opset; }

  /// A name no other tensor has, from `hint`.
  std::string freshName(llvm::StringRef hint);
  /// The ONNX name of `value`; a fresh one from its location if unbound.
  std::string name(mlir::Value value);
  /// Names `value` `name` (graph inputs and outputs keep their ONNX names).
  void bind(mlir::Value value, llvm::StringRef name);
  bool isBound(mlir::Value value) const { return names.count(value); }
  /// Keeps `name` from being given to any other tensor.
  void reserve(llvm::StringRef name) { used.insert(name); }

  /// A node of `opType` reading `inputs` (empty strings are omitted
  /// optional inputs) and writing `outputs`, named after `loc`.
  onnx::NodeProto &node(llvm::StringRef opType,
                        llvm::ArrayRef<std::string> inputs,
                        llvm::ArrayRef<std::string> outputs,
                        mlir::Location loc);
  /// A node whose single output is `result`'s name.
  onnx::NodeProto &node(llvm::StringRef opType,
                        llvm::ArrayRef<std::string> inputs, mlir::Value result);

  /// An initializer `name` holding `attr` (dense or dense_resource) as
  /// `dataType` with `attr`'s shape; failure if the blob is gone.
  mlir::LogicalResult initializer(mlir::ElementsAttr attr, int32_t dataType,
                                  llvm::StringRef name);
  /// Small initializers: 1-D int64 (shapes, axes, pads), float32 scales,
  /// zero points of `dataType` (scalar when `shape` is empty).
  std::string int64s(llvm::ArrayRef<int64_t> values, llvm::StringRef hint);
  std::string floats(llvm::ArrayRef<float> values,
                     llvm::ArrayRef<int64_t> shape, llvm::StringRef hint);
  std::string zeroPoints(llvm::ArrayRef<int64_t> values,
                         llvm::ArrayRef<int64_t> shape, int32_t dataType,
                         llvm::StringRef hint);

  /// `value` as float: its own name, or for a quantized value the output
  /// of a DequantizeLinear of its storage (one per value).
  mlir::FailureOr<std::string> floatView(mlir::Value value, mlir::Location loc);
  /// QuantizeLinear of the float tensor `input` to `type` (a quantized
  /// tensor type), written to `output`.
  mlir::LogicalResult quantizeInto(llvm::StringRef input,
                                   mlir::RankedTensorType type,
                                   llvm::StringRef output, mlir::Location loc);
  /// DequantizeLinear of the i32 bias `bias` at scale input scale times
  /// weight scale, per output channel; `inputScales` has one entry or one
  /// per output channel (depthwise layers with per-channel inputs).
  mlir::FailureOr<std::string>
  dequantizeBias(mlir::Value bias, llvm::ArrayRef<double> inputScales,
                 mlir::quant::QuantizedType weights, mlir::Location loc);

  /// Declares a graph input or output of `type`.
  void declare(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> &list,
               llvm::StringRef name, mlir::Type type);

  size_t quantizeNodes = 0, dequantizeNodes = 0;

private:
  /// The scale, zero-point and attribute form of `type` on a tensor of
  /// `shape`, written to a Q or DQ node's inputs 1 and 2.
  mlir::LogicalResult addQuantParams(onnx::NodeProto &node,
                                     mlir::quant::QuantizedType type,
                                     llvm::ArrayRef<int64_t> shape,
                                     mlir::Location loc);

  onnx::GraphProto &graph;
  int64_t opset;
  llvm::DenseMap<mlir::Value, std::string> names;
  llvm::DenseMap<mlir::Value, std::string> dequantized;
  llvm::StringSet<> used;
  /// The op type of the node that writes each tensor.
  llvm::StringMap<std::string> producers;
  size_t nodeCount = 0;
};

} // namespace quantc::onnx_export

#endif // QUANTC_LIB_TARGET_ONNX_GRAPHWRITER_H
