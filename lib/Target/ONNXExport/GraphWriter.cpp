//===- GraphWriter.cpp - building an ONNX graph from qc values ------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "GraphWriter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Location.h"

using namespace mlir;
using namespace quantc::onnx_export;

namespace {
/// ONNX TensorProto.DataType values the exporter writes.
enum DataType : int32_t {
  kFloat = 1,
  kUint8 = 2,
  kInt8 = 3,
  kUint16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUint32 = 12,
  kUint64 = 13,
  kBFloat16 = 16,
  kUint4 = 21,
  kInt4 = 22
};
} // namespace

/// Bytes per element of an ONNX data type the exporter writes.
static size_t elementBytes(int32_t dataType) {
  switch (dataType) {
  case kUint4: // one byte each before packNibbles()
  case kInt4:
  case kUint8:
  case kInt8:
  case kBool:
    return 1;
  case kUint16:
  case kInt16:
  case kFloat16:
  case kBFloat16:
    return 2;
  case kFloat:
  case kInt32:
  case kUint32:
    return 4;
  default:
    return 8;
  }
}

static bool isUnsignedType(int32_t dataType) {
  return dataType == kUint8 || dataType == kUint16 || dataType == kUint32 ||
         dataType == kUint64 || dataType == kBool || dataType == kUint4;
}

static bool is4Bit(int32_t dataType) {
  return dataType == kInt4 || dataType == kUint4;
}

/// Packs one byte per element into ONNX's 4-bit layout: element 2i in the
/// low nibble of byte i, element 2i+1 in the high one.
static std::string packNibbles(StringRef bytes) {
  std::string packed((bytes.size() + 1) / 2, '\0');
  for (size_t i = 0; i < bytes.size(); ++i)
    packed[i / 2] |= char((uint8_t(bytes[i]) & 0xF) << (4 * (i % 2)));
  return packed;
}

int32_t quantc::onnx_export::onnxDataType(Type elementType) {
  // Sub-byte quantized storage (int4, ternary) is written as int8: the
  // values are exact and every runtime reads int8 weights. Blocked 4-bit
  // weights are INT4 / UINT4 (opset 21, as blocks are), the form ONNX
  // Runtime's MatMulNBits fusion expects of MatMul weights.
  if (auto quantized = dyn_cast<quant::QuantizedType>(elementType)) {
    if (isa<quant::UniformQuantizedSubChannelType>(quantized)) {
      if (quantized.isSigned() && quantized.getStorageTypeMin() >= -8 &&
          quantized.getStorageTypeMax() <= 7)
        return kInt4;
      if (!quantized.isSigned() && quantized.getStorageTypeMax() <= 15)
        return kUint4;
    }
    unsigned width = quantized.getStorageTypeIntegralWidth();
    if (width <= 8)
      return quantized.isSigned() ? kInt8 : kUint8;
    return width == 32 && quantized.isSigned() ? kInt32 : 0;
  }
  if (elementType.isF32())
    return kFloat;
  if (elementType.isF16())
    return kFloat16;
  if (elementType.isBF16())
    return kBFloat16;
  if (elementType.isF64())
    return kDouble;
  auto integer = dyn_cast<IntegerType>(elementType);
  if (!integer)
    return 0;
  bool isUnsigned = integer.isUnsigned();
  switch (integer.getWidth()) {
  case 1:
    return kBool;
  case 8:
    return isUnsigned ? kUint8 : kInt8;
  case 16:
    return isUnsigned ? kUint16 : kInt16;
  case 32:
    return isUnsigned ? kUint32 : kInt32;
  case 64:
    return isUnsigned ? kUint64 : kInt64;
  default:
    return 0;
  }
}

/// The name a location gives a tensor or node ("" when it has none).
static std::string locationName(Location loc) {
  if (auto named = dyn_cast<NameLoc>(loc))
    return named.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string name = locationName(inner); !name.empty())
        return name;
  return "";
}

std::string GraphWriter::freshName(StringRef hint) {
  std::string base = hint.empty() ? "t" : hint.str();
  std::string candidate = base;
  for (unsigned suffix = 1; !used.insert(candidate).second; ++suffix)
    candidate = base + "_" + std::to_string(suffix);
  return candidate;
}

std::string GraphWriter::name(Value value) {
  auto found = names.find(value);
  if (found != names.end())
    return found->second;
  std::string hint;
  if (Operation *op = value.getDefiningOp()) {
    hint = locationName(op->getLoc());
    if (op->getNumResults() > 1)
      hint += "_" + std::to_string(cast<OpResult>(value).getResultNumber());
  }
  std::string fresh = freshName(hint);
  names[value] = fresh;
  return fresh;
}

