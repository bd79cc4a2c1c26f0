/* Links a quantc-compiled classifier and prints its output on an input
 * every machine builds bit-identically (no libm): a ramp of multiples of
 * 1/28. Comparing targets then compares only the compiled code. */
#include "classifier.h"

#include <stdio.h>

int main(void) {
  static float image[1][1][28][28];
  float probs[1][10];
  for (int i = 0; i < 28; ++i)
    for (int j = 0; j < 28; ++j)
      image[0][0][i][j] = (float)((i * 7 + j * 13) % 29) / 28.0f;
  quantc_main(&image[0][0][0][0], &probs[0][0]);
  for (int k = 0; k < 10; ++k)
    printf("%s%a", k ? " " : "", probs[0][k]);
  printf("\n");
  return 0;
}
