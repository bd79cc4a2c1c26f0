//===- QCQuantTypes.cpp - legality of !quant.uniform in qc ----------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QC/IR/QCQuantTypes.h"
#include "quantc/Dialect/QC/IR/QCShapeInference.h"

using namespace mlir;
using namespace quantc::qc;

QuantGranularity quantc::qc::getGranularity(quant::QuantizedType type) {
  if (isa<quant::UniformQuantizedPerAxisType>(type))
    return QuantGranularity::PerAxis;
  if (isa<quant::UniformQuantizedSubChannelType>(type))
    return QuantGranularity::SubChannel;
  assert(isa<quant::UniformQuantizedType>(type) && "not a uniform type");
  return QuantGranularity::PerTensor;
}

bool quantc::qc::isTernary(quant::QuantizedType type) {
  return type.getStorageTypeIntegralWidth() == 2 && type.isSigned() &&
         type.getStorageTypeMin() == -1 && type.getStorageTypeMax() == 1;
}

LogicalResult quantc::qc::verifyStorageType(
    quant::QuantizedType type, function_ref<InFlightDiagnostic()> emitError) {
  unsigned width = type.getStorageTypeIntegralWidth();
  bool supported = width == 8 || width == 4 ||
                   (width == 2 && isTernary(type)) ||
                   (width == 32 && type.isSigned());
  if (supported)
    return success();
  if (width == 2)
    return emitError() << "2-bit storage must be ternary i2<-1:1>, got "
                       << type;
  return emitError() << "unsupported quantized storage in " << type
                     << "; expected i8, u8, i4, u4, ternary i2<-1:1> or i32";
}

/// Checks a per-axis type against the tensor shape.
static LogicalResult
verifyPerAxis(quant::UniformQuantizedPerAxisType type,
              ArrayRef<int64_t> shape,
              function_ref<InFlightDiagnostic()> emitError) {
  int64_t axis = type.getQuantizedDimension();
  if (axis >= static_cast<int64_t>(shape.size()))
    return emitError() << "quantized dimension " << axis
                       << " must be less than tensor rank " << shape.size();
  int64_t extent = shape[axis];
  int64_t numScales = type.getScales().size();
  if (!ShapedType::isDynamic(extent) && extent != numScales)
    return emitError() << "quantized dimension " << axis << " has extent "
                       << extent << " but the type has " << numScales
                       << " scales";
  return success();
}

/// Checks a sub-channel (blocked) type against the tensor shape.
static LogicalResult
verifySubChannel(quant::UniformQuantizedSubChannelType type,
                 ArrayRef<int64_t> shape,
                 function_ref<InFlightDiagnostic()> emitError) {
  ArrayRef<int64_t> scalesShape = type.getScales().getType().getShape();
  if (scalesShape.size() != shape.size())
    return emitError() << "scales of rank " << scalesShape.size()
                       << " do not match tensor rank " << shape.size();
  // Dimensions without an explicit block size form a single block.
  SmallVector<int64_t> blockSizes(shape.begin(), shape.end());
  for (auto [dim, block] : llvm::zip_equal(type.getQuantizedDimensions(),
                                           type.getBlockSizes())) {
    if (dim >= static_cast<int32_t>(shape.size()))
      return emitError() << "quantized dimension " << dim
                         << " must be less than tensor rank " << shape.size();
    blockSizes[dim] = block;
  }
  for (size_t dim = 0; dim < shape.size(); ++dim) {
    int64_t extent = shape[dim];
    if (ShapedType::isDynamic(extent))
      continue;
    int64_t block = blockSizes[dim];
    if (block <= 0 || extent % block != 0)
      return emitError() << "block size " << block
                         << " does not divide dimension " << dim
                         << " of extent " << extent;
    if (scalesShape[dim] != extent / block)
      return emitError() << "dimension " << dim << " has "
                         << extent / block << " blocks but the scales have "
                         << scalesShape[dim];
  }
  return success();
}

LogicalResult quantc::qc::verifyQuantizedTensorType(
    RankedTensorType type, function_ref<InFlightDiagnostic()> emitError) {
  auto element = dyn_cast<quant::QuantizedType>(type.getElementType());
  if (!element)
    return success();
  if (failed(verifyStorageType(element, emitError)))
    return failure();
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(element))
    return verifyPerAxis(perAxis, type.getShape(), emitError);
  if (auto blocked = dyn_cast<quant::UniformQuantizedSubChannelType>(element))
    return verifySubChannel(blocked, type.getShape(), emitError);
  return success();
}
