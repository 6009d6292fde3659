// The kernel tables this CPU can run, scalar first: what every native test file loops over,
// so that each instruction-set path is checked against the same expectations.
#pragma once
#include <vector>

#include "runtime/kernel_table.h"
#if defined(__x86_64__) || defined(_M_X64)
#include "runtime/cpu_features.h"
#endif

inline std::vector<const roiops::KernelTable*> tables() {
  std::vector<const roiops::KernelTable*> list{&roiops::scalar_kernel_table()};
#if defined(__x86_64__) || defined(_M_X64)
  list.push_back(&roiops::sse2_kernel_table());
  if (roiops::cpu_features().avx2_fma) list.push_back(&roiops::avx2_kernel_table());
  if (roiops::cpu_features().avx512) list.push_back(&roiops::avx512_kernel_table());
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
  list.push_back(&roiops::neon_kernel_table());
#endif
  return list;
}
