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

#ifdef __cplusplus
}
#endif

#endif /* QUANTC_RUNTIME_H */
