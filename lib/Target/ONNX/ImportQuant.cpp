//===- ImportQuant.cpp - quantized ONNX operators -------------------------===//
//
// Part of quantc. QuantizeLinear / DequantizeLinear (per tensor, per axis,
// blocked since opset 21), QLinearMatMul, QLinearConv, MatMulInteger,
// ConvInteger and com.microsoft MatMulNBits. ONNX carries quantized data
// as plain integer tensors; the importer attaches the !quant.uniform type
// with `quant.scast` so that qc ops see typed quantized tensors.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "quantc/Dialect/QC/IR/QCOps.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

namespace {
/// Storage of a quantized ONNX tensor: width, signedness and range.
struct Storage {
  unsigned width;
  bool isSigned;
  int64_t min() const { return isSigned ? -(int64_t(1) << (width - 1)) : 0; }
  int64_t max() const {
    return isSigned ? (int64_t(1) << (width - 1)) - 1
                    : (int64_t(1) << width) - 1;
  }
};
} // namespace

static std::optional<Storage> storageFor(int32_t dataType) {
  switch (dataType) {
  case kInt8: return Storage{8, true};
  case kUint8: return Storage{8, false};
  case kInt4: return Storage{4, true};
  case kUint4: return Storage{4, false};
  case kInt32: return Storage{32, true};
  default: return std::nullopt;
  }
}

/// Builds the quantized element type for a tensor of `shape` from scale and
/// zero-point host tensors: per tensor (scalar scale), per axis (1-D scale
/// along `axis`) or blocked (`blockSize` > 0 along `axis`).
static FailureOr<quant::QuantizedType>
buildQuantType(NodeContext &ctx, ArrayRef<int64_t> shape, Storage storage,
               FloatType expressed, const HostTensor &scale,
               const HostTensor *zeroPoint, int64_t axis, int64_t blockSize) {
  MLIRContext *context = ctx.context();
  Type storageType = IntegerType::get(context, storage.width);
  unsigned flags = storage.isSigned ? quant::QuantizationFlags::Signed : 0;
  if (!scale.isFloat())
    return ctx.error() << "the scale must be floating point";
  if (zeroPoint && (zeroPoint->isFloat() ||
                    zeroPoint->size() != scale.size()))
    return ctx.error() << "the zero point must be an integer tensor of the "
                          "scale's shape";
  auto zp = [&](int64_t i) -> int64_t {
    return zeroPoint ? zeroPoint->ints[i] : 0;
  };
  for (int64_t i = 0; i < scale.size(); ++i) {
    if (!(scale.floats[i] > 0.0) || !std::isfinite(scale.floats[i]))
      return ctx.error() << "scales must be positive and finite, got "
                         << scale.floats[i];
    if (zp(i) < storage.min() || zp(i) > storage.max())
      return ctx.error() << "zero point " << zp(i)
                         << " lies outside the storage range";
  }
  auto checked = [&](auto type) -> FailureOr<quant::QuantizedType> {
    if (!type)
      return ctx.error() << "invalid quantization parameters";
    return cast<quant::QuantizedType>(type);
  };
  auto emitError = [&] { return ctx.error(); };
  if (blockSize > 0) {
    std::optional<int64_t> a = qc::normalizeAxis(axis, shape.size());
    if (!a)
      return ctx.error() << "axis " << axis << " is out of range";
    Shape scaleShape(shape);
    if (ShapedType::isDynamic(shape[*a]) || shape[*a] % blockSize != 0)
      return ctx.error() << "block_size " << blockSize
                         << " must divide dimension " << *a;
    scaleShape[*a] = shape[*a] / blockSize;
    if (qc::shapeProduct(scaleShape) != scale.size())
      return ctx.error() << "blocked scales must have shape "
                         << qc::formatShape(scaleShape);
    SmallVector<int32_t> dims;
    SmallVector<int64_t> blocks;
    for (size_t d = 0; d < shape.size(); ++d) {
      dims.push_back(d);
      blocks.push_back(d == static_cast<size_t>(*a) ? blockSize : 1);
    }
    SmallVector<APFloat> scales;
    SmallVector<APInt> zps;
    for (int64_t i = 0; i < scale.size(); ++i) {
      scales.push_back(APFloat(static_cast<float>(scale.floats[i])));
      zps.push_back(APInt(storage.width, zp(i), storage.isSigned, true));
    }
    auto scalesAttr = DenseElementsAttr::get(
        RankedTensorType::get(scaleShape, Float32Type::get(context)), scales);
    auto zpsAttr = DenseElementsAttr::get(
        RankedTensorType::get(scaleShape, storageType), zps);
    return checked(quant::UniformQuantizedSubChannelType::getChecked(
        emitError, flags, storageType, expressed, scalesAttr, zpsAttr, dims,
        blocks, storage.min(), storage.max()));
  }
  if (scale.shape.empty() || scale.size() == 1)
    return checked(quant::UniformQuantizedType::getChecked(
        emitError, flags, storageType, expressed, scale.floats[0], zp(0),
        storage.min(), storage.max()));
  std::optional<int64_t> a = qc::normalizeAxis(axis, shape.size());
  if (!a || scale.shape.size() != 1)
    return ctx.error() << "per-axis scales must be 1-D along a valid axis";
  SmallVector<double> scales(scale.floats.begin(), scale.floats.end());
  SmallVector<int64_t> zps;
  for (int64_t i = 0; i < scale.size(); ++i)
    zps.push_back(zp(i));
  return checked(quant::UniformQuantizedPerAxisType::getChecked(
      emitError, flags, storageType, expressed, scales, zps, *a,
      storage.min(), storage.max()));
}