void GraphWriter::bind(Value value, StringRef name) {
  used.insert(name);
  names[value] = name.str();
}

onnx::NodeProto &GraphWriter::node(StringRef opType,
                                   ArrayRef<std::string> inputs,
                                   ArrayRef<std::string> outputs,
                                   Location loc) {
  onnx::NodeProto &node = *graph.add_node();
  node.set_op_type(opType.str());
  std::string prefix = locationName(loc);
  node.set_name((prefix.empty() ? "" : prefix + "/") + opType.str() + "_" +
                std::to_string(nodeCount++));
  // Trailing omitted inputs are left out; inner ones stay as "".
  size_t count = inputs.size();
  while (count > 0 && inputs[count - 1].empty())
    --count;
  for (size_t i = 0; i < count; ++i)
    node.add_input(inputs[i]);
  for (const std::string &output : outputs) {
    node.add_output(output);
    producers[output] = opType.str();
  }
  return node;
}

onnx::NodeProto &GraphWriter::node(StringRef opType,
                                   ArrayRef<std::string> inputs, Value result) {
  return node(opType, inputs, {name(result)}, result.getLoc());
}

/// Appends `bits` to `raw` as `bytes` little-endian bytes.
static void appendBits(std::string &raw, const APInt &bits, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i)
    raw.push_back(char(bits.extractBitsAsZExtValue(8, 8 * i)));
}

/// An initializer of `dataType` and `shape` holding `raw`.
static void addRawInitializer(onnx::GraphProto &graph, StringRef name,
                              int32_t dataType, ArrayRef<int64_t> shape,
                              std::string raw) {
  onnx::TensorProto &tensor = *graph.add_initializer();
  tensor.set_name(name.str());
  tensor.set_data_type(dataType);
  for (int64_t dim : shape)
    tensor.add_dims(dim);
  tensor.set_raw_data(std::move(raw));
}

LogicalResult GraphWriter::initializer(ElementsAttr attr, int32_t dataType,
                                       StringRef tensorName) {
  auto type = cast<ShapedType>(attr.getType());
  size_t bytes = elementBytes(dataType);
  std::string raw;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != type.getNumElements() * bytes)
      return failure();
    raw.assign(blob->getData().begin(), blob->getData().end());
  } else if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    raw.reserve(type.getNumElements() * bytes);
    if (isa<FloatType>(type.getElementType())) {
      for (const APFloat &value : dense.getValues<APFloat>())
        appendBits(raw, value.bitcastToAPInt(), bytes);
    } else {
      bool isUnsigned = isUnsignedType(dataType);
      for (const APInt &value : dense.getValues<APInt>())
        appendBits(raw,
                   isUnsigned ? value.zextOrTrunc(8 * bytes)
                              : value.sextOrTrunc(8 * bytes),
                   bytes);
    }
  } else {
    return failure();
  }
  if (is4Bit(dataType))
    raw = packNibbles(raw);
  addRawInitializer(graph, tensorName, dataType, type.getShape(),
                    std::move(raw));
  return success();
}

std::string GraphWriter::int64s(ArrayRef<int64_t> values, StringRef hint) {
  std::string tensorName = freshName(hint);
  std::string raw;
  for (int64_t value : values)
    appendBits(raw, APInt(64, value, /*isSigned=*/true), 8);
  addRawInitializer(graph, tensorName, kInt64, {int64_t(values.size())},
                    std::move(raw));
  return tensorName;
}

std::string GraphWriter::floats(ArrayRef<float> values, ArrayRef<int64_t> shape,
                                StringRef hint) {
  std::string tensorName = freshName(hint);
  std::string raw;
  for (float value : values)
    appendBits(raw, APFloat(value).bitcastToAPInt(), 4);
  addRawInitializer(graph, tensorName, kFloat, shape, std::move(raw));
  return tensorName;
}

std::string GraphWriter::zeroPoints(ArrayRef<int64_t> values,
                                    ArrayRef<int64_t> shape, int32_t dataType,
                                    StringRef hint) {
  std::string tensorName = freshName(hint);
  std::string raw;
  size_t bytes = elementBytes(dataType);
  for (int64_t value : values)
    appendBits(raw, APInt(64, value, /*isSigned=*/true), bytes);
  if (is4Bit(dataType))
    raw = packNibbles(raw);
  addRawInitializer(graph, tensorName, dataType, shape, std::move(raw));
  return tensorName;
}

void quantc::onnx_export::addIntAttribute(onnx::NodeProto &node, StringRef name,
                                          int64_t value) {
  onnx::AttributeProto &attr = *node.add_attribute();
  attr.set_name(name.str());
  attr.set_type(onnx::AttributeProto::INT);
  attr.set_i(value);
}

