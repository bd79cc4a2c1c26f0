//===- ImageDecode.cpp - PNG and binary netpbm decoding -------------------===//
//
// Part of quantc. PNG goes through libpng's simplified API, which reports
// errors through a message instead of longjmp, so no setjmp is needed
// here. Kept apart from the preprocessing so the fuzzer can compile just
// this file with instrumentation.
//
//===----------------------------------------------------------------------===//

#include "quantc/Driver/ImageInput.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <png.h>

#include <algorithm>
#include <cstring>

using namespace quantc;
using llvm::StringRef;

/// Larger images are refused before their pixels are allocated: a crafted
/// header must not be able to ask for gigabytes.
constexpr int64_t kMaxPixels = int64_t(1) << 26; // 64 Mpixel

static llvm::Expected<Image> decodePng(StringRef data, StringRef path) {
  png_image png;
  std::memset(&png, 0, sizeof(png));
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&png, data.data(), data.size()))
    return fileError(path, llvm::Twine("not a readable PNG image (") +
                          png.message + ")");
  if (int64_t(png.width) * png.height > kMaxPixels) {
    png_image_free(&png);
    return fileError(path, "image of " + llvm::Twine(png.width) + "x" +
                          llvm::Twine(png.height) +
                          " pixels is larger than 64 Mpixel");
  }
  bool gray = !(png.format & PNG_FORMAT_FLAG_COLOR);
  png.format = gray ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  Image image;
  image.height = png.height;
  image.width = png.width;
  image.channels = gray ? 1 : 3;
  image.pixels.resize(PNG_IMAGE_SIZE(png));
  // Transparent pixels are composited onto white, as viewers show them.
  png_color white = {255, 255, 255};
  if (!png_image_finish_read(&png, &white, image.pixels.data(),
                             /*row_stride=*/0, /*colormap=*/nullptr)) {
    std::string message = png.message;
    png_image_free(&png);
    return fileError(path, "corrupt PNG image (" + message + ")");
  }
  return image;
}

/// Binary netpbm: "P6" or "P5", width, height, maxval (<= 255), one
/// whitespace byte, then the pixels; '#' comments in the header.
static llvm::Expected<Image> decodeNetpbm(StringRef data, StringRef path) {
  if (data.size() < 2 || data[0] != 'P' || (data[1] != '6' && data[1] != '5'))
    return fileError(path, "not a binary PPM (P6) or PGM (P5) image");
  Image image;
  image.channels = data[1] == '6' ? 3 : 1;
  size_t at = 2;
  int64_t fields[3];
  for (int64_t &field : fields) {
    while (at < data.size() && (llvm::isSpace(data[at]) || data[at] == '#')) {
      if (data[at] == '#')
        at = data.find('\n', at);
      else
        ++at;
    }
    size_t start = at;
    while (at < data.size() && llvm::isDigit(data[at]))
      ++at;
    if (start == at || data.substr(start, at - start).getAsInteger(10, field) ||
        field <= 0 || field > (1 << 16))
      return fileError(path, "malformed netpbm header");
  }
  if (fields[2] > 255)
    return fileError(path, "16-bit netpbm images are not supported");
  ++at; // the single whitespace byte after maxval
  image.width = fields[0];
  image.height = fields[1];
  if (image.width * image.height > kMaxPixels)
    return fileError(path, "image of " + llvm::Twine(image.width) + "x" +
                          llvm::Twine(image.height) +
                          " pixels is larger than 64 Mpixel");
  size_t bytes = image.width * image.height * image.channels;
  if (at > data.size() || data.size() - at < bytes)
    return fileError(path, "truncated: the header promises " +
                          llvm::Twine(bytes) + " pixel bytes");
  image.pixels.assign(data.bytes_begin() + at, data.bytes_begin() + at + bytes);
  if (fields[2] != 255)
    for (uint8_t &p : image.pixels)
      p = static_cast<uint8_t>(std::min<int64_t>(255, p * 255 / fields[2]));
  return image;
}

llvm::Expected<Image> quantc::decodeImage(StringRef data, StringRef name) {
  // The content decides, not the extension.
  if (data.starts_with("\x89PNG"))
    return decodePng(data, name);
  if (data.starts_with("P5") || data.starts_with("P6"))
    return decodeNetpbm(data, name);
  if (llvm::sys::path::extension(name).equals_insensitive(".png"))
    return fileError(name, "not a readable PNG image (no PNG signature)");
  return fileError(name, "not a binary PPM (P6) or PGM (P5) image");
}

llvm::Expected<Image> quantc::readImage(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fileError(path, "cannot read: " + buffer.getError().message());
  return decodeImage((*buffer)->getBuffer(), path);
}

