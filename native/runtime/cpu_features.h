// What the CPU and the operating system support, read once (CPUID + XGETBV on x86-64).
#pragma once

namespace roiops {

struct CpuFeatures {
  bool avx2_fma = false;  // AVX2, FMA and F16C, with the OS saving YMM state
  bool avx512 = false;    // AVX-512 F, DQ, BW, VL, with the OS saving ZMM and mask state
};

const CpuFeatures& cpu_features();

}  // namespace roiops