/// Reads scale (input `scaleIndex`) and zero point (`scaleIndex + 1`).
static FailureOr<std::pair<const HostTensor *, const HostTensor *>>
readScaleAndZeroPoint(NodeContext &ctx, int scaleIndex) {
  const HostTensor *scale = ctx.hostInput(scaleIndex);
  if (!scale)
    return ctx.notConstantError(scaleIndex, "the scale", "a constant");
  const HostTensor *zeroPoint = nullptr;
  if (ctx.hasInput(scaleIndex + 1)) {
    zeroPoint = ctx.hostInput(scaleIndex + 1);
    if (!zeroPoint)
      return ctx.notConstantError(scaleIndex + 1, "the zero point",
                                  "a constant");
  }
  return std::make_pair(scale, zeroPoint);
}

/// Reinterprets an integer tensor as the quantized type.
static Value castToQuantized(NodeContext &ctx, Value value,
                             quant::QuantizedType type) {
  auto shaped = cast<RankedTensorType>(value.getType());
  return quant::StorageCastOp::create(ctx.builder(), ctx.loc(),
                                      shaped.clone(type), value);
}

static Value castToStorage(NodeContext &ctx, Value value) {
  auto shaped = cast<RankedTensorType>(value.getType());
  auto quantized = cast<quant::QuantizedType>(shaped.getElementType());
  return quant::StorageCastOp::create(
      ctx.builder(), ctx.loc(), shaped.clone(quantized.getStorageType()),
      value);
}

/// An integer input with its quantized type attached.
static FailureOr<Value>
quantizedInput(NodeContext &ctx, int index, int scaleIndex, int64_t axis,
               int64_t blockSize = 0, FloatType expressed = {}) {
  auto input = ctx.tensorInput(index);
  if (failed(input))
    return failure();
  auto params = readScaleAndZeroPoint(ctx, scaleIndex);
  if (failed(params))
    return failure();
  int32_t dataType =
      params->second ? params->second->dataType : ctx.inputDataType(index);
  std::optional<Storage> storage = storageFor(dataType);
  auto element = dyn_cast<IntegerType>(input->getType().getElementType());
  if (!storage || !element || element.getWidth() != storage->width)
    return ctx.error() << "input " << index << " must be an integer tensor "
                       << "matching its zero point's type "
                       << dataTypeName(dataType);
  if (!expressed)
    expressed = Float32Type::get(ctx.context());
  FailureOr<quant::QuantizedType> type =
      buildQuantType(ctx, input->getType().getShape(), *storage, expressed,
                     *params->first, params->second, axis, blockSize);
  if (failed(type))
    return failure();
  return castToQuantized(ctx, *input, *type);
}

//===----------------------------------------------------------------------===//
// QuantizeLinear / DequantizeLinear
//===----------------------------------------------------------------------===//

