//===- QCHadamard.cpp - Sylvester and Paley Hadamard matrices -------------===//
//
// Part of quantc. Paley's first construction gives a Hadamard matrix of
// order p + 1 for a prime p = 3 mod 4 (12, 20, 24, 44, 48, 60, ...), his
// second one of order 2(p + 1) for a prime p = 1 mod 4 (12, 28, 36, 60,
// ...). With Sylvester's doubling that covers 12 * 2^k, 20 * 2^k, 28 * 2^k
// and SVTR's 120 = 60 * 2.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QC/IR/QCHadamard.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace quantc::qc;

namespace {
bool isPrime(int64_t p) {
  if (p < 2)
    return false;
  for (int64_t d = 2; d * d <= p; ++d)
    if (p % d == 0)
      return false;
  return true;
}

/// The quadratic character of a mod p: 0, +1 (a square) or -1.
int quadraticCharacter(int64_t a, int64_t p) {
  a = ((a % p) + p) % p;
  if (a == 0)
    return 0;
  for (int64_t x = 1; x < p; ++x)
    if (x * x % p == a)
      return 1;
  return -1;
}

bool isPaleyOne(int64_t m) { return isPrime(m - 1) && (m - 1) % 4 == 3; }
bool isPaleyTwo(int64_t m) {
  return m % 2 == 0 && isPrime(m / 2 - 1) && (m / 2 - 1) % 4 == 1;
}

/// S of order p + 1: a bordered Jacobsthal matrix, S[0][j] = 1 for j > 0,
/// S[i][0] = `border` for i > 0, S[i][j] = chi(j - i).
std::vector<int> borderedJacobsthal(int64_t p, int border) {
  int64_t n = p + 1;
  std::vector<int> s(n * n, 0);
  for (int64_t j = 1; j < n; ++j) {
    s[j] = 1;
    s[j * n] = border;
  }
  for (int64_t i = 1; i < n; ++i)
    for (int64_t j = 1; j < n; ++j)
      s[i * n + j] = quadraticCharacter(j - i, p);
  return s;
}
} // namespace

std::optional<HadamardFactors> quantc::qc::factorHadamardSize(int64_t n) {
  if (n < 1)
    return std::nullopt;
  if (llvm::isPowerOf2_64(n))
    return HadamardFactors{1, n};
  int64_t odd = n, twos = 1;
  while (odd % 2 == 0) {
    odd /= 2;
    twos *= 2;
  }
  for (int64_t j = 4; j <= twos; j *= 2) {
    int64_t m = odd * j;
    if (m > kMaxHadamardBase)
      break;
    if (isPaleyOne(m) || isPaleyTwo(m))
      return HadamardFactors{m, n / m};
  }
  return std::nullopt;
}

std::vector<int8_t> quantc::qc::hadamardBaseMatrix(int64_t m) {
  std::vector<int> h;
  if (m == 1) {
    h = {1};
  } else if (isPaleyOne(m)) {
    // H = I + S with S skew-symmetric.
    h = borderedJacobsthal(m - 1, -1);
    for (int64_t i = 0; i < m; ++i)
      h[i * m + i] += 1;
  } else if (isPaleyTwo(m)) {
    // Each entry of the symmetric S of order q = m / 2 becomes a 2x2 block:
    // 0 -> [[1, -1], [-1, -1]], +-1 -> +-[[1, 1], [1, -1]].
    int64_t q = m / 2;
    std::vector<int> s = borderedJacobsthal(q - 1, 1);
    h.assign(m * m, 0);
    for (int64_t i = 0; i < q; ++i)
      for (int64_t j = 0; j < q; ++j) {
        int v = s[i * q + j];
        int block[2][2] = {{1, 1}, {1, -1}};
        if (v == 0) {
          block[0][1] = block[1][0] = block[1][1] = -1;
          v = 1;
        }
        for (int a = 0; a < 2; ++a)
          for (int b = 0; b < 2; ++b)
            h[(2 * i + a) * m + 2 * j + b] = v * block[a][b];
      }
  } else {
    llvm::report_fatal_error("hadamardBaseMatrix: no Paley construction");
  }
  // Negating columns keeps H H^T = m I and makes the first row all ones,
  // so that H 1 = m e_0 (the mean of a vector lands in its first entry).
  std::vector<int8_t> base(m * m);
  for (int64_t j = 0; j < m; ++j) {
    int sign = h[j] < 0 ? -1 : 1;
    for (int64_t i = 0; i < m; ++i)
      base[i * m + j] = int8_t(sign * h[i * m + j]);
  }
  return base;
}

void quantc::qc::applyHadamard(llvm::MutableArrayRef<float> data,
                               llvm::ArrayRef<int64_t> shape, int64_t axis,
                               llvm::ArrayRef<bool> negate, bool transpose) {
  int64_t n = shape[axis], outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (int64_t d = axis + 1; d < int64_t(shape.size()); ++d)
    inner *= shape[d];
  std::optional<HadamardFactors> factors = factorHadamardSize(n);
  if (!factors)
    llvm::report_fatal_error("applyHadamard: extent has no Hadamard matrix");
  int64_t m = factors->base;
  std::vector<int8_t> base = hadamardBaseMatrix(m);
  double scale = 1.0 / std::sqrt(double(n));
  std::vector<double> v(n), w(m);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t t = 0; t < inner; ++t) {
      float *x = data.data() + o * n * inner + t;
      auto sign = [&](int64_t i) {
        return !negate.empty() && negate[i] ? -1.0 : 1.0;
      };
      // Q^T = diag(s) (H_power (x) B_base^T) / sqrt(n): H_power is
      // symmetric, and the signs come last.
      for (int64_t i = 0; i < n; ++i)
        v[i] = (transpose ? 1.0 : sign(i)) * x[i * inner];
      // Index i = a * m + b: butterflies over a, then B_m over b.
      for (int64_t h = m; h < n; h *= 2)
        for (int64_t i = 0; i < n; i += 2 * h)
          for (int64_t j = i; j < i + h; ++j) {
            double a = v[j], b = v[j + h];
            v[j] = a + b;
            v[j + h] = a - b;
          }
      if (m > 1)
        for (int64_t a = 0; a < n; a += m) {
          for (int64_t r = 0; r < m; ++r) {
            double sum = 0;
            for (int64_t c = 0; c < m; ++c)
              sum += (transpose ? base[c * m + r] : base[r * m + c]) * v[a + c];
            w[r] = sum;
          }
          std::copy(w.begin(), w.end(), v.begin() + a);
        }
      for (int64_t i = 0; i < n; ++i)
        x[i * inner] = float((transpose ? sign(i) : 1.0) * v[i] * scale);
    }
}

std::optional<RotationMode>
quantc::qc::parseRotationMode(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<RotationMode>>(name)
      .Case("hadamard", RotationMode::Hadamard)
      .Case("random", RotationMode::Random)
      .Default(std::nullopt);
}

llvm::StringRef quantc::qc::rotationModeName(RotationMode mode) {
  return mode == RotationMode::Hadamard ? "hadamard" : "random";
}