void quantc::onnx_export::addIntsAttribute(onnx::NodeProto &node,
                                           StringRef name,
                                           ArrayRef<int64_t> values) {
  onnx::AttributeProto &attr = *node.add_attribute();
  attr.set_name(name.str());
  attr.set_type(onnx::AttributeProto::INTS);
  for (int64_t value : values)
    attr.add_ints(value);
}

void quantc::onnx_export::addFloatAttribute(onnx::NodeProto &node,
                                            StringRef name, float value) {
  onnx::AttributeProto &attr = *node.add_attribute();
  attr.set_name(name.str());
  attr.set_type(onnx::AttributeProto::FLOAT);
  attr.set_f(value);
}

void quantc::onnx_export::addStringAttribute(onnx::NodeProto &node,
                                             StringRef name, StringRef value) {
  onnx::AttributeProto &attr = *node.add_attribute();
  attr.set_name(name.str());
  attr.set_type(onnx::AttributeProto::STRING);
  attr.set_s(value.str());
}

LogicalResult GraphWriter::addQuantParams(onnx::NodeProto &node,
                                          quant::QuantizedType type,
                                          ArrayRef<int64_t> shape,
                                          Location loc) {
  int32_t storage = onnxDataType(type);
  std::string hint = node.input(0);
  if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(type)) {
    node.add_input(floats({float(perTensor.getScale())}, {}, hint + "_scale"));
    node.add_input(
        zeroPoints({perTensor.getZeroPoint()}, {}, storage, hint + "_zp"));
    return success();
  }
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(type)) {
    SmallVector<float> scales(perAxis.getScales().begin(),
                              perAxis.getScales().end());
    int64_t count = scales.size();
    node.add_input(floats(scales, {count}, hint + "_scale"));
    node.add_input(
        zeroPoints(perAxis.getZeroPoints(), {count}, storage, hint + "_zp"));
    addIntAttribute(node, "axis", perAxis.getQuantizedDimension());
    return success();
  }
  auto blocked = dyn_cast<quant::UniformQuantizedSubChannelType>(type);
  if (!blocked)
    return emitError(loc) << "cannot export quantized type " << type
                          << " to ONNX";
  // ONNX blocks one axis (DequantizeLinear-21's block_size); every other
  // axis must keep one scale per element.
  auto scaleType = cast<ShapedType>(blocked.getScales().getType());
  int64_t axis = -1, blockSize = 1;
  for (int64_t d = 0, e = shape.size(); d < e; ++d) {
    if (scaleType.getDimSize(d) == shape[d])
      continue;
    if (axis >= 0)
      return emitError(loc) << "cannot export " << type
                            << " to ONNX: blocks along more than one axis";
    axis = d;
    blockSize = shape[d] / scaleType.getDimSize(d);
  }
  SmallVector<float> scales;
  for (const APFloat &scale : blocked.getScales().getValues<APFloat>())
    scales.push_back(scale.convertToFloat());
  SmallVector<int64_t> zeros;
  for (const APInt &zero : blocked.getZeroPoints().getValues<APInt>())
    zeros.push_back(zero.getSExtValue());
  node.add_input(floats(scales, scaleType.getShape(), hint + "_scale"));
  node.add_input(
      zeroPoints(zeros, scaleType.getShape(), storage, hint + "_zp"));
  if (axis >= 0) {
    addIntAttribute(node, "axis", axis);
    addIntAttribute(node, "block_size", blockSize);
  }
  return success();
}

FailureOr<std::string> GraphWriter::floatView(Value value, Location loc) {
  auto type = cast<RankedTensorType>(value.getType());
  auto quantized = dyn_cast<quant::QuantizedType>(type.getElementType());
  if (!quantized)
    return name(value);
  auto found = dequantized.find(value);
  if (found != dequantized.end())
    return found->second;
  std::string storage = name(value);
  std::string output = freshName(storage + "_dequantized");
  onnx::NodeProto &dq = node("DequantizeLinear", {storage}, {output}, loc);
  if (failed(addQuantParams(dq, quantized, type.getShape(), loc)))
    return failure();
  ++dequantizeNodes;
  dequantized[value] = output;
  return output;
}

