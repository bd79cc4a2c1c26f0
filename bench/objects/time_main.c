/* Times a quantc-compiled model in a fresh process: one warm-up call, then
 * RUNS calls; prints the mean milliseconds per call. Built with
 * -DMODEL_HEADER="<model>.h" -DIN_SIZE=.. -DOUT_SIZE=.. */
#include MODEL_HEADER

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static float in[IN_SIZE], out[OUT_SIZE];

int main(int argc, char **argv) {
  int runs = argc > 1 ? atoi(argv[1]) : 10;
  for (long i = 0; i < IN_SIZE; ++i)
    in[i] = (float)(i % 97) / 97.0f;
  quantc_main(in, out);
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (int r = 0; r < runs; ++r)
    quantc_main(in, out);
  clock_gettime(CLOCK_MONOTONIC, &end);
  double ms = (end.tv_sec - start.tv_sec) * 1e3 +
              (end.tv_nsec - start.tv_nsec) / 1e6;
  printf("%.3f\n", ms / runs);
  return 0;
}
