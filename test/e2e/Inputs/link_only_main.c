/* Links a GPU-target model object without running it: the program only
 * asks whether a GPU could run it. */
#include "quantc_runtime.h"

#include <stdio.h>

int main(void) {
  char reason[256];
  if (quantc_gpu_init(reason, sizeof reason) != 0)
    printf("no GPU: %s\n", reason);
  return 0;
}
