// What every native test file shares (kernel_tests.cc's main runs them all into one tally):
// the checks and their counts, the kernel tables this CPU can run, a random sequence that is
// the same on every platform, and the bit pattern of an output element no kernel wrote.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/kernel_table.h"
#if defined(__x86_64__) || defined(_M_X64)
#include "runtime/cpu_features.h"
#endif

namespace roiops_tests {

// The checks run so far, over every test file.
struct Tally {
  int passed = 0;
  int failed = 0;
};

inline Tally& tally() {
  static Tally counts;
  return counts;
}

// Counts a check; prints the first 40 failures.
inline bool check(bool ok, const std::string& what) {
  Tally& counts = tally();
  if (ok) {
    counts.passed++;
  } else {
    counts.failed++;
    if (counts.failed <= 40) std::printf("FAIL %s\n", what.c_str());
  }
  return ok;
}

// Prints "<section>: N passed, M failed<detail>" for the checks counted since `before`.
inline void report_section(const char* section, const Tally& before, const std::string& detail = "") {
  std::printf("%s: %d passed, %d failed%s\n", section, tally().passed - before.passed, tally().failed - before.failed,
              detail.c_str());
}

// The kernel tables this CPU can run, scalar first: what every test loops over, so that each
// instruction-set path is checked against the same expectations.
inline const std::vector<const roiops::KernelTable*>& tables() {
  static const std::vector<const roiops::KernelTable*> runnable = [] {
    std::vector<const roiops::KernelTable*> list{&roiops::scalar_kernel_table()};
#if defined(__x86_64__) || defined(_M_X64)
    list.push_back(&roiops::sse2_kernel_table());  // SSE2 is part of x86-64
    if (roiops::cpu_features().avx2_fma) list.push_back(&roiops::avx2_kernel_table());
    if (roiops::cpu_features().avx512) list.push_back(&roiops::avx512_kernel_table());
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
    list.push_back(&roiops::neon_kernel_table());  // NEON is part of AArch64
#endif
    return list;
  }();
  return runnable;
}

// splitmix64: the same sequence on every platform.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  float uniform(float lo, float hi) { return lo + (hi - lo) * static_cast<float>(next() >> 40) / 16777216.0f; }
  int64_t below(int64_t n) { return static_cast<int64_t>(next() % static_cast<uint64_t>(n)); }

 private:
  uint64_t state_;
};

// [A][B][P] -> [A][P][B]: NCHW -> NHWC with P = H*W (also for [K][C][PH][PW] blocks), and
// back with B and P exchanged.
inline std::vector<float> swap_inner_axes(const std::vector<float>& v, int64_t a, int64_t b, int64_t p) {
  std::vector<float> out(v.size());
  for (int64_t i = 0; i < a; ++i)
    for (int64_t j = 0; j < b; ++j)
      for (int64_t k = 0; k < p; ++k)
        out[static_cast<size_t>((i * p + k) * b + j)] = v[static_cast<size_t>((i * b + j) * p + k)];
  return out;
}

// The options every pooling operator has (the rest keep their defaults).
template <class Params>
Params pooled_params(int64_t pooled_height, int64_t pooled_width, float spatial_scale = 1.0f) {
  Params params;
  params.pooled_height = pooled_height;
  params.pooled_width = pooled_width;
  params.spatial_scale = spatial_scale;
  return params;
}

// Outputs start filled with this, so that an element a kernel forgets to write is seen.
constexpr uint32_t kUnwrittenBits = 0x7fc0deadu;  // a quiet NaN whose payload no kernel produces

inline float unwritten() {
  float v;
  std::memcpy(&v, &kUnwrittenBits, sizeof v);
  return v;
}

inline uint32_t bits_of(float v) {
  uint32_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

}  // namespace roiops_tests
