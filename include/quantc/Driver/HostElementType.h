//===- HostElementType.h - element types of host arrays ---------*- C++ -*-===//
//
// Part of quantc. Model inputs and outputs may be any numeric ONNX type:
// token ids (int64), images (uint8), masks (bool), as well as floats. A
// HostArray records which, and converts between them.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DRIVER_HOSTELEMENTTYPE_H
#define QUANTC_DRIVER_HOSTELEMENTTYPE_H

#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace quantc {

/// An element type of a host array. Bool is one byte, 0 or 1.
enum class ElementType {
  F32,
  F64,
  F16,
  I8,
  U8,
  I16,
  U16,
  I32,
  U32,
  I64,
  U64,
  Bool
};

/// Bytes per element.
size_t elementSize(ElementType type);
/// "float32", "int64", "bool", ...
llvm::StringRef elementTypeName(ElementType type);
/// NumPy's descr ("<f4", "|u1", "|b1", ...) and back.
llvm::StringRef npyDescr(ElementType type);
std::optional<ElementType> fromNpyDescr(llvm::StringRef descr);
/// ONNX TensorProto.DataType and back.
int32_t onnxDataType(ElementType type);
std::optional<ElementType> fromONNXDataType(int32_t dataType);
bool isFloatingPoint(ElementType type);

/// Element `i` of `bytes` (of `type`) as a double (float16 decoded).
double loadElement(const char *bytes, ElementType type, size_t i);
/// Stores `value` as element `i` of `type`: floats round to nearest,
/// integers truncate toward zero and wrap, bool is value != 0.
void storeElement(char *bytes, ElementType type, size_t i, double value);

} // namespace quantc

#endif // QUANTC_DRIVER_HOSTELEMENTTYPE_H
