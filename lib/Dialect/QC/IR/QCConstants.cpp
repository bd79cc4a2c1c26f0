//===- QCConstants.cpp - reading and making constant tensors --------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QC/IR/QCConstants.h"
#include "quantc/Dialect/QC/IR/QCOps.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

#include <cstring>

using namespace mlir;

std::optional<std::vector<float>> quantc::qc::readF32Constant(Value value) {
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.getElementType().isF32() || !type.hasStaticShape())
    return std::nullopt;
  int64_t count = type.getNumElements();
  std::vector<float> values(count);
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != size_t(count) * sizeof(float))
      return std::nullopt;
    std::memcpy(values.data(), blob->getData().data(), count * sizeof(float));
    return values;
  }
  if (auto dense = dyn_cast<DenseFPElementsAttr>(attr)) {
    int64_t i = 0;
    for (APFloat v : dense.getValues<APFloat>())
      values[i++] = v.convertToFloat();
    return values;
  }
  return std::nullopt;
}

std::optional<std::vector<int8_t>> quantc::qc::readI8Constant(Value value) {
  if (auto cast = value.getDefiningOp<quant::StorageCastOp>())
    value = cast.getInput();
  Attribute attr;
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!matchPattern(value, m_Constant(&attr)) || !type ||
      !type.getElementType().isInteger(8) || !type.hasStaticShape())
    return std::nullopt;
  int64_t count = type.getNumElements();
  std::vector<int8_t> values(count);
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != size_t(count))
      return std::nullopt;
    std::memcpy(values.data(), blob->getData().data(), count);
    return values;
  }
  if (auto dense = dyn_cast<DenseIntElementsAttr>(attr)) {
    int64_t i = 0;
    for (APInt v : dense.getValues<APInt>())
      values[i++] = static_cast<int8_t>(v.getSExtValue());
    return values;
  }
  return std::nullopt;
}

Value quantc::qc::createF32Constant(OpBuilder &builder, Location loc,
                                    RankedTensorType type,
                                    ArrayRef<float> values, StringRef name) {
  AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      ArrayRef<char>(reinterpret_cast<const char *>(values.data()),
                     values.size() * sizeof(float)),
      alignof(float));
  auto attr = DenseResourceElementsAttr::get(type, name, std::move(blob));
  return ConstantOp::create(builder, loc, type, attr);
}

std::optional<std::vector<char>> quantc::qc::constantBytes(Attribute value,
                                                           ShapedType type) {
  if (!type.hasStaticShape() || !type.getElementType().isIntOrFloat())
    return std::nullopt;
  unsigned bits = type.getElementType().getIntOrFloatBitWidth();
  if (bits % 8 != 0)
    return std::nullopt;
  size_t size = size_t(type.getNumElements()) * (bits / 8);
  if (auto resource = dyn_cast_if_present<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != size)
      return std::nullopt;
    return std::vector<char>(blob->getData().begin(), blob->getData().end());
  }
  auto dense = dyn_cast_if_present<DenseElementsAttr>(value);
  if (!dense)
    return std::nullopt;
  ArrayRef<char> raw = dense.getRawData();
  if (dense.isSplat()) {
    std::vector<char> bytes(size);
    for (size_t at = 0; at + bits / 8 <= size; at += bits / 8)
      std::memcpy(bytes.data() + at, raw.data(), bits / 8);
    return bytes;
  }
  if (raw.size() != size)
    return std::nullopt;
  return std::vector<char>(raw.begin(), raw.end());
}

Attribute quantc::qc::resourceAttr(ShapedType type, ArrayRef<char> bytes,
                                   StringRef name) {
  AsmResourceBlob blob =
      HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, alignof(uint64_t));
  return DenseResourceElementsAttr::get(type, name, std::move(blob));
}
