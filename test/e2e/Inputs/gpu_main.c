/* Links a classifier compiled for a GPU target: reports whether the GPU
 * can run it (quantc_gpu_init), then runs it like classifier_main.c. */
#include "classifier.h"
#include "quantc_runtime.h"

#include <math.h>
#include <stdio.h>

int main(void) {
  char reason[256];
  if (quantc_gpu_init(reason, sizeof reason) != 0)
    fprintf(stderr, "gpu_init: %s\n", reason);
  static float image[1][1][28][28];
  float probs[1][10];
  for (int i = 0; i < 28; ++i)
    for (int j = 0; j < 28; ++j)
      image[0][0][i][j] = 0.5f + 0.5f * sinf(0.3f * i + 0.7f * j);
  quantc_main(&image[0][0][0][0], &probs[0][0]);
  quantc_main(&image[0][0][0][0], &probs[0][0]);
  printf("data = [[");
  for (int k = 0; k < 10; ++k)
    printf("%s%.9g", k ? ", " : "", probs[0][k]);
  printf("]]\n");
  return 0;
}
