//===- HostArray.h - tensors in files: .npy and ONNX TensorProto -*- C++ -*-===//
//
// Part of quantc. The driver reads model inputs from and writes outputs to
// NumPy .npy files (and reads ONNX TensorProto .pb files, the format of
// ONNX's own test data).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DRIVER_HOSTARRAY_H
#define QUANTC_DRIVER_HOSTARRAY_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace quantc {

/// A dense row-major float32 array.
struct HostArray {
  std::vector<int64_t> shape;
  std::vector<float> data;
  int64_t size() const;
};

/// "<path>: <why>", the form of every error about a file the driver reads.
inline llvm::Error fileError(llvm::StringRef path, const llvm::Twine &why) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (path + ": " + why).str());
}

/// Copies a strided float32 view (sizes and strides in elements, as in an
/// MLIR memref descriptor) into `out` in row-major order.
void gatherStrided(const float *base, llvm::ArrayRef<int64_t> sizes,
                   llvm::ArrayRef<int64_t> strides, float *out);

/// Reads a little-endian float32 (or float64/int64, converted) C-order
/// .npy file.
llvm::Expected<HostArray> readNpy(llvm::StringRef path);

/// Writes a float32 C-order .npy file (format 1.0).
llvm::Error writeNpy(llvm::StringRef path, const HostArray &array);

/// Reads an ONNX TensorProto file (float32 data).
llvm::Expected<HostArray> readTensorProto(llvm::StringRef path);

/// Reads .npy or .pb by extension.
llvm::Expected<HostArray> readTensorFile(llvm::StringRef path);

} // namespace quantc

#endif // QUANTC_DRIVER_HOSTARRAY_H
