//===- WideVectors.h - 512-bit vectors for LLVM's vectorizers ---*- C++ -*-===//
//
// Part of quantc. LLVM tunes every Intel AVX-512 server CPU (skylake-avx512
// to graniterapids) to prefer 256-bit vectors, sparing Skylake's clock the
// 512-bit license. quantc's own kernels (GEMM, convolutions, masked rows)
// are 512-bit, so the core pays that license anyway, and the loops LLVM
// vectorizes should be as wide: rec built for `cascadelake` (the
// x86_64-avx512vnni target) ran 7.98 ms on Zen 5, 6.47 ms with 512-bit
// loops.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_SUPPORT_WIDEVECTORS_H
#define QUANTC_SUPPORT_WIDEVECTORS_H

#include "llvm/IR/Function.h"
#include "llvm/IR/Module.h"

namespace quantc {

/// Asks LLVM's vectorizers for 512-bit vectors in every function `module`
/// defines. Only for code that may use AVX-512.
inline void preferWideVectors(llvm::Module &module) {
  for (llvm::Function &function : module)
    if (!function.isDeclaration())
      function.addFnAttr("prefer-vector-width", "512");
}

} // namespace quantc

#endif // QUANTC_SUPPORT_WIDEVECTORS_H
