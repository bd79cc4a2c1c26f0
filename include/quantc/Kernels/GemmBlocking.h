//===- GemmBlocking.h - the GEMM kernels' blocking, per CPU ------*- C++
//-*-===//
//
// Part of quantc. The cache and register blocking of the AVX-512 VNNI GEMM
// kernels suits one CPU better than another (Zen 4 runs 512-bit operations
// double-pumped; Intel cores issue vpdpbusd on two ports and have larger
// L2 caches). A blocking comes from `quantc tune-kernels` (measured on
// this host, cached per micro-architecture), else from a table of
// micro-architectures measured, else the default.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_KERNELS_GEMMBLOCKING_H
#define QUANTC_KERNELS_GEMMBLOCKING_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>

namespace quantc {

struct GemmBlocking {
  /// Packed B walked per panel group, which stays in the core's L2 cache
  /// while every row block of A passes by. 512: half of a Zen 4 core's L2
  /// (1 MiB), a quarter of a Sapphire Rapids core's (2 MiB), room for A's
  /// rows and C beside the group.
  int64_t panelGroupKiB = 512;
  /// Columns per multi-row register block of a 64-column panel: 64 (4 rows
  /// x 4 vectors) or 32 (8 rows x 2 vectors: each weight vector loaded
  /// serves 8 rows instead of 4, half the B traffic from L1 and L2 per
  /// vpdpbusd). Narrower panels and one-row blocks take their whole panel.
  int64_t blockColumns = 64;
};

bool operator==(const GemmBlocking &l, const GemmBlocking &r);

/// Why `blocking` cannot be built ("" when it can): a group of 64 KiB to
/// 64 MiB, 64 or 32 block columns.
std::string gemmBlockingUnsupported(const GemmBlocking &blocking);

/// "group=<KiB>,columns=<N>", as parseGemmBlocking reads it.
std::string formatGemmBlocking(const GemmBlocking &blocking);

/// "default" or "group=<KiB>,columns=<N>" (either key may be left out and
/// keeps its default); errors name what is wrong.
llvm::Expected<GemmBlocking> parseGemmBlocking(llvm::StringRef text);

/// The blocking measured best on a micro-architecture (LLVM's CPU name, as
/// llvm::sys::getHostCPUName gives it: znver4, sapphirerapids, ...), if
/// the table has it.
std::optional<GemmBlocking> tabulatedGemmBlocking(llvm::StringRef cpu);

/// Where `quantc tune-kernels` caches its results: $QUANTC_TUNING_CACHE,
/// else $XDG_CACHE_HOME/quantc/gemm-blocking, else
/// $HOME/.cache/quantc/gemm-blocking.
std::string defaultTuningCachePath();

/// The blocking cached for `cpu` in the file at `path` (lines
/// "<cpu> group=<KiB>,columns=<N> [what was measured]"); none when the
/// file or the line is missing. A malformed line is an error.
llvm::Expected<std::optional<GemmBlocking>>
readTunedGemmBlocking(llvm::StringRef path, llvm::StringRef cpu);

/// Sets `cpu`'s line in the cache at `path` (creating it and its folder),
/// keeping other CPUs' lines; `measured` is kept after the blocking, for
/// people reading the file.
llvm::Error writeTunedGemmBlocking(llvm::StringRef path, llvm::StringRef cpu,
                                   const GemmBlocking &blocking,
                                   llvm::StringRef measured);

/// A blocking and where it came from, for reports.
struct ChosenGemmBlocking {
  GemmBlocking blocking;
  std::string source;
};

/// The blocking of the kernels compiled for a target. `request`: "auto"
/// (for kernels that run on this machine, `forThisHost`: the tuning cache's
/// entry for this host's CPU, else the table's, else the default; for
/// other targets the default), "default", or an explicit
/// "group=..,columns=..".
llvm::Expected<ChosenGemmBlocking> chooseGemmBlocking(llvm::StringRef request,
                                                      bool forThisHost);

} // namespace quantc

#endif // QUANTC_KERNELS_GEMMBLOCKING_H
