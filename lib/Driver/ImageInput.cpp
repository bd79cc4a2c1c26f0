//===- ImageInput.cpp - image files as model inputs -----------------------===//
//
// Part of quantc. PNG goes through libpng's simplified API, which reports
// errors through a message instead of longjmp, so no setjmp is needed
// here.
//
//===----------------------------------------------------------------------===//

#include "quantc/Driver/ImageInput.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <png.h>

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace quantc;
using llvm::StringRef;

/// Larger images are refused before their pixels are allocated: a crafted
/// header must not be able to ask for gigabytes.
constexpr int64_t kMaxPixels = int64_t(1) << 26; // 64 Mpixel

static llvm::Error fail(StringRef path, const llvm::Twine &why) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (path + ": " + why).str());
}

std::optional<ImageResize> quantc::parseImageResize(StringRef text) {
  return llvm::StringSwitch<std::optional<ImageResize>>(text)
      .Case("stretch", ImageResize::Stretch)
      .Case("pad", ImageResize::PadRight)
      .Case("crop", ImageResize::CenterCrop)
      .Default(std::nullopt);
}

std::string quantc::parseChannelTriple(StringRef text,
                                       std::array<float, 3> &out) {
  llvm::SmallVector<StringRef> parts;
  text.split(parts, ',');
  if (parts.size() != 1 && parts.size() != 3)
    return "expected one value or three comma-separated values, got '" +
           text.str() + "'";
  for (size_t c = 0; c < 3; ++c) {
    double value;
    if (parts[parts.size() == 1 ? 0 : c].trim().getAsDouble(value) ||
        !std::isfinite(value))
      return "'" + text.str() + "' is not a list of numbers";
    out[c] = static_cast<float>(value);
  }
  return "";
}

bool quantc::isImageFile(StringRef path) {
  StringRef ext = llvm::sys::path::extension(path);
  return ext.equals_insensitive(".png") || ext.equals_insensitive(".ppm") ||
         ext.equals_insensitive(".pgm");
}

static llvm::Expected<Image> readPng(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fail(path, "cannot read: " + buffer.getError().message());
  png_image png;
  std::memset(&png, 0, sizeof(png));
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&png, (*buffer)->getBufferStart(),
                                        (*buffer)->getBufferSize()))
    return fail(path, llvm::Twine("not a readable PNG image (") +
                          png.message + ")");
  if (int64_t(png.width) * png.height > kMaxPixels) {
    png_image_free(&png);
    return fail(path, "image of " + llvm::Twine(png.width) + "x" +
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
    return fail(path, "corrupt PNG image (" + message + ")");
  }
  return image;
}

/// Binary netpbm: "P6" or "P5", width, height, maxval (<= 255), one
/// whitespace byte, then the pixels; '#' comments in the header.
static llvm::Expected<Image> readNetpbm(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fail(path, "cannot read: " + buffer.getError().message());
  StringRef data = (*buffer)->getBuffer();
  if (data.size() < 2 || data[0] != 'P' || (data[1] != '6' && data[1] != '5'))
    return fail(path, "not a binary PPM (P6) or PGM (P5) image");
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
      return fail(path, "malformed netpbm header");
  }
  if (fields[2] > 255)
    return fail(path, "16-bit netpbm images are not supported");
  ++at; // the single whitespace byte after maxval
  image.width = fields[0];
  image.height = fields[1];
  if (image.width * image.height > kMaxPixels)
    return fail(path, "image of " + llvm::Twine(image.width) + "x" +
                          llvm::Twine(image.height) +
                          " pixels is larger than 64 Mpixel");
  size_t bytes = image.width * image.height * image.channels;
  if (at > data.size() || data.size() - at < bytes)
    return fail(path, "truncated: the header promises " +
                          llvm::Twine(bytes) + " pixel bytes");
  image.pixels.assign(data.bytes_begin() + at, data.bytes_begin() + at + bytes);
  if (fields[2] != 255)
    for (uint8_t &p : image.pixels)
      p = static_cast<uint8_t>(std::min<int64_t>(255, p * 255 / fields[2]));
  return image;
}

llvm::Expected<Image> quantc::readImage(StringRef path) {
  if (llvm::sys::path::extension(path).equals_insensitive(".png"))
    return readPng(path);
  return readNetpbm(path);
}

namespace {
/// Bilinear sampling with half-pixel centres (as OpenCV's INTER_LINEAR and
/// ONNX Resize's default) of one channel of an image scaled to
/// scaledHeight x scaledWidth.
struct BilinearSampler {
  const Image &image;
  double scaleY, scaleX; // source pixels per scaled pixel

