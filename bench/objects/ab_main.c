/* A/B timing of quantc objects linked as shared libraries: loads each and
 * calls their quantc_main in turn, one timed call per library per round,
 * so that every variant sees the same moments of a noisy machine (a
 * shared VM's neighbours move one-off timings by 20%). Prints the median,
 * 10th percentile and minimum ms per library.
 *
 * usage: ab_main IN_FLOATS OUT_FLOATS ROUNDS LIB.so...
 * For models with one float input and one float output (quantc_main(in,
 * out)). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef void (*EntryPoint)(const float *, float *);

static double nowMs(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int ascending(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s IN_FLOATS OUT_FLOATS ROUNDS LIB.so...\n",
            argv[0]);
    return 2;
  }
  long inSize = atol(argv[1]), outSize = atol(argv[2]);
  int rounds = atoi(argv[3]), count = argc - 4;
  float *in = malloc(inSize * sizeof(float));
  float *out = malloc(outSize * sizeof(float));
  EntryPoint *entries = malloc(count * sizeof(EntryPoint));
  double *times = malloc((size_t)count * rounds * sizeof(double));
  if (!in || !out || !entries || !times || rounds < 1)
    return 2;
  for (long i = 0; i < inSize; ++i)
    in[i] = (float)(i % 97) / 97.0f;
  for (int k = 0; k < count; ++k) {
    void *library = dlopen(argv[4 + k], RTLD_NOW | RTLD_LOCAL);
    if (!library) {
      fprintf(stderr, "%s\n", dlerror());
      return 1;
    }
    entries[k] = (EntryPoint)dlsym(library, "quantc_main");
    if (!entries[k]) {
      fprintf(stderr, "%s: no quantc_main\n", argv[4 + k]);
      return 1;
    }
    for (int warm = 0; warm < 3; ++warm)
      entries[k](in, out);
  }
  for (int r = 0; r < rounds; ++r)
    for (int k = 0; k < count; ++k) {
      entries[k](in, out); // the caches as the previous library left them
      double start = nowMs();
      entries[k](in, out);
      times[k * rounds + r] = nowMs() - start;
    }
  for (int k = 0; k < count; ++k) {
    double *t = times + k * rounds;
    qsort(t, rounds, sizeof(double), ascending);
    printf("%-40s median %.2f ms  p10 %.2f  min %.2f\n", argv[4 + k],
           t[rounds / 2], t[rounds / 10], t[0]);
  }
  return 0;
}
