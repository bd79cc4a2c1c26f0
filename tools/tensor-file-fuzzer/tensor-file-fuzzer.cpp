//===- tensor-file-fuzzer.cpp - libFuzzer entry for .npy and .pb samples --===//
//
// Part of quantc. Feeds arbitrary bytes to the readers of calibration and
// run inputs, NumPy .npy and ONNX TensorProto, and every array read through
// the conversion a model input applies (to float32 and to int64): any input
// must give an array or an error, never a crash, a leak, an out-of-bounds
// access or a huge allocation.
//
//===----------------------------------------------------------------------===//

#include "quantc/Driver/HostArray.h"

#include <cstddef>
#include <cstdint>

static void convert(llvm::Expected<quantc::HostArray> array) {
  if (!array) {
    llvm::consumeError(array.takeError());
    return;
  }
  (void)array->convertTo(quantc::ElementType::F32);
  (void)array->convertTo(quantc::ElementType::I64);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  convert(quantc::parseNpy(bytes, "fuzz.npy"));
  convert(quantc::parseTensorProto(bytes, "fuzz.pb"));
  return 0;
}