  float at(int64_t y, int64_t x, int64_t c) const {
    return image.pixels[(y * image.width + x) * image.channels + c];
  }
  float sample(int64_t sy, int64_t sx, int64_t c) const {
    double fy = std::max(0.0, (sy + 0.5) * scaleY - 0.5);
    double fx = std::max(0.0, (sx + 0.5) * scaleX - 0.5);
    int64_t y0 = std::min<int64_t>(fy, image.height - 1);
    int64_t x0 = std::min<int64_t>(fx, image.width - 1);
    int64_t y1 = std::min(y0 + 1, image.height - 1);
    int64_t x1 = std::min(x0 + 1, image.width - 1);
    double wy = std::min(1.0, fy - y0), wx = std::min(1.0, fx - x0);
    double top = at(y0, x0, c) * (1 - wx) + at(y0, x1, c) * wx;
    double bottom = at(y1, x0, c) * (1 - wx) + at(y1, x1, c) * wx;
    return static_cast<float>(top * (1 - wy) + bottom * wy);
  }
  /// Channel `c` of the model's colour order, converting gray <-> colour.
  float channel(int64_t sy, int64_t sx, int64_t c, int64_t modelChannels,
                bool bgr) const {
    if (image.channels == 1)
      return sample(sy, sx, 0);
    if (modelChannels == 1) // ITU-R BT.601 luma
      return 0.299f * sample(sy, sx, 0) + 0.587f * sample(sy, sx, 1) +
             0.114f * sample(sy, sx, 2);
    return sample(sy, sx, bgr ? 2 - c : c);
  }
};
} // namespace

llvm::Expected<HostArray>
quantc::preprocessImage(const Image &image, llvm::ArrayRef<int64_t> shape,
                        const ImagePreprocessing &options) {
  if (shape.size() != 4 || shape[0] != 1 || (shape[1] != 1 && shape[1] != 3))
    return fail("image", "an image feeds an input of shape 1xCxHxW with C = "
                         "1 or 3");
  int64_t channels = shape[1], height = shape[2], width = shape[3];
  // The size the whole image is scaled to, and where the input window
  // starts in it.
  int64_t scaledHeight = height, scaledWidth = width, offsetY = 0, offsetX = 0;
  switch (options.resize) {
  case ImageResize::Stretch:
    break;
  case ImageResize::PadRight:
    scaledWidth = std::clamp<int64_t>(
        std::ceil(double(height) * image.width / image.height), 1, width);
    break;
  case ImageResize::CenterCrop: {
    double scale = std::max(double(height) / image.height,
                            double(width) / image.width);
    scaledHeight = std::max<int64_t>(height, std::lround(image.height * scale));
    scaledWidth = std::max<int64_t>(width, std::lround(image.width * scale));
    offsetY = (scaledHeight - height) / 2;
    offsetX = (scaledWidth - width) / 2;
    break;
  }
  }
  BilinearSampler sampler{image, double(image.height) / scaledHeight,
                          double(image.width) / scaledWidth};
  HostArray out;
  out.shape.assign(shape.begin(), shape.end());
  out.data.assign(channels * height * width, 0.0f);
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t y = 0; y < height; ++y)
      for (int64_t x = 0; x < std::min(width, scaledWidth); ++x) {
        float pixel = sampler.channel(y + offsetY, x + offsetX, c, channels,
                                      options.bgr);
        out.data[(c * height + y) * width + x] =
            (pixel / 255.0f - options.mean[c]) / options.std[c];
      }
  return out;
}

static std::string shapeText(llvm::ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(shape, os, "x");
  return text;
}

llvm::Expected<HostArray> quantc::readSample(StringRef path,
                                             llvm::ArrayRef<int64_t> shape,
                                             const ImagePreprocessing &options) {
  if (isImageFile(path)) {
    llvm::Expected<Image> image = readImage(path);
    if (!image)
      return image.takeError();
    llvm::Expected<HostArray> array = preprocessImage(*image, shape, options);
    if (!array)
      return fail(path, "cannot feed an input of shape " + shapeText(shape) +
                            ": " + llvm::toString(array.takeError()));
    return array;
  }
  llvm::Expected<HostArray> array = readTensorFile(path);
  if (!array)
    return array.takeError();
  if (llvm::ArrayRef(array->shape) != shape)
    return fail(path, "has shape " + shapeText(array->shape) +
                          ", but the model's input is " + shapeText(shape));
  return array;
}

llvm::Expected<std::vector<std::string>>
quantc::listSampleFiles(StringRef folder) {
  std::error_code ec;
  std::vector<std::string> files;
  if (!llvm::sys::fs::is_directory(folder))
    return fail(folder, "no such folder");
  for (llvm::sys::fs::directory_iterator it(folder, ec), end;
       it != end && !ec; it.increment(ec)) {
    StringRef path = it->path();
    if (path.ends_with(".npy") || path.ends_with(".pb") || isImageFile(path))
      files.push_back(path.str());
  }
  if (ec)
    return fail(folder, "cannot read the folder: " + ec.message());
  if (files.empty())
    return fail(folder, "holds no samples (.npy, .pb, .png, .ppm or .pgm)");
  llvm::sort(files);
  return files;
}
