/*===- quantc_runtime.c - the C runtime of quantc-compiled objects --------===*
 *
 * Part of quantc. The few functions that code lowered through MLIR calls
 * and that a quantc object needs at link time besides libc and libm.
 * Link it (or its static library, libquantc_runtime.a) next to the object.
 *
 *===----------------------------------------------------------------------===*/

#include "quantc_runtime.h"

#include <string.h>

/* A ranked memref descriptor: base, aligned data, offset, then rank sizes
 * and rank strides (in elements). */
typedef struct {
  char *base;
  char *data;
  int64_t offset;
  int64_t sizesAndStrides[];
} Descriptor;

void memrefCopy(int64_t elemSize, QuantcUnrankedMemRef *src,
                QuantcUnrankedMemRef *dst) {
  int64_t rank = src->rank;
  const Descriptor *s = (const Descriptor *)src->descriptor;
  const Descriptor *d = (const Descriptor *)dst->descriptor;
  const int64_t *sizes = s->sizesAndStrides;
  const int64_t *srcStrides = s->sizesAndStrides + rank;
  const int64_t *dstStrides = d->sizesAndStrides + rank;
  const char *from = s->data + s->offset * elemSize;
  char *to = d->data + d->offset * elemSize;
  int64_t count = 1;
  for (int64_t i = 0; i < rank; ++i) {
    if (sizes[i] == 0)
      return;
    count *= sizes[i];
  }
  if (rank == 0) {
    memcpy(to, from, elemSize);
    return;
  }
  /* Walk the index space in row-major order with an odometer. */
  int64_t index[64] = {0};
  if (rank > 64)
    return;
  for (int64_t n = 0; n < count; ++n) {
    int64_t srcOffset = 0, dstOffset = 0;
    for (int64_t i = 0; i < rank; ++i) {
      srcOffset += index[i] * srcStrides[i];
      dstOffset += index[i] * dstStrides[i];
    }
    memcpy(to + dstOffset * elemSize, from + srcOffset * elemSize, elemSize);
    for (int64_t i = rank - 1; i >= 0; --i) {
      if (++index[i] < sizes[i])
        break;
      index[i] = 0;
    }
  }
}

void quantc_pack_vnni_weights(const int8_t *b, int64_t k, int64_t n,
                              int8_t *packed) {
  int64_t out = 0;
  for (int64_t p = 0; p < n / 64; ++p)
    for (int64_t k4 = 0; k4 < k / 4; ++k4)
      for (int64_t c = 0; c < 64; ++c)
        for (int64_t i = 0; i < 4; ++i)
          packed[out++] = b[(4 * k4 + i) * n + p * 64 + c];
}
