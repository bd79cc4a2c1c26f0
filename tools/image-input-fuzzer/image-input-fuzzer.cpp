//===- image-input-fuzzer.cpp - libFuzzer entry for image samples ---------===//
//
// Part of quantc. Feeds arbitrary bytes to the image decoder (PNG through
// libpng, binary PPM/PGM) and every decoded image through the
// preprocessing of each resize mode: any input must give an image or an
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
    llvm::Expected<quantc::HostArray> array =
        quantc::preprocessImage(*image, {1, 3, 7, 11}, options);
    if (!array)
      llvm::consumeError(array.takeError());
  }
  return 0;
}
