//===- ShapeInferenceTest.cpp - ONNX shape rules --------------------------===//
//
// Part of quantc. Cases taken from the ONNX operator specification and its
// reference implementation (onnx/reference/ops), including the corners that
// IR tests cannot reach directly: overflow clamping and ceil-mode windows.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QC/IR/QCShapeInference.h"

#include "gtest/gtest.h"

#include <limits>

using namespace quantc::qc;
using mlir::ShapedType;

static constexpr int64_t kDyn = ShapedType::kDynamic;

TEST(BroadcastShapes, NumpyRules) {
  EXPECT_EQ(*broadcastShapes({2, 3, 4, 5}, {5}), Shape({2, 3, 4, 5}));
  EXPECT_EQ(*broadcastShapes({4, 5}, {2, 3, 4, 5}), Shape({2, 3, 4, 5}));
  EXPECT_EQ(*broadcastShapes({1, 4, 5}, {2, 3, 1, 1}), Shape({2, 3, 4, 5}));
  EXPECT_EQ(*broadcastShapes({3, 4, 5}, {2, 1, 1, 1}), Shape({2, 3, 4, 5}));
  EXPECT_EQ(*broadcastShapes({}, {7}), Shape({7}));
  EXPECT_EQ(*broadcastShapes({0, 1}, {1, 3}), Shape({0, 3}));
  EXPECT_FALSE(broadcastShapes({2, 3}, {3, 2}).has_value());
  EXPECT_FALSE(broadcastShapes({4}, {5}).has_value());
}

TEST(BroadcastShapes, DynamicExtents) {
  // A dynamic extent against 1 stays dynamic, against N becomes N.
  EXPECT_EQ(*broadcastShapes({kDyn, 4}, {1, 4}), Shape({kDyn, 4}));
  EXPECT_EQ(*broadcastShapes({kDyn, 4}, {3, 4}), Shape({3, 4}));
  EXPECT_EQ(*broadcastShapes({3, 4}, {kDyn, 1}), Shape({3, 4}));
  EXPECT_EQ(*broadcastShapes({kDyn}, {kDyn}), Shape({kDyn}));
}

TEST(BroadcastsTo, Unidirectional) {
  EXPECT_TRUE(broadcastsTo({10}, {4, 10}));
  EXPECT_TRUE(broadcastsTo({1, 10}, {4, 10}));
  EXPECT_TRUE(broadcastsTo({}, {4, 10}));
  EXPECT_FALSE(broadcastsTo({4, 10}, {10}));
  EXPECT_FALSE(broadcastsTo({4, 1}, {1, 10}));
  EXPECT_TRUE(broadcastsTo({kDyn}, {10}));
}

TEST(MatMulShape, Ranks) {
  EXPECT_EQ(*inferMatMulShape({3, 4}, {4, 5}), Shape({3, 5}));
  EXPECT_EQ(*inferMatMulShape({2, 3, 4}, {4, 5}), Shape({2, 3, 5}));
  EXPECT_EQ(*inferMatMulShape({2, 1, 3, 4}, {5, 4, 6}),
            Shape({2, 5, 3, 6}));
  // Rank-1 operands are promoted and the promoted dimension removed.
  EXPECT_EQ(*inferMatMulShape({4}, {4, 5}), Shape({5}));
  EXPECT_EQ(*inferMatMulShape({3, 4}, {4}), Shape({3}));
  EXPECT_EQ(*inferMatMulShape({4}, {4}), Shape({}));
  EXPECT_EQ(*inferMatMulShape({kDyn, 4}, {kDyn, 5}), Shape({kDyn, 5}));
  EXPECT_FALSE(inferMatMulShape({3, 4}, {5, 6}).has_value());
  EXPECT_FALSE(inferMatMulShape({2, 3, 4}, {3, 4, 5}).has_value());
  EXPECT_FALSE(inferMatMulShape({}, {4}).has_value());
}

