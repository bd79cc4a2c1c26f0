//===- ImageInputTest.cpp - image preprocessing ---------------------------===//
//
// Part of quantc. Each resize mode against values worked out by hand.
//
//===----------------------------------------------------------------------===//

#include "quantc/Driver/ImageInput.h"

#include "gtest/gtest.h"

using namespace quantc;

namespace {

/// A gray image whose pixel (y, x) is `value(y, x)`.
template <typename F> Image grayImage(int64_t height, int64_t width, F value) {
  Image image{height, width, 1, {}};
  for (int64_t y = 0; y < height; ++y)
    for (int64_t x = 0; x < width; ++x)
      image.pixels.push_back(value(y, x));
  return image;
}

HostArray preprocess(const Image &image, llvm::ArrayRef<int64_t> shape,
                     const ImagePreprocessing &options) {
  llvm::Expected<HostArray> out = preprocessImage(image, shape, options);
  EXPECT_TRUE(static_cast<bool>(out)) << llvm::toString(out.takeError());
  return std::move(*out);
}

TEST(ImageInput, StretchHalvesWithHalfPixelCentres) {
  // A 2x downscale with half-pixel centres averages each 2x2 block.
  Image image = grayImage(4, 4, [](int64_t y, int64_t x) { return 10 * (y * 4 + x); });
  HostArray out = preprocess(image, {1, 1, 2, 2}, {});
  float expect[] = {25, 45, 105, 125};
  for (int i = 0; i < 4; ++i)
    EXPECT_FLOAT_EQ(out.data[i], expect[i] / 255.0f) << i;
}

TEST(ImageInput, PadRightKeepsAspectAndZeroFills) {
  // 2x4 into 4x16: height doubles, width 8 of 16, the rest zero even
  // after a mean is subtracted.
  Image image = grayImage(2, 4, [](int64_t, int64_t) { return 255; });
  ImagePreprocessing options;
  options.resize = ImageResize::PadRight;
  options.mean = {0.5f, 0.5f, 0.5f};
  options.std = {0.5f, 0.5f, 0.5f};
  HostArray out = preprocess(image, {1, 1, 4, 16}, options);
  for (int64_t y = 0; y < 4; ++y)
    for (int64_t x = 0; x < 16; ++x)
      EXPECT_FLOAT_EQ(out.data[y * 16 + x], x < 8 ? 1.0f : 0.0f) << y << "," << x;
}

TEST(ImageInput, CenterCropTakesTheMiddle) {
  // 2x6 covering 2x2 needs no scaling: the crop is columns 2 and 3.
  Image image = grayImage(2, 6, [](int64_t y, int64_t x) { return 100 * y + x; });
  HostArray out = preprocess(image, {1, 1, 2, 2}, {ImageResize::CenterCrop});
  float expect[] = {2, 3, 102, 103};
  for (int i = 0; i < 4; ++i)
    EXPECT_FLOAT_EQ(out.data[i], expect[i] / 255.0f) << i;
}

TEST(ImageInput, ChannelOrderMeanAndStd) {
  Image image{1, 1, 3, {255, 0, 51}};
  ImagePreprocessing options;
  options.bgr = true;
  options.mean = {0.1f, 0.2f, 0.3f};
  options.std = {2, 4, 8};
  HostArray out = preprocess(image, {1, 3, 1, 1}, options);
  // BGR: channel 0 is blue (51), channel 2 is red (255).
  EXPECT_FLOAT_EQ(out.data[0], (0.2f - 0.1f) / 2);
  EXPECT_FLOAT_EQ(out.data[1], (0.0f - 0.2f) / 4);
  EXPECT_FLOAT_EQ(out.data[2], (1.0f - 0.3f) / 8);
}

TEST(ImageInput, GrayFeedsEveryColourChannel) {
  Image image = grayImage(1, 1, [](int64_t, int64_t) { return 51; });
  HostArray out = preprocess(image, {1, 3, 1, 1}, {});
  for (float value : out.data)
    EXPECT_FLOAT_EQ(value, 0.2f);
}

TEST(ImageInput, ChannelsLastWithAlpha) {
  // Two pixels one above the other, RGB; the model takes 1 x H x W x RGBA
  // (its second extent, 2, cannot be a channel count: channels last).
  Image image{2, 1, 3, {255, 0, 51, 0, 102, 255}};
  ImagePreprocessing options;
  options.mean = {0.5f, 0.5f, 0.5f};
  options.std = {0.5f, 0.5f, 0.5f};
  HostArray out = preprocess(image, {1, 2, 1, 4}, options);
  auto normalized = [](float pixel) { return (pixel / 255 - 0.5f) / 0.5f; };
  // Interleaved: pixel 0's R G B A, then pixel 1's; alpha is opaque.
  const float expect[8] = {
      normalized(255), normalized(0),   normalized(51),  1.0f,
      normalized(0),   normalized(102), normalized(255), 1.0f};
  for (int i = 0; i < 8; ++i)
    EXPECT_FLOAT_EQ(out.data[i], expect[i]) << i;
}

TEST(ImageInput, RefusesShapesThatAreNotImages) {
  Image image = grayImage(1, 1, [](int64_t, int64_t) { return 0; });
  llvm::Expected<HostArray> out = preprocessImage(image, {1, 5, 7, 6}, {});
  ASSERT_FALSE(static_cast<bool>(out));
  EXPECT_NE(llvm::toString(out.takeError()).find("C = 1, 3 or 4"),
            std::string::npos);
}

TEST(ImageInput, ParsesFlags) {
  std::array<float, 3> triple;
  EXPECT_EQ(parseChannelTriple("0.5", triple), "");
  EXPECT_FLOAT_EQ(triple[2], 0.5f);
  EXPECT_EQ(parseChannelTriple("0.485,0.456,0.406", triple), "");
  EXPECT_FLOAT_EQ(triple[1], 0.456f);
  EXPECT_NE(parseChannelTriple("1,2", triple), "");
  EXPECT_NE(parseChannelTriple("a,b,c", triple), "");
  EXPECT_EQ(parseImageResize("pad"), ImageResize::PadRight);
  EXPECT_EQ(parseImageResize("squash"), std::nullopt);
}

} // namespace
