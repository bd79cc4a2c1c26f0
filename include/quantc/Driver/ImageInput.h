//===- ImageInput.h - image files as model inputs ----------------*- C++
//-*-===//
//
// Part of quantc. Calibration sets and inputs may be image files (PNG, or
// binary PPM/PGM). They are decoded and turned into the model's NCHW (or
// channels-last NHWC) float input by the model's preprocessing: resize, crop or
// pad to the input's height and width, scale pixels to [0, 1], then (x - mean)
// / std per channel.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DRIVER_IMAGEINPUT_H
#define QUANTC_DRIVER_IMAGEINPUT_H

#include "quantc/Driver/HostArray.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace quantc {

/// How an image reaches the input's height and width.
enum class ImageResize {
  /// Scale both axes to the input size (aspect ratio not kept).
  Stretch,
  /// Scale to the input height, keeping the aspect ratio (at most the input
  /// width), and fill the rest of each row with zeros after normalization:
  /// text-line recognizers (PaddleOCR rec/cls).
  PadRight,
  /// Scale until the image covers the input, then cut the centre out:
  /// ImageNet-style classifiers.
  CenterCrop,
};

struct ImagePreprocessing {
  ImageResize resize = ImageResize::Stretch;
  std::array<float, 3> mean = {0, 0, 0};
  std::array<float, 3> std = {1, 1, 1};
  /// Channel order of the model: BGR (OpenCV-trained models) or RGB.
  bool bgr = false;
};

/// Parses "stretch", "pad" or "crop".
std::optional<ImageResize> parseImageResize(llvm::StringRef text);

/// Parses "a,b,c" (or one value for every channel) into `out`; an error
/// message, or "" on success.
std::string parseChannelTriple(llvm::StringRef text, std::array<float, 3> &out);

/// An image decoded to 8-bit interleaved pixels.
struct Image {
  int64_t height = 0, width = 0, channels = 0; // channels: 1 or 3
  std::vector<uint8_t> pixels;                 // height x width x channels
};

/// True for the extensions readImage decodes (.png, .ppm, .pgm).
bool isImageFile(llvm::StringRef path);

/// Decodes a PNG (any bit depth or colour type; alpha is composited onto
/// white), or a binary PPM (P6) / PGM (P5), by content. Images over 64
/// Mpixel are refused. Errors name `name`.
llvm::Expected<Image> decodeImage(llvm::StringRef data, llvm::StringRef name);

/// decodeImage of a file's bytes.
llvm::Expected<Image> readImage(llvm::StringRef path);

/// Turns `image` into a float tensor of `shape`: 1 x C x H x W, or channels
/// last 1 x H x W x C when the second extent is not a channel count; C is
/// 1, 3 or 4 (an opaque alpha channel last).
llvm::Expected<HostArray> preprocessImage(const Image &image,
                                          llvm::ArrayRef<int64_t> shape,
                                          const ImagePreprocessing &options);

/// Reads one sample of `shape` and element `type`: an image through
/// `options` (float32 inputs only), or a .npy/.pb tensor that must already
/// have that shape; its values are converted to `type` (a float64 or int64
/// file feeds a float32 input). Errors name the file.
llvm::Expected<HostArray> readSample(llvm::StringRef path,
                                     llvm::ArrayRef<int64_t> shape,
                                     const ImagePreprocessing &options,
                                     ElementType type = ElementType::F32);

/// readSample for calibration and search data: also refuses NaN and Inf,
/// which would make every range they touch meaningless.
llvm::Expected<HostArray>
readCalibrationSample(llvm::StringRef path, llvm::ArrayRef<int64_t> shape,
                      const ImagePreprocessing &options,
                      ElementType type = ElementType::F32);

/// A model input as samples feed it.
struct SampleInput {
  std::string name;
  llvm::SmallVector<int64_t> shape;
  ElementType type = ElementType::F32;
};

/// One calibration sample of every input of a model, in `inputs`' order.
/// A file feeds a model with one input; a folder holds one file per input,
/// named after it (`<name>.npy` or `.pb`, the name made safe as
/// safeFileName does: how `quantc run` names its outputs, so a stateful
/// model's outputs can be renamed into the next sample).
llvm::Expected<std::vector<HostArray>>
readCalibrationInputs(llvm::StringRef path, llvm::ArrayRef<SampleInput> inputs,
                      const ImagePreprocessing &options);

/// The sample files (.npy, .pb, images) and sample folders (one file per
/// input) in `folder`, sorted by name; an error naming the folder if it
/// cannot be read or holds none.
llvm::Expected<std::vector<std::string>> listSampleFiles(llvm::StringRef folder);

} // namespace quantc

#endif // QUANTC_DRIVER_IMAGEINPUT_H