static LogicalResult importQuantizeLinear(NodeContext &ctx) {
  auto input = ctx.tensorInput(0);
  FailureOr<int64_t> axis = ctx.attrInt("axis", 1);
  FailureOr<int64_t> blockSize = ctx.attrInt("block_size", 0);
  FailureOr<int64_t> saturate = ctx.attrInt("saturate", 1);
  if (failed(input) || failed(axis) || failed(blockSize) || failed(saturate))
    return failure();
  auto expressed = dyn_cast<FloatType>(input->getType().getElementType());
  if (!expressed)
    return ctx.error() << "the input must be floating point";
  auto params = readScaleAndZeroPoint(ctx, 1);
  if (failed(params))
    return failure();
  FailureOr<int64_t> outputType = ctx.attrInt("output_dtype", 0);
  if (failed(outputType))
    return failure();
  int32_t dataType = params->second ? params->second->dataType
                     : *outputType  ? *outputType
                                    : kUint8;
  std::optional<Storage> storage = storageFor(dataType);
  if (!storage || storage->width == 32)
    return ctx.error() << "quantizing to " << dataTypeName(dataType)
                       << " is not supported";
  FailureOr<quant::QuantizedType> type =
      buildQuantType(ctx, input->getType().getShape(), *storage, expressed,
                     *params->first, params->second, *axis, *blockSize);
  if (failed(type))
    return failure();
  Value quantized = qc::QuantizeOp::create(
      ctx.builder(), ctx.loc(), input->getType().clone(*type), *input);
  ctx.setOutput(0, castToStorage(ctx, quantized), std::nullopt, dataType);
  return success();
}

static LogicalResult importDequantizeLinear(NodeContext &ctx) {
  FailureOr<int64_t> axis = ctx.attrInt("axis", 1);
  FailureOr<int64_t> blockSize = ctx.attrInt("block_size", 0);
  if (failed(axis) || failed(blockSize))
    return failure();
  auto scale = ctx.tensorInput(1);
  if (failed(scale))
    return failure();
  auto expressed = dyn_cast<FloatType>(scale->getType().getElementType());
  if (!expressed)
    return ctx.error() << "the scale must be floating point";
  FailureOr<Value> quantized =
      quantizedInput(ctx, 0, 1, *axis, *blockSize, expressed);
  if (failed(quantized))
    return failure();
  auto type = cast<RankedTensorType>(quantized->getType());
  ctx.setOutput(0, qc::DequantizeOp::create(ctx.builder(), ctx.loc(),
                                            type.clone(expressed),
                                            *quantized));
  return success();
}

//===----------------------------------------------------------------------===//
// QLinearMatMul, MatMulInteger
//===----------------------------------------------------------------------===//

/// Shape of a matrix product, with an error naming the operands.
static FailureOr<Shape> matmulShape(NodeContext &ctx, Value lhs, Value rhs) {
  ArrayRef<int64_t> a = cast<RankedTensorType>(lhs.getType()).getShape();
  ArrayRef<int64_t> b = cast<RankedTensorType>(rhs.getType()).getShape();
  std::optional<Shape> shape = qc::inferMatMulShape(a, b);
  if (!shape)
    return ctx.error() << "input shapes " << qc::formatShape(a) << " and "
                       << qc::formatShape(b) << " do not form a matrix product";
  return *shape;
}

static int64_t lastAxis(NodeContext &ctx, int index) {
  auto value = ctx.tensorInput(index);
  return succeeded(value) ? value->getType().getRank() - 1 : -1;
}

static LogicalResult importQLinearMatMul(NodeContext &ctx) {
  FailureOr<Value> lhs = quantizedInput(ctx, 0, 1, /*axis=*/0);
  FailureOr<Value> rhs = quantizedInput(ctx, 3, 4, lastAxis(ctx, 3));
  if (failed(lhs) || failed(rhs))
    return failure();
  FailureOr<Shape> shape = matmulShape(ctx, *lhs, *rhs);
  auto params = readScaleAndZeroPoint(ctx, 6);
  if (failed(shape) || failed(params))
    return failure();
  int32_t dataType = params->second ? params->second->dataType : kUint8;
  std::optional<Storage> storage = storageFor(dataType);
  if (!storage)
    return ctx.error() << "unsupported output type " << dataTypeName(dataType);
  FailureOr<quant::QuantizedType> resultType =
      buildQuantType(ctx, *shape, *storage, Float32Type::get(ctx.context()),
                     *params->first, params->second, 0, 0);
  if (failed(resultType))
    return failure();
  Value product = qc::QMatMulOp::create(
      ctx.builder(), ctx.loc(), RankedTensorType::get(*shape, *resultType),
      *lhs, *rhs, Value());
  ctx.setOutput(0, castToStorage(ctx, product), std::nullopt, dataType);
  return success();
}

