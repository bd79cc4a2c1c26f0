//===- TensorImport.cpp - ONNX TensorProto contents -----------------------===//
//
// Part of quantc. Reads initializer and Constant contents, from the
// TensorProto's typed fields, raw_data, or external data files confined to
// the model's folder, checking every length against the declared shape.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstring>

using namespace mlir;
using namespace quantc::onnx_import;

/// Tensors larger than this are refused (a hostile file may claim any
/// shape). 2^34 elements is 64 GiB of f32.
static constexpr int64_t kMaxElements = int64_t(1) << 34;

Type quantc::onnx_import::elementTypeFor(MLIRContext &context,
                                         int32_t dataType) {
  Builder b(&context);
  switch (dataType) {
  case kFloat: return b.getF32Type();
  case kFloat16: return b.getF16Type();
  case kBFloat16: return b.getBF16Type();
  case kDouble: return b.getF64Type();
  case kInt8: case kUint8: return b.getIntegerType(8);
  case kInt16: case kUint16: return b.getIntegerType(16);
  case kInt32: case kUint32: return b.getIntegerType(32);
  case kInt64: case kUint64: return b.getIntegerType(64);
  case kBool: return b.getIntegerType(1);
  case kInt4: case kUint4: return b.getIntegerType(4);
  default: return {};
  }
}

const char *quantc::onnx_import::dataTypeName(int32_t dataType) {
  switch (dataType) {
  case kFloat: return "float32";
  case kUint8: return "uint8";
  case kInt8: return "int8";
  case kUint16: return "uint16";
  case kInt16: return "int16";
  case kInt32: return "int32";
  case kInt64: return "int64";
  case kString: return "string";
  case kBool: return "bool";
  case kFloat16: return "float16";
  case kDouble: return "float64";
  case kUint32: return "uint32";
  case kUint64: return "uint64";
  case kBFloat16: return "bfloat16";
  case kUint4: return "uint4";
  case kInt4: return "int4";
  default: return "unknown";
  }
}

/// Bytes per element in memory (4-bit types take one byte each).
static int64_t elementBytes(int32_t dataType) {
  switch (dataType) {
  case kFloat: case kInt32: case kUint32: return 4;
  case kDouble: case kInt64: case kUint64: return 8;
  case kFloat16: case kBFloat16: case kInt16: case kUint16: return 2;
  default: return 1;
  }
}

static bool isSupportedDataType(int32_t type) {
  switch (type) {
  case kFloat: case kUint8: case kInt8: case kUint16: case kInt16:
  case kInt32: case kInt64: case kBool: case kFloat16: case kDouble:
  case kUint32: case kUint64: case kBFloat16: case kUint4: case kInt4:
    return true;
  default:
    return false;
  }
}

bool HostTensor::fullyKnown() const {
  return llvm::none_of(ints, [](int64_t v) { return ShapedType::isDynamic(v); });
}

FailureOr<Shape> quantc::onnx_import::tensorShape(
    const onnx::TensorProto &tensor,
    function_ref<InFlightDiagnostic()> emitError) {
  Shape shape;
  int64_t count = 1;
  for (int64_t dim : tensor.dims()) {
    if (dim < 0)
      return emitError() << "tensor '" << tensor.name()
                         << "' has a negative dimension " << dim;
    if (dim != 0 && count > kMaxElements / dim)
      return emitError() << "tensor '" << tensor.name()
                         << "' claims more than 2^34 elements";
    count *= dim;
    shape.push_back(dim);
  }
  return shape;
}

/// Copies `count` values of a repeated proto field into `out`, narrowing to
/// the element width.
template <typename Field>
static void copyField(const Field &field, int32_t dataType,
                      std::vector<char> &out) {
  int64_t width = elementBytes(dataType);
  out.resize(field.size() * width);
  for (int i = 0; i < field.size(); ++i) {
    auto value = field.Get(i);
    switch (dataType) {
    case kFloat: { float v = value; std::memcpy(&out[i * 4], &v, 4); break; }
    case kDouble: { double v = value; std::memcpy(&out[i * 8], &v, 8); break; }
    default: {
      // Integers (and f16/bf16 bit patterns stored in int32_data): keep the
      // low `width` bytes, little endian.
      uint64_t bits = static_cast<uint64_t>(value);
      std::memcpy(&out[i * width], &bits, width);
    }
    }
  }
}

