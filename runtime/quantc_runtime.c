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

/* Bit fields of `bits` per code; see quantc_runtime.h for the layout. */
static void pack_fields(const int8_t *b, int64_t k, int64_t n, int bits,
                        int offset, uint8_t *packed) {
  int fields = 8 / bits, kb = 4 * fields;
  unsigned mask = (1u << bits) - 1;
  int64_t out = 0;
  for (int64_t p = 0; p < n / 64; ++p)
    for (int64_t t = 0; t < k / kb; ++t)
      for (int64_t c = 0; c < 64; ++c)
        for (int64_t i = 0; i < 4; ++i) {
          unsigned byte = 0;
          for (int q = 0; q < fields; ++q)
            byte |= ((uint8_t)(b[(kb * t + 4 * q + i) * n + p * 64 + c] +
                               offset) &
                     mask)
                    << (bits * q);
          packed[out++] = (uint8_t)byte;
        }
}

void quantc_pack_vnni_weights(const int8_t *b, int64_t k, int64_t n,
                              int8_t *packed) {
  pack_fields(b, k, n, 8, 0, (uint8_t *)packed);
}

void quantc_pack_int4_weights(const int8_t *b, int64_t k, int64_t n,
                              uint8_t *packed) {
  pack_fields(b, k, n, 4, 0, packed);
}

void quantc_pack_ternary_weights(const int8_t *b, int64_t k, int64_t n,
                                 uint8_t *packed) {
  pack_fields(b, k, n, 2, 1, packed);
}

void quantc_pack_group_scales(const float *scales, int64_t k, int64_t n,
                              int64_t group, float *packed) {
  int64_t out = 0;
  for (int64_t p = 0; p < n / 64; ++p)
    for (int64_t g = 0; g < k / group; ++g)
      for (int64_t c = 0; c < 64; ++c)
        packed[out++] = scales[g * n + p * 64 + c];
}