/// An integer operand with unit scale and its zero point (MatMulInteger,
/// ConvInteger): the product then equals the raw i32 accumulator.
static FailureOr<Value> unitScaleInput(NodeContext &ctx, int index,
                                       int zeroPointIndex, int64_t axis) {
  auto input = ctx.tensorInput(index);
  if (failed(input))
    return failure();
  auto element = dyn_cast<IntegerType>(input->getType().getElementType());
  if (!element || element.getWidth() != 8)
    return ctx.error() << "input " << index << " must be int8 or uint8";
  const HostTensor *zeroPoint = nullptr;
  if (ctx.hasInput(zeroPointIndex)) {
    zeroPoint = ctx.hostInput(zeroPointIndex);
    if (!zeroPoint)
      return ctx.notConstantError(zeroPointIndex, "the zero point",
                                  "a constant");
  }
  // The ONNX type of the operand decides signedness; the zero point has
  // the same type.
  int32_t dataType = zeroPoint ? zeroPoint->dataType : ctx.inputDataType(index);
  std::optional<Storage> storage = storageFor(dataType);
  if (!storage || storage->width != 8)
    return ctx.error() << "zero point type " << dataTypeName(dataType)
                       << " is not 8-bit";
  HostTensor unit;
  unit.dataType = kFloat;
  int64_t count = zeroPoint ? zeroPoint->size() : 1;
  unit.floats.assign(count, 1.0);
  if (zeroPoint)
    unit.shape = zeroPoint->shape;
  FailureOr<quant::QuantizedType> type = buildQuantType(
      ctx, input->getType().getShape(), *storage,
      Float32Type::get(ctx.context()), unit, zeroPoint, axis, 0);
  if (failed(type))
    return failure();
  return castToQuantized(ctx, *input, *type);
}

static LogicalResult importMatMulInteger(NodeContext &ctx) {
  FailureOr<Value> lhs = unitScaleInput(ctx, 0, 2, 0);
  FailureOr<Value> rhs = unitScaleInput(ctx, 1, 3, lastAxis(ctx, 1));
  if (failed(lhs) || failed(rhs))
    return failure();
  FailureOr<Shape> shape = matmulShape(ctx, *lhs, *rhs);
  if (failed(shape))
    return failure();
  auto type = RankedTensorType::get(*shape, ctx.builder().getI32Type());
  ctx.setOutput(0, qc::QMatMulOp::create(ctx.builder(), ctx.loc(), type, *lhs,
                                         *rhs, Value()));
  return success();
}

//===----------------------------------------------------------------------===//
// QLinearConv, ConvInteger
//===----------------------------------------------------------------------===//

static FailureOr<Value> createQConv(NodeContext &ctx, Value input,
                                    Value weight, Value bias,
                                    Type resultElement) {
  auto inType = cast<RankedTensorType>(input.getType());
  auto wType = cast<RankedTensorType>(weight.getType());
  if (inType.getRank() != 4 || wType.getRank() != 4)
    return ctx.error() << "only 2-D convolutions are supported";
  WindowGeometry geometry;
  if (failed(readWindowGeometry(ctx, inType.getShape(), wType.getShape(),
                                geometry)))
    return failure();
  ArrayRef<int64_t> in = inType.getShape(), w = wType.getShape();
  Shape out = {in[0], w[0]};
  for (int i = 0; i < 2; ++i)
    out.push_back(qc::windowOutputExtent(
        in[2 + i], w[2 + i], geometry.strides[i], geometry.pads[i],
        geometry.pads[2 + i], geometry.dilations[i]));
  OpBuilder &b = ctx.builder();
  return qc::QConv2DOp::create(
             b, ctx.loc(), RankedTensorType::get(out, resultElement), input,
             weight, bias, b.getDenseI64ArrayAttr(geometry.strides),
             b.getDenseI64ArrayAttr(geometry.pads),
             b.getDenseI64ArrayAttr(geometry.dilations),
             b.getI64IntegerAttr(geometry.group))
      .getResult();
}