LogicalResult GraphWriter::quantizeInto(StringRef input, RankedTensorType type,
                                        StringRef output, Location loc) {
  auto quantized = cast<quant::QuantizedType>(type.getElementType());
  std::string source = input.str();
  // QuantizeLinear saturates to the whole storage type; a narrower storage
  // range (4-bit activation grids, [-127, 127]) is a clip before it.
  int64_t width = quantized.getStorageTypeIntegralWidth();
  int64_t fullMin = quantized.isSigned() ? -(int64_t(1) << (width - 1)) : 0;
  int64_t fullMax = quantized.isSigned() ? (int64_t(1) << (width - 1)) - 1
                                         : (int64_t(1) << width) - 1;
  if (width < 8 || quantized.getStorageTypeMin() != fullMin ||
      quantized.getStorageTypeMax() != fullMax) {
    auto perTensor = dyn_cast<quant::UniformQuantizedType>(quantized);
    if (!perTensor)
      return emitError(loc) << "cannot export " << quantized
                            << " to ONNX: a narrow storage range on a "
                               "quantizer with more than one scale";
    double scale = perTensor.getScale();
    int64_t zero = perTensor.getZeroPoint();
    std::string clipped = freshName(source + "_clipped");
    node("Clip",
         {source,
          floats({float((quantized.getStorageTypeMin() - zero) * scale)}, {},
                 clipped + "_min"),
          floats({float((quantized.getStorageTypeMax() - zero) * scale)}, {},
                 clipped + "_max")},
         {clipped}, loc);
    source = clipped;
  }
  // ONNX Runtime (1.30) fuses Conv / MatMul -> QuantizeLinear into an
  // integer kernel whether or not that kernel takes per-channel output
  // scales, and QLinearConv then fails at run time ("result zero point must
  // be a scalar"). Max(y, y) = y keeps the two apart.
  auto producer = producers.find(source);
  if (!isa<quant::UniformQuantizedType>(quantized) &&
      producer != producers.end() &&
      llvm::is_contained({"Conv", "ConvTranspose", "MatMul", "Gemm"},
                         producer->second)) {
    std::string separated = freshName(source + "_unfused");
    node("Max", {source, source}, {separated}, loc);
    source = separated;
  }
  onnx::NodeProto &q = node("QuantizeLinear", {source}, {output.str()}, loc);
  ++quantizeNodes;
  return addQuantParams(q, quantized, type.getShape(), loc);
}

FailureOr<std::string> GraphWriter::dequantizeBias(Value bias,
                                                   ArrayRef<double> inputScales,
                                                   quant::QuantizedType weights,
                                                   Location loc) {
  auto biasType = cast<RankedTensorType>(bias.getType());
  SmallVector<double> weightScales;
  if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(weights)) {
    weightScales.push_back(perTensor.getScale());
  } else if (auto perAxis =
                 dyn_cast<quant::UniformQuantizedPerAxisType>(weights)) {
    weightScales.assign(perAxis.getScales().begin(), perAxis.getScales().end());
  } else {
    emitError(loc) << "cannot export an i32 bias of weights quantized as "
                   << weights << " (ONNX has no blocked bias scale)";
    return failure();
  }
  // One scale, or one per bias element: input scale times weight scale.
  size_t count = std::max(inputScales.size(), weightScales.size());
  if (biasType.getRank() != 1 ||
      (count > 1 && biasType.getDimSize(0) != int64_t(count))) {
    emitError(loc) << "cannot export an i32 bias of " << biasType << " against "
                   << count << " scales";
    return failure();
  }
  SmallVector<float> scales;
  for (size_t i = 0; i < count; ++i)
    scales.push_back(float(inputScales[inputScales.size() > 1 ? i : 0] *
                           weightScales[weightScales.size() > 1 ? i : 0]));
  std::string biasName = name(bias);
  std::string output = freshName(biasName + "_dequantized");
  SmallVector<int64_t> shape;
  if (count > 1)
    shape.push_back(count);
  onnx::NodeProto &dq =
      node("DequantizeLinear",
           {biasName, floats(scales, shape, output + "_scale"),
            zeroPoints(SmallVector<int64_t>(count, 0), shape, kInt32,
                       output + "_zp")},
           {output}, loc);
  if (count > 1)
    addIntAttribute(dq, "axis", 0);
  ++dequantizeNodes;
  return output;
}

void GraphWriter::declare(
    google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> &list,
    StringRef name, Type type) {
  onnx::ValueInfoProto &info = *list.Add();
  info.set_name(name.str());
  auto tensor = cast<RankedTensorType>(type);
  onnx::TypeProto::Tensor &tensorType =
      *info.mutable_type()->mutable_tensor_type();
  tensorType.set_elem_type(onnxDataType(tensor.getElementType()));
  onnx::TensorShapeProto &shape = *tensorType.mutable_shape();
  for (auto [index, dim] : llvm::enumerate(tensor.getShape())) {
    onnx::TensorShapeProto::Dimension &out = *shape.add_dim();
    if (ShapedType::isDynamic(dim))
      out.set_dim_param(name.str() + "_d" + std::to_string(index));
    else
      out.set_dim_value(dim);
  }
}
