//===- HostArray.h - tensors in files: .npy and ONNX TensorProto -*- C++ -*-===//
//
// Part of quantc. The driver reads model inputs from and writes outputs to
// NumPy .npy files (and reads ONNX TensorProto .pb files, the format of
// ONNX's own test data).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DRIVER_HOSTARRAY_H
#define QUANTC_DRIVER_HOSTARRAY_H

#include "quantc/Driver/HostElementType.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace quantc {

/// A dense row-major array. float32 elements live in `data`, which the
/// calibration and quantization code reads; every other element type in
/// `bytes`, little-endian, as the model takes and returns them.
struct HostArray {
  std::vector<int64_t> shape;
  std::vector<float> data;
  ElementType type = ElementType::F32;
  std::vector<char> bytes = {};

  int64_t size() const;
  /// The first element, whichever vector holds them.
  const char *address() const;
  char *address();
  /// A zero-filled array of `type` and `shape`.
  static HostArray zeros(ElementType type, llvm::ArrayRef<int64_t> shape);
  /// The same values as `target` elements (see storeElement).
  HostArray convertTo(ElementType target) const;
};

/// "<path>: <why>", the form of every error about a file the driver reads.
inline llvm::Error fileError(llvm::StringRef path, const llvm::Twine &why) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (path + ": " + why).str());
}

/// Copies a strided view of `elementSize`-byte elements (sizes and strides
/// in elements, as in an MLIR memref descriptor) into `out` in row-major
/// order.
void gatherStrided(const char *base, size_t elementSize,
                   llvm::ArrayRef<int64_t> sizes,
                   llvm::ArrayRef<int64_t> strides, char *out);
inline void gatherStrided(const float *base, llvm::ArrayRef<int64_t> sizes,
                          llvm::ArrayRef<int64_t> strides, float *out) {
  gatherStrided(reinterpret_cast<const char *>(base), sizeof(float), sizes,
                strides, reinterpret_cast<char *>(out));
}

/// Reads a little-endian C-order .npy file of any numeric dtype.
llvm::Expected<HostArray> readNpy(llvm::StringRef path);

/// Writes a C-order .npy file (format 1.0) of the array's element type.
llvm::Error writeNpy(llvm::StringRef path, const HostArray &array);

/// Reads an ONNX TensorProto file of any numeric data type.
llvm::Expected<HostArray> readTensorProto(llvm::StringRef path);

/// The same readers on bytes in memory; `path` names them in errors.
llvm::Expected<HostArray> parseNpy(llvm::StringRef bytes, llvm::StringRef path);
llvm::Expected<HostArray> parseTensorProto(llvm::StringRef bytes,
                                           llvm::StringRef path);

/// Reads .npy or .pb by extension.
llvm::Expected<HostArray> readTensorFile(llvm::StringRef path);

/// `name` with every character a file name should not hold replaced: how
/// output files, and the per-input files of a sample, are named.
std::string safeFileName(llvm::StringRef name);

} // namespace quantc

#endif // QUANTC_DRIVER_HOSTARRAY_H
