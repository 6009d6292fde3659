// Included once by each native/isa/*.cc after it has chosen its namespace (ROIOPS_ISA) and
// its VectorLanes: instantiates every generic kernel for that instruction set and returns
// them as a dispatch table.
#pragma once
#include "kernels/crop_and_resize.h"
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
  static const KernelTable table{simd,
                                 &roi_pool_forward,
                                 &roi_align_forward,
                                 &ps_roi_align_forward,
                                 &roi_align_rotated_forward,
                                 &multi_scale_roi_align_forward,
                                 &roi_align_backward,
                                 &ps_roi_align_backward,
                                 &roi_align_rotated_backward,
                                 &ps_roi_pool_forward,
                                 &spatial_pyramid_pool_forward,
                                 &crop_and_resize_forward,
                                 &precise_roi_pool_forward,
                                 &roi_pool_backward,
                                 &ps_roi_pool_backward,
                                 &precise_roi_pool_backward};
  return table;
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
