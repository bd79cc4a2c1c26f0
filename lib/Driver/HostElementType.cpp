//===- HostElementType.cpp - element types of host arrays ----------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Driver/HostElementType.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringSwitch.h"

#include <cmath>
#include <cstring>

using namespace quantc;

size_t quantc::elementSize(ElementType type) {
  switch (type) {
  case ElementType::I8:
  case ElementType::U8:
  case ElementType::Bool:
    return 1;
  case ElementType::F16:
  case ElementType::I16:
  case ElementType::U16:
    return 2;
  case ElementType::F32:
  case ElementType::I32:
  case ElementType::U32:
    return 4;
  case ElementType::F64:
  case ElementType::I64:
  case ElementType::U64:
    return 8;
  }
  return 0;
}

namespace {
struct TypeInfo {
  ElementType type;
  const char *name, *descr;
  int32_t onnx;
};
// ONNX TensorProto.DataType: 1 float, 2 uint8, 3 int8, 4 uint16, 5 int16,
// 6 int32, 7 int64, 9 bool, 10 float16, 11 double, 12 uint32, 13 uint64.
constexpr TypeInfo kTypes[] = {
    {ElementType::F32, "float32", "<f4", 1},
    {ElementType::F64, "float64", "<f8", 11},
    {ElementType::F16, "float16", "<f2", 10},
    {ElementType::I8, "int8", "|i1", 3},
    {ElementType::U8, "uint8", "|u1", 2},
    {ElementType::I16, "int16", "<i2", 5},
    {ElementType::U16, "uint16", "<u2", 4},
    {ElementType::I32, "int32", "<i4", 6},
    {ElementType::U32, "uint32", "<u4", 12},
    {ElementType::I64, "int64", "<i8", 7},
    {ElementType::U64, "uint64", "<u8", 13},
    {ElementType::Bool, "bool", "|b1", 9},
};

const TypeInfo &info(ElementType type) {
  for (const TypeInfo &entry : kTypes)
    if (entry.type == type)
      return entry;
  return kTypes[0];
}
} // namespace

llvm::StringRef quantc::elementTypeName(ElementType type) {
  return info(type).name;
}

llvm::StringRef quantc::npyDescr(ElementType type) { return info(type).descr; }

std::optional<ElementType> quantc::fromNpyDescr(llvm::StringRef descr) {
  // One-byte types may be written without a byte order, or with '='.
  if (descr.size() == 2)
    descr = descr == "b1"   ? "|b1"
            : descr == "i1" ? "|i1"
            : descr == "u1" ? "|u1"
                            : descr;
  for (const TypeInfo &entry : kTypes)
    if (descr == entry.descr ||
        (descr.size() == 3 && descr[0] == '=' &&
         descr.drop_front() == llvm::StringRef(entry.descr).drop_front()))
      return entry.type;
  return std::nullopt;
}

int32_t quantc::onnxDataType(ElementType type) { return info(type).onnx; }

std::optional<ElementType> quantc::fromONNXDataType(int32_t dataType) {
  for (const TypeInfo &entry : kTypes)
    if (entry.onnx == dataType)
      return entry.type;
  return std::nullopt;
}

bool quantc::isFloatingPoint(ElementType type) {
  return type == ElementType::F32 || type == ElementType::F64 ||
         type == ElementType::F16;
}

template <typename T> static T load(const char *bytes, size_t i) {
  T value;
  std::memcpy(&value, bytes + i * sizeof(T), sizeof(T));
  return value;
}

template <typename T> static void store(char *bytes, size_t i, T value) {
  std::memcpy(bytes + i * sizeof(T), &value, sizeof(T));
}

double quantc::loadElement(const char *bytes, ElementType type, size_t i) {
  switch (type) {
  case ElementType::F32:
    return load<float>(bytes, i);
  case ElementType::F64:
    return load<double>(bytes, i);
  case ElementType::F16: {
    llvm::APFloat half(llvm::APFloat::IEEEhalf(),
                       llvm::APInt(16, load<uint16_t>(bytes, i)));
    return half.convertToFloat();
  }
  case ElementType::I8:
    return load<int8_t>(bytes, i);
  case ElementType::U8:
    return load<uint8_t>(bytes, i);
  case ElementType::I16:
    return load<int16_t>(bytes, i);
  case ElementType::U16:
    return load<uint16_t>(bytes, i);
  case ElementType::I32:
    return load<int32_t>(bytes, i);
  case ElementType::U32:
    return load<uint32_t>(bytes, i);
  case ElementType::I64:
    return double(load<int64_t>(bytes, i));
  case ElementType::U64:
    return double(load<uint64_t>(bytes, i));
  case ElementType::Bool:
    return load<uint8_t>(bytes, i) != 0;
  }
  return 0;
}

void quantc::storeElement(char *bytes, ElementType type, size_t i,
                          double value) {
  // Integers: truncated toward zero, then wrapped (NaN becomes 0).
  auto integer = [&]() -> int64_t {
    if (std::isnan(value))
      return 0;
    double t = std::trunc(value);
    if (t >= 9.2233720368547758e18)
      return int64_t(uint64_t(std::fmod(t, 18446744073709551616.0)));
    return t <= -9.2233720368547758e18 ? INT64_MIN : int64_t(t);
  };
  switch (type) {
  case ElementType::F32:
    return store<float>(bytes, i, float(value));
  case ElementType::F64:
    return store<double>(bytes, i, value);
  case ElementType::F16: {
    llvm::APFloat half(value);
    bool lost;
    half.convert(llvm::APFloat::IEEEhalf(), llvm::APFloat::rmNearestTiesToEven,
                 &lost);
    return store<uint16_t>(bytes, i,
                           uint16_t(half.bitcastToAPInt().getZExtValue()));
  }
  case ElementType::I8:
    return store<int8_t>(bytes, i, int8_t(integer()));
  case ElementType::U8:
    return store<uint8_t>(bytes, i, uint8_t(integer()));
  case ElementType::I16:
    return store<int16_t>(bytes, i, int16_t(integer()));
  case ElementType::U16:
    return store<uint16_t>(bytes, i, uint16_t(integer()));
  case ElementType::I32:
    return store<int32_t>(bytes, i, int32_t(integer()));
  case ElementType::U32:
    return store<uint32_t>(bytes, i, uint32_t(integer()));
  case ElementType::I64:
    return store<int64_t>(bytes, i, integer());
  case ElementType::U64:
    return store<uint64_t>(bytes, i, uint64_t(integer()));
  case ElementType::Bool:
    return store<uint8_t>(bytes, i, value != 0);
  }
}
