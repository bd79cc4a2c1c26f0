//===- TargetSpec.cpp - the targets quantc compiles for -------------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Target/Object/TargetSpec.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace quantc;

namespace {
constexpr const char *kX86 = "x86_64-unknown-linux-gnu";
constexpr const char *kAArch64 = "aarch64-unknown-linux-gnu";
constexpr const char *kNVPTX = "nvptx64-nvidia-cuda";

/// Most specific first within an architecture: hostTargetName picks the
/// first one whose features the host has.
const TargetSpec kTargets[] = {
    // Sapphire Rapids: AMX tiles besides AVX-512 VNNI.
    {"x86_64-amx", kX86, "sapphirerapids", "", false, true, false, true, false,
     true},
    // Cascade Lake level: AVX-512 with vpdpbusd.
    {"x86_64-avx512vnni", kX86, "cascadelake", "", false, true, false, true},
    // x86-64-v3: AVX2 and FMA; u8 x i8 dot products through pmaddubsw /
    // pmaddwd.
    {"x86_64-avx2", kX86, "x86-64-v3", "", false, false, false, true},
    {"x86_64", kX86, "x86-64", "", false},
    // Armv8.6-A int8 matrix multiply (the kernels use usmmla: u8 x s8) and
    // dot product (sdot).
    {"aarch64-i8mm", kAArch64, "generic", "+v8.6a,+neon,+dotprod,+i8mm", false,
     false, true, false, true},
    {"aarch64-dotprod", kAArch64, "generic", "+v8.2a,+neon,+dotprod", false,
     false, true},
    {"aarch64", kAArch64, "generic", "+neon", false},
    {"nvptx-sm80", kNVPTX, "sm_80", "+ptx70", true},
    {"nvptx-sm90", kNVPTX, "sm_90", "+ptx78", true},
};

/// The host feature each CPU target needs, to pick the host's own.
const llvm::StringRef kRequiredHostFeature[] = {
    "amx-int8", "avx512vnni", "avx2", "", "i8mm", "dotprod", "", "", ""};
} // namespace

std::optional<TargetSpec> quantc::lookupTarget(llvm::StringRef name) {
  if (name == "host")
    return lookupTarget(hostTargetName());
  if (name == "native" || name == "x86_64-native") {
    llvm::Triple host(llvm::sys::getProcessTriple());
    llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
    TargetSpec spec{
        "native",
        host.str(),
        llvm::sys::getHostCPUName().str(),
        "",
        false,
        host.getArch() == llvm::Triple::x86_64 && features.lookup("avx512vnni"),
        host.getArch() == llvm::Triple::aarch64 && features.lookup("dotprod"),
        host.getArch() == llvm::Triple::x86_64 && features.lookup("avx2"),
        host.getArch() == llvm::Triple::aarch64 && features.lookup("i8mm"),
        host.getArch() == llvm::Triple::x86_64 && features.lookup("amx-int8")};
    return spec;
  }
  for (const TargetSpec &spec : kTargets)
    if (spec.name == name)
      return spec;
  return std::nullopt;
}

std::optional<KernelIsa> quantc::kernelIsa(const TargetSpec &spec) {
  if (spec.amx)
    return KernelIsa::Amx;
  if (spec.avx512Vnni)
    return KernelIsa::Avx512Vnni;
  if (spec.avx2)
    return KernelIsa::Avx2;
  if (spec.neonI8mm)
    return KernelIsa::NeonI8mm;
  if (spec.neonDot)
    return KernelIsa::NeonDot;
  return std::nullopt;
}

std::string quantc::knownTargetNames() {
  std::string names;
  for (const TargetSpec &spec : kTargets)
    names += (names.empty() ? "" : ", ") + spec.name;
  return names;
}

bool quantc::targetIsThisHost(llvm::StringRef name) {
  return name == "host" || name == "native" || name == "x86_64-native";
}

std::string quantc::hostTargetName() {
  llvm::Triple host(llvm::sys::getProcessTriple());
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  for (auto [spec, needed] : llvm::zip_equal(kTargets, kRequiredHostFeature)) {
    if (spec.gpu || llvm::Triple(spec.triple).getArch() != host.getArch())
      continue;
    if (needed.empty() || features.lookup(needed))
      return spec.name;
  }
  return host.getArchName().str();
}

std::string quantc::hostGenericTargetName() {
  return llvm::Triple(llvm::sys::getProcessTriple()).getArchName().str();
}