TEST(WindowOutputExtent, ConvolutionAndPooling) {
  // 224 input, 7x7 kernel, stride 2, pad 3: ResNet's stem.
  EXPECT_EQ(windowOutputExtent(224, 7, 2, 3, 3, 1), 112);
  EXPECT_EQ(windowOutputExtent(5, 3, 1, 0, 0, 1), 3);
  EXPECT_EQ(windowOutputExtent(7, 3, 2, 1, 1, 1), 4);
  // Dilation 2 makes a 3-tap kernel span 5.
  EXPECT_EQ(windowOutputExtent(7, 3, 1, 0, 0, 2), 3);
  EXPECT_EQ(windowOutputExtent(kDyn, 3, 1, 1, 1, 1), kDyn);
  EXPECT_LE(windowOutputExtent(2, 5, 1, 0, 0, 1), 0);
}

TEST(WindowOutputExtent, CeilMode) {
  // ONNX test_maxpool_2d_ceil: 4x4 input, 3x3 kernel, stride 2 -> 2x2.
  EXPECT_EQ(windowOutputExtent(4, 3, 2, 0, 0, 1, /*ceilMode=*/true), 2);
  EXPECT_EQ(windowOutputExtent(4, 3, 2, 0, 0, 1, /*ceilMode=*/false), 1);
  // A window may not start in the end padding: 5 input, k=2, s=2, pad 0+1.
  EXPECT_EQ(windowOutputExtent(5, 2, 2, 0, 1, 1, /*ceilMode=*/true), 3);
  EXPECT_EQ(windowOutputExtent(6, 2, 2, 0, 1, 1, /*ceilMode=*/true), 3);
}

TEST(WindowOutputExtent, AbsurdValuesDoNotOverflow) {
  int64_t huge = std::numeric_limits<int64_t>::max();
  EXPECT_LE(windowOutputExtent(4, huge, 1, 0, 0, huge), 0);
  EXPECT_GT(windowOutputExtent(huge, 1, 1, huge, huge, 1), 0);
}

TEST(TransposedWindowOutputExtent, Spec) {
  // ONNX test_convtranspose: 3x3 input, 3x3 kernel, stride 1 -> 5x5.
  EXPECT_EQ(transposedWindowOutputExtent(3, 3, 1, 0, 0, 1, 0), 5);
  // Stride 2 upsampling as in the PP-OCR detector head: 2x2 kernel.
  EXPECT_EQ(transposedWindowOutputExtent(16, 2, 2, 0, 0, 1, 0), 32);
  EXPECT_EQ(transposedWindowOutputExtent(3, 3, 3, 0, 0, 1, 1), 10);
  EXPECT_EQ(transposedWindowOutputExtent(kDyn, 2, 2, 0, 0, 1, 0), kDyn);
}

TEST(SliceExtent, OnnxClamping) {
  EXPECT_EQ(sliceExtent(10, 0, 3, 1), 3);
  EXPECT_EQ(sliceExtent(10, 1, 1000, 1), 9);
  EXPECT_EQ(sliceExtent(10, -3, -1, 1), 2);
  EXPECT_EQ(sliceExtent(10, 0, std::numeric_limits<int64_t>::max(), 3), 4);
  EXPECT_EQ(sliceExtent(10, 5, 2, 1), 0);
  // Negative steps walk backwards; INT64_MIN as end means "to the front".
  EXPECT_EQ(sliceExtent(10, -1, std::numeric_limits<int64_t>::min(), -1),
            10);
  EXPECT_EQ(sliceExtent(20, 20, 0, -1), 19);
  EXPECT_EQ(sliceExtent(10, 8, 1, -3), 3);
  EXPECT_EQ(sliceExtent(kDyn, 0, 3, 1), kDyn);
}

TEST(NormalizeAxis, Range) {
  EXPECT_EQ(*normalizeAxis(-1, 4), 3);
  EXPECT_EQ(*normalizeAxis(0, 4), 0);
  EXPECT_EQ(*normalizeAxis(-4, 4), 0);
  EXPECT_FALSE(normalizeAxis(4, 4).has_value());
  EXPECT_FALSE(normalizeAxis(-5, 4).has_value());
}

TEST(ShapeProduct, DynamicAndZero) {
  EXPECT_EQ(shapeProduct({2, 3, 4}), 24);
  EXPECT_EQ(shapeProduct({}), 1);
  EXPECT_EQ(shapeProduct({2, 0, 4}), 0);
  EXPECT_EQ(shapeProduct({2, kDyn}), kDyn);
}

TEST(FormatShape, Diagnostics) {
  EXPECT_EQ(formatShape({1, kDyn, 224}), "[1, ?, 224]");
  EXPECT_EQ(formatShape({}), "[]");
}
