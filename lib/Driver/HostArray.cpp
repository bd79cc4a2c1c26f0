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

void quantc::gatherStrided(const float *base, llvm::ArrayRef<int64_t> sizes,
                           llvm::ArrayRef<int64_t> strides, float *out) {
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
    std::memcpy(out, base, size_t(count) * sizeof(float));
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
      out[flat + i] = base[offset + i * innerStride];
    for (int64_t d = rank - 2; d >= 0; --d) {
      if (++index[d] < sizes[d])
        break;
      index[d] = 0;
    }
  }
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
  StringRef bytes = (*buffer)->getBuffer();
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
  int64_t count = array.size();
  size_t width = descr == "<f4"                       ? 4
                 : (descr == "<f8" || descr == "<i8") ? 8
                                                      : 0;
  if (!width)
    return fileError(path, "dtype '" + descr +
                               "' is not supported; use float32 (<f4)");
  StringRef data = bytes.drop_front(offset + headerLength);
  if (data.size() != static_cast<size_t>(count) * width)
    return fileError(path, "holds " + llvm::Twine(data.size()) +
                               " data bytes, but shape " + shapeText +
                               " needs " + llvm::Twine(count * width));
  array.data.resize(count);
  for (int64_t i = 0; i < count; ++i) {
    const char *p = data.data() + i * width;
    if (descr == "<f4") {
      std::memcpy(&array.data[i], p, 4);
    } else if (descr == "<f8") {
      double v;
      std::memcpy(&v, p, 8);
      array.data[i] = static_cast<float>(v);
    } else {
      int64_t v;
      std::memcpy(&v, p, 8);
      array.data[i] = static_cast<float>(v);
    }
  }
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
  std::string header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
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
  os.write(reinterpret_cast<const char *>(array.data.data()),
           array.data.size() * sizeof(float));
  return llvm::Error::success();
}

llvm::Expected<HostArray> quantc::readTensorProto(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fileError(path, "cannot read: " + buffer.getError().message());
  onnx::TensorProto tensor;
  StringRef bytes = (*buffer)->getBuffer();
  if (!tensor.ParseFromArray(bytes.data(), bytes.size()))
    return fileError(path, "not an ONNX TensorProto");
  if (tensor.data_type() != onnx::TensorProto::FLOAT)
    return fileError(path, "only float32 tensors are supported");
  HostArray array;
  for (int64_t d : tensor.dims()) {
    if (d < 0)
      return fileError(path, "negative dimension");
    array.shape.push_back(d);
  }
  int64_t count = array.size();
  if (tensor.has_raw_data()) {
    if (tensor.raw_data().size() != static_cast<size_t>(count) * 4)
      return fileError(path, "raw_data length does not match the shape");
    array.data.resize(count);
    std::memcpy(array.data.data(), tensor.raw_data().data(), count * 4);
  } else {
    if (tensor.float_data_size() != count)
      return fileError(path, "float_data length does not match the shape");
    array.data.assign(tensor.float_data().begin(), tensor.float_data().end());
  }
  return array;
}

llvm::Expected<HostArray> quantc::readTensorFile(StringRef path) {
  if (path.ends_with(".pb"))
    return readTensorProto(path);
  return readNpy(path);
}
