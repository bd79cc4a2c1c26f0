/* Where a quantc object's threads wait: an LD_PRELOAD library that wraps
 * libomp's __kmpc_barrier and sums, per call site and per OpenMP thread,
 * the time spent waiting in the barrier and the time worked since the
 * thread's previous barrier. A site is a nest's worksharing loop (named
 * by its function) or the end of an omp.single (in the outlined region,
 * "?"). A nowait loop calls no barrier: its time goes to the next site
 * that does, and so does the time between calls of the model for a
 * region's first site. Comparing a 2-thread run with the same object
 * under OMP_THREAD_LIMIT=1 shows how much each nest's work grows when it
 * is split (other cores' caches) and how long threads wait for each other.
 *
 *   cc -O2 -shared -fPIC bench/objects/barrier_times.c -o barrier_times.so -ldl
 *   LD_PRELOAD=./barrier_times.so BARRIER_TIMES=out.txt ./app ...
 *
 * out.txt: one line per site: name, calls, then per thread (0, 1, ...)
 * wait and work in microseconds, summed over all calls.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { kSites = 4096, kThreads = 8 };

typedef struct {
  void *site;
  long calls;
  double wait[kThreads], work[kThreads];
} Site;

static Site sites[kSites];
static __thread double lastExit; /* this thread's previous barrier exit */
static void (*realBarrier)(void *, int32_t);
static int (*threadNum)(void);
static int threadsSeen;

static double nowMicroseconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

/* Objects load libomp themselves, often through dlopen with RTLD_LOCAL,
 * where RTLD_NEXT does not see it. */
static void bind(void) {
  void *omp = dlopen("libomp.so.5", RTLD_NOW | RTLD_NOLOAD);
  if (!omp)
    omp = dlopen("/usr/lib/llvm-22/lib/libomp.so.5", RTLD_NOW);
  if (!omp) {
    fprintf(stderr, "barrier_times: no libomp.so.5\n");
    abort();
  }
  realBarrier = (void (*)(void *, int32_t))dlsym(omp, "__kmpc_barrier");
  threadNum = (int (*)(void))dlsym(omp, "omp_get_thread_num");
}

static Site *siteOf(void *address) {
  size_t slot = ((uintptr_t)address * 0x9E3779B97F4A7C15ull) >> 52;
  for (;; slot = (slot + 1) % kSites) {
    void *present = __atomic_load_n(&sites[slot].site, __ATOMIC_ACQUIRE);
    if (present == address)
      return &sites[slot];
    if (!present && __sync_bool_compare_and_swap(&sites[slot].site, NULL,
                                                  address))
      return &sites[slot];
    if (sites[slot].site == address)
      return &sites[slot];
  }
}

void __kmpc_barrier(void *location, int32_t globalThread) {
  if (!realBarrier)
    bind();
  int thread = threadNum() % kThreads;
  Site *site = siteOf(__builtin_return_address(0));
  double enter = nowMicroseconds();
  realBarrier(location, globalThread);
  double leave = nowMicroseconds();
  /* Thread t alone writes slot t. */
  if (lastExit > 0)
    site->work[thread] += enter - lastExit;
  site->wait[thread] += leave - enter;
  if (thread == 0)
    ++site->calls;
  if (thread >= threadsSeen)
    __atomic_store_n(&threadsSeen, thread + 1, __ATOMIC_RELAXED);
  lastExit = leave;
}

__attribute__((destructor)) static void report(void) {
  const char *path = getenv("BARRIER_TIMES");
  FILE *out = path ? fopen(path, "w") : stderr;
  if (!out)
    return;
  for (int i = 0; i < kSites; ++i) {
    if (!sites[i].site)
      continue;
    Dl_info info;
    const char *name = dladdr(sites[i].site, &info) && info.dli_sname
                           ? info.dli_sname
                           : "?";
    fprintf(out, "%s %ld", name, sites[i].calls);
    for (int t = 0; t < threadsSeen; ++t)
      fprintf(out, " %.1f %.1f", sites[i].wait[t], sites[i].work[t]);
    fprintf(out, "\n");
  }
  if (out != stderr)
    fclose(out);
}
