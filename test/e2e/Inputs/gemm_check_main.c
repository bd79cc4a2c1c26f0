/* Checks a quantc low-bit GEMM kernel against plain C: random A (u8) and
 * B (int8, int4 or ternary values) with the extremes included, packed with
 * quantc_runtime.h's functions. Int8 and ternary results are exact int32
 * sums; int4 results follow the kernel's contract bit for bit:
 * c = 0; for each group g ascending: c = fmaf(scale[g][n], dot_g, c).
 * Built with -DM= -DN= -DK= -DKERNEL=<symbol> -DHEADER=<file> and
 * -DFORMAT=8|4|2 (-DGROUP=<k per scale> for 4). */
#include HEADER
#include "quantc_runtime.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned state = 12345;
static unsigned next(void) {
  state = state * 1103515245u + 12345u;
  return state >> 16;
}

int main(void) {
  static uint8_t a[M * K];
  static int8_t b[K * N];
  static uint8_t packed[K * N];
  for (int i = 0; i < M * K; ++i)
    a[i] = (uint8_t)(i % 97 == 0 ? 255 : next());
  int lo = FORMAT == 8 ? -128 : FORMAT == 4 ? -8 : -1;
  int hi = FORMAT == 8 ? 127 : FORMAT == 4 ? 7 : 1;
  for (int i = 0; i < K * N; ++i)
    b[i] = (int8_t)(i % 89 == 0 ? lo
                    : i % 83 == 0 ? hi
                                  : lo + (int)(next() % (unsigned)(hi - lo + 1)));
  long mismatches = 0;
#if FORMAT == 4
  static float scales[K / GROUP * N], packedScales[K / GROUP * N];
  static float c[M * N];
  for (int i = 0; i < K / GROUP * N; ++i)
    scales[i] = (float)(next() % 1000 + 1) * 1e-4f;
  quantc_pack_int4_weights(b, K, N, packed);
  quantc_pack_group_scales(scales, K, N, GROUP, packedScales);
  KERNEL(a, packed, packedScales, c);
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n) {
      float want = 0;
      for (int g = 0; g < K / GROUP; ++g) {
        int32_t dot = 0;
        for (int k = g * GROUP; k < (g + 1) * GROUP; ++k)
          dot += (int32_t)a[m * K + k] * b[k * N + n];
        want = fmaf(scales[g * N + n], (float)dot, want);
      }
      mismatches += c[m * N + n] != want;
    }
#else
  static int32_t c[M * N];
#if FORMAT == 8
  quantc_pack_vnni_weights(b, K, N, (int8_t *)packed);
  KERNEL(a, (const int8_t *)packed, c);
#else
  quantc_pack_ternary_weights(b, K, N, packed);
  KERNEL(a, packed, c);
#endif
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n) {
      int32_t want = 0;
      for (int k = 0; k < K; ++k)
        want += (int32_t)a[m * K + k] * b[k * N + n];
      mismatches += c[m * N + n] != want;
    }
#endif
  printf("%dx%dx%d: %ld of %d outputs differ\n", M, N, K, mismatches, M * N);
  return mismatches != 0;
}
