// The dispatch table: one entry per operator and direction (native/ops.def), filled by each
// instruction-set translation unit in native/isa/. Adding an instruction set means adding
// a table, never touching the addon or the TypeScript.
#pragma once
#include "roiops/roiops.h"

namespace roiops {

struct KernelTable {
  const char* simd;  // the name info().simd reports
  // One member per operator of ops.def, named and typed as its entry point in
  // native/include/roiops; `execution.threads` is already resolved (>= 1) when it is called.
  // Their maps and outputs are float32, except that roi_align_forward and
  // multi_scale_roi_align_forward also take 16-bit maps (kernels/transpose.h,
  // kernels/partial_widening.h) and 16-bit outputs (kernels/roi_driver.h).
#define ROIOPS_OPERATOR(js_name, kernel) decltype(&::roiops::kernel) kernel;
#include "ops.def"
  // 16-bit maps and outputs (kernels/half.h): count patterns of `type` -> floats, exactly,
  // and floats -> patterns, nearest-even. The entry points convert around the float32 kernels.
  void (*widen_elements)(const uint16_t* src, int64_t count, ElementType type, float* dst);
  void (*narrow_elements)(const float* src, int64_t count, ElementType type, uint16_t* dst);
};

// One per translation unit of native/isa/; only those of the target architecture exist.
const KernelTable& scalar_kernel_table();
#if defined(__x86_64__) || defined(_M_X64)
const KernelTable& sse2_kernel_table();
const KernelTable& avx2_kernel_table();
const KernelTable& avx512_kernel_table();
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
const KernelTable& neon_kernel_table();
#endif

// The table chosen once for this process (CPU features capped by ROI_OPS_SIMD).
const KernelTable& active_kernels();

}  // namespace roiops
