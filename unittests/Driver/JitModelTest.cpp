//===- JitModelTest.cpp - results that share a buffer ---------------------===//
//
// Part of quantc. A model may return one tensor twice, or a reshaped view
// of another result: every result must be read before any buffer is freed,
// and each buffer freed once.
//
//===----------------------------------------------------------------------===//

#include "quantc/Driver/JitModel.h"

#include "quantc/Compiler/Compiler.h"

#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

using namespace quantc;

TEST(JitModel, ResultsSharingABufferAreAllRead) {
  std::unique_ptr<mlir::MLIRContext> context = createCompilerContext();
  const char *model =
      "func.func @main(%x: tensor<2x8xf32>) -> (tensor<2x8xf32>, "
      "tensor<16xf32>, tensor<2x8xf32>) {\n"
      "  %a = qc.add %x, %x : tensor<2x8xf32>, tensor<2x8xf32> -> "
      "tensor<2x8xf32>\n"
      "  %r = qc.reshape %a : tensor<2x8xf32> -> tensor<16xf32>\n"
      "  return %a, %r, %a : tensor<2x8xf32>, tensor<16xf32>, "
      "tensor<2x8xf32>\n}\n";
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(model, context.get());
  ASSERT_TRUE(module);
  llvm::Expected<std::unique_ptr<JitModel>> jit =
      JitModel::compile(module.release());
  ASSERT_TRUE(bool(jit)) << llvm::toString(jit.takeError());
  HostArray x{{2, 8}, {}};
  for (int i = 0; i < 16; ++i)
    x.data.push_back(float(i + 1));
  for (int run = 0; run < 3; ++run) {
    llvm::Expected<std::vector<HostArray>> outputs = (*jit)->run({x});
    ASSERT_TRUE(bool(outputs)) << llvm::toString(outputs.takeError());
    ASSERT_EQ(outputs->size(), 3u);
    for (const HostArray &out : *outputs) {
      ASSERT_EQ(out.data.size(), 16u);
      for (int i = 0; i < 16; ++i)
        EXPECT_EQ(out.data[i], 2.0f * float(i + 1));
    }
  }
}

TEST(JitModel, GatherReadsDenseAndStridedResults) {
  // [2][3] row-major: one copy; its transpose [3][2] (strides 1, 3): a
  // strided gather; a [2][1][3] view with a stride-0 unit dimension (still
  // dense); rows of 2 at a row stride of 3 (strided rows, dense runs).
  const float base[6] = {0, 1, 2, 3, 4, 5};
  float out[6];
  gatherStrided(base, {2, 3}, {3, 1}, out);
  EXPECT_EQ(std::vector<float>(out, out + 6),
            (std::vector<float>{0, 1, 2, 3, 4, 5}));
  gatherStrided(base, {3, 2}, {1, 3}, out);
  EXPECT_EQ(std::vector<float>(out, out + 6),
            (std::vector<float>{0, 3, 1, 4, 2, 5}));
  gatherStrided(base, {2, 1, 3}, {3, 0, 1}, out);
  EXPECT_EQ(std::vector<float>(out, out + 6),
            (std::vector<float>{0, 1, 2, 3, 4, 5}));
  gatherStrided(base + 1, {2, 2}, {3, 1}, out);
  EXPECT_EQ(std::vector<float>(out, out + 4), (std::vector<float>{1, 2, 4, 5}));
}