/// Unpacks two 4-bit values per byte (low nibble first), sign-extending
/// for int4.
static std::vector<char> unpackNibbles(llvm::ArrayRef<char> packed,
                                       int64_t count, bool isSigned) {
  std::vector<char> out(count);
  for (int64_t i = 0; i < count; ++i) {
    uint8_t byte = static_cast<uint8_t>(packed[i / 2]);
    uint8_t nibble = (i % 2 == 0) ? (byte & 0x0F) : (byte >> 4);
    out[i] = isSigned && (nibble & 0x8) ? static_cast<char>(nibble | 0xF0)
                                         : static_cast<char>(nibble);
  }
  return out;
}

/// Reads the bytes of an external-data tensor, refusing paths that leave
/// the model's folder.
static FailureOr<std::vector<char>>
readExternal(const onnx::TensorProto &tensor, llvm::StringRef modelDirectory,
             int64_t expectedBytes,
             function_ref<InFlightDiagnostic()> emitError) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto &entry : tensor.external_data()) {
    llvm::StringRef value = entry.value();
    if (entry.key() == "location") {
      location = entry.value();
    } else if (entry.key() == "offset") {
      if (value.getAsInteger(10, offset) || offset < 0)
        return emitError() << "tensor '" << tensor.name()
                           << "' has an invalid external-data offset '"
                           << value << "'";
    } else if (entry.key() == "length") {
      if (value.getAsInteger(10, length) || length < 0)
        return emitError() << "tensor '" << tensor.name()
                           << "' has an invalid external-data length '"
                           << value << "'";
    }
  }
  auto refuse = [&](llvm::StringRef why) {
    return emitError() << "tensor '" << tensor.name()
                       << "': external data location '" << location << "' "
                       << why;
  };
  if (location.empty())
    return refuse("is missing");
  if (modelDirectory.empty())
    return refuse("cannot be resolved: the model was not read from a file");
  if (llvm::sys::path::is_absolute(location) ||
      llvm::sys::path::has_root_name(location))
    return refuse("is absolute; it must be relative to the model's folder");
  for (llvm::StringRef part : llvm::make_range(
           llvm::sys::path::begin(location), llvm::sys::path::end(location)))
    if (part == "..")
      return refuse("escapes the model's folder");
  llvm::SmallString<256> path(modelDirectory);
  llvm::sys::path::append(path, location);
  // Symbolic links may still lead out: compare the resolved paths.
  llvm::SmallString<256> realDir, realFile;
  if (llvm::sys::fs::real_path(modelDirectory, realDir) ||
      llvm::sys::fs::real_path(path, realFile))
    return refuse("does not name a readable file");
  llvm::StringRef dirPrefix = realDir;
  if (!llvm::StringRef(realFile).starts_with(dirPrefix) ||
      (realFile.size() > dirPrefix.size() &&
       !llvm::sys::path::is_separator(realFile[dirPrefix.size()])))
    return refuse("resolves outside the model's folder");
  if (!llvm::sys::fs::is_regular_file(realFile))
    return refuse("is not a regular file");
  uint64_t fileSize = 0;
  if (llvm::sys::fs::file_size(realFile, fileSize))
    return refuse("cannot be read");
  if (length < 0)
    length = expectedBytes;
  if (length != expectedBytes)
    return emitError() << "tensor '" << tensor.name()
                       << "': external data length " << length
                       << " does not match the " << expectedBytes
                       << " bytes its shape and type need";
  if (static_cast<uint64_t>(offset) > fileSize ||
      static_cast<uint64_t>(length) > fileSize - offset)
    return emitError() << "tensor '" << tensor.name() << "': external data ["
                       << offset << ", " << offset + length
                       << ") lies beyond the end of '" << location << "' ("
                       << fileSize << " bytes)";
  auto buffer = llvm::MemoryBuffer::getFileSlice(realFile, length, offset);
  if (!buffer)
    return refuse("cannot be read");
  llvm::StringRef data = (*buffer)->getBuffer();
  return std::vector<char>(data.begin(), data.end());
}

