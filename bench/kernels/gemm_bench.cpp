// Single-thread u8 x s8 GEMV/GEMM: quantc's MLIR-built VNNI kernels against
// oneDNN's u8s8 matmul with packed weights, in one run, next to the
// machine's measured read bandwidth and vpdpbusd peak.
//
// Built by bench/kernels/run.sh with -DGEMV=<symbol> -DGEMM=<symbol> and
// the two quantc kernel headers; prints one table.
#include GEMV_HEADER
#include GEMM_HEADER
#include "quantc_runtime.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <vector>

namespace {

double seconds() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// Best time of `repeats` calls after one warm-up call.
double bestTime(const std::function<void()> &call, int repeats) {
  call();
  double best = 1e30;
  for (int r = 0; r < repeats; ++r) {
    double start = seconds();
    call();
    best = std::min(best, seconds() - start);
  }
  return best;
}

/// Single-thread read bandwidth in bytes/s, under the kernels' protocol:
/// one 16 MiB buffer per call, rotating over copies that overflow the
/// last-level cache, summed with 512-bit loads (eight independent
/// accumulators).
double readBandwidth() {
  size_t bytes = size_t(16) << 20;
  int copies = 8;
  std::vector<std::vector<int64_t>> data(copies,
                                         std::vector<int64_t>(bytes / 8, 1));
  volatile int64_t sink = 0;
  int next = 0;
  double t = bestTime(
      [&] {
        __m512i s[8];
        for (auto &v : s)
          v = _mm512_setzero_si512();
        const __m512i *p =
            reinterpret_cast<const __m512i *>(data[next].data());
        for (size_t i = 0; i < bytes / 64; i += 8)
          for (int j = 0; j < 8; ++j)
            s[j] = _mm512_add_epi64(s[j], _mm512_loadu_si512(p + i + j));
        for (int j = 1; j < 8; ++j)
          s[0] = _mm512_add_epi64(s[0], s[j]);
        sink = _mm512_reduce_add_epi64(s[0]);
        next = (next + 1) % copies;
      },
      50);
  return bytes / t;
}

/// Single-thread vpdpbusd peak in ops/s (2 per multiply-add): 16
/// independent accumulator chains, registers only.
__attribute__((target("avx512vnni,avx512f"))) double vnniPeak() {
  const long iterations = 20000000;
  volatile int sink = 0;
  double t = bestTime(
      [&] {
        __m512i a = _mm512_set1_epi32(0x01020304), b = _mm512_set1_epi32(7);
        __m512i acc[16];
        for (auto &v : acc)
          v = _mm512_setzero_si512();
        for (long i = 0; i < iterations; ++i)
          for (auto &v : acc)
            v = _mm512_dpbusd_epi32(v, a, b);
        __m512i s = acc[0];
        for (int j = 1; j < 16; ++j)
          s = _mm512_add_epi32(s, acc[j]);
        sink = _mm512_reduce_add_epi32(s);
      },
      3);
  return iterations * 16.0 * 64 * 2 / t;
}

struct Result {
  double quantc, onednn; // seconds
};

/// Enough copies of the weights that together they overflow the last-level
/// cache twice over: each call reads a copy the previous calls evicted,
/// from memory, as a model's layers do.
int weightCopies(size_t bytes) {
  size_t cache = size_t(64) << 20; // above any single-socket L3 here
  return int(std::max<size_t>(1, (2 * cache + bytes - 1) / bytes));
}

/// quantc's kernel and oneDNN's u8s8 matmul (weights packed by oneDNN's
/// own reorder) on the same data, weights cold; checks they agree
/// exactly.
Result run(int m, int n, int k, void (*kernel)(const uint8_t *,
                                               const int8_t *, int32_t *),
           int repeats) {
  std::mt19937 rng(1);
  std::vector<uint8_t> a(size_t(m) * k);
  std::vector<int8_t> b(size_t(k) * n);
  for (auto &v : a)
    v = rng() & 0xff;
  for (auto &v : b)
    v = int8_t(rng() & 0xff);
  int copies = weightCopies(b.size());
  std::vector<std::vector<int8_t>> packed(copies,
                                          std::vector<int8_t>(b.size()));
  for (auto &p : packed)
    quantc_pack_vnni_weights(b.data(), k, n, p.data());
  std::vector<int32_t> ours(size_t(m) * n), theirs(size_t(m) * n);
  Result result;
  int next = 0;
  result.quantc = bestTime(
      [&] {
        kernel(a.data(), packed[next].data(), ours.data());
        next = (next + 1) % copies;
      },
      repeats);

  using namespace dnnl;
  engine eng(engine::kind::cpu, 0);
  stream s(eng);
  memory::desc aDesc({m, k}, memory::data_type::u8, memory::format_tag::ab);
  memory::desc bAny({k, n}, memory::data_type::s8, memory::format_tag::any);
  memory::desc bPlain({k, n}, memory::data_type::s8, memory::format_tag::ab);
  memory::desc cDesc({m, n}, memory::data_type::s32, memory::format_tag::ab);
  // oneDNN 2.x (Debian 12): operation descriptor, then primitive one.
  matmul::primitive_desc pd(matmul::desc(aDesc, bAny, cDesc), eng);
  memory aMem(aDesc, eng, a.data()), cMem(cDesc, eng, theirs.data());
  memory bUser(bPlain, eng, b.data());
  std::vector<memory> bPacked;
  for (int c = 0; c < copies; ++c) {
    bPacked.emplace_back(pd.weights_desc(), eng);
    reorder(bUser, bPacked.back()).execute(s, bUser, bPacked.back());
  }
  matmul mm(pd);
  next = 0;
  result.onednn = bestTime(
      [&] {
        mm.execute(s, {{DNNL_ARG_SRC, aMem},
                       {DNNL_ARG_WEIGHTS, bPacked[next]},
                       {DNNL_ARG_DST, cMem}});
        s.wait();
        next = (next + 1) % copies;
      },
      repeats);
  if (ours != theirs) {
    std::fprintf(stderr, "%dx%dx%d: quantc and oneDNN disagree\n", m, n, k);
    std::exit(1);
  }
  return result;
}

} // namespace

