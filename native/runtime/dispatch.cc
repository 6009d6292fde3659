// Chooses the kernel table once per process: the widest instruction set that the CPU and
// OS support, capped by ROI_OPS_SIMD=scalar|sse2|avx2|avx512|neon so that every path can be
// tested on one machine (an unknown value is ignored). Baseline code: no target flags.
#include <cstdlib>
#include <cstring>

#include "runtime/cpu_features.h"
#include "runtime/kernel_table.h"

namespace roiops {
namespace {

struct Candidate {
  int rank;  // higher is wider; a cap admits candidates of rank <= its own
  const KernelTable& (*table)();
  bool (*supported)();
};

bool always() { return true; }

int rank_of(const char* name) {
  static const struct {
    const char* name;
    int rank;
  } ranks[] = {{"scalar", 0}, {"sse2", 1}, {"neon", 1}, {"avx2", 2}, {"avx512", 3}};
  for (const auto& r : ranks)
    if (std::strcmp(r.name, name) == 0) return r.rank;
  return -1;
}

const KernelTable& choose() {
  static const Candidate candidates[] = {
  // widest first
#if defined(__x86_64__) || defined(_M_X64)
    {3, &avx512_kernel_table, [] { return cpu_features().avx512; }},
    {2, &avx2_kernel_table, [] { return cpu_features().avx2_fma; }},
    {1, &sse2_kernel_table, &always},  // SSE2 is part of x86-64
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
    {1, &neon_kernel_table, &always},  // NEON is part of AArch64
#endif
    {0, &scalar_kernel_table, &always},
  };
  const char* cap_text = std::getenv("ROI_OPS_SIMD");
  const int cap = cap_text != nullptr && rank_of(cap_text) >= 0 ? rank_of(cap_text) : 1 << 30;
  for (const Candidate& c : candidates)
    if (c.rank <= cap && c.supported()) return c.table();
  return scalar_kernel_table();
}

}  // namespace

const KernelTable& active_kernels() {
  static const KernelTable& table = choose();
  return table;
}

const char* simd_level() { return active_kernels().simd; }

}  // namespace roiops
