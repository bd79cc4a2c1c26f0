//===- image-input-fuzzer.cpp - libFuzzer entry for image samples ---------===//
//
// Part of quantc. Feeds arbitrary bytes to the image decoder (PNG through
// libpng, binary PPM/PGM) and every decoded image through the
// preprocessing of each resize mode, into NCHW and channels-last inputs:
// any input must give an image or an
// error, never a crash, a leak or an out-of-bounds access.
//
//===----------------------------------------------------------------------===//

#include "quantc/Driver/ImageInput.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  llvm::Expected<quantc::Image> image = quantc::decodeImage(bytes, "fuzz");
  if (!image) {
    llvm::consumeError(image.takeError());
    return 0;
  }
  for (auto resize : {quantc::ImageResize::Stretch,
                      quantc::ImageResize::PadRight,
                      quantc::ImageResize::CenterCrop}) {
    quantc::ImagePreprocessing options;
    options.resize = resize;
    // NCHW RGB, and channels-last RGBA (an opaque alpha channel).
    static const int64_t kShapes[2][4] = {{1, 3, 7, 11}, {1, 7, 11, 4}};
    for (llvm::ArrayRef<int64_t> shape : kShapes) {
      llvm::Expected<quantc::HostArray> array =
          quantc::preprocessImage(*image, shape, options);
      if (!array)
        llvm::consumeError(array.takeError());
    }
  }
  return 0;
}
