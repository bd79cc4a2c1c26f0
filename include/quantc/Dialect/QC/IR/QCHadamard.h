//===- QCHadamard.h - the Hadamard matrices qc.hadamard multiplies by -*- C++
//-*-===//
//
// Part of quantc. The one definition of the transform qc.hadamard computes:
// the op's verifier, its lowering, qc-rotate's weight folding and the tests
// all use these functions, so an online rotation and the weights it was
// folded into always agree.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QC_IR_QCHADAMARD_H
#define QUANTC_DIALECT_QC_IR_QCHADAMARD_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace quantc::qc {

/// The largest base matrix qc.hadamard multiplies by densely: the base's
/// share of the cost is n * base multiply-adds per vector, against
/// n * log2(n / base) for the butterflies.
constexpr int64_t kMaxHadamardBase = 128;

/// n = base * power with power a power of two: H_n = H_power (Sylvester,
/// applied as butterflies) (x) B_base (a dense Paley matrix; base 1 when n
/// is a power of two).
struct HadamardFactors {
  int64_t base = 1;
  int64_t power = 1;
};

/// The factorization qc.hadamard uses for extent n: the smallest base
/// m = odd(n) * 2^j (j >= 2) that Paley's constructions give (m - 1 a prime
/// = 3 mod 4, or m / 2 - 1 a prime = 1 mod 4) and that is at most
/// kMaxHadamardBase; nullopt when there is none (odd n > 1, n = 2 mod 4,
/// or a base too large).
std::optional<HadamardFactors> factorHadamardSize(int64_t n);

/// The base matrix B_m (row-major, entries +-1, B B^T = m I), normalized so
/// that its first row is all ones. B_1 = [1].
std::vector<int8_t> hadamardBaseMatrix(int64_t base);

/// Applies qc.hadamard's transform in place to every vector along `axis` of
/// the row-major tensor `data` of `shape`:
///   y = (1 / sqrt(n)) (H_power (x) B_base) diag(s) x,
/// with s_i = -1 where negate[i] and +1 otherwise (negate empty: all +1),
/// or its inverse y = Q^T x = (1 / sqrt(n)) diag(s) (H_power (x) B_base^T) x
/// with `transpose`. The extent along `axis` must factor
/// (factorHadamardSize).
void applyHadamard(llvm::MutableArrayRef<float> data,
                   llvm::ArrayRef<int64_t> shape, int64_t axis,
                   llvm::ArrayRef<bool> negate, bool transpose = false);

/// qc-rotate's modes: Hadamard (signs +1) or seeded random signs times
/// Hadamard (TurboQuant-style).
enum class RotationMode { Hadamard, Random };

/// The mode named `name` ("hadamard", "random"), or nullopt.
std::optional<RotationMode> parseRotationMode(llvm::StringRef name);

/// The name parseRotationMode reads.
llvm::StringRef rotationModeName(RotationMode mode);

} // namespace quantc::qc

#endif // QUANTC_DIALECT_QC_IR_QCHADAMARD_H
