// Single-thread u8 x s8 GEMV/GEMM: quantc's MLIR-built VNNI kernels against
// oneDNN's u8s8 matmul with packed weights, in one run, next to the
// machine's measured read bandwidth and vpdpbusd peak.
//
// Built by bench/kernels/run.sh, which emits the kernels and writes
// kernels.h (their headers, the shapes and symbols); prints one table.
#include "kernels.h"
#include "quantc_runtime.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <tuple>
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

/// A 64-byte aligned byte buffer, as the packed weights in quantc's
/// objects are (their globals carry alignment 64) and as oneDNN allocates
/// its own. malloc's large blocks start 16 bytes past a page, or anywhere
/// on the heap: a 512-bit load from such a buffer spans two cache lines,
/// which costs a GEMV a third of its bandwidth on Zen 5.
struct AlignedBytes {
  explicit AlignedBytes(size_t size)
      : data(static_cast<uint8_t *>(
                 std::aligned_alloc(64, (size + 63) / 64 * 64)),
             &std::free) {}
  std::unique_ptr<uint8_t, decltype(&std::free)> data;
};

/// Sums `bytes` (a multiple of 512) at `data` with 512-bit loads into
/// eight independent accumulators: the memory roofline's reader.
void streamRead(const uint8_t *data, size_t bytes) {
  __m512i s[8];
  for (auto &v : s)
    v = _mm512_setzero_si512();
  const __m512i *p = reinterpret_cast<const __m512i *>(data);
  for (size_t i = 0; i < bytes / 64; i += 8)
    for (int j = 0; j < 8; ++j)
      s[j] = _mm512_add_epi64(s[j], _mm512_load_si512(p + i + j));
  for (int j = 1; j < 8; ++j)
    s[0] = _mm512_add_epi64(s[0], s[j]);
  static volatile int64_t sink;
  sink = _mm512_reduce_add_epi64(s[0]);
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

/// With AVX2 kernels (AVX2_KERNELS): the exact int8 path's pair, vpmaddwd
/// + vpaddd on ymm (16 i16 multiply-adds), as the compute roofline.
__attribute__((target("avx2"))) double pmaddwdPeak() {
  const long iterations = 20000000;
  volatile int sink = 0;
  double t = bestTime(
      [&] {
        __m256i a = _mm256_set1_epi32(0x00010002), b[12], acc[12];
        for (int j = 0; j < 12; ++j) {
          b[j] = _mm256_set1_epi32(j + 1);
          acc[j] = _mm256_setzero_si256();
        }
        for (long i = 0; i < iterations; ++i) {
          // Keeps the products from being hoisted out of the loop.
          asm volatile("" : "+x"(a));
          for (int j = 0; j < 12; ++j)
            acc[j] = _mm256_add_epi32(acc[j], _mm256_madd_epi16(a, b[j]));
        }
        __m256i s = acc[0];
        for (int j = 1; j < 12; ++j)
          s = _mm256_add_epi32(s, acc[j]);
        sink = _mm256_extract_epi32(s, 0);
      },
      3);
  return iterations * 12.0 * 16 * 2 / t;
}

#ifdef AVX2_KERNELS
double computePeak() { return pmaddwdPeak(); }
constexpr const char *kPeakName = "vpmaddwd (AVX2)";
#else
double computePeak() { return vnniPeak(); }
constexpr const char *kPeakName = "vpdpbusd";
#endif

/// Enough copies of the weights that together they overflow the last-level
/// cache twice over: each call reads a copy the previous calls evicted,
/// from memory, as a model's layers do.
int weightCopies(size_t bytes) {
  size_t cache = size_t(64) << 20; // above any single-socket L3 here
  return int(std::max<size_t>(1, (2 * cache + bytes - 1) / bytes));
}

struct Shape {
  int m, n, k;
};

std::vector<int8_t> randomWeights(const Shape &s, int lo, int hi) {
  std::mt19937 rng(2);
  std::vector<int8_t> b(size_t(s.k) * s.n);
  for (auto &v : b)
    v = int8_t(lo + int(rng() % unsigned(hi - lo + 1)));
  return b;
}

std::vector<uint8_t> randomActivations(const Shape &s) {
  std::mt19937 rng(1);
  std::vector<uint8_t> a(size_t(s.m) * s.k);
  for (auto &v : a)
    v = rng() & 0xff;
  return a;
}

/// A call over rotating cold copies of `packed` (the copies live in the
/// returned function).
template <typename Call>
std::function<void()> coldCall(const std::vector<uint8_t> &packed,
                               Call call) {
  int copies = weightCopies(packed.size());
  auto weights = std::make_shared<std::vector<AlignedBytes>>();
  for (int i = 0; i < copies; ++i) {
    weights->emplace_back(packed.size());
    std::memcpy(weights->back().data.get(), packed.data(), packed.size());
  }
  auto next = std::make_shared<int>(0);
  return [=] {
    call((*weights)[*next].data.get());
    *next = (*next + 1) % copies;
  };
}

/// oneDNN's matmul (u8 x s8 -> s32, or f32) with weights packed by its
/// own reorder, over rotating cold copies; C goes to `out`.
std::function<void()> oneDNNCall(const Shape &s, dnnl::memory::data_type a,
                                 const void *aData, dnnl::memory::data_type b,
                                 const void *bData, dnnl::memory::data_type c,
                                 void *out) {
  using namespace dnnl;
  auto eng = std::make_shared<engine>(engine::kind::cpu, 0);
  auto st = std::make_shared<stream>(*eng);
  memory::desc aDesc({s.m, s.k}, a, memory::format_tag::ab);
  memory::desc bAny({s.k, s.n}, b, memory::format_tag::any);
  memory::desc bPlain({s.k, s.n}, b, memory::format_tag::ab);
  memory::desc cDesc({s.m, s.n}, c, memory::format_tag::ab);
  // oneDNN 2.x (Debian 12): operation descriptor, then primitive one.
  matmul::primitive_desc pd(matmul::desc(aDesc, bAny, cDesc), *eng);
  memory aMem(aDesc, *eng, const_cast<void *>(aData)), cMem(cDesc, *eng, out);
  memory bUser(bPlain, *eng, const_cast<void *>(bData));
  int copies = weightCopies(bPlain.get_size());
  auto packed = std::make_shared<std::vector<memory>>();
  for (int i = 0; i < copies; ++i) {
    packed->emplace_back(pd.weights_desc(), *eng);
    reorder(bUser, packed->back()).execute(*st, bUser, packed->back());
  }
  auto mm = std::make_shared<matmul>(pd);
  auto next = std::make_shared<int>(0);
  return [=] {
    mm->execute(*st, {{DNNL_ARG_SRC, aMem},
                      {DNNL_ARG_WEIGHTS, (*packed)[*next]},
                      {DNNL_ARG_DST, cMem}});
    st->wait();
    *next = (*next + 1) % copies;
  };
}

/// Best time of each call, measured in turn (after one warm-up call
/// each) so that all see the same machine: this one is shared and noisy.
std::vector<double>
interleavedBest(const std::vector<std::function<void()>> &calls, int repeats) {
  for (const auto &call : calls)
    call();
  std::vector<double> best(calls.size(), 1e30);
  for (int r = 0; r < repeats; ++r)
    for (size_t i = 0; i < calls.size(); ++i) {
      double start = seconds();
      calls[i]();
      best[i] = std::min(best[i], seconds() - start);
    }
  return best;
}

/// A plain read of `bytes` over rotating cold copies, as coldCall gives
/// the kernels: the time the row's weights take to stream in.
std::function<void()> coldRead(size_t bytes) {
  bytes = (bytes + 511) / 512 * 512;
  return coldCall(std::vector<uint8_t>(bytes, 1),
                  [bytes](const uint8_t *w) { streamRead(w, bytes); });
}

struct Row {
  std::string kernel;
  Shape shape;
  double quantc = 0;   // seconds, 0 when quantc has no such kernel
  double onednn = 0;   // seconds of the oneDNN peer
  double read = 0;     // seconds to stream weightBytes, same protocol
  double weightBytes;  // what the kernel must read
  bool tiles = false;  // AMX: no measured peak to compare with
};

void print(const Row &row, double peak) {
  const Shape &s = row.shape;
  double ops = 2.0 * s.m * s.n * s.k;
  // Roofline: the weights are read once, at the speed a plain read of as
  // many bytes reached in the same loop (memory bound for GEMV), the
  // multiply-adds run at the vpdpbusd peak (compute bound for GEMM).
  double bound = std::min(peak, ops / row.read);
  double time = row.quantc ? row.quantc : row.onednn;
  std::printf(
      "| %s | %dx%dx%d | %s | %.1f | %s | %.1f | %s |\n", row.kernel.c_str(),
      s.m, s.n, s.k,
      row.quantc ? std::to_string(ops / row.quantc / 1e9).substr(0, 5).c_str()
                 : "-",
      ops / row.onednn / 1e9,
      row.quantc
          ? (std::to_string(row.onednn / row.quantc).substr(0, 4) + "x").c_str()
          : "-",
      row.weightBytes / row.read / 1e9,
      row.tiles ? "-"
                : (std::to_string(int(100 * ops / time / bound + 0.5)) + "%")
                      .c_str());
}

template <typename Kernel>
Row int8Row(const char *name, Shape s, Kernel kernel, int repeats) {
  auto a = randomActivations(s);
  auto b = randomWeights(s, -128, 127);
  std::vector<uint8_t> packed(b.size());
  quantc_pack_vnni_weights(b.data(), s.k, s.n,
                           reinterpret_cast<int8_t *>(packed.data()));
  std::vector<int32_t> ours(size_t(s.m) * s.n), theirs(ours.size());
  Row row{name, s};
  row.weightBytes = double(s.n) * s.k;
  auto mine = coldCall(packed, [&](const uint8_t *w) {
    kernel(a.data(), reinterpret_cast<const int8_t *>(w), ours.data());
  });
  auto peer = oneDNNCall(s, dnnl::memory::data_type::u8, a.data(),
                         dnnl::memory::data_type::s8, b.data(),
                         dnnl::memory::data_type::s32, theirs.data());
  auto times =
      interleavedBest({mine, peer, coldRead(row.weightBytes)}, repeats);
  row.quantc = times[0], row.onednn = times[1], row.read = times[2];
  // quantc against exact sums on sampled outputs; oneDNN against quantc
  // everywhere (its AVX2 path saturates vpmaddubsw's i16 pair sums).
  std::mt19937 rng(11);
  for (int sample = 0; sample < 2048; ++sample) {
    int m = int(rng() % s.m), n = int(rng() % s.n);
    int64_t exact = 0;
    for (int k = 0; k < s.k; ++k)
      exact += int64_t(a[size_t(m) * s.k + k]) * b[size_t(k) * s.n + n];
    if (ours[size_t(m) * s.n + n] != exact) {
      std::fprintf(stderr, "%s: quantc's output (%d, %d) is not exact\n",
                   name, m, n);
      std::exit(1);
    }
  }
  size_t differ = 0;
  for (size_t i = 0; i < ours.size(); ++i)
    differ += ours[i] != theirs[i];
  if (differ)
    std::fprintf(stderr,
                 "%s: oneDNN differs from the exact sums in %zu of %zu "
                 "outputs\n",
                 name, differ, ours.size());
  return row;
}

/// Int4 (g = GROUP) or ternary: the peer is oneDNN's int8 on the shape.
template <typename Call>
Row lowBitRow(const char *name, Shape s, const std::vector<uint8_t> &packed,
              double weightBytes, int repeats, Call call) {
  auto a = randomActivations(s);
  auto b = randomWeights(s, -128, 127);
  std::vector<int32_t> theirs(size_t(s.m) * s.n);
  Row row{name, s};
  row.weightBytes = weightBytes;
  auto peer = oneDNNCall(s, dnnl::memory::data_type::u8, a.data(),
                         dnnl::memory::data_type::s8, b.data(),
                         dnnl::memory::data_type::s32, theirs.data());
  auto times = interleavedBest(
      {coldCall(packed, call), peer, coldRead(weightBytes)}, repeats);
  row.quantc = times[0], row.onednn = times[1], row.read = times[2];
  return row;
}

Row floatRow(const char *name, Shape s, int repeats) {
  std::mt19937 rng(3);
  std::vector<float> a(size_t(s.m) * s.k), b(size_t(s.k) * s.n),
      c(size_t(s.m) * s.n);
  for (auto &v : a)
    v = float(rng() % 1000) / 1000;
  for (auto &v : b)
    v = float(rng() % 1000) / 1000 - 0.5f;
  Row row{name, s};
  row.weightBytes = 4.0 * s.n * s.k;
  auto peer = oneDNNCall(s, dnnl::memory::data_type::f32, a.data(),
                         dnnl::memory::data_type::f32, b.data(),
                         dnnl::memory::data_type::f32, c.data());
  auto times = interleavedBest({peer, coldRead(row.weightBytes)}, repeats);
  row.onednn = times[0], row.read = times[1];
  return row;
}

} // namespace

