/* Links a quantc-compiled classifier and prints its output on the input
 * pattern utils/check_classifier.py uses: 0.5 + 0.5 sin(0.3 i + 0.7 j).
 * With -DQUANTC_GPU (a GPU-target object) it first reports whether the
 * GPU can run it. */
#include "classifier.h"
#ifdef QUANTC_GPU
#include "quantc_runtime.h"
#endif

#include <math.h>
#include <stdio.h>

int main(void) {
#ifdef QUANTC_GPU
  char reason[256];
  if (quantc_gpu_init(reason, sizeof reason) != 0)
    fprintf(stderr, "gpu_init: %s\n", reason);
#endif
  static float image[1][1][28][28];
  float probs[1][10];
  for (int i = 0; i < 28; ++i)
    for (int j = 0; j < 28; ++j)
      image[0][0][i][j] = 0.5f + 0.5f * sinf(0.3f * i + 0.7f * j);
  /* Twice: the entry point must be reentrant and free what it allocates. */
  quantc_main(&image[0][0][0][0], &probs[0][0]);
  quantc_main(&image[0][0][0][0], &probs[0][0]);
  printf("data = [[");
  for (int k = 0; k < 10; ++k)
    printf("%s%.9g", k ? ", " : "", probs[0][k]);
  printf("]]\n");
  return 0;
}
