//===- TargetSpec.h - the targets quantc compiles for -----------*- C++ -*-===//
//
// Part of quantc. One table from the --target names users give to an LLVM
// triple, CPU and feature string.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TARGET_OBJECT_TARGETSPEC_H
#define QUANTC_TARGET_OBJECT_TARGETSPEC_H

#include "quantc/Kernels/LowBitGemm.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace quantc {

struct TargetSpec {
  std::string name;
  std::string triple;
  std::string cpu;
  /// LLVM subtarget features ("+a,+b"), on top of the CPU's.
  std::string features;
  /// GPU targets produce PTX, not an object file.
  bool gpu = false;
  /// Code may use AVX-512 VNNI (vpdpbusd).
  bool avx512Vnni = false;
  /// Code may use the AArch64 dot product (sdot).
  bool neonDot = false;
  /// Code may use AVX2.
  bool avx2 = false;
  /// Code may use the AArch64 int8 matrix multiply (smmla, usmmla).
  bool neonI8mm = false;
  /// Code may use AMX tiles (tdpbusd); AVX-512 VNNI too.
  bool amx = false;
};

/// The ISA of the low-bit kernels for `spec`: AMX (whose kernels fall back
/// to AVX-512 VNNI where tiles do not fit), else AVX-512 VNNI, else AVX2,
/// else AArch64 i8mm, else the dot product; none for plain x86-64, AArch64
/// and GPUs.
std::optional<KernelIsa> kernelIsa(const TargetSpec &spec);

/// The spec of a --target name: one of knownTargetNames(), "native" (this
/// machine's own CPU and features; also spelled x86_64-native) or "host"
/// (hostTargetName()).
std::optional<TargetSpec> lookupTarget(llvm::StringRef name);

/// Every name lookupTarget accepts besides "native" and "host", comma-
/// separated, for diagnostics.
std::string knownTargetNames();

/// Whether --target `name` means this machine's own CPU (host, native,
/// x86_64-native), so that what was tuned here applies.
bool targetIsThisHost(llvm::StringRef name);

/// The most specific known CPU target this machine runs (e.g.
/// x86_64-avx512vnni on a Cascade Lake, x86_64-avx2 on a Haswell).
std::string hostTargetName();

/// The baseline target of this machine's architecture (x86_64, aarch64):
/// the host side of GPU targets.
std::string hostGenericTargetName();

} // namespace quantc

#endif // QUANTC_TARGET_OBJECT_TARGETSPEC_H
