//===- LogMatMulTest.cpp - qc.log_matmul against its contract -------------===//
//
// Part of quantc. The compiled shift-and-add A V must equal, bit for bit, a
// plain C++ reading of the contract in qc.log_matmul's description.
//
//===----------------------------------------------------------------------===//

#include "../../RunModelText.h"

#include "quantc/Compiler/Compiler.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <random>
#include <string>

using namespace quantc;

namespace {
/// -2e - [f >= 2^0.25] - [f >= 2^0.75], clamped; zero and subnormals get
/// the last code.
int32_t logCode(float a, int32_t levels) {
  uint32_t bits;
  std::memcpy(&bits, &a, 4);
  int32_t biased = int32_t((bits >> 23) & 255);
  if (biased == 0 || !(a > 0))
    return levels;
  uint32_t mantissaBits = (bits & 0x7FFFFF) | 0x3F800000;
  float mantissa;
  std::memcpy(&mantissa, &mantissaBits, 4);
  int32_t code = 254 - 2 * biased -
                 int32_t(mantissa >= float(std::pow(2.0, 0.25))) -
                 int32_t(mantissa >= float(std::pow(2.0, 0.75)));
  return std::min(std::max(code, 0), levels);
}

std::vector<float> reference(const std::vector<float> &a,
                             const std::vector<float> &v, int64_t batch,
                             int64_t m, int64_t k, int64_t n, int bits,
                             int fraction, double scale, int32_t zero) {
  int32_t levels = (1 << bits) - 1;
  std::vector<float> y(batch * m * n);
  double c = scale * std::ldexp(1.0, -fraction), cOdd = c / std::sqrt(2.0);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        int32_t even = 0, odd = 0;
        for (int64_t kk = 0; kk < k; ++kk) {
          int32_t q = logCode(a[(b * m + i) * k + kk], levels);
          float scaled = v[(b * k + kk) * n + j] / float(scale);
          int32_t code = int32_t(std::nearbyint(scaled)) + zero;
          int32_t d = std::min(std::max(code, 0), levels) - zero;
          int32_t shift = q >> 1;
          int32_t term = 0;
          if (shift <= 30)
            term = (d * (1 << fraction) + (shift > 0 ? 1 << (shift - 1) : 0)) >>
                   shift;
          (q & 1 ? odd : even) += term;
        }
        double p1 = double(even) * c;
        double p2 = double(odd) * cOdd;
        double sum = p1 + p2;
        y[(b * m + i) * n + j] = float(sum);
      }
  return y;
}
} // namespace

TEST(LogMatMul, ShiftAndAddEqualsTheContract) {
  std::unique_ptr<mlir::MLIRContext> context = createCompilerContext();
  std::mt19937 rng(3);
  std::normal_distribution<float> normal;
  const int64_t batch = 2, m = 5, k = 24, n = 3;
  for (int bits : {4, 8}) {
    int fraction = 14;
    double scale = 0.037;
    int32_t zero = bits == 4 ? 7 : 120;
    // Softmax rows, with exact zeros and ones among them.
    std::vector<float> a(batch * m * k), v(batch * k * n);
    for (int64_t row = 0; row < batch * m; ++row) {
      double sum = 0;
      std::vector<double> e(k);
      for (int64_t kk = 0; kk < k; ++kk)
        sum += e[kk] = std::exp(3 * normal(rng));
      for (int64_t kk = 0; kk < k; ++kk)
        a[row * k + kk] = float(e[kk] / sum);
    }
    a[0] = 0.0f;
    a[1] = 1.0f;
    a[2] = 1e-30f;
    for (float &x : v)
      x = normal(rng);
    auto shape = [](int64_t d0, int64_t d1, int64_t d2) {
      return "tensor<" + std::to_string(d0) + "x" + std::to_string(d1) + "x" +
             std::to_string(d2) + "xf32>";
    };
    std::string aType = shape(batch, m, k), vType = shape(batch, k, n),
                yType = shape(batch, m, n);
    std::string model =
        "func.func @main(%a: " + aType + ", %v: " + vType + ") -> " + yType +
        " {\n  %y = qc.log_matmul %a, %v {bits = " + std::to_string(bits) +
        " : i64, fraction_bits = " + std::to_string(fraction) +
        " : i64, v_scale = 0.037 : f64, v_zero_point = " +
        std::to_string(zero) + " : i64} : " + aType + ", " + vType + " -> " +
        yType + "\n  return %y : " + yType + "\n}\n";
    llvm::Expected<std::vector<HostArray>> outputs = runModelText(
        *context, model,
        {HostArray{{batch, m, k}, a}, HostArray{{batch, k, n}, v}});
    ASSERT_TRUE(bool(outputs)) << llvm::toString(outputs.takeError());
    std::vector<float> expected =
        reference(a, v, batch, m, k, n, bits, fraction, scale, zero);
    ASSERT_EQ((*outputs)[0].data.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i)
      ASSERT_EQ((*outputs)[0].data[i], expected[i])
          << "bits " << bits << " " << i;
    // And it is a product: close to the float A V at 8 bits.
    if (bits == 8) {
      double worst = 0, largest = 0;
      for (int64_t b = 0; b < batch; ++b)
        for (int64_t i = 0; i < m; ++i)
          for (int64_t j = 0; j < n; ++j) {
            double exact = 0;
            for (int64_t kk = 0; kk < k; ++kk)
              exact +=
                  double(a[(b * m + i) * k + kk]) * v[(b * k + kk) * n + j];
            largest = std::max(largest, std::fabs(exact));
            worst = std::max(worst,
                             std::fabs(exact - expected[(b * m + i) * n + j]));
          }
      EXPECT_LT(worst, 0.2 * largest);
    }
  }
}