int main() {
  // The peak on a shared machine varies run to run: the best of the
  // measurements around the kernels is the roofline. Bandwidth is measured
  // per row, in the same loop as the kernels (row.read).
  double peak = computePeak();
  std::printf("| kernel | shape | quantc GOP/s | oneDNN GOP/s | quantc / "
              "oneDNN | plain read GB/s | %% of roofline |\n"
              "|---|---|---:|---:|---:|---:|---:|\n");
  for (auto [s, repeats, gemm] :
       {std::make_tuple(Shape{GEMV_SHAPE}, 50, false),
        std::make_tuple(Shape{GEMM_SHAPE}, 5, true)}) {
    const char *suffix = gemm ? "GEMM" : "GEMV";
    auto a = randomActivations(s);
    std::vector<uint8_t> i4(size_t(s.k) * s.n / 2), t2(size_t(s.k) * s.n / 4);
    auto b4 = randomWeights(s, -8, 7), b2 = randomWeights(s, -1, 1);
    quantc_pack_int4_weights(b4.data(), s.k, s.n, i4.data());
    quantc_pack_ternary_weights(b2.data(), s.k, s.n, t2.data());
    std::vector<float> scales(size_t(s.k) / GROUP * s.n, 0.01f),
        packedScales(scales.size());
    quantc_pack_group_scales(scales.data(), s.k, s.n, GROUP,
                             packedScales.data());
    std::vector<float> f(size_t(s.m) * s.n);
    std::vector<int32_t> c(size_t(s.m) * s.n);
    std::vector<Row> rows;
    rows.push_back(int8Row((std::string("int8 ") + suffix).c_str(), s,
                           gemm ? I8_GEMM : I8_GEMV, repeats));
    // The codes and their scales stream in together, from one cold copy.
    std::vector<uint8_t> i4AndScales(i4);
    i4AndScales.resize(i4.size() + 4 * packedScales.size());
    std::memcpy(i4AndScales.data() + i4.size(), packedScales.data(),
                4 * packedScales.size());
    rows.push_back(lowBitRow(
        (std::string("int4 g") + std::to_string(GROUP) + " " + suffix +
         " (peer: oneDNN int8)")
            .c_str(),
        s, i4AndScales, i4AndScales.size(), repeats, [&](const uint8_t *w) {
          (gemm ? I4_GEMM : I4_GEMV)(
              a.data(), w, reinterpret_cast<const float *>(w + i4.size()),
              f.data());
        }));
    rows.push_back(lowBitRow(
        (std::string("ternary ") + suffix + " (peer: oneDNN int8)").c_str(),
        s, t2, t2.size(), repeats, [&](const uint8_t *w) {
          (gemm ? T2_GEMM : T2_GEMV)(a.data(), w, c.data());
        }));
    rows.push_back(
        floatRow((std::string("fp32 ") + suffix + " (oneDNN only)").c_str(), s,
                 gemm ? 3 : repeats));
#ifdef AMX_GEMM
    // On AMX hosts oneDNN's u8s8 matmul uses the tiles too.
    if (gemm) {
      rows.push_back(int8Row("int8 GEMM on AMX tiles", s, AMX_GEMM, repeats));
      rows.back().tiles = true;
    }
#endif
    peak = std::max(peak, computePeak());
    for (const Row &row : rows)
      print(row, peak);
  }
  std::printf("\nsingle thread: %s peak %.1f GOP/s\n", kPeakName, peak / 1e9);
  return 0;
}
