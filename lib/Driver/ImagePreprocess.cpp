//===- ImagePreprocess.cpp - images to the model's input tensor -----------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Driver/ImageInput.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cmath>

using namespace quantc;
using llvm::StringRef;

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
  auto isChannelCount = [](int64_t c) { return c == 1 || c == 3 || c == 4; };
  if (shape.size() != 4 || shape[0] != 1 ||
      (!isChannelCount(shape[1]) && !isChannelCount(shape[3])))
    return fileError("image", "an image feeds an input of shape 1xCxHxW or "
                              "1xHxWxC (channels last) with C = 1, 3 or 4");
  // Channels last (TensorFlow exports) where the second extent cannot be
  // a channel count and the last one can.
  bool channelsLast = !isChannelCount(shape[1]);
  int64_t channels = channelsLast ? shape[3] : shape[1];
  int64_t height = channelsLast ? shape[1] : shape[2];
  int64_t width = channelsLast ? shape[2] : shape[3];
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
  for (int64_t c = 0; c < channels; ++c) {
    // A fourth channel is alpha: opaque (decoding composited any alpha
    // onto white), normalized like the last colour channel.
    int64_t stat = std::min<int64_t>(c, 2);
    for (int64_t y = 0; y < height; ++y)
      for (int64_t x = 0; x < std::min(width, scaledWidth); ++x) {
        float pixel = c == 3 ? 255.0f
                             : sampler.channel(y + offsetY, x + offsetX, c,
                                               channels, options.bgr);
        int64_t index = channelsLast ? (y * width + x) * channels + c
                                     : (c * height + y) * width + x;
        out.data[index] =
            (pixel / 255.0f - options.mean[stat]) / options.std[stat];
      }
  }
  return out;
}

