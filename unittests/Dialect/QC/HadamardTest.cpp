//===- HadamardTest.cpp - qc.hadamard's matrices and its lowering ---------===//
//
// Part of quantc. Every size qc.hadamard accepts must give an orthogonal
// transform, and the compiled op (butterflies plus a Paley base) must
// compute exactly what qc::applyHadamard, the definition qc-rotate folds
// into weights, computes.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QC/IR/QCHadamard.h"

#include "../../RunModelText.h"

#include "quantc/Compiler/Compiler.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>
#include <string>

using namespace quantc;

namespace {
/// The transform's matrix: column j is Q e_j.
std::vector<float> transformMatrix(int64_t n, llvm::ArrayRef<bool> negate) {
  std::vector<float> columns(n * n, 0.0f);
  for (int64_t j = 0; j < n; ++j)
    columns[j * n + j] = 1.0f;
  // Rows of `columns` are the basis vectors e_j; transform each.
  qc::applyHadamard(columns, {n, n}, 1, negate);
  return columns; // row j = (Q e_j)^T
}
} // namespace

TEST(Hadamard, FactorsTheSizesRotationsNeed) {
  for (int64_t n : {1, 2, 64, 4096})
    EXPECT_EQ(qc::factorHadamardSize(n)->base, 1) << n;
  struct Case {
    int64_t n, base;
  } cases[] = {{12, 12}, {24, 12},  {20, 20},  {40, 20},  {28, 28},
               {56, 28}, {60, 60},  {120, 60}, {240, 60}, {96, 12},
               {36, 36}, {768, 12}, {44, 44}};
  for (Case c : cases) {
    std::optional<qc::HadamardFactors> f = qc::factorHadamardSize(c.n);
    ASSERT_TRUE(f) << c.n;
    EXPECT_EQ(f->base, c.base) << c.n;
    EXPECT_EQ(f->base * f->power, c.n);
  }
  // Odd, 2 mod 4, 360 = 45 * 8 (base 180 is past the dense limit), and 52
  // (a Hadamard order, but 51 and 25 are not primes: no Paley base).
  for (int64_t n : {3, 6, 15, 30, 90, 360, 52})
    EXPECT_FALSE(qc::factorHadamardSize(n)) << n;
}

TEST(Hadamard, EverySupportedSizeIsOrthogonal) {
  std::mt19937 rng(5);
  int64_t checked = 0;
  for (int64_t n = 1; n <= 256; ++n) {
    if (!qc::factorHadamardSize(n))
      continue;
    ++checked;
    std::vector<bool> negate(n);
    for (int64_t i = 0; i < n; ++i)
      negate[i] = rng() & 1;
    for (bool signs : {false, true}) {
      std::vector<bool> used = signs ? negate : std::vector<bool>();
      llvm::SmallVector<bool> s(used.begin(), used.end());
      std::vector<float> q = transformMatrix(n, s);
      for (int64_t a = 0; a < n; ++a)
        for (int64_t b = 0; b < n; ++b) {
          double dot = 0;
          for (int64_t k = 0; k < n; ++k)
            dot += double(q[a * n + k]) * q[b * n + k];
          ASSERT_NEAR(dot, a == b ? 1.0 : 0.0, 1e-5)
              << "n " << n << " rows " << a << ", " << b;
        }
    }
    // The transpose undoes the transform, with and without signs.
    std::vector<float> x(n), y;
    for (float &v : x)
      v = float(rng() % 1000) / 500.0f - 1.0f;
    for (bool signs : {false, true}) {
      y = x;
      llvm::SmallVector<bool> s;
      if (signs)
        s.assign(negate.begin(), negate.end());
      qc::applyHadamard(y, {n}, 0, s);
      qc::applyHadamard(y, {n}, 0, s, /*transpose=*/true);
      for (int64_t i = 0; i < n; ++i)
        ASSERT_NEAR(y[i], x[i], 1e-5) << "n " << n << " signs " << signs;
    }
    // Without signs, H 1 = sqrt(n) e_0: the base's first row is all ones.
    std::vector<float> ones(n, 1.0f);
    qc::applyHadamard(ones, {n}, 0, {});
    EXPECT_NEAR(ones[0], std::sqrt(double(n)), 1e-4) << n;
  }
  EXPECT_GT(checked, 40);
}

TEST(Hadamard, CompiledTransformMatchesTheDefinition) {
  std::unique_ptr<mlir::MLIRContext> context = createCompilerContext();
  std::mt19937 rng(9);
  std::normal_distribution<float> normal;
  // Axis in the middle, last and first; Sylvester only, Paley bases 12, 20,
  // 28 and 60 (120 = 60 * 2, SVTR's width), with and without signs, and
  // the transposes.
  struct Case {
    std::vector<int64_t> shape;
    int64_t axis;
    bool signs, transpose = false;
  } cases[] = {{{2, 64, 3}, 1, false},
               {{3, 120}, 1, true},
               {{3, 120}, 1, false},
               {{2, 12, 5}, 1, true},
               {{20, 4}, 0, false},
               {{1, 28, 2, 3}, 1, true},
               {{2, 1}, 1, false},
               {{3, 120}, 1, true, true},
               {{40, 3, 12}, 2, false, true},
               {{2, 28, 17}, 1, true, true}};
  for (const Case &c : cases) {
    int64_t n = c.shape[c.axis], count = 1;
    std::string type = "tensor<";
    for (int64_t d : c.shape) {
      type += std::to_string(d) + "x";
      count *= d;
    }
    type += "f32>";
    std::vector<bool> negate;
    std::string attr = "axis = " + std::to_string(c.axis) + " : i64";
    if (c.signs) {
      attr += ", negate = array<i1: ";
      for (int64_t i = 0; i < n; ++i) {
        negate.push_back(rng() & 1);
        attr += std::string(i ? ", " : "") + (negate.back() ? "true" : "false");
      }
      attr += ">";
    }
    if (c.transpose)
      attr += ", transpose";
    std::string model = "func.func @main(%x: " + type + ") -> " + type +
                        " {\n  %y = qc.hadamard %x {" + attr + "} : " + type +
                        "\n  return %y : " + type + "\n}\n";
    HostArray x{c.shape, {}};
    for (int64_t i = 0; i < count; ++i)
      x.data.push_back(normal(rng));
    std::vector<float> expected = x.data;
    llvm::SmallVector<bool> s(negate.begin(), negate.end());
    qc::applyHadamard(expected, c.shape, c.axis, s, c.transpose);
    llvm::Expected<std::vector<HostArray>> outputs =
        runModelText(*context, model, {x});
    ASSERT_TRUE(bool(outputs)) << llvm::toString(outputs.takeError());
    ASSERT_EQ((*outputs)[0].data.size(), expected.size());
    for (int64_t i = 0; i < count; ++i)
      ASSERT_NEAR((*outputs)[0].data[i], expected[i], 1e-5) << model << i;
  }
}
