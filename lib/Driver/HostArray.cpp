//===- HostArray.cpp - tensors in files: .npy and ONNX TensorProto --------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Driver/HostArray.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx.pb.h"

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace quantc;
using llvm::StringRef;

int64_t HostArray::size() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

const char *HostArray::address() const {
  return type == ElementType::F32 ? reinterpret_cast<const char *>(data.data())
                                  : bytes.data();
}

char *HostArray::address() {
  return type == ElementType::F32 ? reinterpret_cast<char *>(data.data())
                                  : bytes.data();
}

HostArray HostArray::zeros(ElementType type, llvm::ArrayRef<int64_t> shape) {
  HostArray array;
  array.type = type;
  array.shape.assign(shape.begin(), shape.end());
  if (type == ElementType::F32)
    array.data.assign(array.size(), 0.0f);
  else
    array.bytes.assign(array.size() * elementSize(type), 0);
  return array;
}

HostArray HostArray::convertTo(ElementType target) const {
  if (target == type)
    return *this;
  HostArray result = zeros(target, shape);
  for (int64_t i = 0, n = size(); i < n; ++i)
    storeElement(result.address(), target, i, loadElement(address(), type, i));
  return result;
}

void quantc::gatherStrided(const char *base, size_t elementSize,
                           llvm::ArrayRef<int64_t> sizes,
                           llvm::ArrayRef<int64_t> strides, char *out) {
  int64_t rank = sizes.size(), count = 1;
  for (int64_t size : sizes)
    count *= size;
  if (count == 0)
    return;
  // Row-major and dense (what the model returns almost always): one copy.
  bool dense = true;
  for (int64_t d = rank - 1, expected = 1; d >= 0; --d) {
    dense &= sizes[d] == 1 || strides[d] == expected;
    expected *= sizes[d];
  }
  if (dense) {
    std::memcpy(out, base, size_t(count) * elementSize);
    return;
  }
  // An odometer over the outer index space, row-major; the innermost
  // dimension is one strided run.
  int64_t inner = rank ? sizes[rank - 1] : 1,
          innerStride = rank ? strides[rank - 1] : 1;
  std::vector<int64_t> index(std::max<int64_t>(rank - 1, 0), 0);
  for (int64_t flat = 0; flat < count; flat += inner) {
    int64_t offset = 0;
    for (int64_t d = 0; d + 1 < rank; ++d)
      offset += index[d] * strides[d];
    for (int64_t i = 0; i < inner; ++i)
      std::memcpy(out + (flat + i) * elementSize,
                  base + (offset + i * innerStride) * elementSize, elementSize);
    for (int64_t d = rank - 2; d >= 0; --d) {
      if (++index[d] < sizes[d])
        break;
      index[d] = 0;
    }
  }
}

/// Whether a shape's element count is at most 2^34, without overflowing
/// on the way: a corrupt or hostile file claims anything.
static bool plausibleElementCount(llvm::ArrayRef<int64_t> shape) {
  constexpr int64_t kMaxElements = int64_t(1) << 34;
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d != 0 && count > kMaxElements / d)
      return false;
    count *= d;
  }
  return count <= kMaxElements;
}

/// Reads the value of `key` in a .npy header dict ('key': value, ...).
static StringRef headerValue(StringRef header, StringRef key) {
  size_t at = header.find(("'" + key + "'").str());
  if (at == StringRef::npos)
    return {};
  StringRef rest = header.drop_front(at + key.size() + 2).ltrim(" :");
  if (rest.starts_with("(")) {
    size_t close = rest.find(')');
    return close == StringRef::npos ? StringRef() : rest.take_front(close + 1);
  }
  size_t end = rest.find_first_of(",}");
  return rest.take_front(end).trim();
}

llvm::Expected<HostArray> quantc::readNpy(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fileError(path, "cannot read: " + buffer.getError().message());
  return parseNpy((*buffer)->getBuffer(), path);
}

llvm::Expected<HostArray> quantc::parseNpy(StringRef bytes, StringRef path) {
  if (bytes.size() < 10 || !bytes.starts_with("\x93NUMPY"))
    return fileError(path, "not a .npy file");
  unsigned major = static_cast<uint8_t>(bytes[6]);
  size_t headerLength, offset;
  if (major == 1) {
    headerLength =
        static_cast<uint8_t>(bytes[8]) | (static_cast<uint8_t>(bytes[9]) << 8);
    offset = 10;
  } else if ((major == 2 || major == 3) && bytes.size() >= 12) {
    headerLength = 0;
    for (int i = 0; i < 4; ++i)
      headerLength |= size_t(static_cast<uint8_t>(bytes[8 + i])) << (8 * i);
    offset = 12;
  } else {
    return fileError(path, "unsupported .npy version " + llvm::Twine(major));
  }
  if (offset + headerLength > bytes.size())
    return fileError(path, "truncated .npy header");
  StringRef header = bytes.substr(offset, headerLength);
  StringRef descr = headerValue(header, "descr").trim("'\"");
  StringRef fortran = headerValue(header, "fortran_order");
  StringRef shapeText = headerValue(header, "shape");
  if (fortran != "False")
    return fileError(path, "Fortran-order arrays are not supported");
  if (!shapeText.starts_with("("))
    return fileError(path, "malformed .npy header (no shape)");
  HostArray array;
  llvm::SmallVector<StringRef> parts;
  shapeText.drop_front().drop_back().split(parts, ',', -1, false);
  for (StringRef part : parts) {
    int64_t dim;
    if (part.trim().getAsInteger(10, dim) || dim < 0)
      return fileError(path, "malformed shape " + shapeText);
    array.shape.push_back(dim);
  }
  if (!plausibleElementCount(array.shape))
    return fileError(path, "claims more than 2^34 elements");
  int64_t count = array.size();
  std::optional<ElementType> type = fromNpyDescr(descr);
  if (!type)
    return fileError(path, "dtype '" + descr +
                               "' is not supported (numeric little-endian "
                               "types and bool are)");
  size_t width = elementSize(*type);
  StringRef data = bytes.drop_front(offset + headerLength);
  if (data.size() != static_cast<size_t>(count) * width)
    return fileError(path, "holds " + llvm::Twine(data.size()) +
                               " data bytes, but shape " + shapeText +
                               " needs " + llvm::Twine(count * width));
  array = HostArray::zeros(*type, array.shape);
  std::memcpy(array.address(), data.data(), data.size());
  return array;
}

