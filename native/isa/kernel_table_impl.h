// Included once by each native/isa/*.cc after it has chosen its namespace (ROIOPS_ISA) and
// its VectorLanes: instantiates every generic kernel for that instruction set and returns
// them as a dispatch table, one member per line of native/ops.def.
#pragma once
#include "kernels/crop_and_resize.h"
#include "kernels/half.h"
#include "kernels/multi_scale_roi_align.h"
#include "kernels/pooling_backward.h"
#include "kernels/precise_roi_pool.h"
#include "kernels/ps_roi_align.h"
#include "kernels/ps_roi_pool.h"
#include "kernels/roi_align.h"
#include "kernels/roi_align_backward.h"
#include "kernels/roi_align_rotated.h"
#include "kernels/roi_pool.h"
#include "kernels/spatial_pyramid_pool.h"
#include "runtime/kernel_table.h"

namespace roiops {
namespace ROIOPS_ISA {

inline const KernelTable& kernel_table(const char* simd) {
  static const KernelTable table = [simd] {
    KernelTable filled{};
    filled.simd = simd;
    // Each member by name: unqualified, `kernel` is this instruction set's instantiation.
#define ROIOPS_OPERATOR(js_name, kernel) filled.kernel = &kernel;
#include "ops.def"
    filled.widen_elements = &widen_elements;
    filled.narrow_elements = &narrow_elements;
    return filled;
  }();
  return table;
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
