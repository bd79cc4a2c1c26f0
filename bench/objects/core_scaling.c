/* How much compute two threads get on this machine: each thread runs the
 * same chains of fused multiply-adds in registers (no memory traffic), one
 * thread alone and then two at once. Prints the ratio of the two threads'
 * total rate to one thread's: 2.00 on two free cores, about 1.0 where
 * the two virtual CPUs share one physical core or a neighbour holds one.
 * On a shared 2-vCPU VM it moves between those from minute to minute, so
 * bench/e2e.py prints it next to its 2-thread figures, which cannot
 * scale beyond it.
 *
 *   cc -O3 -march=native -ffp-contract=fast -pthread core_scaling.c
 *   ./a.out [ROUNDS]   -> "1.97"
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { kChains = 256 };

static long rounds = 50000000;
static volatile float sink;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/* kChains independent chains: enough to cover the FMA latency times the
 * units on any current core once the compiler vectorizes the inner loop. */
static void *spin(void *unused) {
  (void)unused;
  float acc[kChains];
  for (int i = 0; i < kChains; ++i)
    acc[i] = i * 1e-3f;
  for (long n = 0; n < rounds; ++n)
    for (int i = 0; i < kChains; ++i)
      acc[i] = acc[i] * 0.9999f + 1e-4f;
  float sum = 0;
  for (int i = 0; i < kChains; ++i)
    sum += acc[i];
  sink = sum;
  return NULL;
}

static double seconds(int threads) {
  pthread_t ids[2];
  double start = now();
  for (int t = 0; t < threads; ++t)
    pthread_create(&ids[t], NULL, spin, NULL);
  for (int t = 0; t < threads; ++t)
    pthread_join(ids[t], NULL);
  return now() - start;
}

int main(int argc, char **argv) {
  if (argc > 1)
    rounds = atol(argv[1]);
  double one = seconds(1);
  double two = seconds(2);
  /* Two threads did twice the work. */
  printf("%.2f\n", 2.0 * one / two);
  return 0;
}