int main() {
  double bandwidth = readBandwidth();
  double peak = vnniPeak();
  std::printf("single thread: read bandwidth %.1f GB/s, vpdpbusd peak %.1f "
              "GOP/s\n\n",
              bandwidth / 1e9, peak / 1e9);
  std::printf("| kernel | shape | quantc GOP/s | oneDNN GOP/s | quantc / "
              "oneDNN | quantc %% of roofline |\n|---|---|---:|---:|---:|---:|\n");
  struct Case {
    const char *name;
    int m, n, k;
    void (*kernel)(const uint8_t *, const int8_t *, int32_t *);
    int repeats;
  } cases[] = {{"int8 GEMV", GEMV_M, GEMV_N, GEMV_K, GEMV, 50},
               {"int8 GEMM", GEMM_M, GEMM_N, GEMM_K, GEMM, 5}};
  for (const Case &c : cases) {
    Result r = run(c.m, c.n, c.k, c.kernel, c.repeats);
    double ops = 2.0 * c.m * c.n * c.k;
    // Roofline: the weights must be read once (memory bound for GEMV);
    // the multiply-adds at the vpdpbusd peak (compute bound for GEMM).
    double bound = std::min(peak, ops / (double(c.n) * c.k / bandwidth));
    std::printf("| %s | %dx%dx%d | %.1f | %.1f | %.2fx | %.0f%% |\n", c.name,
                c.m, c.n, c.k, ops / r.quantc / 1e9, ops / r.onednn / 1e9,
                r.onednn / r.quantc, 100 * ops / r.quantc / bound);
  }
  return 0;
}
