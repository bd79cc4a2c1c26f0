/* Checks a quantc u8 x s8 GEMM kernel against plain C with int32
 * accumulation (the exact result): random A and B with the extremes
 * (0, 255, -128, 127) included, B packed with quantc_pack_vnni_weights.
 * Built with -DM=.. -DN=.. -DK=.. -DKERNEL=<symbol> -DHEADER=<file>. */
#include HEADER
#include "quantc_runtime.h"

#include <stdio.h>
#include <stdlib.h>

int main(void) {
  static uint8_t a[M * K];
  static int8_t b[K * N], packed[K * N];
  static int32_t c[M * N];
  unsigned state = 12345;
  for (int i = 0; i < M * K; ++i) {
    state = state * 1103515245u + 12345u;
    a[i] = (uint8_t)(i % 97 == 0 ? 255 : state >> 16);
  }
  for (int i = 0; i < K * N; ++i) {
    state = state * 1103515245u + 12345u;
    b[i] = (int8_t)(i % 89 == 0 ? -128 : i % 83 == 0 ? 127 : state >> 16);
  }
  quantc_pack_vnni_weights(b, K, N, packed);
  KERNEL(a, packed, c);
  long mismatches = 0;
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n) {
      int32_t want = 0;
      for (int k = 0; k < K; ++k)
        want += (int32_t)a[m * K + k] * (int32_t)b[k * N + n];
      mismatches += c[m * N + n] != want;
    }
  printf("%dx%dx%d: %ld of %d outputs differ\n", M, N, K, mismatches, M * N);
  return mismatches != 0;
}
