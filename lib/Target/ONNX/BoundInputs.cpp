//===- BoundInputs.cpp - graph inputs fixed at import (--bind-input) ------===//
//
// Part of quantc. quantc compiles static graphs: an input that decides a
// shape, an axis or the branch an If takes must be known when compiling.
// A bound input becomes an initializer of the graph before import, exactly
// as if the model had stored it as a constant.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

std::string quantc::parseBindInputOption(StringRef text,
                                         ONNXImportOptions &options) {
  auto [name, values] = text.split('=');
  if (name.empty() || !text.contains('='))
    return ("--bind-input expects name=v1,v2,... or name=FILE, got '" + text +
            "'")
        .str();
  BoundInput bound;
  SmallVector<StringRef> parts;
  // "name=" binds an empty tensor.
  if (!values.trim().empty())
    values.split(parts, ',');
  for (StringRef part : parts)
    bound.literal.push_back(part.trim().str());
  options.boundInputs[name] = std::move(bound);
  return "";
}

/// The values of an integer type TensorProto keeps in int32_data.
static std::optional<std::pair<int64_t, int64_t>>
int32FieldRange(int32_t dataType) {
  switch (dataType) {
  case kBool:
    return std::make_pair(0, 1);
  case kInt8:
    return std::make_pair(INT8_MIN, INT8_MAX);
  case kUint8:
    return std::make_pair(0, UINT8_MAX);
  case kInt16:
    return std::make_pair(INT16_MIN, INT16_MAX);
  case kUint16:
    return std::make_pair(0, UINT16_MAX);
  case kInt32:
    return std::make_pair(INT32_MIN, INT32_MAX);
  default:
    return std::nullopt;
  }
}

/// Writes one literal into the TensorProto field for `dataType`; false if
/// the text is not a number of that type.
static bool appendLiteral(onnx::TensorProto &tensor, int32_t dataType,
                          StringRef text) {
  if (HostTensor::isFloatType(dataType)) {
    double value;
    if (text.getAsDouble(value))
      return false;
    if (dataType == kFloat) {
      tensor.add_float_data(static_cast<float>(value));
    } else if (dataType == kDouble) {
      tensor.add_double_data(value);
    } else {
      // float16 and bfloat16 keep their bits in int32_data.
      APFloat half(value);
      bool lost;
      half.convert(dataType == kFloat16 ? APFloat::IEEEhalf()
                                        : APFloat::BFloat(),
                   APFloat::rmNearestTiesToEven, &lost);
      tensor.add_int32_data(
          static_cast<int32_t>(half.bitcastToAPInt().getZExtValue()));
    }
    return true;
  }
  if (dataType == kBool && (text == "true" || text == "false")) {
    tensor.add_int32_data(text == "true");
    return true;
  }
  if (dataType == kUint32 || dataType == kUint64) {
    uint64_t value;
    if (text.getAsInteger(10, value) ||
        (dataType == kUint32 && value > UINT32_MAX))
      return false;
    tensor.add_uint64_data(value);
    return true;
  }
  int64_t value;
  if (text.getAsInteger(10, value))
    return false;
  if (dataType == kInt64) {
    tensor.add_int64_data(value);
    return true;
  }
  std::optional<std::pair<int64_t, int64_t>> range = int32FieldRange(dataType);
  if (!range || value < range->first || value > range->second)
    return false;
  tensor.add_int32_data(static_cast<int32_t>(value));
  return true;
}

/// The declared dimensions of a graph input, -1 where not fixed.
static SmallVector<int64_t> declaredShape(const onnx::ValueInfoProto &info) {
  SmallVector<int64_t> shape;
  for (const auto &dim : info.type().tensor_type().shape().dim())
    shape.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
  return shape;
}

static std::string shapeText(ArrayRef<int64_t> shape) {
  std::string text = "[";
  llvm::interleave(
      shape, [&](int64_t d) { text += d < 0 ? "?" : std::to_string(d); },
      [&] { text += ", "; });
  return text + "]";
}

/// The tensor a bound input stands for, checked against its declaration.
static LogicalResult boundTensor(StringRef name, const BoundInput &bound,
                                 const onnx::ValueInfoProto &info, Location loc,
                                 onnx::TensorProto &tensor) {
  auto fail = [&] {
    return emitError(loc) << "--bind-input '" << name << "': ";
  };
  if (!info.type().has_tensor_type() || !info.type().tensor_type().has_shape())
    return fail() << "the input is not a tensor of known rank";
  int32_t declaredType = info.type().tensor_type().elem_type();
  SmallVector<int64_t> declared = declaredShape(info);
  tensor.set_name(name.str());
  tensor.set_data_type(declaredType);

  SmallVector<int64_t> shape;
  if (bound.dataType != 0) {
    if (bound.dataType != declaredType)
      return fail() << "the file holds " << dataTypeName(bound.dataType)
                    << " but the input is " << dataTypeName(declaredType);
    shape.assign(bound.shape.begin(), bound.shape.end());
    tensor.set_raw_data(bound.rawData);
  } else {
    int64_t count = bound.literal.size();
    bool fixed = llvm::all_of(declared, [](int64_t d) { return d >= 0; });
    if (fixed)
      shape = declared;
    else if (declared.size() == 1)
      shape = {count};
    else
      return fail() << "the input's shape " << shapeText(declared)
                    << " is not fixed; give its values in a .npy or .pb "
                       "file";
    for (const std::string &text : bound.literal)
      if (!appendLiteral(tensor, declaredType, text))
        return fail() << "'" << text << "' is not a "
                      << dataTypeName(declaredType) << " value";
  }
  bool matches = shape.size() == declared.size();
  for (size_t i = 0; matches && i < shape.size(); ++i)
    matches = declared[i] < 0 || declared[i] == shape[i];
  if (!matches)
    return fail() << "the values have shape " << shapeText(shape)
                  << " but the input is declared " << shapeText(declared);
  int64_t elements = 1;
  for (int64_t d : shape) {
    tensor.add_dims(d);
    elements *= d;
  }
  if (bound.dataType == 0 && elements != int64_t(bound.literal.size()))
    return fail() << "the input holds " << elements << " values, "
                  << bound.literal.size() << " given";
  return success();
}

LogicalResult quantc::onnx_import::bindInputs(onnx::GraphProto &graph,
                                              const ONNXImportOptions &options,
                                              Location loc) {
  llvm::StringSet<> initializers;
  for (const auto &init : graph.initializer())
    initializers.insert(init.name());
  for (const auto &entry : options.boundInputs) {
    StringRef name = entry.getKey();
    const onnx::ValueInfoProto *info = nullptr;
    for (const auto &input : graph.input())
      if (input.name() == name && !initializers.contains(name))
        info = &input;
    if (!info)
      return emitError(loc) << "--bind-input names '" << name
                            << "', which is not an input of the model";
    onnx::TensorProto tensor;
    if (failed(boundTensor(name, entry.getValue(), *info, loc, tensor)))
      return failure();
    *graph.add_initializer() = std::move(tensor);
  }
  return success();
}
