/*===- quantc_runtime.h - the C runtime of quantc-compiled objects --------===*
 *
 * Part of quantc.
 *
 *===----------------------------------------------------------------------===*/

#ifndef QUANTC_RUNTIME_H
#define QUANTC_RUNTIME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* MLIR's unranked memref: a rank and a pointer to a ranked descriptor. */
typedef struct {
  int64_t rank;
  void *descriptor;
} QuantcUnrankedMemRef;

/* Copies between two memrefs of one shape with any strides (the symbol and
 * ABI that MLIR's memref-to-LLVM lowering calls for non-contiguous
 * copies). */
void memrefCopy(int64_t elemSize, QuantcUnrankedMemRef *src,
                QuantcUnrankedMemRef *dst);

/* Packs row-major int8 weights B[k][n] (n a multiple of 64, k of 4) into
 * the layout of quantc's VNNI GEMM kernels (`quantc kernel gemm-u8s8`):
 * [n / 64][k / 4][64 columns][4 consecutive k]. `packed` holds k * n
 * bytes. */
void quantc_pack_vnni_weights(const int8_t *b, int64_t k, int64_t n,
                              int8_t *packed);

#ifdef __cplusplus
}
#endif

#endif /* QUANTC_RUNTIME_H */
