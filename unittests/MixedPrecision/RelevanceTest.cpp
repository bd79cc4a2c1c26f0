//===- RelevanceTest.cpp - LRP conserves and splits as its rules say ------===//
//
// Part of quantc. Small graphs run through the JIT: a bias-free
// conv -> relu -> matmul -> softmax keeps all relevance on its way back to
// the input; two branches summed share it in proportion to their
// contributions; a bias keeps its share.
//
//===----------------------------------------------------------------------===//

#include "quantc/MixedPrecision/Relevance.h"

#include "quantc/Compiler/Compiler.h"
#include "quantc/Driver/JitModel.h"

#include "mlir/Parser/Parser.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace quantc;

namespace {

/// Writes `count` values of `shape` from `at` as nested brackets.
void writeNested(llvm::raw_ostream &out, llvm::ArrayRef<int64_t> shape,
                 std::normal_distribution<float> &normal,
                 std::mt19937 &random) {
  out << "[";
  for (int64_t i = 0; i < shape.front(); ++i) {
    out << (i ? ", " : "");
    if (shape.size() == 1)
      out << llvm::format("%.5f", normal(random));
    else
      writeNested(out, shape.drop_front(), normal, random);
  }
  out << "]";
}

/// A qc.constant of `shape` with normal values of deviation `scale`.
std::string randomTensor(std::mt19937 &random, std::vector<int64_t> shape,
                         float scale = 0.5f) {
  std::normal_distribution<float> normal(0.0f, scale);
  std::string text;
  llvm::raw_string_ostream out(text);
  out << "qc.constant dense<";
  writeNested(out, shape, normal, random);
  out << "> : tensor<";
  for (int64_t extent : shape)
    out << extent << "x";
  out << "f32>";
  return text;
}

HostArray randomInput(std::mt19937 &random, std::vector<int64_t> shape) {
  std::normal_distribution<float> normal(0.5f, 1.0f);
  HostArray x{shape, {}};
  x.data.resize(x.size());
  for (float &v : x.data)
    v = normal(random);
  return x;
}

/// propagateRelevance on the module `body`; LRP-0 unless told (the
/// conserving rules).
llvm::Expected<LayerRelevance> propagate(const std::string &body,
                                         std::vector<HostArray> inputs,
                                         double epsilon = 0) {
  std::unique_ptr<mlir::MLIRContext> context = createCompilerContext();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(body, context.get());
  if (!module)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the test model does not parse");
  RelevanceOptions options;
  options.epsilon = epsilon;
  return propagateRelevance(*module, inputs, options);
}

/// The relevance of a model the rules cover.
LayerRelevance relevanceOf(const std::string &body,
                           std::vector<HostArray> inputs, double epsilon = 0) {
  llvm::Expected<LayerRelevance> result = propagate(body, inputs, epsilon);
  if (!result) {
    ADD_FAILURE() << llvm::toString(result.takeError());
    return {};
  }
  return *result;
}

/// conv 1x3x6x6 -> 4x3x3x3 (stride 1, pad 1), relu, flatten, matmul to 5,
/// softmax; `bias` adds a conv bias of that value.
std::string convReluMatmul(std::mt19937 &random, const char *bias) {
  std::string convBias = bias ? std::string(", %b") : std::string();
  std::string biasConstant = bias ? std::string("  %b = qc.constant dense<") +
                                        bias + "> : tensor<4xf32>\n"
                                  : std::string();
  return "func.func @main(%x: tensor<1x3x6x6xf32>) -> tensor<1x5xf32> {\n"
         "  %w = " +
         randomTensor(random, {4, 3, 3, 3}) + "\n" + biasConstant +
         "  %c = qc.conv2d %x, %w" + convBias +
         " {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x6x6xf32>, "
         "tensor<4x3x3x3xf32>" +
         (bias ? ", tensor<4xf32>" : "") +
         ") -> tensor<1x4x6x6xf32> loc(\"conv\")\n"
         "  %r = qc.relu %c : tensor<1x4x6x6xf32>\n"
         "  %f = qc.reshape %r : tensor<1x4x6x6xf32> -> tensor<1x144xf32>\n"
         "  %m = " +
         randomTensor(random, {144, 5}, 0.2f) +
         "\n"
         "  %y = qc.matmul %f, %m : tensor<1x144xf32>, tensor<144x5xf32> -> "
         "tensor<1x5xf32> loc(\"fc\")\n"
         "  %p = qc.softmax %y : tensor<1x5xf32>\n"
         "  return %p : tensor<1x5xf32>\n}\n";
}

TEST(Relevance, BiasFreeGraphConservesRelevance) {
  std::mt19937 random(5);
  std::string model = convReluMatmul(random, nullptr);
  std::vector<HostArray> inputs = {randomInput(random, {1, 3, 6, 6}),
                                   randomInput(random, {1, 3, 6, 6})};
  LayerRelevance r = relevanceOf(model, inputs);
  EXPECT_NEAR(r.signedShare.lookup("fc"), 1.0, 1e-5);
  EXPECT_NEAR(r.signedShare.lookup("conv"), 1.0, 1e-4);
  EXPECT_NEAR(r.inputShare, 1.0, 1e-4);
  EXPECT_GT(r.mass.lookup("conv"), 0.0);
  // A larger epsilon absorbs relevance and creates none.
  LayerRelevance damped = relevanceOf(model, inputs, 0.25);
  EXPECT_LT(damped.inputShare, 0.99);
  EXPECT_GT(damped.inputShare, 0.3);
  EXPECT_LE(damped.mass.lookup("conv"), r.mass.lookup("conv") + 1e-9);
}

TEST(Relevance, BiasKeepsItsShare) {
  std::mt19937 random(5);
  std::string model = convReluMatmul(random, "2.0");
  std::vector<HostArray> inputs = {randomInput(random, {1, 3, 6, 6})};
  LayerRelevance r = relevanceOf(model, inputs);
  EXPECT_NEAR(r.signedShare.lookup("conv"), 1.0, 1e-4);
  // A bias of 2 against inputs of a few units: much of it stays there.
  EXPECT_LT(r.inputShare, 0.9);
}

TEST(Relevance, AddSplitsByContribution) {
  // y = x W + x (3W): the second branch made three quarters of y.
  std::mt19937 random(9);
  std::string w = randomTensor(random, {8, 4});
  std::string model =
      "func.func @main(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {\n"
      "  %w = " +
      w +
      "\n"
      // 3W computed in the graph: a weight all the same (no relevance).
      "  %three = qc.constant dense<3.0> : tensor<1xf32>\n"
      "  %w3 = qc.mul %w, %three : tensor<8x4xf32>, tensor<1xf32> -> "
      "tensor<8x4xf32>\n"
      "  %a = qc.matmul %x, %w : tensor<2x8xf32>, tensor<8x4xf32> -> "
      "tensor<2x4xf32> loc(\"one\")\n"
      "  %b = qc.matmul %x, %w3 : tensor<2x8xf32>, tensor<8x4xf32> -> "
      "tensor<2x4xf32> loc(\"three\")\n"
      "  %y = qc.add %a, %b : tensor<2x4xf32>, tensor<2x4xf32> -> "
      "tensor<2x4xf32>\n"
      "  return %y : tensor<2x4xf32>\n}\n";
  LayerRelevance r = relevanceOf(model, {randomInput(random, {2, 8})});
  EXPECT_NEAR(r.signedShare.lookup("one"), 0.25, 1e-4);
  EXPECT_NEAR(r.signedShare.lookup("three"), 0.75, 1e-4);
  EXPECT_NEAR(r.inputShare, 1.0, 1e-4);
}

/// Every linear rule at once, bias-free, with ReLU and a max: there the
/// epsilon rule started from the outputs' values gives exactly
/// x * d(sum y)/dx, which finite differences through the JIT measure. A
/// rule that misroutes relevance (a wrong index map) breaks the equality
/// even where it conserves the total.
std::string everyLinearRule(std::mt19937 &random) {
  return std::string("func.func @main(%x: tensor<1x2x6x6xf32>) -> "
                     "tensor<1x3xf32> {\n") +
         "  %w = " + randomTensor(random, {4, 2, 3, 3}) + "\n" +
         "  %c = qc.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : "
         "(tensor<1x2x6x6xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>\n"
         "  %r = qc.relu %c : tensor<1x4x6x6xf32>\n"
         // Branch A: batch norm, max pool, nearest resize, average pool,
         // transpose, slice, pad, mean, reshape.
         "  %s = qc.constant dense<[0.5, 2.0, 1.5, 0.75]> : tensor<4xf32>\n"
         "  %z = qc.constant dense<0.0> : tensor<4xf32>\n"
         "  %v = qc.constant dense<1.0> : tensor<4xf32>\n"
         "  %n = qc.batch_norm %r, %s, %z, %z, %v : (tensor<1x4x6x6xf32>, "
         "tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> "
         "tensor<1x4x6x6xf32>\n"
         "  %mp = qc.max_pool2d %n {kernel_shape = array<i64: 2, 2>, strides "
         "= array<i64: 2, 2>} : tensor<1x4x6x6xf32> -> tensor<1x4x3x3xf32>\n"
         "  %up = qc.resize %mp {mode = #qc.resize_mode<nearest>, "
         "coordinate_transform = #qc.coordinate_transform<asymmetric>, "
         "nearest_rounding = #qc.nearest_rounding<floor>, scales = "
         "array<f32: 1.0, 1.0, 2.0, 2.0>} : tensor<1x4x3x3xf32> -> "
         "tensor<1x4x6x6xf32>\n"
         "  %ap = qc.avg_pool2d %up {kernel_shape = array<i64: 3, 3>, pads = "
         "array<i64: 1, 1, 1, 1>} : tensor<1x4x6x6xf32> -> "
         "tensor<1x4x6x6xf32>\n"
         "  %t = qc.transpose %ap {perm = array<i64: 0, 2, 3, 1>} : "
         "tensor<1x4x6x6xf32> -> tensor<1x6x6x4xf32>\n"
         "  %sl = qc.slice %t {starts = array<i64: 1>, ends = array<i64: 5>, "
         "axes = array<i64: 1>, steps = array<i64: 1>} : tensor<1x6x6x4xf32> "
         "-> tensor<1x4x6x4xf32>\n"
         "  %pd = qc.pad %sl {pads = array<i64: 0, 0, 1, 0, 0, 0, 0, 0>} : "
         "tensor<1x4x6x4xf32> -> tensor<1x4x7x4xf32>\n"
         "  %me = qc.reduce_mean %pd {axes = array<i64: 2>, keepdims = false} "
         ": tensor<1x4x7x4xf32> -> tensor<1x4x4xf32>\n"
         "  %fa = qc.reshape %me : tensor<1x4x4xf32> -> tensor<1x16xf32>\n"
         // Branch B: transposed conv, linear resize, global pool.
         "  %wt = " +
         randomTensor(random, {4, 2, 2, 2}) + "\n" +
         "  %ct = qc.conv_transpose2d %r, %wt {strides = array<i64: 2, 2>} : "
         "(tensor<1x4x6x6xf32>, tensor<4x2x2x2xf32>) -> "
         "tensor<1x2x12x12xf32>\n"
         "  %dn = qc.resize %ct {mode = #qc.resize_mode<linear>, "
         "coordinate_transform = #qc.coordinate_transform<half_pixel>, "
         "scales = array<f32: 1.0, 1.0, 0.75, 0.75>} : tensor<1x2x12x12xf32> "
         "-> tensor<1x2x9x9xf32>\n"
         "  %gp = qc.global_avg_pool %dn : tensor<1x2x9x9xf32> -> "
         "tensor<1x2x1x1xf32>\n"
         "  %fb = qc.reshape %gp : tensor<1x2x1x1xf32> -> tensor<1x2xf32>\n"
         // Joined, split and summed, then two heads subtracted.
         "  %j = qc.concat %fa, %fb {axis = 1 : i64} : (tensor<1x16xf32>, "
         "tensor<1x2xf32>) -> tensor<1x18xf32>\n"
         "  %p, %q = qc.split %j {axis = 1 : i64} : tensor<1x18xf32> -> "
         "tensor<1x9xf32>, tensor<1x9xf32>\n"
         "  %h = qc.add %p, %q : tensor<1x9xf32>, tensor<1x9xf32> -> "
         "tensor<1x9xf32>\n"
         "  %g1 = " +
         randomTensor(random, {3, 9}) + "\n" +
         "  %y1 = qc.gemm %h, %g1 {trans_b} : (tensor<1x9xf32>, "
         "tensor<3x9xf32>) -> tensor<1x3xf32>\n"
         "  %g2 = " +
         randomTensor(random, {9, 3}) + "\n" +
         "  %y2 = qc.matmul %h, %g2 : tensor<1x9xf32>, tensor<9x3xf32> -> "
         "tensor<1x3xf32>\n"
         "  %y = qc.sub %y1, %y2 : tensor<1x3xf32>, tensor<1x3xf32> -> "
         "tensor<1x3xf32>\n"
         "  return %y : tensor<1x3xf32>\n}\n";
}

TEST(Relevance, LinearRulesGiveInputTimesGradient) {
  std::mt19937 random(21);
  std::string model = everyLinearRule(random);
  HostArray x = randomInput(random, {1, 2, 6, 6});
  LayerRelevance r = relevanceOf(model, {x});
  ASSERT_EQ(r.inputRelevance.size(), size_t(x.size()));
  EXPECT_NEAR(r.inputShare, 1.0, 1e-4);

  std::unique_ptr<mlir::MLIRContext> context = createCompilerContext();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(model, context.get());
  ASSERT_TRUE(module);
  llvm::Expected<std::unique_ptr<JitModel>> jit =
      JitModel::compile(module.release());
  ASSERT_TRUE(bool(jit)) << llvm::toString(jit.takeError());
  auto total = [&](const HostArray &input) {
    llvm::Expected<std::vector<HostArray>> out = (*jit)->run({input});
    EXPECT_TRUE(bool(out));
    double sum = 0;
    for (float v : out->front().data)
      sum += v;
    return sum;
  };
  double largest = 0, worst = 0;
  for (int64_t i = 0; i < x.size(); ++i) {
    // The model is linear between ReLU and max kinks: a small central
    // difference is its exact slope.
    const float h = 1e-2f;
    HostArray up = x, down = x;
    up.data[i] += h;
    down.data[i] -= h;
    double gradient = (total(up) - total(down)) / (2 * h);
    double expected = x.data[i] * gradient;
    largest = std::max(largest, std::fabs(expected));
    worst = std::max(worst, std::fabs(expected - r.inputRelevance[i]));
  }
  EXPECT_GT(largest, 0.0);
  EXPECT_LT(worst, 1e-3 * largest) << "largest " << largest;
}

TEST(Relevance, ActivationsPassThroughGatesShare) {
  // fc1, then hard-swish as ONNX exporters decompose it (x * clip(x + 3,
  // 0, 6) / 6): an activation of x alone, so all of its relevance reaches
  // x (were the clip branch a second operand, the constant 3 would absorb
  // much of its half). Then a squeeze-excitation-like gate sigmoid(fc_gate)
  // computed from another path: the product splits half and half.
  std::mt19937 random(13);
  std::string model =
      std::string("func.func @main(%x: tensor<4x8xf32>) -> tensor<4x8xf32> "
                  "{\n") +
      "  %w1 = " + randomTensor(random, {8, 8}) + "\n" +
      "  %h = qc.matmul %x, %w1 : tensor<4x8xf32>, tensor<8x8xf32> -> "
      "tensor<4x8xf32> loc(\"fc1\")\n"
      "  %three = qc.constant dense<3.0> : tensor<f32>\n"
      "  %six = qc.constant dense<6.0> : tensor<f32>\n"
      "  %s = qc.add %h, %three : tensor<4x8xf32>, tensor<f32> -> "
      "tensor<4x8xf32>\n"
      "  %c = qc.clip %s {max = 6.0 : f32, min = 0.0 : f32} : "
      "tensor<4x8xf32>\n"
      "  %m = qc.mul %h, %c : tensor<4x8xf32>, tensor<4x8xf32> -> "
      "tensor<4x8xf32>\n"
      "  %a = qc.div %m, %six : tensor<4x8xf32>, tensor<f32> -> "
      "tensor<4x8xf32>\n"
      "  %wg = " +
      randomTensor(random, {8, 8}) + "\n" +
      "  %g = qc.matmul %a, %wg : tensor<4x8xf32>, tensor<8x8xf32> -> "
      "tensor<4x8xf32> loc(\"fc_gate\")\n"
      "  %sg = qc.sigmoid %g : tensor<4x8xf32>\n"
      "  %y = qc.mul %a, %sg : tensor<4x8xf32>, tensor<4x8xf32> -> "
      "tensor<4x8xf32>\n"
      "  return %y : tensor<4x8xf32>\n}\n";
  LayerRelevance r = relevanceOf(model, {randomInput(random, {4, 8})});
  EXPECT_NEAR(r.signedShare.lookup("fc_gate"), 0.5, 1e-6);
  EXPECT_NEAR(r.signedShare.lookup("fc1"), 1.0, 1e-4);
  EXPECT_NEAR(r.inputShare, 1.0, 1e-4);
}

TEST(Relevance, MissingRulesAreNamed) {
  std::string model =
      "func.func @main(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {\n"
      "  %i = qc.constant dense<[3, 0]> : tensor<2xi64>\n"
      "  %y = qc.gather %x, %i {axis = 1 : i64} : (tensor<1x4xf32>, "
      "tensor<2xi64>) -> tensor<1x2xf32>\n"
      "  return %y : tensor<1x2xf32>\n}\n";
  std::mt19937 random(1);
  llvm::Expected<LayerRelevance> result =
      propagate(model, {randomInput(random, {1, 4})});
  ASSERT_FALSE(result);
  EXPECT_EQ(llvm::toString(result.takeError()),
            "lrp: no relevance rule for qc.gather (1)");
}

} // namespace
