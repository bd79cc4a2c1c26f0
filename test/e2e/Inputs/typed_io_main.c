/* Calls the typed_io model's object with int64 ids, uint8 pixels and a
 * bool mask; prints its float32, bool, uint8 and int64 outputs. */
#include "model.h"

#include <inttypes.h>
#include <stdio.h>

int main(void) {
  const int64_t ids[5] = {3, 9000000000LL, -2, 7, 250};
  const uint8_t pixels[5] = {200, 10, 255, 0, 128};
  const uint8_t mask[5] = {1, 0, 1, 0, 1};
  float mixed[5];
  uint8_t greater[5], bytes[5];
  int64_t sum[5];
  quantc_main(ids, pixels, mask, mixed, greater, bytes, sum);
  for (int i = 0; i < 5; ++i)
    printf("%g %d %d %" PRId64 "\n", mixed[i], greater[i],
           i == 2 ? -1 : bytes[i], sum[i]);
  return 0;
}