static LogicalResult importQLinearConv(NodeContext &ctx) {
  FailureOr<Value> input = quantizedInput(ctx, 0, 1, /*axis=*/1);
  FailureOr<Value> weight = quantizedInput(ctx, 3, 4, /*axis=*/0);
  if (failed(input) || failed(weight))
    return failure();
  Value bias;
  if (ctx.hasInput(8)) {
    auto b = ctx.tensorInput(8);
    if (failed(b))
      return failure();
    if (!b->getType().getElementType().isInteger(32))
      return ctx.error() << "the bias must be int32";
    bias = *b;
  }
  auto params = readScaleAndZeroPoint(ctx, 6);
  if (failed(params))
    return failure();
  int32_t dataType = params->second ? params->second->dataType : kUint8;
  std::optional<Storage> storage = storageFor(dataType);
  if (!storage)
    return ctx.error() << "unsupported output type " << dataTypeName(dataType);
  auto inShape = cast<RankedTensorType>(input->getType()).getShape();
  FailureOr<quant::QuantizedType> resultType = buildQuantType(
      ctx, inShape, *storage, Float32Type::get(ctx.context()), *params->first,
      params->second, 0, 0);
  if (failed(resultType))
    return failure();
  FailureOr<Value> conv = createQConv(ctx, *input, *weight, bias, *resultType);
  if (failed(conv))
    return failure();
  ctx.setOutput(0, castToStorage(ctx, *conv), std::nullopt, dataType);
  return success();
}

static LogicalResult importConvInteger(NodeContext &ctx) {
  FailureOr<Value> input = unitScaleInput(ctx, 0, 2, 1);
  FailureOr<Value> weight = unitScaleInput(ctx, 1, 3, 0);
  if (failed(input) || failed(weight))
    return failure();
  FailureOr<Value> conv = createQConv(ctx, *input, *weight, Value(),
                                      ctx.builder().getI32Type());
  if (failed(conv))
    return failure();
  ctx.setOutput(0, *conv);
  return success();
}

//===----------------------------------------------------------------------===//
// com.microsoft MatMulNBits
//===----------------------------------------------------------------------===//

/// The bytes behind a constant input (a dense_resource or dense qc.constant).
static std::optional<ArrayRef<char>> constantBytes(Value value) {
  auto constant = value.getDefiningOp<qc::ConstantOp>();
  if (!constant)
    return std::nullopt;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(constant.getValue()))
    if (AsmResourceBlob *blob = resource.getRawHandle().getBlob())
      return blob->getData();
  if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue()))
    if (!dense.isSplat())
      return dense.getRawData();
  return std::nullopt;
}