llvm::Error quantc::writeNpy(StringRef path, const HostArray &array) {
  // Python tuple syntax: (), (n,), (a, b).
  std::string shape = "(";
  for (size_t i = 0; i < array.shape.size(); ++i) {
    shape += std::to_string(array.shape[i]);
    if (array.shape.size() == 1)
      shape += ",";
    else if (i + 1 < array.shape.size())
      shape += ", ";
  }
  shape += ")";
  std::string header = "{'descr': '" + npyDescr(array.type).str() +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad so that the data starts at a multiple of 64 bytes.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return fileError(path, "cannot write: " + ec.message());
  os << "\x93NUMPY" << char(1) << char(0) << char(header.size() & 0xFF)
     << char(header.size() >> 8) << header;
  os.write(array.address(), array.size() * elementSize(array.type));
  return llvm::Error::success();
}

llvm::Expected<HostArray> quantc::readTensorProto(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fileError(path, "cannot read: " + buffer.getError().message());
  return parseTensorProto((*buffer)->getBuffer(), path);
}

llvm::Expected<HostArray> quantc::parseTensorProto(StringRef bytes,
                                                   StringRef path) {
  onnx::TensorProto tensor;
  if (!tensor.ParseFromArray(bytes.data(), bytes.size()))
    return fileError(path, "not an ONNX TensorProto");
  std::optional<ElementType> type = fromONNXDataType(tensor.data_type());
  if (!type)
    return fileError(path, "data type " + llvm::Twine(tensor.data_type()) +
                               " is not supported (numeric types and bool "
                               "are)");
  std::vector<int64_t> shape;
  for (int64_t d : tensor.dims()) {
    if (d < 0)
      return fileError(path, "negative dimension");
    shape.push_back(d);
  }
  if (!plausibleElementCount(shape))
    return fileError(path, "claims more than 2^34 elements");
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  size_t width = elementSize(*type);
  // The stored values must be there before the array is allocated: a
  // short corrupt file must not claim gigabytes.
  int64_t stored = tensor.has_raw_data() ? tensor.raw_data().size() / width
                   : *type == ElementType::F32 ? tensor.float_data_size()
                   : *type == ElementType::F64 ? tensor.double_data_size()
                   : *type == ElementType::I64 ? tensor.int64_data_size()
                   : *type == ElementType::U32 || *type == ElementType::U64
                       ? tensor.uint64_data_size()
                       : tensor.int32_data_size();
  if (stored != count ||
      (tensor.has_raw_data() && tensor.raw_data().size() % width != 0))
    return fileError(path, "holds " + llvm::Twine(stored) +
                               " values, but the shape needs " +
                               llvm::Twine(count));
  HostArray array = HostArray::zeros(*type, shape);
  if (tensor.has_raw_data()) {
    std::memcpy(array.address(), tensor.raw_data().data(), count * width);
    return array;
  }
  // The typed field each data type keeps its values in.
  auto fill = [&](const auto &values) -> llvm::Expected<HostArray> {
    for (int64_t i = 0; i < count; ++i) {
      if (*type == ElementType::F16) // float16 bits in int32_data
        std::memcpy(array.address() + 2 * i, &values[i], 2);
      else
        storeElement(array.address(), *type, i, double(values[i]));
    }
    return std::move(array);
  };
  switch (*type) {
  case ElementType::F32:
    return fill(tensor.float_data());
  case ElementType::F64:
    return fill(tensor.double_data());
  case ElementType::I64: {
    // Through double would round large ids: copy the integers.
    std::memcpy(array.address(), tensor.int64_data().data(), count * 8);
    return array;
  }
  case ElementType::U32:
  case ElementType::U64: {
    for (int64_t i = 0; i < count; ++i) {
      uint64_t v = tensor.uint64_data(i);
      std::memcpy(array.address() + i * width, &v, width);
    }
    return array;
  }
  default:
    return fill(tensor.int32_data());
  }
}

llvm::Expected<HostArray> quantc::readTensorFile(StringRef path) {
  if (path.ends_with(".pb"))
    return readTensorProto(path);
  return readNpy(path);
}

std::string quantc::safeFileName(llvm::StringRef name) {
  std::string file;
  for (char c : name)
    file += llvm::isAlnum(c) || c == '.' || c == '_' || c == '-' ? c : '_';
  return file;
}
