//===- QuantTypesTest.cpp - legality of !quant.uniform in qc --------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QC/IR/QCQuantTypes.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/MLIRContext.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace quantc::qc;

namespace {
class QuantTypesTest : public ::testing::Test {
protected:
  QuantTypesTest() { context.loadDialect<quant::QuantDialect>(); }

  RankedTensorType tensor(StringRef text) {
    return cast<RankedTensorType>(parseType(text, &context));
  }

  quant::QuantizedType element(StringRef text) {
    return cast<quant::QuantizedType>(tensor(text).getElementType());
  }

  /// Verifies and returns the diagnostic text ("" on success).
  std::string verify(StringRef text) {
    std::string message;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      message = diag.str();
      return success();
    });
    Location loc = UnknownLoc::get(&context);
    if (succeeded(verifyQuantizedTensorType(
            tensor(text), [&] { return emitError(loc); })))
      return "";
    return message;
  }

  MLIRContext context;
};
} // namespace

TEST_F(QuantTypesTest, Granularity) {
  EXPECT_EQ(getGranularity(element("tensor<4x!quant.uniform<i8:f32, 0.5>>")),
            QuantGranularity::PerTensor);
  EXPECT_EQ(
      getGranularity(element("tensor<2x!quant.uniform<i8:f32:0, {0.5, 1.0}>>")),
      QuantGranularity::PerAxis);
  EXPECT_EQ(getGranularity(element(
                "tensor<4x2x!quant.uniform<i4:f32:{0:2}, {{0.5, 1.0}, {1.0, "
                "2.0}}>>")),
            QuantGranularity::SubChannel);
}

TEST_F(QuantTypesTest, Ternary) {
  EXPECT_TRUE(isTernary(element("tensor<4x!quant.uniform<i2<-1:1>:f32, 0.5>>")));
  EXPECT_FALSE(isTernary(element("tensor<4x!quant.uniform<i2:f32, 0.5>>")));
  EXPECT_FALSE(isTernary(element("tensor<4x!quant.uniform<i8<-1:1>:f32, 0.5>>")));
}

TEST_F(QuantTypesTest, StorageWidths) {
  EXPECT_EQ(verify("tensor<4x!quant.uniform<i8:f32, 0.5:3>>"), "");
  EXPECT_EQ(verify("tensor<4x!quant.uniform<u8:f32, 0.5:128>>"), "");
  EXPECT_EQ(verify("tensor<4x!quant.uniform<i4:f32, 0.5>>"), "");
  EXPECT_EQ(verify("tensor<4x!quant.uniform<u4:f32, 0.5:8>>"), "");
  EXPECT_EQ(verify("tensor<4x!quant.uniform<i2<-1:1>:f32, 0.5>>"), "");
  EXPECT_EQ(verify("tensor<4x!quant.uniform<i32:f32, 0.25>>"), "");
  EXPECT_NE(verify("tensor<4x!quant.uniform<i16:f32, 0.5>>"), "");
  EXPECT_NE(verify("tensor<4x!quant.uniform<u32:f32, 0.5>>"), "");
  EXPECT_NE(verify("tensor<4x!quant.uniform<i2:f32, 0.5>>")
                .find("ternary"),
            std::string::npos);
}

TEST_F(QuantTypesTest, PerAxisFitsShape) {
  EXPECT_EQ(verify("tensor<2x3x!quant.uniform<i8:f32:0, {0.5, 1.0}>>"), "");
  EXPECT_EQ(verify("tensor<?x3x!quant.uniform<i8:f32:0, {0.5, 1.0}>>"), "");
  EXPECT_NE(verify("tensor<3x3x!quant.uniform<i8:f32:0, {0.5, 1.0}>>"), "");
  EXPECT_NE(verify("tensor<2x!quant.uniform<i8:f32:1, {0.5, 1.0}>>"), "");
}

TEST_F(QuantTypesTest, SubChannelFitsShape) {
  // K=4 in blocks of 2 along dimension 0, one scale per column.
  StringRef ok = "tensor<4x2x!quant.uniform<i4:f32:{0:2, 1:1}, "
                 "{{0.5, 1.0}, {1.0, 2.0}}>>";
  EXPECT_EQ(verify(ok), "");
  EXPECT_NE(verify("tensor<6x2x!quant.uniform<i4:f32:{0:4, 1:1}, "
                   "{{0.5, 1.0}, {1.0, 2.0}}>>")
                .find("does not divide"),
            std::string::npos);
  EXPECT_NE(verify("tensor<8x2x!quant.uniform<i4:f32:{0:2, 1:1}, "
                   "{{0.5, 1.0}, {1.0, 2.0}}>>")
                .find("blocks"),
            std::string::npos);
}