/// MatMulNBits: A [..., K] float times B, 4-bit weights stored as
/// [N, K/block_size, block_size/2] bytes with per-block scales (and packed
/// zero points, default 8). Imported as a blocked !quant.uniform<u4>
/// constant of shape K x N, dequantized, then a float qc.matmul: the form a
/// later pass fuses into qc.qmatmul once A is quantized.
static LogicalResult importMatMulNBits(NodeContext &ctx) {
  auto a = ctx.tensorInput(0);
  auto bPacked = ctx.tensorInput(1);
  FailureOr<int64_t> k = ctx.attrInt("K", -1), n = ctx.attrInt("N", -1);
  FailureOr<int64_t> bits = ctx.attrInt("bits", 4);
  FailureOr<int64_t> blockSize = ctx.attrInt("block_size", -1);
  if (failed(a) || failed(bPacked) || failed(k) || failed(n) ||
      failed(bits) || failed(blockSize))
    return failure();
  if (*bits != 4)
    return ctx.error() << "only bits = 4 is supported, got " << *bits;
  if (*k <= 0 || *n <= 0 || *blockSize < 16 || (*blockSize & (*blockSize - 1)))
    return ctx.error() << "K and N must be positive and block_size a power "
                          "of two of at least 16";
  if (*k % *blockSize != 0)
    return ctx.error() << "K (" << *k << ") must be a multiple of block_size ("
                       << *blockSize << ")";
  auto floatType = dyn_cast<FloatType>(a->getType().getElementType());
  if (!floatType || a->getType().getRank() < 1 ||
      !qc::extentsCompatible(a->getType().getShape().back(), *k))
    return ctx.error() << "A must be a float tensor with last dimension K";
  int64_t blocks = *k / *blockSize, blobBytes = *blockSize / 2;
  std::optional<ArrayRef<char>> packed = constantBytes(*bPacked);
  if (!packed || static_cast<int64_t>(packed->size()) != *n * blocks * blobBytes)
    return ctx.error() << "B must be a constant of " << *n * blocks * blobBytes
                       << " bytes (N x K/block_size x block_size/2)";
  const HostTensor *scales = ctx.hostInput(2);
  if (!scales || !scales->isFloat() || scales->size() != *n * blocks)
    return ctx.error() << "scales must be a constant of N * K/block_size = "
                       << *n * blocks << " floats";
  std::vector<int64_t> zeroPoints(*n * blocks, 8);
  if (ctx.hasInput(3)) {
    const HostTensor *zp = ctx.hostInput(3);
    int64_t zpBytesPerRow = (blocks + 1) / 2;
    if (!zp || zp->isFloat() || zp->size() != *n * zpBytesPerRow)
      return ctx.error() << "zero_points must be a packed uint8 constant of "
                         << *n * zpBytesPerRow << " bytes";
    for (int64_t col = 0; col < *n; ++col)
      for (int64_t blk = 0; blk < blocks; ++blk) {
        uint8_t byte = zp->ints[col * zpBytesPerRow + blk / 2];
        zeroPoints[col * blocks + blk] = blk % 2 ? byte >> 4 : byte & 0xF;
      }
  }
  if (ctx.hasInput(4) || ctx.hasInput(5))
    return ctx.error() << "g_idx and bias inputs are not supported";

  // Unpack to K x N, one byte per 4-bit value.
  std::vector<char> unpacked(*k * *n);
  for (int64_t col = 0; col < *n; ++col)
    for (int64_t row = 0; row < *k; ++row) {
      int64_t blk = row / *blockSize, within = row % *blockSize;
      uint8_t byte = (*packed)[(col * blocks + blk) * blobBytes + within / 2];
      unpacked[row * *n + col] = within % 2 ? byte >> 4 : byte & 0xF;
    }
  OpBuilder &b = ctx.builder();
  auto storageType = RankedTensorType::get({*k, *n}, b.getIntegerType(4));
  AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      llvm::ArrayRef<char>(unpacked), 1);
  std::string key = "w_";
  for (char c : ctx.node().input(1))
    key += llvm::isAlnum(c) ? c : '_';
  Value weights = qc::ConstantOp::create(
      b, ctx.loc(), storageType,
      DenseResourceElementsAttr::get(storageType, key + "_unpacked",
                                     std::move(blob)));
  // Scales and zero points laid out [K/block, N] for blocks along K.
  HostTensor scaleKN, zpKN;
  scaleKN.dataType = kFloat;
  scaleKN.shape = {blocks, *n};
  zpKN.dataType = kUint4;
  zpKN.shape = {blocks, *n};
  for (int64_t blk = 0; blk < blocks; ++blk)
    for (int64_t col = 0; col < *n; ++col) {
      scaleKN.floats.push_back(scales->floats[col * blocks + blk]);
      zpKN.ints.push_back(zeroPoints[col * blocks + blk]);
    }
  FailureOr<quant::QuantizedType> type =
      buildQuantType(ctx, {*k, *n}, Storage{4, false}, floatType, scaleKN,
                     &zpKN, /*axis=*/0, *blockSize);
  if (failed(type))
    return failure();
  Value quantized = castToQuantized(ctx, weights, *type);
  Value dequantized = qc::DequantizeOp::create(
      b, ctx.loc(), RankedTensorType::get({*k, *n}, floatType), quantized);
  FailureOr<Shape> shape = matmulShape(ctx, *a, dequantized);
  if (failed(shape))
    return failure();
  ctx.setOutput(0, qc::MatMulOp::create(b, ctx.loc(),
                                        RankedTensorType::get(*shape, floatType),
                                        *a, dequantized));
  return success();
}

void quantc::onnx_import::registerQuantHandlers(
    llvm::StringMap<NodeHandler> &handlers) {
  handlers["QuantizeLinear"] = importQuantizeLinear;
  handlers["DequantizeLinear"] = importDequantizeLinear;
  handlers["QLinearMatMul"] = importQLinearMatMul;
  handlers["QLinearConv"] = importQLinearConv;
  handlers["MatMulInteger"] = importMatMulInteger;
  handlers["ConvInteger"] = importConvInteger;
  handlers["com.microsoft.MatMulNBits"] = importMatMulNBits;
}
