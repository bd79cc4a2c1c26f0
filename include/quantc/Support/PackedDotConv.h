//===- PackedDotConv.h - the mark of a convolution over channel quads ---===//
//
// Part of quantc. convert-qc-to-linalg writes a direct int8 convolution
// (qc.direct_conv) as a linalg.generic over i32 words that each hold four
// channels' bytes: acc[f, oh, ow] += dot4(x[c4, oh sh + kh dh, ow sw +
// kw dw], w[f, c4, kh, kw]), u8 input bytes times s8 weight bytes. The generic
// is the definition (any target runs it); quantc-tile-and-vectorize finds it by
// this mark and writes it with vpdpbusd.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_SUPPORT_PACKEDDOTCONV_H
#define QUANTC_SUPPORT_PACKEDDOTCONV_H

#include "llvm/ADT/StringRef.h"

namespace quantc {

/// On such a linalg.generic: its kernel dilations and width stride,
/// array<i64: dh, dw, sw>.
inline constexpr llvm::StringLiteral kPackedDotConvAttr =
    "quantc.packed_dot_conv";

/// On the vector.multi_reduction that sums one vpdpbusd's byte products
/// in such a generic's vector code: qc-define-gemm-kernels makes it the
/// instruction, after bufferization (which cannot see into intrinsics).
inline constexpr llvm::StringLiteral kVnniDotAttr = "quantc.vnni_dot";

} // namespace quantc

#endif // QUANTC_SUPPORT_PACKEDDOTCONV_H