FailureOr<std::vector<char>> quantc::onnx_import::readTensorBytes(
    const onnx::TensorProto &tensor, llvm::StringRef modelDirectory,
    function_ref<InFlightDiagnostic()> emitError) {
  int32_t type = tensor.data_type();
  if (!isSupportedDataType(type))
    return emitError() << "tensor '" << tensor.name()
                       << "' has unsupported data type " << dataTypeName(type)
                       << " (" << type << ")";
  FailureOr<Shape> shape = tensorShape(tensor, emitError);
  if (failed(shape))
    return failure();
  int64_t count = qc::shapeProduct(*shape);
  bool nibbles = type == kInt4 || type == kUint4;
  int64_t storedBytes = nibbles ? (count + 1) / 2 : count * elementBytes(type);
  auto fromStored = [&](std::vector<char> stored) -> std::vector<char> {
    return nibbles ? unpackNibbles(stored, count, type == kInt4) : stored;
  };
  auto mismatch = [&](int64_t have) {
    return emitError() << "tensor '" << tensor.name() << "' of shape "
                       << qc::formatShape(*shape) << " and type "
                       << dataTypeName(type) << " needs " << count
                       << " elements, but its data holds " << have;
  };

  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    FailureOr<std::vector<char>> bytes =
        readExternal(tensor, modelDirectory, storedBytes, emitError);
    if (failed(bytes))
      return failure();
    return fromStored(std::move(*bytes));
  }
  if (tensor.has_raw_data()) {
    const std::string &raw = tensor.raw_data();
    if (static_cast<int64_t>(raw.size()) != storedBytes)
      return emitError() << "tensor '" << tensor.name()
                         << "' has raw_data of " << raw.size()
                         << " bytes, but shape " << qc::formatShape(*shape)
                         << " and type " << dataTypeName(type) << " need "
                         << storedBytes;
    return fromStored(std::vector<char>(raw.begin(), raw.end()));
  }
  std::vector<char> out;
  switch (type) {
  case kFloat:
    if (tensor.float_data_size() != count)
      return mismatch(tensor.float_data_size());
    copyField(tensor.float_data(), type, out);
    return out;
  case kDouble:
    if (tensor.double_data_size() != count)
      return mismatch(tensor.double_data_size());
    copyField(tensor.double_data(), type, out);
    return out;
  case kInt64:
    if (tensor.int64_data_size() != count)
      return mismatch(tensor.int64_data_size());
    copyField(tensor.int64_data(), type, out);
    return out;
  case kUint32: case kUint64:
    if (tensor.uint64_data_size() != count)
      return mismatch(tensor.uint64_data_size());
    copyField(tensor.uint64_data(), type, out);
    return out;
  case kInt4: case kUint4: {
    // int32_data holds one packed byte per entry.
    if (tensor.int32_data_size() != storedBytes)
      return mismatch(tensor.int32_data_size() * 2);
    std::vector<char> packed(storedBytes);
    for (int64_t i = 0; i < storedBytes; ++i)
      packed[i] = static_cast<char>(tensor.int32_data(i));
    return fromStored(std::move(packed));
  }
  case kInt32: case kInt16: case kUint16: case kInt8: case kUint8:
  case kBool: case kFloat16: case kBFloat16:
    if (tensor.int32_data_size() != count)
      return mismatch(tensor.int32_data_size());
    copyField(tensor.int32_data(), type, out);
    return out;
  default:
    return emitError() << "tensor '" << tensor.name()
                       << "' has unsupported data type "
                       << dataTypeName(type) << " (" << type << ")";
  }
}

HostTensor
quantc::onnx_import::decodeHostTensor(const onnx::TensorProto &tensor,
                                      llvm::ArrayRef<char> bytes) {
  HostTensor host;
  host.dataType = tensor.data_type();
  host.shape.assign(tensor.dims().begin(), tensor.dims().end());
  int64_t width = elementBytes(host.dataType);
  int64_t count = bytes.size() / width;
  bool isSigned = host.dataType == kInt8 || host.dataType == kInt16 ||
                  host.dataType == kInt32 || host.dataType == kInt64 ||
                  host.dataType == kInt4;
  for (int64_t i = 0; i < count; ++i) {
    const char *p = &bytes[i * width];
    switch (host.dataType) {
    case kFloat: { float v; std::memcpy(&v, p, 4); host.floats.push_back(v); break; }
    case kDouble: { double v; std::memcpy(&v, p, 8); host.floats.push_back(v); break; }
    case kFloat16: case kBFloat16: {
      uint16_t bits; std::memcpy(&bits, p, 2);
      llvm::APFloat value(host.dataType == kFloat16 ? llvm::APFloat::IEEEhalf()
                                                    : llvm::APFloat::BFloat(),
                          llvm::APInt(16, bits));
      host.floats.push_back(value.convertToDouble());
      break;
    }
    default: {
      uint64_t bits = 0;
      std::memcpy(&bits, p, width);
      int64_t value = static_cast<int64_t>(bits);
      if (isSigned && width < 8) {
        int shift = 64 - 8 * width;
        value = static_cast<int64_t>(bits << shift) >> shift;
      }
      host.ints.push_back(value);
    }
    }
  }
  return host;
}
